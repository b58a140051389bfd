# flags: --select HLA
"""Tasks created and dropped can be garbage-collected mid-flight."""
import asyncio

background = set()


async def work():
    return 1


async def main():
    asyncio.create_task(work())  # expect: HLA004
    asyncio.ensure_future(work())  # expect: HLA004
    loop = asyncio.get_running_loop()
    loop.create_task(work())  # expect: HLA004
    kept = asyncio.create_task(work())
    background.add(kept)
    kept.add_done_callback(background.discard)
    async with asyncio.TaskGroup() as tg:
        tg.create_task(work())
    await asyncio.gather(work(), work())
