/* Hand-written C of bench/kernels/k03_mandelbrot.py:mandelbrot (the bench's reference). */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

static int as_i64(PyObject *o, long long *out) {
    int overflow = 0;
    long long v = PyLong_AsLongLongAndOverflow(o, &overflow);
    if (overflow) {
        PyErr_SetString(PyExc_OverflowError, "mandelbrot: int beyond 64 bits");
        return -1;
    }
    if (v == -1 && PyErr_Occurred()) return -1;
    *out = v;
    return 0;
}

static PyObject *mandelbrot(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    (void)self;
    if (nargs != 3) {
        PyErr_SetString(PyExc_TypeError, "mandelbrot() takes exactly 3 arguments");
        return NULL;
    }
    long long width, height, max_iter;
    if (as_i64(args[0], &width) || as_i64(args[1], &height) || as_i64(args[2], &max_iter))
        return NULL;
    long long total = 0;
    for (long long row = 0; row < height; row++) {
        double y0 = -1.5 + 3.0 * (double)row / (double)height;
        for (long long col = 0; col < width; col++) {
            double x0 = -2.0 + 3.0 * (double)col / (double)width;
            double x = 0.0, y = 0.0;
            long long i = 0;
            while (x * x + y * y <= 4.0 && i < max_iter) {
                double nx = x * x - y * y + x0;
                y = 2.0 * x * y + y0;
                x = nx;
                i++;
            }
            if (__builtin_add_overflow(total, i, &total)) {
                PyErr_SetString(PyExc_OverflowError, "mandelbrot: int beyond 64 bits");
                return NULL;
            }
        }
    }
    return PyLong_FromLongLong(total);
}

static PyMethodDef methods[] = {
    {"mandelbrot", (PyCFunction)(void (*)(void))mandelbrot, METH_FASTCALL, NULL},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef moduledef = {PyModuleDef_HEAD_INIT, "hc_k03_mandelbrot", NULL, -1,
                                       methods, NULL, NULL, NULL, NULL};

PyMODINIT_FUNC PyInit_hc_k03_mandelbrot(void) { return PyModule_Create(&moduledef); }
