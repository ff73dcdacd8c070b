"""Weights of a layer-list network in the companion's layout, either framework.

``{name: (kernel, bias)}`` for every ``"conv"`` and ``"tconv"`` layer, kernels
in Keras' layouts; PyTorch's go through :mod:`companion.layouts`.
"""

from __future__ import annotations

import numpy as np

from ..._validate import short_repr
from ..training import framework_of


def export_weights(model) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """``{name: (kernel, bias)}`` of every (transposed) convolution of a Keras
    model from :func:`build_keras` or a :class:`LayerNet`, in Keras' layouts.

    The input :func:`forward_numpy` takes.
    """
    if framework_of(model) == "keras":
        return {layer.name: tuple(np.array(a) for a in layer.get_weights())
                for layer in model.layers if layer.weights}
    from ...layouts import conv_kernel_from_torch, transposed_kernel_from_torch

    out = {}
    for layer in model.layers:
        if layer.kind in ("conv", "tconv"):
            m = model.ops[layer.name]
            convert = (conv_kernel_from_torch if layer.kind == "conv"
                       else transposed_kernel_from_torch)
            out[layer.name] = (convert(m.weight.detach().cpu().numpy()),
                               m.bias.detach().cpu().numpy().copy())
    return out


def load_weights(model, weights) -> None:
    """Write ``weights`` into a Keras model or a :class:`LayerNet`, in place.

    Layers are matched by name; raises ``ValueError`` when a layer of the
    model has no entry in ``weights`` or its kernel shape differs.
    """
    from ...layouts import copy_kernel_to_torch

    if not isinstance(weights, dict):
        raise TypeError(f"weights must be a dict name -> (kernel, bias), got "
                        f"{short_repr(weights)}")
    if framework_of(model) == "keras":
        targets = [(layer.name, layer) for layer in model.layers if layer.weights]
    else:
        targets = [(layer.name, layer) for layer in model.layers
                   if layer.kind in ("conv", "tconv")]
    for name, layer in targets:
        if name not in weights:
            raise ValueError(f"weights has no entry for layer {name!r}; export "
                             "them from a model built from the same layer list")
        kernel, bias = weights[name]
        if framework_of(model) == "torch":
            copy_kernel_to_torch(kernel, bias, model.ops[name],
                                 transposed=layer.kind == "tconv", name=name)
            continue
        shape = tuple(layer.get_weights()[0].shape)
        if tuple(np.shape(kernel)) != shape:
            raise ValueError(f"weights[{name!r}] kernel has shape "
                             f"{np.shape(kernel)}, the model's is {shape}")
        layer.set_weights([kernel, bias])


def copy_weights(src, dst) -> None:
    """``load_weights(dst, export_weights(src))``: Keras to PyTorch, PyTorch to
    Keras, or within one framework, between models of the same layer list."""
    load_weights(dst, export_weights(src))
