# flags: --select HLI
"""A package's __init__ is its API: public imports are reported, never removed by --fix."""
from .core import Engine  # expect: HLI001
import os as _os  # expect: HLI001
import json  # expect: HLI001

VERSION = "1"
# output
# flags: --select HLI
"""A package's __init__ is its API: public imports are reported, never removed by --fix."""
from .core import Engine  # expect: HLI001
import json  # expect: HLI001

VERSION = "1"
