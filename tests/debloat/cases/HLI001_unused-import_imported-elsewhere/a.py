# flags: --select HLI
"""Like ssl: another module imports names from here, so they are not unused."""
import os  # expect: HLI001
import sys
from socket import AF_INET, SOCK_STREAM
from _thread import get_ident as _get_ident

BACKLOG = 5
# output
# flags: --select HLI
"""Like ssl: another module imports names from here, so they are not unused."""
import sys
from socket import AF_INET, SOCK_STREAM
from _thread import get_ident as _get_ident

BACKLOG = 5
