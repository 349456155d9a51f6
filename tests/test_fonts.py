"""Fonts: the vendored files and their licences, the glyph coverage gate, and the fonts inside real PDFs."""
from __future__ import annotations

import hashlib
import io
import re
import subprocess
from pathlib import Path

import pytest
import tinycss2
from fontTools.ttLib import TTFont
from pypdf import PdfReader

from pipeline.errors import BookletError
from pipeline.model import Attribution, Document, ListBlock, ListItem, Meta, Paragraph, Section
from pipeline.render.layouts import LayoutSet
from pipeline.render.fonts import FontFace, check_glyphs, font_faces, printed_text, unprintable
from pipeline.render.html import render_html
from pipeline.render.pdf import write_pdf

from conftest import REPO

LAYOUTS_DIR = REPO / "layouts"

FONTS_DIR = LAYOUTS_DIR / "fonts"
# What medical handouts print besides plain Latin text, and the word joiner our templates put before
# citation markers.
MEDICAL_SYMBOLS = "×µ₂⁶≥°“”–—‐κβαδ→±\u2060"
ARABIC_TITLE = "الباراسيتامول للبالغين"


def arabic_document() -> Document:
    return Document(
        id="paracetamol-ar", lang="ar", title=ARABIC_TITLE,
        meta=Meta(source_file="sources/paracetamol-ar/article.txt", last_updated="2024-03-01",
                  attribution=Attribution(publisher="هيئة الصحة")),
        blocks=[Paragraph("الباراسيتامول مسكّن شائع للألم والحمى.")],
        sections=[Section(id="dose", title="الجرعة", depth=1, blocks=[
            Paragraph("تناول قرصًا أو قرصين من 500 mg حتى أربع مرات في اليوم."),
            ListBlock(items=[ListItem("اترك أربع ساعات على الأقل بين الجرعتين.", term="مهم")]),
        ])],
    )


def document_with(text: str, source_file: str | None = "sources/leaflet/article.txt") -> Document:
    return Document(id="leaflet", lang="en", title="A leaflet", meta=Meta(source_file=source_file),
                    blocks=[Paragraph(text)])


# --- the vendored files ---------------------------------------------------------------------------------

def test_fonts_css_declares_every_vendored_file_with_a_real_bold_face():
    faces = font_faces()
    assert sorted(face.path for face in faces) == sorted(FONTS_DIR.glob("*.ttf"))
    by_family: dict[str, list[int]] = {}
    for face in faces:
        assert face.style == "normal"
        by_family.setdefault(face.family, []).append(face.weight)
        with TTFont(face.path) as font:  # the declared weight is the file's own
            assert font["OS/2"].usWeightClass == face.weight, face.path.name
    assert all(sorted(weights) == [400, 700] for weights in by_family.values()), by_family


def test_no_installed_font_shares_a_family_name_with_ours():
    """fontconfig prefers a same-named system font of a higher version to an @font-face font, so our
    family names must be ours alone (this machine has Debian's "Noto Sans", for one)."""
    listed = subprocess.run(["fc-list", ":", "family"], capture_output=True, text=True, check=True).stdout
    installed = {name.strip() for line in listed.splitlines() for name in line.split(",")}
    assert installed.isdisjoint(face.family for face in font_faces())


def test_base_css_font_stack_is_the_families_of_fonts_css():
    rules = tinycss2.parse_stylesheet((LAYOUTS_DIR / "base" / "base.css").read_text(), skip_comments=True,
                                      skip_whitespace=True)
    html = next(r for r in rules if r.type == "qualified-rule" and tinycss2.serialize(r.prelude).strip() == "html")
    stack = next(d for d in tinycss2.parse_blocks_contents(html.content)
                 if d.type == "declaration" and d.lower_name == "font-family")
    families = [t.value for t in stack.value if t.type == "string"]
    assert families == list(dict.fromkeys(face.family for face in font_faces()))
    assert [t.type for t in stack.value if t.type not in ("string", "literal", "whitespace")] == []  # no generic


def test_readme_gives_package_hash_and_licence_of_every_font():
    rows = [[cell.strip() for cell in line.strip("|").split("|")]
            for line in (FONTS_DIR / "README.md").read_text().splitlines() if re.match(r"\| \S+\.ttf ", line)]
    assert sorted(row[0] for row in rows) == sorted(p.name for p in FONTS_DIR.glob("*.ttf"))
    for name, package, version, licence, licence_file, sha256 in rows:
        path = FONTS_DIR / name
        assert hashlib.sha256(path.read_bytes()).hexdigest() == sha256, name
        assert package and version and licence == "OFL-1.1"
        assert "SIL Open Font License" in (FONTS_DIR / licence_file).read_text(), licence_file
        with TTFont(path) as font:
            assert "SIL Open Font License" in font["name"].getDebugName(13), name


# --- the gate -----------------------------------------------------------------------------------------

def test_printed_text_has_labels_and_characters_from_references_but_no_styles_scripts_or_comments():
    html = ("<html><head><title>Title</title><style>p{content:'中'}</style></head><body><h1>Heading</h1>"
            "<p>one <strong>two</strong>&#8288;<sup>[1]</sup> &amp; three<!-- 中 --></p><script>if (a<b) '中'"
            "</script><div>Page 1</div></body></html>")
    assert printed_text(html) == "TitleHeadingone two\u2060[1] & threePage 1"


def test_unprintable_follows_what_pango_and_harfbuzz_do():
    regular = FontFace("A", 400, "normal", Path("a.ttf"), frozenset(map(ord, "abcx\u2028")))
    bold = FontFace("A", 700, "normal", Path("a-bold.ttf"), frozenset(map(ord, "ab")))
    fallback = FontFace("B", 700, "normal", Path("b-bold.ttf"), frozenset(map(ord, "x")))
    faces = (regular, bold, fallback)
    # spaces are drawn as spaces and default-ignorable characters hidden, with or without a glyph
    assert unprintable("a b\u00a0a\u202fb\u2009a\u2060b\u00ad\u200b\u200d\ufe0f", faces) == {}
    problems = unprintable("ab c x z \u2028 \u1680", faces)
    assert list(problems) == ["c", "z", "\u2028", "\u1680"]
    assert problems["c"] == "no font of weight and style 700 normal has it"  # bold would be synthesised
    assert problems["z"] == problems["\u1680"] == "no font has it"  # the Ogham space mark is a visible dash
    # a line separator is printed in the font of the text around it, whichever that is
    assert "a-bold.ttf, b-bold.ttf lack it" in problems["\u2028"]


def test_seed_texts_and_medical_symbols_are_covered(loaded_seeds):
    faces = font_faces()
    assert unprintable(MEDICAL_SYMBOLS, faces) == {}
    atkinson = tuple(face for face in faces if "Atkinson" in face.family)
    for doc_id, loaded in loaded_seeds.items():
        html = render_html(loaded.document)
        check_glyphs(html, doc_id)
        if doc_id == "paraneoplastic-motor-neuropathy":  # Greek and sub/superscripts need the fallbacks
            assert {"κ", "₂", "⁶", "\u2010"} <= set(unprintable(printed_text(html), atkinson))


@pytest.mark.parametrize("char, name", [("中", "'中' (U+4E2D)"), ("\U0001F600", "'\U0001F600' (U+1F600)"),
                                        ("\u2028", r"'\u2028' (U+2028)")])
def test_a_character_no_font_can_print_fails_the_build(tmp_path, char, name):
    before = "Take one 500 mg tablet with water " * 3
    doc = document_with(f"{before}{char} and rest.")
    with pytest.raises(BookletError) as caught:
        write_pdf(doc, tmp_path / "leaflet.pdf")
    message = str(caught.value)
    assert message.startswith("sources/leaflet/article.txt: ")
    assert name in message
    excerpt = re.search(r" in '(.*?)' cannot be printed", message).group(1)
    assert excerpt.startswith("…") and "with water" in excerpt and "and rest." in excerpt and len(excerpt) < 70
    assert "\n" not in message
    assert list(tmp_path.iterdir()) == []  # WeasyPrint never ran


def test_without_a_source_file_the_error_names_the_document(tmp_path):
    with pytest.raises(BookletError, match=r"^leaflet: '中' \(U\+4E2D\)"):
        write_pdf(document_with("Hello 中", source_file=None), tmp_path / "leaflet.pdf")


def test_every_missing_character_is_named(tmp_path):
    with pytest.raises(BookletError, match=r"'中' \(U\+4E2D\).*; nor can '文' \(U\+6587\)"):
        write_pdf(document_with("中文"), tmp_path / "leaflet.pdf")


@pytest.mark.parametrize("rule, message, line", [
    ('  src: url(../fonts/NotoSans-Regular.ttf);\n  unicode-range: U+0000-00FF;\n', "unicode-range", 4),
    ('  src: url(../fonts/Missing.ttf);\n', "no font file", 3),
    ('  font-weight: 400;\n', "without src", 1),
])
def test_fonts_css_mistakes_are_reported_with_their_line(tmp_path, rule, message, line):
    css = tmp_path / "base" / "fonts.css"
    css.parent.mkdir()
    css.write_text('@font-face {\n  font-family: "X";\n' + rule + "}\n")
    with pytest.raises(BookletError, match=message) as caught:
        font_faces(LayoutSet((tmp_path.resolve(),)))
    assert (caught.value.path, caught.value.line) == (css.resolve(), line)


# --- the PDFs -----------------------------------------------------------------------------------------

def pdffonts(pdf: Path) -> list[dict]:
    """pdffonts' table: name, type, encoding, then yes/no for embedded, subset and ToUnicode."""
    lines = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout.splitlines()
    rows = [re.fullmatch(r"(\S+)\s+(.+?)\s+(\S+)\s+(yes|no)\s+(yes|no)\s+(yes|no)\s+\d+\s+\d+", line)
            for line in lines[2:]]
    assert all(rows), lines
    return [{"name": r[1], "embedded": r[4], "subset": r[5], "unicode": r[6]} for r in rows]


def embedded_fonts(pdf: Path) -> dict[str, tuple]:
    """PDF font name without its subset tag -> (PostScript name, revision, creation date) of the font file
    inside: what tells one font file from another, even when the family names agree."""
    found = {}
    for page in PdfReader(pdf).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
            with TTFont(io.BytesIO(descriptor["/FontFile2"].get_object().get_data())) as file:
                found[font["/BaseFont"].split("+", 1)[1]] = fingerprint(file)
    return found


def fingerprint(font: TTFont) -> tuple:
    return font["name"].getDebugName(6), font["head"].fontRevision, font["head"].created


def vendored_fonts() -> dict[str, tuple]:
    """The PDF font name WeasyPrint gives each vendored face -> the fingerprint of its file."""
    names = {}
    for face in font_faces():
        with TTFont(face.path) as file:
            names[face.family.replace(" ", "-") + ("-Bold" if face.weight == 700 else "")] = fingerprint(file)
    return names


@pytest.mark.slow
def test_pdfs_embed_and_subset_only_the_vendored_fonts(loaded_seeds, tmp_path):
    docs = [loaded.document for loaded in loaded_seeds.values()] + [arabic_document()]
    vendored = vendored_fonts()
    used = {}
    for doc in docs:
        pdf = tmp_path / f"{doc.id}.pdf"
        assert write_pdf(doc, pdf) == []  # no font warnings (nor any other) from WeasyPrint
        for row in pdffonts(pdf):
            assert (row["embedded"], row["subset"], row["unicode"]) == ("yes", "yes", "yes"), (doc.id, row)
            assert re.fullmatch(r"[A-Z]{6}\+.+", row["name"]), row
        fonts = embedded_fonts(pdf)
        for name, print_ in fonts.items():  # no DejaVu, no system Noto, no synthesised bold
            assert vendored.get(name) == print_, (doc.id, name, print_)
        used[doc.id] = set(fonts)
    assert {"Booklet-Atkinson-Hyperlegible", "Booklet-Atkinson-Hyperlegible-Bold",
            "Booklet-Noto-Sans"} <= used["paraneoplastic-motor-neuropathy"]
    assert {"Booklet-Atkinson-Hyperlegible", "Booklet-Noto-Sans-Arabic",
            "Booklet-Noto-Sans-Arabic-Bold"} <= used["paracetamol-ar"]
    text = " ".join(page.extract_text() for page in PdfReader(tmp_path / "paracetamol-ar.pdf").pages)
    assert ARABIC_TITLE in text and "500" in text
