"""companion.im2col: the column matrix, its adjoint and the blocks conv2d builds."""

from __future__ import annotations

import numpy as np
import pytest

from companion import im2col as im2col_module
from companion.conv import conv2d, conv2d_naive
from companion.im2col import (
    CHUNK_BYTES,
    Conv2dCall,
    col2im,
    column_blocks,
    im2col,
    prepare_conv2d,
    receptive_fields,
)

# (padded input shape, kernel, stride, dilation); c = 3 and c = 9 take the two
# copy orders of im2col (tap-major below 8 channels, field-major from 8)
GEOMETRIES = [
    ((2, 7, 6, 3), (3, 2), (1, 1), (1, 1)),
    ((1, 9, 8, 3), (2, 3), (2, 3), (1, 1)),
    ((2, 11, 10, 9), (3, 3), (2, 1), (2, 3)),
    ((1, 5, 5, 9), (1, 1), (1, 1), (1, 1)),
]


def _out_hw(shape, kernel, stride, dilation):
    return tuple((shape[1 + a] - dilation[a] * (kernel[a] - 1) - 1) // stride[a] + 1
                 for a in range(2))


@pytest.mark.parametrize("shape, kernel, stride, dilation", GEOMETRIES)
def test_im2col_rows_are_the_fields_in_kernel_order(shape, kernel, stride, dilation):
    """Row (n, y, x), column (i, j, c) is xp[n, y*s + i*d, x*s + j*d, c]."""
    xp = np.random.default_rng(0).standard_normal(shape)
    out_hw = _out_hw(shape, kernel, stride, dilation)
    cols = im2col(receptive_fields(xp, kernel, out_hw, stride, dilation))
    n, c = shape[0], shape[3]
    expected = np.empty((n, *out_hw, *kernel, c))
    for y in range(out_hw[0]):
        for x in range(out_hw[1]):
            for i in range(kernel[0]):
                for j in range(kernel[1]):
                    expected[:, y, x, i, j] = xp[:, y * stride[0] + i * dilation[0],
                                                 x * stride[1] + j * dilation[1]]
    assert cols.shape == (n * out_hw[0] * out_hw[1], kernel[0] * kernel[1] * c)
    np.testing.assert_array_equal(cols, expected.reshape(cols.shape))


@pytest.mark.parametrize("shape, kernel, stride, dilation", GEOMETRIES)
def test_col2im_is_the_adjoint_of_im2col(shape, kernel, stride, dilation):
    """<im2col(x), C> == <x, col2im(C)> for random x and C."""
    rng = np.random.default_rng(1)
    xp = rng.standard_normal(shape)
    out_hw = _out_hw(shape, kernel, stride, dilation)
    cols = im2col(receptive_fields(xp, kernel, out_hw, stride, dilation))
    c_mat = rng.standard_normal(cols.shape)
    back = col2im(c_mat.reshape(shape[0], *out_hw, *kernel, shape[3]), shape[1:3],
                  stride, dilation)
    assert back.shape == shape
    np.testing.assert_allclose(np.sum(cols * c_mat), np.sum(xp * back), rtol=1e-12)


def test_receptive_fields_is_a_view():
    xp = np.zeros((1, 5, 5, 2))
    fields = receptive_fields(xp, (3, 3), (3, 3), (1, 1), (1, 1))
    assert np.shares_memory(fields, xp)
    xp[0, 2, 2, 1] = 7.0  # the centre pixel lies in every field
    assert np.all(fields[0, :, :, 1][np.arange(3)[:, None], np.arange(3),
                                     2 - np.arange(3)[:, None], 2 - np.arange(3)]
                  == 7.0)


@pytest.mark.parametrize("n, rows, row_bytes", [
    (5, 7, 1), (3, 4, CHUNK_BYTES // 8), (3, 4, CHUNK_BYTES // 3),
    (2, 5, CHUNK_BYTES // 2), (2, 3, 2 * CHUNK_BYTES), (1, 1, 0)])
def test_column_blocks_cover_every_row_once_within_the_budget(n, rows, row_bytes):
    seen = np.zeros((n, rows), dtype=int)
    for block in column_blocks(n, rows, row_bytes):
        seen[block] += 1
        assert seen[block].size * row_bytes <= max(CHUNK_BYTES, row_bytes)
    np.testing.assert_array_equal(seen, 1)


@pytest.mark.parametrize("chunk", [1, 600, 5000])
def test_conv2d_is_the_same_whatever_the_blocks(monkeypatch, chunk):
    """Blocks of one row, of a few rows and of whole images give one result."""
    rng = np.random.default_rng(2)
    x, w = rng.standard_normal((3, 8, 7, 4)), rng.standard_normal((3, 3, 2, 6))
    whole = conv2d(x, w, stride=(2, 1), padding="same", groups=2)
    monkeypatch.setattr(im2col_module, "CHUNK_BYTES", chunk)
    blocked = conv2d(x, w, stride=(2, 1), padding="same", groups=2)
    np.testing.assert_array_equal(blocked, whole)
    np.testing.assert_allclose(
        blocked, conv2d_naive(x, w, stride=(2, 1), padding="same", groups=2),
        rtol=1e-12, atol=1e-12)


def test_prepare_conv2d_names_its_results():
    call = prepare_conv2d(np.zeros((2, 7, 5, 4)), np.zeros((3, 2, 2, 6)), None,
                          (2, 1), 1, (1, 2), 2)
    assert isinstance(call, Conv2dCall)
    assert call.padding == ((1, 1), (1, 1))
    assert call.out_hw == ((7 + 2 - 3) // 2 + 1, (5 + 2 - 3) // 1 + 1)
    assert (call.stride, call.dilation, call.groups, call.b) == ((2, 1), (1, 2), 2,
                                                                 None)
    with pytest.raises(ValueError, match="groups=3 must divide"):
        prepare_conv2d(np.zeros((1, 4, 4, 4)), np.zeros((1, 1, 2, 6)), None, 1, 0,
                       1, 3)
