"""The attack catalogue (attacks.py), autograded by real nbgrader with the course's config.

One scratch course, one ``nbgrader autograde`` run: two honest students (graded first
and last), and one student per attack. Every attack must earn no undeserved point, leave
the honest students' marks, every file outside its scratch folder and the machine's
processes as they were.
"""

import hashlib
import json
import os

import nbformat
import psutil
import pytest
from attacks import ATTACKS as ALL_ATTACKS
from attacks import LESSON, TARGETS
from harness import ROOT, Course, meta, notebook_path, read

from source_lib.grading import sandbox

pytestmark = pytest.mark.xdist_group("attacks")
HONEST = ("aaa-honest", "zzz-honest")
# COURSE_ATTACKS=name,name runs only those (while working on one)
ATTACKS = [a for a in ALL_ATTACKS if not os.environ.get("COURSE_ATTACKS")
           or a.name in os.environ["COURSE_ATTACKS"].split(",")]


def build(attack, released):
    nb = read(notebook_path(LESSON) if attack.base == "solution" else released)
    for cell in nb.cells:
        source = (attack.answers or {}).get(meta(cell).get("grade_id"))
        if source is not None and meta(cell).get("solution"):
            cell.source = source
    if attack.prelude:
        first = next(i for i, c in enumerate(nb.cells) if c.cell_type == "code")
        nb.cells.insert(first + 1, nbformat.v4.new_code_cell(attack.prelude))
    if attack.edit is not None:
        attack.edit(nb)
    return nb


def fingerprint(paths):
    """A hash of every file under ``paths`` (contents and names)."""
    digest = {}
    for base in paths:
        for dirpath, dirnames, filenames in os.walk(base):
            dirnames[:] = [d for d in dirnames if d not in ("__pycache__", ".pytest_cache")]
            for name in filenames:
                path = os.path.join(dirpath, name)
                try:
                    with open(path, "rb") as f:
                        digest[path] = hashlib.sha256(f.read()).hexdigest()
                except OSError:
                    digest[path] = "unreadable"
    return digest


def sandbox_processes(grader_pid):
    """Processes of the sandboxes that the grading process ``grader_pid`` started (their
    user ids derive from its pid: source_lib.grading.sandbox._sandbox_uid)."""
    low = sandbox.uid_base(grader_pid)
    found = []
    for proc in psutil.process_iter(["uids", "cmdline"]):
        try:
            if low <= proc.info["uids"].real < low + sandbox.UIDS_PER_PROCESS:
                found.append(" ".join(proc.info["cmdline"] or [])[:120])
        except (psutil.Error, AttributeError):
            pass
    return found


@pytest.fixture(scope="module")
def attacked(tmp_path_factory):
    course = Course(tmp_path_factory.mktemp("attacks"))
    released = course.release(LESSON)
    for student in HONEST:
        course.submit(LESSON, student, notebook_path(LESSON))
    for attack in ATTACKS:
        path = course.root / f"{attack.name}.ipynb"
        nbformat.write(build(attack, released), str(path))
        course.submit(LESSON, f"attack-{attack.name}", path)
    targets = [t.format(course=course.root, root=ROOT) for t in TARGETS]
    assert not any(os.path.exists(t) for t in targets), "a target exists before the run"
    watched = [ROOT / "source_lib", course.root / "submitted", course.root / "solutions",
               course.root / "course", course.root / "nbgrader_config.py"]
    before = fingerprint(watched)
    site = sorted(os.listdir(ROOT / ".venv/lib/python3.11/site-packages"))
    scores = course.autograde(LESSON, check=False, timeout=2400)
    reviews = {}
    for student in scores:
        review = course.root / "autograded" / student / LESSON / "course-review.json"
        if review.exists():
            reviews[student] = json.loads(review.read_text())
    return dict(course=course, scores=scores, targets=targets, before=before,
                after=fingerprint(watched), watched=watched, reviews=reviews,
                site=(site, sorted(os.listdir(ROOT / ".venv/lib/python3.11/site-packages"))),
                leftover=sandbox_processes(course.pid))


def exercise_of(grade_id):
    name = grade_id[len("test_"):]
    for suffix in ("_errors", "_stable"):
        name = name[: -len(suffix)] if name.endswith(suffix) else name
    return name


@pytest.mark.parametrize("attack", ATTACKS, ids=[a.name for a in ATTACKS])
def test_attack_earns_no_undeserved_point(attacked, attack):
    scores = attacked["scores"].get(f"attack-{attack.name}")
    assert scores, f"{attack.name} was not graded at all: {attacked['course'].log[-1500:]}"
    undeserved = {g: s for g, (s, _) in scores.items() if s > 0 and exercise_of(g) not in attack.spares}
    assert not undeserved, f"{attack.name} ({attack.why}) earned {undeserved}"
    if attack.keeps:
        lost = {g: (s, m) for g, (s, m) in scores.items() if exercise_of(g) in attack.spares and s != m}
        assert not lost, f"{attack.name} cost more than its own exercise: {lost}"


def test_honest_students_keep_full_marks(attacked):
    for student in HONEST:
        scores = attacked["scores"][student]
        assert scores and all(s == m for s, m in scores.values()), (student, scores)


def test_nothing_outside_the_scratch_folders_changed(attacked):
    changed = {p for p in set(attacked["before"]) | set(attacked["after"])
               if attacked["before"].get(p) != attacked["after"].get(p)}
    assert not changed, f"files changed outside the sandboxes: {sorted(changed)[:10]}"
    assert not [t for t in attacked["targets"] if os.path.exists(t)]
    assert attacked["site"][0] == attacked["site"][1], "the environment's site-packages changed"


def test_no_process_is_left_behind(attacked):
    assert not attacked["leftover"], attacked["leftover"]


def test_every_submission_was_graded_in_the_sandbox(attacked):
    """Every notebook nbgrader graded (it rejects some forged ones whole) went through the
    trusted checks, sandboxed."""
    graded = {p.parent.parent.name
              for p in (attacked["course"].root / "autograded").glob(f"*/{LESSON}/{LESSON}.ipynb")}
    assert set(HONEST) <= graded and len(graded) > len(ATTACKS) // 2
    assert set(attacked["reviews"]) == graded
    assert all(r["sandboxed"] for r in attacked["reviews"].values())


def test_the_review_names_the_tampering(attacked):
    """An instructor's review lists what tampered, timed out or crashed."""
    reviews = attacked["reviews"]
    if len(ATTACKS) == len(ALL_ATTACKS):
        assert reviews["attack-setprofile-off"]["tampering"]
        assert any("time-out" in e for e in reviews["attack-infinite-loop"]["events"])
        assert reviews["attack-top-level-loop"]["startup_failure"]
    assert not reviews["aaa-honest"]["tampering"] and not reviews["aaa-honest"]["events"]
