"""Every generated URL has exactly one source: no ad, log or skill lands on a listing page."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path, PurePosixPath

from conftest import TODAY, mkdocs_build

from generator.data.ids import (
    ADS,
    DATA_FOLDERS,
    ID_MAX,
    ID_PATTERN,
    RESERVED,
    SUFFIXES,
    classify,
    discover,
)
from generator.pipeline import gather

FOLDERS = (*DATA_FOLDERS, "skills")
SCHEMAS = Path(__file__).resolve().parent.parent / "generator" / "schemas"

AD = """\
name: {name}
owner: someone
location: Berlin
languages: [en]
offers:
  - {{skill: {skill}, level: basic}}
seeks:
  - skill: SQL
commitment: {{hours_per_week: 1, weeks: 4}}
posted: 2026-11-01
expires: 2027-05-01
status: open
contact: someone@example.com
"""
LOG = """\
title: A log
format: tandem
partners: [jo-doe, ann-lee]
phase: preparation
started: 2026-11-20
"""


def sources(root: Path) -> dict[str, set[str]]:
    """The names each folder of the site takes from the data: ids, and skill slugs."""
    data = gather(root, dt.date.fromisoformat(TODAY))
    texts = [o.skill for ad in data.ads for o in ad.offers] + [
        s.skill for ad in data.ads for s in ad.seeks
    ]
    skills = {data.taxonomy.key_of(text) for text in texts}
    ids = {f: {path.stem for path in discover(root, f).files} for f in DATA_FOLDERS}
    return {**ids, "skills": skills}


def test_the_site_keeps_only_reserved_names_for_itself(sample_site: Path) -> None:
    """What a real build puts under /ads/, /partnerships/ and /skills/ that no data file
    named is the site's own; every such name must be reserved, or an id could take it."""
    root = sample_site.parent
    assert discover(root, ADS).files, "the sample site is built from its data"
    taken = sources(root)
    own = {
        (folder, entry.name)
        for folder in FOLDERS
        for entry in (sample_site / folder).iterdir()
        if entry.name not in taken[folder]
    }
    # The marketplace's data beside its first page; /ads/page/<n>/ only once there are more
    # ads than one page holds (tests/test_marketplace.py).
    assert own == {(folder, "index.html") for folder in FOLDERS} | {("ads", "index.json")}
    assert {Path(name).stem for _, name in own} <= RESERVED
    for folder, title in (
        ("ads", "Marketplace"),
        ("skills", "Skills"),
        ("partnerships", "Partnerships"),
    ):
        assert f"<title>{title}" in (sample_site / folder / "index.html").read_text("utf-8")


def test_every_reserved_name_is_refused_by_a_real_build(
    site_root: Callable[..., Path], tmp_path: Path
) -> None:
    files = {
        "skills.yml": "skills: []\n",  # every skill is its own: its slug is its name
        "ads/jo-doe.yml": AD.format(name="Jo Doe", skill="Scrum"),
        "ads/ann-lee.yml": AD.format(name="Ann Lee", skill="Python"),
    }
    for name in sorted(RESERVED):
        files[f"ads/{name}.yml"] = AD.format(name=name.title(), skill="Scrum")
        files[f"partnerships/{name}.yml"] = LOG
        files[f"ads/skill-{name}.yml"] = AD.format(name="Skill", skill=name.title())
    root = site_root(files)
    out = tmp_path / "out"
    result = mkdocs_build(root, out)
    assert result.returncode == 1
    for name in sorted(RESERVED):
        for folder in DATA_FOLDERS:
            assert (
                f"{folder}/{name}.yml:1:1: error: file name '{name}' is a name the site keeps "
                "for its own pages; choose another" in result.stderr
            ), (folder, name)
        assert (
            f"ads/skill-{name}.yml:6:13: error: skill '{name.title()}' would get the page "
            f"skills/{name}/, which the site keeps for its own pages" in result.stderr
        ), name
    assert not any(out.rglob("*.html")), "no page is written while the data has errors"


def test_the_schema_states_the_id_rule_of_generator_ids() -> None:
    """Partner ids in a log are checked by the schema; it must say what generator.data.ids says."""
    schema = json.loads((SCHEMAS / "partnership.schema.json").read_text("utf-8"))
    rule = schema["$defs"]["id"]
    assert (rule["pattern"], rule["maxLength"]) == (ID_PATTERN.pattern, ID_MAX)


def test_a_data_file_name_is_told_by_its_suffix_as_written() -> None:
    def by_suffix(name: str) -> str:  # the rule of the contract, through pathlib
        suffix = PurePosixPath(name).suffix
        if suffix in SUFFIXES:
            return "data"
        return "refused" if suffix.lower() in SUFFIXES else "ignored"

    names = ["ana.yml", "ana.yaml", ".yml", ".yaml", "..yml", "a..yml", "ana.yml.yml", "x/.yml"]
    names += ["ana.YML", "ana.Yaml", "yml", "ana.", ".", "ana.yml ", "ana.yml\n", "ä.yml", "ana.md"]
    for name in names:
        assert classify(name) == by_suffix(name), name
