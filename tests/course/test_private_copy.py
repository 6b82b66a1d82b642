"""An instructor's private copy of the course (``python -m source_lib.grading.classroom
private-copy``): every hidden seed drawn afresh from a secret, the quiz keys in the
instructor's notebook only, the release unchanged, and grading as on this repository."""

import importlib.util
import json
import os
import subprocess
import sys

import pytest
from harness import COURSE, lessons, meta, notebook_path, read

from source_lib.grading import classroom
from source_lib.grading.pipeline import parse_test

LESSON = "03_probability"
pytestmark = pytest.mark.xdist_group("private-copy")


def seeds(nb):
    return {meta(c)["grade_id"]: parse_test(meta(c)["grade_id"], c.source)
            for c in nb.cells if meta(c).get("grade") and not meta(c).get("solution")}


def test_every_hidden_seed_of_every_lesson_is_drawn_afresh():
    for lesson in lessons():
        nb = read(notebook_path(lesson))
        public = seeds(nb)
        classroom.private_notebook(nb, lesson, "a secret of the instructor's")
        private = seeds(nb)
        assert set(private) == set(public)
        assert not {t.seed for t in private.values()} & {t.seed for t in public.values()}, lesson
        assert len({t.seed for t in private.values()}) == len(private), f"{lesson}: a seed twice"
    again = read(notebook_path(LESSON))
    classroom.private_notebook(again, LESSON, "a secret of the instructor's")
    other = read(notebook_path(LESSON))
    classroom.private_notebook(other, LESSON, "another secret")
    assert seeds(again) != seeds(other), "the seeds come from the secret"


@pytest.fixture(scope="module")
def copy(tmp_path_factory):
    dest = tmp_path_factory.mktemp("private") / "course"
    classroom.private_copy(dest, secret="s3cret", lessons=[LESSON], out=open(os.devnull, "w"))
    return dest


def private_checks(copy, name):
    """The private copy's check module of lesson 03, imported from the copy as ``name``."""
    spec = importlib.util.spec_from_file_location(name, copy / "source_lib" / "checks" / "probability.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def nbgrader(dest, *args):
    env = dict(classroom.nbgrader_env(), PYTHONPATH=str(dest), COURSE_HEADLESS="1")
    return subprocess.run([sys.executable, "-m", "nbgrader", *args, "--log-level=ERROR"],
                          cwd=dest, env=env, capture_output=True, text=True)


def test_the_private_copy_keeps_the_release_and_hides_the_key(copy):
    assert (copy / classroom.SECRET_FILE).read_text().strip() == "s3cret"
    assert json.loads((copy / "course" / LESSON / f"{LESSON}.ipynb").read_text()) == \
        json.loads((COURSE / LESSON / f"{LESSON}.ipynb").read_text()), "the release is unchanged"
    module = private_checks(copy, "private_probability")
    assert module.checks.questions and all(q.answer is None and not q.why for q in module.checks.questions)
    quiz = seeds(read(notebook_path(LESSON, copy / "solutions")))["test_quiz"]
    assert set(quiz.key) == {q.id for q in module.checks.questions}


def test_grading_the_private_copy_gives_what_the_public_one_gives(copy):
    for student, notebook in (("solution", notebook_path(LESSON, copy / "solutions")),
                              ("untouched", copy / "course" / LESSON / f"{LESSON}.ipynb")):
        target = copy / "submitted" / student / LESSON
        target.mkdir(parents=True)
        (target / f"{LESSON}.ipynb").write_bytes(notebook.read_bytes())
    proc = nbgrader(copy, "autograde", LESSON, "--create", "--force")
    assert proc.returncode == 0, proc.stderr[-2000:]
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{copy / 'gradebook.db'}") as gb:
        scores = {s: {g.name: (g.score, g.max_score) for g in
                      gb.find_submission_notebook(LESSON, LESSON, s).grades}
                  for s in ("solution", "untouched")}
    assert all(v[0] == v[1] for v in scores["solution"].values()), scores["solution"]
    assert not any(v[0] for v in scores["untouched"].values()), scores["untouched"]
    feedback = nbgrader(copy, "generate_feedback", LESSON, "--force")
    assert feedback.returncode == 0, feedback.stderr[-2000:]
    page = (copy / "feedback" / "solution" / LESSON / f"{LESSON}.html").read_text()
    assert "key=" not in page, "the feedback shows no hidden line"


def test_the_learners_quiz_check_says_the_key_is_the_instructors(copy, capsys):
    module = private_checks(copy, "private_probability_2")
    solution = read(notebook_path(LESSON))
    namespace = {"__name__": "__main__"}
    source = next(c.source for c in solution.cells if meta(c).get("grade_id") == "quiz_answers")
    exec("import numpy as np\n" + source, namespace)  # noqa: S102
    exec("checks.run('quiz')", dict(namespace, checks=module.checks))  # noqa: S102
    out = capsys.readouterr().out
    assert "kept by your instructor" in out and "right form" in out
