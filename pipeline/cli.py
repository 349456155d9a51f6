"""The `booklet` command: thin Click wrappers that parse options, call the stages and report."""
from __future__ import annotations

import difflib
import sys
from collections import Counter
from pathlib import Path

import click
from babel import Locale

from pipeline.config import Settings, find_config, load_clinic, load_settings
from pipeline.errors import BookletError


class Project:
    def __init__(self, config: Path | None):
        self.config_path = config or find_config()
        self.settings, self.root = load_settings(self.config_path)

    @property
    def sources_dir(self) -> Path:
        return self.root / self.settings.sources

    def resolve(self, spec: str):
        from pipeline.sources import resolve

        return resolve(spec, self.sources_dir)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--config", type=click.Path(dir_okay=False, path_type=Path), envvar="BOOKLET_CONFIG",
              help="Project file (default: booklet.toml here or in a parent folder).")
@click.pass_context
def cli(ctx: click.Context, config: Path | None) -> None:
    """Turn medical source articles into patient handouts (PDF) and EPUBs."""
    ctx.obj = Project(config)


@cli.command()
@click.argument("source")
@click.option("--diff", is_flag=True, help="Print a unified diff against the input instead of the clean text.")
@click.pass_obj
def normalise(project: Project, source: str, diff: bool) -> None:
    """Clean up a plain-text SOURCE (document id, its folder, or a file) and report every change."""
    from pipeline.sources import load, read_text

    src = project.resolve(source)
    if src.format != "text":
        raise BookletError(f"normalise reads plain text; this is {src.format}, which `booklet extract` reads directly",
                           src.path)
    loaded = load(src)
    if diff:
        original = read_text(src.path).splitlines(keepends=True)
        click.echo("".join(difflib.unified_diff(original, loaded.clean_text.splitlines(keepends=True),
                                                str(src.path), f"{src.path} (normalised)")), nl=False)
    else:
        click.echo(loaded.clean_text, nl=False)
    for change in loaded.changes:
        click.echo(change.format(src.path), err=True)
    counts = Counter(c.rule for c in loaded.changes)
    summary = ", ".join(f"{n} {rule}" for rule, n in sorted(counts.items())) or "no changes"
    click.echo(f"{src.path}: {summary}", err=True)


@cli.command()
@click.argument("source")
@click.option("--json", "as_json", is_flag=True, help="Print the document model as JSON instead of the outline.")
@click.pass_obj
def extract(project: Project, source: str, as_json: bool) -> None:
    """Print the outline (or the model) of SOURCE: a document id, its folder, or a file."""
    from pipeline.sources import load

    loaded = load(project.resolve(source))
    _report_warnings(loaded)
    click.echo(loaded.document.to_json() if as_json else loaded.document.outline())


@cli.command()
@click.option("--doc", "docs", multiple=True, help="Document id (repeatable; default: from booklet.toml).")
@click.option("--locale", "locales", multiple=True, help="Locale to build (repeatable; default: from booklet.toml).")
@click.option("--format", "formats", multiple=True, type=click.Choice(["pdf", "epub"]), help="Output format (repeatable).")
@click.option("--layout", "layouts", multiple=True, help="PDF layout (repeatable): a folder of layouts/ with a manifest.")
@click.option("--paper", type=click.Choice(["a4", "letter"]), help="Paper size for PDFs (default: from booklet.toml).")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), help="Output folder.")
@click.option("--clinic", "clinic_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Clinic details (TOML) printed on the handouts (default: `clinic` in booklet.toml).")
@click.pass_obj
def build(project: Project, docs, locales, formats, layouts, paper, out_dir, clinic_file) -> None:
    """Build every configured output into the output folder."""
    from pipeline.render import WRITERS, check_document, output_path, unimposed_path
    from pipeline.render.layouts import available_layouts, load_manifest, missing_roles
    from pipeline.sources import discover, load

    settings: Settings = project.settings
    for layout in layouts:
        if layout not in available_layouts():
            raise click.BadParameter(f"unknown layout {layout!r} (layouts: {', '.join(available_layouts())})",
                                     param_hint="--layout")
    clinic_file = clinic_file or (project.root / settings.clinic if settings.clinic else None)
    clinic = load_clinic(clinic_file) if clinic_file else None
    doc_ids = list(docs) or (discover(project.sources_dir) if settings.documents == "all" else settings.documents)
    if not doc_ids:
        raise BookletError("no documents to build (each needs a folder with meta.toml)", project.sources_dir)
    out = out_dir or project.root / settings.output
    for doc_id in doc_ids:
        loaded = load(project.resolve(doc_id))
        _report_warnings(loaded)
        doc = loaded.document
        if doc.meta.disclaimer is None:
            doc.meta.disclaimer = settings.disclaimer
        check_document(doc)
        for locale in locales or settings.locales:
            if not _same_language(locale, doc.lang):
                click.echo(f"{doc_id}: no translation catalog for {locale}; skipped", err=True)
                continue
            guide_url = f"{settings.web_base.rstrip('/')}/{locale}/{doc.id}.guide.pdf" if settings.web_base else None
            for fmt in formats or settings.formats:
                for layout in (layouts or settings.layouts) if fmt == "pdf" else ["epub"]:
                    if fmt == "pdf" and (missing := missing_roles(doc, load_manifest(layout))):
                        click.echo(f"{doc_id}: {layout} needs sections with roles {', '.join(missing)}; skipped",
                                   err=True)
                        continue
                    target = output_path(out, doc, fmt, layout)
                    for warning in WRITERS[fmt](doc, target, layout, paper or settings.paper, clinic=clinic,
                                                guide_url=guide_url, publisher=settings.publisher):
                        click.echo(f"{target}: warning: {warning}", err=True)
                    if fmt == "pdf" and load_manifest(layout).impose:  # its tagged pages, beside the print file
                        click.echo(f"wrote {unimposed_path(target, paper or settings.paper)}", err=True)
                    click.echo(f"wrote {target}", err=True)


def _report_warnings(loaded) -> None:
    for change in loaded.changes:
        if change.warning:
            click.echo(change.format(loaded.document.meta.source_file), err=True)


def _same_language(a: str, b: str) -> bool:
    return Locale.parse(a, sep="-").language == Locale.parse(b, sep="-").language


def main() -> None:
    """Entry point: bad input gives one line naming the file and a non-zero exit, never a traceback."""
    try:
        code = cli.main(prog_name="booklet", standalone_mode=False)
    except BookletError as exc:
        click.echo(f"booklet: error: {exc}", err=True)
        sys.exit(1)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        click.echo("booklet: aborted", err=True)
        sys.exit(130)
    except OSError as exc:
        where = f"{exc.filename}: " if exc.filename else ""
        click.echo(f"booklet: error: {where}{exc.strerror or exc}", err=True)
        sys.exit(1)
    sys.exit(code or 0)
