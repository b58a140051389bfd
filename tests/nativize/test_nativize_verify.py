"""Differential testing of hand-written extensions that follow the module contract."""

from __future__ import annotations

import shutil

import pytest

from hlopt.nativize import build as nb
from hlopt.nativize.child import alternatives
from hlopt.nativize.compare import Outcome, call_text, describe, fresh, same
from hlopt.nativize.model import Call, Generated, NType, Target, Typing
from hlopt.nativize.verify import tolerance, verify

PYTHON = '''
def scale(xs, k):
    """Multiply every item in place; return the sum."""
    s = 0.0
    for i in range(len(xs)):
        xs[i] = xs[i] * k
        s += xs[i]
    return s
'''

#: Cython pure mode, following the contract: typed fast path, Python fallback otherwise
NATIVE = '''
import cython

_py = None


@cython.boundscheck(False)
def _scale(xs: list, k: cython.double) -> cython.double:
    s: cython.double = 0.0
    i: cython.Py_ssize_t
    v: cython.double
    for i in range(len(xs)):
        v = xs[i]
        v = v * k
        xs[i] = v
        s += v
    return s


def scale(xs, k):
    if type(xs) is not list or type(k) is not float:
        return _py(xs, k)
    for x in xs:
        if type(x) is not float:
            return _py(xs, k)
    return _scale(xs, k)


def _hlopt_bind(pyfunc):
    global _py
    _py = pyfunc
    return scale
'''

#: the same with a bug: the last element is not written back
WRONG = NATIVE.replace("    for i in range(len(xs)):\n        v = xs[i]",
                       "    for i in range(len(xs)):\n        v = xs[i]\n"
                       "        if i == 3:\n            s += v * k\n            continue")

#: a C extension that crashes on lists of more than two items
CRASH = r'''
#define PY_SSIZE_T_CLEAN
#include <Python.h>
static PyObject *py;
static PyObject *scale(PyObject *self, PyObject *const *args, Py_ssize_t n) {
    if (n == 2 && PyList_Check(args[0]) && PyList_GET_SIZE(args[0]) > 2) {
        volatile int *p = NULL;
        *p = 1;
    }
    return PyObject_Vectorcall(py, args, n, NULL);
}
static PyObject *bind(PyObject *self, PyObject *f) {
    Py_XSETREF(py, Py_NewRef(f));
    return PyObject_GetAttrString(self, "scale");
}
static PyMethodDef methods[] = {
    {"scale", (PyCFunction)(void (*)(void))scale, METH_FASTCALL, NULL},
    {"_hlopt_bind", bind, METH_O, NULL}, {NULL, NULL, 0, NULL}};
static struct PyModuleDef def = {PyModuleDef_HEAD_INIT, "_hlopt_kern_crash", NULL, -1, methods};
PyMODINIT_FUNC PyInit__hlopt_kern_crash(void) { return PyModule_Create(&def); }
'''

TYPING = Typing({"xs": NType("list", (NType("float"),)), "k": NType("float")})
CALLS = [Call(([1.0, 2.0, 3.0], 2.0)), Call(([], 0.5)), Call(([0.1] * 10, -1.0))]

pytestmark = pytest.mark.skipif(shutil.which("cc") is None and shutil.which("gcc") is None,
                                reason="no C compiler on PATH")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    root = tmp_path_factory.mktemp("verify")
    (root / "kern.py").write_text(PYTHON)
    cache = root / "cache"
    return {
        "target": Target(root / "kern.py", "scale", "kern", root),
        "good": nb.build(Generated("cython", "_hlopt_kern_scale", NATIVE, ".py", "h"),
                         cache_dir=cache),
        "wrong": nb.build(Generated("cython", "_hlopt_kern_scale", WRONG, ".py", "h"),
                          cache_dir=cache),
        "crash": nb.build(Generated("c", "_hlopt_kern_crash", CRASH, ".c", "h"),
                          cache_dir=cache),
    }


@pytest.mark.native
def test_a_correct_extension_passes(built: dict) -> None:
    result = verify(built["target"], built["good"], TYPING, CALLS, examples=100)
    assert result.ok, result.mismatches
    assert result.recorded == 3 and result.generated == 100 and result.alternatives > 10
    assert result.raised > 0  # None for xs, for instance: both raise TypeError


@pytest.mark.native
def test_a_wrong_extension_is_caught_with_its_input(built: dict) -> None:
    result = verify(built["target"], built["wrong"], TYPING, CALLS[:1], examples=100)
    assert not result.ok
    first = result.mismatches[0]
    assert first.call.startswith("scale([")
    assert "xs became" in first.python and "xs became" in first.native
    # the shrunk call reruns: it has at least four items, and shows the difference
    xs = eval(first.call[len("scale("):].rsplit(",", 1)[0])  # noqa: S307 - our own text
    assert len(xs) >= 4


@pytest.mark.native
def test_a_crash_is_a_mismatch_naming_the_input(built: dict) -> None:
    result = verify(built["target"], built["crash"], TYPING, CALLS, examples=10)
    assert len(result.mismatches) == 1
    crash = result.mismatches[0]
    assert crash.call == "scale([1.0, 2.0, 3.0], 2.0)"
    assert "SIGSEGV" in crash.native and crash.python.startswith("returned 12.0")


@pytest.mark.native
def test_recorded_calls_only(built: dict) -> None:
    result = verify(built["target"], built["good"], TYPING, CALLS, examples=0)
    assert result.ok and result.generated == 0 and result.recorded == 3


@pytest.mark.native
def test_an_input_too_slow_for_python_is_skipped_not_hung(built: dict) -> None:
    slow = Call(([0.5] * 2_000_000, 1.0))
    result = verify(built["target"], built["good"], TYPING, [CALLS[0], slow], examples=0,
                    py_limit=0.01)
    assert result.ok and result.skipped >= 1 and result.recorded == 1  # the fast one


def test_floats_compare_bit_for_bit() -> None:
    nan = float("nan")
    assert same(nan, nan) and same([nan, 1.0], [nan, 1.0])
    assert not same(0.0, -0.0) and not same(0.1 + 0.2, 0.3)
    assert same(0.1 + 0.2, 0.3, tol=1e-9) and not same(1.0, 1.001, tol=1e-9)
    assert not same(1, 1.0) and not same(True, 1) and not same([1], (1,))
    assert not same({"a": 1, "b": 2}, {"b": 2, "a": 1})
    assert same({"a": [1.5]}, {"a": [1.5]}) and same(complex(1, nan), complex(1, nan))
    assert "bit for bit" in tolerance(False) and "1e-09" in tolerance(True)


def test_outcomes_are_described_for_a_person() -> None:
    before = Outcome(args=([1, 2],))
    out = Outcome(returned=None, args=([1, 3],))
    assert describe(out, before, ["xs"]) == "returned None; xs became [1, 3]"
    err = Outcome(raised=ZeroDivisionError("division by zero"), args=([1, 2],))
    assert describe(err, before, ["xs"]) == "raised ZeroDivisionError: division by zero"
    assert call_text("f", ([1.0], float("nan")), {"k": -0.0}) == \
        "f([1.0], float('nan'), k=-0.0)"


def test_alternative_arguments_and_fresh_copies() -> None:
    assert (1.0,) in [(v,) for v in alternatives(1)] and True in alternatives(1)
    assert tuple([1, 2]) in alternatives([1, 2]) and None in alternatives("s")
    kinds = {type(v) for v in alternatives(b"ab")}
    assert {bytearray, memoryview, str} <= kinds
    shared = [1.0]
    args = (shared, shared, memoryview(bytearray(b"xy")))
    copy = fresh(args)
    assert copy[0] is copy[1] and copy[0] is not shared
    assert copy[2].tobytes() == b"xy" and not copy[2].readonly
