"""A project folder: the one holding `booklet.toml`, with its sources, translations, output and, optionally,
layouts of its own.  booklet is installed once; each clinic or publisher keeps its own project folder.
"""
from __future__ import annotations

from functools import cached_property
from pathlib import Path

from pipeline.config import CONFIG_NAME, find_config, line_of, load_settings
from pipeline.errors import BookletError, ConfigError
from pipeline.fsio import write_atomic
from pipeline.render.layouts import LayoutSet
from pipeline.resources import PROJECT_TEMPLATE


class Project:
    """Settings and folders of one project.  Given a folder (`--project`), its booklet.toml (which may be
    missing: every key has a default); given a file (`--config`), that file; given neither, the nearest
    booklet.toml from the working folder upward, else the working folder with the defaults."""

    def __init__(self, folder: Path | None = None, config: Path | None = None):
        if folder is not None:
            if not folder.is_dir():
                raise ConfigError("no such project folder", folder)
            config = folder / CONFIG_NAME if (folder / CONFIG_NAME).is_file() else None
            self.config_path = config
            self.settings, self.root = load_settings(config)
            if config is None:
                self.root = folder.resolve()
        else:
            self.config_path = config or find_config()
            self.settings, self.root = load_settings(self.config_path)
        self._check_layouts()

    @cached_property
    def layouts(self) -> LayoutSet:
        """The project's own `layouts/` folder before the built-in layouts."""
        return LayoutSet.for_project(self.root)

    @property
    def sources_dir(self) -> Path:
        return self.root / self.settings.sources

    @property
    def translations_dir(self) -> Path:
        return self.root / self.settings.translations

    @property
    def output_dir(self) -> Path:
        """`output` of booklet.toml: a folder inside the project (an absolute path, `..` or a link out is
        refused, so a project file cannot make a build write elsewhere; `build --out` may point anywhere)."""
        out = self.root / self.settings.output
        if Path(self.settings.output).is_absolute() or not out.resolve().is_relative_to(self.root.resolve()):
            text = self.config_path.read_text(encoding="utf-8") if self.config_path else ""
            raise ConfigError(f"output: {self.settings.output!r} is outside the project folder {self.root} "
                              "(use `build --out` to write elsewhere)", self.config_path,
                              line_of(text, ["output"]) if text else None)
        return out

    def resolve(self, spec: str):
        from pipeline.sources import resolve

        return resolve(spec, self.sources_dir)

    def load(self, spec: str):
        """A document as every handout shows it: with the project's disclaimer where the source has none
        (so the disclaimer is a unit translators see, like the rest)."""
        from pipeline.sources import load

        loaded = load(self.resolve(spec))
        if loaded.document.meta.disclaimer is None:
            loaded.document.meta.disclaimer = self.settings.disclaimer
        return loaded

    def _check_layouts(self) -> None:
        """`layouts` names layouts this project has (its own or built-in), checked here rather than with the
        other keys because which layouts exist depends on the project folder."""
        known = self.layouts.names()
        for name in self.settings.gates:
            if name not in known and name != "epub":
                text = self.config_path.read_text(encoding="utf-8") if self.config_path else ""
                raise ConfigError(f"gates.{name}: no such layout (layouts: {', '.join(known)}, and epub)",
                                  self.config_path, line_of(text, ["gates", name]) if text else None)
        for name in self.settings.layouts:
            if name not in known:
                text = self.config_path.read_text(encoding="utf-8") if self.config_path else ""
                raise ConfigError(f"layouts: unknown layout {name!r} (layouts: {', '.join(known)})",
                                   self.config_path, line_of(text, ["layouts"]) if text else None)


def create_project(folder: Path) -> list[Path]:
    """Copy the project template (booklet.toml, an example document, a fictional clinic, READMEs) into
    `folder`, made if missing.  Nothing is overwritten: if any of the files exists, nothing is written."""
    files = sorted(p for p in PROJECT_TEMPLATE.rglob("*") if p.is_file())
    targets = [(source, folder / source.relative_to(PROJECT_TEMPLATE)) for source in files]
    if existing := [target for _, target in targets if target.exists() or target.is_symlink()]:
        raise BookletError(f"would overwrite {existing[0]}; `booklet init` starts a project only in a folder "
                           "that has none of its files", folder)
    for source, target in targets:
        write_atomic(target, source.read_bytes())
    return [target for _, target in targets]
