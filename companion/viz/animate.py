"""Every step of a drawing, as an animation: a player or a GIF.

:func:`animate_conv` and :func:`animate_conv_transpose` redraw the figures of
:mod:`companion.viz.draw`; :func:`animation_html` embeds the frames in a
notebook, :func:`save_gif` writes them to a file.

The player carries alternative text: every animation made here has a
``description`` (what is drawn, from the geometry), which becomes the frame
image's ``alt``; the frame slider is labelled and described by it.
"""

from __future__ import annotations

import hashlib
import html as html_lib
import itertools
import numbers
import re

import matplotlib
import numpy as np

from .._validate import check_choice, check_int, short_repr
from .draw import check_cell_size, draw_conv_step, draw_transpose_step
from .geometry import conv_geometry, conv_transpose_geometry

_HTML_CALLS = itertools.count()


class HTMLAnimation(str):
    """An animation as an HTML string that Jupyter displays as a player."""

    frames: int = 0

    def _repr_html_(self):
        return str(self)

    def __repr__(self):
        return f"<animation: {self.frames} frames>"


def _frames(total, max_frames):
    max_frames = check_int(max_frames, "max_frames", minimum=2)
    if total <= max_frames:
        return list(range(total))
    return sorted({int(round(v)) for v in np.linspace(0, total - 1, max_frames)})


def _axis_text(pair) -> str:
    """``3`` for ``(3, 3)``, ``3x2`` otherwise."""
    return str(pair[0]) if pair[0] == pair[1] else f"{pair[0]}x{pair[1]}"


def _setting_text(g, padding, output_padding=None, transposed=False) -> str:
    (h, w), (kh, kw) = g.in_shape, g.kernel
    (oh, ow) = g.out_shape
    pad = repr(padding) if isinstance(padding, str) else str(padding)
    parts = [f"stride {_axis_text(g.stride)}", f"padding {pad}"]
    if transposed:
        parts.append(f"output_padding {output_padding}")
    parts.append(f"dilation {_axis_text(g.dilation)}")
    return (f"a {h}x{w} input and a {kh}x{kw} kernel ({', '.join(parts)}) give a "
            f"{oh}x{ow} output")


def _animate(draw, shape, max_frames, interval, cell, dpi, title, description):
    from matplotlib.animation import FuncAnimation

    interval = check_int(interval, "interval", minimum=1)
    dpi = check_int(dpi, "dpi", minimum=10)
    cell = check_cell_size(cell)
    steps = _frames(shape[0] * shape[1], max_frames)
    fig, redraw = draw(divmod(steps[0], shape[1]), None, title, cell, dpi)

    def update(flat):
        redraw(divmod(flat, shape[1]))
        return []

    anim = FuncAnimation(fig, update, frames=steps, interval=interval,
                         blit=False, repeat=True)
    prefix = f"{title}. " if title else ""
    total = shape[0] * shape[1]
    spread = ("one per step" if len(steps) == total
              else f"{len(steps)} of the {total} steps")
    anim.description = f"{prefix}{description}; {len(steps)} frames, {spread}."
    return anim


def animate_conv(in_size, kernel, stride=1, padding=0, dilation=1, *,
                 max_frames=16, interval=600, cell=0.3, dpi=80, title=None):
    """:func:`draw_conv` at every output position, as an animation.

    At most ``max_frames`` frames, evenly spread over the output positions
    (first and last included). The figure is not a pyplot figure, so a
    notebook shows only the player: ``animation_html(animate_conv(...))``;
    ``save_gif`` writes a GIF.

    Returns
    -------
    matplotlib.animation.FuncAnimation

    Examples
    --------
    >>> anim = animate_conv(4, 3)
    >>> html = animation_html(anim)
    >>> html.frames, "<img" in html or "data:image/png" in html
    (4, True)
    """
    g = conv_geometry(in_size, kernel, stride, padding, dilation)

    def draw(yx, ax, title_, cell_, dpi_):
        return draw_conv_step(g, yx, ax, title_, cell_, dpi_)

    description = (f"Convolution: {_setting_text(g, padding)}. Each frame "
                   "shows the kernel's window over the padded input for one "
                   "output cell")
    return _animate(draw, g.out_shape, max_frames, interval, cell, dpi, title,
                    description)


def animate_conv_transpose(in_size, kernel, stride=1, padding=0,
                           output_padding=None, dilation=1, *, view="zeros",
                           max_frames=16, interval=600, cell=0.3, dpi=80,
                           title=None, show_counts=True):
    """:func:`draw_conv_transpose` at every step, as an animation.

    Steps are output positions (``view="zeros"``) or input positions
    (``view="scatter"``); see :func:`animate_conv` for the rest.

    Examples
    --------
    >>> anim = animate_conv_transpose(2, 3, view="scatter")
    >>> animation_html(anim).frames
    4
    """
    view = check_choice(view, "view", ("zeros", "scatter"))
    g = conv_transpose_geometry(in_size, kernel, stride, padding,
                                output_padding, dilation)
    show_counts = bool(show_counts)

    def draw(yx, ax, title_, cell_, dpi_):
        return draw_transpose_step(g, view, yx, ax, title_, cell_, dpi_,
                                   show_counts)

    shape = g.out_shape if view == "zeros" else g.in_shape
    what = ("the kernel's window over the zero-inserted, padded input for one "
            "output cell" if view == "zeros" else
            "one input cell's copy of the kernel added into the output")
    description = (f"Transposed convolution ({view} view): "
                   f"{_setting_text(g, padding, output_padding, True)}. Each "
                   f"frame shows {what}")
    return _animate(draw, shape, max_frames, interval, cell, dpi, title,
                    description)


def _check_animation(anim):
    from matplotlib.animation import Animation

    if not isinstance(anim, Animation):
        raise TypeError(f"anim must be a matplotlib Animation (from "
                        f"animate_conv...), got {type(anim).__name__}")
    return anim


def animation_html(anim, *, fps=None) -> HTMLAnimation:
    """The animation as a JavaScript player with its frames embedded.

    ``anim.to_jshtml(embed_frames=True)`` at the figure's own dpi (the
    animations default to ``dpi=80`` and 0.3-inch cells: 24 pixels a cell).
    Display it as the last expression of a notebook cell.

    matplotlib names the player's HTML elements with a random id; it is
    replaced by a hash of the content and of a call counter, so that a
    notebook run top to bottom stores the same HTML every time (nbval
    compares it) while every player on a page keeps its own id.
    """
    anim = _check_animation(anim)
    if fps is not None and (not isinstance(fps, numbers.Real) or fps <= 0):
        raise ValueError(f"fps must be a positive number, got {short_repr(fps)}")
    with matplotlib.rc_context({"savefig.dpi": "figure"}):
        html = anim.to_jshtml(fps=fps, embed_frames=True)
    found = re.search(r'id="_anim_img([0-9a-f]{32})"', html)
    if found:  # matplotlib's random element id -> a reproducible one
        content = html.replace(found[1], "")
        stable = hashlib.sha1(f"{next(_HTML_CALLS)}:{content}".encode()).hexdigest()
        html = html.replace(found[1], stable[:32])
    html = _accessible_player(html, getattr(anim, "description", None)
                              or "An animation (matplotlib)")
    html = HTMLAnimation(html)
    html.frames = len(list(anim.new_saved_frame_seq()))
    return html


def _accessible_player(html: str, description: str) -> str:
    """matplotlib's player with alternative text and labelled controls.

    The frame image gets ``alt=description``, the slider ``aria-label="Frame
    of the animation"`` and ``aria-describedby`` the image. Patterns that are
    not found are left alone (tests/test_viz_accessibility.py checks that
    they are found).
    """
    alt = html_lib.escape(description, quote=True)
    img = re.search(r'<img id="(_anim_img[0-9a-f]+)"', html)
    if img:
        html = html.replace(img[0], f'{img[0]} alt="{alt}"', 1)
        html = re.sub(r'(<input id="_anim_slider[0-9a-f]+" type="range")',
                      rf'\1 aria-label="Frame of the animation" '
                      rf'aria-describedby="{img[1]}"', html, count=1)
    return html


def save_gif(anim, path, *, fps=2):
    """Write the animation to ``path`` as a GIF (Pillow), at the figure's dpi.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     out = save_gif(animate_conv(4, 3), pathlib.Path(tmp, "a.gif"))
    ...     out.read_bytes()[:6]
    b'GIF89a'
    """
    import pathlib

    from matplotlib.animation import PillowWriter

    anim = _check_animation(anim)
    if not isinstance(fps, numbers.Real) or isinstance(fps, bool) or fps <= 0:
        raise ValueError(f"fps must be a positive number, got {short_repr(fps)}")
    if not isinstance(path, (str, pathlib.Path)):
        raise TypeError(f"path must be a str or a pathlib.Path, got "
                        f"{type(path).__name__}")
    path = pathlib.Path(path)
    with matplotlib.rc_context({"savefig.dpi": "figure"}):
        anim.save(path, writer=PillowWriter(fps=fps))
    return path
