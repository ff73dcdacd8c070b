"""Bad arguments to the core operations: a ValueError or TypeError that names
the parameter; where meaningful, the same bad input fails in a framework too;
and random bad arguments never raise anything else."""

from __future__ import annotations

import inspect
import re

import numpy as np
import pytest
from frameworks import tf, to_torch, torch
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from companion import backward, conv, layers, layouts, pooling, shapes, transposed

X = np.zeros((1, 5, 5, 2))
W = np.zeros((3, 3, 2, 4))
WT = np.zeros((3, 3, 4, 2))  # transposed kernel (kh, kw, c_out, c_in)
Y = np.zeros((1, 2, 2, 2))
IDX = np.zeros((1, 2, 2, 2), np.int64)

CASES = [
    # (call, exception, message), one parameter wrong each time
    (lambda: conv.conv2d(X[0], W), ValueError, "x must have 4 dimensions"),
    (lambda: conv.conv2d(X, W[:, :, :1]), ValueError, "w has 1 input channels"),
    (lambda: conv.conv2d(X, W, stride=0), ValueError, "stride must be >= 1"),
    (lambda: conv.conv2d(X, W, stride=1.5), TypeError, "stride must be an integer"),
    (lambda: conv.conv2d(X, W, dilation=(1, 0)), ValueError, "dilation must be >= 1"),
    (lambda: conv.conv2d(X, W, padding=-1), ValueError, "padding must be >= 0"),
    (lambda: conv.conv2d(X, W, padding="full"), ValueError,
     "padding must be one of 'valid', 'same'"),
    (lambda: conv.conv2d(X, W, padding=(1, 2, 3)), ValueError, "padding must be"),
    (lambda: conv.conv2d(X, np.zeros((7, 7, 2, 1))), ValueError,
     "larger than the padded input"),
    (lambda: conv.conv2d(X, W, dilation=3), ValueError, "larger than the padded"),
    (lambda: conv.conv2d(X.astype(int), W), TypeError, "x must have a floating"),
    (lambda: conv.conv2d(X.astype(np.float32), W), TypeError, "x has dtype float32"),
    (lambda: conv.conv2d(X, W, np.zeros(3)), ValueError, "b must have one value"),
    (lambda: conv.conv2d(X, W, groups=3), ValueError, "groups=3 must divide"),
    (lambda: conv.conv2d(X, W, groups=0), ValueError, "groups must be >= 1"),
    (lambda: conv.conv2d_naive(X, W, stride=-2), ValueError, "stride must be >= 1"),
    (lambda: conv.pad2d(X, "same"), ValueError, "padding must be numbers"),
    (lambda: conv.conv2d([[1.0]], W), ValueError, "x must have 4 dimensions"),
    (lambda: conv.conv2d(X[..., :0], W[:, :, :0]), ValueError, "axis 3 is empty"),
    (lambda: transposed.conv_transpose2d(X, WT[:0]), ValueError,
     "w has shape .* axis 0 is empty"),
    (lambda: conv.conv2d("x", W), TypeError, "x must be a NumPy array"),
    (lambda: transposed.conv_transpose2d(X, W), ValueError,
     "w has 4 input channels"),
    (lambda: transposed.conv_transpose2d(X, WT, stride=2, output_padding=2),
     ValueError, "output_padding must be smaller than max"),
    (lambda: transposed.conv_transpose2d(X, WT, padding="same", output_padding=1),
     ValueError, "output_padding must be smaller than stride=1"),
    (lambda: transposed.conv_transpose2d(X, WT, padding="full"), ValueError,
     "padding must be one of"),
    (lambda: transposed.conv_transpose2d(X, WT, padding=4), ValueError,
     "padding=4 crops the whole output"),  # (5 - 1) + 3 - 8 < 1
    (lambda: transposed.conv_transpose2d(X, WT, padding=(1, 2, 3)), ValueError,
     "padding must be an int or a pair"),
    (lambda: transposed.conv_transpose2d_scatter(X, WT, stride=0), ValueError,
     "stride must be >= 1"),
    (lambda: transposed.conv_transpose2d_zero_insert(X.astype(int), WT), TypeError,
     "x must have a floating"),
    (lambda: transposed.phase_kernel(WT[0], 2), ValueError,
     "w must have 4 dimensions"),
    (lambda: transposed.phase_kernel(WT, (2, 0)), ValueError, "stride must be >= 1"),
    (lambda: transposed.phase_kernel(WT[:, :0], 2), ValueError, "axis 1 is empty"),
    (lambda: transposed.phase_kernel(WT.astype(int), 2), TypeError,
     "w must have a floating"),
    (lambda: transposed.conv_matrix((5, 5), W), ValueError, "input_shape must be"),
    (lambda: transposed.conv_matrix((40, 40, 2), np.zeros((3, 3, 2, 64))),
     ValueError, "meant for small"),
    (lambda: pooling.max_pool2d(X, 0), ValueError, "pool_size must be >= 1"),
    (lambda: pooling.max_pool2d(X, 2, padding=2), ValueError,
     "must be smaller than pool_size"),
    (lambda: pooling.avg_pool2d(X, 6), ValueError,
     r"pool_size \(6, 6\) is larger than the padded input"),
    (lambda: pooling.max_pool2d(X, (2, 7)), ValueError,
     r"pool_size \(2, 7\) is larger than the padded input along axis 2"),
    (lambda: backward.max_pool2d_backward(Y, X, 6), ValueError,
     "pool_size .* is larger than the padded input"),
    (lambda: pooling.max_pool2d(X[:, :0], 2), ValueError, "x has shape .* empty"),
    (lambda: pooling.max_pool2d(X, 2, return_indices="no"), TypeError,
     "return_indices must be True or False"),
    (lambda: pooling.indices_to_tf(IDX, (1, 5, 5, 2), "yes"), TypeError,
     "include_batch must be True or False"),
    (lambda: layers.dropout(X, 0.5, np.random.default_rng(), training="False"),
     TypeError, "training must be True or False"),
    (lambda: shapes.solve_conv_transpose(3, 6, kernels=()), ValueError,
     "kernels must hold at least one value"),
    (lambda: shapes.solve_conv_transpose(3, 6, strides=None), TypeError,
     "strides must be an iterable of ints"),
    (lambda: shapes.solve_conv_transpose(3, 6, dilations=(0,)), ValueError,
     "dilations must be >= 1"),
    (lambda: pooling.avg_pool2d_naive(X, 2, padding="full"), ValueError,
     "padding must be one of"),
    (lambda: pooling.max_pool2d_naive(X, 2, stride=0), ValueError,
     "stride must be >= 1"),
    (lambda: pooling.max_unpool2d(Y, IDX + 25, (5, 5)), ValueError,
     r"indices must lie in \[0, 25\)"),
    (lambda: pooling.max_unpool2d(Y, IDX.astype(float), (5, 5)), TypeError,
     "indices must be an integer array"),
    (lambda: pooling.max_unpool2d(Y, IDX[:, :1], (5, 5)), ValueError,
     "indices must have the shape"),
    (lambda: pooling.max_unpool2d(Y, IDX, (0, 5)), ValueError,
     "output_size must be >= 1"),
    (lambda: pooling.avg_unpool2d(Y, 0), ValueError, "pool_size must be >= 1"),
    (lambda: pooling.indices_to_tf(IDX, (1, 5, 5)), ValueError, "shape must be"),
    (lambda: pooling.indices_to_tf(IDX - 1, (1, 5, 5, 2)), ValueError,
     "indices must lie in"),
    (lambda: pooling.indices_from_tf(IDX, (1, 5, 5, 2)), ValueError,
     "another channel"),
    (lambda: backward.conv2d_backward(Y, X, W), ValueError, "dout must have the shape"),
    (lambda: backward.max_pool2d_backward(X, X, 2), ValueError,
     "dout must have the shape"),
    (lambda: shapes.conv_output_size(0, 3), ValueError, "size must be >= 1"),
    (lambda: shapes.conv_output_size(5, 0), ValueError, "kernel must be >= 1"),
    (lambda: shapes.same_padding(5, 3, stride=0), ValueError, "stride must be >= 1"),
    (lambda: shapes.conv_transpose_output_size(3, 2, 2, "same", 0), ValueError,
     "output_padding=0 with padding='same'"),
    (lambda: shapes.solve_conv_transpose(0, 4), ValueError, "in_size must be >= 1"),
    (lambda: shapes.keras_same_to_torch(0, 2), ValueError, "kernel must be >= 1"),
    (lambda: layers.dense(np.zeros((2, 3)), np.zeros((4, 5))), ValueError,
     "x has .* features"),
    (lambda: layers.leaky_relu(X, -1), ValueError, "negative_slope must be"),
    (lambda: layers.leaky_relu(X, "0.2"), TypeError, "negative_slope must be a real"),
    (lambda: layers.softmax(X, axis=4), ValueError, "axis must be <= 3"),
    (lambda: layers.dropout(X, 1.0, np.random.default_rng()), ValueError,
     r"rate must be a number in \[0, 1\)"),
    (lambda: layers.dropout(X, 0.5, 0), TypeError, "rng must be a numpy"),
    (lambda: layers.relu(np.zeros(3, bool)), TypeError, "x must have a floating"),
    (lambda: layouts.conv_kernel_to_torch(W[0]), ValueError, "w must have 4"),
    (lambda: layouts.flatten_order_to_torch(0, 2, 2), ValueError, "h must be >= 1"),
]


@pytest.mark.parametrize("call, exc, match", CASES,
                         ids=[f"{i:02d}-{c[2][:30]}" for i, c in enumerate(CASES)])
def test_error_names_the_parameter(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


# --- the same bad input fails in the frameworks -----------------------------------

def _tf_conv(x, w, stride=1, padding="VALID"):
    return tf().nn.conv2d(x.astype(np.float32), w.astype(np.float32), stride, padding)


def _torch_conv(x, w, **kw):
    return torch().nn.functional.conv2d(to_torch(x), to_torch(w, layout="conv"), **kw)


FRAMEWORK_CASES = [
    # (ours, TF, torch): each must fail
    ("channel mismatch", lambda: conv.conv2d(X, W[:, :, :1]),
     lambda: _tf_conv(X, W[:, :, :1].repeat(3, axis=2)),
     lambda: _torch_conv(X, W[:, :, :1])),
    ("non-positive stride", lambda: conv.conv2d(X, W, stride=0),
     lambda: _tf_conv(X, W, stride=0), lambda: _torch_conv(X, W, stride=0)),
    ("unknown padding string", lambda: conv.conv2d(X, W, padding="full"),
     lambda: _tf_conv(X, W, padding="FULL"),
     lambda: _torch_conv(X, W, padding="full")),
    ("wrong ndim", lambda: conv.conv2d(X[0, 0], W),
     lambda: _tf_conv(X[0], W), lambda: _torch_conv(X[0, 0, :, :1], W)),
    ("kernel larger than padded input",
     lambda: conv.conv2d(X, np.zeros((7, 7, 2, 1))), None,
     lambda: _torch_conv(X, np.zeros((7, 7, 2, 1)))),
    ("output_padding too large",
     lambda: transposed.conv_transpose2d(X, WT, stride=2, output_padding=2),
     lambda: tf().nn.conv2d_transpose(X, WT, (1, 13, 13, 4), 2, "VALID"),
     lambda: torch().nn.functional.conv_transpose2d(
         to_torch(X), to_torch(WT, layout="transposed"), stride=2, output_padding=2)),
    ("max pooling padding too large", lambda: pooling.max_pool2d(X, 2, padding=2),
     None, lambda: torch().nn.functional.max_pool2d(to_torch(X), 2, padding=2)),
    ("unpooling index out of range",
     lambda: pooling.max_unpool2d(Y, IDX + 25, (5, 5)), None,
     lambda: torch().nn.functional.max_unpool2d(
         to_torch(Y), to_torch(IDX + 25), 2, output_size=(5, 5))),
]


@pytest.mark.parametrize("name, ours, tf_call, torch_call", FRAMEWORK_CASES,
                         ids=[c[0] for c in FRAMEWORK_CASES])
def test_frameworks_refuse_it_too(name, ours, tf_call, torch_call):
    with pytest.raises((ValueError, TypeError)):
        ours()
    if tf_call is not None:
        with pytest.raises((ValueError, tf().errors.InvalidArgumentError)):
            tf_call()
    with pytest.raises((RuntimeError, ValueError)):
        torch_call()


def test_tf_returns_empty_where_we_refuse():
    """TF's VALID conv of a kernel larger than the input gives an empty output
    rather than an error; we raise (the case above lists TF as None)."""
    out = _tf_conv(np.zeros((1, 2, 2, 1)), np.zeros((3, 3, 1, 1)))
    assert 0 in out.shape
    with pytest.raises(ValueError, match="larger than the padded input"):
        conv.conv2d(np.zeros((1, 2, 2, 1)), np.zeros((3, 3, 1, 1)))


# --- random bad arguments -----------------------------------------------------------

WILD = st.one_of(
    st.none(), st.booleans(), st.integers(-3, 9), st.floats(-2, 5),
    st.sampled_from(["same", "valid", "SAME", "full", ""]),
    st.tuples(st.integers(-2, 5), st.integers(-2, 5)),
    st.tuples(st.tuples(st.integers(-1, 3), st.integers(-1, 3)),
              st.tuples(st.integers(-1, 3), st.integers(-1, 3))),
    st.tuples(st.integers(-1, 4), st.integers(-1, 4), st.integers(-1, 4)),
    hnp.arrays(st.sampled_from([np.float32, np.float64, np.int64, np.bool_]),
               hnp.array_shapes(min_dims=0, max_dims=5, min_side=0, max_side=4)),
)

GOOD = {
    conv.conv2d: dict(x=X, w=W, b=None, stride=1, padding="valid", dilation=1,
                      groups=1),
    conv.conv2d_naive: dict(x=X, w=W[:, :, :1], b=None, stride=2, padding="same",
                            dilation=1, groups=2),
    conv.pad2d: dict(x=X, padding=1, value=0.0),
    transposed.conv_transpose2d: dict(x=X, w=WT, b=None, stride=2, padding=0,
                                      output_padding=None, dilation=1),
    transposed.conv_transpose2d_scatter: dict(x=X, w=WT, b=None, stride=1,
                                              padding="same", output_padding=None,
                                              dilation=1),
    transposed.conv_transpose2d_zero_insert: dict(x=X, w=WT, b=None, stride=2,
                                                  padding=1, output_padding=1,
                                                  dilation=1),
    transposed.conv_matrix: dict(input_shape=(4, 4, 2), w=W, stride=1, padding=0,
                                 dilation=1),
    pooling.max_pool2d: dict(x=X, pool_size=2, stride=None, padding="valid",
                             return_indices=True),
    pooling.max_pool2d_naive: dict(x=X, pool_size=2, stride=1, padding="same",
                                   return_indices=False),
    pooling.avg_pool2d: dict(x=X, pool_size=3, stride=2, padding="same"),
    pooling.avg_pool2d_naive: dict(x=X, pool_size=3, stride=2, padding=1),
    pooling.max_unpool2d: dict(y=Y, indices=IDX, output_size=(5, 5)),
    pooling.avg_unpool2d: dict(y=Y, pool_size=2),
    pooling.indices_to_tf: dict(indices=IDX, shape=(1, 5, 5, 2), include_batch=False),
    pooling.indices_from_tf: dict(indices=IDX, shape=(1, 5, 5, 2),
                                  include_batch=True),
    backward.conv2d_backward: dict(dout=np.zeros((1, 3, 3, 4)), x=X, w=W, stride=1,
                                   padding="valid", dilation=1, groups=1),
    backward.max_pool2d_backward: dict(dout=Y, x=X, pool_size=2, stride=None,
                                       padding="valid"),
    shapes.conv_output_size: dict(size=5, kernel=3, stride=1, padding=0, dilation=1),
    shapes.same_padding: dict(size=5, kernel=3, stride=2, dilation=1),
    shapes.conv_transpose_output_size: dict(size=5, kernel=3, stride=2, padding=1,
                                            output_padding=1, dilation=1),
    shapes.explain_conv: dict(size=5, kernel=3, stride=2, padding="same",
                              dilation=1),
    shapes.explain_conv_transpose: dict(size=5, kernel=3, stride=2, padding="same",
                                        output_padding=None, dilation=1),
    shapes.keras_equivalents: dict(size=5, kernel=3, stride=2, padding=1,
                                   output_padding=1, dilation=1),
    shapes.keras_same_to_torch: dict(kernel=3, stride=2, dilation=1),
    shapes.solve_conv_transpose: dict(in_size=3, out_size=6, kernels=(3, 4),
                                      strides=(2,), dilations=(1,)),
    layers.dense: dict(x=np.zeros((2, 3)), w=np.zeros((3, 4)), b=None),
    layers.leaky_relu: dict(x=X, negative_slope=0.2),
    layers.softmax: dict(x=X, axis=-1),
    layers.dropout: dict(x=X, rate=0.5, rng=np.random.default_rng(0), training=True),
    layers.flatten: dict(x=X),
    layouts.nhwc_to_nchw: dict(x=X),
    layouts.transposed_kernel_from_torch: dict(w=WT),
    layouts.flatten_order_to_torch: dict(h=2, w=3, c=4),
}


@given(st.sampled_from(sorted(GOOD, key=lambda f: f.__qualname__)), st.data())
def test_random_bad_arguments_raise_only_value_or_type_errors(fn, data):
    kwargs = dict(GOOD[fn])
    assert set(kwargs) == set(inspect.signature(fn).parameters), fn.__name__
    names = data.draw(st.lists(st.sampled_from(sorted(kwargs)), min_size=1,
                               max_size=3, unique=True))
    for name in names:
        kwargs[name] = data.draw(WILD, label=name)
    try:
        fn(**kwargs)
    except (ValueError, TypeError):
        pass  # anything else (IndexError, ZeroDivisionError...) fails the test


# --- known-bad arguments: refused, naming the parameter ---------------------------

_INT_PAIR_BAD = [0, -1, 1.5, "2", None, True, (1, 0), (2, 1.5), (1, 2, 3),
                 np.zeros((2, 2))]
_POSITIVE_INT_BAD = [0, -2, 2.5, "3", None, True, (1, 2)]
_PADDING_BAD = ["full", "", -1, 1.5, (1, 2, 3), ((1, -1), (0, 0)),
                ((1, 2, 3), (0, 0)), None]
_FLAG_BAD = ["yes", "no", 2, None, 1.0]
_DATA_BAD = ["x", [[1.0]], np.zeros((5, 5, 2)), np.zeros((1, 5, 5, 2), np.int64),
             np.zeros((1, 0, 5, 2)), np.zeros((1, 5, 5, 2), bool)]
_OUTPUT_PADDING_BAD = [-1, 1.5, "1", 5, (1, 2, 3)]

#: For each parameter name, values that are wrong for it in every function that
#: takes it (None is left out where None is the parameter's default).
BAD = {
    "x": _DATA_BAD, "y": _DATA_BAD, "dout": _DATA_BAD,
    "w": ["w", np.zeros((3, 3, 2)), np.zeros((3, 3, 2, 4), np.int64),
          np.zeros((0, 3, 2, 4))],
    "b": ["b", np.zeros(7), np.zeros((4, 1))],
    "stride": _INT_PAIR_BAD, "dilation": _INT_PAIR_BAD, "pool_size": _INT_PAIR_BAD,
    "output_size": _INT_PAIR_BAD, "padding": _PADDING_BAD,
    "output_padding": _OUTPUT_PADDING_BAD,
    "groups": _POSITIVE_INT_BAD, "size": _POSITIVE_INT_BAD,
    "kernel": _POSITIVE_INT_BAD, "in_size": _POSITIVE_INT_BAD,
    "out_size": _POSITIVE_INT_BAD, "h": _POSITIVE_INT_BAD, "c": _POSITIVE_INT_BAD,
    "return_indices": _FLAG_BAD, "include_batch": _FLAG_BAD, "training": _FLAG_BAD,
    "negative_slope": [-0.5, "0.2", None, np.zeros(2)],
    "rate": [1.0, -0.1, 1.5, "0.5", None],
    "rng": [0, None, "rng", np.random.RandomState(0)],
    "axis": [4, -5, 1.5, "1", None],
    "indices": [IDX.astype(float), IDX[:, :1], IDX + 25, IDX - 1, "indices"],
    "shape": [(1, 5, 5), (1, 5, 5, 0), "shape", None, (1, 5, 5, 2.0)],
    "input_shape": [(4, 4), (0, 4, 2), "shape", None, (4, 4, 2.5)],
    "value": ["zero", None, True],
    "kernels": [(), (0, 3), "3", None], "strides": [(), (0,), "2", None],
    "dilations": [(), (0,), "1", None],
}
_ELEMENTWISE_X_BAD = ["x", np.zeros((1, 5, 5, 2), np.int64),
                      np.zeros((1, 5, 5, 2), bool)]
#: where a function takes other ranks or dtypes than the rule above
BAD_FOR = {
    (layers.dense, "x"): ["x", np.zeros((2, 4)), np.zeros((2, 3), np.int64)],
    (layers.dense, "w"): ["w", np.zeros((4, 4)), np.zeros(3)],
    (layers.leaky_relu, "x"): _ELEMENTWISE_X_BAD,
    (layers.softmax, "x"): _ELEMENTWISE_X_BAD,
    (layers.dropout, "x"): _ELEMENTWISE_X_BAD,
    (layers.flatten, "x"): ["x", np.zeros((1, 5, 5, 2), bool)],
    (layouts.nhwc_to_nchw, "x"): ["x", np.zeros((5, 5, 2))],
    (layouts.flatten_order_to_torch, "w"): _POSITIVE_INT_BAD,
    (layouts.transposed_kernel_from_torch, "w"): ["w", np.zeros((3, 3, 2))],
    (pooling.indices_to_tf, "indices"): [IDX.astype(float), IDX + 25, IDX - 1, "i"],
    (pooling.avg_unpool2d, "y"): ["y", np.zeros((5, 5, 2)),
                                  np.zeros((1, 5, 5, 2), np.int64)],
    (pooling.max_unpool2d, "y"): ["y", np.zeros((5, 5, 2)),
                                  np.zeros((1, 2, 2, 2), np.int64)],
    (conv.pad2d, "x"): ["x", np.zeros((5, 5, 2)), np.zeros((1, 5, 5, 2), np.int64)],
}
NAMED = [(fn, name) for fn in sorted(GOOD, key=lambda f: f.__qualname__)
         for name in GOOD[fn]]


def _bad_values(fn, name):
    values = BAD_FOR.get((fn, name), BAD.get(name))
    assert values is not None, f"no bad values listed for {fn.__name__}({name})"
    default = inspect.signature(fn).parameters[name].default
    return [v for v in values if not (v is None and default is None)]





def test_every_parameter_has_bad_values():
    missing = [(fn.__name__, name) for fn, name in NAMED
               if not _bad_values(fn, name)]
    assert not missing


@pytest.mark.parametrize("call, name", [
    (lambda: conv.pad2d(X, 1, value="zero"), "value"),
    (lambda: conv.pad2d(X, 1, value=None), "value"),
    (lambda: conv.conv2d(X, np.zeros((7, 7, 2, 1))), "w"),
    (lambda: transposed.conv_matrix((4, 4, 3), W), "input_shape"),
], ids=["pad2d-value-str", "pad2d-value-none", "conv2d-w-too-large",
        "conv_matrix-input_shape-channels"])
def test_deep_errors_name_the_parameter(call, name):
    with pytest.raises((ValueError, TypeError)) as info:
        call()
    assert re.search(rf"\b{name}\b", str(info.value)), str(info.value)


@given(st.sampled_from([fn_name for fn_name in NAMED if _bad_values(*fn_name)]),
       st.data())
def test_known_bad_argument_is_refused_naming_it(fn_name, data):
    """One known-bad argument among good ones: the call must raise a ValueError
    or TypeError whose message names that parameter as the caller wrote it.
    A bad argument silently accepted fails here."""
    fn, name = fn_name
    value = data.draw(st.sampled_from(_bad_values(fn, name)), label=name)
    kwargs = dict(GOOD[fn], **{name: value})
    with pytest.raises((ValueError, TypeError)) as info:
        fn(**kwargs)
    assert re.search(rf"\b{name}\b", str(info.value)), (fn.__name__, name,
                                                        str(info.value))


# --- non-numeric input is refused at the door, naming the parameter -----------

def _non_numeric_calls():
    from companion import subpixel
    from companion.resize import resize

    bad = [[[[1.0, "a"], [2.0, 3.0]]]]  # a nested list holding a string
    words = np.array(bad)  # an array of strings, shape (1, 1, 2, 2)
    return [
        ("conv2d x", lambda x: conv.conv2d(x, np.zeros((1, 1, 2, 1))), "x"),
        ("conv2d w", lambda x: conv.conv2d(np.zeros((1, 2, 2, 1)), x), "w"),
        ("conv_transpose2d x", lambda x: transposed.conv_transpose2d(
            x, np.zeros((1, 1, 1, 2))), "x"),
        ("max_pool2d x", lambda x: pooling.max_pool2d(x, 1), "x"),
        ("avg_pool2d x", lambda x: pooling.avg_pool2d(x, 1), "x"),
        ("resize x", lambda x: resize(x, 2, "bilinear"), "x"),
        ("pixel_shuffle x", lambda x: subpixel.pixel_shuffle(x, 1), "x"),
        ("pixel_unshuffle x", lambda x: subpixel.pixel_unshuffle(x, 1), "x"),
    ], bad, words


@pytest.mark.parametrize("index", range(8))
@pytest.mark.parametrize("form", ["nested list", "string array", "object array"])
def test_non_numeric_input_is_refused_naming_the_parameter(index, form):
    calls, bad, words = _non_numeric_calls()
    label, call, name = calls[index]
    value = {"nested list": bad, "string array": words,
             "object array": np.array(bad, dtype=object)}[form]
    with pytest.raises(TypeError, match=rf"^{name} must hold numbers") as info:
        call(value)
    assert "could not convert" not in str(info.value), label


def test_a_ragged_list_is_refused_naming_the_parameter():
    with pytest.raises(TypeError, match=r"^x must be a rectangular nested list"):
        conv.conv2d([[[[1.0]]], [[[1.0, 2.0]]]], np.zeros((1, 1, 1, 1)))


def test_lists_of_numbers_still_work():
    out = pooling.max_pool2d([[[[1.0], [4]], [[3.0], [2.0]]]], 2)  # ints mixed in
    assert out.dtype == np.float64 and out.item() == 4.0
