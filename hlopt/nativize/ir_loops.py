"""For loops of the C/Zig subset (range, sequences, zip, enumerate) and list reductions."""

from __future__ import annotations

import ast
import sys

from hlopt.nativize import ir
from hlopt.nativize.ir import BOOL, FLOAT, INT, Assign, Const, Fallback, If, Op, Operand, Var


def _refuse(node: ast.AST, message: str) -> Exception:
    from hlopt.nativize.ir_lower import refuse

    return refuse(node, message)


def lower_for(lw, s: ast.For) -> None:
    it = s.iter
    name = it.func.id if isinstance(it, ast.Call) and isinstance(it.func, ast.Name) \
        and lw.is_builtin(it.func.id) else None
    if name == "range":
        return _range(lw, s)
    if name == "zip":
        seqs = [_seq(lw, a, s) for a in it.args]
        if not seqs or not isinstance(s.target, ast.Tuple) \
                or len(s.target.elts) != len(seqs) or it.keywords:
            raise _refuse(s, "for over zip(): unpack into one name per sequence")
        targets = list(s.target.elts)
        return _each(lw, s, targets, seqs, None, 0)
    if name == "enumerate":
        if not (1 <= len(it.args) <= 2) or it.keywords or not (
                isinstance(s.target, ast.Tuple) and len(s.target.elts) == 2):
            raise _refuse(s, "for i, x in enumerate(seq[, start]) only")
        start = 0
        if len(it.args) == 2:
            c = it.args[1]
            if not (isinstance(c, ast.Constant) and type(c.value) is int):
                raise _refuse(s, "enumerate() with a start other than an int literal")
            start = c.value
        seq = _seq(lw, it.args[0], s)
        return _each(lw, s, [s.target.elts[1]], [seq], s.target.elts[0], start)
    return _each(lw, s, [s.target], [_seq(lw, it, s)], None, 0)


def _seq(lw, node: ast.expr, s: ast.For) -> Var:
    if not isinstance(node, ast.Name):
        raise _refuse(s, f"for over {ast.unparse(node)}: only range(), zip(), enumerate() and "
                         "sequence variables are in the C/Zig subset")
    v = lw.read(node)
    if not ir.is_seq(v.type):
        raise _refuse(s, f"for over a {v.type}: not in the C/Zig subset")
    return v


def _names(targets: list[ast.expr], s: ast.For) -> list[str]:
    if not all(isinstance(t, ast.Name) for t in targets):
        raise _refuse(s, "loop targets other than names are not in the C/Zig subset")
    return [t.id for t in targets]


def _range(lw, s: ast.For) -> None:
    args = [lw.as_int(lw.expr(a), s) for a in s.iter.args]
    if not 1 <= len(args) <= 3 or s.iter.keywords:
        raise _refuse(s, "range() takes one to three ints")
    start, stop, step = (Const(0, INT), args[0], Const(1, INT)) if len(args) == 1 else \
        (args[0], args[1], args[2] if len(args) == 3 else Const(1, INT))
    (name,) = _names([s.target], s)
    var = lw.bind(name, INT, s)
    stop, step = _fixed(lw, stop), _fixed(lw, step)
    lw.emit(ir.ForRange(var, start, stop, step, lw.sub_block(s.body)))


def _fixed(lw, v: Operand) -> Operand:
    """A copy of a loop bound (the body may reassign the variable it came from)."""
    if isinstance(v, Const):
        return v
    t = lw.new_tmp(v.type)
    lw.emit(Assign(t, Op("copy", (v,), v.type)))
    return t


def _each(lw, s: ast.For, targets: list[ast.expr], seqs: list[Var], index: ast.expr | None,
          start: int) -> None:
    names = _names(targets, s)
    vars_ = [lw.bind(n, ir.element(q.type), s) for n, q in zip(names, seqs, strict=True)]
    ivar = lw.bind(_names([index], s)[0], INT, s) if index is not None else None
    lw.emit(ir.ForEach(vars_, seqs, lw.sub_block(s.body), ivar, start))


def reduce_sum(lw, seq: Operand, e: ast.AST) -> Operand:
    """sum(seq): ints with overflow checks; floats added left to right from 0 (3.11)."""
    item_t = ir.element(seq.type)
    if item_t == FLOAT and sys.version_info >= (3, 12):
        raise _refuse(e, "sum() of floats: compensated summation since Python 3.12 is not in "
                         "the C/Zig subset")
    n = lw.op("len", (seq,), INT)
    item = lw.new_tmp(item_t)
    if item_t == FLOAT:  # sum([]) is the int 0: Python returns it
        empty = lw.op("eq", (n, Const(0, INT)), BOOL)
        lw.emit(If(empty, [Fallback("sum() of an empty list of floats is the int 0")]))
        acc = lw.new_tmp(FLOAT)
        lw.emit(Assign(acc, Op("copy", (Const(0.0, FLOAT),), FLOAT)))
        step = Op("fadd", (acc, item), FLOAT)
    else:
        acc = lw.new_tmp(INT)
        lw.emit(Assign(acc, Op("copy", (Const(0, INT),), INT)))
        x = lw.new_tmp(INT)
        conv = [Assign(x, Op("b2i", (item,), INT))] if item_t == BOOL else []
        # a count of bools stays below the list's length: no overflow check (vectorizes)
        step = Op("add_safe" if conv else "add", (acc, x if conv else item), INT)
        lw.emit(ir.ForEach([item], [seq], [*conv, Assign(acc, step)]))
        return acc
    lw.emit(ir.ForEach([item], [seq], [Assign(acc, step)]))
    return acc


def reduce_minmax(lw, seq: Operand, op: ast.cmpop, e: ast.AST) -> Operand:
    """min(seq)/max(seq): the first item, then each later one that compares better."""
    if not ir.is_seq(seq.type):
        raise _refuse(e, f"{ast.unparse(e)}: min()/max() of one sequence or of scalars")
    n = lw.op("len", (seq,), INT)
    empty = lw.op("eq", (n, Const(0, INT)), BOOL)
    lw.emit(If(empty, [Fallback("min()/max() of an empty sequence raises ValueError")]))
    t = ir.element(seq.type)
    result = lw.op("index", (seq, Const(0, INT)), t)
    item = lw.new_tmp(t)
    saved, lw.out = lw.out, []
    better = lw.compare(op, item, result, e)
    lw.emit(If(better, [Assign(result, Op("copy", (item,), t))]))
    body, lw.out = lw.out, saved
    lw.emit(ir.ForEach([item], [seq], body))
    return result
