"""Scoring inside the hole (PSNR, SSIM) and the classical fills the network
is measured against (chapter 5)."""

from __future__ import annotations

import numpy as np

from ..._validate import check_array, check_int
from .holes import check_pair, known_mean


def _check_metric_args(originals, restored, masks):
    originals, masks = check_pair(originals, masks, "originals")
    restored = check_array(restored, "restored", ndim=4)
    if restored.shape != originals.shape:
        raise ValueError(f"restored must have shape {originals.shape}, got "
                         f"{restored.shape}")
    return originals, restored, masks


def hole_psnr(originals, restored, masks, *, data_range: float = 1.0,
              max_db: float = 60.0) -> np.ndarray:
    """PSNR of each image over its hole pixels only, in dB.

    ``10 log10(data_range**2 / MSE)`` with the MSE over the hole's pixels and
    channels, by ``skimage.metrics.peak_signal_noise_ratio`` (the known
    pixels are identical in every method's output, so a PSNR over the whole
    image would mostly measure the hole's size).

    A perfect fill has an infinite PSNR, which would make any mean over
    images infinite; values above ``max_db`` are reported as ``max_db``. The
    default 60 dB sits just above the 58.9 dB of 8-bit rounding noise
    (``10 log10(12 * 255**2)``), the finest error an 8-bit photograph can
    resolve. ``max_db=np.inf`` turns the cap off.

    Returns
    -------
    ndarray of shape ``(n,)``, float64

    Examples
    --------
    >>> from companion.models.inpainting import square_mask
    >>> x = np.zeros((1, 4, 4, 3)); y = x.copy(); m = square_mask(4, 0, 0, 2)[None]
    >>> y[0, :2, :2] = 0.1  # error 0.1 in the hole: MSE 0.01, PSNR 20 dB
    >>> hole_psnr(x, y, m).round(6).tolist()
    [20.0]
    >>> hole_psnr(x, x, m).tolist()  # perfect: capped
    [60.0]
    """
    from skimage.metrics import peak_signal_noise_ratio

    originals, restored, masks = _check_metric_args(originals, restored, masks)
    if isinstance(max_db, bool) or not isinstance(max_db, (int, float)) \
            or not max_db > 0:
        raise ValueError(f"max_db must be a number > 0, got {max_db!r}")
    out = np.empty(len(originals))
    for i, (o, r, m) in enumerate(zip(originals, restored, masks)):
        hole = m[..., 0] == 1
        a = np.asarray(o[hole], np.float64)
        b = np.asarray(r[hole], np.float64)
        if np.array_equal(a, b):
            out[i] = np.inf
        else:
            out[i] = peak_signal_noise_ratio(a, b, data_range=data_range)
    return np.minimum(out, max_db)


def hole_ssim(originals, restored, masks, *, data_range: float = 1.0) -> np.ndarray:
    """SSIM of each image over the bounding box of its hole.

    ``skimage.metrics.structural_similarity`` on the crop of the hole (colour
    channels averaged, Gaussian-free 7 x 7 windows, or the largest odd window
    that fits a smaller hole; at least 3 x 3). Known pixels outside the box do
    not enter.

    Returns
    -------
    ndarray of shape ``(n,)``, float64 in [-1, 1]
    """
    from skimage.metrics import structural_similarity

    originals, restored, masks = _check_metric_args(originals, restored, masks)
    out = np.empty(len(originals))
    for i, (o, r, m) in enumerate(zip(originals, restored, masks)):
        rows = np.flatnonzero(m[..., 0].any(axis=1))
        cols = np.flatnonzero(m[..., 0].any(axis=0))
        box = (slice(rows[0], rows[-1] + 1), slice(cols[0], cols[-1] + 1))
        side = min(rows[-1] - rows[0], cols[-1] - cols[0]) + 1
        if side < 3:
            raise ValueError(f"masks[{i}]: the hole's bounding box is "
                             f"{side} pixels across; SSIM needs at least 3")
        win = min(7, side if side % 2 else side - 1)
        out[i] = structural_similarity(
            np.asarray(o[box], np.float64), np.asarray(r[box], np.float64),
            win_size=win, channel_axis=-1, data_range=data_range)
    return out


# -------------------------------------------------------------- baselines


def mean_fill(masked, masks) -> np.ndarray:
    """Fill each hole with the mean colour of the image's known pixels."""
    mean = known_mean(masked, masks)
    return np.where(masks == 1, mean, masked).astype(masked.dtype)


def telea_fill(masked, masks, radius: int = 3) -> np.ndarray:
    """OpenCV's fast-marching inpainting (Telea, 2004), ``cv2.INPAINT_TELEA``.

    A grey image (one channel) goes through as RGB with three equal
    channels. The image goes through OpenCV as 8-bit RGB, its standard input (rounding
    costs at most 1/510 per pixel; OpenCV 5.0's float32 path returns values
    far outside the image's range on real photographs, so it is not used).
    """
    import cv2

    masked, masks = check_pair(masked, masks, "masked")
    radius = check_int(radius, "radius", minimum=1)
    if masked.shape[-1] not in (1, 3):
        raise ValueError(f"masked must have 3 channels (RGB) or 1 (grey), got "
                         f"shape {masked.shape}")
    if masked.shape[-1] == 1:  # grey: the same image in all three channels
        rgb = np.repeat(masked, 3, axis=-1)
        return telea_fill(rgb, masks, radius)[..., :1]
    out = np.empty_like(masked)
    for i, (img, m) in enumerate(zip(masked, masks)):
        img8 = np.round(np.clip(img, 0, 1) * 255).astype(np.uint8)
        m8 = (m[..., 0] * 255).astype(np.uint8)
        out[i] = cv2.inpaint(img8, m8, radius, cv2.INPAINT_TELEA) / 255.0
    return np.where(masks == 1, out, masked).astype(masked.dtype)


def biharmonic_fill(masked, masks) -> np.ndarray:
    """``skimage.restoration.inpaint_biharmonic``: the smoothest surface (the
    one with zero bilaplacian) that meets the known pixels around the hole."""
    from skimage.restoration import inpaint_biharmonic

    masked, masks = check_pair(masked, masks, "masked")
    out = np.empty_like(masked)
    for i, (img, m) in enumerate(zip(masked, masks)):
        out[i] = inpaint_biharmonic(np.asarray(img, np.float64),
                                    m[..., 0].astype(bool), channel_axis=-1)
    return np.where(masks == 1, np.clip(out, 0, 1), masked).astype(masked.dtype)


def _hole_crops(masks):
    """Row and column indices of one equal-sized crop per image: the bounding
    box of its hole grown by one pixel (clipped to the image), so that the
    crop's outer ring is known pixels or the image border."""
    n, h, w, _ = masks.shape
    hole = masks[..., 0] == 1
    rows, cols = hole.any(axis=2), hole.any(axis=1)
    has = rows.any(axis=1)
    top = np.where(has, rows.argmax(axis=1), 0)
    bottom = np.where(has, h - rows[:, ::-1].argmax(axis=1), 1)
    left = np.where(has, cols.argmax(axis=1), 0)
    right = np.where(has, w - cols[:, ::-1].argmax(axis=1), 1)
    ch = min(h, int((bottom - top).max()) + 2)
    cw = min(w, int((right - left).max()) + 2)
    t0 = np.clip(top - 1, 0, h - ch)
    l0 = np.clip(left - 1, 0, w - cw)
    r = t0[:, None, None] + np.arange(ch)[None, :, None]
    c = l0[:, None, None] + np.arange(cw)[None, None, :]
    return np.arange(n)[:, None, None], r, c


def harmonic_fill(masked, masks, *, tol: float = 1e-5,
                  max_iter: int = 20_000) -> np.ndarray:
    """Fill each hole with the harmonic interpolation of its border.

    The filled values solve the discrete Laplace equation: every hole pixel
    is the mean of its four neighbours, and the known pixels stay as they
    are (at the image's edge, the missing neighbour is the pixel itself).
    The solver is Jacobi's iteration, the same step repeated until no pixel
    changes by more than ``tol``: convolve with the 3 x 3 kernel
    ``[[0, 1/4, 0], [1/4, 0, 1/4], [0, 1/4, 0]]`` (each channel on its own)
    and put the known pixels back. It starts from :func:`mean_fill` and works
    on a crop around each hole, all crops at once.

    Parameters
    ----------
    masked : ndarray of shape ``(n, h, w, c)``
    masks : ndarray of shape ``(n, h, w, 1)``, 1 in the hole
    tol : float
        Stop when the largest change of one iteration falls below it.
    max_iter : int
        Give up (``RuntimeError``) after this many iterations. A hole of
        side ``s`` needs on the order of ``s**2`` of them.

    Returns
    -------
    ndarray like ``masked``, its known pixels unchanged

    Examples
    --------
    A ramp is harmonic, so a hole in it is filled exactly:

    >>> from companion.models.inpainting import cut_holes, square_mask
    >>> ramp = np.tile(np.linspace(0, 1, 7), (7, 1))[None, :, :, None]
    >>> mask = square_mask(7, 2, 2, 3)[None]
    >>> filled = harmonic_fill(cut_holes(ramp, mask), mask)
    >>> bool(np.abs(filled - ramp).max() < 1e-4)
    True
    """
    masked, masks = check_pair(masked, masks, "masked")
    if isinstance(tol, bool) or not isinstance(tol, (int, float)):
        raise TypeError(f"tol must be a number, got {tol!r}")
    if not (tol > 0 and np.isfinite(tol)):
        raise ValueError(f"tol must be a finite number > 0, got {tol!r}")
    max_iter = check_int(max_iter, "max_iter", minimum=1)
    full = np.flatnonzero(masks.reshape(len(masks), -1).min(axis=1) == 1)
    if full.size:
        raise ValueError("every mask needs at least one known pixel to fill "
                         f"from; masks {full[:5].tolist()} are all hole")
    index = _hole_crops(masks)
    hole = masks[index] == 1                              # (n, ch, cw, 1)
    known = np.where(hole, 0.0, masked[index].astype(np.float64))
    x = np.where(hole, known_mean(masked, masks).astype(np.float64), known)
    for _ in range(max_iter):
        p = np.pad(x, ((0, 0), (1, 1), (1, 1), (0, 0)), mode="edge")
        mean4 = (p[:, :-2, 1:-1] + p[:, 2:, 1:-1] + p[:, 1:-1, :-2]
                 + p[:, 1:-1, 2:]) / 4
        new = np.where(hole, mean4, known)
        change = float(np.abs(new - x).max())
        x = new
        if change < tol:
            break
    else:
        raise RuntimeError(
            f"harmonic_fill did not converge in max_iter={max_iter} iterations "
            f"(last change {change:.2g} > tol={tol:g}); raise max_iter or tol")
    out = masked.copy()
    out[index] = x.astype(masked.dtype)
    return out
