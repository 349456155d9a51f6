"""Large print: every piece of text at least 18 pt, headings 20-22 pt bold, no italics, navigation right."""
from __future__ import annotations

import re
import subprocess

import pdfplumber
import pytest
from pypdf import PdfReader

from conftest import PMN, TREATMENT
from pipeline.render import WRITERS, output_path
from pipeline.render.layouts import load_manifest
from test_render import check_navigation

# The heading sizes (ACB): the title and the sections 22 pt, their sub-sections 20 pt.
SECTION_PT, SUBSECTION_PT = 22.0, 20.0


@pytest.fixture(scope="module")
def large_print(loaded_seeds, tmp_path_factory):
    """Both seed documents built in large print through the registry: {doc_id: (doc, pdf, warnings)}."""
    out = tmp_path_factory.mktemp("output")
    built = {}
    for doc_id in (PMN, TREATMENT):
        doc = loaded_seeds[doc_id].document
        target = output_path(out, doc, "pdf", "large-print")
        built[doc_id] = doc, target, WRITERS["pdf"](doc, target, "large-print", "a4").warnings
    return built


def chars_by_size(pdf_path) -> dict[float, list[dict]]:
    sizes: dict[float, list[dict]] = {}
    with pdfplumber.open(pdf_path) as pdf:
        for page in pdf.pages:
            for char in page.chars:
                sizes.setdefault(round(char["size"], 2), []).append(char)
    return sizes


def squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_manifest_asks_for_18pt_and_allows_nothing_smaller():
    manifest = load_manifest("large-print")
    assert (manifest.body_pt, manifest.min_body_pt) == (18, 18)


@pytest.mark.slow
@pytest.mark.parametrize("doc_id", [PMN, TREATMENT])
def test_no_text_below_18pt(large_print, doc_id):
    """Body, contents, citation markers, sources, about box and the page footer alike."""
    _, target, warnings = large_print[doc_id]
    assert warnings == []
    sizes = chars_by_size(target)
    assert min(sizes) >= 18.0, {size: "".join(c["text"] for c in chars[:40]) for size, chars in sizes.items()}
    assert max(sizes, key=lambda size: len(sizes[size])) == 18.0  # the body
    markers = [c for c in sizes[18.0] if c["text"] == "["]
    if large_print[doc_id][0].citations:
        assert markers, "citation markers must be printed at body size"
    pages = len(PdfReader(target).pages)
    with pdfplumber.open(target) as pdf:
        for number, page in enumerate(pdf.pages[1:], start=2):  # the cover carries no page furniture
            footer = [c for c in page.chars if c["top"] > page.height * 0.85]
            assert f"Page {number} of {pages}" in "".join(c["text"] for c in footer)
            assert {round(c["size"], 2) for c in footer} == {18.0}


@pytest.mark.slow
@pytest.mark.parametrize("doc_id", [PMN, TREATMENT])
def test_headings_are_20_to_22pt_bold_and_nothing_else_is(large_print, doc_id):
    doc, target, _ = large_print[doc_id]
    sizes = chars_by_size(target)
    assert set(sizes) <= {18.0, SUBSECTION_PT, SECTION_PT}
    for size in (SUBSECTION_PT, SECTION_PT):
        assert all("Bold" in c["fontname"] for c in sizes.get(size, [])), size
    sections = [s for s in doc.walk_sections() if s.depth == 1]
    box = [s.title for s in doc.sections_with_role("see-doctor")][:1]  # the box after the contents (guide)
    expected_22 = [doc.title, "Contents"] + box + [s.title for s in sections] + (
        ["Sources"] if doc.citations else []) + ["About this information"]
    # in document order, page by page: exactly the headings at each size, and no other text
    assert squeezed("".join(c["text"] for c in sizes[SECTION_PT])) == squeezed("".join(expected_22))
    expected_20 = [s.title for s in doc.walk_sections() if s.depth > 1]
    assert squeezed("".join(c["text"] for c in sizes.get(SUBSECTION_PT, []))) == squeezed("".join(expected_20))


@pytest.mark.slow
@pytest.mark.parametrize("doc_id", [PMN, TREATMENT])
def test_no_italic_fonts(large_print, doc_id):
    _, target, _ = large_print[doc_id]
    listing = subprocess.run(["pdffonts", str(target)], capture_output=True, text=True, check=True).stdout
    fonts = [line.split()[0] for line in listing.splitlines()[2:]]
    assert fonts and not [f for f in fonts if re.search(r"italic|oblique", f, re.IGNORECASE)], fonts


@pytest.mark.slow
@pytest.mark.parametrize("doc_id", [PMN, TREATMENT])
def test_contents_page_numbers_match_the_headings(large_print, doc_id):
    doc, target, _ = large_print[doc_id]
    pages = check_navigation(target, doc)
    assert len(pages) > 1
