"""The one place that converts between our (Keras) layouts and PyTorch's.

======================  ===============================  ===============================
array                   companion / Keras                PyTorch
======================  ===============================  ===============================
data                    ``(n, h, w, c)``                 ``(n, c, h, w)``
convolution kernel      ``(kh, kw, c_in/g, c_out)``      ``(c_out, c_in/g, kh, kw)``
transposed-conv kernel  ``(kh, kw, c_out, c_in)``        ``(c_in, c_out, kh, kw)``
dense kernel            ``(in, out)``                    ``(out, in)``
======================  ===============================  ===============================

Both kernel mappings are the same transpose, ``w.transpose(3, 2, 0, 1)``, with
no spatial flip: both frameworks compute cross-correlations (chapter 1; the
Keras-and-PyTorch tabs of every chapter use these functions). Results are
C-contiguous copies, ready for ``torch.from_numpy``.

:func:`to_torch` and :func:`from_torch` do the data conversion and the move
between NumPy and PyTorch in one step (NHWC NumPy array to NCHW tensor and
back); they are what the chapters and the model code use, so that no module
transposes a layout inline.
"""

from __future__ import annotations

import numpy as np

from ._validate import check_array, check_int


def _transpose(a, name: str, ndim: int, axes) -> np.ndarray:
    a = check_array(a, name, ndim=ndim, float_only=False)
    return np.ascontiguousarray(a.transpose(axes))


def nhwc_to_nchw(x) -> np.ndarray:
    """Data ``(n, h, w, c)`` to PyTorch's ``(n, c, h, w)`` (NumPy to NumPy).

    Examples
    --------
    >>> nhwc_to_nchw(np.zeros((2, 5, 4, 3))).shape
    (2, 3, 5, 4)
    """
    return _transpose(x, "x", 4, (0, 3, 1, 2))


def nchw_to_nhwc(x) -> np.ndarray:
    """PyTorch data ``(n, c, h, w)`` to ``(n, h, w, c)`` (inverse of
    :func:`nhwc_to_nchw`).

    Examples
    --------
    >>> nchw_to_nhwc(np.zeros((2, 3, 5, 4))).shape
    (2, 5, 4, 3)
    """
    return _transpose(x, "x", 4, (0, 2, 3, 1))


def to_torch(x, *, dtype=None, device=None):
    """NHWC NumPy data ``(n, h, w, c)`` to an NCHW ``torch.Tensor``.

    Parameters
    ----------
    x : ndarray of 4 dimensions (any numeric dtype)
    dtype : torch.dtype, optional
        Cast to it (for example the dtype of a model's parameters); by default
        the tensor keeps the dtype of ``x``.
    device : str or torch.device, optional
        Where to put the tensor (``"cpu"`` by default).

    Returns
    -------
    torch.Tensor of shape ``(n, c, h, w)``, contiguous.

    Examples
    --------
    >>> tuple(to_torch(np.zeros((2, 5, 4, 3), np.float32)).shape)
    (2, 3, 5, 4)
    """
    import torch

    if isinstance(x, torch.Tensor):
        raise TypeError(
            "x must be a NumPy array in NHWC order, got a torch.Tensor (it is "
            "already a tensor; from_torch(x) converts a tensor back to NumPy)")
    t = torch.from_numpy(nhwc_to_nchw(x))
    if dtype is not None or device is not None:
        t = t.to(device=device, dtype=dtype)
    return t


def from_torch(t) -> np.ndarray:
    """An NCHW ``torch.Tensor`` to NHWC NumPy data ``(n, h, w, c)``.

    The tensor may require gradients or live on a GPU: it is detached and
    copied to the CPU first. The inverse of :func:`to_torch`.

    Examples
    --------
    >>> import torch
    >>> from_torch(torch.zeros(2, 3, 5, 4, requires_grad=True)).shape
    (2, 5, 4, 3)
    """
    import torch

    if not isinstance(t, torch.Tensor):
        raise TypeError(f"t must be a torch.Tensor in NCHW order, got "
                        f"{type(t).__name__}; to_torch(t) converts NumPy data "
                        "to a tensor")
    if t.ndim != 4:
        raise ValueError(f"t must have 4 dimensions (n, c, h, w), got {t.ndim} "
                         f"(shape {tuple(t.shape)})")
    return nchw_to_nhwc(t.detach().cpu().numpy())


def conv_kernel_to_torch(w) -> np.ndarray:
    """Conv kernel HWIO ``(kh, kw, c_in/g, c_out)`` to ``(c_out, c_in/g, kh, kw)``.

    No flip: ``torch_w[o, c, i, j] == w[i, j, c, o]``.

    Examples
    --------
    >>> conv_kernel_to_torch(np.zeros((3, 5, 2, 8))).shape
    (8, 2, 3, 5)
    """
    return _transpose(w, "w", 4, (3, 2, 0, 1))


def conv_kernel_from_torch(w) -> np.ndarray:
    """PyTorch ``Conv2d.weight`` ``(c_out, c_in/g, kh, kw)`` to HWIO.

    Examples
    --------
    >>> conv_kernel_from_torch(np.zeros((8, 2, 3, 5))).shape
    (3, 5, 2, 8)
    """
    return _transpose(w, "w", 4, (2, 3, 1, 0))


def transposed_kernel_to_torch(w) -> np.ndarray:
    """Keras transposed kernel ``(kh, kw, c_out, c_in)`` to PyTorch's
    ``ConvTranspose2d.weight`` ``(c_in, c_out, kh, kw)``, no flip.

    Examples
    --------
    >>> transposed_kernel_to_torch(np.zeros((3, 5, 2, 8))).shape
    (8, 2, 3, 5)
    """
    return _transpose(w, "w", 4, (3, 2, 0, 1))


def transposed_kernel_from_torch(w) -> np.ndarray:
    """PyTorch ``ConvTranspose2d.weight`` ``(c_in, c_out, kh, kw)`` to Keras'
    ``(kh, kw, c_out, c_in)``.

    Examples
    --------
    >>> transposed_kernel_from_torch(np.zeros((8, 2, 3, 5))).shape
    (3, 5, 2, 8)
    """
    return _transpose(w, "w", 4, (2, 3, 1, 0))


def dense_kernel_to_torch(w) -> np.ndarray:
    """Dense kernel ``(in, out)`` to ``nn.Linear.weight`` ``(out, in)``.

    After a ``Flatten`` the ``in`` axis is ordered ``(h, w, c)`` in Keras and
    ``(c, h, w)`` in PyTorch; :func:`flatten_order_to_torch` reorders it.

    Examples
    --------
    >>> dense_kernel_to_torch(np.zeros((6, 2))).shape
    (2, 6)
    """
    return _transpose(w, "w", 2, (1, 0))


def dense_kernel_from_torch(w) -> np.ndarray:
    """``nn.Linear.weight`` ``(out, in)`` to a dense kernel ``(in, out)``.

    Examples
    --------
    >>> dense_kernel_from_torch(np.zeros((2, 6))).shape
    (6, 2)
    """
    return _transpose(w, "w", 2, (1, 0))


def flatten_order_to_torch(h: int, w: int, c: int) -> np.ndarray:
    """Permutation ``perm`` with ``flat_torch == flat_keras[perm]``.

    Keras flattens ``(h, w, c)`` channels-last, PyTorch ``(c, h, w)``; the
    rows of a dense kernel that follows a ``Flatten`` must be reordered the
    same way when porting (``w_keras[perm]``).

    Examples
    --------
    >>> flatten_order_to_torch(1, 2, 3)  # torch order: c0 at x0, x1, then c1...
    array([0, 3, 1, 4, 2, 5])
    """
    h, w, c = (check_int(v, name, minimum=1) for v, name in
               ((h, "h"), (w, "w"), (c, "c")))
    return np.arange(h * w * c).reshape(h, w, c).transpose(2, 0, 1).ravel()


def copy_kernel_to_torch(kernel, bias, module, *, transposed: bool,
                         name: str = "layer"):
    """Copy a Keras (de)convolution's kernel and bias into a PyTorch module.

    ``kernel`` is in Keras' layout (``(kh, kw, c_in, c_out)``, or
    ``(kh, kw, c_out, c_in)`` when ``transposed``); it goes through
    :func:`conv_kernel_to_torch` or :func:`transposed_kernel_to_torch` and is
    copied, with ``bias``, into ``module.weight`` and ``module.bias`` in place.
    Raises ``ValueError`` naming ``name`` if the shapes do not agree. The
    model builders of chapters 2 and 4 use it to port whole networks.
    """
    import torch

    convert = transposed_kernel_to_torch if transposed else conv_kernel_to_torch
    kernel = np.asarray(kernel)
    w = convert(kernel)
    if tuple(module.weight.shape) != w.shape:
        raise ValueError(
            f"layer {name!r}: the Keras kernel {kernel.shape} becomes {w.shape} "
            f"in PyTorch's layout, but the PyTorch module has "
            f"{tuple(module.weight.shape)}; build both with the same sizes")
    with torch.no_grad():
        module.weight.copy_(torch.from_numpy(w))
        module.bias.copy_(torch.from_numpy(np.asarray(bias)))
