"""Timing harness for ``make bench``: our fast NumPy versions against PyTorch
and TensorFlow on the CPU.

Each ``benchmarks/bench_*.py`` module defines ``cases(framework) ->
list[Case]`` for ``framework`` in :data:`FRAMEWORKS`. A case holds two
zero-argument callables with their inputs already built: ours and the
framework's. ``benchmarks/run.py`` times each framework in a process of its
own: importing TensorFlow next to PyTorch brings a second OpenMP runtime and
slows PyTorch's CPU kernels severalfold here, which would flatter our ratios.

Within that process ours and the framework's are timed in alternating rounds,
each after a short pause and a warm-up call, so that a change in the
machine's load hits both alike. The reported time is each one's best round;
the ratio ``framework time / our time`` (1.0: as fast as the framework, 0.5:
half its throughput) is the median of the per-round ratios.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

FRAMEWORKS = ("torch", "tf")

#: Pause before each round (seconds). OpenBLAS and PyTorch's OpenMP keep
#: their worker threads spinning for a while after a call; on a 2-core machine
#: a round started at once would share the cores with the other contender's
#: spinning threads.
_SETTLE = 0.25


@dataclass
class Case:
    name: str
    ours: Callable[[], object]
    theirs: Callable[[], object]
    #: minimum acceptable throughput ratio against PyTorch (torch time / ours);
    #: None for a row that only explains another (no verdict)
    target: float | None = 0.5


@dataclass
class Timing:
    ours: float  # seconds per call, best round
    theirs: float
    ratio: float  # median over rounds of their time / our time


def _calls_per_round(fn: Callable[[], object], min_time: float) -> int:
    fn()  # warm-up
    t0 = time.perf_counter()
    fn()
    return max(1, int(min_time / max(time.perf_counter() - t0, 1e-6)))


def _round(fn: Callable[[], object], number: int) -> float:
    time.sleep(_SETTLE)
    fn()
    t0 = time.perf_counter()
    for _ in range(number):
        fn()
    return (time.perf_counter() - t0) / number


def compare(case: Case, repeat: int = 7, min_time: float = 0.1) -> Timing:
    """Time ``case.ours`` and ``case.theirs`` in alternating rounds."""
    n_ours = _calls_per_round(case.ours, min_time)
    n_theirs = _calls_per_round(case.theirs, min_time)
    rounds = [(_round(case.ours, n_ours), _round(case.theirs, n_theirs))
              for _ in range(repeat)]
    return Timing(ours=min(r[0] for r in rounds), theirs=min(r[1] for r in rounds),
                  ratio=statistics.median(r[1] / r[0] for r in rounds))
