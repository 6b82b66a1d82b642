"""The process that holds a student's code at grading, and the format values cross in.

At grading, the course's checks run in a trusted process (nbgrader's, see
:mod:`source_lib.grader`). They never import the student's code: they start this
file as a separate program, inside the sandbox of :mod:`source_lib.sandbox`, send it
the code cells of the submission, and then ask it to call the student's functions on
inputs the checks chose. Everything the student's code does stays in this process;
what comes back is data, checked by the trusted side.

Values cross as JSON, in a format with no code in it (:func:`encode`,
:func:`decode`): numbers, strings, lists, tuples, dicts, NumPy arrays and scalars of
numeric types, torch tensors, random generators and *handles* (an object that is not
plain data, such as an instance of the student's class, stays here and is named by a
number). The trusted side never unpickles or executes anything that comes from here.
In the other direction, the trusted side may send plain functions of the check
modules (as source, to be called by the student's code, e.g. the ``f`` of
``numerical_gradient``) and pickles of its own objects (a torch model to measure).

This file is also the *runtime shortcut guard* used in the student's own kernel by
:mod:`source_lib.checks`: :class:`CallWatcher` records calls of forbidden routines
while a student's function runs, however they were imported.

It imports nothing from ``source_lib`` (which is hidden in the sandbox), so that it
can run as ``python -I worker.py`` on its own.
"""

from __future__ import annotations

import ast
import base64
import builtins
import contextlib
import dis
import importlib
import inspect
import json
import os
import struct
import sys
import time
import traceback
import types
import warnings

import numpy as np

MAX_MESSAGE = 1 << 24  # 16 MiB: a bigger message is an error, not a memory bomb
_NUMERIC_KINDS = "biufc"
_GENERATORS = ("PCG64", "PCG64DXSM", "Philox", "SFC64", "MT19937")


class WireError(ValueError):
    """A message that is not in the course's format."""


class TimeUp(BaseException):
    """Raised into a student's function that ran over its time limit (in the kernel)."""


# --------------------------------------------------------------------------- #
# Values <-> JSON
# --------------------------------------------------------------------------- #

def _array(arr, **extra):
    arr = np.asarray(arr, order="C")  # (ascontiguousarray would make a 0-d array 1-d)
    return {"$a": base64.b64encode(arr.tobytes()).decode("ascii"), "dtype": arr.dtype.str,
            "shape": list(arr.shape), **extra}


def encode(value, handles=None, functions=False):
    """Encode ``value`` as JSON-compatible data.

    Parameters
    ----------
    value : object
        The value to encode.
    handles : callable, optional
        ``handles(obj) -> int`` for objects that are not plain data (the worker keeps
        them and sends their number); without it such objects raise TypeError.
    functions : bool
        Whether plain module-level functions and ``functools.partial`` objects may be
        sent as source (only the trusted side sends code, to the worker).
    """
    def enc(v):
        if v is None or isinstance(v, (bool, str)):
            return v
        if isinstance(v, int) and not isinstance(v, bool):
            return v
        if isinstance(v, float):
            return v
        if isinstance(v, complex):
            return {"$c": [v.real, v.imag]}
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
    import textwrap
    return textwrap.dedent(inspect.getsource(func))


def _is_picklable_model(v):
    torch = sys.modules.get("torch")
    return torch is not None and isinstance(v, torch.nn.Module)


def decode(data, handles=None, remote=None, trusted_code=False):
    """Decode what :func:`encode` made.

    ``handles(n)`` resolves a handle on the worker side; ``remote(n, info)`` makes a
    proxy for one on the trusted side. ``trusted_code`` (the worker only) accepts
    functions and pickles sent by the checks.
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
            if any(s < 0 for s in shape) or len(raw) != int(np.prod(shape)) * dtype.itemsize:
                raise WireError("array data does not match its shape")
            arr = np.frombuffer(raw, dtype=dtype).reshape(shape).copy()
            if d.get("scalar"):
                return arr[()]
            if d.get("torch"):
                import torch
                t = torch.from_numpy(arr)
                return t.requires_grad_(True) if d.get("grad") and t.is_floating_point() else t
            return arr
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
            namespace = {"np": np, "__name__": "course_check_helpers"}
            import math
            namespace["math"] = math
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


class Remote:
    """Marker base class of the trusted side's proxies for objects held by the worker."""

    _handle = -1


def write_message(stream, message):
    data = json.dumps(message).encode("utf-8")
    stream.write(struct.pack("<Q", len(data)) + data)
    stream.flush()


def read_message(stream):
    """One message, or None at the end of the stream."""
    header = _read_exactly(stream, 8)
    if header is None:
        return None
    (size,) = struct.unpack("<Q", header)
    if size > MAX_MESSAGE:
        raise WireError(f"a message of {size} bytes is too big")
    data = _read_exactly(stream, size)
    if data is None:
        return None
    try:
        return json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise WireError(f"a message is not JSON: {err}") from None


def _read_exactly(stream, n):
    chunks, got = [], 0
    while got < n:
        chunk = stream.read(n - got)
        if not chunk:
            return None
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


# --------------------------------------------------------------------------- #
# Running cells
# --------------------------------------------------------------------------- #

# Modules that only the lessons' demos use (figures, sliders, progress bars). The worker
# skips a top-level import of one of them when no code it runs names what the import
# binds: nearly a second of start-up per submission, for nothing a function can reach.
DEMO_MODULES = {"matplotlib", "ipywidgets", "tqdm", "IPython"}


def parse_cell(source):
    """A cell's syntax tree (IPython syntax such as ``%magic`` translated), or the
    ``SyntaxError`` message."""
    try:
        return ast.parse(source)
    except SyntaxError:
        pass
    try:   # only a cell that is not plain Python can hold IPython syntax
        from IPython.core.inputtransformer2 import TransformerManager
        source = TransformerManager().transform_cell(source)
    except Exception:  # noqa: BLE001 - IPython missing, or the cell is not valid anyway
        pass
    try:
        return ast.parse(source)
    except SyntaxError as err:
        return f"SyntaxError: {err}"


def demo_only_import(node, named):
    """Whether ``node`` imports only demo modules under names that nothing in ``named`` uses."""
    if isinstance(node, ast.Import):
        modules = [a.name for a in node.names]
        bound = [a.asname or a.name.split(".")[0] for a in node.names]
    elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0 \
            and all(a.name != "*" for a in node.names):
        modules = [node.module]
        bound = [a.asname or a.name for a in node.names]
    else:
        return False
    return all(m.split(".")[0] in DEMO_MODULES for m in modules) and not named.intersection(bound)


# --------------------------------------------------------------------------- #
# The runtime shortcut guard
# --------------------------------------------------------------------------- #

def resolve(dotted):
    """The object a dotted name such as ``numpy.linalg.eigh`` names, or None."""
    parts = dotted.split(".")
    for i in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:i]))
        except Exception:  # noqa: BLE001 - not a module (or not installed)
            continue
        try:
            for attr in parts[i:]:
                obj = getattr(obj, attr)
        except AttributeError:
            return None
        return obj
    return None


def public_name(func):
    """A readable dotted name: ``np.linalg.eigh``, ``scipy.special.softmax``."""
    module = getattr(func, "__module__", None) or ""
    name = getattr(func, "__qualname__", None) or getattr(func, "__name__", repr(func))
    owner = getattr(func, "__objclass__", None)
    if owner is not None:  # a method descriptor such as torch.Tensor.softmax
        module = owner.__module__ if owner.__module__ != "torch._C" else "torch"
        name = f"{owner.__name__.replace('TensorBase', 'Tensor')}.{func.__name__}"
    elif isinstance(func, np.ufunc):
        special = sys.modules.get("scipy.special")
        module = "scipy.special" if special is not None and \
            getattr(special, func.__name__, None) is func else "numpy"
    if isinstance(name, str) and name.startswith("_VariableFunctionsClass."):
        module, name = "torch", name.split(".", 1)[1]
    parts = [p for p in module.split(".") if p and not p.startswith("_")]
    if parts and parts[0] == "numpy":
        parts[0] = "np"
    return ".".join(parts + [str(name)])


def _code_of(func):
    func = inspect.unwrap(func)
    func = getattr(func, "__func__", func)
    return getattr(func, "__code__", None)


def is_watchable(func):
    """Whether calls of ``func`` show up in sys.setprofile. NumPy ufuncs
    (``scipy.special.entr``), method descriptors (``torch.Tensor.softmax``) and
    Cython functions (``np.random.Generator.choice``) make no Python call and do
    not: :func:`static_shortcuts` looks for them in the student's code instead."""
    if isinstance(func, (np.ufunc, types.MethodDescriptorType, types.WrapperDescriptorType)):
        return False
    code = _code_of(func)
    return code is None or not code.co_filename.endswith((".pyx", ".pxd"))


def _c_key(func):
    return (getattr(func, "__module__", None), getattr(func, "__qualname__", None)
            or getattr(func, "__name__", None))


class CallWatcher:
    """Record calls of forbidden routines while installed with :func:`sys.setprofile`.

    ``forbidden`` holds callables (Python functions are matched by their code object,
    C functions by identity and by module and qualified name); ``files`` holds source
    files all of whose functions are forbidden (the reference library).
    """

    def __init__(self, forbidden, files=()):
        self.codes, self.c_funcs, self.c_keys = {}, set(), {}
        for func in forbidden:
            name = public_name(func)
            code = _code_of(func)
            if code is not None:
                self.codes[code] = name
            else:
                self.c_funcs.add(id(func))
                self.c_keys[_c_key(func)] = name
        self.files = {os.path.abspath(f) for f in files}
        self.calls = []

    def __call__(self, frame, event, arg):
        if event == "call":
            code = frame.f_code
            if code in self.codes:
                self.calls.append(self.codes[code])
            elif code.co_filename in self.files:
                module = frame.f_globals.get("__name__", "source_lib")
                self.calls.append(f"{module}.{code.co_qualname}")
        elif event == "c_call":
            if id(arg) in self.c_funcs or _c_key(arg) in self.c_keys:
                self.calls.append(self.c_keys.get(_c_key(arg), public_name(arg)))

    @contextlib.contextmanager
    def installed(self):
        previous = sys.getprofile()
        sys.setprofile(self)
        try:
            yield self
        finally:
            sys.setprofile(previous)


def static_shortcuts(func, forbidden):
    """Names of the routines in ``forbidden`` that the code of ``func`` refers to.

    Reads the bytecode of ``func`` (or of every method of a class), of the functions
    nested in it and of the functions of its own module that it refers to by name, for
    a global, a closure variable or a default value that *is* one of ``forbidden`` (an
    import under another name is found), and for an attribute access or an import of a
    name that one of them has (``sp.entr``, ``from scipy.special import rel_entr``,
    ``t.softmax(-1)``, ``rng.choice``).
    """
    by_name = {}
    for f in forbidden:
        by_name.setdefault(getattr(f, "__name__", ""), f)
    found, seen = [], set()

    def note(target):
        label = public_name(target)
        if label not in found:
            found.append(label)

    def check_object(obj, module):
        for target in forbidden:
            if obj is target:
                note(target)
                return
        if isinstance(obj, types.FunctionType) and obj.__module__ == module:
            visit_function(obj)
        elif isinstance(obj, type) and obj.__module__ == module:
            visit_class(obj)

    def visit_code(code, globals_, cells, module):
        if code in seen:
            return
        seen.add(code)
        for ins in dis.get_instructions(code):
            if ins.opname in ("LOAD_GLOBAL", "LOAD_NAME") and ins.argval in globals_:
                check_object(globals_[ins.argval], module)
            elif ins.opname in ("LOAD_DEREF", "LOAD_CLASSDEREF") and ins.argval in cells:
                check_object(cells[ins.argval], module)
            elif ins.opname in ("LOAD_ATTR", "LOAD_METHOD", "IMPORT_FROM") \
                    and ins.argval in by_name:
                note(by_name[ins.argval])
        for const in code.co_consts:
            if isinstance(const, types.CodeType):
                visit_code(const, globals_, {}, module)

    def visit_function(f):
        f = getattr(inspect.unwrap(f), "__func__", inspect.unwrap(f))
        code = getattr(f, "__code__", None)
        if code is None:
            return
        module = getattr(f, "__module__", None)
        cells = {}
        for name, cell in zip(code.co_freevars, f.__closure__ or ()):
            try:
                cells[name] = cell.cell_contents
            except ValueError:  # an empty cell
                pass
        defaults = list(f.__defaults__ or ()) + list((f.__kwdefaults__ or {}).values())
        for value in defaults + list(cells.values()):
            check_object(value, module)
        visit_code(code, getattr(f, "__globals__", {}), cells, module)

    def visit_class(cls):
        if cls in seen:
            return
        seen.add(cls)
        for value in vars(cls).values():
            value = getattr(value, "__func__", value)
            if isinstance(value, property):
                for accessor in (value.fget, value.fset):
                    if accessor is not None:
                        visit_function(accessor)
            elif callable(value):
                visit_function(value)

    if isinstance(func, type):
        visit_class(func)
    else:
        visit_function(func)
    return found


# --------------------------------------------------------------------------- #
# Calling a function under the guard (used here and in the student's kernel)
# --------------------------------------------------------------------------- #

def guarded_call(func, args, kwargs, forbidden=(), files=(), static=True):
    """Call ``func(*args, **kwargs)`` watching for forbidden routines and warnings.

    Returns a dict: ``result`` (or ``error``, a dict with the exception's type, message
    and the student's frames of its traceback), ``warnings`` (category and message of
    each), ``calls`` (forbidden routines called, by name) and ``seconds``.
    """
    watched = [f for f in forbidden if is_watchable(f)]
    unwatched = [f for f in forbidden if not is_watchable(f)]
    watcher = CallWatcher(watched, files)
    outcome = {"warnings": [], "calls": [], "error": None}
    start = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            with watcher.installed():
                outcome["result"] = func(*args, **kwargs)
        except BaseException as err:  # noqa: BLE001 - everything the student's code raises
            if isinstance(err, (KeyboardInterrupt, TimeUp)):
                raise
            outcome["error"] = describe_exception(err)
    outcome["seconds"] = time.perf_counter() - start
    outcome["warnings"] = [[w.category.__name__, str(w.message)] for w in caught]
    calls = list(dict.fromkeys(watcher.calls))
    if static and unwatched:
        target = getattr(func, "__self__", None) if inspect.ismethod(func) else func
        if target is not None and not (inspect.isfunction(target) or inspect.isclass(target)):
            target = type(target)   # an instance (a callable object): read its class
        try:
            calls += [c for c in static_shortcuts(target, unwatched) if c not in calls]
        except Exception:  # noqa: BLE001 - code that cannot be read is found by the trusted side
            pass
    outcome["calls"] = calls
    return outcome


def describe_exception(err):
    """Type, message and the traceback lines of the student's own frames."""
    frames = [f for f in traceback.extract_tb(err.__traceback__)
              if os.path.abspath(f.filename) != os.path.abspath(__file__)
              and "site-packages" not in f.filename and "/lib/python" not in f.filename]
    lines = traceback.format_list(frames[-6:])
    return {"type": type(err).__name__, "message": str(err)[:2000], "traceback": "".join(lines)[-4000:]}


# --------------------------------------------------------------------------- #
# The worker program
# --------------------------------------------------------------------------- #

class _Blocked:
    """Stands for anything of the course's library inside the worker: calling it fails
    and is recorded as a call of the reference library."""

    def __init__(self, name, record):
        self._name, self._record = name, record

    def __getattr__(self, attr):
        if attr.startswith("__"):
            raise AttributeError(attr)
        return _Blocked(f"{self._name}.{attr}", self._record)

    def __call__(self, *args, **kwargs):
        self._record(self._name)
        raise RuntimeError(f"{self._name} is the course's reference library, which your "
                           "functions may not use")


class _BlockLibrary:
    """A meta path finder that makes ``source_lib`` a library of :class:`_Blocked`."""

    def __init__(self, record):
        self.record = record

    def find_spec(self, name, path=None, target=None):
        if name == "source_lib" or name.startswith("source_lib."):
            return importlib.util.spec_from_loader(name, self, is_package=True)
        return None

    def create_module(self, spec):
        module = types.ModuleType(spec.name)
        module.__path__ = []
        record = self.record
        def blocked(attr, name=spec.name):
            if attr.startswith("__"):   # __file__, __spec__...: what importers ask modules
                raise AttributeError(attr)
            return _Blocked(f"{name}.{attr}", record)

        module.__getattr__ = blocked
        return module

    def exec_module(self, module):
        pass


class Worker:
    """Holds the student's code and answers the trusted side's requests."""

    def __init__(self, namespace=None, block_library=True):
        self.namespace = namespace if namespace is not None else {
            "__name__": "__main__", "__builtins__": builtins}
        self.objects, self.ids = {}, {}
        self.routines = {}          # forbidden routines by dotted name, resolved once
        self.library_calls = None   # a list while a graded call runs
        if block_library:
            sys.meta_path.insert(0, _BlockLibrary(self._library_call))
            for name in [m for m in sys.modules if m == "source_lib" or m.startswith("source_lib.")]:
                del sys.modules[name]

    def _library_call(self, name):
        if self.library_calls is not None:
            self.library_calls.append(name)

    # handles
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

    def enc(self, value):
        return encode(value, handles=self.handle)

    def dec(self, data):
        return decode(data, handles=self.lookup, trusted_code=True)

    # operations
    def op_run_cells(self, cells):
        trees, errors = [], []
        for index, source in enumerate(cells):
            tree = parse_cell(source)
            if isinstance(tree, str):
                errors.append([index, tree])
            trees.append(tree if not isinstance(tree, str) else None)
        named = {node.id for tree in trees if tree is not None for node in ast.walk(tree)
                 if isinstance(node, ast.Name)}
        for index, tree in enumerate(trees):
            if tree is None:
                continue
            body = [node for node in tree.body if not demo_only_import(node, named)]
            for message in self.run_statements(body):
                errors.append([index, message])
            plt = sys.modules.get("matplotlib.pyplot")
            if plt is not None:
                plt.close("all")
        return {"errors": errors}

    def run_source(self, source):
        """Run a cell statement by statement (a failing statement does not stop the rest)."""
        tree = parse_cell(source)
        return [tree] if isinstance(tree, str) else self.run_statements(tree.body)

    def run_statements(self, body):
        errors = []
        for node in body:
            try:
                code = compile(ast.Module(body=[node], type_ignores=[]), "<cell>", "exec")
                exec(code, self.namespace)  # noqa: S102 - the student's own code, sandboxed
            except BaseException as err:  # noqa: BLE001 - SystemExit included
                if isinstance(err, KeyboardInterrupt):
                    raise
                errors.append(f"{type(err).__name__}: {str(err)[:300]}")
        return errors

    def op_call(self, target, args, kwargs, method=None, forbidden=(), files=()):
        if "name" in target:
            if target["name"] not in self.namespace:
                return {"missing": True}
            func = self.namespace[target["name"]]
        else:
            func = self.lookup(target["handle"])
        if method is not None:
            func = getattr(func, method)
        args, kwargs = self.dec(args), self.dec(kwargs)
        members = {key: {k: id(v) for k, v in value.items()}
                   for key, value in list(enumerate(args)) + list(kwargs.items())
                   if isinstance(value, dict)}
        self.op_prepare(forbidden)
        routines = [r for r in (self.routines.get(name) for name in forbidden) if r is not None]
        self.library_calls = []
        try:
            outcome = guarded_call(func, args, kwargs, routines, files)
        finally:
            calls, self.library_calls = self.library_calls, None
        outcome["calls"] += [c for c in dict.fromkeys(calls) if c not in outcome["calls"]]
        reply = {key: outcome[key] for key in ("warnings", "calls", "error", "seconds")}
        if outcome["error"] is None:
            reply["result"] = self.enc(outcome["result"])
        reply["args"] = self.enc(args)
        reply["kwargs"] = self.enc(kwargs)
        every = dict(enumerate(args), **kwargs)
        reply["replaced"] = [[key, [k for k, v in every[key].items() if id(v) != before.get(k)]]
                             for key, before in members.items() if isinstance(every[key], dict)]
        return reply

    def op_prepare(self, forbidden):
        """Find the forbidden routines of modules the student's code has imported, before
        the first timed call. A module it has not imported yet is not imported for it (a
        student importing it inside a function is found by reading the code)."""
        for name in forbidden:
            if self.routines.get(name) is None and name.split(".")[0] in sys.modules:
                self.routines[name] = resolve(name)
        return {}

    def op_value(self, name):
        if name not in self.namespace:
            return {"missing": True}
        return {"result": self.enc(self.namespace[name])}

    def op_getattr(self, handle, name):
        return {"result": self.enc(getattr(self.lookup(handle), name))}

    def op_helper(self, function, args):
        func = self.dec(function)
        outcome = guarded_call(func, self.dec(args), {}, static=False)
        reply = {"error": outcome["error"], "warnings": outcome["warnings"]}
        if outcome["error"] is None:
            reply["result"] = self.enc(outcome["result"])
        return reply

    def op_define(self, source):
        """Run more code in the student's namespace (the catalogue tests' variants)."""
        return {"errors": self.run_source(source)}

    def serve(self, inbox, outbox):
        while True:
            request = read_message(inbox)
            if request is None:
                return
            op = request.pop("op")
            try:
                reply = getattr(self, f"op_{op}")(**request)
            except Exception as err:  # noqa: BLE001 - report, keep serving
                reply = {"failure": f"{type(err).__name__}: {err}"}
            try:
                write_message(outbox, reply)
            except (TypeError, ValueError) as err:  # a result that cannot be sent
                write_message(outbox, {"failure": f"{type(err).__name__}: {err}"})


def main():
    """Serve requests on stdin/stdout; the student's prints go nowhere."""
    inbox = os.fdopen(os.dup(0), "rb", buffering=0)
    outbox = os.fdopen(os.dup(1), "wb", buffering=0)
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    sys.stdin = open(os.devnull)  # noqa: SIM115
    sys.stdout = sys.stderr = open(os.devnull, "w")  # noqa: SIM115
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != here]
    os.environ.setdefault("MPLBACKEND", "Agg")
    write_message(outbox, {"ready": True, "pid": os.getpid()})
    Worker().serve(inbox, outbox)


if __name__ == "__main__":
    main()
