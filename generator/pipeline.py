"""The one place that orders the stages: build(root, today) -> Site.

Gather all data first (load, validate, model, match), then produce every page. The MkDocs
plugin and the command line both call `build`; neither re-implements a stage.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from generator.data.model import ad_from_data, partnership_from_data
from generator.data.problems import Problem, TandemError, capped, has_errors
from generator.data.validate import CheckedTree, check_tree
from generator.matching.places import place_warnings
from generator.matching.skills import (
    Taxonomy,
    TaxonomyError,
    load_taxonomy,
    reserved_skills,
    skill_warnings,
)

# The stages after the check are imported where they run: `tandem validate` needs none of
# them, and importing them (matching, rendering, their libraries) costs it 0.3 s.
if TYPE_CHECKING:
    from generator.gathered import Gathered
    from generator.site.forge import Forge
    from generator.site.render import Page, RenderCache


@dataclass(frozen=True)
class Site:
    """The built site: its pages, extra files and the warnings found on the way."""

    pages: tuple[Page, ...]
    files: dict[str, str]
    warnings: tuple[Problem, ...] = field(default=())


@dataclass(frozen=True)
class Checked:
    """The one result of checking a tree: what passed, the taxonomy, every problem."""

    tree: CheckedTree
    taxonomy: Taxonomy | None
    """None when skills.yml or places.yml itself has errors (they are among the problems)."""
    problems: tuple[Problem, ...]
    """Errors and warnings, sorted and capped per file."""
    today: dt.date

    @property
    def has_errors(self) -> bool:
        return has_errors(self.problems)


def resolve_today(value: str | None = None) -> dt.date:
    """The build's "today": the value given, else $TANDEM_TODAY, else $SOURCE_DATE_EPOCH.

    Raises ValueError with a message that names the source at fault.
    """
    value = value or os.environ.get("TANDEM_TODAY")
    if value:
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise ValueError("use the form YYYY-MM-DD (also for $TANDEM_TODAY)") from None
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC).date()
        except (ValueError, OverflowError, OSError):
            raise ValueError(
                f"$SOURCE_DATE_EPOCH is '{epoch}', not seconds since 1970 within the calendar; "
                "correct or unset it, or give the day with --today"
            ) from None
    return dt.date.today()


def check(root: Path, today: dt.date) -> Checked:
    """Every problem in the tree, errors and warnings, sorted; nothing is built."""
    tree = check_tree(root, today)
    problems = list(tree.problems)
    taxonomy: Taxonomy | None = None
    try:
        taxonomy = load_taxonomy(root)
    except TaxonomyError as exc:
        problems.extend(exc.problems)
    else:
        problems.extend(skill_warnings(tree.ads, taxonomy))
        problems.extend(place_warnings(tree.ads, taxonomy.places))
        problems.extend(reserved_skills(tree.ads, taxonomy))
    return Checked(tree, taxonomy, tuple(capped(problems)), today)


def model_checked(checked: Checked) -> Gathered:
    """Model what passed the check, without matching; raise TandemError on any error."""
    from generator.gathered import Gathered

    if checked.has_errors or checked.taxonomy is None:
        raise TandemError(list(checked.problems))
    ads = tuple(ad_from_data(i, r.path, r.data) for i, r in sorted(checked.tree.ads.items()))
    partnerships = tuple(
        partnership_from_data(i, r.path, r.data)
        for i, r in sorted(checked.tree.partnerships.items())
    )
    return Gathered(
        ads=ads,
        partnerships=partnerships,
        taxonomy=checked.taxonomy,
        suggestions={},
        today=checked.today,
        warnings=checked.problems,
    )


def gather_checked(checked: Checked, *, top: int = 5) -> Gathered:
    """Model and match what passed the check; raise TandemError when any file has an error.

    Takes the check's result, so a command that reports problems and then suggestions
    (`tandem report`) reads and validates the tree once.
    """
    from generator.matching.match import suggest_partners

    data = model_checked(checked)
    suggestions = suggest_partners(
        data.ads, data.partnerships, today=data.today, taxonomy=data.taxonomy, top=top
    )
    return replace(data, suggestions=suggestions)


def modelled(root: Path, today: dt.date) -> Gathered:
    """Load, validate and model, without matching (circles and the pairing plan)."""
    return model_checked(check(root, today))


def gather(root: Path, today: dt.date, *, top: int = 5) -> Gathered:
    """Load, validate, model and match; raise TandemError when any file has an error."""
    return gather_checked(check(root, today), top=top)


def build(
    root: Path,
    today: dt.date,
    *,
    language: str | None = None,
    site_url: str = "",
    forge: Forge | None = None,
    cache: RenderCache | None = None,
) -> Site:
    """Gather all data, then render every page of the site (served at `site_url`); a preview
    passes the same cache to every rebuild."""
    from generator.matching.circles import suggest_circles
    from generator.matching.pairings import plan_pairings
    from generator.site.i18n import locale_for
    from generator.site.render import render_site

    data = gather(root, today)
    circles = suggest_circles(data.ads, data.partnerships, today=today, taxonomy=data.taxonomy)
    plan = plan_pairings(data.ads, data.partnerships, today=today, taxonomy=data.taxonomy)
    data = replace(data, site_url=site_url, circles=circles, plan=plan, forge=forge)
    pages, files = render_site(data, locale_for(language), cache=cache)
    return Site(pages=pages, files=files, warnings=data.warnings)
