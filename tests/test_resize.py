"""companion.resize against tf.image.resize, tf.compat.v1.image.resize,
torch.nn.functional.interpolate, cv2.resize and keras.layers.UpSampling2D.

The comparisons with the libraries go through ``companion.cases.check``.
Tolerances (``companion.cases``): nearest neighbour must pick the same pixels, so it
is compared exactly. float32 results: ``1e-5 x`` the data range. float64
results (PyTorch, OpenCV bicubic): ``1e-10 x`` the range. OpenCV's
``INTER_LINEAR`` on images wider than one column takes a path whose
coordinates are rounded differently (about 1e-7 relative), so it gets the
float32 tolerance even in float64; TensorFlow computes in float32 whatever the
input, so it is compared in float32.
"""

from __future__ import annotations

import frameworks as fw
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from companion.resize import (
    bilinear_kernel,
    cubic_kernel,
    linear_kernel,
    resize,
    resize_conv,
    resize_naive,
    source_coordinate,
    upsample_repeat,
)


def _range(x):
    return max(float(np.max(x) - np.min(x)), 1.0)


def _assert_close(ours, ref, x, rel):
    ref = np.asarray(ref)
    assert ours.shape == ref.shape
    np.testing.assert_allclose(ours, ref, rtol=0, atol=rel * _range(x))


def _assert_same_pixels(ours, ref):
    ref = np.asarray(ref)
    assert ours.shape == ref.shape
    np.testing.assert_array_equal(ours, ref)


@st.composite
def images(draw, max_side=40, dtype=np.float64):
    """Image batch and an output size: sides 1-40, factors 0.3-5, 1-4 channels."""
    n, h, w, c = (draw(st.integers(1, 2)), draw(st.integers(1, max_side)),
                  draw(st.integers(1, max_side)), draw(st.integers(1, 4)))
    fy, fx = draw(st.floats(0.3, 5.0)), draw(st.floats(0.3, 5.0))
    size = (max(1, round(h * fy)), max(1, round(w * fx)))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    return rng.standard_normal((n, h, w, c)).astype(dtype), size


# --------------------------------------------------------------------------
# Hand-picked cases: the numbers come from the formulas, worked by hand
# --------------------------------------------------------------------------

M = np.arange(16.0).reshape(1, 4, 4, 1)  # M[i, j] = 4i + j


@pytest.mark.parametrize("convention,method", [
    ("tf", "nearest"), ("tf1", "nearest"), ("torch", "nearest"),
    ("torch", "nearest-exact"), ("opencv", "nearest"), ("opencv", "nearest-exact")])
def test_4x4_nearest_2x_is_a_repeat_in_every_convention(convention, method):
    # each pixel becomes a 2x2 block: out[i, j] = M[i // 2, j // 2]
    expected = np.repeat(np.repeat(M, 2, axis=1), 2, axis=2)
    np.testing.assert_array_equal(
        resize(M, 8, method, convention=convention), expected)
    np.testing.assert_array_equal(upsample_repeat(M, 2), expected)


@pytest.mark.parametrize("convention", ["tf", "torch", "opencv"])
def test_4x4_bilinear_2x_half_pixel(convention):
    # src = (o + 0.5)/2 - 0.5 = o/2 - 1/4, clamped to [0, 3]; M is linear, so
    # out = 4 u_i + u_j with u the resampled ramp 0, 1, 2, 3
    u = np.array([0, 0.25, 0.75, 1.25, 1.75, 2.25, 2.75, 3])
    expected = (4 * u[:, None] + u[None, :])[None, :, :, None]
    np.testing.assert_allclose(resize(M, 8, "bilinear", convention=convention),
                               expected, atol=1e-12)


@pytest.mark.parametrize("convention", ["tf1", "torch"])
def test_4x4_bilinear_2x_align_corners(convention):
    u = np.arange(8) * 3 / 7  # src = o (in - 1)/(out - 1): corners map to corners
    expected = (4 * u[:, None] + u[None, :])[None, :, :, None]
    out = resize(M, 8, "bilinear", convention=convention, align_corners=True)
    np.testing.assert_allclose(out, expected, atol=1e-6)


def test_4x4_downscale_2x():
    # bilinear: src = (o + 0.5) 2 - 0.5 = 2o + 0.5, the mean of pixels 2o, 2o+1
    u = np.array([0.5, 2.5])
    np.testing.assert_allclose(resize(M, 2, "bilinear")[0, :, :, 0],
                               4 * u[:, None] + u[None, :])
    # nearest: TF2 floor((o + 0.5) 2) = 1, 3; PyTorch floor(2 o) = 0, 2
    np.testing.assert_array_equal(resize(M, 2, "nearest")[0, :, :, 0],
                                  [[5, 7], [13, 15]])
    np.testing.assert_array_equal(
        resize(M, 2, "nearest", convention="torch")[0, :, :, 0], [[0, 2], [8, 10]])


def test_1_5x_upscale_of_two_pixels():
    x = np.array([10.0, 20.0]).reshape(1, 1, 2, 1)
    # TF2 nearest: floor((o + 0.5) 2/3) = 0, 1, 1
    assert resize(x, (1, 3), "nearest").ravel().tolist() == [10, 20, 20]
    # PyTorch 'nearest': floor(o 2/3) = 0, 0, 1
    assert resize(x, (1, 3), "nearest", convention="torch").ravel().tolist() == \
        [10, 10, 20]
    # bilinear: src = -1/6, 1/2, 7/6 -> clamped 0, 1/2, 1
    np.testing.assert_allclose(resize(x, (1, 3), "bilinear").ravel(), [10, 15, 20])
    ref = fw.tf().image.resize(x.astype(np.float32), (1, 3), "nearest").numpy()
    assert ref.ravel().tolist() == [10, 20, 20]


def test_source_coordinate_formulas():
    d = np.arange(5)
    np.testing.assert_allclose(source_coordinate(d, 3, 5, "tf"),
                               (d + 0.5) * 3 / 5 - 0.5)
    np.testing.assert_allclose(source_coordinate(d, 3, 5, "tf1"), d * 3 / 5)
    corners = source_coordinate(d, 3, 5, "torch", align_corners=True)
    assert corners[0] == 0 and corners[-1] == 2
    np.testing.assert_allclose(
        source_coordinate(d, 3, 5, "opencv", method="nearest"), d * 3 / 5)
    assert source_coordinate(0, 3, 1, "torch", align_corners=True) == 0


def test_kernels():
    assert linear_kernel(0.0) == 1 and linear_kernel(1.0) == 0
    np.testing.assert_allclose(linear_kernel([-0.25, 0.5, 2.0]), [0.75, 0.5, 0])
    for a in (-0.5, -0.75):
        np.testing.assert_allclose(cubic_kernel([0.0, 1.0, 2.0, 2.5], a),
                                   [1, 0, 0, 0], atol=1e-15)
    # Keys: the four taps sum to 1 for every a; only a = -0.5 also reproduces
    # linear ramps (W(t) = sum_k k W(t - k) = t); a = -0.75 misses by 0.048
    t = np.linspace(0, 1, 11)[:, None]
    k = np.arange(-2, 4)[None, :]
    for a in (-0.5, -0.75):
        np.testing.assert_allclose(cubic_kernel(t - k, a).sum(1), 1, atol=1e-14)
    def ramp_error(a):
        return np.abs((cubic_kernel(t - k, a) * k).sum(1) - t[:, 0]).max()

    assert ramp_error(-0.5) < 1e-14
    assert ramp_error(-0.75) == pytest.approx(0.048)


# --------------------------------------------------------------------------
# Against the frameworks, on generated shapes (>= 200 examples per convention)
# --------------------------------------------------------------------------

def _cfg(case, method, convention, align_corners=False, dtype=None):
    x, size = case
    return {"x": x if dtype is None else x.astype(dtype), "size": size,
            "method": method, "convention": convention,
            "align_corners": align_corners}


@pytest.mark.parametrize("device", fw.TF_DEVICES)
@given(case=images(dtype=np.float32),
       method=st.sampled_from(["nearest", "bilinear", "bicubic"]))
def test_matches_tf_image_resize(device, case, method):
    """Bicubic on the GPU: no kernel (NO_GPU_KERNEL), the refusal is checked;
    nearest on the GPU: exact off the tie rows and columns."""
    fw.check("resize (tf)", "tensorflow", device, _cfg(case, method, "tf"))


@pytest.mark.parametrize("device", fw.TF_DEVICES)
@given(case=images(dtype=np.float32),
       method=st.sampled_from(["nearest", "bilinear", "bicubic"]),
       align_corners=st.booleans())
def test_matches_tf_compat_v1_resize(device, case, method, align_corners):
    fw.check("resize (tf1)", "tensorflow", device,
          _cfg(case, method, "tf1", align_corners))


TORCH_MODES = [("nearest", False), ("nearest-exact", False), ("bilinear", False),
               ("bilinear", True), ("bicubic", False), ("bicubic", True)]


@pytest.mark.parametrize("device", fw.TORCH_DEVICES)
@given(case=images(), mode=st.sampled_from(TORCH_MODES),
       dtype=st.sampled_from([np.float64, np.float32]))
def test_matches_torch_interpolate(device, case, mode, dtype):
    method, align_corners = mode
    fw.check("resize (torch)", "torch", device,
          _cfg(case, method, "torch", align_corners, dtype))


CV_FLAGS = {"nearest": "INTER_NEAREST", "nearest-exact": "INTER_NEAREST_EXACT",
            "bilinear": "INTER_LINEAR", "bicubic": "INTER_CUBIC"}


@given(case=images(), method=st.sampled_from(list(CV_FLAGS)),
       dtype=st.sampled_from([np.float64, np.float32]))
def test_matches_cv2_resize(case, method, dtype):
    cv2 = pytest.importorskip("cv2")
    if method == "nearest-exact" and int(cv2.__version__.split(".")[0]) < 5:
        pytest.skip("OpenCV 4.x INTER_NEAREST_EXACT uses 16.16 fixed point, "
                    "which the companion does not model (it follows OpenCV 5)")
    fw.check("resize (opencv)", "opencv", "cpu", _cfg(case, method, "opencv",
                                                  dtype=dtype))


ALL = ([("tf", m, False) for m in ("nearest", "bilinear", "bicubic")]
       + [("tf1", m, a) for m in ("nearest", "bilinear", "bicubic")
          for a in (False, True)]
       + [("torch", m, a) for m, a in TORCH_MODES]
       + [("opencv", m, False) for m in CV_FLAGS])


@given(case=images(max_side=9), how=st.sampled_from(ALL),
       dtype=st.sampled_from([np.float64, np.float32]))
def test_fast_matches_naive(case, how, dtype):
    convention, method, align_corners = how
    x, size = case
    x = x.astype(dtype)
    size = (min(size[0], 16), min(size[1], 16))
    kw = dict(convention=convention, align_corners=align_corners)
    fast, naive = resize(x, size, method, **kw), resize_naive(x, size, method, **kw)
    assert fast.dtype == naive.dtype == dtype
    _assert_close(fast, naive, x, 1e-12 if dtype == np.float64 else 1e-6)


def test_single_image_and_float16():
    x = np.random.default_rng(0).standard_normal((5, 6, 2))
    np.testing.assert_allclose(resize(x, (7, 3), "bicubic"),
                               resize(x[None], (7, 3), "bicubic")[0])
    half = resize(x.astype(np.float16), 9, "bilinear")
    assert half.dtype == np.float16 and half.shape == (9, 9, 2)


# --------------------------------------------------------------------------
# Pairs that cannot match, shown rather than hidden
# --------------------------------------------------------------------------

def test_tf2_and_torch_bicubic_differ_by_about_0_2():
    # Keys a = -0.5 with renormalised border taps (TF2) vs a = -0.75 with
    # replicated border taps (PyTorch): each is reproduced exactly, and on
    # unit-variance data they differ by 0.2 to 0.3 at worst, 0.05 on average
    rng = np.random.default_rng(2016)
    worst, mean = [], []
    for h, out in [(16, 40), (9, 23), (32, 20)]:
        x = rng.standard_normal((4, h, h, 1))
        theirs_tf = fw.tf().image.resize(x.astype(np.float32), (out, out), "bicubic")
        theirs_torch = fw.from_torch(fw.torch().nn.functional.interpolate(
            fw.to_torch(x), size=(out, out), mode="bicubic", align_corners=False))
        ours_tf = resize(x, out, "bicubic", convention="tf")
        ours_torch = resize(x, out, "bicubic", convention="torch")
        _assert_close(ours_tf, theirs_tf, x, 1e-5)
        _assert_close(ours_torch, theirs_torch, x, 1e-10)
        gap = np.abs(theirs_tf.numpy() - theirs_torch)
        worst.append(gap.max())
        mean.append(gap.mean())
    assert 0.15 < min(worst) and max(worst) < 0.5
    assert 0.03 < np.mean(mean) < 0.1


def test_tf_bicubic_needs_its_coefficient_table():
    # Exact Keys coefficients (a = -0.5, renormalised at the border) miss TF2 by
    # about 1e-3; the companion reads TF's 1024-entry table and matches to 1e-6
    x = np.random.default_rng(7).standard_normal((1, 13, 17, 1))
    size = (29, 31)
    theirs = fw.tf().image.resize(x.astype(np.float32), size, "bicubic").numpy()

    def exact_weights(n_in, n_out):
        src = source_coordinate(np.arange(n_out), n_in, n_out, "tf")
        taps = np.floor(src)[:, None] + np.arange(-1, 3)
        w = cubic_kernel(src[:, None] - taps, -0.5) * ((taps >= 0) & (taps < n_in))
        w /= w.sum(1, keepdims=True)
        m = np.zeros((n_out, n_in))
        for i, (t, wt) in enumerate(zip(taps.astype(int), w)):
            for j, v in zip(t, wt):
                if 0 <= j < n_in:
                    m[i, j] += v
        return m

    exact = np.einsum("ip,npqc,jq->nijc", exact_weights(13, 29), x,
                      exact_weights(17, 31))
    assert 1e-4 < np.abs(exact - theirs).max() < 1e-2
    _assert_close(resize(x, size, "bicubic"), theirs, x, 1e-6)


@pytest.mark.parametrize("n_in,n_out", [(5, 7), (4, 6), (7, 3), (10, 15)])
def test_tf2_nearest_differs_from_torch_nearest_for_non_integer_factors(n_in, n_out):
    x = np.arange(float(n_in)).reshape(1, 1, n_in, 1)
    theirs_tf = fw.tf().image.resize(x.astype(np.float32), (1, n_out), "nearest")
    theirs_torch = fw.from_torch(fw.torch().nn.functional.interpolate(
        fw.to_torch(x), size=(1, n_out), mode="nearest"))
    assert not np.array_equal(theirs_tf.numpy(), theirs_torch)
    _assert_same_pixels(resize(x, (1, n_out), "nearest"), theirs_tf)
    _assert_same_pixels(resize(x, (1, n_out), "nearest", convention="torch"),
                        theirs_torch)
    # PyTorch's 'nearest-exact' is TF2's 'nearest'
    _assert_same_pixels(resize(x, (1, n_out), "nearest-exact", convention="torch"),
                        theirs_tf)


@given(case=images(max_side=12), fy=st.integers(1, 5), fx=st.integers(1, 5))
def test_all_nearest_conventions_agree_for_integer_upscaling(case, fy, fx):
    x, _ = case
    size = (x.shape[1] * fy, x.shape[2] * fx)
    expected = upsample_repeat(x, (fy, fx))
    theirs_tf = fw.tf().image.resize(x.astype(np.float32), size, "nearest").numpy()
    theirs_torch = fw.from_torch(fw.torch().nn.functional.interpolate(
        fw.to_torch(x), size=size, mode="nearest"))
    np.testing.assert_array_equal(theirs_tf, expected.astype(np.float32))
    np.testing.assert_array_equal(theirs_torch, expected)
    for convention, method in [("tf", "nearest"), ("tf1", "nearest"),
                               ("torch", "nearest"), ("opencv", "nearest-exact")]:
        np.testing.assert_array_equal(
            resize(x, size, method, convention=convention), expected)


def test_torch_scale_factor_maps_with_one_over_the_factor():
    # interpolate(scale_factor=1.5) on 5 pixels gives 7 outputs but samples
    # src = (d + 0.5)/1.5 - 0.5, not (d + 0.5) 5/7 - 0.5; resize(size=7) is the
    # latter, and so is scale_factor with recompute_scale_factor=True
    F = fw.torch().nn.functional
    x = np.random.default_rng(3).standard_normal((1, 5, 5, 2))
    xt = fw.to_torch(x)
    by_factor = fw.from_torch(F.interpolate(xt, scale_factor=1.5, mode="bilinear"))
    recomputed = fw.from_torch(F.interpolate(xt, scale_factor=1.5, mode="bilinear",
                                          recompute_scale_factor=True))
    ours = resize(x, 7, "bilinear", convention="torch")
    assert by_factor.shape == ours.shape == (1, 7, 7, 2)
    assert np.abs(by_factor - ours).max() > 0.05
    _assert_close(ours, recomputed, x, 1e-10)
    # when in * factor is an integer both mappings coincide: 4 -> 6 pixels
    x4 = x[:, :4, :4]
    _assert_close(resize(x4, 6, "bilinear", convention="torch"),
                  fw.from_torch(F.interpolate(fw.to_torch(x4), scale_factor=1.5,
                                           mode="bilinear")), x4, 1e-10)


# --------------------------------------------------------------------------
# Upsampling layers
# --------------------------------------------------------------------------

@pytest.mark.parametrize("device", fw.TF_DEVICES)
@given(case=images(max_side=12, dtype=np.float32),
       factor=st.one_of(st.integers(1, 4),
                        st.tuples(st.integers(1, 4), st.integers(1, 4))))
def test_upsample_repeat_matches_keras_upsampling2d(device, case, factor):
    import keras

    x, _ = case
    with fw.tf().device(fw.tf_device(device)):
        ref = keras.layers.UpSampling2D(size=factor)(x)
    _assert_same_pixels(upsample_repeat(x, factor), fw.tf_result(ref, device))


def test_bilinear_kernel_values():
    k = bilinear_kernel(3, 2)
    assert k.shape == (4, 4, 3, 3) and k.dtype == np.float32
    tent = np.array([0.25, 0.75, 0.75, 0.25])  # 1 - |m - 1.5|/2
    np.testing.assert_allclose(k[:, :, 1, 1], np.outer(tent, tent))
    assert not k[:, :, 0, 1].any()  # channels do not mix
    assert bilinear_kernel(1, 3).shape == (5, 5, 1, 1)  # 2f - f % 2
    tent3 = np.array([1, 2, 3, 2, 1]) / 3  # 1 - |m - 2|/3
    np.testing.assert_allclose(bilinear_kernel(1, 3, np.float64)[:, 2, 0, 0],
                               tent3 * tent3[2])


@given(case=images(max_side=10), factor=st.integers(2, 5))
def test_bilinear_kernel_transposed_conv_is_bilinear_resize_inside(case, factor):
    from companion.transposed import conv_transpose2d

    x, _ = case
    n, h, w, c = x.shape
    size = (h * factor, w * factor)
    up = conv_transpose2d(x, bilinear_kernel(c, factor, np.float64), stride=factor,
                          padding=factor // 2)
    keras_same = conv_transpose2d(x, bilinear_kernel(c, factor, np.float64),
                                  stride=factor, padding="same")
    np.testing.assert_allclose(up, keras_same)
    theirs = fw.from_torch(fw.torch().nn.functional.interpolate(
        fw.to_torch(x), size=size, mode="bilinear", align_corners=False))
    m = factor // 2  # src = (o + 0.5)/f - 0.5 lies inside [0, h - 1] from o = f//2
    inside = (slice(None), slice(m, size[0] - m), slice(m, size[1] - m))
    assert up.shape == theirs.shape
    _assert_close(up[inside], theirs[inside], x, 1e-10)
    _assert_close(up[inside], resize(x, size, "bilinear")[inside], x, 1e-5)


def test_bilinear_kernel_transposed_conv_fades_at_the_border():
    from companion.transposed import conv_transpose2d

    x = np.ones((1, 3, 3, 1))
    up = conv_transpose2d(x, bilinear_kernel(1, 2, np.float64), stride=2, padding=1)
    # the first row only gets the 0.75 tap of the first input row (zeros beyond)
    np.testing.assert_allclose(up[0, 0, 1:-1, 0], 0.75)
    np.testing.assert_allclose(up[0, 1:-1, 1:-1, 0], 1.0)
    np.testing.assert_allclose(resize(x, 6, "bilinear"), 1.0)


@pytest.mark.parametrize("method", ["nearest", "bilinear"])
def test_resize_conv_matches_keras(method):
    import keras

    rng = np.random.default_rng(11)
    x = rng.standard_normal((2, 5, 6, 3), dtype=np.float32)
    w = rng.standard_normal((3, 3, 3, 4), dtype=np.float32)
    b = rng.standard_normal(4, dtype=np.float32)
    up = keras.layers.UpSampling2D(2, interpolation=method)(x)
    ref = fw.tf().nn.conv2d(up, w, 1, "SAME") + b
    ours = resize_conv(x, w, 2, method, b=b)
    assert ours.shape == (2, 10, 12, 4)
    _assert_close(ours, ref.numpy(), x, 1e-5 * 6)  # sums of 27 products


# --------------------------------------------------------------------------
# Bad input
# --------------------------------------------------------------------------

X = np.zeros((1, 4, 4, 1))


@pytest.mark.parametrize("call,error,match", [
    (lambda: resize(X, 8, "area"), ValueError, "method must be one of"),
    (lambda: resize(X, 8, "bilinear", convention="pil"), ValueError,
     "convention must be one of"),
    (lambda: resize(X, 8, "nearest", convention="torch", align_corners=True),
     ValueError, "align_corners=True only applies"),
    (lambda: resize(X, 8, "bilinear", convention="tf", align_corners=True),
     ValueError, "align_corners=True is not available with convention='tf'"),
    (lambda: resize(X, 8, "bilinear", align_corners=1), TypeError,
     "align_corners must be True or False"),
    (lambda: resize(X, 8, "nearest-exact", convention="tf"), ValueError,
     "'nearest-exact' is not a 'tf' method"),
    (lambda: resize(X, 0, "bilinear"), ValueError, "size must be >= 1, got 0"),
    (lambda: resize(X, (4, -2), "bilinear"), ValueError, "size must be >= 1"),
    (lambda: resize(X, 2.5, "bilinear"), TypeError, "size must be an integer"),
    (lambda: resize(X.astype(int), 8, "bilinear"), TypeError,
     "x must have a floating dtype"),
    (lambda: resize(X[0, 0], 8, "bilinear"), ValueError,
     "x must have 3 or 4 dimensions"),
    (lambda: resize_naive(X, 8, "cubic"), ValueError, "method must be one of"),
    (lambda: upsample_repeat(X, 1.5), TypeError, "factor must be an integer"),
    (lambda: upsample_repeat(X, (2, 0)), ValueError, "factor must be >= 1"),
    (lambda: bilinear_kernel(2, 0), ValueError, "factor must be >= 1"),
    (lambda: bilinear_kernel(2.0, 2), TypeError, "channels must be an integer"),
    (lambda: resize_conv(X, np.zeros((3, 3, 1, 1)), 1.5), TypeError,
     "factor must be an integer"),
    (lambda: source_coordinate(0, 4, 8, "cv2"), ValueError,
     "convention must be one of"),
])
def test_bad_input_names_the_parameter(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_torch_also_rejects_align_corners_with_nearest():
    with pytest.raises(ValueError, match="align_corners"):
        fw.torch().nn.functional.interpolate(fw.to_torch(X), size=8, mode="nearest",
                                          align_corners=True)
    with pytest.raises(ValueError, match="align_corners"):
        resize(X, 8, "nearest", convention="torch", align_corners=True)
