"""OpenCV's resize arithmetic, step by step (convention ``opencv``).

Matches OpenCV 5.0.0 (the wheel ``opencv-python-headless`` 5.0.0.93) for
``cv2.resize(x, (out_w, out_h), interpolation=...)`` on float data:
``modules/imgproc/src/resize.cpp``. The steps:

- ``INTER_NEAREST`` (``nearest``): ``floor(dst * (1 / inv_scale))`` in double
  precision, ``inv_scale = out/in`` (legacy coordinates);
- ``INTER_NEAREST_EXACT`` (``nearest-exact``): OpenCV 5 adds the step
  ``in/out`` up in double precision from ``step / 2``, as Pillow does, and
  truncates (OpenCV 4.x rounds a few ties differently);
- ``INTER_LINEAR`` and ``INTER_CUBIC``: ``fx = (dst + 0.5) * (1 / inv_scale)
  - 0.5`` rounded to float32, ``sx = floor(fx)``, ``fx -= sx`` in float32.
  Linear: a tap left of the image or at/after its last pixel is pinned to the
  border with ``fx = 0``; weights ``1 - fx`` and ``fx``. Cubic: Keys
  ``a = -0.75`` in float32 for three weights, the fourth ``1 - w0 - w1 - w2``;
  taps ``sx - 1 .. sx + 2`` clamped to the border (replicate).

:func:`taps` is the per-pixel transcription (for
:func:`companion.resize.resize_naive`), :func:`tap_arrays` the same steps for a
whole axis at once (for :func:`companion.resize.resize`).
"""

from __future__ import annotations

import math

import numpy as np

from .kernels import CUBIC_A

#: The pip package and version whose arithmetic this module reproduces
#: (``tests/test_resize_libraries.py`` checks it against requirements.txt).
MATCHES = ("opencv-python-headless", "5.0.0.93")
_F32 = np.float32


def _cubic_weights(fx):
    """``interpolateCubic``: Keys ``a = -0.75`` at ``fx + 1, fx, 1 - fx``, the
    last weight making the sum 1; float32 throughout (``fx`` float32)."""
    a, one = _F32(CUBIC_A["opencv"]), _F32(1)
    w0 = ((a * (fx + one) - 5 * a) * (fx + one) + 8 * a) * (fx + one) - 4 * a
    w1 = ((a + 2) * fx - (a + 3)) * fx * fx + one
    w2 = ((a + 2) * (one - fx) - (a + 3)) * (one - fx) * (one - fx) + one
    w3 = one - w0 - w1 - w2
    return w0, w1, w2, w3


def taps(dst, n_in, n_out, method):
    """Input ``(index, weight)`` pairs that make output ``dst`` along one axis.

    One scalar at a time, in OpenCV's steps (module docstring).

    Examples
    --------
    >>> taps(1, 2, 4, "bilinear")
    [(0, 0.75), (1, 0.25)]
    """
    last = n_in - 1

    def clamp(i):
        return min(max(int(i), 0), last)

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
    return [(clamp(sx - 1 + j), float(_F32(w))) for j, w in
            enumerate(_cubic_weights(fx))]


def tap_arrays(n_in, n_out, method):
    """:func:`taps` for every output index: indices and weights ``(n_out, k)``.

    Examples
    --------
    >>> idx, w = tap_arrays(2, 4, "bilinear")
    >>> idx.tolist()
    [[0, 1], [0, 1], [0, 1], [1, 1]]
    >>> w.tolist()
    [[1.0, 0.0], [0.75, 0.25], [0.25, 0.75], [1.0, 0.0]]
    """
    last = n_in - 1
    dst = np.arange(n_out)
    if method.startswith("nearest"):
        if method == "nearest":
            i = np.floor(dst * (1.0 / (n_out / n_in)))
        else:
            step = n_in / n_out
            i = np.floor(np.add.accumulate(
                np.r_[0.5 * step, np.full(n_out - 1, step)]))
        return np.clip(i, 0, last).astype(np.intp)[:, None], np.ones((n_out, 1))
    fx = ((dst + 0.5) * (1.0 / (n_out / n_in)) - 0.5).astype(_F32)
    sx = np.floor(fx)
    fx = (fx - sx).astype(_F32)
    sx = sx.astype(np.intp)
    if method == "bilinear":
        fx = np.where((sx < 0) | (sx >= last), _F32(0), fx)
        sx = np.clip(sx, 0, last)
        idx = np.stack([sx, np.minimum(sx + 1, last)], axis=1)
        return idx, np.stack([_F32(1) - fx, fx], axis=1).astype(np.float64)
    w = np.stack(_cubic_weights(fx), axis=1).astype(np.float64)
    return np.clip(sx[:, None] + np.arange(-1, 3), 0, last), w
