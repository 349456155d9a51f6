"""Print layouts are data: `layouts/<name>/manifest.toml` says what a layout needs and how it is set.

Layouts are looked up on a search path (a LayoutSet): the project's own `layouts/` folder first, then the
built-in ones, file by file, as Sphinx does with `templates_path`.  So a project adds a layout by giving it a
folder of its own, and overrides a built-in one, or just one of its files (a template, a stylesheet), by
giving a file the same path; everything it does not give comes from the built-in layout.

A manifest names the template, the paper sizes the layout supports, the section roles it needs (a document
without them is skipped, not failed), its body type size and floor, and an optional fit rule (the one-page
sheet) or imposition (the folded booklet); a bilingual layout sets the source-language document beside its
translation.  Layout-specific numbers (how many symptoms a sheet shows) live
under `[options]` and reach the template as `options`.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, model_validator

from pipeline.config import Gate, Strict, load_toml
from pipeline.errors import BookletError
from pipeline.model import Document
from pipeline.resources import BUILTIN_LAYOUTS

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
    glossary: bool = False  # prints "Words to know", and links the first use of each term in the text to it
    gate: Gate = Gate()  # when a translated edition is published
    options: dict[str, Any] = {}

    @model_validator(mode="after")
    def _floor_below_size(self):
        if self.min_body_pt > self.body_pt:
            raise ValueError(f"min_body_pt {self.min_body_pt} is above body_pt {self.body_pt}")
        return self


@dataclass(frozen=True)
class LayoutSet:
    """The folders layouts are looked up in, first match wins: a project's `layouts/` before the built-in."""

    roots: tuple[Path, ...]

    @classmethod
    def for_project(cls, project_dir: Path) -> LayoutSet:
        own, builtin = (project_dir / "layouts").resolve(), BUILTIN_LAYOUTS.resolve()
        return cls((own, builtin) if own.is_dir() and own != builtin else (builtin,))

    def find(self, relative: str | Path) -> Path | None:
        """The file at `relative` (to a layouts folder) in the first folder that has it; never a file outside
        that folder, whatever `..` or a link in the path says."""
        for root in self.roots:
            path = (root / relative).resolve()
            if path.is_relative_to(root) and path.is_file():
                return path
        return None

    def names(self) -> list[str]:
        """Every layout a project can ask for: the folders with a manifest."""
        return sorted({p.parent.name for root in self.roots for p in root.glob(f"*/{MANIFEST}")})

    def manifest(self, name: str) -> Manifest:
        return _manifest(self, name)

    def unknown(self, name: str) -> BookletError:
        return BookletError(f"unknown layout {name!r} (layouts: {', '.join(self.names())})", self.roots[0])


BUILTIN = LayoutSet((BUILTIN_LAYOUTS.resolve(),))


@cache
def _manifest(layouts: LayoutSet, name: str) -> Manifest:
    path = layouts.find(f"{name}/{MANIFEST}") if name and "/" not in name and name not in (".", "..") else None
    if path is None:
        raise layouts.unknown(name)
    return load_toml(path, Manifest)


def load_manifest(name: str, layouts: LayoutSet = BUILTIN) -> Manifest:
    return layouts.manifest(name)


def available_layouts(layouts: LayoutSet = BUILTIN) -> list[str]:
    return layouts.names()


def missing_roles(doc: Document, manifest: Manifest) -> list[str]:
    present = {s.role for s in doc.walk_sections() if s.role}
    return [role for role in manifest.requires_roles if role not in present]
