"""The patch-matrix view of convolution (im2col), shared by the fast operations.

A convolution reads, for every output pixel, one *receptive field*: the
``kh x kw x c`` block of the padded input under the kernel. Copy each field
into one row of a matrix, the *column matrix* (the name im2col, "image to
columns", comes from Caffe and MATLAB, which store the fields as columns), and
the whole convolution becomes one matrix product with the kernel reshaped to
``(kh*kw*c_in, c_out)``:

``cols[(n, y, x), (i, j, c)] = xp[n, y*s + i*d, x*s + j*d, c]``, then
``out = cols @ w.reshape(-1, c_out)``.

The reverse, :func:`col2im`, sums the rows of such a matrix back into the image,
adding where fields overlap; it is im2col's adjoint (transpose). The gradient
of a convolution with respect to its input, and so the transposed convolution,
is col2im of a matrix product.

Who uses what: :func:`companion.conv.conv2d` (:func:`prepare_conv2d`,
:func:`receptive_fields`, :func:`im2col`, :func:`column_blocks`),
:func:`companion.backward.conv2d_backward` (all but the blocks),
:func:`companion.transposed.conv_transpose2d` with dilation (:func:`col2im`),
:func:`companion.transposed.conv_matrix` (:func:`prepare_conv2d`) and the
benchmarks (the cost of building the column matrix alone). These are building
blocks for the package, not for the chapters, which use ``conv2d`` itself.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from ._validate import as_pair, check_bias, check_data_and_kernel, check_int
from .shapes import conv_output_size, resolve_padding2d


class Conv2dCall(NamedTuple):
    """A checked conv2d call and its geometry (what :func:`prepare_conv2d` returns).

    ``x`` is ``(n, h, w, c_in)``, ``w`` is ``(kh, kw, c_in / groups, c_out)``,
    ``b`` is ``(c_out,)`` or None; ``padding`` is resolved to
    ``((top, bottom), (left, right))`` and ``out_hw`` is the output ``(oh, ow)``.
    """

    x: np.ndarray
    w: np.ndarray
    b: np.ndarray | None
    stride: tuple[int, int]
    padding: tuple[tuple[int, int], tuple[int, int]]
    dilation: tuple[int, int]
    groups: int
    out_hw: tuple[int, int]


def prepare_conv2d(x, w, b, stride, padding, dilation, groups) -> Conv2dCall:
    """Check a conv2d call's arguments and work out its padding and output size.

    The one door of :func:`companion.conv.conv2d`, its naive sibling, its
    gradient and :func:`companion.transposed.conv_matrix`: a bad argument
    raises ``ValueError``/``TypeError`` naming it.

    Returns
    -------
    Conv2dCall
        ``(x, w, b, stride, padding, dilation, groups, out_hw)``; ``padding`` is
        resolved to ``((top, bottom), (left, right))`` and
        ``out_hw[a] = floor((size + pads - K) / s) + 1``, ``K = d(k - 1) + 1``.

    Examples
    --------
    >>> call = prepare_conv2d(np.zeros((1, 6, 6, 2)), np.zeros((3, 3, 2, 4)),
    ...                       None, 2, "same", 1, 1)
    >>> call.padding, call.out_hw
    (((0, 1), (0, 1)), (3, 3))
    """
    x, w = check_data_and_kernel(x, w)
    groups = check_int(groups, "groups", minimum=1)
    stride = as_pair(stride, "stride", minimum=1)
    dilation = as_pair(dilation, "dilation", minimum=1)
    kh, kw, c_in_g, c_out = w.shape
    c_in = x.shape[3]
    if c_in % groups or c_out % groups:
        raise ValueError(
            f"groups={groups} must divide the input channels ({c_in}) and the "
            f"output channels ({c_out})")
    if c_in_g * groups != c_in:
        raise ValueError(
            f"w has {c_in_g} input channels per group but x has {c_in} channels"
            f" and groups={groups} (expected w.shape[2] == {c_in // groups}); "
            "w must be (kh, kw, c_in / groups, c_out)")
    b = check_bias(b, x, c_out)
    pad = resolve_padding2d(padding, x.shape[1:3], (kh, kw), stride, dilation)
    try:
        out_hw = tuple(
            conv_output_size(x.shape[1 + a], w.shape[a], stride[a], pad[a],
                             dilation[a]) for a in range(2))
    except ValueError as err:  # name the caller's argument, not "kernel"
        raise ValueError(f"w of shape {w.shape}: {err}") from None
    return Conv2dCall(x, w, b, stride, pad, dilation, groups, out_hw)


def receptive_fields(xp, kernel, out_hw, stride, dilation) -> np.ndarray:
    """Every receptive field of a padded input, as a view (nothing is copied).

    Parameters
    ----------
    xp : ndarray of shape ``(n, hp, wp, c)``
        The input, already padded.
    kernel, out_hw, stride, dilation : ``(rows, columns)`` pairs
        Kernel size, output size (from :func:`prepare_conv2d`), stride and
        dilation.

    Returns
    -------
    ndarray of shape ``(n, oh, ow, c, kh, kw)``
        ``fields[n, y, x, c, i, j] = xp[n, y*s + i*d, x*s + j*d, c]``, a
        strided view of ``xp`` (``sliding_window_view``).

    Examples
    --------
    >>> xp = np.arange(16.0).reshape(1, 4, 4, 1)
    >>> f = receptive_fields(xp, (2, 2), (2, 2), (2, 2), (1, 1))
    >>> f.shape, f[0, 1, 0, 0]  # the field of output pixel (1, 0)
    ((1, 2, 2, 1, 2, 2), array([[ 8.,  9.],
           [12., 13.]]))
    """
    (kh, kw), (sh, sw), (dh, dw) = kernel, stride, dilation
    extent = (dh * (kh - 1) + 1, dw * (kw - 1) + 1)
    win = sliding_window_view(xp, extent, axis=(1, 2))
    return win[:, ::sh, ::sw, :, ::dh, ::dw][:, :out_hw[0], :out_hw[1]]


def im2col(fields) -> np.ndarray:
    """Receptive fields ``(n, oh, ow, c, kh, kw)`` as a matrix ``(P, kh*kw*c)``.

    Row ``(n, y, x)`` (``P = n*oh*ow`` rows) holds the field of output pixel
    ``(y, x)`` in the order ``(i, j, c)`` of the HWIO kernel, so that
    ``im2col(fields) @ w.reshape(kh*kw*c, c_out)`` is the convolution. With
    few channels (under 8) the copy is made tap-major, each tap one plain 2-D
    strided copy, and a transposed view is returned: same values, faster to
    build, and BLAS reads it as is.

    Examples
    --------
    >>> xp = np.arange(9.0).reshape(1, 3, 3, 1)
    >>> im2col(receptive_fields(xp, (2, 2), (2, 2), (1, 1), (1, 1)))
    array([[0., 1., 3., 4.],
           [1., 2., 4., 5.],
           [3., 4., 6., 7.],
           [4., 5., 7., 8.]])
    """
    n, oh, ow, c, kh, kw = fields.shape
    if c >= 8:
        return fields.transpose(0, 1, 2, 4, 5, 3).reshape(n * oh * ow, kh * kw * c)
    cols_t = np.ascontiguousarray(fields.transpose(4, 5, 3, 0, 1, 2))
    return cols_t.reshape(kh * kw * c, n * oh * ow).T


def col2im(cols, size_hw, stride, dilation) -> np.ndarray:
    """Sum receptive-field values back into an image (im2col's adjoint).

    ``out[:, y*s + i*d, x*s + j*d, :] += cols[:, y, x, i, j, :]`` for an array
    ``cols`` of shape ``(n, oh, ow, kh, kw, c)``; ``out`` has shape
    ``(n, *size_hw, c)``. Where fields overlap, their values add up.

    Examples
    --------
    Four 2 x 2 fields of ones with stride 1 cover the centre pixel four times:

    >>> col2im(np.ones((1, 2, 2, 2, 2, 1)), (3, 3), (1, 1), (1, 1))[0, :, :, 0]
    array([[1., 2., 1.],
           [2., 4., 2.],
           [1., 2., 1.]])
    """
    n, oh, ow, kh, kw, c = cols.shape
    (sh, sw), (dh, dw) = stride, dilation
    out = np.zeros((n, *size_hw, c), dtype=cols.dtype)
    for i in range(kh):
        for j in range(kw):
            out[:, i * dh:i * dh + (oh - 1) * sh + 1:sh,
                j * dw:j * dw + (ow - 1) * sw + 1:sw, :] += cols[:, :, :, i, j, :]
    return out


#: Largest column matrix :func:`column_blocks` lets :func:`companion.conv.conv2d`
#: build at once (bytes): small enough to stay in cache, large enough for an
#: efficient matrix product.
CHUNK_BYTES = 2**23


def column_blocks(n, rows, row_bytes) -> list:
    """Split ``n`` images of ``rows`` output rows into blocks of the column matrix.

    Each block is an index (several whole images, or some rows of one image)
    whose column matrix takes at most :data:`CHUNK_BYTES` when one output row
    takes ``row_bytes``; the blocks are contiguous in the output.

    Examples
    --------
    >>> column_blocks(3, 4, CHUNK_BYTES // 8)  # 8 rows fit: two images a block
    [slice(0, 2, None), slice(2, 4, None)]
    >>> column_blocks(1, 4, CHUNK_BYTES // 2)  # 2 rows fit: half an image
    [(slice(0, 1, None), slice(0, 2, None)), (slice(0, 1, None), slice(2, 4, None))]
    """
    per_block = max(1, CHUNK_BYTES // max(row_bytes, 1))  # output rows per block
    if per_block >= rows:
        images = per_block // rows
        return [np.s_[i:i + images] for i in range(0, n, images)]
    return [np.s_[i:i + 1, r:r + per_block] for i in range(n)
            for r in range(0, rows, per_block)]
