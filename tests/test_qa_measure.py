"""Precision and recall of the translation QA check on real translation pairs (tests/fixtures/qa/pairs.tsv).

Each pair is faithful or holds one real mistake. A mistake is caught when a critical or functional problem
with its code is reported; a faithful pair is a false alarm when any critical or functional problem is
reported (cosmetic notes are listed, not counted). Precision and recall are counted per pair. The `dev`
split is what the checker was tuned on; the `heldout` split was written before and is never tuned on.
"""
import tomllib
import warnings
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pytest

from pipeline.i18n.qa import check_unit

FIXTURES = Path(__file__).parent / "fixtures" / "qa"
ALARMS = ("critical", "functional")
# The codes a mistake may be labelled with. A mistake counts as caught only under its own code: no other code
# is accepted in its place.
MISTAKE_CODES = {"dose-number", "dose-unit", "time", "frequency", "negation", "dose-drug", "dose-time",
                 "abbreviation", "symbol"}


@dataclass(frozen=True)
class Pair:
    split: str
    locale: str
    expected: str  # "faithful" or the code of its one mistake
    source: str
    translation: str


def load_pairs() -> list[Pair]:
    lines = (FIXTURES / "pairs.tsv").read_text(encoding="utf-8").splitlines()
    return [Pair(*line.split("\t")) for line in lines if line and not line.startswith("#")]


def load_glossary() -> dict[str, dict[str, list[str]]]:
    with open(FIXTURES / "glossary.toml", "rb") as file:
        return tomllib.load(file)


PAIRS = load_pairs()
GLOSSARY = load_glossary()


@dataclass
class Score:
    caught: int = 0
    missed: int = 0
    false_alarms: int = 0
    quiet: int = 0

    @property
    def precision(self) -> float:
        alarmed = self.caught + self.false_alarms
        return self.caught / alarmed if alarmed else 1.0

    @property
    def recall(self) -> float:
        mistakes = self.caught + self.missed
        return self.caught / mistakes if mistakes else 1.0


def measure(split: str) -> tuple[dict[str, Score], list[str]]:
    """Scores per locale (and "all") of one split, and a line for every miss, false alarm and cosmetic note."""
    scores: dict[str, Score] = defaultdict(Score)
    report = []
    for pair in (pair for pair in PAIRS if pair.split == split):
        problems = check_unit(pair.source, pair.translation, "en", pair.locale, approved=GLOSSARY[pair.locale])
        found = [problem for problem in problems if problem.severity in ALARMS]
        report += [f"  note {pair.locale} {problem.code}: {pair.translation}" for problem in problems
                   if problem.severity not in ALARMS]
        faithful = pair.expected == "faithful"
        caught = not faithful and any(problem.code == pair.expected for problem in found)
        for score in (scores[pair.locale], scores["all"]):
            score.quiet += faithful and not found
            score.false_alarms += faithful and bool(found)
            score.caught += caught
            score.missed += not faithful and not caught
        if faithful:
            report += [f"  FALSE ALARM {pair.locale} {problem.code}: {pair.translation} — {problem.message}"
                       for problem in found]
        elif not caught:
            report.append(f"  MISS {pair.locale} {pair.expected}: {pair.translation} — reported "
                          f"{[problem.code for problem in found]}")
    return scores, report


def table(split: str, scores: dict[str, Score]) -> str:
    rows = [f"{split}: locale  pairs  caught  missed  false-alarms  precision  recall"]
    for locale in sorted(scores, key=lambda name: (name == "all", name)):
        score = scores[locale]
        pairs = score.caught + score.missed + score.false_alarms + score.quiet
        rows.append(f"{split}: {locale:6} {pairs:6} {score.caught:7} {score.missed:7} {score.false_alarms:13} "
                    f"{score.precision:10.2f} {score.recall:7.2f}")
    return "\n".join(rows)


def shown(split: str) -> Score:
    scores, report = measure(split)
    text = "\n".join([table(split, scores), *report])
    print(f"\n{text}")
    warnings.warn(UserWarning(f"QA check precision/recall\n{text}"))  # shown in every run's warnings summary
    return scores["all"]


def test_the_fixture_covers_every_language_in_both_splits():
    assert {(pair.split, pair.locale) for pair in PAIRS} == {
        (split, locale) for split in ("dev", "heldout") for locale in ("es", "fr", "de", "ar", "pt", "it")}
    assert sum(pair.split == "heldout" for pair in PAIRS) * 3 >= len(PAIRS) >= 80
    assert {pair.expected for pair in PAIRS} - {"faithful"} <= MISTAKE_CODES


def test_no_false_alarm_and_no_miss_on_dev():
    score = shown("dev")
    assert (score.false_alarms, score.missed) == (0, 0)


def test_heldout_precision_at_full_recall():
    score = shown("heldout")
    assert score.recall == 1.0
    assert score.precision >= 0.95


@pytest.mark.parametrize("source, approved, translation", [
    ("Ask your nurse about IVIG.", {"IVIG": {"IgIV"}}, "Pregunte a su enfermera por la IGIV."),
    ("Duloxetine is an SNRI.", {"SNRI": {"IRSN"}}, "La duloxetina es un ISRN."),
])
def test_an_unapproved_localised_abbreviation_is_still_flagged(source, approved, translation):
    assert check_unit(source, translation.replace("IGIV", "IgIV").replace("ISRN", "IRSN"), "en", "es",
                      approved=approved) == []
    problems = check_unit(source, translation, "en", "es", approved=approved)
    assert [(problem.severity, problem.code) for problem in problems] == [("functional", "abbreviation")]
