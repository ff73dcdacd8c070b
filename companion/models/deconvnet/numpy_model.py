"""SmallNet run with the companion's NumPy operations, and the deconvnet.

:func:`forward_numpy` keeps every activation and the pooling *switches*
(argmax positions) when asked; :func:`project` is the deconvnet of Zeiler and
Fergus (2014), which runs one feature map back down to the pixels with them.
"""

from __future__ import annotations

import numpy as np

from ..._validate import check_array, check_choice, check_int
from .arch import INPUT_SHAPE, POOL, check_layer
from .weights import check_weights


def check_images(x) -> np.ndarray:
    x = check_array(x, "x", ndim=4)
    if x.shape[1:] != INPUT_SHAPE:
        raise ValueError(f"x must have shape (n, 28, 28, 1), got {x.shape}")
    return x


def forward_numpy(x, weights, *, return_activations=False):
    """Run SmallNet with the companion's operations.

    Parameters
    ----------
    x : ndarray of shape ``(n, 28, 28, 1)``
    weights : dict from :func:`export_weights`
    return_activations : bool
        Return every activation instead of the logits alone.

    Returns
    -------
    ndarray of shape ``(n, 10)``: the logits, or with ``return_activations``
    a dict of ndarrays: ``relu1 (n, 24, 24, c1)``, ``pool1 (n, 12, 12, c1)``,
    ``switch1`` (argmax positions of ``pool1``, as
    :func:`companion.pooling.max_pool2d` returns them),
    ``relu2 (n, 8, 8, c2)``, ``pool2 (n, 4, 4, c2)``, ``switch2`` and
    ``logits``.
    """
    from ...conv import conv2d
    from ...layers import dense, flatten, relu
    from ...pooling import max_pool2d

    x = check_images(x)
    w = check_weights(weights)
    x = x.astype(w["conv1"][0].dtype, copy=False)
    out = {}
    out["relu1"] = relu(conv2d(x, *w["conv1"]))                    # (n, 24, 24, c1)
    out["pool1"], out["switch1"] = max_pool2d(out["relu1"], POOL,
                                              return_indices=True)  # (n, 12, 12, c1)
    out["relu2"] = relu(conv2d(out["pool1"], *w["conv2"]))         # (n, 8, 8, c2)
    out["pool2"], out["switch2"] = max_pool2d(out["relu2"], POOL,
                                              return_indices=True)  # (n, 4, 4, c2)
    out["logits"] = dense(flatten(out["pool2"]), *w["logits"])     # (n, 10)
    return out if return_activations else out["logits"]


def strongest(acts, layer, channel):
    """Where feature map ``channel`` of ``layer`` fires most, image by image.

    ``acts`` is the dict of ``forward_numpy(x, weights,
    return_activations=True)``.

    Returns
    -------
    values : ndarray of shape ``(n,)``
        The largest activation of that map in each image.
    positions : int ndarray of shape ``(n, 2)``
        Its ``(row, col)`` in the map (the first one on ties).
    """
    layer = check_layer(layer)
    maps = acts[f"relu{layer}"]
    channel = check_int(channel, "channel", minimum=0, maximum=maps.shape[3] - 1)
    m = maps[..., channel].reshape(len(maps), -1)
    flat = m.argmax(axis=1)
    size = maps.shape[2]
    return m.max(axis=1), np.stack([flat // size, flat % size], axis=1)


def project(acts, weights, layer, channel, *, keep="max"):
    """Zeiler and Fergus's deconvnet: one feature map back to pixel space.

    Parameters
    ----------
    acts : dict from ``forward_numpy(x, weights, return_activations=True)``
        (a batch of ``n`` images)
    weights : dict from :func:`export_weights`
    layer : {1, 2}
        Which convolutional layer's ReLU output to start from.
    channel : int
        The feature map.
    keep : {"max", "map"}
        ``"max"`` keeps only the strongest activation of the map in each image
        (the paper's figures); ``"map"`` keeps the whole map. Every other
        activation of the layer is set to zero.

    Returns
    -------
    ndarray of shape ``(n, 28, 28, 1)``
        The reconstruction. Layer 2 goes ``conv_transpose2d(., w2)`` ->
        ``max_unpool2d(., switch1)`` -> ``relu`` -> ``conv_transpose2d(., w1)``;
        layer 1 only takes the last step. The transposed convolutions use the
        trained kernels unchanged (an HWIO kernel ``(kh, kw, c_in, c_out)`` is
        exactly the ``(kh, kw, c_out, c_in)`` kernel of the transposed
        convolution that maps the layer's outputs back to its inputs); biases
        are not used. Nothing here is learned.
    """
    from ...layers import relu
    from ...pooling import max_unpool2d
    from ...transposed import conv_transpose2d

    w = check_weights(weights)
    layer = check_layer(layer)
    keep = check_choice(keep, "keep", ("max", "map"))
    maps = acts[f"relu{layer}"]
    channel = check_int(channel, "channel", minimum=0, maximum=maps.shape[3] - 1)
    top = np.zeros_like(maps)
    if keep == "map":
        top[..., channel] = maps[..., channel]
    else:
        values, pos = strongest(acts, layer, channel)
        top[np.arange(len(maps)), pos[:, 0], pos[:, 1], channel] = values
    r = top
    if layer == 2:
        r = conv_transpose2d(r, w["conv2"][0])                   # (n, 12, 12, c1)
        r = max_unpool2d(r, acts["switch1"], (24, 24))           # (n, 24, 24, c1)
        r = relu(r)
    return conv_transpose2d(r, w["conv1"][0])                    # (n, 28, 28, 1)
