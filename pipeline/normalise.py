"""Normalise messy plain text (copied web articles) into clean text that `extract` can read.

Clean text is one block per line: a paragraph, a heading, a list item written `- text`, or a table row
written `| cell | cell |` (a rule `| --- | --- |` under the row of column headings); blank lines are optional
separators.  Citation hosts found at the end of a block are written as ` [source: host]`.

Each rule is small and named and reports every change it makes.  Rules run again until none fires, so
normalising clean text changes nothing.  No rule rewrites a digit, a unit or a word of content: lines
are joined, split or dropped whole, and a guard checks that every number survives (or left with a line
that was deliberately dropped or moved to metadata).
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from itertools import groupby
from typing import Callable

from pipeline.citations import hosts_only, split_trailing_hosts
from pipeline.errors import BookletError
from pipeline.explain import LineDecision

BULLET_MARKERS = "-•*–·▪◦‣●"
SOURCE_MARK = re.compile(r" \[source: ([a-z0-9.-]+)\]")
TERMINAL = re.compile(r"[.!?:;)\]\"'”’»]$")
_INVISIBLE = dict.fromkeys(map(ord, "\ufeff\u200b\u00ad"))  # BOM, zero-width space, soft hyphen

# Editorial leftovers: sentences that speak to the writer or editor, not to the patient.  A standalone
# paragraph (never a list item) matching one of these is dropped with a warning.
EDITORIAL_RULES: list[tuple[str, re.Pattern[str]]] = [
    ("copy-paste instruction", re.compile(r"\bcopy[- ]?past(?:e|ing)\b", re.I)),
    ("editing instruction", re.compile(r"\bwithout (?:any |extra |further )?editing\b", re.I)),
    ("answer to a request", re.compile(
        r"\b(?:grouped|organi[sz]ed|arranged|formatted|listed|written|structured)\b[^.]*\bas (?:you )?requested\b",
        re.I)),
    ("assistant chatter", re.compile(
        r"^(?:sure|certainly|of course)[,!.]|\b(?:I hope this helps|let me know if|as an AI)\b|"
        r"^here(?:'s| is) (?:the|your|an?) (?:article|guide|text|draft|version|list)\b", re.I)),
    ("word count note", re.compile(r"^\(?word count\b[^)]*\)?$", re.I)),
]

# Website copy: what a site says to its visitors, never to a patient holding a leaflet ("bookmark this website",
# "Thank you for giving your valuable time to read the article", "share this article", "subscribe to our
# newsletter", "this site uses cookies").  A disclaimer holding any of it was copied from the website whole: it
# is dropped with a warning, and the handout prints the project's disclaimer (booklet.toml `disclaimer`).  In
# the corpus's languages, English and Spanish first; phrases, never single words ("share", "cookies"), so that
# a real medical disclaimer ("share this leaflet with your carer" is not one of them) is kept.
_THANKS_FOR = (r"(?:reading|visiting|your (?:visit|time|interest)|(?:giving|taking) (?:your |the )?(?:valuable |precious )?"
               r"time|stopping by|subscribing|sharing|being (?:a |our )?(?:reader|visitor|subscriber)s?)")
WEBSITE_COPY: list[tuple[str, re.Pattern[str]]] = [
    ("bookmark", re.compile(
        r"\bbookmark (?:this|our|the) (?:page|site|website|web ?site|article|blog|post|guide)\b|"
        r"\badd (?:this|our) (?:page|site|website) to your (?:bookmarks|favou?rites)\b|"
        r"\b(?:guard[ae]|añad[ae]|agrega|agregue|marca|marque|guardar|añadir|agregar) (?:esta|este|nuestra|nuestro) "
        r"(?:página|sitio(?: web)?|web|artículo|blog) (?:a|en|como) (?:sus |tus |los )?(?:favoritos|marcadores)\b|"
        r"\bajoutez (?:cette page|ce site) à vos favoris\b|\b(?:setzen sie|speichern sie) (?:diese seite|diesen artikel) "
        r"(?:als|in ihre) (?:lesezeichen|favoriten)\b", re.I)),
    ("thanks for reading", re.compile(
        rf"\bthank(?:s| you)(?: so much| very much)? for {_THANKS_FOR}\b|"
        r"\bthank(?:s| you)\b[^.!?]{0,60}\bread(?:ing)? (?:this|the|our) (?:article|post|blog|page)\b|"
        r"\bgracias por (?:leer|visitar|su visita|tu visita|(?:su|tu) (?:tiempo|interés|lectura)|compartir|"
        r"suscribirte|suscribirse|dedicar)\b|"
        r"\bmerci (?:de|pour) (?:votre (?:lecture|visite)|avoir lu|nous lire)\b|"
        r"\b(?:vielen )?dank (?:fürs lesen|für ihren besuch|für ihr interesse)\b", re.I)),
    ("share this", re.compile(
        r"\bshare (?:this|the|our) (?:article|post|page|blog|website|site|link)\b|"
        r"\bshare (?:it |this )?with (?:someone|anyone|your friends|friends and family|others) who (?:might|may|"
        r"could|would) (?:find|benefit|like)\b|"
        r"\b(?:like|follow) us on (?:facebook|twitter|x|instagram|linkedin|youtube|tiktok|social media)\b|"
        r"\bcompart(?:e|a|ir|elo|alo|irlo) (?:este|esta|nuestro|nuestra) (?:artículo|página|publicación|entrada|blog)\b|"
        r"\bcompárt(?:elo|alo) (?:con (?:tus|sus) amigos|en (?:las )?redes)\b|"
        r"\bsíg(?:uenos|anos) en (?:facebook|twitter|x|instagram|las redes)\b|"
        r"\bpartagez (?:cet article|cette page)\b|\bteilen sie diesen (?:artikel|beitrag)\b", re.I)),
    ("subscribe", re.compile(
        r"\bsubscribe (?:to|for)\b|\bsign up (?:to|for) (?:our|the) (?:newsletter|updates|mailing list)\b|"
        r"\bour (?:newsletter|mailing list)\b|"
        r"\bsuscr[íi]b(?:ete|ase|irse|irte) (?:a|al|en)\b|\bnuestro boletín\b|"
        r"\babonnez-vous\b|\bnotre (?:newsletter|lettre d'information)\b|\babonnieren sie\b", re.I)),
    ("cookies", re.compile(
        r"\b(?:this|our) (?:site|website|web ?site|page) uses cookies\b|\bwe use cookies\b|\bcookie (?:policy|settings)\b|"
        r"\b(?:accept|reject) (?:all )?cookies\b|"
        r"\b(?:este sitio(?: web)?|esta (?:web|página)|nuestro sitio) (?:utiliza|usa) cookies\b|"
        r"\b(?:utilizamos|usamos) cookies\b|\bpolítica de cookies\b|\baceptar (?:las |todas las )?cookies\b|"
        r"\bce site utilise des cookies\b|\bdiese (?:website|seite) verwendet cookies\b", re.I)),
    ("visitor address", re.compile(
        r"\b(?:boost|grow|expand) your knowledge\b|\bstay ahead (?:in|on) your health journey\b|"
        r"\b(?:leave|drop) (?:a|us a|your) comment\b|\bcomment below\b|\bvisit our (?:website|site|blog)\b|"
        r"\bcheck back (?:regularly|often|soon|for updates)\b|"
        r"\b(?:deja|déjanos|deje) (?:un|tu|su) comentario\b|\bvisita (?:nuestro|nuestra) (?:sitio|web|blog|página)\b",
        re.I)),
]


def website_copy(text: str) -> tuple[str, str] | None:
    """The first website-copy phrase in `text`: (rule name, the words found), or None."""
    found = [(m.start(), name, m.group()) for name, pattern in WEBSITE_COPY if (m := pattern.search(text))]
    return min(found)[1:] if found else None


# Page chrome: whole lines a browser copies along with the article (links, buttons, banners, labels).  A
# line (paragraph or list item) that matches one of these in full is dropped with a warning naming the rule.
# Patterns are whole-line and short, in the corpus's languages (en, es, fr, de), so article text is never hit.
CHROME_RULES: list[tuple[str, re.Pattern[str]]] = [
    ("skip-link", re.compile(
        r"(?:skip to (?:the )?(?:main )?content|ir al contenido(?: principal)?|aller au contenu(?: principal)?|"
        r"zum (?:haupt)?inhalt(?: springen)?|saltar al contenido(?: principal)?)", re.I)),
    ("read-on", re.compile(
        r"(?:continue reading(?: below)?|read on(?: below)?|seguir leyendo|sigue leyendo|continuer la lecture|"
        r"lesen sie (?:unten )?weiter|weiterlesen)", re.I)),
    ("share-bar", re.compile(
        r"(?:share(?: text| this(?: page)?)?|print(?: this page)?|download|teilen(?: sie)?|drucken|"
        r"(?:herunterladen)+|sprache|diskussion|compartir|imprimir|partager|imprimer|email|e-mail)", re.I)),
    ("newsletter", re.compile(
        r"(?:sign up(?: now| today)?|subscribe(?: now)?|e-?newsletter|newsletter abonnieren|"
        r"suscr[íi]bete|abonnez-vous)", re.I)),
    ("cookie-banner", re.compile(r"(?:we|this (?:site|website)) uses? cookies\b.{0,150}|(?:accept|reject) (?:all )?cookies",
                                 re.I)),
    ("call-to-action", re.compile(r"[^.!?]{1,40}\s*[>›»]", re.I)),
    ("editorial-badge", re.compile(
        r"(?:erfüllt die anforderungen des patienten redaktionelle richtlinien|meets patient'?s editorial guidelines|"
        r"cumple las directrices editoriales de patient)", re.I)),
    ("audience-label", re.compile(
        r"(?:medizinisches fachpersonal|health professionals|profesionales (?:médicos|de la salud)|"
        r"professionnels de santé)", re.I)),
    ("table-of-contents", re.compile(r"(?:in diesem artikel|in this article|en este artículo|dans cet article)\s*:?",
                                     re.I)),
    ("professional-version", re.compile(
        r"(?:afficher la version professionnelle|view professional version|ver versión profesional|"
        r"professionelle version anzeigen)", re.I)),
    ("review-date", re.compile(
        r"(?:revue/révision complète|reviewed/revised|last full review/revision|revisión/revisado completa|"
        r"überprüft/überarbeitet)\b[^.]{0,30}\.?(?: \d{4})?", re.I)),
    ("reading-time", re.compile(r"(?:\d+[- ]min(?:ute)?s?(?: read| de lecture| de lectura|\.? Lesezeit)|"
                                r"(?:lesezeit|temps de lecture|tiempo de lectura) ?:? ?\d+ ?min\w*)", re.I)),
    ("credentials-byline", re.compile(
        r"[^.!?]{0,60}\bwith [A-Z][^.!?]{1,40}, (?:MD|PhD|DO|RN|MBBS|FRCGP|FRCP|MPH|NP|PA-C)", re.I)),
    ("pagination", re.compile(r"(?:you are on )?page \d+ ?of ?\d+", re.I)),
    ("image-credit", re.compile(
        r"(?:(?:image|photo|foto|bild|picture)s? ?(?:credits?|crédits?|quelle|fuente)|crédits? photo|bildquelle)"
        r" ?: [^.]{1,80}|source ?: [^.]{0,60}\b(?:pictogram|photo|image|illustration|istock|getty|shutterstock|"
        r"adobe stock)\w*[^.]{0,40}", re.I)),
    ("image-caption", re.compile(r"(?:illustration|image|photo|picture) (?:of|with|showing) [^.]{0,100}", re.I)),
]

_BYLINE = [
    re.compile(r"^(?:the )?(?:article|guide|page|post|text|content) (?:is|was|has been) (?:written|authored|prepared)"
               r" by (?P<author>.+?)(?: and (?:medically )?reviewed by (?P<reviewed_by>.+?))?\.?$", re.I),
    re.compile(r"^(?:written|authored|prepared) by (?P<author>.+?)(?:[,;]? and (?:medically )?reviewed by"
               r" (?P<reviewed_by>.+?))?\.?$", re.I),
    re.compile(r"^(?:medically )?reviewed by (?P<reviewed_by>.+?)\.?$", re.I),
    # a stated review is what every handout must show (review status), never page chrome to drop
    re.compile(r"^(?:peer[- ]review(?:ed)? (?:durch|by|por|par)|revisado por|relu par) (?P<reviewed_by>.{2,80}?)\.?$",
               re.I),
    # "By Mayo Clinic staff", MSD's "ParMichael R. Wasserman, MD, …" (the space lost in the paste)
    re.compile(r"^(?:By|Par|Por) ?(?P<author>[A-ZÀ-Ý][\w'’-]*(?:\.? [\w.'’,-]+){0,12})$"),
]
_UPDATED = re.compile(r"^(?:page )?(?:last[ -]?updated|last[ -]?reviewed|last[ -]?modified|updated)(?: on)?"
                      r"\s*:?\s*(?P<date>.+?)\.?$", re.I)
_DISCLAIMER = re.compile(r"^(?:medical )?disclaimer\s*[:–—-]\s*(?P<text>.+)$", re.I)
_DATE_FORMATS = ("%B %d, %Y", "%B %d %Y", "%d %B %Y", "%b %d, %Y", "%b %d %Y", "%d %b %Y", "%Y-%m-%d",
                 "%d.%m.%Y")


@dataclass(frozen=True)
class Change:
    rule: str
    line: int  # 1-based line of the input where the change applies
    message: str
    warning: bool = False

    def format(self, path: object) -> str:
        """`file:line: [warning: ]rule: message`, the form editors and CI logs link to."""
        return f"{path}:{self.line}: {'warning: ' if self.warning else ''}{self.rule}: {self.message}"


@dataclass
class Normalised:
    text: str
    changes: list[Change]
    front_matter: dict[str, str]  # author, reviewed_by, last_updated (ISO date), disclaimer
    line_map: list[int] = field(default_factory=list)  # input line of each line of `text`
    removed: list[LineDecision] = field(default_factory=list)  # the lines taken out of `text`, and why


@dataclass
class _Line:
    text: str
    n: int  # input line number

    @property
    def is_item(self) -> bool:
        return self.text.startswith("- ")


@dataclass
class _Context:
    drop: list[str]
    title: str | None = None
    changes: list[Change] = field(default_factory=list)
    removed: list[LineDecision] = field(default_factory=list)
    front_matter: dict[str, str] = field(default_factory=dict)

    def note(self, rule: str, line: _Line | int, message: str, warning: bool = False) -> None:
        self.changes.append(Change(rule, line if isinstance(line, int) else line.n, message, warning))

    def drop_line(self, rule: str, line: _Line, what: str, shown: str | None = None) -> None:
        """Drop `line` with a warning saying `what` it was ("page chrome (share-bar)") and quoting `shown`
        (by default the line)."""
        self.note(rule, line, f"dropped {what}: {_preview(line.text if shown is None else shown)}", warning=True)
        self.take_out(line, "dropped", what)

    def take_out(self, line: _Line, became: str, why: str) -> None:
        """`line` leaves the text: the numbers guard counts its numbers as kept, `extract --explain` shows it."""
        self.removed.append(LineDecision(line.n, line.text, became, why))


Rule = Callable[[list[_Line], _Context], list[_Line]]


def normalise(raw: str, drop: list[str] | tuple[str, ...] = (), path: str | None = None,
              title: str | None = None) -> Normalised:
    """Normalise `raw` text.  `drop` lists per-document editorial lines (a line starting with an entry
    is dropped); `path` names the file in errors; `title` (from metadata) lets the page chrome pasted
    above the article's own title line be recognised."""
    ctx = _Context(drop=list(drop), title=title)
    text = _unify_characters(raw, ctx)
    lines = [_Line(t, i) for i, t in enumerate(text.removesuffix("\n").split("\n"), start=1)] if text else []
    for _ in range(8):
        before = [line.text for line in lines]
        for rule in RULES:
            lines = rule(lines, ctx)
        if [line.text for line in lines] == before:
            break
    clean = "\n".join(line.text for line in lines)
    clean = clean + "\n" if clean else ""
    _check_numbers_kept(text, clean, [line.text for line in ctx.removed], path)
    return Normalised(clean, ctx.changes, ctx.front_matter, [line.n for line in lines], ctx.removed)


def _unify_characters(raw: str, ctx: _Context) -> str:
    text = raw
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        ctx.note("line-endings", 1, "converted CR/CRLF line endings to LF")
    cleaned = text.translate(_INVISIBLE)
    if cleaned != text:
        ctx.note("invisible", 1, f"removed {len(text) - len(cleaned)} invisible characters (BOM, zero-width space, soft hyphen)")
    nfc = unicodedata.normalize("NFC", cleaned)
    if nfc != cleaned:
        for n, (a, b) in enumerate(zip(cleaned.split("\n"), nfc.split("\n")), start=1):
            if a != b:
                ctx.note("unicode-nfc", n, "composed characters to Unicode NFC")
    return nfc


# --- tables -----------------------------------------------------------------------------------------------
# Plain text has no table markup: a table is a run of at least two consecutive lines cut into the same number
# of cells (at least two) in the same way: by pipes (`a | b`, with or without outer pipes and a `|---|` rule),
# by tabs, or by runs of two or more spaces where every cell starts in the same column on every row.  Each is
# rewritten as pipe rows, the one table syntax of clean text.  Hand-written, not pandoc's pipe_tables: those
# need the rule row and would read `*` and `_` in the cells as markup the text never meant.
MIN_TABLE_ROWS = 2
_PIPE = re.compile(r"(?<!\\)\|")  # an unescaped pipe; `\|` is a pipe inside a cell
_RULE_CELL = re.compile(r":?-+:?")
_ALIGNED_CELL = re.compile(r"\S+(?: \S+)*")  # words separated by single spaces
# "1.\tFever", "•  Cough": a list item pasted with its marker, not the first cell of a row
_LIST_MARKER = re.compile(rf"\d{{1,3}}[.)]|[A-Za-z][.)]|[{re.escape(BULLET_MARKERS)}]")


def table_row_cells(text: str) -> list[str] | None:
    """The cells of a clean-text table row (`| a | b |`, or the rule `| --- | --- |`); None for any other line."""
    if not (len(text) > 2 and text.startswith("|") and text.endswith("|") and not text.endswith("\\|")):
        return None
    cells = [cell.strip() for cell in _PIPE.split(text[1:-1])]
    return cells if len(cells) >= 2 else None


def is_table_rule(cells: list[str]) -> bool:
    """`| --- | :--: |`: the rule under the row of column headings."""
    return all(_RULE_CELL.fullmatch(cell) for cell in cells)


@dataclass(frozen=True)
class _Row:
    separator: str  # "pipe", "tab" or "aligned"
    cells: list[str]
    starts: tuple[int, ...] = ()  # the column each cell starts in (aligned columns only)

    def continues(self, first: _Row) -> bool:
        return (self.separator, len(self.cells), self.starts) == (first.separator, len(first.cells), first.starts)


_SEPARATOR_NAMES = {"pipe": "cut at pipes", "tab": "cut at tabs", "aligned": "in columns aligned with spaces"}


def _source_row(text: str) -> _Row | None:
    """How a source line reads as a table row, or None when it cannot be one."""
    body = text.strip()
    if "|" in body and _PIPE.search(body):
        inner = body[1:] if body.startswith("|") else body
        inner = inner[:-1] if inner.endswith("|") and not inner.endswith("\\|") else inner
        row = _Row("pipe", [cell.strip() for cell in _PIPE.split(inner)])
    elif "\t" in body:
        row = _Row("tab", [cell.strip() for cell in re.split(r"\t+", body)])
    else:
        found = list(_ALIGNED_CELL.finditer(text.expandtabs(8)))
        row = _Row("aligned", [m.group() for m in found], tuple(m.start() for m in found))
    if len(row.cells) < 2 or body.startswith("- ") or _LIST_MARKER.fullmatch(row.cells[0]):
        return None
    return row


def _has_header(first: list[str]) -> bool:
    """A table's first row names its columns when none of its cells is empty, holds a digit (a dose or a
    strength is data) or ends a sentence: "Brand | Strength | Usual dose" does, "Nurofen | 200 mg | …" does not."""
    return all(cell and not any(ch.isdigit() for ch in cell) and not TERMINAL.search(cell) for cell in first)


def _tables(lines: list[_Line], ctx: _Context) -> list[_Line]:
    out: list[_Line] = []
    i = 0
    while i < len(lines):
        first = _source_row(lines[i].text)
        if first is None or (first.separator == "pipe" and is_table_rule(first.cells)):
            out.append(lines[i])
            i += 1
            continue
        run, ruled = [lines[i]], False  # ruled: the source has the rule under its first row
        for line in lines[i + 1:]:
            row = _source_row(line.text)
            if row is None or not row.continues(first):
                break
            if row.separator == "pipe" and is_table_rule(row.cells):
                if len(run) > 1 or ruled:
                    break  # a rule further down starts another table
                ruled = True
            else:
                run.append(line)
        if len(run) < MIN_TABLE_ROWS:
            out.append(lines[i])
            i += 1
            continue
        rows = [_source_row(line.text).cells for line in run]
        header = ruled or _has_header(rows[0])
        written = [_Line(_pipe_row(cells), line.n) for cells, line in zip(rows, run)]
        if header:
            written.insert(1, _Line(_pipe_row(["---"] * len(rows[0])), run[0].n))
        consumed = len(run) + ruled
        if [line.text for line in written] != [line.text for line in lines[i:i + consumed]]:
            ctx.note("table", run[0], f"read {len(rows)} rows of {len(rows[0])} cells "
                     f"{_SEPARATOR_NAMES[first.separator]} as a table"
                     + (", its first row naming the columns" if header else ", with no row of column headings"))
        out += written
        i += consumed
    return out


def _pipe_row(cells: list[str]) -> str:
    """`| a | | c |`: an empty cell is one space, so that the spaces rule leaves the row as it is."""
    return "|" + "|".join(f" {cell} " if cell else " " for cell in cells) + "|"


def is_table_row(text: str) -> bool:
    return table_row_cells(text) is not None


def _spaces(lines: list[_Line], ctx: _Context) -> list[_Line]:
    out = []
    for line in lines:
        text = re.sub(r"[ \t\f\v]+", " ", line.text).strip(" ")
        if text != line.text:
            ctx.note("spaces", line, "removed stray spaces or tabs")
        out.append(_Line(text, line.n))
    return out


def _blank_lines(lines: list[_Line], ctx: _Context) -> list[_Line]:
    out: list[_Line] = []
    for line in lines:
        if not line.text and (not out or not out[-1].text):
            ctx.note("blank-lines", line, "removed an extra blank line")
            continue
        out.append(line)
    while out and not out[-1].text:
        ctx.note("blank-lines", out[-1], "removed a trailing blank line")
        out.pop()
    return out


def _bullets(lines: list[_Line], ctx: _Context) -> list[_Line]:
    out: list[_Line] = []
    pending: _Line | None = None  # a lone marker waiting for its text
    for line in lines:
        text = line.text
        if len(text) == 1 and text in BULLET_MARKERS:
            if pending is not None:
                ctx.note("bullets", pending, "dropped a bullet marker with no text", warning=True)
            pending = line
            continue
        if pending is not None and text:
            ctx.note("bullets", pending, f"joined lone '{pending.text}' marker with the text on line {line.n}")
            out.append(_Line("- " + _strip_marker(text), line.n))
            pending = None
            continue
        if pending is None and len(text) > 2 and text[0] in BULLET_MARKERS and text[1] == " " and not text.startswith("- "):
            ctx.note("bullets", line, f"'{text[0]}' bullet written as '- '")
            text = "- " + text[2:].lstrip()
        if pending is None or text:
            out.append(_Line(text, line.n))
    if pending is not None:
        ctx.note("bullets", pending, "dropped a bullet marker with no text", warning=True)
    return out


def _strip_marker(text: str) -> str:
    return text[2:].lstrip() if len(text) > 2 and text[0] in BULLET_MARKERS and text[1] == " " else text


WRAPPED_EVIDENCE = 3
WRAP_WIDTH = 60


def _unwrap(lines: list[_Line], ctx: _Context) -> list[_Line]:
    """Join hard-wrapped lines: a line that does not end a sentence, followed by one that starts in
    lower case, is the same paragraph or item.  In a text hard-wrapped throughout (at least WRAPPED_EVIDENCE
    such joins), a long line (WRAP_WIDTH or more) that does not end a sentence also continues on the next line
    whatever its case ("… such as" / "A(H5N1) and …")."""
    open_ = [(a, b) for a, b in zip(lines, lines[1:]) if a.text and b.text and b.text[0].islower()
             and not TERMINAL.search(a.text) and not SOURCE_MARK.search(a.text) and not is_table_row(a.text)]
    wrapped = len(open_) >= WRAPPED_EVIDENCE
    out: list[_Line] = []
    for line in lines:
        prev = out[-1] if out else None
        if (prev is not None and prev.text and line.text
                and (line.text[0].islower() or (wrapped and len(prev.text) >= WRAP_WIDTH and not line.is_item
                                                and (line.text[0].isalnum() or line.text[0] == "(")))
                and not TERMINAL.search(prev.text) and not SOURCE_MARK.search(prev.text)
                and not is_table_row(prev.text)):  # a row ends at its last pipe
            ctx.note("unwrap", line, f"joined with line {prev.n} (hard-wrapped text)")
            out[-1] = _Line(f"{prev.text} {line.text}", prev.n)
            continue
        out.append(line)
    return out


LOST_BULLETS_RUN = 3  # one-sentence lines in a row, with no blank line between them, to read as a list
MAX_LOST_BULLET_WORDS = 40
_SENTENCE_END = re.compile(r"[.!?][)\]\"'”’»]?$")
_NEXT_SENTENCE = re.compile(r"[.!?][)\]\"'”’»]?\s+[¿¡\"“«]?[A-ZÀ-ÖØ-Þ]")  # not "e.g. eggs"


def _lost_bullets(lines: list[_Line], ctx: _Context) -> list[_Line]:
    """A list whose bullets were lost in the copy (WHO's "Key facts"): in a text that sets its paragraphs apart
    with blank lines, a run of LOST_BULLETS_RUN or more lines with no blank line between them, each one
    sentence, is a list of one-sentence items, not one paragraph per line."""
    runs, start = [], None
    for index, line in enumerate([*lines, _Line("", 0)]):
        if line.text and start is None:
            start = index
        elif not line.text and start is not None:
            runs.append((start, index))
            start = None
    if sum(end - begin == 1 for begin, end in runs) * 2 < len(runs):
        return lines  # paragraphs are not set apart by blank lines here: a line per paragraph is prose
    out = list(lines)
    for begin, end in runs:
        run = lines[begin:end]
        if end - begin >= LOST_BULLETS_RUN and all(
                not line.is_item and _one_sentence(SOURCE_MARK.sub("", line.text).strip())
                and len(line.text.split()) <= MAX_LOST_BULLET_WORDS for line in run):
            ctx.note("lost-bullets", run[0], f"read lines {run[0].n}–{run[-1].n} as list items: {len(run)} "
                     "one-sentence lines in a row in a text whose paragraphs are set apart by blank lines")
            out[begin:end] = [_Line("- " + line.text, line.n) for line in run]
    return out


def _one_sentence(text: str) -> bool:
    return bool(_SENTENCE_END.search(text)) and not _NEXT_SENTENCE.search(text)


def _host_lines(lines: list[_Line], ctx: _Context) -> list[_Line]:
    """A line of bare citation hosts belongs to the block before it."""
    out: list[_Line] = []
    for line in lines:
        hosts = hosts_only(line.text) if line.text else None
        prev = next((p for p in reversed(out) if p.text), None)
        if hosts and prev is not None and TERMINAL.search(SOURCE_MARK.sub("", prev.text)):
            ctx.note("citations", line, f"moved citation hosts to the end of line {prev.n}")
            while out and not out[-1].text:
                out.pop()
            out[-1] = _Line(prev.text + _source_marks(hosts), prev.n)
            continue
        out.append(line)
    return out


def _source_marks(hosts: list[str]) -> str:
    return "".join(f" [source: {h}]" for h in hosts)


def _citations(lines: list[_Line], ctx: _Context) -> list[_Line]:
    out = []
    for line in lines:
        marks = "".join(m.group(0) for m in SOURCE_MARK.finditer(line.text))
        body = SOURCE_MARK.sub("", line.text)
        stripped, hosts = split_trailing_hosts(body)
        if hosts:
            glued = len(hosts) > len(body[len(stripped):].split())
            ctx.note("citations", line, f"detached citation host{'s' if len(hosts) > 1 else ''} {', '.join(hosts)}"
                     + (" (split glued hosts)" if glued else ""))
            line = _Line(stripped + _source_marks(hosts) + marks, line.n)
        out.append(line)
    return out


def _editorial(lines: list[_Line], ctx: _Context) -> list[_Line]:
    out = []
    for line in lines:
        reason = None
        if line.text and not line.is_item:
            reason = next((name for name, pattern in EDITORIAL_RULES if pattern.search(line.text)), None)
            if reason is None and any(line.text.startswith(entry) for entry in ctx.drop):
                reason = "listed in the document's metadata"
        if reason:
            ctx.drop_line("editorial", line, f"editorial leftover ({reason})")
            continue
        if not line.is_item and (disclaimer := _DISCLAIMER.match(SOURCE_MARK.sub("", line.text))) \
                and (copy := website_copy(disclaimer["text"])):
            ctx.drop_line("editorial", line, f"disclaimer copied from a website (website copy, {copy[0]}: "
                          f"“{copy[1]}”); the project's disclaimer is printed instead")
            continue
        out.append(line)
    return out


TITLE_SEARCH_LINES = 25  # the article's title line, when the paste has one, is among its first lines


def _title_words(text: str) -> list[str]:
    return re.findall(r"\w+", SOURCE_MARK.sub("", text).casefold())


def _before_title(lines: list[_Line], ctx: _Context) -> list[_Line]:
    """Page chrome above the title: when the title (from metadata) stands on a line of its own near the top,
    the lines before it are what the browser copied from the page header (navigation, "Skip to content",
    banners, breadcrumbs) and are dropped with a warning; so are repeats of the title right after it."""
    if not ctx.title or not _title_words(ctx.title):
        return lines
    want = _title_words(ctx.title)
    texts = [i for i, line in enumerate(lines) if line.text][:TITLE_SEARCH_LINES]
    at = next((i for i in texts if not lines[i].is_item and _title_words(lines[i].text) == want), None)
    if at is None:
        return lines
    out = []
    for i, line in enumerate(lines):
        if i < at and line.text:
            ctx.drop_line("page-chrome", line, "a line above the title (before-title)")
            continue
        out.append(line)
    # repeats of the title right after it ("Things to Know …" twice on CDC pages), or of a short part of it
    # ("Zona" under "Zona (Herpes Zoster) : Symptômes, …")
    first = next(i for i, line in enumerate(out) if line.text)
    i = first + 1
    while i < len(out):
        if not out[i].text:
            i += 1
            continue
        words = _title_words(out[i].text)
        if words != want and not (words and len(words) <= 3 and set(words) < set(want) and not out[i].is_item
                                  and not TERMINAL.search(out[i].text)):
            break
        ctx.drop_line("page-chrome", out[i], "a repeat of the title (repeated-title)")
        del out[i]
    return out


# An advert box: an offer of something done online ("Consultez un médecin en ligne dès aujourd'hui", "See a doctor
# online"), its selling points as a bulleted list, one of them starred, and the starred small print under it.
# The three together, never one alone: a list whose lead-in merely mentions "online" is content.  Read before
# the bullets are unified, while the small print's "*" is still told apart from the list's own markers.
_ONLINE_OFFER = re.compile(r"[^.!?]{0,60}\b(?:en ligne|online|en l[íi]nea|per internet)\b[^.!?]{0,40}[!.]?", re.I)
_SELLING_POINT = re.compile(r"[•·▪◦‣●–-] .+")
_STARRED = re.compile(r".*\S\s?\*")
_SMALL_PRINT = re.compile(r"\*\s*\S.{0,150}")


def _adverts(lines: list[_Line], ctx: _Context) -> list[_Line]:
    out, skip = [], 0
    for index, line in enumerate(lines):
        if skip or (skip := _advert_length(lines, index)):
            ctx.drop_line("page-chrome", line, "page chrome (advert)")
            skip -= 1
            continue
        out.append(line)
    return out


def _advert_length(lines: list[_Line], start: int) -> int:
    """How many lines from `start` make an advert box (0 if none): the offer, its items, the small print."""
    if not _ONLINE_OFFER.fullmatch(SOURCE_MARK.sub("", lines[start].text).strip()):
        return 0
    end = start + 1
    while end < len(lines) and _SELLING_POINT.fullmatch(lines[end].text):
        end += 1
    points = [line.text for line in lines[start + 1:end]]
    if not any(_STARRED.fullmatch(point) for point in points) or end == len(lines) \
            or not _SMALL_PRINT.fullmatch(lines[end].text):
        return 0
    return end + 1 - start


def _chrome(lines: list[_Line], ctx: _Context) -> list[_Line]:
    out = []
    for line in lines:
        text = SOURCE_MARK.sub("", line.text.removeprefix("- ") if line.is_item else line.text).strip()
        if rule := _chrome_rule(text, line.is_item):
            ctx.drop_line("page-chrome", line, f"page chrome ({rule})", shown=text)
            continue
        out.append(line)
    return out


def _chrome_rule(text: str, is_item: bool) -> str | None:
    """The name of the chrome rule a line matches: a pattern of CHROME_RULES, or `date-line`, a line that is
    only a date ("April 16, 2014"): the page's publication stamp, not content."""
    if not text:
        return None
    if rule := next((name for name, pattern in CHROME_RULES if pattern.fullmatch(text)), None):
        return rule
    if not is_item and len(text) <= 30 and _parse_date(text.rstrip(".")):
        return "date-line"
    return None


def _front_matter(lines: list[_Line], ctx: _Context) -> list[_Line]:
    out = []
    for line in lines:
        found = None if line.is_item else _read_front_matter(line, ctx)
        if found:
            for key, value in found.items():
                if key in ctx.front_matter and ctx.front_matter[key] != value:
                    ctx.note("front-matter", line, f"second {key} ignored: {_preview(value)}", warning=True)
                ctx.front_matter.setdefault(key, value)
            moved = ", ".join(f"{k} = {_preview(v)}" for k, v in found.items())
            ctx.note("front-matter", line, f"moved to metadata: {moved}")
            ctx.take_out(line, "metadata", f"front matter: {moved}")
            continue
        out.append(line)
    return out


def _read_front_matter(line: _Line, ctx: _Context) -> dict[str, str] | None:
    text = SOURCE_MARK.sub("", line.text)
    if m := _DISCLAIMER.match(text):
        return {"disclaimer": m["text"].strip()}
    if m := _UPDATED.match(text):
        date = _parse_date(m["date"])
        if date is None:
            ctx.note("front-matter", line, f"could not read the date {m['date']!r}; line kept", warning=True)
            return None
        return {"last_updated": date}
    for pattern in _BYLINE:
        if m := pattern.match(text):
            return {k: v.strip() for k, v in m.groupdict().items() if v}
    return None


def _parse_date(text: str) -> str | None:
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text.strip(), fmt).date().isoformat()
        except ValueError:
            continue
    return None


def _preview(text: str, width: int = 60) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _numbers(text: str) -> Counter[str]:
    runs = ("".join(g) for is_num, g in groupby(text, lambda c: unicodedata.category(c)[0] == "N") if is_num)
    return Counter(runs)


def _check_numbers_kept(before: str, after: str, removed: list[str], path: str | None) -> None:
    kept = _numbers(after) + sum((_numbers(t) for t in removed), Counter())
    if kept != _numbers(before):
        lost = _numbers(before) - kept
        raise BookletError(f"normalising would change numbers {sorted(lost)}; nothing written (please report this)", path)


RULES: list[Rule] = [_tables, _spaces, _blank_lines, _adverts, _bullets, _unwrap, _lost_bullets, _host_lines,
                     _citations, _editorial, _front_matter, _chrome, _before_title, _blank_lines]
