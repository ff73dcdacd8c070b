"""Max and average pooling, and the two "inverses" of chapter 3, channels-last.

Pooling follows TensorFlow: padded cells are never counted. Max pooling treats
them as ``-inf``; average pooling divides by the number of real cells in the
window (PyTorch's ``count_include_pad=False``; its default ``True`` differs).
Output size as for a convolution: ``floor((h + top + bottom - k) / s) + 1``,
or ``ceil(h / s)`` for ``"same"`` (:func:`companion.shapes.conv_output_size`).

Index convention (``return_indices=True``): the position of each maximum is
``y * W + x`` inside its own ``(n, c)`` plane of the input, as in PyTorch, in
an int64 array shaped like the output. Ties go to the first maximum in the
window's row-major order. :func:`indices_to_tf` and :func:`indices_from_tf`
convert to and from ``tf.nn.max_pool_with_argmax``; :func:`indices_to_torch`
and :func:`indices_from_torch` only change the layout.

Unpooling (chapter 3): :func:`max_unpool2d` puts each value back where its
maximum came from (zeros elsewhere); :func:`avg_unpool2d` repeats each value
over its window (the "unsampling" of the source article, Keras'
``UpSampling2D``).
"""

from __future__ import annotations

import numpy as np

from ._validate import as_pair, check_array, check_bool, check_nonempty
from .conv import pad2d
from .layouts import nchw_to_nhwc, nhwc_to_nchw
from .shapes import conv_output_size, resolve_padding2d


def _prepare(x, pool_size, stride, padding):
    """Validate a pooling call; return ``x, pool, stride, pad, out_hw``."""
    x = check_array(x, "x", ndim=4)
    check_nonempty(x, "x", axes=(1, 2, 3))
    pool = as_pair(pool_size, "pool_size", minimum=1)
    stride = pool if stride is None else as_pair(stride, "stride", minimum=1)
    pad = resolve_padding2d(padding, x.shape[1:3], pool, stride, (1, 1))
    for axis in range(2):
        if max(pad[axis]) >= pool[axis]:
            raise ValueError(
                f"padding {pad[axis]} must be smaller than pool_size "
                f"{pool[axis]} on each side, so that every window holds a real"
                " value; use less padding")
        padded = x.shape[1 + axis] + sum(pad[axis])
        if pool[axis] > padded:
            raise ValueError(
                f"pool_size {pool} is larger than the padded input along axis "
                f"{1 + axis}: {pool[axis]} > {padded} (x's size "
                f"{x.shape[1 + axis]} + padding {pad[axis][0]} + {pad[axis][1]});"
                " use a smaller pool_size or pad more")
    out_hw = tuple(conv_output_size(x.shape[1 + a], pool[a], stride[a], pad[a])
                   for a in range(2))
    return x, pool, stride, pad, out_hw


def _window_bounds(y, x, pool, stride, pad, size):
    """Rows ``r0:r1`` and columns ``c0:c1`` of window ``(y, x)``, clipped."""
    r0 = y * stride[0] - pad[0][0]
    c0 = x * stride[1] - pad[1][0]
    return (max(r0, 0), min(r0 + pool[0], size[0]),
            max(c0, 0), min(c0 + pool[1], size[1]))


def max_pool2d_naive(x, pool_size, stride=None, padding="valid",
                     return_indices=False):
    """Max pooling as a loop over output pixels (reference for :func:`max_pool2d`).

    ``out[n, y, x, c] = max`` of the real cells of window ``(y, x)``; padded
    cells are skipped, which is TensorFlow's ``-inf`` padding. Same parameters
    and results as :func:`max_pool2d`, its fast sibling. Chapter 1.

    Examples
    --------
    >>> x = np.array([[1., 3., 2.], [4., 0., 5.], [6., 8., 7.]])[None, :, :, None]
    >>> max_pool2d_naive(x, 2, padding="same")[0, :, :, 0]
    array([[4., 5.],
           [8., 7.]])
    """
    x, pool, stride, pad, (oh, ow) = _prepare(x, pool_size, stride, padding)
    return_indices = check_bool(return_indices, "return_indices")
    n, h, w, c = x.shape
    out = np.empty((n, oh, ow, c), dtype=x.dtype)
    indices = np.empty((n, oh, ow, c), dtype=np.int64)
    for y in range(oh):
        for x_ in range(ow):
            r0, r1, c0, c1 = _window_bounds(y, x_, pool, stride, pad, (h, w))
            window = x[:, r0:r1, c0:c1, :].reshape(n, -1, c)  # real cells only
            out[:, y, x_, :] = window.max(axis=1)
            first = window.argmax(axis=1)  # first maximum, row-major
            rows, cols = r0 + first // (c1 - c0), c0 + first % (c1 - c0)
            indices[:, y, x_, :] = rows * w + cols
    return (out, indices) if return_indices else out


def max_pool2d(x, pool_size, stride=None, padding="valid", return_indices=False):
    """Max pooling, vectorised over all windows, with TensorFlow's padding.

    Parameters
    ----------
    x : ndarray of shape ``(n, h, w, c)``, float32 or float64
    pool_size : int or ``(ph, pw)``
    stride : int or ``(sh, sw)``, optional
        Defaults to ``pool_size`` (non-overlapping windows).
    padding : ``"valid"``, ``"same"``, int, ``(ph, pw)`` or
        ``((top, bottom), (left, right))``; padded cells count as ``-inf``.
    return_indices : bool
        Also return the argmax positions, ``y * w + x`` per ``(n, c)`` plane
        (see the module docstring for the convention and converters).

    Returns
    -------
    out : ndarray of shape ``(n, oh, ow, c)``
        ``oh = floor((h + top + bottom - ph) / sh) + 1``.
    indices : int64 ndarray of shape ``(n, oh, ow, c)``, if ``return_indices``

    Notes
    -----
    One ``np.maximum`` per window offset ``(i, j)`` over every window at once;
    :func:`max_pool2d_naive` is the loop it must equal (chapter 1).

    Examples
    --------
    >>> x = np.arange(16.0).reshape(1, 4, 4, 1)
    >>> out, idx = max_pool2d(x, 2, return_indices=True)
    >>> out[0, :, :, 0], idx[0, :, :, 0]
    (array([[ 5.,  7.],
           [13., 15.]]), array([[ 5,  7],
           [13, 15]]))
    """
    x, pool, stride, pad, (oh, ow) = _prepare(x, pool_size, stride, padding)
    return_indices = check_bool(return_indices, "return_indices")
    xp = pad2d(x, pad, value=-np.inf)
    (sh, sw), (top, left) = stride, (pad[0][0], pad[1][0])
    best = None
    for i in range(pool[0]):
        for j in range(pool[1]):
            tap = xp[:, i:i + (oh - 1) * sh + 1:sh, j:j + (ow - 1) * sw + 1:sw]
            if best is None:
                best = tap.copy()
                if return_indices:  # offset i * pw + j of the maximum
                    offset = np.zeros(best.shape, dtype=np.int64)
            elif return_indices:
                better = tap > best  # strict: ties keep the first maximum
                offset[better] = i * pool[1] + j
                best[better] = tap[better]
            else:
                np.maximum(best, tap, out=best)
    if not return_indices:
        return best
    rows = (np.arange(oh) * sh - top)[:, None, None] + offset // pool[1]
    cols = (np.arange(ow) * sw - left)[None, :, None] + offset % pool[1]
    indices = rows * x.shape[2] + cols
    return best, indices


def avg_pool2d_naive(x, pool_size, stride=None, padding="valid"):
    """Average pooling as a loop (reference for :func:`avg_pool2d`).

    ``out[n, y, x, c] = mean`` of the real cells of window ``(y, x)``: padded
    cells are neither summed nor counted (TensorFlow). Chapter 1.

    Examples
    --------
    >>> x = np.ones((1, 3, 3, 1))
    >>> avg_pool2d_naive(x, 2, padding="same")[0, :, :, 0]  # no padded zeros
    array([[1., 1.],
           [1., 1.]])
    """
    x, pool, stride, pad, (oh, ow) = _prepare(x, pool_size, stride, padding)
    out = np.empty((x.shape[0], oh, ow, x.shape[3]), dtype=x.dtype)
    for y in range(oh):
        for x_ in range(ow):
            r0, r1, c0, c1 = _window_bounds(y, x_, pool, stride, pad,
                                            x.shape[1:3])
            out[:, y, x_, :] = x[:, r0:r1, c0:c1, :].mean(axis=(1, 2))
    return out


def avg_pool2d(x, pool_size, stride=None, padding="valid"):
    """Average pooling, vectorised, counting only real cells (TensorFlow).

    Same parameters and output size as :func:`max_pool2d`; padded cells add
    zero to the sum and are left out of the count, so the result equals
    PyTorch's ``avg_pool2d(..., count_include_pad=False)``, not its default.
    Sibling of :func:`avg_pool2d_naive` (chapter 1).

    Returns
    -------
    ndarray of shape ``(n, oh, ow, c)``

    Examples
    --------
    >>> avg_pool2d(np.ones((1, 3, 3, 1)), 2, padding="same")[0, :, :, 0]
    array([[1., 1.],
           [1., 1.]])
    """
    x, pool, stride, pad, (oh, ow) = _prepare(x, pool_size, stride, padding)
    xp = pad2d(x, pad)
    (sh, sw) = stride
    total = np.zeros((x.shape[0], oh, ow, x.shape[3]), dtype=x.dtype)
    for i in range(pool[0]):
        for j in range(pool[1]):
            total += xp[:, i:i + (oh - 1) * sh + 1:sh, j:j + (ow - 1) * sw + 1:sw]
    counts = []
    for axis, out in enumerate((oh, ow)):  # real cells per window, per axis
        start = np.arange(out) * stride[axis] - pad[axis][0]
        stop = np.minimum(start + pool[axis], x.shape[1 + axis])
        counts.append(stop - np.maximum(start, 0))
    count = np.multiply.outer(*counts).astype(x.dtype)
    return total / count[:, :, None]


def _check_indices(indices, like=None, name="indices"):
    """An integer array of 4 dimensions (of shape ``like`` if given)."""
    indices = check_array(indices, name, ndim=4, float_only=False)
    if not np.issubdtype(indices.dtype, np.integer):
        raise TypeError(f"{name} must be an integer array, got {indices.dtype}")
    if like is not None and indices.shape != like:
        raise ValueError(
            f"{name} must have the shape of the pooled output {like}, got "
            f"{indices.shape}")
    return indices


def _check_range(indices, limit, name="indices"):
    if indices.size and (indices.min() < 0 or indices.max() >= limit):
        raise ValueError(
            f"{name} must lie in [0, {limit}), got values from {indices.min()} "
            f"to {indices.max()}; were they made for another input size?")


def max_unpool2d(y, indices, output_size):
    """Max unpooling: each value goes back to its argmax, zeros elsewhere.

    Parameters
    ----------
    y : ndarray of shape ``(n, oh, ow, c)``
        Pooled values (or gradients).
    indices : int ndarray of shape ``(n, oh, ow, c)``
        From ``max_pool2d(..., return_indices=True)``: ``row * w + col`` per
        ``(n, c)`` plane.
    output_size : ``(h, w)``
        The size before pooling. It cannot be inferred when it was odd
        (PyTorch's ``MaxUnpool2d`` needs it too).

    Returns
    -------
    ndarray of shape ``(n, h, w, c)``

    Notes
    -----
    Overlapping windows can share an argmax; the value is written, not added
    (TensorFlow's ``tensor_scatter_nd_update``; ``scatter_nd`` would add).
    Zeiler and Fergus's "switches"; chapter 3. Its blind sibling is
    :func:`avg_unpool2d`.

    Examples
    --------
    >>> x = np.array([[1., 3.], [4., 2.]])[None, :, :, None]
    >>> out, idx = max_pool2d(x, 2, return_indices=True)
    >>> max_unpool2d(out, idx, (2, 2))[0, :, :, 0]
    array([[0., 0.],
           [4., 0.]])
    """
    y = check_array(y, "y", ndim=4)
    indices = _check_indices(indices, y.shape)
    h, w = as_pair(output_size, "output_size", minimum=1)
    _check_range(indices, h * w)
    n, _, _, c = y.shape
    out = np.zeros((n, h * w, c), dtype=y.dtype)
    batch = np.arange(n)[:, None, None, None]
    channel = np.arange(c)[None, None, None, :]
    out[batch, indices, channel] = y
    return out.reshape(n, h, w, c)


def avg_unpool2d(y, pool_size):
    """Repeat each value over its ``ph x pw`` window ("unsampling", chapter 3).

    Equal to Keras ``UpSampling2D(pool_size)`` (nearest) and PyTorch
    ``nn.Upsample(scale_factor=pool_size, mode="nearest")``. Unlike
    :func:`max_unpool2d` it needs no record of the maxima.

    Parameters
    ----------
    y : ndarray of shape ``(n, h, w, c)``
    pool_size : int or ``(ph, pw)``

    Returns
    -------
    ndarray of shape ``(n, h * ph, w * pw, c)``

    Examples
    --------
    >>> avg_unpool2d(np.array([[1., 2.]])[None, :, :, None], 2)[0, :, :, 0]
    array([[1., 1., 2., 2.],
           [1., 1., 2., 2.]])
    """
    y = check_array(y, "y", ndim=4)
    ph, pw = as_pair(pool_size, "pool_size", minimum=1)
    return np.repeat(np.repeat(y, ph, axis=1), pw, axis=2)


def indices_to_tf(indices, shape, include_batch=False):
    """Our argmax indices as ``tf.nn.max_pool_with_argmax`` returns them.

    TensorFlow flattens NHWC: ``(y * w + x) * c_total + c``, plus
    ``b * h * w * c_total`` with ``include_batch_in_index=True``.
    ``shape`` is the ``(n, h, w, c)`` shape of the pooled input.

    Examples
    --------
    >>> idx = np.array([[[[3, 1]]]])  # n=1, one window, 2 channels
    >>> indices_to_tf(idx, (1, 2, 2, 2))
    array([[[[6, 3]]]])
    """
    n, h, w, c = _check_shape(shape)
    include_batch = check_bool(include_batch, "include_batch")
    indices = _check_indices(indices)
    if indices.shape[0] != n or indices.shape[3] != c:
        raise ValueError(
            f"indices of shape {indices.shape} do not match input shape {shape}")
    _check_range(indices, h * w)
    out = indices * c + np.arange(c)
    if include_batch:
        out = out + (np.arange(n) * h * w * c)[:, None, None, None]
    return out


def indices_from_tf(indices, shape, include_batch=False):
    """Inverse of :func:`indices_to_tf`: ``(tf_index % (h*w*c)) // c``.

    Checks that each index belongs to its own channel (and batch element).

    Examples
    --------
    >>> indices_from_tf(np.array([[[[6, 3]]]]), (1, 2, 2, 2))
    array([[[[3, 1]]]])
    """
    n, h, w, c = _check_shape(shape)
    include_batch = check_bool(include_batch, "include_batch")
    indices = _check_indices(indices)
    _check_range(indices, (n if include_batch else 1) * h * w * c)
    plane = indices % (h * w * c)
    batch = indices // (h * w * c)
    expect_batch = np.arange(n)[:, None, None, None] if include_batch else 0
    if np.any(plane % c != np.arange(c)) or np.any(batch != expect_batch):
        raise ValueError(
            "indices do not fit this shape and include_batch setting: an "
            "index points at another channel or batch element; check shape "
            f"{tuple(shape)} and include_batch={include_batch}")
    return plane // c


def indices_to_torch(indices):
    """Our indices in PyTorch's NCHW layout (the values are the same).

    Examples
    --------
    >>> indices_to_torch(np.zeros((2, 3, 4, 5), np.int64)).shape
    (2, 5, 3, 4)
    """
    indices = check_array(indices, "indices", ndim=4, float_only=False)
    return nhwc_to_nchw(indices)


def indices_from_torch(indices):
    """PyTorch ``return_indices`` (NCHW) in our NHWC layout.

    Examples
    --------
    >>> indices_from_torch(np.zeros((2, 5, 3, 4), np.int64)).shape
    (2, 3, 4, 5)
    """
    indices = check_array(indices, "indices", ndim=4, float_only=False)
    return nchw_to_nhwc(indices)


def _check_shape(shape):
    """``shape`` as a tuple of four positive ints ``(n, h, w, c)``."""
    if not isinstance(shape, (tuple, list)) or len(shape) != 4:
        raise ValueError(f"shape must be a tuple (n, h, w, c), got {shape!r}")
    return as_pair(shape[:2], "shape", 1) + as_pair(shape[2:], "shape", 1)

