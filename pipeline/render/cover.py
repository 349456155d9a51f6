"""The EPUB cover image: the guide's cover layout rendered by WeasyPrint and rasterised to PNG by PDFium.

Both steps are deterministic for the same input (no dates, no random ids), so the EPUB stays byte-identical.
"""
from __future__ import annotations

import io

import pypdfium2
import weasyprint

from pipeline.config import Clinic
from pipeline.model import Document
from pipeline.render import _, direction_of, text_direction
from pipeline.render.html import base_url, environment, language_name, long_date
from pipeline.render.layouts import BUILTIN, LayoutSet
from pipeline.render.pdf import AssetFetcher

COVER_TEMPLATE = "epub/cover.html.j2"
COVER_HEIGHT_PX = 1600  # stores ask for 1600 px or more on the long side


def cover_png(doc: Document, clinic: Clinic | None = None, translation=None, layouts: LayoutSet = BUILTIN) -> bytes:
    with direction_of(text_direction(doc.lang)):
        html = environment(layouts).get_template(COVER_TEMPLATE).render(
            doc=doc, paper="a4", dir=text_direction(doc.lang), body_pt=14, options={}, clinic=clinic,
            guide_url=None, translation=translation)
    rendering = weasyprint.HTML(string=html, base_url=base_url(layouts), url_fetcher=AssetFetcher(layouts)).render()
    first = rendering.copy(rendering.pages[:1]).write_pdf()
    page = pypdfium2.PdfDocument(first)[0]
    image = page.render(scale=COVER_HEIGHT_PX / page.get_height()).to_pil().convert("RGB")
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def cover_alt(doc: Document) -> str:
    """What a screen reader says for the cover: the words the cover shows."""
    updated = long_date(doc.meta.last_updated, doc.lang) if doc.meta.last_updated else _("not stated by the source")
    parts = [doc.title, doc.meta.subtitle, f"{_('Language:')} {language_name(doc.lang)}",
             f"{_('Last updated:')} {updated}"]
    return ". ".join(part for part in parts if part)
