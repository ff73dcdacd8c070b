"""Scoring upscalers with PSNR and SSIM (:mod:`companion.metrics`)."""

from __future__ import annotations

import numpy as np

from ..._validate import check_int, short_repr
from ...metrics import psnr, ssim
from .data import crop_to_multiple, downscale


def evaluate(hr_images, upscalers, factor: int, method: str = "bicubic"
             ) -> dict[str, dict[str, float]]:
    """PSNR and SSIM of several upscalers on full images.

    Parameters
    ----------
    hr_images : dict of str to ndarray of shape ``(h, w, c)``
        High-resolution originals; each is cropped to a multiple of
        ``factor`` and shrunk with :func:`downscale`.
    upscalers : dict of str to callable
        ``name -> fn``, where ``fn`` maps ``(1, h, w, c)`` to
        ``(1, factor*h, factor*w, c)``; its output is clipped to [0, 1].
    factor : int
    method : {"bicubic", "box"}
        How :func:`downscale` makes the low-resolution inputs.

    Returns
    -------
    dict
        ``{upscaler: {"psnr": mean dB, "ssim": mean}}`` over the images.
    """
    if not isinstance(hr_images, dict) or not hr_images:
        raise ValueError(f"hr_images must be a non-empty dict of name -> image, "
                         f"got {short_repr(hr_images)}")
    if not isinstance(upscalers, dict) or not upscalers:
        raise ValueError(f"upscalers must be a non-empty dict of name -> "
                         f"function, got {short_repr(upscalers)}")
    factor = check_int(factor, "factor", minimum=1)
    scores = {name: {"psnr": [], "ssim": []} for name in upscalers}
    for img in hr_images.values():
        hr = crop_to_multiple(img, factor)[None]
        lr = downscale(hr, factor, method)
        for name, fn in upscalers.items():
            out = np.clip(np.asarray(fn(lr), dtype=np.float64), 0, 1)
            scores[name]["psnr"].append(psnr(hr, out))
            scores[name]["ssim"].append(ssim(hr, out))
    return {name: {k: float(np.mean(v)) for k, v in s.items()}
            for name, s in scores.items()}
