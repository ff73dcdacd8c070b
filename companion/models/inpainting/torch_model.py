"""The article's inpainting network as a ``torch.nn.Module``, defined once at
module level so that ``isinstance`` holds across builds (chapter 5). Build it
with :func:`build_torch`, which checks the arguments. This module imports
PyTorch when it is imported; the package loads it on first use of
``build_torch`` or ``InpaintingAutoencoder``."""

from __future__ import annotations

import torch
from torch import nn

from .arch import ALPHA, ARTICLE_LAYERS, ARTICLE_SIZE, LAST_LAYER, check_build


class InpaintingAutoencoder(nn.Module):
    """The layers of :data:`ARTICLE_LAYERS` (NCHW in and out), each submodule
    named as there; ``output_activation`` is ``"relu"``, ``"sigmoid"`` or
    ``"linear"``."""

    def __init__(self, in_channels: int = 3, output_activation: str = "relu"):
        super().__init__()
        channels = {}
        c = in_channels
        for layer in ARTICLE_LAYERS:
            if layer.kind == "conv":
                self.add_module(layer.name, nn.Conv2d(c, layer.filters, layer.kernel))
                c = layer.filters
            elif layer.kind == "convt":
                self.add_module(layer.name, nn.ConvTranspose2d(
                    c, layer.filters, layer.kernel))
                c = layer.filters
            elif layer.kind == "concat":
                c = c + channels[layer.skip]
            channels[layer.name] = c
        self.output_activation = output_activation

    def forward(self, x, shapes=None):
        """``shapes``, a dict, receives each layer's ``(h, w, c)``."""
        pre = {}
        for layer in ARTICLE_LAYERS:
            if layer.kind in ("conv", "convt"):
                x = getattr(self, layer.name)(x)
                pre[layer.name] = x
                if layer.name != LAST_LAYER:
                    x = nn.functional.leaky_relu(x, ALPHA)
            elif layer.kind == "pool":
                x = nn.functional.max_pool2d(x, 2)
            elif layer.kind == "up":
                x = nn.functional.interpolate(x, scale_factor=2, mode="nearest")
            else:
                x = torch.cat([x, pre[layer.skip]], dim=1)
            if shapes is not None:
                shapes[layer.name] = (x.shape[2], x.shape[3], x.shape[1])
        if self.output_activation == "relu":
            x = torch.relu(x)
        elif self.output_activation == "sigmoid":
            x = torch.sigmoid(x)
        return x


def build_torch(size: int = ARTICLE_SIZE, *, in_channels: int = 3,
                output_activation: str = "relu"):
    """The same network as a ``torch.nn.Module`` (NCHW in and out).

    Same arguments as :func:`build_keras`; ``size`` is only checked (a torch
    module accepts any size, but only closing sizes run; ``None`` skips the
    check). ``model(x, shapes)`` fills the dict ``shapes`` with every layer's
    output ``(h, w, c)``. Submodules carry the
    layer names of :data:`ARTICLE_LAYERS`; :func:`copy_weights` copies a
    Keras model's weights into it (or back).
    """
    size, in_channels = check_build(size, in_channels, output_activation)
    return InpaintingAutoencoder(in_channels, output_activation)
