# flags: --select HLF
"""Strings built piece by piece in loops."""


class Report:
    def render(self, rows):
        out = ""
        for row in rows:
            out += str(row)  # expect: HLF002
            self.text += f"{row}\n"  # expect: HLF002
        return out


def not_strings(rows):
    total = 0
    items = []
    for row in rows:
        total += row
        items += [row]
    label = "rows"
    label += "!"
    return total, items, label
