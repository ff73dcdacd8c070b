"""Training and inference shared by every network: one Keras fit, one PyTorch
loop, parameter counts and batched PyTorch prediction.

- :func:`framework_of` says whether a model is Keras or PyTorch;
- :func:`count_params` counts the weights of either;
- :func:`predict_torch` runs a PyTorch model on channels-last NumPy data;
- :func:`fit_keras` compiles a Keras model with Adam and trains it;
- :func:`fit_torch` is the same recipe as a PyTorch loop.

Both fits take the data channels-last (NHWC NumPy, as everywhere in the
companion), seed what they shuffle from ``seed``, hand one progress line per
epoch to ``log`` (``print`` by default) when ``verbose`` and return a history
dict in the form of Keras' ``History.history``: a list per quantity
(``loss``, ``accuracy`` for classifiers, ``val_loss`` and ``val_accuracy``
with ``validation``), plus ``progress`` (the ``(step, loss)`` of every
progress line) and the wall-clock ``seconds``. :func:`fit_torch` trains on
the ``device`` it is given (the chapters pass ``course_device()``).
Network-specific recipes are thin wrappers over these:
:func:`companion.models.lenet.fit_keras` adds LeNet's moving average of the
weights, :func:`companion.models.deconvnet.fit_torch` its defaults.

TensorFlow, Keras and PyTorch are imported inside the functions only.
"""

from __future__ import annotations

import sys
import time

import numpy as np

from .._validate import check_array, check_choice, check_int, short_repr
from .fit_checks import LOSSES, SCHEDULES, check_fit, progress_line

__all__ = ["framework_of", "check_device", "count_params", "predict_torch",
           "fit_keras", "fit_torch", "train_steps", "LOSSES", "SCHEDULES"]

def framework_of(model) -> str:
    """``"keras"`` for a Keras model or layer, ``"torch"`` for a ``torch.nn.Module``.

    Neither framework is imported to find out. Anything else raises
    ``TypeError`` naming ``model``.

    Examples
    --------
    >>> framework_of("lenet")
    Traceback (most recent call last):
    ...
    TypeError: model must be a keras.Model or a torch.nn.Module, got str
    """
    torch = sys.modules.get("torch")
    if torch is not None and isinstance(model, torch.nn.Module):
        return "torch"
    if any(c.__module__.split(".")[0] == "keras" for c in type(model).__mro__):
        return "keras"
    raise TypeError("model must be a keras.Model or a torch.nn.Module, got "
                    f"{type(model).__name__}")


def check_device(device):
    """``device`` as a ``torch.device`` (``"cpu"``, ``"cuda"``, ``"cuda:0"``, a
    ``torch.device``); anything else raises naming ``device``."""
    import torch

    if isinstance(device, torch.device):
        return device
    if not isinstance(device, str):
        raise TypeError(f"device must be a str such as 'cpu' or 'cuda', or a "
                        f"torch.device, got {short_repr(device)}")
    try:
        return torch.device(device)
    except RuntimeError as err:
        raise ValueError(f"device must name a PyTorch device such as 'cpu' or "
                         f"'cuda', got {short_repr(device)} ({err})") from None


def count_params(model) -> int:
    """Number of weights of a Keras or PyTorch model (trainable or not).

    Keras' ``model.count_params()``; for PyTorch the sum of ``p.numel()`` over
    ``model.parameters()``.
    """
    if framework_of(model) == "keras":
        return int(model.count_params())
    return int(sum(p.numel() for p in model.parameters()))


def _model_dtype_device(model):
    p = next(model.parameters(), None)
    if p is None:
        import torch
        return torch.float32, "cpu"
    return p.dtype, p.device


def predict_torch(model, x, *, batch_size: int = 32) -> np.ndarray:
    """A PyTorch model's output for channels-last NumPy ``x``, in eval mode.

    ``x`` (NHWC) goes to the model as NCHW tensors in the dtype and on the
    device of its parameters, ``batch_size`` images at a time, without
    gradients. A 4-dimensional output (an image) comes back NHWC; any other
    output (logits ``(n, classes)``) as it is. The model is left in eval mode.
    """
    if framework_of(model) != "torch":
        raise TypeError(f"model must be a torch.nn.Module, got "
                        f"{type(model).__name__}; call a Keras model's predict")
    x = check_array(x, "x", ndim=4)
    batch_size = check_int(batch_size, "batch_size", minimum=1)
    import torch

    from ..layouts import from_torch, to_torch

    dtype, device = _model_dtype_device(model)
    model.eval()
    out = []
    with torch.no_grad():
        for i in range(0, len(x), batch_size):
            y = model(to_torch(x[i:i + batch_size], dtype=dtype, device=device))
            out.append(from_torch(y) if y.ndim == 4
                       else y.detach().cpu().numpy())
    return np.concatenate(out)


# --------------------------------------------------------------------------
# Keras
# --------------------------------------------------------------------------

def fit_keras(model, x, y, *, epochs: int, batch_size: int = 32, seed=0,
              verbose: bool = True, learning_rate: float = 1e-3, loss="mse",
              schedule: str = "constant", decay_rate: float = 1.0,
              alpha: float = 0.0, validation=None, callbacks=(),
              log_every: int | None = None, steps_per_execution: int = 1,
              log=print) -> dict:
    """Compile ``model`` with Adam and ``loss``, and train it with ``model.fit``.

    Parameters
    ----------
    model : keras.Model
        Built; compiled or not (it is compiled here).
    x, y : ndarrays
        Inputs ``(n, h, w, c)`` and targets: integer labels ``(n,)`` for
        ``loss="cross_entropy"``, arrays with ``n`` rows otherwise.
    epochs, batch_size : int
        Batches are drawn in a new shuffled order every epoch (Keras'
        ``shuffle=True``).
    seed : int or None
        ``keras.utils.set_random_seed(seed)`` right before ``fit`` (Python,
        NumPy and the backend: shuffling, dropout). ``None`` leaves the
        generators as the caller seeded them.
    verbose : bool
        Print one progress line per epoch (or every ``log_every`` steps).
    log : callable
        Receives each progress line when ``verbose`` (``print`` by default).
    learning_rate : float
        Adam's step size at the start.
    loss : ``"mse"``, ``"cross_entropy"`` or a Keras loss callable
        ``"cross_entropy"``: sparse categorical cross-entropy of logits, with
        the accuracy as a metric. Regularisation losses of the layers
        (``kernel_regularizer``) are added by Keras.
    schedule : ``"constant"``, ``"exponential"`` or ``"cosine"``
        ``"exponential"``: the rate is multiplied by ``decay_rate`` after each
        epoch (``ExponentialDecay`` with ``staircase=True``). ``"cosine"``:
        it falls along half a cosine to ``alpha * learning_rate`` at the last
        step (``CosineDecay``).
    validation : ``(x_val, y_val)``, optional
        Scored after each epoch with the current weights (``val_loss``,
        ``val_accuracy``).
    callbacks : sequence of keras.callbacks.Callback
        Called after the progress callback.
    log_every : int, optional
        Print (and record in ``history["progress"]``) the running loss every
        ``log_every`` steps and at the last step, instead of once per epoch.
    steps_per_execution : int
        Training steps inside one compiled call (Keras'
        ``steps_per_execution``): the same steps with less overhead per step;
        progress is seen only at the end of each call.

    Returns
    -------
    dict
        ``loss`` (and ``accuracy``, ``val_loss``, ``val_accuracy`` where they
        apply) per epoch, ``progress``: the ``(step, loss)`` pair of every
        progress line, and ``seconds``.
    """
    x, y, validation = check_fit(x, y, epochs, batch_size, learning_rate, loss,
                                  schedule, decay_rate, alpha, validation,
                                  verbose)
    if framework_of(model) != "keras":
        raise TypeError(f"model must be a keras.Model, got "
                        f"{type(model).__name__}; use fit_torch")
    if seed is not None:
        seed = check_int(seed, "seed", minimum=0)
    if not callable(log):
        raise TypeError(f"log must be callable, got {short_repr(log)}")
    every = None if log_every is None else check_int(log_every, "log_every",
                                                     minimum=1)
    steps_per_execution = check_int(steps_per_execution, "steps_per_execution",
                                    minimum=1)
    import keras

    per_epoch = -(-len(x) // batch_size)
    total = epochs * per_epoch
    rate = learning_rate
    if schedule == "exponential":
        rate = keras.optimizers.schedules.ExponentialDecay(
            learning_rate, decay_steps=per_epoch, decay_rate=decay_rate,
            staircase=True)
    elif schedule == "cosine":
        rate = keras.optimizers.schedules.CosineDecay(learning_rate, total,
                                                      alpha=alpha)
    metrics = []
    if loss == "cross_entropy":
        loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
        metrics = ["accuracy"]
    model.compile(optimizer=keras.optimizers.Adam(rate), loss=loss,
                  metrics=metrics, steps_per_execution=steps_per_execution)
    history = {"loss": []}
    if metrics:
        history["accuracy"] = []
    if validation is not None:
        history["val_loss"] = []
        if metrics:
            history["val_accuracy"] = []
    history["progress"] = []
    start = time.perf_counter()
    from .callbacks import Progress

    progress = Progress(history, epochs=epochs, per_epoch=per_epoch,
                        every=every, verbose=verbose, log=log, start=start)
    if seed is not None:
        keras.utils.set_random_seed(seed)
    model.fit(x, y, batch_size=batch_size, epochs=epochs, shuffle=True,
              verbose=0, validation_data=validation,
              validation_batch_size=None if validation is None else 500,
              callbacks=[progress, *callbacks])
    history["seconds"] = time.perf_counter() - start
    return history


# --------------------------------------------------------------------------
# PyTorch
# --------------------------------------------------------------------------

def _torch_loss(loss):
    import torch.nn.functional as F

    if loss == "mse":
        return F.mse_loss
    if loss == "cross_entropy":
        return F.cross_entropy
    return loss


def _torch_targets(y, dtype, device):
    import torch

    from ..layouts import to_torch

    if np.issubdtype(y.dtype, np.integer):
        return torch.from_numpy(y.astype(np.int64)).to(device)
    if y.ndim == 4:
        return to_torch(y, dtype=dtype, device=device)
    return torch.from_numpy(np.ascontiguousarray(y)).to(device=device,
                                                        dtype=dtype)


def fit_torch(model, x, y, *, epochs: int, batch_size: int = 32,
              learning_rate: float = 1e-3, loss="mse", seed: int = 0,
              verbose: bool = True, schedule: str = "constant",
              decay_rate: float = 1.0, alpha: float = 0.0, l2: float = 0.0,
              shuffle: str = "numpy", validation=None, on_step=None,
              device=None, log=print) -> dict:
    """Train a PyTorch model with Adam: the loop :func:`fit_keras` runs in Keras.

    Parameters
    ----------
    model : torch.nn.Module
        Only its parameters with ``requires_grad`` are trained (freeze layers
        with ``requires_grad_(False)``). Left in eval mode.
    x, y : ndarrays
        Channels-last inputs ``(n, h, w, c)`` (converted with
        :func:`companion.layouts.to_torch` to the dtype and device of the
        model's parameters) and targets: integer labels ``(n,)`` for
        ``loss="cross_entropy"``, NHWC images, or rows.
    epochs, batch_size, learning_rate, loss, schedule, decay_rate, alpha,
    validation, verbose
        As in :func:`fit_keras`. The schedules are ``ExponentialLR`` (one
        step per epoch) and ``CosineAnnealingLR`` (one step per batch, down
        to ``alpha * learning_rate``). With ``loss="cross_entropy"`` the
        training accuracy is recorded too.
    seed : int
        Seeds the batch order and ``torch.manual_seed`` (dropout), inside
        ``torch.random.fork_rng``: the caller's global generator is left as
        it was.
    l2 : float
        Adds ``l2 * sum(w ** 2)`` over the trainable weights with more than
        one dimension (kernels, not biases) to the loss, like Keras'
        ``kernel_regularizer=L2(l2)``.
    shuffle : ``"numpy"`` or ``"torch"``
        Which generator, seeded with ``seed``, draws each epoch's order:
        ``np.random.default_rng(seed).permutation`` or ``torch.randperm``
        with a ``torch.Generator``. (The chapters' stored results were made
        with one or the other; both give a new order every epoch.)
    on_step : callable, optional
        ``on_step(step)`` after each optimiser step (``step`` counts from 0
        over the whole run), for example to update a moving average.
    device : str or torch.device, optional
        Where to train: the model is moved there first (``model.to(device)``,
        in place) and every batch goes there. ``None`` keeps the model where
        it is (the device of its parameters). Pass the chapters'
        ``course_device()``.
    log : callable
        Receives each progress line when ``verbose`` (``print`` by default).

    Returns
    -------
    dict
        ``loss`` (mean over the epoch's batches, weighted by batch size; and
        ``accuracy``, ``val_loss``, ``val_accuracy`` where they apply) per
        epoch, ``progress``: the ``(step, loss)`` pair of every progress line
        (one per epoch), and ``seconds``: the keys of :func:`fit_keras`.
    """
    x, y, validation = check_fit(x, y, epochs, batch_size, learning_rate, loss,
                                  schedule, decay_rate, alpha, validation,
                                  verbose)
    if framework_of(model) != "torch":
        raise TypeError(f"model must be a torch.nn.Module, got "
                        f"{type(model).__name__}; use fit_keras")
    seed = check_int(seed, "seed", minimum=0)
    shuffle = check_choice(shuffle, "shuffle", ("numpy", "torch"))
    if isinstance(l2, bool) or not isinstance(l2, (int, float)) or l2 < 0:
        raise ValueError(f"l2 must be a number >= 0, got {short_repr(l2)}")
    if on_step is not None and not callable(on_step):
        raise TypeError(f"on_step must be callable, got {short_repr(on_step)}")
    if not callable(log):
        raise TypeError(f"log must be callable, got {short_repr(log)}")
    if device is not None:
        model.to(check_device(device))
    params = [p for p in model.parameters() if p.requires_grad]
    if not params:
        raise ValueError("model has no parameter with requires_grad=True: "
                         "nothing to train")
    import torch

    from ..layouts import to_torch

    classify = loss == "cross_entropy"
    loss_fn = _torch_loss(loss)
    dtype, device = _model_dtype_device(model)
    xt = to_torch(x, dtype=dtype, device=device)
    yt = _torch_targets(y, dtype, device)
    penalised = [p for p in params if p.ndim > 1]
    penalty = (lambda: l2 * sum(p.pow(2).sum() for p in penalised)) if l2 \
        else None
    history = {"loss": []}
    if classify:
        history["accuracy"] = []
    if validation is not None:
        history["val_loss"] = []
        if classify:
            history["val_accuracy"] = []
    history["progress"] = []
    per_epoch = -(-len(x) // batch_size)
    start, step = time.perf_counter(), 0
    devices = [device] if device.type == "cuda" else []
    with torch.random.fork_rng(devices=devices):
        torch.manual_seed(seed)
        if shuffle == "torch":
            gen = torch.Generator().manual_seed(seed)
        else:
            rng = np.random.default_rng(seed)
        opt = torch.optim.Adam(params, lr=learning_rate)
        sched = None
        if schedule == "exponential":
            sched = torch.optim.lr_scheduler.ExponentialLR(opt, gamma=decay_rate)
        elif schedule == "cosine":
            sched = torch.optim.lr_scheduler.CosineAnnealingLR(
                opt, epochs * per_epoch, eta_min=alpha * learning_rate)
        for epoch in range(epochs):
            model.train()
            order = (torch.randperm(len(xt), generator=gen) if shuffle == "torch"
                     else torch.from_numpy(rng.permutation(len(xt))))
            total, correct = 0.0, 0
            batches = ((xt[idx], yt[idx]) for idx in (
                order[i:i + batch_size].to(device)
                for i in range(0, len(xt), batch_size)))
            for out, target, value in train_steps(model, opt, batches, loss_fn,
                                                  penalty=penalty):
                if schedule == "cosine":
                    sched.step()
                if on_step is not None:
                    on_step(step)
                step += 1
                total += float(value.detach()) * len(target)
                if classify:
                    correct += int((out.argmax(1) == target).sum())
            if schedule == "exponential":
                sched.step()
            history["loss"].append(total / len(xt))
            if classify:
                history["accuracy"].append(correct / len(xt))
            if validation is not None:
                _validate_torch(model, validation, loss_fn, classify, history,
                                dtype, device)
            history["progress"].append((step, history["loss"][-1]))
            if verbose:
                log(progress_line(epoch, epochs, history,
                                  time.perf_counter() - start))
    model.eval()
    history["seconds"] = time.perf_counter() - start
    return history


def train_steps(model, optimizer, batches, loss, *, penalty=None):
    """The optimisation loop of every PyTorch fit in the companion.

    For each ``(inputs, targets)`` that ``batches`` yields (tensors on the
    model's device; any iterable, so a fit can shuffle a fixed set epoch by
    epoch, as :func:`fit_torch` does, or draw a fresh batch every step, as
    :func:`companion.models.inpainting.fit_dilated` does): the forward pass,
    ``loss(output, targets)`` plus ``penalty()`` when given, the gradients and
    one ``optimizer`` step. It yields ``(output, targets, loss value)`` after
    each step; the caller steps its learning-rate schedule and records the
    loss. The next batch is drawn only when the caller asks for it.
    """
    for inputs, targets in batches:
        out = model(inputs)
        value = loss(out, targets)
        if penalty is not None:
            value = value + penalty()
        optimizer.zero_grad()
        value.backward()
        optimizer.step()
        yield out, targets, value


def _validate_torch(model, validation, loss_fn, classify, history, dtype,
                    device):
    import torch

    from ..layouts import to_torch

    xv, yv = validation
    out = predict_torch(model, xv, batch_size=500)
    with torch.no_grad():
        pred = to_torch(out) if out.ndim == 4 else torch.from_numpy(out)
        target = _torch_targets(yv, pred.dtype, "cpu")
        history["val_loss"].append(float(loss_fn(pred, target)))
    if classify:
        history["val_accuracy"].append(float(np.mean(out.argmax(1) == yv)))
