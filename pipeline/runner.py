"""Run a build: every task of the plan that is not up to date, document by document.  Each document is
normalised and extracted once and each edition translated once, only when one of their tasks must be built;
what happens is told through `say` (the CLI prints it), so this module never prints."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from pipeline.errors import BookletError
from pipeline.fsio import write_atomic
from pipeline.planner import Fingerprints, State, Task, tasks_for


@dataclass(frozen=True)
class BuildRequest:
    doc_ids: list[str]
    locales: list[str]  # as given with --locale; empty: booklet.toml's, led by each source's own language
    formats: list[str]
    layouts: list[str]
    paper: str
    out: Path
    clinic_file: Path | None = None
    allow_incomplete: bool = False
    force: bool = False  # rebuild what is up to date too
    dry_run: bool = False  # say what would be built, build nothing
    explain: bool = False  # say why each task is built


@dataclass
class Summary:
    built: int = 0
    up_to_date: int = 0
    skipped: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)  # the build fails with these, the last one as its message

    def line(self, seconds: float) -> str:
        return (f"{self.built} built, {self.up_to_date} up to date, {self.skipped} skipped, {self.failed} failed "
                f"in {seconds:.1f} s")


def run_build(project, request: BuildRequest, say: Callable[[str], None]) -> Summary:
    from pipeline.build import with_source_language
    from pipeline.config import load_clinic

    settings = project.settings
    clinic = load_clinic(request.clinic_file) if request.clinic_file else None
    options = {"paper": request.paper, "allow_incomplete": request.allow_incomplete}
    fingerprints = Fingerprints(project, options, request.clinic_file)
    state = State(request.out)
    summary = Summary()
    refused: list[str] = []
    replayed: set[str] = set()  # what up-to-date tasks were held back for, said once
    for doc_id in request.doc_ids:
        source = project.resolve(doc_id)
        source_lang = source.meta.lang if source.meta else "en"  # as sources.load reads a bare file
        locales = request.locales or with_source_language(settings.locales, source_lang)
        stale: dict[Task, dict[str, str]] = {}
        for task in tasks_for(source.id, locales, request.formats, request.layouts):
            inputs = fingerprints.of(task, source.path.parent, source_lang)
            reasons = ["--force"] if request.force else state.stale(task, inputs)
            if not reasons:
                summary.up_to_date += 1
                if (message := state.records[task.key].message) and message not in replayed:
                    replayed.add(message)
                    say(f"{message} (unchanged since the last build)")
                continue
            if request.explain or request.dry_run:
                say(f"{'would build' if request.dry_run else 'building'} {task.key}: {'; '.join(reasons)}")
            stale[task] = inputs
        if stale and not request.dry_run:
            _build_document(project, doc_id, stale, request, clinic, state, summary, refused, say)
            state.save()
        elif stale:
            summary.built += len(stale)
    for message in refused:
        say(message)
    if refused:
        summary.errors.append(f"{len(refused)} handout(s) not built: they would print untranslated text (listed "
                              "above; --allow-incomplete builds proofs)")
    return summary


def _build_document(project, doc_id: str, stale: dict[Task, dict[str, str]], request: BuildRequest, clinic,
                    state: State, summary: Summary, refused: list[str], say) -> None:
    from pipeline.build import Skipped, edition, labels_missing, targets
    from pipeline.locales import babel_locale
    from pipeline.render import WRITERS, check_document, labels_in, output_path, unimposed_path

    settings = project.settings
    loaded = project.load(doc_id)
    for change in loaded.changes:
        if change.warning:
            say(change.format(loaded.path or loaded.document.meta.source_file))
    doc = loaded.document
    check_document(doc)
    source = edition(doc, doc.lang, project.translations_dir)  # beside the translation on a bilingual layout
    for locale in dict.fromkeys(task.locale for task in stale):
        tasks = [task for task in stale if task.locale == locale]
        try:
            ed = edition(doc, locale, project.translations_dir)
        except BookletError as exc:  # a broken catalog fails this locale's targets; the others still build
            if str(exc) not in summary.errors:
                summary.errors.append(str(exc))
            say(f"{doc_id} ({locale}): not built: {exc}")
            summary.failed += len(tasks)
            for task in tasks:
                state.forget(task)
            continue
        if ed is None:
            message = f"{doc_id}: no translation into {locale} yet; skipped"
            say(message)
            summary.skipped += len(tasks)
            for task in tasks:  # until its catalog changes
                state.record(task, stale[task], [], message)
            continue
        report = _report_fallbacks(ed, request.out, say)
        if labels_missing(ed):
            say(f"{doc_id} ({locale}): labels in English: nobody has translated them into "
                f"{babel_locale(locale).english_name} yet (`booklet i18n init {locale}` starts that catalog)")
        guide_url = f"{settings.web_base.rstrip('/')}/{locale}/{doc.id}.guide.pdf" if settings.web_base else None
        with labels_in(ed.labels):
            for task in tasks:
                item = next(targets(ed, [task.layout], [task.fmt], request.allow_incomplete, project.layouts,
                                    settings.gates))
                if isinstance(item, Skipped):
                    summary.skipped += 1
                    if item.refused:  # checked again next time: a build that refuses one fails every time
                        refused.append(item.message)
                        state.forget(task)
                    else:
                        say(item.message)
                        state.record(task, stale[task], [], item.message)
                    if item.withheld:  # what an earlier build wrote must not stay out as if it passed
                        withheld = output_path(request.out, ed.document, item.withheld.fmt, item.withheld.layout)
                        for old in (withheld, unimposed_path(withheld, request.paper)):
                            if old.is_file():
                                old.unlink()
                                say(f"removed {old} (held back by its publish gate)")
                    continue
                if item.note:
                    say(item.note)
                target = output_path(request.out, ed.document, item.fmt, item.layout)
                for warning in WRITERS[item.fmt](ed.document, target, item.layout, request.paper,
                                                 clinic=clinic, guide_url=guide_url, publisher=settings.publisher,
                                                 translation=ed.translation, source_edition=source,
                                                 layouts=project.layouts):
                    say(f"{target}: warning: {warning}")
                written = [target]
                if item.fmt == "pdf" and project.layouts.manifest(item.layout).impose:  # its tagged pages, beside it
                    written.append(unimposed_path(target, request.paper))
                    say(f"wrote {written[-1]}")
                say(f"wrote {target}")
                state.record(task, stale[task], written + ([report] if report else []))
                summary.built += 1


def _report_fallbacks(ed, out: Path, say) -> Path | None:
    """The build report: every unit shown in the source language, in a file beside the outputs, and a line."""
    if ed.translation is None:
        return None
    report = out / ed.locale / f"{ed.document.id}.untranslated.txt"
    lines = [f"{u.id}\t{u.path}\t{u.text}\t{ed.reason(u)}" for u in ed.fallbacks]
    if not lines:
        report.unlink(missing_ok=True)
        return None
    write_atomic(report, "\n".join(lines) + "\n")
    failed = f", {len(ed.rejected)} of them because their translation failed the QA check" if ed.rejected else ""
    say(f"{ed.document.id} ({ed.locale}): {len(lines)} units shown in the source language{failed}; "
        f"listed in {report}")
    return report
