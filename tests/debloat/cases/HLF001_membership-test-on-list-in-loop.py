# flags: --select HLF --unsafe-fixes
"""Membership tests against literals scanned on every iteration."""


def stop_words(words, extra):
    kept = 0
    for word in words:
        if word in ["a", "an", "the", "of"]:  # expect: HLF001
            continue
        if word not in (1, 2, 3):  # expect: HLF001
            kept += 1
        if word in [extra, extra.upper(), extra.lower()]:  # expect: HLF001
            kept -= 1
    return kept, [w for w in words if w in ("x", "y", "z")]  # expect: HLF001
# output
# flags: --select HLF --unsafe-fixes
"""Membership tests against literals scanned on every iteration."""


def stop_words(words, extra):
    kept = 0
    for word in words:
        if word in {"a", "an", "the", "of"}:  # expect: HLF001
            continue
        if word not in {1, 2, 3}:  # expect: HLF001
            kept += 1
        if word in [extra, extra.upper(), extra.lower()]:  # expect: HLF001
            kept -= 1
    return kept, [w for w in words if w in {"x", "y", "z"}]  # expect: HLF001
