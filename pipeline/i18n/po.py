"""The one PO layer: every command reads catalogs (.po, .pot) here, strictly, and writes them here.

Why our own strict reader in front of Babel's model: Babel's `read_po` and translate-toolkit's `pypo` are
both lenient where a translator's work is at stake (an unterminated string is read as a shorter translation,
a duplicate silently replaces the first, `#|` lines and unknown headers are dropped by Babel) and neither
says on which line a file is broken.  GNU `msgfmt --check` is the standard we hold catalogs to, but it is a
test oracle only, not a runtime dependency.  So this module lexes the file line by line like GNU's reader,
refuses what msgfmt refuses (syntax, unterminated strings, bad escapes, duplicate msgctxt+msgid, a charset
other than UTF-8, a Plural-Forms expression outside C's grammar over `n`, a translated plural entry with
the wrong number of forms) as a BookletError naming the file and line, and only then builds the Babel
`Catalog` that the merge, the .mo writer and the build's lookups use.  It keeps what Babel has no place for:
every header in the file's order, previous msgids (`#|`, `#~|`).

Writing follows GNU's layout (msgcat's default width, 79 columns as GNU counts them, its line-breaking
rules and field order), so `msgcat` and `msgmerge` leave a catalog we wrote byte-identical.
"""
from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from babel.messages.catalog import Catalog, Message

from pipeline.errors import BookletError
from pipeline.i18n.linebreak import width_breaks
from pipeline.textcheck import check_text

WIDTH = 79  # GNU msgcat/msgmerge's default --width

# --- reading ----------------------------------------------------------------------------------------------

_KEYWORD = re.compile(r"(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)(?=[\s\"])")
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "a": "\a", "b": "\b", "f": "\f", "v": "\v", "\\": "\\", '"': '"',
            "'": "'", "?": "?"}


@dataclass
class Entry:
    line: int  # of its msgid (of its first keyword for a previous-only fragment)
    obsolete: bool = False
    user_comments: list[str] = field(default_factory=list)
    auto_comments: list[str] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    previous: dict[str, str] = field(default_factory=dict)  # msgctxt / msgid / msgid_plural of `#|`
    msgctxt: str | None = None
    msgid: str | None = None
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)  # index -> text (0 for a singular entry)
    msgstr_lines: dict[int, int] = field(default_factory=dict)
    plural_msgstr: bool = False  # written msgstr[i]

    @property
    def key(self) -> tuple[str | None, str]:
        return self.msgctxt, self.msgid or ""

    @property
    def fuzzy(self) -> bool:
        return "fuzzy" in self.flags

    @property
    def translated(self) -> bool:
        return any(self.msgstr.values())


@dataclass
class PoFile:
    path: Path
    entries: list[Entry]  # without the header entry
    header: Entry | None
    headers: list[tuple[str, str]]  # the header entry's fields, in the file's order
    header_lines: dict[str, int] = field(default_factory=dict)  # a field's name, lower case -> its line

    def header_value(self, name: str) -> str | None:
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None

    def header_line(self, name: str) -> int:
        """The line of the header field `name` (of the header entry where it has no line of its own)."""
        return self.header_lines.get(name.lower()) or (self.header.line if self.header else 1)

    def translations(self) -> Iterator[tuple[int, str, str]]:
        """(line of the msgstr, source, translation) of every translated form of a live, non-fuzzy message:
        what is printed.  gettext's own pairing: the first form translates msgid, the others msgid_plural."""
        for entry in self.entries:
            if entry.obsolete or entry.fuzzy or not entry.msgid:
                continue
            for index, translation in sorted(entry.msgstr.items()):
                if translation:
                    source = entry.msgid if index == 0 or entry.msgid_plural is None else entry.msgid_plural
                    yield entry.msgstr_lines[index], source, translation


def parse(path: Path, data: bytes | None = None) -> PoFile:
    """Read a PO or POT file strictly; a BookletError names the file and line of the first problem."""
    path = Path(path)
    if data is None:
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise BookletError("no such catalog", path) from None
        except IsADirectoryError:
            raise BookletError("a folder, not a catalog", path) from None
    text = _decode(data, path)
    check_text(text, path)
    po = _Parser(path).parse(text)
    _check(po, template=path.suffix == ".pot")
    return po


def _decode(data: bytes, path: Path) -> str:
    """UTF-8 only: the charset the header declares must be UTF-8 and the bytes must be.  Catalogs in other
    encodings are refused with the command that converts them, never guessed at."""
    declared = re.search(rb'^\s*"Content-Type:[^"\n]*charset=([^"\\\s;]*)', data, re.M | re.I)
    if declared:
        charset = declared.group(1).decode("ascii", "replace")
        line = data.count(b"\n", 0, declared.start()) + 1
        if charset.upper() != "CHARSET":  # a template's placeholder
            try:
                name = codecs.lookup(charset).name
            except LookupError:
                raise BookletError(f"unknown charset {charset!r} in the Content-Type header; catalogs are "
                                   "UTF-8: write charset=UTF-8", path, line) from None
            if name != "utf-8":
                raise BookletError(f"the catalog declares charset={charset}; booklet reads UTF-8 catalogs only: "
                                   f"convert it with `msgconv --to-code=UTF-8 {path.name}`", path, line)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise BookletError(f"not valid UTF-8 (byte 0x{data[exc.start]:02x}), though catalogs must be UTF-8; "
                           "was it saved in another encoding?", path, line) from None
    return text.removeprefix("\ufeff")


class _Parser:
    def __init__(self, path: Path):
        self.path = path

    def error(self, line: int, message: str) -> BookletError:
        return BookletError(message, self.path, line)

    def parse(self, text: str) -> PoFile:
        entries: list[Entry] = []
        entry = Entry(0)
        field_name: str | None = None  # the keyword the following string lines continue
        field_prefix = ""  # "", "#~", "#|" or "#~|": where that keyword was
        started = False  # the current entry has a msgid

        def finish(line: int) -> None:
            nonlocal entry, started, field_name
            if started:
                if not entry.msgstr:
                    raise self.error(entry.line, "msgid without msgstr")
                if entry.msgid_plural is not None and not entry.plural_msgstr:
                    raise self.error(entry.msgstr_lines[0], "msgid_plural needs msgstr[0], msgstr[1], …")
                if entry.plural_msgstr and sorted(entry.msgstr) != list(range(len(entry.msgstr))):
                    raise self.error(entry.line, "the msgstr[N] forms are not numbered 0, 1, 2, …")
                entries.append(entry)
            elif entry.previous or entry.msgctxt is not None:
                raise self.error(line, "a comment or msgctxt without its msgid")
            entry, started, field_name = Entry(0), False, None

        lines = text.split("\n")
        for number, raw in enumerate(lines, 1):
            line = raw.removesuffix("\r")
            stripped = line.strip()
            if not stripped:
                continue
            prefix, body = "", stripped
            if stripped.startswith("#~|"):
                prefix, body = "#~|", stripped[3:].strip()
            elif stripped.startswith("#~"):
                prefix, body = "#~", stripped[2:].strip()
            elif stripped.startswith("#|"):
                prefix, body = "#|", stripped[2:].strip()
            elif stripped.startswith("#"):
                if started:
                    finish(number)
                kind, rest = stripped[1:2], stripped[2:]
                if kind == ".":
                    entry.auto_comments.append(rest.strip())
                elif kind == ":":
                    entry.references += rest.split()
                elif kind == ",":
                    entry.flags += [f.strip() for f in rest.split(",") if f.strip()]
                else:  # "# text", "#" alone
                    entry.user_comments.append(stripped[2:] if stripped[1:2] == " " else stripped[1:])
                field_name = None
                continue
            if not body:
                continue
            if body.startswith('"'):
                if field_name is None or prefix != field_prefix:
                    raise self.error(number, "a string without a keyword before it")
                self._append(entry, field_name, prefix, self._strings(body, number), number)
                continue
            keyword = _KEYWORD.match(body)
            if not keyword:
                raise self.error(number, f"syntax error: expected msgctxt, msgid, msgstr, a string or a comment, "
                                         f"found {body[:30]!r}")
            name = keyword.group(1)
            value = self._strings(body[keyword.end():].strip(), number)
            previous = prefix.endswith("|")
            obsolete = prefix.startswith("#~")
            if previous:
                if started:
                    finish(number)
                if name.startswith("msgstr"):
                    raise self.error(number, "a previous msgstr (#| msgstr) is not allowed")
                entry.previous[name] = value
                field_name, field_prefix = name, prefix
                continue
            if name == "msgctxt" or (name == "msgid" and (entry.msgctxt is None or started)):
                if started:
                    finish(number)
            if name == "msgctxt":
                if entry.msgctxt is not None:
                    raise self.error(number, "two msgctxt for one message")
                entry.msgctxt, entry.obsolete = value, obsolete
                entry.line = number
            elif name == "msgid":
                if entry.msgctxt is not None and entry.obsolete != obsolete:
                    raise self.error(number, "an obsolete (#~) and a live part in one message")
                entry.msgid, entry.obsolete, entry.line, started = value, obsolete, number, True
            else:
                if not started:
                    raise self.error(number, f"{name} without msgid")
                if obsolete != entry.obsolete:
                    raise self.error(number, "an obsolete (#~) and a live part in one message")
                if name == "msgid_plural":
                    if entry.msgid_plural is not None or entry.msgstr:
                        raise self.error(number, "msgid_plural out of place")
                    entry.msgid_plural = value
                else:
                    index = keyword.group(2)
                    if index is None:
                        if entry.msgid_plural is not None:
                            raise self.error(number, "a message with msgid_plural needs msgstr[0], msgstr[1], …")
                        if entry.msgstr:
                            raise self.error(number, "two msgstr for one message")
                        index = 0
                    else:
                        if entry.msgid_plural is None:
                            raise self.error(number, "msgstr[N] without msgid_plural")
                        entry.plural_msgstr = True
                        index = int(index)
                        if index in entry.msgstr:
                            raise self.error(number, f"msgstr[{index}] twice")
                    entry.msgstr[index] = value
                    entry.msgstr_lines[index] = number
                    name = f"msgstr[{index}]"
            field_name, field_prefix = name, prefix
        finish(len(lines))
        header = None
        if entries and entries[0].msgid == "" and entries[0].msgctxt is None and not entries[0].obsolete:
            header = entries.pop(0)
        headers = []
        if header is not None:
            for text_line in header.msgstr.get(0, "").split("\n"):
                if text_line.strip():
                    key, colon, value = text_line.partition(":")
                    if not colon:
                        raise self.error(header.line, f"header line without a colon: {text_line[:40]!r}")
                    headers.append((key.strip(), value.strip()))
        return PoFile(self.path, entries, header, headers, self._header_lines(header, lines))

    @staticmethod
    def _header_lines(header: Entry | None, lines: list[str]) -> dict[str, int]:
        """Each header field's line: the string line of the header's msgstr that starts it."""
        found: dict[str, int] = {}
        if header is None or 0 not in header.msgstr_lines:
            return found
        number = header.msgstr_lines[0]
        while number <= len(lines) and (number == header.msgstr_lines[0] or lines[number - 1].lstrip().startswith('"')):
            if field := re.match(r'\s*(?:msgstr\s+)?"([^":\\]+):', lines[number - 1]):
                found.setdefault(field[1].strip().lower(), number)
            number += 1
        return found

    @staticmethod
    def _append(entry: Entry, name: str, prefix: str, value: str, number: int) -> None:
        if prefix.endswith("|"):
            entry.previous[name] += value
        elif name == "msgctxt":
            entry.msgctxt = (entry.msgctxt or "") + value
        elif name == "msgid":
            entry.msgid = (entry.msgid or "") + value
        elif name == "msgid_plural":
            entry.msgid_plural = (entry.msgid_plural or "") + value
        else:
            index = int(name[7:-1]) if name.startswith("msgstr[") else 0
            entry.msgstr[index] += value

    def _strings(self, body: str, number: int) -> str:
        """One or more C strings ("…" "…") making up the rest of a line, unescaped."""
        out, i = [], 0
        if not body.startswith('"'):
            raise self.error(number, "syntax error: a keyword needs a string in double quotes")
        while i < len(body):
            if body[i] in " \t":
                i += 1
                continue
            if body[i] != '"':
                raise self.error(number, f"syntax error after a string: {body[i:i + 20]!r}")
            i += 1
            while True:
                if i >= len(body):
                    raise self.error(number, "end of line within string (a closing \" is missing)")
                char = body[i]
                if char == '"':
                    i += 1
                    break
                if char == "\\":
                    if i + 1 >= len(body):
                        raise self.error(number, "end of line within string (a closing \" is missing)")
                    esc = body[i + 1]
                    if esc in _ESCAPES:
                        out.append(_ESCAPES[esc])
                        i += 2
                    elif esc in "01234567":
                        digits = re.match(r"[0-7]{1,3}", body[i + 1:]).group(0)
                        out.append(chr(int(digits, 8)))
                        i += 1 + len(digits)
                    elif esc == "x" and re.match(r"[0-9a-fA-F]", body[i + 2:i + 3]):
                        digits = re.match(r"[0-9a-fA-F]+", body[i + 2:]).group(0)
                        out.append(chr(int(digits, 16)))
                        i += 2 + len(digits)
                    else:
                        raise self.error(number, f"invalid escape sequence \\{esc} in a string")
                    continue
                out.append(char)
                i += 1
        return "".join(out)


def _check(po: PoFile, template: bool) -> None:
    """What msgfmt --check refuses beyond syntax."""
    seen: dict[tuple[str | None, str], int] = {}
    for entry in po.entries:
        if entry.key in seen:
            what = f"msgctxt {entry.msgctxt!r}, " if entry.msgctxt is not None else ""
            raise BookletError(f"duplicate message definition ({what}msgid {entry.msgid[:40]!r}; first at line "
                               f"{seen[entry.key]}): keep one and remove the other", po.path, entry.line)
        seen[entry.key] = entry.line
    plural_forms = po.header_value("Plural-Forms")
    nplurals = 2
    if plural_forms is not None and not (template and "INTEGER" in plural_forms):
        nplurals = check_plural_forms(plural_forms, po.path, po.header.line if po.header else 1)
    if template:
        return
    for entry in po.entries:
        if entry.plural_msgstr and not entry.obsolete and not entry.fuzzy and entry.translated \
                and len(entry.msgstr) != nplurals:
            raise BookletError(f"this translation has {len(entry.msgstr)} plural forms, but the header's "
                               f"Plural-Forms says nplurals={nplurals}", po.path, entry.msgstr_lines[0])


# --- Plural-Forms: a strict grammar of C expressions over n, evaluated without eval -----------------------

_TOKEN = re.compile(r"\s*(?:(\d+)|(n)|(\|\||&&|==|!=|<=|>=|[-+*/%<>!?:()]))")
_BINARY = [("||",), ("&&",), ("==", "!="), ("<", ">", "<=", ">="), ("+", "-"), ("*", "/", "%")]


def check_plural_forms(value: str, path: Path, line: int) -> int:
    """nplurals of a Plural-Forms header, after checking `plural=` against C's expression grammar over `n`
    and that it gives a form between 0 and nplurals-1 for n = 0…1000 (as msgfmt --check does)."""
    match = re.fullmatch(r"\s*nplurals\s*=\s*(\d+)\s*;\s*plural\s*=\s*([^;]+?)\s*;?\s*", value)
    if not match:
        raise BookletError(f"invalid Plural-Forms {value!r}: expected \"nplurals=N; plural=EXPRESSION;\"", path, line)
    nplurals = int(match.group(1))
    if not 1 <= nplurals <= 100:
        raise BookletError(f"invalid Plural-Forms: nplurals={nplurals}, expected at least 1", path, line)
    try:
        rule = plural_rule(match.group(2))
    except ValueError as exc:
        raise BookletError(f"invalid Plural-Forms expression {match.group(2)!r}: {exc}", path, line) from None
    for n in range(1001):
        try:
            form = rule(n)
        except ZeroDivisionError:
            raise BookletError(f"the Plural-Forms expression divides by zero for n = {n}", path, line) from None
        if not 0 <= form < nplurals:
            raise BookletError(f"the Plural-Forms expression gives form {form} for n = {n}, but nplurals={nplurals}",
                               path, line)
    return nplurals


def plural_rule(expression: str):
    """A function of n for a C plural expression, parsed by recursive descent (never eval'd)."""
    tokens, at = [], 0
    while at < len(expression):
        match = _TOKEN.match(expression, at)
        if not match or match.end() == at:
            if expression[at:].strip() == "":
                break
            raise ValueError(f"unexpected {expression[at:at + 10].strip()!r}")
        tokens.append(match.group(1) or match.group(2) or match.group(3))
        at = match.end()
    position = 0

    def peek():
        return tokens[position] if position < len(tokens) else None

    def take(expected=None):
        nonlocal position
        token = peek()
        if token is None or (expected is not None and token != expected):
            raise ValueError(f"expected {expected or 'more'}, found {token or 'the end'}")
        position += 1
        return token

    def ternary():
        condition = binary(0)
        if peek() == "?":
            take("?")
            then = ternary()
            take(":")
            otherwise = ternary()
            return lambda n: then(n) if condition(n) else otherwise(n)
        return condition

    def binary(level):
        if level == len(_BINARY):
            return unary()
        left = binary(level + 1)
        while peek() in _BINARY[level]:
            op, right = take(), binary(level + 1)
            left = _apply(op, left, right)
        return left

    def unary():
        token = peek()
        if token == "!":
            take()
            operand = unary()
            return lambda n: int(not operand(n))
        if token == "(":
            take()
            inner = ternary()
            take(")")
            return inner
        if token == "n":
            take()
            return lambda n: n
        if token is not None and token.isdigit():
            take()
            value = int(token)
            return lambda n: value
        raise ValueError(f"expected n, a number or '(', found {token or 'the end'}")

    rule = ternary()
    if position != len(tokens):
        raise ValueError(f"unexpected {tokens[position]!r}")
    return rule


def _apply(op, left, right):
    def c_div(a, b):
        return abs(a) // abs(b) * (1 if (a >= 0) == (b > 0) else -1)

    operations = {
        "||": lambda n: int(bool(left(n)) or bool(right(n))), "&&": lambda n: int(bool(left(n)) and bool(right(n))),
        "==": lambda n: int(left(n) == right(n)), "!=": lambda n: int(left(n) != right(n)),
        "<": lambda n: int(left(n) < right(n)), ">": lambda n: int(left(n) > right(n)),
        "<=": lambda n: int(left(n) <= right(n)), ">=": lambda n: int(left(n) >= right(n)),
        "+": lambda n: left(n) + right(n), "-": lambda n: left(n) - right(n), "*": lambda n: left(n) * right(n),
        "/": lambda n: c_div(left(n), right(n)),
        "%": lambda n: left(n) - right(n) * c_div(left(n), right(n)),
    }
    return operations[op]


# --- the Babel model ----------------------------------------------------------------------------------------

def to_catalog(po: PoFile) -> Catalog:
    """The Babel catalog of a parsed file, with previous msgids (`message.previous_id`) kept."""
    catalog = Catalog(locale=None, charset="utf-8", fuzzy=False)
    if po.header is not None:
        catalog[""] = Message("", "\n".join(f"{k}: {v}" for k, v in po.headers) + "\n",
                              flags=po.header.flags, user_comments=po.header.user_comments)
    for entry in po.entries:
        if entry.msgid_plural is not None:
            msgid = (entry.msgid, entry.msgid_plural)
            string = tuple(entry.msgstr.get(i, "") for i in range(max(len(entry.msgstr), 1)))
        else:
            msgid, string = entry.msgid, entry.msgstr.get(0, "")
        message = Message(msgid, string, [_location(r) for r in entry.references], entry.flags,
                          entry.auto_comments, entry.user_comments, lineno=entry.line, context=entry.msgctxt)
        if "msgid" in entry.previous:
            message.previous_id = [entry.previous["msgid"]] + (
                [entry.previous["msgid_plural"]] if "msgid_plural" in entry.previous else [])
            message.previous_context = entry.previous.get("msgctxt")
        if entry.obsolete:
            catalog.obsolete[catalog._key_for(msgid, entry.msgctxt)] = message
        else:
            catalog._messages[catalog._key_for(msgid, entry.msgctxt)] = message
    return catalog


def _location(reference: str) -> tuple[str, int | None]:
    filename, colon, line = reference.rpartition(":")
    return (filename, int(line)) if colon and line.isdigit() else (reference, None)


# --- writing, as GNU gettext lays a catalog out ------------------------------------------------------------

def serialize(catalog: Catalog, headers: list[tuple[str, str]], header_comment: str | None = None,
              header_flags=()) -> bytes:
    """The PO text of `catalog` with the header entry `headers` (in that order)."""
    out: list[str] = []
    comment = catalog.header_comment if header_comment is None else header_comment
    out += [line if line.startswith("#") else f"# {line}" for line in comment.splitlines() if comment]
    if header_flags:
        out.append("#, " + ", ".join(_ordered_flags(header_flags)))
    out += _field("msgid", "", "")
    out += _field("msgstr", "".join(f"{k}: {v}\n" for k, v in headers), "")
    for message in catalog:
        if message.id:
            out.append("")
            out += _entry(message, obsolete=False)
    for message in catalog.obsolete.values():
        if not any(_strings(message.string)):  # as GNU does: an untranslated obsolete entry holds nothing
            continue
        out.append("")
        out += _entry(message, obsolete=True)
    return ("\n".join(out) + "\n").encode("utf-8")


_FORMATS = ["c", "objc", "cplusplus", "sh", "python", "python-brace", "java", "java-printf", "csharp",
            "javascript", "scheme", "lisp", "elisp", "librep", "ruby", "smalltalk", "qt", "qt-plural", "kde",
            "kde-kuit", "boost", "lua", "tcl", "perl", "perl-brace", "php", "gcc-internal", "gfc-internal", "ycp"]


def _strings(value) -> tuple:
    return tuple(value) if isinstance(value, (list, tuple)) else (value,)


def _ordered_flags(flags) -> list[str]:
    """fuzzy first, then the format flags in GNU's order, then the rest."""
    def order(flag: str):
        language = flag.removeprefix("no-").removeprefix("possible-").removesuffix("-format")
        if flag == "fuzzy":
            return (0, 0, flag)
        if flag.endswith("-format") and language in _FORMATS:
            return (1, _FORMATS.index(language), flag)
        return (2, 0, flag)
    return sorted(flags, key=order)


def _entry(message: Message, obsolete: bool) -> list[str]:
    out = [f"# {c}".rstrip() if c else "#" for c in message.user_comments]
    out += [f"#. {c}".rstrip() for c in message.auto_comments]
    if message.locations:
        line = "#:"
        for filename, lineno in message.locations:
            ref = f"{filename}:{lineno}" if lineno is not None else filename
            if len(line) > 2 and len(line) + 1 + len(ref) > WIDTH:
                out.append(line)
                line = "#:"
            line += " " + ref
        out.append(line)
    if message.flags:
        out.append("#, " + ", ".join(_ordered_flags(message.flags)))
    formats = any(f.endswith("-format") and not f.startswith("no-") for f in message.flags)
    prefix = "#~ " if obsolete else ""
    previous = getattr(message, "previous_id", None) or []
    if previous:
        if getattr(message, "previous_context", None) is not None:
            out += _field("msgctxt", message.previous_context, "#~| " if obsolete else "#| ")
        out += _field("msgid", previous[0], "#~| " if obsolete else "#| ")
        if len(previous) > 1:
            out += _field("msgid_plural", previous[1], "#~| " if obsolete else "#| ")
    if message.context is not None:
        out += _field("msgctxt", message.context, prefix)
    if isinstance(message.id, (list, tuple)):
        out += _field("msgid", message.id[0], prefix, formats)
        out += _field("msgid_plural", message.id[1], prefix, formats)
        strings = message.string if isinstance(message.string, (list, tuple)) else (message.string,)
        for i, string in enumerate(strings):
            out += _field(f"msgstr[{i}]", string or "", prefix, formats)
    else:
        out += _field("msgid", message.id, prefix, formats)
        out += _field("msgstr", message.string or "", prefix, formats)
    return out


_ESCAPE_OUT = {"\a": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\v": "\\v",
               "\\": "\\\\", '"': '\\"'}
_PYTHON_DIRECTIVE = re.compile(r"%(\([^)]*\))?[#0 +-]*(\*|\d+)?(?:\.(\*|\d+))?[hlL]?([diouxXeEfFgGcrsa%])")


def _directives(value: str) -> set[int]:
    """Positions inside Python format directives, where GNU never breaks a line; none at all when the
    string is not a valid Python format string (GNU's format-python.c then marks nothing)."""
    inside, named, unnamed, at = set(), False, False, 0
    while (start := value.find("%", at)) >= 0:
        match = _PYTHON_DIRECTIVE.match(value, start)
        if not match:
            return set()
        if match.group(4) != "%":
            if match.group(1):
                named = True
                if "*" in (match.group(2) or "") + (match.group(3) or ""):
                    return set()
            else:
                unnamed = True
        elif match.group(1) or match.end() - start > 2:
            return set()
        inside.update(range(start + 1, match.end()))
        at = match.end()
    return set() if named and unnamed else inside


def _field(keyword: str, value: str, prefix: str, formats: bool = False) -> list[str]:
    """`keyword "value"` wrapped the way GNU gettext's write-po.c does it (function `wrap`)."""
    portions, start = [], 0
    for i, char in enumerate(value):
        if char == "\n":
            portions.append(value[start:i + 1])
            start = i + 1
    if start < len(value) or not portions:
        portions.append(value[start:])
    directives = _directives(value) if formats else set()
    lines, first, offset = [], True, 0
    after_break = len(prefix) + 1
    width = WIDTH - 1 - after_break
    for index, portion in enumerate(portions):
        escaped, no_break = [], []
        for j, char in enumerate(portion):
            text = _ESCAPE_OUT.get(char, char)
            escaped += list(text)
            no_break += [offset + j in directives] + [True] * (len(text) - 1)
        offset += len(portion)
        if portion.endswith("\n") and len(escaped) >= 2:
            no_break[len(escaped) - 2] = True
        more = index < len(portions) - 1
        start_col = len(prefix) + len(keyword) + 2 - after_break if first else 0
        breaks = width_breaks(escaped, no_break, width, start_col)
        if first and escaped and (more or start_col > width or any(breaks)):
            lines.append(f'{prefix}{keyword} ""')
            first = False
            breaks = width_breaks(escaped, no_break, width, 0)
        head = f"{prefix}{keyword} " if first else prefix
        current = head + '"'
        for j, char in enumerate(escaped):
            if breaks[j]:
                lines.append(current + '"')
                current = prefix + '"'
            current += char
        lines.append(current + '"')
        first = False
    return lines
