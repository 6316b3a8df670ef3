"""What an ad, skill and partnership page lets people do: read canonical skills, act on a
suggestion (contact, start a partnership), and change the file in the forge's editor."""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
import json
import re
from collections.abc import Callable
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from conftest import REPO, SAMPLE, TODAY
from mkdocs.config import load_config

from generator.data.validate import expiry_problem
from generator.matching.match import Reason
from generator.matching.present import (
    CAUTIONS,
    MIN_TO_COMPARE,
    NEARLY_ALL,
    REASONS_SHOWN,
    reason_shares,
    shown_reasons,
    suggestions_json,
)
from generator.pipeline import build, gather
from generator.site.forge import Forge, forge_from_config
from generator.site.i18n import Locale
from generator.site.views import Renewal, contact_action, renewal

DAY = dt.date.fromisoformat(TODAY)
GITHUB = forge_from_config("https://github.com/acme/tandem", branch="main")
GITLAB = forge_from_config("https://git.example.com/hr/tandem", branch="live", kind="gitlab")

TWO_SPELLINGS = """\
name: Vera Haas
owner: vhaas
location: Berlin
languages: [de, en]
offers:
  - {skill: Negotiation, level: advanced, note: Buying for ten years.}
  - {skill: Verhandlungsführung, level: expert}
seeks:
  - {skill: Data analysis, goal: Read our purchasing data myself.}
commitment: {hours_per_week: 6, weeks: 12}
posted: 2026-11-20
expires: 2027-02-20
status: open
contact: vera.haas@example.com
"""


def bodies(root: Path, *, language: str = "en", forge: Forge | None = None) -> dict[str, str]:
    site = build(root, DAY, language=language, forge=forge)
    return {page.src_uri: page.body for page in site.pages}


@pytest.fixture(scope="module")
def sample_bodies() -> dict[str, str]:
    return bodies(SAMPLE, forge=GITHUB)


def links(body: str) -> list[str]:
    return [html.unescape(h) for h in re.findall(r'href="([^"]*)"', body)]


def items(body: str, css_class: str) -> list[str]:
    """The contents of each `<li class="css_class">` at the top level of its list."""
    return re.findall(rf'<li class="{css_class}">(.*?)\n  </li>', body, re.DOTALL)


# --- start a partnership --------------------------------------------------------------------


def test_every_suggestion_starts_a_partnership_with_both(sample_bodies: dict[str, str]) -> None:
    body = sample_bodies["ads/jana-schulz.md"]
    suggestions = gather(SAMPLE, DAY).suggestions["jana-schulz"]
    cards = items(body, "tandem-suggestion")
    assert len(cards) == len(suggestions) > 0
    for card, suggestion in zip(cards, suggestions, strict=True):
        starts = [h for h in links(card) if "post/partnership/" in h]
        assert starts == [f"../../post/partnership/?partners=jana-schulz,{suggestion.partner}"]


def test_a_circle_starts_a_partnership_with_all_its_members(
    sample_bodies: dict[str, str],
) -> None:
    with_circles = {uri: body for uri, body in sample_bodies.items() if "tandem-circles" in body}
    assert with_circles, "the sample has ads with suggested circles"
    teachers: list[str] = []
    for uri, body in with_circles.items():
        own = uri.removeprefix("ads/").removesuffix(".md")
        circles = body[body.index('id="circles"') :]
        for card in items(circles, "tandem-suggestion"):
            members = re.findall(r'<a href="\.\./\.\./ads/([a-z0-9-]+)/">', card)
            starts = [h for h in links(card) if "post/partnership/" in h]
            assert len(starts) == 1 and len(members) >= 2
            query = parse_qs(urlsplit(starts[0]).query)
            assert query["partners"] == [",".join([own, *members])]
            teachers.extend(re.findall(r"<li>[^<]* teaches (<a .*?</a>)", card))
    assert teachers and all(chips(t) for t in teachers), "who teaches names the canonical skill"


# --- change the file ------------------------------------------------------------------------


def test_ad_page_links_to_its_file_in_the_forge_editor(sample_bodies: dict[str, str]) -> None:
    body = sample_bodies["ads/jana-schulz.md"]
    assert "https://github.com/acme/tandem/edit/main/ads/jana-schulz.yml" in links(body)
    assert "https://github.com/acme/tandem/blob/main/ads/jana-schulz.yml" in links(body)
    # posted 2026-11-02: the latest `expires` allowed is twelve months later
    assert "<code>expires: 2027-11-02</code>" in body and "2 Nov 2027 is the latest" in body
    statuses = re.findall(r"<code>status: (\w+)</code>", body)
    schema = json.loads((REPO / "generator/schemas/ad.schema.json").read_text("utf-8"))
    assert set(statuses) == set(schema["properties"]["status"]["enum"]) - {"open"}


@pytest.mark.parametrize(
    ("posted", "expires", "renewed"),
    [
        ("2026-11-02", "2027-05-02", Renewal(dt.date(2027, 11, 2))),
        # already at the latest date its `posted` allows: renew from today
        ("2026-01-31", "2027-01-31", Renewal(dt.date(2027, 11, 23), posted=DAY)),
        ("2024-02-29", "2025-02-28", Renewal(dt.date(2027, 11, 23), posted=DAY)),
    ],
)
def test_renewal_names_a_date_validation_accepts(
    posted: str, expires: str, renewed: Renewal
) -> None:
    ad = dataclasses.replace(
        gather(SAMPLE, DAY).ads[0],
        posted=dt.date.fromisoformat(posted),
        expires=dt.date.fromisoformat(expires),
    )
    found = renewal(ad, today=DAY)
    assert found == renewed
    assert found.expires is not None
    assert expiry_problem(found.posted or ad.posted, found.expires) is None


def test_gitlab_and_no_forge(tmp_path: Path) -> None:
    gitlab = bodies(SAMPLE, forge=GITLAB)
    assert "https://git.example.com/hr/tandem/-/edit/live/ads/jana-schulz.yml" in links(
        gitlab["ads/jana-schulz.md"]
    )
    log = gitlab["partnerships/excel-meets-python.md"]
    assert "https://git.example.com/hr/tandem/-/edit/live/partnerships/excel-meets-python.yml" in (
        links(log)
    )
    plain = bodies(SAMPLE)
    for uri in ("ads/jana-schulz.md", "partnerships/excel-meets-python.md"):
        body = plain[uri]
        assert not [h for h in links(body) if "/edit/" in h or "/blob/" in h]
        assert f"<code>{uri.replace('.md', '.yml')}</code>" in body
        assert "ask a Tandem maintainer" in body


def test_the_repository_keeps_edit_uri_on_the_plugin_branch() -> None:
    """The guides' "edit this page" (edit_uri) and the data's edit links (the plugin's
    `branch`) must point at the same branch, or one of them edits a stale copy."""
    config = load_config(str(REPO / "mkdocs.yml"))
    branch = config.plugins["tandem"].config.branch
    if not config.repo_url:
        pytest.skip("no forge configured")
    found = re.fullmatch(r"(?:-/)?(?:edit|blob)/(.+)/docs/?", config.edit_uri or "")
    assert found, f"edit_uri {config.edit_uri!r}: write edit/<branch>/docs/ (GitLab: -/edit/…)"
    assert found[1] == branch, f"edit_uri names {found[1]!r}, the tandem plugin {branch!r}"


# --- canonical skills -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def two_spellings(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, str]]:
    root = tmp_path_factory.mktemp("spellings")
    for folder in ("ads", "partnerships"):
        (root / folder).mkdir()
    (root / "skills.yml").write_bytes((SAMPLE / "skills.yml").read_bytes())
    for ad in ("jana-schulz", "ralf-kaiser", "hannah-koch"):
        (root / "ads" / f"{ad}.yml").write_bytes((SAMPLE / "ads" / f"{ad}.yml").read_bytes())
    (root / "ads" / "vera-haas.yml").write_text(TWO_SPELLINGS, "utf-8")
    return {lang: bodies(root, language=lang) for lang in ("en", "de")}


def chips(body: str) -> list[tuple[str, str]]:
    return re.findall(
        r'<a class="tandem-skill" href="\.\./\.\./skills/([a-z0-9-]+)/"[^>]*>([^<]+)</a>', body
    )


def test_two_spellings_of_one_skill_are_one_chip(two_spellings: dict[str, dict[str, str]]) -> None:
    en = two_spellings["en"]["ads/vera-haas.md"]
    offers = en[en.index('id="offers"') : en.index('id="seeks"')]
    assert chips(offers) == [("negotiation", "Negotiation")]
    assert "tandem-level--expert" in offers and "tandem-level--advanced" not in offers
    assert "written as “Verhandlungsführung”" in offers
    assert "Buying for ten years." in offers


def test_the_german_site_names_skills_in_german(two_spellings: dict[str, dict[str, str]]) -> None:
    de = two_spellings["de"]["ads/vera-haas.md"]
    assert ("negotiation", "Verhandlungsführung") in chips(de)
    assert ("data-analysis", "Datenanalyse") in chips(de)
    assert "geschrieben als „Negotiation“" in de
    assert "geschrieben als „Data analysis“" in de


def test_skill_page_shows_aliases_and_links_to_the_filtered_marketplace(
    two_spellings: dict[str, dict[str, str]],
) -> None:
    page = two_spellings["de"]["skills/negotiation.md"]
    assert "<h1>Verhandlungsführung</h1>" in page
    aliases = re.search(r'<p class="tandem-aliases">[^:]*: (.*?)</p>', page)
    assert aliases and "Negotiation" in aliases[1] and "Verhandeln" in aliases[1]
    assert "Verhandlungsführung" not in aliases[1]
    assert "../../ads/?skill=negotiation" in links(page)
    offered = page[page.index('id="offered-by"') : page.index('id="sought-by"')]
    assert offered.count("vera-haas") == 1, "one person, though listed in two spellings"


def test_suggestions_name_the_canonical_skill(two_spellings: dict[str, dict[str, str]]) -> None:
    body = two_spellings["en"]["ads/jana-schulz.md"]
    hannah = next(c for c in items(body, "tandem-suggestion") if "hannah-koch" in c)
    assert ("kubernetes", "Kubernetes") in chips(hannah)
    assert "written as “k8s”" in hannah


# --- the reasons shown ----------------------------------------------------------------------


def test_at_most_three_reasons_cautions_first_and_all_behind_details(
    sample_bodies: dict[str, str],
) -> None:
    cards = [c for b in sample_bodies.values() for c in items(b, "tandem-suggestion")]
    assert cards
    for card in cards:
        short = re.search(r'<ul class="tandem-reasons">(.*?)</ul>', card)
        assert short is None or short[1].count("<li>") <= REASONS_SHOWN
        every = re.search(r"<details class=\"tandem-more\">.*?</details>", card, re.DOTALL)
        assert every
        if "tandem-cautions" in card:
            assert card.index("tandem-cautions") < card.index(
                "tandem-reasons" if short else "<details"
            )


def test_common_reasons_are_dropped_and_the_rarest_kept() -> None:
    common = Reason("languages", (("languages", ("en",)),))
    rare = [
        Reason("remote_only"),
        Reason("manager"),
        Reason("start_now", (("my_date", "2026-12-01"),)),
    ]
    lists = [[common, Reason("formats", (("formats", ("tandem",)),))]] * (MIN_TO_COMPARE - 1)
    lists.append([common, *rare])
    shares = reason_shares(lists)
    assert shares["languages"] == 1.0 >= NEARLY_ALL
    gap = Reason("hours_gap", (("hours", 1.0), ("my_hours", 6.0)))
    shown = shown_reasons(
        [common, *rare, Reason("weeks_same", (("weeks", 12),)), gap],
        Locale("en"),
        shares=shares | {"weeks_same": 0.5},
    )
    assert shown.cautions == ("caution: plans 1 h/week, you 6",)
    assert "hours_gap" in CAUTIONS
    assert len(shown.distinctive) == REASONS_SHOWN
    assert "speaks EN, as you do" not in shown.distinctive
    assert "plans 12 weeks, as you do" not in shown.distinctive  # the least rare of the four
    assert len(shown.every) == 6


def test_match_json_keeps_every_reason() -> None:
    data = gather(SAMPLE, DAY)
    result = suggestions_json(data.suggestions)
    for ident, suggestions in data.suggestions.items():
        for entry, suggestion in zip(result[ident], suggestions, strict=True):
            assert len(entry["reasons"]) == len(suggestion.reasons)
            assert set(entry) == {"partner", "score", "mutual", "reasons"}


# --- contact --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("contact", "kind", "href"),
    [
        ("jo@example.com", "email", "mailto:jo@example.com"),
        ("mailto:jo@example.com", "email", "mailto:jo@example.com"),
        ("https://intranet.example.com/people/jo", "web", "https://intranet.example.com/people/jo"),
        ("@jo:matrix.example.org", "chat", "https://matrix.to/#/@jo:matrix.example.org"),
        ("xmpp:jo@chat.example.com", "chat", "xmpp:jo@chat.example.com"),
        ("+49 30 1234-567", "phone", "tel:+49301234567"),
        ("@jo on Chat", "text", None),
        ("javascript:alert(1)", "text", None),
        ("jo@example.com<script>", "text", None),
        ("data:text/html,<b>x</b>", "text", None),
    ],
)
def test_contact_becomes_a_link_only_where_its_form_allows(
    contact: str, kind: str, href: str | None
) -> None:
    action = contact_action(contact)
    assert (action.kind, action.href) == (kind, href)


def test_every_suggestion_has_a_contact_action(sample_bodies: dict[str, str]) -> None:
    cards = [c for b in sample_bodies.values() for c in items(b, "tandem-suggestion")]
    with_people = [c for c in cards if "tandem-exchange__title" in c]
    assert with_people
    for card in with_people:
        assert "tandem-contact-action" in card or "tandem-contact-text" in card


def test_hostile_contact_and_skill_stay_text(site_root: Callable[..., Path]) -> None:
    hostile = TWO_SPELLINGS.replace(
        "contact: vera.haas@example.com", "contact: '\"><script>alert(1)</script>'"
    ).replace("Negotiation, level", "'<img src=x onerror=alert(2)>', level")
    root = site_root({"ads/vera-haas.yml": hostile}, sample=True)
    for body in bodies(root, forge=GITHUB).values():
        assert "<script>alert" not in body and "<img src=x" not in body
