"""The mutation operators: small changes to a function's body, found and applied with libcst.

Each operator yields ``(node, replacement)`` pairs for one libcst node. A mutant is the
unit (a function or method) with one pair applied; it is shipped as source that compiles
to the mutated unit's code object (see ``units.py``), never written to the user's file.
The set follows mutmut 3's operators (so scores compare) plus three of hlopt's own:
``return-none``, ``negate-condition`` and ``remove-call``. docs/mutate.md lists them all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import libcst as cst

_BINARY: dict[type, type] = {
    cst.Add: cst.Subtract, cst.Subtract: cst.Add, cst.Multiply: cst.Divide,
    cst.Divide: cst.Multiply, cst.FloorDivide: cst.Divide, cst.Modulo: cst.Divide,
    cst.LeftShift: cst.RightShift, cst.RightShift: cst.LeftShift, cst.BitAnd: cst.BitOr,
    cst.BitOr: cst.BitAnd, cst.BitXor: cst.BitAnd, cst.Power: cst.Multiply,
}
_AUGMENTED: dict[type, type] = {
    cst.AddAssign: cst.SubtractAssign, cst.SubtractAssign: cst.AddAssign,
    cst.MultiplyAssign: cst.DivideAssign, cst.DivideAssign: cst.MultiplyAssign,
    cst.FloorDivideAssign: cst.DivideAssign, cst.ModuloAssign: cst.DivideAssign,
    cst.LeftShiftAssign: cst.RightShiftAssign, cst.RightShiftAssign: cst.LeftShiftAssign,
    cst.BitAndAssign: cst.BitOrAssign, cst.BitOrAssign: cst.BitAndAssign,
    cst.BitXorAssign: cst.BitAndAssign, cst.PowerAssign: cst.MultiplyAssign,
}
_COMPARE: dict[type, type] = {
    cst.LessThan: cst.LessThanEqual, cst.LessThanEqual: cst.LessThan,
    cst.GreaterThan: cst.GreaterThanEqual, cst.GreaterThanEqual: cst.GreaterThan,
    cst.Equal: cst.NotEqual, cst.NotEqual: cst.Equal, cst.Is: cst.IsNot, cst.IsNot: cst.Is,
    cst.In: cst.NotIn, cst.NotIn: cst.In,
}
_BOOLEAN: dict[type, type] = {cst.And: cst.Or, cst.Or: cst.And}
_NAMES = {"True": "False", "False": "True", "deepcopy": "copy"}
_STR_METHODS = {
    "lower": "upper", "upper": "lower", "lstrip": "rstrip", "rstrip": "lstrip",
    "find": "rfind", "rfind": "find", "ljust": "rjust", "rjust": "ljust", "index": "rindex",
    "rindex": "index", "removeprefix": "removesuffix", "removesuffix": "removeprefix",
    "partition": "rpartition", "rpartition": "partition",
}


def swap_operator(op: cst.CSTNode, table: dict[type, type]) -> cst.CSTNode | None:
    """The operator ``table`` maps ``op`` to, keeping its whitespace; None when unmapped."""
    new = table.get(type(op))
    if new is None:
        return None
    kwargs = {k: getattr(op, k) for k in ("whitespace_before", "whitespace_after")
              if hasattr(op, k) and k in new.__dataclass_fields__}
    if "whitespace_between" in new.__dataclass_fields__:
        kwargs["whitespace_between"] = cst.SimpleWhitespace(" ")
    return new(**kwargs)


def binary(node: cst.BinaryOperation) -> Iterator[cst.CSTNode]:
    op = swap_operator(node.operator, _BINARY)
    if op is not None:
        yield node.with_changes(operator=op)


def augmented(node: cst.AugAssign) -> Iterator[cst.CSTNode]:
    op = swap_operator(node.operator, _AUGMENTED)
    if op is not None:
        yield node.with_changes(operator=op)
    yield cst.Assign([cst.AssignTarget(node.target)], node.value, node.semicolon)


def comparison(node: cst.ComparisonTarget) -> Iterator[cst.CSTNode]:
    op = swap_operator(node.operator, _COMPARE)
    if op is not None:
        yield node.with_changes(operator=op)


def boolean(node: cst.BooleanOperation) -> Iterator[cst.CSTNode]:
    op = swap_operator(node.operator, _BOOLEAN)
    if op is not None:
        yield node.with_changes(operator=op)


def unary(node: cst.UnaryOperation) -> Iterator[cst.CSTNode]:
    if isinstance(node.operator, cst.Not | cst.BitInvert):
        yield node.expression
    elif isinstance(node.operator, cst.Minus):
        yield node.with_changes(operator=cst.Plus())
    elif isinstance(node.operator, cst.Plus):
        yield node.with_changes(operator=cst.Minus())


def number(node: cst.Integer | cst.Float) -> Iterator[cst.CSTNode]:
    try:
        value = node.evaluated_value + 1
    except (ValueError, OverflowError):
        return
    if value != float("inf"):
        yield node.with_changes(value=repr(value))


def string(node: cst.SimpleString) -> Iterator[cst.CSTNode]:
    text = node.value
    quote = min(i for i in (text.find('"'), text.find("'")) if i != -1)
    prefix, body = text[:quote], text[quote:]
    if body.startswith(('"""', "'''")):  # docs and templates: changing them means little
        return
    yield node.with_changes(value=f"{prefix}{body[0]}XX{body[1:-1]}XX{body[-1]}")


def name(node: cst.Name) -> Iterator[cst.CSTNode]:
    if node.value in _NAMES:
        yield node.with_changes(value=_NAMES[node.value])


def assign(node: cst.Assign | cst.AnnAssign) -> Iterator[cst.CSTNode]:
    if node.value is None:
        return
    is_none = isinstance(node.value, cst.Name) and node.value.value == "None"
    yield node.with_changes(value=cst.SimpleString('""') if is_none else cst.Name("None"))


def call(node: cst.Call) -> Iterator[cst.CSTNode]:
    yield from _call_args(node)
    func = node.func
    if isinstance(func, cst.Name) and func.value == "dict":
        for i, arg in enumerate(node.args):
            if arg.keyword is None:
                break
            kw = arg.with_changes(keyword=arg.keyword.with_changes(value=arg.keyword.value + "XX"))
            yield node.with_changes(args=[*node.args[:i], kw, *node.args[i + 1:]])
    if isinstance(func, cst.Attribute) and func.attr.value in _STR_METHODS:
        yield node.with_deep_changes(func.attr, value=_STR_METHODS[func.attr.value])
    if isinstance(func, cst.Attribute) and func.attr.value in ("split", "rsplit"):
        keywords = {a.keyword.value for a in node.args if a.keyword}
        if len(node.args) == 2 or "maxsplit" in keywords:
            other = "rsplit" if func.attr.value == "split" else "split"
            yield node.with_deep_changes(func.attr, value=other)


def _call_args(node: cst.Call) -> Iterator[cst.CSTNode]:
    args = list(node.args)
    for i, arg in enumerate(args):
        if arg.star == "" and not (isinstance(arg.value, cst.Name) and arg.value.value == "None"):
            yield node.with_changes(args=[*args[:i], arg.with_changes(value=cst.Name("None")),
                                          *args[i + 1:]])
    if len(args) > 1:
        for i in range(len(args)):
            rest = [*args[:i], *args[i + 1:]]
            last = rest[-1]
            rest[-1] = last.with_changes(comma=cst.MaybeSentinel.DEFAULT)
            yield node.with_changes(args=rest)


def lambda_(node: cst.Lambda) -> Iterator[cst.CSTNode]:
    is_none = isinstance(node.body, cst.Name) and node.body.value == "None"
    yield node.with_changes(body=cst.Integer("0") if is_none else cst.Name("None"))


def break_(node: cst.Break) -> Iterator[cst.CSTNode]:
    yield cst.Return(semicolon=node.semicolon)


def continue_(node: cst.Continue) -> Iterator[cst.CSTNode]:
    yield cst.Break(semicolon=node.semicolon)


def if_exp(node: cst.IfExp) -> Iterator[cst.CSTNode]:
    test = node.test.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
    for op, literal in ((cst.And(), "False"), (cst.Or(), "True")):
        yield node.with_changes(test=cst.BooleanOperation(test, op, cst.Name(literal)))


def match(node: cst.Match) -> Iterator[cst.CSTNode]:
    if len(node.cases) > 1:
        for i in range(len(node.cases)):
            yield node.with_changes(cases=[*node.cases[:i], *node.cases[i + 1:]])


def return_none(node: cst.Return) -> Iterator[cst.CSTNode]:
    value = node.value
    if value is not None and not (isinstance(value, cst.Name) and value.value == "None"):
        yield node.with_changes(value=cst.Name("None"))


def negate_condition(node: cst.If | cst.While) -> Iterator[cst.CSTNode]:
    """Yields the negated test (the If/While node itself is too large to splice)."""
    test = node.test.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
    yield cst.UnaryOperation(cst.Not(), test)


def remove_call(node: cst.Expr) -> Iterator[cst.CSTNode]:
    if isinstance(node.value, cst.Call):
        yield cst.Pass(semicolon=node.semicolon)


#: node type -> (operator name, generator); the order is the order mutants are numbered in
OPERATORS: tuple[tuple[type, str, Callable[..., Iterator[cst.CSTNode]]], ...] = (
    (cst.BinaryOperation, "binary-operator", binary),
    (cst.AugAssign, "augmented-assignment", augmented),
    (cst.ComparisonTarget, "comparison", comparison),
    (cst.BooleanOperation, "boolean-operator", boolean),
    (cst.UnaryOperation, "unary-operator", unary),
    (cst.Integer, "number", number),
    (cst.Float, "number", number),
    (cst.SimpleString, "string", string),
    (cst.Name, "constant-name", name),
    (cst.Assign, "assignment", assign),
    (cst.AnnAssign, "assignment", assign),
    (cst.Call, "call-arguments", call),
    (cst.Lambda, "lambda", lambda_),
    (cst.Break, "keyword", break_),
    (cst.Continue, "keyword", continue_),
    (cst.IfExp, "conditional-expression", if_exp),
    (cst.Match, "match-case", match),
    (cst.Return, "return-none", return_none),
    (cst.If, "negate-condition", negate_condition),
    (cst.While, "negate-condition", negate_condition),
    (cst.Expr, "remove-call", remove_call),
)


def mutations(node: cst.CSTNode) -> Iterator[tuple[str, cst.CSTNode, cst.CSTNode]]:
    """Every (operator name, node replaced, replacement) for one node."""
    for kind, label, fn in OPERATORS:
        if isinstance(node, kind):
            target = node.test if isinstance(node, cst.If | cst.While) else node
            for new in fn(node):
                yield label, target, new
