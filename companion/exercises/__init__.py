"""Exercises that check themselves, in the manner of Kaggle Learn's learntools.

Each question of the book is an :class:`Exercise` (answer a value) or a
:class:`CodeExercise` (write a function), registered under a name such as
``"ch1.output_size"``. In a notebook::

    from companion.exercises import get
    q = get("ch1.output_size")
    answer = ...          # the reader replaces the blank
    q.check(answer)       # "not attempted yet", a diagnosis, or "Correct"
    q.hint()              # a first nudge; call again for the next step
    q.solution()          # the worked solution, last

``check`` compares with the value computed by the companion's own reference
code (never a hard-coded number), with a tolerance for floats. A wrong answer
is first compared with the exercise's known mistakes (each a plausible wrong
answer and what went wrong to produce it); one that matches none gets what is
wrong (type, shape, first wrong value) and which quantity to recompute.
A blank prints only "not attempted yet" and how to ask for help: the hints
come one step at a time, on request, the first a nudge (which quantity or
picture matters), the next the method. Checking the blank ``...`` never
raises, so "Run all" on a fresh notebook runs through. Chapter modules
(``companion.exercises.ch1`` ...) and ``companion.exercises.appendix`` define
and register the questions.
"""

from __future__ import annotations

import dis
import importlib
import inspect
import numbers
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np


def _chapter_modules() -> list[str]:
    """Every ``companion.exercises.ch*`` module and the appendix's."""
    import pkgutil

    return sorted(f"{__name__}.{m.name}" for m in pkgutil.iter_modules(__path__)
                  if m.name.startswith("ch") or m.name == "appendix")


_REGISTRY: dict[str, Exercise | CodeExercise] = {}


@dataclass(frozen=True)
class Verdict:
    """The result of ``check``: truthy only when correct."""

    status: str  # "correct", "incorrect" or "not attempted"
    message: str

    def __bool__(self) -> bool:
        return self.status == "correct"

    def __repr__(self) -> str:
        return self.message

    def _repr_markdown_(self) -> str:
        name, _, rest = self.message.partition(": ")
        return f"**{name}** ({self.status}): {_md_escape(rest)}"


def _md_escape(text: str) -> str:
    """``text`` with Markdown's special characters escaped (``k*k*c_in`` stays)."""
    return re.sub(r"([\\`*_\[\]<>#|$~])", r"\\\1", text)


@dataclass(frozen=True)
class Mistake:
    """A plausible wrong answer and what went wrong to produce it.

    For an :class:`Exercise`, ``answer`` is the wrong value. For a
    :class:`CodeExercise`, it is a wrong function, run on the same inputs as
    the reader's; the mistake is recognised when both agree on every input.
    """

    answer: object
    why: str


class HintText(str):
    """A string that displays without quotes in a notebook."""

    def __repr__(self) -> str:
        return str(self)


def _caller_name(exercise, depth: int = 2) -> str:
    """The variable the learner bound ``exercise`` to (``q1``), else ``q``."""
    frame = inspect.currentframe()
    try:
        for _ in range(depth):
            frame = frame.f_back if frame is not None else None
        if frame is None:
            return "q"
        for scope in (frame.f_locals, frame.f_globals):
            names = sorted(n for n, v in list(scope.items())
                           if v is exercise and not n.startswith("_"))
            if names:
                return names[0]
        return "q"
    finally:
        del frame


def _not_attempted(name: str, blank: str, var: str = "q") -> Verdict:
    return Verdict("not attempted",
                   f"{name}: not attempted yet. Replace the {blank} with your "
                   f"answer and run the cell again. Stuck? {var}.hint() gives "
                   f"a first nudge (call it again for the next step).")


def _none_answer(name: str) -> Verdict:
    """``None`` is an answer that went missing, not a blank (that is ``...``)."""
    return Verdict("incorrect",
                   f"{name}: Incorrect. Your answer is None: did something "
                   f"forget to return? (answer = print(...), or a function "
                   f"without a return statement, gives None.)")


def _hint(exercise, step: int | None) -> HintText:
    """Hint number ``step`` (1-based) of ``exercise``, by default the next one."""
    hints = exercise.hints
    if step is None:
        step = min(exercise._hints_shown + 1, len(hints))
    if isinstance(step, bool) or not isinstance(step, numbers.Integral) or \
            not 1 <= step <= len(hints):
        raise ValueError(f"step must be a whole number from 1 to {len(hints)}, "
                         f"got {step!r}")
    step = int(step)
    exercise._hints_shown = max(exercise._hints_shown, step)
    after = ("Call hint() again for the next step." if step < len(hints) else
             "That was the last hint; solution() shows the worked solution.")
    return HintText(f"Hint {step} of {len(hints)}: {hints[step - 1]} ({after})")


def _check_hints(name: str, hints) -> None:
    if isinstance(hints, str) or len(hints) < 2 or not all(
            isinstance(h, str) and h for h in hints):
        raise ValueError(f"exercise {name!r} needs hints: a tuple of at least "
                         f"two graded hint strings (a nudge, then the method), "
                         f"got {hints!r}")


def _decimals(x: float) -> int:
    """Decimals of ``x`` as written (``15.39`` has 2); 0 for ``1e-05`` forms."""
    text = repr(float(x))
    if "e" in text or "." not in text:
        return 0
    return len(text.split(".")[1].rstrip("0"))


def _rounds_to(answer, value) -> bool:
    """``answer`` (a float written with d >= 2 decimals) is ``value`` rounded to d."""
    if isinstance(answer, (bool, np.bool_)) or not isinstance(
            answer, numbers.Real) or isinstance(answer, numbers.Integral):
        return False
    if isinstance(value, (bool, str, tuple)) or not isinstance(value, numbers.Real):
        return False
    d = _decimals(answer)
    return d >= 2 and abs(float(answer) - float(value)) <= 0.5 * 10.0 ** -d * (1 + 1e-9)


def _rounded_match(answer, value, rtol: float, atol: float) -> bool:
    """``answer`` equals ``value`` up to the tolerance or to rounding, item by item."""
    if isinstance(value, tuple):
        answer = _as_sequence(answer)
        return isinstance(answer, (tuple, list)) and len(answer) == len(value) \
            and all(_rounded_match(a, v, rtol, atol) for a, v in zip(answer, value))
    return compare_answer(answer, value, rtol, atol) is None or \
        _rounds_to(answer, value)


def _round_message(answer, expected, rtol: float, atol: float) -> str | None:
    """Say which items of ``answer`` are ``expected`` rounded too coarsely."""
    answer = _as_sequence(answer) if isinstance(expected, tuple) else answer
    pairs = list(zip(answer, expected)) if isinstance(expected, tuple) \
        and isinstance(answer, (tuple, list)) else [(answer, expected)]
    coarse = []
    for a, e in pairs:
        if compare_answer(a, e, rtol, atol) is None:
            continue
        if not _rounds_to(a, e):
            return None
        need = next(d for d in range(1, 17)
                    if np.isclose(round(float(e), d), float(e), rtol=rtol,
                                  atol=atol))
        coarse.append((a, need))
    if not coarse:
        return None
    need = max(n for _, n in coarse)
    shown = ", ".join(plain_number(a, exact=True) for a, _ in coarse)
    return (f"Close: {shown} is the answer rounded to {_decimals(coarse[0][0])} "
            f"decimals, but the check wants at least {need} decimals (or "
            f"the unrounded value straight from Python).")


@dataclass
class Exercise:
    """One self-checking question whose answer is a value.

    Parameters
    ----------
    name : str
        Registry key, ``"chN.topic"``.
    question : str
        One line restating the task.
    expected : callable
        Zero-argument function returning the right answer, computed with the
        companion (so the check can never drift from the code it teaches).
    hints : tuple of str
        At least two graded hints, shown one per call of :meth:`hint`: first
        a nudge (which quantity matters, which picture to look at), next the
        method. No hint gives the answer; :meth:`solution` comes last.
    solution_text : str
        Shown by :meth:`solution`.
    mistakes : list of Mistake
        At least two common wrong answers, each with its diagnosis.
    next_step : str
        What to recompute when a wrong answer matches no known mistake.
    worked : tuple of str
        The final numbers as the solution text writes them by hand (for
        example ``"131,136"``, or ``"1.8333", "1.8", "2.0"`` for a tuple);
        the test suite checks that they appear in ``solution_text`` and that
        ``check`` accepts them.
    rtol, atol : float
        Tolerance for float answers.
    diagnose : callable, optional
        ``diagnose(answer)`` returns a diagnosis for a wrong answer that no
        mistake matches exactly (a wrong name in a tuple, say), or None.

    Only the blank ``...`` is "not attempted"; ``None`` (an ``answer =
    print(...)``, a helper without ``return``) is told so.

    A float written with two or more decimals that is the answer (or a known
    mistake) rounded is told so, with the number of decimals the check wants.
    """

    name: str
    question: str
    expected: Callable[[], object]
    hints: tuple[str, ...]
    solution_text: str
    mistakes: list[Mistake] = field(default_factory=list)
    next_step: str = ""
    worked: tuple[str, ...] = ()
    rtol: float = 1e-6
    atol: float = 1e-8
    diagnose: Callable[[object], str | None] | None = None
    _hints_shown: int = field(default=0, repr=False, compare=False)

    def check(self, answer) -> Verdict:
        """Compare ``answer`` with the expected value and explain the result."""
        if answer is Ellipsis:
            return _not_attempted(self.name, "...", _caller_name(self))
        if answer is None:
            return _none_answer(self.name)
        expected = self.expected()
        problem = compare_answer(answer, expected, self.rtol, self.atol)
        if problem is None:
            return Verdict("correct", f"{self.name}: Correct!")
        for mistake in self.mistakes:
            if compare_answer(answer, mistake.answer, self.rtol, self.atol) is None:
                return Verdict("incorrect",
                               f"{self.name}: Incorrect. {mistake.why}")
        close = _round_message(answer, expected, self.rtol, self.atol)
        if close is not None:
            return Verdict("incorrect", f"{self.name}: Incorrect. {close}")
        for mistake in self.mistakes:
            if _rounded_match(answer, mistake.answer, self.rtol, self.atol):
                return Verdict("incorrect",
                               f"{self.name}: Incorrect. {mistake.why}")
        if self.diagnose is not None:
            why = self.diagnose(answer)
            if why:
                return Verdict("incorrect", f"{self.name}: Incorrect. {why}")
        return Verdict("incorrect",
                       f"{self.name}: Incorrect. {problem} {self.next_step}".strip())

    def hint(self, step: int | None = None) -> str:
        """The next hint (or hint number ``step``), for the notebook to display."""
        return _hint(self, step)

    def solution(self) -> str:
        """Return the worked solution (the notebook displays it)."""
        return HintText(f"Solution: {self.solution_text}")


@dataclass
class CodeExercise:
    """One self-checking question whose answer is a function the reader writes.

    :meth:`check` calls the reader's function on fresh random inputs and
    compares each result with the companion's.

    Parameters
    ----------
    name, question, hints, solution_text, next_step
        As for :class:`Exercise`.
    cases : callable
        ``cases(rng)`` returns a list of argument tuples, drawn afresh from the
        NumPy generator ``rng`` on every check.
    reference : callable
        The right result for one argument tuple, computed with the companion.
    mistakes : list of Mistake
        At least two wrong functions, each with its diagnosis.
    describe : callable
        ``describe(*args)`` says in words what one input was, for the message
        about the first wrong result.

    A function whose body is still only ``...`` (or ``pass``) is "not
    attempted"; one with a body that returns None is told so, and so is a
    right function that changes its input arrays in place.
    """

    name: str
    question: str
    cases: Callable[[np.random.Generator], list[tuple]]
    reference: Callable
    hints: tuple[str, ...]
    solution_text: str
    mistakes: list[Mistake] = field(default_factory=list)
    next_step: str = ""
    describe: Callable[..., str] = lambda *args: "one of the test inputs"
    rtol: float = 1e-6
    atol: float = 1e-8
    worked: tuple[str, ...] = ()
    _hints_shown: int = field(default=0, repr=False, compare=False)

    def check(self, function, seed=None) -> Verdict:
        """Run ``function`` on fresh random inputs and explain the result.

        ``seed`` fixes the inputs (the tests use it); by default every call
        draws new ones.
        """
        if function is Ellipsis:
            return _not_attempted(self.name, "...", _caller_name(self))
        if function is None:
            return _none_answer(self.name)
        if _is_blank(function):
            return _not_attempted(self.name, "... in the function body",
                                  _caller_name(self))
        if not callable(function):
            return Verdict("incorrect",
                           f"{self.name}: Incorrect. Pass the function itself, "
                           f"q.check(my_function), not "
                           f"{plain_number(function, exact=True)}.")
        cases = self.cases(np.random.default_rng(seed))
        got, changed = [], False
        for args in cases:
            given = _copies(args)
            try:
                result = function(*given)
            except Exception as error:  # noqa: BLE001 - report any failure
                return Verdict("incorrect",
                               f"{self.name}: Incorrect. Your function raised "
                               f"{type(error).__name__}: {error} on "
                               f"{self.describe(*args)}.")
            if result is None or result is Ellipsis:
                what = "None" if result is None else "... (Ellipsis)"
                return Verdict("incorrect",
                               f"{self.name}: Incorrect. Your function returned "
                               f"{what} on {self.describe(*args)}: end it with "
                               f"a return statement that gives the result.")
            got.append(result)
            changed = changed or any(
                isinstance(a, np.ndarray) and not _same_array(a, g)
                for a, g in zip(args, given))
        references = [self.reference(*a) for a in cases]
        problems = [compare_answer(g, r, self.rtol, self.atol)
                    for g, r in zip(got, references)]
        if all(p is None for p in problems):
            note = (" But your function changed its input array in place: "
                    "work on a copy (x.copy(), or a new array such as "
                    "np.where's) so that the caller's array stays as it "
                    "was." if changed else "")
            return Verdict("correct", f"{self.name}: Correct! (checked on "
                                      f"{len(cases)} random inputs){note}")
        for mistake in self.mistakes:
            if all(compare_answer(g, mistake.answer(*_copies(a)), self.rtol,
                            self.atol) is None for g, a in zip(got, cases)):
                return Verdict("incorrect",
                               f"{self.name}: Incorrect. {mistake.why}")
        i = next(i for i, p in enumerate(problems) if p is not None)
        wrong = sum(p is not None for p in problems)
        problem = problems[i]
        if isinstance(references[i], numbers.Number) and not isinstance(
                references[i], bool) and isinstance(got[i], numbers.Number):
            problem = (f"your function returned "
                       f"{plain_number(got[i], exact=True)}, the right result "
                       f"is {plain_number(references[i])}.")
        return Verdict("incorrect",
                       f"{self.name}: Incorrect on {wrong} of {len(cases)} "
                       f"random inputs. On {self.describe(*cases[i])}: "
                       f"{problem} {self.next_step}".strip())

    def hint(self, step: int | None = None) -> str:
        """The next hint (or hint number ``step``), for the notebook to display."""
        return _hint(self, step)

    def solution(self) -> str:
        """Return the worked solution (the notebook displays it)."""
        return HintText(f"Solution: {self.solution_text}")


_BLANK_OPS = {"RESUME", "NOP", "CACHE", "RETURN_VALUE", "RETURN_CONST",
              "LOAD_CONST"}


def _is_blank(function) -> bool:
    """``function``'s body is only ``...``, ``pass`` or a docstring."""
    code = getattr(function, "__code__", None)
    if code is None:
        return False
    return all(ins.opname in _BLANK_OPS and ins.argval is None
               or ins.opname in {"RESUME", "NOP", "CACHE"}
               for ins in dis.get_instructions(code))


def _same_array(a: np.ndarray, b) -> bool:
    """``b`` still equals ``a`` (NaN equal to NaN where the dtype has NaN)."""
    try:
        return bool(np.array_equal(a, b, equal_nan=True))
    except TypeError:  # no NaN in this dtype (bool, str)
        return bool(np.array_equal(a, b))


def _copies(args: tuple) -> tuple:
    """Fresh copies of array arguments, so a function cannot alter the cases."""
    return tuple(a.copy() if isinstance(a, np.ndarray) else a for a in args)


def plain_number(v, exact: bool = False) -> str:
    """``v`` as a reader writes it: ``14``, ``1.8333``, ``(3, 2)``, no ``np.int64``.

    Floats get 6 significant digits; with ``exact`` (a learner's own value)
    a float that 6 digits would change is written in full, so that
    ``21.0000001`` never shows as ``21``.

    Examples
    --------
    >>> plain_number(21.0000001), plain_number(21.0000001, exact=True)
    ('21', '21.0000001')
    """
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, np.ndarray) and v.ndim == 0:
        v = v.item()
    if isinstance(v, bool) or v is None:
        return repr(v)
    if isinstance(v, numbers.Integral):
        return str(int(v))
    if isinstance(v, numbers.Real):
        text = f"{float(v):.6g}"
        if exact and float(text) != float(v):
            text = repr(float(v))
        return text
    if isinstance(v, (tuple, list)):
        inner = ", ".join(plain_number(x, exact) for x in v)
        return f"({inner}{',' if len(v) == 1 else ''})" if isinstance(v, tuple) \
            else f"[{inner}]"
    if isinstance(v, np.ndarray):
        return f"an array of shape {v.shape}"
    if isinstance(v, str):
        return repr(v)
    return f"a {type(v).__name__}"


def compare_answer(answer, expected, rtol: float, atol: float) -> str | None:
    """``None`` if ``answer`` matches ``expected``, else what is wrong.

    The comparison behind :meth:`Exercise.check`: tuples item by item, arrays
    by shape, dtype kind and values (``rtol``, ``atol``), numbers by value.
    """
    if isinstance(expected, tuple):
        answer = _as_sequence(answer)
        if not isinstance(answer, (tuple, list)):
            return (f"Expected a tuple of {len(expected)} values, got "
                    f"{plain_number(answer, exact=True)}.")
        if len(answer) != len(expected):
            return f"Expected {len(expected)} values, got {len(answer)}."
        for i, (a, e) in enumerate(zip(answer, expected)):
            problem = compare_answer(a, e, rtol, atol)
            if problem is not None:
                if isinstance(e, tuple) and isinstance(_as_sequence(a),
                                                       (tuple, list)):
                    shown = plain_number(tuple(_as_sequence(a)), exact=True)
                    problem = re.sub(r"^Item (\d+):", r"its item \1:", problem)
                    return f"Item {i}, {shown}, is wrong: {problem}"
                return f"Item {i}: {problem}"
        return None
    if isinstance(expected, np.ndarray):
        try:
            got = np.asarray(answer)
        except Exception:  # noqa: BLE001 - any unconvertible object
            return f"Expected an array, got {type(answer).__name__}."
        if got.dtype == object or not (np.issubdtype(got.dtype, np.number)
                                       or got.dtype == bool):
            return f"Expected numbers, got an array of dtype {got.dtype}."
        if got.shape != expected.shape:
            return f"Expected shape {expected.shape}, got shape {got.shape}."
        if np.issubdtype(expected.dtype, np.integer) and \
                not np.issubdtype(got.dtype, np.integer):
            if not np.all(np.equal(np.mod(got, 1), 0)):
                return "Expected whole numbers."
        close = np.isclose(got, expected, rtol=rtol, atol=atol)
        if not close.all():
            idx = tuple(int(i) for i in np.argwhere(~close)[0])
            return (f"{int((~close).sum())} of {close.size} values are wrong; "
                    f"the first at index {idx}: expected "
                    f"{plain_number(expected[idx])}, got "
                    f"{plain_number(got[idx], exact=True)}.")
        return None
    if isinstance(expected, bool):
        if not isinstance(answer, (bool, np.bool_)):
            return f"Expected True or False, got {plain_number(answer, True)}."
        if bool(answer) != expected:
            return f"{answer} is not the answer."
        return None
    if isinstance(expected, str):
        if not isinstance(answer, str):
            return (f"Expected a name in quotes (a str), got "
                    f"{plain_number(answer, exact=True)}.")
        if answer != expected:
            return f"{answer!r} is not the right name."
        return None
    if isinstance(expected, numbers.Number):
        if isinstance(answer, np.ndarray) and answer.size == 1:
            answer = answer.item()
        if isinstance(answer, (bool, np.bool_)) or \
                not isinstance(answer, numbers.Number):
            return (f"Expected a single number, got "
                    f"{plain_number(answer, exact=True)}.")
        shown = plain_number(answer, exact=True)
        if isinstance(expected, numbers.Integral):
            if float(answer) != float(expected):
                whole = "" if float(answer) == int(float(answer)) else \
                    " The answer is a whole number."
                return f"{shown} is not the answer.{whole}"
            return None
        if not np.isclose(float(answer), float(expected), rtol=rtol, atol=atol):
            return f"{shown} is not the answer (tolerance {rtol:g} relative)."
        return None
    raise TypeError(f"exercise has an unsupported expected type "
                    f"{type(expected).__name__}")


def _as_sequence(answer):
    """A 1-D (or deeper) array as a list of its rows; anything else as it is.

    So ``np.array([1, 2])`` answers a pair as ``[1, 2]`` and ``(1, 2)`` do, as
    ``np.array([21])`` answers a single number.
    """
    if isinstance(answer, np.ndarray) and answer.ndim >= 1:
        return list(answer)
    return answer


_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")


def parse_worked(fragments: tuple[str, ...]):
    """The answer that the hand-written numbers of a solution text spell.

    One fragment is one value (``"131,136"`` is 131136, ``"(4, 9)"`` a
    tuple); several make a tuple. Thousands separators are commas followed by
    exactly three digits and no space.

    Examples
    --------
    >>> parse_worked(("3,699,376,128",))
    3699376128
    >>> parse_worked(("1.8333", "1.8", "2.0"))
    (1.8333, 1.8, 2.0)
    >>> parse_worked(("(4, 9)",))
    (4, 9)
    """
    import ast

    values = tuple(ast.literal_eval(_THOUSANDS.sub("", f)) for f in fragments)
    return values[0] if len(values) == 1 else values


def register(exercise):
    """Add ``exercise`` to the registry (names must be unique)."""
    if not isinstance(exercise, (Exercise, CodeExercise)):
        raise TypeError(f"exercise must be an Exercise or a CodeExercise, got "
                        f"{type(exercise).__name__}")
    if exercise.name in _REGISTRY:
        raise ValueError(f"exercise name {exercise.name!r} is already registered")
    _check_hints(exercise.name, exercise.hints)
    if len(exercise.mistakes) < 2 or not all(
            isinstance(m, Mistake) for m in exercise.mistakes):
        raise ValueError(f"exercise {exercise.name!r} needs at least two "
                         f"mistakes (Mistake objects), got "
                         f"{len(exercise.mistakes)}")
    if not exercise.next_step:
        raise ValueError(f"exercise {exercise.name!r} needs a next_step for "
                         f"wrong answers that match no known mistake")
    _REGISTRY[exercise.name] = exercise
    return exercise


def all_exercises() -> dict[str, Exercise | CodeExercise]:
    """Every registered exercise, after loading the chapter modules."""
    for module in _chapter_modules():
        importlib.import_module(module)
    return dict(_REGISTRY)


def get(name: str):
    """The exercise registered as ``name``.

    Examples
    --------
    >>> q = get("ch0.valid_output_size")
    >>> q.check(...).status
    'not attempted'
    >>> q.check(3)
    ch0.valid_output_size: Correct!
    >>> q.check(5).status
    'incorrect'
    """
    exercises = all_exercises()
    if not isinstance(name, str) or name not in exercises:
        raise ValueError(f"name must be a registered exercise, got {name!r}; "
                         f"known: {', '.join(sorted(exercises))}")
    return exercises[name]
