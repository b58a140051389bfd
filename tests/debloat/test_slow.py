"""HLF: slow patterns, weighted by loop depth, and their fixes."""

from __future__ import annotations

import ast
import textwrap

import pytest

from hlopt import debloat
from hlopt.core.report import Severity
from hlopt.debloat.slow_scan import scan


def _hits(code: str) -> list[tuple[str, int]]:
    code = textwrap.dedent(code)
    return [(h.code, h.depth) for h in scan(ast.parse(code), code)]


def test_depth_counts_loops_and_comprehensions_and_resets_in_functions() -> None:
    assert _hits("""
        for a in x:
            for b in y:
                if b in [1, 2, 3]:
                    pass
        """) == [("HLF001", 2)]
    assert _hits("[v for v in x if v in [1, 2, 3]]") == [("HLF001", 1)]
    assert _hits("""
        for a in x:
            def inner(v):
                return v in [1, 2, 3]
        """) == []


def test_deeper_findings_rank_first_and_warn(make_tree) -> None:  # noqa: ANN001
    root = make_tree({"m.py": """
        def f(rows, names):
            for i in range(len(names)):
                print(names[i])
            for row in rows:
                for cell in row:
                    if cell in ["a", "b", "c"]:
                        pass
        """})
    report = debloat.run(debloat.Options(paths=(root,), select=("HLF",), jobs=1))
    by_rank = sorted(report.findings, key=lambda f: f.data["rank"])
    assert [(f.code, f.data["loop_depth"]) for f in by_rank] == [("HLF001", 2), ("HLF004", 1)]
    assert [f.severity for f in by_rank] == [Severity.WARNING, Severity.INFO]
    assert "loop depth 2" in by_rank[0].message


@pytest.mark.parametrize(("code", "expected"), [
    ("for x in y:\n    s += 'a'\n", ["HLF002"]),
    ("s = ''\nfor x in y:\n    s += x\n", ["HLF002"]),
    ("for x in y:\n    n += 1\n", []),
    ("import re\nfor x in y:\n    re.search('a', x)\n", ["HLF003"]),
    ("import re\nfor x in y:\n    re.search(p, x)\n", []),
    ("m = sorted(x)[0]\n", ["HLF005"]),
    ("def sorted(v): return v\nm = sorted(x)[0]\n", []),
    ("for x in y:\n    try:\n        f(x)\n    except E:\n        pass\n", []),
])
def test_patterns(code: str, expected: list[str]) -> None:
    assert [c for c, _ in _hits(code)] == expected


def test_regex_constant_name_does_not_clash_and_is_shared() -> None:
    code = textwrap.dedent("""
        import re
        _F_RE = 1
        def f(xs):
            for x in xs:
                re.match("a", x)
                re.search("a", x)
        """)
    hits = scan(ast.parse(code), code)
    inserts = {e[4] for h in hits for e in h.edits if e[0] == e[2] and e[1] == e[3]}
    assert inserts == {'\n_F_RE_2 = re.compile("a")\n'}  # set off from the imports


def test_unsafe_fixes_need_the_flag(make_tree) -> None:  # noqa: ANN001
    root = make_tree({"m.py": "def f(x):\n    return sorted(x)[0]\n"})
    debloat.run(debloat.Options(paths=(root,), select=("HLF",), fix=True, jobs=1))
    assert "sorted" in (root / "m.py").read_text()
    debloat.run(debloat.Options(paths=(root,), select=("HLF",), fix=True, unsafe_fixes=True,
                                jobs=1))
    assert (root / "m.py").read_text() == "def f(x):\n    return min(x)\n"


def test_fix_survives_lines_moved_by_the_imports_fix(make_tree) -> None:  # noqa: ANN001
    root = make_tree({"m.py": """
        import os
        import re


        def f(xs):
            return [re.findall("[0-9]+", x) for x in xs]
        """})
    debloat.run(debloat.Options(paths=(root,), select=("HLI", "HLF"), fix=True, jobs=1))
    assert (root / "m.py").read_text() == (
        'import re\n\n_F_RE = re.compile("[0-9]+")\n\n\n'
        'def f(xs):\n    return [_F_RE.findall(x) for x in xs]\n')
