"""The article's network in Keras (functional API), built from
:data:`~companion.models.inpainting.arch.ARTICLE_LAYERS`."""

from __future__ import annotations

from .arch import ALPHA, ARTICLE_LAYERS, ARTICLE_SIZE, LAST_LAYER, check_build


def build_keras(size: int = ARTICLE_SIZE, *, in_channels: int = 3,
                output_activation: str = "relu"):
    """The article's network as a ``keras.Model`` (functional API).

    Parameters
    ----------
    size : int or None
        Input side; must close (:func:`closes`): 228 in the article. ``None``
        builds a fully convolutional model for any side, which fails at its
        first concatenation when called on a side that does not close.
    in_channels : int
        3 (the article) or 4 (masked image plus the mask).
    output_activation : {"relu", "sigmoid", "linear"}
        The article ends in ReLU; the improved variant in a sigmoid.

    Returns
    -------
    keras.Model mapping ``(n, size, size, in_channels)`` to
    ``(n, size, size, 3)``; layers named as in :data:`ARTICLE_LAYERS`.
    """
    size, in_channels = check_build(size, in_channels, output_activation)
    import keras
    from keras import layers

    inputs = keras.Input((size, size, in_channels), name="input")
    x, pre = inputs, {}
    for layer in ARTICLE_LAYERS:
        if layer.kind in ("conv", "convt"):
            cls = layers.Conv2D if layer.kind == "conv" else layers.Conv2DTranspose
            last = layer.name == LAST_LAYER
            x = cls(layer.filters, layer.kernel, padding="valid", name=layer.name,
                    activation=output_activation if last else None)(x)
            pre[layer.name] = x
            if not last:
                x = layers.LeakyReLU(negative_slope=ALPHA,
                                     name=f"act_{layer.name}")(x)
        elif layer.kind == "pool":
            x = layers.MaxPooling2D(2, name=layer.name)(x)
        elif layer.kind == "up":
            x = layers.UpSampling2D(2, name=layer.name)(x)
        else:
            x = layers.Concatenate(name=layer.name)([x, pre[layer.skip]])
    return keras.Model(inputs, x, name="inpainting_autoencoder")
