"""Publish gates: a translated handout is published only when it is really translated, and a translation that
fails a critical QA check is never printed."""
import re
import shutil
from pathlib import Path

import pytest
from babel.messages.pofile import read_po, write_po
from pypdf import PdfReader

from conftest import PMN, REPO
from test_cli import assert_one_line_error, booklet


def text_of(pdf: Path) -> str:
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in PdfReader(pdf).pages))


def seed_project(tmp_path, config: str = "") -> Path:
    """This repository's seed 000 with its French catalogs, in a project of its own."""
    root = tmp_path / "project"
    shutil.copytree(REPO / "sources" / PMN, root / "sources" / PMN)
    messages = root / "translations" / "fr" / "LC_MESSAGES"
    messages.mkdir(parents=True)
    shutil.copy(REPO / "translations" / "fr" / "LC_MESSAGES" / f"{PMN}.po", messages)
    (root / "booklet.toml").write_text(config, encoding="utf-8")
    return root


@pytest.mark.slow
def test_a_mostly_english_translation_is_held_back_and_an_old_copy_removed(tmp_path):
    """The shipped French catalog translates what the sheet prints and little else: the sheet is published,
    the guide and the EPUB are not, each with one line giving the figures and the command that lists the rest."""
    project = seed_project(tmp_path)
    stale = project / "output" / "fr" / f"{PMN}.guide.pdf"
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"%PDF- an English book with a French cover, from an earlier build")
    result = booklet("build", "--locale", "fr", "--layout", "guide", "--layout", "sheet", "--format", "pdf",
                     "--format", "epub", cwd=project)
    assert result.returncode == 0, result.stderr
    out = project / "output" / "fr"
    assert (out / f"{PMN}.sheet.pdf").is_file()
    assert not (out / f"{PMN}.guide.pdf").exists() and not (out / f"{PMN}.epub").exists()
    assert f"removed {stale} (held back by its publish gate)" in result.stderr
    for target in ("guide", "epub"):
        line = next(line for line in result.stderr.splitlines() if line.startswith(f"{PMN} {target} (fr): "))
        figures = re.search(r"not published: (\d+) safety-critical units .* untranslated; ([\d.]+) % of its words "
                            r"translated, 80 % needed; `booklet i18n missing fr " + PMN + "`", line)
        assert figures, line
        assert int(figures[1]) > 0 and float(figures[2]) < 80

    listed = booklet("i18n", "missing", "fr", PMN, cwd=project)
    assert listed.returncode == 0, listed.stderr
    kinds = [line.split("\t")[0] for line in listed.stdout.splitlines()]
    assert kinds == sorted(kinds) and kinds.count("critical") == int(figures[1])  # critical first, as counted
    assert f"{float(figures[2]):g} % of the words translated" in listed.stderr

    proof = booklet("build", "--locale", "fr", "--layout", "guide", "--format", "pdf", "--allow-incomplete",
                    cwd=project)
    assert proof.returncode == 0, proof.stderr
    assert "built below its publish gate" in proof.stderr
    with (REPO / "translations" / "fr" / "LC_MESSAGES" / "ui.po").open("rb") as f:
        note = read_po(f)["Parts of this leaflet are not yet translated and are shown in %(language)s."].string
    cover = PdfReader(out / f"{PMN}.guide.pdf").pages[0].extract_text()
    assert " ".join(note.split()[:4]) in " ".join(cover.split())  # the cover says so, in French
    # and the index a clinic picks from marks it a proof, in its row only (the published sheet is not one)
    index = (project / "output" / "index.html").read_text(encoding="utf-8")
    rows = {href: row for href, row in re.findall(r'<a href="fr/([^"]+)">(.*?)</tr>', index, re.S)}
    assert "Proof: not for patients." in rows[f"{PMN}.guide.pdf"] and "built below its publish gate" in rows[
        f"{PMN}.guide.pdf"]
    assert "Proof" not in rows[f"{PMN}.sheet.pdf"]


@pytest.mark.slow
def test_booklet_toml_sets_a_layouts_gate(tmp_path):
    project = seed_project(tmp_path, '[gates.guide]\nmin_words = 10\ncritical_roles = ["see-doctor"]\ndoses = false\n')
    result = booklet("build", "--locale", "fr", "--layout", "guide", "--format", "pdf", cwd=project)
    assert result.returncode == 0, result.stderr
    assert (project / "output" / "fr" / f"{PMN}.guide.pdf").is_file()  # when-to-see-a-doctor is translated


def test_a_gate_for_an_unknown_layout_names_its_line(tmp_path):
    project = seed_project(tmp_path, 'layouts = ["guide"]\n\n[gates.gide]\nmin_words = 50\n')
    assert_one_line_error(booklet("build", cwd=project), "booklet.toml:3:", "gates.gide")
    assert booklet("build", cwd=project).returncode == 2


def test_gate_values_are_checked(tmp_path):
    project = seed_project(tmp_path, '[gates.guide]\nmin_words = 180\n')
    assert_one_line_error(booklet("build", cwd=project), "booklet.toml:2:", "min_words")
    project = seed_project(tmp_path / "roles", '[gates.guide]\ncritical_roles = ["see-doctr"]\n')
    assert_one_line_error(booklet("build", cwd=project), "booklet.toml:2:", "unknown role 'see-doctr'")


DOSE_LEAFLET = "# Dose\n\nTake 500 mg twice daily with food.\n\nDrink plenty of water.\n\nRest when you can.\n"


def dose_project(tmp_path, spanish: dict[str, str], fuzzy: frozenset[str] = frozenset(),
                 leaflet: str = DOSE_LEAFLET) -> Path:
    """A short leaflet translated into Spanish with `spanish` (entries in `fuzzy` marked so)."""
    root = tmp_path / "project"
    doc = root / "sources" / "dose"
    doc.mkdir(parents=True)
    (doc / "meta.toml").write_text('title = "Dose"\nlang = "en"\nfile = "a.md"\n', encoding="utf-8")
    (doc / "a.md").write_text(leaflet, encoding="utf-8")
    (root / "booklet.toml").write_text('[gates.guide]\nmin_words = 0\ncritical_roles = []\ndoses = false\n',
                                       encoding="utf-8")
    assert booklet("i18n", "extract", cwd=root).returncode == 0
    assert booklet("i18n", "init", "es", cwd=root).returncode == 0
    po = root / "translations" / "es" / "LC_MESSAGES" / "dose.po"
    with po.open("rb") as f:
        catalog = read_po(f)
    for message in catalog:
        if message.id in spanish:
            message.string = spanish[message.id]
            if message.id in fuzzy:
                message.flags.add("fuzzy")
    with po.open("wb") as f:
        write_po(f, catalog)
    return root


@pytest.mark.slow
def test_a_translation_that_changes_a_dose_is_never_printed(tmp_path):
    wrong = {"Dose": "Dosis", "Take 500 mg twice daily with food.": "Tome 50 mg dos veces al día con comida.",
             "Drink plenty of water.": "Beba mucha agua."}
    root = dose_project(tmp_path, wrong)
    result = booklet("build", "--locale", "es", "--layout", "guide", "--format", "pdf", cwd=root)
    assert result.returncode == 0, result.stderr
    assert ("3 units shown in the source language (2 untranslated, 0 fuzzy, 1 because their translation failed "
            "the QA check)") in result.stderr  # the other two: "Rest when you can." and the project's disclaimer
    text = text_of(root / "output" / "es" / "dose.guide.pdf")
    assert "Beba mucha agua." in text and "Take 500 mg twice daily with food." in text
    assert "50 mg" not in text.replace("500 mg", "")
    report = (root / "output" / "es" / "dose.untranslated.txt").read_text(encoding="utf-8")
    assert "failed the QA check: dose-number" in report


def test_the_report_tells_fuzzy_units_from_untranslated_ones(tmp_path):
    spanish = {"Dose": "Dosis", "Take 500 mg twice daily with food.": "Tome 500 mg dos veces al día con comida.",
               "Drink plenty of water.": "Beba mucha agua."}
    root = dose_project(tmp_path, spanish, fuzzy=frozenset({"Drink plenty of water."}))
    result = booklet("build", "--locale", "es", "--layout", "guide", "--format", "pdf", cwd=root)
    assert result.returncode == 0, result.stderr
    assert "3 units shown in the source language (2 untranslated, 1 fuzzy)" in result.stderr
    rows = [line.split("\t") for line in
            (root / "output" / "es" / "dose.untranslated.txt").read_text(encoding="utf-8").splitlines()]
    reasons = {unit: reason for unit, _, _, reason in rows}
    assert reasons == {"intro.2": "fuzzy: its translation waits for a translator to confirm it",
                       "intro.3": "untranslated", "disclaimer": "untranslated"}
    assert "Beba mucha agua." not in text_of(root / "output" / "es" / "dose.guide.pdf")


@pytest.mark.slow
def test_a_sheet_that_overflows_names_its_unit_and_catalog_line_and_the_build_goes_on(tmp_path):
    """A translation too long for the one-page sheet fails that sheet only: the error quotes the unit that runs
    onto page 2 and gives its msgstr line, where the translator shortens it; the other outputs are built."""
    project = seed_project(tmp_path)
    po = project / "translations" / "fr" / "LC_MESSAGES" / f"{PMN}.po"
    short = "Faites les exercices prescrits à la maison"
    long = short + ", doucement et régulièrement, en vous reposant entre chaque série" * 40 + "."
    text = po.read_text(encoding="utf-8")
    assert text.count(f'msgstr "{short}.') == 1
    po.write_text(text.replace(f'msgstr "{short}.', f'msgstr "{long[:-1]}.'), encoding="utf-8")
    line = next(n for n, row in enumerate(po.read_text(encoding="utf-8").splitlines(), 1)
                if row.startswith(f'msgstr "{short},'))
    result = booklet("build", "--locale", "fr", "--locale", "en", "--layout", "sheet", "--layout", "guide",
                     "--format", "pdf", cwd=project)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    error = result.stderr.strip().splitlines()[-1]
    assert error.startswith(f"booklet: error: {po}:{line}: {PMN} (fr): the sheet layout"), result.stderr
    assert re.search(rf'\(from "{short}, doucement et .*…"\) runs onto page 2', error), error
    assert "•" not in error
    assert (project / "output" / "en" / f"{PMN}.sheet.pdf").is_file()  # the rest of the build went on
    assert (project / "output" / "en" / f"{PMN}.guide.pdf").is_file()
    assert not (project / "output" / "fr" / f"{PMN}.sheet.pdf").exists()
    assert re.search(r"\d+ built, 0 up to date, \d+ skipped, 1 failed", result.stderr), result.stderr


def test_a_printed_translation_with_a_functional_qa_problem_is_a_warning(tmp_path):
    """A lost abbreviation does not change a dose: the translation is printed, and the build says what to fix."""
    leaflet = "# Dose\n\nTake 500 mg IV twice daily.\n"
    root = dose_project(tmp_path, {"Dose": "Dosis", "Take 500 mg IV twice daily.":
                                   "Tome 500 mg por vía intravenosa dos veces al día."}, leaflet=leaflet)
    result = booklet("build", "--locale", "es", "--layout", "guide", "--format", "pdf", cwd=root)
    assert result.returncode == 0, result.stderr
    assert ("dose (es): 1 printed translations have QA warnings (abbreviation ×1); `booklet i18n check` lists them"
            in result.stderr), result.stderr
    assert "por vía intravenosa" in text_of(root / "output" / "es" / "dose.guide.pdf")
