# flags: --select HLI
"""Unsafe fixes are not applied by --fix alone: public names of a library module without
__all__, class attributes, side-effect-shaped blocks, dynamic scopes."""
import os
from json import dumps, loads  # expect: HLI001
from sys import argv


class Settings:
    import string  # expect: HLI001


def context():
    with open(os.devnull) as fh:
        import pprint  # expect: HLI001
        return fh, argv


def smoke_test():
    import csv  # expect: HLI001


def dynamic():
    import shlex  # expect: HLI001
    return locals()


dumps(1)
