"""Score an outline the extractor printed against the one an editor wrote by hand.

An outline is `booklet extract`'s text form (`Document.outline()`): a title line `Title [N]`, then one line per
section, indented two spaces per depth below 1 (depth 1 has no indent), each ending in ` [N]`, N being the list
items and question-answer pairs directly in that section (for the title line: before the first heading).

The score of one article, in [0, 1]:

    score = 0.6 * heading_f1 + 0.1 * title_ok + 0.3 * count_agreement

- **Headings** are matched by normalised text (Unicode NFKC, case-folded, runs of white space made one space,
  surrounding white space and a trailing colon dropped), in reading order: the longest common subsequence of
  the two lists of normalised texts (so a heading that appears twice is matched twice, in order). A matched
  heading at the same depth is worth 1, at a different depth 0.5 (it was found, but placed wrongly: half
  credit, whatever the size of the difference). `precision = credit / actual headings`, `recall = credit /
  expected headings`, `heading_f1` their harmonic mean; two outlines without headings have heading_f1 = 1.
  So with E expected headings and the rest perfect, a missing heading gives f1 = 2(E-1)/(2E-1), an extra one
  2E/(2E+1), and one heading at the wrong depth f1 = (E-0.5)/E.
- **title_ok** is 1 when the normalised titles are equal, else 0.
- **count_agreement** is the share of the compared counts that are equal: the title line's count and the count
  of every matched heading (at any depth). A missing heading removes its count from the comparison, and usually
  moves its entries into the section before it, so it costs there too.

The weights say what matters for a handout: the sections a reader sees (0.6), then whether each section holds
the list it should (0.3); the title is nearly always given by meta.toml (0.1).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

HEADING_WEIGHT, TITLE_WEIGHT, COUNT_WEIGHT = 0.6, 0.1, 0.3
WRONG_DEPTH_CREDIT = 0.5
_LINE = re.compile(r"^(?P<indent> *)(?P<text>.*?) \[(?P<count>\d+)\]$")


@dataclass(frozen=True)
class Entry:
    text: str
    depth: int  # 0 for the title line
    count: int

    @property
    def key(self) -> str:
        return normalise(self.text)


@dataclass(frozen=True)
class Score:
    score: float
    precision: float
    recall: float
    heading_f1: float
    title_ok: bool
    count_agreement: float
    expected_headings: int
    actual_headings: int


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    return re.sub(r"\s+", " ", text).strip().removesuffix(":").rstrip()


def parse(outline: str) -> tuple[Entry, list[Entry]]:
    """The title entry and the heading entries of an outline; a line not of the form is a ValueError."""
    lines = [line for line in outline.splitlines() if line.strip()]
    if not lines:
        raise ValueError("empty outline")
    entries = []
    for n, line in enumerate(lines):
        m = _LINE.match(line)
        if not m or len(m["indent"]) % 2:
            raise ValueError(f"line {n + 1} is not `<two-space indent>text [N]`: {line!r}")
        depth = 0 if n == 0 else len(m["indent"]) // 2 + 1
        entries.append(Entry(m["text"], depth, int(m["count"])))
    return entries[0], entries[1:]


def _match(expected: list[Entry], actual: list[Entry]) -> list[tuple[Entry, Entry]]:
    """Pairs of equal normalised text, in order: a longest common subsequence, preferring same-depth pairs."""
    n, m = len(expected), len(actual)
    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            take = 0.0
            if expected[i].key == actual[j].key:
                take = _credit(expected[i], actual[j]) + best[i + 1][j + 1]
            best[i][j] = max(take, best[i + 1][j], best[i][j + 1])
    pairs, i, j = [], 0, 0
    while i < n and j < m:
        if expected[i].key == actual[j].key and best[i][j] == _credit(expected[i], actual[j]) + best[i + 1][j + 1]:
            pairs.append((expected[i], actual[j]))
            i, j = i + 1, j + 1
        elif best[i][j] == best[i + 1][j]:
            i += 1
        else:
            j += 1
    return pairs


def _credit(a: Entry, b: Entry) -> float:
    return 1.0 if a.depth == b.depth else WRONG_DEPTH_CREDIT


def score(expected: str, actual: str) -> Score:
    e_title, e_heads = parse(expected)
    a_title, a_heads = parse(actual)
    pairs = _match(e_heads, a_heads)
    credit = sum(_credit(e, a) for e, a in pairs)
    if not e_heads and not a_heads:
        precision = recall = f1 = 1.0
    else:
        precision = credit / len(a_heads) if a_heads else 0.0
        recall = credit / len(e_heads) if e_heads else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    title_ok = e_title.key == a_title.key
    compared = [(e_title, a_title)] + pairs
    counts = sum(e.count == a.count for e, a in compared) / len(compared)
    total = HEADING_WEIGHT * f1 + TITLE_WEIGHT * title_ok + COUNT_WEIGHT * counts
    return Score(total, precision, recall, f1, title_ok, counts, len(e_heads), len(a_heads))
