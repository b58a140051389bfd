# flags: --select HLF
"""Index loops that only index."""


def show(names, grid):
    for i in range(len(names)):  # expect: HLF004
        print(names[i])
    for j in range(len(grid.rows)):  # expect: HLF004
        grid.rows[j] = 0
    for k in range(len(names)):
        print(k, names[k])
    for m in range(len(names)):
        print(names[m], grid[m])
