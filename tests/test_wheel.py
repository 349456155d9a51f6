"""booklet as a clinic installs it: a wheel (not an editable install of this repository) in a virtual
environment of its own, used on a project folder made by `booklet init`, far from this checkout."""
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import REPO

LOCK = REPO / "requirements" / "build.txt"  # the runtime lock `make` installs from
NOT_COPIED = {".git", ".venv", "build", "dist", "output", "node_modules", "__pycache__", ".pytest_cache",
              ".hypothesis"}


def run(*args, cwd, timeout=600):
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "BOOKLET_PROJECT",
                                                             "BOOKLET_CONFIG")}
    done = subprocess.run([str(a) for a in args], cwd=cwd, env=env | {"PIP_NO_INPUT": "1"}, capture_output=True,
                          text=True, timeout=timeout)
    assert done.returncode == 0, f"{args}: {done.stderr[-3000:]}"
    return done


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The wheel, built from a copy of the working tree with the locked setuptools (no build isolation, so
    nothing unpinned is fetched)."""
    tree = tmp_path_factory.mktemp("tree") / "booklet"
    shutil.copytree(REPO, tree, symlinks=True, ignore=lambda folder, names: [n for n in names if n in NOT_COPIED
                                                                           or n.endswith(".egg-info")])
    dist = tree.parent / "dist"
    run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-w", dist, tree, cwd=tree)
    (found,) = dist.glob("booklet-*.whl")
    return found


@pytest.mark.slow
def test_the_wheel_holds_every_layout_font_licence_and_shipped_catalog(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    layouts = [p for p in (REPO / "layouts").rglob("*") if p.is_file()]
    assert layouts and all(f"pipeline/layouts/{p.relative_to(REPO / 'layouts').as_posix()}" in names for p in layouts)
    fonts = [p.name for p in (REPO / "layouts" / "fonts").glob("*.ttf")]
    licences = (REPO / "layouts" / "fonts" / "licences.toml").read_text(encoding="utf-8")
    assert fonts and all(font in licences for font in fonts)
    catalogs = [f"pipeline/translations/{p.relative_to(REPO / 'translations').as_posix()}"
                for p in (REPO / "translations").glob("*/LC_MESSAGES/ui.po")]
    assert catalogs and set(catalogs) <= names and "pipeline/translations/templates/ui.pot" in names
    assert not any(n.startswith("pipeline/translations/") and not n.endswith(("/ui.po", "/ui.pot")) for n in names)
    assert {"pipeline/data/publishers.toml", "pipeline/data/new-project/booklet.toml"} <= names
    assert not any(n.startswith(("sources/", "tests/", "pipeline/check/")) for n in names)


@pytest.mark.slow
def test_an_installed_wheel_builds_a_new_project(wheel, tmp_path):
    venv = tmp_path / "venv"
    run(sys.executable, "-m", "venv", venv, cwd=tmp_path)
    pip = [venv / "bin" / "python", "-m", "pip", "install", "-q", "--no-deps"]
    run(*pip, "--require-hashes", "-r", LOCK, cwd=tmp_path)
    run(*pip, wheel, cwd=tmp_path)
    empty = tmp_path / "work"
    empty.mkdir()
    run(venv / "bin" / "booklet", "init", "my-clinic", cwd=empty)
    project = empty / "my-clinic"
    where = run(venv / "bin" / "python", "-c", "import pipeline; print(pipeline.__file__)", cwd=project).stdout
    assert Path(where.strip()).is_relative_to(venv)  # the installed copy, not this checkout
    run(venv / "bin" / "booklet", "build", "--layout", "guide", cwd=project)
    out = project / "output" / "en"
    (guide,) = out.glob("*.guide.pdf")
    text = " ".join(page.extract_text() for page in PdfReader(guide).pages)
    assert "Looking after a sprained ankle" in text and "When to see a doctor" in text
    (epub,) = out.glob("*.epub")
    entries = zipfile.ZipFile(epub).namelist()
    assert any(e.endswith(".ttf") for e in entries) and "EPUB/fonts/OFL-AtkinsonHyperlegible.txt" in entries
