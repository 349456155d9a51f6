"""The `booklet` command: thin Click wrappers that parse options, call the stages and report."""
from __future__ import annotations

import difflib
import json
import signal
import sys
import time
import traceback
from collections import Counter
from dataclasses import asdict
from itertools import groupby
from pathlib import Path

import click
from pipeline.config import Settings, check_language_tag
from pipeline.errors import BookletError, Interrupted
from pipeline.fsio import build_tempdir, output_lock, remove_stale_parts, remove_stale_tempdirs, write_atomic
from pipeline.messages import Message
from pipeline.project import Project


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--project", "project_dir", type=click.Path(file_okay=False, path_type=Path), envvar="BOOKLET_PROJECT",
              help="Project folder (default: the nearest folder with a booklet.toml, from here upward).")
@click.option("--config", type=click.Path(dir_okay=False, path_type=Path), envvar="BOOKLET_CONFIG",
              help="Project file, if not the project folder's booklet.toml.")
@click.option("--debug", is_flag=True, help="On an error, print the Python traceback too (for bug reports).")
@click.pass_context
def cli(ctx: click.Context, project_dir: Path | None, config: Path | None, debug: bool) -> None:
    """Turn medical source articles into patient handouts (PDF) and EPUBs."""
    if project_dir is not None and config is not None:
        raise click.UsageError("give --project or --config, not both")
    if ctx.invoked_subcommand != "init":
        ctx.obj = Project(project_dir, config)


@cli.command()
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
def init(folder: Path) -> None:
    """Start a new project in FOLDER: booklet.toml, an example document, a fictional clinic and next steps."""
    from pipeline.project import create_project

    for path in create_project(folder):
        click.echo(f"wrote {path}", err=True)
    click.echo(f"Next: cd {folder} && booklet build   (see {folder / 'README.md'})", err=True)


@cli.command()
@click.argument("source")
@click.option("--diff", is_flag=True, help="Print a unified diff against the input instead of the clean text.")
@click.pass_obj
def normalise(project: Project, source: str, diff: bool) -> None:
    """Clean up a plain-text SOURCE (document id, its folder, or a file) and report every change."""
    from pipeline.sources import load
    from pipeline.textcheck import read_text

    src = project.resolve(source)
    if src.format != "text":
        raise BookletError(f"normalise reads plain text; this is {src.format}, which `booklet extract` reads directly",
                           src.path)
    loaded = load(src)
    if diff:
        original = read_text(src.path).splitlines(keepends=True)
        click.echo("".join(difflib.unified_diff(original, loaded.clean_text.splitlines(keepends=True),
                                                str(src.path), f"{src.path} (normalised)")), nl=False)
    else:
        click.echo(loaded.clean_text, nl=False)
    for change in loaded.changes:
        click.echo(change.format(src.path), err=True)
    counts = Counter(c.rule for c in loaded.changes)
    summary = ", ".join(f"{n} {rule}" for rule, n in sorted(counts.items())) or "no changes"
    click.echo(f"{src.path}: {summary}", err=True)


@cli.command()
@click.argument("source")
@click.option("--json", "as_json", is_flag=True, help="Print the document model as JSON instead of the outline.")
@click.option("--explain", is_flag=True, help="Print every line of a plain-text SOURCE: what it became and the rule "
                                              "or meta.toml entry that decided.")
@click.pass_obj
def extract(project: Project, source: str, as_json: bool, explain: bool) -> None:
    """Print the outline (or the model) of SOURCE: a document id, its folder, or a file."""
    from pipeline.explain import format_explanation
    from pipeline.sources import load

    if as_json and explain:
        raise click.UsageError("give --json or --explain, not both")
    src = project.resolve(source)
    if explain and src.format != "text":
        raise BookletError(f"--explain reads plain text; this is {src.format}, whose markup gives its structure",
                           src.path)
    loaded = load(src)
    _report_warnings(loaded)
    if explain:
        click.echo(format_explanation(loaded.decisions))
    else:
        click.echo(loaded.document.to_json() if as_json else loaded.document.outline())


@cli.command()
@click.option("--doc", "docs", multiple=True, help="Document id (repeatable; default: from booklet.toml).")
@click.option("--locale", "locales", multiple=True, help="Locale to build (repeatable; default: from booklet.toml).")
@click.option("--format", "formats", multiple=True, type=click.Choice(["pdf", "epub"]), help="Output format (repeatable).")
@click.option("--layout", "layouts", multiple=True, help="PDF layout (repeatable): a folder of layouts/ with a manifest.")
@click.option("--paper", type=click.Choice(["a4", "letter"]), help="Paper size for PDFs (default: from booklet.toml).")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), help="Output folder.")
@click.option("--clinic", "clinic_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Clinic details (TOML) printed on the handouts (default: `clinic` in booklet.toml).")
@click.option("--allow-incomplete", is_flag=True,
              help="Build translated editions below their publish gate too (proofs): untranslated units are shown "
                   "in the source language, and the handout says so.")
@click.option("--force", is_flag=True, help="Rebuild every output, also those that are up to date.")
@click.option("--dry-run", is_flag=True, help="Say what would be built, and why, without building anything.")
@click.option("--explain", is_flag=True, help="Say why each output is built (which of its inputs changed).")
@click.option("-j", "--jobs", type=click.IntRange(min=1), help="Worker processes (default: the cores available).")
@click.option("--scheduler", metavar="ADDRESS",
              help='Run the build on a Dask cluster: its scheduler (tcp://host:8786), or "local" for a cluster of '
                   '-j worker processes on this machine.')
@click.option("--report", "report_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Write a JSON report: per output its status, input fingerprint, time and messages (with codes).")
@click.option("-q", "--quiet", is_flag=True, help="Print only warnings, errors and the summary line.")
@click.option("--strict", is_flag=True,
              help="Refuse to build a document whose meta.toml names no open licence (a warning otherwise).")
@click.pass_obj
def build(project: Project, docs, locales, formats, layouts, paper, out_dir, clinic_file, allow_incomplete, force,
          dry_run, explain, jobs, scheduler, report_file, quiet, strict) -> None:
    """Build every configured output into the output folder, skipping those whose inputs have not changed since
    they were built (`--force` rebuilds them).  Builds into the same folder run one at a time (a second one
    waits); a build first removes what an interrupted one left (`.*.part` files, temporary folders)."""
    from pipeline.runner import BuildRequest, default_jobs, run_build
    from pipeline.sources import discover

    settings: Settings = project.settings
    for locale in locales:
        _check_locale(locale, "--locale")
    for layout in layouts:
        if layout not in project.layouts.names():
            raise click.BadParameter(f"unknown layout {layout!r} (layouts: {', '.join(project.layouts.names())})",
                                     param_hint="--layout")
    out = out_dir or project.output_dir  # --out may point anywhere; `output` in booklet.toml stays in the project
    doc_ids = list(docs) or (discover(project.sources_dir) if settings.documents == "all" else settings.documents)
    if not doc_ids:
        raise BookletError("no documents to build (each needs a folder with meta.toml)", project.sources_dir)
    request = BuildRequest(doc_ids=doc_ids, locales=list(locales), formats=list(formats or settings.formats),
                           layouts=list(layouts or settings.layouts), paper=paper or settings.paper, out=out,
                           clinic_file=clinic_file or (project.root / settings.clinic if settings.clinic else None),
                           allow_incomplete=allow_incomplete, force=force, dry_run=dry_run, explain=explain,
                           jobs=jobs or default_jobs(), scheduler=scheduler, strict=strict)
    # On a terminal a progress bar stands for the line per output written elsewhere (logs, CI).
    bar = _ProgressLine() if not (quiet or dry_run) and sys.stderr.isatty() else None

    def say(message: Message) -> None:
        if bar and message.code == "build.wrote":
            return
        if not quiet or message.severity != "info":
            tell(str(message))

    def tell(line: str) -> None:
        if bar:
            bar.clear()
        click.echo(line, err=True)
        if bar:
            bar.show()

    started = time.time()
    if dry_run:
        summary = run_build(project, request, say)
    else:
        with output_lock(out, tell):
            for stale in remove_stale_parts(out, started) + remove_stale_tempdirs(started):  # before build_tempdir
                say(Message("build.removed", f"removed {stale} (left by an interrupted build)"))
            try:
                with build_tempdir():  # changes $TMPDIR for us
                    summary = run_build(project, request, say, bar.update if bar else None)
            finally:
                if bar:
                    bar.finish()
                    bar = None
    if report_file:
        write_atomic(report_file, json.dumps({"outputs": [asdict(task) for task in summary.tasks],
                                              "messages": [asdict(m) for m in summary.messages],
                                              "errors": summary.errors,
                                              "check": [r.as_dict() for r in summary.checks]},
                                             indent=1, ensure_ascii=False) + "\n")
    for report in summary.checks:
        tell(report.summary_line())
    if dry_run:
        tell(f"would build {summary.count('would build')}, {summary.count('up to date')} up to date")
    else:
        tell(summary.line(time.time() - started))
    for message in summary.errors[:-1]:
        tell(f"booklet: error: {message}")
    if summary.errors:
        raise BookletError(summary.errors[-1])


class _ProgressLine:
    """click's progress bar of outputs done on the terminal's last line; the lines said meanwhile are printed
    above it (click's bar cannot print around itself)."""

    def __init__(self):
        self.bar = click.progressbar(length=1, label="Building", show_pos=True, show_eta=False, file=sys.stderr)

    def update(self, summary) -> None:
        self.bar.length = max(summary.total, 1)
        self.bar.update(len(summary.tasks) - self.bar.pos)

    def show(self) -> None:
        if self.bar.pos:
            self.bar.render_progress()

    def clear(self) -> None:
        click.echo("\r\x1b[K", err=True, nl=False)

    def finish(self) -> None:
        """Gone, and the cursor (hidden while the bar shows) back."""
        self.clear()
        click.echo("\x1b[?25h", err=True, nl=False)


@cli.command("check")
@click.option("--doc", "docs", multiple=True, help="Document id (repeatable; default: from booklet.toml).")
@click.option("--locale", "locales", multiple=True, help="Locale (repeatable; default: from booklet.toml).")
@click.option("--strict", is_flag=True, help="Exit non-zero when there is any warning (for CI).")
@click.option("--json", "as_json", is_flag=True, help="Print the reports as JSON (for scripts and CI).")
@click.option("--report", "report_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the reports as JSON to this file (`make` writes output/check.json).")
@click.option("-q", "--quiet", is_flag=True, help="Print only each edition's summary line, not every warning.")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Judge dates (stale content, a lapsed review) as on this day (YYYY-MM-DD); today by default.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Where the built PDFs are, whose body type is measured (default: the output folder).")
@click.option("--sheets", "sheets_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Also write a PEMAT-informed reviewer sheet of each handout checked, as HTML and PDF: "
                   "DIR/<locale>/<doc-id>.pemat.html and .pemat.pdf.")
@click.pass_obj
def check(project: Project, docs, locales, strict: bool, as_json: bool, report_file: Path | None, quiet: bool, today,
          out_dir: Path | None, sheets_dir: Path | None) -> None:
    """Is each handout fit for a patient?  Reading grade per section by formulas validated for its language,
    long sentences and lists, unexplained terms and abbreviations, clinical shorthand, prescriber-level
    content, treatments presented as experimental or unproven, unsourced sections and home-page sources, stale
    content, the clinical review cycle, and the automatable PEMAT-P items.  Each miss is a warning
    (`file:line:` and a `check.*` code).  With --sheets, a reviewer sheet per handout: the PEMAT-P items, those
    the check judged with its evidence, for a human to confirm and sign (never a PEMAT score)."""
    import datetime

    from pipeline.quality import check_editions
    from pipeline.sources import discover

    for locale in locales:
        _check_locale(locale, "--locale")
    doc_ids = list(docs) or (discover(project.sources_dir) if project.settings.documents == "all"
                             else project.settings.documents)
    day = (today or datetime.datetime.now(datetime.timezone.utc)).date()
    checked = check_editions(project, doc_ids, list(locales), day, out_dir or project.output_dir)
    reports = [report for _, report in checked]
    if sheets_dir is not None:
        from pipeline.render.pemat_sheet import write_pemat_sheet

        for doc, report in checked:
            write_pemat_sheet(doc, report, sheets_dir, day, layouts=project.layouts)
        click.echo(f"{len(checked)} PEMAT-informed reviewer sheets in {sheets_dir}", err=True)
    as_text = json.dumps([r.as_dict() for r in reports], ensure_ascii=False, indent=1)
    if report_file:
        write_atomic(report_file, as_text + "\n")
    if as_json:
        click.echo(as_text)
    else:
        for report in reports:
            for message in [] if quiet else report.messages:
                click.echo(str(message), err=True)
            click.echo(report.summary_line().removesuffix(" (`booklet check`)"))
    warnings = sum(r.warnings for r in reports)
    if strict and warnings:
        raise BookletError(f"{warnings} check warnings (--strict)")


@cli.group()
def i18n() -> None:
    """Translation catalogs: extract, init, update, compile, stats, check; the translation memory (tm)."""


def _catalog_names(project: Project) -> list[str]:
    from pipeline.i18n.catalogs import UI
    from pipeline.sources import discover

    return [UI] + discover(project.sources_dir)


@i18n.command("extract")
@click.pass_obj
def i18n_extract(project: Project) -> None:
    """Write the templates: translations/templates/ui.pot and <doc-id>.pot for every document."""
    from pipeline.i18n.catalogs import UI, document_template, template_path, ui_template, write_catalog

    root = project.translations_dir
    for name in _catalog_names(project):
        if name == UI:
            catalog = ui_template(project.layouts)
        else:
            source = project.resolve(name)
            catalog = document_template(project.load(name).document, source.path.relative_to(project.root).as_posix(),
                                        source.meta_path.relative_to(project.root).as_posix())
        path = template_path(root, name)
        changed = write_catalog(path, catalog)
        click.echo(f"{'wrote' if changed else 'unchanged'} {path} ({len(catalog)} messages)", err=True)


@i18n.command("init")
@click.argument("locale")
@click.pass_obj
def i18n_init(project: Project, locale: str) -> None:
    """Start catalogs for LOCALE from the templates (those that do not exist yet); the translation memory of
    LOCALE pre-fills what it can, as fuzzy entries naming their origin."""
    from pipeline.i18n.catalogs import catalog_path, init, is_document

    _check_locale(locale, "LOCALE")  # it names a folder
    root = project.translations_dir
    memory = _memory(root, locale)
    for name in _catalog_names(project):
        target = catalog_path(root, locale, name)
        if target.exists():
            click.echo(f"exists {target}", err=True)
            continue
        init(_template(root, name), target, locale, memory if is_document(target) else None)
        click.echo(f"wrote {target}", err=True)


@i18n.command("update")
@click.pass_obj
def i18n_update(project: Project) -> None:
    """Merge every catalog with its template: changed strings become fuzzy, removed ones obsolete; the
    translation memory pre-fills new and changed strings left untranslated, as fuzzy entries naming their
    origin.  Each locale's memory is its catalogs as they were before this update."""
    from pipeline.i18n.catalogs import is_document, update

    root = project.translations_dir
    memories = {}
    for locale, name, path in _catalogs(project):
        if locale not in memories:
            memories[locale] = _memory(root, locale)
        memory = memories[locale].without(path.name) if memories[locale] and is_document(path) else None
        changed = update(_template(root, name), path, memory)
        click.echo(f"{'updated' if changed else 'unchanged'} {path}", err=True)


def _memory(root: Path, locale: str):
    """The translation memory of `locale`; none for the pseudo-locale, whose catalogs are made, not translated."""
    from pipeline.i18n.memory import load_memory
    from pipeline.locales import is_pseudo

    return None if is_pseudo(locale) else load_memory(root, locale)


@i18n.command("compile")
@click.pass_obj
def i18n_compile(project: Project) -> None:
    """Write a .mo beside every .po (fuzzy entries left out)."""
    from pipeline.i18n.catalogs import compile_catalog

    for _, _, path in _catalogs(project):
        click.echo(f"wrote {compile_catalog(path)}", err=True)


@i18n.command("stats")
@click.option("--json", "as_json", is_flag=True, help="Print the statistics as JSON.")
@click.pass_obj
def i18n_stats(project: Project, as_json: bool) -> None:
    """Per catalog: translated, fuzzy and untranslated units and source words, the words the translation
    memory pre-filled (fuzzy, not yet confirmed), and percent translated."""
    from pipeline.i18n.catalogs import read_catalog, stats

    rows = [stats(read_catalog(path), name, locale) for locale, name, path in _catalogs(project)]
    if as_json:
        click.echo(json.dumps([asdict(r) | {"percent": r.percent} for r in rows], ensure_ascii=False, indent=2))
        return
    header = (f"{'locale':8} {'catalog':36} {'translated':>10} {'fuzzy':>6} {'untransl.':>9} {'words done':>11} "
              f"{'pre-filled':>10} {'%':>6}  review")
    click.echo(header)
    for r in rows:
        words = f"{r.words['translated']}/{sum(r.words.values())}"
        review = r.review + (f" ({r.changed_since_review} changed since)" if r.changed_since_review else "")
        click.echo(f"{r.locale:8} {r.name:36} {r.translated:>10} {r.fuzzy:>6} {r.untranslated:>9} {words:>11} "
                   f"{r.prefilled_words:>10} {r.percent:>6}  {review}")


@i18n.group("tm")
def i18n_tm() -> None:
    """The translation memory as TMX 1.4, for any CAT tool."""


@i18n_tm.command("export")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--locale", "locales", multiple=True,
              help="Locale to export (repeatable; default: every one with catalogs).")
@click.pass_obj
def i18n_tm_export(project: Project, file: Path, locales) -> None:
    """Write the translation memory (every confirmed translation of the documents, and the imported
    suggestions) to FILE as TMX 1.4."""
    from pipeline.i18n.memory import export_tmx
    from pipeline.locales import is_pseudo

    for locale in locales:
        _check_locale(locale, "--locale")
    chosen = list(locales) or sorted({locale for locale, _, _ in _catalogs(project) if not is_pseudo(locale)})
    write_atomic(file, export_tmx(project.translations_dir, chosen))
    click.echo(f"wrote {file} ({', '.join(chosen) or 'no locales'})", err=True)


@i18n_tm.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_obj
def i18n_tm_import(project: Project, file: Path) -> None:
    """Add the units of the TMX FILE to the translation memory as suggestions (translations/<locale>/memory.tmx):
    `init` and `update` offer them as fuzzy pre-fills naming FILE, never as translations."""
    from pipeline.i18n.memory import import_tmx

    for stored, added in import_tmx(project.translations_dir, file).items():
        click.echo(f"{'wrote' if added else 'unchanged'} {stored} ({added} new suggestions)", err=True)


@i18n.command("check")
@click.pass_obj
def i18n_check(project: Project) -> None:
    """Check every translation against its source: numbers, doses, units, frequencies, abbreviations,
    markup, punctuation, and the terms of the locale's glossary.  Critical and functional problems are errors
    (non-zero exit); cosmetic ones are reported as warnings, and so is a glossary term rendered in two approved
    ways in the locale's documents.  Fuzzy and untranslated entries are not checked: they are never printed."""
    from pipeline.i18n import po
    from pipeline.i18n.catalogs import is_document
    from pipeline.i18n.qa import check_catalog
    from pipeline.i18n.termbase import inconsistencies, load_termbase
    from pipeline.locales import is_pseudo

    errors = 0
    for locale, catalogs in groupby(_catalogs(project), key=lambda catalog: catalog[0]):
        if is_pseudo(locale):
            continue
        termbase = load_termbase(project.translations_dir, locale)
        documents = []
        for _, _, path in catalogs:
            for line, problem in check_catalog(path, termbase=termbase):
                serious = problem.severity in ("critical", "functional")
                errors += serious
                _report(path, line, "error" if serious else "warning", problem)
            if is_document(path):
                documents.append(path)
        if termbase is not None:
            units = ((path, *unit) for path in documents for unit in po.parse(path).translations())
            for path, line, problem in inconsistencies(termbase, units):
                _report(path, line, "warning", problem)
    if errors:
        raise BookletError(f"{errors} translation problem(s) to fix (listed above)", project.translations_dir)


def _report(path: Path, line: int, kind: str, problem) -> None:
    click.echo(f"{path}:{line}: {kind}: {problem.severity} {problem.code}: {problem.message}")


@i18n.command("review")
@click.argument("locale")
@click.argument("doc_ids", nargs=-1, required=True, metavar="DOC_ID...")
@click.option("--by", "reviewer", required=True, help="Who reviewed the translation (name and role).")
@click.option("--date", "date", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="The day of the review (YYYY-MM-DD); today by default.")
@click.option("--scope", default="", help="What the review covered, in a few words (shown by `i18n stats`).")
@click.pass_obj
def i18n_review(project: Project, locale: str, doc_ids, reviewer: str, date, scope: str) -> None:
    """Record a clinician's review of DOC_ID's catalog in LOCALE: the header names who, when and what, and
    every translated entry is marked as reviewed as it is now; an entry translated or changed later makes
    the catalog "partly reviewed", in `i18n stats` and on the handouts."""
    import datetime

    from pipeline.i18n.catalogs import REVIEW_HEADER, catalog_path, read_catalog, write_catalog
    from pipeline.i18n.review import Review, mark_reviewed

    _check_locale(locale, "LOCALE")
    if ";" in reviewer or ";" in scope or not reviewer.strip():
        raise click.BadParameter("a name (and a scope) without ';'", param_hint="--by / --scope")
    day = (date or datetime.datetime.now(datetime.timezone.utc)).date().isoformat()
    review = Review(reviewer.strip(), day, scope.strip())
    for doc_id in doc_ids:
        path = catalog_path(project.translations_dir, locale, doc_id)
        if not path.is_file():
            raise BookletError(f"no catalog of {doc_id} in {locale} (`booklet i18n init {locale}`)", path)
        loaded = read_catalog(path, locale)
        marked = mark_reviewed(loaded.catalog, review)
        write_catalog(path, loaded.catalog, {**loaded.extra_headers, REVIEW_HEADER: review.header()})
        click.echo(f"reviewed {path}: {marked} translated entries, by {review.reviewer} on {review.date}", err=True)


@i18n.command("missing")
@click.argument("locale")
@click.argument("doc_id")
@click.pass_obj
def i18n_missing(project: Project, locale: str, doc_id: str) -> None:
    """What DOC_ID still shows in the source language in LOCALE (untranslated, fuzzy, or failing the QA
    check), safety-critical units first: what a translated edition needs to pass its publish gate."""
    from pipeline.build import critical_gaps, edition
    from pipeline.config import Gate
    from pipeline.i18n.termbase import load_termbase

    _check_locale(locale, "LOCALE")
    ed = edition(project.load(doc_id).document, locale, project.translations_dir,
                 load_termbase(project.translations_dir, locale))
    if ed is None:
        raise BookletError(f"no translation of {doc_id} into {locale} yet (`booklet i18n init {locale}`)",
                           project.translations_dir)
    critical = {u.id for u in critical_gaps(ed, Gate().overridden(project.settings.gates.get("guide")))}
    for unit in sorted(ed.fallbacks, key=lambda u: u.id not in critical):
        kind = "critical" if unit.id in critical else "other"
        click.echo(f"{kind}\t{unit.id}\t{ed.reason(unit)}\t{unit.text}")
    click.echo(f"{doc_id} ({locale}): {int(ed.percent_translated * 10) / 10:g} % of the words translated; "
               f"{len(critical)} safety-critical and {len(ed.fallbacks) - len(critical)} other units to do", err=True)


@i18n.command("pseudo")
@click.pass_obj
def i18n_pseudo(project: Project) -> None:
    """Write pseudo-translated catalogs for the pseudo-locale qps-ploc (accented, 40 % longer, bracketed);
    build it with `booklet build --locale qps-ploc` to test fit, fonts and fallbacks."""
    from pipeline.i18n.catalogs import REVIEW_HEADER, catalog_path, read_catalog, write_catalog
    from pipeline.i18n.pseudo import pseudo_catalog
    from pipeline.locales import PSEUDO

    for name in _catalog_names(project):
        target = catalog_path(project.translations_dir, PSEUDO, name)
        catalog = pseudo_catalog(read_catalog(_template(project.translations_dir, name)).catalog)
        write_catalog(target, catalog, {"Language": PSEUDO, REVIEW_HEADER: "none"})
        click.echo(f"wrote {target}", err=True)


def _check_locale(locale: str, hint: str) -> None:
    try:
        check_language_tag(locale)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint=hint) from None


def _template(root: Path, name: str) -> Path:
    from pipeline.i18n.catalogs import template_path

    path = template_path(root, name)
    if not path.exists():
        raise BookletError("no template; run `booklet i18n extract` first", path)
    return path


def _catalogs(project: Project) -> list[tuple[str, str, Path]]:
    """(locale, catalog name, .po path) for every catalog under translations/, sorted."""
    root = project.translations_dir
    found = []
    for path in sorted(root.glob("*/LC_MESSAGES/*.po")):
        found.append((path.parent.parent.name, path.stem, path))
    return found


def _report_warnings(loaded) -> None:
    for change in loaded.changes:
        if change.warning:
            click.echo(change.format(loaded.path or loaded.document.meta.source_file), err=True)


_SIGNALS = ("SIGINT", "SIGTERM", "SIGHUP")


def _raise_interrupted(signum, frame) -> None:
    raise Interrupted(signum)


def _install_signal_handlers() -> None:
    """SIGINT, SIGTERM and SIGHUP raise Interrupted wherever the build is: every `finally` runs, so
    fsio.atomic_path removes its temporary file and temporary folders are removed, as for Ctrl-C."""
    for name in _SIGNALS:
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), _raise_interrupted)


def _fail(message: str, code: int, debug: bool) -> None:
    if debug:
        traceback.print_exc()
    click.echo(f"booklet: error: {message}", err=True)
    sys.exit(code)


def main() -> None:
    """Entry point: bad input gives one line naming the file and a non-zero exit (2 for a usage or
    configuration error, 1 for a failed build), never a traceback (except with --debug)."""
    _install_signal_handlers()
    debug = False  # known once the global options are parsed
    try:
        with cli.make_context("booklet", sys.argv[1:]) as ctx:
            debug = ctx.params["debug"]
            cli.invoke(ctx)
    except Interrupted as exc:
        if debug:
            traceback.print_exc()
        click.echo(f"booklet: interrupted by {signal.Signals(exc.signum).name}; unfinished files removed", err=True)
        sys.exit(128 + exc.signum)
    except BookletError as exc:
        _fail(str(exc), exc.exit_code, debug)
    except click.exceptions.Abort:
        click.echo("booklet: aborted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        _fail(exc.format_message(), exc.exit_code, debug)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except RecursionError:
        _fail("internal error: input nested too deeply to process; run with --debug for details", 1, debug)
    except OSError as exc:
        where = f"{exc.filename}: " if exc.filename else ""
        _fail(f"{where}{exc.strerror or exc}", 1, debug)
    except Exception as exc:  # a bug, not bad input: still one line, the traceback only with --debug
        _fail(f"internal error: {type(exc).__name__}: {exc}; run with --debug for details", 1, debug)
    sys.exit(0)
