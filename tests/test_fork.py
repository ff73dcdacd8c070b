"""A fork publishes by changing one line: every place that names the course's
repository agrees with ``repository.url`` in ``_config.yml``.

The scan is generic: every text file of the checkout (the notebooks and their
Colab badges and install cells, generated copies, the README, the
configuration), every URL that names a GitHub repository, read as the course's
own when it opens a notebook on Colab, installs with ``git+``, names the
repository in a ``REPOSITORY =`` line, or has the configured owner or name;
a link to someone else's repository (a cited project) is left alone.
"""

import functools
import pathlib
import re

import yaml

ROOT = pathlib.Path(__file__).resolve().parents[1]

# Folders that are not the course's text: build output, environments, caches.
SKIP_DIRS = {"_build", "__pycache__", "node_modules", "build", "dist"}
KEEP_DOT_DIRS = {".github", ".ci"}

_NAME = r"[A-Za-z0-9_.-]+"
COLAB = re.compile(rf"colab\.research\.google\.com/github/({_NAME})/({_NAME})"
                   rf"(?:/blob/({_NAME}))?")
GIT_PLUS = re.compile(rf"git\+https://github\.com/({_NAME})/({_NAME})"
                      rf"(?:@({_NAME}))?")
GITHUB = re.compile(rf"(?<![\w.+-])(?:https?://)?(?:www\.)?github\.com/({_NAME})/"
                    rf"({_NAME})")
PAGES = re.compile(rf"(?<![\w.-])({_NAME})\.github\.io/({_NAME})")
# (in a notebook's JSON the quotes are escaped)
ASSIGNED = re.compile(rf"REPOSITORY\s*=\s*\\?[\"']https://github\.com/({_NAME})/"
                      rf"({_NAME})\\?[\"']")


def configured(root):
    config = yaml.safe_load((root / "_config.yml").read_text())
    url, branch = config["repository"]["url"], config["repository"]["branch"]
    m = re.fullmatch(rf"https://github\.com/({_NAME})/({_NAME})", url.rstrip("/"))
    assert m, f"_config.yml repository.url is not a GitHub repository URL: {url}"
    owner, repo = m.groups()
    return owner, repo.removesuffix(".git"), branch


def text_files(root):
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


@functools.lru_cache(maxsize=4)
def repository_mentions(root):
    """(file, line, owner, repo, branch or None, kind) for every URL that
    names the course's repository, by its context or by its owner or name."""
    owner, repo, _ = configured(root)
    found = []
    for path, text in text_files(root):
        rel = path.relative_to(root).as_posix()
        for number, line in enumerate(text.splitlines(), 1):
            for m in COLAB.finditer(line):
                found.append((rel, number, *m.groups(), "colab"))
            for m in GIT_PLUS.finditer(line):
                found.append((rel, number, *m.groups(), "git+"))
            assigned = {m.groups() for m in ASSIGNED.finditer(line)}
            for m in GITHUB.finditer(line):
                o, r = m.group(1), m.group(2).removesuffix(".git")
                if line[max(0, m.start() - 12):m.start()].endswith("git+https://"):
                    continue  # counted as git+
                if (o, m.group(2)) in assigned or o.lower() == owner.lower() \
                        or r.lower() == repo.lower():
                    found.append((rel, number, o, r, None, "github"))
            for m in PAGES.finditer(line):
                o, r = m.groups()
                if o.lower() == owner.lower() or r.lower() == repo.lower():
                    found.append((rel, number, o, r, None, "pages"))
    return found


def disagreements(root):
    owner, repo, branch = configured(root)
    wrong = []
    for rel, number, o, r, b, kind in repository_mentions(root):
        r = r.removesuffix(".git")
        if (o.lower(), r.lower()) != (owner.lower(), repo.lower()) \
                or (b is not None and b != branch):
            wrong.append(f"{rel}:{number}: {kind} {o}/{r}"
                         + (f"@{b}" if b else ""))
    return wrong


def test_every_link_to_the_repository_agrees_with_config():
    wrong = disagreements(ROOT)
    owner, repo, branch = configured(ROOT)
    assert not wrong, (f"_config.yml says {owner}/{repo} (branch {branch}); "
                       "these say otherwise:\n" + "\n".join(wrong))


def test_the_scan_sees_every_notebook_badge_and_install_cell():
    # so that the test above cannot pass by finding nothing
    mentions = repository_mentions(ROOT)
    by_file = {}
    for rel, _, _, _, _, kind in mentions:
        by_file.setdefault(rel, set()).add(kind)
    assert "github" in by_file.get("_config.yml", set())
    assert "git+" in by_file.get("README.md", set())
    for nb in sorted((ROOT / "book").glob("*.ipynb")):
        kinds = by_file.get(f"book/{nb.name}", set())
        assert {"colab", "github"} <= kinds, (nb.name, kinds)


def test_a_fork_that_forgot_a_place_is_caught(tmp_path):
    owner, repo, branch = configured(ROOT)
    (tmp_path / "_config.yml").write_text(
        "repository:\n  url: https://github.com/a-teacher/a-course\n"
        "  branch: main\n")
    (tmp_path / "book").mkdir()
    (tmp_path / "book" / "ch.ipynb").write_text(
        '{"cells": [{"source": ["[badge](https://colab.research.google.com/github/'
        'a-teacher/a-course/blob/main/book/ch.ipynb)\\n", "REPOSITORY = '
        '\\"https://github.com/old-owner/old-name\\""]}]}\n')
    (tmp_path / "README.md").write_text(
        f'pip install "companion @ git+https://github.com/{owner}/{repo}"\n'
        "A cited project: https://github.com/someone/their-project\n"
        "Ours: https://github.com/a-teacher/a-course and "
        # (split, so that this file's own scan does not read it as a link)
        "https://colab.research.google.com/github/" "a-teacher/a-course/blob/dev/x\n"
        # a plain link to another repository is the author's choice
        f"Upstream: https://github.com/{owner}/{repo}/issues\n")
    wrong = disagreements(tmp_path)
    assert sorted(wrong) == sorted([
        "book/ch.ipynb:1: github old-owner/old-name",
        f"README.md:1: git+ {owner}/{repo}",
        "README.md:3: colab a-teacher/a-course@dev"]), wrong
