"""The Colab copies (colab/*.ipynb, ``make notebooks``): in sync with book/,
free of MyST syntax, and every solution folded until the learner opens it.

Colab folds the section under each heading whose cell id is listed in the
notebook metadata ``colab.collapsed_sections``; a section runs to the next
heading of the same or a higher level (JupyterLab does the same for a heading
cell with ``jp-MarkdownHeadingCollapsed``). The tests below hold every copy to
that reading, exercise by exercise, against the book's own solution cells as
``companion.exercises.notebook.solution_blocks`` finds them.
"""

import json
import pathlib
import re
import sys

import pytest

from companion.exercises.notebook import TITLE, solution_blocks

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "book" / "_ext"))
import colab_copies as cc  # noqa: E402

BOOK_NOTEBOOKS = sorted((ROOT / "book").glob("*.ipynb"))
COPIES = ROOT / cc.COLAB_DIR

# What MyST syntax looks like in a markdown cell once code is set aside.
MYST = {
    "directive": re.compile(r"^[ \t>]*(`{3,}|~{3,}|:{3,})[ \t]*\{[^}\s]+\}", re.M),
    "role": re.compile(r"\{[A-Za-z][\w:+-]*\}`"),
    "target": re.compile(r"^[ \t]*\([^()\s]+\)=[ \t]*$", re.M),
    "directive option": re.compile(r"^[ \t>]*:(label|class|name|nonumber|"
                                   r"dropdown|alt|width|align):", re.M),
    "comment": re.compile(r"^%", re.M),
    "substitution": re.compile(r"\{\{[^}]*\}\}"),
}
_PLAIN_FENCE = re.compile(
    r"^[ \t>]*(`{3,}|~{3,})(?![ \t]*\{)[^\n]*\n.*?^[ \t>]*\1[ \t]*$", re.M | re.S)
_CODE_SPAN = re.compile(r"(?<![`}])(`{1,2})(?!`).+?(?<!`)\1(?!`)", re.S)


def myst_in(text: str) -> list[str]:
    """The MyST constructs in markdown ``text``, code blocks and spans aside."""
    text = _CODE_SPAN.sub("", _PLAIN_FENCE.sub("", text))
    return [f"{name}: {m.group(0)!r}" for name, pattern in MYST.items()
            for m in pattern.finditer(text)]


def _load(path):
    return json.loads(path.read_text(encoding="utf-8"))


def _heading(text: str) -> int | None:
    """Level of the heading that opens the cell (Colab's section headers)."""
    first = text.lstrip("\n").split("\n", 1)[0]
    return cc.heading_level(first)


def _levels_anywhere(text: str) -> list[int]:
    return [lvl for line in text.split("\n")
            if (lvl := cc.heading_level(line)) is not None]


def folded_sections(nb) -> dict[str, list[dict]]:
    """For each collapsed heading id, the cells its section hides."""
    cells = nb["cells"]
    ids = [c["id"] for c in cells]
    out = {}
    for heading_id in nb["metadata"]["colab"]["collapsed_sections"]:
        assert heading_id in ids, f"collapsed_sections names no cell {heading_id!r}"
        start = ids.index(heading_id)
        head = cells[start]
        assert head["cell_type"] == "markdown"
        level = _heading(cc.source(head))
        assert level is not None, f"{heading_id} is no heading cell"
        hidden = []
        for cell in cells[start + 1:]:
            if cell["cell_type"] == "markdown":
                if (lvl := _heading(cc.source(cell))) is not None and lvl <= level:
                    break
                # a heading of this level further down a cell: the readers may
                # end the section there, so no hidden cell may hold one
                assert all(lvl > level for lvl in _levels_anywhere(cc.source(cell))), \
                    f"{heading_id}: a heading inside the folded section"
            hidden.append(cell)
        out[heading_id] = hidden
    return out


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory):
    out = tmp_path_factory.mktemp("colab")
    cc.generate(out)
    return out


def test_the_committed_copies_are_what_make_notebooks_writes(regenerated):
    want = sorted(p.name for p in regenerated.iterdir())
    have = sorted(p.name for p in COPIES.iterdir()) if COPIES.exists() else []
    assert have == want, "colab/ is out of date: run `make notebooks`"
    assert want == sorted([p.name for p in BOOK_NOTEBOOKS] + ["README.md"])
    stale = [name for name in want
             if (COPIES / name).read_bytes() != (regenerated / name).read_bytes()]
    assert not stale, f"out of date (run `make notebooks`): {stale}"


@pytest.mark.parametrize("book_path", BOOK_NOTEBOOKS, ids=lambda p: p.name)
def test_copy_has_no_myst_and_no_outputs(book_path):
    nb = _load(COPIES / book_path.name)
    found = []
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            found += [f"{cell['id']}: {hit}" for hit in myst_in(cc.source(cell))]
        else:
            assert cell["outputs"] == [] and cell["execution_count"] is None
            assert "execution" not in cell["metadata"]
        assert cell["metadata"].get("id") == cell["id"], "Colab's cell id"
    assert not found, "\n".join(found)


@pytest.mark.parametrize("book_path", BOOK_NOTEBOOKS, ids=lambda p: p.name)
def test_every_solution_is_folded_with_its_explanation(book_path):
    book = _load(book_path)
    nb = _load(COPIES / book_path.name)
    blocks = solution_blocks(book)
    n_exercises = sum("{exercise}" in cc.source(c) for c in book["cells"]
                      if c["cell_type"] == "markdown")
    assert len(blocks) == n_exercises
    folded = folded_sections(nb)
    assert sorted(folded) == sorted(f"solution-{b['label']}" for b in blocks)
    by_id = {c["id"]: c for c in nb["cells"]}
    hidden_ids = {c["id"] for cells in folded.values() for c in cells}
    for block in blocks:
        heading_id = f"solution-{block['label']}"
        assert by_id[heading_id]["metadata"]["jp-MarkdownHeadingCollapsed"] is True
        hidden = folded[heading_id]
        hidden_text = "\n".join(cc.source(c) for c in hidden)
        # the worked explanation: what follows the solution-start marker
        start = cc.source(book["cells"][block["start"]])
        marker = r"^`{3,}\{solution-start\}[^\n]*\n(?::[^\n]*\n)*`{3,}\n?"
        explanation = re.split(marker, start, flags=re.M)[-1].strip()
        for line in explanation.splitlines():
            plain = line.strip()
            if plain and not re.search(r"\{[\w:-]+\}`", plain):
                assert plain in hidden_text, (block["label"], plain)
        # the code, and every other cell of the solution
        inner = range(block["start"] + 1, block["end"])
        for i in inner:
            cell = book["cells"][i]
            assert cell["id"] in hidden_ids, (block["label"], cell["id"])
            if cell["cell_type"] == "code":
                code = cc.source(cell).removeprefix(TITLE).strip("\n")
                assert code == cc.source(by_id[cell["id"]]).strip("\n")
        assert [c["id"] for c in hidden if c["cell_type"] == "code"] == \
            [i for i in (book["cells"][j]["id"] for j in inner)
             if by_id[i]["cell_type"] == "code"]
    # nothing else is folded: every hidden cell belongs to a solution
    solution_ids = {book["cells"][i]["id"] for b in blocks
                    for i in range(b["start"], b["end"])}
    assert hidden_ids <= solution_ids, sorted(hidden_ids - solution_ids)


@pytest.mark.parametrize("book_path", BOOK_NOTEBOOKS, ids=lambda p: p.name)
def test_questions_are_headed_and_stay_in_view(book_path):
    nb = _load(COPIES / book_path.name)
    folded = folded_sections(nb)
    hidden = {c["id"] for cells in folded.values() for c in cells}
    headings = [c for c in nb["cells"] if c["cell_type"] == "markdown"
                and re.match(r"^#{2,6} Exercise \d+", cc.source(c))]
    assert len(headings) == len(folded)
    cells = nb["cells"]
    for n, cell in enumerate(headings, 1):
        assert re.match(rf"^#+ Exercise {n}\b", cc.source(cell))
        assert cell["id"] not in hidden
        # the question: under the heading, or (a gated exercise-start) next
        question = cc.source(cell).split("\n", 1)[1:] or [""]
        if not question[0].strip():
            question = [cc.source(cells[cells.index(cell) + 1])]
        assert question[0].strip(), f"Exercise {n}: no question under it"


def test_the_myst_detector_sees_each_construct():
    samples = ["```{exercise}\n:label: x\n\nq\n```", ":::{note}\nx\n:::",
               "{cite:p}`lecun1998gradient`", "{ref}`x <y>`", "{term}`Stride`",
               "(ch4-puzzle)=\n## T", "````{solution-start} x\n:class: dropdown\n````",
               "% a comment", "{{ version }}"]
    for sample in samples:
        assert myst_in(sample), sample
    assert not myst_in("Text with `{cite:p}` in code and\n```python\nx = {1: 2}\n```")


@pytest.fixture(scope="module")
def book():
    return cc.Book()


def _convert(book, text):
    return "\n".join(p[1] for p in cc.Converter(book, "test").pieces(text))


@pytest.mark.parametrize("text, name", [
    ("```{tab-set}\nx\n```", "tab-set"),
    (":::{card}\nx\n:::", "card"),
    ("See {eq}`my-eq`.", "eq"),
    ("See {ref}`no-such-label-anywhere`.", "no-such-label-anywhere"),
    ("As {cite:p}`nobody2099` showed.", "nobody2099"),
    ("A {term}`flux capacitor`.", "flux capacitor"),
    ("A {doc}`no_such_page`.", "no_such_page"),
    ("Version {{ version }}.", "version"),
    ("```{exercise}\nno label\n```", "label"),
])
def test_an_unknown_construct_fails_loudly(book, text, name):
    with pytest.raises(cc.MystError, match=re.escape(name)):
        _convert(book, text)


def test_a_gated_exercise_and_a_one_cell_solution(book):
    pieces = cc.Converter(book, "test").pieces(
        "````{exercise-start}\n:label: ex-g\n````\nQuestion?\n"
        "````{exercise-end}\n````\n"
        "```{solution} ex-g\n:class: dropdown\nAnswer.\n```")
    assert [p[0] for p in pieces] == ["exercise", "text", "solution-start", "text",
                                      "solution-end"]
    assert pieces[0][1] == "ex-g" and pieces[1][1] == "Question?"
    assert pieces[3][1] == "Answer."


def test_conversions(book):
    site, bib = book.site, book.page_url("bibliography")
    key = next(iter(book.bib))
    who, year = book.bib[key]
    assert _convert(book, f"as {{cite:p}}`{key}`") == f"as ([{who}, {year}]({bib}))"
    assert _convert(book, f"{{cite:t}}`{key}` says") == f"[{who} ({year})]({bib}) says"
    term = next(iter(book.terms.values()))
    assert _convert(book, f"a {{term}}`{term.lower()}`") == (
        f"a [{term.lower()}]({site}/book/glossary.html#{cc.term_id(term)})")
    assert _convert(book, "(my-label)=\n## Title") == "## Title"
    note = _convert(book, "```{admonition} Erratum\n:name: e-1\n:class: warning\n"
                          "Body $x$ {cite:t}`" + key + "`.\n```")
    assert note.startswith("> **Erratum**\n>\n> Body $x$ [")
    folded = _convert(book, ":::{hint}\n:class: dropdown\nTry $k - 1$.\n:::")
    assert folded.startswith("<details>\n<summary>Hint</summary>\n\nTry $k - 1$.")
    assert _convert(book, "{math}`a^2`") == "$a^2$"
    link = _convert(book, "[primer](00b_primer.ipynb#set-up)")
    assert link == f"[primer]({site}/book/00b_primer.html#set-up)"
    code = "```python\n{ref}`kept as code`\n```"
    assert _convert(book, code) == code


def test_cite_matches_the_bibliography_file():
    # independent of pybtex: the first author's family name and the year as
    # they stand in references.bib
    bib = (ROOT / "book" / "references.bib").read_text()
    book = cc.Book()
    entries = re.findall(r"@\w+\{([^,]+),(.*?)\n\}", bib, re.S)
    assert len(entries) == len(book.bib) > 0
    for key, body in entries:
        year = re.search(r"year\s*=\s*[{\"]?(\d{4})", body).group(1)
        who, got_year = book.bib[key]
        assert got_year == year, key
        authors = re.search(r"author\s*=\s*[{\"](.*?)[}\"],?\s*\n", body, re.S).group(1)
        first = authors.split(" and ")[0].replace("{", "").replace("}", "")
        family = first.split(",")[0].strip() if "," in first else first.split()[-1]
        assert who.startswith(family) or family in who, (key, who, family)
        n = len(authors.split(" and "))
        assert who.endswith("et al.") == (n > 2), (key, who)


def test_site_address_is_the_github_pages_of_the_repository(book):
    owner, name = book.repo_url.removeprefix("https://github.com/").split("/")
    assert book.site == f"https://{owner}.github.io/{name}"
