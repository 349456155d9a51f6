from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SOURCES = REPO / "sources"
PMN = "paraneoplastic-motor-neuropathy"
TREATMENT = "paraneoplastic-syndromes-treatment"


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
