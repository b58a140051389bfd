# flags: --select HLS --entry app.main --unsafe-fixes
"""`heavy` is needed at import time: information only, nothing to move."""
from app import heavy  # expect: HLS002

DEFAULT = heavy.score(21)


def answer():
    return DEFAULT
