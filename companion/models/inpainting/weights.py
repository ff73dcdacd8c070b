"""The article network's weights as one NumPy dict, in and out of either
framework (chapter 5).

A weights dict is ``{layer name: (kernel, bias)}`` for every convolution of
:data:`~companion.models.inpainting.ARTICLE_LAYERS`, in the channels-last Keras
layouts: conv kernels ``(k, k, c_in, c_out)``, transposed kernels
``(k, k, c_out, c_in)`` (:mod:`companion.layouts`). :func:`export_weights`
reads it from a Keras model or a PyTorch module, :func:`load_weights` writes it
into either, :func:`copy_weights` does both. TensorFlow and PyTorch are
imported inside the functions only.
"""

from __future__ import annotations

import numpy as np

from ..training import framework_of
from .arch import ARTICLE_LAYERS


def _expected_shapes(in_channels: int) -> dict[str, tuple]:
    """Keras-layout kernel shape of every convolution for ``in_channels``."""
    shapes, channels, c = {}, {}, in_channels
    for layer in ARTICLE_LAYERS:
        k = layer.kernel
        if layer.kind == "conv":
            shapes[layer.name] = (k, k, c, layer.filters)
            c = layer.filters
        elif layer.kind == "convt":
            shapes[layer.name] = (k, k, layer.filters, c)
            c = layer.filters
        elif layer.kind == "concat":
            c = c + channels[layer.skip]
        channels[layer.name] = c
    return shapes


def check_weights(weights, in_channels: int | None = None) -> int:
    """Check a weights dict; return the input depth its first kernel implies."""
    if not isinstance(weights, dict):
        raise TypeError("weights must be a dict {layer name: (kernel, bias)}, "
                        f"got {type(weights).__name__}")
    first = ARTICLE_LAYERS[0].name
    if first not in weights:
        raise ValueError(f"weights has no entry {first!r}; it needs every "
                         "convolution of ARTICLE_LAYERS (see export_weights)")
    depth = int(np.shape(weights[first][0])[2]) if in_channels is None \
        else in_channels
    want = _expected_shapes(depth)
    missing = sorted(set(want) - set(weights))
    extra = sorted(set(weights) - set(want))
    if missing or extra:
        raise ValueError(f"weights must hold exactly the layers {sorted(want)}; "
                         f"missing {missing}, unexpected {extra}")
    for name, shape in want.items():
        pair = weights[name]
        if not isinstance(pair, (tuple, list)) or len(pair) != 2:
            raise ValueError(f"weights[{name!r}] must be a (kernel, bias) pair")
        kernel, bias = np.shape(pair[0]), np.shape(pair[1])
        if kernel != shape or bias != (shape[3] if name.startswith("conv")
                                       and not name.startswith("convt")
                                       else shape[2],):
            raise ValueError(
                f"weights[{name!r}] has kernel {kernel} and bias {bias}; with "
                f"{depth} input channels the layer needs kernel {shape}")
    return depth


def export_weights(model) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """``{layer name: (kernel, bias)}`` of a :func:`build_keras` model or a
    :func:`build_torch` module, in Keras layouts (float32 NumPy copies)."""
    from ...layouts import conv_kernel_from_torch, transposed_kernel_from_torch

    framework = framework_of(model)
    out = {}
    for layer in ARTICLE_LAYERS:
        if layer.kind not in ("conv", "convt"):
            continue
        if framework == "keras":
            kernel, bias = model.get_layer(layer.name).get_weights()
        else:
            module = getattr(model, layer.name)
            w = module.weight.detach().cpu().numpy()
            kernel = (conv_kernel_from_torch(w) if layer.kind == "conv"
                      else transposed_kernel_from_torch(w))
            bias = module.bias.detach().cpu().numpy()
        out[layer.name] = (np.array(kernel, np.float32), np.array(bias, np.float32))
    return out


def load_weights(model, weights) -> None:
    """Load a weights dict (:func:`export_weights`) into a Keras model or a
    PyTorch module of the article's network, in place.

    The kernels must fit the model: a dict from a 4-channel model does not
    load into a 3-channel one (``ValueError`` naming the layer).
    """
    framework = framework_of(model)
    check_weights(weights)
    if framework == "keras":
        for layer in ARTICLE_LAYERS:
            if layer.kind not in ("conv", "convt"):
                continue
            target = model.get_layer(layer.name)
            kernel, bias = weights[layer.name]
            have = tuple(target.get_weights()[0].shape)
            if have != np.shape(kernel):
                raise ValueError(
                    f"model layer {layer.name} has kernel shape {have}, "
                    f"weights[{layer.name!r}] {np.shape(kernel)}; build the "
                    "model with the same in_channels")
            target.set_weights([np.asarray(kernel), np.asarray(bias)])
        return
    import torch

    from ...layouts import conv_kernel_to_torch, transposed_kernel_to_torch

    with torch.no_grad():
        for layer in ARTICLE_LAYERS:
            if layer.kind not in ("conv", "convt"):
                continue
            kernel, bias = weights[layer.name]
            to_torch = (conv_kernel_to_torch if layer.kind == "conv"
                        else transposed_kernel_to_torch)
            module = getattr(model, layer.name)
            w = to_torch(np.asarray(kernel))
            if tuple(module.weight.shape) != w.shape:
                raise ValueError(
                    f"model.{layer.name} has weight shape "
                    f"{tuple(module.weight.shape)}, weights[{layer.name!r}] "
                    f"gives {w.shape}; build the model with the same in_channels")
            module.weight.copy_(torch.from_numpy(w).to(module.weight.dtype))
            module.bias.copy_(torch.from_numpy(np.ascontiguousarray(bias))
                              .to(module.bias.dtype))


def copy_weights(src, dst) -> None:
    """``load_weights(dst, export_weights(src))``: Keras to PyTorch, PyTorch to
    Keras, or between two models of the same framework."""
    load_weights(dst, export_weights(src))
