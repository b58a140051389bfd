# flags: --unsafe-fixes
"""Private classes nothing mentions are dead, with everything inside them."""


class _Unused:  # expect: HLD002
    def _method_inside(self):
        return 1


class _Used:
    pass


class _Sub(_Used):  # expect: HLD002
    pass


class PublicApi:
    pass


def make():
    class LocalNeverUsed:  # expect: HLD002
        pass

    return _Used()
# output
# flags: --unsafe-fixes
"""Private classes nothing mentions are dead, with everything inside them."""


class _Used:
    pass


class PublicApi:
    pass


def make():
    return _Used()
