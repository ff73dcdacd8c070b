"""Convolution, transposed convolution and pooling: companion vs PyTorch and TF.

Shapes from the book: LeNet's first layer on MNIST, a VGG block, a U-Net style
upsampling layer and a VGG pooling layer. float32, CPU, inputs built once.
"""

from __future__ import annotations

import numpy as np
from harness import Case

from companion.conv import conv2d, pad2d
from companion.im2col import im2col, receptive_fields
from companion.layouts import (
    conv_kernel_to_torch,
    nhwc_to_nchw,
    transposed_kernel_to_torch,
)
from companion.pooling import max_pool2d
from companion.transposed import conv_transpose2d


def _conv(framework, x, w):
    if framework == "torch":
        import torch
        import torch.nn.functional as F

        xt, wt = torch.from_numpy(nhwc_to_nchw(x)), torch.from_numpy(
            conv_kernel_to_torch(w))
        return lambda: F.conv2d(xt, wt, padding="same")
    import tensorflow as tf

    xtf, wtf = tf.constant(x), tf.constant(w)
    return lambda: tf.nn.conv2d(xtf, wtf, 1, "SAME")


def _conv_transpose(framework, x, w, stride):
    if framework == "torch":
        import torch
        import torch.nn.functional as F

        xt, wt = torch.from_numpy(nhwc_to_nchw(x)), torch.from_numpy(
            transposed_kernel_to_torch(w))
        return lambda: F.conv_transpose2d(xt, wt, stride=stride)
    import tensorflow as tf

    xtf, wtf = tf.constant(x), tf.constant(w)
    n, h, w_in, _ = x.shape
    k = w.shape[0]
    size = (n, (h - 1) * stride + k, (w_in - 1) * stride + k, w.shape[2])
    return lambda: tf.nn.conv2d_transpose(xtf, wtf, size, stride, "VALID")


def _max_pool(framework, x):
    if framework == "torch":
        import torch
        import torch.nn.functional as F

        xt = torch.from_numpy(nhwc_to_nchw(x))
        return lambda: F.max_pool2d(xt, 2)
    import tensorflow as tf

    xtf = tf.constant(x)
    return lambda: tf.nn.max_pool2d(xtf, 2, 2, "VALID")


def cases(framework: str) -> list[Case]:
    rng = np.random.default_rng(0)

    def arrays(*shapes):
        return [rng.standard_normal(s, dtype=np.float32) for s in shapes]

    out = []
    for name, xs, ws in (
        ("conv2d LeNet 64x28x28x1 -> 32, 5x5 same", (64, 28, 28, 1), (5, 5, 1, 32)),
        ("conv2d VGG 8x56x56x64 -> 64, 3x3 same", (8, 56, 56, 64), (3, 3, 64, 64)),
    ):
        x, w = arrays(xs, ws)
        out.append(Case(name, lambda x=x, w=w: conv2d(x, w, padding="same"),
                        _conv(framework, x, w)))
        if xs[-1] == 1:
            # the matrix product of conv2d alone, its column matrix built
            # beforehand: a floor for any im2col convolution of this shape
            k = ws[0]
            cols = im2col(receptive_fields(pad2d(x, k // 2), (k, k), xs[1:3],
                                           (1, 1), (1, 1)))
            wmat = w.reshape(-1, ws[-1])
            out.append(Case("  its matrix product alone", lambda c=cols, m=wmat: c @ m,
                            _conv(framework, x, w), target=None))

    x, w = arrays((8, 28, 28, 64), (4, 4, 32, 64))
    out.append(Case("conv_transpose2d 8x28x28x64 -> 32, 4x4 s2",
                    lambda: conv_transpose2d(x, w, stride=2),
                    _conv_transpose(framework, x, w, 2)))

    (p,) = arrays((8, 112, 112, 64))
    out.append(Case("max_pool2d 8x112x112x64, 2x2", lambda: max_pool2d(p, 2),
                    _max_pool(framework, p), target=0.25))
    return out
