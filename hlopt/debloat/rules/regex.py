"""Rules of the HLR family: catastrophic backtracking confirmed by running, bad patterns."""

from __future__ import annotations

from hlopt.core.rules import FixAvailability, Rule, register
from hlopt.debloat.rules._doc import rule_doc

_REFS = """\
- docs/debloat.md#regular-expressions-hlr
- OWASP: "Regular expression Denial of Service - ReDoS"
- regexploit (Doyensec), ruff RUF055 `unnecessary-regular-expression`
- the `regex` module's `timeout=` argument; Python 3.11 atomic groups and possessive
  quantifiers (`re` documentation)"""

CATASTROPHIC_BACKTRACKING = Rule(
    code="HLR001",
    name="catastrophic-backtracking",
    summary="A regular expression takes super-linear time on some inputs (ReDoS)",
    command="debloat",
    fix=FixAvailability.SOMETIMES,
    doc=rule_doc(
        what="""
            Reports a constant pattern passed to `re`/`regex` (`compile`, `match`, `search`,
            `fullmatch`, `sub`, `subn`, `split`, `findall`, `finditer`, through any alias)
            whose parsed form has a shape a backtracking engine can explore in exponential
            or polynomial time: nested quantifiers (`(a+)+`, `(\\w+\\s?)+$`,
            `(.*a){12}`), a repeated alternation whose branches overlap (`(a|aa)+`), or two
            adjacent unbounded repeats over the same characters (`\\s*#?\\s*$`). Each
            suspicious pattern is then *run*: attack strings (a prefix reaching the repeat,
            the ambiguous part repeated, a suffix that forces failure) of 16, 32, ... 8192
            characters are matched with the `regex` module under a 0.05 s timeout, and
            the message shows the growth ("1024 chars 16 ms, 2048 chars timeout").
            Confirmed (a timeout, or at least 5 ms and 3x per doubling) is a warning; a
            nested or alternation shape that ran in linear time is reported as info
            (`re`, which has no such optimisations as the `regex` module, may still
            backtrack); an adjacent shape that ran in linear time is not reported.
        """,
        why="""
            One request with a crafted string of a few kilobytes can hold a worker for
            seconds or forever: the classic regular-expression denial of service. Under
            load, every such request takes a whole worker away.
        """,
        example="""
            import re

            EMAIL = re.compile(r"^([a-z0-9]+\\.?)+@example\\.com$")
        """,
        instead="""
            import re

            EMAIL = re.compile(r"^[a-z0-9]+(?:\\.[a-z0-9]+)*@example\\.com$")
        """,
        safety="""
            There is no automatic fix: only the author knows which strings the pattern must
            accept. The display-only advice names the ambiguous part and the usual
            remedies (an atomic group `(?>...)` or a possessive quantifier, both in `re`
            since Python 3.11, or a rewrite where each character can match one way).
        """,
        references=_REFS,
    ),
)

INVALID_REGEX = Rule(
    code="HLR002",
    name="invalid-regex",
    summary="A constant pattern does not compile: the call raises re.error",
    command="debloat",
    doc=rule_doc(
        what="""
            Reports a constant pattern that `re.compile` (or `regex.compile` for the
            `regex` module) rejects with its flags, with the engine's message and the
            position in the pattern.
        """,
        why="""
            The call raises `re.error` every time it runs, often on a rare path (an error
            handler, a fallback) that tests do not reach.
        """,
        example="""
            import re

            VERSION = re.compile(r"(\\d+\\.(\\d+)")
        """,
        instead="""
            import re

            VERSION = re.compile(r"(\\d+)\\.(\\d+)")
        """,
        safety="No fix: the intended pattern is unknown.",
        references=_REFS,
    ),
)

REGEX_FOR_STR_METHOD = Rule(
    code="HLR003",
    name="regex-for-str-method",
    summary="A regex call on a plain literal where a str method does the same",
    command="debloat",
    fix=FixAvailability.ALWAYS,
    doc=rule_doc(
        what="""
            Reports `re.match("abc", s)`, `re.search("abc", s)` and `re.fullmatch("abc", s)`
            whose result is only tested for truth (`if`, `while`, `not`, `and`/`or`, `assert`,
            `bool()`, a comprehension's `if`), and `re.sub("a", "b", s)`, when the pattern is
            a non-empty literal without metacharacters, there are no flags or count, and
            the replacement is a literal without backslashes.
        """,
        why="""
            The regex engine parses (or looks up) the pattern and runs a matcher for what
            `str.startswith`, `in`, `==` or `str.replace` does directly, several times
            faster, and the intent is clearer.
        """,
        example="""
            import re

            if re.match("GET ", line) and not re.search("..", path):
                path = re.sub("/", "_", path)
        """,
        instead="""
            if line.startswith("GET ") and not ".." in path:
                path = path.replace("/", "_")
        """,
        safety="""
            The fix is **unsafe**: in a truth test the result is the same and `str.replace`
            returns the same string, but a subject that is not a `str` (or `bytes` for a
            bytes pattern) raised `TypeError` from `re` and raises `AttributeError` (or a
            different `TypeError`) from the method, so code catching one kind changes
            behaviour. Calls that span lines with comments inside are not rewritten.
        """,
        references=_REFS,
    ),
)

RUNTIME_REGEX_IN_HOT_FUNCTION = Rule(
    code="HLR004",
    name="runtime-regex-in-hot-function",
    summary="A pattern built at run time inside a hot function: unknown, not checked",
    command="debloat",
    doc=rule_doc(
        what="""
            With `--profile prof.json`, reports a regex call inside one of the profile's hot
            functions whose pattern is not a constant (a variable, an f-string, a
            concatenation with a parameter). hlopt never evaluates or guesses such a
            pattern, so it cannot say whether it backtracks; outside hot functions these
            calls are not reported at all.
        """,
        why="""
            A pattern built from input in a hot path may both be recompiled on every call
            (the `re` cache holds 512 patterns) and be vulnerable to backtracking, and no
            static tool can tell.
        """,
        example="""
            import re

            def handle(request, field):
                return re.search(field + r"=(\\w+)", request.query)
        """,
        instead="""
            import re

            def handle(request, field):
                return re.search(re.escape(field) + r"=(\\w+)", request.query)
        """,
        safety="No fix: review the pattern (escape the input with `re.escape`).",
        references=_REFS,
    ),
)

register(CATASTROPHIC_BACKTRACKING, INVALID_REGEX, REGEX_FOR_STR_METHOD,
         RUNTIME_REGEX_IN_HOT_FUNCTION)
