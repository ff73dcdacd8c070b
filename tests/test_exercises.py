"""companion.exercises: each exercise accepts its solution, rejects wrong answers."""

import numpy as np
import pytest

from companion.exercises import Exercise, all_exercises, compare_answer, get, register

EXERCISES = all_exercises()


def test_every_chapter_registers_exercises():
    assert len(EXERCISES) >= 2


@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_exercise_accepts_its_expected_answer(name):
    q = EXERCISES[name]
    verdict = q.check(q.expected())
    assert verdict and verdict.status == "correct", verdict.message


@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_exercise_rejects_each_wrong_example(name):
    q = EXERCISES[name]
    assert len(q.wrong_examples) >= 2
    for wrong in q.wrong_examples:
        verdict = q.check(wrong)
        assert not verdict and verdict.status == "incorrect", (wrong, verdict)


@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_exercise_placeholder_is_not_attempted(name):
    q = EXERCISES[name]
    for placeholder in (..., None):
        verdict = q.check(placeholder)
        assert verdict.status == "not attempted"
        assert "not attempted yet" in repr(verdict)
    assert str(q.hint()).startswith("Hint: ") and len(q.hint()) > 10
    assert str(q.solution()).startswith("Solution: ")


def test_array_answers_explain_shape_and_first_wrong_value():
    expected = np.arange(6.0).reshape(2, 3)
    assert compare_answer(expected.T, expected, 1e-6, 1e-8) == \
        "Expected shape (2, 3), got shape (3, 2)."
    wrong = expected.copy()
    wrong[1, 2] = 7.5
    msg = compare_answer(wrong, expected, 1e-6, 1e-8)
    assert msg.startswith("1 of 6 values are wrong; the first at index (1, 2)")
    assert "expected 5" in msg and "got 7.5" in msg
    assert compare_answer(expected + 1e-9, expected, 1e-6, 1e-8) is None
    strings = np.array(["a"] * 6).reshape(2, 3)
    assert "dtype <U" in compare_answer(strings, expected, 1e-6, 1e-8)


def test_float_tolerance_and_tuple_answers():
    assert compare_answer(0.1 + 0.2, 0.3, 1e-6, 1e-8) is None
    assert "not right" in compare_answer(0.31, 0.3, 1e-6, 1e-8)
    assert compare_answer((3, 2), (3, 2), 0, 0) is None
    assert compare_answer([3, 2], (3, 2), 0, 0) is None
    assert compare_answer((2, 3), (3, 2), 0, 0).startswith("Item 0:")
    assert compare_answer((3,), (3, 2), 0, 0) == "Expected 2 values, got 1."
    assert "Expected a single number" in compare_answer("3", 3, 0, 0)
    assert "Expected a single number" in compare_answer(True, 1, 0, 0)


def test_get_and_register_errors():
    with pytest.raises(ValueError,
                       match="name must be a registered exercise, got 'ch9.nope'"):
        get("ch9.nope")
    with pytest.raises(TypeError, match="exercise must be an Exercise"):
        register("not an exercise")
    with pytest.raises(ValueError, match="is already registered"):
        register(get("ch0.window_sum"))
    with pytest.raises(ValueError, match="needs at least two wrong_examples"):
        register(Exercise("tmp.one_wrong", "q", lambda: 1, "h", "s", [2]))
