# flags: --unsafe-fixes
"""Locals assigned and never read: the assignment goes, a call stays."""
import time


def save(record, store):
    payload = repr(record)
    started = time.monotonic()  # expect: HLD007
    retries = 3  # expect: HLD007
    label: str = "save"  # expect: HLD007
    store.append(payload)
    return len(store)


def report(rows):
    if rows:
        first = rows[0]  # expect: HLD007
    return len(rows)


def parse(text):
    try:
        return int(text)
    except ValueError as err:  # expect: HLD007
        return None
# output
# flags: --unsafe-fixes
"""Locals assigned and never read: the assignment goes, a call stays."""
import time


def save(record, store):
    payload = repr(record)
    time.monotonic()  # expect: HLD007
    store.append(payload)
    return len(store)


def report(rows):
    if rows:
        rows[0]  # expect: HLD007
    return len(rows)


def parse(text):
    try:
        return int(text)
    except ValueError:  # expect: HLD007
        return None
