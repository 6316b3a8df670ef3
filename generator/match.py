"""Suggested partners: who can teach whom, both ways, with reasons a person can read.

Who may be suggested to whom: both ads open on the day, different owners, a shared language,
the same place or both open to remote, and never two people who partner or partnered
together in any log (compared by owner, since a person may post a new ad).

Score, 0–100: mutual pairs (each teaches the other something) score 50–100, one-way pairs
0–49, so mutual pairs always come first. Within each, the skill part counts how much of
each side's goals the other covers, weighted by how close the spellings are and by the
teacher's level; the fit part counts hours per week, weeks, start date, a shared format and
manager support. Ties break by ad id.

Fast at scale: skills are resolved once per unique text, then inverted indexes (skill ->
ads offering it, skill -> ads seeking it) give each ad only the ads that share a skill with
it, filtered by set operations; candidates are scored in order of their skill part, and the
fit is computed only while a candidate could still make the list.
"""

from __future__ import annotations

import datetime as dt
import gc
from bisect import insort
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from typing import Any, TypeVar

from generator.i18n import Locale
from generator.model import FORMATS, Ad, Offer, Partnership, Seek
from generator.skills import Resolution, Taxonomy, normalise, slug

LEVEL_WEIGHT = {"basic": 0.7, "advanced": 0.9, "expert": 1.0}
MUTUAL_BASE = 50
SKILL_POINTS = 35
FIT_POINTS_MUTUAL = 15
FIT_POINTS_ONE_WAY = 14  # one-way pairs stay below 50, under every mutual pair
# The fit part, 0–1: hours per week, weeks, start date, a shared format, manager support.
FIT_HOURS, FIT_WEEKS, FIT_START, FIT_FORMAT, FIT_MANAGER = 0.35, 0.2, 0.15, 0.15, 0.15
START_SLACK_DAYS = 14
START_LIMIT_DAYS = 90
# Locations that name no place: such an ad meets others only remotely.
REMOTE_PLACES = frozenset(
    {"remote", "anywhere", "ueberall", "ortsunabhaengig", "home-office", "homeoffice"}
)

ParamValue = str | int | float | tuple[str, ...]
T = TypeVar("T")


@dataclass(frozen=True)
class Reason:
    """One reason, rendered in any language by `reason_text`: `reason.<code>` plus params."""

    code: str
    params: tuple[tuple[str, ParamValue], ...] = ()


@dataclass(frozen=True)
class SkillPair:
    """One goal one person can teach the other: the seek and the offer as written."""

    seek: str
    offer: str
    key: str
    name: str
    level: str
    similarity: int


@dataclass(frozen=True)
class Suggestion:
    """A suggested partner for one ad."""

    partner: str
    score: int
    mutual: bool
    reasons: tuple[Reason, ...]
    they_teach: tuple[SkillPair, ...] = ()
    i_teach: tuple[SkillPair, ...] = ()


@dataclass(frozen=True)
class _Profile:
    """An open ad as matching sees it: canonical skills, folded place, start day."""

    ad: Ad
    index: int
    owner: str
    languages: frozenset[str]
    place: str  # folded location; empty for "Remote" and the like
    remote: bool
    start: dt.date
    starts_later: bool
    seeks: dict[str, tuple[Seek, Resolution]]
    offers: dict[str, tuple[Offer, Resolution, float]]

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
) -> dict[str, list[Suggestion]]:
    """The best `top` partners for every ad open on `today`, keyed by ad id in order."""
    open_ads = sorted((ad for ad in ads if ad.is_open(today)), key=lambda ad: ad.id)
    resolved = taxonomy.resolver.resolve_all(
        [seek.skill for ad in open_ads for seek in ad.seeks]
        + [offer.skill for ad in open_ads for offer in ad.offers]
    )
    profiles = [_profile(i, ad, resolved, today) for i, ad in enumerate(open_ads)]
    matcher = _Matcher(profiles, _partnered(ads, partnerships), taxonomy, top)
    with _no_cycle_collection():
        return {profile.ad.id: matcher.best_for(index) for index, profile in enumerate(profiles)}


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Pause the cycle collector while matching allocates its many small, acyclic objects.

    With 10,000 ads the collector would otherwise rescan the whole heap again and again and
    take a fifth of the time; nothing built here forms a cycle, so nothing waits for it.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _profile(index: int, ad: Ad, resolved: Mapping[str, Resolution], today: dt.date) -> _Profile:
    seeks: dict[str, tuple[Seek, Resolution]] = {}
    for seek in ad.seeks:
        seeks.setdefault(resolved[seek.skill].key, (seek, resolved[seek.skill]))
    offers: dict[str, tuple[Offer, Resolution, float]] = {}
    for offer in ad.offers:
        found = resolved[offer.skill]
        value = LEVEL_WEIGHT.get(offer.level, 0.7) * found.similarity / 100
        if found.key not in offers or value > offers[found.key][2]:
            offers[found.key] = (offer, found, value)
    start = max(today, ad.available_from or today)
    place = place_key(ad.location)
    if place in REMOTE_PLACES:
        place = ""
    return _Profile(
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
    )


def place_key(location: str) -> str:
    """Locations compared folded: `Köln`, `koeln` and `KÖLN ` are one place."""
    return slug(normalise(location))


def _partnered(ads: Sequence[Ad], partnerships: Sequence[Partnership]) -> set[frozenset[str]]:
    """Pairs of owners who partner or partnered together in any log, whatever its phase."""
    owner = {ad.id: ad.owner.casefold() for ad in ads}
    pairs: set[frozenset[str]] = set()
    for partnership in partnerships:
        people = sorted({owner[p] for p in partnership.partners if p in owner})
        pairs.update(frozenset((a, b)) for i, a in enumerate(people) for b in people[i + 1 :])
    return pairs


# --- candidates and scores ------------------------------------------------------------------


class _Matcher:
    """Inverted indexes over the open ads, and the search for one ad's best partners.

    Candidates come from set operations on the indexes (C speed): who offers what I seek,
    who seeks what I offer, then the language, place, owner and past-partner filters. Only
    the survivors are scored in Python, the mutual ones first.
    """

    def __init__(
        self, profiles: list[_Profile], partnered: set[frozenset[str]], taxonomy: Taxonomy, top: int
    ) -> None:
        self.profiles = profiles
        self.taxonomy = taxonomy
        self.top = top
        self.offered_by = _postings(
            (key, j, value) for j, p in enumerate(profiles) for key, value in p.offer_values.items()
        )
        self.sought_by = _postings(
            (key, j, p.seek_weight) for j, p in enumerate(profiles) for key in p.seeks
        )
        self.offering = {key: set(entries) for key, entries in self.offered_by.items()}
        self.seeking = {key: set(entries) for key, entries in self.sought_by.items()}
        self.speaking = _index((lang, j) for j, p in enumerate(profiles) for lang in p.languages)
        self.at_place = _index((p.place, j) for j, p in enumerate(profiles) if p.place)
        self.of_owner = _index((p.owner, j) for j, p in enumerate(profiles))
        self.remote = {j for j, p in enumerate(profiles) if p.remote}
        self.partnered = _index(
            (owner, other)
            for pair in partnered
            for owner in pair
            for other in pair
            if other != owner
        )

    def best_for(self, index: int) -> list[Suggestion]:
        me = self.profiles[index]
        if self.top < 1:
            return []
        teachers = [self.offering[key] for key in me.seeks if key in self.offering]
        learners = [self.seeking[key] for key in me.offers if key in self.seeking]
        mutual: set[int] = set().union(*(t & s for t in teachers for s in learners))
        best = self._best(me, self._eligible(me, mutual), mutual=True)
        if len(best) < self.top:
            one_way = set().union(*teachers, *learners) - mutual
            best += self._best(me, self._eligible(me, one_way), mutual=False)
        return [
            self._suggestion(me, self.profiles[j], -negative) for negative, j in best[: self.top]
        ]

    def _eligible(self, me: _Profile, candidates: set[int]) -> set[int]:
        """Shared language, same place or both remote, another owner, never partnered."""
        found: set[int] = set().union(*(candidates & self.speaking[lang] for lang in me.languages))
        here = found & self.at_place.get(me.place, set()) if me.place else set()
        found = (here | (found & self.remote)) if me.remote else here
        for owner in (me.owner, *self.partnered.get(me.owner, ())):
            found -= self.of_owner.get(owner, set())
        return found

    def _best(self, me: _Profile, candidates: set[int], *, mutual: bool) -> list[tuple[int, int]]:
        """The top candidates as (-score, index), best first; the index is in id order.

        Candidates are taken in order of their skill part, and scored in full (with the fit)
        only until no one left could reach the last place even with a perfect fit.
        """
        best: list[tuple[int, int]] = []
        for negative_skill, j in sorted(self._skill_parts(me, candidates)):
            skill = -negative_skill
            if len(best) >= self.top and _score(skill, 1.0, mutual=mutual) < -best[-1][0]:
                break  # even a perfect fit would not reach the last place
            score = _score(skill, _fit(me, self.profiles[j]), mutual=mutual)
            insort(best, (-score, j))
            del best[self.top :]
        return best

    def _skill_parts(self, me: _Profile, candidates: set[int]) -> list[tuple[float, int]]:
        """(-(how much of my goals they cover + how much of theirs I cover), index).

        Walks the index entries of my skills that lead to a candidate, so the work grows with
        the skills shared, not with every skill of every candidate.
        """
        parts = dict.fromkeys(candidates, 0.0)
        for key in me.seeks:
            offering = self.offered_by.get(key, {})
            for j in candidates & self.offering.get(key, set()):
                parts[j] += offering[j] * me.seek_weight
        for key, value in me.offer_values.items():
            seeking = self.sought_by.get(key, {})
            for j in candidates & self.seeking.get(key, set()):
                parts[j] += value * seeking[j]
        return [(-part, j) for j, part in parts.items()]

    def _suggestion(self, me: _Profile, other: _Profile, score: int) -> Suggestion:
        they_teach = _pairs(me, other, self.taxonomy)
        i_teach = _pairs(other, me, self.taxonomy)
        mutual = bool(they_teach and i_teach)
        reasons = _reasons(me, other, they_teach, i_teach, self.taxonomy)
        return Suggestion(other.ad.id, score, mutual, reasons, they_teach, i_teach)


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


def _same_place(a: _Profile, b: _Profile) -> bool:
    return bool(a.place) and a.place == b.place


def _score(skill: float, fit: float, *, mutual: bool) -> int:
    """Mutual pairs 50–100, one-way pairs 0–49; `skill` is the sum of both coverages."""
    if mutual:
        raw = MUTUAL_BASE + SKILL_POINTS * skill / 2 + FIT_POINTS_MUTUAL * fit
    else:
        raw = SKILL_POINTS * skill + FIT_POINTS_ONE_WAY * fit
    return max(0, min(100, round(raw)))


def _fit(a: _Profile, b: _Profile) -> float:
    """0–1: how well time, duration, start, format and manager support agree."""
    hours, weeks, start, formats, manager = a.fit_features
    b_hours, b_weeks, b_start, b_formats, b_manager = b.fit_features
    return (
        FIT_HOURS * _ratio(hours, b_hours)
        + FIT_WEEKS * _ratio(weeks, b_weeks)
        + FIT_START * _start_fit(abs(start - b_start))
        + FIT_FORMAT * (not formats.isdisjoint(b_formats))
        + FIT_MANAGER * (manager + b_manager) / 2
    )


def _ratio(a: float, b: float) -> float:
    return min(a, b) / max(a, b) if max(a, b) > 0 else 1.0


def _start_fit(gap_days: int) -> float:
    if gap_days <= START_SLACK_DAYS:
        return 1.0
    return max(0.0, 1 - (gap_days - START_SLACK_DAYS) / (START_LIMIT_DAYS - START_SLACK_DAYS))


# --- what the suggestion says ---------------------------------------------------------------


def _pairs(learner: _Profile, teacher: _Profile, taxonomy: Taxonomy) -> tuple[SkillPair, ...]:
    """The learner's goals the teacher offers, in the learner's order."""
    pairs = []
    for key, (seek, sought) in learner.seeks.items():
        if key in teacher.offers:
            offer, offered, _ = teacher.offers[key]
            pairs.append(
                SkillPair(
                    seek.skill,
                    offer.skill,
                    key,
                    taxonomy.display_key(key),
                    offer.level,
                    min(sought.similarity, offered.similarity),
                )
            )
    return tuple(pairs)


def _reasons(
    me: _Profile,
    other: _Profile,
    they_teach: tuple[SkillPair, ...],
    i_teach: tuple[SkillPair, ...],
    taxonomy: Taxonomy,
) -> tuple[Reason, ...]:
    reasons = [_skill_reason("they_teach", pair, taxonomy) for pair in they_teach]
    reasons += [_skill_reason("i_teach", pair, taxonomy) for pair in i_teach]
    if not (they_teach and i_teach):
        reasons.append(Reason("one_way_learn" if they_teach else "one_way_teach"))
    reasons += _commitment_reasons(me, other)  # time and engagement first: where tandems fail
    reasons.append(
        Reason("languages", (("languages", tuple(sorted(me.languages & other.languages))),))
    )
    reasons.append(_place_reason(me, other))
    reasons.append(_format_reason(me, other))
    if other.ad.manager_support:
        reasons.append(Reason("manager_both" if me.ad.manager_support else "manager"))
    return tuple(reasons)


def _skill_reason(direction: str, pair: SkillPair, taxonomy: Taxonomy) -> Reason:
    """`offers Kubernetes (expert) — you seek 'kubernetes basics'`: both spellings when they differ.

    When neither side wrote the skill's own name (`k8s` and `kube`), the reason names it too.
    """
    german = taxonomy.display_key(pair.key, "de")
    code = direction
    if pair.seek.strip().casefold() != pair.offer.strip().casefold():
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
    return Reason(code, tuple(params))


def _place_reason(me: _Profile, other: _Profile) -> Reason:
    if _same_place(me, other):
        return Reason("same_location", (("location", other.ad.location),))
    if not (me.place and other.place):
        return Reason("remote_only")
    return Reason("remote", (("location", other.ad.location), ("my_location", me.ad.location)))


def _commitment_reasons(me: _Profile, other: _Profile) -> list[Reason]:
    mine, theirs = me.ad.commitment, other.ad.commitment
    reasons = [
        Reason("hours_same", (("hours", theirs.hours_per_week),))
        if mine.hours_per_week == theirs.hours_per_week
        else Reason("hours", (("hours", theirs.hours_per_week), ("my_hours", mine.hours_per_week))),
        Reason("weeks_same", (("weeks", theirs.weeks),))
        if mine.weeks == theirs.weeks
        else Reason("weeks", (("weeks", theirs.weeks), ("my_weeks", mine.weeks))),
    ]
    start = _start_reason(me, other)
    return [*reasons, start] if start else reasons


def _start_reason(me: _Profile, other: _Profile) -> Reason | None:
    mine, theirs = me.start.isoformat(), other.start.isoformat()
    if me.start == other.start:
        return Reason("start_same", (("date", theirs),)) if me.starts_later else None
    if not other.starts_later:
        return Reason("start_now", (("my_date", mine),))
    if not me.starts_later:
        return Reason("start_later", (("date", theirs),))
    return Reason("start", (("date", theirs), ("my_date", mine)))


def _format_reason(me: _Profile, other: _Profile) -> Reason:
    shared = tuple(f for f in FORMATS if f in me.ad.formats and f in other.ad.formats)
    if shared:
        return Reason("formats", (("formats", shared),))
    return Reason(
        "formats_differ",
        (("formats", tuple(other.ad.formats)), ("my_formats", tuple(me.ad.formats))),
    )


# --- rendering reasons ----------------------------------------------------------------------


def reason_text(reason: Reason, locale: Locale) -> str:
    """The reason in the locale's language, e.g. `offers Kubernetes (expert), which you seek`."""
    params = dict(reason.params)
    shown = {
        name: _show(name, params.get(f"{name}_{locale.lang}", value), locale)
        for name, value in params.items()
    }
    return locale.t(f"reason.{reason.code}", **shown)


def _show(name: str, value: ParamValue, locale: Locale) -> str:
    if name == "level":
        return locale.t(f"level.{value}")
    if name in ("date", "my_date") and isinstance(value, str):
        return locale.date(dt.date.fromisoformat(value))
    if isinstance(value, tuple):
        if name.endswith("formats"):
            return ", ".join(locale.t(f"format.{f}") for f in value)
        return ", ".join(code.upper() for code in value)
    if isinstance(value, float):
        return locale.number(value)
    return str(value)


def suggestions_json(result: Mapping[str, Sequence[Suggestion]]) -> dict[str, Any]:
    """The contract's JSON: `{"<ad id>": [{"partner", "score", "mutual", "reasons"}, …]}`."""
    english = Locale("en")
    return {
        ident: [
            {
                "partner": s.partner,
                "score": s.score,
                "mutual": s.mutual,
                "reasons": [reason_text(r, english) for r in s.reasons],
            }
            for s in suggestions
        ]
        for ident, suggestions in result.items()
    }
