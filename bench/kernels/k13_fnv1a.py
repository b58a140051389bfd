"""Hash over bytes: 64-bit FNV-1a (module constants, a 64-bit mask)."""

import random

__all__ = ["fnv1a_64"]

FNV_OFFSET = 0xCBF29CE484222325
FNV_PRIME = 0x100000001B3
MASK64 = 0xFFFFFFFFFFFFFFFF


def fnv1a_64(data):
    h = FNV_OFFSET
    for byte in data:
        h ^= byte
        h = (h * FNV_PRIME) & MASK64
    return h


def inputs():
    rng = random.Random(13)
    return [(rng.randbytes(8000),), (b"",), (b"a",), (b"foobar",), (rng.randbytes(257),)]
