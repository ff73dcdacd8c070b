"""Argument checks and the progress line shared by
:func:`companion.models.training.fit_keras` and ``fit_torch``."""

from __future__ import annotations

import numpy as np

from .._validate import check_array, check_choice, check_int, short_repr

#: Losses both fits know by name (a callable is accepted too).
LOSSES = ("mse", "cross_entropy")
#: Learning-rate schedules both fits know.
SCHEDULES = ("constant", "exponential", "cosine")



def check_fit(x, y, epochs, batch_size, learning_rate, loss, schedule,
               decay_rate, alpha, validation, verbose):
    x = check_array(x, "x", ndim=4)
    if isinstance(loss, str):
        loss = check_choice(loss, "loss", LOSSES)
    elif not callable(loss):
        raise TypeError(f"loss must be one of {LOSSES} or a callable, got "
                        f"{short_repr(loss)}")
    y = _check_targets(x, y, loss, "y")
    epochs = check_int(epochs, "epochs", minimum=1)
    batch_size = check_int(batch_size, "batch_size", minimum=1)
    if isinstance(learning_rate, bool) or not isinstance(
            learning_rate, (int, float)) or not learning_rate > 0:
        raise ValueError(f"learning_rate must be a number > 0, got "
                         f"{short_repr(learning_rate)}")
    schedule = check_choice(schedule, "schedule", SCHEDULES)
    if isinstance(decay_rate, bool) or not isinstance(decay_rate, (int, float)) \
            or not 0 < decay_rate <= 1:
        raise ValueError(f"decay_rate must be a number in (0, 1], got "
                         f"{short_repr(decay_rate)}")
    if isinstance(alpha, bool) or not isinstance(alpha, (int, float)) \
            or not 0 <= alpha <= 1:
        raise ValueError(f"alpha must be a number in [0, 1], got {short_repr(alpha)}")
    if validation is not None:
        if not isinstance(validation, (tuple, list)) or len(validation) != 2:
            raise ValueError(f"validation must be a pair (x_val, y_val), got "
                             f"{short_repr(validation)}")
        xv = check_array(validation[0], "validation[0]", ndim=4)
        validation = (xv, _check_targets(xv, validation[1], loss,
                                         "validation[1]"))
    if not isinstance(verbose, (bool, int)):
        raise TypeError(f"verbose must be True or False, got {short_repr(verbose)}")
    return x, y, validation


def _check_targets(x, y, loss, name):
    if loss == "cross_entropy":
        y = np.asarray(y)
        if y.shape != (len(x),) or not np.issubdtype(y.dtype, np.integer):
            raise ValueError(f"{name} must be integer labels of shape "
                             f"({len(x)},) for loss='cross_entropy', got "
                             f"{short_repr(y)}")
        return y
    y = check_array(y, name)
    if len(y) != len(x):
        raise ValueError(f"{name} must hold one target per input: {len(x)}, "
                         f"got {len(y)}")
    return y


def progress_line(epoch, epochs, history, seconds):
    parts = [f"epoch {epoch + 1}/{epochs}"]
    for key in ("loss", "accuracy", "val_loss", "val_accuracy"):
        if history.get(key):
            value = history[key][-1]
            parts.append(f"{key} {value:.4f}" if "accuracy" in key
                         else f"{key} {value:.4g}")
    return "  ".join(parts) + f"  ({seconds:.0f} s)"
