"""The build plan: which outputs a build makes, what each one is made from, and which are already up to date.

A task is one output (a document in a locale, in a format and layout).  Its inputs are fingerprinted by content
(SHA-256, never modification times): the document's folder, its catalog in that locale, the label catalogs of
that locale and of the source's language (a bilingual sheet prints both), every layout file, the project's
settings and the build's options, the clinic file, the installed software (booklet's own code and every
installed distribution's version) and SOURCE_DATE_EPOCH.  The state file in the output folder records, per
task, those fingerprints and the SHA-256 of what it wrote; a task whose inputs and outputs are unchanged is up
to date and not rebuilt, so a second build writes nothing (Sphinx's environment pickle does the same job).

The layouts are one input for every task: a change to any template, style sheet or font rebuilds everything,
because templates include each other across layouts and the EPUB's cover is drawn from the guide's.  Not
layouts/index/: the output folder's index page, made anew by every build, is no handout's input.
"""
from __future__ import annotations

import hashlib
import importlib.metadata
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.errors import BookletError
from pipeline.fsio import write_atomic
from pipeline.index import LAYOUT_FOLDER as INDEX_LAYOUT_FOLDER
from pipeline.resources import PACKAGE_DIR

STATE_NAME = ".booklet-state.json"
CACHE_NAME = ".booklet-cache"  # beside it: what renderers may use again (render.cache), a file per entry
STATE_VERSION = 2  # 2: records keep the index's facts; an older booklet starts over, not fails, on it


@dataclass(frozen=True)
class Task:
    """One output of a build."""

    doc_id: str
    locale: str
    fmt: str  # "pdf" or "epub"
    layout: str  # a layout name; "epub" for the EPUB

    @property
    def key(self) -> str:
        """The task's output file, relative to the output folder (render.output_path's names)."""
        if self.fmt == "epub":
            return f"{self.locale}/{self.doc_id}.epub"
        return f"{self.locale}/{self.doc_id}.{self.layout}.{self.fmt}"


@dataclass
class Record:
    """What the state file knows of a task: its inputs' fingerprints, the files it wrote and their hashes, and,
    for a task a publish gate or a missing role held back, the message that said so."""

    inputs: dict[str, str]
    outputs: dict[str, str] = field(default_factory=dict)  # path relative to the output folder -> SHA-256
    message: str | None = None
    code: str | None = None  # the message's code (messages.Message)
    body_pt: float | None = None  # the body size a fit rule chose: where the next build's search starts
    cache: list[str] = field(default_factory=list)  # the render cache's entries it used
    seconds: float = 0.0  # how long it took to render: the longest go first next time
    facts: dict[str, object] = field(default_factory=dict)  # what the output folder's index shows of it (index.py)


def tasks_for(doc_id: str, locales: list[str], formats: list[str], layouts: list[str]) -> list[Task]:
    return [Task(doc_id, locale, fmt, layout) for locale in locales for fmt in formats
            for layout in (layouts if fmt == "pdf" else ["epub"])]


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _files_digest(paths) -> str:
    """One fingerprint for a set of files: their names (relative to where they were found) and contents."""
    hasher = hashlib.sha256()
    for name, path in sorted(paths):
        hasher.update(name.encode("utf-8") + b"\0" + path.read_bytes() + b"\0")
    return hasher.hexdigest()


def _tree(root: Path) -> list[tuple[str, Path]]:
    return [(p.relative_to(root).as_posix(), p) for p in root.rglob("*") if p.is_file()] if root.is_dir() else []


def software_fingerprint() -> str:
    """booklet's own code and the version of every installed distribution (WeasyPrint, pandoc, Babel and what
    they use): upgrading any of them may change the bytes of an output."""
    versions = sorted(f"{d.metadata['Name']}=={d.version}" for d in importlib.metadata.distributions())
    code = [(p.relative_to(PACKAGE_DIR).as_posix(), p) for p in PACKAGE_DIR.rglob("*.py")]
    return digest(("\n".join(versions) + _files_digest(code)).encode("utf-8"))


class Fingerprints:
    """The inputs of a build's tasks, each read and hashed once per build."""

    def __init__(self, project, options: dict[str, object], clinic_file: Path | None):
        self.project = project
        self._shared = {
            "settings": digest(project.settings.model_dump_json().encode("utf-8")),
            "options": digest(json.dumps(options, sort_keys=True).encode("utf-8")),
            "clinic": _files_digest([("clinic", clinic_file)]) if clinic_file else "-",
            "layouts": _files_digest([(self._name(path), path) for root in project.layouts.roots
                                      for name, path in _tree(root)
                                      if not name.startswith(f"{INDEX_LAYOUT_FOLDER}/")]),
            "software": software_fingerprint(),
            "SOURCE_DATE_EPOCH": os.environ.get("SOURCE_DATE_EPOCH", "-"),
        }
        self._cache: dict[tuple, str] = {}

    @property
    def cache_salt(self) -> str:
        """What every render cache entry depends on without naming it (render.cache)."""
        return digest(f"{self._shared['software']}\n{self._shared['layouts']}".encode("utf-8"))

    def of(self, task: Task, source_folder: Path, source_lang: str) -> dict[str, str]:
        """Every input of `task`, by name (the names `--explain` reports)."""
        from pipeline.i18n.catalogs import UI, catalog_path
        from pipeline.i18n.termbase import glossary_path
        from pipeline.resources import BUILTIN_TRANSLATIONS

        translations = self.project.translations_dir
        inputs = {self._name(source_folder): self._cached(("tree", source_folder),
                                                          lambda: _files_digest(_tree(source_folder)))}
        po = catalog_path(translations, task.locale, task.doc_id)
        inputs[self._name(po)] = self._file(po)
        glossary = glossary_path(translations, task.locale)  # a forbidden rendering is not printed
        inputs[self._name(glossary)] = self._file(glossary)
        for lang in dict.fromkeys([task.locale, source_lang]):
            for ui in (catalog_path(translations, lang, UI), catalog_path(BUILTIN_TRANSLATIONS, lang, UI)):
                inputs[self._name(ui)] = self._file(ui)
        return {**inputs, **self._shared}

    def _name(self, path: Path) -> str:
        """How `--explain` names a file: relative to the project, or to booklet's package for a shipped one."""
        for root, prefix in ((self.project.root, ""), (PACKAGE_DIR, "booklet:")):
            if path.is_relative_to(root):
                return prefix + path.relative_to(root).as_posix()
        return str(path)

    def _file(self, path: Path) -> str:
        return self._cached(("file", path), lambda: digest(path.read_bytes()) if path.is_file() else "-")

    def _cached(self, key: tuple, compute) -> str:
        if key not in self._cache:
            self._cache[key] = compute()
        return self._cache[key]


class State:
    """The state file of an output folder: a record per task built into it."""

    def __init__(self, out: Path):
        self.path = out / STATE_NAME
        self.cache_dir = out / CACHE_NAME
        self.out = out
        self.records: dict[str, Record] = {}
        self.changed = False  # a record was added or dropped since the file was read
        if self.path.is_file():
            try:
                data = json.loads(self.path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                data = {}  # unreadable: everything is rebuilt, and the file written anew
            if data.get("version") == STATE_VERSION:
                self.records = {key: Record(**value) for key, value in data.get("tasks", {}).items()}

    def stale(self, task: Task, inputs: dict[str, str]) -> list[str]:
        """Why `task` must be built (empty: it is up to date): inputs that changed, outputs missing or changed."""
        record = self.records.get(task.key)
        if record is None:
            return ["never built into this folder"]
        reasons = [f"{name} changed" for name in inputs if record.inputs.get(name) != inputs[name]]
        reasons += [f"{name} no longer an input" for name in record.inputs if name not in inputs]
        for name, sha in record.outputs.items():
            path = self.out / name
            if not path.is_file():
                reasons.append(f"{name} is missing")
            elif digest(path.read_bytes()) != sha:
                reasons.append(f"{name} was changed since it was built")
        return reasons

    def record(self, task: Task, inputs: dict[str, str], outputs: dict[Path, bytes], message: str | None = None,
               code: str | None = None, body_pt: float | None = None, cache: list[str] | None = None,
               seconds: float = 0.0, facts: dict[str, object] | None = None) -> None:
        """What `task` was built from and what it wrote (each file with the bytes written to it), the render
        cache entries it used, and what the index shows of it."""
        self.records[task.key] = Record(inputs, {path.relative_to(self.out).as_posix(): digest(data)
                                                 for path, data in outputs.items()}, message, code, body_pt,
                                        list(cache or []), round(seconds, 2), dict(facts or {}))
        self.changed = True

    def cached(self, task: Task) -> dict[str, bytes]:
        """The render cache entries `task` used when it was last built, those still there."""
        record = self.records.get(task.key)
        entries = {}
        for name in record.cache if record else []:
            path = self.cache_dir / name
            if path.is_file():
                entries[name] = path.read_bytes()
        return entries

    def keep(self, made: dict[str, bytes]) -> None:
        """Render cache entries a build made, for the next one."""
        for name, data in made.items():
            write_atomic(self.cache_dir / name, data)

    def fit_hint(self, task: Task) -> float | None:
        """The body size the task's fit rule chose last time, even if its inputs changed since."""
        record = self.records.get(task.key)
        return record.body_pt if record else None

    def seconds(self, task: Task) -> float:
        record = self.records.get(task.key)
        return record.seconds if record else 0.0

    def forget(self, task: Task) -> None:
        self.changed |= self.records.pop(task.key, None) is not None

    def save(self) -> None:
        """Write the state file, if anything changed, and drop the cache entries no task uses any more."""
        if not self.changed:
            return
        used = {name for record in self.records.values() for name in record.cache}
        if self.cache_dir.is_dir():
            for path in self.cache_dir.iterdir():
                if path.name not in used:
                    path.unlink()
        data = {"version": STATE_VERSION, "tasks": {key: vars(record) for key, record in sorted(self.records.items())}}
        try:
            write_atomic(self.path, json.dumps(data, indent=1, sort_keys=True) + "\n")
            self.changed = False
        except OSError as exc:
            raise BookletError(f"cannot write the build state: {exc}", self.path) from None
