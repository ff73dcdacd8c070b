"""The appendix's in-page explorer (book/_static/conv_explorer.js) vs the companion.

The page's own code runs in headless Chromium on the built site: its pure
function ``window.convExplorer.compute(config)``, which the drawing also uses,
is called on more than a thousand configurations drawn by hypothesis as
``tests/test_viz.py`` and ``tests/test_shapes.py`` draw them, valid and
invalid alike (nothing is filtered out). For each one, every output size,
every window's taps and input cells (convolution), every input's scatter and
the output cells it reaches (transposed convolution), the worked formula and
every "rejected" verdict with its message are compared with
``companion.viz.conv_geometry`` / ``conv_transpose_geometry`` and
``companion.shapes.explain_conv`` / ``explain_conv_transpose``. Then the
page is driven with the keyboard, and what it draws is compared with the same
function.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from test_site import (  # noqa: F401 (browser and site are fixtures)
    SCREENSHOTS,
    _load,
    axe_violations,
    browser,
    site,
)
from test_viz import conv_paddings, dilations, kernels, sizes, strides

from companion.shapes import explain_conv, explain_conv_transpose
from companion.viz import conv_geometry, conv_transpose_geometry

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PAGE = "book/appendix_conv_arithmetic.html"

# --- the configurations --------------------------------------------------------
# tests/test_viz.py's strategies, without its assume(False) on invalid ones
torch_transpose = st.tuples(
    st.tuples(st.integers(0, 4), st.integers(0, 4)),
    st.tuples(st.integers(0, 2), st.integers(0, 2)))
keras_transpose = st.tuples(st.sampled_from(["valid", "same"]),
                            st.one_of(st.none(), st.integers(0, 2)))
viz_conv = st.builds(lambda *a: ("conv", *a), sizes, kernels, strides,
                     conv_paddings, dilations)
viz_transpose = st.builds(
    lambda size, kernel, stride, pad_op, dilation: (
        "transpose", size, kernel, stride, pad_op[0], pad_op[1], dilation),
    sizes, kernels, strides, st.one_of(torch_transpose, keras_transpose),
    dilations)
# tests/test_shapes.py's one-axis ranges, on square settings (as the page's
# controls make them), without its assume() on invalid ones
SIDE = st.integers(0, 4)
shapes_conv = st.builds(
    lambda i, k, s, d, p: ("conv", i, k, s, p, d),
    st.integers(1, 20), st.integers(1, 5), st.integers(1, 4), st.integers(1, 3),
    st.one_of(st.sampled_from(["valid", "same"]), SIDE, st.tuples(SIDE, SIDE)))
shapes_transpose = st.builds(
    lambda i, k, s, d, pad_op: ("transpose", i, k, s, pad_op[0], pad_op[1], d),
    st.integers(1, 12), st.integers(1, 5), st.integers(1, 4), st.integers(1, 3),
    st.one_of(st.tuples(st.integers(0, 4), st.integers(0, 3)),
              st.tuples(st.sampled_from(["valid", "same"]),
                        st.one_of(st.none(), st.integers(0, 3)))))

DRAWS = {"viz conv": (viz_conv, 450), "viz transpose": (viz_transpose, 450),
         "shapes conv": (shapes_conv, 250), "shapes transpose": (shapes_transpose, 250)}


def _draw_configs() -> list[tuple]:
    """Hypothesis' own examples of each strategy, deduplicated, reproducibly."""
    configs: list[tuple] = []
    for strategy, n in DRAWS.values():
        @settings(max_examples=n, database=None, derandomize=True,
                  phases=[Phase.generate], deadline=None,
                  suppress_health_check=list(HealthCheck))
        @given(strategy)
        def collect(cfg):
            configs.append(cfg)
        collect()
    return list(dict.fromkeys(configs))


def _as_js(cfg) -> dict:
    if cfg[0] == "conv":
        _, size, kernel, stride, padding, dilation = cfg
        return {"op": "conv", "size": size, "kernel": kernel, "stride": stride,
                "padding": padding, "dilation": dilation}
    _, size, kernel, stride, padding, output_padding, dilation = cfg
    return {"op": "transpose", "size": size, "kernel": kernel, "stride": stride,
            "padding": padding, "output_padding": output_padding,
            "dilation": dilation}


def _pair(v):
    return tuple(v) if isinstance(v, (tuple, list)) else (v, v)


def _per_axis(v):
    return (v, v) if isinstance(v, str) or not isinstance(v, (tuple, list)) else v


def _keras_refuses(cfg) -> bool:
    """Keras' Conv2D/Conv2DTranspose refuse strides > 1 with dilation_rate > 1
    (tests/test_shapes.py checks it against Keras); padding given as a string
    is the Keras convention."""
    stride, dilation = _pair(cfg[3]), _pair(cfg[-1])
    strings = any(isinstance(p, str) for p in _per_axis(cfg[4]))
    return strings and any(s > 1 and d > 1 for s, d in zip(stride, dilation))


def _expected(cfg) -> dict:
    """What the companion says about one configuration."""
    try:
        if cfg[0] == "conv":
            g = conv_geometry(*cfg[1:])
        else:
            g = conv_transpose_geometry(*cfg[1:])
    except ValueError as err:
        return {"ok": False, "error": str(err)}
    size, kernel, stride, dilation = (_pair(v) for v in (cfg[1], cfg[2], cfg[3],
                                                         cfg[-1]))
    pads = _per_axis(cfg[4])
    oh, ow = g.out_shape
    out = {"ok": True, "outShape": [oh, ow], "refusal": _keras_refuses(cfg)}
    if cfg[0] == "conv":
        fp = g.footprints
        out["padding"] = [list(p) for p in g.padding]
        out["paddedShape"] = list(g.padded_shape)
        out["windows"] = [
            {"output": [y, x], "taps": fp[y, x].reshape(-1, 2).tolist(),
             "inputs": [list(rc) for rc in g.receptive_field(y, x)]}
            for y in range(oh) for x in range(ow)]
        out["explain"] = [explain_conv(size[a], kernel[a], stride[a], pads[a],
                                       dilation[a]) for a in range(2)]
    else:
        ops = _per_axis(cfg[5])
        touched = g.touched_by()
        out["offset"] = list(g.offset)
        out["fullShape"] = list(g.full_shape)
        out["scatters"] = [
            {"input": [r, c], "taps": g.scatter[r, c].reshape(-1, 2).tolist(),
             "outputs": sorted(np.argwhere(touched[r, c]).tolist())}
            for r in range(size[0]) for c in range(size[1])]
        out["explain"] = [explain_conv_transpose(size[a], kernel[a], stride[a],
                                                 pads[a], ops[a], dilation[a])
                          for a in range(2)]
    return out


def _differences(cfg, got: dict, want: dict) -> list[str]:
    where = f"{cfg}:"
    if got["ok"] != want["ok"]:
        return [f"{where} page says ok={got['ok']} ({got.get('error')}), companion "
                f"ok={want['ok']} ({want.get('error')})"]
    if not want["ok"]:
        return [] if got["error"] == want["error"] else [
            f"{where} message {got['error']!r} != {want['error']!r}"]
    bad = [f"{where} {key}: {got.get(key)} != {want[key]}"
           for key in ("outShape", "padding", "paddedShape", "offset", "fullShape",
                       "explain") if key in want and got.get(key) != want[key]]
    if bool(got["refusal"]) != want["refusal"]:
        bad.append(f"{where} refusal {got['refusal']!r}, expected {want['refusal']}")
    if "windows" in want:
        if len(got["windows"]) != len(want["windows"]):
            return bad + [f"{where} {len(got['windows'])} windows"]
        for g, w in zip(got["windows"], want["windows"]):
            if (g["output"], g["taps"], g["inputs"]) != (w["output"], w["taps"],
                                                        w["inputs"]):
                bad.append(f"{where} window {w['output']}: {g} != {w}")
            elif g["onPadding"] != len(w["taps"]) - len(w["inputs"]):
                bad.append(f"{where} window {w['output']}: onPadding {g['onPadding']}")
    if "scatters" in want:
        if len(got["scatters"]) != len(want["scatters"]):
            return bad + [f"{where} {len(got['scatters'])} scatters"]
        for g, w in zip(got["scatters"], want["scatters"]):
            if (g["input"], g["taps"], sorted(g["outputs"])) != (
                    w["input"], w["taps"], w["outputs"]):
                bad.append(f"{where} scatter of {w['input']}: {g} != {w}")
            elif g["cropped"] != len(w["taps"]) - len(w["outputs"]):
                bad.append(f"{where} scatter of {w['input']}: cropped {g['cropped']}")
    return bad


def test_explorer_computes_what_the_companion_computes(site, browser):  # noqa: F811
    html, base = site
    _load(browser, f"{base}/{PAGE}")
    assert browser.execute_script("return typeof window.convExplorer") == "object", \
        f"{PAGE} does not load conv_explorer.js"
    configs = _draw_configs()
    assert len(configs) >= 1000, len(configs)
    problems, verdicts = [], {"conv": [0, 0], "transpose": [0, 0]}
    for start in range(0, len(configs), 100):
        batch = configs[start:start + 100]
        results = browser.execute_script(
            "return arguments[0].map(c => window.convExplorer.compute(c));",
            [_as_js(c) for c in batch])
        for cfg, got in zip(batch, results, strict=True):
            want = _expected(cfg)
            verdicts[cfg[0]][want["ok"]] += 1
            problems += _differences(cfg, got, want)
    # both operations, and both verdicts of each, are well represented
    assert all(min(v) >= 50 for v in verdicts.values()), verdicts
    assert not problems, f"{len(problems)} differences:\n" + "\n".join(problems[:20])


# --- the page as a reader uses it: keyboard only ------------------------------

def _drawn(driver, role: str) -> set[tuple[int, int]]:
    cells = driver.execute_script(
        "return [...document.querySelectorAll('.cx-explorer svg [data-role=\"' + "
        "arguments[0] + '\"]')].map(e => e.getAttribute('data-cell'));", role)
    return {tuple(int(v) for v in c.split(",")) for c in cells}


def _text(driver, selector: str) -> str:
    return driver.execute_script(
        "const e = document.querySelector('.cx-explorer ' + arguments[0]);"
        "return e ? e.textContent : null;", selector)


def _focused_id(driver) -> str:
    return driver.execute_script("return document.activeElement.id")


def _field(driver, suffix: str):
    from selenium.webdriver.common.by import By

    return driver.find_element(By.CSS_SELECTOR, f".cx-explorer [id$='-{suffix}']")


def _type(driver, suffix: str, value: str):
    from selenium.webdriver.common.keys import Keys

    _field(driver, suffix).send_keys(Keys.CONTROL, "a", Keys.NULL, value)


def _press(driver, *keys):
    from selenium.webdriver.common.action_chains import ActionChains

    ActionChains(driver).send_keys(*keys).perform()


def test_explorer_by_keyboard_draws_what_the_companion_computes(site, browser):  # noqa: F811
    from selenium.webdriver.common.keys import Keys

    from companion.shapes import conv_transpose_output_size

    html, base = site
    _load(browser, f"{base}/{PAGE}")
    root = browser.execute_script(
        "const r = document.querySelector('[data-conv-explorer]');"
        "r.scrollIntoView(); return r.classList.contains('cx-explorer') && "
        "!r.textContent.includes('needs the website');")
    assert root, "the explorer did not replace its fallback sentence"
    # every control has a label (a <label>, or a button's own text)
    unlabelled = browser.execute_script("""
        return [...document.querySelectorAll(
                  '.cx-explorer input, .cx-explorer select, .cx-explorer button')]
          .filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label')
                       && !e.textContent.trim()).map(e => e.outerHTML);""")
    assert unlabelled == []

    # a convolution, PyTorch convention: type the numbers, Tab between fields
    _type(browser, "size", "7")
    _press(browser, Keys.TAB)
    assert _focused_id(browser).endswith("-kernel")
    _press(browser, Keys.TAB)
    assert _focused_id(browser).endswith("-stride")
    g = conv_geometry(7, 3, 2, 1, 1)
    assert _text(browser, ".cx-size").startswith("Output size: 4 \u00d7 4")
    assert _text(browser, ".cx-formula") == explain_conv(7, 3, 2, 1, 1)
    # step with the slider's arrow keys, then the Next button with Enter
    _field(browser, "step").send_keys(Keys.ARROW_RIGHT, Keys.ARROW_RIGHT)
    assert _text(browser, ".cx-step-text") == "3 of 16"
    browser.execute_script(
        "[...document.querySelectorAll('.cx-explorer button')]"
        ".find(b => b.textContent === 'Next').focus()")
    _press(browser, Keys.ENTER)
    _press(browser, Keys.SPACE)
    assert _text(browser, ".cx-step-text") == "5 of 16"
    y, x = divmod(4, 4)
    assert _drawn(browser, "footprint") == {tuple(c) for c in
                                            g.footprints[y, x].reshape(-1, 2)}
    assert _drawn(browser, "current") == {(y, x)}
    inputs = ", ".join(f"({r}, {c})" for r, c in g.receptive_field(y, x))
    assert f"reads {len(g.receptive_field(y, x))} input cells: {inputs}" in \
        _text(browser, ".cx-status")
    _no_barrier(browser)
    _screenshot(browser, "explorer_conv.png")

    # transposed, Keras convention: arrow keys move between radio buttons
    _field(browser, "op-conv").send_keys(Keys.ARROW_RIGHT)
    _field(browser, "conv-torch").send_keys(Keys.ARROW_RIGHT)
    assert browser.execute_script(
        "return document.querySelector('.cx-explorer [id$=\"-conv-keras\"]').checked")
    _type(browser, "size", "3")
    # kernel 3, stride 2, padding "same", output_padding None (the defaults)
    t = conv_transpose_geometry(3, 3, 2, "same", None)
    assert _text(browser, ".cx-size").startswith("Output size: 6 \u00d7 6")
    assert _text(browser, ".cx-formula") == explain_conv_transpose(3, 3, 2, "same")
    _field(browser, "step").send_keys(Keys.END)
    assert _text(browser, ".cx-step-text") == "9 of 9"
    assert _drawn(browser, "source") == {(2, 2)}
    assert _drawn(browser, "footprint") == {tuple(c) for c in
                                            t.scatter[2, 2].reshape(-1, 2)}
    assert _drawn(browser, "cropped") == {  # the scatter's last row and column
        (r, c) for r in range(7) for c in range(7) if r == 6 or c == 6}
    _no_barrier(browser)
    _screenshot(browser, "explorer_transposed.png")

    # a setting Keras rejects: output_padding 2 with stride 2
    _field(browser, "kop").send_keys("2")
    with pytest.raises(ValueError) as keras_error:
        conv_transpose_output_size(3, 3, 2, "same", 2)
    message = _text(browser, ".cx-message")
    assert str(keras_error.value) in message and "Keras" in message
    assert _text(browser, ".cx-size") == "No output."
    assert _drawn(browser, "footprint") == set()
    # ... and one PyTorch rejects: output_padding 2 >= max(stride, dilation)
    _field(browser, "conv-keras").send_keys(Keys.ARROW_LEFT)
    _type(browser, "op-pad", "2")
    with pytest.raises(ValueError) as torch_error:
        conv_transpose_output_size(3, 3, 2, 1, 2)
    message = _text(browser, ".cx-message")
    assert str(torch_error.value) in message and "PyTorch" in message
    assert browser.execute_script(
        "return document.querySelector('.cx-explorer .cx-message')"
        ".getAttribute('role')") == "alert"
    _no_barrier(browser)


def _screenshot(driver, name: str):
    """The whole explorer (the window is made tall enough to hold it)."""
    from selenium.webdriver.common.by import By

    size = driver.get_window_size()
    driver.set_window_size(size["width"], 2400)
    try:
        root = driver.find_element(By.CSS_SELECTOR, ".cx-explorer")
        driver.execute_script("arguments[0].scrollIntoView()", root)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        root.screenshot(str(SCREENSHOTS / name))
    finally:
        driver.set_window_size(size["width"], size["height"])


def _no_barrier(driver):
    """axe-core on the explorer in its current state: no serious or critical
    violation (tests/test_site.py runs it on whole pages)."""
    driver.set_script_timeout(120)
    found = [v for v in axe_violations(driver, ".cx-explorer")
             if v["impact"] in ("serious", "critical")]
    assert not found, found
