"""Find source documents, read and decode them, load their metadata, and turn them into a Document.

A document is a folder `sources/<doc-id>/` holding the file exactly as received, `meta.toml` and optionally
`glossary.toml` (pipeline.glossary); any single file in a supported format can also be read on its own,
without metadata.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

from pydantic import ValidationInfo, field_validator, model_validator

from pipeline.config import Strict, check_https, check_language_tag, line_of, load_toml
from pipeline.errors import BookletError, ConfigError
from pipeline.explain import LineDecision
from pipeline.extract import extract_text_explained
from pipeline.glossary import check_citations, load_glossary
from pipeline.model import (
    GLOSSARY_FILE, ROLES, Attribution, Document, GlossaryEntry, ListBlock, Meta, QuestionAnswer, Review, Table)
from pipeline.normalise import Change, normalise
from pipeline.structure import Entry, parse_structure
from pipeline.textcheck import check_text, read_text

META_NAME = "meta.toml"
FORMATS = {".txt": "text", ".text": "text", ".md": "markdown", ".markdown": "markdown", ".html": "html",
           ".htm": "html", ".docx": "docx", ".odt": "odt"}
Role = Literal[ROLES]  # type: ignore[valid-type]


class AttributionMeta(Strict):
    publisher: str | None = None
    author: str | None = None
    reviewed_by: str | None = None


REVIEW_CYCLE_YEARS = 3  # the longest a clinical review stays current (NHS England's Information Standard)


class ReviewMeta(Strict):
    """This project's clinical review: when, by whom, and when the next one is due (at most three years on)."""

    last_reviewed: dt.date | None = None
    next_review_due: dt.date | None = None
    reviewed_by: str | None = None

    @field_validator("next_review_due")
    @classmethod
    def _within_cycle(cls, due: dt.date | None, info: ValidationInfo) -> dt.date | None:
        last = info.data.get("last_reviewed")
        if due is not None and last is not None:
            if due <= last:
                raise ValueError(f"{due} is not after last_reviewed {last}")
            if due > last.replace(year=last.year + REVIEW_CYCLE_YEARS, day=min(last.day, 28)):
                raise ValueError(f"{due} is more than {REVIEW_CYCLE_YEARS} years after last_reviewed {last}")
        return due

    @model_validator(mode="after")
    def _named_reviewer(self) -> ReviewMeta:
        if self.last_reviewed is not None and not (self.reviewed_by or "").strip():
            raise ValueError("last_reviewed needs reviewed_by: who reviewed it")
        if self.last_reviewed is not None and self.next_review_due is None:
            raise ValueError("last_reviewed needs next_review_due (at most 3 years later)")
        return self


class NormaliseMeta(Strict):
    drop: list[str] = []  # editorial lines of this document: a line starting with an entry is dropped


class SourceMeta(Strict):
    title: str
    subtitle: str | None = None
    description: str | None = None
    keywords: list[str] = []
    lang: str
    file: str
    url: str | None = None
    last_updated: dt.date | None = None
    licence: str | None = None
    disclaimer: str | None = None
    attribution: AttributionMeta = AttributionMeta()
    review: ReviewMeta = ReviewMeta()
    roles: dict[Role, str] = {}
    structure: dict[str, str | list[str]] = {}  # the text of a line -> what it is (pipeline/structure.py)
    normalise: NormaliseMeta = NormaliseMeta()

    _check_lang = field_validator("lang")(lambda cls, v: check_language_tag(v))

    _check_url = field_validator("url")(lambda cls, v: check_https(v))


@dataclass(frozen=True)
class Source:
    id: str
    path: Path  # the source file
    format: str
    meta: SourceMeta | None = None
    meta_path: Path | None = None


@dataclass
class Loaded:
    document: Document
    changes: list[Change] = field(default_factory=list)  # what normalising changed (plain text only)
    clean_text: str | None = None
    path: Path | None = None  # the source file, which warnings name
    decisions: list[LineDecision] = field(default_factory=list)  # what became of each line (plain text only)


def discover(sources_dir: Path) -> list[str]:
    """Document ids: the folders of `sources_dir` that hold a meta.toml, sorted."""
    return sorted(p.parent.name for p in sources_dir.glob(f"*/{META_NAME}"))


def resolve(spec: str, sources_dir: Path) -> Source:
    """SOURCE as the user gives it: a document id, its folder, or the path of a single file."""
    path = Path(spec)
    if path.is_file():
        return Source(id=_id_from_stem(path.stem), path=path, format=_format_of(path))
    folder = path if path.is_dir() else sources_dir / spec
    meta_path = folder / META_NAME
    if not meta_path.is_file():
        if folder.is_dir():
            raise BookletError(f"no {META_NAME} in this document folder", folder)
        raise BookletError(f"no such document or file (documents are folders under {sources_dir})", spec)
    meta = load_toml(meta_path, SourceMeta)
    file = _document_file(folder, meta.file, meta_path)
    return Source(id=folder.resolve().name, path=file, format=_format_of(file, meta_path), meta=meta,
                  meta_path=meta_path)


def _document_file(folder: Path, name: str, meta_path: Path) -> Path:
    """meta.toml's `file`: a regular file inside the document's folder.  An absolute path, a `..` or a link
    that leads out of the folder is refused, so a document can never print another file of the machine."""
    line = line_of(meta_path.read_text(encoding="utf-8"), ["file"])
    given = Path(name)
    if given.is_absolute() or ".." in given.parts:
        raise ConfigError(f"file: {name!r} must be a file name inside the document folder {folder}", meta_path, line)
    file = folder / given
    if not file.exists() and not file.is_symlink():
        raise ConfigError(f"file: {name!r} does not exist in {folder}", meta_path, line)
    if not file.resolve().is_relative_to(folder.resolve()):
        raise ConfigError(f"file: {name!r} is a link to {file.resolve()}, outside the document folder {folder}",
                          meta_path, line)
    if not file.is_file():
        raise ConfigError(f"file: {name!r} is not a regular file", meta_path, line)
    return file


def load(source: Source) -> Loaded:
    """Read the source and extract its Document (plain text is normalised first).  Text formats are decoded
    here, strictly as UTF-8, and checked for control characters before any reader sees them; a document with
    no text besides its title is refused."""
    meta = source.meta
    structure = _structure(source)
    if source.format == "text":
        raw = read_text(source.path)
        result = normalise(raw, drop=meta.normalise.drop if meta else (), path=str(source.path),
                           title=meta.title if meta else None)
        found = result.front_matter
        doc, decisions = extract_text_explained(result.text, source.id, meta.lang if meta else "en", Meta(),
                                                title=meta.title if meta else None, fallback_title=source.path.stem,
                                                line_map=result.line_map, structure=structure)
        loaded = Loaded(doc, list(result.changes), result.text, decisions=result.removed + decisions)
    else:
        from pipeline.pandoc_reader import read_structured  # pandoc is only needed for structured formats

        found = {}
        text = read_text(source.path) if source.format in TEXT_FORMATS else None
        warnings: list[Change] = []
        doc = read_structured(source.path, source.format, source.id, meta.lang if meta else "en", Meta(),
                              title=meta.title if meta else None, text=text, warnings=warnings)
        loaded = Loaded(doc, warnings)
    check_has_content(doc, source.path)
    loaded.path = source.path
    loaded.document = replace(doc, meta=_merge_meta(source, found), glossary=_glossary(source, len(doc.citations)))
    _check_units(loaded.document, source.path)
    if meta:
        _assign_roles(loaded.document, meta.roles, source.meta_path)
    return loaded


TEXT_FORMATS = ("text", "markdown", "html")  # read and decoded by us; docx and odt are zip files pandoc opens


def _structure(source: Source) -> list[Entry]:
    """meta.toml's [structure]: corrections to what is read from the shape of plain text.  The other formats
    have their structure in their markup, so an entry there would be silently ignored: it is an error."""
    if source.meta is None or not source.meta.structure:
        return []
    text = source.meta_path.read_text(encoding="utf-8")
    if source.format != "text":
        raise ConfigError(f"structure: corrects what is read from plain text; {source.path.name} is {source.format}, "
                          "whose markup gives its structure", source.meta_path, line_of(text, ["structure"]))
    return parse_structure(source.meta.structure, text, source.meta_path)


def _glossary(source: Source, citations: int) -> list[GlossaryEntry]:
    """The document folder's glossary file ("Words to know"), if it has one; its citation numbers checked
    against the document's `citations`."""
    path = source.meta_path.with_name(GLOSSARY_FILE) if source.meta_path else None
    if path is None or not path.is_file():
        return []
    entries = load_glossary(path)
    check_citations(entries, citations, path)
    return entries


def _check_units(doc: Document, path: Path) -> None:
    """The same check on the extracted text: what a reader decoded from an entity (`&#x202E;` in HTML) or from
    a .docx or .odt file, where there are no lines to read before."""
    from pipeline.i18n.units import units

    for unit in units(doc):
        check_text(unit.text, path.with_name(unit.file) if unit.file else path, unit.line, "the extracted text")


def check_has_content(doc: Document, path: Path) -> None:
    """A handout needs text besides its title: a paragraph, a list item, a question and answer or a table cell
    that does not merely repeat the title (a one-line file is read as a paragraph, not as a title)."""
    from pipeline.extract import same_words

    texts = []
    for blocks in [doc.blocks] + [s.blocks for s in doc.walk_sections()]:
        for b in blocks:
            if isinstance(b, ListBlock):
                texts += [t for i in b.items for t in (i.term, i.text) if t]
            elif isinstance(b, QuestionAnswer):
                texts += [b.question, b.answer]
            elif isinstance(b, Table):
                texts += [cell.text for cell in b.cells()]
            else:
                texts.append(b.text)
    texts = [t for t in texts if t.strip()]
    if not texts or all(same_words(t, doc.title) for t in texts):
        raise BookletError("no text besides the title and headings (no paragraph, list or question): nothing to "
                           "make a handout of", path)


def _format_of(path: Path, meta_path: Path | None = None) -> str:
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        supported = ", ".join(sorted(FORMATS))
        raise BookletError(f"unsupported file type {path.suffix or '(none)'!r}; supported: {supported}", meta_path or path)
    return fmt


def _id_from_stem(stem: str) -> str:
    from slugify import slugify

    return slugify(stem) or "document"


def _merge_meta(source: Source, found: dict[str, str]) -> Meta:
    """Metadata file first; what the text itself states fills the gaps."""
    meta = source.meta
    given = meta.attribution if meta else AttributionMeta()
    return Meta(
        subtitle=meta.subtitle if meta else None,
        description=meta.description if meta else None,
        keywords=list(meta.keywords) if meta else [],
        source_file=source.path.name,
        source_format=source.format,
        url=meta.url if meta else None,
        last_updated=(meta.last_updated.isoformat() if meta and meta.last_updated else found.get("last_updated")),
        licence=meta.licence if meta else None,
        disclaimer=(meta.disclaimer if meta and meta.disclaimer else found.get("disclaimer")),
        attribution=Attribution(
            publisher=given.publisher,
            author=given.author or found.get("author"),
            reviewed_by=given.reviewed_by or found.get("reviewed_by"),
        ),
        review=_review(meta.review if meta else ReviewMeta()),
    )


def _review(review: ReviewMeta) -> Review:
    return Review(last_reviewed=review.last_reviewed.isoformat() if review.last_reviewed else None,
                  next_review_due=review.next_review_due.isoformat() if review.next_review_due else None,
                  reviewed_by=review.reviewed_by)


def _assign_roles(doc: Document, roles: dict[str, str], meta_path: Path | None) -> None:
    sections = {s.id: s for s in doc.walk_sections()}
    for role, section_id in roles.items():
        if section_id not in sections:
            known = ", ".join(sections) or "(none)"
            line = line_of(meta_path.read_text(encoding="utf-8"), ["roles", role]) if meta_path else None
            raise ConfigError(f"roles.{role}: no section with id {section_id!r}; section ids are: {known}",
                               meta_path, line)
        sections[section_id].role = role
