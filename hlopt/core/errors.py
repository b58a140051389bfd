"""The hlopt error tree: each error carries a one-line message and an exit code.

::

    HloptError            base: .exit_code + one-line user message (+ optional hint)
    ├── UsageError        bad option combination                       exit 2
    ├── InputError        missing path, bad [tool.hlopt], bad report   exit 2
    ├── ToolchainError    a needed tool is missing or failed            exit 2
    ├── PrivilegeError    an action needs rights the user lacks         exit 2
    └── InternalError     our bug                                       exit 3
"""

from __future__ import annotations


class HloptError(Exception):
    """Base of every error hlopt reports to a user."""

    exit_code: int = 2

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class UsageError(HloptError):
    """A bad option or a bad combination of options."""


class InputError(HloptError):
    """Input hlopt cannot work with: a missing path, a bad configuration, a bad report file."""


class ToolchainError(HloptError):
    """A tool hlopt needs (a compiler, valgrind, py-spy) is missing or failed."""


class PrivilegeError(HloptError):
    """An action needs rights the current user does not have."""


class InternalError(HloptError):
    """A bug in hlopt."""

    exit_code = 3
