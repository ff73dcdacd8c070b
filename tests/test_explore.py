"""`companion.viz.conv_explorer`: the try-it-yourself cell of chapter 1, atlas."""

import importlib.machinery
import sys
import types

import matplotlib
import pytest

from companion.shapes import conv_output_size
from companion.viz import conv_explorer, explore, widgets_available

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def _gids(ax, role):
    return sorted(p.get_gid() for p in ax.patches if p.get_gid().startswith(role))


@pytest.mark.parametrize("args", [(5, 3, 1, 0, 1), (7, 3, 2, "same", 2),
                                  (6, 3, 2, 1, 1), (9, 4, 3, "valid", 1)])
def test_static_drawing_shows_first_and_last_window(args, capsys):
    fig = conv_explorer(*args, sliders=False)
    text = capsys.readouterr().out
    out = conv_output_size(*args)
    assert f"= {out}\n" in text
    first, last = fig.axes
    assert _gids(first, "current") == ["current:0,0"]
    assert _gids(last, "current") == [f"current:{out - 1},{out - 1}"]
    assert f"{out}x{out} output" in fig._suptitle.get_text()
    plt.close(fig)


def test_last_window_line_is_the_arithmetic(capsys):
    plt.close(conv_explorer(6, 3, stride=2, padding=1, sliders=False))
    # o = floor((6 + 2 - 3)/2) + 1 = 3; last window rows 4..6 of the padded 8
    assert "starts at row (o-1)s = 4 of the padded input and ends at row 6" in \
        capsys.readouterr().out


def test_a_kernel_too_large_is_a_value_error():
    with pytest.raises(ValueError, match="larger than the padded input"):
        conv_explorer(3, 3, dilation=2, sliders=False)


def test_sliders_argument_is_checked():
    with pytest.raises(TypeError, match="sliders must be True, False or None, got 'y"):
        conv_explorer(sliders="yes")


def test_no_sliders_when_not_in_a_live_kernel(monkeypatch):
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    assert widgets_available() is False


def test_sliders_without_ipywidgets_say_how_to_get_them(monkeypatch):
    monkeypatch.setattr(explore.importlib.util, "find_spec",
                        lambda name: None if name == "ipywidgets" else object())
    with pytest.raises(ValueError, match="pip install ipywidgets"):
        conv_explorer(sliders=True)


@pytest.fixture
def fake_widgets(monkeypatch):
    calls = {}
    mod = types.ModuleType("ipywidgets")
    mod.__spec__ = importlib.machinery.ModuleSpec("ipywidgets", None)

    class IntSlider:
        def __init__(self, **kw):
            self.__dict__.update(kw)

    def interact(fn, **controls):
        calls["fn"], calls["controls"] = fn, controls
        return "interactive"

    mod.IntSlider, mod.interact = IntSlider, interact
    monkeypatch.setitem(sys.modules, "ipywidgets", mod)
    monkeypatch.setenv("JPY_SESSION_NAME", "x.ipynb")
    monkeypatch.setattr(plt, "show", lambda: None)
    return calls


def test_sliders_in_a_live_kernel(fake_widgets, capsys):
    assert widgets_available() is True
    assert conv_explorer(7, 3, stride=2, padding=1) == "interactive"
    controls = fake_widgets["controls"]
    assert {k: c.value for k, c in controls.items()} == {
        "in_size": 7, "kernel": 3, "stride": 2, "padding": 1, "dilation": 1}
    assert {k: (c.min, c.max) for k, c in controls.items()} == explore.SLIDER_RANGES
    fake_widgets["fn"](in_size=4, kernel=3, stride=1, padding=0, dilation=3)
    assert "no output: kernel of effective size K = 7" in capsys.readouterr().out
    fake_widgets["fn"](in_size=5, kernel=3, stride=1, padding=0, dilation=1)
    assert "= 3\n" in capsys.readouterr().out
    plt.close("all")
