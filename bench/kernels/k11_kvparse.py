"""Parsing key=value records from a str: one record per line, fields split by ';'."""

import random

__all__ = ["parse_records"]


def parse_records(text):
    records = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        record = {}
        for field in line.split(";"):
            key, sep, value = field.partition("=")
            if sep:
                record[key.strip()] = value.strip()
        records.append(record)
    return records


def _log(rng, n):
    lines = ["# access log"]
    for i in range(n):
        lines.append(f"id={i}; user=u{rng.randint(1, 500)} ;path=/api/v1/items/{rng.randint(1, 9999)}"
                     f";status={rng.choice((200, 200, 200, 404, 500))};ms={rng.uniform(0.1, 900):.3f}")
        if i % 50 == 0:
            lines.append("")
    return "\n".join(lines)


def inputs():
    rng = random.Random(11)
    return [(_log(rng, 400),), ("",), ("a=1",), ("# only a comment\n\n  \n",),
            ("x = 1 ; y=2=3;novalue; =empty\r\nk=v",), (_log(rng, 7),)]
