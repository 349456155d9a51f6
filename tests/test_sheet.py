"""The one-page "When to see a doctor" sheet: content, fit rule, QR code, clinic panel, Clear Print, checked on
the real PDFs (pypdf for text and pages, pdfplumber for type sizes, colours and the drawn QR code)."""
from __future__ import annotations

import base64
import re
from collections import Counter
from pathlib import Path

import pdfplumber
import pytest
import segno
from hypothesis import given, settings, strategies as st
import tinyhtml5
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject

from conftest import PMN, REPO, TREATMENT, cldr_long_date
from pipeline.config import load_clinic
from pipeline.errors import BookletError
from pipeline.model import Attribution, Citation, Document, ListBlock, ListItem, Meta, Paragraph, Review, Section
from pipeline.render import ABOUT_ID
from pipeline.render.fit import Overflowing, body_sizes, described, fit_to_pages, overflowing
from pipeline.render.html import long_date, render_html
from pipeline.render.images import image_data_uri
from pipeline.render.layouts import Fit, Manifest, load_manifest
from pipeline.render.pdf import AssetFetcher, BlockedURL, render, save, write_pdf
from test_cli import booklet

CLINIC_FILE = REPO / "examples" / "clinic.toml"
GUIDE_URL = f"https://handouts.example.org/en/{PMN}.guide.pdf"
PAPER_POINTS = {"a4": (595, 842), "letter": (612, 792)}
WRITE_IN_LABELS = ["Clinic or doctor:", "Phone:", "Emergency number:"]
WARNING_TITLE = "Warning: get medical advice quickly"
SVG_NS = "{http://www.w3.org/2000/svg}"
# A clinician's review as meta.toml [review] records it (the reviewer's name is long on purpose: it must wrap).
REVIEW = Review(last_reviewed="2026-03-03", next_review_due="2029-03-03",
                reviewed_by="Dr Amelia Hartington-Lewis, consultant neurologist")


def short_document() -> Document:
    """A document well within one page: it must keep the full 14 pt body size."""
    return Document(
        id="headache", lang="en-GB", title="Headaches in adults",
        meta=Meta(last_updated="2024-03-01", disclaimer="This sheet does not replace advice from your doctor.",
                  attribution=Attribution(publisher="Example Health Service")),
        sections=[
            Section("when-to-get-help", "When to get help", 1, role="see-doctor", blocks=[
                Paragraph("Get help straight away if a headache starts suddenly and is very painful.", citations=[1]),
            ]),
            Section("symptoms", "Symptoms", 1, role="symptoms", blocks=[
                Paragraph("Headaches can feel different from one day to the next."),
                ListBlock(items=[
                    ListItem("a throbbing pain on one side.", term="Migraine"),
                    ListItem("A tight band around the head."),  # no term: the sheet shows its text
                ]),
                ListBlock(items=[ListItem(f"description {n}.", term=f"Sign {n}") for n in range(3, 10)]),
            ]),
            Section("do", "Do", 1, role="do", blocks=[ListBlock(items=[
                ListItem("Drink plenty of water.", citations=[1]), ListItem("Rest in a quiet, dark room.")])]),
            Section("avoid", "Don't", 1, role="avoid", blocks=[ListBlock(items=[
                ListItem("Skip meals."), ListItem("Take painkillers on more than 15 days a month.")])]),
        ],
        citations=[Citation(1, "nhs.uk", "NHS", "https://www.nhs.uk/conditions/headaches/")],
    )


def flat_text(pdf: Path) -> str:
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in PdfReader(pdf).pages))


def squeezed(text: str) -> str:
    """Without any whitespace: a line may break after a dash, where the source has no space."""
    return re.sub(r"\s+", "", text)


def parse_html(html: str):
    return tinyhtml5.parse(html, namespace_html_elements=False)


def items_of(doc: Document, role: str) -> list[ListItem]:
    return [item for s in doc.sections_with_role(role) for b in s.blocks if isinstance(b, ListBlock)
            for item in b.items]


def contrast(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    """WCAG 2 contrast ratio of two sRGB colours given as 0..1 components."""
    def luminance(rgb):
        r, g, blue = ((c / 12.92) if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb)
        return 0.2126 * r + 0.7152 * g + 0.0722 * blue
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


# --- pure parts ---------------------------------------------------------------------------------------------

def test_body_sizes_step_down_to_the_floor_and_never_below():
    manifest = load_manifest("sheet")
    assert body_sizes(manifest) == [14, 13.5, 13, 12.5, 12]
    odd_step = Manifest(description="x", body_pt=14, min_body_pt=12, fit=Fit(pages=1, step_pt=0.75))
    assert body_sizes(odd_step) == [14, 13.25, 12.5, 12]


def test_manifest_of_the_sheet():
    manifest = load_manifest("sheet")
    assert manifest.requires_roles == ["see-doctor", "symptoms", "do", "avoid"]
    assert (manifest.fit.pages, manifest.body_pt, manifest.min_body_pt) == (1, 14, 12)
    assert manifest.options["symptoms"] == 6


def test_html_shows_the_roles_without_citation_markers():
    doc = short_document()
    root = parse_html(render_html(doc, "sheet"))
    by_id = {e.get("id"): e for e in root.iter() if e.get("id")}
    assert root.findall(".//sup") == []  # no Sources list on the sheet to point to
    warning = "".join(by_id["sheet-warning"].itertext())
    assert WARNING_TITLE in warning and "starts suddenly and is very painful" in warning
    count = load_manifest("sheet").options["symptoms"]
    shown = ["".join(li.itertext()) for li in by_id["sheet-symptoms"].iter("li")]
    expected = [item.term or item.text for item in items_of(doc, "symptoms")][:count]
    assert shown == expected and "A tight band around the head." in shown and len(shown) == count
    for role in ("do", "avoid"):
        column = "".join(by_id[f"sheet-{role}"].itertext())
        assert doc.sections_with_role(role)[0].title in column
        assert all(item.text in column for item in items_of(doc, role))


def test_html_clinic_panel_or_lines_to_write_on():
    clinic = load_clinic(CLINIC_FILE)
    filled = parse_html(render_html(short_document(), "sheet", clinic=clinic))
    panel = " ".join("".join(filled.find(".//section[@id='sheet-clinic']").itertext()).split())
    for value in (clinic.name, clinic.phone, clinic.address, clinic.hours, clinic.website):
        assert value in panel
    assert not any(label in panel for label in ("Clinic or doctor:", "Emergency number:"))
    emergency = "".join(filled.find(".//p[@class='emergency']").itertext())
    assert emergency == f"In an emergency, call {clinic.emergency_phone}"

    empty = parse_html(render_html(short_document(), "sheet"))
    lines = [p.text for p in empty.iter("p") if p.get("class") == "write-in"]
    assert lines == WRITE_IN_LABELS
    assert empty.find(".//p[@class='emergency']") is None  # no number without a clinic file: never invented


def test_html_qr_code_is_inline_svg_with_a_name_only_when_a_guide_url_is_given():
    root = parse_html(render_html(short_document(), "sheet", guide_url=GUIDE_URL + "?a=1&b=2"))
    svg = root.find(f".//{SVG_NS}svg")
    assert svg is not None and root.find(".//img") is None
    assert svg.find(f"{SVG_NS}title").text == f"QR code linking to the full guide: {GUIDE_URL}?a=1&b=2"
    assert svg.find(f"{SVG_NS}path") is not None
    assert parse_html(render_html(short_document(), "sheet")).find(f".//{SVG_NS}svg") is None


def test_html_long_disclaimer_is_left_to_the_full_guide():
    doc = short_document()
    words = load_manifest("sheet").options["disclaimer_words"]
    shown = "".join(parse_html(render_html(doc, "sheet")).find(".//section[@id='sheet-about']").itertext())
    assert doc.meta.disclaimer in shown
    doc.meta.disclaimer = " ".join(["Long"] * (words + 1))
    shown = "".join(parse_html(render_html(doc, "sheet")).find(".//section[@id='sheet-about']").itertext())
    assert "Long Long" not in shown and "the full disclaimer is in the full guide" in shown


def about_text(html: str, prefix: str = "sheet") -> tuple[str, dict[str, str]]:
    """The about line's text (whitespace folded) and its dates: {datetime attribute: text} of each <time>."""
    about = parse_html(html).find(f".//section[@id='{prefix}-about']")
    return " ".join("".join(about.itertext()).split()), {t.get("datetime"): t.text for t in about.iter("time")}


def test_html_prints_the_clinical_review_or_says_there_is_none():
    """Reviewed: who, when, and when the next review is due, each date a <time> as the about box formats it.
    Never reviewed: a phrase saying so, and no due date (there is none to give)."""
    doc = short_document()
    text, dates = about_text(render_html(doc, "sheet"))
    assert f"Last updated: {long_date('2024-03-01', doc.lang)}. Clinical review: not yet reviewed by a clinician." in text
    assert "Next review due" not in text and list(dates) == ["2024-03-01"]

    doc.meta.review = REVIEW
    text, dates = about_text(render_html(doc, "sheet"))
    reviewed, due = long_date(REVIEW.last_reviewed, doc.lang), long_date(REVIEW.next_review_due, doc.lang)
    assert f"Clinical review: {REVIEW.reviewed_by}, {reviewed}. Next review due: {due}." in text
    assert "not yet reviewed" not in text
    assert dates == {"2024-03-01": long_date("2024-03-01", doc.lang), REVIEW.last_reviewed: reviewed,
                     REVIEW.next_review_due: due}

    doc.meta.review = Review(next_review_due="2026-01-31")  # a first review is due; none done yet
    text, dates = about_text(render_html(doc, "sheet"))
    assert (f"Clinical review: not yet reviewed by a clinician. Next review due: {long_date('2026-01-31', doc.lang)}."
            in text)


def test_html_arabic_sheet_isolates_the_reviewer_and_translates_the_labels():
    """In a right-to-left sheet the reviewer's Latin name is a left-to-right run of its own, and the labels come
    from the catalog."""
    from pipeline.build import edition

    source = load_seed()
    source.meta.review = REVIEW
    ed = edition(source, "ar", REPO / "translations")
    html = render_html(ed.document, "sheet", labels=ed.labels, translation=ed.translation)
    about = parse_html(html).find(".//section[@id='sheet-about']")
    assert [s.text for s in about.iter("span") if s.get("dir") == "ltr" and s.text == REVIEW.reviewed_by]
    text, dates = about_text(html)
    for label in ("Clinical review:", "Next review due:"):
        assert ed.labels.gettext(label) != label and ed.labels.gettext(label) in text
    assert dates[REVIEW.next_review_due] == long_date(REVIEW.next_review_due, ed.document.lang)

    # the guide's cover and about box print the same line through the same macro: the <time> holds the date only
    guide = parse_html(render_html(ed.document, "guide", labels=ed.labels, translation=ed.translation))
    for where in (".//header[@class='cover']", f".//section[@id='{ABOUT_ID}']"):
        found = guide.find(where)
        assert [s for s in found.iter("span") if s.get("dir") == "ltr" and s.text == REVIEW.reviewed_by], where
        times = {t.get("datetime"): t.text for t in found.iter("time")}
        assert times[REVIEW.last_reviewed] == long_date(REVIEW.last_reviewed, ed.document.lang), where


def test_html_refuses_a_document_without_the_roles():
    doc = short_document()
    doc.sections[3].role = None
    with pytest.raises(BookletError, match="sheet needs sections with roles avoid"):
        render_html(doc, "sheet")


def test_logo_becomes_a_data_uri_only_for_real_images(tmp_path):
    svg = tmp_path / "logo.svg"
    svg.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><rect width="40" height="20"/>'
                   '</svg>', encoding="utf-8")
    assert image_data_uri(svg).startswith("data:image/svg+xml;base64,")
    fake = tmp_path / "logo.png"
    fake.write_text("not a picture", encoding="utf-8")
    with pytest.raises(BookletError, match="logo refused: not a PNG image"):
        image_data_uri(fake)


def test_fetcher_serves_only_the_data_uris_it_was_given(tmp_path):
    svg = tmp_path / "logo.svg"
    svg.write_bytes(b'<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>')
    logo = image_data_uri(svg)
    response = AssetFetcher(images={logo}).fetch(logo)
    assert response.read() == svg.read_bytes() and response.content_type == "image/svg+xml"
    for other in (logo.replace("base64,", "base64,AA"), "data:image/svg+xml;base64,PHN2Zy8+"):
        with pytest.raises(BlockedURL):
            AssetFetcher(images={logo}).fetch(other)


# --- the PDFs -----------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def sheets(loaded_seeds, tmp_path_factory):
    """Seed 000's sheet on both papers, with and without the example clinic file; the document as a build loads
    it, with the project's disclaimer (the text's own is website copy, dropped by the normaliser)."""
    from pipeline.project import Project

    out = tmp_path_factory.mktemp("sheets")
    doc = Project(REPO).load(PMN).document
    clinic = load_clinic(CLINIC_FILE)
    built = {}
    for paper in PAPER_POINTS:
        for with_clinic in (False, True):
            target = out / f"{paper}-{'clinic' if with_clinic else 'blank'}.pdf"
            warnings = write_pdf(doc, target, "sheet", paper, clinic=clinic if with_clinic else None,
                                 guide_url=GUIDE_URL)
            assert warnings == []
            built[paper, with_clinic] = target
    return doc, clinic, built


@pytest.mark.slow
def test_sheet_is_exactly_one_page_on_both_papers(sheets):
    _, _, built = sheets
    for (paper, _), pdf in built.items():
        pages = PdfReader(pdf).pages
        assert len(pages) == 1, pdf.name
        assert (round(pages[0].mediabox.width), round(pages[0].mediabox.height)) == PAPER_POINTS[paper]


@pytest.mark.slow
def test_sheet_shows_what_it_must(sheets):
    doc, clinic, built = sheets
    count = load_manifest("sheet").options["symptoms"]
    symptoms = items_of(doc, "symptoms")
    for (paper, with_clinic), pdf in built.items():
        text = flat_text(pdf)
        assert doc.title in text and WARNING_TITLE in text
        see_doctor = doc.sections_with_role("see-doctor")[0].blocks[0].text
        assert squeezed(see_doctor) in squeezed(text)
        assert "[12]" not in text  # the paragraph's citation marker is not printed
        for item in symptoms[:count]:
            assert item.term in text, item.term
        assert symptoms[count].term not in text  # only the first N
        for item in items_of(doc, "do") + items_of(doc, "avoid"):
            assert squeezed(item.text) in squeezed(text), (pdf.name, item.text)
        assert "Source: RxHarun" in text and f"Last updated: {cldr_long_date('2025-07-03', 'en')}" in text
        # the project's disclaimer (the text's own is website copy) is left to the full guide, with a sentence
        # saying so; no website copy reaches a patient
        assert "the full disclaimer is in the full guide" in text and "bookmark" not in text.lower()
        if with_clinic:
            assert clinic.name in text and f"Phone: {clinic.phone}" in text
            assert f"In an emergency, call {clinic.emergency_phone}" in text
            assert not any(label in text for label in ("Clinic or doctor:", "Emergency number:"))
        else:
            assert all(label in text for label in WRITE_IN_LABELS)
            assert clinic.name not in text and clinic.phone not in text


def drawn_qr_modules(pdf: Path) -> set[tuple[int, int]]:
    """(row, column) of every dark module of the QR code as drawn in the PDF: segno draws each row's dark
    runs as horizontal strokes one module thick, through the middle of the row."""
    with pdfplumber.open(pdf) as document:
        lines = document.pages[0].lines
    module = Counter(round(line["linewidth"], 2) for line in lines).most_common(1)[0][0]
    runs = [line for line in lines if round(line["linewidth"], 2) == module]
    left, top = min(run["x0"] for run in runs), min(run["top"] for run in runs)
    dark = set()
    for run in runs:
        row = round((run["top"] - top) / module)
        first, last = round((run["x0"] - left) / module), round((run["x1"] - left) / module)
        dark.update((row, column) for column in range(first, last))
    return dark


def has_image_xobject(resources) -> bool:
    xobjects = resources.get("/XObject", {}) if resources else {}
    for ref in xobjects.values():
        xobject = ref.get_object()
        if xobject["/Subtype"] == "/Image" or has_image_xobject(xobject.get("/Resources")):
            return True
    return False


@pytest.mark.slow
def test_sheet_qr_code_is_vector_and_encodes_the_guide_url(sheets):
    _, _, built = sheets
    expected = {(r, c) for r, row in enumerate(segno.make_qr(GUIDE_URL, error="m").matrix)
                for c, dark in enumerate(row) if dark}
    for pdf in built.values():
        page = PdfReader(pdf).pages[0]
        assert not has_image_xobject(page.get("/Resources"))
        assert drawn_qr_modules(pdf) == expected, pdf.name
    other = {(r, c) for r, row in enumerate(segno.make_qr(GUIDE_URL + "x", error="m").matrix)
             for c, dark in enumerate(row) if dark}
    assert other != expected  # the comparison can tell two addresses apart


def figure_alt_texts(pdf: Path) -> list[str]:
    """The /Alt of every Figure in the PDF's structure tree (PDF/UA: pictures need one)."""
    alts, stack = [], [PdfReader(pdf).trailer["/Root"]["/StructTreeRoot"]]
    while stack:
        node = stack.pop().get_object()
        if isinstance(node, ArrayObject):
            stack.extend(node)
        elif isinstance(node, DictionaryObject):
            if node.get("/S") == "/Figure":
                alts.append(str(node["/Alt"]))
            if "/K" in node:
                stack.append(node["/K"])
    return alts


@pytest.mark.slow
def test_sheet_qr_code_has_alt_text_in_the_tagged_pdf(sheets):
    _, _, built = sheets
    for pdf in built.values():
        assert figure_alt_texts(pdf) == [f"QR code linking to the full guide: {GUIDE_URL}"]


@pytest.mark.slow
def test_sheet_type_is_never_under_12pt_and_text_is_dark_on_white(sheets):
    """Every glyph: at least 12 pt; its colour at least 4.5:1 against what is really behind it, which must be
    the white page (no text over tints), measured on the page rendered at 144 dpi."""
    _, _, built = sheets
    for pdf in built.values():
        with pdfplumber.open(pdf) as document:
            page = document.pages[0]
            chars = [ch for ch in page.chars if ch["text"].strip()]
            image = page.to_image(resolution=144).original.convert("RGB")
        scale = 144 / 72
        assert min(ch["size"] for ch in chars) >= 12 - 1e-6, pdf.name
        for ch in chars:
            # A glyph inks well under half of its em box: the commonest colour there is what lies behind it.
            box = [round(ch[key] * scale) for key in ("x0", "top", "x1", "bottom")]
            background = max(image.crop(box).getcolors(maxcolors=1 << 16))[1]
            assert background == (255, 255, 255), (pdf.name, ch["text"], background)
            colour = ch["non_stroking_color"]
            rgb = tuple(colour) * 3 if len(colour) == 1 else tuple(colour)
            assert contrast(rgb, (1, 1, 1)) >= 4.5, (pdf.name, ch["text"], colour)


@pytest.mark.slow
class _Laid:
    """A stand-in for a WeasyPrint rendering: only its number of pages counts to the fit rule."""

    def __init__(self, pages: int):
        self.document = type("Document", (), {"pages": [None] * pages})()


@settings(max_examples=200, deadline=None)
@given(first_fit=st.integers(0, 8), hint=st.one_of(st.none(), st.sampled_from(
    body_sizes(Manifest(description="x", body_pt=14, min_body_pt=12, fit=Fit(pages=1, step_pt=0.25))))))
def test_the_fit_rule_finds_the_largest_size_that_fits_from_any_hint(first_fit, hint):
    """Whatever size fitted last time, the same size is chosen as trying every size from the top would choose,
    and a right hint costs two layouts, no hint one when the largest size fits.  (When nothing fits, the error
    is test_sheet_that_cannot_fit_fails_naming_what_overflows's.)"""
    manifest = Manifest(description="x", body_pt=14, min_body_pt=12, fit=Fit(pages=1, step_pt=0.25))
    sizes = body_sizes(manifest)
    laid: list[float] = []

    def render_at(size: float) -> _Laid:
        laid.append(size)
        return _Laid(1 if sizes.index(size) >= first_fit else 2)

    rendering, size = fit_to_pages(render_at, manifest, "doc", "the sheet", hint)
    assert size == sizes[first_fit] and len(rendering.document.pages) == 1
    assert len(laid) == len(set(laid)) <= 1 + len(sizes).bit_length()  # never the same size twice; by halves
    if hint == sizes[first_fit]:
        assert len(laid) == (1 if first_fit == 0 else 2)
    if hint is None and first_fit == 0:
        assert laid == [sizes[0]]


def test_sheet_keeps_14pt_when_the_content_fits(tmp_path):
    target = tmp_path / "short.pdf"
    assert write_pdf(short_document(), target, "sheet") == []
    with pdfplumber.open(target) as document:
        sizes = Counter(round(ch["size"], 1) for ch in document.pages[0].chars if ch["text"].strip())
    assert len(PdfReader(target).pages) == 1
    assert sizes.most_common(1)[0][0] == 14  # the body, at the manifest's size


@pytest.mark.slow
def test_sheet_that_cannot_fit_fails_naming_what_overflows(tmp_path):
    doc = short_document()
    doc.sections[0].blocks = [Paragraph(" ".join(f"sign{n}" for n in range(900)))]
    target = tmp_path / "long.pdf"
    with pytest.raises(BookletError) as error:
        write_pdf(doc, target, "sheet", "letter")
    message = str(error.value)
    assert message.startswith("headache: the sheet layout on LETTER paper does not fit on 1 page even at 12 pt")
    assert re.search(rf'section "{WARNING_TITLE}" \(from "sign\d+ sign\d+ .*"\) runs onto page 2 of \d', message), message
    assert "\n" not in message
    assert list(tmp_path.iterdir()) == []


def test_overflow_names_a_picture_by_its_alt_text(tmp_path):
    (tmp_path / "dot.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>')
    html = ('<!DOCTYPE html><html lang="en"><title>t</title><section><h2>Contact</h2>'
            '<div style="height: 240mm"></div><img src="dot.svg" alt="Logo of the clinic"></section></html>')
    rendering = render(html, tmp_path / "x.pdf", folders=[tmp_path], base=tmp_path.as_uri() + "/")
    assert described(overflowing(rendering, 1)) == 'section "Contact" (from "Logo of the clinic")'


def test_overflow_quotes_the_unit_not_its_bullet(tmp_path):
    """A list item that starts the next page is quoted whole, from its first word, not by its marker; a
    paragraph that runs on from the page before is quoted from its start, so a translator finds it."""
    items = "".join(f"<li>Item number {n} of the list, which a translator shortens</li>" for n in range(60))
    html = ('<!DOCTYPE html><html lang="en"><title>t</title><section><h2>Symptoms</h2>'
            f'<div style="height: 200mm"></div><ul>{items}</ul></section></html>')
    found = overflowing(render(html, tmp_path / "x.pdf"), 1)
    assert found.section == "Symptoms"
    assert re.fullmatch(r"Item number \d+ of the list, which a translator shortens", found.text), found
    long = " ".join(f"word{n}" for n in range(700))
    html = f'<!DOCTYPE html><html lang="en"><title>t</title><section><h2>Warning</h2><p>{long}</p></section></html>'
    assert overflowing(render(html, tmp_path / "y.pdf"), 1) == Overflowing(long, "Warning")


@pytest.mark.slow
@pytest.mark.parametrize("logo_name", ["logo.svg", "logo.png"])
def test_sheet_with_a_logo(tmp_path, logo_name):
    logo = tmp_path / logo_name
    code = segno.make_qr("logo")  # any small picture will do; segno writes both formats
    code.save(logo, scale=2)
    (tmp_path / "clinic.toml").write_text(f'name = "Clinic"\nphone = "555-0100"\nlogo = "{logo_name}"\n',
                                          encoding="utf-8")
    clinic = load_clinic(tmp_path / "clinic.toml")
    target = tmp_path / "sheet.pdf"
    assert write_pdf(short_document(), target, "sheet", clinic=clinic) == []
    with pdfplumber.open(target) as document:
        drawn = document.pages[0].images if logo_name.endswith(".png") else document.pages[0].lines
    assert drawn  # the logo is on the page
    assert figure_alt_texts(target) == ["Logo of Clinic"]


@pytest.mark.slow
def test_svg_logo_cannot_fetch_anything_else(tmp_path):
    """Two locks: a clinic's SVG logo that refers to anything outside itself is refused when the clinic file
    is read; and were such an SVG to reach the renderer, what it points at is fetched like any URL and refused
    outside the layouts (this one is a valid SVG: only the refusal can fail the build)."""
    (tmp_path / "dot.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>')
    logo = ('<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="9" height="9">'
            f'<image xlink:href="{(tmp_path / "dot.svg").as_uri()}" width="9" height="9"/></svg>')
    (tmp_path / "logo.svg").write_text(logo, encoding="utf-8")
    (tmp_path / "clinic.toml").write_text('name = "C"\nphone = "555-0100"\nlogo = "logo.svg"\n', encoding="utf-8")
    with pytest.raises(BookletError, match="may refer to nothing outside itself"):
        load_clinic(tmp_path / "clinic.toml")
    uri = "data:image/svg+xml;base64," + base64.b64encode(logo.encode()).decode("ascii")
    html = f'<!DOCTYPE html><html lang="en"><title>t</title><img src="{uri}" alt="Logo of C"><p>x</p></html>'
    with pytest.raises(BookletError, match=r"Failed to render SVG image data:image/svg\+xml;base64,…$"):
        save(render(html, tmp_path / "sheet.pdf", images={uri}), tmp_path / "sheet.pdf")
    assert not (tmp_path / "sheet.pdf").exists()


@pytest.mark.slow
def test_cli_builds_the_sheet_and_skips_a_document_without_the_roles(tmp_path):
    """Through `booklet build`: the clinic file and web_base reach the sheet; seed 004 has no see-doctor,
    symptoms, do or avoid section, so it is skipped with a one-line note and the build succeeds."""
    config = tmp_path / "booklet.toml"
    config.write_text(f'sources = "{REPO / "sources"}"\nweb_base = "https://handouts.example.org/"\n',
                      encoding="utf-8")
    result = booklet("build", "--layout", "sheet", "--format", "pdf", "--paper", "letter",
                     "--clinic", str(CLINIC_FILE), "--out", str(tmp_path / "out"), config=config)
    assert result.returncode == 0, result.stderr
    notes = [line for line in result.stderr.splitlines() if line.endswith("; skipped")]
    assert notes == [f"{TREATMENT}: sheet needs sections with roles see-doctor, symptoms, do, avoid; skipped"]
    assert not (tmp_path / "out" / "en" / f"{TREATMENT}.sheet.pdf").exists()
    sheet = tmp_path / "out" / "en" / f"{PMN}.sheet.pdf"
    assert len(PdfReader(sheet).pages) == 1
    assert load_clinic(CLINIC_FILE).name in flat_text(sheet)
    expected = {(r, c) for r, row in enumerate(segno.make_qr(GUIDE_URL, error="m").matrix)
                for c, dark in enumerate(row) if dark}
    assert drawn_qr_modules(sheet) == expected


# --- what the condition is: one sentence of the overview under the title ---------------------------------------

@pytest.mark.parametrize("text, first", [
    ("Migraine is a headache. It comes back.", "Migraine is a headache."),
    ("Steroids (e.g. prednisolone) help. Ask first.", "Steroids (e.g. prednisolone) help."),
    ("Dr. Lee treats it. Ask her.", "Dr. Lee treats it."),
    ("It starts approx. two days later. Then it fades.", "It starts approx. two days later."),
    ("Is it rare? Yes.", "Is it rare?"),
    ("الصداع شائع. يعود أحيانا.", "الصداع شائع."),
    ("One sentence without a stop", "One sentence without a stop"),
])
def test_first_sentence_stops_at_the_first_sentence_end(text, first):
    from pipeline.render.html import first_sentence

    assert first_sentence(text) == first


def test_the_overview_is_the_overview_section_else_the_introduction():
    from pipeline.i18n.units import overview

    doc = short_document()
    assert overview(doc) is None  # neither: no sentence
    doc.blocks = [ListBlock(items=[ListItem("a list first")]), Paragraph("Headaches are common. Most are harmless.")]
    assert overview(doc) == ("intro.2", doc.blocks[1])
    doc.sections.insert(0, Section("about", "About headaches", 1, role="overview",
                                   blocks=[Paragraph("A headache is pain in the head. It has many causes.")]))
    assert overview(doc) == ("about.1", doc.sections[0].blocks[0])
    html = parse_html(render_html(doc, "sheet"))
    [sentence] = [p for p in html.iter("p") if "overview" in (p.get("class") or "")]
    assert sentence.text == "A headache is pain in the head."
    header = html.find(".//header")
    assert sentence in list(header)  # under the title, in the sheet's header


@pytest.fixture(scope="module")
def overview_sheets(tmp_path_factory) -> dict[str, Path]:
    """Seed 000's sheet through `booklet build` with the shipped catalogs, in English, Spanish and Arabic."""
    out = tmp_path_factory.mktemp("overview")
    result = booklet("build", "--doc", PMN, "--locale", "en", "--locale", "es", "--locale", "ar", "--layout", "sheet",
                     "--format", "pdf", "--out", str(out))
    assert result.returncode == 0, result.stderr
    return {locale: out / locale / f"{PMN}.sheet.pdf" for locale in ("en", "es", "ar")}


def arabic_words(text: str) -> list[str]:
    """Words with their letters in order, shaping undone (NFKC); Arabic comes out of the PDF in visual order, so
    each word is compared by its letters reversed too."""
    import unicodedata
    return re.findall(r"\w+", unicodedata.normalize("NFKC", text))


@pytest.mark.slow
@pytest.mark.parametrize("locale", ["en", "es", "ar"])
def test_sheet_says_what_the_condition_is_in_its_language(overview_sheets, locale):
    """The first sentence of the overview paragraph, as the edition's catalog translates it, on the page, and the
    English one not on a translated page."""
    import unicodedata
    from pipeline.build import edition
    from pipeline.i18n.units import overview

    source = load_seed()
    english = overview(source)[1].text.split(". ")[0] + "."
    ed = edition(source, locale, REPO / "translations")
    translated = overview(ed.document)
    assert "text" not in translated[1].langs  # the catalogs ship its translation
    sentence = translated[1].text.split(". ")[0] + "."
    pdf = overview_sheets[locale]
    text = flat_text(pdf)
    assert len(PdfReader(pdf).pages) == 1
    if locale == "ar":
        found = squeezed(unicodedata.normalize("NFKC", text))
        words = arabic_words(sentence)
        assert len(words) > 5 and all(w in found or w[::-1] in found for w in words), sentence
    else:
        assert squeezed(sentence) in squeezed(text)
    if locale != "en":
        assert squeezed(english) not in squeezed(text)


def printed(text: str, words: str) -> bool:
    """Whether the page's extracted `text` holds `words`: as a run (whitespace aside) in a left-to-right script;
    in Arabic, which comes out of the PDF in visual order, each word by itself, forwards or reversed."""
    import unicodedata
    found = squeezed(unicodedata.normalize("NFKC", text))
    if not re.search(r"[\u0600-\u06ff]", words):
        return squeezed(words) in found
    return all(w in found or w[::-1] in found for w in arabic_words(words))


def label(locale: str, message: str) -> str:
    from pipeline.build import edition

    return edition(load_seed(), locale, REPO / "translations").labels.gettext(message)


@pytest.mark.slow
@pytest.mark.parametrize("locale", ["en", "es", "ar"])
def test_an_unreviewed_sheet_says_so_in_its_language(overview_sheets, locale):
    """The shipped documents have no [review]: the sheet says that no clinician has reviewed it, and gives no
    due date."""
    text = flat_text(overview_sheets[locale])
    phrase = label(locale, "not yet reviewed by a clinician")
    assert printed(text, f'{label(locale, "Clinical review:")} {phrase}'), (locale, phrase)
    if locale != "ar":  # Arabic is compared word by word, and the label's words are on the page in other phrases
        assert not printed(text, label(locale, "Next review due:"))


@pytest.fixture(scope="module")
def reviewed_sheets(tmp_path_factory) -> dict[tuple[str, str, str], Path]:
    """Seed 000 with a clinician's review in its meta.toml (a copy of the project: the shipped documents have
    none), through `booklet build` with the shipped catalogs: the sheet in every locale of booklet.toml and the
    bilingual sheet in each translated one, on both papers."""
    import shutil
    import tomllib

    root = tmp_path_factory.mktemp("reviewed")
    shutil.copytree(REPO / "sources" / PMN, root / "sources" / PMN)
    shutil.copytree(REPO / "translations", root / "translations")
    meta = root / "sources" / PMN / "meta.toml"
    meta.write_text(meta.read_text(encoding="utf-8") + f"\n[review]\nlast_reviewed = {REVIEW.last_reviewed}\n"
                    f'next_review_due = {REVIEW.next_review_due}\nreviewed_by = "{REVIEW.reviewed_by}"\n',
                    encoding="utf-8")
    locales = tomllib.loads((REPO / "booklet.toml").read_text(encoding="utf-8"))["locales"]
    listed = ", ".join(f'"{locale}"' for locale in locales)
    (root / "booklet.toml").write_text(f'locales = [{listed}]\nlayouts = ["sheet", "sheet-bilingual"]\n'
                                       'formats = ["pdf"]\n', encoding="utf-8")
    built = {}
    for paper in PAPER_POINTS:
        result = booklet("build", "--paper", paper, "--out", f"out-{paper}", cwd=root)
        assert result.returncode == 0, result.stderr
        for locale in locales:
            for layout in ("sheet", "sheet-bilingual"):
                if not (layout == "sheet-bilingual" and locale == "en"):  # no bilingual sheet in the source language
                    built[locale, layout, paper] = root / f"out-{paper}" / locale / f"{PMN}.{layout}.pdf"
    return built


@pytest.mark.slow
def test_a_reviewed_sheet_prints_the_reviewer_and_both_dates_on_one_page(reviewed_sheets):
    """Every sheet of a reviewed document: one page, the reviewer, the date of the review and the date the next
    one is due, as the about box formats them in the sheet's language, and no "not yet reviewed"; the bilingual
    sheet prints them in both languages (its source column has its own line)."""
    assert {locale for locale, _, _ in reviewed_sheets} >= {"en", "es", "fr", "ar"}
    for (locale, layout, paper), pdf in reviewed_sheets.items():
        assert len(PdfReader(pdf).pages) == 1, pdf
        text = flat_text(pdf)
        for lang in {locale, "en"} if layout == "sheet-bilingual" else {locale}:
            assert printed(text, REVIEW.reviewed_by), (pdf, lang)
            for iso in (REVIEW.last_reviewed, REVIEW.next_review_due):
                assert printed(text, long_date(iso, lang)), (pdf, lang, long_date(iso, lang))
            assert printed(text, label(lang, "Next review due:")), (pdf, lang)
            if lang != "ar":  # word by word in Arabic: "doctor" and "not yet" are on the page in other phrases
                assert not printed(text, label(lang, "not yet reviewed by a clinician")), (pdf, lang)


def load_seed() -> Document:
    from pipeline.sources import load, resolve

    return load(resolve(PMN, REPO / "sources")).document


@pytest.mark.slow
def test_a_sheet_whose_overview_is_untranslated_is_held_back(tmp_path):
    """The publish gate counts the overview sentence: without its translation the Spanish sheet is not built, and
    the report names the unit."""
    import shutil
    from pipeline.i18n.catalogs import read_catalog, write_catalog
    from pipeline.i18n.units import overview

    shutil.copytree(REPO / "sources" / PMN, tmp_path / "sources" / PMN)
    shutil.copytree(REPO / "translations", tmp_path / "translations")
    (tmp_path / "booklet.toml").write_text('locales = ["es"]\nlayouts = ["sheet"]\nformats = ["pdf"]\n')
    unit_id, paragraph = overview(load_seed())
    po = tmp_path / "translations" / "es" / "LC_MESSAGES" / f"{PMN}.po"
    loaded = read_catalog(po)
    [message] = [m for m in loaded.catalog if m.id == paragraph.text]
    message.string = ""
    write_catalog(po, loaded.catalog, loaded.extra_headers)
    result = booklet("build", "--locale", "es", "--out", "out", cwd=tmp_path)
    assert result.returncode == 1
    assert f"{PMN} sheet (es): not built, untranslated or fuzzy: {unit_id}:" in result.stderr
    assert not (tmp_path / "out" / "es" / f"{PMN}.sheet.pdf").exists()
