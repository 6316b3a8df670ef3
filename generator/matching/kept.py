"""Each ad's search and its worded list kept for the next run (`KeptSuggestions`).

`tandem match` searches every open ad's candidates without crowding (`Matcher.scored_all`),
ranks them with the crowding that everyone's first choices cause, and words each list. A
contributor's second run, on the same tree or after editing an ad, would do it all again.

What an ad's search (`Scored`) reads: its own profile, the profiles of its candidates, and
who its candidates are; each pair's numbers depend on the two ads only (`tests/test_naive.py`
holds an ad searched alone to all ads searched together). The profile of an ad is a function
of the ad, the taxonomy, today and Tandem's code: the code, the taxonomy and today are in the
pack's version, the ad in its fingerprint (`fingerprint`). Who the candidates are is a
symmetric relation (`Matcher.related`: one offers what the other seeks, either way, and they
may meet), so an edit can change the search of:

- the ads added, edited, opened, closed or deleted (their fingerprints differ, or they
  are new or gone), and the ads of an owner whose past partners changed;
- every ad related to one of them, as it is now (`Matcher.related` of its profile) or as it
  was (of what the pack kept of the old one: the facts the relation reads).

Every other ad's search is taken from the pack. Then crowding and ranking run for everyone
(cheap), and a list is worded again only when what it shows changed: its key names the ad's
fingerprint, and each partner's fingerprint, score and crowding in order.

The packs are read and written as the checks pack is (`generator.data.kept.StoredChecks`):
JSON, digest checked, never read when `.cache/` is committed, never through a link. An entry
that is not one this module could have written (a partner who is not open, numbers that are
not finite, rows out of order, anything of the wrong shape) is a miss: that ad is searched
again. A run with `TANDEM_CACHE=off` gives the same bytes (the tests compare).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar, cast

import numpy as np

from generator.data.model import Ad
from generator.matching.match import (
    NO_BAND,
    NO_BOUND,
    Band,
    Matcher,
    Profile,
    Ranked,
    Scored,
)

T = TypeVar("T")
_LOCALES = Path(__file__).resolve().parent.parent / "locales"

Entry = tuple[str, list[Any], Scored]
"""An ad's search as this run keeps it: its fingerprint, its `facts`, the search."""
Column = np.ndarray[Any, np.dtype[Any]]
_COLUMNS = ("<f8", "<f8", "<i4", "u1")
"""The rows of every search, as the pack keeps them in four columns: the negated shown and
unrounded scores, the partner (index in the pack's ids) and the large time gap (0 or 1)."""


def fingerprint(ad: Ad) -> str:
    """A digest of everything matching reads of one ad: the ad itself (its fields are text,
    numbers, dates and tuples of them, so its repr is the same in every run; `1` and `1.0`
    differ, as the reasons word them)."""
    return hashlib.sha256(repr(ad).encode("utf-8", "surrogatepass")).hexdigest()


def words_version() -> str:
    """A digest of the words the lists are written in (the locales, which `code_version`
    does not read)."""
    digest = hashlib.sha256()
    for path in sorted(_LOCALES.rglob("*")):
        if path.is_file():
            digest.update(path.relative_to(_LOCALES).as_posix().encode() + b"\0")
            digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def facts(profile: Profile) -> list[Any]:
    """What `Matcher.related` reads of an ad: kept, so that the ads an ad was related to
    can be found once it has changed or gone."""
    teach = sorted({k for key, n in profile.needs.items() for k in (key, n.within) if k})
    return [
        teach,
        sorted(profile.offers),
        sorted(profile.languages),
        profile.place,
        profile.remote,
        profile.owner,
    ]


@dataclass
class KeptSuggestions:
    """The searches and worded lists of the last run (`last`, `last_lists`, as read from the
    packs) and those of this run (`entries`, `lists`: the next packs)."""

    version: str
    """Tandem's code, the taxonomy, today and the depth of search: every entry's too."""
    last: Mapping[str, Any]
    last_lists: Mapping[str, Any] | None = None
    """Key -> a list as written, or None when this run's lists are not text (not kept)."""
    entries: dict[str, Entry] = field(default_factory=dict)
    lists: dict[str, str] = field(default_factory=dict)
    fingerprints: list[str] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)
    partnered: dict[str, list[str]] = field(default_factory=dict)
    taken: int = 0
    searched_again: int = 0
    worded_again: int = 0

    # --- searches -------------------------------------------------------------------------

    def known(self, matcher: Matcher) -> dict[int, Scored]:
        """The kept search of every ad that no change since the last run can reach."""
        profiles = matcher.profiles
        self.ids = [p.ad.id for p in profiles]
        self.fingerprints = [fingerprint(p.ad) for p in profiles]
        self.partnered = {owner: sorted(others) for owner, others in matcher.partnered.items()}
        last_ads, last_ids = self.last.get("ads"), self.last.get("ids")
        if not isinstance(last_ads, dict) or not isinstance(last_ids, list) or not _texts(last_ids):
            return {}
        reach = _reached(matcher, self, last_ads, self.last.get("partnered"))
        kept = _kept_searches(self.last, last_ads, _remap(last_ids, self.ids), self.ids)
        known = {
            i: kept[ident] for i, ident in enumerate(self.ids) if not reach[i] and ident in kept
        }
        self.taken = len(known)
        return known

    def keep(self, matcher: Matcher, scored: Mapping[int, Scored], *, searched: int) -> None:
        """Keep the searches of this share of the ads (taken or made, `searched` of them
        made): the next pack."""
        self.searched_again += searched
        for i, found in scored.items():
            profile = matcher.profiles[i]
            self.entries[profile.ad.id] = (self.fingerprints[i], facts(profile), found)

    # --- worded lists ---------------------------------------------------------------------

    def worded(
        self,
        index: int,
        ranked: Sequence[tuple[float, int]],
        crowding: Mapping[int, float],
        make: Callable[[], T],
    ) -> T:
        """The list `make` words for the ad at `index`, from the last run's pack when it
        shows the same partners of the same ads with the same scores and crowding."""
        if self.last_lists is None:
            return make()
        digest = hashlib.sha256(f"{self.version}\0{self.fingerprints[index]}".encode())
        for shown, j in ranked:
            points = crowding.get(j)
            digest.update(f"\0{shown!r}\0{self.fingerprints[j]}\0{points!r}".encode())
        key = digest.hexdigest()
        text = self.last_lists.get(key)
        if type(text) is str:
            self.lists[key] = text
            return cast(T, text)  # what `make` wrote last time: text
        made = make()
        self.worded_again += 1
        if isinstance(made, str):
            self.lists[key] = made
        return made

    # --- between the two processes --------------------------------------------------------

    def handed_back(self) -> tuple[dict[str, Entry], dict[str, str], int, int]:
        """What a second process kept, for the first (`take`)."""
        return self.entries, self.lists, self.searched_again, self.worded_again

    def take(self, back: tuple[dict[str, Entry], dict[str, str], int, int]) -> None:
        entries, lists, searched, worded = back
        self.entries.update(entries)
        self.lists.update(lists)
        self.searched_again += searched
        self.worded_again += worded

    # --- the next packs -------------------------------------------------------------------

    @property
    def changed(self) -> bool:
        """Whether this run's searches pack differs from the last one."""
        last_ads = self.last.get("ads")
        return (
            self.searched_again > 0
            or self.last.get("ids") != self.ids
            or self.last.get("partnered") != self.partnered
            or not isinstance(last_ads, dict)
            or self.taken != len(last_ads)
        )

    @property
    def lists_changed(self) -> bool:
        return self.last_lists is not None and (
            self.worded_again > 0 or self.lists.keys() != self.last_lists.keys()
        )

    def pack(self) -> dict[str, Any]:
        """The searches pack of this run: ads in index order, their rows in four columns."""
        ads: dict[str, list[Any]] = {}
        rows: list[Ranked] = []
        bounds: list[float] = []
        for ident in self.ids:
            if ident not in self.entries:
                continue
            print_, facts_, scored = self.entries[ident]
            ads[ident] = [print_, facts_, len(scored.mutual.ranked), len(scored.one_way.ranked)]
            for band in (scored.mutual, scored.one_way):
                rows += band.ranked
                bounds.append(band.bound)
        table = np.array(rows, dtype=np.float64).reshape(len(rows), 4)
        columns = [_base64(table[:, n].astype(kind)) for n, kind in enumerate(_COLUMNS)]
        return {
            "ids": self.ids,
            "partnered": self.partnered,
            "ads": ads,
            "bounds": _base64(np.array(bounds, dtype="<f8")),
            "rows": columns,
        }


def _texts(value: Any) -> bool:
    return type(value) is list and all(type(item) is str for item in value)


def _reached(
    matcher: Matcher, kept: KeptSuggestions, last_ads: dict[str, Any], last_partnered: Any
) -> np.ndarray[Any, np.dtype[np.bool_]]:
    """Which open ads an edit since the last run can reach (see the module's docstring)."""
    profiles = matcher.profiles
    reach = np.zeros(len(profiles), dtype=np.bool_)
    owners = _owners_partnered_anew(kept.partnered, last_partnered)
    now = set(kept.ids)
    for i, (profile, print_) in enumerate(zip(profiles, kept.fingerprints, strict=True)):
        entry = last_ads.get(profile.ad.id)
        same = type(entry) is list and len(entry) == 4 and entry[0] == print_
        if same and profile.owner not in owners:
            continue
        reach[i] = True
        reach |= matcher.related(*facts(profile))
        if type(entry) is list and len(entry) == 4:
            reach |= _related_as_was(matcher, entry[1])
    for ident, entry in last_ads.items():
        if ident not in now and type(entry) is list and len(entry) == 4:
            reach |= _related_as_was(matcher, entry[1])
    return reach


def _related_as_was(matcher: Matcher, kept: Any) -> np.ndarray[Any, np.dtype[np.bool_]]:
    """`Matcher.related` of an ad as the last run kept it; everyone when it is not as
    written (every search is made again)."""
    everyone = np.ones(len(matcher.profiles), dtype=np.bool_)
    if type(kept) is not list or len(kept) != 6:
        return everyone
    teach, offers, languages, place, remote, owner = kept
    if not (_texts(teach) and _texts(offers) and _texts(languages)):
        return everyone
    if type(place) is not str or type(remote) is not bool or type(owner) is not str:
        return everyone
    return matcher.related(teach, offers, languages, place, remote, owner)


def _owners_partnered_anew(now: Mapping[str, list[str]], last: Any) -> set[str]:
    """Owners whose past partners differ from the last run's (all, when that is unreadable)."""
    if type(last) is not dict:
        return set(now) | {""}  # "" marks all: no owner is the empty text
    return {owner for owner in now.keys() | last.keys() if now.get(owner) != last.get(owner)}


def _remap(last_ids: list[str], ids: list[str]) -> np.ndarray[Any, np.dtype[np.intp]]:
    """The index now of each ad by its place in the last run's ids (-1: not open now)."""
    index = {ident: i for i, ident in enumerate(ids)}
    return np.array([index.get(ident, -1) for ident in last_ids], dtype=np.intp)


# --- the searches as the pack keeps them ------------------------------------------------


def _base64(column: Column) -> str:
    return base64.b64encode(column.tobytes()).decode()


def _column(text: Any, kind: str) -> Column | None:
    if type(text) is not str:
        return None
    try:
        return np.frombuffer(base64.b64decode(text, validate=True), dtype=kind)
    except (binascii.Error, ValueError):
        return None


def _kept_searches(
    last: Mapping[str, Any], ads: dict[str, Any], remap: Column, ids: list[str]
) -> dict[str, Scored]:
    """Each kept ad's search, by id, its partners at their indexes now; an ad whose rows are
    not as `pack` writes them (a partner not open now or the ad itself, numbers not finite,
    rows out of order) is left out, and so is every ad when the columns do not add up."""
    counts = [entry[2:] if _entry(entry) else None for entry in ads.values()]
    listed = last.get("rows")
    if any(c is None for c in counts) or type(listed) is not list or len(listed) != 4:
        return {}
    sizes = np.array(counts, dtype=np.int64).reshape(len(counts) * 2)
    columns = [_column(text, kind) for text, kind in zip(listed, _COLUMNS, strict=True)]
    bounds = _column(last.get("bounds"), "<f8")
    total = int(sizes.sum())
    if (
        bounds is None
        or len(bounds) != len(sizes)
        or any(c is None or len(c) != total for c in columns)
    ):
        return {}
    shown, raws, partners, gaps = cast(list[Column], columns)
    index = {ident: i for i, ident in enumerate(ids)}
    owner = np.array([index.get(ident, -1) for ident in ads], dtype=np.intp)
    band = np.repeat(np.arange(len(sizes)), sizes)
    inside = (partners >= 0) & (partners < len(remap))
    now = np.append(remap, -1)[np.where(inside, partners, len(remap))]
    bad_row = ~(np.isfinite(shown) & np.isfinite(raws)) | (now < 0) | (gaps > 1)
    bad_row |= now == owner[band // 2]
    bad = np.zeros(len(sizes), dtype=np.bool_)
    bad[band[bad_row]] = True
    bad[band[1:][(band[1:] == band[:-1]) & ~_ascending(shown, raws, now, gaps)]] = True
    bad |= ~(np.isfinite(bounds) | (bounds == NO_BOUND)) | ((sizes == 0) & (bounds != NO_BOUND))
    rows: list[Ranked] = list(
        zip(shown.tolist(), raws.tolist(), now.tolist(), (gaps == 1).tolist(), strict=True)
    )
    found: dict[str, Scored] = {}
    ends, counted, limits = np.cumsum(sizes).tolist(), sizes.tolist(), bounds.tolist()
    usable = ~(bad[0::2] | bad[1::2]) & (owner >= 0)
    for n, ident in enumerate(ads):
        if usable[n]:
            mutual, one_way = (
                Band(rows[ends[b] - counted[b] : ends[b]], counted[b], limits[b])
                if counted[b]
                else NO_BAND
                for b in (2 * n, 2 * n + 1)
            )
            found[ident] = Scored(mutual, one_way)
    return found


def _entry(entry: Any) -> bool:
    """[fingerprint, facts, mutual rows, one-way rows], as `pack` writes an ad."""
    return (
        type(entry) is list
        and len(entry) == 4
        and type(entry[2]) is int
        and type(entry[3]) is int
        and 0 <= entry[2] < 1 << 31
        and 0 <= entry[3] < 1 << 31
    )


def _ascending(shown: Column, raws: Column, now: Column, gaps: Column) -> Column:
    """Whether each row comes strictly before the next, as `Ranked` tuples sort."""
    a, b = slice(None, -1), slice(1, None)
    same_raw = (raws[a] == raws[b]) & (
        (now[a] < now[b]) | ((now[a] == now[b]) & (gaps[a] < gaps[b]))
    )
    result: Column = (shown[a] < shown[b]) | (
        (shown[a] == shown[b]) & ((raws[a] < raws[b]) | same_raw)
    )
    return result
