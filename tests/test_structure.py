"""The editor has the last word: meta.toml's [structure] and `booklet extract --explain`, through the real command
on articles of the corpus (tests/fixtures/articles) that the extractor reads wrong."""
import re
import shutil
from pathlib import Path

import pytest

from conftest import PMN, SOURCES
from test_cli import assert_one_line_error, booklet

ARTICLES = Path(__file__).parent / "fixtures" / "articles"


def article(tmp_path: Path, slug: str, structure: str = "", title: str | None = None, edit=None) -> Path:
    """A copy of a corpus article with `structure` as the body of its [structure] table, `title` for its own, and
    its text changed by `edit` (a function of the text)."""
    folder = tmp_path / slug
    shutil.copytree(ARTICLES / slug, folder)
    if edit is not None:
        (folder / "article.txt").write_text(edit((folder / "article.txt").read_text(encoding="utf-8")),
                                            encoding="utf-8")
    meta = folder / "meta.toml"
    text = meta.read_text(encoding="utf-8")
    if title is not None:
        text = re.sub(r"^title = .*$", f'title = "{title}"', text, count=1, flags=re.M)
    if structure:
        text += "\n[structure]\n" + structure
    meta.write_text(text, encoding="utf-8")
    return folder


def outline(folder: Path) -> str:
    result = booklet("extract", str(folder))
    assert result.returncode == 0, result.stderr
    return result.stdout


def expected(slug: str) -> str:
    return (ARTICLES / slug / "expected.txt").read_text(encoding="utf-8")


def meta_line(folder: Path, start: str) -> int:
    """The meta.toml line that starts with `start`."""
    lines = (folder / "meta.toml").read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, start=1) if line.startswith(start))


def _facts_apart(text: str) -> str:
    """WHO's key facts set apart by blank lines, as paragraphs are: nothing tells them from prose any more."""
    return re.sub(r"(\.)\n(?=(?:Most|Outbreaks|Epidemics|There is|Controlling) )", r"\1\n\n", text)


def _no_small_print(text: str) -> str:
    """The ad box without its starred small print, so that the advert rule does not know it."""
    return text.replace("* Lorsque le parcours de soins est respecté\n", "")


# The article (with an edit of its text that the rules cannot see through), and the [structure] that makes its
# outline the editor's expected.txt.  Each kind of entry once.
FIXES = {
    "heading at a depth": ("es-msd-intoxicaciones", '"Síntomas" = "heading 2"\n'),
    "heading placed by the rules": ("en-cdc-covid-things-to-know", '"I wear a mask because..." = "heading"\n'),
    "paragraph": ("es-mayo-cancer-de-colon", '"Examen para la detección de cáncer de colon" = "paragraph"\n'),
    # the WHO key facts lost their bullets and their run; named as --explain cuts them
    "item": ("en-who-avian-influenza", """\
"Avian influenza (AI), usually called bird flu,…" = "item"
"Most avian influenza viruses do not infect peop…" = "item"
"Outbreaks in poultry can be a global public hea…" = "item"
"Epidemics of highly pathogenic AI in poultry, s…" = "item"
"Most human A(H5N1) and A(H7N9) infections have…" = "item"
"There is no evidence that people catch the dise…" = "item"
"Controlling the disease in animals is the first…" = "item"
"""),
    # an ad box without its small print: its heading and its two items
    "drop": ("fr-lemedecin-zona", """\
"Consultez un médecin en ligne dès aujourd'hui" = "drop"
"Consultation remboursable *" = "drop"
"Ordonnance et arrêt de travail sécurisés (HDS)" = "drop"
"""),
}
EDITS = {"item": _facts_apart, "drop": _no_small_print}


@pytest.mark.parametrize("kind", FIXES)
def test_an_override_fixes_the_outline(tmp_path, kind):
    slug, structure = FIXES[kind]
    edit = EDITS.get(kind)
    as_read = outline(article(tmp_path / "as-read", slug, edit=edit))
    assert as_read != expected(slug)  # the extractor alone gets it wrong
    assert outline(article(tmp_path / "fixed", slug, structure, edit=edit)) == expected(slug)


def test_items_given_one_after_another_make_one_list(tmp_path):
    slug, structure = FIXES["item"]
    assert "  Key facts [7]\n" in outline(article(tmp_path, slug, structure, edit=_facts_apart))


def test_a_heading_given_a_depth_nests_under_the_heading_before_it(tmp_path):
    folder = article(tmp_path, "es-msd-intoxicaciones", '"Síntomas" = "heading 2"\n"Estadio 2 (…" = "heading 3"\n')
    assert outline(folder).endswith("  Intoxicación por paracetamol (acetaminofén) [0]\n    Síntomas [1]\n"
                                    "      Estadio 2 (después de las primeras 24 horas): son frecuentes las náuseas "
                                    "y los vómitos. Los análisis muestran que el hígado funciona mal. [1]\n")


def test_a_line_given_keeps_its_kind_where_the_whole_run_rules_would_change_it(tmp_path):
    # three link cards over "Getting a COVID-19 Vaccine", all in one style: only the last heads text, unless the
    # editor says the first is a heading of its own
    folder = article(tmp_path, "en-cdc-covid-things-to-know", '"Important Ways to Slow the Spread" = "heading 1"\n')
    assert outline(folder).startswith("Things to Know about the COVID-19 Pandemic [0]\n"
                                      "  Important Ways to Slow the Spread [0]\n  Getting a COVID-19 Vaccine [3]\n")


def test_a_title_line_leaves_the_body_and_the_title_stays_the_metadatas(tmp_path):
    # an editor's shorter title: the page's own title line no longer has its words, so it was read as a heading
    title = "Le zona (herpès zoster)"
    as_read = outline(article(tmp_path / "as-read", "fr-lemedecin-zona", title=title))
    assert "\n  Zona (Herpes Zoster) : Symptômes, Traitements et Guide Complet 2025 [0]\n" in as_read
    fixed = article(tmp_path / "fixed", "fr-lemedecin-zona", '"Zona (Herpes Zoster) : Symptômes, Traitements et Guide '
                    'Complet 2025" = "title"\n"Zona" = "drop"\n', title=title)
    assert outline(fixed) == f"{title} [0]\n  Zona : Définition et Vue d'Ensemble [0]\n"


def test_a_repeated_text_takes_one_value_per_line(tmp_path):
    # "Medical history" is a lost-bullet list item (line 7) and the heading of its section (line 10)
    as_read = outline(article(tmp_path / "as-read", "en-msd-medical-testing"))
    same = article(tmp_path / "same", "en-msd-medical-testing", '"Medical history" = ["item", "heading 2"]\n')
    assert outline(same) == as_read
    changed = article(tmp_path / "changed", "en-msd-medical-testing", '"Medical history" = ["item", "paragraph"]\n')
    assert as_read.endswith("\n    Medical history [2]\n")
    assert outline(changed) == "Medical Testing Decisions [0]\n  Gathering Basic Medical Information [4]\n"


KEY = '"Síntomas" = '
ERRORS = [  # the [structure] body, the line the error names (by its start) and what the message says
    ('"Sintomas" = "heading 2"\n', '"Sintomas"', ['"Sintomas": no line of the source reads so',
                                                 'the closest is "Síntomas" (line 13)', "--explain"]),
    ('"Estadio…" = "item"\n', '"Estadio', ["names 3 lines (17, 18, 19) and gives 1 value"]),
    (KEY + '"header 2"\n', KEY, ['"header 2" is not a value', '"heading 1" to "heading 6"']),
    (KEY + '"heading 0"\n', KEY, ["depth is 1 to 6"]),
    (KEY + '"heading 7"\n', KEY, ["depth is 1 to 6"]),
    (KEY + '"heading 3"\n', KEY, ["heading 3 would skip a level", "is heading 1, so it can be at most heading 2"]),
    ('"Intoxicaciones" = "heading 2"\n', '"Intox', ["no heading comes before it, so it can only be heading 1"]),
    ('"Intoxicaciones" = "title"\n' + KEY + '"title"\n', KEY, ["a second title"]),
    (KEY + '"paragraph"\n"Síntomas " = "item"\n', '"Síntomas " =', ["line 13 is already decided by meta.toml line"]),
    (KEY + "2\n", KEY, ["structure.Síntomas", "string"]),
    (KEY + "[]\n", KEY, ["an empty list"]),
    ('"" = "item"\n', '"" =', ["an empty entry names no line"]),
]


@pytest.mark.parametrize("structure, culprit, needles", ERRORS, ids=[needles[0] for _, _, needles in ERRORS])
def test_a_bad_entry_is_one_line_naming_its_meta_toml_line(tmp_path, structure, culprit, needles):
    folder = article(tmp_path, "es-msd-intoxicaciones", structure)
    result = booklet("extract", str(folder))
    assert_one_line_error(result, f"{folder / 'meta.toml'}:{meta_line(folder, culprit)}: structure", *needles)
    assert result.returncode == 2


def test_structure_for_a_structured_format_is_an_error(tmp_path):
    folder = tmp_path / "doc"
    folder.mkdir()
    (folder / "a.md").write_text("# Title\n\n## Part\n\nText.\n", encoding="utf-8")
    (folder / "meta.toml").write_text('title = "Title"\nlang = "en"\nfile = "a.md"\n\n[structure]\n"Part" = "paragraph"\n',
                                      encoding="utf-8")
    result = booklet("extract", str(folder))
    assert_one_line_error(result, f"{folder / 'meta.toml'}:5: structure:", "markdown")
    assert result.returncode == 2


def explain(folder: Path) -> dict[int, str]:
    """`extract --explain`'s rows by source line, their columns joined by single spaces."""
    result = booklet("extract", str(folder), "--explain")
    assert result.returncode == 0, result.stderr
    rows = result.stdout.splitlines()
    assert rows[0].split() == ["line", "became", "text", "why"]
    return {int(row.split()[0]): " ".join(row.split()[1:]) for row in rows[1:]}


def test_explain_names_the_rule_for_each_line(tmp_path):
    folder = article(tmp_path, "de-patient-glomerulonephritis", '"Histologische Muster" = "heading 2"\n')
    rows = explain(folder)
    assert rows[1] == "title Glomerulonephritis first line, reads as a heading and has the words of the metadata's title"
    assert rows[2] == "metadata Peer-Review durch Dr. Hayley Willacy, FRCGP front matter: reviewed_by = Dr. Hayley " \
                      "Willacy, FRCGP"
    assert rows[6] == "dropped - Sprache page chrome (share-bar)"
    assert rows[12] == "heading 1 Was ist Glomerulonephritis? a short line that does not end a sentence, with text " \
                       "after it; top level"
    assert rows[14].startswith("paragraph Dahinter stehen viele verschiedene Immun- und E… a lead-in (ends '… sein:')")
    assert rows[15] == "list item Minimale Veränderung. after the lead-in '… sein:': a short line whose bullet was lost"
    entry = meta_line(folder, '"Histologische Muster"')
    assert rows[20] == f"heading 2 Histologische Muster override from meta.toml line {entry}"
    assert rows[21] == "paragraph Die übliche Einteilung beruht auf der Lichtmikr… too long for a heading (18 words)"


def test_explain_names_a_chain_of_headings_and_where_a_heading_goes(tmp_path):
    rows = explain(article(tmp_path, "en-nsw-health-right-care"))
    assert rows[18] == ("paragraph Try the easy to use heading 2 of 4 in a row with no text between them (only the "
                        "first, in another style, and the last stay headings): a link card, caption or tab")
    assert rows[21].endswith("ends a run of headings: under the first, 'Still not sure?'")
    assert rows[21].startswith("heading 2 Check symptoms")


def test_an_answer_given_another_kind_leaves_its_question_without_one(tmp_path):
    folder = tmp_path / PMN
    shutil.copytree(SOURCES / PMN, folder)
    with (folder / "meta.toml").open("a", encoding="utf-8") as meta:
        meta.write('\n[structure]\n"If the tumour is found early and removed, plus…" = "item"\n')
    rows = explain(folder)
    assert rows[427].startswith("list item If the tumour is found early and removed, plus… override from meta.toml")
    assert rows[428].startswith("question 2. How fast does weakness progress?")
    assert not rows[426].startswith("question")


def test_explain_and_json_together_are_a_usage_error():
    result = booklet("extract", "paraneoplastic-motor-neuropathy", "--explain", "--json")
    assert_one_line_error(result, "--json or --explain")
    assert result.returncode == 2


def test_explain_reads_plain_text_only(tmp_path):
    md = tmp_path / "a.md"
    md.write_text("# T\n\nText.\n", encoding="utf-8")
    assert_one_line_error(booklet("extract", str(md), "--explain"), str(md), "plain text")


@pytest.mark.parametrize("folder", sorted(p.parent for p in ARTICLES.glob("*/meta.toml")), ids=lambda p: p.name)
def test_the_explanation_is_what_the_document_became(folder):
    """Every line of the source is explained once, and its headings, items and questions are the document's."""
    from pipeline.model import ListBlock, QuestionAnswer
    from pipeline.sources import load, resolve

    loaded = load(resolve(str(folder), ARTICLES))
    doc = loaded.document
    explained = [d.line for d in loaded.decisions]
    assert sorted(explained) == sorted(set(explained))
    text_lines = {n for n, line in enumerate((folder / "article.txt").read_text(encoding="utf-8").splitlines(), 1)
                  if line.strip() and line.strip() not in "•-*–"}
    assert set(explained) <= text_lines and not {n for n in text_lines if n not in explained} - {
        c.line for c in loaded.changes if c.rule in ("unwrap", "bullets")}
    in_order = sorted(loaded.decisions, key=lambda d: d.line)
    assert [(d.text, d.became) for d in in_order if d.became.startswith("heading")] == [
        (s.title, f"heading {s.depth}") for s in doc.walk_sections()]
    blocks = doc.blocks + [b for s in doc.walk_sections() for b in s.blocks]  # by section, not in reading order
    items = sorted(i.line for b in blocks if isinstance(b, ListBlock) for i in b.items)
    assert [d.line for d in in_order if d.became == "list item"] == items
    assert [d.line for d in in_order if d.became == "question"] == sorted(
        b.line for b in blocks if isinstance(b, QuestionAnswer))
    assert [d.became for d in in_order].count("title") <= 1
