"""Hostile and careless input through the real `tandem` command: every case ends with a clear
message naming file and line, or does the right thing, and never with a traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from conftest import TODAY, build_env

from generator.validate import longest_list

TANDEM = str(Path(sys.executable).parent / "tandem")
EXAMPLES = Path(__file__).parent / "examples"
AD = """\
name: Jo Doe
owner: jodoe
location: Berlin
languages: [de, en]
offers:
  - {skill: Scrum, level: advanced}
seeks:
  - skill: Negotiation
commitment: {hours_per_week: 1, weeks: 12}
posted: 2026-11-01
expires: 2027-05-01
status: open
contact: jo@example.com
"""

SiteRoot = Callable[..., Path]


def tandem(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [TANDEM, *args],
        cwd=cwd,
        env=build_env(),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        check=False,
    )
    assert "Traceback" not in result.stdout + result.stderr, result.stderr
    return result


def expired(text: str) -> str:
    return text.replace("expires: 2027-05-01", "expires: 2026-11-20")


# --- tandem expire --close ------------------------------------------------------------------


def test_expire_closes_every_ad_it_lists_or_says_why_not(tmp_path: Path) -> None:
    ads = tmp_path / "ads"
    ads.mkdir()
    text = expired(AD)
    assert "status: open\n" in text
    (ads / "bom.yml").write_bytes(b"\xef\xbb\xbf" + text.encode())
    (ads / "next-line.yml").write_text(text.replace("status: open", "status:\n  open"), "utf-8")
    (ads / "nested.yml").write_text(text.replace("status: open", "status: [open]"), "utf-8")
    listing = tandem("expire", "--root", str(tmp_path), "--today", TODAY)
    assert listing.returncode == 0, listing.stderr
    listed = {line.split(":")[0] for line in listing.stdout.splitlines()}
    assert listed == {"ads/bom.yml", "ads/next-line.yml", "ads/nested.yml"}
    closing = tandem("expire", "--root", str(tmp_path), "--today", TODAY, "--close")
    assert closing.returncode == 1
    assert "closed ads/bom.yml (status: closed)" in closing.stdout
    assert "closed ads/next-line.yml (status: closed)" in closing.stdout
    line = next(n for n, ln in enumerate(text.splitlines(), 1) if ln.startswith("status"))
    assert closing.stderr == (
        f"ads/nested.yml:{line}:9: error: not closed: its top-level 'status' is not a plain "
        "value; write 'status: closed'\n"
    )
    assert (ads / "bom.yml").read_bytes().startswith(b"\xef\xbb\xbf")
    assert "status:\n  closed\n" in (ads / "next-line.yml").read_text("utf-8")
    again = tandem("expire", "--root", str(tmp_path), "--today", TODAY, "--within", "0")
    assert [line.split(":")[0] for line in again.stdout.splitlines()] == ["ads/nested.yml"]


# --- at most 50 problems per file -----------------------------------------------------------

LOG = """\
title: Numbers and words
format: tandem
partners: [jo-doe, ann-lee]
phase: learning
started: 2026-10-01
planned_end: 2027-02-01
goals:
  - {partner: jo-doe, goal: Read a balance sheet}
packages:
  - {title: Basics, teacher: jo-doe, learners: [ann-lee], due: 2026-12-01, status: planned}
journal:
"""


def flood(root: Path) -> Path:
    """Three files with far more than 50 problems each, from three different stages."""
    ads = root / "ads"
    ads.mkdir()
    (ads / "jo-doe.yml").write_text(AD, "utf-8")
    (ads / "ann-lee.yml").write_text(AD.replace("Jo Doe", "Ann Lee"), "utf-8")
    unknown = "".join(f"k{i}: 1\n" for i in range(25_000))
    (ads / "keys.yml").write_text(AD + unknown, "utf-8")  # schema: unknown keys
    entry = "  - {date: 2026-10-02, author: ghost, text: Hello}\n"
    (root / "partnerships").mkdir()
    (root / "partnerships" / "log.yml").write_text(LOG + entry * 200, "utf-8")  # across files
    skills = "".join(f"  - {{name: {i}, color: red}}\n" for i in range(3_000))
    (root / "skills.yml").write_text("skills:\n" + skills, "utf-8")  # the taxonomy
    return root


def test_at_most_50_problems_per_file_then_a_count_of_the_rest(tmp_path: Path) -> None:
    root = flood(tmp_path)
    result = tandem("validate", "--root", str(root), "--today", TODAY)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    rest = {"ads/keys.yml": 24_950, "partnerships/log.yml": 150, "skills.yml": 2_950}
    for path, more in rest.items():
        mine = [line for line in lines if line.startswith(f"{path}:")]
        assert len(mine) == 51, path
        assert mine[-1].endswith(
            f": error: … and {more} more problems in this file; "
            "fix these first, then run tandem validate again"
        ), mine[-1]
    assert len(lines) == 3 * 51
    assert "did you mean" in lines[0] or "known fields" in lines[0]


def test_every_format_shows_the_same_capped_problems(tmp_path: Path) -> None:
    root = flood(tmp_path)
    as_json = json.loads(tandem("validate", "--root", str(root), "--format", "json").stdout)
    github = tandem("validate", "--root", str(root), "--format", "github").stdout
    gitlab = json.loads(tandem("validate", "--root", str(root), "--format", "gitlab").stdout)
    assert len(as_json) == len(github.splitlines()) == len(gitlab) == 3 * 51
    assert as_json[50]["message"].startswith("… and 24950 more problems")


def test_every_list_in_the_schemas_has_a_limit() -> None:
    """The schema sees lists cut after the longest limit; a list without one would hide
    entries beyond the cut, so longest_list refuses a schema that has one."""
    assert longest_list() == 200  # a partnership's journal


# --- a reader that goes away ----------------------------------------------------------------


def into_closed_pipe(*args: str) -> subprocess.CompletedProcess[str]:
    """Run with stdout a pipe nobody reads any more, as in `tandem match | head -0`."""
    read, write = os.pipe()
    os.close(read)
    try:
        return subprocess.run(
            [TANDEM, *args],
            env=build_env(),
            stdin=subprocess.DEVNULL,
            stdout=write,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
        )
    finally:
        os.close(write)


def test_a_closed_pipe_ends_every_command_quietly(tmp_path: Path) -> None:
    ads = tmp_path / "ads"
    ads.mkdir()
    (ads / "jo-doe.yml").write_text(AD, "utf-8")
    swapped = AD.replace("Scrum", "X").replace("Negotiation", "Scrum").replace("X", "Negotiation")
    (ads / "ann-lee.yml").write_text(swapped.replace("Jo Doe", "Ann Lee"), "utf-8")
    (ads / "bad.yml").write_text("name: [\n", "utf-8")
    root = ["--root", str(tmp_path), "--today", TODAY]
    for command in (["validate"], ["expire", "--within", "365"]):
        result = into_closed_pipe(*command, *root)
        assert (result.returncode, result.stderr) == (141, ""), command
    (ads / "bad.yml").unlink()
    result = into_closed_pipe("match", *root)
    assert (result.returncode, result.stderr) == (141, "")
