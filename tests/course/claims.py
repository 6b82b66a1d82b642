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

``text`` must appear in one of the lesson's markdown cells (whitespace and the LaTeX
dollar signs aside), so that the claim and the sentence cannot drift apart; ``expr`` is
a Python expression evaluated in the namespace of the solution notebook, executed from
top to bottom as a learner's Run All would (``COURSE_HEADLESS=1``). Without ``after`` it
is evaluated once the whole notebook has run; with ``after``, right after the first code
cell whose source contains that text (for a variable that a later cell reuses).

``test_claims.py`` executes each lesson once, evaluates every claim and checks it;
it also counts each lesson's claims.
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


def about(target, rel=None, abs=None):  # noqa: A002 - the name reads like the sentence
    """``value`` is ``target`` within ``rel`` (relative) or ``abs`` (absolute), for "about"."""
    if rel is None and abs is None:
        raise ValueError("about() needs rel= or abs=: how loose is the sentence?")
    tol = max(abs or 0.0, (rel or 0.0) * math.fabs(target))
    return Check(f"within {tol:g} of {target:g}",
                 lambda v: math.isfinite(float(v)) and math.fabs(float(v) - target) <= tol)


def between(low, high):
    """``low <= value <= high``, for "between 0.1 and 0.5", "0.2 to 0.4"."""
    return Check(f"between {low:g} and {high:g}", lambda v: low <= float(v) <= high)


def at_least(low):
    return Check(f"at least {low:g}", lambda v: float(v) >= low)


def at_most(high):
    return Check(f"at most {high:g}", lambda v: float(v) <= high)


def equals(expected):
    """Exactly ``expected`` (counts, labels, booleans, lists of them)."""
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
        self.items.append(Claim(text, expr, check, after))


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
        lines = [f"{MARKER}[{k}] = {MARKER}_value(lambda: ({claims[k].expr}))" for k in indices]
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
    report = nbformat.v4.new_code_cell(f"print({MARKER!r} + __import__('json').dumps({MARKER}))")
    report.metadata["course_claims"] = True
    cells.append(report)
    nb.cells = cells
    return nb


_PRELUDE = f"""\
{MARKER} = {{}}
def {MARKER}_value(thunk):
    import numpy as _np
    try:
        value = thunk()
    except Exception as err:  # reported by the test, not by the notebook
        return {{"error": f"{{type(err).__name__}}: {{err}}"}}
    if isinstance(value, _np.ndarray):
        value = value.tolist()
    elif isinstance(value, _np.generic):
        value = value.item()
    elif isinstance(value, (list, tuple)):
        value = [v.item() if isinstance(v, _np.generic) else v for v in value]
    return {{"value": value}}
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
