"""Generate the Colab copies of the book's notebooks: ``make notebooks``.

``book/*.ipynb`` is the one source. The website renders its MyST markup;
Colab and plain Jupyter show it raw (``:label:``, ``{cite:p}``...``,
``(label)=``). This module writes ``colab/<name>.ipynb`` for every notebook of
``book/``, with the same cells in plain Markdown and no outputs:

* an exercise becomes a heading ``### Exercise N`` over its question, one
  level below the section it sits in; its solution (the worked explanation and
  the code) sits under a heading ``#### Solution`` whose section starts
  collapsed: Colab reads the notebook metadata ``colab.collapsed_sections``
  (a list of heading cell ids) and JupyterLab the cell metadata
  ``jp-MarkdownHeadingCollapsed``. A collapsed section runs to the next
  heading of the same or a higher level, so where prose follows a solution a
  heading ``### <section title> (continued)`` ends it;
* ``{cite:p}`` and ``{cite:t}`` become "(LeCun et al., 1998)" and
  "LeCun et al. (1998)" linked to the site's bibliography; ``{ref}``,
  ``{doc}``, ``{numref}``, ``{term}`` and relative links to pages become links
  to the site's pages; ``(label)=`` targets and MyST comments are dropped;
* admonitions become block quotes with a bold title (``:class: dropdown`` and
  ``{dropdown}``: an HTML ``<details>`` block), figures Markdown images, the
  ``{math}`` directive and role dollar math; math stays ``$...$``.

Any other directive or role is an error naming it and the notebook: a new
construct needs a rule here, not a silent leak of MyST into the copies.

The site's address (``html.baseurl``) and the repository (``repository.url``,
``repository.branch``) come from ``_config.yml``.

Command line::

    python book/_ext/colab_copies.py            # writes colab/*.ipynb
    python book/_ext/colab_copies.py --out DIR  # somewhere else (the tests)
"""

from __future__ import annotations

import argparse
import copy
import json
import pathlib
import re
import sys

from companion.exercises.notebook import cell_source as source
from companion.exercises.notebook import set_cell_source as set_source

ROOT = pathlib.Path(__file__).resolve().parents[2]
HERE = pathlib.Path(__file__).name
BOOK = "book"
COLAB_DIR = "colab"
README = (
    "# Colab copies of the book's notebooks\n\n"
    "Generated from `book/*.ipynb` by `make notebooks` "
    "(`book/_ext/colab_copies.py`); do not edit them here, edit `book/` and "
    "regenerate. They hold the same cells in plain Markdown, without outputs, "
    "with every exercise's solution folded under a collapsed *Solution* "
    "heading. The Colab button and badge of every chapter open these copies; "
    "`make lab` opens them in JupyterLab.\n")

ADMONITIONS = {"note", "tip", "hint", "important", "warning", "caution",
               "attention", "danger", "error", "seealso", "admonition",
               "margin", "sidebar", "topic", "epigraph", "dropdown"}
_HEADING = re.compile(r"^(#{1,6})[ \t]+(.*?)[ \t]*#*[ \t]*$")
_DIRECTIVE = re.compile(r"^([ \t]*)(`{3,}|~{3,}|:{3,})\{([^}\s]+)\}[ \t]*(.*)$")
_FENCE = re.compile(r"^([ \t]*)(`{3,}|~{3,})(.*)$")
_TARGET = re.compile(r"^[ \t]*\(([^()\s]+)\)=[ \t]*$")
_COMMENT = re.compile(r"^%")
_BLOCK_BREAK = re.compile(r"^\+\+\+")
_OPTION = re.compile(r"^:([\w-]+):[ \t]*(.*)$")
_BADGE = re.compile(r"^\[!\[Open In Colab\]\([^)]*\)\]\([^)]*\)[ \t]*\n(\n)?", re.M)
_TOKEN = re.compile(
    r"(?P<role>\{(?P<rname>[A-Za-z][\w:+-]*)\}(?P<rtick>`+)(?P<rbody>.+?)(?P=rtick))"
    r"|(?P<code>(?P<ctick>`+).+?(?P=ctick))"
    r"|(?P<link>(?P<bang>!?)\[(?P<ltext>[^\]]*)\]\((?P<ltarget>[^)\s]+)\))"
    r"|(?P<subst>\{\{[^}]*\}\})",
    re.S)
_EXPLICIT = re.compile(r"^(.*?)\s*<([^<>]+)>$", re.S)


class MystError(ValueError):
    """A MyST construct the converter has no rule for, or a broken reference."""


def heading_level(line: str) -> int | None:
    m = _HEADING.match(line)
    return len(m.group(1)) if m else None


# --------------------------------------------------------------------------
# The book: configuration, bibliography, labels, glossary


class Book:
    """Everything a conversion needs to know about the book, read once."""

    def __init__(self, root: pathlib.Path = ROOT):
        import yaml

        self.root = root
        self.config = yaml.safe_load((root / "_config.yml").read_text())
        repo = self.config["repository"]
        self.repo_url = repo["url"].rstrip("/")
        self.branch = repo.get("branch", "main")
        self.site = self.config["html"]["baseurl"].rstrip("/")
        self.bib = self._read_bib()
        self.labels: dict[str, tuple[str, str]] = {}  # label -> (page, title)
        self.titles: dict[str, str] = {}  # page stem -> title
        self.terms: dict[str, str] = {}  # lower-case term -> term as defined
        for path in sorted((root / BOOK).glob("*.md")) + notebooks(root):
            self._index(path.stem, markdown_texts(path))

    # -- sources
    def _read_bib(self) -> dict[str, tuple[str, str]]:
        from pybtex.database import parse_file
        from pybtex.richtext import Text

        def plain(latex: str) -> str:
            return Text.from_latex(latex).render_as("text")

        out = {}
        for name in self.config.get("bibtex_bibfiles", []):
            data = parse_file(str(self.root / name))
            for key, entry in data.entries.items():
                people = entry.persons.get("author") or entry.persons.get("editor")
                if not people:
                    raise MystError(f"{name}: entry {key!r} names no author")
                last = [plain(" ".join(p.prelast_names + p.last_names))
                        for p in people]
                if len(last) == 1:
                    who = last[0]
                elif len(last) == 2:
                    who = f"{last[0]} and {last[1]}"
                else:
                    who = f"{last[0]} et al."
                out[key] = (who, plain(entry.fields["year"]))
        return out

    def _index(self, page: str, texts: list[str]) -> None:
        exercises = 0
        pending = []
        for text in texts:
            lines = text.splitlines()
            for i, line in enumerate(lines):
                target = _TARGET.match(line)
                if target:
                    pending.append(target.group(1))
                    continue
                level = heading_level(line)
                if level is not None:
                    title = _HEADING.match(line).group(2)
                    if level == 1 and page not in self.titles:
                        self.titles[page] = title
                    for label in pending:
                        self.labels[label] = (page, title)
                    pending = []
                    continue
                d = _DIRECTIVE.match(line)
                if not d:
                    continue
                name, arg = d.group(3), d.group(4).strip()
                opts = {}
                for opt in lines[i + 1:]:
                    m = _OPTION.match(opt)
                    if not m:
                        break
                    opts[m.group(1)] = m.group(2).strip()
                if name == "exercise":
                    exercises += 1
                    if "label" in opts:
                        self.labels[opts["label"]] = (page, f"Exercise {exercises}")
                elif "name" in opts:
                    self.labels[opts["name"]] = (page, arg or name.title())
                if name == "glossary":
                    self._glossary(lines[i + 1:])

    def _glossary(self, lines: list[str]) -> None:
        for line in lines:
            if re.match(r"^(`{3,}|:{3,})\s*$", line):
                break
            if line.strip() and not line[0].isspace() and not _OPTION.match(line):
                term = line.split(" : ")[0].strip()
                self.terms[term.lower()] = term

    # -- addresses
    def page_url(self, page: str, anchor: str = "") -> str:
        return f"{self.site}/{BOOK}/{page}.html" + (f"#{anchor}" if anchor else "")

    def colab_url(self, name: str) -> str:
        repo = self.repo_url.removeprefix("https://github.com/")
        return (f"https://colab.research.google.com/github/{repo}/blob/"
                f"{self.branch}/{COLAB_DIR}/{name}")

    def raw_url(self, path: str) -> str:
        repo = self.repo_url.removeprefix("https://github.com/")
        return f"https://raw.githubusercontent.com/{repo}/{self.branch}/{path}"


def notebooks(root: pathlib.Path = ROOT) -> list[pathlib.Path]:
    return sorted((root / BOOK).glob("*.ipynb"))


def markdown_texts(path: pathlib.Path) -> list[str]:
    if path.suffix == ".md":
        return [path.read_text(encoding="utf-8")]
    nb = json.loads(path.read_text(encoding="utf-8"))
    return [source(c) for c in nb["cells"] if c["cell_type"] == "markdown"]


def label_id(label: str) -> str:
    """The HTML id docutils gives a target (``(label)=``, ``:name:``)."""
    from docutils.nodes import make_id

    return make_id(label)


def term_id(term: str) -> str:
    """The HTML id Sphinx gives a glossary term."""
    from sphinx.util.nodes import _make_id

    return _make_id(f"term-{term}")


# --------------------------------------------------------------------------
# Inline markup


class Converter:
    """Converts the markdown of one notebook (``where`` names it in errors)."""

    def __init__(self, book: Book, where: str):
        self.book = book
        self.where = where

    def fail(self, what: str) -> MystError:
        return MystError(f"{self.where}: {what}")

    def inline(self, text: str) -> str:
        return _TOKEN.sub(self._token, text)

    def _token(self, m: re.Match) -> str:
        if m.group("code"):
            return m.group(0)
        if m.group("subst"):
            raise self.fail(f"MyST substitution {m.group(0)!r} has no rule")
        if m.group("link"):
            return self._link(m)
        return self._role(m.group("rname"), m.group("rbody"))

    def _link(self, m: re.Match) -> str:
        text, target = m.group("ltext"), m.group("ltarget")
        if re.match(r"^[a-z][a-z0-9+.-]*:", target):
            return m.group(0)
        if m.group("bang"):
            return f"![{text}]({self.book.raw_url(f'{BOOK}/{target}')})"
        path, _, anchor = target.partition("#")
        if not path:
            raise self.fail(f"link to {target!r} within the page: no rule for "
                            "in-page anchors")
        page = pathlib.PurePosixPath(path)
        if page.suffix in (".ipynb", ".md") and len(page.parts) == 1:
            if page.stem not in self.book.titles:
                raise self.fail(f"link to {target!r}: no such page in {BOOK}/")
            return f"[{text}]({self.book.page_url(page.stem, anchor)})"
        return f"[{text}]({self.book.repo_url}/blob/{self.book.branch}/{BOOK}/{target})"

    def _role(self, name: str, body: str) -> str:
        body = " ".join(body.split())
        explicit = _EXPLICIT.match(body)
        text, target = explicit.groups() if explicit else (None, body)
        if name in ("cite:p", "cite:t", "cite"):
            return self._cite(name, target)
        if name in ("ref", "numref"):
            if target not in self.book.labels:
                raise self.fail(f"{{{name}}}`{body}`: no label {target!r} in the book")
            page, title = self.book.labels[target]
            if name == "numref" and text and "{" in text:
                raise self.fail(f"{{numref}}`{body}`: numbered text has no rule")
            url = self.book.page_url(page, label_id(target))
            return f"[{text or title}]({url})"
        if name == "doc":
            page = target.removesuffix(".ipynb").removesuffix(".md").split("/")[-1]
            if page not in self.book.titles:
                raise self.fail(f"{{doc}}`{body}`: no page {target!r} in {BOOK}/")
            return f"[{text or self.book.titles[page]}]({self.book.page_url(page)})"
        if name == "term":
            term = self.book.terms.get(target.lower())
            if term is None:
                raise self.fail(f"{{term}}`{body}`: {target!r} is not in the glossary")
            url = self.book.page_url("glossary", term_id(term))
            return f"[{text or target}]({url})"
        if name == "math":
            return f"${body}$"
        if name in ("sub", "sup"):
            return f"<{name}>{body}</{name}>"
        if name == "abbr":
            return text or target
        raise self.fail(f"the role {{{name}}} has no rule in {HERE}")

    def _cite(self, name: str, keys: str) -> str:
        found = []
        for key in (k.strip() for k in keys.split(",")):
            if key not in self.book.bib:
                raise self.fail(f"{{{name}}}`{keys}`: no entry {key!r} in the "
                                "bibliography")
            found.append(self.book.bib[key])
        url = self.book.page_url("bibliography")
        if name == "cite:t":
            return ", ".join(f"[{who} ({year})]({url})" for who, year in found)
        inner = "; ".join(f"{who}, {year}" for who, year in found)
        return f"([{inner}]({url}))"

    # ----------------------------------------------------------------------
    # Block markup

    def pieces(self, text: str) -> list[tuple]:
        """Split a markdown cell into ``("text", md)`` and exercise pieces."""
        out: list[tuple] = []
        lines = text.split("\n")
        buf: list[str] = []
        i = 0

        def flush():
            if buf:
                out.append(("text", self.inline("\n".join(buf))))
                buf.clear()

        while i < len(lines):
            line = lines[i]
            d = _DIRECTIVE.match(line)
            if d:
                end = self._closing(lines, i, d.group(2))
                name, arg = d.group(3), d.group(4).strip()
                opts, body = self._options(lines[i + 1:end], name)
                i = end + 1
                if name in ("exercise", "exercise-start", "exercise-end",
                            "solution-start", "solution-end", "solution"):
                    flush()
                    out += self._exercise_piece(name, arg, opts, body)
                else:
                    buf.append(self.directive(name, arg, opts, body))
                continue
            f = _FENCE.match(line)
            if f:
                end = self._closing(lines, i, f.group(2))
                flush()
                out.append(("text", "\n".join(lines[i:end + 1])))
                i = end + 1
                continue
            if _TARGET.match(line) or _COMMENT.match(line) or _BLOCK_BREAK.match(line):
                i += 1
                continue
            buf.append(line)
            i += 1
        flush()
        return [p for p in out if p[0] != "text" or p[1].strip()]

    def _closing(self, lines: list[str], start: int, fence: str) -> int:
        close = re.compile(rf"^[ \t]*{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$")
        for j in range(start + 1, len(lines)):
            if close.match(lines[j]):
                return j
        raise self.fail(f"unclosed fence {lines[start]!r}")

    def _options(self, body: list[str], name: str) -> tuple[dict, list[str]]:
        opts: dict[str, str] = {}
        if body and body[0].strip() == "---":
            import yaml

            end = body.index("---", 1)
            opts = yaml.safe_load("\n".join(body[1:end])) or {}
            body = body[end + 1:]
        else:
            while body and _OPTION.match(body[0]):
                m = _OPTION.match(body[0])
                opts[m.group(1)] = m.group(2).strip()
                body = body[1:]
        while body and not body[0].strip():
            body = body[1:]
        return opts, body

    def _exercise_piece(self, name, arg, opts, body) -> list[tuple]:
        text = self.block("\n".join(body))
        if name == "exercise-end":  # a gated exercise: its cells are the question
            return []
        if name in ("exercise", "exercise-start"):
            if not opts.get("label"):
                raise self.fail(f"an exercise without :label: ({arg or text[:40]!r})")
            return [("exercise", opts["label"], arg, text,
                     "nonumber" in opts)]
        if name == "solution-start":
            return [("solution-start", arg)]
        if name == "solution-end":
            return [("solution-end",)]
        return [("solution-start", arg), ("text", text), ("solution-end",)]

    def block(self, text: str) -> str:
        """Convert markdown that may not hold exercises (directive bodies)."""
        parts = []
        for piece in self.pieces(text):
            if piece[0] != "text":
                raise self.fail(f"{piece[0]} inside a directive")
            parts.append(piece[1])
        return "\n".join(parts)

    def directive(self, name: str, arg: str, opts: dict, body: list[str]) -> str:
        text = self.block("\n".join(body)).strip("\n")
        classes = str(opts.get("class", "")).split()
        if name in ADMONITIONS:
            title = (self.inline(arg) if arg
                     else name.replace("seealso", "see also").capitalize())
            if name == "dropdown" or "dropdown" in classes:
                return (f"<details>\n<summary>{title}</summary>\n\n{text}\n\n"
                        "</details>\n")
            quoted = "\n".join(f"> {line}" if line else ">"
                               for line in text.split("\n"))
            return f"> **{title}**\n>\n{quoted}\n"
        if name in ("figure", "image"):
            alt = opts.get("alt", "") or (text.split("\n")[0] if text else "")
            image = f"![{alt}]({self.book.raw_url(f'{BOOK}/{arg}')})"
            caption = f"\n\n*{text}*" if name == "figure" and text else ""
            return f"{image}{caption}\n"
        if name == "math":
            return f"$$\n{chr(10).join(body).strip()}\n$$\n"
        if name in ("code-block", "code", "sourcecode"):
            return f"```{arg}\n{chr(10).join(body)}\n```\n"
        if name == "glossary":
            entries, term = [], None
            for line in body:
                if line.strip() and not line[0].isspace():
                    term = line.strip()
                    entries.append([f"**{term}**:", []])
                elif line.strip() and term:
                    entries[-1][1].append(line.strip())
            return "\n\n".join(f"{t} {self.inline(' '.join(d))}"
                               for t, d in entries) + "\n"
        if name == "bibliography":
            return (f"The references are listed on the "
                    f"[bibliography page]({self.book.page_url('bibliography')}).\n")
        raise self.fail(f"the directive {{{name}}} has no rule in {HERE}")


# --------------------------------------------------------------------------
# Notebooks


def _md_cell(cell_id: str, text: str, metadata: dict | None = None) -> dict:
    cell = {"cell_type": "markdown", "id": cell_id,
            "metadata": {"id": cell_id, **(metadata or {})}, "source": []}
    set_source(cell, text.strip("\n"))
    return cell


def _code_cell(cell: dict, in_solution: bool) -> dict:
    text = source(cell)
    meta = copy.deepcopy(cell.get("metadata", {}))
    for key in ("execution", "collapsed", "scrolled"):
        meta.pop(key, None)
    tags = [t for t in meta.pop("tags", []) if not t.startswith("nbval")]
    if tags:
        meta["tags"] = tags
    if in_solution:
        # the collapsed section hides it; no form, no second fold
        text = re.sub(r"^# ?@title Solution[^\n]*\n", "", text)
        meta.pop("cellView", None)
        meta.pop("jupyter", None)
    new = {"cell_type": "code", "execution_count": None, "id": cell["id"],
           "metadata": {"id": cell["id"], **meta}, "outputs": [], "source": []}
    set_source(new, text)
    return new


class _Copy:
    """Builds the cells of one Colab copy, one book cell at a time."""

    def __init__(self, path: pathlib.Path, book: Book):
        self.path, self.book = path, book
        self.conv = Converter(book, f"{BOOK}/{path.name}")
        self.cells: list[dict] = []
        self.collapsed: list[str] = []
        self.exercises: dict[str, int] = {}  # label -> its heading's level
        self.section = (1, book.titles.get(path.stem, ""))
        self.number = 0
        self.solution: str | None = None  # label of the open solution
        self.close: dict | None = None  # the solution that needs ending
        self.source_id, self.parts = "", 0

    def end_solution_before(self, first_line: str | None) -> None:
        """End a closed solution's section unless ``first_line`` does."""
        close, self.close = self.close, None
        if close is None:
            return
        level = heading_level(first_line) if first_line is not None else None
        if level is not None and level <= close["level"]:
            return
        self.cells.append(_md_cell(f"after-{close['label']}",
                                   "#" * (close["level"] - 1)
                                   + f" {close['title']} (continued)"))

    def emit(self, text: str, metadata: dict | None = None,
             cell_id: str | None = None) -> None:
        if cell_id is None:
            cell_id = (self.source_id if self.parts == 0
                       else f"{self.source_id}-{self.parts}")
            self.parts += 1
        self.end_solution_before(text.lstrip("\n").split("\n", 1)[0])
        self.cells.append(_md_cell(cell_id, text, metadata))

    def code(self, cell: dict) -> None:
        self.end_solution_before(None)
        self.cells.append(_code_cell(cell, self.solution is not None))

    def markdown(self, cell: dict) -> None:
        text = source(cell)
        if not self.cells:
            if not _BADGE.search(text):
                raise self.conv.fail("the first cell has no Colab badge to replace")
            note = (f"*This notebook is the Colab copy of [a page of the course "
                    f"website]({self.book.page_url(self.path.stem)}). The "
                    "solution of each exercise is folded under its **Solution** "
                    "heading: click the arrow beside the heading to show it.*\n\n")
            text = _BADGE.sub(lambda _: note, text, count=1)
        self.source_id, self.parts = cell["id"], 0
        buffer: list[str] = []
        for piece in self.conv.pieces(text):
            if piece[0] == "text":
                buffer.append(piece[1])
                if self.solution is None:
                    self._note_headings(piece[1])
                continue
            if "".join(buffer).strip():
                self.emit("\n".join(buffer))
            buffer = []
            getattr(self, "_" + piece[0].replace("-", "_"))(*piece[1:])
        if "".join(buffer).strip():
            self.emit("\n".join(buffer))

    def _note_headings(self, text: str) -> None:
        for line in text.split("\n"):
            level = heading_level(line)
            if level is not None:
                self.section = (level, _HEADING.match(line).group(2))

    def _exercise(self, label, title, body, nonumber) -> None:
        if self.solution is not None:
            raise self.conv.fail(f"exercise {label!r} inside the solution of "
                                 f"{self.solution!r}")
        level = min(self.section[0] + 1, 5)
        if not nonumber:
            self.number += 1
        heading = "Exercise" + ("" if nonumber else f" {self.number}")
        if title:
            heading += f": {self.conv.inline(title)}"
        self.exercises[label] = level
        self.emit("#" * level + f" {heading}\n\n{body}")

    def _solution_start(self, label) -> None:
        if label not in self.exercises:
            raise self.conv.fail(f"solution of {label!r}, which is no exercise "
                                 "above it")
        if self.solution is not None:
            raise self.conv.fail(f"solution {label!r} inside the solution of "
                                 f"{self.solution!r}")
        heading_id = f"solution-{label}"
        self.emit("#" * (self.exercises[label] + 1) + " Solution",
                  {"jp-MarkdownHeadingCollapsed": True}, cell_id=heading_id)
        self.collapsed.append(heading_id)
        self.solution = label

    def _solution_end(self) -> None:
        label, self.solution = self.solution, None
        if label is None:
            raise self.conv.fail("solution-end without solution-start")
        self.close = {"label": label, "level": self.exercises[label] + 1,
                      "title": self.section[1] or "The page"}


def convert_notebook(path: pathlib.Path, book: Book) -> dict:
    """The Colab copy of the book notebook at ``path``."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    copy_ = _Copy(path, book)
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            copy_.code(cell)
        elif cell["cell_type"] == "markdown":
            copy_.markdown(cell)
        else:
            raise copy_.conv.fail(f"cell {cell.get('id')}: {cell['cell_type']} "
                                  "cells have no rule")
    if copy_.solution is not None:
        raise copy_.conv.fail(f"solution {copy_.solution!r} has no solution-end")
    ids = [c["id"] for c in copy_.cells]
    duplicate = sorted({i for i in ids if ids.count(i) > 1})
    if duplicate:
        raise copy_.conv.fail(f"cell ids repeat in the copy: {duplicate}")
    metadata = {k: v for k, v in nb["metadata"].items()
                if k in ("kernelspec", "language_info")}
    metadata["colab"] = {"provenance": [], "collapsed_sections": copy_.collapsed}
    return {"cells": copy_.cells, "metadata": metadata, "nbformat": nb["nbformat"],
            "nbformat_minor": nb["nbformat_minor"]}


def dumps(nb: dict) -> str:
    return json.dumps(nb, indent=1, ensure_ascii=False) + "\n"


def generate(out: pathlib.Path, root: pathlib.Path = ROOT) -> list[pathlib.Path]:
    """Write the Colab copy of every book notebook into ``out``; return them."""
    book = Book(root)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for path in notebooks(root):
        target = out / path.name
        target.write_text(dumps(convert_notebook(path, book)), encoding="utf-8")
        written.append(target)
    (out / "README.md").write_text(README, encoding="utf-8")
    for stale in sorted(out.glob("*.ipynb")):
        if stale not in written:
            stale.unlink()
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=pathlib.Path, default=ROOT / COLAB_DIR,
                        help=f"folder for the copies (default: {COLAB_DIR}/)")
    args = parser.parse_args(argv)
    for path in generate(args.out):
        print(path.relative_to(args.out.parent) if args.out.is_absolute() else path)
    return 0


if __name__ == "__main__":  # pragma: no cover - command line
    sys.exit(main())
