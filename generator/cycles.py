"""The cycle collector, paused while a run builds its many small objects.

A run of a command or a build allocates hundreds of thousands of small dicts, lists, tuples and
frozen dataclasses (documents, records, profiles, suggestions) and keeps nearly all of them to
the end. With 10,000 ads the collector would rescan that growing heap again and again, a
quarter of a command's time, and find nothing: none of it forms a reference cycle, so plain
reference counting frees it. Pausing is scoped, so a process that runs many commands (the test
suite, `mkdocs serve`) gets its collector back after each.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_cycle_collection() -> Iterator[None]:
    """Run the body with the cycle collector off, then put it back as it was."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
