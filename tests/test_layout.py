"""The one layout of new files: every text comes back as written, by PyYAML and by Tandem's
own loader, and fields follow the schema's order."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import re

import pytest
import yaml

from generator.data.load import load_bytes
from generator.data.validate import schema_validator
from generator.workflow.layout import STYLE, yaml_text
from generator.workflow.scaffold import ad_data, partnership_data, to_yaml

TRICKY = [
    "NO", "no", "No", "yes", "Y", "n", "on", "OFF", "true", "False", "null", "~", "",
    "012", "0x1F", "0o17", "1_000", "1:30", "190:20:30", "1e3", "-1.5", ".5", "+7", ".inf",
    "-.NaN", "2026-01-01", "2026-1-1 10:00", "=", "<<", "@jschulz", "`code`", "#hash",
    "a #b", "a#b", "key: value", "ends:", "- item", "-x", "?", "!tag", "&anchor", "*alias",
    "|", ">", "'single'", '"double"', "%TAG", "[list]", "{map}", ",comma", " lead", "trail ",
    "tab\there", "Jürgen Müller", "Zoë", "Straße", "C++", "C#", "F#", "C", "ISO 27001:2022",
    "SAP:FI", "http://example.com/a?b=c#d", "mailto:a@b.de", "100%", "50 %", "O'Brien",
    "line one\nline two", "one\n", "two\n\n", "\nleading break", " indented\nblock",
    "a\n\nb", "a\n  b\n", "ctrl\x1bchar", "nel\x85", "ls\u2028", "bom\ufeff", "emoji 🎉",
    "back\\slash", "quote\" and \\", "…", "---", "...", "a: b: c", "x:y", "1.5 hours",
    "2022 roadmap", "Team 42", "v1.2.3", "1.2.3", "0", "-", "--", "+", "++", "$", "&",
]  # fmt: skip


def loaded_both_ways(text: str) -> list[object]:
    return [yaml.safe_load(text), load_bytes(text.encode(), "ads/x.yml").data]


@pytest.mark.parametrize("value", TRICKY)
def test_every_text_comes_back_as_written(value: str) -> None:
    written = yaml_text({"about": value}, {}, "ad")
    assert written.startswith(STYLE["modeline"].format(schema="ad") + "\n")
    if re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff]", value):
        assert yaml.safe_load(written) == {"about": value}  # Tandem's loader refuses these
    else:
        assert loaded_both_ways(written) == [{"about": value}] * 2, written


def test_texts_in_lists_and_nested_mappings_come_back() -> None:
    data = {"offers": [{"skill": s, "level": "basic", "note": s} for s in TRICKY[:40]]}
    written = yaml_text(data, schema_validator("ad").schema, "ad")
    assert yaml.safe_load(written) == data


def test_short_words_come_back_in_every_spelling() -> None:
    """Every word of up to three characters from an alphabet of YAML's special characters."""
    alphabet = "aNy0.:-+#'@ e_x"
    for size in range(1, 4):
        for letters in itertools.product(alphabet, repeat=size):
            value = "".join(letters)
            assert yaml.safe_load(yaml_text({"name": value}, {}, "ad")) == {"name": value}


def test_fields_follow_the_schema_whatever_the_order_given() -> None:
    today = dt.date(2026, 11, 23)
    data = ad_data(
        name="Jana",
        owner="jschulz",
        location="Berlin",
        languages=["de"],
        offers=[{"level": "expert", "skill": "Python"}],
        seeks=[{"goal": "Talk", "skill": "Speaking"}],
        hours=1.5,
        weeks=12,
        contact="@jschulz",
        today=today,
        about="Hi!\n\nI am Jana.",
    )
    shuffled = dict(reversed(list(data.items())))
    text = to_yaml(shuffled, "ad")
    keys = [line.split(":")[0] for line in text.splitlines()[1:] if re.match(r"^[a-z_]+:", line)]
    assert keys == [k for k in schema_validator("ad").schema["properties"] if k in data]
    assert "- skill: Python\n  level: expert\n" in text
    assert "hours_per_week: 1.5\n" in text and "posted: 2026-11-23\n" in text
    assert "about: |-\n  Hi!\n\n  I am Jana.\n" in text


def test_a_partnership_log_reads_as_before() -> None:
    data = partnership_data(
        title="NO", form="tandem", partners=["a", "b"], today=dt.date(2026, 11, 23)
    )
    assert to_yaml(data, "partnership").splitlines()[1:] == [
        "title: 'NO'",
        "format: tandem",
        "partners:",
        "- a",
        "- b",
        "phase: preparation",
        "started: 2026-11-23",
    ]


def test_the_style_is_plain_json() -> None:
    assert json.loads(json.dumps(STYLE)) == STYLE
