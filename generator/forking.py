"""When a second process may start as a copy of this one: the one rule, for every stage.

Forked, not spawned: a spawned process imports the caller's main script again (and runs
it, if it has no `__main__` guard), and a fork needs nothing pickled on the way in.
"""

from __future__ import annotations

import multiprocessing
import os
import threading


def can_fork() -> bool:
    """A second core, and processes that start as copies of this one: Linux and other
    systems with fork, outside of a process with other threads (a copy of a process made
    while another thread holds a lock can hang: `mkdocs serve` has several)."""
    return (
        (os.cpu_count() or 1) > 1
        and "fork" in multiprocessing.get_all_start_methods()
        and threading.active_count() == 1
    )
