"""Carry out a plan's renames as edits of single name tokens, before libcst sees the code.

A rename replaces one NAME token by another (or ``N`` by ``a as N`` in an import), so it
is exact by construction: every edit checks that the planned token is there and spells
the old name, and a plan that does not match the text fails the file.
"""

from __future__ import annotations

import io
import keyword
import tokenize

from hlopt.compress.model import Key, Plan


class EditError(Exception):
    """A planned rename did not find its token."""


def apply_renames(text: str, plan: Plan) -> str:
    """``text`` with every rename of ``plan`` carried out."""
    if not (plan.renames or plan.except_renames or plan.decl_renames
            or plan.import_renames or plan.attr_renames):
        return text
    names = [t for t in tokenize.generate_tokens(io.StringIO(text).readline)
             if t.type in (tokenize.NAME, tokenize.OP, tokenize.NEWLINE)]
    index = {t.start: i for i, t in enumerate(names)}
    edits: dict[Key, tuple[str, str]] = {}
    for key, new in [*plan.renames.items(), *plan.attr_renames.items()]:
        edits[key] = (_at(names, index, key).string, new)
    for key, new in plan.except_renames.items():
        after_as = _after(names, index, key, "as")
        edits[after_as.start] = (after_as.string, new)
    for key, mapping in plan.decl_renames.items():
        for tok in _statement(names, index, key):
            if tok.type == tokenize.NAME and tok.string in mapping:
                edits[tok.start] = (tok.string, mapping[tok.string])
    for key, mapping in plan.import_renames.items():
        _imports(names, index, key, mapping, edits)
    return _apply(text, edits)


def _at(names: list[tokenize.TokenInfo], index: dict[tuple[int, int], int],
        key: Key) -> tokenize.TokenInfo:
    i = index.get(key)
    if i is None or names[i].type != tokenize.NAME or keyword.iskeyword(names[i].string):
        raise EditError(f"no name at line {key[0]}, column {key[1]}")
    return names[i]


def _statement(names: list[tokenize.TokenInfo], index: dict[tuple[int, int], int],
               key: Key) -> list[tokenize.TokenInfo]:
    """The tokens of the simple statement that starts at ``key``."""
    i = index.get(key)
    if i is None:
        raise EditError(f"no statement at line {key[0]}, column {key[1]}")
    out = []
    for tok in names[i + 1:]:
        if tok.type == tokenize.NEWLINE or tok.string in (";", ":"):
            break
        out.append(tok)
    return out


def _after(names: list[tokenize.TokenInfo], index: dict[tuple[int, int], int], key: Key,
           keyword: str) -> tokenize.TokenInfo:
    tokens = _statement(names, index, key)
    for i, tok in enumerate(tokens[:-1]):
        if tok.type == tokenize.NAME and tok.string == keyword:
            return tokens[i + 1]
    raise EditError(f"no `{keyword} NAME` after line {key[0]}, column {key[1]}")


def _imports(names: list[tokenize.TokenInfo], index: dict[tuple[int, int], int], key: Key,
             mapping: dict[str, str], edits: dict[Key, tuple[str, str]]) -> None:
    """``from m import N`` -> ``from m import a as N``; ``N as X`` -> ``a as X``."""
    tokens = _statement(names, index, key)
    seen_import = False
    for i, tok in enumerate(tokens):
        if tok.type != tokenize.NAME:
            continue
        if not seen_import:
            seen_import = tok.string == "import"
            continue
        prev = tokens[i - 1].string
        nxt = tokens[i + 1].string if i + 1 < len(tokens) else ""
        if tok.string in mapping and prev != "as":
            new = mapping[tok.string]
            edits[tok.start] = (tok.string, new if nxt == "as" else f"{new} as {tok.string}")


def _apply(text: str, edits: dict[Key, tuple[str, str]]) -> str:
    lines = text.split("\n")
    for (line, col), (old, new) in sorted(edits.items(), reverse=True):
        row = lines[line - 1]
        if row[col:col + len(old)] != old:
            raise EditError(f"line {line}, column {col} does not read {old!r}")
        lines[line - 1] = row[:col] + new + row[col + len(old):]
    return "\n".join(lines)
