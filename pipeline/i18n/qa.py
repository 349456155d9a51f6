"""Translation QA: what a translation must keep from its source (doses, units, frequencies, markup).

`check_unit` compares one source string with its translation; `check_catalog` runs it over a PO file.
Numbers are read the way a reader of each locale reads them (Babel's CLDR separators), so 2.5 ↔ 2,5 and
1,000 ↔ 1.000 pass while "500 mg" → "500 mcg" or "once daily" → "11 veces al día" fail.
translate-toolkit checks markup and punctuation; its `numbers` check is not used, because it flags correct
decimal commas and lets mg → mcg pass.

Every problem has a stable code and a severity (translate-toolkit's classes; critical ones keep a translation
off the page, `blocks_printing`):

- dose-number (critical): a number, dose or duration changed, lost or added ("500 mg" → "50 mg").
- dose-unit (critical): the same number with another unit or dose form ("mg" → "mcg", "tablets" → "drops").
- time (critical): a time of day changed, lost or added ("8 pm" → "21:00"); "8 pm" = "20 h" = "20 Uhr".
- frequency (critical): how often changed, lost or added ("twice daily" → "tres veces al día").
- negation (critical): a limit lost its negation ("do not exceed 4 g" → "supere 4 g").
- dose-drug (critical): a dose moved to another drug of the sentence.
- dose-time (critical): a dose moved to another time of day ("2 in the morning, 1 at noon" swapped).
- markup, placeholder (critical): tags or placeholders changed (translate-toolkit).
- symbol (functional): a kept symbol (×, %, ±, ≤, ≥) lost.
- abbreviation (functional): a source abbreviation neither kept nor rendered as its termbase approves.
- number-format, brackets, end-punctuation (cosmetic): the source's separators, a bracket, the final stop.
"""
from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections import Counter
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from babel import Locale, UnknownLocaleError
from babel.numbers import NumberFormatError, format_decimal, get_decimal_symbol, get_group_symbol, parse_decimal
from babel.units import UnknownUnitError, format_unit
from text_to_num import find_numbers, text2num
from translate.filters.checks import CheckerConfig, StandardChecker
from translate.filters.decorators import Category
from translate.storage.base import TranslationUnit

from pipeline.errors import BookletError
from pipeline.i18n import qa_tables as tables

if TYPE_CHECKING:  # termbase imports this module
    from pipeline.i18n.termbase import Termbase

__all__ = ["Problem", "blocks_printing", "check_catalog", "check_unit", "holds_dose"]

# Canonical units of time (qa_tables.CLDR_UNITS): a number with one of these is a duration, not an amount.
DURATIONS = frozenset({"s", "min", "h", "day", "week", "month", "year"})
# Canonical dose forms: units too, but one a translation may add or leave out beside a number.
DOSE_FORMS = frozenset(form for forms in tables.DOSE_FORMS.values() for form in forms)


@dataclass(frozen=True)
class Problem:
    severity: str  # "critical" | "functional" | "cosmetic", translate-toolkit's classes
    code: str  # stable short id: dose-number, dose-unit, number-format, frequency, symbol, abbreviation, …
    message: str  # one line for the translator: what the source has and the translation lost or changed


def check_unit(source: str, translation: str, source_locale: str, target_locale: str, *,
               approved: Mapping[str, Collection[str]] | None = None) -> list[Problem]:
    """What `translation` lost or changed from `source`: doses and units, frequencies, number notation,
    symbols, abbreviations, then markup and punctuation.

    `approved` maps a source term to the target-language renderings a termbase approves ({"IVIG": {"IgIV"}}):
    an abbreviation may be rendered by any of them, and a drug name found through them binds its dose."""
    approved = approved or {}
    source_reading = _reader(source_locale).read(source)
    target_reader = _reader(target_locale)
    target_reading = target_reader.read(translation)
    source_drugs, target_drugs = _drug_names(source_reading.text, target_reading.text, approved)
    return [
        *_compare_quantities(source_reading.quantities, target_reading.quantities),
        *_compare_times(source_reading.times, target_reading.times),
        *_compare_frequencies(source_reading, target_reading),
        *_lost_limits(source_reading, target_reading, target_reader),
        *_compare_bindings("dose-drug", _bound(source_reading, source_drugs, stated=True),
                           _bound(target_reading, target_drugs, stated=True)),
        *_compare_bindings("dose-time", _bound(source_reading, source_reading.day_parts),
                           _bound(target_reading, target_reading.day_parts)),
        *_number_format(target_reading.quantities, target_reader),
        *_compare_symbols(source_reading.symbols, target_reading.symbols),
        *_missing_abbreviations(source_reading.abbreviations, translation, approved),
        *_toolkit_problems(source, translation, target_reader.language),
    ]


def blocks_printing(problem: Problem) -> bool:
    """Whether a problem keeps a translation off the page (the build shows the source instead, marked):
    a changed or lost dose, number, unit or frequency (the critical checks) and changed markup."""
    return problem.severity == "critical" or problem.code == "markup"


def holds_dose(text: str, locale: str) -> bool:
    """Whether `text` states an amount: a number with a unit that is not a duration (500 mg, 750 mg/m², 5 %)."""
    return any(q.unit and q.unit not in DURATIONS for q in _reader(locale).read(text).quantities)


def check_catalog(po_path: Path, source_locale: str = "en", termbase: Termbase | None = None
                  ) -> list[tuple[int, Problem]]:
    """Problems of every translated, non-fuzzy message of a PO file, with the line of its msgstr; with a
    termbase, its glossary terms too (pipeline.i18n.termbase).

    Untranslated and fuzzy messages are skipped: they are not printed. The target locale is the
    catalog's `Language` header; a broken file (pipeline.i18n.po), or one without that header, is a
    BookletError naming the file and line.
    """
    from pipeline.i18n import po  # the one strict reader every command uses

    parsed = po.parse(Path(po_path))
    language = parsed.header_value("Language")
    if not language:
        raise BookletError("the PO header names no Language, so the translation's locale is unknown", po_path,
                           parsed.header_line("Language"))
    try:
        target_locale = str(Locale.parse(language.replace("-", "_")))
    except (ValueError, UnknownLocaleError):
        raise BookletError(f"the PO header's Language {language!r} is not a locale Babel knows", po_path,
                           parsed.header_line("Language")) from None
    found = []
    for line, source, translation in parsed.translations():
        found += [(line, problem)
                  for problem in check_with_terms(source, translation, source_locale, target_locale, termbase)]
    return found


def check_with_terms(source: str, translation: str, source_locale: str, target_locale: str,
                     termbase: Termbase | None) -> list[Problem]:
    """`check_unit`, its abbreviation check accepting the termbase's approved renderings, then the termbase's own
    check of the glossary's terms (approved, forbidden)."""
    if termbase is None:
        return check_unit(source, translation, source_locale, target_locale)
    return (check_unit(source, translation, source_locale, target_locale, approved=termbase.approved)
            + termbase.check(source, translation))


# ---- reading a text -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Quantity:
    value: Fraction
    unit: str | None  # canonical symbol ("mg", "mcg", "°C", "mg/kg"), None for a bare number
    text: str  # as written, with its unit and the rest of its range: "4–6 weeks"
    conventional: bool = True  # written with the locale's own separators
    weak: bool = False  # a spelled "one"/"una"/ordinal: may be an article, so never reported on its own
    start: int = 0  # where it starts in the text


@dataclass(frozen=True)
class ClockTime:
    minutes: int  # since midnight: "8 pm", "20 h", "20:00", "20 Uhr" and "الساعة 8 مساءً" are all 1200
    text: str


@dataclass(frozen=True)
class Frequency:
    count: tuple[int, ...]  # (3,) for "three times", (2, 3) for "2–3 times"
    period: str  # day, week, month, night, hour
    text: str


@dataclass(frozen=True)
class Reading:
    text: str  # without bidi controls: the positions below are in it
    quantities: list[Quantity]
    frequencies: list[Frequency]
    times: list[ClockTime]
    symbols: Counter
    abbreviations: list[str]
    limited: list[tuple[str, Quantity]]  # doses under a negated limit: ("do not exceed", 4 g)
    day_parts: list[tuple[int, str]]  # where a morning/noon/evening word stands, and which part of the day
    clauses: list[tuple[int, int]]  # (start, sentence number) of each clause, in order


_BIDI_CONTROLS = dict.fromkeys(map(ord, "\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))
_SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_FROM_SUPERSCRIPT = str.maketrans(_SUPERSCRIPTS + "⁻", "0123456789-")
_VULGAR_FRACTIONS = "¼½¾⅐⅑⅒⅓⅔⅕⅖⅗⅘⅙⅚⅛⅜⅝⅞"
_SPACES = "\u00a0\u202f"  # no-break and narrow no-break space: thousands groups in many locales ("1 000")
# Markup and named placeholders are checked by translate-toolkit; their digits are not doses.
_MARKUP = re.compile(r"<[^<>]*>|%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[a-zA-Z]|\{\w*(?:![rsa])?(?::[^{}]*)?\}")
# An abbreviation is Latin capitals and digits bounded by anything that is not a Latin letter or digit:
# a change of script is a word boundary, so Arabic "and"/"with" glued to it ("وDAISY", "بـIV") hides nothing.
_LATIN_WORD_CHARS = "0-9A-Za-z_\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u1e00-\u1eff\u0300-\u036f"
_NOT_LATIN_BEFORE, _NOT_LATIN_AFTER = f"(?<![{_LATIN_WORD_CHARS}])", f"(?![{_LATIN_WORD_CHARS}])"
_ABBREVIATION = re.compile(f"{_NOT_LATIN_BEFORE}(?=[A-Z0-9]*[A-Z][A-Z0-9]*[A-Z])[A-Z0-9]{{2,}}{_NOT_LATIN_AFTER}")
_DIGIT_COUNT = r"\d+(?:\s*[-–]\s*\d+)?"
# Arabic vowel marks (tanwin, harakat, shadda, sukun, dagger alif) and tatweel are optional in writing:
# "يوميًا", "يومياً", "يوميًّا" and "يوميا" are one word. Phrases match with or without them.
_ARABIC_MARKS = "\u064b-\u065f\u0670\u0640"
_ARABIC = re.compile("[\u0600-\u06ff\u0750-\u077f]")


def _unmarked(text: str) -> str:
    return re.sub(f"[{_ARABIC_MARKS}]", "", text)


def _key(phrase: str) -> str:
    """How a phrase is looked up in a word table: one space between words, no Arabic marks, case folded."""
    return re.sub(r"\s+", " ", _unmarked(phrase)).casefold()


def _phrase_pattern(phrases, bounded_start: bool = True) -> str:
    """Alternation of phrases, longest first, each bounded where it starts or ends with a letter. Phrases
    with the same start bound share it: one lookbehind for all, not one a phrase (Arabic's is long)."""
    groups: dict[str, list[str]] = {}
    for phrase in sorted({_unmarked(phrase) for phrase in phrases}, key=len, reverse=True):
        pattern = r"\s+".join("".join(re.escape(char) + (f"[{_ARABIC_MARKS}]*" if _ARABIC.match(char) else "")
                                       for char in word) for word in phrase.split())
        if phrase[-1].isalnum():
            pattern += rf"(?![\w{_ARABIC_MARKS}])"
        groups.setdefault(_word_start(phrase) if bounded_start and phrase[0].isalnum() else "", []).append(pattern)
    # Phrases of different groups start with different characters (a script, or a sign such as "/"), so
    # grouping keeps the longest-first choice among phrases that can match at one place.
    return "|".join(f"{start}(?:{'|'.join(patterns)})" for start, patterns in groups.items())


def _word_start(phrase: str) -> str:
    """Where a phrase may start: after a non-letter, or, for Arabic, after a glued conjunction or
    preposition ("ومرتين" is "and twice", "بالأسبوع" "per week")."""
    start = rf"(?<![\w{_ARABIC_MARKS}])"
    if not _ARABIC.match(phrase):
        return start
    first, second = tables.ARABIC_GLUED_CONJUNCTIONS, tables.ARABIC_GLUED_PREPOSITIONS
    return rf"(?:{start}|(?<={start}[{first}{second}])|(?<={start}[{first}][{second}]))"


def _capitals(word: str) -> bool:
    """A word in capitals ("TENS") is an abbreviation, never a number word."""
    return len(word) > 1 and word.isupper()


class _Reader:
    """Reads numbers, units, frequencies and symbols the way a reader of one locale does."""

    def __init__(self, locale: Locale):
        self.locale = locale
        self.language = locale.language
        self.decimal = get_decimal_symbol(locale)
        self.group = get_group_symbol(locale)
        # Arabic separators and percent sign, for a text written with Arabic-Indic digits.
        self.to_latin = str.maketrans({"٫": self.decimal, "٬": self.group, "٪": "%", "µ": "μ"})
        space_grouped = self.group.isspace()
        groups = f"[.,{_SPACES}{' ' if space_grouped else ''}{'' if self.group in '.,' else re.escape(self.group)}]"
        # Thousands groups of three, then at most one decimal part: "05.03.2024" is two numbers, not garbage.
        self.number = re.compile(
            rf"(?P<digits>(?:(?<!\d)[.,](?=\d))?\d+(?:{groups}\d{{3}}(?!\d))*(?:[.,]\d+)?)"
            rf"(?:\s?(?P<mixed>[{_VULGAR_FRACTIONS}]))?"
            rf"(?:(?P<sup>⁻?[{_SUPERSCRIPTS}]+)|\^(?P<caret>-?\d+))?"
            rf"|(?P<vulgar>[{_VULGAR_FRACTIONS}])")
        self.spaces = re.compile(f"[{_SPACES} ]")
        self.units = _unit_aliases(str(locale))
        self.folded_units = _folded(self.units)
        one_letter = [alias for alias in self.units if len(alias) == 1]
        longer = [alias for alias in self.units if len(alias) > 1]
        # Units follow a number directly ("500mg"), so they are bounded at their end only.
        atom = f"(?:(?i:{_phrase_pattern(longer, False)})|{_phrase_pattern(one_letter, False)})"
        per = tables.PER_WORDS.get(self.language)
        joiner = r"\s*/\s*" + (rf"|\s+{per}\s+" if per else "")
        # A hyphen joins a number to its unit in a compound: "30-second test", "3-metre walk", "10-mg tablet".
        self.unit = re.compile(rf"[- {_SPACES}]?(?P<unit>{atom}(?:(?:{joiner}){atom})*)(?!\w)")
        self.unit_joiner = re.compile(joiner)
        # Words for text2num; a hyphen before a unit splits "three-metre" into the number and its unit.
        letters = rf"(?:[^\W\d_]|[{_ARABIC_MARKS}])+"  # Arabic words keep their vowel marks: "واحداً"
        self.words = re.compile(rf"{letters}(?:-(?!{atom}(?!\w)){letters})*|\S")
        self.number_words = {_key(word): value for word, value in tables.NUMBER_WORDS.get(self.language, {}).items()}
        self.counting_words = {_key(word): value
                               for word, value in tables.COUNTING_WORDS.get(self.language, {}).items()}
        self.dual_forms = {_key(word): form for word, form in tables.DUAL_DOSE_FORMS.get(self.language, {}).items()}
        range_words = "|".join(rf"\s+{re.escape(word)}\s+" for word in tables.RANGE_WORDS.get(self.language, ()))
        self.range = re.compile(r"\s*[-–—]\s*" + (f"|{range_words}" if range_words else ""))
        self.periods = _period_keys(tables.PERIOD_WORDS.get(self.language, {}))
        self.multipliers = {_key(phrase): count
                            for phrase, count in tables.MULTIPLIER_WORDS.get(self.language, {}).items()}
        self.frequency = self._frequency_pattern() if self.periods else None
        self.dose_periods = _period_keys(tables.DOSE_PERIOD_WORDS.get(self.language, {}))
        self.dose_period = re.compile(
            rf"\d{self.unit.pattern}\s+(?P<period>(?i:{_phrase_pattern(self.dose_periods)}))"
        ) if self.dose_periods else None
        nouns, determiners = tables.PERIOD_NOUNS.get(self.language, ((), ()))
        self.period_nouns, self.noun_determiners = set(map(_key, nouns)), set(map(_key, determiners))
        latin = "|".join(r"\.?".join(abbreviation) for abbreviation in tables.LATIN_FREQUENCIES)
        self.latin = re.compile(rf"(?<![\w.])(?:{latin})\.?(?!\w)", re.IGNORECASE)
        meridiems = tables.MERIDIEMS.get(self.language, {})
        self.meridiems = {_key(word): half for half, words in meridiems.items() for word in words}
        self.clocks = self._clock_patterns()
        self.negated_limit = _words_pattern(tables.LIMIT_WORDS, self.language, lambda limits: re.compile(
            rf"(?P<negation>{_phrase_pattern(tables.NEGATIONS[self.language])})(?:\W+\w+){{0,3}}?\W+"
            rf"(?:{_phrase_pattern(limits)})", re.IGNORECASE))
        self.limit_words = _words_pattern(tables.NEGATIONS, self.language, lambda negations: re.compile(
            _phrase_pattern((*negations, *tables.MAXIMUM_WORDS.get(self.language, ()))), re.IGNORECASE))
        day_parts = tables.TIMES_OF_DAY.get(self.language, {})
        self.day_part_names = {_key(word): part for part, words in day_parts.items() for word in words}
        self.day_parts = re.compile(_phrase_pattern(self.day_part_names), re.IGNORECASE) if day_parts else None
        and_words = tables.AND_WORDS.get(self.language, ())
        # A glued Arabic "and" starts a clause when a number or a part of the day follows it: "و٥ ملغ",
        # "وقرصين"; not in a word that begins with the letter ("وحدات", units).
        glued_words = _phrase_pattern((*self.counting_words, *self.dual_forms, *self.day_part_names), False)
        glued_and = [rf"(?<![\w{_ARABIC_MARKS}])و(?=\d|{glued_words})"] if "و" in and_words else []
        self.clause_break = re.compile("|".join([r"[;:!?](?=\s|$)|\.(?=\s|$)|,(?=\s)|[،؛]",
                                                 *([_phrase_pattern(and_words)] if and_words else []), *glued_and]),
                                       re.IGNORECASE)

    def _clock_patterns(self) -> list[re.Pattern]:
        """The ways a time of day is written (tables.CLOCK_PREPOSITIONS …), with groups hour, minute and, where
        they may be, word (a clock or hour word) and meridiem."""
        def words(table) -> str | None:
            phrases = table.get(self.language, ())
            return f"(?i:{_phrase_pattern(phrases, False)})" if phrases else None

        hour = r"(?<![\d.,:])(?P<hour>2[0-4]|[01]?\d)(?!\d)"
        minute = r"(?P<minute>[0-5]\d)(?!\d)"
        meridiem = f"(?P<meridiem>(?i:{_phrase_pattern(self.meridiems, False)}))" if self.meridiems else None
        after = rf"(?:\s*{meridiem})?" if meridiem else ""
        hour_words, clock_words = words(tables.HOUR_WORDS), words(tables.CLOCK_WORDS)
        hour_word = rf"(?:\s*(?P<word>{hour_words}))?" if hour_words else ""
        patterns = [rf"{hour}[:h]{minute}{hour_word}{after}"]  # "20:00", "8:30 pm", "20:00 Uhr", "20h30"
        if clock_words:  # "20 Uhr"
            patterns.append(rf"{hour}(?::{minute})?\s*(?P<word>{clock_words}){after}")
        if meridiem and self.language in tables.MERIDIEMS_ALONE:  # "8 pm", "8pm"
            patterns.append(rf"{hour}(?:[:.]{minute})?\s*{meridiem}")
        if self.language in tables.CLOCK_PREPOSITIONS:  # "a las 21", "alle 20.30", "الساعة 8 مساءً"
            patterns.append(rf"(?P<preposition>{_phrase_pattern(tables.CLOCK_PREPOSITIONS[self.language])})\s+{hour}"
                            rf"(?:[:.h]{minute})?{hour_word}{after}")
        if self.language in tables.HOUR_PREPOSITIONS and hour_words:  # "à 20 h", "à 20 h 30"
            patterns.append(rf"(?P<preposition>{_phrase_pattern(tables.HOUR_PREPOSITIONS[self.language])})\s+{hour}"
                            rf"\s*(?P<word>{hour_words})(?:\s*{minute})?{after}")
        return [re.compile(pattern, re.IGNORECASE) for pattern in patterns]

    def _frequency_pattern(self) -> re.Pattern:
        times = tables.TIMES_WORDS[self.language]
        counts = [rf"(?<![\w.,])(?P<digits>{_DIGIT_COUNT})(?:{times}|\s*[x×])\s*"]
        # Multipliers before spelled counts: "ثلاث مرات" is three times, not a word text2num cannot read.
        if self.multipliers:
            counts.append(rf"(?P<multiplier>{_phrase_pattern(self.multipliers)})\s+")
        counts += [rf"(?<!\w)(?P<word>[^\W\d_]+?){times}\s*",
                   rf"(?<![\w.,])(?P<bare>{_DIGIT_COUNT}|[^\W\d_]+)\s+"]
        return re.compile(rf"(?:{'|'.join(counts)})?(?P<period>{_phrase_pattern(self.periods)})", re.IGNORECASE)

    def read(self, text: str) -> Reading:
        text = text.translate(_BIDI_CONTROLS)
        latin = "".join(str(unicodedata.digit(char)) if unicodedata.category(char) == "Nd" else char
                        for char in text).translate(self.to_latin)
        latin = _MARKUP.sub(lambda match: " " * len(match.group()), latin)
        # Times first: "20:00" is neither 20 nor 00, and "8 PM" no abbreviation.
        times, latin = self._times(text, latin)
        day_parts = [(match.start(), self.day_part_names[_key(match.group())])
                     for match in self.day_parts.finditer(latin)] if self.day_parts else []
        symbols = Counter({symbol: latin.count(symbol) for symbol in tables.KEPT_SYMBOLS if symbol in latin})
        abbreviations = [word for word in dict.fromkeys(_ABBREVIATION.findall(latin))
                         if word.upper() not in tables.LATIN_FREQUENCIES and word not in self.units]
        frequencies, latin = self._frequencies(text, latin)
        numbered, blanked = self._quantities(text, latin)
        quantities = sorted(numbered + self._spelled_quantities(text, blanked), key=lambda q: q.start)
        # "× 5 days" is "for 5 days" ("durante 5 días", "für 5 Tage"): that "×" is a word, not a kept symbol.
        symbols["×"] -= sum(q.unit in DURATIONS and bool(re.search(r"×\s*$", latin[:q.start])) for q in quantities)
        limited = []
        for match in self.negated_limit.finditer(text) if self.negated_limit else ():
            dose = next((q for q in quantities if q.start >= match.end()), None)
            if dose and dose.unit not in DURATIONS and _words_between(text, match.end(), dose.start) <= 3:
                limited.append((match.group(), dose))
        return Reading(
            text, quantities, frequencies, times, +symbols, abbreviations, limited, day_parts, self._clauses(text))

    def limit_words_in(self, text: str) -> list[int]:
        """Where a negation or a maximum word stands ("no", "ne … pas", "höchstens"); read only when the
        source limits a dose."""
        return [match.start() for match in self.limit_words.finditer(text)] if self.limit_words else []

    def _times(self, text: str, latin: str) -> tuple[list[ClockTime], str]:
        """Clock times, and the text with them blanked out."""
        found = sorted((match for pattern in self.clocks for match in pattern.finditer(latin)),
                       key=lambda match: (match.start(), -match.end()))
        times, blank, end = [], list(latin), 0
        for match in found:
            # Minutes, a clock word or a meridiem make it a time whatever follows; a bare number after a clock
            # preposition is one only without a unit: "alle 6 settimane" is a duration.
            marked = match.group("minute") or match.groupdict().get("word") or match.groupdict().get("meridiem")
            if (match.start() < end or (not marked and self.unit.match(latin, match.end()))
                    or self._ranged(latin, match)):
                continue
            hour = int(match.group("hour"))
            half = self.meridiems.get(_key(match.groupdict().get("meridiem") or ""))
            if half == "pm" and hour < 12:
                hour += 12
            elif half == "am" and hour == 12:
                hour = 0
            minutes = (hour * 60 + int(match.group("minute") or 0)) % (24 * 60)
            times.append(ClockTime(minutes, text[match.start():match.end()]))
            end = match.end()
            blank[match.start():end] = " " * (end - match.start())
        return times, "".join(blank)

    def _ranged(self, latin: str, match: re.Match) -> bool:
        """A clock preposition that is also a range word, after a number, joins a range: "4 à 6 heures"."""
        preposition = match.groupdict().get("preposition")
        return (preposition is not None and preposition.casefold() in tables.RANGE_WORDS.get(self.language, ())
                and bool(re.search(r"\d\s*$", latin[:match.start()])))

    def _clauses(self, text: str) -> list[tuple[int, int]]:
        """Where each clause starts, and its sentence: a dose binds to the drug or time of day of its clause."""
        clauses, sentence = [(0, 0)], 0
        for match in self.clause_break.finditer(text):
            sentence += match.group() in ".;!?؛"
            clauses.append((match.start(), sentence))
        return clauses

    # Frequencies are read first and blanked out, so "three times a day" ↔ "3 veces al día" is compared
    # once, as a frequency, and "mg/kg/day" leaves the unit mg/kg.
    def _frequencies(self, text: str, latin: str) -> tuple[list[Frequency], str]:
        found = []
        blank = list(latin)

        def take(start: int, end: int, count: tuple[int, ...], period: str) -> None:
            found.append(Frequency(count, period, text[start:end]))
            blank[start:end] = " " * (end - start)

        for match in self.frequency.finditer(latin) if self.frequency else ():
            if self._noun(latin, match.start("period"), match.group("period")):
                continue
            count, start = self._count(match), match.start()
            if count is None:
                count, start = (1,), match.start("period")
            take(start, match.end(), count, self.periods[_key(match.group("period"))])
        latin = "".join(blank)
        for match in self.dose_period.finditer(latin) if self.dose_period else ():
            take(*match.span("period"), (1,), self.dose_periods[_key(match.group("period"))])
        latin = "".join(blank)
        for match in self.latin.finditer(latin):
            count, period = tables.LATIN_FREQUENCIES[match.group().replace(".", "").upper()]
            take(*match.span(), (count,), period)
        return found, "".join(blank)

    def _noun(self, latin: str, start: int, period: str) -> bool:
        """A period word that is also a noun, as one: "diario" after "un" or "de" is a diary."""
        before = re.search(r"([^\W\d_]+)\s+$", latin[:start])
        return (_key(period) in self.period_nouns and before is not None
                and _key(before.group(1)) in self.noun_determiners)

    def _count(self, match: re.Match) -> tuple[int, ...] | None:
        if match.group("digits") or (match.group("bare") or "")[:1].isdigit():
            return tuple(int(part) for part in re.split(r"\s*[-–]\s*", match.group("digits") or match.group("bare")))
        if self.multipliers and match.group("multiplier"):
            return (self.multipliers[_key(match.group("multiplier"))],)
        word = match.group("word") or match.group("bare")
        if word and (count := _entry(_unglued(word), self.multipliers)):  # "ومرتين": and twice
            return (count,)
        if word and not _capitals(word) and self.language in tables.SPELLED_NUMBER_LANGUAGES:
            try:
                return (text2num(word.casefold(), self.language),)
            except ValueError:
                return None
        return None

    def _quantities(self, text: str, latin: str) -> tuple[list[Quantity], str]:
        """Numbers written in digits, with their units; and the text with them blanked out."""
        numbers = []  # [start, end, value, unit, conventional]
        for match in self.number.finditer(latin):
            value, conventional = self._value(match)
            start = match.start()
            if _negative(latin, start, numbers[-1][1] if numbers else None):
                value, start = -value, start - 1
            numbers.append([start, match.end(), value, None, conventional])
        with_units = []
        for number in self._fractions(latin, numbers):
            if with_units and number[0] < with_units[-1][1]:
                continue  # the "2" of "mg/m2" belongs to the unit before it
            unit = self.unit.match(latin, number[1])
            if unit:
                number[3], number[1] = self._canonical_unit(unit.group("unit")), unit.end()
            with_units.append(number)
        numbers = with_units
        quantities = []
        for index, (start, end, value, unit, conventional) in enumerate(numbers):
            # A range ("4–6 weeks", "4 a 6 semanas"): both ends take the unit and show the whole range.
            first = index
            while first > 0 and self._joined(latin, numbers[first - 1], numbers[first]):
                first -= 1
            last = index
            while last + 1 < len(numbers) and self._joined(latin, numbers[last], numbers[last + 1]):
                last += 1
            if unit is None and last > index:
                unit = numbers[last][3]
            quantities.append(Quantity(value, unit, text[numbers[first][0]:numbers[last][1]], conventional,
                                       start=start))
        blank = list(latin)
        for start, end, *_ in numbers:
            blank[start:end] = " " * (end - start)
        return quantities, "".join(blank)

    def _joined(self, latin: str, left: list, right: list) -> bool:
        return left[3] is None and bool(self.range.fullmatch(latin, left[1], right[0]))

    def _value(self, match: re.Match) -> tuple[Fraction, bool]:
        if match.group("vulgar"):
            return _vulgar(match.group("vulgar")), True
        value, conventional = self._decimal(match.group("digits"))
        if match.group("mixed"):
            value += _vulgar(match.group("mixed"))
        exponent = match.group("sup") or match.group("caret")
        if exponent:
            value **= int(exponent.translate(_FROM_SUPERSCRIPT))
        return value, conventional

    def _decimal(self, digits: str) -> tuple[Fraction, bool]:
        """The value a reader of this locale sees, and whether it is written the locale's way.

        Ambiguous forms are read by this locale's rules, as its readers do: "1,000" in Spanish or German is
        one (',' is their decimal sign), in English a thousand. Only what the locale cannot read at all
        ("2.5" in Spanish, where '.' groups thousands) is read by the other convention, and noted.
        """
        digits = self.spaces.sub(self.group, digits)
        try:
            return Fraction(parse_decimal(digits, self.locale, strict=True)), True
        except NumberFormatError:
            pass
        mirror = "en" if self.decimal == "," else "de"
        try:
            return Fraction(parse_decimal(digits, mirror, strict=True)), False
        except NumberFormatError:
            pass
        try:
            return Fraction(parse_decimal(digits, self.locale)), False
        except NumberFormatError:  # "1.000.5": no locale writes it; compare its digits
            return Fraction(int(re.sub(r"\D", "", digits))), False

    @staticmethod
    def _fractions(latin: str, numbers: list[list]) -> list[list]:
        """Join "1/2" into one half; larger or chained slashes ("120/80", "B1/B6/B12") stay separate numbers."""
        def slash(left: list, right: list) -> bool:
            return latin[left[1]:right[0]] in ("/", "⁄")

        joined = []
        index = 0
        while index < len(numbers):
            number = numbers[index]
            following = numbers[index + 1] if index + 1 < len(numbers) else None
            chained = (index + 2 < len(numbers) and slash(following, numbers[index + 2])) or (
                joined and slash(joined[-1], number))
            if following and slash(number, following) and not chained and _small_fraction(number[2], following[2]):
                joined.append([number[0], following[1], number[2] / following[2], None, True])
                index += 2
            else:
                joined.append(number)
                index += 1
        return joined

    def _spelled_quantities(self, text: str, latin: str) -> list[Quantity]:
        words = list(self.words.finditer(latin))
        numbers = []  # (start, end, value, weak, dose form of an Arabic dual)
        if self.language in tables.SPELLED_NUMBER_LANGUAGES:
            numbers += [(words[found.start].start(), words[found.end - 1].end(), found.value,
                         found.is_ordinal or found.value == 1, None)
                        for found in find_numbers([_Word(match.group()) for match in words], self.language, 0.0)]
        for match in words if self.number_words or self.counting_words or self.dual_forms else ():
            if _capitals(match.group()):
                continue
            forms = _unglued(match.group())
            if (value := _entry(forms, self.number_words)) is not None:
                numbers.append((match.start(), match.end(), value, True, None))
            elif (value := _entry(forms, self.counting_words)) is not None:
                numbers.append((match.start(), match.end(), value, value == 1, None))
            elif form := _entry(forms, self.dual_forms):
                numbers.append((match.start(), match.end(), 2, False, form))
        quantities = []
        for start, end, value, weak, unit in sorted(numbers):
            if unit is None and (written := self.unit.match(latin, end)):
                unit, end = self._canonical_unit(written.group("unit")), written.end()
            elif unit is None and self.language in tables.NUMBER_AFTER_NOUN:
                noun = re.search(r"(\S+)\s+$", latin[:start])  # "قرصاً واحداً": one tablet
                if noun and (unit := self._unit_named(noun.group(1))):
                    start = noun.start()
            quantities.append(Quantity(Fraction(value), unit, text[start:end], weak=weak, start=start))
        return quantities

    def _unit_named(self, written: str) -> str | None:
        return self.units.get(re.sub(r"\s+", " ", written)) or self.folded_units.get(_key(written))

    def _canonical_unit(self, written: str) -> str:
        """"mg/kg", "Milligramm pro Kilogramm" → "mg/kg"; a whole spelling first ("م.مول/ل" is one unit)."""
        return self._unit_named(written) or "/".join(self._unit_named(part) or part
                                                      for part in self.unit_joiner.split(written))


def _unglued(word: str) -> list[str]:
    """A word's table key (`_key`) and, for an Arabic word, its keys without the conjunction or preposition
    glued to it: "وقرصين" → "قرصين"."""
    key = _key(word)
    forms = [key]
    if _ARABIC.match(key):
        conjunctions, prepositions = tables.ARABIC_GLUED_CONJUNCTIONS, tables.ARABIC_GLUED_PREPOSITIONS
        if key[0] in conjunctions + prepositions:
            forms.append(key[1:])
        if key[0] in conjunctions and key[1:2] and key[1] in prepositions:
            forms.append(key[2:])
    return forms


def _entry(forms: list[str], table: dict):
    return next((table[form] for form in forms if form in table), None)


def _words_pattern(table: dict, language: str, build):
    """`build` of a language's words in a table, None when the table has none for the language."""
    return build(table[language]) if language in table else None


def _words_between(text: str, start: int, end: int) -> int:
    return len(re.findall(r"\w+", text[start:end]))


def _negative(latin: str, start: int, previous_end: int | None) -> bool:
    """A minus sign before the number: "−20", or "-20" after a space, but not the dash of a range "4 -6"."""
    before = latin[start - 1:start]
    if before == "−":
        return True
    return (before == "-" and latin[start - 2:start - 1] in ("", " ", "(")
            and not (previous_end is not None and latin[previous_end:start - 1].isspace()))


class _Word:
    """A word for text2num's `find_numbers`; digits and punctuation separate numbers, they are not parts."""

    def __init__(self, text: str):
        self._text = text

    def text(self) -> str:
        return self._text

    def nt_separated(self, previous) -> bool:
        return False

    def not_a_number_part(self) -> bool:
        return not self._text[0].isalpha() or _capitals(self._text)


def _small_fraction(numerator: Fraction, denominator: Fraction) -> bool:
    return numerator.denominator == denominator.denominator == 1 and 0 < numerator < denominator <= 10


def _vulgar(char: str) -> Fraction:
    numerator, denominator = unicodedata.normalize("NFKC", char).split("⁄")
    return Fraction(int(numerator), int(denominator))


@lru_cache(maxsize=None)
def _reader(tag: str) -> _Reader:
    try:
        return _Reader(Locale.parse(tag.replace("-", "_")))
    except (UnknownLocaleError, ValueError):
        raise BookletError(f"unknown locale {tag!r}") from None


@lru_cache(maxsize=None)
def _unit_aliases(locale: str) -> dict[str, str]:
    """Spelling → canonical symbol: the CLDR short and long forms of the locale and of its regional spellings
    (British "metres"), English short forms, the tables."""
    aliases: dict[str, str] = {}
    language = Locale.parse(locale).language
    regional = tables.REGIONAL_UNIT_LOCALES.get(language, ())
    for source_locale, lengths in (("en", ("short",)), *((spelling_locale, ("short", "long"))
                                                          for spelling_locale in (locale, *regional))):
        for unit_id, symbol in tables.CLDR_UNITS.items():
            for spelling in _cldr_spellings(source_locale, unit_id, lengths):
                if len(spelling) > 1 or not spelling.isalpha() or spelling in tables.ONE_LETTER_UNITS:
                    aliases[spelling] = symbol
    # "m." (Spanish month) would take the metre in "5 m." at a sentence end.
    for spelling in [alias for alias in aliases if alias.endswith(".") and alias[:-1] in aliases]:
        if aliases[spelling] != aliases[spelling[:-1]]:
            del aliases[spelling]
    aliases.update(tables.LANGUAGE_UNITS.get(language, {}))
    aliases.update({spelling: form for form, spellings in tables.DOSE_FORMS.get(language, {}).items()
                    for spelling in spellings})
    aliases.update(tables.UNIVERSAL_UNITS)
    aliases.update({symbol: symbol for symbol in tables.CLDR_UNITS.values()
                    if len(symbol) > 1 or not symbol.isalpha() or symbol in tables.ONE_LETTER_UNITS})
    return aliases


def _cldr_spellings(locale: str, unit_id: str, lengths) -> set[str]:
    """The unit's words in Babel's patterns, one for each plural form (sample values cover Arabic's six)."""
    spellings = set()
    for length in lengths:
        for value in (0, 1, 2, 3, 11, 100, 1.5):
            try:
                formatted = format_unit(value, unit_id, length, locale=locale)
            except UnknownUnitError:
                return spellings
            number = format_decimal(value, locale=locale)
            # Arabic writes "one/two milligrams" without the number ("مليغرامان"): nothing to attach to.
            if number in formatted and unit_id not in formatted:
                spellings.add(formatted.replace(number, "").translate(_BIDI_CONTROLS).strip())
    return spellings


def _period_keys(periods: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """Phrase → period, keyed the way a matched phrase is looked up (`_key`)."""
    return {_key(phrase): period for period, phrases in periods.items() for phrase in phrases}


def _folded(aliases: dict[str, str]) -> dict[str, str]:
    """Lookup without case or Arabic vowel marks ("ML", "Mg/kg", "عاماً"), where not ambiguous."""
    folded: dict[str, set[str]] = {}
    for alias, symbol in aliases.items():
        folded.setdefault(_key(alias), set()).add(symbol)
    return {alias: next(iter(symbols)) for alias, symbols in folded.items() if len(symbols) == 1}


# ---- comparing ------------------------------------------------------------------------------------------

def _plain(value: Fraction) -> str:
    if value.denominator == 1:
        return str(value.numerator)
    decimal = Decimal(value.numerator) / Decimal(value.denominator)
    return format(decimal.normalize(), "f") if Fraction(decimal) == value else f"{value.numerator}/{value.denominator}"


def _shown(quantity: Quantity) -> str:
    """“1,000 mg” (= 1000): the value is spelled out when separators could make the reading unclear."""
    note = f" (= {_plain(quantity.value)})" if re.search(r"\d[.,\s]\d", quantity.text) else ""
    return f"“{quantity.text}”{note}"


def _compare_quantities(source: list[Quantity], target: list[Quantity]) -> list[Problem]:
    # A number stated as such pairs first with another stated one: German "ein" (a verb particle) is not
    # the "1" of "and 1 at noon" when "1 Tablette" is there.
    source_left, target_left = _unmatched(source, target, key=lambda q: (q.value, q.unit),
                                          matches=lambda s, t: s.weak or not t.weak)
    source_left, target_left = _unmatched(source_left, target_left, key=lambda q: q.value,
                                          matches=lambda s, t: _same_dose_unit(s.unit, t.unit))
    source_left, target_left, changed = _paired(source_left, target_left, key=lambda q: q.value)
    problems = [Problem("critical", "dose-unit",
                        f"the source has {_shown(s)} but the translation has {_shown(t)}: "
                        f"the unit must stay {s.unit or 'without a unit'}, not {t.unit or 'without a unit'}")
                for s, t in changed]
    source_left = [q for q in source_left if not q.weak]
    target_left = [q for q in target_left if not q.weak]
    source_left, target_left, changed = _paired(source_left, target_left, key=lambda q: q.unit)
    problems += [Problem("critical", "dose-number",
                         f"the source has {_shown(s)} but the translation has {_shown(t)}") for s, t in changed]
    problems += [Problem("critical", "dose-number",
                         f"the source has {_shown(s)}, which is missing from the translation") for s in source_left]
    problems += [Problem("critical", "dose-number", f"the translation has {_shown(t)}, which is not in the source")
                 for t in target_left]
    return problems


def _same_dose_unit(source: str | None, target: str | None) -> bool:
    """The same unit, or a dose form on one side only: "and 1 at noon" ↔ "y 1 comprimido al mediodía"."""
    return source == target or (None in (source, target) and {source, target} - {None} <= DOSE_FORMS)


def _unmatched(source: list, target: list, key, matches=lambda source, target: True) -> tuple[list, list]:
    """What is left of each side after pairing equal keys (that also `matches`); strong items pair with
    strong ones first."""
    target_left = sorted(target, key=lambda item: getattr(item, "weak", False))
    source_left = []
    for item in sorted(source, key=lambda item: getattr(item, "weak", False)):
        match = next((other for other in target_left if key(other) == key(item) and matches(item, other)), None)
        if match is None:
            source_left.append(item)
        else:
            target_left.remove(match)
    return source_left, target_left


def _paired(source: list, target: list, key) -> tuple[list, list, list[tuple]]:
    """Pair leftovers that share `key` (same value, other unit; or same unit, other value), in text order."""
    target_left = list(target)
    source_left, pairs = [], []
    for item in source:
        match = next((other for other in target_left if key(other) == key(item)), None)
        if match is None:
            source_left.append(item)
        else:
            target_left.remove(match)
            pairs.append((item, match))
    return source_left, target_left, pairs


def _number_format(quantities: list[Quantity], reader: _Reader) -> list[Problem]:
    return [Problem("cosmetic", "number-format",
                    f"“{q.text}” is written with the source's separators; {reader.locale} writes "
                    f"{format_decimal(q.value.numerator / q.value.denominator, locale=reader.locale)}")
            for q in quantities if not q.conventional]


def _frequency_words(frequency: Frequency) -> str:
    count = "–".join(map(str, frequency.count))
    times = {"1": "once", "2": "twice"}.get(count, f"{count} times")
    period = {"hour": "an hour"}.get(frequency.period, f"a {frequency.period}")
    return f"{times} {period} (“{frequency.text}”)"


def _says_evening(reading: Reading) -> bool:
    return any(part == "evening" for _, part in reading.day_parts)


def _compare_frequencies(source_reading: Reading, target_reading: Reading) -> list[Problem]:
    source_left, target_left = _unmatched(source_reading.frequencies, target_reading.frequencies,
                                          key=lambda f: (f.count, f.period))
    # "Once a night" is an evening time of day in the other text: "morning and evening" ↔ "morgens und abends"
    # (German "abends" and French "le soir" read as a frequency, the English words do not).
    source_left = [f for f in source_left if not (f.period == "night" and _says_evening(target_reading))]
    target_left = [f for f in target_left if not (f.period == "night" and _says_evening(source_reading))]
    source_left, target_left, changed = _paired(source_left, target_left, key=lambda f: f.period)
    changed += zip(source_left, target_left)  # other periods: "once a day" became "once a week"
    source_left, target_left = source_left[len(target_left):], target_left[len(source_left):]
    problems = [Problem("critical", "frequency",
                        f"the source says {_frequency_words(s)} but the translation says {_frequency_words(t)}")
                for s, t in changed]
    problems += [Problem("critical", "frequency",
                         f"the source says {_frequency_words(s)}, which is missing from the translation")
                 for s in source_left]
    problems += [Problem("critical", "frequency",
                         f"the translation says {_frequency_words(t)}, which the source does not")
                 for t in target_left]
    return problems


def _clock(time: ClockTime) -> str:
    return f"{time.minutes // 60:02}:{time.minutes % 60:02} (“{time.text}”)"


def _compare_times(source: list[ClockTime], target: list[ClockTime]) -> list[Problem]:
    source_left, target_left = _unmatched(source, target, key=lambda time: time.minutes)
    problems = [Problem("critical", "time", f"the source says {_clock(s)} but the translation {_clock(t)}")
                for s, t in zip(source_left, target_left)]
    problems += [Problem("critical", "time", f"the source says {_clock(s)}, which is missing from the translation")
                 for s in source_left[len(target_left):]]
    problems += [Problem("critical", "time", f"the translation says {_clock(t)}, which the source does not")
                 for t in target_left[len(source_left):]]
    return problems


def _sentence(reading: Reading, position: int) -> int:
    return reading.clauses[_clause(reading, position)][1]


def _clause(reading: Reading, position: int) -> int:
    return bisect_right([start for start, _ in reading.clauses], position) - 1


def _lost_limits(source: Reading, target: Reading, target_reader: _Reader) -> list[Problem]:
    """A dose the source limits ("do not exceed 4 g") must have a negation or a maximum word near it in the
    translation: without one the limit becomes an instruction ("supere 4 g")."""
    problems = []
    limit_words = target_reader.limit_words_in(target.text) if source.limited else []
    for phrase, dose in source.limited:
        same = [q for q in target.quantities if q.value == dose.value and _same_dose_unit(dose.unit, q.unit)]
        if same and not any(_sentence(target, word) == _sentence(target, q.start)
                            and _words_between(target.text, *sorted((word, q.start))) <= _LIMIT_REACH
                            for q in same for word in limit_words):
            problems.append(Problem("critical", "negation",
                                    f"the source limits {_shown(dose)} (“{phrase}”) but the translation has no "
                                    f"negation or maximum near {_shown(same[0])}: the limit reads as an instruction"))
    return problems


# Words between a dose and the negation that limits it: "No tome más de 8 comprimidos", and German's
# verb-final "Überschreiten Sie die Tagesdosis von 4 g nicht".
_LIMIT_REACH = 8
_LATIN_NAME = re.compile(f"{_NOT_LATIN_BEFORE}[A-Za-z\u00c0-\u024f]{{4,}}{_NOT_LATIN_AFTER}")


def _drug_names(source: str, translation: str, approved: Mapping[str, Collection[str]]
                ) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """Where the names a dose may belong to stand in each text: the termbase's terms found with an approved
    rendering ("ibuprofen" ↔ "الإيبوبروفين"), and Latin-script words kept as they are ("paracetamol")."""
    source_names, target_names = [], []
    folded_source, folded_translation = source.casefold(), translation.casefold()
    candidates = [(term, (term,), renderings) for term, renderings in approved.items()
                  if term.casefold() in folded_source]  # cheap filter: a termbase has many terms
    kept = ({word.casefold() for word in _LATIN_NAME.findall(source)}
            & {word.casefold() for word in _LATIN_NAME.findall(translation)})
    candidates += [(word, (word,), (word,)) for word in kept - {term.casefold() for term in approved}]
    for name, source_spellings, target_spellings in candidates:
        if not any(spelling.casefold() in folded_translation for spelling in target_spellings):
            continue
        in_source, in_target = _positions(source, source_spellings), _positions(translation, target_spellings)
        if in_source and in_target:
            source_names += [(position, name) for position in in_source]
            target_names += [(position, name) for position in in_target]
    return source_names, target_names


def _positions(text: str, spellings) -> list[int]:
    """Where any spelling stands as a word; an Arabic one also with the article ("الباراسيتامول")."""
    spellings = [*spellings, *(f"ال{spelling}" for spelling in spellings if _ARABIC.match(spelling))]
    return [match.start() for match in re.finditer(_phrase_pattern(spellings), text, re.IGNORECASE)]


def _bound(reading: Reading, anchors: list[tuple[int, str]], stated: bool = False) -> dict[str, dict[tuple, str]]:
    """Each name (a drug, a part of the day) → the doses of its clause, (value, unit) → text. A clause with
    names but no dose lends them to the next clause of its sentence with a dose, else to the one before it:
    "morgens und abends 2 Hübe", "2 puffs morning and evening".  With `stated`, only amounts with a unit are
    doses (a drug's dose is "500 mg", never the "un" of "un resultado" beside a medical term)."""
    doses: dict[int, list[Quantity]] = {}
    for quantity in reading.quantities:
        # A spelled "one" counts too: "dois comprimidos de manhã e um ao almoço"; the digit of a name ("Ma2",
        # "anti-CV2", "CD20") does not.
        before = reading.text[quantity.start - 1] if quantity.start else ""
        named = before.isalpha() and not _ARABIC.match(before)  # Arabic "و" glues to a number: "و٢٠٠ ملغ"
        if quantity.unit not in DURATIONS and not named and not (stated and quantity.unit is None):
            doses.setdefault(_clause(reading, quantity.start), []).append(quantity)
    names: dict[int, set[str]] = {}
    for position, name in anchors:
        names.setdefault(_clause(reading, position), set()).add(name)
    for clause, found in list(names.items()):
        if clause in doses:
            continue
        sentence = [other for other in doses if reading.clauses[other][1] == reading.clauses[clause][1]]
        later = [other for other in sentence if other > clause]
        if sentence:
            names.setdefault(min(later) if later else max(sentence), set()).update(found)
    bound: dict[str, dict[tuple, str]] = {}
    for clause, found in names.items():
        for name in found:
            for quantity in doses.get(clause, ()):
                # A dose form may be left out on one side: "2 tablets … and 1 at noon".
                key = (quantity.value, None if quantity.unit in DOSE_FORMS else quantity.unit)
                bound.setdefault(name, {}).setdefault(key, quantity.text)
    return bound


def _compare_bindings(code: str, source: dict, target: dict) -> list[Problem]:
    """A name (a drug, a part of the day) the translation gives other doses than the source does; then a dose
    it gives other names: "400 mg at bedtime" → "400 mg por la mañana"."""
    moved = [name for name, doses in source.items() if name in target and doses.keys().isdisjoint(target[name])]
    problems = [Problem("critical", code, f"the source gives {name} {_listed(source[name])} but the translation "
                                          f"gives it {_listed(target[name])}") for name in moved]
    reported = {key for name in moved for key in source[name]}
    source_names, target_names = _names_of_doses(source), _names_of_doses(target)
    problems += [Problem("critical", code, f"the source gives “{source_names[key][0]}” to {', '.join(sorted(names))} "
                                           f"but the translation to {', '.join(sorted(target_names[key][1]))}")
                 for key, (_, names) in source_names.items()
                 if key not in reported and key in target_names and names.isdisjoint(target_names[key][1])]
    return problems


def _names_of_doses(bound: dict[str, dict[tuple, str]]) -> dict[tuple, tuple[str, set[str]]]:
    doses: dict[tuple, tuple[str, set[str]]] = {}
    for name, named in bound.items():
        for key, text in named.items():
            doses.setdefault(key, (text, set()))[1].add(name)
    return doses


def _listed(doses: dict[tuple, str]) -> str:
    return ", ".join(f"“{text}”" for text in doses.values())


def _compare_symbols(source: Counter, target: Counter) -> list[Problem]:
    return [Problem("functional", "symbol",
                    f"the source has {count} “{symbol}” but the translation {target[symbol]}: keep the symbol")
            for symbol, count in source.items() if target[symbol] < count]


def _missing_abbreviations(abbreviations: list[str], translation: str,
                           approved: Mapping[str, Collection[str]]) -> list[Problem]:
    problems = []
    for abbreviation in abbreviations:
        dotted = r"\.?".join(abbreviation) + r"\.?"  # "IV" may be written "i.v." in German
        renderings = "".join(f"|{re.escape(rendering)}" for rendering in approved.get(abbreviation, ()))
        if not re.search(f"{_NOT_LATIN_BEFORE}(?:{abbreviation}|(?i:{dotted}){renderings}){_NOT_LATIN_AFTER}",
                         translation):
            problems.append(Problem("functional", "abbreviation",
                                    f"the source has “{abbreviation}”, which is missing from the translation"))
    return problems


# translate-toolkit checks: name → our code. Their severities come from the toolkit's own categories.
_TOOLKIT_CHECKS = {"xmltags": "markup", "printf": "placeholder", "pythonbraceformat": "placeholder",
                   "variables": "placeholder", "brackets": "brackets", "endpunc": "end-punctuation"}
_TOOLKIT_SEVERITIES = {Category.CRITICAL: "critical", Category.FUNCTIONAL: "functional", Category.COSMETIC: "cosmetic"}
_TAG = re.compile(r"<[^<>]*>")


@lru_cache(maxsize=None)
def _toolkit_checker(language: str) -> StandardChecker:
    # targetlanguage gives the toolkit the language's punctuation (Arabic ؟ and ،, Spanish ¿…?, French " ?").
    return StandardChecker(CheckerConfig(targetlanguage=language), limitfilters=list(_TOOLKIT_CHECKS))


def _toolkit_problems(source: str, translation: str, language: str) -> list[Problem]:
    unit = TranslationUnit(source)
    unit.target = translation
    problems = []
    for name, failure in _toolkit_checker(language).run_filters(unit, categorised=True).items():
        if name == "xmltags":
            message = (f"the markup differs: the source has {' '.join(_TAG.findall(source)) or 'no tags'}, "
                       f"the translation {' '.join(_TAG.findall(translation)) or 'no tags'}")
        elif name == "endpunc":
            message = (f"the source ends with “{source.rstrip()[-1:]}” but the translation with "
                       f"“{translation.rstrip()[-1:]}”")
        else:
            message = str(failure["message"])
        problems.append(Problem(_TOOLKIT_SEVERITIES[failure["category"]], _TOOLKIT_CHECKS[name], message))
    return problems
