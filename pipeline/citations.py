"""Citation domains: recognise them at the end of a paragraph, split glued ones, name their publishers.

Web articles copied as text keep their source "chips" as bare host names glued to the end of a paragraph,
sometimes glued to each other (`pmc.ncbi.nlm.nih.govjournals.lww.com`).  Splitting uses the Public Suffix
List (the `publicsuffixlist` package ships it, so nothing is fetched at run time).
"""
from __future__ import annotations

import ipaddress
import re
import tomllib
from functools import cache, lru_cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

from publicsuffixlist import PSLFILE, PublicSuffixList

from pipeline.model import Citation

_HOST_TOKEN = re.compile(r"^(?=.*[a-z])[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$")
_LABEL = re.compile(r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$")
# Text before trailing citation domains ends a sentence: a bare domain after "Visit" is content, not a citation.
_SENTENCE_END = re.compile(r"[.!?)\]\"'”’»]$")
# A glue point is trusted only where the suffix that ends the left host is long enough and is not one of
# ICANN's new generic TLDs: bare two-letter country codes and words like "bio" or "med" begin too many
# ordinary labels ("ncbi" = nc + bi, "biomedcentral" = bio + medcentral).
_MIN_GLUE_SUFFIX = 3
_MAX_TOKEN = 1024  # a few hosts glued together; anything longer is not a citation run

PUBLISHERS_FILE = Path(__file__).with_name("data") / "publishers.toml"


@cache
def _psl() -> PublicSuffixList:
    with open(PSLFILE, "rb") as f:  # the file _established_suffixes reads too
        return PublicSuffixList(f, accept_unknown=False)


@cache
def _established_suffixes() -> frozenset[str]:
    """ICANN suffixes listed before the list's own `// newGTLDs` marker."""
    suffixes = set()
    with open(PSLFILE, encoding="utf-8") as f:
        in_icann = False
        for line in f:
            line = line.strip()
            if line.startswith("// ===BEGIN ICANN DOMAINS==="):
                in_icann = True
            elif line.startswith("// newGTLDs") or line.startswith("// ===END ICANN DOMAINS==="):
                break
            elif in_icann and line.isascii() and line and not line.startswith("//"):
                suffixes.add(line.lstrip("!*."))
    return frozenset(suffixes)


def _is_glue_suffix(suffix: str | None) -> bool:
    return suffix is not None and len(suffix) >= _MIN_GLUE_SUFFIX and suffix in _established_suffixes()


def is_host(name: str) -> bool:
    """A syntactically valid host name of two labels or more ending in a suffix on the Public Suffix List.
    (Some sites are suffixes themselves: `nhs.uk` is listed, so it has no registrable part of its own.)"""
    name = name.lower()
    return bool(_HOST_TOKEN.match(name)) and _psl().publicsuffix(name) is not None


@lru_cache(maxsize=4096)
def _split_glued(token: str) -> tuple[str, ...] | None:
    labels = token.split(".")
    for i in range(1, len(labels) - 1):
        label = labels[i]
        for cut in range(len(label) - 1, 0, -1):
            left = ".".join(labels[:i] + [label[:cut]])
            if not _is_glue_suffix(_psl().publicsuffix(left)) or not _LABEL.match(label[cut:]):
                continue
            registrable = _psl().privatesuffix(left)
            if registrable is None or registrable.startswith("www."):
                continue
            rest = _split_glued(".".join([label[cut:]] + labels[i + 1:]))
            if rest:
                return (left,) + rest
    return (token,) if is_host(token) else None


def split_glued_hosts(token: str) -> list[str] | None:
    """Split a run of host names written without spaces; None when `token` is not made of hosts.

    `pmc.ncbi.nlm.nih.govjournals.lww.com` -> [`pmc.ncbi.nlm.nih.gov`, `journals.lww.com`].
    Scanning labels left to right, a label such as `govjournals` is cut after the longest public suffix
    that completes the host before it, when what follows is itself one or more hosts.
    """
    token = token.lower()
    if len(token) > _MAX_TOKEN or not _HOST_TOKEN.match(token):
        return None
    found = _split_glued(token)
    return list(found) if found else None


def split_trailing_hosts(text: str) -> tuple[str, list[str]]:
    """Detach citation hosts from the end of a paragraph or list item.

    Returns the text without them and the hosts in order (glued runs split). Text that does not end in
    hosts after a sentence end is returned unchanged with no hosts.
    """
    words = text.rstrip().split(" ")
    hosts: list[str] = []
    while len(words) > 1:
        found = split_glued_hosts(words[-1])
        if not found:
            break
        hosts[:0] = found
        words.pop()
    body = " ".join(words).rstrip()
    if not hosts or not _SENTENCE_END.search(body):
        return text, []
    return body, hosts


def hosts_only(text: str) -> list[str] | None:
    """The hosts of a line made only of citation hosts (a source chip on its own line), else None."""
    hosts: list[str] = []
    for word in text.split():
        found = split_glued_hosts(word)
        if not found:
            return None
        hosts += found
    return hosts or None


@cache
def _publishers() -> dict[str, str]:
    with PUBLISHERS_FILE.open("rb") as f:
        return tomllib.load(f)["publishers"]


def publisher_name(host: str) -> str:
    """A readable publisher name for a host: the most specific entry in `data/publishers.toml`,
    else the registrable domain as written (`physio-pedia.com`)."""
    labels = host.lower().split(".")
    for start in range(len(labels) - 1):
        name = _publishers().get(".".join(labels[start:]))
        if name:
            return name
    return _psl().privatesuffix(host.lower()) or host


def url_host(url: str) -> str | None:
    """The host of an http(s) URL, lower case and without `www.`; None for any other URL."""
    try:
        parts = urlsplit(re.sub(r"%5[bB]", "[", re.sub(r"%5[dD]", "]", url)))  # pandoc escapes http://[::1]/
        host = parts.hostname
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not host:
        return None
    return unquote(host).lower().removeprefix("www.")


def is_private_host(host: str) -> bool:
    """Loopback, private-network and link-local hosts (127.0.0.0/8, ::1, localhost, 10/8, 172.16/12,
    192.168/16, 169.254/16, fe80::/10, …): never a source a patient can look up."""
    host = host.lower().strip("[]").rstrip(".")
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    mapped = getattr(address, "ipv4_mapped", None)
    address = mapped or address
    return address.is_loopback or address.is_private or address.is_link_local or address.is_unspecified


class CitationIndex:
    """Numbers citations in order of first use: one number per distinct host for bare host names (shown as
    https://host/), one per distinct URL for links, which keep the scheme, port and path they were given."""

    def __init__(self) -> None:
        self._numbers: dict[str, int] = {}

    def cite(self, hosts: list[str]) -> list[int]:
        """`hosts`: bare host names and http(s) URLs."""
        numbers: list[int] = []
        for host in hosts:
            key = host if "://" in host else host.lower()
            number = self._numbers.setdefault(key, len(self._numbers) + 1)
            if number not in numbers:
                numbers.append(number)
        return numbers

    def citations(self) -> list[Citation]:
        found = []
        for key, n in self._numbers.items():
            host = url_host(key) if "://" in key else key
            url = key if "://" in key else f"https://{key}/"
            found.append(Citation(number=n, domain=host, publisher=publisher_name(host), url=url))
        return found
