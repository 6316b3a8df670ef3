"""Ads that are past or near their `expires` date, and closing the expired ones in place.

Closing rewrites only the value of the top-level `status` key, found by the YAML parser
rather than by a pattern, so comments, quoting, layout and a byte-order mark stay byte for
byte what the owner wrote, and the pull request that carries the change shows one line
per ad. Every ad listed as expired is closed, or comes back with the reason it was not.
"""

from __future__ import annotations

import codecs
import datetime as dt
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from generator.data.ids import ADS, discover, id_problem
from generator.data.load import LoadError, load_bytes, load_file

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
    place: tuple[int, int] = (1, 1)
    """Line and column of the `status` value (of the file's start when there is none)."""

    @property
    def expired(self) -> bool:
        """The ad leaves the site after its `expires` day."""
        return self.days_left < 0


@dataclass(frozen=True)
class Closing:
    """What closing one expired ad came to: `refused` says why the file was left alone."""

    ad: Expiring
    refused: str | None = None


class CloseError(Exception):
    """The file cannot be closed safely; the message says why and what to do."""


def find_expiring(root: Path, today: dt.date, within: int) -> list[Expiring]:
    """Ads not yet closed whose `expires` is before today or at most `within` days ahead.

    Files that are not ads (a refused name, a symbolic link, text that does not load, no
    date) are left to `tandem validate`, which reports them.
    """
    found = (_expiring(path, today) for path in iter_ad_files(root))
    hits = [ad for ad in found if ad is not None and ad.days_left <= within]
    return sorted(hits, key=lambda ad: (ad.expires, ad.ad_id))


def close_expired(root: Path, today: dt.date) -> list[Closing]:
    """Set `status: closed` in every ad already past `expires`; one outcome per ad."""
    return [_close(ad) for ad in find_expiring(root, today, -1)]


def iter_ad_files(root: Path) -> Iterator[Path]:
    """The ad files `tandem validate` reads as ads: regular files with a valid id."""
    for path in discover(root, ADS).files:
        regular = path.is_file() and not path.is_symlink()
        if regular and id_problem(path.stem) is None:
            yield path


def _close(ad: Expiring) -> Closing:
    try:
        close_file(ad.path)
    except CloseError as exc:
        return Closing(ad, str(exc))
    return Closing(ad)


def close_file(path: Path) -> None:
    """Rewrite the value of the top-level `status` key to `closed`, or raise CloseError."""
    if path.is_symlink():
        raise CloseError("it is a symbolic link; commit the file itself")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CloseError(f"it cannot be read ({exc.strerror or exc})") from None
    bom = codecs.BOM_UTF8 if data.startswith(codecs.BOM_UTF8) else b""
    try:
        text = data[len(bom) :].decode("utf-8")
    except UnicodeDecodeError:
        raise CloseError("it is not UTF-8; save it as UTF-8") from None
    start, end, value = _status_span(text)
    new_text = text[:start] + value + text[end:]
    new_data = bom + new_text.encode("utf-8")
    _check_only_status_changed(data, new_data)
    _replace(path, new_data)


def _status_span(text: str) -> tuple[int, int, str]:
    """Where the top-level `status` value stands in `text`, and the text to put there."""
    depth, keys_seen, is_status = 0, 0, False
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if depth == 1 and isinstance(event, (yaml.ScalarEvent, yaml.CollectionStartEvent)):
                if is_status:
                    break
                keys_seen += 1
                is_status = keys_seen % 2 == 1 and getattr(event, "value", None) == "status"
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.YAMLError:
        raise CloseError("it is not valid YAML; run 'tandem validate' and fix it") from None
    if not is_status:
        raise CloseError("it has no top-level 'status'; add 'status: closed'")
    if not isinstance(event, yaml.ScalarEvent) or not (event.start_mark and event.end_mark):
        raise CloseError("its top-level 'status' is not a plain value; write 'status: closed'")
    start, end = event.start_mark.index, event.end_mark.index
    if event.style in ("|", ">"):  # a block scalar runs to the end of its last line
        return start, end, f"{CLOSED}\n"
    space = "" if start != end or text[:start].endswith((" ", "\t")) else " "
    return start, end, f"{space}{CLOSED}"


def _check_only_status_changed(old: bytes, new: bytes) -> None:
    """The edit must read back, with the loader validate uses, as the same ad but closed."""
    before, after = _load(old), _load(new)
    if before is None or after is None or {**before, "status": CLOSED} != after:
        raise CloseError(
            "changing only its 'status' value would change more than the status; "
            "write 'status: closed' by hand"
        )


def _replace(path: Path, data: bytes) -> None:
    """Write beside the file, then rename over it: a reader sees the old or the new file."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tandem-", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.chmod(temporary, path.stat().st_mode & 0o777)
        os.replace(temporary, path)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise CloseError(f"it cannot be written ({exc.strerror or exc})") from None


def _expiring(path: Path, today: dt.date) -> Expiring | None:
    try:
        doc = load_file(path)
    except (OSError, LoadError):  # tandem validate reports it; nothing to expire here
        return None
    data = doc.data
    expires = data.get("expires")
    if not isinstance(expires, dt.date):
        return None
    status = str(data.get("status", ""))
    if status == CLOSED:
        return None
    owner = str(data.get("owner", ""))
    days_left = (expires - today).days
    place = doc.position(("status",)) if "status" in data else (1, 1)
    return Expiring(path.stem, path, owner, status, expires, days_left, place)


def _load(data: bytes) -> dict[str, Any] | None:
    """The file's data as `tandem validate` reads it, or None when it cannot be read."""
    try:
        return load_bytes(data, "<ad>").data
    except LoadError:
        return None
