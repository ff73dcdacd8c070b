"""The animation player's accessibility attributes (companion.viz.animate).

matplotlib's JavaScript player has an image without alternative text and an
unlabelled slider; ``animation_html`` adds both (axe-core's ``image-alt`` and
``label`` rules, run on the built site by tests/test_site.py).
"""

from __future__ import annotations

import html as html_lib
import re

import matplotlib
import pytest

matplotlib.use("Agg")

from companion.viz import (  # noqa: E402
    animate_conv,
    animate_conv_transpose,
    animation_html,
    conv_geometry,
    conv_transpose_geometry,
)

pytestmark = pytest.mark.filterwarnings(
    "ignore:Animation was deleted without rendering:UserWarning")


def _player(html: str) -> dict:
    img = re.search(r'<img id="(_anim_img[0-9a-f]+)"([^>]*)>', html)
    slider = re.search(r'<input id="_anim_slider[0-9a-f]+" type="range"([^>]*)>',
                       html)
    assert img and slider, "matplotlib's player changed its HTML"
    alt = re.search(r'alt="([^"]*)"', img[2])
    return {"id": img[1], "alt": html_lib.unescape(alt[1]) if alt else None,
            "slider": slider[1]}


def test_conv_player_has_alt_text_from_the_geometry_and_a_labelled_slider():
    g = conv_geometry(5, 3, stride=2, padding="same")
    anim = animate_conv(5, 3, stride=2, padding="same", title="i = 5, k = 3")
    p = _player(animation_html(anim))
    (h, w), (oh, ow) = g.in_shape, g.out_shape
    assert p["alt"] == anim.description
    assert p["alt"].startswith("i = 5, k = 3. Convolution: ")
    assert f"a {h}x{w} input and a 3x3 kernel (stride 2, padding 'same', " \
        f"dilation 1) give a {oh}x{ow} output" in p["alt"]
    assert p["alt"].endswith(f"{oh * ow} frames, one per step.")
    assert 'aria-label="Frame of the animation"' in p["slider"]
    assert f'aria-describedby="{p["id"]}"' in p["slider"]


@pytest.mark.parametrize("view", ["scatter", "zeros"])
def test_transposed_player_describes_its_view_and_sizes(view):
    g = conv_transpose_geometry(3, 4, stride=2, padding=1)
    anim = animate_conv_transpose(3, 4, stride=2, padding=1, view=view,
                                  max_frames=4)
    p = _player(animation_html(anim))
    steps = (g.in_shape if view == "scatter" else g.out_shape)
    assert p["alt"].startswith(f"Transposed convolution ({view} view): a 3x3 input")
    assert f"give a {g.out_shape[0]}x{g.out_shape[1]} output" in p["alt"]
    assert p["alt"].endswith(f"4 frames, 4 of the {steps[0] * steps[1]} steps.")


def test_alt_text_is_escaped_and_a_foreign_animation_gets_a_generic_one():
    from matplotlib.animation import FuncAnimation
    from matplotlib.figure import Figure

    p = _player(animation_html(animate_conv(4, 3, title='a "quoted" <title>')))
    assert p["alt"].startswith('a "quoted" <title>. Convolution')
    fig = Figure()
    plain = FuncAnimation(fig, lambda i: [], frames=2)
    assert _player(animation_html(plain))["alt"] == "An animation (matplotlib)"
