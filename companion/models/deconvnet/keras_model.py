"""SmallNet in Keras."""

from __future__ import annotations

from ..._validate import check_int
from .arch import INPUT_SHAPE, KERNEL, POOL, check_channels


def build_keras(channels=(8, 16), *, seed=0):
    """SmallNet as a Keras ``Sequential`` model (logits out, not compiled).

    ``seed`` fixes the starting weights (Keras' Glorot-uniform kernels, seeded
    ``seed``, ``seed + 1`` and ``seed + 2`` layer by layer; zero biases)
    without touching any global generator. Same arguments as
    :func:`build_torch`.
    """
    c1, c2 = check_channels(channels)
    seed = check_int(seed, "seed", minimum=0)
    import keras

    def init(i):
        return keras.initializers.GlorotUniform(seed=seed + i)

    return keras.Sequential([
        keras.Input(INPUT_SHAPE),
        keras.layers.Conv2D(c1, KERNEL, activation="relu", name="conv1",
                            kernel_initializer=init(0)),
        keras.layers.MaxPooling2D(POOL, name="pool1"),
        keras.layers.Conv2D(c2, KERNEL, activation="relu", name="conv2",
                            kernel_initializer=init(1)),
        keras.layers.MaxPooling2D(POOL, name="pool2"),
        keras.layers.Flatten(name="flatten"),
        keras.layers.Dense(10, name="logits", kernel_initializer=init(2)),
    ], name="smallnet")
