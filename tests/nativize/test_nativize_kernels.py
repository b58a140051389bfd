"""The bench kernels (bench/kernels/) through hlopt's generated and built extensions.

Each kernel is plain, unannotated Python; hlopt types it from the calls recorded while
its ``inputs()`` run, generates the Cython source, builds it, binds it to the Python
function, and the native function must give the same results on every input (floats bit
for bit, same exception types). The fast tests check the kernels themselves: no
annotations in the main file, an annotated copy (for mypyc) that computes the same.
"""

from __future__ import annotations

import ast
import shutil
from pathlib import Path

import pytest
from _backend_cases import load_module

REPO = Path(__file__).resolve().parents[2]
KERNELS = REPO / "bench" / "kernels"


sides = load_module(KERNELS / "_sides.py", "_test_kernels_sides", register=True)
STEMS = sides.kernel_names()


def _kernel(stem: str):
    module = load_module(KERNELS / f"{stem}.py", f"_test_kernel_{stem}", register=True)
    return module, module.__all__[0]


def test_there_are_at_least_ten_kernels() -> None:
    assert len(STEMS) >= 10, STEMS


@pytest.mark.parametrize("stem", STEMS)
def test_kernel_is_unannotated_python_with_inputs(stem: str) -> None:
    tree = ast.parse((KERNELS / f"{stem}.py").read_text(encoding="utf-8"))
    module, func = _kernel(stem)
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef):
            args = node.args.posonlyargs + node.args.args + node.args.kwonlyargs
            assert node.returns is None and all(a.annotation is None for a in args), node.name
        assert not isinstance(node, ast.AnnAssign)
    inputs = module.inputs()
    assert len(inputs) >= 3 and all(isinstance(a, tuple) for a in inputs)
    assert callable(getattr(module, func))


@pytest.mark.parametrize("stem", STEMS)
def test_typed_copy_computes_the_same(stem: str) -> None:
    module, func = _kernel(stem)
    typed = load_module(KERNELS / "typed" / f"{stem}.py", f"_test_typed_{stem}", register=True)
    for args in module.inputs():
        want = sides.outcome(getattr(module, func), args)
        got = sides.outcome(getattr(typed, func), args)
        assert not sides.describe_diff(want, got), (args, sides.describe_diff(want, got))


def test_same_compares_floats_by_their_bits() -> None:
    assert sides.same([0.0, float("nan")], [0.0, float("nan")])
    assert not sides.same(0.0, -0.0)
    assert not sides.same(1, 1.0) and not sides.same(True, 1)
    assert not sides.same({"a": 1, "b": 2}, {"b": 2, "a": 1})  # dict order shows


# --- through hlopt ----------------------------------------------------------------------

@pytest.mark.slow
@pytest.mark.native
@pytest.mark.parametrize("stem", STEMS)
def test_kernel_nativized_equals_python(stem: str, tmp_path: Path) -> None:
    """Built in hlopt's own content-addressed cache (reruns reuse the builds)."""
    from hlopt.nativize import analyse, build, cython_gen, infer, sample, select

    if shutil.which("cc") is None and shutil.which("gcc") is None:
        pytest.importorskip("ziglang", reason="no C compiler and no ziglang package")
    module, func = _kernel(stem)
    shutil.copy2(KERNELS / f"{stem}.py", tmp_path / f"{stem}.py")
    target = select.resolve(f"{stem}.py:{func}", tmp_path)
    analysis = analyse.analyse(target)
    assert not analysis.refusals, analysis.refusals
    # the small inputs only (recording under the tracer is slow on the benchmark input)
    calls = sample.record(target, expr=f"[{func}(*args) for args in inputs()[1:]]")
    assert len(calls) == len(module.inputs()) - 1
    typing = infer.infer(analysis, calls)
    built = build.build(cython_gen.generate(analysis, typing), cache_dir=None)
    copy = load_module(tmp_path / f"{stem}.py", f"_test_copy_{stem}", register=True)
    native = build.load(built)._hlopt_bind(getattr(copy, func))
    assert native is not getattr(copy, func)
    for args in module.inputs():
        want = sides.outcome(getattr(module, func), args)
        got = sides.outcome(native, args)
        assert not sides.describe_diff(want, got), (args, sides.describe_diff(want, got))
