"""Jinja2 templates -> page bodies; untrusted text is made inert here.

`render_site` renders each page of `views.PAGES` from its view's context, with the filters
registered below: the only code a template reaches.

Every value in an ad or log comes from a pull request by any employee. Plain fields are
escaped by Jinja2's autoescape wherever they land; Markdown fields are rendered by a
Markdown instance with only harmless extensions and then sanitised by nh3. Bodies are HTML
that the MkDocs adapter inserts after MkDocs' own Markdown step, so no site-level extension
(snippets, macros, attribute lists) ever sees contributor text.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import html
import json
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import markdown
import nh3
from jinja2 import (
    Environment,
    PackageLoader,
    StrictUndefined,
    Template,
    pass_context,
    select_autoescape,
)
from jinja2.bccache import BytecodeCache
from jinja2.runtime import Context as TemplateContext
from markupsafe import Markup

from generator.data.markdown_cost import markdown_hazard
from generator.data.model import FORMATS, PHASES
from generator.data.problems import Problem
from generator.forks import Forked, can_fork
from generator.gathered import Gathered
from generator.site.i18n import Locale
from generator.site.ics import content_lines, ics_date, ics_text
from generator.site.search import SearchEntry
from generator.site.views import (
    PAGES,
    WHOLE,
    Alternate,
    Share,
    SiteIndex,
    Viewed,
    beside,
    index_site,
    viewed,
)

PROBLEMS_SHOWN = 100  # in the preview's notice; `tandem validate` lists every one

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
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


@dataclass(frozen=True)
class Page:
    """One generated page: where it lives, its plain-text title, its HTML body and its entry in
    the search index (None: the page is not searched)."""

    src_uri: str
    title: str
    body: str
    hide: tuple[str, ...] = ()
    search: SearchEntry | None = None
    in_nav: bool = False
    alternates: tuple[tuple[str, str], ...] = ()  # (src_uri, media type) of its feed, calendar

    @property
    def meta(self) -> dict[str, Any]:
        """The page's front matter. The title is escaped: themes print it as markup. Search
        always skips the page's HTML: Tandem supplies its entry (`search`)."""
        meta: dict[str, Any] = {"title": html.escape(self.title), "search": {"exclude": True}}
        if self.alternates:
            meta["alternates"] = [{"href": h, "type": t} for h, t in self.alternates]
        if self.hide:
            meta["hide"] = list(self.hide)
        return meta


class ContributorMarkdown:
    """Markdown from contributors -> sanitised HTML: no scripts, handlers, frames or images.
    Each text is rendered once: a closing story shows on its partnership's page, the stories
    and the home page, and many texts are alike."""

    def __init__(self) -> None:
        self._md = markdown.Markdown(
            extensions=["sane_lists", "fenced_code", "tables"], output_format="html"
        )
        self._rendered: dict[str, Markup] = {}

    def __call__(self, text: str | None) -> Markup:
        if not text:
            return Markup("")
        rendered = self._rendered.get(text)
        if rendered is None:
            rendered = self._rendered[text] = self._render(text)
        return rendered

    def _render(self, text: str) -> Markup:
        if markdown_hazard(text):  # validation refuses it; never stall a page on it
            return _plain_paragraphs(text)
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


def _plain_paragraphs(text: str) -> Markup:
    paragraphs = _PARAGRAPH_BREAK.split(text.strip())
    return Markup("".join(f"<p>{html.escape(p)}</p>" for p in paragraphs))  # noqa: S704 - escaped


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
    env.filters["md"] = ContributorMarkdown()
    env.filters["date"] = locale.date
    env.filters["iso"] = dt.date.isoformat
    env.filters["hours"] = locale.number
    env.filters["ics_text"] = ics_text
    env.filters["ics_date"] = ics_date
    env.filters["content_lines"] = content_lines
    env.filters["compact_json"] = compact_json
    return env


_JSON_INERT = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"})


def compact_json(value: Any) -> Markup:
    """JSON without spaces, safe inside HTML too: `<`, `>` and `&` written as escapes, so
    contributor text in it can never close a `<script>` or start markup wherever it lands."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return Markup(text.translate(_JSON_INERT))  # noqa: S704 - no markup character is left


def _site_environment(site: SiteIndex) -> Environment:
    """The filters that need the site's data: skill keys and the age of an ad; and the
    macros rendered once per value."""
    env = _environment(site.locale)
    env.filters.update(_macros_once(env))
    env.filters["skill_key"] = site.data.taxonomy.key_of
    env.filters["posted_ago"] = partial(_posted_ago, today=site.data.today, locale=site.locale)
    env.filters["expires_in"] = partial(_expires_in, today=site.data.today, locale=site.locale)
    # The build's day, beside every relative date: dates.js rewrites such a text only when the
    # visitor's day is another one, replacing the words for the build's distance.
    env.globals["built_on"] = site.data.today.isoformat()
    return env


ONCE_MACROS = ("skill_chip", "written_as", "cautions", "reasons")
"""Macros of `_macros.html` that templates use as filters (`{{ skill | skill_chip }}`), each
distinct value rendered once: an ad's partners and their skills show on many ad pages, some
25 times a page. They read only their value, `root` and `t`."""


def _macros_once(env: Environment) -> dict[str, Callable[[TemplateContext, Any], Markup]]:
    modules: dict[str, Any] = {}  # root -> _macros.html's macros, for pages that deep
    made: dict[tuple[str, str, Any], Markup] = {}

    def macros(root: str) -> Any:
        if root not in modules:
            modules[root] = env.get_template("_macros.html").make_module({"root": root})
        return modules[root]

    def once(name: str) -> Callable[[TemplateContext, Any], Markup]:
        @pass_context
        def rendered(context: TemplateContext, value: Any) -> Markup:
            key = (name, context["root"], value)
            found = made.get(key)
            if found is None:
                found = made[key] = getattr(macros(key[1]), name)(value)
            return found

        return rendered

    return {name: once(name) for name in ONCE_MACROS}


# Worded as `Intl.RelativeTimeFormat` words a distance in days ("yesterday", "3 days ago",
# "in 3 days"; numeric only beyond one day), so dates.js can find and replace those words.
def _posted_ago(posted: dt.date, *, today: dt.date, locale: Locale) -> str:
    days = (today - posted).days
    if days <= 0:
        return locale.t("ad.posted_today")
    if days == 1:
        return locale.t("ad.posted_yesterday")
    return locale.t("ad.posted_days_ago", days=days)


def _expires_in(expires: dt.date, *, today: dt.date, locale: Locale) -> str:
    days = (expires - today).days
    if days < 0:
        return locale.t("ad.expired_on", date=locale.date(expires))
    if days == 0:
        return locale.t("ad.expires_today")
    if days == 1:
        return locale.t("ad.expires_tomorrow")
    return locale.t("ad.expires_in_days", days=days)


Rendered = tuple[tuple[int, int, int], Page | tuple[str, str]]
"""((page type, part, position in the part), a page or a file's (src_uri, content))."""
PARALLEL_FROM = 500
"""Live ads from which a second process renders half the pages: below, starting it costs
more than it saves."""


MISSING = object()  # stands for a name the site does not have, among a page's reads


class NotedNames(Mapping[str, str]):
    """Every person's name by ad id, noting each id a template looks up (with what it
    found); a template that goes through all of them notes that instead."""

    def __init__(self, names: Mapping[str, str], reads: dict[tuple[str, str], object]) -> None:
        self.names, self.reads = names, reads

    def __getitem__(self, key: str) -> str:
        self.reads["name", key] = self.names.get(key, MISSING)
        return self.names[key]

    def __contains__(self, key: object) -> bool:
        if isinstance(key, str):
            self.reads["name", key] = self.names.get(key, MISSING)
        else:
            self.reads["all", "names"] = True
        return key in self.names

    def __iter__(self) -> Iterator[str]:
        self.reads["all", "names"] = True
        return iter(self.names)

    def __len__(self) -> int:
        self.reads["all", "names"] = True
        return len(self.names)


class NotedIds(AbstractSet[str]):
    """The ids of the live ads, noting each id a template asks about."""

    def __init__(self, ids: frozenset[str], reads: dict[tuple[str, str], object]) -> None:
        self.ids, self.reads = ids, reads

    def __contains__(self, key: object) -> bool:
        if isinstance(key, str):
            self.reads["live", key] = key in self.ids
        else:
            self.reads["all", "live"] = True
        return key in self.ids

    def __iter__(self) -> Iterator[str]:
        self.reads["all", "live"] = True
        return iter(self.ids)

    def __len__(self) -> int:
        self.reads["all", "live"] = True
        return len(self.ids)


Reads = dict[tuple[str, str], object]
"""What a page's template looked up among the site's names and live ids: ("name", id) -> the
name or MISSING, ("live", id) -> whether live, ("all", …) -> it went through all of them."""


def _reads_hold(reads: Reads, site: SiteIndex) -> bool:
    """Whether the site still answers each lookup as it did."""
    for (kind, key), was in reads.items():
        if kind == "name":
            now = site.ad_names.get(key, MISSING)
            if now is not was and (type(now) is not type(was) or now != was):
                return False
        elif kind == "live":
            if (key in site.live_ids) is not was:
                return False
        else:  # it read every name or id: kept only while the site has the same ones
            return False
    return True


@dataclass(frozen=True)
class Kept:
    context: bytes  # a digest of the context's `repr`
    reads: Reads
    body: str
    inputs: object = None  # what its view read, as `Shows` shows it (None: not known)
    made: object = None  # the context, kept while its inputs are known


class Unshown(Exception):
    """A value shown by an object's address: it never counts as the same."""


class Shows:
    """What page views read (`views.Inputs`), as it can be compared with what they read in
    the last build: each value as its `repr`, a tuple item by item. An object among many
    pages' inputs (an ad is the partner of many) is shown once per build; it is held here
    with its `repr`, so no other value can take its id meanwhile."""

    def __init__(self) -> None:
        self.seen: dict[int, tuple[object, str]] = {}

    def inputs(self, inputs: Callable[[], tuple[object, ...]] | None) -> object:
        """What the inputs show, or None when that cannot tell them from others."""
        if inputs is None:
            return None
        try:
            return self._show(inputs())
        except Unshown:
            return None

    def _show(self, value: object) -> object:
        if type(value) is tuple:
            return tuple(self._show(item) for item in value)
        found = self.seen.get(id(value))
        if found is None:
            text = _shown(value)
            if text is None:
                raise Unshown
            found = self.seen[id(value)] = (value, text)
        return found[1]


@dataclass
class RenderCache:
    """The pages of the last build, for a preview that rebuilds on every edit
    (`mkdocs serve`): a page's view is not asked again while what it reads (`views.Inputs`)
    shows the same, and its body is not rendered again while its context shows the same and
    every name and live id its template looked up is the same.

    "Shows the same" is the same `repr`, not `==`: `2 == 2.0`, but a page may show either
    (a value shown by an object's address is never the same). The site's day, address,
    language, forge and taxonomy reach every page (views, filters, links), so a change to
    any of them empties the cache."""

    stamp: str | None = None
    last: dict[tuple[int, str], Kept] = field(default_factory=dict)  # what the last build made
    compiled: BytecodeCache | None = None  # the templates, compiled once for every build
    bodies: dict[tuple[int, str], Kept] = field(default_factory=dict)  # what this build made
    rendered: int = 0  # bodies this build rendered (the rest were kept)
    viewed: int = 0  # contexts this build's views made (the rest were kept)
    shows: Shows = field(default_factory=Shows)

    def start(self, site: SiteIndex) -> None:
        data = site.data
        stamp = _shown((site.locale, data.today, data.site_url, data.forge, data.taxonomy))
        self.last = self.bodies if stamp is not None and stamp == self.stamp else {}
        self.stamp, self.bodies, self.rendered, self.viewed = stamp, {}, 0, 0
        self.shows = Shows()

    def page(self, key: tuple[int, str], page: Viewed, site: SiteIndex, render: Render) -> Made:
        """The page's context and body: the kept ones where what they were made from is the
        same, else the view's and `render`'s (given the site's names and live ids as mappings
        that note what its template looked up)."""
        kept = self.last.get(key)
        inputs = self.shows.inputs(page.inputs)
        if kept is not None and inputs is not None and kept.inputs == inputs:
            context: Any = kept.made
            digest: bytes | None = kept.context
        else:
            context = page.view()
            digest = _digest(context)
            self.viewed += 1
        made = context if inputs is not None else None
        if (
            kept is not None
            and digest is not None
            and kept.context == digest
            and _reads_hold(kept.reads, site)
        ):
            self.bodies[key] = dataclasses.replace(kept, inputs=inputs, made=made)
            return context, kept.body
        reads: Reads = {}
        body = render(context, NotedNames(site.ad_names, reads), NotedIds(site.live_ids, reads))
        self.rendered += 1
        if digest is not None:
            self.bodies[key] = Kept(digest, reads, body, inputs, made)
        return context, body


Render = Callable[[Any, Mapping[str, str], AbstractSet[str]], str]
"""Renders a page from its context with these names and live ids."""
Made = tuple[Any, str]
"""A page's context and body."""


def _digest(context: object) -> bytes | None:
    """A digest of the context's `repr`; None when that shows an object's address."""
    shown = _shown(context)
    return None if shown is None else hashlib.blake2b(shown.encode(), digest_size=16).digest()


def _shown(value: object) -> str | None:
    text = repr(value)
    return None if " at 0x" in text else text


def render_site(
    data: Gathered, locale: Locale, *, cache: RenderCache | None = None
) -> tuple[tuple[Page, ...], dict[str, str]]:
    """Every page of `PAGES`, and apart from them its files (the stories feed), in one locale.

    Pages are pure functions of the data, so on a machine with a second core and a large site
    a forked process renders every other page of each type while this one renders the rest;
    the result is the same, in the same order, as rendering them all here. With a cache
    (a preview), pages whose context did not change since the last build are not rendered.
    """
    site = index_site(data, locale)
    if cache is not None:
        cache.start(site)
        rendered = render_share(site, WHOLE, cache=cache)
        cache.shows = Shows()  # holds this build's values only while it renders
    elif len(site.live) >= PARALLEL_FROM and can_fork():
        rendered = _render_in_two(site)
    else:
        rendered = render_share(site, WHOLE)
    pages: list[Page] = []
    files: dict[str, str] = {}
    for _, result in sorted(rendered, key=lambda r: r[0]):
        if isinstance(result, Page):
            pages.append(result)
        else:
            files[result[0]] = result[1]
    return tuple(sorted(pages, key=lambda p: p.src_uri)), files


def render_share(
    site: SiteIndex, share: Share, *, cache: RenderCache | None = None
) -> list[Rendered]:
    """The pages and files of one share, each with the key that puts it in its place."""
    env = _site_environment(site)
    env.bytecode_cache = cache.compiled if cache is not None else None
    part = share[0]
    rendered: list[Rendered] = []
    for number, kind in enumerate(PAGES):
        template = env.get_template(kind.template)
        for index, viewed_page in enumerate(viewed(kind.pages, site, share)):
            src_uri = viewed_page.src_uri
            render = partial(_render_page, template, _root(src_uri, kind.as_file))
            if cache is None:
                context = viewed_page.view()
                body = render(context, site.ad_names, site.live_ids)
            else:
                context, body = cache.page((number, src_uri), viewed_page, site, render)
            place = (number, index, part)  # the item's position is index * parts + part
            if kind.as_file:
                rendered.append((place, (src_uri, body)))
                continue
            search = kind.search(site, src_uri, context) if kind.search else None
            alternates = _alternates(src_uri, kind.alternates)
            # the nav names a type's first page: /ads/, not /ads/page/2/
            first = index * share[1] + part == 0
            page = Page(
                src_uri, context.title, body, kind.hide, search, kind.in_nav and first, alternates
            )
            rendered.append((place, page))
    return rendered


def _render_in_two(site: SiteIndex) -> list[Rendered]:
    other = Forked(partial(render_share, site, (1, 2)))
    mine = render_share(site, (0, 2))
    return mine + other.result()


def _alternates(src_uri: str, alternates: Sequence[Alternate]) -> tuple[tuple[str, str], ...]:
    return tuple((beside(src_uri, a.file), a.media_type) for a in alternates)


def _root(src_uri: str, as_file: bool) -> str:
    """The way back to the site's root from the page's own URL (`ads/x.md` is `/ads/x/`, a
    file `skills/x/feed.xml` is where it says)."""
    depth = src_uri.count("/") + (0 if as_file or src_uri.endswith("index.md") else 1)
    return "../" * depth


def _render_page(
    template: Template,
    root: str,
    context: Any,
    ad_names: Mapping[str, str],
    live_ids: AbstractSet[str],
) -> str:
    """What every template may use besides its page's context: the way back to the root,
    and the names of people (only live ads get a link)."""
    site_wide = {"root": root, "ad_names": ad_names, "live_ids": live_ids}
    return template.render(site_wide | vars(context))


def render_problems(problems: Sequence[Problem], locale: Locale, *, last_good: bool) -> str:
    """The notice a preview shows while the data has errors: each one with its place."""
    errors = [p for p in problems if p.severity == "error"]
    return (
        _environment(locale)
        .get_template("problems.html")
        .render(
            errors=errors[:PROBLEMS_SHOWN],
            hidden=max(0, len(errors) - PROBLEMS_SHOWN),
            last_good=last_good,
        )
    )
