"""EPUB 3: the document model as a pandoc JSON AST, built here (not from the print HTML), then pandoc.

The AST carries source text only as `Str` nodes, so pandoc escapes it and never treats it as markup, and it
has no `Image` nodes, so pandoc has nothing to fetch.  pandoc runs in a fresh build folder with its own empty
data dir (a user's ~/.local/share/pandoc templates cannot change the output), `--fail-if-warnings`, and a fixed
identifier and SOURCE_DATE_EPOCH, so the same document gives the same bytes.
"""
from __future__ import annotations

import calendar
import datetime
import json
import os
import re
import shutil
import subprocess
import tempfile
import tomllib
import uuid
import zipfile
from gettext import NullTranslations
from pathlib import Path
from typing import Callable
from xml.etree import ElementTree
from xml.sax.saxutils import escape as xml_escape

import pypandoc

from pipeline.config import Publisher
from pipeline.errors import BookletError
from pipeline.fsio import atomic_path
from pipeline.glossary import FirstUses, Use, in_glossary_order, linked_pieces
from pipeline.locales import is_pseudo
from pipeline.model import Document, ListBlock, Paragraph, QuestionAnswer, Section, Table, TableCell
from pipeline.render import (
    ABOUT_ID, GLOSSARY_ID, INTRO_ID, SOURCES_ID, about_lines, check_document, citation_id, direction_runs,
    glossary_entry_id, text_direction)
from pipeline.render.cache import RenderCache
from pipeline.render.cover import cover_alt, cover_png
from pipeline.render.fonts import FontFace, check_text_glyphs, font_faces, subset_font
from pipeline.render.html import is_web_url, long_date
from pipeline.render.layouts import BUILTIN, LayoutSet

STYLESHEETS = ("epub/epub.css",)  # on the layout search path; the font stylesheet is generated (embedded_fonts_css)
FONT_LICENCES = "fonts/licences.toml"  # on the layout search path: font file name -> its licence file
PANDOC_API_VERSION = [1, 23, 1, 1]  # what pandoc 3.9 reads and writes
PANDOC_TIMEOUT = 120  # seconds
# What pandoc writes that is not in the AST, for the font subsets: digits (ordered list numbers, page list).
GENERATED_TEXT = "0123456789."



# --- inline and block nodes ---------------------------------------------------------------------------------

SPACE = {"t": "Space"}


def word(value: str) -> dict:
    return {"t": "Str", "c": value}


def text(value: str) -> list[dict]:
    """Plain text as Str/Space nodes.  Only ASCII spaces and line breaks separate words: a no-break space
    (as in "500\u00a0mg") stays inside its Str."""
    inlines: list[dict] = []
    for i, w in enumerate(w for w in re.split(r"[ \t\r\n]+", value) if w):
        inlines += [SPACE, word(w)] if i else [word(w)]
    return inlines


def strong(inlines: list[dict]) -> dict:
    return {"t": "Strong", "c": inlines}


def link(inlines: list[dict], url: str, classes: tuple[str, ...] = (), attributes: list | None = None) -> dict:
    return {"t": "Link", "c": [["", list(classes), attributes or []], inlines, [url, ""]]}


def link_or_text(url: str) -> list[dict]:
    """Only http(s) URLs become links, as in the print layouts; an address reads left to right in every
    language (`dir`: in right-to-left text its trailing "/" would otherwise jump to its other end)."""
    if is_web_url(url):
        return [link(text(url), url, attributes=[["dir", "ltr"]])]
    return [span(text(url), [["dir", "ltr"]])]


class NoteRefs:
    """Citation markers as EPUB noterefs, each with an id of its own so the endnote can link back to it."""

    def __init__(self) -> None:
        self.occurrences: dict[int, list[str]] = {}

    def cite(self, numbers: list[int]) -> list[dict]:
        """Superscript [n] noterefs right after the text they support; a word joiner (U+2060) keeps a marker
        from wrapping onto a line of its own."""
        inlines: list[dict] = []
        for n in numbers:
            ref_id = f"ref-{n}-{len(self.occurrences.setdefault(n, [])) + 1}"
            self.occurrences[n].append(ref_id)
            marker = {"t": "Link", "c": [[ref_id, ["cite"], [["epub:type", "noteref"], ["role", "doc-noteref"]]],
                                         [word(f"[{n}]")], [f"#{citation_id(n)}", ""]]}
            inlines += [word("\u2060"), {"t": "Superscript", "c": [marker]}]
        return inlines


def para(inlines: list[dict]) -> dict:
    return {"t": "Para", "c": inlines}


def div(identifier: str, classes: list[str], blocks: list[dict], attributes: list | None = None) -> dict:
    return {"t": "Div", "c": [[identifier, classes, attributes or []], blocks]}


def header(level: int, identifier: str, title: str | list[dict], classes: tuple[str, ...] = (),
           attributes: list | None = None) -> dict:
    inlines = text(title) if isinstance(title, str) else title
    return {"t": "Header", "c": [min(level, 6), [identifier, list(classes), attributes or []], inlines]}


def span(inlines: list[dict], attributes: list[list[str]]) -> dict:
    """pandoc writes a Span with attributes as <span dir=… lang=…>; epub.css isolates every [dir]."""
    return {"t": "Span", "c": [["", [], attributes], inlines]}


def isolated(value: str, direction: str) -> list[dict]:
    """Plain text written in `direction` with every run of the other direction in a Span with `dir`
    (render.direction_runs), as in print: a Latin dose or a phone number inside Arabic text keeps its order."""
    inlines: list[dict] = []
    for piece, run in direction_runs(value, direction):
        nodes = text(piece)
        if piece[:1].isspace() and inlines:
            nodes = [SPACE] + nodes
        if piece[-1:].isspace() and nodes:
            nodes = nodes + [SPACE]
        inlines += [span(nodes, [["dir", run]])] if run else nodes
    inlines = [node for i, node in enumerate(inlines) if not (node == SPACE and i and inlines[i - 1] == SPACE)]
    while inlines and inlines[-1] == SPACE:
        inlines.pop()
    return inlines


def unit(owner, field: str, direction: str, uses: list[Use] = ()) -> list[dict]:
    """A unit's text; a fallback to the source language is a span with that language and direction, as in
    print; text in the book's language (written in `direction`) has its runs of the other direction isolated.
    Its `uses` of glossary terms link to their entries."""
    lang = owner.langs.get(field)
    if not lang:
        return glossary_linked(getattr(owner, field), uses, lambda piece: isolated(piece, direction))
    return [span(glossary_linked(getattr(owner, field), uses, text), [["lang", lang], ["dir", text_direction(lang)]])]


GLOSSREF = [["epub:type", "glossref"], ["role", "doc-glossref"]]


def glossary_linked(value: str, uses: list[Use], inlines: Callable[[str], list[dict]]) -> list[dict]:
    """`value` as `inlines` gives it, each of its `uses` of a glossary term a link to the term's entry.  The
    pieces are made apart, so the spaces between them are put back here."""
    if not uses:
        return inlines(value)
    out: list[dict] = []
    for piece, number in linked_pieces(value, uses):
        if piece[:1].isspace() and out:
            out.append(SPACE)
        nodes = inlines(piece)
        out += [link(nodes, f"#{glossary_entry_id(number)}", ("glossref",), GLOSSREF)] if number else nodes
        if piece[-1:].isspace():
            out.append(SPACE)
    return [node for i, node in enumerate(out) if node != SPACE or (0 < i < len(out) - 1 and out[i - 1] != SPACE)]


def block_lang(owner, *fields: str) -> list[list[str]]:
    """`lang` and `dir` attributes for the block holding `fields` of `owner` when all of them (those it has) fall
    back to the same other language, as html.block_lang does for print: the whole block then reads in that
    direction (an English paragraph in an Arabic book starts on the left, its note markers at its end on the
    right), not only the text inside its span."""
    langs = {owner.langs.get(field) for field in fields if getattr(owner, field, None)}
    if len(langs) != 1 or None in langs:
        return []
    lang = langs.pop()
    return [["lang", lang], ["dir", text_direction(lang)]]


def in_block_lang(blocks: list[dict], attributes: list[list[str]]) -> list[dict]:
    """`blocks` in a Div with `attributes` (pandoc writes <div lang=… dir=…>), or as they are without any."""
    return [div("", [], blocks, attributes)] if attributes else blocks


def with_block_lang(node: dict, attributes: list[list[str]]) -> dict:
    return div("", [], [node], attributes) if attributes else node


def _common_lang(attributes: list[list[list[str]]]) -> list[list[str]]:
    """The attributes every one of `attributes` has, where they are all the same and not empty."""
    first = attributes[0] if attributes else []
    return first if first and all(a == first for a in attributes) else []


NO_ATTR = ["", [], []]


def use_mark(number: int, use: int) -> str:
    """How the endnote names one place that cites it: "1a", "1b", … "1z", "1aa" (Wikipedia's way, with the
    note's number so that a mark read alone says which note it belongs to)."""
    letters = ""
    while use:
        use, rest = divmod(use - 1, 26)
        letters = chr(ord("a") + rest) + letters
    return f"{number}{letters}"


class BookAst:
    """The blocks of one book: its labels come from `labels` (the catalog of its locale) and its text is
    written in `direction`; `refs` collects the citation markers placed, for the endnotes' links back."""

    def __init__(self, labels: NullTranslations, direction: str, first_uses: FirstUses | None = None):
        self.labels, self.direction, self.refs = labels, direction, NoteRefs()
        self.first_uses = first_uses

    def unit(self, owner, field: str) -> list[dict]:
        """A unit's text (module function `unit`), where it first uses a glossary term linked to its entry."""
        return unit(owner, field, self.direction, self.first_uses.uses(owner, field) if self.first_uses else ())

    def cite(self, numbers: list[int]) -> list[dict]:
        return self.refs.cite(numbers)

    def block(self, b) -> dict:
        if isinstance(b, Paragraph):
            return with_block_lang(para(self.unit(b, "text") + self.cite(b.citations)), block_lang(b, "text"))
        if isinstance(b, ListBlock):
            # a list all of whose items fall back to one language reads in that language, its markers included;
            # otherwise each item that does reads so inside the list
            whole = _common_lang([block_lang(item, "term", "text") for item in b.items])
            items = [in_block_lang([{"t": "Plain", "c": ([strong(self.unit(item, "term")), SPACE, word("–"), SPACE]
                                                         if item.term else [])
                                     + self.unit(item, "text") + self.cite(item.citations)}],
                                   [] if whole else block_lang(item, "term", "text")) for item in b.items]
            if b.ordered:
                listed = {"t": "OrderedList", "c": [[1, {"t": "Decimal"}, {"t": "Period"}], items]}
            else:
                listed = {"t": "BulletList", "c": items}
            return with_block_lang(listed, whole)
        if isinstance(b, QuestionAnswer):
            question = in_block_lang([para([strong(self.unit(b, "question"))])], block_lang(b, "question"))
            answer = in_block_lang([para(self.unit(b, "answer") + self.cite(b.citations))], block_lang(b, "answer"))
            return div("", ["qa"], question + answer)
        if isinstance(b, Table):
            return self.table(b)
        raise TypeError(f"no EPUB rendering for {type(b).__name__}")

    def table(self, t: Table) -> dict:
        """A pandoc Table as the print layouts set it: column headings <th scope="col"> in the head, and where
        the first column names the rows, a row head column whose cells are <th scope="row">.  pandoc writes a
        cell's attributes as given but adds no `scope` of its own, so each heading cell carries it."""
        def cell(c: TableCell, scope: str | None) -> list:
            attributes = ([["scope", scope]] if scope else []) + block_lang(c, "text")
            return [["", [], attributes], {"t": "AlignDefault"}, 1, 1,
                    [{"t": "Plain", "c": self.unit(c, "text") + self.cite(c.citations)}]]

        caption = [None, in_block_lang([{"t": "Plain", "c": self.unit(t, "caption") + self.cite(t.citations)}],
                                       block_lang(t, "caption")) if t.caption else []]
        width = max(len(row) for row in [t.header, *t.rows])
        head = [NO_ATTR, [[NO_ATTR, [cell(c, "col") for c in t.header]]] if t.header else []]
        rows = [[NO_ATTR, [cell(c, "row" if k == 0 and t.row_headers else None) for k, c in enumerate(row)]]
                for row in t.rows]
        body = [NO_ATTR, 1 if t.row_headers else 0, [], rows]
        return {"t": "Table", "c": [NO_ATTR, caption, [[{"t": "AlignDefault"}, {"t": "ColWidthDefault"}]] * width,
                                    head, [body], [NO_ATTR, []]]}

    def section(self, s: Section) -> list[dict]:
        """The book title is metadata (depth 0), so a top-level section (depth 1) is a level-1 header and, with
        --split-level=1, a chapter file of its own."""
        blocks = [header(s.depth, s.id, self.unit(s, "title"), attributes=block_lang(s, "title"))]
        blocks += [self.block(b) for b in s.blocks]
        for child in s.sections:
            blocks += self.section(child)
        return blocks

    def glossary(self, doc: Document) -> list[dict]:
        """"Words to know" as a chapter of its own: a definition list in the book's alphabetical order, each term
        (<dt>) a span with the id its first use in the text links to.  Bold, not <dfn>: pandoc has no node for
        it, and the AST holds no raw markup."""
        if not doc.glossary:
            return []
        items = []
        for entry in in_glossary_order(doc.glossary):
            term = {"t": "Span", "c": [[glossary_entry_id(entry.number), ["glossary-term"], block_lang(entry, "term")],
                                       [strong(self.unit(entry, "term"))]]}
            sources = [node for url in entry.urls for node in [SPACE, *link_or_text(url)]]
            definition = para(self.unit(entry, "definition") + self.cite(entry.citations) + sources)
            items.append([[term], [in_block_lang([definition], block_lang(entry, "definition"))]])
        return [header(1, GLOSSARY_ID, self.labels.gettext("Words to know"),
                       attributes=[["epub:type", "glossary"], ["role", "doc-glossary"]]),
                {"t": "DefinitionList", "c": items}]

    def back_links(self, number: int, ref_ids: list[str]) -> list[dict]:
        """A labelled list of links back to each place that cites note `number`: "Back to the text: 1a 1b 1c".
        Each link shows its own mark and has an accessible name of its own ("1b: back to reference 1, use 2"),
        the mark first so that the name holds what is shown (WCAG 2.5.3).  No arrow: "↩" points the wrong way
        in a right-to-left book (and no layout font has it).  Each mark is isolated (`dir`), so in right-to-left
        text the marks follow the label from right to left, 1a nearest to it, instead of forming one
        left-to-right run."""
        if not ref_ids:
            return []
        inlines = text(self.labels.gettext("Back to the text:"))
        for use, ref_id in enumerate(ref_ids, start=1):
            mark = use_mark(number, use)
            name = self.labels.gettext("%(mark)s: back to reference %(number)s, use %(use)s") % dict(
                mark=mark, number=number, use=use)
            inlines += [SPACE, link([word(mark)], f"#{ref_id}", ("backlink",),
                                    [["role", "doc-backlink"], ["aria-label", name], ["dir", "ltr"]])]
        return [{"t": "Span", "c": [["", ["backlinks"], []], inlines]}]

    def sources(self, doc: Document) -> list[dict]:
        """The citations as endnotes, each linking back to every place that cites it."""
        if not doc.citations:
            return []
        entries = []
        for c in doc.citations:
            back = self.back_links(c.number, self.refs.occurrences.get(c.number, []))
            entries.append(div(citation_id(c.number), ["citation"],
                               [para([strong([word(f"[{c.number}]")]), SPACE]
                                     + isolated(f"{c.publisher}:", self.direction) + [SPACE]
                                     + link_or_text(c.url) + ([SPACE] + back if back else []))],
                               [["epub:type", "endnote"]]))
        return [header(1, SOURCES_ID, self.labels.gettext("Sources"),
                       attributes=[["epub:type", "endnotes"], ["role", "doc-endnotes"]]),
                div("", ["sources"], entries)]

    def with_who(self, who: str, value: list[dict]) -> list[dict]:
        """"who, date" as the labels word it (the print layouts' about_value): the person isolated in their own
        direction, the date's inlines as they are."""
        inlines: list[dict] = []
        for piece in re.split(r"(%\(who\)s|%\(date\)s)", self.labels.gettext("%(who)s, %(date)s")):
            if piece == "%(who)s":
                inlines += isolated(who, self.direction)
            elif piece == "%(date)s":
                inlines += value
            elif piece:
                inlines += ([SPACE] if piece[:1].isspace() else []) + text(piece) + (
                    [SPACE] if piece[-1:].isspace() else [])
        return inlines

    def about(self, doc: Document, epoch: str, translation=None) -> list[dict]:
        """Where the information comes from, how current it is, and the disclaimer: as in the print layouts;
        the edition's date (from `epoch`) where the source gives none."""
        def line(label: str, inlines: list[dict]) -> dict:
            return para([strong(text(label)), SPACE] + inlines)

        gettext = self.labels.gettext
        blocks = [header(1, ABOUT_ID, gettext("About this information"), ("about",))]
        for entry in about_lines(doc, long_date, translation):
            value = text(gettext(entry.text)) if entry.translatable else isolated(entry.text, self.direction)
            if entry.lang:
                value = [span(value, [["lang", entry.lang], ["dir", text_direction(entry.lang)]])]
            if entry.who:
                value = self.with_who(entry.who, value)
            if entry.url:
                value += [SPACE] + link_or_text(entry.url)
            blocks.append(line(gettext(entry.label), value))
        if not doc.meta.last_updated:  # the book's date is the edition's: say so, beside "Last updated: not stated"
            blocks.append(line(gettext("Edition date:"), text(gettext(
                "%(date)s (this edition's date: the source gives no date of its own)") % dict(
                date=long_date(edition_date(doc, epoch), doc.lang)))))
        if doc.meta.disclaimer:
            blocks.append(div("", ["disclaimer"], [para(self.unit(doc.meta, "disclaimer"))],
                              block_lang(doc.meta, "disclaimer")))
        return blocks


# --- metadata ---------------------------------------------------------------------------------------------

def epub_identifier(doc: Document, publisher: Publisher | None = None) -> str:
    """The edition's ISBN where the publisher assigned one, else a UUID derived from document and language,
    so it stays the same across builds (pandoc would invent a random one on every build)."""
    isbn = (publisher or Publisher()).isbn.get(f"{doc.id}/{doc.lang}")
    if isbn:
        return f"urn:isbn:{isbn}"
    return "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, f"booklet:{doc.id}:{doc.lang}"))


def _inlines(value: str) -> dict:
    return {"t": "MetaInlines", "c": text(value)}


def _string(value: str) -> dict:
    return {"t": "MetaString", "c": value}


def _list(values: list[str]) -> dict:
    return {"t": "MetaList", "c": [_inlines(v) for v in values]}


def metadata(doc: Document, labels: NullTranslations, epoch: str, publisher: Publisher | None = None,
             translation=None) -> dict:
    meta, a = doc.meta, doc.meta.attribution
    publisher = publisher or Publisher()
    claims = accessibility(labels)
    m = {
        "title": _inlines(doc.title),
        "lang": _string(doc.lang),
        "identifier": _string(epub_identifier(doc, publisher)),
        "toc-title": _inlines(labels.gettext("Contents")),
        "accessModes": _list(claims["modes"]),
        "accessModeSufficient": _list(claims["sufficient"]),
        "accessibilityFeatures": _list(claims["features"]),
        "accessibilityHazards": _list(["none"]),
        "accessibilitySummary": _inlines(claims["summary"]),
    }
    if text_direction(doc.lang) == "rtl":
        m["page-progression-direction"] = _string("rtl")
    if meta.subtitle:
        m["subtitle"] = _inlines(meta.subtitle)
    if meta.description or meta.subtitle:
        m["description"] = _inlines(meta.description or meta.subtitle)
    if meta.keywords:
        m["subject"] = _list(meta.keywords)
    # MARC relator roles: author, reviewer, translator
    made_by, made_as = creator(doc, publisher)
    people = [("creator", made_as, made_by), ("contributor", "rev", a.reviewed_by),
              ("contributor", "trl", translation.translator if translation else None)]
    for key, role, name in people:
        if name:
            person = {"t": "MetaMap", "c": {"text": _inlines(name)} | ({"role": _string(role)} if role else {})}
            m.setdefault(key, {"t": "MetaList", "c": []})["c"].append(person)
    if publisher.name or a.publisher:
        m["publisher"] = _inlines(publisher.name or a.publisher)
    m["date"] = _string(edition_date(doc, epoch))
    if meta.printed_licence:
        m["rights"] = _inlines(meta.printed_licence)
    if is_web_url(meta.url):
        m["source"] = _string(meta.url)  # dc:source: where the text was published
    return m


def accessibility(labels: NullTranslations) -> dict:
    """Schema.org accessibility claims derived from what this book contains: text with headings, a nested
    table of contents, endnotes linked both ways, and one image, the cover, whose text description says
    everything it shows (so the text alone is sufficient)."""
    summary = labels.gettext("Text with headings, a table of contents and numbered source notes that link back to the "
                "text. The only image is the cover, described in text. No sound or animation. Checked "
                "automatically only, with EPUBCheck and DAISY Ace; nobody has audited its accessibility, and it "
                "claims conformance to no accessibility standard.")
    return {
        "modes": ["textual", "visual"],
        "sufficient": ["textual"],
        "features": ["structuralNavigation", "tableOfContents", "readingOrder", "displayTransformability",
                     "alternativeText"],
        "summary": summary,
    }


def document_ast(doc: Document, labels: NullTranslations | None = None, publisher: Publisher | None = None,
                 translation=None, epoch: str | None = None) -> dict:
    """The whole EPUB as a pandoc AST: intro blocks, every section, Words to know, Sources, About; its labels
    from `labels` (the catalog of its locale; English without one), dated by source_date_epoch(doc, `epoch`)."""
    check_document(doc)
    labels, epoch = labels or NullTranslations(), source_date_epoch(doc, epoch)
    book = BookAst(labels, text_direction(doc.lang), FirstUses(doc))
    # pandoc would put text before the first heading in a chapter of its own under an invented id; name it.
    blocks = ([header(1, INTRO_ID, book.unit(doc, "title"), attributes=block_lang(doc, "title"))]
              + [book.block(b) for b in doc.blocks]) if doc.blocks else []
    for s in doc.sections:
        blocks += book.section(s)
    blocks += book.glossary(doc) + book.sources(doc) + book.about(doc, epoch, translation)
    return {"pandoc-api-version": PANDOC_API_VERSION, "meta": metadata(doc, labels, epoch, publisher, translation),
            "blocks": blocks}


def source_date_epoch(doc: Document, given: str | None = None) -> str:
    """When this edition is dated, in seconds since 1970 UTC: `given` where the build gives it (its
    SOURCE_DATE_EPOCH, or where the source states no date, the source file's last commit: runner), else
    midnight UTC of the document's date, else midnight UTC today (the day the edition is made; never 1970).
    pandoc writes it as dcterms:modified and as the zip entries' dates."""
    if given:
        return given
    day = (datetime.date.fromisoformat(doc.meta.last_updated) if doc.meta.last_updated
           else datetime.datetime.now(datetime.timezone.utc).date())
    return str(calendar.timegm(day.timetuple()))


def edition_date(doc: Document, epoch: str) -> str:
    """The book's dc:date: the source's own date, or where it states none, the day of `epoch`
    (source_date_epoch)."""
    if doc.meta.last_updated:
        return doc.meta.last_updated
    return datetime.datetime.fromtimestamp(int(epoch), datetime.timezone.utc).date().isoformat()


def creator(doc: Document, publisher: Publisher | None = None) -> tuple[str | None, str | None]:
    """The book's creator and its MARC relator role: the source's author, else its publisher (aut, as
    before), else the project's publisher, who made this edition, named with no role (a reading system lists
    it as the book's creator rather than "Unknown"); (None, None) when nobody is known."""
    a = doc.meta.attribution
    if a.author or a.publisher:
        return a.author or a.publisher, "aut"
    if publisher is not None and publisher.name:
        return publisher.name, None
    return None, None


def metadata_warnings(doc: Document, publisher: Publisher | None = None) -> list[str]:
    if creator(doc, publisher)[0] is None:
        return ["the source names no author or publisher and booklet.toml names no [publisher]: the EPUB has no "
                "creator or publisher (reading systems show \"Unknown\"); set `name` under [publisher]"]
    return []


# --- pandoc -----------------------------------------------------------------------------------------------

# --- fonts ------------------------------------------------------------------------------------------------

def book_text(node) -> str:
    """Every word of a pandoc AST (blocks and metadata): what the embedded fonts must draw."""
    if isinstance(node, dict):
        return node["c"] if node.get("t") == "Str" else " ".join(book_text(v) for v in node.values())
    if isinstance(node, list):
        return " ".join(book_text(v) for v in node)
    return ""


def embedded_faces(text: str, layouts: LayoutSet = BUILTIN) -> list[FontFace]:
    """The print layouts' fonts (base/fonts.css, in stack order) that this book needs: the first family
    always, a later one only where the text has characters the families before it lack."""
    faces = font_faces(layouts)
    wanted = {ord(c) for c in text if not c.isspace()}
    chosen: list[FontFace] = []
    covered: set[int] = set()
    for index, family in enumerate(dict.fromkeys(face.family for face in faces)):
        group = [face for face in faces if face.family == family]
        has = set().union(*(face.codepoints for face in group))
        if index == 0 or (wanted - covered) & has:
            chosen += group
            covered |= has
    return chosen


def embedded_fonts_css(faces: list[FontFace]) -> str:
    """@font-face rules for the fonts as pandoc stores them (EPUB/fonts/, beside EPUB/styles/), and the
    stack; a reader may still choose its own font."""
    rules = [f'@font-face {{ font-family: "{f.family}"; font-weight: {f.weight}; font-style: {f.style}; '
             f'src: url("../fonts/{f.path.name}"); }}' for f in faces]
    stack = ", ".join(f'"{family}"' for family in dict.fromkeys(f.family for f in faces))
    return "\n".join(rules + [f"html, body {{ font-family: {stack}, sans-serif; }}", ""])


def font_licences(faces: list[FontFace], layouts: LayoutSet = BUILTIN) -> list[Path]:
    table = layouts.find(FONT_LICENCES)
    if table is None:
        raise BookletError(f"no {FONT_LICENCES} in the layouts", layouts.roots[0])
    with table.open("rb") as f:
        licences = tomllib.load(f)
    missing = [face.path.name for face in faces if face.path.name not in licences]
    if missing:
        raise BookletError(f"no licence file listed for {', '.join(missing)}", table)
    files = []
    for name in dict.fromkeys(licences[face.path.name] for face in faces):
        found = layouts.find(Path(FONT_LICENCES).parent / name)
        if found is None:
            raise BookletError(f"no licence file {name!r}", table)
        files.append(found)
    return files


def write_epub(doc: Document, target: str | Path, labels: NullTranslations | None = None,
               publisher: Publisher | None = None, translation=None, layouts: LayoutSet = BUILTIN,
               cache: RenderCache | None = None, epoch: str | None = None) -> list[str]:
    """Write `doc` as EPUB 3 at `target` (atomically), its labels from `labels` (the catalog of its locale;
    English without one), dated by source_date_epoch(doc, `epoch`).  Returns warnings (metadata_warnings; pandoc's fail the
    build).  The cover image and the font subsets come from `cache` where an earlier build made them for the
    same input.

    pandoc is run directly (the binary pypandoc ships) rather than through pypandoc.convert_text, which
    changes the working directory of the whole process (os.chdir) and cannot set one variable for the child.
    """
    labels, epoch = labels or NullTranslations(), source_date_epoch(doc, epoch)
    ast = document_ast(doc, labels, publisher, translation, epoch)
    source = json.dumps(ast, ensure_ascii=False).encode("utf-8")
    words = book_text(ast)
    check_text_glyphs(words, doc.meta.source_file or doc.id, layouts)  # as the PDF path does
    text = words + GENERATED_TEXT
    faces = embedded_faces(text, layouts)
    env = {**os.environ, "SOURCE_DATE_EPOCH": epoch}
    with tempfile.TemporaryDirectory(prefix="booklet-epub-") as build, atomic_path(target) as tmp:
        build = Path(build)
        (build / "data").mkdir()
        if is_pseudo(doc.lang):  # pandoc has no words of its own for it (and would warn): its English ones
            (build / "data" / "translations").mkdir()
            english = subprocess.run([pypandoc.get_pandoc_path(), "--print-default-data-file=translations/en.yaml"],
                                     capture_output=True, check=True).stdout
            (build / "data" / "translations" / f"{doc.lang.split('-')[0]}.yaml").write_bytes(english)
        for name in STYLESHEETS:
            found = layouts.find(name)
            if found is None:
                raise BookletError(f"no {name} in the layouts", layouts.roots[0])
            shutil.copyfile(found, build / Path(name).name)
        (build / "fonts.css").write_text(embedded_fonts_css(faces), encoding="utf-8")
        (build / "cover.png").write_bytes(cover_png(doc, labels, translation=translation, layouts=layouts,
                                                          cache=cache))
        (build / "fonts").mkdir()
        for face in faces:  # the characters the book uses, not the whole font (Noto Sans alone is 0.5 MB)
            inputs = (face.path.read_bytes(), "".join(sorted(set(text))).encode("utf-8"))
            (build / "fonts" / face.path.name).write_bytes(
                cache.get("font", inputs, lambda: subset_font(face.path, text)) if cache else
                subset_font(face.path, text))
        book = build / "book.epub"
        args = [pypandoc.get_pandoc_path(), "--from=json", "--to=epub3", f"--output={book}",
                f"--data-dir={build / 'data'}", "--resource-path=.", "--fail-if-warnings",
                "--toc", "--toc-depth=3", "--split-level=1", "--epub-cover-image=cover.png", "--css=fonts.css",
                *(f"--css={Path(name).name}" for name in STYLESHEETS), *(f"--epub-embed-font=fonts/{f.path.name}" for f in faces)]
        try:
            done = subprocess.run(args, input=source, cwd=build, env=env, capture_output=True,
                                  timeout=PANDOC_TIMEOUT)
        except subprocess.TimeoutExpired:
            raise BookletError(f"pandoc did not finish within {PANDOC_TIMEOUT} s", target) from None
        if done.returncode != 0:
            message = done.stderr.decode("utf-8", "replace").strip()
            raise BookletError(f"pandoc failed ({done.returncode}): {message}", target)
        _complete_package(book, tmp, doc, cover_alt(doc, labels), font_licences(faces, layouts))
    return metadata_warnings(doc, publisher)


# --- what pandoc leaves out ---------------------------------------------------------------------------------

_CHAPTER = re.compile(r"EPUB/text/ch\d+\.xhtml")
_FIRST_HEADING = re.compile(r"<h[1-6][^>]*>(.*?)</h[1-6]>", re.S)
_HTML_START = re.compile(r"(<html\b[^>]*)>")
# pandoc copies a heading's attributes onto the <section> it opens (makeSections)
_SECTION_LANG = re.compile(r'(<section\b[^>]*?) lang="[^"]*" dir="(?:ltr|rtl)"')


def _complete_package(book: Path, target: Path, doc: Document, cover_text: str, licences: list[Path]) -> None:
    """Copy pandoc's EPUB to `target`, adding to the package document what pandoc cannot write (the
    main title's type, the subtitle as a refined title), `cover_text` as the cover image's text, the licences of the embedded fonts, giving each
    chapter its heading as <title> instead of its file name, and every page of a right-to-left book (the
    navigation and title pages too) `dir="rtl"` on <html>, which pandoc's epub3 template never writes.  Entry order, dates and compression are kept,
    so output stays reproducible and `mimetype` stays first and stored."""
    with zipfile.ZipFile(book) as source, zipfile.ZipFile(target, "w") as out:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename.endswith((".xhtml", ".opf", ".ncx")):
                _check_well_formed(info.filename, data, target)
            if info.filename == "EPUB/content.opf":
                data = _complete_opf(data.decode("utf-8"), doc, licences).encode("utf-8")
            elif _CHAPTER.fullmatch(info.filename):
                data = _title_from_heading(_section_without_lang(data.decode("utf-8"))).encode("utf-8")
            elif info.filename == "EPUB/text/cover.xhtml":
                data = _described_cover(data.decode("utf-8"), cover_text).encode("utf-8")
            if info.filename.endswith(".xhtml") and text_direction(doc.lang) == "rtl":
                data = _HTML_START.sub(r'\1 dir="rtl">', data.decode("utf-8"), count=1).encode("utf-8")
            out.writestr(info, data, compress_type=info.compress_type)
        dated = source.getinfo("EPUB/content.opf").date_time  # SOURCE_DATE_EPOCH, as pandoc wrote it
        for licence in licences:
            entry = zipfile.ZipInfo(f"EPUB/fonts/{licence.name}", date_time=dated)
            out.writestr(entry, licence.read_bytes(), compress_type=zipfile.ZIP_DEFLATED)


def _check_well_formed(name: str, data: bytes, target: Path) -> None:
    """Every XML document of the package parses (a reading system may show nothing of a broken one)."""
    try:
        ElementTree.fromstring(data)
    except ElementTree.ParseError as exc:
        raise BookletError(f"pandoc wrote {name}, which is not well-formed XML: {exc}", target) from None


def _complete_opf(opf: str, doc: Document, licences: list[Path]) -> str:
    # No dcterms:conformsTo or a11y:certifiedBy: a conformance level is claimed after an audit, and nobody has
    # audited these books; the accessibility summary says what was checked, and how (automatically only).
    extra = ['<meta refines="#epub-title-1" property="title-type">main</meta>']
    if doc.meta.subtitle:
        extra += [f'<dc:title id="epub-subtitle">{xml_escape(doc.meta.subtitle)}</dc:title>',
                  '<meta refines="#epub-subtitle" property="title-type">subtitle</meta>']
    if "</metadata>" not in opf or 'id="epub-title-1"' not in opf:
        raise BookletError("pandoc's package document has an unexpected shape; cannot add metadata")
    items = "".join(f'    <item id="font-licence-{i}" href="fonts/{p.name}" media-type="text/plain" />\n'
                    for i, p in enumerate(licences, start=1))
    opf = opf.replace("  </manifest>", items + "  </manifest>", 1)
    # the cover page no longer holds an SVG (see _described_cover)
    opf = opf.replace('href="text/cover.xhtml" media-type="application/xhtml+xml" properties="svg"',
                      'href="text/cover.xhtml" media-type="application/xhtml+xml"')
    return opf.replace("  </metadata>", "".join(f"    {line}\n" for line in extra) + "  </metadata>", 1)


_COVER_SVG = re.compile(r"<svg\b.*?<image\b[^>]*xlink:href=\"([^\"]+)\"[^>]*/>\s*</svg>", re.S)


def _described_cover(xhtml: str, alt: str) -> str:
    """pandoc wraps the cover in an SVG <image> that has no text alternative; an <img> with alt has one."""
    if not _COVER_SVG.search(xhtml):
        raise BookletError("pandoc's cover page has an unexpected shape; cannot describe the cover image")
    return _COVER_SVG.sub(lambda m: f'<img src="{m.group(1)}" alt="{xml_escape(alt, {chr(34): "&quot;"})}" />',
                          xhtml, count=1)


def _section_without_lang(xhtml: str) -> str:
    """A heading shown in another language (a fallback) has its `lang` and `dir`; pandoc copies them onto its
    whole <section>, which would set the section's translated text in that language and direction too."""
    return _SECTION_LANG.sub(r"\1", xhtml)


def _title_from_heading(xhtml: str) -> str:
    heading = _FIRST_HEADING.search(xhtml)
    if heading is None:
        return xhtml
    title = re.sub(r"<[^>]+>", "", heading.group(1)).strip()  # already escaped text: keep entities as they are
    return re.sub(r"<title>[^<]*</title>", lambda _m: f"<title>{title}</title>", xhtml, count=1)
