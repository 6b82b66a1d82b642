"""Fixtures shared by the course tests."""

import pytest
from claims import injected, stripped, values
from harness import SOLUTIONS, execute, lesson_module, notebook_path, read


def claims_of(lesson):
    """The lesson's registered claims (``claims_NN_name.py``), or None if it has none."""
    module = lesson_module("claims", lesson)
    return module.claims if module is not None else None


@pytest.fixture(scope="session")
def executed():
    """``executed(lesson) -> (notebook, claim values)``: the solution notebook run from top to
    bottom once per test process (with its claims evaluated along the way)."""
    results = {}

    def get(lesson):
        if lesson not in results:
            registry = claims_of(lesson)
            items = registry.items if registry is not None else []
            nb = execute(injected(read(notebook_path(lesson)), items), SOLUTIONS / lesson)
            results[lesson] = (stripped(nb), values(nb))
        return results[lesson]

    return get
