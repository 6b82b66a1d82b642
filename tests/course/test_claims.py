"""Every number or comparison of a lesson's prose that comes from running the lesson is a
registered claim (``claims_NN_name.py``, see ``claims.py``), checked here against the
executed solution notebook: the sentence is still in the lesson, and the value the lesson
computes satisfies it, with the tolerance the sentence implies.

Run with ``-s`` to see every claim's value and verdict. The tests at the end check the
mechanism itself (``-k mechanism``), on a small notebook, in a real kernel."""

import math

import nbformat
import pytest
from claims import (Claims, about, at_least, at_most, between, equals, holds, injected,
                    stripped, values, verdicts)
from conftest import claims_of
from harness import bad_outputs, execute, lesson_params


def report(lesson, results):
    """One line per claim: verdict, value, check and the sentence."""
    print(f"\n{lesson}: {len(results)} claims")
    for claim, value, problem in results:
        shown = repr(value)
        shown = shown if len(shown) <= 60 else shown[:57] + "..."
        print(f"  {'ok  ' if problem is None else 'FAIL'} {shown:<24} "
              f"({claim.check.describe}) {claim.text!r}")


@pytest.mark.parametrize("lesson", lesson_params())
def test_lesson_claims_hold(lesson, executed):
    registry = claims_of(lesson)
    assert registry is not None and registry.items, \
        f"{lesson} registers no claim: add tests/course/claims_{lesson}.py"
    assert registry.lesson == lesson, \
        f"claims_{lesson}.py registers its claims as Claims({registry.lesson!r})"
    nb, found = executed(lesson)
    problems = bad_outputs(nb)
    assert not problems, f"{lesson}: the solution notebook has errors or stderr output: {problems}"
    results = verdicts(registry.items, nb, found)
    report(lesson, results)
    failures = [f"{claim.text!r}: {problem}" for claim, _, problem in results if problem]
    assert not failures, f"{lesson}: claims contradicted by the executed lesson:\n  " + \
        "\n  ".join(failures)


# --------------------------------------------------------------------------- #
# The mechanism itself
# --------------------------------------------------------------------------- #

def test_mechanism_checks_accept_and_reject():
    assert about(50, rel=0.1)(54) and not about(50, rel=0.1)(56)
    assert about(0.05, abs=0.005)(0.0488) and not about(0.05, abs=0.005)(0.044)
    assert not about(1.0, abs=1.0)(math.nan) and not about(1.0, abs=1.0)("1.0")
    assert not about(1.0, abs=0.5)(True), "a boolean is not a number"
    assert between(0.1, 0.3)(0.1) and not between(0.1, 0.3)(0.31)
    assert at_least(0.9)(0.9) and not at_least(0.9)(0.899)
    assert at_most(0.2)(0.195) and not at_most(0.2)(0.21)
    assert not at_least(0.0)(None) and not at_most(1.0)([0.5])
    assert equals(56)(56) and not equals(56)(57)
    assert equals((1, 2))([1, 2]), "tuples come back from the notebook as lists"
    assert holds()(True) and not holds()(1) and not holds()("True") and not holds()(False)
    with pytest.raises(ValueError):
        about(3.0)
    with pytest.raises(ValueError):
        between(1.0, 0.0)


def test_mechanism_rejects_bad_registrations():
    claims = Claims("00_test")
    with pytest.raises(TypeError):
        claims.add("a sentence", "1", 1)
    with pytest.raises(SyntaxError):
        claims.add("a sentence", "x = 1", holds())     # no expression to take the value of
    with pytest.raises(SyntaxError):
        claims.add("a sentence", "1 +", holds())


def notebook(*cells):
    """A notebook of markdown (strings starting with '# ') and code cells."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell(c[2:]) if c.startswith("# ")
                else nbformat.v4.new_code_cell(c) for c in cells]
    return nb


def test_mechanism_in_a_kernel(tmp_path):
    """A true claim passes, a false one fails, a vanished sentence fails, a raising
    expression fails; ``after`` sees a value a later cell rebinds; multi-line expressions
    leave the notebook's names alone; an odd value does not lose the others."""
    nb = notebook("import numpy as np\nx = 3",
                  "# The first value is *about 3*, and $x$ grows to 10 later.",
                  "y = np.arange(4.0)",
                  "# There are exactly 4 values, and they sum to 6.",
                  "x = 10")
    claims = Claims("00_test")
    claims.add("The first value is about 3", "x", about(3, abs=0.1), after="x = 3")
    claims.add("x grows to 10 later", "x", equals(10))
    claims.add("There are exactly 4 values", "len(y)", equals(5))              # false
    claims.add("they sum to 6", "total = y.sum()\nint(total)", equals(6))
    claims.add("a sentence that the lesson never had", "1", equals(1))        # not in the text
    claims.add("The first value is about 3", "undefined_name", holds())       # raises
    claims.add("they sum to 6", "object()", holds())                          # not JSON
    claims.add("x grows to 10 later", "'total' not in globals()", holds())   # no leak
    claims.add("There are exactly 4 values", "y.shape", equals((4,)))
    claims.add("they sum to 6", "t = y.sum(); int(t)", equals(6))             # one line
    run = execute(injected(nb, claims.items), tmp_path)
    clean = stripped(run)
    assert not bad_outputs(clean)
    assert len(clean.cells) == len(nb.cells)
    results = verdicts(claims.items, clean, values(run))
    problems = [problem for _, _, problem in results]
    assert problems[0] is None and problems[1] is None and problems[3] is None
    assert problems[2] == "len(y) = 4, not equal to 5"
    assert problems[4] == "is no longer in the lesson's text"
    assert problems[5].startswith("undefined_name raised NameError")
    assert results[6][1].startswith("<object object"), "an odd value comes back as its repr"
    assert problems[6] is not None and problems[7] is None and problems[8] is None
    assert problems[9] is None
    wrong_anchor = Claims("00_test")
    wrong_anchor.add("x grows to 10 later", "x", equals(10), after="no such cell")
    with pytest.raises(LookupError):
        injected(nb, wrong_anchor.items)
