"""companion.subpixel against tf.nn.depth_to_space / space_to_depth and
torch.nn.functional.pixel_shuffle / pixel_unshuffle. A pure rearrangement, so
every comparison is exact, in float64 where the framework allows.
"""

from __future__ import annotations

import frameworks as fw
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from companion.subpixel import pixel_shuffle, pixel_unshuffle, shuffle_permutation


@st.composite
def deep_images(draw, min_r=1, dtype=np.float64):
    """(n, h, w, C*r*r) data, its r and C: sides 1-12, r 1-4, C 1-4."""
    r, c = draw(st.integers(min_r, 4)), draw(st.integers(1, 4))
    n, h, w = (draw(st.integers(1, 2)), draw(st.integers(1, 12)),
               draw(st.integers(1, 12)))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    return rng.standard_normal((n, h, w, c * r * r)).astype(dtype), r, c


# --------------------------------------------------------------------------
# Hand-picked cases
# --------------------------------------------------------------------------

def test_one_channel_fills_the_block_row_by_row_in_both_orders():
    x = np.arange(4.0).reshape(1, 1, 1, 4)
    for order in ("tf", "torch"):
        np.testing.assert_array_equal(pixel_shuffle(x, 2, order)[0, :, :, 0],
                                      [[0, 1], [2, 3]])


def test_two_channels_show_the_two_orders():
    x = np.arange(8.0).reshape(1, 1, 1, 8)
    tf_order = pixel_shuffle(x, 2, "tf")[0]
    torch_order = pixel_shuffle(x, 2, "torch")[0]
    # tf: channel (i*2 + j)*2 + c -> block position slow, channel fast
    np.testing.assert_array_equal(tf_order[:, :, 0], [[0, 2], [4, 6]])
    np.testing.assert_array_equal(tf_order[:, :, 1], [[1, 3], [5, 7]])
    # torch: channel c*4 + i*2 + j -> channel slow
    np.testing.assert_array_equal(torch_order[:, :, 0], [[0, 1], [2, 3]])
    np.testing.assert_array_equal(torch_order[:, :, 1], [[4, 5], [6, 7]])


def test_permutation_is_the_semantics_formula():
    c, r = 3, 2
    formula = [(i * r + j) * c + k for k in range(c) for i in range(r)
               for j in range(r)]
    np.testing.assert_array_equal(shuffle_permutation(c, r), formula)
    p = shuffle_permutation(c, r, "tf", "torch")
    q = shuffle_permutation(c, r, "torch", "tf")
    np.testing.assert_array_equal(p[q], np.arange(c * r * r))
    np.testing.assert_array_equal(shuffle_permutation(c, r, "tf", "tf"),
                                  np.arange(c * r * r))


# --------------------------------------------------------------------------
# Against the frameworks
# --------------------------------------------------------------------------

@pytest.mark.parametrize("device", fw.TF_DEVICES)
@given(case=deep_images(min_r=2),  # TensorFlow requires block_size >= 2
       dtype=st.sampled_from([np.float64, np.float32]))
def test_tf_order_matches_depth_to_space(device, case, dtype):
    """float64 on the GPU: TensorFlow has no kernel (NO_GPU_KERNEL), so the
    helper checks the refusal; float32 runs there."""
    x, r, _ = case
    x = x.astype(dtype)
    fw.check("pixel_shuffle (tf order)", "tensorflow", device, {"x": x, "r": r})
    fw.check("pixel_unshuffle (tf order)", "tensorflow", device,
          {"x": pixel_shuffle(x, r, "tf"), "r": r})


@pytest.mark.parametrize("device", fw.TORCH_DEVICES)
@given(case=deep_images(), dtype=st.sampled_from([np.float64, np.float32]))
def test_torch_order_matches_pixel_shuffle(device, case, dtype):
    x, r, _ = case
    x = x.astype(dtype)
    fw.check("pixel_shuffle (torch order)", "torch", device, {"x": x, "r": r})
    fw.check("pixel_unshuffle (torch order)", "torch", device,
          {"x": pixel_shuffle(x, r, "torch"), "r": r})


@given(case=deep_images(), order=st.sampled_from(["tf", "torch"]))
def test_unshuffle_inverts_shuffle(case, order):
    x, r, _ = case
    np.testing.assert_array_equal(pixel_unshuffle(pixel_shuffle(x, r, order), r,
                                                  order), x)
    single = x[0]
    np.testing.assert_array_equal(pixel_shuffle(single, r, order),
                                  pixel_shuffle(x, r, order)[0])


@given(case=deep_images(min_r=2))
def test_layout_transpose_alone_fails_and_the_permutation_fixes_it(case):
    x, r, c = case
    theirs_tf = fw.tf().nn.depth_to_space(x, r).numpy()
    naive = fw.from_torch(fw.torch().nn.functional.pixel_shuffle(fw.to_torch(x), r))
    p = shuffle_permutation(c, r, "tf", "torch")
    shuffle = fw.torch().nn.functional.pixel_shuffle
    fixed = fw.from_torch(shuffle(fw.to_torch(x[..., p]), r))
    np.testing.assert_array_equal(fixed, theirs_tf)
    if c == 1:  # one channel: the orders agree
        np.testing.assert_array_equal(naive, theirs_tf)
    else:
        assert not np.array_equal(naive, theirs_tf)
    q = shuffle_permutation(c, r, "torch", "tf")
    np.testing.assert_array_equal(pixel_shuffle(x[..., q], r, "tf"), naive)


# --------------------------------------------------------------------------
# Bad input: ours and the frameworks refuse the same things
# --------------------------------------------------------------------------

def test_channels_not_divisible_by_r_squared():
    x = np.zeros((1, 2, 2, 6))
    with pytest.raises(ValueError, match=r"channels of x \(6\) must be divisible "
                                         r"by r\*r = 4"):
        pixel_shuffle(x, 2)
    with pytest.raises(fw.tf().errors.InvalidArgumentError):
        fw.tf().nn.depth_to_space(x, 2)
    with pytest.raises(RuntimeError):
        fw.torch().nn.functional.pixel_shuffle(fw.to_torch(x), 2)


def test_unshuffle_needs_sides_divisible_by_r():
    x = np.zeros((1, 3, 4, 1))
    with pytest.raises(ValueError, match=r"\(3, 4\) must be divisible by r=2"):
        pixel_unshuffle(x, 2)
    with pytest.raises(RuntimeError):
        fw.torch().nn.functional.pixel_unshuffle(fw.to_torch(x), 2)


@pytest.mark.parametrize("call,error,match", [
    (lambda: pixel_shuffle(np.zeros((1, 1, 1, 4)), 2, "keras"), ValueError,
     "order must be one of"),
    (lambda: pixel_shuffle(np.zeros((1, 1, 1, 4)), 0), ValueError,
     "r must be >= 1"),
    (lambda: pixel_shuffle(np.zeros((1, 1, 1, 4)), 2.0), TypeError,
     "r must be an integer"),
    (lambda: pixel_shuffle(np.zeros((1, 1, 1, 4), dtype=np.int32), 2), TypeError,
     "x must have a floating dtype"),
    (lambda: pixel_unshuffle(np.zeros((4, 4)), 2), ValueError,
     "x must have 3 or 4 dimensions"),
    (lambda: shuffle_permutation(0, 2), ValueError, "channels_out must be >= 1"),
    (lambda: shuffle_permutation(2, 2, "tf", "pytorch"), ValueError,
     "dst must be one of"),
])
def test_bad_input_names_the_parameter(call, error, match):
    with pytest.raises(error, match=match):
        call()
