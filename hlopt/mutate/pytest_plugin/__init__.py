"""The pytest plugin hlopt mutate loads into the project's interpreter (a package so it ships)."""
