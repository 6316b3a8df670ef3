"""Stages hand on new values: validation never changes what it was given, and what it hands
back is typed (a date the loader read stays that date; text stays the text written)."""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import shutil
from pathlib import Path

import pytest
from conftest import SAMPLE, TODAY

from generator.data.load import Document, load_bytes, load_file
from generator.data.validate import check_tree, validate_document
from generator.pipeline import check, gather_checked

AD = """\
name: 2027-01-01
owner: '0123'
location: 012
languages: [de]
offers: [{skill: C, level: expert, note: yes}]
seeks: [{skill: Rust}]
commitment: {hours_per_week: 2, weeks: 12}
posted: 2026-10-01
expires: '2027-04-01'
status: open
contact: NO
"""

LOG = """\
title: Tandem
format: tandem
partners: [anna-schmid, ben-okafor]
phase: closed
started: 2026-01-10
planned_end: '2026-05-01'
goals:
  - {partner: anna-schmid, goal: Rust, milestones: [{title: First driver, due: 2026-03-01}]}
packages:
  - {title: Ownership, teacher: ben-okafor, learners: [anna-schmid], due: 2026-02-01, status: done}
journal: [{date: 2026-02-02, author: anna-schmid, text: Went well}]
closing: {date: 2026-05-01, goals_reached: partly, story: Done}
"""


def _snapshot(doc: Document) -> tuple[object, ...]:
    return tuple(copy.deepcopy(getattr(doc, f.name)) for f in dataclasses.fields(doc))


@pytest.mark.parametrize(
    ("text", "schema"),
    [
        (AD, "ad"),
        (LOG, "partnership"),
        (AD.replace("status: open", "status: maybe"), "ad"),  # invalid: problems, no record
        (AD.replace("weeks: 12", "weeks: [12]") + "colour: red\n", "ad"),
        ("offers: [" + "{skill: C, level: expert}, " * 300 + "]\nname: 12\n", "ad"),
    ],
)
def test_validation_does_not_change_its_input(text: str, schema: str) -> None:
    doc = load_bytes(text.encode(), "ads/x.yml")
    before = _snapshot(doc)
    validated = validate_document(doc, schema)
    assert _snapshot(doc) == before
    assert (validated.record is None) == bool(validated.problems)


def test_the_record_is_typed_as_the_schema_wants() -> None:
    doc = load_bytes(AD.encode(), "ads/x.yml")
    validated = validate_document(doc, "ad")
    assert validated.problems == ()
    assert validated.record is not None
    data = validated.record.data
    # text where the schema wants text, as the author wrote it
    assert (data["name"], data["owner"], data["location"]) == ("2027-01-01", "0123", "012")
    assert (data["contact"], data["offers"][0]["note"]) == ("NO", "yes")
    # dates as dates: the loader's own object, and a quoted date read once
    assert data["posted"] is doc.data["posted"]
    assert data["expires"] == dt.date(2027, 4, 1)
    assert validated.record.id == "x"
    assert validated.record.position(("posted",)) == (8, 9)


def test_every_date_of_a_log_is_a_date() -> None:
    record = validate_document(load_bytes(LOG.encode(), "partnerships/x.yml"), "partnership")
    assert record.record is not None
    data = record.record.data
    dates = [
        data["started"],
        data["planned_end"],
        data["goals"][0]["milestones"][0]["due"],
        data["packages"][0]["due"],
        data["journal"][0]["date"],
        data["closing"]["date"],
    ]
    assert all(type(day) is dt.date for day in dates), dates


def test_checking_a_tree_changes_no_file_it_read(tmp_path: Path) -> None:
    root = tmp_path / "site"
    shutil.copytree(SAMPLE, root)
    tree = check_tree(root, dt.date.fromisoformat(TODAY))
    for record in [*tree.ads.values(), *tree.partnerships.values()]:
        assert record.source.data == load_file(root / record.path, display=record.path).data


def test_one_check_flows_into_gathering() -> None:
    checked = check(SAMPLE, dt.date.fromisoformat(TODAY))
    data = gather_checked(checked)
    assert [ad.id for ad in data.ads] == sorted(checked.tree.ads)
    assert data.today == checked.today
    assert data.warnings == checked.problems
    with pytest.raises(dataclasses.FrozenInstanceError):
        data.today = dt.date(2000, 1, 1)  # type: ignore[misc]


def test_the_pull_request_report_reads_the_tree_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from test_cli import git, repo_with_sample

    from generator.data import validate
    from generator.workflow import pr_report

    root, base = repo_with_sample(tmp_path)
    ad = root / "ads" / "jana-schulz.yml"
    ad.write_text(ad.read_text("utf-8").replace("weeks: 12", "weeks: 10"), "utf-8")
    git(root, "commit", "-qam", "jana edits her ad")
    reads: list[str] = []
    real_load = validate.load_file

    def counted(path: Path, *, display: str | None = None) -> Document:
        reads.append(str(display))
        return real_load(path, display=display)

    monkeypatch.setattr(validate, "load_file", counted)
    report = pr_report.pull_request_report(root, base, dt.date.fromisoformat(TODAY))
    assert "**Jana Schulz** (`jana-schulz`)" in report
    assert "ads/jana-schulz.yml" in reads
    assert len(reads) == len(set(reads)), sorted(reads)
