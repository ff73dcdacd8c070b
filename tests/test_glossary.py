"""Every glossary term is taught before a page uses it, and linked at first use.

``book/glossary_terms.toml`` lists the terms of ``book/glossary.md``, each with
the surface forms that count as a use (regular expressions, matched
case-insensitively as whole words) and the cell that teaches it
(``taught = "page#cell-id"``). The pages are walked in ``_toc.yml`` order; on
every page, for every term it uses:

* the first use is a ``{term}`` link to that term;
* the term is taught on an earlier page, or on this page in the cell of the
  first use (so no use comes before the teaching);
* pages listed in ``preview_pages`` (the intro, which names what the course
  will teach) may use a term before it is taught, but link it like any page;
* cells listed in ``preview_cells`` (a chapter's opening overview) may name a
  term that a later cell of the same page teaches, linked; the first use
  outside them must then be in the teaching cell. A term taught on a later
  page is no more allowed there than anywhere else.

What counts as prose, and what is skipped as code, math or an address: see
``prose_mask``. A longer form shadows the shorter ones inside it:
"transposed convolution" is a use of *Transposed convolution*, not of
*Convolution*. A form listed in a term's ``not = [...]`` phrases (another
sense of the word, such as a Jupyter kernel) is no use of it.

Run ``python tests/test_glossary.py`` for the first use of every term on every
page, and ``python tests/test_glossary.py --link`` to add the missing links
(notebooks are rewritten in the repository's JSON format; check the diff).
"""

from __future__ import annotations

import json
import pathlib
import re
from dataclasses import dataclass

import tomllib

ROOT = pathlib.Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"
TERMS_FILE = BOOK / "glossary_terms.toml"
# Pages that hold no prose of their own to check: the glossary is the
# definitions, the API page is generated from docstrings, the bibliography a list.
NOT_CHECKED = {"glossary", "api", "bibliography"}

_ROLE = re.compile(r"\{([a-z:-]+)\}`([^`]*)`")
_TERM_TARGET = re.compile(r"^(.*?)\s*<([^<>]+)>$", re.S)
_SKIP = [
    # code fences (a directive's fence is not code, its body is prose)
    re.compile(r"^[ \t]*(`{3,}|~{3,})\s*(?!\{(?!code|eval-rst|run-times))"
               r"[^\n]*\n.*?^[ \t]*\1[ \t]*$", re.S | re.M),
    re.compile(r"^[ \t]*(`{3,}|~{3,})\s*"
               r"\{(code-block|code|code-cell|eval-rst|run-times)\}"
               r"[^\n]*\n.*?^[ \t]*\1[ \t]*$", re.S | re.M),
    re.compile(r"^[ \t]*(`{3,}|~{3,})[^\n]*$", re.M),     # directive fence lines
    re.compile(r"^[ \t]*:[a-z-]+:.*$", re.M),              # directive options
    re.compile(r"^[ \t]*#{1,6} .*$", re.M),                # headings
    re.compile(r"^\(.*\)=[ \t]*$", re.M),                  # MyST targets
    re.compile(r"\$\$.*?\$\$", re.S),                      # display math
    re.compile(r"(?<![\\$])\$(?!\$)(?:[^$\n]|\n(?![ \t]*\n))+?\$"),  # inline math
    re.compile(r"\{[a-z:-]+\}`[^`]*`"),                    # roles ({term}: apart)
    re.compile(r"`[^`\n]+`"),                              # inline code
    re.compile(r"\[[^\]\n]*\]\([^)\n]*\)"),                # links: text and target
    re.compile(r"<[^>\n]+>"),                              # HTML tags
    re.compile(r"https?://\S+"),                           # bare URLs
]


def prose_mask(text):
    """``text`` with everything that is not prose replaced by spaces (same length)."""
    chars = list(text)
    for pattern in _SKIP:
        for match in pattern.finditer(text):
            for i in range(match.start(), match.end()):
                if chars[i] != "\n":
                    chars[i] = " "
    return "".join(chars)


@dataclass(frozen=True)
class Term:
    name: str
    forms: tuple
    taught: str          # "page#cell-id"
    not_phrases: tuple = ()

    @property
    def page(self):
        return self.taught.split("#")[0]

    @property
    def cell(self):
        return self.taught.split("#", 1)[1] if "#" in self.taught else None


def load_terms(path=TERMS_FILE):
    terms, previews, _ = load_terms_file(path)
    return terms, previews


def load_terms_file(path=TERMS_FILE):
    """(terms, preview pages, preview cells as "page#cell-id") of the terms list."""
    data = tomllib.loads(pathlib.Path(path).read_text())
    terms = [Term(t["name"], tuple(t["forms"]), t["taught"], tuple(t.get("not", ())))
             for t in data["term"]]
    return (terms, tuple(data.get("preview_pages", ())),
            frozenset(data.get("preview_cells", ())))


def glossary_entries(path=BOOK / "glossary.md"):
    """The terms that ``glossary.md``'s ``{glossary}`` directive defines."""
    text = pathlib.Path(path).read_text()
    body = re.search(r"```\{glossary\}\n(.*?)^```", text, re.S | re.M).group(1)
    return [line.strip() for line in body.splitlines()
            if line.strip() and not line[0].isspace() and not line.startswith(":")]


def toc_pages(root=ROOT):
    """The book's pages (stems such as ``01_cnn_basics_lenet5``) in toc order."""
    toc = (root / "_toc.yml").read_text()
    pages = [re.search(r"root:\s*(\S+)", toc).group(1)]
    pages += re.findall(r"-\s*file:\s*(\S+)", toc)
    return [p.split("/")[-1] for p in pages]


def page_cells(path):
    """[(cell id, markdown source)] of a notebook's markdown cells or a .md page."""
    path = pathlib.Path(path)
    if path.suffix == ".md":
        return [(None, path.read_text())]
    nb = json.loads(path.read_text())
    return [(c.get("id"), "".join(c["source"])) for c in nb["cells"]
            if c["cell_type"] == "markdown"]


@dataclass(frozen=True)
class Use:
    term: str
    cell_index: int
    cell_id: str | None
    start: int
    end: int
    linked: bool
    text: str


def uses_in(text, terms, cell_index=0, cell_id=None):
    """Every use of every term in one cell's markdown, in order of position."""
    by_name = {t.name.lower(): t.name for t in terms}
    found = []
    for role in _ROLE.finditer(text):
        if role.group(1) != "term":
            continue
        body = role.group(2)
        m = _TERM_TARGET.match(body)
        target = (m.group(2) if m else body).strip()
        found.append(Use(by_name.get(target.lower(), target), cell_index, cell_id,
                         role.start(), role.end(), True, body))
    masked = prose_mask(text).lower()
    # longest forms first, so that "transposed convolution" shadows "convolution"
    forms = sorted(((f, t) for t in terms for f in t.forms),
                   key=lambda ft: -len(ft[0].replace("\\", "")))
    for term in terms:
        for phrase in term.not_phrases:
            for m in re.finditer(re.escape(phrase.lower()), masked):
                hole = "\0" * (m.end() - m.start())
                masked = masked[:m.start()] + hole + masked[m.end():]
    for form, term in forms:
        pattern = form.lower().replace(" ", r"\s+")
        for m in re.finditer(rf"(?<![\w-]){pattern}(?![\w-])", masked):
            found.append(Use(term.name, cell_index, cell_id, m.start(), m.end(), False,
                             text[m.start():m.end()]))
            masked = masked[:m.start()] + " " * (m.end() - m.start()) + masked[m.end():]
    # a \0 run marks a "not" phrase: a form inside one is no use
    return sorted(found, key=lambda u: u.start)


def first_uses(path, terms, skip_cells=()):
    """{term name: its first Use on the page}, ignoring the cells ``skip_cells``."""
    first = {}
    for index, (cell_id, text) in enumerate(page_cells(path)):
        if cell_id in skip_cells:
            continue
        for use in uses_in(text, terms, index, cell_id):
            first.setdefault(use.term, use)
    return first


def page_path(stem, book=BOOK):
    for suffix in (".ipynb", ".md"):
        if (book / f"{stem}{suffix}").exists():
            return book / f"{stem}{suffix}"
    raise FileNotFoundError(stem)


def problems(book=BOOK, root=ROOT, terms_file=TERMS_FILE):
    """Every violation of the rules above, as readable lines."""
    terms, previews, preview_cells = load_terms_file(terms_file)
    order = [p for p in toc_pages(root) if p not in NOT_CHECKED]
    rank = {p: i for i, p in enumerate(order)}
    out = []
    for t in terms:
        stem = t.page.rsplit(".", 1)[0]
        if stem not in rank:
            out.append(f"{t.name}: taught on {t.page}, which is not a checked page")
    for stem in order:
        path = page_path(stem, book)
        overview = {c.split("#", 1)[1] for c in preview_cells
                    if c.split("#", 1)[0] == path.name}
        later = {}  # first uses outside some overview cells, by the cells skipped
        for name, use in first_uses(path, terms).items():
            term = next((t for t in terms if t.name == name), None)
            where = f"{path.name} cell [{use.cell_index}] ({use.cell_id})"
            if term is None:
                out.append(f"{where}: {{term}} link to {name!r}, which the terms "
                           "list lacks")
                continue
            if not use.linked:
                out.append(f"{where}: first use of {name!r} ({use.text!r}) is not a "
                           f"{{term}} link")
            taught_stem = term.page.rsplit(".", 1)[0]
            if path.name in previews or taught_stem not in rank:
                continue
            if rank[stem] < rank[taught_stem]:
                out.append(f"{where}: uses {name!r} ({use.text!r}) before "
                           f"{term.page} teaches it")
            elif stem == taught_stem and term.cell is not None:
                if use.cell_id in overview and use.cell_id != term.cell:
                    skip = frozenset(overview - {term.cell})
                    if skip not in later:
                        later[skip] = first_uses(path, terms, skip)
                    use = later[skip].get(name, use)
                if use.cell_id != term.cell:
                    out.append(f"{path.name} cell [{use.cell_index}] ({use.cell_id}): "
                               f"first use of {name!r} ({use.text!r}) is not in the "
                               f"cell that teaches it, {term.cell}")
    return out


def test_the_terms_list_and_the_glossary_agree():
    terms, _ = load_terms()
    names = [t.name for t in terms]
    assert len(names) == len(set(names)), names
    assert sorted(names) == sorted(glossary_entries())


def test_every_term_is_taught_in_an_existing_cell_that_links_it():
    terms, _ = load_terms()
    for t in terms:
        path = BOOK / t.page
        cells = dict(page_cells(path))
        assert t.cell in cells, f"{t.name}: no cell {t.cell} in {t.page}"
        linked = [u for u in uses_in(cells[t.cell], terms)
                  if u.term == t.name and u.linked]
        assert linked, f"{t.name}: cell {t.cell} of {t.page} does not link it"


def test_every_page_links_first_uses_and_uses_only_taught_terms():
    found = problems()
    assert not found, "\n".join(found)


# The checker itself, on small made-up books.

def _book(tmp_path, pages, terms, previews=(), preview_cells=()):
    (tmp_path / "book").mkdir(parents=True)
    toc = "format: jb-book\nroot: book/intro\nparts:\n  - chapters:\n"
    (tmp_path / "book" / "intro.md").write_text("# Intro\n")
    for stem, cells in pages:
        nb = {"cells": [{"cell_type": "markdown", "id": f"c{i}", "metadata": {},
                         "source": [src]} for i, src in enumerate(cells)],
              "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
        (tmp_path / "book" / f"{stem}.ipynb").write_text(json.dumps(nb))
        toc += f"      - file: book/{stem}\n"
    (tmp_path / "_toc.yml").write_text(toc)
    lines = [f"preview_pages = {list(previews)!r}",
             f"preview_cells = {list(preview_cells)!r}"]
    for name, forms, taught in terms:
        lines += ["[[term]]", f"name = {name!r}", f"forms = {list(forms)!r}",
                  f"taught = {taught!r}"]
    (tmp_path / "terms.toml").write_text("\n".join(lines) + "\n")
    return dict(book=tmp_path / "book", root=tmp_path,
                terms_file=tmp_path / "terms.toml")


STRIDE = ("Stride", ["strides?"], "a.ipynb#c0")


def test_a_linked_first_use_after_the_teaching_passes(tmp_path):
    book = _book(tmp_path, [("a", ["The {term}`stride <Stride>` is the step."]),
                            ("b", ["A {term}`stride <Stride>` of 2, then a stride "
                                   "of 3."])],
                 [STRIDE])
    assert problems(**book) == []


def test_an_unlinked_first_use_fails(tmp_path):
    book = _book(tmp_path, [("a", ["The {term}`stride <Stride>` is the step."]),
                            ("b", ["A stride of 2, then {term}`stride <Stride>` 3."])],
                 [STRIDE])
    [problem] = problems(**book)
    assert "b.ipynb cell [0]" in problem and "not a {term} link" in problem


def test_a_use_before_the_teaching_page_fails_even_when_linked(tmp_path):
    book = _book(tmp_path, [("b", ["A {term}`stride <Stride>` of 2."]),
                            ("a", ["The {term}`stride <Stride>` is the step."])],
                 [STRIDE])
    [problem] = problems(**book)
    assert "b.ipynb" in problem and "before a.ipynb teaches it" in problem


def test_a_use_before_the_teaching_cell_fails(tmp_path):
    book = _book(tmp_path,
                 [("a", ["Use a {term}`stride <Stride>`.", "Strides are steps."])],
                 [("Stride", ["strides?"], "a.ipynb#c1")])
    [problem] = problems(**book)
    assert "not in the cell that teaches it, c1" in problem


def test_code_math_and_longer_terms_are_not_uses(tmp_path):
    text = ("`stride=2`, $stride$, [stride](x.md) and\n```python\nstride = 2\n```\n"
            "# Stride\na strided convolution")
    terms = [STRIDE, ("Strided convolution", ["strided convolutions?"], "a.ipynb#c0")]
    found = uses_in(text, [Term(n, tuple(f), t) for n, f, t in terms])
    assert [u.term for u in found] == ["Strided convolution"]


def test_a_not_phrase_is_no_use():
    kernel = Term("Kernel", ("kernels?",), "a.ipynb#c0", ("starting the kernel",))
    assert uses_in("before starting the kernel", [kernel]) == []
    assert [u.text for u in uses_in("a 3x3 kernel", [kernel])] == ["kernel"]


def test_the_preview_page_may_use_a_term_early_but_must_link_it(tmp_path):
    book = _book(tmp_path, [("a", ["The {term}`stride <Stride>` is the step."])],
                 [STRIDE], previews=("intro.md",))
    intro = tmp_path / "book" / "intro.md"
    intro.write_text("# Intro\nAll about {term}`strides <Stride>`.\n")
    assert problems(**book) == []
    intro.write_text("# Intro\nAll about strides.\n")
    assert len(problems(**book)) == 1


def test_an_overview_cell_may_name_what_its_page_teaches_later(tmp_path):
    pages = [("a", ["Here: {term}`strides <Stride>`.",
                    "The {term}`stride <Stride>` is..."])]
    book = _book(tmp_path, pages, [("Stride", ["strides?"], "a.ipynb#c1")],
                 preview_cells=["a.ipynb#c0"])
    assert problems(**book) == []
    book = _book(tmp_path / "x", pages, [("Stride", ["strides?"], "a.ipynb#c1")])
    assert len(problems(**book)) == 1  # without the overview exemption


def test_an_overview_cell_may_not_name_what_a_later_page_teaches(tmp_path):
    pages = [("a", ["Here: {term}`strides <Stride>`."]),
             ("b", ["The {term}`stride <Stride>` is the step."])]
    book = _book(tmp_path, pages, [("Stride", ["strides?"], "b.ipynb#c0")],
                 preview_cells=["a.ipynb#c0"])
    [problem] = problems(**book)
    assert "before b.ipynb teaches it" in problem


def _wrap(text, use):
    shown = re.sub(r"\s+", " ", text[use.start:use.end])
    return text[:use.start] + f"{{term}}`{shown} <{use.term}>`" + text[use.end:]


def _link_cell(text, names, terms):
    """``text`` with the first plain use of each term of ``names`` linked."""
    for name in names:
        uses = [u for u in uses_in(text, terms) if u.term == name]
        if uses and not uses[0].linked:
            text = _wrap(text, uses[0])
    return text


def link_first_uses(book=BOOK, root=ROOT, terms_file=TERMS_FILE):
    """Link every page's unlinked first uses, and each teaching cell's use.

    A helper for authors (``python tests/test_glossary.py --link``): it fixes
    the links, not the order; ``problems()`` still reports a term used before
    it is taught.
    """
    terms, _, _ = load_terms_file(terms_file)
    changed = []
    for stem in [p for p in toc_pages(root) if p not in NOT_CHECKED]:
        path = page_path(stem, book)
        cells = page_cells(path)
        todo = {}
        for name, use in first_uses(path, terms).items():
            if not use.linked:
                todo.setdefault(use.cell_index, []).append(name)
        for t in terms:
            for i, (cell_id, text) in enumerate(cells):
                if t.page == path.name and cell_id == t.cell:
                    uses = [u for u in uses_in(text, terms) if u.term == t.name]
                    if uses and not any(u.linked for u in uses):
                        todo.setdefault(i, []).append(t.name)
        if not todo:
            continue
        if path.suffix == ".md":
            path.write_text(_link_cell(path.read_text(), todo[0], terms))
        else:
            nb = json.loads(path.read_text(encoding="utf-8"))
            markdown = [c for c in nb["cells"] if c["cell_type"] == "markdown"]
            for i, names in todo.items():
                text = _link_cell("".join(markdown[i]["source"]), names, terms)
                lines = text.split("\n")
                markdown[i]["source"] = ([line + "\n" for line in lines[:-1]]
                                         + ([lines[-1]] if lines[-1] else []))
            path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n",
                            encoding="utf-8")
        changed.append(path.name)
    return changed


def test_link_first_uses_links_the_first_plain_use_only(tmp_path):
    book = _book(tmp_path, [("a", ["The {term}`stride <Stride>` is the step."]),
                            ("b", ["A stride of 2, then a stride of 3."])],
                 [STRIDE])
    assert link_first_uses(**book) == ["b.ipynb"]
    assert problems(**book) == []
    cell = json.loads((tmp_path / "book" / "b.ipynb").read_text())["cells"][0]
    assert "".join(cell["source"]) == ("A {term}`stride <Stride>` of 2, then a "
                                       "stride of 3.")


if __name__ == "__main__":
    import sys

    if "--link" in sys.argv:
        print("linked:", link_first_uses())
    terms, _ = load_terms()
    for stem in [p for p in toc_pages() if p not in NOT_CHECKED]:
        path = page_path(stem)
        print(f"## {path.name}")
        for name, use in sorted(first_uses(path, terms).items(),
                                key=lambda kv: (kv[1].cell_index, kv[1].start)):
            print(f"  [{use.cell_index:3d}] {use.cell_id!s:28.28} "
                  f"{'L' if use.linked else '-'} {name:28.28} {use.text!r}")
    for line in problems():
        print("PROBLEM", line)
