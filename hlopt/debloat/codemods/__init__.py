"""libcst codemods that apply debloat fixes: one module per rule."""
