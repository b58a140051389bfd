"""A small application whose pyproject declares more than it imports."""
