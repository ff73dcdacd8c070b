"""The 1-D interpolation kernels.

:func:`linear_kernel` and :func:`cubic_kernel` are what chapter 3 plots, in
float64. The resizers evaluate them with each library's own arithmetic, in
:mod:`companion.resize.like_tensorflow` (which reads the cubic weights from a
1024-entry table), :mod:`companion.resize.like_torch` and
:mod:`companion.resize.like_opencv`.
"""

from __future__ import annotations

import numpy as np

#: Cubic parameter ``a`` of each convention (``tf1`` is the legacy TF kernel).
CUBIC_A = {"tf": -0.5, "tf1": -0.75, "torch": -0.75, "opencv": -0.75}



def linear_kernel(t):
    """Triangle (tent) kernel of linear interpolation: ``max(0, 1 - |t|)``.

    Parameters
    ----------
    t : float or ndarray of any shape
        Distance from the sample point, in input pixels.

    Returns
    -------
    ndarray of float64, shape of ``t``
        Weight of an input pixel at distance ``t`` (chapter 3, "Upsampling
        methods"). Sibling of :func:`cubic_kernel`.

    Examples
    --------
    >>> linear_kernel(np.array([-1.5, -0.25, 0.0, 0.5, 1.0]))
    array([0.  , 0.75, 1.  , 0.5 , 0.  ])
    """
    t = np.abs(np.asarray(t, dtype=np.float64))
    return np.maximum(0.0, 1.0 - t)


def cubic_kernel(t, a=-0.5):
    """Keys' cubic convolution kernel with parameter ``a``.

    ``W(t) = (a+2)|t|^3 - (a+3)|t|^2 + 1`` for ``|t| <= 1``,
    ``a|t|^3 - 5a|t|^2 + 8a|t| - 4a`` for ``1 < |t| < 2``, 0 beyond.
    TensorFlow 2 uses ``a = -0.5`` (Keys 1981), PyTorch and OpenCV ``a = -0.75``.

    Parameters
    ----------
    t : float or ndarray of any shape
        Distance from the sample point, in input pixels.
    a : float
        The kernel's parameter (its slope at ``|t| = 1`` is ``-a``).

    Returns
    -------
    ndarray of float64, shape of ``t``
        Weight of an input pixel at distance ``t`` (chapter 3, "Upsampling
        methods"). Sibling of :func:`linear_kernel`.

    Examples
    --------
    >>> cubic_kernel(np.array([0.0, 0.5, 1.0, 1.5, 2.0]), a=-0.5)
    array([ 1.    ,  0.5625,  0.    , -0.0625,  0.    ])
    """
    t = np.abs(np.asarray(t, dtype=np.float64))
    a = float(a)
    near = ((a + 2) * t - (a + 3)) * t * t + 1
    far = ((a * t - 5 * a) * t + 8 * a) * t - 4 * a
    return np.where(t <= 1, near, np.where(t < 2, far, 0.0))
