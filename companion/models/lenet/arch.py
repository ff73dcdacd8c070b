"""LeNet-5 and the MNIST network: the architecture's arithmetic and layer tables.

:func:`lenet5_table` counts the parameters and connections of LeNet-5 from its
description (with the full C3 connection table, LeCun's partial one, or any
boolean table); :func:`layer_table` reads the same columns off a built Keras or
PyTorch model. No framework is needed except to read a built model.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..._validate import check_choice, short_repr
from ..training import framework_of

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
            f"(6, 16) (S2 maps x C3 maps), got {short_repr(c3_table)}")
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
    from ...shapes import conv_output_size

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


def check_variant(variant):
    return check_choice(variant, "variant", VARIANTS)


def check_dtype(dtype):
    return check_choice(dtype, "dtype", ("float32", "float64"))


def check_rate(value, name):
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{name} must be a number, got {short_repr(value)}")
    if not 0.0 <= float(value) < 1.0:
        raise ValueError(f"{name} must be in [0, 1), got {value}")
    return float(value)


def check_nonneg(value, name):
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{name} must be a number, got {short_repr(value)}")
    if float(value) < 0:
        raise ValueError(f"{name} must be >= 0, got {value}")
    return float(value)


def layer_table(model) -> list[LayerRow]:
    """Output shape, parameters and connections of every layer of a model.

    Works on a Keras model or a PyTorch ``nn.Sequential`` (whose input shape is
    read from its first convolution: 32 x 32 for LeNet-5, 28 x 28 for the
    MNIST net). Parameters come from the framework (``count_params`` /
    ``numel``); connections are computed as in :func:`lenet5_table`.
    Activations, flatten and dropout layers are left out. Output shapes are
    channels-last ``(h, w, c)`` for both frameworks.
    """
    framework = framework_of(model)
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


