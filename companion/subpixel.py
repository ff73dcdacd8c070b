"""Pixel shuffle, the rearrangement of sub-pixel convolution (chapter 3).

A stride-1 convolution with ``C * r * r`` output channels followed by a pixel
shuffle upsamples by ``r`` (Shi et al., "Real-time single image and video
super-resolution using an efficient sub-pixel convolutional neural network",
2016). The shuffle moves each group of ``r * r`` channels into an ``r x r``
block of pixels. TensorFlow and PyTorch group the channels differently:

* ``"tf"`` (``tf.nn.depth_to_space``, NHWC):
  ``out[b, h*r + i, w*r + j, c] = in[b, h, w, (i*r + j)*C + c]``
  (the block position is the slow index, the channel the fast one);
* ``"torch"`` (``nn.PixelShuffle``, NCHW):
  ``out[n, c, h*r + i, w*r + j] = in[n, c*r*r + i*r + j, h, w]``
  (the channel is the slow index), here applied to NHWC data.

They agree when ``C = 1`` and differ otherwise; transposing NHWC to NCHW does
not fix that, permuting the channels with :func:`shuffle_permutation` does.
Both functions take ``(n, h, w, c)`` or a single image ``(h, w, c)``.
"""

from __future__ import annotations

import numpy as np

from ._validate import check_array, check_choice, check_int

__all__ = ["pixel_shuffle", "pixel_unshuffle", "shuffle_permutation"]

ORDERS = ("tf", "torch")


def _as_batch(x) -> tuple[np.ndarray, bool]:
    x = check_array(x, "x", ndim=(3, 4))
    return (x[None], True) if x.ndim == 3 else (x, False)


def pixel_shuffle(x, r, order="tf"):
    """Move channels into ``r x r`` pixel blocks: depth to space.

    Parameters
    ----------
    x : ndarray of shape ``(n, h, w, C*r*r)`` or ``(h, w, C*r*r)``
    r : int
        Upscale factor (``block_size`` in TensorFlow).
    order : {"tf", "torch"}
        ``"tf"``: ``out[b, h*r+i, w*r+j, c] = x[b, h, w, (i*r + j)*C + c]``,
        as ``tf.nn.depth_to_space``. ``"torch"``:
        ``out[b, h*r+i, w*r+j, c] = x[b, h, w, c*r*r + i*r + j]``, as
        ``torch.nn.functional.pixel_shuffle`` on the NCHW transpose.

    Returns
    -------
    ndarray of shape ``(n, h*r, w*r, C)`` (or ``(h*r, w*r, C)``)
        Same dtype; a pure rearrangement (chapter 3). Inverse:
        :func:`pixel_unshuffle`.

    Examples
    --------
    Four channels of one pixel fill a 2 x 2 block, row by row:

    >>> pixel_shuffle(np.arange(4.0).reshape(1, 1, 1, 4), 2)[0, :, :, 0]
    array([[0., 1.],
           [2., 3.]])
    """
    x4, squeeze = _as_batch(x)
    r = check_int(r, "r", minimum=1)
    order = check_choice(order, "order", ORDERS)
    n, h, w, depth = x4.shape
    if depth % (r * r):
        raise ValueError(
            f"the channels of x ({depth}) must be divisible by r*r = {r * r}; "
            f"a pixel shuffle by r={r} needs C*r*r input channels")
    c = depth // (r * r)
    if order == "tf":
        blocks = x4.reshape(n, h, w, r, r, c).transpose(0, 1, 3, 2, 4, 5)
    else:
        blocks = x4.reshape(n, h, w, c, r, r).transpose(0, 1, 4, 2, 5, 3)
    out = blocks.reshape(n, h * r, w * r, c)
    return out[0] if squeeze else out


def pixel_unshuffle(x, r, order="tf"):
    """Move ``r x r`` pixel blocks into channels: space to depth.

    Parameters
    ----------
    x : ndarray of shape ``(n, h*r, w*r, C)`` or ``(h*r, w*r, C)``
    r : int
        Downscale factor; must divide the height and the width.
    order : {"tf", "torch"}
        Channel order of the result, as in :func:`pixel_shuffle`
        (``tf.nn.space_to_depth`` or ``torch.nn.functional.pixel_unshuffle``).

    Returns
    -------
    ndarray of shape ``(n, h, w, C*r*r)``
        ``pixel_shuffle(pixel_unshuffle(x, r, order), r, order) == x``.

    Examples
    --------
    >>> pixel_unshuffle(np.arange(4.0).reshape(1, 2, 2, 1), 2)[0, 0, 0]
    array([0., 1., 2., 3.])
    """
    x4, squeeze = _as_batch(x)
    r = check_int(r, "r", minimum=1)
    order = check_choice(order, "order", ORDERS)
    n, hr, wr, c = x4.shape
    if hr % r or wr % r:
        raise ValueError(
            f"the height and width of x ({hr}, {wr}) must be divisible by r={r}")
    h, w = hr // r, wr // r
    blocks = x4.reshape(n, h, r, w, r, c)
    if order == "tf":
        blocks = blocks.transpose(0, 1, 3, 2, 4, 5)   # (n, h, w, i, j, c)
    else:
        blocks = blocks.transpose(0, 1, 3, 5, 2, 4)   # (n, h, w, c, i, j)
    out = blocks.reshape(n, h, w, c * r * r)
    return out[0] if squeeze else out


def shuffle_permutation(channels_out, r, src="tf", dst="torch"):
    """Channel permutation that makes a ``dst``-order shuffle equal a ``src`` one.

    ``pixel_shuffle(x[..., p], r, order=dst) == pixel_shuffle(x, r, order=src)``
    for ``p = shuffle_permutation(C, r, src, dst)``. Use it to port the weights
    of the convolution before a pixel shuffle between Keras and PyTorch: permute
    the output channels of the kernel (and bias) with ``p``.

    Parameters
    ----------
    channels_out : int
        ``C``, the channels *after* the shuffle.
    r : int
    src, dst : {"tf", "torch"}

    Returns
    -------
    ndarray of int, shape ``(C*r*r,)``
        For ``src="tf", dst="torch"``:
        ``p[c*r*r + i*r + j] = (i*r + j)*C + c``; the reverse direction is its
        inverse and equal orders give the identity (chapter 3).

    Examples
    --------
    >>> shuffle_permutation(2, 2)
    array([0, 2, 4, 6, 1, 3, 5, 7])
    """
    c = check_int(channels_out, "channels_out", minimum=1)
    r = check_int(r, "r", minimum=1)
    src = check_choice(src, "src", ORDERS)
    dst = check_choice(dst, "dst", ORDERS)
    tf_to_torch = np.array([(i * r + j) * c + k for k in range(c)
                            for i in range(r) for j in range(r)])
    if src == dst:
        return np.arange(c * r * r)
    if src == "tf":
        return tf_to_torch
    return np.argsort(tf_to_torch)
