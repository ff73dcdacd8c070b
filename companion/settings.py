"""Course-wide settings read from the environment.

``COURSE_SCALE`` chooses how large the training chapters run:

* ``quick`` (the default): the CI-sized runs the book is built and tested with,
  a few minutes on two CPU cores;
* ``full``: the source articles' sizes (all 60,000 MNIST digits, real
  photographs, the articles' epochs), for a GPU runtime. The full runs live in
  :mod:`companion.fullsize` and write their scores, with provenance, to a JSON
  file that a chapter can display; a quick run never reads it as its own result.
"""

from __future__ import annotations

import os

#: The environment variable and its allowed values.
SCALE_VARIABLE = "COURSE_SCALE"
SCALES = ("quick", "full")


def scale() -> str:
    """``"quick"`` or ``"full"``, from the environment variable ``COURSE_SCALE``.

    Unset or empty means ``"quick"``. Case and surrounding spaces are ignored;
    anything else raises a ValueError naming the variable.

    Examples
    --------
    >>> scale() in SCALES
    True
    """
    raw = os.environ.get(SCALE_VARIABLE, "")
    value = raw.strip().lower() or "quick"
    if value not in SCALES:
        raise ValueError(
            f"{SCALE_VARIABLE} must be one of {', '.join(SCALES)} (or unset for "
            f"quick), got {raw!r}")
    return value


#: Environment variables naming the photographs of the full-size runs.
PHOTOS_VARIABLE = "COURSE_PHOTOS"
PHOTOS_SHA256_VARIABLE = "COURSE_PHOTOS_SHA256"


def photo_source() -> tuple[str, str | None]:
    """``(source, sha256)`` for the full-size runs on photographs.

    ``COURSE_PHOTOS`` names a folder of photographs or an http(s) URL of an
    archive; ``COURSE_PHOTOS_SHA256`` gives the archive's SHA-256 (needed for
    a URL). Raises a ValueError naming ``COURSE_PHOTOS`` when it is not set.
    """
    source = os.environ.get(PHOTOS_VARIABLE, "").strip()
    if not source:
        raise ValueError(
            f"{PHOTOS_VARIABLE} must name a folder of photographs or an http(s) "
            f"URL (with {PHOTOS_SHA256_VARIABLE}) for the full-size runs; it is "
            "not set")
    return source, os.environ.get(PHOTOS_SHA256_VARIABLE, "").strip() or None
