"""Run a build: every task of the plan that is not up to date.

Each document is normalised and extracted once, by the parent; each of its editions (a locale) is a job for a
worker, which translates it once and renders its tasks.  A worker is a function of its job alone (the document,
the locale, the tasks and the build's settings, all plain data): it renders into a folder of its own and returns
the bytes of each output and its messages; the parent writes every file atomically, keeps the state file and
tells what happened through `say`, in the order the jobs were planned, whatever order they finish in.  With
`jobs` > 1 the jobs run on a process pool; with 1, in this process, the same way.
"""
from __future__ import annotations

import collections
import concurrent.futures
import contextlib
import datetime
import itertools
import os
import subprocess
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator

from pipeline.config import Clinic, Settings
from pipeline.errors import BookletError
from pipeline.fsio import write_atomic
from pipeline.messages import Message
from pipeline.model import Document, Meta
from pipeline.planner import Fingerprints, State, Task, digest, tasks_for

if TYPE_CHECKING:
    from pipeline.quality import CheckOptions, Report
    from pipeline.i18n.termbase import Termbase


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
    jobs: int = 1  # worker processes
    scheduler: str | None = None  # run the jobs on a Dask cluster: its scheduler's address, or "local"
    strict: bool = False  # a source without an open licence is an error, not a warning


@dataclass
class TaskReport:
    """One task in the build report (`--report`)."""

    output: str  # the task's key: its output file, relative to the output folder
    status: str  # "built", "up to date", "skipped", "failed"
    inputs: str  # one fingerprint of all its inputs
    seconds: float = 0.0
    messages: list[Message] = field(default_factory=list)


@dataclass
class Summary:
    tasks: list[TaskReport] = field(default_factory=list)
    messages: list[Message] = field(default_factory=list)  # every message of the build, in the order said
    errors: list[str] = field(default_factory=list)  # the build fails with these, the last one as its message
    checks: list[Report] = field(default_factory=list)  # `booklet check` of each edition it wrote an output of
    total: int = 0  # tasks in the build, those up to date included
    progress: Callable[[Summary], None] | None = None  # told each time tasks are accounted for

    def add(self, *tasks: TaskReport) -> None:
        self.tasks += tasks
        if self.progress:
            self.progress(self)

    def count(self, status: str) -> int:
        return sum(task.status == status for task in self.tasks)

    def line(self, seconds: float) -> str:
        return (f"{self.count('built')} built, {self.count('up to date')} up to date, {self.count('skipped')} "
                f"skipped, {self.count('failed')} failed in {seconds:.1f} s")


@dataclass(frozen=True)
class Job:
    """A document's edition in one locale and the tasks to build of it: everything a worker needs, as data, so
    that a worker on another machine needs no file of the project (the built-in layouts and labels come with
    booklet itself)."""

    settings: Settings
    files: dict[str, bytes]  # the project files it reads: "translations/…", "layouts/…", "clinic/<logo>"
    origins: dict[str, str]  # the top folder of those names -> where it is in the project (named in messages)
    source_date_epoch: str | None  # the build's, which dates an EPUB (read by the parent, passed to workers)
    out: Path  # where the parent will write the outputs (named in messages)
    document: Document
    locale: str
    tasks: list[Task]
    paper: str
    clinic: Clinic | None
    allow_incomplete: bool
    fit_hints: dict[Task, float]  # where each task's fit rule starts: the size that fitted last time
    cache_salt: str  # what every render cache entry depends on (the software and the layouts)
    cached: dict[str, bytes]  # the render cache entries its tasks used last time (render.cache)
    termbase: Termbase | None  # the locale's glossary, read once a build by the parent
    check: CheckOptions  # what `booklet check` measures the edition against
    source_file: str  # the document's source file, which the check's messages name
    leftovers: list[Message]  # the normaliser's warnings about the source, which the check of its own edition reports


@dataclass
class Outcome:
    """What a worker made of one task."""

    task: Task
    status: str  # "built", "skipped", "refused" or "failed" (the build must fail; the rest of it goes on)
    files: dict[str, bytes] = field(default_factory=dict)  # output file name (in the locale's folder) -> bytes
    messages: list[Message] = field(default_factory=list)
    withheld: list[str] = field(default_factory=list)  # file names an earlier build wrote that must go
    seconds: float = 0.0
    body_pt: float | None = None  # the size a fit rule chose
    cache_used: list[str] = field(default_factory=list)  # render cache entries it used
    cache_made: dict[str, bytes] = field(default_factory=dict)  # and those of them it made


@dataclass
class Translated:
    """What a worker made of an edition: the document in the job's locale, and per task either what holds it
    back (an Outcome) or the note to say when it is built (None: nothing to say)."""

    document: Document | None = None
    translation: object = None  # build.TranslationState (None: the source language)
    decisions: dict[Task, Outcome | str | None] = field(default_factory=dict)
    messages: list[Message] = field(default_factory=list)  # about the edition, before its tasks'
    report: tuple[str, bytes | None] | None = None  # the untranslated-units report: file name, bytes (None: none)
    facts: dict[str, object] = field(default_factory=dict)  # what the index shows of the edition (index.py)
    check: Report | None = None  # `booklet check` of the edition, its body type not yet measured (no PDF yet)
    labels: object = None  # its labels (catalogs.LoadedCatalog, None: English), those failing the QA check blanked
    error: str | None = None  # the edition could not be made (a broken catalog): every task failed


@dataclass(frozen=True)
class RenderJob:
    """One task of a translated edition: a worker renders it to bytes."""

    edition: Job
    task: Task
    document: Document  # translated
    translation: object
    note: str | None  # said when it is built (gate.allow-incomplete)
    labels: object  # the edition's label catalog as its translation judged it (Translated.labels)


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def run_build(project, request: BuildRequest, say: Callable[[Message], None],
              progress: Callable[[Summary], None] | None = None) -> Summary:
    """Build what `request` asks for; `say` is told every message as it happens, `progress` the summary each
    time tasks are done (`summary.total` is known before the first)."""
    from pipeline.config import load_clinic
    from pipeline.index import write_index

    clinic = load_clinic(request.clinic_file) if request.clinic_file else None  # a bad one stops the build first
    state = State(request.out)
    summary = Summary(progress=progress)
    say = _recorded(say, summary.messages)
    try:
        _run_jobs(_plan(project, request, clinic, state, summary, say), request, state, summary, say)
    finally:  # once, and whatever stops the build: what was written is known to the next one
        if not request.dry_run:
            state.save()
    if not request.dry_run:
        write_index(request.out, state, project.layouts)
    refused = [task.messages[0] for task in summary.tasks if task.status == "refused"]  # said last, together
    for message in refused:
        say(message)
    for task in summary.tasks:
        if task.status == "refused":
            task.status = "skipped"
    if refused:
        summary.errors.append(f"{len(refused)} handout(s) not built: they would print untranslated text (listed "
                              "above; --allow-incomplete builds proofs)")
    return summary


def _plan(project, request: BuildRequest, clinic: Clinic | None, state: State, summary: Summary,
          say) -> Iterator[tuple[Job, dict[Task, dict[str, str]]]]:
    """The jobs to run, document by document, as they are needed: a document is loaded only when the runner
    asks for its jobs, so that what the build holds at once is bounded by the workers, not the documents.  Up
    to date tasks and what a dry run would build go straight into `summary`."""
    from pipeline.build import with_source_language
    from pipeline.i18n.termbase import load_termbase
    from pipeline.quality import check_options, leftover_warnings

    settings = project.settings
    checking = check_options(settings, project.layouts, datetime.datetime.now(datetime.timezone.utc).date())
    options = {"paper": request.paper, "allow_incomplete": request.allow_incomplete}
    fingerprints = Fingerprints(project, options, request.clinic_file)
    replayed: set[str] = set()  # what up-to-date tasks were held back for, said once
    termbases: dict[str, Termbase | None] = {}  # by locale, read when a job in it is first needed
    sources = [project.resolve(doc_id) for doc_id in request.doc_ids]  # reads each meta.toml, nothing more
    languages = [source.meta.lang if source.meta else "en" for source in sources]  # as sources.load reads a file
    matrix = [request.locales or with_source_language(settings.locales, lang) for lang in languages]
    summary.total = sum(len(tasks_for(source.id, locales, request.formats, request.layouts))
                        for source, locales in zip(sources, matrix))
    for doc_id, source, source_lang, locales in zip(request.doc_ids, sources, languages, matrix):
        if note := _licence_note(source, request.strict):
            if not request.strict:  # strict: said with the errors, at the end
                say(note)
            else:
                summary.errors.append(str(note))
                summary.add(*(TaskReport(task.key, "failed", "", messages=[note])
                              for task in tasks_for(source.id, locales, request.formats, request.layouts)))
                continue
        stale: dict[Task, dict[str, str]] = {}
        for task in tasks_for(source.id, locales, request.formats, request.layouts):
            inputs = fingerprints.of(task, source.path.parent, source_lang)
            reasons = ["--force"] if request.force else state.stale(task, inputs)
            if not reasons:
                record = state.records[task.key]
                held = Message(record.code or "build.skipped", record.message) if record.message else None
                summary.add(TaskReport(task.key, "up to date", _one(inputs), messages=[held] if held else []))
                if held and held.text not in replayed:
                    replayed.add(held.text)
                    say(Message(held.code, f"{held.text} (unchanged since the last build)"))
                continue
            if request.explain or request.dry_run:
                say(Message("build.plan", f"{'would build' if request.dry_run else 'building'} {task.key}: "
                                          f"{'; '.join(reasons)}"))
            stale[task] = inputs
        if not stale:
            continue
        if request.dry_run:
            summary.add(*(TaskReport(task.key, "would build", _one(inputs)) for task, inputs in stale.items()))
            continue
        loaded = _load(project, doc_id, say)
        document, source_file = loaded.document, str(loaded.path or loaded.document.meta.source_file)
        epoch = os.environ.get("SOURCE_DATE_EPOCH") or None
        if epoch is None and not document.meta.last_updated:  # an EPUB is dated; the source says no date
            epoch = source_epoch(project.resolve(doc_id).path)
        for locale in dict.fromkeys(task.locale for task in stale):
            if locale not in termbases:
                termbases[locale] = load_termbase(project.translations_dir, locale)
            tasks = [task for task in stale if task.locale == locale]
            hints = {task: hint for task in tasks if (hint := state.fit_hint(task)) is not None}
            # --force starts over: the render cache too
            cached = {} if request.force else {name: data for task in tasks for name, data in state.cached(task).items()}
            files, origins = _job_files(project, document, locale, clinic)
            yield (Job(settings, files, origins, epoch, request.out, document, locale, tasks, request.paper,
                       clinic, request.allow_incomplete, hints, fingerprints.cache_salt, cached,
                       termbases[locale], checking, source_file, leftover_warnings(loaded.changes, source_file)),
                   {task: stale[task] for task in tasks})


def _job_files(project, document: Document, locale: str,
               clinic: Clinic | None) -> tuple[dict[str, bytes], dict[str, str]]:
    """The project files an edition's worker reads, by the names it finds them under, and where each top folder
    of those names is in the project: the document's catalog and the label catalogs of the locale and of the
    source's language, the project's own layouts, the clinic's logo."""
    from pipeline.i18n.catalogs import UI, catalog_path

    translations, files = project.translations_dir, {}
    for path in (catalog_path(translations, locale, document.id), catalog_path(translations, locale, UI),
                 catalog_path(translations, document.lang, UI)):
        if path.is_file():
            files[f"translations/{path.relative_to(translations).as_posix()}"] = path.read_bytes()
    own_layouts = project.layouts.roots[0] if len(project.layouts.roots) > 1 else None
    if own_layouts is not None:
        files.update((f"layouts/{p.relative_to(own_layouts).as_posix()}", p.read_bytes())
                     for p in sorted(own_layouts.rglob("*")) if p.is_file())
    origins = {"translations": str(translations), "layouts": str(own_layouts or project.root / "layouts")}
    if clinic is not None and clinic.logo:
        logo = Path(clinic.logo)
        files[f"clinic/{logo.name}"] = logo.read_bytes()
        origins["clinic"] = str(logo.parent)
    return files, origins


def _licence_note(source, strict: bool) -> Message | None:
    """Whether the editor must still settle the right to publish a source: its meta.toml names no open licence
    (Meta.printed_licence).  Said at every build, never printed on a handout."""
    licence = source.meta.licence if source.meta else None
    if Meta(licence=licence).printed_licence:
        return None
    stated = f"its licence is not an open one ({licence})" if licence else "meta.toml states no licence"
    return Message("source.licence", f"{source.id}: {stated}: confirm you may publish it before you do; this note "
                   "is never printed", "error" if strict else "warning",
                   str(source.meta_path) if source.meta_path else None)


def _recorded(say: Callable[[Message], None], messages: list[Message]) -> Callable[[Message], None]:
    def recorded(message: Message) -> None:
        messages.append(message)
        say(message)
    return recorded


def _one(inputs: dict[str, str]) -> str:
    return digest("\n".join(f"{k}={v}" for k, v in sorted(inputs.items())).encode("utf-8"))


def source_epoch(path: Path) -> str | None:
    """When the source file was last committed (seconds since 1970, as SOURCE_DATE_EPOCH), where it is in a
    git work tree with no uncommitted change; None otherwise (or without git)."""
    def git(*args: str) -> str | None:
        try:
            done = subprocess.run(["git", *args, "--", path.name], cwd=path.parent, capture_output=True, text=True,
                                  timeout=30)
        except (OSError, subprocess.TimeoutExpired):
            return None
        return done.stdout.strip() if done.returncode == 0 else None

    epoch = git("log", "-1", "--format=%ct")
    if not epoch or not epoch.isdigit() or git("status", "--porcelain") != "":
        return None
    return epoch


def _load(project, doc_id: str, say):
    """The document (sources.Loaded), its normaliser's warnings said."""
    from pipeline.render import check_document

    loaded = project.load(doc_id)
    for change in loaded.changes:
        if change.warning:
            say(Message(f"normalise.{change.rule}", f"{change.rule}: {change.message}", "warning",
                        str(loaded.path or loaded.document.meta.source_file), change.line))
    check_document(loaded.document)
    return loaded


JOBS_PER_WORKER = 40


class _Pools:
    """A process pool that is replaced by a new one after about JOBS_PER_WORKER jobs a worker: WeasyPrint keeps
    a little memory per document (about 0.3 MB), which over hundreds of documents would grow without bound.
    Not the pool's own `max_tasks_per_child`: in Python 3.11 to 3.13 a pool that replaces a worker that way can
    stop starting workers and wait forever (CPython gh-115634).  A pool that is replaced still runs the jobs
    it was given; all are waited for at the end (or cancelled, if the build stops)."""

    def __init__(self, workers: int, jobs_per_worker: int = JOBS_PER_WORKER):
        self.workers, self.limit = workers, workers * jobs_per_worker
        self.pools: list[ProcessPoolExecutor] = []
        self.given = 0  # jobs given to the newest pool

    def submit(self, fn, *args):
        if not self.pools or self.given >= self.limit:
            if self.pools:
                self.pools[-1].shutdown(wait=False)
            self.pools.append(ProcessPoolExecutor(max_workers=self.workers, initializer=_start_worker,
                                                  initargs=(tempfile.gettempdir(), os.getpid())))
            self.given = 0
        self.given += 1
        return self.pools[-1].submit(fn, *args)

    def __enter__(self):
        return self

    def __exit__(self, kind, *_):
        for pool in self.pools:
            pool.shutdown(wait=True, cancel_futures=kind is not None)


def _start_worker(folder: str, parent: int) -> None:
    """A new worker's temporary files go into the build's own temporary folder (fsio.build_tempdir), which the
    next build removes if this one is killed: workers are started afresh (spawned), not forked with it.  And a
    worker ends when the build does, however it ends: killed, the build cannot tell its workers, and an idle
    one would wait for work forever (each holds the work queue open itself), keeping the build's output
    streams open too."""
    tempfile.tempdir = folder
    threading.Thread(target=_exit_with, args=(parent,), daemon=True, name="exit-with-build").start()


def _exit_with(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)


@dataclass
class _Edition:
    """An edition on its way through the build: translated by one worker, then each task rendered by any."""

    job: Job
    inputs: dict[Task, dict[str, str]]
    translating: object  # the future of its translation
    translated: Translated | None = None
    rendering: dict[Task, object] = field(default_factory=dict)  # futures of its renders, by task


class _Executor:
    """Where workers run: this process (one job at a time, in order), a process pool, or a Dask cluster; the
    same two calls for each."""

    def __init__(self, submit: Callable, wait_any: Callable):
        self.submit, self.wait_any = submit, wait_any


class _Done:
    """A result at hand, with a future's face, for the executor in this process."""

    def __init__(self, fn, *args):
        self.value = fn(*args)

    def done(self) -> bool:
        return True

    def result(self):
        return self.value

    def cancel(self) -> None:
        pass


def _run_jobs(planned: Iterator[tuple[Job, dict]], request: BuildRequest, state: State, summary: Summary,
              say) -> None:
    """Translate each planned edition on a worker, then render its tasks on any worker (each task a job, so two
    workers share an edition's work), and take in the results in the order the editions were planned.  At most
    twice as many editions as workers are out at once: the rest are not even planned yet (their documents not
    loaded)."""
    first = list(itertools.islice(planned, 2))
    if not first:
        return  # nothing to build (every task up to date, or a dry run): no workers to start
    planned = itertools.chain(first, planned)
    with contextlib.ExitStack() as stack:
        if request.scheduler:
            client = stack.enter_context(_dask_client(request.scheduler, request.jobs))
            from distributed import wait

            executor = _Executor(lambda fn, job: client.submit(fn, job, pure=False),
                                 lambda futures: wait(futures, return_when="FIRST_COMPLETED"))
        elif request.jobs <= 1 or len(first) < 2 and len(first[0][0].tasks) < 2:
            executor = _Executor(_Done, lambda futures: None)
        else:
            pools = stack.enter_context(_Pools(request.jobs))
            executor = _Executor(pools.submit, lambda futures: concurrent.futures.wait(
                futures, return_when=concurrent.futures.FIRST_COMPLETED))
        editions: collections.deque[_Edition] = collections.deque()
        try:
            for job, inputs in planned:
                editions.append(_Edition(job, inputs, executor.submit(translate_edition, job)))
                _advance(editions, executor, 2 * request.jobs, state, request, summary, say)
            _advance(editions, executor, 0, state, request, summary, say)
        except BaseException:
            for edition in editions:
                for future in [edition.translating, *edition.rendering.values()]:
                    future.cancel()
            raise


def _advance(editions: collections.deque, executor: _Executor, keep: int, state: State, request: BuildRequest,
             summary: Summary, say) -> None:
    """Start the renders of every edition whose translation is done, and take in the editions at the head of
    the queue that are finished, until at most `keep` are out."""
    while editions:
        for edition in editions:
            if edition.translated is None and edition.translating.done():
                edition.translated = edition.translating.result()
                for task in _longest_first(edition.translated, state):
                    edition.rendering[task] = executor.submit(render_task, RenderJob(
                        edition.job, task, edition.translated.document, edition.translated.translation,
                        edition.translated.decisions[task], edition.translated.labels))
        head = editions[0]
        if head.translated is not None and all(f.done() for f in head.rendering.values()):
            editions.popleft()
            _take(head.job, head.translated, {task: f.result() for task, f in head.rendering.items()},
                  head.inputs, request.out, state, summary, say)
            continue
        if len(editions) <= keep:
            return
        executor.wait_any([f for e in editions for f in ([e.translating] if e.translated is None else
                                                             [f for f in e.rendering.values() if not f.done()])])


def _longest_first(translated: Translated, state: State) -> list[Task]:
    """The tasks to render, those that took longest last time first, so that no worker is left with a long one
    at the end of a build (the planned order where nothing is known)."""
    tasks = [task for task, decision in translated.decisions.items() if not isinstance(decision, Outcome)]
    return sorted(tasks, key=lambda task: -state.seconds(task))


@contextlib.contextmanager
def _dask_client(scheduler: str, jobs: int):
    """A Dask client: of the cluster whose scheduler is at `scheduler` ("tcp://host:8786"), or of a cluster of
    `jobs` worker processes started here for this build ("local").  Every worker must run the same software as
    this build (booklet, WeasyPrint, pandoc, …): other versions would write other bytes."""
    import logging

    from distributed import Client, LocalCluster

    from pipeline.planner import software_fingerprint

    with contextlib.ExitStack() as stack:
        if scheduler == "local":
            cluster = stack.enter_context(LocalCluster(n_workers=jobs, threads_per_worker=1, processes=True,
                                                       dashboard_address=None, silence_logs=logging.ERROR))
            client = stack.enter_context(Client(cluster))
        else:
            try:
                client = stack.enter_context(Client(scheduler, timeout=30))
            except OSError as exc:
                raise BookletError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None
        ours = software_fingerprint()
        if others := sorted(w for w, theirs in client.run(software_fingerprint).items() if theirs != ours):
            raise BookletError(f"Dask workers {', '.join(others)} run other software than this build (another "
                               "booklet, WeasyPrint, pandoc or library version); install the same on every worker")
        yield client


def _take(job: Job, translated: Translated, rendered: dict[Task, Outcome], inputs: dict[Task, dict[str, str]],
          out: Path, state: State, summary: Summary, say) -> None:
    """Write what the workers made of an edition, say what happened, and keep it in the state file."""
    from pipeline.index import output_facts
    from pipeline.quality import measured_pdf, with_body_type

    folder = out / job.locale
    for message in translated.messages:
        say(message)
    if translated.error is not None:
        if translated.error not in summary.errors:
            summary.errors.append(translated.error)
        for task in job.tasks:
            state.forget(task)
            summary.add(TaskReport(task.key, "failed", _one(inputs[task]),
                                   messages=[Message("catalog.broken", translated.error, "error")]))
        return
    report: dict[Path, bytes] = {}  # the untranslated-units report, an output of every task of the edition
    if translated.report:
        name, data = translated.report
        if data is None:
            (folder / name).unlink(missing_ok=True)
        else:
            write_atomic(folder / name, data)
            report[folder / name] = data
    for task in job.tasks:
        decision = translated.decisions[task]
        outcome = decision if isinstance(decision, Outcome) else rendered[task]
        for name in outcome.withheld:
            if (folder / name).is_file():
                (folder / name).unlink()
                outcome.messages.append(Message("build.removed", f"removed {folder / name} (held back by its "
                                                                 "publish gate)"))
        written = {folder / name: data for name, data in outcome.files.items()}
        for path, data in written.items():
            write_atomic(path, data)
        messages = outcome.messages + [Message("build.wrote", f"wrote {path}") for path in reversed(written)]
        # a refusal is said at the end, a failure as one of the build's errors
        held = {"refused": outcome.messages[:1], "failed": outcome.messages[-1:]}.get(outcome.status, [])
        for message in messages:
            if message not in held:
                say(message)
        if outcome.status == "failed":
            summary.errors += [str(message) for message in held]
        if outcome.status == "built":
            state.keep(outcome.cache_made)
            facts = {**translated.facts, **output_facts(task.fmt, written.get(out / task.key, b""))}
            if isinstance(decision, str):  # built below its publish gate (--allow-incomplete): a proof
                facts["proof"] = decision
            state.record(task, inputs[task], written | report, body_pt=outcome.body_pt, cache=outcome.cache_used,
                         seconds=outcome.seconds, facts=facts)
        elif outcome.status == "skipped":
            state.record(task, inputs[task], {}, outcome.messages[0].text, code=outcome.messages[0].code)
        else:  # refused or failed: checked again next time, so that the build fails every time
            state.forget(task)
        summary.add(TaskReport(task.key, outcome.status, _one(inputs[task]), outcome.seconds, messages))
    if translated.check is not None and any(rendered[task].status == "built" for task in rendered):
        printed = dict.fromkeys([*(task.layout for task in job.tasks if task.fmt == "pdf"), *job.settings.layouts])
        summary.checks.append(with_body_type(translated.check, measured_pdf(out, translated.document, list(printed))))


@contextlib.contextmanager
def _laid_out(job: Job):
    """The job's project files laid out in a folder of its own (its root)."""
    with tempfile.TemporaryDirectory(prefix="booklet-job-") as scratch:
        root = Path(scratch) / "project"
        for name, data in job.files.items():
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            (root / name).write_bytes(data)
        yield root


def _restored(job: Job, root: Path, text: str | None) -> str | None:
    """`text` naming the project's files and the output folder again where it names the job's copies of them
    (a worker writes its outputs in `_scratch(root)`)."""
    for copy, origin in [*((root / key, origin) for key, origin in job.origins.items()), (_scratch(root), job.out)]:
        text = text.replace(str(copy), str(origin)) if text else text
    return text


def _scratch(root: Path) -> Path:
    """Where a worker writes the outputs of a job laid out at `root`."""
    return root.parent / "out"


def _restored_messages(job: Job, root: Path, messages: list[Message]) -> list[Message]:
    return [replace(m, text=_restored(job, root, m.text), file=_restored(job, root, m.file)) for m in messages]


def translate_edition(job: Job) -> Translated:
    """A worker: the edition of `job.document` in `job.locale` (translated once for all its tasks), and for each
    task whether it is built, from the publish gates and the layouts' roles."""
    with _laid_out(job) as root:
        result = _translate_edition(job, root)
        result.messages = _restored_messages(job, root, result.messages)
        result.error = _restored(job, root, result.error)
        for decision in result.decisions.values():
            if isinstance(decision, Outcome):
                decision.messages = _restored_messages(job, root, decision.messages)
    return result


def render_task(job: RenderJob) -> Outcome:
    """A worker: one task of a translated edition, rendered to the bytes of its files (an imposed print file
    comes with its tagged pages in reading order)."""
    with _laid_out(job.edition) as root:
        outcome = _render_task(job, root, _scratch(root))
        outcome.messages = _restored_messages(job.edition, root, outcome.messages)
    return outcome


def _translate_edition(job: Job, root: Path) -> Translated:
    from pipeline.build import Skipped, edition, targets
    from pipeline.i18n.catalogs import labels_in_english
    from pipeline.index import edition_facts
    from pipeline.locales import babel_locale
    from pipeline.quality import check
    from pipeline.render import output_path, unimposed_path
    from pipeline.render.layouts import LayoutSet

    settings, doc, result = job.settings, job.document, Translated()
    try:
        ed = edition(doc, job.locale, root / "translations", job.termbase)
    except BookletError as exc:  # a broken catalog fails this locale's tasks; the others still build
        result.messages.append(Message("catalog.broken", f"{doc.id} ({job.locale}): not built: {exc}", "error"))
        result.error = str(exc)
        return result
    if ed is None:
        message = Message("translation.none", f"{doc.id}: no translation into {job.locale} yet; skipped")
        result.decisions = {task: Outcome(task, "skipped", messages=[message]) for task in job.tasks}
        return result
    result.document, result.translation, result.labels = ed.document, ed.translation, ed.ui_catalog
    result.check = check(ed.document, job.locale, job.check, job.source_file,
                         job.leftovers if ed.translation is None else [])
    result.facts = edition_facts(ed, result.check)
    result.report = _fallback_report(ed, job.out / job.locale, result.messages)
    if ed.qa_warnings:
        found = collections.Counter(p.code for problems in ed.qa_warnings.values() for p in problems)
        result.messages.append(Message(
            "translation.qa", f"{doc.id} ({job.locale}): {len(ed.qa_warnings)} printed translations have QA warnings "
            f"({', '.join(f'{code} ×{n}' for code, n in sorted(found.items()))}); `booklet i18n check` lists them",
            "warning"))
    for withheld in ed.ui_catalog.withheld if ed.ui_catalog else []:
        instead = "as booklet ships it" if ed.labels.gettext(withheld.msgid) != withheld.msgid else "in English"
        result.messages.append(Message(
            "labels.qa", f"{doc.id} ({job.locale}): label {withheld.msgid!r} shown {instead}: this translation of "
            f"it fails the QA check ({'; '.join(f'{p.code}: {p.message}' for p in withheld.problems)})", "warning",
            str(withheld.path), withheld.line))
    if labels_in_english(ed.labels, ed.locale):
        result.messages.append(Message(
            "labels.english", f"{doc.id} ({job.locale}): labels in English: nobody has translated them into "
            f"{babel_locale(job.locale).english_name} yet (`booklet i18n init {job.locale}` starts that catalog)",
            "warning"))
    layouts = LayoutSet.for_project(root)
    for task in job.tasks:
        item = next(targets(ed, [task.layout], [task.fmt], job.allow_incomplete, layouts, settings.gates))
        if not isinstance(item, Skipped):
            result.decisions[task] = item.note
            continue
        severity = "error" if item.refused else "warning" if item.code == "gate.held-back" else "info"
        outcome = Outcome(task, "refused" if item.refused else "skipped",
                          messages=[Message(item.code, item.message, severity)])
        if item.withheld:  # what an earlier build wrote must not stay out as if it passed
            withheld = output_path(".", ed.document, item.withheld.fmt, item.withheld.layout)
            outcome.withheld = [withheld.name, unimposed_path(withheld, job.paper).name]
        result.decisions[task] = outcome
    return result


def _render_task(job: RenderJob, root: Path, scratch: Path) -> Outcome:
    from pipeline.build import edition
    from pipeline.i18n.catalogs import ui_translations
    from pipeline.render import WRITERS, output_path
    from pipeline.render.cache import RenderCache
    from pipeline.render.layouts import LayoutSet

    ed_job, task, started = job.edition, job.task, time.perf_counter()
    settings, translations = ed_job.settings, root / "translations"
    clinic = ed_job.clinic
    if clinic is not None and clinic.logo:
        clinic = clinic.model_copy(update={"logo": str(root / "clinic" / Path(clinic.logo).name)})
    source = edition(ed_job.document, ed_job.document.lang, translations)  # beside the translation, bilingual
    guide_url = (f"{settings.web_base.rstrip('/')}/{ed_job.locale}/{ed_job.document.id}.guide.pdf"
                 if settings.web_base else None)
    outcome = Outcome(task, "built", messages=[Message("gate.allow-incomplete", job.note, "warning")]
                      if job.note else [])
    target = output_path(scratch, job.document, task.fmt, task.layout)
    cache = RenderCache(ed_job.cache_salt, ed_job.cached)
    try:
        written = WRITERS[task.fmt](job.document, target, task.layout,
                                    labels=ui_translations(job.labels),
                                    paper=ed_job.paper, clinic=clinic, guide_url=guide_url,
                                    publisher=settings.publisher, translation=job.translation, source_edition=source,
                                    layouts=LayoutSet.for_project(root), fit_hint=ed_job.fit_hints.get(task),
                                    cache=cache, source_date_epoch=ed_job.source_date_epoch)
    except BookletError as exc:  # this output fails; the others of the build go on
        outcome.status, outcome.seconds = "failed", time.perf_counter() - started
        outcome.messages.append(_failure(exc, job, translations))
        return outcome
    outcome.body_pt, outcome.cache_used, outcome.cache_made = written.body_pt, cache.used, cache.made
    outcome.messages += [Message("render.warning", w, "warning", str(ed_job.out / ed_job.locale / target.name))
                         for w in written.warnings]
    # the output, and beside an imposed print file its tagged pages in reading order
    outcome.files = {path.name: path.read_bytes() for path in [target] + sorted(
        p for p in target.parent.iterdir() if p != target)}
    outcome.seconds = time.perf_counter() - started
    return outcome


def _failure(exc: BookletError, job: RenderJob, translations: Path) -> Message:
    """The error of a failed render; for a layout that overflows its pages, about the unit that overflows, at
    its line in the catalog that translates it (in the source language: in the source file), which is where a
    translator shortens it."""
    from pipeline.i18n.catalogs import catalog_path
    from pipeline.render.fit import PageOverflow

    message = Message("render.failed", str(exc), "error")
    if not (isinstance(exc, PageOverflow) and exc.overflowing):
        return message
    doc, locale = job.edition.document, job.edition.locale
    place = (_catalog_place(exc.overflowing.text, catalog_path(translations, locale, doc.id))
             if job.translation is not None else _source_place(exc.overflowing.text, doc))
    if place is None:
        return message
    return Message("render.overflow", f"{doc.id} ({locale}): {exc.message}", "error", str(place[0]), place[1])


def _catalog_place(shown: str, catalog: Path) -> tuple[Path, int] | None:
    """The msgstr line of the catalog entry whose translation is the longest text within `shown` (a unit as
    printed: a list item may add its term, a paragraph its citation markers)."""
    from pipeline.i18n import po

    if not catalog.is_file():
        return None
    shown = " ".join(shown.split())
    found = [(len(text), line) for line, _, translation in po.parse(catalog).translations()
             if (text := " ".join(translation.split())) in shown]
    return (catalog, max(found)[1]) if found else None


def _source_place(shown: str, doc: Document) -> tuple[Path, int] | None:
    """The source line of the unit whose text is the longest within `shown`."""
    from pipeline.i18n.units import units

    shown = " ".join(shown.split())
    found = [(len(unit.text), unit.line) for unit in units(doc)
             if unit.line and " ".join(unit.text.split()) in shown]
    return (Path(doc.meta.source_file), max(found)[1]) if found and doc.meta.source_file else None


def _fallback_report(ed, folder: Path, messages: list[Message]) -> tuple[str, bytes | None] | None:
    """The build report of a translated edition: every unit shown in the source language, as the bytes of a
    file beside its outputs (None: there are none, and an old report goes), and a line about it."""
    if ed.translation is None:
        return None
    name = f"{ed.document.id}.untranslated.txt"
    lines = [f"{u.id}\t{u.path}\t{u.text}\t{ed.reason(u)}" for u in ed.fallbacks]
    if not lines:
        return name, None
    fuzzy = sum(u.id in ed.fuzzy for u in ed.fallbacks)  # a rejected translation is one that is not fuzzy
    kinds = [f"{len(lines) - fuzzy - len(ed.rejected)} untranslated", f"{fuzzy} fuzzy"] + (
        [f"{len(ed.rejected)} because their translation failed the QA check"] if ed.rejected else [])
    messages.append(Message("translation.fallbacks", f"{ed.document.id} ({ed.locale}): {len(lines)} units shown in "
                            f"the source language ({', '.join(kinds)}); listed in {folder / name}", "warning"))
    return name, ("\n".join(lines) + "\n").encode("utf-8")
