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
from test_print_margins import structure
from test_render import check_navigation

# Headings "clearly larger" than the body (APH, RNIB: they must stand out by size, not by weight alone; the 20-22 pt
# of ACB beside an 18 pt body did not): every heading at least this much larger than the body, each level larger
# than the one below it, and the title on the cover the largest type of the whole edition.
CLEARLY_LARGER = 1.2


@pytest.fixture(scope="module")
def large_print(loaded_seeds, tmp_path_factory):
    """Both seed documents built in large print through the registry: {doc_id: (doc, pdf, warnings)}."""
    out = tmp_path_factory.mktemp("output")
    built = {}
    for doc_id in (PMN, TREATMENT):
        doc = loaded_seeds[doc_id].document
        target = output_path(out, doc, "pdf", "large-print")
        built[doc_id] = doc, target, WRITERS["pdf"](doc, target, "large-print", paper="a4").warnings
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


def heading_levels(pdf_path) -> tuple[dict[int, list[dict]], list[dict]]:
    """The characters of the edition's headings by level (1 for H1: the title), from the tagged PDF's structure,
    and every other character, with its page number."""
    headings: dict[int, list[dict]] = {}
    others = []
    with pdfplumber.open(pdf_path) as pdf:
        for page in pdf.pages:
            types = structure(pdf, page)
            for char in page.chars:
                if not char["text"].strip():
                    continue
                level = next((int(t[1]) for t in reversed(types.get(char.get("mcid"), [])) if re.fullmatch(r"H[1-6]", t)),
                             None)
                (headings.setdefault(level, []) if level else others).append(char)
    return headings, others


@pytest.mark.slow
@pytest.mark.parametrize("doc_id", [PMN, TREATMENT])
def test_headings_are_bold_and_clearly_larger_than_the_body(large_print, doc_id):
    doc, target, _ = large_print[doc_id]
    body = load_manifest("large-print").body_pt
    headings, others = heading_levels(target)
    levels = sorted(headings)
    assert levels[:2] == [1, 2] and (3 in levels) == any(s.depth > 1 for s in doc.walk_sections()), levels
    sizes = {level: {round(c["size"], 2) for c in headings[level]} for level in levels}
    for level in levels:
        assert all("Bold" in c["fontname"] for c in headings[level]), level
        assert min(sizes[level]) >= CLEARLY_LARGER * body, (level, sizes[level])
    for upper, lower in zip(levels, levels[1:]):
        assert min(sizes[upper]) > max(sizes[lower]), (upper, sizes[upper], lower, sizes[lower])
    # the title is the largest type there is, on the cover and in the whole edition
    assert [c["page_number"] for c in headings[1]] == [1] * len(headings[1])
    assert min(sizes[1]) > max(round(c["size"], 2) for c in others)
    # and what is no heading is set at the body size, but for the cover's subtitle (between the two)
    inner = {round(c["size"], 2) for c in others if c["page_number"] > 1}
    assert inner == {body}, inner


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
