"""The dead-code family (HLD): library vs application, protections, confidence, fixes."""

from __future__ import annotations

import ast
import json
import textwrap
from pathlib import Path

import pytest

from hlopt import debloat
from hlopt.core.report import Finding
from hlopt.debloat import deadcode
from hlopt.debloat.codemods.dead_code import remove_dead_code
from hlopt.debloat.deadcode_scan import collect_facts, removable, scan

LIBRARY = {
    "pkg/__init__.py": '"""A small package."""\n',
    "pkg/main.py": """
        from pkg.util import format_value


        def main():
            print(format_value(1))


        if __name__ == "__main__":
            main()
    """,
    "pkg/util.py": """
        def format_value(value):
            return f"<{value}>"


        def parse_value(text):
            return text.strip("<>")
    """,
}


def _run(root: Path, **kw: object) -> list[Finding]:
    opts = debloat.Options(paths=(root,), select=("HLD",), jobs=1, **kw)  # type: ignore[arg-type]  # test helper
    return debloat.run(opts).findings


def _codes(findings: list[Finding]) -> set[tuple[str, str, int | None]]:
    return {(f.code, f.path.name if f.path else "", f.line) for f in findings}


def test_library_public_names_are_api(make_tree, invoke) -> None:
    root = make_tree(LIBRARY)
    result = invoke(["debloat", "--select", "HLD", str(root)], exit_code=0)
    assert "parse_value" not in result.stdout


def test_entry_point_makes_public_names_reportable(make_tree, invoke) -> None:
    root = make_tree(LIBRARY)
    result = invoke(["debloat", "--select", "HLD", "--entry", "pkg.main", str(root),
                     "--format", "json"], exit_code=1)
    findings = json.loads(result.stdout)["findings"]
    assert [(f["code"], f["message"], f["confidence"]) for f in findings] == [
        ("HLD001", "unused function `parse_value`", 80)
    ]
    assert findings[0]["fix"]["applicability"] == "unsafe"
    assert findings[0]["data"]["qualname"] == "parse_value"


def test_console_scripts_make_an_application(make_tree) -> None:
    root = make_tree({**LIBRARY, "pyproject.toml": """
        [project]
        name = "pkg"
        version = "1"
        [project.scripts]
        pkg = "pkg.main:main"
    """})
    assert _codes(_run(root)) == {("HLD001", "util.py", 5)}


def test_private_name_used_from_another_module(make_tree) -> None:
    root = make_tree({
        "a.py": "def _shared():\n    return 1\n\n\ndef _orphan():\n    return 2\n",
        "b.py": "from a import _shared\n\nprint(_shared())\n",
        "c.py": "import a\n\nprint(a.__name__)\n",
    })
    assert _codes(_run(root)) == {("HLD001", "a.py", 5)}


def test_attribute_and_string_uses_count(make_tree) -> None:
    root = make_tree({
        "a.py": """
            class Box:
                def _by_attribute(self):
                    return 1

                def _by_string(self):
                    return 2

                def _by_nobody(self):
                    return 3


            def use(box):
                return box._by_attribute() + getattr(box, "_by_string")()
        """,
    })
    assert [f.message for f in _run(root)] == ["unused method `Box._by_nobody`"]


def test_min_confidence_filters(make_tree) -> None:
    root = make_tree({
        "m.py": "_FLAG = 1\n\n\ndef _helper():\n    return 1\n\n\ndef f():\n    return 1\n"
                "    print('dead')\n",
    })
    assert {f.confidence for f in _run(root)} == {60, 90, 100}
    assert {f.confidence for f in _run(root, min_confidence=70)} == {90, 100}
    assert {f.confidence for f in _run(root, min_confidence=100)} == {100}


def test_whitelist_names_are_used(make_tree) -> None:
    root = make_tree({
        "m.py": "def _kept():\n    return 1\n\n\ndef _gone():\n    return 2\n",
        "whitelist.txt": "_kept  # called from C\n",
    })
    found = _run(root / "m.py", whitelist=(root / "whitelist.txt",))
    assert [f.message for f in found] == ["unused function `_gone`"]


def test_noqa_suppresses(make_tree) -> None:
    root = make_tree({"m.py": "def _kept():  # noqa: HLD001\n    return 1\n"})
    assert _run(root) == []


def test_application_protections(make_tree) -> None:
    root = make_tree({
        "app.py": """
            class Settings(dict):
                def copy(self):
                    return Settings(self)

            class Plain:
                def render(self):
                    return 1

            def test_render():
                assert Plain().render()
        """,
    })
    # `copy` overrides dict.copy; the test function is collected by pytest
    assert [f.message for f in _run(root, entry=("app",))] == []


def test_fix_removes_and_is_stable(make_tree, invoke) -> None:
    root = make_tree({
        "m.py": """
            import sys


            def _unused():
                return sys.argv


            def run():
                return 1
                print("never")
        """,
    })
    invoke(["debloat", "--select", "HLD", "--fix", str(root)], exit_code=1)
    assert "_unused" in (root / "m.py").read_text()  # unsafe fixes need --unsafe-fixes
    invoke(["debloat", "--select", "HLD", "--fix", "--unsafe-fixes", str(root)], exit_code=0)
    text = (root / "m.py").read_text()
    assert "_unused" not in text and "never" not in text
    ast.parse(text)
    invoke(["debloat", "--select", "HLD", "--fix", "--unsafe-fixes", str(root)], exit_code=0)
    assert (root / "m.py").read_text() == text


def _findings(text: str, path: Path = Path("m.py"), entry: bool = False) -> list[Finding]:
    """check() on one in-memory module."""
    from hlopt.core.config import Config
    from hlopt.debloat.model import ModuleInfo, Options, Project

    tree = ast.parse(text)
    info = ModuleInfo(path=path, name="m", is_package=False)
    info.facts["HLD"] = collect_facts(tree, text)
    project = Project(root=Path("."), modules=[info], config=Config(Path(".")),
                      options=Options(), entries=("m",) if entry else ())
    return deadcode.check(project)


def test_fix_skips_what_is_already_gone() -> None:
    """Two defs of one name, one kept by noqa: the second pass must not remove the other."""
    text = "def _twin():\n    return 1\ndef _twin():  # noqa\n    return 2\n"
    first = [f for f in _findings(text) if f.line == 1]
    once = deadcode.fix(text, Path("m.py"), first)
    assert once == "def _twin():  # noqa\n    return 2\n"
    assert deadcode.fix(once, Path("m.py"), first) == once
    assert deadcode.remaining(once, ast.parse(once), first) == []


def test_remaining_names_what_is_left() -> None:
    text = "def _gone():\n    return 1\n"
    found = _findings(text)
    assert deadcode.remaining(text, ast.parse(text), found) == ["function:_gone still present"]


@pytest.mark.parametrize(("before", "after"), [
    ("if 0:\n    a()\nelif b:\n    c()\nelse:\n    d()\n", "if b:\n    c()\nelse:\n    d()\n"),
    ("if x:\n    a()\nelif 0:\n    b()\nelif y:\n    c()\n", "if x:\n    a()\nelif y:\n    c()\n"),
    ("while 0: a()\nelse: b()\n", "b()\n"),
    ("# keep me\nif False:\n    a()\nelse:\n    b()\n", "# keep me\nb()\n"),
    ("def f():\n    if x: return 1; y()\n", "def f():\n    if x: return 1\n"),
    ("raise SystemExit\nx = 1\n", "raise SystemExit\n"),
])
def test_codemod_branches_and_runs(before: str, after: str) -> None:
    fixed = deadcode.fix(before, Path("m.py"), _findings(before))
    assert fixed == after
    assert deadcode.fix(fixed, Path("m.py"), _findings(before)) == fixed


def test_codemod_keeps_blocks_valid() -> None:
    text = "class C:\n    def _a(self):\n        pass\n\nprint(C)\n"
    fixed = remove_dead_code(text, [("HLD003", "_a", 2)])
    assert fixed == "class C:\n    pass\n\nprint(C)\n"


@pytest.mark.parametrize(("body", "ok"), [
    ("return\nx = 1", True),
    ("print(x)\nreturn\nx = 1", False),  # x is local only because of the dead assignment
    ("return\nyield", False),
    ("return\nglobal g", False),
    ("x = 0\nprint(x)\nreturn\nx = 1", True),
])
def test_removable(body: str, ok: bool) -> None:
    tree = ast.parse("def f():\n" + textwrap.indent(body, "    ") + "\n")
    func = tree.body[0]
    assert isinstance(func, ast.FunctionDef)
    stmts = func.body
    dead = stmts[[i for i, s in enumerate(stmts) if isinstance(s, ast.Return)][0] + 1:]
    assert removable(dead, func) is ok


def test_scan_counts_keys() -> None:
    tree = ast.parse("def _f():\n    return\n    x()\nclass C:\n    def m(self): pass\n")
    counts = scan(tree).counts
    assert counts["function:_f"] == 1
    assert counts["method:C.m"] == 1
    assert counts["HLD005:_f.<locals>"] == 1


def test_collect_is_small_and_picklable() -> None:
    import pickle

    text = "import os\n\ndef _f():\n    return os.sep\n\nVALUE = _f()\n"
    facts = collect_facts(ast.parse(text), text)
    # only what the file itself never mentions again is sent to check()
    assert [d.name for d in facts.defs] == ["VALUE"]
    assert {"os", "sep", "_f"} <= facts.refs and "VALUE" not in facts.refs
    assert pickle.loads(pickle.dumps(facts)) == facts


def test_unicode_names(make_tree) -> None:
    root = make_tree({"m.py": "def _café():\n    return 1\n\n\ndef _thé():\n    return 2\n\n\n"
                              "print(_café())\n"})
    assert [f.message for f in _run(root)] == ["unused function `_thé`"]


def test_fix_after_the_imports_fix_moved_lines(make_tree) -> None:
    """HLI's fix runs first on the same text; HLD finds its targets again by key."""
    root = make_tree({"m.py": "import os\nimport sys\n\n\ndef _unused():\n    return 1\n\n\n"
                              "def run():\n    return 2\n    print('never')\n"})
    report = debloat.run(debloat.Options(paths=(root,), fix=True, unsafe_fixes=True, jobs=1))
    assert not [f for f in report.findings if f.code.startswith("HLX")], report.findings
    text = (root / "m.py").read_text()
    assert "import" not in text and "_unused" not in text and "never" not in text
    assert "def run():\n    return 2\n" in text


LOCALS = '''\
import os


def f(a, rows):
    unused = 1
    started = os.getcwd()
    used = 2
    total: int = len(a)
    _kept = 3
    counter = 0
    counter += 1
    closure = 5
    deleted = 6
    del deleted
    lazy = 7
    squares = [x * lazy for x in rows]

    def inner():
        return closure

    gone = 9; other = 1
    print(used, other, squares)
    return inner


def g():
    x = 1
    return locals()


def h(flag):
    global seen
    seen = 1
    if flag:
        y = [1, 2]
    try:
        z = int(flag)
    except ValueError:
        w = None
    return 0
'''


def test_unused_locals_are_found_with_what_the_fix_keeps() -> None:
    found = [f for f in _findings(LOCALS) if f.code == "HLD007"]
    got = [(f.line, f.data["name"], f.data["keep_value"]) for f in found]
    assert got == [(5, "unused", False), (6, "started", True), (8, "total", True),
                   (21, "gone", False), (35, "y", False), (37, "z", True), (39, "w", False)]
    assert all(f.confidence == 90 and f.fix is not None for f in found)
    assert found[1].fix.title == "Keep only the value: drop `started =`"
    framed = [f for f in _findings(LOCALS + "import sys\nF = sys._getframe\n")
              if f.code == "HLD007"]
    assert {f.confidence for f in framed} == {50}  # frames may read them


def test_fixing_unused_locals_keeps_every_call() -> None:
    found = [f for f in _findings(LOCALS) if f.code == "HLD007"]
    once = deadcode.fix(LOCALS, Path("m.py"), found)
    assert "    os.getcwd()\n" in once and "    len(a)\n" in once and "    int(flag)\n" in once
    for gone in ("unused = 1", "gone = 9", "y = [1, 2]", "w = None"):
        assert gone not in once
    assert "    other = 1\n" in once and "        pass\n" in once  # an emptied block
    ast.parse(once)
    assert deadcode.fix(once, Path("m.py"), found) == once
    assert deadcode.remaining(once, ast.parse(once), found) == []
    assert not [f for f in _findings(once) if f.code == "HLD007"]


def test_an_unused_exception_name_loses_its_as_with_a_safe_fix() -> None:
    text = ("def f(x):\n    try:\n        return int(x)\n    except ValueError as err:\n"
            "        return 0\n    except TypeError as used:\n        return used\n")
    found = [f for f in _findings(text) if f.code == "HLD007"]
    assert [(f.line, f.data["kind"], f.data["name"]) for f in found] == [(4, "except", "err")]
    assert found[0].fix.applicability.value == "safe"
    once = deadcode.fix(text, Path("m.py"), found)
    assert "    except ValueError:\n" in once and "except TypeError as used" in once
    assert deadcode.remaining(once, ast.parse(once), found) == []
    star = "def g():\n    try:\n        pass\n    except* OSError as group:\n        pass\n"
    found = [f for f in _findings(star) if f.code == "HLD007"]
    assert deadcode.fix(star, Path("m.py"), found) == star.replace(" as group", "")


def test_an_unused_local_in_dead_code_is_reported_once_as_dead_code() -> None:
    text = "def f():\n    return 1\n    x = 2\n\n\ndef g():\n    if 0:\n        y = 1\n    z = 3\n"
    assert sorted((f.code, f.line) for f in _findings(text)) == [
        ("HLD005", 3), ("HLD006", 7), ("HLD007", 9)]


def test_an_identifier_is_matched_as_python_reads_it() -> None:
    text = "def f():\n    \U0001d518n = 1\n    return 0\n"  # 𝔘n is Un (NFKC)
    found = [f for f in _findings(text) if f.code == "HLD007"]
    assert [f.data["name"] for f in found] == ["Un"]
    assert deadcode.fix(text, Path("m.py"), found) == "def f():\n    return 0\n"
