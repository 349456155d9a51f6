"""booklet: medical source articles to patient booklets, handouts and EPUBs."""
