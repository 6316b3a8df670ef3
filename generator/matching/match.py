"""Suggested partners: who can teach whom, both ways, with reasons a person can read.

Who may be suggested to whom: both ads open on the day, different owners, a shared language,
the same place (one place however written, through `places.yml`: `Wien` is `Vienna`) or both
open to remote, and never two people who partner or partnered
together in any log (compared by owner, since a person may post a new ad).

Score, 0–100: mutual pairs (each teaches the other something) score 50–100, one-way pairs
0–49, so mutual pairs always come first. Within each, the skill part counts how much of
each side's goals the other covers, weighted by how close the spellings are and by the
teacher's level; the fit part (a fifth of the points) counts hours per week, weeks, total
hours (hours × weeks), start date, a shared format and manager support. Time decides: hours
per week or total hours less than a third of the other's, or start dates more than 90 days
apart, cap the score (60 for a mutual pair, 25 for a one-way one) and the reasons say so as a
caution. Ranking uses the unrounded score; only exact ties break by ad id.

What people wrote: a goal's skill is the qualifier's own when it names one (`Java (Spring
Boot)` wants Spring Boot; an offer of Java alone covers WITHIN_SHARE of it), and level words
in a seek or its goal (`advanced`, `für Fortgeschrittene`) are the level wanted: a teacher
below it counts BELOW_WANTED of their value, and the reasons say so as a caution. A goal and
the note of the offer that meets it appear in the reasons when they share words or clearly
differ; they do not change the score.

Capacity: a person among the first three suggestions of more than three others loses two
points per extra person (at most ten, never leaving the mutual band) in every list, with a
reason saying so, so one expert is not everyone's first suggestion while a clearly better
partner still comes first.

Fast at scale: skills are resolved once per unique text, then inverted indexes (skill ->
ads offering it, skill -> ads seeking it), each entry also a column of truths over the open
ads, give each ad only the ads that share a skill with it and may meet it, in a few `&` and
`|`; candidates are taken in order of the best score they could reach (their skill part and
the best fit their hours and weeks allow), and taken only while a candidate could still
make the list. Each ad is searched once, without crowding, far enough that crowding cannot
bring in anyone unscored; its list with crowding is ranked from the same scores. The mutual
candidates of all ads are searched together, as one array of pairs (`Matcher.scored_all`). The
hours-and-weeks part of the fit is computed once per pair of commitments (`TimeFit`). From
PARALLEL_ADS open ads, half the ads are searched in a second process; equal reasons are one
object, made once (`Remembered`).
`tests/test_naive.py` holds all of this to a loop over every pair, and two processes to one.
"""

from __future__ import annotations

import datetime as dt
import math
from bisect import insort
from collections import Counter, defaultdict
from collections.abc import (
    Callable,
    Collection,
    Generator,
    Hashable,
    Iterable,
    Mapping,
    Sequence,
)
from dataclasses import dataclass
from functools import cached_property, lru_cache, partial
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

import numpy as np
import numpy.typing as npt

from generator.cycles import paused_cycle_collection
from generator.data.model import FORMATS, LEVELS, Ad, Offer, Partnership, Seek
from generator.forks import Share, in_step
from generator.matching.places import Places
from generator.matching.skills import (
    Resolution,
    Taxonomy,
    normalise,
    significant_words,
    wanted_level,
)

if TYPE_CHECKING:
    from generator.matching.kept import KeptSuggestions

LEVEL_WEIGHT = {"basic": 0.7, "advanced": 0.9, "expert": 1.0}
# "Java (Spring Boot)": a teacher of Java alone covers this share of the goal.
WITHIN_SHARE = 0.6
# A teacher below the level a seek or its goal asks for counts this share of their value.
BELOW_WANTED = 0.5
# A goal and a note "clearly differ" when each has this many words of its own and none shared.
DIFFER_WORDS = 2
QUOTE_LENGTH = 60
MUTUAL_BASE = 50
SKILL_POINTS = 30
FIT_POINTS_MUTUAL = 20
FIT_POINTS_ONE_WAY = 19  # one-way pairs stay below 50, under every mutual pair
# The fit part, 0–1: hours per week, weeks, total hours (hours × weeks), start date, a shared
# format, manager support. Time and engagement weigh most: where partnerships fail.
FIT_HOURS, FIT_WEEKS, FIT_ENGAGEMENT, FIT_START = 0.2, 0.15, 0.25, 0.15
FIT_FORMAT, FIT_MANAGER = 0.125, 0.125
START_SLACK_DAYS = 14
START_LIMIT_DAYS = 90
# A large gap in time caps the score, and the reasons say so: hours per week or total hours
# less than a third of the other's, or start dates more than START_LIMIT_DAYS apart.
GAP_RATIO = 1 / 3
CAP_MUTUAL = 60
CAP_ONE_WAY = 25
# Capacity: someone among the first DEMAND_DEPTH suggestions of more than CAPACITY others
# loses CROWDING_POINTS per extra person, at most MAX_CROWDING points, never leaving their band.
DEMAND_DEPTH = 3
CAPACITY = 3
CROWDING_POINTS = 2.0
MAX_CROWDING = 10.0
# The first search of each ad also scores those within SEARCH_SLACK points of its last place,
# so crowding (at most MAX_CROWDING points) never makes it search again. The scores of a
# search come at once (arrays), so scoring a few more costs less than searching again:
# at 10,000 ads, 4 points sent 1,705 of 7,177 ads searching again.
SEARCH_SLACK = MAX_CROWDING
PARALLEL_ADS = 1_000
"""From this many open ads, half the ads are searched in a forked process (`forks.in_step`):
each ad's list reads only the shared indexes and, once everyone's first choices are known,
the crowding; the lists are the same, in the same order, as those of one process. Circles
and the plan's good pairs split the same way from the same size."""

NO_BOUND = -math.inf  # every candidate was scored
ParamValue = str | int | float | tuple[str, ...]
T = TypeVar("T")
Array = npt.NDArray[np.float64]  # one value per candidate (or per open ad)
Indexes = npt.NDArray[np.intp]
Mask = npt.NDArray[np.bool_]  # one truth per open ad
Score = TypeVar("Score", float, Array)


@dataclass(frozen=True)
class Reason:
    """One reason as a code and parameters; `present.reason_text` words it in any language."""

    code: str
    params: tuple[tuple[str, ParamValue], ...] = ()


class Remembered:
    """Reasons already made, by what decides them (two people's places, commitments, the
    spellings of a skill pair): 313,000 reasons at 10,000 ads, 31,000 of them different.
    Each is made once, and equal reasons are one object, whatever key made them, so wording
    one is looked up by identity (`present`). Only for one Matcher: its profiles share one
    `today`. Look up `made` first, then keep what was made (`kept`); with `keep=False`
    nothing is kept (each reason is made afresh, as `tests/test_naive.py` compares)."""

    def __init__(self, *, keep: bool = True) -> None:
        self.made: dict[Hashable, Any] = {}
        self.equal: dict[tuple[Reason, tuple[type, ...]], Reason] = {}
        self.keep = keep

    def kept(self, key: Hashable, made: T) -> T:
        """`made`, each of its reasons the first equal one made, kept under `key`."""
        shared: T = self._shared(made)
        if self.keep:
            self.made[key] = shared
        return shared

    def _shared(self, made: Any) -> Any:
        """`made` (a reason, a list of them, or anything else) with each reason the first
        equal one made, its parameters of the same types (`1` and `1.0` read differently)."""
        if isinstance(made, Reason):
            return self._one(made)
        if isinstance(made, list):
            return [self._one(reason) for reason in made]
        return made

    def _one(self, reason: Reason) -> Reason:
        key = (reason, tuple([type(value) for _, value in reason.params]))
        return self.equal.setdefault(key, reason)


class SkillPair(NamedTuple):
    """One goal one person can teach the other: the seek and the offer as written.

    A named tuple, not a frozen dataclass: 100,000 are made at 10,000 ads, and a tuple is
    made in a third of the time (the same fields, equality, hash and repr)."""

    seek: str
    offer: str
    key: str
    name: str
    level: str
    similarity: int
    wanted: str | None = None  # the level the seek or its goal asks for
    focus: str | None = None  # "Java (Spring Boot)" met by Java alone: Spring Boot's key
    goal: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class Suggestion:
    """A suggested partner for one ad."""

    partner: str
    score: int
    mutual: bool
    reasons: tuple[Reason, ...]
    they_teach: tuple[SkillPair, ...] = ()
    i_teach: tuple[SkillPair, ...] = ()


Ranked = tuple[float, float, int, bool]
"""A scored candidate as ranked: (-score shown, -unrounded score, index, large time gap).
Tuples in this order sort best first, exact ties by id order (the index)."""


@dataclass(frozen=True)
class Band:
    """The scored candidates of one band (mutual or one-way) of one ad's search."""

    ranked: list[Ranked]  # shown without crowding (crowding only lowers a score), best first
    searched: int  # they are the first `searched` candidates in the order of search
    bound: float  # the highest score a candidate left unscored could reach
    left: int = -1  # the first candidate left unscored (its index), -1 when none was


NO_BAND = Band([], 0, NO_BOUND)


@dataclass(frozen=True)
class Scored:
    """One ad's candidates scored without crowding."""

    mutual: Band
    one_way: Band


@dataclass(frozen=True)
class Need:
    """One goal as matching reads it, beyond its skill (the key it is filed under)."""

    within: str | None  # "Java (Spring Boot)": java, the broader skill that counts in part
    wanted: int  # index in LEVELS of the level asked for; -1 when none is named


@dataclass(frozen=True)
class Profile:
    """An open ad as matching sees it: canonical skills, folded place, start day."""

    ad: Ad
    index: int
    owner: str
    languages: frozenset[str]
    place: str  # the listed place's key, else the location folded; empty for "Remote"
    remote: bool
    start: dt.date
    starts_later: bool
    seeks: dict[str, tuple[Seek, Resolution]]
    offers: dict[str, tuple[Offer, Resolution, float]]
    needs: dict[str, Need]  # the keys of `seeks`

    @cached_property
    def plain_needs(self) -> tuple[str, ...]:
        """The goals without a qualifier or a level above basic: most, and the cheapest."""
        return tuple(k for k, n in self.needs.items() if n.within is None and n.wanted <= 0)

    @cached_property
    def other_needs(self) -> tuple[tuple[str, Need], ...]:
        return tuple((k, n) for k, n in self.needs.items() if k not in self.plain_needs)

    @cached_property
    def offer_ranks(self) -> dict[str, int]:
        return {key: LEVELS.index(offer.level) for key, (offer, _, _) in self.offers.items()}

    @cached_property
    def seek_weight(self) -> float:
        return 1 / len(self.seeks) if self.seeks else 0.0

    @cached_property
    def fit_features(self) -> tuple[float, int, int, frozenset[str], bool]:
        """What `_fit` compares: hours per week, weeks, start day, formats, manager support."""
        return (
            self.ad.commitment.hours_per_week,
            self.ad.commitment.weeks,
            self.start.toordinal(),
            frozenset(self.ad.formats),
            self.ad.manager_support,
        )

    @property
    def total_hours(self) -> float:
        return self.ad.commitment.hours_per_week * self.ad.commitment.weeks

    @cached_property
    def time_facts(self) -> tuple[Hashable, ...]:
        """All that `_commitment_reasons` reads of this ad, with the types of the numbers
        (`1` and `1.0` are equal keys, but a reason words each as given)."""
        hours, weeks = self.ad.commitment.hours_per_week, self.ad.commitment.weeks
        kinds = (type(hours).__name__, type(weeks).__name__)
        return (hours, weeks, *kinds, self.start, self.starts_later)

    @cached_property
    def offer_values(self) -> dict[str, float]:
        return {key: value for key, (_, _, value) in self.offers.items()}


# --- the whole run --------------------------------------------------------------------------


def suggest_partners(
    ads: Sequence[Ad],
    partnerships: Sequence[Partnership],
    *,
    today: dt.date,
    taxonomy: Taxonomy,
    top: int = 5,
    capacity: int | None = CAPACITY,
    parallel_from: int = PARALLEL_ADS,
    matcher: Matcher | None = None,
) -> dict[str, list[Suggestion]]:
    """The best `top` partners for every ad open on `today`, keyed by ad id in order.

    With `capacity`, a person already among the first suggestions of more than `capacity`
    others ranks a little lower in every list (see `crowding_penalties`); None turns that off.
    From `parallel_from` open ads, half the ads are searched in a second process.
    `matcher`: `Matcher.for_ads` of the same, where the caller has one (it is left with
    this run's crowding).
    """
    return suggest_partners_as(
        ads,
        partnerships,
        today=today,
        taxonomy=taxonomy,
        form=list,
        top=top,
        capacity=capacity,
        parallel_from=parallel_from,
        matcher=matcher,
    )


def suggest_partners_as(
    ads: Sequence[Ad],
    partnerships: Sequence[Partnership],
    *,
    today: dt.date,
    taxonomy: Taxonomy,
    form: Callable[[list[Suggestion]], T],
    top: int = 5,
    capacity: int | None = CAPACITY,
    parallel_from: int = PARALLEL_ADS,
    matcher: Matcher | None = None,
    kept: KeptSuggestions | None = None,
) -> dict[str, T]:
    """`suggest_partners`, each ad's list given in the `form` it takes in the process that
    found it: a command that prints JSON has the second process write its half (`form`
    is then `present.suggestion_list_json`), so only text comes back. `matcher`: one for the
    same data, where the caller has it. `kept`: the searches and lists of the last run,
    taken where no change can reach them (`kept.py`); this run's are kept in it for the
    next."""
    if matcher is None:
        matcher = Matcher.for_ads(ads, partnerships, today=today, taxonomy=taxonomy)
    elif matcher.crowding:
        raise ValueError("a matcher that has ranked with crowding already")

    def crowding(first_choices: list[list[int]]) -> dict[int, float]:
        if capacity is None:
            return {}
        demand = Counter(j for share in first_choices for j in share)
        return crowding_penalties(demand, capacity=capacity)

    with paused_cycle_collection():
        depth = search_depth(top, capacity)
        known = kept.known(matcher, depth=depth) if kept is not None else {}
        fork = len(matcher.profiles) - len(known) >= parallel_from
        if fork:
            matcher.make_shared(skills=True)
        search = partial(_search, matcher, form, top=top, capacity=capacity, known=known, kept=kept)
        shares = in_step(search, crowding, fork=fork)
        found = {i: lists for share, _ in shares for i, lists in share.items()}
        for _, back in shares[1:]:  # the first share ran here, with this `kept`
            if kept is not None and back is not None:
                kept.take(back)
        return {p.ad.id: found[i] for i, p in enumerate(matcher.profiles)}


def search_depth(top: int, capacity: int | None) -> int:
    """How many partners each ad's first search scores (beyond them, `SEARCH_SLACK`): its
    list, and everyone's first choices when crowding counts them."""
    return max(top, DEMAND_DEPTH) if capacity is not None else top


def _search(
    matcher: Matcher,
    form: Callable[[list[Suggestion]], T],
    share: Share,
    *,
    top: int,
    capacity: int | None,
    known: Mapping[int, Scored],
    kept: KeptSuggestions | None,
) -> Generator[list[int], dict[int, float], tuple[dict[int, T], Any]]:
    """The lists of one share of the ads: each searched once, without crowding (unless
    `known`); then, with everyone's first choices met (the crowding they cause sent back),
    ranked from the same scores, and searched again only where someone left unscored could
    now rank. With `kept`, what it kept in this process is handed back too."""
    part, parts = share
    mine = range(part, len(matcher.profiles), parts)
    searching = [i for i in mine if i not in known]
    scored = matcher.scored_all(searching, top=search_depth(top, capacity), slack=SEARCH_SLACK)
    scored.update((i, known[i]) for i in mine if i in known)
    if kept is not None:
        kept.keep(matcher, scored, searched=len(searching))
    first_choices = (
        [j for i in mine for _, j in matcher.ranked(i, scored[i], top=DEMAND_DEPTH)]
        if capacity is not None
        else []
    )
    matcher.crowding = yield first_choices

    def listed(i: int) -> T:
        ranked = matcher.ranked(i, scored[i], top=top)
        make = partial(_formed, matcher, form, i, ranked)
        return kept.worded(i, ranked, matcher.crowding, make) if kept is not None else make()

    lists = {i: listed(i) for i in mine}
    return lists, kept.handed_back() if kept is not None else None


def _formed(
    matcher: Matcher,
    form: Callable[[list[Suggestion]], T],
    index: int,
    ranked: Sequence[tuple[float, int]],
) -> T:
    return form(matcher.suggestions(index, ranked))


def crowding_penalties(demand: Mapping[int, int], *, capacity: int) -> dict[int, float]:
    """Points taken from a person wanted by more than `capacity` others, per extra person.

    Small on purpose: it reorders near-equal partners so one expert is not everyone's first
    suggestion, but a clearly better partner (more than MAX_CROWDING points) stays first.
    """
    return {
        j: min(MAX_CROWDING, CROWDING_POINTS * (wanted - capacity))
        for j, wanted in demand.items()
        if wanted > capacity
    }


def open_profiles(ads: Sequence[Ad], *, today: dt.date, taxonomy: Taxonomy) -> list[Profile]:
    """The ads open on `today` as matching sees them, in id order."""
    open_ads = sorted((ad for ad in ads if ad.is_open(today)), key=lambda ad: ad.id)
    resolved = taxonomy.resolver.resolve_all(
        [seek.skill for ad in open_ads for seek in ad.seeks]
        + [offer.skill for ad in open_ads for offer in ad.offers]
    )
    places = taxonomy.places
    return [profile_of(i, ad, resolved, today, places) for i, ad in enumerate(open_ads)]


def profile_of(
    index: int,
    ad: Ad,
    resolved: Mapping[str, Resolution],
    today: dt.date,
    places: Places,
) -> Profile:
    seeks: dict[str, tuple[Seek, Resolution]] = {}
    needs: dict[str, Need] = {}
    for seek in ad.seeks:
        found = resolved[seek.skill]
        key = found.focus or found.key
        if key not in seeks:
            seeks[key] = (seek, found)
            needs[key] = Need(found.key if found.focus else None, _wanted_rank(seek))
    offers: dict[str, tuple[Offer, Resolution, float]] = {}
    for offer in ad.offers:
        found = resolved[offer.skill]
        value = LEVEL_WEIGHT.get(offer.level, 0.7) * found.similarity / 100
        for key in (found.key, found.focus) if found.focus else (found.key,):
            if key not in offers or value > offers[key][2]:
                offers[key] = (offer, found, value)
    start = max(today, ad.available_from or ad.posted)
    place = places.key_of(ad.location)  # `Wien` and `Vienna` are one place
    return Profile(
        ad,
        index,
        ad.owner.casefold(),
        frozenset(ad.languages),
        place,
        ad.remote or not place,
        start,
        start > today,
        seeks,
        offers,
        needs,
    )


def _wanted_rank(seek: Seek) -> int:
    """The highest level the seek or its goal asks for, as an index in LEVELS."""
    rank = -1
    for text in (seek.skill, seek.goal):
        level = wanted_level(text) if text else None
        if level is not None:
            rank = max(rank, LEVELS.index(level))
    return rank


def _partnered(ads: Sequence[Ad], partnerships: Sequence[Partnership]) -> set[frozenset[str]]:
    """Pairs of owners who partner or partnered together in any log, whatever its phase."""
    owner = {ad.id: ad.owner.casefold() for ad in ads}
    pairs: set[frozenset[str]] = set()
    for partnership in partnerships:
        people = sorted({owner[p] for p in partnership.partners if p in owner})
        pairs.update(frozenset((a, b)) for i, a in enumerate(people) for b in people[i + 1 :])
    return pairs


# --- candidates and scores ------------------------------------------------------------------


class Matcher:
    """Inverted indexes over the open ads, and the search for one ad's best partners.

    Candidates come from the indexes as columns of truths (`candidates`): who offers what I
    seek, who seeks what I offer, then the language, place, owner and past-partner filters.
    The survivors are scored at once (arrays), the mutual ones first.
    """

    def __init__(
        self, profiles: list[Profile], partnered: set[frozenset[str]], taxonomy: Taxonomy
    ) -> None:
        self.profiles = profiles
        self.taxonomy = taxonomy
        self.crowding: dict[int, float] = {}
        self.remembered = Remembered()
        self.facts = _fact_numbers(profiles)
        self.skill_pairs: dict[tuple[int, int], tuple[SkillPair, ...]] = {}
        self.time_fit = TimeFit(profiles)
        self.kinds = np.array(self.time_fit.kind, dtype=np.intp)
        self.tables: dict[str, SkillTable] = {}
        self.offered_by = _postings(
            (key, j, value) for j, p in enumerate(profiles) for key, value in p.offer_values.items()
        )
        self.offer_rank = _postings(
            (key, j, rank) for j, p in enumerate(profiles) for key, rank in p.offer_ranks.items()
        )
        # Plain goals (no qualifier) carry their weight; who wants a level above basic, its rank.
        self.sought_by = _postings(
            (key, j, p.seek_weight)
            for j, p in enumerate(profiles)
            for key, need in p.needs.items()
            if need.within is None
        )
        self.wanting = _postings(
            (key, j, need.wanted)
            for j, p in enumerate(profiles)
            for key, need in p.needs.items()
            if need.within is None and need.wanted > 0
        )
        self.plain_seeking = {key: set(entries) for key, entries in self.sought_by.items()}
        # Qualified goals ("Java (Spring Boot)"), under both skills: scored goal by goal.
        self.qualified: dict[str, dict[int, list[str]]] = defaultdict(dict)
        for j, p in enumerate(profiles):
            for key, need in p.needs.items():
                for skill in (key, need.within) if need.within is not None else ():
                    self.qualified[skill].setdefault(j, []).append(key)
        self.qualified_seeking = {key: set(entries) for key, entries in self.qualified.items()}
        self.offering = {key: set(entries) for key, entries in self.offered_by.items()}
        self.seeking = _index((key, j) for j, p in enumerate(profiles) for key in p.seeks)
        # Who seeks a skill, or a goal within it: a teacher of the skill may help them.
        self.seeking_any = _index(
            (skill, j)
            for j, p in enumerate(profiles)
            for key, need in p.needs.items()
            for skill in (key, need.within)
            if skill is not None
        )
        self.speaking = _index((lang, j) for j, p in enumerate(profiles) for lang in p.languages)
        self.at_place = _index((p.place, j) for j, p in enumerate(profiles) if p.place)
        self.of_owner = _index((p.owner, j) for j, p in enumerate(profiles))
        self.remote = {j for j, p in enumerate(profiles) if p.remote}
        self.set_indexes = {
            "offering": self.offering,
            "seeking": self.seeking,
            "seeking_any": self.seeking_any,
            "speaking": self.speaking,
            "at_place": self.at_place,
        }
        self.masks: dict[tuple[str, str], Mask] = {}
        self.remote_mask = self.column_of(self.remote)
        self.partnered = _index(
            (owner, other)
            for pair in partnered
            for owner in pair
            for other in pair
            if other != owner
        )

    @classmethod
    def for_ads(
        cls,
        ads: Sequence[Ad],
        partnerships: Sequence[Partnership],
        *,
        today: dt.date,
        taxonomy: Taxonomy,
    ) -> Matcher:
        profiles = open_profiles(ads, today=today, taxonomy=taxonomy)
        return cls(profiles, _partnered(ads, partnerships), taxonomy)

    def make_shared(self, *, skills: bool) -> None:
        """Make now what every share of the work reads and would otherwise make for itself,
        each process again: the truth column of every entry of the place and language
        indexes, the fits of every two kinds of commitment and, with `skills`, of the skill
        indexes and the skill tables. Called before a second process is forked, which then
        shares them (and their memory) with this one."""
        names = ("speaking", "at_place", *(("offering", "seeking_any") if skills else ()))
        for name in names:
            for key in self.set_indexes[name]:
                self.listed(name, key)
        for a in {
            (kind, manager): a
            for a, (kind, manager) in enumerate(
                zip(self.time_fit.kind, self.time_fit.manager, strict=True)
            )
        }.values():
            self.time_fit.best_cases(a)
        self.time_fit.commitment_table()
        if skills:
            for name in ("offered", "rank", "sought", "wanted"):
                self._table(name)

    def suggestions(self, index: int, found: Sequence[tuple[float, int]]) -> list[Suggestion]:
        """The suggestions for (shown score, index) pairs, as `top_scores` gives them."""
        me = self.profiles[index]
        return [self._suggestion(me, self.profiles[j], shown) for shown, j in found]

    def top_scores(
        self, index: int, *, top: int, known: Scored | None = None
    ) -> list[tuple[float, int]]:
        """(shown score, index) of the best `top` partners of the ad at `index`, best first.

        `known`: an earlier search of this ad, whose scores need not be computed again.
        """
        found = self.scored(index, top=top, crowding=self.crowding, known=known)
        best, _ = self._ranked_bands(found, top=top)
        return best

    def ranked(self, index: int, scored: Scored, *, top: int) -> list[tuple[float, int]]:
        """`top_scores` from an earlier search for at least `top` (perhaps without crowding).

        Searched again only when someone the earlier search left unscored could rank now.
        """
        best, complete = self._ranked_bands(scored, top=top)
        return best if complete else self.top_scores(index, top=top, known=scored)

    def _ranked_bands(self, scored: Scored, *, top: int) -> tuple[list[tuple[float, int]], bool]:
        """The best `top` with today's crowding, and whether no one unscored could rank."""
        mutual, one_way = scored.mutual, scored.one_way
        best = _ranked(mutual.ranked, mutual=True, top=top, crowding=self.crowding)
        complete = _beats(best, mutual.bound, top=top)
        needed = top - len(best)
        if needed > 0 and one_way.ranked:
            found = _ranked(one_way.ranked, mutual=False, top=needed, crowding=self.crowding)
            complete = complete and _beats(found, one_way.bound, top=needed)
            best += found
        return [(-negative_shown, j) for negative_shown, _, j, _ in best], complete

    def mutual_scores(self, index: int, *, top: int) -> list[tuple[int, float, bool]]:
        """(index, unrounded score, large time gap) of the best `top` mutual partners, ranked
        as `top_scores` ranks them: by the score shown, then the unrounded one, then index.

        Every mutual candidate is scored, all at once: the pairing plan asks this of every ad
        with a small `top`, where ordering the candidates by their best case to stop early
        (`_scored`) cost more than scoring the few it would leave out.
        """
        me = self.profiles[index]
        found, _ = self.candidates(me)
        values, gaps = self.time_fit.many(me.index, found)
        raws = _raw_score(self._skill_parts(me, found), values, mutual=True)
        crowding = _penalties(self.crowding, found) if self.crowding else 0.0
        shown = _limited_many(raws, gaps, crowding, mutual=True)
        best = np.lexsort((found, -raws, -shown))[:top]
        return list(
            zip(found[best].tolist(), raws[best].tolist(), gaps[best].tolist(), strict=True)
        )

    def scored(
        self,
        index: int,
        *,
        top: int,
        crowding: Mapping[int, float],
        known: Scored | None = None,
        slack: float = 0.0,
    ) -> Scored:
        """The candidates of the ad at `index` that could rank among its best `top`.

        Mutual ones first; one-way ones only to fill the places the mutual ones leave.
        """
        me = self.profiles[index]
        if top < 1:
            return Scored(NO_BAND, NO_BAND)
        known = known or Scored(NO_BAND, NO_BAND)
        mutual, one_way = self.candidates(me)
        search = partial(self._scored, me, top=top, crowding=crowding, slack=slack)
        found = search(mutual, mutual=True, known=known.mutual)
        if len(found.ranked) >= top:  # fewer scored only when there are fewer candidates
            return Scored(found, NO_BAND)
        needed = top - len(found.ranked)
        return Scored(found, search(one_way, mutual=False, known=known.one_way, top=needed))

    def scored_all(self, indexes: Sequence[int], *, top: int, slack: float) -> dict[int, Scored]:
        """`scored(i, top=top, crowding={}, slack=slack)` for every i in `indexes`: the same
        bands, the mutual ones from one search of all their candidates together (`_bands`).
        The one-way ones are searched ad by ad: few ads need them, but those have many
        candidates (956,000 at 10,000 ads) of whom the first few are enough."""
        if top < 1:
            return {i: Scored(NO_BAND, NO_BAND) for i in indexes}
        found = {i: self.candidates(self.profiles[i]) for i in indexes}
        mutual = self._bands([(i, found[i][0], top) for i in indexes], slack=slack)
        return {
            i: Scored(band, self._one_way(i, found[i][1], top - len(band.ranked), slack))
            for i, band in zip(indexes, mutual, strict=True)
        }

    def _one_way(self, index: int, candidates: Indexes, top: int, slack: float) -> Band:
        if top < 1:
            return NO_BAND
        me = self.profiles[index]
        return self._scored(me, candidates, mutual=False, top=top, crowding={}, slack=slack)

    def _bands(self, searches: Sequence[tuple[int, Indexes, int]], *, slack: float) -> list[Band]:
        """`_scored(me, candidates, mutual=True, top=top, crowding={}, slack=slack)` of each
        (index of me, candidates in index order, top) in `searches`, from one array of all
        their pairs, each with its search (`seat`): the same floats in the same steps, pair by
        pair, and one stable `lexsort` by (search, ceiling, skill part) for the order of every
        search (ties stay in index order, as `_order` breaks them)."""
        counts = [len(found) for _, found, _ in searches]
        owners = np.array([i for i, _, _ in searches], dtype=np.intp)
        seat = np.repeat(np.arange(len(searches)), counts)
        found = np.concatenate([found for _, found, _ in searches] or [np.zeros(0, np.intp)])
        skill = self._skill_parts_all(owners, seat, found, counts)
        ceiling = _raw_score(skill, self.time_fit.best_cases_of(owners, seat, found), mutual=True)
        order = np.lexsort((-skill, -ceiling, seat))  # each search's pairs stay in its place
        ceiling, skill, found = ceiling[order], skill[order], found[order]
        values, gaps = self.time_fit.of_pairs(owners[seat], found)
        raws = _raw_score(skill, values, mutual=True)
        shown = _limited_many(raws, gaps, 0.0, mutual=True)
        tops = np.array([top for _, _, top in searches], dtype=np.intp)
        sizes = np.array(counts, dtype=np.intp)
        searched, bounds = _cuts(ceiling, shown, seat, sizes, tops, slack)
        # Rows only for the candidates scored: the first `searched` of each search.
        kept = _places(seat, sizes) < searched[seat]
        rows = list(
            zip(
                (-_limited_many(raws[kept], gaps[kept], 0.0, mutual=True)).tolist(),
                (-raws[kept]).tolist(),
                found[kept].tolist(),
                gaps[kept].tolist(),
                strict=True,
            )
        )
        ends = np.cumsum(counts).tolist()
        bands: list[Band] = []
        start = 0
        for taken, bound, count, end in zip(
            searched.tolist(), bounds.tolist(), counts, ends, strict=True
        ):
            left = int(found[end - count + taken]) if taken < count else -1  # first unscored
            bands.append(Band(sorted(rows[start : start + taken]), taken, bound, left))
            start += taken
        return bands

    def _skill_parts_all(
        self, owners: Indexes, seat: Indexes, found: Indexes, counts: Sequence[int]
    ) -> Array:
        """`_skill_parts(profiles[owners[s]], candidates of s)` of every search s at once,
        pair by pair in the same steps: my goals slot by slot (slot n: everyone's n-th), then
        what I offer slot by slot, each slot over the pairs whose search has it, then the
        qualified goals, search by search."""
        me = [self.profiles[i] for i in owners.tolist()]
        parts = np.zeros(len(found))
        offered, sought = self._table("offered"), self._table("sought")
        weight = np.array([p.seek_weight for p in me])
        for keys in _slots([[k for k in p.plain_needs if k in self.offering] for p in me]):
            at, searches, others = _slot_pairs(keys, seat, found)
            parts[at] += offered.at(keys, searches, others) * weight[searches]
        for needs in _slots([list(p.other_needs) for p in me]):
            at, searches, others = _slot_pairs(needs, seat, found)
            parts[at] += self._covering_all(needs, searches, others) * weight[searches]
        for offers in _slots([self._taught(p) for p in me]):
            at, searches, others = _slot_pairs(offers, seat, found)
            keys = [offer[0] if offer else None for offer in offers]
            value = np.array([offer[1] if offer else 0.0 for offer in offers])[searches]
            rank = np.array([offer[2] if offer else 0 for offer in offers])[searches]
            below = rank < self._table("wanted").at(keys, searches, others)
            seeking = sought.at(keys, searches, others)
            parts[at] += np.where(below, value * BELOW_WANTED, value) * seeking
        start = 0
        for p, count in zip(me, counts, strict=True):
            self._add_qualified(p, found[start : start + count], parts[start : start + count])
            start += count
        return parts

    def candidates(self, me: Profile) -> tuple[Indexes, Indexes]:
        """Who may be suggested to me, in index order: the mutual ones (each can teach the
        other something) and the one-way ones. A column of truths per index entry (made on
        first use) turns the filters into a few `&` and `|` over all open ads, cheaper than
        set operations over the candidates (thousands for a popular skill)."""
        teachers = self._any_of("offering", _teaching_skills(me))
        learners = self._any_of("seeking_any", me.offers)
        able = self.able(me)
        return np.flatnonzero(teachers & learners & able), np.flatnonzero(
            (teachers ^ learners) & able
        )

    def able(self, me: Profile) -> Mask:
        """`can_meet(me, b)` for every open ad b: a shared language, the same place or both
        remote, another owner, never partnered."""
        able = self._any_of("speaking", me.languages)
        here = self.listed("at_place", me.place)  # no one for "" (`at_place` has no remote)
        able &= (here | self.remote_mask) if me.remote else here
        for owner in (me.owner, *self.partnered.get(me.owner, ())):
            able[list(self.of_owner.get(owner, ()))] = False
        return able

    def ceiling(self, index: int, other: int, *, mutual: bool) -> float:
        """The highest score the ad at `other` could reach as a candidate of the ad at `index`
        in its band: what a search orders its candidates by, and a band's `bound`."""
        ceilings, _, _ = self._order_columns(self.profiles[index], np.array([other]), mutual)
        return float(ceilings[0])

    def _any_of(self, index: str, keys: Iterable[str]) -> Mask:
        """Who is listed in `index` under any of `keys`, as a new column."""
        found = np.zeros(len(self.profiles), dtype=np.bool_)
        for key in keys:
            found |= self.listed(index, key)
        return found

    def listed(self, index: str, key: str) -> Mask:
        """One entry of an index of sets (`offering`, `seeking`, `seeking_any`, `speaking`,
        `at_place`) as a column over all open ads; made on first use."""
        mask = self.masks.get((index, key))
        if mask is None:
            listed = self.set_indexes[index].get(key, set())
            mask = self.masks[(index, key)] = self.column_of(listed)
        return mask

    def column_of(self, indexes: Collection[int]) -> Mask:
        mask = np.zeros(len(self.profiles), dtype=np.bool_)
        mask[np.fromiter(indexes, dtype=np.intp, count=len(indexes))] = True
        return mask

    def can_meet(self, a: Profile, b: Profile) -> bool:
        """The rules of `able` for one pair: language, place, owners, past partnerships."""
        place = a.place == b.place != "" or (a.remote and b.remote)
        return (
            place
            and not a.languages.isdisjoint(b.languages)
            and a.owner != b.owner
            and b.owner not in self.partnered.get(a.owner, ())
        )

    def _scored(
        self,
        me: Profile,
        candidates: Indexes,
        *,
        mutual: bool,
        top: int,
        crowding: Mapping[int, float],
        known: Band = NO_BAND,
        slack: float = 0.0,
    ) -> Band:
        """The candidates scored in the order of `_order`, and the highest score any
        candidate left unscored could reach (NO_BOUND if none).

        Taken only until no one left could come within `slack` points of the last place even
        in their best case. `known`: the first candidates in that order, scored earlier. The
        scores come for all at once (`TimeFit.many`, the floats of one pair at a time): a
        Python loop per candidate cost more than the numbers it saved.
        """
        ceilings, skills, found = self._order_columns(me, candidates, mutual)
        done = known.searched
        if done:
            ceilings, skills, found = ceilings[done:], skills[done:], found[done:]
        values, gaps = self.time_fit.many(me.index, found)
        raws = _raw_score(skills, values, mutual=mutual)
        plain = _limited_many(raws, gaps, 0.0, mutual=mutual)  # as `Band.ranked` keeps them
        shown = (
            _limited_many(raws, gaps, _penalties(crowding, found), mutual=mutual)
            if crowding
            else plain
        )
        # The best `top` scores shown so far, negated, sorted.
        last = [
            best[0] for best in _ranked(known.ranked, mutual=mutual, top=top, crowding=crowding)
        ]
        searched, bound = _cut(ceilings.tolist(), (-shown).tolist(), last, top, slack)
        return Band(
            sorted([*known.ranked, *_ranked_rows(plain, raws, gaps, found, searched)]),
            done + searched,
            bound,
            int(found[searched]) if searched < len(found) else -1,
        )

    def _order(
        self, me: Profile, candidates: Indexes, mutual: bool
    ) -> list[tuple[float, float, int]]:
        """(-highest score possible, -skill part, index), best first: the order of search.

        The highest score takes the skill part and the best fit their commitments allow.
        Computed for all candidates at once, in the same floating-point steps as for one, so
        the order is the one a loop over the candidates would give, exactly.
        """
        ceiling, skill, found = self._order_columns(me, candidates, mutual)
        return list(zip((-ceiling).tolist(), (-skill).tolist(), found.tolist(), strict=True))

    def _order_columns(
        self, me: Profile, found: Indexes, mutual: bool
    ) -> tuple[Array, Array, Indexes]:
        """The highest score possible, the skill part and the index of each candidate, in the
        order of `_order`."""
        skill = self._skill_parts(me, found)
        best_fit = self.time_fit.best_cases(me.index)[self.kinds[found]]
        ceiling = _raw_score(skill, best_fit, mutual=mutual)
        order = np.lexsort((found, -skill, -ceiling))
        return ceiling[order], skill[order], found[order]

    def _skill_parts(self, me: Profile, found: Indexes) -> Array:
        """How much of my goals each candidate in `found` covers + how much of theirs I cover.

        Column by column over my skills: a candidate who does not offer or seek a skill adds
        0.0 there, which leaves the sum as it was, so each candidate's sum takes the same
        steps in the same order as adding up only the skills it shares.
        """
        parts = np.zeros(len(found))
        for key in me.plain_needs:
            if key in self.offering:
                parts += self._column("offered", key)[found] * me.seek_weight
        for key, need in me.other_needs:
            parts += self._covering(found, key, need) * me.seek_weight
        ranks = me.offer_ranks
        for key, value in me.offer_values.items():
            if key not in self.plain_seeking:
                continue
            seeking = self._column("sought", key)[found]
            if key not in self.wanting:  # no one wants a level above basic: the plain sum
                parts += value * seeking
                continue
            below = ranks[key] < self._column("wanted", key)[found]
            parts += np.where(below, value * BELOW_WANTED, value) * seeking
        self._add_qualified(me, found, parts)
        return parts

    def _taught(self, me: Profile) -> list[tuple[str, float, int]]:
        """(skill, value, level rank) of my offers someone seeks as a plain goal."""
        ranks = me.offer_ranks
        return [(k, v, ranks[k]) for k, v in me.offer_values.items() if k in self.plain_seeking]

    def _add_qualified(self, me: Profile, found: Indexes, parts: Array) -> None:
        """Add to `parts` how much of each candidate's qualified goals I cover, in place."""
        qualified_keys = [key for key in me.offers if key in self.qualified]
        candidates = set(found.tolist()) if qualified_keys else set()
        qualified = {
            (j, goal)
            for key in qualified_keys
            for j in candidates & self.qualified_seeking[key]
            for goal in self.qualified[key][j]
        }
        if qualified:
            place = {j: n for n, j in enumerate(found.tolist())}
            for j, key in sorted(qualified):
                learner = self.profiles[j]
                parts[place[j]] += cover(learner, key, me)[0] * learner.seek_weight

    def _pairs(self, learner: Profile, teacher: Profile) -> tuple[SkillPair, ...]:
        """`_pairs`, once per two ads: the suggestion each way between them needs both."""
        key = (learner.index, teacher.index)
        pairs = self.skill_pairs.get(key)
        if pairs is None:
            pairs = self.skill_pairs[key] = _pairs(learner, teacher, self.taxonomy)
        return pairs

    def _column(self, name: str, key: str) -> Array:
        """One skill's index entries as a column over all open ads (0 where absent, -1 for
        "wanted")."""
        return self._table(name).row(key)

    def _table(self, name: str) -> SkillTable:
        """Every skill's column of one index (`offered`, `rank`, `sought`, `wanted`), made
        on first use."""
        table = self.tables.get(name)
        if table is None:
            postings = {
                "offered": self.offered_by,
                "rank": self.offer_rank,
                "sought": self.sought_by,
                "wanted": self.wanting,
            }[name]
            default = -1.0 if name == "wanted" else 0.0
            table = self.tables[name] = SkillTable.of(postings, len(self.profiles), default)
        return table

    def _covering_all(
        self, needs: Sequence[tuple[str, Need] | None], seat: Indexes, found: Indexes
    ) -> Array:
        """`_covering` of one goal per search (None: none) for each pair at once."""
        keys = [need[0] if need else None for need in needs]
        withins = [need[1].within if need else None for need in needs]
        wanted = np.array([need[1].wanted if need else -1 for need in needs])[seat]
        focus = self._offered_all(keys, wanted, seat, found)
        within = self._offered_all(withins, wanted, seat, found)
        has_within = np.array([key is not None for key in withins])[seat]
        return np.where(has_within, np.maximum(focus, WITHIN_SHARE * within), focus)

    def _offered_all(
        self, keys: Sequence[str | None], wanted: Indexes, seat: Indexes, found: Indexes
    ) -> Array:
        offering = self._table("offered").at(keys, seat, found)
        below = self._table("rank").at(keys, seat, found) < wanted
        return np.where(below, offering * BELOW_WANTED, offering)

    def _covering(self, found: Indexes, key: str, need: Need) -> Array:
        """How well each candidate covers one of my goals, as `cover` says."""
        focus = self._offered(found, key, need.wanted)
        if need.within is None:
            return focus
        within = self._offered(found, need.within, need.wanted)
        return np.maximum(focus, WITHIN_SHARE * within)

    def _offered(self, found: Indexes, key: str, wanted: int) -> Array:
        offering = self._column("offered", key)[found]
        if wanted <= 0:  # no one is below basic
            return offering
        below = self._column("rank", key)[found] < wanted
        return np.where(below, offering * BELOW_WANTED, offering)

    def _suggestion(self, me: Profile, other: Profile, shown: float) -> Suggestion:
        they_teach = self._pairs(me, other)
        i_teach = self._pairs(other, me)
        mutual = bool(they_teach and i_teach)
        remember = self.remembered
        facts = (self.facts[me.index], self.facts[other.index])
        reasons = _reasons(
            me, other, they_teach, i_teach, self.taxonomy, remember=remember, facts=facts
        )
        crowding = self.crowding.get(other.index)
        if crowding:
            points = round(crowding)
            found = remember.made.get(("crowded", points))
            if found is None:
                found = remember.kept(("crowded", points), Reason("crowded", (("points", points),)))
            reasons += (found,)
        score = max(0, min(100, round(shown)))
        return Suggestion(other.ad.id, score, mutual, reasons, they_teach, i_teach)


def _cut(
    ceilings: list[float], negative_shown: list[float], last: list[float], top: int, slack: float
) -> tuple[int, float]:
    """How many candidates, in the order of search, to score: all, until even the best case
    of the next (its ceiling) would not come within `slack` of the last place of the best
    `top` so far (`last`, their negated shown scores, sorted; changed here); and that
    ceiling (NO_BOUND when all are scored)."""
    for n, (ceiling, negative) in enumerate(zip(ceilings, negative_shown, strict=True)):
        if len(last) >= top and ceiling < -last[-1] - slack:
            return n, ceiling
        if len(last) < top or negative < last[-1]:
            insort(last, negative)
            del last[top:]
    return len(ceilings), NO_BOUND


def _cuts(
    ceiling: Array, shown: Array, seat: Indexes, sizes: Indexes, tops: Indexes, slack: float
) -> tuple[Indexes, Array]:
    """`_cut(ceilings, negated shown scores, [], top, slack)` of every search at once (its
    pairs together in `seat` order, by ceiling): how many are scored, and the bound.

    The loop of `_cut` stops at the first candidate n, from `top` on, whose ceiling is below
    the `top`-th best score shown so far less `slack`, that is, below `top` of the first n's
    scores less `slack` (each less `slack` as the loop subtracts it, so the same floats).
    Ceilings only fall and the scores so far only gain, so once a candidate stops the search
    every later one would: each search's n is found by halving, all searches at each step
    (at 10,000 ads about a dozen steps over 466,000 pairs, where the loop took 338,000
    turns in Python).
    """
    starts = np.cumsum(sizes) - sizes
    place = _places(seat, sizes)
    over = shown - slack
    low, high = np.minimum(tops, sizes), sizes.copy()  # the first n lies in [low, high]
    while True:
        open_ = low < high
        if not open_.any():
            break
        middle = (low + high) // 2
        ceilings = np.where(open_, ceiling[np.where(open_, starts + middle, 0)], np.inf)
        before = (place < middle[seat]) & (over > ceilings[seat])
        stops = np.bincount(seat[before], minlength=len(sizes)) >= tops
        high = np.where(open_ & stops, middle, high)
        low = np.where(open_ & ~stops, middle + 1, low)
    ended = low < sizes
    bounds = np.full(len(sizes), NO_BOUND)
    bounds[ended] = ceiling[(starts + low)[ended]]
    return low, bounds


def _places(seat: Indexes, sizes: Indexes) -> Indexes:
    """Each pair's place in its search (0 for the first)."""
    starts = np.cumsum(sizes) - sizes
    places: Indexes = np.arange(len(seat)) - starts[seat]
    return places


def _slot_pairs(
    slot: Sequence[object | None], seat: Indexes, found: Indexes
) -> tuple[Indexes, Indexes, Indexes]:
    """The pairs whose search has something in `slot`: where they are, their searches, their
    candidates."""
    having = np.array([item is not None for item in slot], dtype=np.bool_)
    at = np.flatnonzero(having[seat])
    return at, seat[at], found[at]


def _slots(rows: Sequence[Sequence[T]]) -> list[list[T | None]]:
    """Slot n of every row (None where a row is shorter), for n up to the longest row."""
    width = max(map(len, rows), default=0)
    return [[row[n] if n < len(row) else None for row in rows] for n in range(width)]


@dataclass(frozen=True)
class SkillTable:
    """One index of skills (`Matcher.offered_by`, ...) as a value per skill and open ad; the
    last row holds the default, for a skill the index does not list."""

    rows: dict[str, int]
    values: Array  # (len(rows) + 1) × open ads

    @classmethod
    def of(
        cls, postings: Mapping[str, Mapping[int, float]], size: int, default: float
    ) -> SkillTable:
        shape = (len(postings) + 1, size)
        # zeros come from the system as untouched pages: a skill few list costs little
        values = np.zeros(shape) if default == 0.0 else np.full(shape, default)
        for row, entries in enumerate(postings.values()):
            values[row, np.fromiter(entries, dtype=np.intp, count=len(entries))] = list(
                entries.values()
            )
        return cls({key: row for row, key in enumerate(postings)}, values)

    def row(self, key: str) -> Array:
        row: Array = self.values[self.rows.get(key, -1)]
        return row

    def at(self, keys: Sequence[str | None], seat: Indexes, found: Indexes) -> Array:
        """The value of `keys[seat[n]]` for the ad `found[n]`, for every n."""
        default = len(self.rows)
        rows = np.array(
            [default if k is None else self.rows.get(k, default) for k in keys], dtype=np.intp
        )
        return self.values[rows[seat], found]


def _index(rows: Iterable[tuple[str, T]]) -> dict[str, set[T]]:
    index: dict[str, set[T]] = defaultdict(set)
    for key, value in rows:
        index[key].add(value)
    return dict(index)


def _postings(rows: Iterable[tuple[str, int, float]]) -> dict[str, dict[int, float]]:
    """Skill key -> {ad index: value}: an inverted index that also carries the weight."""
    index: dict[str, dict[int, float]] = defaultdict(dict)
    for key, j, value in rows:
        index[key][j] = value
    return dict(index)


def _ranked(
    rows: Sequence[Ranked], *, mutual: bool, top: int, crowding: Mapping[int, float]
) -> list[Ranked]:
    """The best `top` of `rows` (ranked without crowding, best first) with `crowding`.

    Crowding only lowers a score, so no row after the first `top` it leaves alone can rank.
    """
    found: list[Ranked] = []
    unchanged = 0
    for row in rows:
        if unchanged >= top:
            break
        _, negative_raw, j, gap = row
        points = crowding.get(j, 0.0)
        if points:
            shown = _limited(-negative_raw, mutual=mutual, gap=gap, crowding=points)
            row = (-shown, negative_raw, j, gap)
        else:
            unchanged += 1
        found.append(row)
    return sorted(found)[:top]


def _ranked_rows(
    shown: Array, raws: Array, gaps: npt.NDArray[np.bool_], found: Indexes, count: int
) -> list[Ranked]:
    """The first `count` candidates as `Ranked` rows (`shown` without crowding)."""
    columns = (-shown[:count], -raws[:count], found[:count], gaps[:count])
    return list(zip(*(column.tolist() for column in columns), strict=True))


def _penalties(crowding: Mapping[int, float], found: Indexes) -> Array:
    """The crowding of each candidate in `found`."""
    return np.array([crowding.get(j, 0.0) for j in found.tolist()])


def _beats(best: list[Ranked], bound: float, *, top: int) -> bool:
    """Does the last place score above `bound`, so no one unscored could take it?"""
    return bound == NO_BOUND or (len(best) >= top and -best[top - 1][0] > bound)


def _teaching_skills(me: Profile) -> dict[str, None]:
    """My goals' skills and the skills qualified goals lie within: who offers one may teach me."""
    return dict.fromkeys(k for key, n in me.needs.items() for k in (key, n.within) if k)


def _same_place(a: Profile, b: Profile) -> bool:
    return bool(a.place) and a.place == b.place


def _raw_score(skill: Score, fit: Score, *, mutual: bool) -> Score:
    """Mutual pairs 50–100, one-way pairs 0–49; `skill` is the sum of both coverages.

    Of one pair, or of many at once (arrays), in the same floating-point steps.
    """
    if mutual:
        return MUTUAL_BASE + SKILL_POINTS * skill / 2 + FIT_POINTS_MUTUAL * fit
    return SKILL_POINTS * skill + FIT_POINTS_ONE_WAY * fit


def _limited(raw: float, *, mutual: bool, gap: bool, crowding: float) -> float:
    """The score shown: capped by a large time gap, lowered by crowding, kept in its band."""
    ceiling = (CAP_MUTUAL if mutual else CAP_ONE_WAY) if gap else raw
    return max(MUTUAL_BASE if mutual else 0.0, min(raw, ceiling) - crowding)


def _limited_many(
    raws: Array, gaps: npt.NDArray[np.bool_], crowding: Array | float, *, mutual: bool
) -> Array:
    """`_limited` of many candidates at once, in the same floating-point steps."""
    ceiling = np.where(gaps, CAP_MUTUAL if mutual else CAP_ONE_WAY, raws)
    return np.maximum(MUTUAL_BASE if mutual else 0.0, np.minimum(raws, ceiling) - crowding)


def cover(learner: Profile, key: str, teacher: Profile) -> tuple[float, str | None]:
    """How well the teacher covers one goal of the learner (0–1), and the skill they cover it
    with (None when they do not): the goal's own skill at the value of the offer, else the
    skill it lies within at WITHIN_SHARE; either below the wanted level at BELOW_WANTED."""
    need = learner.needs[key]
    focus = within = 0.0
    if key in teacher.offers:
        focus = _at_level(teacher.offer_values[key], teacher.offer_ranks[key], need.wanted)
    if need.within is not None and need.within in teacher.offers:
        ranks = teacher.offer_ranks
        within = _at_level(teacher.offer_values[need.within], ranks[need.within], need.wanted)
    best = _best_cover(focus, within)
    if key in teacher.offers and best == focus:
        return best, key
    return best, need.within if within else None


def _at_level(value: float, rank: float, wanted: float) -> float:
    return value * BELOW_WANTED if rank < wanted else value


def _best_cover(focus: float, within: float) -> float:
    return max(focus, WITHIN_SHARE * within)


def fit(a: Profile, b: Profile) -> float:
    """0–1: how well time, duration, total hours, start, format and manager support agree."""
    return fit_and_gap(a, b)[0]


def fit_and_gap(a: Profile, b: Profile) -> tuple[float, bool]:
    """`fit`, and whether `time_gaps` finds any gap, from one comparison."""
    return TimeFit((a, b))(0, 1)


class TimeFit:
    """`fit_and_gap` by ad index, fast: the part that compares hours and weeks is computed
    once per pair of commitments (people choose from few), only the start, formats and
    manager support once per pair of ads, from plain lists."""

    def __init__(self, profiles: Sequence[Profile]) -> None:
        self.profiles = profiles
        kinds: dict[tuple[float, int], int] = {}
        self.kind = [
            kinds.setdefault((p.ad.commitment.hours_per_week, p.ad.commitment.weeks), len(kinds))
            for p in profiles
        ]
        self.width = len(kinds)
        self.example = {kind: j for j, kind in reversed(list(enumerate(self.kind)))}
        self.parts: dict[int, tuple[float, bool]] = {}
        self.rows: dict[tuple[int, bool], Array] = {}
        self.columns: dict[int, tuple[Array, npt.NDArray[np.bool_]]] = {}
        self.table: tuple[Array, npt.NDArray[np.bool_]] | None = None
        self.start = [p.start.toordinal() for p in profiles]
        self.formats = [frozenset(p.ad.formats) for p in profiles]
        self.manager = [p.ad.manager_support for p in profiles]
        # The same, as columns for `many`; formats as bits, so "a shared format" is an `&`.
        self.kinds = np.array(self.kind, dtype=np.intp)
        self.starts = np.array(self.start, dtype=np.int64)
        self.format_bits = np.array([_bits(p.ad.formats) for p in profiles], dtype=np.int64)
        self.managers = np.array(self.manager, dtype=np.int64)

    def __call__(self, a: int, b: int) -> tuple[float, bool]:
        value, gap = self.commitment(a, self.kind[b])
        days = abs(self.start[a] - self.start[b])
        value = (
            value  # the terms of `fit` after the commitment part, added in its order
            + FIT_START * _start_fit(days)
            + FIT_FORMAT * (not self.formats[a].isdisjoint(self.formats[b]))
            + FIT_MANAGER * (self.manager[a] + self.manager[b]) / 2
        )
        return value, gap or days > START_LIMIT_DAYS  # the start rule of `_gaps`

    def many(self, a: int, others: Indexes) -> tuple[Array, npt.NDArray[np.bool_]]:
        """`self(a, j)` for every j in `others` at once, in the same floating-point steps."""
        values, gaps = self._commitments(a)
        kinds = self.kinds[others]
        days = np.abs(self.starts[others] - self.start[a])
        shared_format = (self.format_bits[others] & self.format_bits[a]) != 0
        value = _fits(values[kinds], days, shared_format, self.manager[a] + self.managers[others])
        return value, gaps[kinds] | (days > START_LIMIT_DAYS)

    def of_pairs(self, owners: Indexes, others: Indexes) -> tuple[Array, npt.NDArray[np.bool_]]:
        """`many(owners[n], others[n:n + 1])` for every n at once, in the same steps."""
        values, gaps = self.commitment_table()
        kinds = (self.kinds[owners], self.kinds[others])
        days = np.abs(self.starts[others] - self.starts[owners])
        shared_format = (self.format_bits[others] & self.format_bits[owners]) != 0
        managers = self.managers[owners] + self.managers[others]
        value = _fits(values[kinds], days, shared_format, managers)
        return value, gaps[kinds] | (days > START_LIMIT_DAYS)

    def commitment_table(self) -> tuple[Array, npt.NDArray[np.bool_]]:
        """`_commitments` of every kind, as two kind × kind tables; made once."""
        if self.table is None:
            columns = [self._commitments(self.example[kind]) for kind in range(self.width)]
            values = np.zeros((self.width, self.width))  # stays empty when no ad is open
            gaps = np.zeros((self.width, self.width), dtype=np.bool_)
            for kind, (value, gap) in enumerate(columns):
                values[kind], gaps[kind] = value, gap
            self.table = values, gaps
        return self.table

    def best_cases_of(self, owners: Indexes, seat: Indexes, others: Indexes) -> Array:
        """`best_cases(owners[seat[n]])[kind of others[n]]` for every n."""
        mine = self.kinds[owners] * 2 + self.managers[owners]
        table = np.zeros((self.width * 2, self.width))
        for row, a in dict(zip(mine.tolist(), owners.tolist(), strict=True)).items():
            table[row] = self.best_cases(a)
        found: Array = table[mine[seat], self.kinds[others]]
        return found

    def _commitments(self, a: int) -> tuple[Array, npt.NDArray[np.bool_]]:
        """`commitment(a, kind)` for every kind, as two columns; one pair per kind of a."""
        columns = self.columns.get(self.kind[a])
        if columns is None:
            parts = [self.commitment(a, kind) for kind in range(self.width)]
            columns = self.columns[self.kind[a]] = (
                np.array([value for value, _ in parts]),
                np.array([gap for _, gap in parts], dtype=np.bool_),
            )
        return columns

    def commitment(self, a: int, kind: int) -> tuple[float, bool]:
        """The commitment part of `fit` between the ad at `a` and any ad of `kind`."""
        key = self.kind[a] * self.width + kind
        part = self.parts.get(key)
        if part is None:
            example = self.profiles[self.example[kind]]
            part = self.parts[key] = _commitment_part(self.profiles[a], example)
        return part

    def best_cases(self, a: int) -> Array:
        """`best_case`'s fit of the ad at `a` with each kind of commitment, by kind; the same
        for every ad of a's commitment and manager support, so computed once for them."""
        mine = (self.kind[a], self.manager[a])
        row = self.rows.get(mine)
        if row is None:
            row = self.rows[mine] = np.array(
                [self.best_case(a, kind)[0] for kind in range(self.width)]
            )
        return row

    def best_case(self, a: int, kind: int) -> tuple[float, bool]:
        """The highest fit the ad at `a` can have with an ad of `kind` (the same start, a
        shared format, manager support), and whether their commitments show a large gap."""
        value, gap = self.commitment(a, kind)
        return value + FIT_START + FIT_FORMAT + FIT_MANAGER * (self.manager[a] + True) / 2, gap


def _commitment_part(a: Profile, b: Profile) -> tuple[float, bool]:
    """The hours, weeks and total hours terms of `fit`, and whether they show a large gap."""
    hours, weeks, _, _, _ = a.fit_features
    b_hours, b_weeks, _, _, _ = b.fit_features
    hours_ratio = _ratio(hours, b_hours)
    engagement = _ratio(hours * weeks, b_hours * b_weeks)
    value = (
        FIT_HOURS * hours_ratio + FIT_WEEKS * _ratio(weeks, b_weeks) + FIT_ENGAGEMENT * engagement
    )
    return value, _gaps(hours_ratio, engagement, 0) != ()


def _ratio(a: float, b: float) -> float:
    """min(a, b) / max(a, b), 1 when neither is positive."""
    if a < b:
        return a / b if b > 0 else 1.0
    return b / a if a > 0 else 1.0


def time_gaps(a: Profile, b: Profile) -> tuple[str, ...]:
    """Which of hours per week, total hours and start lie too far apart for a partnership."""
    hours, weeks, start, _, _ = a.fit_features
    b_hours, b_weeks, b_start, _, _ = b.fit_features
    return _gaps(
        _ratio(hours, b_hours), _ratio(hours * weeks, b_hours * b_weeks), abs(start - b_start)
    )


def _gaps(hours_ratio: float, engagement: float, days: int) -> tuple[str, ...]:
    gaps = (
        ("hours", hours_ratio < GAP_RATIO),
        ("engagement", engagement < GAP_RATIO),
        ("start", days > START_LIMIT_DAYS),
    )
    return tuple(name for name, large in gaps if large)


def _fits(
    commitments: Array,
    days: npt.NDArray[np.int64],
    shared_format: npt.NDArray[np.bool_],
    managers: npt.NDArray[np.int64],
) -> Array:
    """The fit part of many pairs' scores from their commitments' value, the days between
    their starts, whether they share a format and how many of the two managers support it:
    the floating-point steps of `TimeFit.__call__`, in its order."""
    return (
        commitments
        + FIT_START * _start_fits(days)
        + FIT_FORMAT * shared_format
        + FIT_MANAGER * managers / 2
    )


def _start_fits(gap_days: npt.NDArray[np.int64]) -> Array:
    """`_start_fit` of many gaps at once."""
    late = 1 - (gap_days - START_SLACK_DAYS) / (START_LIMIT_DAYS - START_SLACK_DAYS)
    return np.where(gap_days <= START_SLACK_DAYS, 1.0, np.maximum(0.0, late))


def _bits(formats: Iterable[str]) -> int:
    return sum(1 << FORMATS.index(f) for f in set(formats))


def _start_fit(gap_days: int) -> float:
    if gap_days <= START_SLACK_DAYS:
        return 1.0
    return max(0.0, 1 - (gap_days - START_SLACK_DAYS) / (START_LIMIT_DAYS - START_SLACK_DAYS))


# --- what the suggestion says ---------------------------------------------------------------


def _pairs(learner: Profile, teacher: Profile, taxonomy: Taxonomy) -> tuple[SkillPair, ...]:
    """The learner's goals the teacher offers, in the learner's order."""
    pairs = []
    offers, needs = teacher.offers, learner.needs
    for key, (seek, sought) in learner.seeks.items():
        need = needs[key]
        if need.within is None:  # `cover` gives the goal's own skill, when offered
            covered = key if key in offers else None
        elif key in offers or need.within in offers:
            covered = cover(learner, key, teacher)[1]
        else:
            continue
        if covered is None:
            continue
        offer, offered, _ = offers[covered]
        wanted = need.wanted
        pairs.append(
            SkillPair(
                seek.skill,
                offer.skill,
                covered,
                taxonomy.display_key(covered),
                offer.level,
                min(sought.similarity, offered.similarity),
                LEVELS[wanted] if wanted >= 0 else None,
                None if covered == key else key,
                seek.goal,
                offer.note,
            )
        )
    return tuple(pairs)


def _reasons(
    me: Profile,
    other: Profile,
    they_teach: tuple[SkillPair, ...],
    i_teach: tuple[SkillPair, ...],
    taxonomy: Taxonomy,
    *,
    remember: Remembered | None = None,
    facts: tuple[Facts, Facts] | None = None,
) -> tuple[Reason, ...]:
    """Why `other` is suggested to `me`; `remember` gives each reason again from the key of
    what decides it (every key names all that its reason reads). Looked up inline, without a
    function to make each: 35,751 suggestions at 10,000 ads ask for 263,000 reasons.
    `facts`: my and their `_facts`, or numbers standing for them (`Matcher.facts`), which
    key the time and setting reasons."""
    if remember is None:
        remember = Remembered(keep=False)
    made, kept = remember.made, remember.kept
    reasons: list[Reason] = []
    written: list[Reason] = []
    below: list[Reason] = []
    for code, pairs in (("they_teach", they_teach), ("i_teach", i_teach)):
        for pair in pairs:
            key = ("skill", code, pair.seek, pair.offer, pair.level, pair.key, pair.focus)
            reason = made.get(key)
            reasons.append(
                kept(key, _skill_reason(code, pair, taxonomy)) if reason is None else reason
            )
            if pair.wanted:
                below += _below(code, pair)
            if pair.goal and pair.note:
                key = ("written", code, pair.seek, pair.offer, pair.key, pair.goal, pair.note)
                found = made.get(key)
                written += kept(key, _written(code, pair, taxonomy)) if found is None else found
    reasons += below
    if not (they_teach and i_teach):
        code = "one_way_learn" if they_teach else "one_way_teach"
        reason = made.get(code)
        reasons.append(kept(code, Reason(code)) if reason is None else reason)
    # time and engagement first: where tandems fail
    mine, theirs = facts or (_facts(me), _facts(other))
    times = ("time", mine[0], theirs[0])
    found = made.get(times)
    reasons += kept(times, _commitment_reasons(me, other)) if found is None else found
    reasons += written
    reasons += _setting_reasons(me, other, taxonomy.places, remember, mine, theirs)
    return tuple(reasons)


Facts = tuple[Hashable, Hashable, Hashable, Hashable]
"""What the time and setting reasons of a suggestion read of each ad: its time facts,
languages, location and formats (`_facts`), or a number for each (`Matcher.facts`)."""


def _facts(me: Profile) -> Facts:
    return (me.time_facts, me.languages, me.ad.location, me.ad.formats)


def _fact_numbers(profiles: Sequence[Profile]) -> list[Facts]:
    """`_facts` of each profile as numbers, equal facts the same number: a key of two
    numbers is hashed and compared faster than one of two tuples or sets."""
    numbers: dict[tuple[int, Hashable], int] = {}

    def number(kind: int, fact: Hashable) -> int:
        return numbers.setdefault((kind, fact), len(numbers))

    return [
        (number(0, times), number(1, languages), number(2, location), number(3, formats))
        for times, languages, location, formats in map(_facts, profiles)
    ]


def _setting_reasons(
    me: Profile, other: Profile, places: Places, remember: Remembered, mine: Facts, theirs: Facts
) -> list[Reason]:
    """Languages, place, formats, manager support, each remembered by what it reads (the
    places from the locations)."""
    made, kept = remember.made, remember.kept
    key: Hashable = ("languages", mine[1], theirs[1])
    languages = made.get(key)
    if languages is None:
        languages = kept(key, _languages(me, other))
    key = ("place", mine[2], theirs[2])
    place = made.get(key)
    if place is None:
        place = kept(key, _place_reason(me, other, places))
    key = ("formats", mine[3], theirs[3])
    formats = made.get(key)
    if formats is None:
        formats = kept(key, _format_reason(me, other))
    if not other.ad.manager_support:
        return [languages, place, formats]
    key = "manager_both" if me.ad.manager_support else "manager"
    manager = made.get(key)
    if manager is None:
        manager = kept(key, Reason(key))
    return [languages, place, formats, manager]


def _languages(me: Profile, other: Profile) -> Reason:
    return Reason("languages", (("languages", tuple(sorted(me.languages & other.languages))),))


def _skill_reason(direction: str, pair: SkillPair, taxonomy: Taxonomy) -> Reason:
    """`offers Kubernetes (expert) — you seek 'kubernetes basics'`: both spellings when they differ.

    When neither side wrote the skill's own name (`k8s` and `kube`), the reason names it too.
    """
    german = taxonomy.display_key(pair.key, "de")
    code = direction
    if pair.focus is not None:
        code += "_within"
    elif pair.seek.strip().casefold() != pair.offer.strip().casefold():
        names = {normalise(pair.name), normalise(german)}
        listed = normalise(pair.seek) in names or normalise(pair.offer) in names
        code += "_as" if listed else "_via"
    params: list[tuple[str, ParamValue]] = [
        ("seek", pair.seek),
        ("offer", pair.offer),
        ("level", pair.level),
        ("skill", pair.name),
    ]
    if german != pair.name:
        params.append(("skill_de", german))
    if pair.focus is not None:
        params.append(("focus", taxonomy.display_key(pair.focus)))
        params.append(("focus_de", taxonomy.display_key(pair.focus, "de")))
    return Reason(code, tuple(params))


def _below(direction: str, pair: SkillPair) -> list[Reason]:
    """A caution when the teacher's level is below the one the seek or its goal asks for."""
    if not pair.wanted or LEVELS.index(pair.level) >= LEVELS.index(pair.wanted):
        return []
    params = (("seek", pair.seek), ("offer", pair.offer), ("level", pair.level))
    return [Reason(f"{direction}_below", (*params, ("wanted", pair.wanted)))]


def _written(direction: str, pair: SkillPair, taxonomy: Taxonomy) -> list[Reason]:
    """Whether the goal and the note of the offer meeting it speak of the same things."""
    agreement = _goal_and_note(pair, taxonomy) if pair.goal and pair.note else None
    if agreement is None:
        return []
    return [Reason(f"{direction}_{agreement[0]}", agreement[1])]


def _goal_and_note(
    pair: SkillPair, taxonomy: Taxonomy
) -> tuple[str, tuple[tuple[str, ParamValue], ...]] | None:
    """("agrees", the goal's words the note shares) or ("differs", both quoted) or None.

    Words are compared folded and without endings (`significant_words`), leaving out the
    words of the skill itself, which every goal and note of the pair would share.
    """
    assert pair.goal is not None and pair.note is not None
    skill = _stems(pair.seek, pair.offer, taxonomy.display_key(pair.key), pair.name)
    goal = {k: v for k, v in significant_words(pair.goal).items() if k not in skill}
    note = {k: v for k, v in significant_words(pair.note).items() if k not in skill}
    texts: tuple[tuple[str, ParamValue], ...] = (("seek", pair.seek), ("offer", pair.offer))
    shared = tuple(word for stem, word in goal.items() if stem in note)
    if shared:
        return "agrees", (*texts, ("word_names", shared))
    if len(goal) >= DIFFER_WORDS and len(note) >= DIFFER_WORDS:
        return "differs", (*texts, ("goal", _quote(pair.goal)), ("note", _quote(pair.note)))
    return None


@lru_cache(maxsize=1 << 14)
def _stems(*names: str) -> frozenset[str]:
    """The stems of the words of a skill's names: one skill pair's, asked for each of its goals."""
    return frozenset(stem for text in names for stem in significant_words(text))


def _quote(text: str) -> str:
    """A short fragment of someone's text: one line, cut at a word near QUOTE_LENGTH."""
    line = " ".join(text.split())
    if len(line) <= QUOTE_LENGTH:
        return line
    cut = line[:QUOTE_LENGTH].rsplit(" ", 1)[0]
    return cut.rstrip(",;:.-–—") + "…"


def _place_reason(me: Profile, other: Profile, places: Places) -> Reason:
    """Places by their listed names, in each language (`also in Vienna`, `ebenfalls in Wien`)."""
    if _same_place(me, other):
        return Reason("same_location", places.params("location", other.ad.location))
    if not (me.place and other.place):
        return Reason("remote_only")
    params = (
        *places.params("location", other.ad.location),
        *places.params("my_location", me.ad.location),
    )
    return Reason("remote", params)


def _commitment_reasons(me: Profile, other: Profile) -> list[Reason]:
    """Hours, weeks and start; a large gap comes first, as a caution."""
    mine, theirs = me.ad.commitment, other.ad.commitment
    gaps = time_gaps(me, other)
    hours = (("hours", theirs.hours_per_week), ("my_hours", mine.hours_per_week))
    reasons = [
        Reason("hours_same", hours[:1])
        if mine.hours_per_week == theirs.hours_per_week
        else Reason("hours_gap" if "hours" in gaps else "hours", hours),
        Reason("weeks_same", (("weeks", theirs.weeks),))
        if mine.weeks == theirs.weeks
        else Reason("weeks", (("weeks", theirs.weeks), ("my_weeks", mine.weeks))),
    ]
    start = _start_reason(me, other)
    return [*_gap_cautions(me, other, gaps), *reasons, *([start] if start else [])]


def _gap_cautions(me: Profile, other: Profile, gaps: tuple[str, ...]) -> list[Reason]:
    cautions = []
    if "engagement" in gaps:
        totals = (("total", other.total_hours), ("my_total", me.total_hours))
        cautions.append(Reason("engagement_gap", totals))
    if "start" in gaps:
        days = abs(me.start - other.start).days
        cautions.append(Reason("start_gap", (("days", days),)))
    return cautions


def _start_reason(me: Profile, other: Profile) -> Reason | None:
    mine, theirs = me.start.isoformat(), other.start.isoformat()
    if me.start == other.start:
        return Reason("start_same", (("date", theirs),)) if me.starts_later else None
    if not other.starts_later:
        return Reason("start_now", (("my_date", mine),))
    if not me.starts_later:
        return Reason("start_later", (("date", theirs),))
    return Reason("start", (("date", theirs), ("my_date", mine)))


def _format_reason(me: Profile, other: Profile) -> Reason:
    shared = tuple(f for f in FORMATS if f in me.ad.formats and f in other.ad.formats)
    if shared:
        return Reason("formats", (("formats", shared),))
    return Reason(
        "formats_differ",
        (("formats", tuple(other.ad.formats)), ("my_formats", tuple(me.ad.formats))),
    )


# --- rendering reasons ----------------------------------------------------------------------
