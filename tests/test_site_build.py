"""The website builds from requirements-book.txt alone, without TensorFlow or
PyTorch (`make book` and the Pages job install only that file)."""

import os
import pathlib
import re
import shutil
import subprocess
import venv

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
FRAMEWORKS = ("tensorflow", "torch", "keras", "jax")


def _pins(path):
    pins = {}
    for line in path.read_text().splitlines():
        line = line.split("#")[0].strip()
        if line and not line.startswith("-"):
            name, _, version = line.partition("==")
            pins[re.sub(r"\[.*\]", "", name).lower()] = version
    return pins


def test_book_requirements_are_the_same_pins_as_the_full_ones_minus_frameworks():
    book = _pins(ROOT / "requirements-book.txt")
    full = _pins(ROOT / "requirements.txt")
    assert book, "requirements-book.txt pins nothing"
    assert all(version for version in book.values()), book
    assert {name: full.get(name) for name in book} == book
    assert not set(book) & set(FRAMEWORKS)


def test_make_book_installs_requirements_book_into_its_own_environment():
    make = shutil.which("make")
    if make is None:
        pytest.fail("make is not installed (.ci/run installs it)")
    # -n: print, do not run; -B: as if nothing were installed yet
    out = subprocess.run([make, "-n", "-B", "book"], cwd=ROOT, capture_output=True,
                         text=True, check=True).stdout
    installs = re.findall(r"pip install .*", out)
    assert any("-r requirements-book.txt" in line for line in installs), installs
    assert not any("-r requirements.txt" in line for line in installs), installs
    assert re.search(r"^\.venv-book/bin/jupyter-book build \. -W -n", out, re.M), out


@pytest.mark.slow
def test_site_builds_without_tensorflow_or_pytorch(tmp_path):
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    py = env_dir / "bin" / "python"
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}
    # pip's own configuration and caches as for `make book` (on CI and on the
    # course's machine: the wheels are already in the cache from `make test`)
    r = subprocess.run([str(py), "-m", "pip", "install", "-q", "-r",
                        str(ROOT / "requirements-book.txt")],
                       capture_output=True, text=True, timeout=1200, env=env)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    # the companion from this checkout, as `pip install -e .` would give it
    env["PYTHONPATH"] = str(ROOT)

    # the environment really has no framework: importing each one fails
    for name in FRAMEWORKS:
        r = subprocess.run([str(py), "-c", f"import {name}"], capture_output=True,
                           text=True, env=env, cwd=tmp_path)
        assert r.returncode != 0 and "ModuleNotFoundError" in r.stderr, name
    r = subprocess.run([str(py), "-c", "import companion.models.vgg; print('ok')"],
                       capture_output=True, text=True, env=env, cwd=tmp_path)
    assert r.stdout.strip() == "ok", r.stderr

    out = tmp_path / "site"
    r = subprocess.run(
        [str(env_dir / "bin" / "jupyter-book"), "build", str(ROOT), "-W", "-n",
         "--keep-going", "--all", "--path-output", str(out)],
        capture_output=True, text=True, timeout=1800, env=env, cwd=tmp_path)
    log = r.stdout + r.stderr
    assert r.returncode == 0, log[-6000:]
    assert not [line for line in log.splitlines() if "WARNING" in line], log[-6000:]
    html = out / "_build" / "html"
    assert (html / "index.html").exists()
    for nb in sorted((ROOT / "book").glob("*.ipynb")):
        assert (html / "book" / f"{nb.stem}.html").exists(), nb.name
    # every module the API page documents is there, the lazily loaded
    # framework names of companion.models.vgg included
    api = (html / "book" / "api.html").read_text()
    modules = re.findall(r"automodule:: (\S+)",
                         (ROOT / "book" / "api.md").read_text())
    assert modules
    for module in modules:
        assert f'id="module-{module}"' in api, module
    for name in ("build_keras", "build_torch", "LayerNet", "MaxUnpool2D"):
        assert f'id="companion.models.vgg.{name}"' in api, name
