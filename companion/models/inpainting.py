"""Chapter 5: inpainting with a skip-connection autoencoder, and its baselines.

The network is the one of Shubham Panchal's article (chapter 5's source): on a
228 x 228 x 3 image, valid 3 x 3 convolutions and three 2 x 2 max-pools down to
25 x 25, two 1 x 1 convolutions as the bottleneck, then three rounds of
``UpSampling2D`` + ``Concatenate`` (with the encoder's convolution outputs) +
two valid 3 x 3 ``Conv2DTranspose`` back to 228 x 228 x 3; LeakyReLU(0.2)
everywhere except the last layer (ReLU in the article). It has 1,152,035
parameters. :data:`ARTICLE_LAYERS` lists it once; the Keras builder, the
PyTorch module, the NumPy forward pass and the shape trace all read that list.

Valid padding makes the network close (the upsampled maps have the size of
the encoder maps they are concatenated with) only for some input sizes:
:func:`trace_shapes` follows one size through with :mod:`companion.shapes`,
:func:`skip_problem` says why a size fails and :func:`valid_input_sizes` lists
the sizes that work.

The improved variant (chapter 5, "Training on the CPU") feeds the mask as a
fourth input channel (``in_channels=4``, :func:`with_mask_channel`), ends in a
sigmoid (``output_activation="sigmoid"``), is trained with a loss weighted on
the hole (:func:`weighted_mse`, ``hole_weight`` in :func:`fit_keras`) and sees
its colours centred on the mean of the known pixels (:func:`known_mean`,
:func:`centre`, :func:`uncentre`).

Holes, metrics and baselines work on NHWC float images in [0, 1] and masks of
shape ``(n, h, w, 1)`` holding 1 inside the hole and 0 elsewhere:
:func:`square_mask`, :func:`random_square_masks`, :func:`cut_holes`,
:func:`hole_psnr`, :func:`hole_ssim`, :func:`mean_fill`, :func:`telea_fill`,
:func:`biharmonic_fill`. TensorFlow, PyTorch and OpenCV are imported inside
the functions that need them.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .._validate import check_array, check_choice, check_int
from ..shapes import conv_output_size, conv_transpose_output_size

#: The article's input side and hole side, in pixels.
ARTICLE_SIZE = 228
ARTICLE_HOLE = 50
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
_LAST = ARTICLE_LAYERS[-1].name


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


def _check_build(size, in_channels, output_activation):
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


def build_keras(size: int = ARTICLE_SIZE, *, in_channels: int = 3,
                output_activation: str = "relu"):
    """The article's network as a ``keras.Model`` (functional API).

    Parameters
    ----------
    size : int or None
        Input side; must close (:func:`closes`): 228 in the article. ``None``
        builds a fully convolutional model for any side, which fails at its
        first concatenation when called on a side that does not close.
    in_channels : int
        3 (the article) or 4 (masked image plus the mask).
    output_activation : {"relu", "sigmoid", "linear"}
        The article ends in ReLU; the improved variant in a sigmoid.

    Returns
    -------
    keras.Model mapping ``(n, size, size, in_channels)`` to
    ``(n, size, size, 3)``; layers named as in :data:`ARTICLE_LAYERS`.
    """
    size, in_channels = _check_build(size, in_channels, output_activation)
    import keras
    from keras import layers

    inputs = keras.Input((size, size, in_channels), name="input")
    x, pre = inputs, {}
    for layer in ARTICLE_LAYERS:
        if layer.kind in ("conv", "convt"):
            cls = layers.Conv2D if layer.kind == "conv" else layers.Conv2DTranspose
            last = layer.name == _LAST
            x = cls(layer.filters, layer.kernel, padding="valid", name=layer.name,
                    activation=output_activation if last else None)(x)
            pre[layer.name] = x
            if not last:
                x = layers.LeakyReLU(negative_slope=ALPHA,
                                     name=f"act_{layer.name}")(x)
        elif layer.kind == "pool":
            x = layers.MaxPooling2D(2, name=layer.name)(x)
        elif layer.kind == "up":
            x = layers.UpSampling2D(2, name=layer.name)(x)
        else:
            x = layers.Concatenate(name=layer.name)([x, pre[layer.skip]])
    return keras.Model(inputs, x, name="inpainting_autoencoder")


def build_torch(size: int = ARTICLE_SIZE, *, in_channels: int = 3,
                output_activation: str = "relu"):
    """The same network as a ``torch.nn.Module`` (NCHW in and out).

    Same arguments as :func:`build_keras`; ``size`` is only checked (a torch
    module accepts any size, but only closing sizes run; ``None`` skips the
    check). ``model(x, shapes)`` fills the dict ``shapes`` with every layer's
    output ``(h, w, c)``. Submodules carry the
    layer names of :data:`ARTICLE_LAYERS`; :func:`copy_keras_to_torch` copies
    a Keras model's weights into it.
    """
    size, in_channels = _check_build(size, in_channels, output_activation)
    import torch
    from torch import nn

    class InpaintingAutoencoder(nn.Module):
        def __init__(self):
            super().__init__()
            channels = {}
            c = in_channels
            for layer in ARTICLE_LAYERS:
                if layer.kind == "conv":
                    self.add_module(layer.name,
                                    nn.Conv2d(c, layer.filters, layer.kernel))
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
                    if layer.name != _LAST:
                        x = nn.functional.leaky_relu(x, ALPHA)
                elif layer.kind == "pool":
                    x = nn.functional.max_pool2d(x, 2)
                elif layer.kind == "up":
                    x = nn.functional.interpolate(x, scale_factor=2,
                                                  mode="nearest")
                else:
                    x = torch.cat([x, pre[layer.skip]], dim=1)
                if shapes is not None:
                    shapes[layer.name] = (x.shape[2], x.shape[3], x.shape[1])
            if self.output_activation == "relu":
                x = torch.relu(x)
            elif self.output_activation == "sigmoid":
                x = torch.sigmoid(x)
            return x

    return InpaintingAutoencoder()


def keras_weights(model) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """``{layer name: (kernel, bias)}`` of a :func:`build_keras` model, in
    Keras layouts (conv ``(k, k, c_in, c_out)``, transposed ``(k, k, c_out,
    c_in)``)."""
    out = {}
    for layer in ARTICLE_LAYERS:
        if layer.kind in ("conv", "convt"):
            kernel, bias = model.get_layer(layer.name).get_weights()
            out[layer.name] = (np.asarray(kernel), np.asarray(bias))
    return out


def copy_keras_to_torch(keras_model, torch_model) -> None:
    """Copy every kernel and bias of a Keras model into the PyTorch twin.

    Both kernel layouts map with ``transpose(3, 2, 0, 1)``, no flip
    (:mod:`companion.layouts`).
    """
    import torch

    from ..layouts import conv_kernel_to_torch, transposed_kernel_to_torch

    weights = keras_weights(keras_model)
    with torch.no_grad():
        for layer in ARTICLE_LAYERS:
            if layer.kind not in ("conv", "convt"):
                continue
            kernel, bias = weights[layer.name]
            to_torch = (conv_kernel_to_torch if layer.kind == "conv"
                        else transposed_kernel_to_torch)
            module = getattr(torch_model, layer.name)
            if tuple(module.weight.shape) != to_torch(kernel).shape:
                raise ValueError(
                    f"torch_model.{layer.name} has weight shape "
                    f"{tuple(module.weight.shape)}, the Keras layer gives "
                    f"{to_torch(kernel).shape}; build both with the same "
                    "in_channels")
            module.weight.copy_(torch.from_numpy(to_torch(kernel)))
            module.bias.copy_(torch.from_numpy(np.ascontiguousarray(bias)))


def conv_transpose_valid(x, w, b=None):
    """Valid stride-1 transposed convolution as a plain convolution.

    For stride 1, Keras' ``Conv2DTranspose(padding="valid")`` with kernel
    ``w`` of shape ``(k, k, c_out, c_in)`` equals a convolution of the input
    padded by ``k - 1`` on every side with the kernel rotated by 180 degrees
    and its channel axes swapped (chapter 2's zero-insertion view with no
    zeros to insert). Output side ``h + k - 1``.

    Examples
    --------
    >>> x = np.zeros((1, 2, 2, 1)); x[0, 0, 0, 0] = 1.0
    >>> w = np.arange(4.0).reshape(2, 2, 1, 1)
    >>> conv_transpose_valid(x, w)[0, :, :, 0]  # the kernel, scattered once
    array([[0., 1., 0.],
           [2., 3., 0.],
           [0., 0., 0.]])
    """
    from ..conv import conv2d

    x = check_array(x, "x", ndim=4)
    w = check_array(w, "w", ndim=4)
    k = w.shape[0]
    flipped = np.ascontiguousarray(w[::-1, ::-1].transpose(0, 1, 3, 2))
    return conv2d(x, flipped, b, padding=k - 1)


def forward_numpy(weights, x, output_activation: str = "relu") -> np.ndarray:
    """The network's forward pass with the companion's NumPy operations.

    Parameters
    ----------
    weights : dict
        ``{layer name: (kernel, bias)}`` in Keras layouts (:func:`keras_weights`).
    x : ndarray of shape ``(n, size, size, in_channels)``
    output_activation : {"relu", "sigmoid", "linear"}

    Returns
    -------
    ndarray of shape ``(n, size, size, 3)``: the ground truth the Keras and
    PyTorch models are checked against.
    """
    from ..conv import conv2d
    from ..pooling import max_pool2d
    from ..resize import upsample_repeat

    x = check_array(x, "x", ndim=4)
    check_choice(output_activation, "output_activation", OUTPUT_ACTIVATIONS)
    if x.shape[1] != x.shape[2]:
        raise ValueError(f"x must hold square images, got shape {x.shape}")
    _check_build(x.shape[1], x.shape[3], output_activation)
    pre = {}
    for layer in ARTICLE_LAYERS:
        if layer.kind in ("conv", "convt"):
            kernel, bias = (np.asarray(a, dtype=x.dtype)
                            for a in weights[layer.name])
            op = conv2d if layer.kind == "conv" else conv_transpose_valid
            x = op(x, kernel, bias)
            pre[layer.name] = x
            if layer.name != _LAST:
                x = np.where(x > 0, x, ALPHA * x)
        elif layer.kind == "pool":
            x = max_pool2d(x, 2)
        elif layer.kind == "up":
            x = upsample_repeat(x, 2)
        else:
            x = np.concatenate([x, pre[layer.skip]], axis=-1)
    if output_activation == "relu":
        x = np.maximum(x, 0)
    elif output_activation == "sigmoid":
        x = 1 / (1 + np.exp(-x))
    return x


# ----------------------------------------------------------------- holes


def _check_hole(size, hole, name="hole"):
    size = check_int(size, "size", minimum=1)
    hole = check_int(hole, name, minimum=1)
    if hole > size:
        raise ValueError(f"{name}={hole} is larger than the image side "
                         f"size={size}; use a hole of at most {size}")
    return size, hole


def square_mask(size: int, top: int, left: int, hole: int) -> np.ndarray:
    """A ``(size, size, 1)`` float32 mask: 1 in the hole, 0 elsewhere.

    The hole covers rows ``top : top + hole`` and columns ``left : left +
    hole``, and must fit inside the image.

    Examples
    --------
    >>> square_mask(4, 1, 2, 2)[..., 0]
    array([[0., 0., 0., 0.],
           [0., 0., 1., 1.],
           [0., 0., 1., 1.],
           [0., 0., 0., 0.]], dtype=float32)
    """
    size, hole = _check_hole(size, hole)
    top = check_int(top, "top", minimum=0, maximum=size - hole)
    left = check_int(left, "left", minimum=0, maximum=size - hole)
    mask = np.zeros((size, size, 1), dtype=np.float32)
    mask[top:top + hole, left:left + hole] = 1.0
    return mask


def random_square_masks(count: int, size: int, hole: int, *,
                        seed: int = 0) -> np.ndarray:
    """``count`` masks with one ``hole x hole`` square each, seeded.

    The corner is drawn uniformly from ``[0, size - hole]`` on each axis (the
    article's ``random.randint(0, size - window)``), from
    ``np.random.default_rng(seed)``: the same seed gives the same holes.

    Returns
    -------
    ndarray of shape ``(count, size, size, 1)``, float32 of 0 and 1

    Examples
    --------
    >>> m = random_square_masks(3, 10, 4, seed=1)
    >>> m.shape, m.sum(axis=(1, 2, 3)).tolist()
    ((3, 10, 10, 1), [16.0, 16.0, 16.0])
    """
    count = check_int(count, "count", minimum=1)
    size, hole = _check_hole(size, hole)
    seed = check_int(seed, "seed", minimum=0)
    rng = np.random.default_rng(seed)
    corners = rng.integers(0, size - hole + 1, size=(count, 2))
    return np.stack([square_mask(size, int(t), int(l), hole) for t, l in corners])


def _check_pair(images, masks, images_name="images"):
    images = check_array(images, images_name, ndim=4)
    masks = check_array(masks, "masks", ndim=4)
    if masks.shape != images.shape[:3] + (1,):
        raise ValueError(
            f"masks must have shape {images.shape[:3] + (1,)} to match "
            f"{images_name} of shape {images.shape}, got {masks.shape}")
    if not np.all((masks == 0) | (masks == 1)):
        raise ValueError("masks must hold only 0 (known) and 1 (hole)")
    empty = np.flatnonzero(masks.reshape(len(masks), -1).sum(axis=1) == 0)
    if empty.size:
        raise ValueError("every mask needs at least one hole pixel; masks "
                         f"{empty[:5].tolist()} are empty")
    return images, masks


def inpainting_examples(images, size: int, count: int, hole: int, *,
                        seed: int = 0):
    """Seeded training or test examples: patches, their masks, and the
    patches with the holes cut out.

    Patches come from :func:`companion.data.random_patches` (``seed``) and
    holes from :func:`random_square_masks` (``seed + 1``), so a split is fixed
    by its images and its seed.

    Returns
    -------
    originals : ndarray of shape ``(count, size, size, 3)``
    masks : ndarray of shape ``(count, size, size, 1)``
    masked : ndarray of shape ``(count, size, size, 3)``, holes set to 0

    Examples
    --------
    >>> imgs = [np.full((20, 20, 3), 0.5, dtype=np.float32)]
    >>> o, m, x = inpainting_examples(imgs, 8, 2, 3, seed=0)
    >>> o.shape, m.shape, float(x.min()), float(m.sum())
    ((2, 8, 8, 3), (2, 8, 8, 1), 0.0, 18.0)
    """
    from ..data import random_patches

    seed = check_int(seed, "seed", minimum=0)
    originals = random_patches(images, size, count, seed=seed)
    masks = random_square_masks(count, size, hole, seed=seed + 1)
    return originals, masks, cut_holes(originals, masks)


def cut_holes(images, masks, fill: float = 0.0) -> np.ndarray:
    """Images with every hole pixel set to ``fill`` (the article uses 0).

    Examples
    --------
    >>> x = np.ones((1, 3, 3, 3), dtype=np.float32)
    >>> cut_holes(x, square_mask(3, 1, 1, 1)[None])[0, :, :, 0]
    array([[1., 1., 1.],
           [1., 0., 1.],
           [1., 1., 1.]], dtype=float32)
    """
    images, masks = _check_pair(images, masks)
    return np.where(masks == 1, np.asarray(fill, images.dtype), images)


def with_mask_channel(masked, masks) -> np.ndarray:
    """The improved network's input: the masked image and the mask as a fourth
    channel, ``(n, h, w, 4)``."""
    masked, masks = _check_pair(masked, masks, "masked")
    return np.concatenate([masked, masks.astype(masked.dtype)], axis=-1)


def composite(masked, masks, prediction) -> np.ndarray:
    """Keep the known pixels, take the prediction inside the hole only."""
    masked, masks = _check_pair(masked, masks, "masked")
    prediction = check_array(prediction, "prediction", ndim=4)
    if prediction.shape != masked.shape:
        raise ValueError(f"prediction must have shape {masked.shape}, got "
                         f"{prediction.shape}")
    return np.where(masks == 1, prediction, masked).astype(masked.dtype)


# --------------------------------------------------------------- training


def weighted_mse(hole_weight: float = 1.0, known_weight: float = 1.0):
    """A Keras loss: squared error weighted by pixel, averaged per image.

    ``y_true`` packs the target and the mask, shape ``(n, h, w, 4)``
    (:func:`pack_targets`). Each pixel weighs ``hole_weight`` inside the hole
    and ``known_weight`` outside; the loss of an image is
    ``sum(w * (y - y_hat)**2) / sum(w)`` over pixels and channels. With both
    weights 1 it is the article's plain MSE over the whole image.
    """
    import keras

    hole_weight = _check_weight(hole_weight, "hole_weight")
    known_weight = _check_weight(known_weight, "known_weight")
    if hole_weight == 0:
        raise ValueError("hole_weight must be > 0: the hole is what is learned")
    ops = keras.ops

    def loss(y_true, y_pred):
        target, mask = y_true[..., :3], y_true[..., 3:]
        w = known_weight + (hole_weight - known_weight) * mask
        num = ops.sum(w * ops.square(target - y_pred), axis=(1, 2, 3))
        return num / (3.0 * ops.sum(w, axis=(1, 2, 3)))

    loss.__name__ = f"weighted_mse_{hole_weight:g}_{known_weight:g}"
    return loss


def _check_weight(value, name):
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{name} must be a number, got {value!r}")
    if not (value >= 0 and np.isfinite(value)):
        raise ValueError(f"{name} must be a finite number >= 0, got {value!r}")
    return float(value)


def pack_targets(originals, masks) -> np.ndarray:
    """``(n, h, w, 4)``: the target image and its mask, for :func:`weighted_mse`."""
    originals, masks = _check_pair(originals, masks, "originals")
    return np.concatenate([originals, masks.astype(originals.dtype)], axis=-1)


def fit_keras(model, inputs, originals, masks, *, hole_weight: float = 1.0,
              known_weight: float = 1.0, epochs: int = 1, batch_size: int = 16,
              learning_rate: float = 1e-3, cosine_decay: bool = False,
              log_every: int | None = None, log=print):
    """Compile ``model`` with Adam and :func:`weighted_mse`, and train it.

    Parameters
    ----------
    inputs : ndarray of shape ``(n, h, w, c)``
        What the network sees (masked images, with the mask channel or not).
    originals, masks : ndarrays of shape ``(n, h, w, 3)`` and ``(n, h, w, 1)``
        The targets and their holes.
    hole_weight, known_weight : float
        Loss weights inside and outside the hole (:func:`weighted_mse`).
    cosine_decay : bool
        Lower the learning rate along a cosine to 5% of ``learning_rate`` by
        the last step (``keras.optimizers.schedules.CosineDecay``).
    log_every : int, optional
        Log the running loss every ``log_every`` batches; by default once per
        epoch.
    log : callable or None
        Receives each line of progress (``print`` by default).

    Returns
    -------
    list of (step, running loss) pairs, one per logged line.
    """
    import keras

    inputs = check_array(inputs, "inputs", ndim=4)
    y = pack_targets(originals, masks)
    if len(inputs) != len(y):
        raise ValueError(f"inputs holds {len(inputs)} images but originals "
                         f"{len(y)}; pass one target per input")
    epochs = check_int(epochs, "epochs", minimum=1)
    batch_size = check_int(batch_size, "batch_size", minimum=1)
    per_epoch = -(-len(y) // batch_size)
    total = epochs * per_epoch
    every = per_epoch if log_every is None else check_int(
        log_every, "log_every", minimum=1)
    rate = learning_rate
    if cosine_decay:
        rate = keras.optimizers.schedules.CosineDecay(learning_rate, total,
                                                      alpha=0.05)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=rate),
                  loss=weighted_mse(hole_weight, known_weight))
    history = []

    class Progress(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            self.epoch = epoch

        def on_train_batch_end(self, batch, logs=None):
            step = self.epoch * per_epoch + batch + 1
            if step % every == 0 or step == total:
                history.append((step, float(logs["loss"])))
                if log is not None:
                    log(f"step {step:4d}/{total}  loss {logs['loss']:.5f}")

    model.fit(inputs, y, batch_size=batch_size, epochs=epochs, shuffle=True,
              verbose=0, callbacks=[Progress()])
    return history


def known_mean(masked, masks) -> np.ndarray:
    """Mean colour of each image's known pixels, shape ``(n, 1, 1, c)``."""
    masked, masks = _check_pair(masked, masks, "masked")
    known = 1.0 - masks
    return ((masked * known).sum(axis=(1, 2), keepdims=True)
            / known.sum(axis=(1, 2), keepdims=True)).astype(masked.dtype)


def centre(images, mean, masks=None) -> np.ndarray:
    """Shift each image so that its known mean colour sits at 0.5.

    ``clip(x - mean + 0.5, 0, 1)``; with ``masks``, the hole is set to 0.5
    (the network's input). Applied to the targets as well, the network starts
    from the mean-fill answer (0.5 in the hole) and learns only the
    deviations from it; :func:`uncentre` undoes the shift.

    Parameters
    ----------
    images : ndarray of shape ``(n, h, w, c)``
    mean : ndarray of shape ``(n, 1, 1, c)``, from :func:`known_mean`
    masks : ndarray of shape ``(n, h, w, 1)``, optional
    """
    images = check_array(images, "images", ndim=4)
    mean = check_array(mean, "mean", ndim=4)
    want = (len(images), 1, 1, images.shape[-1])
    if mean.shape != want:
        raise ValueError(f"mean must have shape {want}, got {mean.shape}; "
                         "compute it with known_mean")
    out = images - mean + 0.5
    if masks is not None:
        images, masks = _check_pair(images, masks, "images")
        out = np.where(masks == 1, 0.5, out)
    return np.clip(out, 0, 1).astype(images.dtype)


def uncentre(centred, mean) -> np.ndarray:
    """Undo :func:`centre`: ``clip(y + mean - 0.5, 0, 1)``."""
    centred = check_array(centred, "centred", ndim=4)
    mean = check_array(mean, "mean", ndim=4)
    return np.clip(centred + mean - 0.5, 0, 1).astype(centred.dtype)


# ---------------------------------------------------------------- metrics


def _check_metric_args(originals, restored, masks):
    originals, masks = _check_pair(originals, masks, "originals")
    restored = check_array(restored, "restored", ndim=4)
    if restored.shape != originals.shape:
        raise ValueError(f"restored must have shape {originals.shape}, got "
                         f"{restored.shape}")
    return originals, restored, masks


def hole_psnr(originals, restored, masks, *, data_range: float = 1.0,
              max_db: float = 60.0) -> np.ndarray:
    """PSNR of each image over its hole pixels only, in dB.

    ``10 log10(data_range**2 / MSE)`` with the MSE over the hole's pixels and
    channels, by ``skimage.metrics.peak_signal_noise_ratio`` (the known
    pixels are identical in every method's output, so a PSNR over the whole
    image would mostly measure the hole's size).

    A perfect fill has an infinite PSNR, which would make any mean over
    images infinite; values above ``max_db`` are reported as ``max_db``. The
    default 60 dB sits just above the 58.9 dB of 8-bit rounding noise
    (``10 log10(12 * 255**2)``), the finest error an 8-bit photograph can
    resolve. ``max_db=np.inf`` turns the cap off.

    Returns
    -------
    ndarray of shape ``(n,)``, float64

    Examples
    --------
    >>> x = np.zeros((1, 4, 4, 3)); y = x.copy(); m = square_mask(4, 0, 0, 2)[None]
    >>> y[0, :2, :2] = 0.1  # error 0.1 in the hole: MSE 0.01, PSNR 20 dB
    >>> hole_psnr(x, y, m).round(6).tolist()
    [20.0]
    >>> hole_psnr(x, x, m).tolist()  # perfect: capped
    [60.0]
    """
    from skimage.metrics import peak_signal_noise_ratio

    originals, restored, masks = _check_metric_args(originals, restored, masks)
    if isinstance(max_db, bool) or not isinstance(max_db, (int, float)) \
            or not max_db > 0:
        raise ValueError(f"max_db must be a number > 0, got {max_db!r}")
    out = np.empty(len(originals))
    for i, (o, r, m) in enumerate(zip(originals, restored, masks)):
        hole = m[..., 0] == 1
        a = np.asarray(o[hole], np.float64)
        b = np.asarray(r[hole], np.float64)
        if np.array_equal(a, b):
            out[i] = np.inf
        else:
            out[i] = peak_signal_noise_ratio(a, b, data_range=data_range)
    return np.minimum(out, max_db)


def hole_ssim(originals, restored, masks, *, data_range: float = 1.0) -> np.ndarray:
    """SSIM of each image over the bounding box of its hole.

    ``skimage.metrics.structural_similarity`` on the crop of the hole (colour
    channels averaged, Gaussian-free 7 x 7 windows, or the largest odd window
    that fits a smaller hole; at least 3 x 3). Known pixels outside the box do
    not enter.

    Returns
    -------
    ndarray of shape ``(n,)``, float64 in [-1, 1]
    """
    from skimage.metrics import structural_similarity

    originals, restored, masks = _check_metric_args(originals, restored, masks)
    out = np.empty(len(originals))
    for i, (o, r, m) in enumerate(zip(originals, restored, masks)):
        rows = np.flatnonzero(m[..., 0].any(axis=1))
        cols = np.flatnonzero(m[..., 0].any(axis=0))
        box = (slice(rows[0], rows[-1] + 1), slice(cols[0], cols[-1] + 1))
        side = min(rows[-1] - rows[0], cols[-1] - cols[0]) + 1
        if side < 3:
            raise ValueError(f"masks[{i}]: the hole's bounding box is "
                             f"{side} pixels across; SSIM needs at least 3")
        win = min(7, side if side % 2 else side - 1)
        out[i] = structural_similarity(
            np.asarray(o[box], np.float64), np.asarray(r[box], np.float64),
            win_size=win, channel_axis=-1, data_range=data_range)
    return out


# -------------------------------------------------------------- baselines


def mean_fill(masked, masks) -> np.ndarray:
    """Fill each hole with the mean colour of the image's known pixels."""
    mean = known_mean(masked, masks)
    return np.where(masks == 1, mean, masked).astype(masked.dtype)


def telea_fill(masked, masks, radius: int = 3) -> np.ndarray:
    """OpenCV's fast-marching inpainting (Telea, 2004), ``cv2.INPAINT_TELEA``.

    The image goes through OpenCV as 8-bit RGB, its standard input (rounding
    costs at most 1/510 per pixel; OpenCV 5.0's float32 path returns values
    far outside the image's range on real photographs, so it is not used).
    """
    import cv2

    masked, masks = _check_pair(masked, masks, "masked")
    radius = check_int(radius, "radius", minimum=1)
    if masked.shape[-1] != 3:
        raise ValueError(f"masked must have 3 channels (RGB), got shape "
                         f"{masked.shape}")
    out = np.empty_like(masked)
    for i, (img, m) in enumerate(zip(masked, masks)):
        img8 = np.round(np.clip(img, 0, 1) * 255).astype(np.uint8)
        m8 = (m[..., 0] * 255).astype(np.uint8)
        out[i] = cv2.inpaint(img8, m8, radius, cv2.INPAINT_TELEA) / 255.0
    return np.where(masks == 1, out, masked).astype(masked.dtype)


def biharmonic_fill(masked, masks) -> np.ndarray:
    """``skimage.restoration.inpaint_biharmonic``: the smoothest surface (the
    one with zero bilaplacian) that meets the known pixels around the hole."""
    from skimage.restoration import inpaint_biharmonic

    masked, masks = _check_pair(masked, masks, "masked")
    out = np.empty_like(masked)
    for i, (img, m) in enumerate(zip(masked, masks)):
        out[i] = inpaint_biharmonic(np.asarray(img, np.float64),
                                    m[..., 0].astype(bool), channel_axis=-1)
    return np.where(masks == 1, np.clip(out, 0, 1), masked).astype(masked.dtype)
