"""Small helpers the notebooks share: seeding and quiet framework imports."""

from __future__ import annotations

import os
import random
import sys

import numpy as np

from ._validate import check_int


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
