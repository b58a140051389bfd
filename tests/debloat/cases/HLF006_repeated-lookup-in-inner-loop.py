# flags: --select HLF
"""Chains read again and again in the innermost loop."""
import math


class Model:
    def score(self, rows):
        total = 0
        for row in rows:
            for x in row:  # the inner loop is the innermost one
                total += self.config.rate * x + self.config.rate ** 2 - self.config.rate  # expect: HLF006
                total += math.sqrt(x) + math.sqrt(total) + math.sqrt(2)  # expect: HLF006
        return total

    def changing(self, rows):
        for row in rows:
            self.config.rate = row
            print(self.config.rate, self.config.rate, self.config.rate)

    def twice(self, rows):
        for row in rows:
            print(self.config.rate, self.config.rate, row)
