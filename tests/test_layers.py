"""companion.layers against Keras/TensorFlow and PyTorch."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from frameworks import tf, tolerance, torch
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from companion import layers
from companion.layouts import dense_kernel_to_torch

TOL = tolerance(np.float64, fan_in=20)
FLOATS = hnp.arrays(np.float64, hnp.array_shapes(min_dims=1, max_dims=3, max_side=6),
                    elements=st.floats(-50, 50))


def test_dense_parameter_count_and_values():
    """784-500-10: 784*500 + 500 + 500*10 + 10 = 397,510 (article 001)."""
    import keras

    model = keras.Sequential([keras.Input((784,)), keras.layers.Dense(500),
                              keras.layers.Dense(10)])
    assert model.count_params() == 784 * 500 + 500 + 500 * 10 + 10 == 397_510
    rng = np.random.default_rng(0)
    x, w, b = rng.standard_normal((3, 20)), rng.standard_normal((20, 4)), \
        rng.standard_normal(4)
    layer = keras.layers.Dense(4)
    layer.build((None, 20))
    layer.set_weights([w, b])
    np.testing.assert_allclose(layers.dense(x, w, b), layer(x.astype(np.float32)),
                               **tolerance(np.float32, fan_in=20))
    linear = torch().nn.Linear(20, 4).double()
    with torch().no_grad():
        linear.weight.copy_(torch().from_numpy(dense_kernel_to_torch(w)))
        linear.bias.copy_(torch().from_numpy(b))
        np.testing.assert_allclose(layers.dense(x, w, b),
                                   linear(torch().from_numpy(x)).numpy(), **TOL)


@given(FLOATS)
def test_relu_and_leaky_relu(x):
    F = torch().nn.functional
    t = torch().from_numpy(x)
    np.testing.assert_array_equal(layers.relu(x), F.relu(t).numpy())
    # TF keeps alpha as a float32 attribute: 0.25 is exact in both precisions
    np.testing.assert_allclose(layers.leaky_relu(x, 0.25),
                               tf().nn.leaky_relu(x, alpha=0.25).numpy(), **TOL)
    np.testing.assert_allclose(layers.leaky_relu(x, 0.01),
                               F.leaky_relu(t, 0.01).numpy(), **TOL)


@given(FLOATS)
def test_sigmoid_and_softmax(x):
    t = torch().from_numpy(x)
    np.testing.assert_allclose(layers.sigmoid(x), torch().sigmoid(t).numpy(), **TOL)
    np.testing.assert_allclose(layers.softmax(x), tf().nn.softmax(x).numpy(), **TOL)
    np.testing.assert_allclose(layers.softmax(x, axis=0),
                               torch().softmax(t, dim=0).numpy(), **TOL)


def test_stable_at_extremes():
    x = np.array([-1000.0, -30.0, 0.0, 30.0, 1000.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow warnings
        s = layers.sigmoid(x)
        p = layers.softmax(np.array([1000.0, 1000.0, -1000.0]))
    np.testing.assert_allclose(s, [0, 1 / (1 + np.exp(30)), 0.5,
                                   1 / (1 + np.exp(-30)), 1], rtol=1e-12, atol=0)
    np.testing.assert_array_equal(p, [0.5, 0.5, 0.0])
    assert layers.sigmoid(np.float32([-100.0, 100.0])).dtype == np.float32


def test_dropout_is_inverted_like_both_frameworks():
    """Kept values are x / (1 - rate) in ours, TF (rate) and torch (p).

    The random streams differ, so the masks are recovered from the outputs
    and compared by statistics: about (1 - rate) of the values kept.
    """
    rate, x = 0.25, np.full((200, 100), 3.0)
    outs = {
        "ours": layers.dropout(x, rate, np.random.default_rng(0)),
        "tf": tf().nn.dropout(x, rate=rate, seed=1).numpy(),
        "torch": torch().nn.functional.dropout(torch().from_numpy(x), p=rate,
                                               training=True).numpy(),
    }
    for name, out in outs.items():
        kept = out != 0
        np.testing.assert_allclose(out[kept], 3.0 / (1 - rate), err_msg=name)
        assert abs(kept.mean() - (1 - rate)) < 0.02, name  # 20,000 draws
        assert abs(out.mean() - 3.0) < 0.1, name  # expectation preserved


def test_dropout_off_at_inference_and_rate_zero():
    x, rng = np.ones((4, 4)), np.random.default_rng(0)
    assert layers.dropout(x, 0.5, rng, training=False) is x
    np.testing.assert_array_equal(layers.dropout(x, 0.0, rng), x)
    out = layers.dropout(x.astype(np.float32), 0.5, rng)
    assert out.dtype == np.float32


def test_dropout_same_seed_same_mask():
    x = np.ones((10, 10))
    a = layers.dropout(x, 0.5, np.random.default_rng(7))
    b = layers.dropout(x, 0.5, np.random.default_rng(7))
    np.testing.assert_array_equal(a, b)


def test_flatten_matches_keras():
    import keras

    x = np.random.default_rng(0).standard_normal((2, 3, 4, 5))
    np.testing.assert_allclose(layers.flatten(x),
                               keras.layers.Flatten()(x.astype(np.float32)),
                               **tolerance(np.float32))
    assert layers.flatten(x).shape == (2, 60)


@pytest.mark.parametrize("fn", [layers.relu, layers.sigmoid, layers.softmax,
                                layers.flatten])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dtype_preserved(fn, dtype):
    assert fn(np.ones((2, 3), dtype)).dtype == dtype
