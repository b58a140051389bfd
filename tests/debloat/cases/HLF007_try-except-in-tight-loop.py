# flags: --select HLF
"""A try/except as the whole body of a nested loop."""


def parse(rows):
    total = 0
    for row in rows:
        for cell in row:
            try:  # expect: HLF007
                total += int(cell)
            except ValueError:
                pass
    for row in rows:
        try:
            total += int(row)
        except ValueError:
            pass
    return total
