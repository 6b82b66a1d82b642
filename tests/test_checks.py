"""Tests of source_lib.checks: the framework, and every lesson's check module.

Every lesson's checks must pass the reference implementation on any seed (the course
tests then show they fail the catalogue's wrong implementations).
"""

import importlib
import pkgutil

import numpy as np
import pytest

import source_lib.checks as checks_package
from source_lib.checks import LocalRunner, Lesson, implemented
from source_lib.testing import ExerciseFailure

LESSONS = [importlib.import_module(f"source_lib.checks.{m.name}").checks
           for m in pkgutil.iter_modules(checks_package.__path__)]


def test_load_finds_every_lessons_check_module():
    assert sorted(checks_package.MODULES) == sorted(lesson.name for lesson in LESSONS)
    for lesson in LESSONS:
        assert checks_package.load(lesson.name) is lesson
    with pytest.raises(LookupError):
        checks_package.load("13_nowhere")


def test_a_lessons_worker_holds_exactly_what_its_exercises_may_import():
    for lesson in LESSONS:
        assert set(checks_package.worker_modules(lesson.name)) == set(lesson.modules), lesson.name
    with pytest.raises(ValueError, match="PACKAGES"):
        Lesson("01_linear_algebra").exercise("f", None, imports=("numpy", "scipy"))
    with pytest.raises(LookupError):
        checks_package.worker_modules("13_nowhere")


def reference_namespace(lesson):
    namespace = {"__name__": "__main__"}
    for name, ex in lesson.exercises.items():
        namespace[name] = ({q.id: q.answer for q in lesson.questions} if name == "quiz_answers"
                           else ex.reference)
    return namespace


def reference_runner(lesson):
    """A runner whose "student" is the reference (whose calls into the library are fine)."""
    runner = LocalRunner(reference_namespace(lesson))
    runner.watched_files = []
    return runner


@pytest.mark.parametrize("lesson", LESSONS, ids=[lesson.name for lesson in LESSONS])
@pytest.mark.parametrize("seed", [None, 0, 1, 12345])
def test_the_reference_passes_every_check_on_any_seed(lesson, seed):
    runner = reference_runner(lesson)
    for name, ex in lesson.exercises.items():
        for part in ex.parts:
            verdict = lesson.verdict(runner, name, part, seed)
            assert verdict.passed, f"{lesson.name}/{name}/{part} (seed {seed}): {verdict.message}"
            assert not verdict.advice, f"{lesson.name}/{name}/{part}: the reference warns"


@pytest.mark.parametrize("lesson", LESSONS, ids=[lesson.name for lesson in LESSONS])
def test_every_lesson_has_a_quiz_and_fair_points(lesson):
    assert 5 <= len(lesson.questions) <= 8, f"{lesson.name}: a quiz has 5-8 questions"
    assert len({q.id for q in lesson.questions}) == len(lesson.questions)
    for q in lesson.questions:
        assert q.why and q.answer is not None and q.correct(q.answer, q.answer)
    for name, ex in lesson.exercises.items():
        assert "values" in ex.parts, f"{lesson.name}/{name} has no values part"
        if "errors" in ex.parts:
            assert ex.parts["errors"].points <= ex.points / 4, f"{lesson.name}/{name}"


# --------------------------------------------------------------------------- #
# The framework, on a small lesson of its own
# --------------------------------------------------------------------------- #

def center(x):
    """Reference: subtract the mean of each column."""
    x = np.asarray(x, dtype=float)
    if x.ndim != 2:
        raise ValueError("x must be 2-D")
    return x - x.mean(axis=0)


demo = Lesson("99_demo")
ex = demo.exercise("center", center)


@ex.part("values", points=3)
def center_values(f, rng):
    f.check(rng.normal(size=(4, 3)) + np.arange(3), rtol=1e-12,
            hint="subtract each column's own mean (axis=0)")


@ex.part("errors", points=1)
def center_errors(f, rng):
    f.check_raises(ValueError, np.ones(3), hint="x must be 2-D")


def verdicts(source):
    namespace = {"__name__": "__main__", "np": np}
    exec(source, namespace)
    runner = LocalRunner(namespace)
    return [demo.verdict(runner, "center", part, seed=3) for part in ("values", "errors")]


def test_validation_counts_only_when_the_values_are_right():
    values, errors = verdicts("def center(x):\n    raise ValueError('no')")
    assert values.fraction == errors.fraction == 0.0
    assert "Validation counts only when the values are right" in errors.message


def test_a_right_function_without_validation_keeps_its_value_points():
    values, errors = verdicts("def center(x):\n    x = np.asarray(x, float)\n"
                              "    return x - x.mean(axis=0)")
    assert values.passed and not errors.passed


def test_a_warning_is_advice_not_a_failure():
    values, _ = verdicts("def center(x):\n    x = np.asarray(x, float)\n    np.log(np.zeros(1))\n"
                         "    return x - x.mean(axis=0)")
    assert values.passed and "RuntimeWarning" in values.advice[0]


def test_an_in_place_change_says_where_and_how_much():
    values, _ = verdicts("def center(x):\n    x -= x.mean(axis=0)\n    return x")
    assert not values.passed
    assert "modified its input `x` in place" in values.message
    assert "entries changed; the first at index" in values.message


def test_an_exception_is_reported_with_its_input_and_a_hint():
    values, _ = verdicts("def center(x):\n    if x <= 0:\n        pass\n    return x")
    assert "raised ValueError" in values.message and "input:    center(x=" in values.message
    assert "np.any" in values.message


def test_a_wrong_axis_fails_with_the_hint():
    values, _ = verdicts("def center(x):\n    x = np.asarray(x, float)\n    return x - x.mean()")
    assert "each column's own mean" in values.message


def test_run_prints_a_pass_line_and_raises_the_message(capsys):
    namespace = {"__name__": "__main__"}
    exec("import numpy as np\ndef center(x):\n    x = np.asarray(x, float)\n"
         "    if x.ndim != 2:\n        raise ValueError('2-D')\n    return x - x.mean(axis=0)",
         namespace)
    exec("demo.run('center')\ndemo.run('center', 'errors')", {**namespace, "demo": demo})
    out = capsys.readouterr().out
    assert "✓ center: every check passes (3 points at grading)." in out
    assert "✓ center: every invalid input is rejected (1 point at grading)." in out
    exec("def center(x):\n    return x", namespace)
    with pytest.raises(ExerciseFailure, match="wrong"):
        exec("demo.run('center')", {**namespace, "demo": demo})


def test_self_check_gives_the_points_grading_gives(capsys):
    namespace = {"__name__": "__main__"}
    exec("import numpy as np\ndef center(x):\n    x = np.asarray(x, float)\n"
         "    return x - x.mean(axis=0)", namespace)
    scores = eval("demo.self_check()", {**namespace, "demo": demo})
    assert scores == {("center", "values"): 3.0, ("center", "errors"): 0.0}
    assert "Grading would give 3 of 4 points" in capsys.readouterr().out


def test_use_falls_back_to_the_reference_until_implemented(capsys):
    namespace = {"__name__": "__main__"}
    exec("def center(x):\n    '''Doc.'''\n    # YOUR CODE HERE\n    raise NotImplementedError()",
         namespace)
    assert eval("demo.use('center')", {**namespace, "demo": demo}) is center
    assert "using the reference `center`" in capsys.readouterr().out
    exec("def center(x):\n    return x", namespace)
    assert eval("demo.use('center')", {**namespace, "demo": demo}) is namespace["center"]


def test_implemented_reads_the_body():
    namespace = {}
    exec("def f():\n    raise NotImplementedError()\n"
         "def g(x):\n    if x is None:\n        raise NotImplementedError()\n    return abs(x)",
         namespace)
    assert not implemented(namespace["f"]) and implemented(namespace["g"])


def test_a_time_limit_stops_a_loop_in_the_kernel():
    values, _ = verdicts("def center(x):\n    while True:\n        pass")
    assert "did not return within" in values.message
