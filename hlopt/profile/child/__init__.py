"""Scripts hlopt runs inside the profiled program's interpreter (standard library only)."""
