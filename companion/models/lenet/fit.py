"""Training LeNet: the article's recipe, modernised, over the shared fits.

Adam, L2 on the kernels, a staircase exponential decay of the learning rate
(``decay_rate`` after every epoch) and an exponential moving average (EMA) of
the weights that replaces them at the end. :func:`fit_keras` and
:func:`fit_torch` pass the first three to
:func:`companion.models.training.fit_keras` / ``fit_torch`` and add the
moving average.
"""

from __future__ import annotations

from ..._validate import check_int
from .. import training
from .arch import check_nonneg


def ema_decay(step: int, decay: float) -> float:
    """Decay of the weights' moving average at ``step`` (0-based).

    ``min(decay, (1 + step) / (10 + step))``, TensorFlow 1's
    ``ExponentialMovingAverage(decay, num_updates=global_step)`` as the
    article uses it: the average follows the weights closely early on, when
    they change fast, and settles to ``decay``.

    Examples
    --------
    >>> ema_decay(0, 0.99), ema_decay(10_000, 0.99)
    (0.1, 0.99)
    """
    step = check_int(step, "step", minimum=0)
    return min(float(decay), (1 + step) / (10 + step))


def _check_ema(ema):
    if ema is not None and (isinstance(ema, bool) or not isinstance(
            ema, (int, float)) or not 0 < float(ema) < 1):
        raise ValueError(f"ema must be None or in (0, 1), got {ema!r}")
    return ema


def fit_keras(model, x, y, *, epochs=4, batch_size=100, learning_rate=1e-3,
              decay_rate=0.7, ema=0.99, validation=None, verbose=True, seed=0,
              log=print, callbacks=()):
    """Train a Keras LeNet (logits output) with the modernised recipe.

    :func:`companion.models.training.fit_keras` with
    ``loss="cross_entropy"`` and ``schedule="exponential"`` (the article's
    ``tf.train.exponential_decay`` with ``staircase=True``), plus the L2 terms
    the model's ``kernel_regularizer`` adds; an exponential moving average of
    the trainable weights (decay :func:`ema_decay`) replaces the weights at
    the end (``ema=None``: off; :class:`companion.models.callbacks.MovingAverage`).
    ``validation`` is scored with the current, not averaged, weights after
    each epoch. ``log`` receives the progress lines when ``verbose``;
    ``callbacks`` run after the moving average's.

    Returns
    -------
    dict
        As :func:`companion.models.training.fit_keras`: ``loss`` and
        ``accuracy`` per epoch (training batches, dropout on),
        ``val_loss`` and ``val_accuracy`` with ``validation``, ``seconds``.
    """
    ema = _check_ema(ema)
    extra = list(callbacks)
    if ema is not None:
        from ..callbacks import MovingAverage

        extra.insert(0, MovingAverage(lambda step: ema_decay(step, ema)))
    return training.fit_keras(
        model, x, y, epochs=epochs, batch_size=batch_size, seed=seed,
        verbose=verbose, learning_rate=learning_rate, loss="cross_entropy",
        schedule="exponential", decay_rate=decay_rate, validation=validation,
        callbacks=extra, log=log)


def fit_torch(model, x, y, *, epochs=4, batch_size=100, learning_rate=1e-3,
              decay_rate=0.7, l2=None, ema=0.99, validation=None, verbose=True,
              seed=0, log=print, device=None):
    """Train a PyTorch LeNet with the same recipe as :func:`fit_keras`.

    :func:`companion.models.training.fit_torch` with
    ``loss="cross_entropy"``, ``schedule="exponential"``, ``l2`` (PyTorch
    models carry no regulariser: the penalty is added to the loss) and the
    batch order drawn by ``torch.randperm`` (``shuffle="torch"``); the
    weights are replaced by their moving average at the end. Only parameters
    with ``requires_grad`` are trained (freeze layers with
    ``requires_grad_(False)``). ``x`` is channels-last NumPy ``(n, h, w, c)``.
    ``l2=None`` takes the factor the model was built with
    (``build_torch(l2=...)``, as ``build_keras`` puts it in the model).
    ``device`` (for example ``course_device()``) is where the model and the
    batches go (``None``: where the model is); ``log`` receives the progress
    lines.

    Returns
    -------
    dict as :func:`fit_keras`.
    """
    ema = _check_ema(ema)
    if l2 is None:
        l2 = getattr(model, "l2", 0.0)
    l2 = check_nonneg(l2, "l2")
    import torch

    if device is not None and training.framework_of(model) == "torch":
        model.to(training.check_device(device))
    params = [p for p in model.parameters() if p.requires_grad] \
        if training.framework_of(model) == "torch" else []
    shadow = [p.detach().clone() for p in params] if ema is not None else None

    def average(step):
        d = ema_decay(step, ema)
        with torch.no_grad():
            for s, p in zip(shadow, params):
                s.mul_(d).add_(p.detach(), alpha=1 - d)

    history = training.fit_torch(
        model, x, y, epochs=epochs, batch_size=batch_size,
        learning_rate=learning_rate, loss="cross_entropy", seed=seed,
        verbose=verbose, schedule="exponential", decay_rate=decay_rate, l2=l2,
        shuffle="torch", validation=validation,
        on_step=None if shadow is None else average, log=log)
    if shadow is not None:
        with torch.no_grad():
            for s, p in zip(shadow, params):
                p.copy_(s)
    return history

