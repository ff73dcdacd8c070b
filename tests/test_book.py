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


@pytest.mark.slow
def test_every_chapter_page_states_its_measured_run_time(built_book):
    import json
    import sys

    sys.path.insert(0, str(ROOT / "book" / "_ext"))
    from course_site import format_duration, run_seconds

    returncode, log, html = built_book
    assert returncode == 0, log[-3000:]
    intro = (html / "book" / "intro.html").read_text()
    for nb in sorted((ROOT / "book").glob("*.ipynb")):
        duration = format_duration(run_seconds(json.loads(nb.read_text())))
        page = (html / "book" / f"{nb.stem}.html").read_text()
        assert f"This page takes {duration} to run on 2 CPU cores" in page, nb.name
        assert duration.removeprefix("about ") in intro, nb.name
