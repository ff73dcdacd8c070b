"""Measuring checkerboard artifacts (chapter 3, "Upsampling methods").

Odena, Dumoulin and Olah ("Deconvolution and checkerboard artifacts", Distill,
2016) trace the checkerboard of strided transposed convolutions to *uneven
overlap*: with kernel ``k`` and stride ``s``, the kernel copies scattered by
neighbouring input pixels overlap ``ceil(k/s)`` or ``floor(k/s)`` times,
depending on the output pixel, whenever ``s`` does not divide ``k``.

* :func:`overlap_count` counts, for every output pixel of a transposed
  convolution, how many (input pixel, kernel tap) pairs land on it: the
  output of a transposed convolution of an all-ones image with an all-ones
  kernel, computed here with a plain scatter (no convolution code).
* :func:`artifact_score` is the simple number the chapter uses to compare
  upsampling layers: feed a constant image, and measure how far the interior
  of the output is from constant (its standard deviation divided by its mean
  absolute value). A layer whose every output pixel sees the same weights
  scores 0; a checkerboard scores above 0.
"""

from __future__ import annotations

import numpy as np

from ._validate import as_pair, check_array, check_int

__all__ = ["overlap_count_1d", "overlap_count", "artifact_score"]


def overlap_count_1d(size, kernel, stride, padding=0):
    """Kernel taps landing on each output position of a 1-D transposed conv.

    Parameters
    ----------
    size : int
        Input length ``h``.
    kernel, stride : int
        Kernel length ``k`` and stride ``s``.
    padding : int
        PyTorch's meaning: ``padding`` positions are cropped from each end of
        the full output of length ``(h - 1)s + k``.

    Returns
    -------
    int64 ndarray of shape ``((h - 1)s + k - 2 padding,)``
        ``count[j]`` = number of pairs ``(i, m)`` with ``i s + m = j + padding``.
        Away from the ends it alternates between ``ceil(k/s)`` and
        ``floor(k/s)`` (constant when ``s`` divides ``k``). The 2-D sibling is
        :func:`overlap_count`.

    Examples
    --------
    >>> overlap_count_1d(4, 3, 2)
    array([1, 1, 2, 1, 2, 1, 2, 1, 1])
    >>> overlap_count_1d(4, 4, 2, padding=1)
    array([1, 2, 2, 2, 2, 2, 2, 1])
    """
    size = check_int(size, "size", minimum=1)
    kernel = check_int(kernel, "kernel", minimum=1)
    stride = check_int(stride, "stride", minimum=1)
    full = (size - 1) * stride + kernel
    padding = check_int(padding, "padding", minimum=0)
    if 2 * padding >= full:
        raise ValueError(
            f"padding must crop less than the full output of length {full} "
            f"(2 * padding < {full}), got padding={padding}")
    count = np.zeros(full, dtype=np.int64)
    taps = (np.arange(size)[:, None] * stride + np.arange(kernel)).ravel()
    np.add.at(count, taps, 1)
    return count[padding:full - padding]


def overlap_count(size, kernel, stride, padding=0):
    """Overlap-count map of a 2-D transposed convolution (Odena et al.).

    Parameters
    ----------
    size, kernel, stride, padding : int or ``(vertical, horizontal)``
        Input size, kernel size, stride and (PyTorch) padding per axis.

    Returns
    -------
    int64 ndarray of shape ``(oh, ow)``
        ``count[y, x]`` = number of (input pixel, kernel tap) pairs whose
        contribution lands on output pixel ``(y, x)``; the outer product of the
        two axes' :func:`overlap_count_1d`. It equals the transposed
        convolution of an all-ones image with an all-ones kernel. An uneven
        interior is a checkerboard waiting to happen.

    Examples
    --------
    >>> overlap_count(3, 3, 2, padding=1)
    array([[1, 2, 1, 2, 1],
           [2, 4, 2, 4, 2],
           [1, 2, 1, 2, 1],
           [2, 4, 2, 4, 2],
           [1, 2, 1, 2, 1]])
    """
    sizes = as_pair(size, "size", minimum=1)
    kernels = as_pair(kernel, "kernel", minimum=1)
    strides = as_pair(stride, "stride", minimum=1)
    pads = as_pair(padding, "padding", minimum=0)
    rows, cols = (overlap_count_1d(sizes[a], kernels[a], strides[a], pads[a])
                  for a in range(2))
    return np.outer(rows, cols)


def artifact_score(y, border=0):
    """How far an upsampled constant image is from constant: 0 means none.

    Parameters
    ----------
    y : ndarray of shape ``(h, w)``, ``(h, w, c)`` or ``(n, h, w, c)``
        The output of an upsampling layer (or network) fed a constant image.
    border : int
        Pixels to ignore along each edge, where zero padding legitimately
        changes the output.

    Returns
    -------
    float
        For each ``(n, c)`` plane, the standard deviation of the interior
        divided by its mean absolute value; the mean over planes. A
        checkerboard gives a positive score; an output that is constant away
        from the border gives 0 (to rounding). Chapter 3 compares transposed
        convolutions, resize-convolution and pixel shuffle with it; see
        :func:`overlap_count` for the cause.

    Raises
    ------
    ValueError
        If the border leaves no interior, or a plane's interior is all zeros
        (a dead ReLU channel carries no information about artifacts).

    Examples
    --------
    >>> artifact_score(np.ones((6, 6)))
    0.0
    >>> round(artifact_score(np.tile([[1.0, 2.0], [2.0, 4.0]], (3, 3))), 4)
    0.4843
    """
    y = check_array(y, "y", ndim=(2, 3, 4))
    if y.ndim == 2:
        y = y[None, :, :, None]
    elif y.ndim == 3:
        y = y[None]
    border = check_int(border, "border", minimum=0)
    h, w = y.shape[1:3]
    if 2 * border >= min(h, w):
        raise ValueError(
            f"border={border} leaves no interior in an image of {h}x{w}; "
            f"use border < {min(h, w) / 2:g}")
    inner = y[:, border:h - border, border:w - border, :].astype(np.float64)
    scale = np.abs(inner).mean(axis=(1, 2))
    if np.any(scale == 0):
        raise ValueError(
            "y has a plane whose interior is all zeros; drop that channel "
            "(a dead ReLU) before scoring")
    spread = inner.std(axis=(1, 2))
    return float(np.mean(spread / scale))
