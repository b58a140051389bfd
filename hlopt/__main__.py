"""Run hlopt as ``python -m hlopt``."""

from hlopt.cli import main

main()
