/* Hand-written C of bench/kernels/k01_collatz.py:collatz_steps (the bench's reference).
 * int64 with overflow checks: an int beyond 64 bits raises OverflowError (CPython would
 * compute it; the kernel's inputs stay far below). */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

static PyObject *collatz_steps(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    (void)self;
    if (nargs != 1) {
        PyErr_SetString(PyExc_TypeError, "collatz_steps() takes exactly 1 argument");
        return NULL;
    }
    int overflow = 0;
    long long limit = PyLong_AsLongLongAndOverflow(args[0], &overflow);
    if (overflow) goto too_big;
    if (limit == -1 && PyErr_Occurred()) return NULL;
    long long total = 0;
    for (long long start = 1; start < limit; start++) {
        long long n = start, steps = 0;
        while (n != 1) {
            if (n % 2 == 0) {
                n /= 2;
            } else if (__builtin_mul_overflow(n, 3, &n) || __builtin_add_overflow(n, 1, &n)) {
                goto too_big;
            }
            steps++;
        }
        if (__builtin_add_overflow(total, steps, &total)) goto too_big;
    }
    return PyLong_FromLongLong(total);
too_big:
    PyErr_SetString(PyExc_OverflowError, "collatz_steps: int beyond 64 bits");
    return NULL;
}

static PyMethodDef methods[] = {
    {"collatz_steps", (PyCFunction)(void (*)(void))collatz_steps, METH_FASTCALL, NULL},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef moduledef = {PyModuleDef_HEAD_INIT, "hc_k01_collatz", NULL, -1,
                                       methods, NULL, NULL, NULL, NULL};

PyMODINIT_FUNC PyInit_hc_k01_collatz(void) { return PyModule_Create(&moduledef); }
