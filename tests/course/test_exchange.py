"""nbgrader's exchange, end to end, as on a JupyterHub: the instructor releases a lesson
into an exchange directory, two students list, fetch and submit it from homes of their
own, and the instructor lists and collects both submissions. Nothing is graded here
(test_course.py grades every lesson).

Run as root with ``setpriv`` and bubblewrap (``make test`` installs it when run as
root), each student is a user id of their own, so the exchange's file permissions are
what keeps the students apart, and a test checks them. Elsewhere both students run as the current
user (a user cannot become another without privileges): the cycle is still tested,
the permissions test is skipped.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import nbformat
import pytest
from harness import BIN, ROOT, Course, is_solution, notebook_path, read

from nbgrader.utils import parse_utc

pytestmark = pytest.mark.xdist_group("exchange")
LESSON = "03_probability"     # one of the quickest to release
COURSE_ID = re.search(r'course_id = "([^"]+)"', (ROOT / "nbgrader_config.py").read_text())[1]
# Students' user ids: no account has them, and they are below the ids of the grading
# sandboxes (source_lib.grading.sandbox.uid_base), so nothing else runs as them.
STUDENTS = {"alice": 2_999_801, "bob": 2_999_802}
EDIT = "# alice's answer\nraise NotImplementedError()"


def _unreachable(path):
    """The first directory above ``path`` that other users cannot enter, or None."""
    for parent in reversed(Path(path).parents):
        if not parent.stat().st_mode & 0o001:
            return parent
    return None


@lru_cache(maxsize=1)
def switch_user():
    """How to run a command as another user: a function ``uid -> command prefix``, or None
    if this machine cannot (not root, no setpriv or bubblewrap, or they fail here).

    ``setpriv`` changes the user. Around it, bubblewrap gives the command a mount
    namespace in which this Python is reachable even if it lives in a home that only
    root may enter (a pyenv under /root): that home is replaced by an empty one holding
    only the interpreter, read-only. The rest of the file system is the real one.
    """
    if os.geteuid() != 0 or not (shutil.which("setpriv") and shutil.which("bwrap")):
        return None
    wrap = ["bwrap", "--bind", "/", "/"]
    targets = {Path(p).resolve() for p in (sys.prefix, sys.base_prefix)}
    hidden = {h for h in map(_unreachable, targets) if h is not None}
    for home in sorted(hidden):
        wrap += ["--perms", "0755", "--tmpfs", str(home)]
    for target in sorted(t for t in targets if _unreachable(t) is not None):
        home = _unreachable(target)
        for parent in reversed(target.parents):
            if parent.is_relative_to(home) and parent != home:
                wrap += ["--perms", "0755", "--dir", str(parent)]   # bwrap's default is 0700
        wrap += ["--ro-bind", str(target), str(target)]

    def prefix(uid):
        return [*wrap, "--", "setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups", "--"]

    probe = subprocess.run([*prefix(STUDENTS["alice"]), str(BIN / "python"), "-c", "import nbgrader"],
                           capture_output=True, cwd="/")
    return prefix if probe.returncode == 0 else None


@dataclass
class Student:
    """A student account: a user id (None: the current user) and a home that is also the
    working directory, as on JupyterHub."""

    name: str
    uid: int | None
    home: Path
    config_dir: Path

    def run(self, *argv, check=True):
        env = {"PATH": f"{BIN}{os.pathsep}/usr/bin{os.pathsep}/bin", "HOME": str(self.home),
               "LANG": "C.UTF-8", "PYTHONDONTWRITEBYTECODE": "1",
               "JUPYTER_CONFIG_PATH": str(self.config_dir)}   # the hub-wide config
        prefix = switch_user()(self.uid) if self.uid is not None else []
        proc = subprocess.run([*prefix, *argv], cwd=self.home, env=env, capture_output=True,
                              text=True, timeout=120)
        if check and proc.returncode != 0:
            raise RuntimeError(f"{self.name}: {' '.join(argv)} failed ({proc.returncode}):\n"
                               f"{proc.stdout}\n{proc.stderr}")
        return proc

    def nbgrader(self, *args):
        """Run nbgrader; return its log (nbgrader logs its listings at INFO, on stderr)."""
        return self.run(str(BIN / "nbgrader"), *args).stderr


def listed(log, *fields):
    """The lines of an ``nbgrader list`` log that start with ``fields``."""
    start = f"] {' '.join(fields)}"
    return [line for line in log.splitlines() if "[ListApp | INFO" in line and start in line]


# Run as bob against alice's submission. nbgrader keeps submissions apart by making the
# inbound directory unlistable (mode 2733) and naming each submission with its timestamp
# and a random string; the files in it are the submitter's, mode 644. It does not stop a
# student who knows the name from reading the files, or from replacing them (the
# submission's own directory is 777 so that the instructor can remove it): not tested.
PROBE = r"""
import json, os, sys
inbound, theirs, release, course = sys.argv[1:]
def attempt(action):
    try:
        action()
        return "allowed"
    except PermissionError:
        return "denied"
print(json.dumps({
    "list the inbound directory": attempt(lambda: os.listdir(inbound)),
    "overwrite alice's submitted notebook": attempt(lambda: open(theirs, "r+b").close()),
    "change the released notebook": attempt(
        lambda: open(os.path.join(release, os.path.basename(theirs)), "r+b").close()),
    "add a file to the release": attempt(lambda: open(os.path.join(release, "x.py"), "x").close()),
    "rename the course's directory": attempt(lambda: os.rename(course, course + "-moved")),
}))
"""


@pytest.fixture(scope="module")
def cycle(tmp_path_factory):
    """Release, list, fetch, submit (alice edits a cell, bob submits the release as it is),
    list and collect; return what each step left."""
    course = Course(tmp_path_factory.mktemp("exchange") / "instructor")
    released = course.release(LESSON)
    multiuser = switch_user() is not None
    # The exchange and the students' homes are outside pytest's temporary directory,
    # which only its owner may enter. 711: others may pass through, not list.
    shared = Path(tempfile.mkdtemp(prefix="course-exchange-"))
    try:
        shared.chmod(0o711)
        exchange = shared / "exchange"
        exchange.mkdir()
        exchange.chmod(0o1777)      # as an administrator creates it on a hub
        config_dir = shared / "etc"
        config_dir.mkdir(mode=0o755)
        # The hub-wide configuration (/etc/jupyter/nbgrader_config.py on a hub).
        (config_dir / "nbgrader_config.py").write_text(
            f"c = get_config()\nc.Exchange.root = {str(exchange)!r}\n"
            f"c.CourseDirectory.course_id = {COURSE_ID!r}\n")
        (shared / "home").mkdir(mode=0o711)
        students = {}
        for name, uid in STUDENTS.items():
            home = shared / "home" / name
            home.mkdir()
            if multiuser:
                os.chown(home, uid, uid)
                home.chmod(0o700)
            students[name] = Student(name, uid if multiuser else None, home, config_dir)

        with pytest.MonkeyPatch.context() as mp:
            mp.setenv("JUPYTER_CONFIG_PATH", str(config_dir))   # course.nbgrader passes it on
            course.nbgrader("release_assignment", LESSON)
            logs = {}
            for name, student in students.items():
                logs[name] = {"list": student.nbgrader("list")}
                student.nbgrader("fetch_assignment", LESSON)
                mine = notebook_path(LESSON, student.home)
                if name == "alice":
                    nb = read(mine)
                    next(c for c in nb.cells if is_solution(c)).source = EDIT
                    nbformat.write(nb, str(mine))   # in place: the file stays alice's
                # The students' user ids have no account name, which nbgrader would
                # take as the student id (on a hub: the JupyterHub user name).
                student.nbgrader("submit", LESSON, f"--student={name}")
                logs[name]["cached"] = student.nbgrader("list", "--cached")
                logs[name]["inbound"] = student.nbgrader("list", "--inbound")
            inbound = exchange / COURSE_ID / "inbound"
            submissions = {p.name.split("+")[0]: p for p in inbound.iterdir()}
            probe = None
            if multiuser:
                theirs = submissions["alice"] / f"{LESSON}.ipynb"
                probe = json.loads(students["bob"].run(
                    str(BIN / "python"), "-c", PROBE, str(inbound), str(theirs),
                    str(exchange / COURSE_ID / "outbound" / LESSON), str(exchange / COURSE_ID)).stdout)
            # nbgrader lists at INFO, which course.nbgrader's --log-level=WARN would hide
            listing = subprocess.run(
                [str(BIN / "nbgrader"), "list", "--inbound"], cwd=course.root, capture_output=True,
                text=True, env=dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ['PATH']}"),
                check=True).stderr
            # The students' ids belong to no account, so nbgrader's check that a submission's
            # owner is the student it names could only warn.
            course.nbgrader("collect", LESSON, "--ExchangeCollect.check_owner=False")
        yield dict(course=course, released=released, students=students, logs=logs,
                   submissions=submissions, probe=probe, listing=listing,
                   inbound=inbound, multiuser=multiuser)
    finally:
        shutil.rmtree(shared)


def test_students_list_and_fetch_the_release(cycle):
    released = cycle["released"].read_bytes()
    for name, student in cycle["students"].items():
        assert listed(cycle["logs"][name]["list"], COURSE_ID, LESSON), \
            f"{name}'s `nbgrader list` does not show {LESSON}:\n{cycle['logs'][name]['list']}"
        fetched = notebook_path(LESSON, student.home)
        if name == "bob":
            assert fetched.read_bytes() == released, "bob's fetched notebook is not the release"
        assert listed(cycle["logs"][name]["cached"], COURSE_ID, name, LESSON), \
            f"{name}'s `nbgrader list --cached` does not show the submission"


def test_collect_gets_each_students_submission_and_timestamp(cycle):
    course, submissions = cycle["course"], cycle["submissions"]
    assert set(submissions) == set(STUDENTS)
    for name, student in cycle["students"].items():
        collected = course.root / "submitted" / name / LESSON
        assert (collected / f"{LESSON}.ipynb").read_bytes() == \
            notebook_path(LESSON, student.home).read_bytes(), f"{name}'s collected notebook differs"
        stamp = (collected / "timestamp.txt").read_text()
        assert parse_utc(stamp) is not None
        # the exchange names a submission student+lesson+timestamp+random string
        assert submissions[name].name.startswith(f"{name}+{LESSON}+{stamp}+")
        if cycle["multiuser"]:
            assert submissions[name].stat().st_uid == STUDENTS[name]
    answers = {name: [c.source for c in read(course.root / "submitted" / name / LESSON /
                                              f"{LESSON}.ipynb").cells if is_solution(c)][0]
               for name in STUDENTS}
    assert answers["alice"] == EDIT and answers["bob"] != EDIT


def test_instructor_lists_both_submissions(cycle):
    for name in STUDENTS:
        assert listed(cycle["listing"], COURSE_ID, name, LESSON), \
            f"`nbgrader list --inbound` does not show {name}'s submission:\n{cycle['listing']}"


def test_students_cannot_reach_each_others_submissions(cycle):
    if not cycle["multiuser"]:
        pytest.skip("needs root, setpriv and bubblewrap to run the students as users of their own")
    assert cycle["probe"] == {
        "list the inbound directory": "denied",
        "overwrite alice's submitted notebook": "denied",
        "change the released notebook": "denied",
        "add a file to the release": "denied",
        "rename the course's directory": "denied",   # the exchange root's sticky bit
    }
    for name in STUDENTS:   # a student's listing of the inbound directory is empty
        assert not listed(cycle["logs"][name]["inbound"], COURSE_ID), cycle["logs"][name]["inbound"]
    assert not listed(cycle["logs"]["bob"]["cached"], COURSE_ID, "alice")
