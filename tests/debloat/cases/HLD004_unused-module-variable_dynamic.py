"""A module that reads its globals by computed name has no module-level name reported."""

_SETTING_A = 1
_SETTING_B = 2


def _reached_through_globals():
    return 3


def setting(name):
    return globals()["_SETTING_" + name]


def __getattr__(name):
    raise AttributeError(name)
