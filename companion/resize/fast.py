"""Fast resizing: one sparse weight matrix per axis, two matrix products.

:func:`resize` is what the models and benchmarks use; its per-pixel twin is
:mod:`companion.resize.naive`.
"""

from __future__ import annotations

import contextlib
import functools

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


def _tap_arrays(n_in, n_out, method, convention, align_corners, ct,
                torch_vec=False):
    """Vectorised :func:`companion.resize.naive._taps`: indices ``(n_out, k)``
    and weights ``(n_out, k)``."""
    last = n_in - 1
    dst = np.arange(n_out)
    one = np.ones((n_out, 1))

    def nearest(i):
        return np.clip(i, 0, last).astype(np.intp)[:, None], one

    if convention in ("tf", "tf1"):
        scale = _tf_scale(n_in, n_out, align_corners)
        d32 = dst.astype(_F32)
        if method == "nearest":
            if convention == "tf":
                return nearest(np.floor((d32 + _F32(0.5)) * scale))
            v = d32 * scale
            i = np.floor(v)
            if align_corners:
                i = i + (v - i >= 0.5)
            return nearest(i)
        src = (d32 + _F32(0.5)) * scale - _F32(0.5) if convention == "tf" \
            else d32 * scale
        lo = np.floor(src)
        frac = (src - lo).astype(_F32)
        lo = lo.astype(np.intp)
        if method == "bilinear":
            idx = np.stack([lo, np.ceil(src).astype(np.intp)], axis=1)
            w = np.stack([1.0 - frac.astype(np.float64), frac], axis=1)
            return np.clip(idx, 0, last), w
        table = _tf_cubic_table(CUBIC_A[convention])
        k = np.rint(frac * _F32(_TABLE_SIZE)).astype(np.intp)
        w = np.stack([table[k, 1], table[k, 0], table[_TABLE_SIZE - k, 0],
                      table[_TABLE_SIZE - k, 1]], axis=1)
        idx = lo[:, None] + np.arange(-1, 3)
        if convention == "tf":
            w = np.where((idx >= 0) & (idx <= last), w, _F32(0))
            total = ((w[:, 0] + w[:, 1]) + w[:, 2]) + w[:, 3]
            w = w * (_F32(1) / total)[:, None]
        return np.clip(idx, 0, last), w.astype(np.float64)

    if convention == "torch":
        if method.startswith("nearest"):
            if torch_vec:
                scale = _F32(n_in) / _F32(n_out)
                v = (dst.astype(_F32) * scale if method == "nearest"
                     else ((dst + 0.5) * float(scale)).astype(_F32))
            else:
                scale = ct(n_in) / ct(n_out)
                if method == "nearest":
                    v = (dst.astype(ct) * scale).astype(_F32)
                else:
                    src = _fma(scale, dst.astype(ct) + ct(0.5), -0.5, ct)
                    v = (src.astype(np.float64) + 0.5).astype(_F32)
            return nearest(np.floor(v))
        scale = _torch_scale(n_in, n_out, align_corners, ct)
        d = dst.astype(ct)
        src = scale * d if align_corners else _fma(scale, d + ct(0.5), -0.5, ct)
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

    if method == "nearest":
        return nearest(np.floor(dst * (1.0 / (n_out / n_in))))
    if method == "nearest-exact":
        step = n_in / n_out
        pos = np.add.accumulate(np.r_[0.5 * step, np.full(n_out - 1, step)])
        return nearest(np.floor(pos))
    fx = ((dst + 0.5) * (1.0 / (n_out / n_in)) - 0.5).astype(_F32)
    sx = np.floor(fx)
    fx = (fx - sx).astype(_F32)
    sx = sx.astype(np.intp)
    if method == "bilinear":
        fx = np.where((sx < 0) | (sx >= last), _F32(0), fx)
        sx = np.clip(sx, 0, last)
        idx = np.stack([sx, np.minimum(sx + 1, last)], axis=1)
        return idx, np.stack([_F32(1) - fx, fx], axis=1).astype(np.float64)
    a, one = _F32(CUBIC_A["opencv"]), _F32(1)
    w0 = ((a * (fx + one) - 5 * a) * (fx + one) + 8 * a) * (fx + one) - 4 * a
    w1 = ((a + 2) * fx - (a + 3)) * fx * fx + one
    w2 = ((a + 2) * (one - fx) - (a + 3)) * (one - fx) * (one - fx) + one
    w3 = one - w0 - w1 - w2
    w = np.stack([w0, w1, w2, w3], axis=1).astype(np.float64)
    return np.clip(sx[:, None] + np.arange(-1, 3), 0, last), w


def _weight_matrix(idx, w, n_in) -> np.ndarray:
    """Dense ``(n_out, n_in)`` matrix from taps; repeated indices add up."""
    m = np.zeros((idx.shape[0], n_in))
    np.add.at(m, (np.arange(idx.shape[0])[:, None], idx), w)
    return m


def resize(x, size, method, *, convention="tf", align_corners=False):
    """Resize images with the exact convention of TensorFlow, PyTorch or OpenCV.

    Parameters
    ----------
    x : ndarray of shape ``(n, h, w, c)`` or ``(h, w, c)``
        Float images, channels last.
    size : int or (int, int)
        Output ``(out_h, out_w)``; an int means a square output. Upscaling,
        downscaling and non-integer factors are all allowed; nothing is
        antialiased (as with ``antialias=False``).
    method : {"nearest", "nearest-exact", "bilinear", "bicubic"}
        ``nearest-exact`` exists for ``torch`` (``mode="nearest-exact"``) and
        ``opencv`` (``INTER_NEAREST_EXACT``; ``"nearest"`` is ``INTER_NEAREST``).
    convention : {"tf", "tf1", "torch", "opencv"}
        ``"tf"``: ``tf.image.resize`` (TF2, ``antialias=False``).
        ``"tf1"``: ``tf.compat.v1.image.resize`` (legacy coordinates).
        ``"torch"``: ``torch.nn.functional.interpolate(x, size=...)`` on the
        contiguous NCHW tensor, CPU. Note that ``interpolate(x, scale_factor=s)``
        maps coordinates with ``1/s``, not ``in/out``; it only agrees with this
        function when ``in * s`` is an integer (or with
        ``recompute_scale_factor=True``).
        ``"opencv"``: ``cv2.resize(x, (out_w, out_h), interpolation=...)``,
        OpenCV 5 (4.x rounds a few ``INTER_NEAREST_EXACT`` ties differently).
    align_corners : bool
        ``tf1`` and ``torch`` (bilinear and bicubic) only:
        ``src = dst (in - 1)/(out - 1)``.

    Returns
    -------
    ndarray of shape ``(n, out_h, out_w, c)`` (or ``(out_h, out_w, c)``)
        Same dtype as ``x``. Output pixel ``(i, j)`` is
        ``sum_p sum_q Wy[i, p] Wx[j, q] x[p, q]`` where row ``i`` of ``Wy`` holds
        the kernel (nearest, linear, cubic) centred at
        :func:`source_coordinate` ``(i, h, out_h, convention)``, with the
        library's border rule. See chapter 3, "Upsampling methods"; the
        per-pixel loop is :func:`resize_naive`.

    Examples
    --------
    >>> x = np.array([0.0, 1.0, 2.0, 3.0]).reshape(1, 1, 4, 1)
    >>> resize(x, (1, 8), "bilinear")[0, 0, :, 0]
    array([0.  , 0.25, 0.75, 1.25, 1.75, 2.25, 2.75, 3.  ])
    >>> resize(x, (1, 6), "nearest", convention="tf")[0, 0, :, 0]
    array([0., 1., 1., 2., 3., 3.])
    >>> resize(x, (1, 6), "nearest", convention="torch")[0, 0, :, 0]
    array([0., 0., 1., 2., 2., 3.])
    """
    x4, squeeze = _as_batch(x)
    size = as_pair(size, "size", minimum=1)
    method, convention, align_corners = _check_method(method, convention,
                                                      align_corners)
    ct = np.float64 if x4.dtype == np.float64 else _F32
    n, h, w, c = x4.shape
    (oh, ow) = size
    args = (method, convention, align_corners, ct,
            _torch_vectorised(c, h, w, oh, ow))
    iy, wy = _tap_arrays(h, oh, *args)
    ix, wx = _tap_arrays(w, ow, *args)
    if method.startswith("nearest"):
        out = x4[:, iy[:, 0]][:, :, ix[:, 0]]
    else:
        work = np.float64 if x4.dtype == np.float64 else _F32
        my = _weight_matrix(iy, wy, h).astype(work)
        mx = _weight_matrix(ix, wx, w).astype(work)
        with _one_blas_thread():
            out = _apply_separable(x4.astype(work, copy=False), my, mx)
    out = out.astype(x4.dtype, copy=False)
    return out[0] if squeeze else out


@functools.lru_cache(maxsize=None)
def _blas_controller():
    try:
        from threadpoolctl import ThreadpoolController
    except ImportError:  # optional (it comes with scikit-learn)
        return None
    return ThreadpoolController()


def _one_blas_thread():
    """Run BLAS on one thread for the duration of a resize.

    The products are small (a few dozen columns per row); extra BLAS threads
    gain little and, on a busy machine, waiting for them made ``resize`` up to
    100 times slower. Uses threadpoolctl when it is installed.
    """
    ctl = _blas_controller()
    if ctl is None:
        return contextlib.nullcontext()
    return ctl.limit(limits=1, user_api="blas")


def _apply_separable(x4, my, mx):
    """``out[n, i, j, c] = sum_p sum_q my[i, p] mx[j, q] x4[n, p, q, c]``.

    Two batched matrix products on contiguous reshapes (no transposes); the
    axis whose pass costs less on the smaller tensor goes first.
    """
    n, h, w, c = x4.shape
    oh, ow = my.shape[0], mx.shape[0]
    if h * ow * w + oh * ow * h <= oh * h * w + oh * ow * w:  # width first
        t = np.matmul(mx, x4.reshape(n * h, w, c))            # (n*h, ow, c)
        out = np.matmul(my, t.reshape(n, h, ow * c))          # (n, oh, ow*c)
    else:                                                     # height first
        t = np.matmul(my, x4.reshape(n, h, w * c))            # (n, oh, w*c)
        out = np.matmul(mx, t.reshape(n * oh, w, c))          # (n*oh, ow, c)
    return out.reshape(n, oh, ow, c)
