"""Exercises of chapter 1, "CNN basics and LeNet-5"."""

from __future__ import annotations

import numpy as np

from . import CodeExercise, Exercise, Mistake, register

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
#: The input side of ``ch1.output_size`` (kernel 5, stride 2): a size the
#: chapter's tables do not show.
OUT_SIZE_H = 46


def _output_size():
    from ..shapes import conv_output_size

    return conv_output_size(OUT_SIZE_H, 5, stride=2, padding="valid")


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


def _window_at(y: int, x: int, flip: bool = False) -> float:
    w = PIXEL_W[::-1, ::-1] if flip else PIXEL_W
    return float((PIXEL_X[y:y + 3, x:x + 3] * w).sum() + PIXEL_B)


def _flipped_pixel():
    return _window_at(*PIXEL_AT, flip=True)


register(Exercise(
    name="ch1.output_size",
    question="A 46x46 input, a 5x5 kernel, stride 2, 'valid' padding: how many "
             "output pixels along each side?",
    expected=_output_size,
    hints=("Follow the left edge of the window along one row: it starts at 0 "
           "and jumps 2 pixels at a time, and the last window must still fit "
           "entirely inside the 46 pixels.",
           "Count the whole jumps that fit in the H - k pixels the window can "
           "travel, floor((H - k) / s), then add one for the first window."),
    solution_text="floor((46 - 5) / 2) + 1 = floor(20.5) + 1 = 21. "
                  "conv_output_size(46, 5, stride=2) gives the same.",
    worked=("21",),
    mistakes=[
        Mistake(21.5, "You forgot the floor: (46 - 5) / 2 + 1 = 21.5, but a "
                      "window that would stick out of the input is not "
                      "counted."),
        Mistake(20.5, "(46 - 5) / 2 counts the jumps between windows; take "
                      "the floor and add 1 for the first window."),
        Mistake(42, "42 = 46 - 5 + 1 ignores the stride: with stride 2 the "
                    "window moves two pixels at a time."),
        Mistake(23, "23 = ceil(46 / 2) is TensorFlow's 'same' padding; the "
                    "question uses 'valid' (no padding)."),
        Mistake(20, "Off by one: floor((46 - 5) / 2) = 20 jumps, plus the "
                    "first window, makes one more."),
        Mistake(22, "You rounded (46 - 5) / 2 = 20.5 up: half a jump would "
                    "put the last window half outside the input, so round "
                    "down before adding the first window."),
    ],
    next_step="Recompute the number of strides that fit, floor((H - k) / s), "
              "then add one for the first window.",
))

register(Exercise(
    name="ch1.keep_size_padding",
    question="How many rows of zeros p on each side keep a 28x28 input at 28x28 "
             "through a 7x7 convolution with stride 1?",
    expected=_keep_padding,
    hints=("Without padding, how many pixels does a 7x7 window lose along one "
           "side of the image? The padding has to give them back.",
           "The output side is H - k + 2p + 1 (stride 1); set it equal to H "
           "and solve for p, the zeros on one side."),
    solution_text="28 = 28 - 7 + 2p + 1 gives 2p = 6, p = 3 = (k - 1) / 2.",
    worked=("3",),
    mistakes=[
        Mistake(6, "6 is the total, 2p, over both sides; the question asks "
                   "for the zeros on each side."),
        Mistake(7, "7 is the kernel size; a 7x7 window loses k - 1 = 6 "
                   "pixels per side length, which the padding must give "
                   "back, half on each side."),
        Mistake(2, "With p = 2 the output is 28 - 7 + 4 + 1 = 26: the kernel "
                   "loses k - 1 = 6 pixels, so 2p must be 6."),
        Mistake(3.5, "A 7x7 window loses k - 1 = 6 pixels, not 7 (its centre "
                     "pixel stays): half of 6 on each side."),
    ],
    next_step="Recompute how many pixels the 7x7 window loses without padding "
              "(k - 1), then split them over the two sides.",
))

register(Exercise(
    name="ch1.same_padding_split",
    question="TensorFlow 'same' padding, input 7, kernel 4, stride 2: how many "
             "zeros go before and after? Answer (before, after).",
    expected=_same_split,
    hints=("First find the output size that 'same' promises with stride 2: "
           "ceil(H / s). The padding is whatever makes the windows reach that "
           "many positions.",
           "The last window starts at (o - 1) * s and ends k cells later; the "
           "total padding is how far that end passes H. TensorFlow puts "
           "total // 2 zeros before and the rest after."),
    solution_text="o = 4, total = 3 * 2 + 4 - 7 = 3: 1 before, 2 after. "
                  "same_padding(7, 4, stride=2) returns (1, 2).",
    worked=("(1, 2)",),
    mistakes=[
        Mistake((2, 1), "Right total, wrong side: TensorFlow puts the odd "
                        "extra zero after the input, not before."),
        Mistake((1, 1), "(1, 1) is PyTorch's symmetric padding=1; TensorFlow's "
                        "'same' needs 3 zeros in all here, the odd one after."),
        Mistake((3, 3), "3 is the total number of zeros, to be split between "
                        "the two sides (total // 2 before)."),
        Mistake((0, 3), "Right total, but TensorFlow splits it: total // 2 "
                        "before, the rest after."),
        Mistake((1.5, 1.5), "Padding comes in whole zeros: an odd total cannot "
                            "be halved, so TensorFlow puts total // 2 zeros "
                            "before and the rest after."),
    ],
    next_step="Recompute the total padding (o - 1) * s + k - H with "
              "o = ceil(H / s), then split it: total // 2 before.",
))

register(Exercise(
    name="ch1.conv_params",
    question="How many trainable parameters has a Conv2D layer with 64 filters "
             "of size 3x3 on a 32-channel input (with biases)?",
    expected=_conv_params,
    hints=("Count one filter first: it is not a flat 3x3 grid, it reaches "
           "through every channel of its input.",
           "One filter has kernel height * kernel width * input channels "
           "weights plus one bias; the layer has one filter per output "
           "channel."),
    solution_text="(3 * 3 * 32 + 1) * 64 = 18,496; "
                  "keras.layers.Conv2D(64, 3).count_params() after building on "
                  "32 channels agrees.",
    worked=("18,496",),
    mistakes=[
        Mistake(18_432, "18,432 = 3 * 3 * 32 * 64 leaves out the biases: one "
                        "per filter, 64 more."),
        Mistake(3 * 3 * 32 * 64 + 32, "You counted the bias once per input "
                                      "channel; there is one bias per filter "
                                      "(output channel), 64 in all."),
        Mistake(640, "640 = (3 * 3 + 1) * 64 treats each filter as 3x3x1; "
                     "a filter spans all 32 input channels."),
        Mistake(3 * 3 * 32 + 1, "289 is one filter; the layer has 64 of them."),
    ],
    next_step="Recompute the weights of one filter (3 * 3 * input channels) "
              "plus its bias, then multiply by the number of filters.",
))

register(Exercise(
    name="ch1.one_pixel",
    question="With PIXEL_X, PIXEL_W and bias PIXEL_B (companion.exercises.ch1), "
             "what is the 'valid', stride-1 output at row 1, column 2?",
    expected=_one_pixel,
    hints=("Output (row, column) comes from the 3x3 window of PIXEL_X whose "
           "top-left corner is at that same row and column (stride 1, no "
           "padding). Print that window.",
           "Multiply the window element by element with PIXEL_W as it is "
           "(CNN layers do not flip the kernel), sum the nine products and "
           "add the bias."),
    solution_text="(PIXEL_X[1:4, 2:5] * PIXEL_W).sum() + PIXEL_B = 7; "
                  "conv2d_naive gives the same value.",
    worked=("7",),
    mistakes=[
        Mistake(_one_pixel() - PIXEL_B, "You forgot to add the bias, 2."),
        Mistake(_flipped_pixel(), "You flipped the kernel: that is the "
                                  "convolution of signal processing. CNN "
                                  "layers multiply with the kernel as it is "
                                  "(cross-correlation)."),
        Mistake(_window_at(PIXEL_AT[1], PIXEL_AT[0]),
                "You swapped row and column: the window of output (1, 2) "
                "starts at input row 1, column 2, PIXEL_X[1:4, 2:5]."),
        Mistake(_window_at(PIXEL_AT[0] - 1, PIXEL_AT[1] - 1),
                "You counted rows and columns from 1: NumPy counts from 0, so "
                "output (1, 2) is the second row and the third column, and "
                "its window is PIXEL_X[1:4, 2:5]."),
    ],
    next_step="Recompute the window PIXEL_X[1:4, 2:5], its elementwise "
              "product with PIXEL_W, the sum, then add PIXEL_B.",
))

register(Exercise(
    name="ch1.dropout_scale",
    question="Keras Dropout(rate=0.2) at training time: what does a kept "
             "activation of 3.0 become?",
    expected=_dropout_value,
    hints=("Keras wants the layer's output to have the same average at "
           "training and at inference time. On average, what fraction of the "
           "values survives?",
           "Inverted dropout divides every kept value by the probability of "
           "keeping it, 1 - rate."),
    solution_text="3.0 / (1 - 0.2) = 3.75; dropped values become 0.",
    worked=("3.75",),
    mistakes=[
        Mistake(3.0, "At training time the kept values are scaled up; 3.0 is "
                     "what comes out at inference."),
        Mistake(2.4, "2.4 = 3.0 * 0.8 multiplies by the keep probability; "
                     "Keras divides by it (inverted dropout), so inference "
                     "needs no change."),
        Mistake(15.0, "15 = 3.0 / 0.2 divides by the rate; divide by the "
                      "probability of keeping, 1 - rate."),
        Mistake(0.0, "A kept value is not zeroed; only the dropped ones are."),
        Mistake(3.6, "3.6 = 3.0 * (1 + 0.2) scales up by the rate; Keras "
                     "divides by the keep probability, 1 - rate, which is a "
                     "little more."),
    ],
    next_step="Recompute the keep probability, 1 - rate, and divide the kept "
              "value by it.",
))


def valid_conv_cases(rng: np.random.Generator) -> list[tuple]:
    """Random 2-D inputs and non-square kernels for ``ch1.conv2d_valid``."""
    shapes = [((6, 7), (2, 3)), ((5, 5), (3, 3)), ((8, 4), (3, 1)),
              ((4, 6), (4, 2))]
    return [(rng.normal(size=xs), rng.normal(size=ws)) for xs, ws in shapes]


def _conv_valid(x, w):
    from ..conv import conv2d

    return conv2d(x[None, :, :, None], w[:, :, None, None])[0, :, :, 0]


def _conv_true(x, w):
    return _conv_valid(x, np.ascontiguousarray(w[::-1, ::-1]))


def _conv_off_by_one(x, w):
    return _conv_valid(x, w)[:-1, :-1]


def _conv_same(x, w):
    from ..conv import conv2d

    return conv2d(x[None, :, :, None], w[:, :, None, None],
                  padding="same")[0, :, :, 0]


def _conv_no_sum_over_columns(x, w):
    # each output is the window's first column only
    k, m = w.shape
    h, v = x.shape[0] - k + 1, x.shape[1] - m + 1
    return np.array([[(x[i:i + k, j] * w[:, 0]).sum() for j in range(v)]
                     for i in range(h)])


register(CodeExercise(
    name="ch1.conv2d_valid",
    question="Write conv2d_valid(x, w): the 'valid', stride-1 convolution (as "
             "CNN layers compute it) of a 2-D array x (H, W) with a 2-D kernel "
             "w (K, L), returning an (H - K + 1, W - L + 1) array.",
    cases=valid_conv_cases,
    reference=_conv_valid,
    describe=lambda x, w: f"x of shape {x.shape} and w of shape {w.shape}",
    hints=("Start with the shape of the result: how many positions does a "
           "K x L window have inside an H x W array? Create an array of that "
           "shape and fill it one output at a time.",
           "Output (i, j) is the window x[i:i + K, j:j + L] times w, element "
           "by element, summed; loop i and j over all output positions, and "
           "do not flip w. End with return."),
    solution_text="Two loops over the output positions; each output is the "
                  "sum of the window times the kernel. companion.conv.conv2d "
                  "does the same on (n, h, w, c) arrays.",
    mistakes=[
        Mistake(_conv_true, "You flipped the kernel: that is the convolution "
                            "of signal processing. CNN layers use the kernel "
                            "as it is (cross-correlation)."),
        Mistake(_conv_off_by_one, "Off by one: the last window starts at "
                                  "H - K, so there are H - K + 1 rows (and "
                                  "W - L + 1 columns); range(H - K) misses "
                                  "the last."),
        Mistake(_conv_same, "That is 'same' padding (zeros around x, output "
                            "as large as x); the question asks for 'valid', "
                            "no padding."),
        Mistake(_conv_no_sum_over_columns, "Each output uses only the first "
                                           "column of its window: sum over "
                                           "all K x L products."),
    ],
    next_step="Recompute one output by hand, (x[i:i + K, j:j + L] * w).sum(), "
              "and compare it with your function's value at (i, j).",
))
