"""The output folder's index page (`<out>/index.html`): every handout built into it, by document, locale, layout
and format, with a thumbnail of each PDF's first page and what a clinic weighs before printing one (pages,
reading grade, how much is translated, review, QA): the page it opens to pick what to print.

Written by every build from the state file and the files in the folder, sorted and undated, so that an
up-to-date build writes the same bytes.  The page is one file (style and script inside it, nothing from the
network) made from `layouts/index/` (data, like the print layouts).  The list needs no script: a small one only
adds filters by document and language, which in-page links stand in for without it.

What the index says of an output beyond its file is kept in its task's record in the state file (`facts`),
made when the task is built: `edition_facts` by the worker that translated its edition, `output_facts` by the
build from the bytes it writes.
"""
from __future__ import annotations

import io
import math
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from pipeline.errors import BookletError
from pipeline.fsio import write_atomic
from pipeline.render import text_direction
from pipeline.render.layouts import BUILTIN, LayoutSet

INDEX_NAME = "index.html"
LAYOUT_FOLDER = "index"  # in layouts/: the page's template, style and script, which no handout uses
TEMPLATE = f"{LAYOUT_FOLDER}/index.html.j2"
THUMBS_NAME = ".thumbs"  # PNGs of the PDFs' first pages, each named by its PDF's SHA-256: made once per PDF
THUMB_WIDTH = 240  # pixels: twice the width the page shows it at, sharp on high-density screens
EPUB = "epub"  # the EPUB's layout in a task


def english_name(tag: str) -> str:
    """"ar" -> "Arabic": a language as the page's own sentences (English) name it; html.language_name names it
    in itself, for the edition's headings."""
    from pipeline.locales import babel_locale, is_pseudo

    if is_pseudo(tag):
        return "Pseudo-localisation"
    try:
        return babel_locale(tag).english_name or tag
    except ValueError:
        return tag


def edition_facts(ed, check) -> dict[str, object]:
    """What the index shows of a build.Edition: its title (and the title's language where it fell back to the
    source's), its reading grade (from `check`, its quality.Report), how much of it is translated, its review
    and its QA figures; None where the edition is the source itself."""
    from pipeline.quality import grade_line

    translated = ed.translation is not None
    return {"title": ed.document.title, "title_lang": ed.document.langs.get("title"),
            "reading_grade": grade_line(check.scores),
            "source_lang": ed.source_lang,
            # rounded down: 99.96 % is not shown as 100 %
            "percent_translated": math.floor(ed.percent_translated * 10) / 10 if translated else None,
            "review": ed.translation.review.state if translated else None,
            "fallbacks": len(ed.fallbacks), "qa_warnings": len(ed.qa_warnings)}


def output_facts(fmt: str, data: bytes) -> dict[str, object]:
    """What the index shows of an output's bytes: a PDF's page count."""
    if fmt != "pdf":
        return {}
    import pypdfium2

    pdf = pypdfium2.PdfDocument(data)
    try:
        return {"pages": len(pdf)}
    finally:
        pdf.close()


@dataclass(frozen=True)
class Thumbnail:
    src: str  # relative to the index
    width: int
    height: int


@dataclass(frozen=True)
class Handout:
    """One output file of an edition, as the index lists it."""

    layout: str  # EPUB for the EPUB
    fmt: str
    href: str  # relative to the index
    description: str  # the layout's manifest's
    pages: int | None = None
    thumbnail: Thumbnail | None = None  # None for an EPUB
    also: tuple[str, ...] = ()  # the other files the task wrote (the booklet's pages in reading order)
    proof: str | None = None  # why it is a proof, not for patients: built below its publish gate (--allow-incomplete)


def _fact(name: str) -> property:
    """A fact of an edition as edition_facts recorded it; None where its record has none."""
    return property(lambda entry: entry.facts.get(name))


@dataclass
class EditionEntry:
    """A document in one locale: its facts and its handouts."""

    doc_id: str
    locale: str
    facts: dict[str, object]
    handouts: list[Handout] = field(default_factory=list)
    held_back: list[str] = field(default_factory=list)  # why a layout of it is not built (a publish gate)
    untranslated: str | None = None  # the list of units shown in the source language, relative to the index

    reading_grade = _fact("reading_grade")  # the whole text's readability, as `booklet check` measures it
    source_lang = _fact("source_lang")
    percent_translated = _fact("percent_translated")
    review = _fact("review")
    fallbacks = _fact("fallbacks")
    qa_warnings = _fact("qa_warnings")

    @property
    def anchor(self) -> str:
        return f"{self.doc_id}--{self.locale}"

    @property
    def dir(self) -> str:
        return text_direction(self.locale)

    @property
    def title(self) -> str:
        return str(self.facts.get("title") or self.doc_id)

    @property
    def title_lang(self) -> str:
        return str(self.facts.get("title_lang") or self.locale)

    @property
    def title_dir(self) -> str:
        return text_direction(self.title_lang)

    @property
    def is_source(self) -> bool:
        return bool(self.facts) and self.facts.get("source_lang") is None


@dataclass
class DocumentEntry:
    doc_id: str
    editions: list[EditionEntry]

    @property
    def heading(self) -> EditionEntry:
        """The edition whose title heads the document: its source language's, if built."""
        return next((ed for ed in self.editions if ed.is_source), self.editions[0])


def write_index(out: Path, state, layouts: LayoutSet = BUILTIN) -> Path:
    """Write `<out>/index.html` from the state file's records (planner.State) of the outputs still in `out`,
    with thumbnails made for the PDFs that have none yet, and those of PDFs no longer listed removed.  The file
    is left alone when it would not change."""
    from pipeline.render.html import environment

    documents = _entries(out, state, layouts)
    _sweep_thumbnails(out, documents)
    env = environment(layouts)
    env.globals.update(EPUB=EPUB)
    env.filters["english_name"] = english_name
    languages = sorted({ed.locale for doc in documents for ed in doc.editions})
    html = env.get_template(TEMPLATE).render(documents=documents, languages=languages)
    target = out / INDEX_NAME
    if not target.is_file() or target.read_text(encoding="utf-8") != html:
        write_atomic(target, html)
    return target


def _entries(out: Path, state, layouts: LayoutSet) -> list[DocumentEntry]:
    editions: dict[tuple[str, str], EditionEntry] = {}
    for key, record in sorted(state.records.items()):
        doc_id, locale, fmt, layout = _task_of(key)
        edition = editions.setdefault((doc_id, locale), EditionEntry(doc_id, locale, {}))
        if record.message and not record.outputs:
            edition.held_back.append(record.message)
            continue
        if key not in record.outputs or not (out / key).is_file():
            continue
        facts = dict(record.facts or {})
        pages, proof = facts.pop("pages", None), facts.pop("proof", None)
        edition.facts = edition.facts or facts
        others = sorted(name for name in record.outputs if name != key and (out / name).is_file())
        edition.untranslated = next((name for name in others if name.endswith(".untranslated.txt")),
                                    edition.untranslated)
        edition.handouts.append(Handout(
            layout, fmt, key, _description(layout, layouts), pages,
            _thumbnail(out, key, record.outputs[key]) if fmt == "pdf" else None,
            tuple(name for name in others if name.endswith(f".{fmt}")), proof))
    by_document: dict[str, list[EditionEntry]] = {}
    for (doc_id, _), edition in sorted(editions.items()):
        if edition.handouts:
            edition.handouts.sort(key=lambda h: (h.fmt == EPUB, h.layout))
            by_document.setdefault(doc_id, []).append(edition)
    for found in by_document.values():
        found.sort(key=lambda ed: (not ed.is_source, ed.locale))
    return [DocumentEntry(doc_id, found) for doc_id, found in by_document.items()]


def _task_of(key: str) -> tuple[str, str, str, str]:
    """A task key (planner.Task.key) read back: document id, locale, format, layout."""
    path = PurePosixPath(key)
    locale, name = path.parent.as_posix(), path.name
    if name.endswith(f".{EPUB}"):
        return name.removesuffix(f".{EPUB}"), locale, EPUB, EPUB
    stem, fmt = name.rsplit(".", 1)
    doc_id, layout = stem.rsplit(".", 1)
    return doc_id, locale, fmt, layout


def _description(layout: str, layouts: LayoutSet) -> str:
    if layout == EPUB:
        return "An e-book for phones, tablets and e-readers: its text reflows to any size"
    try:
        return layouts.manifest(layout).description
    except BookletError:  # a layout the project no longer has still lists its outputs, undescribed
        return ""


def _thumbnail(out: Path, key: str, pdf_sha: str) -> Thumbnail | None:
    """The thumbnail of the PDF at `out/key`, made if this PDF (by its SHA-256) has none yet."""
    from PIL import Image

    path = out / THUMBS_NAME / f"{pdf_sha}.png"
    if not path.is_file():
        data = _first_page_png((out / key).read_bytes())
        if data is None:
            return None
        write_atomic(path, data)
    with Image.open(path) as image:
        width, height = image.size
    return Thumbnail(f"{THUMBS_NAME}/{path.name}", width // 2, height // 2)


def _first_page_png(pdf_bytes: bytes) -> bytes | None:
    """A PNG of a PDF's first page, THUMB_WIDTH pixels wide: the same bytes for the same PDF (no date, no
    options that vary); None for a PDF without pages."""
    import pypdfium2

    pdf = pypdfium2.PdfDocument(pdf_bytes)
    try:
        if not len(pdf):
            return None
        page = pdf[0]
        image = page.render(scale=THUMB_WIDTH / page.get_width()).to_pil().convert("RGB")
        buffer = io.BytesIO()
        image.save(buffer, format="PNG")
        return buffer.getvalue()
    finally:
        pdf.close()


def _sweep_thumbnails(out: Path, documents: list[DocumentEntry]) -> None:
    """Remove the thumbnails of PDFs the index no longer lists (rebuilt, or gone)."""
    folder = out / THUMBS_NAME
    if not folder.is_dir():
        return
    listed = {Path(h.thumbnail.src).name for doc in documents for ed in doc.editions for h in ed.handouts
              if h.thumbnail}
    for path in folder.iterdir():
        if path.name not in listed:
            path.unlink()
