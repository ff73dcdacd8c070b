"""Exercises that check themselves, in the manner of Kaggle Learn's learntools.

Each question of the book is an :class:`Exercise`, registered under a name such
as ``"ch1.output_size"``. In a notebook::

    from companion.exercises import get
    q = get("ch1.output_size")
    answer = ...          # the reader replaces the placeholder
    q.check(answer)       # "not attempted yet", what is wrong, or "Correct"
    q.hint()
    q.solution()

``check`` compares with the value computed by the companion's own reference
code (never a hard-coded number), with a tolerance for floats, and explains a
wrong answer: the type, the shape (with the expected shape), the dtype, or
the first wrong value. Chapter modules (``companion.exercises.ch1`` ...) define
and register the questions.
"""

from __future__ import annotations

import importlib
import numbers
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np


def _chapter_modules() -> list[str]:
    """Every ``companion.exercises.ch*`` module: one per chapter."""
    import pkgutil

    return sorted(f"{__name__}.{m.name}" for m in pkgutil.iter_modules(__path__)
                  if m.name.startswith("ch"))

_REGISTRY: dict[str, Exercise] = {}


@dataclass(frozen=True)
class Verdict:
    """The result of :meth:`Exercise.check`: truthy only when correct."""

    status: str  # "correct", "incorrect" or "not attempted"
    message: str

    def __bool__(self) -> bool:
        return self.status == "correct"

    def __repr__(self) -> str:
        return self.message

    def _repr_markdown_(self) -> str:
        name, _, rest = self.message.partition(": ")
        return f"**{name}** ({self.status}): {rest}"


@dataclass
class Exercise:
    """One self-checking question.

    Parameters
    ----------
    name : str
        Registry key, ``"chN.topic"``.
    question : str
        One line restating the task.
    expected : callable
        Zero-argument function returning the right answer, computed with the
        companion (so the check can never drift from the code it teaches).
    hint_text, solution_text : str
        Shown by :meth:`hint` and :meth:`solution`.
    wrong_examples : list
        At least two plausible wrong answers; the test suite checks that each
        is rejected.
    rtol, atol : float
        Tolerance for float answers.
    """

    name: str
    question: str
    expected: Callable[[], object]
    hint_text: str
    solution_text: str
    wrong_examples: list = field(default_factory=list)
    rtol: float = 1e-6
    atol: float = 1e-8

    def check(self, answer) -> Verdict:
        """Compare ``answer`` with the expected value and explain the result."""
        if answer is Ellipsis or answer is None:
            return Verdict("not attempted",
                           f"{self.name}: not attempted yet. Replace the ... "
                           f"with your answer, or call .hint().")
        problem = compare_answer(answer, self.expected(), self.rtol, self.atol)
        if problem is None:
            return Verdict("correct", f"{self.name}: Correct!")
        return Verdict("incorrect", f"{self.name}: Incorrect. {problem}")

    def hint(self) -> str:
        """Return the hint (the notebook displays it)."""
        return HintText(f"Hint: {self.hint_text}")

    def solution(self) -> str:
        """Return the worked solution (the notebook displays it)."""
        return HintText(f"Solution: {self.solution_text}")


class HintText(str):
    """A string that displays without quotes in a notebook."""

    def __repr__(self) -> str:
        return str(self)


def compare_answer(answer, expected, rtol: float, atol: float) -> str | None:
    """``None`` if ``answer`` matches ``expected``, else what is wrong.

    The comparison behind :meth:`Exercise.check`: tuples item by item, arrays
    by shape, dtype kind and values (``rtol``, ``atol``), numbers by value.
    """
    if isinstance(expected, tuple) and not isinstance(expected, np.ndarray):
        if not isinstance(answer, (tuple, list)):
            return (f"Expected a tuple of {len(expected)} values, got "
                    f"{type(answer).__name__}.")
        if len(answer) != len(expected):
            return (f"Expected {len(expected)} values, got {len(answer)}.")
        for i, (a, e) in enumerate(zip(answer, expected)):
            problem = compare_answer(a, e, rtol, atol)
            if problem is not None:
                return f"Item {i}: {problem}"
        return None
    if isinstance(expected, np.ndarray):
        try:
            got = np.asarray(answer)
        except Exception:  # noqa: BLE001 - any unconvertible object
            return f"Expected an array, got {type(answer).__name__}."
        if got.dtype == object or not np.issubdtype(got.dtype, np.number):
            return f"Expected numbers, got an array of dtype {got.dtype}."
        if got.shape != expected.shape:
            return (f"Expected shape {expected.shape}, got shape {got.shape}.")
        if np.issubdtype(expected.dtype, np.integer) and \
                not np.issubdtype(got.dtype, np.integer):
            if not np.all(np.equal(np.mod(got, 1), 0)):
                return "Expected whole numbers."
        close = np.isclose(got, expected, rtol=rtol, atol=atol)
        if not close.all():
            idx = tuple(int(i) for i in np.argwhere(~close)[0])
            return (f"{int((~close).sum())} of {close.size} values are wrong; "
                    f"the first at index {idx}: expected "
                    f"{_fmt(expected[idx])}, got {_fmt(got[idx])}.")
        return None
    if isinstance(expected, bool) or isinstance(expected, str):
        if type(answer) is not type(expected) or answer != expected:
            return f"Expected a {type(expected).__name__}; {answer!r} is not it."
        return None
    if isinstance(expected, numbers.Number):
        if isinstance(answer, bool) or not isinstance(answer, numbers.Number):
            if isinstance(answer, np.ndarray) and answer.size == 1:
                answer = answer.item()
            else:
                return f"Expected a single number, got {type(answer).__name__}."
        if isinstance(expected, numbers.Integral):
            if float(answer) != float(expected):
                return f"{answer!r} is not right; expected an integer."
            return None
        if not np.isclose(float(answer), float(expected), rtol=rtol, atol=atol):
            return f"{_fmt(answer)} is not right (tolerance {rtol:g} relative)."
        return None
    raise TypeError(f"exercise has an unsupported expected type "
                    f"{type(expected).__name__}")


def _fmt(v) -> str:
    v = np.asarray(v).item()
    return f"{v:.6g}" if isinstance(v, float) else repr(v)


def register(exercise: Exercise) -> Exercise:
    """Add ``exercise`` to the registry (names must be unique)."""
    if not isinstance(exercise, Exercise):
        raise TypeError(f"exercise must be an Exercise, got "
                        f"{type(exercise).__name__}")
    if exercise.name in _REGISTRY:
        raise ValueError(f"exercise name {exercise.name!r} is already registered")
    if len(exercise.wrong_examples) < 2:
        raise ValueError(f"exercise {exercise.name!r} needs at least two "
                         f"wrong_examples, got {len(exercise.wrong_examples)}")
    _REGISTRY[exercise.name] = exercise
    return exercise


def all_exercises() -> dict[str, Exercise]:
    """Every registered exercise, after loading the chapter modules."""
    for module in _chapter_modules():
        importlib.import_module(module)
    return dict(_REGISTRY)


def get(name: str) -> Exercise:
    """The exercise registered as ``name``.

    Examples
    --------
    >>> q = get("ch0.valid_output_size")
    >>> q.check(...).status
    'not attempted'
    >>> q.check(3)
    ch0.valid_output_size: Correct!
    >>> q.check(5)
    ch0.valid_output_size: Incorrect. 5 is not right; expected an integer.
    """
    exercises = all_exercises()
    if not isinstance(name, str) or name not in exercises:
        raise ValueError(f"name must be a registered exercise, got {name!r}; "
                         f"known: {', '.join(sorted(exercises))}")
    return exercises[name]
