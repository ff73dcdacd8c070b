"""companion.models.superres: the article's super-resolution network and the
residual one, their Keras and PyTorch twins against the NumPy forward pass, the
data helpers against TensorFlow and scikit-image, and the argument checks."""

import numpy as np
import pytest
from frameworks import tf, torch

from companion.metrics import psnr, ssim
from companion.models import superres as sr
from companion.models.training import count_params, fit_torch, predict_torch


def _randomise(keras_model, seed=0):
    """Give every weight (biases included) a random value, so that nothing is 0."""
    rng = np.random.default_rng(seed)
    keras_model.set_weights([0.3 * rng.standard_normal(w.shape).astype(np.float32)
                             for w in keras_model.get_weights()])
    return keras_model


def _article_params(c=3, f1=64, f2=128):
    # two transposed convs (kernel 2) and one 3x3 conv, each with a bias
    return (2 * 2 * c + 1) * f1 + (2 * 2 * f1 + 1) * f2 + (3 * 3 * f2 + 1) * c


def _residual_params(factor=4, c=3, f=32, depth=2):
    return ((5 * 5 * c + 1) * f + depth * (3 * 3 * f + 1) * f
            + (2 * factor) ** 2 * f * c + c)


# --------------------------------------------------------------------------
# Builders: shapes and parameter counts
# --------------------------------------------------------------------------

def test_article_model_has_the_articles_layers_and_parameter_count():
    model = sr.build_keras("article", input_size=64)
    assert model.count_params() == _article_params() == 37_187
    assert [tuple(layer.output.shape[1:]) for layer in model.layers] == [
        (64, 64, 3), (128, 128, 64), (256, 256, 128), (256, 256, 3)]
    assert count_params(sr.build_torch("article")) == _article_params()


@pytest.mark.parametrize("channels,filters", [(1, (4, 6)), (3, (5, 2))])
def test_article_twins_have_equal_parameter_counts(channels, filters):
    k = sr.build_keras("article", channels=channels, filters=filters)
    t = sr.build_torch("article", channels=channels, filters=filters)
    assert k.count_params() == count_params(t) == \
        _article_params(channels, *filters)


@pytest.mark.parametrize("factor,features,depth", [(4, 32, 2), (2, 8, 0), (6, 5, 3)])
def test_residual_twins_have_equal_parameter_counts(factor, features, depth):
    k = sr.build_keras("residual", factor=factor, features=features, depth=depth)
    t = sr.build_torch("residual", factor=factor, features=features, depth=depth)
    want = _residual_params(factor, 3, features, depth)
    assert k.count_params() == count_params(t) == want


@pytest.mark.parametrize("shape", [(2, 5, 7, 3), (1, 1, 1, 3)])
def test_article_output_is_four_times_larger_and_in_0_1(shape):
    x = np.random.default_rng(1).random(shape).astype(np.float32)
    y = sr.build_keras("article").predict(x, verbose=0)
    assert y.shape == (shape[0], 4 * shape[1], 4 * shape[2], 3)
    assert 0 < y.min() and y.max() < 1  # sigmoid
    yt = predict_torch(sr.build_torch("article"), x)
    assert yt.shape == y.shape


@pytest.mark.parametrize("factor", [2, 4])
def test_residual_output_is_factor_times_larger(factor):
    x = np.random.default_rng(2).random((2, 6, 5, 3)).astype(np.float32)
    y = sr.build_keras("residual", factor=factor).predict(x, verbose=0)
    assert y.shape == (2, 6 * factor, 5 * factor, 3)
    assert predict_torch(sr.build_torch("residual", factor=factor), x).shape == y.shape


# --------------------------------------------------------------------------
# Same weights, same output: Keras, PyTorch and the NumPy reference
# --------------------------------------------------------------------------

def test_article_keras_torch_and_numpy_agree_on_the_same_weights():
    keras_model = _randomise(sr.build_keras("article", filters=(6, 5)))
    torch_model = sr.build_torch("article", filters=(6, 5))
    sr.copy_weights(keras_model, torch_model)
    x = np.random.default_rng(3).random((2, 5, 7, 3))
    ref = sr.forward_numpy(x, sr.export_weights(keras_model))  # float64
    assert ref.shape == (2, 20, 28, 3)
    np.testing.assert_allclose(keras_model.predict(x.astype(np.float32), verbose=0),
                               ref, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(predict_torch(torch_model, x.astype(np.float32)),
                               ref, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("factor,depth", [(4, 2), (2, 1)])
def test_residual_copy_weights_torch_to_keras_and_numpy_agree(factor, depth):
    torch_model = sr.build_torch("residual", factor=factor, features=6, depth=depth)
    t = torch()
    with t.no_grad():  # make the biases nonzero too
        for p in torch_model.parameters():
            p.add_(0.1 * t.randn(p.shape, generator=t.Generator().manual_seed(5)))
    keras_model = sr.build_keras("residual", factor=factor, features=6, depth=depth)
    sr.copy_weights(torch_model, keras_model)
    x = np.random.default_rng(4).random((1, 6, 9, 3))
    ref = sr.forward_numpy(x, sr.export_weights(keras_model))
    np.testing.assert_allclose(predict_torch(torch_model, x.astype(np.float32)),
                               ref, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(keras_model.predict(x.astype(np.float32), verbose=0),
                               ref, rtol=1e-5, atol=1e-5)


def test_numpy_forward_of_the_article_model_by_hand_for_one_pixel():
    # 1x1 RGB input, all-ones kernels, zero biases: every hidden value is known
    model = sr.build_keras("article", filters=(2, 2))
    model.set_weights([np.ones(w.shape, np.float32) if w.ndim == 4
                       else np.zeros(w.shape, np.float32) for w in model.get_weights()])
    x = np.full((1, 1, 1, 3), 0.5)
    # layer 1: 2x2x2, each 3 * 0.5 = 1.5; layer 2: 4x4x2, each 2 * 1.5 = 3
    # output: a 3x3 'same' window adds 2 channels * 3 over its in-bounds taps
    taps = np.outer([2, 3, 3, 2], [2, 3, 3, 2])  # 4 at corners, 9 inside
    window = np.repeat((6.0 * taps)[None, :, :, None], 3, axis=3)
    want = 1 / (1 + np.exp(-window))
    got = sr.forward_numpy(x, sr.export_weights(model))
    np.testing.assert_allclose(got, want)
    np.testing.assert_allclose(model.predict(x.astype(np.float32), verbose=0), want,
                               rtol=1e-6)


# --------------------------------------------------------------------------
# Data helpers
# --------------------------------------------------------------------------

@pytest.mark.parametrize("shape,factor", [((2, 40, 36, 3), 4), ((1, 18, 10, 1), 2),
                                          ((12, 15, 3), 3)])
def test_bicubic_downscale_equals_tf_antialiased_resize(shape, factor):
    x = np.random.default_rng(6).random(shape).astype(np.float32)
    size = (shape[-3] // factor, shape[-2] // factor)
    want = tf().image.resize(x, size, "bicubic", antialias=True).numpy()
    got = sr.downscale(x, factor)
    assert got.dtype == np.float32 and got.shape == want.shape
    np.testing.assert_allclose(got, want, atol=2e-6)


def test_box_downscale_is_the_block_mean():
    x = np.random.default_rng(7).random((2, 6, 9, 2))
    got = sr.downscale(x, 3, method="box")
    for i in range(2):
        for j in range(3):
            block = x[:, 3 * i:3 * i + 3, 3 * j:3 * j + 3]
            np.testing.assert_allclose(got[:, i, j], block.mean(axis=(1, 2)))


def test_bicubic_upscale_equals_tf_resize_clipped():
    x = np.random.default_rng(8).random((2, 7, 5, 3)).astype(np.float32)
    want = np.clip(tf().image.resize(x, (28, 20), "bicubic").numpy(), 0, 1)
    np.testing.assert_allclose(sr.bicubic_upscale(x, 4), want, atol=1e-5)


def test_residual_upscale_adds_the_correction_and_clips():
    lr = np.random.default_rng(9).random((1, 4, 4, 3)).astype(np.float32)
    base = sr.bicubic_upscale(lr, 2)
    same = sr.residual_upscale(lr, lambda x: np.zeros_like(base), 2)
    np.testing.assert_allclose(same, base)
    out = sr.residual_upscale(lr, lambda x: np.full_like(base, 0.25), 2)
    np.testing.assert_allclose(out, np.clip(base + 0.25, 0, 1), atol=1e-7)
    assert out.max() <= 1.0


def test_psnr_and_ssim_follow_their_definitions():
    from skimage.metrics import structural_similarity

    rng = np.random.default_rng(10)
    ref = rng.random((2, 16, 16, 3))
    noisy = np.clip(ref + 0.05 * rng.standard_normal(ref.shape), 0, 1)
    mse = ((ref - noisy) ** 2).mean(axis=(1, 2, 3))
    assert psnr(ref, noisy) == pytest.approx(np.mean(10 * np.log10(1 / mse)))
    want = np.mean([structural_similarity(r, n, data_range=1, channel_axis=-1)
                    for r, n in zip(ref, noisy)])
    assert ssim(ref, noisy) == pytest.approx(want)
    assert ssim(ref[0], ref[0]) == pytest.approx(1.0)
    assert psnr(ref[0], noisy[0]) == pytest.approx(10 * np.log10(1 / mse[0]))


def test_evaluate_scores_each_upscaler_on_the_cropped_downscaled_image():
    rng = np.random.default_rng(11)
    images = {"a": rng.random((18, 21, 3)), "b": rng.random((12, 12, 3))}
    oracle = {}

    def perfect(lr):  # looks the original up by its low-resolution version
        return oracle[lr.shape]

    for img in images.values():
        hr = sr.crop_to_multiple(img, 4)[None]
        oracle[sr.downscale(hr, 4).shape] = hr
    with np.errstate(divide="ignore"):  # PSNR of identical images is infinite
        scores = sr.evaluate(images, {"bicubic": lambda lr: sr.bicubic_upscale(lr, 4),
                                      "perfect": perfect}, 4)
    assert scores["perfect"]["ssim"] == pytest.approx(1.0)
    assert np.isinf(scores["perfect"]["psnr"])
    manual = np.mean([psnr(sr.crop_to_multiple(img, 4),
                              sr.bicubic_upscale(sr.downscale(
                                  sr.crop_to_multiple(img, 4), 4), 4))
                      for img in images.values()])
    assert scores["bicubic"]["psnr"] == pytest.approx(manual)


def test_crop_to_multiple_drops_bottom_and_right():
    x = np.arange(7 * 10 * 1, dtype=float).reshape(7, 10, 1)
    np.testing.assert_array_equal(sr.crop_to_multiple(x, 4), x[:4, :8])


# --------------------------------------------------------------------------
# Training helper
# --------------------------------------------------------------------------

@pytest.mark.slow  # three PyTorch trainings
def test_fit_torch_lowers_the_loss_and_is_reproducible():
    rng = np.random.default_rng(12)
    lr = rng.random((16, 4, 4, 3)).astype(np.float32)
    target = np.repeat(np.repeat(lr, 2, axis=1), 2, axis=2)  # nearest x2

    def run():
        torch().manual_seed(0)
        model = sr.build_torch("residual", factor=2, features=4, depth=0)
        return fit_torch(model, lr, target, epochs=15, batch_size=4,
                         learning_rate=1e-2, schedule="cosine", seed=3,
                         verbose=False)["loss"]

    first, second = run(), run()
    assert first == second
    assert first[-1] < 0.5 * first[0]


# --------------------------------------------------------------------------
# Argument checks
# --------------------------------------------------------------------------

def test_builder_argument_errors():
    with pytest.raises(ValueError, match="factor must be even, got 3"):
        sr.build_keras("residual", factor=3)
    with pytest.raises(ValueError, match="factor must be >= 2"):
        sr.build_torch("residual", factor=1)
    with pytest.raises(ValueError, match="filters must be a pair"):
        sr.build_keras("article", filters=(64,))
    with pytest.raises(ValueError, match="channels must be >= 1"):
        sr.build_torch("article", channels=0)
    with pytest.raises(TypeError, match="input_size must be an integer"):
        sr.build_keras("article", input_size="64")
    with pytest.raises(ValueError, match="depth must be >= 0"):
        sr.build_torch("residual", depth=-1)


def test_weight_transfer_refuses_mismatched_models():
    with pytest.raises(ValueError, match="weights hold 3 layers but the model has 4"):
        sr.copy_weights(sr.build_keras("article"), sr.build_torch("residual"))
    with pytest.raises(ValueError, match="becomes"):
        sr.copy_weights(sr.build_keras("article", filters=(4, 4)),
                        sr.build_torch("article", filters=(4, 5)))
    with pytest.raises(ValueError, match="weights hold"):
        sr.copy_weights(sr.build_torch("residual", depth=1), sr.build_keras("article"))
    with pytest.raises(TypeError, match="build_keras got option 'depth', which the "
                                        "article model does not have"):
        sr.build_keras("article", depth=2)
    with pytest.raises(ValueError, match="variant must be one of 'article'"):
        sr.build_torch("espcn")


def test_data_helper_errors():
    x = np.zeros((1, 10, 8, 3))
    with pytest.raises(ValueError, match=r"crop it first with crop_to_multiple\(hr"):
        sr.downscale(x, 4)
    with pytest.raises(ValueError, match="method must be one of"):
        sr.downscale(x, 2, method="area")
    with pytest.raises(TypeError, match="hr must have a floating dtype"):
        sr.downscale(np.zeros((8, 8, 3), dtype=np.uint8), 2)
    with pytest.raises(ValueError, match="reference has shape"):
        psnr(np.zeros((4, 4, 3)), np.zeros((4, 5, 3)))
    with pytest.raises(TypeError, match="residual_fn must be callable"):
        sr.residual_upscale(x[:, :4, :4], "bicubic", 2)
    with pytest.raises(ValueError, match="residual_fn returned shape"):
        sr.residual_upscale(x[:, :4, :4], lambda lr: np.zeros((1, 4, 4, 3)), 2)
    with pytest.raises(ValueError, match="hr_images must be a non-empty dict"):
        sr.evaluate({}, {"b": lambda lr: lr}, 2)
    with pytest.raises(ValueError, match="img of shape"):
        sr.crop_to_multiple(np.zeros((3, 3, 3)), 4)


def test_forward_numpy_and_fit_torch_errors():
    w = sr.export_weights(sr.build_keras("article", filters=(2, 2)))
    x = np.zeros((1, 2, 2, 3))
    with pytest.raises(ValueError, match="weights must hold the layers"):
        sr.forward_numpy(x, dict(list(w.items())[:2]))
    with pytest.raises(TypeError, match="weights must be the dict export_weights"):
        sr.forward_numpy(x, list(w.values()))
    with pytest.raises(ValueError, match="x must have 4 dimensions"):
        sr.forward_numpy(x[0], w)
    model = sr.build_torch("residual", factor=2, features=2, depth=0)
    lr, hr = np.zeros((4, 2, 2, 3), np.float32), np.zeros((3, 4, 4, 3), np.float32)
    with pytest.raises(ValueError, match="y must hold one target per input: 4, got 3"):
        fit_torch(model, lr, hr, epochs=1)
    with pytest.raises(ValueError, match="learning_rate must be a number > 0"):
        fit_torch(model, lr, hr[:1].repeat(4, 0), epochs=1, learning_rate=0)
    with pytest.raises(ValueError, match="schedule must be one of"):
        fit_torch(model, lr, hr[:1].repeat(4, 0), epochs=1, schedule="step")
