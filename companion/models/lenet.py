"""LeNet-5 and the MNIST network of chapter 1, in Keras 3, PyTorch and NumPy.

Two architectures, each built the same way in both frameworks, with layer
names shared so that weights move between them:

* ``"lenet5"``: the classic LeNet-5 of LeCun et al. (1998) on 32 x 32 x 1
  inputs, in its common modern form (tanh, 2 x 2 average pooling, a dense
  output layer): C1 conv 6@5x5, S2 pool, C3 conv 16@5x5, S4 pool, C5 conv
  120@5x5, F6 dense 84, output dense 10. 61,706 parameters.
* ``"mnist"``: the source article's variant for 28 x 28 x 1 digits: conv
  32@5x5 SAME + ReLU, 2 x 2 max pool, conv 64@5x5 SAME + ReLU, 2 x 2 max pool,
  dense 512 + ReLU, dropout 0.5, dense 10 (logits).

:func:`lenet5_table` counts the parameters and connections of LeNet-5 from its
description (with the full C3 connection table, LeCun's partial one, or any
boolean table); :func:`layer_table` reads the same columns off a built Keras or
PyTorch model. :func:`export_weights` turns either framework's weights into the
companion's layout (channels-last, HWIO kernels, Keras' flatten order),
:func:`load_weights` writes such a dict into either framework, and
:func:`forward_numpy` runs the network with the companion's operations.
:func:`train_keras` and :func:`train_torch` train with the article's recipe
modernised: Adam, L2 on the kernels, a staircase exponential learning-rate
decay and an exponential moving average (EMA) of the weights.

TensorFlow, Keras and PyTorch are imported inside the functions only.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from .._validate import _show, check_array, check_choice, check_int

#: The two architectures this module builds.
VARIANTS = ("lenet5", "mnist")

#: Input shape (h, w, c) of each variant.
INPUT_SHAPES = {"lenet5": (32, 32, 1), "mnist": (28, 28, 1)}

#: Layers that hold weights, in order, for each variant.
WEIGHT_LAYERS = {
    "lenet5": ("c1", "c3", "c5", "f6", "output"),
    "mnist": ("conv1", "conv2", "fc1", "logits"),
}


def lecun_c3_table() -> np.ndarray:
    """LeNet-5's C3 connection table (LeCun et al. 1998, Table I).

    Returns
    -------
    ndarray of bool, shape ``(6, 16)``
        ``table[i, j]`` is true when C3 feature map ``j`` reads S2 map ``i``.
        Maps 0-5 read three neighbouring S2 maps, 6-11 four neighbouring maps,
        12-14 four non-neighbouring maps and map 15 all six: 60 links.

    Examples
    --------
    >>> t = lecun_c3_table()
    >>> int(t.sum()), t.sum(axis=0).tolist()[:7]
    (60, [3, 3, 3, 3, 3, 3, 4])
    """
    table = np.zeros((6, 16), dtype=bool)
    for j in range(16):
        if j < 6:
            rows = [j, j + 1, j + 2]
        elif j < 12:
            rows = [j - 6 + k for k in range(4)]
        elif j < 15:
            rows = [j - 12 + k for k in (0, 1, 3, 4)]
        else:
            rows = list(range(6))
        table[[r % 6 for r in rows], j] = True
    return table


@dataclass(frozen=True)
class LayerRow:
    """One line of a layer table.

    ``connections`` counts, for every output unit, the inputs it reads plus one
    for its bias (LeCun's convention): for a convolution with a full
    connection table it equals ``oh * ow * params`` (with SAME padding the
    padded zeros at the border count as inputs). Pooling windows have no
    bias; dense layers have one connection per parameter.
    """

    name: str
    kind: str
    output_shape: tuple
    params: int
    connections: int


def _c3_table(c3_table) -> np.ndarray:
    if isinstance(c3_table, str):
        check_choice(c3_table, "c3_table", ("full", "lecun"))
        return np.ones((6, 16), bool) if c3_table == "full" else lecun_c3_table()
    table = np.asarray(c3_table)
    if table.shape != (6, 16) or table.dtype != bool:
        raise ValueError(
            "c3_table must be 'full', 'lecun' or a boolean array of shape "
            f"(6, 16) (S2 maps x C3 maps), got {_show(c3_table)}")
    if not table.any(axis=0).all():
        raise ValueError("c3_table leaves a C3 map without any input; every "
                         "column needs at least one True")
    return table


def lenet5_table(c3_table="full", subsampling="pool") -> list[LayerRow]:
    """LeNet-5 layer by layer, counted from its description.

    Parameters
    ----------
    c3_table : ``"full"``, ``"lecun"`` or bool array of shape ``(6, 16)``
        Which S2 maps each C3 map reads: all six (an ordinary convolution,
        2,416 parameters), LeCun's partial table (1,516) or any table.
    subsampling : ``"pool"`` or ``"trainable"``
        ``"pool"``: parameter-free 2 x 2 pooling, as Keras and PyTorch build
        it. ``"trainable"``: the 1998 paper's subsampling, which multiplies
        the sum of each 2 x 2 window by a trained coefficient and adds a
        trained bias (2 parameters per map).

    Returns
    -------
    list of :class:`LayerRow`
        Output shapes are ``(h, w, c)``; the output layer is dense, 84 x 10 +
        10 = 850 parameters (the paper used 10 RBF units instead).

    Examples
    --------
    >>> rows = lenet5_table()
    >>> [(r.name, r.params, r.connections) for r in rows[:3]]
    [('c1', 156, 122304), ('s2', 0, 4704), ('c3', 2416, 241600)]
    >>> lenet5_table("lecun")[2].params, lenet5_table("lecun")[2].connections
    (1516, 151600)
    """
    from ..shapes import conv_output_size

    table = _c3_table(c3_table)
    check_choice(subsampling, "subsampling", ("pool", "trainable"))
    rows = []
    size, channels = 32, 1

    def conv(name, maps, inputs_per_map):
        nonlocal size, channels
        size = conv_output_size(size, 5)
        params = int(sum(25 * k + 1 for k in inputs_per_map))
        rows.append(LayerRow(name, "conv 5x5", (size, size, maps), params,
                             size * size * params))
        channels = maps

    def pool(name):
        nonlocal size
        size = conv_output_size(size, 2, stride=2)
        units = size * size * channels
        if subsampling == "pool":
            rows.append(LayerRow(name, "pool 2x2", (size, size, channels), 0,
                                 units * 4))
        else:
            rows.append(LayerRow(name, "subsample 2x2", (size, size, channels),
                                 2 * channels, units * 5))

    def dense(name, n_in, n_out):
        rows.append(LayerRow(name, "dense", (n_out,), n_in * n_out + n_out,
                             n_in * n_out + n_out))

    conv("c1", 6, [1] * 6)
    pool("s2")
    conv("c3", 16, table.sum(axis=0).tolist())
    pool("s4")
    conv("c5", 120, [channels] * 120)
    dense("f6", 120, 84)
    dense("output", 84, 10)
    return rows


def format_table(rows) -> str:
    """Render layer rows as a fixed-width text table with a total line."""
    lines = [f"{'layer':8s} {'kind':14s} {'output':>13s} {'params':>10s} "
             f"{'connections':>12s}"]
    for r in rows:
        shape = "x".join(str(s) for s in r.output_shape)
        lines.append(f"{r.name:8s} {r.kind:14s} {shape:>13s} {r.params:>10,d} "
                     f"{r.connections:>12,d}")
    lines.append(f"{'total':8s} {'':14s} {'':>13s} "
                 f"{sum(r.params for r in rows):>10,d} "
                 f"{sum(r.connections for r in rows):>12,d}")
    return "\n".join(lines)


# --------------------------------------------------------------------------
# Builders
# --------------------------------------------------------------------------

def _check_variant(variant):
    return check_choice(variant, "variant", VARIANTS)


def _check_dtype(dtype):
    return check_choice(dtype, "dtype", ("float32", "float64"))


def _check_rate(value, name):
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{name} must be a number, got {_show(value)}")
    if not 0.0 <= float(value) < 1.0:
        raise ValueError(f"{name} must be in [0, 1), got {value}")
    return float(value)


def _check_nonneg(value, name):
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{name} must be a number, got {_show(value)}")
    if float(value) < 0:
        raise ValueError(f"{name} must be >= 0, got {value}")
    return float(value)


def build_keras(variant="mnist", *, l2=0.0, dropout=0.5, num_classes=10,
                dtype="float32"):
    """The Keras 3 model of ``variant`` (``"mnist"`` or ``"lenet5"``).

    Parameters
    ----------
    variant : ``"mnist"`` or ``"lenet5"``
    l2 : float
        L2 factor on every kernel (``kernel_regularizer``): the loss gains
        ``l2 * sum(w ** 2)`` per kernel, like the article's ``get_weight``.
    dropout : float
        Dropout rate before the logits of ``"mnist"`` (ignored for LeNet-5).
    num_classes : int
        Units of the output layer.
    dtype : ``"float32"`` or ``"float64"``

    Returns
    -------
    keras.Model
        Input ``(n, h, w, 1)`` channels-last; output logits ``(n, num_classes)``.
        Layer names are those of :data:`WEIGHT_LAYERS` plus the pooling,
        flatten and dropout layers.
    """
    variant = _check_variant(variant)
    l2 = _check_nonneg(l2, "l2")
    dropout = _check_rate(dropout, "dropout")
    num_classes = check_int(num_classes, "num_classes", minimum=1)
    dtype = _check_dtype(dtype)
    import keras
    from keras import layers

    reg = keras.regularizers.L2(l2) if l2 else None
    kw = dict(kernel_regularizer=reg, dtype=dtype)
    inputs = keras.Input(INPUT_SHAPES[variant], dtype=dtype, name="image")
    if variant == "mnist":
        x = layers.Conv2D(32, 5, padding="same", activation="relu", name="conv1",
                          **kw)(inputs)                      # (n, 28, 28, 32)
        x = layers.MaxPooling2D(2, padding="same", name="pool1",
                                dtype=dtype)(x)              # (n, 14, 14, 32)
        x = layers.Conv2D(64, 5, padding="same", activation="relu", name="conv2",
                          **kw)(x)                           # (n, 14, 14, 64)
        x = layers.MaxPooling2D(2, padding="same", name="pool2",
                                dtype=dtype)(x)              # (n, 7, 7, 64)
        x = layers.Flatten(name="flatten", dtype=dtype)(x)   # (n, 3136)
        x = layers.Dense(512, activation="relu", name="fc1", **kw)(x)
        x = layers.Dropout(dropout, name="dropout", dtype=dtype)(x)
        outputs = layers.Dense(num_classes, name="logits", **kw)(x)
    else:
        x = layers.Conv2D(6, 5, activation="tanh", name="c1", **kw)(inputs)
        x = layers.AveragePooling2D(2, name="s2", dtype=dtype)(x)  # (n, 14, 14, 6)
        x = layers.Conv2D(16, 5, activation="tanh", name="c3", **kw)(x)
        x = layers.AveragePooling2D(2, name="s4", dtype=dtype)(x)  # (n, 5, 5, 16)
        x = layers.Conv2D(120, 5, activation="tanh", name="c5", **kw)(x)
        x = layers.Flatten(name="flatten", dtype=dtype)(x)         # (n, 120)
        x = layers.Dense(84, activation="tanh", name="f6", **kw)(x)
        outputs = layers.Dense(num_classes, name="output", **kw)(x)
    return keras.Model(inputs, outputs, name=variant)


def build_torch(variant="mnist", *, dropout=0.5, num_classes=10,
                dtype="float32", init="keras"):
    """The PyTorch model of ``variant``, the same network as :func:`build_keras`.

    Input ``(n, 1, h, w)`` (NCHW), output logits ``(n, num_classes)``. The
    SAME convolutions of ``"mnist"`` are stride 1 with a 5 x 5 kernel, so
    TensorFlow pads 2 on every side and ``padding=2`` is an exact port; the
    2 x 2 pools need no padding on 28 and 14. L2 is not part of a PyTorch
    model: :func:`train_torch` adds it to the loss. Module names follow
    :data:`WEIGHT_LAYERS`.

    ``init="keras"`` (the default) draws the kernels as Keras does,
    Glorot-uniform with zero biases, so that both frameworks start from the
    same distribution; ``init="torch"`` keeps PyTorch's own default
    (Kaiming-uniform with ``a = sqrt(5)``, small random biases).

    Returns
    -------
    torch.nn.Sequential
    """
    variant = _check_variant(variant)
    init = check_choice(init, "init", ("keras", "torch"))
    dropout = _check_rate(dropout, "dropout")
    num_classes = check_int(num_classes, "num_classes", minimum=1)
    dtype = _check_dtype(dtype)
    from collections import OrderedDict

    import torch
    from torch import nn

    if variant == "mnist":
        parts = [
            ("conv1", nn.Conv2d(1, 32, 5, padding=2)),    # (n, 32, 28, 28)
            ("relu1", nn.ReLU()),
            ("pool1", nn.MaxPool2d(2)),                   # (n, 32, 14, 14)
            ("conv2", nn.Conv2d(32, 64, 5, padding=2)),   # (n, 64, 14, 14)
            ("relu2", nn.ReLU()),
            ("pool2", nn.MaxPool2d(2)),                   # (n, 64, 7, 7)
            ("flatten", nn.Flatten()),                    # (n, 3136), (c, h, w)
            ("fc1", nn.Linear(7 * 7 * 64, 512)),
            ("relu3", nn.ReLU()),
            ("dropout", nn.Dropout(dropout)),
            ("logits", nn.Linear(512, num_classes)),
        ]
    else:
        parts = [
            ("c1", nn.Conv2d(1, 6, 5)), ("tanh1", nn.Tanh()),
            ("s2", nn.AvgPool2d(2)),                      # (n, 6, 14, 14)
            ("c3", nn.Conv2d(6, 16, 5)), ("tanh3", nn.Tanh()),
            ("s4", nn.AvgPool2d(2)),                      # (n, 16, 5, 5)
            ("c5", nn.Conv2d(16, 120, 5)), ("tanh5", nn.Tanh()),
            ("flatten", nn.Flatten()),                    # (n, 120)
            ("f6", nn.Linear(120, 84)), ("tanh6", nn.Tanh()),
            ("output", nn.Linear(84, num_classes)),
        ]
    model = nn.Sequential(OrderedDict(parts))
    if init == "keras":
        for m in model.modules():
            if isinstance(m, (nn.Conv2d, nn.Linear)):
                nn.init.xavier_uniform_(m.weight)
                nn.init.zeros_(m.bias)
    return model.to(torch.float64) if dtype == "float64" else model


def _framework(model) -> str:
    try:
        import torch
        if isinstance(model, torch.nn.Module):
            return "torch"
    except ImportError:  # pragma: no cover - torch is optional
        pass
    if hasattr(model, "get_layer") and hasattr(model, "count_params"):
        return "keras"
    raise TypeError("model must be a keras.Model or a torch.nn.Module, got "
                    f"{type(model).__name__}")


def layer_table(model) -> list[LayerRow]:
    """Output shape, parameters and connections of every layer of a model.

    Works on a Keras model or a PyTorch ``nn.Sequential`` (whose input shape is
    read from its first convolution: 32 x 32 for LeNet-5, 28 x 28 for the
    MNIST net). Parameters come from the framework (``count_params`` /
    ``numel``); connections are computed as in :func:`lenet5_table`.
    Activations, flatten and dropout layers are left out. Output shapes are
    channels-last ``(h, w, c)`` for both frameworks.
    """
    framework = _framework(model)
    rows = []
    if framework == "keras":
        for layer in model.layers:
            shape = tuple(layer.output.shape[1:])
            rows.extend(_row(layer.name, type(layer).__name__, layer, shape,
                             layer.count_params(), "keras"))
        return rows
    import torch

    first = next(m for m in model.modules() if isinstance(m, torch.nn.Conv2d))
    size = 32 if first.out_channels == 6 else 28
    param = next(model.parameters())
    x = torch.zeros(1, first.in_channels, size, size, dtype=param.dtype)
    with torch.no_grad():
        for name, module in model.named_children():
            x = module(x)
            shape = tuple(x.shape[1:])
            if x.ndim == 4:
                shape = (shape[1], shape[2], shape[0])
            params = sum(p.numel() for p in module.parameters())
            rows.extend(_row(name, type(module).__name__, module, shape, params,
                             "torch"))
    return rows


def _row(name, cls, layer, shape, params, framework):
    """Zero or one :class:`LayerRow` for a layer (activations give none)."""
    units = int(np.prod(shape))
    if cls in ("Conv2D", "Conv2d"):
        kh, kw = (layer.kernel_size if framework == "keras"
                  else layer.kernel_size)
        c_in = (layer.kernel.shape[2] if framework == "keras"
                else layer.in_channels)
        return [LayerRow(name, f"conv {kh}x{kw}", shape, int(params),
                         units * (kh * kw * c_in + 1))]
    if cls in ("MaxPooling2D", "AveragePooling2D", "MaxPool2d", "AvgPool2d"):
        pool = layer.pool_size if framework == "keras" else layer.kernel_size
        ph, pw = (pool, pool) if isinstance(pool, int) else pool
        return [LayerRow(name, f"pool {ph}x{pw}", shape, 0, units * ph * pw)]
    if cls in ("Dense", "Linear"):
        return [LayerRow(name, "dense", shape, int(params), int(params))]
    return []


# --------------------------------------------------------------------------
# Weights in the companion's layout, and the NumPy forward pass
# --------------------------------------------------------------------------

def _variant_of(names) -> str:
    for variant, layers in WEIGHT_LAYERS.items():
        if set(layers) <= set(names):
            return variant
    raise ValueError(
        "weights must hold the layers of one variant, "
        f"{WEIGHT_LAYERS['mnist']} or {WEIGHT_LAYERS['lenet5']}; got "
        f"{sorted(names)}")


#: Spatial shape ``(h, w, c)`` entering the first dense layer of each variant.
_FLAT_SHAPE = {"mnist": (7, 7, 64), "lenet5": (1, 1, 120)}


def export_weights(model, dtype=None) -> dict:
    """A Keras or PyTorch model's weights in the companion's layout.

    Returns
    -------
    dict of str to ``(kernel, bias)``
        Convolution kernels HWIO ``(kh, kw, c_in, c_out)``, dense kernels
        ``(in, out)`` with the inputs of the first dense layer in Keras'
        ``(h, w, c)`` flatten order (PyTorch's ``(c, h, w)`` rows are
        reordered with :func:`companion.layouts.flatten_order_to_torch`).
        Arrays are NumPy copies in the model's dtype, or in ``dtype``.
    """
    from ..layouts import (
        conv_kernel_from_torch,
        dense_kernel_from_torch,
        flatten_order_to_torch,
    )

    framework = _framework(model)
    if framework == "keras":
        names = [layer.name for layer in model.layers]
        variant = _variant_of(names)
        out = {}
        for name in WEIGHT_LAYERS[variant]:
            kernel, bias = model.get_layer(name).get_weights()
            out[name] = (np.array(kernel), np.array(bias))
    else:
        modules = dict(model.named_children())
        variant = _variant_of(modules)
        out = {}
        first_dense = True
        for name in WEIGHT_LAYERS[variant]:
            m = modules[name]
            w = m.weight.detach().cpu().numpy()
            b = m.bias.detach().cpu().numpy().copy()
            if w.ndim == 4:
                out[name] = (conv_kernel_from_torch(w), b)
                continue
            k = dense_kernel_from_torch(w)
            if first_dense:
                perm = flatten_order_to_torch(*_FLAT_SHAPE[variant])
                keras_k = np.empty_like(k)
                keras_k[perm] = k   # torch row i is Keras row perm[i]
                k, first_dense = keras_k, False
            out[name] = (k, b)
    if dtype is not None:
        dt = np.dtype(_check_dtype(dtype))
        out = {k: (w.astype(dt), b.astype(dt)) for k, (w, b) in out.items()}
    return out


def _check_weights(weights) -> str:
    if not isinstance(weights, dict):
        raise TypeError(f"weights must be a dict of name -> (kernel, bias), got "
                        f"{type(weights).__name__}; use export_weights(model)")
    variant = _variant_of(weights)
    for name in WEIGHT_LAYERS[variant]:
        pair = weights[name]
        if not isinstance(pair, (tuple, list)) or len(pair) != 2:
            raise ValueError(f"weights[{name!r}] must be a (kernel, bias) pair, "
                             f"got {_show(pair)}")
        check_array(pair[0], f"weights[{name!r}][0]", ndim=(2, 4))
        check_array(pair[1], f"weights[{name!r}][1]", ndim=1)
    return variant


def load_weights(model, weights) -> None:
    """Write companion-layout ``weights`` (see :func:`export_weights`) into a
    Keras or PyTorch model of the same variant, in place."""
    from ..layouts import (
        conv_kernel_to_torch,
        dense_kernel_to_torch,
        flatten_order_to_torch,
    )

    variant = _check_weights(weights)
    framework = _framework(model)
    names = ([layer.name for layer in model.layers] if framework == "keras"
             else [name for name, _ in model.named_children()])
    model_variant = _variant_of(names)
    if model_variant != variant:
        raise ValueError(f"weights of the {variant} network do not fit a "
                         f"{model_variant} model; build the model with "
                         f"variant={variant!r}")
    if framework == "keras":
        for name in WEIGHT_LAYERS[variant]:
            layer = model.get_layer(name)
            kernel, bias = weights[name]
            want = tuple(layer.kernel.shape)
            if kernel.shape != want:
                raise ValueError(f"weights[{name!r}] kernel has shape "
                                 f"{kernel.shape}, the model's is {want}")
            layer.set_weights([kernel, bias])
        return
    import torch

    modules = dict(model.named_children())
    first_dense = True
    for name in WEIGHT_LAYERS[variant]:
        m = modules[name]
        kernel, bias = weights[name]
        if kernel.ndim == 4:
            w = conv_kernel_to_torch(kernel)
        else:
            if first_dense:
                kernel = kernel[flatten_order_to_torch(*_FLAT_SHAPE[variant])]
                first_dense = False
            w = dense_kernel_to_torch(kernel)
        if w.shape != tuple(m.weight.shape):
            raise ValueError(f"weights[{name!r}] kernel has shape {kernel.shape}, "
                             f"which does not fit the model's {name}")
        with torch.no_grad():
            m.weight.copy_(torch.from_numpy(np.ascontiguousarray(w)))
            m.bias.copy_(torch.from_numpy(np.ascontiguousarray(bias)))


def forward_numpy(x, weights, *, return_features=False):
    """The network of ``weights`` run with the companion's NumPy operations.

    Parameters
    ----------
    x : ndarray of shape ``(n, 28, 28, 1)`` (MNIST net) or ``(n, 32, 32, 1)``
        (LeNet-5), float32 or float64
    weights : dict from :func:`export_weights` (either framework)
    return_features : bool
        Also return the flattened features entering the first dense layer.

    Returns
    -------
    logits : ndarray of shape ``(n, classes)``, dtype of ``x``
    features : ndarray of shape ``(n, 3136)`` or ``(n, 120)``, if asked
        (inference mode: dropout is the identity).
    """
    from ..conv import conv2d
    from ..layers import dense, flatten, relu
    from ..pooling import avg_pool2d, max_pool2d

    variant = _check_weights(weights)
    x = check_array(x, "x", ndim=4)
    want = INPUT_SHAPES[variant]
    if x.shape[1:] != want:
        raise ValueError(f"x must have shape (n, {want[0]}, {want[1]}, "
                         f"{want[2]}) for the {variant} weights, got {x.shape}")
    w = {k: (v[0].astype(x.dtype, copy=False), v[1].astype(x.dtype, copy=False))
         for k, v in weights.items()}
    if variant == "mnist":
        h = relu(conv2d(x, *w["conv1"], padding="same"))    # (n, 28, 28, 32)
        h = max_pool2d(h, 2, padding="same")                # (n, 14, 14, 32)
        h = relu(conv2d(h, *w["conv2"], padding="same"))    # (n, 14, 14, 64)
        h = max_pool2d(h, 2, padding="same")                # (n, 7, 7, 64)
        features = flatten(h)                               # (n, 3136)
        h = relu(dense(features, *w["fc1"]))                # (n, 512)
        logits = dense(h, *w["logits"])                     # (n, 10)
    else:
        h = np.tanh(conv2d(x, *w["c1"]))                    # (n, 28, 28, 6)
        h = avg_pool2d(h, 2)                                # (n, 14, 14, 6)
        h = np.tanh(conv2d(h, *w["c3"]))                    # (n, 10, 10, 16)
        h = avg_pool2d(h, 2)                                # (n, 5, 5, 16)
        features = flatten(np.tanh(conv2d(h, *w["c5"])))    # (n, 120)
        h = np.tanh(dense(features, *w["f6"]))              # (n, 84)
        logits = dense(h, *w["output"])                     # (n, 10)
    return (logits, features) if return_features else logits


# --------------------------------------------------------------------------
# Training
# --------------------------------------------------------------------------

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


def _check_training(x, y, epochs, batch_size, learning_rate, decay_rate,
                    ema):
    x = check_array(x, "x", ndim=4)
    y = np.asarray(y)
    if y.ndim != 1 or len(y) != len(x) or not np.issubdtype(y.dtype, np.integer):
        raise ValueError(f"y must be integer labels of shape ({len(x)},), got "
                         f"{_show(y)}")
    check_int(epochs, "epochs", minimum=1)
    check_int(batch_size, "batch_size", minimum=1)
    if not float(learning_rate) > 0:
        raise ValueError(f"learning_rate must be > 0, got {learning_rate}")
    if not 0 < float(decay_rate) <= 1:
        raise ValueError(f"decay_rate must be in (0, 1], got {decay_rate}")
    if ema is not None and not 0 < float(ema) < 1:
        raise ValueError(f"ema must be None or in (0, 1), got {ema}")
    return x, y


def _accuracy(logits, y) -> float:
    return float(np.mean(np.argmax(logits, axis=1) == y))


def train_keras(model, x, y, *, epochs=4, batch_size=100, learning_rate=1e-3,
                decay_rate=0.7, ema=0.99, validation=None, log=print, seed=0):
    """Train a Keras classifier (logits output) with the modernised recipe.

    Adam on the sparse cross-entropy of the logits, plus the L2 terms the
    model's ``kernel_regularizer`` adds; the learning rate is multiplied by
    ``decay_rate`` after each epoch (``ExponentialDecay`` with
    ``staircase=True``, the article's ``tf.train.exponential_decay``); an
    exponential moving average of the trainable weights (decay
    :func:`ema_decay`) replaces the weights at the end (``ema=None``: off).

    Parameters
    ----------
    model : keras.Model
        Built and not yet compiled, or compiled (it is recompiled).
    x : ndarray ``(n, h, w, c)``; y : int ndarray ``(n,)``
    validation : ``(x_val, y_val)``, optional
        Evaluated (with the current, not averaged, weights) after each epoch.
    log : callable or None
        Receives one line of progress per epoch.

    Returns
    -------
    dict with ``loss`` and ``accuracy`` per epoch (training batches, dropout
    on), ``val_accuracy`` per epoch if ``validation``, and ``seconds``.
    """
    x, y = _check_training(x, y, epochs, batch_size, learning_rate, decay_rate,
                           ema)
    import keras

    steps = int(np.ceil(len(x) / batch_size))
    schedule = keras.optimizers.schedules.ExponentialDecay(
        learning_rate, decay_steps=steps, decay_rate=decay_rate, staircase=True)
    model.compile(optimizer=keras.optimizers.Adam(schedule),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    history = {"loss": [], "accuracy": [], "val_accuracy": []}
    start = time.perf_counter()

    class Progress(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.step = 0
            self.shadow = None

        def on_train_begin(self, logs=None):
            if ema is not None:
                self.shadow = [keras.ops.convert_to_numpy(v).copy()
                               for v in self.model.trainable_weights]

        def on_train_batch_end(self, batch, logs=None):
            if self.shadow is not None:
                d = ema_decay(self.step, ema)
                for s, v in zip(self.shadow, self.model.trainable_weights):
                    s *= d
                    s += (1 - d) * keras.ops.convert_to_numpy(v)
            self.step += 1

        def on_epoch_end(self, epoch, logs=None):
            history["loss"].append(float(logs["loss"]))
            history["accuracy"].append(float(logs["accuracy"]))
            line = (f"epoch {epoch + 1}/{epochs}  loss {logs['loss']:.4f}  "
                    f"train acc {logs['accuracy']:.4f}")
            if validation is not None:
                acc = _accuracy(self.model.predict(validation[0], verbose=0,
                                                   batch_size=500),
                                np.asarray(validation[1]))
                history["val_accuracy"].append(acc)
                line += f"  test acc {acc:.4f}"
            if log is not None:
                log(line + f"  ({time.perf_counter() - start:.0f} s)")

        def on_train_end(self, logs=None):
            if self.shadow is not None:
                for s, v in zip(self.shadow, self.model.trainable_weights):
                    v.assign(s)

    keras.utils.set_random_seed(check_int(seed, "seed", minimum=0))
    model.fit(x, y, batch_size=batch_size, epochs=epochs, shuffle=True,
              verbose=0, callbacks=[Progress()])
    history["seconds"] = time.perf_counter() - start
    return history


def train_torch(model, x, y, *, epochs=4, batch_size=100, learning_rate=1e-3,
                decay_rate=0.7, l2=0.0, ema=0.99, validation=None, log=print,
                seed=0):
    """Train a PyTorch classifier with the same recipe as :func:`train_keras`.

    Adam on ``cross_entropy(logits) + l2 * sum(w ** 2)`` over the weight
    matrices and kernels that require gradients (not the biases), the
    learning rate times ``decay_rate`` after each epoch (``ExponentialLR``),
    and the weights replaced by their moving average at the end. Only
    parameters with ``requires_grad`` are trained (freeze layers with
    ``requires_grad_(False)``). ``x`` is channels-last NumPy ``(n, h, w, c)``
    like everywhere in the companion; it is transposed to NCHW here.

    Returns
    -------
    dict as :func:`train_keras`.
    """
    x, y = _check_training(x, y, epochs, batch_size, learning_rate, decay_rate,
                           ema)
    l2 = _check_nonneg(l2, "l2")
    import torch
    import torch.nn.functional as F

    from ..layouts import nhwc_to_nchw

    seed = check_int(seed, "seed", minimum=0)
    torch.manual_seed(seed)
    gen = torch.Generator().manual_seed(seed)
    dtype = next(model.parameters()).dtype
    xt = torch.from_numpy(nhwc_to_nchw(x)).to(dtype)
    yt = torch.from_numpy(y.astype(np.int64))
    params = [p for p in model.parameters() if p.requires_grad]
    if not params:
        raise ValueError("model has no parameter with requires_grad=True: "
                         "nothing to train")
    penalised = [p for p in params if p.ndim > 1]
    opt = torch.optim.Adam(params, lr=learning_rate)
    sched = torch.optim.lr_scheduler.ExponentialLR(opt, gamma=decay_rate)
    shadow = [p.detach().clone() for p in params] if ema is not None else None
    history = {"loss": [], "accuracy": [], "val_accuracy": []}
    start, step = time.perf_counter(), 0
    for epoch in range(epochs):
        model.train()
        order = torch.randperm(len(xt), generator=gen)
        total_loss, correct = 0.0, 0
        for i in range(0, len(xt), batch_size):
            idx = order[i:i + batch_size]
            logits = model(xt[idx])
            loss = F.cross_entropy(logits, yt[idx])
            if l2:
                loss = loss + l2 * sum(p.pow(2).sum() for p in penalised)
            opt.zero_grad()
            loss.backward()
            opt.step()
            if shadow is not None:
                d = ema_decay(step, ema)
                with torch.no_grad():
                    for s, p in zip(shadow, params):
                        s.mul_(d).add_(p.detach(), alpha=1 - d)
            step += 1
            total_loss += float(loss.detach()) * len(idx)
            correct += int((logits.argmax(1) == yt[idx]).sum())
        sched.step()
        history["loss"].append(total_loss / len(xt))
        history["accuracy"].append(correct / len(xt))
        line = (f"epoch {epoch + 1}/{epochs}  loss {history['loss'][-1]:.4f}  "
                f"train acc {history['accuracy'][-1]:.4f}")
        if validation is not None:
            acc = _accuracy(predict_torch(model, validation[0]),
                            np.asarray(validation[1]))
            history["val_accuracy"].append(acc)
            line += f"  test acc {acc:.4f}"
        if log is not None:
            log(line + f"  ({time.perf_counter() - start:.0f} s)")
    if shadow is not None:
        with torch.no_grad():
            for s, p in zip(shadow, params):
                p.copy_(s)
    model.eval()
    history["seconds"] = time.perf_counter() - start
    return history


def predict_torch(model, x, batch_size=500) -> np.ndarray:
    """Logits of a PyTorch model for channels-last NumPy ``x``, in eval mode.

    Returns a NumPy array ``(n, classes)``; the model is left in eval mode.
    """
    x = check_array(x, "x", ndim=4)
    batch_size = check_int(batch_size, "batch_size", minimum=1)
    import torch

    from ..layouts import nhwc_to_nchw

    model.eval()
    dtype = next(model.parameters()).dtype
    out = []
    with torch.no_grad():
        for i in range(0, len(x), batch_size):
            xb = torch.from_numpy(nhwc_to_nchw(x[i:i + batch_size])).to(dtype)
            out.append(model(xb).numpy())
    return np.concatenate(out)
