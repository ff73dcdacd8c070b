"""`python -m companion.crosscheck` runs, covers both frameworks, and can fail."""

import subprocess
import sys

import pytest

from companion.crosscheck import Row, format_table


def test_row_verdict_and_table_format():
    rows = [Row("conv2d", "torch", "cpu", 1e-7, 1e-5),
            Row("conv2d", "tensorflow", "cpu", 3e-4, 1e-5)]
    assert rows[0].ok and not rows[1].ok
    table = format_table(rows)
    lines = table.splitlines()
    assert lines[0].split()[:3] == ["operation", "framework", "device"]
    assert lines[2].endswith("pass") and lines[3].endswith("FAIL")
    assert lines[-1] == "2 rows, 1 failing"


@pytest.mark.slow
def test_crosscheck_command_passes_for_every_operation_and_framework():
    result = subprocess.run([sys.executable, "-m", "companion.crosscheck"],
                            capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    body = result.stdout.splitlines()[2:-1]
    assert body and all(line.rstrip().endswith("pass") for line in body)
    seen = {}
    for line in body:
        cells = line.split()
        framework = next(c for c in cells if c in ("tensorflow", "torch", "opencv"))
        op = line.split("  ")[0].split(" (")[0].strip()
        seen.setdefault(op, set()).add(framework)
    for op in ("conv2d", "conv_transpose2d", "conv_transpose2d_scatter",
               "conv_transpose2d_zero_insert", "max_pool2d", "avg_pool2d",
               "max_unpool2d", "conv2d_backward dx", "pixel_shuffle r=2",
               "upsample_repeat"):
        assert {"tensorflow", "torch"} <= seen.get(op, set()), (op, seen.get(op))
    resize_frameworks = set().union(*(v for k, v in seen.items()
                                      if k.startswith("resize ")))
    assert {"tensorflow", "torch", "opencv"} <= resize_frameworks


@pytest.mark.slow
@pytest.mark.gpu(framework=("tensorflow", "torch"))
def test_crosscheck_gpu_table():
    """On a GPU machine: ``--device gpu`` gives GPU rows only, for both
    frameworks; every row passes except the ops of NO_GPU_KERNEL, which say so."""
    result = subprocess.run([sys.executable, "-m", "companion.crosscheck",
                             "--device", "gpu"],
                            capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    body = result.stdout.splitlines()[2:-1]
    frameworks = set()
    for line in body:
        cells = line.split("  ")
        assert " gpu " in f" {line} " and "cpu" not in line.split()[-6:], line
        frameworks |= {c.strip() for c in cells} & {"tensorflow", "torch"}
        verdict = line.rstrip()
        assert verdict.endswith("pass") or (
            verdict.endswith("no GPU kernel") and "bicubic" in line
            and "tensorflow" in line), line
    assert frameworks == {"tensorflow", "torch"}
    assert "no GPU kernel" in result.stdout.splitlines()[-1]


def test_pretend_gpu_tf_bicubic_rows_say_no_gpu_kernel(monkeypatch):
    """TensorFlow's ResizeBicubic has no GPU kernel (NO_GPU_KERNEL): on the GPU
    its rows must read "no GPU kernel", not a comparison with another method's
    result. Run in pretend-GPU mode, so that it holds on every machine."""
    from companion.crosscheck import NO_GPU, collect

    monkeypatch.setenv("COURSE_PRETEND_GPU", "1")
    rows = collect(["companion._checks_resize"], {"tensorflow": ["gpu"]})
    bicubic = [r for r in rows if "bicubic" in r.operation
               and r.framework == "tensorflow"]
    assert len(bicubic) == 3, bicubic
    assert all(r.note == NO_GPU for r in bicubic), bicubic
    assert all(r.ok for r in rows), [r for r in rows if not r.ok]
