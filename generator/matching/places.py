"""Places as people write them -> the canonical places of `places.yml`.

One city is often written in two languages or without its umlauts (`Wien`/`Vienna`,
`München`/`Munich`/`Muenchen`/`Munchen`, `Zürich`/`Zurich`): the list names each place once,
with its English name, its German name and the other spellings people use, so that on-site
matching treats them as one place. A location the list does not name is compared folded
(`Köln`, `koeln`, `KÖLN `) and stays its own place.

Resolution is exact only: the location folded, in both ways of writing an umlaut (`ö` as
`oe` and as `o`), else the part before a comma or bracket (`Wien, Österreich`,
`München (Campus Nord)`). A near spelling is never merged with a listed place, since
neighbouring towns are often one letter apart (`Halle`/`Hall`); `tandem validate` asks
"did you mean" instead (`place_warnings`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, TypeGuard

from rapidfuzz import process
from rapidfuzz.distance import OSA

from generator.data.ids import slugify
from generator.data.load import Document, LoadError, load_file
from generator.data.problems import Problem
from generator.data.validate import Record
from generator.matching.listed import Listed

PLACES_FILE = "places.yml"
# Locations that name no place: such an ad meets others only remotely.
REMOTE_PLACES = frozenset(
    {"remote", "anywhere", "ueberall", "ortsunabhaengig", "home-office", "homeoffice"}
)
# "Did you mean": a location this many letters long or more may be one typo (a letter
# dropped, added, replaced or two swapped) away from a listed spelling, and from
# LONG_PLACE letters on two. Shorter places differ by one letter too often (Linz/Lienz,
# Essen/Essex, Bern/Bonn) to guess.
MIN_TYPO_LENGTH = 6
LONG_PLACE = 9
_HEAD = re.compile(r"^([^,(]+)[,(]")


class Place(Listed):
    """One canonical place of the list."""


@dataclass(frozen=True)
class Places:
    """The listed places, and their spellings in the folded forms compared."""

    places: tuple[Place, ...] = ()

    @cached_property
    def terms(self) -> dict[str, tuple[Place, str]]:
        """Folded spelling -> (the place, the spelling as listed); the first listed wins."""
        table: dict[str, tuple[Place, str]] = {}
        for place in self.places:
            for term in place.terms:
                for folded in folded_forms(term):
                    table.setdefault(folded, (place, term))
        return table

    @cached_property
    def _resolved(self) -> dict[str, Place | None]:
        """Locations already resolved: every reason about a place asks again (300,000 times
        at 10,000 ads, for a few hundred locations)."""
        return {}

    def resolve(self, location: str) -> Place | None:
        """The listed place a location names, or None."""
        if location in self._resolved:
            return self._resolved[location]
        found = self._resolved[location] = self._listed(location)
        return found

    def _listed(self, location: str) -> Place | None:
        for text in _candidates(location):
            for folded in folded_forms(text):
                found = self.terms.get(folded)
                if found is not None:
                    return found[0]
        return None

    def key_of(self, location: str) -> str:
        """What matching compares: the listed place's key, else the location folded; empty
        for `Remote` and the like."""
        place = self.resolve(location)
        if place is not None:
            return place.key
        key = slugify(location) or _squeezed(location)
        return "" if key in REMOTE_PLACES else key

    def display(self, location: str, lang: str = "en") -> str:
        """The place's name in `lang` when listed, else the location as written."""
        place = self.resolve(location)
        return place.display(lang) if place is not None else location.strip()

    def params(self, name: str, location: str) -> tuple[tuple[str, str], ...]:
        """A reason's parameter: the place's English name, and its German one as `<name>_de`
        when that differs (the wording picks the one of its language)."""
        english, german = self.display(location, "en"), self.display(location, "de")
        if german == english:
            return ((name, english),)
        return ((name, english), (f"{name}_de", german))

    def close_terms(self, location: str) -> list[str]:
        """The listed spellings of other places a location is one or two typos from."""
        if self.resolve(location) is not None or self.key_of(location) == "":
            return []
        query = _ascii_form(location)
        if len(query) < MIN_TYPO_LENGTH:
            return []
        allowed = 2 if len(query) >= LONG_PLACE else 1
        hits = process.extract(
            query, list(self.terms), scorer=OSA.distance, score_cutoff=allowed, limit=None
        )
        best = min((distance for _, distance, _ in hits if distance > 0), default=None)
        closest = {
            self.terms[folded]
            for folded, distance, _ in hits
            if distance == best and folded[:1] == query[:1]
        }
        # One spelling per place, the first it lists (`Vienna` before `Viena`), by name.
        return [
            next(term for term in place.terms if (place, term) in closest)
            for place in sorted({place for place, _ in closest}, key=lambda p: p.name)
        ]


NO_PLACES = Places()
"""The list when there is no places.yml: every location is compared folded, as written."""


def folded_forms(text: str) -> tuple[str, ...]:
    """`Köln` -> (`koeln`, `koln`): umlauts spelled out and dropped, no spaces or punctuation."""
    return tuple(dict.fromkeys((_squeezed(text), _ascii_form(text))))


def _squeezed(text: str) -> str:
    return slugify(text).replace("-", "") or "".join(
        unicodedata.normalize("NFKC", text).casefold().split()
    )


def _ascii_form(text: str) -> str:
    plain = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text).casefold())
    ascii_text = plain.encode("ascii", "ignore").decode().replace("ß", "ss")
    return re.sub(r"[^a-z0-9]+", "", ascii_text) or _squeezed(text)


def _candidates(location: str) -> Iterator[str]:
    """The location, then the part before a comma or bracket (`Wien, Österreich`)."""
    yield location
    head = _HEAD.match(location)
    if head and head.group(1).strip():
        yield head.group(1)


# --- the list file --------------------------------------------------------------------------


def read_places(root: Path) -> tuple[Places, list[Problem]]:
    """The places in `root/places.yml` (none when there is no such file), and every problem:
    a file that does not load, entries that are not `{name, de?, aliases?}`, one spelling
    for two places, and a spelling that says "remote"."""
    path = root / PLACES_FILE
    if path.is_symlink() or (path.exists() and not path.is_file()):
        return Places(), [
            Problem(PLACES_FILE, 1, 1, "not a regular file (a link?); commit the file itself")
        ]
    if not path.is_file():
        return Places(), []
    try:
        doc = load_file(path, display=PLACES_FILE)
    except LoadError as exc:
        return Places(), [exc.problem]
    entries, problems = _read_entries(doc)
    problems += _clashes(doc, entries)
    problems += _remote_spellings(doc, entries)
    return Places(tuple(place for _, place in entries)), problems


def _read_entries(doc: Document) -> tuple[list[tuple[int, Place]], list[Problem]]:
    entries = doc.data.get("places") if isinstance(doc.data, dict) else None
    if not isinstance(entries, list):
        message = "write `places:` as a list of `{name, de?, aliases?}` entries"
        return [], [_problem(doc, ("places",), message)]
    found: list[tuple[int, Place]] = []
    problems: list[Problem] = []
    for index, entry in enumerate(entries):
        place = _place_of(entry)
        if place is None:
            message = (
                "each place needs `name` (its English name, text), optional `de` "
                "(its German name) and `aliases` (a list of other spellings)"
            )
            problems.append(_problem(doc, ("places", index), message))
        else:
            found.append((index, place))
    return found, problems


def _place_of(entry: Any) -> Place | None:
    if not isinstance(entry, dict) or set(entry) - {"name", "de", "aliases"}:
        return None
    name, aliases = entry.get("name"), entry.get("aliases", [])
    de = entry.get("de", name)
    if not (_text(name) and _text(de) and isinstance(aliases, list)):
        return None
    if not all(_text(alias) for alias in aliases):
        return None
    key = slugify(name) or _squeezed(name)
    return Place(key=key, name=name.strip(), de=de.strip(), aliases=tuple(aliases))


def _text(value: Any) -> TypeGuard[str]:
    return isinstance(value, str) and bool(value.strip())


def _clashes(doc: Document, entries: Sequence[tuple[int, Place]]) -> list[Problem]:
    """One spelling (in any folded form) for two places would merge them."""
    owner: dict[str, Place] = {}
    problems: list[Problem] = []
    for index, place in entries:
        for term in place.terms:
            firsts = [owner.setdefault(f, place) for f in folded_forms(term)]
            other = next((first for first in firsts if first.key != place.key), None)
            if other is not None:
                message = (
                    f"'{term}' of '{place.name}' reads the same as a spelling of "
                    f"'{other.name}'; keep it in one entry"
                )
                problems.append(_problem(doc, ("places", index), message))
    return problems


def _remote_spellings(doc: Document, entries: Sequence[tuple[int, Place]]) -> list[Problem]:
    return [
        _problem(
            doc,
            ("places", index),
            f"'{term}' means no place in particular (an ad there meets others remotely); "
            "leave it out of places.yml",
        )
        for index, place in entries
        for term in place.terms
        if slugify(term) in REMOTE_PLACES
    ]


def _problem(doc: Document, path: tuple[str | int, ...], message: str) -> Problem:
    line, col = doc.position(path)
    return Problem(doc.path, line, col, message)


# --- problems for `tandem validate` --------------------------------------------------------


def place_warnings(records: Mapping[str, Record], places: Places) -> list[Problem]:
    """A warning at each location the list does not name that is close to a listed one."""
    problems = []
    known: dict[str, list[str]] = {}
    for record, location in _locations(records.values()):
        close = known.get(location)
        if close is None:
            close = known[location] = places.close_terms(location)
        if close:
            line, col = record.position(("location",))
            options = " or ".join(f"'{term}'" for term in close)
            message = (
                f"location '{location}' is not in places.yml but close to {options}; "
                f"did you mean {options}?"
            )
            problems.append(Problem(record.path, line, col, message, "warning"))
    return problems


def _locations(records: Iterable[Record]) -> Iterator[tuple[Record, str]]:
    for record in records:
        location = record.data.get("location")
        if isinstance(location, str) and location.strip():
            yield record, location
