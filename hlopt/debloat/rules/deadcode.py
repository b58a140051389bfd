"""Rules of the HLD family: definitions nothing uses, and code that never runs."""

from __future__ import annotations

from hlopt.core.rules import FixAvailability, Rule, RuleStatus, register
from hlopt.debloat.rules._doc import rule_doc

_REFS = """\
- docs/debloat.md#dead-code-hld (what counts as used, protections, confidence table)
- vulture (the closest peer: the same idea, with codes and confidence)"""

_USED = """
A name counts as used when it is written anywhere else in the analysed tree: a call or
other reference, an attribute (`obj.name`), a string (`getattr(obj, "name")`, `__all__`,
a registry key), an import, even a comment; a string prefix such as `"visit_" + kind`
covers every name it starts. In a library (no `--entry` and no `[project.scripts]`)
public names are its API and only private ones (`_name`) are reported; with entry points
the tree is a closed application and public names are reported too, at a lower
confidence. Dunders, sunders (`_missing_`), names in the `--whitelist` and definitions
with a decorator that may register them (anything but `@staticmethod`, `@classmethod`,
`@contextmanager`, `@cache`, `@lru_cache`, `@wraps`, `@dataclass`, `@total_ordering`,
`@final`) are never reported."""

_REMOVE_SAFETY = """
The fix deletes the whole definition (decorators and body, and the comment lines just
above it); a block left empty gets `pass`. It is unsafe: hlopt cannot see every use
(code outside the analysed tree, `importlib`, pickled objects naming the class, a name
assembled at run time), and removal drops the definition's comments."""

UNUSED_FUNCTION = Rule(
    code="HLD001",
    name="unused-function",
    summary="Function is never used anywhere in the analysed tree",
    command="debloat",
    fix=FixAvailability.ALWAYS,
    doc=rule_doc(
        what="""
            Reports a module-level function, or a function nested in another one, whose
            name nothing in the analysed tree mentions. Test functions (`test*`),
            `setUpModule`/`tearDownModule`, `load_tests` and `pytest_*` hooks are never
            reported.
        """ + _USED,
        why="""
            Dead functions are read, type-checked, imported and shipped for nothing, and
            they mislead readers into thinking the behaviour they implement is live.
        """,
        example="""
            def _legacy_format(value):
                return "%s" % value

            def render(value):
                return f"{value}"
        """,
        instead="""
            def render(value):
                return f"{value}"
        """,
        safety=_REMOVE_SAFETY,
        references=_REFS,
    ),
)

UNUSED_CLASS = Rule(
    code="HLD002",
    name="unused-class",
    summary="Class is never used anywhere in the analysed tree",
    command="debloat",
    fix=FixAvailability.ALWAYS,
    doc=rule_doc(
        what="""
            Reports a class whose name nothing in the analysed tree mentions. Not reported:
            classes named `Test*`, subclasses of a class outside the tree (a framework may
            find them through their base), and subclasses of a class that registers its
            subclasses (`__init_subclass__`, a metaclass other than `ABCMeta`) or of a
            `*TestCase` (test loaders find those by type).
        """ + _USED,
        why="""
            An unused class is code to read and maintain that no behaviour depends on.
        """,
        example="""
            class _OldCache:
                def get(self, key):
                    return None
        """,
        instead="""
            # (the class is removed)
        """,
        safety=_REMOVE_SAFETY,
        references=_REFS,
    ),
)

UNUSED_METHOD = Rule(
    code="HLD003",
    name="unused-method",
    summary="Method is never used anywhere in the analysed tree",
    command="debloat",
    fix=FixAvailability.ALWAYS,
    doc=rule_doc(
        what="""
            Reports a method whose name nothing in the analysed tree mentions. Methods
            that may override one (a method of the same name in another class, a base
            outside the tree or a `Protocol`, a method of a builtin base such as
            `dict.__missing__`) are not reported, nor are test methods (`test*`, `setUp`,
            `tearDown`, `setUpClass`, ...) and dispatch-by-name methods (`visit_*`,
            `leave_*`, `depart_*`, `do_*`, `help_*`, `complete_*`, `handle_*`, `on_*`).
        """ + _USED,
        why="""
            A method nothing calls is dead weight on its class and on every reader of it.
        """,
        example="""
            class Parser:
                def parse(self, text):
                    return text.split()

                def _parse_slowly(self, text):
                    return [w for w in text.split(" ") if w]
        """,
        instead="""
            class Parser:
                def parse(self, text):
                    return text.split()
        """,
        safety=_REMOVE_SAFETY,
        references=_REFS,
    ),
)

UNUSED_VARIABLE = Rule(
    code="HLD004",
    name="unused-module-variable",
    summary="Module-level name is assigned but never used anywhere in the analysed tree",
    command="debloat",
    fix=FixAvailability.SOMETIMES,
    doc=rule_doc(
        what="""
            Reports a module-level assignment (`_NAME = value`, `_NAME: T = value`) whose
            name nothing in the analysed tree mentions. Class attributes (dataclass,
            pydantic, attrs, NamedTuple, TypedDict and Enum fields among them) and local
            variables are never reported; a module that reads its globals by computed
            name (`globals()`, `vars()`, a module `__getattr__`) has none of its
            module-level names reported.
        """ + _USED,
        why="""
            A constant nobody reads suggests a setting that no longer does anything.
        """,
        example="""
            _RETRIES = 3
            _TIMEOUT = 10

            def fetch(client):
                return client.get(timeout=_TIMEOUT)
        """,
        instead="""
            _TIMEOUT = 10

            def fetch(client):
                return client.get(timeout=_TIMEOUT)
        """,
        safety="""
            The fix deletes the assignment only when its value calls nothing (a literal,
            a name, an attribute, a lambda, containers of those); an assignment from a
            call is reported without a fix, since the call may matter. It is unsafe for
            the reasons removing a definition is: a use hlopt cannot see, lost comments.
        """,
        references=_REFS,
    ),
)

UNREACHABLE_CODE = Rule(
    code="HLD005",
    name="unreachable-code",
    summary="Statements after return, raise, break or continue never run",
    command="debloat",
    fix=FixAvailability.ALWAYS,
    doc=rule_doc(
        what="""
            Reports statements that follow, in the same block, a `return`, `raise`,
            `break` or `continue`, or an `if` whose every branch (with an `else`) ends
            in one. Calls that never return (`sys.exit()`, `os._exit()`) do not count:
            they can be patched or shadowed, so what follows them is not certainly dead.
            Not reported when removing the statements would change the function: they
            hold a `yield` (which makes it a generator: `return; yield` is the idiom for
            an empty generator), a `global` or `nonlocal`, or bind a name the function
            reads elsewhere (which makes it local).
        """,
        why="""
            Code that can never run is noise at best; often it is a bug (a misplaced
            `return`, a debug early exit left behind).
        """,
        example="""
            def total(items):
                return sum(items)
                print("computed")
        """,
        instead="""
            def total(items):
                return sum(items)
        """,
        safety="""
            Removing statements that cannot run keeps what the program does, but the fix
            is unsafe because it also removes the comments among them, which may be the
            reason they were kept.
        """,
        references=_REFS,
    ),
)

CONSTANT_BRANCH = Rule(
    code="HLD006",
    name="constant-false-branch",
    summary="Branch under a constant condition (`if False:`, `while 0:`) never runs",
    command="debloat",
    fix=FixAvailability.ALWAYS,
    doc=rule_doc(
        what="""
            Reports the body of `if`/`elif`/`while` whose condition is a false literal
            (`False`, `0`, `None`, `""`), and the `else` of an `if` whose condition is a
            true literal. `if TYPE_CHECKING:` (read by type checkers) and `if __debug__:`
            (false only under `python -O`) are names, not literals, and never reported.
            The same `yield`/`global`/local-name exceptions as HLD005 apply.
        """,
        why="""
            Disabled code is not maintained, tested or type-checked with the rest and
            rots; version control keeps it if it is ever needed again.
        """,
        example="""
            if 0:
                print("debug:", state)
            else:
                run(state)
        """,
        instead="""
            run(state)
        """,
        safety="""
            The fix deletes the branch that never runs and keeps the one that does
            (an `if False:` with an `else` becomes the `else` body; a dead `elif` is
            unlinked). It keeps behaviour, but is unsafe because comments in the
            removed branch go too, and `if 0: import x` blocks are sometimes kept as
            hints for freezing tools.
        """,
        references=_REFS,
    ),
)

UNUSED_LOCAL = Rule(
    code="HLD007",
    name="unused-local-variable",
    summary="Local variable (or exception name) is assigned but never read",
    command="debloat",
    fix=FixAvailability.ALWAYS,
    status=RuleStatus.PREVIEW,
    doc=rule_doc(
        what="""
            Reports `name = value` (or `name: T = value`, or `except E as name`) in a
            function when nothing in the function reads `name`: not its own code, a nested function, class, lambda
            or comprehension (a closure reads it), an augmented assignment (`name += 1`)
            or a `del`. Skipped: functions that call `locals()`, `vars()`, `eval` or
            `exec`; names declared `global` or `nonlocal`; names starting with `_`, the
            convention for a value kept on purpose; tuple targets and chained `a = b = v`.
        """,
        why="""
            The value is computed and thrown away: wasted work in a hot function, and
            often a bug (a result that was meant to be returned or checked).
        """,
        example="""
            def save(record):
                payload = serialize(record)
                started = time.monotonic()
                store.put(payload)
        """,
        instead="""
            def save(record):
                payload = serialize(record)
                store.put(payload)
        """,
        safety="""
            The fix removes the assignment when its value can neither fail nor run code (a
            literal, a name, a lambda, a container of those) and otherwise keeps the value
            as a statement (`started = time.monotonic()` becomes `time.monotonic()`, and
            `first = rows[0]` becomes `rows[0]`, which may raise as before), so every call,
            check and effect stays; for an exception name it drops `as name` (safe: the
            name is unbound when the handler ends anyway). The assignment fixes are unsafe
            because the object now dies at once instead of
            at the end of the function (a lock or a file kept open by the name), and a
            name kept for a debugger goes.
        """,
        references=_REFS,
    ),
)

register(UNUSED_FUNCTION, UNUSED_CLASS, UNUSED_METHOD, UNUSED_VARIABLE, UNREACHABLE_CODE,
         CONSTANT_BRANCH, UNUSED_LOCAL)
