"""Exercises of chapter 3, "Upsampling methods compared"."""

from __future__ import annotations

import numpy as np

from . import Exercise, register

#: The 2x2 image of the bilinear exercise.
BILINEAR_X = np.array([[1.0, 3.0], [5.0, 7.0]])

#: The pooled values and switches of the unpooling exercise (4x4 input).
UNPOOL_VALUES = np.array([[9.0, 8.0], [7.0, 6.0]])
UNPOOL_SWITCHES = np.array([[5, 2], [8, 15]])


def _bilinear_value():
    from ..resize import resize

    x = BILINEAR_X[None, :, :, None]
    return float(resize(x, (4, 4), "bilinear", convention="tf")[0, 1, 2, 0])


def _source_coordinates():
    from ..resize import source_coordinate

    return (float(source_coordinate(3, 4, 6, "tf")),
            float(source_coordinate(3, 4, 6, "torch", align_corners=True)),
            float(source_coordinate(3, 4, 6, "torch", method="nearest")))


def _unpool():
    from ..pooling import max_unpool2d

    y = UNPOOL_VALUES[None, :, :, None]
    idx = UNPOOL_SWITCHES[None, :, :, None]
    return max_unpool2d(y, idx, (4, 4))[0, :, :, 0]


def _shuffle_position():
    from ..subpixel import pixel_shuffle

    x = np.zeros((1, 2, 3, 12))
    x[0, 1, 2, 7] = 1.0  # channel 7 at (h=1, w=2); C = 12 / 2**2 = 3
    out = pixel_shuffle(x, 2, order="tf")[0]
    return tuple(int(i) for i in np.argwhere(out == 1.0)[0])


def _overlap_range():
    from ..artifacts import overlap_count

    count = overlap_count(8, 5, 2)
    interior = count[4:-4, 4:-4]
    return (int(interior.min()), int(interior.max()))


def _stride_one_size():
    from ..shapes import conv_transpose_output_size

    return conv_transpose_output_size(5, 3, stride=1, padding=0)


register(Exercise(
    name="ch3.bilinear_value",
    question="x = [[1, 3], [5, 7]] is resized to 4x4 with tf.image.resize "
             "(bilinear, half-pixel centres). What is out[1, 2]?",
    expected=_bilinear_value,
    hint_text="Output row 1 samples input row (1 + 0.5) * 2/4 - 0.5 = 0.25; "
              "output column 2 samples column 0.75. Interpolate along the "
              "columns first, then along the rows.",
    solution_text="Along the columns at 0.75: row 0 gives 1 + 0.75 * (3 - 1) "
                  "= 2.5, row 1 gives 5 + 0.75 * 2 = 6.5. Along the rows at "
                  "0.25: 2.5 + 0.25 * (6.5 - 2.5) = 3.5.",
    wrong_examples=[4.0, 3.0, 5.5],
))

register(Exercise(
    name="ch3.source_coordinate",
    question="An axis of 4 pixels is resized to 6. Which input coordinate does "
             "output index 3 sample under (a) TensorFlow 2, (b) PyTorch "
             "bilinear with align_corners=True, (c) PyTorch mode='nearest'? "
             "Answer a tuple of three floats.",
    expected=_source_coordinates,
    hint_text="(a) (dst + 0.5) * in/out - 0.5; (b) dst * (in - 1)/(out - 1); "
              "(c) dst * in/out, the legacy mapping (then floor).",
    solution_text="(a) 3.5 * 4/6 - 0.5 = 1.8333; (b) 3 * 3/5 = 1.8; "
                  "(c) 3 * 4/6 = 2.0.",
    wrong_examples=[(2.0, 1.8, 1.8333333333333333), (1.8333333333333333, 2.0, 1.8),
                    (1.8333333333333333, 1.8)],
))

register(Exercise(
    name="ch3.max_unpool",
    question="A 4x4 map was max-pooled 2x2 into [[9, 8], [7, 6]], with the "
             "switches (row * 4 + col) [[5, 2], [8, 15]]. What does max "
             "unpooling give? Answer a 4x4 array.",
    expected=_unpool,
    hint_text="Switch 5 is row 1, column 1. Every cell that no switch points "
              "at is 0.",
    solution_text="out = zeros((4, 4)); out[1, 1] = 9; out[0, 2] = 8; "
                  "out[2, 0] = 7; out[3, 3] = 6.",
    wrong_examples=[np.repeat(np.repeat(UNPOOL_VALUES, 2, 0), 2, 1),
                    np.array([[0, 0, 8, 0], [0, 9, 0, 0], [0, 0, 0, 0],
                              [7, 0, 0, 6]], dtype=float),
                    UNPOOL_VALUES],
))

register(Exercise(
    name="ch3.pixel_shuffle_position",
    question="tf.nn.depth_to_space with block size 2 is applied to an input of "
             "shape (1, 2, 3, 12). Where does input channel 7 at (h=1, w=2) "
             "land? Answer (row, col, channel) of the output.",
    expected=_shuffle_position,
    hint_text="TensorFlow reads output (h*r + i, w*r + j, c) from input "
              "channel (i*r + j)*C + c, with C = 12 / 4 = 3.",
    solution_text="7 = (i*2 + j)*3 + c gives i*2 + j = 2, c = 1, so i = 1, "
                  "j = 0: row 1*2 + 1 = 3, column 2*2 + 0 = 4, channel 1.",
    wrong_examples=[(3, 5, 1), (2, 4, 1), (3, 4, 7)],
))

register(Exercise(
    name="ch3.overlap_range",
    question="A 2-D transposed convolution has a 5x5 kernel and stride 2. In "
             "the interior of the output, what are the smallest and the "
             "largest number of kernel taps that land on one pixel? Answer "
             "(min, max).",
    expected=_overlap_range,
    hint_text="Along one axis the copies overlap floor(5/2) or ceil(5/2) times; "
              "in 2-D the counts of the two axes multiply.",
    solution_text="Per axis 2 or 3, so 2 * 2 = 4 and 3 * 3 = 9: (4, 9). The "
                  "uneven counts are a checkerboard pattern.",
    wrong_examples=[(2, 3), (6, 6), (4, 6)],
))

register(Exercise(
    name="ch3.stride_one_size",
    question="A stride-1 transposed convolution with a 3x3 kernel and no "
             "padding is applied to a 5x5 map. How many pixels per side does "
             "the output have?",
    expected=_stride_one_size,
    hint_text="o = (i - 1)s + k - 2p.",
    solution_text="(5 - 1) * 1 + 3 - 0 = 7: a stride-1 transposed convolution "
                  "still grows each side by k - 1 - 2p.",
    wrong_examples=[5, 10, 3],
))
