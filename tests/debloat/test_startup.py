"""HLS: start-up imports measured with -X importtime; the fix moves a heavy import."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
import textwrap

from hlopt import debloat
from hlopt.debloat.startup_fix import move_imports
from hlopt.debloat.startup_measure import failure, parse
from hlopt.debloat.startup_usage import analyse

HEAVY = """
    \"\"\"Slow to import: computes a table for about 60 ms.\"\"\"
    import time

    _start = time.perf_counter()
    TABLE = []
    while time.perf_counter() - _start < 0.06:
        TABLE.append(len(TABLE))


    def score(x):
        return 2 * x + 0 * len(TABLE)
"""
MAIN = """
    \"\"\"The entry module.\"\"\"
    from app import heavy


    def run(x):
        return heavy.score(x)


    def version():
        return "1.0"
"""
CONFIG = "[tool.hlopt.debloat]\nstartup-runs = 3\n"


def _metric(report: debloat.Options, name: str):  # noqa: ANN202
    return next(m for m in report.metrics if m.name == name)


def test_fix_lowers_measured_import_time_and_package_still_works(make_tree) -> None:
    root = make_tree({"app/__init__.py": "", "app/heavy.py": HEAVY, "app/main.py": MAIN,
                      "pyproject.toml": CONFIG})
    opts = debloat.Options(paths=(root,), select=("HLS",), entry=("app.main",), jobs=1)
    report = debloat.run(opts)
    (f,) = report.findings
    assert f.code == "HLS001" and f.line == 2
    assert "app.main -> app.heavy" in f.data["chain"] and f.data["functions"] == ["run"]

    fixed = debloat.run(debloat.Options(paths=(root,), select=("HLS",), entry=("app.main",),
                                        jobs=1, fix=True, unsafe_fixes=True))
    metric = _metric(fixed, "startup import time")
    assert metric.before is not None and metric.after is not None
    assert metric.after < metric.before - 30, metric  # the 60 ms module is no longer loaded
    assert fixed.findings == []
    text = (root / "app" / "main.py").read_text()
    assert "    from app import heavy\n    return heavy.score(x)" in text
    done = subprocess.run([sys.executable, "-c", "import app.main as m; print(m.run(21), "
                           "m.version())"], cwd=root, capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["42", "1.0"]


def test_entry_that_fails_to_import_is_reported_and_the_rest_goes_on(make_tree) -> None:
    root = make_tree({
        "app/__init__.py": "import os\nfrom app.conf import VALUE\n",
        "app/conf.py": "VALUE = {}['missing']\n",
        "pyproject.toml": CONFIG,
    })
    report = debloat.run(debloat.Options(paths=(root,), entry=("app",), jobs=1,
                                         select=("HLS", "HLI")))
    failed = [f for f in report.findings if f.code == "HLS003"]
    assert len(failed) == 1
    f = failed[0]
    assert "entry module `app` fails to import: KeyError: 'missing'" in f.message
    assert f.path is not None and f.path.name == "conf.py" and f.line == 1
    assert any(f.code == "HLI001" for f in report.findings)  # the other families ran


def test_missing_entry_module_names_the_error(make_tree) -> None:
    root = make_tree({"app/__init__.py": "", "pyproject.toml": CONFIG})
    report = debloat.run(debloat.Options(paths=(root,), select=("HLS",),
                                         entry=("no_such_module_xyz",), jobs=1))
    (f,) = report.findings
    assert f.code == "HLS003"
    assert "ModuleNotFoundError: No module named 'no_such_module_xyz'" in f.message


def test_no_measurement_without_entry_or_explicit_selection(make_tree) -> None:
    root = make_tree({"app/__init__.py": "", "app/heavy.py": HEAVY, "app/main.py": MAIN})
    for opts in ({"select": ("HLS",)}, {"entry": ("app.main",)},
                 {"entry": ("app.main",), "select": ("HL",)}):
        report = debloat.run(debloat.Options(paths=(root,), jobs=1, **opts))
        assert not [f for f in report.findings if f.code.startswith("HLS")], opts
        assert not [m for m in report.metrics if m.name.startswith("startup")], opts


def test_cli_json_has_the_metric_and_chain(make_tree, invoke) -> None:
    root = make_tree({"app/__init__.py": "", "app/heavy.py": HEAVY, "app/main.py": MAIN,
                      "pyproject.toml": CONFIG})
    out = invoke(["debloat", str(root), "--select", "HLS", "--entry", "app.main",
                  "--format", "json"], exit_code=1).stdout
    doc = json.loads(out)
    assert [f["code"] for f in doc["findings"]] == ["HLS001"]
    assert doc["findings"][0]["fix"]["applicability"] == "unsafe"
    assert any(m["name"] == "startup import time" and m["before"] > 50 for m in doc["metrics"])


IMPORTTIME = """\
import time: self [us] | cumulative | imported package
import time:       200 |        200 | encodings
@@hlopt-startup@@
import time:       300 |        300 |       _ssl
import time:      1000 |       1300 |     ssl
import time:       500 |       1800 |   asyncio
import time:       100 |       1900 | app.net
import time:        50 |         50 | app
"""


def test_parse_builds_the_tree_after_the_marker() -> None:
    roots = parse(IMPORTTIME)
    assert [r.name for r in roots] == ["app.net", "app"]
    net = roots[0]
    assert [c.name for c in net.children] == ["asyncio"]
    assert net.children[0].children[0].name == "ssl"
    assert net.children[0].children[0].children[0].cum_ms == 0.3


def test_failure_takes_the_last_line_and_deepest_file() -> None:
    stderr = ("@@hlopt-startup@@\nTraceback (most recent call last):\n"
              '  File "<string>", line 1, in <module>\n'
              '  File "/p/app/__init__.py", line 2, in <module>\n'
              '  File "/p/app/conf.py", line 7, in <module>\nValueError: bad\n')
    f = failure(stderr, "app")
    assert (f.message, f.file, f.line) == ("ValueError: bad", "/p/app/conf.py", 7)


def _usage(src: str):  # noqa: ANN202
    text = textwrap.dedent(src)
    return analyse(ast.parse(text), text, "m", False)


def test_usage_sees_import_time_reads() -> None:
    facts = _usage("""
        import a, b, c, d, e, f
        from g import h

        @a.deco
        def one(x=b.DEFAULT) -> c.T:
            return f.x

        class K(d.Base):
            def meth(self, e):
                return h()
    """)
    assert facts.module_level == {"a", "b", "c", "d"}
    assert facts.functions == {"f": {"one"}, "h": {"K.meth"}}
    assert "e" in facts.rebound  # a parameter of that name


def test_lazy_annotations_are_not_import_time_reads() -> None:
    facts = _usage("""
        from __future__ import annotations
        import c

        def one() -> c.T:
            return 1
    """)
    assert "c" not in facts.module_level


def test_move_keeps_docstrings_and_expands_one_liners() -> None:
    src = ('"""Doc."""\nimport heavy  # slow\n\n\ndef f():\n    """F."""\n    return heavy.x\n'
           "\n\nclass K:\n    def g(self): return heavy.y\n")
    out = move_imports(src, [(2, "import heavy", ["f", "K.g"], False)])
    assert out == ('"""Doc."""\n\n\ndef f():\n    """F."""\n    import heavy\n'
                   "    return heavy.x\n\n\nclass K:\n    def g(self):\n        import heavy\n"
                   "        return heavy.y\n")
    assert move_imports(out, [(2, "import heavy", ["f", "K.g"], False)]) == out


def test_lazy_variant_keeps_the_statement_in_place() -> None:
    out = move_imports("import heavy\n\ndef f():\n    return heavy\n",
                       [(1, "import heavy", ["f"], True)])
    assert out.startswith("lazy import heavy\n")
