"""Nothing here is reported: methods used, API, overriding, tests or dispatched by name."""
import abc
import ast
import typing
import unittest


class Base:
    def public_method(self):  # API of a library
        return 1

    def _hook(self):  # overridden below: a call on a Base may reach either
        return None

    def _dispatch(self, kind):
        return getattr(self, "_on_" + kind)()

    def _on_start(self):  # reached through the "_on_" prefix
        return 2

    @property
    def _size(self):
        return 3

    @_size.setter
    def _size(self, value):
        pass

    def __repr__(self):
        return "Base()"

    def _missing_(self):  # sunder: a protocol hook (Enum, ctypes)
        return None


class Derived(Base):
    def _hook(self):
        return 4


class Visitor(ast.NodeVisitor):  # a base outside the tree
    def _private_helper_of_external_base(self):
        return 5

    def visit_Name(self, node):
        return node


class Mapping(dict):
    def __missing__(self, key):
        return key


class Cases(unittest.TestCase):
    def setUp(self):
        pass

    def test_one(self):
        self.assertTrue(Base()._dispatch("start"))


class Shell:
    def do_quit(self, arg):  # cmd.Cmd-style dispatch by name
        return True

    def handle_event(self, event):
        return event


class Template(abc.ABC):
    @abc.abstractmethod
    def _step(self):
        raise NotImplementedError


class SupportsClose(typing.Protocol):
    def _close_quietly(self) -> None: ...


class Registry:
    @typing.overload
    def _get(self, key: int) -> int: ...

    @typing.overload
    def _get(self, key: str) -> str: ...

    def _get(self, key):
        return key

    def lookup(self, key):
        return self._get(key)
