"""The two faces of JupyterLab: `make lab` (students) and `make instructor`.

Students get the lessons without nbgrader's instructor tools (Formgrader, Create
Assignment, the exchange's lists and their errors); the instructor's view has Formgrader
working, which needs the environment's `alembic` on PATH.
"""

import os
import socket
import subprocess
import time
import urllib.error
import urllib.request

import pytest
from harness import BIN, ROOT

pytestmark = pytest.mark.xdist_group("jupyterlab")
TOKEN = "course-test"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def status(port, path):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}?token={TOKEN}", timeout=30) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as err:
        return err.code, ""


def serve(env_extra, root_dir):
    port = free_port()
    env = dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ['PATH']}", **env_extra)
    proc = subprocess.Popen([str(BIN / "jupyter"), "lab", "--no-browser", f"--port={port}",
                             f"--ServerApp.token={TOKEN}", "--allow-root",
                             f"--ServerApp.root_dir={root_dir}"],
                            env=env, cwd=root_dir, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if status(port, "/api/status")[0] == 200:
                return proc, port
        except OSError:
            pass
        time.sleep(0.5)
    proc.kill()
    raise AssertionError("JupyterLab did not start within 120 s")


def test_students_see_the_lessons_without_instructor_tools():
    proc, port = serve({"JUPYTER_CONFIG_PATH": str(ROOT / "jupyter" / "student")}, ROOT / "course")
    try:
        assert status(port, "/formgrader")[0] == 404
        code, page = status(port, "/lab")
        assert code == 200 and '"disabledExtensions": ["@jupyter/nbgrader"]' in page
    finally:
        proc.kill()
        proc.wait()


def test_the_instructor_sees_formgrader():
    proc, port = serve({}, ROOT)
    try:
        code, page = status(port, "/formgrader")
        assert code == 200 and "formgrader" in page.lower()
        code, page = status(port, "/lab")
        assert code == 200 and '"@jupyter/nbgrader"' not in page.split("disabledExtensions")[-1][:200]
    finally:
        proc.kill()
        proc.wait()
