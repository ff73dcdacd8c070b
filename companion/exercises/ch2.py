"""Exercises of chapter 2, "Transposed convolution, three ways"."""

from __future__ import annotations

import numpy as np

from . import Exercise, register

#: The 2x2 input and 2x2 kernel of the chapter's scatter-and-sum pictures.
SCATTER_X = np.array([[1.0, 2.0], [3.0, 4.0]])
SCATTER_W = np.array([[2.0, 1.0], [1.0, -1.0]])

#: The upstream gradient and kernel of the gradient exercise.
GRAD_G = np.array([[1.0, -1.0], [2.0, 0.0]])
GRAD_W = np.array([[1.0, 0.0, 2.0], [0.0, 1.0, 0.0], [-1.0, 0.0, 1.0]])


def _scatter_step():
    from ..transposed import conv_transpose2d_scatter

    only = np.zeros_like(SCATTER_X)
    only[1, 0] = SCATTER_X[1, 0]
    return conv_transpose2d_scatter(only[None, :, :, None],
                                    SCATTER_W[:, :, None, None], stride=2)[0, :, :, 0]


def _conv_matrix_1d():
    from ..transposed import conv_matrix

    w = np.array([1.0, 2.0, 3.0]).reshape(1, 3, 1, 1)
    return conv_matrix((1, 5, 1), w, stride=2)


def _output_size():
    from ..shapes import conv_transpose_output_size

    return conv_transpose_output_size(10, 5, stride=3, padding=1, output_padding=2)


def _padding_for_target():
    from ..shapes import solve_conv_transpose

    (setting,) = solve_conv_transpose(16, 32, kernels=[3], strides=[2])
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


def _wrong_gradients():
    from ..transposed import conv_transpose2d

    g, w = GRAD_G[None, :, :, None], GRAD_W[:, :, None, None]
    no_op = conv_transpose2d(g, w, stride=2)[0, :, :, 0]  # 5x5: output_padding missing
    rotated = conv_transpose2d(g, np.ascontiguousarray(w[::-1, ::-1]), stride=2,
                               output_padding=1)[0, :, :, 0]
    return [no_op, rotated]


def _wrong_scatter():
    from ..transposed import conv_transpose2d_scatter

    full = conv_transpose2d_scatter(SCATTER_X[None, :, :, None],
                                    SCATTER_W[:, :, None, None], stride=2)[0, :, :, 0]
    at_stride_1 = np.zeros((4, 4))
    at_stride_1[1:3, 0:2] = 3 * SCATTER_W  # placed one row down, not two
    return [full, at_stride_1, 3 * SCATTER_W]


def _wrong_matrices():
    from ..transposed import conv_matrix

    w = np.array([1.0, 2.0, 3.0]).reshape(1, 3, 1, 1)
    stride_1 = conv_matrix((1, 5, 1), w, stride=1)  # 3x5
    flipped = conv_matrix((1, 5, 1), np.ascontiguousarray(w[:, ::-1]), stride=2)
    return [stride_1, flipped, _conv_matrix_1d().T]


register(Exercise(
    name="ch2.scatter_step",
    question="x = [[1, 2], [3, 4]], w = [[2, 1], [1, -1]], stride 2. What does the "
             "input x[1, 0] alone add to the 4x4 output? Answer a 4x4 array.",
    expected=_scatter_step,
    hint_text="Input (i, j) writes x[i, j] * w into the 2x2 block whose top-left "
              "corner is (i*s, j*s) of the output.",
    solution_text="x[1, 0] = 3 lands at rows 2-3, columns 0-1: 3 * w = "
                  "[[6, 3], [3, -3]] there, zeros elsewhere.",
    wrong_examples=_wrong_scatter(),
))

register(Exercise(
    name="ch2.conv_matrix_1d",
    question="A 1-D convolution of a length-5 input with the kernel [1, 2, 3], "
             "stride 2, no padding, is y = C x. Build C.",
    expected=_conv_matrix_1d,
    hint_text="Row o of C holds the kernel starting at column o*s; the output "
              "has floor((5 - 3)/2) + 1 = 2 entries.",
    solution_text="C = [[1, 2, 3, 0, 0], [0, 0, 1, 2, 3]]: the second window "
                  "starts two columns to the right.",
    wrong_examples=_wrong_matrices(),
))

register(Exercise(
    name="ch2.output_size",
    question="PyTorch ConvTranspose2d(kernel_size=5, stride=3, padding=1, "
             "output_padding=2) on a 10x10 map: how many pixels per side?",
    expected=_output_size,
    hint_text="o = (i - 1)s - 2p + k + output_padding.",
    solution_text="(10 - 1)*3 - 2*1 + 5 + 2 = 32.",
    wrong_examples=[30, 33, 34],
))

register(Exercise(
    name="ch2.padding_for_target",
    question="A PyTorch transposed convolution with kernel 3 and stride 2 must "
             "take a 16x16 map to 32x32. Which (padding, output_padding)?",
    expected=_padding_for_target,
    hint_text="Solve (16 - 1)*2 - 2p + 3 + a = 32 with p >= 0 and 0 <= a < 2.",
    solution_text="33 - 2p + a = 32 forces a odd, so a = 1 and p = 1.",
    wrong_examples=[(1, 0), (0, 1), (2, 1)],
))

register(Exercise(
    name="ch2.gradient_identity",
    question="y = conv2d(x, w, stride=2) with x of shape (1, 6, 6, 1) and the 3x3 "
             "kernel GRAD_W. For dL/dy = GRAD_G (2x2), what is dL/dx (6x6)?",
    expected=_gradient,
    hint_text="dL/dx is the transposed convolution of dL/dy with the same "
              "kernel, stride 2, and an output_padding that restores 6 rows.",
    solution_text="conv_transpose2d(g, w, stride=2, output_padding=1): the "
                  "scatter is (2 - 1)*2 + 3 = 5 wide, and the sixth row and "
                  "column, which no window read, get zero gradient.",
    wrong_examples=_wrong_gradients(),
))

register(Exercise(
    name="ch2.keras_same_port",
    question="Port Keras Conv2DTranspose(kernel_size=5, strides=2, "
             "padding='same') to PyTorch: answer (padding, output_padding, "
             "crop), crop being the rows and columns to drop at the end.",
    expected=_keras_same_port,
    hint_text="Keras keeps full[offset : offset + 2i] with offset = "
              "(K - s) // 2 of the K - s extra cells; PyTorch crops p on both sides.",
    solution_text="K - s = 3 is odd: Keras drops 1 row at the top and 2 at the "
                  "bottom. PyTorch padding=1 drops 1 on each side, so one more "
                  "row and column must go at the end: (1, 0, 1).",
    wrong_examples=[(1, 1, 0), (2, 1, 0), (1, 0, 0)],
))
