"""The book builds with Sphinx warnings treated as errors (`make book`'s command)."""

import html.parser
import pathlib
import re

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


_EXTERNAL = re.compile(r"^(?:[a-z][a-z0-9+.-]*:)?//", re.I)
# <link rel=...> values that make the browser fetch or contact the target
_FETCHING_RELS = {"stylesheet", "icon", "shortcut", "apple-touch-icon", "preload",
                  "prefetch", "preconnect", "dns-prefetch", "modulepreload",
                  "manifest", "mask-icon"}


class _Resources(html.parser.HTMLParser):
    """Every URL an HTML page makes the browser load (not the links it offers)."""

    def __init__(self):
        super().__init__()
        self.urls = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "link":
            rels = set((a.get("rel") or "").lower().split())
            if rels & _FETCHING_RELS:
                self.urls.append(a.get("href") or "")
        elif tag in ("script", "img", "iframe", "source", "video", "audio",
                     "embed", "input", "track"):
            self.urls.append(a.get("src") or "")
        elif tag == "object":
            self.urls.append(a.get("data") or "")
        for candidate in (a.get("srcset") or "").split(","):
            self.urls.append(candidate.strip().split(" ")[0])
        self.urls += re.findall(r"url\(\s*['\"]?([^'\")]+)", a.get("style") or "")


@pytest.mark.slow
def test_no_page_or_stylesheet_loads_anything_from_outside(built_book):
    """A static scan; tests/test_site.py checks the same in a browser."""
    returncode, log, html = built_book
    assert returncode == 0, log[-3000:]
    pages = sorted(html.rglob("*.html"))
    assert pages
    bad, n = [], 0
    for page in pages:
        parser = _Resources()
        parser.feed(page.read_text(errors="replace"))
        n += len(parser.urls)
        bad += [f"{page.relative_to(html)}: {u}" for u in parser.urls
                if _EXTERNAL.match(u.strip())]
    for css in sorted(html.rglob("*.css")):
        text = css.read_text(errors="replace")
        urls = (re.findall(r"url\(\s*['\"]?([^'\")]+)", text)
                + re.findall(r"@import\s+['\"]([^'\"]+)", text))
        bad += [f"{css.relative_to(html)}: {u}" for u in urls
                if _EXTERNAL.match(u.strip())]
    assert n > 0, "the scan found no resource at all"
    assert not bad, "\n".join(bad)


@pytest.mark.slow
def test_colab_button_and_badge_open_the_colab_copy(built_book):
    # sphinx-book-theme builds the launch button from the source's path
    # (book/...); book/_ext/course_site.py points it at the copy in colab/
    import yaml

    returncode, log, html = built_book
    assert returncode == 0, log[-3000:]
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    repo = config["repository"]["url"].removeprefix("https://github.com/")
    branch = config["repository"]["branch"]
    for nb in sorted((ROOT / "book").glob("*.ipynb")):
        text = (html / "book" / f"{nb.stem}.html").read_text()
        links = re.findall(r'href="(https://colab\.research\.google\.com/[^"]*)"', text)
        want = (f"https://colab.research.google.com/github/{repo}/blob/{branch}/"
                f"colab/{nb.name}")
        assert len(links) >= 2, f"{nb.name}: launch button and badge, got {links}"
        assert set(links) == {want}, (nb.name, links)


@pytest.mark.slow
def test_colab_copies_link_to_pages_and_anchors_that_exist(built_book):
    # the copies turn {ref}, {doc}, {term}, {cite} and page links into links
    # to the site (html.baseurl): each must name a built page and an id on it
    import json

    import yaml

    returncode, log, html = built_book
    assert returncode == 0, log[-3000:]
    site = yaml.safe_load((ROOT / "_config.yml").read_text())["html"]["baseurl"]
    site = site.rstrip("/") + "/"
    links = set()
    for path in sorted((ROOT / "colab").glob("*.ipynb")):
        for cell in json.loads(path.read_text())["cells"]:
            if cell["cell_type"] == "markdown":
                links |= set(re.findall(re.escape(site) + r"([^)\s]*)",
                                        "".join(cell["source"])))
    assert any("#" in link for link in links), "no anchored link: the search is broken"
    bad = []
    for link in sorted(links):
        page, _, anchor = link.partition("#")
        target = html / page
        if not target.is_file():
            bad.append(f"{link}: no page")
        elif anchor and f'id="{anchor}"' not in target.read_text(errors="replace"):
            bad.append(f"{link}: no id {anchor!r} on the page")
    assert not bad, "\n".join(bad)
