"""Problems found in contributor files, collected and reported together."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Severity = Literal["error", "warning"]


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


def has_errors(problems: list[Problem]) -> bool:
    return any(p.severity == "error" for p in problems)
