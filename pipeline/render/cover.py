"""The EPUB cover image: the guide's cover layout rendered by WeasyPrint and rasterised to PNG by PDFium.

Both steps are deterministic for the same input (no dates, no random ids), so the EPUB stays byte-identical,
and the image is a function of the cover's HTML alone (with the layouts and the software, which the render
cache's salt names): `cover_png` makes it at most once for that HTML, and imports WeasyPrint only then.
"""
from __future__ import annotations

import io
from gettext import NullTranslations

from pipeline.config import Clinic
from pipeline.model import Document
from pipeline.render import text_direction
from pipeline.render.cache import RenderCache
from pipeline.render.html import TextScope, environment, language_name, long_date
from pipeline.render.layouts import BUILTIN, LayoutSet

COVER_TEMPLATE = "epub/cover.html.j2"
COVER_HEIGHT_PX = 1600  # stores ask for 1600 px or more on the long side


def cover_html(doc: Document, labels: NullTranslations, clinic: Clinic | None = None, translation=None,
               layouts: LayoutSet = BUILTIN) -> str:
    scope = TextScope(labels, text_direction(doc.lang))
    return environment(layouts, scope).get_template(COVER_TEMPLATE).render(
        doc=doc, paper="a4", dir=scope.direction, body_pt=14, options={}, clinic=clinic, guide_url=None,
        translation=translation)


def cover_png(doc: Document, labels: NullTranslations, clinic: Clinic | None = None, translation=None,
              layouts: LayoutSet = BUILTIN, cache: RenderCache | None = None) -> bytes:
    html = cover_html(doc, labels, clinic, translation, layouts)
    if cache is None:
        return _rasterised(html, layouts)
    return cache.get("cover", (html.encode("utf-8"),), lambda: _rasterised(html, layouts))


def _rasterised(html: str, layouts: LayoutSet) -> bytes:
    import pypdfium2
    import weasyprint

    from pipeline.render.html import base_url
    from pipeline.render.pdf import AssetFetcher

    rendering = weasyprint.HTML(string=html, base_url=base_url(layouts), url_fetcher=AssetFetcher(layouts)).render()
    first = rendering.copy(rendering.pages[:1]).write_pdf()
    page = pypdfium2.PdfDocument(first)[0]
    image = page.render(scale=COVER_HEIGHT_PX / page.get_height()).to_pil().convert("RGB")
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def cover_alt(doc: Document, labels: NullTranslations) -> str:
    """What a screen reader says for the cover: the words the cover shows (its labels from `labels`)."""
    updated = (long_date(doc.meta.last_updated, doc.lang) if doc.meta.last_updated
               else labels.gettext("not stated by the source"))
    parts = [doc.title, doc.meta.subtitle, f"{labels.gettext('Language:')} {language_name(doc.lang)}",
             f"{labels.gettext('Last updated:')} {updated}"]
    return ". ".join(part for part in parts if part)
