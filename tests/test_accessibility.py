"""WCAG 2.2 AA as axe-core sees it: every page type, on a 1280 px desktop and a 390 px phone,
in the English and the German build, with no serious or critical violation.

axe-core is the axe.min.js inside the axe-playwright-python wheel (a test dependency pinned in
constraints.txt); nothing of Playwright is used. So the check needs no network once
`pip install -e '.[test]'` has run. Moderate and minor findings are not failures here; the
Lighthouse audits in docs/accessibility.md cover those pages by hand.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from conftest import copy_site, mkdocs_build
from test_browser import new_driver, open_page, serve, site_url, wait_until  # noqa: F401 - fixtures

axe_package = pytest.importorskip(
    "axe_playwright_python",
    reason="the axe-core check needs axe-playwright-python: pip install -e '.[test]'",
)

from selenium.webdriver.chrome.webdriver import WebDriver  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402

AXE_SOURCE = resources.files(axe_package).joinpath("axe.min.js").read_text("utf-8")
FAILING_IMPACTS = ("serious", "critical")
PAGES = {
    "home": "",
    "marketplace": "ads/",
    "ad": "ads/jana-schulz/",
    "skills": "skills/",
    "skill": "skills/kubernetes/",
    "partnerships": "partnerships/",
    "partnership": "partnerships/excel-meets-python/",
    "stories": "stories/",
    "stats": "stats/",
    "guide": "write-an-ad/",
    "guide-with-tables": "phases/",
    "post": "post/",
    "post-partnership": "post/partnership/?partners=jana-schulz,priya-raman",
    "pairings": "pairings/",
}
SCREENS = {"desktop": (1280, 900, False), "phone": (390, 844, True)}
# Two animation frames after load: Material has mounted the page and every observer that
# adjusts it (theme/assets/javascripts/a11y.js) has run once. A wait on the page, not a pause.
RUN_AXE = """
const done = arguments[arguments.length - 1];
requestAnimationFrame(() => requestAnimationFrame(() => {
  axe.run(document, {resultTypes: ["violations"]}).then(
    (result) => done(result.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.map((n) => n.target.join(" ") + ": " + n.failureSummary),
    }))),
    (error) => done([{id: "axe-error", impact: "critical", help: String(error), nodes: []}]),
  );
}));
"""


@pytest.fixture(scope="module")
def german_site_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The sample built with `theme.language: de`, served for the whole module."""
    root = copy_site(tmp_path_factory.mktemp("german"))
    config = root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert "\n  language: en" in text
    config.write_text(text.replace("\n  language: en", "\n  language: de", 1), encoding="utf-8")
    result = mkdocs_build(root, root / "site")
    assert result.returncode == 0, result.stderr
    with serve(root / "site") as url:
        yield url


@pytest.fixture(scope="module")
def axe_browser(new_driver: Callable[..., WebDriver]) -> WebDriver:  # noqa: F811
    driver = new_driver()
    driver.set_script_timeout(60)  # axe on a long page of a slow, shared machine
    return driver


def axe_violations(driver: WebDriver, url: str, *, screen: str) -> list[dict[str, Any]]:
    width, height, mobile = SCREENS[screen]
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile},
    )
    try:
        open_page(driver, url)
        driver.execute_script(AXE_SOURCE)
        violations: list[dict[str, Any]] = driver.execute_async_script(RUN_AXE)
    finally:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    return violations


def described(violations: list[dict[str, Any]]) -> str:
    return "\n".join(
        f"{v['impact']} {v['id']} ({v['help']}):\n    " + "\n    ".join(v["nodes"][:5])
        for v in violations
    )


@pytest.mark.parametrize("screen", SCREENS)
@pytest.mark.parametrize("language", ["en", "de"])
@pytest.mark.parametrize("page", PAGES)
def test_no_serious_axe_violation(
    axe_browser: WebDriver,
    site_url: str,  # noqa: F811
    german_site_url: str,
    page: str,
    language: str,
    screen: str,
) -> None:
    base = site_url if language == "en" else german_site_url
    violations = axe_violations(axe_browser, base + PAGES[page], screen=screen)
    failing = [v for v in violations if v["impact"] in FAILING_IMPACTS]
    assert failing == [], f"{language} {screen} /{PAGES[page]}:\n{described(failing)}"


def test_axe_finds_what_it_should(axe_browser: WebDriver, tmp_path: Path) -> None:
    """The check can fail: a page with an unnamed image link and grey-on-white text."""
    (tmp_path / "index.html").write_text(
        '<!doctype html><html lang="en"><head><title>bad</title></head><body><main>'
        '<a href="/"><img src="x.png"></a><p style="color:#bbb">faint</p></main></body></html>',
        encoding="utf-8",
    )
    with serve(tmp_path) as url:
        found = {v["id"] for v in axe_violations(axe_browser, url, screen="desktop")}
    assert {"link-name", "image-alt", "color-contrast"} <= found


# --- layout that holds ---------------------------------------------------------------------


def on_screen(driver: WebDriver, url: str, *, screen: str) -> None:
    width, height, mobile = SCREENS[screen]
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile},
    )
    open_page(driver, url)


@pytest.fixture()
def emulated(axe_browser: WebDriver) -> Iterator[WebDriver]:
    yield axe_browser
    axe_browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def test_the_timeline_fits_the_column_on_a_desktop(emulated: WebDriver, site_url: str) -> None:  # noqa: F811
    on_screen(emulated, site_url + "partnerships/excel-meets-python/", screen="desktop")
    sizes = emulated.execute_script(
        "const f = document.querySelector('figure.tandem-gantt');"
        "return [f.scrollWidth, f.clientWidth];"
    )
    assert sizes[0] <= sizes[1], f"the timeline is {sizes[0]} px wide in a {sizes[1]} px column"


def test_on_a_phone_the_timeline_scrolls_by_keyboard_and_says_so(
    emulated: WebDriver,
    site_url: str,  # noqa: F811
) -> None:
    on_screen(emulated, site_url + "partnerships/excel-meets-python/", screen="phone")
    figure = emulated.find_element(By.CSS_SELECTOR, "figure.tandem-gantt")
    assert emulated.execute_script(
        "return arguments[0].scrollWidth > arguments[0].clientWidth", figure
    )
    assert figure.get_attribute("tabindex") == "0" and figure.get_attribute("aria-label")
    assert emulated.find_element(By.CSS_SELECTOR, ".tandem-scroll-hint").is_displayed()
    figure.send_keys(Keys.ARROW_RIGHT)
    wait_until(
        emulated,
        lambda d: d.execute_script("return arguments[0].scrollLeft > 0", figure),
        "the arrow key does not scroll the timeline",
    )


SMALLEST_TEXT_PX = 12


@pytest.mark.parametrize("screen", SCREENS)
def test_statistics_stay_readable(emulated: WebDriver, site_url: str, screen: str) -> None:  # noqa: F811
    on_screen(emulated, site_url + "stats/", screen=screen)
    sizes = emulated.execute_script(
        "return [...document.querySelectorAll('.md-content .tandem-bars li > span, "
        ".md-content table.tandem-supply td')].filter((e) => e.offsetParent)"
        ".map((e) => [e.textContent.trim(), parseFloat(getComputedStyle(e).fontSize)]);"
    )
    assert sizes, "no chart labels or table cells found"
    assert [(text, px) for text, px in sizes if px < SMALLEST_TEXT_PX] == []


@pytest.mark.parametrize("page", ["stats/", "partnerships/excel-meets-python/"])
def test_table_words_do_not_break_on_a_phone(
    emulated: WebDriver,
    german_site_url: str,
    page: str,
) -> None:
    on_screen(emulated, german_site_url + page, screen="phone")
    broken = emulated.execute_script(
        "const words = [];"
        "for (const cell of document.querySelectorAll('table.tandem-table td')) {"
        "  const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);"
        "  for (let node = walker.nextNode(); node; node = walker.nextNode()) {"
        "    for (const m of node.data.matchAll(/\\S+/g)) {"
        "      const range = document.createRange();"
        "      range.setStart(node, m.index); range.setEnd(node, m.index + m[0].length);"
        "      const lines = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));"
        "      if (lines.size > 1) words.push(m[0]);"
        "    }"
        "  }"
        "}"
        "return words;"
    )
    assert broken == [], f"/{page}: words broken across lines: {broken}"
