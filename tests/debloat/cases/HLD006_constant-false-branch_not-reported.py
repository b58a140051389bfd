"""Nothing here is reported: names, not literals, decide these branches."""
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence


def check(items: "Sequence[int]") -> int:
    if __debug__:
        assert items
    while True:
        return len(items)


def maybe_generator():
    if False:
        yield None  # makes this a generator: removing it would change the function
    return
