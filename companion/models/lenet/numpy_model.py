"""LeNet-5 and the MNIST network run with the companion's NumPy operations."""

from __future__ import annotations

import numpy as np

from ..._validate import check_array
from .arch import INPUT_SHAPES
from .weights import check_weights


def forward_numpy(x, weights, *, return_features=False):
    """The network of ``weights`` run with the companion's NumPy operations.

    Parameters
    ----------
    x : ndarray of shape ``(n, 28, 28, 1)`` (MNIST net) or ``(n, 32, 32, 1)``
        (LeNet-5), float32 or float64
    weights : dict from :func:`export_weights` (either framework)
    return_features : bool
        Also return the flattened features entering the first dense layer.

    Returns
    -------
    logits : ndarray of shape ``(n, classes)``, dtype of ``x``
    features : ndarray of shape ``(n, 3136)`` or ``(n, 120)``, if asked
        (inference mode: dropout is the identity).
    """
    from ...conv import conv2d
    from ...layers import dense, flatten, relu
    from ...pooling import avg_pool2d, max_pool2d

    variant = check_weights(weights)
    x = check_array(x, "x", ndim=4)
    want = INPUT_SHAPES[variant]
    if x.shape[1:] != want:
        raise ValueError(f"x must have shape (n, {want[0]}, {want[1]}, "
                         f"{want[2]}) for the {variant} weights, got {x.shape}")
    w = {k: (v[0].astype(x.dtype, copy=False), v[1].astype(x.dtype, copy=False))
         for k, v in weights.items()}
    if variant == "mnist":
        h = relu(conv2d(x, *w["conv1"], padding="same"))    # (n, 28, 28, 32)
        h = max_pool2d(h, 2, padding="same")                # (n, 14, 14, 32)
        h = relu(conv2d(h, *w["conv2"], padding="same"))    # (n, 14, 14, 64)
        h = max_pool2d(h, 2, padding="same")                # (n, 7, 7, 64)
        features = flatten(h)                               # (n, 3136)
        h = relu(dense(features, *w["fc1"]))                # (n, 512)
        logits = dense(h, *w["logits"])                     # (n, 10)
    else:
        h = np.tanh(conv2d(x, *w["c1"]))                    # (n, 28, 28, 6)
        h = avg_pool2d(h, 2)                                # (n, 14, 14, 6)
        h = np.tanh(conv2d(h, *w["c3"]))                    # (n, 10, 10, 16)
        h = avg_pool2d(h, 2)                                # (n, 5, 5, 16)
        features = flatten(np.tanh(conv2d(h, *w["c5"])))    # (n, 120)
        h = np.tanh(dense(features, *w["f6"]))              # (n, 84)
        logits = dense(h, *w["output"])                     # (n, 10)
    return (logits, features) if return_features else logits


