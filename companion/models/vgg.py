"""A VGG-16 encoder, the decoder that mirrors it, and other decoders (chapter 4).

Every network here is first a *layer list* (:class:`Layer` tuples), a plain
description from which three things are built:

- a Keras model (:func:`build_keras`) and its PyTorch twin
  (:func:`build_torch`), with :func:`keras_to_torch` to copy the weights
  across through :mod:`companion.layouts`;
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

  * ``"mirrored"``: the decoder of source article 002, the encoder read
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

TensorFlow and PyTorch are imported inside the functions that need them.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .._validate import _show, check_choice, check_int

__all__ = [
    "VGG16_WIDTHS",
    "VGG16_CONVS",
    "DECODER_KINDS",
    "Layer",
    "LayerRow",
    "encoder_layers",
    "decoder_layers",
    "autoencoder_layers",
    "toy_layers",
    "layer_table",
    "block_table",
    "format_table",
    "build_keras",
    "build_torch",
    "keras_to_torch",
    "keras_weights",
    "forward_numpy",
    "count_params_torch",
]

#: Channels of VGG-16's five blocks.
VGG16_WIDTHS = (64, 128, 256, 512, 512)
#: Number of 3x3 convolutions in each of VGG-16's blocks.
VGG16_CONVS = (2, 2, 3, 3, 3)
#: The decoders :func:`decoder_layers` and :func:`autoencoder_layers` build.
DECODER_KINDS = ("mirrored", "strided", "segnet", "unet")
#: Layer kinds a layer list may hold.
LAYER_KINDS = ("conv", "tconv", "maxpool", "upsample", "unpool", "concat")
ACTIVATIONS = ("relu", "sigmoid", None)
#: Bytes per stored activation value (float32).
BYTES_PER_VALUE = 4


class Layer(NamedTuple):
    """One layer of a network description.

    ``kind`` is ``"conv"`` (Keras ``Conv2D``), ``"tconv"``
    (``Conv2DTranspose``), ``"maxpool"``, ``"upsample"`` (nearest,
    ``UpSampling2D``), ``"unpool"`` (max-unpooling with the indices of the
    max-pool layer named ``source``) or ``"concat"`` (channels of the current
    tensor, then those of the layer named ``source``). ``kernel`` is the pool
    or upsampling factor for the parameter-free kinds. ``block`` groups layers
    for :func:`block_table`.
    """

    name: str
    kind: str
    filters: int = 0
    kernel: int = 1
    stride: int = 1
    padding: str = "same"
    activation: str | None = None
    source: str | None = None
    block: str = ""


class LayerRow(NamedTuple):
    """One line of :func:`layer_table` (per image; ``act_bytes`` in float32)."""

    name: str
    kind: str
    block: str
    output_shape: tuple[int, int, int]
    params: int
    macs: int
    act_bytes: int


# --------------------------------------------------------------------------
# Argument checks
# --------------------------------------------------------------------------

def _check_blocks(widths, convs):
    for value, name in ((widths, "widths"), (convs, "convs")):
        if isinstance(value, (str, bytes)) or not hasattr(value, "__len__") \
                or len(value) == 0:
            raise ValueError(f"{name} must be a non-empty tuple of ints, one per "
                             f"block, got {_show(value)}")
    if len(widths) != len(convs):
        raise ValueError(
            f"widths and convs must have one entry per block, got "
            f"{len(widths)} widths {tuple(widths)} and {len(convs)} convs "
            f"{tuple(convs)}")
    return (tuple(check_int(w, "widths", minimum=1) for w in widths),
            tuple(check_int(c, "convs", minimum=1) for c in convs))


def _check_activation(value, name):
    if value not in ACTIVATIONS:
        raise ValueError(f"{name} must be 'relu', 'sigmoid' or None, got "
                         f"{_show(value)}")
    return value


def _check_shape(shape, name, ndim=3):
    if isinstance(shape, (str, bytes)) or not hasattr(shape, "__len__") \
            or len(shape) != ndim:
        raise ValueError(f"{name} must be a tuple of {ndim} ints (height, width, "
                         f"channels), got {_show(shape)}")
    return tuple(check_int(v, name, minimum=1) for v in shape)


# --------------------------------------------------------------------------
# Layer lists
# --------------------------------------------------------------------------

def encoder_layers(widths=VGG16_WIDTHS, convs=VGG16_CONVS) -> list[Layer]:
    """VGG's convolutional part: per block, 3x3 "same" ReLU convs, then a pool.

    Layers are named as in the source article: ``conv{b}_{k}`` and
    ``pool{b}``, blocks ``"enc1"`` ... Each block halves the size, so the
    input's height and width must be divisible by ``2 ** len(widths)``
    (224 / 32 = 7 for VGG-16).

    Examples
    --------
    >>> [layer.name for layer in encoder_layers((8, 16), (1, 2))]
    ['conv1_1', 'pool1', 'conv2_1', 'conv2_2', 'pool2']
    """
    widths, convs = _check_blocks(widths, convs)
    layers = []
    for b, (width, n) in enumerate(zip(widths, convs), start=1):
        for k in range(1, n + 1):
            layers.append(Layer(f"conv{b}_{k}", "conv", width, 3,
                                activation="relu", block=f"enc{b}"))
        layers.append(Layer(f"pool{b}", "maxpool", kernel=2, block=f"enc{b}"))
    return layers


def decoder_layers(kind: str = "mirrored", widths=VGG16_WIDTHS, convs=VGG16_CONVS,
                   *, out_channels: int = 3, final_activation="relu"
                   ) -> list[Layer]:
    """The layers of a decoder for :func:`encoder_layers` (deepest block first).

    Parameters
    ----------
    kind : {"mirrored", "strided", "segnet", "unet"}
        See the module docstring. ``"segnet"`` and ``"unet"`` name encoder
        layers as their ``source``, so build them with
        :func:`autoencoder_layers`.
    widths, convs : tuple of int
        The encoder's blocks (VGG-16's by default).
    out_channels : int
        Channels of the reconstruction (3 for RGB).
    final_activation : {"relu", "sigmoid", None}
        The article ends with ReLU; ``"sigmoid"`` suits targets in [0, 1].

    Returns
    -------
    list of Layer
        Block ``b`` is named ``"dec{b}"``. The mirrored decoder's layers are
        ``up{b}`` and ``tconv{b}_{k}`` for ``k`` counting down, as in the
        article (which called the upsampling layers ``pool_{b}``).

    Examples
    --------
    >>> [(layer.name, layer.filters) for layer in decoder_layers(
    ...     "mirrored", (8, 16), (1, 2), out_channels=3)]
    [('up2', 0), ('tconv2_2', 16), ('tconv2_1', 16), ('up1', 0), ('tconv1_1', 3)]
    """
    kind = check_choice(kind, "kind", DECODER_KINDS)
    widths, convs = _check_blocks(widths, convs)
    out_channels = check_int(out_channels, "out_channels", minimum=1)
    final_activation = _check_activation(final_activation, "final_activation")
    layers = []
    for b in range(len(widths), 0, -1):
        width, n = widths[b - 1], convs[b - 1]
        blk = f"dec{b}"
        if kind == "mirrored":
            layers.append(Layer(f"up{b}", "upsample", kernel=2, block=blk))
            for k in range(n, 0, -1):
                layers.append(Layer(f"tconv{b}_{k}", "tconv", width, 3,
                                    activation="relu", block=blk))
        elif kind == "strided":
            layers.append(Layer(f"tconv{b}_{n}", "tconv", width, 4, stride=2,
                                activation="relu", block=blk))
            for k in range(n - 1, 0, -1):
                layers.append(Layer(f"tconv{b}_{k}", "tconv", width, 3,
                                    activation="relu", block=blk))
        elif kind == "segnet":
            layers.append(Layer(f"unpool{b}", "unpool", kernel=2,
                                source=f"pool{b}", block=blk))
            for k in range(n, 0, -1):  # the last conv gives the next width
                filters = widths[b - 2] if k == 1 and b > 1 else width
                layers.append(Layer(f"dconv{b}_{k}", "conv", filters, 3,
                                    activation="relu", block=blk))
        else:  # unet
            layers.append(Layer(f"up{b}", "upsample", kernel=2, block=blk))
            layers.append(Layer(f"upconv{b}", "conv", width, 2,
                                activation="relu", block=blk))
            layers.append(Layer(f"concat{b}", "concat", source=f"conv{b}_{n}",
                                block=blk))
            for k in range(n, 0, -1):
                layers.append(Layer(f"uconv{b}_{k}", "conv", width, 3,
                                    activation="relu", block=blk))
    last = layers[-1]
    if kind == "unet":
        layers.append(Layer("output", "conv", out_channels, 1,
                            activation=final_activation, block="dec1"))
    else:
        layers[-1] = last._replace(filters=out_channels,
                                   activation=final_activation)
    return layers


def autoencoder_layers(kind: str = "mirrored", widths=VGG16_WIDTHS,
                       convs=VGG16_CONVS, *, out_channels: int = 3,
                       final_activation="relu") -> list[Layer]:
    """:func:`encoder_layers` followed by :func:`decoder_layers` of ``kind``.

    Examples
    --------
    >>> layers = autoencoder_layers("segnet", (8,), (1,))
    >>> [(layer.name, layer.source) for layer in layers]
    [('conv1_1', None), ('pool1', None), ('unpool1', 'pool1'), ('dconv1_1', None)]
    """
    return encoder_layers(widths, convs) + decoder_layers(
        kind, widths, convs, out_channels=out_channels,
        final_activation=final_activation)


def toy_layers(kind: str = "conv", filters: int = 512,
               out_channels: int = 3) -> list[Layer]:
    """The source article's two toy encoder/decoder pairs.

    ``kind="conv"``: ``Conv2D(filters, 3)`` then ``Conv2DTranspose(
    out_channels, 3)``, both with Keras' default ``"valid"`` padding and no
    activation (224 to 222 to 224). ``kind="pool"``: ``MaxPool2D(2)`` then
    ``UpSampling2D(2)``, no parameters.

    Examples
    --------
    >>> [layer.kind for layer in toy_layers("pool")]
    ['maxpool', 'upsample']
    """
    kind = check_choice(kind, "kind", ("conv", "pool"))
    filters = check_int(filters, "filters", minimum=1)
    out_channels = check_int(out_channels, "out_channels", minimum=1)
    if kind == "conv":
        return [Layer("conv", "conv", filters, 3, padding="valid", block="enc"),
                Layer("tconv", "tconv", out_channels, 3, padding="valid",
                      block="dec")]
    return [Layer("pool", "maxpool", kernel=2, block="enc"),
            Layer("up", "upsample", kernel=2, block="dec")]


# --------------------------------------------------------------------------
# Shapes, parameters, multiply-adds: arithmetic only
# --------------------------------------------------------------------------

def _check_layers(layers):
    if not isinstance(layers, (list, tuple)) or not layers:
        raise ValueError(f"layers must be a non-empty list of Layer, got "
                         f"{_show(layers)}")
    names = set()
    for i, layer in enumerate(layers):
        if not isinstance(layer, Layer):
            raise TypeError(f"layers[{i}] must be a Layer, got "
                            f"{type(layer).__name__}")
        check_choice(layer.kind, f"layers[{i}].kind", LAYER_KINDS)
        check_choice(layer.padding, f"layers[{i}].padding", ("valid", "same"))
        _check_activation(layer.activation, f"layers[{i}].activation")
        if layer.name in names:
            raise ValueError(f"layer name {layer.name!r} appears twice")
        if layer.kind in ("unpool", "concat") and layer.source not in names:
            raise ValueError(
                f"layer {layer.name!r} reads source={layer.source!r}, which is "
                "not an earlier layer; build decoders that read the encoder "
                "with autoencoder_layers(...)")
        if layer.kind == "unpool" and \
                next(x for x in layers if x.name == layer.source).kind != "maxpool":
            raise ValueError(f"layer {layer.name!r} unpools with "
                             f"{layer.source!r}, which is not a max-pool layer")
        names.add(layer.name)
    return list(layers)


def _trace(layers, input_shape):
    """Output shape ``(h, w, c)`` of every layer, and each layer's input shape."""
    from ..shapes import conv_output_size, conv_transpose_output_size

    layers = _check_layers(layers)
    shape = _check_shape(input_shape, "input_shape")
    outs, ins = {}, {}
    for layer in layers:
        h, w, c = shape
        ins[layer.name] = shape
        if layer.kind == "conv":
            shape = (conv_output_size(h, layer.kernel, layer.stride, layer.padding),
                     conv_output_size(w, layer.kernel, layer.stride, layer.padding),
                     layer.filters)
        elif layer.kind == "tconv":
            shape = tuple(conv_transpose_output_size(
                v, layer.kernel, layer.stride, layer.padding) for v in (h, w)
            ) + (layer.filters,)
        elif layer.kind == "maxpool":
            if h < layer.kernel or w < layer.kernel:
                raise ValueError(
                    f"layer {layer.name!r} pools {layer.kernel}x{layer.kernel} "
                    f"windows of a {h}x{w} map; the input is too small for "
                    "this many blocks")
            shape = (h // layer.kernel, w // layer.kernel, c)
        elif layer.kind == "upsample":
            shape = (h * layer.kernel, w * layer.kernel, c)
        elif layer.kind == "unpool":
            pooled_in = ins[layer.source]
            if outs[layer.source] != shape:
                raise ValueError(
                    f"layer {layer.name!r} gets a map of shape {shape} but "
                    f"{layer.source!r} produced {outs[layer.source]}; the "
                    "indices only fit a map of that shape")
            shape = (*pooled_in[:2], c)
        else:  # concat
            sh, sw, sc = outs[layer.source]
            if (sh, sw) != (h, w):
                raise ValueError(
                    f"layer {layer.name!r} concatenates a {h}x{w} map with "
                    f"{layer.source!r} of size {sh}x{sw}; sizes must match")
            shape = (h, w, c + sc)
        outs[layer.name] = shape
    return layers, ins, outs


def layer_table(layers, input_shape) -> list[LayerRow]:
    """Output shape, parameters, multiply-adds and activation memory per layer.

    Per image, from arithmetic alone (no framework needed):

    - parameters of a ``k x k`` convolution or transposed convolution:
      ``k*k*c_in*c_out + c_out``;
    - multiply-adds of a convolution: ``oh*ow*c_out*k*k*c_in`` (every output
      value is a dot product of length ``k*k*c_in``); of a transposed
      convolution: ``h*w*c_in*k*k*c_out`` (every input value scatters a
      ``k x k x c_out`` copy of the kernel); pooling, upsampling, unpooling
      and concatenation: 0;
    - activation memory: the output's ``oh*ow*c`` values in float32 bytes.

    Parameters
    ----------
    layers : list of Layer
    input_shape : (int, int, int)
        ``(height, width, channels)`` of one input image.

    Returns
    -------
    list of LayerRow

    Examples
    --------
    >>> rows = layer_table(toy_layers("conv"), (224, 224, 3))
    >>> [(r.output_shape, r.params) for r in rows]
    [((222, 222, 512), 14336), ((224, 224, 3), 13827)]
    """
    layers, ins, outs = _trace(layers, input_shape)
    rows = []
    for layer in layers:
        h, w, c_in = ins[layer.name]
        oh, ow, c_out = outs[layer.name]
        params = macs = 0
        if layer.kind in ("conv", "tconv"):
            taps = layer.kernel * layer.kernel * c_in * c_out
            params = taps + c_out
            macs = taps * (oh * ow if layer.kind == "conv" else h * w)
        rows.append(LayerRow(layer.name, layer.kind, layer.block,
                             (oh, ow, c_out), params, macs,
                             oh * ow * c_out * BYTES_PER_VALUE))
    return rows


def block_table(rows) -> list[LayerRow]:
    """Sum :func:`layer_table` rows over each block (in order of appearance).

    A block's ``output_shape`` is that of its last layer; its ``name`` and
    ``kind`` are the block's name and ``"block"``.

    Examples
    --------
    >>> rows = block_table(layer_table(encoder_layers(), (224, 224, 3)))
    >>> [(r.name, r.output_shape) for r in rows][-1]
    ('enc5', (7, 7, 512))
    """
    if not isinstance(rows, (list, tuple)) or not all(
            isinstance(r, LayerRow) for r in rows):
        raise TypeError("rows must be a list of LayerRow from layer_table()")
    order, sums = [], {}
    for r in rows:
        if r.block not in sums:
            order.append(r.block)
            sums[r.block] = [r.output_shape, 0, 0, 0]
        s = sums[r.block]
        s[0] = r.output_shape
        s[1] += r.params
        s[2] += r.macs
        s[3] += r.act_bytes
    return [LayerRow(b, "block", b, *sums[b]) for b in order]


def format_table(rows, *, total: bool = True) -> str:
    """Rows of :func:`layer_table` or :func:`block_table` as aligned text.

    Multiply-adds in millions (M) and activation memory in MiB, both per
    image; a last line sums the parameters, multiply-adds and memory.

    Examples
    --------
    >>> print(format_table(layer_table(toy_layers("pool"), (224, 224, 3))))
    layer     output shape       parameters   mult-adds (M)  activations (MiB)
    pool      (112, 112, 3)               0             0.0               0.14
    up        (224, 224, 3)               0             0.0               0.57
    total                                 0             0.0               0.72
    """
    if not isinstance(rows, (list, tuple)) or not rows or not all(
            isinstance(r, LayerRow) for r in rows):
        raise TypeError("rows must be a non-empty list of LayerRow")
    width = max(9, max(len(r.name) for r in rows) + 1)
    lines = [f"{'layer':{width}s} {'output shape':18s} {'parameters':>11s} "
             f"{'mult-adds (M)':>15s} {'activations (MiB)':>18s}"]

    def line(name, shape, params, macs, act):
        return (f"{name:{width}s} {shape:18s} {params:>11,d} "
                f"{macs / 1e6:>15,.1f} {act / 2**20:>18,.2f}")

    for r in rows:
        lines.append(line(r.name, str(r.output_shape), r.params, r.macs,
                          r.act_bytes))
    if total:
        lines.append(line("total", "", sum(r.params for r in rows),
                          sum(r.macs for r in rows),
                          sum(r.act_bytes for r in rows)))
    return "\n".join(lines)


# --------------------------------------------------------------------------
# Keras
# --------------------------------------------------------------------------

def _keras_unpool_layers():
    """Two Keras layers for SegNet: max-pool with argmax, and max-unpool."""
    import keras
    import tensorflow as tf

    class MaxPoolWithArgmax2D(keras.layers.Layer):
        """``tf.nn.max_pool_with_argmax``: pooled values and flat indices."""

        def __init__(self, pool_size=2, **kwargs):
            super().__init__(**kwargs)
            self.pool_size = pool_size

        def call(self, x):
            p = self.pool_size
            values, indices = tf.nn.max_pool_with_argmax(
                x, ksize=p, strides=p, padding="VALID",
                include_batch_in_index=True)
            return values, indices

    class MaxUnpool2D(keras.layers.Layer):
        """Write each value at its argmax in zeros shaped like ``like``.

        ``tf.tensor_scatter_nd_update`` (``scatter_nd`` would add values
        that share an index; see SEMANTICS, "Pooling and unpooling").
        """

        def call(self, values, indices, like):
            shape = tf.shape(like, out_type=tf.int64)
            flat = tf.zeros([tf.reduce_prod(shape)], dtype=values.dtype)
            flat = tf.tensor_scatter_nd_update(
                flat, tf.reshape(indices, [-1, 1]), tf.reshape(values, [-1]))
            return tf.reshape(flat, shape)

    return MaxPoolWithArgmax2D, MaxUnpool2D


def build_keras(layers, input_shape, *, name: str = "vgg"):
    """A Keras functional model from a layer list.

    Parameters
    ----------
    layers : list of Layer
        From :func:`encoder_layers`, :func:`decoder_layers`,
        :func:`autoencoder_layers` or :func:`toy_layers`.
    input_shape : (int, int, int)
        ``(height, width, channels)`` of one input.
    name : str
        The model's name (the article called its decoder "vgg-16_encoder").

    Returns
    -------
    keras.Model
        Not compiled. Layer names are those of ``layers``. A max-pool layer
        whose indices an unpool layer reads is ``tf.nn.max_pool_with_argmax``.
        ``build_keras(toy_layers("conv"), (224, 224, 3))`` has the article's
        14,336 + 13,827 = 28,163 parameters (tests/test_models_vgg.py).
    """
    layer_list, _, _ = _trace(layers, input_shape)
    import keras
    from keras import layers as kl

    argmax_pools = {x.source for x in layer_list if x.kind == "unpool"}
    if argmax_pools:
        PoolArgmax, Unpool = _keras_unpool_layers()
    inputs = keras.Input(shape=tuple(input_shape), name="input")
    x = inputs
    seen, indices, pool_inputs = {}, {}, {}
    for layer in layer_list:
        if layer.kind == "conv":
            x = kl.Conv2D(layer.filters, layer.kernel, strides=layer.stride,
                          padding=layer.padding, activation=layer.activation,
                          name=layer.name)(x)
        elif layer.kind == "tconv":
            x = kl.Conv2DTranspose(layer.filters, layer.kernel,
                                   strides=layer.stride, padding=layer.padding,
                                   activation=layer.activation,
                                   name=layer.name)(x)
        elif layer.kind == "maxpool" and layer.name in argmax_pools:
            pool_inputs[layer.name] = x
            x, indices[layer.name] = PoolArgmax(layer.kernel, name=layer.name)(x)
        elif layer.kind == "maxpool":
            x = kl.MaxPooling2D(layer.kernel, name=layer.name)(x)
        elif layer.kind == "upsample":
            x = kl.UpSampling2D(layer.kernel, name=layer.name)(x)
        elif layer.kind == "unpool":
            x = Unpool(name=layer.name)(x, indices[layer.source],
                                        pool_inputs[layer.source])
        else:  # concat
            x = kl.Concatenate(name=layer.name)([x, seen[layer.source]])
        seen[layer.name] = x
    return keras.Model(inputs, x, name=name)


def keras_weights(model, layers) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """``{name: (kernel, bias)}`` of every (transposed) convolution, Keras layout.

    The input :func:`forward_numpy` takes.
    """
    out = {}
    for layer in _check_layers(layers):
        if layer.kind in ("conv", "tconv"):
            kernel, bias = model.get_layer(layer.name).get_weights()
            out[layer.name] = (np.asarray(kernel), np.asarray(bias))
    return out


# --------------------------------------------------------------------------
# PyTorch
# --------------------------------------------------------------------------

def _torch_net_class():
    import torch
    import torch.nn.functional as F
    from torch import nn

    from ..shapes import keras_same_to_torch, same_padding

    class LayerNet(nn.Module):
        """PyTorch twin of :func:`build_keras` (NCHW in and out).

        Keras ``"same"`` is reproduced exactly: convolutions pad with
        TensorFlow's rule (odd extra on the bottom/right, computed from the
        input size at run time); transposed convolutions use
        :func:`companion.shapes.keras_same_to_torch`'s padding,
        output padding and crop.
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
                        c, layer.filters, k, stride=s, padding=p,
                        output_padding=op)
                    self.crops[layer.name] = crop
                    c = layer.filters
                elif layer.kind == "concat":
                    c = c + channels[layer.source]
                channels[layer.name] = c

        def forward(self, x):
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
                    x, indices[layer.name] = F.max_pool2d(
                        x, layer.kernel, return_indices=True)
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

    return LayerNet


def build_torch(layers, in_channels: int):
    """The PyTorch twin of :func:`build_keras`: a module that runs ``layers``.

    Parameters
    ----------
    layers : list of Layer
    in_channels : int
        Channels of the input (spatial sizes are free: every layer is
        convolutional).

    Returns
    -------
    torch.nn.Module
        ``(n, c, h, w)`` in, NCHW out. Its convolutions live in ``.ops``,
        keyed by layer name (:func:`keras_to_torch` fills them).
    """
    layers = _check_layers(layers)
    in_channels = check_int(in_channels, "in_channels", minimum=1)
    return _torch_net_class()(layers, in_channels)


def keras_to_torch(keras_model, torch_model):
    """Copy the Keras model's weights into its PyTorch twin, in place.

    Layers are matched by name; kernels go through
    :func:`companion.layouts.conv_kernel_to_torch` and
    :func:`companion.layouts.transposed_kernel_to_torch` (both
    ``w.transpose(3, 2, 0, 1)``, no flip). Returns ``torch_model``; raises
    ``ValueError`` when a layer is missing or its kernel shape differs.
    """
    from ..layouts import copy_kernel_to_torch

    for layer in torch_model.layers:
        if layer.kind not in ("conv", "tconv"):
            continue
        try:
            source = keras_model.get_layer(layer.name)
        except ValueError as err:
            raise ValueError(f"keras_model has no layer named {layer.name!r}; "
                             "build both models from the same layer list") from err
        kernel, bias = source.get_weights()
        copy_kernel_to_torch(kernel, bias, torch_model.ops[layer.name],
                             transposed=layer.kind == "tconv", name=layer.name)
    return torch_model


def count_params_torch(model) -> int:
    """Number of trainable parameters of a PyTorch model."""
    return int(sum(p.numel() for p in model.parameters() if p.requires_grad))


# --------------------------------------------------------------------------
# NumPy
# --------------------------------------------------------------------------

def forward_numpy(layers, weights, x) -> np.ndarray:
    """Run a layer list with companion operations (the ground truth).

    Parameters
    ----------
    layers : list of Layer
    weights : dict
        ``{name: (kernel, bias)}`` in Keras layouts for every ``"conv"`` and
        ``"tconv"`` layer (:func:`keras_weights`).
    x : ndarray of shape ``(n, h, w, c)``

    Returns
    -------
    ndarray
        Computed in the dtype of ``x`` with :func:`companion.conv.conv2d`,
        :func:`companion.transposed.conv_transpose2d`,
        :func:`companion.pooling.max_pool2d`,
        :func:`companion.pooling.max_unpool2d`,
        :func:`companion.resize.upsample_repeat` and
        :func:`companion.layers.relu` / :func:`companion.layers.sigmoid`.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> layers = autoencoder_layers("segnet", (4,), (1,))
    >>> w = {"conv1_1": (rng.standard_normal((3, 3, 3, 4)), np.zeros(4)),
    ...      "dconv1_1": (rng.standard_normal((3, 3, 4, 3)), np.zeros(3))}
    >>> forward_numpy(layers, w, rng.random((2, 6, 4, 3))).shape
    (2, 6, 4, 3)
    """
    from .._validate import check_array
    from ..conv import conv2d
    from ..layers import relu, sigmoid
    from ..pooling import max_pool2d, max_unpool2d
    from ..resize import upsample_repeat
    from ..transposed import conv_transpose2d

    x = check_array(x, "x", ndim=4)
    layers, _, _ = _trace(layers, x.shape[1:])
    if not isinstance(weights, dict):
        raise TypeError(f"weights must be a dict name -> (kernel, bias), got "
                        f"{type(weights).__name__}")
    seen, indices, sizes = {}, {}, {}
    for layer in layers:
        if layer.kind in ("conv", "tconv"):
            if layer.name not in weights:
                raise ValueError(f"weights has no entry for layer {layer.name!r}")
            kernel, bias = (np.asarray(a, dtype=x.dtype)
                            for a in weights[layer.name])
            op = conv2d if layer.kind == "conv" else conv_transpose2d
            x = op(x, kernel, bias, stride=layer.stride, padding=layer.padding)
        elif layer.kind == "maxpool":
            sizes[layer.name] = x.shape[1:3]
            x, indices[layer.name] = max_pool2d(x, layer.kernel,
                                                return_indices=True)
        elif layer.kind == "upsample":
            x = upsample_repeat(x, layer.kernel)
        elif layer.kind == "unpool":
            x = max_unpool2d(x, indices[layer.source], sizes[layer.source])
        else:  # concat
            x = np.concatenate([x, seen[layer.source]], axis=-1)
        if layer.activation == "relu":
            x = relu(x)
        elif layer.activation == "sigmoid":
            x = sigmoid(x)
        seen[layer.name] = x
    return x
