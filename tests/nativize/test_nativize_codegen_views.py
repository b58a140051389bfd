"""The Cython generator's list, string and index fast paths keep Python's meaning: list
arguments read in place, one-character strings as code points, index checks proven away,
str methods on one-byte strings."""

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
    def weighted(xs, ks, flags):
        s = 0.0
        for x, k in zip(xs, ks):
            s += x * k
        for i in range(len(xs)):
            s += xs[i]
        n = 0
        for f in flags:
            if f:
                n += 1
        return s + sum(ks) + xs[-1] + ks[0], n, sum(flags)

    def matches(a, b):
        same = 0
        low = 0
        for ca in a:
            for j, cb in enumerate(b, 1):
                if ca == cb:
                    same += j
            if "a" <= ca <= "z" or ca in "ÉÖ😀":
                low += ord(ca)
        return same, low

    def marks(n, k, w, extra):
        seen = [False] * n
        for i in range(2, k):
            for j in range(i * i, n, i):
                seen[j] = True
        total = 0
        for j in range(n):
            if seen[j]:
                total += j
        size = k + 1
        acc = [0] * size
        for j in range(1, size):
            acc[j] = acc[j - 1] + j
        other = [1] * w
        w = w + extra
        for j in range(w):
            total += other[j]
        return total, acc[size - 1]

    def mods(data, n):
        a = 1
        b = 0
        neg = 0
        for byte in data:
            a = (a + byte) % 65521
            b = (b + a) % 65521
            neg = (neg - byte) % 251
        return (b << 16) | a, neg, (a * n) // 7, (b + 3) // 4, (n - 5) % 3, (neg - 300) // 9

    def words(text):
        out = []
        for w in text.split():
            t = w.strip(".,!?").lower()
            key, sep, value = w.partition("=")
            head, dot, tail = w.rpartition("..")
            out.append((t, w.upper(), w.lstrip(), w.rstrip("xé"), w.strip() is w,
                        key, sep, value, head, dot, tail))
        return out, text.strip(), text.lower()
''')

CALLS = {
    "weighted": [([1.5, 2.0], [3, 4], [True, False])],
    "matches": [("abc", "bcd")],
    "marks": [(30, 6, 3, 0)],
    "words": [("Hello, World! a=b c..d",)],
    "mods": [(b"abc", 3)],
}


@pytest.fixture(scope="module")
def native(tmp_path_factory):
    from hlopt.nativize.build import build, load

    root = tmp_path_factory.mktemp("views")
    path = root / "views.py"
    path.write_text(SOURCE)
    namespace: dict = {}
    exec(compile(SOURCE, str(path), "exec"), namespace)
    out = {}
    for name, args in CALLS.items():
        a = analyse(Target(path, name, "views", root))
        gen = generate(a, infer(a, [Call(x) for x in args]))
        out[name] = (namespace[name], load(build(gen))._hlopt_bind(namespace[name]), gen)
    return out


def same(native, name, *args):
    py, nat, _ = native[name]
    assert deep_outcome(nat, args) == deep_outcome(py, args), f"{name}{args}"


def test_read_only_list_arguments_are_read_in_place(native):
    source = native["weighted"][2].source
    assert "xs: list" in source and "_hl_ck_d(xs" in source and "_hl_conv_d" not in source
    note = next(n for n in native["weighted"][2].notes if "read in place" in n)
    assert all(name in note for name in ("xs", "ks", "flags"))
    for args in [([1.5, 2.0], [3, 4], [True, False]), ([-0.0], [0], []),
                 ([1e308, 1e308], [2, 2], [True] * 9), ([float("nan")], [1], [False]),
                 ([0.5] * 50, list(range(-25, 25)), [True, False] * 30)]:
        same(native, "weighted", *args)
    same(native, "weighted", [], [], [])  # xs[-1] of an empty list: IndexError
    same(native, "weighted", [1.0, 2], [1, 2], [])  # an int among the floats: Python runs
    same(native, "weighted", [1.0, 2.0], [1, 2.5], [])
    same(native, "weighted", [1.0], [2**63, -(2**63)], [])  # items beyond C: Python runs
    same(native, "weighted", [1.0], [2**62, 2**62], [])  # sum overflows C: Python runs
    same(native, "weighted", [1.0], [1], [True, 1])  # 1 is not a bool
    same(native, "weighted", (1.0,), [1], [])  # a tuple: Python runs
    py, nat, _ = native["weighted"]
    xs = [1.0, 2.0]
    nat(xs, [1, 2], [True])
    assert xs == [1.0, 2.0]  # read, never written


@pytest.mark.parametrize("a, b", [("abc", "bcd"), ("", "x"), ("x", ""), ("É😀zÖ", "😀ÉÉ"),
                                  ("naïve café" * 3, "aeioué "), ("\x00\uffff", "\uffff")])
def test_one_character_strings_compare_as_code_points(native, a, b):
    assert "ca=cython.Py_UCS4" in native["matches"][2].source
    assert "one-character strings as code points: ca, cb" in native["matches"][2].notes
    same(native, "matches", a, b)


@pytest.mark.parametrize("n, k, w, extra", [(30, 6, 3, 0), (0, 5, 0, 0), (-4, 3, 2, -1),
                                            (1, 1, 1, 0), (1000, 40, 9, -3), (30, 6, 3, 1),
                                            (10, 0, -2, 0), (10, -7, 4, 2)])
def test_index_checks_are_skipped_only_where_proven(native, n, k, w, extra):
    # seen[j] in range(i * i, n, i) and in range(n), acc[j] in range(1, size) need no
    # check; other[j] in range(w) after `w = w + extra` does: IndexError as in Python
    source = native["marks"][2].source
    assert "seen[j] = True" in source and "acc[j] = " in source
    assert "other[_hl_ixp(j" in source  # j >= 0: only the upper bound is checked
    same(native, "marks", n, k, w, extra)


@pytest.mark.parametrize("text", [
    "Hello, World! a=b c..d", "", "   ", "ÉCOLE école ÀÉÎ\xa0x \x85y", "=x= a..b..c .. ..",
    "İstanbul straße ǅ 😀=😀 x..😀", "MiXeD\tcase\x1cand\x1fseps\x0bhere", "xéxé.,!? ,,",
    "a" * 300 + "=" + "B" * 300,
])
def test_str_methods_on_one_byte_and_wider_strings(native, text):
    assert "_hl_s_strip(" in native["words"][2].source
    assert "_hl_PyUnicode_Find(" in native["words"][2].source
    same(native, "words", text)


@pytest.mark.parametrize("data, n", [(b"", 0), (b"Wikipedia", -7), (bytes(range(256)) * 40, 9),
                                     (b"\xff" * 5000, -(2**40)), (b"a", 2**62)])
def test_modulo_and_floor_division_of_non_negative_and_signed_values(native, data, n):
    same(native, "mods", data, n)


def test_non_negative_names_are_the_largest_consistent_set():
    import ast

    from hlopt.nativize.cython_u64 import nonneg_names
    from hlopt.nativize.infer import Typer, bindings, infer_locals
    from hlopt.nativize.model import NType

    func = ast.parse(textwrap.dedent("""
        def f(n, data):
            a = 0
            b = 5
            c = 0
            d = 0
            for i in range(n):
                a = (a + i) % 7
                b = b + a * 2
                c = c - 1
                d = max(d, n) if n else len(data)
            for j in range(3, n, 2):
                a = j & n
            return a, b, c, d
    """)).body[0]
    params = {"n": NType("int"), "data": NType("bytes")}
    typer = Typer(infer_locals(func, params))
    assert nonneg_names(func, typer, bindings(func)) == {"a", "b", "d", "i", "j"}


def test_list_arguments_of_long_loop_bodies_are_copied():
    import ast

    from hlopt.nativize.cython_view import light_reads

    func = ast.parse(textwrap.dedent("""
        def f(xs, ys, zs):
            s = 0.0
            for x in xs:
                s += x
            for i in range(len(ys)):
                if ys[i] > s and ys[i] < 2 * s and i % 3 == 1:
                    s = s * 0.5 + ys[i] / 3.0 - float(i) * 0.25
            return s + zs[0]
    """)).body[0]
    assert light_reads(func, "xs") and light_reads(func, "zs")
    assert not light_reads(func, "ys")


def test_a_module_len_is_not_taken_for_the_builtin(tmp_path):
    path = tmp_path / "shadow.py"
    path.write_text(textwrap.dedent("""
        def len(x):
            return 2

        def total(xs):
            s = 0.0
            for i in range(len(xs)):
                s += xs[i]
            return s
    """))
    a = analyse(Target(path, "total", "shadow", tmp_path))
    source = generate(a, infer(a, [Call(([1.0, 2.0, 3.0],))])).source
    core = source[source.index("def _hl_core"):]
    assert "range(len(xs))" in core and "_hl_n_xs" not in core
