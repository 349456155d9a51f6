"""Pictures the print layouts get from our own code, never from a fetched URL: the QR code to the full guide
(vector SVG drawn by segno) and the clinic's logo (read once, checked, and handed to WeasyPrint as a data: URI
that the AssetFetcher serves only because it is on the list it was given)."""
from __future__ import annotations

import base64
from pathlib import Path

import segno
from markupsafe import Markup, escape

from pipeline.errors import BookletError

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
QUIET_ZONE = 4  # modules of white around the code, as the QR standard asks


def qr_code(url: str) -> segno.QRCode:
    """A full-size QR code (never a Micro QR, which phone cameras do not read), error correction M (15 %):
    enough for a printed, possibly creased sheet."""
    return segno.make_qr(url, error="m")


def qr_svg(url: str, label: str) -> Markup:
    """`url` as an inline SVG QR code; `label` (plain text or a translated Markup string) becomes its <title>,
    which WeasyPrint writes as the figure's alt text in the tagged PDF and browsers use as its accessible name."""
    svg = qr_code(url).svg_inline(border=QUIET_ZONE, omitsize=True, title=escape(label).unescape(),
                                  svgclass="qr-code", lineclass=None)
    return Markup(svg)  # segno escapes the title and writes only numbers into the path


def image_data_uri(path: str | Path) -> str:
    """A PNG or SVG file as a data: URI, after checking that its bytes are what its name says."""
    path = Path(path)
    data = path.read_bytes()
    suffix = path.suffix.lower()
    if suffix == ".png" and data.startswith(PNG_SIGNATURE):
        mime = "image/png"
    elif suffix == ".svg" and b"<svg" in data[:4096]:
        mime = "image/svg+xml"
    else:
        raise BookletError("not a PNG or SVG image", path)
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"
