# flags: --unsafe-fixes
"""Private methods nothing mentions are dead, unless they may override another one."""


class Parser:
    def parse(self, text):
        return self._split(text)

    def _split(self, text):
        return text.split()

    def _parse_slowly(self, text):  # expect: HLD003
        return [w for w in text.split(" ") if w]

    @staticmethod
    def _unused_static():  # expect: HLD003
        return None
# output
# flags: --unsafe-fixes
"""Private methods nothing mentions are dead, unless they may override another one."""


class Parser:
    def parse(self, text):
        return self._split(text)

    def _split(self, text):
        return text.split()
