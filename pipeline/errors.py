"""The error types the CLI turns into a one-line message and a non-zero exit."""
from __future__ import annotations

from pathlib import Path


class BookletError(Exception):
    """Bad input or a failed build step: names the file (and line) so the user can fix it.  Exit status 1."""

    exit_code = 1

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


class ConfigError(BookletError):
    """A usage or configuration error (a bad option, booklet.toml, meta.toml, clinic file).  Exit status 2."""

    exit_code = 2


class Interrupted(BaseException):
    """Raised by the signal handler for SIGINT, SIGTERM and SIGHUP, so that every `finally` and
    fsio.atomic_path clean up as for Ctrl-C.  A BaseException: no `except Exception` swallows it."""

    def __init__(self, signum: int):
        self.signum = signum
        super().__init__(signum)
