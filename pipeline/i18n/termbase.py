"""A termbase per language: `translations/<locale>/glossary.tbx` lists the approved renderings of the
abbreviations, drug names and medical terms of the documents, and the renderings it forbids.

The file is TBX (ISO 30042, the termbase exchange format Weblate imports and exports, and Poedit and most CAT
tools read), read with translate-toolkit's `translate.storage.tbx`.  One `<termEntry>` is one source term
with its spellings: its English `<langSet>` holds the source forms (IVIG, IVIg), marked
`<termNote type="termType">abbreviation</termNote>` for an abbreviation; its other `<langSet>` the approved
renderings (several are alternatives), and the forbidden ones with `<termNote type="administrativeStatus">`
forbidden (Weblate's word; TBX's deprecatedTerm-admn-sts, obsolete and notRecommended count too).
A `<descrip>` of the entry says what the term is (its subjectField: drug name, medical term; or an
abbreviation's definition), a `<note>` why it is rendered so; both are shown to the translator with a problem.

A rendering is found in a translation with the allowances of real text: case (abbreviations keep theirs),
inflection (each word of a rendering may end in other letters: neuropatía → neuropatías, Immunsuppressivum →
Immunsuppressiva), spaces or hyphens between words, and in Arabic the vowel marks and the glued
conjunctions, prepositions and article (و ب ل ف ك ال: "بالأجسام المضادة").
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from types import MappingProxyType
from typing import Collection, Iterable, Iterator, Mapping

from lxml import etree
from translate.storage.tbx import TBXTerm, tbxfile

from pipeline.errors import BookletError
from pipeline.i18n.catalogs import locale_id
from pipeline.i18n.qa import _ARABIC_MARKS, _BIDI_CONTROLS, _NOT_LATIN_AFTER, _NOT_LATIN_BEFORE, Problem

__all__ = ["GLOSSARY", "Concept", "Termbase", "glossary_path", "inconsistencies", "load_termbase", "read_glossary"]

GLOSSARY = "glossary.tbx"
# TBX termType values (TBX-Basic's picklist, and ISO 12620's) that make a term an abbreviation.
_ABBREVIATION_TYPES = {"abbreviation", "acronym", "initialism", "shortform"}
# administrativeStatus values that forbid a rendering: Weblate's, and TBX's own beside translate-toolkit's
# `deprecated` ones.
_FORBIDDEN_STATUSES = {"forbidden", "obsolete", "notrecommended", "supersededterm-admn-sts"}
_APPROVED_STATUSES = {"preferred", "admitted", "preferredterm-admn-sts", "admittedterm-admn-sts"}
_WORD_GAP = r"[\s\-\u2010\u2011]+"  # "motor neuron", "motor-neuron"
# Glued to an Arabic word: a conjunction (و ف), then a preposition (ب ك ل), then the article (ال; ل + ال = لل).
_ARABIC_PREFIX = "(?:[وف]?(?:[بك]?ال|لل|[بكل])?)"
_ARABIC_LETTER = re.compile("[\u0600-\u06ff\u0750-\u077f]")


@dataclass(frozen=True)
class Concept:
    """One glossary entry: a source term in its spellings and its renderings in the glossary's language."""

    source_terms: tuple[str, ...]
    abbreviation: bool
    about: str  # what the term is, as the glossary says ("drug name", "intravenous immunoglobulin"), or ""
    approved: tuple[str, ...]
    forbidden: tuple[str, ...]
    note: str
    line: int  # of its <termEntry>

    @cached_property
    def source_pattern(self) -> re.Pattern:
        return _term_pattern(self.source_terms, self.abbreviation, _source_word)

    @cached_property
    def rendering_patterns(self) -> dict[str, re.Pattern]:
        return {rendering: _term_pattern([rendering], self.abbreviation, _inflected)
                for rendering in (*self.approved, *self.forbidden)}

    def found_in(self, translation: str) -> list[str]:
        """The renderings of this concept (approved or forbidden) in a translation, in the glossary's order."""
        plain = _plain(translation)
        return [rendering for rendering, pattern in self.rendering_patterns.items() if pattern.search(plain)]


@dataclass(frozen=True)
class Termbase:
    path: Path
    concepts: tuple[Concept, ...]

    @cached_property
    def approved(self) -> Mapping[str, Collection[str]]:
        """Each source spelling and its approved renderings (for qa.check_unit's abbreviation check)."""
        return MappingProxyType({term: concept.approved for concept in self.concepts if concept.approved
                                 for term in concept.source_terms})

    def concepts_in(self, source: str) -> list[Concept]:
        plain = _plain(source)
        return [concept for concept in self.concepts if concept.source_pattern.search(plain)]

    def check(self, source: str, translation: str) -> list[Problem]:
        """Each glossary term of `source` whose rendering in `translation` the glossary forbids (critical:
        a forbidden rendering is a wrong one, so a build shows the source instead) or does not approve."""
        problems = []
        for concept in self.concepts_in(source):
            found = concept.found_in(translation)
            if forbidden := [rendering for rendering in found if rendering in concept.forbidden]:
                use = f"; use {_alternatives(concept.approved)}" if concept.approved else ""
                problems.append(Problem("critical", "term-forbidden",
                                        f"{_named(concept)} is rendered “{forbidden[0]}”, which the glossary forbids"
                                        f"{use} ({self._where(concept)})"))
            elif concept.approved and not found:
                problems.append(Problem("functional", "term-unapproved",
                                        f"{_named(concept)} has none of the glossary's renderings: "
                                        f"{_alternatives(concept.approved)} ({self._where(concept)})"))
        return problems

    def _where(self, concept: Concept) -> str:
        return f"{self.path.name}:{concept.line}" + (f"; {concept.note}" if concept.note else "")

    def renderings(self, source: str, translation: str) -> Iterator[tuple[Concept, str]]:
        """The approved rendering `translation` gives each glossary term of `source` (the first the glossary
        lists, if it has several)."""
        for concept in self.concepts_in(source):
            if approved := [r for r in concept.found_in(translation) if r in concept.approved]:
                yield concept, approved[0]


def _named(concept: Concept) -> str:
    return f"“{concept.source_terms[0]}”" + (f" ({concept.about})" if concept.about else "")


def _alternatives(renderings: Iterable[str]) -> str:
    return " or ".join(f"“{rendering}”" for rendering in renderings)


# ---- reading a glossary ---------------------------------------------------------------------------------

def glossary_path(translations: Path, locale: str) -> Path:
    return translations / locale_id(locale) / GLOSSARY


def load_termbase(translations: Path, locale: str) -> Termbase | None:
    """The glossary of `locale` in a project's translations folder; None if it has none."""
    path = glossary_path(translations, locale)
    return read_glossary(path) if path.is_file() else None


def read_glossary(path: Path) -> Termbase:
    """Read a TBX glossary; what is wrong with it is a BookletError naming the file and line."""
    try:
        store = tbxfile(path.read_bytes(), sourcelanguage=None)
    except etree.XMLSyntaxError as exc:
        raise BookletError(f"not a well-formed TBX glossary: {exc.msg}", path, exc.lineno) from None
    except AssertionError:  # translate-toolkit's check of the root element
        raise BookletError("not a TBX glossary: its root element is not <martif>", path, 1) from None
    source_language = store.document.getroot().get("{http://www.w3.org/XML/1998/namespace}lang") or "en"
    store.setsourcelanguage(source_language)
    concepts, seen = [], {}
    for unit in store.units:
        concept = _concept(unit, path)
        for term in concept.source_terms:
            if term in seen:
                raise BookletError(f"“{term}” is in the glossary twice (its first entry is on line {seen[term]})",
                                   path, concept.line)
            seen[term] = concept.line
        concepts.append(concept)
    return Termbase(path, tuple(concepts))


def _concept(unit, path: Path) -> Concept:
    line = unit.xmlelement.sourceline
    sources = unit.get_source_terms()
    if not sources or not all(term.text.strip() for term in sources):
        raise BookletError("a <termEntry> without its source term (a <langSet> in the glossary's source "
                           "language, the xml:lang of <martif>, with a <term> in a <tig>)", path, line)
    types = {note.text.strip().lower() for term in sources for note in term.notes if note.category == "termType"}
    targets = [term for term in unit.get_target_terms() if term.text.strip()]
    approved, forbidden = [], []
    for term in targets:
        (forbidden if _forbidden(term, path, line) else approved).append(term.text.strip())
    notes = unit.get_common_notes()
    return Concept(
        source_terms=tuple(term.text.strip() for term in sources),
        abbreviation=bool(types & _ABBREVIATION_TYPES),
        about=next((note.text.strip() for note in notes if note.origin == "definition"), ""),
        approved=tuple(approved), forbidden=tuple(forbidden),
        note=" ".join(note.text.strip() for note in notes if note.origin not in ("definition", "pos")),
        line=line)


def _forbidden(term: TBXTerm, path: Path, line: int) -> bool:
    status = (term.administrative_status or "").strip().lower()
    if status and not (term.deprecated or status in _FORBIDDEN_STATUSES | _APPROVED_STATUSES):
        raise BookletError(f"“{term.text}”: unknown administrativeStatus {status!r} (forbidden, obsolete, "
                           "deprecatedTerm-admn-sts, or preferred, admitted)", path, line)
    return term.deprecated or status in _FORBIDDEN_STATUSES


# ---- finding a term in a text ---------------------------------------------------------------------------

def _plain(text: str) -> str:
    """Text as terms are looked for in it: composed, without bidi controls, Arabic vowel marks or tatweel."""
    return re.sub(f"[{_ARABIC_MARKS}]", "", unicodedata.normalize("NFC", text).translate(_BIDI_CONTROLS))


def _term_pattern(terms: Iterable[str], abbreviation: bool, word_pattern) -> re.Pattern:
    """Any of `terms`: an abbreviation as written, bounded by anything but a Latin letter (so a glued Arabic
    prefix hides nothing), with a plural s; words and phrases in any case, bounded, each word as
    `word_pattern` allows."""
    word = re.escape if abbreviation else word_pattern
    spellings = "|".join(_WORD_GAP.join(map(word, re.split(_WORD_GAP, _plain(term)))) for term in terms)
    if abbreviation:
        return re.compile(f"{_NOT_LATIN_BEFORE}(?:{spellings})s?{_NOT_LATIN_AFTER}")
    return re.compile(rf"(?<!\w)(?:{spellings})(?!\w)", re.IGNORECASE)


def _source_word(word: str) -> str:
    """An English word and its plural: neuropathy/neuropathies, corticosteroid(s), plasma exchange(s)."""
    if word.endswith("y") and len(word) > 3:
        return re.escape(word[:-1]) + "(?:y|ies)"
    return re.escape(word) + "(?:e?s)?"


def _inflected(word: str) -> str:
    """A word of a rendering in its inflected forms: one of seven letters or more may end in up to four others
    in place of its last two, a shorter one may take up to two more; an Arabic one its glued prefixes."""
    prefix = ""
    if _ARABIC_LETTER.match(word):
        prefix = _ARABIC_PREFIX
        word = word.removeprefix("ال") if len(word) > 4 else word
    return prefix + (re.escape(word[:-2]) + r"\w{0,4}" if len(word) >= 7 else re.escape(word) + r"\w{0,2}")



# ---- consistency ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Use:
    """Where a glossary term is given one of its approved renderings."""

    rendering: str
    path: Path
    line: int


def inconsistencies(termbase: Termbase, units: Iterable[tuple[Path, int, str, str]]
                    ) -> list[tuple[Path, int, Problem]]:
    """Glossary terms rendered in more than one approved way across `units` ((path, line, source, translation)
    of every checked unit of a locale's documents): each use of a rendering other than the term's most used
    one, with where the most used one is first.  A warning, not an error: each rendering is approved, and
    which to keep is the translator's choice."""
    uses: dict[Concept, list[Use]] = defaultdict(list)
    for path, line, source, translation in units:
        for concept, rendering in termbase.renderings(source, translation):
            uses[concept].append(Use(rendering, path, line))
    found = []
    for concept, term_uses in uses.items():
        counts = Counter(use.rendering for use in term_uses)
        if len(counts) < 2:
            continue
        usual = max(counts, key=counts.__getitem__)  # of equally used ones, the first used
        reference = next(use for use in term_uses if use.rendering == usual)
        for use in term_uses:
            if use.rendering != usual:
                found.append((use.path, use.line, Problem(
                    "functional", "term-inconsistent",
                    f"“{concept.source_terms[0]}” is “{use.rendering}” here but “{usual}” in "
                    f"{reference.path}:{reference.line}")))
    return sorted(found, key=lambda item: (str(item[0]), item[1]))
