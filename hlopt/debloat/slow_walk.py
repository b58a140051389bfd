"""A fast way to list an ``ast`` node's children, shared by the HLA and HLF walkers.

``ast.iter_child_nodes`` is a generator that also yields the ``Load``/``Store`` context
and operator singletons; on the standard library that is a third of all nodes. This table
keeps, per node type, only the fields that can hold statements or expressions.
"""

from __future__ import annotations

import ast

#: fields that never hold a child worth visiting
_NOT_CHILDREN = frozenset({
    "ctx", "op", "ops", "id", "attr", "name", "names", "arg", "kind", "type_comment",
    "conversion", "level", "module", "is_async", "simple", "asname", "type_ignores", "tag",
    "kwd_attrs",
})
_FIELDS: dict[type, tuple[str, ...]] = {ast.Constant: (), ast.Name: ()}


def child_fields(t: type) -> tuple[str, ...]:
    """The fields of node type ``t`` that may hold child nodes, in reverse order (so that a
    stack walk pops children in source order)."""
    fields = _FIELDS.get(t)
    if fields is None:
        fields = tuple(reversed([f for f in getattr(t, "_fields", ()) if f not in _NOT_CHILDREN]))
        _FIELDS[t] = fields
    return fields


def push_children(node: ast.AST, stack: list[ast.AST]) -> None:
    """Push ``node``'s children so that they pop in source order."""
    fields = _FIELDS.get(type(node))
    if fields is None:
        fields = child_fields(type(node))
    for name in fields:
        v = getattr(node, name)
        if v is None:
            continue
        if type(v) is list:
            stack.extend(reversed(v))
        else:
            stack.append(v)
