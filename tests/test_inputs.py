"""Hostile and careless input through the real `tandem` command: every case ends with a clear
message naming file and line, or does the right thing, and never with a traceback."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from conftest import TODAY, build_env

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
