"""bench.stats: robust summaries, paired and unpaired ratio estimates, the verdict rules."""

from __future__ import annotations

import math
import random

import pytest

from hlopt.bench import parse_fraction
from hlopt.bench.stats import (
    mad,
    mann_whitney,
    median,
    paired_ratio,
    quantile,
    sign_test,
    summarize,
    unpaired_ratio,
    verdict,
)
from hlopt.core.errors import UsageError


def test_median_quantile_mad() -> None:
    assert median([3, 1, 2]) == 2
    assert median([4, 1, 2, 3]) == 2.5
    assert quantile([1, 2, 3, 4, 5], 0.25) == 2
    assert quantile([1, 2, 3, 4], 0.5) == 2.5
    assert mad([1, 2, 3, 4, 100]) == 1
    s = summarize([5.0, 1.0, 3.0])
    assert (s.n, s.median, s.min, s.max) == (3, 3.0, 1.0, 5.0)
    with pytest.raises(ValueError):
        median([])


def test_sign_test_exact_values() -> None:
    assert sign_test([1.0] * 6) == pytest.approx(2 / 64)
    assert sign_test([1.0] * 5) == pytest.approx(2 / 32)
    assert sign_test([1.0, -1.0]) == 1.0
    assert sign_test([0.0, 0.0]) == 1.0  # ties carry no sign


def test_mann_whitney_separated_and_identical() -> None:
    assert mann_whitney(list(range(10)), list(range(100, 110))) < 0.001
    assert mann_whitney([1.0] * 6, [1.0] * 6) == 1.0
    assert mann_whitney([1, 2, 3, 4], [1, 2, 3, 4]) > 0.5


def test_identical_counts_give_a_point_interval_and_no_difference() -> None:
    est = paired_ratio([560800.7] * 3, [560800.7] * 3, floor=0.001)
    assert est.ratio == 1.0 and est.ci == (1.0, 1.0)
    assert est.verdict == "same" and est.significant is False


def test_exact_ten_percent_more_instructions_is_significant_with_few_rounds() -> None:
    est = paired_ratio([1000.0] * 2, [1100.0] * 2, floor=0.001)
    assert est.ratio == pytest.approx(1.1) and est.verdict == "slower"


def test_noisy_pairs_need_the_sign_test() -> None:
    # five rounds all slower: the sign test cannot reach 0.05 (p = 1/16)
    est = paired_ratio([1.0] * 5, [1.2, 1.25, 1.3, 1.22, 1.21], floor=0.01)
    assert est.verdict == "same" and est.p_value == pytest.approx(0.0625)


def test_paired_slowdown_detected_through_drift() -> None:
    rng = random.Random(1)
    drift = [1 + i / 10 for i in range(20)]  # the machine gets 3x slower during the run
    before = [d * rng.uniform(0.99, 1.01) for d in drift]
    after = [d * 1.1 * rng.uniform(0.99, 1.01) for d in drift]
    est = paired_ratio(before, after, floor=0.01)
    assert est.verdict == "slower"
    assert est.ci is not None and est.ci[0] < 1.1 < est.ci[1]
    # the unpaired view of the same samples cannot see it through the drift
    assert unpaired_ratio(before, after, floor=0.01).verdict == "same"


def test_a_against_a_noise_is_no_significant_difference() -> None:
    rng = random.Random(7)
    before = [rng.gauss(1.0, 0.03) for _ in range(20)]
    after = [rng.gauss(1.0, 0.03) for _ in range(20)]
    est = paired_ratio(before, after, floor=0.01)
    assert est.verdict == "same" and est.ci is not None and est.ci[0] < 1 < est.ci[1]


def test_effect_below_noise_floor_is_not_significant() -> None:
    est = paired_ratio([100.0] * 6, [100.5] * 6, floor=0.01)
    assert est.ci == pytest.approx((1.005, 1.005)) and est.verdict == "same"


def test_bootstrap_is_reproducible() -> None:
    rng = random.Random(3)
    before = [rng.uniform(1, 2) for _ in range(12)]
    after = [v * rng.uniform(1.0, 1.3) for v in before]
    assert paired_ratio(before, after, floor=0.01) == paired_ratio(before, after, floor=0.01)


def test_zero_readings_leave_no_ratio() -> None:
    est = paired_ratio([0.0, 0.0], [0.001, 0.0], floor=0.01)
    assert est.ci is None and est.verdict == "inconclusive" and est.significant is None
    assert math.isnan(unpaired_ratio([0.0], [1.0], floor=0.01).ratio)


def test_unpaired_baseline_comparison() -> None:
    est = unpaired_ratio([10.0 + i / 100 for i in range(8)], [20.0 + i / 100 for i in range(8)],
                         floor=0.01)
    assert est.ratio == pytest.approx(2.0, rel=0.01) and est.verdict == "slower"
    single = unpaired_ratio([10.0], [11.0], floor=0.01)
    assert single.ci is None and single.verdict == "inconclusive"


def test_verdict_rules() -> None:
    assert verdict(1.1, (1.05, 1.15), 0.01) == "slower"
    assert verdict(0.9, (0.85, 0.95), 0.01) == "faster"
    assert verdict(1.1, (0.99, 1.2), 0.01) == "same"
    assert verdict(1.005, (1.001, 1.009), 0.01) == "same"
    assert verdict(1.1, None, 0.01) == "inconclusive"


@pytest.mark.parametrize(("text", "value"), [("5%", 0.05), ("5", 0.05), ("0.05", 0.05),
                                             ("12.5%", 0.125), ("0%", 0.0)])
def test_parse_fraction(text: str, value: float) -> None:
    assert parse_fraction(text, "--fail-if-slower") == pytest.approx(value)


@pytest.mark.parametrize("text", ["five", "-5%", "5000%"])
def test_parse_fraction_rejects(text: str) -> None:
    with pytest.raises(UsageError):
        parse_fraction(text, "--fail-if-slower")
