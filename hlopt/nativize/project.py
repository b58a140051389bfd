"""Make an installed extension part of the project's build, so it ships in the wheel.

setuptools projects get an hlopt-marked block in setup.py listing the extensions (built
from the C files in ``native/``, so building the wheel needs no Cython); a
pyproject-only setuptools project gets a minimal marked setup.py. Other build backends
are not edited: an HLN021 finding says exactly what to add.
"""

from __future__ import annotations

import ast
import json
import tomllib
from pathlib import Path
from typing import Any

from hlopt.core.files import read_source, write_atomic
from hlopt.core.report import Applicability, Finding, Fix, Severity
from hlopt.nativize.model import NOT_IN_BUILD, Target

BEGIN = "# hlopt nativize: begin build"
END = "# hlopt nativize: end build"
LIST = "_hlopt_ext_modules"
#: the flags that keep Python's float semantics (see docs/nativize.md)
COMPILE_ARGS = '["-O3", "-ffp-contract=off"]'
STATE = Path(".hlopt") / "nativize" / "setup.json"
SETUPTOOLS = ("setuptools.build_meta", "setuptools.build_meta:__legacy__")
#: what to add for the backends hlopt does not edit
ADVICE = {
    "hatchling.build": "a build hook that compiles it, e.g. the `hatch-build-scripts` or "
                       "a custom `hatch_build.py` hook running setuptools' build_ext",
    "flit_core.buildapi": "flit builds pure-Python wheels only: move the build to "
                          "setuptools (build-backend = \"setuptools.build_meta\")",
    "poetry.core.masonry.api": "a `build.py` script ([tool.poetry.build] script = "
                               "\"build.py\", generate-setup-file = true) with",
    "pdm.backend": "a `pdm_build.py` hook (pdm_build_update_setup_kwargs) adding",
    "maturin": "maturin builds Rust extensions: add a setuptools build of",
    "mesonpy": "a `py.install_sources`/`py.extension_module` entry in meson.build for",
}


def find_root(start: Path) -> Path | None:
    """The nearest directory at or above ``start`` with pyproject.toml or setup.py."""
    for directory in [start.resolve().parent, *start.resolve().parent.parents]:
        if (directory / "pyproject.toml").is_file() or (directory / "setup.py").is_file():
            return directory
    return None


def backend(root: Path) -> str | None:
    """The build backend: "setuptools", another backend's name, or None (no packaging)."""
    pyproject = root / "pyproject.toml"
    if pyproject.is_file():
        try:
            data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError):
            data = {}
        name = str(data.get("build-system", {}).get("build-backend") or "")
        if name and name not in SETUPTOOLS:
            return name
        return "setuptools"
    return "setuptools" if (root / "setup.py").is_file() else None


def entry(dotted: str, c_rel: str, spec: str) -> str:
    return (f'    _hlopt_Extension("{dotted}", ["{c_rel}"], extra_compile_args={COMPILE_ARGS}),'
            f"  # {spec}")


def add_extension(root: Path, dotted: str, c_source: Path,
                  target: Target) -> tuple[list[Finding], list[str]]:
    """Add one extension to the build; findings (HLN021) where hlopt may not edit it."""
    c_rel = c_source.resolve().relative_to(root.resolve()).as_posix()
    spec = f"{target.path.resolve().relative_to(root.resolve()).as_posix()}:{target.qualname}"
    kind = backend(root)
    if kind is None:
        return [], [f"{root} has no pyproject.toml or setup.py: the extension is not part of "
                    "any build (it works where it was built)"]
    line = entry(dotted, c_rel, spec)
    if kind != "setuptools":
        return [_not_in_build(root, kind, dotted, c_rel, line)], []
    setup = root / "setup.py"
    if not setup.exists():
        setup.write_text(_new_setup([line]), encoding="utf-8")
        _save(root, {"created": True})
        return [], [f"created setup.py (hlopt-marked) building {dotted} from {c_rel}"]
    return [], [_extend_setup(root, setup, dotted, line)]


def _not_in_build(root: Path, kind: str, dotted: str, c_rel: str, line: str) -> Finding:
    advice = ADVICE.get(kind, f"a build step of {kind} compiling")
    snippet = (f'Extension("{dotted}", ["{c_rel}"], '
               f"extra_compile_args={COMPILE_ARGS})")
    return Finding(
        NOT_IN_BUILD, f"the build backend {kind} is not setuptools, so hlopt did not add "
        f"{dotted} to the build: the wheel will ship the Python fallback only",
        root / "pyproject.toml", None, None, Severity.INFO,
        Fix(f"Add {advice} {snippet}", Applicability.DISPLAY_ONLY),
        data={"backend": kind, "extension": dotted, "source": c_rel, "snippet": snippet})


def _new_setup(lines: list[str]) -> str:
    return "\n".join([
        f"{BEGIN} (this file was created by hlopt nativize; undo: hlopt nativize --revert)",
        '"""Build the native extensions hlopt nativize installed; metadata stays in '
        'pyproject.toml."""',
        "from setuptools import Extension as _hlopt_Extension",
        "from setuptools import setup",
        "",
        f"{LIST} = [", *lines, "]",
        "",
        f"setup(ext_modules={LIST})",
        END, ""])


def _block(lines: list[str], nl: str) -> str:
    return nl.join([
        f"{BEGIN} (native extensions of hlopt nativize; undo: hlopt nativize --revert)",
        "from setuptools import Extension as _hlopt_Extension",
        "",
        f"{LIST} = [", *lines, "]", END, "", ""])


def _extend_setup(root: Path, setup: Path, dotted: str, line: str) -> str:
    source = read_source(setup)
    text = source.text
    if BEGIN in text:  # our block exists: replace or add this extension's line
        lines = [x for x in text.splitlines() if f'"{dotted}"' not in x or LIST in x]
        kept = source.newline.join(lines) + (source.newline if text.endswith(("\n", "\r")) else "")
        new = kept.replace(f"{LIST} = [{source.newline}",
                           f"{LIST} = [{source.newline}{line}{source.newline}", 1)
        write_atomic(source, new)
        return f"setup.py builds {dotted} (hlopt block updated)"
    new, edit = _insert_block(text, _block([line], source.newline))
    if edit is None:
        return ("setup.py: no setup() call found, so hlopt did not add the extension; add "
                f"ext_modules=[{line.strip().rstrip(',')}] to it")
    state = {"created": False, "original": text, "call_edit": edit}
    write_atomic(source, new)
    _save(root, state)
    return f"setup.py builds {dotted} (hlopt block added, setup() gets ext_modules)"


def _insert_block(text: str, block: str) -> tuple[str, dict[str, str] | None]:
    """setup.py with the block before the statement calling setup(), and the call edited."""
    tree = ast.parse(text)
    found = None
    for stmt in tree.body:
        for node in ast.walk(stmt):
            if isinstance(node, ast.Call) and _is_setup(node.func):
                found = (stmt, node)
        if found:
            break
    if found is None:
        return text, None
    stmt, call = found
    offsets = _line_offsets(text)
    keyword = next((k for k in call.keywords if k.arg == "ext_modules"), None)
    if keyword is not None:
        start = offsets[keyword.value.lineno - 1] + keyword.value.col_offset
        end = offsets[keyword.value.end_lineno - 1] + keyword.value.end_col_offset
        old = text[start:end]
        new_value = f"[*{old}, *{LIST}]"
        edited = text[:start] + new_value + text[end:]
        edit = {"old": f"ext_modules={old}", "new": f"ext_modules={new_value}"}
    else:
        paren = text.index("(", offsets[call.func.end_lineno - 1] + call.func.end_col_offset)
        edited = text[:paren + 1] + f"ext_modules={LIST}, " + text[paren + 1:]
        edit = {"old": text[paren - 20 if paren >= 20 else 0:paren + 1],
                "new": text[paren - 20 if paren >= 20 else 0:paren + 1] + f"ext_modules={LIST}, "}
    at = offsets[stmt.lineno - 1]
    return edited[:at] + block + edited[at:], edit


def _is_setup(func: ast.expr) -> bool:
    return (isinstance(func, ast.Name) and func.id == "setup") or (
        isinstance(func, ast.Attribute) and func.attr == "setup")


def _line_offsets(text: str) -> list[int]:
    offsets, pos = [], 0
    for line in text.splitlines(keepends=True):
        offsets.append(pos)
        pos += len(line)
    offsets.append(pos)
    return offsets


def _save(root: Path, state: dict[str, Any]) -> None:
    path = root / STATE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(state, indent=2) + "\n", encoding="utf-8")


def remove_extension(root: Path, dotted: str) -> list[str]:
    """Take one extension out of setup.py; the last one takes hlopt's block (or file) along."""
    setup = root / "setup.py"
    if not setup.is_file():
        return []
    source = read_source(setup)
    if BEGIN not in source.text or f'"{dotted}"' not in source.text:
        return []
    lines = source.text.splitlines(keepends=True)
    kept = [x for x in lines if f'"{dotted}"' not in x]
    text = "".join(kept)
    state = _load(root)
    if "_hlopt_Extension(" in text:
        write_atomic(source, text)
        return [f"setup.py no longer builds {dotted}"]
    (root / STATE).unlink(missing_ok=True)
    if state.get("created"):
        setup.unlink()
        return ["removed setup.py (hlopt had created it)"]
    write_atomic(source, _without_block(text, state, source.newline))
    return [f"setup.py: removed hlopt's build block ({dotted} was its last extension)"]


def _without_block(text: str, state: dict[str, Any], nl: str) -> str:
    start = text.find(BEGIN)
    end = text.find(END, start)
    if start != -1 and end != -1:
        stop = text.find(nl, end)
        stop = len(text) if stop == -1 else stop + len(nl)
        if text[stop:stop + len(nl)] == nl:
            stop += len(nl)
        text = text[:start] + text[stop:]
    edit = state.get("call_edit") or {}
    if edit and edit.get("new") in text:
        text = text.replace(edit["new"], edit["old"], 1)
    return text


def _load(root: Path) -> dict[str, Any]:
    path = root / STATE
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
