"""What became of each line of a plain-text source, and what decided it (`booklet extract --explain`).

The stages record a LineDecision at the moment they decide (normalise for the lines it takes out, extract
for every other line), so the explanation is what happened, never a second guess at it.  This module
imports nothing of ours, so both stages may use it.
"""
from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

TEXT_WIDTH = 48  # longer lines are cut with "…"; a [structure] entry may name a line in that cut form


@dataclass(frozen=True)
class LineDecision:
    line: int | None  # in the source file
    text: str
    became: str  # "title", "heading 2", "paragraph", "list item", "question", "answer", "dropped", "metadata"
    why: str  # the rule, feature or meta.toml entry that decided, in the words of the stage that decided


def cut(text: str, width: int = TEXT_WIDTH) -> str:
    return text if len(text) <= width else text[:width - 1].rstrip() + "…"


def format_explanation(decisions: Iterable[LineDecision]) -> str:
    """One row per line in source order, in aligned columns: the line number, what the line became, its
    text (cut to TEXT_WIDTH) and why."""
    rows = sorted(decisions, key=lambda d: d.line or 0)  # stable: a question before its answer
    table = [("line", "became", "text", "why")] + [(str(d.line or ""), d.became, cut(d.text), d.why) for d in rows]
    widths = [max(_columns(row[col]) for row in table) for col in range(3)]
    return "\n".join(f"{' ' * (widths[0] - len(n))}{n}  {_pad(became, widths[1])}  {_pad(text, widths[2])}  {why}"
                     .rstrip() for n, became, text, why in table)


def _columns(text: str) -> int:
    """Terminal columns `text` takes: two for wide (CJK, most emoji), none for combining marks and format
    characters, so the columns after a line in Chinese or Bengali still line up."""
    return sum(0 if unicodedata.category(ch) in ("Mn", "Me", "Cf")
               else 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _columns(text))
