"""The sandbox that a submission's code runs in: bubblewrap, a user of its own, bounds.

At grading, a submission's code runs in one place only: the worker of
:mod:`source_lib.grading.worker`, started through :func:`command`, which wraps it in

* `bubblewrap <https://github.com/containers/bubblewrap>`_ (Debian package
  ``bubblewrap``): a read-only view of the machine in which the course directory
  (gradebook, other students' submissions, the instructor's source), the home directory
  and the course library are hidden, and in which the Python packages are only those the
  lesson allows (:func:`package_entries`: ``numpy`` and what it needs for most lessons,
  ``torch`` where the lesson is about torch; no scipy or scikit-learn, so that a routine
  that is not there cannot do an exercise, however it is reached); ``/tmp`` and
  ``/dev/shm`` are small private in-memory file systems; no network, no view of other
  processes (a private PID namespace: nothing outside can be signalled, and every process
  ends with the sandbox), no terminal;
* when grading runs as root, ``setpriv`` inside the sandbox to a user id of its own for
  every sandbox, without capabilities;
* bounds on the whole sandbox: a **cgroup** per sandbox (:class:`Cgroup`) whose memory
  limit counts every process of the sandbox *and* its in-memory file systems, and whose
  process limit counts every process and thread (cgroup v2 where the machine has it, v1's
  ``memory`` and ``pids`` controllers otherwise; neither is usable without root or a
  delegated cgroup, and grading then falls back to per-process limits and says so in its
  log); plus ``prlimit`` per process: address space, CPU time, processes, file size.

If bubblewrap is missing or does not work, grading refuses to run, with a message saying
what to install, unless the instructor sets ``COURSE_UNSANDBOXED=1``; then it runs
unsandboxed and says so on every submission. :func:`check_worker` starts a worker once
before the first submission of a grading process, so that a machine on which the worker
cannot start stops grading with a message that says what to fix (raising
:class:`GradingCannotStart`) instead of recording zeros.
"""

from __future__ import annotations

import functools
import itertools
import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path

__all__ = ["Limits", "SandboxUnavailable", "GradingCannotStart", "available", "command",
           "Cgroup", "package_entries", "sandbox_env", "die_with_parent"]

LIBRARY = Path(__file__).resolve().parents[1]     # source_lib
PROJECT = LIBRARY.parent
UNSANDBOXED = "COURSE_UNSANDBOXED"
log = logging.getLogger("course.sandbox")


class SandboxUnavailable(RuntimeError):
    """Grading cannot sandbox submissions here."""


class GradingCannotStart(BaseException):
    """The machine cannot run the grading worker at all: grading stops (no submission is at
    fault, and recording zeros would be wrong). A BaseException, so that no ``except
    Exception`` of nbgrader's takes it for one submission's failure."""


class Limits:
    """Resource limits of one sandbox."""

    memory = 3 << 30          # bytes of memory of the whole sandbox (cgroup), files in /tmp included
    processes = 256           # processes and threads of the whole sandbox
    address_space = 4 << 30   # bytes of address space per process (prlimit; torch reserves a lot)
    cpu_seconds = 900         # CPU time per process
    file_size = 64 << 20      # bytes per file written
    tmp_size = 256 << 20      # bytes of /tmp and of /dev/shm, each


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
        proc = subprocess.run(command(["true"]), capture_output=True, text=True,
                              timeout=30)
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


# --------------------------------------------------------------------------- #
# What the sandbox sees
# --------------------------------------------------------------------------- #

def _hidden_dirs(course_root):
    """Directories whose contents a sandbox must not see."""
    hidden = {PROJECT, Path.home().resolve()}
    if course_root is not None:
        hidden.add(Path(course_root).resolve())
    return sorted(h for h in hidden if h not in (Path("/"), Path("/tmp")))


def python_dirs():
    """The Python installation the sandbox runs: the environment and its base."""
    dirs = {Path(sys.prefix).resolve(), Path(sys.base_prefix).resolve(),
            Path(sys.executable).resolve().parent.parent}
    return sorted(dirs)


def site_dirs():
    """The directories of installed packages on this Python's path."""
    found = []
    for entry in sys.path:
        path = Path(entry or ".").resolve()
        if path.name in ("site-packages", "dist-packages") and path.is_dir() and path not in found:
            found.append(path)
    return found


@functools.lru_cache(maxsize=16)
def package_entries(modules):
    """The entries of the package directories that the importable ``modules`` need: the files
    of their distributions and of everything those require, transitively (``math``, built
    in, needs none).

    Parameters
    ----------
    modules : tuple of str
        Top-level module names (``("numpy", "math", "torch")``).

    Returns
    -------
    list of Path
        Files and directories inside the directories of :func:`site_dirs`.
    """
    from importlib import metadata

    from packaging.requirements import Requirement

    import importlib.util

    todo = []
    sites = [str(s) for s in site_dirs()]
    for module in modules:
        spec = importlib.util.find_spec(module)
        origin = (spec.origin or "") if spec is not None else ""
        if not origin.startswith(tuple(sites)):
            continue   # built in (math) or in the standard library: always there
        try:   # most distributions are named as their module (numpy, torch)
            metadata.distribution(module)
            todo.append(module)
        except metadata.PackageNotFoundError:
            todo += _providers().get(module, [])
    seen, entries = set(), set()
    while todo:
        name = todo.pop()
        key = name.lower().replace("_", "-")
        if key in seen:
            continue
        seen.add(key)
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        base = Path(dist.locate_file("")).resolve()
        record = dist.read_text("RECORD") or ""
        for line in record.splitlines():   # "numpy/linalg/__init__.py,sha256=...,123"
            top = line.split(",", 1)[0].split("/", 1)[0]
            if top and top != "..":
                entries.add(base / top)
        for spec in dist.requires or ():
            req = Requirement(spec)
            if req.marker is None or req.marker.evaluate({"extra": ""}):
                todo.append(req.name)
    return sorted(e for e in entries if e.exists())


@functools.lru_cache(maxsize=1)
def _providers():
    from importlib import metadata
    return metadata.packages_distributions()


def command(argv, *, cwd=None, course_root=None, library=False, packages=None, files=None,
            env=None, limits=Limits, cgroup=None):
    """The command that runs ``argv`` in a sandbox.

    Parameters
    ----------
    argv : list of str
        The command to run.
    cwd : str, optional
        The working directory inside the sandbox: an empty private in-memory file system
        at that path (``/tmp`` when None). Nothing of the real directory is seen.
    course_root : str, optional
        The nbgrader course directory, hidden from the sandbox.
    library : bool
        Whether the course library's source (``source_lib``) is visible.
    packages : tuple of str, optional
        The top-level modules whose packages are visible (:func:`package_entries`);
        None: every installed package.
    files : dict, optional
        Files bound read-only into the sandbox, ``{path outside: path inside}``.
    env : dict, optional
        The whole environment inside the sandbox (nothing else is passed in).
    cgroup : Cgroup, optional
        The cgroup the sandbox runs in.
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
    for path in python_dirs() + ([LIBRARY] if library else []):
        bwrap += _expose(path, hidden + [Path("/tmp")])
    if packages is not None:
        for site in site_dirs():
            bwrap += ["--perms", "0755", "--tmpfs", str(site)]
        for entry in package_entries(tuple(packages)):
            bwrap += ["--ro-bind", str(entry), str(entry)]
    for outside, inside in (files or {}).items():
        bwrap += ["--perms", "0755", "--dir", str(Path(inside).parent),
                  "--ro-bind", str(outside), str(inside)]
    if cwd is not None:
        bwrap += ["--perms", "01777", "--size", str(limits.tmp_size), "--tmpfs", str(cwd),
                  "--chdir", str(cwd)]
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
    else:
        # the limit counts every process of this user: leave room for those running now
        nproc = limits.processes + _count_own_processes()
        drop = []
    limit = ["prlimit", f"--as={limits.address_space}", f"--cpu={limits.cpu_seconds}",
             f"--nproc={nproc}", f"--fsize={limits.file_size}", "--core=0", "--"]
    enter = cgroup.enter() if cgroup is not None else []
    if root:
        return enter + bwrap + ["--"] + drop + limit + list(argv)
    return enter + limit + bwrap + ["--"] + list(argv)


def _expose(path, emptied):
    """bubblewrap arguments that show ``path`` even if it lies inside a directory the sandbox
    replaced with an empty one (a hidden directory, ``/tmp``): the folders on the way are
    made readable by all, as bubblewrap would otherwise create them for root alone."""
    args = []
    for parent in reversed(path.parents):
        if any(parent != h and parent.is_relative_to(h) for h in emptied):
            args += ["--perms", "0755", "--dir", str(parent)]
    return args + ["--ro-bind", str(path), str(path)]


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
        "TMPDIR": "/tmp",
        "LANG": "C.UTF-8",
        "MPLCONFIGDIR": "/tmp/matplotlib",
        "IPYTHONDIR": "/tmp/ipython",
        "JUPYTER_CONFIG_DIR": "/tmp/jupyter",
        "JUPYTER_DATA_DIR": "/tmp/jupyter-data",
        "JUPYTER_RUNTIME_DIR": "/tmp/jupyter-runtime",
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
# A cgroup per sandbox
# --------------------------------------------------------------------------- #

CGROUP_ROOT = Path("/sys/fs/cgroup")


@functools.lru_cache(maxsize=1)
def cgroup_support():
    """``("v2", base)``, ``("v1", {"memory": base, "pids": base})`` or ``(None, reason)``:
    where this process may create the sandboxes' cgroups (inside its own)."""
    own = {}
    try:
        for line in Path("/proc/self/cgroup").read_text().splitlines():
            _, controllers, path = line.split(":", 2)
            for controller in controllers.split(",") if controllers else [""]:
                own[controller] = path.lstrip("/")
    except (OSError, ValueError) as err:
        return None, f"cannot read /proc/self/cgroup ({err})"
    v2 = CGROUP_ROOT / own.get("", "") if "" in own else None
    if v2 is not None and (CGROUP_ROOT / "cgroup.controllers").exists():
        available_ = set((v2 / "cgroup.controllers").read_text().split()) \
            if (v2 / "cgroup.controllers").exists() else set()
        if {"memory", "pids"} <= available_ and os.access(v2, os.W_OK):
            return "v2", v2
    bases = {c: CGROUP_ROOT / c / own.get(c, "") for c in ("memory", "pids")}
    if all((CGROUP_ROOT / c).is_dir() for c in bases) and all(os.access(b, os.W_OK) for b in bases.values()):
        return "v1", bases
    return None, ("no writable cgroup with the memory and pids controllers (grading as root, or "
                  "with a delegated cgroup v2, bounds each sandbox as a whole)")


_cgroup_names = itertools.count()


def sweep_cgroups():
    """Remove the cgroups that sandboxes of grading processes no longer running left behind
    (a grading process killed before it could remove its own). How many were removed."""
    import signal

    kind, base = cgroup_support()
    if kind is None:
        return 0
    removed = 0
    for parent in ([base] if kind == "v2" else list(base.values())):
        for child in parent.glob("course-sandbox-*-*"):
            try:
                pid = int(child.name.split("-")[2])
                os.kill(pid, 0)
                continue                      # its grading process still runs
            except (ValueError, IndexError):
                continue
            except PermissionError:
                continue
            except ProcessLookupError:
                pass
            try:
                for leftover in (child / "cgroup.procs").read_text().split():
                    os.kill(int(leftover), signal.SIGKILL)
            except (OSError, ValueError):
                pass
            try:
                child.rmdir()
                removed += 1
            except OSError:
                pass
    return removed


class Cgroup:
    """A cgroup for one sandbox, with its memory and process limits.

    Create it with :meth:`create` (None where the machine has no usable cgroup: then the
    per-process limits of :func:`command` are all there is), put the sandbox in it with the
    prefix :meth:`enter`, and :meth:`destroy` it (every process left in it is killed).
    """

    warned = False

    def __init__(self, kind, dirs):
        self.kind, self.dirs = kind, dirs

    @classmethod
    def create(cls, limits=Limits):
        kind, base = cgroup_support()
        if kind is None:
            if not cls.warned:
                log.warning("sandboxes are bounded per process only: %s", base)
                cls.warned = True
            return None
        name = f"course-sandbox-{os.getpid()}-{next(_cgroup_names)}"
        try:
            if kind == "v2":
                path = base / name
                path.mkdir()
                (path / "memory.max").write_text(str(limits.memory))
                (path / "memory.swap.max").write_text("0") if (path / "memory.swap.max").exists() else None
                (path / "pids.max").write_text(str(limits.processes))
                return cls(kind, [path])
            memory, pids = base["memory"] / name, base["pids"] / name
            memory.mkdir()
            pids.mkdir()
            (memory / "memory.limit_in_bytes").write_text(str(limits.memory))
            swap = memory / "memory.memsw.limit_in_bytes"
            if swap.exists():
                try:
                    swap.write_text(str(limits.memory))
                except OSError:
                    pass
            (pids / "pids.max").write_text(str(limits.processes))
            return cls(kind, [memory, pids])
        except OSError as err:
            if not cls.warned:
                log.warning("sandboxes are bounded per process only: cannot make a cgroup (%s)", err)
                cls.warned = True
            return None

    def enter(self):
        """A command prefix that moves the command into this cgroup before it starts."""
        import shlex

        moves = " && ".join(f"echo $$ > {shlex.quote(str(d / 'cgroup.procs'))}" for d in self.dirs)
        return ["sh", "-c", f'{moves} && exec "$@"', "sh"]

    def peak_memory(self):
        for d in self.dirs:
            for name in ("memory.max_usage_in_bytes", "memory.peak"):
                try:
                    return int((d / name).read_text())
                except (OSError, ValueError):
                    continue
        return None

    def destroy(self):
        import signal
        import time

        for _ in range(50):
            alive = False
            for d in self.dirs:
                try:
                    pids = [int(p) for p in (d / "cgroup.procs").read_text().split()]
                except (OSError, ValueError):
                    pids = []
                for pid in pids:
                    alive = True
                    try:
                        os.kill(pid, signal.SIGKILL)
                    except (ProcessLookupError, PermissionError):
                        pass
            if not alive:
                break
            time.sleep(0.02)
        for d in self.dirs:
            try:
                d.rmdir()
            except OSError:
                pass
