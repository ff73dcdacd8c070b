"""companion.backward against tf.GradientTape, torch.autograd, finite
differences, and the transposed convolution it equals. float64 throughout.
"""

from __future__ import annotations

import numpy as np
import pytest
from frameworks import (
    TF_DEVICES,
    TORCH_DEVICES,
    from_torch,
    on_real_gpu,
    tf,
    tf_device,
    tf_result,
    to_torch,
    tolerance,
    torch,
)
from hypothesis import assume, event, given
from hypothesis import strategies as st
from inputs import pair as _pair
from test_conv import conv_configs, torch_conv2d
from test_pooling import pool_configs

from companion.backward import conv2d_backward, max_pool2d_backward
from companion.conv import conv2d
from companion.pooling import max_pool2d
from companion.shapes import conv_output_size, effective_kernel, resolve_padding2d
from companion.transposed import conv_transpose2d

TOL = tolerance(np.float64, fan_in=100)


def _kw(cfg):
    return {k: cfg[k] for k in ("stride", "padding", "dilation", "groups")}


def _dout(cfg, seed=1):
    out = conv2d(cfg["x"], cfg["w"], **_kw(cfg))
    return np.random.default_rng(seed).standard_normal(out.shape)


def torch_grads(cfg, dout, device="cpu"):
    """dx, dw, db from torch.autograd of sum(conv2d(x, w, b) * dout)."""
    F = torch().nn.functional
    x = to_torch(cfg["x"], device).requires_grad_(True)
    w = to_torch(cfg["w"], device, "conv").requires_grad_(True)
    b = torch().zeros(cfg["w"].shape[3], dtype=w.dtype, device=w.device,
                      requires_grad=True)
    stride, dilation = _pair(cfg["stride"]), _pair(cfg["dilation"])
    (t, bt), (l, r) = resolve_padding2d(cfg["padding"], cfg["x"].shape[1:3],
                                        cfg["w"].shape[:2], stride, dilation)
    y = F.conv2d(F.pad(x, (l, r, t, bt)), w, b, stride=stride, dilation=dilation,
                 groups=cfg["groups"])
    (y * to_torch(dout, device)).sum().backward()
    return (from_torch(x.grad, device=device),
            from_torch(w.grad, "none", device).transpose(2, 3, 1, 0),
            from_torch(b.grad, "none", device))


def tf_route(cfg, device="cpu"):
    """Which TensorFlow graph ``tf_grads`` builds for ``cfg`` (a label)."""
    stride, dilation = _pair(cfg["stride"]), _pair(cfg["dilation"])
    if on_real_gpu(device) or (cfg["groups"] == 1 and dilation == (1, 1)):
        return "tf.nn.conv2d"
    return ("CPU graph" + (", per-group split" if cfg["groups"] > 1 else "")
            + (", dilated" if dilation != (1, 1) else "")
            + (", stride by sampling" if dilation != (1, 1) and stride != (1, 1)
               else ""))


def tf_grads(cfg, dout, device="cpu"):
    """dx, dw, db from tf.GradientTape, for every configuration.

    On the GPU, TensorFlow's own ``tf.nn.conv2d`` takes every case (a grouped
    kernel is one with ``c_in / groups`` input channels). TensorFlow's CPU kernels
    have no gradient for grouped or dilated ``conv2d``, so there the graph is
    built from ops that have one, each still TensorFlow's: one convolution per
    group on ``tf.split`` slices, joined by ``tf.concat``; dilation through
    ``tf.nn.convolution`` (space-to-batch); a stride with a dilation (which
    ``tf.nn.convolution`` refuses) as the stride-1 output sampled every
    ``stride`` pixels, on an input padded explicitly with ``tf.pad``.
    ``tf_route`` names the route; the property records it with
    ``hypothesis.event`` (``--hypothesis-show-statistics`` lists the shares).
    """
    stride, dilation = _pair(cfg["stride"]), _pair(cfg["dilation"])
    groups, padding = cfg["groups"], cfg["padding"]
    x, w = tf().Variable(cfg["x"]), tf().Variable(cfg["w"])
    b = tf().Variable(np.zeros(cfg["w"].shape[3]))
    native = on_real_gpu(device) or (groups == 1 and dilation == (1, 1))
    strided_dilation = not native and dilation != (1, 1) and stride != (1, 1)
    with tf().device(tf_device(device)), tf().GradientTape() as tape:
        if isinstance(padding, str) and not strided_dilation:
            xp, tf_padding = x, padding.upper()
        else:
            pads = resolve_padding2d(padding, cfg["x"].shape[1:3],
                                     cfg["w"].shape[:2], stride, dilation)
            xp = tf().pad(x, [[0, 0], list(pads[0]), list(pads[1]), [0, 0]])
            tf_padding = "VALID"
        if native:
            y = tf().nn.conv2d(xp, w, stride, tf_padding, dilations=dilation)
        else:
            step = (1, 1) if strided_dilation else stride
            y = tf().concat(
                [tf().nn.convolution(xg, wg, step, tf_padding, dilations=dilation)
                 for xg, wg in zip(tf().split(xp, groups, axis=3),
                                   tf().split(w, groups, axis=3))], axis=3)
            if strided_dilation:
                y = y[:, ::stride[0], ::stride[1], :]
        loss = tf().reduce_sum((y + b) * dout)
    return [tf_result(g, device) for g in tape.gradient(loss, [x, w, b])]


def check_grads(ours, theirs):
    for mine, ref, name in zip(ours, theirs, ("dx", "dw", "db")):
        assert mine.shape == ref.shape, name
        np.testing.assert_allclose(mine, ref, **TOL, err_msg=name)


# --- properties -------------------------------------------------------------

@pytest.mark.parametrize("device", TORCH_DEVICES)
@given(cfg=conv_configs())
def test_matches_torch_autograd(device, cfg):
    dout = _dout(cfg)
    check_grads(conv2d_backward(dout, cfg["x"], cfg["w"], **_kw(cfg)),
                torch_grads(cfg, dout, device))


@pytest.mark.parametrize("device", TF_DEVICES)
@given(cfg=conv_configs())
def test_matches_tf_gradient_tape(device, cfg):
    """Every draw, grouped and dilated ones included, is checked against
    TensorFlow's gradient (see ``tf_grads`` for the CPU route)."""
    event(f"TensorFlow route: {tf_route(cfg, device)}")
    dout = _dout(cfg)
    check_grads(conv2d_backward(dout, cfg["x"], cfg["w"], **_kw(cfg)),
                tf_grads(cfg, dout, device))


def test_tf_gradient_routes_reach_tensorflow():
    """The CPU routes of ``tf_grads`` are TensorFlow's gradients: grouped,
    dilated, and dilated with a stride, each against torch.autograd and ours."""
    rng = np.random.default_rng(3)
    cases = [dict(groups=3, dilation=1, stride=1, padding="same"),
             dict(groups=1, dilation=(2, 3), stride=1, padding="valid"),
             dict(groups=2, dilation=2, stride=(2, 3), padding="same"),
             dict(groups=1, dilation=3, stride=2, padding=((1, 2), (0, 3)))]
    for case in cases:
        g = case["groups"]
        cfg = dict(case, x=rng.standard_normal((2, 11, 12, 2 * g)),
                   w=rng.standard_normal((3, 2, 2, 2 * g)), b=None)
        dout = _dout(cfg)
        theirs = tf_grads(cfg, dout)
        check_grads(torch_grads(cfg, dout), theirs)
        check_grads(conv2d_backward(dout, cfg["x"], cfg["w"], **_kw(cfg)), theirs)


@given(cfg=conv_configs(max_groups=1), p=st.integers(0, 3))
def test_dx_is_transposed_conv(cfg, p):
    """Symmetric int padding p: dx = conv_transpose2d(dout, w, output_padding=
    h - ((oh - 1)s - 2p + K)), the same array w read as (kh, kw, c_out, c_in)."""
    cfg = dict(cfg, padding=p)
    x, w = cfg["x"], cfg["w"]
    stride, dilation = _pair(cfg["stride"]), _pair(cfg["dilation"])
    k_eff = [effective_kernel(w.shape[a], dilation[a]) for a in range(2)]
    assume(all(x.shape[1 + a] + 2 * p >= k_eff[a] for a in range(2)))
    out = [conv_output_size(x.shape[1 + a], w.shape[a], stride[a], p, dilation[a])
           for a in range(2)]
    op = tuple(x.shape[1 + a] - ((out[a] - 1) * stride[a] - 2 * p + k_eff[a])
               for a in range(2))
    assume(all(o < max(s, d) for o, s, d in zip(op, stride, dilation)))
    dout = _dout(cfg)
    dx = conv2d_backward(dout, x, w, **_kw(cfg))[0]
    ct = conv_transpose2d(dout, w, stride=stride, padding=p, output_padding=op,
                          dilation=dilation)
    np.testing.assert_allclose(dx, ct, **TOL)


@given(cfg=conv_configs(max_groups=1, max_dilation=1))
def test_dx_is_tf_conv2d_transpose(cfg):
    """TF's conv2d_transpose is conv2d_backprop_input: any padding, given x's shape.
    Undilated by construction: TF's CPU kernel refuses a dilation (the dilated
    input gradient is checked in ``test_matches_tf_gradient_tape``)."""
    x, w = cfg["x"], cfg["w"]
    padding = cfg["padding"]
    if not isinstance(padding, str):
        pads = resolve_padding2d(padding, x.shape[1:3], w.shape[:2])
        padding = [[0, 0], list(pads[0]), list(pads[1]), [0, 0]]
    dout = _dout(cfg)
    theirs = tf().nn.conv2d_transpose(
        dout, w, x.shape, _pair(cfg["stride"]),
        padding.upper() if isinstance(padding, str) else padding)
    np.testing.assert_allclose(conv2d_backward(dout, x, w, **_kw(cfg))[0],
                               theirs.numpy(), **TOL)


@given(cfg=pool_configs(ties=True) | pool_configs())
def test_max_pool_backward_matches_torch(cfg):
    """Gradients go to the first maximum; shared maxima add (torch autograd)."""
    F = torch().nn.functional
    kw = {k: cfg[k] for k in ("pool_size", "stride", "padding")}
    out = max_pool2d(cfg["x"], **kw)
    dout = np.random.default_rng(0).standard_normal(out.shape)
    pool = _pair(cfg["pool_size"])
    stride = pool if cfg["stride"] is None else _pair(cfg["stride"])
    (t, b), (l, r) = resolve_padding2d(cfg["padding"], cfg["x"].shape[1:3], pool,
                                       stride)
    x = to_torch(cfg["x"]).requires_grad_(True)
    y = F.max_pool2d(F.pad(x, (l, r, t, b), value=-float("inf")), pool, stride)
    (y * to_torch(dout)).sum().backward()
    np.testing.assert_allclose(max_pool2d_backward(dout, cfg["x"], **kw),
                               from_torch(x.grad), **TOL)


@pytest.mark.parametrize("device", TF_DEVICES)
@given(cfg=pool_configs(paddings=("valid", "same")))
def test_max_pool_backward_matches_tf(device, cfg):
    kw = {k: cfg[k] for k in ("pool_size", "stride", "padding")}
    dout = np.random.default_rng(0).standard_normal(max_pool2d(cfg["x"], **kw).shape)
    pool = _pair(cfg["pool_size"])
    stride = pool if cfg["stride"] is None else _pair(cfg["stride"])
    x = tf().Variable(cfg["x"])
    with tf().device(tf_device(device)), tf().GradientTape() as tape:
        loss = tf().reduce_sum(
            tf().nn.max_pool2d(x, pool, stride, cfg["padding"].upper()) * dout)
    np.testing.assert_allclose(max_pool2d_backward(dout, cfg["x"], **kw),
                               tf_result(tape.gradient(loss, x), device), **TOL)


# --- hand-picked ----------------------------------------------------------------

def test_finite_differences():
    """Central differences of sum(conv2d * dout), independent of any framework."""
    rng = np.random.default_rng(0)
    x, w = rng.standard_normal((2, 5, 4, 2)), rng.standard_normal((3, 2, 2, 3))
    b = rng.standard_normal(3)
    kw = {"stride": 2, "padding": "same", "dilation": 1, "groups": 1}
    dout = rng.standard_normal(conv2d(x, w, b, **kw).shape)
    dx, dw, db = conv2d_backward(dout, x, w, **kw)
    eps = 1e-6

    def loss(x_, w_, b_):
        return np.sum(conv2d(x_, w_, b_, **kw) * dout)

    for grad, arr, args in ((dx, x, lambda a: (a, w, b)),
                            (dw, w, lambda a: (x, a, b)),
                            (db, b, lambda a: (x, w, a))):
        numeric = np.zeros_like(arr)
        for i in np.ndindex(arr.shape):
            plus, minus = arr.copy(), arr.copy()
            plus[i] += eps
            minus[i] -= eps
            numeric[i] = (loss(*args(plus)) - loss(*args(minus))) / (2 * eps)
        np.testing.assert_allclose(grad, numeric, rtol=1e-6, atol=1e-6)


def test_torch_output_padding_formula():
    """SEMANTICS: autograd == F.conv_transpose2d(g, W, s, p, output_padding=
    H_in - ((H_out - 1)s - 2p + K)); H=7, k=3, s=2, p=1: 7 - (2*3 - 2 + 3) = 0;
    H=8: 1."""
    F = torch().nn.functional
    rng = np.random.default_rng(0)
    w = rng.standard_normal((3, 3, 2, 4))
    for h, op in ((7, 0), (8, 1)):
        x = rng.standard_normal((1, h, h, 2))
        cfg = {"x": x, "w": w, "b": None, "stride": 2, "padding": 1, "dilation": 1,
               "groups": 1}
        assert torch_conv2d(cfg).shape[1] == 4
        dout = rng.standard_normal((1, 4, 4, 4))
        dx_autograd = torch_grads(cfg, dout)[0]
        dx_formula = from_torch(F.conv_transpose2d(
            to_torch(dout), to_torch(w, layout="conv"), stride=2, padding=1,
            output_padding=op))
        np.testing.assert_allclose(dx_formula, dx_autograd, **TOL)
        np.testing.assert_allclose(conv2d_backward(dout, x, w, stride=2, padding=1)[0],
                                   dx_autograd, **TOL)


def test_max_pool_backward_hand_example():
    x = np.array([[1., 3., 2.], [4., 0., 5.], [6., 8., 7.]])[None, :, :, None]
    dx = max_pool2d_backward(np.ones((1, 2, 2, 1)), x, 2, stride=1)
    # maxima: 4 at (1,0), 5 at (1,2), 8 at (2,1) twice (shared): added
    np.testing.assert_array_equal(dx[0, :, :, 0], [[0, 0, 0], [1, 0, 1], [0, 2, 0]])
