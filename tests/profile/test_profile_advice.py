"""Advice that needs a real run: a blocked event loop, and a run dominated by imports."""

from __future__ import annotations

import pytest

ASYNC_PROGRAM = """
import asyncio
import time


async def handler():
    for _ in range(4):
        time.sleep(0.1)
        await asyncio.sleep(0)


async def main():
    await asyncio.gather(handler(), asyncio.sleep(0.05))


asyncio.run(main())
"""

IMPORT_PROGRAM = """
import argparse, asyncio, concurrent.futures, csv, decimal, email.mime.multipart
import http.server, logging.handlers, pydoc, sqlite3, tarfile, unittest, urllib.request
import xml.dom.minidom, zipfile


def main():
    return len(argparse.__name__)


main()
"""


@pytest.mark.parametrize("engine", ["py-spy", "pyinstrument"])
def test_blocking_call_in_a_coroutine(prof, script, engine, request) -> None:  # noqa: ANN001
    if engine == "py-spy":
        request.getfixturevalue("needs_py_spy")
    doc = prof.run(["--engine", engine, str(script(ASYNC_PROGRAM))])
    blocked = prof.codes(doc, "HLH004")
    assert blocked, doc["notes"]
    f = blocked[0]
    assert f["line"] == 7 and f["data"]["qualname"] == "handler"
    assert f["data"]["source"] == "time.sleep(0.1)"
    assert f["data"]["share"] > 0.3  # 0.4 s of sleeps; the rest is importing asyncio
    assert f["fix"]["title"].startswith("Run `hlopt debloat --select HLA ")
    assert f["severity"] == "info" and doc["exit_code"] == 0


def test_awaiting_does_not_count_as_blocking(prof, script) -> None:  # noqa: ANN001
    path = script("""
        import asyncio

        async def polite():
            for _ in range(4):
                await asyncio.sleep(0.1)

        asyncio.run(polite())
    """)
    doc = prof.run(["--engine", "pyinstrument", str(path)])
    assert not prof.codes(doc, "HLH004")


@pytest.mark.parametrize("engine", ["cprofile", "pyinstrument"])
def test_import_dominated_run(prof, script, engine) -> None:  # noqa: ANN001
    path = script(IMPORT_PROGRAM)
    doc = prof.run(["--engine", engine, str(path)])
    found = prof.codes(doc, "HLH005")
    assert found, doc["notes"]
    data = found[0]["data"]
    assert data["share"] >= 0.2
    modules = [m["module"] for m in data["modules"]]
    assert set(modules) & {"pydoc", "asyncio", "unittest", "http.server", "email.mime."
                           "multipart", "urllib.request", "sqlite3", "tarfile"}
    assert found[0]["fix"]["title"] == f"Run `hlopt debloat --select HLS --entry {path}`"
    assert found[0]["line"] == 1


def test_cpu_bound_run_has_no_import_advice(prof, script) -> None:  # noqa: ANN001
    path = script("""
        import json

        def work():
            t = 0
            for i in range(400_000):
                t += i
            return t

        work()
    """)
    doc = prof.run(["--engine", "cprofile", str(path)])
    assert not prof.codes(doc, "HLH005")
