"""Remove dead code (HLD001-HLD007): unused definitions, unreachable statements, dead
branches, assignments to unused locals (the value stays when it may do something).

Targets are named by the line ``ast`` gives them in the text being fixed (a def's ``def``
line, a region's first statement, a branch's ``if``/``while`` line; ``deadcode.fix`` finds
them again by key and rank); libcst's positions agree with those lines.
An emptied block gets a ``pass`` (libcst writes one); a dead ``if`` with an ``else`` is
replaced by the ``else`` body, and a dead ``elif`` is unlinked from its chain.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

_EXITS = (cst.Return, cst.Raise, cst.Break, cst.Continue)
_Handler = cst.ExceptHandler | cst.ExceptStarHandler


def remove_dead_code(text: str, targets: Sequence[tuple[str, str, int]]) -> str:
    """``text`` without the targets: ``(code, name or keyword, line)`` where ``line`` is the
    ``def``/``class``/assignment line (HLD001-HLD004), the first unreachable statement's
    (HLD005) or the dead branch's ``if``/``while`` (HLD006), as ``ast`` gives them."""
    defs: set[tuple[str, int]] = set()
    variables: set[tuple[str, int]] = set()
    unreachable: set[int] = set()
    branches: dict[int, str] = {}
    keep: set[tuple[str, int]] = set()
    unbind: set[tuple[str, int]] = set()
    for code, label, line in targets:
        if code == "HLD007+value":
            keep.add((label, line))
        elif code == "HLD007+except":
            unbind.add((label, line))
        elif code == "HLD005":
            unreachable.add(line)
        elif code == "HLD006":
            branches[line] = label
        elif code in ("HLD004", "HLD007"):
            variables.add((label, line))
        else:
            defs.add((label, line))
    wrapper = MetadataWrapper(cst.parse_module(text), unsafe_skip_copy=True)
    return wrapper.visit(RemoveDeadCodeFix(defs, variables, unreachable, branches, keep,
                                           unbind)).code


class RemoveDeadCodeFix(cst.CSTTransformer):
    """Drop targeted defs, assignments, statement runs and branches."""

    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self, defs: set[tuple[str, int]], variables: set[tuple[str, int]],
                 unreachable: set[int], branches: dict[int, str],
                 keep: set[tuple[str, int]] = frozenset(),  # type: ignore[assignment]
                 unbind: set[tuple[str, int]] = frozenset()) -> None:  # type: ignore[assignment]
        super().__init__()
        #: ``except E as name`` handlers whose name goes
        self.unbind = unbind
        self.defs = defs
        self.variables = variables
        #: assignments whose target goes but whose value stays (a call's effects)
        self.keep = keep
        self.unreachable = unreachable
        self.branches = branches
        self.elifs: set[int] = set()
        #: ids of original statements in an unreachable run
        self.drop: set[int] = set()
        #: what each original statement became (a node, a removal, a flattened list)
        self.results: dict[int, object] = {}

    def _line(self, node: cst.CSTNode) -> int:
        return self.get_metadata(PositionProvider, node).start.line

    # unused definitions ---------------------------------------------------------------
    def leave_FunctionDef(self, original: cst.FunctionDef, updated: cst.FunctionDef,
                          ) -> cst.FunctionDef | cst.RemovalSentinel:
        if (original.name.value, self._line(original)) in self.defs:
            return cst.RemovalSentinel.REMOVE
        return updated

    def leave_ClassDef(self, original: cst.ClassDef, updated: cst.ClassDef,
                       ) -> cst.ClassDef | cst.RemovalSentinel:
        if (original.name.value, self._line(original)) in self.defs:
            return cst.RemovalSentinel.REMOVE
        return updated

    def leave_Assign(self, original: cst.Assign, updated: cst.Assign,
                     ) -> cst.Assign | cst.Expr | cst.RemovalSentinel:
        target = original.targets[0].target if len(original.targets) == 1 else None
        return self._assignment(target, original, updated)

    def leave_AnnAssign(self, original: cst.AnnAssign, updated: cst.AnnAssign,
                        ) -> cst.AnnAssign | cst.Expr | cst.RemovalSentinel:
        return self._assignment(original.target, original, updated)

    def _assignment(self, target: cst.BaseExpression | None,
                    original: cst.Assign | cst.AnnAssign, updated: cst.Assign | cst.AnnAssign,
                    ) -> cst.Assign | cst.AnnAssign | cst.Expr | cst.RemovalSentinel:
        if not isinstance(target, cst.Name):
            return updated
        at = (_identifier(target.value), self._line(original))
        if at in self.variables:
            return cst.RemovalSentinel.REMOVE
        if at in self.keep and updated.value is not None:  # `x = f()` -> `f()`
            return cst.Expr(value=updated.value, semicolon=updated.semicolon)
        return updated

    def leave_ExceptHandler(self, original: cst.ExceptHandler, updated: cst.ExceptHandler,
                            ) -> cst.ExceptHandler:
        return self._unbind(original, updated)

    def leave_ExceptStarHandler(self, original: cst.ExceptStarHandler,
                                updated: cst.ExceptStarHandler) -> cst.ExceptStarHandler:
        return self._unbind(original, updated)

    def _unbind(self, original: _Handler, updated: _Handler) -> _Handler:
        name = original.name
        if name is not None and isinstance(name.name, cst.Name) and \
                (_identifier(name.name.value), self._line(original)) in self.unbind:
            return updated.with_changes(name=None)
        return updated

    # unreachable statements -------------------------------------------------------------
    def visit_IndentedBlock(self, node: cst.IndentedBlock) -> bool:
        self._mark(node.body)
        return True

    def visit_Module(self, node: cst.Module) -> bool:
        self._mark(node.body)
        return True

    def leave_SimpleStatementLine(self, original: cst.SimpleStatementLine,
                                  updated: cst.SimpleStatementLine) -> cst.SimpleStatementLine:
        return updated.with_changes(body=_no_dangling_semicolon(original.body, updated.body))

    def leave_SimpleStatementSuite(self, original: cst.SimpleStatementSuite,
                                   updated: cst.SimpleStatementSuite) -> cst.SimpleStatementSuite:
        return updated.with_changes(body=_no_dangling_semicolon(original.body, updated.body))

    def visit_SimpleStatementSuite(self, node: cst.SimpleStatementSuite) -> bool:
        if self._line(node) in self.unreachable:
            self._mark_small(node.body)
        return True

    def on_leave(self, original: cst.CSTNode, updated: cst.CSTNode,  # type: ignore[override]  # libcst's union return
                 ) -> cst.CSTNode | cst.RemovalSentinel | cst.FlattenSentinel[cst.CSTNode]:
        if id(original) in self.drop:
            result: object = cst.RemovalSentinel.REMOVE
        else:
            result = super().on_leave(original, updated)
        if isinstance(result, cst.SimpleStatementLine) and not result.body:
            result = cst.RemovalSentinel.REMOVE  # libcst would drop the emptied line
        if isinstance(original, cst.BaseStatement):
            self.results[id(original)] = result
        return result  # type: ignore[return-value]  # libcst's union return

    def leave_IndentedBlock(self, original: cst.IndentedBlock, updated: cst.IndentedBlock,
                            ) -> cst.IndentedBlock:
        return updated.with_changes(body=self._rebuild(original.body, updated.body))

    def leave_Module(self, original: cst.Module, updated: cst.Module) -> cst.Module:
        return updated.with_changes(body=self._rebuild(original.body, updated.body))

    def _rebuild(self, original: Sequence[cst.BaseStatement],
                 updated: Sequence[cst.BaseStatement]) -> Sequence[cst.BaseStatement]:
        """The block without its removed statements, blank lines kept as they were."""
        removed = cst.RemovalSentinel.REMOVE
        if not any(self.results.get(id(s)) is removed for s in original):
            return updated
        out: list[cst.BaseStatement] = []
        pending: list[cst.EmptyLine] | None = None
        for stmt in original:
            result = self.results.get(id(stmt), stmt)
            if result is removed:
                if pending is None:
                    pending = [ln for ln in stmt.leading_lines if ln.comment is None]  # type: ignore[attr-defined]  # statements carry leading_lines
                continue
            items = list(result.nodes) if isinstance(result, cst.FlattenSentinel) else [result]
            if pending is not None and items:
                items[0] = _take_place(items[0], pending, first=not out)
                pending = None
            out.extend(items)
        return out

    def _mark(self, body: Sequence[cst.BaseStatement]) -> None:
        """Mark the run of statements that starts on a targeted line for removal."""
        if not self.unreachable:
            return
        for i, stmt in enumerate(body):
            if self._line(stmt) not in self.unreachable:
                continue
            if i > 0 and _exits(body[i - 1]):
                self.drop.update(id(s) for s in body[i:])
                return
            if isinstance(stmt, cst.SimpleStatementLine) and self._mark_small(stmt.body):
                self.drop.update(id(s) for s in body[i + 1:])
                return

    def _mark_small(self, body: Sequence[cst.BaseSmallStatement]) -> bool:
        """``return x; y = 1``: mark what follows the exit on its line."""
        for i, small in enumerate(body[:-1]):
            if isinstance(small, _EXITS):
                self.drop.update(id(s) for s in body[i + 1:])
                return True
        return False

    # constant branches ------------------------------------------------------------------
    def visit_If(self, node: cst.If) -> bool:
        if isinstance(node.orelse, cst.If):
            self.elifs.add(id(node.orelse))
        return True

    def leave_If(self, original: cst.If, updated: cst.If,
                 ) -> cst.BaseStatement | cst.FlattenSentinel[cst.BaseStatement] | cst.RemovalSentinel:
        if isinstance(original.orelse, cst.If) and isinstance(updated.orelse, cst.If):
            kind = self.branches.get(self._line(original.orelse))
            if kind is not None:
                updated = updated.with_changes(orelse=_resolved(updated.orelse, kind))
        if id(original) in self.elifs:
            return updated  # the chain's head resolves it
        kind = self.branches.get(self._line(original))
        if kind is None:
            return updated
        rest = _resolved(updated, kind)
        if rest is None:
            return cst.RemovalSentinel.REMOVE
        if isinstance(rest, cst.If):
            return rest.with_changes(leading_lines=updated.leading_lines)
        return _flatten(rest.body, updated.leading_lines)

    def leave_While(self, original: cst.While, updated: cst.While,
                    ) -> cst.While | cst.FlattenSentinel[cst.BaseStatement] | cst.RemovalSentinel:
        if self.branches.get(self._line(original)) != "while":
            return updated
        if updated.orelse is None:
            return cst.RemovalSentinel.REMOVE
        return _flatten(updated.orelse.body, updated.leading_lines)


def _identifier(name: str) -> str:
    """The name as Python (and ``ast``) reads it: NFKC-normalized (``𝔘𝔫𝔦𝔠𝔬𝔡𝔢`` is ``Unicode``)."""
    return name if name.isascii() else unicodedata.normalize("NFKC", name)


def _take_place(stmt: cst.BaseStatement, blank: list[cst.EmptyLine],
                first: bool) -> cst.BaseStatement:
    """``stmt`` now follows what preceded removed statements whose leading blank lines
    were ``blank``: as a block's first statement it takes those, else the wider gap."""
    own = stmt.leading_lines  # type: ignore[attr-defined]  # statements carry leading_lines
    if any(ln.comment is not None for ln in own):
        return stmt
    if first or len(blank) > len(own):
        return stmt.with_changes(leading_lines=blank)
    return stmt


def _no_dangling_semicolon(original: Sequence[cst.BaseSmallStatement],
                           updated: Sequence[cst.BaseSmallStatement],
                           ) -> Sequence[cst.BaseSmallStatement]:
    """After removing the end of ``a; b``, ``a`` loses its ``;``."""
    if not updated or len(updated) == len(original):
        return updated
    last = updated[-1].with_changes(semicolon=cst.MaybeSentinel.DEFAULT)
    return [*updated[:-1], last]


def _exits(stmt: cst.BaseStatement) -> bool:
    """The statement never falls through (mirrors ``deadcode_scan.exit_keyword``)."""
    if isinstance(stmt, cst.SimpleStatementLine):
        return any(isinstance(s, _EXITS) for s in stmt.body)
    if isinstance(stmt, cst.If):
        return _branch_exits(stmt)
    return False


def _branch_exits(node: cst.If | cst.Else | None) -> bool:
    if node is None:
        return False
    body = node.body
    stmts: Sequence[cst.BaseStatement | cst.BaseSmallStatement] = body.body
    if isinstance(body, cst.SimpleStatementSuite):
        here = any(isinstance(s, _EXITS) for s in body.body)
    else:
        here = any(_exits(s) for s in stmts)  # type: ignore[arg-type]  # IndentedBlock statements
    return here and (isinstance(node, cst.Else) or _branch_exits(node.orelse))


def _resolved(node: cst.If, kind: str) -> cst.If | cst.Else | None:
    """What is left of a dead branch: the ``if`` without its ``else`` ("else"), or what
    follows the dead body ("if"): the ``else``/``elif`` part, or nothing."""
    if kind == "else":
        return node.with_changes(orelse=None)
    return node.orelse


def _flatten(body: cst.BaseSuite, leading: Sequence[cst.EmptyLine],
             ) -> cst.FlattenSentinel[cst.BaseStatement] | cst.RemovalSentinel:
    """The statements of ``body`` at the level of the statement they replace."""
    if isinstance(body, cst.SimpleStatementSuite):
        stmts: list[cst.BaseStatement] = [cst.SimpleStatementLine(body=body.body)]
    else:
        stmts = list(body.body)
    if not stmts:
        return cst.RemovalSentinel.REMOVE
    first = stmts[0]
    stmts[0] = first.with_changes(leading_lines=[*leading, *first.leading_lines])  # type: ignore[attr-defined]  # statements carry leading_lines
    return cst.FlattenSentinel(stmts)
