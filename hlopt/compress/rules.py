"""Rules of the HLC family: what ``hlopt compress`` refused to do, and failed test runs."""

from __future__ import annotations

from hlopt.core.rules import Rule, register

_REFS = "- docs/compress.md"


def _doc(what: str, why: str, example: str, instead: str, safety: str) -> str:
    return (
        f"## What it does\n{what}\n\n## Why is this bad?\n{why}\n\n"
        f"## Example\n```python\n{example}\n```\n\n## Use instead\n{instead}\n\n"
        f"## Fix safety\n{safety}\n\n## References\n{_REFS}\n"
    )


DYNAMIC_LOCALS = Rule(
    code="HLC001",
    name="dynamic-local-access",
    summary="Locals of a function not renamed: it reads its frame's names at run time",
    command="compress",
    doc=_doc(
        "Reports a function whose local names `hlopt compress` left as they were because "
        "the function (or a function nested in it) calls `locals()`, `vars()`, `dir()`, "
        "`exec()` or `eval()`, or inspects frames (`sys._getframe()`, `f_locals`).",
        "Those calls see local variables by their names; renaming them would change what "
        "they see. The output is a little larger than it could be, nothing more.",
        "def render(name):\n    greeting = 'hi'\n    return '{greeting} {name}'.format(**locals())",
        "Pass the values explicitly (`.format(greeting=greeting, name=name)`) so the "
        "function no longer depends on its own names.",
        "There is no automatic fix; this finding is advice (severity info) and never "
        "fails a run.",
    ),
)
TEST_FAILED = Rule(
    code="HLC002",
    name="minified-tests-failing",
    summary="The project's tests fail against the minified tree",
    command="compress",
    doc=_doc(
        "Reports that the command given with `--test-cmd` exited non-zero when run against "
        "the minified tree; the message carries the exit code and the end of its output.",
        "The minified code is meant to behave exactly as the original; a failing test "
        "suite means it does not (or that the suite depends on source text, such as "
        "docstrings or comments, the minifier removed).",
        "hlopt compress src/pkg -o build/pkg --test-cmd 'pytest -q'",
        "Run the same command on the original tree first. If it passes there, try "
        "`--keep-docstrings` and `--keep-annotations`, and report the difference.",
        "There is no automatic fix.",
    ),
)
GLOBALS_KEPT = Rule(
    code="HLC003",
    name="module-names-not-renamed",
    summary="Module-level names not renamed: the module is reached in ways hlopt cannot see",
    command="compress",
    doc=_doc(
        "With `--rename-globals`, reports a module whose module-level names were left "
        "as they were: it uses `globals()`, `vars()`, `exec()`, `eval()` or a module "
        "`__getattr__`, or another module imports it with `import *`.",
        "Such code reaches module-level names by their text, so a renamed name would be "
        "missed.",
        "from .settings import *",
        "Import the names explicitly.",
        "There is no automatic fix; this finding is advice (severity info).",
    ),
)

register(DYNAMIC_LOCALS, TEST_FAILED, GLOBALS_KEPT)
