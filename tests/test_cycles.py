"""The cycle collector around a run (`generator.cycles`): paused while it builds, then back
without a pass over everything the run made, and no last pass at the process's exit."""

from __future__ import annotations

import gc
import subprocess
import sys
import weakref
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator.cycles import paused_cycle_collection


class Node:
    def __init__(self) -> None:
        self.me = self  # a reference cycle: only the collector frees it


@pytest.fixture(autouse=True)
def collector_on() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.enable()
    yield
    if not enabled:
        gc.disable()


def in_generation(value: object, generation: int) -> bool:
    return any(o is value for o in gc.get_objects(generation=generation))


def test_what_a_pause_made_is_among_the_oldest_objects_after_it() -> None:
    with paused_cycle_collection():
        assert not gc.isenabled()
        made = [Node() for _ in range(1000)]
    assert gc.isenabled()
    assert in_generation(made, 2) and in_generation(made[-1], 2)
    assert gc.get_count()[0] < 100  # the youngest generation no longer holds the run's objects


def test_garbage_made_in_a_pause_is_still_collected() -> None:
    with paused_cycle_collection():
        node = Node()
        gone = weakref.ref(node)
        del node
    assert gone() is not None  # a cycle: reference counting alone does not free it
    gc.collect()
    assert gone() is None


def test_a_pause_leaves_what_others_froze_frozen() -> None:
    frozen = Node()
    gc.freeze()
    try:
        before = gc.get_freeze_count()
        with paused_cycle_collection():
            Node()
        assert gc.get_freeze_count() == before and not in_generation(frozen, 2)
    finally:
        gc.unfreeze()


def test_a_pause_that_does_not_age_leaves_its_garbage_to_the_young_passes() -> None:
    """`mkdocs serve` pauses each rebuild with `age=False`: a rebuild's dropped pages (in
    cycles) are freed by the collector's next young pass, not left among the oldest."""
    with paused_cycle_collection(age=False):
        node = Node()
        gone = weakref.ref(node)
        del node
    assert in_generation(gone(), 0)
    gc.collect(generation=0)
    assert gone() is None


def test_a_pause_inside_a_pause_leaves_the_collector_off() -> None:
    with paused_cycle_collection():
        with paused_cycle_collection():
            pass
        assert not gc.isenabled()
    assert gc.isenabled()


EXITING = """
import os, sys
from generator.cycles import no_last_pass_at_exit

class Held:
    def __init__(self):
        self.me = self
    def __del__(self, write=os.write):
        write(1, b"finalised")

held = Held()
if sys.argv[1] == "skip":
    no_last_pass_at_exit()
    no_last_pass_at_exit()  # asked again: still once
"""


@pytest.mark.parametrize(("mode", "output"), [("skip", b""), ("keep", b"finalised")])
def test_no_last_pass_at_exit_leaves_cycles_to_the_system(
    tmp_path: Path, mode: str, output: bytes
) -> None:
    script = tmp_path / "exiting.py"
    script.write_text(EXITING, "utf-8")
    root = Path(__file__).resolve().parents[1]
    run = subprocess.run(
        [sys.executable, str(script), mode], cwd=root, capture_output=True, check=True
    )
    assert run.stdout == output and run.stderr == b""
