"""Tests of source_lib.sandbox: what a sandboxed process can and cannot do."""

import os
import subprocess
import sys
import textwrap

import pytest

from source_lib import sandbox

PYTHON = os.path.abspath(sys.executable)


def run(code, tmp_path, **kw):
    cmd = sandbox.command([PYTHON, "-c", textwrap.dedent(code)], cwd=kw.pop("cwd", None),
                          course_root=str(tmp_path), env=sandbox.sandbox_env(), **kw)
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120)


@pytest.fixture(autouse=True)
def needs_sandbox():
    sandbox.available()   # raises, with what to install, where bubblewrap does not work


def test_the_sandbox_sees_no_course_no_home_no_library(tmp_path):
    (tmp_path / "gradebook.db").write_text("secret")
    proc = run("""
        import os
        print(os.listdir(%r), os.path.exists(%r), os.path.exists(%r))
    """ % (str(tmp_path), str(sandbox.LIBRARY), os.path.expanduser("~/.bashrc")), tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["[]", "False", "False"]


def test_the_kernel_sees_the_library_read_only(tmp_path):
    proc = run("""
        import source_lib.information, os
        try:
            open(os.path.join(os.path.dirname(source_lib.information.__file__), "x"), "w")
        except OSError as err:
            print(type(err).__name__)
    """, tmp_path, library=True)
    assert proc.stdout.strip() == "OSError", proc.stderr


def test_writes_stay_in_a_private_working_directory(tmp_path):
    work = tmp_path / "work"
    work.mkdir()
    (work / "data.txt").write_text("given")
    proc = run("""
        import os
        print(open("data.txt").read())
        open("new.txt", "w").write("x")
        open("/tmp/t.txt", "w").write("x")
        for path in ("data.txt", %r):
            try:
                open(path, "w").write("changed")
            except OSError:
                print("refused", path)
    """ % os.path.join(sys.prefix, "evil.pth"), tmp_path, cwd=str(work))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split()[:1] == ["given"] and proc.stdout.count("refused") == 2
    assert sorted(os.listdir(work)) == ["data.txt"] and (work / "data.txt").read_text() == "given"
    assert not os.path.exists(os.path.join(sys.prefix, "evil.pth"))


def test_no_network_no_other_processes_no_signals(tmp_path):
    proc = run("""
        import os, signal, socket
        try:
            socket.create_connection(("127.0.0.1", 22), timeout=2)
            print("connected")
        except OSError:
            print("no-network")
        print(len([p for p in os.listdir("/proc") if p.isdigit()]) < 10)
        try:
            os.kill(1, signal.SIGKILL)
        except OSError:
            print("no-signal")
    """, tmp_path)
    assert proc.stdout.split() == ["no-network", "True", "no-signal"], proc.stderr


def test_process_count_and_memory_are_limited(tmp_path):
    proc = run("""
        import os, time
        n = 0
        try:
            for _ in range(2000):
                if os.fork() == 0:
                    time.sleep(2)
                    os._exit(0)
                n += 1
        except OSError:
            pass
        print(n < 2000)
        try:
            bytearray(8 << 30)
        except MemoryError:
            print("memory-limited")
    """, tmp_path)
    assert proc.stdout.split() == ["True", "memory-limited"], proc.stderr


def test_the_environment_is_only_what_is_given(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_SECRET_TOKEN", "x")
    proc = run("import os; print('COURSE_SECRET_TOKEN' in os.environ, os.environ['HOME'])", tmp_path)
    assert proc.stdout.split() == ["False", "/tmp/home"]


def test_grading_refuses_to_run_unsandboxed_unless_told(monkeypatch):
    monkeypatch.setattr(sandbox, "_probe", lambda: "bwrap not found")
    monkeypatch.delenv(sandbox.UNSANDBOXED, raising=False)
    with pytest.raises(sandbox.SandboxUnavailable, match="bubblewrap"):
        sandbox.available()
    monkeypatch.setenv(sandbox.UNSANDBOXED, "1")
    assert sandbox.available() is False
