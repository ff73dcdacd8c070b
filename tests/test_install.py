"""The companion installs and imports without TensorFlow or PyTorch."""

import pathlib
import subprocess
import sys
import venv

import pytest
import tomllib

ROOT = pathlib.Path(__file__).resolve().parents[1]
DIST = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["name"]


def test_import_companion_does_not_import_the_frameworks():
    code = ("import sys, companion, companion.data, companion.exercises, "
            "companion.utils; "
            "print(sorted(m for m in ('tensorflow', 'torch', 'keras') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True,
                         text=True, check=True).stdout.strip()
    assert out == "[]"


@pytest.mark.slow
def test_pip_install_in_a_clean_venv_without_frameworks(tmp_path):
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    py = env_dir / "bin" / "python"
    # build in a copy so that no build/ or egg-info lands in the checkout
    src = tmp_path / "src"
    subprocess.run(["git", "clone", "-q", "--no-hardlinks", str(ROOT), str(src)],
                   check=False, capture_output=True)
    if not (src / "pyproject.toml").exists():  # not a git checkout: copy the package
        import shutil
        shutil.copytree(ROOT / "companion", src / "companion")
        for name in ("pyproject.toml", "README.md"):
            shutil.copy(ROOT / name, src / name)
    else:  # the working tree may be ahead of HEAD
        import shutil
        shutil.rmtree(src / "companion")
        shutil.copytree(ROOT / "companion", src / "companion",
                        ignore=shutil.ignore_patterns("__pycache__"))
        shutil.copy(ROOT / "pyproject.toml", src / "pyproject.toml")
    r = subprocess.run([str(py), "-m", "pip", "install", "-q", str(src)],
                       capture_output=True, text=True, timeout=900)
    assert r.returncode == 0, r.stdout + r.stderr
    r = subprocess.run(
        [str(py), "-c", "import importlib.util as u, companion, companion.data, "
         "companion.viz, companion.resize, companion.exercises, companion.models, "
         "companion.conv, companion.transposed, companion.layouts, companion.metrics, "
         "companion.models.lenet, companion.models.superres, companion.models.vgg, "
         "companion.models.deconvnet, companion.models.training; "
         "import importlib.metadata as m; "
         "print(companion.__version__, u.find_spec('tensorflow') is None, "
         "u.find_spec('torch') is None, m.version(" + repr(DIST) + "), "
         "[d.metadata['Name'] for d in m.distributions()"
         " if d.metadata['Name'].lower() == 'companion'])"],
        capture_output=True, text=True, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    version, no_tf, no_torch, installed, bare = r.stdout.split(maxsplit=4)
    assert [no_tf, no_torch] == ["True", "True"]
    # the distribution's own name, its version read from companion.__version__
    assert installed == version
    assert bare.strip() == "[]", "something installed the bare name `companion`"
