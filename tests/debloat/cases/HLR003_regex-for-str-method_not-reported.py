# flags: --select HLR --unsafe-fixes
import re


def keep(line, path, pattern):
    m = re.match("GET ", line)  # the Match object is used, not only its truth
    if re.search("a.b", path):  # "." is a metacharacter
        return m
    if re.match("get", line, re.IGNORECASE):  # flags change the meaning
        return None
    path = re.sub("/", r"\\", path)  # a backslash in the replacement is an escape
    return re.search(pattern, path)  # built at run time: never guessed
