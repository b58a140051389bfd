"""NType parsing, typing of values, joins and hypothesis strategies; infer() reasons."""

from __future__ import annotations

import math

from hypothesis import given, settings

from hlopt.nativize import types as T
from hlopt.nativize.analyse import analyse
from hlopt.nativize.infer import infer
from hlopt.nativize.model import OBJECT, Call, NType, Target


def test_parse_and_str_round_trip():
    for text in ["int", "list[float]", "list[list[float]]", "dict[str, int]",
                 "tuple[int, ...]", "bytes", "None"]:
        assert str(T.parse(text)) == text
    assert T.parse("List[int]") == NType("list", (T.INT,))
    assert T.parse("Optional[int]") == OBJECT
    assert T.parse("not a type (") == OBJECT


def test_of_value_and_join():
    assert T.of_value([1.0, 2.0]) == T.parse("list[float]")
    assert T.of_value([[1.0], []]) == T.parse("list[list[float]]")
    assert T.of_value({"a": 1}) == T.parse("dict[str, int]")
    assert T.of_value(True) == T.BOOL and T.of_value(2**80) == T.INT
    assert T.join(T.INT, T.FLOAT) == OBJECT
    assert T.join(T.of_value([]), T.of_value([1])) == T.parse("list[int]")
    assert T.join(T.of_value([1]), T.of_value([1.0])) == T.parse("list[object]")


@settings(max_examples=60, deadline=None)
@given(T.strategy(T.parse("list[float]")), T.strategy(T.INT), T.strategy(T.STR))
def test_strategies_produce_their_types(xs, n, s):
    assert type(xs) is list and all(type(x) is float for x in xs)
    assert type(n) is int and type(s) is str


def test_strategies_include_edge_values():
    from hypothesis import find

    find(T.strategy(T.FLOAT), lambda x: math.isnan(x))
    find(T.strategy(T.FLOAT), lambda x: x == 0.0 and math.copysign(1, x) < 0)
    find(T.strategy(T.INT), lambda n: n >= 2**63)
    find(T.strategy(T.STR), lambda s: any(ord(c) > 127 for c in s))
    find(T.strategy(T.parse("bytes")), lambda b: b == b"")


def test_infer_reasons(tmp_path):
    path = tmp_path / "m.py"
    path.write_text("def f(xs, n: int, k):\n    total = 0.0\n    for x in xs:\n"
                    "        total += x * n\n    return total\n")
    a = analyse(Target(path, "f", "m", tmp_path))
    typing = infer(a, [Call(([1.0, 2.0], 3, None)), Call(([0.5], 1), {"k": "a"})])
    assert typing.params == {"xs": T.parse("list[float]"), "n": T.INT, "k": OBJECT}
    assert typing.locals == {"total": T.FLOAT, "x": T.FLOAT}
    assert typing.returns == T.FLOAT
    assert "xs: list[float] (2 recorded calls)" in typing.reasons
    assert "n: int (annotation)" in typing.reasons
    assert "total: float (assigned only float expressions)" in typing.reasons
    assert any(r.startswith("k: object") for r in typing.reasons)
