"""Sharding: the merge of the shards' reports equals the report of the whole run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hlopt.core.render import Format, render
from hlopt.mutate import Options, merge, parse_shard, run
from hlopt.mutate.scope import shard

pytestmark = pytest.mark.slow
_TIMED = {"run time", "mutants per second", "cached"}


def comparable(report) -> tuple[list, dict]:
    findings = [f.to_dict() for f in report.sorted_findings()]
    metrics = {m.name: m.before for m in report.metrics if m.name not in _TIMED}
    return findings, metrics


def test_merge_of_three_shards_equals_the_unsharded_run(weak_project: Path, tmp_path: Path,
                                                        invoke, monkeypatch) -> None:
    whole = run(Options(paths=(weak_project,), use_cache=False))
    files = []
    for i in (1, 2, 3):
        part = run(Options(paths=(weak_project,), shard=(i, 3), use_cache=False))
        path = tmp_path / f"shard{i}.json"
        with path.open("w") as out:
            render(part, Format.json, out)
        files.append(path)
    merged = merge(files)
    assert comparable(merged) == comparable(whole)
    assert merged.exit_code == whole.exit_code == 1
    monkeypatch.chdir(tmp_path)
    cli = invoke(["mutate", "merge", *map(str, files), "--format", "json"], exit_code=1)
    assert json.loads(cli.stdout)["findings"] == [f.to_dict() for f in whole.sorted_findings()]
    invoke(["mutate", "merge", *map(str, files), "--min-score", "5", "-q"], exit_code=0)


def test_shards_are_a_deterministic_partition() -> None:
    items = list(range(10))
    parts = [shard(items, (i, 3)) for i in (1, 2, 3)]  # type: ignore[arg-type]
    assert sorted(x for p in parts for x in p) == items
    assert parts == [shard(items, (i, 3)) for i in (1, 2, 3)]  # type: ignore[arg-type]
    assert [len(p) for p in parts] == [4, 3, 3]


@pytest.mark.parametrize("text", ["0/3", "4/3", "a/b", "3"])
def test_a_bad_shard_is_a_usage_error(invoke, text: str) -> None:
    result = invoke(["mutate", ".", "--shard", text], exit_code=2)
    assert "--shard" in result.stderr
    with pytest.raises(Exception, match="I/N"):
        parse_shard(text)


def test_merge_refuses_other_reports(invoke, tmp_path: Path) -> None:
    other = tmp_path / "other.json"
    other.write_text(json.dumps({"command": "debloat", "findings": []}))
    result = invoke(["mutate", "merge", str(other)], exit_code=2)
    assert "an `hlopt debloat` report, not a mutate report" in result.stderr
