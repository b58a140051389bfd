"""Rules of the HLF family: slow patterns, weighted by the loop depth they run at."""

from __future__ import annotations

from hlopt.core.rules import FixAvailability, Rule, RuleStatus, register
from hlopt.debloat.rules._doc import rule_doc

_REFS = """\
- docs/debloat.md#slow-patterns-hlf
- ruff PERF rules (perflint) and PLR6201 `literal-membership`; perflint
- Python docs: "Performance tips" in the FAQ; `re` ("compiled regular expression
  objects"); "What's New in Python 3.11" (zero-cost exceptions, specializing interpreter)"""

_DEPTH = """
    Severity follows the loop depth: a warning in a nested loop (depth 2 or more), advice
    (info) in a single loop or outside loops; `data.rank` orders all HLF findings of a run,
    deepest first."""

MEMBERSHIP = Rule(
    code="HLF001",
    name="membership-test-on-list-in-loop",
    summary="`x in [...]` against a list or tuple literal of 3+ items inside a loop",
    command="debloat",
    fix=FixAvailability.SOMETIMES,
    status=RuleStatus.PREVIEW,
    doc=rule_doc(
        what="""
            Reports `x in [a, b, c]` / `x not in (a, b, c)` with a list or tuple literal of at
            least three items, inside a loop or a comprehension.""" + _DEPTH,
        why="""
            A list or tuple is scanned item by item, so every test costs up to one comparison
            per item; a literal of names is also rebuilt on every iteration. A set literal of
            constants is folded by CPython into a `frozenset` constant and tested by hash in
            one step. For two items the difference is noise, hence the threshold of three.
        """,
        example="""
            for word in words:
                if word in ["a", "an", "the", "of"]:
                    continue
        """,
        instead="""
            for word in words:
                if word in {"a", "an", "the", "of"}:
                    continue
        """,
        safety="""
            When every item is a `str`, `bytes` or `int` constant, the fix turns the brackets
            into braces. It is **unsafe**: a set tests by hash, so an unhashable left
            operand (a list, a dict) now raises `TypeError` where the list test returned
            False, and objects whose `__eq__` disagrees with their `__hash__` may compare
            differently. A literal with non-constant items gets a display-only suggestion to
            build a set once before the loop.
        """,
        references=_REFS,
    ),
)

CONCATENATION = Rule(
    code="HLF002",
    name="string-concatenation-in-loop",
    summary="A string is built with `+=` inside a loop",
    command="debloat",
    fix=FixAvailability.NONE,
    status=RuleStatus.PREVIEW,
    doc=rule_doc(
        what="""
            Reports `s += ...` inside a loop when `s` is a string: the added value is a string
            literal or an f-string, or `s` was assigned one earlier in the function.""" + _DEPTH,
        why="""
            Strings are immutable: each `+=` may allocate a new string and copy everything
            built so far, which is quadratic in the final length. CPython has an in-place
            resize optimisation for a local variable that nothing else references, which
            often hides the cost in benchmarks; it does not apply to attributes
            (`self.buf += ...`), subscripts, globals, a string referenced elsewhere, or
            other interpreters (PyPy), where the copy always happens.
        """,
        example="""
            out = ""
            for row in rows:
                out += f"{row.id},{row.name}\\n"
        """,
        instead="""
            parts = []
            for row in rows:
                parts.append(f"{row.id},{row.name}\\n")
            out = "".join(parts)
        """,
        safety="""
            No automatic fix (**display-only** advice): the rewrite needs a new list name, a
            `join` after the loop, and care where the partial string is read inside the
            loop.
        """,
        references=_REFS,
    ),
)

REGEX_IN_LOOP = Rule(
    code="HLF003",
    name="regex-call-with-constant-pattern-in-loop",
    summary="A `re` function is called with a constant pattern inside a loop",
    command="debloat",
    fix=FixAvailability.SOMETIMES,
    status=RuleStatus.PREVIEW,
    doc=rule_doc(
        what="""
            Reports `re.match`, `search`, `fullmatch`, `findall`, `finditer`, `sub`, `subn`
            and `split` called with a constant pattern (a `str` or `bytes` literal) inside a
            loop or a comprehension, through `import re`, `import re as r` or
            `from re import search`.""" + _DEPTH,
        why="""
            `re` caches compiled patterns, so the pattern is not recompiled on each call; but
            every call still pays the module-level function, the cache look-up keyed by
            (type, pattern, flags), and the argument handling. A compiled pattern's method
            skips all of that; in a tight loop over short strings this is a measurable share
            of the time. The cache also holds only a few hundred patterns: a program with
            many of them evicts and recompiles.
        """,
        example="""
            import re

            def numbers(lines):
                for line in lines:
                    yield re.findall(r"\\d+", line)
        """,
        instead="""
            import re
            _NUMBERS_RE = re.compile(r"\\d+")

            def numbers(lines):
                for line in lines:
                    yield _NUMBERS_RE.findall(line)
        """,
        safety="""
            The fix adds `_NAME_RE = re.compile(PATTERN, FLAGS)` after the module's import
            block and calls the compiled method with the remaining arguments in their
            original order (`re.sub(p, r, s, count)` -> `_X_RE.sub(r, s, count)`). The
            constant is named after the enclosing function, with a numeric suffix when the
            name (or any word of the file) is taken; one constant serves every use of the
            same pattern and flags. It is **safe** only when the pattern and flags are
            constants (flags from `re.I`-style attributes and `|`, never `re.DEBUG`), the
            pattern compiles (so compiling at import time raises nothing new), `re` is
            imported unconditionally at module level, and the call holds no comment;
            otherwise the advice is display-only. Compiling moves a cost from the first call
            to import time, which is the point.
        """,
        references=_REFS,
    ),
)

RANGE_LEN = Rule(
    code="HLF004",
    name="range-len-indexing",
    summary="`for i in range(len(x))` whose body only uses `i` to index `x`",
    command="debloat",
    fix=FixAvailability.NONE,
    status=RuleStatus.PREVIEW,
    doc=rule_doc(
        what="""
            Reports `for i in range(len(x))` when every use of `i` in the body is `x[i]`
            (`x` a name or attribute chain).""" + _DEPTH,
        why="""
            Each `x[i]` is a subscript call on top of the iteration; iterating over `x`
            directly (or `enumerate(x)` when `x[i]` is assigned) yields the items without
            the index arithmetic and reads better.
        """,
        example="""
            for i in range(len(names)):
                print(names[i])
        """,
        instead="""
            for name in names:
                print(name)
        """,
        safety="""
            **Display-only**: iterating directly differs when the body changes the length
            of `x` (the `range` was fixed at the start) or when `x` iterates differently
            than it indexes (a mapping with integer keys).
        """,
        references=_REFS,
    ),
)

SORTED_FIRST = Rule(
    code="HLF005",
    name="sorted-for-min-max",
    summary="`sorted(x)[0]` or `sorted(x)[-1]` sorts everything to take one item",
    command="debloat",
    fix=FixAvailability.SOMETIMES,
    status=RuleStatus.PREVIEW,
    doc=rule_doc(
        what="""
            Reports `sorted(x)[0]` and `sorted(x)[-1]`, with or without `key=` and a
            constant `reverse=`, at any depth (weighted like the others).""",
        why="""
            Sorting is O(n log n) and copies the input into a new list; `min` and `max` are
            one O(n) pass without the copy.
        """,
        example="""
            cheapest = sorted(offers, key=price)[0]
        """,
        instead="""
            cheapest = min(offers, key=price)
        """,
        safety="""
            The fix (`min` for `[0]`, `max` for `[-1]`, swapped by `reverse=True`) is
            **unsafe**: on empty input `min`/`max` raise `ValueError` instead of
            `IndexError`; among equal items `sorted(x)[-1]` returns the last in input order
            while `max` returns the first (they differ for equal but distinct objects); and
            for items without a total order (sets, NaN) the results may differ.
        """,
        references=_REFS,
    ),
)

REPEATED_LOOKUP = Rule(
    code="HLF006",
    name="repeated-lookup-in-inner-loop",
    summary="An attribute chain is looked up 3+ times per iteration of the innermost loop",
    command="debloat",
    fix=FixAvailability.NONE,
    status=RuleStatus.PREVIEW,
    doc=rule_doc(
        what="""
            Reports an attribute chain of two or more attributes (`self.config.limit`) or an
            attribute of an imported module (`math.sqrt`) read three or more times in the
            body of an innermost loop, when the loop assigns neither the chain, a prefix of
            it, nor its root name.""" + _DEPTH,
        why="""
            Every read repeats each attribute look-up. Python 3.11's specializing
            interpreter makes a single `LOAD_ATTR` or module attribute read cheap, so the
            gain is smaller than it used to be; it remains real for long chains, properties
            and `__getattr__`, and a local name is always the cheapest read.
        """,
        example="""
            for item in items:
                total += self.config.rate * item + self.config.rate ** 2 - self.config.rate
        """,
        instead="""
            rate = self.config.rate
            for item in items:
                total += rate * item + rate ** 2 - rate
        """,
        safety="""
            **Display-only**: binding the value before the loop is only right if nothing in
            the loop (a call, another thread) changes it, which hlopt cannot prove.
        """,
        references=_REFS,
    ),
)

TRY_IN_LOOP = Rule(
    code="HLF007",
    name="try-except-in-tight-loop",
    summary="A try/except is the whole body of a nested loop",
    command="debloat",
    fix=FixAvailability.NONE,
    status=RuleStatus.PREVIEW,
    doc=rule_doc(
        what="""
            Reports a `try`/`except` that is the only statement of an innermost loop at
            depth 2 or more, with at most two simple statements in its `try` body. Always
            advice (info), whatever the depth.
        """,
        why="""
            Since Python 3.11 exceptions are "zero-cost": entering a `try` costs nothing,
            so a `try` in a loop is not slow by itself, and older advice to avoid it no
            longer holds. What stays expensive is raising: an exception caught on many
            iterations of a tight loop costs far more than the loop body. This rule points
            at the places where that matters most; if the exception is rare, keep the code.
        """,
        example="""
            for row in rows:
                for cell in row:
                    try:
                        total += int(cell)
                    except ValueError:
                        pass
        """,
        instead="""
            for row in rows:
                for cell in row:
                    if cell.isdigit():
                        total += int(cell)
        """,
        safety="""
            **Display-only**: testing instead of catching, or moving the `try` outside the
            loop, changes which inputs are accepted and where the loop stops.
        """,
        references=_REFS,
    ),
)

APPEND_LOOP = Rule(
    code="HLF008",
    name="list-built-by-append-in-loop",
    summary="A list is built with `.append()` in a loop that a comprehension expresses",
    command="debloat",
    fix=FixAvailability.SOMETIMES,
    status=RuleStatus.PREVIEW,
    doc=rule_doc(
        what="""
            Reports `result = []` directly followed by a `for` loop whose body is only
            `result.append(expr)`, optionally under one `if` without `else`.""" + _DEPTH,
        why="""
            A comprehension appends with a dedicated bytecode instead of looking up and
            calling the `append` method on each iteration; it is measurably faster and says
            what the loop does.
        """,
        example="""
            squares = []
            for n in numbers:
                if n % 2:
                    squares.append(n * n)
        """,
        instead="""
            squares = [n * n for n in numbers if n % 2]
        """,
        safety="""
            The fix replaces the assignment and the loop with the comprehension. It is
            **unsafe**: the loop variable no longer exists after the loop (a comprehension
            has its own scope), and if an exception escapes half-way the name is no longer
            bound to the partial list. It is display-only when the loop holds a comment (it
            would be lost) or the expression, condition or iterable mentions the list
            itself.
        """,
        references=_REFS,
    ),
)

register(MEMBERSHIP, CONCATENATION, REGEX_IN_LOOP, RANGE_LEN, SORTED_FIRST,
         REPEATED_LOOKUP, TRY_IN_LOOP, APPEND_LOOP)
