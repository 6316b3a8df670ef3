"""Each ad's search and worded list kept for the next run (`generator.matching.kept`): after
any edit, the lists are those a run without the packs gives, whatever the packs hold; and a
pack that came with a pull request is never read.

The random markets are test_naive's (places, languages, owners, past partners, time gaps,
qualified and levelled goals); each step edits, adds, deletes, closes or reopens ads, adds
or drops a partnership log, or moves today, then compares a run that takes what the last run
kept with a run that keeps nothing.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import json
import random
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from conftest import copy_site
from test_kept import git
from test_naive import FORMATS, TODAY, _random_ad, random_market

from generator import pipeline
from generator.data.kept import CACHE_DIR, StoredChecks
from generator.data.model import Ad, Commitment, Partnership
from generator.data.problems import TandemError
from generator.gathered import Gathered
from generator.matching.kept import KeptSuggestions
from generator.matching.match import CAPACITY, search_depth, suggest_partners_as
from generator.matching.present import encoded_words, suggestion_list_json
from generator.matching.skills import Skill, Taxonomy, load_taxonomy

DATA = Path(__file__).parent / "data" / "pairings"
ALONE, IN_TWO = 10**9, 0  # `parallel_from`: never a second process, always one


@pytest.fixture(scope="module")
def taxonomy() -> Taxonomy:
    listed = load_taxonomy(DATA).skills
    return Taxonomy(
        (*listed, Skill("java", "Java", "Java"), Skill("spring-boot", "Spring Boot", "Spring Boot"))
    )


def json_form() -> Callable[[list[Any]], str]:
    return partial(suggestion_list_json, words=encoded_words())


@dataclasses.dataclass
class Packs:
    """What a run left on disk, as JSON read back: its version, searches and lists."""

    version: str = ""
    searches: Any = None
    lists: Any = None


def run(
    market: tuple[list[Ad], list[Partnership], dt.date],
    taxonomy: Taxonomy,
    packs: Packs | None,
    *,
    top: int = 5,
    lists: bool = True,
    parallel_from: int = ALONE,
) -> tuple[dict[str, Any], KeptSuggestions | None]:
    """`tandem match`'s lists for the market, with the packs of the last run (None: without
    any); the packs of this run are left in `packs`."""
    ads, logs, today = market
    form: Callable[[list[Any]], Any] = json_form() if lists else list
    data = Gathered(tuple(sorted(ads, key=lambda ad: ad.id)), tuple(logs), taxonomy, {}, today)
    kept = None
    if packs is not None:
        version = pipeline.searches_version(data, depth=search_depth(top, CAPACITY))
        same = packs.version == version
        last = _json(packs.searches) if same else {}
        last_lists = _json(packs.lists) if same else {}
        kept = KeptSuggestions(
            version,
            last if isinstance(last, dict) else {},  # as `pipeline.suggested_kept` reads them
            (last_lists if isinstance(last_lists, dict) else {}) if lists else None,
        )
    found = suggest_partners_as(
        data.ads,
        data.partnerships,
        today=today,
        taxonomy=taxonomy,
        form=form,
        top=top,
        parallel_from=parallel_from,
        kept=kept,
    )
    if packs is not None and kept is not None:
        packs.version, packs.searches = kept.version, kept.pack()
        if lists:
            packs.lists = kept.lists_pack()
    return found, kept


def _json(value: Any) -> Any:
    return json.loads(json.dumps(value)) if value is not None else {}


def edited(
    rng: random.Random, market: tuple[list[Ad], list[Partnership], dt.date], n: int
) -> tuple[tuple[list[Ad], list[Partnership], dt.date], str]:
    """The market after one random edit, and what it was."""
    ads, logs, today = list(market[0]), list(market[1]), market[2]
    kind = rng.choice(
        ["edit", "edit", "hours", "add", "add", "delete", "close", "log", "unlog", "today", "none"]
    )
    at = rng.randrange(len(ads))
    if kind == "edit":
        new = _random_ad(rng, n, FORMATS)
        ads[at] = dataclasses.replace(new, id=ads[at].id, path=ads[at].path)
    elif kind == "hours":
        hours = rng.choice([0.5, 1, 2, 3, 4, 8, 12])
        ads[at] = dataclasses.replace(
            ads[at], commitment=Commitment(hours, ads[at].commitment.weeks)
        )
    elif kind == "add":
        ads.append(_random_ad(rng, n, FORMATS))
    elif kind == "delete":
        del ads[at]
    elif kind == "close":
        ads[at] = dataclasses.replace(
            ads[at], status="paused" if ads[at].status == "open" else "open"
        )
    elif kind == "log":
        pair = tuple(ad.id for ad in rng.sample(ads, 2))
        logs.append(dataclasses.replace(logs[0], id=f"log-x{n}", partners=pair))
    elif kind == "unlog" and logs:
        del logs[rng.randrange(len(logs))]
    elif kind == "today":
        today += dt.timedelta(days=rng.choice([-20, 1, 3, 45]))
    return (ads, logs, today), kind


@pytest.mark.parametrize("seed", range(10))
def test_kept_lists_after_random_edits_are_those_of_a_run_without_packs(
    taxonomy: Taxonomy, seed: int
) -> None:
    rng = random.Random(seed)
    ads, logs = random_market(300 + seed, 70)
    market = (ads, logs, TODAY)
    top, lists = rng.choice([(5, True), (3, False), (8, True), (1, True)])
    packs = Packs()
    assert (
        run(market, taxonomy, packs, top=top, lists=lists)[0]
        == run(market, taxonomy, None, top=top, lists=lists)[0]
    )
    taken = partly = 0
    for step in range(12):
        market, kind = edited(rng, market, 1000 + step)
        parallel = IN_TWO if step % 3 == 0 else ALONE
        with_packs, kept = run(
            market, taxonomy, packs, top=top, lists=lists, parallel_from=parallel
        )
        cold = Packs()
        without, _ = run(market, taxonomy, cold, top=top, lists=lists)
        assert with_packs == without, (seed, step, kind)
        assert list(with_packs) == list(without)
        # every search taken is the one made afresh: rows, bound and first left unscored
        assert packs.searches == cold.searches, (seed, step, kind)
        assert kept is not None
        taken += kept.taken
        partly += 0 < kept.searched_again < len(kept.ids)
    assert taken > 0 and partly > 0  # the packs were read, and an edit reached only some ads


@pytest.mark.parametrize("seed", range(4))
def test_the_packs_on_disk_after_random_edits_give_a_run_without_them(
    taxonomy: Taxonomy, seed: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`pipeline.suggested_kept` as `tandem match --format json` calls it: the packs read
    and written in `.cache/tandem/`, an unchanged market answered from the lists pack alone
    (every step that changed nothing matching reads), the rest ad by ad."""
    monkeypatch.delenv("TANDEM_CACHE")
    rng = random.Random(seed)
    ads, logs = random_market(700 + seed, 60)
    market = (ads, logs, TODAY)
    for step in range(10):
        ads, logs, today = market
        data = Gathered(tuple(sorted(ads, key=lambda ad: ad.id)), tuple(logs), taxonomy, {}, today)
        kept = pipeline.suggested_kept(tmp_path, data, form=json_form(), lists=True)
        assert kept == run(market, taxonomy, None)[0], (seed, step)
        market, _ = edited(rng, market, 2000 + step) if step % 2 else (market, "none")
    assert tmp_path.joinpath(*CACHE_DIR, pipeline.LISTS_PACK).is_file()


def test_an_edit_to_any_one_ad_is_seen(
    taxonomy: Taxonomy, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first, a middle and the last ad by id, each edited in turn: the lists pack is
    never taken whole for a market that is not the same."""
    monkeypatch.delenv("TANDEM_CACHE")
    ads, logs = random_market(46, 60)
    ads = sorted(ads, key=lambda ad: ad.id)
    for at in (0, len(ads) // 2, len(ads) - 1, 0):
        hours = ads[at].commitment.hours_per_week * 3
        ads[at] = dataclasses.replace(ads[at], commitment=Commitment(hours, 26), status="open")
        data = Gathered(tuple(ads), tuple(logs), taxonomy, {}, TODAY)
        kept = pipeline.suggested_kept(tmp_path, data, form=json_form(), lists=True)
        assert kept == run((ads, logs, TODAY), taxonomy, None)[0], at


def test_a_lists_pack_not_as_written_is_not_taken_whole(
    taxonomy: Taxonomy, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TANDEM_CACHE")
    ads, logs = random_market(45, 60)
    data = Gathered(tuple(sorted(ads, key=lambda ad: ad.id)), tuple(logs), taxonomy, {}, TODAY)
    without = run((ads, logs, TODAY), taxonomy, None)[0]
    assert pipeline.suggested_kept(tmp_path, data, form=json_form(), lists=True) == without
    folder = StoredChecks(tmp_path.joinpath(*CACHE_DIR))
    version = pipeline.kept_lists_version(
        pipeline.searches_version(data, depth=search_depth(5, CAPACITY)), top=5
    )
    pack = folder.read(pipeline.LISTS_PACK, version, limit=1 << 26)
    assert isinstance(pack, dict) and pack["market"]
    spoiled = [
        {**pack, "keys": pack["keys"][1:]},
        {**pack, "ids": [*pack["ids"][:-1], pack["ids"][0]]},
        {**pack, "ids": [1, *pack["ids"][1:]]},
        {**pack, "keys": ["x" * 64, *pack["keys"][1:]]},
        {**pack, "texts": {key: None for key in pack["texts"]}},
        {**pack, "texts": []},
    ]
    for lists in spoiled:
        folder.write(pipeline.LISTS_PACK, version, lists)
        assert pipeline.suggested_kept(tmp_path, data, form=json_form(), lists=True) == without


def test_an_unchanged_market_is_all_read_and_one_edit_searches_few(taxonomy: Taxonomy) -> None:
    ads, logs = random_market(77, 120)
    market = (ads, logs, TODAY)
    packs = Packs()
    run(market, taxonomy, packs)
    again, kept = run(market, taxonomy, packs)
    assert kept is not None and kept.taken == len(kept.ids) > 0
    assert kept.searched_again == kept.worded_again == 0 and not kept.changed
    assert again == run(market, taxonomy, None)[0]
    first = sorted(ads, key=lambda ad: ad.id)[0]
    hours = Commitment(first.commitment.hours_per_week + 1, first.commitment.weeks)
    ads = [dataclasses.replace(ad, commitment=hours) if ad is first else ad for ad in ads]
    after, kept = run((ads, logs, TODAY), taxonomy, packs)
    assert kept is not None and 1 <= kept.searched_again < len(kept.ids) // 2
    assert after == run((ads, logs, TODAY), taxonomy, None)[0]


# --- packs not as written -------------------------------------------------------------------


def _columns(pack: dict[str, Any]) -> list[np.ndarray[Any, Any]]:
    kinds = ("<f8", "<f8", "<i4", "u1")
    return [
        np.frombuffer(base64.b64decode(text), dtype=kind).copy()
        for text, kind in zip(pack["rows"], kinds, strict=True)
    ]


def _with_columns(pack: dict[str, Any], columns: list[np.ndarray[Any, Any]]) -> dict[str, Any]:
    return {**pack, "rows": [base64.b64encode(c.tobytes()).decode() for c in columns]}


def _first_rows(pack: dict[str, Any]) -> int:
    """How many rows the first ad of the pack with at least two mutual rows has, and where
    they start: the rows before it."""
    start = 0
    for entry in pack["ads"].values():
        if entry[1] >= 2:
            return start
        start += entry[1] + entry[2]
    raise AssertionError("no ad with two mutual rows")


def _spoil_row(change: Callable[[list[np.ndarray[Any, Any]], int], None]) -> Callable[[Any], Any]:
    def spoiled(pack: dict[str, Any]) -> dict[str, Any]:
        columns = _columns(pack)
        change(columns, _first_rows(pack))
        return _with_columns(pack, columns)

    return spoiled


def _swap(columns: list[np.ndarray[Any, Any]], at: int) -> None:
    for column in columns:
        column[[at, at + 1]] = column[[at + 1, at]]


def _set(column: int, value: float) -> Callable[[list[np.ndarray[Any, Any]], int], None]:
    def change(columns: list[np.ndarray[Any, Any]], at: int) -> None:
        columns[column][at] = value

    return change


ONE_AD_SPOILED = {
    "partner out of range": _spoil_row(_set(2, 10**6)),
    "partner below zero": _spoil_row(_set(2, -3)),
    "not a number": _spoil_row(_set(0, float("nan"))),
    "infinite": _spoil_row(_set(1, float("-inf"))),
    "rows out of order": _spoil_row(_swap),
    "gap not a truth": _spoil_row(_set(3, 7)),
}
EVERY_AD_SPOILED: dict[str, Callable[[Any], Any]] = {
    "counts that do not add up": lambda pack: {
        **pack,
        "ads": {k: [e[0], e[1] + 1, e[2]] for k, e in pack["ads"].items()},
    },
    "fingerprint not text": lambda pack: {
        **pack,
        "ads": {k: [1, e[1], e[2]] for k, e in pack["ads"].items()},
    },
    "rows not base64": lambda pack: {**pack, "rows": ["%%%", *pack["rows"][1:]]},
    "a column cut short": lambda pack: {**pack, "rows": [*pack["rows"][:3], ""]},
    "bounds missing": lambda pack: {k: v for k, v in pack.items() if k != "bounds"},
    "ids not text": lambda pack: {**pack, "ids": [1, 2]},
    "not a pack": lambda pack: ["ids", "ads"],
    "lefts of another length": lambda pack: {**pack, "lefts": pack["bounds"]},
}


@pytest.mark.parametrize("spoil", sorted(ONE_AD_SPOILED))
def test_a_kept_search_not_as_written_is_searched_again(taxonomy: Taxonomy, spoil: str) -> None:
    market = (*random_market(41, 80), TODAY)
    packs = Packs()
    run(market, taxonomy, packs)
    packs.searches = ONE_AD_SPOILED[spoil](packs.searches)
    found, kept = run(market, taxonomy, packs)
    assert found == run(market, taxonomy, None)[0]
    assert kept is not None and kept.searched_again == 1 and kept.taken == len(kept.ids) - 1


@pytest.mark.parametrize("spoil", sorted(EVERY_AD_SPOILED))
def test_a_pack_not_as_written_is_not_read(taxonomy: Taxonomy, spoil: str) -> None:
    market = (*random_market(42, 80), TODAY)
    packs = Packs()
    run(market, taxonomy, packs)
    packs.searches = EVERY_AD_SPOILED[spoil](packs.searches)
    found, kept = run(market, taxonomy, packs)
    assert found == run(market, taxonomy, None)[0]
    assert kept is not None and kept.taken == 0 and kept.searched_again == len(kept.ids)


def test_a_bound_or_first_left_not_as_written_is_searched_again(taxonomy: Taxonomy) -> None:
    market = (*random_market(43, 80), TODAY)
    packs = Packs()
    run(market, taxonomy, packs)
    pack = packs.searches
    bounds = np.frombuffer(base64.b64decode(pack["bounds"]), dtype="<f8").copy()
    lefts = np.frombuffer(base64.b64decode(pack["lefts"]), dtype="<i4").copy()
    cut = int(np.flatnonzero(lefts >= 0)[0])
    spoiled = [
        ("bounds", bounds, cut, -np.inf),  # a bound with a first left unscored
        ("lefts", lefts, cut, -1),  # no one left unscored, but a bound
        ("lefts", lefts, cut, 10**6),  # left unscored: not an ad
        ("bounds", bounds, cut, np.nan),
    ]
    for name, column, at, value in spoiled:
        copy = column.copy()
        copy[at] = value
        packs.searches = {**pack, name: base64.b64encode(copy.tobytes()).decode()}
        found, kept = run(market, taxonomy, packs)
        assert found == run(market, taxonomy, None)[0], (name, value)
        assert kept is not None and kept.searched_again == 1, (name, value)


def test_kept_lists_not_text_are_written_again(taxonomy: Taxonomy) -> None:
    market = (*random_market(44, 60), TODAY)
    packs = Packs()
    run(market, taxonomy, packs)
    packs.lists = {**packs.lists, "texts": {key: 1 for key in packs.lists["texts"]}}
    found, kept = run(market, taxonomy, packs)
    assert found == run(market, taxonomy, None)[0]
    assert kept is not None and kept.worded_again == len(kept.ids)


# --- on disk: the commands' packs -----------------------------------------------------------


def modelled(root: Path) -> Gathered:
    return pipeline.modelled(root, dt.date.fromisoformat("2026-11-23"), warnings=False)


def lists_of(root: Path, data: Gathered | None = None) -> dict[str, str]:
    data = data or modelled(root)
    return pipeline.suggested_kept(root, data, form=json_form(), lists=True)


def poisoned(root: Path) -> None:
    """The lists pack of `root`, every list replaced by an empty one, with its digest."""
    pack = root.joinpath(*CACHE_DIR, pipeline.LISTS_PACK)
    lists = json.loads(pack.read_bytes().partition(b"\n")[2])
    lists["texts"] = {key: "[]" for key in lists["texts"]}
    version = _lists_version(root)
    StoredChecks(root.joinpath(*CACHE_DIR)).write(pipeline.LISTS_PACK, version, lists)
    assert json.loads(pack.read_bytes().partition(b"\n")[2]) == lists


def _lists_version(root: Path) -> str:
    data = modelled(root)
    searches = pipeline.searches_version(data, depth=search_depth(5, CAPACITY))
    return pipeline.kept_lists_version(searches, top=5)


def test_a_pack_that_came_with_the_tree_is_never_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A lists pack whose digest matches is trusted when it is the local user's (untracked)
    and never when git tracks anything under `.cache/`."""
    monkeypatch.delenv("TANDEM_CACHE")
    root = copy_site(tmp_path / "repo")
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "the tree")
    monkeypatch.setenv("TANDEM_CACHE", "off")
    without = lists_of(root)
    monkeypatch.delenv("TANDEM_CACHE")
    assert lists_of(root) == without  # cold: writes the packs
    assert lists_of(root) == without  # warm: reads them
    poisoned(root)
    assert lists_of(root) != without  # an untracked pack is the local user's: read
    data = modelled(root)  # with a committed pack, the check stops with an error
    git(root, "add", "-f", ".cache")
    git(root, "commit", "-qm", "a pull request with a pack")
    with pytest.raises(TandemError, match=r"\.cache:1:1: error: \d files under \.cache/"):
        modelled(root)
    assert lists_of(root, data) == without


def test_a_damaged_pack_is_not_read_and_is_written_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TANDEM_CACHE")
    root = copy_site(tmp_path / "tree")
    without = lists_of(root)
    assert lists_of(root) == without
    packs = [
        root.joinpath(*CACHE_DIR, name) for name in (pipeline.SEARCHES_PACK, pipeline.LISTS_PACK)
    ]
    texts = [pack.read_bytes() for pack in packs]
    for damaged in ([packs[1]], packs):  # an unchanged market reads the lists pack alone
        for pack in damaged:
            pack.write_bytes(pack.read_bytes().replace(b'"', b"'", 40))
        assert lists_of(root) == without
        assert [pack.read_bytes() for pack in packs] == texts  # written again, as they were


def test_the_packs_are_for_one_day(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Today is in every kept search's version: a run on another day reads nothing."""
    monkeypatch.delenv("TANDEM_CACHE")
    root = copy_site(tmp_path / "tree")
    data = modelled(root)
    lists_of(root)
    later = dataclasses.replace(data, today=data.today + dt.timedelta(days=30))
    kept_later = pipeline.suggested_kept(root, later, form=json_form(), lists=True)
    monkeypatch.setenv("TANDEM_CACHE", "off")
    assert kept_later == pipeline.suggested_kept(root, later, form=json_form(), lists=True)
    assert pipeline.searches_version(data, depth=5) != pipeline.searches_version(later, depth=5)
