# flags: --select HLF
"""No safe hoist: a from-import, a pattern that does not compile, re.DEBUG, a comment."""
import re
from re import search


def scan(lines):
    for line in lines:
        search(r"\d+", line)  # expect: HLF003
        re.match(r"(unclosed", line)  # expect: HLF003
        re.search(r"x", line, re.DEBUG)  # expect: HLF003
        re.fullmatch(r"y",  # expect: HLF003
                 line)  # the comment would be lost
