"""Runtime code that imports development tools."""
