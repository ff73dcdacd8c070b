"""Exercises of chapter 2, "Transposed convolution, three ways"."""

from __future__ import annotations

import numbers

import numpy as np

from . import CodeExercise, Exercise, Mistake, register

#: The 2x2 input and 2x2 kernel of the chapter's scatter-and-sum pictures.
SCATTER_X = np.array([[1.0, 2.0], [3.0, 4.0]])
SCATTER_W = np.array([[2.0, 1.0], [1.0, -1.0]])

#: The kernel of ``ch2.padding_for_target`` (16 -> 32, stride 2): not the
#: kernel 3 whose usual port the chapter states.
TARGET_KERNEL = 5

#: The stride of ``ch2.scatter_step``: the chapter draws strides 1 and 2.
STEP_STRIDE = 3

#: The upstream gradient and kernel of the gradient exercise.
GRAD_G = np.array([[1.0, -1.0], [2.0, 0.0]])
GRAD_W = np.array([[1.0, 0.0, 2.0], [0.0, 1.0, 0.0], [-1.0, 0.0, 1.0]])


def _scatter_step():
    from ..transposed import conv_transpose2d_scatter

    only = np.zeros_like(SCATTER_X)
    only[1, 0] = SCATTER_X[1, 0]
    return conv_transpose2d_scatter(only[None, :, :, None],
                                    SCATTER_W[:, :, None, None],
                                    stride=STEP_STRIDE)[0, :, :, 0]


def _conv_matrix_1d():
    from ..transposed import conv_matrix

    w = np.array([1.0, 2.0, 3.0]).reshape(1, 3, 1, 1)
    return conv_matrix((1, 5, 1), w, stride=2)


def _output_size():
    from ..shapes import conv_transpose_output_size

    return conv_transpose_output_size(10, 5, stride=3, padding=1, output_padding=2)


def _padding_for_target():
    from ..shapes import solve_conv_transpose

    (setting,) = solve_conv_transpose(16, 32, kernels=[TARGET_KERNEL], strides=[2])
    return (setting.padding, setting.output_padding)


def _gradient():
    from ..backward import conv2d_backward

    x = np.zeros((1, 6, 6, 1))
    dx, _, _ = conv2d_backward(GRAD_G[None, :, :, None], x,
                               GRAD_W[:, :, None, None], stride=2)
    return dx[0, :, :, 0]


def _keras_same_port():
    from ..shapes import keras_same_to_torch

    return tuple(keras_same_to_torch(5, 2))


def _wrong_matrices():
    from ..transposed import conv_matrix

    w = np.array([1.0, 2.0, 3.0]).reshape(1, 3, 1, 1)
    stride_1 = conv_matrix((1, 5, 1), w, stride=1)  # 3x5
    flipped = conv_matrix((1, 5, 1), np.ascontiguousarray(w[:, ::-1]), stride=2)
    return [stride_1, flipped, _conv_matrix_1d().T, stride_1[:2]]


def _diagnose_port(answer, kernel: int = 5, stride: int = 2) -> str | None:
    """What a whole-number (padding, output_padding, crop) does wrong.

    A wrong item is described by what the setting does, not by its place in
    the one expected tuple.
    """
    if isinstance(answer, np.ndarray):
        answer = answer.tolist()
    if not isinstance(answer, (tuple, list)) or len(answer) != 3 or not all(
            isinstance(v, numbers.Real) and not isinstance(v, (bool, np.bool_))
            for v in answer):
        return None
    if not all(float(v).is_integer() for v in answer):
        return ("padding, output_padding and crop count cells: whole "
                "numbers.")
    p, a, c = (int(v) for v in answer)
    start = (kernel - stride) // 2
    if p < 0 or c < 0:
        return f"{tuple(answer)}: padding and crop count cells, >= 0."
    if not 0 <= a < stride:
        return (f"output_padding={a} is not allowed: it must be smaller than "
                f"the stride, 0 <= output_padding < {stride}.")
    extra = kernel - stride - 2 * p + a - c  # rows kept beyond Keras' 2i
    if c > kernel + a or abs(extra) > 2 * kernel:
        return None  # a crop past the output: the generic message
    if p != start:
        return (f"padding={p} drops {p} cells at the start, Keras drops "
                f"(K - s) // 2 = {start}: the output is shifted.")
    if extra:
        fix = "crop at the end what is still too much" if extra > 0 else \
            "you crop too much at the end"
        return (f"{tuple(answer)} keeps 2i {'+' if extra > 0 else '-'} "
                f"{abs(extra)} rows where Keras keeps 2i: with padding={p} and "
                f"output_padding={a}, {fix}.")
    return None


def _tconv(g, w, **kw):
    from ..transposed import conv_transpose2d

    return conv_transpose2d(g[None, :, :, None], w[:, :, None, None],
                            **kw)[0, :, :, 0]


def _scatter_full(stride: int = STEP_STRIDE):
    from ..transposed import conv_transpose2d_scatter

    return conv_transpose2d_scatter(SCATTER_X[None, :, :, None],
                                    SCATTER_W[:, :, None, None],
                                    stride=stride)[0, :, :, 0]


def _at(rows: slice, cols: slice, block, size: int = 5) -> np.ndarray:
    out = np.zeros((size, size))
    out[rows, cols] = block
    return out


def _ch2_size(p, a) -> int:
    from ..shapes import conv_transpose_output_size

    return conv_transpose_output_size(16, TARGET_KERNEL, stride=2, padding=p,
                                      output_padding=a)


register(Exercise(
    name="ch2.scatter_step",
    question="x = [[1, 2], [3, 4]], w = [[2, 1], [1, -1]], stride 3. What does the "
             "input x[1, 0] alone add to the 5x5 output? Answer a 5x5 array.",
    expected=_scatter_step,
    hints=("Look again at the scatter pictures above: each input pixel drops "
           "one copy of the kernel, scaled by its value, into the output, and "
           "the stride sets how far apart the copies start. Only x[1, 0]'s "
           "copy counts here.",
           "The copy is x[1, 0] * w, a 2x2 block, and with stride s it starts "
           "at row i*s, column j*s of a 5x5 array of zeros."),
    solution_text="x[1, 0] = 3 lands at rows 3-4, columns 0-1: 3 * w = "
                  "[[6, 3], [3, -3]] there, zeros elsewhere. With stride 3 "
                  "the copies leave row 2 and column 2 empty.",
    mistakes=[
        Mistake(_scatter_full(), "That is the whole output, every input's copy "
                                 "added up; the question asks for the copy of "
                                 "x[1, 0] alone."),
        Mistake(_at(slice(1, 3), slice(0, 2), 3 * SCATTER_W),
                "You put the copy at (i, j) = (1, 0); with stride 3 it starts "
                "at (i*s, j*s) = (3, 0)."),
        Mistake(_at(slice(2, 4), slice(0, 2), 3 * SCATTER_W),
                "You used stride 2, as in the pictures above; with stride 3 "
                "the copy starts at (i*s, j*s) = (3, 0)."),
        Mistake(_at(slice(2, 4), slice(0, 2), 3 * SCATTER_W, size=4),
                "That is the stride-2 output of the pictures above (4x4); with "
                "stride 3 the output is (2 - 1)*3 + 2 = 5 wide and the copy "
                "starts at row 3."),
        Mistake(_at(slice(3, 5), slice(0, 2), 3 * SCATTER_W[::-1, ::-1]),
                "You flipped the kernel: the scatter writes x[i, j] * w as it "
                "is."),
        Mistake(_at(slice(3, 5), slice(0, 2), SCATTER_W),
                "That is w itself; the copy is scaled by the input's value, "
                "x[1, 0] * w."),
        Mistake(3 * SCATTER_W, "That is the copy itself (2x2); place it in the "
                               "5x5 output, zeros elsewhere."),
    ],
    next_step="Recompute where the copy starts, (i*s, j*s) with s = 3, and "
              "the block x[1, 0] * w that goes there; all other cells are 0.",
))

register(Exercise(
    name="ch2.conv_matrix_1d",
    question="A 1-D convolution of a length-5 input with the kernel [1, 2, 3], "
             "stride 2, no padding, is y = C x. Build C.",
    expected=_conv_matrix_1d,
    hints=("First the shape: C has one row per output and one column per "
           "input. How many outputs does a 3-wide window with stride 2 give on "
           "5 inputs?",
           "Row o of C is the window of output o: the kernel [1, 2, 3] written "
           "from column o*s on, zeros elsewhere."),
    solution_text="C = [[1, 2, 3, 0, 0], [0, 0, 1, 2, 3]]: the second window "
                  "starts two columns to the right.",
    mistakes=[
        Mistake(_wrong_matrices()[0], "That is the stride-1 matrix (3 rows); "
                                      "with stride 2 each row starts two "
                                      "columns after the previous one."),
        Mistake(_wrong_matrices()[1], "You reversed the kernel: row o holds "
                                      "[1, 2, 3] in order, as the layer "
                                      "multiplies without flipping."),
        Mistake(_wrong_matrices()[2], "That is C transposed (5x2), the matrix "
                                      "of the transposed convolution; C maps "
                                      "5 inputs to 2 outputs, so it is 2x5."),
        Mistake(_wrong_matrices()[3], "Your second row starts one column after "
                                      "the first: that is stride 1. With "
                                      "stride 2 each window starts two columns "
                                      "after the previous one."),
    ],
    next_step="Recompute row by row: row o has the kernel at columns o*s to "
              "o*s + 2 and zeros elsewhere.",
))

register(Exercise(
    name="ch2.output_size",
    question="PyTorch ConvTranspose2d(kernel_size=5, stride=3, padding=1, "
             "output_padding=2) on a 10x10 map: how many pixels per side?",
    expected=_output_size,
    hints=("Build the size up as the scatter does: where does the last copy "
           "of the kernel start, how wide is it, then what do padding and "
           "output_padding take away and add?",
           "The copies start every s cells, the last at (i - 1)s, and are k "
           "wide; PyTorch's padding crops p cells from each side and "
           "output_padding adds cells at the end."),
    solution_text="(10 - 1)*3 - 2*1 + 5 + 2 = 32.",
    worked=("32",),
    mistakes=[
        Mistake(30, "30 leaves out output_padding, which adds 2 cells at the "
                    "end."),
        Mistake(33, "PyTorch crops the padding from both sides: subtract 2p, "
                    "not p."),
        Mistake(34, "34 ignores the padding; PyTorch's padding crops p cells "
                    "from each side of the output."),
        Mistake(35, "Use (i - 1)s, not i s: the first copy starts at 0 and "
                    "the last at (i - 1)s."),
        Mistake(3, "That is the forward convolution's size, which shrinks; "
                   "the transposed convolution scatters and grows."),
    ],
    next_step="Recompute term by term: (i - 1)s, minus 2p, plus k, plus "
              "output_padding.",
))

register(Exercise(
    name="ch2.padding_for_target",
    question="A PyTorch transposed convolution with kernel 5 and stride 2 must "
             "take a 16x16 map to 32x32. Which (padding, output_padding)?",
    expected=_padding_for_target,
    hints=("Start from the full scatter, no padding: how long is it for 16 "
           "inputs, kernel 5, stride 2? Compare it with the 32 you need.",
           "The size is (16 - 1)*2 - 2p + 5 + a, with p >= 0 and "
           "0 <= a < 2 (output_padding is smaller than the stride). The "
           "padding removes cells two at a time; output_padding adds one."),
    solution_text="35 - 2p + a = 32 forces a odd, so a = 1 and p = 2: (2, 1).",
    worked=("(2, 1)",),
    mistakes=[
        Mistake((1, 1), f"(1, 1) is the usual port for kernel 3; with kernel 5 "
                        f"it gives {_ch2_size(1, 1)}: the scatter is two cells "
                        f"longer, so crop one more on each side."),
        Mistake((2, 0), f"padding=2 alone gives {_ch2_size(2, 0)}: it crops two "
                        f"cells from each side, and output_padding=1 must add "
                        f"one back at the end."),
        Mistake((0, 1), f"padding=0 gives {_ch2_size(0, 1)} with "
                        f"output_padding=1: the scatter is 35 long and a "
                        f"padding must crop it."),
        Mistake((0, 0), f"(0, 0) gives {_ch2_size(0, 0)}, the full scatter "
                        f"(15 * 2 + 5); crop it with padding and add back "
                        f"with output_padding."),
        Mistake((1.5, 0), "padding is a whole number of cells per side; a "
                          "crop of 3 cells in all is not possible, so crop 4 "
                          "and add one back with output_padding."),
    ],
    next_step=f"Recompute the size of your setting, (16 - 1)*2 - 2p + "
              f"{TARGET_KERNEL} + a, and adjust p and a (0 <= a < 2) until it "
              f"is 32.",
))

register(Exercise(
    name="ch2.gradient_identity",
    question="y = conv2d(x, w, stride=2) with x of shape (1, 6, 6, 1) and the 3x3 "
             "kernel GRAD_W. For dL/dy = GRAD_G (2x2), what is dL/dx (6x6)?",
    expected=_gradient,
    hints=("Think of which input pixels each output y[i, j] read in the "
           "forward pass: its gradient flows back to exactly those pixels, "
           "weighted by the kernel.",
           "That is a scatter: gradient (i, j) adds g[i, j] * w at rows 2i to "
           "2i + 2 and columns 2j to 2j + 2 of a 6x6 array of zeros, the "
           "transposed convolution of dL/dy with the same kernel, stride 2."),
    solution_text="conv_transpose2d(g, w, stride=2, output_padding=1): the "
                  "scatter is (2 - 1)*2 + 3 = 5 wide, and the sixth row and "
                  "column, which no window read, get zero gradient.",
    mistakes=[
        Mistake(_tconv(GRAD_G, GRAD_W, stride=2),
                "5x5: the scatter is (2 - 1)*2 + 3 = 5 wide, but x has 6 rows; "
                "output_padding=1 adds the sixth row and column, which no "
                "window read (gradient 0)."),
        Mistake(_tconv(GRAD_G, np.ascontiguousarray(GRAD_W[::-1, ::-1]),
                       stride=2, output_padding=1),
                "You rotated the kernel: the gradient scatters copies of the "
                "same kernel w, unflipped."),
        Mistake(_tconv(GRAD_G, GRAD_W, stride=2, output_padding=1)[::-1, ::-1],
                "Your result is upside down and mirrored: gradient (0, 0) "
                "writes its copy at the top-left, as window (0, 0) read there."),
    ],
    next_step="Recompute by scattering: gradient (i, j) adds g[i, j] * w at "
              "rows 2i to 2i + 2 and columns 2j to 2j + 2 of a 6x6 zero array.",
))

register(Exercise(
    name="ch2.keras_same_port",
    question="Port Keras Conv2DTranspose(kernel_size=5, strides=2, "
             "padding='same') to PyTorch: answer (padding, output_padding, "
             "crop), crop being the rows and columns to drop at the end. "
             "Several answers give the same output: give the one with the "
             "smallest crop.",
    expected=_keras_same_port,
    diagnose=_diagnose_port,
    hints=("Compare the full scatter, (i - 1)s + K long, with the 2i cells "
           "Keras 'same' keeps: how many extra cells are there, and on which "
           "side does Keras drop the odd one?",
           "Keras drops (K - s) // 2 cells at the start and the rest at the "
           "end; PyTorch's padding=p drops p on both sides, output_padding "
           "adds at the end, and what is still too much is cropped at the "
           "end."),
    solution_text="K - s = 3 is odd: Keras drops 1 row at the top and 2 at the "
                  "bottom. PyTorch padding=1 drops 1 on each side, so one more "
                  "row and column must go at the end: (1, 0, 1). (1, 1, 2) "
                  "gives the same output with a larger crop: output_padding=1 "
                  "adds a row that the crop takes away again.",
    worked=("(1, 0, 1)",),
    mistakes=[
        Mistake((1, 1, 2), "That reproduces Keras too, but not with the "
                           "smallest crop: output_padding adds a row at the "
                           "end that the crop then takes away again. Leave "
                           "both out."),
        Mistake((1, 1, 0), "output_padding=1 adds a row at the end, giving "
                           "2i + 2; Keras keeps 2i, so rows must go at the "
                           "end, not come."),
        Mistake((2, 1, 0), "Right size, but shifted one pixel: padding=2 drops "
                           "2 at the start, Keras drops only (5 - 2) // 2 = 1."),
        Mistake((1, 0, 0), "padding=1 leaves 2i + 1 rows: one more than Keras' "
                           "2i, to be cropped at the end."),
    ],
    next_step="Recompute how many cells Keras drops at the start ((K - s) // 2) "
              "and at the end, then match the start with padding and the "
              "rest with a crop.",
))


def scatter_cases(rng: np.random.Generator) -> list[tuple]:
    """Random 2x2 inputs, kernels and strides for ``ch2.scatter_2x2``."""
    settings = [(3, 2), (2, 1), (2, 3), (4, 2), (3, 1)]  # (kernel, stride)
    return [(rng.normal(size=(2, 2)), rng.normal(size=(k, k)), s)
            for k, s in settings]


def _scatter_ref(x, w, stride):
    from ..transposed import conv_transpose2d_scatter

    return conv_transpose2d_scatter(x[None, :, :, None], w[:, :, None, None],
                                    stride=stride)[0, :, :, 0]


def _scatter_overwrite(x, w, stride):
    k = w.shape[0]
    out = np.zeros(((2 - 1) * stride + k,) * 2)
    for i in range(2):
        for j in range(2):
            out[i * stride:i * stride + k, j * stride:j * stride + k] = x[i, j] * w
    return out


def _scatter_flipped(x, w, stride):
    return _scatter_ref(x, np.ascontiguousarray(w[::-1, ::-1]), stride)


def _scatter_no_stride(x, w, stride):
    return _scatter_ref(x, w, 1)


def _scatter_cropped(x, w, stride):
    return _scatter_ref(x, w, stride)[:2 * stride, :2 * stride]


register(CodeExercise(
    name="ch2.scatter_2x2",
    question="Write conv_transpose_2x2(x, w, stride): the transposed "
             "convolution, by scatter and sum, of a 2x2 input x with a KxK "
             "kernel w (no padding), returning the ((2 - 1)*stride + K) square "
             "output.",
    cases=scatter_cases,
    reference=_scatter_ref,
    describe=lambda x, w, s: f"a {w.shape[0]}x{w.shape[0]} kernel with stride {s}",
    hints=("Do it as the pictures do: each of the four inputs drops a scaled "
           "copy of w into the output. Where does copy (i, j) start, and how "
           "large must the output be to hold the last one?",
           "Start from zeros of side (2 - 1)*stride + K; input (i, j) adds "
           "x[i, j] * w to the block whose top-left corner is (i*stride, "
           "j*stride). Add (+=) where copies overlap, and return the array."),
    solution_text="Four scaled copies of w, added into place at (i*s, j*s); "
                  "companion.transposed.conv_transpose2d_scatter does the same "
                  "on (n, h, w, c) arrays.",
    mistakes=[
        Mistake(_scatter_overwrite, "Where copies overlap (kernel larger than "
                                    "the stride) you kept the last one: the "
                                    "copies are summed, out[...] += x[i, j] * w."),
        Mistake(_scatter_flipped, "You flipped the kernel: each input writes "
                                  "x[i, j] * w as it is."),
        Mistake(_scatter_no_stride, "You placed copy (i, j) at (i, j); it "
                                    "starts at (i*stride, j*stride), and the "
                                    "output is (2 - 1)*stride + K wide."),
        Mistake(_scatter_cropped, "You cut the output to 2*stride, Keras' "
                                  "'same' size; without padding it is the full "
                                  "scatter, (2 - 1)*stride + K."),
    ],
    next_step="Recompute on paper for one input: x[0, 1] * w starts at row 0, "
              "column stride; check that block of your output.",
))
