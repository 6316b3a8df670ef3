"""Work done in a second process gives what one process gives: the same site byte for byte,
the same warnings under --strict, the same errors; and the work is done here when the second
process cannot start or ends without answering.

The sample is small, so the thresholds are lowered to make the second process happen.
"""

from __future__ import annotations

import datetime as dt
import gc
import logging
import multiprocessing
import os
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from conftest import EPOCH, SAMPLE, TODAY
from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort
from mkdocs.structure.pages import Page

from generator import forks, pipeline, plugin
from generator.forks import Claims, Forked, can_fork

PARENT = os.getpid()


@pytest.fixture(autouse=True)
def _forks_here() -> None:
    assert can_fork(), "this machine cannot fork: the tests would compare one with one"


def _in_second_process() -> bool:
    return os.getpid() != PARENT


# --- Forked ------------------------------------------------------------------------------------


def test_forked_work_returns_from_the_second_process() -> None:
    work = Forked(lambda: (os.getpid(), [1, 2, 3]))
    pid, value = work.result()
    assert pid != PARENT and value == [1, 2, 3]


def test_what_the_work_raises_is_raised_here() -> None:
    def fail() -> None:
        raise ValueError("no partner for 'x'")

    with pytest.raises(ValueError, match="no partner for 'x'"):
        Forked(fail).result()


def test_work_whose_process_ends_without_answering_is_done_here() -> None:
    def dies_there() -> int:
        if _in_second_process():
            os._exit(3)
        return os.getpid()

    assert Forked(dies_there).result() == PARENT


def test_work_not_worth_a_process_is_done_here() -> None:
    assert Forked(os.getpid, fork=False).result() == PARENT


def test_claims_are_taken_from_the_front_there_and_from_the_back_here_each_once() -> None:
    claims = Claims(5)
    assert claims.back() is None  # the second process has taken none: it may not have started
    assert [claims.front(), claims.back(), claims.back(), claims.front(), claims.back()] == [
        0,
        4,
        3,
        1,
        2,
    ]
    assert (claims.front(), claims.back()) == (None, None)


def test_claims_taken_by_both_processes_cover_every_position_once() -> None:
    count = 2000
    claims = Claims(count)
    started = multiprocessing.get_context("fork").Event()

    def from_the_front() -> list[int]:
        first = claims.front()
        started.set()
        assert first is not None
        return [first, *iter(claims.front, None)]

    theirs = Forked(from_the_front)
    assert theirs.forked and started.wait(timeout=60)
    mine = list(iter(claims.back, None))
    there = theirs.result()
    assert sorted([*there, *mine]) == list(range(count))
    assert mine == sorted(mine, reverse=True)


def test_claims_start_again_from_the_front_here_when_the_second_process_is_gone() -> None:
    claims = Claims(3)
    assert claims.front() == 0
    claims.start_front()  # here, where the work of a lost second process is done again
    assert [claims.front(), claims.front(), claims.front(), claims.front()] == [0, 1, 2, None]


def _from_the_front(claims: Claims, *, die_holding_the_lock: bool = False) -> list[int]:
    """What a second process's work does with claims; this one dies holding their lock after
    its first, where it runs in a second process."""
    claims.start_front()
    taken = []
    while (position := claims.front()) is not None:
        taken.append(position)
        if die_holding_the_lock and _in_second_process():
            claims._ends.get_lock().acquire()  # a death at the worst moment
            os._exit(3)
    return taken


def test_claims_of_a_second_process_killed_holding_their_lock_are_taken_here(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(forks, "CLAIM_WAIT", 0.05)
    claims = Claims(50)
    theirs = Forked(partial(_from_the_front, claims, die_holding_the_lock=True))
    assert theirs.forked
    mine = list(iter(claims.back, None))  # no hang: the lock is never let go
    there = theirs.result()  # lost: done again here, from the front
    claims.alone()
    assert sorted([*there, *mine, *iter(claims.back, None)]) == list(range(50))
    assert there == list(range(50 - len(mine)))


def test_claims_a_second_process_could_not_take_in_time_are_taken_here(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(forks, "CLAIM_WAIT", 0.05)
    claims = Claims(50)
    lock = claims._ends.get_lock()  # held here longer than a claim waits
    lock.acquire()
    theirs = Forked(partial(_from_the_front, claims))
    there = theirs.result()
    lock.release()
    assert there == [] and claims.back() is None  # it took none: as if it had not started
    claims.alone()
    assert list(iter(claims.back, None)) == list(range(49, -1, -1))


# --- the pairing plan beside matching ----------------------------------------------------------


def test_the_plan_made_in_a_second_process_is_the_plan_made_here(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    today = dt.date.fromisoformat(TODAY)
    here = pipeline.build(SAMPLE, today)
    monkeypatch.setattr(pipeline, "PLAN_BESIDE_FROM", 1)
    beside = pipeline.build(SAMPLE, today)
    assert beside == here
    assert beside.pages and any(p.src_uri == "pairings/index.md" for p in beside.pages)


# --- MkDocs' page loop on two cores ------------------------------------------------------------


@pytest.fixture()
def build_site(
    site_root: Callable[..., Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Callable[..., dict[str, bytes]]]:
    """A real `mkdocs build --strict` of the sample, in this process (so the plugin's module
    is this one), with or without the second process; returns the built site's files. With
    `site_url` set, so that the sitemap lists every page."""
    root = site_root(sample=True)
    monkeypatch.setenv("TANDEM_TODAY", TODAY)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    builds = iter(range(100))

    def build(*, two: bool, language: str = "en") -> dict[str, bytes]:
        config_file = root / "mkdocs.yml"
        text = config_file.read_text("utf-8").replace("language: en ", f"language: {language} ")
        config_file.write_text(text, "utf-8")
        monkeypatch.setattr(plugin, "HANDOFF_FROM", 1 if two else 10**9)
        out = tmp_path / f"site-{next(builds)}"
        config = load_config(
            str(config_file), site_dir=str(out), strict=True, site_url="https://tandem.example/"
        )
        config.plugins.on_startup(command="build", dirty=False)
        try:
            mkdocs_build(config)
        finally:
            config.plugins.on_shutdown()
        files = (f for f in out.rglob("*") if f.is_file())
        return {f.relative_to(out).as_posix(): f.read_bytes() for f in files}

    yield build


@pytest.fixture()
def handoffs(monkeypatch: pytest.MonkeyPatch) -> list[plugin.PageHandoff | None]:
    """Each hand-off the plugin starts (None: it built every page itself); each one started
    a second process."""
    started: list[plugin.PageHandoff | None] = []
    start = plugin.PageHandoff.start

    def spy(*args: Any, **kwargs: Any) -> plugin.PageHandoff | None:
        handoff = start(*args, **kwargs)
        assert handoff is None or handoff.work.forked
        started.append(handoff)
        return handoff

    monkeypatch.setattr(plugin.PageHandoff, "start", spy)
    return started


@pytest.mark.parametrize("language", ["en", "de"])
def test_two_processes_build_the_site_one_builds(
    build_site: Callable[..., dict[str, bytes]],
    handoffs: list[plugin.PageHandoff | None],
    language: str,
) -> None:
    one = build_site(two=False, language=language)
    assert handoffs == [None]
    two = build_site(two=True, language=language)
    handoff = handoffs[-1]
    assert handoff is not None and not handoff.work.forked  # waited for and reaped
    assert {f.src_uri.partition("/")[0] for f in handoff.handed} >= {
        "ads",
        "partnerships",
        "skills",
    }
    assert sorted(two) == sorted(one)
    assert [name for name in one if one[name] != two[name]] == []
    assert b"<loc>https://tandem.example/ads/jana-schulz/</loc>" in two["sitemap.xml"]


def _ad_pages_logged(monkeypatch: pytest.MonkeyPatch, say: Callable[[Page], None]) -> None:
    """Make building each ad page call `say` with it (in whichever process builds it)."""
    post_page = plugin.TandemPlugin.on_post_page

    def on_post_page(self: plugin.TandemPlugin, output: str, **kwargs: Any) -> str:
        if kwargs["page"].file.src_uri.startswith("ads/") and not kwargs["page"].is_index:
            say(kwargs["page"])
        return post_page(self, output, **kwargs)

    monkeypatch.setattr(plugin.TandemPlugin, "on_post_page", on_post_page)


def test_pages_the_second_process_has_not_taken_yet_are_built_here_from_the_last(
    build_site: Callable[..., dict[str, bytes]],
    handoffs: list[plugin.PageHandoff | None],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    one = build_site(two=False)
    taken_back = multiprocessing.get_context("fork").Event()
    here: list[str] = []

    def hold_there_until_one_is_taken_back(page: Page) -> None:
        handoff = handoffs[-1]
        if _in_second_process():
            taken_back.wait(timeout=60)  # its first ad page, until this process took one back
        elif handoff is not None and page.file.src_uri in {f.src_uri for f in handoff.handed}:
            here.append(page.file.src_uri)
            taken_back.set()

    _ad_pages_logged(monkeypatch, hold_there_until_one_is_taken_back)
    two = build_site(two=True)
    handoff = handoffs[-1]
    assert handoff is not None and here
    first_ad = next(f.src_uri for f in handoff.handed if f.src_uri.startswith("ads/"))
    assert here == sorted(here, reverse=True) and first_ad not in here  # built there
    assert [name for name in one if one.get(name) != two.get(name)] == []
    assert sorted(two) == sorted(one)


def test_warnings_of_the_second_process_fail_a_strict_build_as_they_would_here(
    build_site: Callable[..., dict[str, bytes]],
    handoffs: list[plugin.PageHandoff | None],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    where: set[bool] = set()

    def warn(page: Page) -> None:
        where.add(_in_second_process())  # only this process's own calls are seen here
        logging.getLogger("mkdocs.plugins.test").warning("look at %s", page.file.src_uri)

    _ad_pages_logged(monkeypatch, warn)
    messages = []
    for two in (False, True):
        caplog.clear()
        with pytest.raises(Abort) as aborted:
            build_site(two=two)
        warned = sorted(r.getMessage() for r in caplog.records if r.levelno == logging.WARNING)
        messages.append((str(aborted.value), warned))
    assert handoffs[-1] is not None
    assert messages[1] == messages[0]
    assert "look at ads/jana-schulz.md" in messages[0][1]


def test_an_error_in_the_second_process_fails_the_build_as_it_would_here(
    build_site: Callable[..., dict[str, bytes]],
    handoffs: list[plugin.PageHandoff | None],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    def fail(page: Page) -> None:
        if _in_second_process() or handoffs[-1] is None:
            raise ValueError(f"cannot write {page.file.src_uri}")

    _ad_pages_logged(monkeypatch, fail)
    failures = []
    for two in (False, True):
        caplog.clear()
        with pytest.raises(ValueError, match="cannot write ads/") as failed:
            build_site(two=two)
        errors = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
        failures.append((str(failed.value), errors))
    handoff = handoffs[-1]
    assert handoff is not None
    first_ad = next(f.src_uri for f in handoff.handed if f.src_uri.startswith("ads/"))
    assert failures[1][0] == f"cannot write {first_ad}"
    assert f"Error building page '{first_ad}': cannot write {first_ad}" in failures[1][1]


def test_pages_of_a_second_process_that_ends_without_answering_are_built_here(
    build_site: Callable[..., dict[str, bytes]],
    handoffs: list[plugin.PageHandoff | None],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    one = build_site(two=False)

    def die(page: Page) -> None:
        if _in_second_process():
            os._exit(3)

    _ad_pages_logged(monkeypatch, die)
    two = build_site(two=True)
    assert handoffs[-1] is not None
    assert [name for name in one if one.get(name) != two.get(name)] == []
    assert sorted(two) == sorted(one)


def test_the_cycle_collector_is_paused_for_the_pages_and_back_after_any_build(
    build_site: Callable[..., dict[str, bytes]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    collecting: list[bool] = []
    _ad_pages_logged(monkeypatch, lambda page: collecting.append(gc.isenabled()))
    build_site(two=False)
    assert collecting and not any(collecting)
    assert gc.isenabled()

    def fail(page: Page) -> None:
        raise ValueError(f"cannot write {page.file.src_uri}")

    _ad_pages_logged(monkeypatch, fail)
    with pytest.raises(ValueError, match="cannot write ads/"):
        build_site(two=False)
    assert gc.isenabled()
