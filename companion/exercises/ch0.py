"""Exercises of the getting-started page."""

from __future__ import annotations

import numpy as np

from . import Exercise, Mistake, register


def _valid_size():
    from ..shapes import conv_output_size

    return conv_output_size(5, 3, stride=1, padding="valid")


def _window(top: int, left: int, size: int = 2) -> float:
    x = np.arange(16, dtype=np.float64).reshape(4, 4)
    return float(x[top:top + size, left:left + size].sum())


def _window_sum():
    return _window(1, 1)


register(Exercise(
    name="ch0.valid_output_size",
    question="A 5x5 image, a 3x3 kernel, stride 1, no padding: how many "
             "output pixels along each side?",
    expected=_valid_size,
    hints=("Look at one row of the image: 5 cells, and a window 3 cells wide "
           "that slides one cell at a time without sticking out.",
           "Count the columns where the window's left edge can start: the "
           "first is 0, the last is the one where its right edge touches the "
           "image's last cell."),
    solution_text="5 - 3 + 1 = 3: the window starts at columns 0, 1 and 2.",
    worked=("3",),
    mistakes=[
        Mistake(5, "5 keeps the input size, which needs zero padding ('same'); "
                   "with no padding the window must fit inside the image."),
        Mistake(2, "Off by one: the last window starts at column 5 - 3 = 2 "
                   "(image size minus kernel size), and the first at column 0; "
                   "count both ends."),
        Mistake(9, "9 is the number of output pixels in all (3 x 3); the "
                   "question asks for one side."),
    ],
    next_step="Count the columns where the window's left edge can start: 0, 1, "
              "... up to the image size minus the kernel size.",
))

register(Exercise(
    name="ch0.window_sum",
    question="x = np.arange(16).reshape(4, 4). What is the sum of the 2x2 "
             "window whose top-left corner is x[1, 1]?",
    expected=_window_sum,
    hints=("Print x first and find x[1, 1] in it: NumPy counts rows and "
           "columns from 0.",
           "A 2x2 window at row 1, column 1 is the slice x[1:3, 1:3] (a slice "
           "stops before its end index); add up its four numbers."),
    solution_text="x[1:3, 1:3] = [[5, 6], [9, 10]], whose sum is 30.",
    worked=("30",),
    mistakes=[
        Mistake(_window(1, 1, 3), "That is a 3x3 window, x[1:4, 1:4]: a slice "
                                  "stops before its end index, so 2 rows are "
                                  "x[1:3]."),
        Mistake(_window(0, 0), "That is the window at x[0, 0]; the corner "
                               "asked for is x[1, 1], one row down and one "
                               "column right."),
        Mistake(_window(2, 2), "You counted from 1: NumPy counts rows and "
                               "columns from 0, so x[1, 1] holds 5."),
        Mistake(_window(1, 1, 1), "That is x[1, 1] alone; the window is 2x2, "
                                  "four numbers to add."),
        Mistake(float(np.arange(16).reshape(4, 4)[1, 1:3].sum()),
                "That is one row of the window; a 2x2 window has two rows, "
                "x[1:3, 1:3]."),
    ],
    next_step="Print x[1:3, 1:3], check that it holds 5, 6, 9 and 10, and add "
              "them.",
))
