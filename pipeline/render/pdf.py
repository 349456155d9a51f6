"""PDF: the layout's HTML (render/html.py) through WeasyPrint, as tagged PDF/UA-1.

WeasyPrint fetches whatever a document points at (stylesheets, images, `<link rel=attachment>` files, over
file: and http:) and logs its problems to a logger that prints nothing by default.  So: an allow-list fetcher
that serves only the layout files on the project's search path (and the images our own code encoded) and stops the
build on anything else, and a log handler that turns WeasyPrint's ERROR records into a BookletError and hands
its warnings back to the caller.  Laying out (`render`) and writing (`save`) are separate steps so that a fit
rule (render/fit.py) can lay a layout out at several type sizes and write only the one that fits.

WeasyPrint writes the language only once, for the whole document (the catalog's /Lang from <html lang>), so a
screen reader would read an English fallback in a French handout with a French voice.  Every element whose
language differs from its surroundings (a fallback paragraph, list item or heading with `lang`, a fallback
<span lang>, the bilingual sheet's <article lang>, an English note in an Arabic edition) therefore gets its own
/Lang on the structure element WeasyPrint makes for it: `save` marks each such box with its language before it
writes (see `_with_language`), so each one lands on exactly the element made for its box.  WeasyPrint
(70) tags a table's heading cells TH and links each data cell to its headings (/ID, /Headers), but writes no
/Scope, which PDF/UA readers use to tell a column heading from a row heading: `save` adds it from the
<th scope> of the HTML.  A table running onto several pages is one Table element per page, each with the
column headings again (as printed).
"""
from __future__ import annotations

import base64
import io
import logging
import mimetypes
import re
import threading
import urllib.parse
from contextlib import contextmanager
from dataclasses import dataclass
from gettext import NullTranslations
from pathlib import Path
from typing import Any

import pikepdf
import pydyf
import weasyprint
from weasyprint.pdf import tags as weasyprint_tags
from pypdf import PdfReader
from pypdf.generic import NameObject, TextStringObject
from weasyprint.formatting_structure import boxes
from weasyprint.layout.absolute import AbsolutePlaceholder
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from pipeline.config import Clinic
from pipeline.errors import BookletError
from pipeline.fsio import atomic_path
from pipeline.model import Document
from pipeline.render import ABOUT_ID, text_direction, unimposed_path
from pipeline.render.fit import fit_to_pages
from pipeline.render.fonts import check_glyphs
from pipeline.render.html import base_url, render_html
from pipeline.render.images import image_data_uri
from pipeline.render.impose import PAGES_PER_SHEET, SHEETS_PT, impose
from pipeline.render.layouts import BUILTIN, LayoutSet

# Tagged, with /Lang from <html lang>, the title from <title> and DisplayDocTitle.  Same bytes on every run
# (checked with the HarfBuzz subsetter; WeasyPrint writes no dates unless a dcterms meta gives one).
PDF_OPTIONS = {"pdf_variant": "pdf/ua-1", "presentational_hints": False}

_DATA_URI = re.compile(r"(data:[\w.+/-]+;base64,)[A-Za-z0-9+/=]+")


class BlockedURL(ValueError):
    """A URL the renderer may not read."""


class AssetFetcher(URLFetcher):
    """Serve the layout files of `layouts` and regular files lying under `folders`, once `..` and links are
    resolved, and exactly the data: URIs in `images` (pictures our own code encoded, such as the clinic's logo:
    see images.image_data_uri); refuse every other URL (other local files, http, https, any other data:).

    A URL into any folder of the layout search path is looked up on the whole path, first folder first, so a
    built-in stylesheet's `../fonts/…` and a project's override of `sheet/sheet.css` both resolve as the
    templates do.  With fail_on_errors a refused or missing asset stops the render (WeasyPrint raises
    FatalURLFetchingError) instead of leaving a hole in the PDF and a line in a log."""

    def __init__(self, layouts: LayoutSet = BUILTIN, folders=(), images=()):
        super().__init__(allowed_protocols={"file"}, allow_redirects=False, fail_on_errors=True)
        self.layouts = layouts
        self.folders = tuple(Path(folder).resolve() for folder in folders)
        self.images = frozenset(images)

    def local_path(self, url: str) -> Path:
        parts = urllib.parse.urlsplit(url)
        if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
            raise BlockedURL(f"only local layout files may be used: {url}")
        path = Path(urllib.parse.unquote(parts.path)).resolve()
        for root in self.layouts.roots:
            if path.is_relative_to(root):
                found = self.layouts.find(path.relative_to(root))
                if found is None:
                    raise FileNotFoundError(f"no such file: {path}")
                return found
        if not any(path.is_relative_to(folder) for folder in self.folders):
            allowed = " and ".join(str(r) for r in (*self.layouts.roots, *self.folders))
            raise BlockedURL(f"outside {allowed}: {url}")
        if not path.is_file():
            raise FileNotFoundError(f"no such file: {path}")
        return path

    def fetch(self, url, headers=None):
        if url in self.images:
            header, payload = url.split(",", 1)
            return URLFetcherResponse(url, base64.b64decode(payload), {"Content-Type": header[5:].split(";")[0]})
        path = self.local_path(url)
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": mime})


class _Collect(logging.Handler):
    """WARNING and above, from this thread only (another thread may be rendering another document)."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.thread = threading.get_ident()
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        if record.thread == self.thread:
            self.records.append(record)


@contextmanager
def _weasyprint_records():
    logger = logging.getLogger("weasyprint")
    handler = _Collect()
    level = logger.level
    if logger.getEffectiveLevel() > logging.WARNING:  # a quiet root logger must not hide them from us
        logger.setLevel(logging.WARNING)
    logger.addHandler(handler)
    try:
        yield handler.records
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


@dataclass
class Rendering:
    """A laid-out document, not yet written, and what WeasyPrint logged while laying it out."""

    document: weasyprint.document.Document
    records: list[logging.LogRecord]


def render(html: str, where: str | Path, *, layouts: LayoutSet = BUILTIN, folders=(), images=(),
           base: str | None = None, source: str | Path | None = None) -> Rendering:
    """Lay out `html` (relative URLs resolve against `base`, default: the first folder of `layouts`) without
    writing it; `where` names the output in errors.  Raises BookletError on a character the layout fonts cannot
    print (naming `source`, default `where`) and on a refused or missing asset."""
    check_glyphs(html, source or where, layouts)
    fetcher = AssetFetcher(layouts, folders, images)
    with _weasyprint_records() as records:
        try:
            document = weasyprint.HTML(string=html, base_url=base or base_url(layouts), url_fetcher=fetcher).render(
                **PDF_OPTIONS)
        except FatalURLFetchingError as exc:
            raise BookletError(f"{exc}: {exc.__cause__}", where) from exc
    return Rendering(document, records)


def save(rendering: Rendering, target: str | Path) -> list[str]:
    """Write a rendering as a PDF at `target` (atomically).  Returns WeasyPrint's warnings; raises BookletError
    on a refused or missing asset or on any ERROR it logged (e.g. an image without alt text, which PDF/UA
    requires).  An element in another language than its surroundings gets that /Lang on its structure element
    (`mark_other_languages`), and a table's heading cells their /Scope."""
    scopes = heading_scopes(rendering)
    mark_other_languages(rendering)
    with _weasyprint_records() as records, atomic_path(target) as tmp:
        try:
            if scopes:
                complete_tags(rendering.document.write_pdf(**PDF_OPTIONS), scopes, tmp, target)
            else:
                rendering.document.write_pdf(tmp, **PDF_OPTIONS)
        except FatalURLFetchingError as exc:
            raise BookletError(f"{exc}: {exc.__cause__}", target) from exc
        logged = rendering.records + records
        errors = [_message(r) for r in logged if r.levelno >= logging.ERROR]
        if errors:
            raise BookletError("WeasyPrint: " + "; ".join(errors), target)
    return [f"WeasyPrint: {_message(r)}" for r in logged]


def _tagged_boxes(rendering: Rendering):
    """(page index, box) of every box with an element, in the order in which WeasyPrint's tagger
    (weasyprint/pdf/tags.py) makes their structure elements: depth first through each page's boxes, with
    absolutely placed boxes where they are anchored and the page margins left out (tagged apart from the tree)."""
    def visit(box, page):
        if isinstance(box, AbsolutePlaceholder):
            box = box._box
        if isinstance(box, boxes.MarginBox):
            return
        if box.element is not None:
            yield page, box
        for child in getattr(box, "children", ()):
            yield from visit(child, page)

    for index, page in enumerate(rendering.document.pages):
        yield from visit(page._page_box, index)  # WeasyPrint offers no public box tree


# The attribute `mark_other_languages` gives a box of the rendering it marks, for `_with_language` to read.
_LANG_MARK = "_booklet_lang"


def mark_other_languages(rendering: Rendering) -> None:
    """Mark with its language (`_LANG_MARK`) every box whose element is in another language than the box around
    it (its structure element's parent): the language an element has by its own `lang` or its nearest
    ancestor's in the HTML, the page's own at the top.  A box of the same element as its parent (an anonymous
    box, a line's fragment, a list marker) inherits it, as a structure element inherits its parent's /Lang."""
    languages: dict[Any, str] = {}

    def language(element) -> str:
        return languages.get(element, "")

    def visit(box, around: str):
        if isinstance(box, AbsolutePlaceholder):
            box = box._box
        if isinstance(box, boxes.MarginBox):
            return
        own = around
        if box.element is not None:
            if box.element_tag == "html" and box.element not in languages:
                _element_languages(box.element, box.element.get("lang", ""), languages)
            own = language(box.element) or around
            if own != around and box.element_tag not in ("html", "body"):
                setattr(box, _LANG_MARK, own)
        for child in getattr(box, "children", ()):
            visit(child, own)

    for page in rendering.document.pages:
        visit(page._page_box, "")  # WeasyPrint offers no public box tree


def _element_languages(element, inherited: str, languages: dict) -> None:
    """Each element of the HTML tree under `element` with its language: its own `lang`, else its parent's."""
    own = element.get("lang") or inherited
    languages[element] = own
    for child in element:
        if isinstance(child.tag, str):
            _element_languages(child, own, languages)


# WeasyPrint 70 makes the structure element(s) of each box in weasyprint.pdf.tags._build_box_tree, which calls
# itself, by its module name, for every child box: wrapped once here, every box's elements pass through
# `_with_language`, which gives them the language `save` marked their box with (mark_other_languages).  The
# wrapper changes nothing else, and nothing at all for a box without a mark.  The tests read /Lang back from real PDFs (tests/test_languages.py),
# so a WeasyPrint that builds its tree otherwise fails them instead of leaving the languages out unnoticed.
_build_box_tree = weasyprint_tags._build_box_tree


def _with_language(box, *args):
    lang = getattr(box._box if isinstance(box, AbsolutePlaceholder) else box, _LANG_MARK, None)
    for element in _build_box_tree(box, *args):
        if lang:
            element["Lang"] = pydyf.String(lang)
        yield element


if getattr(weasyprint_tags._build_box_tree, "__name__", "") != "_with_language":
    weasyprint_tags._build_box_tree = _with_language


def row_heights(rendering: Rendering) -> dict[str, float]:
    """{row name: height in CSS px} of the tallest piece of each row (the elements with `data-row`, one per column
    in a bilingual layout), border box, for the rows whose pieces differ; empty when they already line up."""
    found: dict[str, list[float]] = {}
    for _, box in _tagged_boxes(rendering):
        name = box.element.get("data-row")
        if name and isinstance(box, boxes.BlockBox):
            found.setdefault(name, []).append(box.border_height())
    return {name: max(heights) for name, heights in found.items() if max(heights) - min(heights) > 0.01}


def heading_scopes(rendering: Rendering) -> list[tuple[int, str]]:
    """(page index, "Row" or "Column") of every table heading cell, in the order of their TH structure elements
    (a heading repeated on the next page is a cell there too).  "Row" where the <th> says scope="row", else
    "Column": the same reading as WeasyPrint's when it links data cells to their headings."""
    return [(page, "Row" if box.element.get("scope") == "row" else "Column") for page, box in _tagged_boxes(rendering)
            if isinstance(box, boxes.TableCellBox) and box.element_tag == "th"]


def complete_tags(pdf: bytes, scopes: list[tuple[int, str]], out: Path, target: str | Path) -> None:
    """Write `pdf` at `out` with /Scope on every TH (`heading_scopes`).  The elements are matched to the boxes in
    reading order and checked against their pages; a mismatch (another WeasyPrint) stops the build rather than
    label the wrong cells.  The file ID is derived from the content, so the same input gives the same bytes."""
    with pikepdf.open(io.BytesIO(pdf)) as document:
        pages = {page.objgen: index for index, page in enumerate(document.pages)}
        elements = list(_structure_elements(document.Root.StructTreeRoot))

        def matched(tag: str, boxes_found: list[tuple[int, Any]], what: str) -> list:
            tagged = [element for element in elements if element.S == tag]
            found = [(pages.get(element.Pg.objgen) if "/Pg" in element else None) for element in tagged]
            if found != [page for page, _ in boxes_found]:
                raise BookletError(f"cannot tell which structure element holds which {what}: {len(boxes_found)} on "
                                   f"pages {[p + 1 for p, _ in boxes_found]}, {tag[1:]} elements on pages "
                                   f"{[p + 1 if p is not None else None for p in found]}", target)
            return tagged

        for element, (_, scope) in zip(matched("/TH", scopes, "table heading"), scopes):
            element.A.Scope = pikepdf.Name("/" + scope)
        document.save(out, deterministic_id=True)


def _structure_elements(node):
    """The structure elements under `node`, depth first in the order of their /K arrays (reading order)."""
    kids = node.get("/K")
    for kid in (kids if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []):
        if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type", "/StructElem") == "/StructElem" and "/S" in kid:
            yield kid
            yield from _structure_elements(kid)


def _message(record: logging.LogRecord) -> str:
    """The record's message, with any data: URI (a whole logo, base64) cut down to its type."""
    return _DATA_URI.sub(r"\1…", record.getMessage())


def html_to_pdf(html: str, target: str | Path, *, layouts: LayoutSet = BUILTIN, folders=(),
                base: str | None = None, source: str | Path | None = None) -> list[str]:
    """Write `html` as a PDF at `target`: `render`, then `save`."""
    return save(render(html, target, layouts=layouts, folders=folders, base=base, source=source), target)


def write_pdf(doc: Document, target: str | Path, layout: str = "guide", paper: str = "a4", *,
              labels: NullTranslations | None = None, clinic: Clinic | None = None, guide_url: str | None = None,
              translation=None, source_edition=None, layouts: LayoutSet = BUILTIN) -> list[str]:
    """Render `doc` with the layout named `layout` (found on `layouts`) on `paper` ("a4" or "letter") to `target`;
    returns warnings (write_fitted_pdf says more)."""
    return write_fitted_pdf(doc, target, layout, paper, labels=labels, clinic=clinic, guide_url=guide_url,
                            translation=translation, source_edition=source_edition, layouts=layouts)[0]


def write_fitted_pdf(doc: Document, target: str | Path, layout: str = "guide", paper: str = "a4", *,
                     labels: NullTranslations | None = None, clinic: Clinic | None = None, guide_url: str | None = None, translation=None,
                     source_edition=None, layouts: LayoutSet = BUILTIN,
                     fit_hint: float | None = None) -> tuple[list[str], float | None]:
    """Render `doc` with the layout named `layout` (found on `layouts`) on `paper` ("a4" or "letter") to `target`;
    returns warnings and, for a layout with a fit rule, the body size it was set at.  Its labels come from
    `labels`, the catalog of its locale (English without one).  An imposed layout (its manifest's `impose`) writes its tagged pages beside `target` (unimposed_path) and
    the sheets to print at `target`.  A layout with a fit rule (the one-page sheet) is laid out at smaller
    body sizes until it fits, searched from `fit_hint` (the size that fitted last time) when given.  A bilingual
    layout needs the `source_edition` (build.Edition) that `doc` was translated from."""
    manifest = layouts.manifest(layout)
    images = {image_data_uri(clinic.logo)} if clinic and clinic.logo else set()
    source = doc.meta.source_file or doc.id

    def render_at(body_pt: float | None = None, pad_pages: int = 0) -> Rendering:
        def laid_out(rows=None) -> Rendering:
            html = render_html(doc, layout=layout, paper=paper, labels=labels, clinic=clinic, guide_url=guide_url,
                               body_pt=body_pt, translation=translation, source_edition=source_edition, layouts=layouts,
                               pad_pages=pad_pages, row_heights=rows)
            return render(html, target, layouts=layouts, images=images, source=source)

        rendering = laid_out()
        # Columns side by side line up row by row: laid out again with each row as tall as its taller piece.
        rows = row_heights(rendering) if manifest.bilingual else {}
        return laid_out(rows) if rows else rendering

    body_pt = None
    if manifest.fit:
        rendering, body_pt = fit_to_pages(render_at, manifest, doc.id, f"the {layout} layout on {paper.upper()} "
                                          "paper", fit_hint)
    else:
        rendering = render_at()
    if manifest.impose is None:
        return save(rendering, target), body_pt
    # A folded sheet carries four pages: fill the last sheet with pages to write on rather than blanks.  They go
    # before the back cover, each on a page of its own, so the second layout is longer by exactly that many.
    if pad_pages := -len(rendering.document.pages) % PAGES_PER_SHEET:
        rendering = render_at(body_pt, pad_pages)
    pages = unimposed_path(target, paper)
    warnings = save(rendering, pages)
    # the about box's page, from WeasyPrint's own anchors (reading the PDF's destinations back costs 0.3 s)
    write_saddle_stitched(pages, target, paper, doc.lang, ABOUT_ID in rendering.document.pages[-1].anchors)
    return warnings, body_pt


def write_saddle_stitched(pages: Path, target: str | Path, paper: str, lang: str, back_cover: bool) -> None:
    """Impose the booklet `pages` (in language `lang`) on `paper` at `target`, atomically.  The blanks go
    before the last page when it is a `back_cover` (the about box starts on it); otherwise they would part that
    page from the one it continues, so they go at the end."""
    reader = PdfReader(pages)
    writer = impose(reader, SHEETS_PT[paper], rtl=text_direction(lang) == "rtl", keep_back_cover=back_cover)
    info = reader.metadata or {}
    writer.add_metadata({key: info[key] for key in ("/Title", "/Author", "/ModDate") if key in info} | {
        "/Subject": f"Print file: saddle-stitched booklet, untagged. Print double-sided, flip on the short edge, "
                    f"fold and staple. To read on screen, use {pages.name}."})
    writer.root_object[NameObject("/Lang")] = TextStringObject(lang)
    with atomic_path(target) as tmp:
        writer.write(tmp)
