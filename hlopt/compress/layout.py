"""Lay minified code out with the fewest characters: tokens, one-space indents, no comments.

This pass sees only tokens, so it cannot change what the code means: it drops comments
and blank lines, joins the physical lines of one logical line, indents by one space per
level, and puts a space between two tokens only where the tokenizer needs one. The
shebang line is kept. The output is UTF-8, so a coding cookie is not needed.
"""

from __future__ import annotations

import io
import token
import tokenize

#: every operator string of the running Python, longest first
_OPERATORS = sorted(token.EXACT_TOKEN_TYPES, key=len, reverse=True)
#: string prefixes a preceding name could merge with (``b 'x'`` would become ``b'x'``)
_PREFIXES = {"r", "u", "b", "f", "br", "rb", "fr", "rf"}
_FSTRING_START = getattr(token, "FSTRING_START", -1)
_FSTRING_END = getattr(token, "FSTRING_END", -1)
_SKIP = {tokenize.NL, tokenize.COMMENT, tokenize.ENCODING, tokenize.ENDMARKER}


def normalize_newlines(text: str) -> str:
    """Python reads ``\\r\\n`` and ``\\r`` as ``\\n``; so does everything after this."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def compact(text: str) -> str:
    """``text`` (valid Python with ``\\n`` newlines) laid out in the fewest characters."""
    lines = text.split("\n")
    out: list[str] = []
    if text.startswith("#!"):
        out.append(lines[0])
    line: list[str] = []
    depth = 0
    prev: tuple[int, str] | None = None
    for kind, string in _tokens(text, lines):
        if kind == tokenize.NEWLINE:
            out.append("".join(line))
            line, prev = [], None
        elif kind == tokenize.INDENT:
            depth += 1
        elif kind == tokenize.DEDENT:
            depth -= 1
        else:
            if not line:
                line.append(" " * depth)
            elif prev is not None and needs_space(prev, (kind, string)):
                line.append(" ")
            line.append(string)
            prev = (kind, string)
    if line:
        out.append("".join(line))
    return "\n".join(out) + "\n" if out else ""


def _tokens(text: str, lines: list[str]):
    """(type, text) of each significant token; an f-string (3.12+) comes as one STRING."""
    depth = 0
    start: tuple[int, int] | None = None
    for tok in tokenize.generate_tokens(io.StringIO(text).readline):
        if tok.type == _FSTRING_START:
            if depth == 0:
                start = tok.start
            depth += 1
            continue
        if depth:
            if tok.type == _FSTRING_END:
                depth -= 1
                if depth == 0 and start is not None:
                    yield tokenize.STRING, _slice(lines, start, tok.end)
            continue
        if tok.type in _SKIP:
            continue
        yield tok.type, tok.string


def _slice(lines: list[str], start: tuple[int, int], end: tuple[int, int]) -> str:
    if start[0] == end[0]:
        return lines[start[0] - 1][start[1]:end[1]]
    parts = [lines[start[0] - 1][start[1]:]]
    parts += lines[start[0]:end[0] - 1]
    parts.append(lines[end[0] - 1][:end[1]])
    return "\n".join(parts)


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_" or ord(ch) > 127


def needs_space(prev: tuple[int, str], cur: tuple[int, str]) -> bool:
    """Whether ``prev`` and ``cur`` written together would tokenize differently."""
    (pkind, ptext), (ckind, ctext) = prev, cur
    a, b = ptext[-1], ctext[0]
    if _is_word(a) and _is_word(b):
        return True
    if pkind == tokenize.NUMBER and (b == "." or _is_word(b)):
        return True  # `1 .real`; `1. if` (`1.if` warns, `1.e5` would be one number)
    if pkind == tokenize.STRING and ckind == tokenize.STRING:
        return True
    if pkind == tokenize.NAME and ckind == tokenize.STRING and b in "'\"":
        return ptext.lower() in _PREFIXES
    if pkind == tokenize.OP and ckind == tokenize.OP:
        joined = ptext + ctext
        return any(len(op) > len(ptext) and joined.startswith(op) for op in _OPERATORS)
    return False


def strip_comments(text: str) -> str:
    """Drop comments and blank lines but keep the layout (for skeletons people read)."""
    lines = text.split("\n")
    keep: set[int] = set()
    verbatim: set[int] = set()
    cut: dict[int, int] = {}
    for tok in tokenize.generate_tokens(io.StringIO(text).readline):
        if tok.end[0] > tok.start[0]:
            verbatim.update(range(tok.start[0], tok.end[0]))
        if tok.type == tokenize.COMMENT:
            if not (tok.start == (1, 0) and tok.string.startswith("#!")):
                cut[tok.start[0]] = tok.start[1]
                continue
        if tok.type in (tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT,
                        tokenize.ENDMARKER, tokenize.ENCODING):
            continue
        keep.update(range(tok.start[0], tok.end[0] + 1))
    out = []
    for number, line in enumerate(lines, 1):
        if number not in keep:
            continue
        if number in cut:
            line = line[:cut[number]]
        out.append(line if number in verbatim else line.rstrip())
    return "\n".join(out) + "\n" if out else ""
