"""Renderers: one small module per output format. Nothing below here computes a dose."""
