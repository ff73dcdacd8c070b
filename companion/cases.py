"""One table of operation cases and one helper that runs a case against
TensorFlow or PyTorch on a CPU or a GPU (in the manner of tinygrad's
``helper_test_op``).

An :class:`Op` holds, for one companion operation: our function, the
TensorFlow call, the PyTorch call (both fed through :mod:`companion.layouts`),
how the PyTorch result comes back to our layout, the tolerance rule it is
held to, and the TensorFlow kernels it calls (so that the facts of
:data:`NO_GPU_KERNEL` apply to it). :data:`OPS` names every op; :data:`ROWS`
lists fixed, seeded configurations of them, chosen to hit the pitfalls of the
course (TensorFlow's asymmetric "same" padding, odd sizes, overlapping
pooling windows, a Keras "same" transposed convolution that PyTorch reaches
only by cropping, non-integer resize factors). Three users share them:

* ``python -m companion.crosscheck`` prints one line per row x framework x
  device (:func:`table`);
* pytest parametrises over the same rows x framework x device
  (``tests/test_crosscheck.py``, ids such as ``[tf-gpu]``);
* the hypothesis properties of ``tests/`` draw their own configurations and
  hand them to the same :func:`check`.

Tolerances
----------
A framework's result ``theirs`` passes against ours where, element by
element, ``|ours - theirs| <= atol + rtol |theirs|`` (:func:`tolerance`):

* float64: ``rtol = 1e-10``, ``atol = 1e-10 x scale x sqrt(fan_in)``;
* float32: ``rtol = 1e-5``, ``atol = 1e-5 x scale x sqrt(fan_in)``;

``scale`` is the scale of the data (1 for unit-variance data; the data range
for resizing, which is then held to ``atol`` alone) and ``fan_in`` the number
of products summed into one output (``kh x kw x c_in`` for a convolution): a
float32 sum of ``n`` rounded products errs by about ``sqrt(n)`` roundings.
Rearrangements (pixel shuffle, nearest neighbour, max pooling, indices) are
exact. The same tolerances hold on a GPU because TF32 is switched off there
(:func:`strict_gpu_settings`): with TF32 on (the default of both frameworks
on Ampere and later GPUs) a float32 convolution keeps 10 mantissa bits and
errs by about 1e-3 of the output scale. The one thing a GPU may do otherwise
is break an exact tie of nearest-neighbour resizing the other way: there the
tie rows and columns (:func:`tie_lines`) are left out.

Devices
-------
``device`` is ``"cpu"`` or ``"gpu"``. On the GPU, TensorFlow runs with soft
device placement off (an op with no GPU kernel raises instead of quietly
running on the CPU), TF32 is off in both frameworks, and every result's
device is checked (:func:`check_device`). An op listed in
:data:`NO_GPU_KERNEL` is not compared on the GPU: :func:`run` asserts that
TensorFlow refuses it there and reports ``"no GPU kernel"``.

``COURSE_PRETEND_GPU=1`` (pretend-GPU mode) runs every GPU branch on the CPU:
only the device placement (:func:`placement`) and the device assertion are
stubbed, while the strict settings and the no-kernel facts still go through
their code (a refusal that cannot happen on a CPU is checked by finding the
op in TensorFlow's traced graph instead). ``make test`` runs the GPU cases
once this way, so a wrong GPU branch fails on every machine.
"""

from __future__ import annotations

import functools
import math
import os
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from .layouts import (
    conv_kernel_from_torch,
    conv_kernel_to_torch,
    nchw_to_nhwc,
    nhwc_to_nchw,
    transposed_kernel_to_torch,
)

FRAMEWORKS = ("tensorflow", "torch")
#: The short names used in test ids (``[tf-gpu]``, ``[torch-cpu]``).
SHORT = {"tensorflow": "tf", "torch": "torch", "opencv": "opencv"}
NAMES = {"tensorflow": "TensorFlow", "torch": "PyTorch", "opencv": "OpenCV"}

#: The one list of operations with no GPU kernel for a dtype, with the fact
#: behind each: ``(framework, op, dtype) -> fact``; ``dtype`` ``"any"`` means
#: every dtype.
NO_GPU_KERNEL = {
    ("tensorflow", "ResizeBicubic", "any"):
        "tensorflow/core/kernels/image/resize_bicubic_op.cc registers the op "
        "for DEVICE_CPU only (tf.image.resize and tf.compat.v1.image.resize "
        "with method bicubic, antialias off, call it)",
    ("tensorflow", "DepthToSpace", "float64"):
        "tensorflow/core/kernels/depthtospace_op.cc registers DEVICE_GPU "
        "kernels for float, half, bfloat16 and qint8 only",
    ("tensorflow", "SpaceToDepth", "float64"):
        "tensorflow/core/kernels/spacetodepth_op.cc registers DEVICE_GPU "
        "kernels for float, half, qint8 and uint8 only",
}

#: The verdict of a case whose operation has no GPU kernel (nothing compared).
NO_GPU = "no GPU kernel"


def gpu_kernel_missing(framework: str, op: str, dtype) -> str | None:
    """The fact from ``NO_GPU_KERNEL`` if ``op`` has no GPU kernel for
    ``dtype`` in ``framework``, else ``None``.

    Examples
    --------
    >>> gpu_kernel_missing("tensorflow", "DepthToSpace", "float64").split()[0]
    'tensorflow/core/kernels/depthtospace_op.cc'
    >>> gpu_kernel_missing("tensorflow", "DepthToSpace", "float32") is None
    True
    """
    name = np.dtype(dtype).name
    return (NO_GPU_KERNEL.get((framework, op, name))
            or NO_GPU_KERNEL.get((framework, op, "any")))


# --- devices ------------------------------------------------------------------

class NoGPUError(RuntimeError):
    """A GPU was asked for and the framework sees none."""


def pretend_gpu() -> bool:
    """Whether ``COURSE_PRETEND_GPU=1``: GPU branches run on the CPU."""
    return os.environ.get("COURSE_PRETEND_GPU", "") == "1"


def _check_device_name(device: str) -> str:
    if device not in ("cpu", "gpu"):
        raise ValueError(f"device must be 'cpu' or 'gpu', got {device!r}")
    return device


def strict_gpu_settings(tf=None, torch=None) -> None:
    """TF32 off in both frameworks, TensorFlow's soft placement off and its
    memory growth on (so that PyTorch gets GPU memory too)."""
    if tf is not None:
        for gpu in tf.config.list_physical_devices("GPU"):
            try:
                tf.config.experimental.set_memory_growth(gpu, True)
            except RuntimeError:  # GPUs already initialised: it stays as it was
                pass
        tf.config.set_soft_device_placement(False)
        tf.config.experimental.enable_tensor_float_32_execution(False)
    if torch is not None:
        torch.backends.cudnn.allow_tf32 = False
        torch.backends.cuda.matmul.allow_tf32 = False


@functools.lru_cache(maxsize=None)
def tf():
    """TensorFlow, imported quietly, with :func:`strict_gpu_settings`."""
    from .utils import quiet_tensorflow

    quiet_tensorflow()
    import tensorflow as tf_

    strict_gpu_settings(tf=tf_)
    return tf_


@functools.lru_cache(maxsize=None)
def torch():
    """PyTorch, with :func:`strict_gpu_settings`."""
    import torch as torch_

    strict_gpu_settings(torch=torch_)
    return torch_


def gpu_missing(framework: str) -> str | None:
    """``None`` if ``framework`` sees a GPU (or pretends to), else why not."""
    if pretend_gpu():
        return None
    if framework == "tensorflow":
        t = tf()
        if t.config.list_physical_devices("GPU"):
            return None
        return (f"no GPU visible to TensorFlow {t.__version__} "
                f"(built with CUDA: {t.test.is_built_with_cuda()})")
    if framework == "torch":
        t = torch()
        if t.cuda.is_available():
            return None
        return (f"no GPU visible to PyTorch {t.__version__} "
                f"(CUDA build: {t.version.cuda or 'no, a CPU build'})")
    raise ValueError(f"framework must be 'tensorflow' or 'torch', got {framework!r}")


def placement(framework: str, device: str) -> str:
    """The framework's device string for ``"cpu"``/``"gpu"``. A GPU that the
    framework does not see raises :class:`NoGPUError` naming the framework;
    in pretend-GPU mode the GPU is the CPU."""
    if _check_device_name(device) == "gpu":
        missing = gpu_missing(framework)
        if missing:
            raise NoGPUError(missing)
    on_gpu = device == "gpu" and not pretend_gpu()
    if framework == "tensorflow":
        return "/GPU:0" if on_gpu else "/CPU:0"
    return "cuda" if on_gpu else "cpu"


def check_device(tensor, device: str):
    """Raise if a framework result does not lie where :func:`placement` put
    ``device`` (``cpu``/``gpu``; in pretend-GPU mode the GPU is the CPU);
    return the tensor. TensorFlow: ``tensor.device`` names the device;
    PyTorch: ``tensor.device.type`` is ``"cuda"`` on a GPU."""
    where = tensor.device
    if hasattr(where, "type"):  # torch
        on_gpu = where.type == "cuda"
    else:
        on_gpu = "GPU" in str(where).upper()
    if on_gpu != (_check_device_name(device) == "gpu" and not pretend_gpu()):
        raise RuntimeError(f"result expected on {device} is on {where}")
    return tensor


def tf_result(t, device: str) -> np.ndarray:
    """A TensorFlow result as NumPy, after checking it lies on ``device``."""
    return np.asarray(check_device(t, device))


_BACK = {"data": nchw_to_nhwc, "conv": conv_kernel_from_torch,
         "none": lambda a: a}


def from_torch(t, layout: str = "data", device: str | None = None) -> np.ndarray:
    """A torch tensor back to NumPy in our layout (``"data"``: NCHW to NHWC;
    ``"conv"``: a conv kernel to HWIO; ``"none"``: as is). With ``device``
    (``"cpu"``/``"gpu"``) the tensor must lie there."""
    if device is not None:
        check_device(t, device)
    return _BACK[layout](t.detach().cpu().numpy())


class TorchSide:
    """What a PyTorch call of an :class:`Op` gets: the module, ``F`` and
    transfers in PyTorch's layouts onto the case's device."""

    def __init__(self, device: str):
        self.torch = torch()
        self.F = self.torch.nn.functional
        self.device = device
        self.dev = placement("torch", device)

    def _put(self, a):
        return self.torch.from_numpy(np.ascontiguousarray(a)).to(self.dev)

    def data(self, x):
        """NHWC data to an NCHW tensor."""
        return self._put(nhwc_to_nchw(x))

    def kernel(self, w):
        """HWIO conv kernel to ``(c_out, c_in/g, kh, kw)``."""
        return self._put(conv_kernel_to_torch(w))

    def transposed(self, w):
        """Keras transposed kernel to ``(c_in, c_out, kh, kw)``."""
        return self._put(transposed_kernel_to_torch(w))

    def vec(self, b):
        """A bias (or any array) as is; ``None`` stays ``None``."""
        return None if b is None else self._put(b)


def to_torch(a, device: str = "cpu", layout: str = "data"):
    """NumPy array in our layout to a torch tensor in PyTorch's, on ``device``
    (``layout``: ``"data"``, ``"conv"``, ``"transposed"`` or ``"none"``)."""
    side = TorchSide(device)
    return {"data": side.data, "conv": side.kernel, "transposed": side.transposed,
            "none": side.vec}[layout](a)


# --- tolerances ---------------------------------------------------------------

def tolerance(dtype, scale: float = 1.0, fan_in: int = 1) -> dict:
    """``rtol``/``atol`` for comparing with a framework in ``dtype`` (the rule
    in this module's docstring).

    Examples
    --------
    >>> tol = tolerance(np.float32, fan_in=9)  # 1e-5 x sqrt(9)
    >>> tol["rtol"], round(tol["atol"], 12)
    (1e-05, 3e-05)
    """
    eps = 1e-10 if np.dtype(dtype) == np.float64 else 1e-5
    return {"rtol": eps, "atol": float(eps * scale * math.sqrt(max(1, fan_in)))}


EXACT = {"rtol": 0.0, "atol": 0.0}


def data_range(x) -> float:
    """The scale of resizing tolerances: the data range, at least 1."""
    return max(float(np.max(x) - np.min(x)), 1.0)


def tie_lines(n_in: int, n_out: int, align_corners: bool = False) -> np.ndarray:
    """Output rows (or columns) of nearest-neighbour resizing whose source
    coordinate sits exactly halfway between two inputs ((d + 1/2) in/out an
    integer) or exactly on an input under the legacy mapping (d in/out an
    integer, d > 0); with ``align_corners``, where d (in - 1)/(out - 1) ends
    in exactly 1/2. A GPU kernel may round these the other way in its own
    float arithmetic.

    Examples
    --------
    >>> tie_lines(4, 8).astype(int).tolist()
    [0, 0, 1, 0, 1, 0, 1, 0]
    """
    d = np.arange(n_out)
    if align_corners:
        if n_out == 1:
            return np.zeros(1, dtype=bool)
        return (2 * d * (n_in - 1)) % (2 * (n_out - 1)) == n_out - 1
    tie = (2 * d + 1) * n_in % (2 * n_out) == 0
    tie[1:] |= (d[1:] * n_in) % n_out == 0
    return tie


def off_ties(ours, theirs, x_shape, size, align_corners=False):
    """``(ours, theirs)`` without the tie rows and columns of a resize from
    ``x_shape`` (NHWC) to ``size``."""
    rows, cols = (~tie_lines(n_in, n_out, align_corners)
                  for n_in, n_out in zip(x_shape[1:3], size))
    return ours[:, rows][:, :, cols], np.asarray(theirs)[:, rows][:, :, cols]


# --- the ops --------------------------------------------------------------------

@dataclass(frozen=True)
class Op:
    """One companion operation and its counterparts in the frameworks.

    ``ours(cfg)`` returns our NumPy result. ``tensorflow(cfg, tf)`` runs
    inside ``tf.device(...)`` and returns a tensor (``tf_back(array, cfg)``
    then maps it to our layout, default as is); ``torch(cfg, side)`` gets a
    :class:`TorchSide` and returns a tensor that ``torch_back(array, cfg)``
    maps to our layout (default NCHW to NHWC). ``opencv(cfg)`` returns a
    NumPy result. ``tol(cfg, framework, device)`` gives ``rtol``/``atol``;
    ``tf_kernels(cfg)`` names the TensorFlow ops the call runs (for
    :data:`NO_GPU_KERNEL`); ``gpu_view(ours, theirs, cfg)`` trims what a
    GPU may legitimately do otherwise (nearest-neighbour ties).
    """

    name: str
    ours: Callable[[dict], np.ndarray]
    tensorflow: Callable[[dict, Any], Any] | None = None
    torch: Callable[[dict, TorchSide], Any] | None = None
    opencv: Callable[[dict], np.ndarray] | None = None
    tol: Callable[[dict, str, str], dict] = field(
        default=lambda cfg, fw, dev: tolerance(cfg["x"].dtype))
    tf_back: Callable[[np.ndarray, dict], np.ndarray] | None = None
    torch_back: Callable[[np.ndarray, dict], np.ndarray] = (
        lambda a, cfg: nchw_to_nhwc(a))
    tf_kernels: Callable[[dict], tuple] = lambda cfg: ()
    gpu_view: Callable | None = None

    def frameworks(self) -> tuple[str, ...]:
        return tuple(fw for fw in ("tensorflow", "torch", "opencv")
                     if getattr(self, fw) is not None)


#: Every op of the table, by name.
OPS: dict[str, Op] = {}


def _register(op: Op) -> Op:
    OPS[op.name] = op
    return op


def _pair(v):
    return tuple(v) if isinstance(v, (tuple, list)) else (v, v)


# convolution ------------------------------------------------------------------

def _conv_tol(cfg, framework, device):
    kh, kw, c_in_g, _ = cfg["w"].shape
    return tolerance(cfg["x"].dtype, fan_in=kh * kw * c_in_g)


def _tf_conv2d(cfg, t):
    from .shapes import resolve_padding2d

    x, w, padding = cfg["x"], cfg["w"], cfg.get("padding", 0)
    if isinstance(padding, str):
        tf_padding = padding.upper()
    else:
        pads = resolve_padding2d(padding, x.shape[1:3], w.shape[:2])
        tf_padding = [[0, 0], list(pads[0]), list(pads[1]), [0, 0]]
    y = t.nn.conv2d(t.constant(x), t.constant(w), _pair(cfg.get("stride", 1)),
                    tf_padding, dilations=_pair(cfg.get("dilation", 1)))
    return y if cfg.get("b") is None else y + cfg["b"]


def _torch_pad(cfg, side, kernel, value=0.0, x=None):
    """The input padded explicitly (TensorFlow's asymmetric "same" too)."""
    from .shapes import resolve_padding2d

    x = side.data(cfg["x"]) if x is None else x
    (t, b), (l, r) = resolve_padding2d(
        cfg.get("padding", 0), cfg["x"].shape[1:3], kernel,
        _pair(cfg.get("stride", 1)), _pair(cfg.get("dilation", 1)))
    return side.F.pad(x, (l, r, t, b), value=value)


def _torch_conv2d(cfg, side, x=None):
    return side.F.conv2d(_torch_pad(cfg, side, cfg["w"].shape[:2], x=x),
                         side.kernel(cfg["w"]), side.vec(cfg.get("b")),
                         stride=_pair(cfg.get("stride", 1)),
                         dilation=_pair(cfg.get("dilation", 1)),
                         groups=cfg.get("groups", 1))


def conv_kwargs(cfg):
    """The keyword arguments of conv2d in ``cfg``."""
    return {k: cfg[k] for k in ("stride", "padding", "dilation", "groups")
            if k in cfg}


def _conv_op(name, fn):
    return _register(Op(name, lambda cfg: fn(cfg["x"], cfg["w"], cfg.get("b"),
                                             **conv_kwargs(cfg)),
                        tensorflow=_tf_conv2d, torch=_torch_conv2d, tol=_conv_tol))


# transposed convolution --------------------------------------------------------

def _transposed_tol(cfg, framework, device):
    kh, kw, _, c_in = cfg["w"].shape
    return tolerance(cfg["x"].dtype, fan_in=kh * kw * c_in)


def transposed_kwargs(cfg):
    """The keyword arguments of conv_transpose2d in ``cfg``."""
    return {k: cfg[k] for k in ("stride", "padding", "output_padding", "dilation")
            if k in cfg}


def _out_shape(cfg):
    from .shapes import conv_transpose_crop

    x, w = cfg["x"], cfg["w"]
    size = [conv_transpose_crop(
        x.shape[1 + a], w.shape[a], _pair(cfg.get("stride", 1))[a],
        _pair(cfg.get("padding", 0))[a],
        None if cfg.get("output_padding") is None else _pair(cfg["output_padding"])[a],
        _pair(cfg.get("dilation", 1))[a])[1] for a in range(2)]
    return (x.shape[0], *size, w.shape[2])


def _tf_transposed(cfg, t):
    """``tf.nn.conv2d_transpose`` on the size our rules give (Keras computes
    it the same way, then calls this op); string or explicit padding."""
    padding = cfg.get("padding", 0)
    if not isinstance(padding, str):
        ph, pw = _pair(padding)
        padding = [[0, 0], [ph, ph], [pw, pw], [0, 0]]
    else:
        padding = padding.upper()
    y = t.nn.conv2d_transpose(t.constant(cfg["x"]), t.constant(cfg["w"]),
                              _out_shape(cfg), _pair(cfg.get("stride", 1)),
                              padding, dilations=cfg.get("dilation", 1))
    return y if cfg.get("b") is None else y + cfg["b"]


def _torch_transposed(cfg, side):
    """PyTorch's conv_transpose2d: an int padding as is; Keras "same"
    (no output_padding) through :func:`~companion.shapes.keras_same_to_torch`
    and a crop of the last rows and columns."""
    from .shapes import keras_same_to_torch

    padding, op = cfg.get("padding", 0), cfg.get("output_padding")
    stride, dilation = cfg.get("stride", 1), cfg.get("dilation", 1)
    crop = (0, 0)
    if padding == "same" and op is None:
        ports = [keras_same_to_torch(cfg["w"].shape[a], _pair(stride)[a],
                                     _pair(dilation)[a]) for a in range(2)]
        padding, op, crop = (tuple(p[i] for p in ports) for i in range(3))
    elif isinstance(padding, str):
        raise NotImplementedError(
            f"padding={padding!r} with output_padding={op!r} has no direct "
            "PyTorch call in the table")
    y = side.F.conv_transpose2d(side.data(cfg["x"]), side.transposed(cfg["w"]),
                                side.vec(cfg.get("b")), stride=stride,
                                padding=padding, output_padding=op or 0,
                                dilation=dilation)
    return y[:, :, :y.shape[2] - crop[0], :y.shape[3] - crop[1]]


def _transposed_op(name, fn):
    return _register(Op(name, lambda cfg: fn(cfg["x"], cfg["w"], cfg.get("b"),
                                             **transposed_kwargs(cfg)),
                        tensorflow=_tf_transposed, torch=_torch_transposed,
                        tol=_transposed_tol))


def _conv_matrix_ours(cfg):
    """C.T @ y, one image at a time: the transposed conv as a matrix."""
    from .transposed import conv_matrix

    out = _out_shape(cfg)[1:]
    C = conv_matrix(out, cfg["w"], cfg.get("stride", 1), cfg.get("padding", 0),
                    cfg.get("dilation", 1))
    y = np.stack([(C.T @ img.ravel()).reshape(out) for img in cfg["x"]])
    return y if cfg.get("b") is None else y + cfg["b"]


# pooling -------------------------------------------------------------------------

def _pool_args(cfg):
    pool = _pair(cfg["pool_size"])
    stride = pool if cfg.get("stride") is None else _pair(cfg["stride"])
    return pool, stride


def pool_kwargs(cfg):
    """The keyword arguments of max_pool2d / avg_pool2d in ``cfg``."""
    return {k: cfg[k] for k in ("pool_size", "stride", "padding") if k in cfg}


def _pool_pads(cfg):
    from .shapes import resolve_padding2d

    pool, stride = _pool_args(cfg)
    return resolve_padding2d(cfg.get("padding", "valid"), cfg["x"].shape[1:3],
                             pool, stride)


def torch_native_padding(cfg):
    """``(ph, pw)`` when PyTorch's pooling takes ``cfg``'s padding itself
    (symmetric, at most half the window), else None."""
    pool, _ = _pool_args(cfg)
    pads = _pool_pads(cfg)
    if all(p[0] == p[1] and 2 * p[0] <= k for p, k in zip(pads, pool)):
        return pads[0][0], pads[1][0]
    return None


def _tf_pool(kind):
    def call(cfg, t):
        pool, stride = _pool_args(cfg)
        fn = t.nn.max_pool2d if kind == "max" else t.nn.avg_pool2d
        padding = cfg.get("padding", "valid").upper()
        return fn(t.constant(cfg["x"]), pool, stride, padding)
    return call


def _torch_max_pool(cfg, side, x=None):
    """(values, indices in the input's plane): PyTorch's own padding where it
    can, else an input padded with -inf and the indices moved back."""
    pool, stride = _pool_args(cfg)
    native = torch_native_padding(cfg)
    x = side.data(cfg["x"]) if x is None else x
    if native is not None:
        return side.F.max_pool2d(x, pool, stride, native, return_indices=True)
    (t, _), (l, r) = _pool_pads(cfg)
    values, idx = side.F.max_pool2d(side.F.pad(x, (l, r, t, _), value=-math.inf),
                                    pool, stride, return_indices=True)
    width = cfg["x"].shape[2]
    return values, (idx // (l + width + r) - t) * width + idx % (l + width + r) - l


def _torch_avg_pool(cfg, side):
    """``count_include_pad=False`` where PyTorch takes the padding; else zero
    padding divided by the count of real cells in each window."""
    pool, stride = _pool_args(cfg)
    native = torch_native_padding(cfg)
    x = side.data(cfg["x"])
    if native is not None:
        return side.F.avg_pool2d(x, pool, stride, native, count_include_pad=False)
    (t, b), (l, r) = _pool_pads(cfg)
    counts = side.F.avg_pool2d(side.F.pad(side.torch.ones_like(x), (l, r, t, b)),
                               pool, stride)
    return side.F.avg_pool2d(side.F.pad(x, (l, r, t, b)), pool, stride) / counts


def _pool_tol(cfg, framework, device):
    return tolerance(cfg["x"].dtype)  # one division: float64 exact to 1e-10


def _indices_back(a, cfg):
    from .pooling import indices_from_torch

    return indices_from_torch(a)


def _tf_max_indices(cfg, t):
    pool, stride = _pool_args(cfg)
    _, argmax = t.nn.max_pool_with_argmax(
        t.constant(cfg["x"]), pool, stride, cfg.get("padding", "valid").upper(),
        include_batch_in_index=True)
    return argmax


def _tf_indices_back(a, cfg):
    from .pooling import indices_from_tf

    return indices_from_tf(a, cfg["x"].shape, include_batch=True)


def _tf_max_unpool(cfg, t):
    """Scatter-*update* the values at the argmax positions (scatter_nd would
    add the maxima that overlapping windows share)."""
    pool, stride = _pool_args(cfg)
    x = t.constant(cfg["x"])
    pooled, argmax = t.nn.max_pool_with_argmax(
        x, pool, stride, "VALID", include_batch_in_index=True)
    flat = t.tensor_scatter_nd_update(
        t.zeros([int(np.prod(cfg["x"].shape))], x.dtype), t.reshape(argmax, (-1, 1)),
        t.reshape(pooled, (-1,)))
    return t.reshape(flat, x.shape)


def _torch_max_unpool(cfg, side):
    pool, stride = _pool_args(cfg)
    pooled, idx = side.F.max_pool2d(side.data(cfg["x"]), pool, stride,
                                    return_indices=True)
    return side.F.max_unpool2d(pooled, idx, pool, stride,
                               output_size=cfg["x"].shape[1:3])


def _ours_max_unpool(cfg):
    from .pooling import max_pool2d, max_unpool2d

    pooled, idx = max_pool2d(cfg["x"], **pool_kwargs(cfg), return_indices=True)
    return max_unpool2d(pooled, idx, cfg["x"].shape[1:3])


# gradients --------------------------------------------------------------------------

def _tf_conv_grad(part):
    def call(cfg, t):
        xv, w, b = t.Variable(cfg["x"]), t.Variable(cfg["w"]), t.Variable(cfg["b"])
        with t.GradientTape() as tape:
            y = _tf_conv2d(dict(cfg, x=xv, w=w, b=None), _Unwrapped(t)) + b
            loss = t.reduce_sum(y * cfg["dout"])
        return dict(zip("xwb", tape.gradient(loss, [xv, w, b])))[part]
    return call


class _Unwrapped:
    """``tf`` whose ``constant`` passes variables through (for gradients)."""

    def __init__(self, t):
        self._t = t

    def __getattr__(self, name):
        return getattr(self._t, name)

    def constant(self, v):
        return v if isinstance(v, self._t.Variable) else self._t.constant(v)


def _torch_conv_grad(part):
    def call(cfg, side):
        xv = side.data(cfg["x"]).requires_grad_(True)
        wv = side.kernel(cfg["w"]).requires_grad_(True)
        bv = side.vec(cfg["b"]).requires_grad_(True)
        y = side.F.conv2d(_torch_pad(cfg, side, cfg["w"].shape[:2], x=xv), wv, bv,
                          stride=_pair(cfg.get("stride", 1)))
        (y * side.data(cfg["dout"])).sum().backward()
        return {"x": xv, "w": wv, "b": bv}[part].grad
    return call


def _ours_conv_grad(part):
    def call(cfg):
        from .backward import conv2d_backward

        dx, dw, db = conv2d_backward(cfg["dout"], cfg["x"], cfg["w"],
                                     stride=cfg.get("stride", 1),
                                     padding=cfg.get("padding", 0))
        return {"x": dx, "w": dw, "b": db}[part]
    return call


_GRAD_BACK = {"x": lambda a, cfg: nchw_to_nhwc(a),
              "w": lambda a, cfg: conv_kernel_from_torch(a),
              "b": lambda a, cfg: a}


def _tf_max_pool_grad(cfg, t):
    xv = t.Variable(cfg["x"])
    pool, stride = _pool_args(cfg)
    with t.GradientTape() as tape:
        loss = t.reduce_sum(t.nn.max_pool2d(xv, pool, stride,
                                            cfg["padding"].upper()) * cfg["dout"])
    return tape.gradient(loss, xv)


def _torch_max_pool_grad(cfg, side):
    xv = side.data(cfg["x"]).requires_grad_(True)
    values, _ = _torch_max_pool(cfg, side, x=xv)
    (values * side.data(cfg["dout"])).sum().backward()
    return xv.grad


# resizing ---------------------------------------------------------------------------

_LEGACY = {"nearest": "NEAREST_NEIGHBOR", "bilinear": "BILINEAR", "bicubic": "BICUBIC"}


def _resize_tol(cfg, framework, device):
    """Nearest: exact; else ``1e-5 x`` the data range in float32 (TensorFlow
    computes in float32 whatever the input), ``1e-10 x`` in float64."""
    if cfg["method"].startswith("nearest"):
        return EXACT
    dtype = np.float32 if framework == "tensorflow" else cfg["x"].dtype
    if framework == "opencv" and cfg["method"] == "bilinear":
        dtype = np.float32  # INTER_LINEAR rounds its coordinates (about 1e-7)
    return dict(tolerance(dtype, scale=data_range(cfg["x"])), rtol=0.0)


def _tf_resize(cfg, t):
    if cfg["convention"] == "tf":
        return t.image.resize(t.constant(cfg["x"]), cfg["size"], method=cfg["method"],
                              antialias=False)
    return t.compat.v1.image.resize(
        t.constant(cfg["x"]), cfg["size"],
        method=getattr(t.compat.v1.image.ResizeMethod, _LEGACY[cfg["method"]]),
        align_corners=cfg.get("align_corners", False))


def _torch_resize(cfg, side):
    kw = ({} if cfg["method"].startswith("nearest")
          else {"align_corners": cfg.get("align_corners", False)})
    return side.F.interpolate(side.data(cfg["x"]), size=tuple(cfg["size"]),
                              mode=cfg["method"], **kw)


_CV_FLAGS = {"nearest": "INTER_NEAREST", "nearest-exact": "INTER_NEAREST_EXACT",
             "bilinear": "INTER_LINEAR", "bicubic": "INTER_CUBIC"}


def _opencv_resize(cfg):
    import cv2

    h, w = cfg["size"]
    flag = getattr(cv2, _CV_FLAGS[cfg["method"]])
    x = cfg["x"]
    return np.stack([cv2.resize(img, (w, h), interpolation=flag)
                     for img in x]).reshape(x.shape[0], h, w, x.shape[3])


def _nearest_gpu_view(ours, theirs, cfg):
    if not cfg["method"].startswith("nearest"):
        return ours, theirs
    return off_ties(ours, theirs, cfg["x"].shape, cfg["size"],
                    cfg.get("align_corners", False))


def _ours_resize(cfg):
    from .resize import resize

    return resize(cfg["x"], cfg["size"], cfg["method"], convention=cfg["convention"],
                  align_corners=cfg.get("align_corners", False))


def _resize_kernels(cfg):
    """Bicubic runs ResizeBicubic, except where tf.compat.v1.image.resize
    skips the op (the output size is the input's: it returns the input)."""
    if cfg["method"] != "bicubic" or (
            cfg["convention"] == "tf1"
            and tuple(cfg["size"]) == tuple(cfg["x"].shape[1:3])):
        return ()
    return ("ResizeBicubic",)


# the registry ------------------------------------------------------------------------

def _build() -> None:
    from . import backward, conv, pooling, resize, subpixel, transposed

    for fn in (conv.conv2d, conv.conv2d_naive):
        _conv_op(fn.__name__, fn)
    for fn in (transposed.conv_transpose2d, transposed.conv_transpose2d_scatter,
               transposed.conv_transpose2d_zero_insert):
        _transposed_op(fn.__name__, fn)
    _register(Op("conv_matrix", _conv_matrix_ours, _tf_transposed, _torch_transposed,
                 tol=_transposed_tol))
    _register(Op("max_pool2d", lambda c: pooling.max_pool2d(c["x"], **pool_kwargs(c)),
                 _tf_pool("max"), lambda c, s: _torch_max_pool(c, s)[0],
                 tol=lambda c, f, d: EXACT))
    _register(Op("avg_pool2d", lambda c: pooling.avg_pool2d(c["x"], **pool_kwargs(c)),
                 _tf_pool("avg"), _torch_avg_pool, tol=_pool_tol))
    _register(Op("max_pool2d indices",
                 lambda c: pooling.max_pool2d(c["x"], **pool_kwargs(c),
                                              return_indices=True)[1],
                 _tf_max_indices, lambda c, s: _torch_max_pool(c, s)[1],
                 tol=lambda c, f, d: EXACT, tf_back=_tf_indices_back,
                 torch_back=_indices_back))
    _register(Op("max_unpool2d", _ours_max_unpool, _tf_max_unpool, _torch_max_unpool,
                 tol=lambda c, f, d: EXACT))
    _register(Op("avg_unpool2d",
                 lambda c: pooling.avg_unpool2d(c["x"], c["pool_size"]),
                 lambda c, t: t.image.resize(
                     t.constant(c["x"]), [n * f for n, f in zip(
                         c["x"].shape[1:3], _pair(c["pool_size"]))], "nearest"),
                 lambda c, s: s.F.interpolate(s.data(c["x"]),
                                              scale_factor=_pair(c["pool_size"]),
                                              mode="nearest"),
                 tol=lambda c, f, d: EXACT))
    for part in "xwb":
        _register(Op(f"conv2d_backward d{part}", _ours_conv_grad(part),
                     _tf_conv_grad(part), _torch_conv_grad(part), tol=_conv_tol,
                     torch_back=_GRAD_BACK[part]))
    _register(Op("max_pool2d_backward",
                 lambda c: backward.max_pool2d_backward(
                     c["dout"], c["x"], c["pool_size"], c.get("stride"),
                     c["padding"]),
                 _tf_max_pool_grad, _torch_max_pool_grad, tol=_pool_tol))
    # resizing: one op per convention; each framework reproduces its own
    for convention, fw in (("tf", "tensorflow"), ("tf1", "tensorflow"),
                           ("torch", "torch"), ("opencv", "opencv")):
        _register(Op(f"resize ({convention})", _ours_resize,
                     tensorflow=_tf_resize if fw == "tensorflow" else None,
                     torch=_torch_resize if fw == "torch" else None,
                     opencv=_opencv_resize if fw == "opencv" else None,
                     tol=_resize_tol,
                     tf_kernels=(_resize_kernels if fw == "tensorflow"
                                 else Op.tf_kernels),
                     gpu_view=_nearest_gpu_view))
    _register(Op("pixel_shuffle (tf order)",
                 lambda c: subpixel.pixel_shuffle(c["x"], c["r"], "tf"),
                 tensorflow=lambda c, t: t.nn.depth_to_space(c["x"], c["r"]),
                 tol=lambda c, f, d: EXACT, tf_kernels=lambda c: ("DepthToSpace",)))
    _register(Op("pixel_unshuffle (tf order)",
                 lambda c: subpixel.pixel_unshuffle(c["x"], c["r"], "tf"),
                 tensorflow=lambda c, t: t.nn.space_to_depth(c["x"], c["r"]),
                 tol=lambda c, f, d: EXACT, tf_kernels=lambda c: ("SpaceToDepth",)))
    _register(Op("pixel_shuffle (torch order)",
                 lambda c: subpixel.pixel_shuffle(c["x"], c["r"], "torch"),
                 torch=lambda c, s: s.F.pixel_shuffle(s.data(c["x"]), c["r"]),
                 tol=lambda c, f, d: EXACT))
    _register(Op("pixel_unshuffle (torch order)",
                 lambda c: subpixel.pixel_unshuffle(c["x"], c["r"], "torch"),
                 torch=lambda c, s: s.F.pixel_unshuffle(s.data(c["x"]), c["r"]),
                 tol=lambda c, f, d: EXACT))

    def permuted(c, s):
        p = subpixel.shuffle_permutation(c["x"].shape[3] // c["r"] ** 2, c["r"],
                                         "tf", "torch")
        return s.F.pixel_shuffle(s.data(c["x"][..., p]), c["r"])

    _register(Op("pixel_shuffle (tf order) == PixelShuffle after shuffle_permutation",
                 lambda c: subpixel.pixel_shuffle(c["x"], c["r"], "tf"),
                 torch=permuted, tol=lambda c, f, d: EXACT))

    def keras_up(c, t):
        import keras

        return keras.layers.UpSampling2D(c["factor"])(t.constant(c["x"]))

    _register(Op("upsample_repeat",
                 lambda c: resize.upsample_repeat(c["x"], c["factor"]),
                 keras_up,
                 lambda c, s: s.F.interpolate(s.data(c["x"]),
                                              scale_factor=_pair(c["factor"]),
                                              mode="nearest"),
                 tol=lambda c, f, d: EXACT))

    def resize_conv_tf(c, t):
        import keras

        up = keras.layers.UpSampling2D(c["factor"])(t.constant(c["x"]))
        return t.nn.conv2d(up, c["w"], 1, "SAME") + c["b"]

    def resize_conv_torch(c, s):
        up = s.F.interpolate(s.data(c["x"]), scale_factor=c["factor"], mode="nearest")
        cfg = dict(x=nchw_to_nhwc(up.detach().cpu().numpy()), w=c["w"], b=c["b"],
                   padding="same")
        return _torch_conv2d(cfg, s, x=up)

    _register(Op("resize_conv nearest, 3x3 same",
                 lambda c: resize.resize_conv(c["x"], c["w"], c["factor"], b=c["b"]),
                 resize_conv_tf, resize_conv_torch,
                 tol=lambda c, f, d: tolerance(c["x"].dtype,
                                               fan_in=c["w"][..., 0].size)))

    def bilinear_ct(c):
        f = c["factor"]
        up = transposed.conv_transpose2d(
            c["x"], resize.bilinear_kernel(c["x"].shape[3], f, c["x"].dtype),
            stride=f, padding=f // 2)
        return up[:, f // 2:up.shape[1] - f // 2, f // 2:up.shape[2] - f // 2]

    def interior(c):
        f = c["factor"]
        return (slice(None), slice(f // 2, c["x"].shape[1] * f - f // 2),
                slice(f // 2, c["x"].shape[2] * f - f // 2))

    _register(Op("conv_transpose2d with bilinear_kernel (interior)", bilinear_ct,
                 lambda c, t: t.image.resize(
                     t.constant(c["x"]), [n * c["factor"] for n in c["x"].shape[1:3]],
                     "bilinear")[interior(c)],
                 lambda c, s: s.F.interpolate(s.data(c["x"]), scale_factor=c["factor"],
                                              mode="bilinear", align_corners=False),
                 torch_back=lambda a, c: nchw_to_nhwc(a)[interior(c)],
                 tol=lambda c, f, d: dict(tolerance(
                     np.float32 if f == "tensorflow" else c["x"].dtype,
                     scale=data_range(c["x"])), rtol=0.0)))


_build()


# --- the helper ---------------------------------------------------------------

@dataclass
class Result:
    """One op on one configuration against one framework on one device.

    ``note`` is :data:`NO_GPU` when the op has no GPU kernel there (then
    nothing was compared: ``theirs`` is None and ``ok`` says whether the
    framework refused it as the fact says).
    """

    op: str
    framework: str
    device: str
    ours: np.ndarray
    theirs: np.ndarray | None
    max_abs_err: float
    rtol: float
    atol: float
    ok: bool
    note: str = ""
    fact: str = ""

    @property
    def bound(self) -> float:
        """The largest difference the tolerance allows anywhere."""
        if self.theirs is None:
            return self.atol
        return self.atol + self.rtol * float(np.max(np.abs(self.theirs), initial=0))


def _op(op: Op | str) -> Op:
    """``op`` itself, or the row of :data:`OPS` it names."""
    if isinstance(op, Op):
        return op
    if not isinstance(op, str):
        raise TypeError(f"op must be an Op or the name of one, got {op!r}")
    if op not in OPS:
        raise ValueError(f"op must be one of {', '.join(sorted(OPS))}; got {op!r}")
    return OPS[op]


def missing_kernel(op: Op | str, framework: str, device: str, cfg: dict) -> str | None:
    """The :data:`NO_GPU_KERNEL` fact that stops ``op`` on ``device``, if any."""
    op = _op(op)
    if device != "gpu" or framework != "tensorflow":
        return None
    for kernel in op.tf_kernels(cfg):
        fact = gpu_kernel_missing(framework, kernel, cfg["x"].dtype)
        if fact:
            return fact
    return None


def refused_on_gpu(fn: Callable[[], Any], kernel: str) -> bool:
    """Whether TensorFlow refuses ``fn()`` on the GPU (soft placement off), as
    :data:`NO_GPU_KERNEL` says it must. In pretend-GPU mode, where nothing can
    be refused, whether ``fn`` really runs the op ``kernel`` (it appears in
    TensorFlow's traced graph)."""
    t = tf()
    if pretend_gpu():
        graph = t.function(fn).get_concrete_function().graph
        return kernel in {o.type for o in graph.get_operations()}
    try:
        with t.device(placement("tensorflow", "gpu")):
            fn()
    except (t.errors.NotFoundError, t.errors.InvalidArgumentError,
            t.errors.UnimplementedError):
        return True
    return False


def framework_result(op: Op | str, framework: str, device: str, cfg: dict):
    """The framework's result of ``op`` on ``cfg``, in our layout, after
    checking where it lies."""
    op = _op(op)
    if framework == "opencv":
        if device != "cpu":
            raise ValueError("OpenCV runs on the CPU only")
        return op.opencv(cfg)
    if framework == "tensorflow":
        t = tf()
        with t.device(placement("tensorflow", device)):
            a = tf_result(op.tensorflow(cfg, t), device)
        return a if op.tf_back is None else op.tf_back(a, cfg)
    if framework == "torch":
        side = TorchSide(device)
        a = check_device(op.torch(cfg, side), device).detach().cpu().numpy()
        return op.torch_back(a, cfg)
    raise ValueError(
        f"framework must be 'tensorflow', 'torch' or 'opencv', got {framework!r}")


def run(op: Op | str, framework: str, device: str, cfg: dict) -> Result:
    """Our result and the framework's on ``cfg``, compared (see
    :class:`Result`); an op without a GPU kernel is checked for the refusal."""
    op = _op(op)
    _check_device_name(device)
    ours = op.ours(cfg)
    fact = missing_kernel(op, framework, device, cfg)
    if fact:
        kernels = [k for k in op.tf_kernels(cfg)
                   if gpu_kernel_missing(framework, k, cfg["x"].dtype)]
        ok = refused_on_gpu(lambda: op.tensorflow(cfg, tf()), kernels[0])
        return Result(op.name, framework, device, ours, None, math.nan, 0.0, 0.0,
                      ok, NO_GPU, fact)
    theirs = framework_result(op, framework, device, cfg)
    tol = op.tol(cfg, framework, device)
    mine, ref = ours, theirs
    if device == "gpu" and op.gpu_view is not None:
        mine, ref = op.gpu_view(ours, theirs, cfg)
    if mine.shape != ref.shape:
        return Result(op.name, framework, device, ours, theirs, math.inf,
                      tol["rtol"], tol["atol"], False)
    diff = np.abs(mine.astype(np.float64) - ref.astype(np.float64))
    err = float(np.max(diff, initial=0.0))
    ok = bool(np.all(diff <= tol["atol"] + tol["rtol"] * np.abs(ref)))
    return Result(op.name, framework, device, ours, theirs, err, tol["rtol"],
                  tol["atol"], ok)


def check(op: Op | str, framework: str, device: str, cfg: dict) -> Result:
    """:func:`run`, then assert: same shape, our dtype is the input's, values
    within the tolerance (or, without a GPU kernel, the framework refused).
    Returns the :class:`Result`."""
    res = run(op, framework, device, cfg)
    where = f"{res.op} against {NAMES[framework]} on {device}"
    if res.note == NO_GPU:
        assert res.ok, f"{where}: NO_GPU_KERNEL says {res.fact!r}, but it ran"
        return res
    assert res.ours.dtype == cfg["x"].dtype or res.op.endswith("indices"), (
        f"{where}: our dtype {res.ours.dtype} is not the input's {cfg['x'].dtype}")
    assert res.ours.shape == res.theirs.shape, (
        f"{where}: shape {res.ours.shape} against {res.theirs.shape}")
    if not res.ok:
        mine, ref = res.ours, res.theirs
        if device == "gpu" and OPS[res.op].gpu_view is not None:
            mine, ref = OPS[res.op].gpu_view(mine, ref, cfg)
        np.testing.assert_allclose(mine, ref, rtol=res.rtol, atol=res.atol,
                                   err_msg=where)
    return res


# --- the fixed rows -------------------------------------------------------------------

@dataclass(frozen=True)
class Case:
    """A row of the table: ``label`` (what the line says), the op's name and
    a function returning its configuration (fixed and seeded)."""

    label: str
    op: str
    cfg: Callable[[], dict]

    def frameworks(self) -> tuple[str, ...]:
        return OPS[self.op].frameworks()


def _rng_inputs(seed, **shapes):
    @functools.lru_cache(maxsize=None)
    def make():
        rng = np.random.default_rng(seed)
        return {k: rng.standard_normal(s, dtype=np.float32) for k, s in shapes.items()}
    return make


# float32, odd and non-square sizes
_CORE = _rng_inputs(1603, x=(2, 9, 8, 4), w=(3, 3, 4, 5), b=(5,), wg=(3, 2, 2, 6),
                    bg=(6,), xt=(2, 5, 4, 3), wt=(3, 3, 4, 3), bt=(4,),
                    dout=(2, 5, 4, 5), dpool=(2, 5, 4, 4))
_IMAGES = _rng_inputs(2016, x=(2, 7, 9, 3), d=(2, 5, 3, 12), s=(2, 6, 4, 3),
                      w=(3, 3, 3, 4), b=(4,))


def _from(inputs):
    """``cfg(**named)``: a configuration maker whose string values naming an
    array of ``inputs()`` are that array."""
    def cfg(**named):
        def make():
            a = inputs()
            return {k: a[v] if isinstance(v, str) and v in a else v
                    for k, v in named.items()}
        return make
    return cfg


_core, _images = _from(_CORE), _from(_IMAGES)


def _rows() -> list[Case]:
    same2 = dict(stride=2, padding="same")
    rows = [Case(f"{fn} (stride 2, same)", fn, _core(x="x", w="w", b="b", **same2))
            for fn in ("conv2d", "conv2d_naive")]
    rows.append(Case("conv2d (groups 2, dilation 2, pad 1)", "conv2d",
                     _core(x="x", w="wg", b="bg", padding=1, dilation=2, groups=2)))
    rows += [Case(f"{fn} (Keras same)", fn,
                  _core(x="xt", w="wt", b="bt", output_padding=None, **same2))
             for fn in ("conv_transpose2d", "conv_transpose2d_scatter",
                        "conv_transpose2d_zero_insert", "conv_matrix")]
    rows.append(Case("conv_transpose2d (padding 1, output_padding 1)",
                     "conv_transpose2d",
                     _core(x="xt", w="wt", b="bt", stride=2, padding=1,
                           output_padding=1)))
    pool = dict(pool_size=3, stride=2, padding="same")
    rows += [
        Case("max_pool2d (3x3, stride 2, same)", "max_pool2d", _core(x="x", **pool)),
        Case("avg_pool2d (3x3, stride 2, same)", "avg_pool2d", _core(x="x", **pool)),
        Case("avg_unpool2d (2x2)", "avg_unpool2d", _core(x="x", pool_size=2)),
        Case("max_pool2d indices (2x2)", "max_pool2d indices",
             _core(x="x", pool_size=2, padding="valid")),
        Case("max_unpool2d (2x2, odd size)", "max_unpool2d",
             _core(x="x", pool_size=2, padding="valid")),
    ]
    rows += [Case(f"conv2d_backward d{p} (stride 2, same)", f"conv2d_backward d{p}",
                  _core(x="x", w="w", b="b", dout="dout", **same2)) for p in "xwb"]
    rows.append(Case("max_pool2d_backward (3x3, stride 2, same)",
                     "max_pool2d_backward", _core(x="x", dout="dpool", **pool)))
    methods = {"tf": [("nearest", False), ("bilinear", False), ("bicubic", False)],
               "tf1": [(m, ac) for m in ("nearest", "bilinear", "bicubic")
                       for ac in (False, True)],
               "torch": [("nearest", False), ("nearest-exact", False)]
               + [(m, ac) for m in ("bilinear", "bicubic") for ac in (False, True)],
               "opencv": [(m, False) for m in ("nearest", "nearest-exact",
                                               "bilinear", "bicubic")]}
    for convention, calls in methods.items():
        for method, ac in calls:
            for size in ((11, 23), (4, 5)):
                extra = ", align_corners" if ac else ""
                rows.append(Case(
                    f"resize {method} ({convention}{extra}) 7x9 -> "
                    f"{size[0]}x{size[1]}", f"resize ({convention})",
                    _images(x="x", size=size, method=method, convention=convention,
                            align_corners=ac)))
    rows += [
        Case("pixel_shuffle r=2 (tf order)", "pixel_shuffle (tf order)",
             _images(x="d", r=2)),
        Case("pixel_shuffle r=2 (torch order)", "pixel_shuffle (torch order)",
             _images(x="d", r=2)),
        Case("pixel_shuffle r=2 tf order == PixelShuffle after shuffle_permutation",
             "pixel_shuffle (tf order) == PixelShuffle after shuffle_permutation",
             _images(x="d", r=2)),
        Case("pixel_unshuffle r=2 (tf order)", "pixel_unshuffle (tf order)",
             _images(x="s", r=2)),
        Case("pixel_unshuffle r=2 (torch order)", "pixel_unshuffle (torch order)",
             _images(x="s", r=2)),
        Case("upsample_repeat (2, 3)", "upsample_repeat",
             _images(x="x", factor=(2, 3))),
        Case("resize_conv nearest x2, 3x3 same", "resize_conv nearest, 3x3 same",
             _images(x="x", w="w", b="b", factor=2)),
        Case("conv_transpose2d with bilinear_kernel x2 (interior)",
             "conv_transpose2d with bilinear_kernel (interior)",
             _images(x="x", factor=2)),
    ]
    return rows


#: The table, every op on fixed and seeded inputs.
ROWS: list[Case] = _rows()


def have_opencv() -> bool:
    try:
        import cv2  # noqa: F401
    except ImportError:
        return False
    return True


def table(devices: dict[str, list[str]], rows: list[Case] | None = None
          ) -> list[tuple[Case, Result]]:
    """Every row x framework x device of ``devices`` (``{framework: [device,
    ...]}``; OpenCV rows run where ``"opencv"`` is asked for and cv2 is
    installed)."""
    out = []
    for case in ROWS if rows is None else rows:
        for framework in case.frameworks():
            if framework == "opencv" and not have_opencv():
                continue
            for device in devices.get(framework, []):
                out.append((case, run(case.op, framework, device, case.cfg())))
    return out
