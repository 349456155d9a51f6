"""The one error type the CLI turns into a one-line message and a non-zero exit."""
from __future__ import annotations

from pathlib import Path


class BookletError(Exception):
    """Bad input or a failed build step: names the file (and line) so the user can fix it."""

    def __init__(self, message: str, path: str | Path | None = None, line: int | None = None):
        self.message = message
        self.path = Path(path) if path is not None else None
        self.line = line
        super().__init__(str(self))

    def __str__(self) -> str:
        where = ""
        if self.path is not None:
            where = f"{self.path}:{self.line}: " if self.line is not None else f"{self.path}: "
        return f"{where}{self.message}"
