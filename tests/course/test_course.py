"""Tests of the course as a whole, for every lesson in solutions/.

1. the notebooks are stored clean;
2. nbgrader releases the lesson, the release equals the committed course/, and it
   contains no solution code and no hidden test;
3. the solution notebook, autograded as a submission by real ``nbgrader autograde``,
   runs without an error or anything on stderr and gets full marks;
4. the untouched release, autograded, gets zero on every test cell, and a malformed
   submission or one whose kernel dies costs only its own student;
5. every wrong implementation in the lesson's catalogue loses points, and every
   correct alternative keeps full marks (one kernel per notebook).

Tests of one lesson share an xdist group, so one worker owns its kernel.
"""

import importlib
import json

import nbformat
import pytest
from harness import (COURSE, SOLUTIONS, Course, Kernel, Lesson, bad_outputs, block_lines,
                     is_clean, lessons, meta, notebook_path, outside_lines, read)

LESSONS = lessons()


def lesson_params():
    return [pytest.param(lesson, marks=pytest.mark.xdist_group(lesson)) for lesson in LESSONS]


def catalogue(lesson):
    """The lesson's catalogue variants; none if it has no catalogue module (a test says so)."""
    try:
        return importlib.import_module(f"catalogue_{lesson}").variants.variants
    except ModuleNotFoundError as err:
        if err.name != f"catalogue_{lesson}":
            raise
        return []


def catalogue_params():
    params = []
    for lesson in LESSONS:
        for variant in catalogue(lesson):
            params.append(pytest.param(lesson, variant, id=f"{lesson}:{variant.kind}:{variant.label}",
                                       marks=pytest.mark.xdist_group(lesson)))
    return params


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """Release and autograde each lesson once (the solution and the untouched release)."""
    results = {}

    def get(lesson):
        if lesson not in results:
            course = Course(tmp_path_factory.mktemp(lesson))
            released = course.release(lesson)
            course.submit(lesson, "solution", notebook_path(lesson))
            course.submit(lesson, "untouched", released)
            results[lesson] = (course, released, course.autograde(lesson))
        return results[lesson]

    return get


# 1 ------------------------------------------------------------------------- #

@pytest.mark.parametrize("lesson", lesson_params())
def test_notebooks_are_stored_clean(lesson):
    for base in (SOLUTIONS, COURSE):
        path = notebook_path(lesson, base)
        assert path.exists(), f"{path} is missing: run `make release`"
        assert is_clean(path), f"{path} has outputs or execution counts: run `make clean-notebooks`"


# 2 ------------------------------------------------------------------------- #

@pytest.mark.parametrize("lesson", lesson_params())
def test_release_matches_committed_course(lesson, graded):
    course, released, _ = graded(lesson)
    fresh = sorted(p.relative_to(released.parent) for p in released.parent.rglob("*") if p.is_file())
    committed_dir = COURSE / lesson
    committed = sorted(p.relative_to(committed_dir) for p in committed_dir.rglob("*") if p.is_file())
    assert fresh == committed, f"course/{lesson} has other files than a fresh release: run `make release`"
    for rel in fresh:
        new, old = released.parent / rel, committed_dir / rel
        if rel.suffix == ".ipynb":
            same = json.loads(new.read_text()) == json.loads(old.read_text())
        else:
            same = new.read_bytes() == old.read_bytes()
        assert same, f"course/{lesson}/{rel} differs from a fresh release: run `make release`"


@pytest.mark.parametrize("lesson", lesson_params())
def test_release_hides_solutions_and_hidden_tests(lesson, graded):
    _, released, _ = graded(lesson)
    source = read(notebook_path(lesson))
    release = {meta(c).get("grade_id"): c.source for c in read(released).cells if meta(c)}
    text = released.read_text()
    for marker in ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS"):
        assert marker not in text, f"the release of {lesson} still contains '### {marker}'"
    n_hidden = 0
    for cell in source.cells:
        grade_id = meta(cell).get("grade_id")
        if cell.cell_type != "code" or grade_id is None:
            continue
        released_lines = set(line.strip() for line in release[grade_id].splitlines())
        visible = set(line.strip() for line in outside_lines(cell.source))
        for kind in ("solution", "hidden"):
            lines = [ln.strip() for ln in block_lines(cell.source, kind)]
            n_hidden += kind == "hidden" and bool(lines)
            leaked = [ln for ln in lines if ln and ln in released_lines and ln not in visible
                      and not ln.startswith("#")]
            assert not leaked, f"{lesson}/{grade_id}: {kind} lines leaked into the release: {leaked}"
    assert n_hidden, f"{lesson} has no hidden tests at all"


# 3, 4 ----------------------------------------------------------------------- #

@pytest.mark.parametrize("lesson", lesson_params())
def test_solution_runs_cleanly_and_gets_full_marks(lesson, graded):
    course, _, scores = graded(lesson)
    problems = bad_outputs(course.autograded(lesson, "solution"))
    assert not problems, f"the solution of {lesson} has errors or stderr output: {problems}"
    lost = {k: v for k, v in scores["solution"].items() if v[0] != v[1]}
    assert scores["solution"], f"{lesson} has no graded cells"
    assert not lost, f"the solution of {lesson} loses points in {lost}"


@pytest.mark.parametrize("lesson", lesson_params())
def test_untouched_release_scores_zero(lesson, graded):
    _, _, scores = graded(lesson)
    scored = {k: v for k, v in scores["untouched"].items() if v[0] != 0}
    assert not scored, f"the untouched release of {lesson} scores points in {scored}"


def test_a_broken_submission_costs_only_its_own_student(tmp_path):
    """A malformed notebook and a kernel that dies are that student's loss alone."""
    lesson = LESSONS[0]
    course = Course(tmp_path)
    course.release(lesson)
    course.submit(lesson, "good", notebook_path(lesson))
    malformed = tmp_path / "malformed.ipynb"
    malformed.write_text('{"cells": [ this is not JSON')
    course.submit(lesson, "malformed", malformed)
    dying = read(notebook_path(lesson))
    first_solution = next(c for c in dying.cells if meta(c).get("solution"))
    first_solution.source = "import os\nos._exit(1)\n" + first_solution.source
    nbformat.write(dying, str(tmp_path / "dies.ipynb"))
    course.submit(lesson, "dies", tmp_path / "dies.ipynb")

    scores = course.autograde(lesson, check=False)
    good = scores["good"].values()
    assert sum(s for s, _ in good) == sum(m for _, m in good) > 0, scores["good"]
    for student in ("malformed", "dies"):
        assert sum(s for s, _ in scores.get(student, {}).values()) == 0, scores[student]
        assert f"for student '{student}'" in course.log, course.log[-2000:]


# 5 ------------------------------------------------------------------------- #

_kernels = {}
# Seconds a test cell may run in the catalogue kernel; a student's infinite loop in a
# visible check (which has no time limit of its own) is interrupted after this.
CELL_TIMEOUT = 15


@pytest.fixture(scope="session", autouse=True)
def _shutdown_kernels():
    yield
    for kernel, _ in _kernels.values():
        kernel.shutdown()


def lesson_kernel(lesson):
    """A kernel with the lesson's set-up cell and solutions run, and the notebook parts."""
    if lesson not in _kernels:
        spec = Lesson.load(lesson)
        kernel = Kernel(SOLUTIONS / lesson, timeout=CELL_TIMEOUT)
        _kernels[lesson] = (kernel, spec)
        kernel.run_cells(lesson, [("set-up cell", spec.setup), *spec.solutions.items()])
        for function, cells in spec.tests.items():
            for grade_id, source in cells:
                outcome = kernel.run(source)
                assert not outcome.failed, (
                    f"{lesson}/{grade_id} fails with the solutions and only the set-up cell "
                    f"run: {outcome}. Test cells may rely on the set-up cell and solution cells only.")
    return _kernels[lesson]


def test_every_graded_function_has_a_catalogue():
    for lesson in LESSONS:
        spec = Lesson.load(lesson)
        variants = catalogue(lesson)
        for function in spec.solutions:
            kinds = {v.kind for v in variants if function in v.targets}
            assert kinds == {"wrong", "correct"}, (
                f"{lesson}: {function} needs at least one wrong and one correct variant "
                f"in tests/course/catalogue_{lesson}.py (has: {sorted(kinds) or 'none'})")
        unknown = {t for v in variants for t in v.targets} - set(spec.solutions)
        assert not unknown, f"{lesson}: the catalogue names unknown functions {unknown}"


@pytest.mark.parametrize("lesson, variant", catalogue_params())
def test_catalogue_variant(lesson, variant):
    kernel, spec = lesson_kernel(lesson)
    try:
        defined = kernel.run(variant.source)
        assert not defined.failed, f"the variant's source does not run: {defined}"
        outcomes = {grade_id: kernel.run(source)
                    for target in variant.targets for grade_id, source in spec.tests[target]}
    finally:
        kernel.run_cells(lesson, spec.solutions.items())  # put the solutions back
    failing = {k: str(o) for k, o in outcomes.items() if o.failed}
    for grade_id, message in failing.items():  # shown with `pytest -rP`, to review messages
        print(f"{grade_id}: {message}")
    if variant.kind == "wrong":
        assert failing, (f"{lesson}: this wrong implementation passes every test of "
                         f"{'/'.join(variant.targets)}: {variant.why}")
    else:
        assert not failing, (f"{lesson}: this correct implementation loses points: "
                             f"{variant.why}\n{failing}")
