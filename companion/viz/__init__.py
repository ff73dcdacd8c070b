"""Figures and animations drawn from the companion's own index arithmetic.

Every convolution diagram in the book comes from here, so a figure cannot
disagree with the code. The drawing functions only *render* data computed by
two geometry functions:

- :func:`conv_geometry` gives, for each output position ``(y, x)``, the cells
  of the zero-padded input the kernel covers: row ``y*s + i*d``, column
  ``x*s + j*d`` for each tap ``(i, j)``, the very indices
  :func:`companion.conv.conv2d` reads (Dumoulin and Visin's relationships 1-6
  and 15; chapter 1).
- :func:`conv_transpose_geometry` gives the two pictures of a transposed
  convolution (chapters 2 and 3): the *scatter* (input ``(i, j)`` adds
  ``x[i, j] * w`` to output rows ``i*s + m*d - offset``) and the
  *zero-insertion* view (``s - 1`` zeros between the inputs, ``K - 1 -
  offset`` cells of padding, then a stride-1 convolution with the kernel
  rotated by 180 degrees; relationships 8-14). ``offset`` and the output size
  come from :func:`companion.shapes.conv_transpose_crop`.

:func:`draw_conv` / :func:`draw_conv_transpose` draw one step,
:func:`conv_explorer` draws and explains any convolution the reader types
(with sliders in a live notebook),
:func:`animate_conv` / :func:`animate_conv_transpose` every step (show them
with :func:`animation_html`, save them with :func:`save_gif`). The other
helpers are for the chapters' figures: :func:`show_values` (small grids of
numbers), :func:`compare_images`, :func:`difference_map` and
:func:`plot_history`.

Each patch a drawing adds carries a ``gid`` ``"role:row,col"`` (roles
``input``, ``padding``, ``zero``, ``footprint``, ``output``, ``current``,
``cropped``, ``extra``) in the coordinates of its own grid, and its colour
is ``PALETTE[role]``; the tests read them back.

One module per topic: ``companion.viz.geometry`` (the index arithmetic),
``companion.viz.draw`` (one step), ``companion.viz.animate`` (every
step), ``companion.viz.values`` (grids of numbers) and
``companion.viz.images`` (images and training curves). Importing the
package imports matplotlib but not pyplot, TensorFlow or PyTorch.
"""

from __future__ import annotations

from .animate import (
    HTMLAnimation,
    animate_conv,
    animate_conv_transpose,
    animation_html,
    save_gif,
)
from .draw import PALETTE, draw_conv, draw_conv_transpose
from .explore import conv_explorer, widgets_available
from .geometry import (
    PADDING,
    ZERO,
    ConvGeometry,
    ConvTransposeGeometry,
    conv_geometry,
    conv_transpose_geometry,
)
from .images import compare_images, difference_map, plot_history
from .values import show_values

__all__ = [
    "PALETTE",
    "PADDING",
    "ZERO",
    "ConvGeometry",
    "ConvTransposeGeometry",
    "conv_geometry",
    "conv_transpose_geometry",
    "draw_conv",
    "draw_conv_transpose",
    "conv_explorer",
    "widgets_available",
    "HTMLAnimation",
    "animate_conv",
    "animate_conv_transpose",
    "animation_html",
    "save_gif",
    "show_values",
    "compare_images",
    "difference_map",
    "plot_history",
]
