"""The termbase: a language's glossary (translations/<locale>/glossary.tbx) approves renderings of abbreviations,
drug names and medical terms, forbids some, and a term rendered two ways in a locale's documents is reported."""
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po

from pipeline.i18n.qa import _reader, blocks_printing
from pipeline.i18n.termbase import read_glossary
from pipeline.i18n.units import units
from pipeline.sources import load, resolve

from conftest import PMN, REPO, SOURCES, TREATMENT
from test_cli import assert_one_line_error, booklet

HEAD = """<?xml version="1.0" encoding="utf-8"?>
<martif type="TBX" xml:lang="en">
<text><body>
"""
TAIL = "</body></text></martif>\n"


def entry(sources: list[str], renderings: list[str], lang: str, abbreviation=False, forbidden=(), about=""):
    term_type = '<termNote type="termType">abbreviation</termNote>' if abbreviation else ""
    tigs = "".join(f"<tig><term>{s}</term>{term_type}</tig>" for s in sources)
    targets = "".join(f"<tig><term>{r}</term></tig>" for r in renderings)
    targets += "".join(f'<tig><term>{r}</term><termNote type="administrativeStatus">forbidden</termNote></tig>'
                       for r in forbidden)
    subject = f'<descrip type="subjectField">{about}</descrip>' if about else ""
    return (f'<termEntry>{subject}<langSet xml:lang="en">{tigs}</langSet>'
            f'<langSet xml:lang="{lang}">{targets}</langSet></termEntry>\n')


def glossary(folder: Path, lang: str, *entries: str) -> Path:
    path = folder / "translations" / lang / "glossary.tbx"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(HEAD + "".join(entries) + TAIL, encoding="utf-8")
    return path


@pytest.fixture
def spanish(tmp_path):
    return read_glossary(glossary(
        tmp_path, "es",
        entry(["IVIG", "IVIg"], ["IgIV", "IVIG"], "es", abbreviation=True, forbidden=["IGIV"]),
        entry(["neuropathy"], ["neuropatía"], "es", about="medical term"),
        entry(["corticosteroid", "steroid"], ["corticoide", "corticosteroide"], "es"),
        entry(["plasma exchange"], ["recambio plasmático"], "es", forbidden=["intercambio de plasma"])))


@pytest.fixture
def arabic(tmp_path):
    return read_glossary(glossary(tmp_path, "ar", entry(["onconeural antibody"],
                                                        ["الأجسام المضادة الورمية العصبية"], "ar")))


# ---- acceptance and rejection ----------------------------------------------------------------------------

@pytest.mark.parametrize("source, translation", [
    ("Will IVIG work for everyone?", "¿La IgIV funciona en todas las personas?"),
    ("Intravenous immunoglobulin (IVIg)", "Inmunoglobulina intravenosa (IVIG)"),
    ("Some motor neuropathies also touch autonomic fibres.", "Algunas neuropatías motoras también afectan …"),
    ("Abrupt steroid taper without guidance.", "Bajar de golpe los corticoides por su cuenta."),
    ("Plasma Exchange (PLEX)", "Recambio plasmático (PLEX)"),
    ("Not a term: ivig, DIVIG, polyneuropathy.", "Nada: ivig, DIVIG, polineuropatía."),
])
def test_an_approved_rendering_passes(spanish, source, translation):
    assert spanish.check(source, translation) == []


@pytest.mark.parametrize("translation", [
    "وبالأجسام المضادة الورمية العصبية",  # "and with the …": conjunction, preposition and article glued on
    "للأجسامِ المضادةِ الورميةِ العصبيةِ",  # ل + ال, and vowel marks
])
def test_arabic_prefixes_and_vowel_marks_are_tolerated(arabic, translation):
    assert arabic.check("Onconeural antibodies attack the nerves.", translation) == []


@pytest.mark.parametrize("source, translation, rendering", [
    ("Will IVIG work for everyone?", "¿La inmunoglobulina funciona?", "IVIG"),
    ("Will IVIG work for everyone?", "¿La ivig funciona?", "IVIG"),  # an abbreviation keeps its case
    ("Is PMN a neuropathy?", "¿Es la PMN una enfermedad del nervio?", "neuropathy"),
])
def test_an_unapproved_rendering_is_reported(spanish, source, translation, rendering):
    problems = spanish.check(source, translation)
    assert [(p.severity, p.code) for p in problems] == [("functional", "term-unapproved")]
    assert f"“{rendering}”" in problems[0].message and "glossary.tbx:" in problems[0].message
    assert not blocks_printing(problems[0])


@pytest.mark.parametrize("source, translation", [
    ("Will IVIG work for everyone?", "¿La IGIV funciona en todas las personas?"),
    ("Plasma exchange removes antibodies.", "El intercambio de plasma elimina los anticuerpos."),
])
def test_a_forbidden_rendering_is_critical_and_never_printed(spanish, source, translation):
    problems = spanish.check(source, translation)
    assert [(p.severity, p.code) for p in problems] == [("critical", "term-forbidden")]
    assert blocks_printing(problems[0])


def test_the_approved_renderings_are_a_mapping_of_each_source_spelling(spanish):
    assert set(spanish.approved["IVIG"]) == set(spanish.approved["IVIg"]) == {"IgIV", "IVIG"}
    assert "IGIV" not in spanish.approved["IVIG"]


def test_the_qa_check_takes_the_glossary_s_renderings_of_an_abbreviation(spanish):
    """With the termbase, the abbreviation check accepts its approved local form (IgIV for IVIG) and the term
    check still refuses a forbidden one; without it, the local form reads as the abbreviation lost."""
    from pipeline.i18n.qa import check_with_terms

    source = "Give IVIG 2 g/kg over 5 days."
    local = "Administre IgIV 2 g/kg durante 5 días."
    assert [p.code for p in check_with_terms(source, local, "en", "es", None)] == ["abbreviation"]
    assert check_with_terms(source, local, "en", "es", spanish) == []
    forbidden = check_with_terms(source, "Administre IGIV 2 g/kg durante 5 días.", "en", "es", spanish)
    assert "term-forbidden" in [p.code for p in forbidden] and any(blocks_printing(p) for p in forbidden)


# ---- inconsistency, through `i18n check` -----------------------------------------------------------------

def catalog(folder: Path, lang: str, name: str, pairs: dict[str, str]) -> Path:
    path = folder / "translations" / lang / "LC_MESSAGES" / f"{name}.po"
    path.parent.mkdir(parents=True, exist_ok=True)
    messages = Catalog(locale=lang)
    for source, translation in pairs.items():
        messages.add(source, translation)
    with path.open("wb") as out:
        write_po(out, messages)
    return path


def line_of(path: Path, translation: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1) if line == f'msgstr "{translation}"')


def test_a_term_rendered_two_ways_within_and_across_documents_is_a_warning(tmp_path):
    glossary(tmp_path, "es", entry(["corticosteroid", "steroid"], ["corticoide", "corticosteroide"], "es"))
    first = catalog(tmp_path, "es", "a", {"Corticosteroids help.": "Los corticoides ayudan.",
                                          "Stop steroids slowly.": "Deje los corticoides poco a poco.",
                                          "Steroid doses": "Dosis de corticoides",
                                          "Steroids can harm bones.": "Los corticosteroides dañan los huesos."})
    second = catalog(tmp_path, "es", "b", {"Ask about steroids.": "Pregunte por los corticosteroides."})
    result = booklet("i18n", "check", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    usual = f"{first.resolve()}:{line_of(first, 'Los corticoides ayudan.')}"
    found = [line for line in result.stdout.splitlines() if "term-inconsistent" in line]
    assert found == [
        f"{path.resolve()}:{line_of(path, text)}: warning: functional term-inconsistent: "
        f"“corticosteroid” is “corticosteroide” here but “corticoide” in {usual}"
        for path, text in ((first, "Los corticosteroides dañan los huesos."),
                           (second, "Pregunte por los corticosteroides."))]


def test_one_rendering_throughout_is_no_warning_and_an_unapproved_one_an_error(tmp_path):
    glossary(tmp_path, "es", entry(["corticosteroid"], ["corticoide", "corticosteroide"], "es"))
    catalog(tmp_path, "es", "a", {"Corticosteroids help.": "Los corticosteroides ayudan."})
    catalog(tmp_path, "es", "b", {"Corticosteroids help you.": "Los corticosteroides le ayudan."})
    result = booklet("i18n", "check", cwd=tmp_path)
    assert result.returncode == 0 and "term-" not in result.stdout, result.stdout
    catalog(tmp_path, "es", "c", {"Corticosteroids harm.": "Los esteroides dañan."})
    result = booklet("i18n", "check", cwd=tmp_path)
    assert result.returncode == 1 and ": error: functional term-unapproved: " in result.stdout, result.stdout


# ---- a malformed glossary ------------------------------------------------------------------------------

@pytest.mark.parametrize("text, line, needle", [
    (HEAD + "<termEntry>\n<langSet xml:lang='en'><tig><term>IVIG</tig>\n" + TAIL, 5, "not a well-formed TBX"),
    (HEAD + "\n\n" + entry([], ["IgIV"], "es") + TAIL, 6, "without its source term"),
    (HEAD + entry(["IVIG"], ["IgIV"], "es") + entry(["IVIG"], ["IVIG"], "es") + TAIL, 5, "in the glossary twice"),
    ('<?xml version="1.0"?>\n<glossary xml:lang="en"><text><body/></text></glossary>\n', 1, "not a TBX glossary"),
    (HEAD + entry(["IVIG"], ["IgIV"], "es").replace(
        "<term>IgIV</term>", '<term>IgIV</term><termNote type="administrativeStatus">maybe</termNote>') + TAIL,
     4, "unknown administrativeStatus"),
])
def test_a_malformed_glossary_is_a_one_line_error_naming_file_and_line(tmp_path, text, line, needle):
    glossary(tmp_path, "es", "").write_text(text, encoding="utf-8")
    catalog(tmp_path, "es", "a", {"Corticosteroids help.": "Los corticoides ayudan."})
    assert_one_line_error(booklet("i18n", "check", cwd=tmp_path), f"translations/es/glossary.tbx:{line}: ", needle)


# ---- a build ---------------------------------------------------------------------------------------------

def test_a_forbidden_rendering_is_shown_in_the_source_language(tmp_path):
    doc = tmp_path / "sources" / "plex"
    doc.mkdir(parents=True)
    (doc / "meta.toml").write_text('title = "Plasma exchange"\nlang = "en"\nfile = "a.md"\n', encoding="utf-8")
    (doc / "a.md").write_text("# Plasma exchange\n\nPlasma exchange removes antibodies.\n", encoding="utf-8")
    catalog(tmp_path, "es", "plex", {"Plasma exchange": "Recambio plasmático",
                                     "Plasma exchange removes antibodies.": "El intercambio de plasma elimina "
                                                                            "los anticuerpos."})
    glossary(tmp_path, "es", entry(["plasma exchange"], ["recambio plasmático"], "es",
                                   forbidden=["intercambio de plasma"]))
    result = booklet("i18n", "missing", "es", "plex", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    reasons = {text: reason for _, _, reason, text in (line.split("\t") for line in result.stdout.splitlines())}
    assert reasons["Plasma exchange removes antibodies."].startswith("failed the QA check: term-forbidden: ")
    assert "Plasma exchange" not in reasons
    # `booklet check` measures the edition the build prints: the forbidden rendering is not in it either
    import datetime
    from pipeline.project import Project
    from pipeline.quality import check_editions

    [(checked, _)] = check_editions(Project(tmp_path), ["plex"], ["es"], datetime.date(2026, 12, 4),
                                    tmp_path / "output")[1:]
    texts = [block.text for block in checked.blocks] + [b.text for s in checked.walk_sections() for b in s.blocks]
    assert "Plasma exchange removes antibodies." in texts and "El intercambio de plasma elimina los anticuerpos." \
        not in texts


# ---- the shipped glossaries ------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["es", "fr", "de", "ar"])
def test_the_shipped_glossaries_cover_every_abbreviation_of_the_shipped_sources(lang):
    """Each abbreviation the QA check finds in a unit is a glossary term found in that unit, with renderings."""
    termbase = read_glossary(REPO / "translations" / lang / "glossary.tbx")
    texts = [unit.text for doc_id in (PMN, TREATMENT) for unit in units(load(resolve(doc_id, SOURCES)).document)]
    uncovered = {abbreviation for text in texts for abbreviation in _reader("en").read(text).abbreviations
                 if not any(abbreviation in concept.source_terms and concept.approved
                            for concept in termbase.concepts_in(text))}
    assert uncovered == set()


def test_the_shipped_catalogs_keep_to_their_glossaries():
    result = booklet("i18n", "check")
    assert result.returncode == 0, result.stdout + result.stderr
    assert " term-" not in result.stdout, result.stdout
