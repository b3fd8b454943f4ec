"""osdose.verify (see ARCHITECTURE.md)."""
