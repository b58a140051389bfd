"""Test extensions that expose the runtime helpers of native/ (C and Zig) to Python.

Each helper becomes a METH_FASTCALL function returning ``(status, value)`` (value None
unless the status is OK); a helper that sets a Python exception (HL_ERROR) raises it. The
runtime's text is inlined as the generated modules inline it, so the test sees exactly the
shipped file (found by hlopt.nativize.runtime_files).
"""

from __future__ import annotations

import fcntl
import hashlib
from pathlib import Path

#: helper -> (argument kind, count, result kind); the C name is "hl_" + the helper's name
SIMPLE = {
    "add": ("int", 2, "int"), "sub": ("int", 2, "int"), "mul": ("int", 2, "int"),
    "neg": ("int", 1, "int"), "abs": ("int", 1, "int"), "floordiv": ("int", 2, "int"),
    "mod": ("int", 2, "int"), "lshift": ("int", 2, "int"), "rshift": ("int", 2, "int"),
    "ipow": ("int", 2, "int"), "truediv": ("int", 2, "float"),
    "i2f_exact": ("int", 1, "float"), "fdiv": ("float", 2, "float"),
    "fmod": ("float", 2, "float"), "ffloordiv": ("float", 2, "float"),
    "fpow": ("float", 2, "float"), "f2i": ("float", 1, "int"), "math_ok": ("float", 2, "none"),
}
#: functions written by hand below (arguments, results, indexes, lists, errors)
SPECIAL = ["arg_int", "arg_float", "arg_bool", "arg_list_float", "arg_list_int", "arg_bytes",
           "ret_list_bool", "ret_tuple", "index", "new_list", "raise_value", "view_floats"]

C_PRELUDE = r"""
static int t_args(PyObject *const *args, Py_ssize_t n, Py_ssize_t want) {
    if (n == want) return 1;
    PyErr_SetString(PyExc_TypeError, "wrong number of arguments");
    return 0;
}
static int t_ints(PyObject *const *args, Py_ssize_t n, Py_ssize_t want, int64_t *out) {
    if (!t_args(args, n, want)) return 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        long long v = PyLong_AsLongLong(args[i]);
        if (v == -1 && PyErr_Occurred()) return 0;
        out[i] = (int64_t)v;
    }
    return 1;
}
static int t_floats(PyObject *const *args, Py_ssize_t n, Py_ssize_t want, double *out) {
    if (!t_args(args, n, want)) return 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        out[i] = PyFloat_AsDouble(args[i]);
        if (out[i] == -1.0 && PyErr_Occurred()) return 0;
    }
    return 1;
}
/* (status, value): value is only built for HL_OK; HL_ERROR propagates the exception */
static PyObject *t_pair(int st, PyObject *v) {
    PyObject *items[2] = {PyLong_FromLong(st), v};
    return hl_ret_tuple(2, items);
}
#define T_RET(st, make) ((st) == HL_ERROR ? NULL : t_pair((st), (st) == HL_OK ? (make) \
                                                             : hl_ret_none()))
#define T_FN(name) static PyObject *w_##name(PyObject *self, PyObject *const *args, \
                                             Py_ssize_t n)

T_FN(arg_int) { int64_t r = 0; (void)self; if (!t_args(args, n, 1)) return NULL;
    int st = hl_arg_int(args[0], &r); return T_RET(st, hl_ret_int(r)); }
T_FN(arg_float) { double r = 0; (void)self; if (!t_args(args, n, 1)) return NULL;
    int st = hl_arg_float(args[0], &r); return T_RET(st, hl_ret_float(r)); }
T_FN(arg_bool) { int r = 0; (void)self; if (!t_args(args, n, 1)) return NULL;
    int st = hl_arg_bool(args[0], &r); return T_RET(st, hl_ret_bool(r)); }
T_FN(arg_list_float) {
    double *a = NULL; Py_ssize_t len = 0; (void)self;
    if (!t_args(args, n, 1)) return NULL;
    int st = hl_arg_list_float(args[0], &a, &len);
    PyObject *out = T_RET(st, hl_ret_list_float(a, len));
    if (st == HL_OK) free(a);
    return out;
}
T_FN(arg_list_int) {
    int64_t *a = NULL; Py_ssize_t len = 0; (void)self;
    if (!t_args(args, n, 1)) return NULL;
    int st = hl_arg_list_int(args[0], &a, &len);
    PyObject *out = T_RET(st, hl_ret_list_int(a, len));
    if (st == HL_OK) free(a);
    return out;
}
T_FN(arg_bytes) {
    Py_buffer view = {0}; (void)self;
    if (!t_args(args, n, 1)) return NULL;
    int st = hl_arg_bytes(args[0], &view);
    PyObject *out = T_RET(st, PyBytes_FromStringAndSize((const char *)view.buf, view.len));
    hl_release_bytes(&view);
    return out;
}
T_FN(ret_list_bool) {
    int64_t *a = NULL; Py_ssize_t len = 0; (void)self;
    if (!t_args(args, n, 1)) return NULL;
    int st = hl_arg_list_int(args[0], &a, &len);
    if (st != HL_OK) return T_RET(st, NULL);
    unsigned char *bs = malloc(len ? (size_t)len : 1);  /* the generated code's list[bool] */
    if (bs == NULL) { free(a); return PyErr_NoMemory(); }
    for (Py_ssize_t i = 0; i < len; i++) bs[i] = a[i] != 0;
    PyObject *out = T_RET(st, hl_ret_list_bool8(bs, len));
    free(bs);
    free(a);
    return out;
}
T_FN(ret_tuple) {
    int64_t i = 0; (void)self;
    if (!t_args(args, n, 3)) return NULL;
    if (!t_ints(args, 1, 1, &i)) return NULL;
    double f = PyFloat_AsDouble(args[1]);
    if (f == -1.0 && PyErr_Occurred()) return NULL;
    PyObject *items[4] = {hl_ret_int(i), hl_ret_float(f),
                          hl_ret_bool(PyObject_IsTrue(args[2])), hl_ret_none()};
    return hl_ret_tuple(4, items);
}
T_FN(index) { int64_t x[2]; (void)self; if (!t_ints(args, n, 2, x)) return NULL;
    return PyLong_FromSsize_t(hl_index(x[0], (Py_ssize_t)x[1])); }
T_FN(new_list) {
    int64_t x[1]; void *p = NULL; (void)self;
    if (!t_ints(args, n, 1, x)) return NULL;
    Py_ssize_t len = (Py_ssize_t)x[0];
    int st = hl_new_list(&len, sizeof(int64_t), &p);
    if (st == HL_OK) free(p);
    return T_RET(st, PyLong_FromSsize_t(len));
}
T_FN(view_floats) {  /* a list read in place, each item checked as it is read */
    PyObject *const *items = NULL; Py_ssize_t len = 0; (void)self;
    if (!t_args(args, n, 1)) return NULL;
    int st = hl_arg_list_view(args[0], &items, &len);
    if (st != HL_OK) return T_RET(st, NULL);
    double *a = (double *)malloc(sizeof(double) * (size_t)(len ? len : 1));
    if (a == NULL) return PyErr_NoMemory();
    for (Py_ssize_t i = 0; i < len && st == HL_OK; i++) st = hl_item_float(items[i], &a[i]);
    PyObject *out = T_RET(st, hl_ret_list_float(a, len));
    free(a);
    return out;
}
T_FN(raise_value) { (void)self; if (!t_args(args, n, 1)) return NULL;
    const char *msg = PyUnicode_AsUTF8(args[0]);
    if (msg == NULL) return NULL;
    hl_raise(PyExc_ValueError, msg);
    return NULL; }
"""

Z_PRELUDE = r"""
const rt = @This();
const Args = [*c]const [*c]py.PyObject;

fn t_args(n: py.Py_ssize_t, want: py.Py_ssize_t) bool {
    if (n == want) return true;
    py.PyErr_SetString(py.PyExc_TypeError, "wrong number of arguments");
    return false;
}
fn t_ints(args: Args, n: py.Py_ssize_t, want: py.Py_ssize_t, out: []i64) bool {
    if (!t_args(n, want)) return false;
    for (0..@intCast(n)) |i| {
        const v = py.PyLong_AsLongLong(args[i]);
        if (v == -1 and py.PyErr_Occurred() != null) return false;
        out[i] = v;
    }
    return true;
}
fn t_floats(args: Args, n: py.Py_ssize_t, want: py.Py_ssize_t, out: []f64) bool {
    if (!t_args(n, want)) return false;
    for (0..@intCast(n)) |i| {
        const v = py.PyFloat_AsDouble(args[i]);
        if (v == -1.0 and py.PyErr_Occurred() != null) return false;
        out[i] = v;
    }
    return true;
}
fn t_pair(st: u8, v: [*c]py.PyObject) [*c]py.PyObject {
    const items = [_][*c]py.PyObject{ py.PyLong_FromLong(@as(c_long, st)), v };
    return rt.ret_tuple(&items);
}
fn t_status(st: u8) bool {
    return st != rt.ERROR;
}

fn w_arg_int(self: [*c]py.PyObject, args: Args, n: py.Py_ssize_t) callconv(.c) [*c]py.PyObject {
    _ = self;
    if (!t_args(n, 1)) return null;
    var v: i64 = 0;
    const st = rt.arg_int(args[0], &v);
    if (!t_status(st)) return null;
    return t_pair(st, if (st == rt.OK) rt.ret_int(v) else rt.ret_none());
}
fn w_arg_float(self: [*c]py.PyObject, args: Args, n: py.Py_ssize_t) callconv(.c) [*c]py.PyObject {
    _ = self;
    if (!t_args(n, 1)) return null;
    var v: f64 = 0;
    const st = rt.arg_float(args[0], &v);
    if (!t_status(st)) return null;
    return t_pair(st, if (st == rt.OK) rt.ret_float(v) else rt.ret_none());
}
fn w_arg_bool(self: [*c]py.PyObject, args: Args, n: py.Py_ssize_t) callconv(.c) [*c]py.PyObject {
    _ = self;
    if (!t_args(n, 1)) return null;
    var v = false;
    const st = rt.arg_bool(args[0], &v);
    return t_pair(st, if (st == rt.OK) rt.ret_bool(v) else rt.ret_none());
}
fn w_arg_list_float(self: [*c]py.PyObject, args: Args, n: py.Py_ssize_t) callconv(.c) [*c]py.PyObject {
    _ = self;
    if (!t_args(n, 1)) return null;
    var xs: []f64 = undefined;
    const st = rt.arg_list_float(args[0], &xs);
    if (!t_status(st)) return null;
    if (st != rt.OK) return t_pair(st, rt.ret_none());
    defer rt.free(f64, xs);
    return t_pair(st, rt.ret_list(f64, xs));
}
fn w_arg_list_int(self: [*c]py.PyObject, args: Args, n: py.Py_ssize_t) callconv(.c) [*c]py.PyObject {
    _ = self;
    if (!t_args(n, 1)) return null;
    var xs: []i64 = undefined;
    const st = rt.arg_list_int(args[0], &xs);
    if (!t_status(st)) return null;
    if (st != rt.OK) return t_pair(st, rt.ret_none());
    defer rt.free(i64, xs);
    return t_pair(st, rt.ret_list(i64, xs));
}
fn w_arg_bytes(self: [*c]py.PyObject, args: Args, n: py.Py_ssize_t) callconv(.c) [*c]py.PyObject {
    _ = self;
    if (!t_args(n, 1)) return null;
    var view: py.Py_buffer = std.mem.zeroes(py.Py_buffer);
    defer rt.release_bytes(&view);
    var data: []const u8 = undefined;
    const st = rt.arg_bytes(args[0], &view, &data);
    if (st != rt.OK) return t_pair(st, rt.ret_none());
    return t_pair(st, py.PyBytes_FromStringAndSize(data.ptr, @intCast(data.len)));
}
fn w_ret_list_bool(self: [*c]py.PyObject, args: Args, n: py.Py_ssize_t) callconv(.c) [*c]py.PyObject {
    _ = self;
    if (!t_args(n, 1)) return null;
    var xs: []i64 = undefined;
    const st = rt.arg_list_int(args[0], &xs);
    if (!t_status(st)) return null;
    if (st != rt.OK) return t_pair(st, rt.ret_none());
    defer rt.free(i64, xs);
    var bs: []bool = undefined;
    if (rt.new_list(bool, @intCast(xs.len), &bs) != rt.OK) return null;
    defer rt.free(bool, bs);
    for (xs, 0..) |x, i| bs[i] = x != 0;
    return t_pair(st, rt.ret_list(bool, bs));
}
fn w_ret_tuple(self: [*c]py.PyObject, args: Args, n: py.Py_ssize_t) callconv(.c) [*c]py.PyObject {
    _ = self;
    if (!t_args(n, 3)) return null;
    var i: [1]i64 = undefined;
    if (!t_ints(args, 1, 1, &i)) return null;
    const f = py.PyFloat_AsDouble(args[1]);
    if (f == -1.0 and py.PyErr_Occurred() != null) return null;
    const items = [_][*c]py.PyObject{ rt.ret_int(i[0]), rt.ret_float(f),
        rt.ret_bool(py.PyObject_IsTrue(args[2]) == 1), rt.ret_none() };
    return rt.ret_tuple(&items);
}
fn w_index(self: [*c]py.PyObject, args: Args, n: py.Py_ssize_t) callconv(.c) [*c]py.PyObject {
    _ = self;
    var x: [2]i64 = undefined;
    if (!t_ints(args, n, 2, &x)) return null;
    const found = rt.index(x[0], @intCast(x[1]));
    return py.PyLong_FromLongLong(if (found) |j| @intCast(j) else -1);
}
fn w_new_list(self: [*c]py.PyObject, args: Args, n: py.Py_ssize_t) callconv(.c) [*c]py.PyObject {
    _ = self;
    var x: [1]i64 = undefined;
    if (!t_ints(args, n, 1, &x)) return null;
    var xs: []i64 = undefined;
    const st = rt.new_list(i64, x[0], &xs);
    if (!t_status(st)) return null;
    if (st != rt.OK) return t_pair(st, rt.ret_none());
    defer rt.free(i64, xs);
    return t_pair(st, py.PyLong_FromLongLong(@intCast(xs.len)));
}
fn w_view_floats(self: [*c]py.PyObject, args: Args, n: py.Py_ssize_t) callconv(.c) [*c]py.PyObject {
    _ = self;
    if (!t_args(n, 1)) return null;
    var items: []const [*c]py.PyObject = undefined;
    var st = rt.arg_list_view(args[0], &items);
    if (st != rt.OK) return t_pair(st, rt.ret_none());
    var xs: []f64 = undefined;
    if (rt.new_list(f64, @intCast(items.len), &xs) != rt.OK) return null;
    defer rt.free(f64, xs);
    for (items, 0..) |o, i| {
        st = rt.item_float(o, &xs[i]);
        if (st != rt.OK) return t_pair(st, rt.ret_none());
    }
    return t_pair(st, rt.ret_list(f64, xs));
}
fn w_raise_value(self: [*c]py.PyObject, args: Args, n: py.Py_ssize_t) callconv(.c) [*c]py.PyObject {
    _ = self;
    if (!t_args(n, 1)) return null;
    const msg = py.PyUnicode_AsUTF8(args[0]);
    if (msg == null) return null;
    _ = rt.raise(py.PyExc_ValueError, msg);
    return null;
}
"""

_C_TYPES = {"int": "int64_t", "float": "double"}
_C_RET = {"int": "hl_ret_int(r)", "float": "hl_ret_float(r)", "none": "hl_ret_none()"}
_Z_TYPES = {"int": "i64", "float": "f64"}
_Z_RET = {"int": "rt.ret_int(r)", "float": "rt.ret_float(r)", "none": "rt.ret_none()"}


def _c_simple(name: str, kind: str, count: int, result: str) -> str:
    ctype, rtype = _C_TYPES[kind], _C_TYPES.get(result, "double")
    call = ", ".join([*(f"x[{i}]" for i in range(count)), *([] if result == "none" else ["&r"])])
    conv = "t_ints" if kind == "int" else "t_floats"
    if result == "none":
        call = "x[0], x[1]"
    return (f"T_FN({name}) {{ {ctype} x[{count}]; {rtype} r = 0; (void)self; (void)r;\n"
            f"    if (!{conv}(args, n, {count}, x)) return NULL;\n"
            f"    int st = hl_{name}({call});\n"
            f"    return T_RET(st, {_C_RET[result]}); }}\n")


def _z_simple(name: str, kind: str, count: int, result: str) -> str:
    ztype, rtype = _Z_TYPES[kind], _Z_TYPES.get(result, "f64")
    conv = "t_ints" if kind == "int" else "t_floats"
    args = [f"x[{i}]" for i in range(count)]
    call = ", ".join(args if result == "none" else [*args, "&r"])
    return (f"fn w_{name}(self: [*c]py.PyObject, args: Args, n: py.Py_ssize_t) callconv(.c) "
            "[*c]py.PyObject {\n    _ = self;\n"
            f"    var x: [{count}]{ztype} = undefined;\n"
            f"    if (!{conv}(args, n, {count}, &x)) return null;\n"
            f"    var r: {rtype} = 0;\n    _ = &r;\n"
            f"    const st = rt.{name}({call});\n"
            "    if (!t_status(st)) return null;\n"
            f"    return t_pair(st, if (st == rt.OK) {_Z_RET[result]} else rt.ret_none());\n}}\n")


def c_source(module: str, runtime: str) -> str:
    names = [*SIMPLE, *SPECIAL]
    table = "\n".join(f'    {{"{n}", (PyCFunction)(void (*)(void))w_{n}, METH_FASTCALL, NULL}},'
                      for n in names)
    return "\n".join([
        "#define PY_SSIZE_T_CLEAN 1", "#include <Python.h>", runtime, C_PRELUDE,
        *(_c_simple(n, *spec) for n, spec in SIMPLE.items()),
        f"static PyMethodDef t_methods[] = {{\n{table}\n    {{NULL, NULL, 0, NULL}}\n}};",
        f"static struct PyModuleDef t_def = {{PyModuleDef_HEAD_INIT, \"{module}\", NULL, -1, "
        "t_methods, NULL, NULL, NULL, NULL};",
        f"PyMODINIT_FUNC PyInit_{module}(void) {{ return PyModule_Create(&t_def); }}", ""])


def zig_source(module: str, runtime: str) -> str:
    names = [*SIMPLE, *SPECIAL]
    table = "\n".join(f'    .{{ .ml_name = "{n}", .ml_meth = @ptrCast(&w_{n}), '
                      ".ml_flags = py.METH_FASTCALL, .ml_doc = null },"
                      for n in names)
    return "\n".join([
        runtime, Z_PRELUDE, *(_z_simple(n, *spec) for n, spec in SIMPLE.items()),
        f"var t_methods = [_]py.PyMethodDef{{\n{table}\n"
        "    .{ .ml_name = null, .ml_meth = null, .ml_flags = 0, .ml_doc = null },\n};",
        "var t_def = py.PyModuleDef{ .m_base = std.mem.zeroes(py.PyModuleDef_Base), "
        f'.m_name = "{module}", .m_doc = null, .m_size = -1, .m_methods = &t_methods, '
        ".m_slots = null, .m_traverse = null, .m_clear = null, .m_free = null };",
        f"export fn PyInit_{module}() [*c]py.PyObject {{",
        "    return py.PyModule_Create2(&t_def, py.PYTHON_API_VERSION);", "}", ""])


def build_runtime(backend: str, cache: Path):
    """The loaded test extension of ``backend`` ("c" or "zig"), built once per cache."""
    from hlopt.nativize import build
    from hlopt.nativize.model import Generated
    from hlopt.nativize.runtime_files import runtime_file

    suffix, make = {"c": (".c", c_source), "zig": (".zig", zig_source)}[backend]
    module = f"_hlopt_rt_test_{backend}"
    runtime = runtime_file("hlopt_rt" + (".h" if backend == "c" else ".zig"))
    source = make(module, runtime.read_text(encoding="utf-8"))
    digest = hashlib.sha256(source.encode()).hexdigest()[:16]
    gen = Generated(backend, module, source, suffix, digest, [])
    cache.mkdir(parents=True, exist_ok=True)
    with open(cache / f".{backend}.lock", "w") as lock:  # xdist workers: one build
        fcntl.flock(lock, fcntl.LOCK_EX)
        built = build.build(gen, cache_dir=cache)
    return build.load(built)
