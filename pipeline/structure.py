"""The editor's last word on structure: meta.toml's `[structure]`, read and matched to the lines of a source.

An entry names a line by its text, as `booklet extract --explain` shows it, and says what the line is:

    [structure]
    "Consultez un médecin en ligne dès aujourd'hui" = "paragraph"
    "Síntomas" = "heading 2"

Text, not line numbers, because sources are re-copied from the web: after the next paste a line number
silently points at another line, while a text that is gone is an error naming the entry.  The text is
compared whole, after Unicode NFC and with runs of spaces as one, so what an editor copies from --explain
matches; an entry ending in "…" (or "...") names the line that starts with the text before it, as --explain
cuts long lines.  An entry names every line with its text: a repeated label is one thing to the editor.
"""
from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pipeline.config import table_key_lines
from pipeline.errors import ConfigError
from pipeline.explain import cut

MAX_DEPTH = 6
_VALUE = re.compile(r"(?P<kind>title|heading|paragraph|item|drop)(?: (?P<depth>[+-]?\d+))?")
VALUES = '"heading 1" to "heading 6", "heading", "title", "paragraph", "item" or "drop"'
_ELLIPSES = ("…", "...")


def plain(text: str) -> str:
    """Text as entries and lines are compared: NFC, runs of white space as one space, no space at the ends."""
    return " ".join(unicodedata.normalize("NFC", text).split())


@dataclass(frozen=True)
class Override:
    """One entry: the lines with this text are `kind`, a heading at `depth` where one is given (otherwise the
    rules place the heading)."""

    key: str  # as written in meta.toml, for messages
    kind: str  # "title", "heading", "paragraph", "item" or "drop"
    depth: int | None
    path: Path | None  # the meta.toml
    line: int | None  # of the entry in meta.toml

    @property
    def text(self) -> str:
        return plain(self.key)

    @property
    def prefix(self) -> str | None:
        """The text before a closing ellipsis: the entry then also names a line that starts with it."""
        return next((self.text[:-len(e)].rstrip() for e in _ELLIPSES if self.text.endswith(e)), None)

    @property
    def why(self) -> str:
        return f"override from {self.path.name if self.path else 'meta.toml'} line {self.line}"

    def error(self, message: str) -> ConfigError:
        return ConfigError(f'structure: "{self.key}": {message}', self.path, self.line)


def parse_structure(entries: dict[str, str], meta_text: str, path: Path | None) -> list[Override]:
    """The entries of `[structure]` in the order they are written; an unknown value or a depth outside 1 to 6
    is an error naming the entry's line."""
    lines = table_key_lines(meta_text, "structure")
    overrides = []
    for key, value in entries.items():
        line = lines.get(key)
        found = _VALUE.fullmatch(" ".join(value.casefold().split()))
        if found is None or (found["depth"] and found["kind"] != "heading"):
            raise ConfigError(f'structure: "{key}" = "{value}": unknown value; use {VALUES}', path, line)
        depth = int(found["depth"]) if found["depth"] else None
        if depth is not None and not 1 <= depth <= MAX_DEPTH:
            raise ConfigError(f'structure: "{key}" = "{value}": a heading\'s depth is 1 to {MAX_DEPTH}', path, line)
        if not plain(key):
            raise ConfigError(f'structure: "{key}": an empty entry names no line', path, line)
        overrides.append(Override(key, found["kind"], depth, path, line))
    return sorted(overrides, key=lambda o: o.line or 0)


def match_overrides(overrides: Sequence[Override], lines: Sequence[tuple[int | None, str]]) -> list[Override | None]:
    """The entry deciding each of `lines` (source line number, text), None where the rules decide.  An entry
    that names no line, a cut entry that starts several different lines, a title on several lines, a second
    title and two entries for one line are errors naming the entry's line."""
    texts = [plain(text) for _, text in lines]
    given: list[Override | None] = [None] * len(lines)
    for override in overrides:
        hits = [i for i, text in enumerate(texts) if text == override.text]
        if not hits and override.prefix:
            hits = [i for i, text in enumerate(texts) if text.startswith(override.prefix)]
            if len({texts[i] for i in hits}) > 1:
                raise override.error(f"starts {len(hits)} different lines ({_numbers(lines, hits)}); "
                                     "give more of the text")
        if not hits:
            raise override.error(_no_such_line(override, texts, lines))
        if override.kind == "title" and len(hits) > 1:
            raise override.error(f"is on lines {_numbers(lines, hits)}; only one line is the title")
        for i in hits:
            if given[i] is not None:
                raise override.error(f"line {lines[i][0]} is already decided by meta.toml line {given[i].line}")
            given[i] = override
    titles = [o for o in overrides if o.kind == "title"]
    if len(titles) > 1:
        raise titles[1].error(f"a second title: meta.toml line {titles[0].line} names the title")
    return given


def _numbers(lines: Sequence[tuple[int | None, str]], hits: list[int]) -> str:
    return ", ".join(str(lines[i][0]) for i in hits)


def _no_such_line(override: Override, texts: list[str], lines: Sequence[tuple[int | None, str]]) -> str:
    """No line reads so: the closest line where one is close, and where to see them all."""
    wanted = override.prefix or override.text
    shown = [text[:len(wanted)] if override.prefix else text for text in texts]
    close = difflib.get_close_matches(wanted, shown, n=1, cutoff=0.6)
    hint = ""
    if close:
        i = shown.index(close[0])
        hint = f'; the closest is "{cut(texts[i])}" (line {lines[i][0]})'
    return f"no line of the source reads so{hint}; `booklet extract --explain` shows every line as it is read"
