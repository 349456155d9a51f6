"""The document model: the one contract every stage shares.

normalise -> extract produce a Document; translate returns a Document in another locale; renderers read
one and never parse text.  This module imports nothing of ours, so any stage may depend on it.
"""
from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from typing import Any, Union


# The parts a section can play: layouts ask for roles, never for titles (meta.toml's [roles]).
ROLES = ("overview", "types", "causes", "symptoms", "diagnosis", "treatment", "medicines", "supplements", "surgery",
         "rehabilitation", "prevention", "see-doctor", "do", "avoid", "faq")


@dataclass
class Citation:
    """One cited source, numbered in order of first use in the document."""

    number: int
    domain: str
    publisher: str
    url: str


@dataclass
class Paragraph:
    text: str
    citations: list[int] = field(default_factory=list)
    kind: str = field(default="paragraph", init=False)
    line: int | None = None  # where it starts in the source file, where the reader knows
    langs: dict[str, str] = field(default_factory=dict)  # field -> language, where not the document's


@dataclass
class ListItem:
    """One list entry; `term` is set where the source reads "Term – description" or "Term. Description",
    and `text` then holds only the description."""

    text: str
    term: str | None = None
    citations: list[int] = field(default_factory=list)
    line: int | None = None
    langs: dict[str, str] = field(default_factory=dict)


@dataclass
class ListBlock:
    items: list[ListItem]
    ordered: bool = False
    kind: str = field(default="list", init=False)


@dataclass
class QuestionAnswer:
    question: str
    answer: str
    citations: list[int] = field(default_factory=list)
    kind: str = field(default="qa", init=False)
    line: int | None = None
    langs: dict[str, str] = field(default_factory=dict)


@dataclass
class TableCell:
    text: str  # "" for an empty cell
    citations: list[int] = field(default_factory=list)
    line: int | None = None  # of its row, where the reader knows
    langs: dict[str, str] = field(default_factory=dict)


@dataclass
class Table:
    """A table: `header` is its row of column headings (empty when the source has none), `rows` its body rows.
    `row_headers`: the first cell of each body row names that row (it is a row heading, <th scope="row">).
    Cells spanning rows or columns are read as single cells: their text is kept, the span is not."""

    header: list[TableCell]
    rows: list[list[TableCell]]
    caption: str | None = None
    citations: list[int] = field(default_factory=list)  # the caption's
    row_headers: bool = False
    kind: str = field(default="table", init=False)
    line: int | None = None
    langs: dict[str, str] = field(default_factory=dict)  # "caption" -> language of a fallback

    def cells(self) -> list[TableCell]:
        return self.header + [cell for row in self.rows for cell in row]


Block = Union[Paragraph, ListBlock, QuestionAnswer, Table]


@dataclass
class Section:
    id: str
    title: str
    depth: int
    role: str | None = None
    blocks: list[Block] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    line: int | None = None
    langs: dict[str, str] = field(default_factory=dict)

    def entry_count(self) -> int:
        """List items, question-answer pairs and table rows directly in this section (not in child sections)."""
        return count_entries(self.blocks)


@dataclass
class Review:
    """This project's clinical review of the handout (meta.toml [review]), not the source's own claim of one
    (Attribution.reviewed_by).  Dates are ISO 8601; none set: never reviewed."""

    last_reviewed: str | None = None
    next_review_due: str | None = None
    reviewed_by: str | None = None


@dataclass
class Attribution:
    publisher: str | None = None
    author: str | None = None
    reviewed_by: str | None = None


# Licences whose terms ask whoever shares the work to name them: the only licence text a handout prints.
_OPEN_LICENCE = re.compile(
    r"(?:CC BY(?:-(?:SA|NC|ND|NC-SA|NC-ND))? [1-4]\.0(?: [A-Z]{2,3})?|CC0 1\.0|Public domain|"
    r"Open Government Licence v[1-3]\.0)(?: \(?https://\S+?\)?)?\.?", re.I)


@dataclass
class Meta:
    """What a handout must show besides its body: where it comes from, how current it is, the disclaimer."""

    subtitle: str | None = None
    description: str | None = None  # a sentence or two on what the leaflet covers (EPUB description)
    keywords: list[str] = field(default_factory=list)
    source_file: str | None = None
    source_format: str = "text"
    url: str | None = None
    last_updated: str | None = None  # ISO 8601 date
    licence: str | None = None  # as the editor wrote it in meta.toml: see `printed_licence`
    disclaimer: str | None = None
    attribution: Attribution = field(default_factory=Attribution)
    review: Review = field(default_factory=Review)
    langs: dict[str, str] = field(default_factory=dict)  # field (or "keywords") -> language of a fallback

    @property
    def printed_licence(self) -> str | None:
        """The licence as a handout prints it: the name of an open licence (CC BY 4.0, CC0 1.0, the Open
        Government Licence, public domain), whose terms ask to show it.  Any other licence text ("Copyright of
        the publisher; confirm permission before public distribution") is a note for editors, never printed."""
        return self.licence if self.licence and _OPEN_LICENCE.fullmatch(self.licence.strip()) else None


GLOSSARY_FILE = "glossary.toml"  # a document's "Words to know", in its folder beside meta.toml (pipeline.glossary)


@dataclass
class GlossaryEntry:
    """One entry of "Words to know": a term and its definition in plain words.  `number` is its place in the
    glossary file (its unit ids and anchor follow it; the printed order is alphabetical in the edition's
    language).  `forms`: other spellings or abbreviations that count as a use of the term in the text (in the
    source language; not translated).  `citations`: numbers of the document's sources; `urls`: other sources."""

    number: int
    term: str
    definition: str
    forms: list[str] = field(default_factory=list)
    citations: list[int] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)
    line: int | None = None  # of its [[entry]] header in the glossary file
    langs: dict[str, str] = field(default_factory=dict)


@dataclass
class Document:
    id: str
    lang: str  # BCP 47
    title: str
    meta: Meta = field(default_factory=Meta)
    blocks: list[Block] = field(default_factory=list)  # content before the first heading
    sections: list[Section] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)
    glossary: list[GlossaryEntry] = field(default_factory=list)  # "Words to know", in the glossary file's order
    langs: dict[str, str] = field(default_factory=dict)  # "title" -> language, when it is a fallback

    def entry_count(self) -> int:
        return count_entries(self.blocks)

    def walk_sections(self):
        """Every section, depth first, in reading order."""
        stack = list(reversed(self.sections))
        while stack:
            section = stack.pop()
            yield section
            stack.extend(reversed(section.sections))

    def sections_with_role(self, role: str) -> list[Section]:
        return [s for s in self.walk_sections() if s.role == role]

    def citation(self, number: int) -> Citation:
        return self.citations[number - 1]

    def outline(self) -> str:
        """Title, then one line per section indented two spaces per depth, each ending in ` [N]`."""
        lines = [f"{self.title} [{self.entry_count()}]"]
        lines += [f"{'  ' * s.depth}{s.title} [{s.entry_count()}]" for s in self.walk_sections()]
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Document:
        meta = dict(data.get("meta") or {})
        meta["attribution"] = Attribution(**(meta.get("attribution") or {}))
        meta["review"] = Review(**(meta.get("review") or {}))
        return cls(
            id=data["id"],
            lang=data["lang"],
            title=data["title"],
            meta=Meta(**meta),
            blocks=[_block_from_dict(b) for b in data.get("blocks", [])],
            sections=[_section_from_dict(s) for s in data.get("sections", [])],
            citations=[Citation(**c) for c in data.get("citations", [])],
            glossary=[GlossaryEntry(**e) for e in data.get("glossary", [])],
            langs=data.get("langs", {}),
        )

    @classmethod
    def from_json(cls, text: str) -> Document:
        return cls.from_dict(json.loads(text))


def count_entries(blocks: list[Block]) -> int:
    return sum(len(b.items) if isinstance(b, ListBlock) else len(b.rows) if isinstance(b, Table) else 1
               for b in blocks if not isinstance(b, Paragraph))


def cited_parts(block: Block) -> list[Paragraph | ListItem | QuestionAnswer | Table | TableCell]:
    """The parts of a block that carry citations: a list's items, a table (its caption's) and its cells, else the
    block itself."""
    if isinstance(block, ListBlock):
        return list(block.items)
    if isinstance(block, Table):
        return [block, *block.cells()]
    return [block]


def _block_from_dict(data: dict[str, Any]) -> Block:
    fields = {k: v for k, v in data.items() if k != "kind"}
    kind = data["kind"]
    if kind == "paragraph":
        return Paragraph(**fields)
    if kind == "list":
        return ListBlock(items=[ListItem(**item) for item in fields["items"]], ordered=fields.get("ordered", False))
    if kind == "qa":
        return QuestionAnswer(**fields)
    if kind == "table":
        return Table(**{**fields, "header": [TableCell(**c) for c in fields["header"]],
                        "rows": [[TableCell(**c) for c in row] for row in fields["rows"]]})
    raise ValueError(f"unknown block kind {kind!r}")


def _section_from_dict(data: dict[str, Any]) -> Section:
    return Section(
        id=data["id"],
        title=data["title"],
        depth=data["depth"],
        role=data.get("role"),
        blocks=[_block_from_dict(b) for b in data.get("blocks", [])],
        sections=[_section_from_dict(s) for s in data.get("sections", [])],
        line=data.get("line"),
        langs=data.get("langs", {}),
    )
