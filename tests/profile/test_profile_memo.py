"""The --memo pass: measured in a real second run, it advises a cache for the recursive
function and not for the function whose arguments never repeat."""

from __future__ import annotations

import glob
import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from hlopt.profile.memo import MemoStats, human_bytes, human_count

REPO = Path(__file__).resolve().parents[2]
MIXED = str(REPO / "bench" / "workloads" / "mixed.py")
TRACER = REPO / "hlopt" / "profile" / "child" / "memo_trace.py"


def test_memo_advice_fires_for_fib_and_not_for_scramble(prof) -> None:  # noqa: ANN001
    doc = prof.run(["--engine", "cprofile", "--memo", MIXED, "--", "--scale", "0.2"])
    memo = prof.codes(doc, "HLH003")
    assert [f["data"]["qualname"] for f in memo] == ["fib"]
    fib = memo[0]
    assert fib["data"]["calls"] == 150_049
    assert fib["data"]["distinct_args"] == 25
    assert fib["data"]["hit_rate"] > 0.999
    assert fib["data"]["maxsize"] == 32
    assert "lru_cache(maxsize=32) would serve 99.98% of 150.0k calls, about" in fib["message"]
    assert fib["fix"]["title"].startswith("Decorate `fib` with `@functools.lru_cache")
    by_name = {h["qualname"]: h for h in prof.hot(doc)}
    scramble = by_name["scramble"]["memo"]
    assert scramble["calls"] == 50_000 and scramble["hit_rate"] == 0.0
    assert scramble["maxsize"] is None
    assert by_name["fib"]["memo"]["arg_types"] == {"n": {"int": 256}}
    assert any(n.startswith("memo pass: traced") for n in doc["notes"])
    assert doc["exit_code"] == 0


def test_without_memo_a_hint_names_the_candidates(prof) -> None:  # noqa: ANN001
    doc = prof.run(["--engine", "cprofile", MIXED, "--", "--scale", "0.2"])
    assert not prof.codes(doc, "HLH003")
    hint = [n for n in doc["notes"] if n.startswith("add --memo")]
    assert hint and "`fib`" in hint[0]


def _load_tracer():  # noqa: ANN202 - a module
    spec = importlib.util.spec_from_file_location("_memo_trace_test", TRACER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_lru_simulation_matches_functools_lru_cache() -> None:
    import functools

    tracer_mod = _load_tracer()
    keys = [i % 7 for i in range(300)] + [i % 3 for i in range(100)] + list(range(50))
    site = tracer_mod.Site({"name": "f"}, [2, 4, 8, 64])
    for k in keys:
        site.calls += 1
        site._access((k,))
    for size in (2, 4, 8, 64):
        cached = functools.lru_cache(maxsize=size)(lambda k: k)
        for k in keys:
            cached(k)
        hits = site.sim_hits.get(size, site.hits)
        assert hits == cached.cache_info().hits, size
    assert site.hits == len(keys) - len(set(keys))


_PROBE = """
import importlib.util, json, os, sys
spec = importlib.util.spec_from_file_location("mt", sys.argv[1])
mt = importlib.util.module_from_spec(spec); spec.loader.exec_module(mt)
def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)
def kw(a, *rest, scale=1, **extra):
    return a
here = os.path.realpath(__file__)
t = mt.Tracer([{"file": here, "name": "fib", "lo": 5, "hi": 5},
               {"file": here, "name": "kw", "lo": 7, "hi": 7}], [8, 32])
t.start()
fib(15)
for i in range(50):
    kw(i % 5, 1, 2, scale=2, flag=[1])  # an unhashable keyword argument
    kw(i % 5, scale=3)
t.stop()
print(json.dumps(t.results()))
"""


def _python(version: str) -> str | None:
    """An interpreter of this version that runs, or None."""
    if sys.version.startswith(version + "."):
        return sys.executable
    found = [shutil.which(f"python{version}")]
    found += sorted(glob.glob(os.path.expanduser(f"~/.pyenv/versions/{version}*/bin/python3")))
    for python in filter(None, found):
        probe = subprocess.run([python, "-c", "import sys; print(sys.version)"],
                               capture_output=True, text=True)
        if probe.returncode == 0 and probe.stdout.startswith(version + "."):
            return python
    return None


@pytest.mark.parametrize("version", ["3.11", "3.12", "3.13"])
def test_tracer_backends_agree(tmp_path: Path, version: str) -> None:
    python = _python(version)
    if python is None:
        pytest.skip(f"no Python {version} on this machine")
    probe = tmp_path / "probe.py"
    probe.write_text(_PROBE)
    out = subprocess.run([python, str(probe), str(TRACER)], capture_output=True, text=True,
                         check=True)
    data = json.loads(out.stdout)
    expected = "sys.monitoring" if version != "3.11" else "sys.setprofile"
    assert data["backend"] == expected
    fib, kw = data["functions"]
    assert (fib["calls"], fib["distinct"], fib["hits"]) == (1973, 16, 1957)
    assert kw["calls"] == 100 and kw["unhashable"] == 50
    assert kw["distinct"] == 5 and kw["hits"] == 45
    assert kw["arg_types"]["a"] == {"int": 100}


def test_memo_stats_sentence_and_sizes() -> None:
    stats = MemoStats(calls=1_200_000, distinct=400, unhashable=0, hits=1_199_600,
                      lru_hits={32: 900_000, 128: 1_100_000, 512: 1_199_600},
                      key_bytes=64.0, result_bytes=32.0)
    assert stats.best_size() == (512, 1_199_600 / 1_200_000)
    assert stats.memory(512) == 400 * (192 + 64 + 32)
    assert stats.sentence() == ("lru_cache(maxsize=512) would serve 99.96% of 1.2M calls, "
                                "about 112 KB")
    none = MemoStats(10, 10, 0, 0, {32: 0}, 10.0, 10.0)
    assert none.best_size() == (None, 0.0)
    assert human_count(999) == "999" and human_count(1500) == "1.5k"
    assert human_bytes(512) == "512 B" and human_bytes(40 * 1024) == "40 KB"
