"""Dense layer, activations, dropout and flatten: the rest of a small CNN.

Chapter 1 builds LeNet-5 from these and the convolution and pooling modules.
Every function takes and returns float32 or float64 arrays of the same dtype.
"""

from __future__ import annotations

import numbers

import numpy as np

from ._validate import (
    check_array,
    check_bias,
    check_bool,
    check_int,
    check_same_dtype,
)


def dense(x, w, b=None) -> np.ndarray:
    """Fully connected layer ``x @ w + b`` on the last axis (Keras ``Dense``).

    Parameters
    ----------
    x : ndarray of shape ``(..., n_in)``
    w : ndarray of shape ``(n_in, n_out)`` (Keras layout; PyTorch's
        ``nn.Linear.weight`` is its transpose, see :mod:`companion.layouts`)
    b : ndarray of shape ``(n_out,)``, optional

    Returns
    -------
    ndarray of shape ``(..., n_out)``. Parameters: ``n_in * n_out + n_out``
    (784-500-10 gives 397,510, chapter 1).

    Examples
    --------
    >>> dense(np.ones((2, 3)), np.ones((3, 4)), np.zeros(4))
    array([[3., 3., 3., 3.],
           [3., 3., 3., 3.]])
    """
    x = check_array(x, "x")
    w = check_array(w, "w", ndim=2)
    check_same_dtype(x, w, "x", "w")
    if x.ndim < 1 or x.shape[-1] != w.shape[0]:
        raise ValueError(
            f"x has {x.shape[-1:] or 'no'} features on its last axis but w "
            f"expects {w.shape[0]} (w is (n_in, n_out) = {w.shape})")
    b = check_bias(b, x, w.shape[1])
    return x @ w if b is None else x @ w + b


def _check_number(value, name: str) -> None:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {value!r}")


def relu(x) -> np.ndarray:
    """``max(x, 0)`` elementwise.

    Examples
    --------
    >>> relu(np.array([-1.0, 0.0, 2.0]))
    array([0., 0., 2.])
    """
    x = check_array(x, "x")
    return np.maximum(x, 0)


def leaky_relu(x, negative_slope: float = 0.2) -> np.ndarray:
    """``x`` where positive, ``negative_slope * x`` elsewhere.

    The default 0.2 is ``tf.nn.leaky_relu``'s (and chapter 5's); Keras'
    ``LeakyReLU`` layer defaults to 0.3 and PyTorch to 0.01, so always pass it.

    Examples
    --------
    >>> leaky_relu(np.array([-2.0, 3.0]), negative_slope=0.1)
    array([-0.2,  3. ])
    """
    x = check_array(x, "x")
    _check_number(negative_slope, "negative_slope")
    if not negative_slope >= 0:
        raise ValueError(
            f"negative_slope must be a number >= 0, got {negative_slope!r}")
    return np.where(x > 0, x, x * x.dtype.type(negative_slope))


def sigmoid(x) -> np.ndarray:
    """Logistic ``1 / (1 + exp(-x))``, computed without overflow.

    For ``x < 0`` it uses the equal form ``exp(x) / (1 + exp(x))``, so
    ``exp`` only ever sees non-positive numbers.

    Examples
    --------
    >>> sigmoid(np.array([-1000.0, 0.0, 1000.0]))
    array([0. , 0.5, 1. ])
    """
    x = check_array(x, "x")
    e = np.exp(-np.abs(x))  # in (0, 1]: never overflows
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e)).astype(x.dtype, copy=False)


def softmax(x, axis: int = -1) -> np.ndarray:
    """``exp(x) / sum(exp(x))`` along ``axis``, shifted by the max for stability.

    Examples
    --------
    >>> softmax(np.array([1000.0, 1000.0]))
    array([0.5, 0.5])
    """
    x = check_array(x, "x")
    axis = check_int(axis, "axis", minimum=-max(x.ndim, 1),
                     maximum=max(x.ndim, 1) - 1)
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def dropout(x, rate: float, rng: np.random.Generator, training: bool = True
            ) -> np.ndarray:
    """Inverted dropout: zero each value with probability ``rate``, scale the
    rest by ``1 / (1 - rate)`` so the expected value is unchanged.

    ``rate`` is TensorFlow 2's and Keras' ``rate`` and PyTorch's ``p``; TF1's
    ``keep_prob`` is ``1 - rate`` (chapter 1 corrects the source article's
    TF1 code). At inference (``training=False``) it returns ``x`` unchanged.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> np.unique(dropout(np.ones(1000), 0.5, rng))  # dropped or scaled by 2
    array([0., 2.])
    """
    x = check_array(x, "x")
    _check_number(rate, "rate")
    if not 0 <= rate < 1:
        raise ValueError(f"rate must be a number in [0, 1), got {rate!r}")
    if not isinstance(rng, np.random.Generator):
        raise TypeError(
            f"rng must be a numpy.random.Generator, got {type(rng).__name__}; "
            "make one with np.random.default_rng(seed)")
    training = check_bool(training, "training")
    if not training or rate == 0:
        return x
    keep = rng.random(x.shape) >= rate
    return np.where(keep, x / x.dtype.type(1 - rate), x.dtype.type(0))


def flatten(x) -> np.ndarray:
    """``(n, h, w, c)`` (or any ``(n, ...)``) to ``(n, h * w * c)``, row-major.

    The order is Keras' (channels last). PyTorch flattens ``(c, h, w)``, so a
    dense kernel after a flatten is ported with
    :func:`companion.layouts.flatten_order_to_torch`.

    Examples
    --------
    >>> flatten(np.zeros((2, 5, 5, 16))).shape
    (2, 400)
    """
    x = check_array(x, "x")
    if x.ndim < 1:
        raise ValueError("x must have a batch axis, got a 0-d array")
    return x.reshape(x.shape[0], -1)
