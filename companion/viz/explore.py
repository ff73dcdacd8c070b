"""Try it yourself: draw any convolution the reader types, and explain its size.

:func:`conv_explorer` prints :func:`companion.shapes.explain_conv` for one
axis and draws the first and the last window (:func:`draw_conv`): the last
window is the one that decides the output size. In a live notebook (Colab, or
JupyterLab started by a Jupyter server) with ``ipywidgets`` installed it adds
sliders for the five numbers; elsewhere, and on the website, the drawing is
static.
"""

from __future__ import annotations

import importlib.util
import os
import sys

from .._validate import check_int, short_repr
from ..shapes import conv_output_size, explain_conv, resolve_padding
from .draw import draw_conv, get_pyplot

#: Slider ranges: (minimum, maximum) for each number.
SLIDER_RANGES = {"in_size": (1, 12), "kernel": (1, 7), "stride": (1, 4),
                 "padding": (0, 4), "dilation": (1, 3)}


def widgets_available() -> bool:
    """Whether sliders can be shown: ``ipywidgets`` installed and a live kernel.

    A live kernel is a Colab runtime or a kernel started by a Jupyter server
    (which sets ``JPY_SESSION_NAME``); a notebook executed by ``nbconvert`` or
    ``pytest --nbval`` is neither, so its stored output is a static drawing.
    """
    live = "google.colab" in sys.modules or "JPY_SESSION_NAME" in os.environ
    return live and importlib.util.find_spec("ipywidgets") is not None


def _draw(in_size, kernel, stride, padding, dilation, cell):
    out = conv_output_size(in_size, kernel, stride, padding, dilation)
    before, after = resolve_padding(padding, in_size, kernel, stride, dilation)
    padded = in_size + before + after
    plt = get_pyplot()
    fig, axes = plt.subplots(1, 2, figsize=(2 * cell * (padded + out + 3),
                                            cell * (padded + 5)))
    last = (out - 1, out - 1)
    draw_conv(in_size, kernel, stride, padding, dilation, step=(0, 0), ax=axes[0],
              title="first window: output (0, 0)", cell=cell)
    draw_conv(in_size, kernel, stride, padding, dilation, step=last, ax=axes[1],
              title=f"last window: output ({out - 1}, {out - 1})", cell=cell)
    fig.suptitle(f"{in_size}x{in_size} input, {kernel}x{kernel} kernel, stride "
                 f"{stride}, padding {padding!r}, dilation {dilation}: "
                 f"{out}x{out} output", fontsize=10)
    return fig


def conv_explorer(in_size: int = 5, kernel: int = 3, stride: int = 1, padding=0,
                  dilation: int = 1, *, sliders: bool | None = None,
                  cell: float = 0.3):
    """Explain and draw a square convolution: any input, kernel, stride, padding.

    Prints the output-size computation
    (:func:`companion.shapes.explain_conv`) and draws the padded input with
    the first and the last window, next to the output grid.
    ``padding`` is an int or ``"valid"``/``"same"`` (TensorFlow's rule).

    ``sliders``: True shows ``ipywidgets`` sliders (ranges in
    ``SLIDER_RANGES``; an integer ``padding``), False a static drawing,
    None (default) sliders when :func:`widgets_available`. A combination
    whose dilated kernel does not fit the padded input raises ``ValueError``
    in the static drawing and is explained in words under the sliders.

    Returns the figure (static), or the ``ipywidgets`` interactive object.

    Examples
    --------
    >>> fig = conv_explorer(5, 3, stride=2, padding=1, sliders=False)
    input H = 5, kernel k = 3, stride s = 2, dilation d = 1
    effective kernel K = d(k-1)+1 = 1*(3-1)+1 = 3
    output o = floor((H + 1 + 1 - K)/s) + 1 = floor((5 + 2 - 3)/2) + 1 = 3
    last window starts at row (o-1)s = 4 of the padded input and ends at row 6
    >>> len(fig.axes)
    2
    >>> get_pyplot().close(fig)
    """
    if sliders is None:
        sliders = widgets_available()
    if not isinstance(sliders, bool):
        raise TypeError("sliders must be True, False or None, got "
                        f"{short_repr(sliders)}")
    if sliders:
        return _sliders(in_size, kernel, stride, padding, dilation, cell)
    return _static(in_size, kernel, stride, padding, dilation, cell)


def _static(in_size, kernel, stride, padding, dilation, cell):
    text = explain_conv(in_size, kernel, stride, padding, dilation)  # validates
    out = conv_output_size(in_size, kernel, stride, padding, dilation)
    k_eff = dilation * (kernel - 1) + 1
    start = (out - 1) * stride
    print(text)
    print(f"last window starts at row (o-1)s = {start} of the padded input and "
          f"ends at row {start + k_eff - 1}")
    return _draw(in_size, kernel, stride, padding, dilation, cell)


def _sliders(in_size, kernel, stride, padding, dilation, cell):
    if importlib.util.find_spec("ipywidgets") is None:
        raise ValueError("sliders=True needs ipywidgets (pip install ipywidgets); "
                         "use sliders=False for a static drawing")
    import ipywidgets

    values = {"in_size": in_size, "kernel": kernel, "stride": stride,
              "padding": padding, "dilation": dilation}
    controls = {}
    for name, (low, high) in SLIDER_RANGES.items():
        value = check_int(values[name], name, minimum=low)
        controls[name] = ipywidgets.IntSlider(value=min(value, high), min=low,
                                              max=high, description=name)
    plt = get_pyplot()

    def show(**kw):
        try:
            _static(**kw, cell=cell)
        except ValueError as err:
            print(f"no output: {err}")
            return
        plt.show()

    return ipywidgets.interact(show, **controls)
