"""Small input helpers shared by the operation tests (conv, transposed, backward,
pooling)."""

from __future__ import annotations

import numpy as np


def pair(v):
    """An int or a pair as a ``(rows, columns)`` tuple."""
    return tuple(v) if isinstance(v, tuple) else (v, v)


def random_array(shape, seed=0, dtype=np.float64):
    """Standard-normal values of ``shape``, from the seeded generator ``seed``."""
    return np.random.default_rng(seed).standard_normal(shape).astype(dtype)
