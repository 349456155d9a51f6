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

# Per-language spellings CLDR does not have: international units, the Arabic "ملغ"/"مغ" for mg and "مل" for mL
# that drug leaflets use (CLDR writes "مغم", "ملتر"), and the Arabic year "عام" (CLDR has only "سنة", "سنوات").
LANGUAGE_UNITS = {
    "en": {"units": "IU", "unit": "IU", "international units": "IU"},
    "es": {"UI": "IU", "unidades": "IU", "unidad": "IU", "unidades internacionales": "IU",
           "grados centígrados": "°C"},
    "fr": {"UI": "IU", "unités": "IU", "unité": "IU", "unités internationales": "IU"},
    "de": {"I.E.": "IU", "IE": "IU", "Einheiten": "IU", "Einheit": "IU", "internationale Einheiten": "IU"},
    "ar": {"ملغ": "mg", "مغ": "mg", "ملليغرام": "mg", "ميليغرام": "mg", "مكغ": "mcg", "مل": "mL", "ملل": "mL",
           "مللتر": "mL", "ميلي لتر": "mL", "وحدة": "IU", "وحدات": "IU", "وحدة دولية": "IU", "وحدات دولية": "IU",
           "عام": "year", "عامًا": "year", "أعوام": "year"},
    "pt": {"UI": "IU", "unidades": "IU", "unidade": "IU", "unidades internacionais": "IU"},
    "it": {"UI": "IU", "U.I.": "IU", "unità": "IU", "unità internazionali": "IU"},
}

# Dose forms are units: "2 tablets" → "2 gotas" changes the dose. Canonical name → the language's spellings.
# A dose form may be left out on one side ("2 tablets in the morning and 1 at noon" → "1 comprimido"), so a
# bare number matches the same number with a dose form. CLDR has no dose forms, hence this table.
DOSE_FORMS = {
    "en": {"tablet": ("tablet", "tablets", "pill", "pills"), "capsule": ("capsule", "capsules"),
           "drop": ("drop", "drops"), "puff": ("puff", "puffs", "spray", "sprays", "inhalation", "inhalations"),
           "sachet": ("sachet", "sachets"), "ampoule": ("ampoule", "ampoules", "ampule", "ampules"),
           "patch": ("patch", "patches"), "teaspoon": ("teaspoon", "teaspoons", "teaspoonful", "teaspoonfuls"),
           "tablespoon": ("tablespoon", "tablespoons", "tablespoonful", "tablespoonfuls"),
           "spoonful": ("spoon", "spoons", "spoonful", "spoonfuls"),
           "suppository": ("suppository", "suppositories"), "vial": ("vial", "vials")},
    "es": {"tablet": ("comprimido", "comprimidos", "tableta", "tabletas", "pastilla", "pastillas"),
           "capsule": ("cápsula", "cápsulas"), "drop": ("gota", "gotas"),
           "puff": ("inhalación", "inhalaciones", "pulsación", "pulsaciones", "pulverización", "pulverizaciones",
                    "puff", "puffs"),
           "sachet": ("sobre", "sobres"), "ampoule": ("ampolla", "ampollas"), "patch": ("parche", "parches"),
           "teaspoon": ("cucharadita", "cucharaditas"), "tablespoon": ("cucharada", "cucharadas"),
           "spoonful": ("cuchara", "cucharas"), "suppository": ("supositorio", "supositorios"),
           "vial": ("vial", "viales")},
    "fr": {"tablet": ("comprimé", "comprimés", "cachet", "cachets"),
           "capsule": ("gélule", "gélules", "capsule", "capsules"),
           "drop": ("goutte", "gouttes"), "puff": ("bouffée", "bouffées", "pulvérisation", "pulvérisations",
                                                   "inhalation", "inhalations"),
           "sachet": ("sachet", "sachets"), "ampoule": ("ampoule", "ampoules"),
           "patch": ("patch", "patchs", "timbre", "timbres"),
           "teaspoon": ("cuillère à café", "cuillères à café", "cuillerée à café", "cuillerées à café"),
           "tablespoon": ("cuillère à soupe", "cuillères à soupe", "cuillerée à soupe", "cuillerées à soupe"),
           "spoonful": ("cuillère", "cuillères", "cuillerée", "cuillerées"),
           "suppository": ("suppositoire", "suppositoires"), "vial": ("flacon", "flacons")},
    "de": {"tablet": ("Tablette", "Tabletten", "Filmtablette", "Filmtabletten"),
           "capsule": ("Kapsel", "Kapseln", "Hartkapsel", "Hartkapseln"), "drop": ("Tropfen",),
           "puff": ("Hub", "Hübe", "Sprühstoß", "Sprühstöße", "Pumpstoß", "Pumpstöße", "Inhalation", "Inhalationen"),
           "sachet": ("Beutel", "Sachet", "Sachets"), "ampoule": ("Ampulle", "Ampullen"), "patch": ("Pflaster",),
           "teaspoon": ("Teelöffel",), "tablespoon": ("Esslöffel",), "spoonful": ("Löffel",),
           "suppository": ("Zäpfchen", "Suppositorium", "Suppositorien"),
           "vial": ("Durchstechflasche", "Durchstechflaschen")},
    "pt": {"tablet": ("comprimido", "comprimidos"), "capsule": ("cápsula", "cápsulas"), "drop": ("gota", "gotas"),
           "puff": ("inalação", "inalações", "jato", "jatos", "jacto", "jactos", "pulverização", "pulverizações",
                    "borrifada", "borrifadas", "puff", "puffs"),
           "sachet": ("saqueta", "saquetas", "sachê", "sachês", "saquinho", "saquinhos"),
           "ampoule": ("ampola", "ampolas"), "patch": ("adesivo", "adesivos", "penso", "pensos"),
           "teaspoon": ("colher de chá", "colheres de chá"), "tablespoon": ("colher de sopa", "colheres de sopa"),
           "spoonful": ("colher", "colheres", "colherada", "colheradas"),
           "suppository": ("supositório", "supositórios"), "vial": ("frasco-ampola", "frascos-ampola")},
    "it": {"tablet": ("compressa", "compresse", "pastiglia", "pastiglie"),
           "capsule": ("capsula", "capsule"), "drop": ("goccia", "gocce"),
           "puff": ("spruzzo", "spruzzi", "erogazione", "erogazioni", "inalazione", "inalazioni", "puff"),
           "sachet": ("bustina", "bustine"), "ampoule": ("fiala", "fiale"), "patch": ("cerotto", "cerotti"),
           "teaspoon": ("cucchiaino", "cucchiaini"), "tablespoon": ("cucchiaio", "cucchiai"),
           "suppository": ("supposta", "supposte"), "vial": ("flaconcino", "flaconcini")},
    # Arabic: the accusative "قرصاً" is "قرصا" without its marks.
    "ar": {"tablet": ("قرص", "قرصا", "أقراص", "حبة", "حبات", "حبوب"), "capsule": ("كبسولة", "كبسولات"),
           "drop": ("قطرة", "قطرات"), "puff": ("بخة", "بخات", "نفخة", "نفخات"),
           "sachet": ("كيس", "كيسا", "أكياس", "ظرف", "ظرفا", "أظرف"), "ampoule": ("أمبولة", "أمبولات"),
           "patch": ("لصقة", "لصقات", "لاصقة"), "teaspoon": ("ملعقة صغيرة", "ملاعق صغيرة"),
           "tablespoon": ("ملعقة كبيرة", "ملاعق كبيرة"), "spoonful": ("ملعقة", "ملاعق"),
           "suppository": ("تحميلة", "تحاميل"), "vial": ("قارورة", "قوارير")},
}
# Arabic counts two of a thing with the dual ending and no number: "قرصين" is two tablets.
DUAL_DOSE_FORMS = {
    "ar": {"قرصان": "tablet", "قرصين": "tablet", "حبتان": "tablet", "حبتين": "tablet", "كبسولتان": "capsule",
           "كبسولتين": "capsule", "قطرتان": "drop", "قطرتين": "drop", "بختان": "puff", "بختين": "puff",
           "كيسان": "sachet", "كيسين": "sachet", "أمبولتان": "ampoule", "أمبولتين": "ampoule",
           "لصقتان": "patch", "لصقتين": "patch", "ملعقتان": "spoonful", "ملعقتين": "spoonful",
           "تحميلتان": "suppository", "تحميلتين": "suppository"},
}

# One-letter spellings are read as units only when they are these symbols: CLDR's Spanish year "a" or
# French day "j" would turn "de 4 a 6 semanas" into years.
ONE_LETTER_UNITS = frozenset("gLlmhJW")

# "mg per kg": the word that joins the parts of a compound unit, as "/" does.
PER_WORDS = {"en": "per", "es": "por", "fr": "par", "de": "pro", "pt": "por", "it": "per"}

# "4 to 6 weeks", "1 or 2 days": words that join two numbers so both take the unit that follows the second
# ("-" and "–" do this in every language).
RANGE_WORDS = {"en": ("to", "or"), "es": ("a", "o", "u"), "fr": ("à", "ou"), "de": ("bis", "oder"),
               "ar": ("إلى", "الى", "أو"), "pt": ("a", "ou"), "it": ("a", "o", "oppure")}

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
    "pt": r"\s+(?:vez|vezes)",
    "it": r"\s+(?:volta|volte)",
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
        "night": ("nightly", "at night", "each night", "every night", "at bedtime", "in the evening", "every evening",
                  "each evening"),
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
        # "Tagesdosis" is a dose a day: German writes the period into the compound.
        "day": ("täglich", "tgl.", "am Tag", "pro Tag", "jeden Tag", "/Tag", "/d", "Tagesdosis", "Tageshöchstdosis",
                "Tagesgesamtdosis", "Tagesmaximaldosis"),
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
    "pt": {
        "day": ("por dia", "ao dia", "diário", "diária", "diários", "diárias", "diariamente", "cada dia",
                "todos os dias", "/dia"),
        "week": ("por semana", "à semana", "na semana", "semanal", "semanais", "semanalmente", "cada semana",
                 "todas as semanas", "/semana"),
        "month": ("por mês", "ao mês", "mensal", "mensais", "mensalmente", "cada mês", "todos os meses", "/mês"),
        "night": ("à noite", "cada noite", "todas as noites", "ao deitar", "antes de deitar"),
        "hour": ("por hora", "cada hora", "a cada hora", "/h"),
    },
    "it": {
        "day": ("al giorno", "per giorno", "giornaliero", "giornaliera", "quotidiano", "quotidiana",
                "quotidianamente", "ogni giorno", "tutti i giorni", "/die", "/giorno"),
        "week": ("alla settimana", "a settimana", "per settimana", "settimanale", "settimanali", "settimanalmente",
                 "ogni settimana", "tutte le settimane", "/settimana"),
        "month": ("al mese", "per mese", "mensile", "mensili", "mensilmente", "ogni mese", "tutti i mesi", "/mese"),
        "night": ("la sera", "alla sera", "di sera", "la notte", "di notte", "ogni sera", "prima di coricarsi",
                  "al momento di coricarsi"),
        "hour": ("all'ora", "per ora", "ogni ora", "/h"),
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
# Arabic has no word list in text2num; the counting words a leaflet uses, 1 to 10 (masculine, feminine and
# accusative forms). In Arabic the number follows the counted noun: "قرصاً واحداً" is one tablet.
COUNTING_WORDS = {
    "ar": {"واحد": 1, "واحدة": 1, "واحدا": 1, "اثنان": 2, "اثنين": 2, "اثنتان": 2, "اثنتين": 2, "ثلاث": 3,
           "ثلاثة": 3, "أربع": 4, "أربعة": 4, "خمس": 5, "خمسة": 5, "ست": 6, "ستة": 6, "سبع": 7, "سبعة": 7,
           "ثماني": 8, "ثمانية": 8, "تسع": 9, "تسعة": 9, "عشر": 10, "عشرة": 10},
}
NUMBER_AFTER_NOUN = frozenset({"ar"})
# Arabic conjunctions and prepositions are written glued to the next word, a conjunction first:
# "ومرتين" is "and twice", "بالساعة" "at the hour", "وبالأسبوع" "and per week".
ARABIC_GLUED_CONJUNCTIONS = "وف"
ARABIC_GLUED_PREPOSITIONS = "بلك"

# Clock times. A number is a time of day when it has minutes ("20:00"), a clock word ("20 Uhr"), a
# morning/evening word ("8 pm", "8 مساءً"), or follows a clock preposition ("a las 21", "alle 20") and no unit
# follows it. French "h" is also the hour of a duration ("72 h"): after "à" it is a clock time ("à 20 h").
CLOCK_PREPOSITIONS = {"en": ("at",), "es": ("a las", "a la"), "pt": ("às",), "it": ("alle",), "ar": ("الساعة",)}
HOUR_PREPOSITIONS = {"fr": ("à", "vers"), "de": ("um", "gegen")}
HOUR_WORDS = {"es": ("h", "horas"), "fr": ("h", "heures"), "de": ("Uhr",), "pt": ("h", "horas"), "it": ("h",)}
CLOCK_WORDS = {"en": ("o'clock", "o’clock"), "de": ("Uhr",)}
# Languages whose morning/evening words make a number a clock time on their own ("8 pm"); elsewhere they
# need a clock word or preposition first: German "1 morgens" is one tablet in the morning, not 1 a.m.
MERIDIEMS_ALONE = frozenset({"en"})
MERIDIEMS = {
    "en": {"am": ("am", "a.m."), "pm": ("pm", "p.m.")},
    "es": {"am": ("de la mañana", "de la madrugada"), "pm": ("de la tarde", "de la noche")},
    "fr": {"am": ("du matin",), "pm": ("du soir", "de l'après-midi")},
    "de": {"am": ("morgens", "früh", "vormittags"), "pm": ("abends", "nachmittags", "nachts")},
    "pt": {"am": ("da manhã", "da madrugada"), "pm": ("da tarde", "da noite")},
    "it": {"am": ("di mattina", "del mattino"), "pm": ("di sera", "della sera", "del pomeriggio")},
    "ar": {"am": ("صباحا", "صباحًا"), "pm": ("مساء", "مساءً", "ليلا")},
}

# Parts of the day a dose is bound to ("2 tablets in the morning and 1 at lunchtime"). Evening, night and
# bedtime are one: languages draw the line between them differently ("por la noche", "le soir", "abends").
TIMES_OF_DAY = {
    "en": {"morning": ("morning", "mornings", "breakfast"), "noon": ("noon", "midday", "lunchtime", "lunch"),
           "evening": ("evening", "evenings", "dinner", "supper", "night", "nightly", "bedtime", "nocte")},
    "es": {"morning": ("mañana", "mañanas", "desayuno"), "noon": ("mediodía", "almuerzo", "comida"),
           "evening": ("tarde", "noche", "noches", "cena", "acostarse")},
    "fr": {"morning": ("matin", "matins", "petit-déjeuner", "petit déjeuner"), "noon": ("midi", "déjeuner"),
           "evening": ("soir", "soirs", "soirée", "dîner", "nuit", "coucher")},
    "de": {"morning": ("morgens", "Morgen", "Frühstück", "vormittags"), "noon": ("mittags", "Mittag", "Mittagessen"),
           "evening": ("abends", "Abend", "Abendessen", "nachts", "Nacht", "Schlafengehen")},
    "pt": {"morning": ("manhã", "pequeno-almoço", "café da manhã"), "noon": ("meio-dia", "almoço"),
           "evening": ("noite", "jantar", "deitar")},
    "it": {"morning": ("mattina", "mattino", "colazione"), "noon": ("mezzogiorno", "pranzo"),
           "evening": ("sera", "cena", "notte", "coricarsi")},
    "ar": {"morning": ("صباحا", "الصباح", "صباح", "الفطور", "الإفطار", "فطور"),
           "noon": ("الظهر", "ظهرا", "الغداء", "غداء"),
           "evening": ("مساء", "المساء", "العشاء", "عشاء", "الليل", "ليلا", "النوم")},
}
# Words that end one dose's clause and start another's: "2 tablets in the morning | and 1 at lunchtime".
AND_WORDS = {"en": ("and",), "es": ("y", "e"), "fr": ("et",), "de": ("und",), "pt": ("e",), "it": ("e", "ed"),
             "ar": ("و",)}

# A limit on a dose: in the source a negation before a limit word ("do not exceed", "no more than"); in the
# translation a negation or a maximum word near the same dose ("ne … pas", "nicht mehr als", "höchstens").
NEGATIONS = {
    "en": ("not", "never", "no", "don't", "doesn't", "mustn't", "cannot", "can't"),
    "es": ("no", "nunca", "jamás", "ni"), "fr": ("ne", "n'", "pas", "jamais"),
    "de": ("nicht", "nie", "niemals", "kein", "keine", "keinesfalls"), "pt": ("não", "nunca", "jamais"),
    "it": ("non", "mai"), "ar": ("لا", "لم", "لن", "ألا", "عدم", "ممنوع"),
}
LIMIT_WORDS = {"en": ("exceed", "exceeding", "more than", "over", "above", "higher than", "greater than", "beyond")}
# "Up to" is a limit too: "hasta 8 comprimidos al día" renders "no more than 8 tablets a day".
MAXIMUM_WORDS = {
    "en": ("maximum", "at most", "max", "up to"), "es": ("máximo", "como máximo", "hasta"),
    "fr": ("maximum", "au plus", "au maximum", "jusqu'à", "jusqu’à"),
    "de": ("höchstens", "maximal", "Höchstdosis", "bis zu"), "pt": ("máximo", "no máximo", "até"),
    "it": ("massimo", "al massimo", "fino a"), "ar": ("أقصى", "كحد أقصى", "بحد أقصى", "حتى"),
}
