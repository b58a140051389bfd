"""Rules of the HLS family: heavy imports at start-up, measured with ``-X importtime``."""

from __future__ import annotations

from hlopt.core.rules import FixAvailability, Rule, register
from hlopt.debloat.rules._doc import rule_doc

_REFS = """\
- docs/debloat.md#start-up-imports-hls
- Python `-X importtime` (command line documentation)
- PEP 810 (explicit lazy imports, Python 3.15)"""

HEAVY_IMPORT_USED_IN_FEW_FUNCTIONS = Rule(
    code="HLS001",
    name="heavy-import-used-in-few-functions",
    summary="A slow import at start-up whose name only a few functions read",
    command="debloat",
    fix=FixAvailability.SOMETIMES,
    doc=rule_doc(
        what="""
            With an entry module (`--entry pkg` or `[tool.hlopt] entry`), imports it under
            `python -X importtime` in the target's interpreter 5 times (after a warm-up) and
            takes each module's median. Reports a top-level import in a project module
            whose module costs at least `startup-threshold-ms` (10 ms) cumulative, when the
            names it binds are read only inside one to three functions: never at import
            time (module code, class bodies, decorators, defaults, evaluated annotations),
            never re-bound, not in `__all__` and not imported from this module by others.
            The message shows the chain down to where the time goes
            (`app -> app.net -> asyncio 17 ms -> ssl 12 ms`).
        """,
        why="""
            Every process start (a CLI run, a worker fork, a serverless cold start, a test
            run) pays for the import even when the functions that need it never run.
        """,
        example="""
            import pandas

            def export(rows):
                return pandas.DataFrame(rows).to_csv()

            def main():
                ...
        """,
        instead="""
            def export(rows):
                import pandas
                return pandas.DataFrame(rows).to_csv()

            def main():
                ...
        """,
        safety="""
            The fix is **unsafe**: the imported module's import-time side effects
            (registration, monkey-patching, configuration) now happen later or never, and an
            import error (a missing dependency) surfaces when a function is first called
            instead of at start-up. The first call also pays the import time. On Python 3.15
            and later (when both the target interpreter and hlopt's run it) the fix writes
            `lazy import ...` (PEP 810) instead, which keeps the statement in place and
            defers only the loading. After `--fix --unsafe-fixes` the start-up time is
            measured again and reported as the metric "startup import time".
        """,
        references=_REFS,
    ),
)

HEAVY_IMPORT_NEEDED_AT_STARTUP = Rule(
    code="HLS002",
    name="heavy-import-at-startup",
    summary="A slow import a project module needs at import time (information)",
    command="debloat",
    doc=rule_doc(
        what="""
            Reports (as information) each module that costs at least the threshold and that
            a project module imports but cannot simply defer: the name is read at import
            time, re-bound, exported, read in more than three functions, or the import is
            conditional or indirect. The message names the chain and the reason.
        """,
        why="""
            It is where the start-up time goes; deferring it needs a design change (a
            plugin loaded on demand, a lighter dependency, `lazy import` on 3.15+).
        """,
        example="""
            import asyncio

            LOOP_POLICY = asyncio.DefaultEventLoopPolicy
        """,
        instead="""
            def loop_policy():
                import asyncio
                return asyncio.DefaultEventLoopPolicy
        """,
        safety="No fix: the import is needed where it is.",
        references=_REFS,
    ),
)

ENTRY_IMPORT_FAILED = Rule(
    code="HLS003",
    name="entry-import-failed",
    summary="The entry module fails to import, so start-up cannot be measured",
    command="debloat",
    doc=rule_doc(
        what="""
            Reports an entry module whose import fails in the target's interpreter, with the
            traceback's last line and the deepest file and line it names. The rest of
            debloat goes on.
        """,
        why="""
            The program cannot start; or the entry is misnamed (`--entry` takes a module,
            `module:func` or a file).
        """,
        example="""
            # app/__init__.py
            import missing_dependency
        """,
        instead="""
            # app/__init__.py: declare and install the dependency, or fix --entry
            import json
        """,
        safety="No fix.",
        references=_REFS,
    ),
)

register(HEAVY_IMPORT_USED_IN_FEW_FUNCTIONS, HEAVY_IMPORT_NEEDED_AT_STARTUP, ENTRY_IMPORT_FAILED)
