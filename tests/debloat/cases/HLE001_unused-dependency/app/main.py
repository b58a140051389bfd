from markdown_it import MarkdownIt
from rich.console import Console


def render(text: str) -> None:
    Console().print(MarkdownIt().render(text))
