"""`python -m companion.crosscheck` runs, covers both frameworks, and can fail."""

import subprocess
import sys

import pytest
from frameworks import SHORT, check

from companion.cases import OPS, ROWS
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
@pytest.mark.parametrize("framework", [
    pytest.param(fw, id=f"{SHORT[fw]}-gpu", marks=pytest.mark.gpu(framework=fw))
    for fw in ("tensorflow", "torch")])
def test_crosscheck_gpu_table(framework):
    """On a GPU machine: ``--device gpu`` gives GPU rows only, for the
    framework; every row passes except the ops of NO_GPU_KERNEL, which say so."""
    result = subprocess.run([sys.executable, "-m", "companion.crosscheck",
                             "--device", "gpu", "--framework", framework],
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
    assert frameworks == {framework}
    if framework == "tensorflow":
        assert "no GPU kernel" in result.stdout.splitlines()[-1]


def test_pretend_gpu_tf_bicubic_rows_say_no_gpu_kernel(monkeypatch):
    """TensorFlow's ResizeBicubic has no GPU kernel (NO_GPU_KERNEL): on the GPU
    its rows must read "no GPU kernel", not a comparison with another method's
    result (the old table compared the previous method's result there). Run
    in pretend-GPU mode, so that it holds on every machine."""
    from companion.cases import ROWS
    from companion.crosscheck import NO_GPU, collect

    monkeypatch.setenv("COURSE_PRETEND_GPU", "1")
    resize_rows = [c for c in ROWS if c.op.startswith("resize (tf")]
    rows = collect({"tensorflow": ["gpu"]}, rows=resize_rows)
    bicubic = [r for r in rows if "bicubic" in r.operation]
    assert len(bicubic) == 6, bicubic  # tf, tf1, tf1 align_corners; two sizes
    assert all(r.note == NO_GPU for r in bicubic), bicubic
    assert all(r.ok for r in rows), [r for r in rows if not r.ok]
    assert len(rows) == len(resize_rows)


def _table_params():
    params = []
    for case in ROWS:
        for framework in case.frameworks():
            devices = ("cpu",) if framework == "opencv" else ("cpu", "gpu")
            for device in devices:
                marks = ([pytest.mark.gpu(framework=framework)]
                         if device == "gpu" else [])
                params.append(pytest.param(
                    case, framework, device, marks=marks,
                    id=f"{case.label}-{SHORT[framework]}-{device}"))
    return params


@pytest.mark.parametrize("case, framework, device", _table_params())
def test_table_row(case, framework, device):
    """Every row of ``python -m companion.crosscheck``'s table, on every
    framework and device, through the same helper."""
    if framework == "opencv":
        pytest.importorskip("cv2")
    check(case.op, framework, device, case.cfg())


def test_the_table_covers_every_op():
    assert {c.op for c in ROWS} == set(OPS)
    ops = {c.label.split(" (")[0] for c in ROWS}
    assert {"conv2d", "conv2d_naive", "conv_transpose2d", "conv_transpose2d_scatter",
            "conv_transpose2d_zero_insert", "conv_matrix", "max_pool2d", "avg_pool2d",
            "max_unpool2d", "avg_unpool2d", "conv2d_backward dx",
            "max_pool2d_backward"} <= ops


def test_the_helper_names_a_bad_op_framework_or_device():
    from companion import cases

    cfg = next(r for r in ROWS if r.op == "conv2d").cfg()
    with pytest.raises(ValueError, match="op must be one of .*conv2d.*got 'conv3d'"):
        cases.run("conv3d", "torch", "cpu", cfg)
    with pytest.raises(TypeError, match="op must be an Op or the name of one, got 3"):
        cases.run(3, "torch", "cpu", cfg)
    with pytest.raises(ValueError, match="framework must be 'tensorflow', 'torch' or "
                                         "'opencv', got 'jax'"):
        cases.run("conv2d", "jax", "cpu", cfg)
    with pytest.raises(ValueError, match="device must be 'cpu' or 'gpu', got 'tpu'"):
        cases.run("conv2d", "torch", "tpu", cfg)
