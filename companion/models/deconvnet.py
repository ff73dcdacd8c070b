"""A small MNIST CNN and Zeiler and Fergus's deconvnet (chapter 3).

The network ("SmallNet") is LeNet-shaped and small enough to train in seconds
on the 4,000 training digits of :func:`companion.data.load_mnist`::

    input (28, 28, 1)
    conv1  5x5, c1 filters, valid  -> (24, 24, c1), ReLU
    pool1  2x2 max, stride 2       -> (12, 12, c1)   switches kept
    conv2  5x5, c2 filters, valid  -> (8, 8, c2), ReLU
    pool2  2x2 max, stride 2       -> (4, 4, c2)
    dense  4*4*c2 -> 10 logits

:func:`build_keras` and :func:`build_torch` build it in either framework (the
same layer names), :func:`train_torch` trains the PyTorch one,
:func:`export_params` / :func:`load_params` move weights between a model and
the companion's layout, and :func:`forward` runs it with the companion's NumPy
operations, keeping every activation and the pooling *switches* (argmax
positions).

:func:`project` is the deconvnet of Zeiler and Fergus (2014): keep one
activation of a feature map, set everything else in that layer to zero, and
run the layers backwards down to the pixels: transposed convolution with the
layer's own trained filters, max-unpooling with the switches recorded on the
way up, ReLU. It learns nothing; it reuses the trained network's filters.
TensorFlow, Keras and PyTorch are imported inside the functions only.
"""

from __future__ import annotations

from collections import OrderedDict

import numpy as np

from .._validate import _show, as_pair, check_array, check_choice, check_int

#: Kernel size of both convolutions and size of both max-pools.
KERNEL, POOL = 5, 2
#: Input image shape.
INPUT_SHAPE = (28, 28, 1)
#: Spatial size of the ReLU output of each convolutional layer.
FEATURE_SIZE = {1: 24, 2: 8}
#: Names of the layers that hold weights (shared by Keras and PyTorch).
WEIGHT_LAYERS = ("conv1", "conv2", "logits")


def _check_channels(channels) -> tuple[int, int]:
    return as_pair(channels, "channels", minimum=1)


def parameter_count(channels=(8, 16)) -> int:
    """Number of trainable parameters of SmallNet with ``channels = (c1, c2)``.

    Examples
    --------
    >>> parameter_count((8, 16))
    5994
    """
    c1, c2 = _check_channels(channels)
    return ((KERNEL * KERNEL * 1 + 1) * c1 + (KERNEL * KERNEL * c1 + 1) * c2
            + (16 * c2 + 1) * 10)


def build_keras(channels=(8, 16)):
    """SmallNet as a Keras ``Sequential`` model (logits out, not compiled)."""
    c1, c2 = _check_channels(channels)
    import keras

    return keras.Sequential([
        keras.Input(INPUT_SHAPE),
        keras.layers.Conv2D(c1, KERNEL, activation="relu", name="conv1"),
        keras.layers.MaxPooling2D(POOL, name="pool1"),
        keras.layers.Conv2D(c2, KERNEL, activation="relu", name="conv2"),
        keras.layers.MaxPooling2D(POOL, name="pool2"),
        keras.layers.Flatten(name="flatten"),
        keras.layers.Dense(10, name="logits"),
    ], name="smallnet")


def build_torch(channels=(8, 16), seed=0):
    """SmallNet as a PyTorch ``nn.Sequential`` (NCHW input, logits out).

    ``seed`` seeds PyTorch's generator before the layers are initialised.
    """
    c1, c2 = _check_channels(channels)
    seed = check_int(seed, "seed", minimum=0)
    import torch
    from torch import nn

    torch.manual_seed(seed)
    return nn.Sequential(OrderedDict(_torch_layers(nn, c1, c2)))


def _torch_layers(nn, c1, c2):
    return [
        ("conv1", nn.Conv2d(1, c1, KERNEL)), ("relu1", nn.ReLU()),
        ("pool1", nn.MaxPool2d(POOL)),
        ("conv2", nn.Conv2d(c1, c2, KERNEL)), ("relu2", nn.ReLU()),
        ("pool2", nn.MaxPool2d(POOL)),
        ("flatten", nn.Flatten()), ("logits", nn.Linear(16 * c2, 10)),
    ]


def _framework(model) -> str:
    module = type(model).__module__
    if module.startswith("torch"):
        return "torch"
    if module.startswith("keras"):
        return "keras"
    raise TypeError(f"model must be a Keras or PyTorch SmallNet, got "
                    f"{type(model).__name__}")


def export_params(model) -> dict:
    """A Keras or PyTorch SmallNet's weights in the companion's layout.

    Returns
    -------
    dict
        ``w1 (5, 5, 1, c1)``, ``b1``, ``w2 (5, 5, c1, c2)``, ``b2`` (HWIO
        kernels) and ``w3 (16 c2, 10)``, ``b3``, whose rows follow Keras'
        ``(h, w, c)`` flatten order. float32 NumPy copies.
    """
    from ..layouts import (
        conv_kernel_from_torch,
        dense_kernel_from_torch,
        flatten_order_to_torch,
    )

    if _framework(model) == "keras":
        (w1, b1), (w2, b2), (w3, b3) = (
            model.get_layer(name).get_weights() for name in WEIGHT_LAYERS)
    else:
        layers = dict(model.named_children())
        t = [(layers[n].weight.detach().cpu().numpy(),
              layers[n].bias.detach().cpu().numpy()) for n in WEIGHT_LAYERS]
        w1, b1 = conv_kernel_from_torch(t[0][0]), t[0][1]
        w2, b2 = conv_kernel_from_torch(t[1][0]), t[1][1]
        dense = dense_kernel_from_torch(t[2][0])
        w3 = np.empty_like(dense)
        w3[flatten_order_to_torch(4, 4, w2.shape[3])] = dense
        b3 = t[2][1]
    return {k: np.array(v, dtype=np.float32) for k, v in
            dict(w1=w1, b1=b1, w2=w2, b2=b2, w3=w3, b3=b3).items()}


def _check_params(params) -> dict:
    if not isinstance(params, dict):
        raise TypeError(f"params must be the dict export_params returns, got "
                        f"{_show(params)}")
    missing = [k for k in ("w1", "b1", "w2", "b2", "w3", "b3") if k not in params]
    if missing:
        raise ValueError(f"params lacks {missing}; build it with export_params")
    w1 = check_array(params["w1"], "params['w1']", ndim=4)
    w2 = check_array(params["w2"], "params['w2']", ndim=4)
    w3 = check_array(params["w3"], "params['w3']", ndim=2)
    if w1.shape[:3] != (KERNEL, KERNEL, 1) or w2.shape[:3] != (
            KERNEL, KERNEL, w1.shape[3]) or w3.shape != (16 * w2.shape[3], 10):
        raise ValueError(
            f"params do not describe a SmallNet: w1 {w1.shape}, w2 {w2.shape}, "
            f"w3 {w3.shape}")
    return params


def load_params(model, params) -> None:
    """Write companion-layout ``params`` into a Keras or PyTorch SmallNet."""
    from ..layouts import (
        conv_kernel_to_torch,
        dense_kernel_to_torch,
        flatten_order_to_torch,
    )

    p = _check_params(params)
    if _framework(model) == "keras":
        for name, (w, b) in zip(WEIGHT_LAYERS, (("w1", "b1"), ("w2", "b2"),
                                                ("w3", "b3"))):
            model.get_layer(name).set_weights([p[w], p[b]])
        return
    import torch

    layers = dict(model.named_children())
    dense = p["w3"][flatten_order_to_torch(4, 4, p["w2"].shape[3])]
    new = {"conv1": (conv_kernel_to_torch(p["w1"]), p["b1"]),
           "conv2": (conv_kernel_to_torch(p["w2"]), p["b2"]),
           "logits": (dense_kernel_to_torch(dense), p["b3"])}
    with torch.no_grad():
        for name, (w, b) in new.items():
            layers[name].weight.copy_(torch.from_numpy(np.ascontiguousarray(w)))
            layers[name].bias.copy_(torch.from_numpy(np.ascontiguousarray(b)))


def train_torch(model, x, y, *, epochs=3, batch_size=64, learning_rate=3e-3,
                seed=0) -> list[float]:
    """Train a PyTorch SmallNet with Adam and cross-entropy.

    Parameters
    ----------
    model : the ``nn.Sequential`` from :func:`build_torch`
    x : ndarray of shape ``(n, 28, 28, 1)``, float32 (channels-last)
    y : int ndarray of shape ``(n,)``, labels 0-9
    epochs, batch_size : int
    learning_rate : float
    seed : int
        Seeds the shuffling.

    Returns
    -------
    list of float
        Mean training loss of each epoch. The model is left in eval mode.
    """
    x = _check_images(x)
    y = np.asarray(y)
    if y.shape != (x.shape[0],) or not np.issubdtype(y.dtype, np.integer):
        raise ValueError(f"y must be {x.shape[0]} integer labels, got {_show(y)}")
    epochs = check_int(epochs, "epochs", minimum=1)
    batch_size = check_int(batch_size, "batch_size", minimum=1)
    if not (isinstance(learning_rate, (int, float)) and learning_rate > 0):
        raise ValueError(f"learning_rate must be a positive number, got "
                         f"{_show(learning_rate)}")
    seed = check_int(seed, "seed", minimum=0)
    import torch
    import torch.nn.functional as F

    from ..layouts import nhwc_to_nchw

    gen = torch.Generator().manual_seed(seed)
    xt = torch.from_numpy(nhwc_to_nchw(x.astype(np.float32)))
    yt = torch.from_numpy(y.astype(np.int64))
    opt = torch.optim.Adam(model.parameters(), lr=learning_rate)
    losses = []
    model.train()
    for _ in range(epochs):
        order = torch.randperm(len(xt), generator=gen)
        total = 0.0
        for i in range(0, len(xt), batch_size):
            idx = order[i:i + batch_size]
            loss = F.cross_entropy(model(xt[idx]), yt[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += float(loss.detach()) * len(idx)
        losses.append(total / len(xt))
    model.eval()
    return losses


def _check_images(x) -> np.ndarray:
    x = check_array(x, "x", ndim=4)
    if x.shape[1:] != INPUT_SHAPE:
        raise ValueError(f"x must have shape (n, 28, 28, 1), got {x.shape}")
    return x


def forward(x, params) -> dict:
    """Run SmallNet with the companion's operations and keep everything.

    Parameters
    ----------
    x : ndarray of shape ``(n, 28, 28, 1)``
    params : dict from :func:`export_params`

    Returns
    -------
    dict of ndarrays
        ``relu1 (n, 24, 24, c1)``, ``pool1 (n, 12, 12, c1)``, ``switch1``
        (argmax positions of ``pool1``, as
        :func:`companion.pooling.max_pool2d` returns them), ``relu2
        (n, 8, 8, c2)``, ``pool2 (n, 4, 4, c2)``, ``switch2`` and
        ``logits (n, 10)``.
    """
    from ..conv import conv2d
    from ..layers import dense, relu
    from ..pooling import max_pool2d

    x = _check_images(x)
    p = _check_params(params)
    x = x.astype(p["w1"].dtype, copy=False)
    out = {}
    out["relu1"] = relu(conv2d(x, p["w1"], p["b1"]))               # (n, 24, 24, c1)
    out["pool1"], out["switch1"] = max_pool2d(out["relu1"], POOL,
                                              return_indices=True)  # (n, 12, 12, c1)
    out["relu2"] = relu(conv2d(out["pool1"], p["w2"], p["b2"]))    # (n, 8, 8, c2)
    out["pool2"], out["switch2"] = max_pool2d(out["relu2"], POOL,
                                              return_indices=True)  # (n, 4, 4, c2)
    flat = out["pool2"].reshape(len(x), -1)                         # (n, 16 c2)
    out["logits"] = dense(flat, p["w3"], p["b3"])                   # (n, 10)
    return out


def _check_layer(layer) -> int:
    if layer not in (1, 2) or isinstance(layer, bool):
        raise ValueError(f"layer must be 1 or 2, got {_show(layer)}")
    return int(layer)


def strongest(acts, layer, channel):
    """Where feature map ``channel`` of ``layer`` fires most, image by image.

    Returns
    -------
    values : ndarray of shape ``(n,)``
        The largest activation of that map in each image.
    positions : int ndarray of shape ``(n, 2)``
        Its ``(row, col)`` in the map (the first one on ties).
    """
    layer = _check_layer(layer)
    maps = acts[f"relu{layer}"]
    channel = check_int(channel, "channel", minimum=0, maximum=maps.shape[3] - 1)
    m = maps[..., channel].reshape(len(maps), -1)
    flat = m.argmax(axis=1)
    size = maps.shape[2]
    return m.max(axis=1), np.stack([flat // size, flat % size], axis=1)


def project(acts, params, layer, channel, *, keep="max"):
    """Zeiler and Fergus's deconvnet: one feature map back to pixel space.

    Parameters
    ----------
    acts : dict from :func:`forward` (a batch of ``n`` images)
    params : dict from :func:`export_params`
    layer : {1, 2}
        Which convolutional layer's ReLU output to start from.
    channel : int
        The feature map.
    keep : {"max", "map"}
        ``"max"`` keeps only the strongest activation of the map in each image
        (the paper's figures); ``"map"`` keeps the whole map. Every other
        activation of the layer is set to zero.

    Returns
    -------
    ndarray of shape ``(n, 28, 28, 1)``
        The reconstruction. Layer 2 goes ``conv_transpose2d(., w2)`` ->
        ``max_unpool2d(., switch1)`` -> ``relu`` -> ``conv_transpose2d(., w1)``;
        layer 1 only takes the last step. The transposed convolutions use the
        trained kernels unchanged (an HWIO kernel ``(kh, kw, c_in, c_out)`` is
        exactly the ``(kh, kw, c_out, c_in)`` kernel of the transposed
        convolution that maps the layer's outputs back to its inputs); biases
        are not used. Nothing here is learned.
    """
    from ..layers import relu
    from ..pooling import max_unpool2d
    from ..transposed import conv_transpose2d

    p = _check_params(params)
    layer = _check_layer(layer)
    keep = check_choice(keep, "keep", ("max", "map"))
    maps = acts[f"relu{layer}"]
    channel = check_int(channel, "channel", minimum=0, maximum=maps.shape[3] - 1)
    top = np.zeros_like(maps)
    if keep == "map":
        top[..., channel] = maps[..., channel]
    else:
        values, pos = strongest(acts, layer, channel)
        top[np.arange(len(maps)), pos[:, 0], pos[:, 1], channel] = values
    r = top
    if layer == 2:
        r = conv_transpose2d(r, p["w2"])                         # (n, 12, 12, c1)
        r = max_unpool2d(r, acts["switch1"], (24, 24))           # (n, 24, 24, c1)
        r = relu(r)
    return conv_transpose2d(r, p["w1"])                          # (n, 28, 28, 1)


def receptive_field(layer, row, col):
    """Input rows and columns that feed unit ``(row, col)`` of ``layer``'s map.

    Returns
    -------
    (slice, slice)
        Layer 1: a 5x5 window at ``(row, col)``. Layer 2: a 14x14 window at
        ``(2 row, 2 col)`` (5 + (5 - 1) * 2 + 1 = 14: conv2's 5x5 window of
        pool1 covers 10x10 of conv1's map, which reads 14x14 pixels).

    Examples
    --------
    >>> receptive_field(2, 3, 1)
    (slice(6, 20, None), slice(2, 16, None))
    """
    layer = _check_layer(layer)
    size = FEATURE_SIZE[layer]
    row = check_int(row, "row", minimum=0, maximum=size - 1)
    col = check_int(col, "col", minimum=0, maximum=size - 1)
    if layer == 1:
        return slice(row, row + KERNEL), slice(col, col + KERNEL)
    span = KERNEL + (KERNEL - 1) * POOL + 1
    return (slice(POOL * row, POOL * row + span),
            slice(POOL * col, POOL * col + span))
