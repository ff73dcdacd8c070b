"""Input checks shared by every companion module.

Every public function validates its arguments here, at the door, so that a bad
argument fails with a ``ValueError`` or ``TypeError`` whose message names the
parameter, the value received and what is allowed. ``assert`` is never used for
input checks: it disappears under ``python -O``.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable, Sequence

import numpy as np


def short_repr(value) -> str:
    """Short ``repr`` of a value for an error message."""
    if isinstance(value, np.ndarray):
        return f"array of shape {value.shape} and dtype {value.dtype}"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def check_array(x, name: str, ndim: int | Sequence[int] | None = None,
                *, float_only: bool = True) -> np.ndarray:
    """Return ``x`` as an ndarray after checking its type, ndim and dtype.

    Float16/32/64 arrays pass through unchanged (no copy). Python lists of
    numbers become float64 arrays. Integer or boolean data raise ``TypeError``
    when ``float_only`` is true, since the operations promise "same dtype out".
    Non-numeric data (strings, objects, a ragged nested list) raise
    ``TypeError`` naming ``name`` whatever ``float_only`` says.

    Examples
    --------
    >>> check_array([[1.0, "a"]], "x")
    Traceback (most recent call last):
    ...
    TypeError: x must hold numbers, got a non-numeric entry ('a' in [[1.0, 'a']]); ...
    """
    if isinstance(x, (list, tuple)):
        bad = _first_non_number(x)
        if bad is not None:
            raise TypeError(
                f"{name} must hold numbers, got a non-numeric entry "
                f"({short_repr(bad)} in {short_repr(x)}); "
                f"pass an array such as np.zeros((1, 4, 4, 1), np.float32)")
        try:
            x = np.asarray(x, dtype=np.float64 if float_only else None)
        except (ValueError, TypeError) as err:
            raise TypeError(
                f"{name} must be a rectangular nested list of numbers or a "
                f"NumPy array, got {short_repr(x)} ({err})") from None
    if not isinstance(x, np.ndarray):
        raise TypeError(
            f"{name} must be a NumPy array, got {type(x).__name__}; "
            f"convert it with np.asarray({name}, dtype=np.float32)")
    if x.dtype.kind not in "biufc":
        raise TypeError(
            f"{name} must hold numbers, got an array of dtype {x.dtype} "
            f"(shape {x.shape}); convert it with {name}.astype(np.float32)")
    if float_only and not np.issubdtype(x.dtype, np.floating):
        raise TypeError(
            f"{name} must have a floating dtype (float32 or float64), got "
            f"{x.dtype}; convert it with {name}.astype(np.float32)")
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if x.ndim not in allowed:
            want = " or ".join(str(a) for a in allowed)
            raise ValueError(
                f"{name} must have {want} dimensions, got {x.ndim} "
                f"(shape {x.shape})")
    return x


def _first_non_number(items):
    """The first entry of a nested list or tuple that is not a number, or None."""
    stack = [items]
    while stack:
        item = stack.pop()
        if isinstance(item, (list, tuple)):
            stack.extend(reversed(item))
        elif isinstance(item, np.ndarray):
            if item.dtype.kind not in "biufc":
                return item
        elif not isinstance(item, (numbers.Number, np.bool_)):
            return item
    return None


def check_int(value, name: str, minimum: int | None = None,
              maximum: int | None = None) -> int:
    """Return ``value`` as an int, requiring ``minimum <= value <= maximum``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {short_repr(value)}")
    value = int(value)
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    if maximum is not None and value > maximum:
        raise ValueError(f"{name} must be <= {maximum}, got {value}")
    return value


def as_pair(value, name: str, minimum: int | None = None) -> tuple[int, int]:
    """Turn an int or a pair of ints into ``(vertical, horizontal)``."""
    if isinstance(value, Iterable) and not isinstance(value, (str, bytes)):
        items = tuple(value)
        if len(items) != 2:
            raise ValueError(
                f"{name} must be an int or a pair of ints, got {short_repr(value)}")
        return (check_int(items[0], name, minimum),
                check_int(items[1], name, minimum))
    v = check_int(value, name, minimum)
    return v, v


def per_axis(value, name: str, allow_none: bool = False) -> tuple:
    """``(vertical, horizontal)`` from an int, a string (``"valid"``,
    ``"same"``), None (with ``allow_none``) or a pair of those; ints must be
    >= 0. What the strings mean is left to the caller."""
    if isinstance(value, (tuple, list)):
        if len(value) != 2:
            raise ValueError(f"{name} must be an int or a pair (vertical, "
                             f"horizontal), got {short_repr(value)}")
        items = tuple(value)
    else:
        items = (value, value)
    return tuple(v if isinstance(v, str) or (v is None and allow_none)
                 else check_int(v, name, minimum=0) for v in items)


def check_bool(value, name: str) -> bool:
    """Require a real ``True`` or ``False`` (NumPy's ``np.bool_`` included): a
    string such as ``"no"`` is truthy and would be silently taken for True."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {short_repr(value)}")
    return bool(value)


def check_choice(value, name: str, allowed: Sequence[str]) -> str:
    """Require ``value`` to be one of the strings in ``allowed``."""
    if not isinstance(value, str) or value not in allowed:
        options = ", ".join(repr(a) for a in allowed)
        raise ValueError(f"{name} must be one of {options}; got {short_repr(value)}")
    return value


def check_same_dtype(a: np.ndarray, b: np.ndarray, name_a: str,
                     name_b: str) -> None:
    """Require two float arrays to share a dtype (no silent promotion)."""
    if a.dtype != b.dtype:
        raise TypeError(
            f"{name_a} has dtype {a.dtype} but {name_b} has dtype {b.dtype}; "
            f"cast one of them, e.g. {name_b}.astype({name_a}.dtype)")


def check_nonempty(a: np.ndarray, name: str,
                   axes: Sequence[int] | None = None) -> None:
    """Require the given axes of ``a`` (all by default) to have size >= 1."""
    axes = range(a.ndim) if axes is None else axes
    empty = [ax for ax in axes if a.shape[ax] == 0]
    if empty:
        raise ValueError(
            f"{name} has shape {a.shape}: axis {empty[0]} is empty; every "
            "spatial size, channel count and kernel size must be at least 1")


def check_data_and_kernel(x, w) -> tuple[np.ndarray, np.ndarray]:
    """An NHWC batch and a 4-D kernel of the same float dtype, none empty
    (the batch may hold zero images)."""
    x = check_array(x, "x", ndim=4)
    w = check_array(w, "w", ndim=4)
    check_same_dtype(x, w, "x", "w")
    check_nonempty(x, "x", axes=(1, 2, 3))
    check_nonempty(w, "w")
    return x, w


def check_bias(b, x: np.ndarray, n_out: int) -> np.ndarray | None:
    """``None``, or a 1-D bias of ``n_out`` values with the dtype of ``x``."""
    if b is None:
        return None
    b = check_array(b, "b", ndim=1)
    check_same_dtype(x, b, "x", "b")
    if b.shape[0] != n_out:
        raise ValueError(
            f"b must have one value per output channel ({n_out}), got shape "
            f"{b.shape}")
    return b
