"""Statement rewrites for Cython: loops over C arrays, range with a variable step, allocations."""

from __future__ import annotations

import ast

from hlopt.nativize import cython_str as strs
from hlopt.nativize import cython_vec as vec
from hlopt.nativize.cython_body import (
    _P,
    _PP,
    BodyWriter,
    _assign,
    _call,
    _int_lit,
    _name,
    _store,
)
from hlopt.nativize.cython_bounds import nonneg


def _cast(ctype: str, e: ast.expr) -> ast.expr:
    return ast.Call(ast.Attribute(_name("cython"), "cast", ast.Load()),
                    [ast.parse(ctype, mode="eval").body, e], [])


class StmtWriter(BodyWriter):
    """Adds the statement-level rewrites; ``visit`` of a statement may return a list."""

    # -- loops -----------------------------------------------------------------------------
    def visit_For(self, node: ast.For) -> ast.stmt | list[ast.stmt]:
        it = node.iter
        if self.arr(it) or self.is_row(it):
            return self._for_array(node, [it], [node.target])
        if isinstance(it, ast.Call) and isinstance(it.func, ast.Name) and not it.keywords:
            fn = it.func.id
            if fn == "enumerate" and len(it.args) == 1 and (self.arr(it.args[0]) or
                                                           self.is_row(it.args[0])):
                return self._for_array(node, [it.args[0]], [node.target.elts[1]],
                                       counter=node.target.elts[0])
            if fn == "zip" and it.args and all(self.arr(a) or self.is_row(a) for a in it.args):
                return self._for_array(node, list(it.args), list(node.target.elts))
            if fn == "range" and fn not in self.plan.env and len(it.args) == 3 \
                    and not _int_lit(it.args[2], -(2**62), 2**62):
                types = [self.t(a) for a in it.args]
                if all(t is not None and t.name == "int" and self.is_c(t) for t in types):
                    return self._while_range(node)
        return self.generic_visit(node)

    def _for_array(self, node: ast.For, arrays: list[ast.Name], targets: list[ast.expr],
                   counter: ast.expr | None = None) -> list[ast.stmt]:
        k = self.hidden("k", "cython.Py_ssize_t")
        pre: list[ast.stmt] = []
        loads: list[ast.stmt] = []
        lengths = []
        for a, target in zip(arrays, targets, strict=True):
            arr = self.arr(a)
            if arr is not None and arr.dims == 2:
                p = self.hidden("p", _PP[arr.kind])
                m = self.hidden("m", "cython.Py_ssize_t")
                pre += [_assign(p, _name(a.id)), _assign(m, _name(f"_hl_n_{a.id}"))]
                row = target.id
                loads += [_assign(row, ast.Subscript(_name(p), _name(k), ast.Load())),
                          _assign(f"_hl_n_{row}", ast.Subscript(_name(f"_hl_l_{a.id}"),
                                                                _name(k), ast.Load()))]
            elif arr is not None and arr.view:
                m = self.hidden("m", "cython.Py_ssize_t")
                pre.append(_assign(m, _name(f"_hl_n_{a.id}")))
                loads.append(ast.Assign([self.visit(target)], self.view_load(a.id, _name(k)),
                                        lineno=0))
            else:
                kind = arr.kind if arr is not None else self.plan.rows[a.id]
                p = self.hidden("p", _P[kind])
                m = self.hidden("m", "cython.Py_ssize_t")
                pre += [_assign(p, _name(a.id)), _assign(m, _name(f"_hl_n_{a.id}"))]
                loads.append(ast.Assign([self.visit(target)],
                                        ast.Subscript(_name(p), _name(k), ast.Load()), lineno=0))
            lengths.append(_name(m))
        if counter is not None:
            loads.insert(0, ast.Assign([self.visit(counter)], _name(k), lineno=0))
        stop = lengths[0] if len(lengths) == 1 else _call("min", *lengths)
        body = loads + self._stmts(node.body)
        loop = ast.For(_store(k), _call("range", stop), body, self._stmts(node.orelse),
                       lineno=0)
        return pre + [loop]

    def _while_range(self, node: ast.For) -> list[ast.stmt]:
        a = self.hidden("a", "cython.longlong")
        b = self.hidden("b", "cython.longlong")
        s = self.hidden("s", "cython.longlong")
        start, stop, step = (self.visit(x) for x in node.iter.args)
        zero = ast.parse(f"if {s} == 0:\n    raise ValueError('range() arg 3 must not be zero')"
                         ).body[0]
        if nonneg(node.iter.args[2], self.plan, self.typer):  # > 0: zero raised above
            test = ast.parse(f"{a} < {b}", mode="eval").body
        else:
            test = ast.parse(f"({a} < {b}) if {s} > 0 else ({a} > {b})", mode="eval").body
        body = [ast.Assign([self.visit(node.target)], _name(a), lineno=0),
                ast.AugAssign(_store(a), ast.Add(), _name(s))] + self._stmts(node.body)
        return [_assign(a, start), _assign(b, stop), _assign(s, step), zero,
                ast.While(test, body, self._stmts(node.orelse))]

    def _stmts(self, stmts: list[ast.stmt]) -> list[ast.stmt]:
        out: list[ast.stmt] = []
        for s in stmts:
            r = self.visit(s)
            out.extend(r if isinstance(r, list) else [r])
        return out

    def generic_visit(self, node: ast.AST) -> ast.AST:
        for field, old in ast.iter_fields(node):
            if isinstance(old, list) and old and isinstance(old[0], ast.stmt):
                setattr(node, field, self._stmts(old))
            elif isinstance(old, list):
                setattr(node, field, [self.visit(x) if isinstance(x, ast.AST) else x
                                      for x in old])
            elif isinstance(old, ast.AST):
                setattr(node, field, self.visit(old))
        return node

    # -- assignments -----------------------------------------------------------------------
    def visit_Assign(self, node: ast.Assign) -> ast.stmt | list[ast.stmt]:
        if len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            name = node.targets[0].id
            if name in self.plan.u64:  # every binding is exact (cython_u64.u64_names)
                return _assign(name, self.u64(node.value))
            arr = self.plan.arrays.get(name)
            if arr is not None and arr.grow:
                if isinstance(node.value, ast.Name):
                    return vec.alias(self, name, node.value.id)
                return vec.allocate(self, name, node.value)
            if arr is not None:
                return self._assign_array(name, arr, node.value)
            if name in self.plan.rows:
                return self._assign_row(name, node.value)
        parts = strs.partition(self, node)
        if parts is not None:
            return parts
        if len(node.targets) == 1 and isinstance(node.targets[0], ast.Tuple) and any(
                isinstance(e, ast.Name) and e.id in self.plan.arrays
                for e in node.targets[0].elts):
            return self._swap(node.targets[0], node.value)
        return self.generic_visit(node)

    def _assign_array(self, name: str, arr, value: ast.expr) -> list[ast.stmt]:  # noqa: ANN001
        n = f"_hl_n_{name}"
        if isinstance(value, ast.Name):
            out = [_assign(name, _name(value.id)), _assign(n, _name(f"_hl_n_{value.id}"))]
            if arr.dims == 2:
                out.append(_assign(f"_hl_l_{name}", _name(f"_hl_l_{value.id}")))
            return out
        owner = self.hidden("o", _PP[arr.kind] if arr.dims == 2 else _P[arr.kind])
        self.owners.append(owner)
        if isinstance(value, ast.Call):  # list(range(...))
            args = [self.visit(a) for a in value.args[0].args]
            lo, hi = (ast.Constant(0), args[0]) if len(args) == 1 else args
            lo_name = self.hidden("lo", "cython.longlong")
            hi_name = self.hidden("hi", "cython.longlong")
            size = ast.parse(f"({hi_name} - {lo_name}) if {hi_name} > {lo_name} else 0",
                             mode="eval").body
            return [_assign(lo_name, lo), _assign(hi_name, hi), _assign(n, size),
                    ast.Assign([_store(name), _store(owner)],
                               _call(self.need("_hl_range_ll"), _name(lo_name), _name(hi_name)),
                               lineno=0)]
        if arr.dims == 1:
            lit, count = _repeat_parts(value)
            clamp = ast.parse(f"if {n} < 0:\n    {n} = 0").body[0]
            return [_assign(n, self.visit(count)), clamp,
                    ast.Assign([_store(name), _store(owner)],
                               _call(self.need(f"_hl_new_{arr.kind}"), _name(n), lit),
                               lineno=0)]
        lit, cols = _repeat_parts(value.elt)
        rows = value.generators[0].iter.args[0]
        m = self.hidden("c", "cython.Py_ssize_t")
        clamp = ast.parse(f"if {n} < 0:\n    {n} = 0").body[0]
        return [_assign(n, self.visit(rows)), clamp, _assign(m, self.visit(cols)),
                ast.Assign([_store(name), _store(owner)],
                           _call(self.need(f"_hl_new2_{arr.kind}"), _name(n), _name(m), lit),
                           lineno=0),
                _assign(f"_hl_l_{name}", _cast("cython.p_Py_ssize_t",
                                               ast.BinOp(_name(name), ast.Add(), _name(n))))]

    def _assign_row(self, name: str, value: ast.Subscript) -> list[ast.stmt]:
        a = value.value.id
        k = self.hidden("r", "cython.Py_ssize_t")
        return [_assign(k, self.index(value, _name(f"_hl_n_{a}"))),
                _assign(name, ast.Subscript(_name(a), _name(k), ast.Load())),
                _assign(f"_hl_n_{name}", ast.Subscript(_name(f"_hl_l_{a}"), _name(k),
                                                       ast.Load()))]

    def _swap(self, target: ast.Tuple, value: ast.expr) -> list[ast.stmt]:
        pre, post = [], []
        for t, v in zip(target.elts, value.elts, strict=True):
            arr = self.plan.arrays.get(t.id) if isinstance(t, ast.Name) else None
            if arr is None:
                tmp = self.hidden("v", self.decl_of(v))
                pre.append(_assign(tmp, self.visit(v)))
                post.append(ast.Assign([self.visit(t)], _name(tmp), lineno=0))
                continue
            parts = [("", _PP[arr.kind] if arr.dims == 2 else _P[arr.kind]),
                     ("_hl_n_", "cython.Py_ssize_t")]
            if arr.dims == 2:
                parts.append(("_hl_l_", "cython.p_Py_ssize_t"))
            if arr.grow:
                parts.append(("_hl_c_", "cython.Py_ssize_t"))
            for prefix, ctype in parts:
                tmp = self.hidden("v", ctype)
                pre.append(_assign(tmp, _name(prefix + v.id)))
                post.append(_assign(prefix + t.id, _name(tmp)))
        return pre + post

    def decl_of(self, e: ast.expr) -> str:
        t = self.t(e)
        if t is not None and self.is_c(t):
            return {"int": "cython.longlong", "float": "cython.double",
                    "bool": "cython.bint"}[t.name]
        return "object"

    def visit_AugAssign(self, node: ast.AugAssign) -> ast.stmt | list[ast.stmt]:
        target = node.target
        if isinstance(target, ast.Subscript) and self.element(
                ast.Subscript(target.value, target.slice, ast.Load())) is not None:
            tmp = self.hidden("e", "cython.Py_ssize_t")
            el = self.element(ast.Subscript(target.value, target.slice, ast.Load()))
            # evaluate the (checked) index once, as Python does
            idx_holder = el.slice
            el.slice = _name(tmp)
            load = ast.Subscript(el.value, _name(tmp), ast.Load())
            value = self.visit(ast.BinOp(_Typed(load, self.t(target)), node.op, node.value))
            return [_assign(tmp, idx_holder),
                    ast.Assign([ast.Subscript(el.value, _name(tmp), ast.Store())], value,
                               lineno=0)]
        if isinstance(target, ast.Name) and target.id in self.plan.u64:
            return _assign(target.id, self.u64(ast.BinOp(target, node.op, node.value)))
        if isinstance(target, ast.Name):
            value = self.visit(ast.BinOp(_Typed(_name(target.id), self.t(target)), node.op,
                                         node.value))
            if isinstance(value, ast.BinOp):
                return ast.AugAssign(_store(target.id), value.op, value.right)
            return ast.Assign([_store(target.id)], value, lineno=0)
        return self.generic_visit(node)

    def visit_Expr(self, node: ast.Expr) -> ast.stmt | list[ast.stmt]:
        c = node.value
        if isinstance(c, ast.Call) and isinstance(c.func, ast.Attribute) \
                and c.func.attr == "append" and isinstance(c.func.value, ast.Name) \
                and c.func.value.id in self.plan.arrays and len(c.args) == 1:
            return vec.append(self, c.func.value.id, c.args[0])
        return self.generic_visit(node)

    def visit_Return(self, node: ast.Return) -> ast.stmt:
        v = node.value
        if isinstance(v, ast.Name) and v.id in self.plan.arrays:
            arr = self.plan.arrays[v.id]
            fn = f"_hl_list{'2' if arr.dims == 2 else ''}_{arr.kind}"
            return ast.Return(_call(self.need(fn), _name(v.id), _name(f"_hl_n_{v.id}")))
        return self.generic_visit(node)


class _Typed(ast.expr):
    """An already-rewritten expression with a known type (for AugAssign rewrites)."""

    _fields = ()

    def __init__(self, node: ast.expr, t) -> None:  # noqa: ANN001
        super().__init__()
        self.node, self.ntype = node, t


def _repeat_parts(value: ast.BinOp) -> tuple[ast.Constant, ast.expr]:
    if isinstance(value.left, ast.List):
        return value.left.elts[0], value.right
    return value.right.elts[0], value.left
