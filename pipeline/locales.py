"""Locale tags: BCP 47 as users write them, Babel's Locale for formatting, and the pseudo-locale.

The pseudo-locale `qps-ploc` (ISO 639's private-use range, as Windows names its pseudo-locales) lets fit,
glyph coverage and fallbacks be tested before any translator starts.  Babel knows no such locale, so it is
formatted like English; everything else about it (its catalogs, its outputs) is an ordinary locale.
"""
from __future__ import annotations

from babel import Locale, UnknownLocaleError

PSEUDO = "qps-ploc"


def is_pseudo(tag: str) -> bool:
    return tag.replace("_", "-").lower().split("-")[0] == "qps"


def babel_locale(tag: str) -> Locale:
    """Babel's Locale for a BCP 47 tag ("pt-BR" or "pt_BR"); ValueError for one Babel does not know."""
    if is_pseudo(tag):
        return Locale.parse("en")
    try:
        return Locale.parse(tag.replace("-", "_"))
    except UnknownLocaleError as exc:
        raise ValueError(f"unknown locale {tag!r}") from exc


def folder_name(tag: str) -> str:
    """The catalog folder of a tag, as gettext names them: "pt-BR" -> "pt_BR"."""
    return "qps_ploc" if is_pseudo(tag) else str(babel_locale(tag))
