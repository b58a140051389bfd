# flags: --select HLF --unsafe-fixes
"""Short literals, sets, and tests outside loops are fine."""
ALLOWED = {"a", "b", "c"}


def check(word, words):
    if word in ["a", "b", "c", "d"]:
        return True
    for w in words:
        if w in ("x", "y"):
            return True
        if w in ALLOWED or w in {"p", "q", "r"}:
            return False
    return None
