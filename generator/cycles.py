"""The cycle collector, paused while a run builds its many small objects.

A run of a command or a build allocates hundreds of thousands of small dicts, lists, tuples and
frozen dataclasses (documents, records, profiles, suggestions) and keeps nearly all of them to
the end. With 10,000 ads the collector would rescan that growing heap again and again, a
quarter of a command's time, and find nothing: none of it forms a reference cycle, so plain
reference counting frees it. Pausing is scoped, so a process that runs many commands (the test
suite, `mkdocs serve`) gets its collector back after each.
"""

from __future__ import annotations

import atexit
import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_cycle_collection(*, age: bool = True) -> Iterator[None]:
    """Run the body with the cycle collector off, then put it back as it was.

    With `age`, what the body made is put among the oldest objects as the collector comes
    back: it was made to be kept, and left where it was made (the youngest generation) the
    collector's next pass would walk all of it at once, on one core, for nothing: 1.5 s at
    the end of a 10,000-ad build, whose process ends right after. Among the oldest, it is
    walked only when a full pass is due, as anything long-lived is. A process that goes on
    making and dropping such runs (`mkdocs serve`, whose every rebuild leaves the last one's
    pages and navigation behind, in cycles) passes `age=False`: there a full pass may not
    come for many rebuilds, and their garbage would pile up among the oldest meanwhile."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            if age:
                _age_all()
            gc.enable()


def _age_all() -> None:
    """Every object tracked into the oldest generation, without a pass (freezing moves them
    all into the permanent one, thawing them into the oldest), unless something else keeps
    objects frozen, which thawing would let go."""
    if gc.get_freeze_count() == 0:
        gc.freeze()
        gc.unfreeze()


def no_last_pass_at_exit() -> None:
    """At this process's exit, what is still alive is left to the operating system: no last
    pass of the collector over it. Python's exit walks every object left (after a build, the
    site and MkDocs' pages, files and navigation, which hold each other in cycles) and frees
    them one by one: most of a second at 10,000 ads, on one core, after the work is done.
    Python does not promise to finalise objects alive at exit; files, logs and
    `weakref.finalize` are closed by their own exit handlers, which still run."""
    global _exit_pass_skipped
    if not _exit_pass_skipped:
        atexit.register(gc.freeze)
        _exit_pass_skipped = True


_exit_pass_skipped = False
