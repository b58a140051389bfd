"""Rules of the HLM family: mutants the tests did not notice, and each function's score."""

from __future__ import annotations

from hlopt.core.rules import Rule, register

_REFS = ("- docs/mutate.md\n- mutmut: https://mutmut.readthedocs.io/\n"
         "- Jia and Harman, An Analysis and Survey of the Development of Mutation Testing "
         "(IEEE TSE, 2011)")


def _doc(what: str, why: str, example: str, instead: str, safety: str) -> str:
    return (
        f"## What it does\n{what}\n\n## Why is this bad?\n{why}\n\n"
        f"## Example\n```python\n{example}\n```\n\n## Use instead\n{instead}\n\n"
        f"## Fix safety\n{safety}\n\n## References\n{_REFS}\n"
    )


SURVIVED = Rule(
    code="HLM001",
    name="surviving-mutant",
    summary="A small change to the code did not make any test fail",
    command="mutate",
    doc=_doc(
        "Reports a mutant that survived: `hlopt mutate` changed one operator, constant, "
        "condition, argument or return value in a function, ran every test that executes "
        "that function, and they all passed. The finding's `data.diff` is the change.",
        "The tests would not notice if the code were wrong in exactly this way, so they "
        "cannot be trusted to catch a rewrite (nativize, an unsafe debloat fix) that "
        "breaks it the same way.",
        "def clamp(x, hi):\n    return x if x < hi else hi   # `<` -> `<=` survives:\n"
        "                                   # no test calls clamp(hi, hi)",
        "Add a test that the change would fail (here `assert clamp(3, 3) == 3` still "
        "passes, so test the boundary on both sides); or, when the mutant is equivalent "
        "to the original (no input tells them apart), mark the line `# pragma: no mutate`.",
        "There is no automatic fix: the fix is a new test.",
    ),
)
UNTESTED = Rule(
    code="HLM002",
    name="untested-function",
    summary="No test executes this function, so none of its mutants can be killed",
    command="mutate",
    doc=_doc(
        "Reports a function that the clean test run never executed; its mutants are "
        "counted as `no-tests` (undetected) without running anything.",
        "Code that no test runs can be changed in any way without a test failing.",
        "def parse_legacy(line):   # only called by a script the tests never import\n"
        "    ...",
        "Write a test that calls it, or delete it if it is dead (`hlopt debloat`).",
        "There is no automatic fix.",
    ),
)
FUNCTION_SCORE = Rule(
    code="HLM003",
    name="function-mutation-score",
    summary="The mutation score of one function (advice; never fails a run)",
    command="mutate",
    doc=_doc(
        "Reports, for every function that had mutants, how many the tests detected "
        "(killed or timed out) out of how many were made. `data.outcomes` maps each "
        "mutant id to its outcome, which is what `hlopt mutate merge` combines.",
        "A low score marks the functions whose tests are weakest: the first to "
        "strengthen before a rewrite.",
        "toolz/itertoolz.py:418: HLM003 `get`: 21 of 27 mutants detected (77.8%)",
        "Read the function's HLM001 findings and add the tests they call for.",
        "There is no automatic fix; this finding is information (severity info).",
    ),
)

register(SURVIVED, UNTESTED, FUNCTION_SCORE)
