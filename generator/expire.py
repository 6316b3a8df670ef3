"""Ads that are past or near their `expires` date, and closing the expired ones in place.

Closing rewrites only the top-level `status:` line of a file, so comments, quoting and
layout stay byte for byte what the owner wrote, and the pull request that carries the
change shows one line per ad.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.load import LoadError, load_bytes, load_file

_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_SUFFIXES = (".yml", ".yaml")
# The top-level `status:` line: value, then an optional comment and the line's own ending.
_STATUS_LINE = re.compile(
    r"^(?P<key>status:[ \t]*)(?P<value>[^\s#][^\r\n#]*?)?"
    r"(?P<tail>[ \t]*(?:#[^\r\n]*)?)(?P<cr>\r?)$",
    re.MULTILINE,
)
CLOSED = "closed"


@dataclass(frozen=True)
class Expiring:
    """An ad whose `expires` date is past (`days_left` < 0) or near."""

    ad_id: str
    path: Path
    owner: str
    status: str
    expires: dt.date
    days_left: int

    @property
    def expired(self) -> bool:
        """The ad leaves the site after its `expires` day."""
        return self.days_left < 0


def find_expiring(ads_dir: Path, today: dt.date, within: int) -> list[Expiring]:
    """Ads not yet closed whose `expires` is before today or at most `within` days ahead.

    Files that cannot be read or carry no date are left to `tandem validate`.
    """
    found = (_expiring(path, today) for path in iter_ad_files(ads_dir))
    hits = [ad for ad in found if ad is not None and ad.days_left <= within]
    return sorted(hits, key=lambda ad: (ad.expires, ad.ad_id))


def close_expired(ads_dir: Path, today: dt.date) -> list[Expiring]:
    """Set `status: closed` in the file of every ad already past `expires`; what changed."""
    return [ad for ad in find_expiring(ads_dir, today, -1) if close_file(ad.path)]


def iter_ad_files(ads_dir: Path) -> Iterator[Path]:
    if not ads_dir.is_dir():
        return
    for path in sorted(ads_dir.iterdir()):
        regular = path.is_file() and not path.is_symlink()
        if regular and path.suffix in _SUFFIXES and _ID.match(path.stem):
            yield path


def close_file(path: Path) -> bool:
    """Rewrite the one top-level `status:` line to `closed`; False when that is not safe."""
    try:
        text = path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    matches = list(_STATUS_LINE.finditer(text))
    if len(matches) != 1:
        return False
    line = matches[0]
    key = line["key"] if line["key"][-1] in " \t" else f"{line['key']} "
    replaced = f"{key}{CLOSED}{line['tail']}{line['cr']}"
    new_text = text[: line.start()] + replaced + text[line.end() :]
    if not _only_status_changed(text, new_text):
        return False
    path.write_bytes(new_text.encode("utf-8"))
    return True


def _only_status_changed(old: str, new: str) -> bool:
    """The edit must read back as the same ad with `status: closed`, nothing else."""
    before, after = _load(old), _load(new)
    if before is None or after is None or after.get("status") != CLOSED:
        return False
    return {**before, "status": CLOSED} == after


def _expiring(path: Path, today: dt.date) -> Expiring | None:
    try:
        data: dict[str, Any] | None = load_file(path).data
    except (OSError, LoadError):  # tandem validate reports it; nothing to expire here
        return None
    expires = data.get("expires") if data else None
    if data is None or not isinstance(expires, dt.date):
        return None
    if isinstance(expires, dt.datetime):
        expires = expires.date()
    status = str(data.get("status", ""))
    if status == CLOSED:
        return None
    owner = str(data.get("owner", ""))
    days_left = (expires - today).days
    return Expiring(path.stem, path, owner, status, expires, days_left)


def _load(text: str) -> dict[str, Any] | None:
    """The file's data as `tandem validate` reads it, or None when it cannot be read."""
    try:
        return load_bytes(text.encode("utf-8"), "<ad>").data
    except LoadError:
        return None
