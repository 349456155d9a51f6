"""The clinical review of a document catalog: who reviewed it, when and what (its `X-Clinical-Review` header),
and which entries that review covers as they are now (a mark on each), so that an entry translated or changed
after the review makes the catalog "partly reviewed" rather than leaving it reading as reviewed.

The header is `none`, or `reviewer; YYYY-MM-DD; scope` (`reviewer, YYYY-MM-DD`, the form written before, is
read too).  `booklet i18n review` writes it and marks every translated entry with a translator comment
`booklet-reviewed YYYY-MM-DD <digest>`, the digest of its msgid and msgstr: translator comments are the part
of an entry that msgmerge, Poedit and Weblate keep as they are, and the digest stops matching as soon as
either text changes, whoever changes it and with whatever tool.  A fuzzy entry is never printed, so it is
never counted as reviewed.
"""
from __future__ import annotations

import datetime
import hashlib
import json
import re
from dataclasses import dataclass

from babel.messages.catalog import Catalog, Message

from pipeline.errors import BookletError
from pipeline.i18n import po

REVIEW_HEADER = "X-Clinical-Review"
NOT_REVIEWED = "none"
MARK = "booklet-reviewed"
_MARK = re.compile(rf"{MARK} (\d{{4}}-\d\d-\d\d) ([0-9a-f]{{16}})\Z")
_LEGACY = re.compile(r"(?P<reviewer>.+?),\s*(?P<date>\d{4}-\d\d-\d\d)\s*\Z")

REVIEWED, PARTLY, NONE = "reviewed", "partly reviewed", "not reviewed"


@dataclass(frozen=True)
class Review:
    reviewer: str
    date: str  # ISO 8601
    scope: str = ""

    def header(self) -> str:
        return "; ".join([self.reviewer, self.date] + ([self.scope] if self.scope else []))


@dataclass(frozen=True)
class ReviewStatus:
    state: str  # REVIEWED, PARTLY or NONE
    review: Review | None
    covered: int = 0  # translated entries the review covers as they are now
    changed: int = 0  # translated entries it does not: translated or changed after it


def parse_review(value: str | None, where: str | None = None, line: int | None = None) -> Review | None:
    """The review a header value states; None for `none` (or no header).  Anything else is a BookletError
    naming the catalog's header line: a review without a date cannot tell which entries came after it."""
    value = (value or "").strip()
    if not value or value.lower() == NOT_REVIEWED:
        return None
    parts = [part.strip() for part in value.split(";")]
    if len(parts) in (2, 3) and parts[0]:
        reviewer, date, scope = parts[0], parts[1], parts[2] if len(parts) == 3 else ""
    elif legacy := _LEGACY.match(value):
        reviewer, date, scope = legacy["reviewer"].strip(), legacy["date"], ""
    else:
        raise BookletError(f"{REVIEW_HEADER}: {value!r} is neither `none` nor `reviewer; YYYY-MM-DD; scope`",
                           where, line)
    try:
        datetime.date.fromisoformat(date)
    except ValueError:
        raise BookletError(f"{REVIEW_HEADER}: {date!r} is not a date (YYYY-MM-DD)", where, line) from None
    return Review(reviewer, date, scope)


def review_of(headers: dict[str, str], path) -> Review | None:
    """The review a catalog's headers (LoadedCatalog.extra_headers) state, errors naming the header's line."""
    value = headers.get(REVIEW_HEADER)
    try:
        return parse_review(value)
    except BookletError as exc:
        raise BookletError(exc.message, path, po.parse(path).header_line(REVIEW_HEADER)) from None


def _digest(message: Message) -> str:
    """Of the entry's source and translation (every plural form of each)."""
    texts = json.dumps([message.id, message.string], ensure_ascii=False)
    return hashlib.sha256(texts.encode("utf-8")).hexdigest()[:16]


def _translated(catalog: Catalog) -> list[Message]:
    """The entries a build prints: translated (every plural form) and not fuzzy."""
    return [m for m in catalog if m.id and not m.fuzzy
            and (all(m.string) if isinstance(m.string, (tuple, list)) else m.string)]


def covered(message: Message) -> bool:
    """Whether the entry carries a review mark for its texts as they are now."""
    return any((mark := _MARK.match(comment)) and mark[2] == _digest(message) for comment in message.user_comments)


def status(catalog: Catalog, review: Review | None) -> ReviewStatus:
    """How far `review` covers the catalog's translated entries as they are now."""
    if review is None:
        return ReviewStatus(NONE, None)
    translated = _translated(catalog)
    done = sum(covered(m) for m in translated)
    return ReviewStatus(REVIEWED if done == len(translated) else PARTLY, review, done, len(translated) - done)


def mark_reviewed(catalog: Catalog, review: Review) -> int:
    """Mark every translated entry as covered by `review` (earlier marks replaced); how many were marked."""
    translated = {id(m) for m in _translated(catalog)}
    for message in catalog:
        kept = [c for c in message.user_comments if not _MARK.match(c)]
        message.user_comments = kept + ([f"{MARK} {review.date} {_digest(message)}"] if id(message) in translated
                                        else [])
    return len(translated)
