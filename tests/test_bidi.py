"""Text in another direction than its surroundings is isolated, so that the bidi algorithm cannot reorder it with
its neighbours: English fallbacks in the Arabic guide, Latin doses and phone numbers inside Arabic text, URLs."""
from __future__ import annotations

import re
import subprocess
import unicodedata
from collections import Counter
from pathlib import Path

import pdfplumber
import pytest

from pipeline.config import load_clinic
from pipeline.render import direction_runs
from pipeline.render.html import render_html
from pipeline.sources import load, resolve

from conftest import PMN, REPO
from test_cli import booklet

ARABIC_DOSE = "خذ 500 mg مرتين يوميا واتصل على +44 20 7946 0000 عند الحاجة."


@pytest.mark.parametrize("text, direction, runs", [
    (ARABIC_DOSE, "rtl", ["500 mg", "+44 20 7946 0000"]),
    ("حقنة (B1/B6/B12) 100 mg/1 mg IM weekly × 4 then monthly.", "rtl",
     ["(B1/B6/B12) 100 mg/1 mg IM weekly × 4 then monthly"]),
    ("انظر https://example.org/a?b=1.", "rtl", ["https://example.org/a?b=1"]),
    ("في الأيام 1، 3، 5، 7", "rtl", []),  # Arabic numbers in an Arabic list read right to left: left alone
    ("Take 500 mg daily (دواء).", "ltr", ["(دواء)"]),
    ("Take 500 mg daily.", "ltr", []),
])
def test_direction_runs(text, direction, runs):
    pieces = direction_runs(text, direction)
    assert "".join(piece for piece, _ in pieces) == text
    assert [piece for piece, run in pieces if run] == runs


def _arabic_edition():
    from pipeline.build import edition
    from pipeline.sources import load, resolve

    doc = load(resolve(PMN, REPO / "sources")).document
    return edition(doc, "ar", REPO / "translations")


def test_a_fallback_block_carries_its_language_and_direction():
    ed = _arabic_edition()
    html = render_html(ed.document, "guide", labels=ed.labels, translation=ed.translation)
    item = re.search(r'<li([^>]*)><strong class="term">.*?B-complex injection', html)
    assert item and 'lang="en"' in item.group(1) and 'dir="ltr"' in item.group(1)
    assert '<sup class="cite" dir="ltr">' in html
    assert '<a href="https://' in html and 'dir="ltr">https://' in html


def test_runs_in_arabic_text_and_clinic_details_are_isolated():
    from pipeline.config import Clinic

    ed = _arabic_edition()
    doc = ed.document
    block = doc.sections_with_role("see-doctor")[0].blocks[0]
    items = block.items if hasattr(block, "items") else [block]
    items[0].text, items[0].langs = ARABIC_DOSE, {}
    if getattr(items[0], "term", None):
        items[0].term, items[0].langs = "", {}
    clinic = Clinic(name="عيادة Example", phone="+44 20 7946 0000", emergency_phone="999",
                    address="شارع 12 Baker Street")
    html = render_html(doc, "sheet", clinic=clinic, translation=ed.translation)
    assert '<span dir="ltr">500 mg</span>' in html
    assert '<span dir="ltr">+44 20 7946 0000</span>' in html
    assert '<span class="phone" dir="ltr">+44 20 7946 0000</span>' in html
    assert '<span dir="ltr">12 Baker Street</span>' in html


def test_epub_isolates_runs_with_dir():
    from pipeline.model import Paragraph
    from pipeline.render.epub import unit

    para = Paragraph(text=ARABIC_DOSE)
    inlines = unit(para, "text", "rtl")
    spans = [node for node in inlines if node["t"] == "Span"]
    assert [[w["c"] for w in s["c"][1] if w["t"] == "Str"] for s in spans] == [["500", "mg"], ["+44", "20", "7946", "0000"]]
    assert all(["dir", "ltr"] in s["c"][0][2] for s in spans)
    # the HTML user-agent stylesheet isolates [dir]; EPUB 3 forbids unicode-bidi in the book's own CSS
    css = (REPO / "layouts" / "epub" / "epub.css").read_text(encoding="utf-8")
    assert not re.search(r"unicode-bidi\s*:", re.sub(r"/\*.*?\*/", "", css, flags=re.S))


def body_text(pdf: Path) -> str:
    """The PDF's text without page margins (running header, footer), in layout order, all whitespace removed: a
    run of text keeps its characters in order across line breaks.  The band is the guide's text area on A4
    (guide margins 25 mm top, 28 mm bottom: 71 pt to 762 pt)."""
    out = subprocess.run(["pdftotext", "-layout", "-x", "0", "-y", "71", "-W", "612", "-H", "691", str(pdf), "-"],
                         capture_output=True, text=True, check=True).stdout
    # pdftotext marks the direction of the lines it reads on a page holding Arabic with embedding controls (LRE,
    # RLE, PDF): its own annotation, not the PDF's text
    return re.sub("[\u200e\u200f\u202a-\u202e\u2066-\u2069]", "", "".join(out.split()))


@pytest.mark.slow
def test_english_fallback_doses_keep_their_order_in_the_arabic_guide(tmp_path):
    result = booklet("build", "--doc", PMN, "--locale", "ar", "--layout", "guide", "--format", "pdf",
                     "--allow-incomplete", "--out", str(tmp_path))  # a proof: the translation is below its gate
    assert result.returncode == 0, result.stderr
    pdf = tmp_path / "ar" / f"{PMN}.guide.pdf"
    text = body_text(pdf)
    doses = [unit.text for unit in _arabic_edition().fallbacks if re.search(r"\d", unit.text)]
    assert len(doses) > 20
    # pdftotext may put the bracket of a note marker that ends an English line ("…diagnosis.[1]") at that line's
    # other end when Arabic text is near; the page shows it in place, so brackets are left out of the comparison
    words = text.replace("[", "").replace("]", "")
    out_of_order = [dose for dose in doses if "".join(dose.split()) not in words]
    assert not out_of_order, out_of_order[:5]
    assert "100mg/100mg/1mgIMweekly×4thenmonthly" in text
    # a whole item that falls back reads in its own direction: term, separator, text, then its markers
    assert "B-complexinjection(B1/B6/B12)–100mg" in text
    # the running header has no direction of its own: a heading shown in English is left out of it, not garbled
    header = subprocess.run(["pdftotext", "-layout", "-x", "0", "-y", "0", "-W", "612", "-H", "71", str(pdf), "-"],
                            capture_output=True, text=True, check=True).stdout
    assert "المحتويات" in header  # the band is the header's: the Arabic headings it does show are there
    english = [s.title for s in _arabic_edition().document.sections if "title" in s.langs]
    assert english
    assert not [title for title in english if any(len(w) > 3 and w in header for w in re.findall(r"[A-Za-z]+", title))]


@pytest.mark.slow
def test_a_latin_dose_and_a_phone_number_in_arabic_text_keep_their_order(tmp_path):
    folder = tmp_path / "sources" / "dose"
    folder.mkdir(parents=True)
    (folder / "a.txt").write_text(f"دليل الجرعات\n\nالعلاج\n\n{ARABIC_DOSE}\n\n- الجرعة 375 mg/m² IV weekly × 4 ثم شهريا.\n",
                                  encoding="utf-8")
    (folder / "meta.toml").write_text('title = "دليل الجرعات"\nlang = "ar"\nfile = "a.txt"\n', encoding="utf-8")
    (tmp_path / "booklet.toml").write_text('locales = ["ar"]\nlayouts = ["guide"]\nformats = ["pdf"]\n',
                                           encoding="utf-8")
    result = booklet("build", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    out = subprocess.run(["pdftotext", "-layout", str(tmp_path / "output" / "ar" / "dose.guide.pdf"), "-"],
                         capture_output=True, text=True, check=True).stdout
    assert "500 mg" in out and "mg 500" not in out
    assert "+44 20 7946 0000" in out
    assert "375 mg/m² IV weekly × 4" in out


# --- whole rows mirror in a right-to-left edition ---------------------------------------------------------------

def letters(text: str) -> Counter:
    """The letters of `text`, shaping undone (NFKC): the same for a word as typed and as pdfplumber reads it back
    from a PDF, where Arabic comes out in visual order and ligatures in pieces."""
    return Counter(ch for ch in unicodedata.normalize("NFKC", text) if unicodedata.category(ch).startswith("L"))


def span_of(pdf: Path, text: str) -> tuple[float, float]:
    """(x0, x1) of the piece of marked content on page 1 whose letters are those of `text`."""
    with pdfplumber.open(pdf) as document:
        pieces: dict[int, list] = {}
        for ch in document.pages[0].chars:
            pieces.setdefault(ch.get("mcid"), []).append(ch)
    matches = [chars for chars in pieces.values() if letters("".join(ch["text"] for ch in chars)) == letters(text)]
    assert len(matches) == 1, (text, len(matches))
    return min(ch["x0"] for ch in matches[0]), max(ch["x1"] for ch in matches[0])


@pytest.fixture(scope="module")
def sheets_by_direction(tmp_path_factory):
    """Seed 000's sheet in English and Arabic (the shipped catalogs), with the example clinic."""
    out = tmp_path_factory.mktemp("mirrored")
    result = booklet("build", "--doc", PMN, "--locale", "en", "--locale", "ar", "--layout", "sheet", "--format",
                     "pdf", "--clinic", str(REPO / "examples" / "clinic.toml"), "--allow-incomplete", "--out", str(out))
    assert result.returncode == 0, result.stderr
    return {locale: out / locale / f"{PMN}.sheet.pdf" for locale in ("en", "ar")}


@pytest.mark.slow
@pytest.mark.parametrize("locale", ["en", "ar"])
def test_the_sheet_rows_follow_the_direction_of_the_edition(sheets_by_direction, locale):
    """Do before Avoid and the symptoms before the clinic's panel, in reading direction: left to right in English,
    right to left in Arabic (each heading read back from the PDF by its letters, as the edition spells it)."""
    from pipeline.build import edition

    ed = edition(load(resolve(PMN, REPO / "sources")).document, locale, REPO / "translations")
    title = {role: ed.document.sections_with_role(role)[0].title for role in ("do", "avoid")}
    symptoms = ed.labels.gettext("Key symptoms")
    pdf = sheets_by_direction[locale]
    do, avoid = span_of(pdf, title["do"]), span_of(pdf, title["avoid"])
    first, second = span_of(pdf, symptoms), span_of(pdf, load_clinic(REPO / "examples" / "clinic.toml").name)
    with pdfplumber.open(pdf) as document:
        middle = document.pages[0].width / 2
    if locale == "ar":  # each heading starts its column on the right: its right edge is the column's
        assert do[1] > avoid[1] + 100 and do[0] > middle > avoid[1], (do, avoid)
        assert first[1] > second[1] + 100 and first[0] > middle, (first, second)
    else:
        assert do[0] + 100 < avoid[0] and do[1] < middle < avoid[0], (do, avoid)
        assert first[0] + 100 < second[0] and first[1] < middle, (first, second)


def test_the_right_to_left_blocks_hold_every_right_to_left_character():
    """direction_runs skips text with no character of these blocks in a left-to-right context: none may lie
    outside them (Unicode as the installed Python knows it)."""
    import unicodedata

    from pipeline.render import _RIGHT_TO_LEFT

    outside = [hex(code) for code in range(0x110000)
               if unicodedata.bidirectional(chr(code)) in ("R", "AL") and not _RIGHT_TO_LEFT.match(chr(code))]
    assert outside == []
