"""Every number the prose states is printed by the page or asserted on it.

``unbacked(book_dir)`` lists the quantitative tokens of the book's prose that
nothing backs; ``tests/test_claims.py`` runs it over ``book/`` and expects an
empty list. It is a plain function so that it can be rerun by hand:

    python -c "from tests.claims import report; report('book')"

What counts as a quantitative token (in a notebook's markdown cells and in the
``book/*.md`` pages):

* a number with a decimal point (``0.93``, ``1.5``), including numbers inside
  LaTeX math (``$0.5 \\cdot x$``): math is prose, and shape arithmetic there is
  a claim like any other;
* a percentage (``12%``, ``12 %``, ``12\\%``);
* a number followed by a unit: dB, s, ms, µs, min, seconds, minutes, hours,
  kB/MB/GB (and KiB/MiB/GiB), FLOP(s), GFLOP/s and the like;
* any integer of 1,000 or more, with or without thousands separators
  (``1,663,370``, ``1663370``, LaTeX's ``1{,}663{,}370``).

Small integers without a unit (kernel size 3, stride 2, 28 x 28) are not
tokens: they are the page's set-up, visible in the code beside them.

What is skipped, because it is code or an address rather than a claim: fenced
code blocks (```` ```python ````, ```` ```{code-block} ```` ...; the prose
inside MyST directives such as ```` ```{note} ```` is still checked), inline
code and roles (`` `conv2d(x, 0.5)` ``, ``{cite}`lecun1998` ``), directive
option lines (``:width: 80%``), URLs and link targets, HTML tags and comments,
and a digit glued to a letter or underscore (``conv2d``, ``fc1``, ``x_2``).

A token is backed when its digits, as written (thousands separators dropped,
sign ignored), appear as a whole number

* in a stored output of the same notebook (stream text, ``text/plain``,
  ``text/html``, ``text/markdown``), i.e. after the same rounding; or
* in an ``assert`` statement of one of the notebook's code cells; or
* in ``book/claims.toml``: a ``[[quoted]]`` entry lists numbers that are
  quoted rather than computed (a paper's result, an article's typo, a year, a
  version), each with its page and its source or reason (``page = "*"`` for a
  year or version cited on several pages). A ``.md`` page has no outputs of its
  own; ``[backing]`` in the same file names the notebooks whose outputs and
  asserts back it (for example the errata page quoting a chapter's result).
"""

from __future__ import annotations

import ast
import json
import pathlib
import re
from dataclasses import dataclass

import tomllib

UNITS = (
    "dB",
    "ms",
    "µs",
    "us",
    "ns",
    "s",
    "sec",
    "min",
    "seconds",
    "second",
    "minutes",
    "minute",
    "hours",
    "hour",
    "kB",
    "KB",
    "MB",
    "GB",
    "KiB",
    "MiB",
    "GiB",
    "FLOP",
    "FLOPs",
    "FLOPS",
    "MFLOP",
    "MFLOPs",
    "GFLOP",
    "GFLOPs",
    "GFLOPS",
    "GFLOP/s",
    "TFLOP/s",
    "MFLOP/s",
)
_UNIT_RE = "|".join(sorted((re.escape(u) for u in UNITS), key=len, reverse=True))
# A number: thousands-separated or plain digits, optional decimal part. Not glued
# to a letter, digit, underscore or dot on the left (conv2d, fc1, 1.2.3 parts).
_NUMBER = r"(?<![\w.])(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)*)"
TOKEN_RE = re.compile(
    _NUMBER
    + r"(?P<pct>[ \u00a0]?\\?%)?"
    + r"(?:(?P<unit>[ \u00a0]?(?:"
    + _UNIT_RE
    + r"))(?![\w/-]))?"
)
NUMBER_RE = re.compile(r"(?<![\w.])(\d{1,3}(?:[,_]\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)")

_FENCE_RE = re.compile(r"^\s*(`{3,}|~{3,})\s*(\S*)")
_CODE_FENCE_INFO = re.compile(
    r"^(\{(code-cell|code-block|code|literalinclude)\}|[\w+-]*)$"
)


@dataclass(frozen=True)
class Claim:
    """A token of the prose and where it stands."""

    page: str
    cell: int | None
    number: str
    text: str

    def __str__(self):
        where = self.page if self.cell is None else f"{self.page} cell [{self.cell}]"
        return f"{where}: {self.text!r} has no backing"


def normalise(number: str) -> str:
    """The digits of a number as the checker compares them: no separators."""
    return number.replace(",", "").replace("_", "").lstrip("+-−")


def prose_only(markdown: str) -> str:
    """Markdown with code, addresses and markup removed; the prose and math stay."""
    kept, fence, directives = [], None, []
    for line in markdown.splitlines():
        m = _FENCE_RE.match(line)
        if fence is None and m and not m.group(2).strip() and directives \
                and m.group(1) == directives[-1]:
            directives.pop()  # a bare fence that closes an open directive
            kept.append("")
            continue
        if fence is None and m:
            info = m.group(2)
            is_code = bool(_CODE_FENCE_INFO.match(info)) and not (
                info.startswith("{")
                and not info.startswith("{code")
                and not info.startswith("{literalinclude")
            )
            if is_code:
                fence = m.group(1)
                continue
            directives.append(m.group(1))
            kept.append("")  # a directive's opening line: its argument is markup
            continue
        if fence is not None:
            if line.strip().startswith(
                fence[0] * len(fence)
            ) and not line.strip().strip(fence[0]):
                fence = None
            continue
        if re.match(r"^\s*:[\w-]+:(\s|$)", line):  # directive options
            continue
        if re.match(r"^\s*\([\w:.-]+\)=\s*$", line):  # MyST targets
            continue
        kept.append(line)
    text = "\n".join(kept)
    text = re.sub(r"<!--.*?-->", " ", text, flags=re.S)
    text = re.sub(r"(\{[\w:-]+\})?(`+)(.+?)\2", " ", text, flags=re.S)  # code, roles
    text = re.sub(r"\]\([^)]*\)", "] ", text)  # link targets
    text = re.sub(r"^\s*\[[^\]]+\]:\s*\S+.*$", " ", text, flags=re.M)  # link defs
    text = re.sub(r"https?://\S+", " ", text)
    text = re.sub(r"<[^>\n]+>", " ", text)  # HTML tags
    text = text.replace("{,}", ",").replace("\\,", "")
    return text


def tokens(markdown: str) -> list[str]:
    """The quantitative tokens of a markdown text, as written."""
    found = []
    for m in TOKEN_RE.finditer(prose_only(markdown)):
        num = m.group("num")
        digits = normalise(num)
        is_token = (
            "." in num
            or m.group("pct") is not None
            or m.group("unit") is not None
            or (digits.isdigit() and int(digits) >= 1000)
        )
        if is_token:
            found.append(m.group(0).strip())
    return found


def _numbers(text: str) -> set[str]:
    return {normalise(n) for n in NUMBER_RE.findall(text)}


def output_numbers(cell: dict) -> set[str]:
    """Every number that a code cell's stored outputs print."""
    found: set[str] = set()
    for out in cell.get("outputs", []):
        if out.get("output_type") == "stream":
            found |= _numbers("".join(out.get("text", "")))
        for mime in ("text/plain", "text/html", "text/markdown", "text/latex"):
            data = out.get("data", {}).get(mime)
            if data:
                found |= _numbers("".join(data) if isinstance(data, list) else data)
    return found


def assert_numbers(source: str) -> set[str]:
    """Every number written in an ``assert`` statement of a cell's source."""
    lines = [
        "" if line.lstrip().startswith(("%", "!")) else line
        for line in source.splitlines()
    ]
    code = "\n".join(lines)
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return _numbers(
            "\n".join(ln for ln in lines if ln.lstrip().startswith("assert"))
        )
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Assert):
            found |= _numbers(ast.get_source_segment(code, node) or "")
    return found


def load_claims(path: pathlib.Path) -> tuple[dict[str, set[str]], dict[str, list[str]]]:
    """Quoted numbers per page ("*": every page) and the backing of .md pages."""
    if not path.exists():
        return {}, {}
    data = tomllib.loads(path.read_text())
    quoted: dict[str, set[str]] = {}
    for entry in data.get("quoted", []):
        for key in ("page", "numbers", "source"):
            if key not in entry:
                raise ValueError(f"{path.name}: entry {entry!r} lacks {key!r}")
        if not str(entry["source"]).strip():
            raise ValueError(f"{path.name}: entry {entry!r} has an empty source")
        numbers = {_bare(str(n)) for n in entry["numbers"]}
        quoted.setdefault(entry["page"], set()).update(numbers)
    return quoted, dict(data.get("backing", {}))


def _notebook_backing(nb: dict) -> set[str]:
    backed: set[str] = set()
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            backed |= output_numbers(cell)
            backed |= assert_numbers("".join(cell["source"]))
    return backed


def _bare(token: str) -> str:
    return normalise(NUMBER_RE.match(token.lstrip("+-−")).group(1))


def _worked_answers(notebook_name: str) -> set[str]:
    """The worked answers that the exercises of a notebook's chapter state in
    their solutions (``Exercise.worked``): ``tests/test_exercises.py`` asserts
    that each one passes the exercise's own check, so they are backed."""
    prefix = notebook_name.split("_")[0]
    chapter = "appendix" if prefix == "appendix" else f"ch{int(prefix[:2])}" \
        if prefix[:2].isdigit() else None
    if chapter is None:
        return set()
    from companion.exercises import all_exercises

    found = set()
    for name, exercise in all_exercises().items():
        if name.split(".")[0] == chapter:
            for fragment in getattr(exercise, "worked", ()):
                found |= {_bare(t) for t in re.findall(r"-?\d[\d,]*(?:\.\d+)?",
                                                         fragment)}
    return found


def unbacked(book_dir, claims_file=None) -> list[Claim]:
    """The tokens of every page in ``book_dir`` that nothing backs."""
    book_dir = pathlib.Path(book_dir)
    claims_file = pathlib.Path(claims_file or book_dir / "claims.toml")
    quoted, backing = load_claims(claims_file)
    everywhere = quoted.get("*", set())
    notebooks = {
        p.name: json.loads(p.read_text()) for p in sorted(book_dir.glob("*.ipynb"))
    }
    missing: list[Claim] = []
    for name, nb in notebooks.items():
        backed = (_notebook_backing(nb) | quoted.get(name, set()) | everywhere
                  | _worked_answers(name))
        for index, cell in enumerate(nb["cells"]):
            if cell["cell_type"] != "markdown":
                continue
            for token in tokens("".join(cell["source"])):
                if _bare(token) not in backed:
                    missing.append(Claim(name, index, _bare(token), token))
    for page in sorted(book_dir.glob("*.md")):
        backed = quoted.get(page.name, set()) | everywhere
        for source in backing.get(page.name, []):
            if source not in notebooks:
                raise ValueError(f"claims.toml: [backing] {page.name} names {source!r}")
            backed |= _notebook_backing(notebooks[source])
        for token in tokens(page.read_text()):
            if _bare(token) not in backed:
                missing.append(Claim(page.name, None, _bare(token), token))
    return missing


def report(book_dir="book") -> int:
    """Print the unbacked tokens, page by page; return how many there are."""
    missing = unbacked(book_dir)
    for claim in missing:
        print(claim)
    return len(missing)
