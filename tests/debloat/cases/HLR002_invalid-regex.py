# flags: --select HLR
import re
import regex

VERSION = re.compile(r"(\d+\.(\d+)")  # expect: HLR002
RANGE = regex.compile(r"[z-a]")  # expect: HLR002
VERBOSE_OK = re.compile(r"""
    (\d+)  # major
    \.
    (\d+)  # minor
""", re.VERBOSE)
LOOKBEHIND = re.compile(r"(?<=a+)b")  # expect: HLR002
FINE = re.compile(r"(\d+)\.(\d+)")
