"""Run every benchmark module and print one table (``make bench``)."""

from __future__ import annotations

import importlib
import pathlib
import platform
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))

from harness import best_time  # noqa: E402

from companion.utils import quiet_tensorflow  # noqa: E402


def main() -> int:
    quiet_tensorflow()
    import numpy as np
    import tensorflow as tf
    import torch

    here = pathlib.Path(__file__).resolve().parent
    modules = sorted(p.stem for p in here.glob("bench_*.py"))
    print(f"machine: {platform.machine()}, {platform.processor() or 'cpu'}, "
          f"torch threads {torch.get_num_threads()}, numpy {np.__version__}, "
          f"torch {torch.__version__}, tensorflow {tf.__version__}")
    header = f"{'case':44s} {'ours ms':>9s} {'torch ms':>9s} {'tf ms':>9s} " \
             f"{'vs torch':>8s} {'vs tf':>6s} {'target':>6s}  verdict"
    print(header)
    print("-" * len(header))
    missed = 0
    for name in modules:
        for case in importlib.import_module(name).cases():
            ours = best_time(case.ours)
            times = {k: best_time(f) for k, f in case.frameworks.items()}
            t_torch = times.get("torch", float("nan"))
            t_tf = times.get("tf", float("nan"))
            r_torch = t_torch / ours
            r_tf = t_tf / ours
            ok = r_torch >= case.target
            missed += not ok
            print(f"{case.name:44s} {ours*1e3:9.2f} {t_torch*1e3:9.2f} "
                  f"{t_tf*1e3:9.2f} {r_torch:8.2f} {r_tf:6.2f} "
                  f"{case.target:6.2f}  {'met' if ok else 'MISSED'}")
    print(f"{missed} case(s) below target")
    return 0


if __name__ == "__main__":
    sys.exit(main())
