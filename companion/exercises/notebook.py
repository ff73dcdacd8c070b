"""Put a notebook's exercises in the learner's format, and add new ones.

The book writes an exercise as MyST directives over several cells::

    markdown  ```{exercise} ... ```            the question
    code      q = get(...); answer = ...; q.check(answer)   the learner's blank
    markdown  ````{solution-start} LABEL ````  and the worked solution's prose
    code      the solution: answer = ...; q.check(answer)
    markdown  ````{solution-end} ````         (often followed by more prose)

On the website ``sphinx-exercise`` folds the solution into a dropdown. In
JupyterLab and on Colab the directives do nothing, so :func:`hide_solutions`
marks every cell of a solution as hidden where a learner meets it: the prose
cell collapsed in Jupyter (``jupyter.source_hidden``), each code cell collapsed
with its output (``source_hidden``, ``outputs_hidden``) and turned into a
Colab form (``cellView: "form"`` and a first line ``# @title Solution``). A
solution cell prints only the check's verdict: :func:`hide_solutions` removes
top-level ``print`` calls (keeping a ``.check(...)`` call found in one).

:func:`insert_exercise` adds the cells of one of :data:`NEW_EXERCISES` right
after another exercise's solution, where that solution's ``solution-end``
cell then closes the new one, or stand-alone (with its own
``solution-end``) after a given cell.

Command line (idempotent; rewrites the notebook in place)::

    python -m companion.exercises.notebook book/05_inpainting.ipynb
"""

from __future__ import annotations

import ast
import json
import re
import sys
from pathlib import Path

TITLE = "# @title Solution"
SOLUTION_START = re.compile(r"^`{3,}\{solution-start\}\s+(\S+)", re.M)
_END = re.compile(r"^`{3,}\{solution-end\}", re.M)
GET_CALL = re.compile(r"get\(\s*[\"']([\w.]+)[\"']\s*\)")


def cell_source(cell) -> str:
    s = cell["source"]
    return "".join(s) if isinstance(s, list) else s


def set_cell_source(cell, text: str) -> None:
    """Store ``text`` as the cell's source, as a list of lines (nbformat's
    on-disk form, without a final newline)."""
    lines = text.splitlines(keepends=True)
    if lines and lines[-1].endswith("\n"):
        lines[-1] = lines[-1][:-1]
    cell["source"] = lines


def solution_blocks(nb) -> list[dict]:
    """Every solution in ``nb``: its label and the indices of its cells.

    Returns a list of ``{"label", "start", "code", "end"}``: the index of the
    ``solution-start`` markdown cell, the indices of the code cells before the
    ``solution-end``, and the index of the cell holding the ``solution-end``.
    """
    blocks, open_block = [], None
    for i, cell in enumerate(nb["cells"]):
        text = cell_source(cell)
        if cell["cell_type"] == "markdown" and _END.search(text):
            if open_block is None:
                raise ValueError(f"cell {i}: solution-end without solution-start")
            open_block["end"] = i
            blocks.append(open_block)
            open_block = None
        if cell["cell_type"] == "markdown" and SOLUTION_START.search(text):
            if open_block is not None:
                raise ValueError(f"cell {i}: solution-start inside the solution "
                                 f"{open_block['label']!r}")
            open_block = {"label": SOLUTION_START.search(text).group(1), "start": i,
                          "code": []}
        elif open_block is not None and cell["cell_type"] == "code":
            open_block["code"].append(i)
    if open_block is not None:
        raise ValueError(f"solution {open_block['label']!r} has no solution-end")
    return blocks


def _strip_prints(code: str) -> str:
    """Drop top-level ``print(...)`` statements; keep a ``.check`` call inside."""
    body = code.split("\n", 1)[1] if code.startswith(TITLE) else code
    tree = ast.parse(body)
    lines = body.splitlines()
    for node in reversed(tree.body):
        if not (isinstance(node, ast.Expr) and isinstance(node.value, ast.Call)
                and isinstance(node.value.func, ast.Name)
                and node.value.func.id == "print"):
            continue
        checks = [a for a in node.value.args if isinstance(a, ast.Call)
                  and isinstance(a.func, ast.Attribute) and a.func.attr == "check"]
        keep = [ast.get_source_segment(body, checks[0])] if checks else []
        lines[node.lineno - 1:node.end_lineno] = keep
    return "\n".join(lines).strip("\n")


def hide_solutions(nb) -> list[str]:
    """Mark every solution cell of ``nb`` hidden; return the ids changed."""
    changed = []
    for block in solution_blocks(nb):
        start = nb["cells"][block["start"]]
        meta = start.setdefault("metadata", {})
        if meta.get("jupyter", {}).get("source_hidden") is not True:
            meta.setdefault("jupyter", {})["source_hidden"] = True
            changed.append(start.get("id"))
        for i in block["code"]:
            cell = nb["cells"][i]
            before = (cell_source(cell), json.dumps(cell.get("metadata", {}),
                                             sort_keys=True))
            body = _strip_prints(cell_source(cell))
            if not body.startswith(TITLE):
                body = f"{TITLE}\n{body}"
            set_cell_source(cell, body)
            meta = cell.setdefault("metadata", {})
            meta.setdefault("jupyter", {}).update(source_hidden=True,
                                                  outputs_hidden=True)
            meta["cellView"] = "form"
            if (cell_source(cell), json.dumps(meta, sort_keys=True)) != before:
                changed.append(cell.get("id"))
    return changed


def markdown_cell(cell_id: str, text: str) -> dict:
    cell = {"cell_type": "markdown", "id": cell_id, "metadata": {}, "source": []}
    set_cell_source(cell, text)
    return cell


def code_cell(cell_id: str, text: str, hidden: bool = False) -> dict:
    meta = ({"cellView": "form",
             "jupyter": {"outputs_hidden": True, "source_hidden": True}}
            if hidden else {})
    cell = {"cell_type": "code", "execution_count": None, "id": cell_id,
            "metadata": meta, "outputs": [], "source": []}
    set_cell_source(cell, f"{TITLE}\n{text}" if hidden else text)
    return cell


def exercise_cells(spec: dict, closed_by_next: bool) -> list[dict]:
    """The cells of one new exercise (see :data:`NEW_EXERCISES`)."""
    label = spec["label"]
    question = (f"```{{exercise}}\n:label: {label}\n\n{spec['question']}\n```")
    if closed_by_next:  # the previous solution's end cell closes this one
        question = f"````{{solution-end}}\n````\n\n{question}"
    cells = [
        markdown_cell(f"{label}-question", question),
        code_cell(f"{label}-blank", spec["blank"]),
        markdown_cell(f"{label}-solution-text",
            f"````{{solution-start}} {label}\n:class: dropdown\n````\n"
            f"{spec['solution_text']}"),
        code_cell(f"{label}-solution", spec["solution"], hidden=True),
    ]
    cells[2]["metadata"]["jupyter"] = {"source_hidden": True}
    if not closed_by_next:
        cells.append(markdown_cell(f"{label}-end", "````{solution-end}\n````"))
    return cells


def insert_exercise(nb, name: str) -> bool:
    """Insert :data:`NEW_EXERCISES` ``[name]`` into ``nb``; False if present."""
    spec = NEW_EXERCISES[name]
    ids = [c.get("id") for c in nb["cells"]]
    if f"{spec['label']}-blank" in ids:
        return False
    if "after_solution_of" in spec:
        block = next((b for b in solution_blocks(nb)
                      if b["label"] == spec["after_solution_of"]), None)
        if block is None:
            raise ValueError(f"{name}: no solution labelled "
                             f"{spec['after_solution_of']!r} in the notebook")
        at = block["end"]
        if not cell_source(nb["cells"][at]).lstrip().startswith("````{solution-end}"):
            raise ValueError(f"{name}: the cell after solution "
                             f"{spec['after_solution_of']!r} does not start "
                             f"with its solution-end")
        nb["cells"][at:at] = exercise_cells(spec, closed_by_next=True)
    else:
        at = ids.index(spec["after_cell"]) + 1
        nb["cells"][at:at] = exercise_cells(spec, closed_by_next=False)
    return True


def convert(path: str | Path) -> list[str]:
    """Hide the solutions of the notebook at ``path`` and add its new exercises.

    Returns what changed, one line per cell or exercise; writes the file only
    when something did.
    """
    path = Path(path)
    nb = json.loads(path.read_text(encoding="utf-8"))
    report = [f"inserted {name}" for name, spec in NEW_EXERCISES.items()
              if spec["notebook"] == path.name and insert_exercise(nb, name)]
    report += [f"hid solution cell {i}" for i in hide_solutions(nb)]
    if report:
        path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n",
                        encoding="utf-8")
    return report


#: The coding exercises, one per chapter, and where each goes.
NEW_EXERCISES: dict[str, dict] = {
    "ch1.conv2d_valid": {
        "notebook": "01_cnn_basics_lenet5.ipynb",
        "after_solution_of": "ch1-one-pixel",
        "label": "ch1-conv2d-valid",
        "question": (
            "Write `conv2d_valid(x, w)`: the VALID, stride-1 convolution of a\n"
            "2-D array `x` of shape `(H, W)` with a kernel `w` of shape `(K, L)`,\n"
            "as CNN layers compute it (no flip), returning an array of shape\n"
            "`(H - K + 1, W - L + 1)`. The check runs it on fresh random inputs\n"
            "and non-square kernels and compares with the companion's `conv2d`."),
        "blank": (
            'q7 = get("ch1.conv2d_valid")\n\n\n'
            "def conv2d_valid(x, w):\n"
            "    ...  # your code here: return the (H - K + 1, W - L + 1) array\n\n\n"
            "q7.check(conv2d_valid)"),
        "solution_text": (
            "Loop over the output positions; each output is the window under\n"
            "the kernel times the kernel, summed. The last window starts at row\n"
            "$H - K$, so there are $H - K + 1$ rows."),
        "solution": (
            "def conv2d_valid(x, w):\n"
            "    k, m = w.shape\n"
            "    out = np.empty((x.shape[0] - k + 1, x.shape[1] - m + 1))\n"
            "    for i in range(out.shape[0]):\n"
            "        for j in range(out.shape[1]):\n"
            "            out[i, j] = (x[i:i + k, j:j + m] * w).sum()\n"
            "    return out\n\n\n"
            "q7.check(conv2d_valid)"),
    },
    "ch2.scatter_2x2": {
        "notebook": "02_transposed_convolution.ipynb",
        "after_solution_of": "ch2-scatter-step",
        "label": "ch2-scatter-2x2",
        "question": (
            "Write `conv_transpose_2x2(x, w, stride)`: the transposed convolution\n"
            "of a 2x2 input `x` with a KxK kernel `w`, no padding, by scatter and\n"
            "sum. It returns the full output, $(2 - 1) s + K$ pixels per side.\n"
            "The check tries kernels larger and smaller than the stride, on fresh\n"
            "random numbers, against `conv_transpose2d_scatter`."),
        "blank": (
            'q_scatter = get("ch2.scatter_2x2")\n\n\n'
            "def conv_transpose_2x2(x, w, stride):\n"
            "    ...  # your code here\n\n\n"
            "q_scatter.check(conv_transpose_2x2)"),
        "solution_text": (
            "Start from zeros and add one scaled copy of the kernel per input\n"
            "pixel, at $(i s, j s)$. Where copies overlap (kernel larger than\n"
            "the stride) they add up."),
        "solution": (
            "def conv_transpose_2x2(x, w, stride):\n"
            "    k = w.shape[0]\n"
            "    out = np.zeros(((2 - 1) * stride + k,) * 2)\n"
            "    for i in range(2):\n"
            "        for j in range(2):\n"
            "            out[i * stride:i * stride + k, j * stride:j * stride + k] "
            "+= x[i, j] * w\n"
            "    return out\n\n\n"
            "q_scatter.check(conv_transpose_2x2)"),
    },
    "ch3.coordinate_mapping": {
        "notebook": "03_upsampling_methods.ipynb",
        "after_solution_of": "ch3-source-coordinate",
        "label": "ch3-coordinate-mapping",
        "question": (
            "Write `source_coordinate(dst, in_size, out_size, mapping)`: the\n"
            "input coordinate that output index `dst` samples when an axis of\n"
            "`in_size` pixels is resized to `out_size`, where `mapping` is\n"
            "`\"half_pixel\"`, `\"legacy\"` or `\"align_corners\"` (the three rows\n"
            "of the table of coordinate mappings). Align corners divides by\n"
            "`out_size - 1`: for `out_size == 1` return `0.0`, as PyTorch does.\n"
            "The check tries fresh random sizes, up and down, for every mapping,\n"
            "against `companion.resize.source_coordinate`."),
        "blank": (
            'q_coord = get("ch3.coordinate_mapping")\n\n\n'
            "def source_coordinate(dst, in_size, out_size, mapping):\n"
            "    ...  # your code here\n\n\n"
            "q_coord.check(source_coordinate)"),
        "solution_text": (
            "One branch per mapping. Half-pixel scales the pixel's centre\n"
            "$d + 0.5$ and subtracts the half pixel again; legacy scales the\n"
            "index itself; align corners stretches the $n_\\text{out} - 1$ gaps\n"
            "between the first and last centres onto the $n_\\text{in} - 1$ gaps\n"
            "of the input, and has no gap at all when the output is one pixel."),
        "solution": (
            "def source_coordinate(dst, in_size, out_size, mapping):\n"
            "    if mapping == \"half_pixel\":\n"
            "        return (dst + 0.5) * in_size / out_size - 0.5\n"
            "    if mapping == \"legacy\":\n"
            "        return dst * in_size / out_size\n"
            "    if out_size == 1:\n"
            "        return 0.0\n"
            "    return dst * (in_size - 1) / (out_size - 1)\n\n\n"
            "q_coord.check(source_coordinate)"),
    },
    "ch4.block_output_size": {
        "notebook": "04_vgg_decoder.ipynb",
        "after_solution_of": "ch4-decoder-macs",
        "label": "ch4-block-output-size",
        "question": (
            "Write `block_output_size(size, kernel, n_convs, padding)`: the side\n"
            "of the output of a VGG-style block on a `size` x `size` input:\n"
            "`n_convs` stride-1 `Conv2D` layers with a `kernel` x `kernel` kernel\n"
            "and `padding` `\"same\"` or `\"valid\"`, then 2x2 max pooling with\n"
            "stride 2. The check tries fresh random blocks, odd sizes included,\n"
            "against `companion.shapes.conv_output_size`."),
        "blank": (
            'q_block = get("ch4.block_output_size")\n\n\n'
            "def block_output_size(size, kernel, n_convs, padding):\n"
            "    ...  # your code here\n\n\n"
            "q_block.check(block_output_size)"),
        "solution_text": (
            "`\"same\"` keeps the size and `\"valid\"` takes $k - 1$ away, once\n"
            "per convolution; the pooling keeps $\\lfloor n / 2 \\rfloor$."),
        "solution": (
            "def block_output_size(size, kernel, n_convs, padding):\n"
            "    for _ in range(n_convs):\n"
            "        if padding == \"valid\":\n"
            "            size = size - kernel + 1\n"
            "    return size // 2\n\n\n"
            "q_block.check(block_output_size)"),
    },
    "ch5.jacobi_step": {
        "notebook": "05_inpainting.ipynb",
        "after_solution_of": "ch5-next-size",
        "label": "ch5-jacobi-step",
        "question": (
            "Write `jacobi_step(x, hole)`: one step of the harmonic fill, with\n"
            "chapter 1's `conv2d` (the step is called a *Jacobi iteration*, after\n"
            "the method for linear equations that repeats it: one round in which\n"
            "every hole pixel is replaced at once). `x` is a 2-D image `(H, W)`,\n"
            "`hole` a boolean\n"
            "array of the same shape. Every hole pixel becomes the mean of its\n"
            "four neighbours (at the image's edge the missing neighbour is the\n"
            "pixel itself); every known pixel stays. `JACOBI_KERNEL` is the 3 x 3\n"
            "kernel of that mean. The check tries fresh random images and holes,\n"
            "some at the border."),
        "blank": (
            "from companion.conv import conv2d\n"
            "from companion.exercises.ch5 import JACOBI_KERNEL\n\n"
            'q_jacobi = get("ch5.jacobi_step")\n\n\n'
            "def jacobi_step(x, hole):\n"
            "    ...  # your code here\n\n\n"
            "q_jacobi.check(jacobi_step)"),
        "solution_text": (
            "Pad by repeating the edge (`np.pad(x, 1, mode=\"edge\")`), so that\n"
            "the convolution returns an `(H, W)` map of neighbour means, and\n"
            "keep the known pixels with `np.where`. `ip.harmonic_fill` repeats\n"
            "this step until no pixel changes."),
        "solution": (
            "def jacobi_step(x, hole):\n"
            "    padded = np.pad(x, 1, mode=\"edge\")[None, :, :, None]\n"
            "    mean4 = conv2d(padded, JACOBI_KERNEL[:, :, None, None])[0, :, :, 0]\n"
            "    return np.where(hole, mean4, x)\n\n\n"
            "q_jacobi.check(jacobi_step)"),
    },
    "appendix.output_size": {
        "notebook": "appendix_conv_arithmetic.ipynb",
        "after_cell": "cell-059",
        "label": "appendix-output-size",
        "question": (
            "Write `output_size(size, kernel, stride, padding, dilation)`: the\n"
            "output length of a convolution along one axis with a dilated kernel,\n"
            "the one formula behind relationships 1 to 6 and 15, now with the\n"
            "padding split: `padding` is either an int $p$ ($p$ zeros on each\n"
            "side, as above) or a pair `(before, after)` of zeros added at the\n"
            "start and at the end (how TensorFlow's `\"same\"` pads when the total\n"
            "is odd, and what PyTorch's `ZeroPad2d` takes per axis). The check\n"
            "tries fresh random settings, both kinds of padding, against\n"
            "`companion.shapes.conv_output_size`."),
        "blank": (
            "from companion.exercises import get\n\n"
            'q_size = get("appendix.output_size")\n\n\n'
            "def output_size(size, kernel, stride, padding, dilation):\n"
            "    ...  # your code here\n\n\n"
            "q_size.check(output_size)"),
        "solution_text": (
            "The dilated kernel spans $d(k - 1) + 1$ cells and the padded input\n"
            "has $i + 2p$ cells, or $i + p_\\text{before} + p_\\text{after}$ for a\n"
            "pair; count the strides that fit and add the first window."),
        "solution": (
            "def output_size(size, kernel, stride, padding, dilation):\n"
            "    span = dilation * (kernel - 1) + 1\n"
            "    if isinstance(padding, tuple):\n"
            "        total = padding[0] + padding[1]\n"
            "    else:\n"
            "        total = 2 * padding\n"
            "    return (size + total - span) // stride + 1\n\n\n"
            "q_size.check(output_size)"),
    },
}


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__)
        return 2
    for path in argv:
        for line in convert(path) or ["nothing to change"]:
            print(f"{path}: {line}")
    return 0


if __name__ == "__main__":  # pragma: no cover - command line
    sys.exit(main(sys.argv[1:]))
