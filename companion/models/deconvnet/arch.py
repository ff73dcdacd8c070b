"""SmallNet's architecture: constants, parameter count and receptive fields."""

from __future__ import annotations

from ..._validate import as_pair, check_int, short_repr

#: Kernel size of both convolutions and size of both max-pools.
KERNEL, POOL = 5, 2
#: Input image shape.
INPUT_SHAPE = (28, 28, 1)
#: Spatial size of the ReLU output of each convolutional layer.
FEATURE_SIZE = {1: 24, 2: 8}
#: Names of the layers that hold weights (shared by Keras and PyTorch).
WEIGHT_LAYERS = ("conv1", "conv2", "logits")


def check_channels(channels) -> tuple[int, int]:
    return as_pair(channels, "channels", minimum=1)


def check_layer(layer) -> int:
    if layer not in (1, 2) or isinstance(layer, bool):
        raise ValueError(f"layer must be 1 or 2, got {short_repr(layer)}")
    return int(layer)


def parameter_count(channels=(8, 16)) -> int:
    """Number of trainable parameters of SmallNet with ``channels = (c1, c2)``.

    Examples
    --------
    >>> parameter_count((8, 16))
    5994
    """
    c1, c2 = check_channels(channels)
    return ((KERNEL * KERNEL * 1 + 1) * c1 + (KERNEL * KERNEL * c1 + 1) * c2
            + (16 * c2 + 1) * 10)


def receptive_field(layer, row, col):
    """Input rows and columns that feed unit ``(row, col)`` of ``layer``'s map.

    Returns
    -------
    (slice, slice)
        Layer 1: a 5x5 window at ``(row, col)``. Layer 2: a 14x14 window at
        ``(2 row, 2 col)`` (5 + (5 - 1) * 2 + 1 = 14: conv2's 5x5 window of
        pool1 covers 10x10 of conv1's map, which reads 14x14 pixels).

    Examples
    --------
    >>> receptive_field(2, 3, 1)
    (slice(6, 20, None), slice(2, 16, None))
    """
    layer = check_layer(layer)
    size = FEATURE_SIZE[layer]
    row = check_int(row, "row", minimum=0, maximum=size - 1)
    col = check_int(col, "col", minimum=0, maximum=size - 1)
    if layer == 1:
        return slice(row, row + KERNEL), slice(col, col + KERNEL)
    span = KERNEL + (KERNEL - 1) * POOL + 1
    return (slice(POOL * row, POOL * row + span),
            slice(POOL * col, POOL * col + span))
