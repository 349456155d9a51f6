import re
from pathlib import Path

import pytest

from pipeline.errors import BookletError
from pipeline.i18n.qa import Problem, check_catalog, check_unit

from conftest import PMN, SOURCES

FIXTURE = Path(__file__).parent / "fixtures" / "qa" / "es.po"


def codes(problems: list[Problem]) -> list[tuple[str, str]]:
    return [(problem.severity, problem.code) for problem in problems]


# ---- numbers ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("source, translation, target", [
    ("Take 2.5 mg.", "Tome 2,5 mg.", "es"),
    ("Take 1.5 mg.", "Tome 1,5 mg.", "es"),
    ("Take 1,000 units.", "Nehmen Sie 1.000 Einheiten.", "de"),
    ("Take 1,000 units.", "Tome 1.000 unidades.", "es"),
    ("Take 1,000 units.", "Tome 1000 unidades.", "es"),
    ("Take 1,000 mg, then 1.5 mg.", "Prenez 1\u202f000 mg, puis 1,5 mg.", "fr"),
    ("Take 1,000 mg, then 1.5 mg.", "Prenez 1\u00a0000 mg, puis 1,5 mg.", "fr"),
    ("Take 10,000 units.", "Prenez 10 000 UI.", "fr"),
    ("Fever above 38°C.", "Fieber über 38 °C.", "de"),
    ("Fever above 38°C.", "Fiebre de más de 38 ºC.", "es"),
    ("Take 0.05 mg/kg.", "Tome 0,05 mg/kg.", "es"),
    ("1 × 10⁶ cells/kg", "1 × 10^6 células/kg", "es"),
    ("Take ½ tablet.", "Tome 1/2 comprimido.", "es"),
    ("Take 1½ tablets.", "Tome 1 ½ comprimidos.", "es"),
    ("About 50% of people", "Alrededor del 50 % de las personas", "es"),
    ("Store below -20 °C.", "Conservar por debajo de -20 °C.", "es"),
    ("Blood sugar below 70 mg/dL or 3.9 mmol/L.", "Glucemia por debajo de 70 mg/dl o 3,9 mmol/l.", "es"),
    ("Take two tablets.", "Tome 2 comprimidos.", "es"),
    ("Take one tablet.", "Tome 1 comprimido.", "es"),
    ("Seek help in 1–2 days.", "Busque ayuda en 1 o 2 días.", "es"),
])
def test_the_same_numbers_in_the_locale_s_notation_pass(source, translation, target):
    assert check_unit(source, translation, "en", target) == []


def test_a_range_written_with_a_hyphen_or_a_word_passes():
    assert check_unit("every 4–6 weeks", "cada 4-6 semanas", "en", "es") == []
    assert check_unit("every 4 to 6 weeks", "cada 4 a 6 semanas", "en", "es") == []
    assert check_unit("every 4–6 weeks", "alle 4–6 Wochen", "en", "de") == []


def test_a_changed_range_fails():
    problems = check_unit("every 4–6 weeks", "cada 4-8 semanas", "en", "es")
    assert codes(problems) == [("critical", "dose-number")]
    assert "“4–6 weeks”" in problems[0].message and "“4-8 semanas”" in problems[0].message


def test_a_dropped_number_fails():
    problems = check_unit("Duloxetine – 30–60 mg daily.", "Duloxetina – 60 mg al día.", "en", "es")
    assert codes(problems) == [("critical", "dose-number")]
    assert "30–60 mg" in problems[0].message and "missing" in problems[0].message


def test_an_added_number_fails():
    problems = check_unit("Take the tablet with water.", "Tome 2 comprimidos con agua.", "en", "es")
    assert codes(problems) == [("critical", "dose-number")]
    assert "not in the source" in problems[0].message


def test_a_changed_spelled_number_fails():
    assert codes(check_unit("Take two tablets.", "Tome 3 comprimidos.", "en", "es")) == [("critical", "dose-number")]


def test_a_lost_minus_sign_fails():
    assert codes(check_unit("Store below -20 °C.", "Conservar por debajo de 20 °C.", "en", "es")) == [
        ("critical", "dose-number")]


def test_a_number_is_read_the_way_the_target_locale_reads_it():
    # In Spanish ',' is the decimal sign: "1,000 unidades" is one unit, a thousandfold error.
    problems = check_unit("Take 1,000 units.", "Tome 1,000 unidades.", "en", "es")
    assert codes(problems) == [("critical", "dose-number")]
    assert "(= 1000)" in problems[0].message and "(= 1)" in problems[0].message
    assert codes(check_unit("Take 1,000 units.", "Nehmen Sie 1,000 Einheiten.", "en", "de")) == [
        ("critical", "dose-number")]


def test_the_source_s_separators_in_the_translation_are_a_cosmetic_note():
    problems = check_unit("Take 2.5 mg.", "Tome 2.5 mg.", "en", "es")
    assert codes(problems) == [("cosmetic", "number-format")]
    assert "2,5" in problems[0].message


@pytest.mark.parametrize("translation", ["تناول ٥٠٠ ملغ.", "تناول ۵۰۰ ملغ.", "تناول ٥٠٠ مغم.", "تناول 500 مغ."])
def test_arabic_indic_digits_and_arabic_units_pass(translation):
    assert check_unit("Take 500 mg.", translation, "en", "ar") == []


def test_arabic_decimal_separator_passes_and_a_changed_arabic_dose_fails():
    assert check_unit("Take 2.5 mg.", "تناول ٢٫٥ ملغ.", "en", "ar") == []
    assert codes(check_unit("Take 500 mg.", "تناول ٥٠ ملغ.", "en", "ar")) == [("critical", "dose-number")]


# Spelled numbers: capitals are abbreviations, "dual" is two (the shipped Spanish catalog's strings).

def test_an_abbreviation_in_capitals_is_not_a_number_word():
    # "TENS" was read as "tens" (10), missing from the translation.
    assert check_unit("Transcutaneous Electrical Nerve Stimulation (TENS)",
                      "Estimulación nerviosa eléctrica transcutánea (TENS)", "en", "es") == []
    # Still an abbreviation the translation must keep.
    problems = check_unit("Transcutaneous Electrical Nerve Stimulation (TENS)",
                          "Estimulación nerviosa eléctrica transcutánea (ENET)", "en", "es")
    assert codes(problems) == [("functional", "abbreviation")] and "“TENS”" in problems[0].message


def test_dual_is_read_as_two():
    assert check_unit("dual listing due to strong evidence in CRPS-like neuropathy.",
                      "aparece dos veces por la sólida evidencia en neuropatías similares al CRPS.", "en", "es") == []
    # Like a spelled "one" it is never reported missing on its own ("doble" is a faithful adjective) …
    assert check_unit("dual therapy", "terapia doble", "en", "es") == []
    # … but it accounts for two only: another number in the translation is still added.
    problems = check_unit("dual listing", "aparece tres veces", "en", "es")
    assert codes(problems) == [("critical", "dose-number")] and "“tres”" in problems[0].message


# ---- units -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("source, translation, target", [
    ("Take 500 mcg.", "Tome 500 µg.", "es"),  # micro sign U+00B5
    ("Take 500 µg.", "Tome 500 μg.", "es"),  # Greek mu U+03BC
    ("Take 500 mcg.", "Tome 500 microgramos.", "es"),
    ("Dose: 5 mL.", "Dosis: 5 ml.", "es"),
    ("Take 500 mg.", "Tome 500 miligramos.", "es"),
    ("Rest for 30 minutes.", "Ruhen Sie sich 30 Minuten aus.", "de"),
    ("Rest for 30 minutes.", "Reposez-vous 30 min.", "fr"),
    ("375 mg/m² IV", "375 mg/m2 IV", "es"),
    ("2 g/kg over 5 days", "2 g/kg en 5 días", "es"),
    ("Take 2 mg per kg.", "Tome 2 mg por kg.", "es"),
])
def test_the_same_unit_in_another_spelling_passes(source, translation, target):
    assert check_unit(source, translation, "en", target) == []


@pytest.mark.parametrize("source, translation, target", [
    ("30-second chair-stand test", "Prueba de levantarse de la silla en 30 segundos", "es"),
    ("rising from a chair, walking three metres, turning and sitting again; a slow TUG predicts fall risk.",
     "levantarse de una silla, caminar tres metros, girar y volver a sentarse; un TUG lento predice riesgo de caídas.",
     "es"),
    ("a 3-metre walk", "una marcha de 3 metros", "es"),
    ("a three-metre walk", "una marcha de tres metros", "es"),
    ("one 10-mg tablet", "un comprimido de 10 mg", "es"),
])
def test_a_number_unit_compound_is_read_with_its_unit(source, translation, target):
    assert check_unit(source, translation, "en", target) == []


@pytest.mark.parametrize("source, translation, expected", [
    ("30-second chair-stand test", "Prueba de levantarse de la silla en 30 minutos", "s, not min"),
    ("walking three metres", "caminar tres pies", "m, not without a unit"),
])
def test_a_changed_unit_of_a_compound_or_spelled_number_fails(source, translation, expected):
    problems = check_unit(source, translation, "en", "es")
    assert codes(problems) == [("critical", "dose-unit")] and expected in problems[0].message


SMOKER_EN = ("Seek immediate medical advice if you experience new-onset limb weakness that worsens over days or weeks, "
             "unexplained muscle wasting, or fasciculations—especially if you have a history of cancer, are a long-time "
             "smoker >55 years, or are undergoing immunotherapy.")
SMOKER_AR = ("اطلب المشورة الطبية فورًا إذا ظهر لديك ضعف جديد في الأطراف يزداد سوءًا على مدى أيام أو أسابيع، أو ضمور عضلي "
             "غير مفسَّر، أو تحزّم عضلي، خاصةً إذا كان لديك تاريخ إصابة بالسرطان، أو كنت مدخنًا منذ مدة طويلة وعمرك أكثر من "
             "{age}، أو كنت تتلقى علاجًا مناعيًا.")


@pytest.mark.parametrize("age", ["55 عامًا", "55 عاماً", "55 عام", "55 سنة", "٥٥ سنة"])
def test_the_arabic_words_for_years_are_the_year_unit(age):
    assert check_unit(SMOKER_EN, SMOKER_AR.format(age=age), "en", "ar") == []


def test_years_become_months_in_arabic_fails():
    problems = check_unit(SMOKER_EN, SMOKER_AR.format(age="55 شهرًا"), "en", "ar")
    assert codes(problems) == [("critical", "dose-unit")] and "year, not month" in problems[0].message


@pytest.mark.parametrize("source, translation, expected", [
    ("Take 500 mg.", "Tome 500 mcg.", "mg, not mcg"),
    ("Dose: 5 mL.", "Dosis: 5 L.", "mL, not L"),
    ("Fever above 38 °C.", "Fiebre de más de 38 °F.", "°C, not °F"),
    ("375 mg/m² IV", "375 mg/kg IV", "mg/m², not mg/kg"),
    ("Take 500 mg.", "Tome 500.", "mg, not without a unit"),
])
def test_a_changed_unit_is_critical(source, translation, expected):
    problems = check_unit(source, translation, "en", "es")
    assert codes(problems) == [("critical", "dose-unit")]
    assert expected in problems[0].message


# ---- frequencies -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("source, translation, target", [
    ("Take 1 tablet once daily.", "Tome 1 comprimido una vez al día.", "es"),
    ("Take 1 tablet once daily.", "Tome 1 comprimido al día.", "es"),
    ("Take 1 g twice daily.", "Tome 1 g dos veces al día.", "es"),
    ("Take it three times a day.", "Tómelo 3 veces al día.", "es"),
    ("Take it twice daily.", "Prenez-le deux fois par jour.", "fr"),
    ("Take it three times a day.", "Prenez-le trois fois par jour.", "fr"),
    ("Take it twice daily.", "Nehmen Sie es zweimal täglich ein.", "de"),
    ("Take it three times a day.", "Nehmen Sie es 3-mal am Tag ein.", "de"),
    ("Take it three times a day.", "Nehmen Sie es 3 x täglich ein.", "de"),
    ("900 mg TID", "900 mg tres veces al día", "es"),
    ("4.5 mg nocte", "4,5 mg por la noche", "es"),
    ("2 mg/kg/day", "2 mg/kg/día", "es"),
    ("2 mg/kg/day", "2 mg/kg al día", "es"),
    ("0.05 mg/kg/day", "0,05 mg/kg/j", "fr"),
])
def test_the_same_frequency_in_the_target_language_passes(source, translation, target):
    assert check_unit(source, translation, "en", target) == []


@pytest.mark.parametrize("translation", ["Tome 1 comprimido 11 veces al día.", "Tome 1 comprimido once veces al día.",
                                         "Tome 1 comprimido once al día."])
def test_the_spanish_once_trap_fails(translation):
    problems = check_unit("Take 1 tablet once daily.", translation, "en", "es")
    assert codes(problems) == [("critical", "frequency")]
    assert "once a day" in problems[0].message and "11 times a day" in problems[0].message


@pytest.mark.parametrize("source, translation, target", [
    ("Take it twice daily.", "Prenez-le onze fois par jour.", "fr"),
    ("Take it twice daily.", "Prenez-le une fois par jour.", "fr"),
    ("Take it twice daily.", "Nehmen Sie es einmal täglich ein.", "de"),
    ("Take it three times a day.", "Nehmen Sie es elfmal täglich ein.", "de"),
    ("900 mg TID", "900 mg dos veces al día", "es"),
    ("2 mg/kg/day", "2 mg/kg a la semana", "es"),
])
def test_a_changed_frequency_fails(source, translation, target):
    assert codes(check_unit(source, translation, "en", target)) == [("critical", "frequency")]


def test_a_dropped_frequency_fails():
    problems = check_unit("Take 1 g twice daily.", "Tome 1 g.", "en", "es")
    assert codes(problems) == [("critical", "frequency")]
    assert "twice a day" in problems[0].message and "missing" in problems[0].message


ARABIC_FREQUENCIES = [  # the shipped Arabic catalog's strings, then the dosing forms
    ("Early axonal loss in the longest motor fibres lets toes slap or wrists sag during daily tasks.",
     "يؤدي فقدان المحاور العصبية مبكرًا في أطول الألياف الحركية إلى ارتطام أصابع القدم بالأرض أو تدلّي الرسغين أثناء "
     "الأعمال اليومية."),
    ("Hyper-excitable dying motor units trigger painful spasms, especially at night.",
     "تُطلق وحدات حركية آخذة في الموت ومفرطة الاستثارة تشنجات مؤلمة، خاصةً في الليل."),
    ("Keep a daily weakness and fatigue diary.", "دوِّن يوميًا في مفكرة ما تشعر به من ضعف وتعب."),
    ("Stay hydrated (2 L water/day).", "اشرب ما يكفي من السوائل (2 لتر من الماء يوميًا)."),
    ("Practise mindfulness 10 min daily.", "مارس تمارين اليقظة الذهنية 10 دقائق يوميًا."),
    ("Practise mindfulness 10 min daily.", "مارس تمارين اليقظة الذهنية 10 دقائق كل يوم."),
    ("Take 500 mg once daily.", "تناول 500 ملغ مرة واحدة يومياً."),
    ("Take 500 mg twice daily.", "تناول 500 ملغ مرتين في اليوم."),
    ("Take it three times a day.", "تناوله ثلاث مرّات يوميًا."),
    ("Take it three times a day.", "تناوله 3 مرات يوميا."),
    ("100 mg IM weekly", "100 ملغ IM أسبوعيًا"),
    ("4.5 mg nocte", "٤٫٥ ملغ ليلًا"),
    ("Gabapentin 300 mg at bedtime", "غابابنتين 300 ملغ عند النوم"),
]


@pytest.mark.parametrize("source, translation", ARABIC_FREQUENCIES)
def test_arabic_frequencies_pass(source, translation):
    assert check_unit(source, translation, "en", "ar") == []


@pytest.mark.parametrize("source, translation, expected", [
    ("Take 500 mg twice daily.", "تناول 500 ملغ مرة واحدة يوميًا.", "once a day"),
    ("Take it three times a day.", "تناوله مرتين في اليوم.", "twice a day"),
    ("100 mg IM weekly", "100 ملغ IM يوميًا", "once a day"),
])
def test_a_changed_arabic_frequency_fails(source, translation, expected):
    problems = check_unit(source, translation, "en", "ar")
    assert codes(problems) == [("critical", "frequency")] and f"the translation says {expected}" in problems[0].message


@pytest.mark.parametrize("source, translation, target", [
    ("10–50 mg night; TCA; anticholinergic adverse effects.",
     "10–50 mg por la noche; TCA; efectos adversos anticolinérgicos.", "es"),
    ("Magnesium glycinate 400 mg bedtime", "Glicinato de magnesio 400 mg al acostarse", "es"),
    ("4.5 mg nocte", "4,5 mg la nuit", "fr"),
    ("10 mg at bedtime", "10 mg au coucher", "fr"),
    ("Hyper-excitable dying motor units trigger painful spasms, especially at night.",
     "Des unités motrices mourantes et hyperexcitables déclenchent des spasmes douloureux, surtout la nuit.", "fr"),
    ("Cramps are worse at night.", "Die Krämpfe sind nachts schlimmer.", "de"),
])
def test_at_night_in_its_english_spellings_passes(source, translation, target):
    assert check_unit(source, translation, "en", target) == []


def test_night_and_bedtime_are_a_frequency_after_a_dose_only():
    problems = check_unit("Magnesium glycinate 400 mg bedtime", "Glicinato de magnesio 400 mg por la mañana", "en", "es")
    # Lost as a frequency, and the dose moved from the evening to the morning.
    assert codes(problems) == [("critical", "frequency"), ("critical", "dose-time")]
    assert "once a night (“bedtime”)" in problems[0].message
    # Elsewhere they are nouns: nothing for the translation to keep.
    assert check_unit("Night sweats", "Sudores nocturnos", "en", "es") == []
    assert check_unit("Keep a regular bedtime.", "Mantenga una hora regular de acostarse.", "en", "es") == []


def test_spanish_diario_after_an_article_or_preposition_is_a_diary():
    assert check_unit("Digital symptom diary apps—early flare detection and treatment triggers.",
                      "Aplicaciones de diario digital de síntomas: detección precoz de brotes y avisos para iniciar el "
                      "tratamiento.", "en", "es") == []
    assert check_unit("Keep a symptom diary.", "Lleve un diario de síntomas.", "en", "es") == []
    # After a dose or a noun it is daily: kept, changed or added, it is compared.
    assert check_unit("Take 1 g daily.", "Tome 1 g diario.", "en", "es") == []
    assert check_unit("Daily exercise helps.", "El ejercicio diario ayuda.", "en", "es") == []
    assert codes(check_unit("Take 1 g twice daily.", "Tome 1 g diario.", "en", "es")) == [("critical", "frequency")]
    problems = check_unit("Take 1 g.", "Tome 1 g diario.", "en", "es")
    assert codes(problems) == [("critical", "frequency")] and "once a day (“diario”)" in problems[0].message


# ---- symbols, abbreviations ------------------------------------------------------------------------------

@pytest.mark.parametrize("source, translation, lost", [
    ("2 × 10⁶ cells/kg", "2 x 10^6 células/kg", "×"),
    ("About 50% of people", "Alrededor del 50 por ciento de las personas", "%"),
    ("1 g IV daily × 5 days", "1 g al día × 5 días", "IV"),
    ("100 mg IM weekly", "100 mg semanal", "IM"),
    ("Intravenous immunoglobulin (IVIG)", "Inmunoglobulina intravenosa (IGIV)", "IVIG"),
])
def test_a_lost_symbol_or_abbreviation_is_functional(source, translation, lost):
    problems = check_unit(source, translation, "en", "es")
    assert [(p.severity, p.code) for p in problems] == [
        ("functional", "abbreviation" if lost.isalpha() else "symbol")]
    assert f"“{lost}”" in problems[0].message


@pytest.mark.parametrize("translation, target", [
    ("1 g IV al día durante 5 días", "es"), ("1 g IV al día x 5 días", "es"), ("1 g IV par jour pendant 5 jours", "fr"),
    ("1 g i.v. täglich für 5 Tage", "de"), ("1 g EV al giorno per 5 giorni", "it"),
])
def test_times_a_number_of_days_is_for_that_many_days(translation, target):
    assert check_unit("1 g IV daily × 5 days", translation, "en", target, approved={"IV": {"EV"}}) == []


def test_a_dotted_route_abbreviation_counts_as_kept():
    assert check_unit("1 g IV daily", "1 g i.v. täglich", "en", "de") == []


@pytest.mark.parametrize("source, translation", [
    ("Checked automatically with EPUBCheck and DAISY Ace against WCAG 2.1 Level AA; no manual audit has been made.",
     "فُحص آليًا باستخدام EPUBCheck وDAISY Ace وفق معايير WCAG 2.1 المستوى AA؛ ولم يُجرَ أي تدقيق يدوي."),
    ("1 g IV daily × 5 days", "1 غرام بـIV يوميًا × 5 أيام"),
])
def test_an_abbreviation_glued_to_an_arabic_prefix_counts_as_kept(source, translation):
    assert check_unit(source, translation, "en", "ar") == []


def test_an_abbreviation_inside_a_longer_latin_word_is_not_kept():
    problems = check_unit("1 g IV daily", "1 g IVIG al día", "en", "es")
    assert codes(problems) == [("functional", "abbreviation")] and "“IV”" in problems[0].message


def test_an_approved_rendering_counts_as_the_abbreviation_and_an_unapproved_one_does_not():
    approved = {"IVIG": {"IgIV"}}
    assert check_unit("Intravenous immunoglobulin (IVIG)", "Inmunoglobulina intravenosa (IgIV)", "en", "es",
                      approved=approved) == []
    problems = check_unit("Intravenous immunoglobulin (IVIG)", "Inmunoglobulina intravenosa (IGIV)", "en", "es",
                          approved=approved)
    assert codes(problems) == [("functional", "abbreviation")]


# ---- times of day ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("translation, target", [
    ("Tome la dosis a las 20:00.", "es"), ("Tome la dosis a las 8 de la noche.", "es"),
    ("Prenez la dose à 20 h.", "fr"), ("Prenez la dose à 20h00.", "fr"), ("Nehmen Sie die Dosis um 20 Uhr.", "de"),
    ("Tome a dose às 20h.", "pt"), ("Prenda la dose alle 20.", "it"), ("تناول الجرعة الساعة ٨ مساءً.", "ar"),
])
def test_a_time_of_day_is_compared_as_a_time(translation, target):
    assert check_unit("Take the dose at 8 pm.", translation, "en", target) == []


def test_a_changed_time_of_day_fails():
    problems = check_unit("Take the dose at 8 pm.", "Tome la dosis a las 21:00.", "en", "es")
    assert codes(problems) == [("critical", "time")]
    assert "20:00 (“at 8 pm”)" in problems[0].message and "21:00 (“a las 21:00”)" in problems[0].message


def test_a_number_after_a_clock_preposition_with_a_unit_or_in_a_range_is_not_a_time():
    assert check_unit("Check again at 38 weeks.", "Controle de nuevo a las 38 semanas.", "en", "es") == []
    assert check_unit("1 tablet every 4 to 6 hours", "1 comprimé toutes les 4 à 6 heures", "en", "fr") == []


# ---- dose forms ------------------------------------------------------------------------------------------

def test_a_changed_dose_form_fails_and_one_left_out_passes():
    problems = check_unit("Take 2 tablets with water.", "Tome 2 gotas con agua.", "en", "es")
    assert codes(problems) == [("critical", "dose-unit")] and "tablet" in problems[0].message
    assert check_unit("Take 2 tablets in the morning and 1 at noon.",
                      "Tome 2 comprimidos por la mañana y 1 comprimido al mediodía.", "en", "es") == []


def test_arabic_dual_and_noun_first_counts_are_read():
    assert check_unit("Take 2 tablets, then 1 tablet.", "تناول قرصين، ثم قرصاً واحداً.", "en", "ar") == []
    assert codes(check_unit("Take 2 tablets.", "تناول ٣ أقراص.", "en", "ar")) == [("critical", "dose-number")]


def test_a_glued_arabic_and_before_a_frequency_is_read():
    assert check_unit("Take 1 tablet in the morning, then twice daily.",
                      "تناول قرصاً واحداً في الصباح، ومرتين يومياً بعد ذلك.", "en", "ar") == []


# ---- negated limits, doses bound to drugs and times of day -----------------------------------------------

@pytest.mark.parametrize("translation, target", [
    ("No tome más de 4 g al día.", "es"), ("Ne dépassez pas 4 g par jour.", "fr"),
    ("Nehmen Sie höchstens 4 g pro Tag.", "de"), ("Die Tageshöchstdosis von 4 g nicht überschreiten.", "de"),
    ("Não ultrapasse 4 g por dia.", "pt"), ("Non superare 4 g al giorno.", "it"), ("لا تتجاوز ٤ غرامات يومياً.", "ar"),
])
def test_a_limit_kept_with_a_negation_or_a_maximum_passes(translation, target):
    assert check_unit("Do not exceed 4 g a day.", translation, "en", target) == []


def test_a_dropped_negation_before_a_limit_fails():
    problems = check_unit("Do not exceed 4 g a day.", "Supere 4 g al día.", "en", "es")
    assert codes(problems) == [("critical", "negation")]
    assert "“4 g”" in problems[0].message and "“not exceed”" in problems[0].message


def test_a_dose_moved_to_another_drug_fails():
    source = "Take 500 mg of paracetamol and 200 mg of ibuprofen."
    assert check_unit(source, "Tome 500 mg de paracetamol y 200 mg de ibuprofeno.", "en", "es") == []
    problems = check_unit(source, "Tome 200 mg de paracetamol y 500 mg de ibuprofeno.", "en", "es")
    assert codes(problems) == [("critical", "dose-drug")]
    assert "paracetamol “500 mg” but the translation gives it “200 mg”" in problems[0].message


def test_a_drug_name_in_another_script_binds_through_the_approved_renderings():
    source = "Take 500 mg of paracetamol and 200 mg of ibuprofen."
    approved = {"paracetamol": {"باراسيتامول"}, "ibuprofen": {"إيبوبروفين"}}
    assert check_unit(source, "تناول ٥٠٠ ملغ من الباراسيتامول و٢٠٠ ملغ من الإيبوبروفين.", "en", "ar",
                      approved=approved) == []
    problems = check_unit(source, "تناول ٢٠٠ ملغ من الباراسيتامول و٥٠٠ ملغ من الإيبوبروفين.", "en", "ar",
                          approved=approved)
    assert codes(problems) == [("critical", "dose-drug")] * 2  # each drug got the other's dose


def test_a_name_s_digits_and_an_article_are_no_dose_of_a_term():
    """Found in the shipped Spanish catalog once its glossary's terms bound doses: the 2 of "Ma2" is part of a
    name, and "una" beside a medical term is an article; neither is a dose that moved."""
    approved = {"neuropathy": {"neuropatía"}, "immunotherapy": {"inmunoterapia"}}
    assert check_unit("Germ-cell tumours express Ma2 antigens, leading to motor neuropathy in men.",
                      "Los tumores de células germinales expresan antígenos Ma2, lo que causa una neuropatía "
                      "motora en los hombres.", "en", "es", approved=approved) == []
    assert check_unit("Immunotherapy helps 50–80 % of people.",
                      "La inmunoterapia ayuda al 50–80 % de las personas; es una opción.", "en", "es",
                      approved=approved) == []


def test_doses_swapped_between_times_of_day_fail():
    source = "Take 2 tablets in the morning and 1 at lunchtime."
    assert check_unit(source, "Nehmen Sie morgens 2 Tabletten und mittags 1 Tablette ein.", "en", "de") == []
    problems = check_unit(source, "Nehmen Sie morgens 1 Tablette und mittags 2 Tabletten ein.", "en", "de")
    assert set(codes(problems)) == {("critical", "dose-time")}
    # A part of the day shared by two doses: "morning and evening" binds both ways round.
    assert check_unit("Use 2 puffs morning and evening.", "Wenden Sie morgens und abends 2 Hübe an.", "en", "de") == []


# ---- markup and punctuation (translate-toolkit) -----------------------------------------------------------

def test_broken_markup_fails():
    problems = check_unit("Take <b>500 mg</b>.", "Tome <b>500 mg.", "en", "es")
    assert codes(problems) == [("critical", "markup")]
    assert "<b> </b>" in problems[0].message


def test_a_renamed_placeholder_fails():
    problems = check_unit("Take %(dose)s twice daily.", "Tome %(dosis)s dos veces al día.", "en", "es")
    assert codes(problems) == [("critical", "placeholder")]
    assert codes(check_unit("Take {dose}.", "Tome {dosis}.", "en", "es")) == [("critical", "placeholder")]


def test_a_lost_full_stop_is_cosmetic():
    assert codes(check_unit("Take 2 tablets.", "Tome 2 comprimidos", "en", "es")) == [("cosmetic", "end-punctuation")]


@pytest.mark.parametrize("translation, target", [
    ("¿Cuándo debe ver a un médico?", "es"),
    ("متى يجب أن ترى الطبيب؟", "ar"),
    ("Quand faut-il consulter un médecin ?", "fr"),
])
def test_the_target_language_s_question_mark_passes(translation, target):
    assert check_unit("When should you see a doctor?", translation, "en", target) == []


def test_arabic_comma_and_full_stop_pass():
    assert check_unit("Fever above 38 °C, call 112.", "حمى فوق ٣٨ °م، اتصل بالرقم ١١٢.", "en", "ar") == []


def test_an_unknown_locale_is_a_booklet_error():
    with pytest.raises(BookletError, match="unknown locale"):
        check_unit("Take 5 mg.", "Tome 5 mg.", "en", "xx-nope")


# ---- the seed's real doses ---------------------------------------------------------------------------------

KEY_DRUGS_ES = {
    "High-dose Methylprednisolone": "Metilprednisolona en dosis altas – 1 g IV al día × 5 días, después reducción "
    "gradual; corticoide; inmunosupresión de primera línea; vigile la glucosa y el insomnio. thieme-connect.com",
    "Intravenous Immunoglobulin (IVIG)": "Inmunoglobulina intravenosa (IVIG) – 2 g/kg repartidos en 5 días cada "
    "4–6 semanas; IgG de donantes; neutraliza los anticuerpos circulantes; dolor de cabeza, riesgo de trombosis. "
    "pmc.ncbi.nlm.nih.gov",
    "Rituximab": "Rituximab – 375 mg/m² IV semanal × 4; anticuerpo monoclonal anti-CD20; elimina los linfocitos B; "
    "reacciones a la infusión, reactivación tardía de la hepatitis B. stemcellres.biomedcentral.com",
    "Mycophenolate mofetil": "Micofenolato de mofetilo – 1 g dos veces al día; inhibidor de la inosina monofosfato "
    "deshidrogenasa; diarrea, infecciones.",
    "Tacrolimus": "Tacrolimus – 0,05 mg/kg/día; inhibidor de la calcineurina; temblor, nefrotoxicidad.",
    "Gabapentin": "Gabapentina – 300 mg por la noche, con aumento progresivo hasta 900 mg TID; ligando α2-δ; alivia "
    "el dolor neuropático; mareo.",
    "B-complex injection (B1/B6/B12)": "Inyección de complejo B (B1/B6/B12) – 100 mg/100 mg/1 mg IM semanal × 4, "
    "después mensual; neurotrópico; rara vez neuropatía por exceso de piridoxina. "
    "pmc.ncbi.nlm.nih.govactaneurologica.com",
    "Low-dose Naltrexone": "Naltrexona en dosis bajas – 4,5 mg por la noche; antagonista µ que modula la microglía; "
    "sueños vívidos.",
}


@pytest.fixture(scope="module")
def key_drug_lines():
    text = next((SOURCES / PMN).glob("*.txt")).read_text(encoding="utf-8")
    section = text.split("Key Drugs (Dosage, Class, Timing, Side-Effects)", 1)[1]
    return {line.split(" – ", 1)[0]: line for line in section.splitlines() if " – " in line}


@pytest.mark.parametrize("drug", KEY_DRUGS_ES)
def test_a_faithful_spanish_translation_of_the_seed_s_doses_passes(key_drug_lines, drug):
    assert check_unit(key_drug_lines[drug], KEY_DRUGS_ES[drug], "en", "es") == []


@pytest.mark.parametrize("drug", KEY_DRUGS_ES)
def test_the_same_translation_with_its_first_dose_changed_fails(key_drug_lines, drug):
    changed = re.sub(r"(?<![\w,])\d+", lambda match: str(int(match.group()) + 1), KEY_DRUGS_ES[drug], count=1)
    assert ("critical", "dose-number") in codes(check_unit(key_drug_lines[drug], changed, "en", "es"))


# ---- catalogs --------------------------------------------------------------------------------------------

def line_of(text: str, line: str) -> int:
    return text.splitlines().index(line) + 1


def test_check_catalog_reports_translated_entries_at_their_msgstr_line():
    text = FIXTURE.read_text(encoding="utf-8")
    found = [(line, problem.severity, problem.code) for line, problem in check_catalog(FIXTURE)]
    assert found == [
        (line_of(text, 'msgstr "Tome 500 mcg."'), "critical", "dose-unit"),
        # A msgstr "" whose text is on the continuation lines below it.
        (line_of(text, '"Micofenolato de mofetilo – 1 g 11 veces al día; diarrea, "') - 1, "critical", "frequency"),
        (line_of(text, 'msgstr "Tome 1,000 unidades."'), "critical", "dose-number"),
        (line_of(text, 'msgstr[1] "Tome %(count)s comprimidos de <b>500 mg</b>"'), "cosmetic", "end-punctuation"),
    ]


def test_check_catalog_skips_fuzzy_untranslated_and_obsolete_entries(tmp_path):
    text = FIXTURE.read_text(encoding="utf-8")
    fuzzy_line = line_of(text, 'msgstr "Tome 5 L."')
    assert fuzzy_line not in [line for line, _ in check_catalog(FIXTURE)]
    # The same entry, signed off: now it is checked and its unit change found.
    signed_off = tmp_path / "es.po"
    signed_off.write_text(text.replace("#, fuzzy\n", ""), encoding="utf-8")
    lines = [line for line, problem in check_catalog(signed_off) if problem.code == "dose-unit"]
    assert fuzzy_line - 1 in lines


def test_a_catalog_without_a_language_is_a_booklet_error(tmp_path):
    po = tmp_path / "xx.po"
    po.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\nmsgid "A"\nmsgstr "B"\n',
                  encoding="utf-8")
    with pytest.raises(BookletError, match="Language") as error:
        check_catalog(po)
    assert error.value.path == po


def test_a_broken_catalog_is_a_booklet_error_naming_the_line(tmp_path):
    po = tmp_path / "es.po"
    po.write_text('msgid ""\nmsgstr ""\n"Language: es\\n"\n\nmsgid "A"\nmsgstr "B"\nnonsense "C"\n', encoding="utf-8")
    with pytest.raises(BookletError) as error:
        check_catalog(po)
    assert (error.value.path, error.value.line) == (po, 7)
