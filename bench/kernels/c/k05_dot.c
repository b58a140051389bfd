/* Hand-written C of bench/kernels/k05_dot.py:dot (the bench's reference).
 * Both lists read in place in one pass (zip stops at the shorter); floats only. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

static PyObject *dot(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    (void)self;
    if (nargs != 2) {
        PyErr_SetString(PyExc_TypeError, "dot() takes exactly 2 arguments");
        return NULL;
    }
    PyObject *xs = args[0], *ys = args[1];
    if (!PyList_Check(xs) || !PyList_Check(ys)) {
        PyErr_SetString(PyExc_TypeError, "dot() takes two lists of floats");
        return NULL;
    }
    Py_ssize_t n = PyList_GET_SIZE(xs);
    if (PyList_GET_SIZE(ys) < n) n = PyList_GET_SIZE(ys);
    PyObject **a = ((PyListObject *)xs)->ob_item, **b = ((PyListObject *)ys)->ob_item;
    double total = 0.0;
    for (Py_ssize_t i = 0; i < n; i++) {
        if (!PyFloat_CheckExact(a[i]) || !PyFloat_CheckExact(b[i])) {
            PyErr_SetString(PyExc_TypeError, "dot() takes two lists of floats");
            return NULL;
        }
        total += PyFloat_AS_DOUBLE(a[i]) * PyFloat_AS_DOUBLE(b[i]);
    }
    return PyFloat_FromDouble(total);
}

static PyMethodDef methods[] = {
    {"dot", (PyCFunction)(void (*)(void))dot, METH_FASTCALL, NULL},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef moduledef = {PyModuleDef_HEAD_INIT, "hc_k05_dot", NULL, -1,
                                       methods, NULL, NULL, NULL, NULL};

PyMODINIT_FUNC PyInit_hc_k05_dot(void) { return PyModule_Create(&moduledef); }
