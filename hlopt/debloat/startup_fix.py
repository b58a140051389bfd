"""The HLS001 fix: move a top-level import into the functions that use it, or make it lazy."""

from __future__ import annotations

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

#: (statement line, statement source, function qualnames, lazy)
Move = tuple[int, str, list[str], bool]


class MoveImportFix(cst.CSTTransformer):
    """Remove the statements (found by line and exact code) and re-add them in functions."""

    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self, module: cst.Module, moves: list[Move]) -> None:
        super().__init__()
        self.module = module
        self.moves = {(line, source): (funcs, lazy) for line, source, funcs, lazy in moves}
        #: qualname -> statements to put at the top of its body
        self.inserts: dict[str, list[str]] = {}
        self.stack: list[str] = []

    def visit_Module(self, node: cst.Module) -> bool:
        for stmt in node.body:
            if not isinstance(stmt, cst.SimpleStatementLine) or len(stmt.body) != 1:
                continue
            line = self.get_metadata(PositionProvider, stmt).start.line
            move = self.moves.get((line, self.module.code_for_node(stmt.body[0])))
            if move is not None and not move[1]:
                for q in move[0]:
                    self.inserts.setdefault(q, []).append(
                        self.module.code_for_node(stmt.body[0]))
        return True

    def leave_SimpleStatementLine(self, original: cst.SimpleStatementLine,
                                  updated: cst.SimpleStatementLine
                                  ) -> cst.BaseStatement | cst.RemovalSentinel:
        if self.stack or len(original.body) != 1:
            return updated
        line = self.get_metadata(PositionProvider, original).start.line
        move = self.moves.get((line, self.module.code_for_node(original.body[0])))
        if move is None:
            return updated
        if move[1]:  # lazy import (PEP 810) keeps the statement where it is
            lazy = cst.parse_statement(f"lazy {self.module.code_for_node(original.body[0])}\n")
            return lazy.with_changes(leading_lines=original.leading_lines)
        return cst.RemoveFromParent()

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        self.stack.append(node.name.value)
        return True

    def leave_ClassDef(self, original: cst.ClassDef, updated: cst.ClassDef) -> cst.ClassDef:
        self.stack.pop()
        return updated

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        self.stack.append(node.name.value)
        return True

    def leave_FunctionDef(self, original: cst.FunctionDef,
                          updated: cst.FunctionDef) -> cst.FunctionDef:
        qualname = ".".join(self.stack)
        self.stack.pop()
        stmts = self.inserts.get(qualname)
        if not stmts:
            return updated
        return updated.with_changes(body=_prepend(updated.body, stmts))


def _prepend(body: cst.BaseSuite, stmts: list[str]) -> cst.BaseSuite:
    new = [cst.parse_statement(s + "\n") for s in stmts]
    if isinstance(body, cst.SimpleStatementSuite):
        return cst.IndentedBlock(body=[*new, cst.SimpleStatementLine(body=body.body)])
    assert isinstance(body, cst.IndentedBlock)
    lines = list(body.body)
    at = 1 if lines and _is_docstring(lines[0]) else 0
    return body.with_changes(body=[*lines[:at], *new, *lines[at:]])


def _is_docstring(stmt: cst.BaseStatement) -> bool:
    return isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1 and \
        isinstance(stmt.body[0], cst.Expr) and \
        isinstance(stmt.body[0].value, cst.SimpleString | cst.ConcatenatedString)


def move_imports(text: str, moves: list[Move]) -> str:
    """``text`` with each move applied (a move whose statement is gone does nothing)."""
    wrapper = MetadataWrapper(cst.parse_module(text))
    return wrapper.visit(MoveImportFix(wrapper.module, moves)).code
