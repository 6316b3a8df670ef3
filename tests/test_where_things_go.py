"""The checklists in CONTRIBUTING's "Where things go", held by tests where a test can."""

from __future__ import annotations

import json
import re
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.data.problems import Problem
from generator.workflow.problem_output import OUTPUT_FORMATS, format_problems

REPO = Path(__file__).resolve().parent.parent
LOCALES = REPO / "generator" / "locales"


def schema_fields(name: str) -> list[str]:
    text = resources.files("generator").joinpath(f"schemas/{name}.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return sorted(schema["properties"])


def guide_table_fields() -> set[str]:
    """The fields named in the first column of the field table in docs/write-an-ad.md."""
    text = (REPO / "docs" / "write-an-ad.md").read_text("utf-8")
    return set(re.findall(r"^\| `([a-z_]+)` \|", text, flags=re.MULTILINE))


@pytest.mark.parametrize("field", schema_fields("ad"))
def test_every_ad_field_is_in_the_guide(field: str) -> None:
    assert field in guide_table_fields(), f"add a row for `{field}` to docs/write-an-ad.md"


@pytest.mark.parametrize("field", schema_fields("partnership"))
def test_every_partnership_field_is_in_the_phases_guide(field: str) -> None:
    text = (REPO / "docs" / "phases.md").read_text("utf-8")
    assert f"`{field}`" in text, f"say in docs/phases.md what `{field}` is for"


def locale_files() -> list[str]:
    names = {p.name for lang in ("en", "de") for p in (LOCALES / lang).glob("*.yml")}
    return sorted(names)


def flat_keys(node: Any, prefix: str = "") -> set[str]:
    if not isinstance(node, dict):
        return {prefix}
    return {key for k, v in node.items() for key in flat_keys(v, f"{prefix}{k}.")}


@pytest.mark.parametrize("name", locale_files())
def test_every_locale_file_has_the_same_keys_in_both_languages(name: str) -> None:
    english, german = (LOCALES / "en" / name, LOCALES / "de" / name)
    assert english.is_file() and german.is_file(), f"{name} must exist in en/ and de/"
    en_keys = flat_keys(yaml.safe_load(english.read_text("utf-8")))
    de_keys = flat_keys(yaml.safe_load(german.read_text("utf-8")))
    assert en_keys - de_keys == set(), f"missing in de/{name}"
    assert de_keys - en_keys == set(), f"missing in en/{name}"


@pytest.mark.parametrize("fmt", OUTPUT_FORMATS)
def test_every_output_format_prints_a_problem(fmt: str) -> None:
    problem = Problem("ads/jo.yml", 3, 5, "hours_per_week: 'lots' is not a number")
    out = format_problems([problem], fmt)
    assert "ads/jo.yml" in out and "3" in out
