"""Saddle-stitch imposition: the pages of a folded booklet placed two-up on landscape sheets (pypdf).

Print the sheets double-sided (flip on the short edge), stack them in order, fold the stack in half and staple
the fold: each sheet carries four pages, the outermost one the first two and the last two.  The page count is
padded with blank pages to a multiple of four; the blanks go before the last page, so that a back cover stays
on the outside (or at the end, for a booklet without one).  Right-to-left booklets are bound on the right: every
side has its two slots swapped.

Each source page becomes a Form XObject drawn on its sheet with one `cm … Do`, without parsing its content
stream (measured about 15 times faster than pypdf's merge_transformed_page, which parses every page).  The result keeps no tags, structure or
links: it is a print artefact only, next to the tagged pages it was made from.
"""
from __future__ import annotations

from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, FloatObject, NameObject

MM = 72 / 25.4
# Landscape sheets in points, by paper name: two A5 pages on A4, two half-letter pages on US Letter.
SHEETS_PT = {"a4": (297 * MM, 210 * MM), "letter": (11 * 72.0, 8.5 * 72.0)}

PAGES_PER_SHEET = 4  # two on each side of a folded sheet
Side = tuple[int | None, int | None]  # (left, right): 0-based page numbers, None for a blank slot


def saddle_stitch_order(n_pages: int, *, rtl: bool = False, keep_back_cover: bool = True) -> list[Side]:
    """The sides of the sheets in print order (front then back of sheet 1, then sheet 2…), each as
    (left, right) page numbers.  `keep_back_cover` puts the blank padding before the last page instead of
    after it (a one-page document has no back cover to keep)."""
    if n_pages < 1:
        raise ValueError(f"a booklet needs at least one page, not {n_pages}")
    total = -(-n_pages // PAGES_PER_SHEET) * PAGES_PER_SHEET
    padding: list[int | None] = [None] * (total - n_pages)
    pages: list[int | None] = list(range(n_pages))
    if keep_back_cover and n_pages > 1:
        pages = pages[:-1] + padding + pages[-1:]
    else:
        pages = pages + padding
    sides: list[Side] = []
    for sheet in range(total // PAGES_PER_SHEET):
        sides.append((pages[total - 1 - 2 * sheet], pages[2 * sheet]))  # front
        sides.append((pages[2 * sheet + 1], pages[total - 2 - 2 * sheet]))  # back
    return [(right, left) for left, right in sides] if rtl else sides


def impose(reader: PdfReader, sheet: tuple[float, float], *, rtl: bool = False,
           keep_back_cover: bool = True) -> PdfWriter:
    """A new PDF of `sheet`-sized sides (width, height in points) with the pages of `reader` in saddle-stitch
    order, each centred in its half of the sheet (scaled down only if it is larger).  The writer asks the print
    dialog for short-edge duplex at actual size: fitting to the printable area would shrink every page."""
    writer = PdfWriter()
    width, height = sheet
    half = width / 2
    forms = [_page_as_form(writer, page) for page in reader.pages]
    for slots in saddle_stitch_order(len(forms), rtl=rtl, keep_back_cover=keep_back_cover):
        side = writer.add_blank_page(width=width, height=height)
        xobjects, operators = DictionaryObject(), []
        for slot, index in enumerate(slots):
            if index is None:
                continue
            form, box = forms[index]
            scale = min(1.0, half / float(box.width), height / float(box.height))
            x = slot * half + (half - float(box.width) * scale) / 2 - float(box.left) * scale
            y = (height - float(box.height) * scale) / 2 - float(box.bottom) * scale
            xobjects[NameObject(f"/P{slot}")] = form
            operators.append(f"q {scale:.6f} 0 0 {scale:.6f} {x:.4f} {y:.4f} cm /P{slot} Do Q")
        side[NameObject("/Resources")] = DictionaryObject({NameObject("/XObject"): xobjects})
        content = DecodedStreamObject()
        content.set_data("\n".join(operators).encode("ascii"))
        side.replace_contents(content.flate_encode())
    preferences = writer.create_viewer_preferences()
    preferences.duplex = NameObject("/DuplexFlipShortEdge")
    preferences.print_scaling = NameObject("/None")
    return writer


def _page_as_form(writer: PdfWriter, page):
    """The page's content and resources as a Form XObject in `writer`; returns its reference and the page box.
    Cloning the resources into one writer shares the fonts between all the forms."""
    contents = page.get("/Contents")
    parts = [] if contents is None else contents.get_object()
    parts = parts if isinstance(parts, list) else [parts]
    form = DecodedStreamObject()
    form.set_data(b"\n".join(part.get_object().get_data() for part in parts))
    box = page.mediabox
    form.update({
        NameObject("/Type"): NameObject("/XObject"),
        NameObject("/Subtype"): NameObject("/Form"),
        NameObject("/BBox"): ArrayObject(FloatObject(v) for v in (box.left, box.bottom, box.right, box.top)),
        NameObject("/Resources"): page["/Resources"].clone(writer),
    })
    if "/Group" in page:  # a transparency group must stay with the content it blends
        form[NameObject("/Group")] = page["/Group"].clone(writer)
    # pypdf has no public call that makes a stream an indirect object; tests/test_booklet.py checks this one.
    return writer._add_object(form.flate_encode()), box
