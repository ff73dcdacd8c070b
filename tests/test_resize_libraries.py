"""The per-library arithmetic of companion.resize: like_tensorflow, like_torch,
like_opencv. Their results against the libraries are tested in test_resize.py;
here: each module's per-pixel ``taps`` and whole-axis ``tap_arrays`` agree
exactly, the pieces they are built from are right, and each states the version
that requirements.txt pins.
"""

from __future__ import annotations

import itertools
import re
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from companion.resize import (
    CONVENTIONS,
    METHODS,
    cubic_kernel,
    like_opencv,
    like_tensorflow,
    like_torch,
)
from companion.resize.coords import check_method

ROOT = Path(__file__).resolve().parents[1]
MODULES = (like_tensorflow, like_torch, like_opencv)


def _valid(method, convention, align_corners):
    try:
        check_method(method, convention, align_corners)
    except ValueError:
        return False
    return True


CALLS = [c for c in itertools.product(METHODS, CONVENTIONS, (False, True))
         if _valid(*c)]


def _both(n_in, n_out, method, convention, align_corners, ct, channels_last):
    """(per-pixel taps of every output, tap_arrays) of the right module."""
    if convention in ("tf", "tf1"):
        args = (n_in, n_out, method, convention, align_corners)
        module = like_tensorflow
    elif convention == "torch":
        args = (n_in, n_out, method, align_corners, ct, channels_last)
        module = like_torch
    else:
        args, module = (n_in, n_out, method), like_opencv
    rows = [module.taps(d, *args) for d in range(n_out)]
    return rows, module.tap_arrays(*args)


@given(call=st.sampled_from(CALLS), n_in=st.integers(1, 300),
       n_out=st.integers(1, 300), ct=st.sampled_from([np.float32, np.float64]),
       channels_last=st.booleans())
def test_taps_and_tap_arrays_agree_exactly(call, n_in, n_out, ct, channels_last):
    """Same indices and bit-identical weights, one pixel at a time or all at once."""
    rows, (idx, w) = _both(n_in, n_out, *call, ct, channels_last)
    assert idx.shape == w.shape == (n_out, len(rows[0]))
    assert idx.dtype == np.intp and w.dtype == np.float64
    np.testing.assert_array_equal(idx, [[i for i, _ in row] for row in rows])
    np.testing.assert_array_equal(w, [[wt for _, wt in row] for row in rows])
    assert np.all((idx >= 0) & (idx < n_in))
    # every convention's weights sum to one, up to a few float32 roundings of
    # weights as large as 1.25 (float32 spacing near 1: 1.2e-7)
    np.testing.assert_allclose(w.sum(axis=1), 1.0, rtol=0, atol=1e-5)


@pytest.mark.parametrize("a", [-0.5, -0.75])
def test_tensorflow_cubic_table_is_the_kernel_in_float32(a):
    table = like_tensorflow.cubic_table(a)
    size = like_tensorflow.TABLE_SIZE
    assert table.shape == (size + 1, 2) and table.dtype == np.float32
    t = np.arange(size + 1) / size
    np.testing.assert_allclose(table[:, 0], cubic_kernel(t, a), rtol=0, atol=1e-7)
    np.testing.assert_allclose(table[:, 1], cubic_kernel(t + 1, a), rtol=0,
                               atol=1e-7)
    # the four weights of a fraction k/1024 are rows k and 1024 - k
    k = np.arange(size + 1)
    total = table[k, 1] + table[k, 0] + table[size - k, 0] + table[size - k, 1]
    np.testing.assert_allclose(total, 1.0, rtol=0, atol=1e-6)
    assert not table.flags.writeable


@given(n_in=st.integers(1, 10_000), n_out=st.integers(1, 10_000), data=st.data())
def test_torch_fma_rounds_once(n_in, n_out, data):
    """fma(scale, dst + 0.5, -0.5) is the exact value rounded once to the op-math
    type: no representable value of that type lies nearer."""
    dst = data.draw(st.integers(0, n_out - 1))
    for ct in (np.float32, np.float64):
        scale, b = ct(n_in) / ct(n_out), ct(dst) + ct(0.5)
        got = like_torch.fma(scale, b, -0.5, ct)
        assert got.dtype == ct
        exact = Fraction(float(scale)) * Fraction(float(b)) - Fraction(1, 2)
        error = abs(Fraction(float(got)) - exact)
        for neighbour in (np.nextafter(got, ct(np.inf)),
                          np.nextafter(got, ct(-np.inf))):
            assert error <= abs(Fraction(float(neighbour)) - exact)


def test_torch_kernel_choice():
    """F.interpolate picks its channels-last kernel when oh + ow <= 128 (or when
    a single input pixel has more than three channels)."""
    assert like_torch.uses_channels_last_kernel(3, 40, 40, 64, 64)
    assert not like_torch.uses_channels_last_kernel(3, 40, 40, 64, 65)
    assert like_torch.uses_channels_last_kernel(4, 1, 1, 200, 200)
    assert not like_torch.uses_channels_last_kernel(3, 1, 1, 200, 200)


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.__name__)
def test_each_module_states_the_pinned_version(module):
    """The version each module says it reproduces is the one the course pins."""
    package, version = module.MATCHES
    pins = dict(re.findall(r"^([A-Za-z0-9_.-]+)==(\S+)",
                           (ROOT / "requirements.txt").read_text(), re.M))
    assert pins[package] == version
    shown = version.rsplit(".", 1)[0] if package.startswith("opencv") else version
    assert shown in module.__doc__
