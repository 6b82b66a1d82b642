"""The attack catalogue: submissions that try to forge a grade or harm the grading.

Each attack is a lesson-04 submission built from the solution notebook or from the
untouched release, with cells added or changed the way a student who has read the
course's library (every student has it) might. ``test_attacks.py`` autogrades them all,
with two honest students before and after them, in one real ``nbgrader autograde`` run
with the course's configuration, and checks that

* no attack earns a point it does not deserve (``max_points``: what its honest part,
  if any, may keep);
* the honest students keep full marks, and every other student's files, the course's
  source, the library and the environment are as they were;
* no process is left behind.

A wrong answer used by many attacks: a softmax without the max-shift, normalised over the
whole array, and an entropy in bits; both lose every point on any honest grading.
"""

from __future__ import annotations

from dataclasses import dataclass

LESSON = "04_information_theory"

#: Files an attack tries to create or change; each must be absent (or unchanged) after.
#: ``{course}`` is the scratch course directory, ``{root}`` the repository.
TARGETS = [
    "{course}/gradebook-forged.txt",
    "{root}/source_lib/FORGED",
    "{root}/.venv/lib/python3.11/site-packages/zz_course_attack.pth",
    "/root/.ipython/profile_default/startup/00-course-attack.py",
    "/tmp/course-attack-escaped",
]

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

SHORTCUT_SOFTMAX = '''
def softmax(z, axis=-1):
    import scipy.special
    return scipy.special.softmax(z, axis=axis)
'''


@dataclass
class Attack:
    """A submission: ``base`` ("solution" or "release"), cells replacing solution cells
    (``answers``: grade_id -> source), cells added after the set-up cell (``prelude``)
    and an edit of the notebook (``edit``, a function of the nbformat notebook)."""

    name: str
    why: str
    base: str = "release"
    answers: dict = None
    prelude: str = ""
    edit: object = None
    spares: tuple = ()        # exercises an attack on the solution may keep (its honest part)
    keeps: bool = False       # whether it must keep them (a crash costs only its exercise)


def _wrong(**extra):
    answers = {"softmax": WRONG_SOFTMAX, "entropy": WRONG_ENTROPY}
    answers.update(extra)
    return answers


def _drop_test_cells(nb):
    nb.cells = [c for c in nb.cells if not c.metadata.get("nbgrader", {}).get("grade")
                or c.metadata["nbgrader"].get("solution")]


def _empty_test_cells(nb):
    for c in nb.cells:
        info = c.metadata.get("nbgrader", {})
        if info.get("grade") and not info.get("solution"):
            c.source = "pass"


def _forge_metadata(nb):
    """Test cells become solution cells worth 100 points, and a fake test cell appears."""
    import nbformat

    for c in nb.cells:
        info = c.metadata.get("nbgrader", {})
        if info.get("grade") and not info.get("solution"):
            info.update(points=100, solution=True, locked=False)
            c.source = "print('full marks')"
    fake = nbformat.v4.new_code_cell("print('ok')")
    fake.metadata["nbgrader"] = {"grade": True, "grade_id": "test_bonus", "points": 50,
                                 "solution": False, "locked": True, "schema_version": 3,
                                 "task": False}
    nb.cells.append(fake)


def _results_into_outputs(nb):
    """Test cells that print a number, as partial credit, with the answers still wrong."""
    for c in nb.cells:
        info = c.metadata.get("nbgrader", {})
        if info.get("grade") and not info.get("solution"):
            c.source = "1000"


ATTACKS = [
    Attack("patch-checks", "replace the course's check runner and comparison from an answer cell",
           answers=_wrong(), prelude='''
import source_lib.checks, source_lib.testing
source_lib.checks.Lesson.run = lambda self, *a, **k: None
source_lib.checks.Lesson.verdict = lambda self, *a, **k: None
source_lib.testing.assert_close = lambda *a, **k: None
'''),
    Attack("patch-numpy", "make NumPy's comparisons always agree",
           answers=_wrong(), prelude='''
np.allclose = lambda *a, **k: True
np.array_equal = lambda *a, **k: True
np.linalg.norm = lambda *a, **k: 0.0
np.isfinite = lambda x: np.ones(np.shape(x), dtype=bool)
'''),
    Attack("setprofile-off", "switch the runtime shortcut guard off, then call scipy's softmax",
           answers=_wrong(softmax='''
def softmax(z, axis=-1):
    import sys
    sys.setprofile(None)
    import scipy.special
    return scipy.special.softmax(z, axis=axis)
''')),
    Attack("shortcut-thread", "call the forbidden routine from a thread the guard does not watch",
           answers=_wrong(softmax='''
def softmax(z, axis=-1):
    import threading
    import scipy.special
    out = {}
    t = threading.Thread(target=lambda: out.update(r=scipy.special.softmax(z, axis=axis)))
    t.start(); t.join()
    return out["r"]
''')),
    Attack("shortcut-getattr", "reach the forbidden routine by a string",
           answers=_wrong(softmax='''
def softmax(z, axis=-1):
    mod = __import__("scipy.special", fromlist=["x"])
    return getattr(mod, "soft" + "max")(z, axis=axis)
''')),
    Attack("shortcut-reference", "call the course's reference library",
           answers=_wrong(softmax='''
def softmax(z, axis=-1):
    return ref.softmax(z, axis=axis)
''')),
    Attack("shortcut-exec-solution", "read the instructor's solution from disk and run it",
           answers=_wrong(softmax='''
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
           answers=_wrong(), prelude='''
get_ipython().input_transformers_post.append(
    lambda lines: [] if any("checks.run" in line for line in lines) else lines)
'''),
    Attack("ast-transformer", "an AST transformer that drops the test cells' calls",
           answers=_wrong(), prelude='''
import ast
class Drop(ast.NodeTransformer):
    def visit_Expr(self, node):
        return None
get_ipython().ast_transformers.append(Drop())
'''),
    Attack("custom-exc", "swallow every exception of the test cells",
           answers=_wrong(), prelude='''
get_ipython().set_custom_exc((BaseException,), lambda *a, **k: None)
'''),
    Attack("displayhook", "display a number from the student's function: partial credit?",
           answers=_wrong(softmax='''
def softmax(z, axis=-1):
    import sys
    sys.displayhook(1000)
    e = np.exp(np.asarray(z, dtype=float))
    return e / e.sum(axis=axis, keepdims=True)
''')),
    Attack("outputs-as-credit", "test cells replaced by a number (partial credit)",
           answers=_wrong(), edit=_results_into_outputs),
    Attack("always-valueerror", "a function that always raises ValueError: validation points?",
           answers={name: f"def {name}(*args, **kwargs):\n    raise ValueError('no')\n"
                    for name in ("entropy", "cross_entropy", "kl_divergence",
                                 "softmax_cross_entropy")}),
    Attack("delete-tests", "delete every test cell", answers=_wrong(), edit=_drop_test_cells),
    Attack("empty-tests", "replace every test cell by `pass`", answers=_wrong(),
           edit=_empty_test_cells),
    Attack("forge-metadata", "test cells turned into 100-point solution cells, a fake test cell",
           answers=_wrong(), edit=_forge_metadata),
    Attack("write-gradebook", "write into the gradebook and the course directory",
           answers=_wrong(), prelude='''
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
    Attack("write-library", "change the course's library on disk",
           answers=_wrong(), prelude=r'''
import glob
for path in glob.glob("/**/source_lib/", recursive=True):
    try:
        open(path + "FORGED", "w").write("x")
        with open(path + "checks/__init__.py", "a") as f:
            f.write("\nLesson.verdict = lambda *a, **k: None\n")
    except Exception:
        pass
'''),
    Attack("write-others", "overwrite another student's submission",
           answers=_wrong(), prelude='''
import glob, shutil
for path in glob.glob("../../../submitted/*/04_information_theory/*.ipynb") + \\
        glob.glob("/**/submitted/*/04_information_theory/*.ipynb", recursive=True):
    try:
        open(path, "w").write("{}")
    except Exception:
        pass
'''),
    Attack("pth-file", "install a .pth file into the environment, run by every later Python",
           answers=_wrong(), prelude='''
import site, sys
for d in site.getsitepackages() + [p for p in sys.path if p.endswith("site-packages")]:
    try:
        open(d + "/zz_course_attack.pth", "w").write("import os\\n")
    except Exception:
        pass
'''),
    Attack("ipython-startup", "an IPython start-up file for every later kernel",
           answers=_wrong(), prelude='''
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
           answers=_wrong(), prelude='''
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
    Attack("stop-grader", "SIGSTOP every process it can see",
           answers=_wrong(), prelude='''
import os, signal
for entry in os.listdir("/proc"):
    if entry.isdigit() and int(entry) != os.getpid():
        try:
            os.kill(int(entry), signal.SIGSTOP)
        except Exception:
            pass
'''),
    Attack("crash-exit", "os._exit inside a graded function", base="solution",
           answers={"softmax": "def softmax(z, axis=-1):\n    import os\n    os._exit(3)\n"},
           spares=("entropy", "cross_entropy", "kl_divergence", "log_softmax",
                   "softmax_cross_entropy", "quiz")),
    Attack("crash-sigkill", "SIGKILL of itself inside a graded function", base="solution",
           answers={"log_softmax": "def log_softmax(z, axis=-1):\n    import os, signal\n"
                                   "    os.kill(os.getpid(), signal.SIGKILL)\n"},
           spares=("entropy", "cross_entropy", "kl_divergence", "softmax",
                   "softmax_cross_entropy", "quiz")),
    Attack("memory-bomb", "allocate without end", base="solution",
           answers={"entropy": "def entropy(p):\n    blocks = []\n    while True:\n"
                               "        blocks.append(bytearray(1 << 28))\n"},
           spares=("cross_entropy", "kl_divergence", "softmax", "log_softmax",
                   "softmax_cross_entropy", "quiz"), keeps=True),
    Attack("fork", "start 40 processes that outlive the call", base="solution",
           answers={"kl_divergence": '''
def kl_divergence(p, q):
    import os, time
    for _ in range(40):
        if os.fork() == 0:
            time.sleep(600)
            os._exit(0)
    return 0.0
'''}, spares=("entropy", "cross_entropy", "softmax", "log_softmax", "softmax_cross_entropy",
              "quiz")),
    Attack("infinite-loop", "a graded function that never returns", base="solution",
           answers={"cross_entropy": "def cross_entropy(p, q):\n    while True:\n        pass\n"},
           spares=("entropy", "kl_divergence", "softmax", "log_softmax",
                   "softmax_cross_entropy", "quiz"), keeps=True),
    Attack("signal-ignore", "ignore the alarm and interrupt signals, then loop", base="solution",
           answers={"softmax_cross_entropy": '''
def softmax_cross_entropy(logits, y):
    import signal
    for sig in (signal.SIGALRM, signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, signal.SIG_IGN)
    while True:
        pass
'''}, spares=("entropy", "cross_entropy", "kl_divergence", "softmax", "log_softmax", "quiz")),
    Attack("print-flood", "a million lines of output and stderr spam, and text that imitates "
           "nbgrader's log", answers=_wrong(), prelude='''
import os, sys
for i in range(1_000_000):
    print("x", i)
for i in range(10_000):
    print("[AutogradeApp | INFO] Autograding student: full marks", file=sys.stderr)
os.write(2, b"[AutogradeApp | INFO] all tests passed\\n" * 1000)
os.write(1, b"[AutogradeApp | INFO] all tests passed\\n" * 1000)
'''),
    Attack("network", "reach the network", answers=_wrong(), prelude='''
import socket
try:
    socket.create_connection(("pypi.org", 443), timeout=3)
    open("/tmp/course-attack-escaped", "w").write("network")
except Exception:
    pass
'''),
    Attack("lying-result", "return an object that equals everything", answers=_wrong(softmax='''
class Anything(np.ndarray):
    def __eq__(self, other):
        return np.ones(np.shape(other), dtype=bool)

def softmax(z, axis=-1):
    return np.zeros(np.shape(z)).view(Anything)
''')),
    Attack("quiz-object", "a quiz answer that claims to equal every answer",
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
           answers=_wrong(), prelude='''
import gc
for obj in gc.get_objects():
    if getattr(obj, "__name__", "") in ("guarded_call", "encode", "op_call"):
        try:
            obj.__code__ = (lambda *a, **k: {"result": None}).__code__
        except Exception:
            pass
'''),
    Attack("builtins", "replace builtins and sys.modules entries the checks might use",
           answers=_wrong(), prelude='''
import builtins, sys
builtins.isinstance = lambda *a: True
sys.modules["numpy.testing"] = None
'''),
    Attack("top-level-loop", "a cell that never finishes", answers=_wrong(),
           prelude="while True:\n    pass\n"),
]
