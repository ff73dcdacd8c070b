"""Shapes, parameters, multiply-adds and activation memory of a layer list,
by arithmetic alone (no framework needed)."""

from __future__ import annotations

from .layer_lists import (  # encoder_layers, toy_layers: for the examples
    BYTES_PER_VALUE,
    LayerRow,
    check_layers,
    check_shape,
    encoder_layers,  # noqa: F401
    toy_layers,  # noqa: F401
)


def trace(layers, input_shape):
    """Output shape ``(h, w, c)`` of every layer, and each layer's input shape."""
    from ...shapes import conv_output_size, conv_transpose_output_size

    layers = check_layers(layers)
    shape = check_shape(input_shape, "input_shape")
    outs, ins = {}, {}
    for layer in layers:
        h, w, c = shape
        ins[layer.name] = shape
        if layer.kind == "conv":
            shape = (conv_output_size(h, layer.kernel, layer.stride, layer.padding),
                     conv_output_size(w, layer.kernel, layer.stride, layer.padding),
                     layer.filters)
        elif layer.kind == "tconv":
            shape = tuple(conv_transpose_output_size(
                v, layer.kernel, layer.stride, layer.padding) for v in (h, w)
            ) + (layer.filters,)
        elif layer.kind == "maxpool":
            if h < layer.kernel or w < layer.kernel:
                raise ValueError(
                    f"layer {layer.name!r} pools {layer.kernel}x{layer.kernel} "
                    f"windows of a {h}x{w} map; the input is too small for "
                    "this many blocks")
            shape = (h // layer.kernel, w // layer.kernel, c)
        elif layer.kind == "upsample":
            shape = (h * layer.kernel, w * layer.kernel, c)
        elif layer.kind == "unpool":
            pooled_in = ins[layer.source]
            if outs[layer.source] != shape:
                raise ValueError(
                    f"layer {layer.name!r} gets a map of shape {shape} but "
                    f"{layer.source!r} produced {outs[layer.source]}; the "
                    "indices only fit a map of that shape")
            shape = (*pooled_in[:2], c)
        else:  # concat
            sh, sw, sc = outs[layer.source]
            if (sh, sw) != (h, w):
                raise ValueError(
                    f"layer {layer.name!r} concatenates a {h}x{w} map with "
                    f"{layer.source!r} of size {sh}x{sw}; sizes must match")
            shape = (h, w, c + sc)
        outs[layer.name] = shape
    return layers, ins, outs


def layer_table(layers, input_shape) -> list[LayerRow]:
    """Output shape, parameters, multiply-adds and activation memory per layer.

    Per image, from arithmetic alone (no framework needed):

    - parameters of a ``k x k`` convolution or transposed convolution:
      ``k*k*c_in*c_out + c_out``;
    - multiply-adds of a convolution: ``oh*ow*c_out*k*k*c_in`` (every output
      value is a dot product of length ``k*k*c_in``); of a transposed
      convolution: ``h*w*c_in*k*k*c_out`` (every input value scatters a
      ``k x k x c_out`` copy of the kernel); pooling, upsampling, unpooling
      and concatenation: 0;
    - activation memory: the output's ``oh*ow*c`` values in float32 bytes.

    Parameters
    ----------
    layers : list of Layer
    input_shape : (int, int, int)
        ``(height, width, channels)`` of one input image.

    Returns
    -------
    list of LayerRow

    Examples
    --------
    >>> rows = layer_table(toy_layers("conv"), (224, 224, 3))
    >>> [(r.output_shape, r.params) for r in rows]
    [((222, 222, 512), 14336), ((224, 224, 3), 13827)]
    """
    layers, ins, outs = trace(layers, input_shape)
    rows = []
    for layer in layers:
        h, w, c_in = ins[layer.name]
        oh, ow, c_out = outs[layer.name]
        params = macs = 0
        if layer.kind in ("conv", "tconv"):
            taps = layer.kernel * layer.kernel * c_in * c_out
            params = taps + c_out
            macs = taps * (oh * ow if layer.kind == "conv" else h * w)
        rows.append(LayerRow(layer.name, layer.kind, layer.block,
                             (oh, ow, c_out), params, macs,
                             oh * ow * c_out * BYTES_PER_VALUE))
    return rows


def block_table(rows) -> list[LayerRow]:
    """Sum :func:`layer_table` rows over each block (in order of appearance).

    A block's ``output_shape`` is that of its last layer; its ``name`` and
    ``kind`` are the block's name and ``"block"``.

    Examples
    --------
    >>> rows = block_table(layer_table(encoder_layers(), (224, 224, 3)))
    >>> [(r.name, r.output_shape) for r in rows][-1]
    ('enc5', (7, 7, 512))
    """
    if not isinstance(rows, (list, tuple)) or not all(
            isinstance(r, LayerRow) for r in rows):
        raise TypeError("rows must be a list of LayerRow from layer_table()")
    order, sums = [], {}
    for r in rows:
        if r.block not in sums:
            order.append(r.block)
            sums[r.block] = [r.output_shape, 0, 0, 0]
        s = sums[r.block]
        s[0] = r.output_shape
        s[1] += r.params
        s[2] += r.macs
        s[3] += r.act_bytes
    return [LayerRow(b, "block", b, *sums[b]) for b in order]


def format_table(rows, *, total: bool = True) -> str:
    """Rows of :func:`layer_table` or :func:`block_table` as aligned text.

    Multiply-adds in millions (M) and activation memory in MiB, both per
    image; a last line sums the parameters, multiply-adds and memory.

    Examples
    --------
    >>> print(format_table(layer_table(toy_layers("pool"), (224, 224, 3))))
    layer     output shape       parameters   mult-adds (M)  activations (MiB)
    pool      (112, 112, 3)               0             0.0               0.14
    up        (224, 224, 3)               0             0.0               0.57
    total                                 0             0.0               0.72
    """
    if not isinstance(rows, (list, tuple)) or not rows or not all(
            isinstance(r, LayerRow) for r in rows):
        raise TypeError("rows must be a non-empty list of LayerRow")
    width = max(9, max(len(r.name) for r in rows) + 1)
    lines = [f"{'layer':{width}s} {'output shape':18s} {'parameters':>11s} "
             f"{'mult-adds (M)':>15s} {'activations (MiB)':>18s}"]

    def line(name, shape, params, macs, act):
        return (f"{name:{width}s} {shape:18s} {params:>11,d} "
                f"{macs / 1e6:>15,.1f} {act / 2**20:>18,.2f}")

    for r in rows:
        lines.append(line(r.name, str(r.output_shape), r.params, r.macs,
                          r.act_bytes))
    if total:
        lines.append(line("total", "", sum(r.params for r in rows),
                          sum(r.macs for r in rows),
                          sum(r.act_bytes for r in rows)))
    return "\n".join(lines)


