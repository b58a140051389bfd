"""k08_adler32 with the annotations a person adds (compiled by mypyc)."""


def adler32(data: bytes) -> int:
    a = 1
    b = 0
    for byte in data:
        a = (a + byte) % 65521
        b = (b + a) % 65521
    return (b << 16) | a
