"""The super-resolution networks' weights in the companion's layout.

``{layer_name: (kernel, bias)}`` with the Keras layer names (the article's for
the article model); kernels in Keras' layouts. A PyTorch twin's convolutions
are matched to the names by their order.
"""

from __future__ import annotations

import numpy as np

from ..._validate import check_array, short_repr
from ..training import framework_of
from .arch import ARTICLE_LAYERS, residual_layers


def _torch_convs(model):
    from torch import nn

    return [m for m in model.modules()
            if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d))]


def _names_for(n_layers, first_transposed):
    """The layer names of the model with ``n_layers`` convolutions."""
    if first_transposed and n_layers == len(ARTICLE_LAYERS):
        return ARTICLE_LAYERS
    if not first_transposed and n_layers >= 2:
        return residual_layers(n_layers - 2)
    raise ValueError(f"model is neither super-resolution network: "
                     f"{n_layers} convolutions, the first "
                     f"{'transposed' if first_transposed else 'ordinary'}")


def export_weights(model) -> dict:
    """``{name: (kernel, bias)}`` of a Keras or PyTorch super-resolution model.

    Kernels in Keras' layouts (``(kh, kw, c_in, c_out)``, transposed
    ``(kh, kw, c_out, c_in)``), NumPy copies in the model's dtype.
    """
    from ...layouts import conv_kernel_from_torch, transposed_kernel_from_torch

    if framework_of(model) == "keras":
        return {layer.name: tuple(np.array(a) for a in layer.get_weights())
                for layer in model.layers if layer.weights}
    import torch

    convs = _torch_convs(model)
    names = _names_for(len(convs),
                       bool(convs) and isinstance(convs[0],
                                                  torch.nn.ConvTranspose2d))
    out = {}
    for name, m in zip(names, convs):
        convert = transposed_kernel_from_torch if isinstance(
            m, torch.nn.ConvTranspose2d) else conv_kernel_from_torch
        out[name] = (convert(m.weight.detach().cpu().numpy()),
                     m.bias.detach().cpu().numpy().copy())
    return out


def check_weights(weights) -> dict:
    if not isinstance(weights, dict) or not weights:
        raise TypeError(f"weights must be the dict export_weights returns "
                        f"(name -> (kernel, bias)), got {short_repr(weights)}")
    names = tuple(weights)
    if names not in (ARTICLE_LAYERS, residual_layers(max(len(names) - 2, 0))):
        raise ValueError(
            f"weights must hold the layers {ARTICLE_LAYERS} (article) or "
            f"features_5x5, features_3x3_1, ..., upsample_residual (residual), "
            f"in order; got {list(names)}")
    for name, pair in weights.items():
        if not isinstance(pair, (tuple, list)) or len(pair) != 2:
            raise ValueError(f"weights[{name!r}] must be a (kernel, bias) pair, "
                             f"got {short_repr(pair)}")
        check_array(pair[0], f"weights[{name!r}][0]", ndim=4)
        check_array(pair[1], f"weights[{name!r}][1]", ndim=1)
    return weights


def load_weights(model, weights) -> None:
    """Write ``weights`` (see :func:`export_weights`) into a Keras or PyTorch
    model of the same variant and sizes, in place."""
    from ...layouts import copy_kernel_to_torch

    weights = check_weights(weights)
    if framework_of(model) == "keras":
        layers = [layer for layer in model.layers if layer.weights]
        if [layer.name for layer in layers] != list(weights):
            raise ValueError(f"weights hold {list(weights)} but the model's "
                             f"layers are {[layer.name for layer in layers]}; "
                             "build it with the same variant and depth")
        for layer in layers:
            kernel, bias = weights[layer.name]
            shape = tuple(layer.get_weights()[0].shape)
            if tuple(np.shape(kernel)) != shape:
                raise ValueError(
                    f"weights[{layer.name!r}] kernel has shape "
                    f"{np.shape(kernel)}, the model's is {shape}; build both "
                    "with the same sizes")
            layer.set_weights([kernel, bias])
        return
    import torch

    convs = _torch_convs(model)
    if len(convs) != len(weights):
        raise ValueError(f"weights hold {len(weights)} layers but the model has "
                         f"{len(convs)} convolutions; build it with the same "
                         "variant and depth")
    for (name, (kernel, bias)), m in zip(weights.items(), convs):
        transposed = isinstance(m, torch.nn.ConvTranspose2d)
        if transposed != (name in ("Transpose-Conv2D-Layer-1",
                                   "Transpose-Conv2D-Layer-2",
                                   "upsample_residual")):
            raise ValueError(f"layer {name!r} has no counterpart in the model "
                             f"(found {type(m).__name__})")
        copy_kernel_to_torch(kernel, bias, m, transposed=transposed, name=name)


def copy_weights(src, dst) -> None:
    """``load_weights(dst, export_weights(src))``: Keras to PyTorch, PyTorch to
    Keras, or within one framework."""
    load_weights(dst, export_weights(src))
