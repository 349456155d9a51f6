"""Labels (ui.po) are text like any other: a translation is escaped wherever it is printed, in every layout and
in the EPUB, and markup a label needs (the footer's page numbers) comes from the template, never the catalog."""
from __future__ import annotations

import copy
import re
from collections import Counter
import shutil
from gettext import GNUTranslations
from io import BytesIO
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po
from pypdf import PdfReader

from pipeline.i18n.catalogs import ui_translations
from pipeline.render.epub import document_ast
from pipeline.render.html import render_html

from conftest import PMN, REPO
from test_cli import booklet

STYLE = '<style>h1::after{content:"TAKE 500 MG NOW"}</style>'
ATTACH = '<link rel="attachment" href="file:///etc/hostname">'
HOSTILE = {
    "Contents": "Índice<!--",
    "Sources": STYLE + "Fuentes",
    "Last updated:": ATTACH + "Actualizado:",
    "Language:": "<script>document.write('X')</script>Idioma:",
    "About this information": "Acerca de <b>esto</b> & más",
    "Page %(page)s of %(count)s": "Página %(page)s de %(count)s -->",
}


def hostile_catalog(locale: str = "es") -> Catalog:
    catalog = Catalog(locale=locale, project="booklet ui")
    for msgid, msgstr in HOSTILE.items():
        catalog.add(msgid, msgstr, flags=("python-format",) if "%(" in msgid else ())
    return catalog


def hostile_translations() -> GNUTranslations:
    buffer = BytesIO()
    write_mo(buffer, hostile_catalog())
    buffer.seek(0)
    return GNUTranslations(buffer)


@pytest.mark.parametrize("layout", ["guide", "sheet", "large-print", "booklet"])
def test_labels_are_escaped_in_every_layout(loaded_seeds, layout):
    doc = loaded_seeds[PMN].document
    html = render_html(doc, layout, labels=hostile_translations())
    for raw in ["<!--", "-->", "<style>h1::after", "<link rel=\"attachment\"", "<script>", "<b>esto</b>"]:
        assert raw not in html
    assert "Índice&lt;!--" in html or layout not in ("guide", "large-print", "booklet")
    assert "&lt;style&gt;" in html or layout == "sheet"  # the sheet prints no Sources heading
    # the footer's spans are the template's own, the label's words around them escaped
    assert ('Página <span class="page-number"></span> de <span class="page-count"></span> --&gt;') in html


def test_placeholder_values_are_escaped(loaded_seeds):
    from pipeline.config import Clinic

    doc = loaded_seeds[PMN].document
    clinic = Clinic(name='Clinic <img src=x onerror=alert(1)>', phone="+1 555 0100", emergency_phone="<b>112</b>")
    html = render_html(doc, "sheet", clinic=clinic)
    assert "<img src=x" not in html and "<b>112</b>" not in html
    assert "&lt;b&gt;112&lt;/b&gt;" in html


def test_a_label_that_loses_or_invents_a_placeholder_is_not_used(loaded_seeds, tmp_path):
    """A translation of a label that drops a placeholder would print the sheet without the value it stands for
    (the emergency number, a review date), and one that names a placeholder the English has not would stop the
    render: neither is used (the shipped translation is), and each is named by its file and msgstr line."""
    from pipeline.build import edition, labels_for
    from pipeline.config import Clinic
    from pipeline.model import Review

    messages = tmp_path / "es" / "LC_MESSAGES"
    messages.mkdir(parents=True)
    (messages / "ui.po").write_text(
        'msgid ""\nmsgstr ""\n"Language: es\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        '#, python-format\nmsgid "In an emergency, call %(number)s"\nmsgstr "En caso de urgencia, llame"\n\n'
        '#, python-format\nmsgid "%(who)s, %(date)s"\nmsgstr "%(who)s, el %(fecha)s"\n\n'
        'msgid "Contents"\nmsgstr "Índice"\n', encoding="utf-8")
    labels = labels_for("es", tmp_path)
    assert [(w.path, w.line, w.msgid, w.problems[0].code) for w in labels.withheld] == [
        (messages / "ui.po", 8, "In an emergency, call %(number)s", "placeholder"),
        (messages / "ui.po", 12, "%(who)s, %(date)s", "placeholder")]
    assert labels.catalog["Contents"].string == "Índice"  # the project's own label that passes is used

    doc = copy.deepcopy(loaded_seeds[PMN].document)
    doc.meta.review = Review(last_reviewed="2026-03-03", next_review_due="2029-03-03", reviewed_by="Dr A")
    ed = edition(doc, "es", REPO / "translations")
    html = render_html(ed.document, "sheet", labels=ui_translations(labels), translation=ed.translation,
                       clinic=Clinic(name="Clinic", phone="+1 555 0100", emergency_phone="112"))
    assert "En caso de emergencia, llame al" in html and ">112<" in html
    assert 'Dr A, <time datetime="2026-03-03">' in html  # the shipped "%(who)s, %(date)s"


def test_epub_labels_are_plain_text(loaded_seeds):
    doc = loaded_seeds[PMN].document
    ast = document_ast(doc, hostile_translations())
    words = []

    def walk(node):
        if isinstance(node, dict):
            if node.get("t") in ("RawInline", "RawBlock"):
                raise AssertionError(f"raw markup in the EPUB AST: {node}")
            if node.get("t") == "Str":
                words.append(node["c"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(ast)
    assert "<style>h1::after{content:\"TAKE" in words  # a Str: pandoc escapes it
    assert "Índice<!--" in " ".join(words)


def _pdf_words(pdf: Path) -> list[str]:
    """The words of a PDF, without the contents' dot leaders (their length follows the labels')."""
    words = " ".join(page.extract_text() for page in PdfReader(pdf).pages).split()
    return [w for w in (re.sub(r"\.{3,}", "", w) for w in words) if w]


def _embedded_files(pdf: Path) -> list:
    reader = PdfReader(pdf)
    names = reader.trailer["/Root"].get("/Names", {})
    found = list(names.get("/EmbeddedFiles", {}).get("/Names", []))
    for page in reader.pages:
        for annot in page.get("/Annots") or []:
            if annot.get_object().get("/Subtype") == "/FileAttachment":
                found.append(annot)
    return found


@pytest.mark.slow
def test_a_hostile_label_catalog_cannot_change_the_guide(tmp_path):
    """The real Spanish guide, built through the CLI with labels that try to comment out the page, add CSS,
    attach a file and run a script: every word of the normal build is still there, a label that passes the QA
    check prints its characters as they are, one that fails it is not printed, and nothing is attached."""
    project = tmp_path / "project"
    messages = project / "translations" / "es" / "LC_MESSAGES"
    messages.mkdir(parents=True)
    shutil.copyfile(REPO / "translations" / "es" / "LC_MESSAGES" / f"{PMN}.po", messages / f"{PMN}.po")
    (project / "booklet.toml").write_text(
        f'documents = ["{PMN}"]\nlocales = ["es"]\nlayouts = ["guide"]\nformats = ["pdf"]\n'
        f'sources = "{REPO / "sources"}"\n', encoding="utf-8")
    normal = booklet("build", "--out", str(tmp_path / "normal"), cwd=project)
    assert normal.returncode == 0, normal.stderr
    with (messages / "ui.po").open("wb") as f:
        write_po(f, hostile_catalog())
    hostile = booklet("build", "--out", str(tmp_path / "hostile"), cwd=project)
    assert hostile.returncode == 0, hostile.stderr

    normal_pdf = tmp_path / "normal" / "es" / f"{PMN}.guide.pdf"
    hostile_pdf = tmp_path / "hostile" / "es" / f"{PMN}.guide.pdf"
    normal_words, hostile_words = _pdf_words(normal_pdf), _pdf_words(hostile_pdf)
    text = " ".join(hostile_words)
    # the whole document is there: at least as many words as the normal build (the labels add some)
    assert len(hostile_words) >= len(normal_words) > 2000
    assert len(PdfReader(hostile_pdf).pages) >= len(PdfReader(normal_pdf).pages)
    # every word of the normal build is there, but for those of the shipped labels the hostile ones replace
    with (REPO / "translations" / "es" / "LC_MESSAGES" / "ui.po").open("rb") as f:
        shipped = read_po(f)
    replaced = {w for msgid in HOSTILE for w in (shipped[msgid].string or msgid).split()}
    # (page numbers aside: the longer labels may push the text onto one more page, which renumbers the rest)
    missing = {word for word in Counter(normal_words) - Counter(hostile_words) if not word.isdigit()}
    assert missing <= replaced, sorted(missing - replaced)
    assert " ".join(normal_words[-60:-20]) in text  # the disclaimer at the very end
    squeezed = re.sub(r"\s+", "", text)
    # a label that passes the QA check prints its characters literally
    assert "Índice<!--" in squeezed and "-->" in squeezed
    # one with markup or a dose the English has not is not printed: the shipped translation is, and the build
    # names the label's line
    lines = {message.id: message.lineno for message in read_po((messages / "ui.po").open("rb")) if message.id}
    for msgid in ("Sources", "Last updated:", "Language:", "About this information"):
        assert re.sub(r"\s+", "", HOSTILE[msgid]) not in squeezed, msgid
        assert re.sub(r"\s+", "", shipped[msgid].string) in squeezed, msgid
        warning = next(line for line in hostile.stderr.splitlines() if f"label {msgid!r} shown" in line)
        assert re.match(rf"{re.escape(str(messages / 'ui.po'))}:{lines[msgid] + 1}: warning: ", warning), warning
    assert "TAKE500MGNOW" not in squeezed  # the dose in a label's CSS printed nowhere, nor applied
    assert not _embedded_files(hostile_pdf)


def test_labels_are_passed_to_each_render_and_stay_with_it(loaded_seeds):
    """A render's labels come from the catalog it is given, for that render only: renders of two catalogs
    interleaved on threads (as a Dask worker runs tasks) each print their own, and a render given none prints
    English (issue 12: no label catalog read from process-global state)."""
    from concurrent.futures import ThreadPoolExecutor

    doc = loaded_seeds[PMN].document
    catalogs = [hostile_translations(), None] * 4
    with ThreadPoolExecutor(max_workers=4) as pool:
        pages = list(pool.map(lambda labels: render_html(doc, "guide", labels=labels), catalogs))
        books = list(pool.map(lambda labels: document_ast(doc, labels), catalogs))
    for labels, html, ast in zip(catalogs, pages, books):
        spanish = labels is not None
        assert ("Índice&lt;!--" in html) == spanish and (">Contents<" in html) != spanish
        assert (ast["meta"]["toc-title"]["c"][0]["c"] == "Índice<!--") == spanish


def test_the_package_keeps_no_render_state_in_the_process():
    """Labels, direction and languages reach the renderers as arguments: no context variable carries them."""
    package = REPO / "pipeline"
    assert not [p for p in package.rglob("*.py") if "contextvars" in p.read_text(encoding="utf-8")]
