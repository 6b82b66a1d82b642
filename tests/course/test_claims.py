"""Every number or comparison of a lesson's prose that comes from running the lesson is a
registered claim (``claims_NN_name.py``, see ``claims.py``), checked here against the
executed solution notebook: the sentence is still in the lesson, and the value the lesson
computes satisfies it, with the tolerance the sentence implies."""

import pytest
from claims import normalise
from conftest import claims_of
from harness import bad_outputs, lessons

LESSONS = lessons()


@pytest.mark.parametrize("lesson", [pytest.param(lesson, marks=pytest.mark.xdist_group(lesson))
                                    for lesson in LESSONS])
def test_lesson_claims_hold(lesson, executed):
    registry = claims_of(lesson)
    assert registry is not None and registry.items, \
        f"{lesson} registers no claim: add tests/course/claims_{lesson}.py"
    nb, found = executed(lesson)
    problems = bad_outputs(nb)
    assert not problems, f"{lesson}: the solution notebook has errors or stderr output: {problems}"
    prose = normalise("\n".join(c.source for c in nb.cells if c.cell_type == "markdown"))
    failures = []
    for k, claim in enumerate(registry.items):
        if normalise(claim.text) not in prose:
            failures.append(f"{claim.text!r} is no longer in the lesson's text")
            continue
        result = found.get(k, {"error": "not evaluated"})
        if "error" in result:
            failures.append(f"{claim.text!r}: {claim.expr} raised {result['error']}")
        elif not claim.check(result["value"]):
            failures.append(f"{claim.text!r}: {claim.expr} = {result['value']!r}, "
                            f"not {claim.check.describe}")
    print(f"{lesson}: {len(registry.items)} claims")
    assert not failures, f"{lesson}: claims contradicted by the executed lesson:\n  " + \
        "\n  ".join(failures)
