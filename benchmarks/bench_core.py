"""Convolution, transposed convolution and pooling: companion vs PyTorch and TF.

Shapes from the book: LeNet's first layer on MNIST, a VGG block, a U-Net style
upsampling layer and a VGG pooling layer. float32, CPU, inputs built once.
"""

from __future__ import annotations

import numpy as np
from harness import Case

from companion.conv import conv2d
from companion.layouts import (
    conv_kernel_to_torch,
    nhwc_to_nchw,
    transposed_kernel_to_torch,
)
from companion.pooling import max_pool2d
from companion.transposed import conv_transpose2d


def cases() -> list[Case]:
    import tensorflow as tf
    import torch
    import torch.nn.functional as F

    rng = np.random.default_rng(0)

    def arrays(*shapes):
        return [rng.standard_normal(s, dtype=np.float32) for s in shapes]

    out = []
    for name, xs, ws in (
        ("conv2d LeNet 64x28x28x1 -> 32, 5x5 same", (64, 28, 28, 1), (5, 5, 1, 32)),
        ("conv2d VGG 8x56x56x64 -> 64, 3x3 same", (8, 56, 56, 64), (3, 3, 64, 64)),
    ):
        x, w = arrays(xs, ws)
        xt, wt = torch.from_numpy(nhwc_to_nchw(x)), torch.from_numpy(
            conv_kernel_to_torch(w))
        xtf, wtf = tf.constant(x), tf.constant(w)
        out.append(Case(
            name,
            lambda x=x, w=w: conv2d(x, w, padding="same"),
            {"torch": lambda xt=xt, wt=wt: F.conv2d(xt, wt, padding="same"),
             "tf": lambda xtf=xtf, wtf=wtf: tf.nn.conv2d(xtf, wtf, 1, "SAME")},
        ))

    x, w = arrays((8, 28, 28, 64), (4, 4, 32, 64))
    xt, wt = torch.from_numpy(nhwc_to_nchw(x)), torch.from_numpy(
        transposed_kernel_to_torch(w))
    xtf, wtf = tf.constant(x), tf.constant(w)
    out.append(Case(
        "conv_transpose2d 8x28x28x64 -> 32, 4x4 s2",
        lambda x=x, w=w: conv_transpose2d(x, w, stride=2),
        {"torch": lambda xt=xt, wt=wt: F.conv_transpose2d(xt, wt, stride=2),
         "tf": lambda xtf=xtf, wtf=wtf: tf.nn.conv2d_transpose(
             xtf, wtf, (8, 58, 58, 32), 2, "VALID")},
    ))

    (x,) = arrays((8, 112, 112, 64))
    xt, xtf = torch.from_numpy(nhwc_to_nchw(x)), tf.constant(x)
    out.append(Case(
        "max_pool2d 8x112x112x64, 2x2",
        lambda x=x: max_pool2d(x, 2),
        {"torch": lambda xt=xt: F.max_pool2d(xt, 2),
         "tf": lambda xtf=xtf: tf.nn.max_pool2d(xtf, 2, 2, "VALID")},
        target=0.25,
    ))
    return out
