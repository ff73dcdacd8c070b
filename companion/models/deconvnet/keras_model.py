"""SmallNet in Keras."""

from __future__ import annotations

from .arch import INPUT_SHAPE, KERNEL, POOL, check_channels


def build_keras(channels=(8, 16)):
    """SmallNet as a Keras ``Sequential`` model (logits out, not compiled)."""
    c1, c2 = check_channels(channels)
    import keras

    return keras.Sequential([
        keras.Input(INPUT_SHAPE),
        keras.layers.Conv2D(c1, KERNEL, activation="relu", name="conv1"),
        keras.layers.MaxPooling2D(POOL, name="pool1"),
        keras.layers.Conv2D(c2, KERNEL, activation="relu", name="conv2"),
        keras.layers.MaxPooling2D(POOL, name="pool2"),
        keras.layers.Flatten(name="flatten"),
        keras.layers.Dense(10, name="logits"),
    ], name="smallnet")
