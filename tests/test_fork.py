"""A fork publishes by changing one setting: every place that names the course's
repository agrees with ``repository.url`` in ``_config.yml``, and
``tools/set_repository.py`` rewrites them all from it.

The scan (``tools/set_repository.py``) is generic: every text file of the
checkout (the notebooks with their Colab badges and install cells, generated
copies, the README, the configuration), every URL that opens a notebook on
Colab, installs with ``git+``, is assigned to ``REPOSITORY``, or names the
configured owner or repository; a link to someone else's repository (a cited
project) is left alone.
"""

import pathlib
import shutil
import subprocess
import sys

import yaml

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

import set_repository as tool  # noqa: E402


def test_the_tool_reads_config_as_yaml_does():
    config = yaml.safe_load((ROOT / "_config.yml").read_text())["repository"]
    owner, repo, branch = tool.configured(ROOT)
    assert f"https://github.com/{owner}/{repo}" == config["url"].rstrip("/")
    assert branch == config["branch"]


def test_every_link_to_the_repository_agrees_with_config():
    wrong = tool.disagreements(ROOT)
    owner, repo, branch = tool.configured(ROOT)
    assert not wrong, (f"_config.yml says {owner}/{repo} (branch {branch}); "
                       "these say otherwise (python3 tools/set_repository.py "
                       "sets them all):\n" + "\n".join(wrong))


def test_the_scan_sees_every_notebook_badge_and_install_cell():
    # so that the test above cannot pass by finding nothing
    kinds = {}
    for rel, _, _, _, _, kind in tool.mentions(ROOT):
        kinds.setdefault(rel, set()).add(kind)
    assert "github" in kinds.get("_config.yml", set())
    assert "git+" in kinds.get("README.md", set())
    for nb in sorted((ROOT / "book").glob("*.ipynb")):
        assert {"colab", "github"} <= kinds.get(f"book/{nb.name}", set()), nb.name


def _a_course(root, owner, repo):
    """A small checkout: config, a notebook (JSON-escaped install cell), README."""
    (root / "_config.yml").write_text(
        f"title: t\nrepository:\n  url: https://github.com/{owner}/{repo}\n"
        "  branch: main\nhtml:\n  baseurl: "
        f"https://{owner.lower()}.github.io/{repo}/\n")
    (root / "book").mkdir()
    colab = "https://colab.research.google.com/github/"
    (root / "book" / "ch.ipynb").write_text(
        '{"cells": [{"source": ["[badge](' + colab + f'{owner}/{repo}/blob/main/'
        'book/ch.ipynb)\\n", "REPOSITORY = \\"https://github.com/'
        f'{owner}/{repo}\\"\\n"]}}]}}\n')
    (root / "README.md").write_text(
        f'pip install "companion @ git+https://github.com/{owner}/{repo}@main"\n'
        "A cited project: https://github.com/someone/their-project\n")


def test_a_fork_that_forgot_a_place_is_caught(tmp_path):
    _a_course(tmp_path, "Upstream-Org", "course")
    config = tmp_path / "_config.yml"
    # the fork edited the URL in _config.yml by hand, and nothing else
    config.write_text(config.read_text().replace(
        "url: https://github.com/Upstream-Org/course",
        "url: https://github.com/a-teacher/a-course"))
    assert sorted(tool.disagreements(tmp_path)) == [
        "README.md:1: git+ Upstream-Org/course@main",
        "book/ch.ipynb:1: colab Upstream-Org/course@main",
        "book/ch.ipynb:1: github Upstream-Org/course",
    ]


def test_set_repository_rewrites_every_copy_and_nothing_else(tmp_path):
    _a_course(tmp_path, "Upstream-Org", "course")
    before = {p.name: p.read_text() for p in tmp_path.rglob("*") if p.is_file()}
    changed = tool.set_repository(tmp_path, "https://github.com/A-Teacher/a-course",
                                  branch="spring")
    assert sorted(changed) == ["README.md", "_config.yml", "book/ch.ipynb"]
    assert tool.disagreements(tmp_path) == []
    assert tool.configured(tmp_path) == ("A-Teacher", "a-course", "spring")
    after = {p.name: p.read_text() for p in tmp_path.rglob("*") if p.is_file()}
    expected = {name: text.replace("Upstream-Org/course", "A-Teacher/a-course")
                .replace("upstream-org.github.io/course",
                         "a-teacher.github.io/a-course")
                .replace("blob/main/", "blob/spring/").replace("@main", "@spring")
                .replace("branch: main", "branch: spring")
                for name, text in before.items()}
    assert after == expected
    # the notebook is still the same JSON, the cited project untouched
    assert "someone/their-project" in after["README.md"]


def test_set_repository_on_this_checkout_changes_only_the_urls(tmp_path):
    # a copy of the course's text files, rewritten and rewritten back
    copy = tmp_path / "course"
    for path, text in tool.text_files(ROOT):
        target = copy / path.relative_to(ROOT)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
    owner, repo, _ = tool.configured(ROOT)
    # a name that no file here contains (so the way back is unambiguous)
    fork = "https://github.com/" + "-".join(["round", "trip"]) + "/" + "x" * 3
    changed = tool.set_repository(copy, fork)
    assert "_config.yml" in changed
    assert {f"book/{nb.name}" for nb in (ROOT / "book").glob("*.ipynb")} <= set(changed)
    assert tool.disagreements(copy) == []
    assert tool.set_repository(copy, f"https://github.com/{owner}/{repo}")
    for path, text in tool.text_files(ROOT):
        assert (copy / path.relative_to(ROOT)).read_text() == text, path


def test_the_command_line_refuses_a_url_that_is_not_a_github_repository(tmp_path):
    shutil.copy(ROOT / "tools" / "set_repository.py", tmp_path / "set_repository.py")
    r = subprocess.run([sys.executable, str(tmp_path / "set_repository.py"),
                        "https://gitlab.com/a/b"], capture_output=True, text=True)
    assert r.returncode == 2
    assert "url must be https://github.com/<owner>/<repo>" in r.stderr
