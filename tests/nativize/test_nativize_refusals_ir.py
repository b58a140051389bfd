"""Every construct the C/Zig subset refuses: a test each, with its line and a clear reason.

Each case is a module whose function ``f`` is outside the subset; the line marked ``# <-``
is the one the refusal must name. ``--backend c``/``zig`` then stop with an HLN finding
naming it, and ``--backend auto`` builds it with Cython instead.
"""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import pytest

from hlopt.nativize.analyse import analyse
from hlopt.nativize.infer import infer
from hlopt.nativize.ir_lower import Refused, check, lower
from hlopt.nativize.model import REFUSED_CONSTRUCT, Target

MARK = "# <-"
#: (id, module source after ``import math``, words the reason must contain)
CASES = [
    # the boundary: parameters and results
    ("param-type", "def f(s: str) -> int:  # <-\n    return 1", "parameter s: type str"),
    ("kwonly-target", "def f(n: int, *, k: int = 1) -> int:  # <-\n    return n",
     "f(): keyword-only or variable parameters"),
    ("kwonly-helper", "def g(x: int, *, k: int = 1) -> int:  # <-\n    return x\n\n\n"
     "def f(n: int) -> int:\n    return g(n)", "g(): keyword-only or variable parameters"),
    ("return-bytes", "def f(b: bytes) -> bytes:\n    return b  # <-",
     "returning bytes is not in the C/Zig subset"),
    ("return-none-or-int", "def f(n: int):\n    if n:\n        return 1\n    return  # <-",
     "returns both int and None"),
    ("return-param-list", "def f(xs: list[int]) -> list[int]:\n    return xs  # <-",
     "returning a list that is not a local list variable"),
    ("return-list-display", "def f(n: int) -> list[int]:\n    return [0] * n  # <-",
     "returning a list that is not a local list variable"),
    ("helper-returns-list", "def g(n: int):\n    a = [0] * n\n    return a  # <-\n\n\n"
     "def f(n: int) -> int:\n    return len(g(n))", "returning list[int] is not in"),
    ("helper-returns-none", "def g(n: int):\n    pass\n\n\n"
     "def f(n: int) -> int:\n    g(n)  # <-\n    return n", "g() returns None"),
    ("helper-recursive", "def g(n: int) -> int:\n    return g(n - 1) if n else 0  # <-\n\n\n"
     "def f(n: int) -> int:\n    return g(n)", "recursive call of g()"),
    ("helper-two-signatures", "def g(x):\n    return x\n\n\n"
     "def f(n: int) -> float:\n    return g(n) + g(1.5)  # <-",
     "g() is called with different argument types"),
    ("helper-arity", "def g(x: int) -> int:\n    return x\n\n\n"
     "def f(n: int) -> int:\n    return g(n, n)  # <-", "g() takes 1 arguments"),
    ("helper-bytes-arg", "def g(b) -> int:\n    return len(b)\n\n\n"
     "def f(b: bytes) -> int:\n    return g(b) + g(1)  # <-",
     "g() is called with different argument types"),
    # names, constants and globals
    ("big-constant", "BIG = 2**70\n\n\ndef f(n: int) -> int:\n    return n + BIG  # <-",
     "constant BIG = 2 ** 70"),
    ("str-constant", "NAME = 'x'\n\n\ndef f(n: int) -> int:\n    return n + NAME  # <-",
     "only ints that fit 64 bits, floats and bools"),
    ("global-list", "TABLE = [1, 2]\n\n\ndef f(n: int) -> int:\n    return TABLE[n]  # <-",
     "global name 'TABLE' is not a constant"),
    ("read-before-assigned", "def f(n: int) -> int:\n    if n:\n        y = 1\n"
     "    return y  # <-", "may be read before it is assigned"),
    # variables and assignments
    ("two-types", "def f(n: int) -> int:\n    x = 1\n    x = 1.5  # <-\n    return n",
     "'x' holds both int and float"),
    ("param-reassigned", "def f(xs: list[int]) -> int:\n    xs = [0] * 3  # <-\n    return 0",
     "argument 'xs' is reassigned"),
    ("list-assigned-twice", "def f(n: int) -> int:\n    a = [0] * n\n    a = [1] * n  # <-\n"
     "    return a[0]", "list 'a' is assigned twice"),
    ("list-alias", "def f(n: int) -> int:\n    a = [0] * n\n    b = a  # <-\n    return b[0]",
     "list 'b' aliases another list"),
    ("unpack-call", "def f(n: int) -> int:\n    a, b = divmod(n, 3)  # <-\n    return a",
     "unpacking anything but a tuple display"),
    ("attribute-store", "def f(n: int) -> int:\n    n.x = 1  # <-\n    return n",
     "assigning to n.x"),
    ("slice-store", "def f(n: int) -> int:\n    a = [0] * n\n    a[1:2] = a  # <-\n"
     "    return 0", "assigning to a[1:2]"),
    ("param-list-store", "def f(xs: list[int]) -> int:\n    xs[0] = 1  # <-\n    return 0",
     "assigning into 'xs'"),
    ("store-wrong-type", "def f(n: int) -> int:\n    a = [0] * n\n    a[0] = 1.5  # <-\n"
     "    return 0", "storing a float into a list[int]"),
    ("augassign-attribute", "def f(n: int) -> int:\n    n.x += 1  # <-\n    return n",
     "augmented assignment to n.x"),
    # statements
    ("try", "def f(n: int) -> int:\n    try:  # <-\n        return n\n    except E:\n"
     "        return 0", "try statement"),
    ("with", "def f(n: int) -> int:\n    with open('x'):  # <-\n        pass\n    return n",
     "with statement"),
    ("assert", "def f(n: int) -> int:\n    assert n  # <-\n    return n", "assert statement"),
    ("del", "def f(n: int) -> int:\n    x = n\n    del x  # <-\n    return n", "delete statement"),
    ("import", "def f(n: int) -> int:\n    import os  # <-\n    return n", "import statement"),
    ("import-from", "def f(n: int) -> int:\n    from os import sep  # <-\n    return n",
     "importfrom statement"),
    ("while-else", "def f(n: int) -> int:\n    while n:  # <-\n        n -= 1\n    else:\n"
     "        return 1\n    return 0", "while ... else"),
    ("for-else", "def f(n: int) -> int:\n    for i in range(n):  # <-\n        pass\n"
     "    else:\n        return 1\n    return 0", "for ... else"),
    ("raise-bare", "def f(n: int) -> int:\n    if n:\n        raise  # <-\n    return n",
     "raise other than"),
    ("raise-custom", "class E(Exception):\n    pass\n\n\ndef f(n: int) -> int:\n"
     "    raise E('x')  # <-", "raise other than"),
    ("raise-formatted", "def f(n: int) -> int:\n    raise ValueError(f'{n}')  # <-",
     "raise other than"),
    # expressions
    ("comprehension", "def f(n: int) -> int:\n    return len([i for i in range(n)])  # <-",
     "[i for i in range(n)]: not in the C/Zig subset"),
    ("dict", "def f(n: int) -> int:\n    d = {}  # <-\n    return n", "{}: not in"),
    ("set", "def f(n: int) -> int:\n    s = {n}  # <-\n    return n", "{n}: not in"),
    ("f-string", "def f(n: int) -> int:\n    s = f'{n}'  # <-\n    return n", "f'{n}': not in"),
    ("str-literal", "def f(n: int) -> int:\n    s = 'abc'  # <-\n    return n",
     "constant 'abc'"),
    ("none-literal", "def f(n: int) -> int:\n    s = None  # <-\n    return n", "constant None"),
    ("huge-literal", "def f(n: int) -> int:\n    return n + 2**64 * 0 + 18446744073709551616"
     "  # <-", "constant 18446744073709551616"),
    ("attribute", "def f(x: float) -> float:\n    return x.real  # <-",
     "attributes are not in the C/Zig subset"),
    ("math-nan", "def f(x: float) -> float:\n    return x + math.nan  # <-",
     "math.nan: attributes"),
    ("float-index", "def f(xs: list[int], x: float) -> int:\n    return xs[x]  # <-",
     "an int is needed here"),
    ("list-arithmetic", "def f(xs: list[int]) -> int:\n    a = xs + xs  # <-\n    return 0",
     "arithmetic on list[int]"),
    ("float-shift", "def f(x: float) -> float:\n    return x << 1  # <-", "LShift on floats"),
    ("matmul", "def f(a: int, b: int) -> int:\n    return a @ b  # <-",
     "MatMult is not in the C/Zig subset"),
    ("compare-is", "def f(a: int, b: int) -> bool:\n    return a is b  # <-",
     "only ==, !=, <, <=, >, >= on numbers"),
    ("compare-in", "def f(a: int, xs: list[int]) -> bool:\n    return a in xs  # <-",
     "only ==, !=, <, <=, >, >= on numbers"),
    ("boolop-mixed", "def f(a: int, x: float) -> float:\n    return a or x  # <-",
     "and/or of different types"),
    ("ifexp-mixed", "def f(a: int, b: float) -> float:\n    return a if a else b  # <-",
     "both branches must have one scalar type"),
    ("slice", "def f(xs: list[int]) -> int:\n    return len(xs[1:])  # <-", "slices are not"),
    ("index-int", "def f(n: int) -> int:\n    return n[0]  # <-", "indexing a int"),
    ("list-two-items", "def f(n: int) -> int:\n    a = [1, 2] * n  # <-\n    return a[0]",
     "only [value] * n lists"),
    ("list-of-lists", "def f(xs: list[int]) -> int:\n    a = [xs] * 2  # <-\n    return 0",
     "a list of list[int]"),
    # calls
    ("keywords", "def f(x: float) -> int:\n    return int(x=x)  # <-", "keyword arguments"),
    ("method", "def f(xs: list[int]) -> int:\n    xs.append(1)  # <-\n    return 0",
     "calls of methods"),
    ("builtin", "def f(x: float) -> float:\n    return round(x)  # <-", "calling round()"),
    ("starred-args", "def f(xs: list[int]) -> int:\n    return max(*xs)  # <-",
     "unexpected arguments"),
    ("len-two-args", "def f(xs: list[int]) -> int:\n    return len(xs, 1)  # <-",
     "unexpected arguments"),
    ("math-hypot", "def f(x: float) -> float:\n    return math.hypot(x, x)  # <-",
     "math.hypot()"),
    ("len-int", "def f(n: int) -> int:\n    return len(n)  # <-", "len() of int"),
    ("max-mixed", "def f(a: int, x: float) -> float:\n    return max(a, x)  # <-",
     "max() of values of one scalar type only"),
    ("min-scalar", "def f(n: int) -> int:\n    return min(n)  # <-",
     "min()/max() of one sequence or of scalars"),
    ("sum-int", "def f(n: int) -> int:\n    return sum(n)  # <-", "sum() of int"),
    # loops
    ("zip-one-name", "def f(xs: list[int], ys: list[int]) -> int:\n    t = 0\n"
     "    for p in zip(xs, ys):  # <-\n        t += 1\n    return t",
     "for over zip(): unpack into one name per sequence"),
    ("enumerate-one-name", "def f(xs: list[int]) -> int:\n    t = 0\n"
     "    for p in enumerate(xs):  # <-\n        t += 1\n    return t",
     "for i, x in enumerate(seq[, start]) only"),
    ("enumerate-start", "def f(xs: list[int], k: int) -> int:\n    t = 0\n"
     "    for i, x in enumerate(xs, k):  # <-\n        t += i\n    return t",
     "enumerate() with a start other than an int literal"),
    ("for-over-call", "def f(xs: list[int]) -> int:\n    t = 0\n"
     "    for x in reversed(xs):  # <-\n        t += x\n    return t",
     "for over reversed(xs): only range(), zip(), enumerate()"),
    ("for-over-int", "def f(n: int) -> int:\n    t = 0\n    for x in n:  # <-\n        t += x\n"
     "    return t", "for over a int"),
    ("loop-target-subscript", "def f(xs: list[int]) -> int:\n    a = [0] * 2\n"
     "    for a[0] in xs:  # <-\n        pass\n    return 0",
     "loop targets other than names"),
    ("range-four-args", "def f(n: int) -> int:\n    t = 0\n"
     "    for i in range(0, n, 1, 2):  # <-\n        t += i\n    return t",
     "range() takes one to three ints"),
    ("range-float", "def f(x: float) -> int:\n    t = 0\n    for i in range(x):  # <-\n"
     "        t += i\n    return t", "an int is needed here"),
]
if sys.version_info >= (3, 12):
    CASES.append(("sum-floats", "def f(xs: list[float]) -> float:\n    return sum(xs)  # <-",
                  "compensated summation"))


def _analysed(tmp_path: Path, body: str):
    text = "import math\n\n\n" + textwrap.dedent(body) + "\n"
    path = tmp_path / "m.py"
    path.write_text(text, encoding="utf-8")
    line = next(i for i, s in enumerate(text.splitlines(), 1) if MARK in s)
    a = analyse(Target(path=path, qualname="f", module="m", root=tmp_path))
    return a, infer(a, []), line


@pytest.mark.parametrize(("body", "reason"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_each_construct_outside_the_subset_is_refused(tmp_path: Path, body: str,
                                                      reason: str) -> None:
    a, typing, line = _analysed(tmp_path, body)
    assert a.refusals == [], a.refusals  # inside Cython's reach: only the C/Zig subset refuses
    with pytest.raises(Refused) as err:
        lower(a, typing)
    refusal = err.value.refusal
    assert reason in refusal.message and refusal.code == REFUSED_CONSTRUCT
    assert refusal.line == line, (refusal.line, refusal.message)
    assert check(a, typing) == [refusal]


def test_analysis_refusals_pass_through_with_their_line(tmp_path: Path) -> None:
    a, typing, line = _analysed(tmp_path, "def f(n: int) -> int:\n    yield n  # <-")
    assert a.refusals and a.refusals[0].line == line
    with pytest.raises(Refused) as err:
        lower(a, typing)
    assert (err.value.refusal.line, err.value.refusal.message) == \
        (line, a.refusals[0].message)


def test_the_inside_of_the_subset_lowers(tmp_path: Path) -> None:
    body = ("def f(xs: list[float], n: int) -> float:\n    t = 0.0  # <-\n"
            "    for i, x in enumerate(xs, 1):\n        t += x * i + math.sqrt(abs(x))\n"
            "    for a, b in zip(xs, xs):\n        t -= a * b\n    k = 0\n"
            "    while k < n:\n        k += 1\n        if k % 2 == 0:\n            continue\n"
            "        t += max(k, 3) // 2\n    return t if t == t else -1.0\n")
    a, typing, _ = _analysed(tmp_path, body)
    assert check(a, typing) == []


# --- what the pipeline does with a refusal ------------------------------------------------

PROJECT = '''\
def inside(xs: list[float], k: float) -> float:
    out = 0.0
    for x in xs:
        out += x * k
    return out


def outside(xs: list[float], k: float) -> float:
    seen = {}
    for x in xs:
        seen[x] = k
    return float(len(seen))
'''


@pytest.fixture
def pipeline(monkeypatch, tmp_path: Path):
    """The real analyse/type/generate stages; build, verify and measure are stand-ins that
    record what they were given (their own tests build for real)."""
    from types import SimpleNamespace

    from hlopt.nativize import build, measure, verify
    from hlopt.nativize.model import BuildResult, VerifyResult

    built: list = []
    root = tmp_path / "proj"
    root.mkdir()
    (root / "mod.py").write_text(PROJECT, encoding="utf-8")
    so = tmp_path / "built.py"
    so.write_text("def _hlopt_bind(f):\n    return f\n", encoding="utf-8")

    def fake_build(gen, **kw):
        built.append(gen)
        return BuildResult(so, gen.module_name, "cc", 0.1, 10, False, ("-O3",))

    monkeypatch.setattr(build, "build", fake_build)
    monkeypatch.setattr(verify, "verify", lambda *a, **kw: VerifyResult(1, 0, []))
    monkeypatch.setattr(measure, "measure", lambda *a, **kw: SimpleNamespace(
        before=2e-6, after=1e-7, speedup=20.0, ci_low=18.0, ci_high=22.0, significant=True,
        rounds=6, calls=1, notes=[], faster=True))
    return root, built


def _run(root: Path, target: str, backend: str):
    from hlopt.nativize import Options, run

    return run(Options(targets=(f"mod.py:{target}",), backend=backend, examples=0, cwd=root))


def test_backend_auto_uses_cython_for_a_refused_function(pipeline) -> None:
    root, built = pipeline
    report = _run(root, "outside", "auto")
    note = next(n for n in report.notes if n.startswith("backend auto:"))
    assert note.startswith("backend auto: cython (") and "{}: not in the C/Zig subset" in note
    assert note.endswith(", line 9)")
    assert [g.backend for g in built] == ["cython"] and report.exit_code == 0


def test_backend_auto_uses_c_inside_the_subset(pipeline) -> None:
    root, built = pipeline
    report = _run(root, "inside", "auto")
    assert "backend auto: c" in report.notes and [g.backend for g in built] == ["c"]


@pytest.mark.parametrize("backend", ["c", "zig"])
def test_c_and_zig_backends_stop_on_a_refusal_with_the_line(pipeline, backend: str) -> None:
    root, built = pipeline
    report = _run(root, "outside", backend)
    [finding] = report.findings
    assert finding.code == REFUSED_CONSTRUCT and finding.line == 9
    assert f"outside the {backend} backend's subset: {{}}: not in" in finding.message
    assert "use --backend cython or auto" in finding.message
    assert report.exit_code == 1 and built == []
