/* Hand-written C of bench/kernels/k04_stats.py:mean_variance (the bench's reference).
 * Reads the list in place (no copy); takes a list of floats only (TypeError otherwise).
 * sum() of floats in CPython 3.11 adds left to right from 0.0: the same here. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

static PyObject *mean_variance(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    (void)self;
    if (nargs != 1) {
        PyErr_SetString(PyExc_TypeError, "mean_variance() takes exactly 1 argument");
        return NULL;
    }
    PyObject *xs = args[0];
    if (!PyList_Check(xs)) {
        PyErr_SetString(PyExc_TypeError, "mean_variance() takes a list of floats");
        return NULL;
    }
    Py_ssize_t n = PyList_GET_SIZE(xs);
    if (n == 0) {
        PyErr_SetString(PyExc_ValueError, "mean_variance() of an empty list");
        return NULL;
    }
    PyObject **items = ((PyListObject *)xs)->ob_item;
    double sum = 0.0;
    for (Py_ssize_t i = 0; i < n; i++) {
        if (!PyFloat_CheckExact(items[i])) {
            PyErr_SetString(PyExc_TypeError, "mean_variance() takes a list of floats");
            return NULL;
        }
        sum += PyFloat_AS_DOUBLE(items[i]);
    }
    double mean = sum / (double)n;
    double ss = 0.0;
    for (Py_ssize_t i = 0; i < n; i++) {
        double d = PyFloat_AS_DOUBLE(items[i]) - mean;
        ss += d * d;
    }
    PyObject *m = PyFloat_FromDouble(mean), *v = PyFloat_FromDouble(ss / (double)n);
    PyObject *result = (m && v) ? PyTuple_New(2) : NULL;
    if (result == NULL) {
        Py_XDECREF(m);
        Py_XDECREF(v);
        return NULL;
    }
    PyTuple_SET_ITEM(result, 0, m);
    PyTuple_SET_ITEM(result, 1, v);
    return result;
}

static PyMethodDef methods[] = {
    {"mean_variance", (PyCFunction)(void (*)(void))mean_variance, METH_FASTCALL, NULL},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef moduledef = {PyModuleDef_HEAD_INIT, "hc_k04_stats", NULL, -1,
                                       methods, NULL, NULL, NULL, NULL};

PyMODINIT_FUNC PyInit_hc_k04_stats(void) { return PyModule_Create(&moduledef); }
