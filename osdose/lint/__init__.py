"""osdose.lint (see ARCHITECTURE.md)."""
