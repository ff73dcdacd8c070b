"""SmallNet in PyTorch (an ``nn.Sequential`` with the Keras layer names)."""

from __future__ import annotations

from collections import OrderedDict

from ..._validate import check_int
from .arch import KERNEL, POOL, check_channels


def build_torch(channels=(8, 16), *, seed=0):
    """SmallNet as a PyTorch ``nn.Sequential`` (NCHW input, logits out).

    ``seed`` seeds PyTorch's global generator (``torch.manual_seed``) before
    the layers are initialised. Same arguments as :func:`build_keras`.
    """
    c1, c2 = check_channels(channels)
    seed = check_int(seed, "seed", minimum=0)
    import torch
    from torch import nn

    torch.manual_seed(seed)
    return nn.Sequential(OrderedDict([
        ("conv1", nn.Conv2d(1, c1, KERNEL)), ("relu1", nn.ReLU()),
        ("pool1", nn.MaxPool2d(POOL)),
        ("conv2", nn.Conv2d(c1, c2, KERNEL)), ("relu2", nn.ReLU()),
        ("pool2", nn.MaxPool2d(POOL)),
        ("flatten", nn.Flatten()), ("logits", nn.Linear(16 * c2, 10)),
    ]))
