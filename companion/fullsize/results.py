"""Scores of the full-size runs, with provenance, in one JSON file."""

from __future__ import annotations

import datetime
import json
import os
import pathlib
import platform

from ..data import cache_dir
from ..settings import scale as current_scale

#: Environment variable naming the results file (default: ``results.json`` in
#: :func:`companion.data.cache_dir`).
RESULTS_VARIABLE = "COURSE_RESULTS"

_PACKAGES = ("numpy", "tensorflow", "keras", "torch", "companion")


def results_path(path=None) -> pathlib.Path:
    """``path``, else ``$COURSE_RESULTS``, else ``<cache>/fullsize_results.json``."""
    if path is not None:
        if not isinstance(path, (str, pathlib.Path)):
            raise TypeError(f"path must be a str or pathlib.Path, got "
                            f"{type(path).__name__}")
        return pathlib.Path(path)
    raw = os.environ.get(RESULTS_VARIABLE, "")
    return pathlib.Path(raw) if raw else cache_dir() / "fullsize_results.json"


def _versions() -> dict[str, str | None]:
    from importlib import metadata

    out = {"python": platform.python_version()}
    for name in _PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = None
    return out


def _device(framework: str) -> str:
    """The accelerator the framework trains on, or the CPU."""
    if framework == "keras":
        import tensorflow as tf

        gpus = tf.config.list_physical_devices("GPU")
        if gpus:
            details = tf.config.experimental.get_device_details(gpus[0])
            return f"GPU: {details.get('device_name', gpus[0].name)}"
    elif framework == "torch":
        import torch

        if torch.cuda.is_available():
            return f"GPU: {torch.cuda.get_device_name(0)}"
    cpu = platform.processor() or platform.machine()
    return f"CPU: {cpu}, {os.cpu_count()} cores"


def provenance(*, seed: int, data: str, framework: str = "keras") -> dict:
    """Date (UTC), device, versions, seed, data and the course scale now."""
    if framework not in ("keras", "torch"):
        raise ValueError(f"framework must be 'keras' or 'torch', got {framework!r}")
    return {
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(
            timespec="seconds"),
        "device": _device(framework),
        "framework": framework,
        "versions": _versions(),
        "seed": int(seed),
        "data": str(data),
        "scale": current_scale(),
    }


def load_results(path=None) -> dict[str, dict]:
    """Every recorded run, keyed by experiment (``{}`` if there is no file)."""
    file = results_path(path)
    if not file.exists():
        return {}
    content = json.loads(file.read_text())
    if not isinstance(content, dict) or not isinstance(content.get("runs"), dict):
        raise ValueError(f"path {str(file)!r} is not a results file (no 'runs')")
    return content["runs"]


def record(experiment: str, scores: dict, settings: dict, *, seed: int,
           data: str, framework: str = "keras", path=None) -> dict:
    """Add (or replace) ``experiment``'s entry in the results file; return it."""
    if not isinstance(experiment, str) or not experiment:
        raise ValueError(f"experiment must be a non-empty string, got {experiment!r}")
    entry = {"experiment": experiment, **provenance(seed=seed, data=data,
                                                    framework=framework),
             "settings": settings, "scores": scores}
    file = results_path(path)
    runs = load_results(file)
    runs[experiment] = entry
    file.parent.mkdir(parents=True, exist_ok=True)
    tmp = file.with_name(file.name + ".tmp")
    tmp.write_text(json.dumps({"runs": runs}, indent=1, sort_keys=True) + "\n")
    tmp.replace(file)
    return entry


def _fmt(value) -> str:
    return f"{value:.4g}" if isinstance(value, float) else str(value)


def show_results(experiment: str | None = None, *, path=None,
                 include_quick: bool = False) -> str:
    """The recorded full-size runs as text, under a heading that says so.

    Only entries recorded with ``COURSE_SCALE=full`` are shown, unless
    ``include_quick``. Returns the text (print it).
    """
    runs = load_results(path)
    chosen = [r for name, r in sorted(runs.items())
              if (experiment is None or name == experiment)
              and (include_quick or r.get("scale") == "full")]
    where = results_path(path)
    if not chosen:
        what = f"of {experiment!r} " if experiment else ""
        return f"No full-size run {what}is recorded in {where}."
    lines = [f"Recorded full-size runs ({where}); not this page's run:"]
    for r in chosen:
        v = r["versions"]
        lines.append(
            f"- {r['experiment']} ({r['scale']}), {r['date']}, {r['device']}, "
            f"{r['framework']}, tensorflow {v.get('tensorflow')}, torch "
            f"{v.get('torch')}, seed {r['seed']}, data: {r['data']}")
        lines.append("  settings: " + ", ".join(
            f"{k} {_fmt(x)}" for k, x in sorted(r["settings"].items())))
        lines.append("  scores: " + ", ".join(
            f"{k} {_fmt(x)}" for k, x in sorted(r["scores"].items())))
    return "\n".join(lines)
