"""NType helpers: parse a type's text, type a value, join two types, and build hypothesis strategies."""

from __future__ import annotations

import ast
from typing import Any

from hlopt.nativize.model import OBJECT, NType

INT = NType("int")
FLOAT = NType("float")
BOOL = NType("bool")
STR = NType("str")
BYTES = NType("bytes")
NONE = NType("None")

#: the names NType knows; anything else parses to ``object``
_SCALARS = {"int", "float", "bool", "complex", "str", "bytes", "bytearray", "memoryview",
            "None", "object"}
_GENERIC = {"list": 1, "tuple": -1, "dict": 2, "set": 1, "frozenset": 1}
_ALIASES = {"List": "list", "Tuple": "tuple", "Dict": "dict", "Set": "set",
            "FrozenSet": "frozenset", "NoneType": "None", "Any": "object"}
#: how far of_value looks into a container before calling its element type ``object``
_SAMPLE = 64


def parse(text: str) -> NType:
    """``"list[float]"`` -> NType("list", (float,)); unknown names become ``object``."""
    try:
        node = ast.parse(text.strip(), mode="eval").body
    except SyntaxError:
        return OBJECT
    return from_annotation(node)


def from_annotation(node: ast.expr | None) -> NType:
    """An annotation's AST as an NType (``Optional``/unions are ``object``)."""
    if node is None:
        return OBJECT
    if isinstance(node, ast.Constant):
        if node.value is None:
            return NONE
        return parse(node.value) if isinstance(node.value, str) else OBJECT
    if isinstance(node, ast.Name | ast.Attribute):
        name = node.id if isinstance(node, ast.Name) else node.attr
        name = _ALIASES.get(name, name)
        if name in _SCALARS:
            return NType(name)
        return NType(name) if name in _GENERIC else OBJECT
    if isinstance(node, ast.Subscript):
        return _generic(node)
    return OBJECT


def _generic(node: ast.Subscript) -> NType:
    base = from_annotation(node.value)
    if base.name not in _GENERIC:
        return OBJECT
    elts = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
    args = tuple(NType("...") if isinstance(e, ast.Constant) and e.value is Ellipsis
                 else from_annotation(e) for e in elts)
    want = _GENERIC[base.name]
    if want != -1 and len(args) != want:
        return NType(base.name)
    return NType(base.name, args)


def of_value(value: Any) -> NType:
    """The NType of one value: ``[1.0, 2.0]`` -> list[float]; mixed elements join."""
    kind = type(value)
    if value is None:
        return NONE
    if kind in (int, float, bool, complex, str, bytes, bytearray, memoryview):
        return NType(kind.__name__)
    if kind in (list, set, frozenset):
        return NType(kind.__name__, (_elements(list(value)[:_SAMPLE] if kind is not list
                                               else value[:_SAMPLE]),))
    if kind is tuple:
        if len(value) <= 8:
            return NType("tuple", tuple(of_value(v) for v in value))
        return NType("tuple", (_elements(value[:_SAMPLE]), NType("...")))
    if kind is dict:
        items = list(value.items())[:_SAMPLE]
        return NType("dict", (_elements([k for k, _ in items]), _elements([v for _, v in items])))
    return OBJECT


def _elements(values: list[Any]) -> NType:
    """The join of the elements' types; ``object`` for an empty container (nothing seen)."""
    if not values:
        return NType("?")
    out = of_value(values[0])
    for v in values[1:]:
        out = join(out, of_value(v))
    return out


def join(a: NType, b: NType) -> NType:
    """The least type that holds both (``?`` is the empty container's unknown element)."""
    if a == b:
        return a
    if a.name == "?":
        return b
    if b.name == "?":
        return a
    if a.name != b.name or a.name not in _GENERIC or len(a.args) != len(b.args):
        if a.name == b.name and a.name == "tuple":
            return NType("tuple")
        return OBJECT if a.name != b.name else NType(a.name)
    return NType(a.name, tuple(join(x, y) for x, y in zip(a.args, b.args, strict=True)))


def element(t: NType) -> NType:
    """The element type of a list/set type (``object`` when unknown)."""
    if t.args and t.args[0].name != "?":
        return t.args[0]
    return OBJECT


def is_known(t: NType) -> bool:
    """True when ``t`` has no ``object`` or unknown part a native type could rely on."""
    if t.name in ("object", "?"):
        return False
    return all(is_known(a) for a in t.args if a.name != "...")


def strategy(t: NType) -> Any:
    """A hypothesis strategy for values of ``t``, with the edge values that break native code."""
    from hypothesis import strategies as st

    if t.name in _LEAVES:
        return _LEAVES[t.name](st)
    if t.name in ("list", "set", "frozenset"):
        inner = strategy(element(t))
        lists = st.lists(inner, max_size=40)
        return lists if t.name == "list" else lists.map(set if t.name == "set" else frozenset)
    if t.name == "tuple":
        if len(t.args) == 2 and t.args[1].name == "...":
            return st.lists(strategy(t.args[0]), max_size=12).map(tuple)
        return st.tuples(*(strategy(a) for a in t.args)) if t.args else st.tuples()
    if t.name == "dict" and len(t.args) == 2:
        return st.dictionaries(strategy(t.args[0]), strategy(t.args[1]), max_size=20)
    return st.one_of(st.none(), st.integers(), st.floats(), st.text(max_size=8))


_EDGE_INTS = [0, 1, -1, 2, -2, 2**31 - 1, -(2**31), 2**53, 2**53 + 1, 2**62, 2**63 - 1,
              -(2**63), 2**63, -(2**63) - 1, 2**64, 2**64 - 1, 10**30, -(10**30)]
_EDGE_FLOATS = [0.0, -0.0, 1.0, -1.0, 0.5, float("nan"), float("inf"), float("-inf"),
                5e-324, -5e-324, 2.2250738585072014e-308, 1.7976931348623157e308, 1e-300,
                2.0**53, 2.0**63, -(2.0**63), 0.1, 1e16]


def _ints(st: Any) -> Any:
    return st.one_of(st.integers(-1000, 1000), st.sampled_from(_EDGE_INTS),
                     st.integers(-(2**70), 2**70))


def _floats(st: Any) -> Any:
    return st.one_of(st.floats(-1e6, 1e6), st.sampled_from(_EDGE_FLOATS), st.floats())


def _text(st: Any) -> Any:
    return st.one_of(st.text(max_size=30), st.text(alphabet="ab =;,\n\tAé€😀", max_size=40),
                     st.sampled_from(["", "a", "ß", "İ", "a=1;b=2", "x\u00a0y"]))


_LEAVES: dict[str, Any] = {
    "int": _ints,
    "float": _floats,
    "bool": lambda st: st.booleans(),
    "None": lambda st: st.none(),
    "complex": lambda st: st.complex_numbers(allow_nan=True),
    "str": _text,
    "bytes": lambda st: st.one_of(st.binary(max_size=64), st.sampled_from([b"", b"\x00", b"\xff" * 9])),
    "bytearray": lambda st: st.binary(max_size=64).map(bytearray),
    "memoryview": lambda st: st.binary(max_size=32).map(memoryview),
}
