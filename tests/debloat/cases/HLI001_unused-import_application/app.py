# flags: --select HLI
"""With entry points the tree is closed: a public from-import nobody uses is safe to drop."""
from json import dumps, loads  # expect: HLI001


def main():
    return loads("1")
# output
# flags: --select HLI
"""With entry points the tree is closed: a public from-import nobody uses is safe to drop."""
from json import loads  # expect: HLI001


def main():
    return loads("1")
