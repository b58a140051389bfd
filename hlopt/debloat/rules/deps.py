"""Rules of the HLE family: dependencies declared in pyproject.toml against what code imports."""

from __future__ import annotations

from hlopt.core.rules import FixAvailability, Rule, register
from hlopt.debloat.rules._doc import rule_doc

_REFS = """\
- docs/debloat.md#dependencies-hle
- PEP 621 (`[project]` dependencies and optional-dependencies), PEP 735 (dependency groups)
- PEP 503 (name normalisation), PEP 508 (requirement strings and markers)
- `importlib.metadata.packages_distributions()` (Python documentation)"""

_NO_FIX = """\
There is no automatic fix: hlopt never edits pyproject.toml, whose layout and comments
matter and whose dependency choices are the maintainers'. The finding carries a
display-only suggestion (shown as `help:`, never applied)."""

UNUSED_DEPENDENCY = Rule(
    code="HLE001",
    name="unused-dependency",
    summary="A requirement of [project].dependencies or a runtime extra is never imported",
    command="debloat",
    fix=FixAvailability.NONE,
    doc=rule_doc(
        what="""
            Reports a requirement in `[project].dependencies` or in a non-development
            extra of `[project.optional-dependencies]` that no module of the analysed tree
            imports. Import names come from the target interpreter's installed metadata
            (`PyYAML` provides `yaml`); a requirement that is not installed is matched by its
            normalised name (`Foo-Bar` -> `foo_bar` or `foo`) and reported only as advice
            (severity info, confidence 50), as is one whose marker is false here or that
            provides no importable module. It is not reported when its import name or one
            of its commands is a string constant of runtime code
            (`importlib.import_module("yaml")`, `["py-spy", "record"]`), when it registers
            plugin entry points (`pytest11`), when `[tool.hlopt.debloat] used-dependencies`
            lists it, or with `# noqa: HLE001` on its line of pyproject.toml. Development
            groups (`dev`, `test`, `docs`, `lint`, `typing`, PEP 735 groups, extras only tests
            import) hold tools that are run, not imported, and are never reported. The rule
            runs only when the analysed paths hold the whole project (its root, `src/` or a
            top-level package).
        """,
        why="""
            Every runtime requirement is downloaded, installed and resolved against the
            others for every user; one nobody imports costs install time, image size and
            version conflicts, and widens the supply-chain surface for nothing.
        """,
        example="""
            # pyproject.toml
            # [project]
            # dependencies = ["requests", "rich"]
            import rich

            rich.print("hello")
        """,
        instead="""
            # pyproject.toml
            # [project]
            # dependencies = ["rich"]
            import rich

            rich.print("hello")
        """,
        safety=_NO_FIX,
        references=_REFS,
    ),
)

UNDECLARED_DEPENDENCY = Rule(
    code="HLE002",
    name="undeclared-dependency",
    summary="A third-party module is imported but no declared requirement provides it",
    command="debloat",
    fix=FixAvailability.NONE,
    doc=rule_doc(
        what="""
            Reports an import of a top-level module that is not in the standard library
            (`sys.stdlib_module_names` of the target interpreter), not `__future__`, not a
            module of the analysed tree or of the project, and not provided by any requirement
            of pyproject.toml (runtime, extras, dependency groups or build requirements) or of
            a `requirements*.txt` file. The message names the installed distribution that
            provides the module and, when it is there only because a declared requirement
            needs it, that requirement. Imports inside `try: ... except ImportError`
            (optional dependencies), inside `if TYPE_CHECKING:` (never run) and in `.pyi`
            stubs are not reported, nor are imports under an `if` of modules nothing installed
            provides (another Python's standard library, a Windows-only module). In tests
            of a project that declares no development dependencies at all, and when a
            declared requirement is not installed (so it might provide the module under
            another name), the finding is advice (severity info).
        """,
        why="""
            The import works only because the package happens to be installed: often a
            dependency of a dependency. A fresh install, or a new release of the package that
            pulled it in, breaks the program with `ModuleNotFoundError`.
        """,
        example="""
            # pyproject.toml: dependencies = ["libcst"]   (libcst requires PyYAML)
            import yaml

            config = yaml.safe_load(text)
        """,
        instead="""
            # pyproject.toml: dependencies = ["libcst", "PyYAML>=6"]
            import yaml

            config = yaml.safe_load(text)
        """,
        safety=_NO_FIX,
        references=_REFS,
    ),
)

DEV_DEPENDENCY_IN_RUNTIME = Rule(
    code="HLE003",
    name="dev-dependency-in-runtime-code",
    summary="Runtime code imports a package declared only in a development group",
    command="debloat",
    fix=FixAvailability.NONE,
    doc=rule_doc(
        what="""
            Reports an import, in a module that is not test or development code, of a package
            whose requirement appears only in development groups: a dev-named extra
            (`dev`, `test`, `docs`, `lint`, `typing`, ...), an extra only tests import, a PEP 735
            dependency group, or `[build-system].requires`. Test and development code is
            anything under a `tests/` or `test/` directory, `test_*.py`, `*_test.py`,
            `conftest.py`, the top-level `bench/`, `benchmarks/`, `docs/`, `doc/`, `examples/`,
            `scripts/`, `tools/` and `ci/` directories, and `setup.py`, `noxfile.py`,
            `pdm_build.py`, `hatch_build.py`, `tasks.py`, `fabfile.py`, `dodo.py` at the root.
            Optional imports (`try/except ImportError`) and `TYPE_CHECKING` imports are not
            reported.
        """,
        why="""
            `pip install yourpackage` does not install development groups: the import works
            on a developer's machine and fails for every user.
        """,
        example="""
            # pyproject.toml: [project.optional-dependencies] dev = ["pytest"]
            # mypkg/util.py
            import pytest

            approx = pytest.approx
        """,
        instead="""
            # mypkg/util.py: only tests use pytest
            import math

            close = math.isclose
        """,
        safety=_NO_FIX,
        references=_REFS,
    ),
)

register(UNUSED_DEPENDENCY, UNDECLARED_DEPENDENCY, DEV_DEPENDENCY_IN_RUNTIME)
