"""The PyTorch builder of LeNet-5 and of the MNIST network (``nn.Sequential``)."""

from __future__ import annotations

from ..._validate import check_choice, check_int
from .arch import check_dtype, check_nonneg, check_rate, check_variant


def build_torch(variant="mnist", *, l2=0.0, dropout=0.5, num_classes=10,
                dtype="float32", init="keras"):
    """The PyTorch model of ``variant``, the same network as :func:`build_keras`.

    Input ``(n, 1, h, w)`` (NCHW), output logits ``(n, num_classes)``. The
    SAME convolutions of ``"mnist"`` are stride 1 with a 5 x 5 kernel, so
    TensorFlow pads 2 on every side and ``padding=2`` is an exact port; the
    2 x 2 pools need no padding on 28 and 14. L2 is not part of a PyTorch
    model: ``l2`` is kept as the model's ``l2`` attribute, and
    :func:`fit_torch` adds ``l2 * sum(w ** 2)`` over the kernels to the loss
    (as ``build_keras(l2=...)`` puts it in the Keras model). Module names
    follow ``WEIGHT_LAYERS``. Same arguments as :func:`build_keras`.

    ``init="keras"`` (the default) draws the kernels as Keras does,
    Glorot-uniform with zero biases, so that both frameworks start from the
    same distribution; ``init="torch"`` keeps PyTorch's own default
    (Kaiming-uniform with ``a = sqrt(5)``, small random biases).

    Returns
    -------
    torch.nn.Sequential
    """
    variant = check_variant(variant)
    init = check_choice(init, "init", ("keras", "torch"))
    l2 = check_nonneg(l2, "l2")
    dropout = check_rate(dropout, "dropout")
    num_classes = check_int(num_classes, "num_classes", minimum=1)
    dtype = check_dtype(dtype)
    from collections import OrderedDict

    import torch
    from torch import nn

    if variant == "mnist":
        parts = [
            ("conv1", nn.Conv2d(1, 32, 5, padding=2)),    # (n, 32, 28, 28)
            ("relu1", nn.ReLU()),
            ("pool1", nn.MaxPool2d(2)),                   # (n, 32, 14, 14)
            ("conv2", nn.Conv2d(32, 64, 5, padding=2)),   # (n, 64, 14, 14)
            ("relu2", nn.ReLU()),
            ("pool2", nn.MaxPool2d(2)),                   # (n, 64, 7, 7)
            ("flatten", nn.Flatten()),                    # (n, 3136), (c, h, w)
            ("fc1", nn.Linear(7 * 7 * 64, 512)),
            ("relu3", nn.ReLU()),
            ("dropout", nn.Dropout(dropout)),
            ("logits", nn.Linear(512, num_classes)),
        ]
    else:
        parts = [
            ("c1", nn.Conv2d(1, 6, 5)), ("tanh1", nn.Tanh()),
            ("s2", nn.AvgPool2d(2)),                      # (n, 6, 14, 14)
            ("c3", nn.Conv2d(6, 16, 5)), ("tanh3", nn.Tanh()),
            ("s4", nn.AvgPool2d(2)),                      # (n, 16, 5, 5)
            ("c5", nn.Conv2d(16, 120, 5)), ("tanh5", nn.Tanh()),
            ("flatten", nn.Flatten()),                    # (n, 120)
            ("f6", nn.Linear(120, 84)), ("tanh6", nn.Tanh()),
            ("output", nn.Linear(84, num_classes)),
        ]
    model = nn.Sequential(OrderedDict(parts))
    if init == "keras":
        for m in model.modules():
            if isinstance(m, (nn.Conv2d, nn.Linear)):
                nn.init.xavier_uniform_(m.weight)
                nn.init.zeros_(m.bias)
    model.l2 = l2
    return model.to(torch.float64) if dtype == "float64" else model


