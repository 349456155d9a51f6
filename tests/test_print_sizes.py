"""Clear Print, measured on the PDFs themselves: no character of any layout under its manifest's floor
(12 pt everywhere, 18 pt in large print), whatever the CSS meant to do."""
import pdfplumber
import pytest

from pipeline.build import Edition
from pipeline.i18n.units import translate
from pipeline.render.layouts import available_layouts, load_manifest, missing_roles
from pipeline.render.pdf import write_pdf

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("layout", available_layouts())
def test_no_text_below_the_layout_floor(layout, loaded_seeds, tmp_path):
    manifest = load_manifest(layout)
    built = 0
    for doc_id, loaded in loaded_seeds.items():
        if missing_roles(loaded.document, manifest):
            continue
        target = tmp_path / f"{doc_id}.pdf"
        doc, source = loaded.document, {}
        if manifest.bilingual:  # beside itself, as if translated: the sizes are what is measured here
            source = {"source_edition": Edition(doc, doc.lang)}
            doc = translate(doc, "es", lambda unit: unit.text).document
        write_pdf(doc, target, layout=layout, **source)
        with pdfplumber.open(target) as pdf:
            sizes = [(round(c["size"], 2), c["text"], page.page_number)
                     for page in pdf.pages for c in page.chars if c["text"].strip()]
        smallest = min(sizes)
        assert smallest[0] >= manifest.min_body_pt >= 12, (doc_id, smallest)
        built += 1
    assert built, f"no seed document has the roles {layout} needs"
