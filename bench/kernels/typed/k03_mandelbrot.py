"""k03_mandelbrot with the annotations a person adds (compiled by mypyc)."""


def mandelbrot(width: int, height: int, max_iter: int) -> int:
    total = 0
    for row in range(height):
        y0 = -1.5 + 3.0 * row / height
        for col in range(width):
            x0 = -2.0 + 3.0 * col / width
            x = 0.0
            y = 0.0
            i = 0
            while x * x + y * y <= 4.0 and i < max_iter:
                x, y = x * x - y * y + x0, 2.0 * x * y + y0
                i += 1
            total += i
    return total
