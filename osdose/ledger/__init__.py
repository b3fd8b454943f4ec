"""osdose.ledger (see ARCHITECTURE.md)."""
