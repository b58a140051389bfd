# flags: --select HLS --entry app.main --unsafe-fixes
"""The entry module: `heavy` is read only inside `Report.render`."""
from app import heavy  # expect: HLS001


class Report:
    def render(self, x):
        """Render."""
        return heavy.score(x)


def cheap():
    return 1
# output
# flags: --select HLS --entry app.main --unsafe-fixes
"""The entry module: `heavy` is read only inside `Report.render`."""


class Report:
    def render(self, x):
        """Render."""
        from app import heavy
        return heavy.score(x)


def cheap():
    return 1
