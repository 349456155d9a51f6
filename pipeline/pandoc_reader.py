"""Markdown, HTML, DOCX and ODT -> model.Document, through pandoc's readers and its JSON AST.

Pandoc parses the file (with `--sandbox`: reading never fetches a file or URL named in the input) and the
AST is mapped onto `extract.DocumentBuilder`, so section ids, citation numbering and list terms are decided
in the same place as for plain text.

Title: a single heading at the highest level used, at the very start (`# Title`, `<h1>`), is the title and
not a section: it becomes the title when none is given and is dropped when it has the given title's words.
Otherwise the title is the given one, else pandoc's metadata title (HTML `<title>`, YAML `title:`, DOCX core
properties), else the file name.  Heading levels are relative: the highest level left becomes depth 1.

Question-and-answer pairs are read in two forms:
1. a paragraph that is one question ("…?", optionally numbered "1. …?" and/or in bold) followed by a
   paragraph, which is the answer;
2. an ordered-list item whose first paragraph is a question, then a line break (soft or hard) and the
   answer, or a second paragraph holding the answer ("1. Question?\\n   Answer." in Markdown).
A heading that ends in "?" stays a section heading.

A table becomes a model Table: its first head row holds the column headings, every other row (further head
rows, body and foot) is a body row; the first column names the rows where the source marks it so (pandoc's
row head columns, from <th> in HTML body rows) or where extract.names_rows finds it does.

Lossy by design (said here so nothing is lost silently):
- a cell spanning rows or columns is one cell (its text kept, its span not); a table inside a list item or a
  definition becomes one paragraph per row there, its cells joined with " – " (the model has no nested blocks);
- a nested list is flattened into items following its parent item in the same list;
- an item's or a table cell's later paragraphs are joined to its first with a space;
- images (and so their alt text and a figure's caption), code blocks, raw HTML/TeX, horizontal rules and
  footnote text are dropped; a footnote's links still count as citations of its block;
- links keep only their visible text; the host of an http(s) target becomes a citation of the block,
  except in headings, which carry no citations;
- super/subscripts become Unicode super/subscript characters where every character has one (m², H₂O),
  else plain text.
Any other pandoc node raises BookletError naming it.
"""
from __future__ import annotations

import glob
import json
import re
import subprocess
from pathlib import Path
from typing import Any, Callable

import pypandoc

from pipeline.citations import is_private_host, split_trailing_hosts, url_host
from pipeline.errors import BookletError
from pipeline.extract import DocumentBuilder, same_words
from pipeline.model import Document, Meta
from pipeline.normalise import Change
from pipeline.textcheck import read_text

FORMATS = ("markdown", "html", "docx", "odt")

Node = dict[str, Any]
Unit = tuple[str, list[str]]  # text and its citation hosts

_SKIPPED_BLOCKS = {"CodeBlock", "RawBlock", "HorizontalRule"}
_BREAKS = {"SoftBreak", "LineBreak"}
_NUMBERED = re.compile(r"^\d{1,3}[.)]\s+")
_INNER_SENTENCE_END = re.compile(r"[.!?]\s")
_PANDOC_PREFIX = re.compile(r'^Pandoc died with exitcode "?\d+"? during conversion:\s*')
_QUOTES = {"DoubleQuote": "“{}”", "SingleQuote": "‘{}’"}
_SUPER = str.maketrans("0123456789+-−=()n", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁻⁼⁽⁾ⁿ")
_SUB = str.maketrans("0123456789+-−=()", "₀₁₂₃₄₅₆₇₈₉₊₋₋₌₍₎")


MAX_DEPTH = 20  # lists, block quotes and divs nested deeper than this are refused (no article needs more)


def read_structured(path: Path, fmt: str, doc_id: str, lang: str, meta: Meta,
                    title: str | None = None, text: str | None = None, warnings: list | None = None) -> Document:
    """Read a Markdown, HTML, DOCX or ODT file (`fmt` is the pandoc reader name) into a Document.  Markdown and
    HTML are decoded by us (textcheck.read_text: strict UTF-8, no control characters) and handed to pandoc as
    that text (`text`, read from `path` when not given); for DOCX and ODT the text pandoc gives back is checked."""
    path = Path(path)
    if fmt not in FORMATS:
        raise BookletError(f"unsupported structured format {fmt!r} (expected one of {', '.join(FORMATS)})", path)
    if fmt in ("markdown", "html") and text is None:
        if not path.is_file():
            raise BookletError("file not found", path)
        text = read_text(path)
    ast = _pandoc_ast(path, fmt, text)
    _check_depth(ast["blocks"], path, text)
    if text is None:
        _check_strings(ast, path)
    reader = _Reader(path, text)
    blocks = ast["blocks"]
    first = _title_heading(blocks)
    if first is not None:
        text = reader.inline_text(first["c"][2])
        if title is None or same_words(text, title):
            title = title or text
            reader.skip = first
    title = title or _meta_title(ast.get("meta", {}), reader) or path.stem
    levels = [h["c"][0] for h in _headers(blocks) if h is not reader.skip]
    reader.top_level = min(levels, default=1)
    reader.blocks(blocks)
    if warnings is not None:
        warnings += reader.warnings
    return reader.builder.finish(doc_id, lang, title, meta)


PANDOC_TIMEOUT = 120  # seconds


def _pandoc_ast(path: Path, fmt: str, text: str | None = None) -> dict[str, Any]:
    """pandoc's JSON AST of `text` (already decoded: given to pandoc as UTF-8 on its standard input, run
    directly as epub.write_epub does) or, for DOCX and ODT, of the file at `path`."""
    if text is not None:
        args = [pypandoc.get_pandoc_path(), f"--from={fmt}", "--to=json", "--sandbox"]
        try:
            done = subprocess.run(args, input=text.encode("utf-8"), capture_output=True, timeout=PANDOC_TIMEOUT)
        except subprocess.TimeoutExpired:
            raise BookletError(f"pandoc did not read this within {PANDOC_TIMEOUT} s", path) from None
        if done.returncode != 0:
            lines = [line.strip() for line in done.stderr.decode("utf-8", "replace").splitlines() if line.strip()]
            raise BookletError(f"pandoc could not read this as {fmt}: {lines[0] if lines else 'unknown error'}",
                               path)
        return json.loads(done.stdout)
    if not path.is_file():
        raise BookletError("file not found", path)
    try:
        # Absolute and glob-escaped: pypandoc globs its argument and treats URLs as sources.
        out = pypandoc.convert_file(glob.escape(str(path.resolve())), "json", format=fmt, extra_args=["--sandbox"])
    except (RuntimeError, OSError) as e:
        lines = [line.strip() for line in _PANDOC_PREFIX.sub("", str(e).strip()).splitlines() if line.strip()]
        raise BookletError(f"pandoc could not read this as {fmt}: {lines[0] if lines else 'unknown error'}",
                           path) from None
    return json.loads(out)


_NESTING = {"BulletList", "OrderedList", "BlockQuote", "Div", "DefinitionList", "Figure", "Table"}


def _check_depth(blocks: list[Node], path: Path, text: str | None) -> None:
    """Refuse lists, quotes and divs nested deeper than MAX_DEPTH, walking the AST without recursion (the reader
    below recurses), naming the line of the first text too deep where it can be found in `text`."""
    stack: list[tuple[Any, int]] = [(blocks, 0)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, list):
            stack.extend((child, depth) for child in reversed(node))
        elif isinstance(node, dict):
            inner = depth + (node.get("t") in _NESTING)
            if inner > MAX_DEPTH:
                raise BookletError(f"lists, quotes or sections nested more than {MAX_DEPTH} deep; flatten them",
                                   path, _line_of_words(_first_words(node), text))
            stack.append((node.get("c"), inner))


def _first_words(node: Any) -> str | None:
    """The words of the first paragraph in `node` (Str and Space only), to find its line in the source."""
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if item.get("t") in ("Plain", "Para"):
                words = []
                for inline in item["c"]:
                    if inline["t"] not in ("Str", "Space"):
                        break
                    words.append(inline["c"] if inline["t"] == "Str" else " ")
                return "".join(words).strip() or None
            stack.append(item.get("c"))
        elif isinstance(item, list):
            stack.extend(reversed(item))
    return None


def _line_of_words(words: str | None, text: str | None) -> int | None:
    if not words or text is None or (at := text.find(words)) < 0:
        return None
    return text.count("\n", 0, at) + 1


def _check_strings(ast: dict[str, Any], path: Path) -> None:
    """Control and invisible characters (textcheck) in the text pandoc read from a DOCX or ODT, including its
    metadata (no lines there: the file is named)."""
    from pipeline.textcheck import describe, first_refused

    stack: list[Any] = [ast.get("meta"), ast.get("blocks")]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.append(item.get("c"))
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, str) and (index := first_refused(item)) is not None:
            raise BookletError(f"{describe(item[index])} in the text pandoc read from this file; remove it", path)


class _Reader:
    def __init__(self, path: Path, text: str | None = None) -> None:
        self.path = path
        self.text = text  # the decoded source (Markdown, HTML), to find lines in
        self.warnings: list[Change] = []
        self.builder = DocumentBuilder()
        self.skip: Node | None = None  # the title heading, when it is not a section
        self.top_level = 1

    # -- inlines ---------------------------------------------------------------------------------------

    def inlines(self, nodes: list[Node], hosts: list[str]) -> str:
        out = []
        for node in nodes:
            handler = _INLINE.get(node["t"])
            if handler is None:
                raise BookletError(f"unsupported pandoc inline element {node['t']!r}", self.path)
            out.append(handler(self, node.get("c"), hosts))
        return "".join(out)

    def inline_text(self, nodes: list[Node]) -> str:
        return _squash(self.inlines(nodes, []))

    def unit(self, nodes: list[Node]) -> Unit:
        """Text of a paragraph-like run of inlines: links' hosts, then trailing citation hosts."""
        hosts: list[str] = []
        text, trailing = split_trailing_hosts(_squash(self.inlines(nodes, hosts)))
        return text, hosts + trailing

    def _link(self, c: list[Any], hosts: list[str]) -> str:
        _, content, (url, _title) = c
        self.cite_url(url, hosts)
        return self.inlines(content, hosts)

    def cite_url(self, url: str, hosts: list[str]) -> None:
        """An http(s) link is a citation, with its URL as given; a loopback or private-network one is dropped
        with a warning (it points at someone's own machine or network, not at a source)."""
        host = _url_host(url)
        if not host:
            return
        if is_private_host(host):
            shown = url.replace("%5B", "[").replace("%5D", "]")
            line = _line_of_words(shown, self.text) or _line_of_words(url, self.text) or 1
            self.warnings.append(Change("citation", line, f"dropped a link to a local or private-network address, "
                                                          f"not a source: {shown}", warning=True))
            return
        hosts.append(url)

    # -- blocks ----------------------------------------------------------------------------------------

    def blocks(self, blocks: list[Node]) -> None:
        i = 0
        while i < len(blocks):
            block = blocks[i]
            nxt = blocks[i + 1] if i + 1 < len(blocks) else None
            if block["t"] in ("Para", "Plain") and nxt is not None and nxt["t"] in ("Para", "Plain"):
                (q, q_hosts), (a, a_hosts) = self.unit(block["c"]), self.unit(nxt["c"])
                if _is_question(q) and a and not _is_question(a):
                    self.builder.question(_NUMBERED.sub("", q), a, q_hosts + a_hosts)
                    i += 2
                    continue
            self.block(block)
            i += 1

    def block(self, block: Node) -> None:
        kind, c = block["t"], block.get("c")
        if kind in ("Para", "Plain"):
            self._paragraphs([self.unit(c)])
        elif kind == "Header":
            text = self.inline_text(c[2])
            if block is not self.skip and text:
                self.builder.heading(text, c[0] - self.top_level + 1)
        elif kind == "BulletList":
            self._list(c, ordered=False)
        elif kind == "OrderedList":
            self._ordered(c[1])
        elif kind == "DefinitionList":
            self._list_units(self.units(block), ordered=False)
        elif kind == "BlockQuote":
            self.blocks(c)
        elif kind in ("Div", "Figure"):
            self.blocks(c[-1])  # a figure's caption is an image's caption: not body text
        elif kind == "Table":
            self._table(c)
        elif kind == "LineBlock":
            self._paragraphs(self.units(block))
        elif kind not in _SKIPPED_BLOCKS:
            raise BookletError(f"unsupported pandoc block element {kind!r}", self.path)

    def _paragraphs(self, units: list[Unit]) -> None:
        for text, hosts in units:
            if text:
                self.builder.paragraph(text, hosts)

    def _list(self, items: list[list[Node]], ordered: bool) -> None:
        self._list_units([u for item in items for u in self._item_units(item)], ordered)

    def _list_units(self, units: list[Unit], ordered: bool) -> None:
        units = [u for u in units if u[0]]
        if units:
            self.builder.list(units, ordered)

    def _ordered(self, items: list[list[Node]]) -> None:
        """An ordered list, where items made of a question and its answer become Q&A pairs."""
        run: list[list[Node]] = []
        for item in items:
            qa = self._qa_item(item)
            if qa is None:
                run.append(item)
                continue
            self._list(run, ordered=True)
            run = []
            self.builder.question(*qa)
        self._list(run, ordered=True)

    def _qa_item(self, item: list[Node]) -> tuple[str, str, list[str]] | None:
        if not item or any(b["t"] not in ("Para", "Plain") for b in item):
            return None
        first = item[0]["c"]
        for i, node in enumerate(first):
            if node["t"] in _BREAKS:
                q_hosts: list[str] = []
                question = _squash(self.inlines(first[:i], q_hosts))
                if _is_question(question):
                    answer, a_hosts = self._join([self.unit(first[i + 1:])] + [self.unit(b["c"]) for b in item[1:]])
                    return (question, answer, q_hosts + a_hosts) if answer else None
        if len(item) > 1:
            question, q_hosts = self.unit(first)
            answer, a_hosts = self._join([self.unit(b["c"]) for b in item[1:]])
            if _is_question(question) and answer:
                return question, answer, q_hosts + a_hosts
        return None

    # -- blocks as text units (inside list items, table cells, definitions, metadata) -------------------

    def units(self, block: Node) -> list[Unit]:
        kind, c = block["t"], block.get("c")
        if kind in ("Para", "Plain"):
            return [self.unit(c)]
        if kind == "Header":
            return [self.unit(c[2])]
        if kind == "LineBlock":
            return [self.unit(line) for line in c]
        if kind == "BlockQuote":
            return self._blocks_units(c)
        if kind in ("Div", "Figure"):
            return self._blocks_units(c[-1])
        if kind == "BulletList":
            return [u for item in c for u in self._item_units(item)]
        if kind == "OrderedList":
            return [u for item in c[1] for u in self._item_units(item)]
        if kind == "DefinitionList":
            return [self._definition(term, defs) for term, defs in c]
        if kind == "Table":
            return self._table_units(c)
        if kind in _SKIPPED_BLOCKS:
            return []
        raise BookletError(f"unsupported pandoc block element {kind!r}", self.path)

    def _blocks_units(self, blocks: list[Node]) -> list[Unit]:
        return [u for b in blocks for u in self.units(b)]

    def _item_units(self, item: list[Node]) -> list[Unit]:
        # The item's own text is its paragraphs joined; a nested list inside it is flattened into the
        # items that follow it in the same list (the model has no nested lists).
        own = [u for b in item if b["t"] not in ("BulletList", "OrderedList") for u in self.units(b)]
        nested = [u for b in item if b["t"] in ("BulletList", "OrderedList") for u in self.units(b)]
        return [self._join(own)] + nested

    def _definition(self, term: list[Node], definitions: list[list[Node]]) -> Unit:
        term_text, term_hosts = self.unit(term)
        desc, hosts = self._join([u for d in definitions for u in self._blocks_units(d)])
        return (f"{term_text} – {desc}" if desc else term_text), term_hosts + hosts

    def _table(self, c: list[Any]) -> None:
        _, (_, caption), _, head, bodies, foot = c
        rows = [self._row_cells(row) for row in _table_rows(head, bodies, foot)]
        header, body = (rows[0], rows[1:]) if head[1] else ([], rows)
        if not any(text for text, _ in header):
            header = []  # a Markdown table "without" headings has a head row of empty cells
        if not any(text for row in body for text, _ in row):
            self._paragraphs([u for u in [self._join(self._blocks_units(caption))] + header if u[0]])
            return
        marked = any(b[1] > 0 for b in bodies)  # the source says its first column heads the rows
        self.builder.table(header, body, self._join(self._blocks_units(caption)), row_headers=marked or None)

    def _row_cells(self, row: list[Any]) -> list[Unit]:
        return [self._join(self._blocks_units(cell[4])) for cell in row[1]]

    def _table_units(self, c: list[Any]) -> list[Unit]:
        """A table where the model has no place for one (in a list item): its caption, then a unit per row."""
        _, (_, caption), _, head, bodies, foot = c
        units = [self._join(self._blocks_units(caption))]
        for row in _table_rows(head, bodies, foot):
            parts = [p for p in self._row_cells(row) if p[0]]
            units.append((" – ".join(t for t, _ in parts), [h for _, hs in parts for h in hs]))
        return units

    @staticmethod
    def _join(units: list[Unit]) -> Unit:
        return _squash(" ".join(t for t, _ in units)), [h for _, hs in units for h in hs]


def _table_rows(head: list[Any], bodies: list[Any], foot: list[Any]) -> list[Any]:
    """Every row of a pandoc table in reading order: head rows, each body's head rows and rows, foot rows."""
    return head[1] + [r for body in bodies for r in body[2] + body[3]] + foot[1]


def _scripted(table: dict[int, str]) -> Callable[[_Reader, Any, list[str]], str]:
    def handler(r: _Reader, c: Any, hosts: list[str]) -> str:
        text = r.inlines(c, hosts)
        mapped = text.translate(table)
        return mapped if all(ord(ch) in table for ch in text) else text
    return handler


def _note(r: _Reader, c: Any, hosts: list[str]) -> str:
    for url in _link_targets(c):
        r.cite_url(url, hosts)
    return ""


_INLINE: dict[str, Callable[[_Reader, Any, list[str]], str]] = {
    "Str": lambda r, c, h: c,
    "Space": lambda r, c, h: " ",
    "SoftBreak": lambda r, c, h: " ",
    "LineBreak": lambda r, c, h: " ",
    **dict.fromkeys(["Emph", "Strong", "Underline", "Strikeout", "SmallCaps"], lambda r, c, h: r.inlines(c, h)),
    "Superscript": _scripted(_SUPER),
    "Subscript": _scripted(_SUB),
    "Span": lambda r, c, h: r.inlines(c[1], h),
    "Cite": lambda r, c, h: r.inlines(c[1], h),
    "Quoted": lambda r, c, h: _QUOTES[c[0]["t"]].format(r.inlines(c[1], h)),
    "Code": lambda r, c, h: c[1],
    "Math": lambda r, c, h: c[1],
    "Link": _Reader._link,
    "Note": _note,
    "Image": lambda r, c, h: "",  # alt text describes a picture; it is not body text
    "RawInline": lambda r, c, h: "",
}


def _squash(text: str) -> str:
    """Collapse runs of ASCII whitespace (a no-break space is kept: it is typography, not layout)."""
    return re.sub(r"[ \t\r\n]+", " ", text).strip()


def _is_question(text: str) -> bool:
    """One sentence that ends with a question mark (after an optional "1. " number)."""
    body = _NUMBERED.sub("", text)
    return body.endswith("?") and not _INNER_SENTENCE_END.search(body[:-1])


_url_host = url_host


def _link_targets(node: Any) -> list[str]:
    if isinstance(node, list):
        return [url for child in node for url in _link_targets(child)]
    if isinstance(node, dict):
        if node.get("t") == "Link":
            return [node["c"][2][0]] + _link_targets(node["c"][1])
        return _link_targets(node.get("c"))
    return []


def _headers(blocks: list[Node]) -> list[Node]:
    """Headings that become sections: at the top level or inside block quotes and divs."""
    found = []
    for block in blocks:
        if block["t"] == "Header":
            found.append(block)
        elif block["t"] == "BlockQuote":
            found += _headers(block["c"])
        elif block["t"] == "Div":
            found += _headers(block["c"][1])
    return found


def _title_heading(blocks: list[Node]) -> Node | None:
    """The heading the document starts with, where it is the only one at the highest level used."""
    first = _first_block(blocks)
    if first is None or first["t"] != "Header":
        return None
    levels = [h["c"][0] for h in _headers(blocks)]
    top = min(levels)
    return first if first["c"][0] == top and levels.count(top) == 1 else None


def _first_block(blocks: list[Node]) -> Node | None:
    for block in blocks:
        if block["t"] in _SKIPPED_BLOCKS:
            continue
        if block["t"] == "Div":
            inner = _first_block(block["c"][1])
            if inner is None:
                continue
            return inner
        return block
    return None


def _meta_title(meta: dict[str, Any], reader: _Reader) -> str | None:
    value = meta.get("title")
    if not isinstance(value, dict):
        return None
    if value["t"] == "MetaString":
        return _squash(value["c"]) or None
    if value["t"] == "MetaInlines":
        return reader.inline_text(value["c"]) or None
    if value["t"] == "MetaBlocks":
        return reader._join(reader._blocks_units(value["c"]))[0] or None
    return None
