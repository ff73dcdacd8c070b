"""companion.layouts: round trips, and no flip (the converted kernels give the
framework the same convolution as ours)."""

from __future__ import annotations

import numpy as np
import pytest
from frameworks import from_torch, tolerance, torch
from hypothesis import given
from hypothesis import strategies as st

from companion import layouts
from companion.conv import conv2d
from companion.layers import dense, flatten
from companion.transposed import conv_transpose2d

TOL = tolerance(np.float64, fan_in=50)
SHAPES = st.tuples(*(st.integers(1, 5) for _ in range(4)))


@given(SHAPES)
def test_round_trips(shape):
    a = np.arange(np.prod(shape), dtype=np.float64).reshape(shape)
    for there, back in ((layouts.nhwc_to_nchw, layouts.nchw_to_nhwc),
                        (layouts.conv_kernel_to_torch, layouts.conv_kernel_from_torch),
                        (layouts.transposed_kernel_to_torch,
                         layouts.transposed_kernel_from_torch)):
        moved = there(a)
        assert moved.flags["C_CONTIGUOUS"]
        np.testing.assert_array_equal(back(moved), a)


def test_data_layout():
    x = np.arange(2 * 3 * 4 * 5.0).reshape(2, 3, 4, 5)  # (n, h, w, c)
    nchw = layouts.nhwc_to_nchw(x)
    assert nchw.shape == (2, 5, 3, 4)
    assert nchw[1, 4, 2, 3] == x[1, 2, 3, 4]


def test_kernel_index_map_has_no_flip():
    w = np.arange(3 * 2 * 4 * 5.0).reshape(3, 2, 4, 5)  # (kh, kw, c_in, c_out)
    t = layouts.conv_kernel_to_torch(w)
    assert t.shape == (5, 4, 3, 2)
    assert t[4, 3, 0, 1] == w[0, 1, 3, 4]  # torch_w[o, c, i, j] == w[i, j, c, o]


def test_conv_kernel_gives_torch_the_same_convolution():
    F = torch().nn.functional
    rng = np.random.default_rng(0)
    x, w = rng.standard_normal((2, 6, 5, 3)), rng.standard_normal((3, 2, 3, 4))
    ours = conv2d(x, w)
    theirs = from_torch(F.conv2d(torch().from_numpy(layouts.nhwc_to_nchw(x)),
                                 torch().from_numpy(layouts.conv_kernel_to_torch(w))))
    np.testing.assert_allclose(ours, theirs, **TOL)
    flipped = from_torch(F.conv2d(torch().from_numpy(layouts.nhwc_to_nchw(x)),
                                  torch().from_numpy(layouts.conv_kernel_to_torch(
                                      np.ascontiguousarray(w[::-1, ::-1])))))
    assert not np.allclose(flipped, ours)  # a flip would be wrong


def test_transposed_kernel_gives_torch_the_same_result():
    F = torch().nn.functional
    rng = np.random.default_rng(1)
    x, w = rng.standard_normal((2, 4, 3, 3)), rng.standard_normal((3, 3, 2, 3))
    ours = conv_transpose2d(x, w, stride=2)
    theirs = F.conv_transpose2d(torch().from_numpy(layouts.nhwc_to_nchw(x)),
                                torch().from_numpy(layouts.transposed_kernel_to_torch(w)),
                                stride=2)
    np.testing.assert_allclose(ours, from_torch(theirs), **TOL)
    # both kernel mappings are the same transpose
    np.testing.assert_array_equal(layouts.transposed_kernel_to_torch(w),
                                  layouts.conv_kernel_to_torch(w))


def test_dense_after_flatten_needs_the_flatten_order():
    """Keras flattens (h, w, c), PyTorch (c, h, w): reorder the dense rows."""
    rng = np.random.default_rng(2)
    x = rng.standard_normal((2, 3, 4, 5))  # NHWC feature map
    w = rng.standard_normal((60, 7))       # Keras Dense kernel after Flatten
    ours = dense(flatten(x), w)
    linear = torch().nn.Linear(60, 7, bias=False).double()
    perm = layouts.flatten_order_to_torch(3, 4, 5)
    with torch().no_grad():
        linear.weight.copy_(torch().from_numpy(layouts.dense_kernel_to_torch(w[perm])))
        flat_torch = torch().flatten(torch().from_numpy(layouts.nhwc_to_nchw(x)), 1)
        np.testing.assert_allclose(linear(flat_torch).numpy(), ours, **TOL)
        linear.weight.copy_(torch().from_numpy(layouts.dense_kernel_to_torch(w)))
        assert not np.allclose(linear(flat_torch).numpy(), ours)  # unpermuted
    np.testing.assert_array_equal(
        layouts.dense_kernel_from_torch(layouts.dense_kernel_to_torch(w)), w)


@pytest.mark.parametrize("fn", [layouts.nhwc_to_nchw, layouts.conv_kernel_to_torch,
                                layouts.transposed_kernel_to_torch])
def test_wrong_ndim(fn):
    with pytest.raises(ValueError, match="must have 4 dimensions"):
        fn(np.zeros((2, 3, 4)))


def test_integer_arrays_allowed():
    """Layouts move any array, argmax indices included."""
    assert layouts.nhwc_to_nchw(np.zeros((1, 2, 3, 4), np.int64)).dtype == np.int64


@pytest.mark.parametrize("transposed", [False, True])
def test_copy_kernel_to_torch_matches_the_framework_layer(transposed):
    import torch  # noqa: F811 (the module, not the helper)

    rng = np.random.default_rng(0)
    kernel = rng.standard_normal((3, 2, 4, 5)).astype(np.float32)
    bias = rng.standard_normal(5 if not transposed else 4).astype(np.float32)
    if transposed:  # Keras (kh, kw, c_out=4, c_in=5)
        module = torch.nn.ConvTranspose2d(5, 4, (3, 2))
    else:  # Keras (kh, kw, c_in=4, c_out=5)
        module = torch.nn.Conv2d(4, 5, (3, 2))
    layouts.copy_kernel_to_torch(kernel, bias, module, transposed=transposed)
    assert np.array_equal(module.weight.detach().numpy(),
                          kernel.transpose(3, 2, 0, 1))
    assert np.array_equal(module.bias.detach().numpy(), bias)
    with pytest.raises(ValueError, match="layer 'up1': the Keras kernel"):
        layouts.copy_kernel_to_torch(kernel[:2], bias, module,
                                     transposed=transposed, name="up1")


def test_to_torch_and_from_torch_move_data_between_the_layouts():
    t = torch()
    x = np.arange(2 * 3 * 4 * 5, dtype=np.float32).reshape(2, 3, 4, 5)
    moved = layouts.to_torch(x)
    assert isinstance(moved, t.Tensor) and tuple(moved.shape) == (2, 5, 3, 4)
    assert moved.dtype == t.float32 and moved.is_contiguous()
    assert moved[1, 4, 2, 3] == x[1, 2, 3, 4]
    assert layouts.to_torch(x, dtype=t.float64).dtype == t.float64
    np.testing.assert_array_equal(layouts.from_torch(moved), x)
    grad = layouts.to_torch(x).requires_grad_()
    np.testing.assert_array_equal(layouts.from_torch(grad * 2), 2 * x)
    ints = np.arange(8).reshape(1, 2, 2, 2)  # indices are data too
    np.testing.assert_array_equal(layouts.from_torch(layouts.to_torch(ints)), ints)


def test_to_torch_and_from_torch_reject_bad_input():
    t = torch()
    with pytest.raises(ValueError, match=r"x must have 4 dimensions, got 3"):
        layouts.to_torch(np.zeros((2, 3, 4)))
    with pytest.raises(TypeError, match="x must be a NumPy array in NHWC order, got "
                                        "a torch.Tensor"):
        layouts.to_torch(t.zeros(1, 1, 1, 1))
    with pytest.raises(TypeError, match="x must be a NumPy array, got str"):
        layouts.to_torch("image")
    with pytest.raises(TypeError, match="t must be a torch.Tensor in NCHW order, got "
                                        "ndarray"):
        layouts.from_torch(np.zeros((1, 1, 1, 1)))
    with pytest.raises(ValueError, match=r"t must have 4 dimensions \(n, c, h, w\), "
                                         r"got 2"):
        layouts.from_torch(t.zeros(2, 3))
