"""The administration ledger (issue 6): a storage interface and its SQLite implementation."""
