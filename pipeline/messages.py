"""What a build tells: one type for every message, with a stable code (the README lists them), a severity, and
the file and line it is about where there is one, so that CI and publishers' scripts can act on a message by
its code (`booklet build --report FILE.json`) rather than by its wording, which may change."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Message:
    code: str  # "normalise.page-chrome", "gate.held-back", "build.wrote", …
    text: str
    severity: str = "info"  # "info", "warning" or "error"
    file: str | None = None
    line: int | None = None

    def __str__(self) -> str:
        """As printed: `file:line: warning: text` for a message about a file, else the text alone."""
        if self.file is None:
            return self.text
        where = f"{self.file}:{self.line}" if self.line is not None else self.file
        return f"{where}: {'warning: ' if self.severity == 'warning' else ''}{self.text}"
