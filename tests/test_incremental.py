"""Incremental builds (pipeline/planner.py): a task whose inputs and outputs are unchanged is not rebuilt, one
changed string rebuilds exactly the outputs that print it, and what is rebuilt is byte-identical to a full build."""
import hashlib
import json
import re
import shutil

import pytest

from conftest import REPO, TREATMENT
from pipeline.index import INDEX_NAME, THUMBS_NAME
from pipeline.planner import CACHE_NAME, STATE_NAME
from test_cli import booklet

pytestmark = pytest.mark.slow

CATALOG = f"translations/es/LC_MESSAGES/{TREATMENT}.po"
OUTPUTS = sorted(f"{locale}/{TREATMENT}.{name}" for locale in ("en", "es")
                 for name in ("guide.pdf", "large-print.pdf", "epub"))


@pytest.fixture()
def project(tmp_path):
    root = tmp_path / "project"
    # without its glossary, untranslated in Spanish, which would hold the Spanish edition back from publishing
    shutil.copytree(REPO / "sources" / TREATMENT, root / "sources" / TREATMENT,
                    ignore=shutil.ignore_patterns("glossary.toml"))
    shutil.copytree(REPO / "translations" / "es", root / "translations" / "es")
    (root / "booklet.toml").write_text('locales = ["en", "es"]\nlayouts = ["guide", "large-print"]\n'
                                       'formats = ["pdf", "epub"]\n', encoding="utf-8")
    return root


def build(root, *args):
    result = booklet("build", *args, cwd=root)
    assert result.returncode == 0, result.stderr
    return result


def files(out, index=False):
    """Every output with what would show a rewrite: its inode, its modification time and its bytes; with
    `index`, the index page and its thumbnails too."""
    return {p.relative_to(out).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns, p.read_bytes())
            for p in sorted(out.rglob("*")) if p.is_file() and p.name != STATE_NAME
            and CACHE_NAME not in p.relative_to(out).parts
            and (index or (p.name != INDEX_NAME and THUMBS_NAME not in p.relative_to(out).parts))}


def cache_entries(out):
    return {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in sorted((out / CACHE_NAME).iterdir())}


def cache_used(out):
    """The render cache entries each task's record names."""
    return {key: record["cache"] for key, record in json.loads((out / STATE_NAME).read_text())["tasks"].items()}


def change_a_spanish_string(root):
    po = root / CATALOG
    text = po.read_text(encoding="utf-8")
    changed = re.sub(r'^msgstr "Tratamiento', 'msgstr "El tratamiento', text, count=1, flags=re.M)
    assert changed != text
    po.write_text(changed, encoding="utf-8")


def test_a_build_with_nothing_changed_writes_nothing(project):
    build(project)
    before = files(project / "output", index=True)
    assert sorted(files(project / "output")) == OUTPUTS
    state = project / "output" / STATE_NAME
    state_before = (state.stat().st_ino, state.stat().st_mtime_ns)
    cache_before = cache_entries(project / "output")
    result = build(project)
    assert "0 built, 6 up to date, 0 skipped, 0 failed" in result.stderr
    assert "wrote" not in result.stderr
    assert files(project / "output", index=True) == before  # the index neither
    assert cache_entries(project / "output") == cache_before
    assert (state.stat().st_ino, state.stat().st_mtime_ns) == state_before  # not even the state file


def test_one_changed_string_rebuilds_its_outputs_only_and_as_a_full_build_would(project, tmp_path):
    build(project)
    before = files(project / "output")
    change_a_spanish_string(project)
    dry = build(project, "--dry-run", "--explain")
    planned = re.findall(r"^would build (\S+): (.*)$", dry.stderr, re.M)
    assert sorted(key for key, _ in planned) == [o for o in OUTPUTS if o.startswith("es/")]
    assert all(reason == f"{CATALOG} changed" for _, reason in planned)
    assert files(project / "output") == before  # a dry run builds nothing
    used_before, cache_before = cache_used(project / "output"), cache_entries(project / "output")
    result = build(project)
    assert "3 built, 3 up to date" in result.stderr
    after = files(project / "output")
    # the Spanish EPUB's cover and font subsets are used again where their input did not change (the changed
    # string is the title, which the cover shows), and the cache keeps exactly what the records name
    used = cache_used(project / "output")
    es_epub = f"es/{TREATMENT}.epub"
    kept = [name for name in used[es_epub] if name in used_before[es_epub]]
    assert kept and all(cache_entries(project / "output")[name] == cache_before[name] for name in kept)
    assert any(name.startswith("cover-") for name in used[es_epub]) and \
        not any(name.startswith("cover-") for name in kept)
    assert set(cache_entries(project / "output")) == {name for names in used.values() for name in names}
    for name in OUTPUTS:
        assert (after[name] == before[name]) == name.startswith("en/"), name
    full = tmp_path / "full"
    build(project, "--force", "--out", str(full))
    assert {name: data for name, (_, _, data) in files(full, index=True).items()} == \
           {name: data for name, (_, _, data) in files(project / "output", index=True).items()}


def test_an_output_deleted_or_edited_is_rebuilt_and_force_rebuilds_everything(project):
    build(project)
    out = project / "output"
    (out / OUTPUTS[0]).unlink()
    (out / OUTPUTS[1]).write_bytes(b"edited by hand")
    result = build(project, "--explain")
    assert f"building {OUTPUTS[0]}: {OUTPUTS[0]} is missing" in result.stderr
    assert f"building {OUTPUTS[1]}: {OUTPUTS[1]} was changed since it was built" in result.stderr
    assert "2 built, 4 up to date" in result.stderr
    assert "6 built, 0 up to date" in build(project, "--force").stderr


def test_a_changed_layout_or_setting_rebuilds_what_it_touches(project):
    build(project)
    css = project / "layouts" / "guide" / "guide.css"
    css.parent.mkdir(parents=True)
    css.write_bytes((REPO / "layouts" / "guide" / "guide.css").read_bytes() + b"\nh2 { letter-spacing: 0.01em; }\n")
    planned = re.findall(r"^would build (\S+): (.*)$", build(project, "--dry-run", "--explain").stderr, re.M)
    assert sorted(key for key, _ in planned) == OUTPUTS and all("layouts changed" in r for _, r in planned)
    css.unlink()
    assert "would build 0, 6 up to date" in build(project, "--dry-run").stderr
    planned = re.findall(r"^would build (\S+): (.*)$", build(project, "--dry-run", "--explain", "--paper",
                                                             "letter").stderr, re.M)
    assert sorted(key for key, _ in planned) == OUTPUTS and all("options changed" in r for _, r in planned)


def test_an_unreadable_state_file_rebuilds_everything(project):
    build(project)
    (project / "output" / STATE_NAME).write_text("{not json", encoding="utf-8")
    assert "6 built, 0 up to date" in build(project).stderr
    assert hashlib.sha256((project / "output" / STATE_NAME).read_bytes()).hexdigest()  # written anew
    assert "0 built, 6 up to date" in build(project).stderr


def test_two_workers_write_the_same_bytes_as_one_and_report_every_output(project, tmp_path):
    one, two, report = tmp_path / "one", tmp_path / "two", tmp_path / "report.json"
    sequential = build(project, "-j", "1", "--out", str(one))
    result = build(project, "-j", "2", "--out", str(two), "--report", str(report))
    assert {n: d for n, (_, _, d) in files(one).items()} == {n: d for n, (_, _, d) in files(two).items()}
    # messages come in the planned order, whichever worker finished first
    def wrote(stderr):
        return re.findall(r"^wrote \S+/(\w\w/\S+)$", stderr, re.M)
    assert wrote(result.stderr) == wrote(sequential.stderr) and sorted(wrote(result.stderr)) == OUTPUTS
    data = json.loads(report.read_text(encoding="utf-8"))
    assert sorted(task["output"] for task in data["outputs"]) == OUTPUTS
    assert {task["status"] for task in data["outputs"]} == {"built"} and data["errors"] == []
    assert all(re.fullmatch(r"[0-9a-f]{64}", task["inputs"]) and task["seconds"] > 0 for task in data["outputs"])
    build(project, "--out", str(two), "--report", str(report))
    assert {task["status"] for task in json.loads(report.read_text(encoding="utf-8"))["outputs"]} == {"up to date"}


def test_a_dask_cluster_writes_the_same_bytes_as_one_process(project, tmp_path):
    """`--scheduler local` starts a Dask LocalCluster for the build: its workers get every input as data and
    return bytes; the files are those of a build in one process."""
    one, dask = tmp_path / "one", tmp_path / "dask"
    sequential = build(project, "-j", "1", "--out", str(one))
    result = build(project, "--scheduler", "local", "-j", "2", "--out", str(dask))
    assert "6 built, 0 up to date" in result.stderr
    assert {n: d for n, (_, _, d) in files(one).items()} == {n: d for n, (_, _, d) in files(dask).items()}
    assert [line for line in result.stderr.splitlines() if line.startswith("wrote")] == \
        [line.replace(str(one), str(dask)) for line in sequential.stderr.splitlines() if line.startswith("wrote")]


def test_every_message_has_a_stable_code_in_the_report_and_quiet_prints_only_warnings(project, tmp_path):
    po = project / CATALOG  # the title fuzzy: shown in English, and listed
    po.write_text(po.read_text(encoding="utf-8").replace('msgid "Treatment of neurological', '#, fuzzy\nmsgid '
                                                         '"Treatment of neurological', 1), encoding="utf-8")
    source = next((project / "sources" / TREATMENT).glob("*.txt"))  # page chrome above the article
    source.write_text("Skip to main content\n\n" + source.read_text(encoding="utf-8"), encoding="utf-8")
    report = tmp_path / "report.json"
    result = build(project, "--quiet", "--report", str(report))
    data = json.loads(report.read_text(encoding="utf-8"))
    codes = {m["code"] for m in data["messages"]}
    assert {"build.wrote", "normalise.page-chrome", "translation.fallbacks"} <= codes, codes
    assert all(set(m) == {"code", "text", "severity", "file", "line"} and m["severity"] in ("info", "warning", "error")
               for m in data["messages"])
    normalise = next(m for m in data["messages"] if m["code"] == "normalise.page-chrome")
    assert normalise["file"].endswith(".txt") and normalise["line"] > 0 and normalise["severity"] == "warning"
    # quiet: the warnings and the summary, not one line per file written
    assert "wrote " not in result.stderr and "units shown in the source language" in result.stderr
    assert re.search(r"^6 built, 0 up to date", result.stderr, re.M)


def test_worker_pools_are_replaced_and_every_job_still_runs():
    """Workers are replaced by a new pool after a number of jobs (memory), and no job is lost or left waiting
    at the change: more jobs than one pool takes, with a pool of two workers taking three jobs each."""
    import os

    from pipeline.runner import _Pools

    with _Pools(2, jobs_per_worker=3) as pools:
        futures = [pools.submit(os.getpid) for _ in range(20)]
        done = [future.result(timeout=60) for future in futures]
        assert len(pools.pools) == 4  # 20 jobs, 6 a pool
    assert len(set(done)) > 2  # they ran in more than one pool's workers
