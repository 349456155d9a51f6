"""The full guide as a clinic hands it out: cover, running header, metadata, what every handout shows."""
import re
import unicodedata

import pdfplumber
import pytest
from pypdf import PdfReader

from pipeline.config import Clinic, load_clinic
from pipeline.render import ABOUT_ID, CONTENTS_ID, SEE_DOCTOR_ID
from pipeline.render.pdf import write_pdf

from conftest import PMN, REPO, TREATMENT, cldr_language_name, cldr_long_date

CLINIC_FILE = REPO / "examples" / "clinic.toml"


def squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text)

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


# --- "When should you see a doctor?" near the front, and a cover that says from whom and how current ------------

@pytest.fixture(scope="module")
def built_guides(tmp_path_factory):
    """Seed 000's guide through `booklet build` with the shipped catalogs, in English, Spanish and Arabic (a proof:
    below its gate), with and without the example clinic file."""
    from test_cli import booklet

    out = tmp_path_factory.mktemp("built-guides")
    built = {}
    for with_clinic in (False, True):
        folder = out / ("clinic" if with_clinic else "plain")
        extra = ["--clinic", str(CLINIC_FILE)] if with_clinic else []
        result = booklet("build", "--doc", PMN, "--layout", "guide", "--format", "pdf", "--allow-incomplete",
                         "--locale", "en", "--locale", "es", "--locale", "ar", "--out", str(folder), *extra)
        assert result.returncode == 0, result.stderr
        for locale in ("en", "es", "ar"):
            built[locale, with_clinic] = folder / locale / f"{PMN}.guide.pdf"
    return built


def contents_pages(reader) -> list[int]:
    """The pages holding the contents: those with a link to the About box, its last entry, and every page from
    the contents' own anchor up to the last of them."""
    with_entry = [i for i, page in enumerate(reader.pages)
                  if any(str(a.get_object().get("/Dest")) == ABOUT_ID for a in page.get("/Annots", []))]
    start = reader.get_destination_page_number(reader.named_destinations[CONTENTS_ID])
    return list(range(start, max(with_entry) + 1))


def see_doctor_edition(locale):
    from pipeline.build import edition
    from pipeline.sources import load, resolve

    return edition(load(resolve(PMN, REPO / "sources")).document, locale, REPO / "translations")


@pytest.mark.parametrize("locale", ["en", "es", "ar"])
@pytest.mark.parametrize("with_clinic", [False, True])
def test_see_doctor_box_is_on_the_page_after_the_contents_and_again_in_its_place(built_guides, locale, with_clinic):
    pdf = built_guides[locale, with_clinic]
    reader = PdfReader(pdf)
    doc = see_doctor_edition(locale).document
    [section] = doc.sections_with_role("see-doctor")
    box_page = reader.get_destination_page_number(reader.named_destinations[SEE_DOCTOR_ID])
    assert box_page == contents_pages(reader)[-1] + 1  # the page right after the contents
    section_page = reader.get_destination_page_number(reader.named_destinations[section.id])
    assert section_page > box_page  # and the section, in its place, later
    texts = page_texts(pdf)
    paragraph = section.blocks[0].text
    # The box is never split; the section in its place may run on to the next page (its words are then on the
    # two pages, with a running header and footer between them).
    in_place = texts[section_page] + texts[section_page + 1]
    if locale == "ar":  # shaped Arabic comes out in visual order: compare word by word, either way round
        words = re.findall(r"\w+", unicodedata.normalize("NFKC", paragraph))
        for page_text in (texts[box_page], in_place):
            found = squeezed(unicodedata.normalize("NFKC", page_text))
            assert len(words) > 10 and all(w in found or w[::-1] in found for w in words)
    else:
        assert squeezed(paragraph) in squeezed(texts[box_page])
        assert all(word in in_place for word in paragraph.split())
        assert squeezed(paragraph[:60]) in squeezed(texts[section_page])  # it starts where its anchor is
    clinic = load_clinic(CLINIC_FILE)
    numbers = [clinic.emergency_phone, clinic.phone]
    box = texts[box_page]
    if with_clinic:
        assert all(number in box for number in numbers), box
        ed = see_doctor_edition(locale)
        emergency = ed.labels.gettext("In an emergency, call %(number)s") % dict(number=clinic.emergency_phone)
        if locale != "ar":
            assert emergency in box
    else:
        assert not any(number in box for number in numbers)


def test_see_doctor_box_is_framed_and_not_a_bookmark(built_guides):
    pdf = built_guides["en", True]
    reader = PdfReader(pdf)
    box_page = reader.get_destination_page_number(reader.named_destinations[SEE_DOCTOR_ID])
    titles = [o.title for o in reader.outline if not isinstance(o, list)]
    [section] = see_doctor_edition("en").document.sections_with_role("see-doctor")
    assert titles.count(section.title) == 1  # the section's bookmark only
    with pdfplumber.open(pdf) as document:
        page = document.pages[box_page]
        heading = page.search(section.title)[0]
        frames = [r for r in page.rects if r["x0"] < heading["x0"] and r["top"] < heading["top"]] + [
            e for e in page.edges if e["top"] < heading["top"] and e["width"] > page.width / 2]
    assert frames  # a frame drawn above and around the heading


@pytest.mark.parametrize("locale", ["en", "es", "ar"])
def test_cover_names_who_stands_behind_it_and_its_review_status(built_guides, locale):
    ed = see_doctor_edition(locale)
    clinic = load_clinic(CLINIC_FILE)
    _ = ed.labels.gettext
    labels = [_("Language:"), _("Last updated:"), _("Source:")]
    labels.append(_("Reviewed by:") if ed.document.meta.attribution.reviewed_by else _("Review status:"))
    plain, with_clinic = (page_texts(built_guides[locale, c])[0] for c in (False, True))
    for cover in (plain, with_clinic):
        if locale != "ar":
            assert all(label in cover for label in labels), cover
            assert cldr_long_date("2025-07-03", locale) in cover
        assert ed.document.meta.attribution.publisher in cover
    assert clinic.name in with_clinic and clinic.name not in plain
    with pdfplumber.open(built_guides[locale, False]) as document:  # the facts stand at the foot of the page
        page = document.pages[0]
        date_line = [w for w in page.extract_words() if w["text"] in ("2025", "٢٠٢٥")]
    assert date_line and date_line[0]["top"] > page.height / 2
