"""Tests of source_lib.grading.reader: what an exercise's code may use, by an allowlist.

The whole pipeline (nbgrader, sandbox, worker) is tested by the course tests
(tests/course/test_course.py, test_attacks.py); this is the reader alone.
"""

import sys

import numpy as np
import pytest

from source_lib.checks import NUMPY, Lesson
from source_lib.grading.reader import Cell, read_code, resolve, translate


def double(x):
    return 2 * np.asarray(x)


lesson = Lesson("99_example")
ex = lesson.exercise("double", double, forbidden=["numpy.linalg.eigh", "numpy.multiply",
                                                  "scipy.special.softmax", "torch.Tensor.softmax"])
torch_ex = lesson.exercise("net", double, imports=NUMPY + ("torch",))

SETUP = "import numpy as np\nimport matplotlib.pyplot as plt\nfrom source_lib import information as ref\n"


def reading(source, kind="solution", exercise="double"):
    return read_code([Cell(SETUP, "setup"), Cell(source, kind, exercise)], lesson)


def refused(source, exercise="double"):
    return reading(source, exercise=exercise).refused.get(exercise, [])


@pytest.mark.parametrize("source", [
    # modules outside the allowlist, however named
    "import scipy.special\ndef double(x):\n    return x",
    "def double(x):\n    import os\n    return x",
    "def double(x):\n    from subprocess import run\n    return x",
    "def double(x):\n    return plt.plot(x)",                 # the set-up cell's matplotlib
    "def double(x):\n    import torch\n    return x",          # torch in a NumPy exercise
    "def double(x):\n    import __main__\n    return x",
    "def double(x):\n    from . import y\n    return x",
    # modules reached through allowed ones, private names
    "def double(x):\n    return np.ctypeslib.as_array(x)",
    "def double(x):\n    return np.testing.assert_allclose(x, x)",
    "def double(x):\n    return np._core.multiply(x, 2)",
    "def double(x):\n    from numpy import ctypeslib\n    return x",
    # names computed at run time, dunders, frames
    "def double(x):\n    return getattr(np, 'mul' + 'tiply')(x, 2)",
    "def double(x):\n    name = 'eigh'\n    return getattr(np.linalg, name)(x)",
    "import functools\ndef double(x):\n    return functools.reduce(getattr, ['linalg', 'eigh'], np)(x)",
    "def double(x):\n    return list(map(getattr, [np], ['linalg']))",
    "def double(x):\n    return np.__dict__['multiply'](x, 2)",
    "def double(x):\n    return vars(np)['multiply'](x, 2)",
    "def double(x):\n    return double.__globals__",
    "def double(x):\n    return x.__class__.__mro__",
    "def double(x):\n    return getattr(x, '__class__').__subclasses__()",
    "def double(x):\n    return x.ctypes.data",
    "def double(x):\n    try:\n        1 / 0\n    except ZeroDivisionError as e:\n        return e.__traceback__.tb_frame.f_back",
    "def double(x):\n    g = (i for i in x)\n    return g.gi_frame.f_back",
    # built-ins outside the plain ones
    "def double(x):\n    return eval('2 * x')",
    "def double(x):\n    exec('y = 2')\n    return x",
    "def double(x):\n    return __import__('os')",
    "def double(x):\n    return open('/proc/self/fd/3').read()",
    "def double(x):\n    return globals()",
    "def double(x):\n    return __builtins__",
    "def double(x):\n    breakpoint()\n    return x",
    "def double(x):\n    return compile('1', 's', 'eval')",
])
def test_what_an_exercise_may_not_use_is_refused(source):
    assert refused(source), source


def test_torch_and_its_escape_routes_in_a_torch_exercise():
    assert not refused("import torch\ndef net(x):\n    return torch.relu(torch.as_tensor(x))", "net")
    for source in ("import torch\ndef net(x):\n    return torch.os.system('ls')",
                   "import torch\ndef net(x):\n    return torch.sys.modules",
                   "import torch\ndef net(x):\n    return torch.ctypes.CDLL(None)",
                   "import torch\ndef net(x):\n    return torch._C._nn",
                   "import torch\ndef net(x):\n    return torch.utils.cpp_extension"):
        assert refused(source, "net"), source


@pytest.mark.parametrize("source, found", [
    ("def double(x):\n    return np.linalg.eigh(x)", "numpy.linalg.eigh"),
    ("from numpy.linalg import eigh as e\ndef double(x):\n    return e(x)", "numpy.linalg.eigh"),
    ("la = np.linalg\ndef double(x):\n    return la.eigh(x)", "numpy.linalg.eigh"),
    ("def double(x):\n    return getattr(np.linalg, 'eigh')(x)", "numpy.linalg.eigh"),
    ("from numpy.linalg import *\ndef double(x):\n    return eigh(x)", "numpy.linalg.eigh"),
    ("def double(x):\n    return np.multiply(x, 2)", "numpy.multiply"),
    ("def double(x):\n    return ref.softmax(x)", "the course's reference library"),
    ("from source_lib.information import entropy\ndef double(x):\n    return entropy(x)",
     "the course's reference library"),
])
def test_shortcuts_are_found_under_any_name(source, found):
    assert any(found in f for f in reading(source).shortcuts.get("double", [])), reading(source).shortcuts


def test_plain_code_is_not_refused():
    source = '''
import math
import itertools
from functools import reduce
from collections import defaultdict

class Helper:
    def __init__(self):
        super().__init__()
        self._state = {}
    def __repr__(self):
        return f"{type(self).__name__}()"
    def get(self, name):
        return getattr(self, "_state").get(name)

def double(x):
    """Twice x, with a copy, a loop and a dict."""
    x = np.array(x, dtype=float, copy=True)
    out = np.empty_like(x)
    for i in range(x.size):
        out.flat[i] = x.flat[i] + x.flat[i]
    with np.errstate(over="ignore"):
        if not isinstance(x, np.ndarray):
            raise ValueError(f"x must be an array, not {type(x).__name__}")
        return out * math.prod([1]) * len(list(itertools.chain([1])))
'''
    r = reading(source)
    assert not r.refused and not r.shortcuts and not r.tampering, (r.refused, r.shortcuts)


def test_changing_a_module_anywhere_fails_every_exercise():
    for patch in ("np.linalg.norm = np.linalg.eigh", "np.allclose = lambda *a, **k: True",
                  "setattr(np, 'allclose', None)", "del np.sum"):
        r = read_code([Cell(SETUP, "setup"), Cell("def double(x):\n    return 2 * x", "solution",
                                                  "double"), Cell(patch, "student")], lesson)
        assert r.tampering and "your cell" in r.tampering[0], patch


def test_a_scratch_cell_costs_nothing_but_is_noted():
    scratch = "import scipy.special\nprint(scipy.special.softmax(np.ones(3)), np.linalg.eigh(np.eye(2)))"
    used = "import scipy.special as sp\ndef helper(x):\n    return sp.softmax(x)"
    solution = "def double(x):\n    return 2 * helper(x)"
    base = [Cell(SETUP, "setup"), Cell(solution, "solution", "double")]
    r = read_code(base + [Cell(scratch, "student"), Cell("def helper(x):\n    return x", "student")], lesson)
    assert not r.shortcuts and not r.refused and any("scipy" in n for n in r.review)
    assert r.skipped, "what no exercise may do does not run at grading"
    r = read_code(base + [Cell(used, "student")], lesson)
    assert r.refused["double"]


def test_code_that_changes_what_an_exercise_uses_counts_for_it():
    hidden = "table = {}\ntable.update(f=np.linalg.eigh)"
    solution = "def double(x):\n    return table['f'](x)"
    r = read_code([Cell(SETUP, "setup"), Cell(solution, "solution", "double"),
                   Cell(hidden, "student")], lesson)
    assert "numpy.linalg.eigh" in r.shortcuts.get("double", [])
    rebinding = "double = np.linalg.eigh"
    r = read_code([Cell(SETUP, "setup"), Cell("def double(x):\n    return 2 * x", "solution", "double"),
                   Cell(rebinding, "student")], lesson)
    assert "numpy.linalg.eigh" in r.shortcuts.get("double", [])


@pytest.mark.parametrize("source", [
    # routes an adversarial review found (and more of their kind)
    "def _unused(vars, getattr):\n    pass\ndef double(x):\n    return vars(np)['mul' + 'tiply'](x, 2)",
    "getattr = 1\ndef double(x):\n    return x",
    "def double(x):\n    return [np][0].multiply(x, 2)",
    "def double(x, m=np):\n    return m.multiply(x, 2)",
    "def double(x: 'np.multiply') -> 'int':\n    return x",
    "from __future__ import annotations\ndef double(x):\n    return x",
    "def double(x):\n    return lse(x)",          # a name smuggled in by globals().update
])
def test_routes_around_the_reader_are_refused(source):
    r = reading(source)
    assert r.refused.get("double") or r.shortcuts.get("double"), source


def test_an_exercise_is_read_wherever_its_name_is_bound():
    """The solution cell deleted (or its metadata made invalid): the function is read in
    whatever cell defines it."""
    cells = [Cell(SETUP, "setup"), Cell("def double(x):\n    return np.multiply(x, 2)", "student")]
    assert read_code(cells, lesson).shortcuts["double"] == ["numpy.multiply"]


@pytest.mark.parametrize("source", [
    "import torch\ntype(torch.nn.Parameter(torch.ones(1))).grad = property(lambda s: None)",
    "T = type(np.ones(1))\nT.mean = None",
    "setattr(type(np.ones(1)), 'mean', None)",
])
def test_changing_a_class_through_type_fails_every_exercise(source):
    r = read_code([Cell(SETUP, "setup"), Cell("def double(x):\n    return 2 * x", "solution", "double"),
                   Cell(source, "student")], lesson)
    assert r.tampering, source


def test_the_reader_is_quick_on_much_refused_code():
    import time

    source = "\n".join(f"x{i} = eval('{i}')" for i in range(40_000))   # under the size cap
    start = time.perf_counter()
    read_code([Cell(SETUP, "setup"), Cell("def double(x):\n    return 2 * x", "solution", "double"),
               Cell(source, "student")], lesson)
    assert time.perf_counter() - start < 15


def test_the_limits_of_the_reader_are_said():
    r = reading("def double(x):\n    return 2 * x")
    assert any("numpy.linalg.eigh" in note and "cannot rule out" in note for note in r.limits)


def test_the_reader_imports_nothing():
    before = set(sys.modules)
    reading("import json.tool\nimport this_module_does_not_exist.sub\n"
            "def double(x):\n    return np.polynomial.hermite_e.hermevander(x, 2)")
    assert set(sys.modules) == before


def test_a_cell_too_deep_to_read_fails_its_exercise_and_nothing_else():
    deep = "def double(x):\n    return " + "-" * 3000 + "x"
    assert refused(deep)

    def nested(n):
        return refused(deep) if n == 0 else nested(n - 1)

    assert nested(60)   # however deep the caller's stack


def test_ipython_syntax_is_translated_and_magics_left_out():
    assert translate("x = 1") == "x = 1"
    out = translate("%matplotlib inline\n!ls\ny = 2")
    assert "y = 2" in out and "get_ipython" not in out


def test_resolve_follows_modules_only_inside_the_allowlist():
    allowed = {"numpy", "numpy.linalg"}
    assert resolve("numpy.linalg.eigh", allowed)[2] is None
    assert "numpy.ctypeslib" in resolve("numpy.ctypeslib.as_array", allowed)[2]
    assert resolve("scipy.special", allowed)[2]
