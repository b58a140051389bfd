"""core.files: discovery, exact reading, atomic writing."""

from __future__ import annotations

import codecs
import os
import stat
import subprocess
from pathlib import Path

import pytest

from hlopt.core.errors import InputError
from hlopt.core.files import ReadError, discover, read_source, write_atomic


def test_discover_finds_python_files_sorted_and_skips_default_excludes(tmp_path: Path) -> None:
    for rel in ["b.py", "a.py", "pkg/__init__.py", "pkg/m.pyi", ".venv/x.py",
                "pkg/__pycache__/c.py", "notes.txt"]:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("")
    found = discover([tmp_path])
    assert [p.relative_to(tmp_path).as_posix() for p in found.files] == [
        "a.py", "b.py", "pkg/__init__.py", "pkg/m.pyi"]
    assert found.problems == []


def test_discover_honours_exclude_globs(tmp_path: Path) -> None:
    for rel in ["keep.py", "gen/skip.py", "tests/cases/x.py", "tests/t.py"]:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("")
    found = discover([tmp_path], exclude=["gen", "tests/**/cases", "tests/cases"])
    assert sorted(p.name for p in found.files) == ["keep.py", "t.py"]


def test_discover_honours_gitignore_inside_git(tmp_path: Path) -> None:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / ".gitignore").write_text("ignored.py\nout/\n")
    for rel in ["kept.py", "ignored.py", "out/gen.py"]:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("")
    assert [p.name for p in discover([tmp_path]).files] == ["kept.py"]
    assert len(discover([tmp_path], respect_gitignore=False).files) == 3


def test_explicit_file_is_always_included(tmp_path: Path) -> None:
    f = tmp_path / "script"
    f.write_text("print(1)\n")
    assert discover([f]).files == [f]


def test_missing_path_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        discover([tmp_path / "nope"])


def test_symlink_loop_is_reported_and_walk_goes_on(tmp_path: Path) -> None:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "m.py").write_text("")
    os.symlink("..", tmp_path / "pkg" / "loop")
    found = discover([tmp_path])
    assert [p.name for p in found.files] == ["m.py"]
    assert [f.code for f in found.problems] == ["HLX004"]
    assert "symlink loop" in found.problems[0].message


def test_read_keeps_crlf_bom_and_latin1_cookie(tmp_path: Path) -> None:
    crlf = tmp_path / "crlf.py"
    crlf.write_bytes(b"import os\r\nx = 1\r\n")
    src = read_source(crlf)
    assert src.text == "import os\r\nx = 1\r\n" and src.newline == "\r\n"

    bom = tmp_path / "bom.py"
    bom.write_bytes(codecs.BOM_UTF8 + "s = 'é'\n".encode())
    src = read_source(bom)
    assert src.bom and src.text == "s = 'é'\n"
    assert src.encode(src.text) == bom.read_bytes()

    latin = tmp_path / "latin.py"
    latin.write_bytes("# -*- coding: latin-1 -*-\ns = 'café'\n".encode("latin-1"))
    src = read_source(latin)
    assert src.encoding == "iso-8859-1" and "café" in src.text
    assert src.encode(src.text) == latin.read_bytes()


@pytest.mark.parametrize("content, needle", [
    (b"x = 1\n\x00\x01", "NUL bytes"),
    (b"\x89PNG\r\n\x1a\n\xff\xfe\xfa", "cannot decode"),
    (b"# -*- coding: klingon -*-\n", "encoding"),
])
def test_undecodable_files_raise_read_error_naming_the_problem(
        tmp_path: Path, content: bytes, needle: str) -> None:
    f = tmp_path / "bad.py"
    f.write_bytes(content)
    with pytest.raises(ReadError) as info:
        read_source(f)
    assert info.value.finding.code == "HLX002"
    assert needle in info.value.finding.message


def test_unreadable_file_is_hlx001(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    f = tmp_path / "secret.py"
    f.write_text("x = 1\n")
    f.chmod(0)
    if os.geteuid() == 0:  # root reads a chmod-000 file: make the read fail the same way

        def denied(self: Path) -> bytes:
            raise PermissionError(13, "Permission denied", str(self))

        monkeypatch.setattr(Path, "read_bytes", denied)
    with pytest.raises(ReadError) as info:
        read_source(f)
    assert info.value.finding.code == "HLX001"
    assert "Permission denied" in info.value.finding.message


def test_write_atomic_keeps_mode_encoding_and_skips_unchanged(tmp_path: Path) -> None:
    f = tmp_path / "m.py"
    f.write_bytes("# coding: latin-1\r\nx = 'é'\r\n".encode("latin-1"))
    f.chmod(0o750)
    src = read_source(f)
    assert write_atomic(src, src.text) is False
    assert write_atomic(src, src.text.replace("x", "y")) is True
    assert f.read_bytes() == "# coding: latin-1\r\ny = 'é'\r\n".encode("latin-1")
    assert stat.S_IMODE(f.stat().st_mode) == 0o750
    assert [p.name for p in tmp_path.iterdir()] == ["m.py"]


def test_json_and_report_loaders_name_the_file_and_the_problem(tmp_path: Path) -> None:
    import json

    from hlopt.core.files import read_json, read_report

    cases = [("missing.json", None, "missing.json: no such file"),
             ("bad.json", b"{", "bad.json: not a JSON report"),
             ("latin.json", b'{"a": "\xff"}', "latin.json: not UTF-8"),
             ("list.json", b"[1]", "list.json: not an hlopt report (no command)"),
             ("other.json", json.dumps({"command": "bench", "findings": []}).encode(),
              "other.json: an `hlopt bench` report, not a profile report"),
             ("nofind.json", json.dumps({"command": "profile"}).encode(),
              "nofind.json: not an hlopt report (no findings list)")]
    for name, data, message in cases:
        if data is not None:
            (tmp_path / name).write_bytes(data)
        with pytest.raises(InputError) as err:
            read_report(tmp_path / name, "profile", hint="h")
        assert message in str(err.value) and err.value.hint == "h"
    good = {"command": "profile", "findings": []}
    (tmp_path / "good.json").write_text(json.dumps(good))
    assert read_report(tmp_path / "good.json", "profile") == good
    with pytest.raises(InputError, match=r"--baseline x: not JSON \("):
        read_json(tmp_path / "bad.json", label="--baseline x")
    (tmp_path / "dir.json").mkdir()
    with pytest.raises(InputError, match="dir.json: cannot read it"):
        read_json(tmp_path / "dir.json")


def test_a_package_named_like_a_default_exclude_is_noted_not_silently_dropped(
        tmp_path: Path) -> None:
    from hlopt.core.report import Severity

    for rel in ("venv/__init__.py", "venv/core.py", "build/lib/x.py", ".venv/lib/y.py",
                "app.py"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("")
    found = discover([tmp_path], respect_gitignore=False)
    assert [p.name for p in found.files] == ["app.py"]
    [note] = found.problems  # the package; not build/ or .venv/, which hold no __init__.py
    assert note.code == "HLX006" and note.severity is Severity.INFO
    assert note.path == tmp_path / "venv" and "name" in note.message
    named = discover([tmp_path, tmp_path / "venv"], respect_gitignore=False)
    assert sorted(p.name for p in named.files) == ["__init__.py", "app.py", "core.py"]
    assert discover([tmp_path], exclude=["venv"], respect_gitignore=False).problems == []
