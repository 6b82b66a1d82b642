"""Tests of the course as a whole, for every lesson in solutions/.

1. the notebooks are stored clean;
2. nbgrader releases the lesson, the release equals the committed course/, and it
   contains no solution code and no hidden test;
3. every test cell runs one part of the lesson's check module with a secret seed, with
   the points that part declares (validation at most a quarter of an exercise's);
4. the solution notebook runs from top to bottom without an error or anything on stderr
   (executed once per lesson, see conftest.py), and, autograded as a submission by real
   ``nbgrader autograde`` with the course's configuration, gets full marks; the untouched
   release gets zero on every test cell (a malformed submission, an infinite loop and a
   crash: test_classroom.py's demo class);
5. every wrong implementation in the lesson's catalogue loses points, and every
   correct alternative keeps full marks, both in the learner's kernel (the self-check's
   runner) and at grading (the sandboxed worker), with the same points in both.

Tests of one lesson share an xdist group, so one worker owns its grading worker.
"""

import itertools
import json
import linecache

import pytest
from harness import (COURSE, SOLUTIONS, Course, Lesson, bad_outputs, block_lines, grading_cells,
                     hidden_lines, is_clean, lesson_module, lesson_params, lessons, meta,
                     notebook_path, outside_lines, read, text_of)

from source_lib.checks import VALIDATION, LocalRunner, load
from source_lib.grading.pipeline import Cell, run_tests, worker_sources
from source_lib.grading.reader import read_code, translate
from source_lib.grading.remote import RemoteRunner, WorkerProcess

LESSONS = lessons()


def catalogue(lesson):
    """The lesson's catalogue variants; none if it has no catalogue module (a test says so)."""
    module = lesson_module("catalogue", lesson)
    return module.variants.variants if module is not None else []


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
        assert is_clean(path), f"{path} has outputs, execution counts or other metadata than " \
                               "JupyterLab's: run `make clean-notebooks`"


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


# 3 ------------------------------------------------------------------------- #

@pytest.mark.parametrize("lesson", lesson_params())
def test_test_cells_run_the_check_module(lesson):
    """Each test cell names one part of the check module, with its points, a secret seed
    in the hidden block and the public run outside it; each part has one test cell."""
    checks = load(lesson)
    nb = read(notebook_path(lesson))
    cells, tests = grading_cells(nb)
    seen = {}
    for cell, test in zip([c for c in nb.cells if c.cell_type == "code" and meta(c).get("grade")
                           and not meta(c).get("solution")], tests):
        name = "quiz_answers" if test.exercise == "quiz" else test.exercise
        assert name in checks.exercises, f"{lesson}/{test.grade_id}: no exercise {name!r}"
        part = checks.exercises[name].parts.get(test.part)
        assert part is not None, f"{lesson}/{test.grade_id}: {name} has no part {test.part!r}"
        assert test.points == part.points, (
            f"{lesson}/{test.grade_id} is worth {test.points:g} points in the notebook but "
            f"{part.points:g} in the check module")
        hidden = "\n".join(block_lines(cell.source, "hidden"))
        assert f"seed={test.seed}" in hidden, f"{lesson}/{test.grade_id}: the seed must be hidden"
        assert "checks.run(" in "\n".join(outside_lines(cell.source)), \
            f"{lesson}/{test.grade_id}: the visible part must run the same checks"
        assert "raises-exception" in cell.metadata.get("tags", []), \
            f"{lesson}/{test.grade_id}: tag it raises-exception so that Run All goes on"
        assert (name, test.part) not in seen, f"{lesson}: two test cells for {name}/{test.part}"
        seen[(name, test.part)] = test
    for name, ex in checks.exercises.items():
        for part in ex.parts:
            assert (name, part) in seen, f"{lesson}: {name}/{part} has no test cell"
        if VALIDATION in ex.parts:
            assert ex.parts[VALIDATION].points <= ex.points / 4, \
                f"{lesson}: validation is more than a quarter of {name}'s points"
    assert len({t.seed for t in tests}) == len(tests), f"{lesson}: two test cells share a seed"
    for cell in nb.cells:   # its release stub raises: Run All must go on to the self-check
        if meta(cell).get("grade_id") == "quiz_answers":
            assert "raises-exception" in cell.metadata.get("tags", []), \
                f"{lesson}: tag the quiz_answers cell raises-exception"


# 4 ------------------------------------------------------------------------- #

@pytest.mark.parametrize("lesson", lesson_params())
def test_solution_runs_cleanly_and_gets_full_marks(lesson, graded, executed):
    nb, _ = executed(lesson)
    problems = bad_outputs(nb)
    assert not problems, f"the solution of {lesson} has errors or stderr output: {problems}"
    course, _, scores = graded(lesson)
    assert not bad_outputs(course.autograded(lesson, "solution")), \
        f"a test cell of {lesson}'s solution shows a failure at grading"
    lost = {k: v for k, v in scores["solution"].items() if v[0] != v[1]}
    assert scores["solution"], f"{lesson} has no graded cells"
    assert not lost, f"the solution of {lesson} loses points in {lost}"


@pytest.mark.parametrize("lesson", lesson_params())
def test_feedback_shows_verdicts_and_hides_the_hidden_tests(lesson, graded):
    course, _, _ = graded(lesson)
    course.nbgrader("generate_feedback", lesson, "--force")
    hidden = hidden_lines(lesson)
    pages = {}
    for student in ("solution", "untouched"):
        page = course.root / "feedback" / student / lesson / f"{lesson}.html"
        assert page.exists(), f"no feedback for {student}"
        pages[student] = text_of(page.read_text())
    for student, text in pages.items():
        assert "HIDDEN TESTS" not in text, f"{lesson}: the feedback of {student} shows hidden tests"
        leaked = [line for line in hidden if line in text]
        assert not leaked, f"{lesson}: the feedback of {student} shows hidden lines {leaked[:3]}"
    assert "not implemented yet" in pages["untouched"], "the feedback must show why points were lost"


@pytest.mark.parametrize("lesson", lesson_params())
def test_untouched_release_scores_zero(lesson, graded):
    _, _, scores = graded(lesson)
    scored = {k: v for k, v in scores["untouched"].items() if v[0] != 0}
    assert not scored, f"the untouched release of {lesson} scores points in {scored}"


# 5 ------------------------------------------------------------------------- #

_cells = itertools.count()


def run_cell(source, namespace):
    """Run ``source`` in ``namespace`` as IPython runs a cell: under a file name of its own
    whose lines ``inspect.getsource`` finds (the self-check reads the student's code so)."""
    name = f"<cell-{next(_cells)}>"
    linecache.cache[name] = (len(source), None, source.splitlines(True), name)
    exec(compile(source, name, "exec"), namespace)  # noqa: S102


class Session:
    """One lesson's solution, held both in this process and in a sandboxed worker."""

    def __init__(self, lesson):
        self.lesson = lesson
        self.spec = Lesson.load(lesson)
        self.checks = load(lesson)
        self.cells, self.tests = grading_cells(read(notebook_path(lesson)))
        self.namespace = {"__name__": "__main__"}
        for source in [self.spec.setup, *self.spec.solutions.values()]:
            run_cell(source, self.namespace)
        plain = [Cell(translate(c.source), c.kind, c.exercise) for c in self.cells]
        self.process = WorkerProcess(worker_sources(plain), self.checks.modules)
        self.process.start()

    def define(self, source):
        run_cell(source, self.namespace)
        self.process.request({"op": "define", "source": source}, timeout=60)

    def restore(self, targets):
        for target in targets:
            run_cell(self.spec.solutions[target], self.namespace)
        try:
            self.process.request({"op": "define", "source": "\n".join(
                self.spec.solutions[t] for t in targets)}, timeout=60)
        except Exception:  # noqa: BLE001 - a dead worker restarts with the solution's cells
            self.process.restart()

    def points(self, targets, variant_source=None):
        """Points per test cell of ``targets``: (in this process, in the worker)."""
        tests = [t for t in self.tests
                 if ("quiz_answers" if t.exercise == "quiz" else t.exercise) in targets]
        local = run_tests(self.checks, tests, LocalRunner(self.namespace))
        cells = self.cells + [Cell(variant_source, "solution", targets[0])] if variant_source else self.cells
        remote = run_tests(self.checks, tests, RemoteRunner(self.process), read_code(cells, self.checks))
        return ({k: v.fraction * t.points for (k, v), t in zip(local.items(), tests)},
                {k: v.fraction * t.points for (k, v), t in zip(remote.items(), tests)},
                local, remote)


_sessions = {}


@pytest.fixture(scope="session", autouse=True)
def _stop_workers():
    yield
    for session in _sessions.values():
        session.process.kill()


def session(lesson):
    if lesson not in _sessions:
        _sessions[lesson] = Session(lesson)
    return _sessions[lesson]


def test_every_graded_function_has_a_catalogue():
    for lesson in LESSONS:
        spec = Lesson.load(lesson)
        variants = catalogue(lesson)
        for function in spec.solutions:
            if function == "quiz_answers":
                continue
            kinds = {v.kind for v in variants if function in v.targets}
            assert kinds == {"wrong", "correct"}, (
                f"{lesson}: {function} needs at least one wrong and one correct variant "
                f"in tests/course/catalogue_{lesson}.py (has: {sorted(kinds) or 'none'})")
        unknown = {t for v in variants for t in v.targets} - set(spec.solutions)
        assert not unknown, f"{lesson}: the catalogue names unknown functions {unknown}"


@pytest.mark.parametrize("lesson", lesson_params())
def test_solution_scores_full_marks_in_both_runners(lesson):
    s = session(lesson)
    local, remote, lv, rv = s.points(list(s.checks.exercises))
    full = {t.grade_id: t.points for t in s.tests}
    assert local == full, {k: v.message for k, v in lv.items() if not v.passed}
    assert remote == full, {k: v.message for k, v in rv.items() if not v.passed}


@pytest.mark.parametrize("lesson, variant", catalogue_params())
def test_catalogue_variant(lesson, variant):
    s = session(lesson)
    try:
        s.define(variant.source)
        local, remote, lv, rv = s.points(variant.targets, variant.source)
    finally:
        s.restore(variant.targets)
    for grade_id, verdict in rv.items():  # shown with `pytest -rP`, to review messages
        if not verdict.passed:
            print(f"{grade_id}: {verdict.message}")
    full = {t.grade_id: t.points for t in s.tests if t.grade_id in local}
    assert local == remote, (f"{lesson}: the self-check and grading disagree on {variant.why}:\n"
                             f"kernel {local}\ngrading {remote}\n"
                             + "\n".join(f"{k}: {lv[k].message} | {rv[k].message}" for k in lv
                                         if lv[k].fraction != rv[k].fraction))
    if variant.kind == "wrong":
        assert remote != full, (f"{lesson}: this wrong implementation passes every test of "
                                f"{'/'.join(variant.targets)}: {variant.why}")
        if variant.hint is not None:
            first = next(v for v in rv.values() if not v.passed)
            assert variant.hint in first.message, (
                f"{lesson}: the first failing check of '{variant.why}' does not name the mistake "
                f"(wanted {variant.hint!r} in its message):\n{first.message}")
    else:
        assert remote == full, (f"{lesson}: this correct implementation loses points: "
                                f"{variant.why}\n" + "\n".join(
                                    f"{k}: {v.message}" for k, v in rv.items() if not v.passed))


@pytest.mark.xdist_group("01_linear_algebra")
def test_demos_can_be_run_again_for_fresh_figures(tmp_path):
    """With c.TrustedGrading.rerun_demos = True, the graded notebook's demos show fresh
    outputs (a figure at least), made in a sandboxed kernel; the scores are the same."""
    lesson = "01_linear_algebra"
    course = Course(tmp_path)
    course.release(lesson)
    # the solution notebook is stored without outputs: whatever shows, the run made it
    course.submit(lesson, "solution", notebook_path(lesson))
    with open(course.root / "nbgrader_config.py", "a") as config:
        config.write("\nc.TrustedGrading.rerun_demos = True\n")
    scores = course.autograde(lesson)
    assert all(v[0] == v[1] for v in scores["solution"].values()), scores
    graded = course.autograded(lesson, "solution")
    images = [c for c in graded.cells if c.cell_type == "code" and not meta(c).get("grade")
              and any("image/png" in o.get("data", {}) for o in c.get("outputs", []))]
    assert images, "no demo cell shows a figure after the demos were run again"
    review = json.loads((course.root / "autograded" / "solution" / lesson / "course-review.json").read_text())
    assert "run again" in review["demos"]
