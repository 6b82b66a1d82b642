"""Tests of source_lib.grading.similarity, the copy detector of class grading.

Besides the unit tests of each part, four measurements on the course's own material
(run with ``-s`` to see their tables):

* the FALSE-FLAG RATE on independent correct implementations: every pair of the
  catalogues' correct alternatives of a graded function, and each of them against the
  reference implementation and the solution notebook's function;
* the CATCH RATE on disguised copies of every reference and every solution function
  (renamed, reordered, restyled, split into a helper, padded with dead code, operands
  swapped, and all of these at once), made by the AST-based disguiser below;
* a synthetic class per lesson (copies, a shared function, the catalogue's alternatives);
* the time to compare a class of 100 students x 6 functions.

A catalogue's variants are written by one author, often from one template (the same
validation block, one line changed), so some pairs of them are near-copies by
construction: flagging those is right. A pair counts as a near-copy by construction
when at least NEAR_COPY of the smaller one's lines of code appear in the other, in
order, equal up to the renaming of the names they bind (``line_overlap``: lines, not the
detector's tokens); a flag on any other pair is a false flag.
"""

from __future__ import annotations

import ast
import builtins
import difflib
import functools
import importlib
import inspect
import io
import itertools
import random
import re
import sys
import textwrap
import time
import tokenize
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from source_lib.grading import similarity as sim
from source_lib.checks import load

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT / "tests" / "course") not in sys.path:
    sys.path.insert(0, str(ROOT / "tests" / "course"))   # the catalogues import `catalogue`

NEAR_COPY = 0.5
FALSE_FLAG_LIMIT = 0.01   # of the pairs that are not near-copies
CATCH_LIMIT = 0.95        # of the disguised copies large enough to be judged


# --------------------------------------------------------------------------- #
# The material: reference, solution and correct alternatives of every graded function
# --------------------------------------------------------------------------- #

@dataclass
class Graded:
    lesson: str
    name: str
    reference: str                                 # with the reference module's helpers it uses
    solution: str = None                           # the solution notebook's function
    correct: list = field(default_factory=list)    # [(why, source)]
    wrong: list = field(default_factory=list)


def lessons():
    return sorted(p.name for p in (ROOT / "solutions").iterdir()
                  if p.is_dir() and re.match(r"\d\d_", p.name))


def variant_source(variant, target):
    """The source of ``target`` in a catalogue variant (a variant replacing several
    functions returns nested functions: the one at ``target``'s place)."""
    if len(variant.targets) == 1:
        return sim.function_sources(variant.source, target)
    outer = next(s for s in ast.parse(variant.source).body if isinstance(s, ast.FunctionDef))
    returned = outer.body[-1]
    inner = returned.value.elts[variant.targets.index(target)].id
    lines = variant.source.splitlines()
    body = "\n".join(lines[outer.body[0].lineno - 1:returned.lineno - 1])
    return sim.function_sources(textwrap.dedent(body), inner)


@functools.lru_cache(maxsize=None)
def material():
    """Every graded function (or class) of every lesson with a check module."""
    out = []
    for lesson in lessons():
        try:
            checks = load(lesson)
        except LookupError:
            continue   # a lesson being written
        try:
            variants = importlib.import_module(f"catalogue_{lesson}").variants.variants
        except ModuleNotFoundError as err:
            if err.name != f"catalogue_{lesson}":
                raise
            variants = []
        cells = sim.notebook_cells(ROOT / "solutions" / lesson / f"{lesson}.ipynb", solutions_only=True)
        for name, exercise in checks.exercises.items():
            ref = exercise.reference
            if not (inspect.isfunction(ref) or inspect.isclass(ref)):
                continue   # the quiz
            graded = Graded(lesson, name, sim.function_sources(inspect.getsource(inspect.getmodule(ref)),
                                                               ref.__name__),
                            sim.function_sources(cells, name))
            for v in variants:
                if name in v.targets:
                    (graded.correct if v.kind == "correct" else graded.wrong).append(
                        (v.why, variant_source(v, name)))
            out.append(graded)
    return out


def judged(a, b):
    """Whether a pair is large enough to be judged at all."""
    return min(len(sim.fingerprints(a).tokens), len(sim.fingerprints(b).tokens)) >= sim.MIN_TOKENS


# --------------------------------------------------------------------------- #
# Near-copies by construction: lines of code in common, up to renaming
# --------------------------------------------------------------------------- #

def code_lines(source):
    """The lines of code (comments, docstrings and blank lines dropped) with every name the
    code binds replaced by ``_`` (attribute names kept)."""
    tree = ast.parse(source)
    docstrings, bound = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.add(node.name)
            first = node.body[0] if node.body else None
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) \
                    and isinstance(first.value.value, str):
                docstrings.update(range(first.lineno, first.end_lineno + 1))
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
        elif isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            bound.add(node.id)
    lines, previous = {}, None
    skip = {tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT,
            tokenize.ENDMARKER}
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type in skip or tok.start[0] in docstrings:
            continue
        text = tok.string
        if tok.type == tokenize.NAME and text in bound and not (previous and previous.string == "."):
            text = "_"
        lines.setdefault(tok.start[0], []).append(text)
        previous = tok
    return [" ".join(words) for _, words in sorted(lines.items())]


def line_overlap(a, b):
    """The share of the smaller one's lines of code found in the other, in order."""
    la, lb = code_lines(a), code_lines(b)
    blocks = difflib.SequenceMatcher(None, la, lb, autojunk=False).get_matching_blocks()
    return sum(block.size for block in blocks) / max(1, min(len(la), len(lb)))


def test_line_overlap_sees_renamed_lines_and_nothing_else():
    a = "def f(x):\n    y = x + 1  # one\n    z = y * 2\n    return z\n"
    b = "def f(u):\n    '''doc'''\n    w = u + 1\n\n    v = w * 2\n    return v\n"
    c = "def f(x):\n    return sum(t for t in range(x))\n"
    assert code_lines(a) == code_lines(b)
    assert line_overlap(a, b) == 1.0
    assert line_overlap(a, c) <= 0.5


# --------------------------------------------------------------------------- #
# The disguiser: copies as a student hiding a copy would make them (AST-based)
# --------------------------------------------------------------------------- #

WORDS = ["val", "arr", "tmp", "res", "acc", "buf", "aux", "data", "thing", "part", "stuff", "q"]
PURE_MODULES = {"np", "numpy", "math", "torch", "scipy"}


def _root(tree, name):
    return next(s for s in tree.body if isinstance(s, (ast.FunctionDef, ast.ClassDef)) and s.name == name)


def _has_docstring(body):
    return bool(body) and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
        and isinstance(body[0].value.value, str)


def rename(source, name, rng):
    """Every name the code binds gets another (in the text: comments and formatting stay),
    but the graded name, the parameters of the graded function and of its class's public
    methods, the methods' names and ``self``: the signature is the curriculum's. The
    attributes set on ``self`` are renamed too."""
    tree = ast.parse(source)
    root = _root(tree, name)
    keep = {name, "self", "cls"}
    public = [root] if isinstance(root, ast.FunctionDef) else \
        [m for m in root.body if isinstance(m, ast.FunctionDef)]
    for f in public:
        keep |= {a.arg for a in f.args.posonlyargs + f.args.args + f.args.kwonlyargs}
        keep |= {a.arg for a in (f.args.vararg, f.args.kwarg) if a}
        if isinstance(root, ast.ClassDef):
            keep.add(f.name)
    imported = {a.asname or a.name.split(".")[0] for n in ast.walk(tree)
                if isinstance(n, (ast.Import, ast.ImportFrom)) for a in n.names}
    bound, attrs = set(), set()
    for n in ast.walk(tree):
        if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store):
            bound.add(n.id)
        elif isinstance(n, ast.arg):
            bound.add(n.arg)
        elif isinstance(n, (ast.FunctionDef, ast.ClassDef)):
            bound.add(n.name)
        elif isinstance(n, ast.ExceptHandler) and n.name:
            bound.add(n.name)
        elif isinstance(n, ast.Attribute) and isinstance(n.ctx, ast.Store) \
                and isinstance(n.value, ast.Name) and n.value.id == "self" and not n.attr.startswith("__"):
            attrs.add(n.attr)
    targets = sorted(bound - keep - imported - set(dir(builtins)))
    words = list(WORDS)
    rng.shuffle(words)
    new = {old: f"{words[i % len(words)]}{i}" for i, old in enumerate(targets)}
    new_attrs = {old: f"st_{words[i % len(words)]}{i}" for i, old in enumerate(sorted(attrs))}
    lines = [line.encode() for line in source.splitlines()]   # AST offsets count UTF-8 bytes
    edits = set()

    def search(lineno, pattern, old, repl):
        text = lines[lineno - 1].decode()
        m = re.search(pattern, text)
        if m:
            edits.add((lineno - 1, len(text[:m.start(1)].encode()), old, repl))

    for n in ast.walk(tree):
        if isinstance(n, ast.Name) and n.id in new:
            edits.add((n.lineno - 1, n.col_offset, n.id, new[n.id]))
        elif isinstance(n, ast.arg) and n.arg in new:
            edits.add((n.lineno - 1, n.col_offset, n.arg, new[n.arg]))
        elif isinstance(n, (ast.FunctionDef, ast.ClassDef)) and n.name in new:
            search(n.lineno, rf"\b(?:def|class)\s+({re.escape(n.name)})\b", n.name, new[n.name])
        elif isinstance(n, ast.ExceptHandler) and n.name in new:
            search(n.lineno, rf"\bas\s+({re.escape(n.name)})\b", n.name, new[n.name])
        elif isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id in new:
            for kw in n.keywords:   # a keyword of the student's own helper is renamed with it
                if kw.arg in new:
                    edits.add((kw.lineno - 1, kw.col_offset, kw.arg, new[kw.arg]))
        elif isinstance(n, ast.Attribute) and n.attr in new_attrs and isinstance(n.value, ast.Name) \
                and n.value.id == "self":
            edits.add((n.end_lineno - 1, n.end_col_offset - len(n.attr.encode()), n.attr, new_attrs[n.attr]))
    for i, col, old, repl in sorted(edits, key=lambda e: (e[0], -e[1])):
        if lines[i][col:col + len(old.encode())] == old.encode():
            lines[i] = lines[i][:col] + repl.encode() + lines[i][col + len(old.encode()):]
    return "\n".join(line.decode() for line in lines) + "\n"


def _base(node):
    while isinstance(node, (ast.Attribute, ast.Subscript, ast.Starred)):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def _dotted(node):
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    return ".".join([node.id] + parts[::-1]) if isinstance(node, ast.Name) else ""


def effects(stmt):
    """Names a statement reads and writes, conservatively: writes are assignment targets,
    the object of an attribute or item assignment, a method call's receiver (unless a pure
    library module outside its random generators) and a bare call's arguments."""
    reads, writes = set(), set()
    for n in ast.walk(stmt):
        if isinstance(n, ast.Name):
            (reads if isinstance(n.ctx, ast.Load) else writes).add(n.id)
        elif isinstance(n, (ast.Attribute, ast.Subscript)) and not isinstance(n.ctx, ast.Load):
            writes.add(_base(n))
        elif isinstance(n, ast.Call):
            if isinstance(n.func, ast.Attribute):
                b = _base(n.func.value)
                if b and not (b in PURE_MODULES and "random" not in _dotted(n.func.value)):
                    writes.add(b)
            writes |= {_base(kw.value) for kw in n.keywords if kw.arg == "out"}
            if isinstance(stmt, ast.Expr) and n is stmt.value:
                writes |= {_base(a) for a in n.args}
    return reads, writes - {None}


def movable(stmt):
    """A simple statement (an assignment, a call, a check that raises)."""
    if isinstance(stmt, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
        return True
    if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
        return True
    return isinstance(stmt, ast.If) and not stmt.orelse and all(isinstance(s, ast.Raise) for s in stmt.body)


def independent(a, b):
    if not (movable(a) and movable(b)):
        return False
    (ra, wa), (rb, wb) = effects(a), effects(b)
    return not (wa & (rb | wb)) and not (wb & ra)


def reorder(source, name, rng):
    """Swap adjacent independent statements at random, in every block."""
    tree = ast.parse(source)
    for node in ast.walk(tree):
        for fld in ("body", "orelse", "finalbody"):
            block = getattr(node, fld, None)
            if not (isinstance(block, list) and block and isinstance(block[0], ast.stmt)):
                continue
            for _ in range(len(block)):
                for i in range(1 if _has_docstring(block) else 0, len(block) - 1):
                    if independent(block[i], block[i + 1]) and rng.random() < 0.5:
                        block[i], block[i + 1] = block[i + 1], block[i]
    return ast.unparse(tree) + "\n"


def restyle(source, name, rng):
    """Other docstrings, no comments, other formatting (ast.unparse), other comments."""
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            if _has_docstring(node.body):
                node.body[0].value.value = "My implementation, written for this exercise."
            else:
                node.body.insert(0, ast.Expr(ast.Constant("Written by me.")))
    remarks = ["# compute the next quantity", "# as seen in the lecture", "# careful here",
               "# main step", "# TODO tidy up"]
    out = []
    for line in ast.unparse(tree).splitlines():
        stripped = line.lstrip()
        if stripped and not stripped.startswith(('"', "'", ")", "]", "}")) and rng.random() < 0.3:
            out.append(line[:len(line) - len(stripped)] + rng.choice(remarks))
        out.append(line + ("  # ok" if line.rstrip().endswith(")") and rng.random() < 0.2 else ""))
    return "\n".join(out) + "\n"


def _names(nodes, load):
    return {n.id for s in nodes for n in ast.walk(s)
            if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load) == load}


def _stores(nodes):
    return _names(nodes, load=False)


def _loads(nodes):
    return _names(nodes, load=True)


def split_helper(source, name, rng):
    """Move the longest run of simple statements of the function (of its longest method
    for a class) to a new top-level helper, called in its place."""
    tree = ast.parse(source)
    root = _root(tree, name)
    func = root if isinstance(root, ast.FunctionDef) else \
        max((m for m in root.body if isinstance(m, ast.FunctionDef)), key=lambda m: len(m.body))
    body = func.body
    runs, current = [], []
    for i in range(1 if _has_docstring(body) else 0, len(body)):
        if movable(body[i]):
            current.append(i)
            continue
        if current:
            runs.append(current)
        current = []
    if current:
        runs.append(current)
    if not runs:
        return ast.unparse(tree) + "\n"
    run = max(runs, key=len)
    run = run[:-1] if len(run) > 3 else run   # leave a statement after it when there is room
    moved, before, after = [body[i] for i in run], body[:run[0]], body[run[-1] + 1:]
    args = {a.arg for a in func.args.posonlyargs + func.args.args + func.args.kwonlyargs}
    inputs = sorted(_loads(moved) & (args | _stores(before)))
    outputs = sorted(_stores(moved) & _loads(after))
    helper = f"_{rng.choice(['step', 'part', 'compute', 'inner', 'work'])}_helper"

    def names(ctx):
        items = [ast.Name(o, ctx) for o in outputs]
        return items[0] if len(items) == 1 else ast.Tuple(items, ctx)

    returned = [ast.Return(names(ast.Load()))] if outputs else []
    tree.body.insert(tree.body.index(root) + 1, ast.FunctionDef(
        helper, ast.arguments([], [ast.arg(a) for a in inputs], None, [], [], None, []),
        moved + returned, [], None))
    call = ast.Call(ast.Name(helper, ast.Load()), [ast.Name(a, ast.Load()) for a in inputs], [])
    func.body = before + [ast.Assign([names(ast.Store())], call) if outputs else ast.Expr(call)] + after
    ast.fix_missing_locations(tree)
    return ast.unparse(tree) + "\n"


def add_dead_code(source, name, rng):
    """An unused copy of an argument, an ``if False:`` block and a debugging print behind
    a flag, at random places of the function's body (of every method of a class)."""
    tree = ast.parse(source)
    root = _root(tree, name)
    funcs = [root] if isinstance(root, ast.FunctionDef) else \
        [m for m in root.body if isinstance(m, ast.FunctionDef)]
    for func in funcs:
        body = func.body
        var = rng.choice([a.arg for a in func.args.args if a.arg not in ("self", "cls")] or ["self"])
        start = 1 if _has_docstring(body) else 0
        end = len(body) - 1 if isinstance(body[-1], ast.Return) else len(body)
        first, second = sorted(rng.randint(start, max(start, end)) for _ in range(2))
        flag = f"verbose = False\nif verbose:\n    print('checking', type({var}))"
        body[second:second] = ast.parse(flag).body
        body[first:first] = ast.parse(f"if False:\n    print('never', {var})").body
        body[start:start] = ast.parse(f"unused_copy = {var}").body
    ast.fix_missing_locations(tree)
    return ast.unparse(tree) + "\n"


class _SwapOperands(ast.NodeTransformer):
    def __init__(self, rng):
        self.rng = rng

    def visit_BinOp(self, node):
        self.generic_visit(node)
        if isinstance(node.op, (ast.Add, ast.Mult)) and self.rng.random() < 0.5:
            node.left, node.right = node.right, node.left
        return node

    def visit_Compare(self, node):
        self.generic_visit(node)
        flip = {ast.Lt: ast.Gt, ast.Gt: ast.Lt, ast.LtE: ast.GtE, ast.GtE: ast.LtE,
                ast.Eq: ast.Eq, ast.NotEq: ast.NotEq}
        if len(node.ops) == 1 and type(node.ops[0]) in flip and self.rng.random() < 0.5:
            return ast.copy_location(ast.Compare(node.comparators[0], [flip[type(node.ops[0])]()],
                                                 [node.left]), node)
        return node


def swap_operands(source, name, rng):
    """``b + a`` for ``a + b`` and ``b > a`` for ``a < b``, at random."""
    return ast.unparse(_SwapOperands(rng).visit(ast.parse(source))) + "\n"


DISGUISES = {"rename": rename, "reorder": reorder, "restyle": restyle, "helper": split_helper,
             "dead code": add_dead_code, "operands": swap_operands}


def everything(source, name, rng):
    for step in ("rename", "restyle", "reorder", "operands", "dead code", "helper"):
        source = DISGUISES[step](source, name, rng)
    return source


DISGUISES["all"] = everything


def disguised(source, name, how, seed=0):
    """A disguised copy of ``source`` (``name`` and its helpers), as class grading sees
    it (function_sources of the student's code)."""
    root = ast.parse(source).body[0].name
    rng = random.Random(zlib.crc32(f"{name}/{how}/{seed}".encode()))
    text = DISGUISES[how](source, root, rng)
    compile(text, "<disguised>", "exec")   # still Python
    return sim.function_sources(text, root)


BASE = '''
def center_scale(X, eps=1e-8):
    """Centre and scale the columns of X."""
    X = np.asarray(X, dtype=float)   # a copy
    if X.ndim != 2:
        raise ValueError("X must be 2-D")
    mean = X.mean(axis=0)
    std = np.sqrt(((X - mean) ** 2).mean(axis=0))
    n, d = X.shape
    scale = np.where(std > eps, std, 1.0)
    return (X - mean) / scale, n, d
'''


@pytest.mark.parametrize("how", sorted(DISGUISES))
def test_the_disguiser_changes_the_text_and_keeps_it_python(how):
    out = disguised(BASE, "center_scale", how)
    assert out != BASE.strip()
    root = ast.parse(out).body[0]
    assert root.name == "center_scale" and [a.arg for a in root.args.args] == ["X", "eps"]
    if how == "rename":
        assert "mean =" not in out and "# a copy" in out   # comments stay where renaming only
    if how == "helper":
        assert re.search(r"def _\w+_helper\(", out)
    if how == "dead code":
        assert "if False:" in out and "verbose" in out


# --------------------------------------------------------------------------- #
# function_sources and notebook_cells
# --------------------------------------------------------------------------- #

class Cell:   # like source_lib.grader.Cell
    def __init__(self, source):
        self.source = source


def test_function_sources_takes_the_helpers_it_uses_transitively_and_the_last_definition():
    cells = [
        "import numpy as np\n%matplotlib inline\n",
        "def softmax(z):\n    return 0\n",                              # replaced below
        "def _shift(z):\n    return z - _top(z)\n\ndef _top(z):\n    return z.max()\n",
        "def unrelated():\n    return 1\n",
        "def softmax(z):\n    e = np.exp(_shift(z))\n    return e / e.sum()\n",
        "this is not python (\n",
    ]
    text = sim.function_sources(cells, "softmax")
    assert text.splitlines()[0] == "def softmax(z):"
    assert "np.exp(_shift(z))" in text and "def _shift" in text and "def _top" in text
    assert "unrelated" not in text and "return 0" not in text
    assert text.index("def softmax") < text.index("def _shift") < text.index("def _top")


def test_function_sources_reads_cells_of_every_kind_and_follows_aliases():
    source = ("def my_softmax(z):\n    return helper(z)\n\n"
              "def helper(z):\n    return z\n\n"
              "softmax = my_softmax\n")
    for cells in (source, [source], [{"source": source.splitlines(keepends=True)}], [Cell(source)]):
        text = sim.function_sources(cells, "softmax")
        assert text.startswith("def my_softmax(z):") and "def helper(z):" in text
        assert "softmax = my_softmax" not in text
    assert sim.function_sources(source, "missing") is None
    both = sim.function_sources([source], ["softmax", "helper", "missing"])
    assert both["helper"] == "def helper(z):\n    return z" and both["missing"] is None


def test_function_sources_of_a_class_and_a_local_that_shadows_a_helper():
    source = ("class SGD:\n    def step(self, params):\n        for k in params:\n"
              "            params[k] -= _rate(self)\n\n"
              "def _rate(opt):\n    return opt.lr\n\n"
              "def k():\n    return 'a demo function named like a loop variable'\n")
    text = sim.function_sources(source, "SGD")
    assert "class SGD" in text and "def _rate" in text and "demo function" not in text


def test_notebook_cells_reads_the_solution_cells_of_a_notebook():
    path = ROOT / "solutions" / "04_information_theory" / "04_information_theory.ipynb"
    every, solutions = sim.notebook_cells(path), sim.notebook_cells(path, solutions_only=True)
    assert len(solutions) < len(every)
    assert solutions and all("BEGIN SOLUTION" in c for c in solutions)
    assert sim.function_sources(solutions, "softmax").startswith("def softmax(z, axis=-1):")


# --------------------------------------------------------------------------- #
# The normalised form
# --------------------------------------------------------------------------- #

SAME_AS_BASE = {
    "renamed": '''
def center_scale(data, tol=1e-8):
    data = np.asarray(data, dtype=float)
    if data.ndim != 2:
        raise ValueError("the data must be 2-D")
    mu = data.mean(axis=0)
    sd = np.sqrt(((data - mu) ** 2).mean(axis=0))
    rows, cols = data.shape
    s = np.where(sd > tol, sd, 1.0)
    return (data - mu) / s, rows, cols
''',
    "reordered, commented, reformatted": '''
def center_scale(X, eps=1e-8):
    # my own work
    X = np.asarray(X,
                   dtype=float)
    n, d = X.shape

    if X.ndim != 2: raise ValueError('X must be 2-D')
    mean = X.mean(axis=0)
    std = np.sqrt(((X - mean) ** 2).mean(axis=0))
    scale = np.where(std > eps, std, 1.0)
    return (X - mean) / scale, n, d
''',
    "method and function forms, operands swapped, augmented assignment": '''
def center_scale(X, eps=1e-8):
    X = np.asarray(X, dtype=float)
    if 2 != X.ndim:
        raise ValueError("X must be 2-D")
    mean = np.mean(X, axis=0)
    std = np.sqrt(np.mean((X - mean) ** 2, axis=0))
    n, d = X.shape
    scale = np.where(eps < std, std, 1.0)
    return (X - mean) / scale, n, d
''',
    "dead code, a debugging flag and prints": '''
def center_scale(X, eps=1e-8):
    DEBUG = False
    X = np.asarray(X, dtype=float)
    unused = X.copy()
    if X.ndim != 2:
        raise ValueError("X must be 2-D")
    print("shape", X.shape)
    mean = X.mean(axis=0)
    if DEBUG:
        print(mean)
    std = np.sqrt(((X - mean) ** 2).mean(axis=0))
    if False:
        std = std + 1
    n, d = X.shape
    scale = np.where(std > eps, std, 1.0)
    return (X - mean) / scale, n, d
    print("never")
''',
    "split into helpers": '''
def center_scale(X, eps=1e-8):
    X = _checked(X)
    mean, std = _moments(X)
    n, d = X.shape
    scale = np.where(std > eps, std, 1.0)
    return (X - mean) / scale, n, d

def _checked(X):
    X = np.asarray(X, dtype=float)
    if X.ndim != 2:
        raise ValueError("X must be 2-D")
    return X

def _moments(X):
    mean = X.mean(axis=0)
    std = np.sqrt(((X - mean) ** 2).mean(axis=0))
    return mean, std
''',
}


@pytest.mark.parametrize("how", sorted(SAME_AS_BASE))
def test_what_a_copier_changes_cheaply_leaves_the_normalised_form_unchanged(how):
    assert sim.fingerprints(SAME_AS_BASE[how]).tokens == sim.fingerprints(BASE).tokens


def test_products_transposes_and_tuple_assignments_are_unified():
    forms = ["def f(a, b):\n    c, d = a @ b.T, 2\n    c += d\n    return c\n",
             "def f(a, b):\n    c = np.dot(a, np.transpose(b))\n    d = 2\n    c = c + d\n    return c\n",
             "def f(a, b):\n    d = 2\n    c = a.dot(b.transpose())\n    c = d + c\n    return c\n"]
    assert len({sim.fingerprints(f).tokens for f in forms}) == 1


def test_another_formula_is_another_form():
    other = BASE.replace("np.sqrt(((X - mean) ** 2).mean(axis=0))", "X.std(axis=0)") \
                .replace("np.where(std > eps, std, 1.0)", "std + eps")
    assert sim.fingerprints(other).tokens != sim.fingerprints(BASE).tokens
    loop = '''
def center_scale(X, eps=1e-8):
    X = [list(map(float, row)) for row in X]
    n, d = len(X), len(X[0])
    out = []
    for j in range(d):
        column = [X[i][j] for i in range(n)]
        m = sum(column) / n
        s = (sum((v - m) ** 2 for v in column) / n) ** 0.5
        out.append([(v - m) / (s if s > eps else 1.0) for v in column])
    return np.array(out).T, n, d
'''
    assert sim.similarity(loop, BASE).score < 0.3


def test_the_code_compared_is_read_never_run(tmp_path):
    marker = tmp_path / "ran"
    source = (f"def f(x):\n    open({str(marker)!r}, 'w').write('x')\n    return x\n"
              f"open({str(marker)!r}, 'w').write('x')\nraise SystemExit(3)\n")
    sim.function_sources([source], "f")
    sim.fingerprints(source)
    sim.similarity(source, source)
    assert not marker.exists()


def test_the_module_imports_nothing_but_the_standard_library():
    tree = ast.parse(Path(sim.__file__).read_text())
    imported = {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    imported |= {n.module.split(".")[0] for n in ast.walk(tree)
                 if isinstance(n, ast.ImportFrom) and n.level == 0}
    assert imported - {"__future__"} <= set(sys.stdlib_module_names), imported


def test_code_that_does_not_parse_or_nests_deeply_has_no_fingerprints_and_no_verdict():
    broken = "def f(x:\n    return x\n"
    assert len(sim.fingerprints(broken)) == 0
    assert sim.similarity(broken, BASE).score == 0.0 and sim.suspicious(broken, broken) is None
    deep = "def f(x):\n    return " + "(" * 90 + "x" + ")" * 90 + "\n"
    sim.fingerprints(deep)   # no error
    nested = "def f(x):\n" + "".join("    " * i + "if x:\n" for i in range(1, 61)) + "    " * 61 + "x = 1\n"
    sim.fingerprints(nested)


# --------------------------------------------------------------------------- #
# Similarity, lines, verdict
# --------------------------------------------------------------------------- #

ADA = '''def normalise_rows(M):
    """Rows of M scaled to unit length; zero rows stay zero."""
    M = np.asarray(M, dtype=float)
    if M.ndim != 2:
        raise ValueError("M must be 2-D")
    norms = np.sqrt((M * M).sum(axis=1, keepdims=True))
    norms = np.where(norms > 0, norms, 1.0)
    out = M / norms
    assert np.all(np.isfinite(out))
    return out
'''
BEN = '''def normalise_rows(M):
    # check the input first
    if not hasattr(M, "shape"):
        M = np.array(M)
    A = np.asarray(M, dtype=float)
    if A.ndim != 2:
        raise ValueError("need a matrix")
    n = np.sqrt((A * A).sum(axis=1, keepdims=True))
    n = np.where(n > 0, n, 1.0)
    result = A / n
    assert np.all(np.isfinite(result))
    total = float(np.abs(result).sum())
    counts = [int(v) for v in np.count_nonzero(result, axis=1)]
    return result if total >= 0 and len(counts) == len(result) else None
'''


def test_the_share_of_the_smaller_function_found_in_the_larger_is_symmetric():
    ab, ba = sim.similarity(ADA, BEN), sim.similarity(BEN, ADA)
    assert ab.score == ba.score and (ab.a_in_b, ab.b_in_a) == (ba.b_in_a, ba.a_in_b)
    assert ab.score == max(ab.a_in_b, ab.b_in_a) and 0 <= ab.score <= 1
    # ADA is embedded in BEN's extra code: all of ADA is found, not all of BEN
    assert ab.a_in_b > 0.9 and ab.b_in_a < 0.75
    assert sim.similarity(ADA, ADA).score == 1.0


def test_the_matching_lines_are_given_on_both_sides():
    s = sim.similarity(ADA, BEN)
    # ADA's body but its return (lines 3-9) is BEN's lines 5-11; BEN's extra code is not
    assert s.lines_a == [(3, 9)] and s.lines_b == [(5, 11)]
    m = sim.suspicious(ADA, BEN, function="normalise_rows", names=("ada", "ben"))
    assert m is not None
    assert "lines 3\u20139 of ada's match lines 5\u201311 of ben's" in str(m)
    assert "     9 |     assert np.all(np.isfinite(out))" in m.report()


def test_the_threshold_falls_with_size_and_nothing_is_judged_below_the_minimum():
    sizes = range(0, 200)
    limits = [sim.threshold(n) for n in sizes]
    assert all(x >= y for x, y in zip(limits, limits[1:]))
    assert sim.threshold(sim.MIN_SHARED - 1) == float("inf")
    assert sim.threshold(sim.SMALL) == sim.HIGH and sim.threshold(10 * sim.LARGE) == sim.LOW


# Natural implementations of short functions, written the obvious way (not copied): each is
# identical, once normalised, to the solution notebook's function, and must not be reported.
NATURAL = {
    "softmax": '''
def softmax(z, axis=-1):
    z = np.asarray(z, dtype=float)
    z = z - z.max(axis=axis, keepdims=True)
    ez = np.exp(z)
    return ez / ez.sum(axis=axis, keepdims=True)
''',
    "log_softmax": '''
def log_softmax(z, axis=-1):
    z = np.asarray(z, dtype=float)
    shifted = z - z.max(axis=axis, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))
''',
    "affine_backward": '''
def affine_backward(dout, cache):
    X, W, b = cache
    dX = dout @ W.T
    dW = X.T @ dout
    db = np.sum(dout, axis=0)
    return dX, dW, db
''',
    "gaussian_mle": '''
def gaussian_mle(x):
    x = np.asarray(x, dtype=float)
    mu = np.mean(x)
    sigma = np.sqrt(np.mean((x - mu) ** 2))
    return float(mu), float(sigma)
''',
    "relu_backward": '''
def relu_backward(dout, cache):
    x = cache
    dx = dout * (x > 0)
    return dx
''',
}


@pytest.mark.parametrize("name", sorted(NATURAL))
def test_the_only_natural_way_to_write_a_short_function_is_not_reported(name):
    graded = next(g for g in material() if g.name == name)
    assert sim.similarity(NATURAL[name], graded.solution).score == 1.0   # alike by necessity
    assert sim.suspicious(NATURAL[name], graded.solution) is None
    assert sim.suspicious(NATURAL[name], graded.reference) is None


def test_common_code_is_discounted_on_both_sides():
    skeleton = '''
def report(table, key):
    if not isinstance(table, dict):
        raise TypeError("table must be a dict")
    if key not in table:
        raise KeyError(f"no {key} in the table")
    rows = sorted(table[key].items())
    if not rows:
        raise ValueError("empty")
    width = max(len(str(k)) for k, _ in rows)
'''
    a = skeleton + "    return [f'{k:>{width}} {v:.3f}' for k, v in rows]\n"
    b = skeleton + ("    out = []\n    for k, v in rows:\n"
                    "        out.append(str(k).rjust(width) + ' ' + format(v, '.3f'))\n    return out\n")
    assert sim.suspicious(a, b) is not None                  # the shared skeleton alone is enough
    assert sim.suspicious(a, b, common=[skeleton]) is None   # but it is the release's


# --------------------------------------------------------------------------- #
# Measurement 1: false flags on independent correct implementations
# --------------------------------------------------------------------------- #

def catalogue_pairs():
    """Every pair of correct alternatives of a function, and each against the reference
    and the solution: (graded, label a, source a, label b, source b)."""
    for g in material():
        items = [(f"correct: {why}", src) for why, src in g.correct if src]
        refs = [(label, src) for label, src in (("reference", g.reference), ("solution", g.solution)) if src]
        for (la, a), (lb, b) in itertools.combinations(items, 2):
            yield g, la, a, lb, b
        for (la, a), (lb, b) in itertools.product(items, refs):
            yield g, la, a, lb, b


def test_false_flags_on_independent_correct_implementations():
    pairs = list(catalogue_pairs())
    assert len(pairs) > 500
    flags, independent, judged_pairs = [], 0, 0
    for g, la, a, lb, b in pairs:
        near = line_overlap(a, b) >= NEAR_COPY
        independent += not near
        judged_pairs += judged(a, b)
        m = sim.suspicious(a, b, function=g.name, names=(la, lb))
        if m:
            flags.append((g, m, near))
    false = [(g, m) for g, m, near in flags if not near]
    print(f"\n{len(pairs)} pairs of {sum(len(g.correct) for g in material())} correct alternatives "
          f"(and the reference, the solution) of {len(material())} graded functions; "
          f"{judged_pairs} large enough to be judged; {len(pairs) - independent} near-copies "
          f"by construction (>= {NEAR_COPY:.0%} of their lines in common)")
    print(f"flagged: {len(flags)} ({len(flags) / len(pairs):.2%} of all pairs); false flags: "
          f"{len(false)} of {independent} independent pairs ({len(false) / independent:.2%})")
    for g, m, near in flags:
        print(f"  {'near-copy by construction' if near else 'FALSE FLAG':26s} "
              f"{g.lesson} {m.function}: {m.score:.2f} (threshold {m.threshold:.2f}, lines in "
              f"common {line_overlap(m.first_source, m.second_source):.0%})\n"
              f"      {m.first[:70]}\n      {m.second[:70]}")
    assert len(false) <= FALSE_FLAG_LIMIT * independent, [str(m) for _, m in false]


def test_independent_implementations_stay_below_the_threshold_by_a_margin():
    """How close the judged independent pairs come to their threshold."""
    closest = []
    for g, la, a, lb, b in catalogue_pairs():
        if judged(a, b) and line_overlap(a, b) < NEAR_COPY:
            s = sim.similarity(a, b)
            closest.append((sim.threshold(min(s.size_a, s.size_b)) - s.score, s.score, g.name, la, lb))
    closest.sort()
    near = [c for c in closest if c[0] < 0.1]
    print(f"\n{len(closest)} judged independent pairs; {len(near)} within 0.1 of their threshold; "
          f"the closest (margin, score):")
    for margin, score, name, la, lb in closest[:5]:
        print(f"  {margin:.2f} {score:.2f} {name}: {la[:45]} | {lb[:45]}")
    assert len(near) <= FALSE_FLAG_LIMIT * len(closest)


# --------------------------------------------------------------------------- #
# Measurement 2: catch rate on disguised copies
# --------------------------------------------------------------------------- #

SEEDS = (0, 1)


def test_catch_rate_on_disguised_copies():
    sources = [(g.name, kind, src) for g in material()
               for kind, src in (("reference", g.reference), ("solution", g.solution)) if src]
    rows, misses = {}, []
    for how in DISGUISES:
        caught = total = judged_total = judged_caught = 0
        for name, kind, src in sources:
            for seed in SEEDS:
                copy_ = disguised(src, name, how, seed)
                hit = sim.suspicious(src, copy_) is not None
                total += 1
                caught += hit
                if judged(src, copy_):
                    judged_total += 1
                    judged_caught += hit
                    if not hit:
                        misses.append((how, kind, name, round(sim.similarity(src, copy_).score, 2)))
        rows[how] = (caught, total, judged_caught, judged_total)
    short = sorted({f"{kind} {name}" for name, kind, src in sources
                    if len(sim.fingerprints(src).tokens) < sim.MIN_TOKENS})
    print(f"\ncatch rate on disguised copies of {len(sources)} reference and solution functions "
          f"x {len(SEEDS)} seeds:")
    for how, (caught, total, jc, jt) in rows.items():
        print(f"  {how:10s} {caught:4d}/{total} = {caught / total:.1%} of all; "
              f"{jc}/{jt} = {jc / jt:.1%} of those large enough to be judged")
    print(f"never judged (fewer than {sim.MIN_TOKENS} normalised tokens): {len(short)}: {', '.join(short)}")
    print(f"missed although judged: {misses}")
    for how, (_, _, jc, jt) in rows.items():
        assert jc >= CATCH_LIMIT * jt, (how, misses)


# --------------------------------------------------------------------------- #
# Measurement 3: a synthetic class per lesson
# --------------------------------------------------------------------------- #

def synthetic_class(lesson):
    """Students: one per correct alternative (with every function it implements), "copier"
    (a renamed and reordered copy of every reference), "ada" and "ben" (the same wrong
    implementation of one function, ben's with renamed variables)."""
    graded = [g for g in material() if g.lesson == lesson]
    students, references = {}, {}
    for g in graded:
        references[g.name] = {"reference": g.reference, "solution": g.solution}
        for i, (why, src) in enumerate(g.correct):
            students.setdefault(f"{g.name}/correct {i}: {why}", {})[g.name] = src
        students.setdefault("copier", {})[g.name] = disguised(disguised(g.reference, g.name, "rename"),
                                                              g.name, "reorder")
    # the shared function: the largest wrong implementation that is not itself a near-copy
    # of the reference, the solution or a correct alternative (many wrong variants are the
    # solution with one line changed)
    candidates = [(len(sim.fingerprints(src).tokens), g.name, src) for g in graded for _, src in g.wrong
                  if all(line_overlap(src, other) < NEAR_COPY
                         for other in [g.reference, g.solution] + [c for _, c in g.correct] if other)]
    _, name, source = max(candidates)
    shared = next(g for g in graded if g.name == name)
    students["ada"] = {shared.name: source}
    students["ben"] = {shared.name: disguised(source, shared.name, "rename")}
    return graded, students, references, shared


@pytest.mark.parametrize("lesson", [lesson for lesson in lessons()
                                    if any(g.lesson == lesson for g in material())])
def test_a_synthetic_class(lesson):
    graded, students, references, shared = synthetic_class(lesson)
    matches = sim.compare_class(students, references)
    found = {(m.function, m.first, m.second) for m in matches}
    # the copies: every reference long enough to be judged, and the shared pair
    for g in graded:
        if judged(g.reference, students["copier"][g.name]):
            assert (g.name, "copier", "reference") in found, g.name
    assert (shared.name, "ada", "ben") in found
    # no correct alternative, but near-copies by construction (stated with their reason)
    unexpected, excused = [], []
    for m in matches:
        if "copier" in (m.first, m.second) or {m.first, m.second} == {"ada", "ben"}:
            continue
        a, b = m.first_source, m.second_source
        (excused if line_overlap(a, b) >= NEAR_COPY else unexpected).append(m)
    print(f"\n{lesson}: {len(students)} students, {len(matches)} matches; excused as near-copies "
          f"by construction (>= {NEAR_COPY:.0%} of their lines in common):")
    for m in excused:
        print(f"  {m}"[:220])
    assert not unexpected, [str(m) for m in unexpected]


def test_the_reference_module_pasted_into_a_release_is_reported():
    """The case behind the issue: source_lib/information.py pasted into lesson 04's release
    (23 of 25 points, and nothing told the instructor)."""
    lesson = "04_information_theory"
    graded = [g for g in material() if g.lesson == lesson]
    pasted = (ROOT / "source_lib" / "information.py").read_text()
    cells = sim.notebook_cells(ROOT / "course" / lesson / f"{lesson}.ipynb") + [pasted]
    functions = sim.function_sources(cells, [g.name for g in graded])
    matches = sim.compare_class({"eve": functions}, {g.name: {"reference": g.reference} for g in graded})
    reported = {m.function for m in matches if m.first == "eve" and m.second == "reference"}
    print(f"\npasted reference module: reported {sorted(reported)}")
    assert reported == {g.name for g in graded if judged(g.reference, g.reference)}
    assert len(reported) >= 5


def test_what_most_of_a_class_writes_is_discounted_between_students_not_against_the_reference():
    g = next(g for g in material() if g.name == "cross_entropy")
    n = 30
    # 12 students write the same medium-size function (not the reference's), 12 copy the
    # reference, 6 write their own
    same = next(src for _, src in g.correct if judged(src, src) and sim.suspicious(src, g.reference) is None)
    students = {f"same {i}": {"cross_entropy": disguised(same, "cross_entropy", "rename", i)}
                for i in range(12)}
    students |= {f"copy {i}": {"cross_entropy": disguised(g.reference, "cross_entropy", "all", i)}
                 for i in range(12)}
    own = [src for _, src in g.correct if src != same] + [src for _, src in g.wrong]
    students |= {f"own {i}": {"cross_entropy": own[i]} for i in range(n - 24)}
    matches = sim.compare_class(students, {"cross_entropy": g.reference})
    pairs_of_same = [m for m in matches if m.first.startswith("same") and m.second.startswith("same")]
    copies = {m.first for m in matches if m.second == "reference"}
    assert not pairs_of_same   # 12 of 30 > FREQUENT_SHARE: the natural way, discounted
    assert copies == {f"copy {i}" for i in range(12)}   # a popular copy of public code is still seen
    # in a class where only 3 write it, they are a pair to look at
    few = {k: v for k, v in students.items()
           if not k.startswith("same") or k in ("same 0", "same 1", "same 2")}
    assert len([m for m in sim.compare_class(few, {}) if m.first.startswith("same")]) == 3


# --------------------------------------------------------------------------- #
# Measurement 4: time of a class of 100 students x 6 functions
# --------------------------------------------------------------------------- #

def test_a_class_of_100_students_and_6_functions_takes_a_few_seconds():
    lesson = "04_information_theory"
    graded = [g for g in material() if g.lesson == lesson]
    assert len(graded) == 6
    notebook = sim.notebook_cells(ROOT / "solutions" / lesson / f"{lesson}.ipynb")
    names = [g.name for g in graded]
    # Every student's notebook: the lesson's code cells, each solution replaced by a variant
    # of the catalogue or a disguised copy, every text different (nothing is cached).
    notebooks = {}
    for s in range(100):
        cells = list(notebook)
        for g in graded:
            pool = [src for _, src in g.correct + g.wrong] + [g.reference]
            source = disguised(pool[s % len(pool)], g.name, "rename", seed=s)
            source = re.sub(r"^(def|class) \w+", rf"\1 {g.name}", source)   # a variant's own name
            i = next(i for i, c in enumerate(cells) if re.search(rf"^def {g.name}\(", c, re.M))
            cells[i] = source
        notebooks[f"student {s:03d}"] = cells
    references = {g.name: {"reference": g.reference, "solution": g.solution} for g in graded}
    sim.fingerprints.cache_clear()
    sim._parse.cache_clear()
    wall, cpu = time.perf_counter(), time.process_time()
    functions = {s: sim.function_sources(cells, names) for s, cells in notebooks.items()}
    extracted = time.perf_counter() - wall
    matches = sim.compare_class(functions, references)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(f"\n100 students x 6 functions: {wall:.2f} s ({cpu:.2f} s of CPU; extracting the "
          f"functions from the notebooks {extracted:.2f} s), {6 * 4950} pairs of students and "
          f"{6 * 100 * 2} comparisons with a reference; {len(matches)} matches")
    assert all(len(f) == 6 and all(f.values()) for f in functions.values())
    assert cpu < 6.0


def test_a_copy_of_the_reference_is_reported_once():
    """A reference that calls no helper of the validation module is the same text with and
    without its helpers: it is compared, and a copy of it reported, once."""
    from source_lib import schedules
    from source_lib.grading import copies

    lesson = load("09_lr_schedules")
    names = copies.graded_functions(lesson)
    assert all(list(copies.public_code(lesson)[name]) == ["reference"] for name in names)
    lines = copies.against_public_code(lesson, [inspect.getsource(schedules)])
    assert sorted(line.split(":")[0] for line in lines) == sorted(names), lines
