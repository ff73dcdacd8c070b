"""Cross-check every reference operation against TensorFlow and PyTorch.

Run ``python -m companion.crosscheck`` to print one table: operation x
framework x device, the largest absolute difference from the companion, the
largest difference the tolerance allows, and a verdict. The exit status is 1 if
any row fails, so CI can run it. It needs TensorFlow and PyTorch installed: the
``frameworks`` extra of the distribution ``convnets-upsampling-companion``, as
the README's "The companion package" says (in a clone:
``pip install -e ".[frameworks]"``); ``--framework`` picks one of them.

The rows, the framework calls, the tolerances and the GPU facts are those of
:mod:`companion.cases`, the same table that the tests parametrise over.

``--smoke`` runs one convolution on each framework's GPU and, if it fails,
names the framework and the CUDA library that does not load (``make test-gpu``
starts with it). ``--device cpu`` checks the CPUs only, ``--device gpu`` the
GPUs only and exits with status 2 and a message naming the framework when a
framework sees no GPU (so a GPU machine with a broken CUDA set-up cannot pass),
and the default ``--device auto`` checks the CPUs and whatever GPU is visible.
On the GPU, TensorFlow runs with soft device placement off, TF32 is off in both
frameworks, and every result's device is checked. An operation listed in
``NO_GPU_KERNEL`` is reported as "no GPU kernel" (after checking that
TensorFlow refuses it there) instead of being compared. With
``COURSE_PRETEND_GPU=1`` every GPU branch runs on the CPU (see
:mod:`companion.cases`).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

from .cases import (
    FRAMEWORKS,
    NO_GPU,
    NO_GPU_KERNEL,
    NoGPUError,
    Result,
    check_device,
    gpu_kernel_missing,
    gpu_missing,
    pretend_gpu,
    strict_gpu_settings,
)
from .utils import quiet_tensorflow

__all__ = ["NO_GPU", "NO_GPU_KERNEL", "NoGPUError", "Row", "check_device", "collect",
           "devices", "format_table", "gpu_kernel_missing", "gpu_status", "main",
           "strict_gpu_settings"]


@dataclass(frozen=True)
class Row:
    """One line of the table: our result against one framework on one device.

    ``note`` is ``NO_GPU`` for an operation that has no GPU kernel (then
    nothing was compared and the errors are NaN). ``tolerance`` is the largest
    difference allowed anywhere; ``passed``, where given, is the element-wise
    verdict (``|ours - theirs| <= atol + rtol |theirs|``).
    """

    operation: str
    framework: str
    device: str
    max_abs_err: float
    tolerance: float
    note: str = ""
    passed: bool | None = None

    @property
    def ok(self) -> bool:
        if self.note:
            return self.note == NO_GPU
        if self.passed is not None:  # element-wise atol + rtol |theirs|
            return self.passed
        return bool(self.max_abs_err <= self.tolerance)

    @property
    def verdict(self) -> str:
        if self.note:
            return self.note
        return "pass" if self.ok else "FAIL"


def gpu_status(frameworks=FRAMEWORKS) -> dict[str, str | None]:
    """For each framework, ``None`` if it sees a GPU, else why not (a message).
    In pretend-GPU mode (``COURSE_PRETEND_GPU=1``) every framework sees one."""
    quiet_tensorflow()
    return {fw: gpu_missing(fw) for fw in frameworks}


def devices(which: str = "auto", frameworks=FRAMEWORKS) -> dict[str, list[str]]:
    """Devices to check for each framework.

    ``"auto"``: ``cpu``, and ``gpu`` where present; ``"cpu"``: the CPUs only;
    ``"gpu"``: the GPUs only, and :class:`~companion.cases.NoGPUError` naming
    the framework when one of them sees no GPU. OpenCV joins on the CPU. The
    strict GPU settings (:func:`~companion.cases.strict_gpu_settings`) apply
    whenever a GPU is used.
    """
    if which not in ("auto", "cpu", "gpu"):
        raise ValueError(
            f"device must be 'auto', 'cpu' or 'gpu', got {which!r}")
    frameworks = tuple(frameworks)
    for fw in frameworks:
        if fw not in FRAMEWORKS:
            raise ValueError(f"framework must be one of {FRAMEWORKS}, got {fw!r}")
    missing = gpu_status(frameworks) if which != "cpu" else {}
    if which == "gpu" and any(missing.values()):
        raise NoGPUError("; ".join(m for m in missing.values() if m))
    found = {}
    for fw in frameworks:
        found[fw] = [] if which == "gpu" else ["cpu"]
        if which != "cpu" and missing[fw] is None:
            found[fw].append("gpu")
    if which != "gpu":
        found["opencv"] = ["cpu"]
    return found


def to_row(case, result: Result) -> Row:
    """A line of the table from a :func:`companion.cases.table` entry."""
    if result.note:
        return Row(case.label, result.framework, result.device, float("nan"), 0.0,
                   result.note if result.ok else f"FAIL: {result.note} expected, "
                   "but it ran")
    return Row(case.label, result.framework, result.device, result.max_abs_err,
               result.bound, passed=result.ok)


def collect(devs=None, device: str = "auto", frameworks=FRAMEWORKS,
            rows=None) -> list[Row]:
    """Every row of :data:`companion.cases.ROWS` (or ``rows``) on every
    framework and device of ``devs`` (default: ``devices(device,
    frameworks)``)."""
    from .cases import table

    devs = devices(device, frameworks) if devs is None else devs
    return [to_row(case, result) for case, result in table(devs, rows)]


def _libraries_that_fail(framework: str) -> list[str]:
    """The CUDA libraries of this environment that do not load: the driver's
    ``libcuda.so.1``, then every ``nvidia/*/lib/*.so*`` of the nvidia-*
    wheels next to the framework (each with the loader's reason)."""
    import ctypes
    import importlib.util
    import pathlib

    failed = []
    try:
        ctypes.CDLL("libcuda.so.1")
    except OSError as err:
        failed.append(f"libcuda.so.1 (the NVIDIA driver's library): {err}")
    spec = importlib.util.find_spec("nvidia")
    for root in (spec.submodule_search_locations or []) if spec else []:
        for lib in sorted(pathlib.Path(root).glob("*/lib/*.so*")):
            try:
                ctypes.CDLL(str(lib))
            except OSError as err:
                failed.append(f"{lib.name}: {err}")
    return failed


def smoke(framework: str) -> str | None:
    """One convolution on ``framework``'s GPU (the first table row). ``None``
    if it ran and agreed with ours; else a message that names the framework
    and, where one fails to load, the library."""
    from .cases import NAMES, ROWS, run

    name = NAMES[framework]
    try:
        missing = gpu_missing(framework)
    except (ImportError, OSError) as err:  # e.g. a CUDA library torch preloads
        return f"{name}: import failed: {err}"
    if missing is None:
        case = ROWS[0]
        try:
            result = run(case.op, framework, "gpu", case.cfg())
        except Exception as err:  # noqa: BLE001 - reported, with the libraries
            missing = f"{case.label} on the GPU failed: {err}"
        else:
            if result.ok:
                return None
            return (f"{name}: {case.label} on the GPU differs from ours by "
                    f"{result.max_abs_err:.2e} (tolerance {result.bound:.0e})")
    libs = _libraries_that_fail(framework)
    why = ("; libraries that fail to load: " + "; ".join(libs) if libs else
           "; every CUDA library of this environment loads (check the driver: "
           "nvidia-smi)")
    return f"{name}: {missing}{why}"


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
    parser.add_argument(
        "--framework", choices=FRAMEWORKS, action="append",
        help="check only this framework (repeatable; default: both)")
    parser.add_argument(
        "--smoke", action="store_true",
        help="only one convolution on each framework's GPU; on failure, say "
             "which framework and which library failed (exit status 3)")
    args = parser.parse_args(argv)
    if args.smoke:
        status = 0
        for fw in args.framework or FRAMEWORKS:
            problem = smoke(fw)
            if problem:
                print(f"GPU smoke run failed: {problem}", file=sys.stderr)
                status = 3
            else:
                where = " (pretend-GPU mode: the CPU)" if pretend_gpu() else ""
                print(f"GPU smoke run: {fw} ran a convolution on the GPU{where} "
                      "and agrees with ours")
        return status
    try:
        rows = collect(device=args.device,
                       frameworks=args.framework or FRAMEWORKS)
    except NoGPUError as err:
        print(f"crosscheck --device gpu: {err}. The GPU table needs a machine "
              "with an NVIDIA GPU and the CUDA build of each framework checked "
              "(make test-gpu installs them; on Colab: Runtime > Change runtime "
              "type > GPU).", file=sys.stderr)
        return 2
    print(format_table(rows))
    if rows and all(r.note == NO_GPU for r in rows):
        return 1
    return 0 if all(r.ok for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
