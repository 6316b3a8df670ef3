"""Problems -> text, JSON, GitHub annotations or a GitLab code-quality report.

What `tandem validate --format` prints; the Markdown report on a pull request is
`generator.workflow.pr_report`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence

from generator.data.problems import Problem

OUTPUT_FORMATS = ("text", "json", "github", "gitlab")
"""The values of `tandem validate --format`."""


def format_problems(problems: Sequence[Problem], fmt: str) -> str:
    """All problems in one output format; an empty text report says nothing."""
    return {"text": _text, "json": _json, "github": _github, "gitlab": _gitlab}[fmt](problems)


def count_line(problems: Sequence[Problem]) -> str:
    """`2 errors, 1 warning`."""
    errors = sum(p.severity == "error" for p in problems)
    warnings = len(problems) - errors
    return f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"


def _text(problems: Sequence[Problem]) -> str:
    return "".join(f"{p}\n" for p in problems)


def _json(problems: Sequence[Problem]) -> str:
    rows = [
        {"path": p.path, "line": p.line, "col": p.col, "severity": p.severity, "message": p.message}
        for p in problems
    ]
    return json.dumps(rows, indent=2, ensure_ascii=False) + "\n"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _github(problems: Sequence[Problem]) -> str:
    """Workflow commands; values escaped so a message cannot start a command of its own."""
    return "".join(
        f"::{p.severity} file={_escape_property(p.path)},line={p.line},col={p.col},"
        f"title={_escape_property('tandem ' + p.severity)}::{_escape_data(p.message)}\n"
        for p in problems
    )


def _gitlab(problems: Sequence[Problem]) -> str:
    """GitLab's code-quality report (a subset of the Code Climate format)."""
    rows = [
        {
            "description": p.message,
            "check_name": "tandem-validate",
            "fingerprint": hashlib.sha256(str(p).encode()).hexdigest(),
            "severity": "major" if p.severity == "error" else "minor",
            "location": {"path": p.path, "lines": {"begin": p.line}},
        }
        for p in problems
    ]
    return json.dumps(rows, indent=2, ensure_ascii=False) + "\n"
