# flags: --select HLA
"""The running loop is what a coroutine means; the attribute form is fixed safely."""
import asyncio
import asyncio as aio
from asyncio import get_event_loop


async def main():
    loop = asyncio.get_event_loop()  # expect: HLA003
    other = aio.get_event_loop()  # expect: HLA003
    bare = get_event_loop()  # expect: HLA003
    return loop, other, bare


def sync_code():
    return asyncio.get_event_loop()
# output
# flags: --select HLA
"""The running loop is what a coroutine means; the attribute form is fixed safely."""
import asyncio
import asyncio as aio
from asyncio import get_event_loop


async def main():
    loop = asyncio.get_running_loop()  # expect: HLA003
    other = aio.get_running_loop()  # expect: HLA003
    bare = get_event_loop()  # expect: HLA003
    return loop, other, bare


def sync_code():
    return asyncio.get_event_loop()
