# flags: --select HLR
"""Same shapes, one way to match each character: nothing to report."""
import re

WORDS = re.compile(r"^\w+(?:\s\w+)*$")
ATOMIC = re.compile(r"^(?>\w+\s?)+$")
POSSESSIVE = re.compile(r"^(\w+\s?)++$")
SINGLE = re.compile(r"^(a+)$")
PAIRS = re.compile(r"^(ab)+$")
FOLDED = re.compile(r"(a|a)*b")  # the parser folds the branches into one set
EMAIL = re.compile(r"^[a-z]+@[a-z]+\.com$")
VERSION = re.compile(r"(\d+)\.(\d+)")
