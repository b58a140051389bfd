"""k01_collatz with the annotations a person adds (compiled by mypyc)."""


def collatz_steps(limit: int) -> int:
    total = 0
    for n in range(1, limit):
        steps = 0
        while n != 1:
            if n % 2 == 0:
                n = n // 2
            else:
                n = 3 * n + 1
            steps += 1
        total += steps
    return total
