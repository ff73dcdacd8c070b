"""Small helpers the notebooks share: seeding, quiet framework imports, and the
course's one setting for PyTorch's device and CPU threads."""

from __future__ import annotations

import os
import random
import sys

import numpy as np

from ._validate import check_int, short_repr


def quiet_tensorflow(*, import_now: bool = True) -> None:
    """Silence TensorFlow's C++ start-up log; call it before ``import tensorflow``.

    It sets ``TF_CPP_MIN_LOG_LEVEL=3`` (errors only), turns oneDNN's notice off
    (``TF_ENABLE_ONEDNN_OPTS=0``) and selects Keras' TensorFlow backend. Some
    lines (the CUDA-driver probe on a machine without a GPU) are printed by
    absl before TensorFlow reads those variables; with ``import_now`` (the
    default) TensorFlow and Keras are imported here with the process's stderr
    sent to ``/dev/null`` for the duration of the import only, so that the
    reader's own ``import tensorflow as tf`` afterwards is silent and every
    later error still shows. Nothing happens if TensorFlow is not installed.
    """
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    if not import_now or "tensorflow" in sys.modules:
        return
    import importlib.util

    if importlib.util.find_spec("tensorflow") is None:
        return
    sys.stderr.flush()
    saved = os.dup(2)
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 2)
    try:
        import keras  # noqa: F401
        import tensorflow  # noqa: F401
    finally:
        os.dup2(saved, 2)
        os.close(null)
        os.close(saved)


def set_seeds(seed: int = 0) -> np.random.Generator:
    """Seed Python, NumPy, and TensorFlow and PyTorch when they are imported.

    Returns a fresh ``np.random.Generator`` seeded with ``seed``, the one the
    notebooks pass around. Frameworks that are not installed are skipped, so
    the companion works without them.

    Examples
    --------
    >>> rng = set_seeds(0)
    >>> round(float(rng.standard_normal()), 4)
    0.1257
    """
    seed = check_int(seed, "seed", minimum=0)
    random.seed(seed)
    np.random.seed(seed)
    if "tensorflow" in sys.modules:
        import tensorflow as tf
        tf.random.set_seed(seed)
        try:
            tf.config.experimental.enable_op_determinism()
        except (AttributeError, RuntimeError):
            pass
    if "keras" in sys.modules:
        import keras
        keras.utils.set_random_seed(seed)
    if "torch" in sys.modules:
        import torch
        torch.manual_seed(seed)
    return np.random.default_rng(seed)


#: Environment variables that override the course setting (see course_device).
DEVICE_ENV = "COURSE_DEVICE"
THREADS_ENV = "COURSE_TORCH_THREADS"
_DEVICES = ("auto", "cpu", "cuda")


def set_torch_threads(threads: int | None = None) -> int:
    """Set PyTorch's CPU thread count to the course setting and return it.

    ``threads`` defaults to the environment variable ``COURSE_TORCH_THREADS``,
    and to 1 when that is unset. One thread is the course setting because a
    sum over many products (a convolution, a matrix product) is split among
    threads, and a different split adds in a different order: the last digits
    of a float32 result then depend on the machine's core count. With one
    thread the CPU results are the same everywhere, which is what the stored
    outputs (``pytest --nbval``) need; for the small tensors of the course it
    is also about as fast on a shared machine. Returns 0 and does nothing
    when PyTorch is not installed.

    Examples
    --------
    >>> set_torch_threads(0)
    Traceback (most recent call last):
    ...
    ValueError: threads must be >= 1, got 0
    """
    if threads is None:
        raw = os.environ.get(THREADS_ENV, "1")
        try:
            threads = int(raw)
        except ValueError:
            raise ValueError(f"{THREADS_ENV} must be a whole number of threads, "
                             f"got {short_repr(raw)}") from None
        name = THREADS_ENV
    else:
        name = "threads"
    threads = check_int(threads, name, minimum=1)
    import importlib.util

    if "torch" not in sys.modules and importlib.util.find_spec("torch") is None:
        return 0
    import torch

    torch.set_num_threads(threads)
    return threads


def course_device(device: str | None = None, *, threads: int | None = None) -> str:
    """The course's one setting for PyTorch: the device to use, and its threads.

    Call it once in a chapter's set-up, after importing PyTorch, and move
    models and tensors with ``.to(device)``:

    - ``"auto"`` (the default) gives ``"cuda"`` when PyTorch sees a GPU (a
      Colab GPU runtime, a workstation with CUDA) and ``"cpu"`` otherwise;
    - ``"cpu"`` or ``"cuda"`` force one (``"cuda"`` without a GPU is an
      error);
    - ``device`` defaults to the environment variable ``COURSE_DEVICE``, and
      to ``"auto"`` when that is unset. The test suite sets it to ``"cpu"``
      so that the stored outputs are reproduced on the CPU even on a machine
      with a GPU.

    On the CPU it sets one thread (:func:`set_torch_threads`; ``threads``
    overrides), so that a rerun on the same machine adds in the same order
    and reproduces its results (another CPU or library build may round
    differently). On a GPU it leaves PyTorch's CPU threads as they are (the
    GPU does the arithmetic; one CPU thread would only slow the Python side
    down) and asks cuDNN for deterministic algorithms (``cudnn.deterministic = True``,
    ``cudnn.benchmark = False``): a rerun on the same GPU gives the same
    numbers, though not to the last digit the CPU's. TensorFlow needs no
    setting: it uses a visible GPU by itself, and :func:`set_seeds` turns on
    its deterministic ops. Without PyTorch installed it returns ``"cpu"``.

    Examples
    --------
    >>> course_device("cpu")
    'cpu'
    >>> course_device("gpu")
    Traceback (most recent call last):
    ...
    ValueError: device must be one of 'auto', 'cpu', 'cuda', got 'gpu'
    """
    name = "device"
    if device is None:
        device, name = os.environ.get(DEVICE_ENV, "auto") or "auto", DEVICE_ENV
    if not isinstance(device, str) or device.lower() not in _DEVICES:
        raise ValueError(f"{name} must be one of 'auto', 'cpu', 'cuda', got "
                         f"{short_repr(device)}")
    device = device.lower()
    import importlib.util

    if "torch" not in sys.modules and importlib.util.find_spec("torch") is None:
        if device == "cuda":
            raise ValueError(f"{name}='cuda' needs PyTorch, which is not installed")
        set_torch_threads(threads)  # validates threads
        return "cpu"
    import torch

    gpu = torch.cuda.is_available()
    if device == "cuda" and not gpu:
        raise ValueError(f"{name}='cuda' but PyTorch sees no GPU; use 'auto' or "
                         f"'cpu'")
    chosen = "cuda" if device == "cuda" or (device == "auto" and gpu) else "cpu"
    if chosen == "cpu":
        set_torch_threads(threads)
    else:  # the GPU computes; PyTorch keeps its own CPU threads for the rest
        if threads is not None:
            check_int(threads, "threads", minimum=1)
        torch.backends.cudnn.deterministic = True
        torch.backends.cudnn.benchmark = False
    return chosen


def describe_environment() -> dict[str, str]:
    """Versions of Python, NumPy and the frameworks, and whether a GPU is visible.

    Chapter 0 prints it. Frameworks that are not installed read "not installed";
    the GPU entries name the devices PyTorch and TensorFlow see (only when the
    framework is already imported or importable), or "none".
    """
    import importlib.util
    import platform

    info = {"Python": platform.python_version(), "NumPy": np.__version__}
    if importlib.util.find_spec("tensorflow") is not None:
        quiet_tensorflow()
        import tensorflow as tf

        info["TensorFlow"] = tf.__version__
        try:
            import keras

            info["Keras"] = keras.__version__
        except ImportError:  # pragma: no cover - Keras ships with TensorFlow
            info["Keras"] = "not installed"
        gpus = tf.config.list_physical_devices("GPU")
        info["TensorFlow GPU"] = ", ".join(g.name for g in gpus) or "none"
    else:
        info["TensorFlow"] = info["Keras"] = "not installed"
        info["TensorFlow GPU"] = "none"
    if importlib.util.find_spec("torch") is not None:
        import torch

        info["PyTorch"] = torch.__version__
        info["PyTorch GPU"] = (", ".join(torch.cuda.get_device_name(i)
                                         for i in range(torch.cuda.device_count()))
                               if torch.cuda.is_available() else "none")
    else:
        info["PyTorch"] = "not installed"
        info["PyTorch GPU"] = "none"
    return info
