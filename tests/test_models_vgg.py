"""companion.models.vgg: the figures of chapter 4's source article, the Keras
and PyTorch twins, the NumPy forward pass, and the argument checks."""

import numpy as np
import pytest
from frameworks import tf, torch

from companion.layouts import from_torch, to_torch
from companion.models import vgg
from companion.models.training import count_params
from companion.models.vgg import Layer

# The decoder summary printed in chapter 4's source article:
# (layer, output shape, params).
ARTICLE_DECODER = [
    ("up5", (14, 14, 512), 0),
    ("tconv5_3", (14, 14, 512), 2359808),
    ("tconv5_2", (14, 14, 512), 2359808),
    ("tconv5_1", (14, 14, 512), 2359808),
    ("up4", (28, 28, 512), 0),
    ("tconv4_3", (28, 28, 512), 2359808),
    ("tconv4_2", (28, 28, 512), 2359808),
    ("tconv4_1", (28, 28, 512), 2359808),
    ("up3", (56, 56, 512), 0),
    ("tconv3_3", (56, 56, 256), 1179904),
    ("tconv3_2", (56, 56, 256), 590080),
    ("tconv3_1", (56, 56, 256), 590080),
    ("up2", (112, 112, 256), 0),
    ("tconv2_2", (112, 112, 128), 295040),
    ("tconv2_1", (112, 112, 128), 147584),
    ("up1", (224, 224, 128), 0),
    ("tconv1_2", (224, 224, 64), 73792),
    ("tconv1_1", (224, 224, 3), 1731),
]
ARTICLE_DECODER_TOTAL = 17_037_059

SMALL = dict(widths=(4, 6, 8), convs=(1, 2, 2))


def _keras():
    tf()
    import keras

    return keras


def _torch_out(model, x):
    with torch().no_grad():
        return from_torch(model(to_torch(x)))


# --------------------------------------------------------------------------
# The article's figures
# --------------------------------------------------------------------------

def test_layer_table_reproduces_the_article_decoder_summary():
    rows = vgg.layer_table(vgg.decoder_layers(), (7, 7, 512))
    assert [(r.name, r.output_shape, r.params) for r in rows] == ARTICLE_DECODER
    assert sum(r.params for r in rows) == ARTICLE_DECODER_TOTAL


def test_full_decoder_has_the_article_parameter_count_in_both_frameworks():
    layers = vgg.decoder_layers()
    keras_model = vgg.build_keras(layers, (7, 7, 512))
    assert keras_model.count_params() == ARTICLE_DECODER_TOTAL
    assert keras_model.output_shape == (None, 224, 224, 3)
    for name, shape, params in ARTICLE_DECODER:
        layer = keras_model.get_layer(name)
        assert layer.output.shape[1:] == shape and layer.count_params() == params
    assert count_params(vgg.build_torch(layers, (7, 7, 512))) == \
        ARTICLE_DECODER_TOTAL


def test_encoder_matches_keras_applications_vgg16_without_weights():
    keras = _keras()
    reference = keras.applications.VGG16(weights=None, include_top=False,
                                         input_shape=(224, 224, 3))
    layers = vgg.encoder_layers()
    ours = vgg.build_keras(layers, (224, 224, 3))
    assert ours.count_params() == reference.count_params()
    assert ours.output_shape == reference.output_shape == (None, 7, 7, 512)
    assert count_params(vgg.build_torch(layers, (224, 224, 3))) == \
        reference.count_params()
    rows = vgg.layer_table(layers, (224, 224, 3))
    assert sum(r.params for r in rows) == reference.count_params()
    for r in rows:
        assert ours.get_layer(r.name).output.shape[1:] == r.output_shape


def test_toy_pairs_have_the_article_counts():
    conv = vgg.build_keras(vgg.toy_layers("conv"), (224, 224, 3))
    assert [layer.count_params() for layer in conv.layers[1:]] == [14336, 13827]
    assert conv.get_layer("conv").output.shape[1:] == (222, 222, 512)
    assert conv.output_shape == (None, 224, 224, 3)
    pool = vgg.build_keras(vgg.toy_layers("pool"), (224, 224, 3))
    assert pool.count_params() == 0
    assert pool.get_layer("pool").output.shape[1:] == (112, 112, 3)
    assert pool.output_shape == (None, 224, 224, 3)
    for kind, total in (("conv", 14336 + 13827), ("pool", 0)):
        rows = vgg.layer_table(vgg.toy_layers(kind), (224, 224, 3))
        assert sum(r.params for r in rows) == total
        assert count_params(vgg.build_torch(vgg.toy_layers(kind), (224, 224, 3))) \
            == total


def test_single_layer_counts_of_the_article():
    layer = Layer("conv1", "tconv", 512, 2, padding="valid")
    two = vgg.layer_table([layer], (7, 7, 512))[0]
    three = vgg.layer_table([layer._replace(kernel=3)], (7, 7, 512))[0]
    strided = vgg.layer_table([layer._replace(stride=2)], (7, 7, 512))[0]
    assert (two.params, three.params, strided.params) == (1049088, 2359808, 1049088)
    assert strided.output_shape == (14, 14, 512)
    up6 = vgg.layer_table([Layer("up6", "conv", 512, 2)], (32, 32, 1024))[0]
    assert up6.params == 2097664 and up6.output_shape == (32, 32, 512)


def test_macs_and_memory_follow_the_formulas():
    rows = vgg.layer_table(vgg.encoder_layers(), (224, 224, 3))
    first = rows[0]
    assert first.macs == 224 * 224 * 64 * (3 * 3 * 3)
    assert first.act_bytes == 224 * 224 * 64 * 4
    pool = next(r for r in rows if r.name == "pool1")
    assert pool.macs == 0 and pool.params == 0
    t = vgg.layer_table([Layer("t", "tconv", 5, 3, stride=2)], (4, 6, 7))[0]
    assert t.macs == 4 * 6 * 7 * 9 * 5 and t.output_shape == (8, 12, 5)
    blocks = vgg.block_table(rows)
    assert [b.name for b in blocks] == ["enc1", "enc2", "enc3", "enc4", "enc5"]
    assert sum(b.macs for b in blocks) == sum(r.macs for r in rows)
    assert blocks[0].output_shape == (112, 112, 64)
    text = vgg.format_table(blocks)
    assert text.splitlines()[-1].split()[:2] == ["total", "14,714,688"]


# --------------------------------------------------------------------------
# Shapes of every decoder
# --------------------------------------------------------------------------

@pytest.mark.parametrize("kind", vgg.DECODER_KINDS)
@pytest.mark.parametrize("shape", [(224, 224, 3), (64, 96, 1)])
def test_every_autoencoder_gives_back_the_input_shape(kind, shape):
    layers = vgg.autoencoder_layers(kind, out_channels=shape[2])
    rows = vgg.layer_table(layers, shape)
    assert rows[len(vgg.encoder_layers()) - 1].output_shape == \
        (shape[0] // 32, shape[1] // 32, 512)
    assert rows[-1].output_shape == shape


@pytest.mark.parametrize("kind", vgg.DECODER_KINDS)
def test_keras_and_torch_parameter_counts_agree_with_the_table(kind):
    layers = vgg.autoencoder_layers(kind, **SMALL)
    keras_model = vgg.build_keras(layers, (16, 24, 3))
    table = sum(r.params for r in vgg.layer_table(layers, (16, 24, 3)))
    assert keras_model.count_params() == table
    assert count_params(vgg.build_torch(layers, (16, 24, 3))) == table


# --------------------------------------------------------------------------
# Same weights, same output: Keras, PyTorch and NumPy
# --------------------------------------------------------------------------

@pytest.mark.parametrize("kind", vgg.DECODER_KINDS)
def test_keras_torch_and_numpy_agree_on_the_same_weights(kind):
    layers = vgg.autoencoder_layers(kind, final_activation=None, **SMALL)
    keras_model = vgg.build_keras(layers, (16, 24, 3))
    torch_model = vgg.build_torch(layers, (16, 24, 3))
    vgg.copy_weights(keras_model, torch_model)
    x = np.random.default_rng(1).random((2, 16, 24, 3)).astype(np.float32)
    y_keras = np.asarray(keras_model(x))
    y_torch = _torch_out(torch_model, x)
    y_numpy = vgg.forward_numpy(x.astype(np.float64), vgg.export_weights(keras_model),
                                layers=layers)
    back = vgg.export_weights(torch_model)
    assert back.keys() == vgg.export_weights(keras_model).keys()
    for name, (kernel, bias) in vgg.export_weights(keras_model).items():
        np.testing.assert_array_equal(back[name][0], kernel)
        np.testing.assert_array_equal(back[name][1], bias)
    scale = np.abs(y_numpy).max()
    assert scale > 0 and y_keras.shape == (2, 16, 24, 3)
    np.testing.assert_allclose(y_keras, y_numpy, rtol=1e-4, atol=1e-5 * scale)
    np.testing.assert_allclose(y_torch, y_numpy, rtol=1e-4, atol=1e-5 * scale)


def test_full_width_decoder_agrees_on_a_small_input():
    layers = vgg.decoder_layers()
    keras_model = vgg.build_keras(layers, (1, 1, 512))
    assert keras_model.count_params() == ARTICLE_DECODER_TOTAL
    torch_model = vgg.build_torch(layers, (1, 1, 512))
    vgg.copy_weights(keras_model, torch_model)
    x = np.random.default_rng(2).random((1, 1, 1, 512)).astype(np.float32)
    y_keras = np.asarray(keras_model(x))
    y_torch = _torch_out(torch_model, x)
    assert y_keras.shape == (1, 32, 32, 3)
    scale = np.abs(y_keras).max()
    assert scale > 0
    np.testing.assert_allclose(y_torch, y_keras, rtol=1e-4, atol=1e-4 * scale)


def test_strided_same_transposed_conv_with_odd_k_minus_s_is_ported_exactly():
    # k=3, s=2: PyTorch has no (padding, output_padding) pair; the twin crops
    layers = [Layer("t", "tconv", 2, 3, stride=2)]
    keras_model = vgg.build_keras(layers, (5, 4, 3))
    torch_model = vgg.build_torch(layers, (5, 4, 3))
    vgg.copy_weights(keras_model, torch_model)
    x = np.random.default_rng(3).standard_normal((1, 5, 4, 3)).astype(np.float32)
    y = _torch_out(torch_model, x)
    assert y.shape == (1, 10, 8, 2)
    np.testing.assert_allclose(y, np.asarray(keras_model(x)), rtol=1e-5, atol=1e-5)


def test_strided_same_conv_pads_like_tensorflow():
    layers = [Layer("c", "conv", 2, 3, stride=2), Layer("e", "conv", 2, 2)]
    keras_model = vgg.build_keras(layers, (6, 7, 1))
    torch_model = vgg.build_torch(layers, (6, 7, 1))
    vgg.copy_weights(keras_model, torch_model)
    x = np.random.default_rng(4).standard_normal((2, 6, 7, 1)).astype(np.float32)
    np.testing.assert_allclose(_torch_out(torch_model, x),
                               np.asarray(keras_model(x)), rtol=1e-5, atol=1e-5)


def test_keras_unpooling_puts_values_at_the_argmax():
    from companion.pooling import max_pool2d, max_unpool2d

    layers = [Layer("pool", "maxpool", kernel=2),
              Layer("unpool", "unpool", kernel=2, source="pool")]
    model = vgg.build_keras(layers, (4, 6, 3))
    x = np.random.default_rng(5).standard_normal((2, 4, 6, 3))
    pooled, idx = max_pool2d(x, 2, return_indices=True)
    expected = max_unpool2d(pooled, idx, (4, 6))
    np.testing.assert_array_equal(np.asarray(model(x.astype(np.float32))),
                                  expected.astype(np.float32))
    assert (expected != 0).sum() == pooled.size


def test_decoder_layer_lists():
    names = [layer.name for layer in vgg.decoder_layers("strided", (4, 8), (2, 2))]
    assert names == ["tconv2_2", "tconv2_1", "tconv1_2", "tconv1_1"]
    seg = vgg.decoder_layers("segnet", (4, 8), (2, 2), out_channels=1)
    assert [(x.name, x.filters) for x in seg] == [
        ("unpool2", 0), ("dconv2_2", 8), ("dconv2_1", 4), ("unpool1", 0),
        ("dconv1_2", 4), ("dconv1_1", 1)]
    unet = vgg.decoder_layers("unet", (4,), (1,), final_activation="sigmoid")
    assert [(x.kind, x.source) for x in unet] == [
        ("upsample", None), ("conv", None), ("concat", "conv1_1"),
        ("conv", None), ("conv", None)]
    assert unet[-1].activation == "sigmoid" and unet[-1].kernel == 1


# --------------------------------------------------------------------------
# Argument checks
# --------------------------------------------------------------------------

def test_validation_errors_name_the_parameter():
    with pytest.raises(ValueError, match="widths and convs must have one entry"):
        vgg.encoder_layers((8, 16), (1,))
    with pytest.raises(ValueError, match="widths must be a non-empty tuple"):
        vgg.encoder_layers((), ())
    with pytest.raises(ValueError, match="convs must be >= 1"):
        vgg.encoder_layers((8,), (0,))
    with pytest.raises(ValueError, match="kind must be one of"):
        vgg.decoder_layers("deconvnet")
    with pytest.raises(ValueError, match="final_activation must be"):
        vgg.decoder_layers(final_activation="tanh")
    with pytest.raises(ValueError, match="out_channels must be >= 1"):
        vgg.decoder_layers(out_channels=0)
    with pytest.raises(ValueError, match="input_shape must be a tuple of 3"):
        vgg.layer_table(vgg.encoder_layers(), (224, 224))
    with pytest.raises(ValueError, match="input is too small"):
        vgg.layer_table(vgg.encoder_layers(), (16, 16, 3))
    with pytest.raises(ValueError, match="build decoders that read the encoder"):
        vgg.layer_table(vgg.decoder_layers("segnet"), (7, 7, 512))
    with pytest.raises(ValueError, match="appears twice"):
        vgg.layer_table([Layer("a", "conv", 2), Layer("a", "conv", 2)], (4, 4, 1))
    with pytest.raises(ValueError, match="not a max-pool layer"):
        vgg.layer_table([Layer("a", "conv", 2),
                         Layer("b", "unpool", kernel=2, source="a")], (4, 4, 1))
    with pytest.raises(ValueError, match="sizes must match"):
        vgg.layer_table([Layer("a", "conv", 2), Layer("p", "maxpool", kernel=2),
                         Layer("c", "concat", source="a")], (4, 4, 1))
    with pytest.raises(ValueError, match="layers\\[0\\].kind must be one of"):
        vgg.layer_table([Layer("a", "dense", 2)], (4, 4, 1))
    with pytest.raises(TypeError, match="layers\\[0\\] must be a Layer"):
        vgg.layer_table([("a", "conv", 2)], (4, 4, 1))
    with pytest.raises(TypeError, match="rows must be a list of LayerRow"):
        vgg.block_table([1, 2])
    with pytest.raises(ValueError, match="weights has no entry for layer 'c'"):
        vgg.forward_numpy(np.zeros((1, 4, 4, 1)), {}, layers=[Layer("c", "conv", 2)])
    with pytest.raises(TypeError, match="x must have a floating dtype"):
        vgg.forward_numpy(np.zeros((1, 4, 4, 1), int), {},
                          layers=[Layer("c", "conv", 2)])


def test_weight_transfer_refuses_mismatched_models():
    keras_model = vgg.build_keras(vgg.decoder_layers("mirrored", (4,), (1,)),
                                  (2, 2, 4))
    other = vgg.build_torch(vgg.decoder_layers("mirrored", (6,), (1,)),
                            (1, 1, 6))
    with pytest.raises(ValueError, match="build both with the same sizes"):
        vgg.copy_weights(keras_model, other)
    renamed = vgg.build_torch(vgg.decoder_layers("strided", (4,), (1,)),
                              (1, 1, 4))
    keras_small = vgg.build_keras([Layer("x", "conv", 3)], (2, 2, 4))
    with pytest.raises(ValueError, match="weights has no entry for layer 'tconv1_1'"):
        vgg.copy_weights(keras_small, renamed)
    with pytest.raises(TypeError, match="weights must be a dict"):
        vgg.load_weights(renamed, [1, 2])


def test_classes_are_defined_once_so_isinstance_holds_across_builds():
    layers = vgg.autoencoder_layers("segnet", (4,), (1,))
    first, second = (vgg.build_torch(layers, (4, 4, 3)) for _ in range(2))
    assert type(first) is type(second) is vgg.LayerNet
    assert isinstance(second, type(first))
    k1, k2 = (vgg.build_keras(layers, (4, 4, 3)) for _ in range(2))
    pools = [m.get_layer("pool1") for m in (k1, k2)]
    unpools = [m.get_layer("unpool1") for m in (k1, k2)]
    assert all(isinstance(p, vgg.MaxPoolWithArgmax2D) for p in pools)
    assert all(isinstance(u, vgg.MaxUnpool2D) for u in unpools)
    assert type(pools[0]) is type(pools[1])
    assert pools[0].get_config()["pool_size"] == 2
