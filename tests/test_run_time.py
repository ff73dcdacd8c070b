"""Each chapter page states its run time, computed from the stored run.

The computation lives in ``book/_ext/course_site.py`` (a Sphinx extension that
writes the sentence under each notebook page's title and the table in
``intro.md``); these tests check it, and that every notebook stores the
timestamps it needs.
"""

import json
import pathlib
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "book" / "_ext"))

from course_site import format_duration, run_seconds, run_time_sentence  # noqa: E402


def _cell(start, reply):
    meta = {"execution": {"iopub.execute_input": start, "shell.execute_reply": reply}}
    return {"cell_type": "code", "metadata": meta, "source": [], "outputs": []}


def test_run_seconds_spans_first_start_to_last_reply():
    nb = {"cells": [
        {"cell_type": "markdown", "metadata": {}, "source": ["# Title"]},
        _cell("2026-11-22T01:00:00.500000Z", "2026-11-22T01:00:10.000000Z"),
        _cell("2026-11-22T01:00:10.100000Z", "2026-11-22T01:04:26.900000Z"),
    ]}
    assert run_seconds(nb) == pytest.approx(266.4)
    assert run_time_sentence(run_seconds(nb)) == (
        "This page takes about 4 min 26 s to run on 2 CPU cores "
        "(measured from the stored run).")


def test_a_cell_without_timestamps_is_an_error_not_a_guess():
    nb = {"cells": [_cell("2026-11-22T01:00:00Z", "2026-11-22T01:00:01Z"),
                    {"cell_type": "code", "metadata": {}, "source": [], "outputs": []}]}
    with pytest.raises(ValueError, match="cell 1 has no execution timestamp"):
        run_seconds(nb)
    with pytest.raises(ValueError, match="no executed code cells"):
        run_seconds({"cells": []})


@pytest.mark.parametrize(("seconds", "text"), [
    (0.4, "about 0 s"), (47.2, "about 47 s"), (59.6, "about 1 min 0 s"),
    (266.1, "about 4 min 26 s"), (3725, "about 62 min 5 s"),
])
def test_format_duration(seconds, text):
    assert format_duration(seconds) == text


def test_format_duration_rejects_negative_time():
    with pytest.raises(ValueError, match="seconds must be >= 0, got -1"):
        format_duration(-1)


@pytest.mark.parametrize("path", sorted((ROOT / "book").glob("*.ipynb")),
                         ids=lambda p: p.name)
def test_every_notebook_stores_its_run_time(path):
    seconds = run_seconds(json.loads(path.read_text()))
    assert 0 < seconds < 900, f"{path.name}: {seconds:.0f} s"
