"""Every declared runtime requirement is used, some without an import statement."""
