"""2-D convolution (cross-correlation), channels-last, as in chapter 1.

``out[n, y, x, o] = b[o] + sum_{i, j, c} xp[n, y*s + i*d, x*s + j*d, c] *
w[i, j, c, o]``, where ``xp`` is the zero-padded input and ``c`` runs over the
input channels of the group of ``o``. Like TensorFlow and PyTorch, the kernel
is not flipped.

:func:`conv2d_naive` is that formula as a loop; :func:`conv2d` is the same
computation as one matrix product over the receptive fields (im2col, built by
:mod:`companion.im2col`), the version models and benchmarks use.
"""

from __future__ import annotations

import numpy as np

from ._validate import check_array
from .im2col import column_blocks, im2col, prepare_conv2d, receptive_fields
from .shapes import resolve_padding2d


def pad2d(x, padding, value: float = 0.0) -> np.ndarray:
    """Pad the two spatial axes of NHWC data with a constant.

    Parameters
    ----------
    x : ndarray of shape ``(n, h, w, c)``
    padding : int, ``(ph, pw)`` or ``((top, bottom), (left, right))``
    value : float
        Fill value (``-inf`` for max pooling, zero for convolution).

    Returns
    -------
    ndarray of shape ``(n, h + top + bottom, w + left + right, c)``

    Examples
    --------
    >>> pad2d(np.ones((1, 2, 2, 1)), ((0, 1), (1, 0)))[0, :, :, 0]
    array([[0., 1., 1.],
           [0., 1., 1.],
           [0., 0., 0.]])
    """
    x = check_array(x, "x", ndim=4)
    if isinstance(value, (bool, np.bool_)) or not isinstance(
            value, (int, float, np.integer, np.floating)):
        raise TypeError(f"value must be a real number (the fill value), got "
                        f"{value!r}")
    if isinstance(padding, str):
        raise ValueError(
            f"padding must be numbers for pad2d, got {padding!r}; resolve "
            "'same' first with companion.shapes.resolve_padding2d")
    (top, bottom), (left, right) = resolve_padding2d(
        padding, x.shape[1:3], (1, 1), (1, 1), (1, 1))
    return np.pad(x, ((0, 0), (top, bottom), (left, right), (0, 0)),
                  constant_values=value)


def conv2d(x, w, b=None, *, stride=1, padding="valid", dilation=1, groups=1):
    """2-D convolution, vectorised: im2col and one matrix product per group.

    Parameters
    ----------
    x : ndarray of shape ``(n, h, w, c_in)``, float32 or float64
    w : ndarray of shape ``(kh, kw, c_in / groups, c_out)``, same dtype
    b : ndarray of shape ``(c_out,)``, optional
    stride, dilation : int or ``(sh, sw)``
    padding : int, ``(ph, pw)``, ``((top, bottom), (left, right))``, ``"valid"``
        or ``"same"`` (TensorFlow's rule: output ``ceil(h / s)``, the odd extra
        row/column of padding at the bottom/right).
    groups : int
        Input and output channels split into ``groups`` independent blocks.

    Returns
    -------
    ndarray of shape ``(n, oh, ow, c_out)``, dtype of ``x``
        ``oh = floor((h + top + bottom - K) / s) + 1`` with
        ``K = d(kh - 1) + 1`` (:func:`companion.shapes.conv_output_size`).

    Notes
    -----
    Chapter 1 builds it from the loop in :func:`conv2d_naive`, its sibling,
    which it must equal. The column matrix (one row per output pixel, one
    column per kernel weight) is built a block of images or rows at a time,
    so that it stays in cache; each block is one matrix product per group.

    Examples
    --------
    >>> x = np.arange(16.0).reshape(1, 4, 4, 1)
    >>> w = np.ones((2, 2, 1, 1))
    >>> conv2d(x, w, stride=2)[0, :, :, 0]  # sums of the 2 x 2 blocks
    array([[10., 18.],
           [42., 50.]])
    >>> conv2d(x, w, padding="same").shape
    (1, 4, 4, 1)
    """
    x, w, b, stride, pad, dilation, groups, out_hw = prepare_conv2d(
        x, w, b, stride, padding, dilation, groups)
    kh, kw, c_in_g, c_out = w.shape
    n, (oh, ow) = x.shape[0], out_hw
    win = receptive_fields(pad2d(x, pad), (kh, kw), out_hw, stride, dilation)
    c_out_g = c_out // groups
    out = np.empty((n, oh, ow, c_out), dtype=x.dtype)
    for block in column_blocks(n, oh, ow * kh * kw * c_in_g * x.itemsize):
        target = out[block].reshape(-1, c_out)  # a view: blocks are contiguous
        for g in range(groups):
            ci = slice(g * c_in_g, (g + 1) * c_in_g)
            co = slice(g * c_out_g, (g + 1) * c_out_g)
            cols = im2col(win[block][:, :, :, ci])  # (pixels, kh*kw*c_in_g)
            wmat = w[:, :, :, co].reshape(kh * kw * c_in_g, c_out_g)
            np.matmul(cols, wmat, out=target[:, co])
    if b is not None:
        out += b
    return out


def conv2d_naive(x, w, b=None, *, stride=1, padding="valid", dilation=1,
                 groups=1):
    """2-D convolution as the loop of the formula (reference for :func:`conv2d`).

    ``out[n, y, x, o] = b[o] + sum(xp[n, y*s : y*s + K : d, x*s : x*s + K : d,
    group(o)] * w[:, :, :, o])``. Same parameters, shapes and result as
    :func:`conv2d`, its fast sibling; output size
    ``floor((h + top + bottom - K) / s) + 1``. Chapter 1.

    Examples
    --------
    >>> x = np.arange(16.0).reshape(1, 4, 4, 1)
    >>> conv2d_naive(x, np.ones((2, 2, 1, 1)), stride=2)[0, :, :, 0]
    array([[10., 18.],
           [42., 50.]])
    """
    x, w, b, (sh, sw), pad, (dh, dw), groups, (oh, ow) = prepare_conv2d(
        x, w, b, stride, padding, dilation, groups)
    kh, kw, c_in_g, c_out = w.shape
    c_out_g = c_out // groups
    xp = pad2d(x, pad)
    out = np.zeros((x.shape[0], oh, ow, c_out), dtype=x.dtype)
    for n in range(x.shape[0]):
        for y in range(oh):
            for x_ in range(ow):
                for o in range(c_out):
                    g = o // c_out_g  # the group this output channel reads
                    window = xp[n, y * sh:y * sh + dh * (kh - 1) + 1:dh,
                                x_ * sw:x_ * sw + dw * (kw - 1) + 1:dw,
                                g * c_in_g:(g + 1) * c_in_g]
                    out[n, y, x_, o] = np.sum(window * w[:, :, :, o])
                    if b is not None:
                        out[n, y, x_, o] += b[o]
    return out
