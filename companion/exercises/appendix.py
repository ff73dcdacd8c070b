"""Exercises of the appendix, "Convolution arithmetic"."""

from __future__ import annotations

import numpy as np

from . import CodeExercise, Mistake, register


def output_size_cases(rng: np.random.Generator) -> list[tuple]:
    """Random (size, kernel, stride, padding, dilation) that leave >= 1 pixel;
    ``padding`` is an int on about half of them, a (before, after) pair with
    two different numbers on the others."""
    cases = [(int(rng.integers(20, 40)), 3, 2, 1, 2),
             (int(rng.integers(20, 40)) * 2 + 1, 4, 3, (0, 2), 1),
             (int(rng.integers(20, 40)), 5, 1, (3, 1), 3)]
    while len(cases) < 14:
        size, kernel = int(rng.integers(5, 64)), int(rng.integers(1, 8))
        stride, dilation = int(rng.integers(1, 5)), int(rng.integers(1, 4))
        before, after = (int(v) for v in rng.integers(0, 4, size=2))
        if len(cases) % 2 and before != after:
            padding, total = (before, after), before + after
        else:
            padding, total = before, 2 * before
        if size + total >= dilation * (kernel - 1) + 1:
            cases.append((size, kernel, stride, padding, dilation))
    return cases


def _total(padding):
    return sum(padding) if isinstance(padding, tuple) else 2 * padding


def _size_ref(size, kernel, stride, padding, dilation):
    from ..shapes import conv_output_size

    return conv_output_size(size, kernel, stride, padding, dilation)


def _size_no_dilation(size, kernel, stride, padding, dilation):
    return _size_ref(size, kernel, stride, padding, 1)


def _size_no_floor(size, kernel, stride, padding, dilation):
    return (size + _total(padding) - dilation * (kernel - 1) - 1) / stride + 1


def _size_pad_once(size, kernel, stride, padding, dilation):
    once = padding[0] if isinstance(padding, tuple) else padding
    return _size_ref(size + once, kernel, stride, 0, dilation)


def _size_pair_doubled(size, kernel, stride, padding, dilation):
    if isinstance(padding, tuple):
        padding = padding[0]
    return _size_ref(size, kernel, stride, padding, dilation)


def _size_dilation_times_kernel(size, kernel, stride, padding, dilation):
    span = dilation * kernel
    return (size + _total(padding) - span) // stride + 1


register(CodeExercise(
    name="appendix.output_size",
    question="Write output_size(size, kernel, stride, padding, dilation): the "
             "output length of a convolution along one axis with a dilated "
             "kernel, where padding is either an int p (p zeros on each side, "
             "PyTorch's integer padding) or a pair (before, after) of zeros "
             "added at the start and at the end.",
    cases=output_size_cases,
    reference=_size_ref,
    describe=lambda i, k, s, p, d: (f"size={i}, kernel={k}, stride={s}, "
                                    f"padding={p}, dilation={d}"),
    hints=("Reduce it to the simplest case you know, a plain kernel on an "
           "unpadded input: how many cells does the padded input have, and how "
           "many cells does a dilated kernel span from its first tap to its "
           "last?",
           "The padded input has size + 2p cells (size + before + after for a "
           "pair); a kernel of k taps with "
           "dilation d spans d(k - 1) + 1 of them. Then count the windows as "
           "for a plain kernel: the whole strides that fit, plus the first "
           "window. Return a whole number."),
    solution_text="With total = 2 * padding for an int and before + after for "
                  "a pair: (size + total - dilation * (kernel - 1) - 1) // "
                  "stride + 1, which is companion.shapes.conv_output_size.",
    mistakes=[
        Mistake(_size_no_dilation, "You left out the dilation: a dilated "
                                   "kernel spans d(k - 1) + 1 cells, not k."),
        Mistake(_size_no_floor, "Sizes are whole numbers: floor the division "
                                "(// in Python), as a window that would stick "
                                "out is not counted."),
        Mistake(_size_pad_once, "An int padding goes on both sides: the "
                                "padded input has size + 2p cells, and a pair "
                                "adds before + after."),
        Mistake(_size_pair_doubled, "A pair (before, after) is not p on each "
                                    "side: add both of its numbers, "
                                    "size + before + after."),
        Mistake(_size_dilation_times_kernel, "A dilated kernel spans "
                                             "d(k - 1) + 1 cells, not d * k: "
                                             "the gaps are only between the "
                                             "taps."),
    ],
    next_step="Recompute for the input in the message: the span of the "
              "dilated kernel, the padded size, then how many strides fit.",
))
