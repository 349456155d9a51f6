"""booklet.toml and other TOML inputs -> validated settings, with one-line errors naming file and line."""
from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from pipeline.errors import BookletError, ConfigError
from pipeline.textcheck import check_text
from pipeline.locales import babel_locale
from pipeline.model import ROLES

CONFIG_NAME = "booklet.toml"

Model = TypeVar("Model", bound=BaseModel)


class Strict(BaseModel):
    """Unknown keys are errors: a typo must not silently fall back to a default."""

    model_config = ConfigDict(extra="forbid", frozen=True)


_TAG = re.compile(r"^[A-Za-z]{2,8}(?:[-_][A-Za-z0-9]{1,8})*$")


def check_language_tag(tag: str) -> str:
    """A BCP 47 tag that Babel knows (en, en-GB, ar, pt-BR), or the pseudo-locale; it names output and
    catalog folders, so nothing but letters, digits and hyphens gets through."""
    if not _TAG.match(tag):
        raise ValueError(f"{tag!r} is not a language tag (BCP 47, such as en, en-GB, ar)")
    try:
        babel_locale(tag)
    except ValueError:
        raise ValueError(f"{tag!r} is not a language tag Babel knows (BCP 47, such as en, en-GB, ar)") from None
    return tag


def check_https(url: str | None) -> str | None:
    if url is not None and not url.startswith("https://"):
        raise ValueError("must be an https:// address")
    return url


class Clinic(Strict):
    """A clinic's details for its handouts (`--clinic FILE`): data, never translated."""

    name: str
    phone: str
    emergency_phone: str | None = None  # the local emergency number, e.g. 999, 112, 911
    address: str | None = None
    hours: str | None = None
    website: str | None = None
    logo: str | None = None  # PNG or SVG, relative to the clinic file

    _check_website = field_validator("website")(lambda cls, v: check_https(v))


class Publisher(Strict):
    """Who publishes the EPUB editions, and the ISBN of each edition where one was assigned."""

    name: str | None = None
    isbn: dict[str, str] = {}  # "<doc-id>/<locale>" -> ISBN-13

    @field_validator("isbn")
    @classmethod
    def _valid_isbns(cls, isbns: dict[str, str]) -> dict[str, str]:
        from stdnum import isbn

        for edition, number in isbns.items():
            if "/" not in edition:
                raise ValueError(f"{edition!r}: keys are <doc-id>/<locale>")
            if not isbn.is_valid(number) or isbn.isbn_type(number) != "ISBN13":
                raise ValueError(f"{edition!r}: {number!r} is not a valid ISBN-13")
        return {edition: isbn.compact(number) for edition, number in isbns.items()}


SAFETY_ROLES = ("see-doctor", "medicines", "do", "avoid")


class Gate(Strict):
    """When a translated edition of a layout is published: `complete`, only when everything it prints is
    translated (a one-page sheet); otherwise when every unit of the `critical_roles` sections and (with
    `doses`) every unit that states a dose is translated, and at least `min_words` percent of the document's
    words.  A translation that fails a critical QA check counts as untranslated.  Overridable per layout in
    booklet.toml (`[gates.<layout>]`; `[gates.epub]` for the EPUB)."""

    complete: bool = False
    critical_roles: list[str] = list(SAFETY_ROLES)
    doses: bool = True
    min_words: float = Field(default=80.0, ge=0, le=100)  # percent, as po4a's default threshold

    @field_validator("critical_roles")
    @classmethod
    def _known_roles(cls, roles: list[str]) -> list[str]:
        if unknown := [role for role in roles if role not in ROLES]:
            raise ValueError(f"unknown role {unknown[0]!r} (roles: {', '.join(ROLES)})")
        return roles

    def overridden(self, override: Gate | None) -> Gate:
        return self.model_copy(update=override.model_dump(exclude_unset=True)) if override else self


class CheckSettings(Strict):
    """`booklet check`: how old a source's last update may be before its content is reported as stale."""

    max_age_months: int = Field(default=24, ge=1)


class Settings(Strict):
    documents: list[str] | Literal["all"] = "all"
    locales: list[str] = ["en"]
    layouts: list[str] = ["guide"]  # checked against the project's layouts by project.Project
    formats: list[Literal["pdf", "epub"]] = ["pdf", "epub"]
    paper: Literal["a4", "letter"] = "a4"
    sources: str = "sources"
    translations: str = "translations"
    output: str = "output"
    clinic: str | None = None  # clinic file used when `build` gets no --clinic
    web_base: str | None = None  # https address where built files are published (QR codes point there)
    publisher: Publisher = Publisher()
    check: CheckSettings = CheckSettings()
    gates: dict[str, Gate] = {}  # layout name (or "epub") -> its publish gate, over the manifest's
    disclaimer: str = (
        "This leaflet gives general information only. It is not a substitute for advice from your own doctor "
        "or care team. Always ask a qualified health professional about your own situation."
    )

    _check_locales = field_validator("locales")(lambda cls, v: [check_language_tag(t) for t in v])
    _check_web_base = field_validator("web_base")(lambda cls, v: check_https(v))


def load_toml(path: Path, model: type[Model], locate=None) -> Model:
    """Read and validate a TOML file; any problem becomes a BookletError naming the file and line (found by
    `locate(text, key path)`, by default line_of)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BookletError("file not found", path) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise BookletError(f"cannot read: {exc}", path) from None
    check_text(text.removeprefix("\ufeff"), path)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = re.search(r"line (\d+)", str(exc))
        raise ConfigError(f"invalid TOML: {exc}", path, int(line[1]) if line else None) from None
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        error = exc.errors()[0]  # a configuration error: exit status 2
        loc = [str(part) for part in error["loc"]]
        key = ".".join(loc)
        message = "unknown key" if error["type"] == "extra_forbidden" else error["msg"].removeprefix("Value error, ")
        more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
        raise ConfigError(f"{key}: {message}{more}", path, (locate or line_of)(text, loc)) from None


def line_of(text: str, loc: list[str]) -> int | None:
    """The line where the innermost named key is set, found by its `key =` or `[table]` spelling."""
    for name in reversed(loc):
        if name.isdigit():
            continue
        key = rf'(?:"{re.escape(name)}"|{re.escape(name)})'
        # `name =`, [name], [a.name]; [ \t] rather than \s, which would start the match on a blank line before
        pattern = re.compile(rf'^[ \t]*{key}[ \t]*=|^[ \t]*\[(?:[^\]\n]*\.)?{key}\]', re.M)
        if m := pattern.search(text):
            return text.count("\n", 0, m.start()) + 1
    return None


_TABLE_HEADER = re.compile(r"[ \t]*\[\[?[ \t]*([^\[\]\n]+?)[ \t]*\]\]?[ \t]*(?:#.*)?")


def table_key_lines(text: str, table: str) -> dict[str, int]:
    """The line of each `key = value` entry of [table], by the key as TOML reads it (bare, quoted or with
    escapes): line_of finds a key by its spelling, which a whole sentence used as a key rarely keeps."""
    lines: dict[str, int] = {}
    current = None
    for n, line in enumerate(text.splitlines(), start=1):
        if header := _TABLE_HEADER.fullmatch(line):
            current = header[1]
        elif current == table:
            try:
                entry = tomllib.loads(line)
            except tomllib.TOMLDecodeError:
                continue  # a comment, a blank line, or a value spread over several lines
            lines.update(dict.fromkeys(entry, n))
    return lines


def load_clinic(path: Path) -> Clinic:
    """A clinic file; its logo must be a PNG or SVG file inside the clinic file's folder (no absolute path, no
    `..`, no link leading out), within the size limits of render.images.check_image; its path becomes absolute."""
    from pipeline.render.images import check_image

    clinic = load_toml(path, Clinic)
    if clinic.logo is None:
        return clinic
    folder = path.parent.resolve()
    given = Path(clinic.logo)
    logo = folder / given

    def refuse(reason: str):
        return ConfigError(f"logo: {clinic.logo!r}: {reason}", path, line_of(path.read_text(encoding="utf-8"), ["logo"]))

    if given.is_absolute() or ".." in given.parts:
        raise refuse(f"must be a file name inside the clinic file's folder {folder}")
    if not logo.resolve().is_relative_to(folder):
        raise refuse(f"is a link to {logo.resolve()}, outside the clinic file's folder {folder}")
    if logo.suffix.lower() not in (".png", ".svg"):
        raise refuse("must be a .png or .svg file")
    if not logo.is_file():
        raise refuse("does not exist or is not a regular file")
    try:
        check_image(logo, logo.read_bytes())
    except ValueError as exc:
        raise refuse(str(exc)) from None
    return clinic.model_copy(update={"logo": str(logo.resolve())})


def find_config(start: Path | None = None) -> Path | None:
    """booklet.toml in `start` (default: the working directory) or the nearest parent."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / CONFIG_NAME).is_file():
            return folder / CONFIG_NAME
    return None


def load_settings(path: Path | None) -> tuple[Settings, Path]:
    """Settings and the project folder they are relative to."""
    if path is None:
        return Settings(), Path.cwd()
    return load_toml(path, Settings), path.resolve().parent
