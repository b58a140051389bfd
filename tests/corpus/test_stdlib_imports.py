"""``hlopt debloat --select HLI --fix`` on a copy of a sizeable sample of the standard library
breaks nothing.

The sample: the ``email``, ``json``, ``http``, ``xml``, ``asyncio``, ``concurrent``,
``importlib``, ``logging`` and ``unittest`` packages (unittest's own tests included),
``test.support`` with the ``test_json``, ``test_asyncio`` and ``test_email`` suites, and
every top-level module of ``Lib`` but a few that act when imported. After ``--fix``:

- every changed file compiles exactly when it compiled before;
- a second ``--fix`` changes nothing (``--check`` passes, and no file changed);
- apart from the removed import aliases (dropped from the old tree, with ``pass`` where a
  block emptied), every file's AST is unchanged;
- every module that imported before still imports (each imported from the copy, in one
  child process per run: ``python -I -S -B -X frozen_modules=off``, the copy first on
  ``sys.path``);
- no name disappears that a module of the sample imports from another, or that a
  module's ``__all__`` lists;
- a module's public names (its ``__all__``, or its non-underscore names) differ only by
  the unused module imports that were removed (and by submodule attributes, which depend
  on what else was imported);
- ruff's F821 (undefined name) reports nothing new.
"""

from __future__ import annotations

import ast
import json
import os
import shutil
import subprocess
import sys
import sysconfig
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

import pytest

from hlopt import debloat
from hlopt.core.report import Applicability, Finding
from hlopt.debloat.import_usage import alias_key
from hlopt.debloat.scan import module_name_for, scan_imports

pytestmark = pytest.mark.corpus

STDLIB = Path(sysconfig.get_paths()["stdlib"])
PACKAGES = ("email", "json", "http", "xml", "asyncio", "concurrent", "importlib", "logging",
            "unittest", "test/support", "test/test_json", "test/test_asyncio",
            "test/test_email")
#: modules that do something when imported (open a browser, print, need a display)
SKIP_MODULES = {"antigravity", "this", "__hello__", "turtle", "tkinter"}

_IMPORT_CHECK = r"""
import contextlib, importlib, io, json, sys, types, warnings
root, spec_path, out_path = sys.argv[1:4]
sys.path.insert(0, root)
warnings.simplefilter("ignore")
spec = json.load(open(spec_path))
out = {}
for name in spec["modules"]:
    rec = out[name] = {}
    try:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            m = importlib.import_module(name)
    except BaseException as exc:
        rec["error"] = type(exc).__name__
        continue
    rec["copy"] = (getattr(m, "__file__", None) or "").startswith(root)
    names = dir(m)
    all_ = getattr(m, "__all__", None)
    if isinstance(all_, (list, tuple)):
        rec["public"] = sorted(n for n in all_ if isinstance(n, str))
    else:
        rec["public"] = sorted(n for n in names if not n.startswith("_"))
    rec["submodules"] = sorted(
        n for n in names if isinstance(getattr(m, n, None), types.ModuleType)
        and getattr(getattr(m, n), "__name__", "") == f"{name}.{n}")
    rec["missing"] = sorted(n for n in spec["keep"].get(name, ()) if not hasattr(m, n))
json.dump(out, open(out_path, "w"))
"""


@dataclass
class Outcome:
    root: Path
    before: dict[Path, str]
    after: dict[Path, str]
    again: dict[Path, str]
    applied: list[Finding]
    imports_before: dict[str, dict]
    imports_after: dict[str, dict]
    undefined_before: Counter[tuple[str, str]]
    undefined_after: Counter[tuple[str, str]]


#: bench/debloat_stdlib_fix.py sets this to run the same checks on the whole library
WHOLE = os.environ.get("HLOPT_STDLIB_SAMPLE") == "all"


def _copy_sample(dest: Path) -> None:
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    if WHOLE:
        shutil.copytree(STDLIB, dest, dirs_exist_ok=True, symlinks=True, ignore=shutil.ignore_patterns(
            "__pycache__", "*.pyc", "site-packages", "idlelib", "tkinter", "turtledemo",
            "lib-dynload", "config-*", "ensurepip"))
        return
    for pkg in PACKAGES:
        shutil.copytree(STDLIB / pkg, dest / pkg, ignore=ignore)
    (dest / "test" / "__init__.py").write_text((STDLIB / "test" / "__init__.py").read_text())
    for f in sorted(STDLIB.glob("*.py")):
        if f.stem not in SKIP_MODULES:
            shutil.copy2(f, dest / f.name)


def _snapshot(root: Path) -> dict[Path, str]:
    return {p: p.read_text(encoding="utf-8", errors="surrogateescape")
            for p in sorted(root.rglob("*.py"))}


def _module_names(root: Path) -> list[str]:
    names = []
    for p in sorted(root.rglob("*.py")):
        name, _ = module_name_for(p, root)
        if name and not name.endswith("__main__") and name.split(".")[0] not in SKIP_MODULES:
            names.append(name)
    return names


def _names_to_keep(root: Path) -> dict[str, set[str]]:
    """For each module: the names other modules import from it, and its static __all__."""
    keep: dict[str, set[str]] = defaultdict(set)
    for p in sorted(root.rglob("*.py")):
        name, is_pkg = module_name_for(p, root)
        try:
            tree = ast.parse(p.read_bytes())
        except SyntaxError:
            continue
        for imp in scan_imports(tree, name, is_pkg):
            if imp.name and imp.name != "*" and imp.module:
                keep[imp.module].add(imp.name)
        for node in tree.body:
            if (isinstance(node, ast.Assign) and any(
                    isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets)):
                try:
                    keep[name].update(n for n in ast.literal_eval(node.value)
                                      if isinstance(n, str))
                except ValueError:
                    pass
    return keep


def _import_all(root: Path, modules: list[str], keep: dict[str, set[str]],
                work: Path) -> dict[str, dict]:
    """Import ``modules`` from the copy in child processes; on the whole library, in chunks.

    A module that kills its interpreter (the whole library has a few) takes down only its
    chunk; the chunk is then retried one module per process, and that module is recorded
    as ``{"error": "crash"}``, the same way before and after the fix.
    """
    if not WHOLE:
        return _import_chunk(root, modules, keep, work)
    out: dict[str, dict] = {}
    for i in range(0, len(modules), 40):
        chunk = modules[i:i + 40]
        try:
            out.update(_import_chunk(root, chunk, keep, work))
        except subprocess.SubprocessError:
            for name in chunk:
                try:
                    out.update(_import_chunk(root, [name], keep, work))
                except subprocess.SubprocessError:
                    out[name] = {"error": "crash"}
    return out


def _import_chunk(root: Path, modules: list[str], keep: dict[str, set[str]],
                  work: Path) -> dict[str, dict]:
    spec = work / "spec.json"
    out = work / "imports.json"
    spec.write_text(json.dumps({"modules": modules,
                                "keep": {k: sorted(v) for k, v in keep.items()}}))
    subprocess.run([sys.executable, "-I", "-S", "-B", "-X", "frozen_modules=off", "-c",
                    _IMPORT_CHECK, str(root), str(spec), str(out)],
                   check=True, timeout=300, cwd=work, stdin=subprocess.DEVNULL,
                   capture_output=True)
    return json.loads(out.read_text())


def _undefined_names(root: Path) -> Counter[tuple[str, str]]:
    ruff = shutil.which("ruff") or str(Path(sys.executable).parent / "ruff")
    proc = subprocess.run([ruff, "check", "--isolated", "--no-cache", "--select", "F821",
                           "--output-format", "json", "--exit-zero", str(root)],
                          capture_output=True, text=True, timeout=300)
    return Counter((str(Path(d["filename"]).relative_to(root)), d["message"])
                   for d in json.loads(proc.stdout or "[]"))


def _run(root: Path, fix: bool) -> list[Finding]:
    report = debloat.run(debloat.Options(paths=(root,), select=("HLI",), fix=fix))
    return report.findings


@pytest.fixture(scope="module")
def outcome(tmp_path_factory: pytest.TempPathFactory) -> Outcome:
    if shutil.which("ruff") is None and not (Path(sys.executable).parent / "ruff").exists():
        pytest.skip("ruff is not installed (pip install -e '.[dev]')")
    work = tmp_path_factory.mktemp("stdlib-hli")
    root = work / "lib"
    root.mkdir()
    _copy_sample(root)
    modules = _module_names(root)
    keep = _names_to_keep(root)
    before = _snapshot(root)
    imports_before = _import_all(root, modules, keep, work)
    undefined_before = _undefined_names(root)
    applied = [f for f in _run(root, fix=False)
               if f.fix is not None and f.fix.applicability is Applicability.SAFE]
    failures = [f for f in _run(root, fix=True) if f.code == "HLX900"]
    assert not failures, failures
    after = _snapshot(root)
    second = debloat.run(debloat.Options(paths=(root,), select=("HLI",), check=True))
    assert second.exit_code == 0, second.notes
    return Outcome(root, before, after, _snapshot(root), applied, imports_before,
                   _import_all(root, modules, keep, work), undefined_before,
                   _undefined_names(root))


def test_the_sample_is_sizeable_and_fixes_were_made(outcome: Outcome) -> None:
    changed = [p for p in outcome.before if outcome.before[p] != outcome.after[p]]
    print(f"\n{len(outcome.before)} files, {len(outcome.applied)} safe fixes, "
          f"{len(changed)} files changed")
    assert len(outcome.before) >= 300
    assert len(outcome.applied) >= 15 and len(changed) >= 10


def test_changed_files_still_compile(outcome: Outcome) -> None:
    for path, old in outcome.before.items():
        new = outcome.after[path]
        if new != old:
            assert _compiles(new, path) == _compiles(old, path), path


def test_second_fix_changes_nothing(outcome: Outcome) -> None:
    assert outcome.again == outcome.after


def test_ast_unchanged_but_removed_imports(outcome: Outcome) -> None:
    removed: dict[Path, dict[int, list[str]]] = defaultdict(lambda: defaultdict(list))
    for f in outcome.applied:
        assert f.path is not None and f.data is not None
        removed[f.path.resolve()][f.data["stmt_line"]].append(f.data["key"])
    for path, old in outcome.before.items():
        new = outcome.after[path]
        if new == old:
            continue
        expected = _StripRemoved(removed[path.resolve()]).visit(ast.parse(old))
        assert ast.dump(expected) == ast.dump(ast.parse(new)), path


def test_modules_that_imported_still_import(outcome: Outcome) -> None:
    broken = [name for name, rec in outcome.imports_before.items()
              if "error" not in rec and "error" in outcome.imports_after[name]]
    assert not broken, {n: outcome.imports_after[n] for n in broken}
    tested = [n for n, rec in outcome.imports_before.items() if rec.get("copy")]
    assert len(tested) >= 250


def test_no_imported_or_exported_name_disappears(outcome: Outcome) -> None:
    for name, rec in outcome.imports_before.items():
        if "error" in rec:
            continue
        lost = set(outcome.imports_after[name]["missing"]) - set(rec["missing"])
        assert not lost, (name, lost)


def test_public_names_differ_only_by_removed_module_imports(outcome: Outcome) -> None:
    removed_modules: dict[str, set[str]] = defaultdict(set)
    for f in outcome.applied:
        assert f.path is not None and f.data is not None
        if f.data["import"] is None and f.data["scope"] == "":
            removed_modules[module_name_for(f.path, outcome.root)[0]].add(f.data["name"])
    dropped = 0
    for name, rec in outcome.imports_before.items():
        after = outcome.imports_after[name]
        if "error" in rec or not rec.get("copy"):
            continue
        submodules = set(rec["submodules"]) | set(after["submodules"])
        gone = set(rec["public"]) - set(after["public"]) - submodules
        new = set(after["public"]) - set(rec["public"]) - submodules
        assert gone <= removed_modules[name] and not new, (name, gone, new)
        dropped += len(gone)
    print(f"\npublic names dropped (unused module imports): {dropped}")


def test_no_new_undefined_names(outcome: Outcome) -> None:
    new = outcome.undefined_after - outcome.undefined_before
    assert not new, new


def _compiles(text: str, path: Path) -> bool:
    try:
        compile(text, str(path), "exec", dont_inherit=True)
    except (SyntaxError, ValueError):
        return False
    return True


class _StripRemoved(ast.NodeTransformer):
    """The old tree without the aliases the fix removed; emptied blocks get ``pass``."""

    def __init__(self, removed: dict[int, list[str]]) -> None:
        self.removed = removed

    def _imports(self, node: ast.Import | ast.ImportFrom) -> ast.AST | None:
        pending = list(self.removed.get(node.lineno, ()))
        keep = []
        for alias in node.names:
            key = alias_key(node, alias)
            if key in pending:
                pending.remove(key)
            else:
                keep.append(alias)
        node.names = keep
        return node if keep else None

    visit_Import = visit_ImportFrom = _imports  # type: ignore[assignment]

    def generic_visit(self, node: ast.AST) -> ast.AST:
        full = [f for f in ("body", "orelse", "finalbody")
                if isinstance(getattr(node, f, None), list) and getattr(node, f)]
        super().generic_visit(node)
        if not isinstance(node, ast.Module):
            for f in full:
                if not getattr(node, f):
                    setattr(node, f, [ast.Pass()])
        return node
