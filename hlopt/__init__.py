"""hlopt: a command-line optimizer toolkit for high-load Python code."""

__version__ = "0.1.0"
