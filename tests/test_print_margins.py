"""Print geometry, measured on the PDFs `booklet build` writes (conftest.built_pdfs) in every layout of
booklet.toml and every locale: every mark at least 10 mm from the trimmed edge (an office printer cannot print
closer, and the booklet's print file asks for no scaling), running headers on one line, no page of the long
editions more than half empty except where a chapter starts, and a booklet whose last sheet has no blank page
and ends on its back cover.

Content and page furniture are told apart by the tagged PDF: WeasyPrint puts the text of the page margins
(running header, footer) in no structure element, so a character whose marked-content id is in none of the
page's structure elements is furniture."""
from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pdfplumber
import pytest
from pdfplumber.structure import PDFStructTree
from pypdf import PdfReader

from conftest import REPO
from pipeline.render import ABOUT_ID, unimposed_path
from pipeline.render.html import running_title
from pipeline.render.impose import PAGES_PER_SHEET
from pipeline.render.layouts import load_manifest

pytestmark = pytest.mark.slow

MM = 72 / 25.4
EDGE_MM = 10  # no mark closer to the trimmed edge
HALF = 0.5  # of the text area: a page filled less than this is "more than half empty"

CONFIG = tomllib.loads((REPO / "booklet.toml").read_text(encoding="utf-8"))
LOCALES = CONFIG["locales"]
SOURCE_LANGUAGE = "en"  # both seed documents are written in English
BOOKLET_PAGES = unimposed_path(Path("x.booklet.pdf"), CONFIG["paper"]).name.removeprefix("x.").removesuffix(".pdf")


def kinds() -> list[str]:
    """Every kind of PDF the build writes: one per layout, and the booklet's tagged pages beside its sheets."""
    found = []
    for layout in CONFIG["layouts"]:
        found.append(layout)
        if load_manifest(layout).impose:
            found.append(BOOKLET_PAGES)
    return found


def editions(kind: str) -> list[tuple[str, str]]:
    """(kind, locale) of every edition the build makes; a bilingual layout is not built in the source language."""
    layout = "booklet" if kind == BOOKLET_PAGES else kind
    return [(kind, locale) for locale in LOCALES
            if not (load_manifest(layout).bilingual and locale == SOURCE_LANGUAGE)]


def files(out: Path, kind: str, locale: str) -> list[Path]:
    found = sorted((out / locale).glob(f"*.{kind}.pdf"))
    assert found, f"the build wrote no {kind} in {locale}"
    return found


def is_white(color) -> bool:
    values = color if isinstance(color, (tuple, list)) else (color,)
    return bool(values) and all(v == 1 for v in values)


def marks(page) -> list[dict]:
    """Everything printed on a page: its characters (not spaces) and its drawn shapes and pictures, but not a
    white fill (the page's background)."""
    found = [c for c in page.chars if c["text"].strip()]
    for shape in page.rects + page.lines + page.curves + page.images:
        if shape.get("fill") and not shape.get("stroke") and is_white(shape.get("non_stroking_color")):
            continue
        found.append(shape)
    return found


@dataclass(frozen=True)
class Page:
    """What these tests read of one page: its size, its marks (`marks`), and {marked-content id: the types of
    its structure elements, outermost first} (`structure`)."""

    number: int
    width: float
    height: float
    marks: list[dict]
    structure: dict[int, list[str]]

    @property
    def chars(self) -> list[dict]:
        return [m for m in self.marks if "text" in m]

    @property
    def content(self) -> list[dict]:
        return [c for c in self.chars if c.get("mcid") in self.structure]

    @property
    def furniture(self) -> list[dict]:
        return [c for c in self.chars if c.get("mcid") not in self.structure]


@functools.cache
def read(path: Path) -> list[Page]:
    """Every page of a PDF, read once for all the tests (pdfplumber is slow); an untagged PDF (the booklet's
    print file) has no structure."""
    with pdfplumber.open(path) as pdf:
        tagged = "StructTreeRoot" in pdf.doc.catalog
        return [Page(page.page_number, page.width, page.height, marks(page), structure(pdf, page) if tagged else {})
                for page in pdf.pages]


def trimmed_pages(page, booklet_page_size=None) -> list[tuple[float, float, float, float]]:
    """The trimmed page(s) on a sheet as (x0, top, x1, bottom): the page itself, or on an imposed booklet's
    sheet the two booklet pages, each centred in its half (render/impose.py), of the size of the tagged pages."""
    if booklet_page_size is None:
        return [(0, 0, page.width, page.height)]
    width, height = booklet_page_size
    half = page.width / 2
    x, y = (half - width) / 2, (page.height - height) / 2
    return [(x, y, x + width, y + height), (half + x, y, half + x + width, y + height)]


def edge_gap(mark, box) -> float:
    x0, top, x1, bottom = box
    return min(mark["x0"] - x0, x1 - mark["x1"], mark["top"] - top, bottom - mark["bottom"])


def describe(mark) -> str:
    return repr(mark["text"]) if "text" in mark else mark["object_type"]


@pytest.mark.parametrize("kind,locale", [edition for kind in kinds() for edition in editions(kind)])
def test_every_mark_is_10mm_from_the_trimmed_edge(built_pdfs, kind, locale):
    too_close, measured = [], 0
    for path in files(built_pdfs, kind, locale):
        size = None
        if kind in CONFIG["layouts"] and load_manifest(kind).impose:
            first = read(path.with_name(path.name.replace(f".{kind}.", f".{BOOKLET_PAGES}.")))[0]
            size = first.width, first.height
        for page in read(path):
            boxes = trimmed_pages(page, size)
            for mark in page.marks:
                middle = (mark["x0"] + mark["x1"]) / 2
                box = next((b for b in boxes if b[0] <= middle <= b[2]), boxes[0])
                gap = edge_gap(mark, box)
                measured += 1
                if gap < EDGE_MM * MM - 0.01:
                    too_close.append((path.name, page.number, f"{gap / MM:.1f} mm", describe(mark)))
    assert measured
    assert not too_close, too_close[:12]


def structure(pdf, page) -> dict[int, list[str]]:
    """{marked-content id: the types of its structure elements, outermost first} for one page."""
    found: dict[int, list[str]] = {}

    def walk(element, path):
        path = path + [element.type]
        for mcid in element.mcids or ():
            found[mcid] = path
        for child in element.children:
            walk(child, path)

    for element in PDFStructTree(pdf, page):
        walk(element, [])
    return found


def lines_of(chars) -> int:
    """How many lines of text `chars` make: tops further apart than half a character's size start a new one."""
    tops = sorted(c["top"] for c in chars)
    return sum(1 for before, after in zip(tops, tops[1:]) if after - before > 0.5 * min(c["size"] for c in chars)) + (
        1 if tops else 0)


TAGGED = [kind for kind in kinds() if kind in ("guide", "large-print", BOOKLET_PAGES)]


@pytest.mark.parametrize("kind,locale", [edition for kind in TAGGED for edition in editions(kind)])
def test_running_headers_are_one_line(built_pdfs, kind, locale):
    wrapped, with_header = [], 0
    for path in files(built_pdfs, kind, locale):
        for page in read(path):
            header = [c for c in page.furniture if c["bottom"] < page.height / 2]
            if header:
                with_header += 1
                if lines_of(header) > 1:
                    wrapped.append((path.name, page.number, "".join(c["text"] for c in header)))
    assert with_header, "no page carries a running header"  # (an Arabic proof's English sections carry none)
    assert not wrapped, wrapped[:8]


def page_fill(out: Path, kind: str, locale: str):
    """Per document: [(page number, fill, first content's structure types)], where fill is how far down the
    text area the page's lowest content mark reaches (0: nothing, 1: the foot of the text area).  The text area
    is the band between the highest and the lowest content character of the document's inner pages (not the
    covers, which have a design of their own)."""
    for path in files(out, kind, locale):
        pages = []
        for page in read(path):
            chars, shapes = page.content, [m for m in page.marks if "text" not in m]
            first = min(chars, key=lambda c: (round(c["top"]), c["x0"]), default=None)
            pages.append((page.number, chars, shapes, page.structure.get(first["mcid"], []) if first else []))
        inner = [c for _, chars, _, _ in pages[1:-1] for c in chars]
        top, bottom = min(c["top"] for c in inner), max(c["bottom"] for c in inner)
        yield path, [(number, max([(m["bottom"] - top) / (bottom - top) for m in chars + shapes], default=0),
                      first) for number, chars, shapes, first in pages]


def starts_chapter(types: list[str]) -> bool:
    """A page whose first content is a top-level heading (H2: a section, the contents, sources, a page to write
    on, the about box) or the introduction (the one block outside every section: a Div straight under the
    page's Part)."""
    return "H2" in types or any(a == "Part" and b == "Div" for a, b in zip(types, types[1:]))


LONG = [kind for kind in kinds() if kind in ("large-print", BOOKLET_PAGES)]


@pytest.mark.parametrize("kind,locale", [edition for kind in LONG for edition in editions(kind)])
def test_no_page_more_than_half_empty_except_before_a_chapter(built_pdfs, kind, locale):
    """Every page but the covers (the first and the last) reaches at least halfway down the text area, unless
    the next page starts a chapter (starts_chapter); and no page is empty."""
    empty = []
    for path, pages in page_fill(built_pdfs, kind, locale):
        for (number, fill, _), (_, _, next_first) in zip(pages[1:-1], pages[2:]):
            if fill <= 0 or (fill < HALF and not starts_chapter(next_first)):
                empty.append((path.name, number, f"{fill:.0%} full"))
    assert not empty, empty


@pytest.mark.parametrize("locale", LOCALES)
def test_booklet_fills_its_sheets_and_ends_on_its_back_cover(built_pdfs, locale):
    """The tagged pages are a whole number of sheets (pages to write on, not blanks, fill the last one); the
    about box begins on the last page, which holds it whole and carries no running header or page number; and
    no half of any printed sheet is blank."""
    for path in files(built_pdfs, BOOKLET_PAGES, locale):
        reader = PdfReader(path)
        count = len(reader.pages)
        assert count % PAGES_PER_SHEET == 0, (path.name, count)
        assert reader.get_destination_page_number(reader.named_destinations[ABOUT_ID]) == count - 1, path.name
        pages = read(path)
        furniture = [page.furniture for page in pages]
        size = pages[0].width, pages[0].height
        assert furniture[-1] == [], (path.name, "".join(c["text"] for c in furniture[-1]))
        assert all(furniture[1:-1]), "the inner pages carry their page numbers"
        sheets = path.with_name(path.name.replace(f".{BOOKLET_PAGES}.", ".booklet."))
        blank = [(side.number, slot) for side in read(sheets) for slot, box in enumerate(trimmed_pages(side, size))
                 if not [m for m in side.marks if box[0] <= (m["x0"] + m["x1"]) / 2 <= box[2]]]
        assert not blank, (sheets.name, blank)


def test_running_title_is_cut_after_a_whole_word():
    title = "Regenerative / Visco / Stem-Cell & Bisphosphonate Agents"
    assert running_title(title, len(title)) == title and running_title(title, None) == title
    assert running_title(title, 8) == "Regener…"  # a first word longer than the budget: cut inside it
    for limit in range(len("Regenerative …"), len(title)):
        short = running_title(title, limit)
        assert len(short) <= limit and short.endswith("…"), (limit, short)
        assert title.startswith(short[:-1]) and title[len(short) - 1] in " /&", (limit, short)  # a whole word
        assert short[-2] not in " /&–", short  # no dangling separator before the "…"
