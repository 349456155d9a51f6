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
import uuid
from pathlib import Path

import pypandoc

from pipeline.errors import BookletError
from pipeline.fsio import atomic_path
from pipeline.model import Document, ListBlock, Paragraph, QuestionAnswer, Section
from pipeline.render import (
    ABOUT_ID, INTRO_ID, LAYOUTS_DIR, SOURCES_ID, about_lines, check_document, citation_id, text_direction)
from pipeline.render.html import is_web_url, long_date

EPUB_LAYOUT = LAYOUTS_DIR / "epub"
STYLESHEETS = ("epub.css",)  # in EPUB_LAYOUT; fonts named in them must be passed with --epub-embed-font
PANDOC_API_VERSION = [1, 23, 1, 1]  # what pandoc 3.9 reads and writes
PANDOC_TIMEOUT = 120  # seconds


def _(message: str) -> str:
    """Label marker for extraction; the i18n stage replaces it with the document locale's catalog."""
    return message


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


def link(inlines: list[dict], url: str, classes: tuple[str, ...] = ()) -> dict:
    return {"t": "Link", "c": [["", list(classes), []], inlines, [url, ""]]}


def link_or_text(url: str) -> list[dict]:
    """Only http(s) URLs become links, as in the print layouts."""
    return [link(text(url), url)] if is_web_url(url) else text(url)


def cites(numbers: list[int]) -> list[dict]:
    """Superscript [n] links to the Sources section, right after the text they support; a word joiner
    (U+2060) keeps a marker from wrapping onto a line of its own."""
    inlines: list[dict] = []
    for n in numbers:
        marker = link([word(f"[{n}]")], f"#{citation_id(n)}", ("cite",))
        inlines += [word("\u2060"), {"t": "Superscript", "c": [marker]}]
    return inlines


def para(inlines: list[dict]) -> dict:
    return {"t": "Para", "c": inlines}


def div(identifier: str, classes: list[str], blocks: list[dict]) -> dict:
    return {"t": "Div", "c": [[identifier, classes, []], blocks]}


def header(level: int, identifier: str, title: str, classes: tuple[str, ...] = ()) -> dict:
    return {"t": "Header", "c": [min(level, 6), [identifier, list(classes), []], text(title)]}


def block(b) -> dict:
    if isinstance(b, Paragraph):
        return para(text(b.text) + cites(b.citations))
    if isinstance(b, ListBlock):
        items = [[{"t": "Plain", "c": ([strong(text(item.term)), SPACE, word("–"), SPACE] if item.term else [])
                   + text(item.text) + cites(item.citations)}] for item in b.items]
        if b.ordered:
            return {"t": "OrderedList", "c": [[1, {"t": "Decimal"}, {"t": "Period"}], items]}
        return {"t": "BulletList", "c": items}
    if isinstance(b, QuestionAnswer):
        return div("", ["qa"], [para([strong(text(b.question))]), para(text(b.answer) + cites(b.citations))])
    raise TypeError(f"no EPUB rendering for {type(b).__name__}")


def section(s: Section) -> list[dict]:
    """The book title is metadata (depth 0), so a top-level section (depth 1) is a level-1 header and, with
    --split-level=1, a chapter file of its own."""
    blocks = [header(s.depth, s.id, s.title)] + [block(b) for b in s.blocks]
    for child in s.sections:
        blocks += section(child)
    return blocks


def sources(doc: Document) -> list[dict]:
    if not doc.citations:
        return []
    entries = [div(citation_id(c.number), ["citation"],
                   [para([strong([word(f"[{c.number}]")]), SPACE] + text(f"{c.publisher}:") + [SPACE]
                         + link_or_text(c.url))])
               for c in doc.citations]
    return [header(1, SOURCES_ID, _("Sources")), div("", ["sources"], entries)]


def about(doc: Document) -> list[dict]:
    """Where the information comes from, how current it is, and the disclaimer: as in the print layouts."""
    def line(label: str, inlines: list[dict]) -> dict:
        return para([strong(text(label)), SPACE] + inlines)

    blocks = [header(1, ABOUT_ID, _("About this information"), ("about",))]
    for entry in about_lines(doc, long_date):
        value = text(_(entry.text) if entry.translatable else entry.text)
        if entry.url:
            value += [SPACE] + link_or_text(entry.url)
        blocks.append(line(_(entry.label), value))
    if doc.meta.disclaimer:
        blocks.append(div("", ["disclaimer"], [para(text(doc.meta.disclaimer))]))
    return blocks


# --- metadata ---------------------------------------------------------------------------------------------

def epub_identifier(doc: Document) -> str:
    """Stable for a document in a language: pandoc would otherwise invent a random one on every build."""
    return "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, f"booklet:{doc.id}:{doc.lang}"))


def _inlines(value: str) -> dict:
    return {"t": "MetaInlines", "c": text(value)}


def _string(value: str) -> dict:
    return {"t": "MetaString", "c": value}


def metadata(doc: Document) -> dict:
    meta, a = doc.meta, doc.meta.attribution
    m = {
        "title": _inlines(doc.title),
        "lang": _string(doc.lang),
        "identifier": _string(epub_identifier(doc)),
        "toc-title": _inlines(_("Contents")),
        "accessibilitySummary": _inlines(_("Text only: headings, a table of contents and numbered source links.")),
    }
    if text_direction(doc.lang) == "rtl":
        m["page-progression-direction"] = _string("rtl")
    if meta.subtitle:
        m["subtitle"] = _inlines(meta.subtitle)
        m["description"] = _inlines(meta.subtitle)
    # MARC relator roles: author, reviewer
    for key, role, name in (("creator", "aut", a.author or a.publisher), ("contributor", "rev", a.reviewed_by)):
        if name:
            person = {"t": "MetaMap", "c": {"role": _string(role), "text": _inlines(name)}}
            m[key] = {"t": "MetaList", "c": [person]}
    if a.publisher:
        m["publisher"] = _inlines(a.publisher)
    if meta.last_updated:
        m["date"] = _string(meta.last_updated)
    if meta.licence:
        m["rights"] = _inlines(meta.licence)
    return m


def document_ast(doc: Document) -> dict:
    """The whole EPUB as a pandoc AST: intro blocks, every section, Sources, About."""
    check_document(doc)
    # pandoc would put text before the first heading in a chapter of its own under an invented id; name it.
    blocks = ([header(1, INTRO_ID, doc.title)] + [block(b) for b in doc.blocks]) if doc.blocks else []
    for s in doc.sections:
        blocks += section(s)
    blocks += sources(doc) + about(doc)
    if text_direction(doc.lang) == "rtl":
        # pandoc's epub3 template has no `dir` on <html>; on a level-1 header it goes onto the chapter's
        # <section>, and every chapter starts with one.
        for b in blocks:
            if b["t"] == "Header" and b["c"][0] == 1:
                b["c"][1][2].append(["dir", "rtl"])
    return {"pandoc-api-version": PANDOC_API_VERSION, "meta": metadata(doc), "blocks": blocks}


def source_date_epoch(doc: Document) -> str:
    """The environment's SOURCE_DATE_EPOCH if set, else midnight UTC of the document's date, else 0: pandoc
    writes it as dcterms:modified and as the zip entries' dates."""
    if os.environ.get("SOURCE_DATE_EPOCH"):
        return os.environ["SOURCE_DATE_EPOCH"]
    if doc.meta.last_updated:
        return str(calendar.timegm(datetime.date.fromisoformat(doc.meta.last_updated).timetuple()))
    return "0"


# --- pandoc -----------------------------------------------------------------------------------------------

def write_epub(doc: Document, target: str | Path) -> list[str]:
    """Write `doc` as EPUB 3 at `target` (atomically).  Returns warnings (none: pandoc's fail the build).

    pandoc is run directly (the binary pypandoc ships) rather than through pypandoc.convert_text, which
    changes the working directory of the whole process (os.chdir) and cannot set one variable for the child.
    """
    source = json.dumps(document_ast(doc), ensure_ascii=False).encode("utf-8")
    env = {**os.environ, "SOURCE_DATE_EPOCH": source_date_epoch(doc)}
    with tempfile.TemporaryDirectory(prefix="booklet-epub-") as build, atomic_path(target) as tmp:
        build = Path(build)
        (build / "data").mkdir()
        for name in STYLESHEETS:
            shutil.copyfile(EPUB_LAYOUT / name, build / name)
        args = [pypandoc.get_pandoc_path(), "--from=json", "--to=epub3", f"--output={tmp}",
                f"--data-dir={build / 'data'}", "--resource-path=.", "--fail-if-warnings",
                "--toc", "--toc-depth=3", "--split-level=1",
                *(f"--css={name}" for name in STYLESHEETS)]
        try:
            done = subprocess.run(args, input=source, cwd=build, env=env, capture_output=True,
                                  timeout=PANDOC_TIMEOUT)
        except subprocess.TimeoutExpired:
            raise BookletError(f"pandoc did not finish within {PANDOC_TIMEOUT} s", target) from None
        if done.returncode != 0:
            message = done.stderr.decode("utf-8", "replace").strip()
            raise BookletError(f"pandoc failed ({done.returncode}): {message}", target)
    return []
