"""TensorFlow's resize arithmetic, step by step (conventions ``tf`` and ``tf1``).

Matches TensorFlow 2.21.0 on the CPU: ``tf.image.resize`` (``tf``, half-pixel
centres, ``antialias=False``) and ``tf.compat.v1.image.resize`` (``tf1``,
legacy coordinates or ``align_corners``). Both run the kernels of
``tensorflow/core/kernels/image/``: ``resize_nearest_neighbor_op.cc``,
``resize_bilinear_op.cc`` and ``resize_bicubic_op.cc``, with the scale and
coordinate helpers of ``image_resizer_state.h``. Every step is in float32:

- scale ``in/out`` (``(in - 1)/(out - 1)`` with ``align_corners``), a float32
  division (``CalculateResizeScale``);
- source coordinate ``src = (dst + 0.5) scale - 0.5`` (``tf``) or
  ``dst scale`` (``tf1``), in float32;
- nearest: ``floor((dst + 0.5) scale)`` for ``tf``; ``floor(dst scale)`` for
  ``tf1``, or ``roundf`` (halves away from zero) with ``align_corners``;
- bilinear: taps ``floor(src)`` and ``ceil(src)``, both clamped to the image,
  weights ``1 - frac`` and ``frac`` with ``frac = src - floor(src)``;
- bicubic: the four weights come from a table of the Keys kernel (1025 rows,
  :func:`cubic_table`) at row ``round(frac * 1024)``, ``a = -0.5`` for ``tf``
  and ``-0.75`` for ``tf1``. ``tf`` gives taps outside the image weight 0 and
  renormalises the rest in float32; ``tf1`` clamps the taps to the border.

:func:`taps` is the per-pixel transcription (for
:func:`companion.resize.resize_naive`), :func:`tap_arrays` the same steps for a
whole axis at once (for :func:`companion.resize.resize`).
"""

from __future__ import annotations

import functools
import math

import numpy as np

from .kernels import CUBIC_A

#: The pip package and version whose arithmetic this module reproduces
#: (``tests/test_resize_libraries.py`` checks it against requirements.txt).
MATCHES = ("tensorflow", "2.21.0")
_F32 = np.float32
#: Rows of TensorFlow's cubic table, minus one (``kTableSize``).
TABLE_SIZE = 1024


@functools.lru_cache(maxsize=None)
def cubic_table(a: float) -> np.ndarray:
    """TensorFlow's ``InitCoeffsTable(a)``: shape ``(1025, 2)``, float32.

    Row ``i`` holds the kernel at ``i/1024`` and at ``1 + i/1024``, evaluated in
    double precision and stored as float, as ``resize_bicubic_op.cc`` does.

    Examples
    --------
    >>> cubic_table(-0.5)[[0, 512, 1024]]  # t = 0, 1/2, 1 and 1, 3/2, 2
    array([[ 1.    ,  0.    ],
           [ 0.5625, -0.0625],
           [ 0.    ,  0.    ]], dtype=float32)
    """
    x = (np.arange(TABLE_SIZE + 1) * 1.0 / TABLE_SIZE).astype(_F32)
    x = x.astype(np.float64)
    near = ((a + 2) * x - (a + 3)) * x * x + 1
    x1 = x + 1.0
    far = ((a * x1 - 5 * a) * x1 + 8 * a) * x1 - 4 * a
    table = np.stack([near, far], axis=1).astype(_F32)
    table.flags.writeable = False
    return table


def _scale(n_in: int, n_out: int, align_corners: bool):
    """``CalculateResizeScale`` in float32."""
    if align_corners and n_out > 1:
        return _F32(n_in - 1) / _F32(n_out - 1)
    return _F32(n_in) / _F32(n_out)


def _source(dst, scale, convention):
    """``src`` in float32: half-pixel (``tf``) or legacy (``tf1``)."""
    if convention == "tf":
        return (dst + _F32(0.5)) * scale - _F32(0.5)
    return dst * scale


def taps(dst, n_in, n_out, method, convention, align_corners):
    """Input ``(index, weight)`` pairs that make output ``dst`` along one axis.

    One scalar at a time, in TensorFlow's float32 steps (module docstring);
    ``convention`` is ``"tf"`` or ``"tf1"``.

    Examples
    --------
    >>> taps(1, 2, 4, "bilinear", "tf", False)  # src = 1.5 * 0.5 - 0.5 = 0.25
    [(0, 0.75), (1, 0.25)]
    """
    last = n_in - 1

    def clamp(i):
        return min(max(int(i), 0), last)

    scale = _scale(n_in, n_out, align_corners)
    if method == "nearest":
        if convention == "tf":  # floor((dst + 0.5) * scale)
            return [(clamp(math.floor((_F32(dst) + _F32(0.5)) * scale)), 1.0)]
        src = _source(_F32(dst), scale, convention)
        i = math.floor(src)
        if align_corners and src - i >= 0.5:  # roundf: half away from 0
            i += 1
        return [(clamp(i), 1.0)]
    src = _source(_F32(dst), scale, convention)
    lo = math.floor(src)
    frac = _F32(src - _F32(lo))
    if method == "bilinear":
        return [(clamp(lo), 1.0 - float(frac)),
                (clamp(math.ceil(src)), float(frac))]
    table = cubic_table(CUBIC_A[convention])
    k = int(np.rint(frac * _F32(TABLE_SIZE)))
    w = [table[k, 1], table[k, 0],
         table[TABLE_SIZE - k, 0], table[TABLE_SIZE - k, 1]]
    idx = [lo - 1, lo, lo + 1, lo + 2]
    if convention == "tf":  # outside taps weigh 0, renormalise in float32
        w = [wk if 0 <= i <= last else _F32(0) for wk, i in zip(w, idx)]
        total = _F32(_F32(_F32(w[0] + w[1]) + w[2]) + w[3])
        inv = _F32(1) / total
        w = [_F32(wk * inv) for wk in w]
    return [(clamp(i), float(wk)) for i, wk in zip(idx, w)]


def tap_arrays(n_in, n_out, method, convention, align_corners):
    """:func:`taps` for every output index: indices and weights ``(n_out, k)``.

    Examples
    --------
    ``src = -0.25, 0.25, 0.75, 1.25``: the taps ``floor(src)``, ``ceil(src)``
    are clamped to the image, the weights ``1 - frac``, ``frac`` are not.

    >>> idx, w = tap_arrays(2, 4, "bilinear", "tf", False)
    >>> idx.tolist()
    [[0, 0], [0, 1], [0, 1], [1, 1]]
    >>> w.tolist()
    [[0.25, 0.75], [0.75, 0.25], [0.25, 0.75], [0.75, 0.25]]
    """
    last = n_in - 1
    scale = _scale(n_in, n_out, align_corners)
    d32 = np.arange(n_out).astype(_F32)
    if method == "nearest":
        if convention == "tf":
            i = np.floor((d32 + _F32(0.5)) * scale)
        else:
            v = d32 * scale
            i = np.floor(v)
            if align_corners:
                i = i + (v - i >= 0.5)
        return np.clip(i, 0, last).astype(np.intp)[:, None], np.ones((n_out, 1))
    src = _source(d32, scale, convention)
    lo = np.floor(src)
    frac = (src - lo).astype(_F32)
    lo = lo.astype(np.intp)
    if method == "bilinear":
        idx = np.stack([lo, np.ceil(src).astype(np.intp)], axis=1)
        w = np.stack([1.0 - frac.astype(np.float64), frac], axis=1)
        return np.clip(idx, 0, last), w
    table = cubic_table(CUBIC_A[convention])
    k = np.rint(frac * _F32(TABLE_SIZE)).astype(np.intp)
    w = np.stack([table[k, 1], table[k, 0], table[TABLE_SIZE - k, 0],
                  table[TABLE_SIZE - k, 1]], axis=1)
    idx = lo[:, None] + np.arange(-1, 3)
    if convention == "tf":
        w = np.where((idx >= 0) & (idx <= last), w, _F32(0))
        total = ((w[:, 0] + w[:, 1]) + w[:, 2]) + w[:, 3]
        w = w * (_F32(1) / total)[:, None]
    return np.clip(idx, 0, last), w.astype(np.float64)
