"""Cross-check every reference operation against TensorFlow and PyTorch.

Run ``python -m companion.crosscheck`` to print one table: operation x
framework x device, the largest absolute difference from the companion, the
tolerance, and a verdict. The exit status is 1 if any row fails, so CI can run
it. It needs TensorFlow and PyTorch installed (``pip install companion[frameworks]``).

``--device cpu`` checks the CPUs only, ``--device gpu`` the GPUs only and exits
with status 2 and a message naming the framework when either framework sees no
GPU (so a GPU machine with a broken CUDA set-up cannot pass), and the default
``--device auto`` checks the CPUs and whatever GPU is visible. On the GPU,
TensorFlow runs with soft device placement off (an op without a GPU kernel
raises instead of quietly running on the CPU), TF32 is off in both frameworks
(float32 results stay strict), and every result's device is checked. An
operation listed in ``NO_GPU_KERNEL`` is reported as "no GPU kernel"
instead of being run.

The checks themselves live next to the topics they test, in
``companion._checks_*`` modules; each exposes ``run(devices) -> list[Row]``.
"""

from __future__ import annotations

import importlib
import sys
from dataclasses import dataclass

from .utils import quiet_tensorflow

#: Modules that contribute rows, one per topic.
CHECK_MODULES = (
    "companion._checks_core",
    "companion._checks_resize",
)


#: The one list of operations with no GPU kernel for a dtype, with the fact
#: behind each: ``(framework, op, dtype) -> fact``; ``dtype`` ``"any"`` means
#: every dtype. The GPU tests assert each refusal (soft placement off), and the
#: cross-check table reports these rows as "no GPU kernel".
NO_GPU_KERNEL = {
    ("tensorflow", "ResizeBicubic", "any"):
        "tensorflow/core/kernels/image/resize_bicubic_op.cc registers the op "
        "for DEVICE_CPU only (tf.image.resize and tf.compat.v1.image.resize "
        "with method bicubic, antialias off, call it)",
    ("tensorflow", "DepthToSpace", "float64"):
        "tensorflow/core/kernels/depthtospace_op.cc registers DEVICE_GPU "
        "kernels for float, half, bfloat16 and qint8 only",
    ("tensorflow", "SpaceToDepth", "float64"):
        "tensorflow/core/kernels/spacetodepth_op.cc registers DEVICE_GPU "
        "kernels for float, half, qint8 and uint8 only",
}

#: The verdict of a row whose operation has no GPU kernel (nothing ran).
NO_GPU = "no GPU kernel"


def gpu_kernel_missing(framework: str, op: str, dtype) -> str | None:
    """The fact from ``NO_GPU_KERNEL`` if ``op`` has no GPU kernel for
    ``dtype`` in ``framework``, else ``None``.

    Examples
    --------
    >>> gpu_kernel_missing("tensorflow", "DepthToSpace", "float64").split()[0]
    'tensorflow/core/kernels/depthtospace_op.cc'
    >>> gpu_kernel_missing("tensorflow", "DepthToSpace", "float32") is None
    True
    """
    import numpy as np

    name = np.dtype(dtype).name
    return (NO_GPU_KERNEL.get((framework, op, name))
            or NO_GPU_KERNEL.get((framework, op, "any")))


def pretend_gpu() -> bool:
    """``COURSE_PRETEND_GPU=1``: GPU branches run on the CPU."""
    import os

    return os.environ.get("COURSE_PRETEND_GPU", "") == "1"


def placement(framework: str, device: str) -> str:
    if device == "gpu" and not pretend_gpu():
        return "/GPU:0" if framework == "tensorflow" else "cuda"
    return "/CPU:0" if framework == "tensorflow" else "cpu"


class NoGPUError(RuntimeError):
    """A GPU was asked for and the framework sees none."""


@dataclass(frozen=True)
class Row:
    """One line of the table: our result against one framework on one device.

    ``note`` is ``NO_GPU`` for an operation that has no GPU kernel (then
    nothing ran and the errors are NaN).
    """

    operation: str
    framework: str
    device: str
    max_abs_err: float
    tolerance: float
    note: str = ""

    @property
    def ok(self) -> bool:
        return bool(self.note == NO_GPU or self.max_abs_err <= self.tolerance)

    @property
    def verdict(self) -> str:
        if self.note:
            return self.note
        return "pass" if self.ok else "FAIL"


def strict_gpu_settings(tf=None, torch=None) -> None:
    """TF32 off in both frameworks, TensorFlow's soft placement off and its
    memory growth on (so that PyTorch gets GPU memory too)."""
    if tf is not None:
        for gpu in tf.config.list_physical_devices("GPU"):
            try:
                tf.config.experimental.set_memory_growth(gpu, True)
            except RuntimeError:  # GPUs already initialised: it stays as it was
                pass
        tf.config.set_soft_device_placement(False)
        tf.config.experimental.enable_tensor_float_32_execution(False)
    if torch is not None:
        torch.backends.cudnn.allow_tf32 = False
        torch.backends.cuda.matmul.allow_tf32 = False


def gpu_status() -> dict[str, str | None]:
    """For each framework, ``None`` if it sees a GPU, else why not (a message)."""
    quiet_tensorflow()
    import tensorflow as tf
    import torch

    status = {"tensorflow": None, "torch": None}
    if pretend_gpu():
        return status
    if not tf.config.list_physical_devices("GPU"):
        status["tensorflow"] = (
            "no GPU visible to TensorFlow "
            f"{tf.__version__} (built with CUDA: {tf.test.is_built_with_cuda()})")
    if not torch.cuda.is_available():
        status["torch"] = (
            f"no GPU visible to PyTorch {torch.__version__} "
            f"(CUDA build: {torch.version.cuda or 'no, a CPU build'})")
    return status


def devices(which: str = "auto") -> dict[str, list[str]]:
    """Devices to check for each framework.

    ``"auto"``: ``cpu``, and ``gpu`` where present; ``"cpu"``: the CPUs only;
    ``"gpu"``: the GPUs only, and :class:`NoGPUError` naming the framework
    when one of them sees no GPU. The strict GPU settings
    (:func:`strict_gpu_settings`) apply whenever a GPU is used.
    """
    if which not in ("auto", "cpu", "gpu"):
        raise ValueError(
            f"device must be 'auto', 'cpu' or 'gpu', got {which!r}")
    quiet_tensorflow()
    import tensorflow as tf
    import torch

    missing = gpu_status()
    if which == "gpu" and any(missing.values()):
        raise NoGPUError("; ".join(m for m in missing.values() if m))
    found = {}
    for fw in ("tensorflow", "torch"):
        found[fw] = [] if which == "gpu" else ["cpu"]
        if which != "cpu" and missing[fw] is None:
            found[fw].append("gpu")
    if any("gpu" in d for d in found.values()):
        strict_gpu_settings(tf, torch)
    return found


def check_device(tensor, device: str):
    """Raise if a framework result is not on ``device`` (``cpu``/``gpu``);
    return the tensor. TensorFlow: ``tensor.device`` names the device;
    PyTorch: ``tensor.device.type`` is ``"cuda"`` on a GPU."""
    where = tensor.device
    if hasattr(where, "type"):  # torch
        on_gpu = where.type == "cuda"
    else:
        on_gpu = "GPU" in str(where).upper()
    if on_gpu != (device == "gpu" and not pretend_gpu()):
        raise RuntimeError(f"result expected on {device} is on {where}")
    return tensor


def collect(modules=CHECK_MODULES, devs=None, device: str = "auto") -> list[Row]:
    """Run every check module and return all rows.

    ``devs`` maps each framework to its devices (default: ``devices(device)``);
    ``modules`` names the check modules to run.
    """
    devs = devices(device) if devs is None else devs
    rows: list[Row] = []
    for name in modules:
        rows.extend(importlib.import_module(name).run(devs))
    return rows


def format_table(rows: list[Row]) -> str:
    """Render rows as a fixed-width text table."""
    header = ("operation", "framework", "device", "max abs err", "tolerance", "")
    lines = [
        (r.operation, r.framework, r.device,
         "-" if r.note else f"{r.max_abs_err:.2e}", f"{r.tolerance:.0e}",
         r.verdict)
        for r in rows
    ]
    widths = [max(len(str(x[i])) for x in [header, *lines]) for i in range(6)]
    out = ["  ".join(str(c).ljust(w) for c, w in zip(header, widths)).rstrip()]
    out.append("  ".join("-" * w for w in widths[:5]) + "  ----")
    for line in lines:
        out.append("  ".join(str(c).ljust(w) for c, w in zip(line, widths)).rstrip())
    failed = sum(not r.ok for r in rows)
    missing = sum(r.note == NO_GPU for r in rows)
    extra = f", {missing} with no GPU kernel" if missing else ""
    out.append(f"{len(rows)} rows, {failed} failing{extra}")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(
        prog="python -m companion.crosscheck",
        description="Every companion operation against TensorFlow and PyTorch.")
    parser.add_argument(
        "--device", choices=("auto", "cpu", "gpu"), default="auto",
        help="auto: the CPUs and any visible GPU; gpu: the GPUs only, and an "
             "error if a framework sees none")
    args = parser.parse_args(argv)
    try:
        rows = collect(device=args.device)
    except NoGPUError as err:
        print(f"crosscheck --device gpu: {err}. The GPU table needs a machine "
              "with an NVIDIA GPU and the CUDA builds of both frameworks "
              "(make test-gpu installs them; on Colab: Runtime > Change runtime "
              "type > GPU).", file=sys.stderr)
        return 2
    print(format_table(rows))
    if rows and all(r.note == NO_GPU for r in rows):
        return 1
    return 0 if all(r.ok for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
