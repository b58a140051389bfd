"""Word counting over a str into a dict."""

import random

__all__ = ["word_count"]

_WORDS = ("the quick brown fox jumps over lazy dog request response cache server "
          "latency Throughput queue worker: (retry) timeout, error! Error; ok. 'quoted' "
          "a an of to in is").split()


def word_count(text):
    counts = {}
    for word in text.split():
        word = word.strip(".,;:!?\"'()[]").lower()
        if word:
            counts[word] = counts.get(word, 0) + 1
    return counts


def _text(rng, n):
    lines = []
    for _ in range(n // 12 + 1):
        lines.append(" ".join(rng.choice(_WORDS) for _ in range(12)))
    return "\n".join(lines)


def inputs():
    rng = random.Random(7)
    return [(_text(rng, 4000),), ("",), ("one",), ("  A a, A! --  ;; \t b\n",),
            (_text(rng, 50),)]
