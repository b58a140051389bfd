"""Keep-rules: docstrings and annotations the program reads survive; the rest goes."""

from __future__ import annotations

import pytest


def test_argparse_help_from_module_docstring_survives(minify) -> None:
    m = minify('''
        """Frobnicate the widgets, quickly."""
        import argparse

        def helper(x):
            """Not read by anything."""
            return x

        if __name__ == "__main__":
            parser = argparse.ArgumentParser(description=__doc__)
            parser.parse_args()
    ''')
    out = m.text()
    assert "Frobnicate the widgets" in out
    assert "Not read by anything" not in out
    assert "Frobnicate the widgets, quickly." in m.run("--help").stdout


def test_typer_help_text_and_options_survive(minify) -> None:
    pytest.importorskip("typer")
    m = minify('''
        import typer

        app = typer.Typer()

        @app.command()
        def greet(name: str, count: int = 1) -> None:
            """Greet NAME a number of times."""
            for _ in range(count):
                print(f"hi {name}")

        def unused_helper(value: int) -> int:
            """Dropped."""
            return value

        if __name__ == "__main__":
            app()
    ''')
    out = m.text()
    assert "Greet NAME a number of times." in out
    assert "count:int=1" in out  # typer reads the annotations
    assert "def unused_helper(value):" in out
    help_text = m.run("--help").stdout
    assert "Greet NAME a number of times." in help_text
    assert "--count" in help_text
    assert m.run("bob", "--count", "2").stdout == "hi bob\nhi bob\n"


def test_click_command_docstring_survives(minify) -> None:
    pytest.importorskip("click")
    m = minify('''
        import click

        @click.command()
        @click.option("--n", default=1)
        def cli(n):
            """Count to N."""
            print(n)

        if __name__ == "__main__":
            cli()
    ''')
    assert "Count to N." in m.run("--help").stdout


def test_dataclass_namedtuple_typeddict_still_work(minify) -> None:
    m = minify('''
        import dataclasses
        from typing import NamedTuple, TypedDict

        @dataclasses.dataclass(frozen=True)
        class Point:
            """A point."""
            x: int
            y: int = 0

        class Pair(NamedTuple):
            left: str
            right: str = "r"

        class Movie(TypedDict):
            title: str
            year: int

        class Plain:
            size: int = 3
            label: str

        print(Point(1), Pair("l"), sorted(Movie.__annotations__), Plain.size)
        print(dataclasses.fields(Point)[1].default)
    ''')
    out = m.text()
    assert "x:int" in out and "left:str" in out and "title:str" in out
    assert "size=3" in out and "label" not in out  # a plain class loses its annotations
    result = m.run()
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "Point(x=1, y=0) Pair(left='l', right='r') ['title', 'year'] 3", "0"]


def test_get_type_hints_and_explicit_doc_use_keep_what_they_read(minify) -> None:
    m = minify('''
        import typing

        def f(a: int) -> str:
            """F's doc."""
            return str(a)

        def g(a: int) -> str:
            """G's doc."""
            return str(a)

        print(typing.get_type_hints(f), f.__doc__)
        print(g(1))
    ''')
    out = m.text()
    assert "def f(a:int)->str:" in out and "F's doc." in out
    assert "def g(a):" in out and "G's doc." not in out
    assert m.run().stdout.splitlines()[0] == "{'a': <class 'int'>, 'return': <class 'str'>} F's doc."


def test_pydantic_model_keeps_its_fields(minify) -> None:
    pytest.importorskip("pydantic")
    m = minify('''
        from pydantic import BaseModel

        class User(BaseModel):
            """A user."""
            name: str
            age: int = 0

        print(User(name="a", age="3").age + 1)
    ''')
    assert "name:str" in m.text()
    assert m.run().stdout.strip() == "4"


def test_doctests_kept_when_the_module_runs_them(minify) -> None:
    m = minify({
        "mod.py": '''
            def double(x):
                """Double it.

                >>> double(2)
                4
                """
                return x * 2

            if __name__ == "__main__":
                import doctest
                print(doctest.testmod())
        ''',
        "other.py": '''
            def triple(x):
                """Triple it.

                >>> triple(2)
                6
                """
                return x * 3
        ''',
    })
    assert ">>> double(2)" in m.text()
    assert "TestResults(failed=0, attempted=1)" in m.run().stdout
    assert ">>>" not in m.text("other.py")  # nothing in the tree runs its doctests


def test_keep_flags_keep_everything(minify) -> None:
    m = minify('''
        def f(a: int) -> int:
            """Doc."""
            "a string statement"
            return a
    ''', keep_docstrings=True, keep_annotations=True)
    out = m.text()
    assert "Doc." in out and "a string statement" in out and "a:int" in out
