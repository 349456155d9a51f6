"""The PEMAT-informed reviewer sheet of one handout (document × locale), for `booklet check --sheets DIR`.

Every item of AHRQ's PEMAT-P checklist, in its order and words: the items `booklet check` judged carry its
verdict and evidence as a suggestion for the reviewer to confirm; the others have empty answer boxes.  It never
adds up a PEMAT score: only a human reviewer's answers to every item make one.

One template (layouts/pemat-sheet/) gives both files: the HTML, standalone (its stylesheet inside it and no
font or other file to fetch, so it opens from a folder or an e-mail), and the PDF, which also links the layout
fonts so that every script prints with the fonts the handouts use.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import NamedTuple

from pipeline.fsio import write_atomic
from pipeline.index import english_name
from pipeline.model import Document
from pipeline.quality import FIRST_ACTIONABILITY_ITEM, PEMAT_P_ITEMS, BodyType, PematItem, Report
from pipeline.render import safe_name_part, text_direction
from pipeline.render.layouts import BUILTIN, LayoutSet

TEMPLATE = "pemat-sheet/pemat-sheet.html.j2"
# The User's Guide's home on AHRQ's site, as cited widely since AHRQ moved the PEMAT pages there from
# /professionals/prevention-chronic-care/improve/self-mgmt/pemat/.  Not checked against the live site (AHRQ has
# moved these pages more than once; copies of the guide's pages are also found under /ncepcr/tools/self-mgmt/).
PEMAT_GUIDE_URL = "https://www.ahrq.gov/health-literacy/patient-education/pemat.html"
ANSWERS = ("Agree", "Disagree", "N/A")  # PEMAT's answer options for an item


class ChecklistRow(NamedTuple):
    """One PEMAT-P item on the sheet, with what `booklet check` found about it (None: nothing)."""

    number: int
    text: str
    finding: PematItem | None

    @property
    def suggested(self) -> str | None:
        """The answer the check suggests ("Agree" or "Disagree"), None where it left the item to the reviewer."""
        if self.finding is None or self.finding.met is None:
            return None
        return ANSWERS[0] if self.finding.met else ANSWERS[1]


def checklist(report: Report) -> tuple[list[ChecklistRow], list[ChecklistRow], list[BodyType]]:
    """The report's PEMAT findings on AHRQ's checklist: its understandability rows, its actionability rows, and
    the measures that are not PEMAT-P items (the body type size)."""
    findings = {item.number: item for item in report.pemat}
    rows = [ChecklistRow(number, text, findings.get(number)) for number, text in PEMAT_P_ITEMS.items()]
    return ([row for row in rows if row.number < FIRST_ACTIONABILITY_ITEM],
            [row for row in rows if row.number >= FIRST_ACTIONABILITY_ITEM],
            [report.body_type] if report.body_type is not None else [])


def sheet_html(doc: Document, report: Report, checked_on: dt.date, *, layouts: LayoutSet = BUILTIN,
               for_print: bool = False) -> str:
    """The reviewer sheet of `doc` (the edition `report` is about) as HTML; `for_print`: for WeasyPrint, with the
    layout fonts linked (relative to `base_url(layouts)`), else standalone."""
    from pipeline.render.html import environment

    understandability, actionability, other_findings = checklist(report)
    title_lang = doc.langs.get("title") or doc.lang  # a title not yet translated is in the source's language
    return environment(layouts).get_template(TEMPLATE).render(
        doc=doc, report=report, checked_on=checked_on.isoformat(), for_print=for_print,
        title_lang=title_lang, title_dir=text_direction(title_lang), language_dir=text_direction(doc.lang),
        language_in_english=english_name(doc.lang), answers=ANSWERS, understandability=understandability,
        actionability=actionability, other_findings=other_findings, pemat_guide_url=PEMAT_GUIDE_URL)


def sheet_paths(sheets_dir: Path, report: Report) -> tuple[Path, Path]:
    """`<sheets_dir>/<locale>/<doc-id>.pemat.html` and `.pemat.pdf`."""
    folder = Path(sheets_dir) / safe_name_part("locale", report.locale)
    stem = safe_name_part("document id", report.document) + ".pemat"
    return folder / f"{stem}.html", folder / f"{stem}.pdf"


def write_pemat_sheet(doc: Document, report: Report, sheets_dir: Path, checked_on: dt.date, *,
                      layouts: LayoutSet = BUILTIN) -> tuple[Path, Path]:
    """Write the reviewer sheet of `doc` as HTML and as a tagged PDF (each atomically); returns their paths."""
    from pipeline.render.pdf import html_to_pdf

    html_path, pdf_path = sheet_paths(sheets_dir, report)
    write_atomic(html_path, sheet_html(doc, report, checked_on, layouts=layouts))
    html_to_pdf(sheet_html(doc, report, checked_on, layouts=layouts, for_print=True), pdf_path, layouts=layouts,
                source=doc.meta.source_file or doc.id)
    return html_path, pdf_path
