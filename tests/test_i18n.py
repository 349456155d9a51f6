"""The translators' workflow on a real project folder: extract, init, translate, build, change the source,
update, build again; and the guarantees around it (fuzzy never printed, nothing lost, fallbacks marked)."""
import re
import shutil
import subprocess
import zipfile
from datetime import datetime, timezone
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po, write_po
from pypdf import PdfReader

from pipeline.errors import BookletError
from pipeline.i18n.catalogs import po_headers, read_catalog, update, write_catalog
from pipeline.i18n.units import translate, units
from pipeline.sources import load, resolve

from conftest import REPO, TREATMENT
from test_cli import assert_one_line_error, booklet

SOURCE = "004_e1f533e445a99f63.txt"
PLASMA = "Plasmapheresis"
PLASMA_ES = "Plasmaféresis"


@pytest.fixture()
def project(tmp_path):
    root = tmp_path / "project"
    shutil.copytree(REPO / "sources" / TREATMENT, root / "sources" / TREATMENT)
    (root / "booklet.toml").write_text('locales = ["en", "es"]\nlayouts = ["guide"]\nformats = ["pdf", "epub"]\n',
                                       encoding="utf-8")
    return root


def run(root, *args):
    result = booklet(*args, cwd=root)
    assert result.returncode == 0, result.stderr
    return result


def unit_ids(message) -> set[str]:
    """The unit ids an entry's `#.` comments name ("Other medical treatments [other-medical-treatments.2.1]")."""
    return {found.group(1) for comment in message.auto_comments if (found := re.search(r"\[([^]]+)\]$", comment))}


def translate_po(po: Path, mapping: dict[str, str]) -> None:
    """Translate the entries `mapping` names by msgid or by a unit id of their comments."""
    loaded = read_catalog(po)
    for message in loaded.catalog:
        if message.id and (key := next((k for k in [message.id, *sorted(unit_ids(message))] if k in mapping), None)):
            message.string = mapping[key]
    loaded.catalog.revision_date = datetime(2026, 11, 21, tzinfo=timezone.utc)
    write_catalog(po, loaded.catalog, loaded.extra_headers)


def pdf_text(path):
    return re.sub(r"\s+", " ", " ".join(p.extract_text() for p in PdfReader(path).pages))


def test_extract_writes_templates_with_context_comment_and_reference(project):
    run(project, "i18n", "extract")
    pot = read_po((project / "translations" / "templates" / f"{TREATMENT}.pot").open("rb"))
    assert all(m.context is None for m in pot)  # keyed by the text alone: no msgctxt (issue 10)
    entries = {unit_id: m for m in pot if m.id for unit_id in unit_ids(m)}
    doc = load(resolve(TREATMENT, project / "sources")).document
    assert doc.meta.disclaimer is None  # the source has none: the project's disclaimer is printed, and translated
    assert set(entries) == {u.id for u in units(doc)} | {"disclaimer"}
    assert {m.id for m in pot if m.id} == {u.text for u in units(doc)} | {entries["disclaimer"].id}
    assert entries["disclaimer"].id.startswith("This leaflet gives general information only.")
    item = next(m for m in entries.values() if m.id.startswith("This process separates"))
    assert item.locations == [(f"sources/{TREATMENT}/{SOURCE}", 18)]
    assert item.auto_comments == ["Other medical treatments [other-medical-treatments.2.1]"]
    assert entries["title"].locations == [(f"sources/{TREATMENT}/meta.toml", None)]
    ui = read_po((project / "translations" / "templates" / "ui.pot").open("rb"))
    assert "Contents" in ui and "Page %(page)s of %(count)s" in ui
    # running extract again changes nothing (no churn from dates)
    before = (project / "translations" / "templates" / f"{TREATMENT}.pot").read_bytes()
    assert "unchanged" in run(project, "i18n", "extract").stderr
    assert (project / "translations" / "templates" / f"{TREATMENT}.pot").read_bytes() == before


def test_round_trip_with_a_changed_source_sentence(project, tmp_path):
    run(project, "i18n", "extract")
    run(project, "i18n", "init", "es")
    po = project / "translations" / "es" / "LC_MESSAGES" / f"{TREATMENT}.po"
    header = po.read_text(encoding="utf-8")
    assert '"Language: es\\n"' in header
    # CLDR's plural rules move between Babel releases (2.19 gave Spanish a third form): the installed one's
    assert read_catalog(po).catalog.plural_forms == get_plural("es").plural_forms
    assert '"X-Clinical-Review: none\\n"' in header
    template = read_po((project / "translations" / "templates" / f"{TREATMENT}.pot").open("rb"))
    plasma_text = next(m.id for m in template if m.id and m.id.startswith("This process separates"))
    translate_po(po, {"title": "Tratamiento de los síndromes paraneoplásticos neurológicos",
                      PLASMA: PLASMA_ES,
                      plasma_text: "Este proceso separa la parte líquida de la sangre, llamada plasma."})
    gated = run(project, "build", "--locale", "es", "--format", "pdf")  # 3 units of 27: below the publish gate
    guide = project / "output" / "es" / f"{TREATMENT}.guide.pdf"
    assert not guide.exists()
    assert f"{TREATMENT} guide (es): not published: " in gated.stderr
    assert f"`booklet i18n missing es {TREATMENT}`" in gated.stderr
    run(project, "build", "--locale", "es", "--format", "pdf", "--allow-incomplete")
    text = pdf_text(guide)
    assert "Tratamiento de los síndromes paraneoplásticos neurológicos" in text
    assert "Este proceso separa la parte líquida de la sangre" in text
    # the guide says it is incomplete, in Spanish: the project has no ui.po, so the shipped labels are used
    with (REPO / "translations" / "es" / "LC_MESSAGES" / "ui.po").open("rb") as f:
        note = read_po(f)["Parts of this leaflet are not yet translated and are shown in %(language)s."].string
    assert note and " ".join(note.split()[:6]) in text
    report = (project / "output" / "es" / f"{TREATMENT}.untranslated.txt").read_text(encoding="utf-8")
    assert "other-medical-treatments.2.1\t" not in report and "intro.1\t" in report

    # the source sentence changes: the entry becomes fuzzy, keeps its translation and previous msgid
    source = project / "sources" / TREATMENT / SOURCE
    source.write_text(source.read_text(encoding="utf-8").replace(
        "This process separates the fluid part", "This treatment separates the liquid part"), encoding="utf-8")
    run(project, "i18n", "extract")
    run(project, "i18n", "update")
    catalog = read_catalog(po).catalog
    changed = next(m for m in catalog if m.id and m.id.startswith("This treatment separates"))
    assert changed.fuzzy and changed.string.startswith("Este proceso separa")
    assert changed.previous_id and changed.previous_id[0].startswith("This process separates")
    assert '"X-Clinical-Review: none\\n"' in po.read_text(encoding="utf-8")  # our header survives the merge
    assert subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(po)]).returncode == 0

    # the fuzzy translation is never printed: the new English sentence is, marked as English
    run(project, "build", "--locale", "es", "--format", "pdf", "--format", "epub", "--allow-incomplete")
    text = pdf_text(guide)
    assert "Este proceso separa" not in text and "This treatment separates the liquid part" in text
    assert PLASMA_ES in text
    with zipfile.ZipFile(project / "output" / "es" / f"{TREATMENT}.epub") as z:
        xhtml = "".join(z.read(n).decode() for n in z.namelist() if n.endswith(".xhtml"))
    assert re.search(r'<span lang="en" dir="ltr">This treatment separates', xhtml)
    assert "Este proceso separa" not in xhtml


def test_removed_string_becomes_obsolete_and_is_kept(project):
    run(project, "i18n", "extract")
    run(project, "i18n", "init", "es")
    po = project / "translations" / "es" / "LC_MESSAGES" / f"{TREATMENT}.po"
    template = read_po((project / "translations" / "templates" / f"{TREATMENT}.pot").open("rb"))
    speech = next(m for m in template if m.id and m.id.startswith("If you are having trouble speaking"))
    translate_po(po, {speech.id: "Si tiene problemas para hablar o tragar, un logopeda puede ayudarle."})
    source = project / "sources" / TREATMENT / SOURCE
    lines = source.read_text(encoding="utf-8").splitlines(keepends=True)
    source.write_text("".join(l for l in lines if "Speech therapy" not in l), encoding="utf-8")
    run(project, "i18n", "extract")
    run(project, "i18n", "update")
    obsolete = {m.id: m.string for m in read_catalog(po).catalog.obsolete.values()}
    assert obsolete[speech.id] == "Si tiene problemas para hablar o tragar, un logopeda puede ayudarle."
    assert '#~ "Si tiene problemas para hablar o tragar, un logopeda puede ayudarle."' in po.read_text("utf-8")


def test_stats_table_and_json(project):
    import json

    run(project, "i18n", "extract")
    run(project, "i18n", "init", "es")
    po = project / "translations" / "es" / "LC_MESSAGES" / f"{TREATMENT}.po"
    translate_po(po, {"title": "Tratamiento"})
    rows = {(r["locale"], r["name"]): r for r in json.loads(run(project, "i18n", "stats", "--json").stdout)}
    row = rows[("es", TREATMENT)]
    total = len(read_po((project / "translations" / "templates" / f"{TREATMENT}.pot").open("rb")))
    assert (row["translated"], row["fuzzy"], row["untranslated"]) == (1, 0, total - 1)
    assert row["words"]["translated"] == 5  # "Treatment of neurological paraneoplastic syndromes"
    assert row["percent"] == round(100 / total, 1)
    table = run(project, "i18n", "stats").stdout
    assert re.search(rf"es\s+{TREATMENT}\s+1\s+0\s+{total - 1}\s", table)


def test_pybabel_reads_and_updates_our_catalogs(project, tmp_path):
    run(project, "i18n", "extract")
    run(project, "i18n", "init", "es")
    work = tmp_path / "pybabel" / "es" / "LC_MESSAGES"
    work.mkdir(parents=True)
    shutil.copy(project / "translations" / "es" / "LC_MESSAGES" / "ui.po", work / "messages.po")
    pybabel = Path(__import__("sys").executable).with_name("pybabel")
    done = subprocess.run([str(pybabel), "update", "-i", str(project / "translations" / "templates" / "ui.pot"),
                           "-d", str(tmp_path / "pybabel"), "-l", "es"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    done = subprocess.run([str(pybabel), "extract", "-F", str(REPO / "babel.cfg"), "-o", str(tmp_path / "x.pot"),
                           "."], cwd=REPO, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    with (tmp_path / "x.pot").open("rb") as f:
        by_pybabel = {(m.id, m.context) for m in read_po(f) if m.id}
    from pipeline.i18n.catalogs import ui_template

    assert "Contents" in {msgid for msgid, _ in by_pybabel}
    assert by_pybabel == {(m.id, m.context) for m in ui_template() if m.id}  # babel.cfg and the code agree


def test_fallback_units_keep_the_source_language(loaded_seeds):
    doc = loaded_seeds[TREATMENT].document
    result = translate(doc, "es", lambda unit: "Tratamiento" if unit.id == "title" else None)
    assert result.document.title == "Tratamiento" and "title" not in result.document.langs
    assert result.document.lang == "es"
    assert len(result.fallbacks) == len(units(doc)) - 1
    assert result.document.sections[0].langs == {"title": "en"}
    assert all(item.langs == {"text": "en"} for item in result.document.blocks[2].items)
    assert doc.title != "Tratamiento"  # the source document is untouched


def test_init_refuses_to_overwrite_and_update_needs_templates(project):
    run(project, "i18n", "extract")
    run(project, "i18n", "init", "es")
    assert "exists" in run(project, "i18n", "init", "es").stderr
    shutil.rmtree(project / "translations" / "templates")
    assert_one_line_error(booklet("i18n", "update", cwd=project), "no template")


def test_every_shipped_catalog_passes_msgfmt_check():
    catalogs = sorted((REPO / "translations").glob("*/LC_MESSAGES/*.po")) + sorted(
        (REPO / "translations" / "templates").glob("*.pot"))
    assert catalogs
    for path in catalogs:
        done = subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(path)], capture_output=True, text=True)
        assert done.returncode == 0, (path, done.stderr)


def test_every_shipped_catalog_has_the_plural_forms_of_its_language():
    """Each catalog's Plural-Forms is the installed Babel's rule for its Language (its folder's locale), so
    gettext tools and Babel agree on how many forms a plural entry has."""
    catalogs = sorted((REPO / "translations").glob("*/LC_MESSAGES/*.po"))
    assert catalogs
    for path in catalogs:
        headers = po_headers(path.read_bytes())
        assert headers["Language"] == path.parent.parent.name, path
        assert headers.get("Plural-Forms") == get_plural(headers["Language"]).plural_forms, path


WRONG_PLURAL_FORMS = "nplurals=1; plural=0;"  # no CLDR rule gives Spanish a single form


def test_update_sets_the_plural_forms_of_the_language_and_keeps_every_translation(project):
    run(project, "i18n", "extract")
    run(project, "i18n", "init", "es")
    po = project / "translations" / "es" / "LC_MESSAGES" / f"{TREATMENT}.po"
    translate_po(po, {"title": "Tratamiento", PLASMA: PLASMA_ES})
    text = po.read_text(encoding="utf-8")
    plural_forms = re.search(r'^"Plural-Forms: .*?\\n"$', text, re.M | re.S).group(0)
    po.write_text(text.replace(plural_forms, f'"Plural-Forms: {WRONG_PLURAL_FORMS}\\n"')
                  .replace('"X-Clinical-Review: none\\n"', '"X-Clinical-Review: Dr A. Reviewer, 2026-12-01\\n"'),
                  encoding="utf-8")
    loaded = read_catalog(po)
    assert loaded.catalog.plural_forms == WRONG_PLURAL_FORMS != get_plural("es").plural_forms
    before = {(m.context, m.id): (m.string, m.fuzzy) for m in loaded.catalog if m.id}

    run(project, "i18n", "update")
    loaded = read_catalog(po)
    assert loaded.catalog.plural_forms == get_plural("es").plural_forms
    assert {(m.context, m.id): (m.string, m.fuzzy) for m in loaded.catalog if m.id} == before
    assert before[(None, "Treatment of neurological paraneoplastic syndromes")] == ("Tratamiento", False)
    assert loaded.extra_headers["X-Clinical-Review"] == "Dr A. Reviewer, 2026-12-01"
    assert subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(po)]).returncode == 0


def plural_catalogs(tmp_path, plural_forms: str, forms: tuple[str, ...]):
    """A template with one plural message, and a Spanish catalog translating it with `forms` under the header
    `plural_forms`."""
    template = Catalog(locale=None, project="booklet ui")
    template.add(("{n} day", "{n} days"), string=("", ""))
    pot, po = tmp_path / "ui.pot", tmp_path / "ui.po"
    with pot.open("wb") as f:
        write_po(f, template)
    po.write_text(f'msgid ""\nmsgstr ""\n"Language: es\\n"\n"Plural-Forms: {plural_forms}\\n"\n'
                  '"Content-Type: text/plain; charset=utf-8\\n"\n\nmsgid "{n} day"\nmsgid_plural "{n} days"\n'
                  + "".join(f'msgstr[{i}] "{form}"\n' for i, form in enumerate(forms)), encoding="utf-8")
    assert read_catalog(po).catalog.plural_forms == plural_forms
    return pot, po


def test_update_marks_a_plural_translation_fuzzy_when_the_rule_gains_forms(tmp_path):
    pot, po = plural_catalogs(tmp_path, WRONG_PLURAL_FORMS, ("{n} días",))
    update(pot, po)
    catalog = read_catalog(po).catalog
    assert catalog.plural_forms == get_plural("es").plural_forms
    [message] = [m for m in catalog if m.id]
    assert message.string[0] == "{n} días" and message.fuzzy  # kept, for the translator to complete
    assert subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(po)]).returncode == 0


def test_update_refuses_a_rule_that_would_drop_translated_plural_forms(tmp_path):
    """CLDR has no language with more than 6 forms: 9 translated forms cannot all be kept."""
    forms = tuple(f"{i} días" for i in range(9))
    pot, po = plural_catalogs(tmp_path, "nplurals=9; plural=(n % 9);", forms)
    before = po.read_bytes()
    with pytest.raises(BookletError, match="fewer forms"):
        update(pot, po)
    assert po.read_bytes() == before


def test_pseudo_locale_tests_fit_fonts_and_fallbacks(project):
    """The pseudo-locale before any translator starts: every label and unit accented, longer and bracketed,
    numbers and abbreviations intact; the guide builds (the fonts draw every accented letter); text that
    escaped translation would show unbracketed."""
    from pipeline.i18n.pseudo import pseudo_text

    assert pseudo_text("Take 1 g IV daily × 5 days.").startswith("[Tåké 1 g IV dåîlý × 5 days.")
    assert len(pseudo_text("Tumours of the thymus disrupt normal T-cell schooling")) >= 1.4 * 53
    run(project, "i18n", "extract")
    run(project, "i18n", "pseudo")
    po = project / "translations" / "qps_ploc" / "LC_MESSAGES" / f"{TREATMENT}.po"
    assert subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(po)]).returncode == 0
    result = run(project, "build", "--locale", "qps-ploc", "--format", "pdf")
    assert "shown in the source language" not in result.stderr  # every unit has its pseudo-translation
    text = pdf_text(project / "output" / "qps-ploc" / f"{TREATMENT}.guide.pdf")
    assert "[Öţhéŕ ɱéðîçåļ" in text or "[Öthéŕ" in text
    assert "[Pågé" in text and "Translation not yet reviewed" not in text  # labels pseudo-translated too
    assert "2,3-diami" in text  # a number and what follows it survive


def test_pseudo_sheet_shows_whether_longer_text_fits(loaded_seeds, tmp_path):
    """Seed 000's sheet fills its page in English; 40 % longer text cannot fit at 12 pt, and the build says
    what overflows instead of shrinking the type."""
    from pipeline.errors import BookletError
    from pipeline.i18n.pseudo import pseudo_text
    from pipeline.render.pdf import write_pdf
    from conftest import PMN

    doc = translate(loaded_seeds[PMN].document, "qps-ploc", lambda unit: pseudo_text(unit.text)).document
    with pytest.raises(BookletError, match=r"does not fit on 1 page even at 12 pt.*runs onto page 2"):
        write_pdf(doc, tmp_path / "sheet.pdf", "sheet")
    assert not (tmp_path / "sheet.pdf").exists()


def test_sheet_refuses_a_locale_with_untranslated_units_it_prints(tmp_path):
    from conftest import PMN

    root = tmp_path / "project"
    shutil.copytree(REPO / "sources" / PMN, root / "sources" / PMN)
    (root / "booklet.toml").write_text('layouts = ["sheet"]\nformats = ["pdf"]\n', encoding="utf-8")
    run(root, "i18n", "extract")
    run(root, "i18n", "init", "es")
    shipped = read_catalog(REPO / "translations" / "es" / "LC_MESSAGES" / "ui.po").catalog
    translate_po(root / "translations" / "es" / "LC_MESSAGES" / "ui.po",
                 {m.id: m.string for m in shipped if m.id and m.string})
    po = root / "translations" / "es" / "LC_MESSAGES" / f"{PMN}.po"
    translate_po(po, {"title": "Neuropatía motora paraneoplásica", "do.title": "Qué hacer"})
    result = booklet("build", "--locale", "es", cwd=root)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"{PMN} sheet (es): not built, untranslated or fuzzy:" in result.stderr
    assert "avoid.1.1: Sudden unassisted heavy lifting." in result.stderr
    assert "do.1.1: Keep a daily weakness" in result.stderr and "do.title" not in result.stderr
    assert "symptoms.1.7" not in result.stderr  # the sheet prints only the first symptoms
    assert not (root / "output" / "es" / f"{PMN}.sheet.pdf").exists()
    forced = run(root, "build", "--locale", "es", "--allow-incomplete")
    assert "built with" in forced.stderr and (root / "output" / "es" / f"{PMN}.sheet.pdf").exists()
    text = pdf_text(root / "output" / "es" / f"{PMN}.sheet.pdf")
    assert "Neuropatía motora paraneoplásica" in text and "Sudden unassisted heavy lifting" in text


def test_epub_metadata_in_the_edition_language_with_its_translator(tmp_path):
    # the shipped Spanish catalog leaves the glossary ("Words to know") untranslated: below its publish gate
    result = booklet("build", "--doc", TREATMENT, "--locale", "es", "--format", "epub", "--allow-incomplete",
                     "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    with zipfile.ZipFile(tmp_path / "es" / f"{TREATMENT}.epub") as z:
        opf = z.read("EPUB/content.opf").decode()
    assert "<dc:language>es</dc:language>" in opf
    assert ">Tratamiento de los síndromes paraneoplásicos neurológicos</dc:title>" in opf
    assert re.search(r'<dc:description>Información para pacientes', opf)
    contributor = re.search(r'<dc:contributor id="([^"]+)">Booklet translation team \(AI-drafted\)</dc:contributor>', opf)
    assert contributor and f'refines="#{contributor.group(1)}" property="role" scheme="marc:relators">trl<' in opf


def test_check_catches_a_changed_dose_with_file_and_line(tmp_path):
    from conftest import PMN

    root = tmp_path / "project"
    shutil.copytree(REPO / "sources" / PMN, root / "sources" / PMN)
    run(root, "i18n", "extract")
    run(root, "i18n", "init", "es")
    po = root / "translations" / "es" / "LC_MESSAGES" / f"{PMN}.po"
    template = read_po((root / "translations" / "templates" / f"{PMN}.pot").open("rb"))
    rituximab = next(m for m in template if m.id and m.id.startswith("375 mg/m² IV weekly × 4"))
    translate_po(po, {rituximab.id: "375 mcg/m² IV semanal × 4; anti-CD20 monoclonal; reduce los linfocitos B; "
                                          "reacciones a la infusión, reactivación tardía de la hepatitis B."})
    result = booklet("i18n", "check", cwd=root)
    assert result.returncode == 1
    found = re.search(rf"{re.escape(str(po))}:(\d+): error: critical dose-unit: .*mg.*mcg", result.stdout)
    assert found, result.stdout
    lines = po.read_text(encoding="utf-8").splitlines()[int(found.group(1)) - 1:]
    assert lines[0].startswith("msgstr") and "375 mcg" in " ".join(lines[:3])
    assert "booklet: error:" in result.stderr and "Traceback" not in result.stderr


def test_shipped_catalogs_pass_the_check():
    """What `make` builds from: no critical or functional problem in any shipped translation."""
    result = booklet("i18n", "check")
    assert result.returncode == 0, result.stdout


# --- keys that survive editing (issue 10) --------------------------------------------------------------------

HEADINGS_ES = {"Other medical treatments": "Otros tratamientos médicos", "Other therapies": "Otras terapias"}


def _rename(text: str) -> str:
    return text.replace("\nOther therapies\n", "\nSupportive therapies\n")


def _move(text: str) -> str:  # "Other medical treatments" after "Other therapies"
    start, end = text.index("Other medical treatments\n"), text.index("Other therapies\n\n")
    return text[:start] + text[end:].rstrip("\n") + "\n\n" + text[start:end].rstrip("\n") + "\n"


def _reorder(text: str) -> str:  # the two items of the last list swapped
    lines = text.rstrip("\n").split("\n")
    return "\n".join(lines[:-2] + [lines[-1], lines[-2]]) + "\n"


@pytest.mark.parametrize("edit, fuzzy", [(_rename, {"Supportive therapies"}), (_move, set()), (_reorder, set())],
                         ids=["rename-heading", "move-section", "reorder-list"])
def test_only_a_unit_whose_own_text_changed_goes_fuzzy(project, edit, fuzzy):
    run(project, "i18n", "extract")
    run(project, "i18n", "init", "es")
    po = project / "translations" / "es" / "LC_MESSAGES" / f"{TREATMENT}.po"
    template = read_po((project / "translations" / "templates" / f"{TREATMENT}.pot").open("rb"))
    translate_po(po, {m.id: HEADINGS_ES.get(m.id, f"[es] {m.id}") for m in template if m.id})
    before = {m.id: m.string for m in read_catalog(po).catalog if m.id}
    source = project / "sources" / TREATMENT / SOURCE
    original = source.read_text(encoding="utf-8")
    source.write_text(edit(original), encoding="utf-8")
    assert source.read_text(encoding="utf-8") != original
    doc = load(resolve(TREATMENT, project / "sources")).document
    if edit is _move:
        assert [s.title for s in doc.sections][-2:] == ["Other therapies", "Other medical treatments"]

    run(project, "i18n", "extract")
    run(project, "i18n", "update")
    catalog = read_catalog(po).catalog
    assert {m.id for m in catalog if m.id and m.fuzzy} == fuzzy
    assert not catalog.obsolete and all(m.context is None for m in catalog)
    unchanged = {m.id: m.string for m in catalog if m.id and not m.fuzzy}
    assert unchanged == {k: v for k, v in before.items() if k in unchanged} and len(unchanged) == len(before) - len(fuzzy)
    assert subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(po)]).returncode == 0

    # the Spanish guide prints every translation but the fuzzy heading's, and that in English
    run(project, "build", "--locale", "es", "--layout", "guide", "--format", "pdf")
    text = pdf_text(project / "output" / "es" / f"{TREATMENT}.guide.pdf")
    assert "Otros tratamientos médicos" in text
    assert ("Otras terapias" in text) == (edit is not _rename)
    assert ("Supportive therapies" in text) == (edit is _rename)
    report = project / "output" / "es" / f"{TREATMENT}.untranslated.txt"
    shown_in_english = report.read_text(encoding="utf-8") if report.exists() else ""
    assert ("Supportive therapies" in shown_in_english) == (edit is _rename)
    assert "[es]" not in shown_in_english and "Plasmapheresis" not in shown_in_english


def test_update_migrates_a_catalog_keyed_by_unit_id_keeping_every_state(tmp_path):
    """A catalog from before issue 10 (msgctxt = unit id) takes the template's text keys on `update`: the same
    translations, fuzzy flags and previous msgids; of two old entries with one text the translated one wins and
    the fuzzy one is kept obsolete."""
    pot, po = tmp_path / "doc.pot", tmp_path / "doc.po"
    template = Catalog(locale=None, project="booklet doc", version="1")
    for text in ["Rest", "Drink water", "Call 911 if you faint", "New sentence"]:
        template.add(text, "", auto_comments=["Do [do.1.1]"], locations=[("doc.txt", 1)])
    write_catalog(pot, template)
    old = Catalog(locale="es", project="booklet doc", version="1")
    old.add("Rest", "Descanse", context="do.1.1", locations=[("doc.txt", 1)])
    old.add("Drink water", "Beba agua", context="do.1.2", flags=["fuzzy"], previous_id=["Drink some water"],
            locations=[("doc.txt", 2)])
    old.add("Call 911 if you faint", "", context="see-doctor.1.1", locations=[("doc.txt", 3)])
    old.add("Rest", "Reposo", context="avoid.1.3", flags=["fuzzy"], locations=[("doc.txt", 4)])
    write_catalog(po, old, {"X-Clinical-Review": "none"})

    update(pot, po)
    catalog = read_catalog(po).catalog
    state = {m.id: (m.string, m.fuzzy, list(m.previous_id)) for m in catalog if m.id}
    assert state == {"Rest": ("Descanse", False, []), "Drink water": ("Beba agua", True, ["Drink some water"]),
                     "Call 911 if you faint": ("", False, []), "New sentence": ("", False, [])}
    assert all(m.context is None for m in catalog)
    assert [(m.id, m.context, m.string) for m in catalog.obsolete.values()] == [("Rest", "avoid.1.3", "Reposo")]
    data = po.read_bytes()
    update(pot, po)
    assert po.read_bytes() == data
    assert subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(po)]).returncode == 0


def test_shipped_document_catalogs_are_keyed_by_text():
    for pot in (REPO / "translations" / "templates").glob("*.pot"):
        if pot.stem == "ui":
            continue
        texts = {m.id for m in read_catalog(pot).catalog if m.id}
        for po in (REPO / "translations").glob(f"*/LC_MESSAGES/{pot.stem}.po"):
            catalog = read_catalog(po).catalog
            assert all(m.context is None for m in catalog), po
            assert {m.id for m in catalog if m.id} == texts, po
