import importlib
import subprocess
import sys

from rich import print as rprint


def highlighter() -> object:
    return importlib.import_module("pygments.lexers")


def run_cli() -> None:
    subprocess.run([sys.executable, "-m", "typer", "--help"], check=False)
    rprint("done")
