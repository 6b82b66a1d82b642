r"""Copy detection for class grading: how much of one graded function is found in another.

Everything a student could copy is public by design (the reference library, the solution
notebooks, the catalogues' correct alternatives), so class grading compares every graded
function of every submission with the reference implementation, with the solution
notebook's, and with the same function of every other submission of the lesson, and lists
the pairs above a threshold for an instructor to look at. Nothing here changes a grade.

The comparison reads code and never runs it: this module imports nothing but the
standard library, and only parses what it compares.

How two functions are compared
------------------------------
1. **A normalised syntax tree.** The function's source, with the student's top-level
   helpers it uses (:func:`function_sources`), is parsed and rewritten so that what a
   copier changes cheaply disappears:

   * comments, docstrings, formatting, type annotations, ``pass`` and ``print`` calls
     are gone;
   * every name the code binds (arguments, variables, helper functions, attributes it
     sets on an instance, ``self.m``) becomes one token ``V``, as in MOSS: renaming
     changes nothing. Names it does not bind keep their identity (``np``, ``len``,
     ``ValueError``; local imports' aliases are resolved, ``sps.xlogy`` is
     ``scipy.special.xlogy``), and so do library attributes (``.shape``) and keyword
     names (``axis=``). Numbers other than 0, 1, 2, 3, 10 and 0.5 are one token, and so
     are strings that are not identifier-like (messages);
   * spellings of one computation that differ only in form are unified:
     ``x.sum(axis=1)`` and ``np.sum(x, axis=1)`` (also ``torch.sum``, ``math.exp``;
     the method form of NumPy's reductions and element-wise functions); ``a @ b``,
     ``np.dot(a, b)``, ``a.dot(b)`` and ``np.matmul(a, b)``; ``x.T`` and
     ``np.transpose(x)``; ``x += y`` and ``x = x + y``; ``a, b = x, y`` and two
     assignments; the operands of ``+``, ``*``, ``&``, ``|``, ``and``, ``or``, ``==`` in
     any order; ``a > b`` and ``b < a``. Each rewrites many tokens without changing the
     structure, which is exactly what a disguise does. Different formulas stay
     different (``np.sqrt(v)`` against ``v ** 0.5``, ``np.maximum(x, 0)`` against
     ``x * (x > 0)``, a loop against a vectorised expression, ``np.linalg.norm`` against
     ``np.sqrt(x @ x)``): choosing one is writing one's own code;
   * the student's helpers are pasted where they are called (a statement ``y = h(x)``
     by the helper's body, a call inside an expression by a one-line helper's
     expression), so a copy split into helpers reads as the unsplit copy, and the
     reference's own helpers (``_logits``) as the code they stand for;
   * dead code goes: statements after a ``return`` or ``raise``, ``if False:`` blocks
     (also behind a flag assigned once, ``verbose = False``), assignments to names
     nothing reads, helpers and nested functions nothing calls;
   * independent statements come in one canonical order: each block is sorted
     topologically by the statements' data dependencies (names and ``self.x`` paths
     read and written; a method call writes its receiver; ``return``, ``break`` and
     ``continue`` are barriers), ties broken by the statement's normalised text and
     then by the text of what depends on it, so every reordering of independent
     statements gives the same sequence.

2. **Token fingerprints with winnowing** (Schleimer, Wilkerson and Aiken, *Winnowing:
   local algorithms for document fingerprinting*, SIGMOD 2003, the algorithm of MOSS).
   The normalised tree is written out in pre-order as tokens (node kinds, the names
   that kept their identity, constants by kind), every ``K`` consecutive tokens are
   hashed and the smallest hash of every ``WINDOW`` consecutive k-grams is kept. Any
   shared run of at least ``K + WINDOW - 1`` tokens gives a shared fingerprint. Every
   token keeps the line it comes from, for the report.

3. **Score: the share of the smaller function found in the larger**,
   ``|F_a & F_b| / min(|F_a|, |F_b|)``, i.e. the larger of "share of a found in b" and
   "share of b found in a". It is symmetric, so a class report lists a pair once
   whatever the order, and it finds a copy embedded in extra code (padded with dead
   code, extra checks, other work) as well as a copy of a part (the reference's core
   without its validation). Both one-way shares are reported too (:class:`Similarity`).

4. **Verdict** (:func:`suspicious`). A short function has one natural way to be
   written (a softmax is three lines), and two independent short functions are alike
   by necessity: a pair is judged only if the smaller function has at least
   ``MIN_TOKENS`` normalised tokens (about five statements) and they share at least
   ``MIN_SHARED`` fingerprints. The score must then reach :func:`threshold` of the
   smaller function's size: ``HIGH`` for small functions, falling to ``LOW`` for large
   ones (the larger a function, the less two independent ones share by chance). Code
   known to be common can be discounted first (``common=``: the release's skeleton of
   the function, natural implementations an instructor lists) and, between students,
   :func:`compare_class` discounts what a large share of the class has (MOSS's ``-m``).

The parameters were chosen on the course's own material; the measurements (false flags on
the catalogues' independent correct implementations, catch rates on disguised copies of
every reference and solution function, the time of a class of 100) are in
``tests/test_similarity.py``.

Public API
----------
``function_sources(cells_or_source, name) -> str | None`` (a list of names: a dict)
``notebook_cells(notebook, solutions_only=False) -> list[str]``
``fingerprints(source) -> Fingerprints``
``similarity(a, b, common=()) -> Similarity``
``suspicious(a, b, *, common=(), function="", names=("a", "b")) -> Match | None``
``compare_class(functions_by_student, references, *, common=None) -> list[Match]``
"""

from __future__ import annotations

import ast
import copy
import heapq
import json
import math
import re
import zlib
from dataclasses import dataclass, field
from functools import lru_cache

__all__ = ["function_sources", "notebook_cells", "fingerprints", "Fingerprints", "similarity",
           "Similarity", "suspicious", "Match", "compare_class", "threshold"]

# --------------------------------------------------------------------------- #
# Parameters (the measurements behind them are in tests/test_similarity.py)
# --------------------------------------------------------------------------- #

K = 10              # tokens per k-gram (a token is a node of the normalised tree)
WINDOW = 2          # k-grams per winnowing window: a shared run of K + WINDOW - 1 tokens is seen
MIN_TOKENS = 50     # a function shorter than this (four or five statements) is never judged
MIN_SHARED = 20     # nor a pair sharing fewer fingerprints (after discounting common code)
# The score a pair must reach: HIGH up to SMALL fingerprints (the smaller function's, common
# code discounted), falling linearly to LOW at LARGE fingerprints and beyond.
HIGH, LOW = 0.85, 0.65
SMALL, LARGE = 30, 120
# In a class, a fingerprint that more than this share of the students have (and at least
# FREQUENT_MIN of them) is common code, discounted between students.
FREQUENT_SHARE, FREQUENT_MIN = 0.2, 8
BLOCK_LIMIT = 200   # statements of one block: a longer block keeps its order (time)
INLINE_LIMIT = 2500  # nodes of a helper: a bigger one is compared where it is, not pasted


def threshold(size):
    """The score a pair must reach when the smaller function has ``size`` fingerprints
    (common code discounted); ``inf`` below ``MIN_SHARED``."""
    if size < MIN_SHARED:
        return math.inf
    if size <= SMALL:
        return HIGH
    if size >= LARGE:
        return LOW
    return HIGH - (HIGH - LOW) * (size - SMALL) / (LARGE - SMALL)


# --------------------------------------------------------------------------- #
# Reading notebooks and extracting a function with its helpers
# --------------------------------------------------------------------------- #

def notebook_cells(notebook, solutions_only=False):
    """The sources of a notebook's code cells, in order.

    Parameters
    ----------
    notebook : str, os.PathLike or dict
        A path to an ``.ipynb`` file, or the notebook itself (its JSON as a dict, or an
        ``nbformat`` notebook, which is one).
    solutions_only : bool
        Only the cells whose nbgrader metadata has ``"solution": true`` (a solution
        notebook's graded answers).

    Returns
    -------
    list of str
    """
    if not isinstance(notebook, dict):
        with open(notebook, encoding="utf-8") as handle:
            notebook = json.load(handle)
    sources = []
    for cell in notebook.get("cells", []):
        if cell.get("cell_type") != "code":
            continue
        if solutions_only and not cell.get("metadata", {}).get("nbgrader", {}).get("solution"):
            continue
        sources.append(_cell_source(cell))
    return sources


_MAGIC = re.compile(r"^\s*[%!].*$|^.*\?\s*$", re.MULTILINE)


def _parse_fresh(source):
    """The module tree of a cell (IPython magics and shell lines blanked), or None."""
    for text in (source, _MAGIC.sub("", source)):
        try:
            return ast.parse(text)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            continue
    return None


@lru_cache(maxsize=1024)
def _parse(source):
    """:func:`_parse_fresh`, remembered (the tree must not be changed)."""
    return _parse_fresh(source)


def _cell_source(cell):
    if isinstance(cell, str):
        return cell
    if isinstance(cell, dict):
        source = cell.get("source", "")
        return "".join(source) if isinstance(source, list) else source
    return getattr(cell, "source", "")


def _bound_names(stmt):
    """The names a top-level statement binds, if it is a definition worth following."""
    if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return [stmt.name]
    if isinstance(stmt, ast.Assign) and all(isinstance(t, ast.Name) for t in stmt.targets):
        return [t.id for t in stmt.targets]
    if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) and stmt.value:
        return [stmt.target.id]
    return []


def _locals_of(stmt):
    """Names bound inside a definition (its arguments and assignments): a use of one of
    them is not a use of a top-level helper of the same name."""
    names = set()
    for node in ast.walk(stmt):
        if isinstance(node, ast.arg):
            names.add(node.arg)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            names.add(node.id)
    return names


def _uses(stmt):
    """The free names a top-level statement reads, in the order they appear."""
    local = _locals_of(stmt) if not isinstance(stmt, (ast.Assign, ast.AnnAssign)) else set()
    found = [n for n in ast.walk(stmt) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)]
    found.sort(key=lambda n: (n.lineno, n.col_offset))
    return list(dict.fromkeys(n.id for n in found if n.id not in local))


def _segment(lines, stmt):
    first = min([stmt.lineno] + [d.lineno for d in getattr(stmt, "decorator_list", [])])
    return "\n".join(lines[first - 1:stmt.end_lineno])


def function_sources(cells_or_source, name):
    """The source of the top-level function or class ``name`` with the student's
    top-level helpers it uses, by name, transitively (of several: a dict).

    The last definition of a name wins (a notebook runs from top to bottom), an alias
    ``name = other`` is followed to ``other``'s definition, and a helper follows the
    function in the order of first use, so that a copy split into helper functions is
    still compared as a whole. Cells that do not parse are skipped.

    Parameters
    ----------
    cells_or_source : str or sequence
        The code: one source string, or the code cells of a notebook (strings, nbformat
        cells, dicts with ``"source"``, or objects with a ``.source`` such as
        ``source_lib.grader.Cell``). Pass a submission's solution cells and the student's
        own cells: the lesson's demo cells are the same for every student.
    name : str or list of str
        The graded function or class (several: the cells are read once).

    Returns
    -------
    str or None
        The definitions, separated by a blank line (line numbers of a :class:`Match`
        count in this text), or None if ``name`` is not defined; for a list of names,
        ``{name: str or None}``.
    """
    cells = [cells_or_source] if isinstance(cells_or_source, str) else list(cells_or_source)
    definitions = {}
    for cell in cells:
        source = _cell_source(cell)
        tree = _parse(source)
        if tree is None:
            continue
        lines = source.splitlines()
        for stmt in tree.body:
            for bound in _bound_names(stmt):
                definitions[bound] = (stmt, lines)
    if not isinstance(name, str):
        return {n: _with_helpers(definitions, n) for n in name}
    return _with_helpers(definitions, name)


def _with_helpers(definitions, name):
    """The text of ``name``'s definition and of those it uses, transitively."""
    seen, order = set(), []

    def resolve(n):
        """Follow aliases ``n = other`` to a definition."""
        hops = 0
        while n in definitions and hops < 20:
            stmt, _ = definitions[n]
            if isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.Name) \
                    and stmt.value.id in definitions:
                n, hops = stmt.value.id, hops + 1
                continue
            return n
        return None

    root = resolve(name)
    if root is None:
        return None
    todo = [root]
    while todo:
        current = todo.pop(0)
        if current in seen:
            continue
        seen.add(current)
        stmt, _ = definitions[current]
        if any(stmt is s for s, _ in order):
            continue
        order.append(definitions[current])
        for used in _uses(stmt):
            target = resolve(used)
            if target is not None and target not in seen:
                todo.append(target)
    return "\n\n".join(_segment(lines, stmt) for stmt, lines in order)


# --------------------------------------------------------------------------- #
# Normalisation of the syntax tree
# --------------------------------------------------------------------------- #

ARRAY_MODULES = {"np", "numpy", "torch", "math", "jnp"}
# Calls whose method form x.f(...) and function form np.f(x, ...) are one call.
SAME_CALLS = {"sum", "mean", "max", "min", "std", "var", "prod", "any", "all", "argmax",
              "argmin", "cumsum", "cumprod", "clip", "round", "reshape", "transpose", "ravel",
              "squeeze", "exp", "log", "sqrt", "abs", "square", "tanh", "trace", "sort",
              "argsort", "diagonal", "copy", "flatten", "nonzero", "log1p", "expm1", "clamp"}
PRODUCTS = {"dot", "matmul", "mm"}


def _dotted(node):
    """``a.b.c`` as ("a", ["b", "c"]) when the chain starts at a name, else None."""
    attrs = []
    while isinstance(node, ast.Attribute):
        attrs.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        return node.id, list(reversed(attrs))
    return None


def _is_print(node):
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "print"


def _is_docstring(stmt):
    return isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant)


class _Scope:
    """What the whole text binds: names (renamed V), import aliases (resolved), and the
    attributes it sets on instances and the methods it defines (renamed V)."""

    def __init__(self, tree):
        self.bound, self.aliases, self.attrs = set(), {}, set()
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                for a in node.names:
                    if isinstance(node, ast.Import):
                        self.aliases[a.asname or a.name.split(".")[0]] = \
                            a.name if a.asname else a.name.split(".")[0]
                    else:
                        self.aliases[a.asname or a.name] = f"{node.module or ''}.{a.name}"
            elif isinstance(node, ast.arg):
                self.bound.add(node.arg)
            elif isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
                self.bound.add(node.id)
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                self.bound.add(node.name)
            elif isinstance(node, (ast.Global, ast.Nonlocal)):
                self.bound.update(node.names)
            elif isinstance(node, ast.ExceptHandler) and node.name:
                self.bound.add(node.name)
            if isinstance(node, ast.ClassDef):
                for item in ast.walk(node):
                    if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                        self.attrs.add(item.name)
                    elif isinstance(item, ast.Attribute) and isinstance(item.ctx, ast.Store) \
                            and isinstance(item.value, ast.Name):
                        self.attrs.add(item.attr)
        # an attribute the code sets on an object it was given (`self.m = ...`, also in a
        # helper function that takes the instance) is a name of the student's choosing
        params = {n.arg for n in ast.walk(tree) if isinstance(n, ast.arg)}
        self.attrs |= {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)
                       and isinstance(n.ctx, ast.Store) and isinstance(n.value, ast.Name)
                       and n.value.id in params}
        self.bound -= set(self.aliases)

    def binds(self, name):
        """Whether the text binds ``name`` (the names inlining makes hold a NUL)."""
        return name in self.bound or "\x00" in name

    def module(self, name):
        """The module a free name stands for (``np``), or None for a bound name."""
        if self.binds(name):
            return None
        return self.aliases.get(name, name)


class _Normaliser(ast.NodeTransformer):
    """Unify spellings, drop what carries no structure and remove dead code."""

    def __init__(self, scope):
        self.scope = scope

    # statements -------------------------------------------------------------
    def _block(self, stmts):
        out = []
        for stmt in stmts:
            if _is_docstring(stmt) or isinstance(stmt, ast.Pass):
                continue
            if isinstance(stmt, (ast.If, ast.While)) and isinstance(stmt.test, ast.Constant):
                keep = stmt.body if stmt.test.value else (stmt.orelse if isinstance(stmt, ast.If) else [])
                if isinstance(stmt, ast.While) and stmt.test.value:
                    keep = None   # while True: a real loop
                if keep is not None:
                    out.extend(self._block(keep))
                    if out and isinstance(out[-1], (ast.Return, ast.Raise, ast.Break, ast.Continue)):
                        break
                    continue
            if isinstance(stmt, ast.Expr) and (isinstance(stmt.value, (ast.Name, ast.Attribute)) or
                                               _is_print(stmt.value)):
                continue   # a bare name does nothing; a print is for the student's eyes
            new = self.visit(stmt)
            if new is None:
                continue
            if isinstance(new, (ast.If, ast.For, ast.While, ast.With)) and not new.body \
                    and not getattr(new, "orelse", None):
                continue   # nothing left inside (a debugging print behind a flag)
            out.extend(new if isinstance(new, list) else [new])
            if isinstance(stmt, (ast.Return, ast.Raise, ast.Break, ast.Continue)):
                break     # the rest of the block is unreachable
        return out

    def generic_visit(self, node):
        for name, value in ast.iter_fields(node):
            if isinstance(value, list) and value and isinstance(value[0], ast.stmt):
                setattr(node, name, self._block(value))
            elif isinstance(value, list):
                setattr(node, name, [v for v in (self.visit(x) if isinstance(x, ast.AST) else x
                                                 for x in value) if v is not None])
            elif isinstance(value, ast.AST):
                setattr(node, name, self.visit(value))
        return node

    def visit_Module(self, node):
        node.body = self._block(node.body)
        return node

    def visit_FunctionDef(self, node):
        node.returns = None
        for a in node.args.posonlyargs + node.args.args + node.args.kwonlyargs:
            a.annotation = None
        for a in (node.args.vararg, node.args.kwarg):
            if a is not None:
                a.annotation = None
        return self.generic_visit(node)

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Assign(self, node):
        """``a, b = x, y`` is ``a = x`` then ``b = y`` when neither value reads a target."""
        self.generic_visit(node)
        if len(node.targets) == 1 and isinstance(node.targets[0], (ast.Tuple, ast.List)) \
                and isinstance(node.value, (ast.Tuple, ast.List)) \
                and len(node.targets[0].elts) == len(node.value.elts) \
                and not any(isinstance(e, ast.Starred) for e in node.targets[0].elts + node.value.elts):
            targets = [_path(t) for t in node.targets[0].elts]
            read = {_path(n) for v in node.value.elts for n in ast.walk(v)
                    if isinstance(n, (ast.Name, ast.Attribute))} - {None}
            if None not in targets and not _overlap(set(targets), read):
                return [ast.copy_location(ast.Assign([t], v), node)
                        for t, v in zip(node.targets[0].elts, node.value.elts)]
        return node

    def visit_AnnAssign(self, node):
        if node.value is None:
            return None
        return self.visit(ast.copy_location(ast.Assign([node.target], node.value), node))

    def visit_AugAssign(self, node):
        load = _as_load(node.target)
        value = ast.copy_location(ast.BinOp(load, node.op, node.value), node)
        return self.visit(ast.copy_location(ast.Assign([node.target], value), node))

    # expressions ------------------------------------------------------------
    def visit_Attribute(self, node):
        self.generic_visit(node)
        if node.attr == "T" and isinstance(node.ctx, ast.Load):
            return ast.copy_location(ast.Call(ast.Name("@transpose", ast.Load()), [node.value], []), node)
        return node

    def visit_Call(self, node):
        self.generic_visit(node)
        func = node.func
        if not isinstance(func, ast.Attribute) or func.attr not in SAME_CALLS | PRODUCTS:
            return node
        chain = _dotted(func.value)
        module = self.scope.module(chain[0]) if chain is not None else None
        if module is not None and module.split(".")[0] not in ARRAY_MODULES:
            return node     # a function of some module we do not know: keep it as it is
        # np.f(x, ...) (a module's function) or x.f(...) (a method of a computed value)
        operands = node.args if module is not None else [func.value] + node.args
        if func.attr in PRODUCTS:
            if len(operands) == 2 and not node.keywords:
                return ast.copy_location(ast.BinOp(operands[0], ast.MatMult(), operands[1]), node)
            return node
        return ast.copy_location(ast.Call(ast.Name(f"@{func.attr}", ast.Load()), operands,
                                          node.keywords), node)


def _as_load(target):
    target = copy.deepcopy(target)
    for node in ast.walk(target):
        if hasattr(node, "ctx"):
            node.ctx = ast.Load()
    return target


def _propagate_flags(tree):
    """A name assigned once, to True, False or None, is that constant where it is read (a
    debugging flag), so that ``if verbose:`` becomes dead code."""
    stores, flags = {}, {}
    params = {n.arg for n in ast.walk(tree) if isinstance(n, ast.arg)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            stores[node.id] = stores.get(node.id, 0) + 1
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            params.update(node.names)
        if isinstance(node, ast.Assign) and len(node.targets) == 1 \
                and isinstance(node.targets[0], ast.Name) and isinstance(node.value, ast.Constant) \
                and (node.value.value is None or isinstance(node.value.value, bool)):
            flags[node.targets[0].id] = node.value.value
    flags = {n: v for n, v in flags.items() if stores.get(n) == 1 and n not in params}
    if not flags:
        return tree

    class Fold(ast.NodeTransformer):
        def visit_Name(self, node):
            if isinstance(node.ctx, ast.Load) and node.id in flags:
                return ast.copy_location(ast.Constant(flags[node.id]), node)
            return node

    return Fold().visit(tree)


# --------------------------------------------------------------------------- #
# Inlining the student's helpers (a copy split into helper functions)
# --------------------------------------------------------------------------- #

def _inlinable(func):
    """Whether a helper can be pasted in place of a call: plain parameters, no nested
    definition, no generator, one ``return`` at most, at the end."""
    args = func.args
    if func.decorator_list or args.vararg or args.kwarg or args.kwonlyargs or args.posonlyargs:
        return False
    body = func.body
    if not body or sum(1 for _ in ast.walk(func)) > INLINE_LIMIT:
        return False
    for node in ast.walk(func):
        if node is not func and isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef,
                                                  ast.Yield, ast.YieldFrom, ast.Global, ast.Nonlocal)):
            return False
        if isinstance(node, ast.Return) and node is not body[-1]:
            return False   # an early return cannot be pasted in place of the call
    return True


def _bind(func, call):
    """``{parameter: argument expression}`` for a call, or None if it cannot be bound."""
    params = [a.arg for a in func.args.args]
    if any(isinstance(a, ast.Starred) for a in call.args) or len(call.args) > len(params) \
            or any(k.arg is None or k.arg not in params for k in call.keywords):
        return None
    binding = dict(zip(params, call.args))
    for k in call.keywords:
        if k.arg in binding:
            return None
        binding[k.arg] = k.value
    defaults = dict(zip(params[len(params) - len(func.args.defaults):], func.args.defaults))
    for p in params:
        if p not in binding:
            if p not in defaults:
                return None
            binding[p] = defaults[p]
    return binding


class _Substitute(ast.NodeTransformer):
    def __init__(self, names, exprs):
        self.names, self.exprs = names, exprs

    def visit_Name(self, node):
        if isinstance(node.ctx, ast.Load) and node.id in self.exprs:
            return ast.copy_location(copy.deepcopy(self.exprs[node.id]), node)
        if node.id in self.names:
            node.id = self.names[node.id]
        return node


def _inline_call(func, call, target, fresh, free=()):
    """The statements that replace ``target = func(...)`` (``target`` None for a bare call,
    "return" for ``return func(...)``), or None. ``free``: the caller's names that nothing
    reads after the call (the helper may work on them in place)."""
    binding = _bind(func, call)
    if binding is None:
        return None
    body = copy.deepcopy(func.body)
    result = body.pop().value if isinstance(body[-1], ast.Return) else None
    stored = {n.id for s in body for n in ast.walk(s)
              if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)}
    # `x = h(x)` with `return x`: the caller's x ends with the value the helper's x ends
    # with, so the helper may work on the caller's x itself
    back = set()
    if isinstance(target, ast.Name) and isinstance(result, ast.Name):
        back = {(result.id, target.id)}
    elif isinstance(target, ast.Tuple) and isinstance(result, ast.Tuple) \
            and len(target.elts) == len(result.elts):
        back = {(r.id, t.id) for t, r in zip(target.elts, result.elts)
                if isinstance(t, ast.Name) and isinstance(r, ast.Name)}
    names, exprs, prologue = {}, {}, []
    for p, arg in binding.items():
        if isinstance(arg, ast.Name) and (p not in stored or (p, arg.id) in back or arg.id in free):
            names[p] = arg.id
        elif p not in stored:
            exprs[p] = arg
        else:   # the helper changes its parameter: a local copy, as in the helper
            names[p] = f"{p}\x00{next(fresh)}"
            prologue.append(ast.copy_location(ast.Assign([ast.Name(names[p], ast.Store())], arg), call))
    local = stored - set(binding)
    # the helper's result gets the caller's name: `y = h(x)` with `return z` is `z` renamed `y`
    if isinstance(target, ast.Name) and isinstance(result, ast.Name) and result.id in local:
        names[result.id] = target.id
    elif isinstance(target, ast.Tuple) and isinstance(result, ast.Tuple) \
            and len(target.elts) == len(result.elts) \
            and all(isinstance(e, ast.Name) for e in target.elts + result.elts):
        for t, r in zip(target.elts, result.elts):
            if r.id in local and r.id not in names:
                names[r.id] = t.id
    for n in local:
        names.setdefault(n, f"{n}\x00{next(fresh)}")
    sub = _Substitute(names, exprs)
    out = prologue + [sub.visit(s) for s in body]
    if result is not None:
        result = sub.visit(result)
    if target == "return":
        out.append(ast.copy_location(ast.Return(result), call))
    elif target is not None:
        value = result if result is not None else ast.Constant(None)
        same = ast.dump(_as_load(target)) == ast.dump(value)
        if not same:
            out.append(ast.copy_location(ast.Assign([target], value), call))
    return out


def _inline_helpers(tree):
    """Paste the student's top-level helpers in place of their calls: a call as a whole
    statement (``y = h(x)``, ``h(x)``, ``return h(x)``) by the helper's body, a call inside an
    expression by the helper's expression when its body is one ``return``."""
    if len(tree.body) < 2:
        return tree
    helpers = {s.name: s for s in tree.body[1:] if isinstance(s, ast.FunctionDef) and _inlinable(s)}
    if not helpers:
        return tree
    fresh = iter(range(10 ** 9))
    pasted_calls = [0]

    def helper_of(node):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            return helpers.get(node.func.id)
        return None

    class Expressions(ast.NodeTransformer):
        def __init__(self, owner):
            self.owner = owner

        def visit_Call(self, node):
            self.generic_visit(node)
            func = helper_of(node)
            if func is None or func is self.owner or len(func.body) != 1 \
                    or not isinstance(func.body[0], ast.Return) or func.body[0].value is None:
                return node
            binding = _bind(func, node)
            if binding is None:
                return node
            pasted_calls[0] += 1
            return ast.copy_location(_Substitute({}, binding).visit(copy.deepcopy(func.body[0].value)), node)

    def free_after(stmt, owner, in_loop):
        """The names ``stmt`` reads that nothing reads after it (in a loop: none)."""
        if in_loop:
            return set()
        end = (getattr(stmt, "end_lineno", 0), getattr(stmt, "end_col_offset", 0))
        later = {n.id for n in ast.walk(owner) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)
                 and (getattr(n, "lineno", 0), getattr(n, "col_offset", 0)) > end}
        return {n.id for n in ast.walk(stmt) if isinstance(n, ast.Name)} - later

    def statements(block, owner, in_loop=False):
        out = []
        for stmt in block:
            loop = in_loop or isinstance(stmt, (ast.For, ast.AsyncFor, ast.While))
            for name, value in ast.iter_fields(stmt):
                if isinstance(value, list) and value and isinstance(value[0], ast.stmt):
                    setattr(stmt, name, statements(value, owner, loop and name == "body" or in_loop))
                elif name == "handlers":
                    for h in value:
                        h.body = statements(h.body, owner, in_loop)
            call, target = None, None
            if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
                call, target = stmt.value, stmt.targets[0]
            elif isinstance(stmt, ast.Expr):
                call = stmt.value
            elif isinstance(stmt, ast.Return):
                call, target = stmt.value, "return"
            func = helper_of(call)
            if func is not None and func is not owner:
                pasted = _inline_call(func, call, target, fresh, free_after(stmt, owner, in_loop))
                if pasted is not None:
                    pasted_calls[0] += 1
                    out.extend(pasted)
                    continue
            out.append(Expressions(owner).visit(stmt))
        return out

    # Callees first, so that a helper is pasted with its own helpers already in it and the
    # question "does the caller read this name again?" is asked of code in its own order.
    units = [u for u in tree.body if isinstance(u, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))]
    calls = {id(u): [helpers[n.func.id] for n in ast.walk(u) if isinstance(n, ast.Call)
                     and isinstance(n.func, ast.Name) and n.func.id in helpers] for u in units}
    order, seen = [], set()

    def post(unit):
        if id(unit) in seen:
            return
        seen.add(id(unit))
        for callee in calls.get(id(unit), []):
            post(callee)
        order.append(unit)

    for unit in units:
        post(unit)
    for _ in range(3):   # what the first pass could not reach (a recursion, say)
        before = pasted_calls[0]
        for unit in order:
            unit.body = statements(unit.body, unit)
        if pasted_calls[0] == before:
            break
    return tree


def _remove_dead_stores(tree, root):
    """Drop assignments to names nothing reads, nested functions nothing calls and
    top-level helpers nothing uses (to a fixed point)."""
    for _ in range(10):
        loaded = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
        loaded |= {name for n in ast.walk(tree) if isinstance(n, (ast.Global, ast.Nonlocal))
                   for name in n.names}
        changed = False

        def dead(stmt, in_class):
            if in_class:
                return False
            if isinstance(stmt, ast.Assign):
                names = [n for t in stmt.targets for n in ast.walk(t)]
                if all(isinstance(n, (ast.Name, ast.Tuple, ast.List, ast.Starred)) or
                       isinstance(n, ast.expr_context) for n in names):
                    return not any(isinstance(n, ast.Name) and n.id in loaded for n in names)
                return False
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                return stmt.name not in loaded
            return False

        def prune(body, in_class, top=False):
            nonlocal changed
            kept = []
            for stmt in body:
                if (not top or stmt is not root) and dead(stmt, in_class):
                    changed = True
                    continue
                for name, value in ast.iter_fields(stmt):
                    if isinstance(value, list) and value and isinstance(value[0], ast.stmt):
                        setattr(stmt, name, prune(value, isinstance(stmt, ast.ClassDef)))
                    elif name == "handlers":
                        for h in value:
                            h.body = prune(h.body, False)
                kept.append(stmt)
            return kept

        tree.body = prune(tree.body, False, top=True)
        if not changed:
            return


# --------------------------------------------------------------------------- #
# Reads and writes of a statement (for the canonical order of independent statements)
# --------------------------------------------------------------------------- #

def _path(node):
    chain = _dotted(node)
    if chain is None:
        return None
    return ".".join([chain[0]] + chain[1])


def _effects(stmt, scope):
    """(reads, writes, barrier) of a statement: names and ``a.b`` paths of bound names."""
    reads, writes, barrier = set(), set(), False
    stack = [stmt]
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.Return, ast.Break, ast.Continue, ast.Yield, ast.YieldFrom,
                             ast.Await, ast.Global, ast.Nonlocal)):
            barrier = True
        if isinstance(node, ast.Name):
            if scope.binds(node.id):
                (reads if isinstance(node.ctx, ast.Load) else writes).add(node.id)
        elif isinstance(node, ast.Attribute):
            path = _path(node)
            if path is not None and scope.binds(path.split(".")[0]):
                if isinstance(node.ctx, ast.Load):
                    reads.add(path)
                else:
                    writes.add(path)
                continue
        elif isinstance(node, ast.Subscript) and not isinstance(node.ctx, ast.Load):
            path = _path(node.value)
            if path is not None:
                writes.add(path)
        elif isinstance(node, ast.Call):
            if isinstance(node.func, ast.Attribute):
                path = _path(node.func.value)
                if path is not None and scope.binds(path.split(".")[0]):
                    writes.add(path)     # a method call may change its receiver
            for kw in node.keywords:
                if kw.arg == "out":
                    path = _path(kw.value)
                    if path is not None:
                        writes.add(path)
            if isinstance(stmt, ast.Expr) and node is stmt.value:
                for arg in node.args:    # a bare call is there for its effect on its arguments
                    path = _path(arg)
                    if path is not None:
                        writes.add(path)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)) \
                and node is not stmt:
            # a nested definition: what it reads, not its control flow
            for inner in ast.walk(node):
                if isinstance(inner, ast.Name) and scope.binds(inner.id):
                    reads.add(inner.id)
            continue
        stack.extend(ast.iter_child_nodes(node))
    if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        writes.add(stmt.name)
        barrier = False
    return reads, writes, barrier


def _overlap(a, b):
    """Whether two sets of paths touch (equal, or one a prefix of the other)."""
    for x in a:
        for y in b:
            if x == y or x.startswith(y + ".") or y.startswith(x + "."):
                return True
    return False


# --------------------------------------------------------------------------- #
# Tokens
# --------------------------------------------------------------------------- #

COMMUTATIVE = (ast.Add, ast.Mult, ast.BitAnd, ast.BitOr, ast.BitXor)
FLIPPED = {ast.Gt: ast.Lt, ast.GtE: ast.LtE}
SYMMETRIC = {ast.Eq, ast.NotEq, ast.Is, ast.IsNot}


def _sorted_tokens(operands):
    """The operands' tokens, one operand after the other in the order of their text."""
    return [t for operand in sorted(operands, key=lambda o: "\x1f".join(t[0] for t in o)) for t in operand]


_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,23}$")
_SMALL = {0, 1, 2, -1, 0.5, 3, 10}


def _constant(value):
    if value is None or isinstance(value, bool):
        return repr(value)
    if isinstance(value, (int, float)):
        return repr(float(value)) if value in _SMALL else "NUM"
    if isinstance(value, complex):
        return "NUM"
    if isinstance(value, str):
        return f"'{value}'" if _IDENTIFIER.match(value) else "STR"
    if isinstance(value, bytes):
        return "BYTES"
    return "CONST"   # Ellipsis


class _Tokens:
    """The normalised tree written out as tokens, each with the line it comes from."""

    def __init__(self, scope, units=()):
        self.scope = scope
        self.units = units   # names of the top-level definitions

    def block(self, stmts):
        """Tokens of a block, its independent statements in canonical order."""
        items = []
        for i, stmt in enumerate(stmts):
            toks = self.stmt(stmt)
            reads, writes, barrier = _effects(stmt, self.scope)
            items.append((toks, reads, writes, barrier, "\x1f".join(t[0] for t in toks), i))
        n = len(items)
        if n <= 1 or n > BLOCK_LIMIT:
            return [t for item in items for t in item[0]]
        after = [[] for _ in range(n)]
        indegree = [0] * n
        for j in range(n):
            _, rj, wj, bj, _, _ = items[j]
            for i in range(j):
                _, ri, wi, bi, _, _ = items[i]
                if bi or bj or _overlap(wi, rj | wj) or _overlap(wj, ri):
                    after[i].append(j)
                    indegree[j] += 1
        # Of the statements whose inputs are ready, one that changes nothing comes first (a
        # check goes right after what it checks, where people write it), then the one of
        # smallest text; ties between statements of the same text are broken by what
        # depends on them (a hash of the statements after them in the graph), so that two
        # interchangeable chains come out in one order whichever came first.
        below = [0] * n
        for i in range(n - 1, -1, -1):
            tail = ",".join(sorted(str(below[j]) for j in after[i]))
            below[i] = zlib.crc32(f"{items[i][4]}|{tail}".encode())

        def priority(i):
            return (bool(items[i][2]), items[i][4], below[i], i)

        ready = [priority(i) for i in range(n) if indegree[i] == 0]
        heapq.heapify(ready)
        out = []
        while ready:
            i = heapq.heappop(ready)[-1]
            out.extend(items[i][0])
            for j in after[i]:
                indegree[j] -= 1
                if indegree[j] == 0:
                    heapq.heappush(ready, priority(j))
        return out

    def stmt(self, node):
        line = getattr(node, "lineno", 0)
        out = []
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            out.append(("def", line))
            for d in node.decorator_list:
                out += self.expr(d)
            out += self.arguments(node.args, line)
            out.append(("{", line))
            out += self.block(node.body)
            out.append(("}", line))
            return out
        if isinstance(node, ast.ClassDef):
            out.append(("class", line))
            for b in node.bases:
                out += self.expr(b)
            out.append(("{", line))
            out += self.block(node.body)
            out.append(("}", line))
            return out
        out.append((type(node).__name__, line))
        for name, value in ast.iter_fields(node):
            if name in ("type_comment",):
                continue
            if isinstance(value, list) and value and isinstance(value[0], ast.stmt):
                out.append(("{", line))
                out += self.block(value)
                out.append(("}", line))
            elif name == "handlers":
                for h in value:
                    hl = getattr(h, "lineno", line)
                    out.append(("except", hl))
                    if h.type is not None:
                        out += self.expr(h.type)
                    out.append(("{", hl))
                    out += self.block(h.body)
                    out.append(("}", hl))
            else:
                out += self.fields(value, line)
        return out

    def fields(self, value, line):
        """The tokens of a field's expressions: one node, or a list of them."""
        values = value if isinstance(value, list) else [value]
        return [t for v in values if isinstance(v, ast.AST) for t in self.expr(v, line)]

    def arguments(self, args, line):
        out = []
        for a in args.posonlyargs + args.args + args.kwonlyargs:
            out.append(("arg", getattr(a, "lineno", line)))
        if args.vararg is not None:
            out.append(("*arg", line))
        if args.kwarg is not None:
            out.append(("**arg", line))
        for d in args.defaults + [d for d in args.kw_defaults if d is not None]:
            out += self.expr(d, line)
        return out

    def expr(self, node, line=0):
        line = getattr(node, "lineno", line)
        if isinstance(node, ast.Name):
            if node.id in self.units:   # a top-level helper: remember which, where it is used
                return [("V", line, node.id)]
            return [("V" if self.scope.binds(node.id) else self.scope.aliases.get(node.id, node.id), line)]
        if isinstance(node, ast.Constant):
            return [(_constant(node.value), line)]
        if isinstance(node, ast.JoinedStr):
            return [("STR", line)]
        if isinstance(node, ast.Attribute):
            chain = _dotted(node)
            if chain is not None and not self.scope.binds(chain[0]):
                return [(".".join([self.scope.aliases.get(chain[0], chain[0])] + chain[1]), line)]
            attr = "V" if node.attr in self.scope.attrs else node.attr
            return self.expr(node.value, line) + [("." + attr, line)]
        if isinstance(node, ast.keyword):
            return [(f"{node.arg}=" if node.arg else "**", line)] + self.expr(node.value, line)
        if isinstance(node, ast.Lambda):
            return [("lambda", line)] + self.arguments(node.args, line) + self.expr(node.body, line)
        if isinstance(node, (ast.expr_context,)):
            return []
        if isinstance(node, ast.BinOp) and isinstance(node.op, COMMUTATIVE):
            # a + b + c in any order: the operands of one commutative operator, sorted
            op, operands, todo = type(node.op), [], [node]
            while todo:
                item = todo.pop()
                if isinstance(item, ast.BinOp) and type(item.op) is op:
                    todo += [item.left, item.right]
                else:
                    operands.append(self.expr(item, line))
            return [(f"{op.__name__}*{len(operands)}", line)] + _sorted_tokens(operands)
        if isinstance(node, ast.BoolOp):
            operands = [self.expr(v, line) for v in node.values]
            return [(f"{type(node.op).__name__}*{len(operands)}", line)] + _sorted_tokens(operands)
        if isinstance(node, ast.Compare) and len(node.ops) == 1:
            left, right = self.expr(node.left, line), self.expr(node.comparators[0], line)
            op = type(node.ops[0])
            if op in FLIPPED:   # a > b is b < a
                op, left, right = FLIPPED[op], right, left
            elif op in SYMMETRIC:   # a == b is b == a
                return [("Compare", line), (op.__name__, line)] + _sorted_tokens([left, right])
            return [("Compare", line), (op.__name__, line)] + left + right
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                and self.scope.binds(node.func.id):
            # a call of the student's own function: its keyword names are the student's too
            out = [("Call", line)] + self.expr(node.func, line)
            for a in node.args:
                out += self.expr(a, line)
            for kw in node.keywords:
                out += [("kw", line)] + self.expr(kw.value, line)
            return out
        out = [(type(node).__name__, line)]
        for _, value in ast.iter_fields(node):
            out += self.fields(value, line)
        return out


# --------------------------------------------------------------------------- #
# Fingerprints
# --------------------------------------------------------------------------- #

@lru_cache(maxsize=4096)
def _token_id(token):
    return zlib.crc32(token.encode())


@dataclass(frozen=True)
class Fingerprints:
    """A function's normalised tokens and their winnowed fingerprints.

    Attributes
    ----------
    source : str
        The text compared (line numbers count in it).
    tokens : tuple of str
        The normalised tokens.
    lines : tuple of int
        The line of ``source`` each token comes from.
    grams : dict
        Every k-gram hash -> the token positions where such a k-gram starts.
    selected : frozenset of int
        The winnowed fingerprints (the hashes compared).
    """

    source: str
    tokens: tuple
    lines: tuple
    grams: dict = field(repr=False)
    selected: frozenset = field(repr=False)

    def __len__(self):
        return len(self.selected)


def _normalised_tokens(source):
    """The normalised tokens of a text, each with its line: the first definition, then the
    other top-level definitions in the order the canonical tokens first use them."""
    tree = _parse_fresh(source)   # a tree of its own (the cached one must not change)
    if tree is None:
        return []
    try:
        tree = _propagate_flags(tree)
        scope = _Scope(tree)
        tree = _Normaliser(scope).visit(tree)
        if not tree.body:
            return []
        tree = _inline_helpers(tree)     # the names it makes are bound (_Scope.binds)
        ast.fix_missing_locations(tree)
        _remove_dead_stores(tree, tree.body[0])
        units = list(tree.body)
        by_name = {n: u for u in units for n in _bound_names(u)}
        emitter = _Tokens(scope, set(by_name))
        streams, uses = {}, {}
        for u in units:   # a use of a helper is a token (V, line, its name)
            streams[id(u)] = emitter.stmt(u)
            uses[id(u)] = [t[2] for t in streams[id(u)] if len(t) == 3]
        order, seen = [], set()

        def visit(unit):
            stack = [unit]
            while stack:
                u = stack.pop()
                if id(u) in seen:
                    continue
                seen.add(id(u))
                order.append(u)
                stack.extend(by_name[n] for n in reversed(uses[id(u)]) if n in by_name)

        for u in units:
            visit(u)
        return [t[:2] for u in order for t in streams[id(u)]]
    except RecursionError:
        return []


@lru_cache(maxsize=2048)
def fingerprints(source):
    """The :class:`Fingerprints` of a source text (one function with its helpers, as
    :func:`function_sources` gives it). A text that does not parse has none."""
    toks = _normalised_tokens(source)
    ids = [_token_id(t) for t, _ in toks]
    lines = tuple(line for _, line in toks)
    hashes = [hash(tuple(ids[i:i + K])) for i in range(len(ids) - K + 1)]
    grams = {}
    for i, h in enumerate(hashes):
        grams.setdefault(h, []).append(i)
    return Fingerprints(source, tuple(t for t, _ in toks), lines, grams, frozenset(_winnow(hashes)))


def _winnow(hashes):
    """Robust winnowing: the smallest hash of every window (the rightmost on ties)."""
    if len(hashes) <= WINDOW:
        return {min(hashes)} if hashes else set()
    return {min(hashes[start:start + WINDOW]) for start in range(len(hashes) - WINDOW + 1)}


def _as_fingerprints(x):
    return x if isinstance(x, Fingerprints) else fingerprints(x)


def _common(common):
    """The k-gram hashes of common code (sources, Fingerprints, or a set of hashes)."""
    hashes = set()
    for c in common or ():
        if isinstance(c, (set, frozenset)):
            hashes |= c
        else:
            hashes |= set(_as_fingerprints(c).grams)
    return frozenset(hashes)


# --------------------------------------------------------------------------- #
# Similarity and verdict
# --------------------------------------------------------------------------- #

@dataclass(frozen=True)
class Similarity:
    """How much two functions share.

    Attributes
    ----------
    score : float
        ``shared / min(size_a, size_b)``: the share of the smaller found in the larger
        (symmetric), in [0, 1].
    a_in_b, b_in_a : float
        The share of ``a``'s fingerprints found in ``b`` and the reverse.
    shared : int
        Fingerprints found in both (common code discounted).
    size_a, size_b : int
        Fingerprints of each (common code discounted).
    lines_a, lines_b : list of (int, int)
        The ranges of lines (1-based, inclusive) of each text that match the other (a
        range goes on over blank lines, comments and docstrings).
    matched_a, matched_b : frozenset of int
        The lines themselves: those holding code that matches.
    """

    score: float
    a_in_b: float
    b_in_a: float
    shared: int
    size_a: int
    size_b: int
    lines_a: list
    lines_b: list
    matched_a: frozenset = field(repr=False, default=frozenset())
    matched_b: frozenset = field(repr=False, default=frozenset())


def _ranges(matched, code_lines):
    """Matched lines as ranges; a gap holding no unmatched line of code (a blank line, a
    comment, a docstring) does not split a range."""
    out, unmatched = [], code_lines - matched
    for line in sorted(matched):
        if out and not any(out[-1][1] < c < line for c in unmatched):
            out[-1][1] = line
        else:
            out.append([line, line])
    return [tuple(r) for r in out]


def _matched_lines(fp, other_grams, common):
    """The lines of ``fp``'s text covered by a k-gram the other text has too."""
    lines = set()
    for h, starts in fp.grams.items():
        if h in other_grams and h not in common:
            for s in starts:
                lines.update(fp.lines[s:s + K])
    lines.discard(0)
    return frozenset(lines)


def similarity(a, b, common=()):
    """How much of ``a`` is found in ``b`` and the reverse.

    Parameters
    ----------
    a, b : str or Fingerprints
        Two functions' sources (as :func:`function_sources` gives them).
    common : iterable
        Code known to be common (sources, Fingerprints, or a set of k-gram hashes): its
        fingerprints count for neither side.

    Returns
    -------
    Similarity
    """
    fa, fb = _as_fingerprints(a), _as_fingerprints(b)
    common = common if isinstance(common, frozenset) else _common(common)
    sa, sb = fa.selected - common, fb.selected - common
    shared = len(sa & sb)
    smaller = min(len(sa), len(sb))
    score = shared / smaller if smaller else 0.0
    matched_a = _matched_lines(fa, fb.grams, common)
    matched_b = _matched_lines(fb, fa.grams, common)
    return Similarity(score, shared / len(sa) if sa else 0.0, shared / len(sb) if sb else 0.0,
                      shared, len(sa), len(sb), _ranges(matched_a, set(fa.lines) - {0}),
                      _ranges(matched_b, set(fb.lines) - {0}), matched_a, matched_b)


@dataclass(frozen=True)
class Match:
    """A pair of functions that needs a look.

    Attributes
    ----------
    function : str
        The graded function compared.
    first, second : str
        Who wrote each (a student's name, "reference", "solution").
    score : float
        The share of the smaller function found in the larger (:class:`Similarity`).
    threshold : float
        The score this pair had to reach (it depends on the size of the functions).
    similarity : Similarity
        Everything measured, with the matching line ranges on both sides.
    first_source, second_source : str
        The texts compared (the line numbers count in them).
    """

    function: str
    first: str
    second: str
    score: float
    threshold: float
    similarity: Similarity
    first_source: str = field(repr=False, default="")
    second_source: str = field(repr=False, default="")

    @property
    def first_lines(self):
        return self.similarity.lines_a

    @property
    def second_lines(self):
        return self.similarity.lines_b

    def __str__(self):
        return (f"{self.function}: {self.first} ~ {self.second}, similarity {self.score:.2f} "
                f"({self.similarity.shared} shared fingerprints; threshold {self.threshold:.2f}): "
                f"lines {_describe(self.first_lines)} of {self.first}'s match lines "
                f"{_describe(self.second_lines)} of {self.second}'s")

    def report(self):
        """:meth:`__str__` followed by the matching lines of both sides, numbered."""
        out = [str(self)]
        for who, source, matched in ((self.first, self.first_source, self.similarity.matched_a),
                                     (self.second, self.second_source, self.similarity.matched_b)):
            lines = source.splitlines()
            out.append(f"  {who}:")
            previous = None
            for i in sorted(n for n in matched if n <= len(lines)):
                if previous is not None and i > previous + 1:
                    out.append("       ...")
                out.append(f"  {i:4d} | {lines[i - 1]}")
                previous = i
        return "\n".join(out)


def _describe(ranges):
    return ", ".join(f"{a}" if a == b else f"{a}\u2013{b}" for a, b in ranges) or "none"


def suspicious(a, b, *, common=(), function="", names=("a", "b")):
    """A :class:`Match` if ``a`` and ``b`` are too alike to be independent, else None.

    The score (the share of the smaller function found in the larger) must reach
    :func:`threshold` of the smaller function's size (its fingerprints, common code
    discounted), and at least ``MIN_SHARED`` fingerprints must be shared: a function too
    short to be written in more than one natural way is never reported.

    Parameters
    ----------
    a, b : str or Fingerprints
    common : iterable
        Code every student may share (the release's skeleton, natural implementations):
        sources, Fingerprints or a set of k-gram hashes, discounted on both sides.
    function : str
        The graded function's name (for the report).
    names : (str, str)
        Who wrote ``a`` and ``b``.

    Returns
    -------
    Match or None
    """
    fa, fb = _as_fingerprints(a), _as_fingerprints(b)
    if min(len(fa.tokens), len(fb.tokens)) < MIN_TOKENS:
        return None
    common = common if isinstance(common, frozenset) else _common(common)
    sa, sb = fa.selected - common, fb.selected - common
    shared = len(sa & sb)
    if shared < MIN_SHARED:
        return None
    size = min(len(sa), len(sb))
    score = shared / size
    limit = threshold(size)
    if score < limit:
        return None
    sim = similarity(fa, fb, common)
    return Match(function, names[0], names[1], sim.score, limit, sim, fa.source, fb.source)


def compare_class(functions_by_student, references, *, common=None):
    """Every pair of students and every student against the references, for one lesson.

    Parameters
    ----------
    functions_by_student : dict
        ``{student: {function: source or None}}``, each source as
        :func:`function_sources` gives it (None or missing: not written).
    references : dict
        ``{function: {label: source}}`` of the public code a student could copy, e.g.
        ``{"softmax": {"reference": ..., "solution": ...}}`` (the catalogue's correct
        alternatives may join them); a bare source stands for ``{"reference": source}``.
    common : dict, optional
        ``{function: [sources]}`` of code anyone may share (code the release gives,
        natural implementations an instructor lists), discounted in every comparison.

    Returns
    -------
    list of Match
        Sorted by decreasing score; ``first`` is a student, ``second`` another student
        or a reference label.

    Notes
    -----
    Between students, fingerprints that more than ``FREQUENT_SHARE`` of the class (and
    more than ``FREQUENT_MIN`` students) have are discounted too, as MOSS does: what a
    large part of a class writes is the natural way to write it. (The price: a copy
    passed around that many students is not seen between them.) Against the references
    this discount is not made, so that a copy of public code that many students made is
    still reported, once per student.
    """
    functions = sorted({f for funcs in functions_by_student.values() for f in funcs if funcs[f]}
                       | set(references))
    students = sorted(functions_by_student)
    matches = []
    for function in functions:
        base = _common((common or {}).get(function, ()))
        prints = {}
        for s in students:
            source = functions_by_student[s].get(function)
            if source:
                prints[s] = fingerprints(source)
        refs = references.get(function, {})
        refs = {"reference": refs} if isinstance(refs, str) else refs
        ref_prints = {label: fingerprints(src) for label, src in refs.items() if src}
        counts = {}
        for fp in prints.values():
            for h in fp.selected:
                counts[h] = counts.get(h, 0) + 1
        limit = max(FREQUENT_MIN, math.ceil(FREQUENT_SHARE * len(prints)))
        frequent = frozenset(h for h, c in counts.items() if c > limit) | base
        names = sorted(prints)
        for i, s in enumerate(names):
            for label, rp in ref_prints.items():
                m = suspicious(prints[s], rp, common=base, function=function, names=(s, label))
                if m:
                    matches.append(m)
            for t in names[i + 1:]:
                if len(prints[s].selected & prints[t].selected) < MIN_SHARED:
                    continue   # fast path: most pairs share too little to be judged
                m = suspicious(prints[s], prints[t], common=frequent, function=function,
                               names=(s, t))
                if m:
                    matches.append(m)
    matches.sort(key=lambda m: (-m.score, m.function, m.first, m.second))
    return matches
