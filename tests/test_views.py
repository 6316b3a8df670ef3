"""Pages come from pure views: templates get values and filters, never an object to call.

The golden pages say the output did not change; these tests keep the shape: one page type
per template in one list, contexts of plain values, no method calls and no chart numbers in
templates.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections import Counter
from collections.abc import Iterator, Mapping
from importlib import resources
from typing import Any

import pytest
from conftest import REPO, SAMPLE, TODAY
from jinja2 import nodes
from jinja2.filters import FILTERS as DEFAULT_FILTERS

from generator.forks import can_fork
from generator.pipeline import gather, matched, matched_for_site
from generator.site import charts, render
from generator.site.i18n import locale_for
from generator.site.render import _site_environment
from generator.site.views import PAGES, SiteIndex, index_site

TEMPLATES = resources.files("generator").joinpath("templates")
NOT_PAGES = {"_macros.html", "problems.html"}  # macros; the preview's notice of errors
SITE_WIDE = {"root", "ad_names", "live_ids"}  # what render_site adds to every context


@pytest.fixture(scope="module")
def site() -> SiteIndex:
    today = dt.date.fromisoformat(TODAY)
    return index_site(gather(SAMPLE, today), locale_for("en"))


def template_names() -> list[str]:
    return sorted(entry.name for entry in TEMPLATES.iterdir() if entry.name[0] != ".")


def test_every_page_template_has_one_page_type() -> None:
    used = Counter(kind.template for kind in PAGES)
    assert set(used) == set(template_names()) - NOT_PAGES
    assert max(used.values()) == 1


def test_every_page_has_its_own_address(site: SiteIndex) -> None:
    addresses = [uri for kind in PAGES for uri, _ in kind.pages(site)]
    assert len(addresses) == len(set(addresses))
    assert {"index.md", "ads/jana-schulz.md", "stories/feed.xml"} <= set(addresses)


def values(value: Any) -> Iterator[Any]:
    """Every value reachable from a context: fields, items, keys."""
    yield value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        for field in dataclasses.fields(value):
            yield from values(getattr(value, field.name))
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from values(key)
            yield from values(item)
    elif isinstance(value, tuple | list | frozenset | set):
        for item in value:
            yield from values(item)


def test_contexts_hold_values_and_nothing_to_call(site: SiteIndex) -> None:
    for kind in PAGES:
        for uri, context in kind.pages(site):
            assert dataclasses.is_dataclass(context), uri
            assert dataclasses.fields(context)[0].name == "title", uri
            assert not SITE_WIDE & {f.name for f in dataclasses.fields(context)}, uri
            called = [v for v in values(context) if callable(v)]
            assert called == [], f"{uri}: {called}"


def calls(node: nodes.Node) -> Iterator[nodes.Call]:
    yield from node.find_all(nodes.Call)


@pytest.mark.parametrize("name", template_names())
def test_templates_call_only_macros_and_t(site: SiteIndex, name: str) -> None:
    """No `r.skill_name(key)`, no `date.isoformat()`: a method call is a callback into
    Python; what a template needs is a value of its context or a filter."""
    env = _site_environment(site)
    source = TEMPLATES.joinpath(name).read_text("utf-8")
    tree = env.parse(source)
    macros = {m.name for m in tree.find_all(nodes.Macro)}
    macros |= {
        n if isinstance(n, str) else n[1] for i in tree.find_all(nodes.FromImport) for n in i.names
    }
    for call in calls(tree):
        assert isinstance(call.node, nodes.Name), f"{name}:{call.lineno}: a method call"
        assert call.node.name in macros | {"t", "caller"}, f"{name}:{call.lineno}"


def svg_numbers(source: str) -> list[str]:
    """Attribute values written as numbers inside the SVG charts of a template."""
    found = []
    for svg in re.findall(r"<svg\b.*?</svg>", source, flags=re.DOTALL):
        plain = re.sub(r"\{\{.*?\}\}|\{%.*?%\}", "", svg)
        found += re.findall(r'\b[\w-]+="([^"]*\d[^"]*)"', plain)
    return found


@pytest.mark.parametrize("name", ["stats.html", "partnership.html"])
def test_chart_geometry_lives_in_charts(site: SiteIndex, name: str) -> None:
    source = TEMPLATES.joinpath(name).read_text("utf-8")
    assert "<svg" in source
    sums = list(_site_environment(site).parse(source).find_all(nodes.BinExpr))
    assert sums == [], f"{name}: arithmetic belongs in generator/site/charts.py"
    # Only the origin and the page's width: every other number comes from the chart.
    assert [n for n in svg_numbers(source) if not re.fullmatch(r"[0 ]+|100%", n)] == []


def test_bar_chart_keeps_order_and_shows_empty_rows() -> None:
    chart = charts.bar_chart(Counter({"b": 4, "c": 1}), ["a", "b", "c"])
    assert [(bar.key, bar.count) for bar in chart.bars] == [("a", 0), ("b", 4), ("c", 1)]
    empty, largest, small = chart.bars
    assert empty.length == charts.BAR_MIN_LENGTH
    assert largest.length == chart.width == 4 * small.length


def test_timeline_runs_from_start_to_the_last_date(site: SiteIndex) -> None:
    p = site.partnerships["negotiation-and-numbers"]
    timeline = charts.package_timeline(p, today=p.started)
    assert timeline is not None
    assert timeline.start == p.started
    assert timeline.today_x == charts.LEFT
    assert all(bar.x >= charts.LEFT and bar.x + bar.w <= charts.RIGHT for bar in timeline.bars)
    after = charts.package_timeline(p, today=timeline.end + dt.timedelta(days=1))
    assert after is not None and after.today_x is None


def test_the_add_a_page_checklist_names_every_filter(site: SiteIndex) -> None:
    text = (REPO / "CONTRIBUTING.md").read_text("utf-8")
    checklist = text[text.index("### Add a page") :]
    named = re.search(r"registers \(([^)]*)\)", checklist)
    assert named, "CONTRIBUTING.md: the checklist lists the filters as 'registers (...)'"
    ours = set(_site_environment(site).filters) - set(DEFAULT_FILTERS)
    assert set(re.findall(r"`(\w+)`", named[1])) == ours


@pytest.mark.parametrize(
    ("days", "posted", "expires"),
    [
        (-1, "posted today", "expired on 22 Nov 2026"),
        (0, "posted today", "expires today"),
        (1, "posted yesterday", "expires tomorrow"),
        (2, "posted 2 days ago", "expires in 2 days"),
    ],
)
def test_relative_dates_are_worded_as_the_browser_words_them(
    site: SiteIndex, days: int, posted: str, expires: str
) -> None:
    """dates.js finds the build's words by Intl.RelativeTimeFormat's wording: 'yesterday' and
    'tomorrow' by name, never '1 days'."""
    env = _site_environment(site)
    today = dt.date.fromisoformat(TODAY)
    assert env.filters["posted_ago"](today - dt.timedelta(days=days)) == posted
    assert env.filters["expires_in"](today + dt.timedelta(days=days)) == expires


@pytest.mark.parametrize("lang", ["en", "de"])
def test_two_processes_render_the_same_site_as_one(
    lang: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Large sites render in two processes (every other page of each type); the sample is
    small, so the threshold is lowered to make it happen here."""
    data = gather(SAMPLE, dt.date.fromisoformat(TODAY))
    one = render.render_site(data, locale_for(lang))
    monkeypatch.setattr(render, "PARALLEL_FROM", 1)
    assert can_fork(), "this machine cannot fork: the test would compare one with one"
    two = render.render_site(data, locale_for(lang))
    assert two == one
    assert list(two[1]) == list(one[1])  # the files in the same order too


def test_a_preview_with_a_cache_renders_what_a_build_without_renders() -> None:
    """`mkdocs serve` keeps the bodies of the last build and re-renders only pages whose
    context changed: after an edit, the site is the one a fresh build makes."""
    data = gather(SAMPLE, dt.date.fromisoformat(TODAY))
    cache = render.RenderCache()
    assert render.render_site(data, locale_for("en"), cache=cache) == render.render_site(
        data, locale_for("en")
    )
    jana = next(ad for ad in data.ads if ad.id == "jana-schulz")
    edited = dataclasses.replace(
        jana, commitment=dataclasses.replace(jana.commitment, hours_per_week=7.5)
    )
    ads = tuple(edited if ad.id == jana.id else ad for ad in data.ads)
    later = gather(SAMPLE, dt.date.fromisoformat(TODAY))
    later = dataclasses.replace(later, ads=ads)
    fresh = render.render_site(later, locale_for("en"))
    assert render.render_site(later, locale_for("en"), cache=cache) == fresh
    page = next(p for p in fresh[0] if p.src_uri == "ads/jana-schulz.md")
    assert "7.5" in page.body


def _with_ad(data: Any, ad_id: str, **changes: Any) -> Any:
    ads = tuple(dataclasses.replace(a, **changes) if a.id == ad_id else a for a in data.ads)
    return dataclasses.replace(data, ads=ads)


def test_a_kept_body_is_never_one_rendered_from_an_equal_value_of_another_type() -> None:
    """`12 == 12.0`, but the ad's page shows "12 weeks" or "12.0 weeks"."""
    data = gather(SAMPLE, dt.date.fromisoformat(TODAY))
    jana = next(ad for ad in data.ads if ad.id == "jana-schulz")
    weeks = jana.commitment.weeks
    cache = render.RenderCache()
    render.render_site(data, locale_for("en"), cache=cache)
    floated = _with_ad(
        data, jana.id, commitment=dataclasses.replace(jana.commitment, weeks=float(weeks))
    )
    fresh = render.render_site(floated, locale_for("en"))
    assert render.render_site(floated, locale_for("en"), cache=cache) == fresh
    page = next(p for p in fresh[0] if p.src_uri == "ads/jana-schulz.md")
    assert f"{float(weeks)}" in page.body


@pytest.mark.parametrize(
    "change",
    [
        pytest.param({"name": "Jana Schulz-Ek"}, id="a person renamed"),
        pytest.param({"status": "paused"}, id="an ad leaves the market"),
        pytest.param(None, id="an ad deleted"),
    ],
)
def test_a_preview_renders_again_only_the_pages_that_read_what_changed(
    change: dict[str, str] | None,
) -> None:
    """Each body notes which names and live ids its template looked up: a renamed person, an
    ad leaving the market or one deleted re-renders the pages that name or link it, not
    every page, and the site is the one a fresh build makes."""
    data = gather(SAMPLE, dt.date.fromisoformat(TODAY))
    cache = render.RenderCache()
    render.render_site(data, locale_for("en"), cache=cache)
    every = cache.rendered
    if change is None:
        ads = tuple(a for a in data.ads if a.id != "jana-schulz")
        later = matched(dataclasses.replace(data, ads=ads))
    else:
        later = _with_ad(data, "jana-schulz", **change)
    fresh = render.render_site(later, locale_for("en"))
    assert render.render_site(later, locale_for("en"), cache=cache) == fresh
    assert 0 < cache.rendered < every / 2


def test_a_body_that_read_every_name_is_rendered_again() -> None:
    reads: render.Reads = {}
    names = render.NotedNames({"a": "A"}, reads)
    ids = render.NotedIds(frozenset({"a"}), reads)
    assert list(names) == ["a"] and len(ids) == 1
    assert reads == {("all", "names"): True, ("all", "live"): True}
    site = index_site(gather(SAMPLE, dt.date.fromisoformat(TODAY)), locale_for("en"))
    assert not render._reads_hold(reads, site)
    assert render._reads_hold({("name", "nobody"): render.MISSING}, site)


def _page(pages: tuple[render.Page, ...], src_uri: str) -> render.Page:
    return next(p for p in pages if p.src_uri == src_uri)


def _without_code(data: Any, code: str, *, but: str) -> Any:
    """Every ad's suggestions but one ad's without the reasons of this code: its share drops."""
    suggestions = {
        ad_id: found
        if ad_id == but
        else [
            dataclasses.replace(s, reasons=tuple(r for r in s.reasons if r.code != code))
            for s in found
        ]
        for ad_id, found in data.suggestions.items()
    }
    return dataclasses.replace(data, suggestions=suggestions)


def test_a_kept_context_is_made_again_when_the_shares_rank_its_reasons_otherwise() -> None:
    """An ad's page shows the rarest of its reasons: when other ads' suggestions change how
    common a reason is, the page may show others though its own ad, suggestions and
    partners are the same objects as before (`views.ad_inputs` holds the ranks)."""
    data = gather(SAMPLE, dt.date.fromisoformat(TODAY))
    before = render.render_site(data, locale_for("en"))
    jana = "ads/jana-schulz.md"
    codes = dict.fromkeys(r.code for s in data.suggestions["jana-schulz"] for r in s.reasons)
    for code in codes:
        later = _without_code(data, code, but="jana-schulz")
        fresh = render.render_site(later, locale_for("en"))
        if _page(fresh[0], jana).body != _page(before[0], jana).body:
            break
    else:
        raise AssertionError("no reason's share changes what Jana's page shows")
    cache = render.RenderCache()
    render.render_site(data, locale_for("en"), cache=cache)
    assert render.render_site(later, locale_for("en"), cache=cache) == fresh
    assert cache.viewed < len(fresh[0])  # other pages' contexts were kept


def test_inputs_show_by_repr_and_never_by_address() -> None:
    shows = render.Shows()
    assert shows.inputs(lambda: (12, (12.0, "x"))) == ("12", ("12.0", "'x'"))
    assert shows.inputs(lambda: (12, object())) is None
    assert shows.inputs(None) is None


def test_reason_ranks_order_the_distinctive_codes_by_share_with_ties_together() -> None:
    from generator.matching.match import Reason
    from generator.matching.present import NEARLY_ALL, reason_ranks

    reasons = [Reason(code) for code in ("b", "a", "common", "hours_gap", "they_teach", "c")]
    shares = {"a": 0.2, "b": 0.2, "c": 0.1, "common": NEARLY_ALL}
    assert reason_ranks(reasons, shares) == (("c",), ("a", "b"))


@pytest.mark.parametrize("found", ["suggestions", "circles"])
def test_a_kept_context_is_made_again_when_its_suggestions_or_circles_change(found: str) -> None:
    """A suggestion or circle may change while the ad and everyone it names stay the same
    (how well they fit depends on the whole market): the page shows the new one."""
    data = matched_for_site(gather(SAMPLE, dt.date.fromisoformat(TODAY)))
    ad_id = next(ad_id for ad_id, items in getattr(data, found).items() if items)
    cache = render.RenderCache()
    before = render.render_site(data, locale_for("en"), cache=cache)
    items = [
        dataclasses.replace(item, score=item.score + 7) for item in getattr(data, found)[ad_id]
    ]
    later = dataclasses.replace(data, **{found: {**getattr(data, found), ad_id: items}})
    fresh = render.render_site(later, locale_for("en"))
    page = f"ads/{ad_id}.md"
    assert _page(fresh[0], page).body != _page(before[0], page).body
    assert render.render_site(later, locale_for("en"), cache=cache) == fresh
