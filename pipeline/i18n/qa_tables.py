"""Word tables for the translation QA check (`pipeline.i18n.qa`), one dict entry per language.

A language missing from a table is not read for that feature (its frequencies, range words, …);
add its words here, the check itself needs no change. Keys are Babel language codes.
"""
from __future__ import annotations

# Canonical unit symbols, keyed by CLDR unit id: Babel's unit data gives each locale's short and long
# spellings ("mg", "miligramos", "Milligramm", "مغم"), which all read as the symbol on the right.
CLDR_UNITS = {
    "mass-milligram": "mg", "mass-microgram": "mcg", "mass-gram": "g", "mass-kilogram": "kg", "mass-pound": "lb",
    "volume-milliliter": "mL", "volume-liter": "L", "volume-deciliter": "dL",
    "concentr-percent": "%", "concentr-millimole-per-liter": "mmol/L",
    "concentr-milligram-ofglucose-per-deciliter": "mg/dL",
    "temperature-celsius": "°C", "temperature-fahrenheit": "°F", "pressure-millimeter-ofhg": "mmHg",
    "frequency-hertz": "Hz", "frequency-megahertz": "MHz",
    "length-nanometer": "nm", "length-millimeter": "mm", "length-centimeter": "cm", "length-meter": "m",
    "area-square-meter": "m²", "area-square-centimeter": "cm²",
    "duration-second": "s", "duration-minute": "min", "duration-hour": "h", "duration-day": "day",
    "duration-week": "week", "duration-month": "month", "duration-year": "year",
    "energy-joule": "J", "energy-kilocalorie": "kcal", "power-watt": "W",
}

# Spellings CLDR does not have, read in every language. "mcg" is what ISMP asks for instead of µg;
# "cc" and "U" are on ISMP's error-prone list but still mean mL and units when a text uses them.
UNIVERSAL_UNITS = {
    "mcg": "mcg", "μg": "mcg", "mmol": "mmol", "mEq": "mEq", "IU": "IU", "U": "IU", "cc": "mL",
    "h": "h", "hrs": "h", "min": "min", "mins": "min", "m2": "m²", "cm2": "cm²",
    "ºC": "°C", "℃": "°C", "ºF": "°F", "℉": "°F", "°": "°",  # º (ordinal sign) is often typed for °
}

# Regional spellings read as well as the language's own: CLDR's "en" is American ("meters", "liters"),
# English sources are often British ("three metres").
REGIONAL_UNIT_LOCALES = {"en": ("en_GB",)}

# Per-language spellings CLDR does not have: international units, the Arabic "ملغ"/"مغ" for mg that
# drug leaflets use (CLDR writes "مغم"), and the Arabic year "عام" (CLDR has only "سنة", "سنوات").
LANGUAGE_UNITS = {
    "en": {"units": "IU", "unit": "IU", "international units": "IU"},
    "es": {"UI": "IU", "unidades": "IU", "unidad": "IU", "unidades internacionales": "IU",
           "grados centígrados": "°C"},
    "fr": {"UI": "IU", "unités": "IU", "unité": "IU", "unités internationales": "IU"},
    "de": {"I.E.": "IU", "IE": "IU", "Einheiten": "IU", "Einheit": "IU", "internationale Einheiten": "IU"},
    "ar": {"ملغ": "mg", "مغ": "mg", "وحدة": "IU", "وحدات": "IU", "وحدة دولية": "IU",
           "عام": "year", "عامًا": "year", "أعوام": "year"},
}

# One-letter spellings are read as units only when they are these symbols: CLDR's Spanish year "a" or
# French day "j" would turn "de 4 a 6 semanas" into years.
ONE_LETTER_UNITS = frozenset("gLlmhJW")

# "mg per kg": the word that joins the parts of a compound unit, as "/" does.
PER_WORDS = {"en": "per", "es": "por", "fr": "par", "de": "pro"}

# "4 to 6 weeks", "1 or 2 days": words that join two numbers so both take the unit that follows the second
# ("-" and "–" do this in every language).
RANGE_WORDS = {"en": ("to", "or"), "es": ("a", "o", "u"), "fr": ("à", "ou"), "de": ("bis", "oder"),
               "ar": ("إلى", "الى", "أو")}

# Frequencies: "<count> <times> <period>" ("three times a day", "tres veces al día", "dreimal täglich"),
# "<count> <period>" ("dos al día") or a period alone ("daily" = once a day). Counts are digits,
# multiplier words, or words read by text2num, so the Spanish "once" (11) is read as eleven.
# Arabic phrases are listed without vowel marks: the text matches with or without them.
TIMES_WORDS = {
    "en": r"\s+times?",
    "es": r"\s+(?:vez|veces)",
    "fr": r"\s+fois",
    "de": r"\s*-?\s*mal",  # fused: "zweimal", "2-mal"
    "ar": r"\s+(?:مرات|مرّات|مرة|مرّة)",  # "3 مرات يوميًا", with or without the shadda
}
# text2num does not read Arabic, so its counts of times are listed whole.
MULTIPLIER_WORDS = {
    "en": {"once": 1, "twice": 2, "thrice": 3},
    "ar": {"مرة": 1, "مرة واحدة": 1, "مرتين": 2, "مرتان": 2, "ثلاث مرات": 3, "أربع مرات": 4, "خمس مرات": 5,
           "ست مرات": 6},
}
PERIOD_WORDS = {
    "en": {
        "day": ("a day", "per day", "daily", "each day", "every day", "/day", "/d"),
        "week": ("a week", "per week", "weekly", "each week", "every week", "/week", "/wk"),
        "month": ("a month", "per month", "monthly", "each month", "every month", "/month"),
        "night": ("nightly", "at night", "each night", "every night", "at bedtime"),
        "hour": ("an hour", "per hour", "hourly", "every hour", "/h"),
    },
    "es": {
        "day": ("al día", "por día", "a diario", "diario", "diaria", "diarios", "diarias", "diariamente", "cada día",
                "todos los días", "/día", "/d"),
        "week": ("a la semana", "por semana", "semanal", "semanales", "semanalmente", "cada semana",
                 "todas las semanas", "/semana"),
        "month": ("al mes", "por mes", "mensual", "mensuales", "mensualmente", "cada mes", "todos los meses", "/mes"),
        "night": ("por la noche", "cada noche", "todas las noches", "al acostarse"),
        "hour": ("por hora", "cada hora", "a la hora", "/h"),
    },
    "fr": {
        "day": ("par jour", "quotidien", "quotidienne", "quotidiens", "quotidiennes", "quotidiennement",
                "chaque jour", "tous les jours", "/jour", "/j"),
        "week": ("par semaine", "hebdomadaire", "hebdomadaires", "chaque semaine", "toutes les semaines", "/semaine"),
        "month": ("par mois", "mensuel", "mensuelle", "mensuels", "mensuelles", "mensuellement", "chaque mois",
                  "tous les mois", "/mois"),
        "night": ("la nuit", "chaque nuit", "toutes les nuits", "le soir", "au coucher", "chaque soir",
                  "tous les soirs"),
        "hour": ("par heure", "chaque heure", "toutes les heures", "/h"),
    },
    "de": {
        "day": ("täglich", "tgl.", "am Tag", "pro Tag", "jeden Tag", "/Tag", "/d"),
        "week": ("wöchentlich", "pro Woche", "in der Woche", "jede Woche", "/Woche"),
        "month": ("monatlich", "pro Monat", "im Monat", "jeden Monat", "/Monat"),
        "night": ("nachts", "in der Nacht", "abends", "zur Nacht", "jeden Abend", "vor dem Schlafengehen"),
        "hour": ("stündlich", "pro Stunde", "jede Stunde", "/h"),
    },
    "ar": {
        "day": ("يوميا", "يومي", "يومية", "اليومي", "اليومية", "كل يوم", "في اليوم", "باليوم", "/يوم"),
        "week": ("أسبوعيا", "أسبوعي", "أسبوعية", "الأسبوعي", "الأسبوعية", "كل أسبوع", "في الأسبوع",
                 "بالأسبوع", "/أسبوع"),
        "month": ("شهريا", "شهري", "شهرية", "الشهري", "الشهرية", "كل شهر", "في الشهر", "بالشهر", "/شهر"),
        "night": ("ليلا", "في الليل", "كل ليلة", "عند النوم", "قبل النوم"),
        "hour": ("كل ساعة", "/ساعة"),
    },
}
# Words that are a frequency only right after a dose: the prescriber's "10–50 mg night", "400 mg bedtime";
# elsewhere they are nouns ("night sweats", "a regular bedtime").
DOSE_PERIOD_WORDS = {"en": {"night": ("night", "bedtime")}}
# Period words that are also nouns: after an article, possessive, demonstrative or preposition the
# Spanish "diario" is a diary ("un diario", "aplicaciones de diario digital"); after a dose or a noun it
# is daily ("1 g diario", "uso diario").
PERIOD_NOUNS = {
    "es": (("diario", "diarios"),
           ("el", "los", "un", "unos", "su", "sus", "mi", "mis", "tu", "tus", "nuestro", "nuestros", "este",
            "estos", "ese", "esos", "aquel", "aquellos", "del", "de", "en", "con", "sin", "para")),
}
# Prescription abbreviations, the same in every language (dots optional: "b.i.d."). OD also means
# "right eye", which is why ISMP lists it as error-prone; it is still read as once a day here.
LATIN_FREQUENCIES = {
    "QD": (1, "day"), "OD": (1, "day"), "BD": (2, "day"), "BID": (2, "day"), "TID": (3, "day"), "TDS": (3, "day"),
    "QID": (4, "day"), "QDS": (4, "day"), "QHS": (1, "night"), "NOCTE": (1, "night"),
}

# Symbols that must survive translation as they are.
KEPT_SYMBOLS = ("×", "%", "±", "≤", "≥")

# Languages text2num reads spelled-out numbers in.
SPELLED_NUMBER_LANGUAGES = frozenset({"en", "es", "fr", "de", "pt", "nl", "da", "it"})
# Words that mean a number text2num does not read: "dual listing" ↔ "aparece dos veces". They are often
# translated by an adjective ("doble"), so like a spelled "one" they pair with a number but are never
# reported missing on their own.
NUMBER_WORDS = {"en": {"dual": 2}}
