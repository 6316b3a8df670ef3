"""Problems found in contributor files, collected and reported together."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import groupby
from typing import Literal

Severity = Literal["error", "warning"]
MAX_PER_FILE = 50
"""Problems shown per file: enough to see what is wrong, never a flood."""


@dataclass(frozen=True, order=True)
class Problem:
    """One problem in one file, at a 1-based line and column."""

    path: str
    line: int
    col: int
    message: str
    severity: Severity = field(default="error")

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}: {self.severity}: {self.message}"


class TandemError(Exception):
    """Raised by the core when the data cannot be built into a site."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def has_errors(problems: Iterable[Problem]) -> bool:
    return any(p.severity == "error" for p in problems)


def capped(problems: Iterable[Problem], *, limit: int = MAX_PER_FILE) -> list[Problem]:
    """Sorted, at most `limit` problems per file, then one line that counts the rest."""
    shown: list[Problem] = []
    for path, group in groupby(sorted(problems), key=lambda p: p.path):
        found = list(group)
        shown += found[:limit]
        rest = found[limit:]
        if rest:
            last = found[limit - 1]
            severity: Severity = "error" if has_errors(rest) else "warning"
            shown.append(
                Problem(
                    path,
                    last.line,
                    last.col,
                    f"… and {len(rest)} more problem{'s' * (len(rest) != 1)} in this file; "
                    "fix these first, then run tandem validate again",
                    severity,
                )
            )
    return shown
