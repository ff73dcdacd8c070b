"""The GPU half of the cross-check, and proof that it cannot pass by accident.

* float32 on the GPU with TF32 off, for conv2d, transposed convolution,
  pooling, resizing and pixel shuffle, against float64 references with the
  tolerances of ``../shared/SEMANTICS.md`` (rtol 1e-5, atol 1e-5 x scale x
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

import numpy as np
import pytest
from frameworks import (
    FRAMEWORK_DEVICES,
    from_torch,
    tf,
    tf_device,
    tf_result,
    to_torch,
    tolerance,
    torch,
)

from companion.conv import conv2d
from companion.crosscheck import NO_GPU, NO_GPU_KERNEL, Row, check_device, format_table
from companion.pooling import avg_pool2d, max_pool2d
from companion.resize import resize
from companion.shapes import resolve_padding2d
from companion.subpixel import pixel_shuffle
from companion.transposed import conv_transpose2d

ROOT = pathlib.Path(__file__).resolve().parents[1]


def _data(*shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape, dtype=np.float32)


def _close(theirs, ours64, scale=1.0, fan_in=1):
    """float32 framework result against our float64 reference."""
    assert theirs.dtype == np.float32 and theirs.shape == ours64.shape
    np.testing.assert_allclose(theirs, ours64, **tolerance(np.float32, scale, fan_in))


# --- float32, TF32 off: every operation, each framework on each device -------

X_CONV, W_CONV = _data(2, 12, 11, 32), _data(3, 3, 32, 16, seed=1)


def _conv_framework(framework, device, x, w):
    """conv2d, stride 1, TF "same" (symmetric for k = 3): float32 result."""
    if framework == "tensorflow":
        with tf().device(tf_device(device)):
            return tf_result(tf().nn.conv2d(x, w, 1, "SAME"), device)
    F = torch().nn.functional
    y = F.conv2d(to_torch(x, device), to_torch(w, device, "conv"), padding=1)
    return from_torch(y, device=device)


@pytest.mark.parametrize("framework, device", FRAMEWORK_DEVICES)
def test_float32_conv2d(framework, device):
    ours = conv2d(X_CONV.astype(np.float64), W_CONV.astype(np.float64),
                  padding="same")
    _close(_conv_framework(framework, device, X_CONV, W_CONV), ours, fan_in=9 * 32)


@pytest.mark.parametrize("framework, device", FRAMEWORK_DEVICES)
def test_float32_conv_transpose2d(framework, device):
    """k = 4, stride 2, Keras "same" = PyTorch padding 1 (SEMANTICS.md)."""
    x, w = _data(2, 7, 6, 24), _data(4, 4, 8, 24, seed=1)  # (kh, kw, out, in)
    ours = conv_transpose2d(x.astype(np.float64), w.astype(np.float64), stride=2,
                            padding="same")
    if framework == "tensorflow":
        with tf().device(tf_device(device)):
            theirs = tf_result(tf().nn.conv2d_transpose(
                x, w, ours.shape, 2, "SAME"), device)
    else:
        theirs = from_torch(torch().nn.functional.conv_transpose2d(
            to_torch(x, device), to_torch(w, device, "transposed"), stride=2,
            padding=1), device=device)
    _close(theirs, ours, fan_in=4 * 4 * 24)


@pytest.mark.parametrize("framework, device", FRAMEWORK_DEVICES)
def test_float32_pooling(framework, device):
    """3 x 3, stride 2, TF "same" on an odd size: max and average."""
    x = _data(2, 9, 8, 5)
    x64 = x.astype(np.float64)
    ours = [max_pool2d(x64, 3, 2, "same"), avg_pool2d(x64, 3, 2, "same")]
    if framework == "tensorflow":
        with tf().device(tf_device(device)):
            theirs = [tf_result(tf().nn.max_pool2d(x, 3, 2, "SAME"), device),
                      tf_result(tf().nn.avg_pool2d(x, 3, 2, "SAME"), device)]
    else:
        F = torch().nn.functional
        (t, b), (l, r) = resolve_padding2d("same", (9, 8), (3, 3), (2, 2))
        xt = to_torch(x, device)
        counts = F.avg_pool2d(F.pad(torch().ones_like(xt), (l, r, t, b)), 3, 2)
        theirs = [
            from_torch(F.max_pool2d(F.pad(xt, (l, r, t, b), value=-float("inf")),
                                    3, 2), device=device),
            from_torch(F.avg_pool2d(F.pad(xt, (l, r, t, b)), 3, 2) / counts,
                       device=device)]
    for mine, ref in zip(ours, theirs):
        _close(ref, mine, fan_in=9)


@pytest.mark.parametrize("framework, device", FRAMEWORK_DEVICES)
def test_float32_resize_bilinear(framework, device):
    """7 x 9 -> 11 x 23 and 4 x 5 (half-pixel centres in both frameworks)."""
    x = _data(2, 7, 9, 3)
    for size in ((11, 23), (4, 5)):
        ours = resize(x.astype(np.float64), size, "bilinear", convention="tf")
        if framework == "tensorflow":
            with tf().device(tf_device(device)):
                theirs = tf_result(tf().image.resize(x, size, "bilinear"), device)
        else:
            theirs = from_torch(torch().nn.functional.interpolate(
                to_torch(x, device), size=size, mode="bilinear",
                align_corners=False), device=device)
        _close(theirs, ours, scale=float(x.max() - x.min()), fan_in=4)


@pytest.mark.parametrize("framework, device", FRAMEWORK_DEVICES)
def test_float32_pixel_shuffle(framework, device):
    """A rearrangement: exact, in each framework's channel order."""
    x = _data(2, 5, 3, 12)
    if framework == "tensorflow":
        with tf().device(tf_device(device)):
            theirs = tf_result(tf().nn.depth_to_space(x, 2), device)
        np.testing.assert_array_equal(theirs, pixel_shuffle(x, 2, "tf"))
    else:
        theirs = from_torch(torch().nn.functional.pixel_shuffle(
            to_torch(x, device), 2), device=device)
        np.testing.assert_array_equal(theirs, pixel_shuffle(x, 2, "torch"))


# --- TF32 on would exceed the tolerance (so switching it off matters) --------

def _tf32_capable(framework):
    """Compute capability >= 8.0 (Ampere and later) has TF32."""
    if framework == "torch":
        major, _ = torch().cuda.get_device_capability()
        return major >= 8
    gpu = tf().config.list_physical_devices("GPU")[0]
    major, _ = tf().config.experimental.get_device_details(gpu)["compute_capability"]
    return major >= 8


def _set_tf32(framework, on):
    if framework == "torch":
        torch().backends.cudnn.allow_tf32 = on
        torch().backends.cuda.matmul.allow_tf32 = on
    else:
        tf().config.experimental.enable_tensor_float_32_execution(on)


@pytest.mark.parametrize("framework, device",
                         [p for p in FRAMEWORK_DEVICES if p.id.endswith("gpu")])
def test_tf32_on_exceeds_the_float32_tolerance(framework, device):
    """On unit-variance data with fan-in 9 x 64, TF32 (10 mantissa bits) errs by
    about 1e-3 of the output scale, far above atol 1e-5 x sqrt(576)."""
    if not _tf32_capable(framework):
        pytest.skip("this GPU predates TF32 (compute capability < 8.0)")
    w = _data(3, 3, 64, 32, seed=1)
    tol = tolerance(np.float32, fan_in=9 * 64)

    def excess(n, on):
        """Largest error over the tolerance (> 0: outside) for a batch of n.
        On and off use different shapes, so that no algorithm a framework
        chose and cached for one setting is reused for the other."""
        x = _data(n, 16, 16, 64)
        ours = conv2d(x.astype(np.float64), w.astype(np.float64), padding="same")
        try:
            _set_tf32(framework, on)
            theirs = _conv_framework(framework, device, x, w)
        finally:
            _set_tf32(framework, False)
        return float(np.max(np.abs(theirs - ours) - tol["atol"]
                            - tol["rtol"] * np.abs(ours)))

    assert excess(3, on=True) > 0, "TF32 on stayed within the float32 tolerance"
    assert excess(2, on=False) <= 0


# --- the list of ops with no GPU kernel, and the device check -----------------

def test_no_gpu_kernel_list_states_its_facts():
    for (framework, op, dtype), fact in NO_GPU_KERNEL.items():
        assert framework in ("tensorflow", "torch") and dtype in ("any", "float64")
        assert op in fact or "kernels" in fact
    row = Row("resize bicubic (tf)", "tensorflow", "gpu", float("nan"), 0.0, NO_GPU)
    assert row.ok and row.verdict == NO_GPU
    table = format_table([row, Row("conv2d", "torch", "gpu", 1e-7, 1e-5)])
    assert NO_GPU in table.splitlines()[2]
    assert table.splitlines()[-1] == "2 rows, 0 failing, 1 with no GPU kernel"


def test_a_cpu_result_fails_the_gpu_device_check():
    """What every GPU case relies on: a result that ran on the CPU (soft
    placement, a forgotten .to("cuda")) is rejected, in both frameworks."""
    with tf().device("/CPU:0"):
        t = tf().constant([1.0]) * 2
    tt = torch().ones(1)
    for tensor in (t, tt):
        check_device(tensor, "cpu")
        with pytest.raises(RuntimeError, match="expected on gpu"):
            check_device(tensor, "gpu")
    with pytest.raises(RuntimeError, match="expected on gpu"):
        tf_result(t, "gpu")
    with pytest.raises(RuntimeError, match="expected on gpu"):
        from_torch(tt, "none", device="gpu")
    np.testing.assert_array_equal(tf_result(t, "cpu"), [2.0])


def test_soft_device_placement_is_off():
    assert tf().config.get_soft_device_placement() is False


def test_tie_mask_ignores_only_tie_rows():
    """Nearest neighbour on a GPU is compared off the tie rows/columns only."""
    from test_resize import _assert_same_pixels_off_ties, _tie_lines

    # 4 -> 8 (legacy floor(d/2)): even d lands exactly on an input; 3 -> 6 with
    # half-pixel centres: no output sits halfway; 2 -> 4 likewise.
    np.testing.assert_array_equal(_tie_lines(4, 8), [0, 0, 1, 0, 1, 0, 1, 0])
    assert _tie_lines(7, 11).sum() == 0  # the cross-check's odd sizes
    # align_corners: d * 3/4 for 5 outputs of 4 inputs; d = 2 gives 1.5
    np.testing.assert_array_equal(_tie_lines(4, 5, True), [0, 0, 1, 0, 0])
    assert not _tie_lines(4, 1, True).any()
    x = _data(1, 4, 7, 1)
    size = (8, 11)
    ours = resize(x, size, "nearest", convention="torch")
    ref = ours.copy()
    ref[:, 2] += 1  # a tie row: ignored
    assert _assert_same_pixels_off_ties(ours, ref, x, size) == 5 * 11
    ref[:, 1] += 1  # not a tie row: caught
    with pytest.raises(AssertionError):
        _assert_same_pixels_off_ties(ours, ref, x, size)


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


@pytest.mark.slow
def test_make_test_gpu_pytest_call_fails_without_a_gpu():
    """``make test-gpu``'s own recipe, with this environment's Python instead of
    .venv-gpu (``-o`` skips the install) and every GPU hidden: each GPU case
    fails naming its framework; none passes, none skips."""
    bin_dir = pathlib.Path(sys.executable).parent
    result = subprocess.run(
        ["make", "-s", "-o", ".venv-gpu/.installed", "test-gpu",
         f"GPU_BIN={bin_dir}"],
        capture_output=True, text=True, timeout=1200, cwd=ROOT, env=_no_gpu_env())
    out = result.stdout + result.stderr
    assert result.returncode != 0, out[-4000:]
    summary = [line for line in out.splitlines() if re.search(r"\d+ failed", line)]
    assert summary, out[-4000:]
    counts = dict((k, int(n)) for n, k in re.findall(r"(\d+) (\w+)", summary[-1]))
    assert counts.get("passed", 0) == 0 and counts.get("skipped", 0) == 0, summary
    assert counts.get("error", 0) == counts.get("errors", 0) == 0, summary
    failed = [line for line in out.splitlines() if line.startswith("FAILED ")]
    assert len(failed) == counts["failed"] >= 20, (counts, failed[:5])
    for line in failed:
        assert "no GPU visible to" in line and "COURSE_REQUIRE_GPU=1" in line, line
    ids = " ".join(failed)
    for expected in ("[tf-gpu", "[torch-gpu", "test_float32_conv2d",
                     "test_tf32_on_exceeds", "crosscheck"):
        assert expected in ids, expected
    assert "no GPU visible to TensorFlow" in ids and "no GPU visible to PyTorch" in ids
