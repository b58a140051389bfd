"""Mutant generation: the operators, what is left alone, and code that installs cleanly."""

from __future__ import annotations

import textwrap
import types
from pathlib import Path

from hlopt.mutate.units import mutants_of_file


def make(text: str):
    text = textwrap.dedent(text).lstrip("\n")
    return mutants_of_file(Path("/p/m.py"), "m.py", text)


def changes(text: str) -> set[tuple[str, str, str]]:
    return {(m.operator, m.original, m.replacement) for m in make(text)[1]}


def code_of(source: str, qualname: str) -> types.CodeType:
    code = compile(source, "/p/m.py", "exec")
    for part in qualname.split("."):
        code = next(c for c in code.co_consts
                    if isinstance(c, types.CodeType) and c.co_name == part)
    return code


def test_each_operator_family_makes_its_mutant() -> None:
    found = changes("""
        def f(a, b, xs):
            if a < b and not xs:
                return a + b
            a += 1
            xs.append("k")
            return True
    """)
    assert ("comparison", "< b", "<= b") in found
    assert ("boolean-operator", "a < b and not xs", "a < b or not xs") in found
    assert ("unary-operator", "not xs", "xs") in found
    assert ("binary-operator", "a + b", "a - b") in found
    assert ("augmented-assignment", "a += 1", "a = 1") in found
    assert ("number", "1", "2") in found
    assert ("string", '"k"', '"XXkXX"') in found
    assert ("constant-name", "True", "False") in found
    assert ("return-none", "return a + b", "return None") in found
    assert ("negate-condition", "a < b and not xs", "not (a < b and not xs)") in found
    assert ("remove-call", 'xs.append("k")', "pass") in found
    assert ("call-arguments", 'xs.append("k")', "xs.append(None)") in found


def test_docstrings_annotations_decorators_and_pragma_lines_are_left_alone() -> None:
    found = changes('''
        @deco(1)
        def f(a: int = 2) -> "str":
            """Doc 3."""
            x = 4  # pragma: no mutate
            return a
    ''')
    assert found == {("return-none", "return a", "return None")}


def test_units_are_functions_and_methods_and_nested_defs_belong_to_their_function() -> None:
    units, mutants = make("""
        def outer(x):
            def inner(y):
                return y + 1
            return inner(x)

        class A:
            class B:
                def m(self):
                    return 1

        if True:
            def conditional():
                return 2
    """)
    assert [u.qualname for u in units] == ["outer", "A.B.m", "conditional"]
    assert {m.unit.qualname for m in mutants if m.original == "y + 1"} == {"outer"}


def test_mutant_code_compiles_to_the_unit_with_its_line_numbers_and_class_cell() -> None:
    source = textwrap.dedent("""
        import functools


        class Base:
            def add(self, n):
                return n


        class Child(Base):
            @functools.lru_cache
            def add(self, n):
                return super().add(n * 2)
    """).lstrip("\n")
    units, mutants = mutants_of_file(Path("/p/m.py"), "m.py", source)
    original = code_of(source, "Child.add")
    for m in (m for m in mutants if m.unit.qualname == "Child.add"):
        new = code_of(m.code, "Child.add")
        assert new.co_firstlineno == original.co_firstlineno == m.unit.first_line
        assert new.co_freevars == original.co_freevars == ("__class__",)
        assert (new.co_code, new.co_consts) != (original.co_code, original.co_consts)


def test_the_diff_shows_the_changed_line_numbered_as_in_the_file() -> None:
    _, mutants = make("""
        class A:
            def m(self, x):
                y = 1
                return x > y
    """)
    m = next(m for m in mutants if m.replacement == ">= y")
    assert m.line == 4 and m.id == "m.py:A.m:" + m.id.rsplit(":", 1)[1]
    assert m.diff.splitlines()[2:] == ["@@ -4,1 +4,1 @@", "-        return x > y",
                                       "+        return x >= y"]


def test_mutant_ids_are_stable_and_unique() -> None:
    text = "def f(a):\n    return a + 1 if a else a - 1\n"
    first = [m.id for m in make(text)[1]]
    assert first == [m.id for m in make(text)[1]]
    assert len(set(first)) == len(first)
