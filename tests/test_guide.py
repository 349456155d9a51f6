"""The full guide as a clinic hands it out: cover, running header, metadata, what every handout shows."""
import re

import pdfplumber
import pytest
from pypdf import PdfReader

from pipeline.config import Clinic
from pipeline.render.pdf import write_pdf

from conftest import PMN, TREATMENT, cldr_language_name, cldr_long_date

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def guides(loaded_seeds, tmp_path_factory):
    out = tmp_path_factory.mktemp("guides")
    clinic = Clinic(name="Riverside Neurology Clinic", phone="01632 960 123")
    paths = {}
    for doc_id, loaded in loaded_seeds.items():
        paths[doc_id] = out / f"{doc_id}.pdf"
        assert write_pdf(loaded.document, paths[doc_id], clinic=clinic) == []
    return paths


def page_texts(path):
    return [re.sub(r"\s+", " ", page.extract_text()) for page in PdfReader(path).pages]


def test_cover_says_what_from_whom_and_how_current(guides):
    cover = page_texts(guides[PMN])[0]
    for expected in ("Riverside Neurology Clinic", "Paraneoplastic Motor Neuropathy",
                     "Causes, symptoms, tests, treatment and when to see a doctor",
                     f"Language: {cldr_language_name('en')}",
                     f"Last updated: {cldr_long_date('2025-07-03', 'en')}"):
        assert expected in cover
    assert "Last updated: not stated by the source" in page_texts(guides[TREATMENT])[0]


def test_running_header_names_the_document_and_the_current_section(guides, loaded_seeds):
    pages = page_texts(guides[PMN])
    doc = loaded_seeds[PMN].document
    assert all(doc.title in page for page in pages[1:])
    # the page where "Causes" begins, and the next one (the list continues), carry "Causes" in the header
    reader = PdfReader(guides[PMN])
    dests = {o.title: reader.get_destination_page_number(o) for o in reader.outline if not isinstance(o, list)}
    start = dests["Causes"]
    # margin boxes are extracted after the body, just before the footer
    assert f"{doc.title} Causes Page {start + 2} of" in pages[start + 1]


def test_cover_shows_the_clinic_logo_with_alt_text(loaded_seeds, tmp_path):
    from test_sheet import figure_alt_texts

    logo = tmp_path / "logo.svg"
    logo.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="80" height="30"><rect width="80" height="30"/>'
                    '</svg>', encoding="utf-8")
    clinic = Clinic(name="Riverside Neurology Clinic", phone="01632 960 123", logo=str(logo))
    target = tmp_path / "guide.pdf"
    assert write_pdf(loaded_seeds[TREATMENT].document, target, clinic=clinic) == []
    assert figure_alt_texts(target) == ["Logo of Riverside Neurology Clinic"]
    with pdfplumber.open(target) as pdf:
        assert pdf.pages[0].rects  # the logo is drawn on the cover


def test_pdf_metadata(guides):
    info = PdfReader(guides[PMN]).metadata
    assert info.title == "Paraneoplastic Motor Neuropathy"
    assert info.author == "Team RxHarun"
    assert info.subject == "Causes, symptoms, tests, treatment and when to see a doctor"
    assert "motor neuropathy" in info["/Keywords"]


def test_about_box_shows_review_status(guides):
    assert "Reviewed by: the Rx Editorial Board Members" in " ".join(page_texts(guides[PMN]))
    assert "Review status: no review is stated by the source" in " ".join(page_texts(guides[TREATMENT]))
