"""Fast resizing: one sparse weight matrix per axis, two matrix products.

:func:`resize` is what the models and benchmarks use; its per-pixel twin is
:mod:`companion.resize.naive`.
"""

from __future__ import annotations

import contextlib
import functools

import numpy as np

from .._validate import as_pair
from . import like_opencv, like_tensorflow, like_torch
from .coords import as_batch, check_method


def _tap_arrays(n_in, n_out, method, convention, align_corners, ct,
                channels_last=False):
    """Input indices ``(n_out, k)`` and weights ``(n_out, k)`` of one axis, in
    the arithmetic of ``convention``'s library: the ``taps`` of
    :func:`companion.resize.naive._taps` for every output index at once."""
    if convention in ("tf", "tf1"):
        return like_tensorflow.tap_arrays(n_in, n_out, method, convention,
                                          align_corners)
    if convention == "torch":
        return like_torch.tap_arrays(n_in, n_out, method, align_corners, ct,
                                     channels_last)
    return like_opencv.tap_arrays(n_in, n_out, method)


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
    x4, squeeze = as_batch(x)
    size = as_pair(size, "size", minimum=1)
    method, convention, align_corners = check_method(method, convention,
                                                     align_corners)
    ct = np.float64 if x4.dtype == np.float64 else np.float32
    n, h, w, c = x4.shape
    (oh, ow) = size
    args = (method, convention, align_corners, ct,
            like_torch.uses_channels_last_kernel(c, h, w, oh, ow))
    iy, wy = _tap_arrays(h, oh, *args)
    ix, wx = _tap_arrays(w, ow, *args)
    if method.startswith("nearest"):
        out = x4[:, iy[:, 0]][:, :, ix[:, 0]]
    else:
        work = np.float64 if x4.dtype == np.float64 else np.float32
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
