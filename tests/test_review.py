"""Clinical review of a catalog: recorded by `booklet i18n review` (header and a mark per entry), kept by GNU
msgmerge, and undone, entry by entry, by any later change: the catalog then reads "partly reviewed" in
`i18n stats` and on the handout, never "reviewed"."""
import re
import subprocess
from pathlib import Path

import pytest

from pipeline.errors import BookletError
from pipeline.i18n.catalogs import read_catalog
from pipeline.i18n.review import NONE, PARTLY, REVIEWED, Review, parse_review

from test_cli import assert_one_line_error, booklet
from test_gates import dose_project, text_of

SPANISH = {"Dose": "Dosis", "Take 500 mg twice daily with food.": "Tome 500 mg dos veces al día con comida.",
           "Drink plenty of water.": "Beba mucha agua."}


@pytest.mark.parametrize("value, review", [
    ("none", None), ("", None), (None, None),
    ("Dr A. Reviewer; 2026-11-02; whole leaflet", Review("Dr A. Reviewer", "2026-11-02", "whole leaflet")),
    ("Dr A. Reviewer; 2026-11-02", Review("Dr A. Reviewer", "2026-11-02")),
    ("Dr A. Reviewer, MD, 2026-12-01", Review("Dr A. Reviewer, MD", "2026-12-01")),  # the form written before
])
def test_the_review_header_is_read(value, review):
    assert parse_review(value) == review


@pytest.mark.parametrize("value", ["Dr A. Reviewer", "Dr A. Reviewer; last week", "Dr A; 2026-13-40; all"])
def test_a_review_without_a_real_date_is_refused(value):
    with pytest.raises(BookletError, match="X-Clinical-Review"):
        parse_review(value)


def stats_review(root: Path) -> str:
    result = booklet("i18n", "stats", cwd=root)
    assert result.returncode == 0, result.stderr
    row = next(line for line in result.stdout.splitlines() if line.startswith("es ") and " dose " in line)
    return row.split("  ")[-1].strip()


def po_of(root: Path) -> Path:
    return root / "translations" / "es" / "LC_MESSAGES" / "dose.po"


def reviewed_project(tmp_path) -> Path:
    root = dose_project(tmp_path, SPANISH)
    result = booklet("i18n", "review", "es", "dose", "--by", "Dr A. Reviewer", "--date", "2026-11-02",
                     "--scope", "whole leaflet", cwd=root)
    assert result.returncode == 0, result.stderr
    assert "3 translated entries" in result.stderr
    return root


def test_a_review_covers_every_translated_entry_and_survives_gnu_tools(tmp_path):
    root = reviewed_project(tmp_path)
    po = po_of(root)
    loaded = read_catalog(po)
    assert loaded.extra_headers["X-Clinical-Review"] == "Dr A. Reviewer; 2026-11-02; whole leaflet"
    status = loaded.review_status()
    assert (status.state, status.covered, status.changed) == (REVIEWED, 3, 0)
    assert stats_review(root) == REVIEWED
    before = po.read_bytes()
    assert subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(po)]).returncode == 0
    assert subprocess.run(["msgcat", "-o", "-", str(po)], capture_output=True, check=True).stdout == before
    pot = root / "translations" / "templates" / "dose.pot"
    subprocess.run(["msgmerge", "--quiet", "--previous", "-U", "--backup=off", str(po), str(pot)], check=True)
    assert read_catalog(po).review_status().state == REVIEWED  # msgmerge keeps the marks


@pytest.mark.parametrize("change", ["edited", "added", "source"])
def test_an_entry_changed_after_the_review_makes_it_partly_reviewed(tmp_path, change):
    root = reviewed_project(tmp_path)
    po = po_of(root)
    text = po.read_text(encoding="utf-8")
    if change == "edited":  # a translator rewords one entry (in Poedit, Weblate or an editor)
        po.write_text(text.replace('msgstr "Beba mucha agua."', 'msgstr "Beba bastante agua."'), encoding="utf-8")
    elif change == "added":  # an entry translated after the review
        po.write_text(re.sub(r'(msgid "Rest when you can\."\nmsgstr )""', r'\1"Descanse cuando pueda."', text),
                      encoding="utf-8")
    else:  # the source changes; `i18n update` keeps the old translation as fuzzy: not printed, not counted
        source = root / "sources" / "dose" / "a.md"
        source.write_text(source.read_text(encoding="utf-8").replace("food.", "a meal."), encoding="utf-8")
        assert booklet("i18n", "extract", cwd=root).returncode == 0
        assert booklet("i18n", "update", cwd=root).returncode == 0
        po.write_text(po.read_text(encoding="utf-8").replace(
            'msgid "Drink plenty of water."\nmsgstr "Beba mucha agua."',
            'msgid "Drink plenty of water."\nmsgstr "Beba agua."'), encoding="utf-8")
    status = read_catalog(po).review_status()
    assert status.state == PARTLY and status.changed == 1, status
    assert stats_review(root) == f"{PARTLY} (1 changed since)"


@pytest.mark.slow
def test_the_handout_says_how_far_its_translation_was_reviewed(tmp_path):
    root = reviewed_project(tmp_path)
    build = ["build", "--locale", "es", "--layout", "guide", "--format", "pdf"]
    pdf = root / "output" / "es" / "dose.guide.pdf"
    assert booklet(*build, cwd=root).returncode == 0
    text = text_of(pdf)
    assert "Traducción revisada por: Dr A. Reviewer, 2 de noviembre de 2026" in text
    assert "Traducción aún no revisada" not in text and "solo en parte" not in text
    po = po_of(root)
    po.write_text(po.read_text(encoding="utf-8").replace('msgstr "Beba mucha agua."', 'msgstr "Beba agua."'),
                  encoding="utf-8")
    result = booklet(*build, cwd=root)
    assert result.returncode == 0, result.stderr
    text = text_of(pdf)
    assert "Traducción revisada solo en parte por un profesional sanitario" in text  # the footer
    assert "las partes modificadas después de esta revisión aún no se han revisado" in text  # the about box


def test_a_broken_review_header_names_its_line(tmp_path):
    root = dose_project(tmp_path, SPANISH)
    po = po_of(root)
    po.write_text(po.read_text(encoding="utf-8").replace('"Content-Transfer-Encoding: 8bit\\n"\n',
                                                         '"Content-Transfer-Encoding: 8bit\\n"\n'
                                                         '"X-Clinical-Review: Dr A. Reviewer\\n"\n'), encoding="utf-8")
    line = next(n for n, row in enumerate(po.read_text(encoding="utf-8").splitlines(), 1) if "X-Clinical" in row)
    assert_one_line_error(booklet("i18n", "stats", cwd=root), f"{po}:{line}:", "X-Clinical-Review")


def test_an_unreviewed_catalog_reads_not_reviewed(tmp_path):
    root = dose_project(tmp_path, SPANISH)
    assert read_catalog(po_of(root)).review_status().state == NONE
    assert stats_review(root) == NONE
