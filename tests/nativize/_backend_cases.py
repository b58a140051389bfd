"""Functions exercising every rule of the C/Zig subset, built by the C and Zig backend tests."""

from __future__ import annotations

import copy
import importlib
import importlib.util
import os
import struct
import sys
from pathlib import Path
from types import ModuleType

CASES = '''
import math

LIMIT = 10


def arith(a: int, b: int) -> int:
    return a * b + a - b


def floordiv(a: int, b: int) -> int:
    return a // b


def mod(a: int, b: int) -> int:
    return a % b


def fdiv(a: float, b: float) -> float:
    return a // b


def fmod(a: float, b: float) -> float:
    return a % b


def truediv(a: int, b: int) -> float:
    return a / b


def shifts(a: int, b: int) -> int:
    return (a << b) ^ (a >> b)


def mixed(a: int, x: float) -> bool:
    return a < x or x != x


def fsum(xs: list[float]) -> float:
    total = 0.0
    for x in xs:
        total += x * x
    return total


def isum(xs: list[int]) -> int:
    return sum(xs) + max(xs) - min(xs)


def checksum(data: bytes) -> int:
    a = 1
    for i, byte in enumerate(data):
        a = (a * 31 + byte + i) % 1000003
    return a


def hist(xs: list[float], bins: int) -> list[int]:
    counts = [0] * bins
    for x in xs:
        if 0.0 <= x < 1.0:
            counts[int(x * bins)] += 1
    return counts


def roots(n: int) -> float:
    s = 0.0
    k = 0
    while True:
        k += 1
        if k > n:
            break
        if k % 3 == 0:
            continue
        s += math.sqrt(k) + math.log(k)
    return s


def _sq(x: float) -> float:
    return x * x


def helper_user(x: float, y: float) -> tuple:
    return _sq(x) + _sq(y), abs(x - y)


def raises(n: int) -> int:
    if n < 0:
        raise ValueError("negative")
    return n * LIMIT


def flog(x: float) -> float:
    return math.log(x)
'''

NAMES = ["arith", "floordiv", "mod", "fdiv", "fmod", "truediv", "shifts", "mixed", "fsum",
         "isum", "checksum", "hist", "roots", "helper_user", "raises", "flog"]


def deep_outcome(fn, args: tuple) -> tuple:
    """What calling ``fn`` on a copy of ``args`` gives: the result (or the exception's type)
    and the arguments afterwards (mutation is behaviour), floats compared bit for bit."""
    args = copy.deepcopy(args)
    try:
        return "ok", _bits(fn(*args)), _bits(args)
    except Exception as exc:  # the exception type is part of the behaviour
        return "raised", type(exc).__name__, _bits(args)


def _bits(v: object) -> object:
    if isinstance(v, float):
        return ("float", struct.pack("<d", v))
    if isinstance(v, complex):
        return ("complex", struct.pack("<dd", v.real, v.imag))
    if isinstance(v, list | tuple):
        return (type(v).__name__, [_bits(x) for x in v])
    if isinstance(v, dict):
        return ("dict", sorted((repr(k), _bits(x)) for k, x in v.items()))
    return (type(v).__name__, v)


def load_module(path: Path, name: str, register: bool = False) -> ModuleType:
    """The Python file ``path`` run as module ``name`` (in sys.modules if ``register``:
    dataclasses and relative lookups need it there)."""
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None, path
    module = importlib.util.module_from_spec(spec)
    if register:
        sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def build_all(backend: str, tmp: Path, compiler: str = "auto") -> dict:
    """{name: (python function, native function)} for every case, built with ``backend``."""
    from hlopt.nativize import build
    from hlopt.nativize.analyse import analyse
    from hlopt.nativize.infer import infer
    from hlopt.nativize.model import Target

    gen_mod = importlib.import_module(f"hlopt.nativize.{backend}_gen")
    path = tmp / "cases.py"
    path.write_text(CASES, encoding="utf-8")
    py = load_module(path, "cases")
    out = {}
    for name in NAMES:
        a = analyse(Target(path=path, qualname=name, module="cases", root=tmp))
        gen = gen_mod.generate(a, infer(a, []))
        built = build.build(gen, cache_dir=tmp / "cache", compiler=compiler)
        out[name] = (getattr(py, name), build.load(built)._hlopt_bind(getattr(py, name)))
    return out


def outcome(fn, *args):
    try:
        return ("ok", repr(fn(*args)))
    except Exception as exc:  # the exception type is part of the contract
        return ("raised", type(exc).__name__)


def zig_cache_env() -> None:
    os.environ.setdefault("HLOPT_ZIG_CACHE_DIR", str(Path.home() / ".cache" / "hlopt" /
                                                      "native" / "zig-cache"))
