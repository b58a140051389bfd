# flags: --entry pkg.main --unsafe-fixes
"""The entry point: what the application needs is reached from here."""
from pkg.lib import USED_CONSTANT, Widget, helper


def main():
    return helper(Widget().render(), USED_CONSTANT)


def unused_public():  # expect: HLD001
    return 0


if __name__ == "__main__":
    main()
# output
# flags: --entry pkg.main --unsafe-fixes
"""The entry point: what the application needs is reached from here."""
from pkg.lib import USED_CONSTANT, Widget, helper


def main():
    return helper(Widget().render(), USED_CONSTANT)


if __name__ == "__main__":
    main()
