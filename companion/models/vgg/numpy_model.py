"""A layer list run with companion operations (the ground truth)."""

from __future__ import annotations

import numpy as np

from ..._validate import check_array
from .arch import trace


def forward_numpy(x, weights, *, layers) -> np.ndarray:
    """Run a layer list with companion operations (the ground truth).

    Parameters
    ----------
    x : ndarray of shape ``(n, h, w, c)``
    weights : dict
        ``{name: (kernel, bias)}`` in Keras layouts for every ``"conv"`` and
        ``"tconv"`` layer (:func:`export_weights`).
    layers : list of Layer

    Returns
    -------
    ndarray
        Computed in the dtype of ``x`` with :func:`companion.conv.conv2d`,
        :func:`companion.transposed.conv_transpose2d`,
        :func:`companion.pooling.max_pool2d`,
        :func:`companion.pooling.max_unpool2d`,
        :func:`companion.resize.upsample_repeat` and
        :func:`companion.layers.relu` / :func:`companion.layers.sigmoid`.

    Examples
    --------
    >>> from companion.models.vgg import autoencoder_layers
    >>> rng = np.random.default_rng(0)
    >>> layers = autoencoder_layers("segnet", (4,), (1,))
    >>> w = {"conv1_1": (rng.standard_normal((3, 3, 3, 4)), np.zeros(4)),
    ...      "dconv1_1": (rng.standard_normal((3, 3, 4, 3)), np.zeros(3))}
    >>> forward_numpy(rng.random((2, 6, 4, 3)), w, layers=layers).shape
    (2, 6, 4, 3)
    """
    from ...conv import conv2d
    from ...layers import relu, sigmoid
    from ...pooling import max_pool2d, max_unpool2d
    from ...resize import upsample_repeat
    from ...transposed import conv_transpose2d

    x = check_array(x, "x", ndim=4)
    layers, _, _ = trace(layers, x.shape[1:])
    if not isinstance(weights, dict):
        raise TypeError(f"weights must be a dict name -> (kernel, bias), got "
                        f"{type(weights).__name__}")
    seen, indices, sizes = {}, {}, {}
    for layer in layers:
        if layer.kind in ("conv", "tconv"):
            if layer.name not in weights:
                raise ValueError(f"weights has no entry for layer {layer.name!r}")
            kernel, bias = (np.asarray(a, dtype=x.dtype)
                            for a in weights[layer.name])
            op = conv2d if layer.kind == "conv" else conv_transpose2d
            x = op(x, kernel, bias, stride=layer.stride, padding=layer.padding)
        elif layer.kind == "maxpool":
            sizes[layer.name] = x.shape[1:3]
            x, indices[layer.name] = max_pool2d(x, layer.kernel,
                                                return_indices=True)
        elif layer.kind == "upsample":
            x = upsample_repeat(x, layer.kernel)
        elif layer.kind == "unpool":
            x = max_unpool2d(x, indices[layer.source], sizes[layer.source])
        else:  # concat
            x = np.concatenate([x, seen[layer.source]], axis=-1)
        if layer.activation == "relu":
            x = relu(x)
        elif layer.activation == "sigmoid":
            x = sigmoid(x)
        seen[layer.name] = x
    return x
