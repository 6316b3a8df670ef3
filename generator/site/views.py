"""Pages as pure functions: gathered data -> one small context per page, in one list.

`index_site` derives once what several pages share (live and open ads, open ads by skill,
closed stories). Each view turns that index, and the item its page is about, into a frozen
context of plain values; `PAGES` names, for each page type, its template, where its pages
live and which items get one. Templates receive those values and the environment's
filters, never an object to call back into.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
import statistics
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any, Generic, Protocol, TypeVar
from urllib.parse import quote

from generator.data.model import FORMATS, LEVELS, PHASES, Ad, Offer, Partnership, Seek
from generator.data.validate import MAX_MONTHS, add_months, schema_validator
from generator.gathered import Gathered
from generator.matching.circles import Circle
from generator.matching.match import SkillPair, Suggestion
from generator.matching.pairings import Proposal
from generator.matching.present import (
    ShownReasons,
    reason_ranks,
    reason_shares,
    reason_texts,
    shown_reasons,
)
from generator.site.charts import (
    BarChart,
    SupplyBar,
    Timeline,
    bar_chart,
    package_timeline,
    supply_bar,
)
from generator.site.forms import ad_form, partnership_form
from generator.site.i18n import Locale
from generator.site.ics import stable_uid
from generator.site.search import (
    SearchEntry,
    ad_entry,
    listing_entry,
    location_of,
    partnership_entry,
    skill_entry,
)

NEWEST_ADS_ON_HOME = 6
STORIES_ON_HOME = 3
SKILLS_IN_SUPPLY = 25
SKILLS_IN_GAPS = 15
WIDE = ("navigation", "toc")  # pages that use the whole width

T = TypeVar("T")


class Context(Protocol):
    """A page's values; its fields become the template's variables."""

    @property
    def title(self) -> str: ...


# --- what several pages share ----------------------------------------------------------------


@dataclass(frozen=True)
class SkillUse:
    """The open ads that offer and seek one skill."""

    key: str
    offers: tuple[tuple[Ad, Offer], ...]
    seeks: tuple[tuple[Ad, Seek], ...]


@dataclass(frozen=True)
class SiteIndex:
    data: Gathered
    locale: Locale
    ads: Mapping[str, Ad]
    live: Mapping[str, Ad]
    open: tuple[Ad, ...]
    skills: Mapping[str, SkillUse]  # every skill of a live ad, so no skill link is dead
    listed_skills: tuple[str, ...]  # those that an open ad offers or seeks
    stories: tuple[Partnership, ...]  # closed partnerships, newest first
    partnerships: Mapping[str, Partnership]
    partnerships_of: Mapping[str, tuple[Partnership, ...]]  # ad id -> its partnerships, by id
    ad_names: Mapping[str, str]  # every ad, for naming partners; only live ads get a link
    live_ids: frozenset[str]
    partner_shares: Mapping[str, float]  # reason code -> share of all suggestions giving it
    circle_shares: Mapping[str, float]
    spellings: Mapping[str, tuple[str, ...]]  # skill key -> what people wrote, on live ads

    def skill_name(self, key: str) -> str:
        return self.data.taxonomy.display_key(key, self.locale.lang)


def index_site(data: Gathered, locale: Locale) -> SiteIndex:
    live = {ad.id: ad for ad in data.ads if ad.is_live(data.today)}
    skills = _skill_uses(data, live.values())
    return SiteIndex(
        data=data,
        locale=locale,
        ads={ad.id: ad for ad in data.ads},
        live=live,
        open=tuple(ad for ad in data.ads if ad.is_open(data.today)),
        skills=skills,
        listed_skills=tuple(k for k, use in skills.items() if use.offers or use.seeks),
        stories=_stories(data.partnerships),
        partnerships={p.id: p for p in data.partnerships},
        partnerships_of=_partnerships_of(data.partnerships),
        ad_names={ad.id: ad.name for ad in data.ads},
        live_ids=frozenset(live),
        partner_shares=reason_shares(
            s.reasons for found in data.suggestions.values() for s in found
        ),
        circle_shares=reason_shares(c.reasons for found in data.circles.values() for c in found),
        spellings=_spellings(data, live.values()),
    )


def _skill_uses(data: Gathered, live: Iterable[Ad]) -> dict[str, SkillUse]:
    uses: dict[str, tuple[list[tuple[Ad, Offer]], list[tuple[Ad, Seek]]]] = {}
    key_of = data.taxonomy.key_of
    for ad in live:
        listed = ad.is_open(data.today)
        for offer in ad.offers:
            offers, _ = uses.setdefault(key_of(offer.skill), ([], []))
            if listed:
                offers.append((ad, offer))
        for seek in ad.seeks:
            _, seeks = uses.setdefault(key_of(seek.skill), ([], []))
            if listed:
                seeks.append((ad, seek))
    return {key: SkillUse(key, tuple(o), tuple(s)) for key, (o, s) in sorted(uses.items())}


def _spellings(data: Gathered, live: Iterable[Ad]) -> dict[str, tuple[str, ...]]:
    written: dict[str, dict[str, None]] = {}
    key_of = data.taxonomy.key_of
    for ad in live:
        for text in (*(o.skill for o in ad.offers), *(s.skill for s in ad.seeks)):
            written.setdefault(key_of(text), {})[text] = None
    return {key: tuple(texts) for key, texts in written.items()}


def _partnerships_of(partnerships: Iterable[Partnership]) -> dict[str, tuple[Partnership, ...]]:
    """Found once for all ad pages: looking through every log for each ad grows with N²."""
    of: dict[str, list[Partnership]] = {}
    for p in partnerships:
        for ad_id in dict.fromkeys(p.partners):
            of.setdefault(ad_id, []).append(p)
    return {ad_id: tuple(found) for ad_id, found in of.items()}


def _stories(partnerships: Iterable[Partnership]) -> tuple[Partnership, ...]:
    done = [p for p in partnerships if p.closing and p.phase == "closed"]
    return tuple(sorted(done, key=lambda p: (-p.closing.date.toordinal(), p.id)))  # type: ignore[union-attr]


Share = tuple[int, int]
"""(part, parts): every parts-th page of each type, from the part-th on; how a build splits
the pages between processes. (0, 1) is every page."""
WHOLE: Share = (0, 1)


# --- the views ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Chip:
    """One skill of an ad as the site names it, and as its author wrote it when otherwise."""

    key: str
    name: str  # the taxonomy's name in the site's language
    written: str  # the author's own spellings, when they differ from `name`; else ""


@dataclass(frozen=True)
class Card:
    """An ad as the marketplace and home show it: each skill once, by its canonical name."""

    ad: Ad
    offers: tuple[Chip, ...]
    seeks: tuple[Chip, ...]


def card_of(site: SiteIndex, ad: Ad) -> Card:
    return Card(
        ad=ad,
        offers=tuple(_chip(s) for s in shown_skills(site, offer_rows(site, ad.offers))),
        seeks=tuple(_chip(s) for s in shown_skills(site, seek_rows(site, ad.seeks))),
    )


def _chip(skill: ShownSkill) -> Chip:
    """`k8s` and `Kubernetes` in one ad are one chip, Kubernetes, written as `k8s`."""
    return Chip(skill.key, skill.name, ", ".join(skill.written))


@dataclass(frozen=True)
class HomeContext:
    title: str
    counts: Mapping[str, int]
    newest: tuple[Card, ...]
    stories: tuple[Partnership, ...]


def view_home(site: SiteIndex) -> HomeContext:
    newest = sorted(site.open, key=lambda a: (a.posted, a.id), reverse=True)
    counts = {
        "ads": len(site.open),
        "skills": len(site.listed_skills),
        "ongoing": sum(p.phase != "closed" for p in site.data.partnerships),
        "stories": len(site.stories),
    }
    return HomeContext(
        title=site.locale.t("nav.home"),
        counts=counts,
        newest=tuple(card_of(site, ad) for ad in newest[:NEWEST_ADS_ON_HOME]),
        stories=site.stories[:STORIES_ON_HOME],
    )


# --- the marketplace: a page of cards each, and every open ad as compact data -----------------

CARDS_PER_PAGE = 48
"""Cards on each marketplace page; the rest come from MARKET_DATA as people need them."""
MARKET_DATA = "ads/index.json"
PAGE_LINKS_AROUND = 2  # page links either side of the current one, besides the first and last


def market_page_uri(page: int) -> str:
    """Where page `page` of the marketplace lives: `ads/index.md`, `ads/page/2.md`, …"""
    return "ads/index.md" if page == 1 else f"ads/page/{page}.md"


def market_page_path(page: int) -> str:
    """Its address from the site's root: `ads/`, `ads/page/2/`, …"""
    return market_page_uri(page).removesuffix("index.md").removesuffix(".md").rstrip("/") + "/"


@dataclass(frozen=True)
class PageLink:
    number: int  # 0 for a gap ("…")
    path: str  # from the site's root; "" for a gap


@dataclass(frozen=True)
class MarketplaceContext:
    title: str
    heading: str
    cards: tuple[Card, ...]  # this page's
    total: int  # open ads on all pages
    page: int
    pages: int
    per_page: int
    page_links: tuple[PageLink, ...]
    previous: str  # path of the previous page, "" on the first
    next: str  # path of the next page, "" on the last
    data_path: str  # MARKET_DATA
    words: Mapping[str, str]  # what the script writes on cards it makes, in the site's language
    languages: tuple[str, ...]
    locations: tuple[str, ...]
    skills: tuple[tuple[str, str], ...]  # (key, name), by name


def market_order(site: SiteIndex) -> tuple[Ad, ...]:
    """Every open ad, newest first: the order of the pages and of MARKET_DATA."""
    return tuple(sorted(site.open, key=lambda a: (-a.posted.toordinal(), a.id)))


def marketplace_pages(
    site: SiteIndex, share: Share = WHOLE
) -> Iterable[tuple[str, MarketplaceContext]]:
    ads = market_order(site)
    pages = max(1, -(-len(ads) // CARDS_PER_PAGE))
    shared = _market_shared(site, ads)
    part, parts = share
    for page in range(1 + part, pages + 1, parts):
        chunk = ads[(page - 1) * CARDS_PER_PAGE : page * CARDS_PER_PAGE]
        yield market_page_uri(page), _market_page(site, shared, chunk, page=page, pages=pages)


def _market_page(
    site: SiteIndex, shared: MarketplaceContext, chunk: Sequence[Ad], *, page: int, pages: int
) -> MarketplaceContext:
    t = site.locale.t
    title = t("market.title") if page == 1 else t("market.page_title", page=page, pages=pages)
    return dataclasses.replace(
        shared,
        title=title,
        heading=title,
        cards=tuple(card_of(site, ad) for ad in chunk),
        page=page,
        pages=pages,
        page_links=page_links(page, pages),
        previous=market_page_path(page - 1) if page > 1 else "",
        next=market_page_path(page + 1) if page < pages else "",
    )


def _market_shared(site: SiteIndex, ads: Sequence[Ad]) -> MarketplaceContext:
    named = ((key, site.skill_name(key)) for key in site.listed_skills)
    return MarketplaceContext(
        title="",
        heading="",
        cards=(),
        total=len(ads),
        page=1,
        pages=1,
        per_page=CARDS_PER_PAGE,
        page_links=(),
        previous="",
        next="",
        data_path=MARKET_DATA,
        words=_market_words(site.locale),
        languages=tuple(sorted({lang for ad in ads for lang in ad.languages})),
        locations=tuple(sorted({ad.location for ad in ads}, key=str.casefold)),
        skills=tuple(sorted(named, key=lambda k: k[1].casefold())),
    )


MARKET_WORDS = (
    "ad.offers",
    "ad.seeks",
    "ad.remote_ok",
    "ad.languages",
    "ad.hours_weeks",
    "ad.posted_today",
    "ad.posted_yesterday",
    "ad.posted_days_ago",
    "market.written_as",
    "market.did_you_mean",
    "market.skill_feed",
    "number.decimal",
)


def _market_words(locale: Locale) -> dict[str, str]:
    """The strings tandem.js needs to write a card as the template does, with their
    placeholders (`{hours}`) left for the script to fill."""
    return {key: locale.t(key) for key in MARKET_WORDS}


def page_links(page: int, pages: int) -> tuple[PageLink, ...]:
    """The first and last page, and those around this one; a gap where pages are left out."""
    shown = sorted(
        {1, pages}
        | set(range(page - PAGE_LINKS_AROUND, page + PAGE_LINKS_AROUND + 1))
        & set(range(1, pages + 1))
    )
    links: list[PageLink] = []
    for number in shown:
        if links and number > links[-1].number + 1:
            links.append(PageLink(0, ""))
        links.append(PageLink(number, market_page_path(number)))
    return tuple(links) if pages > 1 else ()


@dataclass(frozen=True)
class MarketDataContext:
    """Every open ad in a compact form for tandem.js: tables of skills, places and teams,
    then one row per ad that points into them (see `market_row`)."""

    title: str
    data: Mapping[str, object]


def view_market_data(site: SiteIndex) -> MarketDataContext:
    ads = market_order(site)
    cards = [card_of(site, ad) for ad in ads]
    skills = _TableOf[str]()
    places = _TableOf[str]()
    teams = _TableOf[str]()
    teams.index("")
    rows = [market_row(card, site.data.today, skills, places, teams) for card in cards]
    return MarketDataContext(
        title=site.locale.t("market.title"),
        data={
            "built": site.data.today.isoformat(),
            "skills": [_skill_entry(site, key) for key in skills.items],
            "places": places.items,
            "teams": teams.items,
            "ads": rows,
        },
    )


class _TableOf(Generic[T]):
    """Distinct values in order of first use; a row names one by its index."""

    def __init__(self) -> None:
        self.items: list[T] = []
        self._index: dict[T, int] = {}

    def index(self, value: T) -> int:
        found = self._index.get(value)
        if found is None:
            found = self._index[value] = len(self.items)
            self.items.append(value)
        return found


FORMAT_BITS = {form: 1 << i for i, form in enumerate(FORMATS)}


def market_row(
    card: Card, today: dt.date, skills: _TableOf[str], places: _TableOf[str], teams: _TableOf[str]
) -> list[object]:
    """[id, name, team, place, remote, languages, formats, offers, seeks, hours, weeks, age]:
    team and place index their tables; remote is 0 or 1; languages joined by `|`; formats a
    bit set in FORMATS' order; offers and seeks lists of a skill's index, or of [index, how
    the author wrote it] when that differs from the skill's name; age in days before the
    build's day."""
    ad = card.ad
    return [
        ad.id,
        ad.name,
        teams.index(ad.team or ""),
        places.index(ad.location),
        int(ad.remote),
        "|".join(ad.languages),
        sum(FORMAT_BITS[f] for f in set(ad.formats)),
        [_chip_cell(chip, skills) for chip in card.offers],
        [_chip_cell(chip, skills) for chip in card.seeks],
        _plain_number(ad.commitment.hours_per_week),
        ad.commitment.weeks,
        (today - ad.posted).days,
    ]


def _plain_number(value: float) -> float | int:
    """`2` rather than `2.0`: the same number in fewer bytes."""
    return int(value) if float(value).is_integer() else value


def _chip_cell(chip: Chip, skills: _TableOf[str]) -> object:
    index = skills.index(chip.key)
    return [index, chip.written] if chip.written else index


def _skill_entry(site: SiteIndex, key: str) -> list[str]:
    """[key, name, spellings…]: every spelling the taxonomy lists for the skill, so the
    filter finds an ad by any of them (how the ad itself wrote it is in the ad's row)."""
    skill = site.data.taxonomy.by_key.get(key)
    spellings = skill.terms if skill else ()
    name = site.skill_name(key)
    return [key, name, *(s for s in dict.fromkeys(spellings) if s != name)]


@dataclass(frozen=True)
class ShownSkill:
    """One skill of an ad as the site names it: the taxonomy's name in the site's language,
    with the author's own words beside it where they differ. Spellings of one skill in one
    ad (`Negotiation`, `Verhandlungsführung`) are one ShownSkill."""

    key: str
    name: str
    written: tuple[str, ...]  # the author's spellings that differ from `name`
    level: str | None = None  # an offer's level; the highest when listed twice
    texts: tuple[str, ...] = ()  # the notes of an offer, the goals of a seek


SkillRow = tuple[str, str, str | None, str | None]
"""(canonical key, skill as written, level, note or goal)."""


def shown_skills(site: SiteIndex, rows: Iterable[SkillRow]) -> tuple[ShownSkill, ...]:
    """One entry per canonical skill, in the order the author first listed each."""
    grouped: dict[str, list[SkillRow]] = {}
    for row in rows:
        grouped.setdefault(row[0], []).append(row)
    return tuple(_shown_skill(site, key, group) for key, group in grouped.items())


def _shown_skill(site: SiteIndex, key: str, rows: Sequence[SkillRow]) -> ShownSkill:
    name = site.skill_name(key)
    written = {
        text.strip(): None for _, text, _, _ in rows if text.strip().casefold() != name.casefold()
    }
    levels = [level for _, _, level, _ in rows if level]
    texts = {text: None for _, _, _, text in rows if text}
    return ShownSkill(
        key=key,
        name=name,
        written=tuple(written),
        level=max(levels, key=LEVELS.index) if levels else None,
        texts=tuple(texts),
    )


def offer_rows(site: SiteIndex, offers: Iterable[Offer]) -> Iterator[SkillRow]:
    key_of = site.data.taxonomy.key_of
    return ((key_of(o.skill), o.skill, o.level, o.note) for o in offers)


def seek_rows(site: SiteIndex, seeks: Iterable[Seek]) -> Iterator[SkillRow]:
    key_of = site.data.taxonomy.key_of
    return ((key_of(s.skill), s.skill, None, s.goal) for s in seeks)


@dataclass(frozen=True)
class ContactAction:
    """How to reach someone from a page: a link where the contact's form allows one."""

    kind: str  # "email", "web", "chat", "phone" (each a link), or "text" (shown as written)
    href: str | None
    text: str


_EMAIL = re.compile(r"(?:mailto:)?([^@\s<>\"':/]+@[^@\s<>\"'/]+\.[a-zA-Z]{2,})")
_WEB = re.compile(r"https?://[^\s<>\"']+")
_MATRIX = re.compile(r"@[a-z0-9._=/+-]+:[a-z0-9.-]+\.[a-z]{2,}(?::\d+)?", re.IGNORECASE)
_CHAT_URI = re.compile(r"(?:xmpp|im|msteams|slack):[^\s<>\"']+", re.IGNORECASE)
_PHONE = re.compile(r"(?:tel:)?(\+[0-9][0-9 ()/-]{5,30}[0-9])")


def contact_action(contact: str) -> ContactAction:
    """An e-mail, a web address, a Matrix ID, a chat URI or a phone number in international
    form each become a link; anything else (`@jschulz on Chat`) is shown as written. Only
    these schemes are ever linked, so a `javascript:` contact stays text."""
    text = contact.strip()
    if found := _EMAIL.fullmatch(text):
        return ContactAction("email", f"mailto:{found[1]}", found[1])
    if _WEB.fullmatch(text):
        return ContactAction("web", text, text)
    if _MATRIX.fullmatch(text):
        return ContactAction("chat", f"https://matrix.to/#/{quote(text, safe='@:')}", text)
    if _CHAT_URI.fullmatch(text):
        return ContactAction("chat", text, text)
    if found := _PHONE.fullmatch(text):
        return ContactAction("phone", "tel:" + re.sub(r"[^+0-9]", "", found[1]), found[1])
    return ContactAction("text", None, text)


def start_href(*ad_ids: str) -> str:
    """The partnership-log form, prefilled with these partners (relative to the site root)."""
    return "post/partnership/?partners=" + ",".join(quote(i, safe="") for i in ad_ids)


@dataclass(frozen=True)
class SuggestedPartner:
    partner: Ad
    score: int
    mutual: bool
    reasons: ShownReasons
    they_teach: tuple[ShownSkill, ...]  # what the ad's author learns from the partner
    i_teach: tuple[ShownSkill, ...]  # what the partner learns from the author, with their goal
    contact: ContactAction
    start: str


@dataclass(frozen=True)
class SuggestedCircle:
    theme: str  # in the page's language
    members: tuple[Ad, ...]  # the others
    score: int
    reasons: ShownReasons
    teachers: tuple[tuple[Ad, ShownSkill], ...]  # those in the circle who offer its theme
    start: str


@dataclass(frozen=True)
class SourceFile:
    """A data file and, when `repo_url` is set, its place in the forge."""

    path: str
    forge: str | None  # "GitHub" or "GitLab"
    edit_url: str | None
    history_url: str | None


def source_file(site: SiteIndex, path: str) -> SourceFile:
    forge = site.data.forge
    if forge is None:
        return SourceFile(path, None, None, None)
    return SourceFile(path, forge.label, forge.edit_url(path), forge.view_url(path))


@dataclass(frozen=True)
class AdContext:
    title: str
    ad: Ad
    place: str  # the location by its listed name in the page's language, else as written
    contact: ContactAction
    offers: tuple[ShownSkill, ...]
    seeks: tuple[ShownSkill, ...]
    partnerships: tuple[Partnership, ...]
    suggestions: tuple[SuggestedPartner, ...]
    circles: tuple[SuggestedCircle, ...]
    source: SourceFile
    renewal: Renewal
    start: str  # the partnership-log form with this ad as the first partner


def view_ad(site: SiteIndex, ad: Ad) -> AdContext:
    return AdContext(
        title=ad.name,
        ad=ad,
        place=site.data.taxonomy.places.display(ad.location, site.locale.lang),
        contact=contact_action(ad.contact),
        offers=shown_skills(site, offer_rows(site, ad.offers)),
        seeks=shown_skills(site, seek_rows(site, ad.seeks)),
        partnerships=site.partnerships_of.get(ad.id, ()),
        suggestions=tuple(_suggested(site, ad, s) for s in site.data.suggestions.get(ad.id, ())),
        circles=tuple(_circle(site, ad, c) for c in site.data.circles.get(ad.id, ())),
        source=source_file(site, ad.path),
        renewal=renewal(ad, today=site.data.today),
        start=start_href(ad.id),
    )


def ad_inputs(site: SiteIndex, ad: Ad) -> tuple[object, ...]:
    """What `view_ad` reads besides the site-wide values (see `Inputs`): the ad, its logs,
    its suggestions and circles with the partners they name, and how the reasons' shares
    rank the codes they give."""
    suggestions = site.data.suggestions.get(ad.id, ())
    circles = site.data.circles.get(ad.id, ())
    return (
        ad,
        site.partnerships_of.get(ad.id, ()),
        suggestions,
        tuple(site.ads[s.partner] for s in suggestions),
        reason_ranks((r for s in suggestions for r in s.reasons), site.partner_shares),
        circles,
        tuple(site.ads[m] for c in circles for m in c.members),
        reason_ranks((r for c in circles for r in c.reasons), site.circle_shares),
    )


@dataclass(frozen=True)
class Renewal:
    """How to renew an ad: the latest `expires` allowed, and the `posted` date to write
    with it when the ad's own `posted` allows nothing later than it has already."""

    expires: dt.date | None  # None only at the end of the calendar
    posted: dt.date | None = None


def renewal(ad: Ad, *, today: dt.date) -> Renewal:
    latest = _months_later(ad.posted)
    if latest is None or latest > ad.expires:
        return Renewal(latest)
    return Renewal(_months_later(today), posted=today)


def _months_later(day: dt.date) -> dt.date | None:
    try:
        return add_months(day, MAX_MONTHS)
    except OverflowError:
        return None


def _circle(site: SiteIndex, ad: Ad, circle: Circle) -> SuggestedCircle:
    members = tuple(site.ads[m] for m in circle.members)
    return SuggestedCircle(
        theme=site.data.taxonomy.display_key(circle.key, site.locale.lang),
        members=members,
        score=circle.score,
        reasons=shown_reasons(circle.reasons, site.locale, shares=site.circle_shares),
        teachers=tuple(
            (person, shown)
            for person in (ad, *members)
            for shown in shown_skills(site, offer_rows(site, person.offers))
            if shown.key == circle.key
        ),
        start=start_href(ad.id, *circle.members),
    )


def _suggested(site: SiteIndex, ad: Ad, suggestion: Suggestion) -> SuggestedPartner:
    partner = site.ads[suggestion.partner]
    return SuggestedPartner(
        partner=partner,
        score=suggestion.score,
        mutual=suggestion.mutual,
        reasons=shown_reasons(suggestion.reasons, site.locale, shares=site.partner_shares),
        they_teach=shown_skills(site, _taught(suggestion.they_teach, by_teacher=True)),
        i_teach=shown_skills(site, _taught(suggestion.i_teach, by_teacher=False)),
        contact=contact_action(partner.contact),
        start=start_href(ad.id, partner.id),
    )


def _taught(pairs: Iterable[SkillPair], *, by_teacher: bool) -> Iterator[SkillRow]:
    """What the partner offers (their words, level and note), or what the partner seeks
    (their words and goal): always the partner's side of each pair."""
    for pair in pairs:
        if by_teacher:
            yield pair.key, pair.offer, pair.level, pair.note
        else:
            yield pair.key, pair.seek, None, pair.goal


@dataclass(frozen=True)
class SkillHolder:
    """One person who offers or seeks a skill, with their words, level and note or goal."""

    ad: Ad
    skill: ShownSkill


@dataclass(frozen=True)
class SkillContext:
    title: str
    key: str
    name: str
    aliases: tuple[str, ...]  # the taxonomy's other names and spellings, English and German
    marketplace: str  # the marketplace filtered by this skill, relative to the site root
    offers: tuple[SkillHolder, ...]  # the most experienced first
    seeks: tuple[SkillHolder, ...]


def view_skill(site: SiteIndex, use: SkillUse) -> SkillContext:
    name = site.skill_name(use.key)
    offers = _holders(site, use.offers, lambda o: offer_rows(site, o))
    seeks = _holders(site, use.seeks, lambda s: seek_rows(site, s))
    return SkillContext(
        title=name,
        key=use.key,
        name=name,
        aliases=skill_aliases(site, use.key, name),
        marketplace=f"ads/?skill={quote(use.key, safe='')}",
        offers=tuple(sorted(offers, key=lambda h: (-LEVELS.index(h.skill.level or ""), h.ad.id))),
        seeks=tuple(sorted(seeks, key=lambda h: h.ad.id)),
    )


def skill_inputs(site: SiteIndex, use: SkillUse) -> tuple[object, ...]:
    """What `view_skill` and `view_skill_feed` read besides the site-wide values (see
    `Inputs`): the skill's open ads with what each offers or seeks."""
    return (use.key, use.offers, use.seeks)


def _holders(
    site: SiteIndex,
    entries: Iterable[tuple[Ad, T]],
    rows: Callable[[Sequence[T]], Iterable[SkillRow]],
) -> list[SkillHolder]:
    """One holder per ad: an ad that lists two spellings of the skill is one person."""
    by_ad: dict[str, tuple[Ad, list[T]]] = {}
    for ad, item in entries:
        by_ad.setdefault(ad.id, (ad, []))[1].append(item)
    return [SkillHolder(ad, shown_skills(site, rows(items))[0]) for ad, items in by_ad.values()]


def skill_aliases(site: SiteIndex, key: str, name: str) -> tuple[str, ...]:
    """Every name the taxonomy lists for the skill except the one shown."""
    skill = site.data.taxonomy.by_key.get(key)
    if skill is None:
        return ()
    return tuple(t for t in skill.terms if t.casefold() != name.casefold())


@dataclass(frozen=True)
class SkillsContext:
    title: str
    rows: tuple[tuple[str, str, int, int], ...]  # (key, name, offered, sought), by name


def view_skills(site: SiteIndex) -> SkillsContext:
    rows = (
        (key, site.skill_name(key), len(site.skills[key].offers), len(site.skills[key].seeks))
        for key in site.listed_skills
    )
    return SkillsContext(
        title=site.locale.t("skills.title"),
        rows=tuple(sorted(rows, key=lambda r: r[1].casefold())),
    )


@dataclass(frozen=True)
class PartnershipContext:
    title: str
    p: Partnership
    phases: tuple[tuple[str, str], ...]  # (phase, "done" | "current" | "ahead")
    chart: Timeline | None
    source: SourceFile


def view_partnership(site: SiteIndex, p: Partnership) -> PartnershipContext:
    return PartnershipContext(
        title=p.title,
        p=p,
        phases=phase_steps(p.phase),
        chart=package_timeline(p, today=site.data.today),
        source=source_file(site, p.path),
    )


def phase_steps(current: str) -> tuple[tuple[str, str], ...]:
    reached = PHASES.index(current)
    return tuple(
        (phase, "done" if i < reached else "current" if i == reached else "ahead")
        for i, phase in enumerate(PHASES)
    )


@dataclass(frozen=True)
class PartnershipsContext:
    title: str
    by_phase: Mapping[str, tuple[Partnership, ...]]


def view_partnerships(site: SiteIndex) -> PartnershipsContext:
    partnerships = site.data.partnerships
    return PartnershipsContext(
        title=site.locale.t("partnerships.title"),
        by_phase={phase: tuple(p for p in partnerships if p.phase == phase) for phase in PHASES},
    )


@dataclass(frozen=True)
class StoriesContext:
    title: str
    stories: tuple[Partnership, ...]


def view_stories(site: SiteIndex) -> StoriesContext:
    return StoriesContext(title=site.locale.t("stories.title"), stories=site.stories)


@dataclass(frozen=True)
class FeedContext:
    title: str
    stories: tuple[Partnership, ...]
    absolute: bool
    base: str  # the site's address; without one, links are relative to the feed itself
    updated: dt.date


def view_stories_feed(site: SiteIndex) -> FeedContext:
    absolute, base = _base(site, depth=1)
    newest = site.stories[0].closing if site.stories else None
    return FeedContext(
        title=site.locale.t("stories.feed_title"),
        stories=site.stories,
        absolute=absolute,
        base=base,
        updated=newest.date if newest else site.data.today,
    )


def _base(site: SiteIndex, *, depth: int) -> tuple[bool, str]:
    """Whether links are absolute, and the site's address; without `site_url`, the way
    back to the root from a file `depth` folders down (links relative to the file)."""
    url = site.data.site_url
    absolute = url.startswith(("http://", "https://"))
    return absolute, url.rstrip("/") + "/" if absolute else "../" * depth


@dataclass(frozen=True)
class SkillFeedEntry:
    ad: Ad
    direction: str  # "offers" | "seeks"
    title: str  # "Jana Schulz offers Python (expert)"
    summary: str  # the note or the goal, and the time the person plans


@dataclass(frozen=True)
class SkillFeedContext:
    title: str
    key: str
    entries: tuple[SkillFeedEntry, ...]  # newest first
    absolute: bool
    base: str
    updated: dt.date


def view_skill_feed(site: SiteIndex, use: SkillUse) -> SkillFeedContext:
    """One entry per open ad that offers or seeks the skill: an ad that lists two spellings
    of it (`k8s`, `Kubernetes`) is one entry, by the first as written."""
    name = site.skill_name(use.key)
    entries = {
        (ad.id, "offers"): _feed_entry(site, ad, "offers", name, o.note, o.level)
        for ad, o in reversed(use.offers)
    } | {
        (ad.id, "seeks"): _feed_entry(site, ad, "seeks", name, s.goal)
        for ad, s in reversed(use.seeks)
    }
    newest = sorted(
        entries.values(), key=lambda e: (-e.ad.posted.toordinal(), e.ad.id, e.direction)
    )
    absolute, base = _base(site, depth=2)
    return SkillFeedContext(
        title=site.locale.t("skill.feed_title", skill=name),
        key=use.key,
        entries=tuple(newest),
        absolute=absolute,
        base=base,
        updated=newest[0].ad.posted if newest else site.data.today,
    )


def _feed_entry(
    site: SiteIndex, ad: Ad, direction: str, skill: str, text: str | None, level: str = ""
) -> SkillFeedEntry:
    t = site.locale.t
    if direction == "offers":
        title = t("skill.feed_offers", name=ad.name, skill=skill, level=t(f"level.{level}"))
    else:
        title = t("skill.feed_seeks", name=ad.name, skill=skill)
    hours = site.locale.number(ad.commitment.hours_per_week)
    plan = t("ad.hours_weeks", hours=hours, weeks=ad.commitment.weeks)
    summary = " · ".join(part for part in (text, ad.location, plan) if part)
    return SkillFeedEntry(ad=ad, direction=direction, title=title, summary=summary)


@dataclass(frozen=True)
class CalendarEvent:
    uid: str
    start: dt.date
    end: dt.date  # the day after: an all-day event
    summary: str
    description: str


@dataclass(frozen=True)
class CalendarContext:
    title: str
    stamp: dt.date  # the build's today, so that a rebuild of the same day is the same file
    events: tuple[CalendarEvent, ...]  # by date
    url: str  # the partnership page's address; empty without `site_url` (URL must be absolute)


def view_calendar(site: SiteIndex, p: Partnership) -> CalendarContext:
    """The partnership's dates as all-day events: its start, each milestone, each package's
    due date, the planned end and the closing. The start is always there, so the calendar
    is valid (RFC 5545 wants a component) and can be subscribed to from the first day."""
    absolute, base = _base(site, depth=2)
    events = sorted(_calendar_events(site, p), key=lambda e: (e.start, e.uid))
    return CalendarContext(
        title=p.title,
        stamp=site.data.today,
        events=tuple(events),
        url=f"{base}partnerships/{p.id}/" if absolute else "",
    )


def _calendar_events(site: SiteIndex, p: Partnership) -> Iterable[CalendarEvent]:
    t, name = site.locale.t, _namer(site)
    seen: Counter[tuple[str, ...]] = Counter()

    def event(
        kind: str, about: Sequence[str], day: dt.date, summary: str, text: str
    ) -> CalendarEvent:
        key = (p.id, kind, *about)
        seen[key] += 1  # the same title twice stays two events
        uid = stable_uid(*key, str(seen[key]))
        return CalendarEvent(uid, day, day + dt.timedelta(days=1), summary, text)

    yield event("started", (), p.started, t("calendar.started", title=p.title), "")
    for goal in p.goals:
        for m in goal.milestones:
            state = t("milestone.done" if m.done else "milestone.open")
            summary = t("calendar.milestone", title=m.title, name=name(goal.partner))
            yield event(
                "milestone", (goal.partner, m.title), m.due, summary, f"{goal.goal}\n{state}"
            )
    for pk in p.packages:
        text = t(
            "calendar.package_people",
            teacher=name(pk.teacher),
            learners=", ".join(map(name, pk.learners)),
            status=t(f"package.{pk.status}"),
        )
        yield event("package", (pk.title,), pk.due, t("calendar.package", title=pk.title), text)
    if p.planned_end:
        yield event("planned-end", (), p.planned_end, t("calendar.planned_end", title=p.title), "")
    if p.closing:
        yield event("closing", (), p.closing.date, t("calendar.closing", title=p.title), "")


def _namer(site: SiteIndex) -> Callable[[str], str]:
    return lambda ad_id: site.ad_names.get(ad_id, ad_id)


@dataclass(frozen=True)
class SupplyRow:
    key: str
    name: str
    offered: int
    sought: int
    bar: SupplyBar


@dataclass(frozen=True)
class StatsContext:
    title: str
    supply: tuple[SupplyRow, ...]  # the most asked-about skills first
    gaps: tuple[tuple[str, str, int], ...]  # (key, name, sought): sought, offered by nobody
    phases: BarChart
    formats: BarChart
    median_weeks: float | None  # from start to closing
    reached: Mapping[str, int]
    closed_count: int


def view_stats(site: SiteIndex) -> StatsContext:
    partnerships = site.data.partnerships
    durations = [(p.closing.date - p.started).days for p in site.stories if p.closing]
    reached = Counter(str(p.closing.goals_reached).lower() for p in site.stories if p.closing)
    supply, gaps = _supply_and_gaps(site)
    return StatsContext(
        title=site.locale.t("stats.title"),
        supply=supply,
        gaps=gaps,
        phases=bar_chart(Counter(p.phase for p in partnerships), PHASES),
        formats=bar_chart(Counter(p.format for p in partnerships), FORMATS),
        median_weeks=round(int(statistics.median(durations)) / 7, 1) if durations else None,
        reached={k: reached.get(k, 0) for k in ("true", "partly", "false")},
        closed_count=len(site.stories),
    )


def _supply_and_gaps(
    site: SiteIndex,
) -> tuple[tuple[SupplyRow, ...], tuple[tuple[str, str, int], ...]]:
    """The most asked-about skills, and the most sought of those that nobody offers."""
    counts = {
        key: (len(site.skills[key].offers), len(site.skills[key].seeks))
        for key in site.listed_skills
    }
    names = {key: site.skill_name(key) for key in counts}
    largest = max((o + s for o, s in counts.values()), default=1)
    ranked = sorted(counts.items(), key=lambda kv: (-sum(kv[1]), names[kv[0]].casefold()))
    gaps = sorted(
        ((k, names[k], s) for k, (o, s) in counts.items() if o == 0 and s > 0),
        key=lambda row: (-row[2], row[1].casefold()),
    )
    supply = (
        SupplyRow(k, names[k], o, s, supply_bar(o, s, largest=largest))
        for k, (o, s) in ranked[:SKILLS_IN_SUPPLY]
    )
    return tuple(supply), tuple(gaps[:SKILLS_IN_GAPS])


@dataclass(frozen=True)
class PlannedGroup:
    members: tuple[str, ...]  # ad ids, as the plan lists them
    score: int
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class PairingsContext:
    title: str
    placed: int  # open ads in a pair or circle
    everyone: int  # open ads
    circles: tuple[PlannedGroup, ...]  # best first
    pairs: tuple[PlannedGroup, ...]  # best first
    alone: tuple[str, ...]  # ad ids without a good mutual partner in the plan


def view_pairings(site: SiteIndex) -> PairingsContext:
    """The maintainers' view of `tandem pairings`: whom to introduce to whom."""
    grouped = [p for p in site.data.plan if len(p.members) > 1]
    alone = tuple(m for p in site.data.plan if len(p.members) == 1 for m in p.members)
    return PairingsContext(
        title=site.locale.t("pairings.title"),
        placed=sum(len(p.members) for p in grouped),
        everyone=sum(len(p.members) for p in site.data.plan),
        circles=tuple(_planned(site, p) for p in grouped if len(p.members) > 2),
        pairs=tuple(_planned(site, p) for p in grouped if len(p.members) == 2),
        alone=alone,
    )


def _planned(site: SiteIndex, proposal: Proposal) -> PlannedGroup:
    reasons = reason_texts(proposal.reasons, site.locale)
    return PlannedGroup(proposal.members, proposal.score, tuple(reasons))


@dataclass(frozen=True)
class PostContext:
    title: str
    form: str  # the rules and data of the form, as JSON for its script (see site/forms.py)
    forge: str  # "GitHub", "GitLab", or "" without a repository
    skills: tuple[tuple[str, str], ...]  # (spelling, skill name): the picker's suggestions
    levels: tuple[tuple[str, str], ...]  # (level, its word)
    limits: Mapping[str, str]  # the schema's limits that the help texts name, as worded


def view_post(site: SiteIndex) -> PostContext:
    """/post/: a form that writes a new ad."""
    t, number = site.locale.t, site.locale.number
    schema: Any = schema_validator("ad").schema
    fields = schema["properties"]
    hours, weeks = fields["commitment"]["properties"].values()
    return PostContext(
        title=t("post.title"),
        form=_json(ad_form(site.data.forge, site.locale, taken=site.ads)),
        forge=site.data.forge.label if site.data.forge else "",
        skills=_skill_terms(site),
        levels=tuple((level, t(f"level.{level}")) for level in LEVELS),
        limits={
            "hours_min": number(hours["minimum"]),
            "hours_max": number(hours["maximum"]),
            "weeks_min": str(weeks["minimum"]),
            "weeks_max": str(weeks["maximum"]),
            "about_max": f"{fields['about']['maxLength']:,}".replace(",", t("post.thousands")),
            "months": str(MAX_MONTHS),
        },
    )


@dataclass(frozen=True)
class PostPartnershipContext:
    title: str
    form: str
    forge: str
    formats: tuple[tuple[str, str], ...]  # (format, its name)
    phases: tuple[tuple[str, str], ...]  # the phases a new log starts in
    open_ads: tuple[tuple[str, str], ...]  # (id, name) of every open ad


def view_post_partnership(site: SiteIndex) -> PostPartnershipContext:
    """/post/partnership/: a form that writes a new partnership log."""
    t = site.locale.t
    rules = partnership_form(site.open, site.data.forge, site.locale, taken=site.partnerships)
    return PostPartnershipContext(
        title=t("post.partnership_title"),
        form=_json(rules),
        forge=site.data.forge.label if site.data.forge else "",
        formats=tuple((f, t(f"format.{f}")) for f in FORMATS),
        phases=tuple((p, t(f"phase.{p}")) for p in PHASES[:2]),
        open_ads=tuple((ad.id, ad.name) for ad in site.open),
    )


def _skill_terms(site: SiteIndex) -> tuple[tuple[str, str], ...]:
    """Every spelling the taxonomy knows, each with the skill's name in the page's language,
    the names first: the picker suggests them, and any other text is a new skill."""
    lang = site.locale.lang
    skills = site.data.taxonomy.skills
    names = {
        site.data.taxonomy.display(s, lang): site.data.taxonomy.display(s, lang) for s in skills
    }
    aliases = {
        term: site.data.taxonomy.display(s, lang)
        for s in skills
        for term in s.terms
        if term not in names
    }
    ordered = sorted(names.items(), key=lambda kv: kv[0].casefold())
    return (*ordered, *sorted(aliases.items(), key=lambda kv: kv[0].casefold()))


def _json(data: object) -> str:
    return json.dumps(data, ensure_ascii=True, separators=(",", ":"))  # no lone surrogate in a page


# --- search entries -------------------------------------------------------------------------

Search = Callable[[SiteIndex, str, Any], SearchEntry | None]
"""(site, src_uri, the page's context) -> the page's one entry in the search index, if any."""


def search_ad(site: SiteIndex, src_uri: str, context: AdContext) -> SearchEntry | None:
    """Open ads only: search finds the people the marketplace lists."""
    if not context.ad.is_open(site.data.today):
        return None
    key_of = site.data.taxonomy.key_of
    return ad_entry(
        location_of(src_uri), context.ad, name_of=lambda text: site.skill_name(key_of(text))
    )


def search_skill(site: SiteIndex, src_uri: str, context: SkillContext) -> SearchEntry:
    skill = site.data.taxonomy.by_key.get(context.key)
    listed = skill.terms if skill else ()
    return skill_entry(
        location_of(src_uri),
        context.name,
        aliases=listed,
        spellings=site.spellings.get(context.key, ()),
    )


def search_partnership(site: SiteIndex, src_uri: str, context: PartnershipContext) -> SearchEntry:
    return partnership_entry(location_of(src_uri), context.p, names=site.ad_names)


def search_home(site: SiteIndex, src_uri: str, context: HomeContext) -> SearchEntry:
    return listing_entry(location_of(src_uri), context.title, site.locale.t("home.lead"))


def search_partnerships(site: SiteIndex, src_uri: str, context: PartnershipsContext) -> SearchEntry:
    return listing_entry(location_of(src_uri), context.title, site.locale.t("partnerships.lead"))


def search_stories(site: SiteIndex, src_uri: str, context: StoriesContext) -> SearchEntry:
    return listing_entry(
        location_of(src_uri),
        context.title,
        site.locale.t("stories.lead"),
        (p.title for p in context.stories),
    )


# --- the page list --------------------------------------------------------------------------


class Pages(Protocol):
    """(src_uri, context) for each page of one type in the share asked for, in a fixed order."""

    def __call__(self, site: SiteIndex, share: Share = WHOLE) -> Iterable[tuple[str, Context]]: ...


Inputs = Callable[[SiteIndex, Any], tuple[object, ...]]
"""(site, item) -> all that the item's view reads besides the site-wide values whose change
empties a preview's cache (the day, the address, the language, the forge, the taxonomy):
while they show the same (`repr`), the view gives the same context. A preview then keeps
the last one instead of asking the view (generator/site/render.py, `RenderCache`)."""


@dataclass(frozen=True)
class Viewed:
    """One page before its view has run: its address, the view, and what the view reads."""

    src_uri: str
    view: Callable[[], Context]
    inputs: Callable[[], tuple[object, ...]] | None = None


def one(src_uri: str, view: Callable[[SiteIndex], Context]) -> Pages:
    """A page type with a single page."""

    def pages(site: SiteIndex, share: Share = WHOLE) -> Iterable[tuple[str, Context]]:
        return [(src_uri, view(site))] if share[0] == 0 else []

    return pages


@dataclass(frozen=True)
class Each(Generic[T]):
    """A page `<folder>/<name>.md` for every item, by name; with `file`, the file of that
    name beside each such page instead (`skills/<name>/feed.xml`). With `inputs`, what each
    page's view reads (see `Inputs`)."""

    folder: str
    items: Callable[[SiteIndex], Mapping[str, T]]
    view: Callable[[SiteIndex, T], Context]
    file: str | None = None
    inputs: Inputs | None = None

    def __call__(self, site: SiteIndex, share: Share = WHOLE) -> Iterable[tuple[str, Context]]:
        return ((page.src_uri, page.view()) for page in self.viewed(site, share))

    def viewed(self, site: SiteIndex, share: Share = WHOLE) -> Iterator[Viewed]:
        part, parts = share
        for index, (name, item) in enumerate(self.items(site).items()):
            if index % parts == part:
                src_uri = f"{self.folder}/{name}.md"
                yield Viewed(
                    beside(src_uri, self.file) if self.file else src_uri,
                    partial(self.view, site, item),
                    None if self.inputs is None else partial(self.inputs, site, item),
                )


def each(
    folder: str,
    items: Callable[[SiteIndex], Mapping[str, T]],
    view: Callable[[SiteIndex, T], Context],
    *,
    file: str | None = None,
    inputs: Inputs | None = None,
) -> Each[T]:
    return Each(folder, items, view, file, inputs)


def viewed(pages: Pages, site: SiteIndex, share: Share = WHOLE) -> Iterable[Viewed]:
    """Each page of a type before its view runs (a page type of one page has run it)."""
    if isinstance(pages, Each):
        return pages.viewed(site, share)
    return (Viewed(src_uri, partial(_given, context)) for src_uri, context in pages(site, share))


def _given(context: Context) -> Context:
    return context


def beside(src_uri: str, file: str) -> str:
    """Where a file that belongs to a page lives: `skills/x.md` (served as `/skills/x/`)
    has its feed at `skills/x/feed.xml`."""
    return f"{src_uri.removesuffix('.md')}/{file}"


@dataclass(frozen=True)
class Alternate:
    """A feed beside each page of a type that the page announces in its head. (Only feeds:
    Material takes any other `<link rel="alternate">` for the page in another language.)"""

    file: str
    media_type: str


ATOM_FEED = Alternate("feed.xml", "application/atom+xml")


@dataclass(frozen=True)
class PageType:
    template: str
    pages: Pages
    hide: tuple[str, ...] = ()
    search: Search | None = None  # its entry in the search index; None: not searchable
    in_nav: bool = False
    as_file: bool = False  # written as it is beside the pages (a feed), not a page
    alternates: tuple[Alternate, ...] = ()


PAGES: tuple[PageType, ...] = (
    PageType("home.html", one("index.md", view_home), hide=WIDE, search=search_home, in_nav=True),
    PageType("marketplace.html", marketplace_pages, hide=WIDE, in_nav=True),
    PageType("marketplace.json", one(MARKET_DATA, view_market_data), as_file=True),
    PageType(
        "ad.html", each("ads", lambda site: site.live, view_ad, inputs=ad_inputs), search=search_ad
    ),
    PageType("skills.html", one("skills/index.md", view_skills), in_nav=True),
    PageType(
        "skill.html",
        each("skills", lambda site: site.skills, view_skill, inputs=skill_inputs),
        search=search_skill,
        alternates=(ATOM_FEED,),
    ),
    PageType(
        "skill_feed.xml",
        each(
            "skills",
            lambda site: site.skills,
            view_skill_feed,
            file=ATOM_FEED.file,
            inputs=skill_inputs,
        ),
        as_file=True,
    ),
    PageType(
        "partnerships.html",
        one("partnerships/index.md", view_partnerships),
        search=search_partnerships,
        in_nav=True,
    ),
    PageType(
        "partnership.html",
        each("partnerships", lambda site: site.partnerships, view_partnership),
        search=search_partnership,
    ),
    PageType(
        "calendar.ics",
        each("partnerships", lambda site: site.partnerships, view_calendar, file="calendar.ics"),
        as_file=True,
    ),
    PageType(
        "stories.html",
        one("stories/index.md", view_stories),
        hide=WIDE,
        search=search_stories,
        in_nav=True,
    ),
    PageType("feed.xml", one("stories/feed.xml", view_stories_feed), as_file=True),
    PageType("stats.html", one("stats/index.md", view_stats), hide=WIDE, in_nav=True),
    # For maintainers: linked from their guide, not a tab of its own.
    PageType("pairings.html", one("pairings/index.md", view_pairings)),
    PageType("post.html", one("post/index.md", view_post), hide=WIDE),
    PageType(
        "post_partnership.html", one("post/partnership/index.md", view_post_partnership), hide=WIDE
    ),
)
