"""companion.models.inpainting: the article's network in Keras, PyTorch and
NumPy, the closing-size finder, holes, hole-only metrics and the baselines."""


import numpy as np
import pytest
from frameworks import tf, torch

from companion.models import inpainting as ip

# The article's layer list, counted by hand: k*k*c_in*c_out + c_out per layer.
HAND_COUNT = (
    (3 * 3 * 3 * 32 + 32) + (3 * 3 * 32 * 32 + 32)
    + (3 * 3 * 32 * 64 + 64) + (3 * 3 * 64 * 64 + 64)
    + (3 * 3 * 64 * 128 + 128) + (3 * 3 * 128 * 128 + 128)
    + (128 * 256 + 256) + (256 * 256 + 256)
    + (3 * 3 * (256 + 128) * 128 + 128) + (3 * 3 * 128 * 128 + 128)
    + (3 * 3 * (128 + 64) * 64 + 64) + (3 * 3 * 64 * 64 + 64)
    + (3 * 3 * (64 + 32) * 32 + 32) + (3 * 3 * 32 * 3 + 3)
)


def _keras():
    tf()
    import keras

    return keras


def _torch_count(model):
    return sum(p.numel() for p in model.parameters())


def _torch_shapes(model, x):
    """Output shape (h, w, c) of every named submodule and of the whole net."""
    shapes = {}
    hooks = [m.register_forward_hook(
        lambda mod, inp, out, name=name: shapes.__setitem__(
            name, (out.shape[2], out.shape[3], out.shape[1])))
        for name, m in model.named_children()]
    with torch().no_grad():
        out = model(x)
    for h in hooks:
        h.remove()
    return shapes, tuple(out.shape)


# ------------------------------------------------------------ the network


def test_parameter_count_is_the_articles_1152035():
    assert HAND_COUNT == 1_152_035
    assert ip.parameter_count() == HAND_COUNT
    assert ip.parameter_count(4) == HAND_COUNT + 3 * 3 * 1 * 32


@pytest.mark.slow
def test_keras_and_torch_have_the_articles_parameters_and_shapes_at_228():
    keras_model = ip.build_keras(228)
    torch_model = ip.build_torch(228)
    assert keras_model.count_params() == 1_152_035
    assert _torch_count(torch_model) == 1_152_035
    assert keras_model.output_shape == (None, 228, 228, 3)
    trace = {r.name: r.shape for r in ip.trace_shapes(228)}
    x = torch().zeros(1, 3, 228, 228)
    hooked, out_shape = _torch_shapes(torch_model, x)
    recorded = {}
    with torch().no_grad():
        torch_model(x, recorded)
    assert out_shape == (1, 3, 228, 228)
    assert len(recorded) == len(ip.ARTICLE_LAYERS) == 23
    for layer in ip.ARTICLE_LAYERS:
        keras_shape = tuple(keras_model.get_layer(layer.name).output.shape[1:])
        assert keras_shape == recorded[layer.name] == trace[layer.name], layer.name
        if layer.kind in ("conv", "convt"):  # the hooks see the real submodules
            assert hooked[layer.name] == trace[layer.name], layer.name
    # The article's landmarks.
    assert trace["conv8"] == (25, 25, 256)
    assert trace["concat1"] == (50, 50, 384)
    assert trace["concat3"] == (224, 224, 96)


@pytest.mark.parametrize("in_channels, act", [(3, "relu"), (4, "sigmoid")])
def test_keras_torch_and_numpy_agree_with_the_same_weights(in_channels, act):
    keras_model = ip.build_keras(44, in_channels=in_channels, output_activation=act)
    torch_model = ip.build_torch(44, in_channels=in_channels, output_activation=act)
    assert keras_model.count_params() == _torch_count(torch_model) == \
        ip.parameter_count(in_channels)
    ip.copy_weights(keras_model, torch_model)
    rng = np.random.default_rng(0)
    x = rng.random((2, 44, 44, in_channels)).astype(np.float32)
    ref = ip.forward_numpy(x.astype(np.float64), ip.export_weights(keras_model),
                           output_activation=act)
    got_keras = np.asarray(keras_model(x))
    with torch().no_grad():
        got_torch = torch_model(torch().from_numpy(x.transpose(0, 3, 1, 2).copy()))
    got_torch = got_torch.numpy().transpose(0, 2, 3, 1)
    scale = np.abs(ref).max()
    assert ref.shape == got_keras.shape == got_torch.shape == (2, 44, 44, 3)
    assert scale > 0.05  # the comparison is not between two near-zero maps
    np.testing.assert_allclose(got_keras, ref, atol=1e-4 * scale)
    np.testing.assert_allclose(got_torch, ref, atol=1e-4 * scale)


def test_conv_transpose_valid_matches_keras_conv2dtranspose():
    keras = _keras()
    rng = np.random.default_rng(1)
    x = rng.standard_normal((2, 5, 6, 3))
    layer = keras.layers.Conv2DTranspose(4, 3, padding="valid")
    got = np.asarray(layer(x.astype(np.float32)))
    w, b = (np.asarray(a, np.float64) for a in layer.get_weights())
    ref = ip.conv_transpose_valid(x, w, b)
    assert ref.shape == got.shape == (2, 7, 8, 4)
    np.testing.assert_allclose(got, ref, rtol=1e-5, atol=1e-5)


def test_copy_weights_refuses_a_different_input_depth():
    with pytest.raises(ValueError, match="in_channels"):
        ip.copy_weights(ip.build_keras(36), ip.build_torch(36, in_channels=4))
    with pytest.raises(ValueError, match="in_channels"):
        ip.copy_weights(ip.build_torch(36), ip.build_keras(36, in_channels=4))


def test_weights_round_trip_both_ways():
    """torch -> dict -> Keras -> dict gives back the same arrays, and the
    exported dict has the Keras layouts."""
    torch_model = ip.build_torch(36, in_channels=4)
    keras_model = ip.build_keras(36, in_channels=4)
    exported = ip.export_weights(torch_model)
    assert exported["conv1"][0].shape == (3, 3, 4, 32)
    assert exported["convt1"][0].shape == (3, 3, 128, 384)
    ip.load_weights(keras_model, exported)
    back = ip.export_weights(keras_model)
    assert sorted(back) == sorted(exported)
    for name, (k, b) in exported.items():
        np.testing.assert_array_equal(back[name][0], k)
        np.testing.assert_array_equal(back[name][1], b)
    fresh = ip.build_torch(36, in_channels=4)
    ip.copy_weights(keras_model, fresh)
    np.testing.assert_array_equal(fresh.convt6.weight.detach().numpy(),
                                  torch_model.convt6.weight.detach().numpy())


def test_weights_bad_input():
    with pytest.raises(TypeError, match="model must be a keras.Model"):
        ip.export_weights("model")
    model = ip.build_torch(36)
    with pytest.raises(TypeError, match="weights must be a dict"):
        ip.load_weights(model, [1, 2])
    weights = ip.export_weights(model)
    del weights["convt6"]
    with pytest.raises(ValueError, match=r"missing \['convt6'\]"):
        ip.load_weights(model, weights)
    with pytest.raises(ValueError, match=r"missing \['convt6'\]"):
        ip.forward_numpy(np.zeros((1, 36, 36, 3)), weights)


# ------------------------------------------------------- closing sizes


def test_valid_sizes_are_28_plus_multiples_of_8():
    sizes = ip.valid_input_sizes(1, 400)
    assert sizes == list(range(36, 400, 8))
    assert 228 in sizes and 226 not in sizes


@pytest.mark.parametrize("size", [28, 35, 36, 40, 44, 46, 48, 52, 60, 61, 96])
def test_finder_agrees_with_building_the_models(size):
    """Run both frameworks on each size: they work exactly when ip.closes says so."""
    keras = _keras()
    any_size = ip.build_keras(None)
    torch_model = ip.build_torch(None)
    x = np.zeros((1, size, size, 3), np.float32)
    try:
        out = any_size.predict(x, verbose=0)
        keras_ok = out.shape == (1, size, size, 3)
    except (ValueError, tf().errors.InvalidArgumentError):
        keras_ok = False
    try:
        with torch().no_grad():
            out = torch_model(torch().zeros(1, 3, size, size))
        torch_ok = tuple(out.shape) == (1, 3, size, size)
    except RuntimeError:
        torch_ok = False
    assert keras_ok == torch_ok == ip.closes(size), (size, keras_ok, torch_ok)
    del keras


def test_skip_problem_names_the_failing_concatenation():
    assert ip.skip_problem(228) is None
    assert ip.skip_problem(96) == ("concat1", 16, 17)  # pool3 sees 17
    assert ip.skip_problem(226) == ("concat1", 48, 49)  # pool2, pool3 see odd
    # 229: only pool1 receives an odd size (225); the two deeper joins close.
    assert ip.skip_problem(229) == ("concat3", 224, 225)
    with pytest.raises(ip.SkipMismatch, match=r"concat3 joins the upsampled "
                       r"224 x 224 map with conv2's 225 x 225 map; pool1 "
                       r"receives 225 \(odd\), and max pooling floors"):
        ip.trace_shapes(229)


def test_sizes_too_small_for_a_kernel():
    assert not ip.closes(20)
    with pytest.raises(ValueError, match="too small"):
        ip.trace_shapes(20)


@pytest.mark.parametrize("kwargs, error, match", [
    ({"size": 226}, ValueError, r"size=226 cannot be built.*work: \[220, 228\]"),
    ({"size": 0}, ValueError, "size must be >= 1"),
    ({"size": 44.0}, TypeError, "size must be an integer"),
    ({"size": 44, "output_activation": "tanh"}, ValueError, "output_activation"),
    ({"size": 44, "in_channels": 0}, ValueError, "in_channels must be >= 1"),
])
def test_builders_validate_their_arguments(kwargs, error, match):
    for build in (ip.build_keras, ip.build_torch):
        with pytest.raises(error, match=match):
            build(**kwargs)


# ----------------------------------------------------------------- holes


def test_square_mask_and_its_errors():
    m = ip.square_mask(6, 1, 3, 2)
    assert m.shape == (6, 6, 1) and m.dtype == np.float32
    assert m.sum() == 4 and m[1:3, 3:5].all() and m[0].sum() == 0
    with pytest.raises(ValueError, match="hole=7 is larger than the image side"):
        ip.square_mask(6, 0, 0, 7)
    with pytest.raises(ValueError, match="left must be <= 4"):
        ip.square_mask(6, 0, 5, 2)


def test_random_masks_are_seeded_and_inside_the_image():
    a = ip.random_square_masks(50, 12, 5, seed=3)
    assert a.shape == (50, 12, 12, 1)
    assert np.array_equal(a, ip.random_square_masks(50, 12, 5, seed=3))
    assert not np.array_equal(a, ip.random_square_masks(50, 12, 5, seed=4))
    assert (a.sum(axis=(1, 2, 3)) == 25).all()
    tops = a[..., 0].any(axis=2).argmax(axis=1)
    lefts = a[..., 0].any(axis=1).argmax(axis=1)
    # every corner in [0, size - hole] is reachable and nothing beyond
    assert tops.min() == 0 and tops.max() == 7 and lefts.max() == 7


def test_cut_holes_composite_and_mask_channel():
    rng = np.random.default_rng(0)
    x = rng.random((3, 8, 8, 3)).astype(np.float32)
    m = ip.random_square_masks(3, 8, 3, seed=0)
    cut = ip.cut_holes(x, m)
    assert (cut[m[..., 0] == 1] == 0).all()
    assert np.array_equal(cut[m[..., 0] == 0], x[m[..., 0] == 0])
    four = ip.with_mask_channel(cut, m)
    assert four.shape == (3, 8, 8, 4) and np.array_equal(four[..., 3:], m)
    pred = np.full_like(x, 0.25)
    out = ip.composite(cut, m, pred)
    assert (out[m[..., 0] == 1] == 0.25).all()
    assert np.array_equal(out[m[..., 0] == 0], x[m[..., 0] == 0])


def test_inpainting_examples_are_seeded():
    imgs = [np.random.default_rng(0).random((30, 40, 3)).astype(np.float32)]
    a = ip.inpainting_examples(imgs, 12, 4, 3, seed=5)
    b = ip.inpainting_examples(imgs, 12, 4, 3, seed=5)
    assert all(np.array_equal(u, v) for u, v in zip(a, b))
    originals, masks, masked = a
    assert np.array_equal(masked, ip.cut_holes(originals, masks))


@pytest.mark.parametrize("masks, match", [
    (np.zeros((2, 8, 8, 1), np.float32), "at least one hole pixel"),
    (np.full((2, 8, 8, 1), 0.5, np.float32), "only 0 .known. and 1 .hole."),
    (np.ones((2, 8, 8, 3), np.float32), r"masks must have shape \(2, 8, 8, 1\)"),
])
def test_mask_errors(masks, match):
    x = np.zeros((2, 8, 8, 3), np.float32)
    with pytest.raises(ValueError, match=match):
        ip.cut_holes(x, masks)


# --------------------------------------------------------------- metrics


def test_hole_psnr_uses_only_the_hole():
    rng = np.random.default_rng(2)
    x = rng.random((2, 10, 10, 3))
    m = ip.random_square_masks(2, 10, 4, seed=1)
    y = x + 0.05 * rng.standard_normal(x.shape)
    hole = m[..., 0] == 1
    mse = np.array([np.mean((x[i][hole[i]] - y[i][hole[i]]) ** 2) for i in range(2)])
    np.testing.assert_allclose(ip.hole_psnr(x, y, m), 10 * np.log10(1 / mse))
    z = y.copy()
    z[~np.broadcast_to(hole[..., None], z.shape)] = 7.0  # garbage outside
    np.testing.assert_allclose(ip.hole_psnr(x, z, m), ip.hole_psnr(x, y, m))
    assert ip.hole_psnr(x, x, m).tolist() == [60.0, 60.0]
    assert np.isinf(ip.hole_psnr(x, x, m, max_db=np.inf)).all()
    with pytest.raises(ValueError, match="max_db must be a number > 0"):
        ip.hole_psnr(x, y, m, max_db=0)
    with pytest.raises(ValueError, match=r"restored must have shape"):
        ip.hole_psnr(x, y[:1], m)


def test_hole_ssim_uses_only_the_hole_box():
    rng = np.random.default_rng(3)
    x = rng.random((2, 16, 16, 3))
    m = np.stack([ip.square_mask(16, 2, 3, 7), ip.square_mask(16, 8, 8, 5)])
    assert np.allclose(ip.hole_ssim(x, x, m), 1.0)
    noisy = np.clip(x + 0.2 * rng.standard_normal(x.shape), 0, 1)
    s = ip.hole_ssim(x, noisy, m)
    assert (s < 0.9).all()
    outside = noisy.copy()
    outside[m[..., 0] == 0] = x[m[..., 0] == 0]
    np.testing.assert_allclose(ip.hole_ssim(x, outside, m), s)
    tiny = ip.square_mask(16, 0, 0, 2)[None].repeat(2, axis=0)
    with pytest.raises(ValueError, match="needs at least 3"):
        ip.hole_ssim(x, x, tiny)


# ------------------------------------------------------------- baselines


def _ramp(n=2, size=24):
    yy, xx = np.mgrid[0:size, 0:size] / (size - 1)
    img = np.stack([0.2 + 0.6 * xx, 0.3 + 0.4 * yy, 0.5 + 0.2 * xx * 0 + 0.1 * yy], -1)
    return np.repeat(img[None], n, axis=0).astype(np.float32)


def test_mean_fill_is_the_mean_of_the_known_pixels():
    x = _ramp()
    m = ip.random_square_masks(2, 24, 6, seed=0)
    out = ip.mean_fill(ip.cut_holes(x, m), m)
    for i in range(2):
        known = x[i][m[i, ..., 0] == 0]
        np.testing.assert_allclose(out[i][m[i, ..., 0] == 1][0], known.mean(0),
                                   rtol=1e-6)


def test_telea_and_biharmonic_fill_a_smooth_ramp_and_keep_the_rest():
    x = _ramp()
    m = ip.random_square_masks(2, 24, 6, seed=0)
    cut = ip.cut_holes(x, m)
    mean_db = ip.hole_psnr(x, ip.mean_fill(cut, m), m).min()
    for fill, floor in ((ip.telea_fill, 35.0), (ip.biharmonic_fill, 50.0)):
        out = fill(cut, m)
        assert out.shape == x.shape and out.dtype == x.dtype
        assert np.array_equal(out[m[..., 0] == 0], x[m[..., 0] == 0])
        db = ip.hole_psnr(x, out, m)
        assert (db > floor).all() and (db > mean_db + 10).all(), (fill, db)


def _laplace_solve(img, hole):
    """Reference: the discrete Laplace equation on the hole, solved directly
    (every hole pixel four times itself = the sum of its four neighbours)."""
    from scipy.sparse import lil_matrix
    from scipy.sparse.linalg import spsolve

    coords = list(zip(*np.nonzero(hole)))
    number = {p: k for k, p in enumerate(coords)}
    a = lil_matrix((len(coords), len(coords)))
    rhs = np.zeros((len(coords), img.shape[-1]))
    for k, (r, c) in enumerate(coords):
        a[k, k] = 4
        for q in ((r - 1, c), (r + 1, c), (r, c - 1), (r, c + 1)):
            if q in number:
                a[k, number[q]] -= 1
            else:
                rhs[k] += img[q]
    out = img.astype(np.float64).copy()
    out[hole] = spsolve(a.tocsr(), rhs).reshape(len(coords), -1)
    return out


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_harmonic_fill_solves_the_laplace_equation(dtype):
    """Interior holes of several sizes: equal to a direct sparse solve."""
    rng = np.random.default_rng(11)
    x = rng.random((3, 20, 20, 3)).astype(dtype)
    m = np.zeros((3, 20, 20, 1), dtype)
    m[0, 3:9, 4:10] = 1
    m[1, 10:13, 2:17] = 1                 # a wide rectangle
    m[2, 5:8, 5:8] = m[2, 12:16, 12:15] = 1  # two holes in one image
    cut = ip.cut_holes(x, m)
    out = ip.harmonic_fill(cut, m, tol=1e-9)
    assert out.shape == x.shape and out.dtype == dtype
    assert np.array_equal(out[m[..., 0] == 0], x[m[..., 0] == 0])
    for i in range(3):
        want = _laplace_solve(cut[i], m[i, ..., 0] == 1)
        np.testing.assert_allclose(out[i], want, atol=1e-6)


def test_harmonic_fill_a_ramp_exactly_and_obeys_the_maximum_principle():
    x = _ramp()
    m = ip.random_square_masks(2, 24, 6, seed=0)
    out = ip.harmonic_fill(ip.cut_holes(x, m), m, tol=1e-8)
    np.testing.assert_allclose(out, x, atol=1e-5)  # linear functions are harmonic
    # a hole on the image's edge: values stay within the known pixels' range
    rng = np.random.default_rng(3)
    y = rng.random((1, 12, 12, 3)).astype(np.float32)
    edge = ip.square_mask(12, 0, 5, 4)[None]
    filled = ip.harmonic_fill(ip.cut_holes(y, edge), edge)[edge[..., 0] == 1]
    known = y[edge[..., 0] == 0]
    assert (filled >= known.min(0) - 1e-6).all()
    assert (filled <= known.max(0) + 1e-6).all()


def test_harmonic_fill_step_is_a_convolution():
    """One Jacobi step inside the hole is conv2d with the four-neighbour kernel."""
    from companion.conv import conv2d

    rng = np.random.default_rng(2)
    x = rng.random((1, 10, 10, 3))
    m = ip.square_mask(10, 3, 3, 4)[None].astype(np.float64)
    cut = ip.cut_holes(x, m)
    start = ip.mean_fill(cut, m)
    one_step = ip.harmonic_fill(cut, m, tol=1e9)  # stops after one iteration
    kernel = np.zeros((3, 3, 1, 3))
    kernel[[0, 1, 1, 2], [1, 0, 2, 1]] = 0.25
    step = conv2d(start, kernel, padding=1, groups=3)
    np.testing.assert_allclose(one_step, np.where(m == 1, step, cut), atol=1e-12)


def test_harmonic_fill_bad_arguments():
    x = _ramp(1, 8)
    with pytest.raises(ValueError, match="masks .0. are all hole"):
        ip.harmonic_fill(x, np.ones((1, 8, 8, 1), np.float32))
    with pytest.raises(ValueError, match="needs at least one hole pixel"):
        ip.harmonic_fill(x, np.zeros((1, 8, 8, 1), np.float32))
    m = ip.square_mask(8, 2, 2, 4)[None]
    with pytest.raises(ValueError, match=r"tol must be a finite number > 0, got 0"):
        ip.harmonic_fill(x, m, tol=0)
    with pytest.raises(TypeError, match="tol must be a number"):
        ip.harmonic_fill(x, m, tol="small")
    with pytest.raises(ValueError, match="max_iter must be >= 1"):
        ip.harmonic_fill(x, m, max_iter=0)
    with pytest.raises(RuntimeError, match="did not converge in max_iter=3"):
        ip.harmonic_fill(ip.cut_holes(x, m), m, max_iter=3)


def test_centre_and_uncentre():
    rng = np.random.default_rng(5)
    x = rng.random((3, 10, 10, 3)).astype(np.float32)
    m = ip.random_square_masks(3, 10, 4, seed=2)
    cut = ip.cut_holes(x, m)
    mean = ip.known_mean(cut, m)
    assert mean.shape == (3, 1, 1, 3)
    np.testing.assert_allclose(mean[1, 0, 0], x[1][m[1, ..., 0] == 0].mean(0),
                               rtol=1e-5)
    net_in = ip.centre(cut, mean, m)
    assert (net_in[m[..., 0] == 1] == 0.5).all()
    known = ip.centre(cut, mean)[m[..., 0] == 0]
    assert abs(float(known.mean()) - 0.5) < 0.05  # the known mean sits at 0.5
    target = ip.centre(x, mean)
    np.testing.assert_allclose(ip.uncentre(target, mean), x, atol=1e-6)
    with pytest.raises(ValueError, match=r"mean must have shape \(3, 1, 1, 3\)"):
        ip.centre(x, mean[:2])


def test_centre_does_not_clip_a_high_contrast_patch():
    """A white stripe on black: centred on its dark mean, the white goes above 1.
    Clipping it would lose the stripe's brightness; without clipping, uncentre
    gives the patch back exactly."""
    x = np.zeros((1, 6, 6, 3), np.float32)
    x[0, :, 2] = 1.0
    m = ip.square_mask(6, 0, 4, 2)[None]
    mean = ip.known_mean(ip.cut_holes(x, m), m)
    centred = ip.centre(x, mean)
    assert centred.max() > 1.0
    np.testing.assert_allclose(centred, x - mean + 0.5, atol=1e-7)
    np.testing.assert_allclose(ip.uncentre(centred, mean), x, atol=1e-6)


def test_telea_needs_rgb_or_grey():
    x = np.zeros((1, 8, 8, 2), np.float32)
    with pytest.raises(ValueError, match="3 channels"):
        ip.telea_fill(x, ip.square_mask(8, 2, 2, 3)[None])
    grey = np.tile(np.linspace(0, 1, 8, dtype=np.float32), (1, 8, 1))[..., None]
    m = ip.square_mask(8, 2, 2, 3)[None]
    got = ip.telea_fill(ip.cut_holes(grey, m), m)
    rgb = ip.telea_fill(ip.cut_holes(np.repeat(grey, 3, -1), m), m)
    assert got.shape == (1, 8, 8, 1)
    np.testing.assert_array_equal(got[..., 0], rgb[..., 0])


# -------------------------------------------------------------- training


def test_weighted_mse():
    tf()
    rng = np.random.default_rng(4)
    y = rng.random((2, 6, 6, 3)).astype(np.float32)
    p = rng.random((2, 6, 6, 3)).astype(np.float32)
    m = ip.random_square_masks(2, 6, 2, seed=0)
    packed = ip.pack_targets(y, m)
    plain = np.asarray(ip.weighted_mse()(packed, p))
    np.testing.assert_allclose(plain, ((y - p) ** 2).mean(axis=(1, 2, 3)), rtol=1e-5)
    hole_only = np.asarray(ip.weighted_mse(1.0, 0.0)(packed, p))
    expect = [((y[i] - p[i]) ** 2)[m[i, ..., 0] == 1].mean() for i in range(2)]
    np.testing.assert_allclose(hole_only, expect, rtol=1e-5)
    w = 1 + 5 * m
    expect = (w * (y - p) ** 2).sum(axis=(1, 2, 3)) / (3 * w.sum(axis=(1, 2, 3)))
    np.testing.assert_allclose(np.asarray(ip.weighted_mse(6.0)(packed, p)), expect,
                               rtol=1e-5)
    with pytest.raises(ValueError, match="hole_weight must be > 0"):
        ip.weighted_mse(0.0)
    with pytest.raises(ValueError, match="known_weight must be a finite number"):
        ip.weighted_mse(1.0, -1.0)
    with pytest.raises(TypeError, match="hole_weight must be a number"):
        ip.weighted_mse("6")


@pytest.mark.slow
def test_fit_keras_lowers_the_loss_on_a_tiny_set():
    from companion.utils import set_seeds

    set_seeds(0)
    rng = np.random.default_rng(0)
    x = np.repeat(_ramp(1, 36), 8, axis=0) * rng.uniform(0.5, 1, (8, 1, 1, 1))
    x = x.astype(np.float32)
    m = ip.random_square_masks(8, 36, 8, seed=0)
    model = ip.build_keras(36, in_channels=4, output_activation="sigmoid")
    lines = []
    hist = ip.fit_keras(model, ip.with_mask_channel(ip.cut_holes(x, m), m), x, m,
                        hole_weight=6.0, epochs=8, batch_size=4, log=lines.append)
    progress = hist["progress"]
    assert [step for step, _ in progress] == [2 * e for e in range(1, 9)]
    assert len(lines) == 8 and lines[0].startswith("step    2/16  loss")
    assert progress[-1][1] < 0.5 * progress[0][1]
    assert len(hist["loss"]) == 8 and hist["seconds"] > 0
    with pytest.raises(ValueError, match="inputs holds 7 images but originals 8"):
        ip.fit_keras(model, x[:7], x, m)
    with pytest.raises(ValueError, match="steps_per_execution must be >= 1"):
        ip.fit_keras(model, x, x, m, steps_per_execution=0)


@pytest.mark.slow  # two Keras trainings
def test_steps_per_execution_runs_the_same_steps():
    """Two steps per compiled call: the same weights, the same logged steps."""
    from companion.utils import set_seeds

    rng = np.random.default_rng(1)
    x = rng.random((8, 36, 36, 3)).astype(np.float32)
    m = ip.random_square_masks(8, 36, 8, seed=1)
    net_in = ip.with_mask_channel(ip.cut_holes(x, m), m)
    weights, logs = [], []
    for spe in (1, 2):
        set_seeds(0)
        model = ip.build_keras(36, in_channels=4, output_activation="sigmoid")
        hist = ip.fit_keras(model, net_in, x, m, epochs=2, batch_size=2,
                            log_every=2, verbose=False, steps_per_execution=spe)
        weights.append(model.get_weights())
        logs.append([step for step, _ in hist["progress"]])
    assert logs[0] == logs[1] == [2, 4, 6, 8]
    for a, b in zip(*weights):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-6)


# ------------------------------------------------------- dilated network


def test_dilated_network_shapes_and_receptive_field():
    torch()
    assert ip.receptive_field() == 47
    assert ip.receptive_field((1, 1)) == 7
    net = ip.build_dilated_torch(image_channels=1, channels=4, dilations=(1, 2))
    convs = [m for m in net if hasattr(m, "dilation")]
    assert [c.dilation for c in convs] == [(1, 1), (2, 2), (1, 1)]
    assert sum(p.numel() for p in net.parameters()) == \
        (2 * 9 * 4 + 4) + (4 * 9 * 4 + 4) + (4 * 9 * 1 + 1)
    x = np.zeros((3, 12, 12, 1), np.float32)
    m = ip.square_mask(12, 3, 4, 5)[None].repeat(3, axis=0)
    out = ip.dilated_fill(net, x + 0.3, m)
    assert out.shape == (3, 12, 12, 1)
    np.testing.assert_array_equal(out[m == 0], np.float32(0.3))  # known kept


def test_dilated_bad_input():
    torch()
    with pytest.raises(TypeError, match="dilations must be a non-empty"):
        ip.build_dilated_torch(dilations=())
    with pytest.raises(ValueError, match="channels must be >= 1"):
        ip.build_dilated_torch(channels=0)
    net = ip.build_dilated_torch(image_channels=1, channels=2, dilations=(1,))
    x = np.zeros((2, 8, 8, 3), np.float32)
    m = ip.square_mask(8, 2, 2, 3)[None].repeat(2, axis=0)
    with pytest.raises(ValueError, match="masked has 3 channels but the model reads 2"):
        ip.dilated_fill(net, x, m)
    with pytest.raises(ValueError, match="images have 3 channels"):
        ip.fit_dilated(net, x, hole=3, steps=1)
    with pytest.raises(TypeError, match="model must be a network from build_dilated"):
        ip.dilated_fill("net", x, m)
    with pytest.raises(ValueError, match="steps must be >= 1"):
        ip.fit_dilated(net, x[..., :1], hole=3, steps=0)


def test_stroke_masks_cut_the_ink():
    rng = np.random.default_rng(0)
    x = np.zeros((20, 16, 16, 1), np.float32)
    for i in range(20):  # one vertical stroke per image, at a random column
        x[i, :, rng.integers(0, 16)] = 1.0
    m = ip.stroke_masks(x, 5, seed=3)
    assert m.shape == (20, 16, 16, 1) and (m.sum(axis=(1, 2, 3)) == 25).all()
    assert ((m[..., 0] == 1) & (x[..., 0] > 0.5)).any(axis=(1, 2)).all()
    np.testing.assert_array_equal(m, ip.stroke_masks(x, 5, seed=3))
    with pytest.raises(ValueError, match="min_ink must be a number in"):
        ip.stroke_masks(x, 5, min_ink=2)
    with pytest.raises(ValueError, match="hole=20 is larger"):
        ip.stroke_masks(x, 20)


@pytest.mark.slow
def test_fit_dilated_learns_to_continue_a_line():
    """Vertical lines, holes across them: after training, the network draws the
    line through the hole, which no smooth fill of a thin line can do."""
    torch()
    from companion.utils import set_seeds

    rng = np.random.default_rng(0)
    x = np.zeros((64, 16, 16, 1), np.float32)
    for i in range(64):
        x[i, :, rng.integers(2, 14)] = 1.0
    set_seeds(0)
    net = ip.build_dilated_torch(channels=8, dilations=(1, 2, 4, 1))
    lines = []
    hist = ip.fit_dilated(net, x, hole=4, steps=150, batch_size=16,
                          learning_rate=5e-3, seed=0, log_every=50,
                          log=lines.append)
    progress = hist["progress"]
    assert [s for s, _ in progress] == [50, 100, 150] and len(lines) == 3
    assert hist["loss"] == [loss for _, loss in progress]
    assert progress[-1][1] < 0.5 * progress[0][1]
    m = ip.stroke_masks(x[:16], 4, seed=9)
    masked = ip.cut_holes(x[:16], m)
    learned = ip.hole_psnr(x[:16], ip.dilated_fill(net, masked, m), m).mean()
    smooth = ip.hole_psnr(x[:16], ip.biharmonic_fill(masked, m), m).mean()
    assert learned > smooth + 3


def test_torch_class_is_defined_once_across_builds():
    """The module is a module-level class: isinstance holds across builds."""
    from companion.models.inpainting.torch_model import InpaintingAutoencoder

    a, b = ip.build_torch(36), ip.build_torch(44, in_channels=4)
    assert type(a) is type(b) is InpaintingAutoencoder
    assert isinstance(b, type(a))


def test_fit_keras_is_the_shared_loop_with_the_masked_loss(monkeypatch):
    """inpainting.fit_keras trains through companion.models.training.fit_keras."""
    from companion.models import training

    seen = {}

    def fake(model, x, y, **options):
        seen.update(options, x=x, y=y)
        return {"loss": [0.5], "progress": [(1, 0.5)], "seconds": 0.1}

    monkeypatch.setattr(training, "fit_keras", fake)
    x = np.random.default_rng(0).random((4, 36, 36, 3))
    m = np.zeros((4, 36, 36, 1))
    m[:, 10:20, 10:20] = 1
    out = ip.fit_keras("model", x, x, m, hole_weight=5.0, cosine_decay=True,
                       verbose=False)
    assert out == {"loss": [0.5], "progress": [(1, 0.5)], "seconds": 0.1}
    assert seen["verbose"] is False
    assert seen["schedule"] == "cosine" and seen["alpha"] == 0.05
    assert seen["seed"] is None and seen["y"].shape == (4, 36, 36, 4)
    assert seen["loss"].__name__ == "weighted_mse_5_1"
    ip.fit_keras("model", x, x, m, log=print)
    assert seen["log"] is print and seen["verbose"]
