"""Checksum over bytes: Adler-32 (what zlib.adler32 computes)."""

import random

__all__ = ["adler32"]


def adler32(data):
    a = 1
    b = 0
    for byte in data:
        a = (a + byte) % 65521
        b = (b + a) % 65521
    return (b << 16) | a


def inputs():
    rng = random.Random(8)
    return [(rng.randbytes(12000),), (b"",), (b"Wikipedia",), (b"\xff" * 6000,),
            (rng.randbytes(333),)]
