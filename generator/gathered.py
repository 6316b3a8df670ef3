"""The one data type that the site's pages and the commands are made from."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from generator.data.model import Ad, Partnership
from generator.data.problems import Problem
from generator.matching.circles import Circle
from generator.matching.match import Suggestion
from generator.matching.pairings import Proposal
from generator.matching.skills import Taxonomy
from generator.site.forge import Forge


@dataclass(frozen=True)
class Gathered:
    """Validated, modelled and matched data: everything the site and the commands need."""

    ads: tuple[Ad, ...]
    """Sorted by id."""
    partnerships: tuple[Partnership, ...]
    """Sorted by id."""
    taxonomy: Taxonomy
    suggestions: Mapping[str, Sequence[Suggestion]]
    """Suggested partners per open ad id."""
    today: dt.date
    warnings: tuple[Problem, ...] = ()
    """What was found on the way; a tree with errors is never gathered."""
    site_url: str = ""
    """Where the site is served; empty for the commands."""
    circles: Mapping[str, Sequence[Circle]] = field(default_factory=dict)
    """Suggested circles per ad open to one; computed for the site only, not by `match`."""
    forge: Forge | None = None
    """The repository the data is edited in; None when `repo_url` is not set."""
    plan: Sequence[Proposal] = ()
    """The pairing plan: one partner or circle per open ad; for the site only."""
