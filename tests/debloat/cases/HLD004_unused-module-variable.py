# flags: --unsafe-fixes
"""Private module-level names nothing reads are dead."""
import os

_RETRIES = 3  # expect: HLD004
_TIMEOUT = 10
_LABEL: str = "x"  # expect: HLD004
_CWD = os.getcwd()  # expect: HLD004
_ = "the throw-away name is never reported"
PUBLIC_SETTING = 1


def fetch(client):
    return client.get(timeout=_TIMEOUT)
# output
# flags: --unsafe-fixes
"""Private module-level names nothing reads are dead."""
import os

_TIMEOUT = 10
_CWD = os.getcwd()  # expect: HLD004
_ = "the throw-away name is never reported"
PUBLIC_SETTING = 1


def fetch(client):
    return client.get(timeout=_TIMEOUT)
