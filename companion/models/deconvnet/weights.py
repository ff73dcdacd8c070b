"""SmallNet's weights in the companion's layout: export, load and copy."""

from __future__ import annotations

import numpy as np

from ..._validate import check_array, short_repr
from ..training import framework_of
from .arch import KERNEL, WEIGHT_LAYERS


def export_weights(model) -> dict:
    """A Keras or PyTorch SmallNet's weights in the companion's layout.

    Returns
    -------
    dict
        ``{"conv1": (w1, b1), "conv2": (w2, b2), "logits": (w3, b3)}``: HWIO
        kernels ``(5, 5, 1, c1)`` and ``(5, 5, c1, c2)``, and the dense kernel
        ``(16 c2, 10)`` whose rows follow Keras' ``(h, w, c)`` flatten order.
        float32 NumPy copies.
    """
    from ...layouts import (
        conv_kernel_from_torch,
        dense_kernel_from_torch,
        flatten_order_to_torch,
    )

    if framework_of(model) == "keras":
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
    pairs = {"conv1": (w1, b1), "conv2": (w2, b2), "logits": (w3, b3)}
    return {k: (np.array(w, dtype=np.float32), np.array(b, dtype=np.float32))
            for k, (w, b) in pairs.items()}


def check_weights(weights) -> dict:
    if not isinstance(weights, dict):
        raise TypeError(f"weights must be the dict export_weights returns, got "
                        f"{short_repr(weights)}")
    missing = [k for k in WEIGHT_LAYERS if k not in weights]
    if missing:
        raise ValueError(f"weights lacks {missing}; build it with export_weights")
    for name in WEIGHT_LAYERS:
        pair = weights[name]
        if not isinstance(pair, (tuple, list)) or len(pair) != 2:
            raise ValueError(f"weights[{name!r}] must be a (kernel, bias) pair, "
                             f"got {short_repr(pair)}")
    w1 = check_array(weights["conv1"][0], "weights['conv1'][0]", ndim=4)
    w2 = check_array(weights["conv2"][0], "weights['conv2'][0]", ndim=4)
    w3 = check_array(weights["logits"][0], "weights['logits'][0]", ndim=2)
    if w1.shape[:3] != (KERNEL, KERNEL, 1) or w2.shape[:3] != (
            KERNEL, KERNEL, w1.shape[3]) or w3.shape != (16 * w2.shape[3], 10):
        raise ValueError(
            f"weights do not describe a SmallNet: conv1 {w1.shape}, conv2 "
            f"{w2.shape}, logits {w3.shape}")
    return weights


def load_weights(model, weights) -> None:
    """Write companion-layout ``weights`` into a Keras or PyTorch SmallNet."""
    from ...layouts import (
        conv_kernel_to_torch,
        dense_kernel_to_torch,
        flatten_order_to_torch,
    )

    w = check_weights(weights)
    if framework_of(model) == "keras":
        for name in WEIGHT_LAYERS:
            model.get_layer(name).set_weights(list(w[name]))
        return
    import torch

    layers = dict(model.named_children())
    c2 = w["conv2"][0].shape[3]
    dense = w["logits"][0][flatten_order_to_torch(4, 4, c2)]
    new = {"conv1": (conv_kernel_to_torch(w["conv1"][0]), w["conv1"][1]),
           "conv2": (conv_kernel_to_torch(w["conv2"][0]), w["conv2"][1]),
           "logits": (dense_kernel_to_torch(dense), w["logits"][1])}
    with torch.no_grad():
        for name, (k, b) in new.items():
            layers[name].weight.copy_(torch.from_numpy(np.ascontiguousarray(k)))
            layers[name].bias.copy_(torch.from_numpy(np.ascontiguousarray(b)))


def copy_weights(src, dst) -> None:
    """``load_weights(dst, export_weights(src))``, either direction."""
    load_weights(dst, export_weights(src))
