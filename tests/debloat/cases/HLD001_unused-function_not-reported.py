"""Nothing here is reported: every function is used, API, or reached by a framework."""
import functools


def public_function():  # a library's public names are its API
    return 1


def _called_by_name():
    return 2


def _looked_up_by_string():
    return 3


def _listed_in_all():
    return 4


def _handler_get(request):
    return request


def _built_name_foo():
    return 5


def _recursive(n):
    return _recursive(n - 1) if n else 0


@functools.lru_cache(maxsize=None)
def _cached_and_used():
    return 6


@some_registry.register
def _registered_by_decorator():
    return 7


@app.route("/")
def _route():
    return 8


def test_something():
    assert _called_by_name() == 2


def setUpModule():
    pass


def load_tests(loader, tests, pattern):
    return tests


some_registry = app = None
__all__ = ["public_function", "_listed_in_all"]
HANDLERS = {"get": "_handler_get"}
value = getattr(__import__(__name__), "_looked_up_by_string")
suffix = "foo"
built = "_built_name_" + suffix
cached = _cached_and_used()
