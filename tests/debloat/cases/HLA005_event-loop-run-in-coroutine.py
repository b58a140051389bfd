# flags: --select HLA
"""Starting a loop from inside a running one fails."""
import asyncio


async def fetch():
    return 1


async def handler():
    loop = asyncio.new_event_loop()
    first = asyncio.run(fetch())  # expect: HLA005
    second = loop.run_until_complete(fetch())  # expect: HLA005
    return first, second, await fetch()


def main():
    return asyncio.run(handler())
