"""Gradients of convolution and max pooling (chapter 2's "transposed
convolution is the gradient of convolution").

For ``y = conv2d(x, w, b)`` and an upstream gradient ``dout = dL/dy``:

- ``dx`` scatters ``dout`` back through the kernel: it is the transposed
  convolution of ``dout`` with the same ``w`` (``tf.nn.conv2d_transpose`` is
  literally ``conv2d_backprop_input``);
- ``dw[i, j, c, o] = sum over (n, y, x) of xp[n, y*s + i*d, x*s + j*d, c] *
  dout[n, y, x, o]``, one matrix product with the im2col matrix;
- ``db[o] = sum of dout[..., o]``.

Max pooling sends each gradient to the argmax of its window, adding where
overlapping windows share one.
"""

from __future__ import annotations

import numpy as np

from ._validate import check_array, check_same_dtype
from .conv import pad2d
from .im2col import col2im, im2col, prepare_conv2d, receptive_fields
from .pooling import max_pool2d


def conv2d_backward(dout, x, w, *, stride=1, padding="valid", dilation=1,
                    groups=1):
    """Gradients of :func:`companion.conv.conv2d` with respect to x, w and b.

    Parameters
    ----------
    dout : ndarray of shape ``(n, oh, ow, c_out)``
        Gradient of the loss with respect to the convolution's output.
    x : ndarray of shape ``(n, h, w, c_in)``
    w : ndarray of shape ``(kh, kw, c_in / groups, c_out)``
    stride, padding, dilation, groups
        As given to :func:`companion.conv.conv2d`.

    Returns
    -------
    dx : ndarray of shape ``(n, h, w, c_in)``
        Equal to ``conv_transpose2d(dout, w, stride=s, padding=p,
        output_padding=h - ((oh - 1)s - 2p + K))`` for a symmetric int
        padding ``p`` and ``groups=1`` (chapter 2).
    dw : ndarray of shape ``(kh, kw, c_in / groups, c_out)``
    db : ndarray of shape ``(c_out,)``

    Examples
    --------
    >>> x = np.arange(9.0).reshape(1, 3, 3, 1)
    >>> dx, dw, db = conv2d_backward(np.ones((1, 2, 2, 1)), x, np.ones((2, 2, 1, 1)))
    >>> dx[0, :, :, 0]  # how many windows cover each pixel
    array([[1., 2., 1.],
           [2., 4., 2.],
           [1., 2., 1.]])
    >>> dw[:, :, 0, 0], db
    (array([[ 8., 12.],
           [20., 24.]]), array([4.]))
    """
    x, w, _, stride, pad, dilation, groups, out_hw = prepare_conv2d(
        x, w, None, stride, padding, dilation, groups)
    dout = check_array(dout, "dout", ndim=4)
    check_same_dtype(x, dout, "x", "dout")
    kh, kw, c_in_g, c_out = w.shape
    n = x.shape[0]
    if dout.shape != (n, *out_hw, c_out):
        raise ValueError(
            f"dout must have the shape of conv2d's output {(n, *out_hw, c_out)},"
            f" got {dout.shape}")
    xp = pad2d(x, pad)
    win = receptive_fields(xp, (kh, kw), out_hw, stride, dilation)
    c_out_g = c_out // groups
    dout2 = dout.reshape(n * out_hw[0] * out_hw[1], c_out)
    dw = np.empty_like(w)
    dcols = np.empty((n, *out_hw, kh, kw, x.shape[3]), dtype=x.dtype)
    for g in range(groups):
        ci = slice(g * c_in_g, (g + 1) * c_in_g)
        co = slice(g * c_out_g, (g + 1) * c_out_g)
        cols = im2col(win[:, :, :, ci])  # (P, kh*kw*c_in_g)
        dw[:, :, :, co] = (cols.T @ dout2[:, co]).reshape(kh, kw, c_in_g,
                                                          c_out_g)
        wmat = w[:, :, :, co].reshape(kh * kw * c_in_g, c_out_g)
        dcols[..., ci] = (dout2[:, co] @ wmat.T).reshape(n, *out_hw, kh, kw,
                                                         c_in_g)
    dxp = col2im(dcols, xp.shape[1:3], stride, dilation)
    (top, _), (left, _) = pad
    dx = dxp[:, top:top + x.shape[1], left:left + x.shape[2]]
    return np.ascontiguousarray(dx), dw, dout.sum(axis=(0, 1, 2))


def max_pool2d_backward(dout, x, pool_size, stride=None, padding="valid"):
    """Gradient of :func:`companion.pooling.max_pool2d` with respect to x.

    Each ``dout`` value goes to the position of its window's (first)
    maximum; positions that are the maximum of several overlapping windows
    receive the sum. Parameters as for ``max_pool2d``.

    Returns
    -------
    ndarray of shape ``(n, h, w, c)``

    Examples
    --------
    >>> x = np.array([[1., 3., 2.], [4., 0., 5.], [6., 8., 7.]])[None, :, :, None]
    >>> max_pool2d_backward(np.ones((1, 2, 2, 1)), x, 2, stride=1)[0, :, :, 0]
    array([[0., 0., 0.],
           [1., 0., 1.],
           [0., 2., 0.]])
    """
    x = check_array(x, "x", ndim=4)
    _, indices = max_pool2d(x, pool_size, stride, padding, return_indices=True)
    dout = check_array(dout, "dout", ndim=4)
    check_same_dtype(x, dout, "x", "dout")
    if dout.shape != indices.shape:
        raise ValueError(
            f"dout must have the shape of max_pool2d's output {indices.shape},"
            f" got {dout.shape}")
    n, h, w, c = x.shape
    dx = np.zeros((n, h * w, c), dtype=x.dtype)
    batch = np.arange(n)[:, None, None, None]
    channel = np.arange(c)[None, None, None, :]
    np.add.at(dx, (batch, indices, channel), dout)  # add: windows may share
    return dx.reshape(n, h, w, c)
