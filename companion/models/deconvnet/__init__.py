"""A small MNIST CNN and Zeiler and Fergus's deconvnet (chapter 3).

The network ("SmallNet") is LeNet-shaped and small enough to train in seconds
on the 4,000 training digits of :func:`companion.data.load_mnist`::

    input (28, 28, 1)
    conv1  5x5, c1 filters, valid  -> (24, 24, c1), ReLU
    pool1  2x2 max, stride 2       -> (12, 12, c1)   switches kept
    conv2  5x5, c2 filters, valid  -> (8, 8, c2), ReLU
    pool2  2x2 max, stride 2       -> (4, 4, c2)
    dense  4*4*c2 -> 10 logits

:func:`build_keras` and :func:`build_torch` build it in either framework (the
same layer names), :func:`fit_torch` trains the PyTorch one,
:func:`export_weights` / :func:`load_weights` / :func:`copy_weights` move
weights between a model and the companion's layout, and
:func:`forward_numpy` runs it with the companion's NumPy operations, keeping
every activation and the pooling *switches* (argmax positions) with
``return_activations=True``.

:func:`project` is the deconvnet of Zeiler and Fergus (2014): keep one
activation of a feature map, set everything else in that layer to zero, and
run the layers backwards down to the pixels: transposed convolution with the
layer's own trained filters, max-unpooling with the switches recorded on the
way up, ReLU. It learns nothing; it reuses the trained network's filters.
TensorFlow, Keras and PyTorch are imported inside the functions only.
"""

from __future__ import annotations

from .arch import (
    FEATURE_SIZE,
    INPUT_SHAPE,
    KERNEL,
    POOL,
    WEIGHT_LAYERS,
    parameter_count,
    receptive_field,
)
from .fit import fit_torch
from .keras_model import build_keras
from .numpy_model import forward_numpy, project, strongest
from .torch_model import build_torch
from .weights import copy_weights, export_weights, load_weights

__all__ = [
    "FEATURE_SIZE",
    "INPUT_SHAPE",
    "KERNEL",
    "POOL",
    "WEIGHT_LAYERS",
    "build_keras",
    "build_torch",
    "copy_weights",
    "export_weights",
    "fit_torch",
    "forward_numpy",
    "load_weights",
    "parameter_count",
    "project",
    "receptive_field",
    "strongest",
]
