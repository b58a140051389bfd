import execnet

from app.main import highlighter


def test_highlighter() -> None:
    assert highlighter() and execnet
