"""Small grids of numbers side by side, for the hand-worked examples."""

from __future__ import annotations

import numbers

import matplotlib
import matplotlib.patches
import numpy as np

from .._validate import check_array, short_repr
from .draw import (
    check_cell_size,
    get_pyplot,  # noqa: F401  (the doctests close their figures)
    new_axes,
)


def _as_grids(grids, name="grids"):
    if isinstance(grids, np.ndarray) and grids.ndim == 2:
        grids = [grids]
    if not isinstance(grids, (list, tuple)) or not grids:
        raise TypeError(f"{name} must be a 2-D array or a non-empty list of "
                        f"2-D arrays, got {short_repr(grids)}")
    out = []
    for k, g in enumerate(grids):
        g = np.asarray(g) if isinstance(g, (list, tuple, numbers.Number)) else g
        g = check_array(g, f"{name}[{k}]", ndim=(0, 1, 2), float_only=False)
        if not (np.issubdtype(g.dtype, np.number) or g.dtype == bool):
            raise TypeError(f"{name}[{k}] must hold numbers, got {g.dtype}")
        out.append(np.atleast_2d(g))
    return out


def check_labels(values, n, name):
    """``values`` as a list of ``n`` per-item labels (``n`` Nones if None)."""
    if values is None:
        return [None] * n
    if isinstance(values, str) or len(values) != n:
        raise ValueError(f"{name} must be a list of {n} entries (one per "
                         f"item), got {short_repr(values)}")
    return list(values)


def show_values(grids, titles=None, *, ops=None, highlight=None, fmt="{:g}",
                cmap="Blues", cell=0.45, ax=None):
    """Small grids of numbers side by side, for the hand-worked examples.

    Parameters
    ----------
    grids : 2-D array or list of 2-D arrays (scalars become 1x1 grids)
        E.g. ``[input, kernel, input_patch * kernel, total]``.
    titles : list of str, optional
        One per grid.
    ops : list of str, optional
        The ``len(grids) - 1`` symbols written between the grids
        (``"*"``, ``"="``...); empty strings for none.
    highlight : list of (boolean 2-D array or None), optional
        Cells to frame in red, one mask per grid (e.g. the window that made
        the partial products).
    fmt : str
        Format of each value.
    cmap : str
        Colour map; each grid is coloured over its own range.
    cell : float
        Size of one cell in inches.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.figure.Figure
        Each value is a Text with ``gid`` ``"value:k:r,c"`` (grid ``k``);
        highlight frames have ``gid`` ``"highlight:k:r,c"``.

    Examples
    --------
    >>> x, w = np.arange(9.0).reshape(3, 3), np.eye(3)
    >>> fig = show_values([x, w, x * w, (x * w).sum()],
    ...                   ["input", "kernel", "products", "sum"],
    ...                   ops=["*", "=", "->"])
    >>> [t.get_text() for t in fig.axes[0].texts if t.get_gid() == "value:3:0,0"]
    ['12']
    >>> get_pyplot().close(fig)
    """
    grids = _as_grids(grids)
    n = len(grids)
    titles = check_labels(titles, n, "titles")
    ops = check_labels(ops, n - 1, "ops")
    masks = check_labels(highlight, n, "highlight")
    if not isinstance(fmt, str):
        raise TypeError(f"fmt must be a format string like '{{:g}}', got "
                        f"{short_repr(fmt)}")
    if not isinstance(cmap, str) or cmap not in matplotlib.colormaps:
        raise ValueError(f"cmap must be a matplotlib colour map name such as "
                         f"'Blues', got {short_repr(cmap)}")
    cmap_ = matplotlib.colormaps[cmap]
    cell = check_cell_size(cell)
    for k, m in enumerate(masks):
        if m is not None:
            m = np.asarray(m)
            if m.dtype != bool or m.shape != grids[k].shape:
                raise ValueError(f"highlight[{k}] must be a boolean mask of "
                                 f"shape {grids[k].shape}, got {short_repr(m)}")
            masks[k] = m
    gap = 1.4
    width = sum(g.shape[1] for g in grids) + gap * (n - 1)
    height = max(g.shape[0] for g in grids)
    ax = new_axes(ax, cell * (width + 0.4), cell * (height + 1.2))
    x0 = 0.0
    for k, g in enumerate(grids):
        y0 = (height - g.shape[0]) / 2
        vals = g.astype(float)
        lo, hi = float(vals.min()), float(vals.max())
        for r in range(g.shape[0]):
            for c in range(g.shape[1]):
                t = 0.5 if hi == lo else (vals[r, c] - lo) / (hi - lo)
                colour = cmap_(0.1 + 0.5 * t)
                ax.add_artist(matplotlib.patches.Rectangle(
                    (x0 + c, y0 + r), 1, 1, facecolor=colour, edgecolor="#555555",
                    linewidth=0.8, gid=f"cell:{k}:{r},{c}"))
                ax.text(x0 + c + 0.5, y0 + r + 0.5, fmt.format(g[r, c]),
                        ha="center", va="center", fontsize=9,
                        gid=f"value:{k}:{r},{c}")
                if masks[k] is not None and masks[k][r, c]:
                    ax.add_artist(matplotlib.patches.Rectangle(
                        (x0 + c + 0.04, y0 + r + 0.04), 0.92, 0.92, fill=False,
                        edgecolor="#d62728", linewidth=2,
                        gid=f"highlight:{k}:{r},{c}"))
        if titles[k]:
            ax.text(x0 + g.shape[1] / 2, y0 - 0.15, titles[k], ha="center",
                    va="bottom", fontsize=9)
        x0 += g.shape[1]
        if k < n - 1:
            if ops[k]:
                ax.text(x0 + gap / 2, height / 2, ops[k], ha="center",
                        va="center", fontsize=13)
            x0 += gap
    ax.set_xlim(-0.2, width + 0.2)
    ax.set_ylim(height + 0.2, -1.0)
    ax.set_aspect("equal")
    ax.axis("off")
    return ax.figure
