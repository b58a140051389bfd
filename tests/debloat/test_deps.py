"""The HLE family: declared requirements against imports, with real and fake distributions."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from hlopt import debloat
from hlopt.core.report import Applicability, Finding, Severity
from hlopt.debloat import deps_probe
from hlopt.debloat.deps import covers_project, is_dev_code
from hlopt.debloat.deps_declared import (
    BUILD,
    RUNTIME,
    is_dev_name,
    read_declarations,
    read_requirement_files,
)
from hlopt.debloat.deps_env import Environment, guess_import_name, load_environment, normalize

CASES = Path(__file__).parent / "cases"
REPO = Path(__file__).resolve().parents[2]
_EXPECT = re.compile(r"#\s*expect:\s*(HLE[0-9]+)")


@pytest.fixture(autouse=True)
def _own_interpreter(monkeypatch: pytest.MonkeyPatch) -> None:
    """Projects under tmp_path have no .venv: make sure $VIRTUAL_ENV does not pick another."""
    monkeypatch.delenv("VIRTUAL_ENV", raising=False)


def run_hle(root: Path, *paths: Path, **kw: object) -> list[Finding]:
    opts = debloat.Options(paths=paths or (root,), select=("HLE",), jobs=1, **kw)  # type: ignore[arg-type]
    return debloat.run(opts).findings


def write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return root


def fake_dist(site: Path, name: str, *, top_level: list[str] | None = None,
              files: tuple[str, ...] = (), entry_points: str = "",
              requires: tuple[str, ...] = ()) -> Path:
    """A .dist-info directory as pip leaves it (plus the files its RECORD lists)."""
    info = site / f"{re.sub(r'[-.]+', '_', name)}-1.0.dist-info"
    info.mkdir(parents=True)
    meta = ["Metadata-Version: 2.1", f"Name: {name}", "Version: 1.0"]
    meta += [f"Requires-Dist: {r}" for r in requires]
    (info / "METADATA").write_text("\n".join(meta) + "\n", encoding="utf-8")
    if top_level is not None:
        (info / "top_level.txt").write_text("\n".join(top_level) + "\n", encoding="utf-8")
    if entry_points:
        (info / "entry_points.txt").write_text(textwrap.dedent(entry_points), encoding="utf-8")
    record = [*files, f"{info.name}/METADATA", f"{info.name}/RECORD"]
    (info / "RECORD").write_text("".join(f"{f},,\n" for f in record), encoding="utf-8")
    for f in files:
        if not f.startswith(".."):
            (site / f).parent.mkdir(parents=True, exist_ok=True)
            (site / f).write_text("", encoding="utf-8")
    return info


@pytest.fixture
def fake_site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A site directory on sys.path with distributions whose import names differ."""
    site = tmp_path / "site"
    fake_dist(site, "beautifulsoup4", files=("bs4/__init__.py", "bs4/element.py"))
    fake_dist(site, "Fake-YAML", top_level=["fakeyaml", "_fakeyaml"],
              files=("fakeyaml/__init__.py", "_fakeyaml.cpython-311-x86_64-linux-gnu.so"))
    fake_dist(site, "fake-tool", files=("../../bin/fake-tool",))
    fake_dist(site, "fake-plugin", files=("fake_plugin_impl.py",),
              entry_points="[pytest11]\nfake = fake_plugin_impl\n")
    fake_dist(site, "fake-app", files=("fakeapp/__init__.py",), requires=("Fake-YAML>=1",))
    fake_dist(site, "fake-editable", files=("__editable___fake_editable_1_0_finder.py",
                                            "__editable__.fake_editable-1.0.pth"))
    (site / "__editable___fake_editable_1_0_finder.py").write_text(
        "MAPPING: dict[str, str] = {'fakeedit': '/somewhere/fakeedit'}\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(site))
    return site


# -- the cases under tests/debloat/cases: pyproject.toml lines ----------------------------

def _hle_cases() -> list[Path]:
    return sorted(p for p in CASES.glob("HLE*") if (p / "pyproject.toml").is_file())


@pytest.mark.parametrize("case", _hle_cases(), ids=lambda p: p.name)
def test_case_pyproject_lines(case: Path, tmp_path: Path) -> None:
    """``# expect: HLE001`` in a case's pyproject.toml (test_cases.py checks the .py files)."""
    root = tmp_path / "proj"
    for f in case.rglob("*"):
        if f.is_file():
            (root / f.relative_to(case)).parent.mkdir(parents=True, exist_ok=True)
            (root / f.relative_to(case)).write_bytes(f.read_bytes())
    text = (root / "pyproject.toml").read_text(encoding="utf-8")
    expected = {(n, m.group(1)) for n, line in enumerate(text.splitlines(), 1)
                for m in [_EXPECT.search(line)] if m}
    findings = run_hle(root)
    got = {(f.line, f.code) for f in findings if f.path == root.resolve() / "pyproject.toml"}
    assert got == expected, findings
    for f in findings:
        assert f.fix is not None and f.fix.applicability is Applicability.DISPLAY_ONLY


def test_unused_case_details(tmp_path: Path) -> None:
    """Severity, confidence and mapping say how sure each HLE001 is."""
    root = tmp_path / "proj"
    for f in (CASES / "HLE001_unused-dependency").rglob("*"):
        if f.is_file():
            (root / f.relative_to(CASES / "HLE001_unused-dependency")).parent.mkdir(
                parents=True, exist_ok=True)
            (root / f.relative_to(CASES / "HLE001_unused-dependency")).write_bytes(f.read_bytes())
    by_name = {f.data["distribution"]: f for f in run_hle(root) if f.data}
    typer = by_name["typer"]
    assert (typer.severity, typer.confidence, typer.data["mapping"]) == (
        Severity.WARNING, 90, "metadata")
    assert typer.col == 5 and "run by name" in typer.message
    guessed = by_name["hlopt-test-never-installed"]
    assert (guessed.severity, guessed.confidence, guessed.data["mapping"]) == (
        Severity.INFO, 50, "name")
    assert guessed.data["import_names"] == ["hlopt", "hlopt_test_never_installed"]
    assert guessed.data["installed"] is False
    other = by_name["hlopt-test-other-platform"]
    assert other.severity is Severity.INFO and "marker" in other.message
    assert by_name["pygments"].data["group"] == "[project.optional-dependencies].fast"
    assert "markdown-it-py" not in by_name and "rich" not in by_name


# -- declarations ---------------------------------------------------------------------------

PYPROJECT = """\
[build-system]
requires = ["setuptools>=68"]

[project]
name = "My_App"
dependencies = [
  "requests[socks]>=2; python_version >= '3.8'",
  'Foo.Bar @ https://example.invalid/foo.whl',
  "not a requirement !!",
]

[project.optional-dependencies]
fast = ["orjson"]
test-all = ["pytest"]
server = ["uvicorn"]

[dependency-groups]
typing = ["mypy", {include-group = "lint"}]
lint = ["ruff"]
"""


def test_read_declarations_lines_groups_and_markers() -> None:
    import tomllib

    decl = read_declarations(tomllib.loads(PYPROJECT), PYPROJECT, dev_groups=["server"])
    got = {(d.name, d.group, d.dev, d.line, d.col) for d in decl.requirements}
    assert got == {
        ("requests", RUNTIME, False, 7, 3),
        ("Foo.Bar", RUNTIME, False, 8, 3),
        ("orjson", "[project.optional-dependencies].fast", False, 13, 9),
        ("pytest", "[project.optional-dependencies].test-all", True, 14, 13),
        ("uvicorn", "[project.optional-dependencies].server", True, 15, 11),
        ("mypy", "[dependency-groups].typing", True, 18, 11),
        ("ruff", "[dependency-groups].lint", True, 19, 9),
        ("setuptools", BUILD, True, 2, 13),
    }
    assert decl.invalid and decl.invalid[0][:2] == ("not a requirement !!", 9)
    requests = next(d for d in decl.requirements if d.name == "requests")
    assert requests.key == "requests" and requests.applies({"python_version": "3.11"})
    assert not requests.applies({"python_version": "3.7"})
    assert next(d.key for d in decl.requirements if d.name == "Foo.Bar") == "foo-bar"
    assert decl.usable and decl.project_name == "My_App"


def test_inline_and_dotted_extras_are_located() -> None:
    import tomllib

    for text in ('[project]\nname = "x"\noptional-dependencies = { fast = ["orjson"] }\n',
                 '[project]\nname = "x"\noptional-dependencies.fast = [\n  "orjson",\n]\n'):
        [d] = read_declarations(tomllib.loads(text), text).requirements
        assert d.group == "[project.optional-dependencies].fast"
        assert (d.line, d.col) == ((3, 35) if "{" in text else (4, 3))


def test_dynamic_or_missing_project_is_not_checked(tmp_path: Path) -> None:
    dyn = '[project]\nname = "x"\ndynamic = ["dependencies"]\n'
    assert not read_declarations({"project": {"name": "x", "dynamic": ["dependencies"]}},
                                 dyn).usable
    root = write(tmp_path, {
        "pyproject.toml": dyn,
        "app/__init__.py": "import hlopt_test_missing_module\n",
    })
    assert run_hle(root) == []
    (root / "pyproject.toml").write_text("[tool.other]\nx = 1\n", encoding="utf-8")
    assert run_hle(root) == []


def test_dev_names_and_dev_code(tmp_path: Path) -> None:
    assert all(is_dev_name(n) for n in ("dev", "Test", "tests", "docs", "lint", "typing",
                                        "test-all", "dev_tools", "type.check"))
    assert not any(is_dev_name(n) for n in ("mcp", "server", "all", "fast", "latest"))
    assert is_dev_name("qa-extra") and is_dev_name("extras", ["Extras"])
    root = tmp_path
    assert is_dev_code(root / "tests" / "unit" / "helpers.py", root)
    assert is_dev_code(root / "pkg" / "tests" / "x.py", root)
    assert is_dev_code(root / "pkg" / "test_x.py", root)
    assert is_dev_code(root / "pkg" / "x_test.py", root)
    assert is_dev_code(root / "conftest.py", root)
    assert is_dev_code(root / "bench" / "run.py", root)
    assert is_dev_code(root / "docs" / "conf.py", root)
    assert is_dev_code(root / "setup.py", root) and is_dev_code(root / "noxfile.py", root)
    assert not is_dev_code(root / "pkg" / "tasks.py", root)
    assert not is_dev_code(root / "pkg" / "tools" / "x.py", root)
    assert not is_dev_code(root / "pkg" / "core.py", root)


def test_names() -> None:
    assert normalize("Foo_Bar.baz") == "foo-bar-baz"
    assert guess_import_name("Foo-Bar") == "foo_bar"


# -- the environment: importlib.metadata in-process and in the target's interpreter ---------

def test_probe_maps_distributions_to_import_names(fake_site: Path) -> None:
    dists = deps_probe.probe()["distributions"]
    assert dists["beautifulsoup4"]["top_level"] == ["bs4"]  # from RECORD: no top_level.txt
    assert dists["fake-yaml"]["top_level"] == ["_fakeyaml", "fakeyaml"]
    assert dists["fake-tool"]["top_level"] == [] and dists["fake-tool"]["scripts"] == [
        "fake-tool"]
    assert dists["fake-plugin"]["plugins"] == ["pytest11"]
    assert dists["fake-editable"]["top_level"] == ["fakeedit"]
    assert dists["fake-app"]["requires"] == ["fake-yaml"]
    # the real ones: markdown-it-py provides markdown_it (installed with rich)
    assert "markdown_it" in dists["markdown-it-py"]["top_level"]


def test_probe_runs_standalone_with_the_standard_library_only() -> None:
    source = Path(deps_probe.__file__).read_text(encoding="utf-8")
    done = subprocess.run([sys.executable, "-I", "-c", source], capture_output=True,
                          text=True, check=True, timeout=120)
    data = json.loads(done.stdout)
    assert "json" in data["stdlib"] and data["markers"]["python_version"] == (
        f"{sys.version_info.major}.{sys.version_info.minor}")
    assert "rich" in data["distributions"]


def test_fake_distributions_whose_import_names_differ(fake_site: Path, tmp_path: Path) -> None:
    root = write(tmp_path / "proj", {
        "pyproject.toml": """
            [project]
            name = "proj"
            dependencies = ["beautifulsoup4", "Fake-YAML", "fake-tool", "fake-plugin",
                            "fake-editable"]
        """,
        "proj/__init__.py": """
            import bs4
            import fakeyaml
            import fakeedit

            VALUES = (bs4, fakeyaml, fakeedit)
        """,
    })
    findings = run_hle(root)
    assert [(f.code, f.data["distribution"], f.severity) for f in findings] == [
        ("HLE001", "fake-tool", Severity.INFO)]
    assert "no importable module" in findings[0].message


def test_undeclared_names_the_distribution_and_who_pulls_it_in(
        fake_site: Path, tmp_path: Path) -> None:
    root = write(tmp_path / "proj", {
        "pyproject.toml": '[project]\nname = "proj"\ndependencies = ["fake-app"]\n',
        "proj/__init__.py": "import fakeapp\nimport fakeyaml\n\nVALUES = (fakeapp, fakeyaml)\n",
    })
    [f] = run_hle(root)
    assert (f.code, f.line, f.col, f.confidence) == ("HLE002", 2, 1, 90)
    assert f.message == ("`fakeyaml` imported but no declared requirement provides it "
                         "(installed by `Fake-YAML`, which only `fake-app` requires)")
    assert f.data["distributions"] == ["Fake-YAML"] and f.data["required_by"] == ["fake-app"]
    assert f.fix is not None and f.fix.title == f"Declare `Fake-YAML` in {RUNTIME}"


def test_imports_hlopt_cannot_judge_are_quiet(tmp_path: Path) -> None:
    """Gated imports of missing modules, stubs, local namespace dirs; dev code is advice."""
    root = write(tmp_path / "proj", {
        "pyproject.toml": '[project]\nname = "proj"\ndependencies = ["rich"]\n',
        "proj/__init__.py": """
            import sys

            import rich

            if sys.platform == "win32":
                import hlopt_test_windows_only
            if sys.version_info >= (3, 99):
                import hlopt_test_future_stdlib
            VALUE = rich
        """,
        "proj/__init__.pyi": "import hlopt_test_stub_only\n",
        "docs_src/tutorial/one.py": "",
        "tests/test_x.py": "import docs_src.tutorial.one\nimport iniconfig\n",
        "setup.py": "import hlopt_test_build_tool\n",
    })
    findings = run_hle(root)
    assert {(f.path.name, f.code, f.severity) for f in findings} == {
        ("test_x.py", "HLE002", Severity.INFO), ("setup.py", "HLE002", Severity.INFO)}
    # a requirements file declares the test dependency; dev code now gets warnings
    write(root, {"requirements-dev.txt": """
        iniconfig>=1  # for the tests
        -r other.txt
        -e .
        ./local/path
    """})
    [f] = run_hle(root)
    assert (f.path.name, f.code, f.severity, f.confidence) == (
        "setup.py", "HLE002", Severity.WARNING, 70)


def test_requirement_files_are_parsed(tmp_path: Path) -> None:
    write(tmp_path, {
        "requirements.txt": "Django>=4 ; python_version >= '3.8'  # web\n--index-url x\n",
        "requirements/test.txt": "pytest\nnot a requirement !!\n",
        "other.txt": "ignored\n",
    })
    got = [(d.name, d.group, d.line, d.source, d.dev) for d in read_requirement_files(tmp_path)]
    assert got == [("pytest", "requirements/test.txt", 1, "requirements", False),
                   ("Django", "requirements.txt", 1, "requirements", False)]


def test_commands_run_by_name_count_as_used(fake_site: Path, tmp_path: Path) -> None:
    root = write(tmp_path / "proj", {
        "pyproject.toml": '[project]\nname = "proj"\ndependencies = ["fake-tool"]\n',
        "proj/__init__.py": """
            import subprocess

            subprocess.run(["fake-tool", "--version"], check=False)
        """,
    })
    assert run_hle(root) == []
    # a comment, or a string in a test, runs nothing
    write(root, {
        "proj/__init__.py": '# we used to run "fake-tool" here\n',
        "tests/test_tool.py": 'CASES = ["fake-tool"]\n',
    })
    [f] = run_hle(root)
    assert f.code == "HLE001" and f.data["distribution"] == "fake-tool"


def test_environment_is_cached_until_packages_change(fake_site: Path, tmp_path: Path) -> None:
    first = load_environment(tmp_path)
    assert load_environment(tmp_path) is first
    assert first.get("BeautifulSoup4") is not None and first.fallback == ""
    fake_dist(fake_site, "fake-late", files=("fakelate.py",))
    second = load_environment(tmp_path)
    assert second is not first and second.providers["fakelate"] == ("fake-late",)


def test_target_interpreter_is_asked_in_a_child_process(tmp_path: Path) -> None:
    """A project with its own .venv: its packages count, not hlopt's."""
    root = tmp_path / "proj"
    root.mkdir()
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(root / ".venv")],
                   check=True, timeout=120)
    [site] = (root / ".venv").glob("lib/python*/site-packages")
    fake_dist(site, "Child-Only-Dist", top_level=["childmod"], files=("childmod/__init__.py",))
    write(root, {
        "pyproject.toml": """
            [project]
            name = "proj"
            dependencies = ["child-only-dist", "rich"]
        """,
        "proj/__init__.py": "import childmod\nimport typer\n\nVALUES = (childmod, typer)\n",
    })
    findings = run_hle(root)
    interp = str(root / ".venv" / "bin" / "python")
    # rich is installed for hlopt but not in the project's venv: its name is guessed, and
    # whether it provides `typer` cannot be known
    assert {(f.code, f.line, f.confidence, f.severity) for f in findings} == {
        ("HLE001", 3, 50, Severity.INFO), ("HLE002", 2, 40, Severity.INFO)}
    [undeclared] = [f for f in findings if f.code == "HLE002"]
    assert undeclared.data["uninstalled_declared"] == ["rich"]
    assert all(f.data["interpreter"] == interp and "environment_fallback" not in f.data
               for f in findings)
    env = load_environment(root)
    assert env.interpreter == Path(interp) and env.providers["childmod"] == ("child-only-dist",)
    assert "typer" not in env.providers


def test_broken_target_interpreter_falls_back_and_says_so(tmp_path: Path) -> None:
    root = write(tmp_path / "proj", {
        "pyproject.toml": '[project]\nname = "proj"\ndependencies = ["rich"]\n',
        "proj/__init__.py": "import hlopt_test_missing_module\n",
    })
    python = root / ".venv" / "bin" / "python"
    python.parent.mkdir(parents=True)
    python.write_text("#!/bin/sh\necho 'broken interpreter' >&2\nexit 3\n", encoding="utf-8")
    python.chmod(0o755)
    findings = run_hle(root)
    assert {f.code for f in findings} == {"HLE001", "HLE002"}
    assert all("broken interpreter" in f.data["environment_fallback"] for f in findings)


# -- scope, configuration, suppression ------------------------------------------------------

def _small_project(root: Path) -> Path:
    return write(root, {
        "pyproject.toml": """
            [project]
            name = "proj"
            dependencies = [
                "rich",
                "typer",
            ]
        """,
        "proj/__init__.py": "",
        "proj/sub/__init__.py": "import rich\n\nVALUE = rich\n",
    })


def test_unused_only_when_the_whole_project_is_analysed(tmp_path: Path) -> None:
    root = _small_project(tmp_path / "proj")
    assert [(f.code, f.line) for f in run_hle(root)] == [("HLE001", 5)]
    assert [(f.code, f.line) for f in run_hle(root, root / "proj")] == [("HLE001", 5)]
    assert run_hle(root, root / "proj" / "sub") == []


def test_covers_project(tmp_path: Path) -> None:
    root = _small_project(tmp_path / "proj")
    from hlopt.core.config import load_config
    from hlopt.debloat.model import Project

    def covers(*paths: Path) -> bool:
        opts = debloat.Options(paths=paths)
        return covers_project(Project(root, [], load_config(paths), opts))

    assert covers(root) and covers(root / "proj")
    assert not covers(root / "proj" / "sub") and not covers(root / "proj" / "__init__.py")


def test_noqa_and_used_dependencies(tmp_path: Path) -> None:
    root = _small_project(tmp_path / "proj")
    text = (root / "pyproject.toml").read_text(encoding="utf-8")
    (root / "pyproject.toml").write_text(text.replace('"typer",', '"typer",  # noqa: HLE001'),
                                         encoding="utf-8")
    assert run_hle(root) == []
    (root / "pyproject.toml").write_text(
        text + "\n[tool.hlopt.debloat]\nused-dependencies = [\"Typer\"]\n", encoding="utf-8")
    assert run_hle(root) == []


def test_dev_groups_option(tmp_path: Path) -> None:
    files = {
        "pyproject.toml": """
            [project]
            name = "proj"
            dependencies = []
            [project.optional-dependencies]
            extras = ["pytest"]
        """,
        "proj/__init__.py": "import pytest\n\nVALUE = pytest\n",
    }
    root = write(tmp_path / "proj", files)
    assert run_hle(root) == []
    with (root / "pyproject.toml").open("a", encoding="utf-8") as fh:
        fh.write('[tool.hlopt.debloat]\ndev-groups = ["extras"]\n')
    [f] = run_hle(root)
    assert f.code == "HLE003" and "[project.optional-dependencies].extras" in f.message


def test_environment_from_probe_data() -> None:
    env = Environment.from_probe(Path("python"), {
        "stdlib": ["os"], "markers": {"python_version": "3.11"},
        "distributions": {"a": {"name": "A", "top_level": ["a"], "requires": ["b"]},
                          "b": {"name": "B", "top_level": ["b", "shared"], "requires": ["c"]},
                          "c": {"name": "C", "top_level": ["shared"]}},
    })
    assert env.providers["shared"] == ("b", "c") and "__future__" in env.stdlib
    assert env.required_by({"a"}) == {"b": "a", "c": "a"}


# -- the real thing: hlopt's own tree and the CLI -------------------------------------------

def test_hlopt_own_tree() -> None:
    """hlopt declares what hlopt/ imports and imports what it declares (runtime part)."""
    findings = run_hle(REPO, REPO / "hlopt")
    print("\n".join(f"{f.location}: {f.code} {f.message}" for f in findings))
    assert not [f for f in findings if f.code in ("HLE002", "HLE003")], findings
    unused = {f.data["distribution"].lower() for f in findings if f.code == "HLE001"}
    assert not unused & {"typer", "rich", "libcst", "packaging"}


def test_cli_json(invoke, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    root = _small_project(tmp_path / "proj")
    result = invoke(["debloat", str(root), "--select", "HLE", "--format", "json"], exit_code=1)
    doc = json.loads(result.stdout)
    [f] = doc["findings"]
    assert f["code"] == "HLE001" and f["path"].endswith("pyproject.toml") and f["line"] == 5
    assert f["fix"]["applicability"] == "display-only" and f["data"]["mapping"] == "metadata"
    text = invoke(["debloat", str(root), "--select", "HLE"], exit_code=1).stdout
    assert "HLE001 `typer` declared in [project].dependencies but never imported" in text
    assert "help: Remove `typer` from [project].dependencies" in text
    invoke(["debloat", str(root), "--select", "HLE", "--ignore", "HLE001"], exit_code=0)


POETRY = """\
[tool.poetry]
name = "poetry-app"
version = "1.0"

[tool.poetry.dependencies]
python = "^3.11"
rich = "^13.0"
typer = { version = "^0.12", markers = "python_version >= '3.8'" }
"Not.Imported" = "*"

[tool.poetry.group.dev.dependencies]
pytest = "^8"

[tool.poetry.dev-dependencies]
hypothesis = "*"
"""


def test_poetry_tables_are_declarations() -> None:
    import tomllib

    decl = read_declarations(tomllib.loads(POETRY), POETRY)
    got = {(d.name, d.group, d.dev, d.line, d.col) for d in decl.requirements}
    assert got == {
        ("rich", "[tool.poetry.dependencies]", False, 7, 1),
        ("typer", "[tool.poetry.dependencies]", False, 8, 1),
        ("Not.Imported", "[tool.poetry.dependencies]", False, 9, 1),
        ("pytest", "[tool.poetry.group.dev.dependencies]", True, 12, 1),
        ("hypothesis", "[tool.poetry.dev-dependencies]", True, 15, 1),
    }
    assert decl.usable and decl.project_name == "poetry-app"
    assert decl.runtime_label == "[tool.poetry.dependencies]"
    typer = next(d for d in decl.requirements if d.name == "typer")
    assert typer.marker is not None and not typer.applies({"python_version": "3.7"})


def test_a_poetry_project_is_checked(tmp_path: Path) -> None:
    root = write(tmp_path / "app", {
        "pyproject.toml": POETRY,
        "poetry_app/__init__.py": "import rich\nimport typer\nimport hlopt_test_missing_mod\n",
        "tests/test_x.py": "import pytest\nimport hypothesis\n",
    })
    found = {(f.code, f.line, f.message.split(" ")[0]) for f in run_hle(root)}
    assert ("HLE001", 9, "`Not.Imported`") in found  # declared, never imported
    undeclared = [f for f in run_hle(root) if f.code == "HLE002"]
    assert [f.data["module"] for f in undeclared] == ["hlopt_test_missing_mod"]
    assert "[tool.poetry.dependencies]" in undeclared[0].fix.title
    assert not any(f.code == "HLE001" and "pytest" in f.message for f in run_hle(root))


SETUP_CFG = """\
[metadata]
name = cfg-app

[options]
packages = find:
install_requires =
    rich>=13  # the UI
    Never.Used
    tomli; python_version < "3.11"
tests_require =
    pytest

[options.extras_require]
docs =
    sphinx
fast = orjson
"""


def test_setup_cfg_declarations() -> None:
    from hlopt.debloat.deps_declared import read_setup_cfg

    decl = read_setup_cfg(SETUP_CFG)
    got = {(d.name, d.group, d.dev, d.line, d.col) for d in decl.requirements}
    assert got == {
        ("rich", "[options].install_requires", False, 7, 5),
        ("Never.Used", "[options].install_requires", False, 8, 5),
        ("tomli", "[options].install_requires", False, 9, 5),
        ("pytest", "[options].tests_require", True, 11, 5),
        ("sphinx", "[options.extras_require].docs", True, 15, 5),
        ("orjson", "[options.extras_require].fast", False, 16, 8),
    }
    assert decl.usable and decl.project_name == "cfg-app"
    assert not next(d for d in decl.requirements if d.name == "tomli").applies(
        {"python_version": "3.12"})
    assert not read_setup_cfg("[options]\ninstall_requires = file: reqs.txt\n"
                              "[metadata]\nname = x\n").usable
    assert not read_setup_cfg("not an ini file [").usable


def test_a_setup_cfg_project_is_checked(tmp_path: Path) -> None:
    root = write(tmp_path / "app", {
        "setup.cfg": SETUP_CFG,
        "pyproject.toml": '[build-system]\nrequires = ["setuptools>=61"]\n',
        "setup.py": "import setuptools\nsetuptools.setup()\n",
        "cfg_app/__init__.py": "import rich\nimport orjson\nimport hlopt_test_missing_mod\n"
                               "try:\n    import tomllib\nexcept ImportError:\n"
                               "    import tomli as tomllib\n",
        "testing/test_x.py": "import pytest\n",
    })
    found = run_hle(root)
    assert {(f.code, f.line) for f in found if f.code == "HLE001"} == {("HLE001", 8)}
    [undeclared] = [f for f in found if f.code == "HLE002"]  # not setuptools: a build need
    assert undeclared.data["module"] == "hlopt_test_missing_mod"
    assert "[options].install_requires" in undeclared.fix.title
    assert not [f for f in found if f.code == "HLE003"]  # testing/ is test code
