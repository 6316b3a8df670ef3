"""`tandem report`: the Markdown report on a pull request, its problems and partners for the
ads it touches."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path, PurePosixPath

from generator.data.problems import Problem
from generator.gathered import Gathered
from generator.matching.present import markdown_cell, suggestions_markdown
from generator.pipeline import check, gather_checked
from generator.workflow.ownership import GitError, changed_files, merge_base
from generator.workflow.problem_output import count_line


def changed_ad_ids(root: Path, base: str) -> list[str]:
    """Ids of the ads added or changed since `base` (deleted ones have nobody to suggest)."""
    changes = changed_files(root, merge_base(root, base))
    paths = [PurePosixPath(c.new) for c in changes if c.new]
    return sorted({p.stem for p in paths if p.parts[0] == "ads"})


def pull_request_report(root: Path, base: str, today: dt.date) -> str:
    """Problems first (what to fix), then suggested partners for each changed ad.

    The tree is checked once; the suggestions are made from that same check.
    """
    checked = check(root, today)
    lines = ["## Tandem check", "", f"**{count_line(checked.problems)}**", ""]
    lines += _problem_table(checked.problems)
    try:
        ids = changed_ad_ids(root, base)
    except GitError as exc:
        return "\n".join([*lines, f"_Could not list the changed ads: {exc}_", ""])
    if not ids or checked.has_errors or checked.taxonomy is None:
        return "\n".join(lines)
    lines += _suggestions(gather_checked(checked), ids)
    return "\n".join(lines)


def _problem_table(problems: Sequence[Problem]) -> list[str]:
    if not problems:
        return ["Every ad and partnership log is valid.", ""]
    rows = ["| file | line | severity | message |", "|---|---|---|---|"]
    rows += [
        f"| `{markdown_cell(p.path)}` | {p.line} | {p.severity} | {markdown_cell(p.message)} |"
        for p in problems
    ]
    return [*rows, ""]


def _suggestions(data: Gathered, ids: list[str]) -> list[str]:
    names = {ad.id: ad.name for ad in data.ads}
    lines = ["### Suggested partners for the ads in this pull request", ""]
    for ident in (i for i in ids if i in names):
        lines += suggestions_markdown(ident, data.suggestions.get(ident, []), names)
    return lines
