"""Which input coordinate each output samples, and the arguments' checks.

:func:`source_coordinate` is the exact mapping of each convention (chapter 3),
in float64. The libraries' own rounding of it lives in one module per library:
:mod:`companion.resize.like_tensorflow`, :mod:`companion.resize.like_torch`
and :mod:`companion.resize.like_opencv`. :func:`check_method` and
:func:`as_batch` are the checks every resizer shares.
"""

from __future__ import annotations

import numpy as np

from .._validate import check_array, check_choice, check_int

#: Interpolation methods. ``nearest-exact`` is PyTorch's name (OpenCV:
#: ``INTER_NEAREST_EXACT``); TensorFlow 2's ``nearest`` already behaves like it.
METHODS = ("nearest", "nearest-exact", "bilinear", "bicubic")
#: Libraries whose conventions are reproduced.
CONVENTIONS = ("tf", "tf1", "torch", "opencv")


def check_method(method, convention, align_corners) -> tuple[str, str, bool]:
    """Check a method, a convention and ``align_corners`` together.

    Returns them normalised; raises ``ValueError``/``TypeError`` naming the
    argument for a combination the library itself does not offer.
    """
    method = check_choice(method, "method", METHODS)
    convention = check_choice(convention, "convention", CONVENTIONS)
    if not isinstance(align_corners, (bool, np.bool_)):
        raise TypeError(
            f"align_corners must be True or False, got {align_corners!r}")
    align_corners = bool(align_corners)
    if method == "nearest-exact" and convention in ("tf", "tf1"):
        raise ValueError(
            f"method 'nearest-exact' is not a {convention!r} method: TensorFlow 2's "
            "'nearest' already uses half-pixel centres; use method='nearest'")
    if align_corners and convention in ("tf", "opencv"):
        raise ValueError(
            f"align_corners=True is not available with convention={convention!r}; "
            "use convention='tf1' (tf.compat.v1.image.resize) or 'torch'")
    if align_corners and convention == "torch" and method.startswith("nearest"):
        raise ValueError(
            f"align_corners=True only applies to 'bilinear' and 'bicubic', got "
            f"method={method!r} (PyTorch raises the same error)")
    return method, convention, align_corners


def as_batch(x) -> tuple[np.ndarray, bool]:
    """Check ``x`` and return it as ``(n, h, w, c)`` plus whether it was 3-D."""
    x = check_array(x, "x", ndim=(3, 4))
    if 0 in x.shape:
        raise ValueError(f"x must not be empty, got shape {x.shape}")
    return (x[None], True) if x.ndim == 3 else (x, False)


def source_coordinate(dst, in_size, out_size, convention="tf", align_corners=False,
                      *, method="bilinear"):
    """Input coordinate sampled by output index ``dst`` along one axis.

    Parameters
    ----------
    dst : int or ndarray of int, any shape
        Output indices ``0 <= dst < out_size``.
    in_size, out_size : int
        Length of the axis before and after resizing.
    convention : {"tf", "tf1", "torch", "opencv"}
        Whose mapping (see the module docstring).
    align_corners : bool
        ``tf1`` and ``torch`` only: map the corner pixel centres onto each other.
    method : {"nearest", "nearest-exact", "bilinear", "bicubic"}
        Only matters for ``torch`` and ``opencv``, whose ``nearest`` keeps the
        legacy mapping.

    Returns
    -------
    float or ndarray of float64, shape of ``dst``
        Half-pixel: ``(dst + 0.5) * in/out - 0.5``. Legacy: ``dst * in/out``.
        Align corners: ``dst * (in - 1)/(out - 1)`` (0 when ``out_size == 1``).
        Exact formula in float64; :func:`resize` repeats each library's own
        float32 rounding. Linear and cubic kernels are centred on this point;
        nearest takes ``floor(src + 0.5)`` (half-pixel) or ``floor(src)``
        (legacy). Explained in chapter 3, "Upsampling methods".

    Examples
    --------
    >>> source_coordinate(np.arange(4), 2, 4, "tf")
    array([-0.25,  0.25,  0.75,  1.25])
    >>> source_coordinate(np.arange(4), 2, 4, "torch", align_corners=True)
    array([0.        , 0.33333333, 0.66666667, 1.        ])
    >>> source_coordinate(np.arange(3), 2, 3, "torch", method="nearest")
    array([0.        , 0.66666667, 1.33333333])
    """
    method, convention, align_corners = check_method(method, convention,
                                                     align_corners)
    in_size = check_int(in_size, "in_size", minimum=1)
    out_size = check_int(out_size, "out_size", minimum=1)
    d = np.asarray(dst, dtype=np.float64)
    if align_corners:
        scale = (in_size - 1) / (out_size - 1) if out_size > 1 else 0.0
        return d * scale
    legacy = convention == "tf1" or (
        method == "nearest" and convention in ("torch", "opencv"))
    if legacy:
        return d * (in_size / out_size)
    return (d + 0.5) * (in_size / out_size) - 0.5
