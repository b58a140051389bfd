"""HLR: catastrophic backtracking found statically and confirmed by running; bad patterns."""

from __future__ import annotations

import json
import re

import pytest

from hlopt import debloat
from hlopt.debloat import regex_family
from hlopt.debloat.regex_confirm import LENGTHS, confirm, measure
from hlopt.debloat.regex_redos import Attack, find_attacks
from hlopt.debloat.regex_scan import find_calls

CATASTROPHIC = r"^(\w+\s?)+$"
#: the same words-and-spaces language, each character with one way to match
SAFE_SAME_SHAPE = r"^\w+(?:\s\w+)*$"


def test_confirmation_shows_superlinear_growth_then_a_timeout() -> None:
    growth = confirm(CATASTROPHIC, 0, find_attacks(CATASTROPHIC, 0))
    assert growth is not None and growth.confirmed
    steps = growth.steps
    assert steps[-1].timed_out, growth.summary()
    assert [s.length for s in steps] == list(LENGTHS[:len(steps)])
    timed = [s for s in steps if not s.timed_out and s.seconds > 0.001]
    # each doubling of the string more than doubles the time before the timeout
    assert any(b.seconds > 3 * a.seconds for a, b in zip(timed, timed[1:], strict=False)), \
        growth.summary()
    assert "timeout (0.05 s)" in growth.summary()


def test_safe_pattern_of_the_same_shape_shows_no_growth() -> None:
    assert find_attacks(SAFE_SAME_SHAPE, 0) == []
    # run the catastrophic pattern's own attack against the safe pattern anyway
    attack = find_attacks(CATASTROPHIC, 0)[0]
    import time

    growth = measure(SAFE_SAME_SHAPE, 0, attack, "search", time.process_time() + 5)
    assert not growth.confirmed, growth.summary()
    assert not any(s.timed_out for s in growth.steps)
    assert growth.steps[-1].length == LENGTHS[-1]


def test_exponential_alternation_stops_at_the_first_timeout() -> None:
    growth = confirm(r"^(a|aa)+$", 0, find_attacks(r"^(a|aa)+$", 0))
    assert growth is not None and growth.confirmed
    assert growth.steps[-1].timed_out
    assert sum(s.timed_out for s in growth.steps) == 1


@pytest.mark.parametrize(("pattern", "kind"), [
    (r"^(a+)+$", "nested"), (r"^(\w+\s?)+$", "nested"), (r"(.*a){12}", "nested"),
    (r"^(\d+)*$", "nested"), (r"(x+x+)+y", "nested"), (r"^(a|aa)+$", "alternation"),
    (r"\s*#?\s*$", "adjacent"), (b"^(a+)+$", "nested"),
])
def test_suspicious_shapes(pattern: str | bytes, kind: str) -> None:
    assert kind in {a.kind for a in find_attacks(pattern, 0)}


@pytest.mark.parametrize("pattern", [
    r"^(a+)$", r"^(ab)+$", r"(a|a)*b", r"^(?>\w+\s?)+$", r"^(\w+\s?)++$", r"([^/]+/)*x",
    r"(\s\w+)*", r"^[a-z]+@[a-z]+\.com$", r"a*b*",
])
def test_safe_shapes(pattern: str) -> None:
    assert find_attacks(pattern, 0) == []


def test_calls_are_resolved_through_aliases() -> None:
    import ast

    text = (
        "import re as r\nimport regex\nfrom re import compile as c, IGNORECASE as I\n"
        "P = 'a' + 'b'\nr.search(P, s)\nregex.match('x', s, flags=I)\nc('y', r.I | r.M)\n"
        "r.compile(f'{x}')\nr.escape('q')\n"
    )
    calls = find_calls(ast.parse(text), text)
    assert [(c.module, c.func, c.pattern, c.flags) for c in calls] == [
        ("re", "search", "ab", 0), ("regex", "match", "x", re.I),
        ("re", "compile", "y", re.I | re.M), ("re", "compile", None, 0),
    ]


def test_invalid_pattern_reports_the_error_and_position(make_tree, invoke) -> None:
    root = make_tree({"m.py": "import re\nP = re.compile(r'(\\d+\\.(\\d+)')\n"})
    doc = json.loads(invoke(["debloat", str(root), "--select", "HLR", "--format", "json"],
                            exit_code=1).stdout)
    (f,) = doc["findings"]
    assert f["code"] == "HLR002" and f["severity"] == "error"
    assert "missing ), unterminated subpattern at position 0" in f["message"]
    assert f["data"]["position"] == 0


def test_runtime_pattern_is_never_guessed_outside_hot_spots(make_tree) -> None:
    root = make_tree({"m.py": """
        import re

        def find(prefix, s):
            return re.search(prefix + "(a+)+$", s)
    """})
    report = debloat.run(debloat.Options(paths=(root,), select=("HLR",), jobs=1))
    assert report.findings == []


def test_file_budget_bounds_confirmation(make_tree, monkeypatch) -> None:
    monkeypatch.setattr(regex_family, "FILE_BUDGET_S", 0.0)
    monkeypatch.setattr(regex_family, "_CACHE", {})
    root = make_tree({"m.py": f"import re\nP = re.compile(r'{CATASTROPHIC}')\n"})
    report = debloat.run(debloat.Options(paths=(root,), select=("HLR",), jobs=1))
    (f,) = report.findings
    assert f.code == "HLR001" and f.severity.value == "info"
    assert "not confirmed" in f.message and "budget" in f.message


def test_confirmed_finding_reports_growth_data(make_tree) -> None:
    root = make_tree({"m.py": f"import re\nP = re.compile(r'{CATASTROPHIC}')\n"})
    report = debloat.run(debloat.Options(paths=(root,), select=("HLR",), jobs=1))
    (f,) = report.findings
    assert f.code == "HLR001" and f.severity.value == "warning"
    g = f.data["growth"]
    assert g["confirmed"] and g["kind"] == "nested" and g["steps"][-1]["timed_out"]
    assert f"{g['steps'][-1]['length']} chars timeout" in f.message


def test_regex_module_patterns_unknown_to_re_are_not_analysed() -> None:
    attack = Attack("nested", "x", "", "a")
    growth = measure(r"(?P<a", 0, attack, "search", 0.0)
    assert growth.error and not growth.confirmed


def test_str_method_fix_is_unsafe_and_shown_by_diff(make_tree, invoke) -> None:
    root = make_tree({"m.py": """
        import re

        def f(s):
            if re.match("GET ", s):
                return re.sub("/", "_", s)
    """})
    out = invoke(["debloat", str(root), "--select", "HLR", "--diff"], exit_code=1).stdout
    assert "+    if s.startswith" not in out
    out = invoke(["debloat", str(root), "--select", "HLR", "--diff", "--unsafe-fixes"],
                 exit_code=1).stdout
    assert '+    if s.startswith("GET "):' in out and '+        return s.replace("/", "_")' in out
