"""Machinery of the course tests and benchmarks: reading nbgrader notebooks,
running nbgrader in a scratch course directory, and driving one kernel.

Also a small command line: ``python tests/course/harness.py clean NB...`` strips
outputs and execution counts from notebooks in place.
"""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from source_lib.plotting import HEADLESS

ROOT = Path(__file__).resolve().parents[2]
SOLUTIONS = ROOT / "solutions"
COURSE = ROOT / "course"
BIN = Path(sys.executable).parent
# Automated runs draw each widget's figure once instead of creating widgets, which
# can stall headless execution (see source_lib.plotting.interact).
HEADLESS_ENV = {HEADLESS: "1"}

BLOCKS = {
    "solution": ("### BEGIN SOLUTION", "### END SOLUTION"),
    "hidden": ("### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"),
}


def lessons():
    """Names of the lessons in solutions/ (``01_linear_algebra``, ...), or of those listed
    in the environment variable ``COURSE_LESSONS`` (comma-separated, for working on one)."""
    names = sorted(p.name for p in SOLUTIONS.iterdir() if p.is_dir() and re.match(r"\d\d_", p.name))
    only = os.environ.get("COURSE_LESSONS")
    return [n for n in names if n in only.split(",")] if only else names


def lesson_params():
    """One pytest parameter per lesson, in the lesson's xdist group: a lesson's tests share one
    test process (its graded course, its executed notebook)."""
    import pytest

    return [pytest.param(lesson, marks=pytest.mark.xdist_group(lesson)) for lesson in lessons()]


def lesson_module(prefix, lesson):
    """The module ``{prefix}_{lesson}`` of these tests (``catalogue_03_probability``), or None
    if the lesson has none."""
    import importlib

    try:
        return importlib.import_module(f"{prefix}_{lesson}")
    except ModuleNotFoundError as err:
        if err.name != f"{prefix}_{lesson}":
            raise
        return None


def notebook_path(lesson, base=SOLUTIONS):
    return base / lesson / f"{lesson}.ipynb"


def read(path):
    return nbformat.read(str(path), as_version=4)


# --------------------------------------------------------------------------- #
# The structure of a lesson notebook
# --------------------------------------------------------------------------- #

def meta(cell):
    return cell.get("metadata", {}).get("nbgrader", {})


def is_solution(cell):
    return cell.cell_type == "code" and meta(cell).get("solution", False)


def is_test(cell):
    return cell.cell_type == "code" and meta(cell).get("grade", False) \
        and not meta(cell).get("solution", False)


@dataclass
class Lesson:
    """A source notebook split into the parts the course tests use."""

    name: str
    setup: str                      # source of the first code cell
    solutions: dict                 # grade_id -> source of the solution cell
    tests: dict = field(default_factory=dict)   # solution grade_id -> [(test id, source)]

    @classmethod
    def load(cls, lesson):
        nb = read(notebook_path(lesson))
        code = [c for c in nb.cells if c.cell_type == "code"]
        if not code or meta(code[0]):
            raise ValueError(f"{lesson}: the first code cell must be the (ungraded) set-up cell")
        solutions, tests, current = {}, {}, None
        for cell in code[1:]:
            if is_solution(cell):
                current = meta(cell)["grade_id"]
                solutions[current] = cell.source
                tests[current] = []
            elif is_test(cell):
                if current is None:
                    raise ValueError(f"{lesson}: test cell {meta(cell)['grade_id']} has no "
                                     "solution cell above it")
                tests[current].append((meta(cell)["grade_id"], cell.source))
        return cls(lesson, code[0].source, solutions, tests)


def grading_cells(nb):
    """The code cells of a source notebook as the grader classifies a submission's
    (``source_lib.grading.reader.Cell``) and its test cells (``TestCell``, with their points)."""
    from source_lib.grading.pipeline import Cell, parse_test

    cells, tests = [], []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        info = meta(cell)
        if is_test(cell):
            test = parse_test(info["grade_id"], cell.source)
            test.points = float(info["points"])
            tests.append(test)
            cells.append(Cell(cell.source, "test"))
        elif is_solution(cell):
            cells.append(Cell(cell.source, "solution", info["grade_id"]))
        else:
            cells.append(Cell(cell.source, "instructor" if cells else "setup"))
    return cells, tests


def block_lines(source, kind):
    """The lines strictly inside every ``kind`` block of a cell's source."""
    begin, end = BLOCKS[kind]
    lines, inside = [], False
    for line in source.splitlines():
        stripped = line.strip()
        if stripped.startswith(begin):
            inside = True
        elif stripped.startswith(end):
            inside = False
        elif inside:
            lines.append(line)
    return lines


def hidden_lines(lesson):
    """Every non-blank line of the hidden tests of a lesson's instructor notebook, stripped."""
    return {line.strip() for cell in read(notebook_path(lesson)).cells
            for line in block_lines(cell.source, "hidden") if line.strip()}


def text_of(markup):
    """The text an HTML page shows (tags out, entities decoded)."""
    return html.unescape(re.sub(r"<[^>]+>", "", markup))


def outside_lines(source):
    """The lines of a cell's source outside its solution and hidden blocks."""
    kept, inside = [], False
    for line in source.splitlines():
        stripped = line.strip()
        if stripped.startswith((BLOCKS["solution"][0], BLOCKS["hidden"][0])):
            inside = True
        elif stripped.startswith((BLOCKS["solution"][1], BLOCKS["hidden"][1])):
            inside = False
        elif not inside:
            kept.append(line)
    return kept


def jupyterlab_metadata():
    """The notebook metadata JupyterLab writes when it runs a notebook with the course's
    kernel: stored as such, opening a notebook marks nothing modified."""
    import platform

    return {
        "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python",
                       "name": "python3"},
        "language_info": {"codemirror_mode": {"name": "ipython", "version": 3},
                          "file_extension": ".py", "mimetype": "text/x-python", "name": "python",
                          "nbconvert_exporter": "python", "pygments_lexer": "ipython3",
                          "version": platform.python_version()},
    }


def is_clean(path):
    """True if no code cell has outputs or an execution count, and the notebook's metadata
    is JupyterLab's (the Python version aside: 3.11.x)."""
    nb = read(path)
    wanted = jupyterlab_metadata()
    metadata = {k: v for k, v in nb.metadata.items() if k in wanted}
    version = metadata.get("language_info", {}).get("version", "")
    wanted["language_info"]["version"] = version
    return metadata == wanted and version.startswith("3.11") and all(
        not c.get("outputs") and c.get("execution_count") is None
        for c in nb.cells if c.cell_type == "code")


def clean(path):
    """Strip outputs and execution counts from a notebook and set JupyterLab's metadata."""
    nb = read(path)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    nb.metadata.update(jupyterlab_metadata())
    nbformat.write(nb, str(path))


# --------------------------------------------------------------------------- #
# nbgrader in a scratch course directory
# --------------------------------------------------------------------------- #

class Course:
    """A throw-away nbgrader course directory with the project's configuration."""

    def __init__(self, root, env=None):
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / "nbgrader_config.py", self.root / "nbgrader_config.py")
        self.db = self.root / "gradebook.db"
        self.env = dict(env or {})   # more of nbgrader's environment (PYTHONPATH, TMPDIR...)

    def nbgrader(self, *args, timeout=600, check=True):
        env = dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}", **HEADLESS_ENV,
                   **self.env)
        cmd = [str(BIN / "nbgrader"), *args, "--log-level=WARN"]
        with subprocess.Popen(cmd, cwd=self.root, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) as popen:
            self.pid = popen.pid   # the sandboxes' user ids derive from it (source_lib.grading.sandbox)
            try:
                stdout, stderr = popen.communicate(timeout=timeout)
            except subprocess.TimeoutExpired:
                popen.kill()
                raise
        proc = subprocess.CompletedProcess(cmd, popen.returncode, stdout, stderr)
        if check and proc.returncode != 0:
            raise RuntimeError(f"{' '.join(args)} failed ({proc.returncode}):\n"
                               f"{proc.stdout}\n{proc.stderr}")
        return proc

    def release(self, lesson):
        """Copy the lesson's source in and generate its release; return the released path."""
        shutil.copytree(SOLUTIONS / lesson, self.root / "solutions" / lesson,
                        ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"),
                        dirs_exist_ok=True)
        self.nbgrader("generate_assignment", lesson, "--force")
        return notebook_path(lesson, self.root / "course")

    def submit(self, lesson, student, notebook):
        target = self.root / "submitted" / student / lesson
        target.mkdir(parents=True, exist_ok=True)
        shutil.copy(notebook, target / f"{lesson}.ipynb")

    def autograde(self, lesson, check=True, timeout=600):
        """Autograde every submission; return {student: {grade_id: (score, max)}}.

        With ``check=False`` a run that reports failed submissions is not an error
        (nbgrader grades the others, then exits non-zero); ``self.log`` keeps its output.
        """
        proc = self.nbgrader("autograde", lesson, "--create", "--force", check=check, timeout=timeout)
        self.log = proc.stdout + proc.stderr
        from nbgrader.api import Gradebook

        scores = {}
        with Gradebook(f"sqlite:///{self.db}") as gb:
            for sub in gb.assignment_submissions(lesson):
                nb = gb.find_submission_notebook(lesson, lesson, sub.student.id)
                scores[sub.student.id] = {g.name: (g.score, g.max_score) for g in nb.grades}
        return scores

    def autograded(self, lesson, student):
        return read(notebook_path(lesson, self.root / "autograded" / student))


def execute(nb, cwd, timeout=300):
    """Run the notebook ``nb`` from top to bottom in a fresh kernel in ``cwd``, as a learner's
    Run All does (``COURSE_HEADLESS=1``, errors recorded, not raised); return it executed."""
    from jupyter_client.manager import KernelManager
    from nbclient import NotebookClient

    sockets = tempfile.mkdtemp(prefix="course-test-kernel-")
    try:
        km = KernelManager(kernel_name="python3", transport="ipc", ip=os.path.join(sockets, "kernel"))
        client = NotebookClient(nb, km=km, timeout=timeout, allow_errors=True,
                                extra_arguments=["--HistoryManager.hist_file=:memory:"],
                                resources={"metadata": {"path": str(cwd)}})
        client.execute(env=dict(os.environ, **HEADLESS_ENV))
    finally:
        shutil.rmtree(sockets, ignore_errors=True)
    return nb


def bad_outputs(nb):
    """(cell index, text) of every error output and every write to stderr."""
    found = []
    for i, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                found.append((i, f"{out['ename']}: {out['evalue']}"))
            elif out.get("output_type") == "stream" and out.get("name") == "stderr":
                found.append((i, f"stderr: {out['text'][:500]}"))
    return found


# --------------------------------------------------------------------------- #
# One kernel for many quick runs
# --------------------------------------------------------------------------- #

@dataclass
class Outcome:
    """What one execution produced: an error name and message, stderr text."""

    error: str = ""
    stderr: str = ""
    seconds: float = 0.0

    @property
    def failed(self):
        """Whether nbgrader would score the cell zero (an error, or stderr output)."""
        return bool(self.error or self.stderr)

    def __str__(self):
        if self.error:
            return self.error
        return f"stderr: {self.stderr.strip()[:300]}" if self.stderr else "ok"


class Kernel:
    """A live Python kernel started in a lesson's directory."""

    def __init__(self, cwd, timeout=60):
        from jupyter_client.manager import KernelManager

        self.timeout = timeout
        # Unix sockets in a private folder (TCP would warn about running unencrypted)
        self.sockets = tempfile.mkdtemp(prefix="course-test-kernel-")
        self.km = KernelManager(kernel_name="python3", transport="ipc",
                                ip=os.path.join(self.sockets, "kernel"))
        self.km.start_kernel(cwd=str(cwd), env=dict(os.environ, **HEADLESS_ENV),
                             extra_arguments=["--HistoryManager.hist_file=:memory:"])
        self.kc = self.km.client()
        self.kc.start_channels()
        self.kc.wait_for_ready(timeout=60)

    def run(self, code, timeout=None):
        """Execute ``code``; interrupt it after ``timeout`` seconds (counted as an error)."""
        outcome = Outcome()

        def hook(msg):
            kind, content = msg["msg_type"], msg["content"]
            if kind == "stream" and content.get("name") == "stderr":
                outcome.stderr += content["text"]
            elif kind == "error":
                outcome.error = f"{content['ename']}: {content['evalue']}"

        start = time.perf_counter()
        try:
            self.kc.execute_interactive(code, timeout=timeout or self.timeout, output_hook=hook,
                                        allow_stdin=False)
        except TimeoutError:
            self.km.interrupt_kernel()
            self.kc.execute_interactive("pass", timeout=30)  # wait until it listens again
            outcome.error = outcome.error or f"Timeout: no reply within {timeout or self.timeout} s"
        outcome.seconds = time.perf_counter() - start
        return outcome

    def run_cells(self, lesson, cells):
        """Run ``(name, source)`` cells in order; fail naming the first that errs."""
        for name, source in cells:
            outcome = self.run(source)
            if outcome.failed:
                raise AssertionError(f"{lesson}/{name} failed: {outcome}")

    def shutdown(self):
        self.kc.stop_channels()
        self.km.shutdown_kernel(now=True)
        shutil.rmtree(self.sockets, ignore_errors=True)


if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] != "clean":
        sys.exit("usage: harness.py clean NOTEBOOK...")
    for name in sys.argv[2:]:
        clean(name)
