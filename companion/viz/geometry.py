"""The index arithmetic every figure is drawn from, as data.

:func:`conv_geometry` gives the cells each output of a convolution reads and
:func:`conv_transpose_geometry` both pictures of a transposed convolution (the
scatter and the zero insertion); ``companion.viz.draw`` and
``companion.viz.animate`` only render them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._validate import as_pair, per_axis
from ..shapes import (
    conv_output_size,
    conv_transpose_crop,
    effective_kernel,
    resolve_padding2d,
)

#: Values of :attr:`ConvGeometry.source` / :attr:`ConvTransposeGeometry.source`
#: for cells that hold no input.
PADDING, ZERO = -2, -1


def _sizes(in_size, kernel, stride, dilation):
    return (as_pair(in_size, "in_size", minimum=1),
            as_pair(kernel, "kernel", minimum=1),
            as_pair(stride, "stride", minimum=1),
            as_pair(dilation, "dilation", minimum=1))


def _taps(n_out: int, k: int, s: int, d: int) -> np.ndarray:
    """``start[o] + m*d`` for every output ``o`` and tap ``m``: ``(n_out, k)``."""
    return (np.arange(n_out)[:, None] * s + np.arange(k)[None, :] * d)


def _footprints(out_shape, kernel, stride, dilation) -> np.ndarray:
    """Tap coordinates ``(oh, ow, kh, kw, 2)`` of a sliding window."""
    rows = _taps(out_shape[0], kernel[0], stride[0], dilation[0])  # (oh, kh)
    cols = _taps(out_shape[1], kernel[1], stride[1], dilation[1])  # (ow, kw)
    oh, ow, (kh, kw) = out_shape[0], out_shape[1], kernel
    r = np.broadcast_to(rows[:, None, :, None], (oh, ow, kh, kw))
    c = np.broadcast_to(cols[None, :, None, :], (oh, ow, kh, kw))
    return np.stack([r, c], axis=-1)


@dataclass(frozen=True)
class ConvGeometry:
    """Which padded-input cells each output of a convolution reads.

    Built by :func:`conv_geometry`. Coordinates ``(row, col)`` are in the
    zero-padded input: input cell ``(r, c)`` sits at ``(r + top, c + left)``.
    """

    in_shape: tuple[int, int]
    kernel: tuple[int, int]
    stride: tuple[int, int]
    dilation: tuple[int, int]
    padding: tuple[tuple[int, int], tuple[int, int]]
    out_shape: tuple[int, int]

    @property
    def padded_shape(self) -> tuple[int, int]:
        """Shape of the padded input ``(h + top + bottom, w + left + right)``."""
        return tuple(self.in_shape[a] + sum(self.padding[a]) for a in range(2))

    @property
    def footprints(self) -> np.ndarray:
        """``(oh, ow, kh, kw, 2)``: padded cell under tap ``(i, j)`` of output
        ``(y, x)``, i.e. ``(y*sh + i*dh, x*sw + j*dw)``."""
        return _footprints(self.out_shape, self.kernel, self.stride,
                           self.dilation)

    @property
    def source(self) -> np.ndarray:
        """``(ph, pw)`` grid: the flat input index ``r*w + c`` of each padded
        cell, or ``PADDING``."""
        (top, _), (left, _) = self.padding
        grid = np.full(self.padded_shape, PADDING, dtype=np.int64)
        h, w = self.in_shape
        grid[top:top + h, left:left + w] = np.arange(h * w).reshape(h, w)
        return grid

    def receptive_field(self, y: int, x: int) -> list[tuple[int, int]]:
        """Input cells ``(r, c)`` (unpadded) read by output ``(y, x)``."""
        src = self.source
        cells = self.footprints[y, x].reshape(-1, 2)
        idx = src[cells[:, 0], cells[:, 1]]
        return [divmod(int(i), self.in_shape[1]) for i in idx if i >= 0]

    def touched_by(self) -> np.ndarray:
        """``(h, w, oh, ow)`` booleans: does input ``(r, c)`` feed output
        ``(y, x)``? (What a one-hot input shows through the convolution.)"""
        h, w = self.in_shape
        touch = np.zeros((h * w, *self.out_shape), dtype=bool)
        fp = self.footprints
        idx = self.source[fp[..., 0], fp[..., 1]]  # (oh, ow, kh, kw)
        oy, ox = np.nonzero(np.ones(self.out_shape, dtype=bool))
        for y, x in zip(oy, ox, strict=True):
            touch[idx[y, x][idx[y, x] >= 0], y, x] = True
        return touch.reshape(h, w, *self.out_shape)


def conv_geometry(in_size, kernel, stride=1, padding=0, dilation=1
                  ) -> ConvGeometry:
    """The sliding window of a convolution, as data.

    Parameters
    ----------
    in_size, kernel, stride, dilation : int or ``(h, w)``
    padding : int, ``(ph, pw)``, ``((top, bottom), (left, right))``,
        ``"valid"`` or ``"same"`` (TensorFlow's rule), as
        :func:`companion.conv.conv2d` takes it.

    Returns
    -------
    ConvGeometry
        Output ``(y, x)`` reads padded cells ``(y*s + i*d, x*s + j*d)``; the
        output size is :func:`companion.shapes.conv_output_size` per axis.

    Examples
    --------
    >>> g = conv_geometry(5, 3, stride=2, padding=1)
    >>> g.out_shape, g.padded_shape
    ((3, 3), (7, 7))
    >>> g.footprints[1, 2, :, 0, :].tolist()  # column 0 of the kernel
    [[2, 4], [3, 4], [4, 4]]
    >>> g.receptive_field(0, 0)  # the corner reads four real inputs
    [(0, 0), (0, 1), (1, 0), (1, 1)]
    """
    in_shape, kernel, stride, dilation = _sizes(in_size, kernel, stride,
                                                dilation)
    pad = resolve_padding2d(padding, in_shape, kernel, stride, dilation)
    out = tuple(conv_output_size(in_shape[a], kernel[a], stride[a], pad[a],
                                 dilation[a]) for a in range(2))
    return ConvGeometry(in_shape, kernel, stride, dilation, pad, out)


@dataclass(frozen=True)
class ConvTransposeGeometry:
    """Both pictures of a transposed convolution, as data.

    Built by :func:`conv_transpose_geometry`. ``offset`` is where the output
    starts in the full scatter of shape ``full_shape = (H - 1)s + K``.
    """

    in_shape: tuple[int, int]
    kernel: tuple[int, int]
    stride: tuple[int, int]
    dilation: tuple[int, int]
    offset: tuple[int, int]
    out_shape: tuple[int, int]

    @property
    def effective_kernel(self) -> tuple[int, int]:
        """``K = d(k - 1) + 1`` per axis."""
        return tuple(effective_kernel(self.kernel[a], self.dilation[a])
                     for a in range(2))

    @property
    def full_shape(self) -> tuple[int, int]:
        """Extent ``(H - 1)s + K`` of the scatter before cropping."""
        k = self.effective_kernel
        return tuple((self.in_shape[a] - 1) * self.stride[a] + k[a]
                     for a in range(2))

    # -- scatter view ---------------------------------------------------
    @property
    def scatter(self) -> np.ndarray:
        """``(h, w, kh, kw, 2)``: the full-scatter cell that input ``(r, c)``
        times tap ``(i, j)`` is added to, ``(r*sh + i*dh, c*sw + j*dw)``.
        Subtract ``offset`` for output coordinates (outside ``[0, out)``
        means cropped)."""
        return _footprints(self.in_shape, self.kernel, self.stride,
                           self.dilation)

    # -- zero-insertion view --------------------------------------------
    @property
    def canvas_padding(self) -> tuple[tuple[int, int], tuple[int, int]]:
        """The padding of the zero-inserted input, ``K - 1 - offset`` before,
        ``out + offset - L + K - 1`` after (negative: that many cells are
        cut off instead)."""
        k, full = self.effective_kernel, self.full_shape
        return tuple((k[a] - 1 - self.offset[a],
                      self.out_shape[a] + self.offset[a] - full[a] + k[a] - 1)
                     for a in range(2))

    @property
    def canvas_shape(self) -> tuple[int, int]:
        """``out + K - 1``: the stride-1 convolution over it gives ``out``."""
        k = self.effective_kernel
        return tuple(self.out_shape[a] + k[a] - 1 for a in range(2))

    @property
    def source(self) -> np.ndarray:
        """``canvas_shape`` grid: flat input index ``r*w + c``, ``ZERO``
        (an inserted zero) or ``PADDING``."""
        axes = []
        for a in range(2):
            z = np.arange(self.canvas_shape[a]) - self.canvas_padding[a][0]
            inside = (z >= 0) & (z <= (self.in_shape[a] - 1) * self.stride[a])
            on_input = inside & (z % self.stride[a] == 0)
            axes.append((inside, on_input, z // self.stride[a]))
        (in_r, on_r, r), (in_c, on_c, c) = axes
        grid = np.where(in_r[:, None] & in_c[None, :], ZERO, PADDING)
        on = on_r[:, None] & on_c[None, :]
        flat = r[:, None] * self.in_shape[1] + c[None, :]
        return np.where(on, flat, grid).astype(np.int64)

    @property
    def footprints(self) -> np.ndarray:
        """``(oh, ow, kh, kw, 2)``: canvas cell under tap ``(i, j)`` of output
        ``(y, x)``, ``(y + i*dh, x + j*dw)``; that tap holds the *rotated*
        kernel ``w[kh-1-i, kw-1-j]``."""
        return _footprints(self.out_shape, self.kernel, (1, 1), self.dilation)

    def touched_by(self) -> np.ndarray:
        """``(h, w, oh, ow)`` booleans: does input ``(r, c)`` reach output
        ``(y, x)``? Computed from the scatter view."""
        h, w = self.in_shape
        touch = np.zeros((h, w, *self.out_shape), dtype=bool)
        cells = self.scatter - np.asarray(self.offset)  # (h, w, kh, kw, 2)
        for r in range(h):
            for c in range(w):
                yx = cells[r, c].reshape(-1, 2)
                ok = ((yx >= 0) & (yx < np.asarray(self.out_shape))).all(axis=1)
                touch[r, c, yx[ok, 0], yx[ok, 1]] = True
        return touch


def conv_transpose_geometry(in_size, kernel, stride=1, padding=0,
                            output_padding=None, dilation=1
                            ) -> ConvTransposeGeometry:
    """The scatter and zero-insertion pictures of a transposed convolution.

    Parameters
    ----------
    in_size, kernel, stride, dilation : int or ``(h, w)``
    padding : int or ``(ph, pw)`` (PyTorch's meaning: crop ``p`` from each
        side of the scatter), or ``"valid"``/``"same"`` (Keras' meaning), as
        :func:`companion.transposed.conv_transpose2d` takes it.
    output_padding : None, int or ``(oh, ow)``

    Returns
    -------
    ConvTransposeGeometry
        ``offset`` and ``out_shape`` per axis from
        :func:`companion.shapes.conv_transpose_crop`.

    Examples
    --------
    >>> g = conv_transpose_geometry(3, 3, stride=2, padding=1,
    ...                             output_padding=1)  # relationship 14
    >>> g.full_shape, g.offset, g.out_shape
    ((7, 7), (1, 1), (6, 6))
    >>> g.canvas_padding  # k - p - 1 = 1 before, plus a = 1 after
    ((1, 2), (1, 2))
    >>> g.source[:, 1].tolist()  # -2 padding, -1 inserted zero
    [-2, 0, -1, 3, -1, 6, -2, -2]
    """
    in_shape, kernel, stride, dilation = _sizes(in_size, kernel, stride,
                                                dilation)
    pads = per_axis(padding, "padding")
    ops = per_axis(output_padding, "output_padding", allow_none=True)
    crops = [conv_transpose_crop(in_shape[a], kernel[a], stride[a], pads[a],
                                 ops[a], dilation[a]) for a in range(2)]
    return ConvTransposeGeometry(in_shape, kernel, stride, dilation,
                                 (crops[0][0], crops[1][0]),
                                 (crops[0][1], crops[1][1]))
