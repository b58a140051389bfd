"""Type a target: annotations first, then recorded calls, then local inference in the body."""

from __future__ import annotations

import ast
import inspect

from hlopt.nativize import types as T
from hlopt.nativize.analyse import const_eval, local_names
from hlopt.nativize.model import OBJECT, Analysis, Call, NType, Typing

INT_MIN, INT_MAX = -(2**63), 2**63 - 1
_NUM = ("int", "float", "bool")
_STR_TO_STR = {"lower", "upper", "strip", "lstrip", "rstrip", "replace", "casefold", "title",
               "capitalize", "swapcase", "join", "format", "zfill", "center", "ljust",
               "rjust", "removeprefix", "removesuffix", "expandtabs"}
_STR_TO_BOOL = {"startswith", "endswith", "isdigit", "isalpha", "isalnum", "isspace",
                "isupper", "islower", "isdecimal", "isnumeric", "isidentifier", "istitle",
                "isascii", "isprintable"}
_STR_TO_INT = {"find", "rfind", "index", "rindex", "count"}
MATH_FLOAT = {"sqrt", "exp", "log", "log2", "log10", "sin", "cos", "tan", "atan", "asin",
              "acos", "sinh", "cosh", "tanh", "fabs", "hypot", "atan2", "pow", "copysign",
              "fmod", "expm1", "log1p"}
MATH_INT = {"floor", "ceil", "trunc", "gcd", "isqrt", "factorial", "comb", "perm"}


def infer(analysis: Analysis, calls: list[Call]) -> Typing:
    """The parameter, local and return types the generator may rely on, with reasons."""
    func = function_node(analysis)
    params, reasons = param_types(func, calls)
    env = infer_locals(func, params, analysis)
    locals_ = {k: v for k, v in env.items() if k not in params and v != OBJECT}
    for name, t in sorted(locals_.items()):
        reasons.append(f"{name}: {t} (assigned only {t} expressions)")
    for p in params:
        if env.get(p, params[p]) != params[p]:
            reasons.append(f"{p}: reassigned with other types in the body: kept as object "
                           "inside the function")
    ret = return_type(func, env, analysis)
    reasons.append(f"return: {ret} ({'every return' if ret != OBJECT else 'mixed or unknown'})")
    return Typing(params=params, returns=ret, locals=locals_, reasons=reasons)


def function_node(analysis: Analysis) -> ast.FunctionDef:
    node = ast.parse(analysis.source).body[0]
    assert isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
    return node  # type: ignore[return-value]


def param_types(func: ast.FunctionDef, calls: list[Call]) -> tuple[dict[str, NType], list[str]]:
    """Each parameter's type: its annotation, else the join over the recorded calls."""
    names = [p.arg for p in func.args.posonlyargs + func.args.args + func.args.kwonlyargs]
    notes = {p.arg: p.annotation for p in func.args.posonlyargs + func.args.args
             + func.args.kwonlyargs}
    observed = _observed(func, names, calls)
    out, reasons = {}, []
    for name in names:
        ann = T.from_annotation(notes[name]) if notes[name] is not None else None
        if ann is not None and ann != OBJECT:
            out[name] = ann
            reasons.append(f"{name}: {ann} (annotation)")
        elif name in observed:
            t, n = observed[name]
            out[name] = t if T.is_known(t) else OBJECT
            why = f"{n} recorded call{'s' if n != 1 else ''}"
            reasons.append(f"{name}: {out[name]} ({why})" if T.is_known(t)
                           else f"{name}: object ({why} disagree: {t})")
        else:
            out[name] = OBJECT
            reasons.append(f"{name}: object (no annotation and no recorded call)")
    return out, reasons


def _observed(func: ast.FunctionDef, names: list[str],
              calls: list[Call]) -> dict[str, tuple[NType, int]]:
    """Join of the argument types over calls (positional and keyword)."""
    sig = _signature(func, names)
    seen: dict[str, tuple[NType, int]] = {}
    for call in calls:
        try:
            bound = sig.bind(*call.args, **call.kwargs)
        except TypeError:
            continue
        for name, value in bound.arguments.items():
            t = T.of_value(value)
            old = seen.get(name)
            seen[name] = (T.join(old[0], t) if old else t, (old[1] if old else 0) + 1)
    return seen


def _signature(func: ast.FunctionDef, names: list[str]) -> inspect.Signature:
    a = func.args
    kinds = ([inspect.Parameter.POSITIONAL_ONLY] * len(a.posonlyargs)
             + [inspect.Parameter.POSITIONAL_OR_KEYWORD] * len(a.args)
             + [inspect.Parameter.KEYWORD_ONLY] * len(a.kwonlyargs))
    positional = a.posonlyargs + a.args
    defaults = [None] * (len(positional) - len(a.defaults)) + list(a.defaults) + a.kw_defaults
    params = [inspect.Parameter(n, k, default=inspect.Parameter.empty if d is None else d)
              for n, k, d in zip(names, kinds, defaults, strict=True)]
    return inspect.Signature(params)


def infer_locals(func: ast.FunctionDef, params: dict[str, NType],
                 analysis: Analysis | None = None, weak: set[str] | None = None,
                 fixed: set[str] | None = None) -> dict[str, NType]:
    """Flow-insensitive: a name keeps a type only when every assignment gives that type."""
    binds = bindings(func)
    typer = Typer({}, analysis)
    typer.weak = weak or set()
    typer.pending = set(binds)
    env: dict[str, NType] = dict(params)
    for _ in range(20):  # optimistic pass: join what is known
        typer.env = env
        new = dict(params)
        for name, exprs in binds.items():
            for t in (typer.binding_type(e) for e in exprs):
                if t is not None:
                    new[name] = _merge(new.get(name), t)
        if new == env:
            break
        env = new
    typer.pending = set()
    env = {**dict.fromkeys(binds, OBJECT), **env, **dict.fromkeys(fixed or (), OBJECT)}
    for _ in range(50):  # checking pass: any other type demotes the name to object
        typer.env = env
        bad = {n for n, exprs in binds.items() if env.get(n, OBJECT) != OBJECT
               and any(typer.binding_type(e) != env[n] for e in exprs)}
        if not bad:
            break
        env = {**env, **dict.fromkeys(bad, OBJECT)}
    for name in local_names(func):
        env.setdefault(name, OBJECT)
    return env


def _merge(old: NType | None, new: NType) -> NType:
    if old is None:
        return new
    return T.join(old, new) if old.name == new.name else OBJECT


def bindings(func: ast.FunctionDef) -> dict[str, list[tuple[str, ast.AST, int]]]:
    """name -> how it is bound: ("expr", value, -1), ("iter", iterable, -1), ("aug", node, -1),
    ("item", value, k) for the k-th name of a tuple target, ("object", node, -1)."""
    out: dict[str, list] = {}

    def target(t: ast.AST, kind: str, value: ast.AST, k: int = -1) -> None:
        if isinstance(t, ast.Name):
            out.setdefault(t.id, []).append((kind, value, k))
        elif isinstance(t, ast.Tuple | ast.List):
            for i, e in enumerate(t.elts):
                sub = value.elts[i] if isinstance(value, ast.Tuple) and kind == "expr" and \
                    len(value.elts) == len(t.elts) and not isinstance(e, ast.Starred) else None
                if sub is not None:
                    target(e, "expr", sub)
                elif isinstance(e, ast.Starred):
                    target(e.value, "object", value)
                else:
                    target(e, "item" if kind == "expr" else "iteritem", value, i)
    for node in _statements(func):
        if isinstance(node, ast.Assign):
            for t in node.targets:
                target(t, "expr", node.value)
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            target(node.target, "expr", node.value)
        elif isinstance(node, ast.AugAssign):
            target(node.target, "aug", node)
        elif isinstance(node, ast.For):
            target(node.target, "iter", node.iter)
        elif isinstance(node, ast.NamedExpr):
            target(node.target, "expr", node.value)
        elif isinstance(node, ast.With):
            for item in node.items:
                if item.optional_vars is not None:
                    target(item.optional_vars, "object", item.context_expr)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            out.setdefault(node.name, []).append(("object", node, -1))
        elif isinstance(node, ast.Import | ast.ImportFrom):
            for al in node.names:
                out.setdefault((al.asname or al.name).split(".")[0], []).append(
                    ("object", node, -1))
        elif isinstance(node, ast.Delete):
            for t in node.targets:
                if isinstance(t, ast.Name):
                    out.setdefault(t.id, []).append(("object", t, -1))
    return out


def _statements(func: ast.AST):
    """Nodes of the body, not descending into comprehensions (their names are their own)."""
    stack = list(func.body)
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, ast.ListComp | ast.SetComp | ast.DictComp | ast.GeneratorExp):
            continue
        stack.extend(ast.iter_child_nodes(node))


def return_type(func: ast.FunctionDef, env: dict[str, NType],
                analysis: Analysis | None = None) -> NType:
    typer = Typer(env, analysis)
    types = [T.NONE if r.value is None else typer.type(r.value)
             for r in _statements(func) if isinstance(r, ast.Return)]
    if not types or _falls_off(func.body):
        types.append(T.NONE)
    out = types[0]
    for t in types[1:]:
        out = out if t == out else OBJECT
    return out


def _falls_off(body: list[ast.stmt]) -> bool:
    """Whether control may reach the end of ``body`` (conservative: True unless it cannot)."""
    if not body:
        return True
    last = body[-1]
    if isinstance(last, ast.Return | ast.Raise):
        return False
    if isinstance(last, ast.If):
        return _falls_off(last.body) or _falls_off(last.orelse)
    if isinstance(last, ast.While) and isinstance(last.test, ast.Constant) and last.test.value \
            and not any(isinstance(n, ast.Break) for n in ast.walk(last)):
        return False
    return True


class Typer:
    """The static type of an expression under ``env`` (None: depends on an unknown name)."""

    def __init__(self, env: dict[str, NType], analysis: Analysis | None = None) -> None:
        self.env = env
        self.constants = {}
        if analysis is not None:
            for name, text in analysis.constants.items():
                self.constants[name] = T.of_value(const_eval(ast.parse(text, mode="eval").body))
        self.math = _math_names(analysis)
        #: containers whose elements nothing checks (element reads are objects)
        self.weak: set[str] = set()
        #: locals whose type is not known yet (typing an expression using one gives None)
        self.pending: set[str] = set()
        #: module names that shadow builtins or are helpers/globals (not typed as builtins)
        self.shadowed = set(analysis.globals_read) | set(analysis.helpers) if analysis else set()

    def binding_type(self, b: tuple[str, ast.AST, int]) -> NType | None:
        kind, node, k = b
        if kind == "expr":
            return self.type(node)
        if kind == "aug":
            return self.type(ast.BinOp(node.target, node.op, node.value))
        if kind == "iter":
            return self.iter_type(node)
        if kind in ("item", "iteritem"):
            whole = self.type(node) if kind == "item" else self.iter_type(node)
            if whole is None:
                return None
            if whole.name == "tuple" and len(whole.args) > k and whole.args[-1].name != "...":
                return whole.args[k]
        return OBJECT

    def type(self, e: ast.AST) -> NType | None:  # noqa: C901 - one dispatch
        if hasattr(e, "ntype"):  # an expression the generator already rewrote
            return e.ntype
        if isinstance(e, ast.Constant):
            return _const_type(e.value)
        if isinstance(e, ast.Name):
            if e.id in self.env:
                return self.env[e.id]
            return None if e.id in self.pending else self.constants.get(e.id, OBJECT)
        method = getattr(self, "_" + type(e).__name__, None)
        return method(e) if method else OBJECT

    def _BinOp(self, e: ast.BinOp) -> NType | None:
        a, b = self.type(e.left), self.type(e.right)
        if a is None or b is None:
            return None
        return binop_type(a, e.op, b, e.right)

    def _UnaryOp(self, e: ast.UnaryOp) -> NType | None:
        t = self.type(e.operand)
        if t is None:
            return None
        if isinstance(e.op, ast.Not):
            return T.BOOL if t.name in _NUM + ("str", "bytes", "list", "dict", "None") else OBJECT
        if t.name in ("int", "bool"):
            return T.INT
        return t if t.name == "float" and not isinstance(e.op, ast.Invert) else OBJECT

    def _BoolOp(self, e: ast.BoolOp) -> NType | None:
        ts = [self.type(v) for v in e.values]
        if any(t is None for t in ts):
            return None
        return ts[0] if all(t == ts[0] for t in ts) and ts[0].name in _NUM + ("str",) else OBJECT

    def _Compare(self, e: ast.Compare) -> NType | None:
        ts = [self.type(x) for x in [e.left, *e.comparators]]
        if any(t is None for t in ts):
            return None
        known = all(t.name in _NUM + ("str", "bytes", "None") for t in ts)
        contain = all(isinstance(op, ast.In | ast.NotIn) for op in e.ops) and \
            ts[-1].name in ("str", "bytes", "list", "dict", "set", "tuple")
        return T.BOOL if known or contain else OBJECT

    def _IfExp(self, e: ast.IfExp) -> NType | None:
        a, b = self.type(e.body), self.type(e.orelse)
        if a is None or b is None:
            return None
        return a if a == b else OBJECT

    def _Subscript(self, e: ast.Subscript) -> NType | None:
        base = self.type(e.value)
        if base is None:
            return None
        if isinstance(e.value, ast.Name) and e.value.id in self.weak and base.args:
            base = NType(base.name)
        if isinstance(e.slice, ast.Slice):
            return base if base.name in ("list", "str", "bytes", "bytearray") else OBJECT
        if base.name == "list":
            return T.element(base)
        if base.name == "str":
            return T.STR
        if base.name in ("bytes", "bytearray"):
            return T.INT
        if base.name == "dict" and len(base.args) == 2:
            return base.args[1] if T.is_known(base.args[1]) else OBJECT
        if base.name == "tuple" and isinstance(e.slice, ast.Constant) and base.args \
                and base.args[-1].name != "..." and isinstance(e.slice.value, int) \
                and -len(base.args) <= e.slice.value < len(base.args):
            return base.args[e.slice.value]
        return OBJECT

    def _List(self, e: ast.List) -> NType | None:
        return self._container("list", e.elts)

    def _Tuple(self, e: ast.Tuple) -> NType | None:
        ts = [self.type(x) for x in e.elts]
        if any(t is None for t in ts):
            return None
        return NType("tuple", tuple(ts)) if len(ts) <= 8 else NType("tuple")

    def _container(self, name: str, elts: list[ast.expr]) -> NType | None:
        ts = [self.type(x) for x in elts]
        if any(t is None for t in ts):
            return None
        out = NType("?")
        for t in ts:
            out = T.join(out, t)
        return NType(name, (out,))

    def _Dict(self, e: ast.Dict) -> NType | None:
        return NType("dict", (NType("?"), NType("?"))) if not e.keys else NType("dict")

    def _ListComp(self, e: ast.ListComp) -> NType | None:
        return NType("list", (self._in_comprehension(e, e.elt),))

    def _JoinedStr(self, e: ast.JoinedStr) -> NType | None:
        return T.STR

    def _in_comprehension(self, e: ast.AST, elt: ast.expr) -> NType:
        saved = self.env
        self.env = dict(saved)
        try:
            for gen in e.generators:
                if isinstance(gen.target, ast.Name):
                    self.env[gen.target.id] = self.iter_type(gen.iter) or OBJECT
                else:
                    for n in ast.walk(gen.target):
                        if isinstance(n, ast.Name):
                            self.env[n.id] = OBJECT
            return self.type(elt) or OBJECT
        finally:
            self.env = saved

    def _Call(self, e: ast.Call) -> NType | None:
        from hlopt.nativize.infer_calls import call_type

        return call_type(self, e)

    def iter_type(self, it: ast.AST) -> NType | None:
        """The type of the items ``for x in it`` binds."""
        from hlopt.nativize.infer_calls import iter_type

        return iter_type(self, it)


def _math_names(analysis: Analysis | None) -> dict[str, str]:
    """Local name -> math function name, from the module's imports."""
    out = {}
    for text in analysis.imports if analysis else []:
        node = ast.parse(text).body[0]
        if isinstance(node, ast.ImportFrom) and node.module == "math":
            for al in node.names:
                out[al.asname or al.name] = al.name
        elif isinstance(node, ast.Import):
            for al in node.names:
                if al.name == "math":
                    out[(al.asname or "math") + "."] = "math"
    return out


def _const_type(v: object) -> NType:
    if isinstance(v, bool):
        return T.BOOL
    if isinstance(v, int):
        return T.INT if INT_MIN <= v <= INT_MAX else OBJECT
    if v is None:
        return T.NONE
    if type(v) in (float, str, bytes):
        return NType(type(v).__name__)
    return OBJECT


def binop_type(a: NType, op: ast.operator, b: NType, right: ast.AST | None = None) -> NType:
    """Python's result type of ``a op b`` when it is certain."""
    if isinstance(op, ast.Div) and {a.name, b.name} <= {*_NUM, "int|float"}:
        return T.FLOAT  # true division of numbers is a float, whatever mix of int and float
    if a.name in _NUM and b.name in _NUM:
        isfloat = "float" in (a.name, b.name)
        if isinstance(op, ast.Div):
            return T.FLOAT
        if isinstance(op, ast.Pow):
            lit = isinstance(right, ast.Constant) and type(right.value) is int and right.value >= 0
            if lit:
                return T.FLOAT if isfloat else T.INT
            # a float power is a float, or complex for a negative base (native code falls back)
            flit = isinstance(right, ast.Constant) and type(right.value) is float
            return T.FLOAT if flit else OBJECT
        if isinstance(op, ast.LShift | ast.RShift | ast.BitAnd | ast.BitOr | ast.BitXor):
            if isfloat:
                return OBJECT
            both_bool = a.name == b.name == "bool" and not isinstance(op, ast.LShift | ast.RShift)
            return T.BOOL if both_bool else T.INT
        if isinstance(op, ast.MatMult):
            return OBJECT
        return T.FLOAT if isfloat else T.INT
    if a.name == b.name and a.name in ("str", "bytes") and isinstance(op, ast.Add):
        return a
    if a.name in ("str", "bytes", "list") and b.name in ("int", "bool") \
            and isinstance(op, ast.Mult):
        return a
    if a.name == "str" and isinstance(op, ast.Mod):
        return T.STR
    if a.name == b.name == "list" and isinstance(op, ast.Add):
        return T.join(a, b)
    return OBJECT
