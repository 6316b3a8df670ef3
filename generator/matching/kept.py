"""Each ad's search and its worded list kept for the next run (`KeptSuggestions`).

`tandem match` searches every open ad's candidates without crowding (`Matcher.scored_all`),
ranks them with the crowding that everyone's first choices cause, and words each list. A
contributor's second run, on the same tree or after editing an ad, would do it all again.

An ad's search (`Scored`: in each band, the candidates scored in the order of search, the
highest score one left unscored could reach, and the first left unscored) reads its own
profile, and of its candidates: who they are, their scores and their order of search (by the
highest score each could reach, its `Matcher.ceiling`). Each pair's numbers depend on the two
ads only (`tests/test_naive.py` holds an ad searched alone to all ads searched together). A
profile is a function of the ad (its `fingerprint`), the taxonomy, today and Tandem's code,
which are the pack's version. So after an edit the search of an ad is made again when:

- the ad changed, is new or opened, or its owner's past partners changed;
- a changed or gone ad was among its scored candidates or was the first left unscored;
- a changed or new ad is now its candidate, in a band that was searched, and could reach
  the band's bound (no candidate at or below the bound changes where the search stops:
  `_cut` stops at the first candidate whose ceiling is that low, and one with a ceiling no
  higher is ordered after it or stops the search in its place with the same bound).

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
import datetime as dt
import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, TypeVar, cast

import numpy as np

from generator.data.model import Ad, Partnership
from generator.matching.match import (
    NO_BAND,
    NO_BOUND,
    Band,
    Matcher,
    Ranked,
    Scored,
)

T = TypeVar("T")
_LOCALES = Path(__file__).resolve().parent.parent / "locales"

Entry = tuple[str, Scored]
"""An ad's search as this run keeps it: its fingerprint, the search."""
Back = tuple[dict[str, Entry], dict[str, str], dict[int, str], int, int]
"""What a second process kept (`KeptSuggestions.handed_back`)."""
Column = np.ndarray[Any, np.dtype[Any]]
CHANGED_AT_MOST = 0.25
"""Beyond this share of the ads changed, every ad is searched again: finding whom the changes
reach would cost about as much."""
_COLUMNS = ("<f8", "<f8", "<i4", "u1")
"""The rows of every search, as the pack keeps them in four columns: the negated shown and
unrounded scores, the partner (index in the pack's ids) and the large time gap (0 or 1)."""


def fingerprint(ad: Ad) -> str:
    """A digest of everything matching reads of one ad: the ad itself (its fields are text,
    numbers, dates and tuples of them, so its repr is the same in every run; `1` and `1.0`
    differ, as the reasons word them)."""
    return hashlib.sha256(repr(ad).encode("utf-8", "surrogatepass")).hexdigest()


def market_digest(
    ads: Sequence[Ad], partnerships: Sequence[Partnership], *, today: dt.date, version: str
) -> str:
    """A digest of everything matching reads, for one `version` (code, taxonomy, today,
    depth): the open ads, the owner of every ad and the partners of every log (who partnered
    with whom)."""
    digest = hashlib.sha256(version.encode())
    for ad in sorted((ad for ad in ads if ad.is_open(today)), key=lambda ad: ad.id):
        digest.update(b"\0" + fingerprint(ad).encode())
    owners = sorted((ad.id, ad.owner) for ad in ads)
    logs = [partnership.partners for partnership in partnerships]
    digest.update(repr((owners, logs)).encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def words_version() -> str:
    """A digest of the words the lists are written in (the locales, which `code_version`
    does not read)."""
    digest = hashlib.sha256()
    for path in sorted(_LOCALES.rglob("*")):
        if path.is_file():
            digest.update(path.relative_to(_LOCALES).as_posix().encode() + b"\0")
            digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


@dataclass
class KeptSuggestions:
    """The searches and worded lists of the last run (`last`, `last_lists`, as read from the
    packs) and those of this run (`entries`, `lists`: the next packs)."""

    version: str
    """Tandem's code, the taxonomy, today and the depth of search: every entry's too."""
    last: Mapping[str, Any]
    last_lists: Mapping[str, Any] | None = None
    """The lists pack as read (`lists_pack`), or None when this run's lists are not text
    (they are not kept)."""
    market: str = ""
    """`market_digest` of this run."""
    entries: dict[str, Entry] = field(default_factory=dict)
    lists: dict[str, str] = field(default_factory=dict)
    keys: dict[int, str] = field(default_factory=dict)
    """Index -> the key of the ad's list in this run."""
    fingerprints: list[str] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)
    partnered: dict[str, list[str]] = field(default_factory=dict)
    taken: int = 0
    searched_again: int = 0
    worded_again: int = 0

    @cached_property
    def last_texts(self) -> Mapping[str, Any]:
        texts = self.last_lists.get("texts") if self.last_lists is not None else None
        return texts if isinstance(texts, dict) else {}

    def unchanged(self) -> dict[str, str] | None:
        """Every open ad's list as the last run wrote it, when the market is the same as
        then (`market_digest`: everything matching reads), else None."""
        last = self.last_lists
        if last is None or not self.market or last.get("market") != self.market:
            return None
        ids, keys, texts = last.get("ids"), last.get("keys"), self.last_texts
        if type(ids) is not list or type(keys) is not list or len(ids) != len(keys):
            return None
        found = {ident: texts.get(key) for ident, key in zip(ids, keys, strict=True)}
        if not all(type(ident) is str and type(text) is str for ident, text in found.items()):
            return None
        if len(found) != len(ids):
            return None  # an id listed twice
        return cast(dict[str, str], found)

    # --- searches -------------------------------------------------------------------------

    def known(self, matcher: Matcher, *, depth: int) -> dict[int, Scored]:
        """The kept search of every ad that no change since the last run can reach (see the
        module's docstring); `depth`: how many partners each search scored."""
        profiles = matcher.profiles
        self.ids = [p.ad.id for p in profiles]
        self.fingerprints = [fingerprint(p.ad) for p in profiles]
        self.partnered = {owner: sorted(others) for owner, others in matcher.partnered.items()}
        last_ads, last_ids = self.last.get("ads"), self.last.get("ids")
        if not isinstance(last_ads, dict) or not isinstance(last_ids, list) or not _texts(last_ids):
            return {}
        owners = _owners_partnered_anew(self.partnered, self.last.get("partnered"))
        same = {
            ident: print_
            for ident, print_, p in zip(self.ids, self.fingerprints, profiles, strict=True)
            if p.owner not in owners
        }  # the ads as they were, unless their owner's past partners changed
        changed = [i for i, ident in enumerate(self.ids) if not _same(last_ads, ident, same)]
        if len(changed) > len(self.ids) * CHANGED_AT_MOST:
            return {}
        gone = np.array([not _same(last_ads, ident, same) for ident in last_ids], dtype=bool)
        kept = _kept_searches(self.last, last_ads, _remap(last_ids, self.ids), self.ids, gone)
        known = {i: kept[ident] for i, ident in enumerate(self.ids) if ident in kept}
        for c in changed:
            known.pop(c, None)
        for c in changed:
            _drop_entered(matcher, c, known, depth=depth)
        self.taken = len(known)
        return known

    def keep(self, matcher: Matcher, scored: Mapping[int, Scored], *, searched: int) -> None:
        """Keep the searches of this share of the ads (taken or made, `searched` of them
        made): the next pack."""
        self.searched_again += searched
        for i, found in scored.items():
            self.entries[matcher.profiles[i].ad.id] = (self.fingerprints[i], found)

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
        key = self.keys[index] = digest.hexdigest()
        text = self.last_texts.get(key)
        if type(text) is str:
            self.lists[key] = text
            return cast(T, text)  # what `make` wrote last time: text
        made = make()
        self.worded_again += 1
        if isinstance(made, str):
            self.lists[key] = made
        return made

    # --- between the two processes --------------------------------------------------------

    def handed_back(self) -> Back:
        """What a second process kept, for the first (`take`)."""
        return self.entries, self.lists, self.keys, self.searched_again, self.worded_again

    def take(self, back: Back) -> None:
        entries, lists, keys, searched, worded = back
        self.entries.update(entries)
        self.lists.update(lists)
        self.keys.update(keys)
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
            self.worded_again > 0
            or self.last_lists.get("market") != self.market
            or self.lists.keys() != self.last_texts.keys()
        )

    def lists_pack(self) -> dict[str, Any]:
        """The lists pack of this run: each list by its key, and each ad's key, for the
        market this run saw."""
        keys = [self.keys[i] for i in range(len(self.ids))]
        return {"market": self.market, "ids": self.ids, "keys": keys, "texts": self.lists}

    def pack(self) -> dict[str, Any]:
        """The searches pack of this run: ads in index order, their rows in four columns."""
        ads: dict[str, list[Any]] = {}
        rows: list[Ranked] = []
        bounds: list[float] = []
        lefts: list[int] = []
        for ident in self.ids:
            if ident not in self.entries:
                continue
            print_, scored = self.entries[ident]
            ads[ident] = [print_, len(scored.mutual.ranked), len(scored.one_way.ranked)]
            for band in (scored.mutual, scored.one_way):
                rows += band.ranked
                bounds.append(band.bound)
                lefts.append(band.left)
        table = np.array(rows, dtype=np.float64).reshape(len(rows), 4)
        return {
            "ids": self.ids,
            "partnered": self.partnered,
            "ads": ads,
            "bounds": _base64(np.array(bounds, dtype="<f8")),
            "lefts": _base64(np.array(lefts, dtype="<i4")),
            "rows": [_base64(table[:, n].astype(kind)) for n, kind in enumerate(_COLUMNS)],
        }


def _texts(value: Any) -> bool:
    return type(value) is list and all(type(item) is str for item in value)


def _same(last_ads: Mapping[str, Any], ident: str, same: Mapping[str, str]) -> bool:
    """Whether the ad `ident` kept in the last run is as it is now (`same`: fingerprints)."""
    entry = last_ads.get(ident)
    return _entry(entry) and bool(entry[0] == same.get(ident))  # type: ignore[index]


def _drop_entered(matcher: Matcher, changed: int, known: dict[int, Scored], *, depth: int) -> None:
    """Leave out of `known` each ad whose search the changed ad can enter now: it is among
    their candidates, in a band that was searched (the one-way band only when the mutual one
    found fewer than `depth`), and could reach the band's bound."""
    mutual, one_way = matcher.candidates(matcher.profiles[changed])
    for i in mutual.tolist():
        scored = known.get(i)
        if scored is not None and _enters(matcher, i, changed, scored.mutual, mutual=True):
            del known[i]
    for i in one_way.tolist():
        scored = known.get(i)
        if scored is None or len(scored.mutual.ranked) >= depth:
            continue
        if _enters(matcher, i, changed, scored.one_way, mutual=False):
            del known[i]


def _enters(matcher: Matcher, index: int, other: int, band: Band, *, mutual: bool) -> bool:
    return band.bound == NO_BOUND or matcher.ceiling(index, other, mutual=mutual) >= band.bound


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
    last: Mapping[str, Any], ads: dict[str, Any], remap: Column, ids: list[str], gone: Column
) -> dict[str, Scored]:
    """Each kept ad's search, by id, its partners at their indexes now, unless a `gone` ad
    (by place in the last run's ids) was among its scored candidates or the first left
    unscored. An ad whose rows are not as `pack` writes them (a partner not open now or the
    ad itself, numbers not finite, rows out of order) is left out, and so is every ad when
    the columns do not add up."""
    counts = [entry[1:] if _entry(entry) else None for entry in ads.values()]
    listed = last.get("rows")
    if any(c is None for c in counts) or type(listed) is not list or len(listed) != 4:
        return {}
    sizes = np.array(counts, dtype=np.int64).reshape(len(counts) * 2)
    columns = [_column(text, kind) for text, kind in zip(listed, _COLUMNS, strict=True)]
    bounds, lefts = _column(last.get("bounds"), "<f8"), _column(last.get("lefts"), "<i4")
    total = int(sizes.sum())
    if (
        bounds is None
        or lefts is None
        or len(bounds) != len(sizes)
        or len(lefts) != len(sizes)
        or any(c is None or len(c) != total for c in columns)
    ):
        return {}
    shown, raws, partners, gaps = cast(list[Column], columns)
    index = {ident: i for i, ident in enumerate(ids)}
    owner = np.array([index.get(ident, -1) for ident in ads], dtype=np.intp)
    band = np.repeat(np.arange(len(sizes)), sizes)
    now, touched = _now(partners, remap, gone)
    bad_row = ~(np.isfinite(shown) & np.isfinite(raws)) | (now < 0) | (gaps > 1) | touched
    bad_row |= now == owner[band // 2]
    bad = np.zeros(len(sizes), dtype=np.bool_)
    bad[band[bad_row]] = True
    bad[band[1:][(band[1:] == band[:-1]) & ~_ascending(shown, raws, now, gaps)]] = True
    left, left_touched = _now(lefts, remap, gone)
    no_bound = bounds == NO_BOUND
    bad |= ~(np.isfinite(bounds) | no_bound) | ((sizes == 0) & ~no_bound) | left_touched
    bad |= (lefts == -1) != no_bound
    bad |= (lefts != -1) & (left < 0)
    rows: list[Ranked] = list(
        zip(shown.tolist(), raws.tolist(), now.tolist(), (gaps == 1).tolist(), strict=True)
    )
    found: dict[str, Scored] = {}
    ends, counted, limits = np.cumsum(sizes).tolist(), sizes.tolist(), bounds.tolist()
    firsts = left.tolist()
    usable = ~(bad[0::2] | bad[1::2]) & (owner >= 0)
    for n, ident in enumerate(ads):
        if usable[n]:
            mutual, one_way = (
                Band(rows[ends[b] - counted[b] : ends[b]], counted[b], limits[b], firsts[b])
                if counted[b]
                else NO_BAND
                for b in (2 * n, 2 * n + 1)
            )
            found[ident] = Scored(mutual, one_way)
    return found


def _now(places: Column, remap: Column, gone: Column) -> tuple[Column, Column]:
    """The index now of each ad by its place in the last run's ids (-1 where it is not open
    now or the place is not one), and whether it is `gone`."""
    inside = (places >= 0) & (places < len(remap))
    at = np.where(inside, places, len(remap))
    return np.append(remap, -1)[at], np.append(gone, False)[at]


def _entry(entry: Any) -> bool:
    """[fingerprint, mutual rows, one-way rows], as `pack` writes an ad."""
    return (
        type(entry) is list
        and len(entry) == 3
        and type(entry[0]) is str
        and type(entry[1]) is int
        and type(entry[2]) is int
        and 0 <= entry[1] < 1 << 31
        and 0 <= entry[2] < 1 << 31
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
