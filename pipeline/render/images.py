"""Pictures the print layouts get from our own code, never from a fetched URL: the QR code to the full guide
(vector SVG drawn by segno) and the clinic's logo (read once, checked, and handed to WeasyPrint as a data: URI
that the AssetFetcher serves only because it is on the list it was given)."""
from __future__ import annotations

import base64
import re
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


MAX_LOGO_BYTES = 5 * 1024 * 1024  # 5 MB
MAX_LOGO_PIXELS = 4000  # width and height, each


def check_image(path: Path, data: bytes) -> str:
    """The MIME type of a logo after checking it: at most MAX_LOGO_BYTES and MAX_LOGO_PIXELS a side; a PNG is
    decoded by Pillow (with its decompression-bomb guard), an SVG is parsed without entities, DTDs or network
    and may refer to nothing outside itself.  ValueError says why a file is refused."""
    if len(data) > MAX_LOGO_BYTES:
        raise ValueError(f"{len(data)} bytes; a logo may have at most {MAX_LOGO_BYTES} bytes (5 MB)")
    suffix = path.suffix.lower()
    if suffix == ".png":
        if not data.startswith(PNG_SIGNATURE):
            raise ValueError("not a PNG image (its first bytes are not the PNG signature)")
        _check_png(data)
        return "image/png"
    if suffix == ".svg":
        _check_svg(data)
        return "image/svg+xml"
    raise ValueError("not a .png or .svg file")


def _check_png(data: bytes) -> None:
    import io
    import warnings

    from PIL import Image

    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data), formats=["PNG"]) as image:
                width, height = image.size
                if width > MAX_LOGO_PIXELS or height > MAX_LOGO_PIXELS:
                    raise ValueError(f"{width}×{height} pixels; a logo may have at most "
                                     f"{MAX_LOGO_PIXELS}×{MAX_LOGO_PIXELS}")
                image.load()  # decode it all: a truncated or corrupt file fails here, not in WeasyPrint
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise ValueError(f"too many pixels to decode safely ({exc})") from None
        except (OSError, SyntaxError) as exc:
            raise ValueError(f"not a readable PNG image ({exc})") from None


_SVG_NS = "http://www.w3.org/2000/svg"
_XLINK = "{http://www.w3.org/1999/xlink}href"
_EXTERNAL_URL = re.compile(r"url\(\s*(?![\"']?#)", re.I)


def _check_svg(data: bytes) -> None:
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                             remove_comments=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise ValueError(f"not a well-formed SVG file ({exc})") from None
    tree = root.getroottree()
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise ValueError("an SVG logo may not have a DOCTYPE (entities are not allowed)")
    if root.tag != f"{{{_SVG_NS}}}svg":
        raise ValueError("not an SVG image (its root element is not <svg> in the SVG namespace)")
    for name in ("width", "height"):
        value = re.fullmatch(r"\s*([0-9.]+)\s*(px)?\s*", root.get(name) or "")
        if value and float(value[1]) > MAX_LOGO_PIXELS:
            raise ValueError(f"{name} {root.get(name)}; a logo may be at most {MAX_LOGO_PIXELS} pixels a side")
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue  # processing instructions
        if etree.QName(element).localname in ("script", "foreignObject"):
            raise ValueError(f"an SVG logo may not contain <{etree.QName(element).localname}>")
        for attr, value in element.attrib.items():
            if attr in ("href", _XLINK) and not (value.startswith("#") or value.startswith("data:")):
                raise ValueError(f"refers to {value!r}; an SVG logo may refer to nothing outside itself")
            if _EXTERNAL_URL.search(value):
                raise ValueError(f"refers to {value!r} in {attr}; an SVG logo may refer to nothing outside itself")
        if etree.QName(element).localname == "style" and element.text and (
                _EXTERNAL_URL.search(element.text) or "@import" in element.text):
            raise ValueError("its <style> refers to another file; an SVG logo may refer to nothing outside itself")


def image_data_uri(path: str | Path) -> str:
    """A PNG or SVG file as a data: URI, after checking it (check_image)."""
    path = Path(path)
    data = path.read_bytes()
    try:
        mime = check_image(path, data)
    except ValueError as exc:
        raise BookletError(f"logo refused: {exc}", path) from None
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"
