import hypothesis
import pytest

from app.check import approx


def test_approx() -> None:
    assert approx(1.0) == 1.0 and hypothesis and pytest
