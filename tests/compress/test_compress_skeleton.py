"""``--mode skeleton``: valid Python, every import and public signature, bodies gone."""

from __future__ import annotations

import ast
import json
import textwrap
from pathlib import Path

from hlopt.compress.skeleton import check_skeleton, skeleton_source

MODULE = textwrap.dedent('''\
    """Storage helpers.

    Long description that a skeleton drops.
    """
    from __future__ import annotations

    import os
    from typing import TYPE_CHECKING

    if TYPE_CHECKING:
        from collections.abc import Iterator

    __all__ = ["Store", "open_store"]
    DEFAULT_PATH = "/var/lib/store"  # where data goes
    _cache = {}


    class Store:
        """A key-value store.

        More text.
        """

        retries: int = 3

        def __init__(self, path: str = DEFAULT_PATH) -> None:
            self.path = path
            os.makedirs(path, exist_ok=True)

        @property
        def size(self) -> int:
            """Number of keys."""
            return len(os.listdir(self.path))

        def keys(self) -> Iterator[str]:
            yield from os.listdir(self.path)


    def open_store(path: str, *, create: bool = True) -> Store:
        """Open a store at PATH."""
        if not create and not os.path.exists(path):
            raise FileNotFoundError(path)
        return Store(path)


    if __name__ == "__main__":
        import sys
        print(open_store(sys.argv[1]).size)
''')


def test_skeleton_keeps_the_interface_and_drops_bodies() -> None:
    out = skeleton_source(MODULE)
    tree = ast.parse(out)
    assert check_skeleton(ast.parse(MODULE), out, Path("m.py")) == []
    assert "'Storage helpers.'" in out and "Long description" not in out
    assert "def open_store(path: str, *, create: bool = True) -> Store:" in out
    assert "    @property\n    def size(self) -> int:\n        'Number of keys.'\n        ..." in out
    assert "__all__" in out and "DEFAULT_PATH" in out and "_cache" not in out
    assert "from collections.abc import Iterator" in out and "import sys" in out
    assert "os.makedirs" not in out and "# where data goes" not in out
    assert isinstance(tree, ast.Module)


def test_check_skeleton_names_what_was_lost() -> None:
    original = ast.parse("import os\ndef f(a, b): pass\n")
    lost = check_skeleton(original, "def f(a): ...\n", Path("m.py"))
    assert any("import" in x for x in lost) and "signature of f" in lost


def test_skeleton_cli_prints_to_stdout(invoke, make_tree) -> None:
    root = make_tree({"pkg/store.py": MODULE})
    result = invoke(["compress", str(root / "pkg"), "--mode", "skeleton"])
    assert result.stdout.startswith(f"# {root / 'pkg' / 'store.py'}\n")
    assert "def open_store" in result.stdout
    assert "tokens" in result.stderr


def test_skeleton_to_a_directory_with_json_report(invoke, make_tree, tmp_path) -> None:
    root = make_tree({"pkg/store.py": MODULE, "pkg/bad.py": "class (:\n"})
    out = tmp_path / "skel"
    result = invoke(["compress", str(root / "pkg"), "--mode", "skeleton", "-o", str(out),
                     "-f", "json"], exit_code=1)
    doc = json.loads(result.stdout)
    tokens = next(m for m in doc["metrics"] if m["name"] == "tokens")
    assert tokens["ratio"] < 0.8  # a small, interface-heavy module
    assert [f["code"] for f in doc["findings"]] == ["HLX003"]
    ast.parse((out / "store.py").read_text())
    assert not (out / "bad.py").exists()


def test_skeleton_json_without_output_is_a_usage_error(invoke, make_tree) -> None:
    root = make_tree({"m.py": MODULE})
    invoke(["compress", str(root / "m.py"), "--mode", "skeleton", "-f", "json"], exit_code=2)
