# flags: --select HLA
"""Offloaded, sync-only or shadowed calls do not block the loop."""
import asyncio
import time

import requests


def sync_helper():
    time.sleep(1)
    return requests.get("https://example.com")


async def offloaded(url):
    await asyncio.to_thread(time.sleep, 1)
    await asyncio.to_thread(requests.get, url)
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, lambda: requests.get(url))
    await asyncio.sleep(0.1)


async def nested_defs():
    def later():
        time.sleep(1)

    return later, lambda: open("x")


async def shadowed(open):
    return open("x")
