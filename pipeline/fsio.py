"""Atomic file output: a reader never sees a half-written PDF, EPUB or catalog."""
from __future__ import annotations

import fcntl
import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def atomic_path(target: str | Path):
    """Yield a temporary path beside `target`; on success it replaces `target`, on error it is removed."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_atomic(target: str | Path, data: bytes | str) -> None:
    with atomic_path(target) as tmp:
        if isinstance(data, str):
            tmp.write_text(data, encoding="utf-8")
        else:
            tmp.write_bytes(data)


# --- one build at a time per output folder; what a killed build left behind -------------------------------

LOCK_NAME = ".booklet.lock"
RUN_PREFIX = "booklet-run-"  # a build's own temporary folder in $TMPDIR (WeasyPrint's and the EPUB's go inside)


def _try_lock(path: Path) -> int | None:
    """An exclusive flock on `path` (created if missing), or None when another process holds it."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return None
    return fd


@contextmanager
def output_lock(out: Path, say=lambda line: None):
    """Hold a lock on the folder `out` itself for the whole build (no lock file is left among the outputs): a
    second build into the same folder says "waiting for another build in <out>" once and waits for the first
    to finish.  A folder made here and still empty at the end (the build failed before writing) is removed."""
    made = not out.exists()
    out.mkdir(parents=True, exist_ok=True)
    fd = os.open(out, os.O_RDONLY | os.O_DIRECTORY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            say(f"booklet: waiting for another build in {out}")
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        if made and not any(out.iterdir()):
            out.rmdir()
        os.close(fd)  # closing releases the lock


def remove_stale_parts(out: Path, before: float) -> list[Path]:
    """Remove the `.<name>.*.part` files a killed build left in `out` (and its locale folders).  Call it while
    holding output_lock: then no running build owns them; `before` (the build's start) spares our own."""
    removed = []
    for part in out.rglob(".*.part"):
        try:
            if part.is_file() and part.stat().st_mtime < before:
                part.unlink()
                removed.append(part)
        except FileNotFoundError:
            pass
    return removed


def remove_stale_tempdirs(before: float, base: Path | None = None) -> list[Path]:
    """Remove the temporary folders of killed builds in $TMPDIR: `booklet-run-*` folders older than `before`
    whose lock no running build holds.  Nothing else: a temporary folder without our lock may belong to a
    process that is still running (booklet used as a library, another program)."""
    base = Path(base or tempfile.gettempdir())
    removed = []
    for folder in base.glob(f"{RUN_PREFIX}*"):
        if not folder.is_dir() or folder.is_symlink() or folder.stat().st_mtime >= before:
            continue
        if not (folder / LOCK_NAME).is_file():
            continue  # being made right now, or not ours
        fd = _try_lock(folder / LOCK_NAME)
        if fd is None:
            continue  # a running build holds it
        try:
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
        finally:
            os.close(fd)
    return removed


@contextmanager
def build_tempdir():
    """A temporary folder of this build, locked while it runs, that every temporary file of the build goes into
    (Python's tempfile, so WeasyPrint's `weasyprint-*` font folders and the EPUB's work folder too).  Removed
    at the end; after a SIGKILL the next build's remove_stale_tempdirs finds its lock free and removes it."""
    folder = Path(tempfile.mkdtemp(prefix=RUN_PREFIX))
    fd = os.open(folder / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
    fcntl.flock(fd, fcntl.LOCK_EX)
    previous = tempfile.tempdir
    tempfile.tempdir = str(folder)
    try:
        yield folder
    finally:
        tempfile.tempdir = previous
        shutil.rmtree(folder, ignore_errors=True)
        os.close(fd)
