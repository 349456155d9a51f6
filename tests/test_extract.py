from pathlib import Path

import pytest
from syrupy.extensions.json import JSONSnapshotExtension

from pipeline.errors import BookletError
from pipeline.extract import extract_text
from pipeline.model import Document, ListBlock, Meta, QuestionAnswer
from pipeline.normalise import normalise
from pipeline.sources import load, resolve

from conftest import PMN, SOURCES, TREATMENT, document_folder

OUTLINES = Path(__file__).parent / "fixtures" / "outlines"


@pytest.mark.parametrize("doc_id", [PMN, TREATMENT])
def test_outline_is_exactly_the_required_one(loaded_seeds, doc_id):
    expected = (OUTLINES / f"{doc_id}.txt").read_text(encoding="utf-8").rstrip("\n")
    assert loaded_seeds[doc_id].document.outline() == expected


@pytest.mark.parametrize("doc_id", [PMN, TREATMENT])
def test_model_json_snapshot(loaded_seeds, doc_id, snapshot):
    doc = loaded_seeds[doc_id].document
    assert doc.to_dict() == snapshot(extension_class=JSONSnapshotExtension)
    assert Document.from_json(doc.to_json()) == doc  # the JSON is a faithful round trip


def test_all_twelve_sources_of_seed_000_numbered_in_order(loaded_seeds):
    citations = loaded_seeds[PMN].document.citations
    assert [c.number for c in citations] == list(range(1, 13))
    domains = [c.domain for c in citations]
    assert len(set(domains)) == 12
    # the glued pairs came apart
    for host in ("journals.lww.com", "actaneurologica.com", "clinicaltrials.gov", "mdpi.com"):
        assert host in domains
    assert all(c.url == f"https://{c.domain}/" and c.publisher for c in citations)
    assert citations[0].publisher == "PubMed Central"
    # the opening paragraph cites PubMed Central (twice in the source, one number)
    assert loaded_seeds[PMN].document.blocks[0].citations == [1]


def test_metadata_from_text_and_meta_file(loaded_seeds):
    meta = loaded_seeds[PMN].document.meta
    assert meta.last_updated == "2025-07-03"
    assert meta.disclaimer is None  # the text's own is website copy ("bookmark this website"): see test_normalise
    assert meta.attribution.author == "Team RxHarun"
    assert meta.attribution.publisher == "RxHarun"
    assert meta.source_file == "000_9e41c6a0c7bff43e.txt"
    body = loaded_seeds[PMN].document.to_json()
    assert "Last Updated" not in body and "copy-paste" not in body and "written by" not in body


def test_roles_come_from_metadata(loaded_seeds):
    doc = loaded_seeds[PMN].document
    roles = {s.role: s.title for s in doc.walk_sections() if s.role}
    assert roles["see-doctor"] == "When Should You See a Doctor?"
    assert roles["do"] == "Do" and roles["avoid"] == "Avoid"
    assert roles["faq"] == "Frequently Asked Questions"


def test_terms_questions_and_doses(loaded_seeds):
    doc = loaded_seeds[PMN].document
    sections = {s.id: s for s in doc.walk_sections()}
    drugs = sections["key-drugs-dosage-class-timing-side-effects"].blocks[0]
    assert isinstance(drugs, ListBlock)
    assert drugs.items[0].term == "High-dose Methylprednisolone"
    assert drugs.items[0].text.startswith("1 g IV daily × 5 days")
    causes = sections["causes"].blocks[0]
    assert causes.items[0].term == "Small-cell lung cancer (SCLC)"
    assert all(item.term is None for item in sections["do"].blocks[0].items)  # plain sentences stay whole
    faq = sections["frequently-asked-questions"].blocks
    assert all(isinstance(b, QuestionAnswer) for b in faq)
    assert faq[0].question == "Is paraneoplastic motor neuropathy curable?"
    assert faq[0].answer.startswith("If the tumour is found early")
    # a sentence before a dash is not a term: the 004 drug items keep their full text
    treatment = load(resolve(TREATMENT, SOURCES)).document
    assert [i.term for i in treatment.blocks[2].items] == [None, None]
    assert [i.term for i in treatment.sections[0].blocks[1].items] == ["Plasmapheresis", "Intravenous immunoglobulin (IVIg)"]


ARTICLE = """\
Living With Migraine
Migraine is a common headache disorder. It often runs in families.
What Triggers an Attack
- Stress. Worry and poor sleep lower the threshold.
- Skipped meals. Low blood sugar can start an attack.
- Bright light. Screens and sun glare are frequent triggers.
Treatment Options
A. Medicines you can buy
- Ibuprofen – 400 mg with food, up to 3 times a day.
- Paracetamol – 1 g, at most 4 g in 24 hours.
B. Prescription medicines
- Triptans – taken at the start of the headache.
Self-care & Warning Signs
Self-care
- Rest in a dark, quiet room.
Warning signs
- A sudden, severe headache.
Common Questions
1. Can children get migraine?
Yes, about 1 in 10 children do.
2. Is migraine dangerous?
Rarely; see a doctor about new or changed headaches.
"""


def test_structure_comes_from_text_shape_not_known_titles():
    doc = extract_text(normalise(ARTICLE).text, "migraine", "en", Meta(), fallback_title="migraine")
    assert doc.title == "Living With Migraine"  # a bare file: its first line reads as a title
    assert doc.outline() == "\n".join([
        "Living With Migraine [0]",
        "  What Triggers an Attack [3]",
        "  Treatment Options [0]",
        "    A. Medicines you can buy [2]",
        "    B. Prescription medicines [1]",
        "  Self-care & Warning Signs [0]",
        "    Self-care [1]",
        "    Warning signs [1]",
        "  Common Questions [2]",
    ])
    sections = {s.id: s for s in doc.walk_sections()}
    assert [i.term for i in sections["what-triggers-an-attack"].blocks[0].items] == ["Stress", "Skipped meals", "Bright light"]
    assert sections["a-medicines-you-can-buy"].blocks[0].items[1].text == "1 g, at most 4 g in 24 hours."


def test_bare_file_whose_first_line_is_a_paragraph_is_named_by_its_file():
    doc = extract_text("A long first line that is plainly a sentence of body text.\nMore.\n", "x", "en", Meta(),
                       fallback_title="leaflet-7")
    assert doc.title == "leaflet-7"


def test_spanish_question_headings_open_with_an_inverted_mark():
    text = ("¿Qué es la migraña?\nUn dolor de cabeza que vuelve.\n¿Cuándo consultar?\n- Si el dolor es nuevo.\n"
            "¿de verdad es un título?\nNo: empieza en minúscula.\n")
    doc = extract_text(normalise(text).text, "x", "es", Meta(), title="Migraña")
    assert doc.outline() == "Migraña [0]\n  ¿Qué es la migraña? [0]\n  ¿Cuándo consultar? [1]"


def test_duplicate_titles_get_unique_ids():
    doc = extract_text("Overview\n- A.\nDetails\nOverview\n- B.\n", "x", "en", Meta(), title="T")
    assert [s.id for s in doc.walk_sections()] == ["overview", "details", "overview-2"]


def test_unknown_role_section_names_the_metadata_line(tmp_path):
    folder = document_folder(tmp_path, "Causes\n- One.\n", '[roles]\nsymptoms = "symptomz"\n')
    with pytest.raises(BookletError) as err:
        load(resolve(str(folder), tmp_path))
    assert err.value.path == folder / "meta.toml" and err.value.line == 5
    assert "symptomz" in str(err.value) and "causes" in str(err.value)


def test_every_unit_knows_its_source_line(loaded_seeds):
    """Translators' catalogs point at file:line, so each heading, paragraph, item and question must carry the
    line where its text is in the file as received."""
    for doc_id, loaded in loaded_seeds.items():
        doc = loaded.document
        raw = (SOURCES / doc_id / doc.meta.source_file).read_text(encoding="utf-8").splitlines()
        units = [(s.line, s.title) for s in doc.walk_sections()]
        for block in list(doc.blocks) + [b for s in doc.walk_sections() for b in s.blocks]:
            if isinstance(block, ListBlock):
                units += [(item.line, item.term or item.text) for item in block.items]
            elif isinstance(block, QuestionAnswer):
                units.append((block.line, block.question))
            else:
                units.append((block.line, block.text))
        for line, text in units:
            assert line is not None and text[:30] in raw[line - 1], (doc_id, line, text[:30])


def _outline(text, title="T"):
    return extract_text(text, "x", "en", Meta(), title=title).outline()


def test_a_chain_of_short_lines_is_not_a_staircase():
    text = ("Intro text here.\nImportant Ways to Slow the Spread\nIf You are at Risk of Getting Very Sick\n"
            "Girl holding books\nGetting a COVID-19 Vaccine\n- One.\n- Two.\nWhat to Do If You're Sick\n- Three.\n")
    assert _outline(text) == "T [0]\n  Getting a COVID-19 Vaccine [2]\n  What to Do If You're Sick [1]"


def test_a_topic_over_headings_in_another_style_keeps_them_as_its_children():
    text = ("Generalidades del tema\nEl aparato urinario\n¿Es para usted?\nTexto.\n¿Qué es?\nTexto.\n"
            "Otra sección aparte\nTexto.\n")
    assert _outline(text) == ("T [0]\n  Generalidades del tema [0]\n    ¿Es para usted? [0]\n    ¿Qué es? [0]\n"
                              "  Otra sección aparte [0]")


def test_short_lines_after_a_lead_in_are_items_whose_bullets_were_lost():
    text = ("Gathering Information\nDoctors do a\nMedical history\nPhysical examination\nTogether these show a lot.\n"
            "Medical history\nFor the history, doctors ask.\n")
    assert _outline(text) == "T [0]\n  Gathering Information [2]\n    Medical history [0]"


def test_a_short_line_ending_in_a_condition_and_colon_heads_its_list():
    text = "Care\nText.\n- a\nSpeak to a GP if:\n- b\n- c\nServices include:\n- d\n"
    assert _outline(text) == "T [0]\n  Care [1]\n  Speak to a GP if: [3]"


def test_emoji_led_headings_and_footnotes_after_a_full_stop():
    text = ("Stufen\n🚨 Notfall: Sofort handeln (144 anrufen)\n- a\n- b\n✓ Planbar: Termin vereinbaren\n- c\n"
            "Viele verlaufen leicht und werden nie erkannt.2\nMuster\nText.\n")
    assert _outline(text) == ("T [0]\n  Stufen [0]\n    🚨 Notfall: Sofort handeln (144 anrufen) [2]\n"
                              "    ✓ Planbar: Termin vereinbaren [1]\n  Muster [0]")


def test_numbered_sentences_are_items_and_questions_need_no_space():
    text = ("Care\n1. See a GP if a cut is deep.\n2. If diarrhoea lasts, see your GP.\nFAQ\n1.What is it?\n"
            "It is a thing.\n2.Is it bad?\nNot often.\n")
    assert _outline(text) == "T [0]\n  Care [2]\n  FAQ [2]"


def test_a_title_case_heading_ending_in_for_is_no_lead_in_and_the_last_line_can_be_an_item():
    text = ("What Symptoms to Watch For\nThe most common symptoms are\nList of Symptoms\n- Fever\n- Cough\n"
            "History\nSo the history includes questions about\nCurrent illnesses\nRegular medications\n")
    assert _outline(text) == "T [0]\n  What Symptoms to Watch For [2]\n  History [2]"
