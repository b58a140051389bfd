"""The Cython generator's fast paths keep Python's meaning: masked unsigned arithmetic,
growable local lists, direct list reads and float powers."""

from __future__ import annotations

import textwrap

import pytest
from _backend_cases import deep_outcome

from hlopt.nativize.analyse import analyse
from hlopt.nativize.cython_gen import generate
from hlopt.nativize.infer import infer
from hlopt.nativize.model import Call, Target

pytestmark = pytest.mark.native

SOURCE = textwrap.dedent('''
    FNV_OFFSET = 0xCBF29CE484222325
    FNV_PRIME = 0x100000001B3
    MASK64 = 0xFFFFFFFFFFFFFFFF

    def fnv(data):
        h = FNV_OFFSET
        for byte in data:
            h ^= byte
            h = (h * FNV_PRIME) & MASK64
        return h

    def mix(a, b, k):
        x = (a - b * k) & MASK64
        y = (~a ^ (b << 40)) & 0xFFFFFFFFFFFFFFFF
        z = -a & 0xFFFFFFFF
        w = (x >> 7) % 1000003
        big = x + y
        return x, y, z, w, big, x > y, x == 0, (y * 3) // 2, (a * k + 1) & 0xFFFF

    def string_hash(s, seed):
        h = seed & 0xFFFFFFFF
        for i, ch in enumerate(s):
            h = (h * 31 + ord(ch) + i) & 0xFFFFFFFF
            if h < 1000:
                h = (h << 3) & 0xFFFFFFFF
        return h

    def hash_into(xs, data):
        h = 0
        for b in data:
            h = (h * 131 + b) & 0xFFFFFFFFFFFFFFFF
            xs.append(h & 0xFF)
        return h

    def edit_distance(a, b):
        prev = list(range(len(b) + 1))
        for i, ca in enumerate(a, 1):
            cur = [i]
            for j, cb in enumerate(b, 1):
                cost = 0 if ca == cb else 1
                cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost))
            prev = cur
        return prev[-1]

    def alias_grow(n):
        a = [0]
        b = a
        for i in range(n):
            a.append(i * i)
        c = [7, 8]
        c = b
        b = [5]
        for i in range(n):
            b.append(c[i] - i)
        return len(a) * 1000000 + len(b) * 1000 + len(c) + sum(b) + c[-1]

    def swap_rows(n):
        prev = []
        cur = [1]
        for i in range(n):
            prev, cur = cur, prev
            cur.append(i)
            cur.append(len(prev) * cur[0])
        return cur

    def iterate_grown(n, k):
        out = []
        for i in range(n):
            out.append(i * 10 // k)
        t = 0
        for v in out:
            t += v
        return t

    def iter_append(n):
        xs = [1, 2, 3]
        for x in xs:
            if len(xs) < n:
                xs.append(x + 1)
        return xs

    def roots_into(out, xs):
        total = 0.0
        for x in xs:
            r = x ** 0.5
            out.append(r)
            total += x ** 1.5 + r * 2.0
        return total

    def floats_grown(xs):
        ys = []
        for x in xs:
            ys.append(x * 2.0)
        return ys
''')

CALLS = {
    "fnv": [(b"abc",)],
    "mix": [(1, 2, 3)],
    "string_hash": [("abc", 7)],
    "hash_into": [([], b"ab")],
    "edit_distance": [("kitten", "sitting")],
    "alias_grow": [(5,)],
    "swap_rows": [(4,)],
    "iterate_grown": [(10, 3)],
    "iter_append": [(5,)],
    "floats_grown": [([1.0, 2.0],)],
    "roots_into": [([], [1.0, 4.0])],
}


def _build(tmp_path_factory, source: str, calls: dict) -> dict:
    from hlopt.nativize.build import build, load

    root = tmp_path_factory.mktemp("speed")
    path = root / "fast.py"
    path.write_text(source)
    namespace: dict = {}
    exec(compile(source, str(path), "exec"), namespace)
    out = {}
    for name, args in calls.items():
        a = analyse(Target(path, name, "fast", root))
        gen = generate(a, infer(a, [Call(x) for x in args]))
        module = load(build(gen))
        out[name] = (namespace[name], module._hlopt_bind(namespace[name]), gen)
    return out


@pytest.fixture(scope="module")
def native(tmp_path_factory):
    return _build(tmp_path_factory, SOURCE, CALLS)


def same(native, name, *args):
    py, nat, _ = native[name]
    assert deep_outcome(nat, args) == deep_outcome(py, args), f"{name}{args}"


def test_masked_hash_is_unsigned_c_arithmetic(native):
    gen = native["fnv"][2]
    assert "h=cython.ulonglong" in gen.source and "_hl_umul(" in gen.source
    for data in (b"", b"a", b"foobar", bytes(range(256)) * 5, b"\xff" * 1000):
        same(native, "fnv", data)
    same(native, "fnv", bytearray(b"foobar"))  # another type: Python runs
    assert native["fnv"][1](b"a") == 0xAF63DC4C8601EC8C  # the published FNV-1a value


@pytest.mark.parametrize("a, b, k", [(1, 2, 3), (-5, 7, -9), (2**62, 2**62, 4), (0, 0, 0),
                                     (-(2**63), 2**63 - 1, -1), (-1, -1, -1), (2**63, 1, 1),
                                     (123456789, -987654321, 2**40 + 3)])
def test_wrapping_products_differences_shifts_and_negation(native, a, b, k):
    same(native, "mix", a, b, k)


@pytest.mark.parametrize("s, seed", [("abc", 7), ("", -1), ("héllo wörld 😀" * 20, 2**40),
                                     ("a", 0), ("zz" * 300, -(2**63)), ("x", 2**70)])
def test_string_hash_with_signed_leaves(native, s, seed):
    same(native, "string_hash", s, seed)


def test_masked_arithmetic_in_a_function_with_effects(native):
    same(native, "hash_into", [], bytes(range(200)))
    same(native, "hash_into", [1], b"")
    py, nat, _ = native["hash_into"]
    xs: list = []
    assert nat(xs, b"\xff" * 50) == py([], b"\xff" * 50) and len(xs) == 50


@pytest.mark.parametrize("a, b", [("kitten", "sitting"), ("", ""), ("", "abc"), ("flaw", ""),
                                  ("naïve café", "naive cafe"), ("ab" * 40, "ba" * 45),
                                  ("😀x", "x😀")])
def test_edit_distance_on_growable_buffers(native, a, b):
    assert "prev (ll, 1D)" in native["edit_distance"][2].notes[0]
    same(native, "edit_distance", a, b)


@pytest.mark.parametrize("n", [0, 1, 2, 9, 100, 2_000])
def test_aliases_of_a_growing_list_see_every_append(native, n):
    same(native, "alias_grow", n)
    same(native, "swap_rows", n)


def test_growable_lists_iteration_errors_and_overflow(native):
    for args in [(0, 1), (50, 3), (7, -2), (5, 0), (3, 2**62)]:
        same(native, "iterate_grown", *args)  # ZeroDivisionError, overflow fallback
    for n in (0, 3, 4, 20):
        same(native, "iter_append", n)  # appends while iterating: Python's list semantics
    same(native, "floats_grown", [1.5, -0.0, float("nan"), float("inf"), 1e308] * 7)
    same(native, "floats_grown", [])
    same(native, "floats_grown", [1, 2.0])  # an int element: Python runs


def test_float_power_of_a_negative_base_in_a_function_with_effects(native):
    # Python returns a complex; the native code cannot restart after out.append: it keeps
    # those values as Python objects
    for xs in ([1.0, 4.0], [-4.0, 9.0], [-0.0, 2.5], [float("nan"), -1.0], []):
        same(native, "roots_into", [], xs)
