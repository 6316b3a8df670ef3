"""Work split over two processes: this one and a forked copy of it, in step.

Matching an ad, forming its circles or finding its good pairs reads only what every ad shares
(the matcher's indexes), so half the ads can be done in a second process on the machine's
other core. Forked, not spawned: the copy starts with everything this process built (no
pickling of a matcher), and a spawned process would import the caller's main script again.

`in_step` runs a generator of steps for each share of the work: at each `yield` the values of
both shares meet (say, everyone's first choices, which decide crowding) and the answer goes
back to both; what each returns is the result of its share. Without a second process the
same steps run here for the whole work, so the answer is the same either way.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import threading
import traceback
from collections.abc import Callable, Generator
from functools import partial
from multiprocessing.connection import Connection
from typing import Any, TypeVar

Share = tuple[int, int]
"""(part, parts): the items of a share are those at part, part + parts, part + 2 × parts, …"""
WHOLE: Share = (0, 1)

Y = TypeVar("Y")  # what the shares' steps yield to meet
S = TypeVar("S")  # what the meeting sends back to every share
R = TypeVar("R")  # what a share's steps return
Steps = Callable[[Share], Generator[Y, S, R]]


def can_fork() -> bool:
    """A second core to run on, and processes that start as copies of this one (no
    pickling): Linux and other systems with fork, outside of a process with other threads
    (a copy of a process made while another thread holds a lock can hang; `mkdocs serve`
    has threads, the command line has none)."""
    return (
        _usable_cores() > 1
        and "fork" in multiprocessing.get_all_start_methods()
        and threading.active_count() == 1
    )


def _usable_cores() -> int:
    """The cores this process may run on (`taskset -c 0` leaves one), else all of them."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def in_step(steps: Steps[Y, S, R], meet: Callable[[list[Y]], S], *, fork: bool) -> list[R]:
    """What `steps` returns for each share, in share order: two shares (the second in a
    forked process) when `fork` and `can_fork()`, else one, the WHOLE work, here.

    When the second process fails (it cannot start, or dies), the work is done again here,
    whole: the same answer, later.
    """
    if fork and can_fork():
        try:
            return _in_two(steps, meet)
        except SecondProcessFailed:
            pass
    return [_last(steps(WHOLE), lambda value: meet([value]))]


class SecondProcessFailed(Exception):
    """The forked process could not start, died, or raised (its traceback is the message)."""


def _last(steps: Generator[Y, S, R], meet: Callable[[Y], S]) -> R:
    """Run one share's steps to the end, each yielded value answered by `meet`."""
    try:
        value = next(steps)
        while True:
            value = steps.send(meet(value))
    except StopIteration as done:
        result: R = done.value
        return result


def _in_two(steps: Steps[Y, S, R], meet: Callable[[list[Y]], S]) -> list[R]:
    context = multiprocessing.get_context("fork")
    try:
        here, there = context.Pipe()
        second = context.Process(target=_serve, args=(steps, there), daemon=True)
        second.start()
    except OSError as exc:
        raise SecondProcessFailed(str(exc)) from exc
    there.close()
    try:

        def both_meet(value: Y) -> S:
            answer = meet([value, _receive(here, "yield")])
            here.send(answer)
            return answer

        mine = _last(steps((0, 2)), both_meet)
        return [mine, _receive(here, "return")]
    finally:
        here.close()
        second.join(timeout=5)
        if second.is_alive():
            second.kill()
            second.join()


def _receive(connection: Connection, expected: str) -> Any:
    try:
        kind, value = connection.recv()
    except (EOFError, OSError) as exc:
        raise SecondProcessFailed("the second process ended early") from exc
    if kind != expected:
        raise SecondProcessFailed(value if kind == "error" else f"out of step: {kind}")
    return value


def _serve(steps: Steps[Any, Any, Any], connection: Connection) -> None:
    """The second process: share (1, 2), each yielded value sent and answered over the pipe."""

    def meet(value: Any) -> Any:
        connection.send(("yield", value))
        return connection.recv()

    try:
        connection.send(("return", _last(steps((1, 2)), meet)))
    except BaseException:  # reported to the first process, which does the work again
        with contextlib.suppress(OSError):  # unless it has given up on this one
            connection.send(("error", traceback.format_exc()))
    finally:
        connection.close()


def in_parts(work: Callable[[Share], R], *, fork: bool) -> list[R]:
    """`in_step` for work whose shares need not meet: what `work` returns for each share."""
    return in_step(partial(_at_once, work), _never_met, fork=fork)


def _at_once(work: Callable[[Share], R], share: Share) -> Generator[None, None, R]:
    yield from ()  # steps that never meet
    return work(share)


def _never_met(values: list[None]) -> None:
    raise AssertionError("steps without a yield never meet")
