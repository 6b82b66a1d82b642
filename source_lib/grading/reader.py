"""Reading a submission's code: what each exercise's code may use, by an allowlist.

Each exercise names the modules its code may import (``Lesson.exercise(..., imports=...)``:
``numpy`` and ``math`` for most, ``torch`` where the lesson is about torch). The reader
takes the code of an exercise — its solution cell and every top-level statement of the
student's that this code uses, by name, transitively — and refuses, with the line and the
reason:

* an import of a module outside the exercise's allowlist (or of a submodule of an
  allowed package that is not on it: ``numpy.ctypeslib``, ``numpy.testing``), and any use
  of a name bound to such a module (the set-up cell's ``plt``, ``torch`` in a NumPy
  exercise);
* a module reached as an attribute of an allowed one (``torch.os``, ``torch.sys``), and
  private names of modules (``np._core``);
* attributes read or written by a name computed at run time (``getattr`` with anything
  but a literal name, and passing ``getattr``/``setattr`` around), dunder attributes
  (``x.__dict__``, ``f.__globals__``; ``super().__init__`` and ``__name__``,
  ``__class__``, ``__doc__`` are fine), frame and traceback attributes (``tb_frame``,
  ``f_back``, ``gi_frame``...) and ``.ctypes``;
* built-in functions outside a list of plain ones (``eval``, ``exec``, ``open``,
  ``vars``, ``globals``, ``__import__``... are not on it), and dunder names
  (``__builtins__``, ``__loader__``);
* the course's reference library, and the routines the exercise forbids (however they
  are imported or renamed), as "shortcuts".

Code that changes a module (``np.linalg.norm = ...``) anywhere in the submission fails
every exercise. What the same rules find in cells that no exercise uses (a scratch cell
that compares with ``scipy``) costs nothing: it is listed for the instructor's review, and
the worker refuses it anyway at run time (:mod:`source_lib.grading.worker`).

The reader never imports anything: names are resolved by reading the modules the
trusted process has already imported, and the package directories on disk.

What it cannot rule out: a forbidden routine *inside an allowed package* (``np.linalg.eigh``
for power iteration) reached through an object the code does not name (a value passed in,
returned by another call). :attr:`CodeReading.limits` says so, per exercise, in the review.
"""

from __future__ import annotations

import ast
import builtins
import functools
import inspect
import sys
import threading
import types
from dataclasses import dataclass, field
from pathlib import Path

from source_lib.grading import worker

__all__ = ["Cell", "CodeReading", "read_code", "translate", "parse", "expand_allowed"]

SAFE_BUILTINS = {
    "abs", "aiter", "all", "anext", "any", "ascii", "bin", "bool", "bytes", "callable", "chr",
    "classmethod", "complex", "delattr", "dict", "divmod", "enumerate", "filter", "float",
    "format", "frozenset", "getattr", "hasattr", "hash", "hex", "id", "int", "isinstance",
    "issubclass", "iter", "len", "list", "map", "max", "min", "next", "object", "oct", "ord",
    "pow", "print", "property", "range", "repr", "reversed", "round", "set", "setattr", "slice",
    "sorted", "staticmethod", "str", "sum", "super", "tuple", "type", "zip", "NotImplemented",
    "Ellipsis", "True", "False", "None", "bytearray",
} | {name for name, value in vars(builtins).items()
     if isinstance(value, type) and issubclass(value, BaseException)}
SAFE_DUNDERS = {"__init__", "__name__", "__class__", "__doc__", "__qualname__"}
# what the worker's audit hook refuses at run time, and two more read here
FRAME_ATTRIBUTES = worker.FRAME_ATTRIBUTES | {"co_code", "ctypes"}
REFLECTIVE = {"getattr", "setattr", "delattr", "hasattr"}
# The submodules of an allowed package that graded code may use (``numpy`` allows these).
SUBMODULES = {
    "numpy": {"numpy", "numpy.linalg", "numpy.random", "numpy.fft", "numpy.polynomial",
              "numpy.ma", "numpy.emath", "numpy.exceptions", "numpy.lib",
              "numpy.lib.stride_tricks", "numpy.lib.scimath", "numpy.typing", "numpy.dtypes"},
    "scipy": {"scipy", "scipy.special"},
    "torch": {"torch", "torch.nn", "torch.nn.functional", "torch.nn.init", "torch.nn.modules",
              "torch.nn.parameter", "torch.autograd", "torch.linalg", "torch.special",
              "torch.fft", "torch.optim", "torch.func", "torch.random"},
}
LIBRARY = "source_lib"


def expand_allowed(imports):
    """The module paths that the top-level modules ``imports`` allow (their listed
    submodules, and what lies below those)."""
    allowed = set()
    for name in imports:
        allowed |= SUBMODULES.get(name, {name})
    return allowed


def _module_allowed(dotted, allowed):
    """Whether the module ``dotted`` is allowed: listed itself, or inside a listed submodule
    (``numpy.polynomial.hermite_e`` inside ``numpy.polynomial``; the package root allows
    itself only: ``numpy`` does not allow ``numpy.ctypeslib``)."""
    parts = dotted.split(".")
    if any(p.startswith("_") for p in parts[1:]):
        return False
    return dotted in allowed or any(".".join(parts[:i]) in allowed for i in range(2, len(parts)))


@dataclass
class Cell:
    """A code cell of a submission: ``kind`` is "setup" (the instructor's first code cell),
    "instructor" (a demo), "solution", "student" (a cell the student added or changed) or
    "test"; ``exercise`` the grade id of a solution cell."""

    source: str
    kind: str
    exercise: str = None


@dataclass
class CodeReading:
    """What reading a submission's code found."""

    refused: dict = field(default_factory=dict)     # exercise -> reasons that fail it
    tampering: list = field(default_factory=list)   # reasons that fail every exercise
    shortcuts: dict = field(default_factory=dict)   # exercise -> forbidden names it refers to
    review: list = field(default_factory=list)      # for the instructor, costing nothing
    limits: list = field(default_factory=list)      # what the reader cannot rule out
    skipped: list = field(default_factory=list)     # (cell source, first line, last line) not run


# --------------------------------------------------------------------------- #
# Parsing
# --------------------------------------------------------------------------- #

UNREADABLE = object()


def translate(source):
    """A cell's source as plain Python: IPython syntax (``%magic``, ``!shell``) translated
    and its magics left out (graded code runs no magic); unchanged if it is plain Python."""
    try:
        ast.parse(source)
        return source
    except SyntaxError:
        pass
    except (ValueError, RecursionError, MemoryError):
        return source
    try:
        from IPython.core.inputtransformer2 import TransformerManager
        translated = TransformerManager().transform_cell(source)
        tree = ast.parse(translated)
    except Exception:  # noqa: BLE001 - not valid anyway: the worker reports the SyntaxError
        return source
    tree.body = [stmt for stmt in tree.body if not _is_magic(stmt)]
    return ast.unparse(tree) if tree.body else "pass"


def _is_magic(stmt):
    value = stmt.value if isinstance(stmt, (ast.Expr, ast.Assign)) else None
    while isinstance(value, (ast.Call, ast.Attribute)):
        value = value.func if isinstance(value, ast.Call) else value.value
    return isinstance(value, ast.Name) and value.id == "get_ipython"


def parse(source):
    """The cell's syntax tree, None for a syntax error (the worker cannot run it either),
    or UNREADABLE when parsing fails otherwise (nesting too deep, too big)."""
    result = []

    def work():   # in a fresh thread, so that the depth of the caller's stack cannot matter
        try:
            result.append(ast.parse(source))
        except SyntaxError:
            result.append(None)
        except (ValueError, RecursionError, MemoryError):
            result.append(UNREADABLE)

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    return result[0] if result else UNREADABLE


# --------------------------------------------------------------------------- #
# Names
# --------------------------------------------------------------------------- #

def _dotted(node):
    """``np.linalg.eigh`` as ["np", "linalg", "eigh"], or None."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return list(reversed(parts))


def _import_aliases(trees):
    """Names bound by imports, and by plain assignments of a module path (``la = np.linalg``):
    name -> dotted path."""
    aliases = {}
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for a in node.names:
                    aliases[a.asname or a.name.split(".")[0]] = a.name if a.asname else a.name.split(".")[0]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                for a in node.names:
                    if a.name != "*":
                        aliases[a.asname or a.name] = f"{node.module}.{a.name}"
    for _ in range(3):   # assignments of paths, in any order
        for tree in trees:
            for node in ast.walk(tree):
                if isinstance(node, ast.Assign) and len(node.targets) == 1 \
                        and isinstance(node.targets[0], ast.Name):
                    path = _dotted(node.value)
                    if path and path[0] in aliases:
                        aliases[node.targets[0].id] = ".".join([aliases[path[0]]] + path[1:])
    return aliases


def _bound_names(trees):
    """Every name the code binds somewhere (so that a built-in's name may be reused)."""
    bound = set()
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
                bound.add(node.id)
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                bound.add(node.name)
            elif isinstance(node, ast.arg):
                bound.add(node.arg)
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                bound |= {a.asname or a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ExceptHandler) and node.name:
                bound.add(node.name)
            elif isinstance(node, (ast.Global, ast.Nonlocal)):
                bound |= set(node.names)
    return bound


@functools.lru_cache(maxsize=1024)
def _package_path(module):
    """The directory of a package, found without importing anything: from the module if
    this process has imported it, else from where its top-level package lies."""
    obj = sys.modules.get(module)
    paths = getattr(obj, "__path__", None) if obj is not None else None
    if paths:
        return Path(list(paths)[0])
    import importlib.util

    top, *rest = module.split(".")
    try:
        spec = importlib.util.find_spec(top)   # a top-level name: found, not imported
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(list(spec.submodule_search_locations)[0]).joinpath(*rest)
    return path if path.is_dir() else None


@functools.lru_cache(maxsize=4096)
def _is_submodule(parent, name):
    base = _package_path(parent)
    return base is not None and ((base / f"{name}.py").exists() or (base / name / "__init__.py").exists()
                                 or any(base.glob(f"{name}.*.so")))


def resolve(path, allowed):
    """Follow a module path (see :func:`_resolve`; the answers are cached)."""
    return _resolve(path, frozenset(allowed))


@functools.lru_cache(maxsize=8192)
def _resolve(path, allowed):
    """Follow a module path such as ``numpy.linalg.eigh`` as far as it names modules.

    Returns ``(module, rest, problem)``: the deepest module reached, the attribute names
    after it, and a reason to refuse (None if the path stays inside ``allowed``).
    """
    parts = path.split(".")
    if not _module_allowed(parts[0], allowed):
        return parts[0], parts[1:], f"uses {parts[0]}, which this exercise may not use"
    current = parts[0]
    for i, name in enumerate(parts[1:], start=1):
        if name.startswith("__") and name.endswith("__"):
            return current, parts[i:], None if name in SAFE_DUNDERS else f"reaches {current}.{name}"
        if name.startswith("_"):
            return current, parts[i:], f"uses the private name {current}.{name}"
        candidate = f"{current}.{name}"
        if candidate in sys.modules or _is_submodule(current, name):
            if not _module_allowed(candidate, allowed):
                return current, parts[i:], f"uses the module {candidate}, which this exercise may not use"
            current = candidate
            continue
        module = sys.modules.get(current)
        if module is None:   # not imported here: judge by the name alone
            if name in sys.stdlib_module_names and name not in allowed:
                return current, parts[i:], f"reaches the module {name} through {candidate}"
            return current, parts[i:], None
        try:
            value = inspect.getattr_static(module, name)
        except AttributeError:
            value = None
        if isinstance(value, types.ModuleType):
            if not _module_allowed(value.__name__, allowed):
                return current, parts[i:], f"reaches the module {value.__name__} through {candidate}"
            current = value.__name__
            continue
        return current, parts[i:], None
    return current, [], None


# --------------------------------------------------------------------------- #
# Reading
# --------------------------------------------------------------------------- #

SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef, ast.ListComp,
          ast.SetComp, ast.DictComp, ast.GeneratorExp)
UNSAFE_BUILTINS = {name for name in dir(builtins) if name not in SAFE_BUILTINS} | REFLECTIVE


def _scope_locals(node):
    """The names bound directly in the scope that ``node`` (a function, lambda or
    comprehension) opens: its parameters and what its body binds, not nested scopes'."""
    names = set()
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
        args = node.args
        for a in args.posonlyargs + args.args + args.kwonlyargs + [args.vararg, args.kwarg]:
            if a is not None:
                names.add(a.arg)
        body = node.body if isinstance(node.body, list) else [node.body]
    else:   # a comprehension: its targets
        names |= {n.id for g in node.generators for n in ast.walk(g.target) if isinstance(n, ast.Name)}
        return names
    declared = set()
    todo = list(body)
    while todo:
        child = todo.pop()
        if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(child.name)
            todo += child.decorator_list
            continue
        if isinstance(child, (ast.Lambda, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
            continue
        if isinstance(child, (ast.Global, ast.Nonlocal)):
            declared |= set(child.names)
        elif isinstance(child, ast.Name) and isinstance(child.ctx, (ast.Store, ast.Del)):
            names.add(child.id)
        elif isinstance(child, (ast.Import, ast.ImportFrom)):
            names |= {a.asname or a.name.split(".")[0] for a in child.names}
        elif isinstance(child, ast.ExceptHandler) and child.name:
            names.add(child.name)
        todo += list(ast.iter_child_nodes(child))
    return names - declared


def _global_loads(stmt):
    """The ids of the Name nodes of a top-level statement that read a top-level or built-in
    name (not a parameter or a local of a function around them)."""
    found = set()

    def visit(node, stack):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
            if not any(node.id in scope for scope in stack):
                found.add(id(node))
            return
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for d in node.decorator_list + node.args.defaults + [d for d in node.args.kw_defaults if d]:
                visit(d, stack)
            inner = stack + [_scope_locals(node)]
            for child in node.body:
                visit(child, inner)
            return
        if isinstance(node, ast.Lambda):
            inner = stack + [_scope_locals(node)]
            visit(node.body, inner)
            return
        if isinstance(node, (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
            inner = stack + [_scope_locals(node)]
            for child in ast.iter_child_nodes(node):
                visit(child, inner)
            return
        if isinstance(node, ast.ClassDef):   # a class body's names are not its methods' locals
            for child in node.decorator_list + node.bases + [k.value for k in node.keywords]:
                visit(child, stack)
            for child in node.body:
                visit(child, stack)
            return
        for child in ast.iter_child_nodes(node):
            visit(child, stack)

    visit(stmt, [])
    return found


class _Reader:
    def __init__(self, aliases, allowed, forbidden, library_names):
        self.aliases, self.allowed = aliases, frozenset(allowed)
        self.forbidden, self.library = forbidden, library_names
        self.globals = frozenset()   # the loads of global names of the code being read
        self.last = {}
        for name in forbidden:
            parts = name.split(".")
            owner_is_class = len(parts) > 2 and parts[-2][:1].isupper()
            self.last.setdefault(parts[-1], []).append((name, owner_is_class))

    def path_of(self, node):
        parts = _dotted(node)
        if parts is None or parts[0] not in self.aliases:
            return None
        return ".".join([self.aliases[parts[0]]] + parts[1:])

    def problems(self, tree):
        """``(line, reason)`` of what this code may not do."""
        called = {id(n.func) for n in ast.walk(tree) if isinstance(n, ast.Call)}
        self.globals = _global_loads(tree)
        found = {}
        for node in ast.walk(tree):
            reason = self.problem(node, called) or self.annotation_problem(node)
            if reason:
                found.setdefault((getattr(node, "lineno", "?"), reason), None)
        for stmt in (tree.body if isinstance(tree, ast.Module) else [tree]):
            for name in set(_defined(stmt)) & UNSAFE_BUILTINS:
                found.setdefault((stmt.lineno, f"binds the built-in name {name} at the top level"), None)
        return list(found)

    def annotation_problem(self, node):
        """String annotations, which a library may turn into code (typing.get_type_hints)."""
        if isinstance(node, ast.ImportFrom) and node.module == "__future__" \
                and any(a.name == "annotations" for a in node.names):
            return "turns every annotation into a string, which a library may run as code"
        annotations = []
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            annotations.append(node.returns)
            args = node.args
            annotations += [a.annotation for a in args.posonlyargs + args.args + args.kwonlyargs
                            + [args.vararg, args.kwarg] if a is not None]
        elif isinstance(node, ast.AnnAssign):
            annotations.append(node.annotation)
        for annotation in annotations:
            if annotation is not None and any(isinstance(n, ast.Constant) and isinstance(n.value, str)
                                              for n in ast.walk(annotation)):
                return "has an annotation written as a string, which a library may run as code"
        return None

    def problem(self, node, called):
        if isinstance(node, ast.Import):
            for a in node.names:
                if a.name.split(".")[0] == LIBRARY:
                    continue    # the reference library: a shortcut, said as such
                if not _module_allowed(a.name, self.allowed):
                    return f"imports {a.name}, which this exercise may not use"
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                return "uses a relative import"
            module = node.module or ""
            if module.split(".")[0] == LIBRARY:
                return None
            if not _module_allowed(module, self.allowed):
                return f"imports from {module}, which this exercise may not use"
            for a in node.names:
                if a.name != "*":
                    _, _, why = resolve(f"{module}.{a.name}", self.allowed)
                    if why:
                        return f"imports {module}.{a.name} ({why})"
        elif isinstance(node, ast.Name):
            return self.name_problem(node, id(node) in called)
        elif isinstance(node, ast.Attribute):
            return self.attribute_problem(node)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                and node.func.id in REFLECTIVE and id(node.func) in self.globals:
            if len(node.args) < 2 or not (isinstance(node.args[1], ast.Constant)
                                          and isinstance(node.args[1].value, str)):
                return f"uses {node.func.id} with a name computed at run time"
            name = node.args[1].value
            if name.startswith("__") and name not in SAFE_DUNDERS:
                return f"reaches {name!r} through {node.func.id}"
            if name in FRAME_ATTRIBUTES:
                return f"reaches .{name} through {node.func.id}"
            owner = self.path_of(node.args[0])
            if owner is not None:
                _, _, why = resolve(f"{owner}.{name}", self.allowed)
                if why:
                    return f"{why} (through {node.func.id})"
                if node.func.id in ("setattr", "delattr"):
                    return f"changes the module {owner} with {node.func.id}"
        return None

    def name_problem(self, node, is_called):
        name = node.id
        if name in self.aliases and isinstance(node.ctx, ast.Load):
            target = self.aliases[name]
            if target.split(".")[0] == LIBRARY:
                return None
            _, _, why = resolve(target, self.allowed)
            return why
        if name.startswith("__") and name != "__name__":
            return f"uses {name}"
        if id(node) not in self.globals:
            return None       # a parameter or a local of a function
        if name in REFLECTIVE and isinstance(node.ctx, ast.Load) and not is_called:
            return f"passes {name} around (a name computed at run time could follow)"
        if name in UNSAFE_BUILTINS and name not in REFLECTIVE:
            return f"uses the built-in {name}, which graded code may not use"
        return None

    def attribute_problem(self, node):
        attr = node.attr
        path = self.path_of(node)
        if path is not None:
            _, _, why = resolve(path, self.allowed)
            if why:
                return why
        if attr.startswith("__") and attr.endswith("__") and attr not in SAFE_DUNDERS:
            return f"reaches .{attr}"
        if attr in FRAME_ATTRIBUTES:
            return f"reaches .{attr}"
        return None

    def patches(self, tree):
        """``(line, reason)`` of code that changes a module or a class it did not write."""
        found = []
        classes = _class_valued(tree)
        for node in ast.walk(tree):
            targets = []
            if isinstance(node, (ast.Assign, ast.Delete)):
                targets = node.targets
            elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
                targets = [node.target]
            for target in targets:
                base = target
                while isinstance(base, ast.Subscript):
                    base = base.value
                if isinstance(base, ast.Attribute):
                    owner = self.path_of(base.value)
                    if owner is not None:
                        found.append((node.lineno, f"changes the module {owner}"))
                    elif _names_a_class(base.value, classes):
                        found.append((node.lineno, "changes a class through type(...)"))
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                    and node.func.id in ("setattr", "delattr") and node.args:
                if self.path_of(node.args[0]) is not None:
                    found.append((node.lineno, f"changes the module {self.path_of(node.args[0])} "
                                               f"with {node.func.id}"))
                elif _names_a_class(node.args[0], classes):
                    found.append((node.lineno, f"changes a class through type(...) with {node.func.id}"))
        return found

    def shortcuts(self, tree):
        """The forbidden routines (and the reference library) that the code refers to."""
        found = []
        for node in ast.walk(tree):
            if isinstance(node, ast.Name) and node.id in self.library:
                found.append(f"the course's reference library ({self.aliases[node.id]})")
            elif isinstance(node, (ast.Attribute, ast.Name)):
                path = self.path_of(node)
                if path is not None and path in self.forbidden:
                    found.append(path)
                elif isinstance(node, ast.Attribute):
                    for name, owner_is_class in self.last.get(node.attr, []):
                        owner = self.path_of(node.value)
                        if owner_is_class or node.attr not in _method_names("torch" in self.allowed) \
                                or (owner is not None and _same_routine(f"{owner}.{node.attr}", name)):
                            found.append(name)
            elif isinstance(node, ast.ImportFrom) and node.module:
                if node.module.split(".")[0] == LIBRARY:
                    found.append("the course's reference library")
                for a in node.names:
                    if a.name == "*":
                        found += [f for f in self.forbidden if f.rsplit(".", 1)[0] == node.module]
                    else:
                        full = f"{node.module}.{a.name}"
                        found += [f for f in self.forbidden if _same_routine(full, f)]
            elif isinstance(node, ast.Import):
                if any(a.name.split(".")[0] == LIBRARY for a in node.names):
                    found.append("the course's reference library")
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                    and node.func.id in REFLECTIVE and len(node.args) > 1 \
                    and isinstance(node.args[1], ast.Constant) and isinstance(node.args[1].value, str):
                owner = self.path_of(node.args[0])
                for name, owner_is_class in self.last.get(node.args[1].value, []):
                    if owner_is_class or owner is None or _same_routine(f"{owner}.{node.args[1].value}", name):
                        found.append(name)
            elif isinstance(node, ast.Constant) and isinstance(node.value, str) and "." in node.value:
                found += [f for f in self.forbidden if node.value == f]
        return list(dict.fromkeys(found))


def _is_type_call(node):
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
        and node.func.id == "type" and len(node.args) == 1


def _class_valued(tree):
    """Names the code binds to an expression holding ``type(x)`` (a class, maybe a
    library's)."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and any(_is_type_call(n) for n in ast.walk(node.value)):
            names |= {n.id for t in node.targets for n in ast.walk(t) if isinstance(n, ast.Name)}
    return names


def _names_a_class(owner, classes):
    """Whether an attribute's owner may be a class reached through ``type(...)``."""
    return any(_is_type_call(n) or (isinstance(n, ast.Name) and n.id in classes)
               for n in ast.walk(owner))


@functools.lru_cache(maxsize=2)
def _method_names(with_torch):
    """Names of methods of arrays (and, where the exercise may use torch, of tensors and
    modules) and of Python's containers: an attribute so named may be an object's own
    method, so it counts as a forbidden routine only when its owner is known (``x.dot`` is
    not ``np.dot``); any other name counts wherever it is read (``[np][0].logaddexp``)."""
    import numpy

    names = set(dir(numpy.ndarray)) | set(dir(list)) | set(dir(dict)) | set(dir(str)) | set(dir(float))
    if with_torch:   # the checks of such an exercise have imported torch already
        import torch
        names |= set(dir(torch.Tensor)) | set(dir(torch.nn.Module))
    return names


@functools.lru_cache(maxsize=8192)
def _same_routine(dotted, forbidden_name):
    """Whether ``dotted`` (aliases resolved) names ``forbidden_name``: the same path, or a
    path to the same object among modules already imported here (nothing is imported)."""
    if dotted == forbidden_name:
        return True
    a, b = _static_object(dotted), _static_object(forbidden_name)
    return a is not None and a is b


def _static_object(dotted):
    parts = dotted.split(".")
    for i in range(len(parts), 0, -1):
        module = sys.modules.get(".".join(parts[:i]))
        if module is None:
            continue
        obj = module
        try:
            for name in parts[i:]:
                obj = inspect.getattr_static(obj, name)
        except AttributeError:
            return None
        return obj
    return None


MAX_CODE = 1 << 20      # characters of a submission's own code the reader reads at most
MAX_REASONS = 20        # reasons kept per exercise, and notes for the review


def read_code(cells, lesson):
    """Read a submission's code: refusals per exercise, shortcuts, review notes, and the
    top-level statements the worker must not run.

    Parameters
    ----------
    cells : list of Cell
        The submission's code cells, classified.
    lesson : source_lib.checks.Lesson
    """
    reading = CodeReading()
    student_cells = [c for c in cells if c.kind in ("solution", "student")]
    size = sum(len(c.source) for c in student_cells)
    if size > MAX_CODE:
        reason = (f"Your notebook's own code is {size // 1000} kB, more than the "
                  f"{MAX_CODE // 1000} kB grading reads; every exercise of this notebook fails.")
        reading.tampering.append(reason)
        return reading
    trees = [(c, parse(c.source)) for c in cells if c.kind != "test"]
    readable = [t for _, t in trees if t is not None and t is not UNREADABLE]
    aliases = _import_aliases(readable)
    student = [(c, t) for c, t in trees if c.kind in ("solution", "student")]
    visible = [t for c, t in trees if c.kind != "instructor" and t is not None and t is not UNREADABLE]
    top_bound = _top_level_names(visible)
    library = {n for n, target in aliases.items() if target.split(".")[0] == LIBRARY}
    lesson_allowed = expand_allowed(lesson.modules)

    # top-level statements of the student's code, and the names they bind or change
    modules = {name for name, target in aliases.items() if _is_module(target)}
    statements, affecting = [], {}
    for cell, tree in student:
        if tree is UNREADABLE:
            message = f"{_where(cell).capitalize()} cannot be read (it is nested too deeply or too big)"
            if cell.kind == "solution" and cell.exercise in lesson.exercises:
                reading.refused.setdefault(cell.exercise, []).append(message + ".")
            else:
                _note(reading.review, message + ": the worker does not run it.")
        if tree is None or tree is UNREADABLE:
            continue
        for stmt in tree.body:
            statements.append((cell, stmt))
            for name in _affects(stmt) - modules:
                affecting.setdefault(name, []).append((cell, stmt))

    # every statement with what no exercise may do does not run in the worker at all
    anywhere = _Reader(aliases, lesson_allowed, (), library)
    problems = {}
    for cell, stmt in statements:
        problems[id(stmt)] = anywhere.problems(stmt)
        if problems[id(stmt)]:
            reading.skipped.append((cell.source, stmt.lineno, stmt.end_lineno))

    used_by_exercises = set()
    for ex in lesson.exercises.values():
        # an exercise's code: whatever binds its name (in any cell), and its solution cell
        seeds = [(c, st) for c, st in statements if ex.name in _defined(st)
                 or (c.kind == "solution" and c.exercise == ex.name)]
        if not seeds:
            continue
        reader = _Reader(aliases, expand_allowed(ex.imports), ex.forbidden, library)
        code = _closure(seeds, affecting, modules, ex.name)
        used_by_exercises |= {id(stmt) for _, stmt in code}
        refused, found = {}, {}
        for owner, stmt in code:
            for line, reason in reader.problems(stmt):
                refused.setdefault(f"Line {line} of {_where(owner)} {reason}.", None)
            for f in reader.shortcuts(stmt):
                found.setdefault(f, None)
            for name in _free_names(stmt) - top_bound - set(aliases) - set(dir(builtins)):
                refused.setdefault(f"Line {stmt.lineno} of {_where(owner)} uses `{name}`, which no "
                                   "line of your notebook defines in plain sight.", None)
            if len(refused) > MAX_REASONS:
                break
        if refused:
            mine = reading.refused.setdefault(ex.name, [])
            mine += [r for r in refused if r not in mine][:MAX_REASONS]
        if found:
            mine = reading.shortcuts.setdefault(ex.name, [])
            mine += [f for f in found if f not in mine]
        inside = [f for f in ex.forbidden if f.split(".")[0] in ex.imports]
        if inside:
            _note(reading.limits, f"{ex.name}: the reader refuses {', '.join(sorted(inside)[:6])}"
                  f"{'...' if len(inside) > 6 else ''} when the code names them; it cannot rule "
                  "out reaching them through an object the code does not name.")

    # the rest of the student's code: changing a module or a class fails everything; the
    # rest is noted (and does not run)
    for cell, tree in student:
        if tree is None or tree is UNREADABLE:
            continue
        for line, reason in anywhere.patches(tree):
            message = (f"Line {line} of {_where(cell)} {reason}, which can change how every "
                       "function is graded; every exercise of this notebook fails.")
            if message not in reading.tampering:
                reading.tampering.append(message)
    for cell, stmt in statements:
        if id(stmt) in used_by_exercises:
            continue
        for line, reason in problems[id(stmt)]:
            _note(reading.review, f"{_where(cell)}, line {line}: {reason} (no exercise uses this "
                  "code: no point lost, and it does not run at grading)")
    return reading


def _note(notes, text):
    if text not in notes and len(notes) < MAX_REASONS * 3:
        notes.append(text)


def _top_level_names(trees):
    """The names bound at the top level of the code (not inside functions or classes, but
    for those they declare global)."""
    names = set()
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.Global):
                names |= set(node.names)
        for stmt in tree.body:
            names |= set(_defined(stmt))
            todo = [stmt]   # not into a function, lambda, class or comprehension inside it
            while todo:
                node = todo.pop()
                if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                    names.add(node.id)
                todo += [child for child in ast.iter_child_nodes(node) if not isinstance(child, SCOPES)]
    return names


def _is_module(dotted):
    """Whether ``dotted`` names a module (imported here, or a file of an imported package)."""
    if dotted in sys.modules:
        return True
    parent, _, name = dotted.rpartition(".")
    return bool(parent) and _is_submodule(parent, name)


def _where(cell):
    return "your cell" if cell.kind == "student" else f"the cell of {cell.exercise}"


def _defined(stmt):
    """The names a top-level statement binds (a def, a class, an assignment, an import)."""
    if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return [stmt.name]
    if isinstance(stmt, (ast.Import, ast.ImportFrom)):
        return [a.asname or a.name.split(".")[0] for a in stmt.names]
    if isinstance(stmt, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
        targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
        return [n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)]
    return []


def _free_names(stmt):
    """The names a top-level statement reads from outside itself (for a def or a class: the
    names it uses minus its parameters and the names it binds inside)."""
    used = {n.id for n in ast.walk(stmt) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
    if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
        used -= _bound_names([stmt]) - {stmt.name}
    return used


def _affects(stmt):
    """The names whose value a top-level statement may set or change: what it binds, and
    what it assigns into or calls a method of (``cache["f"] = ...``, ``cache.update(...)``)."""
    names = set(_defined(stmt))
    for node in ast.walk(stmt):
        if isinstance(node, (ast.Attribute, ast.Subscript)) and isinstance(node.ctx, (ast.Store, ast.Del)):
            base = node.value
            while isinstance(base, (ast.Attribute, ast.Subscript)):
                base = base.value
            if isinstance(base, ast.Name):
                names.add(base.id)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                and isinstance(node.func.value, ast.Name):
            names.add(node.func.value.id)
    return names


def _closure(seeds, affecting, modules, name):
    """The statements of an exercise's code: ``seeds`` (what binds its name, its solution
    cell), and every top-level statement of the student's that sets or changes a
    (non-module) name this code reads, transitively."""
    code = list(seeds)
    seen_stmts = {id(stmt) for _, stmt in code}
    todo = {name}
    for _, stmt in code:
        todo |= _free_names(stmt)
    seen = set()
    while todo:
        current = todo.pop()
        if current in seen or current in modules:
            continue
        seen.add(current)
        for owner, stmt in affecting.get(current, []):
            if id(stmt) not in seen_stmts:
                seen_stmts.add(id(stmt))
                code.append((owner, stmt))
                todo |= _free_names(stmt)
    return code
