"""Renderers: model.Document -> PDF (WeasyPrint, via HTML) and EPUB (pandoc, via its JSON AST).

This module holds what every renderer shares: the registry of output formats, the output path convention,
the anchor ids the renderers add next to the document's own section ids, and the checks a document must pass
before any of them runs.  The writers are imported on first use: `import weasyprint` alone costs about 0.4 s.
"""
from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass, field, fields
from gettext import NullTranslations
from pathlib import Path
from typing import Any, Callable

from pipeline.errors import BookletError
from pipeline.model import Document, cited_parts

# Anchors the renderers add.  Prefixed so that a source article's own "Sources" or "Contents" heading (whose
# slug would be "sources" or "contents") cannot collide with them.
CONTENTS_ID = "booklet-contents"
INTRO_ID = "booklet-intro"
SOURCES_ID = "booklet-sources"
ABOUT_ID = "booklet-about"
SEE_DOCTOR_ID = "booklet-see-doctor"  # the guide's box near the front; the section keeps its own id
GLOSSARY_ID = "booklet-glossary"  # "Words to know"; each entry's id is glossary_entry_id(its number)

# An imposed layout (the folded booklet) prints pages half the size of its paper; its file of plain pages is named
# after that size.
HALF_PAPER_NAMES = {"a4": "a5", "letter": "half-letter"}

# Written right to left: BCP 47 primary language subtags (in their usual script) and script subtags.
RTL_LANGUAGES = frozenset({"ar", "arc", "ckb", "dv", "fa", "he", "ks", "ps", "sd", "ug", "ur", "yi"})
RTL_SCRIPTS = frozenset({"adlm", "arab", "hebr", "nkoo", "rohg", "syrc", "thaa"})


def N_(message: str) -> str:
    """Marks a label for extraction where it is translated later, at render time."""
    return message


@dataclass(frozen=True)
class AboutLine:
    """One line of the "About this information" box: a label (an English message id) and its value."""

    label: str
    text: str
    url: str | None = None
    iso_date: str | None = None  # set when `text` is a date, for <time datetime>
    who: str | None = None  # the person before the date ("who, date"): a name, isolated in its own direction
    translatable: bool = False  # `text` is our own message (a fallback), not the source's words
    lang: str | None = None  # the language of `text` where it is a fallback to the source language


def about_lines(doc: Document, format_date: Callable[[str, str], str], translation=None) -> list[AboutLine]:
    """Source, authorship, date and an open licence, shared by every renderer.  Source and date are always there:
    a handout says so when the source does not name them.  Messages are English ids for translation."""
    meta, a = doc.meta, doc.meta.attribution
    lines = [AboutLine(N_("Source:"), a.publisher, url=meta.url) if a.publisher else
             AboutLine(N_("Source:"), N_("not named in the text we received"), url=meta.url, translatable=True)]
    if a.author:
        lines.append(AboutLine(N_("Written by:"), a.author))
    if a.reviewed_by:
        lines.append(AboutLine(N_("Reviewed by:"), a.reviewed_by))
    else:
        lines.append(AboutLine(N_("Review status:"), N_("no review is stated by the source"), translatable=True))
    if meta.last_updated:
        lines.append(AboutLine(N_("Last updated:"), format_date(meta.last_updated, doc.lang), iso_date=meta.last_updated))
    else:
        lines.append(AboutLine(N_("Last updated:"), N_("not stated by the source"), translatable=True))
    review = meta.review
    if review.last_reviewed:
        lines.append(AboutLine(N_("Clinical review:"), format_date(review.last_reviewed, doc.lang),
                               iso_date=review.last_reviewed, who=review.reviewed_by))
    else:
        lines.append(AboutLine(N_("Clinical review:"), N_("not yet reviewed by a clinician"), translatable=True))
    if review.next_review_due:
        lines.append(AboutLine(N_("Next review due:"), format_date(review.next_review_due, doc.lang),
                               iso_date=review.next_review_due))
    else:
        lines.append(AboutLine(N_("Next review due:"), N_("not set"), translatable=True))
    if meta.printed_licence:
        lines.append(AboutLine(N_("Licence:"), meta.printed_licence))
    if translation is not None and translation.review.review is not None:
        review = translation.review.review
        lines.append(AboutLine(N_("Translation reviewed by:"), format_date(review.date, doc.lang),
                               iso_date=review.date, who=review.reviewer))
        if translation.partly_reviewed:
            lines.append(AboutLine(N_("Translation:"), N_("parts changed after this review are not yet reviewed"),
                                   translatable=True))
    elif translation is not None:
        lines.append(AboutLine(N_("Translation:"), N_("Translation not yet reviewed by a clinician"),
                               translatable=True))
    return lines


# --- runs of the other direction ----------------------------------------------------------------------------
# The Unicode bidi algorithm orders a run of Latin letters and digits inside Arabic text by its neighbours: "خذ
# 500 mg مرتين" prints "mg 500", a phone number's groups come out in reverse, and where WeasyPrint breaks the line
# inside such a run, its neutral characters ("×", "–", brackets) land on the wrong side.  The renderers therefore
# give every run whose direction differs from its surroundings an element with a `dir` attribute (print) or a
# Span with `dir` (EPUB), which WeasyPrint and reading systems both honour.  Not Unicode isolate characters:
# WeasyPrint's line breaking splits them (tech brief 1.9), and inputs may not hold any (textcheck).

_STRONG = {"ltr": frozenset({"L"}), "rtl": frozenset({"R", "AL"})}
_NUMBER = frozenset({"EN", "AN"})
_BRACKETS = {"(": ")", "[": "]", "{": "}"}
# Every character whose bidi class is R or AL lies in these blocks (tests/test_bidi.py checks all of Unicode).
_RIGHT_TO_LEFT = re.compile("[\u0590-\u08ff\u200f\ufb1d-\ufdff\ufe70-\ufeff\U00010800-\U00010fff"
                            "\U0001e800-\U0001efff]")
# A phone number or other run of digit groups: its groups would be reversed in right-to-left text.
_DIGIT_GROUPS = re.compile(r"\+?\(?\d[\d\s().\-/]*\d\)?")


def _bidi(char: str) -> str:
    return unicodedata.bidirectional(char)


def direction_runs(value: str, direction: str) -> list[tuple[str, str | None]]:
    """`value`, written in a `direction` ("ltr" or "rtl") context, cut into pieces: (text, None) for text that
    reads in that direction, (text, other direction) for a run that must be isolated from its neighbours: a run
    holding a letter of the other direction (with the digits, signs and brackets inside it: "500 mg", "375 mg/m²
    IV weekly × 4", "(B1/B6/B12)", a URL), and in right-to-left text a phone number or other digit groups
    separated by spaces ("+44 20 7946 0000").  A run ends at the last letter or digit; the punctuation after it
    belongs to the sentence around it."""
    if direction == "ltr" and not _RIGHT_TO_LEFT.search(value):
        return [(value, None)] if value else []  # nothing reads the other way (most text, and fast)
    own = _STRONG[direction]
    other_direction = "ltr" if direction == "rtl" else "rtl"
    other = _STRONG[other_direction]
    pieces: list[tuple[str, str | None]] = []
    done = 0
    segment_start = 0
    for end in [*(i for i, ch in enumerate(value) if _bidi(ch) in own), len(value)]:
        segment = range(segment_start, end)
        anchors = [i for i in segment if _bidi(value[i]) in other or _bidi(value[i]) in _NUMBER]
        if anchors and any(_bidi(value[i]) in other for i in anchors):
            first, last = anchors[0], anchors[-1] + 1
            # a bracket pair or a leading sign around the run goes with it
            while first > segment_start and value[first - 1] in "+#$€£":
                first -= 1
            if first > segment_start and value[first - 1] in _BRACKETS and _balanced(value[first - 1:last]):
                first -= 1
            if last < end and value[last] in ")]}" and _balanced(value[first:last + 1]):
                last += 1
            if (first > segment_start and last < end and value[first - 1] in _BRACKETS
                    and value[last] == _BRACKETS[value[first - 1]]):
                first, last = first - 1, last + 1
            if last < end and value[last] == "%":
                last += 1
            pieces += [(value[done:first], None), (value[first:last], other_direction)]
            done = last
        elif direction == "rtl":
            for m in _DIGIT_GROUPS.finditer(value, segment_start, end):
                if sum(ch.isdigit() for ch in m.group()) >= 6 and re.search(r"\d\s+\d", m.group()):
                    pieces += [(value[done:m.start()], None), (m.group(), "ltr")]
                    done = m.end()
        segment_start = end + 1
    pieces.append((value[done:], None))
    return [(text, d) for text, d in pieces if text]


def _balanced(run: str) -> bool:
    depth = 0
    for ch in run:
        depth += ch in "([{"
        depth -= ch in ")]}"
        if depth < 0:
            return False
    return depth == 0


def citation_id(number: int) -> str:
    return f"cite-{number}"


def glossary_entry_id(number: int) -> str:
    return f"{GLOSSARY_ID}-{number}"


def text_direction(lang: str) -> str:
    """"rtl" or "ltr" for a BCP 47 tag; an explicit script subtag wins (e.g. `az-Arab`, `ku-Latn`)."""
    parts = lang.lower().replace("_", "-").split("-")
    scripts = [p for p in parts[1:] if len(p) == 4 and p.isalpha()]
    if scripts:
        return "rtl" if scripts[0] in RTL_SCRIPTS else "ltr"
    return "rtl" if parts[0] in RTL_LANGUAGES else "ltr"


def check_document(doc: Document) -> None:
    """Refuse what would render wrongly rather than visibly: duplicate or clashing anchors (a TOC entry or a
    citation link would point at the wrong place), a section depth that disagrees with its nesting (the
    heading levels would be wrong; top-level sections have depth 1, the title being depth 0 as in
    Document.outline()), a citation marker with no citation, a date that is not an ISO date."""
    where = doc.meta.source_file or doc.id
    if not doc.title.strip() or not doc.lang.strip():
        raise BookletError("a document needs a title and a language (PDF/UA and EPUB require both)", where)
    reserved = ({CONTENTS_ID, INTRO_ID, SOURCES_ID, ABOUT_ID, GLOSSARY_ID}
                | {citation_id(c.number) for c in doc.citations} | {glossary_entry_id(e.number) for e in doc.glossary})
    seen: set[str] = set()

    def visit(sections, depth):
        for section in sections:
            if not section.id or any(ch.isspace() for ch in section.id):
                raise BookletError(f"section {section.title!r} has an unusable id {section.id!r}", where)
            if section.id in seen or section.id in reserved:
                raise BookletError(f"section id {section.id!r} is used twice", where)
            seen.add(section.id)
            if section.depth != depth:
                raise BookletError(
                    f"section {section.id!r} has depth {section.depth} but is nested at depth {depth}", where)
            visit(section.sections, depth + 1)

    visit(doc.sections, 1)

    numbers = [c.number for c in doc.citations]
    if numbers != list(range(1, len(numbers) + 1)):
        raise BookletError(f"citations are not numbered 1..{len(numbers)}: {numbers}", where)
    for parts in [cited_parts(block) for block in _all_blocks(doc)] + [[entry] for entry in doc.glossary]:
        cited = [n for part in parts for n in part.citations]
        missing = sorted({n for n in cited if not 1 <= n <= len(numbers)})
        if missing:
            raise BookletError(f"citation marker(s) {missing} have no citation", where)

    if doc.meta.last_updated is not None:
        try:
            datetime.date.fromisoformat(doc.meta.last_updated)
        except ValueError:
            raise BookletError(f"last_updated {doc.meta.last_updated!r} is not an ISO date (YYYY-MM-DD)", where)


def _all_blocks(doc: Document):
    yield from doc.blocks
    for section in doc.walk_sections():
        yield from section.blocks


@dataclass(frozen=True)
class Written:
    """What a writer reports: its warnings, and for a layout with a fit rule the body size it was set at."""

    warnings: list[str]
    body_pt: float | None = None


@dataclass(frozen=True)
class PrintOptions:
    """What the PDF writer takes: the labels' catalog, the paper, the clinic, the guide's address (a QR code),
    the edition the document was translated from (a bilingual layout sets it beside), the layouts' search path
    and the size the fit rule starts from."""

    labels: NullTranslations = field(default_factory=NullTranslations)  # English where None is given
    paper: str = "a4"
    clinic: Any = None  # config.Clinic
    guide_url: str | None = None
    translation: Any = None  # build.TranslationState
    source_edition: Any = None  # build.Edition
    layouts: Any = None  # render.layouts.LayoutSet; None: the built-in layouts
    fit_hint: float | None = None


@dataclass(frozen=True)
class EpubOptions:
    """What the EPUB writer takes (it has one layout and no paper size): the labels' catalog, the publisher, the
    translation's state, the layouts' search path, the render cache (cover and font subsets) and the build's
    SOURCE_DATE_EPOCH, which dates it."""

    labels: NullTranslations = field(default_factory=NullTranslations)
    publisher: Any = None  # config.Publisher
    translation: Any = None
    layouts: Any = None
    cache: Any = None  # render.cache.RenderCache
    source_date_epoch: str | None = None


def _write_pdf(doc: Document, target: Path, layout: str, options: PrintOptions) -> Written:
    from pipeline.render.layouts import BUILTIN
    from pipeline.render.pdf import write_fitted_pdf

    return Written(*write_fitted_pdf(doc, target, layout=layout, labels=options.labels, paper=options.paper,
                                     clinic=options.clinic,
                                     guide_url=options.guide_url, translation=options.translation,
                                     source_edition=options.source_edition, layouts=options.layouts or BUILTIN,
                                     fit_hint=options.fit_hint))


def _write_epub(doc: Document, target: Path, layout: str, options: EpubOptions) -> Written:
    from pipeline.render.epub import write_epub
    from pipeline.render.layouts import BUILTIN

    return Written(write_epub(doc, target, labels=options.labels, publisher=options.publisher,
                              translation=options.translation,
                              layouts=options.layouts or BUILTIN, cache=options.cache,
                              epoch=options.source_date_epoch))


@dataclass(frozen=True)
class Writer:
    """An output format: its writer and the options it declares (a dataclass)."""

    options: type
    write: Callable[[Document, Path, str, Any], Written]

    def __call__(self, doc: Document, target: Path, layout: str, **settings) -> Written:
        """Write `doc` with the options this writer declares, taken from `settings` (what the build knows;
        the rest concerns other writers)."""
        taken = {f.name for f in fields(self.options)}
        return self.write(doc, target, layout, self.options(**{k: v for k, v in settings.items() if k in taken}))


WRITERS: dict[str, Writer] = {"pdf": Writer(PrintOptions, _write_pdf), "epub": Writer(EpubOptions, _write_epub)}


def safe_name_part(label: str, value: str) -> str:
    """`value`, which names an output file or folder, when it cannot reach outside its folder; else a
    BookletError saying which `label` (a document id, a language) it is."""
    if not value or value in {".", ".."} or "/" in value or "\\" in value:
        raise BookletError(f"{label} {value!r} cannot be used in a file name")
    return value


def output_path(out_dir: str | Path, doc: Document, fmt: str, layout: str = "guide") -> Path:
    """`<out>/<locale>/<doc-id>.<layout>.pdf` or `<out>/<locale>/<doc-id>.epub`."""
    if fmt not in WRITERS:
        raise BookletError(f"unknown output format {fmt!r} (known: {', '.join(WRITERS)})")
    for label, value in (("document id", doc.id), ("language", doc.lang), ("layout", layout)):
        safe_name_part(label, value)
    name = f"{doc.id}.epub" if fmt == "epub" else f"{doc.id}.{layout}.{fmt}"
    return Path(out_dir) / doc.lang / name


def unimposed_path(imposed: str | Path, paper: str) -> Path:
    """Beside an imposed print file, the tagged PDF of its pages in reading order (the one to publish):
    `<doc-id>.booklet.pdf` -> `<doc-id>.booklet-a5.pdf` (`-half-letter` on letter paper)."""
    imposed = Path(imposed)
    return imposed.with_name(f"{imposed.stem}-{HALF_PAPER_NAMES[paper]}{imposed.suffix}")
