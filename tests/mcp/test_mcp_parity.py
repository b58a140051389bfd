"""Each tool's structured output equals ``hlopt CMD --format json`` for the same input."""

from __future__ import annotations

import math
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("mcp", reason="the MCP extra is not installed (pip install 'hlopt[mcp]')")

from mcp import Client  # noqa: E402 - after the skip above

from hlopt.mcp_server.roots import Policy  # noqa: E402 - idem
from hlopt.mcp_server.server import build_server  # noqa: E402 - idem

pytestmark = pytest.mark.anyio


async def call(root: Path, tool: str, args: dict[str, Any], allow_exec: bool = False) -> dict:
    async with Client(build_server(Policy.create([root], allow_exec=allow_exec))) as client:
        result = await client.call_tool(tool, args)
    assert not result.is_error, result.content
    return result.structured_content


async def test_debloat_equals_the_cli(project: Path, kit) -> None:
    cli = kit.cli_json(["debloat", "pkg", "app.py", "--ignore", "HLE"], project)
    mcp = await call(project, "debloat", {"paths": ["pkg", "app.py"], "ignore": ["HLE"]})
    assert kit.stable(mcp) == kit.stable(cli)
    assert {f["code"] for f in mcp["findings"]} >= {"HLI001", "HLD001"}


async def test_debloat_fix_dry_run_equals_fix_diff_and_writes_nothing(project: Path,
                                                                      kit) -> None:
    before = (project / "pkg" / "util.py").read_text()
    cli = kit.cli_json(["debloat", "--fix", "--diff", "--select", "HLI"], project)
    mcp = await call(project, "debloat_fix", {"select": ["HLI"]})
    assert kit.stable(mcp) == kit.stable(cli)
    assert "-import os" in mcp["diff"]
    assert (project / "pkg" / "util.py").read_text() == before


async def test_debloat_fix_write_equals_the_cli_fix(project: Path, tmp_path: Path,
                                                    kit) -> None:
    twin = shutil.copytree(project, tmp_path / "twin")
    cli = kit.cli_json(["debloat", "--fix", "pkg"], twin)
    mcp = await call(project, "debloat_fix", {"paths": ["pkg"], "write": True})
    assert kit.stable(mcp) == kit.stable(cli)
    fixed = (project / "pkg" / "util.py").read_text()
    assert fixed == (twin / "pkg" / "util.py").read_text() and "import os" not in fixed


async def test_sysctl_audit_equals_the_cli(project: Path, kit) -> None:
    cli = kit.cli_json(["sysctl", "--profile", "web", "--root", "sysroot", "--check"], project)
    mcp = await call(project, "sysctl_audit", {"profile": "web", "proc_sys": "sysroot",
                                               "check": True})
    assert kit.stable(mcp) == kit.stable(cli)
    assert mcp["exit_code"] == 1 and any(f["code"].startswith("HLK") for f in mcp["findings"])


async def test_sysctl_audit_of_this_host_equals_the_cli(project: Path, kit) -> None:
    cli = kit.cli_json(["sysctl", "--profile", "latency", "--netns-only"], project)
    mcp = await call(project, "sysctl_audit", {"profile": "latency", "netns_only": True})
    assert kit.stable(mcp) == kit.stable(cli)


def measured(report: dict[str, Any]) -> Any:
    """A profile without what a second run measures differently: times, shares, rankings
    of functions that take next to no time. Kept: the shape, every string but the notes,
    the program's own hot functions with their call counts."""
    def mask(value: Any) -> Any:
        if isinstance(value, float):
            return "<float>" if math.isfinite(value) else value
        if isinstance(value, dict):
            return {k: mask(v) for k, v in value.items() if k != "rank"}
        if isinstance(value, list):
            return [mask(v) for v in value]
        return value

    out = {k: v for k, v in report.items() if k not in ("duration_s", "notes")}
    out["findings"] = [f for f in report["findings"] if (f["data"] or {}).get("scope") == "user"]
    out["findings"] = [{**f, "message": re.sub(r"[\d.]+%", "N%", f["message"]).split(",")[0]}
                       for f in out["findings"]]
    out["notes"] = [re.sub(r"\d+(\.\d+)?", "N", n) for n in report["notes"][:1]]
    return mask(out)


async def test_profile_equals_the_cli_up_to_timings(project: Path, kit) -> None:
    args = {"script": "hot.py", "engine": "cprofile", "outputs": ["hot.json"]}
    mcp = await call(project, "profile", args, allow_exec=True)
    cli = kit.cli_json(["profile", "hot.py", "--engine", "cprofile", "-o", "hot.json"], project)
    assert measured(mcp) == measured(cli)
    hot = [f for f in mcp["findings"] if f["data"]["qualname"] == "spin"]
    assert hot and hot[0]["data"]["calls"] == 20
    assert mcp["artifacts"][0]["path"] == "hot.json" and (project / "hot.json").is_file()


async def test_profile_of_a_module_with_arguments_equals_the_cli(project: Path, kit) -> None:
    (project / "echo_args.py").write_text("import sys\nprint(sys.argv[1:])\n")
    mcp = await call(project, "profile", {"module": "echo_args", "args": ["a b", "--x"],
                                          "engine": "cprofile"}, allow_exec=True)
    cli = kit.cli_json(["profile", "-m", "echo_args", "--engine", "cprofile", "--",
                        "a b", "--x"], project)
    assert measured(mcp) == measured(cli)
    assert mcp["target"] == cli["target"] == "-m echo_args 'a b' --x"


async def test_profile_diff_equals_the_cli(project: Path, kit) -> None:
    for name in ("before", "after"):
        kit.cli_json(["profile", "hot.py", "--engine", "cprofile", "-o", f"{name}.json"],
                     project)
    cli = kit.cli_json(["profile", "--diff", "before.json", "after.json"], project)
    mcp = await call(project, "profile_diff", {"before": "before.json", "after": "after.json"})
    assert kit.stable(mcp) == kit.stable(cli)
    assert mcp["command"] == "profile"


async def test_compress_write_equals_the_cli(project: Path, kit) -> None:
    cli = kit.cli_json(["compress", "pkg", "app.py", "-o", "out"], project)
    written = {p.relative_to(project): p.read_bytes() for p in (project / "out").rglob("*.py")}
    mcp = await call(project, "compress", {"paths": ["pkg", "app.py"], "output": "out",
                                           "write": True})
    assert kit.stable(mcp) == kit.stable(cli)
    assert written == {p.relative_to(project): p.read_bytes()
                       for p in (project / "out").rglob("*.py")}
    assert mcp["metrics"][0]["after"] < mcp["metrics"][0]["before"]


async def test_compress_dry_run_measures_the_same_and_writes_nothing(project: Path,
                                                                     kit) -> None:
    mcp = await call(project, "compress", {"paths": ["pkg"], "mode": "bundle",
                                           "entry": "pkg.util:used", "output": "dist/app.pyz"})
    assert not (project / "dist").exists()
    assert mcp["notes"][-1].startswith("dry run:") and mcp["artifacts"] == []
    (project / "dist").mkdir()
    cli = kit.cli_json(["compress", "pkg", "--mode", "bundle", "--entry", "pkg.util:used",
                        "-o", "dist/app.pyz"], project)
    assert (project / "dist" / "app.pyz").is_file()
    assert kit.stable(mcp) == {**kit.stable(cli), "artifacts": [],
                               "notes": [*cli["notes"], mcp["notes"][-1]]}


async def test_bench_equals_the_cli_up_to_timings(project: Path, kit) -> None:
    args = ["bench", "benchme:fast", "--against", "benchme:slow", "--rounds", "3"]
    cli = kit.cli_json(args, project)
    mcp = await call(project, "bench", {"target": "benchme:fast", "against": "benchme:slow",
                                        "rounds": 3}, allow_exec=True)
    def verdicts(report: dict) -> list:
        """The verdicts, not their measured reasons; HLB005 (noisy machine) comes and goes."""
        return [(f["code"], f["message"].split(" (")[0], f["path"], f["line"], f["severity"],
                 sorted(f["data"])) for f in report["findings"] if f["code"] != "HLB005"]

    assert verdicts(mcp) == verdicts(cli)
    assert kit.masked({**mcp, "findings": []}) == kit.masked({**cli, "findings": []})
    assert mcp["target"] == "benchme:fast -> benchme:slow"
    assert {m["name"].split()[0] for m in mcp["metrics"]} >= {"wall"}
