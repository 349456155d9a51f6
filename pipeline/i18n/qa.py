"""Translation QA: what a translation must keep from its source (doses, units, frequencies, markup).

`check_unit` compares one source string with its translation; `check_catalog` runs it over a PO file.
Numbers are read the way a reader of each locale reads them (Babel's CLDR separators), so 2.5 ↔ 2,5 and
1,000 ↔ 1.000 pass while "500 mg" → "500 mcg" or "once daily" → "11 veces al día" fail.
translate-toolkit checks markup and punctuation; its `numbers` check is not used, because it flags correct
decimal commas and lets mg → mcg pass.
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter
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


@dataclass(frozen=True)
class Problem:
    severity: str  # "critical" | "functional" | "cosmetic", translate-toolkit's classes
    code: str  # stable short id: dose-number, dose-unit, number-format, frequency, symbol, abbreviation, …
    message: str  # one line for the translator: what the source has and the translation lost or changed


def check_unit(source: str, translation: str, source_locale: str, target_locale: str) -> list[Problem]:
    """What `translation` lost or changed from `source`: doses and units, frequencies, number notation,
    symbols, abbreviations, then markup and punctuation."""
    source_reading = _reader(source_locale).read(source)
    target_reader = _reader(target_locale)
    target_reading = target_reader.read(translation)
    return [
        *_compare_quantities(source_reading.quantities, target_reading.quantities),
        *_compare_frequencies(source_reading.frequencies, target_reading.frequencies),
        *_number_format(target_reading.quantities, target_reader),
        *_compare_symbols(source_reading.symbols, target_reading.symbols),
        *_missing_abbreviations(source_reading.abbreviations, translation),
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
        problems = check_unit(source, translation, source_locale, target_locale)
        if termbase is not None:
            problems += termbase.check(source, translation)
        found += [(line, problem) for problem in problems]
    return found


# ---- reading a text -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Quantity:
    value: Fraction
    unit: str | None  # canonical symbol ("mg", "mcg", "°C", "mg/kg"), None for a bare number
    text: str  # as written, with its unit and the rest of its range: "4–6 weeks"
    conventional: bool = True  # written with the locale's own separators
    weak: bool = False  # a spelled "one"/"una"/ordinal: may be an article, so never reported on its own


@dataclass(frozen=True)
class Frequency:
    count: tuple[int, ...]  # (3,) for "three times", (2, 3) for "2–3 times"
    period: str  # day, week, month, night, hour
    text: str


@dataclass(frozen=True)
class Reading:
    quantities: list[Quantity]
    frequencies: list[Frequency]
    symbols: Counter
    abbreviations: list[str]


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
    """Alternation of phrases, longest first, each bounded where it starts or ends with a letter."""
    parts = []
    for phrase in sorted({_unmarked(phrase) for phrase in phrases}, key=len, reverse=True):
        pattern = r"\s+".join("".join(re.escape(char) + (f"[{_ARABIC_MARKS}]*" if _ARABIC.match(char) else "")
                                       for char in word) for word in phrase.split())
        if bounded_start and phrase[0].isalnum():
            pattern = rf"(?<![\w{_ARABIC_MARKS}])" + pattern
        if phrase[-1].isalnum():
            pattern += rf"(?![\w{_ARABIC_MARKS}])"
        parts.append(pattern)
    return "|".join(parts)


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
        self.words = re.compile(rf"[^\W\d_]+(?:-(?!{atom}(?!\w))[^\W\d_]+)*|\S")
        self.number_words = tables.NUMBER_WORDS.get(self.language, {})
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
        symbols = Counter({symbol: latin.count(symbol) for symbol in tables.KEPT_SYMBOLS if symbol in latin})
        abbreviations = [word for word in dict.fromkeys(_ABBREVIATION.findall(latin))
                         if word.upper() not in tables.LATIN_FREQUENCIES and word not in self.units]
        frequencies, latin = self._frequencies(text, latin)
        quantities, latin = self._quantities(text, latin)
        quantities += self._spelled_quantities(text, latin)
        return Reading(quantities, frequencies, symbols, abbreviations)

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
            quantities.append(Quantity(value, unit, text[numbers[first][0]:numbers[last][1]], conventional))
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
        if self.language not in tables.SPELLED_NUMBER_LANGUAGES:
            return []
        words = list(self.words.finditer(latin))
        numbers = [(words[found.start].start(), words[found.end - 1].end(), found.value,
                     found.is_ordinal or found.value == 1)
                   for found in find_numbers([_Word(match.group()) for match in words], self.language, 0.0)]
        numbers += [(match.start(), match.end(), self.number_words[match.group().casefold()], True)
                    for match in words
                    if match.group().casefold() in self.number_words and not _capitals(match.group())]
        quantities = []
        for start, end, value, weak in sorted(numbers):
            unit = self.unit.match(latin, end)
            symbol = None
            if unit:
                symbol, end = self._canonical_unit(unit.group("unit")), unit.end()
            quantities.append(Quantity(Fraction(value), symbol, text[start:end], weak=weak))
        return quantities

    def _canonical_unit(self, written: str) -> str:
        """"mg/kg", "Milligramm pro Kilogramm" → "mg/kg"; a whole spelling first ("م.مول/ل" is one unit)."""
        def canonical(part: str) -> str | None:
            return self.units.get(re.sub(r"\s+", " ", part)) or self.folded_units.get(_key(part))
        return canonical(written) or "/".join(canonical(part) or part for part in self.unit_joiner.split(written))


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
    source_left, target_left = _unmatched(source, target, key=lambda q: (q.value, q.unit))
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


def _unmatched(source: list, target: list, key) -> tuple[list, list]:
    """What is left of each side after pairing equal keys; strong items pair with strong ones first."""
    target_left = sorted(target, key=lambda item: getattr(item, "weak", False))
    source_left = []
    for item in sorted(source, key=lambda item: getattr(item, "weak", False)):
        match = next((other for other in target_left if key(other) == key(item)), None)
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


def _compare_frequencies(source: list[Frequency], target: list[Frequency]) -> list[Problem]:
    source_left, target_left = _unmatched(source, target, key=lambda f: (f.count, f.period))
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


def _compare_symbols(source: Counter, target: Counter) -> list[Problem]:
    return [Problem("functional", "symbol",
                    f"the source has {count} “{symbol}” but the translation {target[symbol]}: keep the symbol")
            for symbol, count in source.items() if target[symbol] < count]


def _missing_abbreviations(abbreviations: list[str], translation: str) -> list[Problem]:
    problems = []
    for abbreviation in abbreviations:
        dotted = r"\.?".join(abbreviation) + r"\.?"  # "IV" may be written "i.v." in German
        if not re.search(f"{_NOT_LATIN_BEFORE}(?:{abbreviation}|(?i:{dotted})){_NOT_LATIN_AFTER}", translation):
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
