"""Glyph coverage: every character a PDF will print must have a glyph in a font that the layouts'
`base/fonts.css` declares (the first on the layout search path), checked before WeasyPrint runs.

Otherwise Pango quietly takes the glyph from whatever font the build machine has (the output then depends
on that machine), or draws an empty box where a letter was.  The fonts are read from the @font-face rules
of fonts.css, the one list of the layouts' fonts.

What Pango and HarfBuzz do with characters a font lacks (checked with WeasyPrint 70, Pango 1.50,
HarfBuzz 6): Pango picks, for each character, the first font of the stack that has it, except for spaces,
format and control characters and line or paragraph separators, which stay in the font of the text around
them.  HarfBuzz then draws a missing space as a space of the right width and hides a missing
default-ignorable character (the word joiner before citation markers, soft hyphen, zero-width joiners,
direction marks, variation selectors).  Any other missing character is drawn as an empty box or taken from
another font.
"""
from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

import tinycss2
from fontTools.ttLib import TTFont

from pipeline.errors import BookletError
from pipeline.render.layouts import BUILTIN, LayoutSet

FONTS_CSS = "base/fonts.css"  # on the layout search path

# Unicode's Default_Ignorable_Code_Point (DerivedCoreProperties.txt), which HarfBuzz hides when the font
# has no glyph, less the Hangul fillers (U+115F, U+1160, U+3164, U+FFA0), which HarfBuzz does not hide.
DEFAULT_IGNORABLE = (
    (0x00AD, 0x00AD), (0x034F, 0x034F), (0x061C, 0x061C), (0x17B4, 0x17B5), (0x180B, 0x180F),
    (0x200B, 0x200F), (0x202A, 0x202E), (0x2060, 0x206F), (0xFE00, 0xFE0F), (0xFEFF, 0xFEFF),
    (0xFFF0, 0xFFF8), (0x1BCA0, 0x1BCA3), (0x1D173, 0x1D17A), (0xE0000, 0xE0FFF),
)
OGHAM_SPACE_MARK = "\u1680"  # a space separator that is drawn as a dash
HTML_WHITESPACE = "\t\n\f\r "
EXCERPT_CHARS = 30  # on each side of the character
NOT_PRINTED = {"script", "style", "template"}
WEIGHTS = {"normal": 400, "bold": 700}


@dataclass(frozen=True)
class FontFace:
    """One @font-face rule: a family at one weight and style, from one font file."""

    family: str
    weight: int
    style: str
    path: Path
    codepoints: frozenset[int]


def _is_space(char: str) -> bool:
    return char in HTML_WHITESPACE or (unicodedata.category(char) == "Zs" and char != OGHAM_SPACE_MARK)


def _is_default_ignorable(char: str) -> bool:
    code = ord(char)
    return any(first <= code <= last for first, last in DEFAULT_IGNORABLE)


def _keeps_surrounding_font(char: str) -> bool:
    """Pango does not switch fonts for these (control, format, line and paragraph separators)."""
    return unicodedata.category(char) in {"Cc", "Cf", "Zl", "Zp"}


def _css_value(tokens, css: Path) -> str | int | list[str]:
    """The value of a font-family, font-weight, font-style or src declaration, reduced to what we use."""
    values = [t for t in tokens if t.type not in ("whitespace", "comment")]
    urls = [t.value for t in values if t.type == "url"]
    urls += [arg.value for t in values if t.type == "function" and t.lower_name == "url"
             for arg in t.arguments if arg.type == "string"]
    if urls:
        return urls
    if len(values) == 1 and values[0].type == "number" and values[0].is_integer:
        return values[0].int_value
    if len(values) == 1 and values[0].type == "string":
        return values[0].value
    if values and all(t.type == "ident" for t in values):
        return " ".join(t.value for t in values)
    raise BookletError(f"cannot read {tinycss2.serialize(tokens).strip()!r}", css,
                       values[0].source_line if values else None)


def font_faces(layouts: LayoutSet = BUILTIN) -> tuple[FontFace, ...]:
    """The layouts' fonts: the @font-face rules of their fonts.css, with the characters each font file has."""
    css = layouts.find(FONTS_CSS)
    if css is None:
        raise BookletError(f"no {FONTS_CSS} in the layouts", layouts.roots[0])
    return stylesheet_faces(layouts, css)


@cache
def stylesheet_faces(layouts: LayoutSet, css: Path) -> tuple[FontFace, ...]:
    """The @font-face rules of `css`, with the characters each font file has (found on `layouts`)."""
    faces = []
    for rule in tinycss2.parse_stylesheet(css.read_text(encoding="utf-8"), skip_comments=True,
                                          skip_whitespace=True):
        if rule.type != "at-rule" or rule.lower_at_keyword != "font-face":
            continue
        declared = {d.lower_name: d for d in tinycss2.parse_blocks_contents(rule.content)
                    if d.type == "declaration"}
        if "unicode-range" in declared:
            # WeasyPrint tells fontconfig the range instead of the file's glyphs: a range wider than the
            # file prints boxes, so a split font file cannot be checked.
            raise BookletError("unicode-range is not supported: declare whole font files",
                               css, declared["unicode-range"].source_line)
        for name in ("font-family", "src"):
            if name not in declared:
                raise BookletError(f"@font-face without {name}", css, rule.source_line)
        values = {name: _css_value(d.value, css) for name, d in declared.items()
                  if name in ("font-family", "font-weight", "font-style", "src")}
        path = _on_search_path(layouts, css.parent / values["src"][0])
        if path is None:
            raise BookletError(f"no font file {values['src'][0]}", css, declared["src"].source_line)
        with TTFont(path, lazy=True) as font:
            codepoints = frozenset(font.getBestCmap())
        weight = values.get("font-weight", "normal")
        faces.append(FontFace(family=values["font-family"], weight=WEIGHTS.get(weight, weight),
                              style=values.get("font-style", "normal"), path=path, codepoints=codepoints))
    if not faces:
        raise BookletError("no @font-face rules", css)
    return tuple(faces)


def _on_search_path(layouts: LayoutSet, path: Path) -> Path | None:
    """`path`, written relative to a stylesheet in one layouts folder, looked up on the whole search path (as
    the renderer's fetcher looks it up)."""
    path = path.resolve()
    for root in layouts.roots:
        if path.is_relative_to(root):
            return layouts.find(path.relative_to(root))
    return None


class _TextCollector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        self.hidden += tag in NOT_PRINTED

    def handle_endtag(self, tag):
        self.hidden -= tag in NOT_PRINTED and self.hidden > 0

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def printed_text(html: str) -> str:
    """The text of `html` outside scripts and styles, template labels included (and the <title>, which the
    layouts print as the heading too).  The standard library's parser is eight times faster than
    WeasyPrint's here, and text needs no tree."""
    collector = _TextCollector()
    collector.feed(html)
    collector.close()
    return "".join(collector.parts)


def unprintable(text: str, faces: tuple[FontFace, ...]) -> dict[str, str]:
    """The characters of `text` that would print as a box or in a font of the build machine, each with
    the reason, in order of first appearance."""
    styles: dict[tuple[int, str], list[FontFace]] = {}
    for face in faces:
        styles.setdefault((face.weight, face.style), []).append(face)
    problems = {}
    for char in dict.fromkeys(text):
        if _is_space(char) or _is_default_ignorable(char):
            continue
        code = ord(char)
        if _keeps_surrounding_font(char):
            lacking = [face.path.name for face in faces if code not in face.codepoints]
            if lacking:
                problems[char] = ("every font needs it, as it is printed in the font of the text around it; "
                                  f"{', '.join(lacking)} lack it")
            continue
        lacking_styles = [f"{weight} {style}" for (weight, style), group in styles.items()
                          if not any(code in face.codepoints for face in group)]
        if len(lacking_styles) == len(styles):
            problems[char] = "no font has it"
        elif lacking_styles:
            problems[char] = f"no font of weight and style {', '.join(lacking_styles)} has it"
    return problems


def describe(char: str) -> str:
    """'µ' (U+00B5) MICRO SIGN; an invisible character is shown escaped, so the message stays one line."""
    shown = char if char.isprintable() else ascii(char)[1:-1]
    return f"'{shown}' (U+{ord(char):04X}) {unicodedata.name(char, '')}".rstrip()


def excerpt(text: str, char: str) -> str:
    """The text around the first `char`, whitespace collapsed, "…" where it was cut."""
    flat = re.sub(f"[{HTML_WHITESPACE}]+", " ", text)
    at = flat.index(char)
    start, end = max(at - EXCERPT_CHARS, 0), at + EXCERPT_CHARS + 1
    return ("…" if start else "") + flat[start:end].strip() + ("…" if end < len(flat) else "")


def check_glyphs(html: str, where: str | Path, layouts: LayoutSet = BUILTIN) -> None:
    """Raise BookletError naming the first character of `html` that no font of the layouts can print, the
    text around it and `where` (the source file); the message lists the other such characters too."""
    check_text_glyphs(printed_text(html), where, layouts)


def check_text_glyphs(text: str, where: str | Path, layouts: LayoutSet = BUILTIN) -> None:
    """check_glyphs for plain text (the words of an EPUB, whose reader would otherwise take the glyph from
    whatever font the device has, or draw an empty box)."""
    problems = unprintable(text, font_faces(layouts))
    if not problems:
        return
    (char, reason), *others = problems.items()
    message = (f"{describe(char)} in {excerpt(text, char)!r} cannot be printed with the fonts of the layouts' "
               f"{FONTS_CSS}: {reason}")
    if others:
        message += "; nor can " + ", ".join(describe(other) for other, _ in others)
    raise BookletError(message, where)


def subset_font(path: Path, text: str) -> bytes:
    """The font file at `path` with only the glyphs `text` needs (its OpenType layout closure: the Arabic joining
    forms, ligatures and marks those characters may take), its name table (copyright and licence) whole, and
    its timestamp as it was, so that the same text gives the same bytes.  The fonts we ship are under the SIL
    Open Font License without a Reserved Font Name, which allows a subset to keep its name."""
    from fontTools import subset

    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.name_legacy = True
    options.notdef_outline = True
    options.recalc_timestamp = False
    font = subset.load_font(str(path), options, dontLoadGlyphNames=True)
    subsetter = subset.Subsetter(options)
    subsetter.populate(text="".join(sorted(set(text))))
    subsetter.subset(font)
    out = io.BytesIO()
    subset.save_font(font, out, options)
    return out.getvalue()
