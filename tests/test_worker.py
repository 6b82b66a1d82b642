"""Tests of source_lib.grading.worker: the wire format, the arena, the executor and its
audit hook, and the broker (through source_lib.grading.remote.WorkerProcess, sandboxed)."""

import io
import time

import numpy as np
import pytest
import torch

from source_lib.grading import sandbox
from source_lib.grading import worker as wire
from source_lib.grading.remote import WorkerDied, WorkerProcess, WorkerTimeout


def roundtrip(value, **kw):
    return wire.decode(wire.encode(value, **kw), trusted_code=True)


@pytest.mark.parametrize("value", [
    None, True, 3, -2**70, 1.5, float("inf"), "text", 1 + 2j,
    [1, [2.0, "a"]], (1, (2, 3)), {"a": 1, 2: [3]},
])
def test_plain_values_cross_unchanged(value):
    assert roundtrip(value) == value
    assert type(roundtrip(value)) is type(value)


@pytest.mark.parametrize("arr", [
    np.arange(6.0).reshape(2, 3), np.array(3.5), np.zeros((0, 4)), np.array([True, False]),
    np.arange(5, dtype=np.int32), np.array([1 + 1j]), np.asfortranarray(np.ones((3, 2))),
    np.arange(10.0)[::3],
])
def test_arrays_keep_shape_dtype_and_values(arr):
    out = roundtrip(arr)
    assert isinstance(out, np.ndarray) and out.shape == arr.shape and out.dtype == arr.dtype
    assert np.array_equal(out, arr)
    assert out.flags.writeable


def test_numpy_scalars_tensors_and_generators():
    assert type(roundtrip(np.float64(2.5))) is np.float64
    t = roundtrip(torch.arange(4.0, requires_grad=True))
    assert isinstance(t, torch.Tensor) and t.requires_grad and t.tolist() == [0, 1, 2, 3]
    copy = roundtrip(np.random.default_rng(5))
    assert copy.random() == np.random.default_rng(5).random()


def test_objects_become_handles_only_where_handles_are_kept():
    kept = []
    data = wire.encode([object()], handles=lambda obj: kept.append(obj) or len(kept) - 1)
    assert data[0]["$h"] == 0 and len(kept) == 1
    with pytest.raises(TypeError):
        wire.encode(object())


@pytest.mark.parametrize("data", [
    {"$a": "AAAA", "dtype": "|O", "shape": [1]},             # object arrays run code
    {"$a": "AAAAAAAAAAA=", "dtype": "<f8", "shape": [5]},     # bytes do not match the shape
    {"$pickle": "gASVAAAAAAAAAAA="},                           # pickles: only towards the worker
    {"$fn": "import os", "name": "f"},                         # code: only towards the worker
    {"$shm": [0, 0, 8], "dtype": "<f8", "shape": [1]},        # shared memory: the executor's only
    {"$same": [0, 0, 8]},                                      # the broker resolves these
    {"$rng": {"$d": [["bit_generator", "Evil"]]}},
    {"$h": 1},
    {"unknown": 1},
    {"$d": [[{"$t": [1]}, 2]]},
])
def test_the_trusted_side_decodes_nothing_but_data(data):
    with pytest.raises((wire.WireError, ValueError, TypeError)):
        wire.decode(data)


def test_messages_are_framed_and_bounded():
    stream = io.BytesIO()
    wire.write_message(stream, {"a": [1, 2]})
    stream.seek(0)
    assert wire.read_message(stream) == {"a": [1, 2]}
    assert wire.read_message(stream) is None
    big = (wire.MAX_MESSAGE + 1).to_bytes(8, "little")
    stream = io.BytesIO(big + b"y" * (wire.MAX_MESSAGE + 1) + wire.frame({"next": 1}))
    with pytest.raises(wire.WireError):
        wire.read_message(stream)          # too big: read past, not parsed
    assert wire.read_message(stream) == {"next": 1}, "the next message is read whole"


def test_functions_are_sent_as_source():
    f = roundtrip(square, functions=True)
    assert f(3.0) == 9.0 and f is not square


def square(x):
    return x ** 2


# --------------------------------------------------------------------------- #
# Calls, the executor and the arena (in this process, as the learner's kernel runs them)
# --------------------------------------------------------------------------- #

def test_guarded_call_reports_exceptions_warnings_and_global_randomness():
    outcome = wire.guarded_call(np.log, (np.zeros(2),), {})
    assert outcome["warnings"][0][0] == "RuntimeWarning" and outcome["error"] is None
    assert wire.guarded_call(lambda: 1 / 0, (), {})["error"]["type"] == "ZeroDivisionError"
    assert not wire.guarded_call(lambda rng: rng.normal(), (np.random.default_rng(0),), {})["global_rng"]
    assert wire.guarded_call(lambda: np.random.normal(), (), {})["global_rng"]
    assert wire.guarded_call(lambda: np.random.seed(3), (), {})["global_rng"]


def test_seeding_the_global_state_again_is_seen_and_the_callers_state_comes_back():
    """A function that seeds the global state to the same seed at every call leaves it, from
    the second call on, where the first left it: each call starts from a state of its own."""
    def seeded():
        np.random.seed(0)
        return np.random.normal()

    np.random.seed(7)
    mine = np.random.get_state()[1].copy()
    for _ in range(3):
        assert wire.guarded_call(seeded, (), {})["global_rng"]
    assert np.array_equal(np.random.get_state()[1], mine)


def local():
    arena = wire.Arena(wire.LocalStorage())
    return arena, wire.Executor({"__name__": "__main__"}, storage=arena.storage)


def ask(arena, executor, **request):
    number = arena.place(request)
    reply = arena.resolve(executor.answer(dict(request)), number)
    reply["mutated"], reply["earlier"] = arena.changes(number)
    return reply


def test_the_executor_runs_cells_statement_by_statement_and_calls_by_name():
    arena, ex = local()
    reply = ex.op_cells(["import numpy as np\nimport matplotlib.pyplot as plt\nx = 1 / 0\n"
                         "def f(a):\n    a += 1\n    return a"], skip=["matplotlib"])
    assert [e[1].split(":")[0] for e in reply["errors"]] == ["ZeroDivisionError"]
    assert "plt" not in ex.namespace and "f" in ex.namespace
    reply = ask(arena, ex, op="call", target={"name": "f"}, args=wire.encode([np.ones(2)]),
                kwargs=wire.encode({}))
    result, args = wire.decode(reply["result"]), wire.decode(reply["args"])
    assert np.array_equal(result, [2.0, 2.0]) and np.array_equal(args[0], [2.0, 2.0])
    # the result and the argument are the very array passed in: both are marked as such
    assert reply["result"]["input"] == ["args", 0] and reply["args"][0]["input"] == ["args", 0]
    assert ex.answer({"op": "call", "target": {"name": "g"}, "args": [],
                      "kwargs": wire.encode({})})["missing"]


def test_the_arena_sees_replaced_arrays_and_changes_to_earlier_inputs():
    arena, ex = local()
    ex.op_cells(["kept = []\n"
                 "def keep(g):\n    kept.append(g)\n    return 0\n"
                 "def touch():\n    kept[0] *= 2\n    return 0\n"
                 "def replace(d):\n    d['a'] = d['a'] + 1\n    return 0\n"])
    reply = ask(arena, ex, op="call", target={"name": "replace"},
                args=wire.encode([{"a": np.ones(2), "b": np.ones(2)}]), kwargs=wire.encode({}))
    entries = dict(reply["args"][0]["$d"])
    assert "input" not in entries["a"] and entries["b"]["input"] == ["args", 0, "b"]
    ask(arena, ex, op="call", target={"name": "keep"}, args=wire.encode([np.ones(3)]),
        kwargs=wire.encode({}))
    reply = ask(arena, ex, op="call", target={"name": "touch"}, args=[], kwargs=wire.encode({}))
    assert reply["earlier"] == [{"call": 2, "path": ["args", 0]}]


# --------------------------------------------------------------------------- #
# The broker and the executor, sandboxed
# --------------------------------------------------------------------------- #

@pytest.fixture(autouse=True, scope="module")
def needs_sandbox():
    sandbox.available()   # raises, with what to install, where bubblewrap does not work


def worker(*cells, allowed=("numpy", "math")):
    process = WorkerProcess(["import numpy as np", *cells], list(allowed))
    process.start()
    return process


def call(process, name, *args, timeout=5.0):
    return process.request({"op": "call", "target": {"name": name}, "args": wire.encode(list(args)),
                            "kwargs": wire.encode({})}, timeout)


def test_the_broker_observes_inputs_in_its_own_memory():
    p = worker("def f(x):\n    x += 1\n    return x.sum()\n",
               "kept = []\ndef keep(g):\n    kept.append(g)\n    return 0\n"
               "def touch():\n    kept[0][:] = 7\n    return 0\n")
    try:
        reply = call(p, "f", np.ones(3))
        assert np.array_equal(wire.decode(reply["args"])[0], [2.0, 2.0, 2.0])
        first = call(p, "keep", np.ones(2))["call"]
        reply = call(p, "touch")
        assert reply["earlier"] == [{"call": first, "path": ["args", 0]}]
    finally:
        p.kill()


def test_a_time_out_or_a_crash_costs_the_call_and_the_code_runs_again():
    p = worker("count = [0]\n"
               "def slow():\n    while True:\n        pass\n"
               "def die():\n    import os\n    os._exit(3)\n"
               "def bump():\n    count[0] += 1\n    return count[0]\n",
               allowed=("numpy", "math", "os"))   # os allowed here, to reach the exit
    try:
        assert wire.decode(call(p, "bump")["result"]) == 1
        start = time.monotonic()
        with pytest.raises(WorkerTimeout):
            call(p, "slow", timeout=1.0)
        assert time.monotonic() - start < 10
        assert wire.decode(call(p, "bump")["result"]) == 1     # a fresh executor ran the cells
        with pytest.raises(WorkerDied, match="exited with code 3"):
            call(p, "die")
        p.request({"op": "define", "source": "def extra():\n    return 5"}, 5.0)
        assert wire.decode(call(p, "extra")["result"]) == 5
        with pytest.raises(WorkerTimeout):
            call(p, "slow", timeout=0.5)
        assert wire.decode(call(p, "extra")["result"]) == 5    # definitions are replayed too
    finally:
        p.kill()


@pytest.mark.parametrize("cell, why", [("while True:\n    pass", "did not finish running"),
                                       ("__import__('os')._exit(1)", "ended while running")])
def test_code_that_never_finishes_starting_fails_every_call(cell, why, monkeypatch):
    import source_lib.grading.remote as remote

    monkeypatch.setattr(remote, "STARTUP_LIMIT", 3.0)
    p = worker("def f():\n    return 1", cell, allowed=("numpy", "math", "os"))
    try:
        for _ in range(2):
            with pytest.raises(WorkerDied, match=why):
                call(p, "f")
    finally:
        p.kill()


FORGE = """
def forge():
    import json, os, struct
    data = json.dumps({"result": {"$f": 1.0}, "warnings": [], "global_rng": False}).encode()
    for fd in range(3, 64):
        try:
            if (os.fstat(fd).st_mode & 0o170000) == 0o140000:   # the executor's socket
                os.write(fd, struct.pack("<Q", len(data)) + data)
                return "sent"
        except OSError:
            pass
"""


def test_a_reply_the_executor_did_not_send_is_forged():
    # a function that answers for the executor: its reply lacks the executor's token
    p = worker(FORGE, allowed=("numpy", "math", "os", "json", "struct"))
    try:
        with pytest.raises(WorkerDied, match="forged"):
            call(p, "forge")
    finally:
        p.kill()
    # a cell that does it while the cells run: nothing can be checked
    p = worker(FORGE, "forge()\nimport time\ntime.sleep(30)", "def f():\n    return 1",
               allowed=("numpy", "math", "os", "json", "struct", "time"))
    try:
        for _ in range(2):
            with pytest.raises(WorkerDied, match="forged"):
                call(p, "f")
    finally:
        p.kill()


def test_a_library_module_imported_on_first_use_may_compile_its_own_code():
    # numpy.ma, imported by the first masked array, builds its signatures with ast.parse
    p = worker("def count(x):\n    return int(np.ma.masked_invalid(x).count())\n"
               "def made():\n    return compile('1', 'x', 'eval')\n")
    try:
        assert wire.decode(call(p, "count", np.array([1.0, np.nan]))["result"]) == 1
        assert call(p, "made")["error"]["type"] == "Refused"
    finally:
        p.kill()


def test_a_huge_request_to_an_executor_that_does_not_read_costs_its_deadline():
    p = worker("def spin(x):\n    while True:\n        pass\n")
    try:
        start = time.monotonic()
        with pytest.raises(WorkerTimeout):
            call(p, "spin", np.zeros(4_000_000), timeout=1.0)    # 32 MB
        assert time.monotonic() - start < 20
    finally:
        p.kill()


def test_the_executor_cannot_reach_the_broker_or_the_machine():
    p = worker('''
import os     # left out: the lesson does not allow it (functions import it themselves here)

def probe(path):
    import os
    try:
        return str(os.listdir(path))[:60]
    except Exception as err:
        return type(err).__name__

def opens(path):
    try:
        open(path).read(10)
        return "read"
    except Exception as err:
        return type(err).__name__

def imports(name):
    try:
        __import__(name)
        return "imported"
    except Exception as err:
        return type(err).__name__

def system():
    import os
    try:
        return os.system("true")
    except Exception as err:
        return type(err).__name__

def main_module():
    import __main__
    return sorted(n for n in vars(__main__) if not n.startswith("__"))[:3]

def parent():
    import os
    return os.getppid()

def top_level_os():
    return os.getpid()
''', allowed=("numpy", "math", "os"))     # os allowed here, to try what lies beyond it
    try:
        ppid = wire.decode(call(p, "parent")["result"])
        assert wire.decode(call(p, "probe", f"/proc/{ppid}/fd")["result"]) == "PermissionError"
        assert wire.decode(call(p, "opens", "/etc/hostname")["result"]) == "Refused"
        assert wire.decode(call(p, "opens", "/proc/self/fd/0")["result"]) == "Refused"
        assert wire.decode(call(p, "imports", "sqlite3")["result"]) in ("Refused", "ModuleNotFoundError")
        assert wire.decode(call(p, "imports", "scipy")["result"]) in ("Refused", "ModuleNotFoundError")
        assert wire.decode(call(p, "system")["result"]) == "Refused"
        assert call(p, "main_module")["error"]["type"] == "Refused"    # __main__ is no module of the lesson
    finally:
        p.kill()


def test_imports_outside_the_lesson_are_refused_even_when_loaded():
    p = worker("import os\n"          # left out: os is loaded in the worker, not allowed
               "def top_level_os():\n    return os.getpid()\n"
               "def inner_os():\n    import os\n    return os.getpid()\n"
               "def builtin_import():\n    return __import__('sys').modules\n")
    try:
        assert call(p, "top_level_os")["error"]["type"] == "NameError"
        for name in ("inner_os", "builtin_import"):
            reply = call(p, name)
            assert reply["error"]["type"] == "Refused" and "not allowed" in reply["error"]["message"]
            assert any("import" in r for r in reply["refused"]), name   # reported for the review
    finally:
        p.kill()


def test_the_worker_holds_only_the_lessons_packages():
    p = worker("def has(name):\n    import importlib.util\n    return importlib.util.find_spec(name) is not None\n",
               allowed=("numpy", "math", "importlib"))
    try:
        assert wire.decode(call(p, "has", "numpy")["result"]) is True
        for absent in ("scipy", "sklearn", "torch", "source_lib", "matplotlib"):
            assert wire.decode(call(p, "has", absent)["result"]) is False, absent
    finally:
        p.kill()
