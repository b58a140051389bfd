"""Helpers of the application; public names here are not API."""
import unittest

__all__ = ["exported_by_all"]
USED_CONSTANT = 2
UNUSED_CONSTANT = 1  # expect: HLD004


def helper(*values):
    return values


def exported_by_all():
    return 1


def unused_public_helper():  # expect: HLD001
    return 2


def test_collected_by_pytest():
    assert helper()


def pytest_configure(config):
    return config


class Widget:
    def render(self):
        return "widget"

    def unused_public_method(self):  # expect: HLD003
        return None

    def visit_Node(self, node):
        return node

    def do_quit(self, arg):
        return arg


class UnusedPublicClass:  # expect: HLD002
    pass


class WidgetTests(unittest.TestCase):
    def test_render(self):
        self.assertEqual(Widget().render(), "widget")
# output
"""Helpers of the application; public names here are not API."""
import unittest

__all__ = ["exported_by_all"]
USED_CONSTANT = 2


def helper(*values):
    return values


def exported_by_all():
    return 1


def test_collected_by_pytest():
    assert helper()


def pytest_configure(config):
    return config


class Widget:
    def render(self):
        return "widget"

    def visit_Node(self, node):
        return node

    def do_quit(self, arg):
        return arg


class WidgetTests(unittest.TestCase):
    def test_render(self):
        self.assertEqual(Widget().render(), "widget")
