"""A small dilated network that learns to continue strokes into a hole
(chapter 5, "Where learning pays").

:func:`build_dilated_torch` stacks 3 x 3 "same"-padded convolutions whose
dilations grow and shrink again (1, 2, 4, 8, 4, 2, 1 by default), each followed
by LeakyReLU(0.2), and ends in one 3 x 3 convolution to the image's channels.
It sees the masked image and the mask, and never pools, so every pixel keeps
its place. :func:`receptive_field` says how far it sees; :func:`stroke_masks`
places holes that cut the strokes of a drawing; :func:`fit_dilated` trains it
on fresh random holes every step with a loss over the hole only;
:func:`dilated_fill` applies it. PyTorch is imported inside the functions.
"""

from __future__ import annotations

import time

import numpy as np

from ..._validate import check_array, check_int
from ..training import check_device, train_steps
from .holes import check_hole, check_pair, composite, square_mask

#: The default dilations: the receptive field grows to 47 pixels.
DILATIONS = (1, 2, 4, 8, 4, 2, 1)


def _check_dilations(dilations):
    if isinstance(dilations, (str, bytes)) or not hasattr(dilations, "__len__") \
            or len(dilations) == 0:
        raise TypeError(f"dilations must be a non-empty sequence of ints >= 1, "
                        f"got {dilations!r}")
    return tuple(check_int(d, "dilations[i]", minimum=1) for d in dilations)


def receptive_field(dilations=DILATIONS) -> int:
    """Side of the window one output pixel of :func:`build_dilated_torch` sees.

    A 3 x 3 convolution with dilation ``d`` widens the window by ``2 d``; the
    last convolution (dilation 1) by 2 more.

    >>> receptive_field()
    47
    """
    return 1 + 2 * sum(_check_dilations(dilations)) + 2


def build_dilated_torch(*, image_channels: int = 1, channels: int = 16,
                        dilations=DILATIONS):
    """The dilated inpainter as a ``torch.nn.Sequential`` (NCHW).

    Input: the masked image and the mask, ``image_channels + 1`` channels;
    output: ``image_channels`` channels, the network's picture of the whole
    image (only its hole is used, :func:`dilated_fill`). Every layer keeps
    the image's size ("same" padding equal to the dilation).
    """
    image_channels = check_int(image_channels, "image_channels", minimum=1)
    channels = check_int(channels, "channels", minimum=1)
    dilations = _check_dilations(dilations)
    from torch import nn

    layers, c = [], image_channels + 1
    for d in dilations:
        layers += [nn.Conv2d(c, channels, 3, padding=d, dilation=d),
                   nn.LeakyReLU(0.2)]
        c = channels
    layers.append(nn.Conv2d(c, image_channels, 3, padding=1))
    return nn.Sequential(*layers)


def stroke_masks(images, hole: int, *, seed: int = 0, min_ink: float = 0.1,
                 tries: int = 100) -> np.ndarray:
    """One ``hole x hole`` square per image, placed where it cuts a stroke.

    For each image, corners are drawn uniformly (``np.random.default_rng
    (seed)``) until the square covers at least ``min_ink`` of ink, ink being
    a pixel above 0.5 in the first channel (a pen stroke on a dark ground,
    as in MNIST). After ``tries`` draws the inkiest square drawn is kept.

    Returns
    -------
    ndarray of shape ``(n, h, w, 1)``, float32 of 0 and 1

    Examples
    --------
    >>> x = np.zeros((1, 12, 12, 1), np.float32); x[0, :, 5] = 1.0  # a line
    >>> m = stroke_masks(x, 4, seed=0)
    >>> bool((m[0, :, 5, 0] == 1).any())  # the hole cuts the line
    True
    """
    images = check_array(images, "images", ndim=4)
    n, h, w, _ = images.shape
    if h != w:
        raise ValueError(f"images must be square, got shape {images.shape}")
    size, hole = check_hole(h, hole)
    seed = check_int(seed, "seed", minimum=0)
    tries = check_int(tries, "tries", minimum=1)
    if isinstance(min_ink, bool) or not isinstance(min_ink, (int, float)) \
            or not 0 <= min_ink <= 1:
        raise ValueError(f"min_ink must be a number in [0, 1], got {min_ink!r}")
    rng = np.random.default_rng(seed)
    ink = images[..., 0] > 0.5
    out = np.empty((n, size, size, 1), np.float32)
    for i in range(n):
        best, best_ink = None, -1.0
        for _ in range(tries):
            t, left = (int(v) for v in rng.integers(0, size - hole + 1, size=2))
            share = ink[i, t:t + hole, left:left + hole].mean()
            if share > best_ink:
                best, best_ink = (t, left), share
            if share >= min_ink:
                break
        out[i] = square_mask(size, best[0], best[1], hole)
    return out


def _check_model(model):
    first = None
    try:
        first = model[0]
    except (TypeError, IndexError, KeyError):
        pass
    if not hasattr(first, "in_channels"):
        raise TypeError("model must be a network from build_dilated_torch, got "
                        f"{type(model).__name__}")


def fit_dilated(model, images, *, hole: int, steps: int, batch_size: int = 32,
                learning_rate: float = 2e-3, seed: int = 0, min_ink: float = 0.1,
                log_every: int | None = None, verbose: bool = True, log=print,
                threads: int | None = 1, device=None) -> dict:
    """Train :func:`build_dilated_torch` on fresh holes every step.

    Each step draws ``batch_size`` images from ``images`` and a new
    :func:`stroke_masks` hole for each, so no two steps see the same example;
    the steps are the shared loop of every PyTorch fit
    (:func:`companion.models.training.train_steps`), fed one fresh batch at a
    time.
    The loss is the squared error over the hole pixels only (the known pixels
    are kept anyway, :func:`dilated_fill`). Adam with a one-cycle schedule
    (warm up to ``learning_rate`` over the first 30% of the steps, then
    anneal). ``seed`` fixes the batches and the holes; the starting weights
    are fixed by seeding before :func:`build_dilated_torch`
    (``companion.utils.set_seeds``).

    ``threads`` sets PyTorch's CPU threads while training on the CPU
    (restored after): one by default, because on batches this small a
    second thread mostly waits for the first, and on a busy machine it costs
    several times the CPU time; ``None`` keeps PyTorch's setting. On a GPU
    it is not used.

    ``device`` (for example ``course_device()``) is where the model and the
    batches go (``None``: where the model is). ``log`` receives a progress
    line every ``log_every`` steps and at the last one when ``verbose``.

    Returns
    -------
    dict
        The history of the shared fits
        (:func:`companion.models.training.fit_torch`): ``progress``, the
        ``(step, mean hole loss since the previous line)`` of every logged
        line; ``loss``, those means alone (there are no epochs: each step
        sees new examples); ``seconds``.
    """
    import torch

    images = check_array(images, "images", ndim=4)
    _check_model(model)
    if images.shape[-1] + 1 != model[0].in_channels:
        raise ValueError(f"images have {images.shape[-1]} channels but the "
                         f"model reads {model[0].in_channels} (image + mask)")
    hole = check_int(hole, "hole", minimum=1)
    steps = check_int(steps, "steps", minimum=1)
    batch_size = check_int(batch_size, "batch_size", minimum=1)
    seed = check_int(seed, "seed", minimum=0)
    every = steps if log_every is None else check_int(log_every, "log_every",
                                                      minimum=1)
    if isinstance(learning_rate, bool) or not isinstance(learning_rate, (int, float)) \
            or not learning_rate > 0:
        raise ValueError(f"learning_rate must be a number > 0, got {learning_rate!r}")
    if threads is not None:
        threads = check_int(threads, "threads", minimum=1)
    if not callable(log):
        raise TypeError(f"log must be callable, got {log!r}")
    if device is not None:
        model.to(check_device(device))
    on_cpu = next(model.parameters()).device.type == "cpu"
    saved = torch.get_num_threads()
    start = time.perf_counter()
    try:
        if threads is not None and on_cpu:
            torch.set_num_threads(threads)
        progress = _train(model, images, hole, steps, batch_size,
                          learning_rate, seed, min_ink, every,
                          log if verbose else None)
    finally:
        torch.set_num_threads(saved)
    return {"loss": [loss for _, loss in progress], "progress": progress,
            "seconds": time.perf_counter() - start}


def _train(model, images, hole, steps, batch_size, learning_rate, seed, min_ink,
           every, log):
    import torch

    from ...layouts import to_torch

    param = next(model.parameters())
    put = dict(dtype=param.dtype, device=param.device)
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    opt = torch.optim.Adam(model.parameters(), lr=learning_rate)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, learning_rate,
                                                total_steps=steps)

    def fresh_batches():
        """``steps`` batches, each of new images and new holes."""
        for _ in range(steps):
            x = images[rng.integers(0, len(images), batch_size)]
            m = stroke_masks(x, hole, seed=int(rng.integers(2**31)),
                             min_ink=min_ink)
            xt, mt = to_torch(x, **put), to_torch(m, **put)
            yield torch.cat([xt * (1 - mt), mt], dim=1), (xt, mt)

    def hole_loss(pred, target):
        xt, mt = target
        return (((pred - xt) ** 2) * mt).sum() / (mt.sum() * xt.shape[1])

    model.train()
    history, running = [], 0.0
    trained = train_steps(model, opt, fresh_batches(), hole_loss)
    for step, (_, _, loss) in enumerate(trained, start=1):
        sched.step()
        running += float(loss.detach())
        if step % every == 0 or step == steps:
            count = step - (history[-1][0] if history else 0)
            history.append((step, running / count))
            running = 0.0
            if log is not None:
                log(f"step {step:4d}/{steps}  hole loss {history[-1][1]:.5f}")
    model.eval()
    return history


def dilated_fill(model, masked, masks, *, batch_size: int = 500) -> np.ndarray:
    """Fill each hole with the network's picture, clipped to [0, 1]; known
    pixels unchanged. NHWC NumPy in and out."""
    import torch

    masked, masks = check_pair(masked, masks, "masked")
    batch_size = check_int(batch_size, "batch_size", minimum=1)
    _check_model(model)
    if masked.shape[-1] + 1 != model[0].in_channels:
        raise ValueError(f"masked has {masked.shape[-1]} channels but the "
                         f"model reads {model[0].in_channels} (image + mask)")
    from ...layouts import from_torch, to_torch

    param = next(model.parameters())
    put = dict(dtype=param.dtype, device=param.device)
    out = []
    model.eval()
    with torch.no_grad():
        for i in range(0, len(masked), batch_size):
            x = to_torch(np.where(masks[i:i + batch_size] == 1, 0,
                                  masked[i:i + batch_size]), **put)
            m = to_torch(masks[i:i + batch_size], **put)
            out.append(from_torch(model(torch.cat([x, m], dim=1))))
    pred = np.clip(np.concatenate(out), 0, 1).astype(masked.dtype)
    return composite(masked, masks, pred)
