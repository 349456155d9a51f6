"""Score the extractor on the article corpus: `.venv/bin/python bench/corpus_score.py` (or `make corpus-score`).

Each folder of tests/fixtures/articles/ is loaded as booklet loads a document (normalise, extract) and its
outline is scored against the hand-written expected.txt with tests/outline_score.py.  Prints one row per
article, worst first, then the mean.  `--diff SLUG` also prints both outlines of one article.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
ARTICLES = REPO / "tests" / "fixtures" / "articles"
sys.path.insert(0, str(REPO / "tests"))

from outline_score import Score, score  # noqa: E402

from pipeline.sources import load, resolve  # noqa: E402


def article_folders() -> list[Path]:
    return sorted(p.parent for p in ARTICLES.glob("*/meta.toml"))


def actual_outline(folder: Path) -> str:
    return load(resolve(str(folder), ARTICLES)).document.outline()


def score_article(folder: Path) -> Score:
    return score((folder / "expected.txt").read_text(encoding="utf-8"), actual_outline(folder))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--diff", metavar="SLUG", help="print the expected and actual outlines of one article")
    args = parser.parse_args(argv)
    if args.diff:
        folder = ARTICLES / args.diff
        print("expected:\n" + (folder / "expected.txt").read_text(encoding="utf-8"))
        print("actual:\n" + actual_outline(folder))
        return 0
    rows = []
    for folder in article_folders():
        meta = tomllib.loads((folder / "meta.toml").read_text(encoding="utf-8"))
        rows.append((score_article(folder), folder.name, meta["attribution"]["publisher"], meta["lang"]))
    rows.sort(key=lambda r: (r[0].score, r[1]))
    print(f"{'article':38} {'publisher':32} {'lang':4} {'score':>5} {'prec':>5} {'rec':>5} {'count':>5} title")
    for s, slug, publisher, lang in rows:
        print(f"{slug:38} {publisher[:32]:32} {lang:4} {s.score:5.3f} {s.precision:5.2f} {s.recall:5.2f} "
              f"{s.count_agreement:5.2f} {'ok' if s.title_ok else 'WRONG'}")
    print(f"mean score {statistics.mean(r[0].score for r in rows):.3f} over {len(rows)} articles "
          f"(issue 11 target: mean >= 0.95, every article >= 0.85)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
