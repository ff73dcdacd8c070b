"""Exercises of chapter 1, "CNN basics and LeNet-5"."""

from __future__ import annotations

import numpy as np

from . import Exercise, register

#: The input and kernel of the "one output pixel by hand" exercise.
PIXEL_X = np.array([[2, 0, 1, 3, 1],
                    [1, 4, 2, 0, 2],
                    [0, 3, 1, 2, 5],
                    [4, 1, 0, 1, 2],
                    [1, 2, 3, 0, 1]], dtype=np.float64)
PIXEL_W = np.array([[1, 0, -1],
                    [2, 1, 0],
                    [0, -1, 1]], dtype=np.float64)
PIXEL_B = 2.0
#: Output position ``(row, column)`` asked for.
PIXEL_AT = (1, 2)


def _output_size():
    from ..shapes import conv_output_size

    return conv_output_size(28, 5, stride=2, padding="valid")


def _keep_padding():
    from ..shapes import conv_output_size

    return next(p for p in range(10) if conv_output_size(28, 7, padding=p) == 28)


def _same_split():
    from ..shapes import same_padding

    return same_padding(7, 4, stride=2)


def _conv_params():
    from ..conv import conv2d

    w, b = np.zeros((3, 3, 32, 64)), np.zeros(64)   # HWIO kernel and biases
    assert_shape = conv2d(np.zeros((1, 3, 3, 32)), w, b).shape
    if assert_shape != (1, 1, 1, 64):  # pragma: no cover - companion broken
        raise RuntimeError(f"conv2d returned {assert_shape}")
    return w.size + b.size


def _one_pixel():
    from ..conv import conv2d_naive

    out = conv2d_naive(PIXEL_X[None, :, :, None], PIXEL_W[:, :, None, None],
                       np.array([PIXEL_B]))
    return float(out[0, PIXEL_AT[0], PIXEL_AT[1], 0])


def _dropout_value():
    from ..layers import dropout

    # with rate 0.2 a kept value is scaled by 1 / (1 - 0.2)
    rng = np.random.default_rng(0)
    out = dropout(np.full(1000, 3.0), 0.2, rng, training=True)
    return float(out[out != 0][0])


def _flipped_pixel():
    y, x = PIXEL_AT
    return float((PIXEL_X[y:y + 3, x:x + 3] * PIXEL_W[::-1, ::-1]).sum() + PIXEL_B)


register(Exercise(
    name="ch1.output_size",
    question="A 28x28 input, a 5x5 kernel, stride 2, 'valid' padding: how many "
             "output pixels along each side?",
    expected=_output_size,
    hint_text="o = floor((H - k) / s) + 1; the last window must fit entirely.",
    solution_text="floor((28 - 5) / 2) + 1 = floor(11.5) + 1 = 12. "
                  "conv_output_size(28, 5, stride=2) gives the same.",
    wrong_examples=[11.5, 12.5, 24, 14],
))

register(Exercise(
    name="ch1.keep_size_padding",
    question="How many rows of zeros P on each side keep a 28x28 input at 28x28 "
             "through a 7x7 convolution with stride 1?",
    expected=_keep_padding,
    hint_text="Solve 28 = (28 - 7 + 2P) / 1 + 1 for P.",
    solution_text="28 = 28 - 7 + 2P + 1 gives 2P = 6, P = 3 = (k - 1) / 2.",
    wrong_examples=[6, 7, 2],
))

register(Exercise(
    name="ch1.same_padding_split",
    question="TensorFlow 'same' padding, input 7, kernel 4, stride 2: how many "
             "zeros go before and after? Answer (before, after).",
    expected=_same_split,
    hint_text="o = ceil(7 / 2); total = (o - 1) * s + k - H; TensorFlow puts "
              "total // 2 before and the rest after.",
    solution_text="o = 4, total = 3 * 2 + 4 - 7 = 3: 1 before, 2 after. "
                  "same_padding(7, 4, stride=2) returns (1, 2).",
    wrong_examples=[(2, 1), (1, 1), (0, 3), (3, 3)],
))

register(Exercise(
    name="ch1.conv_params",
    question="How many trainable parameters has a Conv2D layer with 64 filters "
             "of size 3x3 on a 32-channel input (with biases)?",
    expected=_conv_params,
    hint_text="Each filter spans all input channels: 3 * 3 * 32 weights, plus "
              "one bias.",
    solution_text="(3 * 3 * 32 + 1) * 64 = 18,496; "
                  "keras.layers.Conv2D(64, 3).count_params() after building on "
                  "32 channels agrees.",
    wrong_examples=[18_432, 640, 3 * 3 * 32 + 1, 73_792],
))

register(Exercise(
    name="ch1.one_pixel",
    question="With PIXEL_X, PIXEL_W and bias PIXEL_B (companion.exercises.ch1), "
             "what is the 'valid', stride-1 output at row 1, column 2?",
    expected=_one_pixel,
    hint_text="The window starts at row 1, column 2 of the input: "
              "PIXEL_X[1:4, 2:5]. Multiply element by element with the kernel "
              "(no flip), sum, add the bias.",
    solution_text="(PIXEL_X[1:4, 2:5] * PIXEL_W).sum() + PIXEL_B; "
                  "conv2d_naive gives the same value.",
    wrong_examples=[_one_pixel() - PIXEL_B, _flipped_pixel(),
                    _one_pixel() + 1.0],
))

register(Exercise(
    name="ch1.dropout_scale",
    question="Keras Dropout(rate=0.2) at training time: what does a kept "
             "activation of 3.0 become?",
    expected=_dropout_value,
    hint_text="Inverted dropout keeps the expected value: kept values are "
              "divided by the probability of keeping them.",
    solution_text="3.0 / (1 - 0.2) = 3.75; dropped values become 0.",
    wrong_examples=[3.0, 2.4, 15.0, 0.0],
))
