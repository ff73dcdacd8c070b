"""Upsampling layers built on resizing (chapter 3).

:func:`upsample_repeat` (Keras ``UpSampling2D``), :func:`bilinear_kernel` (a
transposed convolution that upsamples bilinearly) and :func:`resize_conv`
(resize, then convolve).
"""

from __future__ import annotations

import numpy as np

from .._validate import as_pair, check_array, check_int
from .coords import as_batch, check_method
from .fast import resize


def upsample_repeat(x, factor):
    """Nearest-neighbour upsampling by an integer factor: Keras ``UpSampling2D``.

    Parameters
    ----------
    x : ndarray of shape ``(n, h, w, c)`` or ``(h, w, c)``
    factor : int or (int, int)
        Repeats along height and width (``size`` of ``UpSampling2D``).

    Returns
    -------
    ndarray of shape ``(n, h*fh, w*fw, c)``
        ``out[:, i, j] = x[:, i // fh, j // fw]``; for integer factors every
        convention's nearest neighbour agrees with it (chapter 3).

    Examples
    --------
    >>> upsample_repeat(np.array([[1.0, 2.0]]).reshape(1, 1, 2, 1), 2)[0, :, :, 0]
    array([[1., 1., 2., 2.],
           [1., 1., 2., 2.]])
    """
    x4, squeeze = as_batch(x)
    fh, fw = as_pair(factor, "factor", minimum=1)
    out = np.repeat(np.repeat(x4, fh, axis=1), fw, axis=2)
    return out[0] if squeeze else out


def bilinear_kernel(channels, factor, dtype=np.float32):
    """Transposed-convolution kernel that performs bilinear upsampling.

    The initialisation of FCN (Long, Shelhamer and Darrell, 2015): kernel size
    ``k = 2*factor - factor % 2``, tent weights
    ``(1 - |i - centre|/f) (1 - |j - centre|/f)`` with ``centre = (k - 1)/2``,
    one copy per channel on the diagonal (channel ``c`` feeds only channel
    ``c``). ``conv_transpose2d(x, bilinear_kernel(c, f), stride=f,
    padding=f // 2)`` (or Keras ``padding="same"``) then equals
    ``resize(x, (h*f, w*f), "bilinear")`` (half-pixel, i.e. TF2 or PyTorch
    ``align_corners=False``) everywhere except a border of about ``f/2`` pixels,
    where the transposed convolution sees zeros instead of clamping.

    Parameters
    ----------
    channels : int
    factor : int
        Upsampling factor (the stride of the transposed convolution).
    dtype : numpy dtype

    Returns
    -------
    ndarray of shape ``(k, k, channels, channels)``
        Keras' transposed layout ``(kh, kw, c_out, c_in)`` (chapter 3).

    Examples
    --------
    >>> bilinear_kernel(1, 2)[:, :, 0, 0]
    array([[0.0625, 0.1875, 0.1875, 0.0625],
           [0.1875, 0.5625, 0.5625, 0.1875],
           [0.1875, 0.5625, 0.5625, 0.1875],
           [0.0625, 0.1875, 0.1875, 0.0625]], dtype=float32)
    """
    channels = check_int(channels, "channels", minimum=1)
    factor = check_int(factor, "factor", minimum=1)
    k = 2 * factor - factor % 2
    centre = (k - 1) / 2
    tent = 1 - np.abs(np.arange(k) - centre) / factor
    kernel = np.zeros((k, k, channels, channels), dtype=dtype)
    kernel[:, :, np.arange(channels), np.arange(channels)] = \
        np.outer(tent, tent)[:, :, None]
    return kernel


def resize_conv(x, w, factor, method="nearest", *, padding="same", b=None,
                convention="tf"):
    """Resize, then convolve: the checkerboard-free upsampling layer.

    Odena, Dumoulin and Olah, "Deconvolution and checkerboard artifacts"
    (Distill, 2016): instead of a strided transposed convolution, upsample by
    ``factor`` with :func:`resize` and apply an ordinary stride-1 convolution.
    Every output pixel then sees the same number of kernel taps.

    Parameters
    ----------
    x : ndarray of shape ``(n, h, w, c_in)``
    w : ndarray of shape ``(kh, kw, c_in, c_out)``
        Convolution kernel (HWIO).
    factor : int or (int, int)
        Integer upsampling factor.
    method : {"nearest", "bilinear", "bicubic"}
        Resizing method (``convention`` picks whose, default TF2).
    padding : "same", "valid" or int
        Passed to :func:`companion.conv.conv2d`.
    b : ndarray of shape ``(c_out,)``, optional
        Bias.

    Returns
    -------
    ndarray of shape ``(n, h*fh, w*fw, c_out)`` with ``padding="same"``
        ``conv2d(resize(x, (h*fh, w*fw), method), w, b, padding=padding)``
        (chapter 3, "Upsampling methods").

    Examples
    --------
    >>> x = np.ones((1, 2, 2, 1))
    >>> k = np.full((3, 3, 1, 1), 1.0)
    >>> resize_conv(x, k, 2)[0, :, :, 0]
    array([[4., 6., 6., 4.],
           [6., 9., 9., 6.],
           [6., 9., 9., 6.],
           [4., 6., 6., 4.]])
    """
    from ..conv import conv2d

    x4 = check_array(x, "x", ndim=4)
    fh, fw = as_pair(factor, "factor", minimum=1)
    h, wd = x4.shape[1:3]
    if method == "nearest":
        check_method(method, convention, False)
        up = upsample_repeat(x4, (fh, fw))
    else:
        up = resize(x4, (h * fh, wd * fw), method, convention=convention)
    return conv2d(up, w, b, padding=padding)
