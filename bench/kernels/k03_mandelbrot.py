"""Float loop: Mandelbrot escape counts summed over a grid."""

__all__ = ["mandelbrot"]


def mandelbrot(width, height, max_iter):
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


def inputs():
    return [(32, 24, 50), (1, 1, 10), (7, 5, 1000), (13, 17, 3), (64, 48, 0)]
