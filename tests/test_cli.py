"""The `booklet` command as a user runs it: exact outputs, one-line errors, no tracebacks."""
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import PMN, REPO, TREATMENT, document_folder

OUTLINES = Path(__file__).parent / "fixtures" / "outlines"


def booklet(*args, cwd=REPO, config=None, env=None):
    cmd = [sys.executable, "-m", "pipeline"] + (["--config", str(config)] if config else []) + list(args)
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=120, env=env)


def assert_one_line_error(result, *needles):
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("booklet: error: "), result.stderr
    for needle in needles:
        assert needle in lines[0]


@pytest.mark.parametrize("doc_id", [PMN, TREATMENT])
def test_extract_prints_the_required_outline(doc_id):
    result = booklet("extract", doc_id)
    assert result.returncode == 0, result.stderr
    assert result.stdout == (OUTLINES / f"{doc_id}.txt").read_text(encoding="utf-8")


def test_extract_accepts_folder_and_bare_file():
    by_folder = booklet("extract", f"sources/{TREATMENT}")
    assert by_folder.stdout == (OUTLINES / f"{TREATMENT}.txt").read_text(encoding="utf-8")
    bare = booklet("extract", f"sources/{TREATMENT}/004_e1f533e445a99f63.txt")
    assert bare.returncode == 0
    assert bare.stdout.splitlines()[0] == "004_e1f533e445a99f63 [4]"  # no metadata: titled by its file name


def test_extract_json_is_the_model():
    from pipeline.model import Document

    result = booklet("extract", PMN, "--json")
    doc = Document.from_json(result.stdout)
    assert doc.id == PMN and len(doc.citations) == 12


def test_normalise_reports_changes_and_diff():
    result = booklet("normalise", PMN, "--diff")
    assert result.returncode == 0
    assert result.stdout.startswith("--- ") and "+++ " in result.stdout
    assert "+- Acute axonal PMN – sudden" in result.stdout
    assert ":20: warning: editorial: dropped editorial leftover" in result.stderr
    assert "moved to metadata: last_updated = 2025-07-03" in result.stderr
    clean = booklet("normalise", PMN).stdout
    assert "[source: journals.lww.com]" in clean and "Last Updated" not in clean


def test_unknown_source_is_one_line_error():
    assert_one_line_error(booklet("extract", "no-such-doc"), "no-such-doc")


def test_invalid_utf8_names_file_and_line(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"Title\nfine line\nbad \xff byte\n")
    assert_one_line_error(booklet("extract", str(bad)), f"{bad}:3:", "UTF-8")


def test_unsupported_format(tmp_path):
    pdf = tmp_path / "a.pdf"
    pdf.write_bytes(b"%PDF-1.4")
    assert_one_line_error(booklet("extract", str(pdf)), str(pdf), "unsupported file type")


@pytest.mark.parametrize("toml, needles", [
    ('paper = "a4"\npapr = "letter"\n', [":2:", "papr: unknown key"]),
    ('paper = "a3"\n', [":1:", "paper:"]),
    ('formats = "pdf"\n', [":1:", "formats:"]),
    ('locales = ["en", "xx-nowhere"]\n', [":1:", "locales"]),
    ('paper = \n', ["invalid TOML"]),
])
def test_bad_config_is_one_line_error(tmp_path, toml, needles):
    config = tmp_path / "booklet.toml"
    config.write_text(toml, encoding="utf-8")
    assert_one_line_error(booklet("extract", PMN, config=config), str(config), *needles)


def test_bad_metadata_names_the_file(tmp_path):
    folder = document_folder(tmp_path, "Text.\n", 'url = "http://x.org"\n')
    assert_one_line_error(booklet("extract", str(folder)), f"{folder / 'meta.toml'}:4:", "https")


def test_normalise_refuses_structured_formats(tmp_path):
    md = tmp_path / "a.md"
    md.write_text("# T\n\nText.\n", encoding="utf-8")
    assert_one_line_error(booklet("normalise", str(md)), str(md), "plain text")


# --- issue 9 §4: clean failure ---------------------------------------------------------------------------------

@pytest.mark.parametrize("tag", ["xx-Bogus", "../../etc", "qps-../x"])
def test_bad_locale_option_is_a_usage_error(tmp_path, tag):
    result = booklet("build", "--locale", tag, "--out", str(tmp_path / "out"))
    assert_one_line_error(result, "--locale", repr(tag))
    assert result.returncode == 2
    assert not (tmp_path / "out").exists()


def test_config_error_exits_2(tmp_path):
    config = tmp_path / "booklet.toml"
    config.write_text('paper = "a3"\n', encoding="utf-8")
    result = booklet("extract", PMN, config=config)
    assert_one_line_error(result, f"{config}:1:")
    assert result.returncode == 2


def test_output_in_booklet_toml_stays_in_the_project(tmp_path):
    project = tmp_path / "p"
    project.mkdir()
    (project / "booklet.toml").write_text('paper = "a4"\noutput = "../elsewhere"\n', encoding="utf-8")
    result = booklet("build", cwd=project)
    assert_one_line_error(result, f"{project / 'booklet.toml'}:2:", "output", "outside the project")
    assert result.returncode == 2
    assert not (tmp_path / "elsewhere").exists()


_CRASH = ("import sys, pipeline.sources as s\n"
          "def boom(*a, **k): raise ZeroDivisionError('a bug')\n"
          "s.load = boom\n"
          "from pipeline.cli import main\nsys.argv = ['booklet'] + sys.argv[1:]\nmain()\n")


def test_unexpected_exception_is_one_line_internal_error():
    result = subprocess.run([sys.executable, "-c", _CRASH, "extract", PMN], cwd=REPO, capture_output=True, text=True,
                            timeout=120)
    assert_one_line_error(result, "internal error: ZeroDivisionError: a bug", "run with --debug for details")
    assert result.returncode == 1


def test_debug_option_shows_the_traceback():
    result = subprocess.run([sys.executable, "-c", _CRASH, "--debug", "extract", PMN], cwd=REPO, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 1
    assert "Traceback" in result.stderr and "ZeroDivisionError" in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("booklet: error: internal error: ")
