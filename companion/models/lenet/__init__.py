"""LeNet-5 and the MNIST network of chapter 1, in Keras 3, PyTorch and NumPy.

Two architectures (``variant``), each built the same way in both frameworks,
with layer names shared so that weights move between them:

* ``"lenet5"``: the classic LeNet-5 of LeCun et al. (1998) on 32 x 32 x 1
  inputs, in its common modern form (tanh, 2 x 2 average pooling, a dense
  output layer): C1 conv 6@5x5, S2 pool, C3 conv 16@5x5, S4 pool, C5 conv
  120@5x5, F6 dense 84, output dense 10. 61,706 parameters.
* ``"mnist"``: the source article's variant for 28 x 28 x 1 digits: conv
  32@5x5 SAME + ReLU, 2 x 2 max pool, conv 64@5x5 SAME + ReLU, 2 x 2 max pool,
  dense 512 + ReLU, dropout 0.5, dense 10 (logits).

Modules: ``arch`` (:func:`lenet5_table`, :func:`layer_table`,
:func:`format_table`), ``keras_model`` (:func:`build_keras`),
``torch_model`` (:func:`build_torch`), ``weights``
(:func:`export_weights`, :func:`load_weights`, :func:`copy_weights`: the
companion's layout, channels-last kernels and Keras' flatten order),
``numpy_model`` (:func:`forward_numpy`) and ``fit``
(:func:`fit_keras`, :func:`fit_torch`: Adam, L2 on the kernels, a staircase
exponential learning-rate decay and a moving average of the weights).
TensorFlow, Keras and PyTorch are imported inside the functions only.
"""

from __future__ import annotations

from .arch import (
    INPUT_SHAPES,
    VARIANTS,
    WEIGHT_LAYERS,
    LayerRow,
    format_table,
    layer_table,
    lecun_c3_table,
    lenet5_table,
)
from .fit import ema_decay, fit_keras, fit_torch
from .keras_model import build_keras
from .numpy_model import forward_numpy
from .torch_model import build_torch
from .weights import copy_weights, export_weights, load_weights

__all__ = [
    "INPUT_SHAPES",
    "VARIANTS",
    "WEIGHT_LAYERS",
    "LayerRow",
    "build_keras",
    "build_torch",
    "copy_weights",
    "ema_decay",
    "export_weights",
    "fit_keras",
    "fit_torch",
    "forward_numpy",
    "format_table",
    "layer_table",
    "lecun_c3_table",
    "lenet5_table",
    "load_weights",
]
