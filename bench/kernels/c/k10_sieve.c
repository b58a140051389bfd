/* Hand-written C of bench/kernels/k10_sieve.py:count_primes (the bench's reference).
 * A byte per number; the bound is int(n ** 0.5) through libm's pow, as CPython does. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>
#include <string.h>

static PyObject *count_primes(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    (void)self;
    if (nargs != 1) {
        PyErr_SetString(PyExc_TypeError, "count_primes() takes exactly 1 argument");
        return NULL;
    }
    int overflow = 0;
    long long n = PyLong_AsLongLongAndOverflow(args[0], &overflow);
    if (overflow || (n > 0 && (unsigned long long)n > PY_SSIZE_T_MAX)) {
        PyErr_SetString(PyExc_OverflowError, "count_primes: n too large");
        return NULL;
    }
    if (n == -1 && PyErr_Occurred()) return NULL;
    if (n < 3) return PyLong_FromLong(0);
    unsigned char *is_prime = (unsigned char *)malloc((size_t)n);
    if (is_prime == NULL) return PyErr_NoMemory();
    memset(is_prime, 1, (size_t)n);
    is_prime[0] = is_prime[1] = 0;
    long long stop = (long long)pow((double)n, 0.5) + 1;
    for (long long i = 2; i < stop; i++) {
        if (is_prime[i]) {
            for (long long j = i * i; j < n; j += i) is_prime[j] = 0;
        }
    }
    long long count = 0;
    for (long long i = 0; i < n; i++) count += is_prime[i];
    free(is_prime);
    return PyLong_FromLongLong(count);
}

static PyMethodDef methods[] = {
    {"count_primes", (PyCFunction)(void (*)(void))count_primes, METH_FASTCALL, NULL},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef moduledef = {PyModuleDef_HEAD_INIT, "hc_k10_sieve", NULL, -1,
                                       methods, NULL, NULL, NULL, NULL};

PyMODINIT_FUNC PyInit_hc_k10_sieve(void) { return PyModule_Create(&moduledef); }
