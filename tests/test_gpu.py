"""The GPU half of the cross-check, and proof that it cannot pass by accident.

* float32 on the GPU with TF32 off, for conv2d, transposed convolution,
  pooling, resizing and pixel shuffle, against float64 references with the
  tolerance rule of ``companion.cases`` (rtol 1e-5, atol 1e-5 x scale x
  sqrt(fan_in)); the same cases run on the CPU under the ``*-cpu`` ids;
* one test (GPU only) showing that TF32 on would exceed those tolerances;
* the harness itself, on any machine: ``make test-gpu``'s pytest call and
  ``crosscheck --device gpu`` with every GPU hidden must FAIL with "no GPU
  visible", never skip; a CPU result never passes a GPU device check.
"""

from __future__ import annotations

import os
import pathlib
import re
import subprocess
import sys

import frameworks as fw
import numpy as np
import pytest

from companion.cases import (
    NO_GPU,
    NO_GPU_KERNEL,
    ROWS,
    NoGPUError,
    framework_result,
    missing_kernel,
    run,
    tie_lines,
)
from companion.conv import conv2d
from companion.crosscheck import Row, format_table
from companion.resize import resize

ROOT = pathlib.Path(__file__).resolve().parents[1]

#: The test files holding GPU cases: what ``make test-gpu`` runs.
GPU_TESTS = ("test_backward.py", "test_conv.py", "test_crosscheck.py", "test_gpu.py",
             "test_pooling.py", "test_resize.py", "test_subpixel.py",
             "test_transposed.py")


def _data(*shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape, dtype=np.float32)


def _float32_against_float64(op, framework, device, cfg, scale=1.0, fan_in=1):
    """The framework's float32 result of ``op`` against ours in float64, with
    the float32 tolerance (TF32 off on a GPU)."""
    theirs = framework_result(op, framework, device, cfg)
    ours64 = fw.OPS[op].ours({k: v.astype(np.float64) if isinstance(v, np.ndarray)
                           else v for k, v in cfg.items()})
    assert theirs.dtype == np.float32 and theirs.shape == ours64.shape
    tol = fw.tolerance(np.float32, scale, fan_in)
    np.testing.assert_allclose(theirs, ours64, **tol)


# --- float32, TF32 off: every operation, each framework on each device -------

X_CONV, W_CONV = _data(2, 12, 11, 32), _data(3, 3, 32, 16, seed=1)


@pytest.mark.parametrize("framework, device", fw.FRAMEWORK_DEVICES)
def test_float32_conv2d(framework, device):
    _float32_against_float64("conv2d", framework, device,
                             {"x": X_CONV, "w": W_CONV, "padding": "same"},
                             fan_in=9 * 32)


@pytest.mark.parametrize("framework, device", fw.FRAMEWORK_DEVICES)
def test_float32_conv_transpose2d(framework, device):
    """k = 4, stride 2, Keras "same" = PyTorch padding 1 (chapter 2)."""
    cfg = {"x": _data(2, 7, 6, 24), "w": _data(4, 4, 8, 24, seed=1), "stride": 2,
           "padding": "same"}
    _float32_against_float64("conv_transpose2d", framework, device, cfg,
                             fan_in=4 * 4 * 24)


@pytest.mark.parametrize("framework, device", fw.FRAMEWORK_DEVICES)
@pytest.mark.parametrize("op", ["max_pool2d", "avg_pool2d"])
def test_float32_pooling(framework, device, op):
    """3 x 3, stride 2, TF "same" on an odd size: max and average."""
    cfg = {"x": _data(2, 9, 8, 5), "pool_size": 3, "stride": 2, "padding": "same"}
    _float32_against_float64(op, framework, device, cfg, fan_in=9)


@pytest.mark.parametrize("framework, device", fw.FRAMEWORK_DEVICES)
@pytest.mark.parametrize("size", [(11, 23), (4, 5)])
def test_float32_resize_bilinear(framework, device, size):
    """7 x 9 -> 11 x 23 and 4 x 5 (half-pixel centres in both frameworks)."""
    x = _data(2, 7, 9, 3)
    convention = "tf" if framework == "tensorflow" else "torch"
    cfg = {"x": x, "size": size, "method": "bilinear", "convention": convention}
    _float32_against_float64(f"resize ({convention})", framework, device, cfg,
                             scale=float(x.max() - x.min()), fan_in=4)


@pytest.mark.parametrize("framework, device", fw.FRAMEWORK_DEVICES)
def test_float32_pixel_shuffle(framework, device):
    """A rearrangement: exact, in each framework's channel order."""
    order = "tf" if framework == "tensorflow" else "torch"
    res = fw.check(f"pixel_shuffle ({order} order)", framework, device,
                {"x": _data(2, 5, 3, 12), "r": 2})
    assert res.rtol == res.atol == 0 and res.max_abs_err == 0


# --- TF32 on would exceed the tolerance (so switching it off matters) --------

def _tf32_capable(framework):
    """Compute capability >= 8.0 (Ampere and later) has TF32."""
    if framework == "torch":
        major, _ = fw.torch().cuda.get_device_capability()
        return major >= 8
    gpu = fw.tf().config.list_physical_devices("GPU")[0]
    major, _ = fw.tf().config.experimental.get_device_details(gpu)["compute_capability"]
    return major >= 8


def _set_tf32(framework, on):
    if framework == "torch":
        fw.torch().backends.cudnn.allow_tf32 = on
        fw.torch().backends.cuda.matmul.allow_tf32 = on
    else:
        fw.tf().config.experimental.enable_tensor_float_32_execution(on)


@pytest.mark.parametrize("framework, device",
                         [p for p in fw.FRAMEWORK_DEVICES if p.id.endswith("gpu")])
def test_tf32_on_exceeds_the_float32_tolerance(framework, device):
    """On unit-variance data with fan-in 9 x 64, TF32 (10 mantissa bits) errs by
    about 1e-3 of the output scale, far above atol 1e-5 x sqrt(576)."""
    if fw.pretend_gpu():
        pytest.skip("pretend-GPU mode: TF32 exists on a real GPU only")
    if not _tf32_capable(framework):
        pytest.skip("this GPU predates TF32 (compute capability < 8.0)")
    w = _data(3, 3, 64, 32, seed=1)
    tol = fw.tolerance(np.float32, fan_in=9 * 64)

    def excess(n, on):
        """Largest error over the tolerance (> 0: outside) for a batch of n.
        On and off use different shapes, so that no algorithm a framework
        chose and cached for one setting is reused for the other."""
        x = _data(n, 16, 16, 64)
        ours = conv2d(x.astype(np.float64), w.astype(np.float64), padding="same")
        try:
            _set_tf32(framework, on)
            theirs = framework_result("conv2d", framework, device,
                                      {"x": x, "w": w, "padding": "same"})
        finally:
            _set_tf32(framework, False)
        return float(np.max(np.abs(theirs - ours) - tol["atol"]
                            - tol["rtol"] * np.abs(ours)))

    assert excess(3, on=True) > 0, "TF32 on stayed within the float32 tolerance"
    assert excess(2, on=False) <= 0


# --- the list of ops with no GPU kernel, and the device check -----------------

def test_tf1_bicubic_of_the_same_size_runs_no_resize_op():
    """tf.compat.v1.image.resize returns its input when the size does not
    change: no ResizeBicubic runs, so nothing is refused on the GPU and the
    case is compared (found by the pretend-GPU run: it asserted a refusal)."""
    op = fw.OPS["resize (tf1)"]
    x = _data(1, 3, 4, 1)
    same = {"x": x, "size": (3, 4), "method": "bicubic", "convention": "tf1"}
    other = dict(same, size=(5, 4))
    for cfg, runs in ((same, False), (other, True)):
        types = {o.type for o in fw.tf().function(_call(op, cfg))
                 .get_concrete_function().graph.get_operations()}
        assert ("ResizeBicubic" in types) == runs
        assert bool(missing_kernel(op, "tensorflow", "gpu", cfg)) == runs


def _call(op, cfg):
    return lambda: op.tensorflow(cfg, fw.tf())


def test_no_gpu_kernel_facts_name_ops_the_calls_run():
    """Each fact of NO_GPU_KERNEL belongs to a table row whose TensorFlow call
    really runs that op (it is in the traced graph), and the helper applies
    the fact there on the GPU and nowhere else."""
    for (framework, kernel, dtype), fact in NO_GPU_KERNEL.items():
        assert framework == "tensorflow" and fact.startswith("tensorflow/core/")
        found = 0
        for case in ROWS:
            op = fw.OPS[case.op]
            cfg = case.cfg()
            if dtype != "any":
                cfg = dict(cfg, x=cfg["x"].astype(dtype))
            if kernel not in op.tf_kernels(cfg):
                continue
            found += 1
            if fw.gpu_missing("tensorflow") is None:  # a GPU, or pretend-GPU mode
                assert fw.refused_on_gpu(_call(op, cfg), kernel), case.label
            types = {o.type for o in fw.tf().function(_call(op, cfg))
                     .get_concrete_function().graph.get_operations()}
            assert kernel in types, (case.label, kernel, sorted(types))
            assert missing_kernel(op, "tensorflow", "gpu", cfg) == fact
            assert missing_kernel(op, "tensorflow", "cpu", cfg) is None
            assert missing_kernel(op, "torch", "gpu", cfg) is None
        assert found, (kernel, dtype)
    row = Row("resize bicubic (tf)", "tensorflow", "gpu", float("nan"), 0.0, NO_GPU)
    assert row.ok and row.verdict == NO_GPU
    table = format_table([row, Row("conv2d", "torch", "gpu", 1e-7, 1e-5)])
    assert NO_GPU in table.splitlines()[2]
    assert table.splitlines()[-1] == "2 rows, 0 failing, 1 with no GPU kernel"


def test_a_cpu_result_fails_the_gpu_device_check(monkeypatch):
    """What every GPU case relies on: a result that ran on the CPU (soft
    placement, a forgotten .to("cuda")) is rejected, in both frameworks."""
    monkeypatch.delenv("COURSE_PRETEND_GPU", raising=False)
    with fw.tf().device("/CPU:0"):
        t = fw.tf().constant([1.0]) * 2
    tt = fw.torch().ones(1)
    for tensor in (t, tt):
        fw.check_device(tensor, "cpu")
        with pytest.raises(RuntimeError, match="expected on gpu"):
            fw.check_device(tensor, "gpu")
    with pytest.raises(RuntimeError, match="expected on gpu"):
        fw.tf_result(t, "gpu")
    with pytest.raises(RuntimeError, match="expected on gpu"):
        fw.from_torch(tt, "none", device="gpu")
    np.testing.assert_array_equal(fw.tf_result(t, "cpu"), [2.0])


def test_soft_device_placement_is_off():
    assert fw.tf().config.get_soft_device_placement() is False


def test_tie_mask_ignores_only_tie_rows():
    """Nearest neighbour on a GPU is compared off the tie rows/columns only."""
    # 4 -> 8 (legacy floor(d/2)): even d lands exactly on an input; 3 -> 6 with
    # half-pixel centres: no output sits halfway; 2 -> 4 likewise.
    np.testing.assert_array_equal(tie_lines(4, 8), [0, 0, 1, 0, 1, 0, 1, 0])
    assert tie_lines(7, 11).sum() == 0  # the cross-check's odd sizes
    # align_corners: d * 3/4 for 5 outputs of 4 inputs; d = 2 gives 1.5
    np.testing.assert_array_equal(tie_lines(4, 5, True), [0, 0, 1, 0, 0])
    assert not tie_lines(4, 1, True).any()
    x = _data(1, 4, 7, 1)
    size = (8, 11)
    cfg = {"x": x, "size": size, "method": "nearest", "convention": "torch"}
    view = fw.OPS["resize (torch)"].gpu_view
    ours = resize(x, size, "nearest", convention="torch")
    ref = ours.copy()
    ref[:, 2] += 1  # a tie row: ignored
    mine, theirs = view(ours, ref, cfg)
    assert mine.shape[1:3] == (5, 11)
    np.testing.assert_array_equal(mine, theirs)
    ref[:, 1] += 1  # not a tie row: caught
    mine, theirs = view(ours, ref, cfg)
    assert not np.array_equal(mine, theirs)


def test_pretend_gpu_stubs_only_placement_and_the_device_check(monkeypatch):
    """COURSE_PRETEND_GPU=1: the GPU is the CPU for placement and the device
    check; the strict settings still apply and the facts still hold."""
    monkeypatch.setenv("COURSE_PRETEND_GPU", "1")
    assert fw.placement("tensorflow", "gpu") == "/CPU:0"
    assert fw.placement("torch", "gpu") == "cpu"
    assert fw.gpu_missing("tensorflow") is None and fw.gpu_missing("torch") is None
    fw.check_device(fw.torch().ones(1), "gpu")
    assert fw.tf().config.get_soft_device_placement() is False
    assert fw.torch().backends.cudnn.allow_tf32 is False
    res = run("resize (tf)", "tensorflow", "gpu",
              {"x": _data(1, 4, 5, 1), "size": (7, 9), "method": "bicubic",
               "convention": "tf"})
    assert res.note == NO_GPU and res.ok and res.theirs is None
    monkeypatch.setenv("COURSE_PRETEND_GPU", "0")
    if fw.gpu_missing("torch"):
        with pytest.raises(NoGPUError, match="no GPU visible to PyTorch"):
            fw.placement("torch", "gpu")


# --- the harness fails loudly without a GPU -----------------------------------

def _no_gpu_env():
    """This process's environment with every GPU hidden from both frameworks."""
    return dict(os.environ, CUDA_VISIBLE_DEVICES="", PYTHONPATH=str(ROOT),
                COLUMNS="1000")  # pytest's summary lines are not cut short


def test_crosscheck_device_gpu_fails_without_a_gpu():
    result = subprocess.run(
        [sys.executable, "-m", "companion.crosscheck", "--device", "gpu"],
        capture_output=True, text=True, timeout=600, cwd=ROOT, env=_no_gpu_env())
    assert result.returncode == 2, result.stdout[-2000:] + result.stderr[-2000:]
    assert "no GPU visible to TensorFlow" in result.stderr
    assert "no GPU visible to PyTorch" in result.stderr
    assert result.stdout == ""  # no table, no row that could read as a pass


def _make_test_gpu_cases(env):
    """``make test-gpu``'s own recipe after the install and the smoke run,
    with this environment's Python for both frameworks; ``-k`` runs both
    frameworks' halves even when the first fails."""
    bin_dir = pathlib.Path(sys.executable).parent
    result = subprocess.run(
        ["make", "-s", "-k", "--no-print-directory", "test-gpu-cases",
         f"GPU_TF_BIN={bin_dir}", f"GPU_TORCH_BIN={bin_dir}"],
        capture_output=True, text=True, timeout=1800, cwd=ROOT, env=env)
    out = result.stdout + result.stderr
    summaries = [line for line in out.splitlines()
                 if re.search(r"=+ .*\d+ (passed|failed|skipped)", line)]
    counts = {}
    for line in summaries:
        for n, k in re.findall(r"(\d+) (\w+)", line):
            counts[k] = counts.get(k, 0) + int(n)
    return result.returncode, out, summaries, counts


@pytest.mark.slow
def test_make_test_gpu_fails_without_a_gpu_and_passes_in_pretend_gpu_mode():
    """``make test-gpu``'s cases and tables, twice. With every GPU hidden: each
    GPU case fails naming its framework; none passes, none skips; both
    cross-check tables refuse to run. Then with COURSE_PRETEND_GPU=1: every
    one of those GPU cases runs on the CPU (only placement and the device
    check stubbed) and passes, but for the TF32 test, which needs TF32
    hardware; both tables pass. 25 hypothesis examples per property in the
    pretend run (the CPU cases run the full 200 under make test)."""
    code, out, summaries, counts = _make_test_gpu_cases(_no_gpu_env())
    assert code != 0, out[-4000:]
    assert len(summaries) == 2, out[-4000:]  # one pytest run per framework
    assert counts.get("passed", 0) == 0 and counts.get("skipped", 0) == 0, summaries
    assert counts.get("error", 0) == counts.get("errors", 0) == 0, summaries
    failed = [line for line in out.splitlines() if line.startswith("FAILED ")]
    assert len(failed) == counts["failed"] >= 20, (counts, failed[:5])
    for line in failed:
        assert "no GPU visible to" in line and "COURSE_REQUIRE_GPU=1" in line, line
    ids = " ".join(failed)
    for expected in ("tf-gpu", "torch-gpu", "test_float32_conv2d",
                     "test_tf32_on_exceeds", "test_table_row", "test_crosscheck"):
        assert expected in ids, expected
    assert "no GPU visible to TensorFlow" in ids and "no GPU visible to PyTorch" in ids
    assert out.count("crosscheck --device gpu: no GPU visible to") == 2, out[-3000:]

    env = dict(_no_gpu_env(), COURSE_PRETEND_GPU="1", HYPOTHESIS_PROFILE="dev")
    code, out, summaries, pretend = _make_test_gpu_cases(env)
    assert code == 0, out[-6000:]
    assert len(summaries) == 2, out[-4000:]
    assert pretend.get("failed", 0) == 0, summaries
    assert pretend["passed"] + pretend["skipped"] == counts["failed"], summaries
    skips = [line for line in out.splitlines() if line.startswith("SKIPPED")]
    assert pretend["skipped"] == 2 and all(
        "pretend-GPU mode: TF32" in line for line in skips), skips
    tables = [line for line in out.splitlines() if re.match(r"\d+ rows, ", line)]
    tf_rows = [c for c in ROWS if "tensorflow" in c.frameworks()]
    no_kernel = sum(bool(missing_kernel(c.op, "tensorflow", "gpu", c.cfg()))
                    for c in tf_rows)
    torch_rows = sum("torch" in c.frameworks() for c in ROWS)
    assert no_kernel > 0
    assert tables == [
        f"{len(tf_rows)} rows, 0 failing, {no_kernel} with no GPU kernel",
        f"{torch_rows} rows, 0 failing"], tables


@pytest.mark.slow
def test_smoke_run_names_the_framework_and_the_library():
    """``make test-gpu`` starts with ``crosscheck --smoke``: without a GPU it
    fails naming each framework (and, where it does not load, the driver's
    libcuda.so.1); in pretend-GPU mode the convolution runs and agrees."""
    cmd = [sys.executable, "-m", "companion.crosscheck", "--smoke"]
    failed = subprocess.run(cmd, capture_output=True, text=True, timeout=600,
                            cwd=ROOT, env=_no_gpu_env())
    assert failed.returncode == 3, failed.stdout + failed.stderr[-2000:]
    lines = [x for x in failed.stderr.splitlines() if x.startswith("GPU smoke run")]
    assert [x.split(":")[1].strip() for x in lines] == ["TensorFlow", "PyTorch"]
    for line in lines:
        assert "no GPU visible to" in line and (
            "libraries that fail to load: " in line or "check the driver" in line)
    passed = subprocess.run(cmd, capture_output=True, text=True, timeout=600,
                            cwd=ROOT, env=dict(_no_gpu_env(), COURSE_PRETEND_GPU="1"))
    assert passed.returncode == 0, passed.stderr[-2000:]
    assert passed.stdout.count("agrees with ours") == 2


def test_gpu_tests_list_holds_every_gpu_case():
    """Makefile's GPU_TESTS names every test file with a GPU case."""
    make = (ROOT / "Makefile").read_text()
    listed = set(re.findall(r"tests/(test_\w+\.py)", make.split("GPU_TESTS :=")[1]
                            .split("\n\n")[0]))
    holding = {p.name for p in (ROOT / "tests").glob("test_*.py")
               if re.search(r"_DEVICES\b|mark\.gpu\(", p.read_text())}
    assert holding <= listed, holding - listed
