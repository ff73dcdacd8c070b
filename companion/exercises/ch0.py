"""Exercises of the getting-started page."""

from __future__ import annotations

import numpy as np

from . import Exercise, register


def _valid_size():
    from ..shapes import conv_output_size

    return conv_output_size(5, 3, stride=1, padding="valid")


def _window_sum():
    x = np.arange(16, dtype=np.float64).reshape(4, 4)
    return float(x[1:3, 1:3].sum())


register(Exercise(
    name="ch0.valid_output_size",
    question="A 5x5 image, a 3x3 kernel, stride 1, no padding: how many "
             "output pixels along each side?",
    expected=_valid_size,
    hint_text="Count the positions where a 3-wide window fits inside 5 cells.",
    solution_text="5 - 3 + 1 = 3: the window starts at columns 0, 1 and 2.",
    wrong_examples=[5, 2, 9],
))

register(Exercise(
    name="ch0.window_sum",
    question="x = np.arange(16).reshape(4, 4). What is the sum of the 2x2 "
             "window whose top-left corner is x[1, 1]?",
    expected=_window_sum,
    hint_text="The window is x[1:3, 1:3]: rows 1-2 and columns 1-2.",
    solution_text="x[1:3, 1:3] = [[5, 6], [9, 10]], whose sum is 30.",
    wrong_examples=[26.0, 15.0, "30"],
))
