"""Find catastrophic-backtracking shapes in a parsed regular expression, and attack strings.

The pattern is parsed with the running Python's own parser (``re._parser``, the module
``sre_parse`` was), so what is analysed is what ``re`` compiles. Three shapes are suspicious:

- ``nested``: a repeat inside a repeat (``(a+)+``, ``(\\w+\\s?)+``, ``(.*a){12}``),
  where the inner one is unbounded or the outer one is, and neither is possessive or atomic;
- ``alternation``: a repeated alternation whose branches can start with the same character
  (``(a|a)*``, ``(a|ab)+``, ``(\\w|\\d)+``);
- ``adjacent``: two unbounded repeats in a row, separated only by optional items, that can
  match the same character (``\\s*#?\\s*$``, ``a*a*b``): polynomial, not exponential.

For each shape an ``Attack`` says how to build a string that makes a backtracking engine
try every split: a prefix that reaches the repeat, a pump the repeat matches in many ways,
and the suffixes that may force the overall match to fail.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from re import _constants as C  # noqa: N812 (the parser's opcode table)
from re import _parser as P  # noqa: N812
from typing import Any

#: characters tried as the start of a match (plus the pattern's own literals)
_PROBES = "aZ0_ \t\n!#.-/:=x\x00é"
#: suffixes tried after the pump: the one that makes matching slowest is kept
SUFFIXES: tuple[str, ...] = ("!", "\n", " ", "0", "\x00", "")
_REPEATS = (C.MAX_REPEAT, C.MIN_REPEAT)
_ONE_CHAR = frozenset({C.LITERAL, C.NOT_LITERAL, C.ANY, C.IN})


@dataclass(frozen=True)
class Attack:
    """A suspicious shape and the pieces of a string that exercises it."""

    #: "nested", "alternation" or "adjacent"
    kind: str
    #: the part of the pattern that is ambiguous, as the parser sees it (for the message)
    where: str
    prefix: str
    pump: str

    @property
    def exponential(self) -> bool:
        return self.kind != "adjacent"

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "where": self.where, "prefix": self.prefix,
                "pump": self.pump}


def parse(pattern: str | bytes, flags: int) -> Any:
    """The parsed pattern (``re.error`` when it does not compile)."""
    return P.parse(pattern, flags)


def find_attacks(pattern: str | bytes, flags: int) -> list[Attack]:
    """Every suspicious shape of ``pattern`` (empty for a safe one); raises ``re.error``."""
    tree = parse(pattern, flags)
    text = pattern.decode("latin-1") if isinstance(pattern, bytes) else pattern
    probes = _probe_chars(text, bool(flags & re.IGNORECASE))
    walker = _Walker(probes, bool(flags & re.IGNORECASE), bool(flags & re.DOTALL))
    walker.seq(list(tree.data), "")
    seen: set[tuple[str, str, str]] = set()
    out = []
    for a in walker.found:
        key = (a.kind, a.prefix, a.pump)
        if key not in seen and a.pump:
            seen.add(key)
            out.append(a)
    return out


def _probe_chars(text: str, ignorecase: bool) -> str:
    chars = dict.fromkeys(_PROBES + "".join(c for c in text if c.isprintable()))
    if ignorecase:
        chars.update(dict.fromkeys("".join(c.swapcase() for c in list(chars))))
    return "".join(chars)


class _Walker:
    """Walks the parse tree, keeping the witness string of what precedes each node."""

    def __init__(self, probes: str, ignorecase: bool, dotall: bool) -> None:
        self.probes, self.ignorecase, self.dotall = probes, ignorecase, dotall
        self.found: list[Attack] = []

    def seq(self, items: list[Any], prefix: str) -> None:
        for i, (op, av) in enumerate(items):
            self.node(op, av, prefix)
            if op in _REPEATS and av[1] == C.MAXREPEAT:
                self._adjacent(items, i, prefix)
            prefix += witness([(op, av)])

    def node(self, op: Any, av: Any, prefix: str) -> None:
        if op in _REPEATS:
            lo, hi, body = av
            self._repeat(hi, list(body), prefix)
            self.seq(list(body), prefix)
        elif op is C.SUBPATTERN:
            self.seq(list(av[-1]), prefix)
        elif op is C.BRANCH:
            for branch in av[1]:
                self.seq(list(branch), prefix)
        elif op in (C.ASSERT, C.ASSERT_NOT):
            self.seq(list(av[1]), prefix)
        # atomic groups and possessive repeats never backtrack into themselves

    def _repeat(self, hi: int, body: list[Any], prefix: str) -> None:
        if hi <= 1:
            return
        common = self._nested(hi, body)
        if common:
            self.found.append(Attack("nested", describe(body), prefix, common))
        if hi == C.MAXREPEAT:
            branch = _only_branch(body)
            common = self._overlap(branch) if branch is not None else self._wraps(body)
            if common:
                self.found.append(Attack("alternation", describe(body), prefix, common))

    def _nested(self, hi: int, body: list[Any]) -> str:
        """A character a repeat inside ``body`` shares with what may follow it.

        ``(\\w+\\s?)+``: after ``\\w+`` the optional ``\\s?`` and then the next iteration's
        ``\\w`` may take the same letter, so a run of letters splits in exponentially many
        ways; ``(\\s\\w+)*`` is safe, the next iteration must start with a space.
        """
        while len(body) == 1 and body[0][0] is C.SUBPATTERN:
            body = list(body[0][1][-1])
        if min_width(body) == 0:
            return ""
        for i, item in enumerate(body):
            inner = _inner_repeat([item])
            if inner is None:
                continue
            if hi != C.MAXREPEAT and inner[1] != C.MAXREPEAT:
                return ""
            rest = body[i + 1:]
            follow = self.first_chars(rest)
            if min_width(rest) == 0:
                follow |= self.first_chars(body)
            mine = self.first_chars(list(inner[2]))
            return next((c for c in self.probes if c in mine and c in follow), "")
        return ""

    def _wraps(self, body: list[Any]) -> str:
        """A character an optional tail of ``body`` and the next iteration can both take.

        The parser factors ``(a|aa)`` into ``a(?:|a)``: the optional tail competes with
        the next iteration's start for every ``a``.
        """
        while len(body) == 1 and body[0][0] is C.SUBPATTERN:
            body = list(body[0][1][-1])
        if len(body) < 2 or min_width(body[-1:]) > 0 or body[-1][0] in _REPEATS:
            return ""
        start, tail = self.first_chars(body), self.first_chars(body[-1:])
        return next((c for c in self.probes if c in start and c in tail), "")

    def _overlap(self, branches: list[Any]) -> str:
        """A character two branches can both start with ("" when none)."""
        firsts = [self.first_chars(list(b)) for b in branches]
        for i, a in enumerate(firsts):
            for b in firsts[i + 1:]:
                common = [c for c in self.probes if c in a and c in b]
                if common:
                    return common[0]
        return ""

    def _adjacent(self, items: list[Any], i: int, prefix: str) -> None:
        mine = self.first_chars(list(items[i][1][2]))
        between = ""
        for op, av in items[i + 1:]:
            if op in _REPEATS and av[1] == C.MAXREPEAT:
                common = [c for c in self.probes if c in mine
                          and c in self.first_chars(list(av[2]))]
                if common:
                    self.found.append(Attack("adjacent", describe(items[i:i + 2]),
                                             prefix + witness([items[i]]) + between,
                                             common[0]))
                return
            if min_width([(op, av)]) > 0:
                return
            between += witness([(op, av)])

    def first_chars(self, items: list[Any]) -> set[str]:
        """The probe characters a match of ``items`` can start with."""
        out: set[str] = set()
        for op, av in items:
            out |= self._first(op, av)
            if min_width([(op, av)]) > 0:
                break
        return out

    def _first(self, op: Any, av: Any) -> set[str]:
        if op in _REPEATS or op is C.POSSESSIVE_REPEAT:
            return self.first_chars(list(av[2])) if av[1] > 0 else set()
        if op is C.SUBPATTERN:
            return self.first_chars(list(av[-1]))
        if op is C.ATOMIC_GROUP:
            return self.first_chars(list(av))
        if op is C.BRANCH:
            return set().union(*(self.first_chars(list(b)) for b in av[1]))
        return {c for c in self.probes if self.char_matches(op, av, c)}

    def char_matches(self, op: Any, av: Any, c: str) -> bool:
        cands = {c, c.lower(), c.upper()} if self.ignorecase else {c}
        return any(_single(op, av, x, self.dotall) for x in cands)


def _single(op: Any, av: Any, c: str, dotall: bool) -> bool:
    code = ord(c)
    if op is C.LITERAL:
        return code == av
    if op is C.NOT_LITERAL:
        return code != av
    if op is C.ANY:
        return dotall or c != "\n"
    if op is C.IN:
        return _in_set(av, c)
    return False


def _in_set(items: list[Any], c: str) -> bool:
    negate = bool(items) and items[0][0] is C.NEGATE
    hit = False
    for op, av in items[1:] if negate else items:
        if op is C.LITERAL:
            hit = ord(c) == av
        elif op is C.RANGE:
            hit = av[0] <= ord(c) <= av[1]
        elif op is C.CATEGORY:
            hit = _category(av, c)
        elif op is C.NOT_LITERAL:
            hit = ord(c) != av
        if hit:
            break
    return hit != negate


def _category(cat: Any, c: str) -> bool:
    name = str(cat).removeprefix("CATEGORY_").removeprefix("UNI_").removeprefix("LOC_")
    negate = name.startswith("NOT_")
    name = name.removeprefix("NOT_")
    tests = {"DIGIT": str.isdecimal, "SPACE": str.isspace,
             "WORD": lambda x: x.isalnum() or x == "_", "LINEBREAK": lambda x: x == "\n"}
    test = tests.get(name)
    return test is not None and test(c) != negate


def _inner_repeat(body: list[Any]) -> tuple[int, int, Any] | None:
    """The first backtracking repeat of variable count inside ``body``, at any depth."""
    for op, av in body:
        if op in _REPEATS and av[0] != av[1]:
            return av
        nested = None
        if op is C.SUBPATTERN:
            nested = _inner_repeat(list(av[-1]))
        elif op is C.BRANCH:
            nested = next((r for b in av[1] if (r := _inner_repeat(list(b)))), None)
        elif op in _REPEATS:
            nested = _inner_repeat(list(av[2]))
        if nested is not None:
            return nested
    return None


def _only_branch(body: list[Any]) -> list[Any] | None:
    """The branches when ``body`` is an alternation (possibly in a group)."""
    while len(body) == 1 and body[0][0] is C.SUBPATTERN:
        body = list(body[0][1][-1])
    if len(body) == 1 and body[0][0] is C.BRANCH:
        return list(body[0][1][1])
    return None


def min_width(items: list[Any]) -> int:
    """The fewest characters ``items`` can match."""
    total = 0
    for op, av in items:
        if op in _REPEATS or op is C.POSSESSIVE_REPEAT:
            total += av[0] * min_width(list(av[2]))
        elif op is C.SUBPATTERN:
            total += min_width(list(av[-1]))
        elif op is C.ATOMIC_GROUP:
            total += min_width(list(av))
        elif op is C.BRANCH:
            total += min(min_width(list(b)) for b in av[1])
        elif op in _ONE_CHAR:
            total += 1
    return total


def witness(items: list[Any]) -> str:
    """A short string ``items`` match (repeats at their minimum, at least once if unbounded)."""
    out = []
    for op, av in items:
        if op in _REPEATS or op is C.POSSESSIVE_REPEAT:
            out.append(witness(list(av[2])) * max(av[0], 0))
        elif op is C.SUBPATTERN:
            out.append(witness(list(av[-1])))
        elif op is C.ATOMIC_GROUP:
            out.append(witness(list(av)))
        elif op is C.BRANCH:
            out.append(witness(list(av[1][0])))
        elif op is C.LITERAL:
            out.append(chr(av))
        elif op is C.NOT_LITERAL:
            out.append("a" if av != ord("a") else "b")
        elif op is C.ANY:
            out.append("a")
        elif op is C.IN:
            out.append(_set_witness(av))
    return "".join(out)


def _set_witness(items: list[Any]) -> str:
    for c in _PROBES:
        if _in_set(items, c):
            return c
    for op, av in items:
        if op is C.LITERAL:
            return chr(av)
        if op is C.RANGE:
            return chr(av[0])
    return "a"


def describe(items: list[Any]) -> str:
    """A short readable rendering of parsed items (for messages)."""
    return _render(items)[:60]


def _render(items: list[Any]) -> str:
    out = []
    for op, av in items:
        if op in _REPEATS or op is C.POSSESSIVE_REPEAT:
            lo, hi, body = av
            inner = _render(list(body))
            if len(body) > 1 or (body and body[0][0] is C.BRANCH):
                inner = f"(?:{inner})"
            q = {(0, C.MAXREPEAT): "*", (1, C.MAXREPEAT): "+", (0, 1): "?"}.get(
                (lo, hi), f"{{{lo},{'' if hi == C.MAXREPEAT else hi}}}")
            out.append(inner + q)
        elif op is C.SUBPATTERN:
            out.append(f"({_render(list(av[-1]))})")
        elif op is C.BRANCH:
            alts = "|".join(_render(list(b)) for b in av[1])
            out.append(alts if len(items) == 1 else f"(?:{alts})")
        elif op is C.LITERAL:
            out.append(re.escape(chr(av)))
        elif op is C.ANY:
            out.append(".")
        elif op is C.IN:
            out.append(_render_set(av))
        elif op is C.AT:
            out.append({C.AT_BEGINNING: "^", C.AT_END: "$"}.get(av, ""))
    return "".join(out)


def _render_set(items: list[Any]) -> str:
    names = {"CATEGORY_DIGIT": r"\d", "CATEGORY_NOT_DIGIT": r"\D", "CATEGORY_SPACE": r"\s",
             "CATEGORY_NOT_SPACE": r"\S", "CATEGORY_WORD": r"\w", "CATEGORY_NOT_WORD": r"\W"}
    if len(items) == 1 and items[0][0] is C.CATEGORY:
        return names.get(str(items[0][1]), "[...]")
    return "[...]"
