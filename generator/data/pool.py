"""Load and check many files on both cores, with the result one process would give.

Every file is checked on its own (`validate.check_file`), so the files can be shared out:
a forked process and this one take chunks of the list in turn from a shared counter until
none is left (a busy core simply takes fewer), and the results are put back in the order
of the list. The forked process sends back what it checked: problems and records with
their data and text, never the map of places, which is found later only where a message
needs it. One process checks small lists, and every list where no process may fork
(`generator.forks.can_fork`); if the second process fails, this one checks what it
did not send.
"""

from __future__ import annotations

import multiprocessing
import pickle
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from generator.forks import Forked, can_fork

Task = TypeVar("Task")
Result = TypeVar("Result")
Kept = TypeVar("Kept")

PARALLEL_FROM = 1_000
"""Files from which a second process checks its share: below, starting it costs more than
it saves (a tenth of a second for a thousand files)."""
CHUNK = 200
"""Files taken at a time: few enough to share out evenly, many enough to keep the
counter quiet."""


@dataclass(frozen=True)
class _Work(Generic[Task, Result]):
    check: Callable[[Task], Result]
    tasks: Sequence[Task]
    next_chunk: Any  # a multiprocessing.Value shared by both processes

    def take_chunks(self) -> dict[int, list[Result]]:
        """Check chunk after chunk, as long as the other process has not taken them all."""
        return self._take(_as_checked)

    def take_pickled_chunks(self) -> dict[int, bytes]:
        """`take_chunks` in the second process: each chunk pickled as soon as it is checked,
        so the pickling (a quarter of a second for half of 12,000 files) is shared out with
        the chunks rather than done after the last, while the first process waits."""
        return self._take(_pickled)

    def _take(self, kept: Callable[[list[Result]], Kept]) -> dict[int, Kept]:
        done: dict[int, Kept] = {}
        chunks = -(-len(self.tasks) // CHUNK)
        while True:
            with self.next_chunk.get_lock():
                number = self.next_chunk.value
                self.next_chunk.value = number + 1
            if number >= chunks:
                return done
            done[number] = kept(self.checked(number))

    def checked(self, number: int) -> list[Result]:
        return [self.check(task) for task in self.tasks[number * CHUNK : (number + 1) * CHUNK]]


def _as_checked(results: list[Result]) -> list[Result]:
    return results


def _pickled(results: list[Result]) -> bytes:
    return pickle.dumps(results, pickle.HIGHEST_PROTOCOL)


def checked_in_order(
    check: Callable[[Task], Result],
    tasks: Sequence[Task],
    *,
    parallel_from: int = PARALLEL_FROM,
) -> list[Result]:
    """`[check(task) for task in tasks]`, on two cores when the list is long and a process
    may fork here; `check` must give the same answer in either process."""
    if len(tasks) < parallel_from or not can_fork():
        return [check(task) for task in tasks]
    return _in_two(check, tasks)


def _in_two(check: Callable[[Task], Result], tasks: Sequence[Task]) -> list[Result]:
    try:
        work = _Work(check, tasks, multiprocessing.get_context("fork").Value("l", 0))
    except (OSError, ValueError):  # no fork, or no shared memory for the counter
        return [check(task) for task in tasks]
    other = Forked(work.take_pickled_chunks)
    mine = work.take_chunks()
    # A second process that was lost sent nothing: asked again here, it finds no chunk left,
    # and the chunks it had taken are checked below.
    sent = other.result()  # pickled by our own forked copy
    done = {number: pickle.loads(chunk) for number, chunk in sent.items()} | mine  # noqa: S301
    chunks = -(-len(tasks) // CHUNK)
    return [
        result
        for number in range(chunks)
        for result in (done[number] if number in done else work.checked(number))
    ]
