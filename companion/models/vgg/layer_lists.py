"""Network descriptions: :class:`Layer` lists for VGG-16's encoder, its decoders
and the article's toy pairs, and their checks."""

from __future__ import annotations

from typing import NamedTuple

from ..._validate import check_choice, check_int, short_repr

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


def _check_blocks(widths, convs):
    for value, name in ((widths, "widths"), (convs, "convs")):
        if isinstance(value, (str, bytes)) or not hasattr(value, "__len__") \
                or len(value) == 0:
            raise ValueError(f"{name} must be a non-empty tuple of ints, one per "
                             f"block, got {short_repr(value)}")
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
                         f"{short_repr(value)}")
    return value


def check_shape(shape, name, ndim=3):
    if isinstance(shape, (str, bytes)) or not hasattr(shape, "__len__") \
            or len(shape) != ndim:
        raise ValueError(f"{name} must be a tuple of {ndim} ints (height, width, "
                         f"channels), got {short_repr(shape)}")
    return tuple(check_int(v, name, minimum=1) for v in shape)


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


def check_layers(layers):
    if not isinstance(layers, (list, tuple)) or not layers:
        raise ValueError(f"layers must be a non-empty list of Layer, got "
                         f"{short_repr(layers)}")
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


