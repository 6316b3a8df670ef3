"""The fast matcher and circle finder against naive loops over the same scoring.

The fast paths (inverted indexes, pruning by the skill part, one search before crowding,
cached fits) must not change a single suggestion: on seeded random markets with places,
languages, owners, past partners, time gaps and circle formats, every list is compared with
a loop over every pair of ads.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import random
from collections import Counter
from collections.abc import Callable
from functools import partial
from pathlib import Path

import networkx as nx
import numpy as np
import pytest

from benchmarks.naive import naive_partners
from generator import pipeline
from generator.data.model import Ad, Commitment, Offer, Partnership, Seek
from generator.gathered import Gathered
from generator.matching.circles import (
    MAX_MEMBERS,
    Circle,
    CircleFinder,
    circles_and_firsts,
    suggest_circles,
    suggest_circles_as,
)
from generator.matching.match import (
    MUTUAL_BASE,
    NO_BOUND,
    SEARCH_SLACK,
    Matcher,
    Profile,
    Reason,
    _cut,
    _cuts,
    _pairs,
    _raw_score,
    _reasons,
    cover,
    crowding_penalties,
    fit,
    suggest_partners,
    suggest_partners_as,
    time_gaps,
)
from generator.matching.pairings import Planner, Proposal, _components, good_pairs, plan_pairings
from generator.matching.present import (
    circle_list_json,
    circles_json,
    circles_json_text,
    encoded_words,
    json_text,
    lists_json_text,
    pairings_json,
    pairings_json_text,
    suggestion_list_json,
    suggestions_json,
    suggestions_json_text,
    word_ahead,
    write_ahead,
)
from generator.matching.skills import Skill, Taxonomy, load_taxonomy

DATA = Path(__file__).parent / "data" / "pairings"
TODAY = dt.date(2027, 3, 1)
SKILLS = ["Python", "SQL", "Excel", "k8s", "Kubernetes", "Verhandlungsführung", "Scrum", "Figma"]
# What people write: a qualifier that is a skill of its own, and level words in a seek or goal.
WRITTEN = ["Java (Spring Boot)", "Spring Boot", "Java", "Python für Fortgeschrittene"]
GOALS = [None, None, "Advanced pivot tables", "Grundlagen fürs Reporting", "Expertin werden"]
PLACES = ["Berlin", "berlin ", "Köln", "Koeln", "Remote"]
FORMATS = [("tandem",), ("tandem", "wol-circle"), ("wol-circle",), ("lernos-circle",)]
CIRCLE_FORMATS = [("wol-circle",), ("tandem", "wol-circle", "lernos-circle")]


def random_market(
    seed: int, size: int, *, formats: list[tuple[str, ...]] = FORMATS
) -> tuple[list[Ad], list[Partnership]]:
    rng = random.Random(seed)
    ads = [_random_ad(rng, n, formats) for n in range(size)]
    logs = [
        Partnership(
            id=f"log-{n}",
            path=f"partnerships/log-{n}.yml",
            title="Earlier",
            format="tandem",
            partners=tuple(ad.id for ad in rng.sample(ads, 2)),
            phase="closed",
            started=TODAY - dt.timedelta(days=200),
        )
        for n in range(size // 6)
    ]
    return ads, logs


def _random_ad(rng: random.Random, n: int, formats: list[tuple[str, ...]]) -> Ad:
    skills = SKILLS + WRITTEN
    offers = rng.sample(skills, rng.choice([1, 2, 3]))
    seeks = rng.sample([s for s in skills if s not in offers], rng.choice([1, 2]))
    start = rng.choice([None, None, TODAY + dt.timedelta(days=rng.choice([10, 60, 120, 270]))])
    return Ad(
        id=f"ad-{n:03d}",
        path=f"ads/ad-{n:03d}.yml",
        name=f"Person {n}",
        owner=f"p{rng.randrange(int(n * 0.9) + 1)}",  # some people post two ads
        location=rng.choice(PLACES),
        languages=tuple(rng.sample(["de", "en", "fr"], rng.choice([1, 1, 2]))),
        offers=tuple(Offer(s, rng.choice(["basic", "advanced", "expert"])) for s in offers),
        seeks=tuple(Seek(s, rng.choice(GOALS)) for s in seeks),
        commitment=Commitment(rng.choice([0.5, 1, 2, 4, 8]), rng.choice([4, 8, 12, 26])),
        posted=TODAY - dt.timedelta(days=rng.choice([0, 5, 30])),
        expires=TODAY + dt.timedelta(days=90),
        status=rng.choice(["open"] * 9 + ["paused"]),
        contact="@p",
        remote=rng.random() < 0.7,
        formats=rng.choice(formats),
        available_from=start,
        manager_support=rng.random() < 0.5,
    )


@pytest.fixture(scope="module")
def taxonomy() -> Taxonomy:
    listed = load_taxonomy(DATA).skills
    return Taxonomy(
        (*listed, Skill("java", "Java", "Java"), Skill("spring-boot", "Spring Boot", "Spring Boot"))
    )


# --- partners -------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(12))
def test_partners_equal_the_naive_loop(taxonomy: Taxonomy, seed: int) -> None:
    ads, logs = random_market(seed, 60)
    for top, capacity in ((5, 3), (1, 3), (3, None), (8, 2)):
        fast = suggest_partners(
            ads, logs, today=TODAY, taxonomy=taxonomy, top=top, capacity=capacity
        )
        matcher = Matcher.for_ads(ads, logs, today=TODAY, taxonomy=taxonomy)
        assert fast == naive_partners(matcher, top=top, capacity=capacity), (seed, top)


ALONE, IN_TWO = 10**9, 0  # `parallel_from`: never a second process, always one


@pytest.mark.parametrize("seed", range(4))
def test_partners_are_the_same_searched_in_two_processes(taxonomy: Taxonomy, seed: int) -> None:
    """Half the ads searched in a forked process, crowding met half-way: the same lists."""
    ads, logs = random_market(500 + seed, 60)
    for top, capacity in ((5, 3), (3, None), (8, 2)):
        found = [
            suggest_partners(
                ads,
                logs,
                today=TODAY,
                taxonomy=taxonomy,
                top=top,
                capacity=capacity,
                parallel_from=parallel,
            )
            for parallel in (ALONE, IN_TWO)
        ]
        assert found[0] == found[1] and list(found[0]) == list(found[1]), (seed, top)


@pytest.mark.parametrize("seed", range(4))
def test_remembered_reasons_equal_reasons_made_afresh(taxonomy: Taxonomy, seed: int) -> None:
    """Each reason is made once per key of what decides it; made again for every suggestion,
    with the parameters' types, they are the same."""
    ads, logs = random_market(600 + seed, 60)
    matcher = Matcher.for_ads(ads, logs, today=TODAY, taxonomy=taxonomy)
    found = suggest_partners(ads, logs, today=TODAY, taxonomy=taxonomy, parallel_from=ALONE)
    index = {p.ad.id: p for p in matcher.profiles}
    compared = 0
    for ident, suggestions in found.items():
        me = index[ident]
        for s in suggestions:
            other = index[s.partner]
            fresh = _reasons(
                me, other, _pairs(me, other, taxonomy), _pairs(other, me, taxonomy), taxonomy
            )
            given = tuple(r for r in s.reasons if r.code != "crowded")
            assert given == fresh and _typed(given) == _typed(fresh), (ident, s.partner)
            compared += 1
    assert compared > 100


@pytest.mark.parametrize("seed", range(4))
def test_a_search_without_slack_searched_again_gives_the_same_lists(
    taxonomy: Taxonomy, seed: int
) -> None:
    """The first search scores enough that crowding never makes it search again; with no
    slack it must, and what it finds then is what one search with crowding finds."""
    ads, logs = random_market(700 + seed, 60)
    matcher = Matcher.for_ads(ads, logs, today=TODAY, taxonomy=taxonomy)
    everyone = range(len(matcher.profiles))
    first = {i: matcher.scored(i, top=5, crowding={}, slack=0.0) for i in everyone}
    demand = Counter(j for i in everyone for _, j in matcher.ranked(i, first[i], top=3))
    matcher.crowding = crowding_penalties(demand, capacity=2)
    again = 0
    for i in everyone:
        again += not matcher._ranked_bands(first[i], top=5)[1]
        assert matcher.ranked(i, first[i], top=5) == matcher.top_scores(i, top=5), (seed, i)
    assert again > 0


@pytest.mark.parametrize("seed", range(4))
def test_all_cuts_at_once_equal_the_loop_search_by_search(seed: int) -> None:
    """`_cuts` (all searches, by halving) against `_cut` (one loop each): searches empty,
    shorter than their top, of tied ceilings and scores, each with its own top, and scores
    within the slack of the ceilings, so that some stop early, some late, some never."""
    rng = np.random.default_rng(seed)
    sizes = rng.integers(0, 40, size=300)
    sizes[:5] = 0
    tops = rng.integers(1, 8, size=300)
    seat = np.repeat(np.arange(300), sizes)
    ceiling = np.round(rng.uniform(50, 100, size=len(seat)) * 2) / 2  # ties
    ceiling = -np.sort(-ceiling + seat * 1000.0) + seat * 1000.0  # falling in each search
    shown = np.minimum(ceiling, np.round(ceiling - rng.exponential(6, size=len(seat)), 1))
    slack = float(rng.choice([0.0, 2.5, SEARCH_SLACK]))
    searched, bounds = _cuts(ceiling, shown, seat, sizes, tops, slack)
    ends = np.cumsum(sizes)
    expected = [
        _cut(
            ceiling[end - size : end].tolist(), (-shown[end - size : end]).tolist(), [], top, slack
        )
        for size, end, top in zip(sizes.tolist(), ends.tolist(), tops.tolist(), strict=True)
    ]
    assert list(zip(searched.tolist(), bounds.tolist(), strict=True)) == expected
    stops = Counter(
        "all" if n == size else "early" if n <= top + 2 else "late"
        for (n, _), size, top in zip(expected, sizes.tolist(), tops.tolist(), strict=True)
    )
    assert stops["all"] > 5 and stops["early"] > 5 and stops["late"] > 5, stops


@pytest.mark.parametrize("seed", range(6))
def test_all_ads_searched_at_once_equal_each_ad_searched_alone(
    taxonomy: Taxonomy, seed: int
) -> None:
    """`Matcher.scored_all` (one array of every ad's candidates, one sort) gives each ad the
    very bands `Matcher.scored` gives it alone: the same floats, order, cut and bound. Some
    ads have up to seven offers and five goals, so the slots of the array differ by ad."""
    ads, logs = random_market(900 + seed, 80)
    rng = random.Random(seed)
    ads = [_more_skills(rng, ad) if rng.random() < 0.4 else ad for ad in ads]
    matcher = Matcher.for_ads(ads, logs, today=TODAY, taxonomy=taxonomy)
    everyone = range(len(matcher.profiles))
    cut = one_way = 0
    for top, slack in ((5, SEARCH_SLACK), (1, 0.0), (3, 2.5), (8, SEARCH_SLACK), (0, 0.0)):
        alone = {i: matcher.scored(i, top=top, crowding={}, slack=slack) for i in everyone}
        assert matcher.scored_all(everyone, top=top, slack=slack) == alone, (seed, top)
        half = range(1, len(everyone), 2)  # the second process's share
        assert matcher.scored_all(half, top=top, slack=slack) == {i: alone[i] for i in half}
        cut += sum(s.mutual.bound != NO_BOUND for s in alone.values())
        one_way += sum(s.one_way.searched > 0 for s in alone.values())
    assert cut > 0 and one_way > 0
    assert any(len(p.needs) >= 4 and len(p.offers) >= 4 for p in matcher.profiles)


@pytest.mark.parametrize("size", [0, 1, 2, 3])
def test_tiny_markets_searched_at_once_equal_each_ad_searched_alone(
    taxonomy: Taxonomy, size: int
) -> None:
    """No open ad, one, or a few: no pairs at all is an array too (and the split in two
    processes leaves one share empty)."""
    ads, logs = random_market(5, size)
    matcher = Matcher.for_ads(ads, logs, today=TODAY, taxonomy=taxonomy)
    for share in (range(len(matcher.profiles)), range(1, len(matcher.profiles), 2)):
        alone = {i: matcher.scored(i, top=5, crowding={}, slack=SEARCH_SLACK) for i in share}
        assert matcher.scored_all(share, top=5, slack=SEARCH_SLACK) == alone
    assert suggest_partners(ads, logs, today=TODAY, taxonomy=taxonomy, parallel_from=IN_TWO) == (
        suggest_partners(ads, logs, today=TODAY, taxonomy=taxonomy, parallel_from=ALONE)
    )


def _more_skills(rng: random.Random, ad: Ad) -> Ad:
    """The ad with four to seven offers and four or five goals, from the markets' skills."""
    skills = SKILLS + WRITTEN
    offers = rng.sample(skills, rng.choice([4, 5, 7]))
    seeks = rng.sample([s for s in skills if s not in offers], rng.choice([4, 5]))
    return dataclasses.replace(
        ad,
        offers=tuple(Offer(s, rng.choice(["basic", "advanced", "expert"])) for s in offers),
        seeks=tuple(Seek(s, rng.choice(GOALS)) for s in seeks),
    )


def _typed(reasons: tuple[Reason, ...]) -> list[tuple[str, ...]]:
    return [tuple(type(value).__name__ for _, value in r.params) for r in reasons]


def test_the_markets_exercise_every_branch(taxonomy: Taxonomy) -> None:
    """The random markets hold what the fast paths skip: crowding, one-way, gaps, repeats."""
    ads, logs = random_market(0, 60)
    found = suggest_partners(ads, logs, today=TODAY, taxonomy=taxonomy)
    codes = Counter(r.code for lists in found.values() for s in lists for r in s.reasons)
    assert codes["crowded"] and codes["one_way_learn"] and codes["start_gap"]
    assert codes["engagement_gap"] and codes["remote"] and codes["same_location"]
    assert codes["they_teach_within"] and codes["i_teach_within"]
    assert codes["they_teach_below"] and codes["i_teach_below"]
    assert any(s.mutual for lists in found.values() for s in lists)


def pairwise_order(
    matcher: Matcher, me: Profile, candidates: set[int], *, mutual: bool
) -> list[tuple[float, float, int]]:
    """The order of search, candidate by candidate: each skill part summed from `cover`, goal
    by goal, in the order the matcher's columns add them (mine, then theirs that I teach)."""
    rows = []
    for j in candidates:
        other = matcher.profiles[j]
        skill = 0.0
        for key in (*me.plain_needs, *(key for key, _ in me.other_needs)):
            skill += cover(me, key, other)[0] * me.seek_weight
        plain = [k for k in me.offer_values if k in other.needs and not other.needs[k].within]
        qualified = sorted(
            key
            for key, need in other.needs.items()
            if need.within is not None and (key in me.offers or need.within in me.offers)
        )
        for key in (*plain, *qualified):
            skill += cover(other, key, me)[0] * other.seek_weight
        best = matcher.time_fit.best_case(me.index, matcher.time_fit.kind[j])[0]
        rows.append((-_raw_score(skill, best, mutual=mutual), -skill, j))
    return sorted(rows)


@pytest.mark.parametrize("seed", range(6))
def test_the_order_of_search_equals_a_pair_by_pair_sum(taxonomy: Taxonomy, seed: int) -> None:
    """The skill parts and ceilings, computed for all candidates at once, are the very floats
    a loop over the candidates gives, so the search visits them in the same order."""
    ads, logs = random_market(200 + seed, 60)
    matcher = Matcher.for_ads(ads, logs, today=TODAY, taxonomy=taxonomy)
    for me in matcher.profiles:
        mutual, one_way = matcher.candidates(me)
        for found, is_mutual in ((mutual, True), (one_way, False)):
            expected = pairwise_order(matcher, me, set(found.tolist()), mutual=is_mutual)
            assert matcher._order(me, found, is_mutual) == expected, (seed, me.ad.id)


@pytest.mark.parametrize("seed", range(4))
def test_candidates_are_who_can_meet_and_teach_or_learn(taxonomy: Taxonomy, seed: int) -> None:
    """The columns of `Matcher.candidates` give, pair by pair, `can_meet` and a skill one of
    the two can teach the other (both ways: mutual; one way: one-way)."""
    ads, logs = random_market(300 + seed, 60)
    matcher = Matcher.for_ads(ads, logs, today=TODAY, taxonomy=taxonomy)
    for me in matcher.profiles:
        mutual, one_way = matcher.candidates(me)
        expected: dict[bool, list[int]] = {True: [], False: []}
        for j, other in enumerate(matcher.profiles):
            teaches = any(cover(me, key, other)[1] for key in me.needs)
            learns = any(cover(other, key, me)[1] for key in other.needs)
            if matcher.can_meet(me, other) and (teaches or learns):
                expected[teaches and learns].append(j)
        assert (mutual.tolist(), one_way.tolist()) == (expected[True], expected[False])


@pytest.mark.parametrize("seed", range(4))
def test_fits_of_many_equal_the_fit_of_each_pair(taxonomy: Taxonomy, seed: int) -> None:
    """`TimeFit.many`, which the circle search uses, gives the very floats and gaps of a
    call per pair."""
    ads, logs = random_market(400 + seed, 60, formats=FORMATS)
    times = Matcher.for_ads(ads, logs, today=TODAY, taxonomy=taxonomy).time_fit
    everyone = np.arange(len(times.profiles))
    for a in everyone.tolist():
        values, gaps = times.many(a, everyone)
        assert list(zip(values.tolist(), gaps.tolist(), strict=True)) == [
            times(a, b) for b in everyone.tolist()
        ]


# --- circles --------------------------------------------------------------------------------


def naive_circles(matcher: Matcher, *, top: int) -> dict[str, list[Circle]]:
    """For each circle-open ad and theme: every candidate scanned, the greedy rule applied."""
    finder = CircleFinder(matcher)
    result = {}
    for i, me in enumerate(matcher.profiles):
        if not finder.wants_circle(me):
            continue
        found = []
        for key in [*me.seeks, *(k for k in me.offers if k not in me.seeks)]:
            group = _naive_recruit(finder, me, key)
            if len(group) >= 3:
                found.append(finder.circle(group, key))
        found.sort(key=lambda c: (-c.raw, c.members))
        result[me.ad.id] = [finder.as_seen_by(i, c) for c in found[:top]]
    return result


def _naive_recruit(finder: CircleFinder, me: Profile, key: str) -> list[int]:
    pool = sorted(
        (-fit(me, other), j)
        for j, other in enumerate(finder.profiles)
        if j != me.index
        and finder.wants_circle(other)
        and (key in other.seeks or key in other.offers)
        and finder.matcher.can_meet(me, other)
        and not time_gaps(me, other)
    )[:12]
    group = [me.index]
    while len(group) < MAX_MEMBERS:
        joining = [
            (-_welcome(finder, group, j, key), j)
            for _, j in pool
            if j not in group and finder.can_join(group, j, key)
        ]
        if not joining:
            break
        group.append(min(joining)[1])
    return group


def _welcome(finder: CircleFinder, group: list[int], j: int, key: str) -> float:
    profiles = finder.profiles
    mean_fit = sum(fit(profiles[m], profiles[j]) for m in group) / len(group)
    lacks_teacher = not any(key in profiles[m].offers for m in group)
    return mean_fit + (0.1 if lacks_teacher and key in profiles[j].offers else 0.0)


@pytest.mark.parametrize("seed", range(12))
def test_circles_equal_the_naive_loop(taxonomy: Taxonomy, seed: int) -> None:
    ads, logs = random_market(100 + seed, 60, formats=FORMATS if seed % 2 else CIRCLE_FORMATS)
    for top in (1, 3):
        fast = suggest_circles(ads, logs, today=TODAY, taxonomy=taxonomy, top=top)
        matcher = Matcher.for_ads(ads, logs, today=TODAY, taxonomy=taxonomy)
        assert fast == naive_circles(matcher, top=top), (seed, top)


@pytest.mark.parametrize("seed", range(4))
def test_circles_are_the_same_formed_in_two_processes(taxonomy: Taxonomy, seed: int) -> None:
    ads, logs = random_market(700 + seed, 60, formats=FORMATS if seed % 2 else CIRCLE_FORMATS)
    found = [
        suggest_circles(ads, logs, today=TODAY, taxonomy=taxonomy, parallel_from=parallel)
        for parallel in (ALONE, IN_TWO)
    ]
    assert found[0] == found[1] and list(found[0]) == list(found[1])
    assert any(found[0].values())


def test_the_circle_markets_form_circles(taxonomy: Taxonomy) -> None:
    sizes: Counter[int] = Counter()
    for seed in range(100, 112):
        ads, logs = random_market(seed, 60, formats=CIRCLE_FORMATS)
        found = suggest_circles(ads, logs, today=TODAY, taxonomy=taxonomy)
        sizes.update(len(c.members) + 1 for circles in found.values() for c in circles)
    assert sizes[3] and sizes[4] and sizes[5], sizes


# --- the pairing plan -----------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(3))
def test_the_plan_is_the_same_with_the_matching_in_a_second_process(
    taxonomy: Taxonomy, seed: int
) -> None:
    """The first matching of a large plan runs in a forked process beside the circle search;
    forced here on small markets, it must give the plan of one process exactly."""
    ads, logs = random_market(300 + seed, 60, formats=FORMATS if seed % 2 else CIRCLE_FORMATS)
    matcher = Matcher.for_ads(ads, logs, today=TODAY, taxonomy=taxonomy)
    alone = Planner(matcher, parallel_from=10**9)
    beside = Planner(matcher, parallel_from=0)
    assert alone.pairs and beside.plan() == alone.plan()
    assert beside.forked and not alone.forked
    solved = {ads: sorted(pairs) for ads, pairs in alone._solved.items()}
    assert {ads: sorted(pairs) for ads, pairs in beside._solved.items()} == solved


@pytest.mark.parametrize(("seed", "prepare"), [(0, word_ahead), (1, write_ahead), (2, word_ahead)])
def test_the_proposals_made_ahead_are_the_plans_own(
    taxonomy: Taxonomy, seed: int, prepare: Callable[[list[Proposal]], None]
) -> None:
    """The second matching runs beside the wording (or writing) of the proposals it will
    most likely keep (forced here): the plan, its JSON and its text are those of one
    process, and what was handed over ahead is made once, the plan's own proposal wherever
    the plan has it."""
    ads, logs = random_market(600 + seed, 60, formats=FORMATS if seed % 2 else CIRCLE_FORMATS)
    matcher = Matcher.for_ads(ads, logs, today=TODAY, taxonomy=taxonomy)
    alone, beside = Planner(matcher, parallel_from=10**9), Planner(matcher, parallel_from=0)
    ahead: list[Proposal] = []

    def meanwhile(proposals: list[Proposal]) -> None:
        ahead.extend(proposals)
        prepare(proposals)

    plan = beside.proposals(beside.plan(meanwhile=meanwhile))
    expected = alone.proposals(alone.plan(meanwhile=meanwhile))
    assert plan == expected and pairings_json_text(plan) == pairings_json_text(expected)
    assert pairings_json_text(plan) == json_text(pairings_json(plan))
    assert ahead, "no second matching: the market no longer tests this"
    by_members = {p.members: p for p in plan}
    kept = [p for p in ahead if p.members in by_members]
    assert len(kept) > len(ahead) / 2
    assert all(by_members[p.members] is p for p in kept)


def networkx_components(
    pairs: dict[tuple[int, int], float],
) -> list[tuple[tuple[int, ...], list[tuple[int, int, int]]]]:
    """The components of the good-pair graph as networkx finds them, pairs sorted with their
    weights: the reference for `pairings._components`."""
    graph: nx.Graph[int] = nx.Graph()
    graph.add_edges_from(pairs)
    components = sorted(tuple(sorted(ads)) for ads in nx.connected_components(graph))
    component_of = {j: k for k, ads in enumerate(components) for j in ads}
    edges: list[list[tuple[int, int, int]]] = [[] for _ in components]
    for (a, b), w in sorted(pairs.items()):
        edges[component_of[a]].append((a, b, round(w * 1000)))
    return list(zip(components, edges, strict=True))


@pytest.mark.parametrize("seed", range(20))
def test_components_are_those_networkx_finds(seed: int) -> None:
    """Random sparse graphs over scattered ad indexes (many components, ads in no pair,
    scores that tie), the pairs in random order, and an ad paired with itself."""
    rng = random.Random(seed)
    ads = rng.sample(range(3 * 200), rng.choice([2, 20, 200]))
    pairs: dict[tuple[int, int], float] = {}
    for _ in range(rng.randrange(1, 3 * len(ads))):
        a, b = sorted(rng.sample(ads, 2))
        pairs[a, b] = rng.choice([55.0, 61.25, 70.0004, rng.uniform(40, 100)])
    if seed % 4 == 0:
        pairs[ads[0], ads[0]] = 50.0
    shuffled = dict(rng.sample(list(pairs.items()), len(pairs)))
    assert _components(shuffled) == networkx_components(pairs)
    assert _components({}) == []


@pytest.mark.parametrize("seed", range(6))
def test_mutual_scores_rank_as_match_and_score_as_the_naive_loop(
    taxonomy: Taxonomy, seed: int
) -> None:
    """The plan's good pairs (`Matcher.mutual_scores`, every mutual candidate scored at once)
    in the order `tandem match` ranks its mutual partners, with or without crowding, and the
    unrounded score and time gap of each as a pair-by-pair loop finds them."""
    ads, logs = random_market(1000 + seed, 60)
    matcher = Matcher.for_ads(ads, logs, today=TODAY, taxonomy=taxonomy)
    if seed % 2:
        matcher.crowding = {j: float(1 + j % 7) for j in range(0, len(matcher.profiles), 3)}
    found = 0
    for i, me in enumerate(matcher.profiles):
        for top in (1, 4, 10):
            best = matcher.mutual_scores(i, top=top)
            ranked = [j for shown, j in matcher.top_scores(i, top=top) if shown >= MUTUAL_BASE]
            assert [j for j, _, _ in best] == ranked, (i, top)
            for j, raw, gap in best:
                other = matcher.profiles[j]
                skill = sum(cover(me, key, other)[0] * me.seek_weight for key in me.seeks) + sum(
                    cover(other, key, me)[0] * other.seek_weight for key in other.seeks
                )
                assert raw == pytest.approx(_raw_score(skill, fit(me, other), mutual=True))
                assert gap == bool(time_gaps(me, other))
            found += len(best)
    assert found > 100, "too few mutual pairs: the market no longer tests this"


@pytest.mark.parametrize("seed", range(3))
def test_good_pairs_are_the_same_found_in_two_processes(taxonomy: Taxonomy, seed: int) -> None:
    ads, logs = random_market(800 + seed, 60)
    matcher = Matcher.for_ads(ads, logs, today=TODAY, taxonomy=taxonomy)
    alone = good_pairs(matcher)
    assert alone and good_pairs(matcher, fork=True) == alone


@pytest.mark.parametrize("seed", range(2))
def test_candidate_circles_are_the_same_found_in_two_processes(
    taxonomy: Taxonomy, seed: int
) -> None:
    ads, logs = random_market(850 + seed, 90, formats=CIRCLE_FORMATS)
    planner = Planner(Matcher.for_ads(ads, logs, today=TODAY, taxonomy=taxonomy))
    alone = planner._candidate_circles()
    assert len(alone) > 5 and planner._candidate_circles(fork=True) == alone


@pytest.mark.parametrize("seed", range(4))
def test_the_plans_candidate_circles_are_the_first_of_the_circles_suggested(
    taxonomy: Taxonomy, seed: int
) -> None:
    """The build finds the circles once (`circles_and_firsts`) and hands each ad's first,
    for no one in particular, to the plan: the same candidates, in the same order, and the
    same plan as the plan's own search (`best_for(i, top=1)`) gives."""
    ads, logs = random_market(870 + seed, 90, formats=FORMATS if seed % 2 else CIRCLE_FORMATS)
    matcher = Matcher.for_ads(ads, logs, today=TODAY, taxonomy=taxonomy)
    suggested, best = circles_and_firsts(CircleFinder(matcher))
    alone = suggest_circles(ads, logs, today=TODAY, taxonomy=taxonomy)
    assert list(suggested.items()) == list(alone.items())
    own = Planner(matcher)
    given = Planner(matcher, pairs=own.pairs, best_circles=lambda: best)
    candidates = own._candidate_circles()
    assert len(candidates) > 5, "too few circles: the market no longer tests this"
    assert given._candidate_circles() == candidates
    assert given.proposals(given.plan()) == own.proposals(own.plan())


@pytest.mark.parametrize(("seed", "beside"), [(0, False), (1, True), (2, True)])
def test_one_matcher_for_the_site_gives_what_each_command_gives(
    taxonomy: Taxonomy, seed: int, beside: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The site's partners, circles and plan share one matcher (and the plan its good pairs
    and best circles, `pipeline.matched_for_site`), in one process or with the plan in a
    second: each is what `tandem match`, `circles` and `pairings` find on their own."""
    ads, logs = random_market(890 + seed, 90, formats=FORMATS if seed % 2 else CIRCLE_FORMATS)
    if beside:
        monkeypatch.setattr(pipeline, "PLAN_BESIDE_FROM", 1)
    data = Gathered(tuple(ads), tuple(logs), taxonomy, {}, TODAY)
    site = pipeline.matched_for_site(data)
    on_their_own = (
        suggest_partners(ads, logs, today=TODAY, taxonomy=taxonomy),
        suggest_circles(ads, logs, today=TODAY, taxonomy=taxonomy),
    )
    assert [list(site.suggestions.items()), list(site.circles.items())] == [
        list(found.items()) for found in on_their_own
    ]
    assert site.plan == plan_pairings(ads, logs, today=TODAY, taxonomy=taxonomy)
    assert any(len(p.members) > 2 for p in site.plan), "no circle: the market no longer tests this"


# --- the commands' JSON ---------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(3))
def test_the_json_text_is_what_json_dumps_writes(taxonomy: Taxonomy, seed: int) -> None:
    """The commands write JSON with `json_text` from reasons encoded once; `json.dumps` of
    the same shapes, indented, is the reference, byte for byte."""
    ads, logs = random_market(900 + seed, 60, formats=FORMATS if seed % 2 else CIRCLE_FORMATS)
    partners = suggest_partners(ads, logs, today=TODAY, taxonomy=taxonomy)
    circles = suggest_circles(ads, logs, today=TODAY, taxonomy=taxonomy)
    plan = plan_pairings(ads, logs, today=TODAY, taxonomy=taxonomy)
    for fast, shape in (
        (suggestions_json_text(partners), suggestions_json(partners)),
        (circles_json_text(circles), circles_json(circles)),
        (pairings_json_text(plan), pairings_json(plan)),
    ):
        assert fast == json.dumps(shape, indent=2, ensure_ascii=False)


@pytest.mark.parametrize("parallel", [ALONE, IN_TWO])
def test_lists_written_where_they_are_found_make_the_same_json(
    taxonomy: Taxonomy, parallel: int
) -> None:
    """`tandem match` and `tandem circles` with `--format json` have each process write its
    lists: the same bytes."""
    ads, logs = random_market(950, 60)
    form = partial(suggestion_list_json, words=encoded_words())
    lists = suggest_partners_as(
        ads, logs, today=TODAY, taxonomy=taxonomy, form=form, parallel_from=parallel
    )
    partners = suggest_partners(ads, logs, today=TODAY, taxonomy=taxonomy)
    assert lists_json_text(lists) == json.dumps(
        suggestions_json(partners), indent=2, ensure_ascii=False
    )
    ads, logs = random_market(951, 60, formats=CIRCLE_FORMATS)
    form_circles = partial(circle_list_json, words=encoded_words())
    circle_lists = suggest_circles_as(
        ads, logs, today=TODAY, taxonomy=taxonomy, form=form_circles, parallel_from=parallel
    )
    circles = suggest_circles(ads, logs, today=TODAY, taxonomy=taxonomy)
    expected = json.dumps(circles_json(circles), indent=2, ensure_ascii=False)
    assert any(circles.values()) and lists_json_text(circle_lists) == expected


@pytest.mark.parametrize(
    "value",
    [
        {},
        [],
        "",
        0,
        None,
        {"a": [], "b": {}, "c": [[], [{}]], "d": ["x", 1, -7, True, False, None]},
        ['ä " \\ \n \t \u2028 \x00 😀', ("in", "a tuple"), {"nested": {"deep": [1]}}],
    ],
)
def test_json_text_writes_every_shape_as_json_dumps_does(value: object) -> None:
    assert json_text(value) == json.dumps(value, indent=2, ensure_ascii=False)


@pytest.mark.parametrize("value", [1.5, {1: "a"}, {"a": {1, 2}}])
def test_json_text_refuses_what_it_would_not_write_the_same(value: object) -> None:
    with pytest.raises(TypeError):
        json_text(value)
