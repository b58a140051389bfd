"""The Cython generator keeps Python's meaning: overflow fallback, division, floats, mutation."""

from __future__ import annotations

import math
import textwrap

import pytest
from _backend_cases import deep_outcome

from hlopt.nativize.analyse import analyse
from hlopt.nativize.cython_gen import generate
from hlopt.nativize.infer import infer
from hlopt.nativize.model import Call, Target

pytestmark = pytest.mark.native

SOURCE = textwrap.dedent('''
    import math

    MASK = 0xFFFF

    def int_loop(n):
        total = 0
        for i in range(n):
            total += i * i
        return total

    def divmod_ints(a, b):
        return a // b, a % b, -a, a / b

    def float_ops(x, y):
        return x / y, x // y, x % y, x * y + 1.0, -x, x ** 2, math.sqrt(abs(x))

    def to_int(x):
        return int(x)

    def scale(xs, k):
        for i in range(len(xs)):
            xs[i] = xs[i] * k
        return len(xs)

    def total(xs):
        s = 0.0
        for x in xs:
            s += x
        return s

    def grid_sum(a):
        s = 0.0
        for row in a:
            for v in row:
                s += v
        return s

    def pick(xs, i):
        return xs[i]

    def set_then_pick(xs, i):
        xs[0] = 7
        return xs[i]

    def step_range(a, b, s):
        out = 0
        for i in range(a, b, s):
            out += i & MASK
        return out

    def count_chars(text):
        counts = {}
        for ch in text:
            counts[ch] = counts.get(ch, 0) + 1
        return counts

    def checksum(data):
        a = 1
        b = 0
        for c in data:
            a = (a + c) % 65521
            b = (b + a) % 65521
        return b * 65536 + a

    def hist(xs, n):
        counts = [0] * n
        for x in xs:
            k = int(x * n)
            if 0 <= k < n:
                counts[k] += 1
        return counts
''')

CALLS = {
    "int_loop": [(1000,)],
    "divmod_ints": [(7, 2), (-7, 2)],
    "float_ops": [(1.5, 2.0)],
    "to_int": [(2.5,)],
    "scale": [([1.0, 2.0], 3.0)],
    "total": [([1.0, 2.5],)],
    "grid_sum": [([[1.0, 2.0], [3.0]],)],
    "pick": [([1, 2, 3], 1)],
    "set_then_pick": [([1, 2, 3], 1), ([4, 5], -1)],
    "step_range": [(0, 100, 3)],
    "count_chars": [("abca",)],
    "checksum": [(b"abc",)],
    "hist": [([0.1, 0.5], 4)],
}


@pytest.fixture(scope="module")
def native(tmp_path_factory):
    """Build every function above once; return name -> (python function, native function)."""
    from hlopt.nativize.build import build, load

    root = tmp_path_factory.mktemp("codegen")
    path = root / "edge.py"
    path.write_text(SOURCE)
    namespace: dict = {}
    exec(compile(SOURCE, str(path), "exec"), namespace)
    out = {}
    for name, calls in CALLS.items():
        a = analyse(Target(path, name, "edge", root))
        typing = infer(a, [Call(args) for args in calls])
        module = load(build(generate(a, typing)))  # the shared build cache
        out[name] = (namespace[name], module._hlopt_bind(namespace[name]))
    return out


def same(native, name, *args):
    py, nat = native[name]
    assert deep_outcome(nat, args) == deep_outcome(py, args), f"{name}{args}"


def test_native_module_contract(native):
    py, nat = native["int_loop"]
    assert nat is not py and nat.__name__ == "int_loop"
    assert nat(10) == 285


@pytest.mark.parametrize("n", [0, 10, 3_100_000])
def test_int_overflow_falls_back_to_python(native, n):
    # the sum of squares below 3.1 million exceeds 2**63: the C loop overflows, Python finishes
    same(native, "int_loop", n)
    same(native, "int_loop", -(2**64))  # an argument beyond C long long: Python runs (empty range)


@pytest.mark.parametrize("a, b", [(7, 2), (-7, 2), (7, -2), (-7, -2), (0, 5), (5, 0),
                                  (-(2**63), -1), (2**63, 3), (-(2**63), 1), (2**53 + 1, 1)])
def test_floor_division_modulo_and_negation(native, a, b):
    same(native, "divmod_ints", a, b)


@pytest.mark.parametrize("x, y", [(1.5, 2.0), (-7.5, 2.0), (7.5, -2.0), (-4.0, 2.0),
                                  (1.0, 0.1), (-1.0, math.inf), (1.0, 0.0), (-0.0, 1.0),
                                  (math.nan, 1.0), (1e308, 1e-308), (5e-324, 3.0),
                                  (-2.0, 0.5), (math.inf, 2.0)])
def test_float_semantics_bit_for_bit(native, x, y):
    same(native, "float_ops", x, y)


@pytest.mark.parametrize("x", [2.5, -2.5, 1e300, math.nan, math.inf, -0.0, 9.3e18])
def test_int_of_float(native, x):
    same(native, "to_int", x)


def test_mutation_of_a_list_argument(native):
    same(native, "scale", [1.0, -2.0, 0.5], 3.0)
    py, nat = native["scale"]
    xs = [1.0, 2.0]
    nat(xs, 2.0)
    assert xs == [2.0, 4.0]


def test_wrong_types_fall_back(native):
    same(native, "total", [1, 2, 3])  # ints where floats were recorded
    same(native, "total", (1.0, 2.0))  # a tuple
    same(native, "total", [1.0, "x"])  # TypeError in both
    same(native, "grid_sum", [[1.0], (2.0,)])
    same(native, "int_loop", 10.0)  # TypeError in both
    same(native, "int_loop", True)


def test_index_errors_and_negative_indexes(native):
    for i in (0, 2, -1, -3, 3, -4, 2**63):
        same(native, "pick", [1, 2, 3], i)
    same(native, "pick", [2**70, 1], 0)


def test_an_index_beyond_64_bits_is_an_index_error_where_the_function_cannot_fall_back(native):
    """set_then_pick writes its argument first: it keeps ints as objects and cannot restart
    in Python, so the native code itself must raise Python's IndexError (not OverflowError)
    and leave the list as Python leaves it."""
    for i in (1, -2, 5, 2**63, -(2**63) - 1, 2**70, -(2**80)):
        same(native, "set_then_pick", [1, 2, 3], i)


def test_range_with_variable_step(native):
    for args in [(0, 100, 3), (100, 0, -7), (5, 5, 1), (0, 10, 0), (-5, 50, 11)]:
        same(native, "step_range", *args)


def test_str_bytes_and_dict_kernels(native):
    same(native, "count_chars", "héllo wörld 😀")
    same(native, "count_chars", "")
    same(native, "checksum", bytes(range(256)) * 3)
    same(native, "checksum", bytearray(b"abc"))
    same(native, "hist", [0.0, 0.2, 0.99, -0.5, 1.0, math.nan], 4)
    same(native, "hist", [0.5], 0)
    same(native, "hist", [0.5], -3)


def test_generated_source_is_pure_python_mode(tmp_path):
    path = tmp_path / "m.py"
    path.write_text(SOURCE)
    a = analyse(Target(path, "total", "m", tmp_path))
    gen = generate(a, infer(a, [Call(([1.0],))]))
    assert gen.suffix == ".py" and gen.backend == "cython"
    assert gen.module_name == "_hlopt_m_total"
    compile(gen.source, "gen.py", "exec")  # valid Python syntax
    assert "@cython.cfunc" in gen.source and "def _hlopt_bind(pyfunc)" in gen.source
    assert "__hlopt__" in gen.source and gen.source_hash in gen.source


def test_ints_stay_objects_when_a_restart_could_repeat_effects(tmp_path):
    path = tmp_path / "m.py"
    path.write_text("def f(xs, n):\n    t = 0\n    for i in range(n):\n"
                    "        t += i\n        xs.append(t)\n    return t\n")
    a = analyse(Target(path, "f", "m", tmp_path))
    gen = generate(a, infer(a, [Call(([], 3))]))
    assert "overflowcheck" not in gen.source
    assert any("Python objects" in n for n in gen.notes)
