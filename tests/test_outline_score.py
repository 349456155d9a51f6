"""The corpus scorer itself (tests/outline_score.py): each kind of mistake costs what its docstring says."""
import pytest

from outline_score import parse, score

EXPECTED = """Chickenpox [0]
  Check if it's chickenpox [3]
  Things you can do yourself [0]
    Do [9]
    Don't [3]
  Speak to a GP if: [4]"""

E = 5  # headings in EXPECTED


def test_identical_outlines_score_one():
    s = score(EXPECTED, EXPECTED)
    assert s.score == 1.0
    assert (s.precision, s.recall, s.heading_f1, s.title_ok, s.count_agreement) == (1, 1, 1, True, 1)


def test_normalised_text_matches():
    actual = EXPECTED.replace("Speak to a GP if:", "speak  to a gp IF").replace("Chickenpox [0]", "CHICKENPOX [0]")
    assert score(EXPECTED, actual).score == 1.0


def test_a_missing_heading_costs_its_f1_share_and_its_count():
    actual = EXPECTED.replace("\n  Check if it's chickenpox [3]", "").replace("Chickenpox [0]", "Chickenpox [3]")
    s = score(EXPECTED, actual)
    f1 = 2 * (E - 1) / (2 * E - 1)
    assert s.recall == pytest.approx((E - 1) / E) and s.precision == 1
    # compared counts: the title (now wrong: the list moved up to it) and the 4 matched headings
    assert s.count_agreement == pytest.approx(4 / 5)
    assert s.score == pytest.approx(0.6 * f1 + 0.1 + 0.3 * 4 / 5)


def test_an_extra_heading_costs_precision():
    actual = EXPECTED + "\n  Skip to main content [0]"
    s = score(EXPECTED, actual)
    assert s.precision == pytest.approx(E / (E + 1)) and s.recall == 1
    assert s.score == pytest.approx(0.6 * 2 * E / (2 * E + 1) + 0.1 + 0.3)


def test_a_wrong_depth_counts_half():
    actual = EXPECTED.replace("    Don't [3]", "  Don't [3]")
    s = score(EXPECTED, actual)
    assert s.precision == s.recall == pytest.approx((E - 0.5) / E)
    assert s.score == pytest.approx(0.6 * (E - 0.5) / E + 0.1 + 0.3)


def test_a_wrong_title_costs_its_weight():
    actual = EXPECTED.replace("Chickenpox [0]", "Skip to main content [0]")
    s = score(EXPECTED, actual)
    assert not s.title_ok
    assert s.score == pytest.approx(0.9)


def test_a_wrong_count_costs_its_share():
    actual = EXPECTED.replace("Do [9]", "Do [8]")
    assert score(EXPECTED, actual).score == pytest.approx(0.6 + 0.1 + 0.3 * 5 / 6)


def test_no_headings_found_scores_title_and_counts_only():
    s = score(EXPECTED, "Chickenpox [19]")
    assert s.heading_f1 == 0 and s.score == pytest.approx(0.1)


def test_repeated_headings_are_matched_in_order():
    expected = "T [0]\n  A [1]\n    Symptoms [2]\n  B [1]\n    Symptoms [3]"
    actual = "T [0]\n  A [1]\n  Symptoms [2]\n  B [1]\n    Symptoms [3]"
    s = score(expected, actual)
    assert s.recall == pytest.approx(3.5 / 4)
    assert s.count_agreement == 1


def test_parse_rejects_what_is_not_an_outline():
    with pytest.raises(ValueError):
        parse("Title [1]\n   odd indent [2]")
    with pytest.raises(ValueError):
        parse("Title without count")
