"""Cross-check rows for resizing, pixel shuffle and the upsampling layers built
on them (``python -m companion.crosscheck``).

Fixed, seeded float32 images of odd, non-square size (7 x 9, three channels)
are resized up by non-integer factors (to 11 x 23) and down (to 4 x 5) with
every method and convention of :mod:`companion.resize`; a row holds the larger
of the two maximum differences. The sizes are odd so that no output pixel lies
exactly halfway between two inputs (a tie that nearest neighbour may break
either way on another device), so nearest rows must match exactly. OpenCV rows
appear when ``cv2`` is installed (framework ``"opencv"``, device ``"cpu"``).
TensorFlow's bicubic resize has no GPU kernel: on the GPU those rows say so
(``crosscheck.NO_GPU_KERNEL``) instead of running on the CPU.
"""

from __future__ import annotations

import numpy as np

from .crosscheck import NO_GPU, Row, check_device, gpu_kernel_missing, placement
from .layouts import conv_kernel_to_torch, nchw_to_nhwc, nhwc_to_nchw
from .resize import bilinear_kernel, resize, resize_conv, upsample_repeat
from .subpixel import pixel_shuffle, pixel_unshuffle, shuffle_permutation
from .transposed import conv_transpose2d

SIZES = ((11, 23), (4, 5))
#: float32 tolerance relative to the data range (SEMANTICS.md, Tolerances).
REL_TOL = 1e-5

_TF_CASES = [("tf", m, False) for m in ("nearest", "bilinear", "bicubic")] + [
    ("tf1", m, ac) for m in ("nearest", "bilinear", "bicubic")
    for ac in (False, True)]
_TORCH_CASES = [("torch", m, False) for m in ("nearest", "nearest-exact")] + [
    ("torch", m, ac) for m in ("bilinear", "bicubic") for ac in (False, True)]
_CV_CASES = [("opencv", m, False)
             for m in ("nearest", "nearest-exact", "bilinear", "bicubic")]


def _name(convention, method, ac):
    extra = ", align_corners" if ac else ""
    return f"resize {method} ({convention}{extra}) 7x9 -> 11x23, 4x5"


def _inputs():
    rng = np.random.default_rng(2016)

    def r(*shape):
        return rng.standard_normal(shape, dtype=np.float32)

    return {"x": r(2, 7, 9, 3), "d": r(2, 5, 3, 12), "s": r(2, 6, 4, 3),
            "w": r(3, 3, 3, 4), "b": r(4)}


def _ours(a):
    x = a["x"]
    out = {}
    for conv, m, ac in _TF_CASES + _TORCH_CASES + _CV_CASES:
        out[_name(conv, m, ac)] = [resize(x, s, m, convention=conv, align_corners=ac)
                                   for s in SIZES]
    out.update({
        "pixel_shuffle r=2 (tf order)": [pixel_shuffle(a["d"], 2, "tf")],
        "pixel_shuffle r=2 (torch order)": [pixel_shuffle(a["d"], 2, "torch")],
        "pixel_shuffle tf order == PixelShuffle after shuffle_permutation": [
            pixel_shuffle(a["d"], 2, "tf")],
        "pixel_unshuffle r=2 (tf order)": [pixel_unshuffle(a["s"], 2, "tf")],
        "pixel_unshuffle r=2 (torch order)": [pixel_unshuffle(a["s"], 2, "torch")],
        "upsample_repeat (2, 3)": [upsample_repeat(x, (2, 3))],
        "resize_conv nearest x2, 3x3 same": [
            resize_conv(x, a["w"], 2, b=a["b"])],
    })
    up = conv_transpose2d(x, bilinear_kernel(3, 2), stride=2, padding=1)
    out["conv_transpose2d with bilinear_kernel x2 (interior)"] = [up[:, 1:-1, 1:-1]]
    return out


def _tensorflow(a, device):
    import keras
    import tensorflow as tf

    x = tf.constant(a["x"])
    legacy = {"nearest": tf.compat.v1.image.ResizeMethod.NEAREST_NEIGHBOR,
              "bilinear": tf.compat.v1.image.ResizeMethod.BILINEAR,
              "bicubic": tf.compat.v1.image.ResizeMethod.BICUBIC}
    res = {}
    no_bicubic = device == "gpu" and gpu_kernel_missing(
        "tensorflow", "ResizeBicubic", a["x"].dtype)
    with tf.device(placement("tensorflow", device)):
        for conv, m, ac in _TF_CASES:
            if m == "bicubic" and no_bicubic:
                res[_name(conv, m, ac)] = no_bicubic
                continue  # (it fell through: the previous method's result)
            if conv == "tf":
                ref = [tf.image.resize(x, s, method=m) for s in SIZES]
            else:
                ref = [tf.compat.v1.image.resize(x, s, method=legacy[m],
                                                 align_corners=ac) for s in SIZES]
            res[_name(conv, m, ac)] = ref
        d2s = tf.nn.depth_to_space(a["d"], 2)
        res["pixel_shuffle r=2 (tf order)"] = [d2s]
        res["pixel_unshuffle r=2 (tf order)"] = [tf.nn.space_to_depth(a["s"], 2)]
        res["upsample_repeat (2, 3)"] = [keras.layers.UpSampling2D((2, 3))(x)]
        up = keras.layers.UpSampling2D(2)(x)
        res["resize_conv nearest x2, 3x3 same"] = [
            tf.nn.conv2d(up, a["w"], 1, "SAME") + a["b"]]
        bil = tf.image.resize(x, (14, 18), method="bilinear")
        res["conv_transpose2d with bilinear_kernel x2 (interior)"] = [
            bil[:, 1:-1, 1:-1]]
    return {k: vs if isinstance(vs, str) else
            [np.asarray(check_device(v, device)) for v in vs]
            for k, vs in res.items()}


def _torch(a, device):
    import torch
    import torch.nn.functional as F

    dev = placement("torch", device)

    def data(v):
        return torch.from_numpy(nhwc_to_nchw(v)).to(dev)

    def back(t):
        return nchw_to_nhwc(check_device(t, device).cpu().numpy())

    x, res = data(a["x"]), {}
    for conv, m, ac in _TORCH_CASES:
        kw = {} if m.startswith("nearest") else {"align_corners": ac}
        res[_name(conv, m, ac)] = [back(F.interpolate(x, size=s, mode=m, **kw))
                                   for s in SIZES]
    p = shuffle_permutation(3, 2, "tf", "torch")
    res["pixel_shuffle r=2 (torch order)"] = [back(F.pixel_shuffle(data(a["d"]), 2))]
    res["pixel_shuffle tf order == PixelShuffle after shuffle_permutation"] = [
        back(F.pixel_shuffle(data(a["d"][..., p]), 2))]
    res["pixel_unshuffle r=2 (torch order)"] = [
        back(F.pixel_unshuffle(data(a["s"]), 2))]
    res["upsample_repeat (2, 3)"] = [
        back(F.interpolate(x, scale_factor=(2, 3), mode="nearest"))]
    w = torch.from_numpy(conv_kernel_to_torch(a["w"])).to(dev)
    b = torch.from_numpy(a["b"]).to(dev)
    up = F.interpolate(x, scale_factor=2, mode="nearest")
    res["resize_conv nearest x2, 3x3 same"] = [back(F.conv2d(up, w, b, padding=1))]
    bil = F.interpolate(x, size=(14, 18), mode="bilinear", align_corners=False)
    res["conv_transpose2d with bilinear_kernel x2 (interior)"] = [
        back(bil)[:, 1:-1, 1:-1]]
    return res


def _opencv(a):
    import cv2

    flags = {"nearest": cv2.INTER_NEAREST, "nearest-exact": cv2.INTER_NEAREST_EXACT,
             "bilinear": cv2.INTER_LINEAR, "bicubic": cv2.INTER_CUBIC}
    res = {}
    for conv, m, ac in _CV_CASES:
        res[_name(conv, m, ac)] = [
            np.stack([cv2.resize(img, (s[1], s[0]), interpolation=flags[m])
                      for img in a["x"]]) for s in SIZES]
    return res


def _rows(ours, theirs, framework, device, scale):
    rows = []
    for op, refs in theirs.items():
        mine = ours[op]
        if isinstance(refs, str):  # the fact why it has no GPU kernel
            rows.append(Row(op, framework, device, float("nan"), 0.0, NO_GPU))
            continue
        if all(m.shape == r.shape for m, r in zip(mine, refs)):
            err = max(float(np.max(np.abs(m - r))) for m, r in zip(mine, refs))
        else:
            err = float("inf")
        exact = op.startswith(("resize nearest", "pixel", "upsample_repeat"))
        rows.append(Row(op, framework, device, err,
                        0.0 if exact else REL_TOL * scale))
    return rows


def run(devices: dict[str, list[str]]) -> list[Row]:
    """One row per operation x framework x device (OpenCV: CPU only)."""
    inputs = _inputs()
    ours = _ours(inputs)
    scale = float(inputs["x"].max() - inputs["x"].min())
    references = {"tensorflow": _tensorflow, "torch": _torch}
    rows = []
    for framework, devs in devices.items():
        for device in devs:
            theirs = references[framework](inputs, device)
            rows += _rows(ours, theirs, framework, device, scale)
    try:
        import cv2  # noqa: F401
    except ImportError:
        return rows
    return rows + _rows(ours, _opencv(inputs), "opencv", "cpu", scale)
