"""Clean text (from `normalise`) or a structured reader's events -> model.Document.

Plain text carries no markup, so structure is read from the shape of the text, never from a list of
known headings:
- a heading is a short line that does not end a sentence and is followed by content;
- "A. Title" headings nest under the heading before them;
- a heading directly followed by another heading introduces it as a child; later headings whose words
  all appear in that parent's title are its children too ("Things To Do & 10 Things To Avoid" -> "Do",
  "Avoid");
- "1. Question?" followed by a paragraph is a question-and-answer pair;
- "Term – description" or "Term. Description" list items get a term where most items of the list
  have that shape.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from slugify import slugify

from pipeline.citations import CitationIndex
from pipeline.model import Block, Document, ListBlock, ListItem, Meta, Paragraph, QuestionAnswer, Section
from pipeline.normalise import SOURCE_MARK

MAX_HEADING_WORDS = 12
MAX_HEADING_CHARS = 90
MAX_DASH_TERM_WORDS = 10
MAX_DOT_TERM_WORDS = 7  # "Term. Description": longer than this, the first sentence is a sentence, not a term

_LETTERED = re.compile(r"^[A-Z][.)]\s+\S")
_QUESTION = re.compile(r"^\d{1,3}[.)]\s+(?P<q>.+\?)$")
_CLOSERS = ")]\"'”’»"
_OPENERS = "¿¡"  # Spanish inverted question and exclamation marks open a sentence
_ABBREVIATION_END = re.compile(r"(?:\b(?:e\.g|i\.e|etc|vs|approx|Dr|Mr|Mrs|Ms|St|No|Fig)|\b[A-Z])$")


@dataclass
class _Line:
    text: str
    hosts: list[str]
    kind: str  # "item", "question", "heading", "paragraph"
    line: int | None = None  # in the source file


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


def extract_text(clean: str, doc_id: str, lang: str, meta: Meta, title: str | None = None,
                 fallback_title: str | None = None, line_map: list[int] | None = None) -> Document:
    """Read normalised text.  `title` comes from metadata; without it the first line is the title where it
    reads as one, else `fallback_title` (the file name).  `line_map` gives the source line of each line of
    `clean` (from normalise); without it lines of `clean` are counted."""
    lines = _classify(clean, line_map)
    if lines and lines[0].kind == "heading" and (title is None or same_words(lines[0].text, title)):
        title = title or lines[0].text
        lines = lines[1:]
    builder = DocumentBuilder()
    _build(lines, builder)
    return builder.finish(doc_id, lang, title or fallback_title or doc_id, meta)


def _classify(clean: str, line_map: list[int] | None) -> list[_Line]:
    numbered = [(line_map[i] if line_map else i + 1, line) for i, line in enumerate(clean.split("\n")) if line.strip()]
    raw = [line for _, line in numbered]
    out: list[_Line] = []
    for i, line in enumerate(raw):
        hosts = SOURCE_MARK.findall(line)
        text = SOURCE_MARK.sub("", line).strip()
        nxt = SOURCE_MARK.sub("", raw[i + 1]).strip() if i + 1 < len(raw) else None
        if text.startswith("- "):
            kind, text = "item", text[2:].strip()
        elif _QUESTION.match(text) and nxt is not None and _is_answer(nxt):
            kind = "question"
        elif nxt is not None and not hosts and looks_like_heading(text):
            kind = "heading"
        else:
            kind = "paragraph"
        out.append(_Line(text, hosts, kind, numbered[i][0]))
    return out


def _is_answer(text: str) -> bool:
    return not text.startswith("- ") and not _QUESTION.match(text)


def looks_like_heading(text: str) -> bool:
    """A short line that does not end a sentence and does not start mid-sentence.  A Spanish question or
    exclamation starts with its inverted mark ("¿Qué es …?"): the letter after it is the one that counts."""
    end = text.rstrip(_CLOSERS)
    first = text.lstrip(_OPENERS)[:1]
    return (
        0 < len(text) <= MAX_HEADING_CHARS
        and len(text.split()) <= MAX_HEADING_WORDS
        and first.isalnum() and not first.islower()
        and bool(end) and end[-1] not in ".,;:!"
    )


def _build(lines: list[_Line], builder: DocumentBuilder) -> None:
    group: Section | None = None  # the last unlettered heading: parent of "A. …" headings
    enumerating: Section | None = None  # a heading whose children follow it directly
    previous: _Line | None = None
    current: Section | None = None
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.kind == "heading":
            if _LETTERED.match(line.text):
                depth = group.depth + 1 if group else 1
            elif previous is not None and previous.kind == "heading" and current is not None:
                enumerating = current
                depth = current.depth + 1
            elif enumerating is not None and _words(line.text) <= _words(enumerating.title):
                depth = enumerating.depth + 1
            else:
                depth, enumerating = 1, None
            current = builder.heading(line.text, depth, line.line)
            if not _LETTERED.match(line.text):
                group = current
        elif line.kind == "item":
            run = []
            while i < len(lines) and lines[i].kind == "item":
                run.append(lines[i])
                i += 1
            builder.list([(item.text, item.hosts) for item in run], lines=[item.line for item in run])
            previous = lines[i - 1]
            continue
        elif line.kind == "question":
            answer = lines[i + 1]
            builder.question(_QUESTION.match(line.text)["q"], answer.text, line.hosts + answer.hosts, line.line)
            i += 1
        else:
            builder.paragraph(line.text, line.hosts, line.line)
        previous = lines[i]
        i += 1


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
