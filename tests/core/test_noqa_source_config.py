"""core.noqa, core.source and core.config."""

from __future__ import annotations

from pathlib import Path

import pytest

from hlopt.core.config import load_config
from hlopt.core.errors import InputError
from hlopt.core.noqa import parse_noqa
from hlopt.core.report import Finding
from hlopt.core.source import ParseError, check_rewrite, diff_text, parse_ast


def test_noqa_bare_codes_prefixes_and_foreign_codes() -> None:
    text = "import os  # noqa\nimport re  # noqa: HLI001\nimport io  # noqa: HLD\n" \
           "import sys  # noqa: F401\nimport json  # noqa: E501\n"
    noqa = parse_noqa(text)
    f = lambda line, code="HLI001": Finding(code, "m", Path("x.py"), line)  # noqa: E731
    assert noqa.suppresses(f(1)) and noqa.suppresses(f(1, "HLD001"))
    assert noqa.suppresses(f(2)) and not noqa.suppresses(f(2, "HLI002"))
    assert noqa.suppresses(f(3, "HLD004")) and not noqa.suppresses(f(3))
    assert noqa.suppresses(f(4))          # F401 means "keep this import"
    assert not noqa.suppresses(f(5))
    assert not noqa.suppresses(Finding("HLX003", "m", Path("x.py"), 1))


def test_parse_error_names_file_and_line() -> None:
    with pytest.raises(ParseError) as info:
        parse_ast("x = 1\ndef f(:\n", Path("bad.py"))
    f = info.value.finding
    assert (f.code, f.path, f.line) == ("HLX003", Path("bad.py"), 2)


def test_check_rewrite_accepts_a_good_rewrite() -> None:
    out = check_rewrite(Path("m.py"), "import os\nx = 1\n", "x = 1\n",
                        rewrite_again=lambda t: t)
    assert out.ok and out.text == "x = 1\n"


@pytest.mark.parametrize("after, again, left, why", [
    ("x = (\n", None, [], "does not parse"),
    ("x = 1\n", "x = 2\n", [], "second pass"),
    ("x = 1\n", None, ["`os` still imported"], "left what it was meant to fix"),
])
def test_check_rewrite_refuses_and_logs_the_diff(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                 after: str, again: str | None,
                                                 left: list[str], why: str) -> None:
    monkeypatch.setenv("HLOPT_LOG_DIR", str(tmp_path))
    before = "import os\nx = 1\n"
    out = check_rewrite(Path("m.py"), before, after,
                        rewrite_again=lambda t: again if again is not None else t,
                        remaining=lambda t, tree: left)
    assert not out.ok and out.text == before
    assert out.failure is not None and out.failure.code == "HLX900"
    assert why in out.failure.message
    log = Path(out.failure.message.rsplit("diff in ", 1)[1])
    assert log.parent == tmp_path and "-import os" in log.read_text()


def test_diff_text_is_empty_when_unchanged() -> None:
    assert diff_text("a\n", "a\n", "m.py") == ""
    assert "+b" in diff_text("a\n", "b\n", "m.py")


def test_config_reads_tool_hlopt_and_rejects_bad_types(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        "[tool.hlopt]\nexclude = ['gen']\n[tool.hlopt.debloat]\nside-effect-imports = 3\n")
    (tmp_path / "pkg").mkdir()
    cfg = load_config([tmp_path / "pkg"])
    assert cfg.root == tmp_path.resolve() and cfg.get_list("exclude") == ["gen"]
    with pytest.raises(InputError, match="side-effect-imports must be a list"):
        cfg.get_list("side-effect-imports", "debloat")


def test_config_reports_broken_toml(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.hlopt\n")
    with pytest.raises(InputError, match="cannot read configuration"):
        load_config([tmp_path])
