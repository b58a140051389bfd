"""The pipeline's decisions: each stage's stop becomes a finding and nothing is installed.

The stages are replaced by stand-ins (their own tests live beside them) so every branch is
fast and certain; tests marked ``native`` run the real pipeline on a small function.
"""

from __future__ import annotations

import sys
import types
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from hlopt.core.errors import UsageError
from hlopt.nativize import Options, engine, run
from hlopt.nativize.model import (
    BUILD_FAILED,
    MISMATCH,
    NOT_FASTER,
    UNTYPED,
    BuildResult,
    Call,
    Generated,
    Mismatch,
    NType,
    Typing,
    VerifyResult,
)
from hlopt.nativize.options import available_backends

MODULE = '''\
def scale(xs, k):
    out = 0.0
    for x in xs:
        out += x * k
    return out


def gen(n):
    yield n
'''

STAND_IN = '''\
__hlopt__ = {"source_hash": "0", "backend": "cython", "typing": {}}


def _hlopt_bind(pyfunc):
    return lambda *a: ("native", pyfunc(*a))
'''


@dataclass
class FakeMeasurement:
    before: float = 2e-6
    after: float = 1e-7
    speedup: float = 20.0
    ci_low: float | None = 18.0
    ci_high: float | None = 22.0
    significant: bool | None = True
    rounds: int = 6
    calls: int = 3
    notes: list[str] = field(default_factory=list)

    @property
    def faster(self) -> bool:
        return bool(self.significant) and self.speedup > 1


@pytest.fixture
def stages(monkeypatch, tmp_path: Path):
    """Stand-ins for sample, infer, generate, build, verify and measure; returns knobs."""
    from hlopt.nativize import build, infer, measure, sample, verify

    knobs = types.SimpleNamespace(mismatches=[], measurement=FakeMeasurement(),
                                  build_error=None, untyped=False)
    built = tmp_path / "built" / "_hlopt_mod_scale.py"
    built.parent.mkdir()
    built.write_text(STAND_IN)

    def fake_generate(analysis, typing):
        return Generated("cython", "_hlopt_mod_scale", STAND_IN, ".py", "0", ["generated"])

    def fake_build(gen, **kw):
        if knobs.build_error is not None:
            raise knobs.build_error
        return BuildResult(built, gen.module_name, "gcc 12", 0.5, 1234, False, ("-O3",))

    def fake_infer(analysis, calls):
        t = NType("object") if knobs.untyped else NType("list", (NType("float"),))
        return Typing({"xs": t, "k": NType("float")}, NType("float"),
                      reasons=["xs: list[float] (3 recorded calls)"])

    module = types.ModuleType("fake_gen")
    module.generate = fake_generate
    monkeypatch.setitem(sys.modules, "fake_gen", module)
    monkeypatch.setitem(engine.GENERATORS, "cython", "fake_gen")
    monkeypatch.setattr(engine, "validate_backend", lambda o: None)
    monkeypatch.setattr(sample, "record", lambda target, **kw: [Call(([1.0, 2.0], 2.0))] * 3)
    monkeypatch.setattr(infer, "infer", fake_infer)
    monkeypatch.setattr(build, "build", fake_build)
    monkeypatch.setattr(verify, "verify", lambda *a, **kw: VerifyResult(
        3, 200, list(knobs.mismatches), raised=4))
    monkeypatch.setattr(measure, "measure", lambda *a, **kw: knobs.measurement)
    return knobs


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "proj"
    root.mkdir()
    (root / "mod.py").write_text(MODULE)
    return root


def go(project: Path, *specs: str, **kw) -> object:
    return run(Options(targets=specs or ("mod.py:scale",), sample=("scale([1.0], 2.0)",),
                       cwd=project, **kw))


def test_a_passing_dry_run_reports_metrics_notes_and_the_shim_diff(stages, project) -> None:
    report = go(project)
    assert report.exit_code == 0 and report.findings == []
    metrics = {m.name: m for m in report.metrics}
    timing = metrics["scale: time per call"]
    assert (timing.before, timing.after, timing.significant) == (2e-6, 1e-7, True)
    assert timing.ratio == pytest.approx(0.05) and timing.ci == pytest.approx((1 / 22, 1 / 18))
    assert metrics["scale: inputs verified"].after == 203
    assert metrics["scale: mismatches"].after == 0
    assert metrics["scale: extension size"].after == 1234
    assert "typed xs: list[float] (3 recorded calls)" in report.notes
    assert any("20.00x faster per call (95% CI 18.00x to 22.00x)" in n for n in report.notes)
    assert "+# hlopt nativize: begin scale" in report.diff
    assert (project / "mod.py").read_text() == MODULE


def test_apply_installs_and_lists_the_artifacts(stages, project) -> None:
    report = go(project, apply=True)
    assert report.exit_code == 0 and report.diff == ""
    assert {a.kind for a in report.artifacts} == {"extension", "generated-source", "c-source"}
    assert "# hlopt nativize: end scale" in (project / "mod.py").read_text()
    assert (project / "_hlopt_mod_scale.py").is_file()
    reverted = run(Options(targets=("mod.py:scale",), revert=True, cwd=project))
    assert (project / "mod.py").read_text() == MODULE
    assert any("restored byte for byte" in n for n in reverted.notes)


def test_a_refused_function_stops_before_building(stages, project) -> None:
    report = go(project, "mod.py:gen", apply=True)
    [finding] = report.findings
    assert finding.code == "HLN001" and finding.line == 9
    assert report.exit_code == 1 and report.metrics == []
    assert (project / "mod.py").read_text() == MODULE


def test_a_build_error_carries_the_compilers_message(stages, project) -> None:
    from hlopt.nativize.build import BuildError

    stages.build_error = BuildError("Cython rejected the generated source of _hlopt_mod_scale",
                                    output="_hlopt_mod_scale.py:3:4: Expected ')'")
    report = go(project, apply=True)
    [finding] = report.findings
    assert finding.code == BUILD_FAILED and "Expected ')'" in finding.message
    assert "mod.py was left untouched" in finding.message
    assert finding.data["output"] == "_hlopt_mod_scale.py:3:4: Expected ')'"
    assert (project / "mod.py").read_text() == MODULE


def test_a_mismatch_is_an_error_with_the_input_and_nothing_is_installed(stages, project) -> None:
    stages.mismatches = [Mismatch("scale([1e308, 1e308], 10.0)", "returned inf",
                                  "raised OverflowError")]
    report = go(project, apply=True)
    [finding] = report.findings
    assert finding.code == MISMATCH and "scale([1e308, 1e308], 10.0)" in finding.message
    assert finding.data["native"] == "raised OverflowError"
    assert report.exit_code == 1 and (project / "mod.py").read_text() == MODULE


def test_not_faster_is_a_warning_and_nothing_is_installed(stages, project) -> None:
    stages.measurement = FakeMeasurement(after=2.1e-6, speedup=0.95, ci_low=0.9,
                                         ci_high=1.02, significant=False)
    report = go(project, apply=True)
    [finding] = report.findings
    assert finding.code == NOT_FASTER and "0.95x" in finding.message
    assert report.exit_code == 1 and (project / "mod.py").read_text() == MODULE
    assert any("1.05x slower per call" in n for n in report.notes)


def test_an_untyped_parameter_is_advice_only(stages, project) -> None:
    stages.untyped = True
    report = go(project)
    assert [f.code for f in report.findings] == [UNTYPED]
    assert report.exit_code == 0


def test_option_combinations_are_checked() -> None:
    for kw, text in (({"apply": True, "check": True}, "--apply and --check"),
                     ({}, "nothing to nativize"),
                     ({"targets": ("a.py:f",), "examples": -1}, "--examples -1"),
                     ({"targets": ("a.py:f",), "rounds": 1}, "--rounds 1"),
                     ({"check": True, "from_profile": Path("p.json")}, "not --from-profile")):
        with pytest.raises(UsageError, match=text):
            run(Options(**kw))


def test_only_installed_backends_are_accepted(project) -> None:
    with pytest.raises(UsageError) as err:
        run(Options(targets=("mod.py:scale",), backend="rust", cwd=project))
    assert "'rust' is not known" in err.value.message and ", ".join(available_backends()) in err.value.hint


def test_the_profiled_program_is_made_runnable() -> None:
    cwd = Path("/work/app")
    assert engine.program(["app.py", "-n", "3"], cwd) == [sys.executable, "/work/app/app.py",
                                                          "-n", "3"]
    assert engine.program(["-m", "pkg"], cwd) == [sys.executable, "-m", "pkg"]
    assert engine.program(["pytest", "-q"], cwd) == ["pytest", "-q"]
