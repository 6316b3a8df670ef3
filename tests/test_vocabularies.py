"""Where two files must agree, a test says so: the JSON Schemas and the Python constants."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

import pytest

from generator.data import ids, model


def schema(name: str) -> dict[str, Any]:
    text = resources.files("generator").joinpath(f"schemas/{name}.schema.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


AD = schema("ad")
LOG = schema("partnership")


@pytest.mark.parametrize(
    ("enum", "expected"),
    [
        (AD["properties"]["formats"]["items"]["enum"], model.FORMATS),
        (AD["properties"]["offers"]["items"]["properties"]["level"]["enum"], model.LEVELS),
        (AD["properties"]["status"]["enum"], model.STATUSES),
        (LOG["properties"]["format"]["enum"], model.FORMATS),
        (LOG["properties"]["phase"]["enum"], model.PHASES),
        (
            LOG["properties"]["packages"]["items"]["properties"]["status"]["enum"],
            model.PACKAGE_STATUSES,
        ),
    ],
    ids=["ad formats", "levels", "statuses", "log format", "phases", "package statuses"],
)
def test_schema_vocabularies_are_the_constants(enum: list[str], expected: tuple[str, ...]) -> None:
    assert tuple(enum) == expected


def test_schema_defaults_are_the_models() -> None:
    assert AD["properties"]["remote"]["default"] is model.DEFAULT_REMOTE
    assert tuple(AD["properties"]["formats"]["default"]) == model.DEFAULT_FORMATS


def test_schema_id_rule_is_the_id_module() -> None:
    rule = LOG["$defs"]["id"]
    assert rule["pattern"] == ids.ID_PATTERN.pattern
    assert rule["maxLength"] == ids.ID_MAX
