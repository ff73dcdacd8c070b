"""pytest's side of :mod:`companion.cases`: the (framework, device) parameters
and what a GPU case does where there is no GPU.

Everything else (the frameworks' calls, layouts, tolerances, device placement
and checks, the no-GPU-kernel facts) is :mod:`companion.cases`, re-exported
here for the tests. ``TF_DEVICES`` gives the ids ``[tf-cpu]`` and
``[tf-gpu]``, ``TORCH_DEVICES`` ``[torch-cpu]`` and ``[torch-gpu]``,
``FRAMEWORK_DEVICES`` all four. A GPU case carries
``pytest.mark.gpu(framework=...)``; where that framework sees no GPU it
skips, or FAILS naming the framework when ``COURSE_REQUIRE_GPU=1`` (set by
``make test-gpu``). Under ``COURSE_PRETEND_GPU=1`` every framework "sees" a
GPU that is the CPU (see :mod:`companion.cases`).
"""

from __future__ import annotations

import os

import pytest

from companion.cases import (  # noqa: F401  (re-exported for the tests)
    NAMES,
    OPS,
    SHORT,
    check,
    check_device,
    from_torch,
    gpu_kernel_missing,
    gpu_missing,
    placement,
    pretend_gpu,
    refused_on_gpu,
    tf,
    tf_result,
    tolerance,
    torch,
)
from companion.cases import to_torch as _to_torch
from companion.utils import quiet_tensorflow

quiet_tensorflow()  # before any test imports TensorFlow (oneDNN off, no logs)

#: Set by ``make test-gpu``: a missing GPU is a failure, not a skip.
REQUIRE_GPU = os.environ.get("COURSE_REQUIRE_GPU", "") == "1"


def require_gpu(framework: str) -> None:
    """Skip (or, under ``COURSE_REQUIRE_GPU=1``, fail) if ``framework`` sees no
    GPU. The message names the framework."""
    missing = gpu_missing(framework)
    if missing is None:
        return
    message = f"no GPU visible to {NAMES[framework]} on this machine"
    if REQUIRE_GPU:
        pytest.fail(f"{message} (COURSE_REQUIRE_GPU=1)", pytrace=False)
    pytest.skip(message)


def _params(framework: str, with_framework: bool = False):
    def values(device):
        return (framework, device) if with_framework else (device,)

    short = SHORT[framework]
    return [pytest.param(*values("cpu"), id=f"{short}-cpu"),
            pytest.param(*values("gpu"), id=f"{short}-gpu",
                         marks=pytest.mark.gpu(framework=framework))]


#: ``@pytest.mark.parametrize("device", TF_DEVICES)``: "cpu"/"gpu", ids tf-*.
TF_DEVICES = _params("tensorflow")
#: ``@pytest.mark.parametrize("device", TORCH_DEVICES)``: ids torch-*.
TORCH_DEVICES = _params("torch")
#: ``@pytest.mark.parametrize("framework, device", FRAMEWORK_DEVICES)``.
FRAMEWORK_DEVICES = _params("tensorflow", True) + _params("torch", True)


def tf_device(device: str) -> str:
    """TensorFlow's device string for ``'cpu'`` or ``'gpu'`` (requires the GPU)."""
    if device == "gpu":
        require_gpu("tensorflow")
    return placement("tensorflow", device)


def to_torch(a, device: str = "cpu", layout: str = "data"):
    """:func:`companion.cases.to_torch`, requiring the GPU for ``"gpu"``."""
    if device == "gpu":
        require_gpu("torch")
    return _to_torch(a, device, layout)


def on_real_gpu(device: str) -> bool:
    """Whether ``device`` is a real GPU (``"gpu"`` outside pretend-GPU mode,
    where the "GPU" is the CPU and has the CPU's kernels)."""
    return device == "gpu" and not pretend_gpu()
