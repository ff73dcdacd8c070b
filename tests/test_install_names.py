"""The distribution's own name, version and Python requirement.

The import name is ``companion``, but ``companion`` on PyPI is an unrelated
project: an install line that names it installs someone else's package. Every
install line in the repository (README, pages, notebooks and their Colab
copies, docstrings, Makefile, CI) must name the distribution of pyproject.toml.
"""

import json
import pathlib
import re

import tomllib
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name

import companion

ROOT = pathlib.Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
DIST = PYPROJECT["project"]["name"]

_INSTALL = re.compile(r"pip3? install\b([^\n]*)")


def _texts():
    """(where, text) of every file that may hold an install line."""
    paths = [ROOT / "README.md", ROOT / "Makefile", ROOT / "pyproject.toml",
             ROOT / ".ci" / "run"]
    paths += sorted((ROOT / "book").glob("*.md"))
    paths += sorted((ROOT / "companion").rglob("*.py"))
    paths += sorted((ROOT / "benchmarks").rglob("*.py"))
    paths += sorted((ROOT / ".github").rglob("*.yml"))
    paths += sorted(ROOT.glob("requirements*.txt"))
    for path in paths:
        if path.exists():
            yield str(path.relative_to(ROOT)), path.read_text(encoding="utf-8")
    for folder in ("book", "colab"):
        for path in sorted((ROOT / folder).glob("*.ipynb")):
            nb = json.loads(path.read_text(encoding="utf-8"))
            for cell in nb["cells"]:
                src = cell["source"]
                yield (f"{folder}/{path.name} {cell.get('id')}",
                       "".join(src) if isinstance(src, list) else src)


def named_distributions(args: str) -> list[str]:
    """The distribution names an install line's arguments name."""
    names = []
    for token in re.findall(r'"([^"]*)"|\'([^\']*)\'|(\S+)', args):
        token = next(t for t in token if t)
        if token.startswith(("-", "#", ".", "/", "$", "{", "`")) or "://" in token[:12]:
            continue
        name = re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", token)
        if name:
            names.append(canonicalize_name(name.group(0)))
    return names


def test_the_distribution_has_its_own_name_and_the_import_name_stays():
    assert canonicalize_name(DIST) != "companion"
    assert PYPROJECT["tool"]["setuptools"]["packages"]["find"]["include"][0] == \
        "companion"


def test_the_parser_sees_the_bare_name():
    assert named_distributions(' -q "companion @ git+https://x/y"') == ["companion"]
    assert named_distributions(" companion[frameworks]") == ["companion"]
    assert named_distributions(' -e ".[frameworks]"') == []
    assert named_distributions(f' "{DIST}[frameworks] @ git+https://x"') == [
        canonicalize_name(DIST)]


def test_no_install_line_names_the_bare_companion():
    lines, bad = 0, []
    for where, text in _texts():
        for m in _INSTALL.finditer(text):
            lines += 1
            if "companion" in named_distributions(m.group(1)):
                bad.append(f"{where}: {m.group(0).strip()}")
    assert lines > 10, "found almost no install line: the search is broken"
    assert not bad, "\n".join(bad)


def test_the_readme_and_getting_started_install_the_distribution():
    readme = (ROOT / "README.md").read_text()
    assert f'pip install "{DIST} @ git+' in readme
    nb = json.loads((ROOT / "book" / "00_getting_started.ipynb").read_text())
    text = "".join("".join(c["source"]) for c in nb["cells"])
    assert f'pip install "{DIST}[frameworks] @ git+' in text


def test_the_version_is_written_once():
    assert "version" not in PYPROJECT["project"]
    assert "version" in PYPROJECT["project"]["dynamic"]
    assert PYPROJECT["tool"]["setuptools"]["dynamic"]["version"] == {
        "attr": "companion.__version__"}
    assert re.fullmatch(r"\d+\.\d+\.\d+", companion.__version__)
    written = [str(p.relative_to(ROOT)) for p in (ROOT / "companion").rglob("*.py")
               if re.search(r"^__version__\s*=", p.read_text(), re.M)]
    assert written == ["companion/__init__.py"]


def test_requires_python_admits_exactly_the_versions_with_tarfile_filters():
    # tarfile.extractall(filter=...) is in 3.10.12+, 3.11.4+ and 3.12+
    assert 'filter="data"' in (ROOT / "companion" / "data.py").read_text()
    spec = SpecifierSet(PYPROJECT["project"]["requires-python"])
    for version in ("3.10.12", "3.10.14", "3.11.4", "3.11.9", "3.12.0", "3.13.1"):
        assert spec.contains(version), version
    for version in ("3.9.18", "3.10.0", "3.10.11", "3.11.0", "3.11.3"):
        assert not spec.contains(version), version
    readme = (ROOT / "README.md").read_text()
    assert "3.10.12" in readme and "3.11.4" in readme


def test_the_book_extra_lists_the_site_tools():
    import yaml

    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    needed = {"jupyter-book"} | {
        canonicalize_name(ext) for ext in config["sphinx"]["extra_extensions"]
        if not ext.startswith("sphinx.ext.")}
    if config.get("bibtex_bibfiles"):
        needed.add("sphinxcontrib-bibtex")
    book = {canonicalize_name(re.match(r"[\w.-]+", r).group(0))
            for r in PYPROJECT["project"]["optional-dependencies"]["book"]}
    assert needed <= book, needed - book
