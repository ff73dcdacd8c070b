import os
import pathlib
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, settings

# "ci" is what `make test` and CI run: at least 200 examples per property.
settings.register_profile(
    "ci", max_examples=200, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
# "dev" is a quick local loop: HYPOTHESIS_PROFILE=dev pytest tests
settings.register_profile(
    "dev", max_examples=25, deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


ROOT = pathlib.Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def built_book(tmp_path_factory):
    """Build the whole book once per session, as `make book` does, warnings as errors.

    Returns ``(returncode, log, html_dir)``; the build goes to a temporary folder so
    that a stale ``_build`` can never hide a warning.
    """
    out = tmp_path_factory.mktemp("book")
    jb = pathlib.Path(sys.executable).with_name("jupyter-book")
    if not jb.exists():
        pytest.fail("jupyter-book is not installed in this environment")
    result = subprocess.run(
        [str(jb), "build", str(ROOT), "-W", "-n", "--keep-going", "--all",
         "--path-output", str(out)],
        capture_output=True, text=True, timeout=1800)
    return result.returncode, result.stdout + result.stderr, out / "_build" / "html"
