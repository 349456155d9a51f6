"""HTML for the print layouts: model.Document -> one HTML string from `layouts/<layout>/<layout>.html.j2`.

Source text is untrusted data: autoescaping is always on, and the templates never mark it safe.  Stylesheet and
asset URLs in the HTML are relative to a layouts folder (pass `base_url(layouts)` to whatever loads the string,
and an AssetFetcher for the same LayoutSet, which finds each file on the search path).
"""
from __future__ import annotations

import datetime
import re
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from gettext import NullTranslations

import jinja2
import jinja2.meta
from markupsafe import Markup, escape
from babel.dates import format_date

from pipeline.config import Clinic
from pipeline.glossary import FirstUses, Use, in_glossary_order, linked_pieces
from pipeline.i18n import catalogs
from pipeline.errors import BookletError
from pipeline.locales import babel_locale, is_pseudo
from pipeline.i18n.units import overview
from pipeline.model import Block, Document, ListBlock, ListItem, Paragraph
from pipeline.render import (
    ABOUT_ID, CONTENTS_ID, GLOSSARY_ID, SEE_DOCTOR_ID, SOURCES_ID, about_lines, check_document, citation_id,
    direction_runs, glossary_entry_id, text_direction)
from pipeline.render.images import image_data_uri, qr_svg
from pipeline.render.layouts import BUILTIN, LayoutSet, missing_roles


_WEB_URL = re.compile(r"https?://[^\s\"'<>]+\Z", re.IGNORECASE)


def base_url(layouts: LayoutSet = BUILTIN) -> str:
    return layouts.roots[0].as_uri() + "/"


def long_date(iso_date: str, lang: str) -> str:
    """"2024-03-01" -> "1 March 2024" in the document's language; the ISO date where Babel has no locale."""
    date = datetime.date.fromisoformat(iso_date)
    try:
        return format_date(date, format="long", locale=babel_locale(lang))
    except ValueError:
        return date.isoformat()


def language_name(tag: str) -> str:
    """"en" -> "English", "ar" -> "العربية": the language named in itself, as a reader would look for it."""
    if is_pseudo(tag):
        return "[Pseudo-localisation]"
    try:
        locale = babel_locale(tag)
    except ValueError:
        return tag
    name = locale.get_display_name(locale) or tag
    return name[:1].upper() + name[1:]


def unit_text(owner, field: str, direction: str, uses: list[Use] = ()):
    """A unit's text, wrapped in a span with its language where it is a fallback to the source language,
    so readers, screen readers, hyphenation and shaping treat it as that language; in its own language (written
    in `direction`), its runs of the other direction isolated (see `isolated`); its `uses` of glossary terms
    linked to their entries."""
    return in_language(getattr(owner, field), owner.langs.get(field), direction, uses)


def in_language(value: str, lang: str | None, direction: str, uses: list[Use] = ()):
    """`value` in a span with its language and direction, where it is not the document's (`lang` set); the
    `dir` attribute keeps the bidi algorithm from reordering it with its neighbours.  Text in the document's
    language (written in `direction`), and a fallback in its own, has its runs of the other direction isolated."""
    if not lang:
        return glossary_linked(value, direction, uses)
    return Markup('<span lang="{}" dir="{}">{}</span>').format(
        lang, text_direction(lang), glossary_linked(value, text_direction(lang), uses))


def glossary_linked(value, direction: str, uses: list[Use]) -> Markup:
    """Text as `isolated` gives it, each of its `uses` of a glossary term a link to the term's entry."""
    if not uses:
        return isolated(value, direction)
    return Markup("").join(
        Markup('<a class="glossref" href="#{}">{}</a>').format(glossary_entry_id(number), isolated(piece, direction))
        if number else isolated(piece, direction) for piece, number in linked_pieces(value, uses))


def isolated(value, direction: str) -> Markup:
    """Plain text (escaped) with every run of the other direction in a `<span dir>` of its own: a dose, a
    Latin term or a URL inside Arabic text, a phone number's digit groups, an Arabic word inside English
    (render.direction_runs).  `direction` is that of the text around it."""
    if value is None:
        return Markup("")
    if isinstance(value, Markup):
        return value
    pieces = direction_runs(str(value), direction)
    return Markup("").join(Markup('<span dir="{}">{}</span>').format(run, text) if run else escape(text)
                           for text, run in pieces)


def block_lang(owner, *fields: str) -> Markup:
    """` lang="…" dir="…"` for the element holding `fields` of `owner` when all of them (those it has) fall
    back to the same other language: the whole block then reads in that direction, its separators (" – ")
    included, and WeasyPrint cannot break a line inside a run it has reordered (tech brief 1.9)."""
    langs = {owner.langs.get(field) for field in fields if getattr(owner, field, None)}
    if len(langs) != 1 or None in langs:
        return Markup("")
    lang = langs.pop()
    return Markup(' lang="{}" dir="{}"').format(lang, text_direction(lang))


# A word longer than this may not fit a table column on the narrowest page (A5 at 12 pt, large print at 18 pt):
# its cell may break it anywhere.  Only such cells: WeasyPrint sizes columns by their longest words, and letting
# every cell break anywhere squeezes short columns ("Streng-th", "20-0 mg") when a table is wider than the page.
LONG_WORD_CHARS = 20


def has_long_word(value: object) -> bool:
    return isinstance(value, str) and any(len(word) > LONG_WORD_CHARS for word in value.split())


def running_title(value: object, limit: int | None) -> str:
    """A heading shortened for a running header: at most `limit` characters (the layout's budget for one line
    in its header box, from its manifest), cut after a whole word and ended with "…"; whole when it fits or
    when there is no limit.  Plain text: it becomes an attribute the stylesheet copies into the page margin."""
    text = " ".join(str(value or "").split())
    if not limit or len(text) <= limit:
        return text
    cut = text[:limit - 1]
    if not text[limit - 1].isspace() and " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" /–-,;:&(") + "…"


def is_web_url(value: object) -> bool:
    """Only http(s) URLs become links; anything else (javascript:, file:, data:) is shown as plain text."""
    return isinstance(value, str) and bool(_WEB_URL.match(value))


def role_blocks(doc: Document, role: str) -> list[Block]:
    """The blocks of every section playing `role`, in reading order (a layout that shows a role, not a section)."""
    return [block for section in doc.sections_with_role(role) for block in section.blocks]


# The end of a sentence: ".", "!", "?" (Arabic "؟", CJK "。") and a space.  Not after an abbreviation of letters
# and dots ("e.g.", "i.e."), a short capitalised one ("Dr.", "Fig.") or before a lower-case word ("approx. ten").
_SENTENCE_END = re.compile(r"[.!?\u061f\u3002][\"'”’»)]*\s+")
_ABBREVIATION = re.compile(r"(?:\w\.){2,}|[A-Z][a-z]{0,2}\.")


def first_sentence(text: str) -> str:
    """The first sentence of `text` (all of it when it has one): its words as written, never rewritten."""
    for end in _SENTENCE_END.finditer(text):
        before = text[:end.start() + 1].split()[-1]
        following = text[end.end():end.end() + 1]
        if _ABBREVIATION.fullmatch(before.lstrip("(\"'“‘«")) or following.islower():
            continue
        return text[:end.end()].rstrip()
    return text.strip()


def overview_sentence(doc: Document) -> Paragraph | None:
    """The first sentence of the document's overview (units.overview), with the language of its unit where that
    fell back to the source's; None for a document without one."""
    found = overview(doc)
    if found is None:
        return None
    paragraph = found[1]
    return Paragraph(first_sentence(paragraph.text), langs=dict(paragraph.langs))


def list_items(blocks: list[Block]) -> list[ListItem]:
    return [item for block in blocks if isinstance(block, ListBlock) for item in block.items]


@dataclass(frozen=True)
class Column:
    """One language of a bilingual layout: its document and the catalog its labels come from."""

    document: Document
    labels: NullTranslations

    @property
    def lang(self) -> str:
        return self.document.lang

    @property
    def dir(self) -> str:
        return text_direction(self.document.lang)


class TextScope:
    """What the text a render is writing is in: the catalog its labels come from and its direction.  One for
    each render, given to its own Jinja2 environment (never read from the process), and changed inside it only
    by a bilingual layout, which labels each column in its own language (`in_labels`)."""

    def __init__(self, labels: NullTranslations, direction: str):
        self.labels, self.direction = labels, direction

    def in_labels(self, labels: NullTranslations, direction: str | None = None, caller=None) -> str:
        """`{% call in_labels(catalog, dir) %}…{% endcall %}`: the block's labels come from `catalog` and its
        text is in direction `dir`."""
        with self._within(labels, direction or self.direction):
            return caller()

    @contextmanager
    def _within(self, labels: NullTranslations, direction: str):
        before = self.labels, self.direction
        self.labels, self.direction = labels, direction
        try:
            yield
        finally:
            self.labels, self.direction = before

    def labels_in_english(self, doc: Document) -> bool:
        """Whether this edition's labels print in English for want of any translation into its language (an
        edition in the language its source was written in, which nobody has translated the labels into yet)."""
        return catalogs.labels_in_english(self.labels, doc.lang)


class _CompiledTemplates(jinja2.BytecodeCache):
    """Compiled templates kept in memory, shared by the environments of every render on one search path:
    Jinja2 checks each against its source, and compiles only what is new or changed.  (Jinja2 ships caches on
    disk and in memcached only.)"""

    def __init__(self):
        self.compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if bucket.key in self.compiled:
            bucket.bytecode_from_string(self.compiled[bucket.key])

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.compiled[bucket.key] = bucket.bytecode_to_string()


@lru_cache(maxsize=None)
def _compiled(layouts: LayoutSet) -> _CompiledTemplates:
    return _CompiledTemplates()


def environment(layouts: LayoutSet = BUILTIN, scope: TextScope | None = None,
                first_uses: FirstUses | None = None) -> jinja2.Environment:
    """A Jinja2 environment for the templates on `layouts` whose labels and text direction come from `scope`
    (English, left to right, without one), and where the document's glossary is printed, the `first_uses` of
    its terms to link.  A new one for each render, so that nothing of one render reaches another: making it
    costs little, as they share their compiled templates."""
    scope = scope or TextScope(NullTranslations(), "ltr")
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(root) for root in layouts.roots]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
        bytecode_cache=_compiled(layouts),
    )
    # A translation is text like any other: Jinja2's new-style gettext would mark it safe and print it as HTML
    # (a msgstr ending in "<!--" would blank the rest of the page), so it is escaped here, before Jinja2 marks it
    # safe and fills its %(name)s placeholders (whose values Markup's % escapes in turn).  Markup a label needs
    # comes from the template, as a placeholder's value (the footer's page-number spans).
    env.install_gettext_callables(gettext=lambda message: escape(scope.labels.gettext(message)),
                                  ngettext=lambda one, many, n: escape(scope.labels.ngettext(one, many, n)),
                                  newstyle=True)
    env.filters["long_date"] = long_date
    env.filters["language_name"] = language_name
    # linked=false: a copy of text printed elsewhere too (the see-doctor box), whose first uses are not its own
    env.filters["unit"] = lambda owner, field, linked=True: unit_text(
        owner, field, scope.direction, first_uses.uses(owner, field) if first_uses and linked else ())
    env.filters["in_language"] = lambda value, lang: in_language(value, lang, scope.direction)
    env.filters["isolate"] = lambda value, direction=None: isolated(value, direction or scope.direction)
    env.filters["block_lang"] = block_lang
    env.filters["cite_id"] = citation_id
    env.filters["glossary_id"] = glossary_entry_id
    env.filters["glossary_order"] = in_glossary_order
    env.filters["about_lines"] = lambda doc, translation=None: about_lines(doc, long_date, translation)
    env.filters["role_blocks"] = role_blocks
    env.filters["list_items"] = list_items
    env.filters["overview_sentence"] = overview_sentence
    env.filters["qr_svg"] = qr_svg
    env.filters["data_uri"] = image_data_uri
    env.filters["running_title"] = running_title
    env.tests["web_url"] = is_web_url
    env.tests["long_word"] = has_long_word
    env.globals.update(contents_id=CONTENTS_ID, sources_id=SOURCES_ID, about_id=ABOUT_ID, see_doctor_id=SEE_DOCTOR_ID,
                       glossary_id=GLOSSARY_ID, in_labels=scope.in_labels, labels_in_english=scope.labels_in_english)
    return env


def template_name(layout: str, layouts: LayoutSet = BUILTIN) -> str:
    """The layout's page template, relative to a layouts folder."""
    return f"{layout}/{layouts.manifest(layout).template or layout + '.html.j2'}"


def layout_templates(layout: str, layouts: LayoutSet = BUILTIN) -> set[str]:
    """Every template a layout renders with, relative to a layouts folder: its page template and all that it
    extends, imports or includes (the labels a layout prints are the ones marked in these)."""
    env, found, todo = environment(layouts), set(), [template_name(layout, layouts)]
    while todo:
        name = todo.pop()
        if name not in found:
            found.add(name)
            source = env.loader.get_source(env, name)[0]
            todo.extend(n for n in jinja2.meta.find_referenced_templates(env.parse(source)) if n)
    return found


def render_html(doc: Document, layout: str = "guide", paper: str = "a4", *,
                labels: NullTranslations | None = None, clinic: Clinic | None = None,
                guide_url: str | None = None, body_pt: float | None = None, translation=None,
                source_edition=None, layouts: LayoutSet = BUILTIN, pad_pages: int = 0,
                row_heights: dict[str, float] | None = None) -> str:
    """The layout's HTML for `doc`, its labels from `labels` (the catalog of its locale; English without one).
    `body_pt` overrides the manifest's body size (the fit rule steps it
    down); `clinic` and `guide_url` fill the layouts that show them; `pad_pages` asks an imposed layout for that
    many pages to write on before its back cover (render/pdf.py counts them).  A bilingual layout also needs the
    `source_edition` (build.Edition) that `doc` was translated from: the page is in its language, with a column
    for each of the two, each column labelled through its own catalog (`doc`'s: `labels`);
    `row_heights` (CSS px by row name, from pdf.row_heights) sets the least height of each row's piece in both
    columns, so that they line up."""
    check_document(doc)
    manifest = layouts.manifest(layout)
    if paper not in manifest.papers:
        raise BookletError(f"layout {layout!r} has no paper size {paper!r} (it has: {', '.join(manifest.papers)})")
    if missing := missing_roles(doc, manifest):
        raise BookletError(f"{layout} needs sections with roles {', '.join(missing)}", doc.meta.source_file or doc.id)
    name = template_name(layout, layouts)
    settings = dict(paper=paper, options=manifest.options, clinic=clinic, guide_url=guide_url,
                    body_pt=body_pt or manifest.body_pt, translation=translation, pad_pages=pad_pages,
                    row_heights=row_heights or {}, prints_glossary=manifest.glossary)
    labels = labels or NullTranslations()
    try:
        if not manifest.bilingual:
            scope = TextScope(labels, text_direction(doc.lang))
            first_uses = FirstUses(doc) if manifest.glossary else None
            template = environment(layouts, scope, first_uses).get_template(name)
            return template.render(doc=doc, dir=scope.direction, **settings)
        if source_edition is None:
            raise BookletError(f"layout {layout!r} needs the source-language edition beside the translation",
                               doc.meta.source_file or doc.id)
        source = source_edition.document
        check_document(source)
        columns = [Column(source, source_edition.labels), Column(doc, labels)]
        scope = TextScope(source_edition.labels, text_direction(source.lang))
        template = environment(layouts, scope).get_template(name)
        return template.render(doc=source, dir=scope.direction, columns=columns, **settings)
    except jinja2.TemplateNotFound as exc:
        raise BookletError(f"layout {layout!r} needs {exc.name}", layouts.roots[0]) from None
