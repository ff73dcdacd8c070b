"""GitHub's CI and Pages workflow (.github/): safe as zizmor reads it, and every
command it runs exists here.

Nothing here reaches GitHub: zizmor runs offline, and the workflow is read as
YAML. What only GitHub can show (that the container starts, that Pages accepts
the artifact) is out of reach of a test; the README says so.
"""

import json
import pathlib
import re
import shlex
import shutil
import subprocess
import sys

import pytest
import yaml

ROOT = pathlib.Path(__file__).resolve().parents[1]
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.y*ml"))


def _zizmor():
    exe = pathlib.Path(sys.executable).with_name("zizmor")
    exe = str(exe) if exe.exists() else shutil.which("zizmor")
    if exe is None:
        pytest.fail("zizmor is not installed: it is pinned in requirements.txt")
    return exe


def _run_zizmor(target, cwd):
    return subprocess.run(
        [_zizmor(), "--offline", "--no-progress", "--strict-collection",
         "--no-config", "--format=json", str(target)],
        cwd=cwd, capture_output=True, text=True, timeout=300)


def _load(path):
    data = yaml.safe_load(path.read_text())
    # YAML 1.1 reads the key `on` as True
    if True in data:
        data["on"] = data.pop(True)
    return data


def _jobs():
    for path in WORKFLOWS:
        for name, job in _load(path)["jobs"].items():
            yield path, name, job


def test_there_are_workflows_to_check():
    assert [p.name for p in WORKFLOWS] == ["ci.yml"]
    assert (ROOT / ".github" / "dependabot.yml").exists()


def test_zizmor_finds_nothing_in_the_workflows_or_dependabot():
    result = _run_zizmor(".github", ROOT)
    # every file was read, none skipped (--strict-collection fails on a bad one)
    for path in [*WORKFLOWS, ROOT / ".github" / "dependabot.yml"]:
        assert f"completed .github/{path.relative_to(ROOT / '.github')}" \
            in result.stderr, result.stderr
    findings = json.loads(result.stdout)
    assert findings == [] and result.returncode == 0, (
        "zizmor's findings (run `zizmor --offline .github` to read them):\n"
        + "\n".join(f"{f['ident']}: {f['desc']}" for f in findings)
        + result.stderr[-2000:])


def test_zizmor_would_report_what_issue_27_found(tmp_path):
    # The same check on the workflow as it was before: a moving tag, default
    # token permissions, a checkout that keeps its credentials.
    wf = tmp_path / ".github" / "workflows"
    wf.mkdir(parents=True)
    (wf / "ci.yml").write_text(
        "name: CI\non: [push]\njobs:\n  test:\n    runs-on: ubuntu-24.04\n"
        "    steps:\n      - uses: actions/checkout@v4\n"
        "      - run: bash .ci/run\n")
    result = _run_zizmor(".github", tmp_path)
    found = {f["ident"] for f in json.loads(result.stdout)}
    assert {"unpinned-uses", "excessive-permissions", "artipacked"} <= found, found
    assert result.returncode != 0


def test_every_action_is_pinned_to_a_commit_with_its_version_beside_it():
    uses = []
    for path in WORKFLOWS:
        for line in path.read_text().splitlines():
            m = re.match(r"\s*(?:-\s+)?uses:\s*(\S+)(.*)$", line)
            if m:
                uses.append((path.name, m.group(1), m.group(2).strip()))
    assert uses
    for name, ref, comment in uses:
        assert re.fullmatch(r"[\w.-]+/[\w./-]+@[0-9a-f]{40}", ref), (name, ref)
        assert re.fullmatch(r"# v\d+(\.\d+)*", comment), (name, ref, comment)


def _make_target_exists(target):
    make = shutil.which("make")
    if make is None:
        pytest.fail("make is not installed (.ci/run installs it)")
    r = subprocess.run([make, "-n", "-B", target], cwd=ROOT,
                       capture_output=True, text=True, timeout=60)
    return r.returncode == 0, r.stderr


def _check_command(words):
    """The reason the command cannot run here, or None."""
    cmd, args = words[0], words[1:]
    if cmd == "make":
        for target in (a for a in args if not a.startswith("-") and "=" not in a):
            ok, err = _make_target_exists(target)
            if not ok:
                return f"make has no target {target!r}: {err.strip()}"
        return None
    if cmd in ("bash", "sh"):
        script = ROOT / args[0]
        if not script.is_file():
            return f"{args[0]} does not exist"
        r = subprocess.run(["bash", "-n", str(script)], capture_output=True,
                           text=True)
        return r.stderr or None
    return f"unknown command {cmd!r}: add a check for it to this test"


def test_every_command_the_workflows_run_exists():
    runs = []
    for path, name, job in _jobs():
        for step in job.get("steps", []):
            if "run" in step:
                for line in step["run"].splitlines():
                    if line.strip() and not line.strip().startswith("#"):
                        runs.append((f"{path.name}:{name}", shlex.split(line)))
    assert runs
    problems = [(where, words, why) for where, words in runs
                if (why := _check_command(words))]
    assert not problems, problems
    assert ["bash", ".ci/run"] in [w for _, w in runs]
    assert ["make", "book"] in [w for _, w in runs]


def _run_ci_script(tmp_path, have):
    """Run a copy of .ci/run as root (a stand-in ``id``) with stand-ins for the
    commands it calls, each logging its arguments; ``have`` names the optional
    commands on the PATH. Returns (returncode, log lines, output)."""
    (tmp_path / ".ci").mkdir()
    shutil.copy(ROOT / ".ci" / "run", tmp_path / ".ci" / "run")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "log"
    for tool in ("bash", "dirname"):
        (bin_dir / tool).symlink_to(shutil.which(tool))
    stubs = {"id": "echo 0", **{name: f'echo "{name} $*" >> {log}' for name in
                                ("make", "apt-get", "sudo", "chromium",
                                 "chromedriver")}}
    for name, body in stubs.items():
        if name in have or name in ("id", "apt-get", "bash"):
            (bin_dir / name).write_text(f"#!{shutil.which('bash')}\n{body}\n")
            (bin_dir / name).chmod(0o755)
    r = subprocess.run([str(bin_dir / "bash"), ".ci/run"], cwd=tmp_path,
                       env={"PATH": str(bin_dir)}, capture_output=True, text=True,
                       timeout=60)
    lines = log.read_text().splitlines() if log.exists() else []
    return r.returncode, lines, r.stdout + r.stderr


def test_ci_script_on_a_bare_debian_as_root_installs_without_sudo(tmp_path):
    # as in the python:3.11-bookworm container: no Chromium, no sudo
    rc, lines, out = _run_ci_script(tmp_path, have={"make"})
    assert rc == 0, out
    assert lines == ["apt-get update -qq",
                     "apt-get install -y -qq chromium chromium-driver",
                     "make test"], lines


def test_ci_script_installs_nothing_that_is_there(tmp_path):
    rc, lines, out = _run_ci_script(
        tmp_path, have={"make", "sudo", "chromium", "chromedriver"})
    assert rc == 0, out
    assert lines == ["make test"]


def test_ci_script_installs_make_where_it_is_missing(tmp_path):
    rc, lines, out = _run_ci_script(tmp_path, have={"chromium", "chromedriver"})
    # the stand-in apt-get installs nothing, so `make test` then fails
    assert lines == ["apt-get update -qq", "apt-get install -y -qq make"], lines
    assert rc != 0


def _needs(jobs, name):
    seen, todo = set(), [name]
    while todo:
        needs = jobs[todo.pop()].get("needs", [])
        for n in [needs] if isinstance(needs, str) else needs:
            if n not in seen:
                seen.add(n)
                todo.append(n)
    return seen


def _steps_text(job):
    return " ".join(str(s.get("run", "")) + " " + str(s.get("uses", ""))
                    for s in job.get("steps", []))


def test_pages_publishes_only_after_the_tests_and_the_site_build_pass():
    (path,) = WORKFLOWS
    wf = _load(path)
    jobs = wf["jobs"]
    deploy = [n for n, j in jobs.items() if "actions/deploy-pages" in _steps_text(j)]
    assert len(deploy) == 1, deploy
    (deploy,) = deploy
    upstream = _needs(jobs, deploy)
    assert any("bash .ci/run" in _steps_text(jobs[n]) for n in upstream), upstream
    builders = [n for n in upstream
                if "actions/upload-pages-artifact" in _steps_text(jobs[n])]
    assert builders and all("make book" in _steps_text(jobs[n]) for n in builders)
    # only from main, never from a pull request
    condition = jobs[deploy]["if"]
    assert "refs/heads/main" in condition and "pull_request" in condition
    # the artifact is what `make book` built
    html = re.search(r"^HTML\s*:=\s*(\S+)", (ROOT / "Makefile").read_text(), re.M)
    for n in builders:
        (upload,) = [s for s in jobs[n]["steps"]
                     if "upload-pages-artifact" in str(s.get("uses"))]
        assert upload["with"]["path"] == html.group(1)


def test_each_job_gets_only_the_permissions_it_needs():
    for path in WORKFLOWS:
        assert _load(path)["permissions"] == {}, path.name
    for path, name, job in _jobs():
        perms = job.get("permissions")
        assert perms is not None, f"{path.name}:{name} has no permissions block"
        if "actions/deploy-pages" in _steps_text(job):
            assert perms == {"pages": "write", "id-token": "write"}, name
        else:
            assert perms == {"contents": "read"}, name
        for step in job.get("steps", []):
            if "actions/checkout" in str(step.get("uses")):
                assert step["with"]["persist-credentials"] is False, name


def test_ci_runs_in_the_same_debian_and_python_as_the_course_machine():
    jobs = {name: job for _, name, job in _jobs()}
    images = {name: job["container"]["image"] for name, job in jobs.items()
              if "container" in job}
    runs_ci = [n for n, j in jobs.items() if "bash .ci/run" in _steps_text(j)]
    builds = [n for n, j in jobs.items() if "make book" in _steps_text(j)]
    assert runs_ci and builds and set(runs_ci + builds) <= set(images)
    assert len(set(images.values())) == 1, images
    (image,) = set(images.values())
    # the official Python image on Debian 12, as on the course's machine
    assert re.fullmatch(r"python:3\.11-bookworm", image), image
    # torch from PyTorch's CPU index, pip's downloads cached between runs
    env = _load(WORKFLOWS[0])["env"]
    assert env["PIP_EXTRA_INDEX_URL"] == "https://download.pytorch.org/whl/cpu"
    for n in runs_ci + builds:
        (cache,) = [s for s in jobs[n]["steps"]
                    if "actions/cache" in str(s.get("uses"))]
        assert cache["with"]["path"] == env["PIP_CACHE_DIR"]
        assert "hashFiles(" in cache["with"]["key"]


def test_zizmor_is_pinned_in_the_requirements():
    pins = re.findall(r"^zizmor==(\S+)$", (ROOT / "requirements.txt").read_text(),
                      re.M)
    assert len(pins) == 1
    version = subprocess.run([_zizmor(), "--version"], capture_output=True,
                             text=True).stdout.split()
    assert version == ["zizmor", pins[0]]
