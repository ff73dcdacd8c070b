"""The Keras callbacks of the shared fits, defined once at module level.

:class:`Progress` records (and prints) the progress of
:func:`companion.models.training.fit_keras`; :class:`MovingAverage` keeps an
exponential moving average of the trainable weights and writes it into the
model at the end (LeNet's recipe, :func:`companion.models.lenet.fit_keras`).
This module imports Keras when it is imported; the fits load it on first use.
"""

from __future__ import annotations

import time

import keras

from .fit_checks import progress_line


class Progress(keras.callbacks.Callback):
    """Fill ``history`` while Keras trains, and log progress lines.

    ``history`` holds a list per quantity (``loss``, ``accuracy``, ...,
    ``progress``); after each epoch the quantities Keras logged are appended.
    With ``every=None`` one ``(step, loss)`` pair and one line per epoch;
    otherwise the running loss every ``every`` steps and at the last step.
    Lines go to ``log`` when ``verbose``; ``start`` is the
    ``time.perf_counter()`` the epoch lines count seconds from.
    """

    def __init__(self, history, *, epochs, per_epoch, every=None,
                 verbose=True, log=print, start=None):
        super().__init__()
        self.history = history
        self.epochs, self.per_epoch, self.every = epochs, per_epoch, every
        self.total = epochs * per_epoch
        self.verbose, self.log = verbose, log
        self.start = time.perf_counter() if start is None else start
        self.epoch = 0

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        step = self.epoch * self.per_epoch + batch + 1
        every = self.every
        if every is not None and (step % every == 0 or step == self.total):
            self.history["progress"].append((step, float(logs["loss"])))
            if self.verbose:
                self.log(f"step {step:4d}/{self.total}  loss {logs['loss']:.5f}")

    def on_epoch_end(self, epoch, logs=None):
        for key in self.history:
            if key in logs:
                self.history[key].append(float(logs[key]))
        if self.every is None:
            self.history["progress"].append(((epoch + 1) * self.per_epoch,
                                             self.history["loss"][-1]))
            if self.verbose:
                self.log(progress_line(epoch, self.epochs, self.history,
                                       time.perf_counter() - self.start))


class MovingAverage(keras.callbacks.Callback):
    """An exponential moving average of the trainable weights.

    After the optimiser step ``k`` (0-based) each shadow weight becomes
    ``d * shadow + (1 - d) * weight`` with ``d = decay_at(k)``; the shadows
    start as the weights before training and replace them when training
    ends.
    """

    def __init__(self, decay_at):
        super().__init__()
        if not callable(decay_at):
            raise TypeError(f"decay_at must be callable, got {decay_at!r}")
        self.decay_at = decay_at
        self.step, self.shadow = 0, []

    def on_train_begin(self, logs=None):
        self.step = 0
        self.shadow = [keras.ops.convert_to_numpy(v).copy()
                       for v in self.model.trainable_weights]

    def on_train_batch_end(self, batch, logs=None):
        d = self.decay_at(self.step)
        for s, v in zip(self.shadow, self.model.trainable_weights):
            s *= d
            s += (1 - d) * keras.ops.convert_to_numpy(v)
        self.step += 1

    def on_train_end(self, logs=None):
        for s, v in zip(self.shadow, self.model.trainable_weights):
            v.assign(s)
