"""The Keras builder of a layer list, with SegNet's two custom layers.

This module imports Keras and TensorFlow when it is imported; the package
loads it on first use of :func:`build_keras` or of a layer class.
"""

from __future__ import annotations

import keras
import tensorflow as tf
from keras import layers as kl

from .arch import trace


@keras.saving.register_keras_serializable(package="companion.vgg")
class MaxPoolWithArgmax2D(keras.layers.Layer):
    """``tf.nn.max_pool_with_argmax``: pooled values and flat indices."""

    def __init__(self, pool_size=2, **kwargs):
        super().__init__(**kwargs)
        self.pool_size = pool_size

    def call(self, x):
        p = self.pool_size
        values, indices = tf.nn.max_pool_with_argmax(
            x, ksize=p, strides=p, padding="VALID", include_batch_in_index=True)
        return values, indices

    def get_config(self):
        return {**super().get_config(), "pool_size": self.pool_size}


@keras.saving.register_keras_serializable(package="companion.vgg")
class MaxUnpool2D(keras.layers.Layer):
    """Write each value at its argmax in zeros shaped like ``like``.

    ``tf.tensor_scatter_nd_update`` (``scatter_nd`` would add values that
    share an index, where each value must be written once; as
    :func:`companion.pooling.max_unpool2d` does).
    """

    def call(self, values, indices, like):
        shape = tf.shape(like, out_type=tf.int64)
        flat = tf.zeros([tf.reduce_prod(shape)], dtype=values.dtype)
        flat = tf.tensor_scatter_nd_update(
            flat, tf.reshape(indices, [-1, 1]), tf.reshape(values, [-1]))
        return tf.reshape(flat, shape)


def build_keras(layers, input_shape, *, name: str = "vgg"):
    """A Keras functional model from a layer list.

    Parameters
    ----------
    layers : list of Layer
        From :func:`encoder_layers`, :func:`decoder_layers`,
        :func:`autoencoder_layers` or :func:`toy_layers`.
    input_shape : (int, int, int)
        ``(height, width, channels)`` of one input.
    name : str
        The model's name (the article called its decoder "vgg-16_encoder").

    Returns
    -------
    keras.Model
        Not compiled. Layer names are those of ``layers``. A max-pool layer
        whose indices an unpool layer reads is :class:`MaxPoolWithArgmax2D`
        (``tf.nn.max_pool_with_argmax``), the unpool layer
        :class:`MaxUnpool2D`.
        ``build_keras(toy_layers("conv"), (224, 224, 3))`` has the article's
        14,336 + 13,827 = 28,163 parameters (tests/test_models_vgg.py).
    """
    layer_list, _, _ = trace(layers, input_shape)
    argmax_pools = {x.source for x in layer_list if x.kind == "unpool"}
    inputs = keras.Input(shape=tuple(input_shape), name="input")
    x = inputs
    seen, indices, pool_inputs = {}, {}, {}
    for layer in layer_list:
        if layer.kind == "conv":
            x = kl.Conv2D(layer.filters, layer.kernel, strides=layer.stride,
                          padding=layer.padding, activation=layer.activation,
                          name=layer.name)(x)
        elif layer.kind == "tconv":
            x = kl.Conv2DTranspose(layer.filters, layer.kernel,
                                   strides=layer.stride, padding=layer.padding,
                                   activation=layer.activation,
                                   name=layer.name)(x)
        elif layer.kind == "maxpool" and layer.name in argmax_pools:
            pool_inputs[layer.name] = x
            x, indices[layer.name] = MaxPoolWithArgmax2D(layer.kernel,
                                                         name=layer.name)(x)
        elif layer.kind == "maxpool":
            x = kl.MaxPooling2D(layer.kernel, name=layer.name)(x)
        elif layer.kind == "upsample":
            x = kl.UpSampling2D(layer.kernel, name=layer.name)(x)
        elif layer.kind == "unpool":
            x = MaxUnpool2D(name=layer.name)(x, indices[layer.source],
                                             pool_inputs[layer.source])
        else:  # concat
            x = kl.Concatenate(name=layer.name)([x, seen[layer.source]])
        seen[layer.name] = x
    return keras.Model(inputs, x, name=name)
