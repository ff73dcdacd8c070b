"""Figures of the chapters' results: images side by side, a difference map,
training curves."""

from __future__ import annotations

import numbers

import numpy as np

from .._validate import check_array, check_int, short_repr
from .draw import get_pyplot
from .values import check_labels


def _image(img, name):
    img = check_array(np.asarray(img) if isinstance(img, (list, tuple)) else img,
                      name, ndim=(2, 3), float_only=False)
    if img.ndim == 3:
        if img.shape[2] not in (1, 3, 4):
            raise ValueError(f"{name} must be (h, w), (h, w, 1), (h, w, 3) or "
                             f"(h, w, 4), got shape {img.shape}")
        if img.shape[2] == 1:
            img = img[:, :, 0]
    return img


def _score_text(score, score_name, score_fmt):
    if score is None:
        return ""
    if isinstance(score, dict):
        return ", ".join(f"{k} {score_fmt.format(v)}" for k, v in score.items())
    if isinstance(score, str):
        return score
    if isinstance(score, numbers.Real):
        return f"{score_name} {score_fmt.format(score)}"
    raise TypeError(f"scores must hold numbers, strings, dicts or None, got "
                    f"{short_repr(score)}")


def compare_images(images, titles=None, scores=None, *, score_name="PSNR",
                   score_fmt="{:.2f}", ncols=None, cmap="gray", vmin=0.0,
                   vmax=1.0, size=2.0):
    """Images side by side, each with a title and optional scores.

    Parameters
    ----------
    images : list of arrays ``(h, w)``, ``(h, w, 1)``, ``(h, w, 3)``
    titles : list of str, optional
    scores : list of (number, str, dict or None), optional
        A number is written ``"{score_name} {value}"``; a dict
        ``{"PSNR": 27.1, "SSIM": 0.9}`` gives one entry each.
    ncols : int, optional
        Columns of the grid (default: all in one row).
    cmap, vmin, vmax
        For single-channel images; RGB values are clipped to [vmin, vmax].
    size : float
        Width of each panel in inches.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> img = np.linspace(0, 1, 16).reshape(4, 4)
    >>> fig = compare_images([img, 1 - img], ["a", "b"], [30.0, None])
    >>> [ax.get_title() for ax in fig.axes[:2]]
    ['a\\nPSNR 30.00', 'b']
    >>> get_pyplot().close(fig)
    """
    if not isinstance(images, (list, tuple)) or not images:
        raise TypeError(f"images must be a non-empty list of arrays, got "
                        f"{short_repr(images)}")
    images = [_image(im, f"images[{k}]") for k, im in enumerate(images)]
    n = len(images)
    titles = check_labels(titles, n, "titles")
    scores = check_labels(scores, n, "scores")
    ncols = n if ncols is None else check_int(ncols, "ncols", minimum=1)
    nrows = -(-n // ncols)
    plt = get_pyplot()
    aspect = images[0].shape[0] / images[0].shape[1]
    fig, axes = plt.subplots(nrows, ncols, squeeze=False,
                             figsize=(size * ncols, (size * aspect + 0.5) * nrows))
    for k, ax in enumerate(axes.ravel()):
        ax.axis("off")
        if k >= n:
            continue
        img = images[k]
        if img.ndim == 2:
            ax.imshow(img, cmap=cmap, vmin=vmin, vmax=vmax,
                      interpolation="nearest")
        else:
            ax.imshow(np.clip((img - vmin) / (vmax - vmin), 0, 1),
                      interpolation="nearest")
        label = "\n".join(t for t in (titles[k] or "",
                                      _score_text(scores[k], score_name,
                                                  score_fmt)) if t)
        ax.set_title(label, fontsize=9)
    fig.tight_layout()
    return fig


def difference_map(a, b, *, title=None, cmap="RdBu_r", vmax=None, ax=None):
    """The signed difference ``a - b`` with a symmetric colour scale.

    Colour images are averaged over their channels. The title states the
    largest absolute difference.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> a = np.zeros((4, 4)); b = a.copy(); b[1, 2] = 0.5
    >>> fig = difference_map(a, b)
    >>> fig.axes[0].get_title()
    'a - b (max |a - b| = 0.5)'
    >>> get_pyplot().close(fig)
    """
    a, b = _image(a, "a"), _image(b, "b")
    if a.shape != b.shape:
        raise ValueError(f"a and b must have the same shape, got {a.shape} and "
                         f"{b.shape}")
    diff = a.astype(np.float64) - b.astype(np.float64)
    if diff.ndim == 3:
        diff = diff.mean(axis=2)
    big = float(np.abs(diff).max())
    if vmax is None:
        vmax = big if big > 0 else 1.0
    elif not isinstance(vmax, numbers.Real) or vmax <= 0:
        raise ValueError(f"vmax must be a positive number, got {short_repr(vmax)}")
    if ax is None:
        fig, ax = get_pyplot().subplots(figsize=(3.2, 2.8))
    im = ax.imshow(diff, cmap=cmap, vmin=-vmax, vmax=vmax, interpolation="nearest")
    ax.figure.colorbar(im, ax=ax, fraction=0.046, pad=0.04)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_title(f"{title or 'a - b'} (max |a - b| = {big:.3g})", fontsize=9)
    return ax.figure


def _history(history) -> dict[str, list[float]]:
    if hasattr(history, "history") and isinstance(history.history, dict):
        history = history.history
    if isinstance(history, dict):
        if not history:
            raise ValueError("history is empty")
        return {str(k): [float(v) for v in vals] for k, vals in history.items()}
    if isinstance(history, (list, tuple, np.ndarray)):
        vals = np.asarray(history, dtype=np.float64)
        if vals.ndim != 1 or vals.size == 0:
            raise ValueError(f"history must be a non-empty 1-D list of losses, "
                             f"got {short_repr(history)}")
        return {"loss": vals.tolist()}
    raise TypeError(f"history must be a Keras History, a dict of lists or a list "
                    f"of losses, got {type(history).__name__}")


def plot_history(history, *, keys=None, logy=False, title=None, ax=None):
    """Training curves from a Keras ``History``, a dict of lists or a list.

    Parameters
    ----------
    history : keras.callbacks.History, dict of lists, or list of losses
    keys : list of str, optional
        Which curves to draw (default: all).
    logy : bool
        Logarithmic loss axis.

    Returns
    -------
    matplotlib.figure.Figure
        One line per key, labelled with the key; epochs start at 1.

    Examples
    --------
    >>> fig = plot_history({"loss": [1.0, 0.5, 0.4], "val_loss": [1.1, 0.7, 0.6]})
    >>> [line.get_label() for line in fig.axes[0].lines]
    ['loss', 'val_loss']
    >>> get_pyplot().close(fig)
    """
    curves = _history(history)
    if keys is not None:
        if isinstance(keys, str):
            keys = [keys]
        for key in keys:
            if key not in curves:
                raise ValueError(f"keys: {key!r} is not in the history "
                                 f"(it has {sorted(curves)})")
        curves = {k: curves[k] for k in keys}
    if ax is None:
        _, ax = get_pyplot().subplots(figsize=(4.5, 3))
    for key, vals in curves.items():
        ax.plot(np.arange(1, len(vals) + 1), vals, label=key, marker=".")
    if logy:
        ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.legend(fontsize=8)
    if title:
        ax.set_title(title)
    ax.grid(alpha=0.3)
    return ax.figure
