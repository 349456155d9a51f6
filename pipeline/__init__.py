"""booklet: medical source articles to patient booklets, handouts and EPUBs."""
from pathlib import Path

# The folder holding pipeline/, layouts/, babel.cfg and tools/ (an editable install runs from it).
REPO_DIR = Path(__file__).resolve().parent.parent
