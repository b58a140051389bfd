"""Install a verified extension (``--apply``), take it out again (``--revert``), check it (``--check``).

Install writes the generated source to the project's ``native/`` folder, copies the built
extension next to the module, inserts a marked shim into the module (atomically) and adds
the extension to the project's build. The module's original bytes are kept under
``.hlopt/nativize/`` so ``--revert`` restores the file exactly.
"""

from __future__ import annotations

import ast
import hashlib
import json
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hlopt.core.errors import InputError, ToolchainError
from hlopt.core.files import Source, read_source, write_atomic
from hlopt.core.report import Finding, Severity
from hlopt.core.source import diff_text
from hlopt.nativize import project
from hlopt.nativize.model import STALE, BuildResult, Generated, Target

BEGIN = "# hlopt nativize: begin "
END = "# hlopt nativize: end "
STATE_DIR = Path(".hlopt") / "nativize"
_BLOCK = re.compile(r"^# hlopt nativize: begin (?P<q>[\w.]+) .*?^# hlopt nativize: end (?P=q)"
                    r"[^\n\r]*(?:\r\n|\n|\r)?", re.M | re.S)
_IMPORT = re.compile(r"from \.?(?P<m>_hlopt_\w+) import _hlopt_bind")
_STAMP = re.compile(r"""["']source_hash["']\s*:\s*["'](?P<h>[0-9A-Za-z]+)["']""")


@dataclass
class Installed:
    """What ``apply`` wrote, for the report."""

    module: Path
    generated: Path
    extension: Path
    c_source: Path | None = None
    changed: bool = True
    findings: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


# --- the shim -----------------------------------------------------------------------------

def shim(target: Target, module_name: str, spec: str, decorators: list[str],
         nl: str = "\n") -> str:
    """The marked block that swaps the native function in (exact text: nativize-plan.md)."""
    q = target.qualname
    flat = q.replace(".", "_")
    dot = "." if "." in target.module else ""
    wrap = [d for d in decorators if d != "staticmethod"]
    inner = f"{q}.__wrapped__" if wrap else q
    value = f"_hlopt_bind_{flat}({inner})"
    for deco in reversed(wrap):
        value = f"{deco}({value})"
    if "staticmethod" in decorators:
        value = f"staticmethod({value})"
    lines = [
        f"{BEGIN}{q} (undo: hlopt nativize --revert {spec})",
        "try:",
        f"    from {dot}{module_name} import _hlopt_bind as _hlopt_bind_{flat}",
        "except ImportError:  # extension not built for this interpreter: Python runs",
        "    pass",
        "else:",
        f"    {q} = {value}",
        f"{END}{q}",
    ]
    return nl.join(lines) + nl


def decorators_of(text: str, target: Target) -> list[str]:
    """The decorators of the target's ``def``, as source text (outermost first)."""
    from hlopt.nativize.select import find_function

    node = find_function(ast.parse(text), target.qualname)
    if node is None:
        return []
    return [ast.get_source_segment(text, d) or "" for d in node.decorator_list]


def find_block(text: str, qualname: str) -> re.Match[str] | None:
    for match in _BLOCK.finditer(text):
        if match["q"] == qualname:
            return match
    return None


def blocks(text: str) -> list[tuple[str, str]]:
    """Every shim in a module: (qualname, extension module name)."""
    out = []
    for match in _BLOCK.finditer(text):
        found = _IMPORT.search(match.group(0))
        if found:
            out.append((match["q"], found["m"]))
    return out


def with_shim(text: str, block: str, qualname: str, nl: str) -> tuple[str, str]:
    """The module text with ``block`` in it, and the exact text that was inserted.

    An existing block of the same function is replaced (re-apply never duplicates). A new
    one goes at the module's end, before a trailing ``if __name__ == "__main__":`` so a
    script's main code runs with the native function.
    """
    old = find_block(text, qualname)
    if old is not None:
        return text[:old.start()] + block + text[old.end():], block
    pos = _main_guard_offset(text)
    if pos is not None:
        inserted = block + nl + nl
        return text[:pos] + inserted + text[pos:], inserted
    lead = "" if not text else (nl if text.endswith(("\n", "\r")) else nl + nl)
    inserted = lead + nl + block if text else block
    return text + inserted, inserted


def _main_guard_offset(text: str) -> int | None:
    tree = ast.parse(text)
    body = tree.body
    i = len(body)
    while i and _is_main_guard(body[i - 1]):
        i -= 1
    if i == len(body):
        return None
    lines = text.splitlines(keepends=True)
    return sum(len(line) for line in lines[:body[i].lineno - 1])


def _is_main_guard(node: ast.stmt) -> bool:
    return (isinstance(node, ast.If) and isinstance(node.test, ast.Compare)
            and isinstance(node.test.left, ast.Name) and node.test.left.id == "__name__")


# --- state --------------------------------------------------------------------------------

def project_root(target: Target) -> Path:
    """The nearest directory upward with pyproject.toml or setup.py, else the import root."""
    return project.find_root(target.path) or target.root


def _state_path(root: Path, module_name: str) -> Path:
    return root / STATE_DIR / f"{module_name}.json"


def _load_state(root: Path, module_name: str) -> dict[str, Any] | None:
    path = _state_path(root, module_name)
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


def _save_state(root: Path, module_name: str, state: dict[str, Any], original: bytes | None) -> None:
    path = _state_path(root, module_name)
    path.parent.mkdir(parents=True, exist_ok=True)
    if original is not None:
        path.with_suffix(".orig").write_bytes(original)
    path.write_text(json.dumps(state, indent=2) + "\n", encoding="utf-8")
    ignore = root / STATE_DIR.parent / ".gitignore"
    if not ignore.exists():
        ignore.write_text("# hlopt's own state (nativize --revert); not part of the project\n"
                          "*\n", encoding="utf-8")


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _rel(path: Path, root: Path) -> str:
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)


# --- apply --------------------------------------------------------------------------------

def spec_for(target: Target, root: Path) -> str:
    return f"{_rel(target.path, root)}:{target.qualname}"


def plan(target: Target, module_name: str) -> tuple[str, str]:
    """The module text with the shim, and its diff (a dry run writes nothing)."""
    source = read_source(target.path)
    root = project_root(target)
    block = shim(target, module_name, spec_for(target, root),
                 decorators_of(source.text, target), source.newline)
    new, _ = with_shim(source.text, block, target.qualname, source.newline)
    return new, diff_text(source.text, new, _rel(target.path, root))


def apply(target: Target, gen: Generated, build: BuildResult) -> Installed:
    """Install the extension of ``target`` (idempotent: re-apply replaces, never adds)."""
    root = project_root(target)
    source = read_source(target.path)
    block = shim(target, gen.module_name, spec_for(target, root),
                 decorators_of(source.text, target), source.newline)
    new, inserted = with_shim(source.text, block, target.qualname, source.newline)
    generated = _write_generated(root, gen)
    c_source = _write_c(generated, gen, full_name(target, gen.module_name))
    extension = _copy_extension(target, build)
    state = _load_state(root, gen.module_name) or {}
    old = find_block(source.text, target.qualname)
    if old is not None:  # a re-apply: the original bytes saved the first time stay
        before = state.get("inserted") or ""
        inserted = before.replace(old.group(0), block) if old.group(0) in before else block
    changed = write_atomic(source, new)
    state = {"module": _rel(target.path, root), "qualname": target.qualname,
             "extension": _rel(extension, root), "generated": _rel(generated, root),
             "c_source": _rel(c_source, root) if c_source else None,
             "full_name": full_name(target, gen.module_name), "inserted": inserted,
             "written_sha256": _sha(source.encode(new))}
    _save_state(root, gen.module_name, state, source.raw if old is None else None)
    out = Installed(target.path, generated, extension, c_source, changed)
    if c_source is not None:
        out.findings, out.notes = project.add_extension(root, state["full_name"], c_source,
                                                        target)
    return out


def full_name(target: Target, module_name: str) -> str:
    """The extension's dotted import name: next to the module, in the module's package."""
    package = target.module.rpartition(".")[0] if target.path.stem != "__init__" else target.module
    return f"{package}.{module_name}" if package else module_name


def _write_generated(root: Path, gen: Generated) -> Path:
    path = root / "native" / f"{gen.module_name}{gen.suffix}"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(gen.source, encoding="utf-8")
    return path


def _write_c(generated: Path, gen: Generated, dotted: str) -> Path | None:
    """The C translation next to the Cython source, so building a wheel needs no Cython."""
    if gen.backend == "c" or generated.suffix == ".c":
        return generated
    if generated.suffix not in (".py", ".pyx"):
        return None
    out = generated.with_suffix(".c")
    import contextlib
    import io

    from Cython.Compiler import Main

    log = io.StringIO()
    with contextlib.redirect_stderr(log), contextlib.redirect_stdout(log):
        try:
            result = Main.compile(str(generated), language_level=3, output_file=str(out),
                                  full_module_name=dotted)
        except Exception as exc:  # Cython raises its own errors for some inputs
            print(f"{type(exc).__name__}: {exc}", file=log)
            result = None
    if result is None or result.num_errors or not out.is_file():
        raise ToolchainError(f"Cython could not translate {generated} to C: "
                             f"{log.getvalue().strip()[-400:]}",
                             hint="the extension built before; check the Cython version")
    return out


def _copy_extension(target: Target, build: BuildResult) -> Path:
    name = build.path.name
    suffix = name[len(build.module_name):] if name.startswith(build.module_name) else (
        "".join(build.path.suffixes))
    dest = target.path.parent / f"{build.module_name}{suffix}"
    tmp = dest.with_name(f".{dest.name}.hlopt-tmp")
    shutil.copy2(build.path, tmp)
    tmp.replace(dest)
    return dest


# --- revert -------------------------------------------------------------------------------

def revert(target: Target) -> list[str]:
    """Take the shim out (the module byte for byte as before), the extension and its files."""
    source = read_source(target.path)
    match = find_block(source.text, target.qualname)
    root = project_root(target)
    imported = _IMPORT.search(match.group(0)) if match else None
    module_name = imported["m"] if imported else _default_name(target)
    state = _load_state(root, module_name)
    if match is None and state is None:
        raise InputError(f"{_rel(target.path, root)}: `{target.qualname}` is not nativized "
                         "(no hlopt shim for it)",
                         hint="`hlopt nativize --check PATH` lists the installed extensions")
    notes = [_restore_module(source, target, match, state, root, module_name)]
    notes += _remove_files(root, module_name, state, target)
    if state is not None and state.get("full_name"):
        notes += project.remove_extension(root, state["full_name"])
    for suffix in (".json", ".orig"):
        _state_path(root, module_name).with_suffix(suffix).unlink(missing_ok=True)
    return [n for n in notes if n]


def _default_name(target: Target) -> str:
    return f"_hlopt_{target.path.stem}_{target.qualname.replace('.', '_')}"


def _restore_module(source: Source, target: Target, match: re.Match[str] | None,
                    state: dict[str, Any] | None, root: Path, module_name: str) -> str:
    shown = _rel(target.path, root)
    if match is None:
        return f"{shown}: no shim for `{target.qualname}` (already removed)"
    orig = _state_path(root, module_name).with_suffix(".orig")
    if state and orig.is_file() and _sha(source.raw) == state.get("written_sha256"):
        _write_bytes(source, orig.read_bytes())
        return f"{shown}: restored byte for byte"
    inserted = (state or {}).get("inserted") or ""
    if inserted and source.text.count(inserted) == 1:
        write_atomic(source, source.text.replace(inserted, "", 1))
        return f"{shown}: removed the shim of `{target.qualname}` (your other edits kept)"
    raise InputError(f"{shown}: the shim of `{target.qualname}` was edited since hlopt "
                     "wrote it, so it cannot be removed exactly",
                     hint=f"delete the lines from `{BEGIN}{target.qualname}` to "
                          f"`{END}{target.qualname}` by hand, then run --revert again to "
                          "remove the extension and its files")


def _write_bytes(source: Source, data: bytes) -> None:
    """Replace a file with exact bytes, atomically (latin-1 maps bytes 1:1 to text)."""
    write_atomic(Source(source.path, "", "latin-1", False, "\n", source.raw),
                 data.decode("latin-1"))


def _remove_files(root: Path, module_name: str, state: dict[str, Any] | None,
                  target: Target) -> list[str]:
    paths = [root / state[k] for k in ("extension", "generated", "c_source")
             if state and state.get(k)]
    paths += list(target.path.parent.glob(f"{module_name}.*"))
    paths += [p for p in (root / "native").glob(f"{module_name}.*")]
    removed = sorted({_rel(p, root) for p in paths if p.is_file()})
    for p in paths:
        p.unlink(missing_ok=True)
    native = root / "native"
    if native.is_dir() and not any(native.iterdir()):
        native.rmdir()
    return [f"removed {', '.join(removed)}"] if removed else []


# --- check --------------------------------------------------------------------------------

def installed(paths: list[Path]) -> list[tuple[Path, str, str]]:
    """Every nativized function under ``paths``: (module file, qualname, extension name)."""
    from hlopt.core.files import discover

    found = []
    for file in discover(list(paths)).files:
        if file.suffix != ".py":
            continue
        try:
            text = file.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        if BEGIN in text:
            found += [(file, q, m) for q, m in blocks(text)]
    return found


def stamped_hash(root: Path, module_name: str) -> str | None:
    """``__hlopt__['source_hash']`` read from the generated source in ``native/``."""
    for path in sorted((root / "native").glob(f"{module_name}.*")):
        if path.suffix == ".c" and path.with_suffix(".py").exists():
            continue  # Cython's C translation: the .py source carries the stamp
        try:
            found = _STAMP.search(path.read_text(encoding="utf-8", errors="replace"))
        except OSError:
            continue
        if found:
            return found["h"]
    return None


def check(paths: list[Path], cwd: Path) -> tuple[list[Finding], list[str]]:
    """HLN020 for each installed extension whose Python source changed since it was built."""
    from hlopt.nativize.analyse import analyse
    from hlopt.nativize.hashing import source_hash
    from hlopt.nativize.select import resolve

    findings, notes = [], []
    for file, qualname, module_name in installed(paths):
        shown = _rel(file, cwd)
        target = resolve(f"{file}:{qualname}", cwd)
        stamp = stamped_hash(project_root(target), module_name)
        current = source_hash(analyse(target))
        if stamp == current:
            notes.append(f"{shown}:{qualname}: up to date ({module_name}, {current})")
            continue
        why = ("its generated source is missing from native/" if stamp is None else
               f"built from source {stamp}, the source is now {current}")
        findings.append(Finding(
            STALE, f"the native `{qualname}` no longer matches its Python source: {why}",
            Path(shown), target.line, None, Severity.WARNING,
            data={"qualname": qualname, "extension": module_name, "stamped": stamp,
                  "current": current,
                  "fix": f"hlopt nativize {shown}:{qualname} --apply"}))
    if not findings and not notes:
        notes.append("no nativized function under " + ", ".join(str(p) for p in paths))
    return findings, notes
