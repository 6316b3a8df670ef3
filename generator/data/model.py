"""Frozen dataclasses built only from validated data."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

GoalsReached = Literal[True, False, "partly"]

# The contract's vocabularies, in the order people meet them. The JSON Schemas hold the same
# lists (a schema is data a contributor's editor reads); tests/test_vocabularies.py says they agree.
PHASES = ("preparation", "planning", "learning", "closing", "closed")
FORMATS = ("tandem", "wol-circle", "lernos-circle")
LEVELS = ("basic", "advanced", "expert")
STATUSES = ("open", "paused", "matched", "closed")
PACKAGE_STATUSES = ("planned", "in-progress", "done")

# Defaults of optional ad fields; the schema's `default` keywords say the same.
DEFAULT_REMOTE = True
DEFAULT_FORMATS = ("tandem",)


@dataclass(frozen=True)
class Offer:
    skill: str
    level: str
    note: str | None = None


@dataclass(frozen=True)
class Seek:
    skill: str
    goal: str | None = None


@dataclass(frozen=True)
class Commitment:
    hours_per_week: float
    weeks: int


@dataclass(frozen=True)
class Ad:
    id: str
    path: str
    name: str
    owner: str
    location: str
    languages: tuple[str, ...]
    offers: tuple[Offer, ...]
    seeks: tuple[Seek, ...]
    commitment: Commitment
    posted: dt.date
    expires: dt.date
    status: str
    contact: str
    team: str | None = None
    remote: bool = DEFAULT_REMOTE
    formats: tuple[str, ...] = DEFAULT_FORMATS
    available_from: dt.date | None = None
    manager_support: bool = False
    about: str | None = None

    def is_live(self, today: dt.date) -> bool:
        """On the site at all: not paused or closed, and not past `expires`."""
        return self.status in ("open", "matched") and today <= self.expires

    def is_open(self, today: dt.date) -> bool:
        """In the marketplace and among suggested partners."""
        return self.status == "open" and today <= self.expires


@dataclass(frozen=True)
class Milestone:
    title: str
    due: dt.date
    done: bool = False


@dataclass(frozen=True)
class Goal:
    partner: str
    goal: str
    milestones: tuple[Milestone, ...] = ()


@dataclass(frozen=True)
class Package:
    title: str
    teacher: str
    learners: tuple[str, ...]
    due: dt.date
    status: str


@dataclass(frozen=True)
class JournalEntry:
    date: dt.date
    author: str
    text: str
    reflection: str | None = None


@dataclass(frozen=True)
class Closing:
    date: dt.date
    goals_reached: GoalsReached
    story: str
    lessons: tuple[str, ...] = ()


@dataclass(frozen=True)
class Partnership:
    id: str
    path: str
    title: str
    format: str
    partners: tuple[str, ...]
    phase: str
    started: dt.date
    planned_end: dt.date | None = None
    goals: tuple[Goal, ...] = ()
    packages: tuple[Package, ...] = ()
    journal: tuple[JournalEntry, ...] = ()
    closing: Closing | None = None


def ad_from_data(ident: str, path: str, data: Mapping[str, Any]) -> Ad:
    """Build an Ad from a validated record's data (`generator.data.validate.Record.data`)."""
    return Ad(
        id=ident,
        path=path,
        name=data["name"],
        owner=data["owner"],
        location=data["location"],
        languages=tuple(data["languages"]),
        offers=tuple(Offer(o["skill"], o["level"], o.get("note")) for o in data["offers"]),
        seeks=tuple(Seek(s["skill"], s.get("goal")) for s in data["seeks"]),
        commitment=Commitment(
            float(data["commitment"]["hours_per_week"]), int(data["commitment"]["weeks"])
        ),
        posted=data["posted"],
        expires=data["expires"],
        status=data["status"],
        contact=data["contact"],
        team=data.get("team"),
        remote=data.get("remote", DEFAULT_REMOTE),
        formats=tuple(data.get("formats", DEFAULT_FORMATS)),
        available_from=data.get("available_from"),
        manager_support=data.get("manager_support", False),
        about=data.get("about"),
    )


def partnership_from_data(ident: str, path: str, data: Mapping[str, Any]) -> Partnership:
    """Build a Partnership from a validated record's data that passed the cross-file rules."""
    closing = data.get("closing")
    return Partnership(
        id=ident,
        path=path,
        title=data["title"],
        format=data["format"],
        partners=tuple(data["partners"]),
        phase=data["phase"],
        started=data["started"],
        planned_end=data.get("planned_end"),
        goals=tuple(
            Goal(
                g["partner"],
                g["goal"],
                tuple(
                    Milestone(m["title"], m["due"], m.get("done", False))
                    for m in g.get("milestones", [])
                ),
            )
            for g in data.get("goals", [])
        ),
        packages=tuple(
            Package(
                p["title"],
                p["teacher"],
                tuple(p["learners"]),
                p["due"],
                p["status"],
            )
            for p in data.get("packages", [])
        ),
        journal=tuple(
            sorted(
                (
                    JournalEntry(
                        j["date"],
                        j["author"],
                        j["text"],
                        j.get("reflection"),
                    )
                    for j in data.get("journal", [])
                ),
                key=lambda j: j.date,
            )
        ),
        closing=Closing(
            closing["date"],
            closing["goals_reached"],
            closing["story"],
            tuple(closing.get("lessons", [])),
        )
        if closing
        else None,
    )
