"""`booklet check --sheets DIR` (pipeline/render/pemat_sheet.py): a PEMAT-informed reviewer sheet per handout, as
standalone HTML and tagged PDF, on the shipped sources and on a small project with hostile text."""
import json
import re
from pathlib import Path

import lxml.html
import pytest
from pypdf import PdfReader

from conftest import PMN, REPO, TREATMENT
from pipeline.quality import PEMAT_P_ITEMS, body_type_size
from test_cli import assert_one_line_error, booklet

DISCLAIMER = "not a PEMAT score"


@pytest.fixture(scope="module")
def shipped(tmp_path_factory) -> tuple[Path, list[dict]]:
    """The sheets of every shipped handout (no built PDF to measure: an empty --out) and the check's reports."""
    tmp = tmp_path_factory.mktemp("pemat")
    result = booklet("check", "--json", "--today", "2026-01-15", "--out", str(tmp / "none"),
                     "--sheets", str(tmp / "sheets"))
    assert result.returncode == 0, result.stderr
    return tmp / "sheets", json.loads(result.stdout)


def pdf_text(pdf: Path) -> str:
    return " ".join(page.extract_text() for page in PdfReader(pdf).pages)


def squeezed(text: str) -> str:
    """Text without whitespace: a PDF's lines break anywhere, a hyphenated code word included."""
    return re.sub(r"\s+", "", text)


def item(html: lxml.html.HtmlElement, number: int) -> lxml.html.HtmlElement:
    return html.get_element_by_id(f"item-{number}")


def test_a_sheet_per_report_in_html_and_pdf(shipped):
    sheets, reports = shipped
    assert {(r["document"], r["locale"]) for r in reports} >= {(PMN, "en"), (PMN, "ar"), (TREATMENT, "es")}
    for report in reports:
        for suffix in ("html", "pdf"):
            assert (sheets / report["locale"] / f"{report['document']}.pemat.{suffix}").is_file()


def test_the_pdf_is_tagged_a4_clear_print(shipped):
    pdf = shipped[0] / "en" / f"{PMN}.pemat.pdf"
    reader = PdfReader(pdf)
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root and root["/Lang"] == "en"
    assert all(round(float(p.mediabox.width)) == 595 and round(float(p.mediabox.height)) == 842 for p in reader.pages)
    assert body_type_size(pdf) >= 12


@pytest.mark.parametrize("locale", ["en", "ar"])
def test_every_item_judged_with_evidence_or_left_blank(shipped, locale):
    sheets, reports = shipped
    report = next(r for r in reports if r["document"] == PMN and r["locale"] == locale)
    text = pdf_text(sheets / locale / f"{PMN}.pemat.pdf")
    html = lxml.html.fromstring((sheets / locale / f"{PMN}.pemat.html").read_text(encoding="utf-8"))
    for number, wording in PEMAT_P_ITEMS.items():
        assert squeezed(f"{number}. {wording}") in squeezed(text), number
    findings = {f["number"]: f for f in report["pemat"] if f["number"] in PEMAT_P_ITEMS}
    judged = {n for n, f in findings.items() if f["met"] is not None}
    assert judged and set(PEMAT_P_ITEMS) - judged
    for number in PEMAT_P_ITEMS:
        row = item(html, number)
        row_text = row.text_content()
        if number in judged:
            verdict = "Agree" if findings[number]["met"] else "Disagree"
            assert f"Suggested by booklet — confirm: {verdict}" in " ".join(row_text.split())
            assert squeezed(findings[number]["evidence"]) in squeezed(text)
        else:
            assert "Suggested" not in row_text
            boxes = row.find_class("answer")
            assert [b.text_content() for b in boxes] == ["Agree", "Disagree", "N/A"]
            assert all(not b.find_class("box")[0].text_content() for b in boxes)  # empty, for the reviewer
            assert row.find_class("notes")
    assert squeezed("Suggested by booklet — confirm") in squeezed(text)


def test_the_body_type_is_listed_apart_from_the_pemat_items(shipped):
    sheets, reports = shipped
    report = next(r for r in reports if r["document"] == PMN and r["locale"] == "en")
    assert {f["number"] for f in report["pemat"]} <= set(PEMAT_P_ITEMS)  # no number for what is not an AHRQ item
    html = lxml.html.fromstring((sheets / "en" / f"{PMN}.pemat.html").read_text(encoding="utf-8"))
    numbered = {int(row.get("id").removeprefix("item-")) for row in html.find_class("item")}
    assert numbered == set(PEMAT_P_ITEMS)  # 13 and 14 are AHRQ's audiovisual items: not on a print checklist
    [other] = html.find_class("other-findings")
    text = " ".join(other.text_content().split())
    assert report["body_type"]["label"] in text and "not a PEMAT item" in text
    assert f"Not judged ({report['body_type']['evidence']})" in text  # --out held no built PDF to measure


def test_sign_off_and_footer_but_never_a_score(shipped):
    sheets = shipped[0]
    for path in (sheets / "en" / f"{PMN}.pemat.pdf", sheets / "es" / f"{TREATMENT}.pemat.pdf"):
        text = " ".join(pdf_text(path).split())
        for line in ("Reviewer’s name", "Role", "Date", "Signature"):
            assert line in text
        assert ("PEMAT-informed: items suggested by an automatic check, for a human reviewer to confirm; "
                "not a PEMAT score") in text
        assert squeezed("https://www.ahrq.gov/health-literacy/patient-education/pemat.html") in squeezed(text)
        assert "score" not in text.lower().replace(DISCLAIMER.lower(), "") and "%" not in text
    html = " ".join((sheets / "en" / f"{PMN}.pemat.html").read_text(encoding="utf-8").split())
    assert "score" not in html.lower().replace(DISCLAIMER.lower(), "") and "%" not in html


def test_the_html_is_standalone_and_the_title_in_its_own_direction(shipped):
    sheets = shipped[0]
    html = (sheets / "ar" / f"{PMN}.pemat.html").read_text(encoding="utf-8")
    assert not re.search(r"<link|<script|src=|url\(", html)  # opens from a file: nothing to fetch
    page = lxml.html.fromstring(html)
    assert page.get("lang") == "en" and page.get("dir") == "ltr"
    [title] = page.findall(".//h1")
    assert title.get("lang") == "ar" and title.get("dir") == "rtl"


def test_hostile_text_is_escaped(tmp_path):
    project = tmp_path / "p"
    doc = project / "sources" / "hostile"
    doc.mkdir(parents=True)
    (project / "booklet.toml").write_text('locales = ["en"]\n', encoding="utf-8")
    (doc / "meta.toml").write_text('title = "Rest <script>alert(1)</script> & care"\nlang = "en"\nfile = "a.md"\n',
                                   encoding="utf-8")
    (doc / "a.md").write_text("# Rest\n\n## Summary: 1 < 2 & 4 > 3\n\n- Rest.\n- Drink water.\n",
                              encoding="utf-8")
    result = booklet("check", "--sheets", str(tmp_path / "sheets"), "--out", str(tmp_path / "none"), cwd=project)
    assert result.returncode == 0, result.stderr
    html = (tmp_path / "sheets" / "en" / "hostile.pemat.html").read_text(encoding="utf-8")
    assert "<script>" not in html
    assert "Rest &lt;script&gt;alert(1)&lt;/script&gt; &amp; care" in html
    assert "Summary: 1 &lt; 2 &amp; 4 &gt; 3" in html  # the summary's heading, quoted in item 11's evidence
    assert "<script>alert(1)</script>" in pdf_text(tmp_path / "sheets" / "en" / "hostile.pemat.pdf")  # as text


def test_sheets_in_a_file_is_a_one_line_error(tmp_path):
    a_file = tmp_path / "sheets"
    a_file.write_text("", encoding="utf-8")
    result = booklet("check", "--doc", TREATMENT, "--locale", "en", "--sheets", str(a_file), cwd=REPO)
    assert_one_line_error(result, "--sheets")
