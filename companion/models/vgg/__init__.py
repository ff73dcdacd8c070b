"""A VGG-16 encoder, the decoder that mirrors it, and other decoders (chapter 4).

Every network here is first a *layer list* (:class:`Layer` tuples), a plain
description from which three things are built:

- a Keras model (:func:`build_keras`) and its PyTorch twin
  (:func:`build_torch`, a :class:`LayerNet`), with :func:`copy_weights` to
  copy the weights across through :mod:`companion.layouts`;
- a NumPy forward pass made of companion operations (:func:`forward_numpy`),
  the ground truth both frameworks are checked against;
- a table of output shapes, parameters, multiply-adds and activation memory
  computed by arithmetic alone (:func:`layer_table`, :func:`block_table`), so
  that a 17-million-parameter model can be described without running it.

The networks (``widths`` and ``convs`` give the channels and the number of
3x3 convolutions of each block; VGG-16 is ``(64, 128, 256, 512, 512)`` and
``(2, 2, 3, 3, 3)``; smaller tuples give the width-reduced variants that a CPU
trains in seconds):

- :func:`encoder_layers`: VGG-16's convolutional part (Simonyan and Zisserman,
  2015), 3x3 "same" convolutions with ReLU and a 2x2 max-pool per block,
  224x224x3 to 7x7x512, 14,714,688 parameters.
- :func:`decoder_layers` with ``kind``:

  * ``"mirrored"``: the decoder of chapter 4's source article (listed in
    ``book/errata.md``), the encoder read
    backwards: ``UpSampling2D(2)`` where the encoder pools, a 3x3 "same"
    ``Conv2DTranspose`` where it convolves; each block's first layer changes
    the width, the last layer gives ``out_channels``. 7x7x512 to 224x224x3,
    17,037,059 parameters.
  * ``"strided"``: each ``UpSampling2D`` and the transposed convolution after
    it become one stride-2 ``Conv2DTranspose`` with a 4x4 kernel (a kernel
    divisible by the stride, so every output pixel receives the same number
    of taps; Odena et al., 2016).
  * ``"segnet"``: max-unpooling with the encoder's pooling indices, then 3x3
    convolutions (Badrinarayanan et al., SegNet, without batch norm). The
    indices only fit a map with the pooled map's channels, so each block's
    *last* convolution changes the width (an exact mirror of the encoder).
  * ``"unet"``: upsample, a 2x2 convolution (U-Net's "up-convolution", the
    ``up6`` layer of the article), concatenate the encoder's feature map of
    the same size, then the block's convolutions; a final 1x1 convolution
    gives ``out_channels`` (Ronneberger et al., 2015).

  ``"segnet"`` and ``"unet"`` read the encoder's tensors, so they exist only
  inside :func:`autoencoder_layers`.
- :func:`toy_layers`: the article's two toy pairs, ``Conv2D(512, 3)`` then
  ``Conv2DTranspose(3, 3)`` (224 to 222 to 224) and ``MaxPool2D(2)`` then
  ``UpSampling2D(2)``.

Modules: ``layer_lists``, ``arch`` (tables), ``keras_model``
(with SegNet's Keras layers :class:`MaxPoolWithArgmax2D` and
:class:`MaxUnpool2D`), ``torch_model`` (:class:`LayerNet`),
``weights``, ``numpy_model``. The classes are defined once, at module
level, so ``isinstance`` holds across builds; ``keras_model`` and
``torch_model`` import their framework, so this package loads them on
first use of one of their names.
"""

from __future__ import annotations

import importlib

from .arch import block_table, format_table, layer_table
from .layer_lists import (
    DECODER_KINDS,
    VGG16_CONVS,
    VGG16_WIDTHS,
    Layer,
    LayerRow,
    autoencoder_layers,
    decoder_layers,
    encoder_layers,
    toy_layers,
)
from .numpy_model import forward_numpy
from .weights import copy_weights, export_weights, load_weights

#: Names defined in the modules that import a framework, loaded on first use.
_LAZY = {
    "build_keras": "keras_model",
    "MaxPoolWithArgmax2D": "keras_model",
    "MaxUnpool2D": "keras_model",
    "build_torch": "torch_model",
    "LayerNet": "torch_model",
}

__all__ = [
    "DECODER_KINDS",
    "VGG16_CONVS",
    "VGG16_WIDTHS",
    "Layer",
    "LayerNet",
    "LayerRow",
    "MaxPoolWithArgmax2D",
    "MaxUnpool2D",
    "autoencoder_layers",
    "block_table",
    "build_keras",
    "build_torch",
    "copy_weights",
    "decoder_layers",
    "encoder_layers",
    "export_weights",
    "format_table",
    "forward_numpy",
    "layer_table",
    "load_weights",
    "toy_layers",
]


def __getattr__(name):
    if name in _LAZY:
        if _LAZY[name] == "keras_model":
            from ...utils import quiet_tensorflow

            quiet_tensorflow()  # before TensorFlow's C++ start-up log
        module = importlib.import_module(f"{__name__}.{_LAZY[name]}")
        return getattr(module, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_LAZY))
