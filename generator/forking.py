"""Work done in a second process where that is safe: one rule for when to fork, one way to.

A forked process starts as a copy of this one, so it reads the gathered data without any
pickling; only its result comes back, through a pipe. The answer is the same either way:
where no second process can start, or it ends without answering, the work is done here when
its result is asked for.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import sys
import threading
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any, Generic, TypeVar

T = TypeVar("T")


def can_fork() -> bool:
    """A second core, and processes that start as copies of this one (no pickling of the
    site): Linux and other systems with fork, outside of a process with other threads (a
    copy of a process made while another thread holds a lock can hang: `mkdocs serve` has
    threads, the command line and `mkdocs build` have none)."""
    return (
        (os.cpu_count() or 1) > 1
        and "fork" in multiprocessing.get_all_start_methods()
        and threading.active_count() == 1
    )


class Forked(Generic[T]):
    """`work()` running in a forked process from now on, where `can_fork()` allows and the
    caller finds it worth it (`fork`); else it is done here when its result is asked for.
    `result()` returns what it returned, or raises what it raised."""

    def __init__(self, work: Callable[[], T], *, fork: bool = True) -> None:
        self.work = work
        self._answer: Connection | None = None
        self._process: Any = None
        if not (fork and can_fork()):
            return
        context = multiprocessing.get_context("fork")
        answer, send = context.Pipe(duplex=False)
        # What this process has buffered would be written a second time by the copy.
        sys.stdout.flush()
        sys.stderr.flush()
        process = context.Process(target=_answer_with, args=(work, send), daemon=False)
        try:
            process.start()
        except OSError:  # no second process now: the work is done here when asked for
            answer.close()
            return
        finally:
            send.close()
        self._answer, self._process = answer, process

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


def _answer_with(work: Callable[[], Any], send: Connection) -> None:
    try:
        answer: tuple[str, Any] = ("returned", work())
    except BaseException as exc:  # every outcome goes back to the parent
        answer = ("raised", exc)
    try:
        send.send(answer)
    except (pickle.PicklingError, TypeError, AttributeError) as exc:
        send.send(("raised", RuntimeError(f"the second process's answer: {exc}")))
    send.close()
