"""The forms' rules are the commands' rules: what /post/ and /post/partnership/ embed comes
from the schemas and the constants that `tandem validate` and `tandem new-ad` use."""

from __future__ import annotations

import copy
import datetime as dt
import json
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from conftest import SAMPLE, TODAY

from generator.data.ids import ID_MAX, ID_PATTERN, RESERVED
from generator.data.validate import PARTNERS_PER_FORMAT, schema_validator
from generator.pipeline import build
from generator.site import forms
from generator.site.forge import MAX_URL_LENGTH
from generator.workflow.layout import STYLE
from generator.workflow.scaffold import DEFAULT_LEVEL, DEFAULT_MONTHS, NUMBER


class FormParser(HTMLParser):
    """The form's data-form attribute and the `name` of every control, as the browser sees."""

    def __init__(self) -> None:
        super().__init__()
        self.rules: dict[str, Any] = {}
        self.names: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "form" and values.get("data-form"):
            self.rules = json.loads(values["data-form"] or "")
        if tag in ("input", "select", "textarea") and values.get("name"):
            self.names.append(values["name"] or "")


def parsed(body: str) -> FormParser:
    parser = FormParser()
    parser.feed(body)
    return parser


@pytest.fixture(scope="module")
def pages() -> dict[str, str]:
    site = build(SAMPLE, dt.date.fromisoformat(TODAY), language="en")
    return {page.src_uri: page.body for page in site.pages}


def test_the_ad_form_embeds_the_schema_and_the_commands_constants(pages: dict[str, str]) -> None:
    rules = parsed(pages["post/index.md"]).rules
    assert rules["schema"] == schema_validator("ad").schema
    assert list(rules["schema"]["properties"]) == list(schema_validator("ad").schema["properties"])
    assert rules["style"] == STYLE
    assert rules["id"]["pattern"] == ID_PATTERN.pattern and rules["id"]["max"] == ID_MAX
    assert set(rules["id"]["reserved"]) == RESERVED
    assert rules["taken"] == sorted(p.stem for p in (SAMPLE / "ads").glob("*.yml"))
    assert rules["number"] == NUMBER and rules["level"] == DEFAULT_LEVEL
    assert rules["months"]["default"] == DEFAULT_MONTHS
    assert rules["forge"] is None  # the sample is built without repo_url here


def test_the_partnership_form_embeds_its_schema_and_open_ads(pages: dict[str, str]) -> None:
    rules = parsed(pages["post/partnership/index.md"]).rules
    assert rules["schema"] == schema_validator("partnership").schema
    assert rules["partners_per_format"] == {k: list(v) for k, v in PARTNERS_PER_FORMAT.items()}
    assert rules["ads"]["jana-schulz"][0] == "Jana Schulz"
    assert ["Public speaking", "Give a confident 15-minute talk at the all-hands in spring."] in (
        rules["ads"]["jana-schulz"][1]
    )
    assert "ralf-kaiser" not in rules["ads"]  # expired: not open, no partnership with it


def test_changing_the_schema_changes_the_page(monkeypatch: pytest.MonkeyPatch) -> None:
    changed = copy.deepcopy(schema_validator("ad").schema)
    changed["properties"]["name"]["maxLength"] = 7

    class Changed:
        schema = changed

    monkeypatch.setattr(forms, "schema_validator", lambda name: Changed)
    site = build(SAMPLE, dt.date.fromisoformat(TODAY), language="en")
    body = next(p.body for p in site.pages if p.src_uri == "post/index.md")
    assert parsed(body).rules["schema"]["properties"]["name"]["maxLength"] == 7


def test_every_control_is_named_by_its_field_path(pages: dict[str, str]) -> None:
    ad = parsed(pages["post/index.md"])
    fields = set(schema_validator("ad").schema["properties"])
    top = {name.split(".")[0] for name in ad.names} - {"id"}
    assert top == fields, top ^ fields
    assert {"commitment.hours_per_week", "commitment.weeks", "offers.{i}.skill"} <= set(ad.names)
    assert {"offers.{i}.level", "seeks.{i}.goal"} <= set(ad.names)
    log = parsed(pages["post/partnership/index.md"])
    assert {"title", "format", "partners.{i}", "goals.{i}.goal", "goals.{i}.partner"} <= set(
        log.names
    )


def test_a_forge_gives_the_new_file_editor(tmp_path: Path) -> None:
    from generator.site.forge import forge_from_config

    forge = forge_from_config(
        "https://gitlab.example.com/acme/tandem", branch="live", kind="gitlab"
    )
    site = build(SAMPLE, dt.date.fromisoformat(TODAY), language="de", forge=forge)
    body = next(p.body for p in site.pages if p.src_uri == "post/index.md")
    rules = parsed(body).rules
    assert rules["forge"] == {
        "label": "GitLab",
        "base": "https://gitlab.example.com/acme/tandem/-/new/live/ads",
        "name": "file_name",
        "content": "content",
        "max": MAX_URL_LENGTH,
    }
    assert rules["words"]["required"] == "muss ausgefüllt sein"
    assert "Auf GitLab vorschlagen" in body
