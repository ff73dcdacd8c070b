"""companion.pooling against its loops, TensorFlow and PyTorch, pitfalls included.

Pooling has no products, so float64 comparisons are exact up to the average's
one division (``tolerance(float64)``).
"""

from __future__ import annotations

import frameworks as fw
import numpy as np
import pytest
from hypothesis import event, given
from hypothesis import strategies as st
from inputs import pair as _pair

from companion.cases import pool_kwargs, torch_native_padding
from companion.pooling import (
    avg_pool2d,
    avg_pool2d_naive,
    avg_unpool2d,
    indices_from_tf,
    indices_from_torch,
    indices_to_tf,
    indices_to_torch,
    max_pool2d,
    max_pool2d_naive,
    max_unpool2d,
)

TOL = fw.tolerance(np.float64)


@st.composite
def pool_configs(draw, paddings=("valid", "same", "int"), ties=False):
    pool = draw(st.one_of(st.integers(1, 4), st.tuples(st.integers(1, 4),
                                                       st.integers(1, 4))))
    stride = draw(st.one_of(st.none(), st.integers(1, 4),
                            st.tuples(st.integers(1, 4), st.integers(1, 4))))
    kind = draw(st.sampled_from(paddings))
    padding = kind
    if kind == "int":  # smaller than the pool on each side
        padding = tuple(draw(st.integers(0, p - 1)) for p in _pair(pool))
    smallest = [1 if kind == "same" else max(1, p - 2 * (padding[a] if kind == "int"
                                                          else 0))
                for a, p in enumerate(_pair(pool))]
    h, w = (draw(st.integers(s, 20)) for s in smallest)
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    shape = (draw(st.integers(1, 3)), h, w, draw(st.integers(1, 6)))
    # ties: a few distinct values, so windows often hold several maxima
    x = rng.integers(0, 3, shape).astype(float) if ties else rng.standard_normal(shape)
    return {"x": x, "pool_size": pool, "stride": stride, "padding": padding}


_kw = pool_kwargs


def _tf_args(cfg):
    pool = _pair(cfg["pool_size"])
    stride = pool if cfg["stride"] is None else _pair(cfg["stride"])
    return pool, stride, cfg["padding"].upper()


def check_with(framework, cfg, device="cpu"):
    """max pooling, its indices (PyTorch: the route of
    ``companion.cases``: its own padding where it takes it, symmetric and at
    most half the window, else an input padded with -inf and the indices moved
    back) and average pooling (PyTorch: ``count_include_pad=False``, or zero
    padding divided by the count of real cells), through
    ``companion.cases.check``. Each call records PyTorch's route as an event."""
    ops = ["max_pool2d", "avg_pool2d"]
    if framework == "torch":
        ops.append("max_pool2d indices")
        event("torch: own padding" if torch_native_padding(cfg) is not None
              else "torch: explicit padding")
    for op in ops:
        fw.check(op, framework, device, cfg)


# --- properties -------------------------------------------------------------

@given(pool_configs(ties=True) | pool_configs())
def test_fast_equals_naive(cfg):
    out, idx = max_pool2d(cfg["x"], **_kw(cfg), return_indices=True)
    ref, ref_idx = max_pool2d_naive(cfg["x"], **_kw(cfg), return_indices=True)
    np.testing.assert_array_equal(out, ref)
    np.testing.assert_array_equal(idx, ref_idx)  # ties: the first maximum
    assert idx.dtype == np.int64
    np.testing.assert_allclose(avg_pool2d(cfg["x"], **_kw(cfg)),
                               avg_pool2d_naive(cfg["x"], **_kw(cfg)), **TOL)


@pytest.mark.parametrize("device", fw.TF_DEVICES)
@given(cfg=pool_configs(paddings=("valid", "same")))
def test_matches_tensorflow(device, cfg):
    check_with("tensorflow", cfg, device)


@pytest.mark.parametrize("device", fw.TORCH_DEVICES)
@given(cfg=pool_configs())
def test_matches_torch(device, cfg):
    check_with("torch", cfg, device)


@given(pool_configs(paddings=("valid", "same"), ties=True))
def test_argmax_matches_tf_max_pool_with_argmax(cfg):
    """Indices, both include_batch settings, ties included."""
    pool, stride, padding = _tf_args(cfg)
    x = cfg["x"]
    ours_max, ours = max_pool2d(x, **_kw(cfg), return_indices=True)
    for batch in (False, True):
        values, argmax = fw.tf().nn.max_pool_with_argmax(
            fw.tf().constant(x), pool, stride, padding, include_batch_in_index=batch)
        np.testing.assert_array_equal(ours_max, values.numpy())
        np.testing.assert_array_equal(indices_to_tf(ours, x.shape, batch),
                                      argmax.numpy())
        np.testing.assert_array_equal(indices_from_tf(argmax.numpy(), x.shape,
                                                      batch), ours)


@given(pool_configs(paddings=("valid",)))
def test_max_unpool_matches_torch(cfg):
    F = fw.torch().nn.functional
    pool, stride = _pair(cfg["pool_size"]), cfg["stride"]
    stride = pool if stride is None else _pair(stride)
    out, idx = max_pool2d(cfg["x"], **_kw(cfg), return_indices=True)
    size = cfg["x"].shape[1:3]
    t_out, t_idx = F.max_pool2d(fw.to_torch(cfg["x"]), pool, stride,
                                return_indices=True)
    theirs = F.max_unpool2d(t_out, t_idx, pool, stride, output_size=size)
    np.testing.assert_array_equal(max_unpool2d(out, idx, size), fw.from_torch(theirs))


# --- hand-picked cases and pitfalls ---------------------------------------------

def test_hand_example():
    x = np.array([[1., 3., 2., 0.],
                  [4., 0., 5., 1.],
                  [6., 8., 7., 2.]])[None, :, :, None]
    out, idx = max_pool2d(x, 2, padding="same", return_indices=True)
    # windows: rows 0-1 and 2 (row 3 is padding), columns 0-1 and 2-3
    np.testing.assert_array_equal(out[0, :, :, 0], [[4, 5], [8, 7]])
    np.testing.assert_array_equal(idx[0, :, :, 0], [[1 * 4 + 0, 1 * 4 + 2],
                                                    [2 * 4 + 1, 2 * 4 + 2]])
    avg = avg_pool2d(x, 2, padding="same")[0, :, :, 0]
    # (1+3+4+0)/4, (2+0+5+1)/4, (6+8)/2, (7+2)/2: padded cells are not counted
    np.testing.assert_array_equal(avg, [[2, 2], [7, 4.5]])


def test_ties_take_the_first_maximum_like_both_frameworks():
    F = fw.torch().nn.functional
    x = np.ones((1, 4, 4, 2))
    _, idx = max_pool2d(x, 2, return_indices=True)
    np.testing.assert_array_equal(idx[0, :, :, 0], [[0, 2], [8, 10]])  # top-left
    _, t_idx = F.max_pool2d(fw.to_torch(x), 2, return_indices=True)
    np.testing.assert_array_equal(indices_from_torch(t_idx.numpy()), idx)
    _, argmax = fw.tf().nn.max_pool_with_argmax(x, 2, 2, "VALID")
    np.testing.assert_array_equal(indices_from_tf(argmax.numpy(), x.shape), idx)


@pytest.mark.parametrize("framework, device", fw.FRAMEWORK_DEVICES)
def test_avg_padding_differs_from_torch_default(framework, device):
    """TF never counts padded zeros; torch's count_include_pad=True does."""
    F = fw.torch().nn.functional
    x = np.random.default_rng(0).standard_normal((1, 5, 5, 2)) + 3
    ours = avg_pool2d(x, 3, 1, padding="same")  # pads 1 on every side
    if framework == "tensorflow":
        with fw.tf().device(fw.tf_device(device)):
            np.testing.assert_allclose(ours, fw.tf_result(fw.tf().nn.avg_pool2d(
                fw.tf().constant(x), 3, 1, "SAME"), device), **TOL)
        return
    counted = fw.from_torch(F.avg_pool2d(fw.to_torch(x, device), 3, 1, padding=1),
                         device=device)
    assert not np.allclose(counted, ours)
    np.testing.assert_allclose(counted[:, 1:-1, 1:-1], ours[:, 1:-1, 1:-1], **TOL)
    not_counted = fw.from_torch(F.avg_pool2d(fw.to_torch(x, device), 3, 1, padding=1,
                                          count_include_pad=False), device=device)
    np.testing.assert_allclose(not_counted, ours, **TOL)


def test_ceil_mode_is_not_same():
    F = fw.torch().nn.functional
    x = np.random.default_rng(0).standard_normal((1, 5, 5, 1))
    ceil = F.max_pool2d(fw.to_torch(x), 3, 2, ceil_mode=True)
    ours = max_pool2d(x, 3, 2, padding="same")
    assert ceil.shape[2] == 2 and ours.shape[1] == 3  # 2 outputs vs ceil(5/2)


def test_torch_index_is_tf_index_floordiv_c():
    F = fw.torch().nn.functional
    x = np.random.default_rng(1).standard_normal((2, 6, 4, 3))
    _, argmax = fw.tf().nn.max_pool_with_argmax(x, 2, 2, "VALID")
    _, t_idx = F.max_pool2d(fw.to_torch(x), 2, return_indices=True)
    np.testing.assert_array_equal(indices_from_torch(t_idx.numpy()),
                                  argmax.numpy() // 3)
    # and with include_batch_in_index: ((b*H + y)*W + x)*C + c
    _, with_batch = fw.tf().nn.max_pool_with_argmax(x, 2, 2, "VALID",
                                                 include_batch_in_index=True)
    batch = np.arange(2)[:, None, None, None]
    np.testing.assert_array_equal(with_batch.numpy() - batch * 6 * 4 * 3,
                                  argmax.numpy())
    np.testing.assert_array_equal(indices_to_torch(indices_from_torch(t_idx.numpy())),
                                  t_idx.numpy())


def test_tf_unpool_needs_update_not_scatter_nd():
    """Overlapping windows (3x3, stride 1) share maxima: scatter_nd adds them."""
    x = np.random.default_rng(2).standard_normal((1, 5, 5, 1))
    out, idx = max_pool2d(x, 3, 1, return_indices=True)
    ours = max_unpool2d(out, idx, (5, 5))
    _, argmax = fw.tf().nn.max_pool_with_argmax(x, 3, 1, "VALID",
                                             include_batch_in_index=True)
    flat_idx = fw.tf().reshape(argmax, (-1, 1))
    updates = fw.tf().reshape(fw.tf().constant(out), (-1,))
    updated = fw.tf().tensor_scatter_nd_update(fw.tf().zeros(25, fw.tf().float64),
                                               flat_idx, updates)
    np.testing.assert_array_equal(ours.ravel(), updated.numpy())
    summed = fw.tf().scatter_nd(flat_idx, updates, (25,)).numpy()
    assert len(np.unique(idx)) < idx.size  # some maximum is shared...
    assert not np.allclose(summed, ours.ravel())  # ...and scatter_nd adds it up


def test_torch_max_unpool_needs_output_size_for_odd_sizes():
    F = fw.torch().nn.functional
    x = np.random.default_rng(3).standard_normal((1, 5, 5, 2))
    out, idx = max_pool2d(x, 2, return_indices=True)
    t_out, t_idx = F.max_pool2d(fw.to_torch(x), 2, return_indices=True)
    with pytest.raises(RuntimeError, match="invalid max index"):
        F.max_unpool2d(t_out, t_idx, 2)  # guesses 4x4: row 4 is out of range
    theirs = F.max_unpool2d(t_out, t_idx, 2, output_size=(5, 5))
    np.testing.assert_array_equal(max_unpool2d(out, idx, (5, 5)), fw.from_torch(theirs))


@pytest.mark.parametrize("framework, device", fw.FRAMEWORK_DEVICES)
def test_avg_unpool_is_upsampling_nearest(framework, device):
    """The article's "unsampling": Keras UpSampling2D, torch nearest."""
    import keras

    F = fw.torch().nn.functional
    x = np.random.default_rng(4).standard_normal((2, 3, 5, 2))
    ours = avg_unpool2d(x, (2, 3))
    assert ours.shape == (2, 6, 15, 2)
    if framework == "tensorflow":
        with fw.tf().device(fw.tf_device(device)):
            keras_up = fw.tf_result(keras.layers.UpSampling2D((2, 3))(
                x.astype(np.float32)), device)
        np.testing.assert_allclose(ours, keras_up, **fw.tolerance(np.float32))
        return
    torch_up = F.interpolate(fw.to_torch(x, device), scale_factor=(2, 3),
                             mode="nearest")
    np.testing.assert_array_equal(ours, fw.from_torch(torch_up, device=device))


@pytest.mark.parametrize("fn", [max_pool2d, max_pool2d_naive, avg_pool2d,
                                avg_pool2d_naive])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dtype_preserved(fn, dtype):
    x = np.random.default_rng(5).standard_normal((1, 5, 5, 2)).astype(dtype)
    assert fn(x, 2, padding="same").dtype == dtype


def test_float32_against_tf():
    cfg = {"x": np.random.default_rng(6).standard_normal((2, 9, 7, 3),
                                                         dtype=np.float32),
           "pool_size": 3, "stride": 2, "padding": "same"}
    check_with("tensorflow", cfg)
