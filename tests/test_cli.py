"""The `booklet` command as a user runs it: exact outputs, one-line errors, no tracebacks."""
import os
import re
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
    """One error line, and nothing else but warnings about files said before it (a source's licence note)."""
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    # a build's summary line ("0 built, … 1 failed in 0.6 s") may come before it
    lines = [line for line in result.stderr.strip().splitlines()
             if ": warning: " not in line and not re.fullmatch(r"\d+ built, .* failed in [\d.]+ s", line)]
    assert len(lines) == 1 and lines[0].startswith("booklet: error: "), result.stderr
    assert result.stderr.strip().splitlines()[-1] == lines[0], result.stderr
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


# --- issue 9 §3: only the files that belong to a document ------------------------------------------------------

def _doc(tmp_path, file_line, name="doc"):
    folder = tmp_path / name
    folder.mkdir()
    (folder / "meta.toml").write_text(f'title = "T"\nlang = "en"\n{file_line}\n', encoding="utf-8")
    return folder


def test_meta_file_symlink_out_of_the_folder_is_refused(tmp_path):
    folder = _doc(tmp_path, 'file = "a.txt"')
    (folder / "a.txt").symlink_to("/etc/passwd")
    result = booklet("extract", str(folder))
    assert_one_line_error(result, f"{folder / 'meta.toml'}:3:", "outside the document folder")
    assert result.returncode == 2 and "root:" not in result.stdout


@pytest.mark.parametrize("file_line", ['file = "/etc/passwd.txt"', 'file = "../other/a.txt"'])
def test_meta_file_absolute_or_dotdot_is_refused(tmp_path, file_line):
    other = tmp_path / "other"
    other.mkdir()
    (other / "a.txt").write_text("Title\n\nSecret text of another document.\n", encoding="utf-8")
    folder = _doc(tmp_path, file_line)
    result = booklet("extract", str(folder))
    assert_one_line_error(result, f"{folder / 'meta.toml'}:3:", "inside the document folder")
    assert result.returncode == 2 and "Secret" not in result.stdout


def test_meta_file_must_be_a_regular_file(tmp_path):
    folder = _doc(tmp_path, 'file = "sub.txt"')
    (folder / "sub.txt").mkdir()
    assert_one_line_error(booklet("extract", str(folder)), f"{folder / 'meta.toml'}:3:", "not a regular file")


# --- issue 9 §4: what a source file may hold -------------------------------------------------------------------

@pytest.mark.parametrize("name, data", [
    ("empty.md", b""),
    ("blank.txt", b"   \n\n\t\n"),
    ("title-only.md", b"# Only a title\n"),
    ("title-only.html", b"<html><head><title>T</title></head><body><h1>Only a title</h1></body></html>"),
    ("title-only.txt", b"title-only\n"),  # a one-line file: its line is its title (from the file name)
])
def test_content_free_sources_are_refused(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    result = booklet("extract", str(path))
    assert_one_line_error(result, str(path), "no text besides the title")
    assert result.returncode == 1


def test_document_repeating_only_its_title_is_refused(tmp_path):
    folder = _doc(tmp_path, 'file = "a.md"')
    (folder / "a.md").write_text("T\n", encoding="utf-8")
    assert_one_line_error(booklet("extract", str(folder)), str(folder / "a.md"), "no text besides the title")


@pytest.mark.parametrize("name, data, line", [
    ("nul.txt", b"Title\n\nA paragraph.\nwith a \x00 NUL\n", 4),
    ("esc.md", b"# Title\n\nText \x1b[31m red.\n", 3),
    ("c1.html", "<h1>T</h1>\n<p>fine</p>\n<p>bad \u0085 next line</p>\n".encode(), 3),
])
def test_control_characters_are_refused_with_file_and_line(tmp_path, name, data, line):
    path = tmp_path / name
    path.write_bytes(data)
    result = booklet("extract", str(path))
    assert_one_line_error(result, f"{path}:{line}:", "control character")


@pytest.mark.parametrize("ext, member", [("docx", "word/document.xml"), ("odt", "content.xml")])
def test_control_characters_in_docx_and_odt_are_refused(tmp_path, ext, member):
    import zipfile

    source = Path(__file__).parent / "fixtures" / "formats" / f"article.{ext}"
    path = tmp_path / f"c1.{ext}"
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(path, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == member:  # a C1 control (CSI): allowed in XML 1.0, so pandoc reads it
                data = data.replace(b"Many people also", b"Many people &#x9B; also", 1)
                assert b"&#x9B;" in data
            zout.writestr(info, data)
    assert_one_line_error(booklet("extract", str(path)), str(path), "control character U+009B")


@pytest.mark.parametrize("name, data, line, needle", [
    ("cp1252.md", "# Title\n\nCaf\u00e9 \u2013 fine\n".encode("cp1252"), 3, "not valid UTF-8"),
    ("latin1.html", "<h1>T</h1>\n<p>na\u00efve</p>\n".encode("latin-1"), 2, "not valid UTF-8"),
    ("utf16.md", "# Title\n\nText.\n".encode("utf-16"), 1, "UTF-16"),
    ("utf16.txt", "Title\n\nText.\n".encode("utf-16"), 1, "UTF-16"),
])
def test_every_text_format_is_strict_utf8(tmp_path, name, data, line, needle):
    path = tmp_path / name
    path.write_bytes(data)
    result = booklet("extract", str(path))
    assert_one_line_error(result, f"{path}:{line}:", needle)


def test_utf8_with_bom_markdown_reads(tmp_path):
    path = tmp_path / "bom.md"
    path.write_bytes("\ufeff# Café\n\nTexte accentué.\n".encode("utf-8"))
    result = booklet("extract", str(path), "--json")
    assert result.returncode == 0, result.stderr
    assert "Texte accentué." in result.stdout and "Café" in result.stdout


def test_deep_markdown_list_is_refused_with_line(tmp_path):
    lines = ["# Title", "", "Intro text.", ""] + ["  " * i + f"- level {i}" for i in range(250)]
    path = tmp_path / "deep.md"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = booklet("extract", str(path))
    assert_one_line_error(result, f"{path}:25:", "nested more than 20 deep")
    assert result.returncode == 1


def test_deep_html_list_is_refused(tmp_path):
    path = tmp_path / "deep.html"
    path.write_text("<h1>T</h1>\n<p>x</p>\n" + "<ul><li>a" * 300 + "</li></ul>" * 300 + "\n", encoding="utf-8")
    result = booklet("extract", str(path))
    assert_one_line_error(result, f"{path}:3:", "nested more than 20 deep")


# --- issue 9 §3: the clinic's logo -----------------------------------------------------------------------------

def _clinic(tmp_path, logo_line):
    folder = tmp_path / "clinic"
    folder.mkdir(exist_ok=True)
    clinic = folder / "clinic.toml"
    clinic.write_text(f'name = "Riverside"\nphone = "01632 960 123"\n{logo_line}\n', encoding="utf-8")
    return clinic


def _png(path, size, mode="1"):
    from PIL import Image

    Image.new(mode, size).save(path, optimize=True)


def _svg(body, extra=""):
    return f'<?xml version="1.0"?>{extra}<svg xmlns="http://www.w3.org/2000/svg" ' \
           f'xmlns:xlink="http://www.w3.org/1999/xlink" width="40" height="20">{body}</svg>'


@pytest.mark.parametrize("name, make, reason", [
    ("outside.png", lambda p: p.symlink_to("/etc/passwd"), "outside the clinic file's folder"),
    ("missing.png", lambda p: None, "does not exist"),
    ("text.png", lambda p: p.write_text("not a picture"), "not a PNG image"),
    ("big.png", lambda p: p.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * (5 * 1024 * 1024)), "at most 5242880 bytes"),
    ("wide.png", lambda p: _png(p, (4001, 10)), "4001×10 pixels; a logo may have at most 4000×4000"),
    ("bomb.png", lambda p: _png(p, (12000, 12000)), "too many pixels to decode safely"),
    ("cut.png", lambda p: (_png(p, (200, 200), "RGB"), p.write_bytes(p.read_bytes()[:60])), "not a readable PNG"),
    ("ext.svg", lambda p: p.write_text(_svg('<image xlink:href="file:///etc/passwd"/>')), "refer to nothing outside"),
    ("css.svg", lambda p: p.write_text(_svg('<rect style="fill:url(https://x.org/a.svg)"/>')), "refer to nothing"),
    ("xxe.svg", lambda p: p.write_text(_svg("<text>&x;</text>", '<!DOCTYPE svg [<!ENTITY x SYSTEM "/etc/passwd">]>')),
     "DOCTYPE"),
    ("huge.svg", lambda p: p.write_text(_svg("").replace('width="40"', 'width="9000"')), "at most 4000 pixels"),
    ("notsvg.svg", lambda p: p.write_text("<html/>"), "not an SVG image"),
])
def test_bad_logo_is_refused_with_the_reason(tmp_path, name, make, reason):
    clinic = _clinic(tmp_path, f'logo = "{name}"')
    make(clinic.parent / name)
    result = booklet("build", "--clinic", str(clinic), "--out", str(tmp_path / "out"))
    assert_one_line_error(result, f"{clinic}:3:", f"logo: '{name}'", reason)
    assert result.returncode == 2


@pytest.mark.parametrize("logo", ["/etc/logo.png", "../logo.png"])
def test_logo_outside_the_clinic_folder_is_refused(tmp_path, logo):
    _png(tmp_path / "logo.png", (10, 10))
    clinic = _clinic(tmp_path, f'logo = "{logo}"')
    result = booklet("build", "--clinic", str(clinic), "--out", str(tmp_path / "out"))
    assert_one_line_error(result, f"{clinic}:3:", "inside the clinic file's folder")


# --- issue 9 §4: citations -------------------------------------------------------------------------------------

PRIVATE = ["http://127.0.0.1:8080/admin", "http://[::1]/x", "http://localhost/", "http://10.1.2.3/",
           "http://172.20.0.1/", "http://192.168.1.1/router", "http://169.254.169.254/latest/meta-data",
           "http://[fe80::1]/"]


def test_citations_keep_their_url_and_local_ones_are_dropped(tmp_path):
    import json

    lines = ["# Title", "", "Read [the review](http://example.org:8443/reviews/42?lang=en)."]
    lines += [f"See [this]({url})." for url in PRIVATE]
    path = tmp_path / "links.md"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = booklet("extract", str(path), "--json")
    assert result.returncode == 0, result.stderr
    citations = json.loads(result.stdout)["citations"]
    assert [(c["domain"], c["url"]) for c in citations] == [
        ("example.org", "http://example.org:8443/reviews/42?lang=en")]
    warnings = result.stderr.strip().splitlines()
    assert len(warnings) == len(PRIVATE)
    for n, (url, warning) in enumerate(zip(PRIVATE, warnings), start=4):
        assert warning.startswith(f"{path}:{n}: warning: citation: ") and warning.endswith(url)


# --- issue 9 §4: signals, killed builds, two builds at once ------------------------------------------------------

def _small_project(tmp_path):
    project = tmp_path / "p"
    doc = project / "sources" / "small"
    doc.mkdir(parents=True)
    (project / "booklet.toml").write_text('formats = ["pdf", "epub"]\n', encoding="utf-8")
    (doc / "meta.toml").write_text('title = "Small"\nlang = "en"\nfile = "a.md"\n', encoding="utf-8")
    (doc / "a.md").write_text("# Small\n\n## Symptoms\n\n- A headache.\n- Feeling sick.\n\nRest helps.\n",
                              encoding="utf-8")
    (tmp_path / "tmp").mkdir()
    return project


def _start(project, tmp_path, *args):
    import os

    env = {**os.environ, "TMPDIR": str(tmp_path / "tmp")}
    return subprocess.Popen([sys.executable, "-m", "pipeline", "build", *args], cwd=project, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _wait_for(predicate, timeout=60):
    import time

    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.02)
    return False


@pytest.mark.parametrize("signum, code", [(2, 130), (15, 143), (1, 129)])
def test_signal_stops_the_build_cleanly(tmp_path, signum, code):
    project = _small_project(tmp_path)
    build = _start(project, tmp_path)
    assert _wait_for(lambda: list((tmp_path / "tmp").glob("booklet-run-*/weasyprint-*")))  # well into rendering
    build.send_signal(signum)
    _, stderr = build.communicate(timeout=60)
    assert build.returncode == code, stderr
    assert "Traceback" not in stderr and stderr.strip().splitlines()[-1].startswith("booklet: interrupted by SIG")
    assert not list((project / "output").rglob("*.part")) and not list((tmp_path / "tmp").iterdir())


def test_next_build_removes_what_a_killed_build_left(tmp_path):
    import os
    import time

    project = _small_project(tmp_path)
    build = _start(project, tmp_path)
    assert _wait_for(lambda: list((tmp_path / "tmp").glob("booklet-run-*/weasyprint-*")))
    build.kill()
    build.communicate(timeout=60)
    left = list((tmp_path / "tmp").glob("booklet-run-*"))
    assert left  # SIGKILL runs no clean-up
    stale = project / "output" / "en" / ".small.guide.pdf.abc123.part"
    stale.parent.mkdir(parents=True, exist_ok=True)
    stale.write_bytes(b"%PDF-half")
    old = time.time() - 60
    os.utime(stale, (old, old))
    foreign = tmp_path / "tmp" / "booklet-epub-xyz"  # no lock of ours: it may belong to a running process
    foreign.mkdir()
    os.utime(foreign, (old, old))
    again = _start(project, tmp_path, "--format", "epub")
    _, stderr = again.communicate(timeout=120)
    assert again.returncode == 0, stderr
    assert not stale.exists() and f"removed {stale} (left by an interrupted build)" in stderr
    assert list((tmp_path / "tmp").iterdir()) == [foreign]
    assert (project / "output" / "en" / "small.epub").is_file()


def test_a_second_build_in_the_same_folder_waits(tmp_path):
    import fcntl

    project = _small_project(tmp_path)
    (project / "output").mkdir()
    lock = os.open(project / "output", os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX)  # as a running build holds it
        build = _start(project, tmp_path, "--format", "epub")
        first = build.stderr.readline()
        assert first.strip() == f"booklet: waiting for another build in {project / 'output'}"
        assert build.poll() is None
    finally:
        os.close(lock)
    _, stderr = build.communicate(timeout=120)
    assert build.returncode == 0, stderr
    assert (project / "output" / "en" / "small.epub").is_file()


def test_layout_cannot_reach_another_documents_folder(tmp_path):
    from pipeline.render.layouts import LayoutSet
    from pipeline.render.pdf import AssetFetcher, BlockedURL

    project = _small_project(tmp_path)
    other = project / "sources" / "other"
    other.mkdir()
    (other / "secret.css").write_text("body { color: red }\n", encoding="utf-8")
    (project / "layouts" / "guide").mkdir(parents=True)
    (project / "layouts" / "guide" / "guide.css").write_text('@import url("../../sources/other/secret.css");\n',
                                                           encoding="utf-8")
    result = booklet("build", "--format", "pdf", "--out", str(tmp_path / "out"), cwd=project)
    assert_one_line_error(result, "secret.css")
    assert not list((tmp_path / "out").rglob("*.pdf"))
    fetcher = AssetFetcher(LayoutSet.for_project(project))
    with pytest.raises(BlockedURL):
        fetcher.fetch((other / "secret.css").as_uri())
    with pytest.raises(BlockedURL):
        fetcher.fetch((project / "layouts" / ".." / "sources" / "small" / "a.md").as_uri())


def _on_a_terminal(cwd, *args) -> str:
    """What `booklet` prints on a terminal (a pseudo-terminal), as the terminal receives it."""
    import os
    import pty
    import select

    leader, follower = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "pipeline", *args], cwd=cwd, stdin=subprocess.DEVNULL,
                            stdout=follower, stderr=follower)
    os.close(follower)
    received = b""
    while True:
        ready, _, _ = select.select([leader], [], [], 1)
        try:
            data = os.read(leader, 4096) if ready else b""
        except OSError:  # the terminal closed with the process
            break
        if ready and not data:
            break
        received += data
        if not ready and proc.poll() is not None:
            break
    os.close(leader)
    assert proc.wait(timeout=120) == 0, received
    return received.decode("utf-8")


def test_a_progress_bar_on_a_terminal_and_a_line_per_output_elsewhere(tmp_path):
    project = _small_project(tmp_path)
    shown = _on_a_terminal(project, "build", "-j", "1")
    bars = re.findall(r"Building\s+\[[#-]+\]\s+(\d+)/(\d+)", shown)
    assert {int(total) for _, total in bars} == {2}  # the guide and the EPUB of one document in English
    done = [int(n) for n, _ in bars]
    assert done == sorted(done) and done[-1] == 2
    assert "wrote " not in shown  # the bar stands for those lines
    assert "warning: small: meta.toml states no licence" in shown  # what else is said still shows
    assert shown.endswith("2 built, 0 up to date, 0 skipped, 0 failed in " + shown.rsplit(" in ", 1)[1])
    assert "\x1b[?25h" in shown.rsplit("Building", 1)[1]  # the cursor is given back
    logged = booklet("build", "--force", "-j", "1", cwd=project)  # not a terminal: a plain line per output
    assert "Building" not in logged.stderr and "\r" not in logged.stderr
    assert len(re.findall(r"^wrote .*\.(pdf|epub)$", logged.stderr, re.M)) == 2
