"""The trusted side of the worker: starting it in its sandbox and asking it for calls.

:class:`WorkerProcess` starts :mod:`source_lib.grading.worker` in the sandbox of
:mod:`source_lib.grading.sandbox` (its own cgroup, the lesson's packages only) and talks
to its broker; every write and every read has a deadline, so a worker that stops reading
or answering costs the call its time limit, and the sandbox is ended and started afresh.
:class:`RemoteRunner` is the runner of :mod:`source_lib.checks` that grading uses: the
checks run here, and every call of the student's code is a request to the worker.
"""

from __future__ import annotations

import ast
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from source_lib.checks import Runner, time_limit_failure
from source_lib.grading import sandbox
from source_lib.grading import worker as wire
from source_lib.testing import TimeLimitError, fail

__all__ = ["WorkerProcess", "RemoteRunner", "WorkerDied", "WorkerTimeout", "check_worker"]

WORKER_FILE = Path(wire.__file__).resolve()
INSIDE = "/tmp/course-worker/worker.py"
PYTHON = os.path.abspath(sys.executable)  # the venv's python, not the file it links to
BUDGET = 120.0          # seconds of calls into one submission's code, all checks together
STARTUP_LIMIT = 60.0    # seconds for the worker to run the submission's cells
MARGIN = 15.0           # what the broker itself may take beyond a call's limit
MAX_CODE = 8 << 20      # characters of code the worker is given at most
FORGED = ("a reply on the channel between the grader and your code did not come from the "
          "grader's side of your process: your code wrote to that channel itself (forged)")
STARTUP_FAILURES = {
    "startup_timeout": f"your notebook's code did not finish running within {STARTUP_LIMIT:g} s "
                       "at grading, so no function could be checked: look for a loop at the top "
                       "level of a cell.",
    "startup_died": "the Python process that runs your notebook's code ended while running its "
                    "cells (a crash, a call of exit() or os._exit(), or too much memory), so no "
                    "function could be checked.",
    "startup_forged": f"{FORGED} while your cells ran, so no function could be checked.",
}


class WorkerDied(RuntimeError):
    """The worker ended (crash, exit, out of memory) or sent garbage."""


class WorkerTimeout(RuntimeError):
    """The worker did not answer in time."""


def read_roots():
    """What the executor may read: the Python installation and its packages."""
    return [str(p) for p in sandbox.python_dirs()] + [str(p) for p in sandbox.site_dirs()]


class WorkerProcess:
    """A sandboxed worker holding one submission's code.

    Parameters
    ----------
    cells : list of str
        The code the worker runs (the set-up cell, the solution cells, the student's
        cells), plain Python.
    allowed : sequence of str
        The top-level modules the lesson allows (the worker sees no other package).
    course_root : str, optional
        The course directory, hidden from the sandbox.

    :meth:`start` returns at once (the worker imports and runs the cells in the
    background); every :meth:`request` waits for them first. After a time-out or a
    crash the worker replaces the process that runs the student's code by itself; a
    broker that stops answering is ended with its sandbox, and the next request starts
    a fresh one.
    """

    def __init__(self, cells, allowed=("numpy", "math"), course_root=None):
        self.cells = list(cells)
        self.allowed = list(dict.fromkeys(allowed))
        self.course_root = course_root
        self.proc = None
        self.channel = None
        self.cgroup = None
        self.defines = []
        self.startup_errors = []
        self.startup_refused = []
        self.startup_failure = None
        self.sandboxed = None
        self.hello = None
        self.loaded = False       # whether the cells were sent
        self.peak_memory = None
        self.bounded = None       # "cgroup" or "per process": how the sandbox is bounded

    def launch(self):
        """Start the sandbox and its broker, which imports the lesson's modules (returns at
        once: the cells are sent by :meth:`start`, or by the first request)."""
        self.sandboxed = sandbox.available()
        args = [",".join(self.allowed), ":".join(read_roots()), str(STARTUP_LIMIT)]
        if self.sandboxed:
            self.cgroup = sandbox.Cgroup.create()
            self.bounded = "cgroup" if self.cgroup is not None else "per process"
            argv = sandbox.command([PYTHON, "-I", INSIDE, *args], course_root=self.course_root,
                                   packages=tuple(self.allowed), files={WORKER_FILE: INSIDE},
                                   env=sandbox.sandbox_env(), cgroup=self.cgroup)
        else:
            argv = [PYTHON, "-I", str(WORKER_FILE), *args]
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, start_new_session=True,
                                     preexec_fn=sandbox.die_with_parent)
        self.channel = wire.Channel(self.proc.stdout.fileno(), self.proc.stdin.fileno())
        os.set_blocking(self.proc.stderr.fileno(), False)
        self.hello = None
        self.loaded = False
        self._pending = 0

    def start(self):
        """Launch the worker if need be and send it the submission's code (returns at once:
        the worker runs the cells in the background)."""
        if self.proc is None:
            self.launch()
        if self.loaded:
            return
        size = sum(len(c) for c in self.cells)
        if size > MAX_CODE:
            self.loaded = True
            self.startup_failure = (f"your notebook's code is {size >> 20} MB, more than grading "
                                    f"runs ({MAX_CODE >> 20} MB), so no function could be checked.")
            return
        deadline = time.monotonic() + STARTUP_LIMIT
        self._send({"op": "start", "cells": self.cells, "skip": self._skipped()}, deadline)
        for source in self.defines:
            self._send({"op": "define", "source": source, "timeout": STARTUP_LIMIT}, deadline)
        self._pending = 1 + len(self.defines)
        self.loaded = True

    def _skipped(self):
        """The top-level modules that the cells import and the worker leaves out: those the
        lesson does not allow (the demos' figures, sliders and progress bars)."""
        from source_lib.grading.reader import parse

        skipped = set()
        for source in self.cells:
            tree = parse(source)
            if tree is None or not hasattr(tree, "body"):
                continue
            for node in tree.body:
                names = [a.name for a in node.names] if isinstance(node, ast.Import) \
                    else [node.module or ""] if isinstance(node, ast.ImportFrom) else []
                skipped |= {n.split(".")[0] for n in names if n.split(".")[0] not in self.allowed}
        return sorted(skipped)

    def _send(self, message, deadline):
        try:
            self.channel.send(message, deadline)
        except wire.Channel.Timeout:
            self.kill()
            raise WorkerTimeout() from None
        except wire.Channel.Closed:
            self.kill()
            raise WorkerDied("the worker is gone") from None

    def _receive(self, deadline):
        try:
            return self.channel.receive(deadline)
        except wire.Channel.Timeout:
            self.kill()
            raise WorkerTimeout() from None
        except (wire.Channel.Closed, wire.WireError) as err:
            detail = self._stderr()
            self.kill()
            raise WorkerDied(f"the worker ended{': ' + detail if detail else ''}") from err

    def _stderr(self):
        try:
            return (os.read(self.proc.stderr.fileno(), 4000) or b"").decode("utf-8", "replace").strip()
        except (OSError, ValueError, AttributeError):
            return ""

    def _ready_hello(self, deadline):
        if self.proc is None:
            self.launch()
        if self.hello is None:
            self.hello = self._receive(deadline)
            if not self.hello.get("ready"):
                raise WorkerDied("the worker did not start")

    def _ready(self, deadline):
        self._ready_hello(deadline)
        self.start()
        if self.startup_failure is not None:
            raise WorkerDied(self.startup_failure)
        while self._pending:
            self._pending -= 1
            reply = self._receive(deadline)
            self._note(reply)

    def request(self, message, timeout):
        """Send ``message`` (an executor operation) with its time limit; the executor's reply.

        The reply carries the broker's facts beside the executor's answer: ``"earlier"``
        (inputs of earlier requests whose arrays changed during this one) and ``"call"``
        (the number of this request)."""
        if self.startup_failure is not None:
            raise WorkerDied(self.startup_failure)
        deadline = time.monotonic() + timeout + STARTUP_LIMIT + MARGIN
        self._ready(deadline)
        if message.get("op") == "define":
            self.defines.append(message["source"])
        self._send(dict(message, timeout=timeout), deadline)
        reply = self._receive(deadline)
        return self._note(reply)

    def _note(self, reply):
        """Turn the broker's status into a reply or an exception."""
        startup = reply.get("startup")
        if startup is not None:
            self.startup_errors = startup.get("errors", [])
            self.startup_refused = startup.get("refused", [])
        status = reply.get("status")
        if status == "ok":
            answer = reply.get("reply")
            if not isinstance(answer, dict):
                raise WorkerDied("an answer that is not an object")
            answer["earlier"] = reply.get("earlier", [])
            answer["mutated"] = reply.get("mutated", [])
            answer["call"] = reply.get("call")
            answer["seconds"] = reply.get("seconds")
            return answer
        if status == "timeout":
            raise WorkerTimeout()
        if status in STARTUP_FAILURES:
            self.startup_failure = STARTUP_FAILURES[status]
            raise WorkerDied(self.startup_failure)
        if status in ("died", "garbage"):
            raise WorkerDied(reply.get("detail") or status)
        if status == "forged":
            raise WorkerDied(FORGED)
        if reply.get("started"):
            return reply
        raise WorkerDied(f"an answer the checks do not understand ({str(reply)[:80]})")

    def kill(self):
        """End the worker, its sandbox and everything in it."""
        if self.proc is not None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            try:
                self.proc.kill()
                self.proc.wait(timeout=10)
            except (OSError, subprocess.TimeoutExpired):
                pass
            for stream in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
                try:
                    stream.close()
                except OSError:
                    pass
        if self.cgroup is not None:
            self.peak_memory = self.cgroup.peak_memory()
            self.cgroup.destroy()
            self.cgroup = None
        self.proc, self.channel, self.hello, self.loaded = None, None, None, False

    def restart(self):
        self.kill()   # the next request starts it again


class RemoteRunner(Runner):
    """Runs checks here and the student's functions in a :class:`WorkerProcess`."""

    def __init__(self, process, deadline=None):
        super().__init__()
        self.process = process
        self.events = []   # time-outs and crashes, for the instructor's review
        self.spent = 0.0   # seconds of calls so far (BUDGET at most)
        self.deadline = deadline   # the submission's wall-clock budget (time.monotonic)

    def request(self, op, timeout, label="", inputs="", **fields):
        if self.spent > BUDGET or (self.deadline is not None and time.monotonic() > self.deadline):
            fail(f"{label} was not run: your functions used up the time that grading gives "
                 f"one submission's calls ({BUDGET:g} s).",
                 hint="look for slow loops or sleeps in your functions.", error=TimeLimitError)
        start = time.monotonic()
        try:
            return self._request(op, timeout, label, inputs, fields)
        finally:
            self.spent += time.monotonic() - start

    def _request(self, op, timeout, label, inputs, fields):
        timeout = timeout or STARTUP_LIMIT
        try:
            reply = self.process.request({"op": op, **fields}, timeout)
        except WorkerTimeout:
            self.events.append(f"time-out: {label}")
            time_limit_failure(label, timeout)
        except WorkerDied as err:
            if self.process.startup_failure is not None:
                fail(self.process.startup_failure)
            self.events.append(f"crash: {label} ({err})")
            fail(f"{label} ended the Python process that runs your code ({err}): it crashed, "
                 "called exit() or os._exit(), or used too much memory.", inputs=inputs or None,
                 hint="run it on this input yourself; watch its memory use.")
        for refused in reply.get("refused", []):   # what the student's code tried and was refused
            event = f"refused ({label}) at run time: {refused}"
            if event not in self.events and len(self.events) < 50:
                self.events.append(event)
        if "failure" in reply:
            fail(f"grading could not use what {label} gave back: {reply['failure']}",
                 inputs=inputs or None,
                 hint="return plain values: NumPy arrays, floats, ints, tuples, lists or dicts.")
        return reply


def check_worker(process):
    """Wait for a worker's broker to say it is ready (before any of the submission's code
    runs): a machine on which it cannot start stops grading with the reason. Called on the
    first worker of a grading process (and of each lesson's allowlist).

    Raises
    ------
    GradingCannotStart
        With what went wrong and what to fix.
    """
    try:
        process._ready_hello(time.monotonic() + STARTUP_LIMIT)
        failed = process.hello.get("failed", [])
        if failed:
            raise WorkerDied(f"the worker cannot import what the lesson allows: {'; '.join(failed)}")
    except (WorkerDied, WorkerTimeout, OSError) as err:
        detail = str(err) or type(err).__name__
        process.kill()
        raise sandbox.GradingCannotStart(
            f"Grading cannot start: the grading worker does not run on this machine ({detail}). "
            f"Nothing was graded. Check that bubblewrap works (`bwrap --ro-bind / / true`), that "
            f"this Python ({PYTHON}) and its packages ({', '.join(process.allowed)}) are readable "
            f"by any user (grading runs each submission as a user of its own when run as root), "
            f"and run `python -m source_lib.grading.classroom doctor` for details.") from None
