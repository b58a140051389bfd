# flags: --unsafe-fixes
"""Private functions nothing mentions are dead; so are unused nested functions."""


def _unused_helper(value):  # expect: HLD001
    return value * 2


def _used_helper(value):
    return value + 1


def public_api(value):
    def inner_never_called():  # expect: HLD001
        return value

    return _used_helper(value)


if public_api:
    def _conditional_twin():  # expect: HLD001
        return 1
# output
# flags: --unsafe-fixes
"""Private functions nothing mentions are dead; so are unused nested functions."""


def _used_helper(value):
    return value + 1


def public_api(value):
    return _used_helper(value)


if public_api:
    pass
