"""Grading that a submission cannot forge: verdicts decided outside the student's kernel.

nbgrader runs a submission's cells in a kernel and scores each test cell by its
outputs. The student's code runs in that kernel too, so nothing decided there can be
trusted. With the course's ``nbgrader_config.py``, nbgrader still runs the kernel (for
the demos and the feedback), but the score of every test cell comes from here:

1. :class:`StartChecks` (before nbgrader's kernel runs) reads the submission's code
   cells and starts a *worker* (:mod:`source_lib.worker`) in the sandbox of
   :mod:`source_lib.sandbox`: a fresh Python that runs those cells and then waits for
   calls, while the kernel runs beside it.
2. :class:`TrustedVerdicts` (after the kernel, before nbgrader saves the grades) runs
   each test cell's checks (:mod:`source_lib.checks`) here, in nbgrader's process,
   with the instructor's seed read from the instructor's copy of the cell in the
   gradebook. Every call of a student's function is a request to the worker; its time
   limit is enforced by ending the worker. The checks read the student's code too
   (:func:`read_code`): routines that do the exercise, and code that tampers with
   grading, fail the exercise whatever the worker reports. Then the preprocessor
   replaces each test cell's outputs by the verdict (nothing on a pass, the teaching
   message on a failure), restoring test cells a submission deleted or disguised, and
   writes a review of what an instructor may want to look at beside the notebook
   (``course-review.json``) and in nbgrader's log.

:func:`grade` is the same pipeline without nbgrader, for the course's tests.
"""

from __future__ import annotations

import ast
import functools
import json
import os
import select
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from source_lib import sandbox
from source_lib import worker as wire
from source_lib.checks import Runner, Verdict, load, time_limit_failure
from source_lib.testing import TimeLimitError, fail

__all__ = ["TestCell", "Cell", "WorkerProcess", "RemoteRunner", "read_code", "parse_test",
           "worker_sources", "run_tests", "grade", "StartChecks", "TrustedVerdicts"]

WORKER_FILE = Path(wire.__file__).resolve()
PYTHON = os.path.abspath(sys.executable)  # the venv's python, not the file it links to
BUDGET = 120.0          # seconds of calls into one submission's code, all checks together
STARTUP_LIMIT = 60.0    # seconds for the worker to run the submission's cells (a kernel cell's limit)
REVIEW_FILE = "course-review.json"   # beside each graded notebook: what needs a look


class WorkerDied(RuntimeError):
    """The worker ended (crash, exit, out of memory) or sent garbage."""


class WorkerTimeout(RuntimeError):
    """The worker did not answer in time."""


# --------------------------------------------------------------------------- #
# The worker process
# --------------------------------------------------------------------------- #

class WorkerProcess:
    """A sandboxed worker holding one submission's code.

    Started with :meth:`start` (which returns at once: the cells run in the
    background); every :meth:`request` waits for them first. After a time-out or a
    crash the worker is ended, and the next request starts a fresh one.
    """

    def __init__(self, cells, course_root=None):
        self.cells = list(cells)
        self.course_root = course_root
        self.proc = None
        self.startup = None     # (deadline) while the cells run
        self.startup_errors = []
        self.startup_failure = None
        self.restarts = 0
        self.sandboxed = None

    def start(self):
        self.sandboxed = sandbox.available()
        argv = [PYTHON, "-I", "/tmp/course-worker/worker.py"]
        if self.sandboxed:
            argv = sandbox.command(argv, cwd=None, course_root=self.course_root, library=False,
                                   files={WORKER_FILE: "/tmp/course-worker/worker.py"},
                                   env=sandbox.sandbox_env())
        else:
            argv = [PYTHON, "-I", str(WORKER_FILE)]
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, start_new_session=True,
                                     preexec_fn=sandbox.die_with_parent)
        self.buffer = bytearray()
        self.startup = time.monotonic() + STARTUP_LIMIT
        self._send({"op": "run_cells", "cells": self.cells})

    def _ready(self):
        if self.proc is None:
            self.start()
        if self.startup is None:
            return
        deadline, self.startup = self.startup, None
        try:
            hello = self._receive(deadline)
            reply = self._receive(deadline)
        except WorkerTimeout:
            self.kill()
            self.startup_failure = (f"your notebook's code did not finish running within "
                                    f"{STARTUP_LIMIT:g} s at grading, so no function could be "
                                    "checked: look for a loop at the top level of a cell.")
            raise WorkerDied(self.startup_failure) from None
        except WorkerDied:
            self.kill()
            self.startup_failure = ("the Python process that runs your notebook's code ended while "
                                    "running its cells (a crash, a call of exit() or os._exit(), or "
                                    "too much memory), so no function could be checked.")
            raise WorkerDied(self.startup_failure) from None
        if not hello.get("ready"):
            raise WorkerDied("the worker did not start")
        self.startup_errors = reply.get("errors", [])

    def request(self, message, timeout):
        if self.startup_failure is not None:
            raise WorkerDied(self.startup_failure)
        self._ready()
        self._send(message)
        return self._receive(time.monotonic() + timeout)

    def _send(self, message):
        try:
            wire.write_message(self.proc.stdin, message)
        except (BrokenPipeError, OSError):
            raise WorkerDied("the worker is gone") from None

    def _receive(self, deadline):
        fd = self.proc.stdout.fileno()
        while True:
            if len(self.buffer) >= 8:
                size = int.from_bytes(self.buffer[:8], "little")
                if size > wire.MAX_MESSAGE:
                    raise WorkerDied("a message that is too big")
                if len(self.buffer) >= 8 + size:
                    data = bytes(self.buffer[8:8 + size])
                    del self.buffer[:8 + size]
                    try:
                        message = json.loads(data.decode("utf-8"))
                    except (UnicodeDecodeError, ValueError, RecursionError):
                        raise WorkerDied("a message that is not JSON") from None
                    if not isinstance(message, dict):
                        raise WorkerDied("a message that is not an object")
                    return message
            # what already waits in the pipe counts, however late it is read (the reply to
            # the cells is read after the kernel has run the whole notebook)
            remaining = max(0.0, deadline - time.monotonic())
            ready, _, _ = select.select([fd], [], [], remaining)
            if not ready:
                raise WorkerTimeout()
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                raise WorkerDied("the worker ended")
            self.buffer += chunk

    def kill(self):
        """End the worker and everything it started."""
        if self.proc is None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        try:
            self.proc.kill()
            self.proc.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            pass
        for stream in (self.proc.stdin, self.proc.stdout):
            try:
                stream.close()
            except OSError:
                pass
        self.proc = None
        self.startup = None

    def restart(self):
        self.kill()
        self.restarts += 1
        self.on_restart()

    def on_restart(self):
        """Called when the worker is replaced (a runner forgets what it had prepared)."""


class RemoteRunner(Runner):
    """Runs checks here and the student's functions in a :class:`WorkerProcess`."""

    def __init__(self, process):
        super().__init__()
        self.process = process
        self.process.on_restart = self.prepared.clear
        self.events = []   # time-outs and crashes, for the instructor's review
        self.spent = 0.0   # seconds of calls so far (BUDGET at most)

    def request(self, op, timeout, label="", inputs="", **fields):
        if self.spent > BUDGET:
            fail(f"{label} was not run: your functions used up the {BUDGET:g} s that grading gives "
                 "one submission's calls.", hint="look for slow loops or sleeps in your functions.",
                 error=TimeLimitError)
        start = time.monotonic()
        try:
            reply = self._request(op, timeout, label, inputs, fields)
        finally:
            self.spent += time.monotonic() - start
        return reply

    def _request(self, op, timeout, label, inputs, fields):
        try:
            reply = self.process.request({"op": op, **fields}, timeout or STARTUP_LIMIT)
        except WorkerTimeout:
            self.process.restart()
            self.events.append(f"time-out: {label}")
            time_limit_failure(label, timeout)
        except WorkerDied as err:
            if self.process.startup_failure is not None:
                fail(self.process.startup_failure)
            self.process.restart()
            self.events.append(f"crash: {label} ({err})")
            fail(f"{label} ended the Python process that runs your code ({err}): it crashed, "
                 "called exit() or os._exit(), or used too much memory.", inputs=inputs or None,
                 hint="run it on this input yourself; watch its memory use.")
        if "failure" in reply:
            fail(f"grading could not use what {label} gave back: {reply['failure']}",
                 inputs=inputs or None,
                 hint="return plain values: NumPy arrays, floats, ints, tuples, lists or dicts.")
        return reply


# --------------------------------------------------------------------------- #
# Reading the student's code
# --------------------------------------------------------------------------- #

TAMPER_MODULES = {
    "ctypes", "gc", "signal", "threading", "_thread", "multiprocessing", "concurrent",
    "subprocess", "importlib", "builtins", "IPython", "ipykernel", "jupyter_client", "socket",
    "pty", "resource", "faulthandler", "atexit", "marshal", "code", "codeop", "sysconfig",
    "site", "pickle", "shelve", "dill", "cloudpickle", "asyncio", "selectors", "mmap", "fcntl",
    "nbgrader", "sqlite3", "tracemalloc", "trace", "cProfile", "profile", "pdb", "bdb",
}
TAMPER_NAMES = {"eval", "exec", "compile", "__import__", "breakpoint", "get_ipython",
                "__builtins__", "__loader__", "__spec__", "vars", "globals"}
REFLECTIVE = {"getattr", "setattr", "delattr"}   # fine with a literal name or on self
TAMPER_ATTRIBUTES = {
    "setprofile", "settrace", "_getframe", "displayhook", "excepthook", "meta_path",
    "path_hooks", "modules", "_exit", "kill", "killpg", "fork", "forkpty", "system", "popen",
    "execv", "execve", "execvp", "execl", "execlp", "spawnv", "spawnl", "posix_spawn", "write",
    "remove", "unlink", "rename", "replace", "rmdir", "removedirs", "makedirs", "mkdir", "chmod",
    "chown", "symlink", "link", "truncate", "dup", "dup2", "putenv", "f_back", "f_globals",
    "f_locals", "f_builtins", "tb_frame", "gi_frame", "cr_frame", "__code__", "__globals__",
    "__closure__", "__subclasses__", "__builtins__", "co_code", "currentframe", "stack",
    "set_custom_exc", "input_transformers_post", "input_transformers_cleanup",
    "ast_transformers", "register_magic_function", "setrecursionlimit", "setswitchinterval",
    "set_asyncgen_hooks", "addaudithook", "audit", "stdout", "stderr", "__dict__", "read",
    "fdopen", "open", "pipe", "FileIO", "attrgetter", "methodcaller", "getprofile", "gettrace",
    "getmembers", "__getattribute__", "__getattr__", "__mro__", "__bases__", "__base__",
    "__reduce__", "__reduce_ex__", "__self__", "__func__", "__wrapped__", "__loader__",
    "__spec__", "__import__", "__class_getitem__", "__init_subclass__", "f_code", "gi_code",
}
# modules that tamper, reached as attributes of other modules (logging.threading)
TAMPER_MODULE_ATTRIBUTES = {"threading", "_thread", "multiprocessing", "concurrent", "asyncio",
                            "subprocess", "ctypes", "gc", "signal", "importlib", "builtins",
                            "socket", "pickle", "marshal", "faulthandler", "sysconfig", "mmap",
                            "fcntl", "pty", "selectors"}
DANGEROUS_OWNERS = {"os", "sys", "inspect", "shutil", "pathlib", "io", "_io", "posix", "nt"}
# common method names: tampering only on the modules that make them dangerous
GUARDED_ATTRIBUTES = {"write", "remove", "unlink", "rename", "replace", "stack", "kill", "modules",
                      "stdout", "stderr", "system", "link", "truncate", "dup", "mkdir", "makedirs",
                      "chmod", "__dict__", "symlink", "rmdir", "read", "open", "pipe"}
RISKY_NAMES = {"locals", "open"}
WRITE_MODES = set("wax+")


@dataclass
class CodeReading:
    """What reading the student's code found."""

    tampering: list = field(default_factory=list)   # reasons that fail every exercise
    shortcuts: dict = field(default_factory=dict)   # exercise -> forbidden names it refers to
    risky: list = field(default_factory=list)       # for the instructor's review


def _dotted(node, aliases):
    """``np.linalg.eigh`` as ``numpy.linalg.eigh`` (import aliases resolved), or None."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(aliases.get(node.id, node.id))
    return ".".join(reversed(parts))


def _aliases(trees):
    aliases = {}
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for a in node.names:
                    aliases[a.asname or a.name.split(".")[0]] = a.name if a.asname else a.name.split(".")[0]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                for a in node.names:
                    aliases[a.asname or a.name] = f"{node.module}.{a.name}"
    return aliases


UNREADABLE = object()   # a cell the reader cannot parse although it is valid Python


def _parse(source):
    """The cell's syntax tree as the worker parses it (``worker.parse_cell``), None for a
    syntax error (the worker cannot run it either), or UNREADABLE when parsing fails
    otherwise (nesting too deep, too big): such a cell is not run unread."""
    import threading

    result = []

    def parse():   # in a fresh thread, so that the depth of the caller's stack cannot matter
        try:
            tree = wire.parse_cell(source)
            result.append(None if isinstance(tree, str) else tree)
        except (ValueError, RecursionError, MemoryError):
            result.append(UNREADABLE)

    thread = threading.Thread(target=parse)
    thread.start()
    thread.join()
    return result[0] if result else UNREADABLE


def read_code(cells, lesson):
    """Read the student's code for shortcuts and tampering.

    Parameters
    ----------
    cells : list of Cell
        The submission's code cells, classified.
    lesson : source_lib.checks.Lesson
    """
    reading = CodeReading()
    trees = [(c, _parse(c.source)) for c in cells if c.kind != "test"]
    aliases = _aliases(t for _, t in trees if t is not None and t is not UNREADABLE)
    modules = {name for name, target in aliases.items()
               if "." not in target or target.split(".")[0] in sys.modules}
    library = {name for name, target in aliases.items() if target.split(".")[0] == "source_lib"}
    for cell, tree in trees:
        if cell.kind in ("instructor", "setup") or tree is None:
            continue
        where = f"{'your cell' if cell.kind == 'student' else f'the cell of {cell.exercise}'}"
        if tree is UNREADABLE:
            reading.tampering.append(f"{where.capitalize()} cannot be read (it is nested too deeply "
                                     "or too big), so it cannot be graded; every exercise of this "
                                     "notebook fails.")
            continue
        for node in ast.walk(tree):
            reason = _tampering(node, aliases, modules)
            if reason:
                line = getattr(node, "lineno", "?")
                reading.tampering.append(
                    f"Line {line} of {where} {reason}, which can change how your work is graded; "
                    "every exercise of this notebook fails.")
            risk = _risky(node)
            if risk:
                reading.risky.append(f"{where}, line {getattr(node, 'lineno', '?')}: {risk}")
    # Shortcuts count for an exercise when its own cell, or code of the student's that its
    # cell uses (by name, transitively), refers to them: a scratch cell does not count.
    code = [(c, t) for c, t in trees if c.kind in ("solution", "student")
            and t is not None and t is not UNREADABLE]
    definitions = {}
    for _, tree in code:
        for stmt in tree.body:
            for name in _defined_names(stmt):
                definitions.setdefault(name, []).append(stmt)
    for cell, tree in code:
        if cell.kind != "solution" or cell.exercise not in lesson.exercises:
            continue
        ex = lesson.exercises[cell.exercise]
        nodes, seen, todo = [tree], set(), _used_names(tree)
        while todo:
            name = todo.pop()
            if name in seen:
                continue
            seen.add(name)
            for stmt in definitions.get(name, []):
                if all(stmt is not n for n in nodes) and not any(stmt in t.body for t in nodes if isinstance(t, ast.Module)):
                    nodes.append(stmt)
                    todo |= _used_names(stmt)
        found = []
        for node in nodes:
            found += [f for f in _shortcuts(node, ex.forbidden, aliases, library) if f not in found]
        if found:
            reading.shortcuts.setdefault(ex.name, [])
            reading.shortcuts[ex.name] += [f for f in found if f not in reading.shortcuts[ex.name]]
    reading.tampering = list(dict.fromkeys(reading.tampering))
    return reading


def _defined_names(stmt):
    """The names a top-level statement binds (a def, a class, an assignment, an import)."""
    if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return [stmt.name]
    if isinstance(stmt, (ast.Import, ast.ImportFrom)):
        return [a.asname or a.name.split(".")[0] for a in stmt.names]
    if isinstance(stmt, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
        targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
        return [n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)]
    return []


def _used_names(node):
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}


def _tampering(node, aliases, modules):
    if isinstance(node, ast.Import):
        for a in node.names:
            if a.name.split(".")[0] in TAMPER_MODULES:
                return f"imports {a.name}"
    if isinstance(node, ast.ImportFrom):
        top = (node.module or "").split(".")[0]
        if top in TAMPER_MODULES:
            return f"imports from {node.module}"
        if node.level > 0:
            return "uses a relative import"
        for a in node.names:
            if a.name in TAMPER_ATTRIBUTES or a.name in ("setprofile", "settrace"):
                return f"imports {node.module}.{a.name}"
    if isinstance(node, ast.Name) and node.id in TAMPER_NAMES:
        return f"uses {node.id}"
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in REFLECTIVE:
        literal = len(node.args) > 1 and isinstance(node.args[1], ast.Constant)
        on_self = node.args and isinstance(node.args[0], ast.Name) and node.args[0].id in ("self", "cls")
        if not literal and not on_self:
            return f"uses {node.func.id} with a computed name"
    if isinstance(node, (ast.Call, ast.Assign, ast.Lambda, ast.Return, ast.List, ast.Tuple)):
        values = (node.args + [k.value for k in node.keywords] if isinstance(node, ast.Call)
                  else node.elts if isinstance(node, (ast.List, ast.Tuple))
                  else [node.body] if isinstance(node, ast.Lambda) else [node.value])
        for value in values:
            if isinstance(value, ast.Name) and value.id in REFLECTIVE:
                return f"passes {value.id} around"
    if isinstance(node, ast.Attribute):
        dotted = _dotted(node, aliases) or f"….{node.attr}"
        if node.attr in TAMPER_ATTRIBUTES:
            base = node.value.id if isinstance(node.value, ast.Name) else None
            owners = set(dotted.split(".")[:-1])
            if node.attr in GUARDED_ATTRIBUTES and not owners & DANGEROUS_OWNERS \
                    and not (node.attr == "__dict__" and base in modules):
                return None
            return f"uses {dotted}"
        if node.attr in TAMPER_MODULE_ATTRIBUTES:
            return f"uses {dotted}"
        root = node.value
        while isinstance(root, ast.Attribute):
            root = root.value
        if node.attr.startswith("_") and not node.attr.startswith("__") \
                and isinstance(root, ast.Name) and root.id in modules:
            return f"uses the private name {dotted}"
    if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Delete)):
        targets = node.targets if isinstance(node, (ast.Assign, ast.Delete)) else [node.target]
        for target in targets:
            base = target
            while isinstance(base, (ast.Attribute, ast.Subscript)):
                base = base.value
            if base is not target and isinstance(base, ast.Name) and base.id in modules:
                return f"changes the module {aliases.get(base.id, base.id)}"
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        if node.func.id in ("setattr", "delattr") and node.args and isinstance(node.args[0], ast.Name) \
                and node.args[0].id in modules:
            return f"changes the module {aliases.get(node.args[0].id)} with {node.func.id}"
        if node.func.id in ("getattr", "setattr", "delattr", "hasattr") and len(node.args) > 1 \
                and isinstance(node.args[1], ast.Constant) and isinstance(node.args[1].value, str) \
                and (node.args[1].value in TAMPER_ATTRIBUTES or node.args[1].value.startswith("__")):
            return f"reaches {node.args[1].value!r} through {node.func.id}"
        if node.func.id == "open" and (_write_mode(node) or any(k.arg is None for k in node.keywords)):
            return "opens a file for writing"
        if node.func.id == "open" and node.args and any(
                isinstance(n, ast.Constant) and isinstance(n.value, str)
                and ("/proc" in n.value or "/dev" in n.value or "/fd" in n.value)
                for n in ast.walk(node.args[0])):
            return "opens a process's files"
        if node.func.id == "open" and node.args and not (
                isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)
                and not node.args[0].value.startswith(("/proc", "/dev"))) \
                and not isinstance(node.args[0], (ast.Name, ast.JoinedStr, ast.BinOp)):
            return "opens a file descriptor or a process's files"
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
            and node.func.attr in ("write_text", "write_bytes", "open") \
            and (node.func.attr != "open" or _write_mode(node)):
        if node.func.attr != "open" or not isinstance(node.func.value, ast.Name) \
                or node.func.value.id not in modules:
            return f"writes a file ({node.func.attr})"
    return None


def _write_mode(call):
    mode = call.args[1] if len(call.args) > 1 else next(
        (k.value for k in call.keywords if k.arg == "mode"), None)
    if mode is None:
        return False
    if isinstance(mode, ast.Constant) and isinstance(mode.value, str):
        return bool(WRITE_MODES & set(mode.value))
    return True   # a mode computed at run time


def _risky(node):
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in RISKY_NAMES:
        if node.func.id in ("getattr", "setattr", "delattr") and len(node.args) > 1 \
                and isinstance(node.args[1], ast.Constant):
            return None
        return f"{node.func.id}(...)"
    return None


def _shortcuts(tree, forbidden, aliases, library):
    """The forbidden routines (and the reference library) that a cell's code refers to."""
    found = []
    last = {}
    for name in forbidden:
        parts = name.split(".")
        owner_is_class = len(parts) > 2 and parts[-2][:1].isupper()
        last.setdefault(parts[-1], []).append((name, owner_is_class))
    for node in ast.walk(tree):
        dotted = None
        if isinstance(node, ast.Attribute):
            dotted = _dotted(node, aliases)
            root = node.value
            while isinstance(root, ast.Attribute):
                root = root.value
            on_module = isinstance(root, ast.Name) and root.id in aliases   # np.x, sp.special.x
            for name, owner_is_class in last.get(node.attr, []):
                if (owner_is_class and not on_module) or (dotted and _same_routine(dotted, name)):
                    found.append(name)
        elif isinstance(node, ast.Name):
            target = aliases.get(node.id)
            if node.id in library:
                found.append(f"the course's reference library ({aliases[node.id]})")
            elif target and any(_same_routine(target, f) for f in forbidden):
                found.append(target)
        elif isinstance(node, ast.ImportFrom) and node.module:
            if node.module.split(".")[0] == "source_lib":
                found.append("the course's reference library")
            for a in node.names:
                full = f"{node.module}.{a.name}"
                found += [f for f in forbidden if _same_routine(full, f)]
        elif isinstance(node, ast.Import):
            for a in node.names:
                if a.name.split(".")[0] == "source_lib":
                    found.append("the course's reference library")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                and node.func.id == "getattr" and len(node.args) > 1 \
                and isinstance(node.args[1], ast.Constant) and isinstance(node.args[1].value, str):
            owner = _dotted(node.args[0], aliases) if not isinstance(node.args[0], ast.Constant) else None
            for name, owner_is_class in last.get(node.args[1].value, []):
                if owner_is_class or owner is None or _same_routine(f"{owner}.{node.args[1].value}", name):
                    found.append(name)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and "." in node.value:
            found += [f for f in forbidden if node.value == f]
        if isinstance(node, ast.Call) and not (isinstance(node.func, ast.Name) and (
                node.func.id.endswith(("Error", "Exception", "Warning")) or node.func.id == "print")):
            for arg in node.args:   # a routine's name handed to a call (x.__getattribute__("softmax"))
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str) and arg.value in last:
                    found += [name for name, _ in last[arg.value]]
        if isinstance(node, ast.ImportFrom) and any(a.name == "*" for a in node.names):
            found += [f for f in forbidden if f.rsplit(".", 1)[0] == node.module]
    return list(dict.fromkeys(found))


_MODULE_ALIASES = {"np": "numpy", "sp": "scipy"}


def _same_routine(dotted, forbidden_name):
    """Whether ``dotted`` (aliases resolved) names ``forbidden_name``, allowing for the
    public re-exports (``numpy.linalg.linalg.eigh`` is ``numpy.linalg.eigh``)."""
    if dotted == forbidden_name:
        return True
    head = dotted.split(".")
    head[0] = _MODULE_ALIASES.get(head[0], head[0])
    name = ".".join(head)
    if name == forbidden_name:
        return True
    # Only names inside the forbidden routine's own package are looked up: importing
    # whatever module a submission names into the grading process is neither safe nor
    # quick (the worker's runtime guard sees a routine however it was reached).
    if head[0] != forbidden_name.split(".")[0]:
        return False
    target = _resolve(forbidden_name)
    return target is not None and _resolve(name) is target


@functools.lru_cache(maxsize=4096)
def _resolve(dotted):
    return wire.resolve(dotted)


# --------------------------------------------------------------------------- #
# Grading a submission
# --------------------------------------------------------------------------- #

@dataclass
class Cell:
    """A code cell of a submission: ``kind`` is "setup" (the instructor's first code cell),
    "instructor" (a demo), "solution", "student" (a cell the student added or changed) or
    "test"."""

    source: str
    kind: str
    exercise: str = None


@dataclass
class TestCell:
    """A test cell of the instructor's: the exercise, part and secret seed it runs."""

    grade_id: str
    exercise: str
    part: str
    seed: int
    points: float = 0.0


def parse_test(grade_id, source):
    """Read ``checks.run("name", "part", seed=N)`` from an instructor's test cell."""
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                and node.func.attr == "run":
            seed = next((k.value.value for k in node.keywords if k.arg == "seed"
                         and isinstance(k.value, ast.Constant)), None)
            args = [a.value for a in node.args if isinstance(a, ast.Constant)]
            if isinstance(seed, int) and args and all(isinstance(a, str) for a in args):
                return TestCell(grade_id, args[0], args[1] if len(args) > 1 else "values", seed)
    raise ValueError(f"test cell {grade_id} has no `checks.run(name[, part], seed=N)` call: "
                     "grading cannot know which checks it stands for")


WORKER_KINDS = ("setup", "solution", "student")


def worker_sources(cells):
    """The cells the worker runs: the set-up cell, the solution cells and the student's own
    cells. The lesson's demos do not run there (the kernel runs them): functions may use
    the set-up cell's imports and the student's own cells, as the test cells may."""
    return [c.source for c in cells if c.kind in WORKER_KINDS]


def run_tests(lesson, tests, runner, reading=None):
    """The verdict of every test cell, ``{grade_id: Verdict}``, with ``runner``."""
    if reading is not None:
        runner.tampering = reading.tampering
        runner.static_shortcuts = reading.shortcuts
    verdicts, cache = {}, {}
    for test in tests:
        verdicts[test.grade_id] = lesson.verdict(runner, test.exercise, test.part, test.seed, cache)
    return verdicts


def grade(lesson, tests, cells, course_root=None, process=None):
    """Grade one submission: ``{grade_id: Verdict}`` and the instructor's review.

    Parameters
    ----------
    lesson : source_lib.checks.Lesson
    tests : list of TestCell
    cells : list of Cell
        The submission's code cells in order (test cells included or not).
    process : WorkerProcess, optional
        A worker already started on these cells.
    """
    code = [c for c in cells if c.kind in WORKER_KINDS]
    process = process or WorkerProcess(worker_sources(cells), course_root)
    runner = RemoteRunner(process)
    reading = read_code(cells, lesson)
    try:
        verdicts = run_tests(lesson, tests, runner, reading)
    finally:
        process.kill()
    review = {
        "sandboxed": process.sandboxed,
        "tampering": reading.tampering,
        "risky": reading.risky,
        "events": runner.events,
        "startup_errors": [f"{code[i].kind} cell {i}: {m}" for i, m in process.startup_errors
                           if code[i].kind != "setup"][:20],
        "startup_failure": process.startup_failure,
    }
    return verdicts, review


# --------------------------------------------------------------------------- #
# nbgrader
# --------------------------------------------------------------------------- #

def _nbgrader_preprocessor():
    from nbgrader.preprocessors import NbGraderPreprocessor
    return NbGraderPreprocessor


class _Submission:
    """What the gradebook and the instructor's source say about one submitted notebook."""

    def __init__(self, nb, resources, config):
        from nbgrader.api import Gradebook
        from nbgrader.coursedir import CourseDirectory

        info = resources["nbgrader"]
        self.notebook, self.assignment = info["notebook"], info["assignment"]
        with Gradebook(info["db_url"]) as gb:
            source_nb = gb.find_notebook(self.notebook, self.assignment)
            self.sources = {c.name: (c.source, c.cell_type, c.locked) for c in source_nb.source_cells}
            solution_ids = {c.name for c in source_nb.solution_cells}
            self.points = {c.name: float(c.max_score) for c in source_nb.grade_cells
                           if c.cell_type == "code" and c.name not in solution_ids}
        self.solution_ids = solution_ids
        coursedir = CourseDirectory(config=config)
        self.course_root = coursedir.root
        source = Path(coursedir.format_path(coursedir.source_directory, ".", self.assignment)) \
            / f"{self.notebook}.ipynb"
        self.instructor_code = set()
        try:
            import nbformat
            for cell in nbformat.read(str(source), as_version=4).cells:
                if cell.cell_type == "code" and not cell.metadata.get("nbgrader", {}).get("grade_id"):
                    self.instructor_code.add(cell.source)
        except Exception:  # noqa: BLE001 - without the source, every unmarked cell is read
            pass
        try:
            self.lesson = load(self.assignment)
        except LookupError:
            self.lesson = None
        self.tests = [parse_test(gid, self.sources[gid][0]) for gid in self.points] \
            if self.lesson is not None else []
        for test in self.tests:
            test.points = self.points[test.grade_id]
        self.cells = self.classify(nb)

    def classify(self, nb):
        cells = []
        for cell in nb.cells:
            if cell.cell_type != "code":
                continue
            setup = not cells
            meta = cell.metadata.get("nbgrader", {})
            gid = meta.get("grade_id")
            if gid in self.points:
                cells.append(Cell(self.sources[gid][0], "test"))
            elif gid in self.solution_ids:
                cells.append(Cell(cell.source, "solution", gid))
            elif cell.source in self.instructor_code or (gid in self.sources and self.sources[gid][2]):
                cells.append(Cell(self.sources[gid][0] if gid in self.sources else cell.source,
                                  "setup" if setup else "instructor"))
            else:
                cells.append(Cell(cell.source, "student"))
        return cells


def _start_checks_class():
    base = _nbgrader_preprocessor()

    class StartChecks(base):
        """Start the sandboxed worker on the submission's code (before the kernel runs)."""

        def preprocess(self, nb, resources):
            submission = _Submission(nb, resources, self.config)
            if submission.lesson is not None:
                process = WorkerProcess(worker_sources(submission.cells), submission.course_root)
                process.start()
                resources["course_checks"] = (submission, process)
            return nb, resources

    return StartChecks


def _trusted_verdicts_class():
    base = _nbgrader_preprocessor()

    class TrustedVerdicts(base):
        """Score every test cell with the course's checks, outside the student's kernel."""

        def preprocess(self, nb, resources):
            started = resources.pop("course_checks", None)
            if started is None:
                self.log.warning("%s has no course check module: nbgrader grades it as usual",
                                 resources["nbgrader"]["notebook"])
                return nb, resources
            submission, process = started
            verdicts, review = grade(submission.lesson, submission.tests, submission.cells,
                                     process=process)
            _apply(nb, submission, verdicts)
            self._review(resources, review)
            return nb, resources

        def _review(self, resources, review):
            student = resources["nbgrader"]["student"]
            flags = review["tampering"][:1] + review["events"] + (
                [review["startup_failure"]] if review["startup_failure"] else [])
            if not review["sandboxed"]:
                self.log.warning("%s: graded WITHOUT a sandbox (%s=1)", student, sandbox.UNSANDBOXED)
            if flags or review["risky"]:
                self.log.warning("needs a look: %s: %s", student, "; ".join(flags + review["risky"])[:600])
            directory = resources.get("metadata", {}).get("path")
            if directory:
                with open(os.path.join(directory, REVIEW_FILE), "w") as out:
                    json.dump(review, out, indent=1)

    return TrustedVerdicts


def __getattr__(name):
    if name == "StartChecks":
        return _start_checks_class()
    if name == "TrustedVerdicts":
        return _trusted_verdicts_class()
    raise AttributeError(name)


def _apply(nb, submission, verdicts):
    """Make each test cell of ``nb`` show its verdict; restore missing test cells."""
    import nbformat

    seen = set()
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        gid = meta.get("grade_id")
        if meta.get("grade") and (gid not in submission.points or gid in seen) \
                and gid not in submission.solution_ids:
            meta["grade"] = False           # a disguised or duplicated test cell scores nothing
            continue
        if gid in submission.points and cell.cell_type == "code":
            seen.add(gid)
            cell.source = submission.sources[gid][0]
            meta.update(grade=True, solution=False, points=submission.points[gid])
            cell.outputs = _outputs(verdicts[gid], submission.points[gid])
    for gid in submission.points:
        if gid not in seen:
            cell = nbformat.v4.new_code_cell(submission.sources[gid][0])
            cell.metadata["nbgrader"] = {"grade": True, "grade_id": gid, "locked": True,
                                         "points": submission.points[gid], "solution": False,
                                         "schema_version": 3, "task": False}
            cell.outputs = _outputs(verdicts[gid], submission.points[gid])
            nb.cells.append(cell)


def _outputs(verdict: Verdict, points):
    """The outputs nbgrader scores: nothing but text for full marks, an error for none,
    a number for the part of a quiz."""
    import nbformat

    lines = list(verdict.notes)
    lines += [f"advice: {a}" for a in verdict.advice]
    if verdict.passed:
        text = "\n".join(lines + [f"✓ {verdict.exercise} ({verdict.part}): every check passes."])
        return [nbformat.v4.new_output("stream", name="stdout", text=text + "\n")]
    if verdict.fraction > 0:
        text = "\n".join(lines + [verdict.message])
        return [nbformat.v4.new_output("stream", name="stdout", text=text + "\n"),
                nbformat.v4.new_output("execute_result", data={"text/plain": repr(
                    round(verdict.fraction * points, 6))}, execution_count=None)]
    message = "\n".join(lines + [verdict.message])
    return [nbformat.v4.new_output("error", ename="ExerciseFailure",
                                   evalue=message.splitlines()[0] if message else "",
                                   traceback=[message])]
