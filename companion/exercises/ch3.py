"""Exercises of chapter 3, "Upsampling methods compared"."""

from __future__ import annotations

import numpy as np

from . import CodeExercise, Exercise, Mistake, register

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
    x[0, 1, 2, 7] = 1.0  # channel 7 at (h=1, w=2); c = 12 / 2**2 = 3
    out = pixel_shuffle(x, 2, order="tf")[0]
    return tuple(int(i) for i in np.argwhere(out == 1.0)[0])


def _overlap_range():
    from ..artifacts import overlap_count

    count = overlap_count(8, 5, 2)
    interior = count[4:-4, 4:-4]
    return (int(interior.min()), int(interior.max()))


def _stride_one_size():
    from ..shapes import conv_transpose_output_size

    return conv_transpose_output_size(17, 7, stride=1, padding=2)


def _bilinear_at(convention="tf", align_corners=False, at=(1, 2)) -> float:
    from ..resize import resize

    x = BILINEAR_X[None, :, :, None]
    out = resize(x, (4, 4), "bilinear", convention=convention,
                 align_corners=align_corners)
    return float(out[0, at[0], at[1], 0])


def _unpool_swapped():
    out = np.zeros((4, 4))
    for v, s in zip(UNPOOL_VALUES.ravel(), UNPOOL_SWITCHES.ravel()):
        out[s % 4, s // 4] = v
    return out


def _shuffle_torch_order():
    # PyTorch reads input channel k * r**2 + i * r + j for output channel k
    k, block = divmod(7, 4)
    i, j = divmod(block, 2)
    return (1 * 2 + i, 2 * 2 + j, k)


register(Exercise(
    name="ch3.bilinear_value",
    question="x = [[1, 3], [5, 7]] is resized to 4x4 with tf.image.resize "
             "(bilinear, half-pixel centres). What is out[1, 2]?",
    expected=_bilinear_value,
    hints=("First find where output pixel (1, 2) sits on the input: the "
           "half-pixel mapping gives an input row and an input column, "
           "usually between pixels.",
           "Input coordinate = (dst + 0.5) * in/out - 0.5, once for row 1 and "
           "once for column 2. Then interpolate linearly along the columns in "
           "both input rows, and between the two results along the rows."),
    solution_text="Along the columns at 0.75: row 0 gives 1 + 0.75 * (3 - 1) "
                  "= 2.5, row 1 gives 5 + 0.75 * 2 = 6.5. Along the rows at "
                  "0.25: 2.5 + 0.25 * (6.5 - 2.5) = 3.5.",
    worked=("3.5",),
    mistakes=[
        Mistake(float(BILINEAR_X.mean()),
                "4 is the mean of all four pixels, the value at the centre "
                "(0.5, 0.5); out[1, 2] samples (0.25, 0.75)."),
        Mistake(_bilinear_at("tf1"),
                "That is TensorFlow 1's legacy mapping, dst * in/out (row 0.5, "
                "column 1.0); TensorFlow 2 uses half-pixel centres, "
                "(dst + 0.5) * in/out - 0.5."),
        Mistake(_bilinear_at("tf1", align_corners=True),
                "That is align_corners=True, dst * (in - 1)/(out - 1); "
                "tf.image.resize uses half-pixel centres."),
        Mistake(_bilinear_at(at=(2, 1)),
                "You swapped row and column: row 1 samples 0.25, column 2 "
                "samples 0.75."),
        Mistake(3.0, "3 is the value of the nearest input pixel, x[0, 1]; "
                     "bilinear blends the four pixels around the sample "
                     "point."),
    ],
    next_step="Recompute the two source coordinates, (dst + 0.5) * 2/4 - 0.5 "
              "for row 1 and for column 2, then interpolate along the columns "
              "and then along the rows.",
    rtol=1e-4,
))

register(Exercise(
    name="ch3.source_coordinate",
    question="An axis of 4 pixels is resized to 6. Which input coordinate does "
             "output index 3 sample under (a) TensorFlow 2, (b) PyTorch "
             "bilinear with align_corners=True, (c) PyTorch mode='nearest'? "
             "Answer a tuple of three floats.",
    expected=_source_coordinates,
    hints=("The three libraries use three different mappings; the table of "
           "coordinate mappings above says which library uses which.",
           "(a) is the half-pixel mapping, (b) the align-corners one, (c) the "
           "legacy one (before its floor); put dst = 3, in = 4 and out = 6 "
           "into each formula of the table."),
    solution_text="(a) 3.5 * 4/6 - 0.5 = 1.8333; (b) 3 * 3/5 = 1.8; "
                  "(c) 3 * 4/6 = 2.0.",
    worked=("1.8333", "1.8", "2.0"),
    mistakes=[
        Mistake((2.0, 1.8, 2.0), "(a) 2.0 is the legacy mapping dst * in/out; "
                                 "TensorFlow 2 uses half-pixel centres, "
                                 "(dst + 0.5) * in/out - 0.5."),
        Mistake((11 / 6, 1.8, 11 / 6), "(c) PyTorch's mode='nearest' keeps the "
                                       "legacy mapping dst * in/out; the "
                                       "half-pixel one is 'nearest-exact'."),
        Mistake((11 / 6, 2.0, 2.0), "(b) align_corners=True maps the corner "
                                    "centres onto each other: dst * (in - 1) / "
                                    "(out - 1), not dst * in/out."),
        Mistake((11 / 6, 2.0, 1.8), "(b) and (c) are swapped."),
        Mistake((1.8, 1.8, 2.0), "(a) 1.8 is the align-corners value; "
                                 "TensorFlow 2 uses half-pixel centres, "
                                 "(dst + 0.5) * in/out - 0.5."),
    ],
    next_step="Recompute the item the message names with its own formula: "
              "(a) (dst + 0.5) * in/out - 0.5, (b) dst * (in - 1)/(out - 1), "
              "(c) dst * in/out.",
    rtol=1e-4,
))

register(Exercise(
    name="ch3.max_unpool",
    question="A 4x4 map was max-pooled 2x2 into [[9, 8], [7, 6]], with the "
             "switches (row * 4 + col) [[5, 2], [8, 15]]. What does max "
             "unpooling give? Answer a 4x4 array.",
    expected=_unpool,
    hints=("A switch is a position in the 4x4 input, written as one number: "
           "row * 4 + col. Decode switch 5 first.",
           "row = s // 4 and col = s % 4; write each pooled value at its "
           "switch's position in a 4x4 array of zeros."),
    solution_text="out = zeros((4, 4)); out[1, 1] = 9; out[0, 2] = 8; "
                  "out[2, 0] = 7; out[3, 3] = 6.",
    mistakes=[
        Mistake(np.repeat(np.repeat(UNPOOL_VALUES, 2, 0), 2, 1),
                "That copies every value into its whole 2x2 block (nearest "
                "'unsampling'); unpooling puts each value only where its "
                "switch points, zeros elsewhere."),
        Mistake(_unpool_swapped(), "You swapped row and column: switch = "
                                   "row * 4 + col, so row = s // 4 and "
                                   "col = s % 4."),
        Mistake(np.kron(UNPOOL_VALUES, [[1, 0], [0, 0]]),
                "Each value went to the top-left of its block; the switch "
                "says where in the block the maximum was."),
        Mistake(UNPOOL_VALUES, "That is the pooled 2x2 map; unpooling returns "
                               "the 4x4 size of the pooling's input."),
    ],
    next_step="Recompute each switch's position, (s // 4, s % 4), and write "
              "its value there into a 4x4 array of zeros.",
))

register(Exercise(
    name="ch3.pixel_shuffle_position",
    question="tf.nn.depth_to_space with block size 2 is applied to an input of "
             "shape (1, 2, 3, 12). Where does input channel 7 at (h=1, w=2) "
             "land? Answer (row, col, channel) of the output.",
    expected=_shuffle_position,
    hints=("Each input pixel becomes an r x r block of the output, so the "
           "output has r**2 times fewer channels; work out that channel count "
           "first.",
           "TensorFlow reads output (h*r + i, w*r + j, k) from input channel "
           "(i*r + j)*c + k, for c output channels: split 7 into block index "
           "i*r + j and output channel k, then place it."),
    solution_text="7 = (i*2 + j)*3 + k gives i*2 + j = 2, k = 1, so i = 1, "
                  "j = 0: row 1*2 + 1 = 3, column 2*2 + 0 = 4, channel 1: (3, 4, 1).",
    worked=("(3, 4, 1)",),
    mistakes=[
        Mistake(_shuffle_torch_order(), "That is PyTorch's order, channel "
                                        "k * r**2 + i*r + j; TensorFlow's is "
                                        "(i*r + j) * c + k."),
        Mistake((2, 5, 1), "You swapped i and j: i*r + j = 2 gives i = 1 (the "
                           "row offset) and j = 0."),
        Mistake((3, 4, 7), "The output has c = 12 / 4 = 3 channels; channel 7 "
                           "becomes channel 7 mod 3 = 1."),
        Mistake((1, 2, 7), "That is where the value sits in the input; "
                           "depth_to_space moves it into the 2 x 2 block of "
                           "output pixels that input pixel (1, 2) becomes."),
    ],
    next_step="Recompute c = 12 / r**2, split 7 = (i*r + j)*c + k, then the "
              "position (h*r + i, w*r + j).",
))

register(Exercise(
    name="ch3.overlap_range",
    question="A 2-D transposed convolution has a 5x5 kernel and stride 2. In "
             "the interior of the output, what are the smallest and the "
             "largest number of kernel taps that land on one pixel? Answer "
             "(min, max).",
    expected=_overlap_range,
    hints=("Do one axis first: copies 5 taps wide start every 2 cells. Count "
           "how many copies cover one output cell, in the middle of the row.",
           "Along one axis a cell is covered floor(K/s) or ceil(K/s) times, "
           "depending on its position; in 2-D the counts of the two axes "
           "multiply, so take the smallest and the largest product."),
    solution_text="Per axis 2 or 3, so 2 * 2 = 4 and 3 * 3 = 9: (4, 9). The "
                  "uneven counts are a checkerboard pattern.",
    worked=("(4, 9)",),
    mistakes=[
        Mistake((2, 3), "Those are the counts along one axis; in 2-D the "
                        "counts of the two axes multiply."),
        Mistake((6, 6), "6 = 2 * 3 mixes an even row with an odd column; the "
                        "smallest is both axes at 2, the largest both at 3."),
        Mistake((4, 6), "4 is right; the largest is both axes at 3, 3 * 3."),
        Mistake((9, 4), "Right numbers, wrong order: the answer is (min, max), "
                        "the smaller first."),
    ],
    next_step="Recompute the 1-D counts (floor(K/s) and ceil(K/s)), then the "
              "smallest and largest products of two of them.",
))

register(Exercise(
    name="ch3.stride_one_size",
    question="A PyTorch stride-1 transposed convolution with a 7x7 kernel and "
             "padding=2 is applied to a 17x17 map. How many pixels per side "
             "does the output have?",
    expected=_stride_one_size,
    hints=("Picture the scatter with stride 1: each of the 17 inputs drops a "
           "7-wide copy, one cell after the previous one. How long is the "
           "scatter before any padding?",
           "The last copy starts at (i - 1)s and is k wide; PyTorch's padding "
           "then crops p cells from each side."),
    solution_text="(17 - 1) * 1 + 7 - 2 * 2 = 19: a stride-1 transposed "
                  "convolution grows each side by k - 1 - 2p.",
    worked=("19",),
    mistakes=[
        Mistake(17, "With stride 1 the size does not simply stay: the scatter "
                    "grows by k - 1 = 6, and padding=2 crops only 2 * 2 of it."),
        Mistake(23, "23 is the full scatter, (17 - 1) + 7; PyTorch's padding=2 "
                    "crops 2 cells from each side."),
        Mistake(21, "padding=2 crops 2 cells from each side, 4 in all, not 2."),
        Mistake(20, "Use (i - 1)s, not i s: the last copy starts at (i - 1)s "
                    "and is k wide."),
        Mistake(15, "15 = 17 - 7 + 2 * 2 + 1 is the forward convolution, which "
                   "shrinks; the transposed one scatters and grows."),
    ],
    next_step="Recompute (i - 1)s, where the last copy starts, add its width "
              "k, then subtract the 2p cells the padding crops.",
))


#: The three mappings of ``ch3.coordinate_mapping``, by the keyword it takes.
MAPPINGS = ("half_pixel", "legacy", "align_corners")


def coordinate_cases(rng: np.random.Generator) -> list[tuple]:
    """Random (dst, in_size, out_size, mapping) for ``ch3.coordinate_mapping``:
    every mapping, up and down, plus the one-pixel output of align corners.

    The first case is dst = 0 when upsampling with half-pixel centres, whose
    source coordinate is negative (a version clamped at 0 must fail).
    """
    in_size = int(rng.integers(2, 20))
    cases = [(0, in_size, in_size + int(rng.integers(1, 20)), "half_pixel")]
    for k in range(12):
        in_size, out_size = (int(v) for v in rng.integers(2, 40, size=2))
        if in_size == out_size:
            out_size += 3
        cases.append((int(rng.integers(0, out_size)), in_size, out_size,
                      MAPPINGS[k % 3]))
    cases.append((out_size - 1, in_size, out_size, "align_corners"))
    cases.append((0, int(rng.integers(2, 40)), 1, "align_corners"))
    return cases


def _coord_ref(dst, in_size, out_size, mapping):
    from ..resize import source_coordinate

    if mapping == "half_pixel":
        return float(source_coordinate(dst, in_size, out_size, "tf"))
    return float(source_coordinate(dst, in_size, out_size, "tf1",
                                   align_corners=mapping == "align_corners"))


def _coord_with(**wrong):
    """The reference, except for the mappings in ``wrong`` (mapping -> function)."""
    def answer(dst, in_size, out_size, mapping):
        if mapping in wrong:
            return wrong[mapping](dst, in_size, out_size)
        return _coord_ref(dst, in_size, out_size, mapping)
    return answer


def _half(dst, in_size, out_size):
    return _coord_ref(dst, in_size, out_size, "half_pixel")


def _legacy(dst, in_size, out_size):
    return _coord_ref(dst, in_size, out_size, "legacy")


def _corners(dst, in_size, out_size):
    return _coord_ref(dst, in_size, out_size, "align_corners")


def _corners_as_legacy(dst, in_size, out_size):
    return dst * in_size / out_size


def _half_once(dst, in_size, out_size):
    return (dst + 0.5) * in_size / out_size


def _half_inverted(dst, in_size, out_size):
    return (dst + 0.5) * out_size / in_size - 0.5


register(CodeExercise(
    name="ch3.coordinate_mapping",
    question="Write source_coordinate(dst, in_size, out_size, mapping): the "
             "input coordinate that output index dst samples when an axis of "
             "in_size pixels is resized to out_size, for mapping "
             "'half_pixel', 'legacy' or 'align_corners'. With align corners "
             "and out_size == 1, return 0.0, as PyTorch does.",
    cases=coordinate_cases,
    reference=_coord_ref,
    describe=lambda d, i, o, m: (f"dst={d}, in_size={i}, out_size={o}, "
                                 f"mapping={m!r}"),
    hints=("Branch on mapping: one formula per branch, each from the table of "
           "coordinate mappings above. Which of the three divides by "
           "something that can be zero?",
           "half_pixel: (dst + 0.5) * in_size / out_size - 0.5; legacy: "
           "dst * in_size / out_size; align_corners: dst * (in_size - 1) / "
           "(out_size - 1), except 0.0 when out_size is 1. Return a float."),
    solution_text="if mapping == 'half_pixel': return (dst + 0.5) * in_size / "
                  "out_size - 0.5; if mapping == 'legacy': return dst * "
                  "in_size / out_size; if out_size == 1: return 0.0; return "
                  "dst * (in_size - 1) / (out_size - 1).",
    mistakes=[
        Mistake(_coord_with(legacy=_half, align_corners=_half),
                "Every mapping gave the half-pixel result: branch on the "
                "mapping argument."),
        Mistake(_coord_with(legacy=_corners, align_corners=_legacy),
                "'legacy' and 'align_corners' are swapped: legacy is "
                "dst * in/out, align corners dst * (in - 1)/(out - 1)."),
        Mistake(_coord_with(align_corners=_corners_as_legacy),
                "'align_corners' gave the legacy value dst * in/out; align "
                "corners maps the first and last pixel centres onto each "
                "other, dst * (in - 1)/(out - 1)."),
        Mistake(_coord_with(half_pixel=_legacy),
                "'half_pixel' gave the legacy value dst * in/out: scale the "
                "pixel's centre dst + 0.5, not the index dst, and subtract "
                "0.5 afterwards."),
        Mistake(_coord_with(half_pixel=_half_once),
                "'half_pixel': you added the half pixel but did not take it "
                "back: subtract 0.5 after scaling."),
        Mistake(_coord_with(half_pixel=_half_inverted),
                "'half_pixel': you scaled by out/in; an output index moves "
                "in_size / out_size input pixels per step."),
    ],
    next_step="Recompute the mapping named above by hand for its numbers, "
              "with the formula of that row of the table.",
    rtol=1e-9,
))
