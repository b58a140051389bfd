"""The minify rewrite: a libcst transformer that carries out a file's :class:`Plan`.

It removes docstrings, string and constant statements, ``pass`` and (when asked)
``assert`` and ``if __debug__:`` code; strips annotations; renames names; spells
literals in their shortest form; and joins simple statements (``a;b``, ``if x:y``).
:func:`~hlopt.compress.layout.compact` then lays the result out in the fewest characters.
Every decision comes from the plan, so the AST checker in ``verify`` can apply the same
plan on the ``ast`` side and compare.
"""

from __future__ import annotations

import libcst as cst

from hlopt.compress.layout import compact
from hlopt.compress.literals import merged_string, shortest_number, shortest_string
from hlopt.compress.model import MODULE, Key, Plan
from hlopt.compress.tokenedit import EditError, apply_renames

_SMALL = cst.BaseSmallStatement
_CONSTANT_NAMES = frozenset({"None", "True", "False"})


class MinifyError(Exception):
    """The rewrite could not carry out the plan exactly (a planned rename was not found)."""


def minify_source(text: str, plan: Plan) -> str:
    """``text`` (valid Python, newlines normalized) rewritten by ``plan`` and compacted.

    Renames are token edits (``tokenedit``); everything else is a libcst transform.
    """
    try:
        renamed = apply_renames(text, plan)
    except EditError as exc:
        raise MinifyError(str(exc)) from exc
    new = cst.parse_module(renamed).visit(_Minifier(plan))
    return compact(new.code)


def is_debug_test(node: cst.BaseExpression) -> bool | None:
    """True for ``__debug__``, False for ``not __debug__``, None otherwise."""
    if isinstance(node, cst.Name) and node.value == "__debug__":
        return True
    if (isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Not)
            and isinstance(node.expression, cst.Name)
            and node.expression.value == "__debug__"):
        return False
    return None


def _strings(node: cst.BaseExpression) -> list[cst.SimpleString] | None:
    """The parts of a plain string literal (None for f-strings and other expressions)."""
    if isinstance(node, cst.SimpleString):
        return [node]
    if isinstance(node, cst.ConcatenatedString):
        left, right = _strings(node.left), _strings(node.right)
        return left + right if left is not None and right is not None else None
    return None


def _is_bytes(part: cst.SimpleString) -> bool:
    return "b" in part.prefix.lower()


def is_str_expr(stmt: cst.CSTNode) -> bool:
    parts = _strings(stmt.value) if isinstance(stmt, cst.Expr) else None
    return bool(parts) and not any(_is_bytes(p) for p in parts)  # type: ignore[union-attr]


def is_constant_expr(stmt: cst.CSTNode) -> bool:
    """An expression statement that is a constant (``ast.Constant``): a no-op."""
    if not isinstance(stmt, cst.Expr):
        return False
    value = stmt.value
    if isinstance(value, cst.Integer | cst.Float | cst.Imaginary | cst.Ellipsis):
        return True
    if isinstance(value, cst.Name):
        return value.value in _CONSTANT_NAMES
    return _strings(value) is not None


def flatten(body: cst.BaseSuite | cst.Module) -> list[cst.CSTNode]:
    """A block's statements, each small statement on its own."""
    out: list[cst.CSTNode] = []
    items = body.body
    for stmt in items if isinstance(items, list | tuple) else [items]:
        if isinstance(stmt, cst.SimpleStatementLine):
            out.extend(stmt.body)
        else:
            out.append(stmt)
    return out


def _import_key(stmt: cst.CSTNode) -> tuple | None:
    """Imports that can share one statement: ``import a;import b`` -> ``import a,b``."""
    if isinstance(stmt, cst.Import):
        return ("import",)
    if isinstance(stmt, cst.ImportFrom) and not isinstance(stmt.names, cst.ImportStar):
        module = cst.Module([]).code_for_node(stmt.module) if stmt.module else ""
        return ("from", len(stmt.relative), module)
    return None


def merge_imports(stmts: list[cst.CSTNode]) -> list[cst.CSTNode]:
    out: list[cst.CSTNode] = []
    for s in stmts:
        key = _import_key(s)
        prev = out[-1] if out else None
        if key is not None and prev is not None and _import_key(prev) == key:
            names = [*prev.names, *s.names]  # type: ignore[attr-defined, misc]
            names = [n.with_changes(comma=cst.MaybeSentinel.DEFAULT) for n in names]
            changes: dict = {"names": names}
            if isinstance(prev, cst.ImportFrom):
                changes.update(lpar=None, rpar=None)
            out[-1] = prev.with_changes(**changes)
        else:
            out.append(s)
    return out


def regroup(stmts: list[cst.CSTNode], *, suite: bool) -> list[cst.BaseStatement] | cst.BaseSuite:
    """Join runs of small statements into one line; a block of small ones into ``x:a;b``."""
    small = [s.with_changes(semicolon=cst.MaybeSentinel.DEFAULT) if isinstance(s, _SMALL)
             else s for s in stmts]
    if suite and all(isinstance(s, _SMALL) for s in small):
        return cst.SimpleStatementSuite(body=small)  # type: ignore[arg-type]
    out: list[cst.BaseStatement] = []
    run: list[cst.BaseSmallStatement] = []
    for s in small:
        if isinstance(s, _SMALL):
            run.append(s)
            continue
        if run:
            out.append(cst.SimpleStatementLine(body=run))
            run = []
        out.append(s)  # type: ignore[arg-type]
    if run:
        out.append(cst.SimpleStatementLine(body=run))
    return cst.IndentedBlock(body=out) if suite else out


class _Minifier(cst.CSTTransformer):
    def __init__(self, plan: Plan) -> None:
        super().__init__()
        self.plan = plan
        self.scopes: list[tuple[str, Key]] = [("module", MODULE)]
        self.pending: Key | None = None
        self.blocks: list[Key | None] = []
        self.fstring = 0
        self.dropped: dict[int, cst.CSTNode] = {}  # keeps them alive: ids stay unique
        self.defs = 0

    def _next_def(self) -> Key:
        """Definitions are visited in source order: the n-th is keyed (n, 0)."""
        self.defs += 1
        return (self.defs, 0)

    # -- scopes and blocks ----------------------------------------------------------
    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        key = self._next_def()
        self.scopes.append(("function", key))
        self.pending = key

    def leave_FunctionDef(self, original: cst.FunctionDef, updated: cst.FunctionDef
                          ) -> cst.FunctionDef:
        _, key = self.scopes.pop()
        if key not in self.plan.drop_fn_annotations:
            return updated
        params = updated.params
        strip = [p.with_changes(annotation=None) for p in params.params]
        changes = {
            "params": strip,
            "posonly_params": [p.with_changes(annotation=None) for p in params.posonly_params],
            "kwonly_params": [p.with_changes(annotation=None) for p in params.kwonly_params],
        }
        if isinstance(params.star_arg, cst.Param):
            changes["star_arg"] = params.star_arg.with_changes(annotation=None)
        if isinstance(params.star_kwarg, cst.Param):
            changes["star_kwarg"] = params.star_kwarg.with_changes(annotation=None)
        return updated.with_changes(params=params.with_changes(**changes), returns=None)

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        key = self._next_def()
        self.scopes.append(("class", key))
        self.pending = key

    def leave_ClassDef(self, original: cst.ClassDef, updated: cst.ClassDef) -> cst.ClassDef:
        self.scopes.pop()
        bases = updated.bases
        if (self.plan.drop_object_base and len(bases) == 1 and not updated.keywords
                and bases[0].keyword is None and not bases[0].star
                and isinstance(bases[0].value, cst.Name) and bases[0].value.value == "object"):
            return updated.with_changes(bases=[], lpar=cst.MaybeSentinel.DEFAULT,
                                        rpar=cst.MaybeSentinel.DEFAULT)
        return updated

    def leave_Return(self, original: cst.Return, updated: cst.Return) -> cst.Return:
        value = updated.value
        if isinstance(value, cst.Name) and value.value == "None" and not value.lpar:
            return updated.with_changes(value=None)
        return updated

    def visit_IndentedBlock(self, node: cst.IndentedBlock) -> None:
        self.blocks.append(self.pending)
        self.pending = None

    visit_SimpleStatementSuite = visit_IndentedBlock  # type: ignore[assignment]

    def leave_IndentedBlock(self, original: cst.BaseSuite, updated: cst.BaseSuite
                            ) -> cst.BaseSuite:
        owner = self.blocks.pop()
        stmts = self.clean(flatten(updated), owner, self.scopes[-1][0], fill=True)
        return regroup(stmts, suite=True)  # type: ignore[return-value]

    leave_SimpleStatementSuite = leave_IndentedBlock  # type: ignore[assignment]

    def leave_Module(self, original: cst.Module, updated: cst.Module) -> cst.Module:
        stmts = self.clean(flatten(updated), MODULE, "module", fill=False)
        return updated.with_changes(body=regroup(stmts, suite=False))

    # -- statements -------------------------------------------------------------------
    def clean(self, stmts: list[cst.CSTNode], owner: Key | None, kind: str, *,
              fill: bool) -> list[cst.CSTNode]:
        """The statements that stay (see verify.clean_body, its ast twin)."""
        plan = self.plan
        out: list[cst.CSTNode] = []
        for i, s in enumerate(stmts):
            if i == 0 and owner is not None and is_str_expr(s):
                if owner not in plan.drop_docstrings:
                    out.append(s)
                continue
            if isinstance(s, cst.Pass) or id(s) in self.dropped:
                continue
            if is_constant_expr(s):
                if is_str_expr(s) and (plan.keep_strings
                                       or (plan.keep_class_strings and kind == "class")):
                    out.append(s)
                continue
            if plan.remove_debug:
                if isinstance(s, cst.Assert):
                    continue
                folded = self._fold(s)
                if folded is not None:
                    out.extend(self.clean(folded, None, kind, fill=False))
                    continue
            out.append(s)
        if fill and not out:
            out.append(cst.Expr(cst.Integer("0")))
        return merge_imports(out)

    def _fold(self, s: cst.CSTNode) -> list[cst.CSTNode] | None:
        if not isinstance(s, cst.If):
            return None
        debug = is_debug_test(s.test)
        if debug is None:
            return None
        if debug is False:
            return flatten(s.body)
        if s.orelse is None:
            return []
        if isinstance(s.orelse, cst.If):
            return [s.orelse]
        return flatten(s.orelse.body)

    def leave_AnnAssign(self, original: cst.AnnAssign, updated: cst.AnnAssign
                        ) -> cst.BaseSmallStatement:
        kind, owner = self.scopes[-1]
        plan = self.plan
        if kind == "function":
            if not plan.drop_local_annotations:
                return updated
            if updated.value is None:
                if not isinstance(original.target, cst.Name):
                    return updated
                if (owner, original.target.value) in plan.bare_kept:
                    return updated
                self.dropped[id(updated)] = updated
                return updated
        elif owner not in plan.drop_var_annotations:
            return updated
        elif updated.value is None:
            if isinstance(original.target, cst.Name):
                self.dropped[id(updated)] = updated
            return updated
        return cst.Assign(targets=[cst.AssignTarget(updated.target)], value=updated.value)

    # -- literals -----------------------------------------------------------------------
    def visit_FormattedString(self, node: cst.FormattedString) -> None:
        self.fstring += 1

    def leave_FormattedString(self, original: cst.FormattedString,
                              updated: cst.FormattedString) -> cst.FormattedString:
        self.fstring -= 1
        return updated

    def leave_Integer(self, original: cst.Integer, updated: cst.Integer) -> cst.Integer:
        if self.fstring:
            return updated
        return updated.with_changes(value=shortest_number(updated.value))

    leave_Float = leave_Imaginary = leave_Integer  # type: ignore[assignment]

    def leave_SimpleString(self, original: cst.SimpleString, updated: cst.SimpleString
                           ) -> cst.SimpleString:
        if self.fstring:
            return updated
        return updated.with_changes(value=shortest_string(updated.value))

    def leave_ConcatenatedString(self, original: cst.ConcatenatedString,
                                 updated: cst.ConcatenatedString) -> cst.BaseExpression:
        parts = _strings(updated)
        if self.fstring or parts is None:
            return updated
        merged = merged_string([p.value for p in parts])
        if merged is None or len(merged) >= sum(len(p.value) + 1 for p in parts) - 1:
            return updated
        return cst.SimpleString(merged)  # one atom: the parentheses are not needed
