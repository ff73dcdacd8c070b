"""The book builds with Sphinx warnings treated as errors (`make book`'s command)."""

import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_book_builds_without_warnings(built_book):
    returncode, log, html = built_book
    assert returncode == 0, log[-6000:]
    warnings = [line for line in log.splitlines() if "WARNING" in line]
    assert not warnings, warnings
    assert (html / "index.html").exists()
    for nb in sorted((ROOT / "book").glob("*.ipynb")):
        assert (html / "book" / f"{nb.stem}.html").exists(), nb.name


@pytest.mark.slow
def test_math_is_served_from_the_site_not_a_cdn(built_book):
    returncode, log, html = built_book
    assert returncode == 0, log[-3000:]
    assert (html / "_static" / "mathjax" / "tex-chtml.js").exists()
    for page in html.rglob("*.html"):
        text = page.read_text(errors="replace")
        assert "cdn.jsdelivr.net/npm/mathjax" not in text, page.name
