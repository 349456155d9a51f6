"""Invisible direction controls and other format characters are refused in every input, through the real CLI, with
a one-line error naming the file and line (pipeline/textcheck.py); ZWJ and ZWNJ, which scripts need, pass."""
from __future__ import annotations

import shutil

import pytest
from babel.messages.pofile import read_po

from pipeline.errors import BookletError
from pipeline.textcheck import check_text

from conftest import PMN, REPO, document_folder
from test_cli import assert_one_line_error, booklet
from test_i18n import translate_po

RLO, PDF = "\u202e", "\u202c"
REFUSED = ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069",
           "\u200b", "\u2060", "\ufeff", "\u200e", "\u200f", "\u061c", "\u00ad"]
TEXT = "Dose guide\n\nTreatment\n\n- Take {} daily.\n- Rest.\n"


@pytest.mark.parametrize("char", REFUSED)
def test_check_text_refuses_with_the_line(char):
    with pytest.raises(BookletError) as caught:
        check_text(f"one\ntwo\nTake {char}12 mg daily", "x.txt")
    assert caught.value.line == 3 and str(caught.value).startswith("x.txt:3: ")
    assert f"U+{ord(char):04X}" in str(caught.value)


def test_zwj_and_zwnj_are_allowed():
    check_text("می\u200cخواهم · \u0915\u094d\u200d\u0937 · 👩\u200d⚕️", "x.txt")  # Persian ZWNJ, Devanagari ZWJ, an emoji sequence


@pytest.mark.parametrize("command", [["build", "--format", "pdf"], ["extract"], ["normalise"]])
def test_a_reversed_dose_in_a_text_source_is_refused(tmp_path, command):
    folder = document_folder(tmp_path, TEXT.format(f"{RLO}12 mg{PDF}"))
    args = [*command, "--doc", str(folder)] if command[0] == "build" else [*command, str(folder)]
    if command[0] == "build":
        (tmp_path / "booklet.toml").write_text(f'sources = "{tmp_path}"\noutput = "out"\nlocales = ["en"]\n',
                                               encoding="utf-8")
        args = ["build", "--format", "pdf", "--doc", "doc"]
    result = booklet(*args, cwd=tmp_path)
    assert_one_line_error(result, "a.txt:5: ", "U+202E RIGHT-TO-LEFT OVERRIDE")
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("char", ["\u200b", "\u2060", "\ufeff", "\u200f", "\u2066"])
def test_other_invisible_characters_in_a_source_are_refused(tmp_path, char):
    folder = document_folder(tmp_path, TEXT.format(f"12{char} mg"))
    assert_one_line_error(booklet("extract", str(folder)), "a.txt:5: ", f"U+{ord(char):04X}")


def test_a_zwnj_in_a_source_passes(tmp_path):
    folder = document_folder(tmp_path, TEXT.format("12 mg (می\u200cخواهم)"))
    result = booklet("extract", str(folder))
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("name, content, line", [
    ("a.md", "# Dose guide\n\n## Treatment\n\n- Take \u202e12 mg\u202c daily.\n", 5),
    ("a.html", "<html><body><h1>Dose guide</h1>\n<h2>Treatment</h2>\n<p>Take \u202e12 mg\u202c daily.</p>\n"
               "</body></html>", 3),
    ("a.html", "<html><body><h1>Dose guide</h1>\n<h2>Treatment</h2>\n<p>Take &#x202E;12 mg&#x202C; daily.</p>\n"
               "</body></html>", None),  # an entity: found in the extracted text
])
def test_markdown_and_html_sources_are_checked(tmp_path, name, content, line):
    (tmp_path / name).write_text(content, encoding="utf-8")
    result = booklet("extract", str(tmp_path / name))
    assert_one_line_error(result, f"{name}:{line}: " if line else f"{name}", "U+202E")


def test_meta_toml_is_checked(tmp_path):
    folder = document_folder(tmp_path, TEXT.format("12 mg"), f'subtitle = "Take {RLO}12 mg{PDF} daily"\n')
    assert_one_line_error(booklet("extract", str(folder)), "meta.toml:4: ", "U+202E")


def test_a_clinic_file_is_checked(tmp_path):
    clinic = tmp_path / "clinic.toml"
    clinic.write_text(f'name = "Clinic"\nphone = "{RLO}0100 555 020{PDF}"\n', encoding="utf-8")
    result = booklet("build", "--doc", PMN, "--locale", "en", "--layout", "sheet", "--format", "pdf",
                     "--clinic", str(clinic), "--out", str(tmp_path / "out"))
    assert_one_line_error(result, "clinic.toml:2: ", "U+202E")
    assert not (tmp_path / "out").exists()


def test_a_reversed_translation_is_refused_by_check_and_build(tmp_path):
    root = tmp_path / "project"
    shutil.copytree(REPO / "sources" / PMN, root / "sources" / PMN)
    (root / "booklet.toml").write_text('locales = ["es"]\nlayouts = ["guide"]\nformats = ["pdf"]\n', encoding="utf-8")
    assert booklet("i18n", "extract", cwd=root).returncode == 0
    assert booklet("i18n", "init", "es", cwd=root).returncode == 0
    po = root / "translations" / "es" / "LC_MESSAGES" / f"{PMN}.po"
    template = read_po((root / "translations" / "templates" / f"{PMN}.pot").open("rb"))
    rituximab = next(m for m in template if m.id and m.id.startswith("375 mg/m² IV weekly × 4"))
    translate_po(po, {rituximab.id: f"{RLO}375 mg/m²{PDF} IV semanal × 4; anti-CD20 monoclonal."})
    line = next(n for n, text in enumerate(po.read_text(encoding="utf-8").splitlines(), start=1) if RLO in text)
    for args in (["i18n", "check"], ["build"]):
        result = booklet(*args, cwd=root)
        assert result.returncode != 0 and "Traceback" not in result.stderr
        assert f"booklet: error: {po}:{line}: direction control U+202E" in result.stderr, result.stderr
    assert not (root / "output" / "es").exists()
