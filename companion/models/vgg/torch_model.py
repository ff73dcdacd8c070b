"""The PyTorch twin of :func:`build_keras`: :class:`LayerNet` runs a layer list.

This module imports PyTorch when it is imported; the package loads it on first
use of :func:`build_torch` or :class:`LayerNet`.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from ...shapes import keras_same_to_torch, same_padding
from .arch import trace


class LayerNet(nn.Module):
    """PyTorch twin of :func:`build_keras` (NCHW in and out).

    Keras ``"same"`` is reproduced exactly: convolutions pad with
    TensorFlow's rule (odd extra on the bottom/right, computed from the
    input size at run time); transposed convolutions use
    :func:`companion.shapes.keras_same_to_torch`'s padding, output padding
    and crop. The (transposed) convolutions live in ``.ops``, keyed by layer
    name; ``.layers`` is the layer list.
    """

    def __init__(self, layers, in_channels):
        super().__init__()
        self.layers = list(layers)
        self.ops = nn.ModuleDict()
        self.crops = {}
        channels = {}
        c = in_channels
        for layer in self.layers:
            if layer.kind == "conv":
                self.ops[layer.name] = nn.Conv2d(c, layer.filters, layer.kernel,
                                                 stride=layer.stride)
                c = layer.filters
            elif layer.kind == "tconv":
                k, s = layer.kernel, layer.stride
                if layer.padding == "same":
                    p, op, crop = keras_same_to_torch(k, s)
                else:
                    p, op, crop = 0, max(s - k, 0), 0
                self.ops[layer.name] = nn.ConvTranspose2d(
                    c, layer.filters, k, stride=s, padding=p, output_padding=op)
                self.crops[layer.name] = crop
                c = layer.filters
            elif layer.kind == "concat":
                c = c + channels[layer.source]
            channels[layer.name] = c

    def forward(self, x):
        """Run the layer list on an NCHW batch ``x``; return the last output."""
        seen, indices, sizes = {}, {}, {}
        for layer in self.layers:
            if layer.kind == "conv":
                if layer.padding == "same":
                    (top, bottom), (left, right) = (
                        same_padding(size, layer.kernel, layer.stride)
                        for size in x.shape[2:])
                    x = F.pad(x, (left, right, top, bottom))
                x = self.ops[layer.name](x)
            elif layer.kind == "tconv":
                x = self.ops[layer.name](x)
                crop = self.crops[layer.name]
                if crop:
                    x = x[:, :, :x.shape[2] - crop, :x.shape[3] - crop]
            elif layer.kind == "maxpool":
                sizes[layer.name] = x.shape[2:]
                x, indices[layer.name] = F.max_pool2d(x, layer.kernel,
                                                      return_indices=True)
            elif layer.kind == "upsample":
                x = F.interpolate(x, scale_factor=layer.kernel, mode="nearest")
            elif layer.kind == "unpool":
                x = F.max_unpool2d(x, indices[layer.source], layer.kernel,
                                   output_size=sizes[layer.source])
            else:  # concat
                x = torch.cat([x, seen[layer.source]], dim=1)
            if layer.activation == "relu":
                x = F.relu(x)
            elif layer.activation == "sigmoid":
                x = torch.sigmoid(x)
            seen[layer.name] = x
        return x


def build_torch(layers, input_shape, *, name: str = "vgg") -> LayerNet:
    """The PyTorch twin of :func:`build_keras`, with the same arguments: a
    :class:`LayerNet`.

    Parameters
    ----------
    layers : list of Layer
    input_shape : (int, int, int)
        ``(height, width, channels)`` of one input, checked by tracing the
        layer list as :func:`build_keras` does. The module takes its channels;
        it runs on other sizes too (every layer is convolutional) where the
        layer list closes.
    name : str
        Kept as the module's ``name`` attribute.

    Returns
    -------
    LayerNet
        ``(n, c, h, w)`` in, NCHW out.
    """
    layer_list, _, _ = trace(layers, input_shape)
    net = LayerNet(layer_list, int(input_shape[-1]))
    net.name = str(name)
    return net
