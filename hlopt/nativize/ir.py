"""The typed IR between a Python function and the C and Zig emitters.

Expressions are flattened: every operation is an :class:`Assign` of one :class:`Op` to a
typed variable, so each emitter prints one statement per operation and checks its status.
Operands are variables or constants. Control flow stays structured (if, loops, break,
continue, return), which both C and Zig print directly.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from hlopt.nativize.model import NType

INT = NType("int")
FLOAT = NType("float")
BOOL = NType("bool")
NONE = NType("None")
BYTES = NType("bytes")
LIST_INT = NType("list", (INT,))
LIST_FLOAT = NType("list", (FLOAT,))
LIST_BOOL = NType("list", (BOOL,))
SCALARS = (INT, FLOAT, BOOL)
LISTS = (LIST_INT, LIST_FLOAT, LIST_BOOL)
#: a type the lowering has not determined yet (first passes only)
UNKNOWN = NType("?")

#: operations that may fail: the emitter checks their status (fallback or exception)
FAILING = frozenset({
    "add", "sub", "mul", "floordiv", "mod", "pow", "lshift", "rshift", "neg", "abs",
    "truediv", "fdiv", "ffloordiv", "fmod", "fpow", "i2f_exact", "f2i", "math", "math_int",
    "index", "newlist", "call",
})
#: C-level math functions of one float (math.<name> -> libm <name>)
MATH1 = ("sqrt", "exp", "log", "log2", "log10", "sin", "cos", "tan", "asin", "acos", "atan",
         "sinh", "cosh", "tanh", "expm1", "log1p", "fabs")
#: math functions returning an int from a float
MATH_INT = ("floor", "ceil", "trunc")


@dataclass(frozen=True)
class Var:
    name: str
    type: NType


@dataclass(frozen=True)
class Const:
    value: int | float | bool
    type: NType


Operand = Var | Const


@dataclass
class Op:
    """One operation. ``kind`` names it; ``fn`` the math function or helper it calls.

    Kinds: add sub mul floordiv mod pow lshift rshift band bor bxor neg abs invert (int);
    add_safe (an int add the lowering proved cannot overflow: counting a list's bools);
    udiv umod (``//`` and ``%`` of a never-negative int by a positive constant, see
    ir_signs: unsigned, never fail); index_ok (an index ir_bounds proved in range);
    fadd fsub fmul fdiv ffloordiv fmod fpow fneg fabs (float); truediv (int / int);
    i2f b2i i2f_exact f2i (conversions); eq ne lt le gt ge (on ``args``' type); not truth;
    math math_int (``fn``); len index newlist; call (helper ``fn``); copy.
    """

    kind: str
    args: tuple[Operand, ...]
    type: NType
    fn: str = ""

    @property
    def fails(self) -> bool:
        return self.kind in FAILING


@dataclass
class Assign:
    dst: Var
    op: Op


@dataclass
class Store:
    """``seq[index] = value`` into a local list (bounds checked: out of range falls back)."""

    seq: Var
    index: Operand
    value: Operand
    #: False when ir_bounds proved the index in range (no check emitted)
    checked: bool = True


@dataclass
class If:
    cond: Operand
    body: list[Stmt]
    orelse: list[Stmt] = field(default_factory=list)


@dataclass
class Loop:
    """``while True``: the condition of a Python ``while`` is the body's first statements."""

    body: list[Stmt]


@dataclass
class ForRange:
    """``for var in range(start, stop, step)``; a zero step falls back (Python raises)."""

    var: Var
    start: Operand
    stop: Operand
    step: Operand
    body: list[Stmt]


@dataclass
class ForEach:
    """``for vars in zip(seqs)`` (one sequence: a plain for); ``index``: enumerate's count."""

    vars: list[Var]
    seqs: list[Var]
    body: list[Stmt]
    index: Var | None = None
    start: int = 0


@dataclass
class Break:
    pass


@dataclass
class Continue:
    pass


@dataclass
class Return:
    """Return one value, a tuple of values (``tuple=True``) or None (no values)."""

    values: list[Operand]
    tuple: bool = False


@dataclass
class Raise:
    exc: str  # a builtin exception's name
    message: str


@dataclass
class Fallback:
    """Run the Python function instead (an input the native code does not handle)."""

    why: str


Stmt = Assign | Store | If | Loop | ForRange | ForEach | Break | Continue | Return | Raise \
    | Fallback


@dataclass
class Function:
    name: str
    params: list[Var]
    locals: dict[str, NType]
    body: list[Stmt]
    returns: NType
    #: True for the target (returns a Python object), False for helpers (a C value)
    entry: bool = False


@dataclass
class Module:
    """The target function and the same-module helpers it calls (helpers first)."""

    target: Function
    helpers: list[Function]

    @property
    def functions(self) -> list[Function]:
        return [*self.helpers, self.target]


def is_list(t: NType) -> bool:
    return t.name == "list"


def is_seq(t: NType) -> bool:
    return t.name == "list" or t == BYTES


def element(t: NType) -> NType:
    return INT if t == BYTES else t.args[0]


def list_views(fn: Function) -> set[str]:
    """The entry function's list[float] and list[int] parameters read in place from the
    Python list.

    Such a parameter is only measured (len), indexed and iterated, so the emitters read
    each item from the list when the code reads it (an exact float, or an exact int that
    fits 64 bits, else fallback) instead of copying the whole list into a C array first:
    one pass over the items, as a person writes it. A parameter passed on to a helper (or
    copied) keeps the array.
    """
    if not fn.entry:
        return set()
    names = {p.name for p in fn.params if p.type in (LIST_FLOAT, LIST_INT)}
    for s in walk(fn.body):
        if isinstance(s, Assign) and s.op.kind not in ("len", "index"):
            names -= {a.name for a in s.op.args if isinstance(a, Var)}
        elif isinstance(s, Store | Return):
            used = [s.value] if isinstance(s, Store) else s.values
            names -= {a.name for a in used if isinstance(a, Var)}
    loops: dict[str, set[int]] = {}
    _reading_loops(fn.body, None, 0, loops)
    return {n for n in names if _type_of(fn, n) == LIST_FLOAT
            or (len(loops.get(n, ())) <= 1 and -1 not in loops.get(n, ()))}


def _type_of(fn: Function, name: str) -> NType | None:
    return next((p.type for p in fn.params if p.name == name), None)


def _reading_loops(body: list[Stmt], loop: int | None, depth: int,
                   out: dict[str, set[int]]) -> None:
    """For each list, the loops its items are read in (-1: a loop inside a loop).

    An int item costs a conversion at every read, a float item a type check: a list[int]
    read by more than one loop, or by a nested loop, is cheaper copied once.
    """
    for s in body:
        if isinstance(s, ForEach):
            inner = id(s) if depth == 0 else -1
            for q in s.seqs:
                out.setdefault(q.name, set()).add(inner)
            _reading_loops(s.body, inner, depth + 1, out)
        elif isinstance(s, Loop | ForRange):
            _reading_loops(s.body, id(s) if depth == 0 else -1, depth + 1, out)
        elif isinstance(s, If):
            _reading_loops(s.body, loop, depth, out)
            _reading_loops(s.orelse, loop, depth, out)
        elif isinstance(s, Assign) and s.op.kind in ("index", "index_ok"):
            if loop is not None and isinstance(s.op.args[0], Var):
                out.setdefault(s.op.args[0].name, set()).add(loop)


def walk(body: list[Stmt]):
    """Every statement of ``body``, nested ones included."""
    for s in body:
        yield s
        for inner in (getattr(s, "body", None), getattr(s, "orelse", None)):
            if inner:
                yield from walk(inner)
