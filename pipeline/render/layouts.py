"""Print layouts are data: `layouts/<name>/manifest.toml` says what a layout needs and how it is set.

A manifest names the template, the paper sizes the layout supports, the section roles it needs (a document
without them is skipped, not failed), its body type size and floor, and an optional fit rule (the one-page
sheet) or imposition (the folded booklet); a bilingual layout sets the source-language document beside its
translation.  Layout-specific numbers (how many symptoms a sheet shows) live
under `[options]` and reach the template as `options`.
"""
from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, model_validator

from pipeline.config import Strict, load_toml
from pipeline.errors import BookletError
from pipeline.model import Document
from pipeline.render import LAYOUTS_DIR

MANIFEST = "manifest.toml"
PAPERS = ("a4", "letter")
MIN_BODY_PT = 12.0  # Clear Print: never smaller, whatever a layout asks for


class Fit(Strict):
    """Step the body size down from the layout's size to `min_body_pt` until the content fits `pages`."""

    pages: int = Field(ge=1)
    step_pt: float = Field(default=0.5, gt=0)


class Manifest(Strict):
    description: str
    template: str | None = None  # default: <name>.html.j2
    papers: list[Literal["a4", "letter"]] = list(PAPERS)
    requires_roles: list[str] = []
    body_pt: float = Field(default=14.0, ge=MIN_BODY_PT)
    min_body_pt: float = Field(default=MIN_BODY_PT, ge=MIN_BODY_PT)
    fit: Fit | None = None
    impose: Literal["saddle-stitch"] | None = None
    bilingual: bool = False  # the source-language document beside its translation, on one page
    options: dict[str, Any] = {}

    @model_validator(mode="after")
    def _floor_below_size(self):
        if self.min_body_pt > self.body_pt:
            raise ValueError(f"min_body_pt {self.min_body_pt} is above body_pt {self.body_pt}")
        return self


@cache
def load_manifest(name: str) -> Manifest:
    path = LAYOUTS_DIR / name / MANIFEST
    if not path.is_file():
        raise BookletError(f"unknown layout {name!r} (layouts: {', '.join(available_layouts())})", LAYOUTS_DIR)
    return load_toml(path, Manifest)


def available_layouts() -> list[str]:
    """Every folder of layouts/ with a manifest: the print layouts a project can ask for."""
    return sorted(p.parent.name for p in Path(LAYOUTS_DIR).glob(f"*/{MANIFEST}"))


def missing_roles(doc: Document, manifest: Manifest) -> list[str]:
    present = {s.role for s in doc.walk_sections() if s.role}
    return [role for role in manifest.requires_roles if role not in present]
