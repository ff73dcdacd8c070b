"""Companion package of the course *Convolutional networks and how they upsample*.

NumPy reference implementations of every operation the book teaches, each in a
readable naive version and a fast vectorised one, cross-checked against
TensorFlow/Keras and PyTorch. The layout is channels-last everywhere: data
``(n, h, w, c)``, convolution kernels ``(kh, kw, c_in, c_out)`` and
transposed-convolution kernels ``(kh, kw, c_out, c_in)`` as Keras stores them.
``companion.layouts`` converts to and from PyTorch's layouts.

TensorFlow and PyTorch are optional: the package itself needs only NumPy (and
matplotlib, scikit-image for plotting and data).
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
