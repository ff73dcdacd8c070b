"""Super-resolution with transposed convolutions (chapter 2).

Two networks, each built twice (Keras and PyTorch, same layers, same output on
the same weights) and once more as a NumPy forward pass from companion ops:

- the **article model** of source article 000: two ``Conv2DTranspose(kernel 2,
  stride 2, relu, "same")`` layers (64 then 128 filters) double the size twice,
  and a 3x3 ``Conv2D`` with a sigmoid brings 128 channels back to 3. The input
  is 4 times smaller than the output (64x64 to 256x256 in the article). It has
  37,187 parameters for RGB: ``(2*2*3 + 1)*64 + (2*2*64 + 1)*128 +
  (3*3*128 + 1)*3``.
- the **residual model**: convolutions at low resolution (one 5x5, then
  ``depth`` 3x3, ``features`` channels, relu) and one ``Conv2DTranspose(
  channels, kernel 2*factor, stride factor, "same")`` predict what bicubic
  interpolation misses;
  the picture is ``bicubic(x) + net(x)`` (:func:`residual_upscale`). Most of
  its work happens on the small grid, so it is cheap, and it starts from the
  bicubic answer instead of having to learn it.

The data helpers make low-resolution inputs with an antialiased bicubic
shrink, as super-resolution papers do (:func:`downscale`, equal to
``tf.image.resize(..., "bicubic", antialias=True)``), upscale with TensorFlow's
bicubic rule (:func:`bicubic_upscale`, via :func:`companion.resize.resize`),
and score with PSNR and SSIM from ``skimage.metrics`` (:func:`psnr`,
:func:`ssim`, :func:`evaluate`). TensorFlow and PyTorch are imported inside the
functions that need them.
"""

from __future__ import annotations

import numpy as np

from .._validate import _show, as_pair, check_array, check_choice, check_int

__all__ = [
    "ARTICLE_FACTOR",
    "build_article_keras",
    "build_article_torch",
    "build_residual_keras",
    "build_residual_torch",
    "keras_to_torch",
    "torch_to_keras",
    "forward_numpy",
    "count_params_torch",
    "predict_torch",
    "fit_torch",
    "downscale",
    "bicubic_upscale",
    "residual_upscale",
    "crop_to_multiple",
    "psnr",
    "ssim",
    "evaluate",
]

#: Upscaling factor of the article model (two stride-2 layers).
ARTICLE_FACTOR = 4


# --------------------------------------------------------------------------
# Argument checks
# --------------------------------------------------------------------------

def _check_input_size(input_size):
    if input_size is None:
        return None
    return as_pair(input_size, "input_size", minimum=1)


def _check_factor(factor):
    factor = check_int(factor, "factor", minimum=2)
    if factor % 2:
        raise ValueError(
            f"factor must be even, got {factor}: the residual model's "
            f"Conv2DTranspose(kernel 2*factor, stride factor, 'same') has an "
            f"odd K - s = {factor} otherwise, which PyTorch's padding cannot "
            "express (chapter 2, 'Output size and padding')")
    return factor


def _check_filters(filters):
    if isinstance(filters, (str, bytes)) or not hasattr(filters, "__len__") \
            or len(filters) != 2:
        raise ValueError(
            f"filters must be a pair (first, second), got {_show(filters)}")
    return tuple(check_int(f, "filters", minimum=1) for f in filters)


# --------------------------------------------------------------------------
# Builders
# --------------------------------------------------------------------------

def build_article_keras(input_size=None, channels: int = 3, filters=(64, 128)):
    """The article's Keras model: 4x upscaling with two transposed convolutions.

    Parameters
    ----------
    input_size : int, (int, int) or None
        Input height and width (64 in the article); None accepts any size,
        since every layer is convolutional.
    channels : int
        Image channels (3 for RGB).
    filters : (int, int)
        Filters of the two ``Conv2DTranspose`` layers, ``(64, 128)``.

    Returns
    -------
    keras.Model
        ``(n, h, w, channels)`` to ``(n, 4h, 4w, channels)`` in ``(0, 1)``,
        compiled with Adam and the mean squared error (no "accuracy": it
        means nothing for a regression, see the chapter's erratum). It has
        37,187 parameters for RGB with the default filters.
    """
    size = _check_input_size(input_size)
    channels = check_int(channels, "channels", minimum=1)
    f1, f2 = _check_filters(filters)
    import keras
    from keras import layers

    shape = (None, None, channels) if size is None else (*size, channels)
    inputs = keras.Input(shape=shape, name="Input-Layer")
    d = layers.Conv2DTranspose(f1, (2, 2), strides=(2, 2), activation="relu",
                               padding="same", name="Transpose-Conv2D-Layer-1"
                               )(inputs)  # (n, 2h, 2w, 64)
    d = layers.Conv2DTranspose(f2, (2, 2), strides=(2, 2), activation="relu",
                               padding="same", name="Transpose-Conv2D-Layer-2"
                               )(d)  # (n, 4h, 4w, 128)
    outputs = layers.Conv2D(channels, (3, 3), activation="sigmoid",
                            padding="same", name="Output-Layer")(d)
    model = keras.Model(inputs, outputs, name="Transposed-Convolutional-NN")
    model.compile(optimizer="adam", loss="mse")
    return model


def build_article_torch(channels: int = 3, filters=(64, 128)):
    """PyTorch twin of :func:`build_article_keras` (NCHW in and out).

    Keras ``padding="same"`` with kernel 2 and stride 2 is PyTorch
    ``padding=0`` (``K - s = 0``; :func:`companion.shapes.keras_same_to_torch`),
    and the stride-1 3x3 "same" convolution is ``padding=1``.

    Returns
    -------
    torch.nn.Sequential
        ``(n, channels, h, w)`` to ``(n, channels, 4h, 4w)``.
    """
    channels = check_int(channels, "channels", minimum=1)
    f1, f2 = _check_filters(filters)
    from torch import nn

    return nn.Sequential(
        nn.ConvTranspose2d(channels, f1, 2, stride=2), nn.ReLU(),  # (n, 64, 2h, 2w)
        nn.ConvTranspose2d(f1, f2, 2, stride=2), nn.ReLU(),  # (n, 128, 4h, 4w)
        nn.Conv2d(f2, channels, 3, padding=1), nn.Sigmoid(),
    )


def build_residual_keras(factor: int = 4, channels: int = 3, features: int = 32,
                         depth: int = 2, input_size=None):
    """Keras residual model: low-resolution convolutions, one transposed conv.

    ``Conv2D(features, 5, relu)``, then ``depth`` times ``Conv2D(features,
    3, relu)`` (all "same", at low resolution), and ``Conv2DTranspose(
    channels, 2*factor, strides=factor, padding="same")`` with no
    activation. The output is a *correction* to add to the bicubic image
    (:func:`residual_upscale`). With the defaults it has 17,827 + 9,248 =
    27,075 parameters for RGB and factor 4.

    Parameters
    ----------
    factor : int
        Upscaling factor, even (2, 4, ...).
    channels, features : int
    depth : int
        Number of 3x3 convolutions after the 5x5 one.
    input_size : int, (int, int) or None

    Returns
    -------
    keras.Model
        ``(n, h, w, channels)`` to ``(n, factor*h, factor*w, channels)``,
        compiled with Adam and the mean squared error.
    """
    factor = _check_factor(factor)
    channels = check_int(channels, "channels", minimum=1)
    features = check_int(features, "features", minimum=1)
    depth = check_int(depth, "depth", minimum=0)
    size = _check_input_size(input_size)
    import keras
    from keras import layers

    shape = (None, None, channels) if size is None else (*size, channels)
    inputs = keras.Input(shape=shape, name="low_res")
    d = layers.Conv2D(features, 5, padding="same", activation="relu",
                      name="features_5x5")(inputs)  # (n, h, w, features)
    for i in range(depth):
        d = layers.Conv2D(features, 3, padding="same", activation="relu",
                          name=f"features_3x3_{i + 1}")(d)  # (n, h, w, features)
    outputs = layers.Conv2DTranspose(channels, 2 * factor, strides=factor,
                                     padding="same", name="upsample_residual"
                                     )(d)  # (n, factor*h, factor*w, channels)
    model = keras.Model(inputs, outputs, name="residual_over_bicubic")
    model.compile(optimizer="adam", loss="mse")
    return model


def build_residual_torch(factor: int = 4, channels: int = 3, features: int = 32,
                         depth: int = 2):
    """PyTorch twin of :func:`build_residual_keras` (NCHW in and out).

    Keras "same" for kernel ``2*factor`` and stride ``factor`` is PyTorch
    ``padding=factor // 2`` (``K - s = factor``, even).
    """
    factor = _check_factor(factor)
    channels = check_int(channels, "channels", minimum=1)
    features = check_int(features, "features", minimum=1)
    depth = check_int(depth, "depth", minimum=0)
    from torch import nn

    return nn.Sequential(
        nn.Conv2d(channels, features, 5, padding=2), nn.ReLU(),
        *[layer for _ in range(depth)
          for layer in (nn.Conv2d(features, features, 3, padding=1), nn.ReLU())],
        nn.ConvTranspose2d(features, channels, 2 * factor, stride=factor,
                           padding=factor // 2),
    )


# --------------------------------------------------------------------------
# Moving weights between the twins
# --------------------------------------------------------------------------

def _paired_layers(keras_model, torch_model):
    """Keras layers with weights and the PyTorch modules that match them."""
    from keras import layers
    from torch import nn

    k_layers = [layer for layer in keras_model.layers if layer.weights]
    t_layers = [m for m in torch_model.modules()
                if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d))]
    if len(k_layers) != len(t_layers):
        raise ValueError(
            f"keras_model has {len(k_layers)} layers with weights but "
            f"torch_model has {len(t_layers)} convolutions; build both with "
            "the same builder pair")
    for k, t in zip(k_layers, t_layers):
        want = nn.ConvTranspose2d if isinstance(k, layers.Conv2DTranspose) \
            else nn.Conv2d
        if not isinstance(k, (layers.Conv2D, layers.Conv2DTranspose)) or \
                type(t) is not want:
            raise ValueError(
                f"layer {k.name!r} ({type(k).__name__}) has no PyTorch "
                f"counterpart in torch_model (found {type(t).__name__})")
    return list(zip(k_layers, t_layers))


def keras_to_torch(keras_model, torch_model):
    """Copy a Keras model's weights into its PyTorch twin, in place.

    Kernels go through :mod:`companion.layouts` (``w.transpose(3, 2, 0, 1)``
    for both kinds, no flip). Returns ``torch_model``. Raises ``ValueError``
    when the two models do not have the same layers and shapes.
    """
    import torch

    from ..layouts import copy_kernel_to_torch

    for k, t in _paired_layers(keras_model, torch_model):
        kernel, bias = k.get_weights()
        copy_kernel_to_torch(kernel, bias, t, name=k.name,
                             transposed=isinstance(t, torch.nn.ConvTranspose2d))
    return torch_model


def torch_to_keras(torch_model, keras_model):
    """Copy a PyTorch model's weights into its Keras twin, in place.

    The inverse of :func:`keras_to_torch`; returns ``keras_model``.
    """
    import torch

    from ..layouts import conv_kernel_from_torch, transposed_kernel_from_torch

    for k, t in _paired_layers(keras_model, torch_model):
        convert = transposed_kernel_from_torch if isinstance(
            t, torch.nn.ConvTranspose2d) else conv_kernel_from_torch
        w = convert(t.weight.detach().cpu().numpy())
        shape = tuple(k.get_weights()[0].shape)
        if w.shape != shape:
            raise ValueError(
                f"layer {k.name!r}: torch kernel {tuple(t.weight.shape)} "
                f"becomes {w.shape} in Keras' layout, but keras_model has "
                f"{shape}; build both with the same sizes")
        k.set_weights([w, t.bias.detach().cpu().numpy()])
    return keras_model


# --------------------------------------------------------------------------
# NumPy forward pass (the ground truth both frameworks are checked against)
# --------------------------------------------------------------------------

def forward_numpy(x, weights, kind: str = "article"):
    """Run either model with companion ops, from Keras' ``get_weights()`` list.

    Parameters
    ----------
    x : ndarray of shape ``(n, h, w, c)``
    weights : list of ndarray
        ``[kernel, bias]`` per layer in Keras' layouts, as
        ``model.get_weights()`` returns them (3 layers for the article model,
        ``depth + 2`` for the residual model).
    kind : {"article", "residual"}

    Returns
    -------
    ndarray of shape ``(n, factor*h, factor*w, c)``, computed with
    :func:`companion.transposed.conv_transpose2d` and
    :func:`companion.conv.conv2d` in the dtype of ``x``.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> shapes = [(2, 2, 4, 3), (4,), (2, 2, 5, 4), (5,), (3, 3, 5, 3), (3,)]
    >>> w = [rng.standard_normal(s) for s in shapes]
    >>> forward_numpy(rng.random((1, 3, 2, 3)), w).shape
    (1, 12, 8, 3)
    """
    from ..conv import conv2d
    from ..transposed import conv_transpose2d

    x = check_array(x, "x", ndim=4)
    if kind not in ("article", "residual"):
        raise ValueError(f"kind must be 'article' or 'residual', got {_show(kind)}")
    want = "6" if kind == "article" else "an even number (at least 4) of"
    if not isinstance(weights, (list, tuple)) or len(weights) % 2 or \
            len(weights) < 4 or (kind == "article" and len(weights) != 6):
        raise ValueError(
            f"weights must be the list of {want} arrays that model.get_weights() "
            f"returns (kernel, bias per layer), got {_show(weights)}")
    w = [np.asarray(a, dtype=x.dtype) for a in weights]
    if kind == "article":
        h = np.maximum(conv_transpose2d(x, w[0], w[1], stride=2, padding="same"), 0)
        h = np.maximum(conv_transpose2d(h, w[2], w[3], stride=2, padding="same"), 0)
        return 1 / (1 + np.exp(-conv2d(h, w[4], w[5], padding="same")))
    h = x
    for kernel, bias in zip(w[:-2:2], w[1:-2:2]):
        h = np.maximum(conv2d(h, kernel, bias, padding="same"), 0)
    factor = w[-2].shape[0] // 2
    return conv_transpose2d(h, w[-2], w[-1], stride=factor, padding="same")


# --------------------------------------------------------------------------
# PyTorch helpers
# --------------------------------------------------------------------------

def count_params_torch(model) -> int:
    """Number of trainable parameters of a PyTorch model."""
    return int(sum(p.numel() for p in model.parameters() if p.requires_grad))


def predict_torch(model, x, batch_size: int = 16) -> np.ndarray:
    """Apply a PyTorch image model to NHWC NumPy data; NHWC float32 out."""
    import torch

    x = check_array(x, "x", ndim=4)
    batch_size = check_int(batch_size, "batch_size", minimum=1)
    model.eval()
    outs = []
    with torch.no_grad():
        for start in range(0, len(x), batch_size):
            xb = torch.from_numpy(np.ascontiguousarray(
                x[start:start + batch_size].transpose(0, 3, 1, 2), np.float32))
            outs.append(model(xb).numpy().transpose(0, 2, 3, 1))
    return np.concatenate(outs)


def fit_torch(model, x, y, *, epochs: int, batch_size: int = 16,
              learning_rate: float = 1e-3, schedule: str = "constant",
              seed: int = 0, callback=None):
    """Train a PyTorch image model with Adam and the mean squared error.

    Parameters
    ----------
    model : torch.nn.Module
    x, y : ndarray of shape ``(n, h, w, c)`` and ``(n, H, W, c)`` (NHWC)
    epochs, batch_size : int
    learning_rate : float
        Adam's step size (at the start, with ``schedule="cosine"``).
    schedule : {"constant", "cosine"}
        ``"cosine"`` lowers the step size to zero along half a cosine over
        the run, one update per batch.
    seed : int
        Seeds the shuffle order (NumPy generator) and ``torch``.
    callback : callable, optional
        ``callback(epoch, mean_loss)`` after each epoch.

    Returns
    -------
    list of float
        The mean training loss of each epoch.
    """
    import torch

    x = check_array(x, "x", ndim=4)
    y = check_array(y, "y", ndim=4)
    if len(x) != len(y):
        raise ValueError(f"x and y must hold the same number of images, got "
                         f"{len(x)} and {len(y)}")
    epochs = check_int(epochs, "epochs", minimum=1)
    batch_size = check_int(batch_size, "batch_size", minimum=1)
    if not learning_rate > 0:
        raise ValueError(f"learning_rate must be > 0, got {_show(learning_rate)}")
    schedule = check_choice(schedule, "schedule", ("constant", "cosine"))
    seed = check_int(seed, "seed", minimum=0)
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    xt = torch.from_numpy(np.ascontiguousarray(x.transpose(0, 3, 1, 2), np.float32))
    yt = torch.from_numpy(np.ascontiguousarray(y.transpose(0, 3, 1, 2), np.float32))
    opt = torch.optim.Adam(model.parameters(), lr=learning_rate)
    steps = epochs * -(-len(x) // batch_size)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, steps) \
        if schedule == "cosine" else None
    losses = []
    model.train()
    for epoch in range(epochs):
        order = torch.from_numpy(rng.permutation(len(x)))
        total = 0.0
        for start in range(0, len(x), batch_size):
            idx = order[start:start + batch_size]
            opt.zero_grad()
            loss = torch.nn.functional.mse_loss(model(xt[idx]), yt[idx])
            loss.backward()
            opt.step()
            if sched is not None:
                sched.step()
            total += loss.detach().item() * len(idx)
        losses.append(total / len(x))
        if callback is not None:
            callback(epoch, losses[-1])
    model.eval()
    return losses


# --------------------------------------------------------------------------
# Data: pairs, bicubic baseline, scores
# --------------------------------------------------------------------------

def crop_to_multiple(img, factor: int) -> np.ndarray:
    """Crop an ``(h, w, c)`` or ``(n, h, w, c)`` image so ``factor`` divides h, w.

    Rows and columns are dropped at the bottom and right.
    """
    img = check_array(img, "img", ndim=(3, 4))
    factor = check_int(factor, "factor", minimum=1)
    h, w = img.shape[-3:-1]
    if h < factor or w < factor:
        raise ValueError(f"img of shape {img.shape} is smaller than factor={factor}")
    return img[..., :h - h % factor, :w - w % factor, :]


def _antialias_weights(size: int, factor: int) -> np.ndarray:
    """``(size // factor, size)`` weights of an antialiased bicubic shrink."""
    from ..resize import cubic_kernel

    centre = (np.arange(size // factor) + 0.5) * factor
    w = cubic_kernel((np.arange(size) + 0.5 - centre[:, None]) / factor, a=-0.5)
    return w / w.sum(axis=1, keepdims=True)  # taps outside dropped, renormalised


def downscale(hr, factor: int, method: str = "bicubic") -> np.ndarray:
    """Shrink by an integer ``factor``: the low-resolution input of a model.

    Parameters
    ----------
    hr : ndarray of shape ``(h, w, c)`` or ``(n, h, w, c)``
        ``h`` and ``w`` divisible by ``factor`` (see :func:`crop_to_multiple`).
    factor : int
    method : {"bicubic", "box"}
        ``"bicubic"``: Keys' cubic kernel (``a = -0.5``) stretched by
        ``factor`` so that it also filters out what the small grid cannot
        hold: MATLAB's ``imresize`` and ``tf.image.resize(..., "bicubic",
        antialias=True)``, the usual way super-resolution papers make their
        inputs. ``"box"``: the mean of each ``factor x factor`` block
        (OpenCV's ``INTER_AREA``). Either way pixel ``i`` of the result is
        centred at ``factor*i + (factor - 1)/2`` of the original, where the
        half-pixel mapping of :func:`bicubic_upscale` puts it back.

    Returns
    -------
    ndarray of shape ``(..., h / factor, w / factor, c)``, dtype of ``hr``

    Examples
    --------
    >>> downscale(np.arange(16.0).reshape(4, 4, 1), 2, "box")[:, :, 0]
    array([[ 2.5,  4.5],
           [10.5, 12.5]])
    >>> downscale(np.ones((8, 8, 3)), 4).round(6).tolist()[0][0]  # constant stays
    [1.0, 1.0, 1.0]
    """
    hr = check_array(hr, "hr", ndim=(3, 4))
    factor = check_int(factor, "factor", minimum=1)
    method = check_choice(method, "method", ("bicubic", "box"))
    h, w, c = hr.shape[-3:]
    if h % factor or w % factor:
        raise ValueError(
            f"hr has height {h} and width {w}, not both divisible by "
            f"factor={factor}; crop it first with crop_to_multiple(hr, {factor})")
    if method == "box":
        lead = hr.shape[:-3]
        blocks = hr.reshape(*lead, h // factor, factor, w // factor, factor, c)
        return blocks.mean(axis=(-4, -2)).astype(hr.dtype)
    my = _antialias_weights(h, factor).astype(hr.dtype)
    mx = _antialias_weights(w, factor).astype(hr.dtype)
    return np.einsum("ip,...pqc,jq->...ijc", my, hr, mx, optimize=True)


def bicubic_upscale(lr, factor: int) -> np.ndarray:
    """Bicubic upscaling by ``factor``, TensorFlow 2's rule, clipped to [0, 1].

    :func:`companion.resize.resize` with ``method="bicubic"`` and
    ``convention="tf"`` (Keys' kernel with ``a = -0.5``, half-pixel centres),
    the same numbers as ``tf.image.resize(..., "bicubic")``.
    """
    from ..resize import resize

    lr = check_array(lr, "lr", ndim=(3, 4))
    factor = check_int(factor, "factor", minimum=1)
    h, w = lr.shape[-3:-1]
    return np.clip(resize(lr, (h * factor, w * factor), "bicubic"), 0, 1)


def residual_upscale(lr, residual_fn, factor: int) -> np.ndarray:
    """``clip(bicubic_upscale(lr) + residual_fn(lr), 0, 1)``.

    ``residual_fn`` maps ``(n, h, w, c)`` to ``(n, factor*h, factor*w, c)``:
    a trained residual model's ``predict``.
    """
    lr = check_array(lr, "lr", ndim=4)
    if not callable(residual_fn):
        raise TypeError(f"residual_fn must be callable, got {_show(residual_fn)}")
    base = bicubic_upscale(lr, factor)
    correction = np.asarray(residual_fn(lr))
    if correction.shape != base.shape:
        raise ValueError(
            f"residual_fn returned shape {correction.shape}, expected "
            f"{base.shape} (factor={factor})")
    return np.clip(base + correction, 0, 1).astype(lr.dtype)


def _scores_args(reference, test):
    reference = check_array(reference, "reference", ndim=(3, 4))
    test = check_array(test, "test", ndim=(3, 4))
    if reference.shape != test.shape:
        raise ValueError(f"reference has shape {reference.shape} but test has "
                         f"{test.shape}; they must match")
    if reference.ndim == 3:
        reference, test = reference[None], test[None]
    return reference.astype(np.float64), test.astype(np.float64)


def psnr(reference, test) -> float:
    """Peak signal-to-noise ratio in dB for images in [0, 1], mean over a batch.

    ``10 log10(1 / MSE)`` per image (``skimage.metrics.peak_signal_noise_ratio``
    with ``data_range=1``), averaged over the images. Higher is better.

    Examples
    --------
    >>> ref = np.zeros((4, 4, 3))
    >>> round(psnr(ref, ref + 0.1), 6)  # MSE 0.01: 20 dB
    20.0
    """
    from skimage.metrics import peak_signal_noise_ratio

    ref, test = _scores_args(reference, test)
    return float(np.mean([peak_signal_noise_ratio(r, t, data_range=1.0)
                          for r, t in zip(ref, test)]))


def ssim(reference, test) -> float:
    """Structural similarity (``skimage.metrics.structural_similarity``).

    ``data_range=1``, ``channel_axis=-1`` (mean over the colour channels),
    averaged over a batch. 1 means identical.
    """
    from skimage.metrics import structural_similarity

    ref, test = _scores_args(reference, test)
    return float(np.mean([structural_similarity(r, t, data_range=1.0,
                                                channel_axis=-1)
                          for r, t in zip(ref, test)]))


def evaluate(hr_images, upscalers, factor: int, method: str = "bicubic"
             ) -> dict[str, dict[str, float]]:
    """PSNR and SSIM of several upscalers on full images.

    Parameters
    ----------
    hr_images : dict of str to ndarray of shape ``(h, w, c)``
        High-resolution originals; each is cropped to a multiple of
        ``factor`` and shrunk with :func:`downscale`.
    upscalers : dict of str to callable
        ``name -> fn``, where ``fn`` maps ``(1, h, w, c)`` to
        ``(1, factor*h, factor*w, c)``; its output is clipped to [0, 1].
    factor : int
    method : {"bicubic", "box"}
        How :func:`downscale` makes the low-resolution inputs.

    Returns
    -------
    dict
        ``{upscaler: {"psnr": mean dB, "ssim": mean}}`` over the images.
    """
    if not isinstance(hr_images, dict) or not hr_images:
        raise ValueError(f"hr_images must be a non-empty dict of name -> image, "
                         f"got {_show(hr_images)}")
    if not isinstance(upscalers, dict) or not upscalers:
        raise ValueError(f"upscalers must be a non-empty dict of name -> "
                         f"function, got {_show(upscalers)}")
    factor = check_int(factor, "factor", minimum=1)
    scores = {name: {"psnr": [], "ssim": []} for name in upscalers}
    for img in hr_images.values():
        hr = crop_to_multiple(img, factor)[None]
        lr = downscale(hr, factor, method)
        for name, fn in upscalers.items():
            out = np.clip(np.asarray(fn(lr), dtype=np.float64), 0, 1)
            scores[name]["psnr"].append(psnr(hr, out))
            scores[name]["ssim"].append(ssim(hr, out))
    return {name: {k: float(np.mean(v)) for k, v in s.items()}
            for name, s in scores.items()}
