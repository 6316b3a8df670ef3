"""The one place that orders the stages: build(root, today) -> Site.

Gather all data first (load, validate, model, match), then produce every page. The MkDocs
plugin and the command line both call `build`; neither re-implements a stage.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path

from generator.circles import suggest_circles
from generator.i18n import locale_for
from generator.match import Suggestion, suggest_partners
from generator.model import Ad, Partnership, ad_from_data, partnership_from_data
from generator.problems import Problem, TandemError, has_errors
from generator.render import Page, SiteData, render_site
from generator.skills import Taxonomy, TaxonomyError, load_taxonomy, skill_warnings
from generator.validate import Checked, check_tree


@dataclass(frozen=True)
class Site:
    """Everything the site needs: its pages, extra files and the warnings found on the way."""

    pages: tuple[Page, ...]
    files: dict[str, str]
    warnings: tuple[Problem, ...] = field(default=())


@dataclass(frozen=True)
class Data:
    """Validated, modelled and matched data: what pages and commands are made from."""

    ads: tuple[Ad, ...]
    partnerships: tuple[Partnership, ...]
    taxonomy: Taxonomy
    suggestions: dict[str, list[Suggestion]]
    problems: tuple[Problem, ...]


def resolve_today(value: str | None = None) -> dt.date:
    """The build's "today": the value given, else $TANDEM_TODAY, else $SOURCE_DATE_EPOCH."""
    value = value or os.environ.get("TANDEM_TODAY")
    if value:
        return dt.date.fromisoformat(value)
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC).date()
    return dt.date.today()


def check(root: Path, today: dt.date) -> tuple[Checked, Taxonomy | None, list[Problem]]:
    """Every problem in the tree, errors and warnings, sorted; nothing is built."""
    checked = check_tree(root, today)
    problems = list(checked.problems)
    taxonomy: Taxonomy | None = None
    try:
        taxonomy = load_taxonomy(root)
    except TaxonomyError as exc:
        problems.extend(exc.problems)
    else:
        problems.extend(skill_warnings(checked.ads, taxonomy))
    return checked, taxonomy, sorted(problems)


def gather(root: Path, today: dt.date, *, top: int = 5) -> Data:
    """Load, validate, model and match; raise TandemError when any file has an error."""
    data = modelled(root, today)
    suggestions = suggest_partners(
        data.ads, data.partnerships, today=today, taxonomy=data.taxonomy, top=top
    )
    return Data(data.ads, data.partnerships, data.taxonomy, suggestions, data.problems)


def modelled(root: Path, today: dt.date) -> Data:
    """Load, validate and model, without matching; raise TandemError on any error."""
    checked, taxonomy, problems = check(root, today)
    if has_errors(problems) or taxonomy is None:
        raise TandemError(problems)
    ads = tuple(ad_from_data(i, d.path, d.data) for i, d in sorted(checked.ads.items()))
    partnerships = tuple(
        partnership_from_data(i, d.path, d.data) for i, d in sorted(checked.partnerships.items())
    )
    return Data(ads, partnerships, taxonomy, {}, tuple(problems))


def build(root: Path, today: dt.date, *, language: str | None = None, site_url: str = "") -> Site:
    """Gather all data, then render every page of the site."""
    data = gather(root, today)
    site_data = SiteData(
        ads=data.ads,
        partnerships=data.partnerships,
        taxonomy=data.taxonomy,
        suggestions=data.suggestions,
        today=today,
        site_url=site_url,
        circles=suggest_circles(data.ads, data.partnerships, today=today, taxonomy=data.taxonomy),
    )
    pages, files = render_site(site_data, locale_for(language))
    return Site(pages=pages, files=files, warnings=data.problems)
