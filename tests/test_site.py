"""The built website, opened page by page in a real headless Chromium.

The site is built once per session (the ``built_book`` fixture), served on
127.0.0.1, and every page is loaded in Debian's Chromium through Selenium. The
module skips where Chromium or its driver is missing, except under CI, where
``.ci/run`` installs them and a missing browser is a failure. A screenshot of
each page lands in ``_build/screenshots/`` for review.

axe-core (``tests/vendor/axe-core``, pinned) checks every page for
accessibility barriers; the counts of what it finds, by page and impact, land
in ``_build/axe.json``.
"""

from __future__ import annotations

import collections
import functools
import hashlib
import http.server
import json
import os
import pathlib
import re
import shutil
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
import yaml

ROOT = pathlib.Path(__file__).resolve().parents[1]
SCREENSHOTS = ROOT / "_build" / "screenshots"
AXE = ROOT / "tests" / "vendor" / "axe-core" / "axe.min.js"
AXE_SHA256 = "29348999450cdf2849a8e70b7912fc2da85a849da39c0d0d5394f51d4a9ed95c"
AXE_REPORT = ROOT / "_build" / "axe.json"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")

pytestmark = [pytest.mark.browser, pytest.mark.slow]

if not (CHROMIUM and DRIVER):
    if os.environ.get("CI"):
        raise RuntimeError("CI must run the browser tests: install Debian's chromium "
                           "and chromium-driver (.ci/run does)")
    pytest.skip("Chromium or chromedriver is not installed (apt-get install "
                "chromium chromium-driver)", allow_module_level=True)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def site(built_book):
    returncode, log, html = built_book
    assert returncode == 0, log[-3000:]
    handler = functools.partial(_QuietHandler, directory=str(html))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield html, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", "--window-size=1280,1000"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs",
                           {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()


def _pages(html: pathlib.Path) -> list[str]:
    skip = {"genindex.html", "search.html", "index.html"}
    return sorted(str(p.relative_to(html)) for p in html.rglob("*.html")
                  if p.name not in skip and "_static" not in p.parts)


def _is_local(url: str) -> bool:
    return url.startswith("http://127.0.0.1:")


def _load(browser, url):
    browser.get_log("browser")
    browser.get_log("performance")
    browser.get(url)
    # wait for MathJax (if the page loads it) to finish typesetting
    browser.execute_async_script("""
        const done = arguments[arguments.length - 1];
        const t0 = Date.now();
        (function poll() {
          const mj = window.MathJax;
          if (!document.querySelector('script[src*="mathjax"]')) return done(true);
          if (mj && mj.startup && mj.startup.promise) {
            return mj.startup.promise.then(() => done(true), () => done(false));
          }
          if (Date.now() - t0 > 20000) return done(false);
          setTimeout(poll, 100);
        })();
    """)


def _failed_local_requests(browser) -> list[str]:
    failed, urls = [], {}
    for entry in browser.get_log("performance"):
        msg = json.loads(entry["message"])["message"]
        params = msg.get("params", {})
        if msg["method"] == "Network.requestWillBeSent":
            urls[params["requestId"]] = params["request"]["url"]
        elif msg["method"] == "Network.responseReceived":
            resp = params["response"]
            if _is_local(resp["url"]) and resp["status"] >= 400:
                failed.append(f"{resp['status']} {resp['url']}")
        elif msg["method"] == "Network.loadingFailed":
            url = urls.get(params["requestId"], "?")
            if _is_local(url) and not params.get("canceled"):
                failed.append(f"{params.get('errorText')} {url}")
    return failed


_LOCAL_SCHEMES = ("data:", "blob:", "about:")


def _outside_requests(browser) -> list[str]:
    """Every request the page sent (DevTools Network events) to anywhere but here."""
    urls = []
    for entry in browser.get_log("performance"):
        msg = json.loads(entry["message"])["message"]
        if msg["method"] in ("Network.requestWillBeSent",
                             "Network.webSocketCreated"):
            url = msg["params"].get("request", {}).get("url") or msg["params"]["url"]
            if not (_is_local(url) or url.startswith(_LOCAL_SCHEMES)):
                urls.append(url)
    return urls


def test_no_request_leaves_127_0_0_1(site, browser):
    """The site needs nothing from outside: no CDN script, font, image or badge."""
    html, base = site
    outside, seen = [], 0
    for page in _pages(html) + ["index.html"]:
        _load(browser, f"{base}/{page}")
        # lazy images and late scripts: scroll through the page, then wait
        browser.execute_script("window.scrollTo(0, document.body.scrollHeight)")
        time.sleep(0.3)
        local = browser.execute_script(
            "return performance.getEntriesByType('resource').map(e => e.name)")
        seen += len(local)
        outside += [f"{page}: {url}" for url in _outside_requests(browser)]
        outside += [f"{page}: {url} (resource timing)" for url in local
                    if not (_is_local(url) or url.startswith(_LOCAL_SCHEMES))]
    assert seen > 0, "the pages loaded no resource at all: the log is not working"
    assert not outside, "\n".join(sorted(set(outside)))


def test_every_page_loads_cleanly_with_typeset_math_and_images(site, browser):
    html, base = site
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    pages = _pages(html)
    assert any(p.endswith("00_getting_started.html") for p in pages)
    problems = []
    for page in pages:
        _load(browser, f"{base}/{page}")
        errors = [e["message"] for e in browser.get_log("browser")
                  if e["level"] == "SEVERE" and _is_local(e["message"].split(" ")[0])]
        problems += [f"{page}: console error {m}" for m in errors]
        problems += [f"{page}: failed request {r}"
                     for r in _failed_local_requests(browser)]
        source = (html / page).read_text(errors="replace")
        if 'class="math' in source:
            n = browser.execute_script(
                "return document.querySelectorAll('mjx-container').length")
            if n == 0:
                problems.append(f"{page}: math present but not typeset")
        body = browser.execute_script("return document.querySelector('main').innerText")
        if "$$" in body:
            problems.append(f"{page}: raw $$ left in the text")
        broken = browser.execute_script("""
            return [...document.images]
              .filter(i => i.src.startsWith(location.origin))
              .filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src);""")
        problems += [f"{page}: broken image {src}" for src in broken]
        browser.save_screenshot(str(SCREENSHOTS / (page.replace("/", "_") + ".png")))
    assert not problems, "\n".join(problems)


_SOLUTION_SHOWN = """
    const sol = document.querySelectorAll('.solution.dropdown')[arguments[0]];
    const body = [...sol.children].find(
        c => !c.classList.contains('admonition-title') && c.tagName !== 'BUTTON');
    const box = body.getBoundingClientRect();
    return box.height > 0 && getComputedStyle(body).visibility !== 'hidden';"""


def test_exercise_solutions_are_hidden_until_opened(site, browser):
    html, base = site
    pages = [p for p in _pages(html)
             if 'class="solution dropdown' in (html / p).read_text(errors="replace")]
    assert pages, "no page has an exercise solution"
    for page in pages:
        _load(browser, f"{base}/{page}")
        count = browser.execute_script(
            "return document.querySelectorAll('.solution.dropdown').length")
        for i in range(count):
            assert not browser.execute_script(_SOLUTION_SHOWN, i), \
                f"{page}: solution {i} visible before opening"
            browser.execute_script("""
                const all = document.querySelectorAll('.solution.dropdown');
                const sol = all[arguments[0]];
                (sol.querySelector('button.toggle-button')
                 || sol.querySelector('.admonition-title')).click();""", i)
            time.sleep(0.4)  # togglebutton animates the opening
            assert browser.execute_script(_SOLUTION_SHOWN, i), \
                f"{page}: solution {i} still hidden after clicking its dropdown"


def test_animations_play_when_clicked(site, browser):
    html, base = site
    pages = [p for p in _pages(html)
             if "anim-state" in (html / p).read_text(errors="replace")
             or "class=\"animation\"" in (html / p).read_text(errors="replace")]
    assert pages, "no page holds a JavaScript animation (the atlas should)"
    for page in pages:
        _load(browser, f"{base}/{page}")
        before = browser.execute_script("""
            const slider = document.querySelector('.animation input[type=range]');
            return slider ? slider.value : null;""")
        assert before is not None, f"{page}: animation without a slider"
        browser.execute_script("""
            const anim = document.querySelector('.animation');
            const next = [...anim.querySelectorAll('button')]
                .find(b => (b.getAttribute('onclick') || '').includes('next_frame'));
            next.click();""")
        after = browser.execute_script(
            "return document.querySelector('.animation input[type=range]').value")
        assert after != before, f"{page}: the animation player did not respond"


def test_colab_links_point_at_this_page(site, browser):
    html, base = site
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    repo = config["repository"]["url"].removeprefix("https://github.com/")
    branch = config["repository"]["branch"]
    notebooks = sorted((ROOT / "book").glob("*.ipynb"))
    assert notebooks
    for nb in notebooks:
        page = f"book/{nb.stem}.html"
        _load(browser, f"{base}/{page}")
        hrefs = browser.execute_script("""
            const sel = 'a[href*="colab.research.google.com"]';
            return [...document.querySelectorAll(sel)].map(a => a.href);""")
        want = (f"https://colab.research.google.com/github/{repo}/blob/{branch}/"
                f"colab/{nb.name}")  # the Colab copy (make notebooks)
        assert hrefs, f"{page}: no Colab link"
        assert all(h == want for h in hrefs), (page, hrefs, want)


def test_every_internal_link_resolves(site):
    html, base = site
    bad = []
    checked: dict[str, bool] = {}
    ids_cache: dict[str, set] = {}
    for page in _pages(html) + ["index.html"]:
        text = (html / page).read_text(errors="replace")
        for href in re.findall(r'href="([^"]+)"', text):
            if re.match(r"^[a-z]+:", href) or href.startswith("//"):
                continue
            target = urllib.parse.urljoin(f"{base}/{page}", href)
            url, _, frag = target.partition("#")
            if url not in checked:
                try:
                    with urllib.request.urlopen(url, timeout=10) as resp:
                        checked[url] = resp.status == 200
                except urllib.error.URLError:
                    checked[url] = False
            if not checked[url]:
                bad.append(f"{page}: {href}")
                continue
            if frag and url.endswith(".html"):
                rel = url.removeprefix(base + "/")
                if rel not in ids_cache:
                    target_text = (html / rel).read_text(errors="replace")
                    ids_cache[rel] = set(re.findall(r'id="([^"]+)"', target_text))
                if urllib.parse.unquote(frag) not in ids_cache[rel]:
                    bad.append(f"{page}: {href} (no such anchor)")
    assert not bad, "\n".join(sorted(set(bad)))


def _all_pages(html: pathlib.Path) -> list[str]:
    """Every HTML page of the site, the index, search and API index included."""
    return sorted(str(p.relative_to(html)) for p in html.rglob("*.html")
                  if "_static" not in p.parts)


def axe_violations(browser, context: str = "document") -> list[dict]:
    """axe-core's violations on the loaded page (or inside one CSS selector):
    ``[{"id", "impact", "help", "nodes": [html, ...]}]``."""
    if not browser.execute_script("return typeof window.axe === 'object'"):
        browser.execute_script(AXE.read_text())
    result = browser.execute_async_script("""
        const done = arguments[arguments.length - 1];
        const context = arguments[0] === 'document' ? document : arguments[0];
        axe.run(context, {resultTypes: ['violations']}).then(
          r => done({passes: r.passes.length, violations: r.violations.map(v => ({
                 id: v.id, impact: v.impact, help: v.help,
                 nodes: v.nodes.map(n => n.html.slice(0, 200))}))}),
          e => done({error: String(e)}));""", context)
    assert "error" not in result, result
    assert result["passes"] > 0, "axe-core checked nothing"
    return result["violations"]


def test_axe_core_finds_no_serious_or_critical_violation(site, browser):
    """No accessibility barrier: axe-core 4 on every page of the built site."""
    assert hashlib.sha256(AXE.read_bytes()).hexdigest() == AXE_SHA256, \
        "tests/vendor/axe-core/axe.min.js is not the pinned axe-core 4.14.1"
    assert AXE.read_text()[:20].startswith("/*! axe v4.")
    html, base = site
    browser.set_script_timeout(180)
    report, barriers = {}, []
    for page in _all_pages(html):
        _load(browser, f"{base}/{page}")
        found = axe_violations(browser)
        counts = collections.Counter()
        for v in found:
            counts[v["impact"]] += len(v["nodes"])
            if v["impact"] in ("serious", "critical"):
                barriers.append(f"{page}: {v['impact']} {v['id']} ({v['help']}): "
                                f"{len(v['nodes'])} x, e.g. {v['nodes'][0]}")
        report[page] = {"by_impact": dict(counts),
                        "rules": {v["id"]: len(v["nodes"]) for v in found}}
    assert len(report) >= 15, sorted(report)
    AXE_REPORT.parent.mkdir(parents=True, exist_ok=True)
    AXE_REPORT.write_text(json.dumps(report, indent=1, sort_keys=True) + "\n")
    assert not barriers, "\n".join(barriers)
