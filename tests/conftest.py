import datetime
from pathlib import Path

import pytest
from babel import Locale
from babel.dates import format_date

REPO = Path(__file__).resolve().parent.parent
SOURCES = REPO / "sources"
PMN = "paraneoplastic-motor-neuropathy"
TREATMENT = "paraneoplastic-syndromes-treatment"


def cldr_long_date(iso_date: str, lang: str) -> str:
    """A date written out in full as CLDR says for `lang` in the installed Babel ("July 3, 2025" in English
    today): tests expect what the data says, not a copy of it that the next CLDR release may contradict."""
    return format_date(datetime.date.fromisoformat(iso_date), format="long", locale=lang)


def cldr_language_name(lang: str) -> str:
    """The language's name in itself, capitalised, as CLDR gives it in the installed Babel ("English")."""
    name = Locale.parse(lang).get_display_name(lang)
    return name[:1].upper() + name[1:]


@pytest.fixture(scope="session")
def loaded_seeds():
    """Both seed documents, loaded once (normalise + extract + metadata)."""
    from pipeline.sources import load, resolve

    return {doc_id: load(resolve(doc_id, SOURCES)) for doc_id in (PMN, TREATMENT)}


def document_folder(parent: Path, text: str, meta_extra: str = "") -> Path:
    """A one-file document folder `parent/doc` with a minimal meta.toml plus `meta_extra` lines."""
    folder = parent / "doc"
    folder.mkdir()
    (folder / "a.txt").write_text(text, encoding="utf-8")
    (folder / "meta.toml").write_text(f'title = "T"\nlang = "en"\nfile = "a.txt"\n{meta_extra}', encoding="utf-8")
    return folder


def table_texts(table) -> list[list[str]]:
    """A model.Table's text, row by row: its column headings (if any), then its body rows."""
    return [[cell.text for cell in row] for row in ([table.header] if table.header else []) + table.rows]


@pytest.fixture(scope="session")
def built_pdfs(tmp_path_factory) -> Path:
    """Every PDF `booklet build` makes from this repository (booklet.toml: every layout, en es fr ar), built
    once for the session, translated editions below their publish gate too (`--allow-incomplete`): what is
    measured on them is the layouts, on real pages in every language.  Returns the output folder."""
    import subprocess
    import sys

    out = tmp_path_factory.mktemp("built-pdfs")
    result = subprocess.run([sys.executable, "-m", "pipeline", "build", "--format", "pdf", "--allow-incomplete", "-q",
                             "--out", str(out)], cwd=REPO, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    return out
