"""A pairing plan: one proposed partner or circle per open ad, so most people get a good one.

If everyone contacted their own first suggestion, one popular expert would be asked by many
and most of them left without a partner. The plan looks at everyone at once:

1. Good pairs: mutual pairs (each teaches the other) with no large time gap, each ad's best
   EDGE_DEPTH of them, weighted by their unrounded score (symmetric, without crowding).
2. Circles first, where better: each circle-open ad's best circle, best first, is taken when
   all its members are still free and it scores at least as high as the best good pair each
   member could still form (greedy).
3. The rest: a maximum-cardinality, maximum-weight matching over the good pairs of the ads
   left (Edmonds' blossom algorithm, from rustworkx): first as many people as possible, then
   the best scores. It runs on each connected component of the good-pair graph on its own.

Step 3 is exact; step 2 is a greedy choice, so the whole plan can fall short of the best
possible one when circles compete. `plan_value` measures a plan and the tests compare it with
an exhaustive search on small inputs.

Step 3 runs once over all good pairs before circles are chosen (a circle is measured against
the pairs it breaks) and again over the ads they leave. On a large market each of the two is
seconds of Rust; one second process solves both, the first beside the circle search, the
second (once this process has chosen the circles with the first) beside the wording of the
proposals it will most likely keep (`plan_pairings`'s `meanwhile`).
A component whose pairs are those of the last run is not solved again (`KeptMatchings`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib.metadata
from collections.abc import Callable, Generator, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from itertools import chain
from typing import Any

import numpy as np
import rustworkx as rx

from generator.data.model import Ad, Partnership
from generator.forks import Forked, Share, in_parts, in_step
from generator.matching.circles import Circle, CircleFinder
from generator.matching.match import PARALLEL_ADS, Matcher, ParamValue, Profile, Reason, cover
from generator.matching.skills import Taxonomy

EDGE_DEPTH = 10
PARALLEL_PAIRS = 2_000
"""From this many good pairs, the matchings (seconds of Rust at 10,000 ads, holding the GIL)
run in a forked process while this one finds the candidate circles: both are needed before
circles are chosen, neither reads the other, and the answer is the same either way. The
same process goes on to the second matching, while this one makes the proposals it will
most likely keep."""

_ALONE = (Reason("plan_alone"),)
"""The reason of every ad left alone: one object, worded once (`present.encoded_words`)."""

Solved = dict[tuple[int, ...], list[tuple[int, int]]]
"""A component's ads (sorted) -> its best matching, for reuse."""
Kept = dict[str, list[list[int]]]
"""A digest of a component's ads and weighted pairs -> its matching, as JSON keeps it."""
SolvedMatching = tuple[list[tuple[int, int]], Solved, Kept]
"""A matching, the components solved for it and `KeptMatchings.used`, as a process hands
them over (`solved_matching`)."""
Candidates = list[tuple[tuple[int, ...], Circle]]
"""Each circle-open ad's best circle (its ads' indexes and the circle), best first."""
Found = tuple[Candidates | None, SolvedMatching | None]
"""What a share of the plan brings to the meeting: the candidate circles or the first
matching (`Planner._plan_steps`)."""
Chosen = tuple[list[tuple[int, ...]], list[tuple[int, int]]]
"""The circles chosen and the first matching, which every share goes on from."""
Planned = tuple[list[tuple[int, ...]], list[tuple[int, int]], SolvedMatching | None]
"""The circles chosen, the first matching and, from the share that solved it, the second."""


@dataclass
class KeptMatchings:
    """Each component's matching from the last run, by a digest of the component.

    The blossom algorithm is deterministic: the same ads and weighted pairs, in the same
    order, give the same matching, ties included, from the same code (rustworkx's and
    Tandem's own, which `version` names). So a component whose pairs did not change since the last
    run (all of them, when no ad changed) takes its matching from there, and the plan is the
    one solving it again gives. `last` is what a pack on disk held (the caller reads and
    writes it, `pipeline.plan_kept`): an entry that is not a matching of its component's
    pairs is a miss, never an error. `used` is this run's, the next pack.
    """

    version: str
    """Tandem's code and the blossom algorithm's (`matcher_version`): a kept matching is
    reused only by the same."""
    last: Mapping[str, Any]
    used: Kept = field(default_factory=dict)

    only_kept: bool = False
    """Raise `NotKept` rather than solve a component (see `Planner._first_matching_here`)."""

    def matching(
        self, ads: tuple[int, ...], edges: list[tuple[int, int, int]]
    ) -> list[tuple[int, int]]:
        key = _component_key(self.version, ads, edges)
        found = _kept_matching(self.last.get(key), edges)
        if found is None and self.only_kept:
            raise NotKept(key)
        if found is None:
            found = _exact_matching(ads, edges)
            self.used[key] = [list(edge) for edge in found]
        else:
            self.used[key] = self.last[key]
        return found

    @property
    def changed(self) -> bool:
        """Whether this run's pack differs from the last one."""
        return self.used != self.last


class NotKept(Exception):
    """A component the last run did not solve (its key is the message)."""


@dataclass(frozen=True)
class Proposal:
    """One group of the plan: a pair, a circle, or one ad left without a good partner."""

    members: tuple[str, ...]
    score: int
    reasons: tuple[Reason, ...]
    raw: float = 0.0


def plan_pairings(
    ads: Sequence[Ad],
    partnerships: Sequence[Partnership],
    *,
    today: dt.date,
    taxonomy: Taxonomy,
    meanwhile: Callable[[list[Proposal]], object] | None = None,
    kept: KeptMatchings | None = None,
) -> list[Proposal]:
    """Every open ad in exactly one proposal: best groups first, those left alone last.

    `meanwhile` is given most of the plan's proposals while its last matching runs in a
    second process (where one runs), to prepare their output then (a command words their
    reasons, `present.word_ahead`); the plan is the same with or without it. `kept`: the
    last run's matchings, to which this run's are added.
    """
    matcher = Matcher.for_ads(ads, partnerships, today=today, taxonomy=taxonomy)
    planner = Planner(matcher, kept=kept)
    return planner.proposals(planner.plan(meanwhile=meanwhile))


class Planner:
    """Good pairs and circles over one Matcher, and the plan chosen from them."""

    def __init__(
        self,
        matcher: Matcher,
        *,
        parallel_from: int = PARALLEL_PAIRS,
        kept: KeptMatchings | None = None,
        pairs: dict[tuple[int, int], float] | None = None,
        best_circles: Callable[[], Mapping[int, Sequence[Circle]]] | None = None,
    ) -> None:
        """`pairs`: `good_pairs(matcher)` where the caller has them. `best_circles`: each
        ad's best circle as `CircleFinder.best_for(i, top=1)` finds it, by index (those it
        leaves out have none), where the caller finds them anyway (the build's circles,
        `circles.circles_and_firsts`); asked for after the first matching."""
        self.matcher = matcher
        self.kept = kept
        self.profiles = matcher.profiles
        self.circles = CircleFinder(matcher)
        if pairs is None:
            pairs = good_pairs(matcher, fork=len(self.profiles) >= PARALLEL_ADS)
        self.pairs = pairs
        self.best_circles = best_circles
        self.parallel_from = parallel_from
        self.forked = False  # whether the first matching ran in a second process
        self._solved: Solved = {}
        self._made: dict[tuple[int, ...], Proposal] = {}

    def plan(
        self, *, meanwhile: Callable[[list[Proposal]], object] | None = None
    ) -> list[tuple[int, ...]]:
        """The groups of the plan as tuples of ad indexes: circles, then matched pairs.
        `meanwhile`: see `plan_pairings`."""
        kept = self._first_matching_here()
        if kept is None:
            return self._planned_in_step(meanwhile)
        candidates = self._candidate_circles(fork=len(self.profiles) >= PARALLEL_ADS)
        chosen = self._circles(kept, candidates)
        left = self._left(chosen, kept)
        if left is None:
            return [*chosen, *kept]
        likely = [*chosen, *self._kept_pairs(chosen, kept)]
        return [*chosen, *self._matching(left, likely=likely, meanwhile=meanwhile)]

    def group_value(self, group: Sequence[int]) -> float:
        """The unrounded score of a pair or the best circle these ads could form."""
        if len(group) == 2:
            return self.pairs.get(_edge(*group), 0.0)
        circle = self._best_circle(group)
        return circle.raw if circle else 0.0

    def _planned_in_step(
        self, meanwhile: Callable[[list[Proposal]], object] | None
    ) -> list[tuple[int, ...]]:
        """The plan when the last run did not solve the first matching: on a large graph
        (see PARALLEL_PAIRS) a second process solves both matchings, one after the other,
        while this one finds the candidate circles, chooses the circles when the first
        matching comes (the second process waits for them) and then makes the proposals
        the second matching will most likely keep, for `meanwhile`. One process does it
        all when the graph is small or no second process may start (`forks.in_step`)."""
        shares = in_step(
            partial(self._plan_steps, meanwhile=meanwhile),
            self._chosen_circles,
            fork=len(self.pairs) >= self.parallel_from,
        )
        self.forked = len(shares) == 2
        chosen, matching, second = shares[-1]  # the share that matched: the last
        if second is None:
            return [*chosen, *matching]
        self._keep_solved(second)
        return [*chosen, *second[0]]

    def _plan_steps(
        self, share: Share, *, meanwhile: Callable[[list[Proposal]], object] | None
    ) -> Generator[Found, Chosen, Planned]:
        """Share (0, 2) finds the candidate circles, share (1, 2) solves the matchings,
        WHOLE does both; they meet at the circles chosen (`_chosen_circles`)."""
        circles_here, matching_here = share != (1, 2), share != (0, 2)
        first = (
            solved_matching(self.pairs, solved=self._solved, kept=self.kept)
            if matching_here
            else None
        )  # before the circles: where they are handed in (`best_circles`), still on their way
        candidates = self._candidate_circles() if circles_here else None
        chosen, matching = yield candidates, first
        left = self._left(chosen, matching)
        if left is None:
            return chosen, matching, None
        if not matching_here:
            if meanwhile is not None:
                likely = [*chosen, *self._kept_pairs(chosen, matching)]
                meanwhile([self._proposal(sorted(group)) for group in likely])
            return chosen, matching, None
        return chosen, matching, solved_matching(left, solved=self._solved, kept=self.kept)

    def _chosen_circles(self, found: list[Found]) -> Chosen:
        """Where the shares meet: the circles chosen with the first matching, which comes
        from the share that solved it (kept here too, see `_keep_solved`)."""
        candidates = next(circles for circles, _ in found if circles is not None)
        first = next(solved for _, solved in found if solved is not None)
        self._keep_solved(first)
        return self._circles(first[0], candidates), first[0]

    def _left(
        self, chosen: list[tuple[int, ...]], matching: list[tuple[int, int]]
    ) -> dict[tuple[int, int], float] | None:
        """The good pairs of the ads the circles leave, or None when the circles break no
        pair of `matching`: every matching of the ads left is one of all ads, so this one
        is still a best."""
        placed = {j for group in chosen for j in group}
        if not any(j in placed for edge in matching for j in edge):
            return None
        return {edge: w for edge, w in self.pairs.items() if placed.isdisjoint(edge)}

    @staticmethod
    def _kept_pairs(
        chosen: list[tuple[int, ...]], matching: list[tuple[int, int]]
    ) -> list[tuple[int, int]]:
        """The pairs of `matching` the circles leave: most of the second matching."""
        placed = {j for group in chosen for j in group}
        return [edge for edge in matching if placed.isdisjoint(edge)]

    def _first_matching_here(self) -> list[tuple[int, int]] | None:
        """The matching of all good pairs when `kept` holds each of its components, else None:
        then the components looked up so far stay in `_solved`, and the rest are solved
        as without a pack."""
        if self.kept is None or not self.kept.last:
            return None
        self.kept.only_kept = True
        try:
            return best_matching(self.pairs, solved=self._solved, kept=self.kept)
        except NotKept:
            return None
        finally:
            self.kept.only_kept = False

    def _keep_solved(self, found: SolvedMatching) -> None:
        """The components a `solved_matching` solved, kept for reuse (here, and in the next
        run where `kept`: a second process solved on a copy)."""
        _, solved, used = found
        self._solved.update(solved)
        if self.kept is not None:
            self.kept.used.update(used)

    def _circles(
        self,
        matching: list[tuple[int, int]],
        candidates: Candidates,
    ) -> list[tuple[int, ...]]:
        """Circles, best first, each taken when it places more people than the pairs it breaks.

        Measured against the matching of all ads: a circle that breaks one pair to place five
        people is taken, unless the circle without the paired person places more in all.
        """
        partner = {a: b for edge in matching for a, b in (edge, edge[::-1])}
        chosen: list[tuple[int, ...]] = []
        taken: set[int] = set()
        for group, circle in candidates:
            if not taken.isdisjoint(group):
                continue
            options = [
                (self._gain(g, raw, partner), g) for g, raw in self._options(group, circle, partner)
            ]
            gain, best = max(options)
            if gain > (0, 0.0):
                chosen.append(best)
                taken.update(best)
                for j in best:
                    partner.pop(partner.pop(j, -1), None)
        return chosen

    def _matching(
        self,
        pairs: dict[tuple[int, int], float],
        *,
        likely: Sequence[tuple[int, ...]],
        meanwhile: Callable[[list[Proposal]], object] | None,
    ) -> list[tuple[int, int]]:
        """best_matching of `pairs`, which are always self.pairs less some ads: a component
        with the same ads has the same pairs, so the one solved before is reused.

        On a large graph, when there is something to do `meanwhile`, it runs in a second
        process while this one makes the proposals of the `likely` groups (the circles chosen
        and the pairs of the first matching that are left: most of the plan) and hands them
        over.
        """
        beside = Forked(
            partial(solved_matching, pairs, solved=self._solved, kept=self.kept),
            fork=meanwhile is not None and len(pairs) >= self.parallel_from,
        )
        if beside.forked and meanwhile is not None:
            try:
                meanwhile([self._proposal(sorted(group)) for group in likely])
            except BaseException:
                beside.stop()
                raise
        found = beside.result()
        self._keep_solved(found)
        return found[0]

    def _options(
        self, group: tuple[int, ...], circle: Circle, partner: dict[int, int]
    ) -> list[tuple[tuple[int, ...], float]]:
        """The circle, and the circle without those paired outside it, if that can still form."""
        options = [(group, circle.raw)]
        kept = tuple(j for j in group if partner.get(j, j) in group)
        if len(kept) < len(group) and self.circles.can_form(kept, circle.key):
            options.append((kept, self.circles.circle(kept, circle.key).raw))
        return options

    def _gain(
        self, group: tuple[int, ...], raw: float, partner: dict[int, int]
    ) -> tuple[int, float]:
        """(people placed, score) the circle adds, less the pairs of the matching it breaks."""
        broken = {_edge(j, partner[j]) for j in group if j in partner}
        lost = sum(2 * self.pairs[edge] for edge in broken)
        return (len(group) - 2 * len(broken), round(len(group) * raw - lost, 6))

    def _candidate_circles(self, *, fork: bool = False) -> Candidates:
        """Each circle-open ad's best circle, once each, best first; with `fork`, half the
        ads' circles are found in a second process (`forks.in_parts`). Where they were
        found before (`best_circles`), they are taken from there."""
        best: Mapping[int, Sequence[Circle]]
        if self.best_circles is not None:
            best = self.best_circles()
        else:
            shares = in_parts(partial(_best_circles, self.circles), fork=fork)
            best = {i: circles for share in shares for i, circles in share.items()}
        found = {
            tuple(self.circles.index_of[m] for m in c.members): c
            for i in range(len(self.profiles))
            for c in best.get(i, ())
        }
        return sorted(found.items(), key=lambda item: (-item[1].raw, item[0]))

    def proposals(self, groups: Iterable[tuple[int, ...]]) -> list[Proposal]:
        made = [self._proposal(sorted(group)) for group in groups]
        placed = {m for p in made for m in p.members}
        alone = [Proposal((p.ad.id,), 0, _ALONE) for p in self.profiles if p.ad.id not in placed]
        return sorted(made, key=lambda p: (-p.raw, p.members)) + alone

    def _proposal(self, group: list[int]) -> Proposal:
        """The proposal of a group (sorted), made once."""
        made = self._made.get(tuple(group))
        if made is None:
            made = self._made[tuple(group)] = self._new_proposal(group)
        return made

    def _new_proposal(self, group: list[int]) -> Proposal:
        members = [self.profiles[j] for j in group]
        if len(group) == 2:
            raw = self.pairs[_edge(*group)]
            reasons = _pair_reasons(members[0], members[1], self.matcher.taxonomy)
        else:
            circle = self._best_circle(group)
            assert circle is not None  # the plan holds only circles that can form
            raw, reasons = circle.raw, circle.reasons
        ids = tuple(p.ad.id for p in members)
        return Proposal(ids, max(0, min(100, round(raw))), reasons, raw)

    def _best_circle(self, group: Sequence[int]) -> Circle | None:
        """The best circle these ads can form, on any theme they all seek or offer."""
        themes = set.intersection(
            *({*self.profiles[j].seeks, *self.profiles[j].offers} for j in group)
        )
        formed = [
            self.circles.circle(group, key)
            for key in sorted(themes)
            if self.circles.can_form(group, key)
        ]
        return max(formed, key=lambda c: c.raw, default=None)


def good_pairs(matcher: Matcher, *, fork: bool = False) -> dict[tuple[int, int], float]:
    """(a, b) with a < b -> unrounded score, for mutual pairs with no large time gap; with
    `fork`, half the ads' pairs are found in a second process (`forks.in_parts`)."""
    shares = in_parts(partial(_best_mutual, matcher), fork=fork)
    found = {i: best for share in shares for i, best in share.items()}
    pairs: dict[tuple[int, int], float] = {}
    for i in range(len(matcher.profiles)):
        for j, raw, gap in found[i]:
            if not gap:
                pairs[_edge(i, j)] = raw
    return pairs


def _best_mutual(matcher: Matcher, share: Share) -> dict[int, list[tuple[int, float, bool]]]:
    part, parts = share
    return {
        i: matcher.mutual_scores(i, top=EDGE_DEPTH)
        for i in range(part, len(matcher.profiles), parts)
    }


def _best_circles(finder: CircleFinder, share: Share) -> dict[int, list[Circle]]:
    part, parts = share
    return {i: finder.best_for(i, top=1) for i in range(part, len(finder.profiles), parts)}


def best_matching(
    pairs: dict[tuple[int, int], float],
    *,
    solved: Solved | None = None,
    kept: KeptMatchings | None = None,
) -> list[tuple[int, int]]:
    """As many pairs as possible, then the highest total score (exact: Edmonds' blossoms).

    No pair joins two connected components, so the best matchings of the components together
    are a best matching of the whole graph. `solved` maps a component's ads to its matching;
    pass one only for graphs that agree on the pairs between any two ads. A component not in
    `solved` is taken from `kept` where the last run solved the same one.
    """
    solved = {} if solved is None else solved
    matched: list[tuple[int, int]] = []
    for ads, edges in _components(pairs):
        if ads not in solved:
            solved[ads] = (
                kept.matching(ads, edges) if kept is not None else _exact_matching(ads, edges)
            )
        matched += solved[ads]
    return sorted(matched)


def solved_matching(
    pairs: dict[tuple[int, int], float],
    *,
    solved: Solved | None = None,
    kept: KeptMatchings | None = None,
) -> SolvedMatching:
    """`best_matching` of `pairs`, `solved` with each of its components' matchings added,
    and `kept`'s entries of this run: what a second process solved comes back this way."""
    solved = {} if solved is None else solved
    return best_matching(pairs, solved=solved, kept=kept), solved, kept.used if kept else {}


def _components(
    pairs: dict[tuple[int, int], float],
) -> list[tuple[tuple[int, ...], list[tuple[int, int, int]]]]:
    """Each connected component's ads (sorted) and its pairs with integer weights, in order.

    Integer weights: the blossom algorithm compares sums, and floats would round (numpy's
    `round` rounds half to even, as Python's does). Found as columns: the pairs sorted by
    their component's first ad, then by their own ads, and cut where the component
    changes; two components never share an ad, so their first ads order them as their
    sorted ads would.
    """
    if not pairs:
        return []
    count = len(pairs)
    ends = np.fromiter(chain.from_iterable(pairs), dtype=np.int64, count=2 * count)
    ends = ends.reshape(count, 2)
    firsts, seconds = ends[:, 0], ends[:, 1]
    weights = np.round(np.fromiter(pairs.values(), dtype=np.float64, count=count) * 1000)
    first_ad = _first_ads(pairs, 1 + int(ends.max()))
    order = np.lexsort((seconds, firsts, first_ad[firsts]))
    rows = list(
        zip(
            firsts[order].tolist(),
            seconds[order].tolist(),
            weights[order].astype(np.int64).tolist(),
            strict=True,
        )
    )
    ads = np.unique(ends)  # an ad in no pair is no component
    ads = ads[np.argsort(first_ad[ads], kind="stable")]
    ads_cuts = _cuts(first_ad[ads])
    rows_cuts = _cuts(first_ad[firsts[order]])
    return [
        (tuple(ads[start:stop].tolist()), rows[begin:end])
        for (start, stop), (begin, end) in zip(ads_cuts, rows_cuts, strict=True)
    ]


def _first_ads(pairs: Iterable[tuple[int, int]], ads: int) -> np.ndarray[Any, np.dtype[np.int64]]:
    """For each of `ads` ad indexes, the smallest ad of its connected component."""
    graph: rx.PyGraph[None, None] = rx.PyGraph(multigraph=False)
    graph.add_nodes_from([None] * ads)
    graph.add_edges_from_no_data(list(pairs))
    first = np.arange(ads, dtype=np.int64)
    for component in rx.connected_components(graph):
        if len(component) > 1:
            members = np.fromiter(component, dtype=np.int64, count=len(component))
            first[members] = members.min()
    return first


def _cuts(values: np.ndarray[Any, np.dtype[np.int64]]) -> list[tuple[int, int]]:
    """(start, stop) of each run of equal values."""
    cuts = (np.flatnonzero(values[1:] != values[:-1]) + 1).tolist()
    return list(zip([0, *cuts], [*cuts, len(values)], strict=True))


def _exact_matching(
    ads: tuple[int, ...], edges: list[tuple[int, int, int]]
) -> list[tuple[int, int]]:
    """A maximum-cardinality, maximum-weight matching of one component."""
    node = {j: k for k, j in enumerate(ads)}
    graph: rx.PyGraph[int, int] = rx.PyGraph(multigraph=False)
    graph.add_nodes_from(ads)
    graph.add_edges_from([(node[a], node[b], w) for a, b, w in edges])
    matched = rx.max_weight_matching(graph, max_cardinality=True, weight_fn=int)
    return [_edge(ads[a], ads[b]) for a, b in matched]


def matcher_version() -> str:
    """Whose blossom algorithm the plan uses, for `KeptMatchings.version`."""
    return f"rustworkx {importlib.metadata.version('rustworkx')}"


def _component_key(version: str, ads: tuple[int, ...], edges: list[tuple[int, int, int]]) -> str:
    """A digest of everything `_exact_matching` reads: the ads in order, the pairs in order
    with their weights, and the code (`version`)."""
    digest = hashlib.sha256(version.encode() + b"\0")
    digest.update(np.array(ads, dtype=np.int64).tobytes() + b"\0")
    digest.update(np.array(edges, dtype=np.int64).tobytes())
    return digest.hexdigest()


def _kept_matching(entry: Any, edges: list[tuple[int, int, int]]) -> list[tuple[int, int]] | None:
    """`entry` as a matching of a component with these pairs; None unless it is one: pairs
    of the component, each ad at most once, and no pair left with both ads free (so no part
    of a matching either). That it is the best one is not proved again: the pack's digest
    says Tandem wrote it (`generator.data.kept`)."""
    if not isinstance(entry, list):
        return None
    pairs = {(a, b) for a, b, _ in edges}
    found: list[tuple[int, int]] = []
    for item in entry:
        if not (isinstance(item, list) and len(item) == 2):
            return None
        edge = (item[0], item[1])
        if type(edge[0]) is not int or type(edge[1]) is not int or edge not in pairs:
            return None
        found.append(edge)
    matched = {j for edge in found for j in edge}
    if len(matched) != 2 * len(found) or any(
        a not in matched and b not in matched for a, b in pairs
    ):
        return None
    return found


def plan_value(groups: Iterable[Sequence[int]], value: Any) -> tuple[int, float]:
    """(people placed, sum of each person's group score): what a plan is judged by."""
    people, total = 0, 0.0
    for group in groups:
        people += len(group)
        total += len(group) * value(group)
    return people, round(total, 6)


def _edge(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


def _pair_reasons(a: Profile, b: Profile, taxonomy: Taxonomy) -> tuple[Reason, ...]:
    reasons = [
        _teaches(teacher, learner, key, taxonomy)
        for teacher, learner in ((a, b), (b, a))
        for key in learner.seeks
        if cover(learner, key, teacher)[1] is not None
    ]
    reasons += [
        Reason(
            "plan_time",
            (
                ("name", p.ad.name),
                ("hours", p.ad.commitment.hours_per_week),
                ("weeks", p.ad.commitment.weeks),
            ),
        )
        for p in (a, b)
    ]
    return tuple(reasons)


def _teaches(teacher: Profile, learner: Profile, key: str, taxonomy: Taxonomy) -> Reason:
    """Who teaches whom what, as `tandem match` covers it: a goal within a skill the teacher
    offers (`Java (Spring Boot)` met by Java) says so."""
    covered = cover(learner, key, teacher)[1]
    assert covered is not None
    params: list[tuple[str, ParamValue]] = [
        ("teacher", teacher.ad.name),
        ("learner", learner.ad.name),
        *_named("skill", covered, taxonomy),
    ]
    if covered == key:
        return Reason("plan_teaches", tuple(params))
    return Reason("plan_teaches_within", (*params, *_named("focus", key, taxonomy)))


def _named(name: str, key: str, taxonomy: Taxonomy) -> tuple[tuple[str, ParamValue], ...]:
    """A skill's name, and its German name as `<name>_de` when that differs."""
    english, german = taxonomy.display_key(key), taxonomy.display_key(key, "de")
    return ((name, english),) if german == english else ((name, english), (f"{name}_de", german))
