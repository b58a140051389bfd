"""Imports of every kind: stdlib, own package, declared, optional and undeclared."""
