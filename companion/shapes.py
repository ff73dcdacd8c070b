"""Output sizes of convolutions and transposed convolutions, one axis at a time.

Notation (chapter 1, "Convolution arithmetic"; Dumoulin and Visin,
arXiv:1603.07285): input size ``H``, kernel ``k``, stride ``s``, padding ``p``,
dilation ``d`` and effective kernel ``K = d(k - 1) + 1``.

- Convolution: ``o = floor((H + p_before + p_after - K) / s) + 1``;
  TensorFlow's ``"same"`` gives ``o = ceil(H / s)`` with the odd extra padding
  on the bottom/right (:func:`same_padding`).
- Transposed convolution (chapter 2): the scatter of every input pixel fills a
  "full" output of length ``L = (H - 1)s + K``; PyTorch keeps
  ``full[p : p + o]`` with ``o = (H - 1)s - 2p + K + output_padding``, Keras
  picks ``o`` from its padding mode (:func:`conv_transpose_crop`).

The 2-D functions elsewhere apply these rules to each spatial axis.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from ._validate import check_choice, check_int, short_repr

#: Padding modes accepted as strings, TensorFlow/Keras spelling in lower case.
PADDING_MODES = ("valid", "same")


def effective_kernel(kernel: int, dilation: int = 1) -> int:
    """Extent ``K = d(k - 1) + 1`` of a kernel of size ``k`` dilated by ``d``.

    Examples
    --------
    >>> effective_kernel(3, dilation=2)
    5
    """
    kernel = check_int(kernel, "kernel", minimum=1)
    dilation = check_int(dilation, "dilation", minimum=1)
    return dilation * (kernel - 1) + 1


def padding_mode(padding) -> str | None:
    """Return ``"valid"``/``"same"`` for a string padding, ``None`` otherwise.

    Case-insensitive (TensorFlow spells them ``"VALID"``/``"SAME"``); any
    other string raises ``ValueError``.

    Examples
    --------
    >>> padding_mode("SAME"), padding_mode(1)
    ('same', None)
    """
    if isinstance(padding, str):
        return check_choice(padding.lower(), "padding", PADDING_MODES)
    return None


def same_padding(size: int, kernel: int, stride: int = 1,
                 dilation: int = 1) -> tuple[int, int]:
    """TensorFlow's ``"same"`` padding ``(before, after)`` for one axis.

    ``o = ceil(H / s)``, ``total = max(0, (o - 1)s + K - H)``,
    ``before = total // 2`` and the odd extra goes after (bottom/right).
    Explained in chapter 1; :func:`conv_output_size` uses it.

    Examples
    --------
    >>> same_padding(6, 3, stride=2)  # total 1: nothing on top, 1 below
    (0, 1)
    >>> same_padding(5, 3, stride=1)
    (1, 1)
    """
    size = check_int(size, "size", minimum=1)
    stride = check_int(stride, "stride", minimum=1)
    k_eff = effective_kernel(kernel, dilation)
    out = -(-size // stride)
    total = max(0, (out - 1) * stride + k_eff - size)
    return total // 2, total - total // 2


def resolve_padding(padding, size: int, kernel: int, stride: int = 1,
                    dilation: int = 1) -> tuple[int, int]:
    """Padding ``(before, after)`` of one axis from any accepted form.

    ``padding`` is an int (both sides), a ``(before, after)`` pair, or
    ``"valid"``/``"same"`` (TensorFlow's rule, :func:`same_padding`).

    Examples
    --------
    >>> resolve_padding(2, 5, 3), resolve_padding("same", 6, 3, stride=2)
    ((2, 2), (0, 1))
    """
    mode = padding_mode(padding)
    if mode == "valid":
        return 0, 0
    if mode == "same":
        return same_padding(size, kernel, stride, dilation)
    if isinstance(padding, (tuple, list)):
        if len(padding) != 2:
            raise ValueError(
                "padding must be an int, a (before, after) pair, 'valid' or "
                f"'same'; got {short_repr(padding)}")
        return (check_int(padding[0], "padding", minimum=0),
                check_int(padding[1], "padding", minimum=0))
    p = check_int(padding, "padding", minimum=0)
    return p, p


def conv_output_size(size: int, kernel: int, stride: int = 1, padding=0,
                     dilation: int = 1) -> int:
    """Output length of a convolution along one axis.

    ``o = floor((H + p_before + p_after - K) / s) + 1`` with
    ``K = d(k - 1) + 1`` (Dumoulin and Visin, relationships 1-6 and 15;
    chapter 1). ``padding`` is an int, a ``(before, after)`` pair, ``"valid"``
    or ``"same"`` (TensorFlow: ``o = ceil(H / s)``).

    Raises ``ValueError`` when the dilated kernel is larger than the padded
    input. :func:`explain_conv` prints the same computation step by step.

    Examples
    --------
    >>> conv_output_size(7, 3), conv_output_size(7, 3, stride=2)
    (5, 3)
    >>> conv_output_size(32, 5, padding=2)  # P = 2 keeps 32 x 32
    32
    >>> conv_output_size(5, 3, stride=2, padding="same")
    3
    """
    size = check_int(size, "size", minimum=1)
    stride = check_int(stride, "stride", minimum=1)
    k_eff = effective_kernel(kernel, dilation)
    before, after = resolve_padding(padding, size, kernel, stride, dilation)
    padded = size + before + after
    if padded < k_eff:
        raise ValueError(
            f"kernel of effective size K = {k_eff} (kernel {kernel}, dilation "
            f"{dilation}) is larger than the padded input {padded} (size {size}"
            f" + padding {before} + {after}); use a smaller kernel or pad more")
    return (padded - k_eff) // stride + 1


def conv_transpose_crop(size: int, kernel: int, stride: int = 1, padding=0,
                        output_padding=None, dilation: int = 1
                        ) -> tuple[int, int]:
    """Where a transposed convolution's output sits in the full scatter.

    Returns ``(offset, length)``: the output is ``full[offset : offset +
    length]`` of the scatter ``full`` of length ``L = (H - 1)s + K``, read as
    zero beyond ``L`` (chapter 2).

    - int ``padding`` (PyTorch): ``offset = p``, ``length = L - 2p +
      output_padding``, with ``0 <= output_padding < max(s, d)``.
    - ``"valid"`` (Keras): ``offset = 0``; ``length = H s + max(K - s, 0)``
      when ``output_padding`` is None, else ``L + output_padding``.
    - ``"same"`` (Keras): ``length = H s`` when ``output_padding`` is None, else
      ``(H - 1)s + K % 2 + output_padding``; ``offset = max(0, L - length) //
      2`` (TensorFlow's "same" rule run backwards).

    Keras requires ``output_padding < s``; TensorFlow also refuses a
    ``"same"`` length whose forward "same" convolution would not give back
    ``H``. Both are ``ValueError`` here.

    Examples
    --------
    >>> conv_transpose_crop(3, 3, stride=2, padding=1, output_padding=1)
    (1, 6)
    >>> conv_transpose_crop(3, 3, stride=2, padding="same")  # L = 7
    (0, 6)
    """
    size = check_int(size, "size", minimum=1)
    stride = check_int(stride, "stride", minimum=1)
    dilation = check_int(dilation, "dilation", minimum=1)
    k_eff = effective_kernel(kernel, dilation)
    full = (size - 1) * stride + k_eff
    mode = padding_mode(padding)
    if mode is None:
        p = check_int(padding, "padding", minimum=0)
        op = 0 if output_padding is None else check_int(
            output_padding, "output_padding", minimum=0)
        if op >= max(stride, dilation):
            raise ValueError(
                f"output_padding must be smaller than max(stride, dilation) = "
                f"{max(stride, dilation)}, got {op}; it only picks one of the "
                "sizes that map back to the input")
        length = full - 2 * p + op
        if length < 1:
            raise ValueError(
                f"padding={p} crops the whole output ((H-1)s + K - 2p + "
                f"output_padding = {length}); use padding <= {(full - 1) // 2}")
        return p, length
    if output_padding is not None:
        op = check_int(output_padding, "output_padding", minimum=0)
        if op >= stride:
            raise ValueError(
                f"output_padding must be smaller than stride={stride} with "
                f"padding={mode!r} (Keras' rule), got {op}")
    if mode == "valid":
        if output_padding is None:
            return 0, size * stride + max(k_eff - stride, 0)
        return 0, full + output_padding
    if output_padding is None:
        length = size * stride
    else:
        length = (size - 1) * stride + k_eff % 2 + output_padding
        if -(-length // stride) != size:
            raise ValueError(
                f"output_padding={output_padding} with padding='same' gives "
                f"size {length}, whose 'same' convolution has size "
                f"{-(-length // stride)}, not {size}; use output_padding "
                f"in range({max(0, 1 - k_eff % 2)}, {stride}) or None")
    return max(0, full - length) // 2, length


def conv_transpose_output_size(size: int, kernel: int, stride: int = 1,
                               padding=0, output_padding=None,
                               dilation: int = 1) -> int:
    """Output length of a transposed convolution along one axis.

    PyTorch rule for an int ``padding``:
    ``o = (H - 1)s - 2p + d(k - 1) + output_padding + 1``. Keras rules for
    ``"valid"``/``"same"`` (``output_padding`` may be None):

    ============  ========================  ============================
    padding       output_padding None       output_padding = a
    ============  ========================  ============================
    ``"valid"``   ``H s + max(K-s, 0)``     ``(H - 1)s + K + a``
    ``"same"``    ``H s``                   ``(H - 1)s + K % 2 + a``
    ============  ========================  ============================

    Chapter 2 derives it; :func:`explain_conv_transpose` prints the steps and
    :func:`conv_transpose_crop` also gives where the output starts.

    Examples
    --------
    >>> conv_transpose_output_size(7, 2, dilation=2, padding="valid")
    9
    >>> conv_transpose_output_size(7, 3, dilation=2, padding="valid")
    11
    >>> conv_transpose_output_size(7, 2, stride=2, padding="valid")
    14
    >>> conv_transpose_output_size(3, 3, stride=2, padding=1, output_padding=1)
    6
    """
    return conv_transpose_crop(size, kernel, stride, padding, output_padding,
                               dilation)[1]


def explain_conv(size: int, kernel: int, stride: int = 1, padding=0,
                 dilation: int = 1) -> str:
    """The output-size computation of a convolution, one line per step.

    Same rule as :func:`conv_output_size` (chapter 1).

    Examples
    --------
    >>> print(explain_conv(5, 3, stride=2, padding="same"))
    input H = 5, kernel k = 3, stride s = 2, dilation d = 1
    effective kernel K = d(k-1)+1 = 1*(3-1)+1 = 3
    'same' (TensorFlow): o = ceil(H/s) = ceil(5/2) = 3
    total padding = max(0, (o-1)s + K - H) = max(0, 2*2 + 3 - 5) = 2
    before = total // 2 = 1, after = 1
    output o = floor((H + 1 + 1 - K)/s) + 1 = floor((5 + 2 - 3)/2) + 1 = 3
    """
    out = conv_output_size(size, kernel, stride, padding, dilation)
    k_eff = effective_kernel(kernel, dilation)
    before, after = resolve_padding(padding, size, kernel, stride, dilation)
    lines = [f"input H = {size}, kernel k = {kernel}, stride s = {stride}, "
             f"dilation d = {dilation}",
             f"effective kernel K = d(k-1)+1 = {dilation}*({kernel}-1)+1 = "
             f"{k_eff}"]
    if padding_mode(padding) == "same":
        o = -(-size // stride)
        lines.append(f"'same' (TensorFlow): o = ceil(H/s) = ceil({size}/{stride})"
                     f" = {o}")
        lines.append(f"total padding = max(0, (o-1)s + K - H) = max(0, {o - 1}*"
                     f"{stride} + {k_eff} - {size}) = {before + after}")
        lines.append(f"before = total // 2 = {before}, after = {after}")
    elif padding_mode(padding) == "valid":
        lines.append("'valid': no padding")
    lines.append(f"output o = floor((H + {before} + {after} - K)/s) + 1 = "
                 f"floor(({size} + {before + after} - {k_eff})/{stride}) + 1 = "
                 f"{out}")
    return "\n".join(lines)


def explain_conv_transpose(size: int, kernel: int, stride: int = 1, padding=0,
                           output_padding=None, dilation: int = 1) -> str:
    """The output-size computation of a transposed convolution, step by step.

    Same rule as :func:`conv_transpose_output_size` (chapters 2 and 4).

    Examples
    --------
    >>> print(explain_conv_transpose(7, 2, padding="valid", dilation=2))
    input H = 7, kernel k = 2, stride s = 1, dilation d = 2
    effective kernel K = d(k-1)+1 = 2*(2-1)+1 = 3
    full scatter L = (H-1)s + K = (7-1)*1 + 3 = 9
    'valid' (Keras), output_padding None: o = H*s + max(K-s, 0) = 7*1 + 2 = 9
    output = full[0:9], size 9
    """
    offset, out = conv_transpose_crop(size, kernel, stride, padding,
                                      output_padding, dilation)
    k_eff = effective_kernel(kernel, dilation)
    full = (size - 1) * stride + k_eff
    mode = padding_mode(padding)
    op = output_padding
    lines = [f"input H = {size}, kernel k = {kernel}, stride s = {stride}, "
             f"dilation d = {dilation}",
             f"effective kernel K = d(k-1)+1 = {dilation}*({kernel}-1)+1 = "
             f"{k_eff}",
             f"full scatter L = (H-1)s + K = ({size}-1)*{stride} + {k_eff} = "
             f"{full}"]
    if mode is None:
        lines.append(f"padding p = {padding} (PyTorch): o = L - 2p + "
                     f"output_padding = {full} - {2 * padding} + {op or 0} = "
                     f"{out}")
    elif mode == "valid" and op is None:
        lines.append(f"'valid' (Keras), output_padding None: o = H*s + max(K-s,"
                     f" 0) = {size}*{stride} + {max(k_eff - stride, 0)} = {out}")
    elif mode == "valid":
        lines.append(f"'valid' (Keras): o = L + output_padding = {full} + {op}"
                     f" = {out}")
    elif op is None:
        lines.append(f"'same' (Keras), output_padding None: o = H*s = {size}*"
                     f"{stride} = {out}")
    else:
        lines.append(f"'same' (Keras): o = (H-1)s + K%2 + output_padding = "
                     f"{full - k_eff} + {k_eff % 2} + {op} = {out}")
    lines.append(f"output = full[{offset}:{offset + out}], size {out}")
    return "\n".join(lines)


class TransposeSetting(NamedTuple):
    """One PyTorch ``ConvTranspose2d`` setting (per axis) and its output size."""

    kernel: int
    stride: int
    padding: int
    output_padding: int
    dilation: int = 1


def _positive_ints(values, name: str) -> list[int]:
    """A non-empty list of ints >= 1 from an iterable (not a string)."""
    if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
        raise TypeError(f"{name} must be an iterable of ints, got {values!r}")
    values = [check_int(v, name, minimum=1) for v in values]
    if not values:
        raise ValueError(f"{name} must hold at least one value, got none")
    return values


def solve_conv_transpose(in_size: int, out_size: int, kernels=range(1, 6),
                         strides=range(1, 5), dilations=(1,)
                         ) -> list[TransposeSetting]:
    """Every (kernel, stride, padding, output_padding, dilation) reaching a size.

    PyTorch meaning: ``(H - 1)s - 2p + d(k - 1) + output_padding + 1 ==
    out_size`` with ``p >= 0`` and ``0 <= output_padding < max(s, d)``.
    :func:`keras_equivalents` tells which Keras padding mode, if any, gives
    the same values (chapter 4).

    Examples
    --------
    >>> for s in solve_conv_transpose(7, 14, kernels=[2, 3, 4], strides=[2]):
    ...     print(tuple(s))
    (2, 2, 0, 0, 1)
    (3, 2, 1, 1, 1)
    (4, 2, 1, 0, 1)
    """
    in_size = check_int(in_size, "in_size", minimum=1)
    out_size = check_int(out_size, "out_size", minimum=1)
    kernels, strides, dilations = (
        _positive_ints(v, name) for v, name in ((kernels, "kernels"),
                                                (strides, "strides"),
                                                (dilations, "dilations")))
    found = []
    for k in kernels:
        for s in strides:
            for d in dilations:
                full = (in_size - 1) * s + effective_kernel(k, d)
                for op in range(max(s, d)):
                    twice_p = full + op - out_size
                    if twice_p >= 0 and twice_p % 2 == 0:
                        found.append(TransposeSetting(k, s, twice_p // 2, op, d))
    return found


def keras_equivalents(size: int, kernel: int, stride: int = 1, padding: int = 0,
                      output_padding: int = 0, dilation: int = 1
                      ) -> list[tuple[str, int | None]]:
    """Keras ``(padding, output_padding)`` settings equal to a PyTorch one.

    Equal means the same output values: the same crop of the full scatter
    (:func:`conv_transpose_crop`). An empty list means Keras cannot express
    the PyTorch setting. Chapter 4.

    Examples
    --------
    >>> keras_equivalents(7, 4, stride=2, padding=1)
    [('same', None)]
    >>> keras_equivalents(7, 2, stride=2, padding=0)  # k = s: all three agree
    [('valid', None), ('valid', 0), ('same', None)]
    >>> keras_equivalents(7, 3, stride=2, padding=1, output_padding=1)
    []
    """
    target = conv_transpose_crop(size, kernel, stride, padding, output_padding,
                                 dilation)
    found = []
    for mode in PADDING_MODES:
        for op in (None, *range(stride)):
            try:
                crop = conv_transpose_crop(size, kernel, stride, mode, op,
                                           dilation)
            except ValueError:
                continue
            if crop == target:
                found.append((mode, op))
    return found


def keras_same_to_torch(kernel: int, stride: int, dilation: int = 1
                        ) -> tuple[int, int, int]:
    """PyTorch ``(padding, output_padding, crop)`` equal to Keras ``"same"``.

    For Keras ``Conv2DTranspose(padding="same")`` (output_padding None):

    - ``K - s`` even and ``>= 0``: ``padding = (K - s) / 2``, no crop;
    - ``K - s`` odd: ``padding = (K - s - 1) / 2``, then drop the last
      ``crop = 1`` row and column (no (padding, output_padding) pair works);
    - ``K < s``: ``padding = 0``, ``output_padding = s - K``.

    The common port ``padding=1, output_padding=1`` for ``k=3, s=2`` has the
    right shape but is shifted by one pixel (chapter 2).

    Examples
    --------
    >>> keras_same_to_torch(4, 2), keras_same_to_torch(3, 2)
    ((1, 0, 0), (0, 0, 1))
    >>> keras_same_to_torch(1, 2)
    (0, 1, 0)
    """
    stride = check_int(stride, "stride", minimum=1)
    k_eff = effective_kernel(kernel, dilation)
    if k_eff < stride:
        return 0, stride - k_eff, 0
    if (k_eff - stride) % 2 == 0:
        return (k_eff - stride) // 2, 0, 0
    return (k_eff - stride - 1) // 2, 0, 1


def resolve_padding2d(padding, size, kernel, stride=(1, 1), dilation=(1, 1)
                      ) -> tuple[tuple[int, int], tuple[int, int]]:
    """Padding ``((top, bottom), (left, right))`` from any accepted 2-D form.

    ``padding`` is an int (all sides), a pair ``(ph, pw)`` (per axis, both
    sides), a pair of pairs ``((top, bottom), (left, right))``, or
    ``"valid"``/``"same"`` (TensorFlow's rule per axis, :func:`same_padding`).
    ``size``, ``kernel``, ``stride`` and ``dilation`` are ``(h, w)`` pairs.

    Examples
    --------
    >>> resolve_padding2d("same", (6, 5), (3, 3), (2, 2))
    ((0, 1), (1, 1))
    >>> resolve_padding2d((1, 2), (6, 5), (3, 3))
    ((1, 1), (2, 2))
    """
    if isinstance(padding, str) or not isinstance(padding, (tuple, list)):
        per_axis = (padding, padding)
    elif len(padding) == 2:
        per_axis = tuple(padding)
    else:
        raise ValueError(
            "padding must be an int, a pair (ph, pw), a pair of pairs "
            "((top, bottom), (left, right)), 'valid' or 'same'; got "
            f"{short_repr(padding)}")
    return tuple(resolve_padding(p, size[i], kernel[i], stride[i], dilation[i])
                 for i, p in enumerate(per_axis))
