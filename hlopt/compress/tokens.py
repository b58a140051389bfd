"""Count tokens the way a model does, offline when possible.

The real tokenizer is OpenAI's ``cl100k_base`` BPE, from the ``bpe-openai`` package, whose
wheel ships the BPE tables (``tiktoken`` would download them on first use, which fails
offline). Without that package the count falls back to Python's own ``tokenize`` tokens
(comments included, layout tokens excluded), a proxy the metric's unit names.
"""

from __future__ import annotations

import io
import tokenize
import warnings
from collections.abc import Callable
from functools import lru_cache

PROXY_NAME = "python-tokenize tokens (proxy)"
_LAYOUT = {tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT,
           tokenize.ENDMARKER, tokenize.ENCODING}


@lru_cache(maxsize=1)
def _encoder() -> tuple[str, Callable[[str], int]]:
    try:
        with warnings.catch_warnings():  # its resource loading uses a deprecated API
            warnings.simplefilter("ignore", DeprecationWarning)
            import bpe_openai

            enc = bpe_openai.get_encoding("cl100k_base")
        return "cl100k_base tokens", lambda text: len(enc.encode_ordinary(text))
    except Exception:  # package missing or tables unreadable: use the stated proxy
        return PROXY_NAME, python_tokens


def tokenizer_name() -> str:
    """The unit token counts are in: ``cl100k_base tokens`` or the proxy's name."""
    return _encoder()[0]


def count_tokens(text: str) -> int:
    """Tokens in ``text`` with the best tokenizer available offline."""
    return _encoder()[1](text)


def python_tokens(text: str) -> int:
    """Python ``tokenize`` tokens, layout tokens excluded; by lines when it cannot tokenize."""
    try:
        return sum(1 for t in tokenize.generate_tokens(io.StringIO(text).readline)
                   if t.type not in _LAYOUT)
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return sum(len(line.split()) for line in text.splitlines())
