"""companion.conv against its naive loop, TensorFlow and PyTorch.

Comparisons run in float64 (both frameworks support it for conv2d on the CPU)
through ``companion.cases.check``, with the tolerance rule of
``companion.cases`` (float32: rtol 1e-5, atol 1e-5 x sqrt(fan_in)).
"""

from __future__ import annotations

import frameworks as fw
import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from inputs import pair as _pair
from inputs import random_array as _random

from companion.cases import conv_kwargs, framework_result
from companion.conv import conv2d, conv2d_naive, pad2d
from companion.shapes import effective_kernel, resolve_padding2d

PAIR_OR_INT = {
    "stride": st.one_of(st.integers(1, 4), st.tuples(st.integers(1, 4),
                                                     st.integers(1, 4))),
    "dilation": st.one_of(st.integers(1, 3), st.tuples(st.integers(1, 3),
                                                       st.integers(1, 3))),
}
SIDE = st.integers(0, 3)
PADDINGS = st.one_of(
    st.sampled_from(["valid", "same"]),
    SIDE,
    st.tuples(SIDE, SIDE),
    st.tuples(st.tuples(SIDE, SIDE), st.tuples(SIDE, SIDE)),
)


@st.composite
def conv_configs(draw, dtypes=(np.float64,), max_groups=3, max_dilation=3):
    """A valid conv2d call: sizes 1-20, kernels 1-5, every padding form."""
    groups = draw(st.integers(1, max_groups))
    c_in = groups * draw(st.integers(1, 6 // groups))
    c_out = groups * draw(st.integers(1, 6 // groups))
    kernel = (draw(st.integers(1, 5)), draw(st.integers(1, 5)))
    stride = draw(PAIR_OR_INT["stride"])
    dilation = (draw(PAIR_OR_INT["dilation"]) if max_dilation > 1
                else draw(st.sampled_from([1, (1, 1)])))
    padding = draw(PADDINGS)
    # the smallest input the (dilated) kernel fits into once padded
    fixed = resolve_padding2d(0 if isinstance(padding, str) else padding,
                              (1, 1), kernel, (1, 1), (1, 1))
    smallest = [1 if padding == "same" else max(1, effective_kernel(
        kernel[a], _pair(dilation)[a]) - sum(fixed[a])) for a in range(2)]
    assume(max(smallest) <= 20)
    h, w = (draw(st.integers(smallest[a], 20)) for a in range(2))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    dtype = draw(st.sampled_from(dtypes))
    return {
        "x": rng.standard_normal((draw(st.integers(1, 3)), h, w, c_in)).astype(dtype),
        "w": rng.standard_normal((*kernel, c_in // groups, c_out)).astype(dtype),
        "b": draw(st.sampled_from([None, rng.standard_normal(c_out).astype(dtype)])),
        "stride": stride, "padding": padding, "dilation": dilation,
        "groups": groups,
    }


_kw = conv_kwargs


def _tol(cfg):
    """The table's tolerance for ``conv2d`` on ``cfg``."""
    return fw.OPS["conv2d"].tol(cfg, "numpy", "cpu")


def torch_conv2d(cfg, device="cpu"):
    """PyTorch's conv2d of the table (after an explicit, possibly asymmetric,
    F.pad), as NHWC NumPy."""
    return framework_result("conv2d", "torch", device, cfg)


def check_with(framework, cfg, device="cpu", fn=conv2d):
    """``companion.cases.check`` of ``fn`` (conv2d or conv2d_naive): shape,
    dtype and values agree with the framework's."""
    fw.check(fn.__name__, framework, device, cfg)


# --- properties -------------------------------------------------------------

@given(conv_configs(dtypes=(np.float32, np.float64)))
def test_fast_equals_naive(cfg):
    fast = conv2d(cfg["x"], cfg["w"], cfg["b"], **_kw(cfg))
    naive = conv2d_naive(cfg["x"], cfg["w"], cfg["b"], **_kw(cfg))
    assert fast.shape == naive.shape and fast.dtype == naive.dtype == cfg["x"].dtype
    np.testing.assert_allclose(fast, naive, **_tol(cfg))


@pytest.mark.parametrize("device", fw.TF_DEVICES)
@given(cfg=conv_configs())
def test_matches_tensorflow(device, cfg):
    fw.check("conv2d", "tensorflow", device, cfg)


@pytest.mark.parametrize("device", fw.TORCH_DEVICES)
@given(cfg=conv_configs())
def test_matches_torch(device, cfg):
    fw.check("conv2d", "torch", device, cfg)


# --- the book's worked examples ----------------------------------------------

# Source article 001: a 5x5 grey image, a 3x3 kernel and bias 1. Its top-left
# window is [[1, 0, 2], [5, 4, 2], [3, 4, 5]] (the rest of the image is ours).
ARTICLE_IMAGE = np.array([[1, 0, 2, 1, 0],
                          [5, 4, 2, 0, 3],
                          [3, 4, 5, 2, 1],
                          [0, 1, 3, 4, 2],
                          [2, 2, 0, 1, 5]], dtype=np.float64)[None, :, :, None]
ARTICLE_KERNEL = np.array([[-1, 0, 1]] * 3, dtype=np.float64)[:, :, None, None]


@pytest.mark.parametrize("fn", [conv2d, conv2d_naive])
def test_article_window_gives_one(fn):
    out = fn(ARTICLE_IMAGE, ARTICLE_KERNEL, np.array([1.0]))
    # (-1)x1 + 0x0 + 1x2 + (-1)x5 + 0x4 + 1x2 + (-1)x3 + 0x4 + 1x5 + 1 = 1
    assert out[0, 0, 0, 0] == 1.0
    assert out.shape == (1, 3, 3, 1)  # (5 - 3 + 1) / 1 = 3


@pytest.mark.parametrize("framework, device", fw.FRAMEWORK_DEVICES)
@pytest.mark.parametrize("padding", ["valid", "same"])
def test_article_image_matches_frameworks(framework, device, padding):
    cfg = {"x": ARTICLE_IMAGE, "w": ARTICLE_KERNEL, "b": np.array([1.0]),
           "stride": 1, "padding": padding, "dilation": 1, "groups": 1}
    check_with(framework, cfg, device)
    assert conv2d(cfg["x"], cfg["w"], padding=padding).shape[1:3] == \
        ((3, 3) if padding == "valid" else (5, 5))  # zero padding keeps 5x5


@pytest.mark.parametrize("padding", ["valid", "same"])
def test_article_4x4_ones_filter(padding):
    """Article 001: ones(1, 4, 4, 1), filter [1, 0, -1, -2] as 2x2, stride 2."""
    img = np.ones((1, 4, 4, 1))
    filt = np.array([1.0, 0, -1, -2]).reshape(2, 2, 1, 1)
    ours = conv2d(img, filt, stride=2, padding=padding)
    # every 2x2 window of ones: 1 + 0 - 1 - 2 = -2; SAME pads 0 here since
    # total = max(0, (2 - 1) * 2 + 2 - 4) = 0
    np.testing.assert_array_equal(ours, np.full((1, 2, 2, 1), -2.0))
    theirs = fw.tf().nn.conv2d(img, filt, 2, padding.upper()).numpy()
    np.testing.assert_array_equal(ours, theirs)


@pytest.mark.parametrize("stride, expected", [(1, 5), (2, 3)])
def test_article_7x7_3x3(stride, expected):
    out = conv2d(np.zeros((1, 7, 7, 1)), np.zeros((3, 3, 1, 1)), stride=stride)
    assert out.shape[1:3] == (expected, expected)


def test_padding_two_keeps_32():
    """Article 001: 32 = (32 - 5 + 2P) / 1 + 1 gives P = 2."""
    out = conv2d(np.zeros((1, 32, 32, 3)), np.zeros((5, 5, 3, 1)), padding=2)
    assert out.shape == (1, 32, 32, 1)


def test_no_flip_cross_correlation():
    """A kernel with a single 1 at (0, 1) reads the right-hand neighbour."""
    x = np.arange(12.0).reshape(1, 3, 4, 1)
    w = np.zeros((2, 2, 1, 1))
    w[0, 1] = 1
    np.testing.assert_array_equal(conv2d(x, w)[0, :, :, 0], x[0, :2, 1:, 0])


# --- pitfalls ------------------------------------------------------------

@pytest.mark.parametrize("framework, device", fw.FRAMEWORK_DEVICES)
def test_same_is_asymmetric_and_symmetric_torch_port_is_wrong(framework, device):
    """H=6, k=3, s=2: TF "same" pads 0 on top and 1 below."""
    x, w = _random((1, 6, 6, 2)), _random((3, 3, 2, 3), 1)
    cfg = {"x": x, "w": w, "b": None, "stride": 2, "padding": "same",
           "dilation": 1, "groups": 1}
    if framework == "tensorflow":
        fw.check("conv2d", "tensorflow", device, cfg)
        return
    F = fw.torch().nn.functional
    xt, wt = fw.to_torch(x, device), fw.to_torch(w, device, "conv")
    symmetric = fw.from_torch(F.conv2d(xt, wt, stride=2, padding=1), device=device)
    ours = conv2d(x, w, stride=2, padding="same")
    assert symmetric.shape == ours.shape  # the right shape...
    assert not np.allclose(symmetric, ours)  # ...and the wrong values
    explicit = fw.from_torch(F.conv2d(F.pad(fw.to_torch(x, device), (0, 1, 0, 1)),
                                   fw.to_torch(w, device, "conv"), stride=2),
                          device=device)
    np.testing.assert_allclose(explicit, ours, **fw.tolerance(np.float64))


def test_torch_same_refuses_stride():
    F = fw.torch().nn.functional
    with pytest.raises(RuntimeError, match="same"):
        F.conv2d(fw.torch().zeros(1, 1, 6, 6), fw.torch().zeros(1, 1, 3, 3), stride=2,
                 padding="same")
    cfg = {"x": _random((1, 6, 6, 1)), "w": _random((3, 3, 1, 1), 1), "b": None,
           "stride": 2, "padding": "same", "dilation": 1, "groups": 1}
    fw.check("conv2d", "tensorflow", "cpu", cfg)  # TF accepts it, and so do we
    fw.check("conv2d", "torch", "cpu", cfg)  # via an explicit asymmetric F.pad


def test_keras_refuses_strided_dilated_but_raw_ops_agree():
    import keras

    x = _random((1, 11, 9, 2)).astype(np.float32)
    with pytest.raises(ValueError, match="dilation_rate"):
        keras.layers.Conv2D(3, 3, strides=2, dilation_rate=2)(x)
    cfg = {"x": x.astype(np.float64), "w": _random((3, 3, 2, 3), 1), "b": None,
           "stride": 2, "padding": "valid", "dilation": 2, "groups": 1}
    fw.check("conv2d", "tensorflow", "cpu", cfg)  # tf.nn.conv2d accepts it
    fw.check("conv2d", "torch", "cpu", cfg)
    fw.check("conv2d_naive", "torch", "cpu", cfg)


@pytest.mark.parametrize("padding", [2, (2, 2), ((2, 2), (2, 2))])
def test_padding_forms_agree(padding):
    x, w = _random((2, 5, 4, 3)), _random((3, 3, 3, 2), 1)
    explicit = conv2d(pad2d(x, 2), w)
    np.testing.assert_array_equal(conv2d(x, w, padding=padding), explicit)


@pytest.mark.parametrize("fn", [conv2d, conv2d_naive])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dtype_preserved(fn, dtype):
    x, w = _random((1, 5, 5, 2)).astype(dtype), _random((3, 3, 2, 2)).astype(dtype)
    assert fn(x, w, w[0, 0, 0], padding="same").dtype == dtype


@pytest.mark.parametrize("framework, device", fw.FRAMEWORK_DEVICES)
def test_float32_against_frameworks(framework, device):
    """A VGG-like layer in float32: the stated float32 tolerance holds."""
    rng = np.random.default_rng(3)
    cfg = {"x": rng.standard_normal((2, 14, 14, 16), dtype=np.float32),
           "w": rng.standard_normal((3, 3, 16, 8), dtype=np.float32),
           "b": rng.standard_normal(8, dtype=np.float32),
           "stride": 1, "padding": "same", "dilation": 1, "groups": 1}
    check_with(framework, cfg, device)


@pytest.mark.parametrize("framework, device", fw.FRAMEWORK_DEVICES)
def test_depthwise(framework, device):
    """groups == channels: each channel convolved on its own."""
    cfg = {"x": _random((2, 7, 6, 4)), "w": _random((3, 3, 1, 8), 1),
           "b": _random(8, 2), "stride": 1, "padding": 1, "dilation": 1,
           "groups": 4}
    check_with(framework, cfg, device)
    check_with(framework, cfg, device, fn=conv2d_naive)
