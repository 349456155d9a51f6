"""Structured inputs (Markdown, HTML, DOCX, ODT through pandoc) and plain text give the same document.

The fixtures in tests/fixtures/formats are one article written in each format; its structure is known, so
the expected outline below is written from the article, not captured from the reader.
"""
from __future__ import annotations

import socket
from pathlib import Path

import pypandoc
import pytest

from pipeline import pandoc_reader
from pipeline.errors import BookletError
from pipeline.extract import extract_text
from pipeline.model import Document, ListBlock, Meta, Paragraph, QuestionAnswer, Section
from pipeline.normalise import normalise
from pipeline.pandoc_reader import read_structured

from conftest import table_texts

FIXTURES = Path(__file__).parent / "fixtures" / "formats"
FORMATS = {"md": "markdown", "html": "html", "docx": "docx", "odt": "odt"}

TITLE = "Living with migraine"
EXPECTED_OUTLINE = """\
Living with migraine [0]
  Triggers and warning signs [0]
    Triggers [3]
    Warning signs [0]
  Treatment [0]
  Frequently asked questions [2]"""

EXPECTED_QA = [
    ("Can children get migraines?",
     "Yes. Migraine is common in children and often improves as they get older."),
    ("Should I keep a headache diary?",
     "Yes. Writing down when each attack starts helps you and your doctor spot your triggers."),
]
EXPECTED_TERMS = [
    ("Stress", "worry and tension can bring on an attack."),
    ("Sleep", "too little or too much sleep is a common trigger."),
    ("Caffeine", "a sudden change in how much you drink can start a migraine."),
]
INTRO = ("A migraine is a moderate or severe headache, usually felt as a throbbing pain on one side of the head. "
         "Many people also feel sick and find light or sound hard to bear.")
TREATMENT = ("Painkillers such as paracetamol or ibuprofen help many people, especially when taken at the first "
             "sign of an attack. The NHS guide to migraine explains the other options.")


def read(ext: str, title: str | None = None) -> Document:
    return read_structured(FIXTURES / f"article.{ext}", FORMATS[ext], "migraine", "en", Meta(), title=title)


def read_text(tmp_path: Path, text: str, fmt: str = "markdown", name: str = "doc.md", **kwargs) -> Document:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return read_structured(path, fmt, "doc", "en", Meta(), **kwargs)


def section(doc: Document, title: str) -> Section:
    found = [s for s in doc.walk_sections() if s.title == title]
    assert len(found) == 1, f"expected one section {title!r} in\n{doc.outline()}"
    return found[0]


def all_blocks(doc: Document) -> list:
    return doc.blocks + [b for s in doc.walk_sections() for b in s.blocks]


# -- the same article in every format ------------------------------------------------------------------


@pytest.fixture(params=list(FORMATS), scope="module")
def doc(request) -> Document:
    return read(request.param)


def test_outline_is_the_expected_one(doc):
    assert doc.outline() == EXPECTED_OUTLINE


def test_title_heading_becomes_the_title_not_a_section(doc):
    assert doc.title == TITLE
    assert all(s.title != TITLE for s in doc.walk_sections())


def test_sections_nest_by_heading_level(doc):
    assert [(s.title, s.depth) for s in doc.walk_sections()] == [
        ("Triggers and warning signs", 1), ("Triggers", 2), ("Warning signs", 2), ("Treatment", 1),
        ("Frequently asked questions", 1)]
    assert [s.id for s in doc.walk_sections()] == [
        "triggers-and-warning-signs", "triggers", "warning-signs", "treatment", "frequently-asked-questions"]


def test_questions_become_question_answer_blocks(doc):
    blocks = section(doc, "Frequently asked questions").blocks
    assert all(isinstance(b, QuestionAnswer) for b in blocks)
    assert [(b.question, b.answer) for b in blocks] == EXPECTED_QA


def test_list_terms_are_split(doc):
    [block] = section(doc, "Triggers").blocks
    assert isinstance(block, ListBlock) and not block.ordered
    assert [(i.term, i.text) for i in block.items] == EXPECTED_TERMS


def test_citations_numbered_in_order_of_first_use(doc):
    assert [(c.number, c.domain, c.publisher) for c in doc.citations] == [
        (1, "pmc.ncbi.nlm.nih.gov", "PubMed Central"), (2, "nhs.uk", "NHS")]
    # The trailing host is detached from the text; the link keeps its visible text.
    assert [(b.text, b.citations) for b in doc.blocks] == [(INTRO, [1])]
    [treatment] = section(doc, "Treatment").blocks
    assert (treatment.text, treatment.citations) == (TREATMENT, [2])


def test_plain_text_article_gives_the_same_outline():
    path = FIXTURES / "article.txt"
    clean = normalise(path.read_text(encoding="utf-8")).text
    doc = extract_text(clean, "migraine", "en", Meta(), title=None, fallback_title=path.stem)
    assert doc.outline() == EXPECTED_OUTLINE
    assert [(b.question, b.answer) for b in section(doc, "Frequently asked questions").blocks] == EXPECTED_QA
    assert [c.domain for c in doc.citations] == ["pmc.ncbi.nlm.nih.gov", "journals.lww.com", "nhs.uk"]


# -- titles ---------------------------------------------------------------------------------------------


def test_given_title_with_the_same_words_drops_the_heading():
    doc = read("md", title="LIVING WITH MIGRAINE")
    assert doc.title == "LIVING WITH MIGRAINE"
    assert doc.outline().split("\n")[1:] == EXPECTED_OUTLINE.split("\n")[1:]


def test_given_title_that_differs_keeps_the_heading_as_a_section():
    doc = read("html", title="Migraine handout")
    assert doc.outline() == "\n".join(
        ["Migraine handout [0]", "  Living with migraine [0]"] + ["  " + line for line in EXPECTED_OUTLINE.split("\n")[1:]])


def test_metadata_title_is_used_without_a_title_heading(tmp_path):
    md = "---\ntitle: Headache *diary*\n---\n\n## Why keep one\n\nIt helps.\n\n## What to write\n\nTimes.\n"
    doc = read_text(tmp_path, md)
    assert doc.title == "Headache diary"
    assert doc.outline() == "Headache diary [0]\n  Why keep one [0]\n  What to write [0]"
    html = ("<html><head><title>Sleep and migraine</title></head><body><h2>Rest</h2><p>Sleep.</p>"
            "<h2>Routine</h2><p>Same time each day.</p></body></html>")
    doc = read_text(tmp_path, html, "html", "page.html")
    assert doc.outline() == "Sleep and migraine [0]\n  Rest [0]\n  Routine [0]"
    docx = tmp_path / "diary.docx"
    pypandoc.convert_file(str(tmp_path / "doc.md"), "docx", outputfile=str(docx))
    doc = read_structured(docx, "docx", "doc", "en", Meta())
    assert doc.title == "Headache diary"
    assert doc.outline() == "Headache diary [0]\n  Why keep one [0]\n  What to write [0]"


def test_file_stem_when_there_is_no_title(tmp_path):
    doc = read_text(tmp_path, "# Part one\n\nText.\n\n# Part two\n\nMore.\n", name="cluster-headache.md")
    assert doc.title == "cluster-headache"
    assert doc.outline() == "cluster-headache [0]\n  Part one [0]\n  Part two [0]"


def test_title_heading_inside_html_wrappers(tmp_path):
    html = ("<html><body><main><article><h1>Aura</h1><section><h2>Signs</h2><p>Lights.</p></section>"
            "</article></main></body></html>")
    doc = read_text(tmp_path, html, "html", "aura.html")
    assert doc.outline() == "Aura [0]\n  Signs [0]"


def test_heading_depths_are_relative_to_the_highest_level_used(tmp_path):
    doc = read_text(tmp_path, "### Early\n\nText.\n\n## Main\n\nText.\n\n### Sub\n\nText.\n\n##### Deep\n\nText.\n")
    assert doc.title == "doc"
    assert [(s.title, s.depth) for s in doc.walk_sections()] == [("Early", 1), ("Main", 1), ("Sub", 2), ("Deep", 3)]


# -- question-and-answer forms ------------------------------------------------------------------------


def test_question_forms(tmp_path):
    md = """\
**Is migraine hereditary?**

It often runs in families.

3\\. Does caffeine help?

A little, early in an attack.

4. Does exercise help?

   Regular exercise can reduce how often attacks happen.

I get headaches most days. Is that migraine?

Only a doctor can tell.

## Is it serious?

Usually not.
"""
    doc = read_text(tmp_path, md)
    assert [(b.kind, getattr(b, "question", None)) for b in doc.blocks] == [
        ("qa", "Is migraine hereditary?"), ("qa", "Does caffeine help?"), ("qa", "Does exercise help?"),
        ("paragraph", None), ("paragraph", None)]
    assert doc.blocks[2].answer == "Regular exercise can reduce how often attacks happen."
    # A question heading stays a section.
    assert [s.title for s in doc.sections] == ["Is it serious?"]


def test_ordered_list_keeps_its_steps_around_a_question_item(tmp_path):
    md = ("1. Take your medicine early.\n2. Does it still hurt?\n   Lie down in a quiet, dark room.\n"
          "3. Drink some water.\n")
    blocks = read_text(tmp_path, md).blocks
    assert [b.kind for b in blocks] == ["list", "qa", "list"]
    assert blocks[0].ordered and [i.text for i in blocks[0].items] == ["Take your medicine early."]
    assert (blocks[1].question, blocks[1].answer) == ("Does it still hurt?", "Lie down in a quiet, dark room.")
    assert [i.text for i in blocks[2].items] == ["Drink some water."]


# -- inline and block mapping -------------------------------------------------------------------------


def test_inline_text(tmp_path):
    md = ("Doctors say \"status migrainosus\" when an attack lasts over 72 hours ('long').^[See "
          "<https://www.ninds.nih.gov/migraine>.] A dose of 10^3^ in H~2~O, *really* `code` [span]{.x} ~~old~~ "
          "text ![a brain scan](scan.png) here, <b>raw</b> and $x+1$ and [@smith2020].\n")
    doc = read_text(tmp_path, md)
    [block] = doc.blocks
    assert block.text == ("Doctors say “status migrainosus” when an attack lasts over 72 hours (‘long’). A dose of "
                          "10³ in H₂O, really code span old text here, raw and x+1 and [@smith2020].")
    assert [c.domain for c in doc.citations] == ["ninds.nih.gov"] and block.citations == [1]


def test_links_cite_http_hosts_only(tmp_path):
    md = ("- See the [CDC page](https://www.CDC.gov/migraine) and [us](mailto:a@b.org).\n"
          "- Ask [your GP](#gp) first, or read [NICE](http://nice.org.uk/cg150). medlineplus.gov\n")
    doc = read_text(tmp_path, md)
    [block] = doc.blocks
    assert [(i.text, i.citations) for i in block.items] == [
        ("See the CDC page and us.", [1]), ("Ask your GP first, or read NICE.", [2, 3])]
    assert [(c.domain, c.publisher) for c in doc.citations] == [
        ("cdc.gov", "Centers for Disease Control and Prevention"), ("nice.org.uk", "NICE"),
        ("medlineplus.gov", "MedlinePlus")]


def test_blocks(tmp_path):
    md = """\
> Quoted advice.

- Rest
    - Lie down in a dark room
    - Close the curtains
- Drink water

Aura
:   A warning sign before the headache.

Triptan
:   A medicine that stops an attack.

| Medicine | Dose |
|---|---|
| Ibuprofen | 400 mg |
| Paracetamol | 1 g |

| Line one
| Line two

    code is skipped

```{=html}
<b>raw is skipped</b>
```

---

![A brain scan](scan.png)

The end.
"""
    blocks = read_text(tmp_path, md).blocks
    assert [b.kind for b in blocks] == ["paragraph", "list", "list", "table"] + ["paragraph"] * 3
    assert [i.text for i in blocks[1].items] == ["Rest", "Lie down in a dark room", "Close the curtains", "Drink water"]
    assert [(i.term, i.text) for i in blocks[2].items] == [
        ("Aura", "A warning sign before the headache."), ("Triptan", "A medicine that stops an attack.")]
    assert table_texts(blocks[3]) == [["Medicine", "Dose"], ["Ibuprofen", "400 mg"], ["Paracetamol", "1 g"]]
    assert [b.text for b in blocks if isinstance(b, Paragraph)] == ["Quoted advice.", "Line one", "Line two", "The end."]


def test_unknown_node_raises_naming_file_and_node(tmp_path, monkeypatch):
    path = tmp_path / "odd.md"
    path.write_text("x", encoding="utf-8")
    ast = {"pandoc-api-version": [1, 23, 1], "meta": {}, "blocks": [{"t": "Para", "c": [{"t": "Blink", "c": []}]}]}
    monkeypatch.setattr(pandoc_reader, "_pandoc_ast", lambda *a, **k: ast)
    with pytest.raises(BookletError, match="Blink") as info:
        read_structured(path, "markdown", "doc", "en", Meta())
    assert info.value.path == path and "odd.md" in str(info.value)


# -- errors and the sandbox ----------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["docx", "odt"])
def test_corrupt_file_raises_booklet_error_naming_the_file(tmp_path, fmt):
    path = tmp_path / f"broken.{fmt}"
    path.write_bytes(b"PK\x03\x04\x8f\x11not really a zip\x00\xff")
    with pytest.raises(BookletError) as info:
        read_structured(path, fmt, "doc", "en", Meta())
    message = str(info.value)
    assert f"broken.{fmt}" in message and "pandoc could not read this as" in message
    assert "\n" not in message and "Pandoc died" not in message
    assert info.value.__cause__ is None and info.value.__suppress_context__


def test_missing_file_and_unknown_format(tmp_path):
    with pytest.raises(BookletError, match="nothere.md"):
        read_structured(tmp_path / "nothere.md", "markdown", "doc", "en", Meta())
    (tmp_path / "a.rst").write_text("Title\n=====\n", encoding="utf-8")
    with pytest.raises(BookletError, match="rst"):
        read_structured(tmp_path / "a.rst", "rst", "doc", "en", Meta())


def test_sandbox_fixture_reads_without_error():
    doc = read_structured(FIXTURES / "sandbox.html", "html", "doc", "en", Meta())
    assert doc.outline() == "Sandbox check [0]"
    # The image is neither read nor described: its alt text is not body text.
    assert [b.text for b in doc.blocks] == ["Reading this page must not open the image file or fetch the stylesheet."]


def test_reading_fetches_nothing_named_in_the_input(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET-CONTENT-7f3a", encoding="utf-8")
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        server.setblocking(False)
        port = server.getsockname()[1]
        html = ((FIXTURES / "sandbox.html").read_text(encoding="utf-8")
                .replace("http://127.0.0.1:9/", f"http://127.0.0.1:{port}/")
                .replace("/etc/hostname", str(secret)))
        assert str(port) in html and str(secret) in html
        doc = read_text(tmp_path, html, "html", "page.html")
        with pytest.raises(BlockingIOError):
            server.accept()  # nobody connected
    assert "SECRET-CONTENT" not in doc.to_json()


def test_pandoc_runs_sandboxed(monkeypatch):
    calls = []
    real = pandoc_reader.subprocess.run

    def spy(args, **kwargs):
        calls.append(args)
        return real(args, **kwargs)

    monkeypatch.setattr(pandoc_reader.subprocess, "run", spy)
    read("md")  # Markdown and HTML: decoded by us, given to pandoc on its standard input
    assert len(calls) == 1 and "--sandbox" in calls[0] and "--from=markdown" in calls[0]

    calls = []
    real_file = pypandoc.convert_file

    def spy_file(*args, **kwargs):
        calls.append(kwargs)
        return real_file(*args, **kwargs)

    monkeypatch.setattr(pandoc_reader.pypandoc, "convert_file", spy_file)
    read("docx")
    assert len(calls) == 1 and "--sandbox" in calls[0]["extra_args"] and calls[0]["format"] == "docx"
