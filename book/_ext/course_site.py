"""Small fixes to what Jupyter Book 1 puts into every page.

* sphinx-thebe registers its scripts each time the environment is read, so a
  full build declares ``const THEBE_JS_URL`` twice and the browser reports a
  SyntaxError on every page. The course launches notebooks on Colab and does
  not use Thebe, so its scripts are dropped; other inline scripts are kept once.
* pydata-sphinx-theme reads ``default_mode`` from the page context; without
  it, it logs "Got invalid theme mode" to the console on every page. The
  course uses the light theme unless the reader switches.
* matplotlib's animation player (``to_jshtml``, the atlas' animations) links
  Font Awesome 4 from a CDN for its button icons. In Jupyter that link is
  harmless, but the site must load nothing from outside
  (``tests/test_site.py``), and the theme already serves Font Awesome 6, which
  knows the same icon names. So every ``<link>`` to an outside address is
  dropped from the HTML of stored notebook outputs when the page is built.
"""

from __future__ import annotations

import re

from docutils import nodes

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


def _fix_page(app, pagename, templatename, context, doctree):
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


def setup(app):
    app.connect("html-page-context", _fix_page, priority=900)
    app.connect("doctree-resolved", _drop_outside_links)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
