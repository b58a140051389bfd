"""analyse(): dependencies of a function and every refusal, with its line."""

from __future__ import annotations

import textwrap

import pytest

from hlopt.core.errors import InputError
from hlopt.nativize.analyse import analyse
from hlopt.nativize.model import REFUSED_CONSTRUCT, REFUSED_DEPENDENCY, Target

MODULE = textwrap.dedent('''\
    import math
    from math import sqrt
    import os.path

    LIMIT = 10
    MASK = (1 << 64) - 1
    NAMES = ("a", "b")
    TABLE = [1, 2]
    counter = 0

    def helper(x):
        return x * LIMIT

    def uses_all(xs):
        t = 0.0
        for x in xs:
            t += sqrt(x) + math.pi + helper(x) + TABLE[0]
        return t & MASK, NAMES, os.path.sep

    def mutator(xs, d):
        row = xs[0]
        row[1] = 2
        return d

    def gen(n):
        yield n

    async def coro(n):
        return n

    def evil(n):
        return eval("n")

    def frames(n):
        import sys
        return sys._getframe().f_locals

    def loc(n):
        return locals()

    def glob(n):
        global counter
        counter = n

    def patched_user(n):
        return counter + n

    def closure(n):
        def inner():
            return n
        return inner

    @functools.lru_cache
    def decorated(n):
        return n

    def star(*args):
        return args

    class Box:
        def method(self, k):
            return k + LIMIT

        @staticmethod
        def smethod(k):
            return k

    def bump():
        global counter
        counter += 1

    setattr(Box, "x", 1)
''')


@pytest.fixture()
def mod(tmp_path):
    path = tmp_path / "mod.py"
    path.write_text(MODULE)
    return lambda q: analyse(Target(path, q, "mod", tmp_path))


def test_dependencies(mod):
    a = mod("uses_all")
    assert a.params == ["xs"]
    assert list(a.helpers) == ["helper"]
    assert a.constants == {"LIMIT": "10", "MASK": "(1 << 64) - 1", "NAMES": "('a', 'b')"}
    assert a.imports == ["from math import sqrt", "import math", "import os.path"]
    assert a.globals_read == ["TABLE"]
    assert not a.refusals and not a.mutates_args
    assert a.source.startswith("def uses_all(xs):")


def test_mutation_through_an_alias(mod):
    assert mod("mutator").mutates_args


@pytest.mark.parametrize("qual, code, line, words", [
    ("gen", REFUSED_CONSTRUCT, 26, "yield"),
    ("coro", REFUSED_CONSTRUCT, 28, "async"),
    ("evil", REFUSED_CONSTRUCT, 32, "eval"),
    ("frames", REFUSED_CONSTRUCT, 36, "_getframe"),
    ("loc", REFUSED_CONSTRUCT, 39, "locals"),
    ("glob", REFUSED_CONSTRUCT, 42, "global counter"),
    ("patched_user", REFUSED_DEPENDENCY, 46, "reassigned"),
    ("closure", REFUSED_CONSTRUCT, 49, "closures"),
    ("decorated", REFUSED_DEPENDENCY, 53, "decorator"),
    ("star", REFUSED_CONSTRUCT, 57, "variable arguments"),
])
def test_each_refusal_names_its_line(mod, qual, code, line, words):
    refusals = mod(qual).refusals
    assert any(r.code == code and r.line == line and words in r.message for r in refusals), \
        refusals


def test_setattr_on_a_used_name_is_refused(tmp_path):
    path = tmp_path / "m.py"
    path.write_text("import sys\nK = 1\ndef f(n):\n    return n + K\n"
                    "setattr(sys.modules[__name__], 'K', 2)\n")
    refusals = analyse(Target(path, "f", "m", tmp_path)).refusals
    assert [(r.code, r.line) for r in refusals] == [(REFUSED_DEPENDENCY, 4)]


def test_methods(mod):
    a = mod("Box.method")
    assert a.params == ["self", "k"] and a.constants == {"LIMIT": "10"} and not a.refusals
    assert not mod("Box.smethod").refusals


def test_missing_function_and_syntax_error(tmp_path, mod):
    with pytest.raises(InputError, match="no function 'nope'"):
        mod("nope")
    bad = tmp_path / "bad.py"
    bad.write_text("def f(:\n    pass\n")
    with pytest.raises(InputError, match=r"bad.py:1: syntax error"):
        analyse(Target(bad, "f", "bad", tmp_path))
