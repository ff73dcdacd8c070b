"""The PyTorch builder of the two super-resolution networks."""

from __future__ import annotations

from .arch import check_input_size, check_options


def build_torch(variant: str = "article", *, channels: int = 3, input_size=None,
                **options):
    """PyTorch twin of :func:`build_keras` (NCHW in and out), same arguments.

    ``input_size`` is checked as in :func:`build_keras` and otherwise unused:
    a PyTorch module takes any size.

    Article: Keras ``padding="same"`` with kernel 2 and stride 2 is PyTorch
    ``padding=0`` (``K - s = 0``; :func:`companion.shapes.keras_same_to_torch`),
    and the stride-1 3x3 "same" convolution is ``padding=1``. Residual: Keras
    "same" for kernel ``2*factor`` and stride ``factor`` is PyTorch
    ``padding=factor // 2`` (``K - s = factor``, even).

    Returns
    -------
    torch.nn.Sequential
        Its convolutions, in order, are the Keras model's layers with weights.
    """
    variant, channels, opts = check_options(variant, channels, options,
                                             "build_torch")
    check_input_size(input_size)
    from torch import nn

    if variant == "article":
        f1, f2 = opts["filters"]
        return nn.Sequential(
            nn.ConvTranspose2d(channels, f1, 2, stride=2), nn.ReLU(),
            nn.ConvTranspose2d(f1, f2, 2, stride=2), nn.ReLU(),
            nn.Conv2d(f2, channels, 3, padding=1), nn.Sigmoid(),
        )
    factor, features = opts["factor"], opts["features"]
    return nn.Sequential(
        nn.Conv2d(channels, features, 5, padding=2), nn.ReLU(),
        *[layer for _ in range(opts["depth"])
          for layer in (nn.Conv2d(features, features, 3, padding=1), nn.ReLU())],
        nn.ConvTranspose2d(features, channels, 2 * factor, stride=factor,
                           padding=factor // 2),
    )
