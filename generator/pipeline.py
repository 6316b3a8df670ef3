"""The one place that orders the stages: build(root, today) -> Site.

Gather all data first (load, validate, model, match), then produce every page. The MkDocs
plugin and the command line both call `build`; neither re-implements a stage.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar, cast

from generator.cycles import paused_cycle_collection
from generator.data.kept import StoredChecks, code_version, committed_cache
from generator.data.model import ad_from_data, partnership_from_data
from generator.data.problems import Problem, TandemError, capped, has_errors
from generator.data.validate import CheckedTree, CheckFile, check_tree
from generator.forks import Forked, Handed
from generator.matching.places import PLACES_FILE, place_warnings
from generator.matching.skills import (
    TAXONOMY_FILE,
    Taxonomy,
    TaxonomyError,
    kept_resolutions,
    load_taxonomy,
    resolutions_json,
    skill_problems,
    skill_warnings,
)

# The stages after the check are imported where they run: `tandem validate` needs none of
# them, and importing them (matching, rendering, their libraries) costs it 0.3 s.
if TYPE_CHECKING:
    from generator.gathered import Gathered
    from generator.matching.circles import Circle
    from generator.matching.match import Matcher, Suggestion
    from generator.matching.pairings import KeptMatchings, Proposal
    from generator.preview import Preview
    from generator.site.forge import Forge
    from generator.site.render import Page

T = TypeVar("T")


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


def check(
    root: Path, today: dt.date, *, cache: Preview | None = None, warnings: bool = True
) -> Checked:
    """Every problem in the tree, errors and warnings, sorted; nothing is built. A preview
    checks again only the files that changed since its last build; otherwise the checks of
    the last run are kept on disk (`generator.data.kept`), and a file whose bytes are the
    same is not loaded and checked again.

    `warnings=False` is for a command that shows problems only when there are errors (it
    stops there): the warnings about skills and places, which cost a fuzzy search and a
    place in the file each, are then looked for only when an error was found, so the
    problems it shows are the ones `tandem validate` shows.
    """
    check_file: CheckFile | None = None
    committed = committed_cache(root)
    stored: StoredChecks | None = None
    if cache is not None:
        cache.start()
        check_file = cache.files.check_file
    else:
        stored = StoredChecks.opened(root, committed=committed)
    check_files = stored.checked if stored is not None else None
    try:  # a changed pack is written beside what follows the checks of the files (a fork)
        tree = check_tree(root, today, check_file=check_file, check_files=check_files)
        problems = [*tree.problems, *(committed or ())]
        taxonomy, more = _taxonomy_problems(
            tree, root, cache=cache, stored=stored, warnings=warnings or has_errors(problems)
        )
    finally:
        if stored is not None:  # after the warnings: the places they found are kept too
            stored.save()
    problems += more
    return Checked(tree, taxonomy, tuple(capped(problems)), today)


def _taxonomy_problems(
    tree: CheckedTree,
    root: Path,
    *,
    cache: Preview | None,
    stored: StoredChecks | None,
    warnings: bool,
) -> tuple[Taxonomy | None, list[Problem]]:
    """The taxonomy (None when skills.yml or places.yml has errors) and the problems of the
    skills and places: the taxonomy's own, reserved skills, and the warnings."""
    try:
        taxonomy = load_taxonomy(root)
    except TaxonomyError as exc:
        return None, list(exc.problems)
    if cache is not None:  # the same skills: what it resolved last time stays resolved
        taxonomy = cache.same("taxonomy", taxonomy)
    kept_as = _kept_resolutions(stored, root, taxonomy) if stored is not None else None
    problems = skill_problems(tree.ads, taxonomy, warnings=warnings)
    if stored is not None and kept_as is not None:
        _keep_resolutions(stored, kept_as, taxonomy)
    if not warnings and has_errors(problems):  # an error is shown with every warning
        problems.extend(skill_warnings(tree.ads, taxonomy))
        warnings = True
    if warnings:
        problems.extend(place_warnings(tree.ads, taxonomy.places))
    return taxonomy, problems


RESOLVED_PACK = "skills.json"
"""What each skill as written resolved to, kept beside the checks for the same taxonomy."""


def _kept_resolutions(stored: StoredChecks, root: Path, taxonomy: Taxonomy) -> str:
    """Give the taxonomy's resolver what the last run resolved with the same skills.yml,
    places.yml and code; the version they are kept for."""
    version = hashlib.sha256(code_version().encode())
    for name in (TAXONOMY_FILE, PLACES_FILE):
        try:
            version.update(b"\0" + (root / name).read_bytes())
        except OSError:
            version.update(b"\0none")
    kept_as = version.hexdigest()
    taxonomy.resolver.kept = kept_resolutions(stored.read(RESOLVED_PACK, kept_as, limit=1 << 26))
    return kept_as


def _keep_resolutions(stored: StoredChecks, version: str, taxonomy: Taxonomy) -> None:
    """Keep what this run resolved, when it resolved anything the last run had not kept."""
    resolved, kept = taxonomy.resolver.resolved, taxonomy.resolver.kept
    if resolved.keys() != kept.keys():
        stored.write(RESOLVED_PACK, version, resolutions_json(resolved))


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


def gather_checked(checked: Checked, *, top: int = 5, root: Path | None = None) -> Gathered:
    """Model and match what passed the check; raise TandemError when any file has an error.

    Takes the check's result, so a command that reports problems and then suggestions
    (`tandem report`) reads and validates the tree once. With `root`, the searches of the
    last run there are reused where they may be (see `suggested_kept`).
    """
    return matched(model_checked(checked), top=top, root=root)


def matched(
    data: Gathered, *, top: int = 5, root: Path | None = None, matcher: Matcher | None = None
) -> Gathered:
    """The modelled data with each open ad's suggested partners; with `root`, the searches
    of the last run there reused where they may be (see `suggested_kept`); else `matcher`:
    one for the same data, where the caller has it (`suggest_partners`)."""
    from generator.matching.match import suggest_partners

    if root is not None:
        return replace(data, suggestions=suggested_kept(root, data, form=list, top=top))
    suggestions = suggest_partners(
        data.ads,
        data.partnerships,
        today=data.today,
        taxonomy=data.taxonomy,
        top=top,
        matcher=matcher,
    )
    return replace(data, suggestions=suggestions)


def modelled(root: Path, today: dt.date, *, warnings: bool = True) -> Gathered:
    """Load, validate and model, without matching (circles and the pairing plan); a command
    that shows no warnings passes `warnings=False` (see `check`)."""
    return model_checked(check(root, today, warnings=warnings))


def gather(root: Path, today: dt.date, *, top: int = 5, warnings: bool = True) -> Gathered:
    """Load, validate, model and match; raise TandemError when any file has an error."""
    return gather_checked(check(root, today, warnings=warnings), top=top, root=root)


SEARCHES_PACK = "searches.json"
"""Each open ad's search of the last run (`matching.kept.KeptSuggestions`), beside the checks."""
LISTS_PACK = "suggestions.json"
"""Each open ad's list of suggestions as the last run wrote it in JSON, by what it shows."""
KEPT_PER_AD = 1 << 16
"""The most bytes a pack of searches or lists may hold per ad before it is not read."""


def suggested_kept(
    root: Path,
    data: Gathered,
    *,
    form: Callable[[list[Suggestion]], T],
    top: int = 5,
    lists: bool = False,
) -> dict[str, T]:
    """Each open ad's suggested partners in `form`, as `suggest_partners_as` finds them:
    the searches of the last run in `root` taken for every ad no change can reach, and with
    `lists` (a `form` that writes text) the lists written as the last run wrote them when
    they show the same; this run's kept for the next. The same result as without the packs
    (`generator.matching.kept` says why)."""
    from generator.matching.kept import KeptSuggestions, market_digest
    from generator.matching.match import CAPACITY, search_depth, suggest_partners_as

    def suggested(kept: KeptSuggestions | None) -> dict[str, T]:
        return suggest_partners_as(
            data.ads,
            data.partnerships,
            today=data.today,
            taxonomy=data.taxonomy,
            form=form,
            top=top,
            kept=kept,
        )

    stored = StoredChecks.opened(root, committed=committed_cache(root))
    if stored is None:
        return suggested(None)
    version = searches_version(data, depth=search_depth(top, CAPACITY))
    lists_version = kept_lists_version(version, top=top)
    limit = KEPT_PER_AD * (len(data.ads) + 1)
    kept = KeptSuggestions(version, {})
    if lists:
        last_lists = stored.read(LISTS_PACK, lists_version, limit=limit)
        kept.last_lists = last_lists if isinstance(last_lists, dict) else {}
        kept.market = market_digest(data.ads, data.partnerships, today=data.today, version=version)
        unchanged = kept.unchanged()
        if unchanged is not None:
            return cast(dict[str, T], unchanged)  # what `form` wrote: text
    last = stored.read(SEARCHES_PACK, version, limit=limit)
    kept.last = last if isinstance(last, dict) else {}
    found = suggested(kept=kept)
    if kept.changed:
        stored.write(SEARCHES_PACK, version, kept.pack())
    if kept.lists_changed:
        stored.write(LISTS_PACK, lists_version, kept.lists_pack())
    return found


def kept_lists_version(searches: str, *, top: int) -> str:
    """What every kept list depends on besides what it shows: what the searches depend on
    (`searches_version`), the words (the locales) and how many partners a list shows."""
    from generator.matching.kept import words_version

    return hashlib.sha256(f"{searches}\0{words_version()}\0{top}".encode()).hexdigest()


def searches_version(data: Gathered, *, depth: int) -> str:
    """What every kept search depends on besides its ads: Tandem's code, the taxonomy and
    places as loaded (their entries' repr: text and tuples), today and the depth searched."""
    taxonomy = data.taxonomy
    digest = hashlib.sha256(f"{code_version()}\0{data.today.isoformat()}\0{depth}\0".encode())
    digest.update(repr((taxonomy.skills, taxonomy.places.places)).encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


MATCHINGS_PACK = "matchings.json"
"""The pairing plan's matchings of the last run (`pairings.KeptMatchings`), beside the checks."""


def plan_kept(
    root: Path, data: Gathered, *, meanwhile: Callable[[list[Proposal]], object] | None = None
) -> list[Proposal]:
    """The pairing plan, each component's matching taken from the last run's pack in `root`
    where its pairs are the same (the plan is the same; see `pairings.KeptMatchings`), and
    this run's kept for the next."""
    from generator.matching.pairings import plan_pairings

    with kept_matchings(root) as kept:
        return plan_pairings(
            data.ads,
            data.partnerships,
            today=data.today,
            taxonomy=data.taxonomy,
            meanwhile=meanwhile,
            kept=kept,
        )


@contextlib.contextmanager
def kept_matchings(root: Path) -> Iterator[KeptMatchings | None]:
    """The last run's matchings in `root`'s pack (None where nothing is kept), for one
    plan; this run's are kept for the next when the plan is made (not when it fails)."""
    from generator.matching.pairings import KeptMatchings

    stored = StoredChecks.opened(root, committed=committed_cache(root))
    if stored is None:
        yield None
        return
    version = matchings_version()
    last = stored.read(MATCHINGS_PACK, version, limit=1 << 26)
    kept = KeptMatchings(version, last if isinstance(last, dict) else {})
    yield kept
    if kept.changed:
        stored.write(MATCHINGS_PACK, kept.version, kept.used)


def matchings_version() -> str:
    """What a kept matching depends on besides its component: Tandem's code, the matcher's."""
    from generator.matching.pairings import matcher_version

    return hashlib.sha256(f"{code_version()}\0{matcher_version()}".encode()).hexdigest()


PLAN_BESIDE_FROM = 500
"""Ads from which the pairing plan is made in a second process while this one finds each
ad's partners and circles: the plan reads nothing they make but the circles' best, and only
one page shows it. Below, starting the process costs more than it saves."""


def _planned_beside(
    data: Gathered,
    matcher: Matcher,
    best_circles: Handed[dict[int, list[Circle]]],
    *,
    root: Path | None,
) -> Forked[list[Proposal]]:
    """The pairing plan, in a second process where the site is large and that is safe: its
    good pairs are found first, here (on two cores where it may fork), and the best circles
    are handed to it by the time its first matching is done. With `root`, the matchings
    kept in its pack are taken (`plan_kept`)."""
    from generator.matching.match import PARALLEL_ADS
    from generator.matching.pairings import Planner, good_pairs

    pairs = good_pairs(matcher, fork=len(matcher.profiles) >= PARALLEL_ADS)

    def plan() -> list[Proposal]:
        with kept_matchings(root) if root is not None else contextlib.nullcontext() as kept:
            planner = Planner(matcher, pairs=pairs, best_circles=best_circles.get, kept=kept)
            return planner.proposals(planner.plan())

    return Forked(plan, fork=len(data.ads) >= PLAN_BESIDE_FROM, handing=[best_circles])


def build(
    root: Path,
    today: dt.date,
    *,
    language: str | None = None,
    site_url: str = "",
    forge: Forge | None = None,
    cache: Preview | None = None,
) -> Site:
    """Gather all data, then render every page of the site (served at `site_url`); a preview
    passes the same cache to every rebuild, which reuses what the edit left unchanged."""
    from generator.site.i18n import locale_for
    from generator.site.render import render_site

    with paused_cycle_collection():  # the site's data is acyclic: see generator/cycles.py
        data = model_checked(check(root, today, cache=cache))
        if cache is None:
            data = matched_for_site(data, root=root)
        else:
            inputs = (data.ads, data.partnerships, data.taxonomy, today)
            made = cache.made_from("matched", inputs, lambda: matched_for_site(data))
            data = replace(data, suggestions=made.suggestions, circles=made.circles, plan=made.plan)
        data = replace(data, site_url=site_url, forge=forge)
        render_cache = cache.render if cache is not None else None
        pages, files = render_site(data, locale_for(language), cache=render_cache)
    return Site(pages=pages, files=files, warnings=data.warnings)


def matched_for_site(data: Gathered, *, root: Path | None = None) -> Gathered:
    """The modelled data with what the site shows beside it: suggested partners, circles and
    the pairing plan (made in a second process meanwhile, where the site is large; with
    `root`, from the matchings its pack keeps, as `plan_kept`).

    One matcher serves all three: the plan's good pairs are found first, then the circles,
    whose best the plan needs after its first matching, then the partners, whose crowding
    the matcher keeps (the plan, done here where it does not fork, reads none).
    """
    from generator.matching.circles import CircleFinder, circles_and_firsts
    from generator.matching.match import Matcher

    matcher = Matcher.for_ads(data.ads, data.partnerships, today=data.today, taxonomy=data.taxonomy)
    best_circles: Handed[dict[int, list[Circle]]] = Handed()
    plan = _planned_beside(data, matcher, best_circles, root=root)
    try:
        circles, best = circles_and_firsts(CircleFinder(matcher))
        best_circles.hand(best)
        data = matched(data, matcher=matcher)
        return replace(data, circles=circles, plan=plan.result())
    except BaseException:
        plan.stop()
        raise
