"""Exercises of chapter 5: inpainting with a skip-connection autoencoder."""

from __future__ import annotations

import numpy as np

from . import Exercise, register


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
    return [float(whole), mse_hole, 10 * np.log10(255 ** 2 / mse_hole)]


def _shape_concat2():
    from ..models.inpainting import trace_shapes

    return next(r.shape for r in trace_shapes(228) if r.name == "concat2")


def _why_96():
    from ..models.inpainting import skip_problem

    return skip_problem(96)


def _next_size():
    from ..models.inpainting import valid_input_sizes

    return valid_input_sizes(101, 300)[0]


register(Exercise(
    name="ch5.mask",
    question="Build the (8, 8, 1) float mask of an 8 x 8 image with a 3 x 3 "
             "hole whose top-left pixel is at row 2, column 4 (1 in the hole, "
             "0 elsewhere).",
    expected=_mask,
    hint_text="Start from np.zeros((8, 8, 1)) and set the rows 2:5 and the "
              "columns 4:7 to 1.",
    solution_text="mask = np.zeros((8, 8, 1), np.float32); "
                  "mask[2:5, 4:7] = 1, which is ip.square_mask(8, 2, 4, 3).",
    wrong_examples=[
        np.pad(np.ones((3, 3, 1)), ((4, 1), (2, 3), (0, 0))),  # rows, columns swapped
        np.pad(np.ones((4, 4, 1)), ((2, 2), (4, 0), (0, 0))),  # 4 x 4 hole
        np.pad(np.ones((3, 3)), ((2, 3), (4, 1))),  # no channel axis
    ],
))

register(Exercise(
    name="ch5.hole_psnr",
    question="For psnr_example()'s original, restored and mask, what is the "
             "PSNR in dB over the hole pixels only (data range 1)?",
    expected=_psnr,
    hint_text="Select the hole pixels with mask[..., 0] == 1, take the mean "
              "squared error over them and all three channels, then "
              "10 * log10(1 / mse).",
    solution_text="hole = mask[..., 0] == 1; mse = np.mean((original[hole] - "
                  "restored[hole]) ** 2); 10 * np.log10(1 / mse), the same as "
                  "ip.hole_psnr(original, restored, mask)[0]. The 0.1 error "
                  "outside the hole does not count.",
    wrong_examples=_psnr_wrong(),
    rtol=1e-4,
))

register(Exercise(
    name="ch5.concat2_shape",
    question="With the article's 228 x 228 x 3 input, what is the shape "
             "(height, width, channels) of the output of concat2?",
    expected=_shape_concat2,
    hint_text="concat2 joins up2 (the upsampled output of convt2) with "
              "conv4. Follow the sizes: 228 -> conv1 226 -> conv2 224 -> "
              "pool1 112 -> ...",
    solution_text="conv4 gives 108 x 108 x 64; convt2 gives 54 x 54 x 128, "
                  "upsampled to 108 x 108 x 128; the concatenation has "
                  "128 + 64 = 192 channels: (108, 108, 192).",
    wrong_examples=[(108, 108, 128), (110, 110, 192), (54, 54, 192)],
))

register(Exercise(
    name="ch5.why_96_fails",
    question="An input of 96 x 96 does not close. Which concatenation fails "
             "first, and what sizes does it try to join? Answer (name, "
             "upsampled size, skip size).",
    expected=_why_96,
    hint_text="Trace the encoder: 96 -> 94 -> 92 -> pool 46 -> ... Which "
              "pooling layer receives an odd size?",
    solution_text="96 -> 92 -> 46 -> 42 -> 21 -> 17: pool3 receives 17 and "
                  "floors it to 8; up1 doubles that to 16, but conv6 is "
                  "17 x 17, so ('concat1', 16, 17).",
    wrong_examples=[("concat1", 17, 16), ("concat3", 92, 93), ("concat1", 16, 18)],
))

register(Exercise(
    name="ch5.next_valid_size",
    question="What is the smallest input size larger than 100 for which the "
             "article's network closes?",
    expected=_next_size,
    hint_text="Every pooling layer must receive an even size. Try "
              "ip.closes(size) for the sizes above 100, or write the sizes "
              "as 28 + 8j.",
    solution_text="The closing sizes are 28 + 8j (j >= 1): ..., 100, 108, "
                  "... so the answer is 108 = ip.valid_input_sizes(101, 300)[0].",
    wrong_examples=[104, 102, 116],
))
