"""`find_expiring` and `close_expired` on ad files in a temporary folder."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from generator.expire import close_expired, close_file, find_expiring

TODAY = dt.date(2027, 6, 15)

AD = """\
# yaml-language-server: $schema=../generator/schemas/ad.schema.json
name: {name}
owner: {owner}
about: |
  status: open is how I like my door.
status: {status}   # set to paused while on leave
posted: 2027-01-01
expires: {expires}
"""


def write_ad(ads: Path, ad_id: str, expires: str, status: str = "open") -> Path:
    ads.mkdir(exist_ok=True)
    path = ads / f"{ad_id}.yml"
    text = AD.format(name=ad_id.title(), owner=ad_id, status=status, expires=expires)
    path.write_text(text, encoding="utf-8")
    return path


def test_find_lists_past_and_near_sorted_by_date(tmp_path: Path) -> None:
    write_ad(tmp_path, "later", "2027-06-29")
    write_ad(tmp_path, "far", "2027-06-30")
    write_ad(tmp_path, "past", "2027-06-14")
    write_ad(tmp_path, "today", "2027-06-15")
    found = find_expiring(tmp_path, TODAY, 14)
    assert [(ad.ad_id, ad.days_left, ad.expired) for ad in found] == [
        ("past", -1, True),
        ("today", 0, False),
        ("later", 14, False),
    ]
    assert found[0].owner == "past"
    assert found[0].status == "open"


def test_find_skips_closed_unreadable_and_other_files(tmp_path: Path) -> None:
    write_ad(tmp_path, "closed-one", "2027-01-01", status="closed")
    (tmp_path / "broken.yml").write_text("name: [unclosed\n", encoding="utf-8")
    (tmp_path / "no-date.yml").write_text("name: x\nexpires: soon\n", encoding="utf-8")
    (tmp_path / "README.md").write_text("status: open\n", encoding="utf-8")
    (tmp_path / "Not_An_Id.yml").write_text("expires: 2020-01-01\n", encoding="utf-8")
    assert find_expiring(tmp_path, TODAY, 14) == []


def test_find_on_missing_folder_is_empty(tmp_path: Path) -> None:
    assert find_expiring(tmp_path / "nothing", TODAY, 14) == []


def test_close_rewrites_only_the_status_line(tmp_path: Path) -> None:
    past = write_ad(tmp_path, "past", "2027-06-14", status="paused")
    near = write_ad(tmp_path, "near", "2027-06-20")
    before_past, before_near = past.read_bytes(), near.read_bytes()
    closed = close_expired(tmp_path, TODAY)
    assert [(ad.ad_id, ad.status) for ad in closed] == [("past", "paused")]
    expected = before_past.replace(
        b"status: paused   # set to paused", b"status: closed   # set to paused"
    )
    assert past.read_bytes() == expected
    assert near.read_bytes() == before_near
    assert close_expired(tmp_path, TODAY) == []


def test_close_keeps_crlf_and_quotes(tmp_path: Path) -> None:
    path = tmp_path / "quoted.yml"
    path.write_bytes(b'name: Q\r\nstatus: "open"\r\nexpires: 2027-01-01\r\n')
    assert [ad.ad_id for ad in close_expired(tmp_path, TODAY)] == ["quoted"]
    assert path.read_bytes() == b"name: Q\r\nstatus: closed\r\nexpires: 2027-01-01\r\n"


def test_close_refuses_what_it_cannot_rewrite_safely(tmp_path: Path) -> None:
    flow = tmp_path / "flow.yml"
    flow.write_text("{name: F, status: open, expires: 2027-01-01}\n", encoding="utf-8")
    twice = tmp_path / "twice.yml"
    twice.write_text("status: open\nexpires: 2027-01-01\nstatus: open\n", encoding="utf-8")
    block = tmp_path / "block.yml"
    block.write_text("status:\n  open\nexpires: 2027-01-01\n", encoding="utf-8")
    before = {p: p.read_bytes() for p in (flow, twice, block)}
    assert close_expired(tmp_path, TODAY) == []
    assert {p: p.read_bytes() for p in before} == before


def test_close_file_adds_a_missing_space(tmp_path: Path) -> None:
    path = tmp_path / "empty.yml"
    path.write_text("name: E\nstatus:\nexpires: 2027-01-01\n", encoding="utf-8")
    assert close_file(path)
    assert path.read_text(encoding="utf-8") == "name: E\nstatus: closed\nexpires: 2027-01-01\n"
