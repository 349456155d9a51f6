"""Clean text (from `normalise`) or a structured reader's events -> model.Document.

Plain text carries no markup, so structure is read from the shape of the text, never from a list of
known headings:
- a heading is a short line that does not end a sentence and is followed by content;
- "A. Title" headings nest under the heading before them;
- a chain of short lines with no body between them is read as a whole (`_restructure`): after a lead-in
  ("Doctors do a", "… include:") they are list items whose bullets were lost; otherwise only the last heads
  the body, under the first when that is written in another style (a topic over its questions) or when
  the chain is just two headings; the rest are link cards, captions or tabs, kept as paragraphs;
- later headings in the child's style, or whose words all appear in the parent's title ("Things To Do &
  10 Things To Avoid" -> "Do", "Avoid"), are the parent's children too; a heading that takes up an item
  of the list just before it is a child of that list's section;
- "See a GP if:" (a short line ending in a condition and a colon) heads the list after it;
- "1. Question?" followed by a paragraph is a question-and-answer pair;
- "Term – description" or "Term. Description" list items get a term where most items of the list
  have that shape;
- pipe rows (`| a | b |`, which normalise writes for every table it finds) are a table: a row never becomes a
  heading, and its cells keep all their text.
The editor has the last word: meta.toml's [structure] (pipeline/structure.py) decides the lines it names (not
a table's rows), and the rules decide the rest around them.  Each line's decision is recorded as it is made,
with the rule that made it, for `booklet extract --explain`.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, replace

from slugify import slugify

from pipeline.citations import CitationIndex
from pipeline.explain import LineDecision, cut
from pipeline.model import (
    Block, Document, ListBlock, ListItem, Meta, Paragraph, QuestionAnswer, Section, Table, TableCell)
from pipeline.normalise import SOURCE_MARK, is_table_rule, table_row_cells
from pipeline.structure import Entry, Override, match_overrides

MAX_HEADING_WORDS = 12
MAX_HEADING_CHARS = 90
MAX_DASH_TERM_WORDS = 10
MAX_DOT_TERM_WORDS = 7  # "Term. Description": longer than this, the first sentence is a sentence, not a term

_LETTERED = re.compile(r"^[A-Z][.)]\s+\S")
_QUESTION = re.compile(r"^\d{1,3}[.)]\s*(?P<q>\D.*\?)$")  # "1. What …?" and "1.What …?"
_NUMBERED_SENTENCE = re.compile(r"^\d{1,3}[.)]\s+\S.*[.!;]$")
_CLOSERS = ")]\"'”’»"
_OPENERS = "¿¡"  # Spanish inverted question and exclamation marks open a sentence
_ABBREVIATION_END = re.compile(r"(?:\b(?:e\.g|i\.e|etc|vs|approx|Dr|Mr|Mrs|Ms|St|No|Fig)|\b[A-Z])$")


Cell = tuple[str, list[str]]  # text and its citation hosts


@dataclass
class _Line:
    text: str
    hosts: list[str]
    kind: str  # "item", "question", "heading", "paragraph", "row" (of a table), "rule" (under its column
    #            headings), "title" (only when meta.toml says so)
    line: int | None = None  # in the source file
    under: bool = False  # a heading whose parent is the heading of the chain it ends (see _restructure)
    why: str = ""  # what decided `kind`, for --explain
    given: Override | None = None  # the [structure] entry that decided the line; no rule changes it then
    table: int | None = None  # rows and rules: which table of the text they belong to

    def decision(self, became: str, why: str | None = None) -> LineDecision:
        return LineDecision(self.line, self.text, became, self.why if why is None else why)


class DocumentBuilder:
    """Collects headings and blocks in reading order and makes the Document: unique section ids,
    citations numbered in order of first use, list terms."""

    def __init__(self) -> None:
        self._index = CitationIndex()
        self._root: list[Block] = []
        self._stack: list[Section] = []
        self._top: list[Section] = []
        self._ids: set[str] = set()

    def heading(self, title: str, depth: int, line: int | None = None) -> Section:
        while self._stack and self._stack[-1].depth >= depth:
            self._stack.pop()
        depth = self._stack[-1].depth + 1 if self._stack else 1
        section = Section(id=self._unique_id(title), title=title, depth=depth, line=line)
        (self._stack[-1].sections if self._stack else self._top).append(section)
        self._stack.append(section)
        return section

    @property
    def _blocks(self) -> list[Block]:
        return self._stack[-1].blocks if self._stack else self._root

    def paragraph(self, text: str, hosts: list[str], line: int | None = None) -> None:
        self._blocks.append(Paragraph(text=text, citations=self._index.cite(hosts), line=line))

    def list(self, items: list[tuple[str, list[str]]], ordered: bool = False, lines: list[int | None] | None = None) -> None:
        split = _list_terms([text for text, _ in items])
        lines = lines or [None] * len(items)
        self._blocks.append(ListBlock(
            items=[ListItem(text=desc, term=term, citations=self._index.cite(hosts), line=line)
                   for (term, desc), (_, hosts), line in zip(split, items, lines)],
            ordered=ordered,
        ))

    def question(self, question: str, answer: str, hosts: list[str], line: int | None = None) -> None:
        self._blocks.append(QuestionAnswer(question=question, answer=answer, citations=self._index.cite(hosts),
                                           line=line))

    def table(self, header: list[Cell], rows: list[list[Cell]], caption: Cell = ("", []),
              row_headers: bool | None = None, line: int | None = None,
              row_lines: list[int | None] | None = None) -> None:
        """A table; `row_headers` None: decided from its cells (`names_rows`).  Sources are numbered in reading
        order: the caption, the column headings, then row by row."""
        def cells(row: list[Cell], at: int | None) -> list[TableCell]:
            return [TableCell(text=text, citations=self._index.cite(hosts), line=at) for text, hosts in row]

        caption_citations = self._index.cite(caption[1])
        header_cells = cells(header, line)
        body = [cells(row, at) for row, at in zip(rows, row_lines or [line] * len(rows))]
        if row_headers is None:
            row_headers = names_rows(header, rows)
        self._blocks.append(Table(header=header_cells, rows=body, caption=caption[0] or None,
                                  citations=caption_citations, row_headers=row_headers, line=line))

    def finish(self, doc_id: str, lang: str, title: str, meta: Meta) -> Document:
        return Document(id=doc_id, lang=lang, title=title, meta=meta, blocks=self._root, sections=self._top,
                        citations=self._index.citations())

    def _unique_id(self, title: str) -> str:
        base = slugify(title) or "section"
        candidate, n = base, 2
        while candidate in self._ids:
            candidate, n = f"{base}-{n}", n + 1
        self._ids.add(candidate)
        return candidate


def names_rows(header: list[Cell], rows: list[list[Cell]]) -> bool:
    """Whether a table's first column names its rows (row headings, <th scope="row">): when the table has column
    headings and more than one column, and the first cells of its rows all hold a word and are all different
    ("Nurofen", "Brufen Retard", "6 to 11 years"); a first column of numbers or with gaps or repeats is data."""
    firsts = [row[0][0] for row in rows if row]
    return (bool(header) and len(header) > 1 and len(firsts) == len(rows)
            and all(any(ch.isalpha() for ch in text) for text in firsts) and len(set(firsts)) == len(firsts))


def extract_text(clean: str, doc_id: str, lang: str, meta: Meta, title: str | None = None,
                 fallback_title: str | None = None, line_map: list[int] | None = None,
                 structure: Sequence[Entry] = ()) -> Document:
    """Read normalised text.  `title` comes from metadata; without it the first line is the title where it
    reads as one, else `fallback_title` (the file name).  `line_map` gives the source line of each line of
    `clean` (from normalise); without it lines of `clean` are counted.  The entries of meta.toml's `structure`
    decide the lines they name."""
    return extract_text_explained(clean, doc_id, lang, meta, title, fallback_title, line_map, structure)[0]


def extract_text_explained(clean: str, doc_id: str, lang: str, meta: Meta, title: str | None = None,
                           fallback_title: str | None = None, line_map: list[int] | None = None,
                           structure: Sequence[Entry] = ()) -> tuple[Document, list[LineDecision]]:
    """extract_text, and what became of each line and why, as each was decided."""
    explained: list[LineDecision] = []
    lines = _classify(clean, line_map, structure, explained)
    titled = next((line for line in lines if line.kind == "title"), None)
    why = titled.why if titled else ""
    if (titled is None and lines and lines[0].kind == "heading" and lines[0].given is None
            and (title is None or same_words(lines[0].text, title))):
        titled = lines[0]
        why = "first line, reads as a heading" + (" and has the words of the metadata's title" if title else "")
    if titled is not None:
        title = title or titled.text
        explained.append(titled.decision("title", why))
        lines = [line for line in lines if line is not titled]
    builder = DocumentBuilder()
    _build(lines, builder, explained)
    return builder.finish(doc_id, lang, title or fallback_title or doc_id, meta), explained


def _classify(clean: str, line_map: list[int] | None, structure: Sequence[Entry],
              explained: list[LineDecision]) -> list[_Line]:
    """Each line's kind from its shape and its neighbours', or from its [structure] entry; a line the editor
    drops is gone before the rules look at its neighbours.  A table's rows are its rows, whatever an entry says."""
    all_lines = clean.split("\n")
    tables = _table_rows(all_lines)
    numbered = [(line_map[i] if line_map else i + 1, line, tables.get(i)) for i, line in enumerate(all_lines)
                if line.strip()]
    given = iter(match_overrides(structure, [(n, _content(line)) for n, line, table in numbered if table is None]))
    kept = []
    for n, line, table in numbered:
        override = next(given) if table is None else None
        if override is not None and override.kind == "drop":
            explained.append(LineDecision(n, _content(line), "dropped", override.why))
        else:
            kept.append((n, line, override, table))
    raw = [line for _, line, _, _ in kept]
    out: list[_Line] = []
    for i, line in enumerate(raw):
        hosts = SOURCE_MARK.findall(line)
        text = SOURCE_MARK.sub("", line).strip()
        nxt = SOURCE_MARK.sub("", raw[i + 1]).strip() if i + 1 < len(raw) else None
        next_given = kept[i + 1][2] if i + 1 < len(kept) else None
        if (table := kept[i][3]) is not None:
            why = "a row of a table" if table[1] == "row" else "the rule under a table's column headings"
            out.append(_Line(text, hosts, table[1], kept[i][0], why=why, table=table[0]))
            continue
        if text.startswith("- "):
            kind, text, why = "item", text[2:].strip(), "bulleted in the source"
        elif (_QUESTION.match(text) and nxt is not None and _is_answer(nxt)
              and (next_given is None or next_given.kind == "paragraph")):
            kind, why = "question", "a numbered question ('1. …?') with a paragraph after it, its answer"
        elif _NUMBERED_SENTENCE.match(text) and any(_NUMBERED_SENTENCE.match(SOURCE_MARK.sub("", other).strip())
                                                   for other in raw[max(0, i - 1):i] + raw[i + 1:i + 2]):
            # "1. See a GP if …." next to "2. …": a numbered list, not headings
            kind, why = "item", "a numbered sentence next to another: a numbered list"
        elif nxt is not None and not hosts and looks_like_heading(text):
            kind, why = "heading", "a short line that does not end a sentence, with text after it"
        elif nxt is not None and nxt.startswith("- ") and not hosts and _conditional_heading(text):
            kind, why = "heading", "ends in a condition and a colon ('… if:') before a list: heads it"
        else:
            kind = "paragraph"
            why = _not_a_heading(text) or ("cites a source, as a heading never does" if hosts
                                           else "the last line: nothing after it to head")
        if kept[i][2] is not None:
            kind, why = kept[i][2].kind, kept[i][2].why
        out.append(_Line(text, hosts, kind, kept[i][0], why=why, given=kept[i][2]))
    return out


def _content(line: str) -> str:
    """A line of clean text as --explain shows it and [structure] names it: no bullet, no citation marks."""
    text = SOURCE_MARK.sub("", line).strip()
    return text[2:].strip() if text.startswith("- ") else text


def _table_rows(lines: list[str]) -> dict[int, tuple[int, str]]:
    """Line index -> (table number, "row" or "rule") for the tables in clean text: runs of consecutive pipe rows
    with the same number of cells and at least two rows besides the rule (a blank line ends a table).  A lone
    pipe row is left to be read as text."""
    found: dict[int, tuple[int, str]] = {}
    i = 0
    while i < len(lines):
        first = table_row_cells(lines[i])
        j = i + 1
        while first is not None and j < len(lines) and len(table_row_cells(lines[j]) or ()) == len(first):
            j += 1
        rows = [k for k in range(i, j) if not is_table_rule(table_row_cells(lines[k]) or [])]
        if first is not None and len(rows) >= 2:
            found.update((k, (i, "row" if k in rows else "rule")) for k in range(i, j))
        i = j
    return found


_CONDITIONAL = frozenset("if when unless wenn falls bei si cuando lorsque quand".split())
MAX_CONDITIONAL_HEADING_WORDS = 8


def _conditional_heading(text: str) -> bool:
    """"See a GP if:", "Zum Arzt, wenn:", "Consultez si :": a short line ending in a condition and a colon heads
    the list of cases after it ("Services include:" and other lead-ins stay paragraphs)."""
    words = text.removesuffix(":").split()
    return (text.endswith(":") and 1 < len(words) <= MAX_CONDITIONAL_HEADING_WORDS and text[:1].isupper()
            and words[-1].casefold() in _CONDITIONAL)


def _is_answer(text: str) -> bool:
    return not text.startswith("- ") and not _QUESTION.match(text)


_FOOTNOTE_AFTER_STOP = re.compile(r"([.!?;:])\d{1,3}(?:,\d{1,3})*$")  # "… erkannt.2": a sentence and its footnote
_SYMBOL_LEAD = re.compile(r"^[\U0001F000-\U0001FAFF\u2600-\u27BF\u2B00-\u2BFF\uFE0F\u200D]+\s+")  # "🚨 Notfall: …"


def looks_like_heading(text: str) -> bool:
    """A short line that does not end a sentence and does not start mid-sentence.  A Spanish question or
    exclamation starts with its inverted mark ("¿Qué es …?"): the letter after it is the one that counts;
    so does the letter after a leading emoji or symbol ("🚨 Notfall: …", "✓ Planbar: …").  A footnote
    number after a full stop ("… erkannt.2") does not hide the end of a sentence."""
    return _not_a_heading(text) is None


def _not_a_heading(text: str) -> str | None:
    """Why `text` cannot be a heading (see looks_like_heading), or None."""
    end = _FOOTNOTE_AFTER_STOP.sub(r"\1", text).rstrip(_CLOSERS)
    first = _SYMBOL_LEAD.sub("", text).lstrip(_OPENERS)[:1]
    if not 0 < len(text) <= MAX_HEADING_CHARS or len(text.split()) > MAX_HEADING_WORDS:
        return f"too long for a heading ({len(text.split())} words)"
    if not first.isalnum():
        return "does not start with a letter or digit"
    if first.islower():
        return "starts in lower case, mid-sentence"
    if not end or end[-1] in ".,;:!":
        return f"ends in '{end[-1:]}'"
    return None


# A line that stops on one of these words is a sentence broken off before its list ("Doctors do a",
# "The most common symptoms of COVID-19 are"): a lead-in, never a heading.
_LEAD_IN_WORDS = frozenset("""
    a an the are is of to about include includes including as with for and or by from that these such like
    de del la el los las con por para y o que como son es incluyen entre
    du des le les à au aux et ou comme sont est avec pour par
    der die das den dem des ein eine einen und oder mit für von zu zum zur bei wie sind ist
""".split())
MAX_LOST_ITEM_WORDS = 10  # a sentence after a lead-in this short is an item whose bullet was lost


def _lead_in(text: str) -> bool:
    words = text.split()
    return len(words) > 1 and (text.endswith(":") or words[-1].casefold() in _LEAD_IN_WORDS) \
        and not _style(text)[3]  # "What Symptoms to Watch For" is a Title Case heading, not a broken sentence


def _style(text: str) -> tuple[str, bool, bool, bool]:
    """How a heading is written: its marker (emoji or symbol, "1.", "A.", "No. 1:"), whether it asks a question,
    whether it is one word, whether it is in Title Case.  Headings of one level of a page share a style."""
    first = text[:1]
    if first and unicodedata.category(first)[0] == "S":
        marker = "symbol"
    elif re.match(r"\d+[.)]", text):
        marker = "number"
    elif re.match(r"No\.\s?\d", text):
        marker = "no."
    elif _LETTERED.match(text):
        marker = "letter"
    else:
        marker = ""
    words = re.findall(r"[^\W\d_][\w'’-]*", text)
    long = [w for w in words if len(w) >= 4]
    title = len(long) >= 2 and all(w[0].isupper() for w in long)
    return marker, text.rstrip(_CLOSERS).endswith("?"), len(words) == 1, title


def _restructure(lines: list[_Line]) -> list[_Line]:
    """Decide from the whole run what a chain of short lines is, instead of nesting each under the last:
    - after a lead-in (a line ending in ':' or broken off after "a", "of", "are" …), short lines are the items
      of a list whose bullets were lost, or, when a bulleted list follows them, its label;
    - in a run of headings with no body between them, only the last heads the body; the first is its parent
      when written in another style (a topic over its questions, "Diagnostic tests" over "A. …"); the others
      are link cards, captions or tabs whose body did not come along, kept as plain paragraphs.
    A line meta.toml decides keeps its kind."""
    out = [replace(line) for line in lines]
    i = 0
    while i < len(out):
        line = out[i]
        if line.kind in ("heading", "paragraph") and _lead_in(line.text):
            j = i + 1
            while j < len(out) and _continues_lead_in(out[j], line):
                j += 1
            if j - i - 1 >= 2 or (j - i - 1 >= 1 and line.kind == "heading"):
                lead = f"'… {line.text.split()[-1]}'"
                _decide(line, "paragraph", f"a lead-in (ends {lead}): the short lines after it are its list")
                label = j < len(out) and out[j].kind == "item"
                for k in range(i + 1, j):
                    if label:
                        _decide(out[k], "paragraph", f"between the lead-in {lead} and a bulleted list: its label")
                    else:
                        _decide(out[k], "item", f"after the lead-in {lead}: a short line whose bullet was lost")
                i = j
                continue
        i += 1
    i = 0
    while i < len(out):
        if out[i].kind != "heading":
            i += 1
            continue
        j = i
        while j + 1 < len(out) and out[j + 1].kind == "heading":
            j += 1
        if j > i:
            # two headings: a heading directly over another is its parent (NHS "Check if it's chickenpox" over
            # "Other symptoms"); in a longer chain only one written in another style than the last is
            parent = j == i + 1 or _style(out[i].text) != _style(out[j].text)
            kept = "only the first, in another style, and the last stay headings" if parent else \
                "all in one style, only the last heads text"
            for k in range(i + (1 if parent else 0), j):
                _decide(out[k], "paragraph", f"heading {k - i + 1} of {j - i + 1} in a row with no text between them "
                                             f"({kept}): a link card, caption or tab")
            out[j].under = parent
        i = j + 1
    return out


def _continues_lead_in(line: _Line, lead_in: _Line) -> bool:
    """Whether `line` goes on the run of short lines after `lead_in`: a heading, or a short paragraph (one
    short sentence after a colon, else a heading's shape); a line meta.toml makes an item goes on it too, and
    one meta.toml makes anything else ends it."""
    if line.given is not None:
        return line.given.kind == "item"
    return line.kind == "heading" or (line.kind == "paragraph" and (
        _one_short_sentence(line.text) if lead_in.text.endswith(":") else looks_like_heading(line.text)))


def _decide(line: _Line, kind: str, why: str) -> None:
    """A decision from reading the whole run, unless meta.toml decided the line."""
    if line.given is None:
        line.kind, line.why = kind, why


def _one_short_sentence(text: str) -> bool:
    body = text.rstrip(".")
    return len(text.split()) <= MAX_LOST_ITEM_WORDS and not re.search(r"[.!?]\s", body)


def _build(lines: list[_Line], builder: DocumentBuilder, explained: list[LineDecision]) -> None:
    group: Section | None = None  # the last unlettered heading: parent of "A. …" headings
    enumerating: Section | None = None  # a heading whose children follow it directly
    child_style: tuple | None = None  # the style of enumerating's first child: later headings in it are siblings
    current: Section | None = None
    listed: tuple[Section | None, set[str]] = (None, set())  # the last list's section and its items
    lines = _restructure(lines)
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.kind == "heading":
            placed: str | None = None  # how the rules placed it, where they did
            if line.given is not None and line.given.depth is not None:
                depth = line.given.depth
                if depth > (current.depth if current else 0) + 1:
                    raise line.given.error(_skipped_level(depth, current))
                if enumerating is not None and depth <= enumerating.depth:
                    enumerating = None
            elif _LETTERED.match(line.text):
                depth = group.depth + 1 if group else 1
                placed = f"lettered: under '{cut(group.title)}'" if group else "lettered, no heading before: top level"
            elif line.under and current is not None:
                # its later headings in the child's style are siblings of the child, when the two styles differ
                enumerating = current
                child_style = _style(line.text) if _style(line.text) != _style(current.title) else None
                depth = current.depth + 1
                placed = f"ends a run of headings: under the first, '{cut(current.title)}'"
            elif enumerating is not None and ((part := _words(line.text) <= _words(enumerating.title))
                                              or _style(line.text) == child_style):
                depth = enumerating.depth + 1
                placed = (f"its words are all in '{cut(enumerating.title)}': one of its parts" if part
                          else f"written as the first child of '{cut(enumerating.title)}': another one")
                if _style(line.text) != child_style:
                    # a child in another style ("Warning signs" after "Triggers"): the children share no style,
                    # so a later heading is not taken for one by its style alone ("Treatment")
                    child_style = None
            elif listed[0] is not None and line.text.casefold() in listed[1]:
                depth = listed[0].depth + 1  # a heading taking up an item of the list before it
                placed = f"takes up an item of the list before it: under '{cut(listed[0].title)}'"
            else:
                depth, enumerating = 1, None
                placed = "top level"
            current = builder.heading(line.text, depth, line.line)
            explained.append(line.decision(f"heading {current.depth}", line.why + (f"; {placed}" if placed else "")))
            if not _LETTERED.match(line.text):
                group = current
        elif line.kind == "item":
            run = []
            while i < len(lines) and lines[i].kind == "item":
                run.append(lines[i])
                i += 1
            builder.list([(item.text, item.hosts) for item in run], lines=[item.line for item in run])
            explained.extend(item.decision("list item") for item in run)
            listed = (current, {item.text.casefold() for item in run})
            continue
        elif line.kind in ("row", "rule"):
            run = []
            while i < len(lines) and lines[i].table == line.table:
                run.append(lines[i])
                i += 1
            _table(run, builder)
            explained += [row.decision("table row" if row.kind == "row" else "table rule") for row in run]
            continue
        elif line.kind == "question":
            answer = lines[i + 1]
            builder.question(_QUESTION.match(line.text)["q"], answer.text, line.hosts + answer.hosts, line.line)
            explained += [line.decision("question"), answer.decision("answer", "the paragraph after a question")]
            i += 1
        else:
            builder.paragraph(line.text, line.hosts, line.line)
            explained.append(line.decision("paragraph"))
        i += 1


def _skipped_level(depth: int, above: Section | None) -> str:
    """Why a heading cannot have the depth meta.toml gives it: no heading one level up is open above it."""
    if above is None:
        return f"heading {depth} would skip a level: no heading comes before it, so it can only be heading 1"
    return (f"heading {depth} would skip a level: the heading before it, '{cut(above.title)}', is heading "
            f"{above.depth}, so it can be at most heading {above.depth + 1}")


def _table(run: list[_Line], builder: DocumentBuilder) -> None:
    """A table's rows and its rule: the row above the rule holds the column headings."""
    rows = [line for line in run if line.kind == "row"]
    ruled = len(run) > 1 and run[1].kind == "rule"
    header = rows[0] if ruled else None
    body = rows[1:] if ruled else rows
    builder.table([(cell, []) for cell in table_row_cells(header.text)] if header else [],
                  [[(cell, []) for cell in table_row_cells(row.text)] for row in body],
                  line=run[0].line, row_lines=[row.line for row in body])


def _words(text: str) -> set[str]:
    return set(re.findall(r"\w+", text.casefold()))


def same_words(a: str, b: str) -> bool:
    return re.findall(r"\w+", a.casefold()) == re.findall(r"\w+", b.casefold())


def _list_terms(texts: list[str]) -> list[tuple[str | None, str]]:
    """Split "Term – description" / "Term. Description" items where that shape is the list's own:
    at least half of its items must have it, so one dash in a list of sentences stays as written."""
    for splitter in (_split_dash_term, _split_dot_term):
        splits = [splitter(text) for text in texts]
        if sum(s is not None for s in splits) * 2 >= len(texts):
            return [s if s is not None else (None, text) for s, text in zip(splits, texts)]
    return [(None, text) for text in texts]


def _top_level_positions(text: str, token: str):
    depth = 0
    for i, ch in enumerate(text):
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth = max(0, depth - 1)
        elif depth == 0 and text.startswith(token, i):
            yield i


def _words_outside_brackets(text: str) -> list[str]:
    return re.sub(r"\([^)]*\)|\[[^\]]*\]", " ", text).split()


def _split_dash_term(text: str) -> tuple[str, str] | None:
    for sep in (" – ", " — "):
        for pos in _top_level_positions(text, sep):
            term, desc = text[:pos].strip(), text[pos + len(sep):].strip()
            if term and desc and len(_words_outside_brackets(term)) <= MAX_DASH_TERM_WORDS:
                return term, desc
            break
    return None


def _split_dot_term(text: str) -> tuple[str, str] | None:
    for pos in _top_level_positions(text, ". "):
        term, desc = text[:pos].strip(), text[pos + 2:].strip()
        if _ABBREVIATION_END.search(term):
            continue
        words = _words_outside_brackets(term)
        if (desc and (desc[0].isupper() or desc[0].isdigit() or desc[0] in "“\"'")
                and 0 < len(words) <= MAX_DOT_TERM_WORDS and "," not in " ".join(words)):
            return term, desc
        return None
    return None
