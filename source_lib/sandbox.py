"""The sandbox that grading runs a submission in: bubblewrap, another user, limits.

A submission's code runs twice at grading: in nbgrader's kernel (for the demos and
the feedback) and in the worker of :mod:`source_lib.worker` (which the trusted checks
call). Both run here, through :func:`command`, which wraps a command in

* `bubblewrap <https://github.com/containers/bubblewrap>`_ (Debian package
  ``bubblewrap``): a read-only view of the machine in which the course directory
  (gradebook, other students' submissions, the instructor's source), the home
  directory and the course library's source are hidden (the kernel sees the library,
  which its demos import; the worker does not), ``/tmp`` and the working directory
  are small private in-memory file systems, and there is no network, no view of other
  processes (a private PID namespace: nothing outside can be signalled) and no
  terminal to write to;
* when grading runs as root, ``setpriv`` inside the sandbox to a user id of its own
  for every sandbox, without capabilities, so that the process limit below counts that
  sandbox's processes alone;
* ``prlimit``: address space, CPU time, number of processes and file size.

When the sandbox ends, every process in it ends (its PID namespace goes with it).

If bubblewrap is missing or does not work, grading refuses to run, with a message
saying what to install, unless the instructor sets ``COURSE_UNSANDBOXED=1``; then it
runs unsandboxed and says so on every submission.
"""

from __future__ import annotations

import functools
import itertools
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

__all__ = ["Limits", "SandboxUnavailable", "available", "command", "SandboxedKernelManager",
           "sandboxed_execute"]

LIBRARY = Path(__file__).resolve().parent
PROJECT = LIBRARY.parent
UNSANDBOXED = "COURSE_UNSANDBOXED"


class SandboxUnavailable(RuntimeError):
    """Grading cannot sandbox submissions here."""


class Limits:
    """Resource limits of one sandbox (per process: memory and CPU; per sandbox: processes)."""

    memory = 4 << 30          # bytes of address space per process (torch reserves a lot)
    cpu_seconds = 900         # CPU time per process
    processes = 256           # processes and threads of the sandbox's user
    file_size = 64 << 20      # bytes per file written
    tmp_size = 512 << 20      # bytes of /tmp and of the working directory, each


_uids = itertools.count()
UIDS_PER_PROCESS = 100


def uid_base(pid):
    """The first of the user ids that the sandboxes of grading process ``pid`` use."""
    return 3_000_000 + (pid % 100_000) * UIDS_PER_PROCESS


def _sandbox_uid():
    """A user id that no other sandbox of this machine uses at the same time."""
    return uid_base(os.getpid()) + next(_uids) % UIDS_PER_PROCESS


@functools.lru_cache(maxsize=1)
def _probe():
    """None if sandboxes work here, else the reason they do not."""
    missing = [tool for tool in ("bwrap", "prlimit") + (("setpriv",) if os.geteuid() == 0 else ())
               if shutil.which(tool) is None]
    if missing:
        return f"{', '.join(missing)} not found (install the Debian packages bubblewrap and util-linux)"
    try:
        proc = subprocess.run(command(["true"], cwd=None, _probe=True), capture_output=True,
                              text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as err:
        return f"bubblewrap could not start: {err}"
    if proc.returncode != 0:
        return f"bubblewrap does not work here: {proc.stderr.strip()[:300]}"
    return None


def available():
    """Whether submissions can be sandboxed here; raise if not and not allowed to go without.

    Returns
    -------
    bool
        True if sandboxed; False if the instructor allowed unsandboxed grading
        (``COURSE_UNSANDBOXED=1``) and the sandbox does not work.

    Raises
    ------
    SandboxUnavailable
        If the sandbox does not work and unsandboxed grading was not allowed.
    """
    reason = _probe()
    if reason is None:
        return True
    if os.environ.get(UNSANDBOXED) == "1":
        return False
    raise SandboxUnavailable(
        f"Grading runs every submission in a sandbox, and the sandbox does not work here: "
        f"{reason}. Install bubblewrap (Debian/Ubuntu: apt-get install bubblewrap) on a Linux "
        f"machine, or, to grade trusted code without it, set {UNSANDBOXED}=1.")


def _hidden_dirs(course_root):
    """Directories whose contents a sandbox must not see."""
    hidden = {PROJECT, Path.home()}
    if course_root is not None:
        hidden.add(Path(course_root).resolve())
    return sorted(h for h in hidden if h not in (Path("/"), Path("/tmp")))


def _python_dirs():
    """What the sandboxed Python needs to see of the hidden directories."""
    dirs = {Path(sys.prefix).resolve(), Path(sys.base_prefix).resolve(),
            Path(sys.executable).resolve().parent.parent}
    return sorted(dirs)


def command(argv, *, cwd, course_root=None, library=False, writable=(), files=None, env=None,
            limits=Limits, _probe=False):
    """The command that runs ``argv`` in a sandbox.

    Parameters
    ----------
    argv : list of str
        The command to run.
    cwd : str or None
        The working directory inside the sandbox: an empty private in-memory file
        system at that path, into which the files (not subdirectories) of the real
        ``cwd`` are bound read-only.
    course_root : str, optional
        The nbgrader course directory, hidden from the sandbox.
    library : bool
        Whether the course library's source (``source_lib``) is visible.
    writable : sequence of str
        Directories shared read-write with the sandbox (a kernel's connection files).
    files : dict, optional
        Files bound read-only into the sandbox, ``{path outside: path inside}``.
    env : dict, optional
        The whole environment inside the sandbox (nothing else is passed in).
    """
    env = dict(env or {})
    root = os.geteuid() == 0
    # As root, bubblewrap sets the sandbox up with root's rights (so that it can expose
    # parts of root's home, such as a pyenv Python) and then drops to a user of its own
    # inside; otherwise it runs unprivileged, in a user namespace.
    bwrap = ["bwrap", "--die-with-parent", "--new-session", "--unshare-pid", "--unshare-net",
             "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try"]
    if not root:
        bwrap += ["--unshare-user"]
    bwrap += ["--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc",
              "--perms", "01777", "--size", str(limits.tmp_size), "--tmpfs", "/tmp",
              "--perms", "01777", "--size", str(limits.tmp_size), "--tmpfs", "/dev/shm"]
    hidden = _hidden_dirs(course_root)
    for path in hidden:
        bwrap += ["--perms", "0755", "--tmpfs", str(path)]
    exposed = _python_dirs() + ([LIBRARY] if library else [])
    for path in exposed:
        for parent in reversed(path.parents):
            if any(parent != h and parent.is_relative_to(h) for h in hidden):
                bwrap += ["--perms", "0755", "--dir", str(parent)]
        bwrap += ["--ro-bind", str(path), str(path)]
    for path in writable:
        bwrap += ["--bind", str(path), str(path)]
    for outside, inside in (files or {}).items():
        bwrap += ["--perms", "0755", "--dir", str(Path(inside).parent),
                  "--ro-bind", str(outside), str(inside)]
    if cwd is not None:
        cwd = Path(cwd).resolve()
        bwrap += ["--perms", "01777", "--size", str(limits.tmp_size), "--tmpfs", str(cwd)]
        for item in sorted(cwd.iterdir()) if cwd.is_dir() else ():
            if item.is_file() and not item.is_symlink():
                bwrap += ["--ro-bind", str(item), str(item)]
        bwrap += ["--chdir", str(cwd)]
    else:
        bwrap += ["--chdir", "/tmp"]
    bwrap += ["--clearenv"]
    for key, value in env.items():
        bwrap += ["--setenv", key, str(value)]
    if root:
        uid = _sandbox_uid()
        nproc = limits.processes
        drop = ["setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups",
                "--inh-caps=-all", "--bounding-set=-all", "--no-new-privs", "--"]
        if not _probe:
            for path in writable:
                for item in [Path(path), *Path(path).iterdir()]:
                    os.chown(item, uid, uid)
    else:
        # the limit counts every process of this user: leave room for those running now
        nproc = limits.processes + _count_own_processes()
        drop = []
    limit = ["prlimit", f"--as={limits.memory}", f"--cpu={limits.cpu_seconds}",
             f"--nproc={nproc}", f"--fsize={limits.file_size}", "--core=0", "--"]
    if root:
        return bwrap + ["--"] + drop + limit + list(argv)
    return limit + bwrap + ["--"] + list(argv)


def die_with_parent():
    """For ``Popen(preexec_fn=...)``: the sandbox is killed when the grading process ends,
    however it ends (bubblewrap's own --die-with-parent covers the processes inside it)."""
    import ctypes
    import signal

    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)   # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _count_own_processes():
    uid, count = os.getuid(), 0
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if os.stat(f"/proc/{entry}").st_uid == uid:
                    count += len(os.listdir(f"/proc/{entry}/task"))
            except OSError:
                pass
    return count


def sandbox_env(**extra):
    """The environment of a sandboxed Python: the venv's PATH, a home in /tmp, headless."""
    env = {
        "PATH": f"{Path(os.path.abspath(sys.executable)).parent}:/usr/local/bin:/usr/bin:/bin",
        "HOME": "/tmp/home",
        "LANG": "C.UTF-8",
        "MPLCONFIGDIR": "/tmp/matplotlib",
        "IPYTHONDIR": "/tmp/ipython",
        "JUPYTER_CONFIG_DIR": "/tmp/jupyter",
        "JUPYTER_DATA_DIR": "/tmp/jupyter-data",
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",
        "COURSE_HEADLESS": "1",
    }
    # one thread per numerical library: submissions are graded side by side, and many
    # threads on few cores slow small matrix products down by orders of magnitude
    env.update(OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1",
               JOBLIB_MULTIPROCESSING="0")   # joblib would warn on stderr about its pool
    for key, value in os.environ.items():  # numerical libraries' settings (see the machine notes)
        if key.startswith(("OPENBLAS_", "OMP_", "MKL_")):
            env[key] = value
    env.update(extra)
    return env


# --------------------------------------------------------------------------- #
# nbgrader's kernel, sandboxed
# --------------------------------------------------------------------------- #

@functools.lru_cache(maxsize=1)
def _kernel_manager_class():
    from jupyter_client.manager import AsyncKernelManager

    class SandboxedKernelManager(AsyncKernelManager):
        """A kernel manager that starts the kernel in the sandbox.

        The kernel talks to nbgrader over Unix sockets in a private directory shared
        with the sandbox (there is no network inside); its own stdout and stderr go
        nowhere (text a student writes to them cannot imitate nbgrader's log); it is
        interrupted by a message (a signal could not reach it in its PID namespace).
        """

        course_root = None

        async def _async_pre_start_kernel(self, **kw):
            self._sandboxed = available()
            if self._sandboxed:
                self._runtime = tempfile.mkdtemp(prefix="course-kernel-")
                self.transport = "ipc"
                self.ip = os.path.join(self._runtime, "kernel")
                self.connection_file = os.path.join(self._runtime, "kernel.json")
            else:
                print(f"WARNING: {UNSANDBOXED}=1: this submission runs WITHOUT a sandbox.",
                      file=sys.stderr)
            return await super()._async_pre_start_kernel(**kw)

        async def _async_launch_kernel(self, kernel_cmd, **kw):
            if self._sandboxed:
                kernel_cmd = command(kernel_cmd, cwd=kw.get("cwd"), course_root=self.course_root
                                     or os.getcwd(), library=True, writable=[self._runtime],
                                     env=sandbox_env(NBGRADER_EXECUTION="autograde"))
                kw["stdout"] = kw["stderr"] = subprocess.DEVNULL
                kw["preexec_fn"] = die_with_parent
                kw.pop("env", None)
            return await super()._async_launch_kernel(kernel_cmd, **kw)

        async def interrupt_kernel(self):
            msg = self.session.msg("interrupt_request", content={})
            self._connect_control_socket()
            self.session.send(self._control_socket, msg)

        async def _async_cleanup_resources(self, restart=False):
            await super()._async_cleanup_resources(restart=restart)
            if not restart and getattr(self, "_runtime", None):
                shutil.rmtree(self._runtime, ignore_errors=True)

    return SandboxedKernelManager


def __getattr__(name):
    if name == "SandboxedKernelManager":
        return _kernel_manager_class()
    raise AttributeError(name)


def sandboxed_execute():
    """nbgrader's Execute preprocessor, with the kernel in the sandbox (for nbgrader_config.py)."""
    from nbgrader.preprocessors import Execute

    manager = _kernel_manager_class()

    class SandboxedExecute(Execute):
        def __init__(self, *args, **kwargs):
            kwargs["kernel_manager_class"] = manager  # nbgrader's own default wins over config
            super().__init__(*args, **kwargs)

    return SandboxedExecute
