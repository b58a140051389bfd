import hypothesis  # expect: HLE002
import pytest

from app.main import load


def test_load() -> None:
    assert hypothesis and pytest and load
