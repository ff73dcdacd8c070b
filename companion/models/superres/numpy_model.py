"""The super-resolution networks run with the companion's NumPy operations
(the ground truth both frameworks are checked against)."""

from __future__ import annotations

import numpy as np

from ..._validate import check_array
from .arch import ARTICLE_LAYERS
from .weights import check_weights


def forward_numpy(x, weights) -> np.ndarray:
    """Run the model whose ``weights`` are given, with companion operations.

    Parameters
    ----------
    x : ndarray of shape ``(n, h, w, c)``
    weights : dict from :func:`export_weights`
        Its layer names say which model it is (article or residual, and the
        residual model's depth).

    Returns
    -------
    ndarray of shape ``(n, factor*h, factor*w, c)``, computed with
    :func:`companion.transposed.conv_transpose2d` and
    :func:`companion.conv.conv2d` in the dtype of ``x``.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> shapes = [(2, 2, 4, 3), (4,), (2, 2, 5, 4), (5,), (3, 3, 5, 3), (3,)]
    >>> w = dict(zip(ARTICLE_LAYERS, zip(*[iter(
    ...     [rng.standard_normal(s) for s in shapes])] * 2)))
    >>> forward_numpy(rng.random((1, 3, 2, 3)), w).shape
    (1, 12, 8, 3)
    """
    from ...conv import conv2d
    from ...layers import relu, sigmoid
    from ...transposed import conv_transpose2d

    x = check_array(x, "x", ndim=4)
    weights = check_weights(weights)
    w = [tuple(np.asarray(a, dtype=x.dtype) for a in pair)
         for pair in weights.values()]
    if tuple(weights) == ARTICLE_LAYERS:
        h = relu(conv_transpose2d(x, *w[0], stride=2, padding="same"))
        h = relu(conv_transpose2d(h, *w[1], stride=2, padding="same"))
        return sigmoid(conv2d(h, *w[2], padding="same"))
    h = x
    for kernel, bias in w[:-1]:
        h = relu(conv2d(h, kernel, bias, padding="same"))
    factor = w[-1][0].shape[0] // 2
    return conv_transpose2d(h, *w[-1], stride=factor, padding="same")
