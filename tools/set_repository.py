"""Point the course at another GitHub repository (a fork) in one command.

    python3 tools/set_repository.py https://github.com/<you>/<repo> [--branch B]

``_config.yml``'s ``repository.url`` (and ``branch``) is the one place the
course names its repository: the site's buttons read it there. Colab opens a
notebook alone, without ``_config.yml``, so each notebook's "Open in Colab"
badge and install cell (``REPOSITORY = ...``), the README's install line and
the generated Colab copies carry a copy of it. This script sets
``_config.yml`` and rewrites every copy; ``tests/test_fork.py`` checks, with
the same scan, that no copy disagrees with ``_config.yml``. It needs only the
Python standard library, and changes only the owner, name and branch inside
those URLs, so a notebook's JSON is otherwise left byte for byte.

What counts as a copy: every URL in a text file of the checkout that opens a
notebook on Colab (``colab.research.google.com/github/<owner>/<repo>``),
installs with ``git+https://github.com/<owner>/<repo>``, is assigned to
``REPOSITORY``, or names the configured owner or repository
(``github.com/<owner>/<repo>``, ``<owner>.github.io/<repo>``, the site's
address). A link to someone else's repository (a cited project) is not one.
"""

from __future__ import annotations

import argparse
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]

# Folders that are not the course's text: build output, environments, caches.
SKIP_DIRS = {"_build", "__pycache__", "node_modules", "build", "dist"}
KEEP_DOT_DIRS = {".github", ".ci"}

_NAME = r"[A-Za-z0-9_.-]+"
# Each pattern's groups: owner, repository[, branch].
PATTERNS = {
    "colab": re.compile(rf"colab\.research\.google\.com/github/({_NAME})/"
                        rf"({_NAME})(?:/blob/({_NAME}))?"),
    "git+": re.compile(rf"git\+https://github\.com/({_NAME})/({_NAME})"
                       rf"(?:@({_NAME}))?"),
    "github": re.compile(rf"(?<![\w.+-])(?:https?://)?(?:www\.)?github\.com/"
                         rf"({_NAME})/({_NAME})"),
    "pages": re.compile(rf"(?<![\w.-])({_NAME})\.github\.io/({_NAME})"),
}
# (in a notebook's JSON the quotes are escaped)
ASSIGNED = re.compile(rf"REPOSITORY\s*=\s*\\?[\"']https://github\.com/({_NAME})/"
                      rf"({_NAME})\\?[\"']")
# Kinds whose context says "the course's repository", whatever it names.
BY_CONTEXT = {"colab", "git+"}
URL = re.compile(rf"https://github\.com/({_NAME})/({_NAME})")
_REPOSITORY_BLOCK = re.compile(r"^repository:[ \t]*\n((?:[ \t]+.*\n?|[ \t]*\n)*)",
                               re.M)


def configured(root=ROOT):
    """(owner, repository, branch) from ``_config.yml``'s ``repository``."""
    text = (root / "_config.yml").read_text()
    block = _REPOSITORY_BLOCK.search(text)
    if block is None:
        raise ValueError("_config.yml has no repository: section")
    fields = dict(re.findall(r"^[ \t]+(url|branch):[ \t]*['\"]?([^'\"\s#]+)",
                             block.group(1), re.M))
    m = URL.fullmatch(fields.get("url", "").rstrip("/"))
    if m is None:
        raise ValueError("_config.yml's repository.url must be https://github.com/"
                         f"<owner>/<repo>, got {fields.get('url')!r}")
    return m.group(1), m.group(2).removesuffix(".git"), fields.get("branch", "main")


def text_files(root=ROOT):
    """(path, text) of every UTF-8 text file, build output and caches aside."""
    stack = [root]
    while stack:
        folder = stack.pop()
        for path in sorted(folder.iterdir()):
            if path.is_symlink():
                continue
            if path.is_dir():
                hidden = path.name.startswith(".") and path.name not in KEEP_DOT_DIRS
                if not hidden and path.name not in SKIP_DIRS \
                        and not path.name.endswith(".egg-info"):
                    stack.append(path)
                continue
            data = path.read_bytes()
            if b"\0" in data:
                continue
            try:
                yield path, data.decode("utf-8")
            except UnicodeDecodeError:
                continue


def _spans(line, owner, repo):
    """(kind, match) for each URL in ``line`` that names the course's
    repository, by its context or by the given owner or name."""
    assigned = {m.groups() for m in ASSIGNED.finditer(line)}
    taken = []
    for kind, pattern in PATTERNS.items():
        for m in pattern.finditer(line):
            if any(a <= m.start() < b for a, b in taken):
                continue  # inside a colab or git+ URL already counted
            o, r = m.group(1), m.group(2).removesuffix(".git")
            if kind in BY_CONTEXT or (o, m.group(2)) in assigned \
                    or o.lower() == owner.lower() or r.lower() == repo.lower():
                taken.append((m.start(), m.end()))
                yield kind, m


def mentions(root=ROOT, owner=None, repo=None):
    """(file, line, owner, repository, branch or None, kind) for every URL that
    names the course's repository (by default, the configured one)."""
    if owner is None:
        owner, repo, _ = configured(root)
    found = []
    for path, text in text_files(root):
        if "github" not in text:
            continue
        rel = path.relative_to(root).as_posix()
        for number, line in enumerate(text.splitlines(), 1):
            if "github" not in line:
                continue
            for kind, m in _spans(line, owner, repo):
                branch = m.group(3) if m.re.groups >= 3 else None
                found.append((rel, number, m.group(1),
                              m.group(2).removesuffix(".git"), branch, kind))
    return found


def disagreements(root=ROOT):
    """Each place that names a repository or branch other than the configured."""
    owner, repo, branch = configured(root)
    return [f"{rel}:{number}: {kind} {o}/{r}" + (f"@{b}" if b else "")
            for rel, number, o, r, b, kind in mentions(root, owner, repo)
            if (o.lower(), r.lower()) != (owner.lower(), repo.lower())
            or (b is not None and b != branch)]


def set_repository(root, url, branch=None):
    """Set ``repository.url`` (and ``branch``) in ``_config.yml`` and rewrite
    every copy of the old one; returns the files changed."""
    m = URL.fullmatch(url.rstrip("/"))
    if m is None:
        raise ValueError(f"url must be https://github.com/<owner>/<repo>, got {url!r}")
    new_owner, new_repo = m.group(1), m.group(2).removesuffix(".git")
    old_owner, old_repo, old_branch = configured(root)
    new_branch = branch or old_branch

    def rewrite(kind, m):
        new = {1: new_owner.lower() if kind == "pages" else new_owner,
               2: new_repo + (".git" if m.group(2).endswith(".git") else "")}
        if m.re.groups >= 3 and m.group(3) == old_branch:
            new[3] = new_branch
        pieces, pos = [], m.start()
        for group in sorted(new):
            pieces += [m.string[pos:m.start(group)], new[group]]
            pos = m.end(group)
        return "".join(pieces) + m.string[pos:m.end()]

    changed = []
    for path, text in text_files(root):
        if "github" not in text:
            continue
        out = []
        for line in text.splitlines(keepends=True):
            if "github" not in line:
                out.append(line)
                continue
            pieces, last = [], 0
            for kind, m in sorted(_spans(line, old_owner, old_repo),
                                  key=lambda km: km[1].start()):
                pieces += [line[last:m.start()], rewrite(kind, m)]
                last = m.end()
            out.append("".join(pieces) + line[last:])
        new_text = "".join(out)
        if path == root / "_config.yml" and branch:
            block = _REPOSITORY_BLOCK.search(new_text)
            body = re.sub(r"^([ \t]+branch:[ \t]*)\S+", rf"\g<1>{branch}",
                          block.group(1), count=1, flags=re.M)
            new_text = new_text[:block.start(1)] + body + new_text[block.end(1):]
        if new_text != text:
            path.write_bytes(new_text.encode("utf-8"))
            changed.append(path.relative_to(root).as_posix())
    return changed


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("url", help="https://github.com/<owner>/<repo> of your fork")
    parser.add_argument("--branch", help="the branch the site and Colab links use "
                        "(default: keep _config.yml's)")
    args = parser.parse_args(argv)
    try:
        changed = set_repository(ROOT, args.url, args.branch)
    except ValueError as error:
        parser.error(str(error))
    for name in changed:
        print(f"updated {name}")
    left = disagreements(ROOT)
    if left:
        print("still naming another repository:", *left, sep="\n  ", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
