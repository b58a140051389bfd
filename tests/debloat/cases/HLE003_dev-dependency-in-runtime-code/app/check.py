import rich

import pytest  # expect: HLE003
import ruff  # expect: HLE003
from setuptools import setup  # expect: HLE003

try:
    import hypothesis
except ImportError:
    hypothesis = None


def approx(x: float) -> object:
    rich.print(ruff, setup, hypothesis)
    return pytest.approx(x)
