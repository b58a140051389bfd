"""`hlopt debloat --fix` on real pure-Python projects: are their test suites as green after?

Each project's source distribution (which holds its tests) is fetched with pip into
bench/.cache/ (never committed), unpacked into a fresh directory, and then:

1. its test suite runs (pytest) and the public names of every module are recorded;
2. `hlopt debloat --fix` (safe fixes only) runs over the whole project, tests included;
3. the test suite runs again and the public names are recorded again.

The script prints, per project, the test results before and after, the fixes applied, and
every public name that disappeared (split into module objects, i.e. removed unused
`import x` lines, and anything else, which must be none).

    .venv/bin/python bench/debloat_projects.py [--project toolz==1.2.0 ...]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

CACHE = Path(__file__).resolve().parent / ".cache" / "sdists"
BIN = Path(sys.executable).parent
DEFAULT = ["toolz==1.2.0", "boltons==26.2.0", "more-itertools==11.2.1"]

NAMES_SCRIPT = r"""
import importlib, json, pkgutil, sys, types
out = {}
for pkg in sys.argv[1:]:
    root = importlib.import_module(pkg)
    mods = [pkg] + [m.name for m in pkgutil.walk_packages(root.__path__, pkg + ".")
                    if ".tests" not in m.name and ".test_" not in m.name]
    for name in mods:
        try:
            mod = importlib.import_module(name)
        except Exception as exc:
            out[name] = {"error": f"{type(exc).__name__}: {exc}"}
            continue
        public = getattr(mod, "__all__", None)
        if not isinstance(public, (list, tuple)):
            public = [n for n in dir(mod) if not n.startswith("_")]
        names = {n: isinstance(getattr(mod, n, None), types.ModuleType)
                 for n in public if isinstance(n, str)}
        out[name] = {"names": names}
print(json.dumps(out))
"""


def fetch(spec: str) -> Path:
    CACHE.mkdir(parents=True, exist_ok=True)
    name = re.split(r"[=<>!~]", spec)[0].replace("-", "_").lower()
    found = [p for p in CACHE.glob("*.tar.gz") if p.name.lower().startswith(name + "-")]
    if not found:
        subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
                        "--no-binary", ":all:", "-d", str(CACHE), spec], check=True)
        found = [p for p in CACHE.glob("*.tar.gz") if p.name.lower().startswith(name + "-")]
    return sorted(found)[-1]


def unpack(sdist: Path, into: Path) -> Path:
    with tarfile.open(sdist) as tar:
        tar.extractall(into, filter="data")
    return next(p for p in into.iterdir() if p.is_dir())


def packages(project: Path) -> list[str]:
    return sorted(p.parent.name for p in project.glob("*/__init__.py")
                  if p.parent.name not in ("tests", "test", "docs"))


def run_tests(project: Path) -> tuple[str, int]:
    out = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
                         cwd=project, capture_output=True, text=True, timeout=1800,
                         env={**os.environ, "PYTHONPATH": str(project)})
    lines = [ln for ln in out.stdout.splitlines() if re.search(r"\d+ (passed|failed)", ln)]
    summary = lines[-1].strip("= ") if lines else out.stdout[-300:]
    return re.sub(r" in [0-9.]+s.*$", "", summary), out.returncode  # drop the timing


def public_names(project: Path) -> dict[str, dict]:
    """Per module: its public names (``__all__`` when it has one) and which are modules."""
    out = subprocess.run([sys.executable, "-c", NAMES_SCRIPT, *packages(project)],
                         cwd=project, capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONPATH": str(project)})
    return json.loads(out.stdout)


def debloat_fix(project: Path) -> dict:
    out = subprocess.run([str(BIN / "hlopt"), "debloat", str(project), "--fix", "-f", "json"],
                         capture_output=True, text=True)
    if out.returncode not in (0, 1):
        raise SystemExit(f"hlopt failed on {project} ({out.returncode}): {out.stderr}")
    return json.loads(out.stdout)


def lost_names(before: dict[str, dict], after: dict[str, dict]) -> tuple[list[str], list[str]]:
    modules, others = [], []
    for mod, info in before.items():
        if "names" not in info:
            continue
        after_names = after.get(mod, {}).get("names")
        if after_names is None:
            others.append(f"{mod} (no longer imports: {after.get(mod)})")
            continue
        for name, is_module in info["names"].items():
            if name not in after_names:
                (modules if is_module else others).append(f"{mod}.{name}")
    return modules, others


def check_project(spec: str, workdir: Path) -> bool:
    project = unpack(fetch(spec), workdir / spec.split("=")[0])
    tests_before, rc_before = run_tests(project)
    names_before = public_names(project)
    report = debloat_fix(project)
    tests_after, rc_after = run_tests(project)
    names_after = public_names(project)
    lost_modules, lost_other = lost_names(names_before, names_after)
    print(f"\n== {spec} ({len(names_before)} modules)")
    print(f"tests before: {tests_before} (exit {rc_before})")
    print(f"tests after:  {tests_after} (exit {rc_after})")
    for note in report["notes"]:
        print(f"hlopt: {note}")
    remaining = len(report["findings"])
    print(f"findings left after --fix: {remaining}")
    print(f"public names lost: {len(lost_other)} (module objects from removed unused "
          f"imports: {len(lost_modules)}{': ' + ', '.join(lost_modules) if lost_modules else ''})")
    for name in lost_other:
        print(f"  LOST {name}")
    ok = rc_before == rc_after and tests_before == tests_after and not lost_other
    print("verdict: " + ("as green as before, no public name lost" if ok else "REGRESSION"))
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--project", action="append", help="pip requirement (repeatable)")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="hlopt-projects-"))
    try:
        results = [check_project(spec, workdir) for spec in args.project or DEFAULT]
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print(f"\n{sum(results)}/{len(results)} projects as green after --fix as before")
    sys.exit(0 if all(results) else 1)


if __name__ == "__main__":
    main()
