"""Rules of the HLI family: unused and duplicate imports, found across the whole tree."""

from __future__ import annotations

from hlopt.core.rules import FixAvailability, Rule, register
from hlopt.debloat.rules._doc import rule_doc

_REFS = """\
- docs/debloat.md#unused-imports-hli
- ruff F401 `unused-import` and F811 `redefined-while-unused`; pyflakes; autoflake
- PEP 484 (`import x as x` re-exports), PEP 562 (module `__getattr__`),
  PEP 563 (string annotations)
- Python reference: "The import system" (submodules become attributes of their package)"""

UNUSED_IMPORT = Rule(
    code="HLI001",
    name="unused-import",
    summary="An imported name is never used, here or by another module of the tree",
    command="debloat",
    fix=FixAvailability.SOMETIMES,
    doc=rule_doc(
        what="""
            Reports an import alias whose name nothing reads: not the module (in any
            function, class, decorator, default value, annotation, string annotation such
            as `"list[Foo]"`, `cast("Foo", x)`, `# type:` comment, `del` or `global`), not
            its `__all__`, and not another analysed module (`from this import name`,
            `this.name`, a `"pkg.this.name"` string such as a `mock.patch` target, or a star
            import of a module without `__all__`). A function-level import counts as used
            only inside that function. Never reported: `from __future__` imports,
            `from x import *`, `import x as x` (the PEP 484 re-export form), modules imported
            for their side effects (`readline`, `rlcompleter`, `encodings`, `*_rc` resource
            modules and the like, extended by `[tool.hlopt.debloat] side-effect-imports`),
            whitelisted names, and lines carrying `# noqa: HLI001` or `# noqa: F401` (on the
            alias or on the first or last line of its statement).
        """,
        why="""
            An unused import costs start-up time and memory on every run (the module and
            everything it imports is loaded), hides real dependencies, and can create
            import cycles. In a CLI or a serverless function, start-up time is latency.
        """,
        example="""
            import os
            import sys
            from typing import Optional

            print(sys.argv)
        """,
        instead="""
            import sys

            print(sys.argv)
        """,
        safety="""
            The fix removes only the unused aliases of a statement (the whole statement
            when all go), keeps every comment except the trailing comment of a removed
            one-line statement (or of a removed alias's own line), leaves `pass` where a
            block would be empty, and repairs parentheses, commas and `;`.

            It is **safe** (applied by `--fix`) for `import os`-style module imports,
            underscore-private names, function-level imports and imports inside
            `if TYPE_CHECKING:`: nothing else can reach those names. It is **unsafe**
            (needs `--unsafe-fixes`) where code outside the analysed tree may still use
            the name: a public import at module level of a package `__init__.py` (that is
            the package's API), a public `from x import Name` in a library module
            without `__all__` (without entry points hlopt cannot know who imports it;
            with `--entry` or `[project.scripts]` the tree is closed and the fix is safe),
            a module whose `__all__` is computed, a submodule other code reaches as an
            attribute (`import a.b` loads `a.b` for `a.b.x` elsewhere), an import in a
            class body (it is a class attribute), and a module or function that reads
            names dynamically (`globals()`, `locals()`, `vars()`, `eval`, `exec`, a module
            `__getattr__`; such findings also have confidence 60). Inside
            `try: ... except ImportError` the import probes an optional dependency:
            removing it would change which branch runs, so there is no fix, only the
            advice to test with `importlib.util.find_spec`.
        """,
        references=_REFS,
    ),
)

DUPLICATE_IMPORT = Rule(
    code="HLI002",
    name="duplicate-import",
    summary="The same name is imported again from the same place in the same block",
    command="debloat",
    fix=FixAvailability.ALWAYS,
    doc=rule_doc(
        what="""
            Reports an import alias that binds a name the same block of the same scope has
            already bound with the same import (`import os` twice, `from a import b` twice),
            when the name is used (an unused one is HLI001). Imports in different blocks
            (an `if` branch, a `try` body, another function) are not compared.
        """,
        why="""
            The second import does nothing but re-bind the same object; it is noise that
            usually survives a merge or a copy-paste and makes readers look for a reason.
        """,
        example="""
            import os
            from json import dumps
            import os

            print(os.sep, dumps([]))
        """,
        instead="""
            import os
            from json import dumps

            print(os.sep, dumps([]))
        """,
        safety="""
            Removing the later import is **safe** when nothing else binds the name in the
            module (no assignment, `def`, `class`, `del` or different import of it) and
            only imports stand between the two: the name then refers to the same object
            either way. Otherwise the fix is **unsafe**: the later import may restore a
            rebound name, and since an import looks the module up in `sys.modules` again,
            code in between may have reloaded or unloaded it.
        """,
        references=_REFS,
    ),
)

register(UNUSED_IMPORT, DUPLICATE_IMPORT)
