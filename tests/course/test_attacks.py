"""The attack catalogue (attacks.py), autograded by real nbgrader with the course's config.

Three scratch courses graded side by side, each by one ``nbgrader autograde`` run with two
honest students graded first and last: lesson 04 (most attacks), lesson 12 (torch) and a
copy of the repository in another folder graded with TMPDIR elsewhere. Then ``nbgrader
generate_feedback``. Every attack must earn no undeserved point and be named in what the
instructor sees; no attack may change anything outside its sandbox (files, processes,
cgroups), reach the instructor's page with a script, or see into the hidden tests, the
gradebook or another student's work through its feedback. Attacks listed in
``attacks.KNOWN_HOLES`` fail with the hole they go through (see ``attacks.HOLES``).

``COURSE_ATTACKS=name,name`` runs only those attacks (while working on one).
"""

import hashlib
import json
import os
import re
import shutil
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import psutil
import pytest
from attacks import ATTACKS as ALL_ATTACKS
from attacks import HOLES, KNOWN_HOLES, LESSON, MARK, RESIDUAL, SECRET, TARGETS
from harness import ROOT, Course, hidden_lines, meta, notebook_path, read, text_of

from source_lib.grading import sandbox
from source_lib.grading.pipeline import REVIEW_FILE, flags

pytestmark = pytest.mark.xdist_group("attacks")
HONEST = ("aaa-honest", "zzz-honest")
ONLY = [n for n in os.environ.get("COURSE_ATTACKS", "").split(",") if n]
ATTACKS = [a for a in ALL_ATTACKS if not ONLY or a.name in ONLY]
GRADED = [a for a in ATTACKS if a.measure is None]
MEASURED = [a for a in ATTACKS if a.measure is not None]
RUNS = {"main": LESSON, "torch": RESIDUAL, "elsewhere": LESSON}
WATCHED_HOST = ["/tmp", "/dev/shm", "/var/tmp"]


# --------------------------------------------------------------------------- #
# Building and grading
# --------------------------------------------------------------------------- #

def completed(lesson, released):
    """The release with the solution's answers: what an honest student submits."""
    nb = read(released)
    answers = {meta(c)["grade_id"]: c.source for c in read(notebook_path(lesson)).cells
               if meta(c).get("solution")}
    for cell in nb.cells:
        if meta(cell).get("solution") and meta(cell).get("grade_id") in answers:
            cell.source = answers[meta(cell)["grade_id"]]
    return nb


def build(attack, released):
    nb = read(notebook_path(attack.lesson)) if attack.base == "solution" else \
        completed(attack.lesson, released) if attack.base == "completed" else read(released)
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


def honest_notebook(lesson, run, student, released):
    """The release completed with the solution's answers, with a private mark no one else
    may ever see."""
    nb = completed(lesson, released)
    mark = f"{SECRET}-{run}-{student}"
    first = next(c for c in nb.cells if meta(c).get("solution"))
    first.source = f"# {mark}\n" + first.source
    nb.cells.insert(1, nbformat.v4.new_markdown_cell(f"Private notes ({mark})."))
    return nb


class ElsewhereCourse(Course):
    """A course directory that is a copy of the repository in another folder (its own
    library first on the path), graded with TMPDIR elsewhere."""

    def __init__(self, root, tmpdir):
        super().__init__(root, env={"PYTHONPATH": str(root), "TMPDIR": str(tmpdir)})
        shutil.copytree(ROOT / "source_lib", self.root / "source_lib",
                        ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
        self.tmpdir = Path(tmpdir)
        self.tmpdir.mkdir(parents=True, exist_ok=True)


def fingerprint(paths):
    """A hash of every file under ``paths`` (contents and names), links not followed."""
    digest = {}
    for base in paths:
        base = Path(base)
        if base.is_file() or base.is_symlink():
            digest[str(base)] = _hash(base)
            continue
        for dirpath, dirnames, filenames in os.walk(base):
            dirnames[:] = [d for d in dirnames if d not in ("__pycache__", ".pytest_cache")]
            for name in filenames:
                digest[os.path.join(dirpath, name)] = _hash(Path(dirpath) / name)
    return digest


def _hash(path):
    try:
        if path.is_symlink():
            return "link:" + os.readlink(path)
        with open(path, "rb") as f:
            return hashlib.sha256(f.read()).hexdigest()
    except OSError:
        return "unreadable"


def grade_run(run, base, attacks):
    """One scratch course: release, submissions, autograde, feedback; what came of it."""
    lesson = RUNS[run]
    course = ElsewhereCourse(base / "course-copy", base / "tmpdir") if run == "elsewhere" \
        else Course(base)
    released = course.release(lesson)
    for student in HONEST:
        path = course.root / f"{student}.ipynb"
        nbformat.write(honest_notebook(lesson, run, student, released), str(path))
        course.submit(lesson, student, path)
    skipped = {}
    for attack in attacks:
        reason = attack.preflight() if attack.preflight is not None else None
        if reason:
            skipped[attack.name] = reason
            continue
        path = course.root / f"{attack.name}.ipynb"
        nb = build(attack, released)
        (attack.write or (lambda p, n: nbformat.write(n, str(p))))(path, nb)
        course.submit(lesson, attack.student, path)
        if attack.folder is not None:
            attack.folder(course.root / "submitted" / attack.student / lesson, course.root)
    folders = [course.root / "submitted" / s for s in HONEST]
    watched = folders + [course.root / p for p in ("solutions", "course", "nbgrader_config.py")]
    if run == "elsewhere":
        watched += [course.root / "source_lib", course.tmpdir]
    before = fingerprint(watched)
    start = time.monotonic()
    scores = course.autograde(lesson, check=False, timeout=1200)
    grading_seconds = time.monotonic() - start
    pid = course.pid
    leftover = sandbox_processes(pid, course.root)
    after = fingerprint(watched)
    reviews = {}
    for student in scores:
        review = course.root / "autograded" / student / lesson / REVIEW_FILE
        if review.exists():
            reviews[student] = json.loads(review.read_text())
    log = course.log
    feedback = course.nbgrader("generate_feedback", lesson, "--force", check=False, timeout=600)
    return dict(run=run, lesson=lesson, course=course, scores=scores, reviews=reviews, log=log,
                before=before, after=after, pid=pid, leftover=leftover, skipped=skipped,
                cgroups=cgroups_of(pid), seconds=grading_seconds,
                feedback_log=feedback.stdout + feedback.stderr)


def sandbox_processes(grader_pid, course_root):
    """Processes of the sandboxes that the grading process ``grader_pid`` started (their
    user ids derive from its pid: source_lib.grading.sandbox._sandbox_uid), and any process
    whose command line names the course (bubblewrap's, which hides it)."""
    low = sandbox.uid_base(grader_pid)
    found = []
    for proc in psutil.process_iter(["uids", "cmdline"]):
        try:
            cmdline = " ".join(proc.info["cmdline"] or [])
            if low <= proc.info["uids"].real < low + sandbox.UIDS_PER_PROCESS \
                    or str(course_root) in cmdline:
                found.append(f"{proc.pid}: {cmdline[:120]}")
        except (psutil.Error, AttributeError, TypeError):
            pass
    return found


def cgroups_of(grader_pid):
    """The sandboxes' cgroups of grading process ``grader_pid`` that still exist."""
    kind, base = sandbox.cgroup_support()
    if kind is None:
        return []
    bases = [base] if kind == "v2" else list(base.values())
    return [str(p) for b in bases for p in Path(b).glob(f"course-sandbox-{grader_pid}-*")]


def sandbox_owned(paths, uid_ranges, limit=200_000):
    """Files under ``paths`` owned by a sandbox's user, or named like an attack's."""
    found = []
    for top in paths:
        seen = 0
        for dirpath, dirnames, filenames in os.walk(top):
            for name in dirnames + filenames:
                seen += 1
                path = os.path.join(dirpath, name)
                try:
                    uid = os.lstat(path).st_uid
                except OSError:
                    continue
                own = re.search(r"/(submitted|autograded|feedback)/attack-[\w-]+/", path + "/")
                if any(low <= uid < high for low, high in uid_ranges) or \
                        (MARK in name and "preflight" not in name and not own):
                    found.append(path)
            if seen > limit:
                break
    return found


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    base = tmp_path_factory.mktemp("attacks")
    targets = [t.format(course="{course}", root=ROOT) for t in TARGETS]
    assert not [t for t in targets if "{course}" not in t and os.path.exists(t)], \
        "a target exists before the run"
    site = ROOT / ".venv/lib/python3.11/site-packages"
    site_before = sorted(os.listdir(site))
    host_before = {p: set(os.listdir(p)) for p in WATCHED_HOST if os.path.isdir(p)}
    start = time.monotonic()
    measured = {}

    def measure(attack):
        measured[attack.name] = attack.measure(base)

    threads = [threading.Thread(target=measure, args=(a,)) for a in MEASURED]
    for t in threads:
        t.start()
    runs = {}
    wanted = {a.run for a in GRADED} | (set() if ONLY else set(RUNS))
    with ThreadPoolExecutor(max_workers=len(wanted) or 1) as pool:
        futures = {run: pool.submit(grade_run, run, base / run, [a for a in GRADED if a.run == run])
                   for run in wanted}
        for run, future in futures.items():
            runs[run] = future.result()
    for t in threads:
        t.join()
    uid_ranges = [(sandbox.uid_base(r["pid"]), sandbox.uid_base(r["pid"]) + sandbox.UIDS_PER_PROCESS)
                  for r in runs.values()]
    scanned = WATCHED_HOST + [str(base), str(ROOT / "source_lib"), str(site)]
    return dict(runs=runs, measured=measured, seconds=time.monotonic() - start,
                targets=[t.replace("{course}", str(r["course"].root)) for t in targets
                         for r in runs.values()],
                site=(site_before, sorted(os.listdir(site))),
                host=(host_before, {p: set(os.listdir(p)) for p in host_before}),
                owned=sandbox_owned(scanned, uid_ranges), uid_ranges=uid_ranges)


# --------------------------------------------------------------------------- #
# Verdicts, with the known holes said
# --------------------------------------------------------------------------- #

def judge(attack, aspect, problem):
    """Fail on ``problem``, naming the hole it goes through if it is a known one; fail too
    if a known hole no longer shows (the list must stay true)."""
    hole = KNOWN_HOLES.get(attack.name, {}).get(aspect)
    if problem and hole:
        pytest.fail(f"KNOWN HOLE {hole} ({attack.name}, {aspect}): {problem}\n\n{HOLES[hole]}",
                    pytrace=False)
    if problem:
        pytest.fail(f"{attack.name} ({attack.why}): {problem}", pytrace=False)
    if hole:
        pytest.fail(f"{attack.name}: the hole {hole} ({aspect}) no longer shows: remove it "
                    "from attacks.KNOWN_HOLES", pytrace=False)


def run_of(graded, attack):
    return graded["runs"][attack.run]


def exercise_of(grade_id):
    name = grade_id[len("test_"):]
    for suffix in ("_errors", "_stable"):
        name = name[: -len(suffix)] if name.endswith(suffix) else name
    return name


def seen_by_instructor(run, student):
    """What the instructor sees about ``student``: the review's flags, the errors of the
    cells, and nbgrader's log lines about the student that say something is wrong."""
    review = run["reviews"].get(student, {})
    lines = flags(review) if review else []
    lines += [str(e) for e in review.get("startup_errors", [])]
    who = re.compile(re.escape(student) + r"(?![\w-])")
    lines += [line for line in run["log"].splitlines()
              if who.search(line) and re.search(r"needs a look|rror", line)]
    return "\n".join(lines)


def unpack_problem(graded, attack):
    """Why an attack could not be judged (not graded at all, or not submitted)."""
    run = run_of(graded, attack)
    if attack.name in run["skipped"]:
        return f"not put through nbgrader: {run['skipped'][attack.name]}"
    return None


# --------------------------------------------------------------------------- #
# Points
# --------------------------------------------------------------------------- #

@pytest.mark.parametrize("attack", GRADED, ids=[a.name for a in GRADED])
def test_attack_earns_no_undeserved_point(graded, attack):
    run = run_of(graded, attack)
    problem = unpack_problem(graded, attack)
    if problem:
        judge(attack, "points", problem)
        return
    scores = run["scores"].get(attack.student)
    if attack.honest:
        lost = {g: (s, m) for g, (s, m) in (scores or {}).items() if s != m}
        judge(attack, "points", None if scores and not lost else
              f"an honest accident lost points: {lost or 'not graded'}\n{run['log'][-1500:]}")
        return
    if not scores:    # not graded: nbgrader could not read it, or it was set aside (zeros)
        return
    undeserved = {g: s for g, (s, _) in scores.items()
                  if s > 0 and exercise_of(g) not in attack.spares}
    lost = {g: (s, m) for g, (s, m) in scores.items()
            if attack.keeps and exercise_of(g) in attack.spares and s != m}
    judge(attack, "points", f"earned {undeserved}" if undeserved else
          f"cost more than its own exercise: {lost}" if lost else None)


def test_honest_students_keep_full_marks(graded):
    for name, run in graded["runs"].items():
        for student in HONEST:
            scores = run["scores"].get(student)
            assert scores and all(s == m for s, m in scores.values()), \
                (name, student, scores, run["log"][-2000:])


def test_honest_students_are_not_flagged(graded):
    for name, run in graded["runs"].items():
        for student in HONEST:
            seen = [line for line in seen_by_instructor(run, student).splitlines()
                    if not re.search(r"(^|: )copy: ", line)]   # the solution is theirs here
            assert not seen, f"{name}/{student} is flagged: {seen[:5]}"


# --------------------------------------------------------------------------- #
# Named
# --------------------------------------------------------------------------- #

NAMED = [a for a in GRADED if a.named is not None]


@pytest.mark.parametrize("attack", NAMED, ids=[a.name for a in NAMED])
def test_attack_is_named_in_the_review(graded, attack):
    run = run_of(graded, attack)
    problem = unpack_problem(graded, attack)
    if problem:
        judge(attack, "named", problem)
        return
    if attack.family == "copy" and not any("copies" in r for g in graded["runs"].values()
                                           for r in g["reviews"].values()):
        pytest.skip("no copy detector yet (review['copies']): the reference library pasted into "
                    "a cell earns the points of the reference; the detector being built "
                    "separately must name it")
    seen = seen_by_instructor(run, attack.student)
    missing = [p for p in attack.named if not re.search(p, seen)]
    judge(attack, "named", f"the review does not show {missing}; it shows:\n{seen[:1500] or '(nothing)'}"
          if missing else None)


# --------------------------------------------------------------------------- #
# Measured attacks: bounded
# --------------------------------------------------------------------------- #

@pytest.mark.parametrize("attack", MEASURED, ids=[a.name for a in MEASURED])
def test_measured_attack_is_bounded(graded, attack):
    judge(attack, "measure", graded["measured"][attack.name])


# --------------------------------------------------------------------------- #
# Harm
# --------------------------------------------------------------------------- #

def test_nothing_outside_the_sandboxes_changed(graded):
    for name, run in graded["runs"].items():
        changed = {p for p in set(run["before"]) | set(run["after"])
                   if run["before"].get(p) != run["after"].get(p)}
        assert not changed, f"{name}: files changed outside the sandboxes: {sorted(changed)[:10]}"
    assert not [t for t in graded["targets"] if os.path.exists(t)]
    assert graded["site"][0] == graded["site"][1], "the environment's site-packages changed"
    assert not graded["owned"], f"files of a sandbox's user or an attack's outside: {graded['owned'][:10]}"
    before, after = graded["host"]
    new = {p: sorted(n for n in after[p] - before[p] if MARK in n) for p in after}
    assert not any(new.values()), f"new files in the host's temporary folders: {new}"


def test_the_gradebook_holds_grades_only(graded):
    for name, run in graded["runs"].items():
        db = run["course"].db
        assert db.exists() and not any(low <= db.stat().st_uid < high
                                       for low, high in graded["uid_ranges"])
        students = set(run["scores"])
        expected = set(HONEST) | {a.student for a in GRADED if a.run == name
                                  and a.name not in run["skipped"]}
        assert students <= expected | {"attack-student-is-a-link"}, students - expected


def test_no_process_is_left_behind(graded):
    for name, run in graded["runs"].items():
        assert not run["leftover"], (name, run["leftover"])
    for name, run in graded["runs"].items():   # and none came back since
        assert not sandbox_processes(run["pid"], run["course"].root), name


def test_no_cgroup_is_left_behind(graded):
    for name, run in graded["runs"].items():
        assert not run["cgroups"], (name, run["cgroups"])


def test_every_graded_submission_was_sandboxed_and_reviewed(graded):
    for name, run in graded["runs"].items():
        root = run["course"].root
        notebooks = {p.parent.parent.name for p in
                     (root / "autograded").glob(f"*/{run['lesson']}/{run['lesson']}.ipynb")}
        assert set(HONEST) <= notebooks, (name, notebooks, run["log"][-2000:])
        assert set(run["reviews"]) == notebooks, (name, notebooks ^ set(run["reviews"]))
        unsandboxed = [s for s, r in run["reviews"].items() if not r.get("sandboxed")]
        assert not unsandboxed, (name, unsandboxed)
        if sandbox.cgroup_support()[0] is not None:
            loose = [s for s, r in run["reviews"].items() if r.get("bounded") not in (None, "cgroup")]
            assert not loose, f"{name}: sandboxes bounded per process only: {loose}"


# --------------------------------------------------------------------------- #
# Feedback and the instructor's page
# --------------------------------------------------------------------------- #

def test_feedback_shows_no_hidden_test_and_nothing_of_others(graded):
    """No feedback file shows a line of the hidden tests, another student's work, the
    gradebook or the instructor's review (a known hole is said with the attack it lets in)."""
    problems = {}
    for name, run in graded["runs"].items():
        hidden = hidden_lines(run["lesson"])
        feedback = run["course"].root / "feedback"
        assert feedback.is_dir() and any(feedback.rglob("*.html")), (name, run["feedback_log"][-1500:])
        for student_dir in sorted(feedback.iterdir()):
            student = student_dir.name
            own = f"{SECRET}-{name}-{student}"
            for path in student_dir.rglob("*"):
                if not path.is_file() or path.is_symlink():
                    continue
                data = path.read_bytes()
                where = f"{name}/feedback/{path.relative_to(feedback)}"
                text = data.decode("utf-8", "replace")
                shown = text_of(text) if path.suffix == ".html" else text
                others = {m for m in re.findall(re.escape(SECRET) + r"-[\w-]+", text) if m != own}
                found = ([f"{where}: a copy of the gradebook"] if b"SQLite format 3" in data else []) \
                    + ([f"{where}: the instructor's review"] if path.name == REVIEW_FILE else []) \
                    + ([f"{where}: another student's work ({sorted(others)[:2]})"] if others else []) \
                    + [f"{where}: the hidden test line {line!r}" for line in hidden if line in shown][:2]
                if found:
                    problems.setdefault(student, []).extend(found)
    judge_all("harm", problems)


def judge_all(aspect, problems, holes=("H12",)):
    """Fail on the problems of every student, saying the known holes behind attacks'; and
    when an attack listed with one of ``holes`` (those this test sees) shows none."""
    by_student = {a.student: a for a in ATTACKS}
    lines = []
    for student, found in sorted(problems.items()):
        attack = by_student.get(student)
        hole = KNOWN_HOLES.get(attack.name, {}).get(aspect) if attack else None
        lines += [f"{'KNOWN HOLE ' + hole + ': ' if hole else ''}{p}" for p in found]
    closed = [f"{a.name}: the hole {KNOWN_HOLES[a.name][aspect]} ({aspect}) no longer shows here"
              for a in GRADED if KNOWN_HOLES.get(a.name, {}).get(aspect) in holes
              and a.student not in problems]
    if lines or closed:
        holes = sorted({h for line in lines for h in re.findall(r"KNOWN HOLE (H\d+)", line)})
        pytest.fail("\n".join(lines + closed) + "".join(f"\n\n{h}: {HOLES[h]}" for h in holes),
                    pytrace=False)


LIVE = [
    re.compile(r"<script\b[^>]*>[^<]*" + MARK, re.I),
    re.compile(r"<(?!/)[a-z][^>]*\son\w+\s*=\s*[\"']?[^>]*" + MARK, re.I),
    re.compile(r"<[a-z][^<>]*\s(href|src|action|formaction|xlink:href)\s*=\s*[\"']?\s*"
               r"(javascript|vbscript|data:text)[^>]{0,60}", re.I),
    re.compile(r"<(svg|iframe|object|embed)\b[^>]*" + MARK, re.I),
    re.compile(r"<(svg|iframe|object|embed)\b[^>]*>(?:(?!</).)*" + MARK, re.I | re.S),
]


def live_markup(page):
    """The pieces of an HTML page that would run a script of the student's."""
    found = []
    for pattern in LIVE:
        found += [m.group(0)[:160] for m in pattern.finditer(page)]
    return found


def formgrader_page(notebook, run):
    """The page Formgrader shows the instructor for an autograded notebook (its exporter and
    template: nbgrader.server_extensions.formgrader)."""
    from nbconvert.exporters import HTMLExporter
    from nbgrader.server_extensions.formgrader import handlers
    from traitlets.config import Config

    config = Config()
    config.HTMLExporter.template_name = "formgrade"
    config.HTMLExporter.extra_template_basedirs = [handlers.template_path]
    resources = {"assignment_id": run["lesson"], "notebook_id": run["lesson"], "submission_id": "x",
                 "index": 0, "total": 1, "base_url": "", "student": notebook.parent.parent.name,
                 "last_name": "", "first_name": "", "notebook_path": str(notebook)}
    page, _ = HTMLExporter(config=config).from_filename(str(notebook), resources=resources)
    return page


def pages_of(run, student):
    """The instructor's Formgrader page and the student's feedback of a submission (a page
    that cannot be made is said as such)."""
    root = run["course"].root
    notebook = root / "autograded" / student / run["lesson"] / f"{run['lesson']}.ipynb"
    pages = {}
    if notebook.exists():
        try:
            pages["Formgrader"] = formgrader_page(notebook, run)
        except Exception as err:  # noqa: BLE001 - a page that fails shows nothing
            pages["Formgrader"] = None
            pages["Formgrader error"] = repr(err)[:300]
        feedback = list((root / "feedback" / student).rglob("*.html"))
        pages["feedback"] = feedback[0].read_text(errors="replace") if feedback else None
    return pages


MARKUP = [a for a in GRADED if a.family == "markup"]


@pytest.mark.parametrize("attack", MARKUP, ids=[a.name for a in MARKUP])
def test_no_script_of_a_student_reaches_the_instructor(graded, attack):
    """What a submission brings is shown as text: no script of the student's runs in
    Formgrader or in the feedback, and both pages exist."""
    run = run_of(graded, attack)
    pages = pages_of(run, attack.student)
    problems = []
    if not pages:
        problems.append("the submission was not graded")
    for where in ("Formgrader", "feedback"):
        if pages and pages.get(where) is None:
            problems.append(f"no {where} page ({pages.get(where + ' error', 'generate_feedback failed')})")
        elif pages:
            live = live_markup(pages[where])
            if live:
                problems.append(f"live markup in {where}: {live[:8]}")
    judge(attack, "harm", "; ".join(problems) or None)


def test_no_feedback_carries_live_markup(graded):
    """The feedback of every student (attacks of every family, honest students) and the
    honest students' Formgrader pages carry no script of a student's."""
    found = {}
    for name, run in graded["runs"].items():
        for page in (run["course"].root / "feedback").rglob("*.html"):
            if page.parent.parent.name not in {a.student for a in MARKUP}:
                live = live_markup(page.read_text(errors="replace"))
                if live:
                    found[str(page)] = live[:4]
        for student in HONEST:
            pages = pages_of(run, student)
            assert pages.get("Formgrader") and pages.get("feedback"), (name, student, pages.keys())
    assert not found, found


def test_huge_outputs_are_capped(graded):
    run = graded["runs"].get("main")
    if run is None or "huge-outputs" not in {a.name for a in GRADED}:
        pytest.skip("the attack huge-outputs is not in this run")
    root = run["course"].root
    notebook = root / "autograded" / "attack-huge-outputs" / LESSON / f"{LESSON}.ipynb"
    assert notebook.exists(), run["log"][-1500:]
    assert notebook.stat().st_size < 20 << 20, f"{notebook.stat().st_size >> 20} MiB stored"
    for page in (root / "feedback" / "attack-huge-outputs").rglob("*.html"):
        assert page.stat().st_size < 30 << 20, f"{page.stat().st_size >> 20} MiB of feedback"


def test_grading_works_elsewhere_and_says_where(graded):
    """TMPDIR elsewhere, the course a copy of the repository in another folder: the solution
    gets full marks (test_honest_students_keep_full_marks), sandboxed, and nothing is left in
    that TMPDIR."""
    run = graded["runs"].get("elsewhere")
    if run is None:
        pytest.skip("the elsewhere run is not in this selection")
    course = run["course"]
    if not os.environ.get("PYTHONDONTWRITEBYTECODE"):   # the copy's own library graded
        assert list((course.root / "source_lib" / "grading" / "__pycache__").glob("pipeline.*.pyc"))
    for student in HONEST:
        review = run["reviews"].get(student)
        assert review and review["sandboxed"], (student, run["log"][-2000:])
    assert not [p for p in course.tmpdir.rglob("*") if MARK in p.name]


def test_the_run_is_quick(graded):
    """The whole catalogue within the CI's budget for it (4 minutes on 2 cores, with room)."""
    if ONLY:
        pytest.skip("a selection")
    assert graded["seconds"] < 330, {n: round(r["seconds"]) for n, r in graded["runs"].items()}
