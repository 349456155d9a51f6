"""Checks on built outputs by outside tools (DAISY Ace for EPUB accessibility)."""
