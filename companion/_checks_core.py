"""Cross-check rows for convolution, transposed convolution, pooling and their
gradients (``python -m companion.crosscheck``).

Each operation runs on a few fixed, seeded float32 inputs chosen to hit the
pitfalls of ``SEMANTICS.md``: TensorFlow's asymmetric "same" padding, odd
sizes, overlapping pooling windows, a Keras "same" transposed convolution that
PyTorch can only reach by cropping. Our float32 result is compared with each
framework's on each device; the row holds the largest absolute difference.
"""

from __future__ import annotations

import numpy as np

from .backward import conv2d_backward, max_pool2d_backward
from .conv import conv2d, conv2d_naive
from .crosscheck import Row, check_device, placement
from .layouts import (
    conv_kernel_to_torch,
    nchw_to_nhwc,
    nhwc_to_nchw,
    transposed_kernel_to_torch,
)
from .pooling import (
    avg_pool2d,
    avg_unpool2d,
    indices_from_tf,
    indices_from_torch,
    max_pool2d,
    max_unpool2d,
)
from .shapes import keras_same_to_torch, resolve_padding2d
from .transposed import (
    conv_matrix,
    conv_transpose2d,
    conv_transpose2d_scatter,
    conv_transpose2d_zero_insert,
)

#: float32 tolerance on outputs of about unit scale (sums of <= 36 products).
TOL = 1e-4


def _inputs():
    """Seeded float32 inputs with odd, non-square sizes."""
    rng = np.random.default_rng(1603)

    def r(*shape):
        return rng.standard_normal(shape, dtype=np.float32)

    x = r(2, 9, 8, 4)
    return {
        "x": x, "w": r(3, 3, 4, 5), "b": r(5),             # conv, stride 2, same
        "wg": r(3, 2, 2, 6), "bg": r(6),                  # groups 2, dilation 2
        "xt": r(2, 5, 4, 3), "wt": r(3, 3, 4, 3), "bt": r(4),  # transposed
        "dout": r(2, 5, 4, 5),                            # gradient of conv
        "dpool": r(2, 5, 4, 4),                           # gradient of pooling
    }


def _ours(a):
    """Our results, keyed by operation name."""
    same_t = dict(stride=2, padding="same")
    out = {
        "conv2d (stride 2, same)": conv2d(a["x"], a["w"], a["b"], stride=2,
                                          padding="same"),
        "conv2d_naive (stride 2, same)": conv2d_naive(
            a["x"], a["w"], a["b"], stride=2, padding="same"),
        "conv2d (groups 2, dilation 2, pad 1)": conv2d(
            a["x"], a["wg"], a["bg"], padding=1, dilation=2, groups=2),
        "conv_transpose2d (Keras same)": conv_transpose2d(
            a["xt"], a["wt"], a["bt"], **same_t),
        "conv_transpose2d_scatter (Keras same)": conv_transpose2d_scatter(
            a["xt"], a["wt"], a["bt"], **same_t),
        "conv_transpose2d_zero_insert (Keras same)": conv_transpose2d_zero_insert(
            a["xt"], a["wt"], a["bt"], **same_t),
        "conv_transpose2d (padding 1, output_padding 1)": conv_transpose2d(
            a["xt"], a["wt"], a["bt"], stride=2, padding=1, output_padding=1),
        "max_pool2d (3x3, stride 2, same)": max_pool2d(a["x"], 3, 2, "same"),
        "avg_pool2d (3x3, stride 2, same)": avg_pool2d(a["x"], 3, 2, "same"),
        "avg_unpool2d (2x2)": avg_unpool2d(a["x"], 2),
    }
    # conv_matrix: the transposed conv as C.T @ y, one image at a time
    C = conv_matrix((10, 8, 4), a["wt"], stride=2, padding="same")
    out["conv_matrix C.T @ y (Keras same)"] = np.stack(
        [(C.T @ y.ravel()).reshape(10, 8, 4) for y in a["xt"]]) + a["bt"]
    pooled, idx = max_pool2d(a["x"], 2, return_indices=True)
    out["max_pool2d indices (2x2)"] = idx
    out["max_unpool2d (2x2, odd size)"] = max_unpool2d(pooled, idx, (9, 8))
    dx, dw, db = conv2d_backward(a["dout"], a["x"], a["w"], stride=2,
                                 padding="same")
    out.update({"conv2d_backward dx": dx, "conv2d_backward dw": dw,
                "conv2d_backward db": db})
    out["max_pool2d_backward (3x3, stride 2, same)"] = max_pool2d_backward(
        a["dpool"], a["x"], 3, 2, "same")
    return out


def _tensorflow(a, device):
    import tensorflow as tf

    def c(v):
        return tf.constant(v)

    x = c(a["x"])
    res = {}
    with tf.device(placement("tensorflow", device)):
        conv = tf.nn.conv2d(x, a["w"], 2, "SAME") + a["b"]
        res["conv2d (stride 2, same)"] = res["conv2d_naive (stride 2, same)"] = conv
        res["conv2d (groups 2, dilation 2, pad 1)"] = tf.nn.conv2d(
            x, a["wg"], 1, [[0, 0], [1, 1], [1, 1], [0, 0]], dilations=2) + a["bg"]
        t = tf.nn.conv2d_transpose(c(a["xt"]), a["wt"], (2, 10, 8, 4), 2,
                                   "SAME") + a["bt"]
        for name in ("conv_transpose2d", "conv_transpose2d_scatter",
                     "conv_transpose2d_zero_insert", "conv_matrix C.T @ y"):
            res[f"{name} (Keras same)"] = t
        res["conv_transpose2d (padding 1, output_padding 1)"] = \
            tf.nn.conv2d_transpose(c(a["xt"]), a["wt"], (2, 10, 8, 4), 2,
                                   [[0, 0], [1, 1], [1, 1], [0, 0]]) + a["bt"]
        res["max_pool2d (3x3, stride 2, same)"] = tf.nn.max_pool2d(x, 3, 2, "SAME")
        res["avg_pool2d (3x3, stride 2, same)"] = tf.nn.avg_pool2d(x, 3, 2, "SAME")
        res["avg_unpool2d (2x2)"] = tf.image.resize(x, (18, 16), method="nearest")
        pooled, argmax = tf.nn.max_pool_with_argmax(
            x, 2, 2, "VALID", include_batch_in_index=True)
        res["max_pool2d indices (2x2)"] = indices_from_tf(
            check_device(argmax, device).numpy(), tuple(x.shape),
            include_batch=True)
        # TF max-unpooling: scatter-*update* the values at the argmax positions
        flat = tf.tensor_scatter_nd_update(
            tf.zeros([2 * 9 * 8 * 4]), tf.reshape(argmax, (-1, 1)),
            tf.reshape(pooled, (-1,)))
        res["max_unpool2d (2x2, odd size)"] = tf.reshape(flat, x.shape)
        w = tf.Variable(a["w"])
        b = tf.Variable(a["b"])
        xv = tf.Variable(x)
        with tf.GradientTape() as tape:
            y = tf.nn.conv2d(xv, w, 2, "SAME") + b
            loss = tf.reduce_sum(y * a["dout"])
        dx, dw, db = tape.gradient(loss, [xv, w, b])
        res.update({"conv2d_backward dx": dx, "conv2d_backward dw": dw,
                    "conv2d_backward db": db})
        with tf.GradientTape() as tape:
            loss = tf.reduce_sum(tf.nn.max_pool2d(xv, 3, 2, "SAME") * a["dpool"])
        res["max_pool2d_backward (3x3, stride 2, same)"] = tape.gradient(loss, xv)
    return {k: v if isinstance(v, np.ndarray) else np.asarray(check_device(v, device))
            for k, v in res.items()}


def _torch(a, device):
    import torch
    import torch.nn.functional as F

    dev = placement("torch", device)

    def data(v):
        return torch.from_numpy(nhwc_to_nchw(v)).to(dev)

    def back(t):
        return nchw_to_nhwc(cpu(t))

    def cpu(t):
        return check_device(t, device).detach().cpu().numpy()

    def vec(v):
        return torch.from_numpy(v).to(dev)

    x, res = data(a["x"]), {}
    (t, b_), (l, r) = resolve_padding2d("same", (9, 8), (3, 3), (2, 2), (1, 1))
    xpad = F.pad(x, (l, r, t, b_))  # TF's asymmetric "same", made explicit
    w = vec(conv_kernel_to_torch(a["w"]))
    conv = back(F.conv2d(xpad, w, vec(a["b"]), stride=2))
    res["conv2d (stride 2, same)"] = res["conv2d_naive (stride 2, same)"] = conv
    res["conv2d (groups 2, dilation 2, pad 1)"] = back(F.conv2d(
        x, vec(conv_kernel_to_torch(a["wg"])), vec(a["bg"]), padding=1,
        dilation=2, groups=2))
    wt = vec(transposed_kernel_to_torch(a["wt"]))
    p, op, crop = keras_same_to_torch(3, 2)
    full = F.conv_transpose2d(data(a["xt"]), wt, vec(a["bt"]), stride=2,
                              padding=p, output_padding=op)
    keras_same = back(full[:, :, :full.shape[2] - crop, :full.shape[3] - crop])
    for name in ("conv_transpose2d", "conv_transpose2d_scatter",
                 "conv_transpose2d_zero_insert", "conv_matrix C.T @ y"):
        res[f"{name} (Keras same)"] = keras_same
    res["conv_transpose2d (padding 1, output_padding 1)"] = back(
        F.conv_transpose2d(data(a["xt"]), wt, vec(a["bt"]), stride=2, padding=1,
                           output_padding=1))
    xmax = F.pad(x, (l, r, t, b_), value=-float("inf"))
    res["max_pool2d (3x3, stride 2, same)"] = back(F.max_pool2d(xmax, 3, 2))
    # TF's "same" on 9 x 8 pads rows (1, 1) and columns (0, 1): PyTorch's own
    # padding (1, 0), with ceil_mode adding the last column's window
    res["avg_pool2d (3x3, stride 2, same)"] = back(F.avg_pool2d(
        x, 3, 2, padding=(1, 0), ceil_mode=True, count_include_pad=False))
    res["avg_unpool2d (2x2)"] = back(F.interpolate(x, scale_factor=2,
                                                   mode="nearest"))
    pooled, idx = F.max_pool2d(x, 2, return_indices=True)
    res["max_pool2d indices (2x2)"] = indices_from_torch(cpu(idx))
    res["max_unpool2d (2x2, odd size)"] = back(F.max_unpool2d(
        pooled, idx, 2, output_size=(9, 8)))
    xv = x.clone().requires_grad_(True)
    xpv = F.pad(xv, (l, r, t, b_))
    wv = w.clone().requires_grad_(True)
    bv = vec(a["b"]).requires_grad_(True)
    (F.conv2d(xpv, wv, bv, stride=2) * data(a["dout"])).sum().backward()
    res.update({"conv2d_backward dx": back(xv.grad),
                "conv2d_backward dw": cpu(wv.grad).transpose(2, 3, 1, 0),
                "conv2d_backward db": cpu(bv.grad)})
    xv = x.clone().requires_grad_(True)
    pooled = F.max_pool2d(F.pad(xv, (l, r, t, b_), value=-float("inf")), 3, 2)
    (pooled * data(a["dpool"])).sum().backward()
    res["max_pool2d_backward (3x3, stride 2, same)"] = back(xv.grad)
    return res


def run(devices: dict[str, list[str]]) -> list[Row]:
    """One row per operation x framework x device."""
    inputs = _inputs()
    ours = _ours(inputs)
    references = {"tensorflow": _tensorflow, "torch": _torch}
    rows = []
    for framework, devs in devices.items():
        for device in devs:
            theirs = references[framework](inputs, device)
            for op, value in ours.items():
                ref = theirs[op]
                err = (float(np.max(np.abs(value - ref)))
                       if value.shape == ref.shape else float("inf"))
                tol = 0.0 if np.issubdtype(value.dtype, np.integer) else TOL
                rows.append(Row(op, framework, device, err, tol))
    return rows
