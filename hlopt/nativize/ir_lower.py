"""Lower an analysed, typed Python function to the IR of :mod:`hlopt.nativize.ir`.

Types come from the Typing (parameters) and from the assignments themselves: a local keeps
one type for the whole function, found by lowering until the types settle. Anything outside
the C/Zig subset raises :class:`Refused` with the line and the reason.
"""

from __future__ import annotations

import ast

from hlopt.nativize import ir
from hlopt.nativize.analyse import const_eval
from hlopt.nativize.infer import _falls_off, function_node
from hlopt.nativize.ir import (
    BOOL,
    BYTES,
    FLOAT,
    INT,
    NONE,
    UNKNOWN,
    Assign,
    Const,
    Fallback,
    If,
    Op,
    Operand,
    Var,
)
from hlopt.nativize.ir_expr import ExprLowerer
from hlopt.nativize.model import REFUSED_CONSTRUCT, Analysis, NType, Refusal, Typing

#: argument types the subset converts at the boundary
PARAM_TYPES = {"int": INT, "float": FLOAT, "bool": BOOL, "bytes": BYTES, "bytearray": BYTES,
               "memoryview": BYTES, "list[int]": ir.LIST_INT, "list[float]": ir.LIST_FLOAT}
_PASSES = 8


class Refused(Exception):
    """The function (or a helper) is outside the subset."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.refusal = Refusal(REFUSED_CONSTRUCT, line, message)
        self.placed = False

    def place(self, offset: int) -> Refused:
        """Shift the line from the function's own source to the module's (once)."""
        if not self.placed:
            r = self.refusal
            self.refusal = Refusal(r.code, r.line + offset, r.message)
            self.placed = True
        return self


class _Unknown(Exception):
    """A name's type is not known yet (early passes only)."""


def refuse(node: ast.AST | int, message: str) -> Refused:
    return Refused(node if isinstance(node, int) else getattr(node, "lineno", 0), message)


def lower(analysis: Analysis, typing: Typing) -> ir.Module:
    """The IR module of the target and its helpers; raises Refused outside the subset."""
    if analysis.refusals:
        r = analysis.refusals[0]
        raise Refused(r.line, r.message)
    ctx = _Context(analysis)
    node = function_node(analysis)
    params = []
    for name in analysis.params:
        t = PARAM_TYPES.get(str(typing.params.get(name, ir.UNKNOWN)))
        if t is None:
            raise refuse(node, f"parameter {name}: type {typing.params.get(name)} is not in "
                               "the C/Zig subset (int, float, bool, bytes-like, list[int], "
                               "list[float])").place(
                _offset(analysis, analysis.target.qualname, node))
        params.append(t)
    try:
        target = FunctionLowerer(ctx, node, params, entry=True).run()
    except Refused as exc:
        raise exc.place(_offset(analysis, analysis.target.qualname, node)) from None
    from hlopt.nativize.ir_bounds import unchecked_indexes
    from hlopt.nativize.ir_signs import unsigned_divisions

    def optimized(fn: ir.Function) -> ir.Function:
        return unchecked_indexes(unsigned_divisions(fn))

    return ir.Module(target=optimized(target),
                     helpers=[optimized(f) for f in ctx.done.values()])


def check(analysis: Analysis, typing: Typing) -> list[Refusal]:
    """[] when the function is inside the subset, else the reason (for --backend auto)."""
    try:
        lower(analysis, typing)
    except Refused as exc:
        return [exc.refusal]
    return []


def _offset(analysis: Analysis, qualname: str, node: ast.AST) -> int:
    """Module line of ``node``'s def minus its line in the function's own source."""
    body = ast.parse(analysis.module_source).body
    found = None
    for part in qualname.split("."):
        found = next((n for n in reversed(body) if getattr(n, "name", None) == part), None)
        body = getattr(found, "body", [])
    return (found.lineno - node.lineno) if found is not None else 0


class _Context:
    """Module-wide facts: constants, math names, helpers lowered so far."""

    def __init__(self, analysis: Analysis) -> None:
        self.analysis = analysis
        self.constants = {}
        for name, text in analysis.constants.items():
            value = const_eval(ast.parse(text, mode="eval").body)
            if type(value) in (float, bool) or (type(value) is int
                                                and -(2**63) <= value < 2**63):
                self.constants[name] = value
        self.math_modules, self.math_names = set(), {}
        for text in analysis.imports:
            stmt = ast.parse(text).body[0]
            if isinstance(stmt, ast.Import):
                self.math_modules |= {a.asname or a.name for a in stmt.names if a.name == "math"}
            elif isinstance(stmt, ast.ImportFrom) and stmt.module == "math":
                self.math_names |= {a.asname or a.name: a.name for a in stmt.names}
        self.done: dict[str, ir.Function] = {}
        self.signatures: dict[str, tuple[NType, ...]] = {}
        self.active: set[str] = set()

    def helper(self, name: str, args: tuple[NType, ...], node: ast.AST) -> ir.Function:
        if name in self.active:
            raise refuse(node, f"recursive call of {name}(): not in the C/Zig subset")
        if name in self.done:
            if self.signatures[name] != args:
                raise refuse(node, f"{name}() is called with different argument types")
            return self.done[name]
        if any(t not in (*ir.SCALARS, *ir.LISTS, BYTES) for t in args):
            raise refuse(node, f"{name}() called with arguments outside the subset")
        tree = ast.parse(self.analysis.helpers[name]).body[0]
        count = len(tree.args.posonlyargs) + len(tree.args.args)
        if count != len(args):
            raise refuse(node, f"{ast.unparse(node)}: {name}() takes {count} arguments")
        self.active.add(name)
        try:
            fn = FunctionLowerer(self, tree, list(args), entry=False).run()
        except Refused as exc:
            raise exc.place(_offset(self.analysis, name, tree)) from None
        finally:
            self.active.discard(name)
        self.done[name], self.signatures[name] = fn, args
        return fn


class FunctionLowerer(ExprLowerer):
    """Lowers one function: passes until the locals' types settle, then a strict pass."""

    def __init__(self, ctx: _Context, node: ast.FunctionDef, params: list[NType],
                 entry: bool) -> None:
        a = node.args
        if a.kwonlyargs or a.vararg or a.kwarg:
            raise refuse(node, f"{node.name}(): keyword-only or variable parameters are not "
                               "in the C/Zig subset")
        self.ctx, self.node, self.entry = ctx, node, entry
        self.names = [p.arg for p in a.posonlyargs + a.args]
        self.param_types = dict(zip(self.names, params, strict=True))
        self.env: dict[str, NType] = dict(self.param_types)

    def run(self) -> ir.Function:
        for _ in range(_PASSES):
            before = dict(self.env)
            self._pass(strict=False)
            if self.env == before:
                break
        body = self._pass(strict=True)
        params = [Var(self.var_name(n), self.param_types[n]) for n in self.names]
        locals_ = {v: t for v, t in self.locals.items() if v not in {p.name for p in params}}
        return ir.Function(self.node.name, params, locals_, body, self.ret or NONE, self.entry)

    def _pass(self, strict: bool) -> list[ir.Stmt]:
        self.strict = strict
        self.locals: dict[str, NType] = {}
        self.ret: NType | None = None
        self.tmp = 0
        self.lists_made: set[str] = set()
        self.bound = set(self.names)
        for n, t in self.param_types.items():
            self.locals[self.var_name(n)] = t
        body = self.block(self.node.body)
        if _falls_off(self.node.body):
            self.set_return(NONE, self.node)
            body.append(ir.Return([]))
        return body

    # --- names -------------------------------------------------------------------------

    @staticmethod
    def var_name(name: str) -> str:
        return "v_" + name

    def new_tmp(self, t: NType) -> Var:
        self.tmp += 1
        name = f"t_{self.tmp}"
        self.locals[name] = t
        return Var(name, t)

    def read(self, node: ast.Name) -> Operand:
        name = node.id
        if name in self.env and (name in self.bound or name in self.names):
            return Var(self.var_name(name), self.env[name])
        if name in self.env or name in self._assigned():
            if not self.strict:
                raise _Unknown(name)
            raise refuse(node, f"{name!r} may be read before it is assigned: not in the C/Zig "
                               "subset")
        if name in self.ctx.constants:
            v = self.ctx.constants[name]
            return Const(v, BOOL if type(v) is bool else INT if type(v) is int else FLOAT)
        if name in self.ctx.analysis.constants:
            raise refuse(node, f"constant {name} = {self.ctx.analysis.constants[name]}: only "
                               "ints that fit 64 bits, floats and bools are in the C/Zig subset")
        raise refuse(node, f"global name {name!r} is not a constant: not in the C/Zig subset")

    def _assigned(self) -> set[str]:
        return {n.id for n in ast.walk(self.node) if isinstance(n, ast.Name)
                and isinstance(n.ctx, ast.Store)}

    def bind(self, name: str, t: NType, node: ast.AST) -> Var:
        """The variable ``name`` about to be assigned a value of type ``t``."""
        if t == UNKNOWN:
            raise _Unknown(name)
        old = self.env.get(name)
        if old is None:
            self.env[name] = t
        elif old != t:
            raise refuse(node, f"{name!r} holds both {old} and {t}: one type per variable in "
                               "the C/Zig subset")
        if name in self.param_types and t not in ir.SCALARS:
            raise refuse(node, f"argument {name!r} is reassigned: not in the C/Zig subset")
        if ir.is_list(t):
            if name in self.lists_made:
                raise refuse(node, f"list {name!r} is assigned twice: not in the C/Zig subset")
            self.lists_made.add(name)
        self.bound.add(name)
        v = Var(self.var_name(name), t)
        self.locals[v.name] = t
        return v

    def set_return(self, t: NType, node: ast.AST) -> None:
        if t == UNKNOWN:
            raise _Unknown("return")
        ok = t in ir.SCALARS or t == NONE or (self.entry and (ir.is_list(t) or (
            t.name == "tuple" and all(a in ir.SCALARS for a in t.args))))
        if not ok:
            raise refuse(node, f"returning {t} is not in the C/Zig subset")
        if self.ret is not None and self.ret != t:
            raise refuse(node, f"returns both {self.ret} and {t}: not in the C/Zig subset")
        self.ret = t

    # --- statements ----------------------------------------------------------------------

    def block(self, stmts: list[ast.stmt]) -> list[ir.Stmt]:
        out: list[ir.Stmt] = []
        for stmt in stmts:
            saved = len(out)
            try:
                self.out = out
                self.stmt(stmt)
            except (Refused, _Unknown):
                if self.strict:
                    raise
                del out[saved:]
        return out

    def emit(self, s: ir.Stmt) -> None:
        self.out.append(s)

    def sub_block(self, stmts: list[ast.stmt]) -> list[ir.Stmt]:
        saved = self.out
        try:
            return self.block(stmts)
        finally:
            self.out = saved

    def stmt(self, s: ast.stmt) -> None:
        method = getattr(self, "s_" + type(s).__name__, None)
        if method is None:
            raise refuse(s, f"{type(s).__name__.lower()} statement: not in the C/Zig subset")
        method(s)

    def s_Pass(self, s: ast.Pass) -> None:
        return None

    def s_Expr(self, s: ast.Expr) -> None:
        if isinstance(s.value, ast.Constant) and isinstance(s.value.value, str):
            return  # a docstring
        self.expr(s.value)

    def s_Assign(self, s: ast.Assign) -> None:
        targets = s.targets
        if isinstance(targets[0], ast.Tuple) and len(targets) == 1:
            return self._unpack(targets[0], s.value, s)
        value = self.expr(s.value)
        for t in targets:
            self.assign_to(t, value, s)

    def s_AnnAssign(self, s: ast.AnnAssign) -> None:
        if s.value is None:
            return
        self.assign_to(s.target, self.expr(s.value), s)

    def _unpack(self, target: ast.Tuple, value: ast.expr, s: ast.stmt) -> None:
        if not (isinstance(value, ast.Tuple) and len(value.elts) == len(target.elts)):
            raise refuse(s, "unpacking anything but a tuple display of the same length: not "
                            "in the C/Zig subset")
        temps = []
        for e in value.elts:  # every value first, as Python evaluates them
            v = self.expr(e)
            t = self.new_tmp(v.type)
            self.emit(Assign(t, Op("copy", (v,), v.type)))
            temps.append(t)
        for tgt, t in zip(target.elts, temps, strict=True):
            self.assign_to(tgt, t, s)

    def assign_to(self, target: ast.expr, value: Operand, s: ast.stmt) -> None:
        if isinstance(target, ast.Name):
            dst = self.bind(target.id, value.type, s)
            if ir.is_list(value.type) and not (isinstance(value, Var)
                                                and value.name.startswith("t_")):
                raise refuse(s, f"list {target.id!r} aliases another list: not in the C/Zig "
                                "subset")
            self.emit(Assign(dst, Op("copy", (value,), value.type)))
        elif isinstance(target, ast.Subscript):
            seq, index = self.store_target(target)
            self.emit(ir.Store(seq, index, self.coerce_element(value, seq.type, target)))
        else:
            raise refuse(s, f"assigning to {ast.unparse(target)}: not in the C/Zig subset")

    def store_target(self, target: ast.Subscript) -> tuple[Var, Operand]:
        if not isinstance(target.value, ast.Name) or isinstance(target.slice, ast.Slice):
            raise refuse(target, f"assigning to {ast.unparse(target)}: not in the C/Zig subset")
        seq = self.read(target.value)
        if not (isinstance(seq, Var) and ir.is_list(seq.type)) \
                or target.value.id in self.param_types:
            raise refuse(target, f"assigning into {target.value.id!r}: only lists made in the "
                                 "function are written in the C/Zig subset")
        return seq, self.as_int(self.expr(target.slice), target)

    def coerce_element(self, value: Operand, seq: NType, node: ast.AST) -> Operand:
        if value.type != ir.element(seq):
            raise refuse(node, f"storing a {value.type} into a {seq}: not in the C/Zig subset")
        return value

    def s_AugAssign(self, s: ast.AugAssign) -> None:
        if isinstance(s.target, ast.Name):
            cur = self.read(s.target)
            new = self.binop(s.op, cur, self.expr(s.value), s)
            self.assign_to(s.target, new, s)
            return
        if not isinstance(s.target, ast.Subscript):
            raise refuse(s, f"augmented assignment to {ast.unparse(s.target)}: not in the "
                            "C/Zig subset")
        seq, index = self.store_target(s.target)
        cur = self.op("index", (seq, index), ir.element(seq.type))
        new = self.binop(s.op, cur, self.expr(s.value), s)
        self.emit(ir.Store(seq, index, self.coerce_element(new, seq.type, s)))

    def s_If(self, s: ast.If) -> None:
        cond = self.truth(self.expr(s.test))
        bound = set(self.bound)
        body = self.sub_block(s.body)
        after_body, self.bound = self.bound, set(bound)
        orelse = self.sub_block(s.orelse)
        after_else = self.bound
        ends = (not _falls_off(s.body), not _falls_off(s.orelse) if s.orelse else False)
        self.bound = after_else if ends[0] else after_body if ends[1] else \
            after_body & after_else
        self.emit(If(cond, body, orelse))

    def s_While(self, s: ast.While) -> None:
        if s.orelse:
            raise refuse(s, "while ... else: not in the C/Zig subset")
        bound = set(self.bound)
        saved, self.out = self.out, []
        head = self.out
        neg = self.op("not", (self.truth(self.expr(s.test)),), BOOL)
        self.out = saved
        loop = [*head, If(neg, [ir.Break()]), *self.sub_block(s.body)]
        self.bound = bound
        self.emit(ir.Loop(loop))

    def s_For(self, s: ast.For) -> None:
        from hlopt.nativize.ir_loops import lower_for

        if s.orelse:
            raise refuse(s, "for ... else: not in the C/Zig subset")
        bound = set(self.bound)
        lower_for(self, s)
        self.bound = bound

    def s_Break(self, s: ast.Break) -> None:
        self.emit(ir.Break())

    def s_Continue(self, s: ast.Continue) -> None:
        self.emit(ir.Continue())

    def s_Return(self, s: ast.Return) -> None:
        if s.value is None or (isinstance(s.value, ast.Constant) and s.value.value is None):
            self.set_return(NONE, s)
            self.emit(ir.Return([]))
            return
        if isinstance(s.value, ast.Tuple):
            vals = [self.expr(e) for e in s.value.elts]
            self.set_return(NType("tuple", tuple(v.type for v in vals)), s)
            self.emit(ir.Return(vals, tuple=True))
            return
        v = self.expr(s.value)
        if ir.is_list(v.type) and not (isinstance(s.value, ast.Name)
                                       and s.value.id not in self.param_types):
            raise refuse(s, "returning a list that is not a local list variable: not in the "
                            "C/Zig subset")
        self.set_return(v.type, s)
        self.emit(ir.Return([v]))

    def s_Raise(self, s: ast.Raise) -> None:
        import builtins

        exc = s.exc
        ok = isinstance(exc, ast.Call) and isinstance(exc.func, ast.Name) \
            and isinstance(getattr(builtins, exc.func.id, None), type) \
            and issubclass(getattr(builtins, exc.func.id), Exception) and not s.cause \
            and len(exc.args) == 1 and not exc.keywords and isinstance(exc.args[0], ast.Constant) \
            and isinstance(exc.args[0].value, str) and exc.func.id not in self.ctx.constants
        if not ok:
            raise refuse(s, "raise other than `raise BuiltinError(\"message\")`: not in the "
                            "C/Zig subset")
        self.emit(ir.Raise(exc.func.id, exc.args[0].value))


__all__ = ["Fallback", "Refused", "check", "lower", "refuse"]
