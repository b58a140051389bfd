"""HLA: blocking calls in coroutines, found directly and through project calls."""

from __future__ import annotations

import ast
import json
import pickle
from pathlib import Path

import pytest

from hlopt import debloat
from hlopt.debloat.async_scan import scan

PROJECT = {
    "app/__init__.py": "",
    "app/handlers.py": """
        from app.service import load


        async def handler():
            return load()
        """,
    "app/service.py": """
        from app.store import Store


        def load():
            return Store().fetch()
        """,
    "app/store.py": """
        import requests as rq


        class Store:
            def fetch(self):
                return rq.get("https://example.com")
        """,
}


def _hla(root: Path) -> list:  # type: ignore[type-arg]
    report = debloat.run(debloat.Options(paths=(root,), select=("HLA",), jobs=1))
    return [f for f in report.findings if f.code.startswith("HLA")]


def test_transitive_blocking_three_calls_deep_through_a_method(make_tree) -> None:  # noqa: ANN001
    root = make_tree(PROJECT)
    [f] = _hla(root)
    assert f.code == "HLA002" and f.path.name == "handlers.py" and f.line == 5
    chain = "async handler() -> load() -> Store.fetch() -> requests.get()"
    assert chain in f.message
    assert f.data["chain"] == ["async handler()", "load()", "Store.fetch()", "requests.get()"]
    assert f.data["depth"] == 2 and f.fix.applicability.value == "display-only"


def test_chain_through_self_methods_bases_and_module_attributes(make_tree) -> None:  # noqa: ANN001
    files = dict(PROJECT)
    files["app/store.py"] = """
        import time


        class Base:
            def _wait(self):
                time.sleep(1)


        class Store(Base):
            def fetch(self):
                return self.step()

            def step(self):
                return self._wait()
        """
    files["app/handlers.py"] = """
        import asyncio

        from app import service


        async def handler():
            await asyncio.to_thread(service.load)
            return service.load()
        """
    [f] = _hla(make_tree(files))
    assert f.line == 8
    assert f.data["chain"] == ["async handler()", "load()", "Store.fetch()", "Store.step()",
                               "Base._wait()", "time.sleep()"]


def test_no_chain_when_the_callee_does_not_block_or_is_offloaded(make_tree) -> None:  # noqa: ANN001
    files = dict(PROJECT)
    files["app/store.py"] = """
        class Store:
            def fetch(self):
                return 1
        """
    assert _hla(make_tree(files)) == []
    files = dict(PROJECT)
    files["app/handlers.py"] = """
        import asyncio

        from app.service import load


        async def handler():
            return await asyncio.to_thread(load)
        """
    assert _hla(make_tree(files)) == []


def test_recursive_functions_terminate(make_tree) -> None:  # noqa: ANN001
    root = make_tree({"m.py": """
        import time


        def a(n):
            return b(n - 1) if n else time.sleep(1)


        def b(n):
            return a(n)


        async def main():
            a(3)
        """})
    [f] = _hla(root)
    assert f.data["chain"] == ["async main()", "a()", "time.sleep()"]


@pytest.mark.parametrize(("code", "api"), [
    ("import time\nasync def f():\n    time.sleep(1)\n", "time.sleep"),
    ("from time import sleep as nap\nasync def f():\n    nap(1)\n", "time.sleep"),
    ("import urllib.request\nasync def f():\n    urllib.request.urlopen('x')\n",
     "urllib.request.urlopen"),
    ("import sqlite3\nasync def f():\n    sqlite3.connect('x')\n", "sqlite3.connect"),
    ("import redis\nasync def f():\n    redis.Redis()\n", "redis.Redis"),
    ("import socket\nasync def f():\n    s = socket.socket()\n    s.recv(1)\n",
     "socket.socket.recv"),
    ("import os\nasync def f():\n    os.system('x')\n", "os.system"),
    ("async def f():\n    input()\n", "input"),
])
def test_blocking_apis_resolved_through_imports(code: str, api: str) -> None:
    facts = scan(ast.parse(code), "m", False)
    assert [(loc.code, loc.api) for loc in facts.locals] == [("HLA001", api)]


def test_summaries_are_small_and_picklable() -> None:
    code = "\n".join(f"def f{i}():\n    return g{i}()\n" for i in range(50))
    facts = scan(ast.parse(code), "m", False)
    assert len(facts.funcs) == 50 and pickle.loads(pickle.dumps(facts)).funcs[0].qual == "f0"


def test_cli_json_and_fix(make_tree, invoke) -> None:  # noqa: ANN001
    root = make_tree({"m.py": """
        import asyncio


        async def main():
            loop = asyncio.get_event_loop()
            asyncio.create_task(main())
            return loop
        """})
    doc = json.loads(invoke(["debloat", str(root), "--select", "HLA", "--format", "json"],
                            exit_code=1).stdout)
    codes = {f["code"]: f for f in doc["findings"]}
    assert codes["HLA003"]["fix"]["applicability"] == "safe"
    assert codes["HLA004"]["fix"]["applicability"] == "display-only"
    invoke(["debloat", str(root), "--select", "HLA", "--fix", "-q"], exit_code=1)
    text = (root / "m.py").read_text()
    assert "asyncio.get_running_loop()" in text and "asyncio.create_task(main())" in text
