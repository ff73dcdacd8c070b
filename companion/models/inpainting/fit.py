"""Training the inpainting network in Keras: the hole-weighted loss and the
fit loop with progress lines (chapter 5)."""

from __future__ import annotations

import numpy as np

from ..._validate import check_array, check_int
from .holes import check_pair


def weighted_mse(hole_weight: float = 1.0, known_weight: float = 1.0):
    """A Keras loss: squared error weighted by pixel, averaged per image.

    ``y_true`` packs the target and the mask, shape ``(n, h, w, 4)``
    (:func:`pack_targets`). Each pixel weighs ``hole_weight`` inside the hole
    and ``known_weight`` outside; the loss of an image is
    ``sum(w * (y - y_hat)**2) / sum(w)`` over pixels and channels. With both
    weights 1 it is the article's plain MSE over the whole image.
    """
    import keras

    hole_weight = _check_weight(hole_weight, "hole_weight")
    known_weight = _check_weight(known_weight, "known_weight")
    if hole_weight == 0:
        raise ValueError("hole_weight must be > 0: the hole is what is learned")
    ops = keras.ops

    def loss(y_true, y_pred):
        target, mask = y_true[..., :3], y_true[..., 3:]
        w = known_weight + (hole_weight - known_weight) * mask
        num = ops.sum(w * ops.square(target - y_pred), axis=(1, 2, 3))
        return num / (3.0 * ops.sum(w, axis=(1, 2, 3)))

    loss.__name__ = f"weighted_mse_{hole_weight:g}_{known_weight:g}"
    return loss


def _check_weight(value, name):
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{name} must be a number, got {value!r}")
    if not (value >= 0 and np.isfinite(value)):
        raise ValueError(f"{name} must be a finite number >= 0, got {value!r}")
    return float(value)


def pack_targets(originals, masks) -> np.ndarray:
    """``(n, h, w, 4)``: the target image and its mask, for :func:`weighted_mse`."""
    originals, masks = check_pair(originals, masks, "originals")
    return np.concatenate([originals, masks.astype(originals.dtype)], axis=-1)


def fit_keras(model, inputs, originals, masks, *, hole_weight: float = 1.0,
              known_weight: float = 1.0, epochs: int = 1, batch_size: int = 16,
              learning_rate: float = 1e-3, cosine_decay: bool = False,
              log_every: int | None = None, verbose: bool = True, log=print,
              steps_per_execution: int = 1) -> dict:
    """Compile ``model`` with Adam and :func:`weighted_mse`, and train it:
    :func:`companion.models.training.fit_keras` with the masked loss.

    Parameters
    ----------
    inputs : ndarray of shape ``(n, h, w, c)``
        What the network sees (masked images, with the mask channel or not).
    originals, masks : ndarrays of shape ``(n, h, w, 3)`` and ``(n, h, w, 1)``
        The targets and their holes.
    hole_weight, known_weight : float
        Loss weights inside and outside the hole (:func:`weighted_mse`).
    cosine_decay : bool
        Lower the learning rate along a cosine to 5% of ``learning_rate`` by
        the last step (``keras.optimizers.schedules.CosineDecay``).
    log_every : int, optional
        Log the running loss every ``log_every`` batches; by default once per
        epoch.
    verbose : bool
        Log the progress lines.
    log : callable
        Receives each line of progress when ``verbose`` (``print`` by
        default).
    steps_per_execution : int
        Training steps run inside one compiled call (Keras'
        ``steps_per_execution``): the same steps, with less Python overhead
        per step, which matters for small batches on a CPU. Progress is seen
        only at the end of each call, so ``log_every`` should be a multiple.

    Returns
    -------
    dict
        The history of :func:`companion.models.training.fit_keras`: ``loss``
        per epoch, ``progress`` (the ``(step, running loss)`` pair of every
        logged line) and ``seconds``.
    """
    from ..training import fit_keras as fit

    inputs = check_array(inputs, "inputs", ndim=4)
    y = pack_targets(originals, masks)
    if len(inputs) != len(y):
        raise ValueError(f"inputs holds {len(inputs)} images but originals "
                         f"{len(y)}; pass one target per input")
    epochs = check_int(epochs, "epochs", minimum=1)
    batch_size = check_int(batch_size, "batch_size", minimum=1)
    every = -(-len(y) // batch_size) if log_every is None else check_int(
        log_every, "log_every", minimum=1)
    return fit(model, inputs, y, epochs=epochs, batch_size=batch_size,
               seed=None, verbose=verbose, log=log, learning_rate=learning_rate,
               loss=weighted_mse(hole_weight, known_weight),
               schedule="cosine" if cosine_decay else "constant", alpha=0.05,
               log_every=every, steps_per_execution=steps_per_execution)
