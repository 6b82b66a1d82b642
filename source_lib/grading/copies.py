"""Copies flagged for the instructor: the course's public code and one's classmates.

Everything a graded student could copy is public by design (the reference library, the
solution notebooks), so every graded function of a submission is compared
(:mod:`source_lib.grading.similarity`) with the reference implementation and with the
solution notebook's function when it is graded (:func:`against_public_code`, in
``nbgrader autograde`` as in ``make grade``), and, when a whole class is graded
(:func:`across_class`, ``make grade``), with the same function of every other submission
of the lesson. Pairs above the detector's threshold are listed under "needs a look", with
their similarity and the lines that match. The gradebook is not changed: an instructor
decides.
"""

from __future__ import annotations

import functools
import inspect
import json
from pathlib import Path

from source_lib.grading import similarity

__all__ = ["against_public_code", "across_class", "graded_functions"]


def graded_functions(lesson):
    """The names of the lesson's graded functions and classes (the quiz is not one)."""
    return [name for name, ex in lesson.exercises.items()
            if ex.reference is not None and (inspect.isfunction(ex.reference) or inspect.isclass(ex.reference))]


@functools.lru_cache(maxsize=32)
def _public(lesson_name, solution_path, mtime):
    from source_lib.checks import load

    lesson = load(lesson_name)
    solution = similarity.notebook_cells(_read(solution_path), solutions_only=True) if solution_path else []
    from source_lib import validation

    helpers = inspect.getsource(validation)   # what the reference calls, as a paste would hold it
    found = {}
    for name in graded_functions(lesson):
        ref = lesson.exercises[name].reference
        module = inspect.getsource(inspect.getmodule(ref))
        sources = {"reference": similarity.function_sources(module, ref.__name__),
                   "reference and its helpers": similarity.function_sources(module + "\n" + helpers,
                                                                            ref.__name__)}
        if solution:
            sources["solution"] = similarity.function_sources(solution, name)
        found[name] = {}
        for label, text in sources.items():   # a reference without helpers: compared once
            if text and text not in found[name].values():
                found[name][label] = text
    return found


def _read(path):
    import nbformat
    return nbformat.read(str(path), as_version=4)


def public_code(lesson, solution_path=None):
    """``{function: {"reference": source, "solution": source}}`` of a lesson."""
    path = str(solution_path) if solution_path and Path(solution_path).exists() else None
    return _public(lesson.name, path, Path(path).stat().st_mtime if path else 0.0)


def student_sources(sources, lesson):
    """``{function: source}`` of one submission, from the sources of its solution and
    student cells (not the lesson's demos, which every submission shares)."""
    return similarity.function_sources(list(sources), graded_functions(lesson))


def against_public_code(lesson, sources, solution_path=None):
    """Lines for the review: the functions of one submission (the sources of its solution
    and student cells) that copy the course's public code."""
    mine = {k: v for k, v in student_sources(sources, lesson).items() if v}
    matches = similarity.compare_class({"this submission": mine}, public_code(lesson, solution_path))
    return [_line(m) for m in matches]


def _line(match):
    other = {"reference": "the course's reference library",
             "reference and its helpers": "the course's reference library",
             "solution": "the solution notebook"}.get(match.second, match.second)
    return (f"{match.function}: similar to {other} (similarity {match.score:.2f}); "
            f"{_lines(match, 'the submission', other)}")


def _lines(match, first=None, second=None):
    def span(ranges):
        parts = [f"{a}" if a == b else f"{a}-{b}" for a, b in ranges]
        return f"line{'s' if len(parts) > 1 or '-' in ''.join(parts) else ''} {', '.join(parts)}" \
            if parts else "no single lines"
    first = first or f"{match.first}'s"
    second = second or f"{match.second}'s"
    return f"{span(match.first_lines)} of {first} match {span(match.second_lines)} of {second}"


def across_class(root, lesson_name, students):
    """``{student: [lines]}``: the pairs of submissions of one lesson whose graded functions
    are alike, read from their graded notebooks; each line is also added to both students'
    review files (``course-review.json``)."""
    import nbformat

    from source_lib.checks import load
    from source_lib.grading.pipeline import REVIEW_FILE, instructor_code

    lesson = load(lesson_name)
    root = Path(root)
    source_nb = root / "solutions" / lesson_name / f"{lesson_name}.ipynb"
    instructor = instructor_code(_read(source_nb)) if source_nb.exists() else set()
    functions = {}
    for student in students:
        path = root / "autograded" / student / lesson_name / f"{lesson_name}.ipynb"
        try:
            nb = nbformat.read(str(path), as_version=4)
        except (OSError, ValueError):
            continue
        sources = [c.source for c in nb.cells if c.cell_type == "code"
                   and not (c.metadata.get("nbgrader", {}).get("grade")
                            and not c.metadata.get("nbgrader", {}).get("solution"))
                   and c.source not in instructor]
        functions[student] = {k: v for k, v in student_sources(sources, lesson).items() if v}
    release = root / "course" / lesson_name / f"{lesson_name}.ipynb"
    common = {}
    if release.exists():   # the release's stubs and docstrings: everyone starts from them
        stubs = similarity.notebook_cells(_read(release), solutions_only=True)
        common = {name: [s] for name in graded_functions(lesson)
                  if (s := similarity.function_sources(stubs, name))}
    matches = similarity.compare_class(functions, {}, common=common)
    found = {}
    for m in matches:
        line = (f"{m.function}: {m.first} and {m.second} are alike (similarity {m.score:.2f}); "
                f"{_lines(m)}")
        for student in (m.first, m.second):
            found.setdefault(student, []).append(line)
    for student, lines in found.items():
        review = root / "autograded" / student / lesson_name / REVIEW_FILE
        try:
            data = json.loads(review.read_text())
        except (OSError, ValueError):
            continue
        data["copies"] = list(dict.fromkeys(data.get("copies", []) + lines))
        review.write_text(json.dumps(data, indent=1))
    return found
