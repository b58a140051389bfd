"""Nothing here is reported: classes used, API, tests, or found through a base."""
import ast
import contextlib
import dataclasses
import enum
import unittest


class PublicApi:
    pass


class _UsedAsBase:
    pass


class _Child(_UsedAsBase, ast.NodeVisitor):  # a base outside the tree: a framework may find it
    pass


class _Plugin:
    registry = []

    def __init_subclass__(cls):
        _Plugin.registry.append(cls)


class _RegisteredPlugin(_Plugin):  # registers itself when defined
    pass


class _Suite(unittest.TestCase):  # test loaders find TestCase subclasses by type
    def test_it(self):
        pass


class TestThings:
    def test_more(self):
        pass


@dataclasses.dataclass
class _Point:
    x: int
    y: int = 0


class _Color(enum.Enum):
    RED = 1


@register
class _Registered:
    pass


register = None
ORIGIN = _Point(0)
PALETTE = list(_Color)


def test_bad_bases_fail():
    with contextlib.suppress(TypeError):
        class _Bad(int, str):  # defining it is the test
            pass
