"""companion.exercises: blanks, right answers, recognised mistakes, hidden solutions."""

import ast
import contextlib
import copy
import html.parser
import io
import json
import numbers
import pathlib
import re

import numpy as np
import pytest

from companion.exercises import (
    CodeExercise,
    Exercise,
    Mistake,
    all_exercises,
    compare_answer,
    get,
    parse_worked,
    plain_number,
    register,
)
from companion.exercises import notebook as nbtool

EXERCISES = all_exercises()
ROOT = pathlib.Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "book").glob("*.ipynb"))
MISTAKES = [(name, i) for name in sorted(EXERCISES)
            for i in range(len(EXERCISES[name].mistakes))]
SEED = 20261203


def _check(q, answer):
    """Check with fixed inputs for a coding exercise (fresh ones in the book)."""
    return q.check(answer, seed=SEED) if isinstance(q, CodeExercise) else \
        q.check(answer)


def _right(q):
    return q.reference if isinstance(q, CodeExercise) else q.expected()


def _unknown_wrong(q):
    """A wrong answer that is none of the exercise's known mistakes."""
    if isinstance(q, CodeExercise):
        return lambda *args: q.reference(*args) + 0.375
    right = q.expected()
    if isinstance(right, tuple):
        last = right[-1]
        if isinstance(last, tuple):  # a list of settings: drop the first one
            return right[1:]
        return right[:-1] + ((last + 1000) if not isinstance(last, str)
                             else last + "x",)
    return right + 1000 if not isinstance(right, np.ndarray) else right + 0.375


def test_every_chapter_and_the_appendix_register_exercises():
    chapters = {name.split(".")[0] for name in EXERCISES}
    assert chapters == {"ch0", "ch1", "ch2", "ch3", "ch4", "ch5", "appendix"}


@pytest.mark.parametrize("chapter", ["ch1", "ch2", "ch3", "ch4", "ch5", "appendix"])
def test_every_chapter_has_a_coding_exercise(chapter):
    assert any(isinstance(q, CodeExercise) and name.startswith(chapter + ".")
               for name, q in EXERCISES.items())


@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_blank_is_not_attempted_and_shows_no_hint(name):
    q = EXERCISES[name]
    verdict = _check(q, ...)
    assert verdict.status == "not attempted" and not verdict
    assert "not attempted yet" in repr(verdict)
    assert ".hint()" in repr(verdict)  # how to ask for help
    for hint in q.hints:
        assert hint not in repr(verdict)
    assert q.solution_text not in repr(verdict)
    assert "Hint" not in repr(verdict) and "Solution" not in repr(verdict)
    assert str(q.solution()).startswith("Solution: ")


@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_hints_come_one_step_at_a_time(name):
    q = copy.deepcopy(EXERCISES[name])
    n = len(q.hints)
    assert n >= 2
    shown = [str(q.hint()) for _ in range(n + 1)]
    for step, text in enumerate(shown[:n], start=1):
        assert text.startswith(f"Hint {step} of {n}: {q.hints[step - 1]}")
    assert "hint() again" in shown[0]
    assert "solution()" in shown[n - 1] and shown[n] == shown[n - 1]
    assert str(q.hint(1)).startswith(f"Hint 1 of {n}: ")
    with pytest.raises(ValueError, match=f"step must be a whole number from 1 to {n}"):
        q.hint(n + 1)


def _answer_forms(value) -> list[str]:
    """How a page could write ``value``: numbers with two or more significant
    digits (``30``, ``3,699,376,128``, ``15.39``), tuples and arrays."""
    if isinstance(value, (bool, str)):
        return []
    if isinstance(value, numbers.Integral):
        v = int(value)
        if abs(v) < 10:
            return []
        forms = [str(v), f"{v:,}", f"{v:,}".replace(",", " ")]
        if abs(v) >= 10**6:  # in millions or billions, as tables print them
            forms += [f"{v / 1e6:,.1f}", f"{v / 1e6:.1f}", f"{v / 1e9:.2f}"]
        return forms
    if isinstance(value, numbers.Real):
        v = float(value)
        if v == int(v):
            return _answer_forms(int(v))
        forms = []
        for d in range(1, 7):
            text = f"{v:.{d}f}".rstrip("0").rstrip(".")
            if len(re.sub(r"\D", "", text).lstrip("0")) >= 2:
                forms.append(text)
        return forms
    if isinstance(value, tuple):
        def plain(x):
            if isinstance(x, tuple):
                return tuple(plain(y) for y in x)
            if isinstance(x, str):
                return x
            return int(x) if float(x) == int(x) else float(x)

        items = plain(value)
        forms = [repr(items), str(list(items))]
        if len(items) >= 3 and all(isinstance(x, int) for x in items):
            forms += [" x ".join(map(str, items)), "x".join(map(str, items)),
                      r" \times ".join(map(str, items))]
        return forms
    if isinstance(value, np.ndarray):
        forms = [str(value), str(value.tolist())]
        if np.all(value == np.round(value)):
            forms += [str(value.astype(int)), str(value.astype(int).tolist())]
        return forms
    return []


def _shows(text: str, form: str) -> bool:
    return re.search(r"(?<![\w.])" + re.escape(form) + r"(?![\w]|\.\d)", text) \
        is not None


@pytest.mark.parametrize("name", sorted(n for n, q in EXERCISES.items()
                                        if isinstance(q, Exercise)))
def test_first_hint_neither_answers_nor_computes(name):
    q = EXERCISES[name]
    first = q.hints[0]
    worked = _answer_forms(parse_worked(q.worked)) if q.worked else []
    for form in _answer_forms(q.expected()) + worked:
        assert not _shows(first, form), (first, form)
    # no formula with the numbers in: no "=" and no number-operator-number
    assert "=" not in first, first
    assert not re.search(r"\d\s*[-+*/]\s*\(?\d", first), first
    for hint in q.hints:  # no hint gives the answer
        for form in _answer_forms(q.expected()):
            assert not _shows(hint, form), (hint, form)


@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_right_answer_is_correct(name):
    q = EXERCISES[name]
    verdict = _check(q, _right(q))
    assert verdict and verdict.status == "correct", verdict.message
    assert verdict.message.startswith(f"{name}: Correct!")


@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_at_least_two_mistakes_are_recognised(name):
    assert len(EXERCISES[name].mistakes) >= 2


@pytest.mark.parametrize(("name", "index"), MISTAKES)
def test_each_mistake_gets_its_own_diagnosis(name, index):
    q = EXERCISES[name]
    mistake = q.mistakes[index]
    verdict = _check(q, mistake.answer)
    assert verdict.status == "incorrect" and not verdict
    assert verdict.message == f"{name}: Incorrect. {mistake.why}"


@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_unknown_wrong_answer_gets_a_next_step(name):
    q = EXERCISES[name]
    verdict = _check(q, _unknown_wrong(q))
    assert verdict.status == "incorrect"
    assert verdict.message.endswith(q.next_step)
    assert not any(m.why in verdict.message for m in q.mistakes)


def test_coding_exercise_blank_function_body_and_failures():
    q = get("ch1.conv2d_valid")

    def blank(x, w):
        ...  # the learner's cell before they write anything

    assert q.check(blank).status == "not attempted"
    assert "Pass the function itself" in q.check(np.zeros((2, 2))).message

    def crashes(x, w):
        raise IndexError("index 5 is out of bounds")

    msg = q.check(crashes, seed=0).message
    assert "Your function raised IndexError: index 5 is out of bounds" in msg
    assert "x of shape (6, 7) and w of shape (2, 3)" in msg


def test_coding_exercise_draws_fresh_inputs_and_cannot_be_fooled_by_mutation():
    q = get("ch3.coordinate_mapping")
    first, second = q.cases(np.random.default_rng()), q.cases(np.random.default_rng())
    assert first != second  # fresh random inputs on every check

    def mutating(x, w):
        out = get("ch1.conv2d_valid").reference(x, w)
        x[...] = 0  # must not change the inputs the reference sees
        return out

    assert get("ch1.conv2d_valid").check(mutating)


def test_numbers_print_as_plain_numbers():
    msg = get("ch1.output_size").check(np.int64(13)).message
    assert "13 is not the answer" in msg and "np." not in msg
    msg = get("ch4.tconv_output_shape").check((np.int64(15), 15, np.int64(255))).message
    assert "255 is not the answer" in msg and "np." not in msg
    assert plain_number(np.float64(1.8333333)) == "1.83333"
    assert plain_number((np.int64(3), 2.5)) == "(3, 2.5)"
    assert plain_number((1,)) == "(1,)"


def test_array_answers_explain_shape_and_first_wrong_value():
    expected = np.arange(6.0).reshape(2, 3)
    assert compare_answer(expected.T, expected, 1e-6, 1e-8) == \
        "Expected shape (2, 3), got shape (3, 2)."
    wrong = expected.copy()
    wrong[1, 2] = 7.5
    msg = compare_answer(wrong, expected, 1e-6, 1e-8)
    assert msg.startswith("1 of 6 values are wrong; the first at index (1, 2)")
    assert "expected 5" in msg and "got 7.5" in msg
    assert compare_answer(expected + 1e-9, expected, 1e-6, 1e-8) is None
    strings = np.array(["a"] * 6).reshape(2, 3)
    assert "dtype <U" in compare_answer(strings, expected, 1e-6, 1e-8)


def test_float_tolerance_and_tuple_answers():
    assert compare_answer(0.1 + 0.2, 0.3, 1e-6, 1e-8) is None
    assert "is not the answer" in compare_answer(0.31, 0.3, 1e-6, 1e-8)
    assert compare_answer((3, 2), (3, 2), 0, 0) is None
    assert compare_answer([3, 2], (3, 2), 0, 0) is None
    assert compare_answer((2, 3), (3, 2), 0, 0).startswith("Item 0:")
    assert compare_answer((3,), (3, 2), 0, 0) == "Expected 2 values, got 1."
    assert "Expected a single number" in compare_answer("3", 3, 0, 0)
    assert "Expected a single number" in compare_answer(True, 1, 0, 0)


def test_get_and_register_errors():
    with pytest.raises(ValueError,
                       match="name must be a registered exercise, got 'ch9.nope'"):
        get("ch9.nope")
    with pytest.raises(TypeError, match="exercise must be an Exercise"):
        register("not an exercise")
    with pytest.raises(ValueError, match="is already registered"):
        register(get("ch0.window_sum"))
    with pytest.raises(ValueError, match="needs at least two mistakes"):
        register(Exercise("tmp.one", "q", lambda: 1, ("h1", "h2"), "s",
                          [Mistake(2, "why")], next_step="n"))
    with pytest.raises(ValueError, match="needs a next_step"):
        register(Exercise("tmp.two", "q", lambda: 1, ("h1", "h2"), "s",
                          [Mistake(2, "a"), Mistake(3, "b")]))
    with pytest.raises(ValueError, match="needs hints: a tuple of at least two"):
        register(Exercise("tmp.three", "q", lambda: 1, "one hint", "s",
                          [Mistake(2, "a"), Mistake(3, "b")], next_step="n"))
    with pytest.raises(ValueError, match="needs hints: a tuple of at least two"):
        register(Exercise("tmp.four", "q", lambda: 1, ("only one",), "s",
                          [Mistake(2, "a"), Mistake(3, "b")], next_step="n"))
    assert not any(n.startswith("tmp.") for n in all_exercises())


# -- the hand-worked numbers of the solution texts ---------------------------

WORKED = sorted(n for n, q in EXERCISES.items() if q.worked)


def test_value_exercises_state_their_worked_answer():
    """Every exercise whose answer is a number or a tuple says it in its text."""
    arrays_or_unstated = {n for n, q in EXERCISES.items()
                          if isinstance(q, CodeExercise)
                          or isinstance(q.expected(), np.ndarray)}
    arrays_or_unstated.add("ch5.hole_psnr")  # the text gives the recipe, no number
    assert set(WORKED) == set(EXERCISES) - arrays_or_unstated


@pytest.mark.parametrize("name", WORKED)
def test_worked_numbers_in_the_solution_text_pass_the_check(name):
    q = EXERCISES[name]
    for fragment in q.worked:
        assert fragment in q.solution_text, fragment
    verdict = q.check(parse_worked(q.worked))
    assert verdict, f"{q.worked} in the solution text: {verdict.message}"


def test_hand_rounded_coordinate_of_chapter_3_is_accepted():
    # "1.8333" for 11/6 was rejected by the default tolerance (1e-6 relative)
    assert get("ch3.source_coordinate").check((1.8333, 1.8, 2.0))
    assert get("ch3.bilinear_value").check(3.5)


def test_parse_worked():
    assert parse_worked(("131,136",)) == 131136
    assert parse_worked(("3,699,376,128",)) == 3699376128
    assert parse_worked(("(4, 9)",)) == (4, 9)
    assert parse_worked(("1.8333", "1.8", "2.0")) == (1.8333, 1.8, 2.0)
    assert parse_worked(("('concat1', 16, 17)",)) == ("concat1", 16, 17)


# -- the notebooks --------------------------------------------------------------

def _cells(path):
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def _text(outputs) -> str:
    parts = []
    for out in outputs:
        if "text" in out:
            parts.append("".join(out["text"]))
        for value in out.get("data", {}).values():
            parts.append("".join(value) if isinstance(value, list) else str(value))
    return "\n".join(parts)


def _exercise_regions(cells):
    """(learner code cells, solution blocks) of a notebook."""
    learner, inside = [], False
    for cell in cells:
        text = nbtool.cell_source(cell)
        if cell["cell_type"] == "markdown":
            if "```{exercise}" in text:
                inside = True
            if nbtool.SOLUTION_START.search(text):
                inside = False
        elif inside:
            learner.append(cell)
    return learner, nbtool.solution_blocks({"cells": cells})


EXERCISE_NOTEBOOKS = [p for p in NOTEBOOKS if _exercise_regions(_cells(p))[1]]
CONVERTED = EXERCISE_NOTEBOOKS


def test_every_chapter_notebook_has_exercises():
    names = {p.stem for p in EXERCISE_NOTEBOOKS}
    assert {"00_getting_started", "01_cnn_basics_lenet5", "02_transposed_convolution",
            "03_upsampling_methods", "04_vgg_decoder", "05_inpainting",
            "appendix_conv_arithmetic"} <= names


@pytest.mark.parametrize("path", CONVERTED, ids=lambda p: p.stem)
def test_solution_cells_are_hidden_in_jupyter_and_colab(path):
    cells = _cells(path)
    for block in nbtool.solution_blocks({"cells": cells}):
        start = cells[block["start"]]
        assert start["metadata"].get("jupyter", {}).get("source_hidden") is True, \
            (path.name, block["label"])
        assert block["code"], f"{path.name}: solution {block['label']} has no code"
        for i in block["code"]:
            cell = cells[i]
            meta = cell["metadata"]
            where = (path.name, cell.get("id"))
            assert meta.get("jupyter", {}).get("source_hidden") is True, where
            assert meta.get("jupyter", {}).get("outputs_hidden") is True, where
            assert meta.get("cellView") == "form", where
            assert nbtool.cell_source(cell).startswith(nbtool.TITLE + "\n"), where


@pytest.mark.parametrize("path", CONVERTED, ids=lambda p: p.stem)
def test_solution_cells_print_only_a_verdict(path):
    """Their stored outputs (which nbval reproduces) reveal no answer."""
    cells = _cells(path)
    for block in nbtool.solution_blocks({"cells": cells}):
        for i in block["code"]:
            cell = cells[i]
            lines = [line for line in _text(cell["outputs"]).splitlines() if line]
            assert lines, (path.name, cell.get("id"), "no verdict stored")
            for line in lines:
                assert re.fullmatch(r"(\*\*)?[\w.]+(\*\*)?:? ?(\(correct\): )?"
                                    r"Correct!( \(checked on \d+ random inputs\))?",
                                    line), (path.name, cell.get("id"), line)


def _learner_names(path):
    learner, _ = _exercise_regions(_cells(path))
    return learner, [m for c in learner
                     for m in nbtool.GET_CALL.findall(nbtool.cell_source(c))]


@pytest.mark.parametrize("path", EXERCISE_NOTEBOOKS, ids=lambda p: p.stem)
def test_learner_cells_are_blank_and_call_no_solution(path):
    learner, names = _learner_names(path)
    assert names, path.name
    for name in names:
        assert name in EXERCISES, name
    for cell in learner:
        src = nbtool.cell_source(cell)
        assert ".solution(" not in src, (path.name, cell.get("id"))
        out = _text(cell["outputs"])
        assert "Correct!" not in out, (path.name, cell.get("id"))
        assert "Hint" not in out, (path.name, cell.get("id"), "a hint is shown")
        for name in names:
            for hint in EXERCISES[name].hints:
                assert hint not in out, (path.name, cell.get("id"), hint)
        if ".check(" in src:
            assert "..." in src, (path.name, cell.get("id"), "no blank")
            assert "not attempted yet" in out, (path.name, cell.get("id"))


@pytest.mark.parametrize("path", EXERCISE_NOTEBOOKS, ids=lambda p: p.stem)
def test_running_the_learner_cells_prints_no_solution(path):
    """Execute only the learner cells of a notebook's exercises, in order."""
    learner, names = _learner_names(path)
    namespace = {"np": np, "__name__": "__main__"}
    shown = io.StringIO()
    for cell in learner:
        tree = ast.parse(nbtool.cell_source(cell))
        last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) \
            else None
        with contextlib.redirect_stdout(shown):
            exec(compile(tree, path.name, "exec"), namespace)  # noqa: S102
            if last is not None:
                value = eval(compile(ast.Expression(last.value), path.name, "eval"),
                             namespace)  # noqa: S307
                print(repr(value))
    out = shown.getvalue()
    assert out.count("not attempted yet") == len(set(names)), out
    assert "Correct!" not in out and "Incorrect" not in out
    assert "Hint" not in out
    for name in names:
        assert EXERCISES[name].solution_text not in out
        assert not any(hint in out for hint in EXERCISES[name].hints)


# -- the conversion tool ------------------------------------------------------------

def _toy_notebook():
    md = nbtool.markdown_cell
    code = nbtool.code_cell
    return {"cells": [
        md("a", "```{exercise}\n:label: toy\n\nHow much?\n```"),
        code("b", 'q = get("ch0.valid_output_size")\nanswer = ...\nq.check(answer)'),
        md("c", "````{solution-start} toy\n:class: dropdown\n````\nIt is 3."),
        code("d", "answer = 3\nprint(answer)\nprint(q.check(answer), '| size', 3)"),
        md("e", "````{solution-end}\n````\n\nMore prose."),
    ]}


def test_hide_solutions_marks_cells_strips_prints_and_is_idempotent():
    nb = _toy_notebook()
    assert nbtool.hide_solutions(nb) == ["c", "d"]
    solution = nb["cells"][3]
    want = f"{nbtool.TITLE}\nanswer = 3\nq.check(answer)"
    assert nbtool.cell_source(solution) == want
    assert solution["metadata"] == {
        "cellView": "form", "jupyter": {"source_hidden": True, "outputs_hidden": True}}
    assert nb["cells"][2]["metadata"] == {"jupyter": {"source_hidden": True}}
    assert nb["cells"][1]["metadata"] == {} and nb["cells"][4]["metadata"] == {}
    assert nbtool.hide_solutions(nb) == []


def test_solution_blocks_reject_broken_gates():
    nb = _toy_notebook()
    del nb["cells"][4]
    with pytest.raises(ValueError, match="has no solution-end"):
        nbtool.solution_blocks(nb)
    with pytest.raises(ValueError, match="solution-end without solution-start"):
        end = nbtool.markdown_cell("x", "````{solution-end}\n````")
        nbtool.solution_blocks({"cells": [end]})


def test_insert_exercise_goes_before_the_previous_solution_end(monkeypatch):
    nb = _toy_notebook()
    spec = dict(nbtool.NEW_EXERCISES["ch5.jacobi_step"], after_solution_of="toy")
    monkeypatch.setitem(nbtool.NEW_EXERCISES, "ch5.jacobi_step", spec)
    assert nbtool.insert_exercise(nb, "ch5.jacobi_step")
    ids = [c["id"] for c in nb["cells"]]
    assert ids == ["a", "b", "c", "d", "ch5-jacobi-step-question",
                   "ch5-jacobi-step-blank", "ch5-jacobi-step-solution-text",
                   "ch5-jacobi-step-solution", "e"]
    assert nbtool.cell_source(nb["cells"][4]).startswith("````{solution-end}")
    blocks = nbtool.solution_blocks(nb)
    assert [(b["label"], b["code"]) for b in blocks] == [
        ("toy", [3]), ("ch5-jacobi-step", [7])]
    assert not nbtool.insert_exercise(nb, "ch5.jacobi_step")  # already there
    spec["after_solution_of"] = "nope"
    with pytest.raises(ValueError, match="no solution labelled 'nope'"):
        nbtool.insert_exercise(_toy_notebook(), "ch5.jacobi_step")


@pytest.mark.parametrize("name", sorted(nbtool.NEW_EXERCISES))
def test_new_exercise_cells_blank_and_solution(name):
    """The blank is not attempted; the solution code passes the check."""
    spec = nbtool.NEW_EXERCISES[name]
    from companion.conv import conv2d
    namespace = {"np": np, "get": get, "conv2d": conv2d}
    for key, status in (("blank", "not attempted"), ("solution", "correct")):
        tree = ast.parse(spec[key])
        last = tree.body.pop()
        exec(compile(tree, name, "exec"), namespace)  # noqa: S102
        verdict = eval(compile(ast.Expression(last.value), name, "eval"),
                       namespace)  # noqa: S307
        assert verdict.status == status, verdict.message


def test_convert_chapter_5_adds_its_coding_exercise(tmp_path):
    """The conversion, on chapter 5 put back in its old format: without the
    coding exercise and with every solution cell shown."""
    nb = json.loads((ROOT / "book" / "05_inpainting.ipynb").read_text("utf-8"))
    nb["cells"] = [c for c in nb["cells"]
                   if not c.get("id", "").startswith("ch5-jacobi-step")]
    for cell in nb["cells"]:
        cell["metadata"].pop("cellView", None)
        cell["metadata"].pop("jupyter", None)
        text = "".join(cell["source"])
        if text.startswith("# @title Solution\n"):
            cell["source"] = text[len("# @title Solution\n"):].splitlines(True)
    copy = tmp_path / "05_inpainting.ipynb"
    copy.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", "utf-8")
    report = nbtool.convert(copy)
    assert any(line.startswith("hid solution cell") for line in report)
    assert report[0] == "inserted ch5.jacobi_step"
    cells = json.loads(copy.read_text("utf-8"))["cells"]
    labels = [b["label"] for b in nbtool.solution_blocks({"cells": cells})]
    assert labels[-1] == "ch5-jacobi-step" and len(labels) == 6
    for block in nbtool.solution_blocks({"cells": cells}):
        for i in block["code"]:
            assert "print(" not in nbtool.cell_source(cells[i])
            assert cells[i]["metadata"]["cellView"] == "form"
    assert nbtool.convert(copy) == []  # idempotent
    assert copy.read_text("utf-8").endswith("}\n")


def test_markdown_verdict_escapes_formulas():
    md = get("ch4.tconv_params").check(...)._repr_markdown_()
    assert md.startswith("**ch4.tconv_params** (not attempted): not attempted yet.")
    md = get("ch4.tconv_params").check(7)._repr_markdown_()
    assert md.startswith("**ch4.tconv_params** (incorrect): Incorrect.")
    assert r"k\*k\*c\_in\*c\_out" in md


class _Dropdowns(html.parser.HTMLParser):
    """Counts solution dropdowns and where the solution code lands on a page."""

    def __init__(self):
        super().__init__()
        self.stack, self.dropdowns = [], 0
        self.titles_inside = self.titles_outside = 0

    def handle_starttag(self, tag, attrs):
        if tag != "div":
            return
        classes = (dict(attrs).get("class") or "").split()
        is_solution = "solution" in classes and "dropdown" in classes
        self.dropdowns += is_solution
        self.stack.append(is_solution)

    def handle_endtag(self, tag):
        if tag == "div" and self.stack:
            self.stack.pop()

    def handle_data(self, data):
        if "@title Solution" in data:
            if any(self.stack):
                self.titles_inside += data.count("@title Solution")
            else:
                self.titles_outside += data.count("@title Solution")


@pytest.mark.slow
@pytest.mark.parametrize("path", CONVERTED, ids=lambda p: p.stem)
def test_site_folds_every_solution_into_a_dropdown(built_book, path):
    """The new cell metadata and title line leave sphinx-exercise's dropdowns intact."""
    returncode, log, site = built_book
    assert returncode == 0, log[-3000:]
    page = _Dropdowns()
    page.feed((site / "book" / f"{path.stem}.html").read_text(encoding="utf-8"))
    blocks = nbtool.solution_blocks({"cells": _cells(path)})
    assert page.dropdowns == len(blocks)
    assert page.titles_inside == sum(len(b["code"]) for b in blocks)
    assert page.titles_outside == 0


# -- messages that are never wrong (issue 26) ------------------------------------

def test_not_attempted_names_the_learners_variable():
    q_shape = get("ch4.tconv_output_shape")
    assert "Stuck? q_shape.hint() gives a first nudge" in q_shape.check(...).message
    q_fn = get("ch1.conv2d_valid")

    def conv2d_valid(x, w):
        ...  # your code here

    assert "q_fn.hint()" in q_fn.check(conv2d_valid).message


def test_wrong_layer_name_is_called_a_wrong_name():
    q = get("ch5.why_96_fails")
    for name, expected in [("concat2", "concat2 is not the first to fail"),
                           ("concat3", "not the first to fail"),
                           ("pool3", "pool3 is a pooling layer"),
                           ("conv6", "conv6 is a layer of the network but not a "
                                     "concatenation"),
                           ("concatenate_1", "'concatenate_1' is not a layer name"),
                           ("Concat1", "in lower case")]:
        msg = q.check((name, 16, 17)).message
        assert expected in msg, msg
        assert "Expected a str" not in msg
    # the generic comparison says the same for any exercise
    assert compare_answer("b", "a", 0, 0) == "'b' is not the right name."
    assert "Expected a name in quotes" in compare_answer(3, "a", 0, 0)


def test_function_with_a_body_but_no_return_is_told_so():
    q = get("ch1.conv2d_valid")

    def forgot_return(x, w):
        out = np.zeros((x.shape[0] - w.shape[0] + 1, x.shape[1] - w.shape[1] + 1))
        out[...] = 1.0

    verdict = q.check(forgot_return, seed=SEED)
    assert verdict.status == "incorrect"
    assert "Your function returned None on x of shape" in verdict.message
    assert "return statement" in verdict.message
    assert "not attempted" not in verdict.message

    def docstring_only(x, w):
        """To do."""

    def pass_only(x, w):
        pass

    assert q.check(docstring_only).status == "not attempted"
    assert q.check(pass_only).status == "not attempted"


def test_a_number_rounded_as_the_page_prints_it_is_told_it_is_close():
    q = get("ch5.hole_psnr")
    right = q.expected()
    msg = q.check(round(right, 2)).message  # 15.39
    assert "Close: 15.39 is the answer rounded to 2 decimals" in msg
    assert "at least 3 decimals" in msg  # 15.393 passes rtol 1e-4
    assert q.check(round(right, 3))
    msg = get("ch3.source_coordinate").check((1.83, 1.8, 2.0)).message
    assert "Close: 1.83 is the answer rounded to 2 decimals" in msg
    assert get("ch3.source_coordinate").check((1.8333, 1.8, 2.0))
    # a known mistake, rounded the same way, still gets its own diagnosis
    whole = q.mistakes[0]
    assert q.check(round(whole.answer, 2)).message.endswith(whole.why)
    # one decimal is too coarse to call "close"; an unrelated value is not close
    assert "Close" not in q.check(15.4).message
    assert "Close" not in q.check(15.31).message


def test_output_size_rounded_up_and_stride_one_matrix_are_diagnosed():
    msg = get("ch1.output_size").check(22).message
    assert "You rounded (46 - 5) / 2 = 20.5 up" in msg
    shifted = np.array([[1, 2, 3, 0, 0], [0, 1, 2, 3, 0]])
    msg = get("ch2.conv_matrix_1d").check(shifted).message
    assert "that is stride 1" in msg


def test_legacy_mapping_message_does_not_describe_align_corners():
    q = get("ch3.coordinate_mapping")

    def legacy_for_half_pixel(dst, in_size, out_size, mapping):
        if mapping == "align_corners":
            return dst * (in_size - 1) / (out_size - 1) if out_size > 1 else 0.0
        return dst * in_size / out_size

    msg = q.check(legacy_for_half_pixel, seed=SEED).message
    assert "'half_pixel' gave the legacy value" in msg
    assert "corner" not in msg  # the page says that of align_corners=True


def test_coordinate_mapping_needs_the_one_pixel_align_corners_case():
    q = get("ch3.coordinate_mapping")

    def no_guard(dst, in_size, out_size, mapping):
        if mapping == "half_pixel":
            return (dst + 0.5) * in_size / out_size - 0.5
        if mapping == "legacy":
            return dst * in_size / out_size
        return dst * (in_size - 1) / (out_size - 1)

    msg = q.check(no_guard, seed=SEED).message
    assert "ZeroDivisionError" in msg and "out_size=1" in msg
    assert "mapping='align_corners'" in msg


# -- no answer on the page before its question ------------------------------------

def _page_text_above(cells, question_index):
    """(cell index, text) of the markdown and stored outputs above a question:
    every cell before it, and the question cell's own text before the
    ``{exercise}`` directive."""
    above = []
    for j, cell in enumerate(cells[:question_index + 1]):
        if cell["cell_type"] == "markdown":
            text = nbtool.cell_source(cell)
            if j == question_index:
                text = text.split("```{exercise}")[0]
            above.append((j, text))
        else:
            above.append((j, _text(cell.get("outputs", []))))
    return above


def _questions(cells):
    """(exercise name, index of its question cell), in page order."""
    found, question, seen = [], None, set()
    for i, cell in enumerate(cells):
        text = nbtool.cell_source(cell)
        if cell["cell_type"] == "markdown" and "```{exercise}" in text:
            question = i
        elif cell["cell_type"] == "code" and question is not None:
            for name in nbtool.GET_CALL.findall(text):
                if name in EXERCISES and name not in seen:
                    seen.add(name)
                    found.append((name, question))
    return found


PAGE_QUESTIONS = [(p, name, qi) for p in EXERCISE_NOTEBOOKS
                  for name, qi in _questions(_cells(p))]
# a coding exercise's answers are drawn afresh on every check: nothing to find
VALUE_QUESTIONS = [x for x in PAGE_QUESTIONS if isinstance(EXERCISES[x[1]], Exercise)]


def test_every_exercise_is_asked_on_a_page():
    assert {name for _, name, _ in PAGE_QUESTIONS} == set(EXERCISES)


@pytest.mark.parametrize(("path", "name", "question"), VALUE_QUESTIONS,
                         ids=[f"{p.stem}-{n}" for p, n, _ in VALUE_QUESTIONS])
def test_no_answer_on_the_page_before_its_question(path, name, question):
    q = EXERCISES[name]
    forms = _answer_forms(q.expected())
    if q.worked:
        forms += _answer_forms(parse_worked(q.worked))
    for j, text in _page_text_above(_cells(path), question):
        for form in set(forms):
            assert not _shows(text, form), (path.name, name, f"cell {j}", form)


def test_the_spoiler_check_finds_an_answer_shown_above():
    """The check above can fail: chapter 5's trace table (input 228) shows
    concat2's shape for 228, and 28 + 8j lists 108."""
    cells = _cells(ROOT / "book" / "05_inpainting.ipynb")
    _, question = next(x for x in _questions(cells) if x[0] == "ch5.concat2_shape")
    above = " ".join(t for _, t in _page_text_above(cells, question))
    assert _shows(above, "(108, 108, 192)") and _shows(above, "108")
    assert not _shows(above, "(120, 120, 192)")
    assert _answer_forms(3_699_376_128)[3] == "3,699.4"  # tables in millions
    assert "15.39" in _answer_forms(15.392691) and _answer_forms(7) == []


# -- the learner's run through every exercise (review findings) --------------------

_NUMBER = re.compile(r"(?<![\d.])\d+(?:\.\d+)?(?!\d)")
#: Numbers any formula may use: 0, a half pixel, 1, 2, the 10 of 10 * log10.
_FORMULA_NUMBERS = {"0", "0.5", "1", "2", "10"}
#: Numbers a hint may quote from the page around the question, and why.
_HINT_PAGE_NUMBERS = {
    "ch1.one_pixel": {"3"},  # PIXEL_W's 3x3 window, named by its constant
    "ch5.concat2_shape": {"228"},  # the trace table above is for 228
    "ch5.why_96_fails": {"228"},  # the same trace table
    "ch5.next_valid_size": {"252"},  # the list of closing sizes ends at 252
}


def _foreign_numbers(q, text, allowed=frozenset()):
    own = set(_NUMBER.findall(q.question)) | set(_NUMBER.findall(q.solution_text))
    return set(_NUMBER.findall(text)) - own - _FORMULA_NUMBERS - set(allowed)


@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_messages_quote_no_number_foreign_to_the_question(name):
    """A generic message or hint quotes only the question's numbers (and those
    of its worked solution): no kernel 3 for a kernel-5 question, no input 228
    for a 252 one."""
    q = EXERCISES[name]
    assert not _foreign_numbers(q, q.next_step), q.next_step
    for hint in q.hints:
        assert not _foreign_numbers(q, hint, _HINT_PAGE_NUMBERS.get(name, ())), hint


def test_foreign_number_scan_can_fail():
    q = get("ch2.padding_for_target")
    assert _foreign_numbers(q, "(16 - 1)*2 - 2p + 3 + a") == {"3"}
    assert not _foreign_numbers(q, "(16 - 1)*2 - 2p + 5 + a")


def test_padding_for_target_and_concat2_generic_messages_use_their_own_sizes():
    msg = get("ch2.padding_for_target").check((3, 0)).message
    assert "(16 - 1)*2 - 2p + 5 + a" in msg and "+ 3 +" not in msg
    msg = get("ch5.concat2_shape").check((1, 2, 3)).message
    assert "layer by layer from 252" in msg and "228" not in msg


def test_settings_search_says_sort_and_names_the_wrong_setting():
    q = get("ch4.settings_search")
    right = q.expected()
    msg = q.check(list(reversed(right))).message
    assert "right settings, but not in order: sort them" in msg
    assert "Item 0" not in msg
    wrong = right[:4] + ((5, 2, 0),) + right[5:]
    msg = q.check(wrong).message
    assert "(5, 2, 0) maps 5 pixels to 9, not 10" in msg and "Item 4" not in msg
    assert "output_padding < 2" in q.check(right[:5] + ((6, 1, 2),)).message
    assert "twice" in q.check(right[:5] + (right[4],)).message
    # the generic comparison names a wrong tuple inside a tuple
    assert compare_answer(((1, 2), (3, 4)), ((1, 2), (3, 5)), 0, 0) == \
        "Item 1, (3, 4), is wrong: its item 1: 4 is not the answer."


def test_learner_values_are_shown_exactly():
    q = get("ch1.output_size")
    near = q.expected() + 1e-7
    msg = q.check(near).message
    assert f"{near!r} is not the answer" in msg and "whole number" in msg
    assert f"{q.expected()} is not the answer" not in msg
    assert plain_number(21.0000001, exact=True) == "21.0000001"
    assert plain_number(21.5, exact=True) == "21.5"
    msg = get("ch3.source_coordinate").check((1.8333333333, 1.8, 2.5)).message
    assert "2.5 is not the answer" in msg
    msg = get("ch3.bilinear_value").check(3.50000001).message  # within rtol 1e-4
    assert msg.endswith("Correct!")


#: Chapter 3's coding exercise (ch3.coordinate_mapping, with a mapping
#: argument, replaces ch3.half_pixel on another branch).
CH3_CODING = next(n for n in ("ch3.coordinate_mapping", "ch3.half_pixel")
                  if n in EXERCISES)


def test_half_pixel_cases_always_sample_left_of_zero():
    """A version clamped at 0 must fail: every draw includes dst = 0 when
    upsampling with half-pixel centres, whose source coordinate is negative."""
    q = get(CH3_CODING)

    def clamped(*args):
        return max(0.0, q.reference(*args))

    for seed in range(30):
        cases = q.cases(np.random.default_rng(seed))
        assert any(c[0] == 0 and c[2] > c[1] and c[3:] in ((), ("half_pixel",))
                   for c in cases)
        assert not q.check(clamped, seed=seed)


def test_none_is_an_answer_that_forgot_to_return():
    for name in ("ch1.output_size", CH3_CODING):
        q = get(name)
        verdict = q.check(None)
        assert verdict.status == "incorrect"
        assert "Your answer is None: did something forget to return?" in \
            verdict.message
        assert q.check(...).status == "not attempted"


def test_one_dimensional_arrays_answer_tuples():
    q = get("ch1.same_padding_split")
    assert q.check(np.array(q.expected()))
    assert q.check(np.array([2, 1])).message == q.check([2, 1]).message
    assert get("ch4.settings_search").check(np.array(get("ch4.settings_search")
                                                     .expected()))
    assert get("ch1.output_size").check(np.array([get("ch1.output_size")
                                                  .expected()]))


def test_common_mistakes_found_by_the_learner_are_named():
    macs = get("ch4.decoder_macs")
    assert "FLOPs" in macs.check(2 * macs.expected()).message
    shape = get("ch4.tconv_output_shape")
    h, w, c = shape.expected()
    assert "channels first" in shape.check((c, h, w)).message
    assert "whole zeros" in get("ch1.same_padding_split").check((1.5, 1.5)).message
    psnr = get("ch5.hole_psnr")
    from companion.exercises.ch5 import psnr_example
    original, restored, mask = psnr_example()
    outside = mask[..., 0] == 0
    mse = np.mean((original[outside] - restored[outside]) ** 2)
    assert np.isclose(mse, 0.1 ** 2)  # the 0.1 error outside the hole
    msg = psnr.check(10 * np.log10(1 / 0.1 ** 2)).message  # 20 dB
    assert "PSNR outside the hole" in msg


@pytest.mark.parametrize("name", ["appendix.output_size", "ch4.block_output_size"])
def test_function_exercises_show_the_right_value_next_to_the_learners(name):
    q = get(name)

    def off_by_one(*args):
        return q.reference(*args) + 1

    msg = q.check(off_by_one, seed=SEED).message
    case = next(a for a in q.cases(np.random.default_rng(SEED)))
    want = q.reference(*case)
    assert f"On {q.describe(*case)}: your function returned {want + 1}, the " \
           f"right result is {want}." in msg


def test_no_hint_names_the_function_that_answers():
    for name, q in EXERCISES.items():
        for hint in q.hints:
            assert "solve_conv_transpose" not in hint, name
            assert not re.search(r"\b(companion|ip|shapes)\.\w", hint), (name, hint)
    assert "solve_conv_transpose" in get("ch4.settings_search").solution_text
    assert "ip.closes" in get("ch5.next_valid_size").solution_text


def test_legacy_mapping_message_states_the_true_shift():
    from companion.resize import source_coordinate

    for n_in, n_out in [(2, 4), (3, 7), (5, 6)]:  # upsampling
        for dst in range(n_out):
            shift = source_coordinate(dst, n_in, n_out, "tf1") - \
                source_coordinate(dst, n_in, n_out, "tf")
            assert np.isclose(shift, (1 - n_in / n_out) / 2) and shift > 0
    msg = get("ch3.coordinate_mapping").check(
        lambda dst, i, o, m: dst * i / o if m != "align_corners"
        else (dst * (i - 1) / (o - 1) if o > 1 else 0.0), seed=SEED).message
    assert "'half_pixel' gave the legacy value" in msg
    assert "shifts the samples left" not in msg


def test_keras_same_port_asks_for_the_smallest_crop_and_names_the_other():
    from companion.transposed import conv_transpose2d

    q = get("ch2.keras_same_port")
    x = np.random.default_rng(1).normal(size=(1, 5, 5, 1))
    w = np.random.default_rng(2).normal(size=(5, 5, 1, 1))
    keras = conv_transpose2d(x, w, stride=2, padding="same")
    for p, a, c in [(1, 0, 1), (1, 1, 2)]:
        torch = conv_transpose2d(x, w, stride=2, padding=p, output_padding=a)
        np.testing.assert_allclose(torch[:, :-c, :-c], keras)
    # the question asks for the smallest crop: (1, 1, 2) reproduces Keras too,
    # and is told so, but is not the answer
    assert q.check((1, 0, 1))
    msg = q.check((1, 1, 2)).message
    assert not q.check((1, 1, 2)) and "not with the smallest crop" in msg, msg
    for wrong in [(1, 1, 0), (1, 0, 2), (2, 1, 0), (0, 1, 3), (1, 2, 3), "abc"]:
        assert not q.check(wrong), wrong
    assert "(1, 1, 2)" in q.solution_text
    # a wrong item is described by what the setting does, never as "Item 1: 1"
    # when output_padding=1 is right in (1, 1, 2)
    for wrong, says in [((1, 1, 1), "keeps 2i + 1 rows where Keras keeps 2i"),
                        ((1, 0, 3), "keeps 2i - 2 rows"),
                        ((0, 0, 1), "the output is shifted"),
                        ((1, 2, 3), "output_padding=2 is not allowed"),
                        ((1, 1, 2.5), "whole numbers")]:
        msg = q.check(wrong).message
        assert says in msg and "Item" not in msg, msg


def test_jacobi_step_in_place_is_correct_but_warned():
    q = get("ch5.jacobi_step")

    def in_place(x, hole):
        new = q.reference(x, hole)
        x[hole] = new[hole]
        return x

    verdict = q.check(in_place, seed=SEED)
    assert verdict and "changed its input array in place" in verdict.message
    assert "in place" not in q.check(q.reference, seed=SEED).message
