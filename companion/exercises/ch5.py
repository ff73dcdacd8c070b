"""Exercises of chapter 5: inpainting with a skip-connection autoencoder."""

from __future__ import annotations

import numpy as np

from . import CodeExercise, Exercise, Mistake, register

#: The input side of ``ch5.concat2_shape``: a size that closes, other than
#: the article's 228 that the chapter traces.
CONCAT2_SIZE = 252
#: ``ch5.next_valid_size`` asks for the smallest closing size above this one
#: (beyond the sizes the chapter lists).
NEXT_ABOVE = 300


def _layer_names() -> list[str]:
    from ..models.inpainting import trace_shapes

    return [r.name for r in trace_shapes(228)]


def _diagnose_96(answer) -> str | None:
    """A diagnosis for a wrong layer name in ``ch5.why_96_fails``."""
    if not isinstance(answer, (tuple, list)) or len(answer) != 3 or \
            not isinstance(answer[0], str) or answer[0] == "concat1":
        return None
    name, names = answer[0], _layer_names()
    concats = [n for n in names if n.startswith("concat")]
    if name.strip().lower() in names and name != name.strip().lower():
        return (f"Write the name as the trace table does, in lower case and "
                f"without spaces: {name.strip().lower()!r}, not {name!r}.")
    if name in concats:
        return (f"{name} is not the first to fail: on the way up the data "
                f"meets the concatenations in the order "
                f"{', '.join(concats)}, and an earlier one already fails.")
    if name.startswith("pool"):
        return (f"{name} is a pooling layer, where an odd size gets floored; "
                f"the question asks which concatenation then has to join two "
                f"different sizes.")
    if name in names:
        return (f"{name} is a layer of the network but not a concatenation; "
                f"the concatenations are {', '.join(concats)}.")
    return (f"{name!r} is not a layer name of the network; its concatenations "
            f"are {', '.join(concats)} (see the trace table).")


def _mask():
    from ..models.inpainting import square_mask

    return square_mask(8, 2, 4, 3)


def psnr_example():
    """The fixed images of the hole-PSNR exercise: original, restored, mask.

    The original is a colour ramp; the restoration fills a 3 x 3 hole at
    (1, 2) with grey 0.5 and, outside the hole, is off by 0.1 everywhere
    (which a hole-only PSNR must ignore).
    """
    from ..models.inpainting import square_mask

    yy, xx = np.mgrid[0:6, 0:6] / 5.0
    original = np.stack([xx, yy, 0.5 * (xx + yy)], axis=-1)[None]
    mask = square_mask(6, 1, 2, 3)[None].astype(np.float64)
    restored = np.where(mask == 1, 0.5, original + 0.1)
    return original, restored, mask


def _psnr():
    from ..models.inpainting import hole_psnr

    return float(hole_psnr(*psnr_example())[0])


def _psnr_wrong():
    original, restored, mask = psnr_example()
    whole = 10 * np.log10(1 / np.mean((original - restored) ** 2))
    hole = mask[..., 0] == 1
    mse_hole = float(np.mean((original[hole] - restored[hole]) ** 2))
    mse_outside = float(np.mean((original[~hole] - restored[~hole]) ** 2))
    return [float(whole), mse_hole, 10 * np.log10(255 ** 2 / mse_hole),
            float(10 * np.log10(1 / mse_outside))]


def _shape_concat2():
    from ..models.inpainting import trace_shapes

    return next(r.shape for r in trace_shapes(CONCAT2_SIZE) if r.name == "concat2")


def _why_96():
    from ..models.inpainting import skip_problem

    return skip_problem(96)


def _next_size():
    from ..models.inpainting import valid_input_sizes

    return valid_input_sizes(NEXT_ABOVE + 1, NEXT_ABOVE + 100)[0]


register(Exercise(
    name="ch5.mask",
    question="Build the (8, 8, 1) float mask of an 8 x 8 image with a 3 x 3 "
             "hole whose top-left pixel is at row 2, column 4 (1 in the hole, "
             "0 elsewhere).",
    expected=_mask,
    hints=("Start from an (8, 8, 1) array of zeros and draw the hole into it. "
           "Which index is the row, which the column?",
           "A 3 x 3 hole whose top-left pixel is at (row, col) covers the "
           "slices row:row + 3 and col:col + 3 (a slice stops before its "
           "end); set them to 1."),
    solution_text="mask = np.zeros((8, 8, 1), np.float32); "
                  "mask[2:5, 4:7] = 1, which is ip.square_mask(8, 2, 4, 3).",
    mistakes=[
        Mistake(np.pad(np.ones((3, 3, 1)), ((4, 1), (2, 3), (0, 0))),
                "You swapped rows and columns: the hole starts at row 2 "
                "(first index) and column 4 (second index)."),
        Mistake(np.pad(np.ones((4, 4, 1)), ((2, 2), (4, 0), (0, 0))),
                "The hole is 4 x 4: the slice 2:5 holds rows 2, 3 and 4 (it "
                "stops before 5)."),
        Mistake(np.pad(np.ones((3, 3)), ((2, 3), (4, 1))),
                "The mask needs its channel axis: shape (8, 8, 1), not "
                "(8, 8)."),
        Mistake(np.pad(np.ones((2, 2, 1)), ((2, 4), (4, 2), (0, 0))),
                "The hole is 2 x 2: the slice 2:4 holds rows 2 and 3 only (it "
                "stops before 4); a 3 x 3 hole needs 2:5."),
    ],
    next_step="Recompute the slices: rows 2 to 2 + 3 and columns 4 to 4 + 3 "
              "of an (8, 8, 1) array of zeros.",
))

register(Exercise(
    name="ch5.hole_psnr",
    question="For psnr_example()'s original, restored and mask, what is the "
             "PSNR in dB over the hole pixels only (data range 1)?",
    expected=_psnr,
    hints=("Only the hole pixels count: select them first with the mask, "
           "and leave the 0.1 error outside the hole out.",
           "hole = mask[..., 0] == 1 picks the pixels; take the mean squared "
           "error over them and all three channels, then 10 * log10(peak**2 "
           "/ mse) with peak 1."),
    solution_text="hole = mask[..., 0] == 1; mse = np.mean((original[hole] - "
                  "restored[hole]) ** 2); 10 * np.log10(1 / mse), the same as "
                  "ip.hole_psnr(original, restored, mask)[0]. The 0.1 error "
                  "outside the hole does not count.",
    mistakes=[
        Mistake(_psnr_wrong()[0], "That is the PSNR of the whole image; the "
                                  "question asks for the hole pixels only (the "
                                  "0.1 error outside must not count)."),
        Mistake(_psnr_wrong()[1], "That is the mean squared error; the PSNR is "
                                  "10 * log10(1 / mse) in dB."),
        Mistake(_psnr_wrong()[2], "You used a data range of 255; these images "
                                  "are floats in [0, 1], so the peak is 1."),
        Mistake(_psnr_wrong()[3], "That is the PSNR outside the hole, where "
                                  "the error is 0.1 everywhere: you kept the "
                                  "pixels where the mask is 0; the hole is "
                                  "where it is 1."),
    ],
    next_step="Recompute the mean squared error over the hole pixels only "
              "(all three channels), then 10 * log10(1 / mse).",
    rtol=1e-4,
))

register(Exercise(
    name="ch5.concat2_shape",
    question="With a 252 x 252 x 3 input (another size that closes), what "
             "is the shape (height, width, channels) of the output of concat2?",
    expected=_shape_concat2,
    hints=("concat2 joins two maps of the same size: which two? The trace "
           "table above (for 228) names the layers in order.",
           "concat2 joins up2 (convt2's output, doubled) with the skip from "
           "conv4. Follow the sizes from 252: each valid 3 x 3 convolution "
           "takes 2 away, each pooling halves; then add the channels of both "
           "inputs."),
    solution_text="252 -> 250 -> 248 -> pool1 124 -> 122 -> conv4 120 x 120 x "
                  "64; convt2 gives 60 x 60 x 128, upsampled to 120 x 120 x "
                  "128; the concatenation has 128 + 64 = 192 channels: "
                  "(120, 120, 192).",
    worked=("(120, 120, 192)",),
    mistakes=[
        Mistake((108, 108, 192), "That is concat2 for the article's 228 input, "
                                 "the trace table above; this input is 252."),
        Mistake((120, 120, 128), "That is up2 alone; the concatenation adds "
                                 "conv4's 64 channels."),
        Mistake((120, 120, 64), "That is conv4 alone; the concatenation adds "
                                "up2's 128 channels."),
        Mistake((122, 122, 192), "122 is conv3's size; conv4 takes 2 more "
                                 "away (3 x 3, valid)."),
        Mistake((60, 60, 192), "60 is convt2's size before up2 doubles it."),
    ],
    next_step=f"Recompute the sizes layer by layer from {CONCAT2_SIZE} (each "
              f"valid 3 x 3 convolution takes 2 away, each pooling halves) "
              f"and add the channels of both inputs.",
))

register(Exercise(
    name="ch5.why_96_fails",
    question="An input of 96 x 96 does not close. Which concatenation fails "
             "first, and what sizes does it try to join? Answer (name, "
             "upsampled size, skip size), each size as one integer, the side "
             "of the square map (20 for a 20 x 20 map).",
    expected=_why_96,
    hints=("A concatenation fails when its two inputs differ in size, and "
           "that starts where a pooling layer receives an odd size. Trace the "
           "encoder from 96, as the trace table does for 228.",
           "Each valid 3 x 3 convolution takes 2 away and each pooling halves "
           "(floor). Find the pooling that receives an odd size: its input is "
           "the skip, twice its output is the upsampled size, and the "
           "concatenation that joins them is the answer."),
    solution_text="96 -> 92 -> 46 -> 42 -> 21 -> 17: pool3 receives 17 and "
                  "floors it to 8; up1 doubles that to 16, but conv6 is "
                  "17 x 17, so ('concat1', 16, 17).",
    worked=("('concat1', 16, 17)",),
    mistakes=[
        Mistake(("concat1", 17, 16), "Right sizes, wrong order: the upsampled "
                                     "size (16) comes first, the skip (17) "
                                     "second."),
        Mistake(("concat3", 92, 93), "concat3 is never reached: the first "
                                     "concatenation on the way up, concat1, "
                                     "already fails."),
        Mistake(("concat1", 16, 18), "conv6 is 17 x 17 (19 - 2), not 18."),
        Mistake(("concat1", 17, 17), "Those sizes would join: the upsampled "
                                     "size is twice pool3's floored output, "
                                     "an even number."),
    ],
    diagnose=_diagnose_96,
    next_step="Recompute the encoder sizes from 96 and find the pooling that "
              "receives an odd size; its input is the skip, twice its "
              "floored output is the upsampled size.",
))

register(Exercise(
    name="ch5.next_valid_size",
    question="What is the smallest input size larger than 300 for which the "
             "article's network closes?",
    expected=_next_size,
    hints=("The list of closing sizes above ends at 252; look at the spacing "
           "of the sizes it prints, and at the rule the cell checks.",
           "The closing sizes are 28 + 8j; find the first j that puts it "
           "above 300."),
    solution_text="The closing sizes are 28 + 8j: 28 + 8 * 34 = 300 is not "
                  "larger than 300, so the answer is 28 + 8 * 35 = 308 = "
                  "ip.valid_input_sizes(301, 400)[0], the first size above "
                  "300 for which ip.closes(size) is True.",
    worked=("308",),
    mistakes=[
        Mistake(300, "300 = 28 + 8 * 34 closes, but the question asks for a "
                     "size larger than 300."),
        Mistake(304, "304 = 300 + 4, but the closing sizes are 8 apart: "
                     "28 + 8j."),
        Mistake(302, "Even is not enough: every pooling layer must receive an "
                     "even size, which holds for 28 + 8j only."),
        Mistake(316, "316 closes, but there is a smaller closing size above "
                     "300."),
        Mistake(256, "256 is a power of two, but the valid convolutions take "
                     "pixels away before each pooling: the closing sizes are "
                     "28 + 8j, and the question asks above 300."),
    ],
    next_step="Recompute with the rule 28 + 8j: the first such size above "
              "300.",
))


#: The 3 x 3 kernel of one Jacobi step: each pixel becomes the mean of its
#: four neighbours.
JACOBI_KERNEL = np.array([[0.0, 0.25, 0.0], [0.25, 0.0, 0.25], [0.0, 0.25, 0.0]])


def jacobi_cases(rng: np.random.Generator) -> list[tuple]:
    """Random images and holes for ``ch5.jacobi_step``, some at the border."""
    cases = []
    for h, w, top, left, hh, hw in [(7, 8, 2, 3, 3, 2), (6, 6, 0, 0, 2, 3),
                                    (9, 7, 5, 4, 4, 3), (5, 8, 1, 0, 3, 4)]:
        hole = np.zeros((h, w), bool)
        hole[top:top + hh, left:left + hw] = True
        cases.append((rng.uniform(size=(h, w)), hole))
    return cases


def _jacobi_ref(x, hole):
    from ..conv import conv2d

    padded = np.pad(x, 1, mode="edge")
    mean4 = conv2d(padded[None, :, :, None], JACOBI_KERNEL[:, :, None, None])
    return np.where(hole, mean4[0, :, :, 0], x)


def _jacobi_zero_pad(x, hole):
    from ..conv import conv2d

    mean4 = conv2d(x[None, :, :, None], JACOBI_KERNEL[:, :, None, None],
                   padding="same")
    return np.where(hole, mean4[0, :, :, 0], x)


def _jacobi_everywhere(x, hole):
    from ..conv import conv2d

    padded = np.pad(x, 1, mode="edge")
    return conv2d(padded[None, :, :, None],
                  JACOBI_KERNEL[:, :, None, None])[0, :, :, 0]


def _jacobi_box(x, hole):
    from ..conv import conv2d

    padded = np.pad(x, 1, mode="edge")
    box = conv2d(padded[None, :, :, None], np.full((3, 3, 1, 1), 1 / 9))
    return np.where(hole, box[0, :, :, 0], x)


def _jacobi_five(x, hole):
    from ..conv import conv2d

    padded = np.pad(x, 1, mode="edge")
    k = np.array([[0, 1, 0], [1, 1, 1], [0, 1, 0]], float) / 5
    five = conv2d(padded[None, :, :, None], k[:, :, None, None])
    return np.where(hole, five[0, :, :, 0], x)


register(CodeExercise(
    name="ch5.jacobi_step",
    question="Write jacobi_step(x, hole): one step of the harmonic fill (a "
             "Jacobi iteration: one round in which every hole pixel is "
             "replaced at once) on a "
             "2-D image x (H, W) with a boolean hole (H, W): every hole pixel "
             "becomes the mean of its four neighbours (at the image's edge the "
             "missing neighbour is the pixel itself), every known pixel stays. "
             "Use chapter 1's conv2d with JACOBI_KERNEL.",
    cases=jacobi_cases,
    reference=_jacobi_ref,
    describe=lambda x, hole: (f"a {x.shape[0]} x {x.shape[1]} image whose hole "
                              f"has {int(hole.sum())} pixels"
                              + (" and touches the border"
                                 if hole[[0, -1]].any() or hole[:, [0, -1]].any()
                                 else "")),
    hints=("Three steps: the mean of the four neighbours of every pixel (a "
           "convolution with JACOBI_KERNEL), something at the border so that "
           "the result stays H x W, and keeping the known pixels as they are.",
           "np.pad(x, 1, mode='edge') repeats the border pixels; conv2d wants "
           "(n, h, w, c) arrays and an (kh, kw, c_in, c_out) kernel, so add "
           "the axes with [None, :, :, None] and take them off again; "
           "np.where(hole, new, x) keeps the known pixels. Return the "
           "result."),
    solution_text="Pad by repeating the edge, convolve with the four-neighbour "
                  "kernel, and put the known pixels back with np.where; "
                  "ip.harmonic_fill repeats this step until nothing changes.",
    mistakes=[
        Mistake(_jacobi_zero_pad, "At the border you averaged in zeros "
                                  "(padding='same' pads with 0); the missing "
                                  "neighbour is the pixel itself: "
                                  "np.pad(x, 1, mode='edge')."),
        Mistake(_jacobi_everywhere, "You changed the known pixels too; only "
                                    "the hole is updated: np.where(hole, "
                                    "mean4, x)."),
        Mistake(_jacobi_box, "That is the mean of the 3 x 3 box (9 pixels, the "
                             "centre included); the step uses the four "
                             "neighbours, JACOBI_KERNEL."),
        Mistake(_jacobi_five, "You included the pixel itself: the mean is over "
                              "the four neighbours only (the kernel's centre "
                              "is 0)."),
    ],
    next_step="Recompute one hole pixel by hand, the mean of the pixels above, "
              "below, left and right of it, and compare with your output "
              "there; then check that the known pixels are unchanged.",
))
