"""The article's network run with the companion's NumPy operations: the
ground truth the Keras and PyTorch versions are checked against."""

from __future__ import annotations

import numpy as np

from ..._validate import check_array, check_choice
from .arch import (
    ALPHA,
    ARTICLE_LAYERS,
    LAST_LAYER,
    OUTPUT_ACTIVATIONS,
    check_build,
)


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
    from ...conv import conv2d

    x = check_array(x, "x", ndim=4)
    w = check_array(w, "w", ndim=4)
    k = w.shape[0]
    flipped = np.ascontiguousarray(w[::-1, ::-1].transpose(0, 1, 3, 2))
    return conv2d(x, flipped, b, padding=k - 1)


def forward_numpy(x, weights, *, output_activation: str = "relu") -> np.ndarray:
    """The network's forward pass with the companion's NumPy operations.

    Parameters
    ----------
    x : ndarray of shape ``(n, size, size, in_channels)``
    weights : dict
        ``{layer name: (kernel, bias)}`` in Keras layouts (:func:`export_weights`).
    output_activation : {"relu", "sigmoid", "linear"}

    Returns
    -------
    ndarray of shape ``(n, size, size, 3)``: the ground truth the Keras and
    PyTorch models are checked against.
    """
    from ...conv import conv2d
    from ...pooling import max_pool2d
    from ...resize import upsample_repeat

    x = check_array(x, "x", ndim=4)
    check_choice(output_activation, "output_activation", OUTPUT_ACTIVATIONS)
    if x.shape[1] != x.shape[2]:
        raise ValueError(f"x must hold square images, got shape {x.shape}")
    check_build(x.shape[1], x.shape[3], output_activation)
    from .weights import check_weights

    check_weights(weights, x.shape[3])
    pre = {}
    for layer in ARTICLE_LAYERS:
        if layer.kind in ("conv", "convt"):
            kernel, bias = (np.asarray(a, dtype=x.dtype)
                            for a in weights[layer.name])
            op = conv2d if layer.kind == "conv" else conv_transpose_valid
            x = op(x, kernel, bias)
            pre[layer.name] = x
            if layer.name != LAST_LAYER:
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
