"""``make bench`` cannot rot: every benchmark case runs once here and ours
equals the framework's output it is timed against; a failing child process
shows its traceback."""

from __future__ import annotations

import importlib
import pathlib
import sys

import numpy as np
import pytest
from frameworks import tf, tolerance, torch

from companion.layouts import nchw_to_nhwc

BENCH = pathlib.Path(__file__).resolve().parents[1] / "benchmarks"
sys.path.insert(0, str(BENCH))

harness = importlib.import_module("harness")
run = importlib.import_module("run")
MODULES = sorted(p.stem for p in BENCH.glob("bench_*.py"))


def _numpy(out, framework):
    """A framework's output as an NHWC NumPy array."""
    if framework == "torch":
        out = out.detach().numpy()
        return nchw_to_nhwc(out) if out.ndim == 4 else out
    return out.numpy()


@pytest.mark.parametrize("framework", harness.FRAMEWORKS)
@pytest.mark.parametrize("module", MODULES)
def test_case_outputs_agree(module, framework):
    (torch if framework == "torch" else tf)()
    cases = importlib.import_module(module).cases(framework)
    assert cases
    for case in cases:
        ours = np.asarray(case.ours())
        theirs = _numpy(case.theirs(), framework)
        if case.target is None:
            # a row that explains another: the matrix product of the column
            # matrix, one row per output pixel, is the convolution's output
            ours = ours.reshape(theirs.shape)
        assert ours.shape == theirs.shape, case.name
        assert ours.dtype == theirs.dtype == np.float32, case.name
        scale = max(1.0, float(np.abs(theirs).max()))
        np.testing.assert_allclose(ours, theirs, err_msg=case.name,
                                   **tolerance(np.float32, scale=scale, fan_in=576))


def test_harness_times_both_sides():
    calls = {"ours": 0, "theirs": 0}

    def tick(side):
        def fn():
            calls[side] += 1
        return fn

    t = harness.compare(harness.Case("smoke", tick("ours"), tick("theirs")),
                        repeat=2, min_time=0.001)
    assert calls["ours"] >= 4 and calls["theirs"] >= 4  # warm-ups + 2 rounds
    assert t.ours > 0 and t.theirs > 0 and t.ratio > 0


def test_failing_child_shows_its_traceback(capsys):
    with pytest.raises(SystemExit, match="benchmark child 'nope' failed"):
        run.child("nope")
    err = capsys.readouterr().err
    assert "Traceback (most recent call last)" in err
    assert "framework must be one of ('torch', 'tf'), got 'nope'" in err
