"""Square holes, seeded examples, the network's input and the composite of
prediction and known pixels (chapter 5)."""

from __future__ import annotations

import numpy as np

from ..._validate import check_array, check_int


def check_hole(size, hole, name="hole"):
    size = check_int(size, "size", minimum=1)
    hole = check_int(hole, name, minimum=1)
    if hole > size:
        raise ValueError(f"{name}={hole} is larger than the image side "
                         f"size={size}; use a hole of at most {size}")
    return size, hole


def square_mask(size: int, top: int, left: int, hole: int) -> np.ndarray:
    """A ``(size, size, 1)`` float32 mask: 1 in the hole, 0 elsewhere.

    The hole covers rows ``top : top + hole`` and columns ``left : left +
    hole``, and must fit inside the image.

    Examples
    --------
    >>> square_mask(4, 1, 2, 2)[..., 0]
    array([[0., 0., 0., 0.],
           [0., 0., 1., 1.],
           [0., 0., 1., 1.],
           [0., 0., 0., 0.]], dtype=float32)
    """
    size, hole = check_hole(size, hole)
    top = check_int(top, "top", minimum=0, maximum=size - hole)
    left = check_int(left, "left", minimum=0, maximum=size - hole)
    mask = np.zeros((size, size, 1), dtype=np.float32)
    mask[top:top + hole, left:left + hole] = 1.0
    return mask


def random_square_masks(count: int, size: int, hole: int, *,
                        seed: int = 0) -> np.ndarray:
    """``count`` masks with one ``hole x hole`` square each, seeded.

    The corner is drawn uniformly from ``[0, size - hole]`` on each axis (the
    article's ``random.randint(0, size - window)``), from
    ``np.random.default_rng(seed)``: the same seed gives the same holes.

    Returns
    -------
    ndarray of shape ``(count, size, size, 1)``, float32 of 0 and 1

    Examples
    --------
    >>> m = random_square_masks(3, 10, 4, seed=1)
    >>> m.shape, m.sum(axis=(1, 2, 3)).tolist()
    ((3, 10, 10, 1), [16.0, 16.0, 16.0])
    """
    count = check_int(count, "count", minimum=1)
    size, hole = check_hole(size, hole)
    seed = check_int(seed, "seed", minimum=0)
    rng = np.random.default_rng(seed)
    corners = rng.integers(0, size - hole + 1, size=(count, 2))
    return np.stack([square_mask(size, int(t), int(l), hole) for t, l in corners])


def check_pair(images, masks, images_name="images"):
    images = check_array(images, images_name, ndim=4)
    masks = check_array(masks, "masks", ndim=4)
    if masks.shape != images.shape[:3] + (1,):
        raise ValueError(
            f"masks must have shape {images.shape[:3] + (1,)} to match "
            f"{images_name} of shape {images.shape}, got {masks.shape}")
    if not np.all((masks == 0) | (masks == 1)):
        raise ValueError("masks must hold only 0 (known) and 1 (hole)")
    empty = np.flatnonzero(masks.reshape(len(masks), -1).sum(axis=1) == 0)
    if empty.size:
        raise ValueError("every mask needs at least one hole pixel; masks "
                         f"{empty[:5].tolist()} are empty")
    return images, masks


def inpainting_examples(images, size: int, count: int, hole: int, *,
                        seed: int = 0):
    """Seeded training or test examples: patches, their masks, and the
    patches with the holes cut out.

    Patches come from :func:`companion.data.random_patches` (``seed``) and
    holes from :func:`random_square_masks` (``seed + 1``), so a split is fixed
    by its images and its seed.

    Returns
    -------
    originals : ndarray of shape ``(count, size, size, 3)``
    masks : ndarray of shape ``(count, size, size, 1)``
    masked : ndarray of shape ``(count, size, size, 3)``, holes set to 0

    Examples
    --------
    >>> imgs = [np.full((20, 20, 3), 0.5, dtype=np.float32)]
    >>> o, m, x = inpainting_examples(imgs, 8, 2, 3, seed=0)
    >>> o.shape, m.shape, float(x.min()), float(m.sum())
    ((2, 8, 8, 3), (2, 8, 8, 1), 0.0, 18.0)
    """
    from ...data import random_patches

    seed = check_int(seed, "seed", minimum=0)
    originals = random_patches(images, size, count, seed=seed)
    masks = random_square_masks(count, size, hole, seed=seed + 1)
    return originals, masks, cut_holes(originals, masks)


def cut_holes(images, masks, fill: float = 0.0) -> np.ndarray:
    """Images with every hole pixel set to ``fill`` (the article uses 0).

    Examples
    --------
    >>> x = np.ones((1, 3, 3, 3), dtype=np.float32)
    >>> cut_holes(x, square_mask(3, 1, 1, 1)[None])[0, :, :, 0]
    array([[1., 1., 1.],
           [1., 0., 1.],
           [1., 1., 1.]], dtype=float32)
    """
    images, masks = check_pair(images, masks)
    return np.where(masks == 1, np.asarray(fill, images.dtype), images)


def with_mask_channel(masked, masks) -> np.ndarray:
    """The improved network's input: the masked image and the mask as a fourth
    channel, ``(n, h, w, 4)``."""
    masked, masks = check_pair(masked, masks, "masked")
    return np.concatenate([masked, masks.astype(masked.dtype)], axis=-1)


def composite(masked, masks, prediction) -> np.ndarray:
    """Keep the known pixels, take the prediction inside the hole only."""
    masked, masks = check_pair(masked, masks, "masked")
    prediction = check_array(prediction, "prediction", ndim=4)
    if prediction.shape != masked.shape:
        raise ValueError(f"prediction must have shape {masked.shape}, got "
                         f"{prediction.shape}")
    return np.where(masks == 1, prediction, masked).astype(masked.dtype)

def known_mean(masked, masks) -> np.ndarray:
    """Mean colour of each image's known pixels, shape ``(n, 1, 1, c)``."""
    masked, masks = check_pair(masked, masks, "masked")
    known = 1.0 - masks
    return ((masked * known).sum(axis=(1, 2), keepdims=True)
            / known.sum(axis=(1, 2), keepdims=True)).astype(masked.dtype)


def centre(images, mean, masks=None) -> np.ndarray:
    """Shift each image so that its known mean colour sits at 0.5.

    ``x - mean + 0.5``; with ``masks``, the hole is set to 0.5 (the
    network's input). Applied to the targets as well, the network starts
    from the mean-fill answer (0.5 in the hole) and learns only the
    deviations from it; :func:`uncentre` undoes the shift. The result is not
    clipped: in a high-contrast patch it may leave [0, 1], and clipping
    would destroy information that :func:`uncentre` could not bring back.

    Parameters
    ----------
    images : ndarray of shape ``(n, h, w, c)``
    mean : ndarray of shape ``(n, 1, 1, c)``, from :func:`known_mean`
    masks : ndarray of shape ``(n, h, w, 1)``, optional
    """
    images = check_array(images, "images", ndim=4)
    mean = check_array(mean, "mean", ndim=4)
    want = (len(images), 1, 1, images.shape[-1])
    if mean.shape != want:
        raise ValueError(f"mean must have shape {want}, got {mean.shape}; "
                         "compute it with known_mean")
    out = images - mean + 0.5
    if masks is not None:
        images, masks = check_pair(images, masks, "images")
        out = np.where(masks == 1, 0.5, out)
    return out.astype(images.dtype)


def uncentre(centred, mean) -> np.ndarray:
    """Undo :func:`centre`: ``clip(y + mean - 0.5, 0, 1)``, clipped because
    the result is an image (a prediction may overshoot [0, 1])."""
    centred = check_array(centred, "centred", ndim=4)
    mean = check_array(mean, "mean", ndim=4)
    return np.clip(centred + mean - 0.5, 0, 1).astype(centred.dtype)
