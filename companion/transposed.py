"""Transposed convolution, channels-last, in the four forms of chapter 2.

The input ``x`` is ``(n, h, w, c_in)`` and the kernel ``w`` is
``(kh, kw, c_out, c_in)``, Keras' layout (``tf.nn.conv2d_transpose`` takes the
same array). Per axis, with ``K = d(k - 1) + 1``:

1. scatter (:func:`conv_transpose2d_scatter`): every input pixel adds a copy of
   the kernel scaled by its value, ``full[i*s + m*d] += x[i] * w[m]``, into a
   "full" output of length ``L = (h - 1)s + K``, which is then cropped;
2. zero insertion (:func:`conv_transpose2d_zero_insert`): put ``s - 1`` zeros
   between the inputs, pad, and run a stride-1 convolution with the kernel
   rotated by 180 degrees (Dumoulin and Visin, relationships 12-14);
3. matrix (:func:`conv_matrix`): the convolution is ``y = C x``; the transposed
   convolution is ``C.T y``. Same shape change as undoing the convolution, not
   its inverse;
4. fast (:func:`conv_transpose2d`): each output phase ``y*s + a`` only meets
   kernel rows ``a, a + s, ...``, so the whole operation is one stride-1
   convolution with ``s * s * c_out`` channels (:func:`phase_kernel`)
   followed by a pixel shuffle; with dilation, one matrix product gives every
   scaled kernel copy at once and they are summed into place (col2im).

The crop: an int ``padding`` has PyTorch's meaning (keep ``full[p : p + o]``,
``o = (h - 1)s - 2p + K + output_padding``); ``"valid"``/``"same"`` have
Keras' meaning (:func:`companion.shapes.conv_transpose_crop`).
"""

from __future__ import annotations

import numpy as np

from ._validate import (
    as_pair,
    check_array,
    check_bias,
    check_data_and_kernel,
    check_int,
    check_nonempty,
    per_axis,
)
from .conv import conv2d
from .im2col import col2im, prepare_conv2d
from .shapes import conv_transpose_crop, padding_mode


def _prepare(x, w, b, stride, padding, output_padding, dilation):
    """Validate a transposed-convolution call; return the per-axis crops."""
    x, w = check_data_and_kernel(x, w)
    kh, kw, c_out, c_in = w.shape
    if x.shape[3] != c_in:
        raise ValueError(
            f"w has {c_in} input channels (last axis) but x has {x.shape[3]}; "
            "a transposed-conv kernel is (kh, kw, c_out, c_in), as in Keras")
    b = check_bias(b, x, c_out)
    stride = as_pair(stride, "stride", minimum=1)
    dilation = as_pair(dilation, "dilation", minimum=1)
    pads = per_axis(padding, "padding")
    for p in pads:
        padding_mode(p)  # rejects unknown strings
    ops = per_axis(output_padding, "output_padding", allow_none=True)
    crops = tuple(conv_transpose_crop(x.shape[1 + a], w.shape[a], stride[a],
                                      pads[a], ops[a], dilation[a])
                  for a in range(2))
    return x, w, b, stride, dilation, crops


def _crop(full, crops):
    """``full[:, oh:oh+lh, ow:ow+lw]``, zero-extended where the crop overhangs."""
    (top, height), (left, width) = crops
    n, fh, fw, c = full.shape
    if top + height > fh or left + width > fw:
        grown = np.zeros((n, max(fh, top + height), max(fw, left + width), c),
                         dtype=full.dtype)
        grown[:, :fh, :fw] = full
        full = grown
    return full[:, top:top + height, left:left + width]


def _full_size(x_shape, w_shape, stride, dilation):
    return tuple((x_shape[1 + a] - 1) * stride[a] + dilation[a] * (w_shape[a] - 1)
                 + 1 for a in range(2))


def conv_transpose2d(x, w, b=None, *, stride=1, padding=0, output_padding=None,
                     dilation=1):
    """Transposed convolution, vectorised: a stride-1 convolution and a shuffle.

    Parameters
    ----------
    x : ndarray of shape ``(n, h, w, c_in)``, float32 or float64
    w : ndarray of shape ``(kh, kw, c_out, c_in)`` (Keras layout), same dtype
    b : ndarray of shape ``(c_out,)``, optional
    stride, dilation : int or ``(sh, sw)``
    padding : int or ``(ph, pw)`` (PyTorch meaning), or ``"valid"``/``"same"``
        (Keras meaning)
    output_padding : int, ``(ah, aw)`` or None
        Extra rows/columns at the bottom/right. PyTorch meaning: ``0 <= a <
        max(s, d)``; with ``"valid"``/``"same"``, Keras' ``a < s``.

    Returns
    -------
    ndarray of shape ``(n, oh, ow, c_out)``
        PyTorch: ``oh = (h - 1)s - 2p + d(kh - 1) + output_padding + 1``; Keras
        ``"valid"``: ``h s + max(K - s, 0)``; ``"same"``: ``h s``
        (:func:`companion.shapes.conv_transpose_output_size`).

    Notes
    -----
    Chapter 2. The readable siblings are :func:`conv_transpose2d_scatter`,
    :func:`conv_transpose2d_zero_insert` and :func:`conv_matrix`; all four
    agree. With the same ``w`` it is the gradient of
    :func:`companion.conv.conv2d` with respect to its input.

    Examples
    --------
    >>> x = np.array([[1., 2.], [3., 4.]])[None, :, :, None]
    >>> w = np.ones((2, 2, 1, 1))
    >>> conv_transpose2d(x, w)[0, :, :, 0]  # 2x2 in, 3x3 out, overlaps summed
    array([[ 1.,  3.,  2.],
           [ 4., 10.,  6.],
           [ 3.,  7.,  4.]])
    >>> conv_transpose2d(x, w, stride=2).shape  # no overlap: 4x4
    (1, 4, 4, 1)
    """
    x, w, b, stride, dilation, crops = _prepare(x, w, b, stride, padding,
                                                output_padding, dilation)
    if dilation == (1, 1):
        full = _phases(x, w, stride)
    else:
        n, h, w_in, c_in = x.shape
        kh, kw, c_out, _ = w.shape
        # every input pixel times the whole kernel: (n*h*w, kh*kw*c_out)
        cols = x.reshape(n * h * w_in, c_in) @ w.reshape(kh * kw * c_out, c_in).T
        cols = cols.reshape(n, h, w_in, kh, kw, c_out)
        full = col2im(cols, _full_size(x.shape, w.shape, stride, dilation),
                      stride, dilation)
    out = _crop(full, crops)
    return out + b if b is not None else np.ascontiguousarray(out)


def phase_kernel(w, stride=1):
    """The stride-1 convolution kernel that does a transposed convolution's work.

    Output row ``y*s + a`` of a stride-``s`` transposed convolution only ever
    meets kernel rows ``a, a + s, a + 2s, ...`` (its *phase* ``a``), so the
    transposed convolution is ``s * s`` small stride-1 convolutions of the
    input, one per phase, whose outputs interleave. Stacking the ``s * s``
    phase kernels as output channels makes them one convolution, followed by
    a pixel shuffle (Shi et al. 2016, the sub-pixel convolution of chapter 3).

    Parameters
    ----------
    w : ndarray of shape ``(kh, kw, c_out, c_in)``
        A transposed-convolution kernel (Keras layout).
    stride : int or ``(sh, sw)``

    Returns
    -------
    ndarray of shape ``(th, tw, c_in, sh * sw * c_out)``, ``th = ceil(kh / sh)``
        An HWIO kernel. ``conv2d(x, phase_kernel(w, s), padding=(th - 1, tw -
        1))`` followed by ``pixel_shuffle(., s)`` (TensorFlow's channel
        order) is the transposed convolution before its crop, zero-extended
        to a multiple of ``s`` (:func:`conv_transpose2d` uses exactly that).

    Examples
    --------
    >>> w = np.arange(16.0).reshape(4, 4, 1, 1)
    >>> k = phase_kernel(w, 2)
    >>> k.shape
    (2, 2, 1, 4)
    >>> k[:, :, 0, 0]  # phase (0, 0): rows and columns 0 and 2, rotated
    array([[10.,  8.],
           [ 2.,  0.]])
    """
    w = check_array(w, "w", ndim=4)
    check_nonempty(w, "w")
    sh, sw = as_pair(stride, "stride", minimum=1)
    kh, kw, c_out, c_in = w.shape
    th, tw = -(-kh // sh), -(-kw // sw)  # taps per phase, rounded up
    padded = np.zeros((th * sh, tw * sw, c_out, c_in), dtype=w.dtype)
    padded[:kh, :kw] = w  # kernel rows m = u*s + a, extra rows are zero
    phases = padded.reshape(th, sh, tw, sw, c_out, c_in)[::-1, :, ::-1]
    return np.ascontiguousarray(phases.transpose(0, 2, 5, 1, 3, 4)).reshape(
        th, tw, c_in, sh * sw * c_out)


def _phases(x, w, stride):
    """The uncropped transposed convolution as one convolution plus a shuffle.

    Returns the "full" output of :func:`conv_transpose2d_scatter`, extended
    with zero rows/columns to a multiple of the stride.
    """
    (sh, sw), c_out = stride, w.shape[2]
    k = phase_kernel(w, stride)
    th, tw = k.shape[:2]
    y = conv2d(x, k, padding=((th - 1, th - 1), (tw - 1, tw - 1)))
    n, h, w_out, _ = y.shape
    # pixel_shuffle (TensorFlow's order) with separate factors for rows and
    # columns; companion.subpixel.pixel_shuffle takes one factor
    return y.reshape(n, h, w_out, sh, sw, c_out).transpose(
        0, 1, 3, 2, 4, 5).reshape(n, h * sh, w_out * sw, c_out)


def conv_transpose2d_scatter(x, w, b=None, *, stride=1, padding=0,
                             output_padding=None, dilation=1):
    """Transposed convolution as scatter-and-sum, a loop over input pixels.

    ``full[n, i*sh + m*dh, j*sw + l*dw, :] += w[m, l] @ x[n, i, j]``, then the
    crop of :func:`companion.shapes.conv_transpose_crop`. Same parameters,
    output size and result as :func:`conv_transpose2d`, its fast sibling
    (chapter 2, the picture of the 2x2 input and 2x2 kernel).

    Examples
    --------
    >>> x = np.array([[1., 2.], [3., 4.]])[None, :, :, None]
    >>> conv_transpose2d_scatter(x, np.ones((2, 2, 1, 1)), stride=2)[0, :, :, 0]
    array([[1., 1., 2., 2.],
           [1., 1., 2., 2.],
           [3., 3., 4., 4.],
           [3., 3., 4., 4.]])
    """
    x, w, b, (sh, sw), (dh, dw), crops = _prepare(x, w, b, stride, padding,
                                                  output_padding, dilation)
    n, h, w_in, _ = x.shape
    kh, kw, c_out, _ = w.shape
    full = np.zeros((n, *_full_size(x.shape, w.shape, (sh, sw), (dh, dw)), c_out),
                    dtype=x.dtype)
    for n_ in range(n):
        for i in range(h):
            for j in range(w_in):
                for m in range(kh):
                    for l in range(kw):
                        full[n_, i * sh + m * dh, j * sw + l * dw, :] += \
                            w[m, l] @ x[n_, i, j]
    out = _crop(full, crops)
    return out + b if b is not None else np.ascontiguousarray(out)


def _pad_or_crop(z, before, after, axis):
    """Pad ``z`` with zeros along ``axis``; a negative amount crops instead."""
    widths = [(0, 0)] * z.ndim
    widths[axis] = (max(before, 0), max(after, 0))
    z = np.pad(z, widths)
    index = [slice(None)] * z.ndim
    index[axis] = slice(max(-before, 0), z.shape[axis] - max(-after, 0))
    return z[tuple(index)]


def conv_transpose2d_zero_insert(x, w, b=None, *, stride=1, padding=0,
                                 output_padding=None, dilation=1):
    """Transposed convolution as zero insertion plus a stride-1 convolution.

    1. insert ``s - 1`` zeros between neighbouring inputs;
    2. pad ``K - 1 - p`` zeros before (where ``p`` is the crop offset) and
       enough after to reach the output size (Dumoulin and Visin's
       ``k - p - 1`` plus ``a`` at the bottom/right);
    3. run :func:`companion.conv.conv2d` with stride 1, the same dilation and
       the kernel rotated by 180 degrees, ``w[::-1, ::-1]``.

    Same parameters and result as :func:`conv_transpose2d`, its fast sibling.
    Chapter 2 (the recipe of source article 001 and 003).

    Examples
    --------
    >>> x = np.array([[1., 2.], [3., 4.]])[None, :, :, None]
    >>> conv_transpose2d_zero_insert(x, np.ones((2, 2, 1, 1)))[0, :, :, 0]
    array([[ 1.,  3.,  2.],
           [ 4., 10.,  6.],
           [ 3.,  7.,  4.]])
    """
    x, w, b, (sh, sw), (dh, dw), crops = _prepare(x, w, b, stride, padding,
                                                  output_padding, dilation)
    n, h, w_in, c_in = x.shape
    kh, kw = w.shape[:2]
    z = np.zeros((n, (h - 1) * sh + 1, (w_in - 1) * sw + 1, c_in), dtype=x.dtype)
    z[:, ::sh, ::sw] = x  # s - 1 zeros between inputs
    for axis, (offset, length), k_eff in ((1, crops[0], dh * (kh - 1) + 1),
                                          (2, crops[1], dw * (kw - 1) + 1)):
        before = k_eff - 1 - offset
        after = length + k_eff - 1 - z.shape[axis] - before
        z = _pad_or_crop(z, before, after, axis)
    rotated = w[::-1, ::-1].transpose(0, 1, 3, 2)  # 180 degrees, as HWIO
    return conv2d(z, np.ascontiguousarray(rotated), b, dilation=(dh, dw))


def conv_matrix(input_shape, w, stride=1, padding=0, dilation=1):
    """The convolution as an explicit matrix ``C``: ``conv(x) == C @ x.ravel()``.

    Parameters
    ----------
    input_shape : ``(h, w, c_in)``
        One image, channels-last.
    w : ndarray of shape ``(kh, kw, c_in, c_out)``
        A convolution kernel (HWIO).
    stride, padding, dilation
        As for :func:`companion.conv.conv2d` (groups are not supported).

    Returns
    -------
    ndarray of shape ``(oh * ow * c_out, h * w * c_in)``
        Mostly zeros. ``C @ x.ravel()`` is ``conv2d(x[None], w)`` flattened
        and ``C.T @ y.ravel()`` is the transposed convolution of ``y`` with the
        same array ``w`` read as ``(kh, kw, c_out, c_in)`` (chapter 2), as
        computed fast by :func:`conv_transpose2d`. For small sizes only.

    Examples
    --------
    >>> C = conv_matrix((3, 3, 1), np.ones((2, 2, 1, 1)))
    >>> C.astype(int)
    array([[1, 1, 0, 1, 1, 0, 0, 0, 0],
           [0, 1, 1, 0, 1, 1, 0, 0, 0],
           [0, 0, 0, 1, 1, 0, 1, 1, 0],
           [0, 0, 0, 0, 1, 1, 0, 1, 1]])
    """
    w = check_array(w, "w", ndim=4)
    if not isinstance(input_shape, (tuple, list)) or len(input_shape) != 3:
        raise ValueError(
            f"input_shape must be (h, w, c_in), got {input_shape!r}")
    h, w_in, c_in = (check_int(v, "input_shape", minimum=1) for v in input_shape)
    if w.shape[2] != c_in:
        raise ValueError(
            f"input_shape has {c_in} channels but w has {w.shape[2]} input "
            f"channels (w.shape[2]); input_shape must be (h, w, {w.shape[2]})")
    x = np.zeros((1, h, w_in, c_in), dtype=w.dtype)
    _, w, _, (sh, sw), pad, (dh, dw), _, (oh, ow) = prepare_conv2d(
        x, w, None, stride, padding, dilation, 1)
    kh, kw, _, c_out = w.shape
    size = oh * ow * c_out * h * w_in * c_in
    if size > 10**7:
        raise ValueError(
            f"conv_matrix would have {size} entries; it is meant for small "
            "examples (at most 10**7), use conv2d for real sizes")
    top, left = pad[0][0], pad[1][0]
    C = np.zeros((oh, ow, c_out, h, w_in, c_in), dtype=w.dtype)
    for y in range(oh):
        for x_ in range(ow):
            for i in range(kh):
                for j in range(kw):
                    r, c = y * sh - top + i * dh, x_ * sw - left + j * dw
                    if 0 <= r < h and 0 <= c < w_in:  # taps on padding vanish
                        C[y, x_, :, r, c, :] += w[i, j].T
    return C.reshape(oh * ow * c_out, h * w_in * c_in)
