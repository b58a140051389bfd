"""Nothing here is reported: every local is read, or kept on purpose."""


def counter(items):
    total = 0
    total += len(items)  # an augmented assignment reads it
    return total


def closure():
    value = 1

    def read():
        return value  # a nested function reads it

    return read


def comprehension(rows):
    scale = 2
    return [r * scale for r in rows]


def deleted():
    tmp = object()
    del tmp


def dynamic(x):
    doubled = x * 2
    return locals()  # reaches every local by name


def kept():
    _ignored = compute()
    first, second = compute(), compute()
    a = b = compute()
    return None


def declared():
    global STATE
    STATE = 1


def compute():
    return 1
