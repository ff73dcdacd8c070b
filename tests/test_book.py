"""The book builds with Sphinx warnings treated as errors (`make book`'s command)."""

import pathlib
import shutil
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_book_builds_without_warnings(tmp_path):
    jb = pathlib.Path(sys.executable).with_name("jupyter-book")
    assert jb.exists(), "jupyter-book is not installed in this environment"
    result = subprocess.run(
        [str(jb), "build", str(ROOT), "-W", "-n", "--keep-going", "--all",
         "--path-output", str(tmp_path)],
        capture_output=True, text=True, timeout=1200)
    log = result.stdout + result.stderr
    assert result.returncode == 0, log[-6000:]
    html = tmp_path / "_build" / "html"
    assert (html / "index.html").exists()
    for nb in sorted((ROOT / "book").glob("*.ipynb")):
        assert (html / "book" / f"{nb.stem}.html").exists(), nb.name
    shutil.rmtree(tmp_path / "_build" / ".doctrees", ignore_errors=True)
