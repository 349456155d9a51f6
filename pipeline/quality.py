"""Is a handout fit for a patient?  Measures of one document in one locale (`booklet check`, and a line per
edition at the end of `booklet build`), each against a published formula or a stated rule, never an opinion:

- reading grade by formulas validated for the language (textstat), per section and for the whole text;
- long sentences, mean sentence length, words of three or more syllables, long lists, deep headings;
- medical terms and abbreviations without a plain explanation, clinical shorthand (BID, nocte…), and
  prescriber-level content (doses by body surface or weight, IV/IM/SC schedules) and treatments presented as
  experimental, investigational, unproven, in trials or off-label, for a clinician to review;
- sections without a cited source, sources that are only a publisher's home page;
- content older than the configured age, a clinical review that was never done or has lapsed, editorial
  leftovers the normaliser found;
- the automatable items of the AHRQ PEMAT-P checklist ("PEMAT-informed": the rest is a human reviewer's).

Pure functions over the document model; every miss is a warning Message with a stable code (`check.*`).
"""
from __future__ import annotations

import datetime as dt
import re
import tomllib
import unicodedata
from collections import Counter
from dataclasses import asdict, dataclass, field, replace
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from urllib.parse import urlparse

from pipeline.i18n.units import Unit, units, walk
from pipeline.messages import Message
from pipeline.model import Document, ListBlock, Section, cited_parts

LONG_SENTENCE_WORDS = 25  # plain-language guides (CDC Clear Communication Index, NIH) put the limit at 20–25
MEAN_SENTENCE_TARGET = 20  # mean words per sentence, under
LONG_LIST_ITEMS = 7  # Miller's "seven, plus or minus two"; PEMAT-P item 12 asks for lists of a few items
MAX_HEADING_LEVELS = 3
MIN_SAMPLE_WORDS = 30  # below this a readability formula says little: a section is scored but not warned about
BODY_PT = 12.0  # RNIB's Clear Print guidelines: body text at least 12 point (14 preferred); not a PEMAT item


@dataclass(frozen=True)
class Score:
    """One formula's value for a text, with the target it is judged against (None: the formula has no target
    for this audience, it is reported only)."""

    formula: str
    value: float
    target: str | None = None  # "≤ 6", "≥ 70"
    met: bool | None = None


@dataclass(frozen=True)
class Formula:
    name: str
    compute: object  # callable(text) -> float
    ceiling: dict[str, float] = field(default_factory=dict)  # audience -> the highest value allowed
    floor: dict[str, float] = field(default_factory=dict)  # audience -> the lowest value allowed


def _kandel_moles(text: str) -> float:
    """Kandel & Moles (1958), Flesch's reading ease adapted to French: 207 − 1.015 × words/sentence − 73.6 ×
    syllables/word.  textstat has no function for it; its French syllable, word and sentence counts are used."""
    from textstat.backend import counts

    words, sentences = counts.count_words(text), counts.count_sentences(text)
    if not words or not sentences:
        return 0.0
    return 207 - 1.015 * words / sentences - 73.6 * counts.count_syllables(text, "fr") / words


def _formulas(language: str) -> list[Formula]:
    """The readability formulas validated for a language; none for a language without one (Arabic and
    others): an English formula applied there would measure nothing."""
    from textstat.backend import metrics

    if language == "en":
        return [Formula("Flesch-Kincaid grade", lambda t: metrics.flesch_kincaid_grade(t, "en_US"),
                        ceiling={"sheet": 6, "guide": 8}),
                Formula("SMOG", lambda t: metrics.smog_index(t, "en_US"), ceiling={"sheet": 8, "guide": 9})]
    if language == "es":
        # textstat computes Fernández-Huerta with words per sentence, as Law (2011) corrected the 1959 paper's
        # misprint; INFLESZ is Barrio-Cantalejo's scale over the Szigriszt-Pazos index.  Either target will do.
        return [Formula("Fernández-Huerta", lambda t: metrics.fernandez_huerta(t, "es"), floor={"sheet": 70, "guide": 70}),
                Formula("INFLESZ (Szigriszt-Pazos)", lambda t: metrics.szigriszt_pazos(t, "es"),
                        floor={"sheet": 55, "guide": 55})]
    if language == "fr":
        return [Formula("LIX", metrics.lix), Formula("Kandel-Moles", _kandel_moles)]
    if language == "de":
        # Variant 1 of the Wiener Sachtextformel, the one for prose (Bamberger & Vanecek 1984)
        return [Formula("Wiener Sachtextformel", lambda t: metrics.wiener_sachtextformel(t, 1, "de"))]
    return []


def readability(text: str, language: str, audience: str = "guide") -> list[Score]:
    """The language's formulas on `text`, each against its own target for the audience ("sheet" or "guide");
    an empty list where the language has no validated formula."""
    scores = []
    for formula in _formulas(language):
        value = round(float(formula.compute(text)), 1)
        if (ceiling := formula.ceiling.get(audience)) is not None:
            scores.append(Score(formula.name, value, f"≤ {ceiling:g}", value <= ceiling))
        elif (floor := formula.floor.get(audience)) is not None:
            scores.append(Score(formula.name, value, f"≥ {floor:g}", value >= floor))
        else:
            scores.append(Score(formula.name, value))
    return scores


def grade_met(scores: list[Score], language: str) -> bool | None:
    """Whether a text meets its language's reading target: every English formula's, either Spanish one's
    (Fernández-Huerta or INFLESZ); None where no formula has a target."""
    judged = [s.met for s in scores if s.met is not None]
    if not judged:
        return None
    return any(judged) if language == "es" else all(judged)


# --- sentences and words ---------------------------------------------------------------------------------------

_SENTENCE_END = re.compile(r"(?<=[.!?。؟])\s+")
_WORD = re.compile(r"\w+(?:[-'’]\w+)*")


def as_prose(text: str) -> str:
    """A unit as a sentence of running text: list items and headings often lack a full stop, and without one
    the formulas would read a whole list as a single sentence."""
    text = text.strip()
    return text if not text or text[-1] in ".!?。؟" else text + "."


def sentences(text: str) -> list[str]:
    return [s for s in _SENTENCE_END.split(as_prose(text)) if _WORD.search(s)]


def word_count(text: str) -> int:
    return len(_WORD.findall(text))


def polysyllables(text: str, language: str) -> int | None:
    """Words of three or more syllables (textstat's dictionary and hyphenation counts); None where there is no
    hyphenation dictionary for the language to count syllables with."""
    import pyphen
    from textstat.backend import counts

    if not pyphen.language_fallback(language):
        return None
    return counts.count_polysyllable_words(text, "en_US" if language == "en" else language)


# --- terms, shorthand, prescriber-level content --------------------------------------------------------------

# Clinical shorthand a patient cannot read (ISMP's list of error-prone abbreviations and UK prescribing Latin).
# The capitalised forms are matched as written ("bid" is an English word); bd, od, tds and qds only after a dose.
_SHORTHAND = re.compile(r"\b(?:BID|TID|QID|QDS|TDS|PRN|QHS|QD|QOD)\b|\b(?:nocte|mane)\b|\b[bt]\.i\.d\.|\bq\.i\.d\."
                        r"|\bp\.r\.n\.|\bq\d+h\b|\bq\.?\d+\s?h\b", re.I)
_CAPITALISED_ONLY = re.compile(r"\b(?:bid|tid|qid|prn|qd)\b")  # lower case: an ordinary word ("a bid", "qd")
_DOSE = r"\d+(?:[.,]\d+)?\s?(?:mg|g|mcg|µg|μg|ml|mL|IU|units?)"
_SHORTHAND_AFTER_DOSE = re.compile(rf"{_DOSE}\s+(bd|od|tds|qds)\b", re.I)

# Doses by body surface or weight, and injection or infusion schedules: what a prescriber decides, not a patient.
_BY_BODY_SIZE = re.compile(r"\b\d+(?:[.,]\d+)?\s?(?:mg|g|mcg|µg|μg|units?|IU)\s?/\s?(?:m²|m2|kg)\b", re.I)
_ROUTE_SCHEDULE = re.compile(rf"(?:{_DOSE}[^.;]{{0,30}}\b(?:IV|IM|SC|SQ|i\.v\.|i\.m\.|s\.c\.)(?![\w.])"
                             rf"|\b(?:IV|IM|SC|SQ)\b[^.;]{{0,30}}\b(?:daily|weekly|monthly|every|once|twice|×\s?\d|x\s?\d"
                             rf"|for \d+ (?:days?|weeks?|months?)))")
_ABBREVIATION = re.compile(r"\b[A-Z][A-Z0-9]{1,5}s?\b")
_EXPLANATION_AFTER = re.compile(r"\s*(?:\(|[–—:-]\s|,\s(?:which|that|a|an|the)\b|\bis\b|\bare\b|\bmeans\b)")


def _shipped(name: str) -> dict:
    """A word list the package ships, pipeline/data/<name>.toml: a table per language."""
    return tomllib.loads(files("pipeline").joinpath(f"data/{name}.toml").read_text(encoding="utf-8"))


@lru_cache(maxsize=None)
def medical_terms(language: str) -> tuple[str, ...]:
    """The shipped list of terms to explain for a language (pipeline/data/medical-terms.toml), longest first."""
    return tuple(sorted(_shipped("medical-terms").get(language, {}).get("terms", []), key=len, reverse=True))


def shorthand(text: str) -> list[str]:
    found = [m.group(0) for m in _SHORTHAND.finditer(text) if not _CAPITALISED_ONLY.fullmatch(m.group(0))]
    return found + [m.group(1) for m in _SHORTHAND_AFTER_DOSE.finditer(text)]


def prescriber_level(text: str) -> list[str]:
    return [m.group(0).strip() for m in (*_BY_BODY_SIZE.finditer(text), *_ROUTE_SCHEDULE.finditer(text))]


def _phrase_pattern(phrase: str) -> str:
    """A phrase of pipeline/data/experimental-treatments.toml as a regular expression: a space or a hyphen matches
    spaces or a hyphen, an apostrophe ' or ’, "(a|b)" alternatives and "(a )?" an optional word; the rest as
    written."""
    pattern = []
    for ch in unicodedata.normalize("NFC", phrase):
        if ch in " -":
            pattern.append(r"[\s\-\u2010\u2011]+")
        elif ch in "'’":
            pattern.append("['’]")
        elif ch == "(":
            pattern.append("(?:")
        elif ch in ")|?":
            pattern.append(ch)
        else:
            pattern.append(re.escape(ch))
    return "".join(pattern)


@lru_cache(maxsize=None)
def _experimental_pattern(language: str) -> re.Pattern | None:
    """The shipped wording of experimental or unproven treatments for a language, as one pattern of whole words
    (longest phrases first); None where the language has no list."""
    phrases = _shipped("experimental-treatments").get(language, {}).get("phrases")
    if not phrases:
        return None
    alternatives = "|".join(_phrase_pattern(p) for p in sorted(phrases, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.I)


def experimental(text: str, language: str) -> list[re.Match] | None:
    """Where `text` presents a treatment as experimental, investigational, unproven, in clinical trials,
    off-label or not yet approved, by the list for its language; None where the language has no list (the text
    is not checked: another language's list would find nothing or the wrong things)."""
    pattern = _experimental_pattern(language)
    return None if pattern is None else list(pattern.finditer(unicodedata.normalize("NFC", text)))


def explained(term: str, text: str, start: int, end: int) -> bool:
    """Whether the use of `term` at text[start:end] comes with a plain explanation: one in brackets or after a
    dash or colon right after it, "X, which …", "X is/means …", or a bracketed abbreviation after its long form."""
    return bool(_EXPLANATION_AFTER.match(text, end)) or text[max(0, start - 1):start] == "("


# --- the report ------------------------------------------------------------------------------------------------

@dataclass
class SectionReport:
    id: str
    title: str
    line: int | None
    role: str | None
    words: int
    sentences: int
    mean_sentence_length: float
    long_sentences: int
    polysyllabic_words: int | None
    scores: list[Score]
    cited: bool  # at least one of its parts cites a source


# AHRQ's PEMAT-P checklist (printable materials), its items numbered and worded as in the tool.  The User's Guide
# numbers the 26 items of both versions together: "The PEMAT-P includes items 1–12 and 15–19 for understandability
# and items 20–26 for actionability"; 13 ("Text on the screen is easy to read") and 14 ("The material allows the
# user to hear the words clearly") are audiovisual only, so they are not here, and no item is about type size.
# Shoemaker SJ, Wolf MS, Brach C, The Patient Education Materials Assessment Tool (PEMAT) and User's Guide, AHRQ
# Publication No. 14-0002-EF (November 2013, updated August 2014), its "Introduction"; the 26 items with their (P)
# and (A/V) marks are also tabulated in Patient Educ Couns 2018;101(3):490-496 (PMC5839932), Table 1.
PEMAT_P_ITEMS: dict[int, str] = {
    1: "The material makes its purpose completely evident.",
    2: "The material does not include information or content that distracts from its purpose.",
    3: "The material uses common, everyday language.",
    4: "Medical terms are used only to familiarize audience with the terms. When used, medical terms are defined.",
    5: "The material uses the active voice.",
    6: "Numbers appearing in the material are clear and easy to understand.",
    7: "The material does not expect the user to perform calculations.",
    8: "The material breaks or “chunks” information into short sections.",
    9: "The material’s sections have informative headers.",
    10: "The material presents information in a logical sequence.",
    11: "The material provides a summary.",
    12: "The material uses visual cues (e.g., arrows, boxes, bullets, bold, larger font, highlighting) to draw "
        "attention to key points.",
    15: "The material uses visual aids whenever they could make content more easily understood (e.g., "
        "illustration of healthy portion size).",
    16: "The material’s visual aids reinforce rather than distract from the content.",
    17: "The material’s visual aids have clear titles or captions.",
    18: "The material uses illustrations and photographs that are clear and uncluttered.",
    19: "The material uses simple tables with short and clear row and column headings.",
    20: "The material clearly identifies at least one action the user can take.",
    21: "The material addresses the user directly when describing actions.",
    22: "The material breaks down any action into manageable, explicit steps.",
    23: "The material provides a tangible tool (e.g., menu planners, checklists) whenever it could help the user "
        "take action.",
    24: "The material provides simple instructions or examples of how to perform calculations.",
    25: "The material explains how to use the charts, graphs, tables, or diagrams to take actions.",
    26: "The material uses visual aids whenever they could make it easier to act on the instructions.",
}
FIRST_ACTIONABILITY_ITEM = 20


@dataclass
class PematItem:
    """One item of the AHRQ PEMAT-P checklist: `met` and `evidence` where the tool can judge it, None and empty
    where a human reviewer must."""

    number: int
    text: str
    met: bool | None = None
    evidence: str = ""


def pemat_p(number: int, met: bool | None = None, evidence: str = "") -> PematItem:
    """Item `number` of the PEMAT-P checklist, in AHRQ's words."""
    return PematItem(number, PEMAT_P_ITEMS[number], met, evidence)


@dataclass
class BodyType:
    """The body text's type size, measured in a built PDF: a large-print (Clear Print) measure, not a PEMAT item
    (the PEMAT-P has none about type size).  `pt` and `pdf` are None where no built PDF was found to measure."""

    label: str
    minimum_pt: float
    pt: float | None
    pdf: str | None
    met: bool | None
    evidence: str


def body_type(pt: float | None, pdf: Path | None) -> BodyType:
    """The measure of `pt`, the body type measured in `pdf` (None, None: no built PDF to measure)."""
    return BodyType(f"Body text is at least {BODY_PT:g} point (RNIB Clear Print; not a PEMAT item), measured in the "
                    "built PDF.", BODY_PT, pt, str(pdf) if pt is not None else None,
                    None if pt is None else pt >= BODY_PT - 0.05,
                    "no built PDF to measure: run `booklet build`" if pt is None
                    else f"most common type size {pt:g} pt in {pdf}")


@dataclass
class Report:
    document: str
    locale: str
    language: str
    audience: str
    scores: list[Score]  # the whole text's
    mean_sentence_length: float
    sections: list[SectionReport]
    pemat: list[PematItem]  # AHRQ's PEMAT-P items only, by their numbers in the tool
    messages: list[Message]
    body_type: BodyType | None = None  # not a PEMAT item: measured in a built PDF (with_body_type); None: not yet
    last_reviewed: str | None = None
    next_review_due: str | None = None
    reviewed_by: str | None = None

    @property
    def warnings(self) -> int:
        return sum(m.severity == "warning" for m in self.messages)

    def as_dict(self) -> dict:
        """The report as `--json` and a build's `--report` give it."""
        return asdict(self) | {"warnings": self.warnings}

    def summary_line(self) -> str:
        """One line for the end of a build: the whole text's scores and the number of warnings."""
        scores = grade_line(self.scores) if self.scores else "reading grade not available"
        return f"check {self.document} ({self.locale}): {scores}; {self.warnings} warnings (`booklet check`)"


@dataclass(frozen=True)
class CheckOptions:
    today: dt.date
    max_age_months: int = 24
    sheet_roles: frozenset[str] = frozenset()  # sections a one-page sheet prints: held to the sheet's targets


_META_UNITS = ("title", "subtitle", "description", "disclaimer")


def _language(locale: str) -> str:
    return locale.split("-")[0].split("_")[0].lower()


def _body(doc: Document) -> list[Unit]:
    """The units a reader reads as the text: not the metadata, keywords or headings."""
    return [u for u in units(doc) if _is_body(u)]


def _whole_text(body: list[Unit]) -> str:
    return " ".join(as_prose(u.text) for u in body)


def grade_line(scores: list[Score]) -> str:
    """A text's readability in a few words ("Flesch-Kincaid grade 12.7, SMOG 12.3"), or "not available" for a
    language without a validated formula: what the index page and a build's summary show."""
    return ", ".join(f"{score.formula} {score.value:g}" for score in scores) or "not available"


def _is_body(unit: Unit) -> bool:
    return unit.id not in _META_UNITS and not unit.id.startswith("keyword.") and not unit.id.endswith(".title")


def check(doc: Document, locale: str, options: CheckOptions, source_file: str | None = None,
          leftovers: list[Message] = ()) -> Report:
    """Every measure of `doc` (an edition in `locale`), as a Report whose messages are the misses.
    `leftovers`: the normaliser's warnings about the source (editorial lines it dropped), passed on."""
    language = _language(locale)
    body = _body(doc)
    by_section: dict[str | None, list[Unit]] = {}
    for unit in body:
        by_section.setdefault(unit.section.id if unit.section else None, []).append(unit)
    messages: list[Message] = list(leftovers)

    def warn(code: str, text: str, line: int | None = None) -> None:
        messages.append(Message(code, text, "warning", source_file or doc.id, line))

    sections = []
    intro = Section("intro", "(introduction)", 0, blocks=doc.blocks, line=1) if doc.blocks else None
    for section in ([intro] if intro else []) + list(doc.walk_sections()):
        texts = by_section.get(None if section is intro else section.id, [])
        if not texts:
            continue
        audience = "sheet" if section.role in options.sheet_roles else "guide"
        report = _measure_section(section, texts, language, audience)
        sections.append(report)
        where = f"section {section.title!r}"
        if report.words >= MIN_SAMPLE_WORDS:
            for score in report.scores:
                if score.met is False:
                    warn("check.reading-grade", f"{where}: {score.formula} {score.value:g}, target {score.target} "
                                                f"for a {audience}", section.line)
        if report.sentences and report.mean_sentence_length >= MEAN_SENTENCE_TARGET:
            warn("check.sentence-length", f"{where}: mean sentence length {report.mean_sentence_length:g} words, "
                                          f"target under {MEAN_SENTENCE_TARGET}", section.line)
        if not report.cited:
            warn("check.unsourced", f"{where}: no part of it cites a source", section.line)
        for block in section.blocks:
            if isinstance(block, ListBlock) and len(block.items) > LONG_LIST_ITEMS:
                warn("check.long-list", f"{where}: a list of {len(block.items)} items (at most "
                                        f"{LONG_LIST_ITEMS} are easy to take in); split it or shorten it",
                     block.items[0].line)
        if section.depth > MAX_HEADING_LEVELS:
            warn("check.heading-depth", f"{where}: heading level {section.depth}, more than {MAX_HEADING_LEVELS}",
                 section.line)

    for unit in body:
        for sentence in sentences(unit.text):
            if (n := word_count(sentence)) > LONG_SENTENCE_WORDS:
                warn("check.long-sentence", f"{_section_name(unit)}: a sentence of {n} words (over "
                                            f"{LONG_SENTENCE_WORDS}): {_quote(sentence)}", unit.line)
        if found := shorthand(unit.text):
            warn("check.shorthand", f"{_section_name(unit)}: clinical shorthand {', '.join(dict.fromkeys(found))}: "
                                    "write it out (\"twice a day\", \"at night\")", unit.line)
        if found := prescriber_level(unit.text):
            warn("check.prescriber-level", f"{_section_name(unit)}: prescriber-level content "
                                           f"({'; '.join(dict.fromkeys(found))}) in a patient handout: for clinical "
                                           "review", unit.line)
    _experimental(doc, body, language, warn, messages, source_file)
    _unexplained(doc, body, language, warn)
    _sources(doc, warn)
    _currency(doc, options, warn)

    scores = readability(_whole_text(body), language)
    all_sentences = [s for u in body for s in sentences(u.text)]
    mean = round(sum(map(word_count, all_sentences)) / len(all_sentences), 1) if all_sentences else 0.0
    review = doc.meta.review
    return Report(doc.id, locale, language, "guide", scores, mean, sections,
                  pemat_items(doc, sections, body, options, messages), messages, None,
                  review.last_reviewed, review.next_review_due, review.reviewed_by)


def _measure_section(section: Section, texts: list[Unit], language: str, audience: str) -> SectionReport:
    prose = " ".join(as_prose(u.text) for u in texts)
    split = [s for u in texts for s in sentences(u.text)]
    lengths = [word_count(s) for s in split]
    cited = any(part.citations for block in section.blocks for part in cited_parts(block))
    return SectionReport(section.id, section.title, section.line, section.role, sum(lengths), len(split),
                         round(sum(lengths) / len(lengths), 1) if lengths else 0.0,
                         sum(n > LONG_SENTENCE_WORDS for n in lengths), polysyllables(prose, language),
                         readability(prose, language, audience), cited)


def _section_name(unit: Unit) -> str:
    return f"section {unit.section.title!r}" if unit.section else "introduction"


def _quote(text: str, words: int = 8) -> str:
    split = text.split()
    return "“" + " ".join(split[:words]) + ("…" if len(split) > words else "") + "”"


def _quote_match(match: re.Match, before: int = 4, after: int = 8) -> str:
    """The words around a match, briefly and as written: a few before the word it starts in, and a few after."""
    text = match.string
    words = [(w.start(), w.end()) for w in re.finditer(r"\S+", text)]
    at = next(i for i, (_, end) in enumerate(words) if end > match.start())
    first, last = max(0, at - before), min(len(words), at + after)
    return ("“" + ("…" if first > 0 else "") + text[words[first][0]:words[last - 1][1]]
            + ("…" if last < len(words) else "") + "”")


def _unit_languages(doc: Document) -> dict[str, str]:
    """The language of each unit left in the source's language in an edition (a translation not done yet): its
    id and language; the other units are in the edition's own."""
    languages = {}
    for unit, put in walk(doc):
        owner, name = getattr(put, "owner", None), getattr(put, "field", None)
        if owner is not None and (lang := owner.langs.get(name)):
            languages[unit.id] = _language(lang)
    return languages


def _experimental(doc: Document, body: list[Unit], language: str, warn, messages: list[Message],
                  source_file: str | None) -> None:
    """Each unit presenting a treatment as experimental, investigational, unproven, in trials, off-label or not
    yet approved, by the list for the language the unit is in (an untranslated unit of an edition is in the
    source's); one note naming the languages whose text went unchecked for want of a list."""
    fallbacks = _unit_languages(doc)
    unchecked: list[str] = []
    for unit in body:
        unit_language = fallbacks.get(unit.id, language)
        found = experimental(unit.text, unit_language)
        if found is None:
            if unit_language not in unchecked:
                unchecked.append(unit_language)
            continue
        if found:
            wording = ", ".join(dict.fromkeys(f"“{m.group(0)}”" for m in found))
            warn("check.experimental-treatment", f"{_section_name(unit)}: a treatment presented as experimental or "
                                                 f"unproven ({wording}) in {_quote_match(found[0])}: for clinical "
                                                 "review (a handout should not offer it without context)", unit.line)
    for unchecked_language in unchecked:
        messages.append(Message("check.experimental-unchecked",
                                f"text in {unchecked_language!r} not checked for experimental or unproven treatments: "
                                "pipeline/data/experimental-treatments.toml has no list for the language", "info",
                                source_file or doc.id))


def _glossary(doc: Document) -> set[str]:
    """Terms the document defines in a glossary section of its own (a section titled Glossary, Glosario,
    Glossaire, Glossar, or "Key terms"): its list items' terms."""
    terms = set()
    for section in doc.walk_sections():
        if re.search(r"gloss|key terms|términos|termes", section.title, re.I):
            terms |= {i.term.lower() for b in section.blocks if isinstance(b, ListBlock) for i in b.items if i.term}
    return terms


def _unexplained(doc: Document, body: list[Unit], language: str, warn) -> None:
    """Each medical term of the shipped list and each abbreviation at its first use, where no use of it in the
    document comes with a plain explanation and no glossary defines it (a list item's term is defined by its
    own text)."""
    glossary = _glossary(doc)
    first_use: dict[str, Unit] = {}
    explained_terms: set[str] = set(glossary)
    terms = medical_terms(language)
    for unit in body:
        is_term = unit.id.endswith(".term")
        for term in terms:
            for m in re.finditer(rf"\b{re.escape(term)}\b", unit.text, re.I):
                first_use.setdefault(term, unit)
                if is_term or explained(term, unit.text, m.start(), m.end()):
                    explained_terms.add(term)
        for m in _ABBREVIATION.finditer(unit.text):
            abbreviation = m.group(0).removesuffix("s") if m.group(0)[-2:-1].isupper() else m.group(0)
            if _SHORTHAND.fullmatch(abbreviation) or abbreviation.lower() in ("bd", "od", "tds", "qds"):
                continue  # reported as shorthand
            key = "abbr:" + abbreviation
            first_use.setdefault(key, unit)
            if is_term or explained(abbreviation, unit.text, m.start(), m.end()):
                explained_terms.add(key)
    for key, unit in first_use.items():
        if key in explained_terms or key.lower() in glossary:
            continue
        if key.startswith("abbr:"):
            warn("check.unexplained-abbreviation", f"{_section_name(unit)}: abbreviation {key[5:]} is not spelled "
                                                   "out where it is used", unit.line)
        else:
            warn("check.unexplained-term", f"{_section_name(unit)}: medical term {key!r} is used without a plain "
                                           "explanation", unit.line)


def _sources(doc: Document, warn) -> None:
    """Sources that are only a publisher's home page: a reader cannot find the claim there."""
    first_line: dict[int, int | None] = {}
    for section in [None, *doc.walk_sections()]:
        for block in doc.blocks if section is None else section.blocks:
            for part in cited_parts(block):
                for number in part.citations:
                    first_line.setdefault(number, getattr(part, "line", None))
    for citation in doc.citations:
        if urlparse(citation.url).path in ("", "/"):
            warn("check.homepage-source", f"source [{citation.number}] {citation.url} is a publisher's home page, "
                                          "not the page that supports the claim", first_line.get(citation.number))


def _currency(doc: Document, options: CheckOptions, warn) -> None:
    """Content older than the configured age, and the clinical review cycle."""
    meta = doc.meta
    if meta.last_updated is None:
        warn("check.undated", "the source states no date of its last update")
    else:
        updated = dt.date.fromisoformat(meta.last_updated)
        months = (options.today.year - updated.year) * 12 + options.today.month - updated.month
        if months > options.max_age_months:
            warn("check.stale", f"last updated {meta.last_updated}, {months} months ago (more than "
                                f"{options.max_age_months}, booklet.toml [check] max_age_months)")
    review = meta.review
    if review.last_reviewed is None:
        warn("check.never-reviewed", "never reviewed by a clinician for this project (meta.toml [review] "
                                     "last_reviewed)")
    if review.next_review_due is not None and dt.date.fromisoformat(review.next_review_due) < options.today:
        warn("check.review-lapsed", f"its review was due {review.next_review_due} and is lapsed")


def pemat_items(doc: Document, sections: list[SectionReport], body: list[Unit], options: CheckOptions,
                messages: list[Message]) -> list[PematItem]:
    """The PEMAT-P (print) understandability and actionability items, numbered as in AHRQ's checklist (2013,
    updated 2020): those the tool can judge with its evidence; the others left for a human reviewer."""
    codes = Counter(m.code for m in messages)
    summary = [s for s in doc.walk_sections() if s.role == "overview" or re.search(
        r"summary|key points|in brief|resumen|résumé|zusammenfassung", s.title, re.I)]
    lists = sum(isinstance(b, ListBlock) for s in [doc, *doc.walk_sections()] for b in s.blocks)
    headings = list(doc.walk_sections())
    unexplained = codes["check.unexplained-term"] + codes["check.unexplained-abbreviation"]
    see_doctor = doc.sections_with_role("see-doctor")
    actions = [u for u in body if u.section in see_doctor and _ACTION.search(u.text)]
    return [
        pemat_p(1),
        pemat_p(3),
        pemat_p(4, unexplained == 0, f"{unexplained} terms or abbreviations without a plain explanation "
                                      "(check.unexplained-term, check.unexplained-abbreviation)"),
        pemat_p(5),
        pemat_p(8, bool(headings) and max((s.words for s in sections), default=0) <= 400,
                f"{len(sections)} sections with text, the longest {max((s.words for s in sections), default=0)} "
                "words (at most 400 taken as short)"),
        pemat_p(9, bool(headings) or None,
                f"{len(headings)} headings" if headings else "no headings: a reviewer judges whether it needs any"),
        pemat_p(10),
        pemat_p(11, bool(summary), f"summary section: {summary[0].title!r}" if summary
                else "no section with role overview or titled Summary / Key points"),
        pemat_p(12, lists > 0 or None,
                f"{lists} bulleted or numbered lists; boxes and bold are for a reviewer to judge"),
        pemat_p(20, bool(actions) if see_doctor else False,
                f"{len(actions)} concrete actions (call, go, ask, see…) in {see_doctor[0].title!r}" if see_doctor
                else "no section with role see-doctor"),
        pemat_p(21),
        pemat_p(22),
    ]


def with_body_type(report: Report, pdf: Path | None) -> Report:
    """`report` with its edition's body type measured in `pdf`, a PDF built of it (None: none is): a build
    checks an edition before its PDFs are made (the worker that translates it), and measures one afterwards."""
    return replace(report, body_type=body_type(body_type_size(pdf) if pdf is not None else None, pdf))


# An action a patient can take: the verbs plain-language guides use for "what to do" (en, es, fr, de).
_ACTION = re.compile(r"\b(?:call|phone|ring|go to|see|contact|ask|tell|seek|book|llame|acuda|consulte|pida|"
                     r"appelez|consultez|rendez-vous|demandez|rufen|gehen|suchen|fragen)\b", re.I)


BODY_SAMPLE_PAGES = 3  # pages of a built PDF whose type is measured (body_type_size)


def body_type_size(pdf: Path) -> float | None:
    """The body text's type size in a built PDF, in points as printed: the most common size of its characters
    (by count, to a tenth of a point), with pypdf.  The size set with Tf is scaled by the text and current
    transformation matrices (WeasyPrint draws in CSS pixels under a 0.75 scale).  None for a PDF without text."""
    from pypdf import PdfReader

    sizes: Counter[float] = Counter()

    def visit(text, cm, tm, font, size) -> None:
        a, b, c, d = (tm[0] * cm[0] + tm[1] * cm[2], tm[0] * cm[1] + tm[1] * cm[3],
                      tm[2] * cm[0] + tm[3] * cm[2], tm[2] * cm[1] + tm[3] * cm[3])
        if letters := sum(not ch.isspace() for ch in text):
            sizes[round(size * abs(a * d - b * c) ** 0.5, 1)] += letters

    pages = PdfReader(pdf).pages
    # The body is set in one size throughout: a few pages spread over the document measure it as well as all of
    # them (reading every page of a 24-page guide costs 2.5 s); the cover and contents come first, so the sample
    # starts after them where there are pages enough.
    for index in sorted({len(pages) * k // (BODY_SAMPLE_PAGES + 1) for k in range(1, BODY_SAMPLE_PAGES + 1)}):
        pages[index].extract_text(visitor_text=visit)
    return sizes.most_common(1)[0][0] if sizes else None


def check_options(settings, layouts, today: dt.date) -> CheckOptions:
    """The project's check settings (booklet.toml's [check]; the sections its one-page sheet prints)."""
    sheet_roles = frozenset(layouts.manifest("sheet").requires_roles) if "sheet" in layouts.names() else frozenset()
    return CheckOptions(today, settings.check.max_age_months, sheet_roles)


def leftover_warnings(changes, source_file: str) -> list[Message]:
    """The normaliser's warnings about a source (the editorial lines it dropped, sources.Loaded.changes), as the
    check of the source's own edition reports them."""
    return [Message("check.leftover", f"{c.rule}: {c.message}", "warning", source_file, c.line)
            for c in changes if c.warning]


def check_editions(project, doc_ids: list[str], locales: list[str], today: dt.date,
                   out_dir: Path) -> list[tuple[Document, Report]]:
    """`check` for each document in each locale it has an edition in (the source language always), with the
    normaliser's warnings for the source's own edition and the body type of the first built PDF found in
    `out_dir` (the guide's first): each edition's document with its report."""
    from pipeline.build import edition, with_source_language
    from pipeline.i18n.termbase import load_termbase

    options = check_options(project.settings, project.layouts, today)
    printed = project.settings.layouts
    termbases: dict[str, object] = {}  # by locale, read once
    checked = []
    for doc_id in doc_ids:
        loaded = project.load(doc_id)
        doc, path = loaded.document, str(loaded.path)
        leftovers = leftover_warnings(loaded.changes, path)
        for locale in with_source_language(project.settings.locales if not locales else locales, doc.lang):
            if locale not in termbases:
                termbases[locale] = load_termbase(project.translations_dir, locale)
            ed = edition(doc, locale, project.translations_dir, termbases[locale])
            if ed is None:
                continue
            report = check(ed.document, locale, options, path, leftovers if ed.translation is None else [])
            checked.append((ed.document, with_body_type(report, measured_pdf(out_dir, ed.document, printed))))
    return checked


def measured_pdf(out_dir: Path, doc: Document, layouts: list[str]) -> Path | None:
    """The built PDF of an edition whose body type `check` measures: the guide's where there is one, else the
    first of `layouts` built."""
    from pipeline.render import output_path

    built = (output_path(out_dir, doc, "pdf", name) for name in sorted(layouts, key=lambda name: name != "guide"))
    return next((path for path in built if path.is_file()), None)
