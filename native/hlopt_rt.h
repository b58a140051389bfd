/* hlopt_rt.h: runtime helpers of hlopt nativize's C backend (and the model of hlopt_rt.zig).
 *
 * Python semantics on C types: checked int64 arithmetic, floor division and modulo as
 * Python defines them, argument and result conversion. Every helper returns a status:
 * HL_OK, HL_FALLBACK (the value does not fit the native types: run the Python function)
 * or HL_ERROR (a Python exception is set). Include after <Python.h>.
 */
#ifndef HLOPT_RT_H
#define HLOPT_RT_H

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define HL_OK 0
#define HL_FALLBACK 1
#define HL_ERROR 2
/* ints up to 2**53 convert to double exactly */
#define HL_EXACT_DOUBLE_INT 9007199254740992LL

/* --- checked int64 arithmetic ---------------------------------------------------------- */

static inline int hl_add(int64_t a, int64_t b, int64_t *r) {
    return __builtin_add_overflow(a, b, r) ? HL_FALLBACK : HL_OK;
}
static inline int hl_sub(int64_t a, int64_t b, int64_t *r) {
    return __builtin_sub_overflow(a, b, r) ? HL_FALLBACK : HL_OK;
}
static inline int hl_mul(int64_t a, int64_t b, int64_t *r) {
    return __builtin_mul_overflow(a, b, r) ? HL_FALLBACK : HL_OK;
}
static inline int hl_neg(int64_t a, int64_t *r) {
    return __builtin_sub_overflow((int64_t)0, a, r) ? HL_FALLBACK : HL_OK;
}
static inline int hl_abs(int64_t a, int64_t *r) {
    if (a >= 0) { *r = a; return HL_OK; }
    return hl_neg(a, r);
}
static inline int hl_zero_div(const char *msg) {
    PyErr_SetString(PyExc_ZeroDivisionError, msg);
    return HL_ERROR;
}
/* a // b, rounding towards minus infinity */
static inline int hl_floordiv(int64_t a, int64_t b, int64_t *r) {
    if (b == 0) return hl_zero_div("integer division or modulo by zero");
    if (b == -1) return hl_neg(a, r);
    int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0))) q -= 1;
    *r = q;
    return HL_OK;
}
/* a % b with the sign of b */
static inline int hl_mod(int64_t a, int64_t b, int64_t *r) {
    if (b == 0) return hl_zero_div("integer modulo by zero"); /* CPython 3.11+ */
    /* an accumulator kept below b (x = (x + y) % b) needs a subtraction, not a division;
     * powers of two are left to the compiler (a mask) */
    if (b > 0 && (b & (b - 1)) != 0 && a >= 0 && (uint64_t)a < 2 * (uint64_t)b) {
        *r = a >= b ? a - b : a;
        return HL_OK;
    }
    if (b == -1) { *r = 0; return HL_OK; }
    int64_t m = a % b;
    if (m != 0 && ((m < 0) != (b < 0))) m += b;
    *r = m;
    return HL_OK;
}
/* a % b for a >= 0 and a constant b > 0 (hlopt's IR proved both): unsigned; a value
 * kept below b (x = (x + y) % b) needs a subtraction, not a division */
static inline int64_t hl_umod(int64_t a, int64_t b) {
    uint64_t ua = (uint64_t)a, ub = (uint64_t)b;
    if ((ub & (ub - 1)) == 0) return (int64_t)(ua & (ub - 1));
    return (int64_t)(ua < 2 * ub ? (ua >= ub ? ua - ub : ua) : ua % ub);
}
/* a / b of two ints: exact when both fit 53 bits, else Python computes it */
static inline int hl_truediv(int64_t a, int64_t b, double *r) {
    if (b == 0) return hl_zero_div("division by zero");
    if (a > HL_EXACT_DOUBLE_INT || a < -HL_EXACT_DOUBLE_INT || b > HL_EXACT_DOUBLE_INT
        || b < -HL_EXACT_DOUBLE_INT) return HL_FALLBACK;
    *r = (double)a / (double)b;
    return HL_OK;
}
static inline int hl_lshift(int64_t a, int64_t b, int64_t *r) {
    if (b < 0) return HL_FALLBACK; /* ValueError: Python raises it */
    if (a == 0) { *r = 0; return HL_OK; }
    if (b == 63 && a == -1) { *r = INT64_MIN; return HL_OK; } /* the one fit at 63 */
    if (b >= 63) return HL_FALLBACK;
    int64_t v = (int64_t)((uint64_t)a << b);
    if ((v >> b) != a) return HL_FALLBACK;
    *r = v;
    return HL_OK;
}
static inline int hl_rshift(int64_t a, int64_t b, int64_t *r) {
    if (b < 0) return HL_FALLBACK;
    *r = b >= 63 ? (a < 0 ? -1 : 0) : (a >> b);
    return HL_OK;
}
/* a ** b for b >= 0 (b < 0 gives a float in Python: fallback) */
static inline int hl_ipow(int64_t a, int64_t b, int64_t *r) {
    if (b < 0) return HL_FALLBACK;
    int64_t acc = 1;
    while (b) {
        if (b & 1) { if (__builtin_mul_overflow(acc, a, &acc)) return HL_FALLBACK; }
        b >>= 1;
        if (b && __builtin_mul_overflow(a, a, &a)) return HL_FALLBACK;
    }
    *r = acc;
    return HL_OK;
}

/* --- floats as CPython computes them (Objects/floatobject.c) --------------------------- */

static inline int hl_fdiv(double a, double b, double *r) {
    if (b == 0.0) return hl_zero_div("float division by zero");
    *r = a / b;
    return HL_OK;
}
static inline int hl_fmod(double a, double b, double *r) {
    if (b == 0.0) return hl_zero_div("float modulo");
    double m = fmod(a, b);
    if (m != 0.0) {
        if ((b < 0) != (m < 0)) m += b;
    } else {
        m = copysign(0.0, b);
    }
    *r = m;
    return HL_OK;
}
static inline int hl_ffloordiv(double a, double b, double *r) {
    if (b == 0.0) return hl_zero_div("float floor division by zero");
    double m = fmod(a, b);
    double d = (a - m) / b;
    if (m != 0.0) {
        if ((b < 0) != (m < 0)) d -= 1.0;
    }
    double f;
    if (d != 0.0) {
        f = floor(d);
        if (d - f > 0.5) f += 1.0;
    } else {
        f = copysign(0.0, a / b);
    }
    *r = f;
    return HL_OK;
}
/* pow through a pointer: the compiler must not rewrite pow(x, 2.0) as x*x */
static double (*volatile hl_pow_fn)(double, double) = pow;
/* a ** b of floats; the special cases (and errors) are left to Python */
static inline int hl_fpow(double a, double b, double *r) {
    if (!isfinite(a) || !isfinite(b) || a <= 0.0 || b == 0.0) return HL_FALLBACK;
    double v = hl_pow_fn(a, b);
    if (!isfinite(v)) return HL_FALLBACK;
    *r = v;
    return HL_OK;
}
/* a math function's result: Python raises where C gives nan/inf from finite input */
static inline int hl_math_ok(double r, double x) {
    if (__builtin_expect(fabs(r) <= DBL_MAX, 1)) return HL_OK;  /* finite: one test */
    if (isnan(r)) return isnan(x) ? HL_OK : HL_FALLBACK;
    return isfinite(x) ? HL_FALLBACK : HL_OK;
}
/* int(x), math.floor/ceil/trunc results: nan, inf and values beyond int64 go to Python
 * (so does -2**63 itself: one comparison is measurably faster than two in hot loops) */
static inline int hl_f2i(double x, int64_t *r) {
    if (__builtin_expect(!(fabs(x) < 9223372036854775808.0), 0)) return HL_FALLBACK;
    *r = (int64_t)x;
    return HL_OK;
}
/* an int where a float comparison needs it: exact below 2**53 */
static inline int hl_i2f_exact(int64_t a, double *r) {
    if (a > HL_EXACT_DOUBLE_INT || a < -HL_EXACT_DOUBLE_INT) return HL_FALLBACK;
    *r = (double)a;
    return HL_OK;
}

/* --- arguments ------------------------------------------------------------------------- */

/* an exact int (not bool) that fits int64 */
static inline int hl_arg_int(PyObject *o, int64_t *r) {
    if (!PyLong_CheckExact(o)) return HL_FALLBACK;
    /* an int of one digit (|x| < 2**30) read inline, as CPython's own fast paths do */
#if PY_VERSION_HEX >= 0x030C0000
    if (PyUnstable_Long_IsCompact((PyLongObject *)o)) {
        *r = (int64_t)PyUnstable_Long_CompactValue((PyLongObject *)o);
        return HL_OK;
    }
#else
    Py_ssize_t size = Py_SIZE(o);
    if (size >= -1 && size <= 1) {
        *r = (int64_t)size * (int64_t)((PyLongObject *)o)->ob_digit[0];
        return HL_OK;
    }
#endif
    int overflow = 0;
    long long v = PyLong_AsLongLongAndOverflow(o, &overflow);
    if (overflow) return HL_FALLBACK;
    if (v == -1 && PyErr_Occurred()) return HL_ERROR;
    *r = (int64_t)v;
    return HL_OK;
}
static inline int hl_arg_float(PyObject *o, double *r) {
    if (!PyFloat_CheckExact(o)) return HL_FALLBACK;
    *r = PyFloat_AS_DOUBLE(o);
    return HL_OK;
}
static inline int hl_arg_bool(PyObject *o, int *r) {
    if (o == Py_True) { *r = 1; return HL_OK; }
    if (o == Py_False) { *r = 0; return HL_OK; }
    return HL_FALLBACK;
}
/* an exact list of exact floats -> a malloc'd array (*r NULL for an empty list) */
static inline int hl_arg_list_float(PyObject *o, double **r, Py_ssize_t *n) {
    if (!PyList_CheckExact(o)) return HL_FALLBACK;
    Py_ssize_t len = PyList_GET_SIZE(o);
    double *a = (double *)malloc(sizeof(double) * (size_t)(len ? len : 1));
    if (a == NULL) { PyErr_NoMemory(); return HL_ERROR; }
    for (Py_ssize_t i = 0; i < len; i++) {
        PyObject *x = PyList_GET_ITEM(o, i);
        if (!PyFloat_CheckExact(x)) { free(a); return HL_FALLBACK; }
        a[i] = PyFloat_AS_DOUBLE(x);
    }
    *r = a;
    *n = len;
    return HL_OK;
}
/* a list read in place (no copy): its items, each checked when the code reads it */
static inline int hl_arg_list_view(PyObject *o, PyObject *const **r, Py_ssize_t *n) {
    if (!PyList_CheckExact(o)) return HL_FALLBACK;
    *r = ((PyListObject *)o)->ob_item;
    *n = PyList_GET_SIZE(o);
    return HL_OK;
}
/* one item of a list read in place: an exact float, else the Python function runs */
static inline int hl_item_float(PyObject *o, double *r) {
    if (__builtin_expect(!PyFloat_CheckExact(o), 0)) return HL_FALLBACK;
    *r = PyFloat_AS_DOUBLE(o);
    return HL_OK;
}
/* one item of a list[int] read in place: an exact int that fits int64, else Python runs */
static inline int hl_item_int(PyObject *o, int64_t *r) {
    return hl_arg_int(o, r);
}
/* an exact list of exact ints that fit int64 -> a malloc'd array */
static inline int hl_arg_list_int(PyObject *o, int64_t **r, Py_ssize_t *n) {
    if (!PyList_CheckExact(o)) return HL_FALLBACK;
    Py_ssize_t len = PyList_GET_SIZE(o);
    int64_t *a = (int64_t *)malloc(sizeof(int64_t) * (size_t)(len ? len : 1));
    if (a == NULL) { PyErr_NoMemory(); return HL_ERROR; }
    for (Py_ssize_t i = 0; i < len; i++) {
        int st = hl_arg_int(PyList_GET_ITEM(o, i), &a[i]);
        if (st != HL_OK) { free(a); return st; }
    }
    *r = a;
    *n = len;
    return HL_OK;
}
/* bytes, bytearray or a C-contiguous memoryview of unsigned bytes (release with
 * hl_release_bytes) */
static inline int hl_arg_bytes(PyObject *o, Py_buffer *view) {
    if (!(PyBytes_CheckExact(o) || PyByteArray_CheckExact(o) || PyMemoryView_Check(o)))
        return HL_FALLBACK;
    if (PyObject_GetBuffer(o, view, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT) != 0) {
        PyErr_Clear();
        return HL_FALLBACK;
    }
    if (view->itemsize != 1 || view->ndim > 1
        || (view->format != NULL && strcmp(view->format, "B") != 0)) {
        PyBuffer_Release(view);
        return HL_FALLBACK;
    }
    return HL_OK;
}
static inline void hl_release_bytes(Py_buffer *view) {
    if (view->obj != NULL) PyBuffer_Release(view);
}

/* --- results --------------------------------------------------------------------------- */

static inline PyObject *hl_ret_int(int64_t v) { return PyLong_FromLongLong((long long)v); }
static inline PyObject *hl_ret_float(double v) { return PyFloat_FromDouble(v); }
static inline PyObject *hl_ret_bool(int v) { return PyBool_FromLong(v); }
static inline PyObject *hl_ret_none(void) { Py_RETURN_NONE; }
static inline PyObject *hl_ret_list_int(const int64_t *a, Py_ssize_t n) {
    PyObject *l = PyList_New(n);
    if (l == NULL) return NULL;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *x = PyLong_FromLongLong((long long)a[i]);
        if (x == NULL) { Py_DECREF(l); return NULL; }
        PyList_SET_ITEM(l, i, x);
    }
    return l;
}
static inline PyObject *hl_ret_list_float(const double *a, Py_ssize_t n) {
    PyObject *l = PyList_New(n);
    if (l == NULL) return NULL;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *x = PyFloat_FromDouble(a[i]);
        if (x == NULL) { Py_DECREF(l); return NULL; }
        PyList_SET_ITEM(l, i, x);
    }
    return l;
}
/* a local list[bool] (one byte per item, as the generated code keeps them) */
static inline PyObject *hl_ret_list_bool8(const unsigned char *a, Py_ssize_t n) {
    PyObject *l = PyList_New(n);
    if (l == NULL) return NULL;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *x = a[i] ? Py_True : Py_False;
        Py_INCREF(x);
        PyList_SET_ITEM(l, i, x);
    }
    return l;
}
/* a tuple of new references (stolen; NULL items make the whole result NULL) */
static inline PyObject *hl_ret_tuple(Py_ssize_t n, PyObject **items) {
    PyObject *t = NULL;
    for (Py_ssize_t i = 0; i < n; i++)
        if (items[i] == NULL) goto fail;
    t = PyTuple_New(n);
    if (t == NULL) goto fail;
    for (Py_ssize_t i = 0; i < n; i++) PyTuple_SET_ITEM(t, i, items[i]);
    return t;
fail:
    for (Py_ssize_t i = 0; i < n; i++) Py_XDECREF(items[i]);
    return NULL;
}

/* --- errors ---------------------------------------------------------------------------- */

static inline int hl_raise(PyObject *type, const char *msg) {
    PyErr_SetString(type, msg);
    return HL_ERROR;
}
/* a local list of n items (n < 0 gives an empty list, as [x] * n does) */
static inline int hl_new_list(Py_ssize_t *n, size_t item, void **r) {
    if (*n < 0) *n = 0;
    if ((size_t)*n > PY_SSIZE_T_MAX / 16) return HL_FALLBACK;
    void *p = malloc(item * (size_t)(*n ? *n : 1));
    if (p == NULL) { PyErr_NoMemory(); return HL_ERROR; }
    *r = p;
    return HL_OK;
}
/* len(range(start, stop, step)) for step != 0, in unsigned arithmetic (no overflow) */
static inline uint64_t hl_range_len(int64_t start, int64_t stop, int64_t step) {
    if (step > 0)
        return start < stop ? ((uint64_t)stop - (uint64_t)start - 1) / (uint64_t)step + 1 : 0;
    return start > stop ? ((uint64_t)start - (uint64_t)stop - 1) / (0 - (uint64_t)step) + 1 : 0;
}
/* index i of a sequence of length n, negative from the end (-1 when out of range) */
static inline Py_ssize_t hl_index(int64_t i, Py_ssize_t n) {
    if (__builtin_expect((uint64_t)i < (uint64_t)n, 1)) return (Py_ssize_t)i;
    if (i < 0 && i + n >= 0) return (Py_ssize_t)(i + n);
    return -1;
}

#endif /* HLOPT_RT_H */
