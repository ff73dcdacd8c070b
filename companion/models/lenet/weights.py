"""LeNet weights in the companion's layout: export, load and copy, either framework."""

from __future__ import annotations

import numpy as np

from ..._validate import check_array, short_repr
from ..training import framework_of
from .arch import WEIGHT_LAYERS, check_dtype


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
    from ...layouts import (
        conv_kernel_from_torch,
        dense_kernel_from_torch,
        flatten_order_to_torch,
    )

    framework = framework_of(model)
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
        dt = np.dtype(check_dtype(dtype))
        out = {k: (w.astype(dt), b.astype(dt)) for k, (w, b) in out.items()}
    return out


def check_weights(weights) -> str:
    if not isinstance(weights, dict):
        raise TypeError(f"weights must be a dict of name -> (kernel, bias), got "
                        f"{type(weights).__name__}; use export_weights(model)")
    variant = _variant_of(weights)
    for name in WEIGHT_LAYERS[variant]:
        pair = weights[name]
        if not isinstance(pair, (tuple, list)) or len(pair) != 2:
            raise ValueError(f"weights[{name!r}] must be a (kernel, bias) pair, "
                             f"got {short_repr(pair)}")
        check_array(pair[0], f"weights[{name!r}][0]", ndim=(2, 4))
        check_array(pair[1], f"weights[{name!r}][1]", ndim=1)
    return variant


def load_weights(model, weights) -> None:
    """Write companion-layout ``weights`` (see :func:`export_weights`) into a
    Keras or PyTorch model of the same variant, in place."""
    from ...layouts import (
        conv_kernel_to_torch,
        dense_kernel_to_torch,
        flatten_order_to_torch,
    )

    variant = check_weights(weights)
    framework = framework_of(model)
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




def copy_weights(src, dst) -> None:
    """``load_weights(dst, export_weights(src))``: Keras to PyTorch, PyTorch to
    Keras, or within one framework, for models of the same variant."""
    load_weights(dst, export_weights(src))
