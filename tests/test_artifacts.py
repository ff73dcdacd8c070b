"""companion.artifacts: overlap counts and the checkerboard score of chapter 3."""

import math

import numpy as np
import pytest
from frameworks import torch
from hypothesis import given
from hypothesis import strategies as st

from companion.artifacts import artifact_score, overlap_count, overlap_count_1d
from companion.transposed import conv_transpose2d


def test_book_example_kernel_3_stride_2_is_uneven_and_kernel_4_is_even():
    # Odena et al.'s figure: k=3, s=2 overlaps 1 or 2 times per axis, so the
    # interior of the 2-D map holds 1, 2 and 4; k=4, s=2 overlaps twice
    # everywhere, so the interior is 4 throughout.
    odd = overlap_count(6, 3, 2, padding=1)
    assert odd.shape == (11, 11)
    assert set(np.unique(odd[1:-1, 1:-1])) == {1, 2, 4}
    even = overlap_count(6, 4, 2, padding=1)
    assert even.shape == (12, 12)
    assert np.all(even[1:-1, 1:-1] == 4)
    np.testing.assert_array_equal(overlap_count_1d(3, 3, 2), [1, 1, 2, 1, 2, 1, 1])


@pytest.mark.parametrize("size,kernel,stride,padding", [
    (4, 3, 2, 0), (5, 3, 2, 1), (3, 4, 2, 1), (4, 5, 3, 2), (2, 2, 3, 0),
    ((3, 5), (3, 4), (2, 3), (1, 0)),
])
def test_overlap_count_is_transposed_conv_of_ones(size, kernel, stride, padding):
    size2 = size if isinstance(size, tuple) else (size, size)
    k2 = kernel if isinstance(kernel, tuple) else (kernel, kernel)
    ones = np.ones((1, *size2, 1))
    w = np.ones((*k2, 1, 1))
    ours = conv_transpose2d(ones, w, stride=stride, padding=padding)[0, :, :, 0]
    np.testing.assert_array_equal(overlap_count(size, kernel, stride, padding), ours)


def test_overlap_count_matches_pytorch():
    t = torch()
    out = t.nn.functional.conv_transpose2d(
        t.ones(1, 1, 5, 4, dtype=t.float64), t.ones(1, 1, 3, 5, dtype=t.float64),
        stride=(2, 3), padding=(1, 2))
    np.testing.assert_array_equal(
        overlap_count((5, 4), (3, 5), (2, 3), (1, 2)), out[0, 0].numpy())


@given(size=st.integers(3, 12), kernel=st.integers(1, 9), stride=st.integers(1, 5))
def test_interior_alternates_between_floor_and_ceil_of_k_over_s(size, kernel, stride):
    count = overlap_count_1d(size, kernel, stride)
    # positions where every input pixel that could reach them exists
    interior = count[kernel - 1:(size - 1) * stride + 1]
    if interior.size == 0:
        return
    assert set(np.unique(interior)) <= {kernel // stride, math.ceil(kernel / stride)}
    assert count.sum() == size * kernel
    if kernel % stride == 0:
        assert np.all(interior == kernel // stride)
    elif interior.size >= stride:
        assert interior.min() == kernel // stride
        assert interior.max() == math.ceil(kernel / stride)


def test_artifact_score_values():
    assert artifact_score(np.full((8, 8), 3.0)) == 0.0
    # mean 2, standard deviation 1
    board = np.tile([[1.0, 3.0], [3.0, 1.0]], (4, 4))
    assert artifact_score(board) == pytest.approx(0.5)
    # sign does not matter: mean absolute value in the denominator
    assert artifact_score(-board) == pytest.approx(0.5)
    # a ring of different values at the border is ignored with border=1
    framed = np.pad(np.full((6, 6), 2.0), 1, constant_values=9.0)
    assert artifact_score(framed) > 0.5
    assert artifact_score(framed, border=1) == 0.0


def test_artifact_score_averages_planes():
    board = np.tile([[1.0, 3.0], [3.0, 1.0]], (4, 4))
    y = np.stack([board, np.ones((8, 8))], axis=-1)[None]  # (1, 8, 8, 2)
    assert artifact_score(y) == pytest.approx(0.25)
    assert artifact_score(y[0]) == pytest.approx(0.25)


def test_errors_name_the_parameter():
    with pytest.raises(ValueError, match="border=3 leaves no interior"):
        artifact_score(np.ones((6, 6)), border=3)
    with pytest.raises(ValueError, match="all zeros"):
        artifact_score(np.zeros((1, 4, 4, 1)))
    with pytest.raises(TypeError, match="y must have a floating dtype"):
        artifact_score(np.ones((4, 4), dtype=int))
    with pytest.raises(ValueError, match="y must have 2 or 3 or 4 dimensions"):
        artifact_score(np.ones(4))
    with pytest.raises(ValueError, match="kernel must be >= 1"):
        overlap_count(4, 0, 2)
    with pytest.raises(ValueError, match="padding must crop less"):
        overlap_count_1d(2, 2, 1, padding=2)
    with pytest.raises(TypeError, match="stride must be an integer"):
        overlap_count(4, 3, 1.5)
