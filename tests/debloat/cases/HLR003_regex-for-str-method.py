# flags: --select HLR --unsafe-fixes
import re
from re import search


def route(line, path, data):
    if re.match("GET ", line) and not search("admin", path):  # expect: HLR003
        path = re.sub("/", "_", path)  # expect: HLR003
    assert re.fullmatch("ok", line.strip())  # expect: HLR003
    if re.search(b"\x00", data):  # expect: HLR003
        return None
    return [p for p in path if re.match("a", p + "b")]  # expect: HLR003
# output
# flags: --select HLR --unsafe-fixes
import re
from re import search


def route(line, path, data):
    if line.startswith("GET ") and not "admin" in path:  # expect: HLR003
        path = path.replace("/", "_")  # expect: HLR003
    assert line.strip() == "ok"  # expect: HLR003
    if b"\x00" in data:  # expect: HLR003
        return None
    return [p for p in path if (p + "b").startswith("a")]  # expect: HLR003
