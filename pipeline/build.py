"""A document in one locale, ready to render: translated from its catalogs where they have a usable
translation, the source language (marked) everywhere else, with what a handout must say about that."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from gettext import NullTranslations
from pathlib import Path
from typing import Iterator

from pipeline.locales import babel_locale, is_pseudo

from pipeline.i18n.catalogs import (
    UI, LoadedCatalog, Withheld, builtin_labels, catalog_path, merged_labels, missing_ui, read_catalog,
    ui_template, ui_translations, unit_lookup)
from pipeline.config import Gate
from pipeline.i18n import po
from pipeline.i18n.qa import Problem, blocks_printing, check_unit, check_with_terms, holds_dose
from pipeline.i18n.review import PARTLY, REVIEWED, ReviewStatus
from pipeline.i18n.termbase import Termbase
from pipeline.i18n.units import Unit, overview, translate, units
from pipeline.model import Document
from pipeline.render.html import layout_templates
from pipeline.render.layouts import BUILTIN, LayoutSet, Manifest, missing_roles


@dataclass(frozen=True)
class TranslationState:
    """What the templates say about a translated edition."""

    source_language: str  # named in the edition's language: "inglés"
    incomplete: bool  # some units are shown in the source language
    review: ReviewStatus  # how far the catalog's clinical review covers it as it is now
    translator: str | None = None  # the catalog's Last-Translator, without the e-mail address

    @property
    def reviewed(self) -> bool:
        return self.review.state == REVIEWED

    @property
    def partly_reviewed(self) -> bool:
        """Reviewed, but some entries were translated or changed after the review."""
        return self.review.state == PARTLY


@dataclass
class Edition:
    document: Document
    locale: str
    labels: NullTranslations = field(default_factory=NullTranslations)
    translation: TranslationState | None = None  # None: the source language itself
    fallbacks: list[Unit] = field(default_factory=list)
    ui_catalog: LoadedCatalog | None = None
    source_lang: str | None = None  # the language `document` was translated from (None: it is the source)
    source_words: int = 0  # words of the source's units, for the share translated
    rejected: dict[str, list[Problem]] = field(default_factory=dict)  # unit id -> why its translation is not shown
    fuzzy: frozenset[str] = frozenset()  # ids of the units whose translation waits for a translator's confirmation
    qa_warnings: dict[str, list[Problem]] = field(default_factory=dict)  # unit id -> what a printed translation
    # should still fix: the QA check's functional problems (the cosmetic ones are for `i18n check` alone)

    @property
    def percent_translated(self) -> float:
        """The share of the source's words that are shown translated."""
        if not self.source_words:
            return 100.0
        return 100 * (self.source_words - sum(len(u.text.split()) for u in self.fallbacks)) / self.source_words

    def reason(self, unit: Unit) -> str:
        """Why a unit is shown in the source language."""
        if problems := self.rejected.get(unit.id):
            return "failed the QA check: " + "; ".join(f"{p.code}: {p.message}" for p in problems)
        if unit.id in self.fuzzy:
            return "fuzzy: its translation waits for a translator to confirm it"
        return "untranslated"


@dataclass(frozen=True)
class Target:
    """One output to write: a format in a layout (EPUB has the one layout "epub")."""

    fmt: str
    layout: str
    note: str | None = None  # to report before writing it (code gate.allow-incomplete)


@dataclass(frozen=True)
class Skipped:
    message: str
    code: str  # the message's code (messages.Message)
    refused: bool = False  # the build must end with an error (a sheet that would print untranslated text)
    withheld: Target | None = None  # an output held back by its publish gate: a copy from an earlier build goes


def targets(ed: Edition, layouts: list[str], formats: list[str], allow_incomplete: bool = False,
            layout_set: LayoutSet = BUILTIN, gates: dict[str, Gate] | None = None) -> Iterator[Target | Skipped]:
    """What to write for an edition, in order, and what not to with the reason (`layouts` are names, looked up
    on `layout_set`).  A translated edition passes its publish gate (the manifest's, or `gates` from
    booklet.toml by layout name, "epub" for the EPUB) or is skipped; a one-page sheet that would print
    untranslated text is refused (the build fails); `allow_incomplete` builds both anyway."""
    name, gates = ed.document.id, gates or {}
    for fmt in formats:
        for layout in layouts if fmt == "pdf" else ["epub"]:
            manifest = None
            if fmt == "pdf":
                manifest = layout_set.manifest(layout)
                if missing := missing_roles(ed.document, manifest):
                    yield Skipped(f"{name}: {layout} needs sections with roles {', '.join(missing)}; skipped",
                                  "layout.roles-missing")
                    continue
                if manifest.bilingual and ed.translation is None:
                    yield Skipped(f"{name}: {layout} sets a translation beside the source; {ed.locale} is the source "
                                  "language; skipped", "layout.source-language")
                    continue
            gate = (manifest.gate if manifest else Gate()).overridden(gates.get(layout))
            where = f"{name} {layout} ({ed.locale})"
            if ed.translation is None:
                yield Target(fmt, layout)
            elif gate.complete and (gaps := untranslated_for(ed, manifest, layout, layout_set)):
                if allow_incomplete:
                    yield Target(fmt, layout, f"{where}: built with {len(gaps)} untranslated units (--allow-incomplete)")
                else:
                    yield Skipped(f"{where}: not built, untranslated or fuzzy: " + "; ".join(gaps), "gate.refused",
                                  refused=True, withheld=Target(fmt, layout))
            elif not gate.complete and (shortfall := gate_shortfall(ed, gate)):
                if allow_incomplete:
                    yield Target(fmt, layout, f"{where}: built below its publish gate ({shortfall}) "
                                              "(--allow-incomplete: its cover says parts are untranslated)")
                else:
                    yield Skipped(f"{where}: not published: {shortfall}; `booklet i18n missing {ed.locale} {name}` "
                                  "lists what is missing (--allow-incomplete builds it anyway)", "gate.held-back",
                                  withheld=Target(fmt, layout))
            else:
                yield Target(fmt, layout)


def critical_gaps(ed: Edition, gate: Gate) -> list[Unit]:
    """The units a gate needs translated that are shown in the source language: those of sections playing
    one of its critical roles (or inside one), and, with `doses`, every unit that states a dose."""
    roles = _section_roles(ed.document.sections, None)
    source_lang = ed.source_lang or ed.document.lang
    return [unit for unit in ed.fallbacks
            if (unit.section is not None and roles.get(id(unit.section)) in gate.critical_roles)
            or (gate.doses and holds_dose(unit.text, source_lang))]


def gate_shortfall(ed: Edition, gate: Gate) -> str | None:
    """Why an edition does not pass a (not `complete`) gate, in a few words with the figures; None if it does."""
    reasons = []
    if critical := critical_gaps(ed, gate):
        reasons.append(f"{len(critical)} safety-critical units (roles {', '.join(gate.critical_roles)}"
                       f"{', doses' if gate.doses else ''}) untranslated")
    if (percent := ed.percent_translated) < gate.min_words:
        reasons.append(f"{int(percent * 10) / 10:g} % of its words translated, {gate.min_words:g} % needed")
    return "; ".join(reasons) or None


def same_language(a: str, b: str) -> bool:
    return not (is_pseudo(a) or is_pseudo(b)) and babel_locale(a).language == babel_locale(b).language


def edition(doc: Document, locale: str, translations: Path, termbase: Termbase | None = None) -> Edition | None:
    """`doc` in `locale`; None when there is no catalog for the document in that locale, or nothing in it
    is translated yet.  Its labels (the source's own edition's too) are the shipped translation with the
    project's own (`translations`) over it.  A translation with a rendering the locale's `termbase` forbids
    is not shown, like one that fails a critical QA check."""
    if same_language(locale, doc.lang):
        ui = labels_for(locale, translations)
        return Edition(doc, locale, ui_translations(ui), ui_catalog=ui)
    doc_po = catalog_path(translations, locale, doc.id)
    if not doc_po.exists():
        return None
    content = read_catalog(doc_po, locale)
    if not any(m.id and m.string and not m.fuzzy for m in content.catalog):
        return None  # nothing translated yet: an edition would be the source under another name
    ui = labels_for(locale, translations)
    lookup, rejected, warned = unit_lookup(content), {}, {}

    def checked(unit: Unit) -> str | None:
        """The translation, unless it fails a critical QA check or uses a forbidden rendering: then the source
        is shown, marked."""
        text = lookup(unit)
        if text and not is_pseudo(locale):
            problems = check_with_terms(unit.text, text, doc.lang, locale, termbase)
            if blocking := [p for p in problems if blocks_printing(p)]:
                rejected[unit.id] = blocking
                return None
            if functional := [p for p in problems if p.severity == "functional"]:
                warned[unit.id] = functional
        return text

    translated = translate(doc, locale, checked)
    fuzzy = frozenset(unit.id for unit in translated.fallbacks
                      if (entry := content.catalog.get(unit.text)) is not None and entry.fuzzy and entry.string)
    source_language = babel_locale(doc.lang).get_display_name(babel_locale(locale))
    translator = re.sub(r"\s*<[^>]*>\s*$", "", content.catalog.last_translator or "").strip()
    state = TranslationState(source_language=source_language, incomplete=bool(translated.fallbacks),
                             review=content.review_status(),
                             translator=None if translator in ("", "FULL NAME") else translator)
    return Edition(translated.document, locale, ui_translations(ui), state, translated.fallbacks, ui, doc.lang,
                   sum(len(u.text.split()) for u in units(doc)), rejected, fuzzy, warned)


def with_source_language(locales: list[str], lang: str) -> list[str]:
    """The configured locales, led by the source's own language when they leave it out: a document is always
    built in the language it was written in."""
    return list(locales) if any(same_language(locale, lang) for locale in locales) else [lang, *locales]


def labels_for(locale: str, translations: Path) -> LoadedCatalog | None:
    """The labels' translation into `locale`: the shipped one with the project's own (`translations`) over it;
    None where neither exists (English, the labels' own language, or a language nobody translated them into).
    A label whose translation fails the QA check is not used (printable_labels)."""
    ui_po = catalog_path(translations, locale, UI)
    return merged_labels(printable_labels(builtin_labels(locale), locale),
                         printable_labels(read_catalog(ui_po, locale) if ui_po.exists() else None, locale))


def printable_labels(loaded: LoadedCatalog | None, locale: str) -> LoadedCatalog | None:
    """`loaded` with each label whose translation fails a check that keeps a translation off the page blanked,
    and listed in its `withheld`: a placeholder lost (the value it stands for, a date or a phone number, would
    not print) or added (nothing fills it: the render would fail), or a number, dose or markup the English has
    not.  Such a label prints in English, like an untranslated one (a complete sheet is not built with it); a
    project's own label falls back to the shipped translation."""
    if loaded is None or is_pseudo(locale):
        return loaded
    parsed = po.parse(loaded.path)
    entries = {line: entry for entry in parsed.entries for line in entry.msgstr_lines.values()}
    blanked: set[tuple[str | None, str]] = set()
    for line, source, translation in parsed.translations():
        entry = entries[line]
        if entry.key in blanked:
            continue  # another of its plural forms failed
        if blocking := [p for p in check_unit(source, translation, "en", locale) if blocks_printing(p)]:
            message = loaded.catalog.get(entry.msgid, context=entry.msgctxt)
            message.string = ("",) * len(message.string) if isinstance(message.string, tuple) else ""
            loaded.withheld.append(Withheld(loaded.path, line, entry.msgid, tuple(blocking)))
            blanked.add(entry.key)
    return loaded


def untranslated_for(ed: Edition, manifest: Manifest | None, layout: str,
                     layout_set: LayoutSet = BUILTIN) -> list[str]:
    """What a layout that must be complete (the one-page sheet) would print untranslated: its units (title,
    disclaimer, the sections of its roles, and the overview paragraph where its options print a sentence of it
    (`overview = true`); every unit for the EPUB, which has no manifest) and its labels
    (those of the templates it renders with and of the renderers)."""
    if ed.translation is None:
        return []
    if manifest is None:
        return [f"{u.id}: {u.text}" for u in ed.fallbacks]
    ids = {u.id for u in ed.fallbacks}
    roles = _section_roles(ed.document.sections, None)
    shown = overview(ed.document) if manifest.options.get("overview") else None
    gaps = [f"{u.id}: {u.text}" for u in units(ed.document) if u.id in ids and
            (_used(u, roles, manifest) or (shown is not None and u.id == shown[0]))]
    templates = {f"layouts/{name}" for name in layout_templates(layout, layout_set)}
    labels = missing_ui(ed.ui_catalog, _label_template(layout_set),
                        lambda name: name in templates or name.startswith("pipeline/render/"))
    return gaps + [f"label: {label}" for label in labels]


@lru_cache(maxsize=None)
def _label_template(layout_set: LayoutSet):
    """The labels the renderers and layouts mark, extracted once a process (with Babel, the slow part of
    checking a sheet's labels), for reading only."""
    return ui_template(layout_set)


def _used(unit: Unit, roles: dict[int, str | None], manifest: Manifest) -> bool:
    """Whether a layout prints the unit: the title and disclaimer, and the sections of its roles; where the
    manifest's options give a number for a role (`symptoms = 6`), only that many first list items."""
    if unit.id in ("title", "disclaimer"):
        return True
    role = roles.get(id(unit.section)) if unit.section else None
    if role not in manifest.requires_roles:
        return False
    limit = manifest.options.get(role)
    item = re.fullmatch(r".+\.\d+\.(\d+)(?:\.term)?", unit.id)
    return not (isinstance(limit, int) and item and int(item.group(1)) > limit)


def _section_roles(sections, inherited: str | None) -> dict[int, str | None]:
    """Each section's role, or that of its nearest ancestor with one, by the section's identity."""
    roles: dict[int, str | None] = {}
    for section in sections:
        role = section.role or inherited
        roles[id(section)] = role
        roles.update(_section_roles(section.sections, role))
    return roles
