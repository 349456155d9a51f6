"""output/index.html (issue 15): what it lists and says, made again byte for byte, and in a real browser —
Debian's chromium driven by Playwright — without console errors, with every link and thumbnail there, no
serious axe-core violation, and the whole list without JavaScript.

Playwright rather than Selenium: it drives the system chromium by its path with no driver binary to match to
the browser's version (chromium-driver), and waits for pages and collects console messages itself.  axe-core
is the npm package pinned in tools/axe (`npm ci` there; `make test` does it), injected into the page.
"""
from __future__ import annotations

import io
import re
import urllib.parse
from pathlib import Path

import pytest

from conftest import PMN, REPO
from pipeline.index import INDEX_NAME, THUMBS_NAME, write_index
from pipeline.planner import State, Task
from test_cli import booklet

CHROMIUM = Path("/usr/bin/chromium")
AXE = REPO / "tools" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ("serious", "critical")
ENGLISH_FACTS = {"title": "Small", "title_lang": None, "source_lang": None, "percent_translated": None,
                 "review": None, "fallbacks": 0, "qa_warnings": 0}


def blank_pdf(pages: int = 1, width: float = 420) -> bytes:
    import pypdfium2

    pdf = pypdfium2.PdfDocument.new()
    for _ in range(pages):
        pdf.new_page(width, 595)
    buffer = io.BytesIO()
    pdf.save(buffer)
    pdf.close()
    return buffer.getvalue()


def built(out: Path, state: State, key: str, data: bytes, facts: dict) -> None:
    """`key` written into `out` and recorded in `state` as a build would."""
    locale, name = key.split("/")
    doc_id, rest = name.split(".", 1)
    layout, fmt = rest.rsplit(".", 1) if rest.count(".") else ("epub", "epub")
    (out / key).parent.mkdir(parents=True, exist_ok=True)
    (out / key).write_bytes(data)
    state.record(Task(doc_id, locale, fmt, layout), {}, {out / key: data}, facts=facts)


def test_text_is_escaped_and_an_arabic_edition_reads_right_to_left(tmp_path):
    state = State(tmp_path)
    built(tmp_path, state, "en/small.guide.pdf", blank_pdf(3), {**ENGLISH_FACTS, "title": "Salt <b>&</b> you",
                                                                 "pages": 3})
    built(tmp_path, state, "ar/small.sheet.pdf", blank_pdf(), {
        "title": "الملح وأنت", "title_lang": None, "source_lang": "en", "percent_translated": 87.5,
        "review": "partly reviewed", "fallbacks": 2, "qa_warnings": 1, "pages": 1})
    html = write_index(tmp_path, state).read_text(encoding="utf-8")
    assert "Salt &lt;b&gt;&amp;&lt;/b&gt; you" in html and "<b>" not in html
    assert '<p class="title" lang="ar" dir="rtl">الملح وأنت</p>' in html
    assert '<span lang="ar" dir="rtl">العربية</span>\n<span class="tag">(Arabic, ar)</span>' in html
    assert 'alt="The first page of the sheet PDF in Arabic"' in html  # the page's own sentences are English
    assert re.search(r'<section class="edition" id="small--ar" data-language="ar"', html)
    assert "87.5 % of its words" in html and "partly reviewed" in html
    assert "2 parts shown in English" in html and "1 translation with a QA warning" in html


def test_a_proof_is_marked_not_for_patients_in_its_own_row(tmp_path):
    state = State(tmp_path)
    built(tmp_path, state, "en/small.sheet.pdf", blank_pdf(), {**ENGLISH_FACTS, "pages": 1})
    built(tmp_path, state, "en/small.guide.pdf", blank_pdf(), {**ENGLISH_FACTS, "pages": 1,
                                                                "proof": "small guide (en): built <below> its gate"})
    html = write_index(tmp_path, state).read_text(encoding="utf-8")
    rows = dict(re.findall(r'<a href="en/([^"]+)">(.*?)</tr>', html, re.S))
    assert "Proof: not for patients.</strong> small guide (en): built &lt;below&gt; its gate" in rows["small.guide.pdf"]
    assert "Proof" not in rows["small.sheet.pdf"]


def test_reading_grades_are_shown_where_known_and_a_dash_elsewhere(tmp_path):
    state = State(tmp_path)
    built(tmp_path, state, "en/small.guide.pdf", blank_pdf(),
          {**ENGLISH_FACTS, "reading_grade": "Flesch-Kincaid grade 6.2, SMOG 7.9", "pages": 1})
    built(tmp_path, state, "en/other.guide.pdf", blank_pdf(), {**ENGLISH_FACTS, "title": "Other", "pages": 1})
    html = write_index(tmp_path, state).read_text(encoding="utf-8")
    grades = re.findall(r"<dt>Reading grade</dt><dd>([^<]*)</dd>", html)
    assert grades == ["–", "Flesch-Kincaid grade 6.2, SMOG 7.9"]  # documents in order of their ids: other, small


def test_an_edition_s_facts_hold_its_reading_grade_as_check_measures_it(loaded_seeds):
    """The worker that translates an edition measures it once (the index shows it for every later build that
    finds it up to date); a language without a validated formula says so."""
    from pipeline.build import edition
    from pipeline.index import edition_facts
    import datetime

    from pipeline.quality import CheckOptions, check

    from conftest import PMN, REPO

    for locale in ("en", "es", "ar"):
        ed = edition(loaded_seeds[PMN].document, locale, REPO / "translations")
        report = check(ed.document, locale, CheckOptions(today=datetime.date(2026, 12, 4)))
        grade = edition_facts(ed, report)["reading_grade"]
        assert grade == (", ".join(f"{s.formula} {s.value:g}" for s in report.scores) or "not available"), locale
        assert (grade == "not available") == (locale == "ar"), locale


def test_a_thumbnail_is_made_once_per_pdf_and_goes_with_it(tmp_path, monkeypatch):
    import pipeline.index

    state = State(tmp_path)
    built(tmp_path, state, "en/small.guide.pdf", blank_pdf(), {**ENGLISH_FACTS, "pages": 1})
    index = write_index(tmp_path, state)
    first = sorted((tmp_path / THUMBS_NAME).iterdir())
    assert len(first) == 1 and f'src="{THUMBS_NAME}/{first[0].name}" width="120"' in index.read_text("utf-8")
    page, made = index.read_bytes(), index.stat().st_mtime_ns

    def not_again(pdf):
        raise AssertionError("the thumbnail of an unchanged PDF was made again")

    with monkeypatch.context() as patch:
        patch.setattr(pipeline.index, "_first_page_png", not_again)
        write_index(tmp_path, state)
    assert index.read_bytes() == page and index.stat().st_mtime_ns == made  # the same page is not written again
    built(tmp_path, state, "en/small.guide.pdf", blank_pdf(width=300), {**ENGLISH_FACTS, "pages": 1})
    write_index(tmp_path, state)
    second = sorted((tmp_path / THUMBS_NAME).iterdir())
    assert len(second) == 1 and second != first  # the changed PDF's thumbnail, and the old one gone


def test_an_output_no_longer_in_the_folder_is_not_listed(tmp_path):
    state = State(tmp_path)
    built(tmp_path, state, "en/small.guide.pdf", blank_pdf(), {**ENGLISH_FACTS, "pages": 1})
    built(tmp_path, state, "en/small.epub", b"an epub", ENGLISH_FACTS)
    write_index(tmp_path, state)
    assert len(list((tmp_path / THUMBS_NAME).iterdir())) == 1
    (tmp_path / "en" / "small.guide.pdf").unlink()
    html = write_index(tmp_path, state).read_text(encoding="utf-8")
    assert 'href="en/small.epub"' in html and "small.guide.pdf" not in html
    assert not list((tmp_path / THUMBS_NAME).iterdir())


# --- a real build, in a real browser ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """The shipped document built in English and Arabic (the Arabic guide, booklet and EPUB are held back by
    their publish gate; its sheet is built): returns the index."""
    out = tmp_path_factory.mktemp("index")
    result = booklet("build", "--doc", PMN, "--locale", "en", "--locale", "ar", "--layout", "guide", "--layout",
                     "sheet", "--layout", "booklet", "--format", "pdf", "--format", "epub", "-q", "--out", str(out))
    assert result.returncode == 0, result.stderr
    return out / INDEX_NAME


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        # Debian's chromium, never a downloaded one; no sandbox: tests may run as root, in a container
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, site):
    """The index loaded in a fresh page, with what the page said on its console and the requests that failed."""
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    loaded = context.new_page()
    loaded.problems = []
    loaded.on("console", lambda message: message.type in ("error", "warning") and loaded.problems.append(
        f"console {message.type}: {message.text}"))
    loaded.on("pageerror", lambda error: loaded.problems.append(f"page error: {error}"))
    loaded.on("requestfailed", lambda request: loaded.problems.append(f"failed: {request.url}"))
    loaded.goto(site.as_uri(), wait_until="load")
    yield loaded
    context.close()


@pytest.mark.slow
def test_an_up_to_date_build_writes_the_same_index(site):
    before = site.read_bytes()
    result = booklet("build", "--doc", PMN, "--locale", "en", "--locale", "ar", "--layout", "guide", "--layout",
                     "sheet", "--layout", "booklet", "--format", "pdf", "--format", "epub", "-q", "--out",
                     str(site.parent))
    assert result.returncode == 0, result.stderr
    assert "0 built" in result.stderr
    assert site.read_bytes() == before


@pytest.mark.slow
def test_the_index_loads_with_every_link_and_thumbnail_and_no_console_error(page, site):
    assert page.problems == []
    hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.getAttribute('href'))")
    files = [href for href in hrefs if not href.startswith("#")]
    assert f"en/{PMN}.guide.pdf" in files and f"ar/{PMN}.sheet.pdf" in files and f"en/{PMN}.epub" in files
    for href in files:
        assert (site.parent / urllib.parse.unquote(href)).is_file(), href
    for anchor in {href[1:] for href in hrefs if href.startswith("#")}:
        assert page.locator(f"[id='{urllib.parse.unquote(anchor)}']").count() == 1, anchor
    images = page.eval_on_selector_all("img", "imgs => imgs.map(i => [i.getAttribute('src'), i.complete, "
                                              "i.naturalWidth, i.getBoundingClientRect().width, i.alt])")
    assert len(images) == 4  # the English guide, sheet and booklet, the Arabic sheet
    for src, complete, natural_width, shown_width, alt in images:
        assert complete and natural_width > 0 and shown_width > 0, src
        assert alt.startswith("The first page of the "), src


@pytest.mark.slow
def test_axe_finds_no_serious_violation(page):
    page.add_script_tag(path=str(AXE))
    results = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    blocking = [f"{v['impact']} {v['id']}: {v['help']} at {[n['target'] for n in v['nodes']]}"
                for v in results["violations"] if v["impact"] in BLOCKING]
    assert blocking == []


@pytest.mark.slow
def test_arabic_reads_right_to_left_and_the_filters_show_one_language(page):
    title = page.locator(f"#{PMN}--ar .title")
    assert title.evaluate("p => getComputedStyle(p).direction") == "rtl"
    assert page.locator("#filters").is_visible()
    page.select_option("#filter-language", "ar")
    shown = page.eval_on_selector_all("section.edition", "eds => eds.filter(e => !e.hidden).map(e => e.id)")
    assert shown == [f"{PMN}--ar"]
    assert page.locator("#filter-status").inner_text() == "Showing 1 of 2 editions."


@pytest.mark.slow
def test_keyboard_focus_starts_at_the_skip_link_and_is_visible(page):
    page.keyboard.press("Tab")
    focused = page.evaluate("[document.activeElement.className, getComputedStyle(document.activeElement).outlineStyle]")
    assert focused == ["skip-link", "solid"]


@pytest.mark.slow
def test_without_javascript_the_whole_list_is_there(browser, site):
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(site.as_uri())
        assert not page.locator("#filters").is_visible()
        rows = page.locator("section.edition tbody tr")
        # English: booklet, guide, sheet, EPUB; Arabic: its sheet
        assert rows.count() == 5 and all(rows.nth(i).is_visible() for i in range(5))
        assert page.locator("nav a[href^='#']").count() == 3  # the document and its two languages
    finally:
        context.close()
