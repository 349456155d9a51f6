"""PDF: the layout's HTML (render/html.py) through WeasyPrint, as tagged PDF/UA-1.

WeasyPrint fetches whatever a document points at (stylesheets, images, `<link rel=attachment>` files, over
file: and http:) and logs its problems to a logger that prints nothing by default.  So: an allow-list fetcher
that serves only the project's layout and source files and stops the build on anything else, and a log
handler that turns WeasyPrint's ERROR records into a BookletError and hands its warnings back to the caller.
"""
from __future__ import annotations

import logging
import mimetypes
import threading
import urllib.parse
from contextlib import contextmanager
from pathlib import Path

import weasyprint
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from pipeline.config import Clinic
from pipeline.errors import BookletError
from pipeline.fsio import atomic_path
from pipeline.model import Document
from pipeline.render import LAYOUTS_DIR, SOURCES_DIR
from pipeline.render.fonts import check_glyphs
from pipeline.render.html import base_url, render_html

ASSET_ROOTS = (LAYOUTS_DIR, SOURCES_DIR)

# Tagged, with /Lang from <html lang>, the title from <title> and DisplayDocTitle.  Same bytes on every run
# (checked with the HarfBuzz subsetter; WeasyPrint writes no dates unless a dcterms meta gives one).
PDF_OPTIONS = {"pdf_variant": "pdf/ua-1", "presentational_hints": False}


class BlockedURL(ValueError):
    """A URL the renderer may not read."""


class AssetFetcher(URLFetcher):
    """Serve regular files lying under `roots` once `..` and symlinks are resolved; refuse every other URL
    (other local files, http, https, data:).  With fail_on_errors a refused or missing asset stops the render
    (WeasyPrint raises FatalURLFetchingError) instead of leaving a hole in the PDF and a line in a log."""

    def __init__(self, roots=ASSET_ROOTS):
        super().__init__(allowed_protocols={"file"}, allow_redirects=False, fail_on_errors=True)
        self.roots = tuple(Path(root).resolve() for root in roots)

    def local_path(self, url: str) -> Path:
        parts = urllib.parse.urlsplit(url)
        if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
            raise BlockedURL(f"only local layout and source files may be used: {url}")
        path = Path(urllib.parse.unquote(parts.path)).resolve()
        if not any(path.is_relative_to(root) for root in self.roots):
            raise BlockedURL(f"outside {' and '.join(str(r) for r in self.roots)}: {url}")
        if not path.is_file():
            raise FileNotFoundError(f"no such file: {path}")
        return path

    def fetch(self, url, headers=None):
        path = self.local_path(url)
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": mime})


class _Collect(logging.Handler):
    """WARNING and above, from this thread only (another thread may be rendering another document)."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.thread = threading.get_ident()
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        if record.thread == self.thread:
            self.records.append(record)


@contextmanager
def _weasyprint_records():
    logger = logging.getLogger("weasyprint")
    handler = _Collect()
    level = logger.level
    if logger.getEffectiveLevel() > logging.WARNING:  # a quiet root logger must not hide them from us
        logger.setLevel(logging.WARNING)
    logger.addHandler(handler)
    try:
        yield handler.records
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


def html_to_pdf(html: str, target: str | Path, *, roots=ASSET_ROOTS, base: str | None = None,
                source: str | Path | None = None) -> list[str]:
    """Write `html` as a PDF at `target` (atomically); relative URLs resolve against `base` (default: the
    layouts folder).  Returns WeasyPrint's warnings; raises BookletError on a character the layout fonts
    cannot print (naming `source`, default `target`), on a refused or missing asset or on any ERROR
    WeasyPrint logs (e.g. an image without alt text, which PDF/UA requires)."""
    check_glyphs(html, source or target)
    with _weasyprint_records() as records, atomic_path(target) as tmp:
        try:
            weasyprint.HTML(string=html, base_url=base or base_url(), url_fetcher=AssetFetcher(roots)).write_pdf(
                tmp, **PDF_OPTIONS)
        except FatalURLFetchingError as exc:
            raise BookletError(f"{exc}: {exc.__cause__}", target) from exc
        errors = [r.getMessage() for r in records if r.levelno >= logging.ERROR]
        if errors:
            raise BookletError("WeasyPrint: " + "; ".join(errors), target)
    return [f"WeasyPrint: {r.getMessage()}" for r in records]


def write_pdf(doc: Document, target: str | Path, layout: str = "guide", paper: str = "a4", *,
              clinic: Clinic | None = None, guide_url: str | None = None) -> list[str]:
    """Render `doc` with `layouts/<layout>/` on `paper` ("a4" or "letter") to `target`; returns warnings."""
    html = render_html(doc, layout=layout, paper=paper, clinic=clinic, guide_url=guide_url)
    return html_to_pdf(html, target, source=doc.meta.source_file or doc.id)
