"""Jinja2 templates -> page bodies; untrusted text is made inert here.

Every value in an ad or log comes from a pull request by any employee. Plain fields are
escaped by Jinja2's autoescape wherever they land; Markdown fields are rendered by a
Markdown instance with only harmless extensions and then sanitised by nh3. Bodies are HTML
that the MkDocs adapter inserts after MkDocs' own Markdown step, so no site-level extension
(snippets, macros, attribute lists) ever sees contributor text.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
import statistics
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import markdown
import nh3
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from generator.circles import Circle
from generator.i18n import Locale
from generator.match import Suggestion, reason_text
from generator.model import FORMATS, LEVELS, PHASES, Ad, Partnership
from generator.skills import Taxonomy

NEWEST_ADS_ON_HOME = 6
STORIES_ON_HOME = 3
REASONS_SHOWN = 5
CHART_LEFT, CHART_TRACK, CHART_ROW = 340, 640, 30

_ALLOWED_TAGS = {
    "p",
    "br",
    "hr",
    "em",
    "strong",
    "b",
    "i",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "h3",
    "h4",
    "h5",
    "h6",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "del",
    "sup",
    "sub",
}
_HEADING = re.compile(r"<(/?)h[12]\b", re.IGNORECASE)


@dataclass(frozen=True)
class Page:
    """One generated page: where it lives, its plain-text title and its HTML body."""

    src_uri: str
    title: str
    body: str
    hide: tuple[str, ...] = ()
    searchable: bool = True
    in_nav: bool = False

    @property
    def markdown(self) -> str:
        """What MkDocs reads: front matter only. JSON is YAML, ASCII-only and escape-safe."""
        meta: dict[str, Any] = {"title": html.escape(self.title)}
        if self.hide:
            meta["hide"] = list(self.hide)
        if not self.searchable:
            meta["search"] = {"exclude": True}
        return f"---\n{json.dumps(meta, ensure_ascii=True, sort_keys=True)}\n---\n"


@dataclass(frozen=True)
class SiteData:
    ads: tuple[Ad, ...]
    partnerships: tuple[Partnership, ...]
    taxonomy: Taxonomy
    suggestions: Mapping[str, Sequence[Suggestion]]
    today: dt.date
    site_url: str = ""
    circles: Mapping[str, Sequence[Circle]] = field(default_factory=dict)


class ContributorMarkdown:
    """Markdown from contributors -> sanitised HTML: no scripts, handlers, frames or images."""

    def __init__(self) -> None:
        self._md = markdown.Markdown(
            extensions=["sane_lists", "fenced_code", "tables"], output_format="html"
        )

    def __call__(self, text: str | None) -> Markup:
        if not text:
            return Markup("")
        rendered = _HEADING.sub(r"<\1h3", self._md.reset().convert(text))
        clean = nh3.clean(
            rendered,
            tags=_ALLOWED_TAGS,
            attributes={"a": {"href", "title"}, "th": {"align"}, "td": {"align"}},
            url_schemes={"http", "https", "mailto"},
            link_rel="noopener noreferrer nofollow",
            strip_comments=True,
        )
        return Markup(clean)  # noqa: S704 - sanitised by nh3 just above


def _environment(locale: Locale) -> Environment:
    env = Environment(
        loader=PackageLoader("generator", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["t"] = locale.t
    env.globals["PHASES"] = PHASES
    env.globals["FORMATS"] = FORMATS
    env.globals["LEVELS"] = LEVELS
    env.globals["REASONS_SHOWN"] = REASONS_SHOWN
    env.filters["md"] = ContributorMarkdown()
    env.filters["date"] = locale.date
    env.filters["hours"] = locale.number
    return env


class Renderer:
    """Renders every page of the site from gathered data, in one locale."""

    def __init__(self, data: SiteData, locale: Locale) -> None:
        self.data = data
        self.locale = locale
        self.env = _environment(locale)
        self.ads = {ad.id: ad for ad in data.ads}
        self.live = {ad.id: ad for ad in data.ads if ad.is_live(data.today)}
        self.open = [ad for ad in data.ads if ad.is_open(data.today)]
        self.skills = self._skill_index()
        self.listed_skills = [k for k, v in self.skills.items() if v["offers"] or v["seeks"]]

    # --- skills ---------------------------------------------------------------------------

    def skill_key(self, text: str) -> str:
        return self.data.taxonomy.key_of(text)

    def skill_name(self, key: str) -> str:
        return self.data.taxonomy.display_key(key, self.locale.lang)

    def _skill_index(self) -> dict[str, dict[str, list[tuple[Ad, Any]]]]:
        """Open ads by skill; every skill of a live ad has a page, so no skill link is dead."""
        index: dict[str, dict[str, list[tuple[Ad, Any]]]] = {}
        for ad in self.live.values():
            listed = ad.is_open(self.data.today)
            for kind, items in (("offers", ad.offers), ("seeks", ad.seeks)):
                for item in items:
                    entry = index.setdefault(
                        self.skill_key(item.skill), {"offers": [], "seeks": []}
                    )
                    if listed:
                        entry[kind].append((ad, item))
        return dict(sorted(index.items()))

    # --- pages ----------------------------------------------------------------------------

    def render(self, template: str, src_uri: str, **context: Any) -> str:
        depth = src_uri.count("/") + (0 if src_uri.endswith("index.md") else 1)
        return self.env.get_template(template).render(
            root="../" * depth, today=self.data.today, r=self, **context
        )

    def pages(self) -> tuple[Page, ...]:
        pages = [
            self.home(),
            self.marketplace(),
            self.skills_index(),
            self.partnerships_index(),
            self.stories(),
            self.stats(),
        ]
        pages += [self.ad_page(ad) for ad in self.live.values()]
        pages += [self.skill_page(key) for key in self.skills]
        pages += [self.partnership_page(p) for p in self.data.partnerships]
        return tuple(sorted(pages, key=lambda p: p.src_uri))

    def home(self) -> Page:
        newest = sorted(self.open, key=lambda a: (a.posted, a.id), reverse=True)
        counts = {
            "ads": len(self.open),
            "skills": len(self.listed_skills),
            "ongoing": sum(p.phase != "closed" for p in self.data.partnerships),
            "stories": len(self.closed()),
        }
        body = self.render(
            "home.html",
            "index.md",
            counts=counts,
            newest=newest[:NEWEST_ADS_ON_HOME],
            stories=self.closed()[:STORIES_ON_HOME],
        )
        return Page(
            "index.md", self.locale.t("nav.home"), body, hide=("navigation", "toc"), in_nav=True
        )

    def marketplace(self) -> Page:
        ads = sorted(self.open, key=lambda a: (-a.posted.toordinal(), a.id))
        languages = sorted({lang for ad in ads for lang in ad.languages})
        locations = sorted({ad.location for ad in ads}, key=str.casefold)
        skills = sorted(
            ((key, self.skill_name(key)) for key in self.listed_skills),
            key=lambda k: k[1].casefold(),
        )
        body = self.render(
            "marketplace.html",
            "ads/index.md",
            ads=ads,
            languages=languages,
            locations=locations,
            skills=skills,
        )
        return Page(
            "ads/index.md",
            self.locale.t("market.title"),
            body,
            hide=("navigation", "toc"),
            searchable=False,
            in_nav=True,
        )

    def ad_page(self, ad: Ad) -> Page:
        suggestions = [(s, self.ads[s.partner]) for s in self.data.suggestions.get(ad.id, [])]
        partnerships = [p for p in self.data.partnerships if ad.id in p.partners]
        uri = f"ads/{ad.id}.md"
        body = self.render(
            "ad.html",
            uri,
            ad=ad,
            suggestions=suggestions,
            circles=self.circles_of(ad),
            partnerships=partnerships,
            starter=self.starter(ad, suggestions),
        )
        return Page(uri, ad.name, body)

    def circles_of(self, ad: Ad) -> list[tuple[Circle, str, list[Ad]]]:
        """The ad's suggested circles: each with its theme in the page's language and members."""
        return [
            (
                circle,
                self.data.taxonomy.display_key(circle.key, self.locale.lang),
                [self.ads[m] for m in circle.members],
            )
            for circle in self.data.circles.get(ad.id, [])
        ]

    def starter(self, ad: Ad, suggestions: list[tuple[Suggestion, Ad]]) -> dict[str, str]:
        """The partnership log to add when starting with this person, ready to copy."""
        partner = suggestions[0][1].id if suggestions else "partner-ad-id"
        ident = f"{ad.id}-{partner}"[:64].strip("-")
        text = (
            f"# yaml-language-server: $schema=../generator/schemas/partnership.schema.json\n"
            f"title: {json.dumps(self.locale.t('start.title_example'), ensure_ascii=False)}"
            f"\nformat: tandem\npartners: [{ad.id}, {partner}]\nphase: preparation\n"
            f"started: {self.data.today.isoformat()}\n"
        )
        return {"path": f"partnerships/{ident}.yml", "text": text}

    def skill_page(self, key: str) -> Page:
        uri = f"skills/{key}.md"
        entry = self.skills[key]
        offers = sorted(entry["offers"], key=lambda e: (-LEVELS.index(e[1].level), e[0].id))
        body = self.render(
            "skill.html",
            uri,
            key=key,
            name=self.skill_name(key),
            offers=offers,
            seeks=sorted(entry["seeks"], key=lambda e: e[0].id),
        )
        return Page(uri, self.skill_name(key), body)

    def skills_index(self) -> Page:
        rows = sorted(
            (
                (
                    key,
                    self.skill_name(key),
                    len(self.skills[key]["offers"]),
                    len(self.skills[key]["seeks"]),
                )
                for key in self.listed_skills
            ),
            key=lambda r: r[1].casefold(),
        )
        body = self.render("skills.html", "skills/index.md", rows=rows)
        return Page(
            "skills/index.md", self.locale.t("skills.title"), body, searchable=False, in_nav=True
        )

    def partnership_page(self, p: Partnership) -> Page:
        uri = f"partnerships/{p.id}.md"
        body = self.render("partnership.html", uri, p=p, chart=self.package_chart(p))
        return Page(uri, p.title, body)

    def partnerships_index(self) -> Page:
        by_phase = {
            phase: [p for p in self.data.partnerships if p.phase == phase] for phase in PHASES
        }
        body = self.render("partnerships.html", "partnerships/index.md", by_phase=by_phase)
        return Page("partnerships/index.md", self.locale.t("partnerships.title"), body, in_nav=True)

    def closed(self) -> list[Partnership]:
        done = [p for p in self.data.partnerships if p.closing and p.phase == "closed"]
        return sorted(done, key=lambda p: (-p.closing.date.toordinal(), p.id))  # type: ignore[union-attr]

    def stories(self) -> Page:
        body = self.render("stories.html", "stories/index.md", stories=self.closed())
        return Page(
            "stories/index.md",
            self.locale.t("stories.title"),
            body,
            hide=("navigation", "toc"),
            in_nav=True,
        )

    def stats(self) -> Page:
        body = self.render("stats.html", "stats/index.md", **self.statistics())
        return Page(
            "stats/index.md",
            self.locale.t("stats.title"),
            body,
            hide=("navigation", "toc"),
            searchable=False,
            in_nav=True,
        )

    # --- derived views --------------------------------------------------------------------

    def person(self, ad_id: str) -> Ad | None:
        return self.ads.get(ad_id)

    def is_live(self, ad_id: str) -> bool:
        return ad_id in self.live

    def reason(self, reason: Any) -> str:
        return reason_text(reason, self.locale)

    def contact_href(self, contact: str) -> str | None:
        """A link for an e-mail address or web address; None for chat handles."""
        if re.fullmatch(r"[^@\s<>\"']+@[^@\s<>\"']+\.[a-zA-Z]{2,}", contact):
            return f"mailto:{contact}"
        if re.fullmatch(r"https?://[^\s<>\"']+", contact):
            return contact
        return None

    def freshness(self, ad: Ad) -> str:
        days = (self.data.today - ad.posted).days
        if days <= 0:
            return self.locale.t("ad.posted_today")
        return self.locale.t("ad.posted_days_ago", days=days)

    def package_chart(self, p: Partnership) -> dict[str, Any] | None:
        """A Gantt-like timeline: each package from the teacher's previous due date (or
        `started`) to its own due date, on a 1000-unit-wide SVG with labels on the left."""
        if not p.packages:
            return None
        end = max([pk.due for pk in p.packages] + [p.planned_end or p.started])
        span = max((end - p.started).days, 1)

        def x(day: dt.date) -> float:
            return round(CHART_LEFT + CHART_TRACK * (day - p.started).days / span, 1)

        bars: list[dict[str, Any]] = []
        previous: dict[str, dt.date] = {}
        for index, pk in enumerate(sorted(p.packages, key=lambda k: (k.due, k.title))):
            start = min(previous.get(pk.teacher, p.started), pk.due)
            previous[pk.teacher] = pk.due
            bars.append(
                {
                    "package": pk,
                    "x": x(start),
                    "w": max(x(pk.due) - x(start), 8.0),
                    "y": CHART_ROW * index + 4,
                }
            )
        today = x(self.data.today) if p.started <= self.data.today <= end else None
        return {
            "bars": bars,
            "start": p.started,
            "end": end,
            "today_x": today,
            "height": CHART_ROW * len(bars) + 24,
            "left": CHART_LEFT,
            "right": CHART_LEFT + CHART_TRACK,
        }

    def statistics(self) -> dict[str, Any]:
        supply = {
            key: (len(v["offers"]), len(v["seeks"]))
            for key, v in self.skills.items()
            if v["offers"] or v["seeks"]
        }
        ranked = sorted(
            supply.items(),
            key=lambda kv: (-(kv[1][0] + kv[1][1]), self.skill_name(kv[0]).casefold()),
        )
        gaps = sorted(
            ((k, s) for k, (o, s) in supply.items() if o == 0 and s > 0),
            key=lambda kv: (-kv[1], self.skill_name(kv[0]).casefold()),
        )
        closed = self.closed()
        durations = [(p.closing.date - p.started).days for p in closed if p.closing]
        reached = Counter(str(p.closing.goals_reached).lower() for p in closed if p.closing)
        return {
            "supply": ranked[:25],
            "gaps": gaps[:15],
            "max_supply": max((o + s for o, s in supply.values()), default=1),
            "phases": bars_of(Counter(p.phase for p in self.data.partnerships), PHASES),
            "formats": bars_of(Counter(p.format for p in self.data.partnerships), FORMATS),
            "median_days": int(statistics.median(durations)) if durations else None,
            "reached": {k: reached.get(k, 0) for k in ("true", "partly", "false")},
            "closed_count": len(closed),
        }


def bars_of(counts: Counter[str], order: Iterable[str]) -> list[tuple[str, int, float]]:
    """(label, count, share of the largest in percent) in a fixed order, for bar charts."""
    largest = max(counts.values(), default=0) or 1
    return [
        (key, counts.get(key, 0), round(100 * counts.get(key, 0) / largest, 1)) for key in order
    ]


def render_site(data: SiteData, locale: Locale) -> tuple[tuple[Page, ...], dict[str, str]]:
    """Every page, plus extra files (the stories feed), in one locale."""
    renderer = Renderer(data, locale)
    absolute = data.site_url.startswith(("http://", "https://"))
    feed = renderer.env.get_template("feed.xml").render(
        stories=renderer.closed(),
        today=data.today,
        absolute=absolute,
        base=data.site_url.rstrip("/") + "/" if absolute else "../",
        r=renderer,
        updated=_feed_updated(renderer.closed(), data.today),
    )
    return renderer.pages(), {"stories/feed.xml": feed}


def _feed_updated(stories: list[Partnership], today: dt.date) -> dt.date:
    return stories[0].closing.date if stories and stories[0].closing else today
