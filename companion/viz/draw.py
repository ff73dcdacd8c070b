"""One step of a convolution or a transposed convolution, drawn.

:func:`draw_conv` and :func:`draw_conv_transpose` render the cells computed by
:mod:`companion.viz.geometry` (colours in :data:`PALETTE`); the animations of
:mod:`companion.viz.animate` redraw the same figures step by step. pyplot is
imported only when a figure is made.
"""

from __future__ import annotations

import numbers

import matplotlib
import matplotlib.patches
import numpy as np

from .._validate import check_choice, check_int, short_repr
from .geometry import ZERO, conv_geometry, conv_transpose_geometry

#: Colours of the cells, by role (see the docstring of :mod:`companion.viz`).
PALETTE = {
    "input": "#9ecae1",      # a real input value
    "padding": "#f0f0f0",    # zero padding around the input
    "zero": "#ffffff",       # a zero inserted between inputs (transposed conv)
    "footprint": "#08519c",  # cells the kernel covers at this step
    "output": "#a1d99b",     # an output already computed
    "pending": "#ffffff",    # an output not computed yet
    "current": "#238b45",    # the output computed at this step
    "cropped": "#d9d9d9",    # scattered but cropped away (transposed conv)
    "extra": "#ffffff",      # output row/column past the scatter (output_padding)
    "source": "#08519c",     # the input being scattered
}

_FOOTPRINT_ALPHA = 0.6


def _step(step, shape, name="step") -> tuple[int, int]:
    """A step (flat index in row-major order, or a ``(row, col)`` pair)."""
    if step is None:
        return 0, 0
    if isinstance(step, numbers.Integral) and not isinstance(step, bool):
        flat = check_int(step, name, minimum=0, maximum=shape[0] * shape[1] - 1)
        return divmod(flat, shape[1])
    if isinstance(step, (tuple, list)) and len(step) == 2:
        return (check_int(step[0], name, 0, shape[0] - 1),
                check_int(step[1], name, 0, shape[1] - 1))
    raise TypeError(f"{name} must be an int, a (row, col) pair or None, got "
                    f"{short_repr(step)}")


def get_pyplot():
    """``matplotlib.pyplot``, imported only when a figure is made."""
    import matplotlib.pyplot as plt

    return plt


def new_axes(ax, width, height, dpi=None):
    """An Axes of the requested size in inches; a pyplot figure if ``ax`` is
    None and ``dpi`` is None, a free-standing Figure (for animations) else."""
    if ax is not None:
        return ax
    if dpi is None:
        fig = get_pyplot().figure(figsize=(width, height))
    else:
        from matplotlib.figure import Figure
        fig = Figure(figsize=(width, height), dpi=dpi)
    return fig.add_axes((0, 0, 1, 1))


def _cell(ax, x0, y0, r, c, role, *, alpha=1.0, dashed=False, lw=0.8):
    rect = matplotlib.patches.Rectangle(
        (x0 + c, y0 + r), 1, 1, facecolor=PALETTE[role], alpha=alpha,
        edgecolor="#555555" if role not in ("footprint", "source") else "none",
        linewidth=lw, linestyle="--" if dashed else "-", gid=f"{role}:{r},{c}",
        antialiased=False)  # flat colours: small PNG frames
    ax.add_artist(rect)
    return rect


def _grid_of(ax, x0, y0, source):
    """Draw a source grid (input index / ZERO / PADDING) at ``(x0, y0)``."""
    for r in range(source.shape[0]):
        for c in range(source.shape[1]):
            v = source[r, c]
            role = "input" if v >= 0 else ("zero" if v == ZERO else "padding")
            _cell(ax, x0, y0, r, c, role, dashed=v < 0)


def _restyle(rect, role, r, c):
    """Give an existing cell a new role (colour and gid)."""
    rect.set_facecolor(PALETTE[role])
    rect.set_gid(f"{role}:{r},{c}")


def _move(rects, x0, y0, cells, role):
    """Move overlay cells onto ``cells`` (an ``(n, 2)`` array of (row, col))."""
    for rect, (r, c) in zip(rects, cells, strict=True):
        rect.set_xy((x0 + c, y0 + r))
        rect.set_gid(f"{role}:{r},{c}")


def _finish(ax, width, height, labels, title):
    for x, y, text in labels:
        ax.text(x, y, text, ha="center", va="bottom", fontsize=9)
    # margins of whole and half cells keep the grid on pixel boundaries
    ax.set_xlim(-0.5, width + 0.5)
    ax.set_ylim(height + 0.5, -1.5 - (1.0 if title else 0))
    ax.set_aspect("equal")
    ax.axis("off")
    if title:
        ax.text(width / 2, -1.6, title, ha="center", va="bottom", fontsize=10)
    return ax.figure


def _sliding(ax, source, footprints, current, in_label, out_label, title,
             cell, dpi):
    """Input-side grid with the kernel's footprint, and the output grid.

    ``footprints`` is ``(oh, ow, kh, kw, 2)``. Returns the figure and
    ``update(yx)``, which redraws the step-dependent cells for step ``yx``
    (the animations call it instead of drawing everything again).
    """
    ph, pw = source.shape
    oh, ow = footprints.shape[:2]
    gap = 1.5
    width, height = pw + gap + ow, max(ph, oh)
    ax = new_axes(ax, cell * (width + 1), cell * (height + 2 + (1 if title else 0)),
                  dpi)
    yi, yo = (height - ph) / 2, (height - oh) / 2
    _grid_of(ax, 0, yi, source)
    taps = footprints.shape[2] * footprints.shape[3]
    overlay = [_cell(ax, 0, yi, 0, 0, "footprint", alpha=_FOOTPRINT_ALPHA)
               for _ in range(taps)]
    outputs = {(r, c): _cell(ax, pw + gap, yo, r, c, "pending")
               for r in range(oh) for c in range(ow)}

    def update(yx):
        _move(overlay, 0, yi, footprints[yx].reshape(-1, 2).tolist(), "footprint")
        flat = yx[0] * ow + yx[1]
        for (r, c), rect in outputs.items():
            role = ("current" if (r, c) == tuple(yx) else
                    "output" if r * ow + c < flat else "pending")
            _restyle(rect, role, r, c)

    update(current)
    labels = [(pw / 2, yi - 0.2, in_label), (pw + gap + ow / 2, yo - 0.2, out_label)]
    return _finish(ax, width, height, labels, title), update


def _conv_labels(g):
    (t, b), (left, right) = g.padding
    if t == b == left == right:
        pad = f" + pad {t}" if t else ""
    elif (t, b) == (left, right):
        pad = f" + pad ({t}, {b})"
    else:
        pad = f" + pad ({t}, {b}), ({left}, {right})"
    return (f"input {g.in_shape[0]}x{g.in_shape[1]}{pad}",
            f"output {g.out_shape[0]}x{g.out_shape[1]}")


def draw_conv(in_size, kernel, stride=1, padding=0, dilation=1, step=None, *,
              ax=None, title=None, cell=0.3):
    """Draw a convolution's sliding window at one step (Dumoulin's picture).

    The padded input (blue; padding grey, dashed), the cells the kernel covers
    at output position ``step`` (dark blue), and the output grid (outputs
    already computed in green, the current one dark green). The cells come
    from :func:`conv_geometry`, the indices :func:`companion.conv.conv2d`
    uses.

    Parameters
    ----------
    in_size, kernel, stride, padding, dilation
        As :func:`conv_geometry`.
    step : None, int or ``(y, x)``
        Output position, flat in row-major order or as a pair; None is 0.
    ax : matplotlib Axes, optional
        Draw into it; otherwise a new pyplot figure is made.
    title : str, optional
    cell : float
        Size of one cell in inches.

    Returns
    -------
    matplotlib.figure.Figure
        In a notebook end the cell with ``plt.show()`` (or ``;``) so the
        figure is shown once.

    Examples
    --------
    >>> fig = draw_conv(5, 3, stride=2, padding=1, step=(1, 2))
    >>> sorted(p.get_gid() for p in fig.axes[0].patches
    ...        if p.get_gid().startswith("footprint"))[:3]
    ['footprint:2,4', 'footprint:2,5', 'footprint:2,6']
    >>> get_pyplot().close(fig)
    """
    g = conv_geometry(in_size, kernel, stride, padding, dilation)
    return draw_conv_step(g, _step(step, g.out_shape), ax, title,
                          check_cell_size(cell), None)[0]


def check_cell_size(cell):
    """The size of one drawn cell in inches, checked (a positive number)."""
    if isinstance(cell, bool) or not isinstance(cell, numbers.Real) or cell <= 0:
        raise ValueError(f"cell must be a positive number of inches, got "
                         f"{short_repr(cell)}")
    return float(cell)


def draw_conv_step(g, yx, ax, title, cell, dpi):
    """Draw step ``yx`` of the convolution ``g`` (a :class:`ConvGeometry`) on
    ``ax``; shared by :func:`draw_conv` and the animations."""
    in_label, out_label = _conv_labels(g)
    return _sliding(ax, g.source, g.footprints, yx, in_label, out_label, title,
                    cell, dpi)


def draw_transpose_step(g, view, yx, ax, title, cell, dpi, show_counts):
    """Draw step ``yx`` of the transposed convolution ``g`` in ``view``
    (``"scatter"`` or ``"zeros"``); shared by :func:`draw_conv_transpose` and
    the animations."""
    if view == "zeros":
        (t, b), (left, right) = g.canvas_padding
        pad = (f"{t}" if t == b == left == right else f"({t}, {b})"
               if (t, b) == (left, right) else f"({t}, {b}), ({left}, {right})")
        in_label = f"input {g.in_shape[0]}x{g.in_shape[1]}, zeros, pad {pad}"
        return _sliding(ax, g.source, g.footprints, yx, in_label,
                        f"output {g.out_shape[0]}x{g.out_shape[1]}", title,
                        cell, dpi)
    return _scatter(g, yx, ax, title, cell, dpi, show_counts)


def _scatter(g, yx, ax, title, cell, dpi, show_counts):
    """Input grid (the scattered cell dark) and the full scatter grid, with
    the output window and the cells written so far."""
    h, w = g.in_shape
    (oy, ox), (oh, ow) = g.offset, g.out_shape
    fh, fw = g.full_shape
    ch, cw = max(fh, oy + oh), max(fw, ox + ow)  # output_padding may pass L
    gap = 1.5
    width, height = w + gap + cw, max(h, ch)
    ax = new_axes(ax, cell * (width + 1), cell * (height + 2 + (1 if title else 0)),
                  dpi)
    yi, yo = (height - h) / 2, (height - ch) / 2
    x0 = w + gap
    for r in range(h):
        for c in range(w):
            _cell(ax, 0, yi, r, c, "input")
    source = [_cell(ax, 0, yi, 0, 0, "source", alpha=_FOOTPRINT_ALPHA)]
    cells, texts = {}, {}
    for r in range(ch):
        for c in range(cw):
            if not (oy <= r < oy + oh and ox <= c < ox + ow):
                _cell(ax, x0, yo, r, c, "cropped", dashed=True)
            elif r >= fh or c >= fw:
                _cell(ax, x0, yo, r, c, "extra", dashed=True)
            else:
                cells[r, c] = _cell(ax, x0, yo, r, c, "pending")
            if show_counts and r < fh and c < fw:
                texts[r, c] = ax.text(x0 + c + 0.5, yo + r + 0.5, "",
                                      ha="center", va="center", fontsize=8)
    taps = g.kernel[0] * g.kernel[1]
    overlay = [_cell(ax, x0, yo, 0, 0, "footprint", alpha=_FOOTPRINT_ALPHA)
               for _ in range(taps)]
    ax.add_artist(matplotlib.patches.Rectangle(
        (x0 + ox, yo + oy), ow, oh, fill=False, edgecolor="black", linewidth=1.6,
        gid="window"))
    scatter = g.scatter.reshape(h * w, taps, 2)

    def update(yx):
        flat = yx[0] * w + yx[1]
        _move(source, 0, yi, [yx], "source")
        counts = np.zeros((fh, fw), dtype=np.int64)
        np.add.at(counts, tuple(scatter[:flat + 1].reshape(-1, 2).T), 1)
        for (r, c), rect in cells.items():
            _restyle(rect, "output" if counts[r, c] else "pending", r, c)
        for (r, c), text in texts.items():
            n = int(counts[r, c])
            text.set_text(str(n) if n else "")
            text.set_gid(f"count:{r},{c}" if n else None)
        _move(overlay, x0, yo, scatter[flat].tolist(), "footprint")

    update(yx)
    labels = [(w / 2, yi - 0.2, f"input {h}x{w}"),
              (x0 + cw / 2, yo - 0.2, f"scatter {fh}x{fw}, output {oh}x{ow}")]
    return _finish(ax, width, height, labels, title), update


def draw_conv_transpose(in_size, kernel, stride=1, padding=0,
                        output_padding=None, dilation=1, step=None, *,
                        view="zeros", ax=None, title=None, cell=0.3,
                        show_counts=True):
    """Draw one step of a transposed convolution, in either picture.

    ``view="zeros"`` (chapter 3, Dumoulin's picture): the input with
    ``s - 1`` zeros inserted (white, dashed) and ``K - 1 - offset`` cells of
    padding (grey), the kernel's footprint at output ``step`` (a stride-1
    convolution with the kernel rotated 180 degrees) and the output grid.

    ``view="scatter"`` (chapter 2): input cell ``step`` (dark) adds
    ``x[r, c] * w`` to the dark cells of the full scatter; the black frame
    is the output that is kept (grey cells are cropped by ``padding``,
    dashed white ones are ``output_padding`` past the scatter), green cells
    were written by earlier inputs, with their number of contributions.

    The cells come from :func:`conv_transpose_geometry`.

    Parameters
    ----------
    in_size, kernel, stride, padding, output_padding, dilation
        As :func:`conv_transpose_geometry`.
    step : None, int or ``(row, col)``
        An output position (zeros view) or an input position (scatter view).
    view : ``"zeros"`` or ``"scatter"``
    ax, title, cell
        As :func:`draw_conv`.
    show_counts : bool
        Scatter view: write the number of contributions in each cell.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> fig = draw_conv_transpose(2, 2, stride=2, view="scatter", step=3)
    >>> sorted(p.get_gid() for p in fig.axes[0].patches
    ...        if p.get_gid().startswith("footprint"))
    ['footprint:2,2', 'footprint:2,3', 'footprint:3,2', 'footprint:3,3']
    >>> get_pyplot().close(fig)
    """
    view = check_choice(view, "view", ("zeros", "scatter"))
    g = conv_transpose_geometry(in_size, kernel, stride, padding,
                                output_padding, dilation)
    yx = _step(step, g.out_shape if view == "zeros" else g.in_shape)
    return draw_transpose_step(g, view, yx, ax, title, check_cell_size(cell), None,
                               bool(show_counts))[0]
