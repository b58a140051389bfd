"""Rules of the HLB family: the verdicts of ``hlopt bench`` (slower, faster, no difference)."""

from __future__ import annotations

from textwrap import dedent

from hlopt.core.rules import Rule, register

_REFS = """\
- docs/bench.md (the statistical method, the exit codes and the JSON fields)
- pyperf `compare_to` and `timeit`; pytest-benchmark `--benchmark-compare-fail`;
  hyperfine; CodSpeed (instruction counts under valgrind)
- T. Kalibera, R. Jones, "Rigorous Benchmarking in Reasonable Time" (ISMM 2013)
- T. Mytkowicz et al., "Producing Wrong Data Without Doing Anything Obviously Wrong!"
  (ASPLOS 2009): why each round gets a fresh process and its own hash seed"""

_NO_FIX = ("There is no automatic fix: a verdict describes a measurement, and hlopt never "
           "changes code because of it.")


def _doc(what: str, why: str, example: str, instead: str) -> str:
    return (
        f"## What it does\n{dedent(what).strip()}\n\n"
        f"## Why is this bad?\n{dedent(why).strip()}\n\n"
        f"## Example\n```console\n{dedent(example).strip()}\n```\n\n"
        f"## Use instead\n```console\n{dedent(instead).strip()}\n```\n\n"
        f"## Fix safety\n{_NO_FIX}\n\n## References\n{_REFS}\n"
    )


SIGNIFICANT_REGRESSION = Rule(
    code="HLB001",
    name="significant-regression",
    summary="The after side is significantly slower (or uses more memory) than the before",
    command="bench",
    doc=_doc(
        """
        Reports a benchmark metric whose after/before ratio is significantly above 1.0:
        the 95% confidence interval of the ratio lies above 1.0, the sign test of the
        per-round ratios agrees (p < 0.05; Mann-Whitney for a saved baseline) and the
        ratio exceeds the metric's noise floor (1% for times and RSS, 0.1% for
        instruction counts, or `--noise-floor`). It is a warning, and the run exits 1,
        when `--fail-if-slower` is given and a speed metric (wall, CPU, instructions) is
        slower by more than that threshold; otherwise it is information (exit 0): a
        measurement is not a failure unless a gate says so.
        """,
        """
        A change that makes hot code slower, or makes it hold more memory, costs every
        request that runs it. Found in review or CI it is cheap to undo; found in
        production it is an incident.
        """,
        """
        $ hlopt bench app.parse:parse_row --stmt 'parse_row(LINE)' \\
            --setup 'LINE = "a,b,c" * 100' --ref main --fail-if-slower 5%
        app/parse.py:12: HLB001 app.parse:parse_row: 12.3% slower in wall time (ratio 1.123 ...)
        """,
        """
        # find what made it slower, then measure again
        $ hlopt profile app/parse.py
        $ hlopt bench app.parse:parse_row --stmt 'parse_row(LINE)' ... --ref main
        """,
    ),
)

SIGNIFICANT_IMPROVEMENT = Rule(
    code="HLB002",
    name="significant-improvement",
    summary="The after side is significantly faster (or uses less memory) than the before",
    command="bench",
    doc=_doc(
        """
        Reports a benchmark metric whose after/before ratio is significantly below 1.0
        (the same three tests as HLB001, mirrored). Always information (exit 0).
        """,
        """
        Nothing is wrong: this is the evidence that an optimisation works, with the
        size of the gain and its confidence interval, to quote in a commit message or
        a pull request instead of a single timing.
        """,
        """
        $ hlopt bench app.fast:parse_row --against app.native:parse_row --stmt 'parse_row(L)'
        app/fast.py:3: HLB002 app.fast:parse_row -> app.native:parse_row: 61.0% faster in wall time ...
        """,
        """
        # keep the result as the baseline of the next change
        $ hlopt bench app.native:parse_row --stmt 'parse_row(L)' --save bench/parse.json
        """,
    ),
)

NO_SIGNIFICANT_DIFFERENCE = Rule(
    code="HLB003",
    name="difference-within-noise",
    summary="The measurements cannot tell the before and after apart",
    command="bench",
    doc=_doc(
        """
        Reports a benchmark metric where no difference could be shown: the confidence
        interval of the ratio contains 1.0, or the sign test (Mann-Whitney for a saved
        baseline) does not reach p < 0.05, or the ratio is within the noise floor. The
        message says which. Information (exit 0).
        """,
        """
        "No significant difference" is a result, not a failure: it says that any effect
        is smaller than what this machine can measure with these rounds. Quoting the raw
        ratio instead (say 0.98, "2% faster") would report noise as an improvement.
        """,
        """
        $ hlopt bench app.parse:parse_row --stmt 'parse_row(LINE)' --ref main --rounds 6
        app/parse.py:12: HLB003 app.parse:parse_row: no significant difference in wall time (... ratio 0.987, 95% CI [0.951, 1.030]; the interval contains 1.0)
        """,
        """
        # more rounds, or a metric that does not depend on machine noise
        $ hlopt bench app.parse:parse_row --stmt 'parse_row(LINE)' --ref main \\
            --rounds 30 --metric wall --metric instructions
        """,
    ),
)

MEASUREMENT_ONLY = Rule(
    code="HLB004",
    name="measurement-without-baseline",
    summary="A benchmark was measured with nothing to compare it against",
    command="bench",
    doc=_doc(
        """
        Reports the median and spread of a benchmark that was measured on its own (no
        `--against`, `--baseline` or `--ref`). The finding's `data` holds every round's
        sample, so the report saved with `--save` is a baseline for the next run.
        Information (exit 0).
        """,
        """
        A single timing says little about a change: the same code measured again on the
        same machine differs by a few percent. Only a comparison, run in interleaved
        rounds, can say whether a change made things faster.
        """,
        """
        $ hlopt bench app.parse:parse_row --stmt 'parse_row(LINE)' --setup '...'
        app/parse.py:12: HLB004 app.parse:parse_row: wall time 12.4 us (median of 20 rounds, MAD 0.3%)
        """,
        """
        $ hlopt bench app.parse:parse_row --stmt 'parse_row(LINE)' --setup '...' --ref main
        """,
    ),
)

NOISY_MEASUREMENT = Rule(
    code="HLB005",
    name="noisy-measurement",
    summary="Rounds of this benchmark differ by more than 5% from one another",
    command="bench",
    doc=_doc(
        """
        Reports a time metric whose rounds vary by more than 5% (the median absolute
        deviation of the per-round ratios, or of the samples when there is one side,
        relative to the median). Information (exit 0).
        """,
        """
        On a noisy machine a real difference of a few percent cannot be seen: the
        comparison will say "no significant difference" for changes that matter.
        Common causes: other work on the machine (CI runners share cores), CPU
        frequency scaling, a benchmark that does I/O, or one that is too short.
        """,
        """
        $ hlopt bench app.io:load --stmt 'load("data.csv")' --ref main
        app/io.py:40: HLB005 app.io:load: wall time varies by 9.2% between rounds; ...
        """,
        """
        # count instructions (valgrind), which machine load does not change
        $ hlopt bench app.io:load --stmt 'load("data.csv")' --ref main --metric instructions
        """,
    ),
)

register(SIGNIFICANT_REGRESSION, SIGNIFICANT_IMPROVEMENT, NO_SIGNIFICANT_DIFFERENCE,
         MEASUREMENT_ONLY, NOISY_MEASUREMENT)
