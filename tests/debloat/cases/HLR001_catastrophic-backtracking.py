# flags: --select HLR
"""Confirmed by running: each flagged pattern timed out on attack strings."""
import re
import regex
from re import compile as build

WORDS = re.compile(r"^(\w+\s?)+$")  # expect: HLR001
DOUBLES = build(r"^(a|aa)+$")  # expect: HLR001
NESTED = regex.compile(r"^(\d+)*$")  # expect: HLR001
TRAILING = r"\s*#?\s*$"


def strip_comment(line):
    return re.sub(TRAILING, "", line)  # expect: HLR001


def parse(text):
    return re.match(r"(x+x+)+y", text)  # expect: HLR001
