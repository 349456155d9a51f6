"""Gettext catalogs with Babel: templates from the documents and the layouts, a .po per locale and
document, merging, compiling, statistics, and the lookups a build uses.

Files: `translations/templates/<name>.pot`, `translations/<locale>/LC_MESSAGES/<name>.po` (and `.mo`), where
`<name>` is `ui` (the labels of the layouts) or a document id.  Catalogs are written the way
GNU msgcat and msgmerge lay them out (pipeline.i18n.po), atomically, and not at all when only their dates
would change, so version control sees real changes only.  Every command reads them through the one strict
reader of pipeline.i18n.po.  Headers Babel does not know (ours: `X-Clinical-Review`, pipeline.i18n.review) are
kept here; a catalog that loses it (e.g. after `pybabel update`) counts as not reviewed.
"""
from __future__ import annotations

import copy
import io
import posixpath
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.plurals import get_plural
from babel.support import Translations

from pipeline.errors import BookletError
from pipeline.fsio import write_atomic
from pipeline.i18n import po, review
from pipeline.i18n.review import NOT_REVIEWED, REVIEW_HEADER
from pipeline.i18n.units import Unit, units
from pipeline.locales import babel_locale, folder_name, is_pseudo
from pipeline.model import Document
from pipeline.render.layouts import BUILTIN, LayoutSet
from pipeline.resources import BUILTIN_TRANSLATIONS, PACKAGE_DIR

if TYPE_CHECKING:
    from pipeline.i18n.memory import Memory

UI = "ui"
TEMPLATES = "templates"
# Starts the translator comment on an entry the translation memory pre-filled (pipeline.i18n.memory); it goes
# when a translator confirms the entry (removes its fuzzy flag) and `update` runs.
MEMORY_COMMENT = "booklet-tm:"
# Where the labels are marked, as babel.cfg tells pybabel (a test holds the two to the same messages): the
# package's code, and the templates of every folder on the layout search path.  The folders are walked one by
# one rather than from one top folder, which an installed package does not have.
CODE_METHODS = [("**.py", "python")]
TEMPLATE_METHODS = [("**.j2", "jinja2")]
TEMPLATE_OPTIONS = {"**.j2": {"extensions": "jinja2.ext.i18n"}}


def locale_id(tag: str) -> str:
    """The catalog folder name of a BCP 47 tag: "pt-BR" -> "pt_BR"."""
    try:
        return folder_name(tag)
    except ValueError:
        raise BookletError(f"{tag!r} is not a locale Babel knows") from None


def template_path(root: Path, name: str) -> Path:
    return root / TEMPLATES / f"{name}.pot"


def catalog_path(root: Path, locale: str, name: str, suffix: str = ".po") -> Path:
    return root / locale_id(locale) / "LC_MESSAGES" / f"{name}{suffix}"


# --- templates ----------------------------------------------------------------------------------------------

def document_template(doc: Document, source: str, metadata: str | None = None) -> Catalog:
    """The document's units, keyed by their text alone (msgid, no msgctxt), so that rewording a heading,
    moving a section or reordering a list changes no entry but those whose own text changed (issue 10; the
    unit id holds section slugs and positions, and was the msgctxt before).  Each occurrence adds a comment
    with its section path and unit id (`#. Causes › Symptoms [symptoms.1.2]`) and a reference file:line (the
    metadata file for what it holds: title, subtitle, description, keywords); the same text in two places is
    one entry, translated once, with both."""
    catalog = _new_catalog(f"booklet {doc.id}", locale=None)
    for unit in units(doc):
        if unit.file:  # beside the source file, in the document's folder
            where = (posixpath.join(posixpath.dirname(source), unit.file), unit.line)
        else:
            where = (source, unit.line) if unit.line or metadata is None else (metadata, None)
        catalog.add(unit.text, string="", auto_comments=[f"{unit.path} [{unit.id}]"], locations=[where])
    return catalog


def ui_template(layouts: LayoutSet = BUILTIN) -> Catalog:
    """The labels marked in the renderers and the layouts (`_()`, `N_()`, `{% trans %}`), as pybabel would
    extract them with babel.cfg; file names as in the repository (`pipeline/…`, `layouts/…`)."""
    catalog = _new_catalog("booklet ui", locale=None)
    folders = [(root, "layouts", TEMPLATE_METHODS, TEMPLATE_OPTIONS) for root in reversed(layouts.roots)]
    folders.append((PACKAGE_DIR, "pipeline", CODE_METHODS, {}))
    for folder, shown, methods, options in folders:
        found = extract_from_dir(folder, methods, options, keywords=DEFAULT_KEYWORDS,
                                 comment_tags=("Translators:",), strip_comment_tags=True,
                                 directory_filter=lambda d: not Path(d).name.startswith((".", "_")))
        for filename, lineno, message, comments, context in found:
            catalog.add(message, string="" if isinstance(message, str) else ("", ""),
                        locations=[(f"{shown}/{filename}", lineno)], auto_comments=comments, context=context)
    return catalog


def builtin_labels(locale: str) -> LoadedCatalog | None:
    """The shipped translation of the built-in labels into `locale`, if there is one."""
    path = catalog_path(BUILTIN_TRANSLATIONS, locale, UI)
    return read_catalog(path, locale) if path.is_file() else None


def merged_labels(builtin: LoadedCatalog | None, own: LoadedCatalog | None) -> LoadedCatalog | None:
    """A project's translations of the labels over the shipped ones: each label the project translates (and
    has not marked fuzzy) replaces the shipped translation; the rest stay as shipped."""
    if builtin is None or own is None or own.path.resolve() == builtin.path.resolve():
        return own or builtin
    merged = LoadedCatalog(copy.deepcopy(builtin.catalog), dict(builtin.extra_headers), builtin.path,
                           list(builtin.withheld))  # a copy to change
    for message in own.catalog:
        if message.id and not message.fuzzy and _text(message.string).strip():
            if (entry := merged.catalog.get(message.id, context=message.context)) is not None:
                entry.string, entry.flags = message.string, set(message.flags)
            else:
                merged.catalog[message.id] = message
    merged.withheld += own.withheld
    return merged


def _new_catalog(project: str, locale: str | None) -> Catalog:
    return Catalog(locale=locale, project=project, version="1", copyright_holder="booklet contributors",
                   charset="utf-8", fuzzy=False, creation_date=datetime.now(timezone.utc))


# --- reading and writing --------------------------------------------------------------------------------------

# The headers Babel's Catalog keeps and writes itself; any other (X-Clinical-Review, a tool's own) is kept here.
BABEL_HEADERS = {"project-id-version", "report-msgid-bugs-to", "pot-creation-date", "po-revision-date",
                 "last-translator", "language", "language-team", "plural-forms", "mime-version", "content-type",
                 "content-transfer-encoding", "generated-by"}
GENERATOR = "booklet"
GNU_HEADER_ORDER = ["Project-Id-Version", "Report-Msgid-Bugs-To", "POT-Creation-Date", "PO-Revision-Date",
                    "Last-Translator", "Language-Team", "Language", "MIME-Version", "Content-Type",
                    "Content-Transfer-Encoding", "Plural-Forms"]


@dataclass(frozen=True)
class Withheld:
    """A translation kept off the page: the file and line of its msgstr, its msgid, and why."""

    path: Path
    line: int
    msgid: str
    problems: tuple  # qa.Problem


@dataclass
class LoadedCatalog:
    catalog: Catalog
    extra_headers: dict[str, str]  # the headers Babel does not keep, in the file's order
    path: Path
    withheld: list[Withheld] = field(default_factory=list)  # labels blanked: they fail the QA check (build.py)

    def review_status(self) -> review.ReviewStatus:
        """How far its clinical review covers it (pipeline.i18n.review)."""
        return review.status(self.catalog, review.review_of(self.extra_headers, self.path))


def read_catalog(path: Path, locale: str | None = None) -> LoadedCatalog:
    """A catalog, read strictly (pipeline.i18n.po: a broken file is a BookletError naming its line); with
    `locale`, its Language header must name that locale."""
    parsed = po.parse(path)
    language = parsed.header_value("Language")
    if locale and language and folder_name(language) != folder_name(locale):
        raise BookletError(f"this catalog is for {language}, not {locale}", path, parsed.header_line("Language"))
    extra = {k: v for k, v in parsed.headers if k.lower() not in BABEL_HEADERS}
    return LoadedCatalog(po.to_catalog(parsed), extra, Path(path))


def po_headers(data: bytes) -> dict[str, str]:
    """The header entry (the msgstr of msgid "") as written in the file, not as Babel fills it in."""
    return dict(po.parse(Path("<catalog>"), data).headers)


def write_catalog(path: Path, catalog: Catalog, extra_headers: dict[str, str] | None = None) -> bool:
    """Write `catalog` (with our extra headers) at `path` atomically, laid out as GNU msgcat would, unless only
    dates would change.  True if written.  A broken file already there is never written over."""
    for message in [*catalog, *catalog.obsolete.values()] if is_document(path) else []:
        if message.id:  # a document's text, never a format string, even where it reads "1 % of"
            message.flags -= {"python-format", "python-brace-format"}
            if message.python_format:  # said explicitly, for GNU tools, Weblate and Poedit
                message.flags.add("no-python-format")
    fields = {k: v for k, v in catalog.mime_headers if k.lower() != "generated-by"}
    fields["Content-Type"] = "text/plain; charset=UTF-8"
    for key, value in {**(extra_headers or {}), "X-Generator": GENERATOR}.items():
        fields[next((k for k in fields if k.lower() == key.lower()), key)] = value
    # msgmerge's order (the fields it knows, then the others as they were), so that it leaves ours as they are
    headers = [(k, fields.pop(k)) for k in GNU_HEADER_ORDER if k in fields] + list(fields.items())
    data = po.serialize(catalog, headers, header_flags=["fuzzy"] if catalog.fuzzy else ())
    if path.exists():
        old = path.read_bytes()
        po.parse(path, old)  # refuses to replace a file it cannot read
        if _without_dates(old) == _without_dates(data):
            return False
    write_atomic(path, data)
    return True


def is_document(path: Path) -> bool:
    """Whether a catalog holds a document's text (every name but `ui`, the layouts' labels)."""
    return Path(path).stem != UI


def _without_dates(data: bytes) -> bytes:
    return re.sub(rb'^"(POT-Creation-Date|PO-Revision-Date): [^"]*"$', b"", data, flags=re.M)


# --- the translators' commands ------------------------------------------------------------------------------

def init(template: Path, target: Path, locale: str, memory: Memory | None = None) -> None:
    """A new catalog for `locale` from a template: Babel fills Language and Plural-Forms from CLDR; with a
    `memory`, every entry it has a match for is pre-filled (fuzzy, its origin in a comment)."""
    if target.exists():
        raise BookletError("catalog exists already; use `booklet i18n update` to merge new strings", target)
    pot = read_catalog(template).catalog
    catalog = _new_catalog(pot.project, locale=locale_id(locale))
    catalog.update(pot)
    catalog.language_team = f"{babel_locale(locale).english_name} <LL@li.org>"
    if memory is not None:
        memory.prefill(catalog)
    write_catalog(target, catalog, {REVIEW_HEADER: NOT_REVIEWED})


def update(template: Path, target: Path, memory: Memory | None = None) -> bool:
    """Merge a catalog with its template, the way `msgmerge --previous` does, and never lose a translation:
    an entry is translated, fuzzy (its source changed: the translation and the previous msgid `#|` kept),
    untranslated because it is new, or obsolete (`#~`, its source removed).  An obsolete entry whose source
    comes back is taken back: translated as it was when the source is the same, fuzzy when similar.  With a
    `memory`, a new or changed entry left without a translation is pre-filled from it (fuzzy, its origin in
    a comment); an entry a translator confirmed loses that comment.  A second run changes nothing.
    Plural-Forms becomes the rule of the catalog's language in the installed Babel."""
    loaded = read_catalog(target)
    pot = read_catalog(template).catalog
    _plural_forms_of_its_language(loaded)
    catalog = loaded.catalog
    if is_document(target):
        rekey_by_text(catalog, pot)
    known = {key for key, message in catalog._messages.items() if message.id}
    # Babel's merge matches only live entries, and forgets the previous msgid of an entry that stays fuzzy:
    # the obsolete ones join the live ones for the merge (the unmatched become obsolete again), and the
    # previous msgids are put back after it.
    previous = {key: (m.previous_id, getattr(m, "previous_context", None))
                for key, m in [*catalog._messages.items(), *catalog.obsolete.items()] if m.previous_id}
    by_old_id = {_text(m.id): previous[key] for key, m in [*catalog._messages.items(), *catalog.obsolete.items()]
                 if key in previous and m.fuzzy}
    catalog._messages.update({key: m for key, m in catalog.obsolete.items() if key not in catalog._messages})
    catalog.obsolete = {}
    catalog.update(pot, no_fuzzy_matching=False, update_header_comment=False)
    for key, message in [*catalog._messages.items(), *catalog.obsolete.items()]:
        if not message.fuzzy:
            message.previous_id, message.previous_context = [], None
            message.user_comments = [c for c in message.user_comments if not c.startswith(MEMORY_COMMENT)]
        elif key in previous and (not message.previous_id or _text(message.previous_id) == _text(message.id)):
            message.previous_id, message.previous_context = previous[key]
        elif message.previous_id and _text(message.previous_id[0]) in by_old_id:
            # matched an entry that was fuzzy already: its translation is of that entry's previous msgid
            message.previous_id, message.previous_context = by_old_id[_text(message.previous_id[0])]
    if memory is not None:
        memory.prefill(m for key, m in catalog._messages.items() if key not in known or m.fuzzy)
    return write_catalog(target, catalog, loaded.extra_headers or {REVIEW_HEADER: NOT_REVIEWED})


def rekey_by_text(catalog: Catalog, pot: Catalog) -> int:
    """Move each entry whose msgctxt+msgid the template no longer has to the template's entry with the same
    msgid and another msgctxt (none, for a document), keeping its translation, fuzzy flag and previous msgid:
    a document entry is keyed by its text, and what used to be its msgctxt (the unit id: slugs and positions)
    says nothing about its translation.  This is how catalogs keyed by unit id (before issue 10) migrate, and
    how a document catalog follows a msgctxt that changed.  Where several old entries have the text, the
    translated one wins (then a fuzzy one); the others become obsolete in the merge, so nothing is lost.
    Returns how many entries moved."""
    wanted = {catalog._key_for(m.id, m.context): m for m in pot if m.id}
    rank = {}  # msgid -> the entries of that text whose key the template has not, best first
    for store in (catalog._messages, catalog.obsolete):
        for key, message in store.items():
            if message.id and key not in wanted:
                rank.setdefault(catalog._key_for(message.id, None), []).append((store, key, message))
    moved = 0
    for key, template_message in wanted.items():
        if key in catalog._messages or key in catalog.obsolete:
            continue
        candidates = rank.get(catalog._key_for(template_message.id, None))
        if not candidates:
            continue
        candidates.sort(key=lambda c: (2 if not any(_as_tuple(c[2].string)) else int(c[2].fuzzy),
                                       c[0] is catalog.obsolete))
        store, old_key, message = candidates.pop(0)
        del store[old_key]
        message.context = template_message.context
        catalog._messages[key] = message
        moved += 1
    return moved


def _plural_forms_of_its_language(loaded: LoadedCatalog) -> None:
    """Set the catalog's Plural-Forms to Babel's rule for its language (CLDR's rules change between Babel
    releases: 2.19 gives Spanish and French a third form, for a million and more).  A translated plural
    entry then has the wrong number of forms, and the merge that follows marks it fuzzy for the translator;
    a rule with fewer forms than a translation fills is refused, since writing it would drop them."""
    catalog = loaded.catalog
    if catalog.locale is None:  # no Language header, or one Babel does not know (the pseudo-locale)
        return
    rule = get_plural(catalog.locale)
    if catalog.plural_forms == rule.plural_forms:
        return
    for message in catalog:
        if message.pluralizable and any(_as_tuple(message.string)[rule.num_plurals:]):
            raise BookletError(f"Babel's plural rule for {catalog.locale_identifier} ({rule.plural_forms}) has "
                               f"fewer forms than the translation of {_text(message.id)[:40]!r}; "
                               "merge its plural forms by hand first", loaded.path)
    catalog.mime_headers = [("Plural-Forms", rule.plural_forms)]


def _as_tuple(value) -> tuple:
    return tuple(value) if isinstance(value, (tuple, list)) else (value,)


def compile_catalog(source: Path) -> Path:
    """The .mo beside a .po, without fuzzy entries."""
    catalog = read_catalog(source).catalog
    out = io.BytesIO()
    write_mo(out, catalog, use_fuzzy=False)
    target = source.with_suffix(".mo")
    write_atomic(target, out.getvalue())
    return target


@dataclass
class Stats:
    name: str
    locale: str
    translated: int
    fuzzy: int
    untranslated: int
    words: dict[str, int]  # source words per state
    prefilled_words: int  # of the fuzzy ones: those the translation memory pre-filled, not yet confirmed
    review: str = review.NONE  # how far its clinical review covers it (review.ReviewStatus.state)
    changed_since_review: int = 0  # translated entries the review does not cover: translated or changed after it

    @property
    def total(self) -> int:
        return self.translated + self.fuzzy + self.untranslated

    @property
    def percent(self) -> float:
        return round(100 * self.translated / self.total, 1) if self.total else 100.0


def stats(loaded: LoadedCatalog, name: str, locale: str) -> Stats:
    counts = {"translated": 0, "fuzzy": 0, "untranslated": 0}
    words = dict.fromkeys(counts, 0)
    prefilled = 0
    for message in loaded.catalog:
        if not message.id:
            continue
        state = "fuzzy" if message.fuzzy else "translated" if _text(message.string) else "untranslated"
        counts[state] += 1
        words[state] += len(_text(message.id).split())
        prefilled += len(_text(message.id).split()) if is_prefilled(message) else 0
    reviewed = loaded.review_status()
    return Stats(name, locale, counts["translated"], counts["fuzzy"], counts["untranslated"], words, prefilled,
                 reviewed.state, reviewed.changed if reviewed.review else 0)


def is_prefilled(message) -> bool:
    """Whether an entry holds what the translation memory offered and no translator has confirmed yet."""
    return message.fuzzy and any(c.startswith(MEMORY_COMMENT) for c in message.user_comments)


def _text(value) -> str:
    return " ".join(value) if isinstance(value, (tuple, list)) else (value or "")


# --- what a build uses ----------------------------------------------------------------------------------------

def unit_lookup(loaded: LoadedCatalog | None) -> Callable[[Unit], str | None]:
    """Translated, non-fuzzy entries only, matched on the current source text (the msgid, without msgctxt):
    a translation of an older source sentence is never printed.  A catalog not yet migrated by `i18n update`
    (msgctxt = unit id, before issue 10) is still read by the unit id."""
    def lookup(unit: Unit) -> str | None:
        if loaded is None:
            return None
        message = loaded.catalog.get(unit.text)
        if message is None:
            message = loaded.catalog.get(unit.text, context=unit.id)
        if message is None or message.fuzzy or not message.string:
            return None
        return message.string
    return lookup


class Labels(Translations):
    """Gettext translations of the layouts' labels; `missing` where no catalog exists for the language at all,
    so that a handout in another language than English can say its labels are in English."""

    missing = False


def labels_in_english(labels, lang: str) -> bool:
    """Whether labels print in English in an edition in `lang` for want of any translation into it (ui_translations
    of no catalog); English itself and the pseudo-locale are never short of one."""
    return getattr(labels, "missing", False) and not is_pseudo(lang) and babel_locale(lang).language != "en"


def ui_translations(loaded: LoadedCatalog | None) -> Labels:
    """Gettext translations for the layouts' labels, fuzzy entries left out."""
    if loaded is None:
        labels = Labels()
        labels.missing = True
        return labels
    out = io.BytesIO()
    write_mo(out, loaded.catalog, use_fuzzy=False)
    out.seek(0)
    return Labels(out)


def missing_ui(loaded: LoadedCatalog | None, template: Catalog, in_files: Callable[[str], bool]) -> list[str]:
    """UI labels from files `in_files` accepts that `loaded` has no usable translation of."""
    missing = []
    for message in template:
        if not message.id or not any(in_files(filename) for filename, _ in message.locations):
            continue
        entry = loaded.catalog.get(message.id, context=message.context) if loaded else None
        if entry is None or entry.fuzzy or not _text(entry.string).strip():
            missing.append(_text(message.id))
    return missing
