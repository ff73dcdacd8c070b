"""Cross-check every reference operation against TensorFlow and PyTorch.

Run ``python -m companion.crosscheck`` to print one table: operation x
framework x device, the largest absolute difference from the companion, the
tolerance, and a verdict. The exit status is 1 if any row fails, so CI can run
it. It needs TensorFlow and PyTorch installed (``pip install companion[frameworks]``).

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


@dataclass(frozen=True)
class Row:
    """One line of the table: our result against one framework on one device."""

    operation: str
    framework: str
    device: str
    max_abs_err: float
    tolerance: float

    @property
    def ok(self) -> bool:
        return bool(self.max_abs_err <= self.tolerance)


def devices() -> dict[str, list[str]]:
    """Devices available to each framework: always ``cpu``, ``gpu`` if present.

    TF32 is switched off on GPUs so that float32 results are strict.
    """
    quiet_tensorflow()
    import tensorflow as tf
    import torch

    found = {"tensorflow": ["cpu"], "torch": ["cpu"]}
    if tf.config.list_physical_devices("GPU"):
        tf.config.experimental.enable_tensor_float_32_execution(False)
        found["tensorflow"].append("gpu")
    if torch.cuda.is_available():
        torch.backends.cudnn.allow_tf32 = False
        torch.backends.cuda.matmul.allow_tf32 = False
        found["torch"].append("gpu")
    return found


def collect(modules=CHECK_MODULES, devs=None) -> list[Row]:
    """Run every check module and return all rows.

    ``devs`` maps each framework to its devices (default: :func:`devices`,
    every device present); ``modules`` names the check modules to run.
    """
    devs = devices() if devs is None else devs
    rows: list[Row] = []
    for name in modules:
        rows.extend(importlib.import_module(name).run(devs))
    return rows


def format_table(rows: list[Row]) -> str:
    """Render rows as a fixed-width text table."""
    header = ("operation", "framework", "device", "max abs err", "tolerance", "")
    lines = [
        (r.operation, r.framework, r.device, f"{r.max_abs_err:.2e}",
         f"{r.tolerance:.0e}", "pass" if r.ok else "FAIL")
        for r in rows
    ]
    widths = [max(len(str(x[i])) for x in [header, *lines]) for i in range(6)]
    out = ["  ".join(str(c).ljust(w) for c, w in zip(header, widths)).rstrip()]
    out.append("  ".join("-" * w for w in widths[:5]) + "  ----")
    for line in lines:
        out.append("  ".join(str(c).ljust(w) for c, w in zip(line, widths)).rstrip())
    failed = sum(not r.ok for r in rows)
    out.append(f"{len(rows)} rows, {failed} failing")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    rows = collect()
    print(format_table(rows))
    return 0 if all(r.ok for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
