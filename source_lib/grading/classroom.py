"""The instructor's commands: a whole class graded on every core, and a demo class.

Run them from the course directory (the one holding ``nbgrader_config.py``), inside the
course's environment::

    python -m source_lib.grading.classroom grade [LESSON ...] [--jobs N] [--force]
    python -m source_lib.grading.classroom demo [DIRECTORY]
    python -m source_lib.grading.classroom doctor

``grade`` runs nbgrader's own autograding (the application behind ``nbgrader autograde``)
on one submission at a time in each of several grading processes (one per core by
default), so every submission is graded exactly as a serial ``nbgrader autograde`` grades
it: the course's configuration, its sandbox and its trusted verdicts. nbgrader's gradebook
stays the one store of grades (Formgrader, feedback and export work as usual). A progress
bar shows the run; it ends with a table of students x exercises per lesson and the
submissions that need a look: not graded (a malformed notebook, a run that had to be
stopped), crashed or timed-out functions, code the reader refused, what was removed from
a submission, and constructs listed for review. A machine on which grading cannot run
stops the command with what to fix; ``doctor`` checks a machine step by step.

``demo`` builds a scratch course with a handful of synthetic students of lesson 03 (full
marks, the untouched release, typical mistakes, an infinite loop, a crash, a malformed
notebook, a test cell pasted twice) and runs release -> autograde (with ``grade``) ->
feedback -> export, printing the gradebook and where each file is.
"""

from __future__ import annotations

import argparse
import glob
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from source_lib.grading.pipeline import REVIEW_FILE, parse_test
from source_lib.grading.pipeline import flags as review_flags
from source_lib.grading.sandbox import GradingCannotStart

BIN = Path(sys.executable).parent
NBGRADER = BIN / "nbgrader"
COURSE_ROOT = Path(__file__).resolve().parents[2]   # the repository (solutions/, course/)
# One submission's whole grading run (grading gives itself 300 s, every checked call has
# its own limit): past this the run is stopped and the submission needs a look.
SUBMISSION_LIMIT = 450.0
# A grading process is replaced after this many submissions, so that whatever nbgrader
# leaves behind cannot pile up in a big class.
LANE_TASKS = 50


def nbgrader_env():
    """The environment nbgrader runs in: this environment's tools first on PATH (nbgrader
    needs its ``alembic`` to create a gradebook)."""
    return dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")


def db_url(root):
    return f"sqlite:///{Path(root).resolve() / 'gradebook.db'}"


# --------------------------------------------------------------------------- #
# Grading a class
# --------------------------------------------------------------------------- #

@dataclass
class Outcome:
    """How grading one submission went."""

    lesson: str
    student: str
    returncode: int = 0
    log: str = ""
    stopped: bool = False
    flags: list = field(default_factory=list)   # what the instructor should look at

    @property
    def graded(self):
        return self.returncode == 0 and not self.stopped


def submissions(root, lessons=None):
    """``[(lesson, student)]`` of every submitted notebook folder of ``lessons`` (all
    lessons with submissions when None), in a stable order."""
    submitted = Path(root) / "submitted"
    found = []
    for folder in sorted(submitted.glob("*/*")):
        student, lesson = folder.parent.name, folder.name
        if folder.is_dir() and not student.startswith(".") and not lesson.startswith(".") \
                and (lessons is None or lesson in lessons):
            found.append((lesson, student))
    return sorted(found)


class Lane:
    """A long-lived grading process that runs ``nbgrader autograde`` on one submission
    after another (``python -m source_lib.grading.classroom lane``), so that nbgrader's start-up
    is paid once per lane rather than once per submission. It runs only trusted code: the
    submissions run in nbgrader's sandboxed kernels and workers, as in a serial run."""

    def __init__(self, root, force):
        self.root, self.force, self.proc = root, force, None
        self.died = False   # whether the last stop was the lane's own death (not a time limit)
        self.tasks = 0      # submissions graded by the current process

    def start(self):
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "source_lib.grading.classroom", "lane"], cwd=self.root,
            env=nbgrader_env(), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL, text=True, start_new_session=True)

    def grade(self, lesson, student, limit=SUBMISSION_LIMIT):
        """Grade one submission; return its :class:`Outcome`."""
        outcome = Outcome(lesson, student)
        for attempt in range(3):
            # a retry grades again what the locked attempt may have begun
            reply = self._ask({"lesson": lesson, "student": student,
                               "force": self.force or attempt > 0}, limit)
            if reply is not None and "fatal" in reply:
                raise GradingCannotStart(reply["fatal"])
            if reply is None:
                outcome.stopped = True
                outcome.returncode = -1
                break
            outcome.returncode, outcome.log = reply["returncode"], reply["log"]
            # concurrent runs share the gradebook (SQLite): a write that waited too long is retried
            if "database is locked" not in outcome.log:
                break
            time.sleep(1 + attempt)
        outcome.flags = _flags(self.root, outcome, limit)
        if outcome.stopped and self.died:
            outcome.flags = ["not graded: the grading process ended while grading it (see "
                             "`nbgrader autograde` on this submission alone)"]
        return outcome

    def _ask(self, task, limit):
        if self.proc is not None and self.tasks >= LANE_TASKS:
            self.stop()
        if self.proc is None:
            self.start()
            self.tasks = 0
        self.tasks += 1
        reply = []

        def read():
            try:
                self.proc.stdin.write(json.dumps(task) + "\n")
                self.proc.stdin.flush()
                reply.append(self.proc.stdout.readline())
            except OSError:   # the lane is gone
                pass

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        reader.join(limit)
        if reader.is_alive() or not reply or not reply[0]:
            self.died = not reader.is_alive()
            self.stop()       # stopped, or the lane itself died: the next task starts a new one
            return None
        return json.loads(reply[0])

    def stop(self):
        if self.proc is not None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.proc.wait()
            self.proc = None


def _flag_copies(root, outcomes):
    """Compare the graded functions of every two graded submissions of each lesson; add the
    pairs that are alike to both students' flags (and review files)."""
    from source_lib.grading.copies import across_class

    lessons = sorted({lesson for lesson, _ in outcomes})
    for lesson in lessons:
        graded = [student for (l, student), o in outcomes.items() if l == lesson and o.graded]
        for student, lines in across_class(root, lesson, graded).items():
            outcomes[lesson, student].flags += [f"copy: {line}" for line in lines]


def _lane():
    """The lane process: read tasks (JSON lines) on stdin, grade, answer on stdout."""
    import logging

    from nbgrader.apps.autogradeapp import AutogradeApp

    answers = os.fdopen(os.dup(1), "w")
    os.dup2(os.open(os.devnull, os.O_WRONLY), 1)   # nothing else may write into the answers
    for line in sys.stdin:
        task = json.loads(line)
        log = io.StringIO()
        handler = logging.StreamHandler(log)
        handler.setLevel(logging.WARNING)
        handler.setFormatter(logging.Formatter("[%(name)s | %(levelname)s] %(message)s"))
        app = AutogradeApp()
        returncode = 0
        try:
            student = glob.escape(task["student"])
            app.initialize([task["lesson"], f"--CourseDirectory.student_id={student}",
                            "--log-level=WARN"] + (["--force"] if task["force"] else []))
            app.log.addHandler(handler)
            app.start()
        except GradingCannotStart as err:   # the machine, not the submission: stop everything
            answers.write(json.dumps({"fatal": str(err)}) + "\n")
            answers.flush()
            return
        except SystemExit as end:
            returncode = end.code if isinstance(end.code, int) else 1
        except BaseException as err:  # noqa: BLE001 - reported as that submission's failure
            if isinstance(err, KeyboardInterrupt):
                raise
            returncode = 1
            log.write(f"[AutogradeApp | ERROR] {type(err).__name__}: {err}\n")
        finally:
            app.log.removeHandler(handler)
        answers.write(json.dumps({"returncode": returncode, "log": log.getvalue()}) + "\n")
        answers.flush()


# What nbgrader's exception means, for the instructor.
KNOWN_FAILURES = {
    "SubmissionFailed": "",
    "FileNotFoundError": "its notebook is missing or was set aside ",
    "NotJSONError": "the notebook file is not a notebook (not JSON) ",
    "NBFormatError": "the notebook file is damaged ",
    "ValidationError": "the notebook file is damaged ",
}


def _flags(root, outcome, limit):
    """What needs the instructor's look in one submission's grading."""
    if outcome.stopped:
        return [f"not graded: its grading run was stopped after {limit:g} s"]
    if outcome.returncode != 0:
        # the last exception of nbgrader's traceback says most (a notebook that is not JSON,
        # a kernel that died), else its first error line
        lines = [line.strip() for line in outcome.log.splitlines()]
        raised = [line for line in lines if re.match(r"[\w.]+(Error|Exception): ", line)]
        errors = [line.split("]", 1)[-1].strip() for line in lines if "| ERROR]" in line]
        reason = (raised[-1:] or errors[:1] or ["see its log"])[0]
        known = next((why for error, why in KNOWN_FAILURES.items() if error in reason), "")
        return [f"not graded by nbgrader: {known}({reason[:240]})"]
    review = Path(root) / "autograded" / outcome.student / outcome.lesson / REVIEW_FILE
    if not review.exists():
        return []
    try:
        review = json.loads(review.read_text())
    except (OSError, ValueError):
        return ["its review file is unreadable"]
    return review_flags(review)


def grade_class(root, lessons=None, jobs=None, force=False, progress=True):
    """Autograde every submission of ``lessons`` under ``root``, ``jobs`` at a time.

    Returns
    -------
    list of Outcome
        One per submission, in the order of :func:`submissions`.
    """
    from nbgrader.api import Gradebook

    from source_lib.grading.sandbox import sweep_cgroups

    root = Path(root).resolve()
    todo = submissions(root, lessons)
    if not todo:
        return []
    sweep_cgroups()
    jobs = max(1, jobs or os.cpu_count() or 1)
    # the gradebook is created (or upgraded) once, before the runs that share it
    old_path = os.environ.get("PATH", "")
    os.environ["PATH"] = nbgrader_env()["PATH"]
    try:
        with Gradebook(db_url(root)):
            pass
    finally:
        os.environ["PATH"] = old_path
    bar = None
    if progress:
        from tqdm.auto import tqdm
        bar = tqdm(total=len(todo), desc="grading", unit="submission", file=sys.stderr)
    queue, outcomes, lock = list(reversed(todo)), {}, threading.Lock()

    fatal = []

    def work():
        lane = Lane(root, force)
        try:
            while True:
                with lock:
                    if not queue or fatal:
                        return
                    lesson, student = queue.pop()
                try:
                    outcome = lane.grade(lesson, student)
                except GradingCannotStart as err:
                    with lock:
                        fatal.append(err)
                    return
                with lock:
                    outcomes[lesson, student] = outcome
                    if bar is not None:
                        bar.set_postfix_str(f"{student}/{lesson}", refresh=False)
                        bar.update()
        finally:
            lane.stop()

    lanes = [threading.Thread(target=work) for _ in range(min(jobs, len(todo)))]
    for lane in lanes:
        lane.start()
    for lane in lanes:
        lane.join()
    if bar is not None:
        bar.close()
    if fatal:
        raise fatal[0]
    sweep_cgroups()      # what lanes that had to be killed left behind
    _flag_copies(root, outcomes)
    return [outcomes[key] for key in todo]


def score_table(root, lesson):
    """``(exercises, {student: {exercise: score}}, {exercise: max})`` from the gradebook.

    A test cell counts for the exercise its ``checks.run(...)`` call names; test cells
    that name none keep their own name.
    """
    from nbgrader.api import Gradebook, MissingEntry

    with Gradebook(db_url(root)) as gb:
        try:
            source = gb.find_notebook(lesson, lesson)
        except MissingEntry:
            return [], {}, {}
        sources = {c.name: c.source for c in source.source_cells}
        solution_ids = {c.name for c in source.solution_cells}
        exercise_of, maximum = {}, {}
        for cell in source.grade_cells:
            name = cell.name
            if cell.cell_type == "code" and name not in solution_ids:
                try:
                    name = parse_test(cell.name, sources[cell.name]).exercise
                except (KeyError, ValueError):
                    pass
            exercise_of[cell.name] = name
            maximum[name] = maximum.get(name, 0.0) + float(cell.max_score)
        rows = {}
        for submission in gb.assignment_submissions(lesson):
            try:
                nb = gb.find_submission_notebook(lesson, lesson, submission.student.id)
            except MissingEntry:
                continue
            row = dict.fromkeys(maximum, 0.0)
            for grade in nb.grades:
                row[exercise_of.get(grade.name, grade.name)] += float(grade.score or 0.0)
            rows[submission.student.id] = row
    return list(maximum), rows, maximum


def format_table(lesson, exercises, rows, maximum):
    """The students x exercises table of one lesson, as text."""
    if not rows:
        return f"{lesson}: nothing graded"
    short = {e: "quiz" if e == "quiz_answers" else e for e in exercises}
    first = max(len("student"), *(len(s) for s in rows))
    widths = {e: max(len(short[e]), 5) for e in exercises}
    total = sum(maximum.values())
    lines = [f"{lesson} (points out of {total:g})",
             f"{'student':<{first}}  " + "  ".join(f"{short[e]:>{widths[e]}}" for e in exercises)
             + f"  {'total':>7}",
             f"{'(max)':<{first}}  " + "  ".join(f"{maximum[e]:>{widths[e]}g}" for e in exercises)
             + f"  {total:>7g}"]
    for student in sorted(rows):
        row = rows[student]
        lines.append(f"{student:<{first}}  " + "  ".join(f"{row[e]:>{widths[e]}.4g}" for e in exercises)
                     + f"  {sum(row.values()):>7.4g}")
    return "\n".join(lines)


def report(root, outcomes, out=None):
    """Print each lesson's table and the submissions that need a look (to ``out``,
    standard output by default)."""
    out = out or sys.stdout
    for lesson in sorted({o.lesson for o in outcomes}):
        print(format_table(lesson, *score_table(root, lesson)), file=out)
        print(file=out)
    look = [o for o in outcomes if o.flags]
    if look:
        print(f"needs a look ({len(look)}):", file=out)
        for o in look:
            print(f"  {o.student}/{o.lesson}: " + "; ".join(o.flags)[:400], file=out)
    else:
        print("needs a look: nothing", file=out)
    graded = sum(o.graded for o in outcomes)
    print(f"\n{graded} of {len(outcomes)} submissions graded; the gradebook is "
          f"{Path(root).resolve() / 'gradebook.db'}", file=out)


def doctor(out=None):
    """Check, step by step, that this machine can grade: the sandbox, the cgroups, a worker
    for every lesson's allowlist. Prints what it finds; 0 if grading can run."""
    from source_lib.checks import MODULES, load
    from source_lib.grading import remote, sandbox

    out = out or sys.stdout
    ok = True
    print(f"Python: {sys.executable} ({sys.version.split()[0]}); TMPDIR={tempfile.gettempdir()}", file=out)
    try:
        sandboxed = sandbox.available()
        print(f"sandbox: {'bubblewrap works' if sandboxed else 'NOT sandboxed (' + sandbox.UNSANDBOXED + '=1)'}",
              file=out)
    except sandbox.SandboxUnavailable as err:
        print(f"sandbox: {err}", file=out)
        return 1
    kind, base = sandbox.cgroup_support()
    print(f"bounds: {'a cgroup per sandbox (' + kind + ')' if kind else 'per process only: ' + base}",
          file=out)
    allowlists = {}
    for lesson in MODULES:
        allowlists.setdefault(tuple(load(lesson).modules), []).append(lesson)
    for allowed, lessons in allowlists.items():
        process = remote.WorkerProcess([], list(allowed))
        start = time.monotonic()
        try:
            remote.check_worker(process)
            reply = process.request({"op": "ping"}, 30.0)
            print(f"worker for {', '.join(lessons)}: ready in {time.monotonic() - start:.1f} s "
                  f"(modules: {', '.join(reply.get('modules', []))})", file=out)
        except GradingCannotStart as err:
            ok = False
            print(f"worker for {', '.join(lessons)}: {err}", file=out)
        finally:
            process.kill()
    print("grading can run here" if ok else "grading cannot run here: see above", file=out)
    return 0 if ok else 1


# --------------------------------------------------------------------------- #
# An instructor's private copy of the course
# --------------------------------------------------------------------------- #

SECRET_FILE = ".course-secret"
_HIDDEN_RUN = re.compile(r"(checks\.run\([^)]*?seed=)\d+")


def derived_seed(secret, lesson, grade_id, avoid=()):
    """A hidden seed drawn from the instructor's secret (HMAC-SHA256 of the lesson and the
    cell), never one of ``avoid`` (the public seeds, the seeds already drawn)."""
    import hashlib
    import hmac

    for counter in range(1000):
        digest = hmac.new(secret.encode(), f"{lesson}/{grade_id}/{counter}".encode(), hashlib.sha256)
        seed = int.from_bytes(digest.digest()[:4], "big") % (2**31 - 1) + 1
        if seed not in avoid:
            return seed
    raise RuntimeError("no fresh seed")   # 1000 collisions in 2^31: not with a real secret


def private_notebook(nb, lesson, secret, key=None):
    """Give every hidden ``checks.run(..., seed=N)`` of a source notebook a seed drawn from
    ``secret``, and the quiz's test cell its answer ``key`` (if given); what changed."""
    public = set()
    tests = []
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "code" and meta.get("grade") and not meta.get("solution"):
            test = parse_test(meta["grade_id"], cell.source)
            public.add(test.seed)
            tests.append((cell, test))
    drawn, changes = set(), []
    for cell, test in tests:
        seed = derived_seed(secret, lesson, test.grade_id, avoid=public | drawn)
        drawn.add(seed)
        begin = cell.source.index("### BEGIN HIDDEN TESTS")
        hidden = _HIDDEN_RUN.sub(lambda m: f"{m.group(1)}{seed}", cell.source[begin:])
        if key is not None and test.exercise in ("quiz", "quiz_answers"):
            hidden = hidden.replace(f"seed={seed})", f"seed={seed},\n           key={key!r})")
        cell.source = cell.source[:begin] + hidden
        changes.append((test.grade_id, test.seed, seed))
    return changes


def quiz_key(lesson):
    """The answer key of a lesson's quiz as its check module holds it: {id: {answer, why}}."""
    from source_lib.checks import load

    return {q.id: {"answer": q.answer if isinstance(q.answer, str) else float(q.answer), "why": q.why}
            for q in load(lesson).questions}


def strip_quiz_key(path):
    """Rewrite a check module's source with no answer and no explanation in its quiz
    (``answer=None, why=""``); whether it had a quiz."""
    import ast as _ast

    source = Path(path).read_text()
    tree = _ast.parse(source)
    lines = source.splitlines(keepends=True)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))
    spans = []
    for node in _ast.walk(tree):
        if isinstance(node, _ast.Call) and isinstance(node.func, _ast.Name) \
                and node.func.id in ("Choice", "Number"):
            for kw in node.keywords:
                if kw.arg in ("answer", "why"):
                    start = offsets[kw.value.lineno - 1] + kw.value.col_offset
                    end = offsets[kw.value.end_lineno - 1] + kw.value.end_col_offset
                    spans.append((start, end, "None" if kw.arg == "answer" else '""'))
    for start, end, text in sorted(spans, reverse=True):
        source = source[:start] + text + source[end:]
    Path(path).write_text(source)
    return bool(spans)


def private_copy(dest, secret=None, quiz=True, lessons=None, out=None):
    """Prepare an instructor's private copy of the course in ``dest``: every hidden seed
    drawn afresh from a secret, the quizzes' answer keys moved into the instructor's
    notebooks (``quiz``), the release regenerated; nothing else changed.

    Returns
    -------
    dict
        ``{lesson: [(test cell, public seed, private seed)]}``.
    """
    import secrets as _secrets

    import nbformat

    from source_lib.checks import MODULES

    out = out or sys.stdout
    dest = Path(dest).resolve()
    if dest.exists() and any(dest.iterdir()):
        raise FileExistsError(f"{dest} is not empty")
    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=COURSE_ROOT, capture_output=True)
    if tracked.returncode == 0:
        for name in tracked.stdout.decode().split("\0"):
            if name and (COURSE_ROOT / name).is_file():
                (dest / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(COURSE_ROOT / name, dest / name)
    else:
        shutil.copytree(COURSE_ROOT, dest, dirs_exist_ok=True, ignore=shutil.ignore_patterns(
            ".venv", ".git", "autograded", "submitted", "feedback", "gradebook.db", "demo-class",
            "__pycache__", "*.egg-info"))
    secret = secret or _secrets.token_hex(32)
    (dest / SECRET_FILE).write_text(secret + "\n")
    os.chmod(dest / SECRET_FILE, 0o600)
    with open(dest / ".gitignore", "a") as ignore:
        ignore.write(f"{SECRET_FILE}\n")
    lessons = lessons or sorted(p.name for p in (dest / "solutions").iterdir() if p.name in MODULES)
    changes = {}
    for lesson in lessons:
        path = dest / "solutions" / lesson / f"{lesson}.ipynb"
        nb = nbformat.read(str(path), as_version=4)
        key = quiz_key(lesson) if quiz else None
        changes[lesson] = private_notebook(nb, lesson, secret, key)
        nbformat.write(nb, str(path))
        if quiz:
            strip_quiz_key(dest / "source_lib" / "checks" / f"{MODULES[lesson]}.py")
        proc = subprocess.run([sys.executable, "-m", "nbgrader", "generate_assignment", lesson,
                               "--force", "--log-level=ERROR"], cwd=dest, capture_output=True,
                              text=True, env=dict(nbgrader_env(), PYTHONPATH=str(dest)))
        if proc.returncode != 0:
            raise RuntimeError(f"nbgrader could not release {lesson}:\n{proc.stderr[-2000:]}")
        print(f"  {lesson}: {len(changes[lesson])} hidden seeds drawn afresh"
              f"{', the quiz key moved into the instructor notebook' if quiz else ''}", file=out)
    print(f"""
A private copy of the course is in {dest} (its secret: {dest / SECRET_FILE}, git-ignored).
Next:
  cd {dest} && git init && git add -A && git commit -m "private copy"   # a PRIVATE repository
  make setup       # an environment that uses this copy's library
  make grade       # grade as usual; solutions/ and the secret never go to students
Students get course/ (the release) and this copy's library, which has no quiz key.""", file=out)
    return changes


def run_nbgrader(root, *args, check=True):
    proc = subprocess.run([str(NBGRADER), *args, "--log-level=ERROR"], cwd=root, env=nbgrader_env(),
                          stdin=subprocess.DEVNULL, capture_output=True, text=True)
    if check and proc.returncode != 0:
        raise RuntimeError(f"nbgrader {' '.join(args)} failed:\n{proc.stdout}\n{proc.stderr}")
    return proc


# --------------------------------------------------------------------------- #
# Command line
# --------------------------------------------------------------------------- #

def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m source_lib.grading.classroom", description=__doc__.split(
        "\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    grade = commands.add_parser("grade", help="autograde every submission, on every core")
    grade.add_argument("lessons", nargs="*", help="lessons to grade (default: all with submissions)")
    grade.add_argument("--jobs", "-j", type=int, default=None, help="submissions at a time "
                       "(default: the number of cores)")
    grade.add_argument("--force", action="store_true", help="grade again what is already graded")
    grade.add_argument("--course", default=".", help="the course directory (default: here)")
    commands.add_parser("lane")   # internal: one of grade's grading processes
    commands.add_parser("doctor", help="check that this machine can grade, and say what to fix")
    private = commands.add_parser("private-copy", help="an instructor's private copy: hidden seeds "
                                  "of your own, quiz keys in your notebooks only")
    private.add_argument("directory", help="where to make it (a new, empty folder)")
    private.add_argument("--secret", default=None, help="the secret the seeds are drawn from "
                         "(default: a new random one, saved in the copy)")
    private.add_argument("--public-quiz", action="store_true",
                         help="keep the quizzes' answer keys in the library, as the public course does")
    dem = commands.add_parser("demo", help="build a demo class and run the whole cycle on it")
    dem.add_argument("directory", nargs="?", default=None,
                     help="where to build it (emptied first; default: a new temporary folder)")
    dem.add_argument("--jobs", "-j", type=int, default=None)
    args = parser.parse_args(argv)
    if args.command == "lane":
        _lane()
        return 0
    if args.command == "doctor":
        return doctor()
    if args.command == "private-copy":
        private_copy(args.directory, args.secret, quiz=not args.public_quiz)
        return 0
    if args.command == "grade":
        root = Path(args.course)
        if not (root / "nbgrader_config.py").exists():
            parser.error(f"{root.resolve()} has no nbgrader_config.py: run this in the course directory")
        try:
            outcomes = grade_class(root, args.lessons or None, jobs=args.jobs, force=args.force)
        except GradingCannotStart as err:
            print(str(err), file=sys.stderr)
            return 2
        if not outcomes:
            print("no submissions found under submitted/")
            return 0
        report(root, outcomes)
        return 0 if all(o.graded for o in outcomes) else 1
    from source_lib.grading.demo import demo

    directory = args.directory or tempfile.mkdtemp(prefix="course-demo-")
    demo(directory, jobs=args.jobs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
