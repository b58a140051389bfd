# flags: --unsafe-fixes
"""Statements after an exit never run."""


def total(items):
    return sum(items)
    print("computed")  # expect: HLD005
    items.clear()


def first(items):
    for item in items:
        if item:
            break
            print(item)  # expect: HLD005
        else:
            continue
            print("skipped")  # expect: HLD005
    raise LookupError("none"); print("never")  # expect: HLD005


def sign(x):
    if x > 0:
        return 1
    else:
        return -1
    return 0  # expect: HLD005
# output
# flags: --unsafe-fixes
"""Statements after an exit never run."""


def total(items):
    return sum(items)


def first(items):
    for item in items:
        if item:
            break
        else:
            continue
    raise LookupError("none")  # expect: HLD005


def sign(x):
    if x > 0:
        return 1
    else:
        return -1
