"""The matcher without its indexes: every open ad against every other, pair by pair.

It uses generator/match.py's own pieces (the profile of an ad, who partnered with whom, the
fit and the score) and only replaces the search: no inverted index, no set operations, no
pruning. So it must find exactly the matcher's suggestions, and the time it takes is what
the indexes save. A test compares the two on small inputs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from generator.match import _fit, _partnered, _Profile, _profile, _score
from generator.model import Ad, Partnership
from generator.skills import Taxonomy

Ranked = tuple[str, int, bool]
"""(partner id, score, mutual): what decides a suggestion's place."""


def open_profiles(ads: Sequence[Ad], *, today: dt.date, taxonomy: Taxonomy) -> list[_Profile]:
    """The open ads as the matcher sees them, in id order."""
    open_ads = sorted((ad for ad in ads if ad.is_open(today)), key=lambda ad: ad.id)
    resolved = taxonomy.resolver.resolve_all(
        [seek.skill for ad in open_ads for seek in ad.seeks]
        + [offer.skill for ad in open_ads for offer in ad.offers]
    )
    return [_profile(i, ad, resolved, today) for i, ad in enumerate(open_ads)]


def naive_suggestions(
    profiles: Sequence[_Profile],
    ads: Sequence[Ad],
    partnerships: Sequence[Partnership],
    *,
    only: Sequence[str] | None = None,
    top: int = 5,
) -> dict[str, list[Ranked]]:
    """The best `top` partners of each open ad (or of the ids in `only`), pair by pair."""
    partnered = _partnered(ads, partnerships)
    wanted = set(only) if only is not None else None
    return {
        me.ad.id: best_pairwise(me, profiles, partnered, top=top)
        for me in profiles
        if wanted is None or me.ad.id in wanted
    }


def best_pairwise(
    me: _Profile, profiles: Sequence[_Profile], partnered: set[frozenset[str]], *, top: int
) -> list[Ranked]:
    ranked: list[tuple[int, int, bool]] = []
    for other in profiles:
        if not _may_meet(me, other, partnered):
            continue
        they_teach = any(key in other.offers for key in me.seeks)
        i_teach = any(key in other.seeks for key in me.offers)
        if not (they_teach or i_teach):
            continue
        mutual = they_teach and i_teach
        score = _score(_skill_part(me, other), _fit(me, other), mutual=mutual)
        ranked.append((-score, other.index, mutual))
    ranked.sort()
    return [(profiles[j].ad.id, -negative, mutual) for negative, j, mutual in ranked[:top]]


def _may_meet(me: _Profile, other: _Profile, partnered: set[frozenset[str]]) -> bool:
    """A shared language, the same place or both remote, another person, never partners."""
    if me.languages.isdisjoint(other.languages) or me.owner == other.owner:
        return False
    if not ((me.place and me.place == other.place) or (me.remote and other.remote)):
        return False
    return frozenset((me.owner, other.owner)) not in partnered


def _skill_part(me: _Profile, other: _Profile) -> float:
    """How much of my goals they cover plus how much of theirs I cover, in the matcher's order."""
    part = 0.0
    for key in me.seeks:
        if key in other.offers:
            part += other.offer_values[key] * me.seek_weight
    for key, value in me.offer_values.items():
        if key in other.seeks:
            part += value * other.seek_weight
    return part
