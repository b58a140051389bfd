"""hlopt compress beside its peers, measured in one run.

1. Minify the standard library (tests excluded) with hlopt's safe default and with
   python-minifier's default and aggressive presets: total bytes after/before, wall time
   (both tools use every core), and whether every output module still imports and
   exposes the same public names as the original.
2. Fetch real pure-Python projects with pip (into bench/.cache/, never committed),
   minify each package with each tool, and run the project's own test suite against it.
3. Skeleton tokens as a fraction of the plain source, beside repomix ``--compress``
   (run with npx when node is there), and how many output files are valid Python.

    .venv/bin/python bench/compress_peers.py [--quick] [--skip-projects] [--skip-skeleton]
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tarfile
import time
from multiprocessing import Pool
from pathlib import Path

HERE = Path(__file__).resolve().parent
CACHE = HERE / ".cache" / "compress"
BIN = Path(sys.executable).parent
PY = sys.executable
#: python-minifier's settings beyond its defaults that its docs call the aggressive ones
AGGRESSIVE = dict(remove_literal_statements=True, rename_globals=True, remove_asserts=True,
                  remove_debug=True)
#: (pip name, package path in the sdist, tests path in the sdist)
PROJECTS = {"cachetools": ("src/cachetools", "tests"), "boltons": ("boltons", "tests")}
SKIP_DIRS = {"test", "tests", "idle_test", "site-packages", "__pycache__"}
#: modules whose import opens windows, prints, or needs a display
NO_IMPORT = re.compile(r"^(this|antigravity|idlelib|tkinter|turtle|turtledemo|__phello__|"
                       r"__main__|lib2to3\.pgen2\.conv|pydoc_data)(\.|$)")
REPOMIX = "repomix@1.18.1"


# -- helpers ----------------------------------------------------------------------------
def stage_stdlib(quick: bool) -> Path:
    """Copy the stdlib's .py files (no tests) to the cache; every 8th file with --quick."""
    src = Path(sysconfig.get_paths()["stdlib"])
    dest = CACHE / ("stdlib-quick" if quick else "stdlib")
    if dest.exists():
        return dest
    files = sorted(p for p in src.rglob("*.py")
                   if not SKIP_DIRS & set(p.relative_to(src).parts[:-1]))
    if quick:
        keep = set(files[::8])
        files = [p for p in files if p in keep or p.name == "__init__.py"]
    for p in files:
        target = dest / p.relative_to(src)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(p, target)
    return dest


def py_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*.py") if "__pycache__" not in p.parts)


def total_bytes(root: Path) -> int:
    return sum(p.stat().st_size for p in py_files(root))


def run_hlopt(args: list[str]) -> tuple[float, dict]:
    start = time.perf_counter()
    out = subprocess.run([str(BIN / "hlopt"), "compress", *args, "--format", "json"],
                         capture_output=True, text=True)
    secs = time.perf_counter() - start
    try:
        doc = json.loads(out.stdout)
    except json.JSONDecodeError:
        raise SystemExit(f"hlopt failed ({out.returncode}): {out.stderr[-3000:]}") from None
    for f in doc["findings"]:
        if f["code"] == "HLX900":  # a file hlopt refused to minify (copied unchanged)
            print(f"  hlopt: {f['path']}: {f['message'][:300]}")
    return secs, doc


def _pm_one(job: tuple[str, str, bool]) -> tuple[str, bool]:
    import python_minifier

    src, dest, aggressive = job
    text = Path(src).read_text(encoding="utf-8", errors="surrogateescape")
    try:
        out = python_minifier.minify(text, filename=src, **(AGGRESSIVE if aggressive else {}))
        ok = True
    except Exception:
        out, ok = text, False
    Path(dest).parent.mkdir(parents=True, exist_ok=True)
    Path(dest).write_text(out, encoding="utf-8", errors="surrogateescape")
    return src, ok


def run_pm(src: Path, dest: Path, aggressive: bool) -> tuple[float, int]:
    """python-minifier on every file (a process per core); (seconds, files it failed on)."""
    shutil.rmtree(dest, ignore_errors=True)
    jobs = [(str(p), str(dest / p.relative_to(src)), aggressive) for p in py_files(src)]
    start = time.perf_counter()
    with Pool(os.cpu_count() or 1) as pool:
        done = pool.map(_pm_one, jobs, chunksize=4)
    for other in src.rglob("*"):
        if other.is_file() and other.suffix != ".py" and "__pycache__" not in other.parts:
            (dest / other.relative_to(src)).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(other, dest / other.relative_to(src))
    return time.perf_counter() - start, sum(1 for _, ok in done if not ok)


IMPORT_CHILD = r"""
import json, sys, os
root = sys.argv[1]
sys.path.insert(0, root)
out = {}
for name in json.loads(sys.stdin.read()):
    try:
        mod = __import__(name, fromlist=["_"])
        where = os.path.abspath(getattr(mod, "__file__", "") or "")
        names = sorted(mod.__all__) if isinstance(getattr(mod, "__all__", None),
                                                  (list, tuple)) else sorted(
            n for n in vars(mod) if not n.startswith("_"))
        out[name] = {"names": [str(n) for n in names],
                     "here": where.startswith(os.path.abspath(root))}
    except BaseException as exc:
        out[name] = {"error": type(exc).__name__}
sys.stdout.write("\n" + json.dumps(out) + "\n")
"""


def module_names(root: Path) -> list[str]:
    names = []
    for p in py_files(root):
        parts = list(p.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        name = ".".join(parts)
        if name and not NO_IMPORT.match(name):
            names.append(name)
    return names


def import_all(root: Path, names: list[str]) -> dict:
    out = subprocess.run([PY, "-I", "-S", "-c", IMPORT_CHILD, str(root)], input=json.dumps(names),
                         capture_output=True, text=True, timeout=1200, cwd=root)
    lines = out.stdout.strip().splitlines()
    return json.loads(lines[-1]) if lines else {}


def compare_imports(original: dict, minified: dict) -> tuple[int, int, list[str]]:
    """(modules that import with the same public names, modules compared, failures)."""
    same, compared, bad = 0, 0, []
    for name, want in original.items():
        got = minified.get(name, {"error": "missing"})
        if "error" in want or not want.get("here") or not got.get("here", True):
            continue  # fails in the original too, or preloaded by the interpreter
        compared += 1
        if "error" not in got and got["names"] == want["names"]:
            same += 1
        else:
            bad.append(f"{name} ({got.get('error', 'public names differ')})")
    return same, compared, bad


# -- part 1: the standard library -----------------------------------------------------------
def bench_stdlib(quick: bool) -> None:
    src = stage_stdlib(quick)
    before = total_bytes(src)
    names = module_names(src)
    print(f"== minify: the standard library ({len(py_files(src))} files, {before:,} bytes,"
          f" {os.cpu_count()} cores) ==")
    original = import_all(src, names)
    rows = []
    out = CACHE / "out" / src.name
    secs, doc = run_hlopt([str(src), "-o", str(out / "hlopt")])
    bad_files = sum(1 for f in doc["findings"] if f["code"].startswith("HLX"))
    rows.append(("hlopt (safe default)", out / "hlopt", secs, bad_files))
    for label, aggressive in (("python-minifier default", False),
                              ("python-minifier aggressive", True)):
        secs, failed = run_pm(src, out / label.split()[-1], aggressive)
        rows.append((label, out / label.split()[-1], secs, failed))
    print(f"{'tool':28} {'bytes after':>12} {'ratio':>6} {'time s':>7} {'failed':>6}"
          f" {'imports with same public names':>32}")
    for label, path, secs, failed in rows:
        after = total_bytes(path)
        same, compared, bad = compare_imports(original, import_all(path, names))
        print(f"{label:28} {after:12,} {after / before:6.3f} {secs:7.1f} {failed:6}"
              f" {same:>14} of {compared:<4} modules")
        for b in bad[:6]:
            print(f"{'':36}- {b}")
        if len(bad) > 6:
            print(f"{'':36}- ... and {len(bad) - 6} more")


# -- part 2: real projects and their own tests ------------------------------------------
def fetch(name: str) -> Path:
    sdists = CACHE / "sdists"
    found = sorted(sdists.glob(f"{name.replace('-', '_')}-*.tar.gz"))
    if not found:
        subprocess.run([PY, "-m", "pip", "download", "--quiet", "--no-deps", "--no-binary",
                        ":all:", "-d", str(sdists), name], check=True)
        found = sorted(sdists.glob(f"{name.replace('-', '_')}-*.tar.gz"))
    archive = found[-1]
    dest = CACHE / "src"
    root = dest / archive.name.removesuffix(".tar.gz")
    if not root.exists():
        with tarfile.open(archive) as tf:
            tf.extractall(dest, filter="data")
    return root


def test_cmd(tests: str) -> str:
    return f"{PY} -m pytest -q -p no:cacheprovider -x {tests}"


def run_tests_on(project: Path, package: Path, output: Path | None, tests: str) -> str:
    """Run the project's tests with ``output`` in place of ``package`` (None: original)."""
    sys.path.insert(0, str(HERE.parent))
    from hlopt.compress.verify import run_tests

    if output is None:
        env = dict(os.environ, PYTHONPATH=str(package.parent))
        done = subprocess.run(test_cmd(tests).split(), cwd=project, env=env,
                              capture_output=True, text=True, timeout=1800)
        code, text = done.returncode, done.stdout + done.stderr
    else:
        finished, _ = run_tests(test_cmd(tests), package, output, timeout=1800)
        code, text = finished.returncode, finished.stdout + finished.stderr
    summary = next((ln for ln in reversed(text.strip().splitlines()) if " in " in ln), "")
    state = "green" if code == 0 else f"RED (exit {code})"
    return f"{state}: {summary.strip('= ')}"


def bench_projects() -> None:
    print("\n== minify: real projects, their own test suites against the minified package ==")
    for name, (pkg_rel, tests) in PROJECTS.items():
        project = fetch(name)
        package = project / pkg_rel
        before = total_bytes(package)
        print(f"{project.name}: {len(py_files(package))} files, {before:,} bytes; "
              f"original tests {run_tests_on(project, package, None, tests)}")
        out = CACHE / "out" / project.name
        secs, doc = run_hlopt([str(package), "-o", str(out / "hlopt" / package.name),
                               "--test-cmd", test_cmd(tests)])
        failed = [f for f in doc["findings"] if f["code"] == "HLC002"]
        note = next((n for n in doc["notes"] if n.startswith("--test-cmd")), "")
        took = note.rsplit("(", 1)[-1].rstrip(")") if note else "?"
        verdict = (f"RED (hlopt --test-cmd: {failed[0]['message']})" if failed
                   else f"green (hlopt --test-cmd passed, {took})")
        after = total_bytes(out / "hlopt" / package.name)
        print(f"  {'hlopt (safe default)':28} {after / before:6.3f} {secs:6.1f} s  tests {verdict}")
        for label, aggressive in (("python-minifier default", False),
                                  ("python-minifier aggressive", True)):
            dest = out / label.split()[-1] / package.name
            secs, _ = run_pm(package, dest, aggressive)
            after = total_bytes(dest)
            print(f"  {label:28} {after / before:6.3f} {secs:6.1f} s  tests "
                  f"{run_tests_on(project, package, dest, tests)}")


# -- part 3: skeletons for a model's context -------------------------------------------
def count_tokens(text: str) -> int:
    sys.path.insert(0, str(HERE.parent))
    from hlopt.compress.tokens import count_tokens as count

    return count(text)


def skeleton_trees(quick: bool) -> list[Path]:
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    trees = [fetch(n) / pkg for n, (pkg, _) in PROJECTS.items()]
    names = ["json", "email", "http", "logging", "concurrent", "importlib", "asyncio",
             "xml", "urllib", "unittest"]
    return trees + [stdlib / n for n in names[: 3 if quick else None]]


def repomix(tree: Path, dest: Path) -> tuple[int, int, int] | None:
    """repomix --compress on ``tree``: (tokens, files, files that parse), None without npx."""
    if shutil.which("npx") is None:
        return None
    out = dest / f"{tree.name}.repomix.txt"
    done = subprocess.run(["npx", "-y", REPOMIX, "--compress", "--remove-comments", "--style",
                           "plain", "--no-file-summary", "--no-directory-structure",
                           "--no-gitignore", "--include", "**/*.py", "--ignore", "**/tests/**,**/test/**",
                           "-o", str(out), "."], cwd=tree, capture_output=True, text=True,
                          timeout=900)
    if done.returncode != 0 or not out.exists():
        print(f"  repomix failed on {tree.name}: {(done.stderr or done.stdout)[-300:]}")
        return None
    text = out.read_text(encoding="utf-8", errors="replace")
    text = re.split(r"^={8,}\nEnd of Codebase", text, flags=re.M)[0]
    parts = re.split(r"^={8,}\nFile: .*\n={8,}\n", text, flags=re.M)[1:]
    valid = 0
    for part in parts:
        try:
            ast.parse(part)
            valid += 1
        except SyntaxError:
            pass
    return count_tokens(text), len(parts), valid


def bench_skeleton(quick: bool) -> None:
    print("\n== skeleton: tokens as a fraction of the plain source (cl100k_base) ==")
    dest = CACHE / "out" / "skeleton"
    dest.mkdir(parents=True, exist_ok=True)
    has_npx = shutil.which("npx") is not None
    if not has_npx:
        print("  (npx not found: repomix --compress skipped; install node/npm to compare)")
    ours, theirs = [], []
    print(f"  {'tree':34} {'plain tokens':>12} {'hlopt':>6} {'valid':>9} "
          f"{'repomix':>8} {'valid':>9}")
    for tree in skeleton_trees(quick):
        files = [p for p in py_files(tree) if not SKIP_DIRS & set(p.relative_to(tree).parts)]
        plain = sum(count_tokens(p.read_text(encoding="utf-8", errors="replace"))
                    for p in files)
        out = dest / tree.name
        shutil.rmtree(out, ignore_errors=True)
        _, doc = run_hlopt([str(tree), "--mode", "skeleton", "-o", str(out),
                            "--exclude", "tests", "--exclude", "test"])
        skel = [p for p in py_files(out)]
        valid = sum(1 for p in skel if _parses(p))
        ratio = sum(count_tokens(p.read_text(encoding="utf-8")) for p in skel) / plain
        ours.append(ratio)
        rm = repomix(tree, dest) if has_npx else None
        rm_text = (f"{rm[0] / plain:8.3f} {rm[2]:>4}/{rm[1]:<4}" if rm
                   else f"{'-':>8} {'-':>9}")
        if rm:
            theirs.append(rm[0] / plain)
        print(f"  {tree.parent.name + '/' + tree.name:34} {plain:12,} {ratio:6.3f} "
              f"{valid:>4}/{len(skel):<4} {rm_text}")
    print(f"  median: hlopt {statistics.median(ours):.3f}"
          + (f", repomix {statistics.median(theirs):.3f}" if theirs else "")
          + " (target for hlopt: <= 0.25, every file valid Python)")


def _parses(path: Path) -> bool:
    try:
        ast.parse(path.read_text(encoding="utf-8"))
        return True
    except SyntaxError:
        return False


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="an eighth of the stdlib")
    parser.add_argument("--skip-projects", action="store_true")
    parser.add_argument("--skip-skeleton", action="store_true")
    args = parser.parse_args()
    CACHE.mkdir(parents=True, exist_ok=True)
    bench_stdlib(args.quick)
    if not args.skip_projects:
        bench_projects()
    if not args.skip_skeleton:
        bench_skeleton(args.quick)


if __name__ == "__main__":
    main()
