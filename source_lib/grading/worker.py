"""The program that holds a student's code at grading, and the format values cross in.

At grading, the course's checks run in a trusted process (nbgrader's: see
:mod:`source_lib.grading.pipeline`). They never import the student's code: they start
this file as a program of its own, inside the sandbox of :mod:`source_lib.grading.sandbox`,
and ask it to call the student's functions on inputs the checks chose. Inside, two
processes share the work, so that the student's code never holds the channel to the
checks:

* the **broker** (this program's main process) imports the modules the lesson allows,
  makes itself impossible to inspect from another process of the sandbox (not
  "dumpable": no ptrace, no ``/proc/<pid>/fd``), and keeps the channel to the checks. It
  runs no student code. Every array the checks send goes into an *arena* of shared memory
  that the broker owns; after every call the broker itself compares the arena with what
  it wrote, so whether a function modified its inputs (during its own call or, through an
  object that kept a reference, during a later one) is a fact the broker observes, not
  something the student's process reports. The broker also times every call and ends the
  executor when it runs over its limit.
* the **executor** is forked from the broker for each run of the student's code. It
  closes the broker's channel before anything else, installs an audit hook (PEP 578: a
  hook cannot be removed) that refuses, however reached, what graded code never needs
  (processes, signals, sockets, ``ctypes``, files other than the libraries' own, threads,
  imports of modules the lesson does not allow, ``exec``/``compile`` and frame access from
  the student's code), runs the submission's cells and answers the broker's requests over
  a socket of its own.

What the executor says about a call (the result, an exception, the warnings) is what the
student's function did; the checks compare it with the reference on their side. Nothing
it says can raise a score beyond what such a function would earn.

Values cross as JSON, in a format with no code in it (:func:`encode`, :func:`decode`):
numbers, strings, lists, tuples, dicts, NumPy arrays and scalars of numeric types, torch
tensors, random generators and *handles* (an object that is not plain data, such as an
instance of the student's class, stays in the executor and is named by a number). The
trusted side never unpickles or executes anything that comes from here. In the other
direction, the trusted side may send plain functions of the check modules (as source, for
the student's code to call, e.g. the ``f`` of ``numerical_gradient``) and pickles of its own
objects.

:class:`Executor` is also what the learner's own kernel uses for the visible checks and the
self-check (:class:`source_lib.checks.LocalRunner`), without the sandbox, so that both
call the student's code the same way.

This file imports nothing from ``source_lib`` (the course library is not in the sandbox),
so that it runs as ``python -I worker.py`` on its own.
"""

from __future__ import annotations

import ast
import base64
import builtins
import json
import math
import os
import secrets
import select
import struct
import sys
import time
import traceback
import types
import warnings

import numpy as np

MAX_MESSAGE = 1 << 26    # 64 MiB: a bigger message is an error, not a memory bomb
ARENA_SIZE = 1 << 28     # 256 MiB of shared memory for the arrays of one executor (sparse)
ALIGN = 64
STUDENT_FILE = "<cell>"  # the file name of every code object made from the student's cells
_NUMERIC_KINDS = "biufc"
_GENERATORS = ("PCG64", "PCG64DXSM", "Philox", "SFC64", "MT19937")


class WireError(ValueError):
    """A message that is not in the course's format."""


class TimeUp(BaseException):
    """Raised into a student's function that ran over its time limit (in the kernel)."""


class Refused(PermissionError):
    """An operation that graded code may not perform (raised by the executor's audit hook)."""


# --------------------------------------------------------------------------- #
# Values <-> JSON
# --------------------------------------------------------------------------- #

def _array(arr, **extra):
    arr = np.asarray(arr, order="C")  # (ascontiguousarray would make a 0-d array 1-d)
    return {"$a": base64.b64encode(arr.tobytes()).decode("ascii"), "dtype": arr.dtype.str,
            "shape": list(arr.shape), **extra}


def encode(value, handles=None, functions=False, same=None):
    """Encode ``value`` as JSON-compatible data.

    Parameters
    ----------
    value : object
        The value to encode.
    handles : callable, optional
        ``handles(obj) -> int`` for objects that are not plain data (the executor keeps
        them and sends their number); without it such objects raise TypeError.
    functions : bool
        Whether plain module-level functions and ``functools.partial`` objects may be
        sent as source (only the trusted side sends code, to the executor).
    same : callable, optional
        ``same(obj) -> reference or None``: an array that *is* one the broker placed in
        shared memory is sent as that reference (the broker fills in its contents).
    """
    def enc(v):
        if v is None or isinstance(v, (bool, str, int, float)):
            return v
        if isinstance(v, complex):
            return {"$c": [v.real, v.imag]}
        if same is not None:
            ref = same(v)
            if ref is not None:
                return {"$same": ref}
        if isinstance(v, np.ndarray) and v.dtype.kind in _NUMERIC_KINDS:
            return _array(v)
        if isinstance(v, np.generic) and np.dtype(type(v)).kind in _NUMERIC_KINDS:
            return _array(np.asarray(v), scalar=True)
        if isinstance(v, tuple) and not hasattr(v, "_fields"):
            return {"$t": [enc(x) for x in v]}
        if type(v) is list:
            return [enc(x) for x in v]
        if type(v) is dict and all(isinstance(k, (str, int)) for k in v):
            return {"$d": [[enc(k), enc(x)] for k, x in v.items()]}
        if isinstance(v, np.random.Generator):
            return {"$rng": enc(v.bit_generator.state)}
        torch = sys.modules.get("torch")
        if torch is not None and isinstance(v, torch.Tensor) and v.layout == torch.strided:
            t = v.detach().cpu().resolve_conj().resolve_neg()
            return _array(t.numpy(), torch=True, grad=bool(v.requires_grad))
        if isinstance(v, Remote):
            return {"$h": v._handle}
        if functions:
            import functools
            if isinstance(v, functools.partial):
                return {"$partial": enc(v.func), "args": [enc(a) for a in v.args],
                        "kwargs": {k: enc(x) for k, x in v.keywords.items()}}
            if isinstance(v, types.FunctionType) and v.__name__ != "<lambda>":
                return {"$fn": _function_source(v), "name": v.__name__}
            if _is_picklable_model(v):
                import pickle
                return {"$pickle": base64.b64encode(pickle.dumps(v)).decode("ascii")}
        if handles is not None:
            return {"$h": handles(v), "type": type(v).__name__, "callable": callable(v)}
        raise TypeError(f"cannot send a {type(v).__name__} between the checks and the "
                        "student's code (plain data, arrays, tensors and generators only)")

    return enc(value)


def _function_source(func):
    import inspect
    import textwrap
    return textwrap.dedent(inspect.getsource(func))


def _is_picklable_model(v):
    torch = sys.modules.get("torch")
    return torch is not None and isinstance(v, torch.nn.Module)


def decode(data, handles=None, remote=None, trusted_code=False, shared=None):
    """Decode what :func:`encode` made.

    ``handles(n)`` resolves a handle on the executor's side; ``remote(n, info)`` makes a
    proxy for one on the trusted side. ``trusted_code`` (the executor only) accepts
    functions and pickles sent by the checks; ``shared(spec)`` (the executor only) makes
    the array the broker placed in shared memory.
    """
    def dec(d):
        if d is None or isinstance(d, (bool, str, int, float)):
            return d
        if isinstance(d, list):
            return [dec(x) for x in d]
        if not isinstance(d, dict) or len(d) == 0:
            raise WireError(f"unexpected {type(d).__name__} in a message")
        if "$a" in d:
            dtype = np.dtype(d["dtype"])
            if dtype.kind not in _NUMERIC_KINDS or dtype.hasobject:
                raise WireError(f"arrays of dtype {dtype} are not accepted")
            shape = tuple(int(s) for s in d["shape"])
            raw = base64.b64decode(d["$a"], validate=True)
            if any(s < 0 for s in shape) or len(raw) != math.prod(shape) * dtype.itemsize:
                raise WireError("array data does not match its shape")
            arr = np.frombuffer(raw, dtype=dtype).reshape(shape).copy()
            return _finish_array(arr, d)
        if "$shm" in d and shared is not None:
            return shared(d)
        if "$t" in d:
            return tuple(dec(x) for x in d["$t"])
        if "$d" in d:
            out = {}
            for k, v in d["$d"]:
                key = dec(k)
                if not isinstance(key, (str, int)):
                    raise WireError("dict keys must be strings or integers")
                out[key] = dec(v)
            return out
        if "$c" in d:
            re, im = d["$c"]
            return complex(float(re), float(im))
        if "$rng" in d:
            state = dec(d["$rng"])
            name = state.get("bit_generator") if isinstance(state, dict) else None
            if name not in _GENERATORS:
                raise WireError(f"unknown bit generator {name!r}")
            bitgen = getattr(np.random, name)()
            bitgen.state = state
            return np.random.Generator(bitgen)
        if "$h" in d:
            if handles is not None:
                return handles(int(d["$h"]))
            if remote is not None:
                return remote(int(d["$h"]), d)
            raise WireError("a handle where none is expected")
        if trusted_code and "$fn" in d:
            namespace = {"np": np, "math": math, "__name__": "course_check_helpers"}
            exec(compile(d["$fn"], "<check helper>", "exec"), namespace)  # noqa: S102
            return namespace[d["name"]]
        if trusted_code and "$partial" in d:
            import functools
            return functools.partial(dec(d["$partial"]), *[dec(a) for a in d["args"]],
                                     **{k: dec(v) for k, v in d["kwargs"].items()})
        if trusted_code and "$pickle" in d:
            import pickle
            return pickle.loads(base64.b64decode(d["$pickle"]))  # noqa: S301 - from the checks
        raise WireError(f"unknown value {sorted(d)[:3]} in a message")

    return dec(data)


def _finish_array(arr, d):
    if d.get("scalar"):
        return arr[()]
    if d.get("torch"):
        import torch
        t = torch.from_numpy(arr)
        return t.requires_grad_(True) if d.get("grad") and t.is_floating_point() else t
    return arr


class Remote:
    """Marker base class of the trusted side's proxies for objects held by the executor."""

    _handle = -1


# --------------------------------------------------------------------------- #
# Framing
# --------------------------------------------------------------------------- #

def frame(message):
    data = json.dumps(message).encode("utf-8")
    return struct.pack("<Q", len(data)) + data


def write_message(stream, message):
    stream.write(frame(message))
    stream.flush()


def read_message(stream):
    """One message, or None at the end of the stream. A message that is too big is read
    past (so that the next one is read whole) and reported as a WireError."""
    header = _read_exactly(stream.read, 8)
    if header is None:
        return None
    (size,) = struct.unpack("<Q", header)
    if size > MAX_MESSAGE:
        left = size
        while left > 0:
            chunk = stream.read(min(left, 1 << 20))
            if not chunk:
                return None
            left -= len(chunk)
        raise WireError(f"a message of {size} bytes is too big")
    data = _read_exactly(stream.read, size)
    if data is None:
        return None
    return _parse(data)


def _parse(data):
    try:
        message = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as err:
        raise WireError(f"a message is not JSON: {err}") from None
    if not isinstance(message, dict):
        raise WireError("a message is not an object")
    return message


def _read_exactly(read, n):
    chunks, got = [], 0
    while got < n:
        chunk = read(n - got)
        if not chunk:
            return None
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


class Channel:
    """Length-framed JSON messages over a file descriptor, with deadlines both ways.

    Used by the broker towards its executor and by the trusted side towards the broker:
    a peer that stops reading or writing costs at most the deadline.
    """

    class Timeout(Exception):
        pass

    class Closed(Exception):
        pass

    def __init__(self, read_fd, write_fd=None):
        self.read_fd = read_fd
        self.write_fd = read_fd if write_fd is None else write_fd
        self.buffer = bytearray()
        os.set_blocking(self.write_fd, False)

    def send(self, message, deadline):
        self.send_bytes(frame(message), deadline)

    def send_bytes(self, data, deadline):
        view = memoryview(data)
        while view:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise Channel.Timeout()
            _, ready, _ = select.select([], [self.write_fd], [], remaining)
            if not ready:
                raise Channel.Timeout()
            try:
                sent = os.write(self.write_fd, view[:1 << 20])
            except BlockingIOError:
                continue
            except OSError:
                raise Channel.Closed() from None
            view = view[sent:]

    def receive(self, deadline, limit=MAX_MESSAGE):
        while True:
            if len(self.buffer) >= 8:
                size = int.from_bytes(self.buffer[:8], "little")
                if size > limit:
                    raise WireError(f"a message of {size} bytes is too big")
                if len(self.buffer) >= 8 + size:
                    data = bytes(self.buffer[8:8 + size])
                    del self.buffer[:8 + size]
                    return _parse(data)
            remaining = max(0.0, deadline - time.monotonic())
            ready, _, _ = select.select([self.read_fd], [], [], remaining)
            if not ready:
                raise Channel.Timeout()
            try:
                chunk = os.read(self.read_fd, 1 << 20)
            except OSError:
                chunk = b""
            if not chunk:
                raise Channel.Closed()
            self.buffer += chunk


# --------------------------------------------------------------------------- #
# Calling a function of the student's
# --------------------------------------------------------------------------- #

def guarded_call(func, args, kwargs):
    """Call ``func(*args, **kwargs)``, recording its warnings and exception.

    Returns a dict: ``result`` (or ``error``: the exception's type, message and the
    student's frames of its traceback), ``warnings`` (category and message of each) and
    ``global_rng`` (whether NumPy's global random state moved during the call). The call
    starts from a global state of its own, never seen before, and the caller's is put back
    afterwards: a function that seeds the global state (to any seed, its own of an earlier
    call included) moves it.
    """
    outcome = {"warnings": [], "error": None}
    caller = np.random.get_state()
    _FRESH.random_sample()   # a new state, which no seed a student can write gives
    np.random.set_state(_FRESH.get_state())
    before = _global_rng_state()
    try:
        _call(func, args, kwargs, outcome)
    finally:
        outcome["global_rng"] = _global_rng_state() != before
        np.random.set_state(caller)
    return outcome


# The global random states calls start from (guarded_call), drawn from the system's entropy
_FRESH = np.random.RandomState(np.random.SeedSequence().generate_state(4))


def _call(func, args, kwargs, outcome):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            outcome["result"] = func(*args, **kwargs)
        except BaseException as err:  # noqa: BLE001 - everything the student's code raises
            if isinstance(err, (KeyboardInterrupt, TimeUp)):
                raise
            outcome["error"] = describe_exception(err)
    outcome["warnings"] = [[w.category.__name__, str(w.message)[:500]] for w in caught][:20]


def _global_rng_state():
    state = np.random.get_state(legacy=False)
    return (state["state"]["key"].tobytes(), state["state"]["pos"], state.get("has_gauss"),
            state.get("gauss"))


def describe_exception(err):
    """Type, message and the traceback lines of the student's own frames."""
    summary = traceback.StackSummary.extract(traceback.walk_tb(err.__traceback__), lookup_lines=False)
    frames = [f for f in summary if f.filename == STUDENT_FILE]
    lines = traceback.format_list(frames[-6:])
    return {"type": type(err).__name__, "message": str(err)[:2000],
            "traceback": "".join(lines)[-4000:]}


# --------------------------------------------------------------------------- #
# The executor: the student's code and the operations on it
# --------------------------------------------------------------------------- #

class Executor:
    """Holds the student's code and answers requests about it.

    In the grading sandbox it runs in the executor process (:func:`_executor_main`); in
    the learner's kernel, :class:`source_lib.checks.LocalRunner` uses it in-process.
    """

    def __init__(self, namespace=None, storage=None):
        self.namespace = namespace if namespace is not None else {
            "__name__": "__main__", "__builtins__": builtins}
        self.objects, self.ids = {}, {}
        self.storage = storage      # where the arrays of the requests are (an Arena's storage)
        self.views = {}             # id(array) -> (its place in the storage, the array)

    # handles ---------------------------------------------------------------
    def handle(self, obj):
        key = id(obj)
        if key not in self.ids:
            self.ids[key] = len(self.objects)
            self.objects[self.ids[key]] = obj
        return self.ids[key]

    def lookup(self, number):
        if number not in self.objects:
            raise WireError(f"unknown handle {number}")
        return self.objects[number]

    def shared(self, spec):
        """The array (or tensor) placed in the storage at ``spec["$shm"]``: a view of it, so
        that whoever placed it sees what the student's code does to it."""
        segment, offset, nbytes = (int(x) for x in spec["$shm"])
        dtype = np.dtype(spec["dtype"])
        shape = tuple(int(s) for s in spec["shape"])
        buffer = self.storage.view(segment)
        if dtype.kind not in _NUMERIC_KINDS or math.prod(shape) * dtype.itemsize != nbytes \
                or offset < 0 or offset + nbytes > len(buffer):
            raise WireError("a shared array that does not fit")
        arr = np.frombuffer(buffer, dtype=dtype, count=math.prod(shape),
                            offset=offset).reshape(shape)
        value = _finish_array(arr, spec)
        self.views[id(value)] = ([segment, offset, nbytes], value)   # alive: its id stays its own
        return value

    def enc(self, value):
        return encode(value, handles=self.handle, same=self._same)

    def _same(self, obj):
        entry = self.views.get(id(obj))
        return entry[0] if entry is not None and entry[1] is obj else None

    def dec(self, data):
        return decode(data, handles=self.lookup, trusted_code=True,
                      shared=self.shared if self.storage is not None else None)

    # running code ------------------------------------------------------------
    def run_source(self, source, skip=()):
        """Run a cell statement by statement (a failing statement does not stop the rest;
        ``skip``: top-level modules whose imports are left out); the error messages."""
        try:
            tree = ast.parse(source)
        except SyntaxError as err:
            return [f"SyntaxError: {err}"]
        except (ValueError, RecursionError, MemoryError) as err:
            return [f"{type(err).__name__}: the cell cannot be read"]
        return self.run_statements([node for node in tree.body if not _imports_only(node, skip)])

    def run_statements(self, body):
        errors = []
        for node in body:
            try:
                code = compile(ast.Module(body=[node], type_ignores=[]), STUDENT_FILE, "exec")
                exec(code, self.namespace)  # noqa: S102 - the student's own code, sandboxed
            except BaseException as err:  # noqa: BLE001 - SystemExit included
                if isinstance(err, (KeyboardInterrupt, TimeUp)):
                    raise
                errors.append(f"{type(err).__name__}: {str(err)[:300]}")
        return errors

    # operations ------------------------------------------------------------------
    def op_ping(self):
        return {"pong": True, "modules": sorted(m for m in ("numpy", "scipy", "torch", "math")
                                                if m in sys.modules)}

    def op_cells(self, cells, skip=()):
        """Run the submission's cells (``skip``: top-level modules whose imports are left
        out, the lesson's demo-only modules); the errors, per cell."""
        return {"errors": [[index, message] for index, source in enumerate(cells)
                           for message in self.run_source(source, skip)]}

    def op_define(self, source):
        """Run more code in the student's namespace (the catalogue tests' variants)."""
        return {"errors": self.run_source(source)}

    def op_call(self, target, args, kwargs, method=None):
        if "name" in target:
            if target["name"] not in self.namespace:
                return {"missing": True}
            func = self.namespace[target["name"]]
        else:
            func = self.lookup(target["handle"])
        if method is not None:
            func = getattr(func, method)
        args, kwargs = self.dec(args), self.dec(kwargs)
        outcome = guarded_call(func, args, kwargs)
        reply = {key: outcome[key] for key in ("warnings", "error", "global_rng")}
        if outcome["error"] is None:
            reply["result"] = self.enc(outcome["result"])
        reply["args"] = self.enc(args)
        reply["kwargs"] = self.enc(kwargs)
        return reply

    def op_value(self, name):
        if name not in self.namespace:
            return {"missing": True}
        return {"result": self.enc(self.namespace[name])}

    def op_getattr(self, handle, name):
        return {"result": self.enc(getattr(self.lookup(handle), name))}

    def op_helper(self, function, args):
        func = self.dec(function)
        outcome = guarded_call(func, self.dec(args), {})
        reply = {"error": outcome["error"], "warnings": outcome["warnings"]}
        if outcome["error"] is None:
            reply["result"] = self.enc(outcome["result"])
        return reply

    def answer(self, request):
        """The reply to one request (a failure reply if the request cannot be served)."""
        op = request.pop("op", None)
        handler = getattr(self, f"op_{op}", None) if isinstance(op, str) else None
        if handler is None:
            return {"failure": f"unknown operation {op!r}"}
        try:
            return handler(**request)
        except Exception as err:  # noqa: BLE001 - reported, the executor keeps serving
            return {"failure": f"{type(err).__name__}: {str(err)[:500]}"}


def _imports_only(node, modules):
    """Whether ``node`` imports only modules of ``modules`` (top-level names)."""
    if isinstance(node, ast.Import):
        return all(a.name.split(".")[0] in modules for a in node.names)
    if isinstance(node, ast.ImportFrom):
        return node.level == 0 and (node.module or "").split(".")[0] in modules
    return False


# --------------------------------------------------------------------------- #
# The executor's audit hook
# --------------------------------------------------------------------------- #

# Events refused whoever triggers them: graded code needs none of them, and the executor
# itself, once locked down, triggers none (it talks to the broker with os.read/os.write).
REFUSED_EVENTS = (
    "ctypes.", "subprocess.", "os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.fork",
    "os.forkpty", "os.kill", "os.killpg", "os.putenv", "os.unsetenv", "os.remove", "os.rename",
    "os.rmdir", "os.mkdir", "os.chmod", "os.chown", "os.symlink", "os.link", "os.truncate",
    "os.utime", "os.setxattr", "os.removexattr", "os.chflags", "os.lockf", "os.startfile",
    "signal.", "socket.", "sys.settrace", "sys.setprofile", "sys.addaudithook",
    "sys._current_frames", "sys.unraisablehook", "sys.excepthook", "_thread.start_new_thread",
    "threading.", "mmap.", "pty.", "resource.", "fcntl.", "shutil.", "tempfile.", "sqlite3.",
    "gc.get_objects", "gc.get_referrers", "gc.get_referents", "webbrowser.", "urllib.",
    "http.", "ftplib.", "smtplib.", "imaplib.", "poplib.", "nntplib.", "telnetlib.",
    "setopencodehook", "cpython.", "builtins.input", "builtins.breakpoint", "syslog.",
)
# Refused when untrusted code (the student's, or code made from strings at run time) does
# them itself, or asks a library that does not make code to make some for it.
MAKES_CODE = ("compile", "exec", "code.__new__", "marshal.", "pickle.", "function.__new__")
FRAME_ATTRIBUTES = {"tb_frame", "tb_next", "f_back", "f_globals", "f_locals", "f_builtins",
                    "gi_frame", "cr_frame", "ag_frame", "f_code", "gi_code", "cr_code", "ag_code"}
WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
# The libraries' files that may make code while the student's code runs: named tuples and
# data classes (from identifiers they check), NumPy and torch. Not typing, which turns the
# strings of annotations into code.
CODE_MAKERS = ("collections/__init__.py", "dataclasses.py", "/numpy/", "/torch/")


def lockdown(allowed, read_roots, refused):
    """Install the executor's audit hook (it cannot be removed).

    ``allowed``: the top-level modules the student's code may import; ``read_roots``:
    directories whose files may be read (the Python installation and its libraries).
    Refused operations raise :class:`Refused` and are recorded in ``refused``.

    The hook never calls a method of an object the student's code made (it looks at the
    exact types of its arguments first), so no code of the student's runs while it works.
    """
    inside = []
    roots = tuple(os.path.join(os.path.realpath(r), "") for r in read_roots)
    trusted = {os.path.abspath(__file__), "<check helper>"}
    getframe = sys._getframe

    def untrusted(name):
        return name == STUDENT_FILE or not (name.startswith(roots) or name in trusted
                                            or name.startswith("<frozen"))

    def files(frame):
        """The files of the stack, from the frame that triggered the event outwards."""
        found = []
        while frame is not None:
            found.append(frame.f_code.co_filename)
            frame = frame.f_back
        return found

    def first(stack):
        """The first file on the stack that is not the import system's."""
        return next((name for name in stack if not name.startswith("<frozen")), "")

    def refuse(event, detail):
        refused.append(f"{event}: {detail}"[:200])
        raise Refused(f"{event} is not allowed in graded code ({detail})")

    def check(event, args, frame):
        # the stack's files are read only for the events that need them (builtins.id, for
        # one, comes at every id() call)
        caller = lambda: first(files(frame))  # noqa: E731
        if event.startswith(REFUSED_EVENTS):
            refuse(event, ", ".join(type(a).__name__ for a in args)[:80])
        elif event == "open":
            path, mode, flags = (list(args) + [None, None])[:3]
            if type(path) not in (str, bytes):
                refuse(event, f"a {type(path).__name__}, not a path")
            writing = (type(mode) is str and set(mode) & set("wax+")) or \
                (type(flags) is int and flags & WRITE_FLAGS) or (mode is not None and type(mode) is not str)
            real = os.path.realpath(os.fsdecode(path))
            if writing or not real.startswith(roots):
                refuse(event, os.fsdecode(path)[:80])
        elif event == "import":
            if type(args[0]) is not str:
                refuse(event, "a module name that is not a string")
            top = args[0].split(".")[0]
            if top not in allowed and untrusted(caller()):
                refuse(event, f"the module {args[0]}")
        elif event == "object.__getattr__":
            if len(args) > 1 and (type(args[1]) is not str or args[1] in FRAME_ATTRIBUTES) \
                    and untrusted(caller()):
                refuse(event, "reading a frame")
        elif event == "sys._getframe":
            if untrusted(caller()):
                refuse(event, "called from your code")
        elif event.startswith(MAKES_CODE):
            stack = files(frame)
            if stack and stack[0].startswith("<frozen importlib"):
                return     # the import system reading a module (its import event was allowed)
            if event == "exec" and args and type(args[0]) is types.CodeType and (
                    args[0].co_filename.startswith("<frozen")
                    or os.path.realpath(args[0].co_filename).startswith(roots)):
                return     # a module of the standard library or of an allowed package, imported
            maker = first(stack)
            if untrusted(maker):
                refuse(event, "called from your code")
            theirs = next((i for i, name in enumerate(stack) if untrusted(name)), None)
            if theirs is None or maker.endswith(CODE_MAKERS):
                return
            if any(name.startswith("<frozen importlib") for name in stack[:theirs]):
                return     # a library module's own code, run as it is imported (numpy.ma...)
            refuse(event, f"asked of {os.path.basename(maker)} by your code")

    def hook(event, args):
        if inside:
            return
        inside.append(True)
        try:
            check(event, args, getframe(1))
        finally:
            inside.pop()

    sys.addaudithook(hook)


def guarded_builtins(allowed, refused):
    """The built-ins of the student's namespace: the real ones, with an ``__import__`` that
    refuses modules the lesson does not allow (an import of a module already loaded makes
    no audit event, so the hook alone would not see ``import os``)."""
    real = builtins.__import__

    def __import__(name, globals=None, locals=None, fromlist=(), level=0):  # noqa: A001
        if type(name) is not str or level != 0 or name.split(".")[0] not in allowed:
            shown = name if type(name) is str else "a module"
            refused.append(f"import: {shown}"[:200])
            raise Refused(f"import of {shown} is not allowed in graded code")
        return real(name, globals, locals, fromlist, level)

    namespace = dict(vars(builtins))
    namespace["__import__"] = __import__
    return namespace


class SharedStorage:
    """One segment of shared memory (the broker's arena: an anonymous shared mapping, which
    an executor forked after it shares), allocated from the bottom up."""

    def __init__(self, size=ARENA_SIZE):
        import mmap
        self.mmap = mmap.mmap(-1, size, flags=mmap.MAP_SHARED)
        self.memory = memoryview(self.mmap)
        self.top = 0

    def allocate(self, nbytes):
        offset = -(-self.top // ALIGN) * ALIGN
        if offset + nbytes > len(self.memory):
            raise MemoryError("the arena is full")
        self.top = offset + nbytes
        return 0, offset

    def view(self, segment):
        if segment != 0:
            raise WireError(f"no segment {segment}")
        return self.memory

    def reset(self):
        self.top = 0

    def renew(self):
        """A fresh mapping (for the next executor: the last one's pages are given back)."""
        self.memory.release()
        self.mmap.close()
        self.__init__()


class LocalStorage:
    """Memory of this process, a buffer per array (the learner's kernel)."""

    def __init__(self):
        self.buffers = []

    def allocate(self, nbytes):
        self.buffers.append(bytearray(nbytes))
        return len(self.buffers) - 1, 0

    def view(self, segment):
        if not 0 <= segment < len(self.buffers):
            raise WireError(f"no segment {segment}")
        return memoryview(self.buffers[segment])

    def reset(self):
        self.buffers = []


class Arena:
    """Where the arrays of every request go, and what became of them.

    :meth:`place` moves every array of a request's arguments into the storage (the
    executor makes views of them); :meth:`resolve` fills the executor's references to
    those arrays (``{"$same": ...}``: the student's code gave back the very array it
    received) with what the storage holds now; :meth:`earlier` compares every array of
    earlier requests with what it held after its own request. The storage is the broker's
    (shared memory) in the sandbox, so that these facts are the broker's observations, not
    the executor's reports; in the learner's kernel it is plain memory, and the facts are
    the same.
    """

    def __init__(self, storage):
        self.storage = storage
        self.requests = 0         # numbers go on across resets: an old number means nothing new
        self.reset()

    def reset(self):
        self.storage.reset()
        self.leaves = []          # (request number, path, [segment, offset, nbytes])
        self.baseline = {}        # (segment, offset) -> the bytes after the last request
        self.specs = {}           # (segment, offset) -> dtype, shape and kind of the array

    def place(self, request):
        """Move the arrays of ``request`` (its "args" and "kwargs") into the storage;
        the request's number."""
        self.requests += 1
        number = self.requests

        def walk(node, path):
            if isinstance(node, list):
                return [walk(x, path + [i]) for i, x in enumerate(node)]
            if not isinstance(node, dict):
                return node
            if "$a" in node and not node.get("scalar"):
                raw = base64.b64decode(node["$a"], validate=True)
                if not raw:
                    return node
                segment, offset = self.storage.allocate(len(raw))
                self.storage.view(segment)[offset:offset + len(raw)] = raw
                key = (segment, offset)
                self.baseline[key] = raw
                self.specs[key] = {k: v for k, v in node.items() if k != "$a"}
                self.leaves.append((number, path, [segment, offset, len(raw)]))
                return dict(self.specs[key], **{"$shm": [segment, offset, len(raw)]})
            if "$t" in node:
                return {"$t": [walk(x, path + [i]) for i, x in enumerate(node["$t"])]}
            if "$d" in node:
                return {"$d": [[k, walk(v, path + [k])] for k, v in node["$d"]]}
            return node   # functions, pickles, handles, generators: no arrays to place

        for key in ("args", "kwargs", "function"):
            if key in request:
                request[key] = walk(request[key], [key])
        return number

    def resolve(self, reply, number):
        """Fill every ``{"$same": [segment, offset, nbytes]}`` of a reply with what the
        storage holds there now, marked with the input it is (``"input": path``)."""
        where = {tuple(ref): path for n, path, ref in self.leaves if n == number}

        def walk(node):
            if isinstance(node, list):
                return [walk(x) for x in node]
            if not isinstance(node, dict):
                return node
            if "$same" in node:
                ref = node["$same"]
                if not (isinstance(ref, list) and len(ref) == 3 and all(isinstance(x, int) for x in ref)):
                    raise WireError("a malformed reference to an input")
                segment, offset, nbytes = ref
                key = (segment, offset)
                if key not in self.baseline or len(self.baseline[key]) != nbytes:
                    raise WireError("a reference to an array that was never sent")
                data = bytes(self.storage.view(segment)[offset:offset + nbytes])
                out = {"$a": base64.b64encode(data).decode("ascii"), **self.specs[key]}
                if tuple(ref) in where:
                    out["input"] = where[tuple(ref)]
                return out
            return {k: walk(v) for k, v in node.items()}

        return walk(reply)

    def changes(self, number):
        """What changed in the storage during request ``number``: ``(mutated, earlier)``,
        the arrays of this request that its call modified (``{"path", "$a"...}``, with
        their contents now) and those of earlier requests (``{"call": n, "path": path}``).
        Every array's current bytes become its reference."""
        mutated, earlier = [], []
        for n, path, (segment, offset, nbytes) in self.leaves:
            now = bytes(self.storage.view(segment)[offset:offset + nbytes])
            key = (segment, offset)
            if now != self.baseline[key]:
                if n != number:
                    earlier.append({"call": n, "path": path})
                else:
                    mutated.append({"path": path, "$a": base64.b64encode(now).decode("ascii"),
                                    **self.specs[key]})
                self.baseline[key] = now
        return mutated, earlier


class Broker:
    """The broker's state: the arena, the executor process, the submission's code.

    Its requests (from the trusted side) and replies:

    * ``{"op": "start", "cells": [...], "skip": [...]}``: forks an executor that runs the
      cells; answered at once (``{"started": true}``);
    * any executor operation (``call``, ``value``, ``getattr``, ``helper``, ``define``,
      ``ping``), with ``"timeout"`` (seconds): forwarded to the executor, whose reply comes
      back as ``{"status": "ok", "reply": {...}, "seconds": s, "call": n, "earlier": [...]}``,
      or ``{"status": "timeout" | "died" | "garbage" | "forged" | "startup_timeout" |
      "startup_died" | "startup_forged"}`` when it does not come. ``"startup"`` holds, once,
      the errors of the cells.

    The student's code runs in the executor's process and can find its socket: every reply
    of the executor carries a token drawn for that executor, which only the executor's own
    stack holds, and a reply without it is ``forged``.
    """

    def __init__(self, allowed, read_roots, startup_limit, private=()):
        self.private = list(private)   # descriptors the executor must not inherit
        self.allowed = set(allowed)
        self.read_roots = list(read_roots)
        self.startup_limit = float(startup_limit)
        self.arena = Arena(SharedStorage())
        self.cells, self.skip, self.defines = [], [], []
        self.pid = None
        self.channel = None
        self.token = None
        self.starting = None      # the deadline of the cells' run, while it runs
        self.failed = None        # why the executor could not start ("startup_timeout"...)
        self.startup_report = None

    # the executor process ----------------------------------------------------
    def spawn(self):
        import socket

        self.kill()
        self.arena.storage.renew()
        self.arena.reset()
        ours, theirs = socket.socketpair()
        token = secrets.token_hex(16)
        pid = os.fork()
        if pid == 0:   # the executor
            try:
                ours.close()
                self.token = None
                _executor_main(theirs.detach(), self, token)
            finally:
                os._exit(0)
        theirs.close()
        self.pid, self.token = pid, token
        self.channel = Channel(ours.detach())
        self.private.append(self.channel.read_fd)
        self.failed = None
        self.starting = time.monotonic() + self.startup_limit

    def kill(self):
        if self.pid is not None:
            try:
                os.kill(self.pid, 9)
            except ProcessLookupError:
                pass
            self._reap()

    def _reap(self):
        """Wait for the ended executor; how it ended."""
        pid, self.pid = self.pid, None
        self.private.remove(self.channel.read_fd)
        try:
            os.close(self.channel.read_fd)
        except OSError:
            pass
        self.channel, self.starting = None, None
        try:
            _, status = os.waitpid(pid, 0)
        except ChildProcessError:
            return "ended"
        if os.WIFSIGNALED(status):
            return f"killed by signal {os.WTERMSIG(status)}"
        return f"exited with code {os.WEXITSTATUS(status)}"

    def ready(self):
        """Wait for the executor's cells (starting one if there is none); None, or the
        status that explains why there is no executor to ask."""
        if self.failed is not None:
            return self.failed
        if self.pid is None:
            self.spawn()
        if self.starting is None:
            return None
        deadline, self.starting = self.starting, None
        try:
            reply = self.channel.receive(deadline)
        except Channel.Timeout:
            self.failed = "startup_timeout"
        except (Channel.Closed, WireError):
            self.failed = "startup_died"
        else:
            if reply.pop("token", None) != self.token:
                self.failed = "startup_forged"
            else:
                if self.startup_report is None:
                    self.startup_report = reply
                return None
        self.kill()
        return self.failed

    # requests ------------------------------------------------------------------
    def forward(self, request):
        status = self.ready()
        reply = {"status": status} if status else self._ask(request)
        if self.startup_report is not None and not self.startup_report.get("sent"):
            reply["startup"] = dict(self.startup_report)
            self.startup_report["sent"] = True
        return reply

    def _ask(self, request):
        timeout = float(request.pop("timeout", 60.0))
        if request.get("op") == "define":
            self.defines.append(request["source"])
        try:
            number = self.arena.place(request)
        except (WireError, ValueError, MemoryError) as err:
            return {"status": "garbage", "detail": f"the request could not be placed: {err}"}
        start = time.monotonic()
        try:
            self.channel.send(request, start + timeout)
            reply = self.channel.receive(start + timeout)
        except Channel.Timeout:
            self.kill()
            return {"status": "timeout", "seconds": time.monotonic() - start}
        except Channel.Closed:
            return {"status": "died", "detail": self._reap(), "seconds": time.monotonic() - start}
        except WireError as err:
            self.kill()
            return {"status": "garbage", "detail": str(err)[:200]}
        seconds = time.monotonic() - start
        if reply.pop("token", None) != self.token:
            self.kill()
            return {"status": "forged"}
        try:
            reply = self.arena.resolve(reply, number)
        except WireError as err:
            return {"status": "garbage", "detail": str(err)[:200]}
        mutated, earlier = self.arena.changes(number)
        return {"status": "ok", "reply": reply, "seconds": seconds, "call": number,
                "mutated": mutated, "earlier": earlier}


def _executor_main(fd, broker, token):
    """The executor process: drop the broker's channel, lock down, run the cells, serve."""
    for other in broker.private:    # the channel to the trusted side, first of all
        os.close(other)
    storage = broker.arena.storage
    allowed, roots = broker.allowed, broker.read_roots
    cells, skip, defines = broker.cells, broker.skip, list(broker.defines)
    del broker
    # the student's namespace is a module of its own: `import __main__` finds it, not this file
    refused = []
    module = types.ModuleType("__main__")
    module.__builtins__ = guarded_builtins(allowed, refused)
    sys.modules["__main__"] = module
    executor = Executor(module.__dict__, storage=storage)
    channel = Channel(fd)
    os.set_blocking(fd, True)
    lockdown(allowed, roots, refused)
    seen = 0
    reply = executor.op_cells(cells, skip)
    for source in defines:
        reply["errors"] += [[-1, m] for m in executor.run_source(source)]
    while True:
        reply["refused"], seen = refused[seen:seen + 20], len(refused)
        _send_capped(fd, reply, token)
        request = _receive_blocking(channel)
        if request is None:
            return
        reply = executor.answer(request)


def _send_capped(fd, message, token):
    """Send a reply with the executor's token, or say it could not be sent (a result that
    is no data, or too big)."""
    try:
        data = frame(dict(message, token=token))
    except (TypeError, ValueError, RecursionError) as err:
        data = frame({"failure": f"{type(err).__name__}: {str(err)[:300]}", "token": token})
    if len(data) > MAX_MESSAGE - 1024:
        data = frame({"failure": f"a result of {len(data) >> 20} MB is too big to send back",
                      "token": token})
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _receive_blocking(channel):
    try:
        return channel.receive(time.monotonic() + 10 ** 9)
    except Channel.Closed:
        return None


def _make_undumpable():
    """No other process of the sandbox may ptrace this one or open its /proc files."""
    try:
        import ctypes
        ctypes.CDLL(None, use_errno=True).prctl(4, 0, 0, 0, 0)   # PR_SET_DUMPABLE, 0
    except (OSError, AttributeError):
        pass


def main(argv=None):
    """The broker: ``worker.py ALLOWED READ_ROOTS STARTUP_LIMIT`` (comma- and
    colon-separated); requests on stdin, replies on stdout."""
    argv = sys.argv[1:] if argv is None else argv
    allowed = [m for m in argv[0].split(",") if m]
    read_roots = [r for r in argv[1].split(":") if r]
    startup_limit = float(argv[2])
    inbox = os.dup(0)
    outbox = os.dup(1)
    null = os.open(os.devnull, os.O_RDWR)
    for std in (0, 1, 2):
        os.dup2(null, std)
    sys.stdin = open(os.devnull)  # noqa: SIM115
    sys.stdout = sys.stderr = open(os.devnull, "w")  # noqa: SIM115
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != here]
    os.environ.setdefault("MPLBACKEND", "Agg")
    imported, failed = [], []
    for name in allowed:
        try:
            __import__(name)
            imported.append(name)
        except Exception as err:  # noqa: BLE001 - reported to the trusted side
            failed.append(f"{name}: {type(err).__name__}: {err}"[:300])
    _make_undumpable()
    broker = Broker(allowed, read_roots, startup_limit, private=(inbox, outbox))
    out = os.fdopen(outbox, "wb", buffering=0)
    inp = os.fdopen(inbox, "rb", buffering=0)
    write_message(out, {"ready": True, "imported": imported, "failed": failed})
    while True:
        try:
            request = read_message(inp)
        except WireError as err:
            write_message(out, {"status": "garbage", "detail": str(err)})
            continue
        if request is None:
            broker.kill()
            return
        if request.get("op") == "start":
            broker.cells = list(request.get("cells", []))
            broker.skip = list(request.get("skip", []))
            broker.defines = []
            broker.failed = None
            broker.startup_report = None
            broker.spawn()
            write_message(out, {"started": True})
            continue
        write_message(out, broker.forward(request))


if __name__ == "__main__":
    main()
