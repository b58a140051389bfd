"""The rewrite's smaller transforms, each checked against the AST twin in verify."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from hlopt.compress.minify import minify_source
from hlopt.compress.model import Plan
from hlopt.compress.tokenedit import EditError, apply_renames
from hlopt.compress.verify import check_output


def _minify(code: str, plan: Plan | None = None) -> str:
    code = textwrap.dedent(code)
    plan = plan or Plan()
    out = minify_source(code, plan)
    check_output(Path("t.py"), code, out, plan)
    return out


def test_object_base_return_none_and_imports() -> None:
    out = _minify('''
        import os
        import sys
        from a import b
        from a import c
        class A(object):
            def f(self):
                return None
    ''')
    assert out == "import os,sys;from a import b,c\nclass A:\n def f(self):return\n"


def test_object_base_kept_where_object_is_rebound() -> None:
    plan = Plan(drop_object_base=False)
    out = _minify("object = int\nclass A(object):\n    pass\n", plan)
    assert "class A(object):0" in out


def test_docstring_only_bodies_and_debug_code() -> None:
    plan = Plan(drop_docstrings={(1, 0)}, remove_debug=True)
    out = _minify('''
        def f():
            """Only a docstring."""
        if __debug__:
            print("debug")
        else:
            print("optimized")
        assert f() is None
    ''', plan)
    assert out == 'def f():0\nprint("optimized")\n'


def test_token_renames_in_imports_and_statements() -> None:
    code = ("from m import LONG_NAME, OTHER as o\n"
            "def f():\n    global COUNTER\n    try:\n        pass\n"
            "    except E as error:\n        pass\n")
    plan = Plan(import_renames={(1, 0): {"LONG_NAME": "a", "OTHER": "b"}},
                decl_renames={(3, 4): {"COUNTER": "c"}}, except_renames={(6, 4): "e"})
    out = apply_renames(code, plan)
    assert out.splitlines()[0] == "from m import a as LONG_NAME, b as o"
    assert "global c" in out and "except E as e:" in out
    with pytest.raises(EditError):
        apply_renames(code, Plan(renames={(1, 0): "x"}))  # `from` is not a name


def test_checker_compares_renames_by_position() -> None:
    code = "def f(a, /):\n    return a\n"
    plan = Plan(renames={(1, 6): "b", (2, 11): "b"})
    out = minify_source(code, plan)
    assert out == "def f(b,/):return b\n"
    check_output(Path("t.py"), code, out, plan)


def test_a_long_implicit_concatenation_is_not_too_deep(minify) -> None:
    # pydoc_data/topics.py nests thousands of string parts; libcst recurses once per part
    parts = "\n".join(f"    'part {i} '" for i in range(2500))
    m = minify(f"TEXT = (\n{parts}\n)\nprint(len(TEXT))\n")
    assert not [f for f in m.report.findings if f.code.startswith("HLX")]
    assert m.text().startswith("TEXT='part 0 part 1 ")
    assert m.run().stdout.strip() == str(sum(len(f"part {i} ") for i in range(2500)))
