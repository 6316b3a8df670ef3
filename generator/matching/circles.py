"""Suggested circles: groups of 3–5 open ads that share a learning goal, with reasons.

Working Out Loud and lernOS circles form around a shared goal, not around a teacher: a circle
for an ad open to `wol-circle` or `lernos-circle` gathers others who seek the same skill (the
theme, resolved through the taxonomy, however it is spelled), all open to the same circle
format, all able to meet (a common language, one place or all remote, no two of one owner
or who partnered before) and with no large time gap between any two of them (the rule of
`match.time_gaps`). One member who offers the theme without seeking it may join as a teacher.

Score, 0–100: 40 points for how well everyone's time agrees (the mean pairwise fit of
`match`), 25 for how surely each member's goal is the theme, 20 for the size (4–5 people, as
both methods recommend, score full; 3 score 12), 15 for someone in the circle who teaches
the theme, weighted by level.

Fast at scale: the members come from the match indexes (who seeks or offers the theme, who
can meet me), the closest RECRUIT_POOL by fit, and are added greedily, best fit to the
circle first, so the work grows with the size of a theme, never with all pairs of ads. The
fits of a pool's candidates are computed together (`TimeFit.many`, the floats of a pair-by-pair
loop); `tests/test_naive.py` holds the pool to a scan of every ad.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import TypeVar

import numpy as np

from generator.data.model import FORMATS, Ad, Partnership
from generator.forks import Share, in_parts
from generator.matching.match import PARALLEL_ADS, Mask, Matcher, Profile, Reason
from generator.matching.skills import Taxonomy

T = TypeVar("T")
CIRCLE_FORMATS = ("wol-circle", "lernos-circle")
MIN_MEMBERS, MAX_MEMBERS = 3, 5
# How many weeks a circle runs: WOL 12 weeks, a lernOS sprint 13.
CIRCLE_WEEKS = {"wol-circle": 12, "lernos-circle": 13}
TIME_POINTS, THEME_POINTS, SIZE_POINTS, TEACHING_POINTS = 40, 25, 20, 15
SIZE_SHARE = {3: 0.6, 4: 1.0, 5: 1.0}
RECRUIT_POOL = 12  # the closest candidates by fit; a theme sought by hundreds stays fast


@dataclass(frozen=True)
class Circle:
    """A suggested circle: its members (ad ids in id order), theme and reasons."""

    members: tuple[str, ...]
    theme: str
    key: str
    score: int
    reasons: tuple[Reason, ...]
    raw: float = 0.0


def suggest_circles(
    ads: Sequence[Ad],
    partnerships: Sequence[Partnership],
    *,
    today: dt.date,
    taxonomy: Taxonomy,
    top: int = 3,
    parallel_from: int = PARALLEL_ADS,
) -> dict[str, list[Circle]]:
    """The best `top` circles for every open ad open to a circle format, keyed by ad id.

    Each circle lists the other members, not the ad itself. From `parallel_from` open ads,
    half the ads are served by a second process (each ad's circles read only the indexes).
    """
    return suggest_circles_as(
        ads,
        partnerships,
        today=today,
        taxonomy=taxonomy,
        form=list,
        top=top,
        parallel_from=parallel_from,
    )


def suggest_circles_as(
    ads: Sequence[Ad],
    partnerships: Sequence[Partnership],
    *,
    today: dt.date,
    taxonomy: Taxonomy,
    form: Callable[[list[Circle]], T],
    top: int = 3,
    parallel_from: int = PARALLEL_ADS,
) -> dict[str, T]:
    """`suggest_circles`, each ad's list in the `form` it takes in the process that formed
    it (as `match.suggest_partners_as`: JSON text for a command)."""
    finder = CircleFinder(Matcher.for_ads(ads, partnerships, today=today, taxonomy=taxonomy))
    found = _found(finder, form, top=top, parallel_from=parallel_from, firsts=False)
    return {p.ad.id: found[i][0] for i, p in enumerate(finder.profiles) if i in found}


def circles_and_firsts(
    finder: CircleFinder, *, top: int = 3, parallel_from: int = PARALLEL_ADS
) -> tuple[dict[str, list[Circle]], dict[int, list[Circle]]]:
    """`suggest_circles` over `finder`'s matcher, and by ad index each circle-open ad's best
    circle for no one in particular, as `finder.best_for(i, top=1)` finds it: the first of
    its `top`, found once for both (the pairing plan's candidates, `Planner`'s `best_circles`).
    """
    if top < 1:
        raise ValueError("the best circle is the first of at least one")
    found = _found(finder, list, top=top, parallel_from=parallel_from, firsts=True)
    suggested = {p.ad.id: found[i][0] for i, p in enumerate(finder.profiles) if i in found}
    return suggested, {i: firsts for i, (_, firsts) in found.items()}


def _found(
    finder: CircleFinder,
    form: Callable[[list[Circle]], T],
    *,
    top: int,
    parallel_from: int,
    firsts: bool,
) -> dict[int, tuple[T, list[Circle]]]:
    """By index, each circle-open ad's circles in their `form`, and with `firsts` the first
    of them for no one in particular (else an empty list)."""
    fork = len(finder.profiles) >= parallel_from
    if fork:
        finder.matcher.make_shared(skills=False)
    of_share = partial(_circles_of_share, finder, form, top=top, firsts=firsts)
    shares = in_parts(of_share, fork=fork)
    return {i: circles for share in shares for i, circles in share.items()}


def _circles_of_share(
    finder: CircleFinder,
    form: Callable[[list[Circle]], T],
    share: Share,
    *,
    top: int,
    firsts: bool,
) -> dict[int, tuple[T, list[Circle]]]:
    part, parts = share
    found = {}
    for i in range(part, len(finder.profiles), parts):
        if finder.wants_circle(finder.profiles[i]):
            best = finder.best_for(i, top=top)
            found[i] = (form([finder.as_seen_by(i, c) for c in best]), best[:1] if firsts else [])
    return found


class CircleFinder:
    """Forms circles around one ad at a time from the match indexes."""

    def __init__(self, matcher: Matcher) -> None:
        self.matcher = matcher
        self.profiles = matcher.profiles
        self.open_to_circle = matcher.column_of(
            [j for j, p in enumerate(self.profiles) if self.wants_circle(p)]
        )
        self.index_of = {p.ad.id: j for j, p in enumerate(self.profiles)}
        self._fits: dict[tuple[int, int], float] = {}
        self._themed: dict[str, Mask] = {}

    @staticmethod
    def wants_circle(profile: Profile) -> bool:
        return any(f in profile.ad.formats for f in CIRCLE_FORMATS)

    def best_for(self, index: int, *, top: int) -> list[Circle]:
        """The best circles with the ad at `index` in them, one per theme it seeks or offers."""
        me = self.profiles[index]
        if not self.wants_circle(me) or top < 1:
            return []
        found = []
        able = self.matcher.able(me)
        for key in [*me.seeks, *(k for k in me.offers if k not in me.seeks)]:
            group = self._recruit(me, key, self._pool(me, key, able))
            if len(group) >= MIN_MEMBERS:
                found.append(self.circle(group, key))
        found.sort(key=lambda c: (-c.raw, c.members))
        return found[:top]

    def as_seen_by(self, index: int, circle: Circle) -> Circle:
        """The circle from one member's side: the others as members, reasons addressed to them."""
        me = self.profiles[index]
        others = tuple(m for m in circle.members if m != me.ad.id)
        group = [self.profiles[j] for j in self._indexes(circle.members)]
        reasons = self._reasons(me, group, circle.key)
        return Circle(others, circle.theme, circle.key, circle.score, reasons, circle.raw)

    def circle(self, group: Sequence[int], key: str) -> Circle:
        """A circle of the ads at `group`, scored, with reasons for no one in particular."""
        members = sorted((self.profiles[j] for j in group), key=lambda p: p.ad.id)
        raw = self._score(members, key)
        return Circle(
            tuple(p.ad.id for p in members),
            self.matcher.taxonomy.display_key(key),
            key,
            max(0, min(100, round(raw))),
            tuple(self._shared_reasons(members, key)),
            raw,
        )

    def can_form(self, group: Sequence[int], key: str) -> bool:
        """Could these ads form a circle on `key`? The rules of `_recruit`, for a whole group."""
        members = [self.profiles[j] for j in group]
        seekers = [p for p in members if key in p.seeks]
        return (
            MIN_MEMBERS <= len(members) <= MAX_MEMBERS
            and len(members) - len(seekers) <= 1
            and all(key in p.seeks or key in p.offers for p in members)
            and all(self.wants_circle(p) for p in members)
            and bool(_common_formats(members))
            and bool(_common_languages(members))
            and all(self._compatible(a, b) for i, a in enumerate(members) for b in members[i + 1 :])
        )

    # --- forming ----------------------------------------------------------------------------

    def _pool(self, me: Profile, key: str, able: Mask) -> list[int]:
        """Who could join me on `key`: circle-open, able to meet me (`Matcher.able`), no
        large time gap; the RECRUIT_POOL best by fit (id breaks ties)."""
        found = np.flatnonzero(self._near(key) & able)
        # `able` checked language, place and owners; only the time is left to compare.
        value, gap = self.matcher.time_fit.many(me.index, found)
        found, value = found[~gap], value[~gap]
        best: list[int] = found[np.lexsort((found, -value))[:RECRUIT_POOL]].tolist()
        return best

    def _near(self, key: str) -> Mask:
        """The circle-open ads who seek or offer `key`: once per theme."""
        near = self._themed.get(key)
        if near is None:
            either = self.matcher.listed("seeking", key) | self.matcher.listed("offering", key)
            near = self._themed[key] = either & self.open_to_circle
        return near

    def _recruit(self, me: Profile, key: str, pool: list[int]) -> list[int]:
        """Add, one at a time, the candidate that fits the circle so far best (id breaks ties):
        its mean fit with the members so far, plus a little for a teacher the circle lacks.

        Who cannot join a circle cannot join it with one more member (every rule of
        `can_join` holds for all members), so the candidates only shrink, each checked
        against the newest member (me first); each one's fits are summed as members join,
        in the order `sum` over the members would add them.
        """
        group = [me.index]
        formats, languages = _circle_formats(me), me.languages
        # The pool can meet me, with no large time gap (`_pool`): left are the goal and format.
        joining = [j for j in pool if self._shares_goal_and_format(me, j, key, formats)]
        fits = {j: 0 + self._fit(me.index, j) for j in joining}
        lacks_teacher = key not in me.offers
        while joining and len(group) < MAX_MEMBERS:
            _, new = min(
                (-self._welcome(fits[j], len(group), j, key, lacks_teacher), j) for j in joining
            )
            group.append(new)
            newest = self.profiles[new]
            formats &= _circle_formats(newest)
            languages &= newest.languages
            lacks_teacher = lacks_teacher and key not in newest.offers
            joining = [
                j
                for j in joining
                if j != new and self._may_join(newest, j, key, formats, languages)
            ]
            for j in joining:
                fits[j] += self._fit(new, j)
        return group

    def _welcome(self, fits: float, members: int, j: int, key: str, lacks_teacher: bool) -> float:
        """Mean fit with the members so far, plus a little for a teacher the circle lacks."""
        teaches = lacks_teacher and key in self.profiles[j].offers
        return fits / members + (0.1 if teaches else 0.0)

    def _may_join(
        self, newest: Profile, j: int, key: str, formats: set[str], languages: frozenset[str]
    ) -> bool:
        """`can_join` for one who could join the circle before `newest` did."""
        other = self.profiles[j]
        return (
            self._shares_goal_and_format(newest, j, key, formats)
            and not languages.isdisjoint(other.languages)
            and self._compatible(newest, other)
        )

    def _shares_goal_and_format(self, newest: Profile, j: int, key: str, formats: set[str]) -> bool:
        """Does the ad at `j` seek `key` (or `newest` does, so j may teach), and share a
        circle format with the circle?"""
        other = self.profiles[j]
        return (key in other.seeks or key in newest.seeks) and not formats.isdisjoint(
            other.ad.formats
        )

    def can_join(self, group: list[int], j: int, key: str) -> bool:
        other = self.profiles[j]
        members = [self.profiles[m] for m in group]
        if key not in other.seeks and any(key not in p.seeks for p in members):
            return False  # at most one member who teaches without seeking
        return (
            bool(_common_formats([*members, other]))
            and bool(_common_languages([*members, other]))
            and all(self._compatible(p, other) for p in members)
        )

    def _fit(self, a: int, b: int) -> float:
        key = (a, b) if a < b else (b, a)
        if key not in self._fits:
            self._fits[key] = self.matcher.time_fit(*key)[0]
        return self._fits[key]

    def _compatible(self, a: Profile, b: Profile) -> bool:
        return self.matcher.can_meet(a, b) and not self.matcher.time_fit(a.index, b.index)[1]

    def _indexes(self, ids: Sequence[str]) -> list[int]:
        return [self.index_of[i] for i in ids]

    # --- scoring and reasons ----------------------------------------------------------------

    def _score(self, members: Sequence[Profile], key: str) -> float:
        pairs = [(a, b) for i, a in enumerate(members) for b in members[i + 1 :]]
        time = sum(self._fit(a.index, b.index) for a, b in pairs) / len(pairs)
        seekers = [p for p in members if key in p.seeks]
        theme = sum(p.seeks[key][1].similarity for p in seekers) / 100 / len(seekers)
        teaching = max((p.offer_values[key] for p in members if key in p.offers), default=0.0)
        return (
            TIME_POINTS * time
            + THEME_POINTS * theme
            + SIZE_POINTS * SIZE_SHARE.get(len(members), 0.0)
            + TEACHING_POINTS * teaching
        )

    def _shared_reasons(self, members: Sequence[Profile], key: str) -> list[Reason]:
        """Reasons that hold for everyone: the theme, teachers, format, language, place, time."""
        seekers = [p for p in members if key in p.seeks]
        reasons = [self._theme_reason("circle_theme_all", len(seekers), key)]
        return [*reasons, *self._common_reasons(members, key)]

    def _reasons(self, me: Profile, members: Sequence[Profile], key: str) -> tuple[Reason, ...]:
        others = [p for p in members if p is not me and key in p.seeks]
        code = "circle_theme" if key in me.seeks else "circle_theme_teach"
        reasons = [self._theme_reason(code, len(others), key)]
        reasons += self._common_reasons(members, key)
        reasons += _time_reasons(me, [p for p in members if p is not me])
        return tuple(reasons)

    def _theme_reason(self, code: str, count: int, key: str) -> Reason:
        """`2 others seek Public speaking`, one person in the singular, the skill in each
        language of the taxonomy."""
        taxonomy = self.matcher.taxonomy
        params = (
            ("count", count),
            ("skill", taxonomy.display_key(key)),
            ("skill_de", taxonomy.display_key(key, "de")),
        )
        return Reason(f"{code}_one" if count == 1 else code, params)

    def _common_reasons(self, members: Sequence[Profile], key: str) -> list[Reason]:
        reasons = []
        spellings = tuple(dict.fromkeys(p.seeks[key][0].skill for p in members if key in p.seeks))
        if len(spellings) > 1:
            reasons.append(Reason("circle_spellings", (("spelling_names", spellings),)))
        reasons += [_teacher_reason(p, key) for p in members if key in p.offers]
        if not any(key in p.offers for p in members):
            reasons.append(Reason("circle_no_teacher"))
        formats = _common_formats(members)
        reasons.append(Reason("circle_formats", (("formats", formats),)))
        languages = tuple(sorted(_common_languages(members)))
        reasons.append(Reason("circle_languages", (("languages", languages),)))
        places = {p.place for p in members}
        if len(places) == 1 and "" not in places:
            location = self.matcher.taxonomy.places.params("location", members[0].ad.location)
            reasons.append(Reason("circle_location", location))
        else:
            reasons.append(Reason("circle_remote"))
        short = _short_names(members, formats)
        if short:
            weeks = CIRCLE_WEEKS[formats[0]]
            reasons.append(Reason("circle_short", (("names", short), ("weeks", weeks))))
        return reasons


def _teacher_reason(profile: Profile, key: str) -> Reason:
    offer = profile.offers[key][0]
    params = (("name", profile.ad.name), ("offer", offer.skill), ("level", offer.level))
    return Reason("circle_teacher", params)


def _time_reasons(me: Profile, others: Sequence[Profile]) -> list[Reason]:
    hours = sorted(p.ad.commitment.hours_per_week for p in others)
    weeks = sorted(p.ad.commitment.weeks for p in others)
    mine = me.ad.commitment
    latest = max(p.start for p in [me, *others])
    return [
        _range_reason("circle_hours", hours, ("my_hours", mine.hours_per_week)),
        _range_reason("circle_weeks", weeks, ("my_weeks", mine.weeks)),
        Reason("circle_start", (("date", latest.isoformat()),)),
    ]


def _range_reason(code: str, values: Sequence[float], mine: tuple[str, float]) -> Reason:
    """`the others plan 1–2 h/week, you 1.5`, or `… plan 1 h/week …` when they agree."""
    if values[0] == values[-1]:
        return Reason(f"{code}_one", (("value", values[0]), mine))
    return Reason(code, (("low", values[0]), ("high", values[-1]), mine))


def _short_names(members: Sequence[Profile], formats: tuple[str, ...]) -> tuple[str, ...]:
    """Who plans fewer weeks than the circle format runs."""
    weeks = CIRCLE_WEEKS[formats[0]]
    return tuple(p.ad.name for p in members if p.ad.commitment.weeks < weeks)


def _circle_formats(profile: Profile) -> set[str]:
    return {f for f in CIRCLE_FORMATS if f in profile.ad.formats}


def _common_formats(members: Sequence[Profile]) -> tuple[str, ...]:
    return tuple(
        f for f in FORMATS if f in CIRCLE_FORMATS and all(f in p.ad.formats for p in members)
    )


def _common_languages(members: Sequence[Profile]) -> frozenset[str]:
    return frozenset.intersection(*(p.languages for p in members))
