"""The hand-written C of the bench (bench/kernels/c/): one per kernel inside the C/Zig
subset, built with the machine's cc, equal to CPython on every input of its kernel."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
from _backend_cases import load_module

pytestmark = pytest.mark.native
KERNELS = Path(__file__).resolve().parents[2] / "bench" / "kernels"


sys.path.insert(0, str(KERNELS.parent))  # _hlopt_side imports kernels._sides
sides = load_module(KERNELS / "_sides.py", "kernels._sides", register=True)
hlopt_side = load_module(KERNELS / "_hlopt_side.py", "kernels._hlopt_side", register=True)
HAND = sorted(p.stem for p in (KERNELS / "c").glob("k*.c"))


def _kernel(stem: str):
    module = load_module(KERNELS / f"{stem}.py", f"_test_handc_{stem}", register=True)
    return module, module.__all__[0]


def test_every_kernel_inside_the_subset_has_hand_written_c_and_no_other() -> None:
    inside = []
    for stem in sides.kernel_names():
        _, func = _kernel(stem)
        why = hlopt_side.subset_refusal(stem, func)
        assert not why.startswith("could not check"), why
        if not why:
            inside.append(stem)
    assert inside == HAND
    assert len(HAND) >= 8


@pytest.mark.skipif(shutil.which("cc") is None and shutil.which("gcc") is None,
                    reason="no C compiler on PATH")
@pytest.mark.parametrize("stem", HAND)
def test_hand_written_c_returns_what_cpython_returns(stem: str) -> None:
    module, func = _kernel(stem)
    native, why = sides.build_handc(stem, func)
    assert native is not None, why
    assert type(native).__name__ == "builtin_function_or_method"
    python = getattr(module, func)
    for args in module.inputs():
        want, got = sides.outcome(python, args), sides.outcome(native, args)
        assert sides.describe_diff(want, got) == "", (stem, args)


def test_a_kernel_without_hand_written_c_says_why() -> None:
    native, why = sides.build_handc("k07_wordcount", "word_count")
    assert native is None and "outside the C/Zig subset" in why
