"""The matcher without its indexes: every open ad against every other, pair by pair.

It uses generator/matching/match.py's own pieces (who may meet, how well an offer covers a goal,
the fit, the score, the crowding penalty) and only replaces the search: no inverted index, no
pruning, no second search after crowding. So it must find exactly the matcher's suggestions
(tests/test_naive.py holds it to that on random markets), and the time it takes is what the
indexes save (the benchmark).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection

from generator.matching.match import (
    DEMAND_DEPTH,
    Matcher,
    Suggestion,
    _limited,
    _raw_score,
    cover,
    crowding_penalties,
    fit,
    time_gaps,
)


def naive_partners(
    matcher: Matcher, *, top: int, capacity: int | None, only: Collection[str] | None = None
) -> dict[str, list[Suggestion]]:
    """Every pair scored, crowding from a first full pass, then every pair scored again.

    `only` limits the second pass to those ad ids (a sample, for timing); crowding, when
    `capacity` is set, still needs the first pass over everyone.
    """
    crowding: dict[int, float] = {}
    if capacity is not None:
        demand = Counter(
            j
            for i in range(len(matcher.profiles))
            for _, j in naive_top(matcher, i, {}, DEMAND_DEPTH)
        )
        crowding = crowding_penalties(demand, capacity=capacity)
    matcher.crowding = crowding
    return {
        me.ad.id: [
            matcher._suggestion(me, matcher.profiles[j], shown)
            for shown, j in naive_top(matcher, i, crowding, top)
        ]
        for i, me in enumerate(matcher.profiles)
        if only is None or me.ad.id in only
    }


def naive_top(
    matcher: Matcher, index: int, crowding: dict[int, float], top: int
) -> list[tuple[float, int]]:
    """The best `top` partners of one ad, mutual ones first: (shown score, profile index)."""
    me = matcher.profiles[index]
    scored: dict[bool, list[tuple[float, float, int]]] = {True: [], False: []}
    for j, other in enumerate(matcher.profiles):
        if j == index or not matcher.can_meet(me, other):
            continue
        learning = [cover(me, key, other) for key in me.seeks]
        teaching = [cover(other, key, me) for key in other.seeks]
        learn = sum(value * me.seek_weight for value, skill in learning if skill)
        teach = sum(value * other.seek_weight for value, skill in teaching if skill)
        they_teach = any(skill for _, skill in learning)
        i_teach = any(skill for _, skill in teaching)
        if not (they_teach or i_teach):
            continue
        mutual = they_teach and i_teach
        raw = _raw_score(learn + teach, fit(me, other), mutual=mutual)
        gap = bool(time_gaps(me, other))
        shown = _limited(raw, mutual=mutual, gap=gap, crowding=crowding.get(j, 0.0))
        scored[mutual].append((-shown, -raw, j))
    best = sorted(scored[True])[:top]
    if len(best) < top:
        best += sorted(scored[False])[:top]
    return [(-shown, j) for shown, _, j in best[:top]]
