"""The fit rule of a layout with a page budget (the one-page sheet): lay it out at the manifest's body size and
step the type down until it fits, never below the Clear Print floor; if nothing fits, say what overflows."""
from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from weasyprint.formatting_structure import boxes

from pipeline.errors import BookletError
from pipeline.render.layouts import Manifest

if TYPE_CHECKING:
    from pipeline.render.pdf import Rendering

FIRST_WORDS = 8  # of the first line that lands past the budget, quoted in the error


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
        raise BookletError(
            f"{what} does not fit on {budget} page{'s' if budget > 1 else ''} even at {sizes[-1]:g} pt, the smallest "
            f"body size allowed (tried {manifest.body_pt:g} down to {sizes[-1]:g} pt): {overflow(rendering, budget)} "
            f"runs onto page {budget + 1} of {pages}", where)
    return laid_out[high], sizes[high]


def overflow(rendering: Rendering, budget: int) -> str:
    """The first text or picture past the page budget, with the heading of its section: what to shorten."""
    page_box = rendering.document.pages[budget]._page_box  # WeasyPrint offers no public box tree
    found = _first_content(page_box, None)
    if found is None:
        return "nothing but borders and spacing"
    text, section = found
    words = text.split()
    quote = " ".join(words[:FIRST_WORDS]) + (" …" if len(words) > FIRST_WORDS else "")
    heading = _heading_text(section) if section is not None else None
    return f'section "{heading}" (from "{quote}")' if heading else f'"{quote}"'


def _first_content(box, section):
    """(text, enclosing <section> element) of the first non-blank text or picture (named by its alt text or
    SVG title) in `box`, depth first, skipping the page margins (running footer)."""
    if isinstance(box, boxes.MarginBox):
        return None
    if getattr(box, "element_tag", None) == "section":
        section = box.element
    if isinstance(box, boxes.TextBox) and box.text.strip():
        return box.text, section
    if isinstance(box, boxes.ReplacedBox):
        titles = (e.text for e in box.element.iter() if isinstance(e.tag, str) and e.tag.endswith("title"))
        return box.element.get("alt") or next(titles, None) or "a picture", section
    for child in getattr(box, "children", ()):
        if found := _first_content(child, section):
            return found
    return None


def _heading_text(section) -> str | None:
    """The section's own heading: the first one inside it (it may sit in a wrapper, as the sheet's does)."""
    heading = next((e for e in section.iter() if e.tag in ("h1", "h2", "h3", "h4", "h5", "h6")), None)
    return " ".join("".join(heading.itertext()).split()) if heading is not None else None
