# flags: --select HLF --unsafe-fixes
"""Sorting everything to take one item."""


def pick(offers, price):
    cheapest = sorted(offers, key=price)[0]  # expect: HLF005
    dearest = sorted(offers)[-1]  # expect: HLF005
    last = sorted(offers, reverse=True)[0]  # expect: HLF005
    second = sorted(offers)[1]
    top = sorted(offers)[:3]
    return cheapest, dearest, last, second, top
# output
# flags: --select HLF --unsafe-fixes
"""Sorting everything to take one item."""


def pick(offers, price):
    cheapest = min(offers, key=price)  # expect: HLF005
    dearest = max(offers)  # expect: HLF005
    last = max(offers)  # expect: HLF005
    second = sorted(offers)[1]
    top = sorted(offers)[:3]
    return cheapest, dearest, last, second, top
