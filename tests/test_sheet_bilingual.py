"""The bilingual one-page sheet: seed 000 in English beside Spanish and Arabic, built through `booklet build` in a
project of its own with small catalogs made here (never the project's translations/), checked on the real PDFs:
one page, both texts, /Lang on the translation's structure element, right-to-left Arabic, the refusal rules."""
from __future__ import annotations

import re
import shutil
import unicodedata
from collections import Counter
from pathlib import Path

import pdfplumber
import pikepdf
import pytest
import tinyhtml5
from pypdf import PdfReader

from conftest import PMN, REPO
from pipeline.build import edition
from pipeline.i18n.catalogs import read_catalog, write_catalog
from pipeline.render.html import render_html
from pipeline.sources import load, resolve
from test_cli import booklet
from test_i18n import unit_ids

LAYOUT = "sheet-bilingual"
PAPER_POINTS = {"a4": (595, 842), "letter": (612, 792)}
SEE_DOCTOR = "when-should-you-see-a-doctor.1"
ARABIC = re.compile(r"[\u0600-\u06ff\ufb50-\ufdff\ufe70-\ufeff]")  # letters and their presentation forms

# Small catalogs: what the sheet prints of seed 000 (title, urgent signs, the six symptoms' terms) and its labels.
# The symptoms' descriptions, the section titles and the disclaimer stay untranslated: the sheet needs them
# (build._used), so these catalogs are incomplete and the builds below pass --allow-incomplete.
DOCUMENT = {
    "es": {
        "title": "Neuropatía motora paraneoplásica",
        SEE_DOCTOR: "Pida consejo médico de inmediato si nota una debilidad nueva en brazos o piernas que empeora en "
                    "días o semanas, una pérdida de masa muscular sin explicación o fasciculaciones, sobre todo si ha "
                    "tenido cáncer, es fumador desde hace muchos años y tiene más de 55 años, o recibe "
                    "inmunoterapia. Una evaluación rápida es esencial: detectar pronto el tumor y la inmunoterapia "
                    "pueden detener o incluso revertir los déficits.",
        "symptoms.1.1.term": "Debilidad progresiva de las extremidades",
        "symptoms.1.2.term": "Pie caído o muñeca caída",
        "symptoms.1.3.term": "Marcha con tropiezos",
        "symptoms.1.4.term": "Cansancio al agarrar con la mano",
        "symptoms.1.5.term": "Calambres musculares",
        "symptoms.1.6.term": "Contracciones visibles (fasciculaciones)",
    },
    "ar": {
        "title": "اعتلال الأعصاب الحركية نظير الورمي",
        SEE_DOCTOR: "اطلب المشورة الطبية فورا إذا شعرت بضعف جديد في الذراعين أو الساقين يزداد سوءا خلال أيام أو "
                    "أسابيع، أو بهزال عضلي غير مفسر، أو بارتجافات عضلية، خاصة إذا كان لديك تاريخ من السرطان، أو "
                    "كنت مدخنا منذ زمن طويل وعمرك أكثر من 55 عاما، أو كنت تتلقى علاجا مناعيا. التقييم السريع "
                    "ضروري: فالكشف المبكر عن الورم والعلاج المناعي قد يوقفان الضعف أو حتى يعكسانه.",
        "symptoms.1.1.term": "ضعف متزايد في الأطراف",
        "symptoms.1.2.term": "تدلي القدم أو الرسغ",
        "symptoms.1.3.term": "مشية متعثرة",
        "symptoms.1.4.term": "تعب قبضة اليد",
        "symptoms.1.5.term": "تقلصات عضلية",
        "symptoms.1.6.term": "ارتجافات عضلية مرئية",
    },
}
LABELS = {
    "es": {
        "When to see a doctor": "Cuándo consultar a un médico",
        "Warning: get medical advice quickly": "Atención: pida consejo médico rápidamente",
        "In an emergency, call %(number)s": "En caso de emergencia, llame al %(number)s",
        "Key symptoms": "Síntomas principales",
        "Phone:": "Teléfono:", "Address:": "Dirección:", "Opening hours:": "Horario:", "Website:": "Sitio web:",
        "Source:": "Fuente:", "Last updated:": "Última actualización:", "Full guide:": "Guía completa:",
        "QR code linking to the full guide: %(url)s": "Código QR que lleva a la guía completa: %(url)s",
        "General information only, not advice for your own situation; the full disclaimer is in the full guide.":
            "Solo información general, no un consejo para su situación; el aviso legal completo está en la guía "
            "completa.",
        "Translation not yet reviewed by a clinician": "Traducción aún no revisada por un profesional sanitario",
        "About this information": "Sobre esta información",
    },
    "ar": {
        "When to see a doctor": "متى تراجع الطبيب",
        "Warning: get medical advice quickly": "تحذير: اطلب المشورة الطبية بسرعة",
        "In an emergency, call %(number)s": "في حالة الطوارئ، اتصل بالرقم %(number)s",
        "Key symptoms": "الأعراض الرئيسية",
        "Phone:": "الهاتف:", "Address:": "العنوان:", "Opening hours:": "ساعات العمل:", "Website:": "الموقع:",
        "Source:": "المصدر:", "Last updated:": "آخر تحديث:", "Full guide:": "الدليل الكامل:",
        "QR code linking to the full guide: %(url)s": "رمز QR يفتح الدليل الكامل: %(url)s",
        "General information only, not advice for your own situation; the full disclaimer is in the full guide.":
            "معلومات عامة فقط وليست نصيحة لحالتك؛ إخلاء المسؤولية الكامل في الدليل الكامل.",
        "Translation not yet reviewed by a clinician": "لم يراجع أي طبيب هذه الترجمة بعد",
        "About this information": "عن هذه المعلومات",
    },
}


def translate_po(po: Path, mapping: dict[str, str]) -> None:
    """Translate the entries `mapping` names by msgid or by a unit id of their comments."""
    loaded = read_catalog(po)
    for message in loaded.catalog:
        if message.id and (key := next((k for k in [message.id, *sorted(unit_ids(message))] if k in mapping), None)):
            message.string = mapping[key]
    write_catalog(po, loaded.catalog, loaded.extra_headers)


def run(root: Path, *args):
    result = booklet(*args, cwd=root)
    assert result.returncode == 0, result.stderr
    return result


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """A project with seed 000, the example clinic, and Spanish and Arabic catalogs from extract + init."""
    root = tmp_path_factory.mktemp("bilingual") / "project"
    shutil.copytree(REPO / "sources" / PMN, root / "sources" / PMN)
    shutil.copy(REPO / "examples" / "clinic.toml", root / "clinic.toml")
    (root / "booklet.toml").write_text(
        f'locales = ["en", "es", "ar"]\nlayouts = ["{LAYOUT}"]\nformats = ["pdf"]\nclinic = "clinic.toml"\n'
        'web_base = "https://handouts.example.org"\n', encoding="utf-8")
    run(root, "i18n", "extract")
    for locale in DOCUMENT:
        run(root, "i18n", "init", locale)
        messages = root / "translations" / locale / "LC_MESSAGES"
        translate_po(messages / f"{PMN}.po", DOCUMENT[locale])
        translate_po(messages / "ui.po", LABELS[locale])
    return root


@pytest.fixture(scope="module")
def built(project) -> dict[tuple[str, str], Path]:
    """The bilingual sheet in es and ar on both papers, through `booklet build`."""
    sheets = {}
    for paper in PAPER_POINTS:
        result = run(project, "build", "--allow-incomplete", "--paper", paper, "--out", f"out-{paper}")
        assert f"{PMN}: {LAYOUT} sets a translation beside the source; en is the source language; skipped" in (
            result.stderr)
        assert not [line for line in result.stderr.splitlines() if "warning" in line  # none about the sheets
                    and "warning: editorial" not in line and "its licence is not an open one" not in line
                    and not line.startswith("check ")]  # the readability summary (`booklet check`)
        for locale in DOCUMENT:
            sheets[locale, paper] = project / f"out-{paper}" / locale / f"{PMN}.{LAYOUT}.pdf"
        assert not (project / f"out-{paper}" / "en" / f"{PMN}.{LAYOUT}.pdf").exists()
    return sheets


def source_document():
    return load(resolve(PMN, REPO / "sources")).document


def words(text: str) -> list[str]:
    """Words without punctuation, Arabic presentation forms folded (NFKC)."""
    return re.findall(r"\w+", unicodedata.normalize("NFKC", text))


def has_words(extracted: str, text: str) -> bool:
    """Every word of `text` in `extracted`: shaped Arabic comes out in visual order, line by line, so only the
    words themselves can be compared (a word may be glued to the next line's first)."""
    found = squeezed(unicodedata.normalize("NFKC", extracted))
    return all(word in found for word in words(text))


def squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text)


def structure_elements(node):
    kids = node.get("/K")
    for kid in (kids if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []):
        if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            yield kid
            yield from structure_elements(kid)


def marked_content_ids(element) -> set[int]:
    """The MCIDs of the page content under a structure element."""
    ids = set()
    for node in [element, *structure_elements(element)]:
        kids = node.get("/K")
        for kid in (kids if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []):
            if isinstance(kid, int):
                ids.add(int(kid))
    return ids


def html_for(project: Path, locale: str) -> str:
    translations = project / "translations"
    doc = source_document()
    ed = edition(doc, locale, translations)
    return render_html(ed.document, LAYOUT, labels=ed.labels, translation=ed.translation,
                       source_edition=edition(doc, doc.lang, translations))


# --- the HTML -------------------------------------------------------------------------------------------------

def test_each_column_has_its_language_direction_and_labels(project):
    root = tinyhtml5.parse(html_for(project, "ar"), namespace_html_elements=False)
    assert (root.get("lang"), root.get("dir")) == ("en", "ltr")  # the page is the source's
    source, target = root.iter("article")
    assert (source.get("lang"), source.get("dir")) == ("en", "ltr")
    assert (target.get("lang"), target.get("dir")) == ("ar", "rtl")
    source_text, target_text = ("".join(article.itertext()) for article in (source, target))
    assert "Warning: get medical advice quickly" in source_text and "Key symptoms" in source_text
    assert LABELS["ar"]["Warning: get medical advice quickly"] in target_text
    assert "Warning: get medical advice" not in target_text and "تحذير" not in source_text
    assert DOCUMENT["ar"][SEE_DOCTOR] in target_text and DOCUMENT["ar"][SEE_DOCTOR] not in source_text
    ids = [element.get("id") for element in root.iter() if element.get("id")]
    assert len(ids) == len(set(ids))  # two columns of the same pieces, no id twice


def test_a_bilingual_layout_needs_the_source_edition(project):
    with pytest.raises(Exception, match="needs the source-language edition"):
        render_html(source_document(), LAYOUT)


# --- the PDFs -------------------------------------------------------------------------------------------------

@pytest.mark.slow
def test_exactly_one_page_on_both_papers_at_12pt_or_more(built):
    for (locale, paper), pdf in built.items():
        pages = PdfReader(pdf).pages
        assert len(pages) == 1, pdf
        assert (round(pages[0].mediabox.width), round(pages[0].mediabox.height)) == PAPER_POINTS[paper]
        with pdfplumber.open(pdf) as document:
            assert min(ch["size"] for ch in document.pages[0].chars if ch["text"].strip()) >= 12 - 1e-6


@pytest.mark.slow
def test_page_holds_the_english_and_the_translated_urgent_signs(built):
    english = source_document().sections_with_role("see-doctor")[0].blocks[0].text
    for (locale, paper), pdf in built.items():
        text = PdfReader(pdf).pages[0].extract_text()
        assert squeezed(english) in squeezed(text), pdf
        if locale == "es":
            assert squeezed(DOCUMENT["es"][SEE_DOCTOR]) in squeezed(text)
        else:
            assert has_words(text, DOCUMENT["ar"][SEE_DOCTOR]), pdf


@pytest.mark.slow
def test_translation_column_is_tagged_with_its_language(built):
    """The catalog stays English; the Art element of the translation has /Lang, and it is the one whose marked
    content is the translated text (every Arabic letter on the page), the English column's none of it."""
    for (locale, paper), pdf in built.items():
        with pikepdf.open(pdf) as document:
            assert str(document.Root.Lang) == "en"
            arts = [e for e in structure_elements(document.Root.StructTreeRoot) if e.S == "/Art"]
            assert [str(e.Lang) if "/Lang" in e else None for e in arts] == [None, locale]
            source_ids, target_ids = (marked_content_ids(art) for art in arts)
        with pdfplumber.open(pdf) as plumbed:
            chars = plumbed.pages[0].chars
        source = squeezed("".join(ch["text"] for ch in chars if ch["mcid"] in source_ids))
        target = squeezed("".join(ch["text"] for ch in chars if ch["mcid"] in target_ids))
        assert "Seekimmediatemedicaladvice" in source and "Seekimmediate" not in target
        if locale == "es":
            assert squeezed(DOCUMENT["es"][SEE_DOCTOR]) in target and "Pidaconsejo" not in source
        else:
            arabic = [ch for ch in chars if ARABIC.match(ch["text"])]
            assert arabic and all(ch["mcid"] in target_ids for ch in arabic), pdf


@pytest.mark.slow
def test_arabic_column_is_set_right_to_left(built):
    """Above the contacts, Arabic letters lie in the right-hand column, and the lines of the urgent signs end
    flush at one right edge while their left ends vary (ragged left): the mirror of the English column."""
    for paper in PAPER_POINTS:
        with pdfplumber.open(built["ar", paper]) as document:
            page = document.pages[0]
            contacts_top = page.search("Example Neurology Clinic")[0]["top"]
            arabic = [ch for ch in page.chars if ARABIC.match(ch["text"]) and ch["top"] < contacts_top]
        lines: dict[int, list] = {}
        for ch in arabic:
            lines.setdefault(round(ch["top"]), []).append(ch)
        assert min(ch["x0"] for ch in arabic) > page.width / 2
        body = Counter(round(ch["size"], 1) for ch in arabic).most_common(1)[0][0]
        paragraph = [line for line in lines.values()  # the urgent signs: long lines at the body size
                     if len(line) > 20 and all(round(ch["size"], 1) == body for ch in line)]
        rights = [max(ch["x1"] for ch in line) for line in paragraph]
        lefts = [min(ch["x0"] for ch in line) for line in paragraph]
        assert len(paragraph) >= 5
        assert max(rights) - min(rights) < 1.5, rights
        assert max(lefts) - min(lefts) > 10, lefts


@pytest.mark.slow
def test_same_input_gives_the_same_bytes(project, built):
    run(project, "build", "--allow-incomplete", "--locale", "es", "--out", "again")
    assert (project / "again" / "es" / f"{PMN}.{LAYOUT}.pdf").read_bytes() == built["es", "a4"].read_bytes()


@pytest.mark.slow
def test_refuses_an_incomplete_locale(project):
    result = booklet("build", "--locale", "es", "--out", "refused", cwd=project)
    assert result.returncode == 1
    *report, error = result.stderr.strip().splitlines()
    assert error.startswith("booklet: error: ") and "not built: they would print untranslated text" in error
    error = next(line for line in report if line.startswith(f"{PMN} {LAYOUT} (es): not built, untranslated or fuzzy: "))
    assert "symptoms.1.1: Muscles in the feet" in error  # a unit the sheet needs, still in English
    assert "when-should-you-see-a-doctor.1:" not in error  # translated above
    assert not (project / "refused" / "es" / f"{PMN}.{LAYOUT}.pdf").exists()


def top_of(page, text: str) -> float:
    """The top of `text` on the page: of the run of consecutive pieces of marked content (one a line) whose
    letters together are those of `text` (Arabic read back in visual order has the same letters)."""
    from test_bidi import letters

    pieces: dict[int, list] = {}
    for ch in page.chars:
        pieces.setdefault(ch.get("mcid"), []).append(ch)
    ids, wanted = sorted(i for i in pieces if i is not None), letters(text)
    runs = [ids[a:b] for a in range(len(ids)) for b in range(a + 1, min(a + 4, len(ids)) + 1)]
    found = [run for run in runs if sum((letters("".join(c["text"] for c in pieces[i])) for i in run),
                                        Counter()) == wanted]
    assert len(found) == 1, (text, found)
    return min(c["top"] for i in found[0] for c in pieces[i])


ALERT = (0.607843, 0.109804, 0.109804)  # the warning panel's frame (#9b1c1c)


@pytest.mark.slow
def test_the_two_columns_line_up_row_by_row(built):
    """The urgent signs' frames start and end level in both columns, whatever the length of the text in each
    language (the Spanish and Arabic urgent signs are longer than the English), so the key symptoms under them
    start level too (compared as text where both columns are in Latin script: glyph boxes differ by font)."""
    for (locale, paper), pdf in built.items():
        with pdfplumber.open(pdf) as document:
            page = document.pages[0]
            frames = [r for r in page.rects if r["fill"] and tuple(round(c, 3) for c in r["non_stroking_color"]) ==
                      tuple(round(c, 3) for c in ALERT)]
            columns = [[r for r in frames if (r["x0"] < page.width / 2) == left] for left in (True, False)]
            assert all(columns), pdf
            edges = [(min(r["top"] for r in rects), max(r["bottom"] for r in rects)) for rects in columns]
            assert abs(edges[0][0] - edges[1][0]) < 0.5 and abs(edges[0][1] - edges[1][1]) < 0.5, (pdf, edges)
            if locale == "es":
                english, spanish = top_of(page, "Key symptoms"), top_of(page, LABELS["es"]["Key symptoms"])
                assert abs(english - spanish) < 0.5, (pdf, english, spanish)


@pytest.mark.slow
def test_the_source_column_says_where_its_text_comes_from_and_how_current_it_is(project, built):
    """Under the English column, its own source, date and review line in English, above the contacts; the
    translation's line stays under both columns, in its language (seed 000 has no [review]: neither has a
    clinician reviewed it, nor is a next review due)."""
    from conftest import cldr_long_date

    for (locale, paper), pdf in built.items():
        with pdfplumber.open(pdf) as document:
            page = document.pages[0]
            contacts_top = page.search("Example Neurology Clinic")[0]["top"]
            expected = (f"Source: RxHarun. Last updated: {cldr_long_date('2025-07-03', 'en')}. "
                        "Clinical review: not yet reviewed by a clinician.")
            line = page.search(r"\s+".join(re.escape(word) for word in expected.split()))  # it may wrap
            assert line and line[0]["top"] < contacts_top and line[0]["x1"] < page.width / 2, pdf
            assert "Next review due" not in page.extract_text()
        if locale == "es":
            labels = edition(source_document(), locale, project / "translations").labels
            assert "Fuente: RxHarun" in page_text(pdf)
            status = f'{labels.gettext("Clinical review:")} {labels.gettext("not yet reviewed by a clinician")}.'
            assert status.startswith("Revisión clínica:") and status in page_text(pdf)


def page_text(pdf: Path) -> str:
    return re.sub(r"\s+", " ", PdfReader(pdf).pages[0].extract_text())
