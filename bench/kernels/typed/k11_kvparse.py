"""k11_kvparse with the annotations a person adds (compiled by mypyc)."""


def parse_records(text: str) -> list[dict[str, str]]:
    records: list[dict[str, str]] = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        record: dict[str, str] = {}
        for field in line.split(";"):
            key, sep, value = field.partition("=")
            if sep:
                record[key.strip()] = value.strip()
        records.append(record)
    return records
