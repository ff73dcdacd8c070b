"""Training SmallNet: the shared PyTorch loop with SmallNet's defaults."""

from __future__ import annotations

from .. import training


def fit_torch(model, x, y, *, epochs=3, batch_size=64, learning_rate=3e-3,
              seed=0, verbose=True, log=print, device=None) -> dict:
    """Train a PyTorch SmallNet with Adam and cross-entropy.

    :func:`companion.models.training.fit_torch` with
    ``loss="cross_entropy"`` and the batch order drawn by ``torch.randperm``
    (``shuffle="torch"``) from ``seed``. ``x`` is ``(n, 28, 28, 1)``
    channels-last, ``y`` integer labels 0-9. ``device`` (for example
    ``course_device()``) is where the model and the batches go (``None``:
    where the model is); ``log`` receives the progress lines.

    Returns
    -------
    dict
        ``loss`` and ``accuracy`` of each epoch, ``progress`` and ``seconds``,
        as :func:`companion.models.training.fit_torch`. The model is left in
        eval mode.
    """
    from .numpy_model import check_images

    return training.fit_torch(
        model, check_images(x), y, epochs=epochs, batch_size=batch_size,
        learning_rate=learning_rate, loss="cross_entropy", seed=seed,
        verbose=verbose, shuffle="torch", log=log, device=device)
