"""Timing harness for ``make bench``: our fast NumPy versions against PyTorch
and TensorFlow, in the same process, on the CPU.

Each ``benchmarks/bench_*.py`` module defines ``cases() -> list[Case]``. A case
holds zero-argument callables (inputs already built) for the companion and for
each framework. The harness reports the best of several repeats and the ratio
``framework time / our time`` (1.0 means as fast as the framework; 0.5 means
half its throughput) and compares it with the case's target.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Case:
    name: str
    ours: Callable[[], object]
    frameworks: dict[str, Callable[[], object]] = field(default_factory=dict)
    #: minimum acceptable throughput ratio against PyTorch (framework/ours time)
    target: float = 0.5


def best_time(fn: Callable[[], object], repeat: int = 5,
              min_time: float = 0.2) -> float:
    """Best wall time of one call, over ``repeat`` rounds of enough calls."""
    fn()  # warm-up
    t0 = time.perf_counter()
    fn()
    once = max(time.perf_counter() - t0, 1e-6)
    number = max(1, int(min_time / once))
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        for _ in range(number):
            fn()
        best = min(best, (time.perf_counter() - t0) / number)
    return best
