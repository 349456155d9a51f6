"""Gettext catalogs with Babel: templates from the documents and the layouts, a .po per locale and
document, merging, compiling, statistics, and the lookups a build uses.

Files: `translations/templates/<name>.pot`, `translations/<locale>/LC_MESSAGES/<name>.po` (and `.mo`), where
`<name>` is `ui` (the labels of the layouts) or a document id.  Catalogs are written the way pybabel writes
them (76-column wrapping), atomically, and not at all when only their dates would change, so version control
sees real changes only.  Babel keeps no header it does not know, so ours (`X-Clinical-Review`) are read from
the file and written back here; a catalog that loses it (e.g. after `pybabel update`) counts as not reviewed.
"""
from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.plurals import get_plural
from babel.messages.pofile import PoFileError, denormalize, normalize, read_po, write_po
from babel.support import Translations

from pipeline.errors import BookletError
from pipeline.textcheck import check_text
from pipeline.fsio import write_atomic
from pipeline.i18n.units import Unit, units
from pipeline.locales import babel_locale, folder_name
from pipeline.model import Document
from pipeline.render.layouts import BUILTIN, LayoutSet
from pipeline.resources import BUILTIN_TRANSLATIONS, PACKAGE_DIR

UI = "ui"
TEMPLATES = "templates"
WIDTH = 76  # pybabel's default wrapping
REVIEW_HEADER = "X-Clinical-Review"
NOT_REVIEWED = "none"
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
    """The document's units: msgctxt = unit id, a comment with the section path, a reference file:line (the
    metadata file for what it holds: title, subtitle, description, keywords)."""
    catalog = _new_catalog(f"booklet {doc.id}", locale=None)
    for unit in units(doc):
        where = (source, unit.line) if unit.line or metadata is None else (metadata, None)
        catalog.add(unit.text, string="", context=unit.id, auto_comments=[unit.path], locations=[where])
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
    merged = read_catalog(builtin.path)  # a copy to change
    for message in own.catalog:
        if message.id and not message.fuzzy and _text(message.string).strip():
            if (entry := merged.catalog.get(message.id, context=message.context)) is not None:
                entry.string, entry.flags = message.string, set(message.flags)
            else:
                merged.catalog[message.id] = message
    return merged


def _new_catalog(project: str, locale: str | None) -> Catalog:
    return Catalog(locale=locale, project=project, version="1", copyright_holder="booklet contributors",
                   charset="utf-8", fuzzy=False, creation_date=datetime.now(timezone.utc))


# --- reading and writing --------------------------------------------------------------------------------------

@dataclass
class LoadedCatalog:
    catalog: Catalog
    extra_headers: dict[str, str]  # ours, which Babel does not keep
    path: Path

    @property
    def review(self) -> str:
        return self.extra_headers.get(REVIEW_HEADER, NOT_REVIEWED).strip() or NOT_REVIEWED

    @property
    def reviewed(self) -> bool:
        return self.review.lower() != NOT_REVIEWED


def read_catalog(path: Path, locale: str | None = None) -> LoadedCatalog:
    """A catalog; with `locale`, its Language header must name that locale."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise BookletError("no such catalog", path) from None
    check_text(data.decode("utf-8", "replace").removeprefix("\ufeff"), path)
    try:
        catalog = read_po(io.BytesIO(data), abort_invalid=True)
    except (PoFileError, ValueError) as exc:
        line = re.search(r"line (\d+)", str(exc))
        raise BookletError(f"not a valid PO file: {exc}", path, int(line[1]) if line else None) from None
    _restore_previous_ids(catalog, data.decode("utf-8"))
    language = re.search(rb'^"Language: ([^\\"]*)', data, re.M)
    if locale and language and folder_name(language.group(1).decode().strip()) != folder_name(locale):
        raise BookletError(f"this catalog is for {language.group(1).decode()}, not {locale}", path)
    return LoadedCatalog(catalog, _extra_headers(data), path)


def _restore_previous_ids(catalog: Catalog, po: str) -> None:
    """Babel's reader skips `#|` lines, so a fuzzy entry's previous msgid would be lost on the next write:
    read them here."""
    for entry in po.split("\n\n"):
        lines = entry.splitlines()
        previous = [line[2:].strip() for line in lines if line.startswith("#|")]
        if not previous or not previous[0].startswith("msgid "):
            continue
        previous[0] = previous[0].removeprefix("msgid ").strip()
        context, msgid = _field(lines, "msgctxt"), _field(lines, "msgid")
        message = catalog.get(msgid, context=context) if msgid is not None else None
        if message is not None:
            message.previous_id = [denormalize("\n".join(previous))]


def _field(lines: list[str], keyword: str) -> str | None:
    """The unescaped value of `keyword "…"` and its continuation lines in one PO entry."""
    for i, line in enumerate(lines):
        if line.startswith(keyword + " "):
            parts = [line[len(keyword):].strip()]
            for more in lines[i + 1:]:
                if not more.startswith('"'):
                    break
                parts.append(more)
            return denormalize("\n".join(parts))
    return None


def _extra_headers(data: bytes) -> dict[str, str]:
    """X- headers of the header entry."""
    return {k: v for k, v in po_headers(data).items() if k.startswith("X-")}


def po_headers(data: bytes) -> dict[str, str]:
    """The header entry (the msgstr of msgid "") as written in the file, not as Babel fills it in."""
    header = re.search(rb'^msgid ""\s*\nmsgstr ((?:"[^\n]*"\s*\n)+)', data, re.M)
    if not header:
        return {}
    text = "".join(re.findall(r'"(.*)"', header.group(1).decode("utf-8"))).replace("\\n", "\n")
    return {k.strip(): v.strip() for k, _, v in (line.partition(":") for line in text.split("\n")) if k.strip()}


def write_catalog(path: Path, catalog: Catalog, extra_headers: dict[str, str] | None = None) -> bool:
    """Write `catalog` (with our extra headers) at `path`, unless only dates would change.  True if written."""
    for message in catalog:
        if message.context:  # a document's text, never a format string, even where it reads "1 % of"
            message.flags.discard("python-format")
    out = io.BytesIO()
    # Babel 2.18 writes a long previous msgid as broken `#|` lines (one wrapped string with the quotes of
    # every part inside it), which no tool reads back: write them ourselves.
    write_po(out, catalog, width=WIDTH, include_previous=False, ignore_obsolete=False)
    data = _with_previous_ids(out.getvalue().decode("utf-8"), catalog).encode("utf-8")
    if extra_headers:
        lines = "".join(f'"{k}: {v}\\n"\n' for k, v in extra_headers.items())
        data = data.replace(b'"Generated-By:', lines.encode("utf-8") + b'"Generated-By:', 1)
    if path.exists() and _without_dates(path.read_bytes()) == _without_dates(data):
        return False
    write_atomic(path, data)
    return True


def _with_previous_ids(po: str, catalog: Catalog) -> str:
    """Insert `#| msgid` lines, in the PO file's own multi-line form, before each entry that has a previous
    msgid (a fuzzy entry whose source changed)."""
    for message in catalog:
        if not message.id or not message.previous_id:
            continue
        lines = normalize(message.previous_id[0], width=WIDTH).split("\n")
        previous = "".join(f"#| msgid {line}\n" if i == 0 else f"#| {line}\n" for i, line in enumerate(lines))
        anchor = (f"msgctxt {normalize(message.context, width=WIDTH)}\n" if message.context
                  else f"msgid {normalize(_text(message.id), width=WIDTH)}\n")
        at = po.find("\n" + anchor)
        if at < 0:
            raise BookletError(f"cannot place the previous msgid of {_text(message.id)[:40]!r}")
        po = po[:at + 1] + previous + po[at + 1:]
    return po


def _without_dates(data: bytes) -> bytes:
    return re.sub(rb'^"(POT-Creation-Date|PO-Revision-Date): [^"]*"$', b"", data, flags=re.M)


# --- the translators' commands ------------------------------------------------------------------------------

def init(template: Path, target: Path, locale: str) -> None:
    """A new catalog for `locale` from a template: Babel fills Language and Plural-Forms from CLDR."""
    if target.exists():
        raise BookletError("catalog exists already; use `booklet i18n update` to merge new strings", target)
    pot = read_catalog(template).catalog
    catalog = _new_catalog(pot.project, locale=locale_id(locale))
    catalog.update(pot)
    catalog.language_team = f"{babel_locale(locale).english_name} <LL@li.org>"
    write_catalog(target, catalog, {REVIEW_HEADER: NOT_REVIEWED})


def update(template: Path, target: Path) -> None:
    """Merge a catalog with its template: a changed source string becomes fuzzy with its previous msgid
    kept, a removed one becomes obsolete (#~); no translation is ever dropped.  Plural-Forms becomes the
    rule of the catalog's language in the installed Babel."""
    loaded = read_catalog(target)
    pot = read_catalog(template).catalog
    _plural_forms_of_its_language(loaded)
    loaded.catalog.update(pot, no_fuzzy_matching=False, update_header_comment=False)
    write_catalog(target, loaded.catalog, loaded.extra_headers or {REVIEW_HEADER: NOT_REVIEWED})


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

    @property
    def total(self) -> int:
        return self.translated + self.fuzzy + self.untranslated

    @property
    def percent(self) -> float:
        return round(100 * self.translated / self.total, 1) if self.total else 100.0


def stats(loaded: LoadedCatalog, name: str, locale: str) -> Stats:
    counts = {"translated": 0, "fuzzy": 0, "untranslated": 0}
    words = dict.fromkeys(counts, 0)
    for message in loaded.catalog:
        if not message.id:
            continue
        state = "fuzzy" if message.fuzzy else "translated" if _text(message.string) else "untranslated"
        counts[state] += 1
        words[state] += len(_text(message.id).split())
    return Stats(name, locale, counts["translated"], counts["fuzzy"], counts["untranslated"], words)


def _text(value) -> str:
    return " ".join(value) if isinstance(value, (tuple, list)) else (value or "")


# --- what a build uses ----------------------------------------------------------------------------------------

def unit_lookup(loaded: LoadedCatalog | None) -> Callable[[Unit], str | None]:
    """Translated, non-fuzzy entries only, matched on both context (unit id) and the current source text:
    a translation of an older source sentence is never printed."""
    def lookup(unit: Unit) -> str | None:
        if loaded is None:
            return None
        message = loaded.catalog.get(unit.text, context=unit.id)
        if message is None or message.fuzzy or not message.string:
            return None
        return message.string
    return lookup


def ui_translations(loaded: LoadedCatalog | None) -> Translations:
    """Gettext translations for the layouts' labels, fuzzy entries left out."""
    if loaded is None:
        return Translations()
    out = io.BytesIO()
    write_mo(out, loaded.catalog, use_fuzzy=False)
    out.seek(0)
    return Translations(out)


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
