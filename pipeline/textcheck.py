"""Invisible characters that change what prints are refused in every input: the one check every reader uses.

Direction controls (U+202A–U+202E embeddings and overrides, U+2066–U+2069 isolates) reorder the text around
them: "Take \u202e12 mg\u202c daily" prints "gm 21".  The other invisible format characters (Unicode category
Cf: zero-width space U+200B, word joiner U+2060, a byte-order mark U+FEFF inside the text, the marks U+200E,
U+200F and U+061C, soft hyphen U+00AD, tags, …) are refused too: nobody can see them to check them, and they
split or glue words and numbers where the reader cannot tell.

Control characters (NUL, ESC, the C1 range, DEL; Unicode category Cc) but tab, LF and CR are refused as well:
never text a patient should read, and often the sign of a wrongly decoded or binary file.

Allowed, because scripts need them to spell words correctly: U+200C ZERO WIDTH NON-JOINER and U+200D ZERO WIDTH
JOINER (Persian, Arabic, Kurdish and the Indic scripts use them inside words; emoji sequences too).  A byte-order
mark at the very start of a file is not text (the readers decode it away).

This is for input only: the renderers add their own direction markup where a run needs isolating.
"""
from __future__ import annotations

import unicodedata
from pathlib import Path

from pipeline.errors import BookletError

ALLOWED_FORMAT = frozenset({"\u200c", "\u200d"})  # ZWNJ, ZWJ: part of how some scripts spell words
ALLOWED_CONTROL = frozenset("\t\n\r")
DIRECTION_CONTROLS = frozenset(chr(c) for c in [*range(0x202A, 0x202F), *range(0x2066, 0x206A)])


def is_refused(char: str) -> bool:
    category = unicodedata.category(char)
    return (category == "Cf" and char not in ALLOWED_FORMAT) or (category == "Cc" and char not in ALLOWED_CONTROL)


def first_refused(text: str) -> int | None:
    """The index of the first refused character in `text`, or None."""
    for index, char in enumerate(text):
        if is_refused(char):
            return index
    return None


def describe(char: str) -> str:
    if unicodedata.category(char) == "Cc":
        return f"control character U+{ord(char):04X}"
    name = unicodedata.name(char, "format character")
    kind = "direction control" if char in DIRECTION_CONTROLS else "invisible character"
    return f"{kind} U+{ord(char):04X} {name}"


def check_text(text: str, path: str | Path | None, first_line: int = 1, what: str = "") -> None:
    """Refuse `text` (read from `path`, starting at `first_line`) if it holds a refused character: a
    BookletError naming the file, the line and the character."""
    index = first_refused(text)
    if index is None:
        return
    char = text[index]
    line = first_line + text.count("\n", 0, index) if first_line is not None else None
    around = text[max(0, index - 20):index + 21].replace("\n", " ")
    visible = "".join(f"<U+{ord(c):04X}>" if is_refused(c) else c for c in around).strip()
    where = f" in {what}" if what else ""
    raise BookletError(f"{describe(char)}{where} ({visible!r}): it can change what prints and nobody can see it; "
                       "delete it (booklet adds its own direction markup where needed)", path, line)


_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def read_text(path: Path) -> str:
    """The file's text: UTF-8 (a leading byte-order mark dropped), with no control character but tab, LF and CR
    and no invisible format character that changes what prints (textcheck).  Anything else is refused naming
    the line of the first bad byte or character."""
    data = path.read_bytes()
    if data.startswith(_UTF16_BOMS):
        raise BookletError("UTF-16 text; save the file as UTF-8", path, 1)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise BookletError(f"not valid UTF-8 (byte 0x{data[exc.start]:02x}); save the file as UTF-8", path, line) from None
    check_text(text, path)
    return text
