"""The typed IR: what the C/Zig subset lowers, and each construct it refuses (with its line)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from hlopt.nativize import ir
from hlopt.nativize.analyse import analyse
from hlopt.nativize.infer import infer
from hlopt.nativize.ir_lower import Refused, check, lower
from hlopt.nativize.model import REFUSED_CONSTRUCT, Target

KERNELS = Path(__file__).resolve().parents[2] / "bench" / "kernels"


def _lower(tmp_path: Path, body: str, name: str = "f"):
    path = tmp_path / "m.py"
    path.write_text("import math\n\n\n" + textwrap.dedent(body), encoding="utf-8")
    a = analyse(Target(path=path, qualname=name, module="m", root=tmp_path))
    return a, infer(a, [])


def test_a_loop_lowers_to_typed_operations(tmp_path: Path) -> None:
    a, t = _lower(tmp_path, """
        def f(n: int, x: float) -> float:
            s = 0.0
            for i in range(n):
                s += x * i
            return s
        """)
    mod = lower(a, t)
    assert mod.target.returns == ir.FLOAT
    loop = next(s for s in ir.walk(mod.target.body) if isinstance(s, ir.ForRange))
    kinds = [s.op.kind for s in ir.walk(loop.body) if isinstance(s, ir.Assign)]
    assert "i2f" in kinds and "fmul" in kinds and "fadd" in kinds
    assert mod.target.locals["v_s"] == ir.FLOAT


@pytest.mark.parametrize(("body", "reason", "line"), [
    ("def f(s: str) -> int:\n    return len(s)\n", "parameter s", 4),
    ("def f(n: int) -> int:\n    d = {}\n    return n\n", "{}", 5),
    ("def f(n: int) -> int:\n    x = 1\n    x = 1.5\n    return n\n", "holds both", 6),
    ("def f(n: int) -> int:\n    return int(str(n))\n", "str", 5),
    ("def f(xs: list[int]) -> int:\n    xs[0] = 1\n    return 0\n", "assigning into", 5),
    ("def f(n: int) -> int:\n    if n:\n        y = 1\n    return y\n", "before it is", 7),
    ("def f(n: int) -> int:\n    try:\n        return n\n    except E:\n        return 0\n",
     "try", 5),
    ("def f(n: int) -> int:\n    raise KeyError(n)\n", "raise", 5),
    ("def f(n: int) -> int:\n    for i in range(n):\n        pass\n    else:\n"
     "        return 1\n    return 0\n", "for ... else", 5),
    ("def f(a: int, b: float) -> float:\n    return a if a else b\n", "one scalar type", 5),
    ("def f(x: float) -> float:\n    return math.hypot(x, x)\n", "math.hypot", 5),
])
def test_refusals_name_the_line_and_reason(tmp_path: Path, body: str, reason: str,
                                           line: int) -> None:
    a, t = _lower(tmp_path, body)
    with pytest.raises(Refused) as err:
        lower(a, t)
    assert err.value.refusal.code == REFUSED_CONSTRUCT
    assert reason in err.value.refusal.message
    assert err.value.refusal.line == line
    assert check(a, t) == [err.value.refusal]


@pytest.mark.parametrize(("kernel", "inside"), [
    ("k01_collatz:collatz_steps", True), ("k02_integrate:integrate", True),
    ("k03_mandelbrot:mandelbrot", True), ("k04_stats:mean_variance", True),
    ("k05_dot:dot", True), ("k06_matmul:matmul", False), ("k07_wordcount:word_count", False),
    ("k08_adler32:adler32", True), ("k10_sieve:count_primes", True),
    ("k12_histogram:histogram", True), ("k13_fnv1a:fnv1a_64", False),
])
def test_bench_kernels_inside_and_outside_the_subset(kernel: str, inside: bool) -> None:
    from _backend_cases import load_module

    from hlopt.nativize.model import Call

    stem, func = kernel.split(":")
    path = KERNELS / f"{stem}.py"
    module = load_module(path, stem)
    a = analyse(Target(path=path, qualname=func, module=stem, root=KERNELS))
    t = infer(a, [Call(args) for args in module.inputs()])
    assert (check(a, t) == []) is inside
