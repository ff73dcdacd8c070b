"""The two super-resolution networks: their options, layer names and checks."""

from __future__ import annotations

from ..._validate import as_pair, check_choice, check_int, short_repr

#: The two networks the builders make.
VARIANTS = ("article", "residual")
#: Options of each variant, with their defaults (besides ``channels``).
OPTIONS = {"article": {"filters": (64, 128)},
           "residual": {"factor": 4, "features": 32, "depth": 2}}
#: Keras names of the article model's layers with weights (the article's own).
ARTICLE_LAYERS = ("Transpose-Conv2D-Layer-1", "Transpose-Conv2D-Layer-2",
                  "Output-Layer")


def residual_layers(depth: int) -> tuple[str, ...]:
    """Names of the residual model's layers with weights, for ``depth``.

    Examples
    --------
    >>> residual_layers(1)
    ('features_5x5', 'features_3x3_1', 'upsample_residual')
    """
    depth = check_int(depth, "depth", minimum=0)
    return ("features_5x5", *(f"features_3x3_{i + 1}" for i in range(depth)),
            "upsample_residual")


def check_input_size(input_size):
    if input_size is None:
        return None
    return as_pair(input_size, "input_size", minimum=1)


def _check_factor(factor):
    factor = check_int(factor, "factor", minimum=2)
    if factor % 2:
        raise ValueError(
            f"factor must be even, got {factor}: the residual model's "
            f"Conv2DTranspose(kernel 2*factor, stride factor, 'same') has an "
            f"odd K - s = {factor} otherwise, which PyTorch's padding cannot "
            "express (chapter 2, 'Output size and padding')")
    return factor


def _check_filters(filters):
    if isinstance(filters, (str, bytes)) or not hasattr(filters, "__len__") \
            or len(filters) != 2:
        raise ValueError(
            f"filters must be a pair (first, second), got {short_repr(filters)}")
    return tuple(check_int(f, "filters", minimum=1) for f in filters)


def check_options(variant, channels, options, builder):
    """The checked ``variant``, ``channels`` and options (defaults filled in)."""
    variant = check_choice(variant, "variant", VARIANTS)
    channels = check_int(channels, "channels", minimum=1)
    allowed = OPTIONS[variant]
    unknown = sorted(set(options) - set(allowed))
    if unknown:
        raise TypeError(
            f"{builder} got option {unknown[0]!r}, which the {variant} model "
            f"does not have; its options are channels, "
            f"{', '.join(allowed)}")
    opts = {**allowed, **options}
    if variant == "article":
        opts["filters"] = _check_filters(opts["filters"])
    else:
        opts["factor"] = _check_factor(opts["factor"])
        opts["features"] = check_int(opts["features"], "features", minimum=1)
        opts["depth"] = check_int(opts["depth"], "depth", minimum=0)
    return variant, channels, opts
