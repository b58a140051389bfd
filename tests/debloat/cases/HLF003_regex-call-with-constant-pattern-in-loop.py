# flags: --select HLF
"""Constant patterns in loops are hoisted to module-level compiled patterns."""
import re
import sys

_PARSE_RE = "taken"


def parse(lines):
    found = []
    for line in lines:
        if re.match(r"\s*#", line):  # expect: HLF003
            continue
        found.append(re.sub(r"\s+", " ", line, count=2, flags=re.I | re.M))  # expect: HLF003
        found.extend(re.findall(r"\d+", line))  # expect: HLF003
        found.append(re.match(r"\s*#", line.strip()))  # expect: HLF003
    return found, sys.argv


def dynamic(lines, pattern):
    return [re.search(pattern, line) for line in lines]


def once(line):
    return re.search(r"\d+", line)
# output
# flags: --select HLF
"""Constant patterns in loops are hoisted to module-level compiled patterns."""
import re
import sys

_PARSE_RE_2 = re.compile(r"\s*#")
_PARSE_RE_3 = re.compile(r"\s+", re.I | re.M)
_PARSE_RE_4 = re.compile(r"\d+")

_PARSE_RE = "taken"


def parse(lines):
    found = []
    for line in lines:
        if _PARSE_RE_2.match(line):  # expect: HLF003
            continue
        found.append(_PARSE_RE_3.sub(" ", line, count=2))  # expect: HLF003
        found.extend(_PARSE_RE_4.findall(line))  # expect: HLF003
        found.append(_PARSE_RE_2.match(line.strip()))  # expect: HLF003
    return found, sys.argv


def dynamic(lines, pattern):
    return [re.search(pattern, line) for line in lines]


def once(line):
    return re.search(r"\d+", line)
