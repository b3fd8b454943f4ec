"""The example files shipped with osdose (``osdose examples --to DIR`` copies them)."""
