"""The fast schema check (jsonschema-rs) never passes what jsonschema refuses.

Validation trusts the fast validator's "valid" and asks jsonschema for the messages
otherwise, so a file the fast one passes and jsonschema refuses would slip through. The
other way round only costs time: jsonschema-rs reads `$` in a pattern as the end of the text,
Python's `re` also before a final line break, so `"de\n"` goes to jsonschema, which decides. Both
judge every example file, and every valid example with each of its values swapped for
something hostile: another type, a number at a limit, a date that is not one, a text too
long or too costly to render as Markdown.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from generator.data.ids import DATA_FOLDERS
from generator.data.load import JsonPath, LoadError, load_bytes, load_file
from generator.data.validate import (
    SCHEMA_OF,
    _as_schema_sees,
    _document_as_schema_sees,
    fast_validator,
    longest_list,
    schema_validator,
    validate_document,
)

EXAMPLES = Path(__file__).parent / "examples"


def _loaded(path: Path) -> Any:
    try:
        return load_file(path).data
    except LoadError:
        return None  # never reaches the schema


FILES = sorted(
    path
    for path in EXAMPLES.glob("*/**/*.y*ml")
    if path.parent.name in DATA_FOLDERS
    and path.suffix in (".yml", ".yaml")
    and _loaded(path) is not None
)
HOSTILE: tuple[Any, ...] = (
    None,
    True,
    0,
    1,
    1.0,
    0.25,
    20.5,
    10**20,
    "",
    "de\n",
    "0000-01-01",
    "2024-02-29",
    "2026-02-30",
    "x" * 301,
    "[" * 3_000,
    [],
    ["a", "a"],
    {},
)


def _verdicts(schema: str, data: Any) -> tuple[bool, bool]:
    seen = _as_schema_sees(data)
    return fast_validator(schema).is_valid(seen), schema_validator(schema).is_valid(seen)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.relative_to(EXAMPLES).as_posix())
def test_same_verdict_on_every_example(path: Path) -> None:
    assert _verdicts(SCHEMA_OF[path.parent.name], _loaded(path)) in _AGREED


_AGREED = {(True, True), (False, False)}
_ONLY_SLOWER = (False, True)
"""The fast validator refuses, jsonschema passes: jsonschema's verdict stands."""

VALID = [path for path in FILES if path.is_relative_to(EXAMPLES / "valid")]


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.relative_to(EXAMPLES).as_posix())
def test_same_verdict_on_hostile_values(path: Path) -> None:
    schema = SCHEMA_OF[path.parent.name]
    record = validate_document(load_file(path), schema).record
    assert record is not None
    data = record.data  # `012` given back as the text written
    assert _verdicts(schema, data) == (True, True)
    verdicts = [
        (where, value, _verdicts(schema, _with(data, where, value)))
        for where in _paths(data, ())
        for value in HOSTILE
    ]
    slipped_through = [(w, v) for w, v, verdict in verdicts if verdict == (True, False)]
    assert slipped_through == []
    only_slower = [v for _, v, verdict in verdicts if verdict == _ONLY_SLOWER]
    assert set(only_slower) <= {"de\n"}


def test_every_hostile_value_is_refused_somewhere() -> None:
    """The swaps reach both verdicts: the test above compares something."""
    data = _loaded(EXAMPLES / "valid" / "ads" / "jana-schulz.yml")
    assert _verdicts("ad", data) == (True, True)
    assert _verdicts("ad", _with(data, ("posted",), "0000-01-01")) == (False, False)
    assert _verdicts("ad", _with(data, ("posted",), "2024-02-29")) == (True, True)


def _paths(data: Any, where: JsonPath) -> Iterator[JsonPath]:
    yield where
    if isinstance(data, (dict, list)):
        children = data.items() if isinstance(data, dict) else enumerate(data)
        for step, child in children:
            yield from _paths(child, (*where, step))


def _with(data: Any, where: JsonPath, value: Any) -> Any:
    if not where:
        return value
    copy = dict(data) if isinstance(data, dict) else list(data)
    copy[where[0]] = _with(data[where[0]], where[1:], value)  # type: ignore[index]
    return copy


LISTS = [
    "offers: [{}]\n",
    "offers: [" + "a," * 199 + "a]\n",
    "offers: [" + "a," * 200 + "a]\n",
    "offers: [" + "a," * 400 + "]\n",
    "offers:\n" + "- a\n" * 201,
    "offers:\n" + "- 2026-01-01\n" * 250,
    "offers: [[" + "2026-01-01," * 300 + "]]\nposted: 2026-01-01\n",
    "posted: 2026-01-01\nexpires: '2026-01-02'\nn: [012, yes, ~, 1.5, 2026-13-01]\n",
    "offers: [[2026-01-01, {due: 2026-01-02}], 2026-01-03]\n",
]


@pytest.mark.parametrize("text", [p.read_text("utf-8") for p in FILES] + LISTS)
def test_the_schema_sees_a_document_as_it_sees_its_data(text: str) -> None:
    doc = load_bytes(text.encode(), "ads/x.yml")
    assert _document_as_schema_sees(doc) == _as_schema_sees(doc.data)
    assert max(map(len, _lists(_as_schema_sees(doc.data))), default=0) <= longest_list() + 1


def _lists(data: Any) -> Iterator[list[Any]]:
    if isinstance(data, list):
        yield data
    for child in (
        data.values() if isinstance(data, dict) else data if isinstance(data, list) else ()
    ):
        yield from _lists(child)
