//! hlopt_rt.zig: runtime helpers of hlopt nativize's Zig backend (the twin of hlopt_rt.h).
//!
//! Python semantics on machine types: checked i64 arithmetic, floor division and modulo as
//! Python defines them, argument and result conversion. Every helper returns a status:
//! OK, FALLBACK (the value does not fit the native types: run the Python function) or
//! ERROR (a Python exception is set). `py.zig` is Python.h translated by `zig translate-c`.
const std = @import("std");
pub const py = @import("py.zig");

pub const OK: u8 = 0;
pub const FALLBACK: u8 = 1;
pub const ERROR: u8 = 2;
const EXACT: i64 = 9007199254740992;

// --- checked i64 arithmetic ----------------------------------------------------------------

pub inline fn add(a: i64, b: i64, r: *i64) u8 {
    const t = @addWithOverflow(a, b);
    r.* = t[0];
    return t[1];
}
pub inline fn sub(a: i64, b: i64, r: *i64) u8 {
    const t = @subWithOverflow(a, b);
    r.* = t[0];
    return t[1];
}
pub inline fn mul(a: i64, b: i64, r: *i64) u8 {
    const t = @mulWithOverflow(a, b);
    r.* = t[0];
    return t[1];
}
pub inline fn neg(a: i64, r: *i64) u8 {
    return sub(0, a, r);
}
pub inline fn abs(a: i64, r: *i64) u8 {
    if (a >= 0) {
        r.* = a;
        return OK;
    }
    return neg(a, r);
}
pub fn raise(exc: [*c]py.PyObject, msg: [*c]const u8) u8 {
    py.PyErr_SetString(exc, msg);
    return ERROR;
}
/// a // b and a % b in unsigned arithmetic: cheaper for a constant divisor that is not a
/// power of two (the compiler already reduces signed powers of two to a shift or a mask)
inline fn unsigned_ok(a: i64, b: i64) bool {
    return b > 0 and (b & (b - 1)) != 0 and a >= 0;
}
pub inline fn floordiv(a: i64, b: i64, r: *i64) u8 {
    if (b == 0) return raise(py.PyExc_ZeroDivisionError, "integer division or modulo by zero");
    if (unsigned_ok(a, b)) {
        r.* = @intCast(@as(u64, @intCast(a)) / @as(u64, @intCast(b)));
        return OK;
    }
    if (b == -1) return neg(a, r);
    r.* = @divFloor(a, b);
    return OK;
}
pub inline fn mod(a: i64, b: i64, r: *i64) u8 {
    if (b == 0) return raise(py.PyExc_ZeroDivisionError, "integer modulo by zero");
    if (unsigned_ok(a, b)) {
        const ua: u64 = @intCast(a);
        const ub: u64 = @intCast(b);
        // an accumulator kept below b (x = (x + y) % b) needs a subtraction, not a division
        r.* = @intCast(if (ua < 2 * ub) (if (ua >= ub) ua - ub else ua) else ua % ub);
        return OK;
    }
    if (b == -1) {
        r.* = 0;
        return OK;
    }
    var m = @rem(a, b);
    if (m != 0 and ((m < 0) != (b < 0))) m += b;
    r.* = m;
    return OK;
}
/// a % b for a >= 0 and a constant b > 0 (hlopt's IR proved both): unsigned; a value
/// kept below b (x = (x + y) % b) needs a subtraction, not a division
pub inline fn umod(a: i64, b: i64) i64 {
    const ua: u64 = @intCast(a);
    const ub: u64 = @intCast(b);
    if (ub & (ub - 1) == 0) return @intCast(ua & (ub - 1));
    return @intCast(if (ua < 2 * ub) (if (ua >= ub) ua - ub else ua) else ua % ub);
}
/// a // b for a >= 0 and a constant b > 0 (hlopt's IR proved both)
pub inline fn udiv(a: i64, b: i64) i64 {
    return @intCast(@as(u64, @intCast(a)) / @as(u64, @intCast(b)));
}
pub inline fn truediv(a: i64, b: i64, r: *f64) u8 {
    if (b == 0) return raise(py.PyExc_ZeroDivisionError, "division by zero");
    if (a > EXACT or a < -EXACT or b > EXACT or b < -EXACT) return FALLBACK;
    r.* = @as(f64, @floatFromInt(a)) / @as(f64, @floatFromInt(b));
    return OK;
}
pub inline fn lshift(a: i64, b: i64, r: *i64) u8 {
    if (b < 0) return FALLBACK;
    if (a == 0) {
        r.* = 0;
        return OK;
    }
    if (b == 63 and a == -1) { // the one shift by 63 that fits: -2**63
        r.* = std.math.minInt(i64);
        return OK;
    }
    if (b >= 63) return FALLBACK;
    const s: u6 = @intCast(b);
    const v: i64 = @bitCast(@as(u64, @bitCast(a)) << s);
    if ((v >> s) != a) return FALLBACK;
    r.* = v;
    return OK;
}
pub inline fn rshift(a: i64, b: i64, r: *i64) u8 {
    if (b < 0) return FALLBACK;
    r.* = if (b >= 63) (if (a < 0) @as(i64, -1) else 0) else a >> @as(u6, @intCast(b));
    return OK;
}
pub fn ipow(base: i64, exp: i64, r: *i64) u8 {
    if (exp < 0) return FALLBACK;
    var a = base;
    var b = exp;
    var acc: i64 = 1;
    while (b != 0) {
        if (b & 1 != 0) {
            if (mul(acc, a, &acc) != OK) return FALLBACK;
        }
        b >>= 1;
        if (b != 0 and mul(a, a, &a) != OK) return FALLBACK;
    }
    r.* = acc;
    return OK;
}

// --- floats as CPython computes them (Objects/floatobject.c) -------------------------------

pub inline fn fdiv(a: f64, b: f64, r: *f64) u8 {
    if (b == 0.0) return raise(py.PyExc_ZeroDivisionError, "float division by zero");
    r.* = a / b;
    return OK;
}
pub inline fn fmod(a: f64, b: f64, r: *f64) u8 {
    if (b == 0.0) return raise(py.PyExc_ZeroDivisionError, "float modulo");
    var m = py.fmod(a, b);
    if (m != 0.0) {
        if ((b < 0) != (m < 0)) m += b;
    } else {
        m = std.math.copysign(@as(f64, 0.0), b);
    }
    r.* = m;
    return OK;
}
pub inline fn ffloordiv(a: f64, b: f64, r: *f64) u8 {
    if (b == 0.0) return raise(py.PyExc_ZeroDivisionError, "float floor division by zero");
    const m = py.fmod(a, b);
    var d = (a - m) / b;
    if (m != 0.0 and ((b < 0) != (m < 0))) d -= 1.0;
    var f: f64 = undefined;
    if (d != 0.0) {
        f = @floor(d);
        if (d - f > 0.5) f += 1.0;
    } else {
        f = std.math.copysign(@as(f64, 0.0), a / b);
    }
    r.* = f;
    return OK;
}
var pow_fn: *const fn (f64, f64) callconv(.c) f64 = &py.pow;
pub fn fpow(a: f64, b: f64, r: *f64) u8 {
    if (!std.math.isFinite(a) or !std.math.isFinite(b) or a <= 0.0 or b == 0.0) return FALLBACK;
    const f = @as(*volatile *const fn (f64, f64) callconv(.c) f64, &pow_fn).*;
    const v = f(a, b);
    if (!std.math.isFinite(v)) return FALLBACK;
    r.* = v;
    return OK;
}
pub inline fn math_ok(r: f64, x: f64) u8 {
    if (@abs(r) <= std.math.floatMax(f64)) {
        @branchHint(.likely);
        return OK; // finite: one test
    }
    if (std.math.isNan(r)) return if (std.math.isNan(x)) OK else FALLBACK;
    return if (std.math.isFinite(x)) FALLBACK else OK;
}
/// nan, inf and values beyond i64 go to Python (-2**63 too: one comparison is faster)
pub inline fn f2i(x: f64, r: *i64) u8 {
    if (!(@abs(x) < 9223372036854775808.0)) return FALLBACK;
    r.* = @intFromFloat(x);
    return OK;
}
pub inline fn i2f_exact(a: i64, r: *f64) u8 {
    if (a > EXACT or a < -EXACT) return FALLBACK;
    r.* = @floatFromInt(a);
    return OK;
}
pub inline fn i2f(a: i64) f64 {
    return @floatFromInt(a);
}

// --- arguments -----------------------------------------------------------------------------

pub inline fn is_type(o: [*c]py.PyObject, t: *py.PyTypeObject) bool {
    return o.*.ob_type == t;
}
pub fn arg_int(o: [*c]py.PyObject, r: *i64) u8 {
    if (!is_type(o, &py.PyLong_Type)) return FALLBACK;
    // an int of one digit (|x| < 2**30) read inline, as CPython's own fast paths do
    // (3.11's layout; later versions take PyLong_AsLongLongAndOverflow below)
    if (comptime py.PY_VERSION_HEX < 0x030C0000) {
        const v: *py.PyVarObject = @ptrCast(@alignCast(o));
        if (v.ob_size >= -1 and v.ob_size <= 1) {
            const l: *py.PyLongObject = @ptrCast(@alignCast(o));
            r.* = @as(i64, v.ob_size) * @as(i64, l.ob_digit[0]);
            return OK;
        }
    }
    var overflow: c_int = 0;
    const v = py.PyLong_AsLongLongAndOverflow(o, &overflow);
    if (overflow != 0) return FALLBACK;
    if (v == -1 and py.PyErr_Occurred() != null) return ERROR;
    r.* = v;
    return OK;
}
pub inline fn arg_float(o: [*c]py.PyObject, r: *f64) u8 {
    return item_float(o, r);
}
/// an exact float's value (else the Python function runs): list items read in place too
pub inline fn item_float(o: [*c]py.PyObject, r: *f64) u8 {
    if (!is_type(o, &py.PyFloat_Type)) {
        @branchHint(.unlikely);
        return FALLBACK;
    }
    const f: *py.PyFloatObject = @ptrCast(@alignCast(o));
    r.* = f.ob_fval;
    return OK;
}
pub inline fn arg_bool(o: [*c]py.PyObject, r: *bool) u8 {
    if (o == @as([*c]py.PyObject, @ptrCast(&py._Py_TrueStruct))) {
        r.* = true;
        return OK;
    }
    if (o == @as([*c]py.PyObject, @ptrCast(&py._Py_FalseStruct))) {
        r.* = false;
        return OK;
    }
    return FALLBACK;
}
fn list_items(o: [*c]py.PyObject) [*c][*c]py.PyObject {
    const l: *py.PyListObject = @ptrCast(@alignCast(o));
    return l.ob_item;
}
pub fn list_len(o: [*c]py.PyObject) usize {
    const v: *py.PyVarObject = @ptrCast(@alignCast(o));
    return @intCast(v.ob_size);
}
fn alloc(comptime T: type, n: usize) ?[]T {
    const p = std.c.malloc(@sizeOf(T) * (if (n == 0) 1 else n)) orelse return null;
    const many: [*]T = @ptrCast(@alignCast(p));
    return many[0..n];
}
pub fn free(comptime T: type, s: []T) void {
    std.c.free(@ptrCast(s.ptr));
}
pub fn arg_list_float(o: [*c]py.PyObject, r: *[]f64) u8 {
    if (!is_type(o, &py.PyList_Type)) return FALLBACK;
    const n = list_len(o);
    const a = alloc(f64, n) orelse {
        _ = py.PyErr_NoMemory();
        return ERROR;
    };
    const items = list_items(o);
    for (0..n) |i| {
        const x = items[i];
        if (!is_type(x, &py.PyFloat_Type)) {
            free(f64, a);
            return FALLBACK;
        }
        const f: *py.PyFloatObject = @ptrCast(@alignCast(x));
        a[i] = f.ob_fval;
    }
    r.* = a;
    return OK;
}
/// a list read in place (no copy): its items, each checked when the code reads it
pub fn arg_list_view(o: [*c]py.PyObject, r: *[]const [*c]py.PyObject) u8 {
    if (!is_type(o, &py.PyList_Type)) return FALLBACK;
    const n = list_len(o);
    r.* = if (n == 0) &[_][*c]py.PyObject{} else list_items(o)[0..n];
    return OK;
}
/// one item of a list[int] read in place: an exact int that fits i64, else Python runs
pub inline fn item_int(o: [*c]py.PyObject, r: *i64) u8 {
    return arg_int(o, r);
}
pub fn arg_list_int(o: [*c]py.PyObject, r: *[]i64) u8 {
    if (!is_type(o, &py.PyList_Type)) return FALLBACK;
    const n = list_len(o);
    const a = alloc(i64, n) orelse {
        _ = py.PyErr_NoMemory();
        return ERROR;
    };
    const items = list_items(o);
    for (0..n) |i| {
        const st = arg_int(items[i], &a[i]);
        if (st != OK) {
            free(i64, a);
            return st;
        }
    }
    r.* = a;
    return OK;
}
pub fn arg_bytes(o: [*c]py.PyObject, view: *py.Py_buffer, r: *[]const u8) u8 {
    view.obj = null;
    if (!(is_type(o, &py.PyBytes_Type) or is_type(o, &py.PyByteArray_Type) or
        is_type(o, &py.PyMemoryView_Type))) return FALLBACK;
    if (py.PyObject_GetBuffer(o, view, py.PyBUF_C_CONTIGUOUS | py.PyBUF_FORMAT) != 0) {
        py.PyErr_Clear();
        view.obj = null;
        return FALLBACK;
    }
    const fmt_ok = view.format == null or (view.format[0] == 'B' and view.format[1] == 0);
    if (view.itemsize != 1 or view.ndim > 1 or !fmt_ok) {
        py.PyBuffer_Release(view);
        view.obj = null;
        return FALLBACK;
    }
    const p: [*]const u8 = if (view.len == 0) @ptrCast(&EMPTY) else @ptrCast(view.buf.?);
    r.* = p[0..@intCast(view.len)];
    return OK;
}
const EMPTY = [_]u8{0};
pub fn release_bytes(view: *py.Py_buffer) void {
    if (view.obj != null) py.PyBuffer_Release(view);
}

// --- results -------------------------------------------------------------------------------

pub inline fn ret_int(v: i64) [*c]py.PyObject {
    return py.PyLong_FromLongLong(v);
}
pub inline fn ret_float(v: f64) [*c]py.PyObject {
    return py.PyFloat_FromDouble(v);
}
pub inline fn ret_bool(v: bool) [*c]py.PyObject {
    return py.PyBool_FromLong(@intFromBool(v));
}
pub inline fn ret_none() [*c]py.PyObject {
    const none: [*c]py.PyObject = @ptrCast(&py._Py_NoneStruct);
    py.Py_INCREF(none);
    return none;
}
pub fn ret_list(comptime T: type, a: []const T) [*c]py.PyObject {
    const l = py.PyList_New(@intCast(a.len));
    if (l == null) return null;
    const items = list_items(l);
    for (a, 0..) |v, i| {
        const x = switch (T) {
            f64 => py.PyFloat_FromDouble(v),
            i64 => py.PyLong_FromLongLong(v),
            bool => ret_bool(v),
            else => @compileError("list of an unsupported type"),
        };
        if (x == null) {
            py.Py_DECREF(l);
            return null;
        }
        items[i] = x;
    }
    return l;
}
pub fn ret_tuple(items: []const [*c]py.PyObject) [*c]py.PyObject {
    var bad = false;
    for (items) |x| bad = bad or x == null;
    const t = if (bad) null else py.PyTuple_New(@intCast(items.len));
    if (t == null) {
        for (items) |x| py.Py_XDECREF(x);
        return null;
    }
    for (items, 0..) |x, i| py.PyTuple_SET_ITEM(t, @intCast(i), x);
    return t;
}

// --- local lists and indexes ---------------------------------------------------------------

pub fn new_list(comptime T: type, n: i64, r: *[]T) u8 {
    const len: usize = if (n < 0) 0 else @intCast(n);
    if (len > (1 << 58)) return FALLBACK;
    r.* = alloc(T, len) orelse {
        _ = py.PyErr_NoMemory();
        return ERROR;
    };
    return OK;
}
/// len(range(start, stop, step)) for step != 0, in unsigned arithmetic (no overflow)
pub inline fn range_len(start: i64, stop: i64, step: i64) u64 {
    const a: u64 = @bitCast(start);
    const b: u64 = @bitCast(stop);
    const s: u64 = @bitCast(step);
    if (step > 0) return if (start < stop) (b -% a -% 1) / s + 1 else 0;
    return if (start > stop) (a -% b -% 1) / (0 -% s) + 1 else 0;
}
/// index i of a sequence of length n, negative from the end (null when out of range)
pub inline fn index(i: i64, n: usize) ?usize {
    const u: u64 = @bitCast(i);
    if (u < n) return @intCast(u); // the common case: one unsigned comparison
    const len: i64 = @intCast(n);
    return if (i < 0 and i + len >= 0) @intCast(i + len) else null;
}
