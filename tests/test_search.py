"""The search entries Tandem writes for its pages (generator/site/search.py): people first,
every spelling of a skill, nothing that every ad page shares, nothing live in the markup."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from conftest import SAMPLE, TODAY

from generator.pipeline import Site, build
from generator.site.i18n import Locale, _table
from generator.site.search import (
    SearchEntry,
    entries_text,
    location_of,
    merged_search_index,
    plain,
)

AD_TEMPLATE = Path(__file__).resolve().parent.parent / "generator" / "templates" / "ad.html"
MACROS = AD_TEMPLATE.with_name("_macros.html")


@pytest.fixture(scope="module", params=["en", "de"])
def site(request: pytest.FixtureRequest) -> Site:
    return build(SAMPLE, dt.date.fromisoformat(TODAY), language=request.param)


def entries(site: Site) -> dict[str, SearchEntry]:
    return {page.search.location: page.search for page in site.pages if page.search}


def test_every_open_ad_has_one_entry_and_no_other_ad_has_any(site: Site) -> None:
    found = {loc for loc in entries(site) if loc.startswith("ads/")}
    ads = {p.src_uri for p in site.pages if re.fullmatch(r"ads/[a-z0-9-]+\.md", p.src_uri)}
    assert "ads/jana-schulz/" in found
    assert found <= {location_of(src) for src in ads}
    assert "ads/mia-schaefer/" not in found  # matched: on the site, not in the marketplace


def fixed_texts(lang: str) -> set[str]:
    """Every phrase of the ad page's template that is the same on every ad (no placeholder;
    single words such as "Mit" may well be in someone's own text)."""
    keys = set(re.findall(r't\("([a-z_.]+)"', AD_TEMPLATE.read_text() + MACROS.read_text()))
    table = _table(lang)
    return {
        table[k] for k in keys if k in table and "{" not in table[k] and " " in table[k].strip()
    }


def test_no_ad_entry_repeats_what_every_ad_page_shows(site: Site) -> None:
    lang = "de" if "Start" in {p.title for p in site.pages} else "en"
    stock = fixed_texts(lang)
    assert {"Suggested partners", "Passende Lernpartner"} & stock
    for location, entry in entries(site).items():
        if location.startswith("ads/"):
            for text in stock:
                assert text not in entry.text and text not in entry.title, (location, text)


def test_an_ad_lists_each_skill_once_in_the_sites_language(site: Site) -> None:
    lisa = entries(site)["ads/lisa-meier/"]  # "Präsentieren" and "Public speaking"
    assert len(lisa.tags) == len(set(lisa.tags)) == 2
    de = "Start" in {p.title for p in site.pages}
    assert lisa.tags[0] == ("Präsentieren" if de else "Public speaking")


def test_a_skill_entry_carries_every_spelling_people_use(site: Site) -> None:
    kubernetes = entries(site)["skills/kubernetes/"]
    assert kubernetes.tags == ("Kubernetes",)
    assert {"Kubernetes", "k8s", "kube", "Kuberentes"} <= set(kubernetes.spellings)
    assert kubernetes.boost > 1
    folded = [s.casefold() for s in kubernetes.spellings]
    assert len(folded) == len(set(folded))


def test_people_outrank_pages_of_the_same_words() -> None:
    """Material multiplies a document's score by its boost: a skill page lists its people."""
    site = build(SAMPLE, dt.date.fromisoformat(TODAY))
    by_kind = {loc.split("/")[0]: entry.boost for loc, entry in entries(site).items() if "/" in loc}
    assert by_kind["skills"] > by_kind["ads"] >= by_kind["partnerships"]


def test_contributor_text_is_escaped_and_markdown_flattened() -> None:
    assert plain("**Hi** <script>alert(1)</script> [docs](https://x.example)") == (
        "Hi alert(1) docs"
    )
    assert plain("a <b") == "a &lt;b"
    assert plain("word " * 100, limit=20).endswith(" …")
    assert len(plain("word " * 100, limit=20)) <= 22


def test_entries_are_added_to_materials_index() -> None:
    material = {"config": {"lang": ["en"]}, "docs": [{"location": "tips/", "title": "Tips"}]}
    ours = [SearchEntry("ads/jo/", "Jo", "<p>Berlin</p>", tags=("Python",))]
    merged = json.loads(merged_search_index(json.dumps(material), entries_text(ours), Locale("de")))
    assert merged["config"] == material["config"]
    assert [d["location"] for d in merged["docs"]] == ["tips/", "ads/jo/"]
    assert merged["docs"][1]["tags"] == ["Python"]
    assert merged["tandem"]["did_you_mean"] == "Meintest du {skill}?"


@pytest.mark.parametrize(
    "material",
    [
        {"config": {"lang": ["en", "de"], "separator": "[\\s\\-]+"}, "docs": [{"t": "Über"}]},
        {"docs": [], "config": {}},
        {"config": {"lang": ["de"]}},  # no docs yet
        {},
    ],
)
@pytest.mark.parametrize("count", [0, 1, 3])
def test_the_index_joined_from_texts_is_the_one_json_writes(
    material: dict[str, object], count: int
) -> None:
    ours = [
        SearchEntry(f"ads/{i}/", f"Zoë {i}", "<p>Köln</p>", tags=("C++", "«x»"), boost=2.0)
        for i in range(count)
    ]
    index = json.loads(json.dumps(material))
    index["docs"] = [*index.get("docs", []), *(entry.as_json() for entry in ours)]
    index["tandem"] = {"did_you_mean": Locale("de").t("search.did_you_mean")}
    whole = json.dumps(index, ensure_ascii=False, separators=(",", ":"))
    joined = merged_search_index(json.dumps(material), entries_text(ours), Locale("de"))
    assert joined == whole


@pytest.mark.parametrize(
    ("src_uri", "location"),
    [("index.md", ""), ("ads/index.md", "ads/"), ("ads/jo.md", "ads/jo/")],
)
def test_locations_are_the_pages_urls(src_uri: str, location: str) -> None:
    assert location_of(src_uri) == location
