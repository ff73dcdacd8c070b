"""Small fixes to what Jupyter Book 1 puts into every page.

* sphinx-thebe registers its scripts each time the environment is read, so a
  full build declares ``const THEBE_JS_URL`` twice and the browser reports a
  SyntaxError on every page. The course launches notebooks on Colab and does
  not use Thebe, so its scripts are dropped; other inline scripts are kept once.
* pydata-sphinx-theme reads ``default_mode`` from the page context; without
  it, it logs "Got invalid theme mode" to the console on every page. The
  course uses the light theme unless the reader switches.

It also states each chapter's run time, measured rather than typed: nbclient
stores in every code cell's metadata when the cell started
(``iopub.execute_input``) and when its reply came (``shell.execute_reply``).
:func:`run_seconds` takes the span from the first cell's start to the last
cell's reply of the stored run, so kernel start-up is left out. Every notebook
page gets a line under its title, and the ``{run-times}`` directive (used in
``intro.md``) lists them all. A notebook cannot print its own stored run time:
under ``pytest --nbval`` the re-run would print a different figure.

The launch button "Colab" opens the page's Colab copy, ``colab/<name>.ipynb``
(plain Markdown, solutions folded; ``make notebooks``, ``colab_copies.py``
beside this file), instead of the MyST source in ``book/``: sphinx-book-theme
builds the address from the source's path, so :func:`_colab_copy` rewrites it,
and the build fails when a notebook page has no copy.

It also strips outside links from notebook outputs:

* matplotlib's animation player (``to_jshtml``, the atlas' animations) links
  Font Awesome 4 from a CDN for its button icons. In Jupyter that link is
  harmless, but the site must load nothing from outside
  (``tests/test_site.py``), and the theme already serves Font Awesome 6, which
  knows the same icon names. So every ``<link>`` to an outside address is
  dropped from the HTML of stored notebook outputs when the page is built.

It serves ``book/_static`` with the site and loads two files from there:

* ``conv_explorer.js`` and ``conv_explorer.css`` on every page that holds an
  element with the attribute ``data-conv-explorer`` (the appendix): the
  convolution explorer that runs in the page (``tests/test_explorer.py``).
* ``a11y_fixes.js`` on every page: accessible names for two of the theme's
  buttons, which axe-core flags (``label-content-name-mismatch``;
  ``tests/test_site.py`` runs axe-core on every page).

and it gives the bibliography's entries the role ``listitem``: docutils writes
them as ``role="doc-biblioentry"`` (deprecated in ARIA) inside a
``role="list"``, which must hold list items (axe-core's
``aria-required-children``).
"""

from __future__ import annotations

import datetime
import json
import pathlib
import re

from docutils import nodes
from docutils.parsers.rst import Directive
from sphinx.errors import ExtensionError

CORES = "2 CPU cores"


def _stamp(value: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))


def run_seconds(notebook: dict) -> float:
    """Seconds from the first code cell's start to the last one's reply.

    Raises ValueError when a code cell lacks nbclient's timestamps (a notebook
    saved from an editor rather than executed with ``make execute``).
    """
    spans = []
    for index, cell in enumerate(notebook["cells"]):
        if cell["cell_type"] != "code":
            continue
        meta = cell.get("metadata", {}).get("execution", {})
        try:
            spans.append((_stamp(meta["iopub.execute_input"]),
                          _stamp(meta["shell.execute_reply"])))
        except KeyError as missing:
            raise ValueError(
                f"notebook cell {index} has no execution timestamp {missing}; "
                "execute the notebook with `make execute` to store them") from None
    if not spans:
        raise ValueError("notebook has no executed code cells")
    start = min(begin for begin, _ in spans)
    end = max(finish for _, finish in spans)
    return (end - start).total_seconds()


def format_duration(seconds: float) -> str:
    """``"about 4 min 26 s"``, ``"about 48 s"``: rounded to the second."""
    if seconds < 0:
        raise ValueError(f"seconds must be >= 0, got {seconds}")
    total = round(seconds)
    minutes, secs = divmod(total, 60)
    if minutes == 0:
        return f"about {secs} s"
    return f"about {minutes} min {secs} s"


def run_time_sentence(seconds: float) -> str:
    return (f"This page takes {format_duration(seconds)} to run on {CORES} "
            "(measured from the stored run).")


def _notebook_path(app, docname):
    path = pathlib.Path(app.env.doc2path(docname))
    return path if path.suffix == ".ipynb" else None


def _add_run_time(app, doctree):
    path = _notebook_path(app, app.env.docname)
    if path is None:
        return
    seconds = run_seconds(json.loads(path.read_text()))
    para = nodes.paragraph(classes=["run-time"])
    para += nodes.emphasis(text=run_time_sentence(seconds))
    section = next(iter(doctree.findall(nodes.section)), None)
    if section is None:
        doctree.insert(0, para)
        return
    title = next(iter(section.findall(nodes.title)), None)
    section.insert(section.index(title) + 1 if title is not None else 0, para)


class run_times(nodes.General, nodes.Element):  # noqa: N801 (docutils style)
    """Placeholder for the table; filled in once every page has a title."""


class RunTimes(Directive):
    """A table of the run time of every notebook beside the page, in name order."""

    has_content = False

    def run(self):
        env = self.state.document.settings.env
        here = pathlib.Path(env.doc2path(env.docname)).parent
        notebooks = sorted(here.glob("*.ipynb"))
        docnames = []
        for path in notebooks:
            env.note_dependency(str(path))
            docnames.append(env.path2doc(str(path)))
        return [run_times(docnames=[d for d in docnames if d])]


def _fill_run_times(app, doctree, fromdocname):
    env = app.env
    for placeholder in list(doctree.findall(run_times)):
        table = nodes.table()
        group = nodes.tgroup(cols=2)
        table += group
        group += nodes.colspec(colwidth=3)
        group += nodes.colspec(colwidth=1)
        head = nodes.thead()
        group += head
        head += _row([nodes.Text("Page"), nodes.Text(f"Run time on {CORES}")])
        body = nodes.tbody()
        group += body
        for docname in placeholder["docnames"]:
            seconds = run_seconds(json.loads(
                pathlib.Path(env.doc2path(docname)).read_text()))
            title = env.titles[docname].astext() if docname in env.titles else docname
            link = nodes.reference(
                "", title, internal=True,
                refuri=app.builder.get_relative_uri(fromdocname, docname))
            body += _row([link, nodes.Text(format_duration(seconds)[len("about "):])])
        placeholder.replace_self(table)


def _row(cells):
    row = nodes.row()
    for content in cells:
        entry = nodes.entry()
        para = nodes.paragraph()
        para += content
        entry += para
        row += entry
    return row



_OUTSIDE_LINK = re.compile(
    r"""<link\b[^>]*\bhref=["']?(?:https?:)?//[^>]*>[ \t]*\n?""", re.I)


def _drop_outside_links(app, doctree, docname):
    for node in list(doctree.findall(nodes.raw)):
        if "html" not in node.get("format", "").split():
            continue
        text = node.astext()
        kept = _OUTSIDE_LINK.sub("", text)
        if kept != text:
            node.replace_self(nodes.raw(kept, kept, **node.attributes))


def _launch_links(buttons):
    for button in buttons or []:
        if isinstance(button, dict):
            if "url" in button:
                yield button
            yield from _launch_links(button.get("buttons"))


def _colab_copy(app, pagename, context):
    """Point the Colab launch button of a notebook page at its Colab copy."""
    from colab_copies import BOOK, COLAB_DIR

    prefix = app.config.html_theme_options.get("launch_buttons", {}).get(
        "colab_url", "").rstrip("/")
    if not prefix:
        return
    source = f"/{pagename}.ipynb"
    for button in _launch_links(context.get("header_buttons")):
        url = button["url"]
        if not (url.startswith(prefix + "/") and url.endswith(source)):
            continue
        name = pathlib.PurePosixPath(pagename).name + ".ipynb"
        if not pagename.startswith(f"{BOOK}/") or not (
                pathlib.Path(app.srcdir) / COLAB_DIR / name).exists():
            raise ExtensionError(f"{pagename}: no Colab copy {COLAB_DIR}/{name}; "
                                 "run `make notebooks`")
        button["url"] = url[:-len(source)] + f"/{COLAB_DIR}/{name}"


def _fix_page(app, pagename, templatename, context, doctree):
    _colab_copy(app, pagename, context)
    if not context.get("default_mode"):
        context["default_mode"] = "light"
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, kept = set(), []
    for script in scripts:
        filename = str(script)
        body = getattr(script, "attributes", {}).get("body", "")
        if "thebe" in filename or "THEBE_JS_URL" in body:
            continue
        key = (filename, body)
        if key in seen:
            continue
        seen.add(key)
        kept.append(script)
    scripts[:] = kept


STATIC = pathlib.Path(__file__).resolve().parents[1] / "_static"
EXPLORER_MARK = "data-conv-explorer"


def _serve_static(app, config):
    config.html_static_path.append(str(STATIC))


def _explorer_and_roles(app, pagename, templatename, context, doctree):
    body = context.get("body", "")
    if EXPLORER_MARK in body:
        app.add_css_file("conv_explorer.css")
        app.add_js_file("conv_explorer.js", loading_method="defer")
    if 'role="doc-biblioentry"' in body:
        context["body"] = body.replace('role="doc-biblioentry"', 'role="listitem"')


def setup(app):
    app.connect("config-inited", _serve_static)
    app.add_js_file("a11y_fixes.js", loading_method="defer")
    app.connect("html-page-context", _explorer_and_roles)
    app.connect("html-page-context", _fix_page, priority=900)
    app.connect("doctree-read", _add_run_time)
    app.add_node(run_times)
    app.add_directive("run-times", RunTimes)
    app.connect("doctree-resolved", _fill_run_times)
    app.connect("doctree-resolved", _drop_outside_links)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
