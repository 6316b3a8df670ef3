"""The marketplace as built: pages of cards with plain links between them, every open ad as
compact data beside them, and chips that name the taxonomy's skills.

Sizes are bounds on structure (cards per page, bytes per card, bytes per ad of data), never
timings; benchmarks/marketplace.py measures the rest in a browser.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import SAMPLE, TODAY

from generator.data.model import Ad
from generator.pipeline import gather
from generator.site.i18n import locale_for
from generator.site.views import (
    CARDS_PER_PAGE,
    PageLink,
    SiteIndex,
    card_of,
    index_site,
    market_order,
    market_page_path,
    page_links,
)

MEAN_CARD_BYTES = 1_500  # a card's markup on average: name, meta, chips, the foot
MAX_CARD_BYTES = 2_600  # the largest: up to 8 offers and 8 seeks, each with its tooltip
MAX_ROW_BYTES = 140  # one ad's row in ads/index.json
MAX_SKILL_BYTES = 150  # one skill in its table: key, name and the taxonomy's spellings
MAX_FIRST_VIEW = 300 * 1024  # issue 13's bound, here on a few hundred ads


class MarketPage(HTMLParser):
    """A marketplace page as built: its cards in order, each card's chips, the page links."""

    def __init__(self) -> None:
        super().__init__()
        self.cards: list[str] = []
        self.chips: dict[str, list[dict[str, str]]] = {}
        self.links: dict[str, str] = {}  # rel -> href
        self.numbers: list[str] = []  # the numbered page links' hrefs
        self._in_pages = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        classes = values.get("class", "").split()
        if tag == "article" and "tandem-card" in classes:
            self.cards.append(values["data-id"])
            self.chips[values["data-id"]] = []
        elif tag == "a" and "tandem-chip" in classes:
            self.chips[self.cards[-1]].append(values)
        elif tag == "nav" and "tandem-pages" in classes:
            self._in_pages = True
        elif tag == "a" and self._in_pages:
            if values.get("rel"):
                self.links[values["rel"]] = values["href"]
            else:
                self.numbers.append(values["href"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "nav":
            self._in_pages = False


def read_page(path: Path) -> MarketPage:
    page = MarketPage()
    page.feed(path.read_text("utf-8"))
    return page


def market_pages(site: Path) -> list[tuple[Path, MarketPage]]:
    """Every page of the marketplace, followed from /ads/ by its "older" links."""
    found = []
    path = site / "ads" / "index.html"
    while True:
        page = read_page(path)
        found.append((path, page))
        if "next" not in page.links:
            return found
        path = (path.parent / page.links["next"]).resolve() / "index.html"


def market_data(site: Path) -> dict[str, object]:
    loaded: dict[str, object] = json.loads((site / "ads" / "index.json").read_text("utf-8"))
    return loaded


def data_ids(site: Path) -> list[str]:
    ads = market_data(site)["ads"]
    assert isinstance(ads, list)
    return [row[0] for row in ads]


# --- pages and data on a few hundred ads -------------------------------------------------------


def test_pages_hold_every_open_ad_once_newest_first(synthetic_site: Path) -> None:
    pages = market_pages(synthetic_site)
    ids = data_ids(synthetic_site)
    assert len(ids) > 2 * CARDS_PER_PAGE, "the synthetic set should need three pages or more"
    assert len(pages) == -(-len(ids) // CARDS_PER_PAGE)
    assert [card for _, page in pages for card in page.cards] == ids
    assert all(len(page.cards) == CARDS_PER_PAGE for _, page in pages[:-1])
    addresses = [path.parent.relative_to(synthetic_site).as_posix() + "/" for path, _ in pages]
    assert addresses == [market_page_path(n) for n in range(1, len(pages) + 1)]
    assert not (synthetic_site / "ads" / "page" / "1").exists(), "page 1 is /ads/ itself"


def test_page_links_go_both_ways(synthetic_site: Path) -> None:
    pages = market_pages(synthetic_site)
    assert "prev" not in pages[0][1].links
    for (path, page), (after, _) in itertools.pairwise(pages):
        assert (path.parent / page.links["next"]).resolve() == after.parent
        back = read_page(after).links["prev"]
        assert (after.parent / back).resolve() == path.parent
    last_path, last = pages[-1]
    assert "next" not in last.links
    assert (last_path.parent / last.numbers[0]).resolve() == synthetic_site / "ads"


def test_the_first_view_is_one_page_of_cards(synthetic_site: Path) -> None:
    html = (synthetic_site / "ads" / "index.html").read_text("utf-8")
    cards = re.findall(r'<article class="tandem-card".*?</article>', html, flags=re.DOTALL)
    assert len(cards) == CARDS_PER_PAGE
    sizes = [len(card.encode()) for card in cards]
    assert sum(sizes) / len(sizes) <= MEAN_CARD_BYTES
    assert max(sizes) <= MAX_CARD_BYTES
    assert len(html.encode()) <= MAX_FIRST_VIEW
    # The filters are in the page, not made by a script: nothing moves when it runs.
    assert 'id="tandem-filters"' in html and 'id="tandem-filters" hidden' not in html


def test_the_data_is_compact(synthetic_site: Path) -> None:
    raw = (synthetic_site / "ads" / "index.json").read_bytes()
    data = market_data(synthetic_site)
    ads, skills = data["ads"], data["skills"]
    assert isinstance(ads, list) and isinstance(skills, list)
    assert b": " not in raw and b", " not in raw[:200]  # no padding between tokens
    assert compact_size(ads) <= MAX_ROW_BYTES * len(ads)
    assert compact_size(skills) <= MAX_SKILL_BYTES * len(skills)


def compact_size(value: object) -> int:
    return len(json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode())


def test_later_pages_stay_out_of_search_and_nav(synthetic_site: Path) -> None:
    index = json.loads((synthetic_site / "search" / "search_index.json").read_text("utf-8"))
    locations = {doc["location"] for doc in index["docs"]}
    assert locations, "the search index is empty"
    assert not [loc for loc in locations if loc.startswith("ads/page/") or loc == "ads/"]
    page_two = (synthetic_site / "ads" / "page" / "2" / "index.html").read_text("utf-8")
    assert "page 2 of" in page_two
    home = (synthetic_site / "index.html").read_text("utf-8")
    assert "ads/page/2/" not in home


# --- the views --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample_index() -> SiteIndex:
    return index_site(gather(SAMPLE, dt.date.fromisoformat(TODAY)), locale_for("en"))


def ad(site: SiteIndex, ad_id: str) -> Ad:
    return site.ads[ad_id]


@pytest.mark.parametrize(
    ("page", "pages", "numbers"),
    [
        (1, 1, []),
        (1, 2, [1, 2]),
        (1, 9, [1, 2, 3, 0, 9]),
        (5, 9, [1, 0, 3, 4, 5, 6, 7, 0, 9]),
        (4, 9, [1, 2, 3, 4, 5, 6, 0, 9]),
        (9, 9, [1, 0, 7, 8, 9]),
    ],
)
def test_page_links_show_the_ends_and_the_neighbourhood(
    page: int, pages: int, numbers: list[int]
) -> None:
    links = page_links(page, pages)
    assert [link.number for link in links] == numbers
    assert PageLink(0, "") not in links or all(link.path for link in links if link.number)


def test_a_card_names_each_skill_once_by_its_canonical_name(sample_index: SiteIndex) -> None:
    card = card_of(sample_index, ad(sample_index, "mia-schaefer"))
    negotiation = [chip for chip in card.offers if chip.key == "negotiation"]
    assert len(negotiation) == 1, "Negotiation and Verhandlungsführung are one skill"
    assert negotiation[0].name == "Negotiation"
    # as on the ad page: the tooltip names only the spellings that differ from the name
    assert negotiation[0].written == "Verhandlungsführung"


def test_a_chip_keeps_the_authors_words_only_when_they_differ(sample_index: SiteIndex) -> None:
    ben = card_of(sample_index, ad(sample_index, "ben-taylor"))
    typo = next(chip for chip in ben.offers + ben.seeks if chip.key == "kubernetes")
    assert (typo.name, typo.written) == ("Kubernetes", "Kuberentes")
    jana = card_of(sample_index, ad(sample_index, "jana-schulz"))
    exact = next(chip for chip in jana.offers if chip.key == "kubernetes")
    assert (exact.name, exact.written) == ("Kubernetes", "")


def test_a_german_site_names_skills_in_german() -> None:
    site = index_site(gather(SAMPLE, dt.date.fromisoformat(TODAY)), locale_for("de"))
    card = card_of(site, site.ads["ines-costa"])
    analysis = next(chip for chip in card.offers if chip.key == "data-analysis")
    assert (analysis.name, analysis.written) == ("Datenanalyse", "Data analysis")


def test_the_data_follows_the_pages_order(sample_index: SiteIndex) -> None:
    order = market_order(sample_index)
    assert [a.posted for a in order] == sorted((a.posted for a in order), reverse=True)
    assert {a.id for a in order} == {a.id for a in sample_index.open}


def test_every_chip_links_to_its_skill_page(sample_site: Path) -> None:
    path = sample_site / "ads" / "index.html"
    page = read_page(path)
    chips = [chip for card in page.cards for chip in page.chips[card]]
    assert chips
    for chip in chips:
        assert (path.parent / chip["href"] / "index.html").resolve().is_file(), chip
    titled = {chip.get("title") for chip in chips} - {None}
    assert "written as: Kuberentes" in titled
