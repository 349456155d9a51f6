"""Time each stage on the real sources: `.venv/bin/python bench/bench_stages.py [--repeat N]`.

Timing lives here, never in pass/fail tests. Prints the median of N runs per stage and document.
"""
from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from pipeline.extract import extract_text
from pipeline.model import Meta
from pipeline.normalise import normalise
from pipeline.render import WRITERS, output_path
from pipeline.sources import discover, load, read_text, resolve

SOURCES = Path(__file__).resolve().parent.parent / "sources"


def median_seconds(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as out:
        for doc_id in discover(SOURCES):
            source = resolve(doc_id, SOURCES)
            raw = read_text(source.path)
            clean = normalise(raw).text
            doc = load(source).document
            rows = {
                "normalise": lambda: normalise(raw),
                "extract": lambda: extract_text(clean, doc_id, "en", Meta()),
                "pdf": lambda: WRITERS["pdf"](doc, output_path(out, doc, "pdf"), "guide", paper="a4"),
                "epub": lambda: WRITERS["epub"](doc, output_path(out, doc, "epub"), "epub", paper="a4"),
            }
            for stage, fn in rows.items():
                print(f"{doc_id:40} {stage:10} {median_seconds(fn, args.repeat) * 1000:9.1f} ms")


if __name__ == "__main__":
    main()
