"""The fit rule of a layout with a page budget (the one-page sheet): lay it out at the manifest's body size and
step the type down until it fits, never below the Clear Print floor; if nothing fits, say what overflows."""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

from weasyprint.formatting_structure import boxes

from pipeline.errors import BookletError
from pipeline.render.layouts import Manifest

if TYPE_CHECKING:
    from pipeline.render.pdf import Rendering

FIRST_WORDS = 12  # of the unit that lands past the budget, quoted in the error
# The elements that hold one unit a translator translates (a paragraph, a list item, a cell, a heading):
# the error quotes the whole unit, not the word or bullet that happens to come first on the next page.
UNIT_TAGS = frozenset({"p", "li", "td", "th", "dt", "dd", "caption", "figcaption", "h1", "h2", "h3", "h4", "h5",
                       "h6"})


@dataclass(frozen=True)
class Overflowing:
    """What runs past a layout's page budget: the whole text of the first unit (or picture) there, and the
    heading of its section."""

    text: str
    section: str | None


class PageOverflow(BookletError):
    """Even the smallest body size overflows; `overflowing` says with what, so that the build can name the unit
    and its catalog line."""

    def __init__(self, message: str, where: str, overflowing: Overflowing | None):
        super().__init__(message, where)
        self.overflowing = overflowing


def body_sizes(manifest: Manifest) -> list[float]:
    """body_pt, body_pt - step, …, down to min_body_pt (always tried last, even when the step overshoots it)."""
    sizes, size = [], manifest.body_pt
    while size > manifest.min_body_pt:
        sizes.append(size)
        size = round(size - manifest.fit.step_pt, 3)
    return sizes + [manifest.min_body_pt]


def fit_to_pages(render_at: Callable[[float], Rendering], manifest: Manifest, where: str, what: str,
                 hint: float | None = None) -> tuple[Rendering, float]:
    """The rendering at the largest body size (body_sizes, from body_pt down to the floor) that fits
    `manifest.fit.pages`, and that size; `where` (the document) and `what` (layout and paper) name it in the
    error raised when even the floor size overflows.  Smaller type never takes more pages, so the sizes are
    searched by halves: from `hint` (the size that fitted last time) when given, which usually settles it in
    two layouts (the hint fits, the next size up does not), else from the largest, which usually fits."""
    budget, sizes = manifest.fit.pages, body_sizes(manifest)
    laid_out: dict[int, Rendering] = {}

    def fits(index: int) -> bool:
        if index not in laid_out:
            laid_out[index] = render_at(sizes[index])
        return len(laid_out[index].document.pages) <= budget

    start = sizes.index(hint) if hint in sizes else 0
    # the answer (the first index that fits; len(sizes): none does) lies in [low, high], and `high` fits
    if not fits(start):
        low, high = start + 1, len(sizes)
    elif start == 0 or not fits(start - 1):
        low = high = start
    else:
        low, high = 0, start - 1
    while low < high:
        middle = (low + high) // 2
        if fits(middle):
            high = middle
        else:
            low = middle + 1
    if high == len(sizes):
        rendering = laid_out[len(sizes) - 1]
        pages = len(rendering.document.pages)
        found = overflowing(rendering, budget)
        raise PageOverflow(
            f"{what} does not fit on {budget} page{'s' if budget > 1 else ''} even at {sizes[-1]:g} pt, the smallest "
            f"body size allowed (tried {manifest.body_pt:g} down to {sizes[-1]:g} pt): {described(found)} "
            f"runs onto page {budget + 1} of {pages}", where, found)
    return laid_out[high], sizes[high]


def overflowing(rendering: Rendering, budget: int) -> Overflowing | None:
    """The first unit or picture past the page budget, with the heading of its section: what to shorten."""
    page_box = rendering.document.pages[budget]._page_box  # WeasyPrint offers no public box tree
    found = _first_content(page_box, None, None)
    if found is None:
        return None
    text, section = found
    return Overflowing(" ".join(text.split()), _heading_text(section) if section is not None else None)


def described(found: Overflowing | None) -> str:
    """`found` in a few words for a message: its section and the first words of its text."""
    if found is None:
        return "nothing but borders and spacing"
    words = found.text.split()
    quote = " ".join(words[:FIRST_WORDS]) + (" …" if len(words) > FIRST_WORDS else "")
    return f'section "{found.section}" (from "{quote}")' if found.section else f'"{quote}"'


def _first_content(box, section, unit):
    """(text, enclosing <section> element) of the first non-blank text or picture (named by its alt text or
    SVG title) in `box`, depth first, skipping the page margins (running footer) and generated content (a
    list's bullet): for text, the whole text of the unit element (UNIT_TAGS) around it."""
    if isinstance(box, boxes.MarginBox) or "::" in (getattr(box, "element_tag", None) or ""):
        return None
    if getattr(box, "element_tag", None) == "section":
        section = box.element
    if getattr(box, "element_tag", None) in UNIT_TAGS and unit is None:
        unit = box.element
    if isinstance(box, boxes.TextBox) and box.text.strip():
        return ("".join(unit.itertext()) if unit is not None else box.text), section
    if isinstance(box, boxes.ReplacedBox):
        titles = (e.text for e in box.element.iter() if isinstance(e.tag, str) and e.tag.endswith("title"))
        return box.element.get("alt") or next(titles, None) or "a picture", section
    for child in getattr(box, "children", ()):
        if found := _first_content(child, section, unit):
            return found
    return None


def _heading_text(section) -> str | None:
    """The section's own heading: the first one inside it (it may sit in a wrapper, as the sheet's does)."""
    heading = next((e for e in section.iter() if e.tag in ("h1", "h2", "h3", "h4", "h5", "h6")), None)
    return " ".join("".join(heading.itertext()).split()) if heading is not None else None
