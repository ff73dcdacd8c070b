"""companion.shapes against the output shapes TensorFlow/Keras and PyTorch give.

The 15 relationships of Dumoulin and Visin, "A guide to convolution arithmetic
for deep learning" (arXiv:1603.07285), each with the paper's closed form
worked by hand, our function, and both frameworks' actual shapes.
"""

from __future__ import annotations

import numpy as np
import pytest
from frameworks import tf, torch
from hypothesis import assume, given
from hypothesis import strategies as st

from companion import shapes


def tf_conv_size(i, k, s=1, p=0, d=1):
    """Output length of ``tf.nn.conv2d`` along the first spatial axis."""
    pad = p.upper() if isinstance(p, str) else [[0, 0], list(_sides(p)), [0, 0],
                                                [0, 0]]
    x, w = np.zeros((1, i, 1, 1), np.float32), np.zeros((k, 1, 1, 1), np.float32)
    return tf().nn.conv2d(x, w, (s, 1), pad, dilations=(d, 1)).shape[1]


def torch_conv_size(i, k, s=1, p=0, d=1):
    F = torch().nn.functional
    return F.conv2d(torch().zeros(1, 1, i, 1), torch().zeros(1, 1, k, 1),
                    stride=(s, 1), padding=(p, 0), dilation=(d, 1)).shape[2]


def torch_transpose_size(i, k, s=1, p=0, a=0, d=1):
    F = torch().nn.functional
    return F.conv_transpose2d(torch().zeros(1, 1, i, 1), torch().zeros(1, 1, k, 1),
                              stride=(s, 1), padding=(p, 0), output_padding=(a, 0),
                              dilation=(d, 1)).shape[2]


def keras_transpose_size(i, k, s=1, padding="valid", op=None, d=1):
    import keras

    layer = keras.layers.Conv2DTranspose(1, (k, 1), strides=(s, 1), padding=padding,
                                         output_padding=None if op is None else
                                         (op, 0), dilation_rate=(d, 1))
    return layer.compute_output_shape((1, i, 1, 1))[1]


def _sides(p):
    return tuple(p) if isinstance(p, tuple) else (p, p)


# --- Dumoulin and Visin, relationships 1-6 and 15: convolution ----------------

CONV = [
    # (relationship, i, k, s, p, d, closed form worked by hand, expected)
    (1, 4, 3, 1, 0, 1, "o = i - k + 1 = 4 - 3 + 1", 2),
    (2, 5, 4, 1, 2, 1, "o = i - k + 2p + 1 = 5 - 4 + 4 + 1", 6),
    (3, 5, 3, 1, 1, 1, "half padding, p = floor(k/2): o = i", 5),
    (4, 5, 3, 1, 2, 1, "full padding, p = k - 1: o = i + k - 1 = 5 + 2", 7),
    (5, 5, 3, 2, 0, 1, "o = floor((i - k)/s) + 1 = floor(2/2) + 1", 2),
    (6, 5, 3, 2, 1, 1, "o = floor((i + 2p - k)/s) + 1 = floor(4/2) + 1", 3),
    (6, 6, 3, 2, 1, 1, "o = floor((6 + 2 - 3)/2) + 1 = 2 + 1", 3),
    (15, 7, 3, 1, 0, 2, "o = floor((i + 2p - k - (k-1)(d-1))/s) + 1 = 4 - 2 + 1", 3),
]


@pytest.mark.parametrize("rel, i, k, s, p, d, worked, expected", CONV,
                         ids=[f"R{c[0]}-i{c[1]}" for c in CONV])
def test_conv_relationship(rel, i, k, s, p, d, worked, expected):
    assert shapes.conv_output_size(i, k, s, p, d) == expected, worked
    assert tf_conv_size(i, k, s, p, d) == expected
    assert torch_conv_size(i, k, s, p, d) == expected


def test_half_padding_is_same_for_odd_kernels():
    """Relationship 3 is TF's "same" at stride 1 with an odd kernel."""
    for k in (1, 3, 5):
        assert shapes.same_padding(9, k) == (k // 2, k // 2)
        assert tf_conv_size(9, k, p="same") == 9


# --- relationships 7-14: the transposed counterparts ---------------------------

TRANSPOSED = [
    # (relationship, i', k, s, p (PyTorch), a, worked by hand, expected)
    (7, 2, 3, 1, 0, 0, "o' = i' + (k - 1) = 2 + 2", 4),
    (8, 6, 4, 1, 2, 0, "o' = i' + (k - 1) - 2p = 6 + 3 - 4", 5),
    (9, 5, 3, 1, 1, 0, "half padding: o' = i'", 5),
    (10, 7, 3, 1, 2, 0, "full padding: o' = i' - (k - 1) = 7 - 2", 5),
    (11, 2, 3, 2, 0, 0, "o' = s(i' - 1) + k = 2 + 3", 5),
    (12, 3, 3, 2, 1, 0, "o' = s(i' - 1) + k - 2p = 4 + 3 - 2", 5),
    (13, 2, 3, 2, 0, 1, "a = (i - k) mod s = 1: o' = s(i' - 1) + a + k = 2+1+3", 6),
    (14, 3, 3, 2, 1, 1, "a = (i + 2p - k) mod s = 1: o' = 4 + 1 + 3 - 2", 6),
]


@pytest.mark.parametrize("rel, i, k, s, p, a, worked, expected", TRANSPOSED,
                         ids=[f"R{c[0]}" for c in TRANSPOSED])
def test_transposed_relationship(rel, i, k, s, p, a, worked, expected):
    assert shapes.conv_transpose_output_size(i, k, s, p, a) == expected, worked
    assert torch_transpose_size(i, k, s, p, a) == expected
    # TensorFlow: the forward convolution of the output size gives i' back...
    assert tf_conv_size(expected, k, s, p) == i
    # ...and tf.nn.conv2d_transpose accepts that output size
    y = tf().nn.conv2d_transpose(np.zeros((1, i, 1, 1), np.float32),
                                 np.zeros((k, 1, 1, 1), np.float32),
                                 (1, expected, 1, 1), (s, 1),
                                 [[0, 0], [p, p], [0, 0], [0, 0]])
    assert y.shape[1] == expected
    # where Keras has an equivalent padding mode, its layer agrees too
    for mode, op in shapes.keras_equivalents(i, k, s, p, a):
        assert keras_transpose_size(i, k, s, mode, op) == expected


# --- the article 002 question: 7x7x512 with dilation ---------------------------

@pytest.mark.parametrize("k, d, s, expected, params", [
    (2, 2, 1, 9, 1_049_088),   # K = 2(2-1)+1 = 3: (7-1)*1 + 3 = 9
    (3, 2, 1, 11, 2_359_808),  # K = 2(3-1)+1 = 5: (7-1)*1 + 5 = 11
    (2, 1, 2, 14, 1_049_088),  # 7*2 + max(2-2, 0) = 14
])
def test_dilated_transpose_7x7x512(k, d, s, expected, params):
    import keras

    layer = keras.layers.Conv2DTranspose(512, k, strides=s, dilation_rate=d)
    assert tuple(layer.compute_output_shape((None, 7, 7, 512))) == (
        None, expected, expected, 512)
    layer.build((None, 7, 7, 512))
    assert layer.count_params() == params  # k*k*512*512 + 512
    assert shapes.conv_transpose_output_size(7, k, s, "valid", None, d) == expected
    assert torch_transpose_size(7, k, s, 0, 0, d) == expected


def test_explain_conv_transpose_dilated():
    text = shapes.explain_conv_transpose(7, 2, padding="valid", dilation=2)
    assert "K = d(k-1)+1 = 2*(2-1)+1 = 3" in text
    assert "L = (H-1)s + K = (7-1)*1 + 3 = 9" in text
    assert text.endswith("size 9")
    strided = shapes.explain_conv_transpose(7, 2, stride=2, padding="valid")
    assert strided.endswith("size 14")
    assert "o = H*s + max(K-s, 0) = 7*2 + 0 = 14" in strided


@pytest.mark.parametrize("padding, op", [(1, 1), ("same", None), ("same", 1),
                                         ("valid", 1)])
def test_explain_conv_transpose_ends_with_the_size(padding, op):
    text = shapes.explain_conv_transpose(5, 3, stride=2, padding=padding,
                                         output_padding=op)
    size = int(text.rsplit(" ", 1)[1])
    if isinstance(padding, str):
        assert size == keras_transpose_size(5, 3, 2, padding, op)
    else:
        assert size == torch_transpose_size(5, 3, 2, padding, op)


@pytest.mark.parametrize("padding", ["valid", "same", 1, (0, 2)])
def test_explain_conv_ends_with_the_size(padding):
    text = shapes.explain_conv(7, 3, stride=2, padding=padding)
    assert int(text.rsplit(" ", 1)[1]) == tf_conv_size(7, 3, 2, padding)
    assert text.count("\n") >= 2


# --- refusals ------------------------------------------------------------------

def test_torch_refuses_same_with_stride_tf_and_ours_agree():
    F = torch().nn.functional
    with pytest.raises(RuntimeError, match="same"):
        F.conv2d(torch().zeros(1, 1, 5, 5), torch().zeros(1, 1, 3, 3), stride=2,
                 padding="same")
    assert shapes.conv_output_size(5, 3, 2, "same") == tf_conv_size(5, 3, 2, "same")


def test_keras_refuses_strided_dilated_tf_raw_and_torch_agree():
    import keras

    with pytest.raises(ValueError, match="dilation_rate"):
        keras.layers.Conv2DTranspose(1, 3, strides=2, dilation_rate=2)
    assert shapes.conv_output_size(11, 3, 2, 0, 2) == tf_conv_size(11, 3, 2, 0, 2) \
        == torch_conv_size(11, 3, 2, 0, 2)
    assert shapes.conv_transpose_output_size(4, 3, 2, 0, 0, 2) == \
        torch_transpose_size(4, 3, 2, 0, 0, 2)


# --- properties ------------------------------------------------------------------

SIDE = st.integers(0, 4)


@given(i=st.integers(1, 20), k=st.integers(1, 5), s=st.integers(1, 4),
       d=st.integers(1, 3), p=st.one_of(st.sampled_from(["valid", "same"]), SIDE,
                                        st.tuples(SIDE, SIDE)))
def test_conv_output_size_matches_tensorflow(i, k, s, d, p):
    before, after = shapes.resolve_padding(p, i, k, s, d)
    assume(i + before + after >= shapes.effective_kernel(k, d))
    assert shapes.conv_output_size(i, k, s, p, d) == tf_conv_size(i, k, s, p, d)
    if isinstance(p, int):
        assert shapes.conv_output_size(i, k, s, p, d) == torch_conv_size(i, k, s, p, d)


@given(i=st.integers(1, 20), k=st.integers(1, 5), s=st.integers(1, 4),
       d=st.integers(1, 3))
def test_same_padding_matches_tensorflow(i, k, s, d):
    """TF "same" equals explicit (before, after) = same_padding(...)."""
    before, after = shapes.same_padding(i, k, s, d)
    assert before <= after <= before + 1
    assert tf_conv_size(i, k, s, "same", d) == tf_conv_size(i, k, s, (before, after),
                                                            d) == -(-i // s)


@given(i=st.integers(1, 12), k=st.integers(1, 5), s=st.integers(1, 4),
       d=st.integers(1, 3), p=st.integers(0, 4), a=st.integers(0, 3))
def test_conv_transpose_output_size_matches_torch(i, k, s, d, p, a):
    assume(a < max(s, d))
    full = (i - 1) * s + shapes.effective_kernel(k, d)
    assume(full - 2 * p + a >= 1)
    ours = shapes.conv_transpose_output_size(i, k, s, p, a, d)
    assert ours == torch_transpose_size(i, k, s, p, a, d)


@given(i=st.integers(1, 12), k=st.integers(1, 5), s=st.integers(1, 4),
       d=st.integers(1, 3), padding=st.sampled_from(["valid", "same"]),
       op=st.one_of(st.none(), st.integers(0, 3)))
def test_conv_transpose_output_size_matches_keras(i, k, s, d, padding, op):
    assume(s == 1 or d == 1)  # Keras refuses strided + dilated
    assume(op is None or op < s)
    if padding == "same" and op is not None:
        length = (i - 1) * s + shapes.effective_kernel(k, d) % 2 + op
        if -(-length // s) != i:  # TF refuses to run it (see the next test)
            with pytest.raises(ValueError, match="output_padding"):
                shapes.conv_transpose_output_size(i, k, s, padding, op, d)
            return
    assert shapes.conv_transpose_output_size(i, k, s, padding, op, d) == \
        keras_transpose_size(i, k, s, padding, op, d)


def test_keras_refuses_same_output_padding_like_ours():
    """k=2, s=2, "same", output_padding=0 on 5 pixels: TF refuses, so do we."""
    import keras

    layer = keras.layers.Conv2DTranspose(1, 2, strides=2, padding="same",
                                         output_padding=0)
    with pytest.raises(Exception, match="Conv2DBackpropInput|size"):
        layer(np.zeros((1, 5, 5, 1), np.float32))
    with pytest.raises(ValueError, match="output_padding"):
        shapes.conv_transpose_output_size(5, 2, 2, "same", 0)


# --- solving for a target size -------------------------------------------------------

def test_solve_conv_transpose_is_complete_against_torch():
    """Every PyTorch setting that turns 3 into 6 (k 1-5, s 1-4, d 1-2)."""
    found = set()
    for k in range(1, 6):
        for s in range(1, 5):
            for d in (1, 2):
                for p in range(0, 8):
                    for a in range(max(s, d)):
                        try:
                            size = torch_transpose_size(3, k, s, p, a, d)
                        except RuntimeError:
                            continue
                        if size == 6:
                            found.add((k, s, p, a, d))
    ours = shapes.solve_conv_transpose(3, 6, range(1, 6), range(1, 5), (1, 2))
    assert {tuple(t) for t in ours} == found
    assert (4, 2, 1, 0, 1) in found  # the DCGAN choice


def test_solve_finds_the_article_settings():
    """7 -> 14: k=2, s=2 (article 002) and the k=4, s=2, p=1 of DCGAN."""
    ours = shapes.solve_conv_transpose(7, 14, strides=[2])
    assert (2, 2, 0, 0, 1) in ours and (4, 2, 1, 0, 1) in ours
    assert shapes.keras_equivalents(7, 2, 2, 0, 0)[0] == ("valid", None)
