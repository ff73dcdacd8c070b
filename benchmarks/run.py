"""Run every benchmark module and print one table (``make bench``).

Each framework is timed in a child process that imports only that framework
(see ``harness``); this parent merges the children's rows.
"""

from __future__ import annotations

import importlib
import json
import pathlib
import platform
import subprocess
import sys

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from harness import FRAMEWORKS, compare  # noqa: E402


def measure(framework: str) -> None:
    """Child: time every case against ``framework``; one JSON line per case."""
    import numpy as np

    if framework not in FRAMEWORKS:
        raise ValueError(f"framework must be one of {FRAMEWORKS}, got {framework!r}")

    if framework == "tf":
        import os

        from companion.utils import quiet_tensorflow

        # TensorFlow's default CPU kernels (oneDNN), which quiet_tensorflow
        # would switch off to silence their start-up notice
        os.environ["TF_ENABLE_ONEDNN_OPTS"] = "1"
        quiet_tensorflow()
        import tensorflow as tf

        version = tf.__version__
        threads = tf.config.threading.get_intra_op_parallelism_threads()
    else:
        import torch

        version, threads = torch.__version__, torch.get_num_threads()
    print(json.dumps({"framework": framework, "version": version,
                      "threads": threads, "numpy": np.__version__}), flush=True)
    for name in sorted(p.stem for p in HERE.glob("bench_*.py")):
        for case in importlib.import_module(name).cases(framework):
            t = compare(case)
            print(json.dumps({"case": case.name, "target": case.target,
                              "ours": t.ours, "theirs": t.theirs,
                              "ratio": t.ratio}), flush=True)


def child(framework: str) -> list[str]:
    """Run ``measure(framework)`` in a child process; its output lines.

    A child that fails prints its traceback on this process's stderr and
    stops ``make bench`` with a non-zero status.
    """
    result = subprocess.run([sys.executable, __file__, "--framework", framework],
                            capture_output=True, text=True)
    if result.returncode != 0:
        print(result.stderr, file=sys.stderr, end="")
        raise SystemExit(f"benchmark child {framework!r} failed with exit status "
                         f"{result.returncode}; its traceback is above")
    return result.stdout.splitlines()


def main() -> int:
    if len(sys.argv) == 3 and sys.argv[1] == "--framework":
        measure(sys.argv[2])
        return 0
    rows: dict[str, dict] = {}
    info = []
    for framework in FRAMEWORKS:
        lines = child(framework)
        head, *results = (json.loads(line) for line in lines)
        info.append(f"{framework} {head['version']} ({head['threads'] or 'default'}"
                    " threads)")
        for r in results:
            row = rows.setdefault(r["case"], {"target": r["target"]})
            row[framework] = r
    print(f"machine: {platform.machine()}, numpy {head['numpy']}, "
          + ", ".join(info))
    header = (f"{'case':44s} {'ours ms':>9s} {'torch ms':>9s} {'vs torch':>8s} "
              f"{'ours ms':>9s} {'tf ms':>9s} {'vs tf':>6s} {'target':>6s}  verdict")
    print(header)
    print("-" * len(header))
    missed = 0
    for name, row in rows.items():
        t, f = row["torch"], row["tf"]
        if row["target"] is None:
            target, verdict = "-", "(explains the row above)"
        else:
            ok = t["ratio"] >= row["target"]
            missed += not ok
            target, verdict = f"{row['target']:.2f}", "met" if ok else "MISSED"
        print(f"{name:44s} {t['ours']*1e3:9.2f} {t['theirs']*1e3:9.2f} "
              f"{t['ratio']:8.2f} {f['ours']*1e3:9.2f} {f['theirs']*1e3:9.2f} "
              f"{f['ratio']:6.2f} {target:>6s}  {verdict}")
    print(f"{missed} case(s) below the target against PyTorch")
    return 0


if __name__ == "__main__":
    sys.exit(main())
