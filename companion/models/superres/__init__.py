"""Super-resolution with transposed convolutions (chapter 2).

Two networks (``variant``), each built twice (:func:`build_keras`,
:func:`build_torch`: same layers, same output on the same weights) and once
more as a NumPy forward pass from companion ops (:func:`forward_numpy`):

- the **article model** of chapter 2's source article (the transposed-convolution
  article of ``book/errata.md``): two ``Conv2DTranspose(kernel 2,
  stride 2, relu, "same")`` layers (64 then 128 filters) double the size twice,
  and a 3x3 ``Conv2D`` with a sigmoid brings 128 channels back to 3. The input
  is 4 times smaller than the output (64x64 to 256x256 in the article). It has
  37,187 parameters for RGB: ``(2*2*3 + 1)*64 + (2*2*64 + 1)*128 +
  (3*3*128 + 1)*3``.
- the **residual model**: convolutions at low resolution (one 5x5, then
  ``depth`` 3x3, ``features`` channels, relu) and one ``Conv2DTranspose(
  channels, kernel 2*factor, stride factor, "same")`` predict what bicubic
  interpolation misses; the picture is ``bicubic(x) + net(x)``
  (:func:`residual_upscale`). Most of its work happens on the small grid, so
  it is cheap, and it starts from the bicubic answer instead of having to
  learn it.

Weights move with :func:`export_weights`, :func:`load_weights` and
:func:`copy_weights` (Keras layer names, Keras layouts). The data helpers make
low-resolution inputs with an antialiased bicubic shrink, as super-resolution
papers do (:func:`downscale`, equal to ``tf.image.resize(..., "bicubic",
antialias=True)``), upscale with TensorFlow's bicubic rule
(:func:`bicubic_upscale`, via :func:`companion.resize.resize`), and score with
PSNR and SSIM (:func:`evaluate`, with :mod:`companion.metrics`). Training is
:func:`companion.models.training.fit_torch`. TensorFlow and PyTorch are
imported inside the functions that need them.
"""

from __future__ import annotations

from .arch import ARTICLE_LAYERS, VARIANTS, residual_layers
from .data import bicubic_upscale, crop_to_multiple, downscale, residual_upscale
from .evaluation import evaluate
from .keras_model import build_keras
from .numpy_model import forward_numpy
from .torch_model import build_torch
from .weights import copy_weights, export_weights, load_weights

__all__ = [
    "ARTICLE_LAYERS",
    "VARIANTS",
    "bicubic_upscale",
    "build_keras",
    "build_torch",
    "copy_weights",
    "crop_to_multiple",
    "downscale",
    "evaluate",
    "export_weights",
    "forward_numpy",
    "load_weights",
    "residual_layers",
    "residual_upscale",
]
