"""Value specs: tuned's >N / <N, exact values, vectors and ranges."""

from __future__ import annotations

import pytest

from hlopt.sysctl.values import EXACT, LOWER, RAISE, WIDEN, Spec, meets, normalize, same, target


@pytest.mark.parametrize(("text", "kind", "mode", "value"), [
    (">65535", "int", RAISE, "65535"),
    ("<30", "int", LOWER, "30"),
    ("1", "int", EXACT, "1"),
    (">4096  131072\t16777216", "ints", RAISE, "4096 131072 16777216"),
    ("10000 65535", "range", WIDEN, "10000 65535"),
    ("bbr", "word", EXACT, "bbr"),
])
def test_parse(text: str, kind: str, mode: str, value: str) -> None:
    assert Spec.parse(text, kind) == Spec(mode, value)


def test_display() -> None:
    assert Spec(RAISE, "65535").display() == ">= 65535"
    assert Spec(LOWER, "30").display() == "<= 30"
    assert Spec(EXACT, "fq").display() == "= fq"
    assert Spec(WIDEN, "10000 65535").display() == "10000-65535 or wider"


def test_raise_only_meets_when_higher_and_never_lowers() -> None:
    spec = Spec.parse(">65535", "int")
    assert meets(spec, "65535", "int") and meets(spec, "100000", "int")
    assert not meets(spec, "4096", "int")
    assert target(spec, "4096", "int") == "65535"
    assert target(spec, "100000", "int") == "100000"  # an admin's higher value stays


def test_lower_only_never_raises() -> None:
    spec = Spec.parse("<30", "int")
    assert meets(spec, "10", "int") and not meets(spec, "60", "int")
    assert target(spec, "60", "int") == "30"
    assert target(spec, "10", "int") == "10"


def test_vectors_compare_and_raise_element_wise() -> None:
    spec = Spec.parse(">4096 131072 16777216", "ints")
    assert meets(spec, "4096\t131072\t33554432", "ints")
    assert not meets(spec, "4096 16384 4194304", "ints")
    # the admin's larger maximum is kept, the smaller default raised
    assert target(spec, "8192 16384 33554432", "ints") == "8192 131072 33554432"


def test_range_only_widens() -> None:
    spec = Spec.parse("10000 65535", "range")
    assert meets(spec, "1024 65535", "range")
    assert not meets(spec, "32768 60999", "range")
    assert target(spec, "32768 60999", "range") == "10000 65535"
    assert target(spec, "1024 61000", "range") == "1024 65535"


def test_exact_and_words() -> None:
    assert meets(Spec.parse("1", "int"), "1", "int")
    assert not meets(Spec.parse("1", "int"), "2", "int")
    assert target(Spec.parse("1", "int"), "2", "int") == "1"
    assert meets(Spec.parse("bbr", "word"), "bbr", "word")
    assert not meets(Spec.parse("bbr", "word"), "cubic", "word")
    assert target(Spec.parse("bbr", "word"), "cubic", "word") == "bbr"


def test_unparseable_values_never_meet_a_numeric_spec() -> None:
    assert not meets(Spec.parse(">10", "int"), "garbage", "int")
    assert not meets(Spec.parse(">1 2 3", "ints"), "1 2", "ints")
    assert target(Spec.parse(">10", "int"), "garbage", "int") == "10"


def test_normalize_and_same() -> None:
    assert normalize(" 4096\t131072 \n") == "4096 131072"
    assert same("1\t2", "1 2") and not same("1", None) and same(None, None)
