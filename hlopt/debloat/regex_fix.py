"""The HLR003 fix: replace a regex call on a plain pattern with the str method (libcst)."""

from __future__ import annotations

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider


class ReplaceRegexCallFix(cst.CSTTransformer):
    """Replace calls found at (line, col) whose code still reads as analysed."""

    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self, module: cst.Module, edits: dict[tuple[int, int], tuple[str, str]]):
        super().__init__()
        self.module, self.edits = module, edits

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        pos = self.get_metadata(PositionProvider, original).start
        edit = self.edits.get((pos.line, pos.column + 1))
        if edit is None or self.module.code_for_node(original) != edit[0]:
            return updated
        new = cst.parse_expression(edit[1])
        return new.with_changes(lpar=updated.lpar, rpar=updated.rpar) \
            if updated.lpar and hasattr(new, "lpar") else new


def replace_calls(text: str, edits: dict[tuple[int, int], tuple[str, str]]) -> str:
    """``text`` with each (line, col) -> (call source, replacement) applied."""
    module = cst.parse_module(text)
    wrapper = MetadataWrapper(module)
    return wrapper.visit(ReplaceRegexCallFix(wrapper.module, edits)).code
