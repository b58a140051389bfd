# flags: --select HLA --unsafe-fixes
"""Blocking calls inside coroutines, resolved through aliases and from-imports."""
import asyncio
import subprocess as sp
import time
from pathlib import Path
from urllib.request import urlopen

import requests as rq


async def handler(url):
    time.sleep(0.1)  # expect: HLA001
    page = rq.get(url)  # expect: HLA001
    raw = urlopen(url).read()  # expect: HLA001
    sp.run(["true"])  # expect: HLA001
    text = Path("data.txt").read_text()  # expect: HLA001
    with open("log.txt", "a") as fh:  # expect: HLA001
        fh.write(text)
    proc = sp.Popen(["sleep", "1"])
    proc.wait()  # expect: HLA001
    return page, raw
# output
# flags: --select HLA --unsafe-fixes
"""Blocking calls inside coroutines, resolved through aliases and from-imports."""
import asyncio
import subprocess as sp
import time
from pathlib import Path
from urllib.request import urlopen

import requests as rq


async def handler(url):
    await asyncio.sleep(0.1)  # expect: HLA001
    page = rq.get(url)  # expect: HLA001
    raw = urlopen(url).read()  # expect: HLA001
    sp.run(["true"])  # expect: HLA001
    text = Path("data.txt").read_text()  # expect: HLA001
    with open("log.txt", "a") as fh:  # expect: HLA001
        fh.write(text)
    proc = sp.Popen(["sleep", "1"])
    proc.wait()  # expect: HLA001
    return page, raw
