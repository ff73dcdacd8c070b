"""The article's network as data: its layer list, the shape trace, which
input sizes close, and the parameter count (chapter 5). The Keras, PyTorch and
NumPy versions (``keras_model``, ``torch_model``, ``numpy_model``) all read
:data:`ARTICLE_LAYERS`."""

from __future__ import annotations

from typing import NamedTuple

from ..._validate import check_choice, check_int
from ...shapes import conv_output_size, conv_transpose_output_size

#: The article's input side, in pixels.
ARTICLE_SIZE = 228
#: Negative slope of every LeakyReLU in the article's network.
ALPHA = 0.2
#: Output activations the builders accept.
OUTPUT_ACTIVATIONS = ("relu", "sigmoid", "linear")


class Layer(NamedTuple):
    """One entry of :data:`ARTICLE_LAYERS`.

    ``kind`` is ``"conv"`` (valid ``Conv2D``), ``"convt"`` (valid stride-1
    ``Conv2DTranspose``), ``"pool"`` (2 x 2 max pooling), ``"up"`` (2 x
    ``UpSampling2D``) or ``"concat"`` (channels of the previous layer, then
    those of the layer named ``skip``). Every conv and convt except the last
    is followed by LeakyReLU(0.2); ``skip`` refers to a convolution's output
    *before* its activation, as in the article.
    """

    name: str
    kind: str
    filters: int = 0
    kernel: int = 0
    skip: str = ""


#: The article's network, layer by layer (chapter 5, section 3).
ARTICLE_LAYERS = (
    Layer("conv1", "conv", 32, 3), Layer("conv2", "conv", 32, 3),
    Layer("pool1", "pool"),
    Layer("conv3", "conv", 64, 3), Layer("conv4", "conv", 64, 3),
    Layer("pool2", "pool"),
    Layer("conv5", "conv", 128, 3), Layer("conv6", "conv", 128, 3),
    Layer("pool3", "pool"),
    Layer("conv7", "conv", 256, 1), Layer("conv8", "conv", 256, 1),
    Layer("up1", "up"), Layer("concat1", "concat", skip="conv6"),
    Layer("convt1", "convt", 128, 3), Layer("convt2", "convt", 128, 3),
    Layer("up2", "up"), Layer("concat2", "concat", skip="conv4"),
    Layer("convt3", "convt", 64, 3), Layer("convt4", "convt", 64, 3),
    Layer("up3", "up"), Layer("concat3", "concat", skip="conv2"),
    Layer("convt5", "convt", 32, 3), Layer("convt6", "convt", 3, 3),
)
#: The last layer: no LeakyReLU after it, the output activation instead.
LAST_LAYER = ARTICLE_LAYERS[-1].name


class TraceRow(NamedTuple):
    """One line of :func:`trace_shapes`: a layer, its output shape, its
    parameter count."""

    name: str
    kind: str
    shape: tuple[int, int, int]
    params: int


class SkipMismatch(ValueError):
    """A concatenation whose two inputs have different spatial sizes."""


def _check_channels(in_channels):
    return check_int(in_channels, "in_channels", minimum=1)


def trace_shapes(size: int, in_channels: int = 3) -> list[TraceRow]:
    """Follow a ``size x size x in_channels`` input through the network.

    Sizes come from :mod:`companion.shapes`: ``conv_output_size(h, k)`` for a
    valid convolution (``h - k + 1``), ``conv_output_size(h, 2, stride=2)``
    for a max-pool (``floor(h / 2)``), ``conv_transpose_output_size(h, k,
    padding="valid")`` for a valid stride-1 transposed convolution
    (``h + k - 1``), and ``2h`` for ``UpSampling2D``. A conv has ``k*k*c_in*
    c_out + c_out`` parameters, as does a transposed conv.

    Parameters
    ----------
    size : int
        Input height and width.
    in_channels : int
        3 for the article, 4 with the mask as an extra channel.

    Returns
    -------
    list of :class:`TraceRow`, the input first.

    Raises
    ------
    SkipMismatch
        (a ``ValueError``) when a concatenation would join maps of different
        sizes; the message names the layers, the sizes and the pool at fault.
    ValueError
        When the input is too small for a kernel.

    Examples
    --------
    >>> rows = trace_shapes(228)
    >>> rows[-1].shape, sum(r.params for r in rows)
    ((228, 228, 3), 1152035)
    >>> [r.shape for r in rows if r.name == "conv8"]
    [(25, 25, 256)]
    """
    size = check_int(size, "size", minimum=1)
    in_channels = _check_channels(in_channels)
    h, c = size, in_channels
    rows = [TraceRow("input", "input", (h, h, c), 0)]
    by_name = {}
    pool_inputs = {}
    for layer in ARTICLE_LAYERS:
        params = 0
        if layer.kind in ("conv", "convt"):
            if layer.kind == "conv":
                try:
                    h = conv_output_size(h, layer.kernel, padding="valid")
                except ValueError as err:
                    raise ValueError(
                        f"size {size} is too small: {layer.name} receives "
                        f"{h} x {h}, less than its {layer.kernel} x "
                        f"{layer.kernel} kernel") from err
            else:
                h = conv_transpose_output_size(h, layer.kernel, padding="valid")
            params = layer.kernel * layer.kernel * c * layer.filters + layer.filters
            c = layer.filters
        elif layer.kind == "pool":
            if h < 2:
                raise ValueError(f"size {size} is too small: {layer.name} "
                                 f"receives {h} x {h}, less than its 2 x 2 window")
            pool_inputs[layer.name] = h
            h = conv_output_size(h, 2, stride=2, padding="valid")
        elif layer.kind == "up":
            h = 2 * h
        else:  # concat
            skip_h, skip_c = by_name[layer.skip][0], by_name[layer.skip][2]
            if skip_h != h:
                odd = [f"{name} receives {v} (odd)" for name, v in
                       pool_inputs.items() if v % 2]
                raise SkipMismatch(
                    f"size {size} does not close: {layer.name} joins the "
                    f"upsampled {h} x {h} map with {layer.skip}'s {skip_h} x "
                    f"{skip_h} map; " + "; ".join(odd) + ", and max pooling "
                    "floors an odd size, which upsampling by 2 cannot undo")
            c = c + skip_c
        by_name[layer.name] = (h, h, c)
        rows.append(TraceRow(layer.name, layer.kind, (h, h, c), params))
    return rows


def skip_problem(size: int, in_channels: int = 3) -> tuple[str, int, int] | None:
    """Why ``size`` does not close: ``(concat, upsampled_size, skip_size)``.

    ``None`` when every concatenation lines up. The first failing
    concatenation in the order the data flows is reported (the deepest one).

    Examples
    --------
    >>> skip_problem(228) is None
    True
    >>> skip_problem(96)  # pool3 receives 17: floor(17/2) = 8, up to 16
    ('concat1', 16, 17)
    """
    try:
        trace_shapes(size, in_channels)
    except SkipMismatch:
        pass
    else:
        return None
    # Trace again without the check to report the sizes.
    h, sizes = size, {}
    for layer in ARTICLE_LAYERS:
        if layer.kind == "conv":
            h = h - layer.kernel + 1
        elif layer.kind == "convt":
            h = h + layer.kernel - 1
        elif layer.kind == "pool":
            h = h // 2
        elif layer.kind == "up":
            h = 2 * h
        elif sizes[layer.skip] != h:
            return layer.name, h, sizes[layer.skip]
        sizes[layer.name] = h
    raise AssertionError("unreachable: trace_shapes found a mismatch")


def closes(size: int) -> bool:
    """True when every skip connection lines up for a ``size`` input (and the
    input is large enough for every kernel).

    Examples
    --------
    >>> closes(228), closes(226), closes(20)
    (True, False, False)
    """
    try:
        trace_shapes(size)
    except ValueError:
        return False
    return True


def valid_input_sizes(start: int = 1, stop: int = 257) -> list[int]:
    """Every input size in ``range(start, stop)`` for which the network closes.

    Found by tracing each size with :func:`trace_shapes` (no formula is
    assumed); chapter 5 shows that the list is ``28 + 8j``, ``j >= 1``.

    Examples
    --------
    >>> valid_input_sizes(1, 80)
    [36, 44, 52, 60, 68, 76]
    """
    start = check_int(start, "start", minimum=1)
    stop = check_int(stop, "stop", minimum=start)
    return [s for s in range(start, stop) if closes(s)]


def parameter_count(in_channels: int = 3) -> int:
    """Number of trainable parameters (it does not depend on the input size).

    Examples
    --------
    >>> parameter_count(), parameter_count(4)
    (1152035, 1152323)
    """
    return sum(r.params for r in trace_shapes(ARTICLE_SIZE, in_channels))


def check_build(size, in_channels, output_activation):
    in_channels = _check_channels(in_channels)
    check_choice(output_activation, "output_activation", OUTPUT_ACTIVATIONS)
    if size is None:
        return None, in_channels
    size = check_int(size, "size", minimum=1)
    try:
        trace_shapes(size, in_channels)
    except ValueError as err:
        good = [s for s in valid_input_sizes(max(1, size - 8), size + 9)]
        raise ValueError(f"size={size} cannot be built: {err}. Sizes near it "
                         f"that work: {good}") from err
    return size, in_channels
