"""Data for super-resolution: crops, the low-resolution inputs (an antialiased
shrink), the bicubic baseline and the residual model's upscaling."""

from __future__ import annotations

import numpy as np

from ..._validate import check_array, check_choice, check_int, short_repr


def crop_to_multiple(img, factor: int) -> np.ndarray:
    """Crop an ``(h, w, c)`` or ``(n, h, w, c)`` image so ``factor`` divides h, w.

    Rows and columns are dropped at the bottom and right.
    """
    img = check_array(img, "img", ndim=(3, 4))
    factor = check_int(factor, "factor", minimum=1)
    h, w = img.shape[-3:-1]
    if h < factor or w < factor:
        raise ValueError(f"img of shape {img.shape} is smaller than factor={factor}")
    return img[..., :h - h % factor, :w - w % factor, :]


def _antialias_weights(size: int, factor: int) -> np.ndarray:
    """``(size // factor, size)`` weights of an antialiased bicubic shrink."""
    from ...resize import cubic_kernel

    centre = (np.arange(size // factor) + 0.5) * factor
    w = cubic_kernel((np.arange(size) + 0.5 - centre[:, None]) / factor, a=-0.5)
    return w / w.sum(axis=1, keepdims=True)  # taps outside dropped, renormalised


def downscale(hr, factor: int, method: str = "bicubic") -> np.ndarray:
    """Shrink by an integer ``factor``: the low-resolution input of a model.

    Parameters
    ----------
    hr : ndarray of shape ``(h, w, c)`` or ``(n, h, w, c)``
        ``h`` and ``w`` divisible by ``factor`` (see :func:`crop_to_multiple`).
    factor : int
    method : {"bicubic", "box"}
        ``"bicubic"``: Keys' cubic kernel (``a = -0.5``) stretched by
        ``factor`` so that it also filters out what the small grid cannot
        hold: MATLAB's ``imresize`` and ``tf.image.resize(..., "bicubic",
        antialias=True)``, the usual way super-resolution papers make their
        inputs. ``"box"``: the mean of each ``factor x factor`` block
        (OpenCV's ``INTER_AREA``). Either way pixel ``i`` of the result is
        centred at ``factor*i + (factor - 1)/2`` of the original, where the
        half-pixel mapping of :func:`bicubic_upscale` puts it back.

    Returns
    -------
    ndarray of shape ``(..., h / factor, w / factor, c)``, dtype of ``hr``

    Examples
    --------
    >>> downscale(np.arange(16.0).reshape(4, 4, 1), 2, "box")[:, :, 0]
    array([[ 2.5,  4.5],
           [10.5, 12.5]])
    >>> downscale(np.ones((8, 8, 3)), 4).round(6).tolist()[0][0]  # constant stays
    [1.0, 1.0, 1.0]
    """
    hr = check_array(hr, "hr", ndim=(3, 4))
    factor = check_int(factor, "factor", minimum=1)
    method = check_choice(method, "method", ("bicubic", "box"))
    h, w, c = hr.shape[-3:]
    if h % factor or w % factor:
        raise ValueError(
            f"hr has height {h} and width {w}, not both divisible by "
            f"factor={factor}; crop it first with crop_to_multiple(hr, {factor})")
    if method == "box":
        lead = hr.shape[:-3]
        blocks = hr.reshape(*lead, h // factor, factor, w // factor, factor, c)
        return blocks.mean(axis=(-4, -2)).astype(hr.dtype)
    my = _antialias_weights(h, factor).astype(hr.dtype)
    mx = _antialias_weights(w, factor).astype(hr.dtype)
    return np.einsum("ip,...pqc,jq->...ijc", my, hr, mx, optimize=True)


def bicubic_upscale(lr, factor: int) -> np.ndarray:
    """Bicubic upscaling by ``factor``, TensorFlow 2's rule, clipped to [0, 1].

    :func:`companion.resize.resize` with ``method="bicubic"`` and
    ``convention="tf"`` (Keys' kernel with ``a = -0.5``, half-pixel centres),
    the same numbers as ``tf.image.resize(..., "bicubic")``.
    """
    from ...resize import resize

    lr = check_array(lr, "lr", ndim=(3, 4))
    factor = check_int(factor, "factor", minimum=1)
    h, w = lr.shape[-3:-1]
    return np.clip(resize(lr, (h * factor, w * factor), "bicubic"), 0, 1)


def residual_upscale(lr, residual_fn, factor: int) -> np.ndarray:
    """``clip(bicubic_upscale(lr) + residual_fn(lr), 0, 1)``.

    ``residual_fn`` maps ``(n, h, w, c)`` to ``(n, factor*h, factor*w, c)``:
    a trained residual model's ``predict``.
    """
    lr = check_array(lr, "lr", ndim=4)
    if not callable(residual_fn):
        raise TypeError(f"residual_fn must be callable, got {short_repr(residual_fn)}")
    base = bicubic_upscale(lr, factor)
    correction = np.asarray(residual_fn(lr))
    if correction.shape != base.shape:
        raise ValueError(
            f"residual_fn returned shape {correction.shape}, expected "
            f"{base.shape} (factor={factor})")
    return np.clip(base + correction, 0, 1).astype(lr.dtype)


