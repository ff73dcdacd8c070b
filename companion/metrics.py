"""Image quality scores: PSNR and SSIM, for images with values in [0, 1].

Both accept one image ``(h, w, c)`` or a batch ``(n, h, w, c)`` and return the
mean over the batch of the per-image score, computed in float64 with
``skimage.metrics`` (``data_range=1``). Chapters 2, 3 and 4 score their
upscalers and autoencoders with them; chapter 5's scores restricted to a hole
are ``companion.models.inpainting.hole_psnr`` and ``hole_ssim``.
"""

from __future__ import annotations

import numpy as np

from ._validate import check_array

__all__ = ["psnr", "ssim"]


def _scores_args(reference, test):
    reference = check_array(reference, "reference", ndim=(3, 4))
    test = check_array(test, "test", ndim=(3, 4))
    if reference.shape != test.shape:
        raise ValueError(f"reference has shape {reference.shape} but test has "
                         f"{test.shape}; they must match")
    if reference.ndim == 3:
        reference, test = reference[None], test[None]
    return reference.astype(np.float64), test.astype(np.float64)


def psnr(reference, test) -> float:
    """Peak signal-to-noise ratio in dB for images in [0, 1], mean over a batch.

    ``10 log10(1 / MSE)`` per image (``skimage.metrics.peak_signal_noise_ratio``
    with ``data_range=1``), averaged over the images. Higher is better.

    Examples
    --------
    >>> ref = np.zeros((4, 4, 3))
    >>> round(psnr(ref, ref + 0.1), 6)  # MSE 0.01: 20 dB
    20.0
    """
    from skimage.metrics import peak_signal_noise_ratio

    ref, test = _scores_args(reference, test)
    return float(np.mean([peak_signal_noise_ratio(r, t, data_range=1.0)
                          for r, t in zip(ref, test)]))


def ssim(reference, test) -> float:
    """Structural similarity (``skimage.metrics.structural_similarity``).

    ``data_range=1``, ``channel_axis=-1`` (mean over the colour channels),
    averaged over a batch. 1 means identical.
    """
    from skimage.metrics import structural_similarity

    ref, test = _scores_args(reference, test)
    return float(np.mean([structural_similarity(r, t, data_range=1.0,
                                                channel_axis=-1)
                          for r, t in zip(ref, test)]))
