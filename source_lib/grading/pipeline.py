"""nbgrader's side of grading: no notebook kernel, every verdict from the trusted side.

With the course's ``nbgrader_config.py``, ``nbgrader autograde`` (and ``make grade``, which
runs the same application) does this to each submission:

1. :func:`sanitize_submission` (nbgrader's pre-convert hook, before it copies anything)
   removes symbolic links, devices and FIFOs from the submission's folder and sets aside a
   notebook too big to read (:mod:`source_lib.grading.submission`).
2. :class:`RepairSubmission` (the first of nbgrader's sanitizing steps) repairs the
   nbgrader metadata that would otherwise stop the whole run (a test cell pasted twice),
   and keeps the submission's own outputs of its cells, sanitised: text and images only,
   capped in bytes; markdown the instructor did not write has its HTML shown as text.
3. :class:`TrustedGrading` (the first autograding step, in place of nbgrader's kernel)
   reads the submission's code against each exercise's allowlist
   (:mod:`source_lib.grading.reader`), starts the worker on it
   (:mod:`source_lib.grading.remote`: the sandbox, the lesson's packages only, no
   notebook kernel), runs each test cell's checks here with the instructor's seed (read
   from the gradebook), and makes each test cell show its verdict, which nbgrader then
   scores as usual (deleted or disguised test cells are restored). It writes what an
   instructor may want to look at beside the graded notebook (``course-review.json``) and
   in nbgrader's log (``needs a look:``). With ``c.TrustedGrading.rerun_demos = True`` the
   notebook's other cells are run again in a sandboxed kernel for fresh figures
   (:mod:`source_lib.grading.demos`); their outputs decide nothing.

Whatever a submission does, any exception raised while grading it (``SystemExit`` and the
like included) costs that submission only: it becomes an ordinary error of that
notebook, which nbgrader reports and skips. Only :class:`~source_lib.grading.sandbox.GradingCannotStart`,
raised when the machine cannot run the worker at all (checked once per grading process,
before any submission's code), stops the run, with what to fix.

:func:`grade` is the same pipeline without nbgrader, for the course's tests.
"""

from __future__ import annotations

import ast
import functools
import json
import logging
import os
import time
from dataclasses import dataclass
from pathlib import Path

from source_lib.checks import Verdict, load, worker_modules
from source_lib.grading import sandbox, submission
from source_lib.grading.reader import Cell, read_code, translate
from source_lib.grading.remote import RemoteRunner, WorkerProcess, check_worker

__all__ = ["TestCell", "Cell", "parse_test", "worker_sources", "run_tests", "grade",
           "sanitize_submission", "RepairSubmission", "TrustedGrading", "REVIEW_FILE"]

REVIEW_FILE = "course-review.json"   # beside each graded notebook: what needs a look
SUBMISSION_BUDGET = 300.0           # seconds of wall-clock time for one submission's grading
log = logging.getLogger("course.grading")


class SubmissionFailed(Exception):
    """Grading one submission failed, whatever the cause: that submission is not graded."""


@dataclass
class TestCell:
    """A test cell of the instructor's: the exercise, part and secret seed it runs."""

    grade_id: str
    exercise: str
    part: str
    seed: int
    points: float = 0.0
    key: dict = None      # the quiz's answer key, where the instructor keeps it


def parse_test(grade_id, source):
    """Read ``checks.run("name", "part", seed=N[, key={...}])`` from an instructor's test cell."""
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                and node.func.attr == "run":
            keywords = {k.arg: k.value for k in node.keywords}
            seed = keywords["seed"].value if isinstance(keywords.get("seed"), ast.Constant) else None
            key = ast.literal_eval(keywords["key"]) if "key" in keywords else None
            args = [a.value for a in node.args if isinstance(a, ast.Constant)]
            if isinstance(seed, int) and args and all(isinstance(a, str) for a in args):
                return TestCell(grade_id, args[0], args[1] if len(args) > 1 else "values", seed,
                                key=key)
    raise ValueError(f"test cell {grade_id} has no `checks.run(name[, part], seed=N)` call: "
                     "grading cannot know which checks it stands for")


WORKER_KINDS = ("setup", "solution", "student")


def worker_sources(cells, skipped=()):
    """The cells the worker runs, of ``cells`` already made plain Python (:func:`translate`):
    the set-up cell, the solution cells and the student's own cells (not the lesson's demos nor the test cells), without the
    top-level statements the reader refused (``skipped``: ``(source, first, last)`` line
    ranges, blanked so that line numbers stay the same)."""
    sources = []
    for cell in cells:
        if cell.kind not in WORKER_KINDS:
            continue
        source = cell.source
        ranges = [(a, b) for text, a, b in skipped if text == source]
        if ranges:
            lines = source.splitlines()
            for a, b in ranges:
                lines[a - 1:b] = [""] * (b - a + 1)
            source = "\n".join(lines)
        sources.append(source)
    return sources


def run_tests(lesson, tests, runner, reading=None):
    """The verdict of every test cell, ``{grade_id: Verdict}``, with ``runner``."""
    if reading is not None:
        runner.reading = reading
    verdicts, cache = {}, {}
    for test in tests:
        verdicts[test.grade_id] = lesson.verdict(runner, test.exercise, test.part, test.seed, cache,
                                                 answer_key=test.key)
    return verdicts


def grade(lesson, tests, cells, course_root=None, process=None, budget=SUBMISSION_BUDGET):
    """Grade one submission: ``{grade_id: Verdict}`` and the instructor's review.

    Parameters
    ----------
    lesson : source_lib.checks.Lesson
    tests : list of TestCell
    cells : list of Cell
        The submission's code cells in order (test cells included or not).
    process : WorkerProcess, optional
        A worker already started on these cells.
    budget : float
        Seconds of wall-clock time for the whole grading.
    """
    code = [c for c in cells if c.kind in WORKER_KINDS]
    translated = [Cell(translate(c.source), c.kind, c.exercise) for c in cells]
    reading = read_code(translated, lesson)
    process = process or WorkerProcess([], lesson.modules, course_root)
    if not process.loaded:
        process.cells = worker_sources(translated, reading.skipped)
    runner = RemoteRunner(process, deadline=time.monotonic() + budget)
    try:
        verdicts = run_tests(lesson, tests, runner, reading)
    finally:
        process.kill()
    review = {
        "sandboxed": process.sandboxed,
        "skipped": len(reading.skipped),
        "bounded": process.bounded,
        "tampering": reading.tampering,
        "refused": reading.refused,
        "shortcuts": reading.shortcuts,
        "review": reading.review,
        "limits": reading.limits,
        "events": runner.events + [f"refused (your cells) at run time: {r}"
                                   for r in process.startup_refused],
        "startup_errors": [f"{code[i].kind} cell {i}: {m}" for i, m in process.startup_errors
                           if 0 <= i < len(code) and code[i].kind != "setup"][:20],
        "startup_failure": process.startup_failure,
        "peak_memory": process.peak_memory,
    }
    return verdicts, review


def flags(review):
    """The lines of a review that need the instructor's look (empty: nothing to see)."""
    found = []
    if review.get("sandboxed") is False:
        found.append("graded WITHOUT the sandbox")
    found += [f"submission: {n}" for n in review.get("submission", [])]
    found += [f"tampering: {t}" for t in review.get("tampering", [])[:3]]
    for exercise, reasons in review.get("refused", {}).items():
        found += [f"refused ({exercise}): {r}" for r in reasons[:3]]
    for exercise, names in review.get("shortcuts", {}).items():
        found.append(f"shortcut ({exercise}): {', '.join(names)}")
    found += review.get("events", [])
    if review.get("startup_failure"):
        found.append(review["startup_failure"])
    found += [f"review: {r}" for r in review.get("review", [])]
    found += [f"copy: {c}" for c in review.get("copies", [])]
    return found


# --------------------------------------------------------------------------- #
# nbgrader
# --------------------------------------------------------------------------- #

_FOLDER_NOTES = {}   # submission folder -> what sanitize_submission removed
_LAUNCHED = {}       # submission folder -> its worker, started early


def sanitize_submission(assignment=None, student=None, notebooks=(), **_):
    """nbgrader's pre-convert hook: clean each submission's folder before nbgrader copies
    it (``c.Autograde.pre_convert_hook``), and launch the worker that will grade it (its
    imports then overlap with nbgrader's own work on the notebook). Never raises."""
    for folder, process in list(_LAUNCHED.items()):   # a submission that failed on the way
        process.kill()
        del _LAUNCHED[folder]
    folders = {os.path.dirname(os.path.abspath(path)) for path in notebooks}
    for folder in folders:
        key = os.path.realpath(folder)
        try:
            modules = worker_modules(Path(folder).name)   # the check module, with torch, later
            process = WorkerProcess([], modules, os.getcwd())   # nbgrader's course root
            process.launch()
            _LAUNCHED[key] = process
        except BaseException:  # noqa: BLE001 - grading starts it later, and says what fails
            pass
        try:
            notes = submission.clean_folder(folder)
        except BaseException as err:  # noqa: BLE001 - one submission's folder, whatever happens
            if isinstance(err, KeyboardInterrupt):
                raise
            notes = [f"its folder could not be cleaned: {err!r}"[:300]]
        _FOLDER_NOTES[key] = notes
        if notes:
            logging.getLogger("AutogradeApp").warning(
                "needs a look: %s: %s", Path(folder).parent.name, "; ".join(notes)[:600])


def _guarded(preprocess):
    """Any exception raised while grading one submission becomes an ordinary error of that
    submission (nbgrader skips it and goes on); only an unusable machine stops the run."""
    @functools.wraps(preprocess)
    def wrapper(self, nb, resources):
        try:
            return preprocess(self, nb, resources)
        except (sandbox.GradingCannotStart, KeyboardInterrupt, SubmissionFailed):
            raise
        except BaseException as err:  # noqa: BLE001 - SystemExit, RecursionError, anything
            raise SubmissionFailed(f"grading this submission failed: {type(err).__name__}: "
                                   f"{str(err)[:300]}") from None
    return wrapper


@functools.lru_cache(maxsize=32)
def _instructor_notebook(path, mtime):
    import nbformat
    return nbformat.read(path, as_version=4)


class _Submission:
    """What the gradebook and the instructor's source say about one submitted notebook."""

    def __init__(self, nb, resources, config):
        from nbgrader.api import Gradebook
        from nbgrader.coursedir import CourseDirectory

        info = resources["nbgrader"]
        self.notebook, self.assignment = info["notebook"], info["assignment"]
        with Gradebook(info["db_url"]) as gb:
            source_nb = gb.find_notebook(self.notebook, self.assignment)
            self.sources = {c.name: (c.source, c.cell_type, c.locked) for c in source_nb.source_cells}
            self.solution_ids = {c.name for c in source_nb.solution_cells}
            self.points = {c.name: float(c.max_score) for c in source_nb.grade_cells
                           if c.cell_type == "code" and c.name not in self.solution_ids}
        self.course_root = CourseDirectory(config=config).root
        self.source_path = source = _source_notebook(info, config)
        self.instructor_code = set()
        try:
            self.instructor_code = instructor_code(_instructor_notebook(str(source), source.stat().st_mtime))
        except OSError:   # without the source, every unmarked cell counts as the student's
            pass
        try:
            self.lesson = load(self.assignment)
        except LookupError:
            self.lesson = None
        self.tests = [parse_test(gid, self.sources[gid][0]) for gid in self.points] \
            if self.lesson is not None else []
        self.cells = self.classify(nb)

    def classify(self, nb):
        cells = []
        for cell in nb.cells:
            if cell.cell_type != "code":
                continue
            setup = not cells
            meta = cell.metadata.get("nbgrader", {})
            gid = meta.get("grade_id")
            if gid in self.points:
                cells.append(Cell(self.sources[gid][0], "test"))
            elif gid in self.solution_ids:
                cells.append(Cell(cell.source, "solution", gid))
            elif cell.source in self.instructor_code or (gid in self.sources and self.sources[gid][2]):
                cells.append(Cell(self.sources[gid][0] if gid in self.sources else cell.source,
                                  "setup" if setup else "instructor"))
            else:
                cells.append(Cell(cell.source, "student"))
        return cells


def _preprocessor_base():
    from nbgrader.preprocessors import NbGraderPreprocessor
    return NbGraderPreprocessor


def _repair_class():
    class RepairSubmission(_preprocessor_base()):
        """The first sanitizing step: nbgrader metadata repaired, outputs and markdown made
        safe (in place of nbgrader's ClearOutput: the student's outputs are kept)."""

        @_guarded
        def preprocess(self, nb, resources):
            notes = _changed_tests(nb, resources)
            notes += submission.repair_metadata(nb)
            markdown = ()
            try:
                markdown = _instructor_markdown_of(resources, self.config)
            except Exception:  # noqa: BLE001 - without it, all markdown is sanitised
                pass
            notes += submission.sanitize_notebook(nb, markdown)
            resources.setdefault("course", {})["repairs"] = notes
            _REPAIRS[_key(resources)] = notes
            return nb, resources

    return RepairSubmission


_REPAIRS = {}


def _visible(source):
    """A test cell's lines as the release shows them (its hidden block left out)."""
    return "\n".join(line.rstrip() for line in submission.outside_hidden_tests(source)).strip()


def _changed_tests(nb, resources):
    """Test cells of the submission that differ from the release's (nbgrader restores them
    silently): a line for the review each."""
    from nbgrader.api import Gradebook

    info = resources.get("nbgrader", {})
    try:
        with Gradebook(info["db_url"]) as gb:
            source_nb = gb.find_notebook(info["notebook"], info["assignment"])
            solutions = {c.name for c in source_nb.solution_cells}
            tests = {c.name: _visible(c.source) for c in source_nb.source_cells
                     if c.name in {g.name for g in source_nb.grade_cells} and c.name not in solutions}
    except Exception:  # noqa: BLE001 - without the gradebook, nothing to compare with
        return []
    return [f"the test cell {gid!r} was changed: restored" for cell in nb.cells
            if (gid := cell.metadata.get("nbgrader", {}).get("grade_id")) in tests
            and _visible(cell.source) != tests[gid]]


def _key(resources):
    info = resources.get("nbgrader", {})
    return info.get("assignment"), info.get("student"), info.get("notebook")


def instructor_code(nb):
    """The sources of an instructor's notebook's code cells that nbgrader does not track (the
    set-up and the demos): a submission's cell with one of them is the instructor's."""
    return {c.source for c in nb.cells
            if c.cell_type == "code" and not c.metadata.get("nbgrader", {}).get("grade_id")}


def _source_notebook(info, config):
    """The path of the instructor's source notebook of a submission (``resources["nbgrader"]``)."""
    from nbgrader.coursedir import CourseDirectory

    coursedir = CourseDirectory(config=config)
    return Path(coursedir.format_path(coursedir.source_directory, ".", info["assignment"])) \
        / f"{info['notebook']}.ipynb"


def _instructor_markdown_of(resources, config):
    source = _source_notebook(resources["nbgrader"], config)
    return {c.source for c in _instructor_notebook(str(source), source.stat().st_mtime).cells
            if c.cell_type == "markdown"}


_CHECKED = set()   # the allowlists for which this process has seen a worker start


def _trusted_grading_class():
    from traitlets import Bool

    class TrustedGrading(_preprocessor_base()):
        """Grade every test cell with the course's checks, the student's code in the
        sandboxed worker: the step that replaces nbgrader's kernel."""

        rerun_demos = Bool(False, help="Run the notebook's cells again in a sandboxed kernel "
                                       "for fresh figures in the graded notebook (they decide "
                                       "nothing; grading takes longer).").tag(config=True)

        @_guarded
        def preprocess(self, nb, resources):
            sub = _Submission(nb, resources, self.config)
            if sub.lesson is None:
                raise SubmissionFailed(f"no check module grades {sub.assignment!r}: nothing was "
                                       "graded (see source_lib.checks.MODULES)")
            submitted = os.path.realpath(_submitted(resources, self.config))
            process = _LAUNCHED.pop(submitted, None)
            if process is None or set(process.allowed) != set(sub.lesson.modules) \
                    or Path(process.course_root).resolve() != Path(sub.course_root).resolve():
                if process is not None:
                    process.kill()
                process = WorkerProcess([], sub.lesson.modules, sub.course_root)
            allowed = tuple(sub.lesson.modules)
            if allowed not in _CHECKED:
                if not _CHECKED:
                    sandbox.sweep_cgroups()   # left by grading processes that were killed
                check_worker(process)   # GradingCannotStart stops the run
                _CHECKED.add(allowed)
            verdicts, review = grade(sub.lesson, sub.tests, sub.cells, sub.course_root, process)
            restored = _apply(nb, sub, verdicts)
            from source_lib.grading.copies import against_public_code
            review["copies"] = against_public_code(
                sub.lesson, [c.source for c in sub.cells if c.kind in ("solution", "student")],
                sub.source_path)
            folder = resources.get("metadata", {}).get("path")
            review["submission"] = _FOLDER_NOTES.pop(submitted, []) \
                + _REPAIRS.pop(_key(resources), []) + restored
            if self.rerun_demos:
                from source_lib.grading import demos
                review["demos"] = demos.rerun(nb, sub)
            self._review(resources, review, folder)
            return nb, resources

        def _review(self, resources, review, folder):
            student = resources["nbgrader"]["student"]
            if not review["sandboxed"]:
                self.log.warning("%s: graded WITHOUT a sandbox (%s=1)", student, sandbox.UNSANDBOXED)
            needs = flags(review)
            if needs:
                self.log.warning("needs a look: %s: %s", student, "; ".join(needs)[:600])
            if folder:
                with open(os.path.join(folder, REVIEW_FILE), "w") as out:
                    json.dump(review, out, indent=1)

    return TrustedGrading


def _submitted(resources, config):
    from nbgrader.coursedir import CourseDirectory

    info = resources["nbgrader"]
    coursedir = CourseDirectory(config=config)
    return coursedir.format_path(coursedir.submitted_directory, info["student"], info["assignment"])


@functools.lru_cache(maxsize=None)
def __getattr__(name):
    if name == "RepairSubmission":
        return _repair_class()
    if name == "TrustedGrading":
        return _trusted_grading_class()
    raise AttributeError(name)


def _apply(nb, sub, verdicts):
    """Make each test cell of ``nb`` show its verdict; restore missing test cells. What was
    restored or disarmed, for the review."""
    import nbformat

    seen, notes = set(), []
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        gid = meta.get("grade_id")
        if meta.get("grade") and (gid not in sub.points or gid in seen) \
                and gid not in sub.solution_ids:
            meta["grade"] = False           # a disguised or duplicated test cell scores nothing
            notes.append(f"a cell marked as graded ({gid!r}) that is no test cell of the lesson "
                         "was disarmed")
            continue
        if gid in sub.points and cell.cell_type == "code":
            seen.add(gid)
            cell.source = sub.sources[gid][0]
            meta.update(grade=True, solution=False, points=sub.points[gid])
            cell.outputs = _outputs(verdicts[gid], sub.points[gid])
            cell.execution_count = None
    for gid in sub.points:
        if gid not in seen:
            notes.append(f"the test cell {gid!r} was missing: restored")
            cell = nbformat.v4.new_code_cell(sub.sources[gid][0])
            cell.metadata["nbgrader"] = {"grade": True, "grade_id": gid, "locked": True,
                                         "points": sub.points[gid], "solution": False,
                                         "schema_version": 3, "task": False}
            cell.outputs = _outputs(verdicts[gid], sub.points[gid])
            nb.cells.append(cell)
    return notes


def _outputs(verdict: Verdict, points):
    """The outputs nbgrader scores: nothing but text for full marks, an error for none,
    a number for the part of a quiz or of an accuracy."""
    import nbformat

    lines = list(verdict.notes)
    lines += [f"advice: {a}" for a in verdict.advice]
    if verdict.passed:
        text = "\n".join(lines + [f"✓ {verdict.exercise} ({verdict.part}): every check passes."])
        return [nbformat.v4.new_output("stream", name="stdout", text=text + "\n")]
    if verdict.fraction > 0:
        text = "\n".join(lines + [verdict.message])
        return [nbformat.v4.new_output("stream", name="stdout", text=text + "\n"),
                nbformat.v4.new_output("execute_result", data={"text/plain": repr(
                    round(verdict.fraction * points, 6))}, execution_count=None)]
    message = "\n".join(lines + [verdict.message])
    return [nbformat.v4.new_output("error", ename="ExerciseFailure",
                                   evalue=message.splitlines()[0] if message else "",
                                   traceback=[message])]
