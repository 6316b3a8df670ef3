"""The marketplace in real Chromium: plain page links without JavaScript, the data fetched
once and only when needed, cards written from it exactly as the template writes them,
filters by any spelling, "did you mean", the skill's feed, the phone's filter panel and a
page that holds still while it loads.

Uses tests/test_browser.py's browser and server; never sleeps.
"""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import test_browser
import test_xss
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import Select
from test_browser import filters, open_page, result_count, serve, wait_until

from generator.site.views import CARDS_PER_PAGE

# test_browser's browsers and sample server, and test_xss's hostile site, as fixtures here.
new_driver = test_browser.new_driver
browser = test_browser.browser
site_url = test_browser.site_url
german_url = test_browser.german_url
hostile_site = test_xss.hostile_site
PHONE = {"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": True}
MAX_LAYOUT_SHIFT = 0.1

# Layout shifts of the page so far (`buffered`: those before the observer too), once a frame
# has passed after the page finished loading.
LAYOUT_SHIFT = """
const done = arguments[arguments.length - 1];
let total = 0;
new PerformanceObserver(list => {
  for (const entry of list.getEntries()) if (!entry.hadRecentInput) total += entry.value;
}).observe({type: "layout-shift", buffered: true});
requestAnimationFrame(() => setTimeout(() => done(total), 0));
"""


@pytest.fixture(scope="module")
def synthetic_url(synthetic_site: Path) -> Any:
    with serve(synthetic_site) as url:
        yield url


@pytest.fixture(scope="module")
def synthetic_ids(synthetic_site: Path) -> list[str]:
    data = json.loads((synthetic_site / "ads" / "index.json").read_text("utf-8"))
    return [row[0] for row in data["ads"]]


@pytest.fixture(scope="module")
def sample_data(sample_site: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((sample_site / "ads" / "index.json").read_text("utf-8"))
    return loaded


def with_skill(data: dict[str, Any], key: str) -> set[str]:
    """The open ads that offer or seek the skill `key`, read from the built data."""
    index = [row[0] for row in data["skills"]].index(key)

    def cells(row: list[Any]) -> list[int]:
        return [c if isinstance(c, int) else c[0] for c in row[7] + row[8]]

    return {row[0] for row in data["ads"] if index in cells(row)}


def shown_ids(driver: WebDriver) -> list[str]:
    """The visible cards, in page order."""
    ids: list[str] = driver.execute_script(
        "return Array.from(document.querySelectorAll('.tandem-card'))"
        ".filter(card => card.checkVisibility()).map(card => card.dataset.id)"
    )
    return ids


def data_requests(driver: WebDriver) -> int:
    count: int = driver.execute_script(
        "return performance.getEntriesByType('resource')"
        ".filter(e => new URL(e.name).pathname.endsWith('/ads/index.json')).length"
    )
    return count


def type_text(driver: WebDriver, text: str) -> None:
    box = filters(driver).find_element(By.NAME, "q")
    box.clear()
    box.send_keys(text)


def layout_shift(driver: WebDriver, url: str) -> float:
    open_page(driver, url)
    wait_until(
        driver,
        lambda d: d.execute_script("return document.readyState") == "complete",
        "the page never finished loading",
    )
    return float(driver.execute_async_script(LAYOUT_SHIFT))


def on_a_phone(driver: WebDriver) -> Any:
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", PHONE)


def off_the_phone(driver: WebDriver) -> None:
    driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


# --- pages and "show more" on a few hundred ads -------------------------------------------------


def test_without_javascript_pages_link_to_each_other(
    new_driver: Callable[..., WebDriver], synthetic_url: str, synthetic_ids: list[str]
) -> None:
    driver = new_driver(javascript=False)
    driver.get(synthetic_url + "ads/")
    assert shown_ids(driver) == synthetic_ids[:CARDS_PER_PAGE]
    assert not driver.find_element(By.ID, "tandem-filters").is_displayed()
    assert not driver.find_element(By.ID, "tandem-more").is_displayed()
    driver.find_element(By.CSS_SELECTOR, "nav.tandem-pages a[rel=next]").click()
    wait_until(driver, lambda d: d.current_url.endswith("/ads/page/2/"), "no page 2")
    assert shown_ids(driver) == synthetic_ids[CARDS_PER_PAGE : 2 * CARDS_PER_PAGE]
    current = driver.find_element(By.CSS_SELECTOR, "nav.tandem-pages [aria-current=page]")
    assert current.text == "2"
    driver.find_element(By.CSS_SELECTOR, "nav.tandem-pages a[rel=prev]").click()
    wait_until(driver, lambda d: urlsplit(d.current_url).path == "/ads/", "no way back")


def test_show_more_fetches_the_data_once_and_continues_the_list(
    browser: WebDriver, synthetic_url: str, synthetic_ids: list[str]
) -> None:
    open_page(browser, synthetic_url + "ads/")
    filters(browser)
    assert data_requests(browser) == 0, "the data is fetched only when needed"
    assert not browser.find_element(By.CSS_SELECTOR, "nav.tandem-pages").is_displayed()
    more = browser.find_element(By.ID, "tandem-more")
    more.click()
    wait_until(
        browser,
        lambda d: shown_ids(d) == synthetic_ids[: 2 * CARDS_PER_PAGE],
        "'show more' did not add the next page of ads",
    )
    # Keyboard users go on where the new cards begin.
    focused = browser.switch_to.active_element
    assert focused.get_attribute("href").endswith(f"/ads/{synthetic_ids[CARDS_PER_PAGE]}/")
    more.click()
    wait_until(
        browser,
        lambda d: shown_ids(d) == synthetic_ids[: 3 * CARDS_PER_PAGE],
        "a second 'show more' did not continue",
    )
    type_text(browser, "nobody is called this")
    wait_until(browser, lambda d: result_count(d) == 0, "no filtering")
    assert data_requests(browser) == 1


def test_a_later_page_shows_more_from_where_it_is(
    browser: WebDriver, synthetic_url: str, synthetic_ids: list[str]
) -> None:
    open_page(browser, synthetic_url + "ads/page/2/")
    filters(browser).find_element(By.NAME, "q")  # the filters are there on every page
    browser.find_element(By.ID, "tandem-more").click()
    wait_until(
        browser,
        lambda d: shown_ids(d) == synthetic_ids[CARDS_PER_PAGE : 3 * CARDS_PER_PAGE],
        "page 2's 'show more' did not continue with page 3's ads",
    )


def test_filtered_results_come_a_page_at_a_time(
    browser: WebDriver, synthetic_url: str, synthetic_ids: list[str]
) -> None:
    open_page(browser, synthetic_url + "ads/?dir=offers")  # filters on, yet every ad matches
    wait_until(
        browser,
        lambda d: shown_ids(d) == synthetic_ids[:CARDS_PER_PAGE],
        "the first page of results did not show",
    )
    assert result_count(browser) == len(synthetic_ids)
    browser.find_element(By.ID, "tandem-more").click()
    wait_until(
        browser,
        lambda d: shown_ids(d) == synthetic_ids[: 2 * CARDS_PER_PAGE],
        "'show more' did not add results",
    )


# --- cards from the data are the template's cards ----------------------------------------------

CARD_FACTS = """
return Array.from(document.querySelectorAll(arguments[0] + ' .tandem-card')).map(card => [
  card.dataset.id,
  Array.from(card.children).map(el =>
    [el.tagName, el.className, el.textContent.replace(/\\s+/g, ' ').trim()]),
  Array.from(card.querySelectorAll('a')).map(a =>
    [a.getAttribute('href'), a.title, a.className]),
  Array.from(card.querySelectorAll('time')).map(t =>
    [t.dateTime, t.dataset.built, t.dataset.relative]),
]);
"""


def test_cards_written_from_the_data_match_the_template(
    browser: WebDriver, site_url: str, sample_data: dict[str, Any]
) -> None:
    open_page(browser, site_url + "ads/")
    server = browser.execute_script(CARD_FACTS, "#tandem-cards")
    choose_value(browser, "dir", "offers")  # a filter that every ad passes
    wait_until(
        browser,
        lambda d: len(d.execute_script(CARD_FACTS, "#tandem-results")) == len(server),
        "the results never showed every ad",
    )
    made = browser.execute_script(CARD_FACTS, "#tandem-results")
    assert len(server) == len(sample_data["ads"])
    assert made == server


def choose_value(driver: WebDriver, name: str, value: str) -> None:
    Select(filters(driver).find_element(By.NAME, name)).select_by_value(value)


# --- filters: every spelling, did you mean, the skill's feed -----------------------------------


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("k8s", "kubernetes"),  # an alias in skills.yml
        ("Rhetorik", "public-speaking"),  # a German alias
        ("Datenanalyse", "data-analysis"),  # the German name, on the English site
        ("Verhandlungsfuehrung", "negotiation"),  # the German name, umlaut spelled out
    ],
)
def test_any_spelling_finds_the_skill(
    browser: WebDriver, site_url: str, sample_data: dict[str, Any], typed: str, key: str
) -> None:
    expected = with_skill(sample_data, key)
    assert expected
    open_page(browser, site_url + "ads/")
    type_text(browser, typed)
    wait_until(
        browser,
        lambda d: set(shown_ids(d)) >= expected and result_count(d) == len(shown_ids(d)),
        f"{typed!r} did not find every ad with {key}",
    )


def test_did_you_mean_offers_the_closest_skill_and_applies_it(
    browser: WebDriver, site_url: str, sample_data: dict[str, Any]
) -> None:
    open_page(browser, site_url + "ads/")
    type_text(browser, "kuberntes")
    suggestion = wait_until(
        browser,
        lambda d: (
            d.find_element(By.ID, "tandem-did-you-mean").is_displayed()
            and d.find_element(By.ID, "tandem-did-you-mean")
        ),
        "a text that finds nothing offered no skill",
    )
    assert result_count(browser) == 0
    assert suggestion.text == "Did you mean Kubernetes?"
    suggestion.find_element(By.TAG_NAME, "button").click()
    expected = with_skill(sample_data, "kubernetes")
    wait_until(
        browser,
        lambda d: set(shown_ids(d)) == expected and result_count(d) == len(expected),
        "the suggested skill was not applied",
    )
    form = filters(browser)
    assert form.find_element(By.NAME, "q").get_attribute("value") == ""
    assert browser.switch_to.active_element.get_attribute("name") == "skill"
    assert parse_qs(urlsplit(browser.current_url).query) == {"skill": ["kubernetes"]}
    assert not browser.find_element(By.ID, "tandem-did-you-mean").is_displayed()


def test_a_chosen_skill_links_its_feed(browser: WebDriver, site_url: str) -> None:
    open_page(browser, site_url + "ads/?skill=kubernetes")
    link = wait_until(
        browser,
        lambda d: (
            d.find_element(By.ID, "tandem-skill-feed").is_displayed()
            and d.find_element(By.CSS_SELECTOR, "#tandem-skill-feed a")
        ),
        "the chosen skill's feed is not linked",
    )
    href = link.get_attribute("href")
    assert href == site_url + "skills/kubernetes/feed.xml"
    assert link.get_attribute("type") == "application/atom+xml"
    assert "Kubernetes" in link.text
    with urllib.request.urlopen(href) as response:  # noqa: S310 - the test's own server
        assert b"<feed" in response.read()
    choose_value(browser, "skill", "")
    wait_until(
        browser,
        lambda d: not d.find_element(By.ID, "tandem-skill-feed").is_displayed(),
        "the feed link stayed without a skill",
    )


def test_the_german_site_filters_and_suggests_in_german(
    browser: WebDriver, german_url: str
) -> None:
    open_page(browser, german_url + "ads/")
    type_text(browser, "Projektmanagment")
    suggestion = wait_until(
        browser,
        lambda d: (
            d.find_element(By.ID, "tandem-did-you-mean").is_displayed()
            and d.find_element(By.ID, "tandem-did-you-mean")
        ),
        "no German suggestion",
    )
    assert suggestion.text == "Meintest du Projektmanagement?"
    type_text(browser, "data analysis")  # the English name finds the German chips
    wait_until(browser, lambda d: result_count(d) > 0, "the English name found nothing")
    chips = browser.execute_script(
        "return Array.from(document.querySelectorAll('#tandem-results .tandem-chip'))"
        ".map(chip => chip.textContent)"
    )
    assert "Datenanalyse" in chips and "Data analysis" not in chips


# --- the phone, and a page that holds still ------------------------------------------------------


def test_on_a_phone_the_filters_fold_away(browser: WebDriver, site_url: str) -> None:
    on_a_phone(browser)
    try:
        open_page(browser, site_url + "ads/")
        toggle = wait_until(
            browser,
            lambda d: (
                d.find_element(By.ID, "tandem-filters-toggle").is_displayed()
                and d.find_element(By.ID, "tandem-filters-toggle")
            ),
            "no 'Filters' button on a phone",
        )
        assert toggle.text == "Filters (0)"
        assert toggle.get_attribute("aria-expanded") == "false"
        assert not browser.find_element(By.ID, "tandem-filters").is_displayed()
        first_card_top = browser.execute_script(
            "return document.querySelector('.tandem-card').getBoundingClientRect().top"
        )
        assert first_card_top < PHONE["height"], "results must show on the first screen"

        toggle.click()
        assert toggle.get_attribute("aria-expanded") == "true"
        choose_value(browser, "lang", "de")
        wait_until(browser, lambda d: toggle.text == "Filters (1)", "the count did not follow")
        toggle.click()
        assert not browser.find_element(By.ID, "tandem-filters").is_displayed()
    finally:
        off_the_phone(browser)


def test_on_a_desktop_the_filters_are_always_open(browser: WebDriver, site_url: str) -> None:
    open_page(browser, site_url + "ads/")
    assert filters(browser).is_displayed()
    assert not browser.find_element(By.ID, "tandem-filters-toggle").is_displayed()


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_the_marketplace_holds_still_while_it_loads(
    browser: WebDriver, site_url: str, synthetic_url: str, phone: bool
) -> None:
    if phone:
        on_a_phone(browser)
    try:
        for url in (site_url, synthetic_url):
            shift = layout_shift(browser, url + "ads/")
            assert shift < MAX_LAYOUT_SHIFT, f"{url}ads/: layout shift {shift:.3f}"
    finally:
        off_the_phone(browser)


# --- contributor text stays text ---------------------------------------------------------------


def test_cards_from_the_data_show_hostile_text_as_text(
    browser: WebDriver, hostile_site: Path
) -> None:
    with serve(hostile_site) as url:
        open_page(browser, url + "ads/?dir=offers")
        card = wait_until(
            browser,
            lambda d: d.find_elements(
                By.CSS_SELECTOR, "#tandem-results .tandem-card[data-id=mallory]"
            ),
            "the hostile ad's card was not written",
        )[0]
        live = browser.execute_script(
            "return Array.from(arguments[0].querySelectorAll('*'))"
            ".filter(el => !['H2','A','P','SPAN','STRONG','TIME'].includes(el.tagName))"
            ".map(el => el.outerHTML)",
            card,
        )
        assert live == []
        name = card.find_element(By.CSS_SELECTOR, ".tandem-card__name")
        assert name.text == test_xss.PAYLOADS[2]
