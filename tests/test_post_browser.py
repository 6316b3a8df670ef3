"""/post/ and /post/partnership/ in a real browser, filled in as a person would, and the file
they hand over checked by the real `tandem validate` and compared with `tandem new-ad`.

Headless Chromium on the sample built as the repository configures it (GitHub), and in
copies built with GitLab and without a forge. The browser's clock is the build's day.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml
from conftest import SAMPLE, TODAY, build_env, copy_site, mkdocs_build
from selenium.webdriver.chrome.webdriver import WebDriver
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import Select
from test_browser import NO_JAVASCRIPT, clock_on, open_page, serve, wait_until
from test_layout import TRICKY

from generator.data.ids import slugify
from generator.data.validate import schema_validator
from generator.site.forge import forge_from_config
from generator.workflow.layout import yaml_text
from tools.browser import start_chromium

TANDEM = str(Path(sys.executable).with_name("tandem"))
DAY = dt.date.fromisoformat(TODAY)
COPY_BY_HAND = (
    "Kopieren ist hier nicht erlaubt; markiere den Text der Datei und kopiere ihn von Hand."
)


# --- the sites and the browser ------------------------------------------------------------------


def built(tmp: Path, *, repo_url: str | None, language: str = "en") -> Path:
    """The sample built with `repo_url` (None: without one) and `theme.language`."""
    root = copy_site(tmp)
    config = root / "mkdocs.yml"
    text = config.read_text("utf-8")
    repo_line = "repo_url: https://github.com/acme/tandem\n"
    assert repo_line in text
    text = text.replace(repo_line, f"repo_url: {repo_url}\n" if repo_url else "")
    if repo_url is None:
        text = text.replace("edit_uri: edit/main/docs/", "")
    text = text.replace("\n  language: en", f"\n  language: {language}", 1)
    config.write_text(text, "utf-8")
    result = mkdocs_build(root, root / "site")
    assert result.returncode == 0, result.stderr
    return root / "site"


@pytest.fixture(scope="module")
def github_url(sample_site: Path) -> Iterator[str]:
    with serve(sample_site) as url:
        yield url


@pytest.fixture(scope="module")
def downloads(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("downloads")


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory, downloads: Path) -> Iterator[WebDriver]:
    """Chromium whose downloads land in `downloads`, its clock on the build's day."""
    driver: WebDriver = start_chromium(
        profile=tmp_path_factory.mktemp("chromium-profile"),
        prefs={"download.default_directory": str(downloads), "download.prompt_for_download": False},
        logs=True,
    )
    driver.execute_cdp_cmd(
        "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)}
    )
    try:
        with clock_on(driver, DAY):
            yield driver
    finally:
        driver.quit()


def open_form(driver: WebDriver, url: str) -> WebElement:
    open_page(driver, url)
    return wait_until(
        driver,
        lambda d: (
            d.find_element(By.ID, "tandem-post").is_displayed()
            and d.find_element(By.ID, "tandem-post")
        ),
        "the form never showed",
    )


# --- filling in, as a person would ----------------------------------------------------------


def typed(driver: WebDriver, name: str, text: str) -> WebElement:
    field = driver.find_element(By.NAME, name)
    field.clear()
    field.send_keys(text)
    return field


def leave(field: WebElement) -> None:
    field.send_keys(Keys.TAB)


def error_of(driver: WebDriver, name: str) -> str:
    slot = driver.find_element(By.CSS_SELECTOR, f"[data-error-for='{name}']")
    return str(slot.text) if slot.is_displayed() else ""


def preview(driver: WebDriver) -> str:
    return str(
        driver.execute_script("return document.getElementById('tandem-post-yaml').textContent")
    )


def problems(driver: WebDriver) -> list[str]:
    items = driver.find_elements(By.CSS_SELECTOR, "#tandem-summary-list li")
    return [str(item.text) for item in items]


ANSWERS = {
    "name": "Jürgen Müller-Lüdenscheidt",
    "owner": "jmueller",
    "team": "Controlling",
    "location": "NO",
    "languages": "de, en",
    "offers": [("Excel", "expert"), ("SQL", "basic")],
    "seeks": [("Public speaking", "Give a talk at the all-hands: 15 minutes, no slides")],
    "hours": "1,5",
    "weeks": "12",
    "contact": "@jmueller",
}


def fill_ad(driver: WebDriver, answers: dict[str, Any]) -> None:
    for name in ("name", "owner", "team", "location", "languages"):
        typed(driver, name, answers[name])
    for index, (skill, level) in enumerate(answers["offers"]):
        if index:
            driver.find_element(By.CSS_SELECTOR, "[data-add='offers']").click()
        typed(driver, f"offers.{index}.skill", skill)
        Select(driver.find_element(By.NAME, f"offers.{index}.level")).select_by_value(level)
    for index, (skill, goal) in enumerate(answers["seeks"]):
        if index:
            driver.find_element(By.CSS_SELECTOR, "[data-add='seeks']").click()
        typed(driver, f"seeks.{index}.skill", skill)
        typed(driver, f"seeks.{index}.goal", goal)
    typed(driver, "commitment.hours_per_week", answers["hours"])
    typed(driver, "commitment.weeks", answers["weeks"])
    typed(driver, "contact", answers["contact"])


def new_ad_argv(answers: dict[str, Any], root: Path) -> list[str]:
    argv = [TANDEM, "new-ad", "--root", str(root), "--today", TODAY]
    for name in ("name", "owner", "team", "location", "languages", "hours", "weeks", "contact"):
        argv += [f"--{name}", answers[name]]
    for skill, level in answers["offers"]:
        argv += ["--offer", f"{skill}:{level}"]
    for skill, goal in answers["seeks"]:
        argv += ["--seek", f"{skill}:{goal}"]
    return argv


def validate(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [TANDEM, "validate", "--root", str(root), "--today", TODAY],
        capture_output=True,
        text=True,
        env=build_env(),
        check=False,
    )


def repository(tmp: Path) -> Path:
    """A copy of the sample's data, to add the form's file to."""
    root = tmp / "repo"
    for name in ("ads", "partnerships", "skills.yml"):
        source = SAMPLE / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, root / name)
    return root


def proposed(driver: WebDriver) -> tuple[str, str, dict[str, list[str]]]:
    """The forge link: its address without the query, and its parameters."""
    link = driver.find_element(By.ID, "tandem-propose")
    href = wait_until(driver, lambda d: link.get_attribute("href"), "the forge link has no address")
    parts = urlsplit(href)
    return f"{parts.scheme}://{parts.netloc}{parts.path}", href, parse_qs(parts.query)


def downloaded(driver: WebDriver, downloads: Path, name: str) -> str:
    for old in downloads.iterdir():
        old.unlink()
    driver.find_element(By.ID, "tandem-download").click()
    path = downloads / name
    wait_until(driver, lambda d: path.is_file() and path.stat().st_size > 0, f"no {name}")
    return path.read_text("utf-8")


# --- tests: the ad form -------------------------------------------------------------------------


def test_an_ad_filled_in_with_a_typo_and_fixed_is_valid(
    browser: WebDriver, github_url: str, downloads: Path, tmp_path: Path
) -> None:
    open_form(browser, github_url + "post/")
    fill_ad(browser, ANSWERS)
    owner = typed(browser, "owner", "j mueller")  # a typo the checks catch
    leave(owner)
    assert "wrong form" in error_of(browser, "owner")
    assert owner.get_attribute("aria-invalid") == "true"
    assert "f-owner-error" in (owner.get_attribute("aria-describedby") or "")
    assert any(p.startswith("Your GitHub or GitLab login") for p in problems(browser))
    assert browser.find_element(By.ID, "tandem-propose").get_attribute("href") is None
    leave(typed(browser, "owner", "jmueller"))
    assert error_of(browser, "owner") == "" and owner.get_attribute("aria-invalid") is None
    typed(browser, "about", "Servus!\n\n- happy to meet in Munich\n- one session a week")
    assert problems(browser) == []

    text = preview(browser)
    assert browser.find_element(By.NAME, "id").get_attribute("value") == (
        "juergen-mueller-luedenscheidt"
    )
    base, _, query = proposed(browser)
    assert base == "https://github.com/acme/tandem/new/main/ads"
    assert query == {"filename": ["juergen-mueller-luedenscheidt.yml"], "value": [text]}
    assert downloaded(browser, downloads, "juergen-mueller-luedenscheidt.yml") == text

    root = repository(tmp_path)
    (root / "ads" / "juergen-mueller-luedenscheidt.yml").write_text(text, "utf-8")
    result = validate(root)
    assert result.returncode == 0, result.stdout + result.stderr
    data = yaml.safe_load(text)
    assert data["location"] == "NO" and data["commitment"]["hours_per_week"] == 1.5
    assert data["about"] == "Servus!\n\n- happy to meet in Munich\n- one session a week"
    assert str(data["posted"]) == TODAY and str(data["expires"]) == "2027-05-23"


def test_the_form_writes_the_file_new_ad_writes(
    browser: WebDriver, github_url: str, tmp_path: Path
) -> None:
    open_form(browser, github_url + "post/")
    fill_ad(browser, ANSWERS)
    result = subprocess.run(
        new_ad_argv(ANSWERS, tmp_path),
        capture_output=True,
        text=True,
        env=build_env(),
        stdin=subprocess.DEVNULL,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    written = (tmp_path / "ads" / "juergen-mueller-luedenscheidt.yml").read_bytes()
    assert preview(browser).encode("utf-8") == written


def test_an_existing_id_and_a_late_expiry_are_flagged(browser: WebDriver, github_url: str) -> None:
    open_form(browser, github_url + "post/")
    fill_ad(browser, {**ANSWERS, "name": "Jana Schulz"})
    assert "exists already; choose another, e.g. jana-schulz-2" in error_of(browser, "id")
    browser.execute_script(
        "const e = document.getElementsByName('expires')[0]; e.value = '2027-11-24';"
        "e.dispatchEvent(new Event('change', {bubbles: true}));"
    )
    assert "more than 12 months ahead; choose 2027-11-23" in error_of(browser, "expires")
    leave(typed(browser, "id", "jana-schulz-2"))
    assert error_of(browser, "id") == ""


def test_contributor_text_stays_text(browser: WebDriver, github_url: str) -> None:
    open_form(browser, github_url + "post/")
    hostile = '<img src=x onerror="document.title=1">'
    fill_ad(browser, {**ANSWERS, "name": hostile, "contact": hostile})
    leave(typed(browser, "owner", hostile))
    assert hostile in preview(browser)
    assert browser.find_elements(By.CSS_SELECTOR, "main img, .md-content img") == []
    assert browser.title != "1"


def test_the_script_slugs_and_lays_out_as_python_does(browser: WebDriver, github_url: str) -> None:
    open_form(browser, github_url + "post/")
    names = [
        "Jürgen Müller", "Ayşe Yılmaz", "Łukasz Żółć", "Søren Ærø", "Straße", "ÄÖÜ äöü ß",
        "José-María O'Neil", "Zoë  Saldaña", "Đorđe", "  --x--  ", "日本語", "index", "a" * 80,
        "Ǆemal", "ﬁsh ﬂow", "Ⅻ", "C++ & C#", "x’y",
    ]  # fmt: skip
    assert browser.execute_script("return arguments[0].map(tandemPost.slugify)", names) == [
        slugify(name) for name in names
    ]
    schema: Any = schema_validator("ad").schema
    texts = [t for t in TRICKY if t != "emoji 🎉"] + ["emoji 🎉", "a\n\n"]
    from_script = browser.execute_script(
        "return arguments[0].map("
        "  t => tandemPost.yamlText({about: t, name: t, offers: [{skill: t}]}))",
        texts,
    )
    assert from_script == [
        yaml_text({"about": t, "name": t, "offers": [{"skill": t}]}, schema, "ad") for t in texts
    ]


def test_the_keyboard_alone_fills_in_an_ad(
    browser: WebDriver, github_url: str, downloads: Path, tmp_path: Path
) -> None:
    open_form(browser, github_url + "post/")
    body = browser.find_element(By.TAG_NAME, "body")
    body.click()

    def tab_to(name: str, *, limit: int = 80) -> WebElement:
        for _ in range(limit):
            browser.switch_to.active_element.send_keys(Keys.TAB)
            active = browser.switch_to.active_element
            if active.get_attribute("name") == name or active.get_attribute("id") == name:
                return active
        raise AssertionError(f"Tab never reached {name}")

    def key_in(name: str, text: str) -> None:
        tab_to(name).send_keys(text)

    key_in("name", "Kim Keyboard")
    key_in("owner", "kkeyboard")
    key_in("location", "Köln")
    key_in("languages", "de")
    key_in("offers.0.skill", "Excel")
    tab_to("offers.0.level").send_keys(Keys.ARROW_DOWN)  # advanced -> expert
    tab_to("offers.0.note")
    browser.switch_to.active_element.send_keys(Keys.TAB, Keys.ENTER)  # "Add another offer"
    assert browser.switch_to.active_element.get_attribute("name") == "offers.1.skill"
    browser.switch_to.active_element.send_keys("SQL")
    key_in("seeks.0.skill", "Python")
    key_in("commitment.hours_per_week", "2")
    key_in("commitment.weeks", "8")
    key_in("contact", "kim@example.com")
    tab_to("tandem-download").send_keys(Keys.ENTER)
    path = downloads / "kim-keyboard.yml"
    wait_until(browser, lambda d: path.is_file() and path.stat().st_size > 0, "no download")
    data = yaml.safe_load(path.read_text("utf-8"))
    assert data["offers"] == [
        {"skill": "Excel", "level": "expert"},
        {"skill": "SQL", "level": "advanced"},
    ]
    root = repository(tmp_path)
    shutil.copy(path, root / "ads")
    result = validate(root)
    assert result.returncode == 0, result.stdout + result.stderr


# --- tests: the partnership form ----------------------------------------------------------------


def test_a_partnership_from_a_suggestion_is_valid(
    browser: WebDriver, github_url: str, downloads: Path, tmp_path: Path
) -> None:
    open_form(browser, github_url + "post/partnership/?partners=jana-schulz,priya-ramen")
    assert browser.find_element(By.NAME, "title").get_attribute("value") == ""
    second = browser.find_element(By.NAME, "partners.1")
    assert second.get_attribute("value") == "priya-ramen"
    assert "not the id of an open ad" in " ".join(problems(browser))
    leave(typed(browser, "partners.1", "priya-raman"))
    assert error_of(browser, "partners.1") == ""
    goal = browser.find_element(By.NAME, "goals.0.goal").get_attribute("value") or ""
    assert goal.startswith("Give a confident 15-minute talk")
    typed(browser, "title", "Talks and numbers")
    assert problems(browser) == []
    text = preview(browser)
    base, _, query = proposed(browser)
    assert base == "https://github.com/acme/tandem/new/main/partnerships"
    assert query == {"filename": ["jana-schulz-priya-raman.yml"], "value": [text]}
    assert downloaded(browser, downloads, "jana-schulz-priya-raman.yml") == text
    root = repository(tmp_path)
    (root / "partnerships" / "jana-schulz-priya-raman.yml").write_text(text, "utf-8")
    result = validate(root)
    assert result.returncode == 0, result.stdout + result.stderr
    data = yaml.safe_load(text)
    assert data["partners"] == ["jana-schulz", "priya-raman"]
    assert [g["partner"] for g in data["goals"]] == ["jana-schulz", "priya-raman"]
    assert str(data["started"]) == TODAY and data["phase"] == "preparation"


def test_a_circle_loses_a_partner_and_becomes_a_tandem(browser: WebDriver, github_url: str) -> None:
    open_form(browser, github_url + "post/partnership/?partners=jana-schulz,priya-raman,ben-taylor")
    assert Select(browser.find_element(By.NAME, "format")).first_selected_option.text == (
        "Working Out Loud circle"
    )
    assert len(browser.find_elements(By.CSS_SELECTOR, "[name$='.goal']")) == 3
    browser.find_element(By.XPATH, "//button[text()='Remove partner 3']").click()
    assert len(browser.find_elements(By.CSS_SELECTOR, "[name$='.goal']")) == 2
    assert "a wol-circle has 3 to 5 partners; this names 2" in " ".join(problems(browser))
    Select(browser.find_element(By.NAME, "format")).select_by_value("tandem")
    assert problems(browser) == []
    assert yaml.safe_load(preview(browser))["partners"] == ["jana-schulz", "priya-raman"]


def test_partners_from_the_address_never_become_markup(browser: WebDriver, github_url: str) -> None:
    hostile = "%3Cimg%20src%3Dx%20onerror%3D%22document.title%3D1%22%3E"
    open_form(browser, github_url + f"post/partnership/?partners=jana-schulz,{hostile},x,y,z,w")
    assert browser.find_elements(By.CSS_SELECTOR, "main img, .md-content img") == []
    values = [
        browser.find_element(By.NAME, f"partners.{i}").get_attribute("value") for i in range(5)
    ]
    assert values[:2] == ["jana-schulz", '<img src=x onerror="document.title=1">']
    assert "partners.5" not in browser.page_source  # at most 5, as the schema says
    assert problems(browser) and browser.title != "1"


# --- tests: other forges, none, and a file too long for a link ---------------------------------


@pytest.fixture(scope="module")
def gitlab_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    site = built(tmp_path_factory.mktemp("gitlab"), repo_url="https://gitlab.com/acme/tandem")
    with serve(site) as url:
        yield url


def test_gitlab_gets_its_own_new_file_address(browser: WebDriver, gitlab_url: str) -> None:
    open_form(browser, gitlab_url + "post/")
    fill_ad(browser, ANSWERS)
    text = preview(browser)
    base, href, query = proposed(browser)
    assert base == "https://gitlab.com/acme/tandem/-/new/main/ads"
    assert query == {"file_name": ["juergen-mueller-luedenscheidt.yml"], "content": [text]}
    forge = forge_from_config("https://gitlab.com/acme/tandem")
    assert forge is not None
    assert href == forge.new_file_url("ads", "juergen-mueller-luedenscheidt.yml", text)
    assert browser.find_element(By.ID, "tandem-propose").text == "Propose on GitLab"


@pytest.fixture(scope="module")
def no_forge_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    site = built(tmp_path_factory.mktemp("none"), repo_url=None, language="de")
    with serve(site) as url:
        yield url


def test_without_a_forge_copy_and_download_still_work(
    browser: WebDriver, no_forge_url: str, downloads: Path
) -> None:
    open_form(browser, no_forge_url + "post/")
    assert browser.find_elements(By.ID, "tandem-propose") == []
    assert "kein Repository" in browser.find_element(By.ID, "tandem-forge-note").text
    fill_ad(browser, ANSWERS)
    assert downloaded(browser, downloads, "juergen-mueller-luedenscheidt.yml") == preview(browser)
    browser.find_element(By.ID, "tandem-copy").click()
    wait_until(
        browser,
        lambda d: d.find_element(By.ID, "tandem-post-status").text in ("Kopiert.", COPY_BY_HAND),
        "copying said nothing",
    )


def test_a_file_too_long_for_a_link_is_downloaded(
    browser: WebDriver, github_url: str, downloads: Path
) -> None:
    open_form(browser, github_url + "post/")
    fill_ad(browser, ANSWERS)
    browser.execute_script(
        "const e = document.getElementsByName('about')[0];"
        "e.value = 'Grüße! ' + 'üöäß'.repeat(498);"
        "e.dispatchEvent(new Event('input', {bubbles: true}));"
    )
    assert problems(browser) == []
    link = browser.find_element(By.ID, "tandem-propose")
    assert link.get_attribute("href") is None and link.get_attribute("aria-disabled") == "true"
    assert "too long to hand to GitHub" in browser.find_element(By.ID, "tandem-forge-note").text
    assert "Grüße!" in downloaded(browser, downloads, "juergen-mueller-luedenscheidt.yml")


def test_without_javascript_the_guide_is_offered(
    tmp_path_factory: pytest.TempPathFactory, github_url: str
) -> None:
    driver: WebDriver = start_chromium(
        profile=tmp_path_factory.mktemp("chromium-nojs"), prefs=NO_JAVASCRIPT
    )
    try:
        driver.get(github_url + "post/")
        note = driver.find_element(By.ID, "tandem-post-nojs")
        assert note.is_displayed() and "JavaScript" in note.text
        assert note.find_element(By.TAG_NAME, "a").get_attribute("href").endswith("/write-an-ad/")
        assert not driver.find_element(By.ID, "tandem-post").is_displayed()
    finally:
        driver.quit()


def test_no_console_errors_and_no_sideways_scrolling(
    browser: WebDriver, github_url: str, no_forge_url: str
) -> None:
    for page in ("post/", "post/partnership/?partners=jana-schulz,priya-raman"):
        for url in (github_url, no_forge_url):
            browser.set_window_size(390, 844)
            try:
                open_form(browser, url + page)
                wide = browser.execute_script(
                    "return document.documentElement.scrollWidth > window.innerWidth"
                )
                assert not wide, f"{page} scrolls sideways on a phone"
            finally:
                browser.set_window_size(1280, 900)
            errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
            assert errors == [], errors


AXE_SOURCE = resources.files("axe_playwright_python").joinpath("axe.min.js").read_text("utf-8")
"""axe-core as the test dependency axe-playwright-python bundles it (see test_accessibility)."""


@pytest.mark.parametrize("width", [1280, 390])
def test_no_serious_or_critical_accessibility_problem(
    browser: WebDriver, github_url: str, no_forge_url: str, width: int
) -> None:
    """With every message showing (the form was checked empty)."""
    source = AXE_SOURCE
    browser.set_window_size(width, 900)
    try:
        for url in (github_url + "post/", no_forge_url + "post/partnership/?partners=x,y"):
            open_form(browser, url)
            browser.find_element(By.CSS_SELECTOR, "#tandem-post button[type=submit]").click()
            browser.execute_script(source)
            violations = browser.execute_async_script(
                "const done = arguments[0];"
                "axe.run().then(r => done(r.violations"
                "  .filter(v => ['serious', 'critical'].includes(v.impact))"
                "  .map(v => [v.id, v.nodes.map(n => n.target.join(' '))])))"
            )
            assert violations == [], f"{url}: {violations}"
    finally:
        browser.set_window_size(1280, 900)


VALID_AD: dict[str, Any] = {
    "name": "Jana Schulz",
    "owner": "jschulz",
    "location": "Berlin",
    "remote": True,
    "languages": ["de", "en"],
    "formats": ["tandem"],
    "offers": [{"skill": "Python", "level": "expert"}],
    "seeks": [{"skill": "Public speaking", "goal": "Give a talk"}],
    "commitment": {"hours_per_week": 2, "weeks": 12},
    "posted": TODAY,
    "expires": "2027-05-23",
    "status": "open",
    "contact": "@jschulz",
}
WRONG: list[tuple[str, Any]] = [
    ("name", ""),
    ("name", "x" * 101),
    ("owner", "-jschulz"),
    ("owner", "j" * 40),
    ("team", ""),
    ("languages", []),
    ("languages", ["deu"]),
    ("languages", ["de", "de"]),
    ("formats", []),
    ("formats", ["pair"]),
    ("offers", []),
    ("offers", [{"skill": "Python", "level": "guru"}]),
    ("offers", [{"skill": "", "level": "basic"}]),
    ("offers", [{"skill": "P", "level": "basic", "note": "n" * 301}]),
    ("offers", [{"skill": f"S{i}", "level": "basic"} for i in range(9)]),
    ("seeks", [{"skill": "SQL", "goal": "g" * 301}]),
    ("commitment", {"hours_per_week": 0.4, "weeks": 12}),
    ("commitment", {"hours_per_week": 20.5, "weeks": 12}),
    ("commitment", {"hours_per_week": "lots", "weeks": 12}),
    ("commitment", {"hours_per_week": 2, "weeks": 12.5}),
    ("commitment", {"hours_per_week": 2, "weeks": 53}),
    ("available_from", "2026-02-30"),
    ("expires", TODAY),
    ("expires", "2027-11-24"),
    ("posted", "2026-11-25"),
    ("contact", ""),
    ("contact", "bell\x07"),
    ("about", "a" * 2001),
    ("about", "Grüße 🎉 " * 200),
]


def python_problems(data: dict[str, Any]) -> set[str]:
    """The fields `tandem validate` finds wrong in the file of `data`, by dotted path."""
    from generator.data.load import LoadError, load_bytes
    from generator.data.validate import ad_rules, validate_document
    from generator.workflow.scaffold import to_yaml

    text = to_yaml(data, "ad")
    try:
        doc = load_bytes(text.encode("utf-8"), "ads/jana.yml")
    except LoadError as exc:
        return {"load: " + exc.problem.message.split(":")[0]}
    validated = validate_document(doc, "ad")
    found = list(validated.problems)
    if validated.record is not None:
        found = list(ad_rules(validated.record, DAY))
    return {p.message.split(":")[0] for p in found}


@pytest.mark.parametrize(
    ("field", "value"), WRONG, ids=[f"{f}-{i}" for i, (f, _) in enumerate(WRONG)]
)
def test_the_form_and_validate_agree_on_what_is_wrong(
    browser: WebDriver, github_url: str, field: str, value: Any
) -> None:
    if browser.current_url != github_url + "post/":  # the ad form, loaded once for all cases
        open_form(browser, github_url + "post/")
    assert python_problems(VALID_AD) == set()
    assert browser.execute_script("return tandemPost.check(arguments[0])", VALID_AD) == []
    data = {**VALID_AD, field: value}
    paths = browser.execute_script("return tandemPost.check(arguments[0]).map(p => p.path)", data)
    from generator.data.validate import dotted

    from_script = {dotted(path) for path in paths}
    from_python = python_problems(data)
    if any(p.startswith("load: ") for p in from_python):  # a character YAML files cannot hold
        assert from_script == {field}
    else:
        assert from_script == from_python
