"""The Keras builder of the two super-resolution networks."""

from __future__ import annotations

from .arch import check_input_size, check_options


def build_keras(variant: str = "article", *, channels: int = 3, input_size=None,
                **options):
    """The Keras model of ``variant``, compiled with Adam and the MSE.

    ``variant="article"`` (chapter 2's source article; option ``filters=(64, 128)``):
    two ``Conv2DTranspose(kernel 2, stride 2, relu, "same")`` layers with
    ``filters`` double the size twice and a 3x3 ``Conv2D`` with a sigmoid
    brings the channels back to ``channels``: ``(n, h, w, c)`` to
    ``(n, 4h, 4w, c)`` in ``(0, 1)``, 37,187 parameters for RGB. The layer
    names are the article's.

    ``variant="residual"`` (options ``factor=4``, ``features=32``,
    ``depth=2``): ``Conv2D(features, 5, relu)``, then ``depth`` times
    ``Conv2D(features, 3, relu)`` (all "same", at low resolution), and
    ``Conv2DTranspose(channels, 2*factor, strides=factor, padding="same")``
    with no activation: a *correction* to add to the bicubic image
    (:func:`residual_upscale`). ``factor`` must be even. With the defaults it
    has 17,827 + 9,248 = 27,075 parameters for RGB.

    Parameters
    ----------
    variant : ``"article"`` or ``"residual"``
    channels : int
        Image channels (3 for RGB).
    input_size : int, (int, int) or None
        Input height and width; None accepts any size, since every layer is
        convolutional.
    **options
        Those of the variant, above; any other raises ``TypeError``.

    Returns
    -------
    keras.Model
        Compiled with Adam and the mean squared error (no "accuracy": it
        means nothing for a regression, see chapter 2's erratum).
    """
    variant, channels, opts = check_options(variant, channels, options,
                                             "build_keras")
    size = check_input_size(input_size)
    import keras
    from keras import layers

    shape = (None, None, channels) if size is None else (*size, channels)
    if variant == "article":
        f1, f2 = opts["filters"]
        inputs = keras.Input(shape=shape, name="Input-Layer")
        d = layers.Conv2DTranspose(f1, (2, 2), strides=(2, 2), activation="relu",
                                   padding="same", name="Transpose-Conv2D-Layer-1"
                                   )(inputs)  # (n, 2h, 2w, 64)
        d = layers.Conv2DTranspose(f2, (2, 2), strides=(2, 2), activation="relu",
                                   padding="same", name="Transpose-Conv2D-Layer-2"
                                   )(d)  # (n, 4h, 4w, 128)
        outputs = layers.Conv2D(channels, (3, 3), activation="sigmoid",
                                padding="same", name="Output-Layer")(d)
        model = keras.Model(inputs, outputs, name="Transposed-Convolutional-NN")
    else:
        factor, features = opts["factor"], opts["features"]
        inputs = keras.Input(shape=shape, name="low_res")
        d = layers.Conv2D(features, 5, padding="same", activation="relu",
                          name="features_5x5")(inputs)  # (n, h, w, features)
        for i in range(opts["depth"]):
            d = layers.Conv2D(features, 3, padding="same", activation="relu",
                              name=f"features_3x3_{i + 1}")(d)
        outputs = layers.Conv2DTranspose(channels, 2 * factor, strides=factor,
                                         padding="same", name="upsample_residual"
                                         )(d)  # (n, factor*h, factor*w, channels)
        model = keras.Model(inputs, outputs, name="residual_over_bicubic")
    model.compile(optimizer="adam", loss="mse")
    return model
