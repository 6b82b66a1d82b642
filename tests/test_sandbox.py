"""Tests of source_lib.grading.sandbox: what a sandboxed process can and cannot do."""

import os
import subprocess
import sys
import textwrap

import pytest

from source_lib.grading import sandbox

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


def test_the_library_may_be_shown_read_only(tmp_path):
    proc = run("""
        import source_lib.information, os
        try:
            open(os.path.join(os.path.dirname(source_lib.information.__file__), "x"), "w")
        except OSError as err:
            print(type(err).__name__)
    """, tmp_path, library=True)
    assert proc.stdout.strip() == "OSError", proc.stderr


def test_a_python_installed_under_tmp_is_usable(tmp_path, tmp_path_factory, monkeypatch):
    """A course cloned into /tmp (its environment too) grades: the folders the sandbox makes on
    the way to the environment, inside its own empty /tmp, are readable by the sandbox's user."""
    env = tmp_path_factory.mktemp("clone") / "deep" / ".venv"
    (env / "lib").mkdir(parents=True)
    (env / "lib" / "marker.txt").write_text("found")
    for folder in (env, env / "lib"):
        folder.chmod(0o755)
    dirs = sandbox.python_dirs()
    monkeypatch.setattr(sandbox, "python_dirs", lambda: dirs + [env])
    proc = run("print(open(%r).read())" % str(env / "lib" / "marker.txt"), tmp_path)
    assert proc.returncode == 0 and proc.stdout.strip() == "found", proc.stderr


def test_writes_stay_in_a_private_working_directory(tmp_path):
    work = tmp_path / "work"
    work.mkdir()
    (work / "data.txt").write_text("given")
    proc = run("""
        import os
        print(os.listdir("."))                     # the real folder's files are not there
        open("new.txt", "w").write("x")
        open("data.txt", "w").write("changed")     # a private file of the same name
        open("/tmp/t.txt", "w").write("x")
        try:
            open(%r, "w").write("changed")
        except OSError:
            print("refused")
    """ % os.path.join(sys.prefix, "evil.pth"), tmp_path, cwd=str(work))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["[]", "refused"], proc.stdout
    assert sorted(os.listdir(work)) == ["data.txt"] and (work / "data.txt").read_text() == "given"
    assert not os.path.exists(os.path.join(sys.prefix, "evil.pth"))


def test_only_the_packages_asked_for_are_there(tmp_path):
    proc = run("""
        import importlib.util
        print([importlib.util.find_spec(m) is not None for m in ("numpy", "scipy", "torch", "sklearn")])
    """, tmp_path, packages=("numpy", "math"))
    assert proc.stdout.strip() == "[True, False, False, False]", proc.stderr
    entries = [e.name for e in sandbox.package_entries(("numpy", "math", "torch"))]
    assert {"numpy", "torch", "sympy"} <= set(entries) and "scipy" not in entries


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


class Small(sandbox.Limits):
    memory = 400 << 20
    processes = 20
    tmp_size = 1 << 30


@pytest.mark.skipif(sandbox.cgroup_support()[0] is None, reason="no usable cgroup here")
def test_a_cgroup_bounds_the_whole_sandbox_files_in_memory_included(tmp_path):
    """Processes and the in-memory file systems count together: four children of 150 MB
    each, or 600 MB written to /tmp, do not fit in 400 MB, although each process would."""
    cgroup = sandbox.Cgroup.create(Small)
    try:
        proc = run("""
            import os, time
            pids = []
            for _ in range(4):
                pid = os.fork()
                if pid == 0:
                    block = bytearray(150 << 20)
                    for i in range(0, len(block), 4096):
                        block[i] = 1
                    time.sleep(3)
                    os._exit(0)
                pids.append(pid)
            codes = [os.waitpid(p, 0)[1] for p in pids]
            print(sum(c != 0 for c in codes) >= 1)
        """, tmp_path, cgroup=cgroup, limits=Small)
        assert proc.stdout.strip() == "True" or proc.returncode != 0, (proc.stdout, proc.stderr)
    finally:
        cgroup.destroy()
    cgroup = sandbox.Cgroup.create(Small)
    try:
        proc = run("""
            data = b"x" * (1 << 20)
            written = 0
            try:
                with open("/tmp/fill", "wb") as out:
                    for _ in range(600):
                        out.write(data)
                        written += 1
            except OSError:
                pass
            print(written < 600)
        """, tmp_path, cgroup=cgroup, limits=Small)
        assert proc.stdout.strip() == "True" or proc.returncode != 0, (proc.stdout, proc.stderr)
    finally:
        cgroup.destroy()
    assert not any(d.exists() for d in cgroup.dirs)


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
