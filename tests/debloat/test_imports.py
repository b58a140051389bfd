"""HLI (unused and duplicate imports): detection, fix safety, the codemod, idempotence."""

from __future__ import annotations

import ast
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from hlopt import debloat
from hlopt.core.report import Applicability, Finding
from hlopt.debloat import imports
from hlopt.debloat.codemods.unused_import import remove_imports
from hlopt.debloat.import_scan import type_string_names

MakeTree = Callable[[dict[str, str]], Path]


def run(root: Path, **kw: object) -> list[Finding]:
    # kw are Options fields (fix, entry...): typed loosely on purpose
    opts = debloat.Options(paths=(root,), select=("HLI",), jobs=1, **kw)  # type: ignore[arg-type]
    report = debloat.run(opts)
    assert not [f for f in report.findings if f.code.startswith("HLX")], report.findings
    return [f for f in report.findings if f.code.startswith("HLI")]


def found(root: Path, **kw: object) -> dict[str, str]:
    """binding -> applicability ("none" without a fix) of every HLI finding."""
    out = {}
    for f in run(root, **kw):
        assert f.path is not None and f.data is not None
        out[f"{f.path.name}:{f.data['name']}"] = f.fix.applicability.value if f.fix else "none"
    return out


def one(make_tree: MakeTree, text: str) -> dict[str, str]:
    return {k.split(":", 1)[1]: v for k, v in found(make_tree({"m.py": text})).items()}


# --- what counts as used --------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "import os\ndef f():\n    def g():\n        return os.sep\n    return g\n",
    "import functools\n@functools.cache\ndef f(): pass\n",
    "import os\ndef f(x=os.sep): return x\n",
    "from typing import Sequence\ndef f(x: Sequence): return x\n",
    "from decimal import Decimal\ndef f(x: 'Decimal'): return x\n",
    "from decimal import Decimal\ndef f(x: 'list[Decimal] | None'): return x\n",
    "from decimal import Decimal\nx: list['Decimal'] = []\n",
    "from typing import cast\nfrom decimal import Decimal\ny = cast('Decimal', 1)\n",
    "from decimal import Decimal\nx = None  # type: Decimal\n",
    "import os\ndef f():\n    global os\n    os = None\n",
    "import os\ndel os\n",
    "import os\nclass A:\n    sep = os.sep\n",
    "from json import dumps\n__all__ = ['dumps']\n",
    "from json import dumps\n__all__ = ['x'] + ['dumps']\n",
    "from json import dumps\n__all__ = []\n__all__ += ['dumps']\n",
    "from json import dumps\n__all__ = []\n__all__.extend(['dumps'])\n",
    "import os as os\n",
    "from os import sep as sep\n",
    "from __future__ import annotations\n",
    "from os import *\n",
    "import readline\nimport rlcompleter\nimport encodings.idna\nimport icons_rc\n",
    "from _struct import *\nfrom _struct import _clearcache\n",
    "from _datetime import __doc__\n",
    "import os  # noqa: F401\n",
    "import os  # noqa: HLI001\n",
    "import os  # noqa\n",
    "from os import (  # noqa: F401\n    sep,\n    path,\n)\n",
    "def f():\n    global json\n    import json\n",
])
def test_not_reported(make_tree: MakeTree, text: str) -> None:
    assert one(make_tree, text) == {}


def test_function_import_is_used_only_inside_its_function(make_tree: MakeTree) -> None:
    text = "def f():\n    import re\n    return 1\ndef g(re):\n    return re\n"
    assert one(make_tree, text) == {"re": "safe"}


def test_module_import_used_only_in_a_nested_class_method(make_tree: MakeTree) -> None:
    text = "import os\nclass A:\n    class B:\n        def m(self):\n            return os\n"
    assert one(make_tree, text) == {}


# --- the safe/unsafe table ------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("import os\nx = 1\n", "safe"),
    ("import os as _os\nx = 1\n", "safe"),
    ("from os import sep as _sep\nx = 1\n", "safe"),
    ("from os import sep\nx = 1\n", "unsafe"),  # library module without __all__: maybe API
    ("from os import sep\n__all__ = ['x']\nx = 1\n", "safe"),
    ("from os import sep\n__all__ = list(globals())\nx = 1\n", "unsafe"),
    ("def f():\n    import os\n    return 1\n", "safe"),
    ("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from os import sep\nx = 1\n",
     "safe"),
    ("class A:\n    import os\n", "unsafe"),
    ("import os\nx = globals()\n", "unsafe"),
    ("import os\nx = eval('1')\n", "unsafe"),
    ("import os\ndef __getattr__(name):\n    return name\n", "unsafe"),
    ("def f():\n    import os\n    return locals()\n", "unsafe"),
    ("import os\nimport sys\nx = sys._getframe().f_globals\n", "unsafe"),
    ("def f():\n    with open('x'):\n        import os\n    return 1\n", "unsafe"),
    ("def f():\n    import os\n", "unsafe"),  # a body that only imports: a side effect
    ("x = 1\n# needed for its side effect\nimport os\n", "unsafe"),
    ("import os  # registers the handlers\nx = 1\n", "unsafe"),
    ("# A file header is not about the import.\n\nimport os\nx = 1\n", "safe"),
    ("#!/usr/bin/env python\n# -*- coding: utf-8 -*-\nimport os\nx = 1\n", "safe"),
    ("import sched\nimport sys\nassert 'sched' in sys.modules\n", "unsafe"),
    ("try:\n    import os\nexcept ImportError:\n    pass\n", "display-only"),
    ("try:\n    import foo\nexcept ZeroDivisionError:\n    pass\n", "display-only"),
])
def test_fix_safety(make_tree: MakeTree, text: str, expected: str) -> None:
    got = one(make_tree, text)
    assert len(got) == 1 and next(iter(got.values())) == expected, got


def test_dynamic_module_findings_have_lower_confidence(make_tree: MakeTree) -> None:
    root = make_tree({"m.py": "import os\nexec('x = 1')\n"})
    (f,) = run(root)
    assert f.confidence == imports.DYNAMIC_CONFIDENCE


def test_package_init_imports_are_api(make_tree: MakeTree) -> None:
    root = make_tree({"pkg/__init__.py": "from .a import A\nimport json\nX = 1\n",
                      "pkg/a.py": "class A: pass\n"})
    assert found(root) == {"__init__.py:A": "unsafe", "__init__.py:json": "unsafe"}


def test_application_makes_public_from_imports_safe(make_tree: MakeTree) -> None:
    root = make_tree({"app.py": "from os import sep\nx = 1\n"})
    assert found(root) == {"app.py:sep": "unsafe"}
    assert found(root, entry=("app",)) == {"app.py:sep": "safe"}


# --- whole project --------------------------------------------------------------------

def test_name_imported_by_another_module_is_used(make_tree: MakeTree) -> None:
    """The ssl case: b imports X from a, so a's unused-looking import of X is API."""
    root = make_tree({"a.py": "from _ssl import X\nimport os\nY = 1\n",
                      "b.py": "from a import X\nprint(X)\n"})
    assert found(root) == {"a.py:os": "safe"}
    run(root, fix=True)
    assert (root / "a.py").read_text() == "from _ssl import X\nY = 1\n"


@pytest.mark.parametrize("user", [
    "import a\nprint(a.os, a.sep)\n",
    "from unittest import mock\nmock.patch('a.os')\nmock.patch('a.sep')\n",
    "from a import *\n",
    "import pkg_resources\nx = ['a.os', 'a:sep']\n",
])
def test_name_reached_from_another_module_is_used(make_tree: MakeTree, user: str) -> None:
    root = make_tree({"a.py": "import os\nfrom json import sep\nY = 1\n", "b.py": user})
    assert {k for k in found(root) if k.startswith("a.py")} == set()


def test_star_import_of_a_module_with_all_exports_only_all(make_tree: MakeTree) -> None:
    root = make_tree({"a.py": "import os\n__all__ = ['Y']\nY = 1\n", "b.py": "from a import *\n"})
    assert found(root) == {"a.py:os": "safe"}


def test_submodule_others_reach_as_an_attribute_is_unsafe(make_tree: MakeTree) -> None:
    root = make_tree({"a.py": "import xml.dom.minidom\nY = 1\n",
                      "b.py": "import xml\nprint(xml.dom.minidom)\n"})
    assert found(root) == {"a.py:xml": "unsafe"}


def test_side_effect_imports_from_config(make_tree: MakeTree) -> None:
    root = make_tree({
        "pyproject.toml": "[tool.hlopt.debloat]\nside-effect-imports = ['plugins', 'reg_*']\n",
        "m.py": "import plugins.auto\nimport reg_models\nimport os\nx = 1\n",
    })
    assert found(root) == {"m.py:os": "safe"}


def test_whitelisted_names_are_not_reported(make_tree: MakeTree) -> None:
    root = make_tree({"m.py": "import os\nimport json\nx = 1\n", "names.txt": "json\n"})
    assert found(root, whitelist=(root / "names.txt",)) == {"m.py:os": "safe"}


def test_side_effect_patterns() -> None:
    side = imports.SideEffects(["readline", "*_rc", "pkg.sub"])
    assert "readline" in side and "readline.x" in side and "app.icons_rc" in side
    assert "pkg.sub.deeper" in side and "pkg" not in side and "readlines" not in side


def test_duplicates(make_tree: MakeTree) -> None:
    text = "import os\nimport os\nprint(os)\n"
    assert one(make_tree, text) == {"os": "safe"}
    rebound = "import os\nos = 1\nimport os\nprint(os)\n"
    assert one(make_tree, rebound) == {"os": "unsafe"}
    other_block = "import os\nif os:\n    import os\nprint(os)\n"
    assert one(make_tree, other_block) == {}
    code_between = "import os\nprint(os)\nimport os\nprint(os)\n"  # print may unload it
    assert one(make_tree, code_between) == {"os": "unsafe"}


def test_wording_and_data(make_tree: MakeTree) -> None:
    root = make_tree({"m.py": "import numpy as np\nfrom os import path as p\n__all__ = []\n"})
    fs = {f.data["name"]: f for f in run(root) if f.data is not None}
    assert fs["np"].message == "`numpy` (as `np`) imported but unused"
    assert fs["np"].fix is not None and fs["np"].fix.title == "Remove unused import `numpy`"
    assert fs["p"].message == "`os.path` (as `p`) imported but unused"
    assert (fs["p"].line, fs["p"].col, fs["p"].end_col) == (2, 16, 25)
    assert fs["p"].data is not None and fs["p"].data["module"] == "os"
    assert fs["p"].data["import"] == "path"
    assert fs["np"].data is not None and fs["np"].data["import"] is None


def test_probe_advice(make_tree: MakeTree) -> None:
    (f,) = run(make_tree({"m.py": "try:\n    import zlib\nexcept ImportError:\n    pass\n"}))
    assert f.message.endswith("consider `importlib.util.find_spec` to test for availability")
    assert f.fix is not None and f.fix.applicability is Applicability.DISPLAY_ONLY


# --- the codemod ----------------------------------------------------------------------

def _strip(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


CODEMOD_CASES = [
    ("import os, sys\nx = sys\n", [("", "import os", 0)], "import sys\nx = sys\n"),
    ("import os, sys\nx = os\n", [("", "import sys", 0)], "import os\nx = os\n"),
    ("import os; import sys\n", [("", "import sys", 0)], "import os\n"),
    ("import os; import sys  # c\n", [("", "import os", 0)], "import sys  # c\n"),
    ("x = 1\n# about os\nimport os\ny = 2\n", [("", "import os", 0)], "x = 1\n# about os\ny = 2\n"),
    ("import os  # gone with it\nx = 1\n", [("", "import os", 0)], "x = 1\n"),
    ("if x:\n    import os\nelse:\n    pass\n", [("", "import os", 0)],
     "if x:\n    pass\nelse:\n    pass\n"),
    ("if x:\n    # about os\n    import os\n", [("", "import os", 0)],
     "if x:\n    # about os\n    pass\n"),
    ("try: import os\nexcept ImportError: pass\n", [("", "import os", 0)],
     "try: pass\nexcept ImportError: pass\n"),
    ("if x: import os; y()\n", [("", "import os", 0)], "if x: y()\n"),
    ("def f():\n    y = 1\n    # about os\n    import os\n", [("f", "import os", 0)],
     "def f():\n    y = 1\n    # about os\n"),
    ("class C:\n    def m(self):\n        import os\n        return 1\n",
     [("C.m", "import os", 0)], "class C:\n    def m(self):\n        return 1\n"),
    ('"""doc"""\n\nimport _imp\nimport os\n', [("", "import _imp", 0)], '"""doc"""\n\nimport os\n'),
    ("import os\n\nimport sys\n", [("", "import os", 0)], "import sys\n"),
    ("import os\nimport sys\n", [("", "import os", 0), ("", "import sys", 0)], ""),
    ("from x import (\n    a,  # ca\n    # about b\n    b,  # cb\n    c\n)\n",
     [("", "from x import a", 0)], "from x import (\n    # about b\n    b,  # cb\n    c\n)\n"),
    ("from x import (\n    a,  # ca\n    # about b\n    b,  # cb\n    c\n)\n",
     [("", "from x import b", 0)], "from x import (\n    a,  # ca\n    # about b\n    c\n)\n"),
    ("from x import (\n    a,\n    b,\n)\n", [("", "from x import b", 0)],
     "from x import (\n    a,\n)\n"),
    ("from x import (\n    a,\n    b\n)\n", [("", "from x import b", 0)],
     "from x import (\n    a\n)\n"),
    ("from x import (a, b,\n   c)\n", [("", "from x import c", 0)], "from x import (a, b)\n"),
    ("from . import (a as b, c)\n", [("", "from . import a as b", 0)], "from . import (c)\n"),
    ("from .m import a, b\n", [("", "from .m import b", 0)], "from .m import a\n"),
    ("import a.b.c as d, e\n", [("", "import a.b.c as d", 0)], "import e\n"),
    ("from x import a, \\\n    b\n", [("", "from x import a", 0)], "from x import b\n"),
    ("import os\nimport os\n", [("", "import os", 1)], "import os\n"),
]


@pytest.mark.parametrize(("before", "targets", "after"), CODEMOD_CASES)
def test_codemod(before: str, targets: list[tuple[str, str, int]], after: str) -> None:
    got = remove_imports(before, set(targets))
    assert got == after
    ast.parse(got)


@pytest.mark.parametrize(("before", "targets", "after"), CODEMOD_CASES[:8])
def test_codemod_keeps_crlf(before: str, targets: list[tuple[str, str, int]],
                            after: str) -> None:
    got = remove_imports(before.replace("\n", "\r\n"), set(targets))
    assert got == after.replace("\n", "\r\n")


def test_codemod_leaves_other_scopes_alone() -> None:
    text = "import os\ndef f():\n    import os\n    return 1\nprint(os)\n"
    after = "import os\ndef f():\n    return 1\nprint(os)\n"
    assert remove_imports(text, {("f", "import os", 0)}) == after


# --- fix(), remaining() and the whole pipeline --------------------------------------

def _findings(make_tree: MakeTree, text: str) -> tuple[Path, list[Finding]]:
    root = make_tree({"m.py": text})
    return root / "m.py", run(root)


def test_fix_is_idempotent_and_remaining_checks(make_tree: MakeTree) -> None:
    text = "import os\ndef f():\n    import os\n    return 1\nimport sys\nprint(sys)\n"
    path, fs = _findings(make_tree, text)
    assert len(fs) == 2
    once = imports.fix(text, path, fs)
    assert once == "def f():\n    return 1\nimport sys\nprint(sys)\n"
    assert imports.fix(once, path, fs) == once
    assert imports.remaining(once, ast.parse(once), fs) == []
    left = imports.remaining(text, ast.parse(text), fs)
    assert left == ["`import os` is still there", "`import os` in `f` is still there"]


def test_fix_after_lines_moved_does_not_remove_a_kept_twin(make_tree: MakeTree) -> None:
    """Found by (scope, statement, rank), not by line: a moved twin is never taken."""
    text = "def f():\n    import os\n    return 1\nimport os\nprint(os)\n"
    path, fs = _findings(make_tree, text)
    once = imports.fix(text, path, fs)
    assert once == "def f():\n    return 1\nimport os\nprint(os)\n"
    assert imports.fix(once, path, fs) == once


def test_fix_end_to_end_crlf_and_encoding(make_tree: MakeTree) -> None:
    root = make_tree({})
    path = root / "m.py"
    source = "# -*- coding: latin-1 -*-\r\nimport os\r\nx = 'caf\xe9'\r\n"
    path.write_bytes(source.encode("latin-1"))
    run(root, fix=True)
    assert path.read_bytes() == "# -*- coding: latin-1 -*-\r\nx = 'caf\xe9'\r\n".encode("latin-1")


def test_unsafe_fixes_need_the_flag(make_tree: MakeTree) -> None:
    root = make_tree({"m.py": "from os import sep\nx = 1\n"})
    run(root, fix=True)
    assert (root / "m.py").read_text() == "from os import sep\nx = 1\n"
    run(root, fix=True, unsafe_fixes=True)
    assert (root / "m.py").read_text() == "x = 1\n"


def test_type_string_names() -> None:
    assert type_string_names("list[Foo] | None") == {"list", "Foo"}
    assert type_string_names("a.B") == {"a"}
    assert type_string_names("not valid [") == {"not", "valid"}


def test_cli_reports_and_fixes(invoke: Callable[..., Any], make_tree: MakeTree) -> None:
    root = make_tree({"m.py": "import os\nx = 1\n"})
    result = invoke(["debloat", str(root), "--select", "HLI"], exit_code=1)
    assert "HLI001 `os` imported but unused" in result.stdout
    assert "Remove unused import `os`" in result.stdout
    invoke(["debloat", str(root), "--select", "HLI", "--fix"], exit_code=0)
    assert (root / "m.py").read_text() == "x = 1\n"
