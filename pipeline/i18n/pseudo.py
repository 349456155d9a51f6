"""Pseudo-translation: every message accented, about 40 % longer and bracketed, so a build in the
pseudo-locale shows before any translator starts whether layouts fit longer text, whether the fonts draw
accented letters, and where text escapes translation (it stays plain English, without brackets).

What must survive translation survives here too: numbers with their units, abbreviations in capitals,
placeholders (%(name)s) and markup (<span …>), so the catalogs pass the same checks as real ones.
"""
from __future__ import annotations

import re

from babel.messages.catalog import Catalog

EXPANSION = 0.4
_ACCENTS = str.maketrans("aceinorsuyACEINORSUY", "åçéîñöŕšüýÅÇÉÎÑÖŔŠÜÝ")
# Kept as written: markup, placeholders, web addresses, numbers with what follows them (units), capitals.
_KEEP = re.compile(r"<[^>]+>|%\([^)]+\)[sd]|https?://\S+|\d[\d.,]*(?:\s?[^\s\d,.;:)]{1,6})?|\b[A-Z][A-Z0-9-]+\b")
_FILLER = "ļöŕéɱ îþšûɱ ðöļöŕ šîţ åɱéţ çöñšéçţéţûŕ åðîþîšçîñĝ éļîţ"


def pseudo_text(text: str) -> str:
    """"Take 500 mg IV" -> "[Ţåķé 500 mg IV ļöŕéɱ]"."""
    parts, last = [], 0
    for kept in _KEEP.finditer(text):
        parts.append(text[last:kept.start()].translate(_ACCENTS))
        parts.append(kept.group(0))
        last = kept.end()
    parts.append(text[last:].translate(_ACCENTS))
    body = "".join(parts)
    extra = round(len(text) * EXPANSION)
    filler = (_FILLER + " ") * (extra // (len(_FILLER) + 1) + 1)
    return f"[{body} {filler[:extra].strip()}]" if extra > 1 else f"[{body}]"


def pseudo_catalog(template: Catalog) -> Catalog:
    """Every message of `template` pseudo-translated (plural forms too).  Babel knows no pseudo-locale, so
    the caller writes the Language header."""
    catalog = Catalog(locale=None, project=template.project, version=template.version, charset="utf-8",
                      fuzzy=False, creation_date=template.creation_date)
    for message in template:
        if not message.id:
            continue
        string = (tuple(pseudo_text(m) for m in message.id) if isinstance(message.id, (list, tuple))
                  else pseudo_text(message.id))
        catalog.add(message.id, string, locations=message.locations, auto_comments=message.auto_comments,
                    context=message.context)
    return catalog
