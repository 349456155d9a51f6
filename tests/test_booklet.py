"""The folded booklet: saddle-stitch order, imposition on the sheets, and the two files the layout writes."""
from __future__ import annotations

import dataclasses
import math
import re
from pathlib import Path

import pdfplumber
import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.generic import DecodedStreamObject, IndirectObject, NameObject

from conftest import PMN
from pipeline.render import ABOUT_ID, WRITERS, output_path, unimposed_path
from pipeline.render.impose import SHEETS_PT, impose, saddle_stitch_order
from pipeline.render.pdf import write_saddle_stitched
from test_render import check_navigation, sample_document

MM = 72 / 25.4
A4_LANDSCAPE = (841.89, 595.28)
A5 = (419.53, 595.28)
_ = None  # a blank slot, in the literal orders below


def one_based(sides):
    return [tuple(_ if page is None else page + 1 for page in side) for side in sides]


def folded_order(n_pages: int, rtl: bool = False) -> list[tuple]:
    """The expected sides, worked out the other way round from saddle_stitch_order: walk through the folded
    booklet in reading order and note where each position lands (sheet, side, slot).  Positions 1..N/2 are
    in the first half of the booklet, on the right-hand slot of a front (odd) or the left-hand slot of a back
    (even), sheet by sheet from the outside in; the second half mirrors them.  Content fills positions in
    order, except that the last page keeps the last position and the blanks come before it."""
    total = math.ceil(n_pages / 4) * 4
    content = list(range(1, n_pages)) + [_] * (total - n_pages) + [n_pages] if n_pages > 1 else (
        [1] + [_] * (total - 1))
    sides = [[None, None] for _side in range(total // 2)]
    for position, page in enumerate(content, start=1):
        mirrored = position > total // 2
        q = total + 1 - position if mirrored else position
        sheet, front = (q - 1) // 2, q % 2 == 1
        slot = 1 if front else 0  # reading the first half: fronts on the right, backs on the left
        if mirrored:
            slot = 1 - slot
        if rtl:
            slot = 1 - slot
        sides[2 * sheet + (0 if front else 1)][slot] = page
    return [tuple(side) for side in sides]


# --- order --------------------------------------------------------------------------------------------------

def test_order_of_8_and_10_pages():
    assert one_based(saddle_stitch_order(8)) == [(8, 1), (2, 7), (6, 3), (4, 5)]
    assert one_based(saddle_stitch_order(10)) == [(10, 1), (2, _), (_, 3), (4, 9), (8, 5), (6, 7)]


@pytest.mark.parametrize("n", [1, 2, 4, 5, 8, 10, 13])
def test_order_matches_the_folded_booklet(n):
    sides = one_based(saddle_stitch_order(n))
    assert sides == folded_order(n)
    assert len(sides) == math.ceil(n / 4) * 2
    slots = [page for side in sides for page in side]
    assert sorted(p for p in slots if p is not None) == list(range(1, n + 1))
    assert slots.count(None) == math.ceil(n / 4) * 4 - n
    assert sides[0][1] == 1  # the front cover: right-hand half of the outer side of the first sheet
    if n > 1:
        assert sides[0][0] == n  # the back cover stays outside, beside it


@pytest.mark.parametrize("n", [1, 2, 4, 5, 8, 10, 13])
def test_right_to_left_order_swaps_every_side(n):
    sides = one_based(saddle_stitch_order(n, rtl=True))
    assert sides == folded_order(n, rtl=True)
    assert sides == [(right, left) for left, right in one_based(saddle_stitch_order(n))]


def test_right_to_left_order_of_8_pages():
    assert one_based(saddle_stitch_order(8, rtl=True)) == [(1, 8), (7, 2), (3, 6), (5, 4)]


def test_order_without_a_back_cover_pads_at_the_end():
    assert one_based(saddle_stitch_order(10, keep_back_cover=False)) == [
        (_, 1), (2, _), (10, 3), (4, 9), (8, 5), (6, 7)]


def test_order_needs_a_page():
    with pytest.raises(ValueError):
        saddle_stitch_order(0)


# --- imposition on marked pages (no WeasyPrint) ---------------------------------------------------------------

def test_pypdf_add_object_makes_an_indirect_stream(tmp_path):
    """impose() wraps each page in a Form XObject with PdfWriter._add_object, which is private: this breaks
    first if pypdf changes it."""
    writer = PdfWriter()
    stream = DecodedStreamObject()
    stream.set_data(b"% form")
    ref = writer._add_object(stream)
    assert isinstance(ref, IndirectObject) and ref.get_object() is stream
    page = writer.add_blank_page(width=100, height=100)
    page[NameObject("/Form")] = ref
    writer.write(tmp_path / "x.pdf")
    assert PdfReader(tmp_path / "x.pdf").pages[0]["/Form"].get_object().get_data() == b"% form"


def marked_pages(path: Path, n: int, size=(148 * MM, 210 * MM), about_page: int | None = None) -> Path:
    """`n` pages of `size` whose content is only the comment "% page k"; optionally the about box's
    destination on page `about_page` (0-based), as the booklet layout writes it."""
    writer = PdfWriter()
    for number in range(1, n + 1):
        page = writer.add_blank_page(width=size[0], height=size[1])
        content = DecodedStreamObject()
        content.set_data(f"% page {number}\n".encode())
        page.replace_contents(content)
    if about_page is not None:
        writer.add_named_destination(ABOUT_ID, about_page)
    writer.write(path)
    return path


def placed_pages(side, half: float) -> tuple:
    """(left, right) page numbers drawn on an imposed side, read from its `cm … Do` operators and the
    marked content of the forms they draw."""
    slots = [_, _]
    content = side.get_contents().get_data().decode()
    forms = side["/Resources"]["/XObject"]
    for x, name in re.findall(r"q [\d.]+ 0 0 [\d.]+ ([\d.]+) [\d.]+ cm (/P\d) Do Q", content):
        page = int(re.search(rb"% page (\d+)", forms[name].get_object().get_data()).group(1))
        slots[int(float(x) >= half)] = page
    return tuple(slots)


@pytest.mark.parametrize("n", [1, 5, 8])
def test_impose_places_pages_on_a4_landscape(tmp_path, n):
    reader = PdfReader(marked_pages(tmp_path / "pages.pdf", n))
    writer = impose(reader, SHEETS_PT["a4"])
    writer.write(tmp_path / "sheets.pdf")
    sheets = PdfReader(tmp_path / "sheets.pdf")
    assert len(sheets.pages) == math.ceil(n / 4) * 2
    for side in sheets.pages:
        assert (round(float(side.mediabox.width), 2), round(float(side.mediabox.height), 2)) == A4_LANDSCAPE
    half = SHEETS_PT["a4"][0] / 2
    assert [placed_pages(side, half) for side in sheets.pages] == folded_order(n)
    preferences = sheets.viewer_preferences
    assert (preferences.duplex, preferences.print_scaling) == ("/DuplexFlipShortEdge", "/None")


def placements(side) -> list[tuple[float, float, float]]:
    """(scale, x, y) of every page drawn on an imposed side, in the order drawn."""
    content = side.get_contents().get_data().decode()
    return [tuple(map(float, found)) for found in re.findall(r"q ([\d.]+) 0 0 [\d.]+ ([\d.]+) ([\d.]+) cm", content)]


def test_impose_centres_a_page_in_its_half_and_shrinks_only_a_larger_one(tmp_path):
    a5 = impose(PdfReader(marked_pages(tmp_path / "a5.pdf", 2)), SHEETS_PT["a4"])
    margin = (297 / 2 - 148) / 2 * MM  # A4 is 1 mm wider than two A5 pages: half a millimetre on each side
    assert placements(a5.pages[0]) == [pytest.approx((1, margin, 0), abs=1e-3),
                                       pytest.approx((1, 297 / 2 * MM + margin, 0), abs=1e-3)]
    a4 = impose(PdfReader(marked_pages(tmp_path / "a4.pdf", 2, size=(210 * MM, 297 * MM))), SHEETS_PT["a4"])
    scale = 210 / 297  # the A4 page's height fits the sheet's
    x = (297 / 2 - 210 * scale) / 2 * MM
    assert placements(a4.pages[0]) == [pytest.approx((scale, x, 0), abs=1e-3),
                                       pytest.approx((scale, 297 / 2 * MM + x, 0), abs=1e-3)]


def test_back_cover_only_when_the_about_box_starts_on_the_last_page(tmp_path):
    half = SHEETS_PT["a4"][0] / 2
    for back_cover, first_side in ((True, (5, 1)), (False, (_, 1))):
        pages = marked_pages(tmp_path / "pages.pdf", 5)
        write_saddle_stitched(pages, tmp_path / "sheets.pdf", "a4", "en", back_cover)
        assert placed_pages(PdfReader(tmp_path / "sheets.pdf").pages[0], half) == first_side


@pytest.mark.slow
def test_the_booklet_is_imposed_with_a_back_cover_where_its_about_box_starts_on_the_last_page(tmp_path,
                                                                                             monkeypatch):
    """The writer tells imposition from the layout's own anchors; the pages it wrote say the same."""
    from pipeline.render import pdf

    told = []
    imposed = pdf.write_saddle_stitched
    monkeypatch.setattr(pdf, "write_saddle_stitched", lambda *args: told.append(args[-1]) or imposed(*args))
    target = tmp_path / "x.booklet.pdf"
    WRITERS["pdf"](sample_document(), target, "booklet", paper="a4")
    reader = PdfReader(unimposed_path(target, "a4"))
    about = reader.get_destination_page_number(reader.named_destinations[ABOUT_ID])
    assert told == [about == len(reader.pages) - 1] == [True]


def test_write_saddle_stitched_is_atomic_and_deterministic(tmp_path, monkeypatch):
    pages = marked_pages(tmp_path / "pages.pdf", 6, about_page=5)
    write_saddle_stitched(pages, tmp_path / "one.pdf", "a4", "en", True)
    write_saddle_stitched(pages, tmp_path / "two.pdf", "a4", "en", True)
    assert (tmp_path / "one.pdf").read_bytes() == (tmp_path / "two.pdf").read_bytes()

    def fail(self, stream):
        Path(stream).write_bytes(b"%PDF-1.7 half a file")
        raise OSError("disk full")

    monkeypatch.setattr(PdfWriter, "write", fail)
    with pytest.raises(OSError):
        write_saddle_stitched(pages, tmp_path / "three.pdf", "a4", "en", True)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["one.pdf", "pages.pdf", "two.pdf"]


def test_unimposed_path():
    target = output_path("out", sample_document(), "pdf", "booklet")
    assert target == Path("out/en-GB/paracetamol.booklet.pdf")
    assert unimposed_path(target, "a4") == Path("out/en-GB/paracetamol.booklet-a5.pdf")
    assert unimposed_path(target, "letter") == Path("out/en-GB/paracetamol.booklet-half-letter.pdf")


# --- the real booklet (WeasyPrint) -------------------------------------------------------------------------

FOOTER = re.compile(r"Page (\d+) of (\d+)|(\d+) of (\d+) Page")  # the second: English shown right to left


def footers(sheets: Path) -> list[tuple]:
    """Per imposed side, the page number in the footer of its (left, right) half, or None for a blank half.
    The covers carry no page furniture: the front cover is page 1, known by the facts it states, and the back
    cover the last page, known by the about box it holds."""
    sides = []
    with pdfplumber.open(sheets) as pdf:
        count = 2 * len(pdf.pages)
        for side in pdf.pages:
            halves = []
            for x0, x1 in ((0, side.width / 2), (side.width / 2, side.width)):
                text = side.within_bbox((x0, 0, x1, side.height)).extract_text()
                found = FOOTER.findall(text)
                assert len(found) <= 1, text
                cover = not found and "Language" in text and "Last updated" in text
                back = not found and {"About", "information"} <= set(text.split())
                halves.append(int(found[0][0] or found[0][3]) if found else 1 if cover else count if back else None)
                if not found and not cover and not back:
                    assert text.strip() == ""  # a blank half, not a page without its footer
            sides.append(tuple(halves))
    return sides


@pytest.fixture(scope="module")
def seed_booklet(loaded_seeds, tmp_path_factory):
    """The larger seed document, built as a booklet through the registry at the conventional path: as it is, or
    without its glossary, whichever first does not fill its last sheet (this test needs pages to write on; what
    fills a sheet changes with every line the layouts add)."""
    full = loaded_seeds[PMN].document
    shorter = dataclasses.replace(full, glossary=[])
    for doc in (full, shorter):
        target = output_path(tmp_path_factory.mktemp("output"), doc, "pdf", "booklet")
        warnings = WRITERS["pdf"](doc, target, "booklet", paper="a4").warnings
        if any("Questions for my care team" in page.extract_text()
               for page in PdfReader(unimposed_path(target, "a4")).pages):
            break
    return doc, target, warnings


@pytest.mark.slow
def test_seed_booklet_sheets(seed_booklet):
    """The seed's pages do not fill their last sheet: pages to write on do, before the back cover, so no half
    of any sheet is blank; the about box is the back cover, on the outside of the fold."""
    doc, target, warnings = seed_booklet
    assert warnings == []
    pages = PdfReader(unimposed_path(target, "a4"))
    n = len(pages.pages)
    write_in = [i for i, page in enumerate(pages.pages) if "Questions for my care team" in page.extract_text()
                or page.extract_text().split("\n")[0:2].count("Notes")]
    assert write_in, "the seed must need padding for this test to mean anything"
    assert write_in == list(range(n - 1 - len(write_in), n - 1))  # together, right before the back cover
    assert n % 4 == 0
    sheets = PdfReader(target)
    assert len(sheets.pages) == n // 2
    for side in sheets.pages:
        assert (round(float(side.mediabox.width), 2), round(float(side.mediabox.height), 2)) == A4_LANDSCAPE
    sides = footers(target)
    assert sides == folded_order(n)
    assert None not in [page for side in sides for page in side]
    with pdfplumber.open(target) as pdf:
        outer = pdf.pages[0]
        assert "About this information" in outer.within_bbox((0, 0, outer.width / 2, outer.height)).extract_text()
        assert doc.title.split()[0] in outer.within_bbox((outer.width / 2, 0, outer.width, outer.height)).extract_text()


@pytest.mark.slow
def test_seed_booklet_print_file_says_it_is_untagged(seed_booklet):
    doc, target, _ = seed_booklet
    sheets = PdfReader(target)
    root = sheets.trailer["/Root"]
    assert "/StructTreeRoot" not in root
    assert root["/Lang"] == doc.lang
    assert sheets.metadata.title == doc.title
    assert "untagged" in sheets.metadata.subject and unimposed_path(target, "a4").name in sheets.metadata.subject


@pytest.mark.slow
def test_seed_booklet_pages_are_tagged_a5(seed_booklet):
    doc, target, _ = seed_booklet
    pages_pdf = unimposed_path(target, "a4")
    assert pages_pdf.name == f"{PMN}.booklet-a5.pdf"
    reader = PdfReader(pages_pdf)
    for page in reader.pages:
        assert (round(float(page.mediabox.width), 2), round(float(page.mediabox.height), 2)) == A5
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"]
    assert b"pdfuaid" in root["/Metadata"].get_object().get_data()
    assert root["/Lang"] == doc.lang
    check_navigation(pages_pdf, doc)


@pytest.mark.slow
def test_seed_booklet_type_sizes_and_line_length(seed_booklet):
    """Clear Print on A5: body 12 pt (only the citation markers are smaller) and full lines of about 60
    characters, neither cramped nor too long."""
    _, target, _ = seed_booklet
    sizes, lengths = {}, []
    with pdfplumber.open(unimposed_path(target, "a4")) as pdf:
        for page in pdf.pages:
            for char in page.chars:
                sizes.setdefault(round(char["size"], 1), []).append(char["text"])
            lengths += [len(line["text"]) for line in page.extract_text_lines()
                        if {round(c["size"], 1) for c in line["chars"]} == {12.0} and "..." not in line["text"]]
    assert max(sizes, key=lambda size: len(sizes[size])) == 12.0
    assert {char for size, chars in sizes.items() if size < 12 for char in chars} <= set("[]0123456789")
    lengths.sort()
    longest = lengths[int(len(lengths) * 0.9):]  # the full lines of paragraphs
    assert 55 <= min(longest) and max(longest) <= 70, longest


@pytest.mark.slow
def test_right_to_left_booklet_is_bound_on_the_right(tmp_path):
    target = tmp_path / "paracetamol.booklet.pdf"
    assert WRITERS["pdf"](sample_document("ar"), target, "booklet", paper="a4").warnings == []
    n = len(PdfReader(unimposed_path(target, "a4")).pages)
    assert footers(target) == folded_order(n, rtl=True)


@pytest.mark.slow
def test_letter_booklet_is_half_letter_on_us_letter(tmp_path):
    target = tmp_path / "paracetamol.booklet.pdf"
    assert WRITERS["pdf"](sample_document(), target, "booklet", paper="letter").warnings == []
    pages_pdf = unimposed_path(target, "letter")
    assert pages_pdf.name == "paracetamol.booklet-half-letter.pdf"
    pages = PdfReader(pages_pdf).pages
    assert {(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in pages} == {(396, 612)}
    sheets = PdfReader(target).pages
    assert {(round(float(s.mediabox.width)), round(float(s.mediabox.height))) for s in sheets} == {(792, 612)}
    assert footers(target) == folded_order(len(pages))
