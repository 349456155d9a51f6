"""The editor's last word on structure: meta.toml's `[structure]`, read and matched to the lines of a source.

An entry names a line by its text, as `booklet extract --explain` shows it, and says what the line is:

    [structure]
    "Consultez un médecin en ligne dès aujourd'hui" = "paragraph"
    "Síntomas" = "heading 2"

Text, not line numbers, because sources are re-copied from the web: after the next paste a line number
silently points at another line, while a text that is gone is an error naming the entry.  The text is
compared whole, after Unicode NFC and with runs of spaces as one, so what an editor copies from --explain
matches; an entry ending in "…" (or "...") names the line that starts with the text before it, as --explain
cuts long lines.  Where an entry names several lines (a label repeated, "Medical history" as a list item and
as a heading), it gives one value per line, in order (`["item", "heading 2"]`): one value for several lines
would change lines the editor may not have looked at, so it is an error.
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
class Entry:
    """One `[structure]` entry: the lines with this text (or starting with it, before a closing ellipsis) and
    what each of them is, in order; one value names one line."""

    key: str  # as written in meta.toml, for messages
    values: tuple[tuple[str, int | None], ...]  # (kind, depth): "heading" with a depth or None, or another kind
    path: Path | None  # the meta.toml
    line: int | None  # of the entry in meta.toml

    @property
    def text(self) -> str:
        return plain(self.key)

    @property
    def prefix(self) -> str | None:
        return next((self.text[:-len(e)].rstrip() for e in _ELLIPSES if self.text.endswith(e)), None)

    @property
    def why(self) -> str:
        return f"override from {self.path.name if self.path else 'meta.toml'} line {self.line}"

    def error(self, message: str) -> ConfigError:
        return ConfigError(f'structure: "{self.key}": {message}', self.path, self.line)


@dataclass(frozen=True)
class Override:
    """What an entry says one line is: `kind`, a heading at `depth` where one is given (else the rules place
    the heading)."""

    kind: str  # "title", "heading", "paragraph", "item" or "drop"
    depth: int | None
    entry: Entry

    @property
    def why(self) -> str:
        return self.entry.why

    def error(self, message: str) -> ConfigError:
        return self.entry.error(message)


def parse_structure(table: dict[str, str | list[str]], meta_text: str, path: Path | None) -> list[Entry]:
    """The entries of `[structure]` in the order they are written; an unknown value or a depth outside 1 to 6
    is an error naming the entry's line."""
    lines = table_key_lines(meta_text, "structure")
    entries = []
    for key, given in table.items():
        line = lines.get(key)
        values = []
        for value in [given] if isinstance(given, str) else given:
            found = _VALUE.fullmatch(" ".join(value.casefold().split()))
            if found is None or (found["depth"] and found["kind"] != "heading"):
                raise ConfigError(f'structure: "{key}": "{value}" is not a value; use {VALUES}', path, line)
            depth = int(found["depth"]) if found["depth"] else None
            if depth is not None and not 1 <= depth <= MAX_DEPTH:
                raise ConfigError(f'structure: "{key}": "{value}": a heading\'s depth is 1 to {MAX_DEPTH}', path, line)
            values.append((found["kind"], depth))
        if not plain(key):
            raise ConfigError(f'structure: "{key}": an empty entry names no line', path, line)
        if not values:
            raise ConfigError(f'structure: "{key}": an empty list says nothing; use {VALUES}', path, line)
        entries.append(Entry(key, tuple(values), path, line))
    return sorted(entries, key=lambda e: e.line or 0)


def match_overrides(entries: Sequence[Entry], lines: Sequence[tuple[int | None, str]]) -> list[Override | None]:
    """What meta.toml says each of `lines` (source line number, text) is, None where the rules decide.  An
    entry naming no line, or a number of lines other than its number of values (one value for several lines
    is ambiguous), two entries for one line and a second title are errors naming the entry's line."""
    texts = [plain(text) for _, text in lines]
    given: list[Override | None] = [None] * len(lines)
    for entry in entries:
        hits = [i for i, text in enumerate(texts) if text == entry.text]
        if not hits and entry.prefix:
            hits = [i for i, text in enumerate(texts) if text.startswith(entry.prefix)]
        if not hits:
            raise entry.error(_no_such_line(entry, texts, lines))
        if len(hits) != len(entry.values):
            kinds = ", ".join(f'"{_spelled(kind, depth)}"' for kind, depth in entry.values)
            raise entry.error(f"names {len(hits)} line{'s' if len(hits) > 1 else ''} ({_numbers(lines, hits)}) "
                              f"and gives {len(entry.values)} value{'s' if len(entry.values) > 1 else ''} ({kinds}); "
                              "give more of the text, or one value per line, in order: [\"…\", \"…\"]")
        for i, (kind, depth) in zip(hits, entry.values):
            if given[i] is not None:
                raise entry.error(f"line {lines[i][0]} is already decided by meta.toml line {given[i].entry.line}")
            given[i] = Override(kind, depth, entry)
    titles = [o for o in given if o is not None and o.kind == "title"]
    if len(titles) > 1:
        raise titles[1].error(f"a second title: meta.toml line {titles[0].entry.line} names the title")
    return given


def _spelled(kind: str, depth: int | None) -> str:
    return kind if depth is None else f"{kind} {depth}"


def _numbers(lines: Sequence[tuple[int | None, str]], hits: list[int]) -> str:
    return ", ".join(str(lines[i][0]) for i in hits)


def _no_such_line(entry: Entry, texts: list[str], lines: Sequence[tuple[int | None, str]]) -> str:
    """No line reads so: the closest line where one is close, and where to see them all."""
    wanted = entry.prefix or entry.text
    shown = [text[:len(wanted)] if entry.prefix else text for text in texts]
    close = difflib.get_close_matches(wanted, shown, n=1, cutoff=0.6)
    hint = ""
    if close:
        i = shown.index(close[0])
        hint = f'; the closest is "{cut(texts[i])}" (line {lines[i][0]})'
    return f"no line of the source reads so{hint}; `booklet extract --explain` shows every line as it is read"
