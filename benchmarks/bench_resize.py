"""Resizing and pixel shuffle: companion vs PyTorch and TensorFlow.

A batch of small images upscaled 4x, as a decoder or a super-resolution model
does: 8 x 64 x 64 x 3 -> 256 x 256, float32, CPU. In each framework's
process ours follows that framework's convention (``F.interpolate(size=...)``
or ``tf.image.resize``; its channel order for the pixel shuffle), so that both
sides compute the same output (``tests/test_benchmarks.py`` checks it).
"""

from __future__ import annotations

import numpy as np
from harness import Case

from companion.layouts import nhwc_to_nchw
from companion.resize import resize
from companion.subpixel import pixel_shuffle


def _resize(framework, x, method):
    if framework == "torch":
        import torch
        import torch.nn.functional as F

        xt = torch.from_numpy(nhwc_to_nchw(x))
        return lambda: F.interpolate(xt, size=(256, 256), mode=method,
                                     align_corners=False)
    import tensorflow as tf

    xtf = tf.constant(x)
    return lambda: tf.image.resize(xtf, (256, 256), method=method)


def _shuffle(framework, d):
    if framework == "torch":
        import torch
        import torch.nn.functional as F

        dt = torch.from_numpy(nhwc_to_nchw(d))
        return lambda: F.pixel_shuffle(dt, 4)
    import tensorflow as tf

    dtf = tf.constant(d)
    return lambda: tf.nn.depth_to_space(dtf, 4)


def cases(framework: str) -> list[Case]:
    rng = np.random.default_rng(0)
    x = rng.standard_normal((8, 64, 64, 3), dtype=np.float32)
    convention = "torch" if framework == "torch" else "tf"
    out = [Case(f"resize {method} 8x64x64x3 -> 256x256",
                lambda m=method: resize(x, (256, 256), m, convention=convention),
                _resize(framework, x, method), target=0.33)
           for method in ("bilinear", "bicubic")]
    d = rng.standard_normal((8, 64, 64, 48), dtype=np.float32)
    out.append(Case("pixel_shuffle 8x64x64x48, r=4",
                    lambda: pixel_shuffle(d, 4, convention),
                    _shuffle(framework, d), target=0.33))
    return out
