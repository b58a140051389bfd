/* Hand-written C of bench/kernels/k08_adler32.py:adler32 (the bench's reference).
 * Any C-contiguous buffer of bytes through Py_buffer; the same per-byte modulo as the
 * Python (no zlib NMAX deferral: the reference runs the same algorithm). */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

static PyObject *adler32(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    (void)self;
    if (nargs != 1) {
        PyErr_SetString(PyExc_TypeError, "adler32() takes exactly 1 argument");
        return NULL;
    }
    Py_buffer view;
    if (PyObject_GetBuffer(args[0], &view, PyBUF_SIMPLE) != 0) return NULL;
    const unsigned char *p = (const unsigned char *)view.buf;
    unsigned long a = 1, b = 0;
    for (Py_ssize_t i = 0; i < view.len; i++) {
        a = (a + p[i]) % 65521;
        b = (b + a) % 65521;
    }
    PyBuffer_Release(&view);
    return PyLong_FromUnsignedLong((b << 16) | a);
}

static PyMethodDef methods[] = {
    {"adler32", (PyCFunction)(void (*)(void))adler32, METH_FASTCALL, NULL},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef moduledef = {PyModuleDef_HEAD_INIT, "hc_k08_adler32", NULL, -1,
                                       methods, NULL, NULL, NULL, NULL};

PyMODINIT_FUNC PyInit_hc_k08_adler32(void) { return PyModule_Create(&moduledef); }
