"""Could ``hlopt nativize`` compile this hot function? An ast reading of its body.

A function qualifies when its time is spent in its own loops over numbers, strings or
bytes, with no I/O and no dynamic features: the kind of code a typed native version speeds
up many times. The verdict names what qualifies it, or each thing that stops it with its
line, in the terms nativize itself uses for its refusals.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

#: builtins a native version handles directly
_PURE_BUILTINS = frozenset({
    "abs", "all", "any", "bool", "bytearray", "bytes", "chr", "divmod", "enumerate", "float",
    "hash", "int", "isinstance", "len", "list", "max", "min", "ord", "pow", "range",
    "reversed", "round", "set", "sorted", "str", "sum", "tuple", "zip", "dict", "frozenset",
})
_DYNAMIC = {
    "eval": "`eval()`", "exec": "`exec()`", "compile": "`compile()`", "locals": "`locals()`",
    "globals": "`globals()`", "vars": "`vars()`", "getattr": "`getattr()`",
    "setattr": "`setattr()`", "delattr": "`delattr()`", "__import__": "`__import__()`",
}
_IO_NAMES = frozenset({"print", "open", "input"})
_IO_MODULES = frozenset({
    "os", "sys", "socket", "subprocess", "requests", "urllib", "http", "shutil", "pathlib",
    "logging", "asyncio", "select", "sqlite3", "time", "threading", "multiprocessing",
})
#: modules whose functions already run in C: compiling the caller gains little
_C_MODULES = frozenset({"re", "json", "zlib", "hashlib", "struct", "pickle", "base64",
                        "binascii", "numpy", "np", "pandas", "pd"})
_SAFE_MODULES = frozenset({"math", "cmath", "operator", "itertools", "functools", "bisect",
                           "heapq", "string"})
#: methods of compiled regular expressions (the work happens in the C regex engine)
_REGEX_METHODS = frozenset({"sub", "subn", "match", "search", "findall", "finditer",
                            "fullmatch"})
#: methods of str, bytes, list, dict and set a native version can call
_PURE_METHODS = frozenset({
    "append", "extend", "pop", "insert", "get", "items", "keys", "values", "setdefault",
    "add", "discard", "update", "split", "rsplit", "strip", "lstrip", "rstrip", "join",
    "startswith", "endswith", "find", "rfind", "index", "count", "replace", "lower", "upper",
    "encode", "decode", "isdigit", "isalpha", "isspace", "isalnum", "partition",
    "rpartition", "splitlines", "to_bytes", "from_bytes", "bit_length", "copy", "clear",
    "sort", "reverse", "format", "zfill", "translate", "hex",
})


@dataclass
class Verdict:
    """Whether nativize can take the function, and why (or why not)."""

    eligible: bool
    reasons: list[str] = field(default_factory=list)
    #: (line, what stops it)
    blockers: list[tuple[int, str]] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        return {"eligible": self.eligible, "reasons": list(self.reasons),
                "blockers": [{"line": ln, "reason": r} for ln, r in self.blockers]}

    def summary(self) -> str:
        if self.eligible:
            return "; ".join(self.reasons)
        return "; ".join(f"{r} (line {ln})" if ln else r for ln, r in self.blockers[:3])


def judge(node: ast.FunctionDef | ast.AsyncFunctionDef, module_functions: set[str],
          own_share: float) -> Verdict:
    """The verdict for one function; ``own_share`` = its self time / its total time."""
    scan = _Scan(module_functions)
    if isinstance(node, ast.AsyncFunctionDef):
        scan.block(node.lineno, "it is a coroutine (`async def`)")
    if node.args.vararg or node.args.kwarg:
        scan.block(node.lineno, "it takes `*args`/`**kwargs`")
    for stmt in node.body:
        scan.visit(stmt)
    if not scan.loops:
        scan.block(node.lineno, "it has no loop (nativize pays off on loops)")
    if own_share < 0.5 and not scan.blockers:
        scan.block(node.lineno, f"only {own_share:.0%} of its time is its own code; the rest "
                                "is in what it calls")
    if scan.blockers:
        return Verdict(False, blockers=scan.blockers)
    return Verdict(True, reasons=scan.reasons())


class _Scan(ast.NodeVisitor):
    def __init__(self, module_functions: set[str]) -> None:
        self.module_functions = module_functions
        self.blockers: list[tuple[int, str]] = []
        self.loops: list[str] = []
        self.arith = 0
        self.text_ops = 0
        self.helpers: set[str] = set()

    def block(self, line: int, why: str) -> None:
        if all(why != w for _, w in self.blockers):
            self.blockers.append((line, why))

    def reasons(self) -> list[str]:
        kinds = sorted(set(self.loops))
        out = [f"loops ({', '.join(kinds)})"]
        if self.arith:
            out.append(f"{self.arith} arithmetic operations on numbers")
        if self.text_ops:
            out.append(f"{self.text_ops} string/bytes operations")
        if self.helpers:
            out.append(f"calls {', '.join(sorted(self.helpers))} of the same module "
                       "(compiled along)")
        out.append("no I/O, no dynamic features")
        return out

    def visit_For(self, node: ast.For) -> None:
        it = node.iter
        is_range = isinstance(it, ast.Call) and isinstance(it.func, ast.Name) and \
            it.func.id in ("range", "enumerate", "zip", "reversed")
        self.loops.append("`for ... in range`" if is_range else "`for`")
        self.generic_visit(node)

    def visit_While(self, node: ast.While) -> None:
        self.loops.append("`while`")
        self.generic_visit(node)

    def visit_ListComp(self, node: ast.AST) -> None:
        self.loops.append("comprehension")
        self.generic_visit(node)

    visit_SetComp = visit_DictComp = visit_GeneratorExp = visit_ListComp

    def visit_BinOp(self, node: ast.BinOp) -> None:
        self.arith += 1
        self.generic_visit(node)

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        self.arith += 1
        self.generic_visit(node)

    def visit_Yield(self, node: ast.AST) -> None:
        self.block(node.lineno, "it is a generator (`yield`)")  # type: ignore[attr-defined]

    visit_YieldFrom = visit_Yield

    def visit_Await(self, node: ast.Await) -> None:
        self.block(node.lineno, "it awaits (`await`)")

    def visit_Global(self, node: ast.Global) -> None:
        self.block(node.lineno, f"it writes globals (`global {', '.join(node.names)}`)")

    def visit_Nonlocal(self, node: ast.Nonlocal) -> None:
        self.block(node.lineno, f"it writes closure variables (`nonlocal "
                                f"{', '.join(node.names)}`)")

    def visit_FunctionDef(self, node: ast.AST) -> None:
        self.block(node.lineno, "it defines nested functions or classes")  # type: ignore[attr-defined]

    visit_AsyncFunctionDef = visit_ClassDef = visit_Lambda = visit_FunctionDef

    def visit_With(self, node: ast.AST) -> None:
        self.block(node.lineno, "it uses `with` (a context manager)")  # type: ignore[attr-defined]
        self.generic_visit(node)

    visit_AsyncWith = visit_With

    def visit_Call(self, node: ast.Call) -> None:
        self._call(node)
        self.generic_visit(node)

    def _call(self, node: ast.Call) -> None:
        func = node.func
        if isinstance(func, ast.Name):
            self._call_name(func.id, node.lineno)
        elif isinstance(func, ast.Attribute):
            self._call_attr(func, node.lineno)
        else:
            self.block(node.lineno, "it calls a computed callable")

    def _call_name(self, name: str, line: int) -> None:
        if name in _DYNAMIC:
            self.block(line, f"it uses {_DYNAMIC[name]} (a dynamic feature)")
        elif name in _IO_NAMES:
            self.block(line, f"it does I/O (`{name}()`)")
        elif name in self.module_functions:
            self.helpers.add(f"`{name}()`")
        elif name not in _PURE_BUILTINS:
            self.block(line, f"it calls `{name}()`, which nativize cannot see into")

    def _call_attr(self, func: ast.Attribute, line: int) -> None:
        base = func.value
        root = base.id if isinstance(base, ast.Name) else None
        dotted = f"{root}.{func.attr}" if root else func.attr
        if root in _IO_MODULES or (root == "sys" and func.attr == "_getframe"):
            self.block(line, f"it does I/O or talks to the system (`{dotted}()`)")
        elif root in _C_MODULES:
            self.block(line, f"its work is in `{dotted}()`, which already runs in C")
        elif func.attr in _REGEX_METHODS:
            self.block(line, f"its work is in the regex call `{dotted}()`, which already "
                             "runs in C")
        elif root in _SAFE_MODULES:
            self.arith += 1
        elif func.attr in _PURE_METHODS:
            self.text_ops += 1
        elif root == "self":
            self.block(line, f"it calls a method (`self.{func.attr}()`) of an object "
                             "nativize cannot type")
        else:
            self.block(line, f"it calls `{dotted}()`, which nativize cannot see into")
