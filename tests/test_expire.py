"""`find_expiring` and `close_expired` on ad files in a temporary folder."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from generator.workflow.expire import CloseError, close_expired, close_file, find_expiring

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


def write_ad(root: Path, ad_id: str, expires: str, status: str = "open") -> Path:
    (root / "ads").mkdir(parents=True, exist_ok=True)
    path = root / "ads" / f"{ad_id}.yml"
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
    ads = tmp_path / "ads"
    (ads / "broken.yml").write_text("name: [unclosed\n", encoding="utf-8")
    (ads / "no-date.yml").write_text("name: x\nexpires: soon\n", encoding="utf-8")
    (ads / "README.md").write_text("status: open\n", encoding="utf-8")
    (ads / "Not_An_Id.yml").write_text("expires: 2020-01-01\n", encoding="utf-8")
    assert find_expiring(tmp_path, TODAY, 14) == []


def test_find_on_missing_folder_is_empty(tmp_path: Path) -> None:
    assert find_expiring(tmp_path / "nothing", TODAY, 14) == []


def test_close_rewrites_only_the_status_line(tmp_path: Path) -> None:
    past = write_ad(tmp_path, "past", "2027-06-14", status="paused")
    near = write_ad(tmp_path, "near", "2027-06-20")
    before_past, before_near = past.read_bytes(), near.read_bytes()
    closed = close_expired(tmp_path, TODAY)
    assert [(c.ad.ad_id, c.ad.status, c.refused) for c in closed] == [("past", "paused", None)]
    expected = before_past.replace(
        b"status: paused   # set to paused", b"status: closed   # set to paused"
    )
    assert past.read_bytes() == expected
    assert near.read_bytes() == before_near
    assert close_expired(tmp_path, TODAY) == []


def test_close_keeps_crlf_and_quotes(tmp_path: Path) -> None:
    (tmp_path / "ads").mkdir()
    path = tmp_path / "ads" / "quoted.yml"
    path.write_bytes(b'name: Q\r\nstatus: "open"\r\nexpires: 2027-01-01\r\n')
    assert [(c.ad.ad_id, c.refused) for c in close_expired(tmp_path, TODAY)] == [("quoted", None)]
    assert path.read_bytes() == b"name: Q\r\nstatus: closed\r\nexpires: 2027-01-01\r\n"


def test_close_handles_every_layout_the_loader_reads(tmp_path: Path) -> None:
    """A byte-order mark, a value on the next line, flow and block style: all closed."""
    ads = tmp_path / "ads"
    ads.mkdir()
    cases = {
        "bom": (
            b"\xef\xbb\xbfstatus: open\nexpires: 2027-01-01\n",
            b"\xef\xbb\xbfstatus: closed\n",
        ),
        "next-line": (b"status:\n  open\nexpires: 2027-01-01\n", b"status:\n  closed\n"),
        "flow": (b"{name: F, status: open, expires: 2027-01-01}\n", b"{name: F, status: closed,"),
        "block": (b"status: |-\n  open\nexpires: 2027-01-01\n", b"status: closed\nexpires"),
        "empty": (b"name: E\nstatus:\nexpires: 2027-01-01\n", b"name: E\nstatus: closed\n"),
        "named": (b"name: status\nstatus: open # c\nexpires: 2027-01-01\n", b"status: closed # c"),
    }
    for name, (text, _) in cases.items():
        (ads / f"{name}.yml").write_bytes(text)
    outcomes = close_expired(tmp_path, TODAY)
    assert sorted((c.ad.ad_id, c.refused) for c in outcomes) == sorted(
        (name, None) for name in cases
    )
    for name, (_, expected) in cases.items():
        assert expected in (ads / f"{name}.yml").read_bytes(), name
    assert find_expiring(tmp_path, TODAY, 14) == []


def test_close_says_why_it_leaves_a_file_alone(tmp_path: Path) -> None:
    ads = tmp_path / "ads"
    ads.mkdir()
    nested = ads / "nested.yml"
    nested.write_bytes(b"status: {is: open}\nexpires: 2027-01-01\n")
    missing = ads / "missing.yml"
    missing.write_bytes(b"name: M\nexpires: 2027-01-01\n")
    before = {p: p.read_bytes() for p in (nested, missing)}
    outcomes = {c.ad.ad_id: c.refused for c in close_expired(tmp_path, TODAY)}
    assert outcomes == {
        "nested": "its top-level 'status' is not a plain value; write 'status: closed'",
        "missing": "it has no top-level 'status'; add 'status: closed'",
    }
    assert {p: p.read_bytes() for p in before} == before


def test_close_never_writes_through_a_link(tmp_path: Path) -> None:
    outside = write_ad(tmp_path / "outside", "target", "2027-01-01")
    (tmp_path / "ads").mkdir()
    (tmp_path / "ads" / "link.yml").symlink_to(outside)
    before = outside.read_bytes()
    assert close_expired(tmp_path, TODAY) == []
    with pytest.raises(CloseError, match="symbolic link"):
        close_file(tmp_path / "ads" / "link.yml")
    assert outside.read_bytes() == before


def test_close_file_adds_a_missing_space(tmp_path: Path) -> None:
    path = tmp_path / "empty.yml"
    path.write_text("name: E\nstatus:\nexpires: 2027-01-01\n", encoding="utf-8")
    close_file(path)
    assert path.read_text(encoding="utf-8") == "name: E\nstatus: closed\nexpires: 2027-01-01\n"
