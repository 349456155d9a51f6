"""Build figures (`make bench`; timing lives here, never in pass/fail tests).

On a copy of this repository's project (its sources, translations and booklet.toml), measured side by side in
one run, each figure repeated (`--repeat`) and given as min and median:
- a cold full build with one worker and with two, interleaved (A B A B …), and their ratio;
- a build with nothing changed (no-op);
- a build after one Spanish string changed: how many outputs it rebuilds, and its time;
- layouts the sheets' fit rule lays out per sheet: cold (no state file) and after the one-string change (the
  size that fitted last time is where its search starts).
Prints a table and writes the figures as JSON (`--json`, default bench/build.json).
"""
from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BOOKLET = [sys.executable, "-m", "pipeline"]


def project_copy(root: Path) -> Path:
    for name in ("sources", "translations", "examples"):
        shutil.copytree(REPO / name, root / name, symlinks=False)
    shutil.copy(REPO / "booklet.toml", root / "booklet.toml")
    return root


def run(project: Path, *args: str) -> tuple[float, float, str]:
    """Wall and CPU seconds (the process and its workers) of one `booklet` command, and what it printed."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run([*BOOKLET, *args], cwd=project, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(REPO)})
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1):
        raise SystemExit(f"booklet {' '.join(args)} failed:\n{done.stderr}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), done.stderr


def change_a_spanish_string(project: Path, n: int) -> None:
    """One word of one Spanish msgstr, a different one each time `n` changes parity."""
    po = project / "translations" / "es" / "LC_MESSAGES" / "paraneoplastic-motor-neuropathy.po"
    old, new = ("síntomas", "signos") if n % 2 == 0 else ("signos", "síntomas")
    text = po.read_text(encoding="utf-8")
    line = next(line for line in text.splitlines() if line.startswith('msgstr "') and old in line)
    po.write_text(text.replace(line, line.replace(old, new, 1), 1), encoding="utf-8")


def summary(values: list[float]) -> dict[str, float]:
    return {"min": round(min(values), 3), "median": round(statistics.median(values), 3)}


def fit_layouts(project: Path, out: Path) -> dict[str, float]:
    """Layouts per sheet, counted in this process (one worker) by wrapping the fit rule's layout step."""
    sys.path.insert(0, str(REPO))
    from pipeline import cli
    from pipeline.render import pdf

    counts: list[int] = []
    original = pdf.fit_to_pages

    def counting(render_at, *args, **kwargs):
        calls = [0]

        def counted(size):
            calls[0] += 1
            return render_at(size)
        try:
            return original(counted, *args, **kwargs)
        finally:
            counts.append(calls[0])

    pdf.fit_to_pages = counting
    figures = {}
    try:
        for label, prepare in (("cold", lambda: shutil.rmtree(out, ignore_errors=True)),
                               ("after one change", lambda: change_a_spanish_string(project, 1))):
            prepare()
            counts.clear()
            with contextlib.chdir(project), contextlib.redirect_stderr(io.StringIO()):
                cli.cli.main(["build", "-j", "1", "--layout", "sheet", "--layout", "sheet-bilingual", "--format",
                              "pdf", "--out", str(out)], standalone_mode=False)
            figures[label] = {"sheets": len(counts), "layouts per sheet": round(statistics.mean(counts), 2)
                              if counts else 0}
    finally:
        pdf.fit_to_pages = original
    return figures


def renderer_overhead(repeat: int) -> dict[str, dict[str, float]]:
    """Our guide PDF against bare WeasyPrint on the same HTML (with our fonts and options: the same PDF but for the
    tags we complete), and our EPUB against bare pandoc on the same AST, in this process, interleaved (ours, bare,
    ours, bare, …), for the larger seed document."""
    sys.path.insert(0, str(REPO))
    import weasyprint
    import pypandoc

    from pipeline.render.cache import RenderCache
    from pipeline.render.epub import document_ast, write_epub
    from pipeline.render.html import render_html
    from pipeline.render.layouts import BUILTIN
    from pipeline.render.pdf import PDF_OPTIONS, AssetFetcher, base_url, write_pdf
    from pipeline.sources import load, resolve

    doc = load(resolve("paraneoplastic-motor-neuropathy", REPO / "sources")).document
    html = render_html(doc, "guide", "a4")
    ast = json.dumps(document_ast(doc), ensure_ascii=False).encode("utf-8")
    pairs: dict[str, list[tuple[float, float]]] = {"guide PDF": [], "EPUB": [], "EPUB, nothing cached": []}
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch)

        def timed(fn) -> float:
            started = time.perf_counter()
            fn()
            return time.perf_counter() - started

        write_pdf(doc, out / "warm.pdf", "guide", "a4")  # imports and font caches, for both
        made = RenderCache("bench")
        write_epub(doc, out / "warm.epub", cache=made)
        cache = RenderCache("bench", known=made.made)  # as a rebuild has them: cover and font subsets
        for _ in range(repeat):
            pairs["guide PDF"].append((
                timed(lambda: write_pdf(doc, out / "ours.pdf", "guide", "a4")),
                timed(lambda: weasyprint.HTML(string=html, base_url=base_url(BUILTIN), url_fetcher=AssetFetcher(
                    BUILTIN, (), ())).write_pdf(out / "bare.pdf", **PDF_OPTIONS))))
            bare = [pypandoc.get_pandoc_path(), "--from=json", "--to=epub3", f"--output={out / 'bare.epub'}", "--toc"]
            pairs["EPUB"].append((timed(lambda: write_epub(doc, out / "ours.epub", cache=cache)),
                                  timed(lambda: subprocess.run(bare, input=ast, check=True))))
            pairs["EPUB, nothing cached"].append((timed(lambda: write_epub(doc, out / "cold.epub")),
                                                  timed(lambda: subprocess.run(bare, input=ast, check=True))))
    targets = {"guide PDF": " (target <= 1.10)", "EPUB": " (cover and fonts cached; target <= 1.5)"}
    return {f"{name}: ours / bare{targets.get(name, '')}": summary([ours / bare for ours, bare in values])
            for name, values in pairs.items()}


# Runs a command and prints, last, the peak resident memory (KiB) of the largest process it started: the
# command itself or any worker it waited for (getrusage of a fresh process's children).
PEAK_MEMORY = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:]); "
               "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)")


def scale_run(counts: tuple[int, ...]) -> dict[str, dict[str, float]]:
    """Synthetic documents (copies of seed 004 and its Spanish catalog under new ids) in en, es and the
    pseudo-locale qps-ploc (`booklet i18n pseudo`: 40 % longer), guide PDF and EPUB, with two workers: documents
    and PDF pages per minute, and the peak memory of the largest single process (the parent or a worker), which
    must not grow with the number of documents."""
    from pypdf import PdfReader

    seed = "paraneoplastic-syndromes-treatment"
    figures = {}
    for count in counts:
        with tempfile.TemporaryDirectory(prefix="booklet-scale-") as scratch:
            root = Path(scratch)
            po = (REPO / "translations" / "es" / "LC_MESSAGES" / f"{seed}.po").read_text(encoding="utf-8")
            for n in range(count):
                doc_id = f"doc-{n:04d}"
                shutil.copytree(REPO / "sources" / seed, root / "sources" / doc_id)
                catalog = root / "translations" / "es" / "LC_MESSAGES" / f"{doc_id}.po"
                catalog.parent.mkdir(parents=True, exist_ok=True)
                catalog.write_text(po, encoding="utf-8")
            (root / "booklet.toml").write_text('locales = ["en", "es", "qps-ploc"]\nlayouts = ["guide"]\n'
                                               'formats = ["pdf", "epub"]\n', encoding="utf-8")
            for step in ("extract", "pseudo"):
                subprocess.run([*BOOKLET, "i18n", step], cwd=root, check=True, capture_output=True,
                               env={**os.environ, "PYTHONPATH": str(REPO)})
            done = subprocess.run([sys.executable, "-c", PEAK_MEMORY, *BOOKLET, "build", "-j", "2", "-q"], cwd=root,
                                  capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(REPO)})
            seconds = float(re.search(r" in ([\d.]+) s$", done.stderr, re.M)[1])
            outputs = [p for p in (root / "output").rglob("*") if p.suffix in (".pdf", ".epub")]
            pages = sum(len(PdfReader(pdf).pages) for pdf in outputs if pdf.suffix == ".pdf")
            figures[f"{count} documents"] = {"outputs": len(outputs),
                                             "documents per minute": round(count * 60 / seconds, 1),
                                             "PDF pages per minute": round(pages * 60 / seconds, 1),
                                             "peak memory of one process (MB)": round(
                                                 int(done.stderr.strip().splitlines()[-1]) / 1024, 1)}
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", type=Path, default=REPO / "bench" / "build.json")
    parser.add_argument("--scale", type=int, nargs="*", default=[20, 200],
                        help="numbers of synthetic documents for the scale run (none: skip it)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="booklet-bench-") as scratch:
        project = project_copy(Path(scratch) / "project")
        cold: dict[int, list[tuple[float, float]]] = {1: [], 2: []}
        for _ in range(args.repeat):
            for jobs in (1, 2):
                wall, cpu, _ = run(project, "build", "--force", "-j", str(jobs), "--out", str(project / f"out{jobs}"))
                cold[jobs].append((wall, cpu))
        out = project / "out1"
        noop = [run(project, "build", "-j", "1", "--out", str(out))[0] for _ in range(args.repeat)]
        changed, rebuilt = [], 0
        for n in range(args.repeat):
            change_a_spanish_string(project, n)
            wall, _, stderr = run(project, "build", "-j", "1", "--out", str(out))
            changed.append(wall)
            rebuilt = int(re.search(r"^(\d+) built,", stderr, re.M)[1])
        fits = fit_layouts(project, project / "fit")
    overhead = renderer_overhead(args.repeat)
    scale = scale_run(tuple(args.scale)) if args.scale else {}
    ratio = [one[0] / two[0] for one, two in zip(cold[1], cold[2])]
    figures = {
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "cold build, -j1 (wall s)": summary([w for w, _ in cold[1]]),
        "cold build, -j1 (CPU s)": summary([c for _, c in cold[1]]),
        "cold build, -j2 (wall s)": summary([w for w, _ in cold[2]]),
        "-j2 speed-up over -j1 (target >= 1.7)": summary(ratio),
        "no-op build (wall s, target <= 1)": summary(noop),
        "one Spanish string changed (wall s)": summary(changed),
        "outputs rebuilt after one Spanish string changed (of 48)": rebuilt,
        "fit rule": fits,
        **overhead,
        "scale run, -j2 (guide PDF and EPUB in en, es and qps-ploc)": scale,
    }
    args.json.write_text(json.dumps(figures, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    width = max(len(k) for k in figures)
    for key, value in figures.items():
        shown = value if not isinstance(value, dict) or "min" not in value else \
            f"min {value['min']:>7.3f}   median {value['median']:>7.3f}"
        print(f"{key:<{width}}  {shown}")
    print(f"(written to {args.json})")


if __name__ == "__main__":
    main()
