"""Token layout, literal spelling: units of the passes that must not change meaning."""

from __future__ import annotations

import ast
import textwrap
import tokenize

import pytest

from hlopt.compress.layout import compact, needs_space, normalize_newlines, strip_comments
from hlopt.compress.literals import merged_string, shortest_number, shortest_string

SOURCE = textwrap.dedent('''\
    #!/usr/bin/env python3
    # a comment
    import os, sys  # trailing

    def f(a, b = 1, *args, **kw):
        x = a if a else b   # c
        y = [i  for i in range(3)
             if i]
        if x == - 1 and not y: return 1 .real
        s = b'x' ; t = 'a' 'b' ; u = r"\\d" ; z = 1.5j
        return x ** -y , f"{x!r:>10}" , ... , x . y
''')


def test_compact_keeps_the_ast_and_the_shebang() -> None:
    out = compact(SOURCE)
    assert out.startswith("#!/usr/bin/env python3\n")
    assert "comment" not in out and "trailing" not in out
    assert ast.dump(ast.parse(out)) == ast.dump(ast.parse(SOURCE))
    assert " x=a if a else b\n" in out  # one space per indent level
    assert "1 .real" in out  # `1.real` would not tokenize


@pytest.mark.parametrize(("prev", "cur", "space"), [
    ((tokenize.NAME, "if"), (tokenize.NAME, "x"), True),
    ((tokenize.NUMBER, "1"), (tokenize.NAME, "if"), True),
    ((tokenize.NUMBER, "1"), (tokenize.OP, "."), True),
    ((tokenize.NUMBER, "1."), (tokenize.NAME, "if"), True),
    ((tokenize.NUMBER, "1."), (tokenize.NAME, "e5"), True),
    ((tokenize.OP, "="), (tokenize.OP, "="), True),
    ((tokenize.OP, "*"), (tokenize.OP, "*"), True),
    ((tokenize.OP, "("), (tokenize.OP, ")"), False),
    ((tokenize.NAME, "x"), (tokenize.OP, "="), False),
    ((tokenize.NAME, "b"), (tokenize.STRING, "'x'"), True),
    ((tokenize.NAME, "in"), (tokenize.STRING, "'x'"), False),
    ((tokenize.STRING, "''"), (tokenize.STRING, "'a'"), True),
])
def test_needs_space(prev, cur, space) -> None:
    assert needs_space(prev, cur) is space


def test_strip_comments_keeps_layout_and_strings() -> None:
    text = 'x = 1  # one\n\n# alone\ns = """a  \n  b"""\n'
    assert strip_comments(text) == 'x = 1\ns = """a  \n  b"""\n'


def test_newlines_are_normalized_like_python_reads_them() -> None:
    assert normalize_newlines("a\r\nb\rc\n") == "a\nb\nc\n"


@pytest.mark.parametrize(("text", "short"), [
    ("0x10", "16"), ("1_000_000", "1000000"), ("1.0", "1."), ("0.50", ".5"),
    ("100000.0", "1e5"), ("1e-05", "1e-5"), ("1.0j", "1j"), ("0o17", "15"),
    ("1e999", "1e999"), ("3.14159", "3.14159"), ("0xFFFFFFFF", "0xFFFFFFFF"),
])
def test_shortest_number(text: str, short: str) -> None:
    assert shortest_number(text) == short
    assert ast.literal_eval(short) == ast.literal_eval(text)


@pytest.mark.parametrize(("text", "short"), [
    ('"abc"', '"abc"'), ("'''a\nb'''", "'a\\nb'"), ('u"x"', "'x'"),
    ('r"\\d"', 'r"\\d"'), ('f"{x}"', 'f"{x}"'),
])
def test_shortest_string(text: str, short: str) -> None:
    assert shortest_string(text) == short


def test_merged_string() -> None:
    assert merged_string(['"a"', "'b'"]) == "'ab'"
    assert merged_string(['b"a"', "b'b'"]) == "b'ab'"
    assert merged_string(['"a"', 'f"{x}"']) is None
