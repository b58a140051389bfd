"""k07_wordcount with the annotations a person adds (compiled by mypyc)."""


def word_count(text: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for word in text.split():
        word = word.strip(".,;:!?\"'()[]").lower()
        if word:
            counts[word] = counts.get(word, 0) + 1
    return counts
