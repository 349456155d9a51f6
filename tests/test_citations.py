"""Citation hosts: found, split and named with the Public Suffix List.  The list is data that moves (the
`publicsuffixlist` package ships a new one every few days), so these tests run on a small fixed list that
states what they assume; the seeds' tests (test_normalise, test_extract) run on the shipped one."""
import pytest

from pipeline import citations
from pipeline.citations import CitationIndex, hosts_only, publisher_name, split_glued_hosts, split_trailing_hosts

# The shape of the real list: ICANN's established suffixes, then its new generic TLDs after "// newGTLDs".
FIXED_PSL = """\
// ===BEGIN ICANN DOMAINS===
com
gov
net
org
pro
bi
nc
ni
nl
uk
co.uk
nhs.uk
// newGTLDs
bio
med
// ===END ICANN DOMAINS===
"""


def _clear_caches():
    for cached in (citations._psl, citations._established_suffixes, citations._split_glued):
        cached.cache_clear()


@pytest.fixture(autouse=True)
def fixed_psl(tmp_path, monkeypatch):
    path = tmp_path / "public_suffix_list.dat"
    path.write_text(FIXED_PSL, encoding="utf-8")
    monkeypatch.setattr(citations, "PSLFILE", str(path))
    _clear_caches()
    yield
    _clear_caches()


@pytest.mark.parametrize("token, hosts", [
    ("pmc.ncbi.nlm.nih.govjournals.lww.com", ["pmc.ncbi.nlm.nih.gov", "journals.lww.com"]),
    ("mdpi.compmc.ncbi.nlm.nih.gov", ["mdpi.com", "pmc.ncbi.nlm.nih.gov"]),
    ("pmc.ncbi.nlm.nih.govactaneurologica.com", ["pmc.ncbi.nlm.nih.gov", "actaneurologica.com"]),
    ("clinicaltrials.govpubmed.ncbi.nlm.nih.gov", ["clinicaltrials.gov", "pubmed.ncbi.nlm.nih.gov"]),
    ("pmc.ncbi.nlm.nih.govpmc.ncbi.nlm.nih.gov", ["pmc.ncbi.nlm.nih.gov", "pmc.ncbi.nlm.nih.gov"]),
    ("bmj.co.ukpmc.ncbi.nlm.nih.gov", ["bmj.co.uk", "pmc.ncbi.nlm.nih.gov"]),  # multi-label suffix co.uk
    ("mayoclinic.orgcdc.govnhs.uk", ["mayoclinic.org", "cdc.gov", "nhs.uk"]),  # three hosts
    ("PMC.NCBI.NLM.NIH.GOV", ["pmc.ncbi.nlm.nih.gov"]),
])
def test_glued_hosts_are_split_by_public_suffix(token, hosts):
    assert split_glued_hosts(token) == hosts


@pytest.mark.parametrize("token", [
    "stemcellres.biomedcentral.com",  # "bio" is a new gTLD: not a trusted glue point
    "pmc.ncbi.nlm.nih.gov",  # "nc", "nl", "ni" are country codes inside ordinary labels
    "www.proteinatlas.org",  # "www.pro" is no registrable host
    "pn.bmj.com",
    # Known limit: a glue after a bare two-letter country code is not trusted, so this stays one host.
    "nhs.ukmayoclinic.org",
])
def test_real_hosts_are_not_split(token):
    assert split_glued_hosts(token) == [token]


@pytest.mark.parametrize("token", ["2.5", "e.g.", "1.000", "mg/kg", "example.invalidtld", "anti-Hu", "4.5mg"])
def test_non_hosts(token):
    assert split_glued_hosts(token) is None


def test_trailing_hosts_detached_only_after_a_sentence_end():
    assert split_trailing_hosts("Rare. pmc.ncbi.nlm.nih.govjournals.lww.com") == (
        "Rare.", ["pmc.ncbi.nlm.nih.gov", "journals.lww.com"])
    assert split_trailing_hosts("Works (see trial). mdpi.com pubmed.ncbi.nlm.nih.gov") == (
        "Works (see trial).", ["mdpi.com", "pubmed.ncbi.nlm.nih.gov"])
    assert split_trailing_hosts("For more, visit nhs.uk") == ("For more, visit nhs.uk", [])
    assert split_trailing_hosts("Take 2.5 mg.") == ("Take 2.5 mg.", [])


def test_line_of_hosts_only():
    assert hosts_only("mayoclinic.org pn.bmj.com") == ["mayoclinic.org", "pn.bmj.com"]
    assert hosts_only("See mayoclinic.org") is None


def test_publisher_names_most_specific_entry_wins():
    assert publisher_name("pmc.ncbi.nlm.nih.gov") == "PubMed Central"
    assert publisher_name("pubmed.ncbi.nlm.nih.gov") == "PubMed"
    assert publisher_name("ncbi.nlm.nih.gov") == "National Center for Biotechnology Information"
    assert publisher_name("www.nhs.uk") == "NHS"
    assert publisher_name("journals.example.co.uk") == "example.co.uk"  # unknown: its registrable domain


def test_citations_numbered_in_order_of_first_use_one_per_host():
    index = CitationIndex()
    assert index.cite(["b.org", "a.com", "b.org"]) == [1, 2]
    assert index.cite(["A.com", "c.net"]) == [2, 3]
    citations = index.citations()
    assert [(c.number, c.domain, c.url) for c in citations] == [
        (1, "b.org", "https://b.org/"), (2, "a.com", "https://a.com/"), (3, "c.net", "https://c.net/")]
