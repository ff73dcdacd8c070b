"""The GPU environments of ``make test-gpu`` resolve, each with one CUDA major.

PyPI's ``torch==2.13.0`` for Linux x86_64 wants the CUDA 13 libraries
(``nvidia-cudnn-cu13``, ``cuda-toolkit`` 13.0, ...) and
``tensorflow[and-cuda]==2.21.0`` the CUDA 12 ones (``nvidia-*-cu12``); both
majors' wheels write the same files (``nvidia/cudnn/lib/libcudnn.so.9``, ...),
so one environment holding both would keep whichever was installed last. Each
framework therefore gets its own: ``requirements-gpu-tf.txt`` and
``requirements-gpu-torch.txt``. Here pip resolves each file against PyPI, as
a GPU machine would (Linux x86_64, CPython 3.11, binary wheels only; only
package metadata is fetched, nothing installed), and the test inspects the
nvidia-* and cuda-* packages it would install.

It needs PyPI (marker ``network``; it skips, saying so, where PyPI cannot be
reached). On the course's CPU machine pip's own configuration points at a
local wheel directory holding the CPU build of torch and caps torch with a
constraint file; the test switches both off (``PIP_CONFIG_FILE=/dev/null``,
no ``PIP_FIND_LINKS``, ``PIP_CONSTRAINT``, ``PIP_EXTRA_INDEX_URL``) so that
what it resolves is what PyPI gives.
"""

from __future__ import annotations

import json
import os
import pathlib
import re
import subprocess
import sys
import urllib.request

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
PLATFORMS = [f"manylinux_2_{m}_x86_64" for m in range(5, 29)] + [
    "manylinux2014_x86_64", "manylinux2010_x86_64", "manylinux1_x86_64",
    "linux_x86_64"]

pytestmark = [pytest.mark.network, pytest.mark.slow]


def _pypi_reachable() -> bool:
    try:
        urllib.request.urlopen("https://pypi.org/simple/pip/", timeout=20).close()
    except OSError:
        return False
    return True


def _resolve(requirements: str, tmp_path) -> dict[str, str]:
    """``{name: version}`` of what pip would install from ``requirements``."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("PIP_") or k == "PIP_DEFAULT_TIMEOUT"}
    env["PIP_CONFIG_FILE"] = os.devnull
    report = tmp_path / f"{requirements}.json"
    cmd = [sys.executable, "-m", "pip", "install", "--dry-run", "--ignore-installed",
           "--quiet", "--report", str(report), "--index-url", "https://pypi.org/simple",
           "--only-binary=:all:", "--python-version", "3.11", "--implementation",
           "cp", "--target", str(tmp_path / "target"), "-r", str(ROOT / requirements)]
    for platform in PLATFORMS:
        cmd += ["--platform", platform]
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=1200,
                            cwd=ROOT, env=env)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    installs = json.loads(report.read_text())["install"]
    return {i["metadata"]["name"].lower(): i["metadata"]["version"] for i in installs}


def _cuda_majors(found: dict[str, str]) -> dict[str, set[int]]:
    """For each CUDA library, the CUDA majors its packages are built for:
    from the ``-cu12``/``-cu13`` suffix, else (the suffix-less CUDA 13
    packages, cuda-toolkit) from the version."""
    majors: dict[str, set[int]] = {}
    for name, version in found.items():
        if not name.startswith(("nvidia-", "cuda-toolkit")):
            continue
        m = re.fullmatch(r"(.*)-cu(\d+)", name)
        base, major = (m.group(1), int(m.group(2))) if m else (name, None)
        if major is None:
            if name.startswith("nvidia-cuda-") or name == "cuda-toolkit":
                major = int(version.split(".")[0])  # nvidia-cuda-runtime 13.0.96
            else:
                continue  # versioned on their own (cublas 13.1, cufft 12.0): below
        majors.setdefault(base, set()).add(major)
    return majors


@pytest.fixture(scope="module")
def pypi():
    if not _pypi_reachable():
        pytest.skip("PyPI (https://pypi.org/simple) cannot be reached from here")


@pytest.mark.parametrize("requirements, framework, major", [
    ("requirements-gpu-tf.txt", "tensorflow", 12),
    ("requirements-gpu-torch.txt", "torch", 13)])
def test_gpu_requirements_resolve_to_one_cuda_major(pypi, tmp_path, requirements,
                                                    framework, major):
    found = _resolve(requirements, tmp_path)
    pins = dict(re.findall(r"^([A-Za-z0-9_.-]+)==(\S+)",
                           (ROOT / "requirements.txt").read_text(), re.M))
    assert found[framework] == pins[framework]  # the version requirements.txt pins
    other = {"tensorflow": "torch", "torch": "tensorflow"}[framework]
    assert other not in found  # the other framework has its own environment
    majors = _cuda_majors(found)
    assert majors, f"no CUDA libraries: {sorted(found)}"  # a CUDA build, not CPU
    assert all(m == {major} for m in majors.values()), majors
    assert "nvidia-cudnn-cu" + str(major) in found
    other_major = {12: 13, 13: 12}[major]
    assert not [n for n in found if n.endswith(f"-cu{other_major}")], sorted(found)
