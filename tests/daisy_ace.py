"""DAISY Ace, the EPUB accessibility checker (axe-core rules on every content document, plus EPUB checks on
the package metadata and navigation), run on one EPUB; its JSON report read as a list of violations.

Ace is the npm package @daisy/ace-cli pinned in tools/ace (`npm ci` there; `make test` does it), started
through tools/ace/ace.js, which points its puppeteer at a system Chromium (Debian's /usr/bin/chromium unless
PUPPETEER_EXECUTABLE_PATH names another) with the flags for a machine with no network.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import BookletError

ACE_DIR = Path(__file__).resolve().parent.parent / "tools" / "ace"  # a test tool of the repository, not shipped
ACE_SCRIPT = ACE_DIR / "ace.js"
ACE_TIMEOUT = 300  # seconds for one EPUB; the seed documents take under 15 s
IMPACTS = ("minor", "moderate", "serious", "critical")  # axe-core's scale, which Ace's own checks use too
ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*m")


@dataclass(frozen=True)
class Violation:
    impact: str   # one of IMPACTS
    rule: str     # axe-core rule id (html-has-lang, image-alt, …) or Ace's own (metadata-accessmode, …)
    message: str  # what is wrong in this instance
    file: str     # the document as Ace names it: content documents relative to the package document
    element: str  # CSS selector of the failing element; empty for a check on the whole document or package

    def __str__(self) -> str:
        where = f"{self.file} {self.element}".strip()
        return f"{self.impact} {self.rule} at {where}: {self.message}"


def check_epub(epub: str | Path) -> list[Violation]:
    """Run Ace on `epub` and return every violation it reports, of any impact."""
    epub = Path(epub)
    node = shutil.which("node")
    if node is None:
        raise BookletError("node not found: Ace needs Node.js 20 or later (with npm) on the PATH", epub)
    if not (ACE_DIR / "node_modules" / "@daisy" / "ace-cli").is_dir():
        raise BookletError("Ace is not installed: run `make test`, or `npm ci` in tools/ace", ACE_DIR)
    with tempfile.TemporaryDirectory(prefix="booklet-ace-") as work:
        work = Path(work)
        # Ace reads a user config file and writes a log under the XDG folders, and it unpacks the EPUB and
        # puppeteer makes a browser profile under TMPDIR (left behind when the browser fails to start): all
        # go in `work`, away from the user's home and settings, and are removed with it.
        env = {**os.environ, "XDG_CONFIG_HOME": str(work / "config"), "XDG_STATE_HOME": str(work / "state"),
               "TMPDIR": str(work)}
        args = [node, str(ACE_SCRIPT), "--lang", "en", "--outdir", str(work / "report"), str(epub.resolve())]
        with subprocess.Popen(args, cwd=work, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True, errors="replace") as ace:
            try:
                stdout, stderr = ace.communicate(timeout=ACE_TIMEOUT)
            except subprocess.TimeoutExpired:
                # SIGTERM, not SIGKILL: puppeteer then closes Chromium, which runs in a process group of its own.
                ace.terminate()
                try:
                    ace.communicate(timeout=30)
                except subprocess.TimeoutExpired:
                    ace.kill()
                raise BookletError(f"Ace did not finish within {ACE_TIMEOUT} s", epub) from None
        report = work / "report" / "report.json"
        if ace.returncode != 0 or not report.is_file():
            raise BookletError(f"Ace failed ({ace.returncode}): {first_error(stderr + stdout)}", epub)
        try:
            data = json.loads(report.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as err:
            raise BookletError(f"Ace wrote an unreadable report.json: {err}", epub) from None
    return parse_report(data, epub)


def first_error(output: str) -> str:
    """Ace's first error line (its log lines read `error:   …`, in colour), else its first line of output."""
    lines = [ANSI_ESCAPE.sub("", line).strip() for line in output.splitlines()]
    lines = [line for line in lines if line]
    for line in lines:
        if re.match(r"error:|\w*Error\b", line):
            return re.sub(r"^error:\s*", "", line)
    return lines[0] if lines else "no output"


def parse_report(report: dict, epub: str | Path) -> list[Violation]:
    """The failed assertions of an Ace report.json, in report order.  Assertions nest (the publication, then
    each document, then each rule); a violation is one whose result is `fail` and that names a test."""
    if not isinstance(report, dict) or "assertions" not in report:
        raise BookletError("Ace's report.json has no assertions", epub)
    violations: list[Violation] = []

    def walk(assertions, file: str) -> None:
        for assertion in assertions if isinstance(assertions, list) else []:
            if not isinstance(assertion, dict):
                continue
            file_here = (assertion.get("earl:testSubject") or {}).get("url", file)
            test, result = assertion.get("earl:test"), assertion.get("earl:result") or {}
            if isinstance(test, dict) and result.get("earl:outcome") == "fail":
                impact = test.get("earl:impact")
                if impact not in IMPACTS:
                    raise BookletError(f"Ace reported {test.get('dct:title')!r} with an unknown impact {impact!r}",
                                       epub)
                pointer = result.get("earl:pointer") or {}
                violations.append(Violation(
                    impact=impact,
                    rule=str(test.get("dct:title", "")),
                    message=str(result.get("dct:description") or test.get("dct:description", "")),
                    file=file_here,
                    element=", ".join(pointer.get("css") or []),
                ))
            walk(assertion.get("assertions"), file_here)

    walk(report["assertions"], "")
    return violations
