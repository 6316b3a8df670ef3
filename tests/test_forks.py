"""Work in two processes (`generator.forks`): the shares meet in step, the answer is the one
of a single process, and a second process that fails costs time, never the answer."""

from __future__ import annotations

import os
import signal
from collections.abc import Generator, Iterator
from types import FrameType

import pytest

from generator.forks import (
    WHOLE,
    Forked,
    Handed,
    SecondProcessFailed,
    Share,
    can_fork,
    in_parts,
    in_step,
)

pytestmark = pytest.mark.skipif(not can_fork(), reason="no second process here (fork, cores)")


def counting(share: Share) -> Generator[int, int, tuple[Share, int, list[int]]]:
    """Each share yields the sum of its items, and the total of all comes back; the first
    share yields it again (to be summed with nothing); each returns its items scaled by it,
    and the process it ran in."""
    part, parts = share
    mine = list(range(part, 10, parts))
    total = yield sum(mine)
    again = yield total if part == 0 else 0
    return share, os.getpid(), [item * again for item in mine]


def total(values: list[int]) -> int:
    return sum(values)


def test_two_shares_meet_in_step_and_return_in_order() -> None:
    met: list[list[int]] = []

    def meet(values: list[int]) -> int:
        met.append(values)
        return sum(values)

    (first, here, mine), (second, there, theirs) = in_step(counting, meet, fork=True)
    assert (first, second) == ((0, 2), (1, 2)) and here == os.getpid() != there
    assert met == [[20, 25], [45, 0]]
    assert sorted(mine + theirs) == [item * 45 for item in range(10)]


def test_one_process_gives_the_same_answer_whole() -> None:
    [(share, pid, items)] = in_step(counting, total, fork=False)
    assert share == WHOLE and pid == os.getpid()
    assert items == [item * 45 for item in range(10)]


def failing_there(share: Share) -> Generator[int, int, list[int]]:
    if share == (1, 2):
        raise RuntimeError("broken in the second process")
    total = yield share[0]
    return [total]


def test_a_failing_second_process_means_the_work_is_done_here() -> None:
    assert in_step(failing_there, total, fork=True) == [[0]]


def dying_there(share: Share) -> list[int]:
    if share == (1, 2):
        os._exit(3)  # as if killed: no answer at all
    return list(range(*share))


def test_a_second_process_that_dies_means_the_work_is_done_here() -> None:
    assert in_parts(dying_there, fork=True) == [[0]]


def test_an_error_here_is_raised_here() -> None:
    def broken(share: Share) -> int:
        raise ValueError(share)

    with pytest.raises(ValueError):
        in_parts(broken, fork=True)


# --- what is handed to a forked work after it started ------------------------------------------


@pytest.fixture()
def no_hang() -> Iterator[None]:
    """A test that would hang (one process waiting for the other for ever) fails instead."""

    def hung(signum: int, frame: FrameType | None) -> None:
        raise AssertionError("the two processes waited for each other")

    before = signal.signal(signal.SIGALRM, hung)
    signal.alarm(120)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, before)


def test_what_is_handed_after_the_fork_reaches_the_work_there(no_hang: None) -> None:
    handed: Handed[list[int]] = Handed()
    work = Forked(lambda: (os.getpid(), handed.get()), handing=[handed])
    assert work.forked
    value = list(range(200_000))  # far more than a pipe holds
    handed.hand(value)
    there, got = work.result()
    assert there != os.getpid() and got == value


def test_handing_over_never_waits_for_the_work_to_read(no_hang: None) -> None:
    first: Handed[bytes] = Handed()
    second: Handed[str] = Handed()
    work = Forked(lambda: (second.get(), len(first.get())), handing=[first, second])
    first.hand(b"x" * (1 << 21))  # read there only after the second, handed after it
    second.hand("then")
    assert work.result() == ("then", 1 << 21)


def test_what_is_handed_to_work_done_here_is_taken_here() -> None:
    handed: Handed[str] = Handed()
    work = Forked(lambda: (os.getpid(), handed.get()), fork=False, handing=[handed])
    handed.hand("here")
    assert not work.forked and work.result() == (os.getpid(), "here")


def test_work_whose_process_dies_is_done_here_with_what_was_handed(no_hang: None) -> None:
    parent = os.getpid()
    handed: Handed[int] = Handed()

    def dies_there() -> tuple[int, int]:
        if os.getpid() != parent:
            os._exit(3)
        return os.getpid(), handed.get()

    work = Forked(dies_there, handing=[handed])
    handed.hand(7)
    assert work.forked and work.result() == (parent, 7)


def test_work_waiting_for_what_is_never_handed_ends(no_hang: None) -> None:
    handed: Handed[int] = Handed()
    work = Forked(handed.get, handing=[handed])
    handed.close()  # this process gives up: the work learns it will never come
    with pytest.raises(SecondProcessFailed, match="never came"):
        work.result()
    stopped: Handed[int] = Handed()
    Forked(stopped.get, handing=[stopped]).stop()  # or it is ended while it waits
