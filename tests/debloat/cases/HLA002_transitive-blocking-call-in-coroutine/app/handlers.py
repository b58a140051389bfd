# flags: --select HLA
import asyncio

from app import service
from app.service import load


async def handler():
    data = load()  # expect: HLA002
    again = service.load()  # expect: HLA002
    ok = service.fast()
    off = await asyncio.to_thread(load)
    return data, again, ok, off


class View:
    def render(self):
        return load()

    async def get(self):
        return self.render()  # expect: HLA002
