"""Tests of source_lib.grading.pipeline and remote: grading one submission without nbgrader.

nbgrader's side (the preprocessors in a real ``nbgrader autograde``) is tested by the
course tests (tests/course/test_course.py, test_attacks.py, test_classroom.py).
"""

import numpy as np
import pytest

from source_lib.checks import Lesson
from source_lib.grading import pipeline, remote, sandbox
from source_lib.grading.pipeline import Cell, SubmissionFailed, flags, grade, parse_test


def double(x):
    if isinstance(x, str):
        raise ValueError("x must be numbers")
    return 2 * np.asarray(x)


lesson = Lesson("99_example")
ex = lesson.exercise("double", double, forbidden=["numpy.multiply"])


@ex.part("values", points=2)
def double_values(f, rng):
    f.check(rng.normal(size=3), rtol=1e-12)


@ex.part("errors", points=1)
def double_errors(f, rng):
    f.check_raises(ValueError, "x")


TESTS = [parse_test("t1", 'checks.run("double", seed=1)'),
         parse_test("t2", 'checks.run("double", "errors", seed=2)')]


def test_parse_test_reads_the_exercise_part_and_seed():
    test = parse_test("test_double_errors", 'checks.run("double", "errors")\n'
                      '### BEGIN HIDDEN TESTS\nchecks.run("double", "errors", seed=77)\n'
                      '### END HIDDEN TESTS')
    assert (test.exercise, test.part, test.seed) == ("double", "errors", 77)
    with pytest.raises(ValueError):
        parse_test("test_x", "assert True")


def graded(source):
    cells = [Cell("import numpy as np", "setup"), Cell(source, "solution", "double")]
    verdicts, review = grade(lesson, TESTS, cells)
    return [v.fraction for v in verdicts.values()], verdicts, review


def test_verdicts_and_validation_only_for_working_functions():
    right = ("def double(x):\n    if isinstance(x, str):\n        raise ValueError('x')\n"
             "    return 2 * np.asarray(x)")
    assert graded(right)[0] == [1.0, 1.0]
    assert graded("def double(x):\n    raise ValueError('no')")[0] == [0.0, 0.0]
    fractions, verdicts, review = graded("def double(x):\n    while True:\n        pass")
    assert fractions == [0.0, 0.0] and "did not return" in verdicts["t1"].message
    assert review["events"] and review["sandboxed"]


def test_a_shortcut_or_a_refused_construct_fails_the_exercise_and_is_named():
    fractions, verdicts, review = graded("def double(x):\n    return np.multiply(x, 2)")
    assert fractions == [0.0, 0.0] and "does this exercise for you" in verdicts["t1"].message
    assert any("shortcut" in f for f in flags(review))
    fractions, verdicts, review = graded("def double(x):\n    return getattr(np, 'mul' + 'tiply')(x, 2)")
    assert fractions == [0.0, 0.0] and "computed at run time" in verdicts["t1"].message
    assert any("refused (double)" in f for f in flags(review))


def test_a_crash_costs_the_call_and_the_worker_restarts():
    # as_strided over memory that is not there: a segmentation fault, as a student may make
    source = ("from numpy.lib.stride_tricks import as_strided\ncalls = []\ndef double(x):\n"
              "    if np.size(x) == 3 and not calls:\n"
              "        as_strided(np.zeros(1), shape=(10**7,), strides=(10**6,)).sum()\n"
              "    return 2 * np.asarray(x)")
    fractions, verdicts, review = graded(source)
    assert fractions[0] == 0.0 and "ended the Python process" in verdicts["t1"].message
    assert any(e.startswith("crash") for e in review["events"])


def test_modifying_an_input_is_seen_by_the_broker():
    source = "def double(x):\n    x *= 2\n    return x"
    fractions, verdicts, _ = graded(source)
    assert fractions[0] == 0.0 and "modified its input" in verdicts["t1"].message


def test_global_randomness_fails():
    source = "def double(x):\n    np.random.seed(0)\n    return 2 * np.asarray(x)"
    fractions, verdicts, _ = graded(source)
    assert fractions[0] == 0.0 and "global random" in verdicts["t1"].message


def test_any_exception_while_grading_one_submission_costs_that_submission_only():
    class Step:
        @pipeline._guarded
        def preprocess(self, nb, resources):
            raise SystemExit(0)

    with pytest.raises(SubmissionFailed, match="SystemExit"):
        Step().preprocess(None, {})

    class Broken:
        @pipeline._guarded
        def preprocess(self, nb, resources):
            raise sandbox.GradingCannotStart("the machine")

    with pytest.raises(sandbox.GradingCannotStart):
        Broken().preprocess(None, {})


def test_a_worker_that_cannot_start_stops_grading_with_the_reason(monkeypatch):
    monkeypatch.setattr(remote, "PYTHON", "/nonexistent/python3")
    process = remote.WorkerProcess([], ["numpy", "math"])
    with pytest.raises(sandbox.GradingCannotStart, match="Nothing was graded"):
        remote.check_worker(process)
    assert process.proc is None


def test_the_review_flags_name_every_attempt():
    review = {"sandboxed": True, "tampering": ["Line 1 changes the module numpy"],
              "refused": {"double": ["Line 2 uses eval"]}, "shortcuts": {"double": ["numpy.multiply"]},
              "events": ["time-out: double"], "review": ["your cell, line 3: imports scipy"],
              "submission": ["x.db was a symbolic link: removed"], "startup_failure": None}
    found = flags(review)
    for needle in ("changes the module numpy", "uses eval", "numpy.multiply", "time-out",
                   "imports scipy", "symbolic link"):
        assert any(needle in f for f in found), needle
    assert flags({"sandboxed": True}) == []
