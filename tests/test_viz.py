"""companion.viz: the geometry equals the operations; the drawings equal the geometry.

The geometry is checked against :func:`companion.conv.conv2d` and
:func:`companion.transposed.conv_transpose2d` (gathering values through it
reproduces their outputs; one-hot inputs show which outputs each input
touches); the drawings are checked patch by patch against the geometry.
"""

import base64
import gc
import io
import os
import pathlib
import re
import subprocess
import sys

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from hypothesis import assume, given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from matplotlib.colors import to_rgb  # noqa: E402
from PIL import Image  # noqa: E402

from companion.conv import conv2d  # noqa: E402
from companion.transposed import conv_transpose2d  # noqa: E402
from companion.viz import (  # noqa: E402
    PADDING,
    PALETTE,
    ZERO,
    animate_conv,
    animate_conv_transpose,
    animation_html,
    compare_images,
    conv_geometry,
    conv_transpose_geometry,
    difference_map,
    draw_conv,
    draw_conv_transpose,
    plot_history,
    save_gif,
    show_values,
)

pytestmark = pytest.mark.filterwarnings(
    "ignore:Animation was deleted without rendering:UserWarning")


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    if plt.get_fignums():  # a test left a figure (or an animation's) open
        plt.close("all")
        # unrendered test animations warn here, under pytestmark; a full
        # collection costs ~0.2 s of CPU once TensorFlow is loaded, so only
        # where a figure was left open
        gc.collect()


# ------------------------------------------------------------ strategies
sizes = st.tuples(st.integers(1, 7), st.integers(1, 7))
kernels = st.tuples(st.integers(1, 4), st.integers(1, 4))
strides = st.tuples(st.integers(1, 3), st.integers(1, 3))
dilations = st.tuples(st.integers(1, 3), st.integers(1, 3))
conv_paddings = st.one_of(
    st.sampled_from(["valid", "same"]),
    st.integers(0, 3),
    st.tuples(st.integers(0, 3), st.integers(0, 3)),
    st.tuples(st.tuples(st.integers(0, 3), st.integers(0, 3)),
              st.tuples(st.integers(0, 3), st.integers(0, 3))),
)


@st.composite
def conv_configs(draw):
    size, kernel = draw(sizes), draw(kernels)
    stride, dilation = draw(strides), draw(dilations)
    padding = draw(conv_paddings)
    try:
        conv_geometry(size, kernel, stride, padding, dilation)
    except ValueError:  # kernel larger than the padded input
        assume(False)
    return size, kernel, stride, padding, dilation


@st.composite
def transpose_configs(draw):
    size, kernel = draw(sizes), draw(kernels)
    stride, dilation = draw(strides), draw(dilations)
    if draw(st.booleans()):  # PyTorch meaning
        padding = (draw(st.integers(0, 4)), draw(st.integers(0, 4)))
        output_padding = (draw(st.integers(0, 2)), draw(st.integers(0, 2)))
    else:  # Keras meaning
        padding = draw(st.sampled_from(["valid", "same"]))
        output_padding = draw(st.one_of(st.none(), st.integers(0, 2)))
    try:
        conv_transpose_geometry(size, kernel, stride, padding, output_padding,
                                dilation)
    except ValueError:  # output_padding too large, everything cropped...
        assume(False)
    return size, kernel, stride, padding, output_padding, dilation


def _random(rng, *shape):
    return rng.standard_normal(shape)


# -------------------------------------------- geometry vs the operations
@given(conv_configs(), st.integers(0, 2**31 - 1))
def test_conv_geometry_gathers_exactly_what_conv2d_computes(cfg, seed):
    size, kernel, stride, padding, dilation = cfg
    g = conv_geometry(*cfg)
    rng = np.random.default_rng(seed)
    x, w = _random(rng, 1, *size, 1), _random(rng, *kernel, 1, 1)
    y = conv2d(x, w, stride=stride, padding=padding, dilation=dilation)[0, ..., 0]
    assert y.shape == g.out_shape
    src = g.source
    values = np.append(x[0, ..., 0].ravel(), 0.0)  # index -1 -> padding -> 0
    fp = g.footprints
    cells = src[fp[..., 0], fp[..., 1]]  # (oh, ow, kh, kw)
    gathered = np.where(cells >= 0, values[cells], 0.0)
    np.testing.assert_allclose(np.einsum("yxij,ij->yx", gathered, w[..., 0, 0]),
                               y, rtol=1e-12, atol=1e-12)


@given(conv_configs())
def test_conv_touched_by_equals_one_hot_inputs_through_conv2d(cfg):
    size, kernel, stride, padding, dilation = cfg
    g = conv_geometry(*cfg)
    w = 1.0 + np.arange(kernel[0] * kernel[1], dtype=np.float64).reshape(
        *kernel, 1, 1)  # positive: no cancellation
    touched = g.touched_by()
    for r in range(size[0]):
        for c in range(size[1]):
            x = np.zeros((1, *size, 1))
            x[0, r, c, 0] = 1.0
            y = conv2d(x, w, stride=stride, padding=padding, dilation=dilation)
            np.testing.assert_array_equal(y[0, ..., 0] != 0, touched[r, c])
            for yy, xx in zip(*np.nonzero(touched[r, c]), strict=True):
                assert (r, c) in g.receptive_field(yy, xx)


@given(transpose_configs(), st.integers(0, 2**31 - 1))
def test_transpose_scatter_and_zero_views_both_equal_conv_transpose2d(cfg, seed):
    size, kernel, stride, padding, output_padding, dilation = cfg
    g = conv_transpose_geometry(*cfg)
    rng = np.random.default_rng(seed)
    x, w = _random(rng, 1, *size, 1), _random(rng, *kernel, 1, 1)
    y = conv_transpose2d(x, w, stride=stride, padding=padding,
                         output_padding=output_padding, dilation=dilation)[0, ..., 0]
    assert y.shape == g.out_shape
    # scatter view: input (r, c) times tap (i, j) lands on scatter - offset
    out = np.zeros(g.out_shape)
    cells = g.scatter - np.asarray(g.offset)
    for r, c, i, j in np.ndindex(*size, *kernel):
        yy, xx = cells[r, c, i, j]
        if 0 <= yy < g.out_shape[0] and 0 <= xx < g.out_shape[1]:
            out[yy, xx] += x[0, r, c, 0] * w[i, j, 0, 0]
    np.testing.assert_allclose(out, y, rtol=1e-12, atol=1e-12)
    # zero-insertion view: stride-1 gather over the canvas, kernel rotated
    values = np.append(x[0, ..., 0].ravel(), [0.0, 0.0])  # ZERO, PADDING -> 0
    src = g.source
    fp = g.footprints
    idx = src[fp[..., 0], fp[..., 1]]
    gathered = np.where(idx >= 0, values[idx], 0.0)
    rotated = w[::-1, ::-1, 0, 0]
    np.testing.assert_allclose(np.einsum("yxij,ij->yx", gathered, rotated), y,
                               rtol=1e-12, atol=1e-12)


@given(transpose_configs())
def test_transpose_touched_by_equals_one_hot_inputs(cfg):
    size, kernel, stride, padding, output_padding, dilation = cfg
    g = conv_transpose_geometry(*cfg)
    w = 1.0 + np.arange(kernel[0] * kernel[1], dtype=np.float64).reshape(
        *kernel, 1, 1)
    touched = g.touched_by()
    for r in range(size[0]):
        for c in range(size[1]):
            x = np.zeros((1, *size, 1))
            x[0, r, c, 0] = 1.0
            y = conv_transpose2d(x, w, stride=stride, padding=padding,
                                 output_padding=output_padding, dilation=dilation)
            np.testing.assert_array_equal(y[0, ..., 0] != 0, touched[r, c])


@given(transpose_configs())
def test_canvas_holds_every_kept_input_once_with_s_minus_1_zeros_between(cfg):
    size, kernel, stride, padding, output_padding, dilation = cfg
    g = conv_transpose_geometry(*cfg)
    src = g.source
    assert src.shape == tuple(o + k - 1 for o, k in
                              zip(g.out_shape, g.effective_kernel, strict=True))
    idx = src[src >= 0]
    assert len(idx) == len(set(idx.tolist()))
    rows, cols = np.nonzero(src >= 0)
    for a, coords in enumerate((rows, cols)):
        gaps = np.diff(np.unique(coords))
        assert (gaps == stride[a]).all()
    # every input that reaches the output appears on the canvas
    reaching = np.flatnonzero(g.touched_by().reshape(size[0] * size[1], -1)
                              .any(axis=1))
    assert set(reaching.tolist()) <= set(idx.tolist())


# Dumoulin and Visin (arXiv:1603.07285): sizes and zero-insertion paddings as
# the paper states them (its figures 2.1-2.4, 2.6-2.7, 4.1-4.7, 5.1).
@pytest.mark.parametrize("i, k, s, p, d, o", [
    (4, 3, 1, 0, 1, 2), (5, 4, 1, 2, 1, 6), (5, 3, 1, 1, 1, 5), (5, 3, 1, 2, 1, 7),
    (5, 3, 2, 0, 1, 2), (5, 3, 2, 1, 1, 3), (6, 3, 2, 1, 1, 3), (7, 3, 1, 0, 2, 3),
])
def test_conv_geometry_matches_the_guide(i, k, s, p, d, o):
    assert conv_geometry(i, k, s, p, d).out_shape == (o, o)


@pytest.mark.parametrize("i, k, s, p, a, o, p_before, zeros_between", [
    (2, 3, 1, 0, 0, 4, 2, 0),  # relationship 8: p' = k - 1
    (6, 4, 1, 2, 0, 5, 1, 0),  # 9: p' = k - p - 1
    (5, 3, 1, 1, 0, 5, 1, 0),  # 10: half padding
    (7, 3, 1, 2, 0, 5, 0, 0),  # 11: full padding, p' = 0
    (2, 3, 2, 0, 0, 5, 2, 1),  # 12: s - 1 zeros between
    (3, 3, 2, 1, 0, 5, 1, 1),  # 13
    (3, 3, 2, 1, 1, 6, 1, 1),  # 14: a extra at the bottom/right
])
def test_transpose_geometry_matches_the_guide(i, k, s, p, a, o, p_before,
                                              zeros_between):
    g = conv_transpose_geometry(i, k, s, p, a)
    assert g.out_shape == (o, o)
    assert g.canvas_padding[0] == (p_before, p_before + a)
    first_col = g.source[:, p_before]
    inputs = np.flatnonzero(first_col >= 0)
    assert len(inputs) == i and (np.diff(inputs) == zeros_between + 1).all()
    assert (first_col[:p_before] == PADDING).all()


# ------------------------------------------------- drawings vs geometry
def _patches(fig):
    """{role: {(r, c): patch}} from the gids."""
    found = {}
    for p in fig.axes[0].patches:
        gid = p.get_gid() or ""
        m = re.fullmatch(r"(\w+):(\d+),(\d+)", gid)
        if m:
            found.setdefault(m[1], {})[int(m[2]), int(m[3])] = p
    return found


def _colour_ok(patch, role):
    return np.allclose(patch.get_facecolor()[:3], to_rgb(PALETTE[role]))


def _check_panel(patches, base_roles, expected_roles):
    """Cells of one panel: the right role at every cell, on a regular grid,
    in the palette's colour."""
    cells = {}
    for role in base_roles:
        for rc, p in patches.get(role, {}).items():
            assert rc not in cells, f"cell {rc} drawn twice"
            cells[rc] = (role, p)
    assert {rc: role for rc, (role, _) in cells.items()} == expected_roles
    origins = {(p.get_x() - c, p.get_y() - r) for (r, c), (_, p) in cells.items()}
    assert len(origins) == 1, "cells are not on one grid"
    for role, p in cells.values():
        assert _colour_ok(p, role)
        assert p.get_width() == p.get_height() == 1
    return origins.pop()


def _check_sliding(fig, source, footprint, out_shape, yx, src_roles):
    patches = _patches(fig)
    expected = {(r, c): src_roles(v) for (r, c), v in np.ndenumerate(source)}
    x0, y0 = _check_panel(patches, ("input", "padding", "zero"), expected)
    want = {tuple(int(v) for v in rc) for rc in footprint.reshape(-1, 2)}
    fp = patches["footprint"]
    assert set(fp) == want
    for (r, c), p in fp.items():
        assert (p.get_x(), p.get_y()) == (x0 + c, y0 + r)
        assert _colour_ok(p, "footprint") and 0 < p.get_alpha() < 1
    flat = yx[0] * out_shape[1] + yx[1]
    expected_out = {
        (r, c): "current" if (r, c) == yx else
        ("output" if r * out_shape[1] + c < flat else "pending")
        for r in range(out_shape[0]) for c in range(out_shape[1])}
    _check_panel(patches, ("output", "pending", "current"), expected_out)


def _conv_role(v):
    return "input" if v >= 0 else "padding"


def _transpose_role(v):
    return "input" if v >= 0 else ("zero" if v == ZERO else "padding")


@given(conv_configs(), st.data())
def test_draw_conv_draws_the_geometry(cfg, data):
    g = conv_geometry(*cfg)
    flat = data.draw(st.integers(0, g.out_shape[0] * g.out_shape[1] - 1))
    yx = divmod(flat, g.out_shape[1])
    step = data.draw(st.sampled_from([flat, yx]))
    fig = draw_conv(*cfg, step=step)
    _check_sliding(fig, g.source, g.footprints[yx], g.out_shape, yx, _conv_role)
    plt.close(fig)


@given(transpose_configs(), st.data())
def test_draw_conv_transpose_zero_view_draws_the_geometry(cfg, data):
    g = conv_transpose_geometry(*cfg)
    flat = data.draw(st.integers(0, g.out_shape[0] * g.out_shape[1] - 1))
    yx = divmod(flat, g.out_shape[1])
    fig = draw_conv_transpose(*cfg, step=flat, view="zeros")
    _check_sliding(fig, g.source, g.footprints[yx], g.out_shape, yx,
                   _transpose_role)
    plt.close(fig)


@given(transpose_configs(), st.data())
def test_draw_conv_transpose_scatter_view_draws_the_geometry(cfg, data):
    g = conv_transpose_geometry(*cfg)
    h, w = g.in_shape
    flat = data.draw(st.integers(0, h * w - 1))
    yx = divmod(flat, w)
    fig = draw_conv_transpose(*cfg, step=yx, view="scatter")
    patches = _patches(fig)
    assert set(patches["source"]) == {yx}
    scatter = g.scatter
    # counts of contributions of inputs 0..flat, brute force over the taps
    counts = {}
    for r, c, i, j in np.ndindex(h, w, *g.kernel):
        if r * w + c <= flat:
            cell = tuple(int(v) for v in scatter[r, c, i, j])
            counts[cell] = counts.get(cell, 0) + 1
    (oy, ox), (oh, ow), (fh, fw) = g.offset, g.out_shape, g.full_shape
    expected = {}
    for r in range(max(fh, oy + oh)):
        for c in range(max(fw, ox + ow)):
            if not (oy <= r < oy + oh and ox <= c < ox + ow):
                expected[r, c] = "cropped"
            elif r >= fh or c >= fw:
                expected[r, c] = "extra"
            else:
                expected[r, c] = "output" if (r, c) in counts else "pending"
    x0, y0 = _check_panel(patches, ("output", "pending", "cropped", "extra"),
                          expected)
    fp = patches["footprint"]
    assert set(fp) == {tuple(int(v) for v in rc) for rc in scatter[yx].reshape(-1, 2)}
    for (r, c), p in fp.items():
        assert (p.get_x(), p.get_y()) == (x0 + c, y0 + r)
    window = [p for p in fig.axes[0].patches if p.get_gid() == "window"]
    assert len(window) == 1
    assert (window[0].get_x(), window[0].get_y()) == (x0 + ox, y0 + oy)
    assert (window[0].get_width(), window[0].get_height()) == (ow, oh)
    texts = {t.get_gid(): t.get_text() for t in fig.axes[0].texts
             if (t.get_gid() or "").startswith("count:")}
    assert texts == {f"count:{r},{c}": str(n) for (r, c), n in counts.items()}
    plt.close(fig)


def test_draw_conv_into_a_given_axes_and_default_step():
    fig, (a, b) = plt.subplots(1, 2)
    assert draw_conv(4, 3, ax=b) is fig
    assert len(a.patches) == 0 and len(b.patches) > 0
    cur = [p.get_gid() for p in b.patches if p.get_gid().startswith("current")]
    assert cur == ["current:0,0"]


# ------------------------------------------------------------ animations
def _frames_of(html):
    return re.findall(r'"data:image/png;base64,([^"]+)"', html)


def test_animate_conv_frames_are_the_steps_and_render_small():
    g = conv_geometry(5, 3, stride=2, padding=1)
    anim = animate_conv(5, 3, stride=2, padding=1, dpi=40)
    html = animation_html(anim)
    frames = _frames_of(html)
    assert html.frames == len(frames) == 9 == g.out_shape[0] * g.out_shape[1]
    assert repr(html) == "<animation: 9 frames>" and html._repr_html_() == html
    fig = anim._fig
    png = Image.open(io.BytesIO(base64.b64decode(frames[0])))
    assert png.size == tuple(round(v * 40) for v in fig.get_size_inches())
    for flat in (0, 4, 8):  # each frame draws the footprint of its step
        anim._func(flat)
        got = {rc for rc in _patches(fig)["footprint"]}
        want = {tuple(int(v) for v in rc)
                for rc in g.footprints[divmod(flat, 3)].reshape(-1, 2)}
        assert got == want


def _scene(fig):
    """Every patch's gid, position and colour, and every count text."""
    patches = {(p.get_gid(), p.get_x(), p.get_y(), tuple(p.get_facecolor()))
               for p in fig.axes[0].patches}
    texts = {(t.get_gid(), t.get_text()) for t in fig.axes[0].texts
             if t.get_text()}
    return patches, texts


@pytest.mark.parametrize("animate, draw, args, kw", [
    (animate_conv, draw_conv, (5, 3), {"stride": 2, "padding": "same"}),
    (animate_conv_transpose, draw_conv_transpose, (3, 3),
     {"stride": 2, "padding": 1, "output_padding": 1}),
    (animate_conv_transpose, draw_conv_transpose, (3, 4),
     {"stride": 2, "padding": 1, "view": "scatter"}),
])
def test_every_animation_frame_equals_a_fresh_drawing(animate, draw, args, kw):
    anim = animate(*args, **kw, max_frames=40)
    for flat in anim.new_saved_frame_seq():
        anim._func(flat)
        fresh = draw(*args, **kw, step=flat)
        assert _scene(anim._fig) == _scene(fresh)
        plt.close(fresh)


def test_animation_html_ids_are_reproducible_and_unique():
    code = ("from companion.viz import animate_conv, animation_html; "
            "import hashlib; a = animation_html(animate_conv(4, 3)); "
            "b = animation_html(animate_conv(4, 3)); "
            "print(hashlib.sha1((a + b).encode()).hexdigest())")
    root = pathlib.Path(__file__).resolve().parents[1]
    runs = [subprocess.run([sys.executable, "-c", code], capture_output=True,
                           text=True, check=True, cwd=root,
                           env={**os.environ, "MPLBACKEND": "Agg"}).stdout
            for _ in range(2)]
    assert runs[0] == runs[1] and len(runs[0].strip()) == 40
    a, b = (animation_html(animate_conv(4, 3)) for _ in range(2))
    ids = [set(re.findall(r'id="_anim_img([0-9a-f]+)"', h)) for h in (a, b)]
    assert len(ids[0]) == len(ids[1]) == 1 and ids[0] != ids[1]
    assert len(ids[0].pop()) == 32


def test_animations_are_not_pyplot_figures():
    before = plt.get_fignums()
    animate_conv(4, 3)
    animate_conv_transpose(2, 3, stride=2)
    assert plt.get_fignums() == before


def test_max_frames_spreads_the_steps_first_and_last_included():
    anim = animate_conv(7, 1, max_frames=5)  # 49 positions
    steps = list(anim.new_saved_frame_seq())
    assert steps[0] == 0 and steps[-1] == 48 and len(steps) == 5
    assert steps == sorted(steps)


@pytest.mark.parametrize("view, n", [("zeros", 25), ("scatter", 9)])
def test_animate_conv_transpose_steps(view, n):
    anim = animate_conv_transpose(3, 3, stride=2, padding=1, view=view,
                                  max_frames=30)
    assert len(list(anim.new_saved_frame_seq())) == n


def test_save_gif_writes_every_frame(tmp_path):
    anim = animate_conv_transpose(2, 2, stride=2, view="scatter", dpi=30)
    path = save_gif(anim, tmp_path / "scatter.gif", fps=4)
    with Image.open(path) as im:
        assert im.format == "GIF" and im.n_frames == 4


# ----------------------------------------------------------- value grids
def test_show_values_writes_every_value_and_highlight():
    x = np.arange(12.0).reshape(3, 4)
    w = np.array([[1, -1], [0, 2]])
    mask = np.zeros((3, 4), dtype=bool)
    mask[1:3, 2:4] = True
    fig = show_values([x, w, 7.5], ["x", "w", "sum"], ops=["*", "="],
                      highlight=[mask, None, None], fmt="{:.1f}")
    texts = {t.get_gid(): t.get_text() for t in fig.axes[0].texts if t.get_gid()}
    for k, grid in enumerate([x, w, np.array([[7.5]])]):
        for (r, c), v in np.ndenumerate(grid):
            assert texts[f"value:{k}:{r},{c}"] == f"{v:.1f}"
    frames = {p.get_gid() for p in fig.axes[0].patches
              if p.get_gid().startswith("highlight")}
    assert frames == {f"highlight:0:{r},{c}" for r, c in zip(*np.nonzero(mask),
                                                             strict=True)}
    plain = [t.get_text() for t in fig.axes[0].texts if not t.get_gid()]
    assert {"x", "w", "sum", "*", "="} <= set(plain)


def test_show_values_worked_example_of_the_source_article():
    # article 001: this 3x3 patch and kernel, bias 1, give 1
    patch = np.array([[1.0, 0, 2], [5, 4, 2], [3, 4, 5]])
    kernel = np.array([[-1.0, 0, 1], [-1, 0, 1], [-1, 0, 1]])
    products = patch * kernel
    fig = show_values([patch, kernel, products, products.sum() + 1.0],
                      ops=["*", "=", "+ 1 ="])
    texts = {t.get_gid(): t.get_text() for t in fig.axes[0].texts if t.get_gid()}
    assert texts["value:3:0,0"] == "1"
    assert [texts[f"value:2:{r},0"] for r in range(3)] == ["-1", "-5", "-3"]


# --------------------------------------------------------- image helpers
def test_compare_images_titles_scores_and_layout():
    rng = np.random.default_rng(0)
    imgs = [rng.random((8, 8)), rng.random((8, 8, 3)), rng.random((8, 8, 1))]
    fig = compare_images(imgs, ["bicubic", "model", "target"],
                         [{"PSNR": 27.123, "SSIM": 0.9}, 30.0, None], ncols=2)
    titles = [ax.get_title() for ax in fig.axes]
    assert titles[:3] == ["bicubic\nPSNR 27.12, SSIM 0.90", "model\nPSNR 30.00",
                          "target"]
    assert len(fig.axes) == 4 and not fig.axes[3].images
    np.testing.assert_allclose(fig.axes[0].images[0].get_array(), imgs[0])


def test_difference_map_is_signed_and_symmetric():
    a = np.zeros((4, 5, 3))
    b = a.copy()
    b[1, 2] = 0.3
    b[2, 3] = -0.6
    fig = difference_map(a, b, title="model - target")
    im = fig.axes[0].images[0]
    np.testing.assert_allclose(im.get_array(), (a - b).mean(axis=2))
    assert im.get_clim() == (-0.6, 0.6)
    assert fig.axes[0].get_title() == "model - target (max |a - b| = 0.6)"


def test_plot_history_from_keras_history_dict_and_list():
    keras = pytest.importorskip("keras")
    hist = keras.callbacks.History()
    hist.history = {"loss": [0.9, 0.5], "val_loss": [1.0, 0.7]}
    fig = plot_history(hist, keys=["val_loss"])
    (line,) = fig.axes[0].lines
    assert line.get_label() == "val_loss"
    np.testing.assert_array_equal(line.get_xdata(), [1, 2])
    np.testing.assert_array_equal(line.get_ydata(), [1.0, 0.7])
    fig = plot_history([3.0, 2.0, 1.5], logy=True)
    assert [ln.get_label() for ln in fig.axes[0].lines] == ["loss"]
    assert fig.axes[0].get_yscale() == "log"


# ------------------------------------------------------------ validation
@pytest.mark.parametrize("call, exc, match", [
    (lambda: conv_geometry(0, 3), ValueError, "in_size"),
    (lambda: conv_geometry(5, 3.0), TypeError, "kernel"),
    (lambda: conv_geometry(5, 3, stride=0), ValueError, "stride"),
    (lambda: conv_geometry(5, 3, dilation=(1, 2, 3)), ValueError, "dilation"),
    (lambda: conv_geometry(5, 3, padding="full"), ValueError, "padding"),
    (lambda: conv_geometry(2, 5), ValueError, "larger than the padded input"),
    (lambda: conv_transpose_geometry(3, 3, 2, padding=(1, 1, 1)), ValueError,
     "padding"),
    (lambda: conv_transpose_geometry(3, 3, 2, 0, output_padding=2), ValueError,
     "output_padding"),
    (lambda: conv_transpose_geometry(3, 3, 2, 0, output_padding=(1, 1, 1)),
     ValueError, "output_padding"),
    (lambda: draw_conv(5, 3, step=9), ValueError, "step"),
    (lambda: draw_conv(5, 3, step=(0, 3)), ValueError, "step"),
    (lambda: draw_conv(5, 3, step="last"), TypeError, "step"),
    (lambda: draw_conv(5, 3, cell=0), ValueError, "cell"),
    (lambda: draw_conv_transpose(2, 3, view="matrix"), ValueError, "view"),
    (lambda: animate_conv(5, 3, max_frames=1), ValueError, "max_frames"),
    (lambda: animate_conv(5, 3, dpi=2), ValueError, "dpi"),
    (lambda: animate_conv(5, 3, interval=0), ValueError, "interval"),
    (lambda: animation_html("not an animation"), TypeError, "anim"),
    (lambda: animation_html(animate_conv(4, 3), fps=0), ValueError, "fps"),
    (lambda: save_gif(animate_conv(4, 3), 3), TypeError, "path"),
    (lambda: save_gif(animate_conv(4, 3), "a.gif", fps=-1), ValueError, "fps"),
    (lambda: show_values([]), TypeError, "grids"),
    (lambda: show_values([np.zeros((2, 2, 2))]), ValueError, r"grids\[0\]"),
    (lambda: show_values([np.array([["a"]])]), TypeError, r"grids\[0\]"),
    (lambda: show_values([np.eye(2)], titles=["a", "b"]), ValueError, "titles"),
    (lambda: show_values([np.eye(2), np.eye(2)], ops="*"), ValueError, "ops"),
    (lambda: show_values([np.eye(2)], highlight=[np.ones((3, 3), bool)]),
     ValueError, "highlight"),
    (lambda: show_values([np.eye(2)], cmap="nope"), ValueError, "cmap"),
    (lambda: show_values([np.eye(2)], fmt=3), TypeError, "fmt"),
    (lambda: compare_images(np.zeros((4, 4))), TypeError, "images"),
    (lambda: compare_images([np.zeros((4, 4, 2))]), ValueError, r"images\[0\]"),
    (lambda: compare_images([np.zeros((4, 4))], scores=[object()]), TypeError,
     "scores"),
    (lambda: compare_images([np.zeros((4, 4))], ncols=0), ValueError, "ncols"),
    (lambda: difference_map(np.zeros((4, 4)), np.zeros((4, 5))), ValueError,
     "same shape"),
    (lambda: difference_map(np.zeros((4, 4)), np.ones((4, 4)), vmax=-1),
     ValueError, "vmax"),
    (lambda: plot_history(3), TypeError, "history"),
    (lambda: plot_history([]), ValueError, "history"),
    (lambda: plot_history({"loss": [1.0]}, keys=["acc"]), ValueError, "keys"),
])
def test_bad_arguments_name_the_parameter(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


def test_viz_imports_no_framework():
    code = ("import sys, companion.viz; "
            "print(sorted(m for m in ('tensorflow', 'torch', 'keras') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True,
                         text=True, check=True,
                         cwd=pathlib.Path(__file__).resolve().parents[1])
    assert out.stdout.strip() == "[]"
