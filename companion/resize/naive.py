"""Naive resizing: one output pixel at a time, as the formula reads.

:func:`resize_naive` loops over the output; :func:`_taps` transcribes each
library's per-pixel formula. The fast twin is :mod:`companion.resize.fast`.
"""

from __future__ import annotations

import math

import numpy as np

from .._validate import as_pair
from .coords import (
    _as_batch,
    _check_method,
    _fma,
    _tf_scale,
    _torch_scale,
    _torch_vectorised,
)
from .kernels import _F32, _TABLE_SIZE, CUBIC_A, _tf_cubic_table


def _taps(dst, n_in, n_out, method, convention, align_corners, ct,
          torch_vec=False):
    """Input indices and weights that make output ``dst`` along one axis.

    A direct transcription of each library's per-pixel formula, one scalar at
    a time (``ct`` is PyTorch's op-math type). The vectorised twin is
    :func:`companion.resize.fast._tap_arrays`.
    """
    last = n_in - 1

    def clamp(i):
        return min(max(int(i), 0), last)

    if convention in ("tf", "tf1"):
        scale = _tf_scale(n_in, n_out, align_corners)
        if convention == "tf":
            src = (_F32(dst) + _F32(0.5)) * scale - _F32(0.5)
        else:
            src = _F32(dst) * scale
        if method == "nearest":
            if convention == "tf":  # floor((dst + 0.5) * scale)
                return [(clamp(math.floor((_F32(dst) + _F32(0.5)) * scale)), 1.0)]
            i = math.floor(src)
            if align_corners and src - i >= 0.5:  # roundf: half away from 0
                i += 1
            return [(clamp(i), 1.0)]
        lo = math.floor(src)
        frac = _F32(src - _F32(lo))
        if method == "bilinear":
            return [(clamp(lo), 1.0 - float(frac)),
                    (clamp(math.ceil(src)), float(frac))]
        table = _tf_cubic_table(CUBIC_A[convention])
        k = int(np.rint(frac * _F32(_TABLE_SIZE)))
        w = [table[k, 1], table[k, 0],
             table[_TABLE_SIZE - k, 0], table[_TABLE_SIZE - k, 1]]
        idx = [lo - 1, lo, lo + 1, lo + 2]
        if convention == "tf":  # outside taps weigh 0, renormalise in float32
            w = [wk if 0 <= i <= last else _F32(0) for wk, i in zip(w, idx)]
            total = _F32(_F32(_F32(w[0] + w[1]) + w[2]) + w[3])
            inv = _F32(1) / total
            w = [_F32(wk * inv) for wk in w]
        return [(clamp(i), float(wk)) for i, wk in zip(idx, w)]

    if convention == "torch":
        if method.startswith("nearest"):
            if torch_vec:  # channels-last kernel: float32 scale
                scale = _F32(n_in) / _F32(n_out)
                v = (_F32(dst) * scale if method == "nearest"
                     else _F32((dst + 0.5) * float(scale)))
            else:  # generic kernel: op-math scale, then floorf
                scale = ct(n_in) / ct(n_out)
                if method == "nearest":
                    v = _F32(ct(dst) * scale)
                else:
                    src = _fma(scale, ct(dst) + ct(0.5), -0.5, ct)
                    v = _F32(float(src) + 0.5)
            return [(clamp(math.floor(v)), 1.0)]
        scale = _torch_scale(n_in, n_out, align_corners, ct)
        if align_corners:
            src = scale * ct(dst)
        else:
            src = ct(_fma(scale, ct(dst) + ct(0.5), -0.5, ct))
        if method == "bilinear":
            src = max(src, ct(0))
        i0 = min(math.floor(src), last)
        t = min(max(src - ct(i0), ct(0)), ct(1))
        if method == "bilinear":
            return [(i0, float(ct(1) - t)), (min(i0 + 1, last), float(t))]
        a = ct(CUBIC_A["torch"])
        w = [((a * x - 5 * a) * x + 8 * a) * x - 4 * a if far
             else ((a + 2) * x - (a + 3)) * x * x + 1
             for x, far in ((t + 1, True), (t, False), (1 - t, False),
                            (2 - t, True))]
        return [(clamp(i0 - 1 + j), float(w[j])) for j in range(4)]

    # opencv
    if method == "nearest":
        inv_scale = n_out / n_in  # cv::resize's inv_scale_x, a double
        return [(clamp(math.floor(dst * (1.0 / inv_scale))), 1.0)]
    if method == "nearest-exact":  # OpenCV 5: Pillow's running double sum
        step = n_in / n_out
        pos = 0.5 * step
        for _ in range(dst):
            pos += step
        return [(clamp(int(pos)), 1.0)]
    fx = _F32((dst + 0.5) * (1.0 / (n_out / n_in)) - 0.5)
    sx = math.floor(fx)
    fx = _F32(fx - _F32(sx))
    if method == "bilinear":
        if sx < 0:
            sx, fx = 0, _F32(0)
        if sx >= last:
            sx, fx = last, _F32(0)
        return [(sx, float(_F32(1) - fx)), (clamp(sx + 1), float(fx))]
    a, one = _F32(CUBIC_A["opencv"]), _F32(1)
    w0 = ((a * (fx + one) - 5 * a) * (fx + one) + 8 * a) * (fx + one) - 4 * a
    w1 = ((a + 2) * fx - (a + 3)) * fx * fx + one
    w2 = ((a + 2) * (one - fx) - (a + 3)) * (one - fx) * (one - fx) + one
    w3 = one - w0 - w1 - w2
    return [(clamp(sx - 1 + j), float(_F32(w))) for j, w in
            enumerate((w0, w1, w2, w3))]


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
    x4, squeeze = _as_batch(x)
    size = as_pair(size, "size", minimum=1)
    method, convention, align_corners = _check_method(method, convention,
                                                      align_corners)
    ct = np.float64 if x4.dtype == np.float64 else _F32
    (h, w), (oh, ow) = x4.shape[1:3], size
    vec = _torch_vectorised(x4.shape[3], h, w, oh, ow)
    args = (method, convention, align_corners, ct, vec)
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
