/* Hand-written C of bench/kernels/k02_integrate.py:integrate (the bench's reference).
 * libm's exp and cos, as CPython's math module calls them; -ffp-contract=off keeps the
 * products and sums unfused, so the result is CPython's bit for bit. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>

static PyObject *integrate(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    (void)self;
    if (nargs != 3) {
        PyErr_SetString(PyExc_TypeError, "integrate() takes exactly 3 arguments");
        return NULL;
    }
    double a = PyFloat_AsDouble(args[0]);
    if (a == -1.0 && PyErr_Occurred()) return NULL;
    double b = PyFloat_AsDouble(args[1]);
    if (b == -1.0 && PyErr_Occurred()) return NULL;
    int overflow = 0;
    long long n = PyLong_AsLongLongAndOverflow(args[2], &overflow);
    if (overflow) {
        PyErr_SetString(PyExc_OverflowError, "integrate: n beyond 64 bits");
        return NULL;
    }
    if (n == -1 && PyErr_Occurred()) return NULL;
    if (n == 0) {
        PyErr_SetString(PyExc_ZeroDivisionError, "float division by zero");
        return NULL;
    }
    double h = (b - a) / (double)n;
    double total = 0.0;
    for (long long i = 0; i < n; i++) {
        double x = a + ((double)i + 0.5) * h;
        total += exp(-x * x) * cos(3.0 * x);
    }
    return PyFloat_FromDouble(total * h);
}

static PyMethodDef methods[] = {
    {"integrate", (PyCFunction)(void (*)(void))integrate, METH_FASTCALL, NULL},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef moduledef = {PyModuleDef_HEAD_INIT, "hc_k02_integrate", NULL, -1,
                                       methods, NULL, NULL, NULL, NULL};

PyMODINIT_FUNC PyInit_hc_k02_integrate(void) { return PyModule_Create(&moduledef); }
