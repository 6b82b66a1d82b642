"""Tests of source_lib.worker: the wire format, the runtime guard and the worker's operations."""

import io

import numpy as np
import pytest
import scipy.special
import torch

from source_lib import worker as wire


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
    rng = np.random.default_rng(5)
    copy = roundtrip(rng)
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
    huge = io.BytesIO((wire.MAX_MESSAGE + 1).to_bytes(8, "little"))
    with pytest.raises(wire.WireError):
        wire.read_message(huge)


def test_functions_are_sent_as_source():
    f = roundtrip(square, functions=True)
    assert f(3.0) == 9.0 and f is not square


def square(x):
    return x ** 2


# --------------------------------------------------------------------------- #
# The guard
# --------------------------------------------------------------------------- #

def test_guarded_call_records_forbidden_calls_however_imported():
    from scipy.special import softmax as renamed

    outcome = wire.guarded_call(lambda z: renamed(z), (np.ones(3),), {},
                                forbidden=[scipy.special.softmax])
    assert outcome["calls"] == ["scipy.special.softmax"]
    assert outcome["error"] is None


def test_guarded_call_finds_ufuncs_in_the_code():
    def uses_entr(p):
        return scipy.special.entr(p).sum()

    outcome = wire.guarded_call(uses_entr, (np.ones(3) / 3,), {}, forbidden=[scipy.special.entr])
    assert outcome["calls"] == ["scipy.special.entr"]


def test_guarded_call_reports_exceptions_and_warnings():
    def warns(x):
        return np.log(x)

    outcome = wire.guarded_call(warns, (np.zeros(2),), {})
    assert outcome["warnings"][0][0] == "RuntimeWarning" and outcome["error"] is None
    outcome = wire.guarded_call(lambda: 1 / 0, (), {})
    assert outcome["error"]["type"] == "ZeroDivisionError"


def test_worker_runs_cells_statement_by_statement_and_calls_by_name():
    w = wire.Worker({"__name__": "__main__"}, block_library=False)
    reply = w.op_run_cells(["import numpy as np\nx = 1 / 0\ndef f(a):\n    a += 1\n    return a"])
    assert reply["errors"][0][1].startswith("ZeroDivisionError")
    reply = w.op_call({"name": "f"}, wire.encode([np.ones(2)]), wire.encode({}))
    assert np.array_equal(wire.decode(reply["result"]), [2.0, 2.0])
    assert np.array_equal(wire.decode(reply["args"])[0], [2.0, 2.0])   # the modification shows
    assert w.op_call({"name": "g"}, [], wire.encode({}))["missing"]


def test_worker_skips_demo_imports_that_no_code_names():
    w = wire.Worker({"__name__": "__main__"}, block_library=False)
    reply = w.op_run_cells([
        "import numpy as np\nimport matplotlib.pyplot as plt\nfrom ipywidgets import FloatSlider\n"
        "from tqdm.auto import trange\nimport IPython.display",
        "def f(x):\n    for _ in trange(1):\n        pass\n    return np.sum(x)",
        "%time y = 2",   # IPython syntax is translated (and needs IPython's shell)
    ])
    assert reply["errors"] == [[2, "NameError: name 'get_ipython' is not defined"]], reply
    assert {"np", "trange", "f"} <= set(w.namespace)     # named by a function: imported
    assert not {"plt", "FloatSlider", "IPython"} & set(w.namespace)


def test_worker_hides_the_course_library():
    import sys

    saved = {k: v for k, v in sys.modules.items() if k.startswith("source_lib")}
    meta_path = list(sys.meta_path)
    try:
        w = wire.Worker()
        w.op_run_cells(["from source_lib import information as ref\n"
                        "def f(z):\n    return ref.softmax(z)"])
        reply = w.op_call({"name": "f"}, wire.encode([np.ones(2)]), wire.encode({}))
        assert reply["error"]["type"] == "RuntimeError"
        assert reply["calls"] == ["source_lib.information.softmax"]
    finally:
        sys.meta_path[:] = meta_path
        sys.modules.update(saved)


# --------------------------------------------------------------------------- #
# Routines that make no Python call, found by reading the student's bytecode
# --------------------------------------------------------------------------- #

FORBIDDEN = [scipy.special.entr, scipy.special.rel_entr, scipy.special.kl_div,
             scipy.special.xlogy, torch.Tensor.softmax, np.random.Generator.choice]


def uses_attribute(p):
    return scipy.special.rel_entr(p, p).sum()


def uses_local_import(p):
    from scipy.special import xlogy as renamed
    return -renamed(p, p).sum()


def helper_with_ufunc(p):
    from scipy.special import entr
    return entr(p)


def uses_helper(p):
    return helper_with_ufunc(p).sum()


def uses_tensor_method(z):
    return torch.from_numpy(z).softmax(-1).numpy()


def uses_default(p, f=scipy.special.kl_div):
    return f(p, p)


def uses_choice(p):
    return np.random.default_rng(0).choice(len(p), p=p)


def uses_closure():
    f = scipy.special.entr

    def inner(p):
        return f(p).sum()

    return inner


def own_xlogy(p):
    def xlogy(a, b):
        return np.where(a > 0, a * np.log(np.where(a > 0, b, 1.0)), 0.0)

    return -xlogy(p, p).sum(-1)


class UsesMethod:
    def step(self, p):
        return scipy.special.entr(p)


@pytest.mark.parametrize("func, name", [
    (uses_attribute, "scipy.special.rel_entr"),
    (uses_local_import, "scipy.special.xlogy"),
    (uses_helper, "scipy.special.entr"),
    (uses_tensor_method, "torch.Tensor.softmax"),
    (uses_default, "scipy.special.kl_div"),
    (uses_choice, "np.random.Generator.choice"),
    (uses_closure(), "scipy.special.entr"),
    (UsesMethod, "scipy.special.entr"),
])
def test_static_shortcuts_finds_routines_however_reached(func, name):
    assert wire.static_shortcuts(func, FORBIDDEN) == [name]


def test_static_shortcuts_accepts_own_code():
    assert wire.static_shortcuts(own_xlogy, FORBIDDEN) == []


def test_the_profile_is_restored_after_a_call():
    import sys

    before = sys.getprofile()
    wire.guarded_call(np.linalg.norm, (np.eye(2),), {}, forbidden=[np.linalg.eigh])
    assert sys.getprofile() is before
