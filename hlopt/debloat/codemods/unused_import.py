"""Remove import aliases (HLI001, HLI002), keeping every comment but their own trailing one.

An alias is named by ``(scope, key, nth)``: the dotted def/class names around it, the
alias written as a statement of its own (``"from .m import x as y"``) and its rank among
aliases with the same key in that scope (see ``import_usage.alias_key``). Removing the
last alias of a statement removes the statement; comment lines above it move to the next
statement (or the block's footer), an emptied block keeps a ``pass``, and parentheses,
trailing commas and ``;`` are repaired. libcst keeps everything else byte for byte
(CRLF included).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import libcst as cst
from libcst.helpers import get_full_name_for_node

Target = tuple[str, str, int]


def remove_imports(text: str, targets: set[Target]) -> str:
    """``text`` without the aliases named in ``targets``."""
    module = cst.parse_module(text)
    return module.visit(RemoveUnusedImportFix(targets)).code


class RemoveUnusedImportFix(cst.CSTTransformer):
    """Drop the targeted aliases; drop statements (and keep blocks valid) as they empty."""

    def __init__(self, targets: set[Target]) -> None:
        super().__init__()
        self.targets = targets
        self.scope: list[str] = []
        self.seen: Counter[tuple[str, str]] = Counter()
        #: emptied statement lines that carry comment lines, replaced in their block
        self.placeholders: list[cst.SimpleStatementLine] = []
        self.first: cst.BaseStatement | None = None
        self.removed_first = False

    def visit_Module(self, node: cst.Module) -> bool:
        self.first = node.body[0] if node.body else None
        return True

    # scopes ---------------------------------------------------------------------------
    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        self.scope.append(node.name.value)
        return True

    def leave_FunctionDef(self, original: cst.FunctionDef,
                          updated: cst.FunctionDef) -> cst.FunctionDef:
        self.scope.pop()
        return updated

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        self.scope.append(node.name.value)
        return True

    def leave_ClassDef(self, original: cst.ClassDef, updated: cst.ClassDef) -> cst.ClassDef:
        self.scope.pop()
        return updated

    # imports --------------------------------------------------------------------------
    def leave_Import(self, original: cst.Import,
                     updated: cst.Import) -> cst.Import | cst.RemovalSentinel:
        drop = self._marks("import ", updated.names)
        if not any(drop):
            return updated
        if all(drop):
            return cst.RemoveFromParent()
        names, _, _ = _without(list(updated.names), drop, None, None)
        return updated.with_changes(names=names)

    def leave_ImportFrom(self, original: cst.ImportFrom,
                         updated: cst.ImportFrom) -> cst.ImportFrom | cst.RemovalSentinel:
        if isinstance(updated.names, cst.ImportStar):
            return updated
        module = get_full_name_for_node(updated.module) if updated.module else ""
        drop = self._marks(f"from {'.' * len(updated.relative)}{module} import ", updated.names)
        if not any(drop):
            return updated
        if all(drop):
            return cst.RemoveFromParent()
        names, lpar, rpar = _without(list(updated.names), drop, updated.lpar, updated.rpar)
        return updated.with_changes(names=names, lpar=lpar, rpar=rpar)

    def _marks(self, prefix: str, names: Sequence[cst.ImportAlias]) -> list[bool]:
        scope = ".".join(self.scope)
        out = []
        for alias in names:
            key = prefix + _alias_text(alias)
            n = self.seen[scope, key]
            self.seen[scope, key] += 1
            out.append((scope, key, n) in self.targets)
        return out

    # statements and blocks ------------------------------------------------------------
    def leave_SimpleStatementLine(
        self, original: cst.SimpleStatementLine, updated: cst.SimpleStatementLine
    ) -> cst.SimpleStatementLine | cst.RemovalSentinel:
        if len(updated.body) == len(original.body):
            return updated
        if updated.body:
            return updated.with_changes(body=_fix_semicolons(original.body, updated.body))
        self.removed_first = self.removed_first or original is self.first
        placeholder = updated.with_changes(body=[cst.Pass()])
        self.placeholders.append(placeholder)
        return placeholder

    def leave_SimpleStatementSuite(
        self, original: cst.SimpleStatementSuite, updated: cst.SimpleStatementSuite
    ) -> cst.SimpleStatementSuite:
        if len(updated.body) == len(original.body):
            return updated
        if not updated.body:
            return updated.with_changes(body=[cst.Pass()])
        return updated.with_changes(body=_fix_semicolons(original.body, updated.body))

    def leave_IndentedBlock(self, original: cst.IndentedBlock,
                            updated: cst.IndentedBlock) -> cst.IndentedBlock:
        body, footer = self._settle(updated.body, updated.footer, keep_one=True)
        if body is updated.body:
            return updated
        return updated.with_changes(body=body, footer=footer)

    def leave_Module(self, original: cst.Module, updated: cst.Module) -> cst.Module:
        body, footer = self._settle(updated.body, updated.footer, keep_one=False)
        if self.removed_first and body and body[0].leading_lines:
            # the file now starts with the next statement: not with the blank lines before it
            lines = list(body[0].leading_lines)
            while lines and lines[0].comment is None:
                lines.pop(0)
            body = [body[0].with_changes(leading_lines=lines), *body[1:]]
        if body is updated.body:
            return updated
        if not (body or footer or updated.header):  # every statement went: an empty file
            return updated.with_changes(body=body, footer=footer, has_trailing_newline=False)
        return updated.with_changes(body=body, footer=footer)

    def _settle(self, body: Sequence[cst.BaseStatement], footer: Sequence[cst.EmptyLine],
                keep_one: bool) -> tuple[Sequence[cst.BaseStatement], Sequence[cst.EmptyLine]]:
        """Drop emptied lines (placeholders); the lines above them go to what follows.

        Comment lines always move on (to the next statement, or the footer); blank lines
        only where the next statement has none of its own, so spacing stays as it was.
        """
        ids = {id(p) for p in self.placeholders}
        if not any(id(s) in ids for s in body):
            return body, footer
        out: list[cst.BaseStatement] = []
        carry: list[cst.EmptyLine] = []
        for stmt in body:
            if id(stmt) in ids:
                carry.extend(stmt.leading_lines)
                continue
            if carry:
                stmt = stmt.with_changes(leading_lines=_join_lines(carry, stmt.leading_lines))
                carry = []
            out.append(stmt)
        if not out and keep_one:
            return [cst.SimpleStatementLine(body=[cst.Pass()], leading_lines=carry)], footer
        if _has_comment(carry):
            footer = [*carry, *footer]
        return out, footer


def _has_comment(lines: Sequence[cst.EmptyLine]) -> bool:
    return any(line.comment is not None for line in lines)


def _join_lines(carried: list[cst.EmptyLine],
                own: Sequence[cst.EmptyLine]) -> Sequence[cst.EmptyLine]:
    if _has_comment(carried):
        return [*carried, *own]
    return own if own else carried


def _alias_text(alias: cst.ImportAlias) -> str:
    name = get_full_name_for_node(alias.name) or ""
    if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
        return f"{name} as {alias.asname.name.value}"
    return name


def _fix_semicolons(original: Sequence[cst.BaseSmallStatement],
                    body: Sequence[cst.BaseSmallStatement]) -> list[cst.BaseSmallStatement]:
    """The new last statement ends the way the old last one did (usually: no ``;``)."""
    out = list(body)
    out[-1] = out[-1].with_changes(semicolon=original[-1].semicolon)
    return out


Whitespace = cst.BaseParenthesizableWhitespace


def _merge(before: Whitespace, after: Whitespace) -> Whitespace:
    """The whitespace left where an alias (and its comma) was cut out.

    ``before`` precedes the removed alias, ``after`` follows it. When the alias had a line
    of its own, its trailing comment goes with it but comment lines after it stay; when it
    shared a line, the next alias takes its place on that line.
    """
    if isinstance(before, cst.ParenthesizedWhitespace):
        if isinstance(after, cst.ParenthesizedWhitespace):
            return before.with_changes(empty_lines=[*before.empty_lines, *after.empty_lines],
                                       indent=after.indent, last_line=after.last_line)
        return before
    return after if isinstance(after, cst.ParenthesizedWhitespace) else before


def _closing(before: Whitespace, after: Whitespace) -> Whitespace:
    """The whitespace before ``)`` once the last alias (which had no comma) is gone."""
    if isinstance(before, cst.ParenthesizedWhitespace):
        if isinstance(after, cst.ParenthesizedWhitespace):
            return _merge(before, after)
        has_comment = before.first_line.comment is not None or any(
            line.comment is not None for line in before.empty_lines)
        return before if has_comment else after
    return after


def _without(
    names: list[cst.ImportAlias], drop: list[bool], lpar: cst.LeftParen | None,
    rpar: cst.RightParen | None,
) -> tuple[list[cst.ImportAlias], cst.LeftParen | None, cst.RightParen | None]:
    """``names`` minus the dropped aliases (one is kept at least), commas and comments repaired.

    Removals go from the last alias to the first so indices stay valid.
    """
    for i in reversed(range(len(names))):
        if not drop[i]:
            continue
        gone = names.pop(i)
        comma = gone.comma
        if i < len(names):  # a later alias takes its place
            assert isinstance(comma, cst.Comma)
            if i > 0:
                names[i - 1] = _extend(names[i - 1], comma.whitespace_after)
            elif lpar is not None:
                lpar = lpar.with_changes(
                    whitespace_after=_merge(lpar.whitespace_after, comma.whitespace_after))
            continue
        prev = names[i - 1]  # it was the last alias: the one before is last now
        assert isinstance(prev.comma, cst.Comma)
        if isinstance(comma, cst.Comma):  # keep the trailing-comma style
            names[i - 1] = _extend(prev, comma.whitespace_after)
            continue
        names[i - 1] = prev.with_changes(comma=cst.MaybeSentinel.DEFAULT)
        if rpar is not None:
            rpar = rpar.with_changes(whitespace_before=_closing(prev.comma.whitespace_after,
                                                              rpar.whitespace_before))
    if rpar is None and isinstance(names[-1].comma, cst.Comma):
        names[-1] = names[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
    return names, lpar, rpar


def _extend(alias: cst.ImportAlias, after: Whitespace) -> cst.ImportAlias:
    """``alias`` whose comma is now followed by what followed the removed alias."""
    assert isinstance(alias.comma, cst.Comma)
    comma = alias.comma.with_changes(whitespace_after=_merge(alias.comma.whitespace_after, after))
    return alias.with_changes(comma=comma)
