"""The translation memory (issue 14): new and changed entries pre-filled from the locale's other catalogs and
imported TMX, always fuzzy and naming their origin, never printed; stats; TMX 1.4 export and import."""
import json
import re
import shutil
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from lxml import etree

from pipeline.build import edition
from pipeline.i18n.catalogs import is_prefilled, read_catalog, update, write_catalog
from pipeline.i18n.memory import load_memory
from pipeline.sources import load, resolve

from conftest import PMN, REPO, TREATMENT
from test_cli import assert_one_line_error, booklet
from test_po import gnu_ok

TMX_DTD = Path(__file__).parent / "fixtures" / "tmx" / "tmx14.dtd"
IVIG = "Intravenous immunoglobulin (IVIg)"  # the treatment guide's; the neuropathy sheet has "…Immunoglobulin (IVIG)"
KEYWORD = "patient information"  # a keyword of both documents
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def run(root, *args):
    result = booklet(*args, cwd=root)
    assert result.returncode == 0, result.stderr
    return result


def new_project(root: Path, with_spanish_neuropathy: bool) -> Path:
    """Both seed documents; with the shipped Spanish catalog of the neuropathy sheet (wholly translated), the
    memory the treatment guide's new Spanish catalog draws on."""
    for doc_id in (PMN, TREATMENT):
        shutil.copytree(REPO / "sources" / doc_id, root / "sources" / doc_id)
    (root / "booklet.toml").write_text('locales = ["en", "es"]\nlayouts = ["guide"]\n', encoding="utf-8")
    if with_spanish_neuropathy:
        (root / "translations" / "es" / "LC_MESSAGES").mkdir(parents=True)
        shutil.copy(REPO / "translations" / "es" / "LC_MESSAGES" / f"{PMN}.po",
                    root / "translations" / "es" / "LC_MESSAGES" / f"{PMN}.po")
    run(root, "i18n", "extract")
    return root


@pytest.fixture(scope="module")
def started(tmp_path_factory) -> Path:
    """A project whose treatment guide got its Spanish catalog by `i18n init es` (not to be changed)."""
    root = new_project(tmp_path_factory.mktemp("memory") / "project", with_spanish_neuropathy=True)
    run(root, "i18n", "init", "es")
    return root


def spanish(root: Path, doc_id: str) -> Path:
    return root / "translations" / "es" / "LC_MESSAGES" / f"{doc_id}.po"


def test_init_prefills_exact_and_close_matches_as_fuzzy_naming_their_origin(started):
    po = spanish(started, TREATMENT)
    catalog = read_catalog(po).catalog
    memory = read_catalog(spanish(started, PMN)).catalog
    exact, close = catalog[KEYWORD], catalog[IVIG]
    assert exact.fuzzy and exact.string == memory[KEYWORD].string
    assert exact.user_comments == [f"booklet-tm: 100% from {PMN}.po:{memory[KEYWORD].lineno}"]
    assert not exact.previous_id
    assert close.fuzzy and close.string == memory["Intravenous Immunoglobulin (IVIG)"].string
    assert re.fullmatch(rf"booklet-tm: (\d+)% from {PMN}\.po:{memory['Intravenous Immunoglobulin (IVIG)'].lineno}",
                        close.user_comments[0])
    assert 75 <= int(re.search(r"(\d+)%", close.user_comments[0]).group(1)) < 100
    assert close.previous_id == ["Intravenous Immunoglobulin (IVIG)"]  # Poedit and Weblate show what differs
    # below the threshold: nothing offered
    assert all(not m.string and not m.user_comments for m in catalog if m.id and not m.fuzzy)
    assert not [m for m in catalog if m.id and m.string and not m.fuzzy]  # nothing counts as translated
    assert all(is_prefilled(m) for m in catalog if m.id and m.fuzzy)
    gnu_ok(po)
    assert "# booklet-tm: 100% from" in po.read_text(encoding="utf-8")  # a translator comment, as msgmerge keeps
    assert not any(m.user_comments for m in read_catalog(spanish(started, "ui")).catalog)  # labels: no memory


def test_prefilled_text_is_never_printed(started, tmp_path):
    translations = tmp_path / "translations"
    shutil.copytree(started / "translations", translations)
    po = translations / "es" / "LC_MESSAGES" / f"{TREATMENT}.po"
    loaded = read_catalog(po)
    loaded.catalog["Plasmapheresis"].string = "Plasmaféresis"  # one confirmed translation: an edition exists
    write_catalog(po, loaded.catalog, loaded.extra_headers)
    doc = load(resolve(TREATMENT, started / "sources")).document
    ed = edition(doc, "es", translations)
    printed = ed.document.to_json()
    assert "Plasmaféresis" in printed
    prefilled = [m for m in read_catalog(po).catalog if m.id and is_prefilled(m)]
    assert any(m.id == IVIG for m in prefilled)
    for message in prefilled:
        assert json.dumps(message.string, ensure_ascii=False)[1:-1] not in printed
    assert IVIG in {unit.text for unit in ed.fallbacks}


def test_stats_shows_the_words_the_memory_prefilled(started):
    catalog = read_catalog(spanish(started, TREATMENT)).catalog
    words = sum(len(m.id.split()) for m in catalog if m.id and is_prefilled(m))
    assert words > 0
    rows = {(r["locale"], r["name"]): r for r in json.loads(run(started, "i18n", "stats", "--json").stdout)}
    assert rows[("es", TREATMENT)]["prefilled_words"] == words
    assert rows[("es", PMN)]["prefilled_words"] == 0
    table = run(started, "i18n", "stats").stdout
    assert "pre-filled" in table.splitlines()[0]
    assert re.search(rf"es\s+{TREATMENT}\s+0\s+\d+\s+\d+\s+0/\d+\s+{words}\s+0\.0\s+not reviewed$", table, re.M)


# --- update, on small catalogs --------------------------------------------------------------------------------

def small_catalogs(root: Path, old: dict[str, str], new_sources: list[str], others: dict[str, dict]) -> Path:
    """translations/ with the template `doc.pot` (`new_sources`), the Spanish `doc.po` translating the old
    sources `old`, and other Spanish document catalogs (`others`: name -> msgid -> msgstr, or (msgstr,
    "fuzzy")).  Returns the folder."""
    translations = root / "translations"
    template = Catalog(locale=None, project="booklet doc", version="1")
    for line, text in enumerate(new_sources, 1):
        template.add(text, "", auto_comments=[f"Do [do.{line}]"], locations=[("doc.txt", line)])
    write_catalog(translations / "templates" / "doc.pot", template)
    for name, entries in {"doc": old, **others}.items():
        catalog = Catalog(locale="es", project=f"booklet {name}", version="1")
        for line, (text, translation) in enumerate(entries.items(), 1):
            string, flags = translation if isinstance(translation, tuple) else (translation, ())
            catalog.add(text, string, flags=flags, locations=[(f"{name}.txt", line)])
        write_catalog(translations / "es" / "LC_MESSAGES" / f"{name}.po", catalog, {"X-Clinical-Review": "none"})
    return translations


DOSE = "Take 500 mg of paracetamol every 6 hours with water."
DOSE_ES = "Tome 500 mg de paracetamol cada 6 horas con agua."
REST = "Rest in bed for two days after the treatment."
REST_ES = "Descanse en cama dos días después del tratamiento."
WATER = "Drink plenty of water every day of the treatment."
HANDS = "Wash your hands before touching the tube."
HANDS_ES = "Lávese las manos antes de tocar el tubo."
OTHERS = {"other": {DOSE: DOSE_ES, REST: REST_ES, WATER: ("Beba mucha agua", ("fuzzy",)), HANDS: HANDS_ES},
          "ui": {"Rest in bed for two days after the treatment!": "no label feeds the memory"}}


def update_with_memory(translations: Path) -> Path:
    po = translations / "es" / "LC_MESSAGES" / "doc.po"
    update(translations / "templates" / "doc.pot", po, load_memory(translations, "es").without(po.name))
    return po


def test_update_prefills_new_and_changed_entries_and_never_overwrites_a_translation(tmp_path):
    new_dose = DOSE.replace("500", "750")
    translations = small_catalogs(
        tmp_path,
        old={REST: "Reposo en cama dos días tras el tratamiento.", "Call your doctor.": "Llame a su médico.",
             "Wash your hands before you touch the tube.": ""},
        new_sources=[REST, "Call your doctor today.", new_dose, WATER, "Keep the dressing dry and clean always.",
                     HANDS, DOSE],
        others=OTHERS)
    po = update_with_memory(translations)
    catalog = read_catalog(po).catalog
    other = read_catalog(translations / "es" / "LC_MESSAGES" / "other.po").catalog
    # its own translations stay: the same source (translated), and a changed one (Babel's fuzzy match)
    assert (catalog[REST].string, catalog[REST].fuzzy, catalog[REST].user_comments) == (
        "Reposo en cama dos días tras el tratamiento.", False, [])
    changed = catalog["Call your doctor today."]
    assert changed.fuzzy and changed.string == "Llame a su médico." and not changed.user_comments
    # new: an exact match, and a close one whose numbers differ (said in its comment)
    assert catalog[DOSE].fuzzy and catalog[DOSE].string == DOSE_ES
    assert catalog[DOSE].user_comments == [f"booklet-tm: 100% from other.po:{other[DOSE].lineno}"]
    close = catalog[new_dose]
    assert close.fuzzy and close.string == DOSE_ES and close.previous_id == [DOSE]
    assert re.fullmatch(rf"booklet-tm: 9\d% from other\.po:{other[DOSE].lineno}; numbers differ: .*500.*",
                        close.user_comments[0]), close.user_comments
    # a changed entry that had no translation gets one offered too, for its new source
    assert catalog[HANDS].string == HANDS_ES and is_prefilled(catalog[HANDS]) and not catalog[HANDS].previous_id
    # nothing from a fuzzy entry of another catalog, nothing below 75 %, nothing from the labels
    assert catalog[WATER].string != "Beba mucha agua" and not is_prefilled(catalog[WATER])
    assert not is_prefilled(catalog["Keep the dressing dry and clean always."])
    assert all("no label" not in (m.string or "") for m in catalog)
    gnu_ok(po)

    data = po.read_bytes()  # a second update changes nothing
    update_with_memory(translations)
    assert po.read_bytes() == data


def test_a_confirmed_prefill_loses_its_comment_and_is_no_longer_counted(tmp_path):
    from pipeline.i18n.catalogs import stats

    translations = small_catalogs(tmp_path, old={}, new_sources=[DOSE, REST], others=OTHERS)
    po = update_with_memory(translations)
    assert stats(read_catalog(po), "doc", "es").prefilled_words == len(DOSE.split()) + len(REST.split())
    loaded = read_catalog(po)
    loaded.catalog[DOSE].flags.discard("fuzzy")  # what a translator's "confirm" does in Poedit or Weblate
    write_catalog(po, loaded.catalog, loaded.extra_headers)
    assert stats(read_catalog(po), "doc", "es").prefilled_words == len(REST.split())
    update_with_memory(translations)
    catalog = read_catalog(po).catalog
    assert catalog[DOSE].user_comments == [] and catalog[DOSE].string == DOSE_ES and not catalog[DOSE].fuzzy
    assert is_prefilled(catalog[REST])


def test_of_equal_matches_the_first_catalog_by_name_wins_and_two_runs_give_the_same_bytes(tmp_path):
    others = {"b-other": {DOSE: "Tome 500 mg (b)."}, "a-other": {DOSE: "Tome 500 mg (a)."}}
    results = []
    for run_dir in ("one", "two"):
        po = update_with_memory(small_catalogs(tmp_path / run_dir, old={}, new_sources=[DOSE], others=others))
        results.append(po.read_bytes())
        assert read_catalog(po).catalog[DOSE].string == "Tome 500 mg (a)."
    assert results[0] == results[1]


# --- TMX ------------------------------------------------------------------------------------------------------

def valid_tmx(path: Path) -> etree._Element:
    dtd = etree.DTD(str(TMX_DTD))
    root = etree.parse(str(path)).getroot()
    assert dtd.validate(root), dtd.error_log.filter_from_errors()
    assert root.get("version") == "1.4" and root.find("header").get("srclang") == "en"
    return root


def test_tmx_export_is_valid_tmx_14_and_the_same_bytes_each_time(started, tmp_path):
    out = tmp_path / "memory.tmx"
    run(started, "i18n", "tm", "export", str(out), "--locale", "es")
    root = valid_tmx(out)
    pmn = read_catalog(spanish(started, PMN)).catalog
    pairs = {(m.id, m.string) for m in pmn if m.id and m.string and not m.fuzzy}
    tus = root.findall("body/tu")
    exported = {(tu.findtext(f"tuv[@{XML_LANG}='en']/seg"), tu.findtext(f"tuv[@{XML_LANG}='es']/seg")) for tu in tus}
    assert exported == pairs and len(tus) == len(pairs)  # one <tu> per source, target and locale; no pre-fill
    data = out.read_bytes()
    run(started, "i18n", "tm", "export", str(out), "--locale", "es")
    assert out.read_bytes() == data


def test_tmx_round_trip_gives_fuzzy_suggestions_naming_the_file(started, tmp_path):
    exported = tmp_path / "clinic.tmx"
    run(started, "i18n", "tm", "export", str(exported))
    fresh = new_project(tmp_path / "fresh", with_spanish_neuropathy=False)
    result = run(fresh, "i18n", "tm", "import", str(exported))
    stored = fresh / "translations" / "es" / "memory.tmx"
    assert f"wrote {stored}" in result.stderr
    valid_tmx(stored)
    assert "unchanged" in run(fresh, "i18n", "tm", "import", str(exported)).stderr
    run(fresh, "i18n", "init", "es")
    for doc_id in (PMN, TREATMENT):  # suggestions only: nothing translated, everything offered is fuzzy
        catalog = read_catalog(spanish(fresh, doc_id)).catalog
        assert not [m for m in catalog if m.id and m.string and not m.fuzzy]
    neuropathy = read_catalog(spanish(fresh, PMN)).catalog
    tu_line = next(tu.sourceline for tu in etree.parse(str(exported)).iterfind("body/tu")
                   if tu.findtext(f"tuv[@{XML_LANG}='en']/seg") == KEYWORD)
    assert neuropathy[KEYWORD].user_comments == [f"booklet-tm: 100% from clinic.tmx:{tu_line}"]
    assert neuropathy[KEYWORD].string == read_catalog(spanish(started, PMN)).catalog[KEYWORD].string
    assert edition(load(resolve(PMN, fresh / "sources")).document, "es", fresh / "translations") is None


def test_import_files_a_regional_tag_under_the_language_the_project_translates_into(tmp_path):
    from pipeline.i18n.memory import import_tmx

    translations = small_catalogs(tmp_path, old={}, new_sources=[REST], others={})
    tmx_file = tmp_path / "cat-tool.tmx"
    tmx_file.write_text(f'<tmx version="1.4"><header srclang="en-US"/><body>\n<tu><tuv xml:lang="en-US"><seg>{REST}'
                        f'</seg></tuv><tuv xml:lang="es-ES"><seg>{REST_ES}</seg></tuv></tu></body></tmx>\n',
                        encoding="utf-8")
    assert import_tmx(translations, tmx_file) == {translations / "es" / "memory.tmx": 1}
    po = update_with_memory(translations)
    assert read_catalog(po).catalog[REST].user_comments == ["booklet-tm: 100% from cat-tool.tmx:2"]


@pytest.mark.parametrize("text, line, needle", [
    ('<?xml version="1.0"?>\n<tmx version="1.4"><header srclang="en"/>\n<body><tu>\n</body></tmx>\n', 4,
     "not well-formed XML"),
    ('<?xml version="1.0"?>\n<xliff/>\n', 2, "not a TMX file"),
    ('<tmx version="1.4"><header srclang="en"/><body>\n<tu><tuv xml:lang="es"><seg>Hola</seg></tuv></tu>'
     '</body></tmx>\n', 2, "no <tuv> in the source language"),
], ids=["syntax", "root", "no-source"])
def test_a_malformed_tmx_is_one_error_line_naming_file_and_line(tmp_path, text, line, needle):
    bad = tmp_path / "bad.tmx"
    bad.write_text(text, encoding="utf-8")
    (tmp_path / "booklet.toml").write_text("", encoding="utf-8")
    assert_one_line_error(booklet("i18n", "tm", "import", str(bad), cwd=tmp_path), f"{bad}:{line}: ", needle)
    assert not (tmp_path / "translations" / "es").exists()
