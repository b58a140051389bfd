# flags: --select HLF --unsafe-fixes
"""Lists a comprehension expresses."""


def build(numbers, pairs):
    squares = []
    for n in numbers:
        if n % 2:
            squares.append(n * n)  # expect: HLF008
    names = []
    for a, b in pairs:
        names.append((a, b))  # expect: HLF008
    kept = []
    for n in numbers:
        # a comment inside the loop would be lost: display-only
        kept.append(n)  # expect: HLF008
    grow = []
    for n in numbers:
        grow.append(len(grow))  # expect: HLF008
    other = []
    for n in numbers:
        other.append(n)
        print(n)
    return squares, names, kept, grow, other
# output
# flags: --select HLF --unsafe-fixes
"""Lists a comprehension expresses."""


def build(numbers, pairs):
    squares = [n * n for n in numbers if n % 2]  # expect: HLF008
    names = [(a, b) for a, b in pairs]  # expect: HLF008
    kept = []
    for n in numbers:
        # a comment inside the loop would be lost: display-only
        kept.append(n)  # expect: HLF008
    grow = []
    for n in numbers:
        grow.append(len(grow))  # expect: HLF008
    other = []
    for n in numbers:
        other.append(n)
        print(n)
    return squares, names, kept, grow, other
