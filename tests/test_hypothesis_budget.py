"""Every hypothesis property runs at least the 200 examples the README promises
under the "ci" profile (what ``make test`` loads): none lowers its own budget."""

from __future__ import annotations

import importlib
import pathlib

from hypothesis import settings

PROMISED = 200
HERE = pathlib.Path(__file__).parent


def _properties():
    for path in sorted(HERE.glob("test_*.py")):
        module = importlib.import_module(path.stem)
        for name, fn in vars(module).items():
            if name.startswith("test_") and getattr(fn, "is_hypothesis_test", False):
                yield f"{path.stem}.{name}", fn


def test_ci_profile_runs_the_promised_examples():
    assert settings.get_profile("ci").max_examples >= PROMISED


def test_no_property_lowers_its_budget():
    found = dict(_properties())
    assert len(found) > 40  # the collection really sees the properties
    ci = settings.get_profile("ci")
    short = {}
    for name, fn in found.items():
        own = getattr(fn, "_hypothesis_internal_use_settings", None)
        # a test's own @settings overrides the profile's max_examples
        examples = settings(ci, max_examples=own.max_examples).max_examples \
            if own is not None and own.max_examples != settings.default.max_examples \
            else ci.max_examples
        if examples < PROMISED:
            short[name] = examples
    assert not short, f"properties below {PROMISED} examples: {short}"
