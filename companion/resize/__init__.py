"""Resizing with each library's exact convention (chapter 3, "Upsampling methods").

An image is resized one axis at a time. For every output index ``dst`` along an
axis, a *coordinate mapping* gives the point ``src`` of the input it samples,
and a 1-D kernel turns the input values near ``src`` into the output value.
The libraries agree on the kernels (up to the cubic parameter ``a``) and
disagree on the mapping and on what happens at the border:

``tf`` (``tf.image.resize``, TensorFlow 2)
    Half-pixel centres, ``src = (dst + 0.5) in/out - 0.5``. Linear: border
    clamped. Cubic: Keys ``a = -0.5``, taps outside the image get weight 0 and
    the rest are renormalised; coefficients come from a 1024-entry table.
``tf1`` (``tf.compat.v1.image.resize``)
    Legacy ``src = dst in/out``, or with ``align_corners``
    ``src = dst (in - 1)/(out - 1)``. Border clamped; cubic ``a = -0.75``
    from the same kind of table.
``torch`` (``torch.nn.functional.interpolate``)
    Half-pixel centres or ``align_corners``; mode ``nearest`` keeps the legacy
    ``floor(dst in/out)``. Border replicated; cubic ``a = -0.75``, exact.
``opencv`` (``cv2.resize``)
    Half-pixel centres; ``INTER_NEAREST`` keeps the legacy mapping. Border
    replicated; cubic ``a = -0.75`` in float32.

Nearest neighbour picks ``floor(src + 0.5)`` under a half-pixel mapping
(``tf``'s ``nearest``, ``torch``/``opencv``'s ``nearest-exact``) and
``floor(src)`` under the legacy one. Every function here is channels-last:
``(n, h, w, c)`` or a single image ``(h, w, c)``.

The fast :func:`resize` builds one sparse 1-D weight matrix per axis and applies
the two with matrix products; :func:`resize_naive` is a loop over output pixels
that reads like the formula. Both repeat each library's floating-point steps,
so that nearest neighbour picks the very same pixels even where ``src`` falls
exactly halfway between two of them, and the other methods agree to rounding:
TensorFlow's float32 coordinates and cubic table; PyTorch's CPU kernels
(float32 or float64 op-math, the fused multiply-add of its x86-64 build, and
the float32 nearest index of the kernel it picks when ``out_h + out_w <= 128``);
OpenCV 5's float32 weights and its ``INTER_NEAREST_EXACT``, which adds up the
step in double precision as Pillow does.

One module per step: ``companion.resize.kernels`` (the 1-D kernels),
``companion.resize.coords`` (the coordinate mapping and the checks),
``companion.resize.naive`` and ``companion.resize.fast`` (the two
resizers) and ``companion.resize.upsample`` (layers built on them). Each
library's floating-point steps live in one module, which names the version
it matches and the source files it follows, and gives the taps of one axis
both per pixel (``taps``, for the naive resizer) and for a whole axis
(``tap_arrays``, for the fast one):

- ``companion.resize.like_tensorflow``: TensorFlow 2.21.0 (``tf``, ``tf1``);
- ``companion.resize.like_torch``: PyTorch 2.13.0, CPU (``torch``);
- ``companion.resize.like_opencv``: OpenCV 5.0.0 (``opencv``).
"""

from __future__ import annotations

from .coords import CONVENTIONS, METHODS, source_coordinate
from .fast import resize
from .kernels import CUBIC_A as CUBIC_A  # public, not in __all__ (as before)
from .kernels import cubic_kernel, linear_kernel
from .naive import resize_naive
from .upsample import bilinear_kernel, resize_conv, upsample_repeat

__all__ = [
    "METHODS",
    "CONVENTIONS",
    "source_coordinate",
    "linear_kernel",
    "cubic_kernel",
    "resize",
    "resize_naive",
    "upsample_repeat",
    "bilinear_kernel",
    "resize_conv",
]
