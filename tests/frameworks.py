"""One place that imports the reference frameworks for the tests.

TensorFlow is imported quietly, on the CPU by default; a GPU (if any) is listed
by :func:`devices` so tests can be parametrised over it, with TF32 switched off
so float32 comparisons stay strict (see ``../shared/SEMANTICS.md``,
Tolerances).
"""

from __future__ import annotations

import functools

import numpy as np
import pytest

from companion.utils import quiet_tensorflow

quiet_tensorflow()


@functools.lru_cache(maxsize=None)
def tf():
    import tensorflow as tf_

    if tf_.config.list_physical_devices("GPU"):
        tf_.config.experimental.enable_tensor_float_32_execution(False)
    return tf_


@functools.lru_cache(maxsize=None)
def torch():
    import torch as torch_

    if torch_.cuda.is_available():
        torch_.backends.cudnn.allow_tf32 = False
        torch_.backends.cuda.matmul.allow_tf32 = False
    return torch_


def _gpu_param():
    return pytest.param(
        "gpu", marks=pytest.mark.gpu, id="gpu",
    )


#: Parametrise a test over devices with ``@pytest.mark.parametrize("device", DEVICES)``;
#: the GPU case skips with a reason where no GPU is present (see ``gpu_or_skip``).
DEVICES = ["cpu", _gpu_param()]


def gpu_or_skip(framework: str) -> None:
    """Skip the current test if ``framework`` sees no GPU."""
    if framework == "tensorflow":
        if not tf().config.list_physical_devices("GPU"):
            pytest.skip("no GPU visible to TensorFlow on this machine")
    elif framework == "torch":
        if not torch().cuda.is_available():
            pytest.skip("no GPU visible to PyTorch on this machine")
    else:
        raise ValueError(
            f"framework must be 'tensorflow' or 'torch', got {framework!r}")


def tf_device(device: str) -> str:
    """TensorFlow device string for ``'cpu'`` or ``'gpu'`` (skips if absent)."""
    if device == "gpu":
        gpu_or_skip("tensorflow")
        return "/GPU:0"
    return "/CPU:0"


def torch_device(device: str) -> str:
    """PyTorch device string for ``'cpu'`` or ``'gpu'`` (skips if absent)."""
    if device == "gpu":
        gpu_or_skip("torch")
        return "cuda"
    return "cpu"


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


def from_torch(t, layout: str = "data") -> np.ndarray:
    """Torch tensor (NCHW data, or ``"none"``) -> NumPy array, NHWC."""
    from companion.layouts import nchw_to_nhwc

    a = t.detach().cpu().numpy()
    return nchw_to_nhwc(a) if layout == "data" else a
