/* Hand-written C of bench/kernels/k12_histogram.py:histogram (the bench's reference).
 * The list of floats read in place; counts in a C array, returned as a list of ints.
 * bins <= 0 raises (ZeroDivisionError for 0, as CPython; ValueError below). */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdlib.h>

static PyObject *histogram(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    (void)self;
    if (nargs != 4) {
        PyErr_SetString(PyExc_TypeError, "histogram() takes exactly 4 arguments");
        return NULL;
    }
    PyObject *xs = args[0];
    if (!PyList_Check(xs)) {
        PyErr_SetString(PyExc_TypeError, "histogram() takes a list of floats");
        return NULL;
    }
    double lo = PyFloat_AsDouble(args[1]);
    if (lo == -1.0 && PyErr_Occurred()) return NULL;
    double hi = PyFloat_AsDouble(args[2]);
    if (hi == -1.0 && PyErr_Occurred()) return NULL;
    Py_ssize_t bins = PyLong_AsSsize_t(args[3]);
    if (bins == -1 && PyErr_Occurred()) return NULL;
    if (bins == 0) {
        PyErr_SetString(PyExc_ZeroDivisionError, "float division by zero");
        return NULL;
    }
    if (bins < 0) {
        PyErr_SetString(PyExc_ValueError, "histogram: bins must be positive");
        return NULL;
    }
    long long *counts = (long long *)calloc((size_t)bins, sizeof(long long));
    if (counts == NULL) return PyErr_NoMemory();
    double width = (hi - lo) / (double)bins;
    Py_ssize_t n = PyList_GET_SIZE(xs);
    PyObject **items = ((PyListObject *)xs)->ob_item;
    for (Py_ssize_t k = 0; k < n; k++) {
        if (!PyFloat_CheckExact(items[k])) {
            free(counts);
            PyErr_SetString(PyExc_TypeError, "histogram() takes a list of floats");
            return NULL;
        }
        double x = PyFloat_AS_DOUBLE(items[k]);
        if (lo <= x && x < hi) {
            double q = (x - lo) / width;
            if (!(q < 9223372036854775808.0)) {
                free(counts);
                PyErr_SetString(PyExc_OverflowError, "cannot convert float infinity to integer");
                return NULL;
            }
            long long i = (long long)q;
            if (i >= bins) i = bins - 1;
            counts[i] += 1;
        }
    }
    PyObject *result = PyList_New(bins);
    for (Py_ssize_t i = 0; result != NULL && i < bins; i++) {
        PyObject *c = PyLong_FromLongLong(counts[i]);
        if (c == NULL) Py_CLEAR(result);
        else PyList_SET_ITEM(result, i, c);
    }
    free(counts);
    return result;
}

static PyMethodDef methods[] = {
    {"histogram", (PyCFunction)(void (*)(void))histogram, METH_FASTCALL, NULL},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef moduledef = {PyModuleDef_HEAD_INIT, "hc_k12_histogram", NULL, -1,
                                       methods, NULL, NULL, NULL, NULL};

PyMODINIT_FUNC PyInit_hc_k12_histogram(void) { return PyModule_Create(&moduledef); }
