"""Naive resizing: one output pixel at a time, as the formula reads.

:func:`resize_naive` loops over the output; for each output index it asks the
per-pixel ``taps`` of the convention's library (``like_tensorflow``,
``like_torch``, ``like_opencv``) which inputs to read. The fast twin is
:mod:`companion.resize.fast`.
"""

from __future__ import annotations

import numpy as np

from .._validate import as_pair
from . import like_opencv, like_tensorflow, like_torch
from .coords import as_batch, check_method


def _taps(dst, n_in, n_out, method, convention, align_corners, ct,
          channels_last=False):
    """Input ``(index, weight)`` pairs that make output ``dst`` along one axis,
    in the arithmetic of ``convention``'s library (``ct``: PyTorch's op-math
    type; ``channels_last``: which PyTorch nearest kernel runs)."""
    if convention in ("tf", "tf1"):
        return like_tensorflow.taps(dst, n_in, n_out, method, convention,
                                    align_corners)
    if convention == "torch":
        return like_torch.taps(dst, n_in, n_out, method, align_corners, ct,
                               channels_last)
    return like_opencv.taps(dst, n_in, n_out, method)


def resize_naive(x, size, method, *, convention="tf", align_corners=False):
    """Resize ``x`` one output pixel at a time; the readable twin of :func:`resize`.

    For every output pixel ``(i, j)`` it asks each axis for its input taps
    ``(index, weight)`` and sums ``weight_y * weight_x * x[:, index_y, index_x]``
    over the taps, exactly as the interpolation formula reads. Same parameters,
    result and conventions as :func:`resize`; slow (a Python loop over the
    output), for tests and for the chapter.

    Examples
    --------
    Upscaling 2 -> 3 samples ``src = (d + 0.5) * 2/3 - 0.5 = -1/6, 1/2, 7/6``,
    clamped to ``0, 1/2, 1``:

    >>> x = np.arange(4.0).reshape(1, 2, 2, 1)
    >>> resize_naive(x, (3, 3), "bilinear")[0, :, :, 0]
    array([[0. , 0.5, 1. ],
           [1. , 1.5, 2. ],
           [2. , 2.5, 3. ]])
    """
    x4, squeeze = as_batch(x)
    size = as_pair(size, "size", minimum=1)
    method, convention, align_corners = check_method(method, convention,
                                                     align_corners)
    ct = np.float64 if x4.dtype == np.float64 else np.float32
    (h, w), (oh, ow) = x4.shape[1:3], size
    channels_last = like_torch.uses_channels_last_kernel(x4.shape[3], h, w, oh, ow)
    args = (method, convention, align_corners, ct, channels_last)
    cols = [_taps(j, w, ow, *args) for j in range(ow)]
    out = np.zeros((x4.shape[0], oh, ow, x4.shape[3]), dtype=np.float64)
    for i in range(oh):
        rows = _taps(i, h, oh, *args)
        for j in range(ow):
            for iy, wy in rows:
                for ix, wx in cols[j]:
                    out[:, i, j, :] += wy * wx * x4[:, iy, ix, :]
    out = out.astype(x4.dtype)
    return out[0] if squeeze else out
