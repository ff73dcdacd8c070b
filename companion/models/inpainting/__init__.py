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
:func:`biharmonic_fill`, :func:`harmonic_fill` (the last is the
companion's own). Weights travel
as one NumPy dict in Keras layouts: :func:`export_weights`, :func:`load_weights`
and :func:`copy_weights` work on a Keras model or a PyTorch module.

Where learning pays (chapter 5's last section): :func:`build_dilated_torch`, a
small "same"-padded network of dilated convolutions, :func:`stroke_masks`
(holes that cut pen strokes), :func:`fit_dilated` (fresh holes every step, a
loss over the hole only) and :func:`dilated_fill`.

Modules, as in every network package: ``arch`` (the layer list, shape trace
and parameter count), ``keras_model`` (:func:`build_keras`), ``torch_model``
(:func:`build_torch`, :class:`InpaintingAutoencoder`; it imports PyTorch, so
this package loads it on first use of one of its names), ``numpy_model``
(:func:`forward_numpy`), ``weights`` and ``fit`` (:func:`fit_keras`), plus
``holes``, ``evaluation`` and ``dilated``. TensorFlow, PyTorch and OpenCV are
imported inside the functions that need them.
"""

from __future__ import annotations

import importlib

from .arch import (
    ALPHA,
    ARTICLE_LAYERS,
    ARTICLE_SIZE,
    LAST_LAYER,
    OUTPUT_ACTIVATIONS,
    Layer,
    SkipMismatch,
    TraceRow,
    closes,
    parameter_count,
    skip_problem,
    trace_shapes,
    valid_input_sizes,
)
from .dilated import (
    build_dilated_torch,
    dilated_fill,
    fit_dilated,
    receptive_field,
    stroke_masks,
)
from .evaluation import (
    biharmonic_fill,
    harmonic_fill,
    hole_psnr,
    hole_ssim,
    mean_fill,
    telea_fill,
)
from .fit import (
    fit_keras,
    pack_targets,
    weighted_mse,
)
from .holes import (
    centre,
    composite,
    cut_holes,
    inpainting_examples,
    known_mean,
    random_square_masks,
    square_mask,
    uncentre,
    with_mask_channel,
)
from .keras_model import build_keras
from .numpy_model import conv_transpose_valid, forward_numpy
from .weights import copy_weights, export_weights, load_weights

__all__ = [
    "ALPHA",
    "ARTICLE_LAYERS",
    "ARTICLE_SIZE",
    "InpaintingAutoencoder",
    "LAST_LAYER",
    "Layer",
    "OUTPUT_ACTIVATIONS",
    "SkipMismatch",
    "TraceRow",
    "biharmonic_fill",
    "build_keras",
    "build_torch",
    "centre",
    "closes",
    "composite",
    "conv_transpose_valid",
    "build_dilated_torch",
    "copy_weights",
    "dilated_fill",
    "export_weights",
    "fit_dilated",
    "cut_holes",
    "fit_keras",
    "forward_numpy",
    "harmonic_fill",
    "hole_psnr",
    "hole_ssim",
    "inpainting_examples",
    "load_weights",
    "known_mean",
    "mean_fill",
    "pack_targets",
    "parameter_count",
    "random_square_masks",
    "receptive_field",
    "skip_problem",
    "square_mask",
    "stroke_masks",
    "telea_fill",
    "trace_shapes",
    "uncentre",
    "valid_input_sizes",
    "weighted_mse",
    "with_mask_channel",
]


#: Names defined in the module that imports PyTorch, loaded on first use.
_LAZY = {"build_torch": "torch_model", "InpaintingAutoencoder": "torch_model"}


def __getattr__(name):
    if name in _LAZY:
        module = importlib.import_module(f"{__name__}.{_LAZY[name]}")
        return getattr(module, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_LAZY))
