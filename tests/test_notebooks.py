"""Book-wide notebook conventions, and proof that nbval catches drifted outputs.

nbval itself runs over every notebook in ``book/`` (``--nbval`` in
pyproject.toml); these tests check what nbval cannot: that each notebook is
stored executed, in order, with the Colab cell and badge, and listed in the
table of contents.
"""

import json
import pathlib
import re
import subprocess
import sys

import nbformat
import pytest
import tomllib
import yaml

ROOT = pathlib.Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "book").glob("*.ipynb"))
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text())


def _toc_files():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [toc["root"]]

    def walk(node):
        if isinstance(node, dict):
            if "file" in node:
                files.append(node["file"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(toc.get("parts", []))
    walk(toc.get("chapters", []))
    return files


def test_there_are_notebooks():
    assert NOTEBOOKS, "book/ holds no notebook"


def test_every_notebook_is_in_the_toc_and_every_toc_entry_exists():
    listed = _toc_files()
    for nb in NOTEBOOKS:
        assert f"book/{nb.stem}" in listed, f"{nb.name} is missing from _toc.yml"
    for entry in listed:
        matches = list(ROOT.glob(entry + ".*"))
        assert matches, f"_toc.yml lists {entry}, which does not exist"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_stored_executed_in_order_without_errors(path):
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code" and c.source.strip()]
    counts = [c.execution_count for c in code]
    assert None not in counts, f"{path.name}: cells never executed: {counts}"
    assert counts == list(range(1, len(code) + 1)), \
        f"{path.name}: not run top to bottom in one fresh kernel: {counts}"
    for c in code:
        for out in c.outputs:
            assert out.output_type != "error", f"{path.name}: stored error output"
    assert nb.metadata["kernelspec"]["name"] == "python3"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_has_colab_cell_and_badge(path):
    nb = nbformat.read(path, as_version=4)
    first_code = next(c for c in nb.cells if c.cell_type == "code")
    assert '"google.colab" in sys.modules' in first_code.source
    assert "pip install" in first_code.source
    assert first_code.outputs == [], "outside Colab the first cell prints nothing"
    repo = CONFIG["repository"]["url"].removeprefix("https://github.com/")
    # the badge opens the Colab copy (colab/, make notebooks), not the MyST source
    badge = (f"https://colab.research.google.com/github/{repo}/blob/"
             f"{CONFIG['repository']['branch']}/colab/{path.name}")
    image = f"[![Open In Colab](_static/colab-badge.svg)]({badge})"
    assert image in nb.cells[0].source, f"{path.name}: no Colab badge {image}"
    assert (ROOT / "book" / "_static" / "colab-badge.svg").exists()


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_install_cell_installs_the_repository_named_in_config(path):
    # Colab opens a notebook alone, without _config.yml, so the URL cannot be read
    # at run time: the cell names it once, and this test holds it to _config.yml.
    first_code = next(c for c in nbformat.read(path, as_version=4).cells
                      if c.cell_type == "code")
    url, branch = CONFIG["repository"]["url"], CONFIG["repository"]["branch"]
    named = re.findall(r'^REPOSITORY = "([^"]*)"', first_code.source, re.M)
    assert named == [url], (f"{path.name}: the install cell must set "
                            f'REPOSITORY = "{url}" (_config.yml), got {named}')
    installs = re.findall(r"%pip install .*", first_code.source)
    dist = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["name"]
    assert installs == [f'%pip install -q "{dist} @ git+{{REPOSITORY}}@{branch}"'], \
        installs
    assert first_code.source.count("github.com") == 1, "a second copy of the URL"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_markdown_loads_no_external_image(path):
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        external = (re.findall(r"!\[[^\]]*\]\((?:https?:)?//[^)]*\)", cell.source)
                    + re.findall(r"<img[^>]+src=[\"'](?:https?:)?//[^\"']*",
                                 cell.source))
        assert not external, f"{path.name}: external image {external}"


def test_lines_fit_in_88_columns_and_ruff_is_clean():
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "companion", "tests", "benchmarks",
         "book"],
        cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def _notebook(tmp_path, source, stored_text):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    cell = nbformat.v4.new_code_cell(source)
    cell.execution_count = 1
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=stored_text)]
    nb.cells.append(cell)
    path = tmp_path / "drift.ipynb"
    nbformat.write(nb, path)
    return path


def _run_nbval(tmp_path, path):
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "--nbval",
         "--nbval-current-env", "--nbval-sanitize-with",
         str(ROOT / "tests" / "nbval_sanitize.cfg"), path.name],
        cwd=tmp_path, capture_output=True, text=True, timeout=300)


@pytest.mark.slow
def test_nbval_fails_with_a_readable_diff_when_an_output_drifts(tmp_path):
    path = _notebook(tmp_path, "print(6 * 7)", "41\n")
    result = _run_nbval(tmp_path, path)
    assert result.returncode == 1, result.stdout
    out = result.stdout
    assert "1 failed" in out
    # the report names the cell, its source, the output kind and both values
    assert "Cell outputs differ" in out and "print(6 * 7)" in out, out
    assert "mismatch 'stdout'" in out, out
    assert "'41\\n' == '42\\n'" in out, out


@pytest.mark.slow
def test_nbval_sanitizer_absorbs_memory_addresses_but_not_values(tmp_path):
    path = _notebook(tmp_path, "print(object())",
                     "<object object at 0x7f00deadbeef>\n")
    assert _run_nbval(tmp_path, path).returncode == 0
    path = _notebook(tmp_path, "print(6 * 7)", "42\n")
    assert _run_nbval(tmp_path, path).returncode == 0


def test_sanitizer_file_is_valid_and_small():
    text = (ROOT / "tests" / "nbval_sanitize.cfg").read_text()
    regexes = re.findall(r"^regex: (.+)$", text, flags=re.M)
    assert regexes and all(re.compile(r) for r in regexes)
    # no rule may swallow digits alone: that would hide changed numbers
    for r in regexes:
        assert not re.fullmatch(r, "42") and not re.fullmatch(r, "0.973")


def test_stored_notebooks_parse_as_json():
    for path in NOTEBOOKS:
        json.loads(path.read_text())
