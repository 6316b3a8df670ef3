"""Work split over two processes: this one and a forked copy of it, in step.

Matching an ad, forming its circles or finding its good pairs reads only what every ad shares
(the matcher's indexes), so half the ads can be done in a second process on the machine's
other core. Forked, not spawned: the copy starts with everything this process built (no
pickling of a matcher), and a spawned process would import the caller's main script again.

`in_step` runs a generator of steps for each share of the work: at each `yield` the values of
both shares meet (say, everyone's first choices, which decide crowding) and the answer goes
back to both; what each returns is the result of its share. Without a second process the
same steps run here for the whole work, so the answer is the same either way.

`Forked` runs one piece of work in a second process while this one goes on (the build makes
the pairing plan beside matching, and hands half its pages to one); its result comes back
through a pipe, or the work is done here when the second process cannot start or dies. What
the work needs that this process finds only after starting it is `Handed` over.
`can_fork` is the one rule for when any of them may fork.


through a pipe, or the work is done here when the second process cannot start or dies.
`Claims` shares out the items of a list between this process and a `Forked` one as they go,
so that both end together. `can_fork` is the one rule for when any of them may fork.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import pickle
import sys
import tempfile
import threading
import traceback
from collections.abc import Callable, Generator, Iterator, Sequence
from functools import partial
from multiprocessing.connection import Connection
from typing import Any, Generic, TypeVar

Share = tuple[int, int]
"""(part, parts): the items of a share are those at part, part + parts, part + 2 × parts, …"""
WHOLE: Share = (0, 1)

Y = TypeVar("Y")  # what the shares' steps yield to meet
S = TypeVar("S")  # what the meeting sends back to every share
R = TypeVar("R")  # what a share's steps return
T = TypeVar("T")  # what a Forked work returns
V = TypeVar("V")  # what is Handed to a Forked work
Steps = Callable[[Share], Generator[Y, S, R]]


def can_fork() -> bool:
    """A second core to run on, and processes that start as copies of this one (no
    pickling): Linux and other systems with fork, outside of a process with other threads
    (a copy of a process made while another thread holds a lock can hang; `mkdocs serve`
    has threads, the command line has none). One second process at a time: a second
    process does not fork again, and while one runs this one forks no other, since two
    cores are busy then (the build makes the pairing plan in one while it matches)."""
    return (
        not _in_second_process
        and _second_processes == 0
        and _usable_cores() > 1
        and "fork" in multiprocessing.get_all_start_methods()
        and threading.active_count() == 1
    )


_in_second_process = False
"""True in a process forked by this module."""
_second_processes = 0
"""Second processes of this one now running."""


def _now_second_process() -> None:
    global _in_second_process
    _in_second_process = True


def _count_second_process(change: int) -> None:
    global _second_processes
    _second_processes += change


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
    _count_second_process(+1)
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
        _count_second_process(-1)


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
    _now_second_process()

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


class Forked(Generic[T]):
    """`work()` running in a forked process from now on, where `can_fork()` allows and the
    caller finds it worth it (`fork`); else it is done here when its result is asked for.
    `result()` returns what it returned, or raises what it raised."""

    def __init__(
        self, work: Callable[[], T], *, fork: bool = True, handing: Sequence[Handed[Any]] = ()
    ) -> None:
        """`handing`: what the work `get`s from this process after it has started."""
        self.work = work
        self._answer: Connection | None = None
        self._process: Any = None
        self._handing = handing
        if not (fork and can_fork()):
            return
        context = multiprocessing.get_context("fork")
        answer, send = context.Pipe(duplex=False)
        try:
            for handed in handing:
                handed.open()
        except OSError:  # no way to hand over: the work is done here when asked for
            for handed in handing:
                handed.close()
            answer.close()
            send.close()
            return
        # What this process has buffered would be written a second time by the copy.
        sys.stdout.flush()
        sys.stderr.flush()
        process = context.Process(target=_answer_with, args=(work, send, handing), daemon=False)
        try:
            process.start()
        except OSError:  # no second process now: the work is done here when asked for
            answer.close()
            for handed in handing:
                handed.close()
            return
        finally:
            send.close()
        for handed in handing:
            handed.opened_here()
        self._answer, self._process = answer, process
        _count_second_process(+1)

    @property
    def forked(self) -> bool:
        return self._process is not None

    def result(self) -> T:
        if self._answer is None:
            return self.work()
        try:
            outcome, value = self._answer.recv()
        except (EOFError, OSError):  # it ended without answering (killed, out of memory)
            outcome, value = "lost", None
        finally:
            self._end(terminate=False)
        if outcome == "raised":
            raise value
        if outcome == "lost":
            return self.work()
        return value  # type: ignore[no-any-return]

    def stop(self) -> None:
        """End the second process, when its result is no longer wanted."""
        self._end(terminate=True)

    def _end(self, *, terminate: bool) -> None:
        answer, process, self._answer, self._process = self._answer, self._process, None, None
        if answer is not None:
            answer.close()
        if process is not None:
            if terminate and process.is_alive():
                process.terminate()
            process.join()
            _count_second_process(-1)
        for handed in self._handing:  # what was not handed over by now never will be
            handed.close()


def _answer_with(work: Callable[[], Any], send: Connection, handing: Sequence[Handed[Any]]) -> None:
    _now_second_process()
    for handed in handing:
        handed.opened_there()
    try:
        answer: tuple[str, Any] = ("returned", work())
    except BaseException as exc:  # every outcome goes back to the parent
        answer = ("raised", exc)
    try:
        send.send(answer)
    except (pickle.PicklingError, TypeError, AttributeError) as exc:
        send.send(("raised", RuntimeError(f"the second process's answer: {exc}")))
    send.close()


class Handed(Generic[V]):
    """A value a `Forked` work needs part-way, which this process finds only after starting
    it (the build's circles, which its pairing plan reads after its first matching): this
    process `hand`s it over, the work `get`s it, and waits for it there until then.

    Over a file both processes share, with only its length through a pipe: this process
    never waits for the work to read (a pipe holds 64 KiB). Without a second process, or
    when its work is done here after all, `get` returns what was handed here.
    """

    def __init__(self) -> None:
        self._value: tuple[V] | None = None
        self._file: Any = None
        self._receive: Connection | None = None
        self._send: Connection | None = None

    def open(self) -> None:
        """Before the fork: the file and the pipe, both ends in both processes."""
        self._file = tempfile.TemporaryFile()  # noqa: SIM115 (closed by `close`, in each process)
        self._receive, self._send = multiprocessing.get_context("fork").Pipe(duplex=False)

    def opened_here(self) -> None:
        """After the fork, in this process: only the work reads."""
        if self._receive is not None:
            self._receive.close()
            self._receive = None

    def opened_there(self) -> None:
        """After the fork, in the work's process: only this process sends, so the work
        learns when it never will (the pipe ends)."""
        if self._send is not None:
            self._send.close()
            self._send = None

    def hand(self, value: V) -> None:
        self._value = (value,)  # for the work done here
        if self._send is None:
            return
        data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        with contextlib.suppress(OSError):  # the work's process has ended: done here then
            _write_all(self._file.fileno(), data)
            self._send.send(len(data))
        self.close()

    def get(self) -> V:
        """What was handed, waiting for it when it comes from the other process; raises
        `SecondProcessFailed` when it never will."""
        if self._value is None:
            self._value = (self._received(),)
        return self._value[0]

    def _received(self) -> V:
        if self._receive is None:
            raise SecondProcessFailed("nothing was handed over")
        try:
            size = self._receive.recv()
            data = _read_all(self._file.fileno(), size)
        except (EOFError, OSError) as exc:
            raise SecondProcessFailed("the value to hand over never came") from exc
        finally:
            self.close()
        value: V = pickle.loads(data)  # noqa: S301 (written by this process's parent)
        return value

    def close(self) -> None:
        for end in (self._receive, self._send, self._file):
            if end is not None:
                end.close()
        self._receive = self._send = self._file = None


def _write_all(fd: int, data: bytes) -> None:
    written = 0
    while written < len(data):
        written += os.pwrite(fd, memoryview(data)[written:], written)


def _read_all(fd: int, size: int) -> bytes:
    parts: list[bytes] = []
    done = 0
    while done < size:
        part = os.pread(fd, size - done, done)
        if not part:
            raise EOFError("the value handed over is shorter than its length")
        parts.append(part)
        done += len(part)
    return b"".join(parts)


class Claims:
    """The positions 0 … count - 1 of a list, each taken once, by this process and a forked
    copy of it as they work: the copy takes them from the front, this process from the back,
    so both end within an item of each other however the work or the cores are shared out.

    Made before the fork (the two ends are shared memory, under a lock). This process takes
    from the back only once the copy has taken its first: until then the copy may not have
    started, and `Forked` does its work here if it never does. A process that finds the lock
    held for `CLAIM_WAIT` stops taking (the other, killed or stalled while holding it, takes
    the rest or has them taken again here): never a hang, never an item left out."""

    def __init__(self, count: int) -> None:
        self._ends = multiprocessing.get_context("fork").Array("q", [0, count])
        self._maker = os.getpid()
        self._alone = False  # here, once the copy is gone: no lock to wait for

    def front(self) -> int | None:
        """The next position from the front, or None when none is left."""
        with self._held() as ends:
            if ends is None or ends[0] >= ends[1]:
                return None
            ends[0] += 1
            return int(ends[0] - 1)

    def back(self) -> int | None:
        """The next position from the back, or None when none is left or the copy has taken
        none yet."""
        with self._held() as ends:
            if ends is None or ends[0] >= ends[1] or (ends[0] == 0 and not self._alone):
                return None
            ends[1] -= 1
            return int(ends[1])

    def start_front(self) -> None:
        """Said by the work that takes from the front as it starts. In the copy, nothing;
        here, where `Forked` does that work when the copy never started or ended without
        answering, the front starts again from 0 (the copy may have died in the middle of an
        item, or holding the lock)."""
        if os.getpid() == self._maker:
            self.alone()
            self._ends.get_obj()[0] = 0

    def alone(self) -> None:
        """The copy has answered or is gone: from now on this process takes what is left
        (what a copy that stopped taking left) without the lock."""
        self._alone = True

    @contextlib.contextmanager
    def _held(self) -> Iterator[Any]:
        """The two ends under the lock (None: it was held too long)."""
        ends = self._ends.get_obj()
        if self._alone:
            yield ends
            return
        lock = self._ends.get_lock()
        if not lock.acquire(timeout=CLAIM_WAIT):
            yield None
            return
        try:
            yield ends
        finally:
            lock.release()


CLAIM_WAIT = 5.0
"""Seconds a claim waits for the other process's: a claim takes microseconds, so a lock held
this long was held by a process that was killed or is stalled."""
