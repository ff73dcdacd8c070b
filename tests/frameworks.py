"""One place that imports the reference frameworks for the tests.

TensorFlow is imported quietly, on the CPU by default. Tests that compare on a
device are parametrised over (framework, device), each case on its own id:
``TF_DEVICES`` gives ``[tf-cpu]`` and ``[tf-gpu]``, ``TORCH_DEVICES``
``[torch-cpu]`` and ``[torch-gpu]``, ``FRAMEWORK_DEVICES`` all four. A GPU
case carries ``pytest.mark.gpu(framework=...)``; where that framework sees no
GPU it skips, or FAILS naming the framework when ``COURSE_REQUIRE_GPU=1`` (set
by ``make test-gpu``), so a GPU machine with a broken CUDA set-up cannot pass.

On a GPU: TF32 is off in both frameworks (float32 comparisons stay strict, see
``../shared/SEMANTICS.md``, Tolerances), TensorFlow's soft device placement is
off (an op with no GPU kernel raises instead of running on the CPU; those ops
are listed once, in ``companion.crosscheck.NO_GPU_KERNEL``), and
:func:`tf_result` / :func:`from_torch` check the device of every result.
"""

from __future__ import annotations

import functools
import os

import numpy as np
import pytest

from companion.crosscheck import check_device, gpu_kernel_missing, strict_gpu_settings
from companion.utils import quiet_tensorflow

quiet_tensorflow()

#: Set by ``make test-gpu``: a missing GPU is a failure, not a skip.
REQUIRE_GPU = os.environ.get("COURSE_REQUIRE_GPU", "") == "1"

FRAMEWORK_NAMES = {"tensorflow": "TensorFlow", "torch": "PyTorch"}


@functools.lru_cache(maxsize=None)
def tf():
    import tensorflow as tf_

    strict_gpu_settings(tf=tf_)
    return tf_


@functools.lru_cache(maxsize=None)
def torch():
    import torch as torch_

    strict_gpu_settings(torch=torch_)
    return torch_


def gpu_visible(framework: str) -> bool:
    """Whether ``framework`` (``"tensorflow"`` or ``"torch"``) sees a GPU."""
    if framework == "tensorflow":
        return bool(tf().config.list_physical_devices("GPU"))
    if framework == "torch":
        return bool(torch().cuda.is_available())
    raise ValueError(
        f"framework must be 'tensorflow' or 'torch', got {framework!r}")


def require_gpu(framework: str) -> None:
    """Skip (or, under ``COURSE_REQUIRE_GPU=1``, fail) if ``framework`` sees no
    GPU. The message names the framework."""
    if gpu_visible(framework):
        return
    message = f"no GPU visible to {FRAMEWORK_NAMES[framework]} on this machine"
    if REQUIRE_GPU:
        pytest.fail(f"{message} (COURSE_REQUIRE_GPU=1)", pytrace=False)
    pytest.skip(message)


def _params(framework: str, short: str, with_framework: bool = False):
    def values(device):
        return (framework, device) if with_framework else (device,)

    return [pytest.param(*values("cpu"), id=f"{short}-cpu"),
            pytest.param(*values("gpu"), id=f"{short}-gpu",
                         marks=pytest.mark.gpu(framework=framework))]


#: ``@pytest.mark.parametrize("device", TF_DEVICES)``: "cpu"/"gpu", ids tf-*.
TF_DEVICES = _params("tensorflow", "tf")
#: ``@pytest.mark.parametrize("device", TORCH_DEVICES)``: ids torch-*.
TORCH_DEVICES = _params("torch", "torch")
#: ``@pytest.mark.parametrize("framework, device", FRAMEWORK_DEVICES)``.
FRAMEWORK_DEVICES = (_params("tensorflow", "tf", True)
                     + _params("torch", "torch", True))


def tf_device(device: str) -> str:
    """TensorFlow device string for ``'cpu'`` or ``'gpu'`` (requires the GPU)."""
    if device == "gpu":
        require_gpu("tensorflow")
        return "/GPU:0"
    if device != "cpu":
        raise ValueError(f"device must be 'cpu' or 'gpu', got {device!r}")
    return "/CPU:0"


def torch_device(device: str) -> str:
    """PyTorch device string for ``'cpu'`` or ``'gpu'`` (requires the GPU)."""
    if device == "gpu":
        require_gpu("torch")
        return "cuda"
    if device != "cpu":
        raise ValueError(f"device must be 'cpu' or 'gpu', got {device!r}")
    return "cpu"


def tf_result(t, device: str) -> np.ndarray:
    """A TensorFlow result as NumPy, after checking it lies on ``device``."""
    return np.asarray(check_device(t, device))


def tf_refuses_on_gpu(op: str, dtype) -> str | None:
    """The fact if TensorFlow has no GPU kernel for ``op`` in ``dtype``."""
    return gpu_kernel_missing("tensorflow", op, dtype)


def assert_no_gpu_kernel(fn, op: str, dtype) -> None:
    """On the GPU with soft placement off, ``fn()`` must raise (the op listed in
    NO_GPU_KERNEL has no kernel there) rather than run on the CPU."""
    assert tf_refuses_on_gpu(op, dtype), (op, dtype)
    errors = tf().errors
    with pytest.raises((errors.NotFoundError, errors.InvalidArgumentError,
                        errors.UnimplementedError)):
        with tf().device(tf_device("gpu")):
            fn()


def tolerance(dtype, scale: float = 1.0, fan_in: int = 1) -> dict:
    """``rtol``/``atol`` for comparing with a framework in ``dtype``.

    float64: 1e-10. float32: rtol 1e-5 and atol 1e-5 x scale x sqrt(fan_in),
    the rule stated in SEMANTICS.md.
    """
    if np.dtype(dtype) == np.float64:
        return {"rtol": 1e-10, "atol": 1e-10 * scale * max(1.0, fan_in) ** 0.5}
    return {"rtol": 1e-5, "atol": 1e-5 * scale * max(1.0, fan_in) ** 0.5}


# Layout-converting transfers for the core-operation tests (companion.layouts is
# the one place that knows the layouts; these only add the device hop).
_TO_TORCH_LAYOUT = {"data": "nhwc_to_nchw", "conv": "conv_kernel_to_torch",
                    "transposed": "transposed_kernel_to_torch", "none": None}


def to_torch(a, device: str = "cpu", layout: str = "data"):
    """NumPy array in the companion's layout -> torch tensor in PyTorch's.

    ``layout`` is ``"data"`` (NHWC), ``"conv"`` (HWIO kernel), ``"transposed"``
    (Keras transposed kernel) or ``"none"`` (as is, e.g. a bias).
    """
    from companion import layouts

    name = _TO_TORCH_LAYOUT[layout]
    a = getattr(layouts, name)(a) if name else np.ascontiguousarray(a)
    return torch().from_numpy(a).to(torch_device(device))


def from_torch(t, layout: str = "data", device: str | None = None) -> np.ndarray:
    """Torch tensor (NCHW data, or ``"none"``) -> NumPy array, NHWC.

    With ``device`` (``"cpu"``/``"gpu"``) the tensor must lie there.
    """
    from companion.layouts import nchw_to_nhwc

    if device is not None:
        check_device(t, device)
    a = t.detach().cpu().numpy()
    return nchw_to_nhwc(a) if layout == "data" else a
