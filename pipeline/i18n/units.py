"""Translatable units of a Document, and the one walk that both lists them and puts translations back.

A unit is one piece a translator translates: the title, subtitle, description, keywords and disclaimer,
every heading, paragraph, list item (its term and its text apart), question and answer, each glossary entry's
term and definition (`glossary.3.term`, numbered in the glossary file's order), and a table's caption
and each of its cells that is not empty (`medicines.2.r1.c3`: row 1, column 3; `….head.c1` for the column
headings; the letters keep a cell's id from reading as a list item's, `symptoms = 6` counting items).  Because extraction
and translation walk the document in the same code, the two can never disagree about what a unit is.

A unit's id (`other-medical-treatments.2.1`: section slug, block number, item number) names it in reports
(untranslated.txt, `i18n missing`) and tells the layouts which list items they print (`symptoms = 6`), but it
is *not* the catalog key: it changes when a heading is reworded, a section moves or a list is reordered, and
a key that changes makes an unchanged sentence fuzzy (issue 10).  The catalog key is the text itself, the
msgid, as in gettext: only a unit whose own text changed goes fuzzy, and the same text in two places is one
entry with one translation (pipeline.i18n.catalogs.document_template).
"""
from __future__ import annotations

import copy
from dataclasses import dataclass
from itertools import chain
from typing import Any, Callable, Iterator

from pipeline.model import GLOSSARY_FILE, Document, ListBlock, Paragraph, QuestionAnswer, Section, Table


@dataclass(frozen=True)
class Unit:
    id: str  # where it is, for reports and layouts: "do.1.1" (not the catalog key)
    text: str  # msgid: the catalog key
    path: str  # where a translator finds it: "Things To Do & 10 Things To Avoid › Do"
    line: int | None  # in the source file (in `file`, where that is set)
    section: Section | None  # the section it belongs to (None: document level or introduction)
    file: str | None = None  # the file of the document's folder it comes from, where not the source text


Setter = Callable[[str, str | None], None]  # (text, language of the text when it is a fallback)


@dataclass(frozen=True)
class _FieldSetter:
    """Writes `text` to `owner.field`, recording the language of a fallback in owner.langs; it names the field it
    writes, so that a walk over the setters finds the text itself (body_fields)."""

    owner: Any
    field: str

    def __call__(self, text: str, lang: str | None) -> None:
        setattr(self.owner, self.field, text)
        if lang:
            self.owner.langs[self.field] = lang
        else:
            self.owner.langs.pop(self.field, None)


def walk(doc: Document) -> Iterator[tuple[Unit, Setter]]:
    """Every unit in reading order, with the function that replaces its text."""
    meta = doc.meta
    yield Unit("title", doc.title, "Title", None, None), _FieldSetter(doc, "title")
    if meta.subtitle:
        yield Unit("subtitle", meta.subtitle, "Subtitle", None, None), _FieldSetter(meta, "subtitle")
    if meta.description:
        yield (Unit("description", meta.description, "Description (EPUB metadata)", None, None),
               _FieldSetter(meta, "description"))
    for i, keyword in enumerate(meta.keywords, start=1):
        yield (Unit(f"keyword.{i}", keyword, "Keywords (PDF and EPUB metadata)", None, None),
               _keyword_setter(meta, i - 1))
    yield from _blocks(doc.blocks, "intro", "Introduction", None)
    yield from _sections(doc.sections, [])
    for entry in doc.glossary:
        for name in ("term", "definition"):
            yield (Unit(f"glossary.{entry.number}.{name}", getattr(entry, name), "Words to know", entry.line, None,
                        GLOSSARY_FILE), _FieldSetter(entry, name))
    if meta.disclaimer:
        yield Unit("disclaimer", meta.disclaimer, "Disclaimer", None, None), _FieldSetter(meta, "disclaimer")


def _keyword_setter(meta, index: int) -> Setter:
    def put(text: str, lang: str | None) -> None:
        meta.keywords[index] = text
        if lang:
            meta.langs["keywords"] = lang
    return put


def _blocks(blocks, prefix: str, path: str, section: Section | None) -> Iterator[tuple[Unit, Setter]]:
    for n, block in enumerate(blocks, start=1):
        key = f"{prefix}.{n}"
        if isinstance(block, Paragraph):
            yield Unit(key, block.text, path, block.line, section), _FieldSetter(block, "text")
        elif isinstance(block, ListBlock):
            for k, item in enumerate(block.items, start=1):
                if item.term:
                    yield Unit(f"{key}.{k}.term", item.term, path, item.line, section), _FieldSetter(item, "term")
                yield Unit(f"{key}.{k}", item.text, path, item.line, section), _FieldSetter(item, "text")
        elif isinstance(block, QuestionAnswer):
            yield Unit(f"{key}.q", block.question, path, block.line, section), _FieldSetter(block, "question")
            yield Unit(f"{key}.a", block.answer, path, block.line, section), _FieldSetter(block, "answer")
        elif isinstance(block, Table):
            if block.caption:
                yield Unit(f"{key}.caption", block.caption, path, block.line, section), _FieldSetter(block, "caption")
            for row_key, row in [("head", block.header)] + [(f"r{r}", row) for r, row in enumerate(block.rows, 1)]:
                for c, cell in enumerate(row, start=1):
                    if cell.text:
                        yield (Unit(f"{key}.{row_key}.c{c}", cell.text, path, cell.line, section),
                               _FieldSetter(cell, "text"))


def overview(doc: Document) -> tuple[str, Paragraph] | None:
    """What the document is about, in one paragraph, with its unit id: the first paragraph of the section playing
    the role `overview`, else the first paragraph of the introduction (the text before the first heading), else
    None.  A layout that prints it (the sheet's sentence under the title) and the publish gate that checks what
    a layout prints both ask here."""
    for section in doc.sections_with_role("overview"):
        for n, block in enumerate(section.blocks, start=1):
            if isinstance(block, Paragraph):
                return f"{section.id}.{n}", block
    for n, block in enumerate(doc.blocks, start=1):
        if isinstance(block, Paragraph):
            return f"intro.{n}", block
    return None


def _sections(sections: list[Section], trail: list[str]) -> Iterator[tuple[Unit, Setter]]:
    for section in sections:
        path = " › ".join(trail + [section.title])
        yield Unit(f"{section.id}.title", section.title, path, section.line, section), _FieldSetter(section, "title")
        yield from _blocks(section.blocks, section.id, path, section)
        yield from _sections(section.sections, trail + [section.title])


def body_fields(doc: Document) -> Iterator[tuple[Any, str]]:
    """The body text in reading order as (owner, field name): the introduction's blocks, then every section's;
    not the headings, nor the document's metadata or glossary."""
    blocks = chain(_blocks(doc.blocks, "intro", "", None),
                   *(_blocks(section.blocks, section.id, "", section) for section in doc.walk_sections()))
    for _unit, put in blocks:
        yield put.owner, put.field


def units(doc: Document) -> list[Unit]:
    return [unit for unit, _ in walk(doc)]


@dataclass
class Translated:
    document: Document
    fallbacks: list[Unit]  # units left in the source language


def translate(doc: Document, locale: str, lookup: Callable[[Unit], str | None]) -> Translated:
    """A copy of `doc` in `locale`: each unit gets `lookup(unit)` where that gives a translation; any other
    unit keeps the source text with its language recorded (so renderers mark it), and is reported."""
    result = copy.deepcopy(doc)
    fallbacks = []
    for unit, put in walk(result):
        text = lookup(unit)
        if text:
            put(text, None)
        else:
            put(unit.text, doc.lang)
            fallbacks.append(unit)
    result.lang = locale
    return Translated(result, fallbacks)
