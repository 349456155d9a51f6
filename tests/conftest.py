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
