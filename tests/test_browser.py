"""The built site in a real browser: Debian's headless Chromium, driven by Selenium, against
the sample served on 127.0.0.1. Skipped where Chromium or its driver is not installed.

Tests never sleep: every wait is a WebDriverWait on a condition.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

import pytest
import yaml
from conftest import SAMPLE, TODAY, mkdocs_build

from generator.matching.skills import load_taxonomy
from tools.browser import CHROMEDRIVER, CHROMIUM, have_chromium, serve, start_chromium

if not have_chromium():
    pytest.skip(
        f"browser tests need {CHROMIUM} and {CHROMEDRIVER} "
        "(Debian: apt-get install chromium chromium-driver)",
        allow_module_level=True,
    )
pytest.importorskip("selenium", reason="browser tests need selenium: pip install -e '.[test]'")

from selenium.webdriver.chrome.webdriver import WebDriver
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import Select, WebDriverWait

NO_JAVASCRIPT = {"profile.managed_default_content_settings.javascript": 2}
WAIT = 10  # seconds: an upper bound for slow machines, never a pause
MAIN_PAGES = (
    "",
    "ads/",
    "ads/jana-schulz/",
    "skills/",
    "skills/kubernetes/",
    "partnerships/",
    "partnerships/excel-meets-python/",
    "partnerships/negotiation-and-numbers/",
    "stories/",
    "stats/",
    "pairings/",
)


# --- serving and driving ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def site_url(sample_site: Path) -> Iterator[str]:
    with serve(sample_site) as url:
        yield url


@pytest.fixture(scope="module")
def new_driver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[..., WebDriver]]:
    """Start a headless Chromium with a fresh profile; every one is quit after the module."""
    drivers: list[WebDriver] = []

    def start(*, javascript: bool = True) -> WebDriver:
        driver: WebDriver = start_chromium(
            profile=tmp_path_factory.mktemp("chromium-profile"),
            prefs=None if javascript else NO_JAVASCRIPT,
            logs=True,
        )
        drivers.append(driver)
        return driver

    yield start
    for driver in drivers:
        driver.quit()


@pytest.fixture(scope="module")
def browser(new_driver: Callable[..., WebDriver]) -> WebDriver:
    """One JavaScript-enabled browser shared by the module's tests."""
    return new_driver()


def wait_until(driver: WebDriver, condition: Callable[[WebDriver], Any], message: str) -> Any:
    return WebDriverWait(driver, WAIT).until(condition, message)


def open_page(driver: WebDriver, url: str) -> None:
    """Load a page with empty log buffers, so the logs afterwards belong to this page."""
    driver.get("about:blank")
    driver.get_log("browser")
    driver.get_log("performance")
    driver.get(url)


# --- the marketplace: what the page holds, and what it should show ----------------------------


class CardParser(HTMLParser):
    """The data attributes of every marketplace card, as the generator wrote them."""

    def __init__(self) -> None:
        super().__init__()
        self.cards: dict[str, dict[str, str]] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "article" and "tandem-card" in values.get("class", "").split():
            self.cards[values["data-id"]] = values


@pytest.fixture(scope="module")
def cards(sample_site: Path) -> dict[str, dict[str, str]]:
    parser = CardParser()
    parser.feed((sample_site / "ads" / "index.html").read_text(encoding="utf-8"))
    assert parser.cards, "the marketplace has no cards"
    return parser.cards


def offers_german_remote(cards: dict[str, dict[str, str]], skill: str) -> set[str]:
    """The filter rules of tandem.js, applied to the built cards."""
    return {
        ad_id
        for ad_id, card in cards.items()
        if skill in card["data-offers"].split("|")
        and "de" in card["data-languages"].split("|")
        and card["data-remote"] == "true"
    }


def open_sample_ads() -> dict[str, dict[str, Any]]:
    """The sample's ads as contributors wrote them, only those open on the build's day."""
    today = dt.date.fromisoformat(TODAY)
    ads = {
        path.stem: yaml.safe_load(path.read_text(encoding="utf-8"))
        for path in sorted((SAMPLE / "ads").glob("*.y*ml"))
    }
    return {
        ad_id: ad
        for ad_id, ad in ads.items()
        if ad["status"] == "open" and ad["posted"] <= today <= ad["expires"]
    }


def visible_cards(driver: WebDriver) -> set[str]:
    return set(
        driver.execute_script(
            "return Array.from(document.querySelectorAll('.tandem-card'))"
            ".filter(card => card.checkVisibility()).map(card => card.dataset.id)"
        )
    )


def result_count(driver: WebDriver) -> int:
    return int(driver.find_element(By.ID, "tandem-result-count").text)


def shows_exactly(expected: set[str]) -> Callable[[WebDriver], bool]:
    def condition(driver: WebDriver) -> bool:
        return visible_cards(driver) == expected and result_count(driver) == len(expected)

    return condition


def filters(driver: WebDriver) -> Any:
    return wait_until(
        driver,
        ec.visibility_of_element_located((By.ID, "tandem-filters")),
        "the filter form never became visible",
    )


def choose(form: Any, name: str, value: str) -> None:
    Select(form.find_element(By.NAME, name)).select_by_value(value)


def filter_kubernetes_german_remote(driver: WebDriver) -> None:
    form = filters(driver)
    choose(form, "skill", "kubernetes")
    choose(form, "dir", "offers")
    choose(form, "lang", "de")
    form.find_element(By.NAME, "remote").click()


# --- tests: the marketplace ----------------------------------------------------------------------


def test_expected_kubernetes_ads_agree_with_the_sample(cards: dict[str, dict[str, str]]) -> None:
    """The cards' data match what contributors wrote, so the browser tests check real rules."""
    expected = offers_german_remote(cards, "kubernetes")
    ads = open_sample_ads()
    assert set(cards) == set(ads)
    assert expected, "the sample should have German-speaking remote Kubernetes teachers"
    for ad_id in expected:
        ad = ads[ad_id]
        assert "de" in ad["languages"] and ad.get("remote", True) is True, ad_id
        assert any(re.match(r"k8s|kube", o["skill"], re.IGNORECASE) for o in ad["offers"]), ad_id
    assert {"jana-schulz", "raphael-huber"} <= expected


def test_free_text_narrows_cards_and_count(
    browser: WebDriver, site_url: str, cards: dict[str, dict[str, str]]
) -> None:
    open_page(browser, site_url + "ads/")
    form = filters(browser)
    assert visible_cards(browser) == set(cards)
    assert result_count(browser) == len(cards)

    # Accent-insensitive: "zurich" finds the people in Zürich.
    in_zurich = {ad_id for ad_id, card in cards.items() if card["data-location"] == "zürich"}
    assert in_zurich
    form.find_element(By.NAME, "q").send_keys("ZURICH")
    wait_until(browser, shows_exactly(in_zurich), "free text did not narrow to Zürich")

    # Several words must all match: one person's full name leaves one card.
    box = form.find_element(By.NAME, "q")
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys("schulz jana")
    wait_until(browser, shows_exactly({"jana-schulz"}), "two words did not narrow to one ad")

    # German spelling without umlauts: "Mueller" finds "Jürgen Müller".
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys("juergen mueller")
    wait_until(browser, shows_exactly({"juergen-mueller"}), "'mueller' did not find 'Müller'")

    box.send_keys(Keys.CONTROL, "a")
    box.send_keys("no such person anywhere")
    wait_until(browser, shows_exactly(set()), "an unmatched text still shows cards")
    assert browser.find_element(By.ID, "tandem-no-results").is_displayed()


def test_kubernetes_german_remote_finds_the_right_ads(
    browser: WebDriver, site_url: str, cards: dict[str, dict[str, str]]
) -> None:
    expected = offers_german_remote(cards, "kubernetes")
    open_page(browser, site_url + "ads/")
    filter_kubernetes_german_remote(browser)
    wait_until(browser, shows_exactly(expected), "offers Kubernetes + German + remote")
    assert not browser.find_element(By.ID, "tandem-no-results").is_displayed()

    # Sought instead of offered gives the other side of the market.
    choose(filters(browser), "dir", "seeks")
    seekers = {
        ad_id
        for ad_id, card in cards.items()
        if "kubernetes" in card["data-seeks"].split("|")
        and "de" in card["data-languages"].split("|")
        and card["data-remote"] == "true"
    }
    wait_until(browser, shows_exactly(seekers), "seeks Kubernetes + German + remote")


def test_the_address_keeps_the_filter(
    browser: WebDriver, site_url: str, cards: dict[str, dict[str, str]]
) -> None:
    expected = offers_german_remote(cards, "kubernetes")
    open_page(browser, site_url + "ads/")
    filter_kubernetes_german_remote(browser)
    wait_until(browser, shows_exactly(expected), "filtering did not finish")
    query = parse_qs(urlsplit(browser.current_url).query)
    assert query == {"skill": ["kubernetes"], "dir": ["offers"], "lang": ["de"], "remote": ["1"]}

    shared = browser.current_url
    open_page(browser, shared)
    form = filters(browser)
    wait_until(browser, shows_exactly(expected), "the shared address did not restore the view")
    assert (
        Select(form.find_element(By.NAME, "skill")).first_selected_option.get_attribute("value")
        == "kubernetes"
    )
    assert (
        Select(form.find_element(By.NAME, "lang")).first_selected_option.get_attribute("value")
        == "de"
    )
    assert form.find_element(By.NAME, "remote").is_selected()


def test_clear_shows_everything_and_cleans_the_address(
    browser: WebDriver, site_url: str, cards: dict[str, dict[str, str]]
) -> None:
    open_page(browser, site_url + "ads/?text=kubernetes&lang=de")
    form = filters(browser)
    wait_until(browser, lambda d: result_count(d) < len(cards), "the address did not filter")

    form.find_element(By.CSS_SELECTOR, "button[type=reset]").click()
    wait_until(browser, shows_exactly(set(cards)), "clearing did not show every card")
    assert browser.current_url == site_url + "ads/"
    assert form.find_element(By.NAME, "q").get_attribute("value") == ""
    assert not form.find_element(By.NAME, "remote").is_selected()


def test_keyboard_alone_can_filter(
    browser: WebDriver, site_url: str, cards: dict[str, dict[str, str]]
) -> None:
    open_page(browser, site_url + "ads/")
    filters(browser).find_element(By.NAME, "q").click()
    active = browser.switch_to.active_element
    active.send_keys(Keys.TAB)
    focused = browser.switch_to.active_element
    assert focused.get_attribute("name") == "skill"
    assert focused.value_of_css_property("outline-style") != "none", (
        "a focused filter must show where the focus is"
    )

    for _ in ("dir", "lang", "loc", "remote"):
        browser.switch_to.active_element.send_keys(Keys.TAB)
    checkbox = browser.switch_to.active_element
    assert checkbox.get_attribute("name") == "remote"
    checkbox.send_keys(Keys.SPACE)
    remote = {ad_id for ad_id, card in cards.items() if card["data-remote"] == "true"}
    wait_until(browser, shows_exactly(remote), "the space bar did not tick 'open to remote'")
    assert parse_qs(urlsplit(browser.current_url).query) == {"remote": ["1"]}


def test_without_javascript_every_card_is_visible(
    new_driver: Callable[..., WebDriver], site_url: str, cards: dict[str, dict[str, str]]
) -> None:
    driver = new_driver(javascript=False)
    driver.get(site_url + "ads/?text=nobody-matches-this")
    shown = {
        card.get_attribute("data-id")
        for card in driver.find_elements(By.CSS_SELECTOR, ".tandem-card")
        if card.is_displayed()
    }
    assert shown == set(cards)
    assert not driver.find_element(By.ID, "tandem-filters").is_displayed()
    assert not driver.find_element(By.ID, "tandem-no-results").is_displayed()


# --- tests: search, ad pages -----------------------------------------------------------------


def search(driver: WebDriver, text: str) -> list[str]:
    """Search from the current page; the links of the results once there are some.

    The page is opened again with the query in its address (Material's `?q=`): typed key by
    key, Material shows the results of each prefix on the way ("Ler" before "Lernpaketen"),
    and those could be read before the whole word's arrive."""
    page = urlsplit(driver.current_url)._replace(query="", fragment="").geturl()
    driver.get(f"{page}?q={quote(text)}")
    # Read the links in one script: Material re-renders the list while results come in, so
    # elements found one call earlier may already be gone.
    hrefs: list[str] = wait_until(
        driver,
        lambda d: d.execute_script(
            "return Array.from(document.querySelectorAll("
            "'.md-search-result__item a.md-search-result__link')).map(link => link.href)"
        ),
        f"searching {text!r} found nothing",
    )
    box = driver.find_element(By.CSS_SELECTOR, "input.md-search__input")
    assert box.get_attribute("value") == text, "the results are not those of the whole text"
    return hrefs


def test_search_finds_an_ad_by_a_skill(
    browser: WebDriver, site_url: str, cards: dict[str, dict[str, str]]
) -> None:
    """The whole word: "kubernetes" is indexed as its stem "kubernet", so this fails unless
    the typed word is stemmed too (theme/assets/javascripts/lunr/min/lunr.multi.min.js)."""
    kubernetes = {
        ad_id
        for ad_id, card in cards.items()
        if "kubernetes" in card["data-offers"].split("|") + card["data-seeks"].split("|")
    }
    open_page(browser, site_url)
    hrefs = search(browser, "Kubernetes")
    found = {m.group(1) for href in hrefs if (m := re.search(r"/ads/([a-z0-9-]+)/", href))}
    assert found & kubernetes, hrefs


def search_settles(driver: WebDriver, text: str, done: Callable[[list[str]], bool]) -> list[str]:
    """Search for `text` from the current page; the result links once `done(links)` holds.

    Like `search`, with the whole query in the address: typed key by key, the results of a
    prefix ("k" before "kube", which also finds Kanban) could already satisfy `done`."""
    page = urlsplit(driver.current_url)._replace(query="", fragment="").geturl()
    driver.get(f"{page}?q={quote(text)}")
    links: list[str] = []

    def settled(d: WebDriver) -> bool:
        links[:] = d.execute_script(
            "return Array.from(document.querySelectorAll("
            "'.md-search-result__item > a.md-search-result__link'))"
            ".map(link => link.href.split('?')[0])"  # without `?h=`, Material's highlighting
        )
        return done(links)

    wait_until(driver, settled, f"searching {text!r} never gave what was expected: {links}")
    box = driver.find_element(By.CSS_SELECTOR, "input.md-search__input")
    assert box.get_attribute("value") == text, "the results are not those of the whole text"
    return links


def sample_people_with(skill_key: str) -> set[str]:
    """Open ads of the sample that offer or seek a skill, by any spelling."""
    taxonomy = load_taxonomy(SAMPLE)
    return {
        ad_id
        for ad_id, ad in open_sample_ads().items()
        if any(taxonomy.key_of(x["skill"]) == skill_key for x in [*ad["offers"], *ad["seeks"]])
    }


def ad_ids(links: list[str]) -> list[str]:
    return [m.group(1) for link in links if (m := re.search(r"/ads/([a-z0-9-]+)/$", link))]


@pytest.mark.parametrize("spelling", ["k8s", "Kuberentes", "kube", "Kubernetes"])
def test_any_spelling_finds_the_skill_page_first_then_its_people(
    browser: WebDriver, site_url: str, spelling: str
) -> None:
    """`k8s` and `kube` are aliases in skills.yml, `Kuberentes` is how one ad spells it."""
    people = sample_people_with("kubernetes")
    assert len(people) >= 3
    open_page(browser, site_url)
    links = search_settles(
        browser, spelling, lambda links: people <= set(ad_ids(links)) and bool(links)
    )
    assert links[0] == site_url + "skills/kubernetes/", links
    found = links[1 : 1 + len(people)]
    assert set(ad_ids(found)) == people, links


def test_a_skill_word_ranks_people_above_guides_and_home(browser: WebDriver, site_url: str) -> None:
    people = sample_people_with("python")
    open_page(browser, site_url)
    links = search_settles(browser, "python", lambda links: people <= set(ad_ids(links)))
    ranks = [i for i, link in enumerate(links) if "/ads/" in link or "/skills/" in link]
    others = [i for i, link in enumerate(links) if "/ads/" not in link and "/skills/" not in link]
    assert links[0] == site_url + "skills/python/"
    assert not others or max(ranks) < min(others), links


def test_a_search_that_finds_nothing_offers_the_closest_skill(
    browser: WebDriver, site_url: str
) -> None:
    open_page(browser, site_url + "stats/")
    box = wait_until(
        browser,
        ec.element_to_be_clickable((By.CSS_SELECTOR, "input.md-search__input")),
        "no search box",
    )
    box.click()
    box.send_keys("kuberntes")
    hint = wait_until(
        browser,
        lambda d: d.find_elements(By.CSS_SELECTOR, ".md-search-result .tandem-did-you-mean a"),
        "no 'did you mean' beside an empty result",
    )[0]
    assert hint.text == "Kubernetes"
    assert hint.get_attribute("href") == site_url + "skills/kubernetes/"
    assert "Did you mean" in browser.find_element(By.CSS_SELECTOR, ".tandem-did-you-mean").text
    hint.click()
    wait_until(browser, lambda d: d.current_url == site_url + "skills/kubernetes/", "no skill page")


def test_an_ad_page_suggests_partners(browser: WebDriver, site_url: str) -> None:
    open_page(browser, site_url + "ads/jana-schulz/")
    heading = browser.find_element(By.ID, "suggested-partners")
    assert heading.text.startswith("Suggested partners")
    suggestions = heading.find_elements(
        By.XPATH,
        "following-sibling::*[1][self::ol or self::ul]/li[contains(@class, 'tandem-suggestion')]",
    )
    assert suggestions, "no suggestion right after the heading"
    assert suggestions[0].find_element(By.CSS_SELECTOR, "a[href*='/ads/']").is_displayed()


def test_a_skill_page_opens_the_marketplace_filtered_by_its_skill(
    browser: WebDriver, site_url: str, cards: dict[str, dict[str, str]]
) -> None:
    """The link uses the marketplace's own filter parameter, so the filter shows as chosen."""
    open_page(browser, site_url + "skills/kubernetes/")
    browser.find_element(By.CSS_SELECTOR, ".tandem-actions a[href*='ads/?skill=']").click()
    form = filters(browser)
    expected = {
        ad_id
        for ad_id, card in cards.items()
        if "kubernetes" in [*card["data-offers"].split("|"), *card["data-seeks"].split("|")]
    }
    assert expected
    wait_until(browser, shows_exactly(expected), "the marketplace did not filter by the skill")
    chosen = Select(form.find_element(By.NAME, "skill")).first_selected_option
    assert chosen.get_attribute("value") == "kubernetes"


def test_a_suggestion_shows_all_its_reasons_on_request(browser: WebDriver, site_url: str) -> None:
    open_page(browser, site_url + "ads/jana-schulz/")
    first = browser.find_element(By.CSS_SELECTOR, ".tandem-suggestion")
    every = first.find_element(By.CSS_SELECTOR, "details.tandem-more")
    hidden = every.find_elements(By.CSS_SELECTOR, "li")
    assert hidden and not hidden[0].is_displayed()
    summary = every.find_element(By.TAG_NAME, "summary")
    summary.send_keys(Keys.ENTER)  # by keyboard
    wait_until(browser, lambda _: hidden[0].is_displayed(), "the reasons did not open")
    shown = first.find_elements(By.CSS_SELECTOR, ".tandem-reasons > li")
    assert 0 < len(shown) <= 3 < len(hidden)
    start = first.find_element(By.PARTIAL_LINK_TEXT, "Start a partnership")
    assert urlsplit(start.get_attribute("href") or "").path.endswith("/post/partnership/")


# --- tests: hygiene on every main page ---------------------------------------------------------


@pytest.mark.parametrize("page", MAIN_PAGES)
def test_no_console_errors(browser: WebDriver, site_url: str, page: str) -> None:
    open_page(browser, site_url + page)
    search(browser, "Kubernetes")  # the search worker and its language files run too
    errors = [entry for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]
    assert errors == []


def requested_urls(driver: WebDriver) -> list[str]:
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def is_local(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("data", "blob") or (
        parts.scheme in ("http", "https") and parts.hostname in ("127.0.0.1", "localhost")
    )


@pytest.mark.parametrize("page", MAIN_PAGES)
def test_no_request_leaves_localhost(browser: WebDriver, site_url: str, page: str) -> None:
    open_page(browser, site_url + page)
    search(browser, "Python")  # loads the search index and its language files too
    urls = requested_urls(browser)
    assert urls, "the performance log recorded nothing"
    assert [url for url in urls if not is_local(url)] == []


@pytest.mark.parametrize("page", MAIN_PAGES)
def test_no_sideways_scrolling_on_a_phone(browser: WebDriver, site_url: str, page: str) -> None:
    browser.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": True},
    )
    try:
        open_page(browser, site_url + page)
        widths = browser.execute_script(
            "return [document.documentElement.scrollWidth, window.innerWidth]"
        )
        assert widths[0] <= widths[1], f"{page or 'home'}: {widths[0]} px wide on a 390 px phone"
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


# --- tests: the German site ------------------------------------------------------------------


@pytest.fixture()
def german_url(site_root: Callable[..., Path]) -> Iterator[str]:
    """The sample built with `theme.language: de`, served."""
    root = site_root(sample=True)
    config = root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert "\n  language: en" in text
    config.write_text(text.replace("\n  language: en", "\n  language: de", 1), encoding="utf-8")
    result = mkdocs_build(root, root / "site")
    assert result.returncode == 0, result.stderr
    with serve(root / "site") as url:
        yield url


def test_german_site(browser: WebDriver, german_url: str) -> None:
    open_page(browser, german_url + "ads/jana-schulz/")
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "de"
    assert browser.find_element(By.ID, "suggested-partners").text.startswith("Passende Lernpartner")

    # "Lernpaketen" is no prefix of "Lernpakete" in the phases guide: only the German stemmer
    # brings them together. (The heading "Lernpakete" of every partnership page is no longer
    # in the index: what every page of a kind shows finds nothing.)
    hrefs = search(browser, "Lernpaketen")
    assert any("/phases/" in href for href in hrefs), hrefs
    assert not any("/partnerships/" in href for href in hrefs), hrefs


# --- tests: dates that stay true between builds (built on TODAY, seen on another day) ---------


@contextmanager
def clock_on(driver: WebDriver, day: dt.date) -> Iterator[None]:
    """Every page loaded in the block sees `day`, noon in Berlin, as now: a fixed `Date`
    installed before the page's scripts run, so no test depends on the machine's clock."""
    noon = dt.datetime.combine(day, dt.time(12), tzinfo=dt.timezone(dt.timedelta(hours=1)))
    source = (
        f"const fixed = {int(noon.timestamp() * 1000)}; const Real = Date;"
        "class FixedDate extends Real {"
        "  constructor(...args) { super(...(args.length ? args : [fixed])); }"
        "  static now() { return fixed; }"
        "}"
        "window.Date = FixedDate;"
    )
    driver.execute_cdp_cmd("Emulation.setTimezoneOverride", {"timezoneId": "Europe/Berlin"})
    script = driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": source})
    try:
        yield
    finally:
        driver.execute_cdp_cmd(
            "Page.removeScriptToEvaluateOnNewDocument", {"identifier": script["identifier"]}
        )
        driver.execute_cdp_cmd("Emulation.setTimezoneOverride", {"timezoneId": ""})


class TimeParser(HTMLParser):
    """The text of every `<time data-relative>`, by its datetime, as the generator wrote it."""

    def __init__(self) -> None:
        super().__init__()
        self.texts: list[tuple[str, str]] = []
        self._open: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "time" and "data-relative" in values:
            self._open = values["datetime"] or ""

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self.texts.append((self._open, data))
            self._open = None


def relative_times(driver: WebDriver) -> list[tuple[str, str]]:
    """The `<time data-relative>` elements once dates.js has run: (datetime, text) each."""
    wait_until(
        driver,
        lambda d: d.execute_script("return document.readyState") == "complete",
        "the page never finished loading",
    )
    return [
        (pair[0], pair[1])
        for pair in driver.execute_script(
            "return Array.from(document.querySelectorAll('time[data-relative]'))"
            ".map(el => [el.getAttribute('datetime'), el.textContent])"
        )
    ]


def posted_en(posted: dt.date, seen: dt.date) -> str:
    days = (seen - posted).days
    return {0: "posted today", 1: "posted yesterday"}.get(days, f"posted {days} days ago")


def posted_de(posted: dt.date, seen: dt.date) -> str:
    days = (seen - posted).days
    named = {0: "heute aufgegeben", 1: "gestern aufgegeben"}
    return named.get(days, f"vor {days} Tagen aufgegeben")


def test_on_the_build_day_the_dates_keep_the_build_text(
    browser: WebDriver, site_url: str, sample_site: Path
) -> None:
    parser = TimeParser()
    parser.feed((sample_site / "ads" / "index.html").read_text(encoding="utf-8"))
    assert len(parser.texts) > 10
    with clock_on(browser, dt.date.fromisoformat(TODAY)):
        open_page(browser, site_url + "ads/")
        assert relative_times(browser) == parser.texts


def test_cards_say_how_long_ago_on_the_visitors_day(browser: WebDriver, site_url: str) -> None:
    seen = dt.date.fromisoformat(TODAY) + dt.timedelta(days=9)
    with clock_on(browser, seen):
        open_page(browser, site_url + "ads/")
        shown = relative_times(browser)
    assert shown
    for posted, text in shown:
        assert text == posted_en(dt.date.fromisoformat(posted), seen)
    # 9 days on: nothing in the sample can still say "today" or "yesterday".
    assert not any("today" in text or "yesterday" in text for _, text in shown)


@pytest.mark.parametrize(
    ("seen", "expected"),
    [
        ("2026-11-23", "expires in 7 days"),  # the build's own text
        ("2026-11-28", "expires in 2 days"),
        ("2026-11-29", "expires tomorrow"),
        ("2026-11-30", "expires today"),
        ("2026-12-01", "expired on 30 Nov 2026"),
    ],
)
def test_an_ad_page_says_when_it_expires(
    browser: WebDriver, site_url: str, seen: str, expected: str
) -> None:
    with clock_on(browser, dt.date.fromisoformat(seen)):
        open_page(browser, site_url + "ads/claudia-neumann/")
        assert relative_times(browser) == [("2026-11-30", expected)]


def test_german_dates_on_the_visitors_day(browser: WebDriver, german_url: str) -> None:
    seen = dt.date(2026, 11, 25)
    with clock_on(browser, seen):
        open_page(browser, german_url + "ads/")
        shown = relative_times(browser)
        open_page(browser, german_url + "ads/claudia-neumann/")
        expiry = relative_times(browser)
    with clock_on(browser, dt.date(2026, 12, 3)):
        open_page(browser, german_url + "ads/claudia-neumann/")
        expired = relative_times(browser)
    assert shown
    for posted, text in shown:
        assert text == posted_de(dt.date.fromisoformat(posted), seen)
    assert expiry == [("2026-11-30", "läuft in 5 Tagen ab")]
    assert expired == [("2026-11-30", "abgelaufen am 30.11.2026")]
