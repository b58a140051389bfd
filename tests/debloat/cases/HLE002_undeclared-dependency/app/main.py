from __future__ import annotations

import json
import os.path
from typing import TYPE_CHECKING

import rich
import yaml  # expect: HLE002
from yaml import safe_load

import app.util
from app.util import double

from . import util

try:
    import ujson
except ImportError:
    ujson = None

if TYPE_CHECKING:
    import numpy


def load(path: str) -> object:
    with open(os.path.join(path)) as fh:
        text = fh.read()
    rich.print(double(1), app.util.double(2), util.double(3), ujson, yaml.__name__)
    return safe_load(text) if text else json.loads("{}")


def total(values: numpy.ndarray) -> float:
    from hlopt_test_not_installed_anywhere import summed  # expect: HLE002

    return summed(values)
