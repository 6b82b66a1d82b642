"""Tests of source_lib.grader: reading the student's code, test cells, the worker process.

The whole pipeline (nbgrader, sandbox, worker) is tested by the course tests
(tests/course/test_course.py, test_attacks.py); these are its parts.
"""

import numpy as np
import pytest

from source_lib.checks import Lesson
from source_lib.grader import (Cell, RemoteRunner, WorkerProcess, parse_test, read_code,
                               run_tests)
from source_lib.testing import assert_close


def double(x):
    return 2 * np.asarray(x)


lesson = Lesson("99_example")
ex = lesson.exercise("double", double, forbidden=["numpy.multiply", "scipy.special.softmax",
                                                  "torch.Tensor.softmax"])


@ex.part("values", points=2)
def double_values(f, rng):
    f.check(rng.normal(size=3), rtol=1e-12)


@ex.part("errors", points=1)
def double_errors(f, rng):
    f.check_raises(ValueError, "x")


SETUP = "import numpy as np\nfrom source_lib import information as ref\n"


def reading(source, kind="solution"):
    return read_code([Cell(SETUP, "instructor"), Cell(source, kind, "double")], lesson)


@pytest.mark.parametrize("source", [
    "import sys\ndef double(x):\n    sys.setprofile(None)\n    return 2 * x",
    "def double(x):\n    import threading\n    return 2 * x",
    "import ctypes",
    "import gc\ngc.get_objects()",
    "np.allclose = lambda *a, **k: True",
    "np.testing.assert_allclose = None",
    "setattr(np, 'allclose', None)",
    "get_ipython().set_custom_exc((Exception,), None)",
    "import sys\nsys.displayhook(3)",
    "import os\nos._exit(0)",
    "import os\nos.kill(1, 9)",
    "open('x.txt', 'w').write('y')",
    "from pathlib import Path\nPath('x').write_text('y')",
    "eval('1')",
    "exec('x = 1')",
    "__import__('os')",
    "import importlib\nimportlib.import_module('scipy.special')",
    "def f():\n    return f.__globals__",
    "import inspect\ninspect.currentframe().f_back",
    "import builtins\nbuiltins.len = None",
    "import sys\nsys.modules['numpy'] = None",
    "getattr(np, '__dict__')",
    # routes an adversarial review found
    "_ = " + "-" * 3000 + "1\nimport sys",                       # too deep for the reader
    "import sys\nw = sys.getprofile()",
    "import logging\nlogging.threading.Thread",
    "import inspect, scipy.special\ndict(inspect.getmembers(scipy.special))",
    "import torch\ntorch._log_softmax",
    "import torch\ntorch._C._nn.cross_entropy_loss",
    "f = open(4, **{'mode': 'wb'})",
    "fd = 4\nf = open(f'/proc/self/fd/{fd}')",
    "x = [].__class__.__mro__",
])
def test_tampering_is_found(source):
    assert reading(source).tampering, source


@pytest.mark.parametrize("source, found", [
    ("import scipy.special\ndef double(x):\n    return scipy.special.softmax(x)", "scipy.special.softmax"),
    ("from scipy.special import softmax as s\ndef double(x):\n    return s(x)", "scipy.special.softmax"),
    ("import scipy.special as sp\ndef double(x):\n    return getattr(sp, 'softmax')(x)", "scipy.special.softmax"),
    ("def double(x):\n    return x.softmax(0)", "torch.Tensor.softmax"),
    ("def double(x):\n    return np.multiply(x, 2)", "numpy.multiply"),
    ("def double(x):\n    return ref.softmax(x)", "the course's reference library"),
])
def test_shortcuts_are_found_under_any_name(source, found):
    assert any(found in f for f in reading(source).shortcuts["double"]), reading(source).shortcuts


def test_legitimate_code_is_not_flagged():
    source = '''
import math
from functools import reduce

class Helper:
    def __init__(self):
        self.state = {}
    def stack(self, xs):
        return np.stack(xs)

def double(x):
    """Twice x, with a copy, a loop and a dict."""
    x = np.array(x, dtype=float, copy=True)
    out = np.empty_like(x)
    for i in range(x.size):
        out.flat[i] = x.flat[i] + x.flat[i]
    with np.errstate(over="ignore"):
        return out
'''
    r = reading(source)
    assert not r.tampering and not r.shortcuts, (r.tampering, r.shortcuts)
    assert reading("text = open('notes.txt').read()").risky


def test_tampering_in_any_student_cell_fails_every_exercise():
    r = read_code([Cell(SETUP, "instructor"), Cell("def double(x):\n    return 2 * x", "solution",
                                                    "double"),
                   Cell("import signal", "student")], lesson)
    assert r.tampering and "your cell" in r.tampering[0]


def test_parse_test_reads_the_exercise_part_and_seed():
    test = parse_test("test_double_errors", 'checks.run("double", "errors")\n'
                      '### BEGIN HIDDEN TESTS\nchecks.run("double", "errors", seed=77)\n'
                      '### END HIDDEN TESTS')
    assert (test.exercise, test.part, test.seed) == ("double", "errors", 77)
    with pytest.raises(ValueError):
        parse_test("test_x", "assert True")


def test_remote_verdicts_and_validation_only_for_working_functions():
    tests = [parse_test("t1", 'checks.run("double", seed=1)'),
             parse_test("t2", 'checks.run("double", "errors", seed=2)')]
    right = "import numpy as np\ndef double(x):\n    if isinstance(x, str):\n" \
            "        raise ValueError('x')\n    return 2 * np.asarray(x)"
    raises = "def double(x):\n    raise ValueError('no')"
    slow = "def double(x):\n    while True:\n        pass"
    for source, expected in ((right, [1.0, 1.0]), (raises, [0.0, 0.0]), (slow, [0.0, 0.0])):
        process = WorkerProcess([source])
        try:
            verdicts = run_tests(lesson, tests, RemoteRunner(process))
        finally:
            process.kill()
        assert [v.fraction for v in verdicts.values()] == expected, (source, verdicts)
    assert "did not return" in verdicts["t1"].message


def test_a_crash_costs_the_call_and_the_worker_restarts():
    process = WorkerProcess(["import os, numpy as np\ncalls = []\n"
                             "def double(x):\n    if np.size(x) == 3 and not calls:\n"
                             "        os._exit(1)\n    return 2 * np.asarray(x)"])
    runner = RemoteRunner(process)
    try:
        first = run_tests(lesson, [parse_test("t", 'checks.run("double", seed=1)')], runner)
        assert first["t"].fraction == 0.0 and "ended the Python process" in first["t"].message
        assert runner.events and process.restarts == 1
    finally:
        process.kill()
    assert_close(2.0, 2.0)


@pytest.mark.parametrize("source", [
    "import sys\ngetattr(sys, 'set' + 'profile')(None)",
    "import functools, sys\nfunctools.reduce(getattr, ['setprofile'], sys)",
    "import os\nos.fdopen(4, 'wb')",
    "import os\nos.read(3, 10)",
    "open(4, 'rb')",
    "open('/proc/self/fd/4', 'rb')",
    "vars(np)['allclose'] = None",
    "globals()['np'] = None",
    "np.__dict__['allclose'] = None",
    "import operator, sys\noperator.attrgetter('setprofile')(sys)",
])
def test_reflective_routes_are_tampering(source):
    assert reading(source).tampering, source


def test_reflection_on_ones_own_object_is_fine():
    source = ("class Opt:\n    def step(self, name):\n        return getattr(self, name)\n"
              "def double(x):\n    data = open('notes.txt').read() if False else None\n"
              "    return 2 * x")
    r = reading(source)
    assert not r.tampering and r.risky


# --------------------------------------------------------------------------- #
# Holes found by an adversarial review, closed (its tampering routes are listed in
# test_tampering_is_found)
# --------------------------------------------------------------------------- #

@pytest.mark.parametrize("source, found", [
    ("import torch\ndef double(x):\n    return torch.as_tensor(x).__getattribute__('softmax')(0)",
     "torch.Tensor.softmax"),
    ("from scipy.special import *\ndef double(x):\n    return softmax(x)", "scipy.special.softmax"),
])
def test_review_holes_are_shortcuts_or_tampering(source, found):
    r = reading(source)
    assert r.tampering or any(found in f for f in r.shortcuts.get("double", [])), (r.tampering, r.shortcuts)


def test_deep_stacks_do_not_hide_a_cell():
    def deep(n):
        return reading("_ = " + "-" * 2900 + "1\nimport sys\nsys.setprofile(None)") if n == 0 \
            else deep(n - 1)

    assert deep(60).tampering


def test_a_scratch_cell_does_not_count_for_an_exercise_it_is_not_used_by():
    scratch = "import scipy.special\nprint(scipy.special.softmax(np.ones(3)))"
    used = "import scipy.special as sp\ndef helper(x):\n    return sp.softmax(x)"
    solution = "def double(x):\n    return 2 * helper(x)"
    base = [Cell(SETUP, "setup"), Cell(solution, "solution", "double")]
    assert not read_code(base + [Cell(scratch, "student")], lesson).shortcuts
    assert read_code(base + [Cell(used, "student")], lesson).shortcuts["double"]
