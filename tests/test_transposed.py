"""companion.transposed: the four forms agree with each other, with PyTorch's
``conv_transpose2d`` (int padding) and with TensorFlow/Keras (``"valid"`` /
``"same"``), through ``companion.cases.check``. float64 throughout; Keras
layers run in float32 with the tolerance rule of ``companion.cases``.
"""

from __future__ import annotations

import frameworks as fw
import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from inputs import pair as _pair
from inputs import random_array as _random

from companion.cases import transposed_kwargs
from companion.conv import conv2d
from companion.shapes import conv_transpose_crop, keras_equivalents, keras_same_to_torch
from companion.subpixel import pixel_shuffle
from companion.transposed import (
    conv_matrix,
    conv_transpose2d,
    conv_transpose2d_scatter,
    conv_transpose2d_zero_insert,
    phase_kernel,
)

FORMS = [conv_transpose2d, conv_transpose2d_scatter, conv_transpose2d_zero_insert]


@st.composite
def transpose_configs(draw, modes=("int", "valid", "same"), dilate=True):
    """A valid conv_transpose2d call, PyTorch or Keras meaning of padding."""
    mode = draw(st.sampled_from(modes))
    h, w = draw(st.integers(1, 12)), draw(st.integers(1, 12))
    kh, kw = draw(st.integers(1, 5)), draw(st.integers(1, 5))
    stride = draw(st.one_of(st.integers(1, 4), st.tuples(st.integers(1, 4),
                                                         st.integers(1, 4))))
    if mode == "int":
        dilation = draw(st.one_of(st.integers(1, 3), st.tuples(st.integers(1, 3),
                                                               st.integers(1, 3))))
        padding = draw(st.one_of(st.integers(0, 3), st.tuples(st.integers(0, 3),
                                                              st.integers(0, 3))))
        limit = [max(s, d) for s, d in zip(_pair(stride), _pair(dilation))]
        op = draw(st.one_of(st.none(), st.tuples(*(st.integers(0, m - 1)
                                                   for m in limit))))
    else:
        dilation = draw(st.integers(1, 3)) if stride == 1 and dilate else 1
        padding = mode
        op = draw(st.one_of(st.none(), st.tuples(
            *(st.integers(0, s - 1) for s in _pair(stride)))))
    try:
        for a, size in enumerate((h, w)):
            conv_transpose_crop(size, (kh, kw)[a], _pair(stride)[a],
                                _pair(padding)[a], None if op is None else op[a],
                                _pair(dilation)[a])
    except ValueError:
        assume(False)
    c_in, c_out = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    return {
        "x": rng.standard_normal((draw(st.integers(1, 3)), h, w, c_in)),
        "w": rng.standard_normal((kh, kw, c_out, c_in)),
        "b": draw(st.sampled_from([None, rng.standard_normal(c_out)])),
        "stride": stride, "padding": padding, "output_padding": op,
        "dilation": dilation,
    }


_kw = transposed_kwargs


def _tol(cfg):
    """The table's tolerance for ``conv_transpose2d`` on ``cfg``."""
    return fw.OPS["conv_transpose2d"].tol(cfg, "numpy", "cpu")


def keras_transpose(x, w, b, stride, padding, output_padding=None, dilation=1,
                    device="cpu"):
    """A Keras ``Conv2DTranspose`` layer holding our kernel, in float32."""
    import keras

    with fw.tf().device(fw.tf_device(device)):
        layer = keras.layers.Conv2DTranspose(
            w.shape[2], w.shape[:2], strides=stride, padding=padding,
            output_padding=output_padding, dilation_rate=dilation,
            use_bias=b is not None)
        layer.build(x.shape)
        layer.set_weights([w] if b is None else [w, b])
        return fw.tf_result(layer(x.astype(np.float32)), device)


# --- properties -------------------------------------------------------------

@given(transpose_configs(), st.sampled_from([np.float32, np.float64]))
def test_four_forms_agree(cfg, dtype):
    cfg = {k: v.astype(dtype) if isinstance(v, np.ndarray) else v
           for k, v in cfg.items()}
    scatter = conv_transpose2d_scatter(cfg["x"], cfg["w"], cfg["b"], **_kw(cfg))
    assert scatter.dtype == dtype
    for fn in (conv_transpose2d, conv_transpose2d_zero_insert):
        out = fn(cfg["x"], cfg["w"], cfg["b"], **_kw(cfg))
        assert out.shape == scatter.shape and out.dtype == dtype
        np.testing.assert_allclose(out, scatter, **_tol(cfg))


@pytest.mark.parametrize("device", fw.TORCH_DEVICES)
@given(cfg=transpose_configs(modes=("int",)))
def test_matches_torch(device, cfg):
    fw.check("conv_transpose2d", "torch", device, cfg)


@pytest.mark.parametrize("device", fw.TF_DEVICES)
@given(cfg=transpose_configs(modes=("valid", "same"), dilate=False))
def test_matches_tensorflow_keras_rules(device, cfg):
    """Keras' sizes and crop: TF's op on the size Keras would ask for.

    Undilated only: TF's CPU kernel refuses dilation (test_dilated_7x7).
    """
    fw.check("conv_transpose2d", "tensorflow", device, cfg)


@given(cfg=transpose_configs(modes=("int",)))
def test_conv_matrix_transpose_is_the_transposed_conv(cfg):
    """C.T @ y equals conv_transpose2d with the same w (read as HWIO for C)."""
    assume(cfg["x"].shape[1] * cfg["x"].shape[2] <= 64)
    y, w = cfg["x"][:1], cfg["w"]  # w (kh, kw, c_out, c_in) = HWIO of the conv
    ours = conv_transpose2d(y, w, **_kw(cfg))
    _, h, w_out, c = ours.shape
    C = conv_matrix((h, w_out, c), w, cfg["stride"], cfg["padding"], cfg["dilation"])
    assume(C.shape[0] == y.size)  # the conv of the output size gives y's size
    np.testing.assert_allclose((C.T @ y.ravel()).reshape(ours.shape), ours,
                               **_tol(cfg))


# --- the articles' worked examples -------------------------------------------

X2 = np.array([[1.0, 2.0], [3.0, 4.0]])[None, :, :, None]
W2 = np.array([[1.0, 10.0], [100.0, 1000.0]])[:, :, None, None]


@pytest.mark.parametrize("fn", FORMS)
def test_2x2_input_2x2_kernel(fn):
    """Article 000: each input pixel stamps a scaled kernel; overlaps add."""
    # stride 1: 3x3. full[y, x] = sum of x[i, j] * w[y - i, x - j]
    stride1 = np.array([[1, 10 + 2, 20],
                        [100 + 3, 1000 + 200 + 30 + 4, 2000 + 40],
                        [300, 3000 + 400, 4000]], dtype=float)
    np.testing.assert_array_equal(fn(X2, W2)[0, :, :, 0], stride1)
    # stride 2: 4x4, the four stamps side by side
    stride2 = np.block([[1 * W2[:, :, 0, 0], 2 * W2[:, :, 0, 0]],
                        [3 * W2[:, :, 0, 0], 4 * W2[:, :, 0, 0]]])
    np.testing.assert_array_equal(fn(X2, W2, stride=2)[0, :, :, 0], stride2)


@pytest.mark.parametrize("framework, device", fw.FRAMEWORK_DEVICES)
@pytest.mark.parametrize("stride", [1, 2])
def test_2x2_matches_frameworks(framework, device, stride):
    cfg = {"x": X2, "w": W2, "b": None, "stride": stride, "padding": 0,
           "output_padding": None, "dilation": 1}
    fw.check("conv_transpose2d", framework, device, cfg)


@pytest.mark.parametrize("padding", ["valid", "same"])
def test_article_4x4_conv_then_transpose(padding):
    """Article 001: conv of ones(4, 4) by [1, 0, -1, -2] (2x2, stride 2), back."""
    img = np.ones((1, 4, 4, 1))
    filt = np.array([1.0, 0, -1, -2]).reshape(2, 2, 1, 1)
    y = conv2d(img, filt, stride=2, padding=padding)  # all -2, 2x2
    back = conv_transpose2d(y, filt, stride=2, padding=padding)
    # each 2x2 block is -2 * [[1, 0], [-1, -2]] = [[-2, 0], [2, 4]]
    np.testing.assert_array_equal(back[0, :, :, 0],
                                  np.tile([[-2.0, 0.0], [2.0, 4.0]], (2, 2)))
    theirs = fw.tf().nn.conv2d_transpose(y, filt, (1, 4, 4, 1), 2, padding.upper())
    np.testing.assert_array_equal(back, theirs.numpy())


@pytest.mark.parametrize("framework, device", fw.FRAMEWORK_DEVICES)
@pytest.mark.parametrize("k, expected", [(2, 9), (3, 11)])
def test_dilated_7x7(framework, device, k, expected):
    """Article 002 with 3 channels: dilation 2 gives 9x9 (k=2) and 11x11 (k=3).

    TensorFlow's CPU kernel refuses dilated transposed convolutions; there we
    assert the refusal (the scatter loop and the torch cases check the values).
    """
    x, w, b = _random((1, 7, 7, 3)), _random((k, k, 2, 3), 1), _random(2, 2)
    ours = conv_transpose2d(x, w, b, padding="valid", dilation=2)
    assert ours.shape == (1, expected, expected, 2)
    np.testing.assert_allclose(ours, conv_transpose2d_scatter(
        x, w, b, padding="valid", dilation=2), **fw.tolerance(np.float64))
    cfg = {"x": x, "w": w, "b": b, "stride": 1, "padding": 0,
           "output_padding": None, "dilation": 2}
    if framework == "torch":
        fw.check("conv_transpose2d", "torch", device, cfg)
    elif device == "cpu" or fw.pretend_gpu():  # pretend-GPU: the "GPU" is that CPU
        with pytest.raises(Exception, match="dilation rates larger than 1"):
            keras_transpose(x, w, b, 1, "valid", dilation=2, device=device)
    else:
        np.testing.assert_allclose(
            ours, keras_transpose(x, w, b, 1, "valid", dilation=2, device=device),
            **fw.tolerance(np.float32, fan_in=k * k * 3))


@pytest.mark.parametrize("device", fw.TF_DEVICES)
def test_strides_2_gives_14(device):
    x, w, b = _random((1, 7, 7, 3)), _random((2, 2, 2, 3), 1), _random(2, 2)
    ours = conv_transpose2d(x, w, b, stride=2, padding="valid")
    assert ours.shape == (1, 14, 14, 2)
    np.testing.assert_allclose(ours, keras_transpose(x, w, b, 2, "valid",
                                                     device=device),
                               **fw.tolerance(np.float32, fan_in=12))


@pytest.mark.parametrize("device", fw.TF_DEVICES)
@pytest.mark.parametrize("padding", ["valid", "same"])
@pytest.mark.parametrize("k, op", [(2, None), (3, None), (4, None), (3, 0),
                                   (3, 1), (2, 1), (4, 1)])
def test_keras_four_cases(device, padding, k, op):
    """valid/same x output_padding None/int against a Keras layer, stride 2."""
    x, w, b = _random((2, 5, 4, 3)), _random((k, k, 2, 3), 1), _random(2, 2)
    ours = conv_transpose2d(x, w, b, stride=2, padding=padding, output_padding=op)
    theirs = keras_transpose(x, w, b, 2, padding, op, device=device)
    assert ours.shape == theirs.shape
    tol = fw.tolerance(np.float32, fan_in=k * k * 3)
    np.testing.assert_allclose(ours, theirs, **tol)


# --- porting Keras "same" to PyTorch -------------------------------------------

def _torch_t(x, w, stride, padding, output_padding):
    F = fw.torch().nn.functional
    wt = fw.to_torch(w, layout="transposed")
    return fw.from_torch(F.conv_transpose2d(fw.to_torch(x), wt,
                                         stride=stride, padding=padding,
                                         output_padding=output_padding))


def test_common_port_of_k3_s2_is_shifted():
    """padding=1, output_padding=1: Keras' shape, values one pixel off."""
    x, w = _random((1, 5, 5, 2)), _random((3, 3, 2, 2), 1)
    keras_same = keras_transpose(x, w, None, 2, "same")
    naive_port = _torch_t(x, w, 2, 1, 1)
    assert naive_port.shape == keras_same.shape == (1, 10, 10, 2)
    assert not np.allclose(naive_port, keras_same, atol=1e-3)
    tol = fw.tolerance(np.float32, fan_in=18)
    np.testing.assert_allclose(naive_port[:, :-1, :-1], keras_same[:, 1:, 1:], **tol)
    # the correct port: padding (K - s - 1)/2 = 0, then drop the last row/col
    assert keras_same_to_torch(3, 2) == (0, 0, 1)
    np.testing.assert_allclose(_torch_t(x, w, 2, 0, 0)[:, :-1, :-1], keras_same,
                               **tol)
    assert keras_equivalents(5, 3, 2, 1, 1) == []  # no Keras mode is that port


@pytest.mark.parametrize("k, s", [(k, s) for k in range(1, 6) for s in range(1, 5)])
def test_keras_same_to_torch_port(k, s):
    """Every kernel/stride: the returned port reproduces Keras "same"."""
    x, w = _random((1, 4, 3, 1)), _random((k, k, 1, 1), 1)
    keras_same = keras_transpose(x, w, None, s, "same")
    p, op, crop = keras_same_to_torch(k, s)
    port = _torch_t(x, w, s, p, op)
    port = port[:, :port.shape[1] - crop, :port.shape[2] - crop]
    tol = fw.tolerance(np.float32, fan_in=k * k)
    np.testing.assert_allclose(port, keras_same, **tol)
    np.testing.assert_allclose(conv_transpose2d(x, w, stride=s, padding="same"),
                               keras_same, **tol)
    if (k, s) == (4, 2):
        assert (p, op, crop) == (1, 0, 0)
    if k < s:
        assert (p, op, crop) == (0, s - k, 0)


# --- framework limits ----------------------------------------------------------

def test_output_padding_limit_in_ours_and_torch():
    F = fw.torch().nn.functional
    x, w = _random((1, 3, 3, 1)), _random((3, 3, 1, 1), 1)
    with pytest.raises(ValueError, match="output_padding"):
        conv_transpose2d(x, w, stride=2, output_padding=2)
    with pytest.raises(RuntimeError, match="output padding"):
        F.conv_transpose2d(fw.to_torch(x), fw.to_torch(w, layout="transposed"),
                           stride=2, output_padding=2)
    # dilation also allows it: output_padding < max(s, d)
    cfg = {"x": x, "w": w, "b": None, "stride": 1, "padding": 0,
           "output_padding": 1, "dilation": 2}
    fw.check("conv_transpose2d", "torch", "cpu", cfg)


def test_keras_output_padding_limit():
    import keras

    with pytest.raises(ValueError, match="output_padding"):
        keras.layers.Conv2DTranspose(1, 3, strides=2, output_padding=2)
    with pytest.raises(ValueError, match="output_padding"):
        conv_transpose2d(_random((1, 3, 3, 1)), _random((3, 3, 1, 1)), stride=2,
                         padding="valid", output_padding=2)


def test_keras_conv2d_transpose_has_no_groups():
    import keras

    with pytest.raises((TypeError, ValueError), match="groups"):
        keras.layers.Conv2DTranspose(4, 3, groups=2)
    with pytest.raises(TypeError, match="groups"):
        conv_transpose2d(_random((1, 3, 3, 4)), _random((3, 3, 4, 4)), groups=2)


def test_transpose_is_not_an_inverse():
    """C.T C x has the shape of x, not its values (article 002 erratum)."""
    x, w = _random((5, 5, 1)), _random((3, 3, 1, 1), 1)
    C = conv_matrix(x.shape, w, stride=2)
    back = C.T @ (C @ x.ravel())
    assert back.shape == (25,)
    assert not np.allclose(back, x.ravel())
    np.testing.assert_allclose(C @ x.ravel(), conv2d(x[None], w, stride=2).ravel(),
                               **fw.tolerance(np.float64))


def test_crop_runs_past_the_full_scatter():
    """K < s: the output is longer than the scatter; the tail is zero."""
    x, w = np.ones((1, 2, 1, 1)), np.ones((1, 1, 1, 1))
    out = conv_transpose2d(x, w, stride=3, padding="valid")  # 2*3 + 0 = 6 rows
    np.testing.assert_array_equal(out[0, :, 0, 0], [1, 0, 0, 1, 0, 0])
    for fn in FORMS[1:]:
        np.testing.assert_array_equal(fn(x, w, stride=3, padding="valid"), out)


@given(x_hw=st.tuples(st.integers(1, 9), st.integers(1, 9)),
       k=st.tuples(st.integers(1, 5), st.integers(1, 5)),
       s=st.integers(1, 4),
       channels=st.tuples(st.integers(1, 3), st.integers(1, 3)))
def test_phase_kernel_is_a_convolution_then_a_pixel_shuffle(x_hw, k, s, channels):
    """Sub-pixel form: conv2d with the phase kernel, then depth-to-space, is
    the uncropped scatter, followed by zeros up to a multiple of the stride."""
    (sh, sw), (c_in, c_out), stride = (s, s), channels, s
    x, w = _random((1, *x_hw, c_in)), _random((*k, c_out, c_in), 1)
    kernel = phase_kernel(w, stride)
    th, tw = -(-k[0] // sh), -(-k[1] // sw)
    assert kernel.shape == (th, tw, c_in, sh * sw * c_out)
    y = pixel_shuffle(conv2d(x, kernel, padding=((th - 1,) * 2, (tw - 1,) * 2)),
                      sh)
    full = conv_transpose2d_scatter(x, w, stride=stride, padding=0)
    fh, fwd = full.shape[1:3]
    assert y.shape[1:3] == ((x_hw[0] + th - 1) * sh, (x_hw[1] + tw - 1) * sw)
    np.testing.assert_allclose(y[:, :fh, :fwd], full, **fw.tolerance(np.float64))
    assert not y[:, fh:].any() and not y[:, :, fwd:].any()


def test_phase_kernel_of_the_article_kernel():
    """Hand check: stride 2, 4x4 kernel -> four 2x2 phase kernels, each the
    rows and columns of one parity, rotated by 180 degrees."""
    w = np.arange(16.0).reshape(4, 4, 1, 1)
    kernel = phase_kernel(w, 2)
    for a in range(2):
        for b in range(2):
            np.testing.assert_array_equal(kernel[:, :, 0, 2 * a + b],
                                          w[a::2, b::2, 0, 0][::-1, ::-1])
