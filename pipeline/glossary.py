""""Words to know": a document's glossary file, the order its entries print in, and where each term is first used.

`sources/<doc-id>/glossary.toml` holds one `[[entry]]` table per term:

    [[entry]]
    term = "Electromyography"
    forms = ["EMG", "electromyogram"]   # other spellings that count as a use (optional)
    definition = "A test that records the tiny electric signals in your muscles."
    sources = [3, "https://www.ninds.nih.gov/"]   # the document's citation numbers, or web addresses (optional)

A file of its own rather than a table of meta.toml: twenty terms with their definitions would bury the few
lines of metadata, and editors who write definitions need not touch the file that says what the document is.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

from pydantic import Field, field_validator

from pipeline.config import Strict, check_https, line_of, load_toml
from pipeline.errors import ConfigError
from pipeline.i18n.units import body_fields
from pipeline.model import Document, GlossaryEntry


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be empty")
    return value.strip()


class EntryFile(Strict):
    term: str
    definition: str
    forms: list[str] = []
    sources: list[Annotated[int, Field(ge=1)] | str] = []

    _check_text = field_validator("term", "definition")(lambda cls, v: _not_blank(v))
    _check_forms = field_validator("forms")(lambda cls, v: [_not_blank(form) for form in v])

    @field_validator("sources")
    @classmethod
    def _addresses(cls, sources: list[int | str]) -> list[int | str]:
        return [source if isinstance(source, int) else check_https(source) for source in sources]


class GlossaryFile(Strict):
    entry: list[EntryFile] = []


_ENTRY_HEADER = re.compile(r"^[ \t]*\[\[[ \t]*entry[ \t]*\]\]", re.M)


def _entry_starts(text: str) -> list[int]:
    """The line of each `[[entry]]` header, in order."""
    return [text.count("\n", 0, m.start()) + 1 for m in _ENTRY_HEADER.finditer(text)]


def _entry_line(text: str, loc: list[str]) -> int | None:
    """The line of `entry.<index>.<key>`: the key's line inside that entry's table, else its header's line.
    (config.line_of finds the first `key =` of the file, which is the first entry's.)"""
    starts = _entry_starts(text)
    if len(loc) < 2 or loc[0] != "entry" or not loc[1].isdigit() or int(loc[1]) >= len(starts):
        return line_of(text, loc)
    index = int(loc[1])
    start = starts[index]
    end = starts[index + 1] if index + 1 < len(starts) else None
    table = "\n".join(text.splitlines()[start - 1:end - 1 if end else None])
    found = line_of(table, loc[2:3]) if len(loc) > 2 else None
    return start + found - 1 if found else start


def load_glossary(path: Path) -> list[GlossaryEntry]:
    """The entries of a glossary file, numbered in its order.  Unknown keys, an empty term, definition or form,
    a source that is neither a citation number nor an https address, and a term or form that two entries share
    (compared without case) are one-line errors naming the file and line."""
    parsed = load_toml(path, GlossaryFile, locate=_entry_line)
    text = path.read_text(encoding="utf-8")
    starts = _entry_starts(text)
    owners: dict[str, int] = {}
    entries = []
    for number, given in enumerate(parsed.entry, start=1):
        line = starts[number - 1] if number <= len(starts) else None
        names = [given.term, *given.forms]
        for name in names:
            if names.count(name) > 1:
                raise ConfigError(f"entry {number}: {name!r} is given twice", path, line)
            earlier = owners.setdefault(name.casefold(), number)
            if earlier != number:
                raise ConfigError(f"entry {number}: {name!r} is already a term or form of entry {earlier} "
                                  f"({parsed.entry[earlier - 1].term!r})", path, line)
        entries.append(GlossaryEntry(number, given.term, given.definition, list(given.forms),
                                     [s for s in given.sources if isinstance(s, int)],
                                     [s for s in given.sources if isinstance(s, str)], line))
    return entries


def check_citations(entries: list[GlossaryEntry], citations: int, path: Path) -> None:
    """Every citation number a glossary entry gives is one of the document's `citations` sources."""
    for entry in entries:
        if wrong := [n for n in entry.citations if n > citations]:
            text = path.read_text(encoding="utf-8")
            raise ConfigError(f"entry {entry.number} ({entry.term!r}): sources {wrong} are not citations of the "
                              f"document (it has {citations})", path,
                              _entry_line(text, ["entry", str(entry.number - 1), "sources"]))


# --- the printed order ----------------------------------------------------------------------------------------

def collation_key(term: str) -> tuple[str, str, str]:
    """Alphabetical order without a collation library (neither PyICU nor a collating Babel is available): letters
    compared without their accents and case ("Électro…" beside "electro…"), then with case, then as written so the
    order is total.  Right for English, French and German (DIN 5007-1); Spanish "ñ" sorts with "n"."""
    bare = "".join(c for c in unicodedata.normalize("NFKD", term) if not unicodedata.combining(c))
    return bare.casefold(), term.casefold(), term


def in_glossary_order(entries: list[GlossaryEntry]) -> list[GlossaryEntry]:
    return sorted(entries, key=lambda entry: collation_key(entry.term))


# --- first uses -------------------------------------------------------------------------------------------

def is_abbreviation(name: str) -> bool:
    """"EMG", "IVIg", "CT": one word with two capitals or more; matched with its case ("PET", not "pet")."""
    return len(name.split()) == 1 and sum(c.isupper() for c in name) >= 2


def _pattern(name: str) -> re.Pattern:
    words = r"\s+".join(re.escape(word) for word in name.split())
    return re.compile(rf"(?<!\w){words}(?!\w)", 0 if is_abbreviation(name) else re.IGNORECASE)


@dataclass(frozen=True)
class Use:
    start: int
    end: int
    number: int  # the glossary entry's


class FirstUses:
    """Where the body text (units.body_fields: not headings, not the glossary) first uses each term of `doc`'s
    glossary, its term or one of its forms, whole words only.  Where two terms overlap ("motor neuropathy",
    "neuropathy"), the one that starts first, else the longer, is linked there; the other at its next use."""

    def __init__(self, doc: Document):
        self._doc = doc  # the keys below are ids of its objects, which must stay alive
        self._uses: dict[tuple[int, str], list[Use]] = {}
        patterns = [(entry.number, _pattern(name)) for entry in doc.glossary
                    for name in dict.fromkeys([entry.term, *entry.forms])]
        pending = {entry.number for entry in doc.glossary}
        for owner, name in body_fields(doc):
            if not pending:
                break
            value = getattr(owner, name)
            found = sorted((m.start(), -m.end(), number) for number, pattern in patterns if number in pending
                           for m in pattern.finditer(value))
            chosen: list[Use] = []
            for start, minus_end, number in found:
                if number in pending and all(-minus_end <= u.start or start >= u.end for u in chosen):
                    chosen.append(Use(start, -minus_end, number))
                    pending.discard(number)
            if chosen:
                self._uses[(id(owner), name)] = sorted(chosen, key=lambda u: u.start)

    def uses(self, owner, name: str) -> list[Use]:
        return self._uses.get((id(owner), name), [])


def linked_pieces(value: str, uses: list[Use]) -> list[tuple[str, int | None]]:
    """`value` cut at its `uses`: (text, entry number) for a use, (text, None) for the text between."""
    pieces: list[tuple[str, int | None]] = []
    done = 0
    for use in uses:
        pieces += [(value[done:use.start], None), (value[use.start:use.end], use.number)]
        done = use.end
    pieces.append((value[done:], None))
    return [(text, number) for text, number in pieces if text]
