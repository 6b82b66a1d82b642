"""The instructor's class commands (``source_lib.grading.classroom``).

The demo class runs its whole cycle (release, parallel grading, feedback, export) as an
instructor would run it, and its students come out as they should: full marks, nothing
for the untouched release, the points of the typical mistakes lost, an infinite loop and
a crash costing only their own exercise, a malformed notebook only its student, a test
cell pasted twice nothing, each listed as needing a look. The same class graded again by
serial ``nbgrader autograde`` gets the same scores.
"""

import io
import re
import shutil

import pytest
from harness import hidden_lines, text_of

from source_lib.grading import classroom
from source_lib.grading import demo as demo_class

LESSON = demo_class.LESSON
pytestmark = pytest.mark.xdist_group("classroom")


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    out = io.StringIO()
    root = tmp_path_factory.mktemp("demo") / "course"
    outcomes = demo_class.demo(root, out=out)
    return root, {o.student: o for o in outcomes}, out.getvalue()


def totals(root):
    _, rows, maximum = classroom.score_table(root, LESSON)
    return rows, maximum


def test_every_demo_student_gets_what_their_notebook_deserves(demo):
    root, _, _ = demo
    rows, maximum = totals(root)
    assert set(rows) == set(demo_class.STUDENTS), "every submission has a row in the gradebook"
    assert rows["ada"] == maximum, "her own correct code gets full marks"
    for exercise, points in rows["cy"].items():
        lost = exercise in ("gaussian_log_pdf", "gaussian_mle")
        assert points == (0 if lost else maximum[exercise]), f"cy/{exercise}: {points}"
    for student in ("ben", "dee", "eve", "fay", "hal"):
        assert not any(rows[student].values()), f"{student} scores nothing"
    for student in ("gus", "ivy"):   # copies earn what their code earns: the instructor decides
        assert {k for k, v in rows[student].items() if v} == {"bernoulli_nll"}, student


def test_what_needs_a_look_is_listed_and_nothing_else(demo):
    _, outcomes, text = demo
    for student in ("ben", "cy"):
        assert outcomes[student].graded and not outcomes[student].flags, outcomes[student].flags
    assert outcomes["dee"].graded and outcomes["dee"].flags == ["time-out: bernoulli_nll"]
    assert outcomes["eve"].graded and outcomes["eve"].flags[0].startswith("crash: sample_categorical")
    assert not outcomes["fay"].graded and "NotJSONError" in outcomes["fay"].flags[0]
    assert outcomes["hal"].graded and "a copy of the cell" in outcomes["hal"].flags[0]
    assert outcomes["gus"].flags == [f for f in outcomes["gus"].flags if "reference library" in f] \
        and outcomes["gus"].flags, "gus copied the reference library"
    for student in ("ada", "ivy"):
        assert len(outcomes[student].flags) == 1 and "ada and ivy are alike" in outcomes[student].flags[0]
    listed = text.split("needs a look (7):")[1].split("\n\n")[0]
    assert [line.split("/")[0].strip() for line in listed.strip().splitlines()] == \
        ["ada", "dee", "eve", "fay", "gus", "hal", "ivy"]


def test_the_demo_prints_the_gradebook_and_where_each_file_is(demo):
    root, _, text = demo
    table = text.split(f"{LESSON} (points out of")[1].split("\n\n")[0]
    for student in demo_class.STUDENTS:
        assert re.search(rf"^{student}\s", table, re.M), f"{student} missing from the table"
    for place in ("feedback", "autograded", "grades.csv", "gradebook.db"):
        assert str(root / place) in text


def test_feedback_hides_the_hidden_tests_and_the_review(demo):
    root, _, _ = demo
    hidden = hidden_lines(LESSON)
    for student in ("ada", "ben", "cy", "dee", "eve", "hal"):
        folder = root / "feedback" / student / LESSON
        text = text_of((folder / f"{LESSON}.html").read_text())
        assert not [line for line in hidden if line in text], f"{student}'s feedback leaks hidden tests"
        assert not (folder / "course-review.json").exists(), "the review is for the instructor"
    assert "did not return within" in (root / "feedback" / "dee" / LESSON / f"{LESSON}.html").read_text()


def test_the_export_lists_every_student(demo):
    root, _, _ = demo
    lines = (root / "grades.csv").read_text().splitlines()
    assert {line.split(",")[3] for line in lines[1:]} == set(demo_class.STUDENTS)


def test_parallel_grading_gives_serial_nbgraders_scores(demo, tmp_path):
    root, _, _ = demo
    serial = tmp_path / "serial"
    shutil.copytree(root, serial, ignore=shutil.ignore_patterns(
        "gradebook.db", "autograded", "feedback", "grades.csv"))   # the class as submitted
    classroom.run_nbgrader(serial, "generate_assignment", LESSON, "--force")
    classroom.run_nbgrader(serial, "autograde", LESSON, check=False)
    rows, _ = totals(serial)
    assert set(rows) == set(demo_class.STUDENTS)
    assert totals(serial) == totals(root)


def test_independent_correct_code_is_never_flagged_as_a_copy(demo, tmp_path):
    """The catalogue's correct alternatives of the lesson, each an independent implementation
    handed in as a student of its own, join the demo class: none is flagged as a copy, while
    the demo's copies (gus of the reference, ada and ivy of each other) still are."""
    import nbformat
    from catalogue_03_probability import variants

    root, _, _ = demo
    release = root / "course" / LESSON / f"{LESSON}.ipynb"
    used = set(demo_class.ADA.values()) | set(demo_class.CY.values())
    students = {}
    for i, variant in enumerate(v for v in variants.variants if v.kind == "correct"):
        if len(variant.targets) != 1 or any(variant.source.split("\n", 1)[1][:60] in u for u in used):
            continue   # ada's and cy's own code came from the catalogue: those pairs are copies
        students[f"alt{i:02d}"] = variant
        nb = nbformat.read(str(release), as_version=4)
        for cell in nb.cells:
            if cell.metadata.get("nbgrader", {}).get("grade_id") == variant.targets[0]:
                cell.source = "import numpy as np\n" + variant.source
        folder = root / "submitted" / f"alt{i:02d}" / LESSON
        folder.mkdir(parents=True)
        nbformat.write(nb, str(folder / f"{LESSON}.ipynb"))
    assert len(students) >= 15
    outcomes = {o.student: o for o in classroom.grade_class(root, [LESSON], progress=False)}
    flagged = {s: o.flags for s, o in outcomes.items() if s in students and o.flags}
    assert not flagged, f"correct alternatives flagged: {flagged}"
    assert any("reference library" in f for f in outcomes["gus"].flags)
    assert any("ada and ivy are alike" in f for f in outcomes["ivy"].flags)


ANSWER = ("import json, sys\n"
          "for line in sys.stdin: print(json.dumps({'returncode': 0, 'log': ''}), flush=True)")
DIE = "import sys; sys.stdin.readline()"   # reads a task, ends without an answer


def fake_lanes(monkeypatch, *programs):
    """Make Lane start ``programs`` in turn (then the last again) instead of nbgrader;
    return the list of lanes started."""
    started = []

    def start(lane):
        program = programs[min(len(started), len(programs) - 1)]
        started.append(lane)
        lane.proc = classroom.subprocess.Popen(
            [classroom.sys.executable, "-c", program], stdin=classroom.subprocess.PIPE,
            stdout=classroom.subprocess.PIPE, text=True, start_new_session=True)

    monkeypatch.setattr(classroom.Lane, "start", start)
    return started


def test_a_grading_process_that_dies_costs_only_that_submission(tmp_path, monkeypatch):
    """A lane that ends mid-task: its submission is listed as not graded, and the next
    task gets a new lane."""
    started = fake_lanes(monkeypatch, DIE, ANSWER)
    lane = classroom.Lane(tmp_path, force=False)
    first, second = lane.grade(LESSON, "a"), lane.grade(LESSON, "b")
    lane.stop()
    assert not first.graded and "grading process ended" in first.flags[0]
    assert second.graded and not second.flags and len(started) == 2


def test_a_grading_process_is_replaced_after_its_share_of_submissions(tmp_path, monkeypatch):
    started = fake_lanes(monkeypatch, ANSWER)
    monkeypatch.setattr(classroom, "LANE_TASKS", 2)
    lane = classroom.Lane(tmp_path, force=False)
    assert all(lane.grade(LESSON, student).graded for student in "abcde")
    lane.stop()
    assert len(started) == 3
