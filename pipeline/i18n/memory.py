"""Translation memory: what a locale's translators have done, offered to new source text (issue 14).

The memory of a locale is every translated, non-fuzzy entry of its document catalogs, plus the suggestions
imported from TMX files (`translations/<locale>/memory.tmx`).  The labels (`ui.po`) do not feed it: they are
short interface strings with placeholders, translated for a button or a running head, and would be poor
suggestions for a sentence of a handout.  A fuzzy entry does not feed it either, so a suggestion never
breeds suggestions.

`Memory.prefill` gives an entry with no translation the best match as a fuzzy translation with a translator
comment naming where it came from (catalogs.MEMORY_COMMENT); fuzzy entries are never printed, so nothing
the memory offers reaches a handout before a translator confirms it.  Matching is translate-toolkit's
Levenshtein matcher: exact matches score 100, close ones at least MIN_SIMILARITY percent.

TMX: `tmx_bytes` writes TMX 1.4 with translate-toolkit; `read_tmx` reads it with lxml, because
translate-toolkit's reader checks the root element with an assert and says on no line what is wrong.
"""
from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Message
from lxml import etree
from translate.storage import tmx
from translate.storage.base import TranslationStore, TranslationUnit

from pipeline.errors import BookletError
from pipeline.fsio import write_atomic
from pipeline.i18n.catalogs import MEMORY_COMMENT, is_document, locale_id, read_catalog
from pipeline.i18n.qa import check_unit

# translate-toolkit warns on import that RapidFuzz (its optional native Levenshtein) is missing: its own
# Python distance is fast enough for a locale's memory, and the warning would be a stray line in the CLI's
# output.  Silenced for that import only.
_lshtein_log = logging.getLogger("translate.search.lshtein")
_was_disabled, _lshtein_log.disabled = _lshtein_log.disabled, True
from translate.search.match import matcher  # noqa: E402

_lshtein_log.disabled = _was_disabled

SOURCE_LANGUAGE = "en"  # what the memory's sources are written in, the srclang of its TMX
MIN_SIMILARITY = 75
MEMORY_FILE = "memory.tmx"  # per locale, beside LC_MESSAGES: the imported suggestions
NUMBER_CHECKS = {"dose-number", "dose-unit", "frequency"}  # pipeline.i18n.qa's checks of numbers


@dataclass(frozen=True)
class MemoryUnit:
    source: str
    target: str
    origin: str  # where the translation is: "<document>.po:<line of its msgid>", "<file>.tmx:<line of its tu>"


@dataclass(frozen=True)
class Suggestion:
    unit: MemoryUnit
    score: int  # similarity of the sources in percent; 100 when they are the same


class _Matcher(matcher):
    """translate-toolkit's matcher, answering (score, candidate) pairs instead of new PO units with the score
    in a note, so that a candidate keeps its note: its index in the memory."""

    def buildunits(self, candidates):
        return candidates


class Memory:
    """One locale's memory, matched in a stable order: of equally good candidates the one with the shortest
    source wins (the matcher's order), then the first of `units` (catalogs by name, then the TMX)."""

    def __init__(self, locale: str, units: Iterable[MemoryUnit]):
        self.locale = locale
        self.units = list(units)
        self._exact: dict[str, MemoryUnit] = {}
        for unit in self.units:
            self._exact.setdefault(unit.source, unit)
        candidates = TranslationStore()
        for index, unit in enumerate(self.units):
            candidate = TranslationUnit(unit.source)
            candidate.target = unit.target
            candidate.addnote(str(index))
            candidates.addunit(candidate)
        # One candidate kept: the matcher's heap would compare two units of equal score, which cannot be
        # ordered.  max_length: whole paragraphs, not their first 70 characters (its default).
        longest = max((len(unit.source) for unit in self.units), default=1)
        self._matcher = _Matcher(candidates, max_candidates=1, min_similarity=MIN_SIMILARITY,
                                 max_length=2 * longest)

    def without(self, catalog_name: str) -> Memory:
        """The memory less the entries of one catalog (`es/LC_MESSAGES/x.po` is not its own memory)."""
        return Memory(self.locale, [u for u in self.units if u.origin.rpartition(":")[0] != catalog_name])

    def best(self, text: str) -> Suggestion | None:
        if (unit := self._exact.get(text)) is not None:
            return Suggestion(unit, 100)
        for score, candidate in self._matcher.matches(text):
            return Suggestion(self.units[int(candidate.getnotes())], int(score))
        return None

    def prefill(self, messages: Iterable[Message]) -> None:
        """Give each of `messages` that has no translation its best match, fuzzy, with a translator comment
        naming where it came from (and saying so when its numbers differ from the new source); for a close
        match the memory's source becomes the previous msgid, so Poedit and Weblate show what differs."""
        for message in messages:
            if not isinstance(message.id, str) or not message.id or message.string:
                continue
            if (suggestion := self.best(message.id)) is None:
                continue
            message.string = suggestion.unit.target
            message.flags.add("fuzzy")
            message.user_comments.append(self._comment(message.id, suggestion))
            message.previous_id = [] if suggestion.score == 100 else [suggestion.unit.source]
            message.previous_context = None

    def _comment(self, source: str, suggestion: Suggestion) -> str:
        comment = f"{MEMORY_COMMENT} {suggestion.score}% from {suggestion.unit.origin}"
        numbers = [p for p in check_unit(source, suggestion.unit.target, SOURCE_LANGUAGE, self.locale)
                   if p.code in NUMBER_CHECKS]
        return f"{comment}; numbers differ: {numbers[0].message}" if numbers else comment


def catalog_units(paths: Iterable[Path]) -> list[MemoryUnit]:
    """The translated, non-fuzzy singular entries of the document catalogs among `paths`, in their order."""
    found = []
    for path in paths:
        if not is_document(path):
            continue
        for message in read_catalog(path).catalog:
            if isinstance(message.id, str) and message.id and message.string and not message.fuzzy:
                found.append(MemoryUnit(message.id, message.string, f"{path.name}:{message.lineno}"))
    return found


def memory_path(root: Path, locale: str) -> Path:
    return root / locale_id(locale) / MEMORY_FILE


def load_memory(root: Path, locale: str) -> Memory:
    """The memory of `locale` in the translations folder `root`: its document catalogs, sorted by name, then
    the suggestions imported into its memory.tmx."""
    catalogs = sorted((root / locale_id(locale) / "LC_MESSAGES").glob("*.po"))
    stored = memory_path(root, locale)
    imported = read_tmx(stored, keep_origins=True).get(locale_id(locale), []) if stored.is_file() else []
    return Memory(locale, catalog_units(catalogs) + imported)


# --- TMX --------------------------------------------------------------------------------------------------

def tmx_bytes(memories: dict[str, list[MemoryUnit]]) -> bytes:
    """TMX 1.4 of the memories (locale folder name -> units): srclang en, one <tu> per source, target and
    locale (the first origin of each kept as its <note>), sorted, so the same memory gives the same bytes."""
    store = tmx.tmxfile(sourcelanguage=SOURCE_LANGUAGE)
    for locale in sorted(memories):
        first: dict[tuple[str, str], str] = {}
        for unit in memories[locale]:
            first.setdefault((unit.source, unit.target), unit.origin)
        for (source, target), origin in sorted(first.items()):
            store.addtranslation(source, SOURCE_LANGUAGE, target, locale.replace("_", "-"), comment=origin)
    return bytes(store)


_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def read_tmx(path: Path, keep_origins: bool = False) -> dict[str, list[MemoryUnit]]:
    """The units of a TMX file by target locale (folder name).  Their origin is the file and line of their
    <tu>, or with `keep_origins` the <note> booklet wrote there (the stored memory keeps the file a
    suggestion was imported from).  A file booklet cannot read is a BookletError naming its line."""
    try:
        root = etree.parse(str(path), _PARSER).getroot()
    except OSError as exc:
        raise BookletError(f"cannot read: {exc}", path) from None
    except etree.XMLSyntaxError as exc:
        raise BookletError(f"not well-formed XML: {exc.msg}", path, exc.lineno) from None
    if root.tag != "tmx":
        raise BookletError(f"not a TMX file: its root element is <{root.tag}>, not <tmx>", path, root.sourceline)
    header = root.find("header")
    srclang = header.get("srclang", "") if header is not None else ""
    if srclang.replace("_", "-").lower().split("-")[0] != SOURCE_LANGUAGE:
        raise BookletError(f"the TMX header's srclang is {srclang or 'missing'!r}; booklet's memory is of "
                           f"sources in {SOURCE_LANGUAGE!r}", path, (header if header is not None else root).sourceline)
    found: dict[str, list[MemoryUnit]] = {}
    for tu in root.iterfind("body/tu"):
        variants = {}
        for tuv in tu.iterfind("tuv"):
            if not tuv.get(_XML_LANG) or tuv.find("seg") is None:
                raise BookletError("a <tuv> needs an xml:lang and a <seg>", path, tuv.sourceline)
            variants[tuv.get(_XML_LANG)] = _segment_text(tuv.find("seg"))
        sources = [text for lang, text in variants.items() if lang.lower() == srclang.lower()]
        if not sources:
            raise BookletError(f"this <tu> has no <tuv> in the source language {srclang}", path, tu.sourceline)
        note = tu.findtext("note") if keep_origins else None
        origin = note or f"{path.name}:{tu.sourceline}"
        for lang, text in variants.items():
            if lang.lower() != srclang.lower() and text and sources[0]:  # a pair to learn from
                try:
                    locale = locale_id(lang)
                except BookletError as exc:
                    raise BookletError(exc.message, path, tu.sourceline) from None
                found.setdefault(locale, []).append(MemoryUnit(sources[0], text, origin))
    return found


def _segment_text(seg) -> str:
    """The text of a <seg>: its own and that of its highlighted parts (<hi>), without the native codes of
    <bpt>, <ept>, <ph>, <it> and <ut>."""
    return "".join(seg.xpath("text() | .//hi/text()"))


def import_tmx(root: Path, path: Path) -> dict[Path, int]:
    """Add the units of the TMX file `path` to the stored memory of each locale it holds, as suggestions
    whose origin is that file; returns each memory.tmx written and how many units it gained."""
    by_folder: dict[str, list[MemoryUnit]] = {}
    for locale, units in sorted(read_tmx(path).items()):
        by_folder.setdefault(_translated_locale(root, locale), []).extend(units)
    written = {}
    for locale, units in by_folder.items():
        stored = memory_path(root, locale)
        before = read_tmx(stored, keep_origins=True).get(locale, []) if stored.is_file() else []
        known = {(u.source, u.target) for u in before}
        added = [u for u in units if (u.source, u.target) not in known]
        if added:
            write_atomic(stored, tmx_bytes({locale: before + added}))
        written[stored] = len({(u.source, u.target) for u in added})
    return written


def _translated_locale(root: Path, locale: str) -> str:
    """The project's locale for a TMX language: a CAT tool's es-ES feeds the catalogs of es, where the project
    translates into es and not es_ES."""
    language = locale.split("_")[0]
    if not (root / locale / "LC_MESSAGES").is_dir() and (root / language / "LC_MESSAGES").is_dir():
        return language
    return locale


def export_tmx(root: Path, locales: Iterable[str]) -> bytes:
    """The memory of each of `locales` as one TMX 1.4 file."""
    return tmx_bytes({locale_id(locale): load_memory(root, locale).units for locale in locales})
