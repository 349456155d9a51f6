import re
import unicodedata
from collections import Counter

import pytest
from hypothesis import given, settings, strategies as st

from pipeline import normalise as normalise_module
from pipeline.errors import BookletError
from pipeline.normalise import normalise

from conftest import PMN, REPO, SOURCES


def rules_of(result):
    return Counter(change.rule for change in result.changes)


def test_line_endings_and_invisible_characters():
    result = normalise("\ufeffTitle line\r\nText\u200b here.\rMore\u00ad text.\r\n")
    assert result.text == "Title line\nText here.\nMore text.\n"
    assert {"line-endings", "invisible"} <= set(rules_of(result))


def test_nfc_composes_but_keeps_typography_and_units():
    text = "Waldenstro\u0308m – “pure motor” 1 × 10⁶ cells, 1000 µg, CO₂ at 38 °C.\n"
    result = normalise(text)
    assert result.text == unicodedata.normalize("NFC", text)
    assert "Waldenström" in result.text
    for kept in ("–", "“", "”", "×", "⁶", "µ", "₂", "°"):
        assert kept in result.text
    assert [c.line for c in result.changes if c.rule == "unicode-nfc"] == [1]


def test_stray_spaces_and_blank_lines():
    result = normalise("\n\nFirst  paragraph \t here.\n\n\n\n  Second one.  \n\n")
    assert result.text == "First paragraph here.\n\nSecond one.\n"
    assert rules_of(result)["spaces"] == 2
    assert rules_of(result)["blank-lines"] >= 3


@pytest.mark.parametrize("marker", ["-", "•", "*", "–"])
def test_lone_bullet_marker_joins_the_next_line(marker):
    result = normalise(f"Intro:\n{marker}\nFirst item.\n{marker}\n\nSecond item.\n")
    assert result.text == "Intro:\n- First item.\n- Second item.\n"
    assert rules_of(result)["bullets"] == 2


@pytest.mark.parametrize("marker", ["•", "*", "–", "▪"])
def test_inline_bullets_become_dash_items(marker):
    result = normalise(f"Intro:\n  {marker} First item.\n  {marker} Second item.\n")
    assert result.text == "Intro:\n- First item.\n- Second item.\n"


def test_lone_marker_without_text_is_dropped_with_a_warning():
    result = normalise("Intro:\n- Item.\n-\n")
    assert result.text == "Intro:\n- Item.\n"
    assert any(c.warning and c.rule == "bullets" for c in result.changes)


def test_hard_wrapped_lines_are_joined():
    result = normalise("Most people recover within a few\nweeks, but some need\nlonger treatment.\n- An item that wraps\n  onto a second line.\n")
    assert result.text == ("Most people recover within a few weeks, but some need longer treatment.\n"
                           "- An item that wraps onto a second line.\n")
    assert rules_of(result)["unwrap"] == 3


def test_headings_are_not_joined_to_the_text_after_them():
    text = "Causes\nSmall-cell lung cancer is common.\nSymptoms\n- Weakness.\n"
    assert normalise(text).text == text


def test_citation_hosts_detached_and_glued_pairs_split():
    result = normalise("Dose is 1000 mg BID; mild GI upset. pmc.ncbi.nlm.nih.govjournals.lww.com\n"
                       "- Works well. mdpi.compmc.ncbi.nlm.nih.gov\n")
    assert result.text == ("Dose is 1000 mg BID; mild GI upset. [source: pmc.ncbi.nlm.nih.gov] [source: journals.lww.com]\n"
                           "- Works well. [source: mdpi.com] [source: pmc.ncbi.nlm.nih.gov]\n")
    messages = [c.message for c in result.changes if c.rule == "citations"]
    assert len(messages) == 2 and all("split glued hosts" in m for m in messages)


def test_a_line_of_hosts_joins_the_paragraph_before_it():
    result = normalise("Early removal helps.\npn.bmj.com\nNext paragraph.\n")
    assert result.text == "Early removal helps. [source: pn.bmj.com]\nNext paragraph.\n"


def test_host_in_running_text_is_content():
    text = "For more help, visit nhs.uk\n"
    assert normalise(text).text == text


@pytest.mark.parametrize("line", [
    "Each cause is a short paragraph so you can copy-paste directly into web pages without extra editing.",
    "Below, the tests are grouped exactly as requested. Each short paragraph states what the test is.",
    "Here is the article you asked for, formatted for print.",
    "I hope this helps!",
    "Sure, here it is.",
    "(Word count: 1200)",
])
def test_editorial_leftovers_are_dropped_with_a_warning(line):
    result = normalise(f"Causes\n{line}\n- Smoking.\n")
    assert result.text == "Causes\n- Smoking.\n"
    [change] = [c for c in result.changes if c.rule == "editorial"]
    assert change.warning and change.line == 2


def test_editorial_rules_leave_patient_instructions_alone():
    text = "Take the tablets as your doctor requested.\n- Copy-paste errors in prescriptions are rare.\n"
    assert normalise(text).text == text


def test_per_document_drop_entries():
    result = normalise("Intro.\nNote to editor: shorten this.\nMore.\n", drop=["Note to editor"])
    assert result.text == "Intro.\nMore.\n"
    assert "metadata" in next(c.message for c in result.changes if c.rule == "editorial")


def test_byline_date_and_disclaimer_move_to_metadata():
    result = normalise("Body text.\nDisclaimer: This guide is general information.\n"
                       "The article is written by Team Rx and reviewed by the Editorial Board\n"
                       "Last Updated: July 03, 2025.\n")
    assert result.text == "Body text.\n"
    assert result.front_matter == {"disclaimer": "This guide is general information.", "author": "Team Rx",
                                   "reviewed_by": "the Editorial Board", "last_updated": "2025-07-03"}


WEBSITE_DISCLAIMERS = [
    # the seed's, in short: both of its website phrases
    ("Disclaimer: This guide is for general information only. If you are suffering from this condition bookmark this "
     "website or share with someone who might find it useful! Thank you for giving your valuable time to read the "
     "article.", "bookmark this website"),
    ("Medical disclaimer: Always ask your doctor. Bookmark this page for later.", "Bookmark this page"),
    ("Disclaimer – General information only. Thanks for reading!", "Thanks for reading"),
    ("Disclaimer: Not medical advice. Thank you for visiting our site.", "Thank you for visiting"),
    ("Disclaimer: Ask a professional. Please share this article with your friends.", "share this article"),
    ("Disclaimer: For information only. Subscribe to our newsletter for weekly tips.", "Subscribe to"),
    ("Disclaimer: General information. This website uses cookies to improve your experience.",
     "This website uses cookies"),
    ("Disclaimer: Educational content. Leave a comment below and follow us on Facebook.", "Leave a comment"),
    ("Disclaimer: Información general. Guarde esta página en sus favoritos y compártala.", "Guarde esta página en sus favoritos"),
    ("Aviso: Gracias por leer nuestro artículo.", None),  # not a disclaimer line: "Aviso:" is not read as one
    ("Disclaimer: Consulte a su médico. ¡Gracias por leer!", "Gracias por leer"),
    ("Disclaimer: Información general. Comparte este artículo con quien lo necesite.", "Comparte este artículo"),
    ("Disclaimer: Solo información. Suscríbete a nuestro boletín.", "Suscríbete a"),
    ("Disclaimer: Solo información. Este sitio web utiliza cookies propias y de terceros.",
     "Este sitio web utiliza cookies"),
]


@pytest.mark.parametrize("line, phrase", WEBSITE_DISCLAIMERS)
def test_a_disclaimer_copied_from_a_website_is_dropped_with_a_warning(line, phrase):
    result = normalise(f"Body text.\n{line}\nLast Updated: July 03, 2025.\n")
    if phrase is None:
        assert line in result.text and "disclaimer" not in result.front_matter
        return
    assert result.text == "Body text.\n"
    assert "disclaimer" not in result.front_matter  # so the project's disclaimer is printed
    assert result.front_matter["last_updated"] == "2025-07-03"  # the rest of the front matter is still read
    [change] = [c for c in result.changes if c.rule == "editorial"]
    assert change.warning and change.line == 2
    assert "website" in change.message and f"“{phrase}”" in change.message and "project's disclaimer" in change.message


@pytest.mark.parametrize("disclaimer", [
    "This leaflet gives general information only. It is not a substitute for advice from your own doctor. Share "
    "this leaflet with the people who care for you, and bring it to your next appointment.",
    "The information in this guide is reviewed every three years. Thank your care team for their support by "
    "telling them what helped; ask them before changing any medicine.",
    "Este folleto ofrece solo información general. No sustituye el consejo de su médico. Compártalo con su "
    "familia y consulte siempre a un profesional sanitario.",
    "Do not stop a medicine without asking your doctor. Cookies, cakes and sugary drinks can raise blood sugar.",
])
def test_a_real_medical_disclaimer_is_kept(disclaimer):
    result = normalise(f"Body text.\nDisclaimer: {disclaimer}\n")
    assert result.front_matter == {"disclaimer": disclaimer}
    assert not [c for c in result.changes if c.warning]


def test_the_seed_disclaimer_is_website_copy_and_the_project_disclaimer_is_printed(loaded_seeds):
    from pipeline.project import Project

    loaded = loaded_seeds[PMN]
    raw_lines = (SOURCES / PMN / "000_9e41c6a0c7bff43e.txt").read_text(encoding="utf-8").splitlines()
    [change] = [c for c in loaded.changes if c.rule == "editorial" and "website" in c.message]
    assert change.warning and raw_lines[change.line - 1].startswith("Disclaimer:")
    assert loaded.document.meta.disclaimer is None
    project = Project(REPO)
    assert project.load(PMN).document.meta.disclaimer == project.settings.disclaimer


@pytest.mark.parametrize("written, iso", [("3 July 2025", "2025-07-03"), ("2025-07-03", "2025-07-03"),
                                          ("Jul 3, 2025", "2025-07-03"), ("03.07.2025", "2025-07-03")])
def test_dates_become_iso(written, iso):
    assert normalise(f"Text.\nLast updated: {written}\n").front_matter["last_updated"] == iso


def test_unreadable_date_stays_in_the_text_with_a_warning():
    result = normalise("Text.\nLast updated: sometime in spring\n")
    assert "sometime in spring" in result.text
    assert any(c.warning and "could not read the date" in c.message for c in result.changes)


def test_a_rule_that_would_lose_a_number_is_refused(monkeypatch):
    def lose_digits(lines, ctx):
        return [type(line)(re.sub(r"\d", "", line.text), line.n) for line in lines]

    monkeypatch.setattr(normalise_module, "RULES", [lose_digits])
    with pytest.raises(BookletError, match="would change numbers"):
        normalise("Take 500 mg.\n", path="x.txt")


def test_seed_changes_are_all_reported_with_their_lines(loaded_seeds):
    loaded = loaded_seeds[PMN]
    raw_lines = (SOURCES / PMN / "000_9e41c6a0c7bff43e.txt").read_text(encoding="utf-8").splitlines()
    counts = Counter(c.rule for c in loaded.changes)
    # two editorial leftovers and the website's disclaimer; byline (author, reviewer) and date moved to metadata
    assert counts["citations"] == 26 and counts["editorial"] == 3 and counts["front-matter"] == 2
    assert counts["bullets"] == raw_lines.count("-")
    for change in loaded.changes:
        assert 1 <= change.line <= len(raw_lines)
    editorial_lines = [raw_lines[c.line - 1] for c in loaded.changes if c.rule == "editorial"]
    assert editorial_lines[0].startswith("Each cause is a short paragraph")
    assert editorial_lines[1].startswith("Below, the tests are grouped exactly as requested")


FRAGMENTS = st.sampled_from([
    "-", "•", "* ", "– ", "", " ", "Causes", "A. Blood tests", "1. Is it curable?", "Yes, often.",
    "Take 1,000 mg daily – with food.", "2.5 mg/kg IV × 5 days.", "pmc.ncbi.nlm.nih.govjournals.lww.com",
    "It helps. mdpi.compmc.ncbi.nlm.nih.gov", "Last Updated: July 03, 2025.", "Disclaimer: general info only.",
    "so you can copy-paste directly", "weakness that wraps", "onto the next line.", "µg ₂ ⁶ “quoted”", "\t  spaced  out ",
    "The article is written by Team X", "Last updated: whenever", "\r", "\u200b", "e\u0301",
])


@settings(max_examples=300, deadline=None)
@given(st.lists(FRAGMENTS, max_size=25), st.lists(st.sampled_from(["\n", "\n\n", " "]), min_size=25, max_size=25))
def test_normalise_is_idempotent_and_keeps_every_number(fragments, joins):
    text = "".join(f + j for f, j in zip(fragments, joins))
    once = normalise(text)
    twice = normalise(once.text)
    assert twice.text == once.text
    # Nothing left to change; only a warning about a line deliberately kept (an unreadable date) repeats.
    once_warnings = {(c.rule, c.message) for c in once.changes if c.warning}
    assert all(c.warning and (c.rule, c.message) in once_warnings for c in twice.changes)


def test_page_chrome_above_the_title_is_dropped_with_a_warning():
    text = "Skip to Content\nUW Health SMPH\nSHARE TEXT\n\nInfecciones urinarias\n\nInfecciones urinarias\n\nTexto del artículo.\n"
    result = normalise(text, title="Infecciones urinarias")
    assert result.text == "Infecciones urinarias\n\nTexto del artículo.\n"
    notes = [c for c in result.changes if c.rule == "page-chrome"]
    assert sorted(c.line for c in notes) == [1, 2, 3, 7] and all(c.warning for c in notes)


def test_without_a_title_line_nothing_above_is_dropped():
    text = "First paragraph of the article.\nA heading\nMore text.\n"
    assert normalise(text, title="Another title").text == text


@pytest.mark.parametrize("line, rule", [
    ("Skip to main content", "skip-link"),
    ("Ir al contenido principal", "skip-link"),
    ("Aller au contenu", "skip-link"),
    ("Lesen Sie unten weiter", "read-on"),
    ("Seguir leyendo", "read-on"),
    ("SHARE TEXT", "share-bar"),
    ("- Teilen Sie", "share-bar"),
    ("- HerunterladenHerunterladen", "share-bar"),
    ("Sign up now", "newsletter"),
    ("Subscribe", "newsletter"),
    ("We use cookies to improve your experience.", "cookie-banner"),
    ("Get started >", "call-to-action"),
    ("Erfüllt die Anforderungen des Patienten redaktionelle Richtlinien", "editorial-badge"),
    ("Medizinisches Fachpersonal", "audience-label"),
    ("In diesem Artikel:", "table-of-contents"),
    ("AFFICHER LA VERSION PROFESSIONNELLE", "professional-version"),
    ("Revue/Révision complète avr. 2023", "review-date"),
    ("You are on page 1of 83", "pagination"),
    ("Source : Banque de pictogrammes FALC", "image-credit"),
    ("Photo credit: Jane Doe", "image-credit"),
    ("illustration of group wearing masks", "image-caption"),
    ("April 16, 2014", "date-line"),
    ("10-minute read", "reading-time"),
    ("Online Health Chat with Mary Willis, MD", "credentials-byline"),
])
def test_page_chrome_lines_are_dropped_with_a_named_warning(line, rule):
    result = normalise(f"Body text here.\n{line}\nMore body text.\n")
    assert result.text == "Body text here.\nMore body text.\n"
    (change,) = [c for c in result.changes if c.rule == "page-chrome"]
    assert change.warning and change.line == 2 and f"({rule})" in change.message


@pytest.mark.parametrize("box", [
    "Consultez un médecin en ligne dès aujourd'hui\n• Consultation remboursable *\n• Ordonnance sécurisée\n"
    "* Lorsque le parcours de soins est respecté",
    "See a doctor online today!\n- Prescriptions in 15 minutes*\n* Terms apply. Not available in all areas.",
    "Consulta a un médico en línea\n· Sin esperas *\n· Receta incluida\n*Con seguro médico",
])
def test_an_online_offer_with_starred_points_and_small_print_is_an_advert(box):
    result = normalise(f"Body text here.\n{box}\nMore body text.\n")
    assert result.text == "Body text here.\nMore body text.\n"
    notes = [c for c in result.changes if c.rule == "page-chrome"]
    assert [c.line for c in notes] == list(range(2, 2 + box.count("\n") + 1))
    assert all(c.warning and "(advert)" in c.message for c in notes)


@pytest.mark.parametrize("box", [
    # no small print: the list is the article's
    "You can see a doctor online if:\n- you cannot travel *\n- your symptoms are mild",
    # small print, but no offer of something online
    "Take the tablets with food:\n- 500 mg twice a day *\n* Half the dose if your kidneys are weak.",
    # an online offer, but nothing starred
    "Book a video consultation online\n- Monday to Friday\n* Weekends on request",
])
def test_lists_that_are_not_adverts_are_kept(box):
    text = f"Body text here.\n{box}\nMore body text.\n"
    assert not [c for c in normalise(text).changes if "(advert)" in c.message]


@pytest.mark.parametrize("line, reviewer", [
    ("Peer-Review durch Dr. Hayley Willacy, FRCGP", "Dr. Hayley Willacy, FRCGP"),
    ("Revisado por Dra. Ana Pérez.", "Dra. Ana Pérez"),
])
def test_a_stated_review_becomes_the_review_status_not_chrome(line, reviewer):
    """Every handout shows its review status: a review the page states is kept, as metadata."""
    result = normalise(f"Body text here.\n{line}\nMore body text.\n")
    assert result.text == "Body text here.\nMore body text.\n"
    assert result.front_matter["reviewed_by"] == reviewer


@pytest.mark.parametrize("line", ["Share your worries with your GP.", "Print the form and bring it.", "Source: NHS",
                                  "Signs of a stroke", "Sprachstörung", "Weiterlesen lohnt sich, denn es hilft."])
def test_article_lines_like_chrome_are_kept(line):
    text = f"Body text here.\n{line}\nMore body text.\n"
    assert normalise(text).text == text


@pytest.mark.parametrize("line, author", [("By Mayo Clinic staff", "Mayo Clinic staff"),
                                          ("ParMichael R. Wasserman, MD", "Michael R. Wasserman, MD")])
def test_short_bylines_move_to_metadata(line, author):
    result = normalise(f"Body text here.\n{line}\nMore body text.\n")
    assert result.text == "Body text here.\nMore body text.\n" and result.front_matter["author"] == author


def test_a_short_part_of_the_title_right_after_it_is_a_repeat():
    result = normalise("Zona (Herpes Zoster) : Guide\n\nZona\n\nLe zona est une maladie.\n", title="Zona (Herpes Zoster) : Guide")
    assert result.text == "Zona (Herpes Zoster) : Guide\n\nLe zona est une maladie.\n"


def test_hard_wrapped_text_joins_long_lines_before_capitals():
    text = ("Most avian influenza viruses do not infect people, but some, such as\nA(H5N1), have caused infections.\n"
            "Outbreaks in poultry can be a global public health concern because of\nwhat they do.\n"
            "Epidemics of highly pathogenic AI in poultry can badly hurt local and\nglobal economies.\n"
            "There is no evidence that people catch the disease from properly\ncooked food.\n")
    assert normalise(text).text.splitlines()[0] == (
        "Most avian influenza viruses do not infect people, but some, such as A(H5N1), have caused infections.")


PROSE = "A paragraph of prose that runs on. It has two sentences.\n\nAnother paragraph, set apart by a blank line.\n\n"


def test_one_sentence_lines_in_a_row_are_a_list_whose_bullets_were_lost():
    facts = ("Avian influenza is an infectious viral disease of\nbirds.\nMost viruses do not infect people, but "
             "some, such as\nthe A(H5N1) virus, have caused serious infections.\nThere is no evidence that people catch it "
             "from properly\ncooked food, e.g. eggs.\n")
    result = normalise(PROSE + "Key facts\n\n" + facts + "\nMore prose follows here.\n")
    assert result.text.split("\n")[6:9] == [
        "- Avian influenza is an infectious viral disease of birds.",
        "- Most viruses do not infect people, but some, such as the A(H5N1) virus, have caused serious infections.",
        "- There is no evidence that people catch it from properly cooked food, e.g. eggs."]
    (note,) = [c for c in result.changes if c.rule == "lost-bullets"]
    assert note.line == 7


@pytest.mark.parametrize("run", [
    "One sentence here.\nTwo sentences here. The second one.\nThree here.\n",  # a line of two sentences
    "Only two lines.\nIn this run.\n",  # too short to tell
    "A lead-in that ends in a colon:\nFirst line.\nSecond line.\n",
])
def test_runs_that_are_not_lost_lists_stay_paragraphs(run):
    assert not [c for c in normalise(PROSE + run + "\nMore prose.\n").changes if c.rule == "lost-bullets"]


def test_a_text_with_a_line_per_paragraph_is_prose():
    """Without blank lines between paragraphs, a line per paragraph is how the whole text is written."""
    text = "Title line\nFirst paragraph.\nSecond paragraph.\nThird paragraph.\nFourth one.\n"
    assert not [c for c in normalise(text).changes if c.rule == "lost-bullets"]
