"""Claims: the numbers and comparisons of a lesson's prose, checked against the executed lesson.

A sentence such as "gradient descent needs about 200 steps" or "residual networks reach
95 % where plain ones stay at 8 %" comes from running the lesson. If a demo changes, the
sentence may become false while every test still passes. So each such sentence is
registered here, in ``claims_NN_name.py`` beside the catalogues::

    from claims import Claims, about, between, holds

    claims = Claims("07_optimizers")

    claims.add("driven to zero within about 160 steps",     # words of the lesson, verbatim
               "int(np.argmax(decay_mean < 0.05))",          # evaluated in the executed lesson
               about(160, rel=0.1),                          # the tolerance the sentence implies
               after="decay_mean =")                         # optional: right after that cell

``text`` must appear in one of the lesson's markdown cells (whitespace, the LaTeX dollar
signs and the emphasis marks ``*``, ``_`` and backticks aside), so that the claim and the
sentence cannot drift apart; ``expr`` is Python evaluated in the namespace of the solution
notebook, executed from top to bottom as a learner's Run All would (``COURSE_HEADLESS=1``).
Without ``after`` it is evaluated once the whole notebook has run; with ``after``, right
after the first code cell whose source contains that text (for a variable that a later
cell reuses).

``expr`` is one expression, or several lines like a notebook cell whose last line is an
expression (its value is the claim's value): a value the lesson prints but does not keep
may be recomputed there from the lesson's variables, the way the lesson computes it. The
lines run in a copy of the notebook's namespace, so the names they bind do not reach the
notebook; but they share its objects, so an expression must not modify them in place or
draw from the lesson's generators (``rng``): with ``after``, a later cell would see the
change.

The check says what the sentence allows:

- ``about(x, rel=..., abs=...)`` for "about", "roughly", "near" and rounded numbers (a
  printed "97.8 %" is ``about(0.978, abs=0.0005)``);
- ``between(lo, hi)``, ``at_least(lo)``, ``at_most(hi)`` for ranges and bounds ("over
  90 %" is ``at_least(0.9)``);
- ``equals(v)`` for counts and labels stated as facts (lists and tuples compare alike);
- ``holds()`` when ``expr`` is itself the comparison (``a > b``, ``all(...)``).

``test_claims.py`` executes each lesson once, evaluates every claim, prints each value
with its verdict (``pytest -s``) and fails, naming the sentence, if one is contradicted,
raises, or is no longer in the lesson's text.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field

MARKER = "__course_claims__"


# --------------------------------------------------------------------------- #
# What a value must satisfy
# --------------------------------------------------------------------------- #

@dataclass(frozen=True)
class Check:
    """A predicate on a claim's value, with a description for failure messages."""

    describe: str
    test: object

    def __call__(self, value):
        try:
            return bool(self.test(value))
        except (TypeError, ValueError):
            return False


def _number(v):
    """``v`` as a float; booleans, strings and containers are not numbers here."""
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise TypeError(f"{v!r} is not a number")
    return float(v)


def about(target, rel=None, abs=None):  # noqa: A002 - the name reads like the sentence
    """``value`` is ``target`` within ``rel`` (relative) or ``abs`` (absolute), for "about"."""
    if rel is None and abs is None:
        raise ValueError("about() needs rel= or abs=: how loose is the sentence?")
    tol = max(abs or 0.0, (rel or 0.0) * math.fabs(target))
    return Check(f"within {tol:g} of {target:g}",
                 lambda v: math.isfinite(_number(v)) and math.fabs(_number(v) - target) <= tol)


def between(low, high):
    """``low <= value <= high``, for "between 0.1 and 0.5", "0.2 to 0.4"."""
    if not low <= high:
        raise ValueError(f"between({low}, {high}): the bounds are the wrong way round")
    return Check(f"between {low:g} and {high:g}", lambda v: low <= _number(v) <= high)


def at_least(low):
    return Check(f"at least {low:g}", lambda v: _number(v) >= low)


def at_most(high):
    return Check(f"at most {high:g}", lambda v: _number(v) <= high)


def _plain(value):
    """``value`` as it comes back from the notebook (JSON: tuples become lists, NumPy
    arrays and scalars plain lists and numbers)."""
    return json.loads(json.dumps(value, default=lambda v: v.tolist()))


def equals(expected):
    """Exactly ``expected`` (counts, labels, booleans, lists of them)."""
    expected = _plain(expected)
    return Check(f"equal to {expected!r}", lambda v: v == expected)


def holds():
    """The expression is itself the claim (a comparison, ``all(...)``): it must be True."""
    return Check("true", lambda v: v is True)


# --------------------------------------------------------------------------- #
# A lesson's registry
# --------------------------------------------------------------------------- #

@dataclass
class Claim:
    text: str
    expr: str
    check: Check
    after: str | None = None


@dataclass
class Claims:
    """The registered claims of one lesson."""

    lesson: str
    items: list = field(default_factory=list)

    def add(self, text, expr, check, after=None):
        """Register the sentence fragment ``text``, checked by ``check(eval(expr))``."""
        if not isinstance(check, Check):
            raise TypeError("check must be about(), between(), at_least(), at_most(), equals() "
                            "or holds()")
        _split(expr)               # a syntax error shows up here, at import, not in the kernel
        self.items.append(Claim(text, expr, check, after))


def _split(expr):
    """``(statements, expression)``: the source of ``expr`` before its last line, and the
    last line, which must be an expression."""
    import ast
    import textwrap

    source = textwrap.dedent(expr).strip()
    tree = ast.parse(source)
    if not tree.body or not isinstance(tree.body[-1], ast.Expr):
        raise SyntaxError(f"the last line of a claim's expr must be an expression: {expr!r}")
    last = tree.body[-1]
    lines = source.splitlines(keepends=True)
    start = lines[last.lineno - 1].encode()[:last.col_offset].decode()   # "a = 1; " before it
    head = "".join(lines[:last.lineno - 1]) + start
    tail = source[len(head):]
    return head, tail


def normalise(text):
    """Prose as compared: LaTeX dollars and emphasis marks dropped, whitespace collapsed."""
    text = re.sub(r"[$*_`]", "", text)
    return re.sub(r"\s+", " ", text).strip()


def injected(nb, claims):
    """A copy of the notebook ``nb`` with cells that evaluate ``claims`` (a list of Claim)
    and a last cell that prints their values as one JSON line after :data:`MARKER`."""
    import copy

    import nbformat

    nb = copy.deepcopy(nb)
    code = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    inserts = {}   # cell index -> [claim indices] evaluated right after it
    end = []
    for k, claim in enumerate(claims):
        if claim.after is None:
            end.append(k)
            continue
        where = next((i for i in code if claim.after in nb.cells[i].source), None)
        if where is None:
            raise LookupError(f"no code cell contains {claim.after!r} (the claim "
                              f"{claim.text!r} is evaluated after it)")
        inserts.setdefault(where, []).append(k)

    def evaluation(indices):
        lines = []
        for k in indices:
            head, tail = _split(claims[k].expr)
            lines.append(f"{MARKER}[{k}] = {MARKER}_value({head!r}, {tail!r})")
        cell = nbformat.v4.new_code_cell("\n".join(lines))
        cell.metadata["course_claims"] = True
        return cell

    setup = nbformat.v4.new_code_cell(_PRELUDE)
    setup.metadata["course_claims"] = True
    cells = []
    for i, cell in enumerate(nb.cells):
        cells.append(cell)
        if i == code[0]:
            cells.append(setup)
        if i in inserts:
            cells.append(evaluation(inserts[i]))
    cells.append(evaluation(end))
    report = nbformat.v4.new_code_cell(
        f"print({MARKER!r} + __import__('json').dumps({MARKER}, default=repr))")
    report.metadata["course_claims"] = True
    cells.append(report)
    nb.cells = cells
    return nb


# Runs in the lesson's kernel: evaluates a claim in a copy of the notebook's namespace and
# turns its value into plain JSON data (arrays and NumPy scalars to lists and numbers,
# anything else that JSON cannot hold to its repr), so that one odd value cannot lose the
# report of all the others.
_PRELUDE = f"""\
{MARKER} = {{}}
def {MARKER}_plain(value):
    import numpy as _np
    if isinstance(value, _np.ndarray):
        value = value.tolist()
    elif isinstance(value, _np.generic):
        value = value.item()
    if isinstance(value, (list, tuple)):
        return [{MARKER}_plain(v) for v in value]
    if isinstance(value, dict):
        return {{str(k): {MARKER}_plain(v) for k, v in value.items()}}
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return repr(value)
def {MARKER}_value(head, tail):
    scope = {{k: v for k, v in globals().items() if not k.startswith({MARKER!r})}}
    try:
        exec(compile(head, "<claim>", "exec"), scope)
        value = eval(compile(tail, "<claim>", "eval"), scope)
    except Exception as err:  # reported by the test, not by the notebook
        return {{"error": f"{{type(err).__name__}}: {{err}}"}}
    return {{"value": {MARKER}_plain(value)}}
"""


def values(nb):
    """The claims' values printed by the last injected cell of an executed notebook:
    ``{index: {"value": ...} or {"error": ...}}``."""
    for cell in reversed(nb.cells):
        for out in cell.get("outputs", []):
            text = out.get("text", "")
            if out.get("output_type") == "stream" and MARKER in text:
                raw = json.loads(text.split(MARKER, 1)[1])
                return {int(k): v for k, v in raw.items()}
    raise LookupError("the executed notebook printed no claim values")


def stripped(nb):
    """The executed notebook without the injected cells."""
    import copy

    nb = copy.copy(nb)
    nb.cells = [c for c in nb.cells if not c.metadata.get("course_claims")]
    return nb


def verdicts(claims, nb, found):
    """``[(claim, value or None, problem or None)]`` for the list ``claims`` against the
    executed notebook ``nb`` (without the injected cells) and the values ``found`` in it:
    a problem says that the sentence is gone from the markdown, that the expression
    raised, or that its value contradicts the sentence."""
    prose = [normalise(c.source) for c in nb.cells if c.cell_type == "markdown"]
    results = []
    for k, claim in enumerate(claims):
        result = found.get(k, {"error": "not evaluated"})
        value = result.get("value")
        if not any(normalise(claim.text) in cell for cell in prose):
            problem = "is no longer in the lesson's text"
        elif "error" in result:
            problem = f"{claim.expr} raised {result['error']}"
        elif not claim.check(value):
            problem = f"{claim.expr} = {value!r}, not {claim.check.describe}"
        else:
            problem = None
        results.append((claim, value, problem))
    return results
