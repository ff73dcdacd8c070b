"""PyTorch's resize arithmetic, step by step (convention ``torch``).

Matches PyTorch 2.13.0's CPU build (x86-64) for
``torch.nn.functional.interpolate(x, size=...)`` on a contiguous NCHW tensor:
``aten/src/ATen/native/UpSample.h`` (``area_pixel_compute_scale``,
``area_pixel_compute_source_index``, ``nearest_idx``,
``nearest_neighbor_exact_compute_source_index``) as compiled into
``aten/src/ATen/native/cpu/UpSampleKernel.cpp``. The steps:

- op-math type ``ct``: float64 for float64 data, float32 otherwise;
- scale ``in/out`` (``(in - 1)/(out - 1)`` with ``align_corners``, 0 for a
  single output) in ``ct``;
- linear and cubic: ``src = scale (dst + 0.5) - 0.5`` as one fused
  multiply-add (the AVX2/AVX-512 build rounds it once, :func:`fma`), or
  ``scale dst`` with ``align_corners``; bilinear clamps ``src`` at 0;
  ``i0 = min(floor(src), in - 1)``, ``t = clamp(src - i0, 0, 1)``;
- bilinear weights ``1 - t`` and ``t``, the second tap ``min(i0 + 1, in - 1)``;
  bicubic: Keys ``a = -0.75`` evaluated in ``ct`` at ``t + 1, t, 1 - t, 2 - t``,
  taps ``i0 - 1 .. i0 + 2`` clamped to the border (replicate);
- nearest: ``floor(dst scale)`` (``nearest``) or ``floor(scale (dst + 0.5))``
  (``nearest-exact``) rounded to float32 before the floor. Which scale depends
  on the kernel PyTorch picks (:func:`uses_channels_last_kernel`): the
  channels-last kernel takes a float32 scale, the generic one ``ct``.

:func:`taps` is the per-pixel transcription (for
:func:`companion.resize.resize_naive`), :func:`tap_arrays` the same steps for a
whole axis at once (for :func:`companion.resize.resize`).
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np

from .kernels import CUBIC_A

#: The pip package and version whose arithmetic this module reproduces
#: (``tests/test_resize_libraries.py`` checks it against requirements.txt).
MATCHES = ("torch", "2.13.0")
_F32 = np.float32


def uses_channels_last_kernel(c, h, w, oh, ow) -> bool:
    """Whether ``F.interpolate`` on a contiguous NCHW tensor runs PyTorch's
    channels-last CPU kernel (``_use_vectorized_kernel_cond_2d``), whose nearest
    indices use a float32 scale, rather than the generic one (op-math scale).

    Examples
    --------
    >>> uses_channels_last_kernel(3, 32, 32, 64, 64), uses_channels_last_kernel(
    ...     3, 32, 32, 64, 65)
    (True, False)
    """
    return oh + ow <= 128 or (c > 3 and h * w == 1)


def _scale(n_in, n_out, align_corners, ct):
    """``area_pixel_compute_scale`` in the op-math type ``ct``."""
    if align_corners:
        return ct(n_in - 1) / ct(n_out - 1) if n_out > 1 else ct(0)
    return ct(n_in) / ct(n_out)


def fma(a, b, c, ct):
    """``a*b + c`` rounded once to ``ct``: the fused multiply-add that PyTorch's
    AVX2/AVX-512 CPU kernels compile ``scale * (dst + 0.5) - 0.5`` into.

    Examples
    --------
    Output 1 of 3 from 1 input pixel: ``src = (1/3) * 1.5 - 0.5``. Rounded
    once, the double nearest 1/3 leaves a tiny negative remainder; rounding
    the product first gives exactly 0.

    >>> scale = np.float64(1) / np.float64(3)
    >>> float(fma(scale, 1.5, -0.5, np.float64)), float(scale * 1.5 - 0.5)
    (-2.7755575615628914e-17, 0.0)
    """
    b = np.asarray(b, dtype=ct)
    if ct is _F32:  # a float32 product is exact in float64
        return (np.float64(a) * b.astype(np.float64) + np.float64(c)).astype(_F32)
    fa, fc = Fraction(float(a)), Fraction(float(c))
    exact = [float(fa * Fraction(float(v)) + fc) for v in b.ravel()]
    return np.array(exact, dtype=np.float64).reshape(b.shape)


def taps(dst, n_in, n_out, method, align_corners, ct, channels_last=False):
    """Input ``(index, weight)`` pairs that make output ``dst`` along one axis.

    One scalar at a time, in PyTorch's steps (module docstring); ``ct`` is the
    op-math type and ``channels_last`` says which nearest kernel runs
    (:func:`uses_channels_last_kernel`).

    Examples
    --------
    >>> taps(1, 2, 4, "bilinear", False, np.float64)
    [(0, 0.75), (1, 0.25)]
    """
    last = n_in - 1

    def clamp(i):
        return min(max(int(i), 0), last)

    if method.startswith("nearest"):
        if channels_last:  # channels-last kernel: float32 scale
            scale = _F32(n_in) / _F32(n_out)
            v = (_F32(dst) * scale if method == "nearest"
                 else _F32((dst + 0.5) * float(scale)))
        else:  # generic kernel: op-math scale, then floorf
            scale = ct(n_in) / ct(n_out)
            if method == "nearest":
                v = _F32(ct(dst) * scale)
            else:
                src = fma(scale, ct(dst) + ct(0.5), -0.5, ct)
                v = _F32(float(src) + 0.5)
        return [(clamp(math.floor(v)), 1.0)]
    scale = _scale(n_in, n_out, align_corners, ct)
    if align_corners:
        src = scale * ct(dst)
    else:
        src = ct(fma(scale, ct(dst) + ct(0.5), -0.5, ct))
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


def tap_arrays(n_in, n_out, method, align_corners, ct, channels_last=False):
    """:func:`taps` for every output index: indices and weights ``(n_out, k)``.

    Examples
    --------
    ``src = -0.25, 0.25, 0.75, 1.25``; bilinear clamps it at 0 and takes
    ``i0 = min(floor(src), 1)``, the second tap clamped to the last pixel.

    >>> idx, w = tap_arrays(2, 4, "bilinear", False, np.float64)
    >>> idx.tolist()
    [[0, 1], [0, 1], [0, 1], [1, 1]]
    >>> w.tolist()
    [[1.0, 0.0], [0.75, 0.25], [0.25, 0.75], [0.75, 0.25]]
    """
    last = n_in - 1
    dst = np.arange(n_out)
    if method.startswith("nearest"):
        if channels_last:
            scale = _F32(n_in) / _F32(n_out)
            v = (dst.astype(_F32) * scale if method == "nearest"
                 else ((dst + 0.5) * float(scale)).astype(_F32))
        else:
            scale = ct(n_in) / ct(n_out)
            if method == "nearest":
                v = (dst.astype(ct) * scale).astype(_F32)
            else:
                src = fma(scale, dst.astype(ct) + ct(0.5), -0.5, ct)
                v = (src.astype(np.float64) + 0.5).astype(_F32)
        i = np.floor(v)
        return np.clip(i, 0, last).astype(np.intp)[:, None], np.ones((n_out, 1))
    scale = _scale(n_in, n_out, align_corners, ct)
    d = dst.astype(ct)
    src = scale * d if align_corners else fma(scale, d + ct(0.5), -0.5, ct)
    if method == "bilinear":
        src = np.maximum(src, ct(0))
    i0 = np.minimum(np.floor(src), last)
    t = np.clip(src - i0, ct(0), ct(1))
    i0 = i0.astype(np.intp)
    if method == "bilinear":
        idx = np.stack([i0, np.minimum(i0 + 1, last)], axis=1)
        return idx, np.stack([1 - t, t], axis=1).astype(np.float64)
    a = ct(CUBIC_A["torch"])
    far = [((a * x - 5 * a) * x + 8 * a) * x - 4 * a for x in (t + 1, 2 - t)]
    near = [((a + 2) * x - (a + 3)) * x * x + 1 for x in (t, 1 - t)]
    w = np.stack([far[0], near[0], near[1], far[1]], axis=1)
    idx = np.clip(i0[:, None] + np.arange(-1, 3), 0, last)
    return idx, w.astype(np.float64)
