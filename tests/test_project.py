"""A project folder of a clinic's own, outside this repository: `booklet init`, finding the project, layouts
and label translations of its own over the built-in ones."""
import os
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po, write_po
from pypdf import PdfReader

from conftest import REPO
from test_cli import assert_one_line_error, booklet

EXAMPLE = "ankle-sprain"  # the example document `booklet init` writes


def text_of(pdf: Path) -> str:
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in PdfReader(pdf).pages))


@pytest.fixture
def new_project(tmp_path):
    folder = tmp_path / "clinic-project"
    result = booklet("init", str(folder), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    return folder


def test_init_writes_a_project_that_builds_at_once(new_project):
    written = sorted(p.relative_to(new_project).as_posix() for p in new_project.rglob("*") if p.is_file())
    assert written == ["README.md", "booklet.toml", "clinic.toml", f"sources/{EXAMPLE}/leaflet.md",
                       f"sources/{EXAMPLE}/meta.toml", "translations/README.md"]
    result = booklet("build", cwd=new_project / "sources")  # found from a subfolder, upward
    assert result.returncode == 0, result.stderr
    out = new_project / "output" / "en"
    assert sorted(p.name for p in out.iterdir()) == [f"{EXAMPLE}.epub", f"{EXAMPLE}.guide.pdf", f"{EXAMPLE}.sheet.pdf"]
    sheet = text_of(out / f"{EXAMPLE}.sheet.pdf")
    assert "Looking after a sprained ankle" in sheet and "You cannot stand or put any weight on the foot" in sheet
    assert "Example Community Clinic (fictional)" in sheet  # the source line names the example as fictional
    assert "01632" not in sheet  # the fictional clinic's details are not printed until the project asks for them


def test_every_booklet_toml_key_is_documented_in_the_new_project(new_project):
    from pipeline.config import Settings

    text = (new_project / "booklet.toml").read_text(encoding="utf-8")
    for key in Settings.model_fields:
        assert re.search(rf"^#? ?{key} = ", text, re.M) or re.search(rf"^#? ?\[{key}[].]", text, re.M), key


def test_init_never_overwrites(new_project):
    (new_project / "clinic.toml").write_text('name = "Ours"\nphone = "1"\n', encoding="utf-8")
    (new_project / "README.md").unlink()
    result = booklet("init", str(new_project))
    assert_one_line_error(result, "would overwrite", "booklet.toml")
    assert (new_project / "clinic.toml").read_text(encoding="utf-8") == 'name = "Ours"\nphone = "1"\n'
    assert not (new_project / "README.md").exists()  # nothing written when anything would be overwritten


def test_project_given_by_option_or_environment(new_project, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    by_option = booklet("--project", str(new_project), "extract", EXAMPLE, cwd=elsewhere)
    assert by_option.returncode == 0, by_option.stderr
    assert by_option.stdout.splitlines()[0].startswith("Looking after a sprained ankle")
    env = {**os.environ, "BOOKLET_PROJECT": str(new_project)}
    by_env = booklet("extract", EXAMPLE, cwd=elsewhere, env=env)
    assert by_env.returncode == 0 and by_env.stdout == by_option.stdout
    missing = booklet("--project", str(tmp_path / "nowhere"), "extract", EXAMPLE, cwd=elsewhere)
    assert_one_line_error(missing, "nowhere")


def test_an_unknown_layout_in_the_project_file_names_its_line(new_project):
    config = new_project / "booklet.toml"
    config.write_text(config.read_text(encoding="utf-8").replace('layouts = ["guide", "sheet"]',
                                                                 'layouts = ["guide", "shet"]'), encoding="utf-8")
    line = next(n for n, text in enumerate(config.read_text().splitlines(), 1) if text.startswith("layouts ="))
    assert_one_line_error(booklet("build", cwd=new_project), f"booklet.toml:{line}:", "'shet'")


def test_a_project_layout_overrides_a_builtin_one_file_by_file(new_project):
    """layouts/sheet/ in the project replaces the template and adds a stylesheet rule; the built-in sheet's
    other files (manifest, base templates, fonts) still come from the package."""
    own = new_project / "layouts" / "sheet"
    own.mkdir(parents=True)
    builtin_sheet = REPO / "layouts" / "sheet"
    template = (builtin_sheet / "sheet.html.j2").read_text(encoding="utf-8")
    marked = template.replace("{{ sheet.about(", '<p class="ours">Printed by the Example Community Clinic</p>\n'
                                                 "{{ sheet.about(", 1)
    assert marked != template
    (own / "sheet.html.j2").write_text(marked, encoding="utf-8")
    css = (builtin_sheet / "sheet.css").read_text(encoding="utf-8")
    (own / "sheet.css").write_text(css + "\n.ours { color: rgb(0, 0, 255); }\n", encoding="utf-8")
    result = booklet("build", "--layout", "sheet", "--format", "pdf", cwd=new_project)
    assert result.returncode == 0, result.stderr
    sheet = new_project / "output" / "en" / f"{EXAMPLE}.sheet.pdf"
    assert "Printed by the Example Community Clinic" in text_of(sheet)
    assert len(PdfReader(sheet).pages) == 1  # the built-in manifest's fit rule still applies
    content = b"".join(page.get_contents().get_data() for page in PdfReader(sheet).pages)
    assert b"0 0 1 rg" in content  # the project's stylesheet was used: blue text

    builtin = booklet("build", "--layout", "sheet", "--format", "pdf", "--out", str(new_project / "plain"),
                      cwd=REPO / "sources")  # this repository's project has no sheet override
    assert builtin.returncode == 0, builtin.stderr
    assert all("Printed by the Example" not in text_of(p) for p in (new_project / "plain").rglob("*.sheet.pdf"))


def test_a_project_adds_a_layout_of_its_own(new_project):
    poster = new_project / "layouts" / "poster"
    poster.mkdir(parents=True)
    (poster / "manifest.toml").write_text('description = "A poster"\nrequires_roles = ["see-doctor"]\n',
                                          encoding="utf-8")
    (poster / "poster.html.j2").write_text(
        '{% extends "base/base.html.j2" %}{% block content %}<h1>{{ doc.title }}</h1>'
        '{% for item in doc|role_blocks("see-doctor")|list_items %}<p>{{ item|unit("text") }}</p>{% endfor %}'
        '{% endblock %}', encoding="utf-8")
    result = booklet("build", "--layout", "poster", "--format", "pdf", cwd=new_project)
    assert result.returncode == 0, result.stderr
    text = text_of(new_project / "output" / "en" / f"{EXAMPLE}.poster.pdf")
    assert "The foot is numb, tingling, cold or pale" in text


def shipped_label(locale: str, message: str) -> str:
    with (REPO / "translations" / locale / "LC_MESSAGES" / "ui.po").open("rb") as f:
        return read_po(f)[message].string


def test_a_project_label_translation_merges_over_the_shipped_ones(new_project):
    assert booklet("i18n", "extract", cwd=new_project).returncode == 0
    init = booklet("i18n", "init", "es", cwd=new_project)
    assert init.returncode == 0, init.stderr
    messages = new_project / "translations" / "es" / "LC_MESSAGES"
    with (messages / f"{EXAMPLE}.po").open("rb") as f:
        catalog = read_po(f)
    for message in catalog:
        if message.id:
            message.string = "Cuidar un esguince de tobillo" if "Title [title]" in message.auto_comments else ""
    with (messages / f"{EXAMPLE}.po").open("wb") as f:
        write_po(f, catalog)
    ui = messages / "ui.po"
    with ui.open("rb") as f:
        labels = read_po(f)
    labels["Last updated:"].string = "Revisado por última vez:"  # the clinic's own wording
    with ui.open("wb") as f:
        write_po(f, labels)
    result = booklet("build", "--locale", "es", "--layout", "guide", "--format", "pdf", "--allow-incomplete",
                     cwd=new_project)
    assert result.returncode == 0, result.stderr
    guide = text_of(new_project / "output" / "es" / f"{EXAMPLE}.guide.pdf")
    assert "Cuidar un esguince de tobillo" in guide
    assert "Revisado por última vez:" in guide and shipped_label("es", "Last updated:") not in guide
    contents = shipped_label("es", "Contents")  # not in the project's catalog: still the shipped translation
    assert contents and contents != "Contents" and contents in guide
