# flags: --unsafe-fixes
"""Branches under a constant condition never run."""


def run(state, log):
    if False:  # expect: HLD006
        log("debug", state)
    if 0:  # expect: HLD006
        log("disabled")
    else:
        log("enabled")
    if state:
        log("state")
    elif None:  # expect: HLD006
        log("never")
    else:
        log("no state")
    while 0:  # expect: HLD006
        log("loop")
    if True:  # expect: HLD006
        log("always")
    else:
        log("never either")
    return state
# output
# flags: --unsafe-fixes
"""Branches under a constant condition never run."""


def run(state, log):
    log("enabled")
    if state:
        log("state")
    else:
        log("no state")
    if True:  # expect: HLD006
        log("always")
    return state
