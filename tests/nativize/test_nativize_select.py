"""Selecting targets: path.py:func, Class.method, packages, profile reports, and bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hlopt.core.errors import InputError, UsageError
from hlopt.nativize.select import from_profile, module_of, profiled_command, resolve

APP = {
    "pyproject.toml": "[project]\nname = 'app'\n",
    "src/app/__init__.py": "",
    "src/app/stats/__init__.py": "",
    "src/app/stats/core.py": """
        def mean(xs):
            return sum(xs) / len(xs)


        class Model:
            def predict(self, x):
                return x * 2

            class Inner:
                @staticmethod
                def scale(x):
                    return x * 3


        def mean(xs):  # redefined: the last one wins
            total = 0.0
            for x in xs:
                total += x
            return total / len(xs)
    """,
    "script.py": "def main():\n    return 1\n",
    "broken.py": "def ok():\n    return 1\n\ndef bad(:\n    pass\n",
}


def test_a_function_in_a_package_gets_its_module_and_import_root(make_tree) -> None:
    root = make_tree(APP)
    t = resolve("src/app/stats/core.py:mean", root)
    assert t.module == "app.stats.core" and t.root == root / "src"
    assert t.path == root / "src/app/stats/core.py" and t.qualname == "mean"
    assert t.line == 15  # the last definition
    assert t.name == "mean"


def test_methods_and_nested_classes_resolve(make_tree) -> None:
    root = make_tree(APP)
    assert resolve("src/app/stats/core.py:Model.predict", root).line == 6
    inner = resolve("src/app/stats/core.py:Model.Inner.scale", root)
    assert inner.name == "scale" and inner.line == 11


def test_a_script_outside_packages_is_its_own_top_level_module(make_tree) -> None:
    root = make_tree(APP)
    t = resolve("script.py:main", root)
    assert (t.module, t.root) == ("script", root)
    assert module_of(root / "src/app/stats/__init__.py") == ("app.stats", root / "src")


def test_a_function_that_does_not_exist_lists_the_ones_that_do(make_tree) -> None:
    root = make_tree(APP)
    with pytest.raises(UsageError) as err:
        resolve("src/app/stats/core.py:median", root)
    assert "src/app/stats/core.py has no function `median`" in err.value.message
    assert err.value.hint and "mean, Model.predict, Model.Inner.scale" in err.value.hint


def test_a_syntax_error_names_the_file_and_line(make_tree) -> None:
    root = make_tree(APP)
    with pytest.raises(InputError) as err:
        resolve("broken.py:ok", root)
    assert err.value.message.startswith("broken.py:4:")
    assert "syntax error" in err.value.message


@pytest.mark.parametrize("spec, kind, text", [
    ("core.py", UsageError, "not a function named path.py:func"),
    ("script.py:1bad", UsageError, "not a function named"),
    ("missing.py:f", InputError, "missing.py: no such file"),
    ("pyproject.toml:f", UsageError, "not a Python file"),
])
def test_bad_specs_are_clear(make_tree, spec: str, kind: type, text: str) -> None:
    root = make_tree(APP)
    with pytest.raises(kind) as err:
        resolve(spec, root)
    assert text in err.value.message


def _profile(root: Path, findings: list[dict], command: str = "profile") -> Path:
    path = root / "prof.json"
    path.write_text(json.dumps({"schema_version": 1, "command": command,
                                "target": "script.py --n 3", "findings": findings}))
    return path


def _hot(rank: int, target: str | None) -> dict:
    return {"code": "HLH001", "message": "", "severity": "info",
            "data": {"rank": rank, "target": target}}


def test_from_profile_takes_the_hottest_own_functions_in_order(make_tree) -> None:
    root = make_tree(APP)
    report = _profile(root, [_hot(3, "script.py:main"), _hot(1, "src/app/stats/core.py:mean"),
                             _hot(2, None), {"code": "HLH002", "data": {"target": "x.py:y"}}])
    assert [t.qualname for t in from_profile(report, 5, root)] == ["mean", "main"]
    assert [t.qualname for t in from_profile(report, 1, root)] == ["mean"]


def test_from_profile_finds_paths_relative_to_the_report(make_tree, tmp_path: Path) -> None:
    root = make_tree(APP)
    report = _profile(root, [_hot(1, "script.py:main")])
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    assert from_profile(report, 1, elsewhere)[0].path == root / "script.py"


def test_the_profiled_command_is_the_report_target() -> None:
    assert profiled_command({"target": "app.py --n 3"}) == ["app.py", "--n", "3"]
    assert profiled_command({"target": "-m pkg run"}) == ["-m", "pkg", "run"]
    assert profiled_command({"target": "pid 42"}) is None
    assert profiled_command({"target": "a.json -> b.json"}) is None


@pytest.mark.parametrize("content, text", [
    ("not json", "not a JSON report"),
    ("[1, 2]", "not an hlopt report"),
    ('{"command": "debloat", "findings": []}', "an `hlopt debloat` report, not a profile"),
    ('{"command": "profile", "findings": []}', "names no hot function"),
])
def test_a_file_that_is_not_a_profile_report_is_refused(tmp_path: Path, content: str,
                                                       text: str) -> None:
    path = tmp_path / "prof.json"
    path.write_text(content)
    with pytest.raises(InputError) as err:
        from_profile(path, 1, tmp_path)
    assert text in err.value.message
    assert err.value.hint


def test_a_missing_profile_report_and_a_bad_top(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        from_profile(tmp_path / "nope.json", 1, tmp_path)
    with pytest.raises(UsageError, match="--top 0"):
        from_profile(tmp_path / "nope.json", 0, tmp_path)
