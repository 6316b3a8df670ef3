"""Pages as pure functions: gathered data -> one small context per page, in one list.

`index_site` derives once what several pages share (live and open ads, open ads by skill,
closed stories). Each view turns that index, and the item its page is about, into a frozen
context of plain values; `PAGES` names, for each page type, its template, where its pages
live and which items get one. Templates receive those values and the environment's
filters, never an object to call back into.
"""

from __future__ import annotations

import datetime as dt
import re
import statistics
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from generator.data.ids import joined_id
from generator.data.model import FORMATS, LEVELS, PHASES, Ad, Offer, Partnership, Seek
from generator.gathered import Gathered
from generator.matching.circles import Circle
from generator.matching.match import Suggestion
from generator.matching.present import reason_texts
from generator.site.charts import (
    BarChart,
    SupplyBar,
    Timeline,
    bar_chart,
    package_timeline,
    supply_bar,
)
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
from generator.workflow.scaffold import partnership_data, to_yaml

NEWEST_ADS_ON_HOME = 6
STORIES_ON_HOME = 3
REASONS_SHOWN = 5
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


# --- the views ------------------------------------------------------------------------------


@dataclass(frozen=True)
class HomeContext:
    title: str
    counts: Mapping[str, int]
    newest: tuple[Ad, ...]
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
        newest=tuple(newest[:NEWEST_ADS_ON_HOME]),
        stories=site.stories[:STORIES_ON_HOME],
    )


@dataclass(frozen=True)
class MarketplaceContext:
    title: str
    ads: tuple[Ad, ...]
    languages: tuple[str, ...]
    locations: tuple[str, ...]
    skills: tuple[tuple[str, str], ...]  # (key, name), by name


def view_marketplace(site: SiteIndex) -> MarketplaceContext:
    ads = sorted(site.open, key=lambda a: (-a.posted.toordinal(), a.id))
    named = ((key, site.skill_name(key)) for key in site.listed_skills)
    return MarketplaceContext(
        title=site.locale.t("market.title"),
        ads=tuple(ads),
        languages=tuple(sorted({lang for ad in ads for lang in ad.languages})),
        locations=tuple(sorted({ad.location for ad in ads}, key=str.casefold)),
        skills=tuple(sorted(named, key=lambda k: k[1].casefold())),
    )


@dataclass(frozen=True)
class SuggestedPartner:
    partner: Ad
    score: int
    mutual: bool
    reasons: tuple[str, ...]  # shown at once
    more: tuple[str, ...]  # behind a "more" switch


@dataclass(frozen=True)
class SuggestedCircle:
    theme: str  # in the page's language
    members: tuple[Ad, ...]  # the others
    score: int
    reasons: tuple[str, ...]
    more: tuple[str, ...]


@dataclass(frozen=True)
class AdContext:
    title: str
    ad: Ad
    contact_href: str | None
    partnerships: tuple[Partnership, ...]
    suggestions: tuple[SuggestedPartner, ...]
    circles: tuple[SuggestedCircle, ...]
    starter_path: str
    starter_text: str


def view_ad(site: SiteIndex, ad: Ad) -> AdContext:
    suggestions = tuple(_suggested(site, s) for s in site.data.suggestions.get(ad.id, ()))
    path, text = _starter(site, ad, suggestions)
    return AdContext(
        title=ad.name,
        ad=ad,
        contact_href=contact_href(ad.contact),
        partnerships=site.partnerships_of.get(ad.id, ()),
        suggestions=suggestions,
        circles=tuple(_circle(site, c) for c in site.data.circles.get(ad.id, ())),
        starter_path=path,
        starter_text=text,
    )


def _circle(site: SiteIndex, circle: Circle) -> SuggestedCircle:
    reasons = reason_texts(circle.reasons, site.locale)
    return SuggestedCircle(
        theme=site.data.taxonomy.display_key(circle.key, site.locale.lang),
        members=tuple(site.ads[m] for m in circle.members),
        score=circle.score,
        reasons=tuple(reasons[:REASONS_SHOWN]),
        more=tuple(reasons[REASONS_SHOWN:]),
    )


def _suggested(site: SiteIndex, suggestion: Suggestion) -> SuggestedPartner:
    reasons = reason_texts(suggestion.reasons, site.locale)
    return SuggestedPartner(
        partner=site.ads[suggestion.partner],
        score=suggestion.score,
        mutual=suggestion.mutual,
        reasons=tuple(reasons[:REASONS_SHOWN]),
        more=tuple(reasons[REASONS_SHOWN:]),
    )


def _starter(site: SiteIndex, ad: Ad, suggestions: Sequence[SuggestedPartner]) -> tuple[str, str]:
    """The partnership log to add when starting with this person, ready to copy: the file
    `tandem new-partnership` writes for the same partners."""
    partners = [ad.id, suggestions[0].partner.id if suggestions else "partner-ad-id"]
    data = partnership_data(
        title=site.locale.t("start.title_example"),
        form="tandem",
        partners=partners,
        today=site.data.today,
    )
    return f"partnerships/{joined_id(partners)}.yml", to_yaml(data, "partnership")


def contact_href(contact: str) -> str | None:
    """A link for an e-mail address or web address; None for chat handles."""
    if re.fullmatch(r"[^@\s<>\"']+@[^@\s<>\"']+\.[a-zA-Z]{2,}", contact):
        return f"mailto:{contact}"
    if re.fullmatch(r"https?://[^\s<>\"']+", contact):
        return contact
    return None


@dataclass(frozen=True)
class SkillContext:
    title: str
    key: str
    name: str
    offers: tuple[tuple[Ad, Offer], ...]  # the most experienced first
    seeks: tuple[tuple[Ad, Seek], ...]


def view_skill(site: SiteIndex, use: SkillUse) -> SkillContext:
    name = site.skill_name(use.key)
    return SkillContext(
        title=name,
        key=use.key,
        name=name,
        offers=tuple(sorted(use.offers, key=lambda e: (-LEVELS.index(e[1].level), e[0].id))),
        seeks=tuple(sorted(use.seeks, key=lambda e: e[0].id)),
    )


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


def view_partnership(site: SiteIndex, p: Partnership) -> PartnershipContext:
    return PartnershipContext(
        title=p.title,
        p=p,
        phases=phase_steps(p.phase),
        chart=package_timeline(p, today=site.data.today),
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

Share = tuple[int, int]
"""(part, parts): every parts-th page of each type, from the part-th on; how a build splits
the pages between processes. (0, 1) is every page."""
WHOLE: Share = (0, 1)


class Pages(Protocol):
    """(src_uri, context) for each page of one type in the share asked for, in a fixed order."""

    def __call__(self, site: SiteIndex, share: Share = WHOLE) -> Iterable[tuple[str, Context]]: ...


def one(src_uri: str, view: Callable[[SiteIndex], Context]) -> Pages:
    """A page type with a single page."""

    def pages(site: SiteIndex, share: Share = WHOLE) -> Iterable[tuple[str, Context]]:
        return [(src_uri, view(site))] if share[0] == 0 else []

    return pages


def each(
    folder: str,
    items: Callable[[SiteIndex], Mapping[str, T]],
    view: Callable[[SiteIndex, T], Context],
    *,
    file: str | None = None,
) -> Pages:
    """A page `<folder>/<name>.md` for every item, by name; with `file`, the file of that
    name beside each such page instead (`skills/<name>/feed.xml`)."""

    def pages(site: SiteIndex, share: Share = WHOLE) -> Iterable[tuple[str, Context]]:
        part, parts = share
        for index, (name, item) in enumerate(items(site).items()):
            if index % parts == part:
                src_uri = f"{folder}/{name}.md"
                yield (beside(src_uri, file) if file else src_uri, view(site, item))

    return pages


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
    PageType("marketplace.html", one("ads/index.md", view_marketplace), hide=WIDE, in_nav=True),
    PageType("ad.html", each("ads", lambda site: site.live, view_ad), search=search_ad),
    PageType("skills.html", one("skills/index.md", view_skills), in_nav=True),
    PageType(
        "skill.html",
        each("skills", lambda site: site.skills, view_skill),
        search=search_skill,
        alternates=(ATOM_FEED,),
    ),
    PageType(
        "skill_feed.xml",
        each("skills", lambda site: site.skills, view_skill_feed, file=ATOM_FEED.file),
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
)
