"""An asyncio service whose handler blocks the event loop with a synchronous sleep.

`hlopt profile bench/workloads/async_blocking.py` reports HLH004 on the `time.sleep` line.

    python bench/workloads/async_blocking.py
"""

from __future__ import annotations

import asyncio
import time


async def handler(request_id):
    time.sleep(0.05)  # a synchronous call: the whole loop waits
    await asyncio.sleep(0.01)
    return request_id


async def polite(request_id):
    await asyncio.sleep(0.05)
    return request_id


async def main():
    for batch in range(4):
        await asyncio.gather(*(handler(batch * 10 + i) for i in range(3)),
                             *(polite(batch * 10 + i) for i in range(3)))


if __name__ == "__main__":
    asyncio.run(main())
