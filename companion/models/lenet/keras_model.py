"""The Keras 3 builder of LeNet-5 and of the MNIST network."""

from __future__ import annotations

from ..._validate import check_choice, check_int
from .arch import (
    INPUT_SHAPES,
    check_dtype,
    check_nonneg,
    check_rate,
    check_variant,
)


def build_keras(variant="mnist", *, l2=0.0, dropout=0.5, num_classes=10,
                dtype="float32", init="keras"):
    """The Keras 3 model of ``variant`` (``"mnist"`` or ``"lenet5"``).

    Parameters
    ----------
    variant : ``"mnist"`` or ``"lenet5"``
    l2 : float
        L2 factor on every kernel (``kernel_regularizer``): the loss gains
        ``l2 * sum(w ** 2)`` per kernel (Keras' ``L2(l2)``). The article's
        ``get_weight`` uses TensorFlow 1's ``l2_regularizer(r)``, which adds
        ``r * sum(w ** 2) / 2``: ``l2`` is half the article's ``REGULARIZER``.
    dropout : float
        Dropout rate before the logits of ``"mnist"`` (ignored for LeNet-5).
    num_classes : int
        Units of the output layer.
    dtype : ``"float32"`` or ``"float64"``
    init : ``"keras"`` or ``"torch"``
        ``"keras"`` (the default): Glorot-uniform kernels, zero biases.
        ``"torch"``: PyTorch's default, kernels and biases uniform in
        ``+-1/sqrt(fan_in)`` (Kaiming-uniform with ``a = sqrt(5)``), so that
        both frameworks can start from the same distribution either way
        (:func:`build_torch` takes the same argument).

    Returns
    -------
    keras.Model
        Input ``(n, h, w, 1)`` channels-last; output logits ``(n, num_classes)``.
        Layer names are those of ``WEIGHT_LAYERS`` plus the pooling,
        flatten and dropout layers.
    """
    variant = check_variant(variant)
    l2 = check_nonneg(l2, "l2")
    dropout = check_rate(dropout, "dropout")
    num_classes = check_int(num_classes, "num_classes", minimum=1)
    dtype = check_dtype(dtype)
    init = check_choice(init, "init", ("keras", "torch"))
    import keras
    from keras import layers

    reg = keras.regularizers.L2(l2) if l2 else None

    def kw(fan_in):
        """Options of a layer with weights; ``fan_in`` inputs per unit."""
        options = dict(kernel_regularizer=reg, dtype=dtype)
        if init == "torch":  # uniform in +-1/sqrt(fan_in): scale 1/3
            bound = fan_in ** -0.5
            options["kernel_initializer"] = keras.initializers.VarianceScaling(
                1 / 3, mode="fan_in", distribution="uniform")
            options["bias_initializer"] = keras.initializers.RandomUniform(
                -bound, bound)
        return options

    inputs = keras.Input(INPUT_SHAPES[variant], dtype=dtype, name="image")
    if variant == "mnist":
        x = layers.Conv2D(32, 5, padding="same", activation="relu", name="conv1",
                          **kw(5 * 5 * 1))(inputs)             # (n, 28, 28, 32)
        x = layers.MaxPooling2D(2, padding="same", name="pool1",
                                dtype=dtype)(x)              # (n, 14, 14, 32)
        x = layers.Conv2D(64, 5, padding="same", activation="relu", name="conv2",
                          **kw(5 * 5 * 32))(x)                 # (n, 14, 14, 64)
        x = layers.MaxPooling2D(2, padding="same", name="pool2",
                                dtype=dtype)(x)              # (n, 7, 7, 64)
        x = layers.Flatten(name="flatten", dtype=dtype)(x)   # (n, 3136)
        x = layers.Dense(512, activation="relu", name="fc1", **kw(7 * 7 * 64))(x)
        x = layers.Dropout(dropout, name="dropout", dtype=dtype)(x)
        outputs = layers.Dense(num_classes, name="logits", **kw(512))(x)
    else:
        x = layers.Conv2D(6, 5, activation="tanh", name="c1", **kw(5 * 5 * 1))(inputs)
        x = layers.AveragePooling2D(2, name="s2", dtype=dtype)(x)  # (n, 14, 14, 6)
        x = layers.Conv2D(16, 5, activation="tanh", name="c3", **kw(5 * 5 * 6))(x)
        x = layers.AveragePooling2D(2, name="s4", dtype=dtype)(x)  # (n, 5, 5, 16)
        x = layers.Conv2D(120, 5, activation="tanh", name="c5", **kw(5 * 5 * 16))(x)
        x = layers.Flatten(name="flatten", dtype=dtype)(x)         # (n, 120)
        x = layers.Dense(84, activation="tanh", name="f6", **kw(120))(x)
        outputs = layers.Dense(num_classes, name="output", **kw(84))(x)
    return keras.Model(inputs, outputs, name=variant)

